//! Dashboards over the API: the indicator catalogue (`/api/v1/indicatoren`), an indicator's
//! figure for an area and year with its comparisons, and what stands out in a municipality.

use axum::Json;
use axum::extract::{Path, Query, State};
use baken_domain::area::{AreaCode, AreaLevel};
use baken_domain::dashboard::{Figure, Indicator, Theme};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::context::SignedIn;
use crate::dashboard::{check_level, known_area};
use crate::error::{AppError, InvalidParam};

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IndicatorJson {
    pub id: String,
    /// vastgoed, drugs, transacties, branches or context.
    pub thema: String,
    pub naam: String,
    pub name: String,
    pub definitie: String,
    pub kanttekening: String,
    /// procent, per-1000-inwoners, per-10000-inwoners, aantal, euro or index.
    pub eenheid: String,
    /// cbs (published statistics) or synthetisch (generated demo data).
    pub herkomst: String,
    pub bron: String,
    pub licentie: String,
    pub niveaus: Vec<String>,
    /// Counts below it are shown as "< drempel".
    pub drempel: u32,
    pub jaren: Vec<String>,
}

fn indicator_json(i: &Indicator, years: Vec<String>) -> IndicatorJson {
    IndicatorJson {
        id: i.id.clone(),
        thema: i.theme.code().to_owned(),
        naam: i.name.nl.clone(),
        name: i.name.en.clone(),
        definitie: i.definition.nl.clone(),
        kanttekening: i.caveat.nl.clone(),
        eenheid: i.unit.code().to_owned(),
        herkomst: match i.origin {
            baken_domain::dashboard::Origin::Cbs => "cbs",
            baken_domain::dashboard::Origin::Synthetisch => "synthetisch",
            baken_domain::dashboard::Origin::Eigen => "eigen",
        }
        .to_owned(),
        bron: i.source.clone(),
        licentie: i.licence.clone(),
        niveaus: i.levels.clone(),
        drempel: i.threshold,
        jaren: years,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct ThemeQuery {
    /// vastgoed, drugs, transacties, branches or context.
    thema: Option<String>,
}

/// The indicators of the dashboards, optionally of one theme.
#[utoipa::path(get, path = "/api/v1/indicatoren", tag = "zicht",
    params(ThemeQuery),
    responses((status = 200, body = Vec<IndicatorJson>), (status = 400, description = "Onbekend thema")),
    security(("bearer" = [])))]
pub(crate) async fn indicators(
    State(state): State<AppState>,
    _: SignedIn,
    Query(q): Query<ThemeQuery>,
) -> Result<Json<Vec<IndicatorJson>>, AppError> {
    let theme = match q.thema.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => Some(Theme::from_code(t).ok_or_else(|| AppError::BadRequest {
            detail: format!("unknown theme {t:?}"),
            params: vec![InvalidParam {
                name: "thema".into(),
                reason: Theme::ALL.map(Theme::code).join(" | "),
            }],
        })?),
    };
    let mut out = Vec::new();
    for i in state
        .dashboards
        .catalogue
        .indicators
        .iter()
        .filter(|i| theme.is_none_or(|t| i.theme == t))
    {
        let years = state.dashboards.years(&state.store, i).await?;
        out.push(indicator_json(i, years.to_vec()));
    }
    Ok(Json(out))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VergelijkingJson {
    pub nederland: Option<f64>,
    pub riec_regio: Option<f64>,
    pub provincie: Option<f64>,
    /// Municipalities of the same urbanity and size band, from their summed counts.
    pub vergelijkbare_gemeenten: Option<f64>,
    /// The unweighted mean of the peers' own values, which the z-score is about.
    pub gemiddelde_vergelijkbare_gemeenten: Option<f64>,
    /// 1 = highest among the areas of its level with a shown value.
    pub rang: Option<usize>,
    pub van: Option<usize>,
    pub percentiel: Option<f64>,
    pub z_score: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WaardeJson {
    pub indicator: String,
    pub gebied: String,
    pub jaar: String,
    /// waarde, afgeschermd (below the disclosure threshold) or ontbrekend.
    pub status: String,
    pub waarde: Option<f64>,
    pub eenheid: String,
    pub drempel: u32,
    pub vergelijking: VergelijkingJson,
    pub bron: String,
    pub licentie: String,
}

#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct ValueQuery {
    /// CBS area code, e.g. GM0855, RE08, PV30 or NL01.
    gebied: Option<String>,
    /// Year; the latest with data when left out.
    jaar: Option<String>,
}

/// An indicator's figure for an area and year, with the national, RIEC-region, province and
/// peer-group figures, the rank and the deviation from the peers.
#[utoipa::path(get, path = "/api/v1/indicatoren/{id}/waarden", tag = "zicht",
    params(("id" = String, Path, description = "Indicator id"), ValueQuery),
    responses((status = 200, body = WaardeJson), (status = 400, description = "Niveau niet beschikbaar"), (status = 404, description = "Onbekend gebied, indicator of jaar")),
    security(("bearer" = [])))]
pub(crate) async fn values(
    State(state): State<AppState>,
    _: SignedIn,
    Path(id): Path<String>,
    Query(q): Query<ValueQuery>,
) -> Result<Json<WaardeJson>, AppError> {
    let indicator = state.dashboards.indicator(&id)?;
    let code = q.gebied.as_deref().unwrap_or("NL01");
    let detail = known_area(&state.store, code).await?;
    let area = AreaCode::parse(&detail.area.code).map_err(|e| AppError::Internal(e.to_string()))?;
    check_level(indicator, &area)?;
    let year = state
        .dashboards
        .year(&state.store, indicator, q.jaar.as_deref())
        .await?
        .ok_or_else(|| AppError::Absent {
            detail: format!("{id}: no data in any year"),
        })?;
    let figures = state
        .dashboards
        .figures(&state.store, indicator, &year)
        .await?;
    let figure = figures.figure(&area);
    let cmp = figures.compare(&area);
    Ok(Json(WaardeJson {
        indicator: indicator.id.clone(),
        gebied: area.to_string(),
        jaar: year,
        status: match figure {
            Figure::Value(_) => "waarde",
            Figure::Suppressed | Figure::Withheld => "afgeschermd",
            Figure::Missing => "ontbrekend",
        }
        .to_owned(),
        waarde: figure.value(),
        eenheid: indicator.unit.code().to_owned(),
        drempel: figures.threshold,
        vergelijking: VergelijkingJson {
            nederland: cmp.national,
            riec_regio: cmp.riec_region,
            provincie: cmp.province,
            vergelijkbare_gemeenten: cmp.peers,
            gemiddelde_vergelijkbare_gemeenten: cmp.peer_mean,
            rang: cmp.rank.map(|r| r.0),
            van: cmp.rank.map(|r| r.1),
            percentiel: cmp.percentile,
            z_score: cmp.z_score,
        },
        bron: indicator.source.clone(),
        licentie: indicator.licence.clone(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OpvallendJson {
    pub indicator: String,
    pub jaar: String,
    pub waarde: f64,
    pub gemiddelde_vergelijkbare_gemeenten: f64,
    pub z_score: f64,
    /// The standout in words, in the caller's language.
    pub tekst: String,
}

/// What stands out in a municipality: the indicators where it deviates most from its peers.
#[utoipa::path(get, path = "/api/v1/gebieden/{code}/opvallend", tag = "zicht",
    params(("code" = String, Path, description = "Municipality code, e.g. GM0855")),
    responses((status = 200, body = Vec<OpvallendJson>), (status = 400, description = "Geen gemeente"), (status = 404, description = "Onbekend gebied")),
    security(("bearer" = [])))]
pub(crate) async fn standouts(
    State(state): State<AppState>,
    SignedIn(_, ctx): SignedIn,
    Path(code): Path<String>,
) -> Result<Json<Vec<OpvallendJson>>, AppError> {
    let detail = known_area(&state.store, &code).await?;
    let area = AreaCode::parse(&detail.area.code).map_err(|e| AppError::Internal(e.to_string()))?;
    if area.level() != AreaLevel::Municipality {
        return Err(AppError::BadRequest {
            detail: format!(
                "{area} is not a municipality; standouts compare municipalities with their peers"
            ),
            params: vec![InvalidParam {
                name: "code".into(),
                reason: "a municipality code (GM and four digits)".into(),
            }],
        });
    }
    let found = crate::pages::dashboard::area_standouts(&state, &area).await?;
    Ok(Json(
        found
            .into_iter()
            .filter_map(|(s, year)| {
                let i = state.dashboards.catalogue.get(&s.indicator)?;
                Some(OpvallendJson {
                    tekst: crate::pages::dashboard::standout_text(&s, i, ctx.lang),
                    indicator: s.indicator,
                    jaar: year,
                    waarde: s.value,
                    gemiddelde_vergelijkbare_gemeenten: s.peer_mean,
                    z_score: s.z_score,
                })
            })
            .collect(),
    ))
}
