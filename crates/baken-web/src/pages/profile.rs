//! One's own account (`/profiel`): password, second factor, API tokens.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use baken_store::auth::{ApiTokenInfo, TotpSetup};
use baken_store::{Actor, StoreError};
use serde::Deserialize;

use crate::AppState;
use crate::context::{RequestContext, SignedIn};
use crate::error::AppError;
use crate::pages::shell::Shell;
use crate::pages::{FormFields, format_ms, password_problem, see_other};

pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub created: String,
    pub last_used: String,
    pub revoked: bool,
}

fn token_row(t: &ApiTokenInfo) -> TokenRow {
    TokenRow {
        id: t.id,
        name: t.name.clone(),
        created: format_ms(t.created_at),
        last_used: t.last_used_at.map(format_ms).unwrap_or_else(|| "–".into()),
        revoked: t.revoked,
    }
}

/// What the profile page shows besides the defaults.
#[derive(Default)]
pub struct ProfileExtras {
    pub password_errors: Vec<String>,
    pub current_password_error: Option<String>,
    pub code_error: Option<String>,
    pub disable_error: Option<String>,
    pub token_error: Option<String>,
    pub new_token: Option<String>,
}

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    shell: Shell,
    name: String,
    email: String,
    org: String,
    roles: String,
    second_factor: bool,
    setup: Option<TotpSetup>,
    tokens: Vec<TokenRow>,
    x: ProfileExtras,
}

#[derive(Deserialize)]
pub(crate) struct NoticeQuery {
    melding: Option<String>,
}

async fn render(
    state: &AppState,
    actor: &Actor,
    ctx: &RequestContext,
    notice: Option<&str>,
    status: StatusCode,
    extras: ProfileExtras,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let page = ProfilePage {
        shell: Shell::build(state, ctx, "profile-title")
            .await
            .with_notice(notice),
        name: actor.display_name().to_owned(),
        email: actor.email().to_owned(),
        org: actor.org_name().to_owned(),
        roles: actor
            .roles()
            .iter()
            .map(|r| lang.t(&format!("role-{}", r.code())))
            .collect::<Vec<_>>()
            .join(", "),
        second_factor: state.store.second_factor_enabled(actor).await?,
        setup: state.store.pending_totp(actor).await?,
        tokens: state
            .store
            .api_tokens(actor)
            .await?
            .iter()
            .map(token_row)
            .collect(),
        x: extras,
    };
    Ok((status, Html(page.render()?)).into_response())
}

pub(crate) async fn profile(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    render(
        &state,
        &actor,
        &ctx,
        q.melding.as_deref(),
        StatusCode::OK,
        ProfileExtras::default(),
    )
    .await
}

pub(crate) async fn change_password(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    form: FormFields,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let mut x = ProfileExtras::default();
    if form.get("new_password") != form.get("repeat_password") {
        x.password_errors.push(lang.t("password-mismatch"));
    } else {
        match state
            .store
            .change_password(
                &actor,
                form.get("current_password"),
                form.get("new_password"),
                ctx.session_token.as_deref(),
            )
            .await
        {
            Ok(()) => return Ok(see_other("/profiel?melding=password-changed")),
            Err(StoreError::Invalid { .. }) => {
                x.current_password_error = Some(lang.t("password-current-wrong"));
            }
            Err(StoreError::WeakPassword(problems)) => {
                x.password_errors = problems
                    .into_iter()
                    .map(|p| password_problem(lang, p))
                    .collect();
            }
            Err(e) => return Err(e.into()),
        }
    }
    render(
        &state,
        &actor,
        &ctx,
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
        x,
    )
    .await
}

pub(crate) async fn begin_second_factor(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
) -> Result<Response, AppError> {
    state.store.begin_totp(&actor).await?;
    Ok(see_other("/profiel#tweede-factor"))
}

pub(crate) async fn confirm_second_factor(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    form: FormFields,
) -> Result<Response, AppError> {
    match state.store.confirm_totp(&actor, form.get("code")).await {
        Ok(()) => Ok(see_other("/profiel?melding=second-factor-enabled")),
        Err(StoreError::Invalid { .. }) => {
            let x = ProfileExtras {
                code_error: Some(ctx.lang.t("second-factor-invalid")),
                ..Default::default()
            };
            render(
                &state,
                &actor,
                &ctx,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
                x,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn disable_second_factor(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    form: FormFields,
) -> Result<Response, AppError> {
    match state
        .store
        .disable_totp(&actor, form.get("current_password"))
        .await
    {
        Ok(()) => Ok(see_other("/profiel?melding=second-factor-disabled")),
        Err(StoreError::Invalid { .. }) => {
            let x = ProfileExtras {
                disable_error: Some(ctx.lang.t("password-current-wrong")),
                ..Default::default()
            };
            render(
                &state,
                &actor,
                &ctx,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
                x,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// Creates an API token and shows it once, on this response only.
pub(crate) async fn create_token(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    form: FormFields,
) -> Result<Response, AppError> {
    match state.store.create_api_token(&actor, form.get("name")).await {
        Ok((_, token)) => {
            let x = ProfileExtras {
                new_token: Some(token),
                ..Default::default()
            };
            render(&state, &actor, &ctx, None, StatusCode::OK, x).await
        }
        Err(StoreError::Invalid { .. }) => {
            let x = ProfileExtras {
                token_error: Some(ctx.lang.t("token-name-required")),
                ..Default::default()
            };
            render(
                &state,
                &actor,
                &ctx,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
                x,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn revoke_token(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = id.parse::<i64>().map_err(|_| AppError::NotFound)?;
    state.store.revoke_api_token(&actor, id).await?;
    Ok(see_other("/profiel?melding=token-revoked"))
}
