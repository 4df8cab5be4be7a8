//! Administration (`/beheer`): the organisation's users and roles, and its NL Design System
//! theme.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Response};
use baken_domain::auth::Role;
use baken_domain::codes::Email;
use baken_store::org::{NewUser, Theme, UserSummary};
use baken_store::{Actor, Page, StoreError};
use serde::Deserialize;

use crate::AppState;
use crate::context::{RequestContext, SignedIn};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::shell::Shell;
use crate::pages::{
    FormFields, multipart_field_error, multipart_or_400, password_problem, see_other,
};

/// A role as a checkbox.
pub struct RoleOption {
    pub code: &'static str,
    pub label: String,
    pub checked: bool,
}

fn role_options(lang: Lang, checked: &[Role]) -> Vec<RoleOption> {
    Role::ALL
        .iter()
        .map(|r| RoleOption {
            code: r.code(),
            label: lang.t(&format!("role-{}", r.code())),
            checked: checked.contains(r),
        })
        .collect()
}

pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub roles: String,
    pub status: String,
    pub status_kind: &'static str,
    pub second_factor: String,
}

fn user_row(lang: Lang, u: &UserSummary) -> UserRow {
    let (status, kind) = match (u.active, u.locked) {
        (false, _) => (lang.t("user-status-inactive"), "neutral"),
        (true, true) => (lang.t("user-status-locked"), "warning"),
        (true, false) => (lang.t("user-status-active"), "ok"),
    };
    UserRow {
        id: u.id,
        email: u.email.clone(),
        name: u.display_name.clone(),
        roles: u
            .roles
            .iter()
            .map(|r| lang.t(&format!("role-{}", r.code())))
            .collect::<Vec<_>>()
            .join(", "),
        status,
        status_kind: kind,
        second_factor: lang.t(if u.second_factor { "yes" } else { "no" }),
    }
}

/// Field errors of the new-user form.
#[derive(Default)]
pub struct NewUserErrors {
    pub email: Option<String>,
    pub name: Option<String>,
    pub roles: Option<String>,
    pub password: Vec<String>,
}

impl NewUserErrors {
    pub fn any(&self) -> bool {
        self.email.is_some()
            || self.name.is_some()
            || self.roles.is_some()
            || !self.password.is_empty()
    }
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    shell: Shell,
    users: Vec<UserRow>,
    total: i64,
    can_theme: bool,
    theme_class: String,
    has_theme: bool,
    new_email: String,
    new_name: String,
    roles: Vec<RoleOption>,
    errors: NewUserErrors,
}

#[derive(Deserialize)]
pub(crate) struct NoticeQuery {
    melding: Option<String>,
}

async fn render_overview(
    state: &AppState,
    actor: &Actor,
    ctx: &RequestContext,
    notice: Option<&str>,
    form: (String, String, Vec<Role>),
    errors: NewUserErrors,
) -> Result<Response, AppError> {
    let users = state.store.users(actor, Page::new(1, 100)).await?;
    let theme = state.store.theme(actor).await?;
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = AdminPage {
        shell: Shell::build(state, ctx, "admin-title")
            .await
            .with_notice(notice),
        users: users.items.iter().map(|u| user_row(ctx.lang, u)).collect(),
        total: users.total,
        can_theme: actor.can(baken_domain::auth::Permission::ManageOrganisation),
        theme_class: theme.class.unwrap_or_default(),
        has_theme: theme.css.is_some(),
        new_email: form.0,
        new_name: form.1,
        roles: role_options(ctx.lang, &form.2),
        errors,
    };
    Ok((status, Html(page.render()?)).into_response())
}

pub(crate) async fn overview(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    render_overview(
        &state,
        &actor,
        &ctx,
        q.melding.as_deref(),
        (String::new(), String::new(), Vec::new()),
        NewUserErrors::default(),
    )
    .await
}

fn parse_roles(values: &[&str]) -> Vec<Role> {
    values.iter().filter_map(|v| Role::from_code(v)).collect()
}

pub(crate) async fn create_user(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    form: FormFields,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let email_input = form.get("email").trim().to_owned();
    let name = form.get("name").trim().to_owned();
    let roles = parse_roles(&form.all("role"));
    let mut errors = NewUserErrors::default();
    let email = Email::parse(&email_input);
    if email.is_err() {
        errors.email = Some(lang.t("user-email-invalid"));
    }
    if name.is_empty() || name.chars().count() > 200 {
        errors.name = Some(lang.t("user-name-required"));
    }
    if roles.is_empty() {
        errors.roles = Some(lang.t("user-roles-required"));
    }
    if let (Ok(email), false) = (email, errors.any()) {
        let new = NewUser {
            email,
            display_name: name.clone(),
            roles: roles.clone(),
            password: form.get("password").to_owned(),
        };
        match state.store.create_user(&actor, new).await {
            Ok(_) => return Ok(see_other("/beheer?melding=user-created")),
            Err(StoreError::Conflict { .. }) => errors.email = Some(lang.t("user-email-taken")),
            Err(StoreError::WeakPassword(problems)) => {
                errors.password = problems
                    .into_iter()
                    .map(|p| password_problem(lang, p))
                    .collect();
            }
            Err(other) => return Err(other.into()),
        }
    }
    render_overview(
        &state,
        &actor,
        &ctx,
        None,
        (email_input, name, roles),
        errors,
    )
    .await
}

#[derive(Template)]
#[template(path = "user.html")]
struct UserPage {
    shell: Shell,
    user: UserRow,
    active: bool,
    roles: Vec<RoleOption>,
    error: Option<String>,
}

fn parse_id(raw: &str) -> Result<i64, AppError> {
    raw.parse::<i64>().map_err(|_| AppError::NotFound)
}

pub(crate) async fn user_form(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let user = state.store.user(&actor, parse_id(&id)?).await?;
    let page = UserPage {
        shell: Shell::build(&state, &ctx, "user-title").await,
        user: user_row(ctx.lang, &user),
        active: user.active,
        roles: role_options(ctx.lang, &user.roles),
        error: None,
    };
    Ok(Html(page.render()?).into_response())
}

pub(crate) async fn update_user(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path(id): Path<String>,
    form: FormFields,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let roles = parse_roles(&form.all("role"));
    let active = form.get("active") == "on";
    match state
        .store
        .update_user(&actor, id, roles.clone(), active)
        .await
    {
        Ok(_) => Ok(see_other("/beheer?melding=user-updated")),
        Err(StoreError::Invalid { field, .. }) => {
            let user = state.store.user(&actor, id).await?;
            let key = if field == "roles" && roles.is_empty() {
                "user-roles-required"
            } else {
                "user-cannot-lock-out-self"
            };
            let page = UserPage {
                shell: Shell::build(&state, &ctx, "user-title").await,
                user: user_row(ctx.lang, &user),
                active,
                roles: role_options(ctx.lang, &roles),
                error: Some(ctx.lang.t(key)),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// Uploads (or removes) the organisation's NL Design System theme: a CSS file with token
/// values, and the class that activates it. A file upload, so its CSRF token is in the query.
pub(crate) async fn update_theme(
    State(state): State<AppState>,
    SignedIn(actor, _ctx): SignedIn,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let mut multipart = multipart_or_400(multipart)?;
    let mut css: Option<String> = None;
    let mut class: Option<String> = None;
    let mut remove = false;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| multipart_field_error(e, baken_store::org::MAX_THEME_CSS))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        let bytes = field
            .bytes()
            .await
            .map_err(|e| multipart_field_error(e, baken_store::org::MAX_THEME_CSS))?;
        match name.as_str() {
            "theme" if !bytes.is_empty() => {
                css = Some(String::from_utf8(bytes.to_vec()).map_err(|_| {
                    AppError::Unprocessable {
                        params: vec![crate::error::InvalidParam {
                            name: "theme".into(),
                            reason: "UTF-8".into(),
                        }],
                    }
                })?);
            }
            "class" => class = Some(String::from_utf8_lossy(&bytes).into_owned()),
            "remove" => remove = true,
            _ => {}
        }
    }
    let current = state.store.theme(&actor).await?;
    let theme = if remove {
        Theme::default()
    } else {
        Theme {
            css: css.or(current.css),
            class,
        }
    };
    state.store.set_theme(&actor, theme).await?;
    Ok(see_other("/beheer?melding=theme-updated"))
}

/// The organisation's own theme CSS.
pub(crate) async fn theme_css(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
) -> Result<Response, AppError> {
    let theme = state.store.theme(&actor).await?;
    let css = theme.css.ok_or(AppError::NotFound)?;
    Ok((
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "private, max-age=300"),
        ],
        css,
    )
        .into_response())
}
