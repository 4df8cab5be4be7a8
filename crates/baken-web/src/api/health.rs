//! Liveness, readiness and metrics for operators and load balancers.

use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use serde_json::json;

use crate::AppState;

/// The process is up.
pub(crate) async fn healthz() -> impl IntoResponse {
    axum::Json(json!({ "status": "ok" }))
}

/// The process can serve: the database answers.
pub(crate) async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let db = state.store.ping().await;
    let status = if db {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        axum::Json(json!({
            "status": if db { "ok" } else { "unavailable" },
            "database": state.store.backend().name(),
        })),
    )
}

pub(crate) async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let db = state.store.ping().await;
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        state.metrics.render(state.store.backend().name(), db),
    )
}
