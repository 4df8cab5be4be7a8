//! Indicator matrices (`/matrices`): per phenomenon the indicators and their sources, the
//! sources catalogue, the organisation's inventory, and from it coverage, a heat map, the gaps
//! and an action list.

use std::collections::{BTreeSet, HashMap};

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use baken_domain::matrix::{
    Category, InventoryAccess, InventoryEntry, Matrices, Phenomenon, coverage, gaps, heat_map,
};
use serde::Deserialize;

use crate::AppState;
use crate::context::{RequestContext, SignedIn};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::see_other;
use crate::pages::shell::Shell;

fn category_label(c: Category, lang: Lang) -> String {
    lang.t(&format!("matrix-category-{}", c.code()))
}

fn by_source(entries: Vec<InventoryEntry>) -> HashMap<String, InventoryEntry> {
    entries.into_iter().map(|e| (e.source.clone(), e)).collect()
}

/// A phenomenon's line on the overview.
pub struct CoverageRow {
    pub id: String,
    pub name: String,
    pub indicators: usize,
    pub covered: usize,
    pub share: u32,
    pub weighty: usize,
    pub weighty_covered: usize,
    pub weighty_share: u32,
}

pub struct HeatCell {
    pub count: usize,
    pub have: bool,
    pub level: u8,
}

pub struct GapRow {
    pub phenomenon: String,
    pub phenomenon_name: String,
    pub indicator: String,
    pub weighty: bool,
    pub sources: String,
}

#[derive(Template)]
#[template(path = "matrices.html")]
struct IndexPage {
    shell: Shell,
    rows: Vec<CoverageRow>,
    sources: Vec<(String, String, bool)>,
    heat: Vec<(String, String, Vec<HeatCell>)>,
    gaps: Vec<GapRow>,
    gap_total: usize,
}

/// `/matrices`: coverage per phenomenon, the heat map and the weightiest gaps.
pub(crate) async fn index(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let m = &org_matrices(&state, &actor).await?;
    let inventory = by_source(state.store.inventory(&actor).await?);
    let rows = m
        .phenomena
        .iter()
        .map(|p| {
            let c = coverage(p, &inventory);
            CoverageRow {
                id: p.id.clone(),
                name: p.naam.get(lang.code()).to_owned(),
                indicators: c.indicators,
                covered: c.covered,
                share: c.share().round() as u32,
                weighty: c.weighty,
                weighty_covered: c.weighty_covered,
                weighty_share: c.weighty_share().round() as u32,
            }
        })
        .collect();
    let have = |s: &str| inventory.get(s).is_some_and(InventoryEntry::accessible);
    let heat_counts = heat_map(m);
    let heat = m
        .phenomena
        .iter()
        .zip(heat_counts)
        .map(|(p, counts)| {
            (
                p.id.clone(),
                p.naam.get(lang.code()).to_owned(),
                counts
                    .into_iter()
                    .zip(&m.sources)
                    .map(|(count, s)| HeatCell {
                        count,
                        have: have(&s.id),
                        level: match count {
                            0 => 0,
                            1 => 1,
                            2..=3 => 2,
                            _ => 3,
                        },
                    })
                    .collect(),
            )
        })
        .collect();
    let all_gaps = gaps(m, &inventory);
    let gap_total = all_gaps.len();
    let gap_rows = all_gaps
        .into_iter()
        .take(15)
        .filter_map(|g| {
            let p = m.phenomenon(&g.phenomenon)?;
            let i = p.indicatoren.iter().find(|i| i.id == g.indicator)?;
            Some(GapRow {
                phenomenon: p.id.clone(),
                phenomenon_name: p.naam.get(lang.code()).to_owned(),
                indicator: i.naam.get(lang.code()).to_owned(),
                weighty: g.weighty,
                sources: g
                    .sources
                    .iter()
                    .filter_map(|s| m.source(s))
                    .map(|s| s.naam.get(lang.code()).to_owned())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
        })
        .collect();
    let page = IndexPage {
        shell: Shell::build(&state, &ctx, "matrix-title").await,
        rows,
        sources: m
            .sources
            .iter()
            .map(|s| {
                (
                    s.id.clone(),
                    s.naam.get(lang.code()).to_owned(),
                    have(&s.id),
                )
            })
            .collect(),
        heat,
        gaps: gap_rows,
        gap_total,
    };
    Ok(Html(page.render()?).into_response())
}

/// One indicator row of a phenomenon's matrix.
pub struct MatrixRow {
    pub id: String,
    pub name: String,
    pub explanation: String,
    pub category: String,
    pub scores: [u8; 6],
    pub weighty: bool,
    pub combines: String,
    /// The dashboard page that measures it, when there is one.
    pub dashboard: String,
    /// Per column source: 2 = used and accessible, 1 = used but not accessible, 0 = not used.
    pub cells: Vec<u8>,
    pub covered: bool,
}

#[derive(Template)]
#[template(path = "matrix.html")]
struct PhenomenonPage {
    shell: Shell,
    id: String,
    description: String,
    columns: Vec<(String, String)>,
    rows: Vec<MatrixRow>,
    categories: Vec<(&'static str, String, bool)>,
    weighty_only: bool,
    covered: usize,
    total: usize,
    criteria: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct MatrixQuery {
    pub categorie: Option<String>,
    pub zwaarwegend: Option<String>,
}

pub(crate) fn phenomenon_or_404<'a>(m: &'a Matrices, id: &str) -> Result<&'a Phenomenon, AppError> {
    m.phenomenon(id).ok_or_else(|| AppError::Absent {
        detail: format!(
            "unknown phenomenon {id:?}; phenomena: {}",
            m.phenomena
                .iter()
                .map(|p| p.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    })
}

/// `/matrices/{id}`: the matrix of one phenomenon, indicators × sources.
pub(crate) async fn phenomenon(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path(id): Path<String>,
    Query(q): Query<MatrixQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let m = &org_matrices(&state, &actor).await?;
    let p = phenomenon_or_404(m, &id)?;
    let inventory = by_source(state.store.inventory(&actor).await?);
    let have = |s: &str| inventory.get(s).is_some_and(InventoryEntry::accessible);
    let category = match q.categorie.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => Some(Category::from_code(c).ok_or_else(|| AppError::BadRequest {
            detail: format!("unknown category {c:?}"),
            params: vec![crate::error::InvalidParam {
                name: "categorie".into(),
                reason: Category::ALL.map(Category::code).join(" | "),
            }],
        })?),
        None => None,
    };
    let weighty_only = q.zwaarwegend.as_deref() == Some("ja");
    // Columns: the sources this phenomenon uses, in catalogue order.
    let used: BTreeSet<&str> = p
        .indicatoren
        .iter()
        .flat_map(|i| i.bronnen.iter().map(String::as_str))
        .collect();
    let columns: Vec<(String, String)> = m
        .sources
        .iter()
        .filter(|s| used.contains(s.id.as_str()))
        .map(|s| (s.id.clone(), s.naam.get(lang.code()).to_owned()))
        .collect();
    let name_of = |id: &str| {
        p.indicatoren
            .iter()
            .find(|i| i.id == id)
            .map(|i| i.naam.get(lang.code()).to_owned())
            .unwrap_or_else(|| id.to_owned())
    };
    let rows: Vec<MatrixRow> = p
        .indicatoren
        .iter()
        .filter(|i| category.is_none_or(|c| i.categorie == c))
        .filter(|i| !weighty_only || i.zwaarwegend)
        .map(|i| MatrixRow {
            id: i.id.clone(),
            name: i.naam.get(lang.code()).to_owned(),
            explanation: i.toelichting.get(lang.code()).to_owned(),
            category: category_label(i.categorie, lang),
            scores: i.criteria.scores(),
            weighty: i.zwaarwegend,
            combines: i
                .combineren_met
                .iter()
                .map(|c| name_of(c))
                .collect::<Vec<_>>()
                .join(", "),
            dashboard: i.dashboard.clone(),
            cells: columns
                .iter()
                .map(|(s, _)| match (i.bronnen.contains(s), have(s)) {
                    (true, true) => 2,
                    (true, false) => 1,
                    _ => 0,
                })
                .collect(),
            covered: i.bronnen.iter().any(|s| have(s)),
        })
        .collect();
    // Dashboard links go to the organisation's own municipality (or the Netherlands).
    let area = state
        .store
        .organisation_by_code(actor.org_code().as_str())
        .await?
        .and_then(|o| o.municipality_code)
        .unwrap_or_else(|| "NL01".to_owned());
    let rows: Vec<MatrixRow> = rows
        .into_iter()
        .map(|mut r| {
            r.dashboard = match state.dashboards.catalogue.get(&r.dashboard) {
                Some(i) => format!("/zicht/{area}/{}#{}", i.theme.code(), i.id),
                None => String::new(),
            };
            r
        })
        .collect();
    let c = coverage(p, &inventory);
    let mut shell = Shell::build(&state, &ctx, "matrix-title").await;
    shell.title = p.naam.get(lang.code()).to_owned();
    let page = PhenomenonPage {
        shell,
        id: p.id.clone(),
        description: p.omschrijving.get(lang.code()).to_owned(),
        columns,
        rows,
        categories: Category::ALL
            .into_iter()
            .map(|cat| (cat.code(), category_label(cat, lang), Some(cat) == category))
            .collect(),
        weighty_only,
        covered: c.covered,
        total: c.indicators,
        criteria: baken_domain::matrix::Criteria::NAMES
            .iter()
            .map(|n| lang.t(&format!("matrix-criterion-{n}")))
            .collect(),
    };
    Ok(Html(page.render()?).into_response())
}

pub struct SourceRow {
    pub id: String,
    pub name: String,
    pub description: String,
    pub holder: String,
    pub level: String,
    pub frequency: String,
    pub personal: bool,
    pub special: bool,
    pub basis: String,
    pub purposes: String,
    pub access: &'static str,
    pub used_by: usize,
    /// The organisation's connected sources (extracts) of this source, for source research.
    pub connected: String,
}

#[derive(Template)]
#[template(path = "matrix_sources.html")]
struct SourcesPage {
    shell: Shell,
    rows: Vec<SourceRow>,
    can_connect: bool,
}

/// `/matrices/bronnen`: the sources catalogue.
pub(crate) async fn sources(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let m = &state.matrices;
    // Which of these the organisation connected for source research (step 3 of the step plan).
    let connected = if actor.can(baken_domain::auth::Permission::ViewSignals)
        || actor.can(baken_domain::auth::Permission::ConnectSources)
    {
        state.store.connected_sources(&actor).await?
    } else {
        Vec::new()
    };
    let rows = m
        .sources
        .iter()
        .map(|s| SourceRow {
            id: s.id.clone(),
            name: s.naam.get(lang.code()).to_owned(),
            description: s.omschrijving.get(lang.code()).to_owned(),
            holder: s.houder.clone(),
            level: s.gebiedsniveau.clone(),
            frequency: s.actualisatie.clone(),
            personal: s.persoonsgegevens,
            special: s.bijzondere_persoonsgegevens,
            basis: s.grondslag.get(lang.code()).to_owned(),
            purposes: s.doelen.join(", "),
            access: match s.toegang {
                baken_domain::matrix::Access::Direct => "direct",
                baken_domain::matrix::Access::OpVerzoek => "op-verzoek",
                baken_domain::matrix::Access::ViaPartner => "via-partner",
            },
            used_by: m
                .phenomena
                .iter()
                .flat_map(|p| &p.indicatoren)
                .filter(|i| i.bronnen.contains(&s.id))
                .count(),
            connected: connected
                .iter()
                .filter(|c| c.matrix_source == s.id)
                .map(|c| c.name.clone())
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    let page = SourcesPage {
        shell: Shell::build(&state, &ctx, "matrix-sources-title").await,
        rows,
        can_connect: actor.can(baken_domain::auth::Permission::ConnectSources),
    };
    Ok(Html(page.render()?).into_response())
}

/// One source in the inventory form.
pub struct InventoryRow {
    pub id: String,
    pub name: String,
    pub have: bool,
    pub access: &'static str,
    pub department: String,
    pub contact: String,
    pub quality: String,
    pub last_checked: String,
    pub connected: String,
    pub error: Option<String>,
    /// The field the error is about (`kwaliteit`, `toegang`, …).
    pub error_field: &'static str,
}

#[derive(Template)]
#[template(path = "matrix_inventory.html")]
struct InventoryPage {
    shell: Shell,
    rows: Vec<InventoryRow>,
    datasets: Vec<String>,
    can_edit: bool,
    errors: usize,
}

async fn inventory_page(
    state: &AppState,
    actor: &baken_store::Actor,
    ctx: &RequestContext,
    overrides: Option<(
        HashMap<String, InventoryEntry>,
        HashMap<String, baken_domain::matrix::EntryProblem>,
    )>,
    notice: Option<&str>,
) -> Result<String, AppError> {
    let lang = ctx.lang;
    let stored = by_source(state.store.inventory(actor).await?);
    let (entries, errors) = overrides.unwrap_or_else(|| (stored, HashMap::new()));
    let rows = state
        .matrices
        .sources
        .iter()
        .map(|s| {
            let e = entries.get(&s.id);
            InventoryRow {
                id: s.id.clone(),
                name: s.naam.get(lang.code()).to_owned(),
                have: e.is_some_and(|e| e.have),
                access: e.map_or("geen", |e| e.access.code()),
                department: e.map(|e| e.department.clone()).unwrap_or_default(),
                contact: e.map(|e| e.contact.clone()).unwrap_or_default(),
                quality: e
                    .and_then(|e| e.quality)
                    .map(|q| q.to_string())
                    .unwrap_or_default(),
                last_checked: e.and_then(|e| e.last_checked.clone()).unwrap_or_default(),
                connected: e.and_then(|e| e.connected.clone()).unwrap_or_default(),
                error: errors
                    .get(&s.id)
                    .map(|p| lang.t(&format!("matrix-problem-{}", p.code()))),
                error_field: errors.get(&s.id).map_or("", |p| p.field()),
            }
        })
        .collect();
    let datasets: BTreeSet<String> = state
        .store
        .own_series(actor)
        .await?
        .into_iter()
        .map(|s| s.dataset)
        .collect();
    let page = InventoryPage {
        shell: Shell::build(state, ctx, "matrix-inventory-title")
            .await
            .with_notice(notice),
        rows,
        datasets: datasets.into_iter().collect(),
        can_edit: actor.can(baken_domain::auth::Permission::EditInventory),
        errors: errors.len(),
    };
    Ok(page.render()?)
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct NoticeQuery {
    pub melding: Option<String>,
}

/// `/matrices/inventaris`: the organisation's inventory as one form.
pub(crate) async fn inventory(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let html = inventory_page(&state, &actor, &ctx, None, q.melding.as_deref()).await?;
    Ok(Html(html).into_response())
}

/// Reads the inventory form: fields named `{field}-{source}`. Every row's problem is
/// collected (with the field it is about); a row keeps what could be read, so the form shows
/// it again as entered. Nothing is stored while any problem remains.
pub(crate) fn read_inventory_form(
    fields: &[(String, String)],
    matrices: &Matrices,
) -> (
    HashMap<String, InventoryEntry>,
    HashMap<String, baken_domain::matrix::EntryProblem>,
) {
    use baken_domain::matrix::EntryProblem;
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let mut entries = HashMap::new();
    let mut errors = HashMap::new();
    for s in &matrices.sources {
        let id = &s.id;
        let access_code = get(&format!("toegang-{id}"));
        let access = if access_code.is_empty() {
            Some(InventoryAccess::Geen)
        } else {
            InventoryAccess::from_code(&access_code)
        };
        let quality_text = get(&format!("kwaliteit-{id}"));
        let quality = if quality_text.is_empty() {
            Ok(None)
        } else {
            quality_text.parse::<u8>().map(Some)
        };
        let checked = get(&format!("gecontroleerd-{id}"));
        let connected = get(&format!("gekoppeld-{id}"));
        let entry = InventoryEntry {
            source: id.clone(),
            have: !get(&format!("heeft-{id}")).is_empty(),
            access: access.unwrap_or(InventoryAccess::Geen),
            department: get(&format!("afdeling-{id}")),
            contact: get(&format!("contact-{id}")),
            quality: quality.clone().ok().flatten(),
            last_checked: (!checked.is_empty()).then_some(checked),
            connected: (!connected.is_empty()).then_some(connected),
        };
        let problem = if access.is_none() {
            Some(EntryProblem::Access)
        } else if quality.is_err() {
            Some(EntryProblem::Quality)
        } else {
            entry.problem()
        };
        if let Some(p) = problem {
            errors.insert(id.clone(), p);
        }
        entries.insert(id.clone(), entry);
    }
    (entries, errors)
}

/// `POST /matrices/inventaris`: saves the whole form, or nothing and every problem by source.
pub(crate) async fn save_inventory(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (entries, mut errors) = read_inventory_form(&fields, &state.matrices);
    if errors.is_empty() {
        // Sources never touched (not held, no details) are not stored.
        let list: Vec<InventoryEntry> = entries
            .values()
            .filter(|e| {
                e.have
                    || !e.department.is_empty()
                    || !e.contact.is_empty()
                    || e.quality.is_some()
                    || e.last_checked.is_some()
            })
            .cloned()
            .collect();
        let stored = by_source(state.store.inventory(&actor).await?);
        // Sources stored before but now emptied are stored as "not held".
        let cleared: Vec<InventoryEntry> = stored
            .keys()
            .filter(|s| !list.iter().any(|e| &e.source == *s))
            .filter_map(|s| entries.get(s).cloned())
            .collect();
        let all: Vec<InventoryEntry> = list.into_iter().chain(cleared).collect();
        match state.store.set_inventory(&actor, &all).await {
            Ok(_) => return Ok(see_other("/matrices/inventaris?melding=inventory-saved")),
            Err(baken_store::StoreError::Invalid { reason, .. }) => {
                // A connected dataset that is not the organisation's own.
                let source = reason.split(':').next().unwrap_or_default().to_owned();
                errors.insert(source, baken_domain::matrix::EntryProblem::Access);
            }
            Err(e) => return Err(e.into()),
        }
    }
    let html = inventory_page(&state, &actor, &ctx, Some((entries, errors)), None).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
}

#[derive(Template)]
#[template(path = "matrix_actions.html")]
struct ActionsPage {
    shell: Shell,
    actions: Vec<baken_store::matrix::MatrixAction>,
    statuses: [&'static str; 3],
    sources: Vec<(String, String)>,
    can_edit: bool,
    error: Option<String>,
}

async fn actions_page(
    state: &AppState,
    actor: &baken_store::Actor,
    ctx: &RequestContext,
    error: Option<String>,
    notice: Option<&str>,
) -> Result<String, AppError> {
    let page = ActionsPage {
        shell: Shell::build(state, ctx, "matrix-actions-title")
            .await
            .with_notice(notice),
        actions: state.store.matrix_actions(actor).await?,
        statuses: baken_store::matrix::ACTION_STATUSES,
        sources: state
            .matrices
            .sources
            .iter()
            .map(|s| (s.id.clone(), s.naam.get(ctx.lang.code()).to_owned()))
            .collect(),
        can_edit: actor.can(baken_domain::auth::Permission::EditInventory),
        error,
    };
    Ok(page.render()?)
}

/// `/matrices/acties`: the action list.
pub(crate) async fn actions(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    Ok(Html(actions_page(&state, &actor, &ctx, None, q.melding.as_deref()).await?).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ActionForm {
    #[serde(default)]
    pub wat: String,
    #[serde(default)]
    pub wie: String,
    #[serde(default)]
    pub wanneer: String,
    #[serde(default)]
    pub bron: String,
}

/// `POST /matrices/acties`.
pub(crate) async fn add_action(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    axum::Form(form): axum::Form<ActionForm>,
) -> Result<Response, AppError> {
    let source = Some(form.bron.trim()).filter(|s| !s.is_empty());
    if let Some(s) = source
        && state.matrices.source(s).is_none()
    {
        let html = actions_page(
            &state,
            &actor,
            &ctx,
            Some(format!("unknown source {s:?}")),
            None,
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response());
    }
    let due = Some(form.wanneer.trim()).filter(|d| !d.is_empty());
    match state
        .store
        .add_matrix_action(&actor, &form.wat, &form.wie, due, source)
        .await
    {
        Ok(_) => Ok(see_other("/matrices/acties?melding=action-added")),
        Err(baken_store::StoreError::Invalid { reason, .. }) => {
            let html = actions_page(&state, &actor, &ctx, Some(reason), None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct StatusForm {
    #[serde(default)]
    pub status: String,
}

/// `POST /matrices/acties/{id}/status`.
pub(crate) async fn action_status(
    State(state): State<AppState>,
    SignedIn(actor, _ctx): SignedIn,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<StatusForm>,
) -> Result<Response, AppError> {
    state
        .store
        .set_matrix_action_status(&actor, id, form.status.trim())
        .await?;
    Ok(see_other("/matrices/acties?melding=action-updated"))
}

/// The matrices as the actor's organisation keeps them: the catalogue, with every phenomenon
/// it has its own version of replaced by that version, and its own sources added.
pub(crate) async fn org_matrices(
    state: &AppState,
    actor: &baken_store::Actor,
) -> Result<Matrices, AppError> {
    let mut m = (*state.matrices).clone();
    for v in state.store.current_matrices(actor).await? {
        if let Some(p) = m.phenomena.iter_mut().find(|p| p.id == v.phenomenon) {
            *p = v.document.phenomenon;
        }
        for s in v.document.own_sources {
            if m.source(&s.id).is_none() {
                m.sources.push(s);
            }
        }
    }
    Ok(m)
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct FileQuery {
    pub formaat: Option<String>,
}

/// `/matrices/{id}/bestand?formaat=json|csv|xlsx`: the organisation's matrix of a phenomenon
/// as a file that imports back unchanged.
pub(crate) async fn export(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path(id): Path<String>,
    Query(q): Query<FileQuery>,
) -> Result<Response, AppError> {
    use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
    let m = org_matrices(&state, &actor).await?;
    let p = phenomenon_or_404(&m, &id)?;
    let own_sources: Vec<baken_domain::matrix::Source> = m
        .sources
        .iter()
        .filter(|s| state.matrices.source(&s.id).is_none())
        .filter(|s| p.indicatoren.iter().any(|i| i.bronnen.contains(&s.id)))
        .cloned()
        .collect();
    let format = q.formaat.as_deref().unwrap_or("json");
    let header: Vec<String> = baken_import::matrix::COLUMNS
        .iter()
        .map(|c| (*c).to_owned())
        .collect();
    let rows = baken_import::matrix::indicator_rows(p);
    let stamp = vec![
        format!(
            "{}: {}",
            ctx.lang.t("matrix-phenomenon"),
            p.naam.get(ctx.lang.code())
        ),
        format!(
            "{}: {}",
            ctx.lang.t("export-made"),
            time::OffsetDateTime::now_utc().date()
        ),
    ];
    let (body, content_type) = match format {
        "json" => (
            serde_json::to_vec_pretty(&baken_domain::matrix::MatrixDocument {
                phenomenon: p.clone(),
                own_sources,
            })
            .map_err(|e| AppError::Internal(e.to_string()))?,
            "application/json",
        ),
        "csv" => (
            baken_render::table::csv(&stamp, &header, &rows),
            "text/csv; charset=utf-8",
        ),
        "xlsx" => (
            baken_render::table::xlsx(&stamp, &header, &rows)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        other => {
            return Err(AppError::BadRequest {
                detail: format!("unknown format {other:?}; json, csv or xlsx"),
                params: vec![crate::error::InvalidParam {
                    name: "formaat".into(),
                    reason: "json | csv | xlsx".into(),
                }],
            });
        }
    };
    Ok((
        [
            (CONTENT_TYPE, content_type.to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"baken-matrix-{}.{format}\"", p.id),
            ),
        ],
        body,
    )
        .into_response())
}

/// One version in the list.
pub struct VersionRow {
    pub id: i64,
    pub version: i64,
    pub note: String,
    pub published: bool,
    pub by: String,
    pub when: String,
    pub indicators: usize,
}

#[derive(Template)]
#[template(path = "matrix_versions.html")]
struct VersionsPage {
    shell: Shell,
    id: String,
    versions: Vec<VersionRow>,
    templates: Vec<baken_store::matrix::MatrixTemplate>,
    diff: Option<(i64, i64, baken_domain::matrix::MatrixDiff)>,
    problems: Vec<baken_domain::matrix::RowProblem>,
    can_edit: bool,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct DiffQuery {
    pub van: Option<i64>,
    pub tot: Option<i64>,
    pub melding: Option<String>,
}

async fn versions_page(
    state: &AppState,
    actor: &baken_store::Actor,
    ctx: &RequestContext,
    id: &str,
    q: &DiffQuery,
    problems: Vec<baken_domain::matrix::RowProblem>,
) -> Result<String, AppError> {
    let p = phenomenon_or_404(&state.matrices, id)?;
    let versions = state.store.matrix_versions(actor, &p.id).await?;
    // The catalogue is version 0: what every organisation starts from.
    let document_of = |v: i64| -> Option<baken_domain::matrix::Phenomenon> {
        if v == 0 {
            Some(p.clone())
        } else {
            versions
                .iter()
                .find(|x| x.version == v)
                .map(|x| x.document.phenomenon.clone())
        }
    };
    let diff = match (q.van, q.tot) {
        (Some(a), Some(b)) => match (document_of(a), document_of(b)) {
            (Some(old), Some(new)) => Some((a, b, baken_domain::matrix::diff(&old, &new))),
            _ => {
                return Err(AppError::Absent {
                    detail: format!("no version {a} or {b} of {id}"),
                });
            }
        },
        _ => None,
    };
    let page = VersionsPage {
        shell: {
            let mut shell = Shell::build(state, ctx, "matrix-versions-title")
                .await
                .with_notice(q.melding.as_deref());
            shell.title = format!(
                "{} – {}",
                ctx.lang.t("matrix-versions-title"),
                p.naam.get(ctx.lang.code())
            );
            shell
        },
        id: p.id.clone(),
        versions: versions
            .iter()
            .map(|v| VersionRow {
                id: v.id,
                version: v.version,
                note: v.note.clone(),
                published: v.published,
                by: v.created_by.clone(),
                when: crate::pages::format_ms(v.created_at),
                indicators: v.document.phenomenon.indicatoren.len(),
            })
            .collect(),
        templates: state.store.matrix_templates(actor, &p.id).await?,
        diff,
        problems,
        can_edit: actor.can(baken_domain::auth::Permission::EditInventory),
    };
    Ok(page.render()?)
}

/// `/matrices/{id}/versies`: the organisation's versions, a diff between two, templates.
pub(crate) async fn versions(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path(id): Path<String>,
    Query(q): Query<DiffQuery>,
) -> Result<Response, AppError> {
    Ok(Html(versions_page(&state, &actor, &ctx, &id, &q, Vec::new()).await?).into_response())
}

/// `POST /matrices/{id}/importeren`: a matrix file becomes a new version, or nothing and every
/// problem by row.
pub(crate) async fn import(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path(id): Path<String>,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, AppError> {
    let mut multipart = crate::pages::multipart_or_400(multipart)?;
    let max = baken_import::matrix::MAX_MATRIX_BYTES;
    let mut upload: Option<(String, Vec<u8>)> = None;
    let mut note = String::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| crate::pages::multipart_field_error(e, max))?
    {
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or("matrix").to_owned();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| crate::pages::multipart_field_error(e, max))?;
                upload = Some((name, bytes.to_vec()));
            }
            Some("notitie") => {
                note = field.text().await.unwrap_or_default();
            }
            _ => {}
        }
    }
    let m = org_matrices(&state, &actor).await?;
    let p = phenomenon_or_404(&m, &id)?;
    let fail = |reason: String| {
        vec![baken_domain::matrix::RowProblem {
            row: None,
            indicator: String::new(),
            reason,
        }]
    };
    let result = match upload.filter(|(_, b)| !b.is_empty()) {
        None => Err(fail(ctx.lang.t("import-file-required"))),
        Some((name, bytes)) => match baken_import::matrix::MatrixFormat::from_name(&name) {
            None => Err(fail(format!("{name}: .json, .csv or .xlsx"))),
            Some(format) => {
                let base = baken_domain::matrix::MatrixDocument {
                    phenomenon: p.clone(),
                    own_sources: m
                        .sources
                        .iter()
                        .filter(|s| state.matrices.source(&s.id).is_none())
                        .cloned()
                        .collect(),
                };
                baken_import::matrix::read_matrix(&bytes, format, &base, &state.matrices.sources)
            }
        },
    };
    match result {
        Ok(document) => {
            state
                .store
                .save_matrix_version(&actor, &document, note.trim())
                .await?;
            Ok(see_other(&format!(
                "/matrices/{id}/versies?melding=matrix-imported"
            )))
        }
        Err(problems) => {
            let html =
                versions_page(&state, &actor, &ctx, &id, &DiffQuery::default(), problems).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct PublishForm {
    #[serde(default)]
    pub gepubliceerd: String,
    #[serde(default)]
    pub fenomeen: String,
}

/// `POST /matrices/versies/{id}/publiceren`.
pub(crate) async fn publish(
    State(state): State<AppState>,
    SignedIn(actor, _ctx): SignedIn,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<PublishForm>,
) -> Result<Response, AppError> {
    state
        .store
        .publish_matrix_version(&actor, id, form.gepubliceerd == "1")
        .await?;
    let back = phenomenon_or_404(&state.matrices, &form.fenomeen)
        .map(|p| format!("/matrices/{}/versies?melding=matrix-published", p.id))
        .unwrap_or_else(|_| "/matrices".to_owned());
    Ok(see_other(&back))
}

/// `POST /matrices/sjablonen/{id}/overnemen`.
pub(crate) async fn adopt(
    State(state): State<AppState>,
    SignedIn(actor, _ctx): SignedIn,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<PublishForm>,
) -> Result<Response, AppError> {
    state.store.adopt_matrix_template(&actor, id).await?;
    let back = phenomenon_or_404(&state.matrices, &form.fenomeen)
        .map(|p| format!("/matrices/{}/versies?melding=matrix-adopted", p.id))
        .unwrap_or_else(|_| "/matrices".to_owned());
    Ok(see_other(&back))
}
