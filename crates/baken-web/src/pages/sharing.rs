//! `/delen`: covenants, shared cases (handed over from the step plan), approvals, hit/no-hit
//! runs between organisations, and exchange packages between installations.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Response};
use baken_domain::auth::Permission;
use baken_domain::sharing::covenant::{DataCategory, Purpose};
use baken_domain::sharing::identifier::{IdentifierKind, MAX_LIST_BYTES, read_list};
use baken_domain::sharing::share::Distribution;
use baken_domain::sharing::{CovenantDraft, PartyDraft, ShareDraft};
use baken_domain::signal::Tlp;
use baken_store::sharing::Covenant;
use baken_store::sharing::case::{NewSharedCase, SharedCase, SharedCaseView};
use baken_store::sharing::exchange::{
    CasePayload, ExchangePartner, PackageRecord, ReceiveError, Receiver,
};
use baken_store::sharing::matching::{ASKED, FINISHED, MatchRun, WebAsk};
use baken_store::{Actor, StoreError};
use serde::Deserialize;

use crate::AppState;
use crate::context::{RequestContext, SignedIn};
use crate::error::AppError;
use crate::pages::shell::Shell;
use crate::pages::{FormFields, format_ms, multipart_with_file, see_other};

/// The largest list file a hit/no-hit run takes through the web.
pub const MAX_LIST_UPLOAD: usize = MAX_LIST_BYTES as usize;

/// Party rows on the covenant form.
const PARTY_ROWS: usize = 6;

fn errors_of(e: StoreError) -> Result<Vec<(String, String)>, AppError> {
    match e {
        StoreError::Fields(f) => Ok(f.into_iter().map(|e| (e.field, e.reason)).collect()),
        StoreError::Invalid { field, reason } => Ok(vec![(field.to_owned(), reason)]),
        StoreError::UnknownOrganisation(code) => Ok(vec![(
            "organisatie".into(),
            format!("onbekende organisatie: {code}"),
        )]),
        StoreError::Conflict { field } => Ok(vec![(field.to_owned(), "bestaat al".into())]),
        other => Err(other.into()),
    }
}

fn labelled(lang: crate::i18n::Lang, prefix: &str, codes: &[&str]) -> Vec<(String, String)> {
    codes
        .iter()
        .map(|c| ((*c).to_owned(), lang.t(&format!("{prefix}-{c}"))))
        .collect()
}

fn purposes(lang: crate::i18n::Lang) -> Vec<(String, String)> {
    let codes: Vec<&str> = Purpose::ALL.iter().map(|p| p.code()).collect();
    labelled(lang, "delen-purpose", &codes)
}

fn categories(lang: crate::i18n::Lang) -> Vec<(String, String)> {
    let codes: Vec<&str> = DataCategory::ALL.iter().map(|c| c.code()).collect();
    labelled(lang, "delen-category", &codes)
}

#[derive(Template)]
#[template(path = "delen.html")]
struct OverviewPage {
    shell: Shell,
    covenants: Vec<Covenant>,
    cases: Vec<SharedCase>,
    pending: Vec<(SharedCase, i64, String)>,
    signals: Vec<(i64, String)>,
    organisations: Vec<(String, String)>,
    purposes: Vec<(String, String)>,
    categories: Vec<(String, String)>,
    party_rows: Vec<usize>,
    errors: Vec<(String, String)>,
    can_manage: bool,
    can_work: bool,
    can_approve: bool,
    chosen_signal: String,
}

#[derive(Deserialize)]
pub(crate) struct OverviewQuery {
    signaal: Option<String>,
}

async fn overview_page(
    state: &AppState,
    actor: &Actor,
    ctx: &RequestContext,
    errors: Vec<(String, String)>,
    chosen_signal: String,
) -> Result<String, AppError> {
    let lang = ctx.lang;
    let signals = if actor.can(Permission::ViewSignals) && actor.can(Permission::WorkSharedCases) {
        state
            .store
            .signals(actor, baken_store::signal::Queue::Closed)
            .await?
            .into_iter()
            .filter(|s| s.state == baken_domain::signal::State::ToRiec)
            .map(|s| (s.id, s.reference))
            .collect()
    } else {
        Vec::new()
    };
    let organisations = state
        .store
        .organisations()
        .await?
        .into_iter()
        .map(|o| (o.code, o.name))
        .collect();
    Ok(OverviewPage {
        shell: Shell::build(state, ctx, "delen-title").await,
        covenants: state.store.covenants(actor).await?,
        cases: state.store.shared_cases(actor).await?,
        pending: if actor.can(Permission::ApproveSharing) {
            state.store.pending_items(actor).await?
        } else {
            Vec::new()
        },
        signals,
        organisations,
        purposes: purposes(lang),
        categories: categories(lang),
        party_rows: (0..PARTY_ROWS).collect(),
        errors,
        can_manage: actor.can(Permission::ManageCovenants),
        can_work: actor.can(Permission::WorkSharedCases),
        can_approve: actor.can(Permission::ApproveSharing),
        chosen_signal,
    }
    .render()?)
}

/// `/delen`: covenants, cases, what waits for approval, and the forms to start.
pub(crate) async fn overview(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Query(q): Query<OverviewQuery>,
) -> Result<Response, AppError> {
    let chosen = q.signaal.unwrap_or_default();
    Ok(Html(overview_page(&state, &actor, &ctx, Vec::new(), chosen).await?).into_response())
}

async fn refuse_with(
    state: &AppState,
    actor: &Actor,
    ctx: &RequestContext,
    errors: Vec<(String, String)>,
) -> Result<Response, AppError> {
    let html = overview_page(state, actor, ctx, errors, String::new()).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
}

/// `POST /delen/convenanten`: registers a covenant.
pub(crate) async fn create_covenant(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    form: FormFields,
) -> Result<Response, AppError> {
    let draft = CovenantDraft {
        naam: form.get("naam").to_owned(),
        doelen: form.all("doelen").into_iter().map(str::to_owned).collect(),
        categorieen: form
            .all("categorieen")
            .into_iter()
            .map(str::to_owned)
            .collect(),
        geldig_van: form.get("geldig_van").to_owned(),
        geldig_tot: form.get("geldig_tot").to_owned(),
        regeling: form.get("regeling").to_owned(),
        bewaartermijn_dagen: form.get("bewaartermijn_dagen").trim().parse().unwrap_or(0),
        partijen: (0..PARTY_ROWS)
            .map(|i| PartyDraft {
                organisatie: form.get(&format!("partij_{i}")).to_owned(),
                grondslag: form.get(&format!("grondslag_{i}")).to_owned(),
                ondertekenaar: form.get(&format!("ondertekenaar_{i}")).to_owned(),
            })
            .collect(),
    };
    let result = match draft.validate() {
        Ok(c) => state.store.register_covenant(&actor, &c).await,
        Err(e) => Err(StoreError::Fields(e)),
    };
    match result {
        Ok(id) => Ok(see_other(&format!("/delen/convenanten/{id}"))),
        Err(e) => refuse_with(&state, &actor, &ctx, errors_of(e)?).await,
    }
}

#[derive(Template)]
#[template(path = "delen_covenant.html")]
struct CovenantPage {
    shell: Shell,
    covenant: Covenant,
    status_label: String,
    purpose_labels: String,
    category_labels: String,
    signed: Vec<(String, String, String, String)>,
    own_signed: bool,
    can_manage: bool,
}

/// `/delen/convenanten/{id}`: a covenant with its parties and signatures.
pub(crate) async fn covenant(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let covenant = state.store.covenant(&actor, id).await?;
    let signed = covenant
        .parties
        .iter()
        .map(|p| {
            (
                p.org_name.clone(),
                p.legal_basis.clone(),
                p.signatory.clone(),
                p.signed_at.map(format_ms).unwrap_or_default(),
            )
        })
        .collect();
    let own_signed = covenant
        .party(actor.org_id())
        .is_some_and(|p| p.signed_at.is_some());
    let lang = ctx.lang;
    let page = CovenantPage {
        shell: Shell::build(&state, &ctx, "delen-covenant-title").await,
        status_label: lang.t(&format!("delen-covenant-{}", covenant.status)),
        purpose_labels: covenant
            .purposes
            .iter()
            .map(|p| lang.t(&format!("delen-purpose-{p}")))
            .collect::<Vec<_>>()
            .join(", "),
        category_labels: covenant
            .categories
            .iter()
            .map(|c| lang.t(&format!("delen-category-{c}")))
            .collect::<Vec<_>>()
            .join(", "),
        covenant,
        signed,
        own_signed,
        can_manage: actor.can(Permission::ManageCovenants),
    };
    Ok(Html(page.render()?).into_response())
}

/// `POST /delen/convenanten/{id}/ondertekenen`.
pub(crate) async fn sign_covenant(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    state.store.sign_covenant(&actor, id).await?;
    Ok(see_other(&format!("/delen/convenanten/{id}")))
}

/// `POST /delen/convenanten/{id}/beeindigen`.
pub(crate) async fn terminate_covenant(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    state.store.terminate_covenant(&actor, id).await?;
    Ok(see_other(&format!("/delen/convenanten/{id}")))
}

/// `POST /delen/casussen`: opens a case, or hands one over from the step plan.
pub(crate) async fn create_case(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    form: FormFields,
) -> Result<Response, AppError> {
    let case = NewSharedCase {
        covenant: form.get("convenant").parse().unwrap_or(0),
        title: form.get("titel").to_owned(),
        phenomenon: form.get("fenomeen").to_owned(),
        signal: form.get("signaal").parse().ok(),
        participants: form
            .all("deelnemers")
            .into_iter()
            .map(str::to_owned)
            .collect(),
    };
    match state.store.open_shared_case(&actor, &case).await {
        Ok(id) => Ok(see_other(&format!("/delen/casussen/{id}"))),
        Err(StoreError::NotFound) => {
            refuse_with(
                &state,
                &actor,
                &ctx,
                vec![("convenant".into(), ctx.lang.t("delen-choose-covenant"))],
            )
            .await
        }
        Err(e) => refuse_with(&state, &actor, &ctx, errors_of(e)?).await,
    }
}

/// One item as the case page shows it.
pub struct ItemRow {
    pub id: i64,
    pub from: String,
    pub title: String,
    pub content: String,
    pub purpose: String,
    pub category: String,
    pub distribution: String,
    pub tlp: String,
    pub legal_basis: String,
    pub minimisation: String,
    pub status: String,
    pub status_code: String,
    pub requested_by: String,
    pub decidable: bool,
}

#[derive(Template)]
#[template(path = "delen_case.html")]
struct CasePage {
    shell: Shell,
    view: SharedCaseView,
    status_label: String,
    items: Vec<ItemRow>,
    participant: bool,
    purposes: Vec<(String, String)>,
    categories: Vec<(String, String)>,
    distributions: Vec<(String, String)>,
    tlps: Vec<String>,
    parties: Vec<(String, String)>,
    partners: Vec<ExchangePartner>,
    errors: Vec<(String, String)>,
    can_work: bool,
}

async fn case_page(
    state: &AppState,
    actor: &Actor,
    ctx: &RequestContext,
    id: i64,
    errors: Vec<(String, String)>,
) -> Result<String, AppError> {
    let lang = ctx.lang;
    let view = state.store.shared_case(actor, id).await?;
    let covenant = state
        .store
        .covenant(actor, view.case.covenant_id)
        .await
        .ok();
    let can_approve = actor.can(Permission::ApproveSharing);
    let items = view
        .items
        .iter()
        .map(|i| ItemRow {
            id: i.id,
            from: i.from_name.clone(),
            title: i.title.clone(),
            content: i.content.clone(),
            purpose: lang.t(&format!("delen-purpose-{}", i.purpose)),
            category: lang.t(&format!("delen-category-{}", i.category)),
            distribution: lang.t(&format!("delen-distribution-{}", i.distribution)),
            tlp: format!("TLP:{}", i.tlp.to_uppercase().replace("-STRICT", "+STRICT")),
            legal_basis: i.checks.grondslag.clone(),
            minimisation: i.checks.minimalisatie.clone(),
            status: lang.t(&format!("delen-item-{}", i.status)),
            status_code: i.status.clone(),
            requested_by: i.requested_by.clone(),
            decidable: can_approve
                && i.from_org_id == actor.org_id()
                && i.status == baken_store::sharing::case::PENDING
                && i.requested_by != actor.email(),
        })
        .collect();
    let participant = view.participants.iter().any(|p| p.org_id == actor.org_id());
    let parties = covenant
        .as_ref()
        .map(|c| {
            c.parties
                .iter()
                .filter(|p| !view.participants.iter().any(|q| q.org_id == p.org_id))
                .map(|p| (p.org_code.clone(), p.org_name.clone()))
                .collect()
        })
        .unwrap_or_default();
    let distributions = Distribution::ALL
        .iter()
        .map(|d| {
            (
                d.code().to_owned(),
                lang.t(&format!("delen-distribution-{}", d.code())),
            )
        })
        .collect();
    Ok(CasePage {
        shell: Shell::build(state, ctx, "delen-case-title").await,
        status_label: lang.t(&format!("delen-case-{}", view.case.status)),
        items,
        participant,
        purposes: covenant
            .as_ref()
            .map(|c| {
                c.purposes
                    .iter()
                    .map(|p| {
                        (
                            p.code().to_owned(),
                            lang.t(&format!("delen-purpose-{}", p.code())),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        categories: covenant
            .as_ref()
            .map(|c| {
                c.categories
                    .iter()
                    .map(|p| {
                        (
                            p.code().to_owned(),
                            lang.t(&format!("delen-category-{}", p.code())),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        distributions,
        tlps: Tlp::ALL.iter().map(|t| t.code().to_owned()).collect(),
        parties,
        partners: state.store.exchange_partners(actor).await?,
        view,
        errors,
        can_work: actor.can(Permission::WorkSharedCases),
    }
    .render()?)
}

/// `/delen/casussen/{id}`: exactly what was shared with the reader's organisation.
pub(crate) async fn case(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    Ok(Html(case_page(&state, &actor, &ctx, id, Vec::new()).await?).into_response())
}

async fn case_refused(
    state: &AppState,
    actor: &Actor,
    ctx: &RequestContext,
    id: i64,
    e: StoreError,
) -> Result<Response, AppError> {
    let errors = errors_of(e)?;
    let html = case_page(state, actor, ctx, id, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
}

/// `POST /delen/casussen/{id}/items`: shares an item (it waits for approval).
pub(crate) async fn share_item(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path(id): Path<i64>,
    form: FormFields,
) -> Result<Response, AppError> {
    let draft = ShareDraft {
        titel: form.get("titel").to_owned(),
        inhoud: form.get("inhoud").to_owned(),
        doel: form.get("doel").to_owned(),
        categorie: form.get("categorie").to_owned(),
        verspreiding: form.get("verspreiding").to_owned(),
        tlp: form.get("tlp").to_owned(),
        minimalisatie: form.get("minimalisatie").to_owned(),
    };
    let result = match draft.validate() {
        Ok(share) => state.store.share_item(&actor, id, &share).await.map(|_| ()),
        Err(e) => Err(StoreError::Fields(e)),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/delen/casussen/{id}#items"))),
        Err(e) => case_refused(&state, &actor, &ctx, id, e).await,
    }
}

/// `POST /delen/casussen/{id}/deelnemers`: adds a partner.
pub(crate) async fn add_participant(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path(id): Path<i64>,
    form: FormFields,
) -> Result<Response, AppError> {
    match state
        .store
        .add_case_participant(&actor, id, form.get("organisatie"))
        .await
    {
        Ok(()) => Ok(see_other(&format!("/delen/casussen/{id}"))),
        Err(e) => case_refused(&state, &actor, &ctx, id, e).await,
    }
}

/// `POST /delen/casussen/{id}/items/{item}/besluit`: the privacy officer approves or refuses.
pub(crate) async fn decide_item(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path((id, item)): Path<(i64, i64)>,
    form: FormFields,
) -> Result<Response, AppError> {
    let approve = form.get("besluit") == "goedkeuren";
    match state
        .store
        .decide_item(&actor, item, approve, form.get("toelichting"))
        .await
    {
        Ok(()) => Ok(see_other(&format!("/delen/casussen/{id}#items"))),
        Err(e) => case_refused(&state, &actor, &ctx, id, e).await,
    }
}

/// `POST /delen/casussen/{id}/sluiten`.
pub(crate) async fn close_case(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    state.store.close_shared_case(&actor, id).await?;
    Ok(see_other(&format!("/delen/casussen/{id}")))
}

/// `POST /delen/casussen/{id}/pakket`: an exchange package for a partner installation, as a
/// file to hand over.
pub(crate) async fn export_package(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path(id): Path<i64>,
    form: FormFields,
) -> Result<Response, AppError> {
    let partner = form.get("partner").parse().unwrap_or(0);
    let push = form.get("actie") == "versturen";
    match state.store.export_case_package(&actor, id, partner).await {
        Ok((package, partner)) if push => {
            let body =
                serde_json::to_vec(&package).map_err(|e| AppError::Internal(e.to_string()))?;
            let url = format!("{}/api/v1/uitwisseling", partner.url);
            let sent = tokio::task::spawn_blocking(move || push_package(&url, &body))
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?;
            match sent {
                Ok(()) => Ok(see_other(&format!(
                    "/delen/casussen/{id}?melding=package-sent"
                ))),
                Err(reason) => {
                    let errors = vec![(
                        "partner".to_owned(),
                        format!("{}: {reason}", ctx.lang.t("delen-push-failed")),
                    )];
                    let html = case_page(&state, &actor, &ctx, id, errors).await?;
                    Ok((StatusCode::BAD_GATEWAY, Html(html)).into_response())
                }
            }
        }
        Ok((package, partner)) => {
            let body = serde_json::to_vec_pretty(&package)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            Ok((
                [
                    (CONTENT_TYPE, "application/json".to_owned()),
                    (
                        CONTENT_DISPOSITION,
                        format!(
                            "attachment; filename=\"baken-casus-{id}-{}.json\"",
                            partner.partner_org
                        ),
                    ),
                ],
                body,
            )
                .into_response())
        }
        Err(e) => case_refused(&state, &actor, &ctx, id, e).await,
    }
}

/// A run as the list shows it.
pub struct RunRow {
    pub run: MatchRun,
    pub when: String,
    pub status: String,
    pub answerable: bool,
}

#[derive(Template)]
#[template(path = "delen_matches.html")]
struct MatchesPage {
    shell: Shell,
    runs: Vec<RunRow>,
    covenants: Vec<Covenant>,
    organisations: Vec<(String, String)>,
    errors: Vec<(String, String)>,
    rejected: Vec<(usize, String)>,
    ask_intro: String,
}

async fn matches_page(
    state: &AppState,
    actor: &Actor,
    ctx: &RequestContext,
    errors: Vec<(String, String)>,
    rejected: Vec<(usize, String)>,
) -> Result<String, AppError> {
    let lang = ctx.lang;
    let mut runs = Vec::new();
    for run in state.store.matches(actor).await? {
        // The asker's hits are read (and audited) only for its own finished runs.
        let run = if run.mine && run.status == FINISHED {
            state.store.match_run(actor, run.id).await?
        } else {
            run
        };
        runs.push(RunRow {
            when: format_ms(run.created_at),
            status: lang.t(&format!("delen-match-{}", run.status)),
            answerable: !run.mine && run.status == ASKED,
            run,
        });
    }
    Ok(MatchesPage {
        shell: Shell::build(state, ctx, "delen-matches-title").await,
        runs,
        covenants: state.store.covenants(actor).await?,
        organisations: state
            .store
            .organisations()
            .await?
            .into_iter()
            .filter(|o| o.id != actor.org_id())
            .map(|o| (o.code, o.name))
            .collect(),
        errors,
        rejected,
        ask_intro: lang.t_args(
            "delen-ask-intro",
            &[(
                "n",
                baken_store::sharing::matching::MAX_MATCHES_PER_DAY.to_string(),
            )],
        ),
    }
    .render()?)
}

/// `/delen/matches`: hit/no-hit runs asked and to answer.
pub(crate) async fn matches(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
) -> Result<Response, AppError> {
    Ok(Html(matches_page(&state, &actor, &ctx, Vec::new(), Vec::new()).await?).into_response())
}

/// The fields and the list file of a multipart form.
async fn list_form(
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(std::collections::BTreeMap<String, String>, Vec<u8>), AppError> {
    multipart_with_file(multipart, "bestand", MAX_LIST_UPLOAD).await
}

async fn matches_refused(
    state: &AppState,
    actor: &Actor,
    ctx: &RequestContext,
    errors: Vec<(String, String)>,
    rejected: Vec<(usize, String)>,
) -> Result<Response, AppError> {
    let html = matches_page(state, actor, ctx, errors, rejected).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
}

/// An uploaded list: its kind, its identifiers, and the lines left out (number, reason).
type UploadedList = (IdentifierKind, Vec<String>, Vec<(usize, String)>);

/// Reads an uploaded list; lines that do not normalise are reported and left out.
fn uploaded_list(
    lang: crate::i18n::Lang,
    kind: &str,
    file: &[u8],
) -> Result<UploadedList, (String, String)> {
    let kind = IdentifierKind::from_code(kind)
        .ok_or_else(|| ("soort".to_owned(), "bsn, kvk of bag".to_owned()))?;
    let list = read_list(kind, file).map_err(|e| ("bestand".to_owned(), e.to_string()))?;
    let rejected = list
        .rejected
        .iter()
        .map(|r| (r.line, lang.t(&format!("delen-id-{}", r.code))))
        .collect();
    Ok((kind, list.identifiers, rejected))
}

/// `POST /delen/matches`: asks another organisation (this installation blinds the list).
pub(crate) async fn ask_match(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, AppError> {
    let (fields, file) = list_form(multipart).await?;
    let get = |k: &str| fields.get(k).map_or("", String::as_str);
    let (kind, ids, rejected) = match uploaded_list(ctx.lang, get("soort"), &file) {
        Ok(l) => l,
        Err(e) => return matches_refused(&state, &actor, &ctx, vec![e], Vec::new()).await,
    };
    let result = state
        .store
        .ask_match(
            &actor,
            get("partner"),
            get("convenant").parse().unwrap_or(0),
            kind,
            None,
            Some(WebAsk { identifiers: &ids }),
        )
        .await;
    match result {
        Ok(_) if rejected.is_empty() => Ok(see_other("/delen/matches")),
        Ok(_) => {
            let html = matches_page(&state, &actor, &ctx, Vec::new(), rejected).await?;
            Ok(Html(html).into_response())
        }
        Err(StoreError::NotFound) => {
            let e = ("convenant".to_owned(), ctx.lang.t("delen-choose-covenant"));
            matches_refused(&state, &actor, &ctx, vec![e], rejected).await
        }
        Err(e) => matches_refused(&state, &actor, &ctx, errors_of(e)?, rejected).await,
    }
}

/// `POST /delen/matches/{id}/antwoord`: answers with the organisation's own list.
pub(crate) async fn answer_match(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path(id): Path<i64>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, AppError> {
    let (fields, file) = list_form(multipart).await?;
    let run = state.store.match_run(&actor, id).await?;
    let _ = fields;
    let (_, ids, rejected) = match uploaded_list(ctx.lang, &run.kind, &file) {
        Ok(l) => l,
        Err(e) => return matches_refused(&state, &actor, &ctx, vec![e], Vec::new()).await,
    };
    match state.store.answer_match(&actor, id, ids).await {
        Ok(()) if rejected.is_empty() => Ok(see_other("/delen/matches")),
        Ok(()) => {
            let html = matches_page(&state, &actor, &ctx, Vec::new(), rejected).await?;
            Ok(Html(html).into_response())
        }
        Err(e) => matches_refused(&state, &actor, &ctx, errors_of(e)?, rejected).await,
    }
}

/// `POST /delen/matches/{id}/weigeren`.
pub(crate) async fn decline_match(
    State(state): State<AppState>,
    SignedIn(actor, _): SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    state.store.decline_match(&actor, id).await?;
    Ok(see_other("/delen/matches"))
}

#[derive(Template)]
#[template(path = "delen_exchange.html")]
struct ExchangePage {
    shell: Shell,
    public_text: String,
    fingerprint: String,
    org_code: String,
    partners: Vec<ExchangePartner>,
    packages: Vec<(PackageRecord, String)>,
    received: Option<CasePayload>,
    errors: Vec<(String, String)>,
    can_manage: bool,
    can_work: bool,
}

async fn exchange_page(
    state: &AppState,
    actor: &Actor,
    ctx: &RequestContext,
    errors: Vec<(String, String)>,
    received: Option<CasePayload>,
) -> Result<String, AppError> {
    let keys = state.store.exchange_public_keys(actor).await?;
    Ok(ExchangePage {
        shell: Shell::build(state, ctx, "delen-exchange-title").await,
        public_text: keys.to_text(),
        fingerprint: keys.fingerprint(),
        org_code: actor.org_code().as_str().to_owned(),
        partners: state.store.exchange_partners(actor).await?,
        packages: state
            .store
            .exchange_packages(actor)
            .await?
            .into_iter()
            .map(|p| {
                let when = format_ms(p.created_at);
                (p, when)
            })
            .collect(),
        received,
        errors,
        can_manage: actor.can(Permission::ManageCovenants),
        can_work: actor.can(Permission::WorkSharedCases),
    }
    .render()?)
}

/// `/delen/uitwisseling`: the organisation's keys, its partner installations and packages.
pub(crate) async fn exchange(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
) -> Result<Response, AppError> {
    Ok(Html(exchange_page(&state, &actor, &ctx, Vec::new(), None).await?).into_response())
}

/// `/delen/uitwisseling/{id}`: a received package's content (audited).
pub(crate) async fn received_package(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let payload = state.store.received_package(&actor, id).await?;
    Ok(Html(exchange_page(&state, &actor, &ctx, Vec::new(), Some(payload)).await?).into_response())
}

/// `POST /delen/uitwisseling/partners`: trusts a partner installation.
pub(crate) async fn add_partner(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    form: FormFields,
) -> Result<Response, AppError> {
    match state
        .store
        .add_exchange_partner(
            &actor,
            form.get("naam"),
            form.get("organisatie"),
            form.get("url"),
            form.get("sleutels"),
        )
        .await
    {
        Ok(_) => Ok(see_other("/delen/uitwisseling")),
        Err(e) => {
            let html = exchange_page(&state, &actor, &ctx, errors_of(e)?, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
    }
}

/// `POST /delen/uitwisseling/ontvangen`: accepts a package file; a refusal says why.
pub(crate) async fn receive(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, AppError> {
    let (_, file) = list_form(multipart).await?;
    match state
        .store
        .receive_package(Receiver::Actor(&actor), &file)
        .await
    {
        Ok((id, _)) => Ok(see_other(&format!("/delen/uitwisseling/{id}"))),
        Err(ReceiveError::Refused(reason)) => {
            let errors = vec![(
                "pakket".to_owned(),
                ctx.lang.t(&format!("delen-package-{}", reason.code())),
            )];
            let html = exchange_page(&state, &actor, &ctx, errors, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
        Err(ReceiveError::Store(e)) => Err(e.into()),
    }
}

/// Pushes a package to a partner installation's exchange endpoint; the partner's refusal
/// (its problem detail) or the network failure comes back as the reason.
fn push_package(url: &str, body: &[u8]) -> Result<(), String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(30)))
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent
        .post(url)
        .header("content-type", "application/json")
        .send(body)
        .map_err(|e| e.to_string())?;
    if response.status().is_success() {
        return Ok(());
    }
    let status = response.status();
    let text = response
        .body_mut()
        .with_config()
        .limit(64 * 1024)
        .read_to_string()
        .unwrap_or_default();
    let detail = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| {
            v["invalidParams"][0]["reason"]
                .as_str()
                .or(v["detail"].as_str())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| status.to_string());
    Err(detail)
}
