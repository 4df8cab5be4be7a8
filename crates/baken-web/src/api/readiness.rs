//! The self-assessment over the API: its questions, answering (a new round or an open one),
//! and a round's combined result.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use baken_domain::readiness::{dimension_scores, team_result, validate_answers};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::ApiJson;
use crate::context::SignedIn;
use crate::error::{AppError, InvalidParam};

/// The self-assessment's dimensions, questions and level descriptions.
#[utoipa::path(get, path = "/api/v1/zelfscan/vragen", tag = "gereedheid",
    responses((status = 200, body = Object)), security(("bearer" = [])))]
pub(crate) async fn questions(
    State(state): State<AppState>,
    _: SignedIn,
) -> Json<baken_domain::readiness::Scan> {
    Json((*state.scan).clone())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ZelfscanIn {
    /// An open round of the caller's organisation; a new round is started when left out.
    pub ronde: Option<i64>,
    /// Question id → level 1–5.
    pub antwoorden: BTreeMap<String, u8>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScoreJson {
    pub dimensie: String,
    pub score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spreiding: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ZelfscanJson {
    pub id: i64,
    pub deelnemers: usize,
    /// Per dimension: the team's mean score (1–5) and spread.
    pub scores: Vec<ScoreJson>,
    /// The caller's own scores, when they answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eigen: Option<Vec<ScoreJson>>,
    /// Questions by disagreement (spread), largest first.
    pub meest_oneens: Vec<ScoreJson>,
}

async fn result(
    state: &AppState,
    actor: &baken_store::Actor,
    id: i64,
) -> Result<ZelfscanJson, AppError> {
    let (all, own) = state.store.readiness_answers(actor, id).await?;
    let team = team_result(&state.scan, &all);
    Ok(ZelfscanJson {
        id,
        deelnemers: team.respondents,
        scores: team
            .dimensions
            .into_iter()
            .map(|(d, m, s)| ScoreJson {
                dimensie: d,
                score: m,
                spreiding: s,
            })
            .collect(),
        eigen: own.map(|a| {
            dimension_scores(&state.scan, &a)
                .into_iter()
                .map(|(d, s)| ScoreJson {
                    dimensie: d,
                    score: s,
                    spreiding: None,
                })
                .collect()
        }),
        meest_oneens: team
            .disagreements
            .into_iter()
            .take(10)
            .map(|(q, s)| ScoreJson {
                dimensie: q,
                score: None,
                spreiding: Some(s),
            })
            .collect(),
    })
}

/// Answers the self-assessment: in an open round of the caller's organisation, or in a new
/// one. An answer outside the scale, a question of another scan, or a closed round is refused.
#[utoipa::path(post, path = "/api/v1/zelfscans", tag = "gereedheid",
    request_body = ZelfscanIn,
    responses((status = 200, body = ZelfscanJson), (status = 422, description = "Ongeldig antwoord of gesloten ronde")),
    security(("bearer" = [])))]
pub(crate) async fn submit(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
    ApiJson(body): ApiJson<ZelfscanIn>,
) -> Result<Json<ZelfscanJson>, AppError> {
    if let Err(problems) = validate_answers(&state.scan, &body.antwoorden) {
        return Err(AppError::Unprocessable {
            params: problems
                .into_iter()
                .map(|p| InvalidParam {
                    name: p.question,
                    reason: p.reason.into(),
                })
                .collect(),
        });
    }
    let id = match body.ronde {
        Some(id) => id,
        None => state.store.start_readiness_round(&actor, "API").await?,
    };
    state
        .store
        .submit_readiness_answers(&actor, id, &body.antwoorden)
        .await?;
    Ok(Json(result(&state, &actor, id).await?))
}

/// A round's combined result.
#[utoipa::path(get, path = "/api/v1/zelfscans/{id}", tag = "gereedheid",
    params(("id" = i64, Path, description = "Round id")),
    responses((status = 200, body = ZelfscanJson), (status = 404, description = "Onbekende ronde")),
    security(("bearer" = [])))]
pub(crate) async fn round(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<ZelfscanJson>, AppError> {
    Ok(Json(result(&state, &actor, id).await?))
}
