//! Across the border over the API: the glossary (search in five languages, by country and
//! topic), the open sources per country, and a request letter as PDF.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use baken_domain::crossborder::{Country, OpenSourceGuide, Term};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use crate::AppState;
use crate::api::ApiJson;
use crate::context::SignedIn;
use crate::error::{AppError, InvalidParam};

#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct GlossaryQuery {
    /// Search text in any of the five languages; accents and case are ignored.
    #[serde(default)]
    q: String,
    /// `NL`, `BE` or `DE`: only that country's definition.
    #[serde(default)]
    land: String,
    /// A topic (`bestuur`, `handhaving`, `integriteit`, `registers`, `samenwerking`, `privacy`, `strafrecht`, `economie`).
    #[serde(default)]
    onderwerp: String,
}

/// A term with the definitions asked for.
#[derive(Debug, Serialize)]
pub struct TermJson {
    pub id: String,
    pub onderwerp: String,
    pub termen: baken_domain::crossborder::glossary::Names,
    pub definities: BTreeMap<String, baken_domain::dashboard::indicator::Text>,
    pub verschil: baken_domain::dashboard::indicator::Text,
    pub wetgeving: Vec<String>,
    pub zie_ook: Vec<String>,
}

fn term_json(t: &Term, countries: &[Country]) -> TermJson {
    TermJson {
        id: t.id.clone(),
        onderwerp: t.onderwerp.clone(),
        termen: t.termen.clone(),
        definities: countries
            .iter()
            .map(|c| (c.code().to_owned(), t.definitie.of(*c).clone()))
            .collect(),
        verschil: t.verschil.clone(),
        wetgeving: t.wetgeving.clone(),
        zie_ook: t.zie_ook.clone(),
    }
}

fn country(code: &str) -> Result<Option<Country>, AppError> {
    match code.trim() {
        "" => Ok(None),
        c => Country::from_code(c)
            .map(Some)
            .ok_or_else(|| AppError::BadRequest {
                detail: "land is NL, BE or DE".into(),
                params: vec![InvalidParam {
                    name: "land".into(),
                    reason: "NL, BE or DE".into(),
                }],
            }),
    }
}

/// The glossary: `?q=bürgermeister&land=DE&onderwerp=bestuur`.
#[utoipa::path(get, path = "/api/v1/begrippen", tag = "grens", params(GlossaryQuery),
    responses((status = 200, body = Object), (status = 400, description = "Onbekend land of onderwerp")),
    security(("bearer" = [])))]
pub(crate) async fn glossary(
    State(state): State<AppState>,
    _: SignedIn,
    Query(q): Query<GlossaryQuery>,
) -> Result<Json<Vec<TermJson>>, AppError> {
    let countries = match country(&q.land)? {
        Some(c) => vec![c],
        None => Country::ALL.to_vec(),
    };
    let topic = Some(q.onderwerp.trim()).filter(|t| !t.is_empty());
    if let Some(t) = topic
        && !baken_domain::crossborder::glossary::TOPICS.contains(&t)
    {
        return Err(AppError::BadRequest {
            detail: format!("unknown topic {t:?}"),
            params: vec![InvalidParam {
                name: "onderwerp".into(),
                reason: baken_domain::crossborder::glossary::TOPICS.join(", "),
            }],
        });
    }
    Ok(Json(
        state
            .crossborder
            .glossary
            .search(&q.q, topic)
            .into_iter()
            .map(|t| term_json(t, &countries))
            .collect(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct SourcesQuery {
    /// `NL`, `BE` or `DE`.
    #[serde(default)]
    land: String,
}

/// Open sources per country: what each holds, who may consult it and how.
#[utoipa::path(get, path = "/api/v1/openbare-bronnen", tag = "grens", params(SourcesQuery),
    responses((status = 200, body = Object)), security(("bearer" = [])))]
pub(crate) async fn sources(
    State(state): State<AppState>,
    _: SignedIn,
    Query(q): Query<SourcesQuery>,
) -> Result<Json<Vec<OpenSourceGuide>>, AppError> {
    let land = country(&q.land)?;
    Ok(Json(
        state
            .crossborder
            .sources
            .iter()
            .filter(|s| land.is_none_or(|c| s.land == c))
            .cloned()
            .collect(),
    ))
}

/// A letter request: the template, the language (nl, fr, de), the case it is recorded on, and
/// the values by variable name (`afzender.contactpersoon`, `gevraagd`, …).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LetterIn {
    pub sjabloon: String,
    pub taal: String,
    pub casus: i64,
    #[serde(default)]
    pub velden: BTreeMap<String, String>,
}

/// Produces a request letter as PDF and records it on the case; a missing required field is a
/// 422 that names it, and nothing is produced.
#[utoipa::path(post, path = "/api/v1/brieven", tag = "grens", request_body = Object,
    responses((status = 200, description = "De brief als PDF", content_type = "application/pdf"),
        (status = 422, description = "Een verplicht veld ontbreekt")),
    security(("bearer" = [])))]
pub(crate) async fn letter(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
    ApiJson(body): ApiJson<LetterIn>,
) -> Result<Response, AppError> {
    let value = |f: &str| body.velden.get(f).cloned().unwrap_or_default();
    match crate::pages::crossborder::produce_letter(
        &state,
        &actor,
        &body.sjabloon,
        &body.taal,
        body.casus,
        value,
    )
    .await?
    {
        Ok((name, pdf)) => Ok((
            [
                (CONTENT_TYPE, "application/pdf".to_owned()),
                (
                    CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
            ],
            pdf,
        )
            .into_response()),
        Err(missing) => Err(AppError::Unprocessable {
            params: missing
                .into_iter()
                .map(|m| InvalidParam {
                    name: m,
                    reason: "required for this letter".into(),
                })
                .collect(),
        }),
    }
}
