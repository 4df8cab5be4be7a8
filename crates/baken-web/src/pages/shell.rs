//! The page frame (header, navigation, language switch, footer), the home page, the pages of
//! capabilities still to come, and the error page.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderValue;
use axum::http::header::SET_COOKIE;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use crate::AppState;
use crate::context::{LANG_COOKIE, RequestContext, SignedIn};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::{safe_return_path, see_other};
use crate::routes::{Access, specs};

/// The signed-in user as the header shows it.
#[derive(Debug, Clone)]
pub struct UserView {
    pub email: String,
    pub org_name: String,
}

#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

/// What every page's frame needs.
#[derive(Debug, Clone)]
pub struct Shell {
    pub lang: Lang,
    pub title: String,
    pub user: Option<UserView>,
    pub nav: Vec<NavItem>,
    pub csrf: String,
    pub custom_theme: bool,
    pub theme_class: String,
    /// The current path and query, URL-encoded, for the language switch to return to.
    pub return_to: String,
    /// A confirmation after a redirect (`?melding=…`), already translated.
    pub notice: Option<String>,
    /// The cross-border pages, which also speak German and French.
    pub cross_border: bool,
}

/// The navigation: the six capabilities, then audit, administration and the profile.
const NAV: [(&str, &str); 10] = [
    ("/zicht", "nav-zicht"),
    ("/matrices", "nav-matrices"),
    ("/signalen", "nav-signalen"),
    ("/delen", "nav-delen"),
    ("/grens", "nav-grens"),
    ("/gereedheid", "nav-gereedheid"),
    ("/importeren", "nav-importeren"),
    ("/audit", "nav-audit"),
    ("/beheer", "nav-beheer"),
    ("/profiel", "nav-profiel"),
];

/// Confirmations that may be shown after a redirect.
const NOTICES: [&str; 31] = [
    "package-sent",
    "user-created",
    "user-updated",
    "theme-updated",
    "password-changed",
    "second-factor-enabled",
    "second-factor-disabled",
    "token-revoked",
    "signed-out",
    "indicator-defined",
    "indicator-shared",
    "inventory-saved",
    "action-added",
    "action-updated",
    "matrix-imported",
    "matrix-published",
    "matrix-adopted",
    "signal-registered",
    "step-taken",
    "source-asked",
    "detail-requested",
    "detail-decided",
    "attachment-added",
    "source-connected",
    "protocol-published",
    "protocol-adopted",
    "subject-corrected",
    "subject-erased",
    "relation-added",
    "protocol-saved",
    "template-saved",
];

/// Capabilities whose start page some roles may not open, with the part those roles do use:
/// a source owner connects registers for source research without seeing signals.
const PARTIAL_ENTRIES: [(&str, &str); 1] = [("/signalen", "/signalen/bronnen")];

/// The page of a capability the caller may open: its start page, or the part of it the
/// caller's roles use; `None` when neither.
pub(crate) fn entry_point(ctx: &RequestContext, href: &'static str) -> Option<&'static str> {
    if may_open(ctx, href) {
        return Some(href);
    }
    PARTIAL_ENTRIES
        .iter()
        .find(|(start, _)| *start == href)
        .map(|(_, part)| *part)
        .filter(|part| may_open(ctx, part))
}

/// Whether `ctx`'s caller may open the GET route at `href`, per the route registry.
pub(crate) fn may_open(ctx: &RequestContext, href: &str) -> bool {
    specs()
        .iter()
        .find(|s| s.method == "GET" && s.path == href)
        .is_some_and(|s| match s.access {
            Access::Public => true,
            Access::SignedIn => ctx.actor.is_some(),
            Access::Permission(p) => ctx.actor.as_ref().is_some_and(|a| a.can(p)),
        })
}

impl Shell {
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    pub async fn build(state: &AppState, ctx: &RequestContext, title_key: &str) -> Self {
        let lang = ctx.lang;
        let nav = match &ctx.actor {
            Some(_) => NAV
                .iter()
                .filter_map(|(href, key)| {
                    entry_point(ctx, href).map(|entry| NavItem {
                        href: entry,
                        label: lang.t(key),
                        current: ctx.path == *href || ctx.path.starts_with(&format!("{href}/")),
                    })
                })
                .collect(),
            None => Vec::new(),
        };
        let theme = match &ctx.actor {
            Some(actor) => state.store.theme(actor).await.unwrap_or_default(),
            None => Default::default(),
        };
        Self {
            lang,
            title: lang.t(title_key),
            user: ctx.actor.as_ref().map(|a| UserView {
                email: a.email().to_owned(),
                org_name: a.org_name().to_owned(),
            }),
            nav,
            csrf: ctx.csrf_token().unwrap_or_default().to_owned(),
            custom_theme: theme.css.is_some(),
            theme_class: theme.class.unwrap_or_else(|| "baken-theme".to_owned()),
            return_to: url::form_urlencoded::byte_serialize(ctx.path.as_bytes()).collect(),
            notice: None,
            cross_border: ctx.path == "/grens" || ctx.path.starts_with("/grens/"),
        }
    }

    /// Shows the confirmation named by `?melding=`, if it is a known one.
    pub fn with_notice(mut self, notice: Option<&str>) -> Self {
        self.notice = notice
            .and_then(|n| NOTICES.iter().find(|k| **k == n))
            .map(|k| self.lang.t(&format!("notice-{k}")));
        self
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub shell: Shell,
    pub code: u16,
    pub text: String,
    pub reasons: Vec<String>,
}

/// A card on the home page.
pub struct Card {
    pub href: &'static str,
    pub title: String,
    pub text: String,
    pub open: bool,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    shell: Shell,
    greeting: String,
    cards: Vec<Card>,
}

#[derive(Deserialize)]
pub(crate) struct NoticeQuery {
    melding: Option<String>,
}

pub(crate) async fn home(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Query(q): Query<NoticeQuery>,
) -> Result<Html<String>, AppError> {
    let shell = Shell::build(&state, &ctx, "home-title")
        .await
        .with_notice(q.melding.as_deref());
    let cards = NAV[..6]
        .iter()
        .map(|(href, key)| {
            let slug = &key[4..];
            let entry = entry_point(&ctx, href);
            Card {
                href: entry.unwrap_or(href),
                title: ctx.lang.t(key),
                text: ctx.lang.t(&format!("capability-{slug}-summary")),
                open: entry.is_some(),
            }
        })
        .collect();
    let page = HomePage {
        greeting: ctx.lang.t_args(
            "home-greeting",
            &[
                ("name", actor.display_name().to_owned()),
                ("org", actor.org_name().to_owned()),
            ],
        ),
        cards,
        shell,
    };
    Ok(Html(page.render()?))
}

#[derive(Deserialize)]
pub(crate) struct LanguageQuery {
    lang: String,
    terug: Option<String>,
}

/// Sets the language cookie and returns to where the user was.
pub(crate) async fn switch_language(
    State(state): State<AppState>,
    Query(q): Query<LanguageQuery>,
) -> Result<Response, AppError> {
    let Some(lang) = Lang::from_code(&q.lang) else {
        return Err(AppError::BadRequest {
            detail: format!(
                "unknown language {:?}",
                q.lang.chars().take(10).collect::<String>()
            ),
            params: vec![crate::error::InvalidParam {
                name: "lang".into(),
                reason: "nl | en".into(),
            }],
        });
    };
    let back = safe_return_path(q.terug.as_deref().unwrap_or("/"));
    let mut res = see_other(back);
    let secure = if state.config.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}",
        lang.code()
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().append(SET_COOKIE, v);
    }
    Ok(res.into_response())
}
