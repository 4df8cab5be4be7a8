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

pub(crate) async fn stylesheet() -> impl IntoResponse {
    asset(
        "text/css; charset=utf-8",
        include_str!("../static/baken.css"),
    )
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
