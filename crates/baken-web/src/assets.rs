//! Baken's own static files, embedded in the binary.

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;

fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, content_type),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
}

/// The house style, followed by the rules that theme the charts and maps.
pub(crate) async fn stylesheet() -> impl IntoResponse {
    static CSS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!(
            "{}\n/* Charts and maps */\n{}",
            include_str!("../static/baken.css"),
            baken_render::STYLESHEET
        )
    });
    asset("text/css; charset=utf-8", CSS.as_str())
}

pub(crate) async fn tokens() -> impl IntoResponse {
    asset(
        "text/css; charset=utf-8",
        include_str!("../static/tokens.css"),
    )
}

pub(crate) async fn script() -> impl IntoResponse {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("../static/baken.js"),
    )
}
