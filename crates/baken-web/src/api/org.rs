//! Organisations, users and the caller itself.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use baken_domain::auth::Role;
use baken_domain::codes::Email;
use baken_store::org::{NewUser, Organisation, UserSummary};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::{ApiJson, PageQuery, Paginated, rfc3339};
use crate::context::SignedIn;
use crate::error::{AppError, InvalidParam};

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrganisatieJson {
    /// Short code, e.g. `tilburg`.
    pub code: String,
    pub naam: String,
    /// gemeente, riec, politie, belastingdienst, om, buitenlandse-overheid or overig.
    pub soort: String,
    /// CBS municipality code (`GM0855`) for a municipality.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gemeentecode: Option<String>,
}

impl From<Organisation> for OrganisatieJson {
    fn from(o: Organisation) -> Self {
        Self {
            code: o.code,
            naam: o.name,
            soort: o.org_type.code().to_owned(),
            gemeentecode: o.municipality_code,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GebruikerJson {
    pub id: i64,
    pub email: String,
    pub naam: String,
    /// Role codes: beheerder, regisseur, analist, team, privacy, bronhouder, partner, lezer.
    pub rollen: Vec<String>,
    pub actief: bool,
    pub tweede_factor: bool,
    pub geblokkeerd: bool,
    pub aangemaakt_op: String,
}

impl From<UserSummary> for GebruikerJson {
    fn from(u: UserSummary) -> Self {
        Self {
            id: u.id,
            email: u.email,
            naam: u.display_name,
            rollen: u.roles.iter().map(|r| r.code().to_owned()).collect(),
            actief: u.active,
            tweede_factor: u.second_factor,
            geblokkeerd: u.locked,
            aangemaakt_op: rfc3339(u.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MijJson {
    pub id: i64,
    pub email: String,
    pub naam: String,
    pub organisatie: String,
    pub rollen: Vec<String>,
    /// The business permissions the roles grant.
    pub rechten: Vec<String>,
}

/// The caller: who it is, its organisation, roles and permissions.
#[utoipa::path(get, path = "/api/v1/mij", tag = "organisaties",
    responses((status = 200, body = MijJson), (status = 401, description = "Niet aangemeld")),
    security(("bearer" = [])))]
pub(crate) async fn me(SignedIn(actor, _): SignedIn) -> Json<MijJson> {
    Json(MijJson {
        id: actor.user_id(),
        email: actor.email().to_owned(),
        naam: actor.display_name().to_owned(),
        organisatie: actor.org_code().to_string(),
        rollen: actor.roles().iter().map(|r| r.code().to_owned()).collect(),
        rechten: actor.permissions().iter().map(|p| p.code()).collect(),
    })
}

/// All organisations on this installation (a directory: no personal data).
#[utoipa::path(get, path = "/api/v1/organisaties", tag = "organisaties",
    params(PageQuery),
    responses((status = 200, body = Paginated<OrganisatieJson>), (status = 401, description = "Niet aangemeld")),
    security(("bearer" = [])))]
pub(crate) async fn organisations(
    State(state): State<AppState>,
    _: SignedIn,
    Query(q): Query<PageQuery>,
) -> Result<Json<Paginated<OrganisatieJson>>, AppError> {
    let page = q.page();
    let all = state.store.organisations().await?;
    let total = i64::try_from(all.len()).unwrap_or(i64::MAX);
    let items = all
        .into_iter()
        .skip(usize::try_from(page.offset_u64()).unwrap_or(usize::MAX))
        .take(page.size as usize)
        .collect();
    let paged = baken_store::Paged { items, page, total };
    Ok(Json(Paginated::new(
        paged,
        "/api/v1/organisaties",
        OrganisatieJson::from,
    )))
}

/// One organisation by its code.
#[utoipa::path(get, path = "/api/v1/organisaties/{code}", tag = "organisaties",
    params(("code" = String, Path, description = "Organisation code, e.g. tilburg")),
    responses((status = 200, body = OrganisatieJson), (status = 404, description = "Onbekend")),
    security(("bearer" = [])))]
pub(crate) async fn organisation(
    State(state): State<AppState>,
    _: SignedIn,
    Path(code): Path<String>,
) -> Result<Json<OrganisatieJson>, AppError> {
    let org = state
        .store
        .organisation_by_code(&code)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(org.into()))
}

/// The users of the caller's own organisation (permission `manage-users`).
#[utoipa::path(get, path = "/api/v1/gebruikers", tag = "gebruikers",
    params(PageQuery),
    responses((status = 200, body = Paginated<GebruikerJson>), (status = 403, description = "Geen recht")),
    security(("bearer" = [])))]
pub(crate) async fn users(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
    Query(q): Query<PageQuery>,
) -> Result<Json<Paginated<GebruikerJson>>, AppError> {
    let paged = state.store.users(&actor, q.page()).await?;
    Ok(Json(Paginated::new(
        paged,
        "/api/v1/gebruikers",
        GebruikerJson::from,
    )))
}

/// One user of the caller's own organisation; another organisation's user is 404.
#[utoipa::path(get, path = "/api/v1/gebruikers/{id}", tag = "gebruikers",
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, body = GebruikerJson), (status = 404, description = "Onbekend")),
    security(("bearer" = [])))]
pub(crate) async fn user(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
    Path(id): Path<String>,
) -> Result<Json<GebruikerJson>, AppError> {
    let id = id.parse::<i64>().map_err(|_| AppError::NotFound)?;
    Ok(Json(state.store.user(&actor, id).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NieuweGebruikerJson {
    pub email: String,
    pub naam: String,
    pub rollen: Vec<String>,
    pub wachtwoord: String,
}

/// Adds a user to the caller's own organisation.
#[utoipa::path(post, path = "/api/v1/gebruikers", tag = "gebruikers",
    request_body = NieuweGebruikerJson,
    responses((status = 201, body = GebruikerJson), (status = 400, description = "Onleesbaar"),
        (status = 409, description = "E-mailadres bestaat al"), (status = 422, description = "Ongeldig")),
    security(("bearer" = [])))]
pub(crate) async fn create_user(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
    ApiJson(body): ApiJson<NieuweGebruikerJson>,
) -> Result<impl IntoResponse, AppError> {
    let mut params = Vec::new();
    let email = Email::parse(&body.email).map_err(|e| InvalidParam {
        name: "email".into(),
        reason: e.to_string(),
    });
    let mut roles = Vec::new();
    for code in &body.rollen {
        match Role::from_code(code) {
            Some(r) => roles.push(r),
            None => params.push(InvalidParam {
                name: "rollen".into(),
                reason: format!("unknown role {code:?}"),
            }),
        }
    }
    if body.naam.trim().is_empty() {
        params.push(InvalidParam {
            name: "naam".into(),
            reason: "required".into(),
        });
    }
    let email = match email {
        Ok(e) => Some(e),
        Err(p) => {
            params.push(p);
            None
        }
    };
    let (Some(email), true) = (email, params.is_empty()) else {
        return Err(AppError::Unprocessable { params });
    };
    let id = state
        .store
        .create_user(
            &actor,
            NewUser {
                email,
                display_name: body.naam,
                roles,
                password: body.wachtwoord,
            },
        )
        .await?;
    let user = state.store.user(&actor, id).await?;
    Ok((StatusCode::CREATED, Json(GebruikerJson::from(user))))
}
