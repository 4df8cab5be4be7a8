//! Signals over the API: registering and listing signals, one signal with its history, taking
//! a step (an action name and its fields), and subjects. The API is equal to the pages in
//! power and goes through the same store checks and audit.

use axum::Json;
use axum::extract::{Path, Query, State};
use baken_domain::signal::{
    AddressDraft, CompanyDraft, FieldError, PersonDraft, SignalDraft, StepDraft, SubjectKind,
};
use baken_store::signal::{NewSubject, Queue, SignalDetail, SignalSummary, Step, Subject, today};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::AppState;
use crate::api::ApiJson;
use crate::context::SignedIn;
use crate::error::AppError;

fn fields(errors: Vec<FieldError>) -> AppError {
    baken_store::StoreError::Fields(errors).into()
}

#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct ListQuery {
    /// `mijn` (where the caller can take a step), `open` (default) or `gesloten`.
    lijst: Option<String>,
}

pub(crate) fn queue(code: Option<&str>) -> Queue {
    match code {
        Some("mijn") => Queue::Mine,
        Some("gesloten") => Queue::Closed,
        _ => Queue::Open,
    }
}

/// The organisation's signals (no personal data in the list).
#[utoipa::path(get, path = "/api/v1/signalen", tag = "signalen", params(ListQuery),
    responses((status = 200, body = Object)), security(("bearer" = [])))]
pub(crate) async fn list(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
    Query(q): Query<ListQuery>,
) -> Result<Json<Vec<SignalSummary>>, AppError> {
    Ok(Json(
        state
            .store
            .signals(&actor, queue(q.lijst.as_deref()))
            .await?,
    ))
}

/// Registers a signal about subjects already registered (`POST /api/v1/subjecten`). Every
/// broken rule is named by its field; nothing is stored then.
#[utoipa::path(post, path = "/api/v1/signalen", tag = "signalen", request_body = Object,
    responses((status = 200, body = Object), (status = 422, description = "Een veld breekt een regel")),
    security(("bearer" = [])))]
pub(crate) async fn create(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
    ApiJson(draft): ApiJson<SignalDraft>,
) -> Result<Json<SignalSummary>, AppError> {
    let signal = draft.validate(&state.matrices, today()).map_err(fields)?;
    Ok(Json(state.store.register_signal(&actor, &signal).await?))
}

/// One signal with its description, subjects, history and source research (audited).
#[utoipa::path(get, path = "/api/v1/signalen/{id}", tag = "signalen",
    responses((status = 200, body = Object), (status = 404, description = "Niet gevonden")),
    security(("bearer" = [])))]
pub(crate) async fn show(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<SignalDetail>, AppError> {
    Ok(Json(state.store.signal(&actor, id).await?))
}

/// A signal's history: every step with who, when, the criterion, the reasoning and the
/// legal basis. Appended, never edited.
#[utoipa::path(get, path = "/api/v1/signalen/{id}/historie", tag = "signalen",
    responses((status = 200, body = Object), (status = 404, description = "Niet gevonden")),
    security(("bearer" = [])))]
pub(crate) async fn history(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Step>>, AppError> {
    Ok(Json(state.store.signal_history(&actor, id).await?))
}

/// Takes a step of the step plan: `{"actie": "weging-1-ja", "motivering": "…", …}`. An action
/// that does not exist in the signal's state, or a missing required field, is a 422 naming the
/// field; a role without the action's permission gets 403.
#[utoipa::path(post, path = "/api/v1/signalen/{id}/acties", tag = "signalen", request_body = Object,
    responses((status = 200, body = Object), (status = 403, description = "Deze rol mag deze stap niet zetten"),
        (status = 422, description = "Een veld ontbreekt of breekt een regel")),
    security(("bearer" = [])))]
pub(crate) async fn act(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
    Path(id): Path<i64>,
    ApiJson(draft): ApiJson<StepDraft>,
) -> Result<Json<SignalSummary>, AppError> {
    Ok(Json(state.store.take_step(&actor, id, &draft).await?))
}

/// A subject as submitted: `{"soort": "adres" | "bedrijf" | "persoon", "gegevens": {…}}`.
#[derive(Debug, Deserialize)]
#[serde(tag = "soort", content = "gegevens", rename_all = "lowercase")]
pub enum SubjectIn {
    Adres(AddressDraft),
    Bedrijf(CompanyDraft),
    Persoon(PersonDraft),
}

impl SubjectIn {
    /// The subject after every rule, or every broken rule.
    pub(crate) fn validate(&self) -> Result<NewSubject, Vec<FieldError>> {
        match self {
            Self::Adres(a) => a.validate().map(NewSubject::Address),
            Self::Bedrijf(c) => c.validate().map(NewSubject::Company),
            Self::Persoon(p) => p.validate(today()).map(NewSubject::Person),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct SubjectQuery {
    /// `adres`, `bedrijf` or `persoon`.
    soort: Option<String>,
}

/// The organisation's subjects; persons by pseudonym, in clear only for roles that may see
/// persons (each view audited).
#[utoipa::path(get, path = "/api/v1/subjecten", tag = "signalen", params(SubjectQuery),
    responses((status = 200, body = Object)), security(("bearer" = [])))]
pub(crate) async fn subjects(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
    Query(q): Query<SubjectQuery>,
) -> Result<Json<Vec<Subject>>, AppError> {
    let kind =
        match q.soort.as_deref() {
            None | Some("") => None,
            Some(code) => Some(SubjectKind::from_code(code).ok_or_else(|| {
                fields(vec![FieldError::new("soort", "adres, bedrijf or persoon")])
            })?),
        };
    Ok(Json(state.store.subjects(&actor, kind, 200).await?))
}

/// Registers an address, company or person (or returns the existing one with the same key).
#[utoipa::path(post, path = "/api/v1/subjecten", tag = "signalen", request_body = Object,
    responses((status = 200, body = Object), (status = 422, description = "Een veld breekt een regel")),
    security(("bearer" = [])))]
pub(crate) async fn create_subject(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
    ApiJson(body): ApiJson<SubjectIn>,
) -> Result<Json<Subject>, AppError> {
    let subject = body.validate().map_err(fields)?;
    let id = state.store.register_subject(&actor, &subject).await?;
    Ok(Json(state.store.subject(&actor, id).await?))
}

/// A subject's dated relations (owns, directs, registered at, established at), with sources.
#[utoipa::path(get, path = "/api/v1/subjecten/{id}/relaties", tag = "signalen",
    responses((status = 200, body = Object), (status = 404, description = "Niet gevonden")),
    security(("bearer" = [])))]
pub(crate) async fn relations(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
    Path(id): Path<i64>,
) -> Result<Json<Vec<baken_store::signal::Relation>>, AppError> {
    Ok(Json(state.store.relations(&actor, id).await?))
}

/// Records a dated relation from this subject to another of the organisation:
/// `{"soort": "bestuurder-van", "naar": 12, "vanaf": "2024-01-01", "tot": "", "bron": "KvK"}`.
#[utoipa::path(post, path = "/api/v1/subjecten/{id}/relaties", tag = "signalen", request_body = Object,
    responses((status = 200, body = Object), (status = 422, description = "Een veld breekt een regel")),
    security(("bearer" = [])))]
pub(crate) async fn add_relation(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<baken_domain::signal::RelationDraft>,
) -> Result<Json<Vec<baken_store::signal::Relation>>, AppError> {
    state.store.add_relation(&actor, id, &body).await?;
    Ok(Json(state.store.relations(&actor, id).await?))
}
