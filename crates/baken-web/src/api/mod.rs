//! `/api/v1`: JSON after the NL API Design Rules — Dutch plural nouns, no trailing slashes,
//! `application/problem+json` errors, paginated collections, and the OpenAPI 3 document
//! generated from the handlers' annotations.

pub(crate) mod area;
pub(crate) mod audit;
pub(crate) mod crossborder;
pub(crate) mod dashboard;
pub(crate) mod health;
pub(crate) mod matrix;
pub mod openapi;
pub(crate) mod org;
pub(crate) mod readiness;
pub(crate) mod sharing;
pub(crate) mod signal;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{AppError, InvalidParam};

/// A JSON body; a malformed one is a 400 that names the field.
pub(crate) struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !is_json {
            return Err(AppError::BadRequest {
                detail: "Content-Type must be application/json".into(),
                params: Vec::new(),
            });
        }
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
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(de)
            .map(ApiJson)
            .map_err(|e| {
                let path = e.path().to_string();
                let inner = e.into_inner();
                let message = inner.to_string();
                // "missing field `email`" names the field itself; otherwise the path does.
                let name = message
                    .split('`')
                    .nth(1)
                    .filter(|_| message.starts_with("missing field"))
                    .map(str::to_owned)
                    .unwrap_or_else(|| if path == "." { String::new() } else { path });
                AppError::BadRequest {
                    detail: format!("invalid JSON body: {message}"),
                    params: vec![InvalidParam {
                        name,
                        reason: message,
                    }],
                }
            })
    }
}

/// `?pagina=&paginagrootte=` on every collection.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
pub(crate) struct PageQuery {
    /// Page number, from 1.
    pub pagina: Option<u32>,
    /// Items per page, 1 to 100 (default 25).
    pub paginagrootte: Option<u32>,
}

impl PageQuery {
    pub fn page(self) -> baken_store::Page {
        baken_store::Page::new(self.pagina.unwrap_or(1), self.paginagrootte.unwrap_or(25))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Link {
    pub href: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Links {
    #[serde(rename = "self")]
    pub self_: Link,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<Link>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prev: Option<Link>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Pagination {
    pub pagina: u32,
    pub paginagrootte: u32,
    pub totaal: i64,
    pub aantal_paginas: u32,
}

/// A page of a collection, with links to its neighbours.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paginated<T> {
    pub resultaten: Vec<T>,
    pub paginering: Pagination,
    #[serde(rename = "_links")]
    pub links: Links,
}

impl<T> Paginated<T> {
    pub fn new<U>(paged: baken_store::Paged<U>, path: &str, map: impl Fn(U) -> T) -> Self {
        let page = paged.page;
        let pages = paged.page_count();
        let href = |n: u32| Link {
            href: format!("{path}?pagina={n}&paginagrootte={}", page.size),
        };
        Self {
            links: Links {
                self_: href(page.number),
                next: (page.number < pages).then(|| href(page.number + 1)),
                prev: (page.number > 1).then(|| href(page.number - 1)),
            },
            paginering: Pagination {
                pagina: page.number,
                paginagrootte: page.size,
                totaal: paged.total,
                aantal_paginas: pages,
            },
            resultaten: paged.items.into_iter().map(map).collect(),
        }
    }
}

/// A time in Unix milliseconds as RFC 3339 (UTC).
pub(crate) fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}
