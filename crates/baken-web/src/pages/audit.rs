//! The audit page for privacy officers and administrators: the organisation's part of the
//! chain, filtered by who, what, when and object.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use baken_domain::audit::Outcome;
use baken_store::Page;
use baken_store::audit::AuditFilter;
use serde::Deserialize;

use crate::AppState;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::pages::format_ms;
use crate::pages::shell::Shell;

/// The filter form's fields (all optional); dates as `YYYY-MM-DD`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct AuditQuery {
    #[serde(default)]
    pub wie: String,
    #[serde(default)]
    pub actie: String,
    #[serde(default)]
    pub object: String,
    #[serde(default)]
    pub uitkomst: String,
    #[serde(default)]
    pub van: String,
    #[serde(default)]
    pub tot: String,
    pub pagina: Option<u32>,
}

fn day_start_ms(date: &str) -> Option<i64> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(date.trim(), &fmt)
        .ok()
        .map(|d| d.midnight().assume_utc().unix_timestamp() * 1000)
}

impl AuditQuery {
    /// The store's filter; `object` is `type` or `type:id`.
    pub fn filter(&self) -> Result<AuditFilter, (&'static str, &'static str)> {
        let (object_type, object_id) = match self.object.trim().split_once(':') {
            Some((t, id)) => (Some(t.to_owned()), Some(id.to_owned())),
            None if self.object.trim().is_empty() => (None, None),
            None => (Some(self.object.trim().to_owned()), None),
        };
        let outcome = match self.uitkomst.trim() {
            "" => None,
            code => Some(Outcome::from_code(code).ok_or(("uitkomst", "audit-outcome-invalid"))?),
        };
        let from_ms = match self.van.trim() {
            "" => None,
            d => Some(day_start_ms(d).ok_or(("van", "audit-date-invalid"))?),
        };
        let to_ms = match self.tot.trim() {
            "" => None,
            d => Some(day_start_ms(d).ok_or(("tot", "audit-date-invalid"))? + 86_400_000 - 1),
        };
        Ok(AuditFilter {
            who: Some(self.wie.clone()),
            action: Some(self.actie.clone()),
            object_type,
            object_id,
            outcome,
            from_ms,
            to_ms,
        })
    }

    fn query_string(&self, page: u32) -> String {
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("wie", &self.wie)
            .append_pair("actie", &self.actie)
            .append_pair("object", &self.object)
            .append_pair("uitkomst", &self.uitkomst)
            .append_pair("van", &self.van)
            .append_pair("tot", &self.tot)
            .append_pair("pagina", &page.to_string())
            .finish()
    }
}

pub struct AuditRow {
    pub seq: i64,
    pub when: String,
    pub who: String,
    pub action: String,
    pub object: String,
    pub outcome: String,
    pub outcome_kind: &'static str,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    shell: Shell,
    q: AuditQuery,
    rows: Vec<AuditRow>,
    total: i64,
    page: u32,
    pages: u32,
    prev_link: Option<String>,
    next_link: Option<String>,
    error_field: &'static str,
    error: Option<String>,
}

pub(crate) async fn audit_page(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Query(q): Query<AuditQuery>,
) -> Result<Html<String>, AppError> {
    let lang = ctx.lang;
    let shell = Shell::build(&state, &ctx, "audit-title").await;
    let page_no = q.pagina.unwrap_or(1).max(1);
    let (rows, total, pages, error_field, error) = match q.filter() {
        Ok(filter) => {
            let result = state
                .store
                .audit_entries(&actor, &filter, Page::new(page_no, 50))
                .await?;
            let rows = result
                .items
                .iter()
                .map(|e| AuditRow {
                    seq: e.seq,
                    when: format_ms(e.occurred_at),
                    who: e.actor_label.clone(),
                    action: e.action.clone(),
                    object: match (&e.object_type, &e.object_id) {
                        (Some(t), Some(id)) => format!("{t}:{id}"),
                        (Some(t), None) => t.clone(),
                        _ => String::new(),
                    },
                    outcome: lang.t(&format!("audit-outcome-{}", e.outcome.code())),
                    outcome_kind: match e.outcome {
                        Outcome::Ok => "ok",
                        Outcome::Denied => "error",
                        Outcome::Failed => "warning",
                    },
                    detail: e.detail.clone(),
                })
                .collect();
            (rows, result.total, result.page_count(), "", None)
        }
        Err((field, key)) => (Vec::new(), 0, 1, field, Some(lang.t(key))),
    };
    let prev_link = (page_no > 1).then(|| format!("/audit?{}", q.query_string(page_no - 1)));
    let next_link = (page_no < pages).then(|| format!("/audit?{}", q.query_string(page_no + 1)));
    let page = AuditPage {
        shell,
        rows,
        total,
        page: page_no,
        pages,
        prev_link,
        next_link,
        error_field,
        error,
        q,
    };
    Ok(Html(page.render()?))
}
