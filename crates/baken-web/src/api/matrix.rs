//! Indicator matrices over the API: phenomena with their indicators and sources, the sources
//! catalogue, the caller's organisation's inventory (read and replace) and coverage.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, State};
use baken_domain::matrix::{InventoryEntry, MatrixIndicator, Source, coverage, gaps};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::api::ApiJson;
use crate::context::SignedIn;
use crate::error::{AppError, InvalidParam};
use crate::pages::matrix::phenomenon_or_404;

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FenomeenJson {
    pub id: String,
    pub naam: String,
    pub name: String,
    pub omschrijving: String,
    pub aantal_indicatoren: usize,
    pub aantal_zwaarwegend: usize,
}

/// The phenomena of the matrices.
#[utoipa::path(get, path = "/api/v1/fenomenen", tag = "matrices",
    responses((status = 200, body = Vec<FenomeenJson>)), security(("bearer" = [])))]
pub(crate) async fn phenomena(
    State(state): State<AppState>,
    _: SignedIn,
) -> Json<Vec<FenomeenJson>> {
    Json(
        state
            .matrices
            .phenomena
            .iter()
            .map(|p| FenomeenJson {
                id: p.id.clone(),
                naam: p.naam.nl.clone(),
                name: p.naam.en.clone(),
                omschrijving: p.omschrijving.nl.clone(),
                aantal_indicatoren: p.indicatoren.len(),
                aantal_zwaarwegend: p.indicatoren.iter().filter(|i| i.zwaarwegend).count(),
            })
            .collect(),
    )
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FenomeenDetailJson {
    #[serde(flatten)]
    pub fenomeen: FenomeenJson,
    /// Each with its category, the six criteria (1–5), weighty, combinations and sources.
    #[schema(value_type = Vec<Object>)]
    pub indicatoren: Vec<MatrixIndicator>,
    /// The sources its indicators are found in.
    #[schema(value_type = Vec<Object>)]
    pub bronnen: Vec<Source>,
}

/// One phenomenon with its indicators and the sources they are found in.
#[utoipa::path(get, path = "/api/v1/fenomenen/{id}", tag = "matrices",
    params(("id" = String, Path, description = "Phenomenon id, e.g. drugs")),
    responses((status = 200, body = FenomeenDetailJson), (status = 404, description = "Onbekend fenomeen")),
    security(("bearer" = [])))]
pub(crate) async fn phenomenon(
    State(state): State<AppState>,
    _: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<FenomeenDetailJson>, AppError> {
    let m = &state.matrices;
    let p = phenomenon_or_404(m, &id)?;
    let sources = m
        .sources
        .iter()
        .filter(|s| p.indicatoren.iter().any(|i| i.bronnen.contains(&s.id)))
        .cloned()
        .collect();
    Ok(Json(FenomeenDetailJson {
        fenomeen: FenomeenJson {
            id: p.id.clone(),
            naam: p.naam.nl.clone(),
            name: p.naam.en.clone(),
            omschrijving: p.omschrijving.nl.clone(),
            aantal_indicatoren: p.indicatoren.len(),
            aantal_zwaarwegend: p.indicatoren.iter().filter(|i| i.zwaarwegend).count(),
        },
        indicatoren: p.indicatoren.clone(),
        bronnen: sources,
    }))
}

/// The sources catalogue (vindplaatsen).
#[utoipa::path(get, path = "/api/v1/bronnen", tag = "matrices",
    responses((status = 200, body = Vec<Object>)), security(("bearer" = [])))]
pub(crate) async fn sources(State(state): State<AppState>, _: SignedIn) -> Json<Vec<Source>> {
    Json(state.matrices.sources.clone())
}

/// The caller's organisation's inventory.
#[utoipa::path(get, path = "/api/v1/inventaris", tag = "matrices",
    responses((status = 200, body = Vec<Object>)), security(("bearer" = [])))]
pub(crate) async fn inventory(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
) -> Result<Json<Vec<InventoryEntry>>, AppError> {
    Ok(Json(state.store.inventory(&actor).await?))
}

/// Replaces the entries given in the caller's organisation's inventory, all or nothing; every
/// problem is named by source.
#[utoipa::path(put, path = "/api/v1/inventaris", tag = "matrices",
    request_body(content = Vec<Object>, description = "Entries: source, have, access (direct | op-verzoek | geen), department, contact, quality 1–5, lastChecked YYYY-MM-DD, connected (a dataset code)"),
    responses((status = 200, body = Vec<Object>), (status = 422, description = "Onbekende bron of ongeldige waarde")),
    security(("bearer" = [])))]
pub(crate) async fn replace_inventory(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
    ApiJson(entries): ApiJson<Vec<InventoryEntry>>,
) -> Result<Json<Vec<InventoryEntry>>, AppError> {
    let mut problems = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for e in &entries {
        if state.matrices.source(&e.source).is_none() {
            problems.push(InvalidParam {
                name: e.source.clone(),
                reason: "unknown source; see /api/v1/bronnen".into(),
            });
        } else if !seen.insert(e.source.clone()) {
            problems.push(InvalidParam {
                name: e.source.clone(),
                reason: "given twice".into(),
            });
        } else if let Some(p) = e.problem() {
            problems.push(InvalidParam {
                name: e.source.clone(),
                reason: p.message().into(),
            });
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Unprocessable { params: problems });
    }
    state.store.set_inventory(&actor, &entries).await?;
    Ok(Json(state.store.inventory(&actor).await?))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DekkingJson {
    pub fenomeen: String,
    pub indicatoren: usize,
    pub gedekt: usize,
    pub aandeel: f64,
    pub zwaarwegend: usize,
    pub zwaarwegend_gedekt: usize,
    pub aandeel_zwaarwegend: f64,
    /// The uncovered indicators, weightiest first, with the sources that would cover them.
    #[schema(value_type = Vec<Object>)]
    pub gaten: Vec<baken_domain::matrix::Gap>,
}

/// How far the caller's organisation's inventory covers a phenomenon.
#[utoipa::path(get, path = "/api/v1/fenomenen/{id}/dekking", tag = "matrices",
    params(("id" = String, Path, description = "Phenomenon id")),
    responses((status = 200, body = DekkingJson), (status = 404, description = "Onbekend fenomeen")),
    security(("bearer" = [])))]
pub(crate) async fn phenomenon_coverage(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
    Path(id): Path<String>,
) -> Result<Json<DekkingJson>, AppError> {
    let m = &crate::pages::matrix::org_matrices(&state, &actor).await?;
    let p = phenomenon_or_404(m, &id)?;
    let inventory: HashMap<String, InventoryEntry> = state
        .store
        .inventory(&actor)
        .await?
        .into_iter()
        .map(|e| (e.source.clone(), e))
        .collect();
    let c = coverage(p, &inventory);
    Ok(Json(DekkingJson {
        fenomeen: p.id.clone(),
        indicatoren: c.indicators,
        gedekt: c.covered,
        aandeel: c.share(),
        zwaarwegend: c.weighty,
        zwaarwegend_gedekt: c.weighty_covered,
        aandeel_zwaarwegend: c.weighty_share(),
        gaten: gaps(m, &inventory)
            .into_iter()
            .filter(|g| g.phenomenon == p.id)
            .collect(),
    }))
}
