//! Baken's web layer: the router, the pages, `/api/v1`, sessions and CSRF on the wire,
//! messages in Dutch and English, and the static assets.
//!
//! Every route is declared once in [`routes`], with the access it needs; the router is built
//! from that registry, so the access guard cannot be forgotten and the permission-matrix test
//! sees every route. Read in this order: [`routes`], `context` (who is asking, in which
//! language), `security` (headers, CSRF), `error` (one error type, rendered per surface),
//! then `pages` and `api`.

pub mod api;
mod assets;
mod config;
mod context;
pub mod dashboard;
mod error;
pub mod i18n;
mod metrics;
mod pages;
pub mod routes;
mod security;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use baken_store::Store;

pub use config::WebConfig;
pub use error::{AppError, Surface};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<WebConfig>,
    pub metrics: Arc<metrics::Metrics>,
    pub dashboards: Arc<dashboard::Dashboards>,
    pub matrices: Arc<baken_domain::matrix::Matrices>,
    pub scan: Arc<baken_domain::readiness::Scan>,
    pub course: Arc<baken_domain::readiness::Course>,
    pub crossborder: Arc<baken_import::crossborder::CrossBorder>,
}

impl AppState {
    pub fn new(store: Store, config: WebConfig) -> Self {
        Self {
            store,
            config: Arc::new(config),
            metrics: Arc::new(metrics::Metrics::default()),
            // The shipped catalogue is embedded and checked by a test: an error here is a
            // defect of the build, not of anything a user did.
            dashboards: Arc::new(
                dashboard::Dashboards::shipped()
                    .unwrap_or_else(|e| panic!("the shipped indicator catalogue: {e}")),
            ),
            matrices: Arc::new(
                baken_import::matrix::shipped_matrices()
                    .unwrap_or_else(|e| panic!("the shipped indicator matrices: {e}")),
            ),
            scan: Arc::new(
                baken_import::readiness::shipped_scan()
                    .unwrap_or_else(|e| panic!("the shipped self-assessment: {e}")),
            ),
            course: Arc::new(
                baken_import::readiness::shipped_course()
                    .unwrap_or_else(|e| panic!("the shipped e-learning: {e}")),
            ),
            crossborder: Arc::new(baken_import::crossborder::shipped().unwrap_or_else(|p| {
                panic!(
                    "the shipped cross-border content: {}",
                    p.first().map(ToString::to_string).unwrap_or_default()
                )
            })),
        }
    }
}

/// The whole application as one router.
pub fn app(state: AppState) -> Router {
    let max_body = state.config.max_body_bytes;
    let mut router = Router::new();
    for route in routes::registry() {
        router = router.route(route.spec.path, routes::guarded(route, &state));
    }
    router
        .fallback(error::fallback)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::csrf,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            error::render_errors,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), context::load))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::limit_body,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::headers,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::count,
        ))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            error::panic_response,
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}
