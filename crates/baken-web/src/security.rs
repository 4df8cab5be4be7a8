//! Security on the wire: response headers, the request-size limit, and CSRF protection.
//!
//! CSRF is refused in two independent ways on every state-changing request that rides on the
//! session cookie: the browser's own Fetch Metadata / `Origin` must say same-origin, and the
//! request must carry the session's synchroniser token (form field `csrf`, query parameter
//! `csrf` for file uploads, or header `X-CSRF-Token`). Requests with an API token carry no
//! ambient credentials and skip the token check.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, HOST, ORIGIN};
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::json;

use crate::AppState;
use crate::context::RequestContext;
use crate::error::AppError;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
     base-uri 'none'; object-src 'none'";

/// Adds the security headers to every response.
pub(crate) async fn headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, name: &'static str, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(h, "content-security-policy", CSP);
    set(h, "x-content-type-options", "nosniff");
    set(h, "x-frame-options", "DENY");
    set(h, "referrer-policy", "same-origin");
    set(h, "cross-origin-opener-policy", "same-origin");
    set(
        h,
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(), payment=()",
    );
    if !h.contains_key("cache-control") {
        set(h, "cache-control", "no-store");
    }
    if state.config.secure_cookies() {
        set(
            h,
            "strict-transport-security",
            "max-age=31536000; includeSubDomains",
        );
    }
    res
}

/// Refuses a body whose declared length is over the limit before reading any of it.
pub(crate) async fn limit_body(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Result<Response, AppError> {
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let limit =
        crate::routes::upload_limit(req.uri().path()).unwrap_or(state.config.max_body_bytes);
    if declared.is_some_and(|n| n > limit) {
        return Err(AppError::PayloadTooLarge { max_bytes: limit });
    }
    Ok(next.run(req).await)
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn same_origin(req: &Request) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    match (
        headers.get(ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some(origin), Some(host)) => url::Url::parse(origin).is_ok_and(|o| {
            let origin_host = match (o.host_str(), o.port()) {
                (Some(h), Some(p)) => format!("{h}:{p}"),
                (Some(h), None) => h.to_owned(),
                _ => return false,
            };
            origin_host.eq_ignore_ascii_case(host)
        }),
        (Some(_), None) => false,
        (None, _) => true,
    }
}

fn query_token(req: &Request) -> Option<String> {
    req.uri().query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.into_owned())
    })
}

/// Checks CSRF on every state-changing request.
pub(crate) async fn csrf(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Result<Response, AppError> {
    if is_safe(req.method()) {
        return Ok(next.run(req).await);
    }
    let Some(ctx) = req.extensions().get::<RequestContext>().cloned() else {
        return Err(AppError::Internal("request context missing".into()));
    };
    // An API token is no ambient credential, and an API call without any cookie has none
    // either: neither can be forged by another site. Pages always need the token, the login
    // form included (login CSRF).
    let cookieless_api = ctx.surface == crate::error::Surface::Api
        && crate::context::cookie(req.headers(), crate::context::SESSION_COOKIE).is_none();
    if ctx.bearer || cookieless_api {
        return Ok(next.run(req).await);
    }
    if !same_origin(&req) {
        return reject(&state, &ctx, "cross-origin").await;
    }
    let Some(expected) = ctx.csrf_token().map(str::to_owned) else {
        return reject(&state, &ctx, "no-session").await;
    };
    let from_header = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Some(given) = from_header.or_else(|| query_token(&req)) {
        if constant_time_eq(given.as_bytes(), expected.as_bytes()) {
            return Ok(next.run(req).await);
        }
        return reject(&state, &ctx, "token-mismatch").await;
    }
    let is_form = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return reject(&state, &ctx, "token-missing").await;
    }
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, state.config.max_body_bytes)
        .await
        .map_err(|_| AppError::PayloadTooLarge {
            max_bytes: state.config.max_body_bytes,
        })?;
    let given = url::form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.into_owned());
    match given {
        Some(given) if constant_time_eq(given.as_bytes(), expected.as_bytes()) => {
            let req = Request::from_parts(parts, Body::from(bytes));
            Ok(next.run(req).await)
        }
        Some(_) => reject(&state, &ctx, "token-mismatch").await,
        None => reject(&state, &ctx, "token-missing").await,
    }
}

async fn reject(
    state: &AppState,
    ctx: &RequestContext,
    reason: &'static str,
) -> Result<Response, AppError> {
    // Without any session there is no account to protect and nothing to attribute: such
    // refusals go to the log only, so that anonymous traffic cannot flood the audit chain.
    if ctx.session.is_none() && ctx.actor.is_none() {
        tracing::warn!(client = %ctx.client, path = %ctx.path, reason, "CSRF check refused an anonymous request");
        return Err(AppError::Csrf);
    }
    state
        .store
        .record_denial(
            ctx.actor.as_ref(),
            &format!("client:{}", ctx.client),
            "security.csrf_rejected",
            json!({ "reason": reason, "path": ctx.path }),
        )
        .await?;
    Err(AppError::Csrf)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
