//! Across the border (`/grens`): the NL–BE–DE glossary with search in five languages and
//! exports, open-source guides per country, practical guides, request letters in the receiver's
//! language (filled from a case, PDF, recorded on the case; templates editable by administrators
//! with a preview), and the register of cross-border cases with counts.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Response};
use baken_domain::auth::Permission;
use baken_domain::crossborder::case::{CaseDraft, CaseOutcome, Obstacle};
use baken_domain::crossborder::letter::LETTER_LANGUAGES;
use baken_domain::crossborder::{Country, LetterInput, LetterTemplate, Term};
use baken_store::StoreError;
use serde::Deserialize;

use crate::AppState;
use crate::context::{RequestContext, SignedIn};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::shell::Shell;
use crate::pages::{FormFields, format_ms, see_other};

/// Content text in the interface language: Dutch for Dutch, English for the others.
fn text(t: &baken_domain::dashboard::indicator::Text, lang: Lang) -> String {
    if lang == Lang::Nl {
        t.nl.clone()
    } else {
        t.en.clone()
    }
}

#[derive(Template)]
#[template(path = "grens.html")]
struct OverviewPage {
    shell: Shell,
    terms: usize,
    sources: Vec<(String, usize)>,
    guides: usize,
    letters: usize,
    cases: usize,
    can_request: bool,
}

/// `/grens`.
pub(crate) async fn overview(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
) -> Result<Response, AppError> {
    let c = &state.crossborder;
    let cases = if actor.can(Permission::RequestAbroad) {
        state.store.crossborder_cases(&actor).await?.len()
    } else {
        0
    };
    let page = OverviewPage {
        shell: Shell::build(&state, &ctx, "nav-grens").await,
        terms: c.glossary.terms.len(),
        sources: Country::ALL
            .iter()
            .map(|k| {
                (
                    k.code().to_owned(),
                    c.sources.iter().filter(|s| s.land == *k).count(),
                )
            })
            .collect(),
        guides: c.guides.len(),
        letters: c.letters.len(),
        cases,
        can_request: actor.can(Permission::RequestAbroad),
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct GlossaryQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub land: String,
    #[serde(default)]
    pub onderwerp: String,
}

pub struct TermRow {
    pub id: String,
    pub names: [String; 5],
    pub topic: String,
    /// (country code, definition) for the countries shown.
    pub definitions: Vec<(String, String)>,
    pub difference: String,
    pub laws: String,
}

fn term_row(t: &Term, countries: &[Country], lang: Lang) -> TermRow {
    TermRow {
        id: t.id.clone(),
        names: [
            t.termen.nl.clone(),
            t.termen.nl_be.clone(),
            t.termen.fr.clone(),
            t.termen.de.clone(),
            t.termen.en.clone(),
        ],
        topic: lang.t(&format!("grens-topic-{}", t.onderwerp)),
        definitions: countries
            .iter()
            .map(|c| (c.code().to_owned(), text(t.definitie.of(*c), lang)))
            .collect(),
        difference: text(&t.verschil, lang),
        laws: t.wetgeving.join("; "),
    }
}

/// The terms a query selects, and the countries whose definitions to show.
fn select<'a>(
    state: &'a AppState,
    q: &GlossaryQuery,
) -> Result<(Vec<&'a Term>, Vec<Country>), AppError> {
    let countries = match q.land.trim() {
        "" => Country::ALL.to_vec(),
        code => vec![
            Country::from_code(code).ok_or_else(|| AppError::BadRequest {
                detail: "land is NL, BE or DE".into(),
                params: Vec::new(),
            })?,
        ],
    };
    let topic = Some(q.onderwerp.trim()).filter(|t| !t.is_empty());
    if let Some(t) = topic
        && !baken_domain::crossborder::glossary::TOPICS.contains(&t)
    {
        return Err(AppError::BadRequest {
            detail: format!("unknown topic {t:?}"),
            params: Vec::new(),
        });
    }
    Ok((state.crossborder.glossary.search(&q.q, topic), countries))
}

#[derive(Template)]
#[template(path = "grens_glossary.html")]
struct GlossaryPage {
    shell: Shell,
    q: String,
    land: String,
    onderwerp: String,
    topics: Vec<(String, String)>,
    rows: Vec<TermRow>,
    total: usize,
    export_query: String,
}

/// `/grens/begrippen?q=&land=&onderwerp=`.
pub(crate) async fn glossary(
    State(state): State<AppState>,
    SignedIn(_actor, ctx): SignedIn,
    Query(q): Query<GlossaryQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let (terms, countries) = select(&state, &q)?;
    let export_query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("q", &q.q)
        .append_pair("land", &q.land)
        .append_pair("onderwerp", &q.onderwerp)
        .finish();
    let page = GlossaryPage {
        shell: Shell::build(&state, &ctx, "grens-glossary-title").await,
        rows: terms
            .iter()
            .map(|t| term_row(t, &countries, lang))
            .collect(),
        total: state.crossborder.glossary.terms.len(),
        topics: baken_domain::crossborder::glossary::TOPICS
            .iter()
            .map(|t| ((*t).to_owned(), lang.t(&format!("grens-topic-{t}"))))
            .collect(),
        q: q.q,
        land: q.land,
        onderwerp: q.onderwerp,
        export_query,
    };
    Ok(Html(page.render()?).into_response())
}

/// `/grens/begrippen/export/{file}`: the selection as `begrippen.csv`, `.xlsx` or `.pdf`.
pub(crate) async fn glossary_export(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path(file): Path<String>,
    Query(q): Query<GlossaryQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let (terms, countries) = select(&state, &q)?;
    let mut header = vec![
        "NL".to_owned(),
        "NL (BE)".to_owned(),
        "FR".to_owned(),
        "DE".to_owned(),
        "EN".to_owned(),
    ];
    header.extend(
        countries
            .iter()
            .map(|c| format!("{} {}", lang.t("grens-definition"), c.code())),
    );
    header.push(lang.t("grens-difference"));
    header.push(lang.t("grens-laws"));
    let rows: Vec<Vec<String>> = terms
        .iter()
        .map(|t| {
            let r = term_row(t, &countries, lang);
            let mut row = r.names.to_vec();
            row.extend(r.definitions.into_iter().map(|(_, d)| d));
            row.push(r.difference);
            row.push(r.laws);
            row
        })
        .collect();
    let stamp = vec![
        format!("{} — {}", lang.t("grens-glossary-title"), actor.org_name()),
        format!(
            "{}: {:?} · {}: {} · {}: {}",
            lang.t("grens-search"),
            q.q,
            lang.t("grens-country"),
            if q.land.is_empty() {
                "NL, BE, DE"
            } else {
                &q.land
            },
            lang.t("grens-topic"),
            if q.onderwerp.is_empty() {
                "–"
            } else {
                &q.onderwerp
            }
        ),
        lang.t("grens-not-legal-advice"),
    ];
    let (body, content_type) = match file.as_str() {
        "begrippen.csv" => (
            baken_render::table::csv(&stamp, &header, &rows),
            "text/csv; charset=utf-8",
        ),
        "begrippen.xlsx" => (
            baken_render::table::xlsx(&stamp, &header, &rows)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        "begrippen.pdf" => {
            use baken_render::pdf::{Block, Report};
            let mut blocks: Vec<Block> = stamp.iter().map(|s| Block::Note(s.clone())).collect();
            for (t, row) in terms.iter().zip(&rows) {
                blocks.push(Block::Heading(format!(
                    "{} · {} · {} · {} · {}",
                    t.termen.nl, t.termen.nl_be, t.termen.fr, t.termen.de, t.termen.en
                )));
                let mut table = Vec::new();
                for (i, c) in countries.iter().enumerate() {
                    table.push(vec![c.code().to_owned(), row[5 + i].clone()]);
                }
                table.push(vec![
                    lang.t("grens-difference"),
                    row[5 + countries.len()].clone(),
                ]);
                if !t.wetgeving.is_empty() {
                    table.push(vec![lang.t("grens-laws"), t.wetgeving.join("; ")]);
                }
                blocks.push(Block::Table {
                    header: vec![String::new(), lang.t("grens-definition")],
                    rows: table,
                    widths: vec![0.18, 0.82],
                });
            }
            let pdf = baken_render::pdf::report(&Report {
                title: lang.t("grens-glossary-title"),
                language: lang.code().to_owned(),
                footer: format!("{} · EURIEC-regio NL–BE–DE", lang.t("grens-glossary-title")),
                blocks,
            })
            .map_err(|e| AppError::Internal(e.to_string()))?;
            (pdf, "application/pdf")
        }
        _ => {
            return Err(AppError::BadRequest {
                detail: "export as begrippen.csv, begrippen.xlsx or begrippen.pdf".into(),
                params: Vec::new(),
            });
        }
    };
    Ok((
        [
            (CONTENT_TYPE, content_type.to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "grens_term.html")]
struct TermPage {
    shell: Shell,
    row: TermRow,
    related: Vec<(String, String)>,
    sources: Vec<(String, String, String)>,
}

/// `/grens/begrippen/{id}`.
pub(crate) async fn term(
    State(state): State<AppState>,
    SignedIn(_actor, ctx): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let c = &state.crossborder;
    let t = c.glossary.term(&id).ok_or(AppError::NotFound)?;
    let mut shell = Shell::build(&state, &ctx, "grens-glossary-title").await;
    shell.title = t.termen.get(lang.code()).to_owned();
    let page = TermPage {
        shell,
        row: term_row(t, &Country::ALL, lang),
        related: t
            .zie_ook
            .iter()
            .filter_map(|r| c.glossary.term(r))
            .map(|r| (r.id.clone(), r.termen.get(lang.code()).to_owned()))
            .collect(),
        sources: c
            .sources
            .iter()
            .filter(|s| s.begrippen.contains(&t.id))
            .map(|s| (s.id.clone(), s.land.code().to_owned(), s.naam.clone()))
            .collect(),
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct CountryQuery {
    #[serde(default)]
    pub land: String,
}

pub struct SourceView {
    pub id: String,
    pub country: String,
    pub name: String,
    pub holder: String,
    pub content: String,
    pub access: String,
    pub cost: String,
    pub language: String,
    pub how: String,
    pub url: String,
}

#[derive(Template)]
#[template(path = "grens_sources.html")]
struct SourcesPage {
    shell: Shell,
    land: String,
    sources: Vec<SourceView>,
    documents: Vec<(String, String, String, String)>,
}

/// `/grens/bronnen?land=`: open sources per country, and documents residents can request.
pub(crate) async fn sources(
    State(state): State<AppState>,
    SignedIn(_actor, ctx): SignedIn,
    Query(q): Query<CountryQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let country = match q.land.trim() {
        "" => None,
        code => Some(
            Country::from_code(code).ok_or_else(|| AppError::BadRequest {
                detail: "land is NL, BE or DE".into(),
                params: Vec::new(),
            })?,
        ),
    };
    let c = &state.crossborder;
    let page = SourcesPage {
        shell: Shell::build(&state, &ctx, "grens-sources-title").await,
        land: q.land.trim().to_ascii_uppercase(),
        sources: c
            .sources
            .iter()
            .filter(|s| country.is_none_or(|k| s.land == k))
            .map(|s| SourceView {
                id: s.id.clone(),
                country: s.land.code().to_owned(),
                name: s.naam.clone(),
                holder: s.houder.clone(),
                content: text(&s.inhoud, lang),
                access: text(&s.toegang, lang),
                cost: text(&s.kosten, lang),
                language: s.taal.clone(),
                how: text(&s.aanvragen, lang),
                url: s.url.clone(),
            })
            .collect(),
        documents: c
            .documents
            .iter()
            .filter(|d| country.is_none_or(|k| d.land == k))
            .map(|d| {
                (
                    d.land.code().to_owned(),
                    d.naam.clone(),
                    text(&d.uitleg, lang),
                    d.url.clone(),
                )
            })
            .collect(),
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Template)]
#[template(path = "grens_guides.html")]
struct GuidesPage {
    shell: Shell,
    guides: Vec<(String, String, String)>,
}

/// `/grens/handleidingen`.
pub(crate) async fn guides(
    State(state): State<AppState>,
    SignedIn(_actor, ctx): SignedIn,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let page = GuidesPage {
        shell: Shell::build(&state, &ctx, "grens-guides-title").await,
        guides: state
            .crossborder
            .guides
            .iter()
            .map(|g| (g.id.clone(), text(&g.titel, lang), text(&g.situatie, lang)))
            .collect(),
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Template)]
#[template(path = "grens_guide.html")]
struct GuidePage {
    shell: Shell,
    situation: String,
    steps: Vec<String>,
    terms: Vec<(String, String)>,
    sources: Vec<(String, String)>,
    letters: Vec<(String, String)>,
}

/// `/grens/handleidingen/{id}`.
pub(crate) async fn guide(
    State(state): State<AppState>,
    SignedIn(_actor, ctx): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let c = &state.crossborder;
    let g = c
        .guides
        .iter()
        .find(|g| g.id == id)
        .ok_or(AppError::NotFound)?;
    let mut shell = Shell::build(&state, &ctx, "grens-guides-title").await;
    shell.title = text(&g.titel, lang);
    let page = GuidePage {
        shell,
        situation: text(&g.situatie, lang),
        steps: g.stappen.iter().map(|s| text(s, lang)).collect(),
        terms: g
            .begrippen
            .iter()
            .filter_map(|t| c.glossary.term(t))
            .map(|t| (t.id.clone(), t.termen.get(lang.code()).to_owned()))
            .collect(),
        sources: g
            .bronnen
            .iter()
            .filter_map(|b| c.sources.iter().find(|s| &s.id == b))
            .map(|s| (s.land.code().to_owned(), s.naam.clone()))
            .collect(),
        letters: g
            .brieven
            .iter()
            .filter_map(|b| c.letters.iter().find(|l| &l.id == b))
            .map(|l| (l.id.clone(), text(&l.naam, lang)))
            .collect(),
    };
    Ok(Html(page.render()?).into_response())
}

// ----- letters ----------------------------------------------------------------------------------

/// A letter's fields as the form names them (`afzender.organisatie` …), in the form's order.
pub const LETTER_FORM_FIELDS: [&str; 25] = [
    "kenmerk",
    "afzender.land",
    "ontvanger.land",
    "afzender.organisatie",
    "afzender.afdeling",
    "afzender.adres",
    "afzender.plaats",
    "afzender.contactpersoon",
    "afzender.functie",
    "afzender.email",
    "afzender.telefoon",
    "ontvanger.instantie",
    "ontvanger.afdeling",
    "ontvanger.adres",
    "ontvanger.plaats",
    "betreft.naam",
    "betreft.registratienummer",
    "betreft.adres",
    "betreft.geboortedatum",
    "gevraagd",
    "doel",
    "grondslag",
    "belang",
    "bewaartermijn",
    "vertrouwelijkheid",
];

/// The template text the organisation uses: its own version, or the shipped one.
async fn template_text(
    state: &AppState,
    actor: &baken_store::Actor,
    template: &LetterTemplate,
    language: &str,
) -> Result<String, AppError> {
    let own = state.store.letter_overrides(actor).await?;
    Ok(own
        .get(&(template.id.clone(), language.to_owned()))
        .cloned()
        .or_else(|| template.tekst.get(language).map(str::to_owned))
        .unwrap_or_default())
}

/// A date written the way the letter's language writes it.
fn letter_date(language: &str) -> String {
    let today = baken_store::signal::today();
    let months: [&str; 12] = match language {
        "fr" => [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ],
        "de" => [
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            "Dezember",
        ],
        _ => [
            "januari",
            "februari",
            "maart",
            "april",
            "mei",
            "juni",
            "juli",
            "augustus",
            "september",
            "oktober",
            "november",
            "december",
        ],
    };
    let sep = if language == "de" { ". " } else { " " };
    format!(
        "{}{sep}{} {}",
        today.day(),
        months[usize::from(u8::from(today.month())) - 1],
        today.year()
    )
}

/// The letter's values from a form or the API, with the sender, receiver country, date and
/// language filled in by Baken.
pub(crate) fn letter_input(
    actor: &baken_store::Actor,
    template: &LetterTemplate,
    language: &str,
    value: impl Fn(&str) -> String,
) -> LetterInput {
    let mut input = LetterInput::default();
    for field in LETTER_FORM_FIELDS {
        input.set(field, value(field).trim().to_owned());
    }
    if input.get("afzender.organisatie").is_empty() {
        input.set("afzender.organisatie", actor.org_name().to_owned());
    }
    // The countries default to a Dutch sender and the template's receiving country.
    for (field, default) in [
        ("afzender.land", "NL"),
        ("ontvanger.land", template.ontvanger_land.code()),
    ] {
        let given = Country::from_code(input.get(field)).map(Country::code);
        input.set(field, given.unwrap_or(default));
    }
    input.set("datum", letter_date(language));
    input.set("taal", language);
    input
}

pub struct LettersView {
    pub id: String,
    pub name: String,
    pub country: String,
    pub required: Vec<String>,
}

#[derive(Template)]
#[template(path = "grens_letters.html")]
struct LettersPage {
    shell: Shell,
    templates: Vec<LettersView>,
    chosen: String,
    language: String,
    cases: Vec<(i64, String)>,
    case: i64,
    fields: Vec<(String, String, String, String, bool)>,
    missing: Vec<String>,
    can_edit: bool,
    can_request: bool,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct LetterQuery {
    #[serde(default)]
    pub sjabloon: String,
    #[serde(default)]
    pub casus: i64,
}

/// What a letter form was opened or submitted with.
struct LetterChoice<'a> {
    template: &'a str,
    language: &'a str,
    case: i64,
}

async fn letters_page(
    state: &AppState,
    actor: &baken_store::Actor,
    ctx: &RequestContext,
    choice: LetterChoice<'_>,
    values: &(dyn Fn(&str) -> String + Sync),
    missing: Vec<String>,
) -> Result<String, AppError> {
    let LetterChoice {
        template: chosen,
        language,
        case,
    } = choice;
    let lang = ctx.lang;
    let c = &state.crossborder;
    let chosen_template = c
        .letters
        .iter()
        .find(|l| l.id == chosen)
        .or(c.letters.first());
    let cases = if actor.can(Permission::RequestAbroad) {
        state
            .store
            .crossborder_cases(actor)
            .await?
            .into_iter()
            .map(|k| {
                (
                    k.id,
                    format!(
                        "#{} {} — {} → {}",
                        k.id, k.pair, k.requesting_authority, k.requested_authority
                    ),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(LettersPage {
        shell: Shell::build(state, ctx, "grens-letters-title").await,
        templates: c
            .letters
            .iter()
            .map(|l| LettersView {
                id: l.id.clone(),
                name: text(&l.naam, lang),
                country: l.ontvanger_land.code().to_owned(),
                required: l
                    .verplicht
                    .iter()
                    .map(|f| lang.t(&format!("grens-field-{}", f.replace('.', "-"))))
                    .collect(),
            })
            .collect(),
        chosen: chosen_template.map(|l| l.id.clone()).unwrap_or_default(),
        language: language.to_owned(),
        cases,
        case,
        fields: LETTER_FORM_FIELDS
            .iter()
            .map(|f| {
                (
                    (*f).to_owned(),
                    format!("f-{}", f.replace('.', "-")),
                    lang.t(&format!("grens-field-{}", f.replace('.', "-"))),
                    values(f),
                    chosen_template.is_some_and(|t| t.verplicht.iter().any(|v| v == f)),
                )
            })
            .collect(),
        missing: missing
            .iter()
            .map(|f| lang.t(&format!("grens-field-{}", f.replace('.', "-"))))
            .collect(),
        can_edit: actor.can(Permission::ManageOrganisation),
        can_request: actor.can(Permission::RequestAbroad),
    }
    .render()?)
}

/// `/grens/brieven`: the templates and the form.
pub(crate) async fn letters(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Query(q): Query<LetterQuery>,
) -> Result<Response, AppError> {
    let language = state
        .crossborder
        .letters
        .iter()
        .find(|l| l.id == q.sjabloon)
        .map_or("de", |l| match l.ontvanger_land {
            Country::Germany => "de",
            Country::Belgium => "fr",
            Country::Netherlands => "nl",
        });
    let prefill = prefill_from_case(&state, &actor, &q).await?;
    let values = move |f: &str| prefill.get(f).cloned().unwrap_or_default();
    let choice = LetterChoice {
        template: &q.sjabloon,
        language,
        case: q.casus,
    };
    let html = letters_page(&state, &actor, &ctx, choice, &values, Vec::new()).await?;
    Ok(Html(html).into_response())
}

/// The values a letter starts with: the organisation, the template's receiving country, and
/// from the case (when one is chosen) the requested authority and its country, and from the
/// case's signal (for those who may read signals) the company or address it is about.
async fn prefill_from_case(
    state: &AppState,
    actor: &baken_store::Actor,
    q: &LetterQuery,
) -> Result<std::collections::BTreeMap<String, String>, AppError> {
    let mut values = std::collections::BTreeMap::new();
    values.insert(
        "afzender.organisatie".to_owned(),
        actor.org_name().to_owned(),
    );
    values.insert("afzender.land".to_owned(), "NL".to_owned());
    let receiver = state
        .crossborder
        .letters
        .iter()
        .find(|l| l.id == q.sjabloon)
        .map_or("DE", |l| l.ontvanger_land.code());
    values.insert("ontvanger.land".to_owned(), receiver.to_owned());
    if q.casus > 0 && actor.can(Permission::RequestAbroad) {
        let case = state.store.crossborder_case(actor, q.casus).await?;
        values.insert(
            "ontvanger.instantie".to_owned(),
            case.requested_authority.clone(),
        );
        values.insert("ontvanger.land".to_owned(), case.requested_country.clone());
        if let Some(signal) = case
            .signal_id
            .filter(|_| actor.can(Permission::ViewSignals))
        {
            let detail = state.store.signal(actor, signal).await?;
            for s in &detail.subject_list {
                match s.kind {
                    baken_domain::signal::SubjectKind::Company => {
                        let (name, number) = s
                            .label
                            .rsplit_once(" (KvK ")
                            .map_or((s.label.as_str(), ""), |(n, k)| {
                                (n, k.trim_end_matches(')'))
                            });
                        values
                            .entry("betreft.naam".to_owned())
                            .or_insert_with(|| name.to_owned());
                        values
                            .entry("betreft.registratienummer".to_owned())
                            .or_insert_with(|| number.to_owned());
                    }
                    baken_domain::signal::SubjectKind::Address => {
                        values
                            .entry("betreft.adres".to_owned())
                            .or_insert_with(|| s.label.clone());
                    }
                    baken_domain::signal::SubjectKind::Person => {}
                }
            }
        }
    }
    Ok(values)
}

/// Produces a letter: the missing required fields are named before anything is produced; the
/// letter is recorded on its case and returned as a PDF.
pub(crate) async fn produce_letter(
    state: &AppState,
    actor: &baken_store::Actor,
    template_id: &str,
    language: &str,
    case: i64,
    value: impl Fn(&str) -> String,
) -> Result<Result<(String, Vec<u8>), Vec<String>>, AppError> {
    let template = state
        .crossborder
        .letters
        .iter()
        .find(|l| l.id == template_id)
        .ok_or_else(|| AppError::Unprocessable {
            params: vec![crate::error::InvalidParam {
                name: "sjabloon".into(),
                reason: format!("unknown letter template {template_id:?}"),
            }],
        })?;
    if !LETTER_LANGUAGES.contains(&language) {
        return Err(AppError::Unprocessable {
            params: vec![crate::error::InvalidParam {
                name: "taal".into(),
                reason: "a letter is written in nl, fr or de".into(),
            }],
        });
    }
    let input = letter_input(actor, template, language, value);
    let missing = input.missing(template);
    if !missing.is_empty() {
        return Ok(Err(missing));
    }
    // The case must be the organisation's (not found, audited, otherwise).
    let case_row = state.store.crossborder_case(actor, case).await?;
    let source = template_text(state, actor, template, language).await?;
    let letter = baken_render::letter::fill(&source, &input)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    // The sender keeps a copy in its own language (Dutch) when the letter goes out in another.
    let copy = if language == "nl" {
        None
    } else {
        let mut own = input.clone();
        own.set("datum", letter_date("nl"));
        own.set("taal", "nl");
        let source = template_text(state, actor, template, "nl").await?;
        Some(
            baken_render::letter::fill(&source, &own)
                .map_err(|e| AppError::Internal(e.to_string()))?,
        )
    };
    let title = text(&template.naam, Lang::Nl);
    let pdf = baken_render::letter::pdf(
        &title,
        language,
        &letter,
        &format!(
            "{} · {} · {}",
            input.get("kenmerk"),
            case_row.pair,
            actor.org_name()
        ),
        copy.as_deref()
            .map(|c| ("Kopie voor de afzender (Nederlands)", c)),
    )
    .map_err(|e| AppError::Internal(e.to_string()))?;
    state
        .store
        .record_letter(actor, case, &template.id, language, &input)
        .await?;
    Ok(Ok((
        format!("brief-{}-{}-{language}.pdf", template.id, case),
        pdf,
    )))
}

fn pdf_response(name: &str, pdf: Vec<u8>) -> Response {
    (
        [
            (CONTENT_TYPE, "application/pdf".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        pdf,
    )
        .into_response()
}

/// `POST /grens/brieven`: a letter as PDF, or the form again naming the missing fields.
pub(crate) async fn create_letter(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    form: FormFields,
) -> Result<Response, AppError> {
    let template = form.get("sjabloon").to_owned();
    let language = form.get("taal").to_owned();
    let case: i64 = form.get("casus").parse().unwrap_or(0);
    let value = |f: &str| form.get(f).to_owned();
    match produce_letter(&state, &actor, &template, &language, case, value).await? {
        Ok((name, pdf)) => Ok(pdf_response(&name, pdf)),
        Err(missing) => {
            let values = |f: &str| form.get(f).to_owned();
            let choice = LetterChoice {
                template: &template,
                language: &language,
                case,
            };
            let html = letters_page(&state, &actor, &ctx, choice, &values, missing).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "grens_template.html")]
struct TemplatePage {
    shell: Shell,
    id: String,
    language: String,
    source: String,
    preview: String,
    error: String,
    variables: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct LanguageQuery {
    #[serde(default)]
    pub taal: String,
}

/// Sample values for a template's preview.
fn sample_input(
    actor: &baken_store::Actor,
    template: &LetterTemplate,
    language: &str,
) -> LetterInput {
    letter_input(actor, template, language, |f| match f {
        "afzender.contactpersoon" => "J. Jansen".into(),
        "afzender.functie" => "coördinator bestuurlijke aanpak".into(),
        "ontvanger.instantie" => "Ordnungsamt".into(),
        "kenmerk" => "VOORBEELD-1".into(),
        "betreft.naam" => "Voorbeeld B.V.".into(),
        "gevraagd" => "…".into(),
        "doel" => "…".into(),
        "grondslag" => "…".into(),
        "belang" => "…".into(),
        "bewaartermijn" => "…".into(),
        "vertrouwelijkheid" => "…".into(),
        _ => String::new(),
    })
}

async fn template_page(
    state: &AppState,
    actor: &baken_store::Actor,
    ctx: &RequestContext,
    id: &str,
    language: &str,
    source: Option<String>,
) -> Result<(bool, String), AppError> {
    let template = state
        .crossborder
        .letters
        .iter()
        .find(|l| l.id == id)
        .ok_or(AppError::NotFound)?;
    let language = if LETTER_LANGUAGES.contains(&language) {
        language
    } else {
        "de"
    };
    let source = match source {
        Some(s) => s,
        None => template_text(state, actor, template, language).await?,
    };
    let (preview, error) =
        match baken_render::letter::fill(&source, &sample_input(actor, template, language)) {
            Ok(p) => (p, String::new()),
            Err(e) => (String::new(), e.to_string()),
        };
    let mut shell = Shell::build(state, ctx, "grens-template-title").await;
    shell.title = format!(
        "{}: {}",
        ctx.lang.t("grens-template-title"),
        text(&template.naam, ctx.lang)
    );
    let ok = error.is_empty();
    Ok((
        ok,
        TemplatePage {
            shell,
            id: template.id.clone(),
            language: language.to_owned(),
            source,
            preview,
            error,
            variables: baken_domain::crossborder::letter::VARIABLES
                .iter()
                .map(|v| (*v).to_owned())
                .collect(),
        }
        .render()?,
    ))
}

/// `/grens/brieven/{id}/sjabloon?taal=`: an administrator's editor with a preview.
pub(crate) async fn template_form(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path(id): Path<String>,
    Query(q): Query<LanguageQuery>,
) -> Result<Response, AppError> {
    let (_, html) = template_page(&state, &actor, &ctx, &id, &q.taal, None).await?;
    Ok(Html(html).into_response())
}

/// `POST /grens/brieven/{id}/sjabloon`: previews (`actie=voorbeeld`) or saves the text; a
/// template that does not render in the sandbox is never saved.
pub(crate) async fn save_template(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path(id): Path<String>,
    form: FormFields,
) -> Result<Response, AppError> {
    let language = form.get("taal").to_owned();
    let source = form.get("tekst").replace("\r\n", "\n");
    let (ok, html) =
        template_page(&state, &actor, &ctx, &id, &language, Some(source.clone())).await?;
    if !ok {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response());
    }
    if form.get("actie") == "opslaan" {
        state
            .store
            .save_letter_template(&actor, &id, &language, &source)
            .await?;
        return Ok(see_other(&format!(
            "/grens/brieven/{id}/sjabloon?taal={language}&melding=template-saved"
        )));
    }
    Ok(Html(html).into_response())
}

// ----- the case register ------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "grens_cases.html")]
struct CasesPage {
    shell: Shell,
    cases: Vec<baken_store::crossborder::CrossBorderCase>,
    per_pair: Vec<(String, i64)>,
    per_obstacle: Vec<(String, i64)>,
    obstacles: Vec<(String, String)>,
    outcomes: Vec<(String, String)>,
    errors: Vec<(String, String)>,
    can_request: bool,
    signals: Vec<(i64, String)>,
}

async fn cases_page(
    state: &AppState,
    actor: &baken_store::Actor,
    ctx: &RequestContext,
    errors: Vec<(String, String)>,
) -> Result<String, AppError> {
    let lang = ctx.lang;
    let counts = state.store.crossborder_counts(actor).await?;
    Ok(CasesPage {
        shell: Shell::build(state, ctx, "grens-cases-title").await,
        cases: state.store.crossborder_cases(actor).await?,
        per_pair: counts.per_pair.into_iter().collect(),
        per_obstacle: counts
            .per_obstacle
            .into_iter()
            .map(|(o, n)| (lang.t(&format!("grens-obstacle-{o}")), n))
            .collect(),
        obstacles: Obstacle::ALL
            .iter()
            .map(|o| {
                (
                    o.code().to_owned(),
                    lang.t(&format!("grens-obstacle-{}", o.code())),
                )
            })
            .collect(),
        outcomes: CaseOutcome::ALL
            .iter()
            .map(|o| {
                (
                    o.code().to_owned(),
                    lang.t(&format!("grens-outcome-{}", o.code())),
                )
            })
            .collect(),
        errors,
        can_request: actor.can(Permission::RequestAbroad),
        signals: if actor.can(Permission::ViewSignals) {
            state
                .store
                .signals(actor, baken_store::signal::Queue::Open)
                .await?
                .into_iter()
                .map(|s| (s.id, s.reference))
                .collect()
        } else {
            Vec::new()
        },
    }
    .render()?)
}

/// `/grens/casussen`: the register with counts per country pair and per obstacle.
pub(crate) async fn cases(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
) -> Result<Response, AppError> {
    Ok(Html(cases_page(&state, &actor, &ctx, Vec::new()).await?).into_response())
}

/// The case form's values.
pub(crate) fn case_draft(form: &FormFields) -> CaseDraft {
    CaseDraft {
        land_verzoeker: form.get("land_verzoeker").to_owned(),
        land_aangezochte: form.get("land_aangezochte").to_owned(),
        fenomeen: form.get("fenomeen").to_owned(),
        verzoekende_instantie: form.get("verzoekende_instantie").to_owned(),
        aangezochte_instantie: form.get("aangezochte_instantie").to_owned(),
        obstakel: Some(form.get("obstakel"))
            .filter(|s| !s.is_empty())
            .unwrap_or("geen")
            .to_owned(),
        uitkomst: Some(form.get("uitkomst"))
            .filter(|s| !s.is_empty())
            .unwrap_or("lopend")
            .to_owned(),
        toelichting: form.get("toelichting").to_owned(),
        signaal: form.get("signaal").parse().ok(),
    }
}

/// `POST /grens/casussen`: registers a case.
pub(crate) async fn create_case(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    form: FormFields,
) -> Result<Response, AppError> {
    match case_draft(&form).validate() {
        Ok(case) => match state.store.register_crossborder_case(&actor, &case).await {
            Ok(id) => Ok(see_other(&format!("/grens/casussen/{id}"))),
            Err(StoreError::Fields(e)) => {
                let errors = e.into_iter().map(|e| (e.field, e.reason)).collect();
                let html = cases_page(&state, &actor, &ctx, errors).await?;
                Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
            }
            Err(e) => Err(e.into()),
        },
        Err(e) => {
            let errors = e.into_iter().map(|e| (e.field, e.reason)).collect();
            let html = cases_page(&state, &actor, &ctx, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "grens_case.html")]
struct CasePage {
    shell: Shell,
    case: baken_store::crossborder::CrossBorderCase,
    obstacle: String,
    outcome: String,
    letters: Vec<(String, String, String, String)>,
    templates: Vec<(String, String)>,
    obstacles: Vec<(String, String)>,
    outcomes: Vec<(String, String)>,
    can_request: bool,
}

/// `/grens/casussen/{id}`: a case with its letters.
pub(crate) async fn case(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let case = state.store.crossborder_case(&actor, id).await?;
    let letters = state
        .store
        .letters_of_case(&actor, id)
        .await?
        .into_iter()
        .map(|l| (l.template, l.language, l.receiver, format_ms(l.created_at)))
        .collect();
    let mut shell = Shell::build(&state, &ctx, "grens-cases-title").await;
    shell.title = format!("{} #{id}", lang.t("grens-case"));
    let page = CasePage {
        shell,
        obstacle: lang.t(&format!("grens-obstacle-{}", case.obstacle)),
        outcome: lang.t(&format!("grens-outcome-{}", case.outcome)),
        case,
        letters,
        templates: state
            .crossborder
            .letters
            .iter()
            .map(|l| (l.id.clone(), text(&l.naam, lang)))
            .collect(),
        obstacles: Obstacle::ALL
            .iter()
            .map(|o| {
                (
                    o.code().to_owned(),
                    lang.t(&format!("grens-obstacle-{}", o.code())),
                )
            })
            .collect(),
        outcomes: CaseOutcome::ALL
            .iter()
            .map(|o| {
                (
                    o.code().to_owned(),
                    lang.t(&format!("grens-outcome-{}", o.code())),
                )
            })
            .collect(),
        can_request: actor.can(Permission::RequestAbroad),
    };
    Ok(Html(page.render()?).into_response())
}

/// `POST /grens/casussen/{id}`: records the obstacle met and the outcome.
pub(crate) async fn update_case(
    State(state): State<AppState>,
    SignedIn(actor, _ctx): SignedIn,
    Path(id): Path<i64>,
    form: FormFields,
) -> Result<Response, AppError> {
    let obstacle = Obstacle::from_code(form.get("obstakel"));
    let outcome = CaseOutcome::from_code(form.get("uitkomst"));
    let (Some(obstacle), Some(outcome)) = (obstacle, outcome) else {
        // Ownership first, so another organisation learns nothing from a bad form either.
        state.store.crossborder_case(&actor, id).await?;
        return Err(AppError::Unprocessable {
            params: vec![crate::error::InvalidParam {
                name: "obstakel".into(),
                reason: "unknown obstacle or outcome".into(),
            }],
        });
    };
    state
        .store
        .update_crossborder_case(&actor, id, obstacle, outcome)
        .await?;
    Ok(see_other(&format!("/grens/casussen/{id}")))
}
