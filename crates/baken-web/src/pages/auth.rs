//! Signing in (password, then the optional second factor) and signing out.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use baken_store::auth::{LoginOutcome, SessionToken};
use serde::Deserialize;

use crate::AppState;
use crate::context::{Ctx, RequestContext, SESSION_COOKIE};
use crate::error::AppError;
use crate::pages::shell::Shell;
use crate::pages::{FormFields, format_ms, safe_return_path, see_other};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    shell: Shell,
    csrf: String,
    email: String,
    return_to: String,
    /// A message about the whole attempt (wrong password, locked, throttled).
    error: Option<String>,
    email_error: Option<String>,
    password_error: Option<String>,
}

#[derive(Template)]
#[template(path = "second_factor.html")]
struct SecondFactorPage {
    shell: Shell,
    csrf: String,
    return_to: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct ReturnQuery {
    terug: Option<String>,
    melding: Option<String>,
}

fn session_cookie(state: &AppState, token: &SessionToken) -> Option<HeaderValue> {
    let secure = if state.config.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax{secure}",
        token.0
    ))
    .ok()
}

fn with_cookie(mut res: Response, cookie: Option<HeaderValue>) -> Response {
    if let Some(c) = cookie {
        res.headers_mut().append(SET_COOKIE, c);
    }
    res
}

/// The login form. Makes an anonymous session first, so the form has a CSRF token.
pub(crate) async fn login_form(
    State(state): State<AppState>,
    Ctx(mut ctx): Ctx,
    Query(q): Query<ReturnQuery>,
) -> Result<Response, AppError> {
    let return_to = safe_return_path(q.terug.as_deref().unwrap_or("/")).to_owned();
    if ctx.actor.is_some() {
        return Ok(see_other(&return_to));
    }
    let mut cookie = None;
    let csrf = match ctx.csrf_token() {
        Some(csrf) => csrf.to_owned(),
        None => {
            let (token, csrf) = state.store.start_anonymous_session().await?;
            cookie = session_cookie(&state, &token);
            csrf
        }
    };
    ctx.session = None;
    let shell = Shell::build(&state, &ctx, "login-title")
        .await
        .with_notice(q.melding.as_deref());
    let page = LoginPage {
        shell,
        csrf,
        email: String::new(),
        return_to,
        error: None,
        email_error: None,
        password_error: None,
    };
    Ok(with_cookie(Html(page.render()?).into_response(), cookie))
}

async fn login_again(
    state: &AppState,
    ctx: &RequestContext,
    status: StatusCode,
    page: impl FnOnce(Shell) -> LoginPage,
) -> Result<Response, AppError> {
    let shell = Shell::build(state, ctx, "login-title").await;
    Ok((status, Html(page(shell).render()?)).into_response())
}

/// Checks the password; answers with the new session or the form with what went wrong.
pub(crate) async fn login(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    form: FormFields,
) -> Result<Response, AppError> {
    let email = form.get("email").trim().to_owned();
    let password = form.get("password").to_owned();
    let return_to = safe_return_path(form.get("terug")).to_owned();
    let csrf = ctx.csrf_token().unwrap_or_default().to_owned();
    let lang = ctx.lang;
    if email.is_empty() || password.is_empty() {
        return login_again(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, |shell| {
            LoginPage {
                shell,
                csrf,
                email: email.clone(),
                return_to,
                error: Some(lang.t("form-has-errors")),
                email_error: email.is_empty().then(|| lang.t("login-email-required")),
                password_error: password
                    .is_empty()
                    .then(|| lang.t("login-password-required")),
            }
        })
        .await;
    }
    let outcome = state
        .store
        .login(&email, &password, &ctx.client, ctx.session_token.as_deref())
        .await?;
    let (status, message) = match outcome {
        LoginOutcome::SignedIn { token, .. } => {
            return Ok(with_cookie(
                see_other(&return_to),
                session_cookie(&state, &token),
            ));
        }
        LoginOutcome::SecondFactorRequired { token } => {
            let target = format!(
                "/inloggen/tweede-factor?terug={}",
                url::form_urlencoded::byte_serialize(return_to.as_bytes()).collect::<String>()
            );
            return Ok(with_cookie(
                see_other(&target),
                session_cookie(&state, &token),
            ));
        }
        LoginOutcome::Invalid => (StatusCode::UNAUTHORIZED, lang.t("login-invalid")),
        LoginOutcome::LockedOut { until_ms } => (
            StatusCode::FORBIDDEN,
            lang.t_args("login-locked", &[("until", format_ms(until_ms))]),
        ),
        LoginOutcome::Throttled => (StatusCode::TOO_MANY_REQUESTS, lang.t("login-throttled")),
    };
    login_again(&state, &ctx, status, |shell| LoginPage {
        shell,
        csrf,
        email,
        return_to,
        error: Some(message),
        email_error: None,
        password_error: None,
    })
    .await
}

fn pending_second_factor(ctx: &RequestContext) -> bool {
    ctx.session
        .as_ref()
        .is_some_and(|s| s.second_factor_pending)
}

pub(crate) async fn second_factor_form(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Query(q): Query<ReturnQuery>,
) -> Result<Response, AppError> {
    if !pending_second_factor(&ctx) {
        return Ok(see_other("/inloggen"));
    }
    let shell = Shell::build(&state, &ctx, "second-factor-title").await;
    let page = SecondFactorPage {
        shell,
        csrf: ctx.csrf_token().unwrap_or_default().to_owned(),
        return_to: safe_return_path(q.terug.as_deref().unwrap_or("/")).to_owned(),
        error: None,
    };
    Ok(Html(page.render()?).into_response())
}

pub(crate) async fn second_factor(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    form: FormFields,
) -> Result<Response, AppError> {
    let (Some(token), true) = (ctx.session_token.clone(), pending_second_factor(&ctx)) else {
        return Ok(see_other("/inloggen"));
    };
    let return_to = safe_return_path(form.get("terug")).to_owned();
    let outcome = state
        .store
        .complete_second_factor(&token, form.get("code"), &ctx.client)
        .await?;
    let (status, message) = match outcome {
        LoginOutcome::SignedIn { token, .. } => {
            return Ok(with_cookie(
                see_other(&return_to),
                session_cookie(&state, &token),
            ));
        }
        LoginOutcome::LockedOut { until_ms } => {
            let msg = ctx
                .lang
                .t_args("login-locked", &[("until", format_ms(until_ms))]);
            (StatusCode::FORBIDDEN, msg)
        }
        _ => (
            StatusCode::UNAUTHORIZED,
            ctx.lang.t("second-factor-invalid"),
        ),
    };
    let shell = Shell::build(&state, &ctx, "second-factor-title").await;
    let page = SecondFactorPage {
        shell,
        csrf: ctx.csrf_token().unwrap_or_default().to_owned(),
        return_to,
        error: Some(message),
    };
    Ok((status, Html(page.render()?)).into_response())
}

pub(crate) async fn logout(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
) -> Result<Response, AppError> {
    if let Some(token) = &ctx.session_token {
        state.store.logout(token).await?;
    }
    let clear = HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"
    ))
    .ok();
    Ok(with_cookie(
        see_other("/inloggen?melding=signed-out"),
        clear,
    ))
}
