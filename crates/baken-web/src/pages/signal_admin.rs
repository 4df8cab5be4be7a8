//! The pages around the step plan: where signals accumulate, connected sources, the
//! organisation's step plan and the templates of others, retention, and data-subject rights.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Response};
use baken_domain::auth::Permission;
use baken_domain::signal::PersonDraft;
use baken_store::StoreError;
use baken_store::signal::today;

use crate::AppState;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::pages::shell::Shell;
use crate::pages::signal::{NEIGHBOURHOOD_THRESHOLD, NoticeQuery, state_label};
use crate::pages::{FormFields, format_ms, multipart_with_file, see_other};

pub struct AccumulationRow {
    pub label: String,
    pub kind: String,
    pub count: usize,
    pub flagged: bool,
    pub phenomena: String,
    pub signals: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "signal_accumulation.html")]
struct AccumulationPage {
    shell: Shell,
    rule: String,
    rows: Vec<AccumulationRow>,
    neighbourhoods: Vec<(String, String, u8)>,
    threshold: i64,
}

/// `/signalen/ophoping`: accumulation per address and company, and per neighbourhood.
pub(crate) async fn accumulation(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let rows = state.store.accumulation(&actor).await?;
    let rule = rows.first().map(|r| r.rule.clone()).unwrap_or_default();
    let name = |id: &str| {
        state
            .matrices
            .phenomena
            .iter()
            .find(|p| p.id == id)
            .map_or_else(
                || lang.t("signal-no-phenomenon"),
                |p| p.naam.get(lang.code()).to_owned(),
            )
    };
    let hoods = state
        .store
        .signals_per_neighbourhood(&actor, NEIGHBOURHOOD_THRESHOLD)
        .await?;
    let max = hoods
        .iter()
        .filter_map(|(_, n)| *n)
        .max()
        .unwrap_or(1)
        .max(1);
    let page = AccumulationPage {
        shell: Shell::build(&state, &ctx, "signal-accumulation-title").await,
        rule,
        rows: rows
            .into_iter()
            .map(|a| AccumulationRow {
                label: a.label,
                kind: lang.t(&format!("signal-kind-{}", a.kind.code())),
                count: a.signals.len(),
                flagged: a.flagged,
                phenomena: a
                    .by_phenomenon
                    .iter()
                    .map(|(p, n)| format!("{} ({n})", name(p)))
                    .collect::<Vec<_>>()
                    .join(", "),
                signals: a.signals,
            })
            .collect(),
        neighbourhoods: hoods
            .into_iter()
            .map(|(code, n)| match n {
                Some(n) => (
                    code,
                    n.to_string(),
                    u8::try_from((n * 4 + max - 1) / max)
                        .unwrap_or(4)
                        .clamp(1, 4),
                ),
                None => (code, format!("< {NEIGHBOURHOOD_THRESHOLD}"), 0),
            })
            .collect(),
        threshold: NEIGHBOURHOOD_THRESHOLD,
    };
    Ok(Html(page.render()?).into_response())
}

pub struct SourceRow {
    pub code: String,
    pub name: String,
    pub matrix_source: String,
    pub matrix_name: String,
    pub department: String,
    pub entries: i64,
    pub refreshed: String,
}

#[derive(Template)]
#[template(path = "signal_sources.html")]
struct SourcesPage {
    shell: Shell,
    rows: Vec<SourceRow>,
    can_connect: bool,
    matrix_sources: Vec<(String, String)>,
    errors: Vec<String>,
}

async fn sources_page(
    state: &AppState,
    actor: &baken_store::Actor,
    ctx: &crate::context::RequestContext,
    errors: Vec<String>,
    notice: Option<&str>,
) -> Result<String, AppError> {
    let lang = ctx.lang;
    let matrix_name = |id: &str| {
        state
            .matrices
            .sources
            .iter()
            .find(|s| s.id == id)
            .map_or_else(String::new, |s| s.naam.get(lang.code()).to_owned())
    };
    let rows = state
        .store
        .connected_sources(actor)
        .await?
        .into_iter()
        .map(|s| SourceRow {
            matrix_name: matrix_name(&s.matrix_source),
            code: s.code,
            name: s.name,
            matrix_source: s.matrix_source,
            department: s.department,
            entries: s.entries,
            refreshed: format_ms(s.refreshed_at),
        })
        .collect();
    Ok(SourcesPage {
        shell: Shell::build(state, ctx, "signal-sources-title")
            .await
            .with_notice(notice),
        rows,
        can_connect: actor.can(Permission::ConnectSources),
        matrix_sources: state
            .matrices
            .sources
            .iter()
            .map(|s| (s.id.clone(), s.naam.get(lang.code()).to_owned()))
            .collect(),
        errors,
    }
    .render()?)
}

/// `/signalen/bronnen`: the connected sources and connecting an extract.
pub(crate) async fn sources(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    Ok(
        Html(sources_page(&state, &actor, &ctx, Vec::new(), q.melding.as_deref()).await?)
            .into_response(),
    )
}

/// The largest extract accepted.
pub const MAX_EXTRACT_BYTES: usize = 64 * 1024 * 1024;

/// `POST /signalen/bronnen`: connects or refreshes a source from a CSV extract; every bad row
/// is named and nothing is stored then.
pub(crate) async fn connect(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, AppError> {
    let (fields, file) = multipart_with_file(multipart, "bestand", MAX_EXTRACT_BYTES).await?;
    let get = |k: &str| fields.get(k).map_or("", String::as_str);
    let rows = match baken_import::signal::read_extract(&file, today()) {
        Ok(rows) => rows,
        Err(problems) => {
            let errors = problems.iter().map(ToString::to_string).collect();
            let html = sources_page(&state, &actor, &ctx, errors, None).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response());
        }
    };
    match state
        .store
        .connect_source(
            &actor,
            get("code"),
            get("naam"),
            get("vindplaats"),
            get("afdeling"),
            &rows,
        )
        .await
    {
        Ok(_) => Ok(see_other("/signalen/bronnen?melding=source-connected")),
        Err(StoreError::Invalid { field, reason }) => {
            let html = sources_page(
                &state,
                &actor,
                &ctx,
                vec![format!("{field}: {reason}")],
                None,
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub struct ItemView {
    pub id: String,
    pub text: String,
    pub note: String,
    pub flags: Vec<String>,
}

#[derive(Template)]
#[template(path = "signal_protocol.html")]
struct ProtocolPage {
    shell: Shell,
    name: String,
    origin: String,
    published: bool,
    can_manage: bool,
    features: Vec<ItemView>,
    anchoring: Vec<ItemView>,
    signalling: Vec<ItemView>,
    severity: Vec<ItemView>,
    bases: Vec<(String, String, String)>,
    terms: Vec<(String, u32)>,
    roles: Vec<(String, String)>,
    accumulation: String,
    templates: Vec<(String, String, String)>,
    errors: Vec<String>,
}

/// `/signalen/stappenplan`: the organisation's step plan and others' published templates.
pub(crate) async fn protocol(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    Ok(
        Html(protocol_page(&state, &actor, &ctx, Vec::new(), q.melding.as_deref()).await?)
            .into_response(),
    )
}

async fn protocol_page(
    state: &AppState,
    actor: &baken_store::Actor,
    ctx: &crate::context::RequestContext,
    errors: Vec<String>,
    notice: Option<&str>,
) -> Result<String, AppError> {
    let lang = ctx.lang;
    let own = state.store.signal_protocol(actor).await?;
    let p = &own.protocol;
    let items = |list: &[baken_domain::signal::config::Item]| {
        list.iter()
            .map(|i| ItemView {
                id: i.id.clone(),
                text: i.tekst.get(lang.code()).to_owned(),
                note: i
                    .toelichting
                    .as_ref()
                    .map(|t| t.get(lang.code()).to_owned())
                    .unwrap_or_default(),
                flags: Vec::new(),
            })
            .collect::<Vec<_>>()
    };
    let terms = baken_domain::signal::State::ALL
        .iter()
        .filter_map(|s| {
            p.bewaartermijnen
                .days(*s)
                .map(|d| (state_label(lang, *s), d))
        })
        .collect();
    let page = ProtocolPage {
        shell: Shell::build(state, ctx, "signal-protocol-title")
            .await
            .with_notice(notice),
        name: p.naam.get(lang.code()).to_owned(),
        origin: match (own.own, own.adopted_from.as_str()) {
            (false, _) => lang.t("signal-protocol-shipped"),
            (true, "baken") | (true, "") => lang.t("signal-protocol-own"),
            (true, org) => lang.t_args("signal-protocol-adopted", &[("org", org.to_owned())]),
        },
        published: own.published,
        can_manage: actor.can(Permission::ManageProtocol),
        features: items(&p.kenmerk),
        anchoring: items(&p.verankering),
        signalling: p
            .signalering
            .iter()
            .map(|s| ItemView {
                id: s.id.clone(),
                text: s.tekst.get(lang.code()).to_owned(),
                note: s.toelichting.get(lang.code()).to_owned(),
                flags: s
                    .rode_vlaggen
                    .iter()
                    .map(|f| {
                        if lang.code() == "en" {
                            f.en.clone()
                        } else {
                            f.nl.clone()
                        }
                    })
                    .collect(),
            })
            .collect(),
        severity: items(&p.ernst),
        bases: p
            .grondslag
            .iter()
            .map(|g| {
                (
                    g.artikel.clone(),
                    g.titel.get(lang.code()).to_owned(),
                    g.uitleg.get(lang.code()).to_owned(),
                )
            })
            .collect(),
        terms,
        roles: p
            .rollen
            .iter()
            .map(|(k, v)| {
                (
                    lang.t(&format!("signal-role-{k}")),
                    v.get(lang.code()).to_owned(),
                )
            })
            .collect(),
        accumulation: lang.t_args(
            "signal-accumulation-rule",
            &[
                ("n", p.ophoping.signalen.to_string()),
                ("months", p.ophoping.maanden.to_string()),
            ],
        ),
        templates: state
            .store
            .signal_protocol_templates(actor)
            .await?
            .into_iter()
            .map(|t| (t.org_code, t.org_name, t.name))
            .collect(),
        errors,
    };
    Ok(page.render()?)
}

/// `/signalen/stappenplan/bestand`: the organisation's step plan as TOML, to adapt.
pub(crate) async fn protocol_file(
    State(state): State<AppState>,
    SignedIn(actor, _ctx): SignedIn,
) -> Result<Response, AppError> {
    let own = state.store.signal_protocol(&actor).await?;
    let text = baken_import::signal::protocol_to_toml(&own.protocol)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (CONTENT_TYPE, "application/toml; charset=utf-8".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"stappenplan-{}.toml\"",
                    actor.org_code()
                ),
            ),
        ],
        text,
    )
        .into_response())
}

/// The largest step-plan file accepted.
pub const MAX_PROTOCOL_BYTES: usize = 1024 * 1024;

/// `POST /signalen/stappenplan/bestand`: an adapted step plan; every broken rule is named (a
/// protected trait among them) and nothing changes until all pass.
pub(crate) async fn upload_protocol(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, AppError> {
    let (_, file) = multipart_with_file(multipart, "bestand", MAX_PROTOCOL_BYTES).await?;
    let errors = match std::str::from_utf8(&file) {
        Err(_) => vec![ctx.lang.t("signal-protocol-not-utf8")],
        Ok(text) => match baken_import::signal::parse_protocol(text) {
            Ok(protocol) => match state.store.save_signal_protocol(&actor, &protocol).await {
                Ok(()) => return Ok(see_other("/signalen/stappenplan?melding=protocol-saved")),
                Err(StoreError::Fields(f)) => f
                    .into_iter()
                    .map(|e| format!("{}: {}", e.field, e.reason))
                    .collect(),
                Err(e) => return Err(e.into()),
            },
            Err(baken_import::signal::ProtocolError::Rules(problems)) => problems
                .into_iter()
                .map(|p| format!("{}: {}", p.at, p.reason))
                .collect(),
            Err(e) => vec![e.to_string()],
        },
    };
    let html = protocol_page(&state, &actor, &ctx, errors, None).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
}

/// `POST /signalen/stappenplan/publiceren`: offers (or withdraws) the step plan as a template.
pub(crate) async fn publish(
    State(state): State<AppState>,
    SignedIn(actor, _ctx): SignedIn,
    form: FormFields,
) -> Result<Response, AppError> {
    state
        .store
        .publish_signal_protocol(&actor, form.get("publiceren") != "nee")
        .await?;
    Ok(see_other(
        "/signalen/stappenplan?melding=protocol-published",
    ))
}

/// `POST /signalen/stappenplan/overnemen/{org}`: adopts another organisation's template.
pub(crate) async fn adopt(
    State(state): State<AppState>,
    SignedIn(actor, _ctx): SignedIn,
    Path(org): Path<String>,
) -> Result<Response, AppError> {
    state.store.adopt_signal_protocol(&actor, &org).await?;
    Ok(see_other("/signalen/stappenplan?melding=protocol-adopted"))
}

pub struct DueRow {
    pub reference: String,
    pub state: String,
    pub closed: String,
    pub destroy: String,
}

#[derive(Template)]
#[template(path = "signal_retention.html")]
struct RetentionPage {
    shell: Shell,
    due: Vec<DueRow>,
    tombstones: Vec<(String, String, String, String, String)>,
}

/// `/signalen/bewaartermijnen`: what will be destroyed next, and the tombstones.
pub(crate) async fn retention(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let due = state
        .store
        .retention_schedule(&actor)
        .await?
        .into_iter()
        .map(|s| DueRow {
            reference: s.reference,
            state: state_label(lang, s.state),
            closed: s.closed_at.map(format_ms).unwrap_or_default(),
            destroy: s.destroy_after.map(format_ms).unwrap_or_default(),
        })
        .collect();
    let tombstones = state
        .store
        .tombstones(&actor)
        .await?
        .into_iter()
        .map(|t| {
            let st = baken_domain::signal::State::from_code(&t.state)
                .map_or_else(|| t.state.clone(), |s| state_label(lang, s));
            (
                t.reference,
                st,
                t.received_on,
                format_ms(t.destroyed_at),
                t.reason,
            )
        })
        .collect();
    let page = RetentionPage {
        shell: Shell::build(&state, &ctx, "signal-retention-title").await,
        due,
        tombstones,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Template)]
#[template(path = "signal_rights.html")]
struct RightsPage {
    shell: Shell,
    searched: bool,
    found: Option<i64>,
    errors: Vec<(String, String)>,
}

/// `/signalen/rechten`: finding a person for an access, correction or erasure request.
pub(crate) async fn rights(
    State(state): State<AppState>,
    SignedIn(_actor, ctx): SignedIn,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let page = RightsPage {
        shell: Shell::build(&state, &ctx, "signal-rights-title")
            .await
            .with_notice(q.melding.as_deref()),
        searched: false,
        found: None,
        errors: Vec::new(),
    };
    Ok(Html(page.render()?).into_response())
}

fn person_from(form: &FormFields) -> PersonDraft {
    PersonDraft {
        bsn: form.get("bsn").to_owned(),
        naam: form.get("naam").to_owned(),
        geboortedatum: form.get("geboortedatum").to_owned(),
    }
}

/// `POST /signalen/rechten`: looks a person up by BSN, or name and date of birth.
pub(crate) async fn find(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    form: FormFields,
) -> Result<Response, AppError> {
    let (found, errors) = match person_from(&form).validate(today()) {
        Ok(person) => (state.store.find_person(&actor, &person).await?, Vec::new()),
        Err(e) => (None, e.into_iter().map(|e| (e.field, e.reason)).collect()),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = RightsPage {
        shell: Shell::build(&state, &ctx, "signal-rights-title").await,
        searched: errors.is_empty(),
        found,
        errors,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// `/signalen/rechten/{id}/inzage`: everything held on the person, as JSON.
pub(crate) async fn access_export(
    State(state): State<AppState>,
    SignedIn(actor, _ctx): SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let export = state.store.export_subject(&actor, id).await?;
    let body = serde_json::to_vec_pretty(&export).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (CONTENT_TYPE, "application/json".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"inzage-{id}.json\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// `POST /signalen/rechten/{id}/correctie`: corrects a person's name and date of birth.
pub(crate) async fn correct(
    State(state): State<AppState>,
    SignedIn(actor, _ctx): SignedIn,
    Path(id): Path<i64>,
    form: FormFields,
) -> Result<Response, AppError> {
    state
        .store
        .correct_person(&actor, id, &person_from(&form), form.get("toelichting"))
        .await?;
    Ok(see_other("/signalen/rechten?melding=subject-corrected"))
}

/// `POST /signalen/rechten/{id}/verwijderen`: erases the person from every signal.
pub(crate) async fn erase(
    State(state): State<AppState>,
    SignedIn(actor, _ctx): SignedIn,
    Path(id): Path<i64>,
    form: FormFields,
) -> Result<Response, AppError> {
    state
        .store
        .erase_subject(&actor, id, form.get("toelichting"))
        .await?;
    Ok(see_other("/signalen/rechten?melding=subject-erased"))
}
