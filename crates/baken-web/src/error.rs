//! One error type for the web layer, rendered per surface: `application/problem+json` for
//! `/api`, a page in the house style for people. Handlers return [`AppError`]; the
//! [`render_errors`] middleware turns it into the right body in the caller's language, so no
//! handler ever writes an error body by hand and no stack trace ever reaches a client.

use std::any::Any;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_TYPE, LOCATION};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use baken_store::StoreError;
use serde::Serialize;

use crate::AppState;
use crate::context::RequestContext;
use crate::i18n::Lang;
use crate::pages::shell::{ErrorPage, Shell};

/// Which face of Baken a request addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    Page,
    Api,
}

impl Surface {
    pub fn of_path(path: &str) -> Self {
        if path == "/api" || path.starts_with("/api/") {
            Self::Api
        } else {
            Self::Page
        }
    }
}

/// A field that was wrong, and why (in the caller's language where Baken wrote the reason).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvalidParam {
    pub name: String,
    pub reason: String,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum AppError {
    #[error("not signed in")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// Not found, saying what is there instead ("no data for 2019; years with data: …").
    #[error("not found: {detail}")]
    Absent { detail: String },
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("bad request: {detail}")]
    BadRequest {
        detail: String,
        params: Vec<InvalidParam>,
    },
    #[error("unprocessable: {params:?}")]
    Unprocessable { params: Vec<InvalidParam> },
    #[error("conflict on {field}")]
    Conflict { field: String },
    #[error("body over {max_bytes} bytes")]
    PayloadTooLarge { max_bytes: usize },
    #[error("CSRF check failed")]
    Csrf,
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden | Self::Csrf => StatusCode::FORBIDDEN,
            Self::NotFound | Self::Absent { .. } => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The catalogue key of the title and the explanation.
    fn key(&self) -> &'static str {
        match self {
            Self::Unauthorized => "error-401",
            Self::Forbidden => "error-403",
            Self::Csrf => "error-csrf",
            Self::NotFound | Self::Absent { .. } => "error-404",
            Self::MethodNotAllowed => "error-405",
            Self::BadRequest { .. } => "error-400",
            Self::Unprocessable { .. } => "error-422",
            Self::Conflict { .. } => "error-409",
            Self::PayloadTooLarge { .. } => "error-413",
            Self::Internal(_) => "error-500",
        }
    }
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => Self::NotFound,
            StoreError::Forbidden(_) => Self::Forbidden,
            StoreError::Conflict { field } => Self::Conflict {
                field: field.to_owned(),
            },
            StoreError::Invalid { field, reason } => Self::Unprocessable {
                params: vec![InvalidParam {
                    name: field.to_owned(),
                    reason,
                }],
            },
            StoreError::Fields(errors) => Self::Unprocessable {
                params: errors
                    .into_iter()
                    .map(|e| InvalidParam {
                        name: e.field,
                        reason: e.reason,
                    })
                    .collect(),
            },
            StoreError::WeakPassword(problems) => Self::Unprocessable {
                params: problems
                    .into_iter()
                    .map(|p| InvalidParam {
                        name: "wachtwoord".into(),
                        reason: crate::pages::password_problem(Lang::Nl, p),
                    })
                    .collect(),
            },
            StoreError::UnknownOrganisation(code) => Self::Unprocessable {
                params: vec![InvalidParam {
                    name: "organisatie".into(),
                    reason: format!("onbekende organisatie: {code}"),
                }],
            },
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(err: askama::Error) -> Self {
        Self::Internal(format!("template: {err}"))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut res = Response::new(Body::empty());
        *res.status_mut() = self.status();
        res.extensions_mut().insert(self);
        res
    }
}

#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: String,
    title: String,
    status: u16,
    detail: String,
    instance: &'a str,
    #[serde(rename = "invalidParams", skip_serializing_if = "Vec::is_empty")]
    invalid_params: Vec<InvalidParam>,
}

fn problem_response(err: &AppError, lang: Lang, instance: &str) -> Response {
    let key = err.key();
    let mut detail = lang.t(&format!("{key}-text"));
    let mut params = Vec::new();
    match err {
        AppError::BadRequest {
            detail: d,
            params: p,
        } => {
            detail = d.clone();
            params.clone_from(p);
        }
        AppError::Unprocessable { params: p } => params.clone_from(p),
        AppError::Absent { detail: d } => detail = d.clone(),
        AppError::Conflict { field } => params.push(InvalidParam {
            name: field.clone(),
            reason: lang.t("error-409-field"),
        }),
        _ => {}
    }
    let body = Problem {
        kind: format!("https://baken.example/problemen/{}", &key[6..]),
        title: lang.t(&format!("{key}-title")),
        status: err.status().as_u16(),
        detail,
        instance,
        invalid_params: params,
    };
    let json = serde_json::to_vec(&body).unwrap_or_default();
    let mut res = Response::new(Body::from(json));
    *res.status_mut() = err.status();
    res.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    if matches!(err, AppError::Unauthorized) {
        res.headers_mut().insert(
            "www-authenticate",
            HeaderValue::from_static("Bearer realm=\"baken\""),
        );
    }
    res
}

async fn page_response(state: &AppState, err: &AppError, ctx: &RequestContext) -> Response {
    if matches!(err, AppError::Unauthorized) {
        let target = format!(
            "/inloggen?terug={}",
            url::form_urlencoded::byte_serialize(ctx.path.as_bytes()).collect::<String>()
        );
        let mut res = Response::new(Body::empty());
        *res.status_mut() = StatusCode::SEE_OTHER;
        if let Ok(v) = HeaderValue::from_str(&target) {
            res.headers_mut().insert(LOCATION, v);
        }
        return res;
    }
    let key = err.key();
    let shell = Shell::build(state, ctx, &format!("{key}-title")).await;
    let mut reasons: Vec<String> = match err {
        AppError::BadRequest { params, .. } | AppError::Unprocessable { params } => params
            .iter()
            .map(|p| format!("{}: {}", p.name, p.reason))
            .collect(),
        _ => Vec::new(),
    };
    if let AppError::BadRequest { detail, .. } | AppError::Absent { detail } = err {
        reasons.insert(0, detail.clone());
    }
    let page = ErrorPage {
        code: err.status().as_u16(),
        text: ctx.lang.t(&format!("{key}-text")),
        reasons,
        shell,
    };
    let html = askama::Template::render(&page).unwrap_or_else(|e| {
        tracing::error!(error = %e, "error page failed to render");
        format!("<!doctype html><title>{}</title>", err.status())
    });
    (err.status(), Html(html)).into_response()
}

/// Renders every [`AppError`] (and axum's own bare 404/405) for the caller's surface.
pub(crate) async fn render_errors(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let ctx = req.extensions().get::<RequestContext>().cloned();
    let res = next.run(req).await;
    let err = match res.extensions().get::<AppError>() {
        Some(err) => err.clone(),
        None if res.status() == StatusCode::METHOD_NOT_ALLOWED => AppError::MethodNotAllowed,
        None => return res,
    };
    if let AppError::Internal(msg) = &err {
        tracing::error!(error = %msg, "request failed");
    }
    let Some(ctx) = ctx else {
        return problem_response(&err, Lang::Nl, "");
    };
    match ctx.surface {
        crate::error::Surface::Api => problem_response(&err, ctx.lang, &ctx.path),
        crate::error::Surface::Page => page_response(&state, &err, &ctx).await,
    }
}

/// Every path that no route matches.
pub(crate) async fn fallback() -> AppError {
    AppError::NotFound
}

/// A panic becomes a plain 500 without details (the details go to the log).
pub(crate) fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(panic = detail, "handler panicked");
    problem_response(&AppError::Internal(String::new()), Lang::Nl, "")
}
