//! The pages people use: server-rendered HTML that works without JavaScript.
//!
//! Forms post back with the session's CSRF token and answer with a redirect (POST-redirect-GET)
//! or, when something is wrong, the same form again with each error tied to its field.

pub(crate) mod admin;
pub(crate) mod audit;
pub(crate) mod auth;
pub(crate) mod crossborder;
pub(crate) mod dashboard;
pub(crate) mod import;
pub(crate) mod matrix;
pub(crate) mod profile;
pub(crate) mod readiness;
pub(crate) mod sharing;
pub(crate) mod shell;
pub(crate) mod signal;
pub(crate) mod signal_admin;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header::LOCATION;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use baken_domain::auth::PasswordProblem;

use crate::error::AppError;
use crate::i18n::Lang;

/// A submitted `application/x-www-form-urlencoded` form, with repeated keys kept (checkboxes).
pub(crate) struct FormFields(Vec<(String, String)>);

impl FormFields {
    pub(crate) fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every submitted pair, in order.
    pub(crate) fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub(crate) fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

impl<S: Send + Sync> FromRequest<S> for FormFields {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge { max_bytes: 0 }
            } else {
                AppError::BadRequest {
                    detail: e.body_text(),
                    params: Vec::new(),
                }
            }
        })?;
        Ok(Self(
            url::form_urlencoded::parse(&bytes)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        ))
    }
}

/// A multipart form, or a 400 that says why not.
pub(crate) fn multipart_or_400(
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<axum::extract::Multipart, AppError> {
    multipart.map_err(|e| AppError::BadRequest {
        detail: e.body_text(),
        params: Vec::new(),
    })
}

/// The text fields of a multipart form and the bytes of its one file field `file_field`
/// (empty when none was sent); a field over `max_bytes` is a 413.
pub(crate) async fn multipart_with_file(
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
    file_field: &str,
    max_bytes: usize,
) -> Result<(std::collections::BTreeMap<String, String>, Vec<u8>), AppError> {
    let mut multipart = multipart_or_400(multipart)?;
    let mut fields = std::collections::BTreeMap::new();
    let mut file = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| multipart_field_error(e, max_bytes))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        let bytes = field
            .bytes()
            .await
            .map_err(|e| multipart_field_error(e, max_bytes))?;
        if name == file_field {
            file = bytes.to_vec();
        } else {
            fields.insert(name, String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    Ok((fields, file))
}

/// A multipart field that could not be read: too large (413) or malformed (400).
pub(crate) fn multipart_field_error(
    e: axum::extract::multipart::MultipartError,
    max_bytes: usize,
) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::PayloadTooLarge { max_bytes }
    } else {
        AppError::BadRequest {
            detail: e.body_text(),
            params: Vec::new(),
        }
    }
}

/// A 303 redirect to a path of Baken.
pub(crate) fn see_other(location: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        res.headers_mut().insert(LOCATION, v);
    }
    res
}

/// Only local paths are followed after login or a language switch (no open redirect).
pub(crate) fn safe_return_path(candidate: &str) -> &str {
    let ok = candidate.starts_with('/')
        && !candidate.starts_with("//")
        && !candidate.contains('\\')
        && !candidate.chars().any(char::is_control);
    if ok { candidate } else { "/" }
}

/// What is wrong with a password, in words.
pub(crate) fn password_problem(lang: Lang, problem: PasswordProblem) -> String {
    match problem {
        PasswordProblem::TooShort { min } => {
            lang.t_args("password-too-short", &[("min", min.to_string())])
        }
        PasswordProblem::TooLong { max } => {
            lang.t_args("password-too-long", &[("max", max.to_string())])
        }
        PasswordProblem::ContainsEmailName => lang.t("password-contains-name"),
        PasswordProblem::TooCommon => lang.t("password-too-common"),
        PasswordProblem::TooFewDistinctCharacters => lang.t("password-too-uniform"),
    }
}

/// A time in Unix milliseconds as `2026-11-28 14:05` (UTC).
pub(crate) fn format_ms(ms: i64) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&fmt).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_return_path("/audit?pagina=2"), "/audit?pagina=2");
        for evil in [
            "https://evil.example",
            "//evil.example",
            "/\\evil",
            "javascript:x",
            "",
        ] {
            assert_eq!(safe_return_path(evil), "/", "{evil}");
        }
    }

    #[test]
    fn times_are_shown_in_utc() {
        assert_eq!(format_ms(0), "1970-01-01 00:00:00");
    }
}
