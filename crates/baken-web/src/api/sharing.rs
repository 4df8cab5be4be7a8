//! Sharing over the API: covenants, shared cases and their participants and items, hit/no-hit
//! runs between organisations, and the endpoint partner installations push packages to.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use baken_domain::sharing::identifier::IdentifierKind;
use baken_domain::sharing::psi;
use baken_domain::sharing::{CovenantDraft, ShareDraft};
use baken_store::sharing::Covenant;
use baken_store::sharing::case::{NewSharedCase, Participant, SharedCase, SharedCaseView};
use baken_store::sharing::exchange::{ReceiveError, Receiver};
use baken_store::sharing::matching::MatchRun;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::AppState;
use crate::api::ApiJson;
use crate::context::{RequestContext, SignedIn};
use crate::error::{AppError, InvalidParam};

fn fields(errors: Vec<baken_domain::signal::FieldError>) -> AppError {
    baken_store::StoreError::Fields(errors).into()
}

fn bad(name: &str, reason: impl Into<String>) -> AppError {
    let reason = reason.into();
    AppError::Unprocessable {
        params: vec![InvalidParam {
            name: name.into(),
            reason,
        }],
    }
}

/// The covenants the caller's organisation is a party to, with their status today.
#[utoipa::path(get, path = "/api/v1/convenanten", tag = "delen",
    responses((status = 200, body = Object)), security(("bearer" = [])))]
pub(crate) async fn covenants(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
) -> Result<Json<Vec<Covenant>>, AppError> {
    Ok(Json(state.store.covenants(&actor).await?))
}

/// Registers a covenant; the caller's organisation must be a party. Each party signs after.
#[utoipa::path(post, path = "/api/v1/convenanten", tag = "delen", request_body = Object,
    responses((status = 201, body = Object), (status = 422, description = "Een veld breekt een regel")),
    security(("bearer" = [])))]
pub(crate) async fn create_covenant(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
    ApiJson(draft): ApiJson<CovenantDraft>,
) -> Result<(StatusCode, Json<Covenant>), AppError> {
    let covenant = draft.validate().map_err(fields)?;
    let id = state.store.register_covenant(&actor, &covenant).await?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.covenant(&actor, id).await?),
    ))
}

/// One covenant (a party's only; others get 404).
#[utoipa::path(get, path = "/api/v1/convenanten/{id}", tag = "delen",
    responses((status = 200, body = Object), (status = 404, description = "Niet gevonden")),
    security(("bearer" = [])))]
pub(crate) async fn covenant(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<Covenant>, AppError> {
    Ok(Json(state.store.covenant(&actor, id).await?))
}

/// The shared cases the caller's organisation may see.
#[utoipa::path(get, path = "/api/v1/casussen", tag = "delen",
    responses((status = 200, body = Object)), security(("bearer" = [])))]
pub(crate) async fn cases(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
) -> Result<Json<Vec<SharedCase>>, AppError> {
    Ok(Json(state.store.shared_cases(&actor).await?))
}

/// A case to open (or to hand over from the step plan with `signaal`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseIn {
    pub convenant: i64,
    pub titel: String,
    #[serde(default)]
    pub fenomeen: String,
    #[serde(default)]
    pub signaal: Option<i64>,
    #[serde(default)]
    pub deelnemers: Vec<String>,
}

/// Opens a shared case under an active covenant.
#[utoipa::path(post, path = "/api/v1/casussen", tag = "delen", request_body = Object,
    responses((status = 201, body = Object), (status = 422, description = "Buiten het convenant")),
    security(("bearer" = [])))]
pub(crate) async fn create_case(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
    ApiJson(body): ApiJson<CaseIn>,
) -> Result<(StatusCode, Json<SharedCaseView>), AppError> {
    let id = state
        .store
        .open_shared_case(
            &actor,
            &NewSharedCase {
                covenant: body.convenant,
                title: body.titel,
                phenomenon: body.fenomeen,
                signal: body.signaal,
                participants: body.deelnemers,
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.shared_case(&actor, id).await?),
    ))
}

/// A case with exactly what was shared with the caller's organisation (the read is audited
/// on both sides).
#[utoipa::path(get, path = "/api/v1/casussen/{id}", tag = "delen",
    responses((status = 200, body = Object), (status = 404, description = "Niet gevonden")),
    security(("bearer" = [])))]
pub(crate) async fn case(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<SharedCaseView>, AppError> {
    Ok(Json(state.store.shared_case(&actor, id).await?))
}

/// The organisations taking part in a case.
#[utoipa::path(get, path = "/api/v1/casussen/{id}/deelnemers", tag = "delen",
    responses((status = 200, body = Object), (status = 404, description = "Niet gevonden")),
    security(("bearer" = [])))]
pub(crate) async fn participants(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Participant>>, AppError> {
    Ok(Json(state.store.case_participants(&actor, id).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParticipantIn {
    pub organisatie: String,
}

/// Adds a partner (a party to the covenant) to a case the caller's organisation opened.
#[utoipa::path(post, path = "/api/v1/casussen/{id}/deelnemers", tag = "delen", request_body = Object,
    responses((status = 201, body = Object), (status = 422, description = "Geen partij bij het convenant")),
    security(("bearer" = [])))]
pub(crate) async fn add_participant(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ParticipantIn>,
) -> Result<(StatusCode, Json<Vec<Participant>>), AppError> {
    state
        .store
        .add_case_participant(&actor, id, &body.organisatie)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.case_participants(&actor, id).await?),
    ))
}

/// Shares an item in a case; it waits for the privacy officer's approval. A share outside
/// the covenant's purposes or data categories is a 422 with the reason.
#[utoipa::path(post, path = "/api/v1/casussen/{id}/items", tag = "delen", request_body = Object,
    responses((status = 201, body = Object), (status = 422, description = "Buiten het convenant")),
    security(("bearer" = [])))]
pub(crate) async fn share_item(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
    Path(id): Path<i64>,
    ApiJson(draft): ApiJson<ShareDraft>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let share = draft.validate().map_err(fields)?;
    let item = state.store.share_item(&actor, id, &share).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": item, "status": "ter-goedkeuring" })),
    ))
}

/// The hit/no-hit runs the caller's organisation asked for or was asked.
#[utoipa::path(get, path = "/api/v1/matches", tag = "delen",
    responses((status = 200, body = Object)), security(("bearer" = [])))]
pub(crate) async fn matches(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
) -> Result<Json<Vec<MatchRun>>, AppError> {
    Ok(Json(state.store.matches(&actor).await?))
}

/// A question for a hit/no-hit run whose key the caller's own machine holds.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchIn {
    /// The answering organisation's code.
    pub partner: String,
    pub convenant: i64,
    /// `bsn`, `kvk` or `bag`.
    pub soort: String,
    /// The blinded identifiers `H(x)·a`: 32 bytes each, concatenated, base64.
    pub punten: String,
}

/// A run and, for the asker once answered, the answer to finish it with.
#[derive(Debug, Serialize)]
pub struct MatchOut {
    #[serde(flatten)]
    pub run: MatchRun,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub antwoord: Option<AnswerOut>,
}

#[derive(Debug, Serialize)]
pub struct AnswerOut {
    /// `H(x)·a·b` in the order asked (base64 of 32-byte points).
    pub antwoord: String,
    /// `H(y)·b` of the answering list, sorted (base64 of 32-byte points).
    pub hunne: String,
}

/// Asks another organisation for a hit/no-hit run (`baken match --partner`). Limited per
/// organisation per day.
#[utoipa::path(post, path = "/api/v1/matches", tag = "delen", request_body = Object,
    responses((status = 201, body = Object), (status = 422, description = "Buiten het convenant, of de daglimiet")),
    security(("bearer" = [])))]
pub(crate) async fn ask(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
    ApiJson(body): ApiJson<MatchIn>,
) -> Result<(StatusCode, Json<MatchOut>), AppError> {
    let kind =
        IdentifierKind::from_code(&body.soort).ok_or_else(|| bad("soort", "bsn, kvk of bag"))?;
    let bytes = STANDARD
        .decode(body.punten.trim())
        .map_err(|_| bad("punten", "base64 verwacht"))?;
    let points = psi::unpack(&bytes).map_err(|e| bad("punten", e.to_string()))?;
    let id = state
        .store
        .ask_match(
            &actor,
            &body.partner,
            body.convenant,
            kind,
            Some(points),
            None,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(MatchOut {
            run: state.store.match_run(&actor, id).await?,
            antwoord: None,
        }),
    ))
}

/// One run. For an asker whose machine holds the key, the answer once it has come.
#[utoipa::path(get, path = "/api/v1/matches/{id}", tag = "delen",
    responses((status = 200, body = Object), (status = 404, description = "Niet gevonden")),
    security(("bearer" = [])))]
pub(crate) async fn run(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<MatchOut>, AppError> {
    let run = state.store.match_run(&actor, id).await?;
    let antwoord = if run.mine && run.status == baken_store::sharing::matching::ANSWERED {
        state
            .store
            .match_answer(&actor, id)
            .await?
            .map(|held| AnswerOut {
                antwoord: STANDARD.encode(psi::pack(&held.answer.reply)),
                hunne: STANDARD.encode(psi::pack(&held.answer.theirs)),
            })
    } else {
        None
    };
    Ok(Json(MatchOut { run, antwoord }))
}

/// Where a partner installation pushes an exchange package (no session: the package's
/// signature by a configured partner is its credential). Refusals say why.
#[utoipa::path(post, path = "/api/v1/uitwisseling", tag = "delen", request_body = Object,
    responses((status = 201, body = Object), (status = 422, description = "Geweigerd, met de reden")))]
pub(crate) async fn receive(
    State(state): State<AppState>,
    ctx: axum::Extension<RequestContext>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), AppError> {
    match state
        .store
        .receive_package(
            Receiver::Push {
                remote: ctx.client.clone(),
            },
            &body,
        )
        .await
    {
        Ok((id, payload)) => Ok((
            StatusCode::CREATED,
            Json(json!({ "id": id, "titel": payload.titel, "items": payload.items.len() })),
        )),
        Err(ReceiveError::Refused(reason)) => Err(bad(reason.code(), reason.to_string())),
        Err(ReceiveError::Store(e)) => Err(e.into()),
    }
}
