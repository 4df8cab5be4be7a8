//! Areas (`/api/v1/gebieden`): the Netherlands, provinces, police units and RIEC regions,
//! safety regions and municipalities, in the division of a year.

use axum::Json;
use axum::extract::{Path, Query, State};
use baken_domain::area::AreaLevel;
use baken_store::area::AreaView;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api::Paginated;
use crate::context::SignedIn;
use crate::error::{AppError, InvalidParam};

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GebiedJson {
    /// CBS code: NL01, PV30, RE08, VR20, GM0855, or OV-… for "not assignable" rows.
    pub code: String,
    pub naam: String,
    /// land, provincie, politie-eenheid, veiligheidsregio, gemeente or overig.
    #[serde(rename = "type")]
    pub soort: String,
    /// The year of the municipal division the area belongs to.
    pub jaar: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provincie: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub politie_eenheid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub riec_regio: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub veiligheidsregio: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inwoners: Option<i64>,
    /// CBS urbanity class, 1 (very strongly urban) to 5 (not urban).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stedelijkheid: Option<i64>,
}

impl From<AreaView> for GebiedJson {
    fn from(a: AreaView) -> Self {
        Self {
            code: a.code,
            naam: a.name,
            soort: a.level.code().to_owned(),
            jaar: a.year,
            provincie: a.province_code,
            politie_eenheid: a.police_unit_code,
            riec_regio: a.riec_region,
            veiligheidsregio: a.safety_region_code,
            inwoners: a.population,
            stedelijkheid: a.urbanity,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GebiedDetailJson {
    #[serde(flatten)]
    pub gebied: GebiedJson,
    /// The areas it lies in: province, police unit, safety region, country.
    pub ligt_in: Vec<GebiedJson>,
    /// Whether a boundary is known for drawing maps.
    pub heeft_grens: bool,
}

#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct AreaQuery {
    /// land, provincie, politie-eenheid, veiligheidsregio, gemeente or overig.
    #[serde(rename = "type")]
    soort: Option<String>,
    /// Year of the division (default: the latest loaded).
    jaar: Option<i32>,
    pagina: Option<u32>,
    paginagrootte: Option<u32>,
}

fn level(soort: Option<&str>) -> Result<Option<AreaLevel>, AppError> {
    match soort.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(code) => AreaLevel::from_code(code)
            .map(Some)
            .ok_or_else(|| AppError::BadRequest {
                detail: format!("unknown area type {code:?}"),
                params: vec![InvalidParam {
                    name: "type".into(),
                    reason: AreaLevel::ALL.map(AreaLevel::code).join(" | "),
                }],
            }),
    }
}

/// Areas of a type, in the division of a year, by name.
#[utoipa::path(get, path = "/api/v1/gebieden", tag = "gebieden",
    params(AreaQuery),
    responses((status = 200, body = Paginated<GebiedJson>), (status = 400, description = "Onbekend type")),
    security(("bearer" = [])))]
pub(crate) async fn areas(
    State(state): State<AppState>,
    _: SignedIn,
    Query(q): Query<AreaQuery>,
) -> Result<Json<Paginated<GebiedJson>>, AppError> {
    let level = level(q.soort.as_deref())?;
    let page = baken_store::Page::new(q.pagina.unwrap_or(1), q.paginagrootte.unwrap_or(25));
    let paged = state.store.areas(level, q.jaar, page).await?;
    Ok(Json(Paginated::new(
        paged,
        "/api/v1/gebieden",
        GebiedJson::from,
    )))
}

#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct YearQuery {
    /// Year of the division (default: the latest loaded).
    jaar: Option<i32>,
}

/// One area with the areas it lies in.
#[utoipa::path(get, path = "/api/v1/gebieden/{code}", tag = "gebieden",
    params(("code" = String, Path, description = "CBS area code, e.g. GM0855"), YearQuery),
    responses((status = 200, body = GebiedDetailJson), (status = 404, description = "Onbekend")),
    security(("bearer" = [])))]
pub(crate) async fn area(
    State(state): State<AppState>,
    _: SignedIn,
    Path(code): Path<String>,
    Query(q): Query<YearQuery>,
) -> Result<Json<GebiedDetailJson>, AppError> {
    let detail = state
        .store
        .area(&code, q.jaar)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(GebiedDetailJson {
        gebied: detail.area.into(),
        ligt_in: detail.parents.into_iter().map(GebiedJson::from).collect(),
        heeft_grens: detail.has_boundary,
    }))
}
