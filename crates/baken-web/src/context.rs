//! Who is asking, and in which language: the request context every handler can read.
//!
//! A middleware reads the session cookie or the bearer token once per request and puts a
//! [`RequestContext`] in the request's extensions; handlers take it with the [`Ctx`] extractor.

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::HeaderMap;
use axum::http::header::{ACCEPT_LANGUAGE, AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use baken_store::Actor;
use baken_store::auth::SessionState;

use crate::error::AppError;
use crate::i18n::Lang;
use crate::{AppState, error::Surface};

pub(crate) const SESSION_COOKIE: &str = "baken_session";
pub(crate) const LANG_COOKIE: &str = "baken_lang";

/// Everything a handler needs to know about the caller.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub lang: Lang,
    pub surface: Surface,
    /// The session cookie's value, when the browser sent one that is still valid.
    pub session_token: Option<String>,
    pub session: Option<SessionState>,
    pub actor: Option<Actor>,
    /// True when the caller authenticated with an API token (no cookies, so no CSRF).
    pub bearer: bool,
    /// The client address used for login throttling.
    pub client: String,
    pub path: String,
}

impl RequestContext {
    pub fn csrf_token(&self) -> Option<&str> {
        self.session.as_ref().map(|s| s.csrf_token.as_str())
    }
}

pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_owned())
}

fn client_address(req: &Request, trust_proxy: bool) -> String {
    if trust_proxy
        && let Some(forwarded) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            // The right-most entry is the one our own proxy appended; entries to its left
            // come from the client and can be anything.
            .and_then(|v| v.rsplit(',').next())
    {
        return forwarded.trim().chars().take(64).collect();
    }
    req.extensions()
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Loads the [`RequestContext`] for every request.
pub(crate) async fn load(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Result<Response, AppError> {
    let path = req.uri().path().to_owned();
    let surface = Surface::of_path(&path);
    let headers = req.headers();
    let lang = cookie(headers, LANG_COOKIE)
        .and_then(|c| Lang::from_code(&c))
        .or_else(|| {
            headers
                .get(ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default();
    let bearer_token = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned());
    let session_cookie = cookie(headers, SESSION_COOKIE);
    let client = client_address(&req, state.config.trust_proxy);

    let mut ctx = RequestContext {
        lang,
        surface,
        session_token: None,
        session: None,
        actor: None,
        bearer: false,
        client,
        path,
    };
    if let Some(token) = bearer_token {
        ctx.bearer = true;
        ctx.actor = state.store.token_actor(&token).await?;
    } else if let Some(token) = session_cookie
        && let Some(session) = state.store.session(&token).await?
    {
        ctx.actor = session.actor.clone();
        ctx.session = Some(session);
        ctx.session_token = Some(token);
    }
    req.extensions_mut().insert(ctx);
    Ok(next.run(req).await)
}

/// The request context, for handlers.
pub struct Ctx(pub RequestContext);

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<RequestContext>()
            .cloned()
            .map(Ctx)
            .ok_or_else(|| AppError::Internal("request context missing".into()))
    }
}

/// The signed-in user, for handlers behind a guard that already demanded one.
pub struct SignedIn(pub Actor, pub RequestContext);

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Ctx(ctx) = Ctx::from_request_parts(parts, state).await?;
        match ctx.actor.clone() {
            Some(actor) => Ok(SignedIn(actor, ctx)),
            None => Err(AppError::Unauthorized),
        }
    }
}
