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
    let m = &state.matrices;
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
    let m = &state.matrices;
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
}

#[derive(Template)]
#[template(path = "matrix_sources.html")]
struct SourcesPage {
    shell: Shell,
    rows: Vec<SourceRow>,
}

/// `/matrices/bronnen`: the sources catalogue.
pub(crate) async fn sources(
    State(state): State<AppState>,
    SignedIn(_actor, ctx): SignedIn,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let m = &state.matrices;
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
        })
        .collect();
    let page = SourcesPage {
        shell: Shell::build(&state, &ctx, "matrix-sources-title").await,
        rows,
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
    overrides: Option<(HashMap<String, InventoryEntry>, HashMap<String, String>)>,
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
                error: errors.get(&s.id).cloned(),
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

/// Reads the inventory form: fields named `{field}-{source}`. Every row's problems are
/// collected; nothing is stored while any remains.
pub(crate) fn read_inventory_form(
    fields: &[(String, String)],
    matrices: &Matrices,
) -> (HashMap<String, InventoryEntry>, HashMap<String, String>) {
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
        let have = !get(&format!("heeft-{id}")).is_empty();
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
        let (Some(access), Ok(quality)) = (access, quality) else {
            errors.insert(id.clone(), "toegang of kwaliteit onbekend".to_owned());
            continue;
        };
        let entry = InventoryEntry {
            source: id.clone(),
            have,
            access,
            department: get(&format!("afdeling-{id}")),
            contact: get(&format!("contact-{id}")),
            quality,
            last_checked: (!checked.is_empty()).then_some(checked),
            connected: (!connected.is_empty()).then_some(connected),
        };
        if let Some(problem) = entry.problem() {
            errors.insert(id.clone(), problem.to_owned());
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
                let source = reason.split(':').next().unwrap_or_default().to_owned();
                errors.insert(source, reason);
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
