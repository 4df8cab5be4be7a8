//! Signals and the step plan (`/signalen`): the work queue per role, registering a signal with
//! its subjects, a signal's page (timeline, the steps the actor may take with their required
//! fields, source research with hit/no-hit and detail requests, attachments), accumulation,
//! connected sources, the step plan and its templates, retention, and data-subject rights.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Response};
use baken_domain::auth::Permission;
use baken_domain::signal::protocol::{Share, Task, available};
use baken_domain::signal::{
    AddressDraft, Channel, CompanyDraft, Field, FieldError, InfoGrade, PersonDraft, Protocol,
    SignalDraft, SourceGrade, State as SignalState, StepDraft, SubjectKind, Tlp,
};
use baken_store::StoreError;
use baken_store::signal::source::DetailState;
use baken_store::signal::{NewSubject, SignalDetail, today};
use serde::Deserialize;

use crate::AppState;
use crate::context::{RequestContext, SignedIn};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::shell::Shell;
use crate::pages::{FormFields, format_ms, multipart_field_error, multipart_or_400, see_other};

/// The smallest neighbourhood count shown; smaller counts are suppressed.
pub const NEIGHBOURHOOD_THRESHOLD: i64 = 3;

pub(crate) fn state_label(lang: Lang, state: SignalState) -> String {
    lang.t(&format!("signal-state-{}", state.code()))
}

fn kind_label(lang: Lang, kind: SubjectKind) -> String {
    lang.t(&format!("signal-kind-{}", kind.code()))
}

#[derive(Deserialize)]
pub(crate) struct NoticeQuery {
    pub melding: Option<String>,
    pub lijst: Option<String>,
}

pub struct QueueRow {
    pub id: i64,
    pub reference: String,
    pub state: String,
    pub step: u8,
    pub received_on: String,
    pub phenomenon: String,
    pub grades: String,
    pub tlp: String,
    pub subjects: i64,
    pub destroy: String,
}

#[derive(Template)]
#[template(path = "signal_queue.html")]
struct QueuePage {
    shell: Shell,
    which: String,
    rows: Vec<QueueRow>,
    can_register: bool,
    can_retention: bool,
    can_rights: bool,
}

fn phenomenon_name(state: &AppState, lang: Lang, id: &str) -> String {
    state
        .matrices
        .phenomena
        .iter()
        .find(|p| p.id == id)
        .map_or_else(|| id.to_owned(), |p| p.naam.get(lang.code()).to_owned())
}

/// `/signalen`: the work queue (`?lijst=mijn|open|gesloten`).
pub(crate) async fn queue(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let list = match q.lijst.as_deref() {
        Some("open") => "open",
        Some("gesloten") => "gesloten",
        _ => "mijn",
    };
    let signals = state
        .store
        .signals(&actor, crate::api::signal::queue(Some(list)))
        .await?;
    let rows = signals
        .into_iter()
        .map(|s| QueueRow {
            id: s.id,
            reference: s.reference,
            state: state_label(lang, s.state),
            step: s.state.step(),
            received_on: s.received_on,
            phenomenon: phenomenon_name(&state, lang, &s.phenomenon),
            grades: format!("{}{}", s.source_grade.code(), s.info_grade.code()),
            tlp: format!("TLP:{}", s.tlp.code().to_ascii_uppercase()),
            subjects: s.subjects,
            destroy: s
                .destroy_after
                .map(format_ms)
                .map(|d| d[..10].to_owned())
                .unwrap_or_default(),
        })
        .collect();
    let page = QueuePage {
        shell: Shell::build(&state, &ctx, "nav-signalen")
            .await
            .with_notice(q.melding.as_deref()),
        which: list.to_owned(),
        rows,
        can_register: actor.can(Permission::RegisterSignal),
        can_retention: actor.can(Permission::ViewRetention),
        can_rights: actor.can(Permission::HandleSubjectRights),
    };
    Ok(Html(page.render()?).into_response())
}

// ----- registering ----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "signal_new.html")]
struct NewPage {
    shell: Shell,
    errors: Vec<(String, String)>,
    values: BTreeMap<String, String>,
    channels: Vec<(String, String)>,
    phenomena: Vec<(String, String)>,
    indicators: Vec<(String, String, String)>,
    chosen_indicators: Vec<String>,
    source_grades: Vec<String>,
    info_grades: Vec<String>,
    tlps: Vec<String>,
    max_description: usize,
}

impl NewPage {
    fn value(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    /// The address inputs: field name, label key, numeric.
    fn address_fields(&self) -> [(&'static str, &'static str, bool); 8] {
        [
            ("adres_straat", "signal-street", false),
            ("adres_huisnummer", "signal-house-number", true),
            ("adres_huisletter", "signal-house-letter", false),
            ("adres_toevoeging", "signal-addition", false),
            ("adres_postcode", "signal-postcode", false),
            ("adres_gemeente", "signal-municipality-code", false),
            ("adres_bag_id", "signal-bag-id", true),
            ("adres_buurt", "signal-neighbourhood", false),
        ]
    }
}

fn new_page(
    state: &AppState,
    shell: Shell,
    errors: Vec<(String, String)>,
    values: BTreeMap<String, String>,
    chosen_indicators: Vec<String>,
) -> NewPage {
    let lang = shell.lang;
    NewPage {
        channels: Channel::ALL
            .iter()
            .map(|c| {
                (
                    c.code().to_owned(),
                    lang.t(&format!("signal-channel-{}", c.code())),
                )
            })
            .collect(),
        phenomena: state
            .matrices
            .phenomena
            .iter()
            .map(|p| (p.id.clone(), p.naam.get(lang.code()).to_owned()))
            .collect(),
        indicators: state
            .matrices
            .phenomena
            .iter()
            .flat_map(|p| {
                p.indicatoren.iter().map(|i| {
                    (
                        p.id.clone(),
                        i.id.clone(),
                        i.naam.get(lang.code()).to_owned(),
                    )
                })
            })
            .collect(),
        chosen_indicators,
        source_grades: SourceGrade::ALL
            .iter()
            .map(|g| g.code().to_owned())
            .collect(),
        info_grades: InfoGrade::ALL.iter().map(|g| g.code().to_owned()).collect(),
        tlps: Tlp::ALL.iter().map(|g| g.code().to_owned()).collect(),
        max_description: baken_domain::signal::MAX_DESCRIPTION_CHARS,
        shell,
        errors,
        values,
    }
}

/// `/signalen/nieuw`.
pub(crate) async fn new_form(
    State(state): State<AppState>,
    SignedIn(_actor, ctx): SignedIn,
) -> Result<Response, AppError> {
    let shell = Shell::build(&state, &ctx, "signal-new-title").await;
    let mut values = BTreeMap::new();
    values.insert("ontvangen".to_owned(), today().to_string());
    values.insert("tlp".to_owned(), "amber".to_owned());
    Ok(Html(new_page(&state, shell, Vec::new(), values, Vec::new()).render()?).into_response())
}

fn prefixed(errors: Vec<FieldError>, prefix: &str) -> Vec<(String, String)> {
    errors
        .into_iter()
        .map(|e| (format!("{prefix}{}", e.field), e.reason))
        .collect()
}

/// `POST /signalen/nieuw`: the signal and up to one address, company and person. Every rule
/// is checked before anything is stored; a problem shows the form again with each field named.
pub(crate) async fn create(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    form: FormFields,
) -> Result<Response, AppError> {
    let get = |k: &str| form.get(k).to_owned();
    let mut errors = Vec::new();
    let mut subjects: Vec<NewSubject> = Vec::new();
    if !get("adres_postcode").trim().is_empty() || !get("adres_bag_id").trim().is_empty() {
        let draft = AddressDraft {
            bag_id: get("adres_bag_id"),
            straat: get("adres_straat"),
            postcode: get("adres_postcode"),
            huisnummer: get("adres_huisnummer"),
            huisletter: get("adres_huisletter"),
            toevoeging: get("adres_toevoeging"),
            gemeente: get("adres_gemeente"),
            buurt: get("adres_buurt"),
        };
        match draft.validate() {
            Ok(a) => subjects.push(NewSubject::Address(a)),
            Err(e) => errors.extend(prefixed(e, "adres_")),
        }
    }
    if !get("bedrijf_kvk").trim().is_empty() || !get("bedrijf_naam").trim().is_empty() {
        let draft = CompanyDraft {
            kvk: get("bedrijf_kvk"),
            naam: get("bedrijf_naam"),
            sbi: get("bedrijf_sbi")
                .split([',', ' '])
                .map(str::to_owned)
                .filter(|s| !s.is_empty())
                .collect(),
        };
        match draft.validate() {
            Ok(c) => subjects.push(NewSubject::Company(c)),
            Err(e) => errors.extend(prefixed(e, "bedrijf_")),
        }
    }
    if !get("persoon_naam").trim().is_empty() || !get("persoon_bsn").trim().is_empty() {
        let draft = PersonDraft {
            bsn: get("persoon_bsn"),
            naam: get("persoon_naam"),
            geboortedatum: get("persoon_geboortedatum"),
        };
        match draft.validate(today()) {
            Ok(p) => subjects.push(NewSubject::Person(p)),
            Err(e) => errors.extend(prefixed(e, "persoon_")),
        }
    }
    let indicators: Vec<String> = form
        .all("indicatoren")
        .into_iter()
        .map(str::to_owned)
        .collect();
    let draft = SignalDraft {
        ontvangen: get("ontvangen"),
        kanaal: get("kanaal"),
        melder_organisatie: get("melder_organisatie"),
        melder_afdeling: get("melder_afdeling"),
        melder_contact: get("melder_contact"),
        omschrijving: get("omschrijving"),
        fenomeen: get("fenomeen"),
        indicatoren: indicators.clone(),
        betrouwbaarheid_bron: get("betrouwbaarheid_bron"),
        betrouwbaarheid_informatie: get("betrouwbaarheid_informatie"),
        tlp: get("tlp"),
        subjecten: Vec::new(),
    };
    let mut signal = match draft.validate(&state.matrices, today()) {
        Ok(s) => Some(s),
        Err(e) => {
            errors.extend(prefixed(e, ""));
            None
        }
    };
    if subjects.is_empty() {
        errors.push(("subjecten".into(), ctx.lang.t("signal-error-no-subject")));
    }
    if let (true, Some(signal)) = (errors.is_empty(), signal.as_mut()) {
        for subject in &subjects {
            signal
                .subjects
                .push(state.store.register_subject(&actor, subject).await?);
        }
        match state.store.register_signal(&actor, signal).await {
            Ok(s) => {
                return Ok(see_other(&format!(
                    "/signalen/{}?melding=signal-registered",
                    s.id
                )));
            }
            Err(StoreError::Fields(e)) => errors.extend(prefixed(e, "")),
            Err(e) => return Err(e.into()),
        }
    }
    let values: BTreeMap<String, String> = form
        .pairs()
        .filter(|(k, _)| *k != "csrf" && *k != "indicatoren" && *k != "persoon_bsn")
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let shell = Shell::build(&state, &ctx, "signal-new-title").await;
    let html = new_page(&state, shell, errors, values, indicators).render()?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
}

// ----- one signal -----------------------------------------------------------------------------

/// An input of an action form.
pub struct Widget {
    pub name: String,
    pub label: String,
    /// `text`, `textarea`, `basis` (legal basis select), `checks`, `lines`.
    pub kind: &'static str,
    pub required: bool,
    pub hint: String,
    /// (value, label, explanation) for `basis` and `checks`.
    pub options: Vec<(String, String, String)>,
}

pub struct ActionForm {
    pub code: String,
    pub label: String,
    pub to: String,
    pub widgets: Vec<Widget>,
}

pub struct StepRow {
    pub when: String,
    pub actor: String,
    pub action: String,
    pub from: String,
    pub to: String,
    pub basis: String,
    pub lines: Vec<(String, String)>,
}

pub struct SubjectRow {
    pub id: i64,
    pub kind: String,
    pub label: String,
    pub person: String,
    /// Its dated relations, in words.
    pub relations: Vec<String>,
}

pub struct QuestionRow {
    pub id: i64,
    pub source: String,
    pub subject: String,
    pub hit: bool,
    pub detail: String,
    pub can_request: bool,
    pub can_decide: bool,
    pub can_open: bool,
}

#[derive(Template)]
#[template(path = "signal_detail.html")]
struct DetailPage {
    shell: Shell,
    id: i64,
    reference: String,
    state: String,
    state_code: String,
    step: u8,
    received_on: String,
    channel: String,
    reporter: String,
    reporter_contact: String,
    phenomenon: String,
    indicators: Vec<String>,
    grades: String,
    tlp: String,
    description: String,
    destroy: String,
    subjects: Vec<SubjectRow>,
    steps: Vec<StepRow>,
    forms: Vec<ActionForm>,
    errors: Vec<(String, String)>,
    approved_sources: Vec<(String, String)>,
    can_ask: bool,
    questions: Vec<QuestionRow>,
    attachments: Vec<(i64, String, String)>,
    can_attach: bool,
    /// Handed to the RIEC and the actor works shared cases: offer the hand-over.
    can_hand_over: bool,
    case_meeting: Vec<(String, String)>,
    relation_kinds: Vec<(String, String)>,
    can_relate: bool,
}

fn field_label(lang: Lang, field: &str) -> String {
    lang.t(&format!("signal-field-{field}"))
}

fn record_lines(
    lang: Lang,
    protocol: &Protocol,
    r: &baken_domain::signal::StepRecord,
) -> Vec<(String, String)> {
    let mut lines = Vec::new();
    let label_list = |ids: &[String]| {
        ids.iter()
            .map(|id| {
                protocol
                    .label(id, lang.code())
                    .unwrap_or_else(|| id.clone())
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let mut push = |field: &str, value: String| {
        if !value.is_empty() {
            lines.push((field_label(lang, field), value));
        }
    };
    push("kenmerken", label_list(&r.kenmerken));
    push("verankering", label_list(&r.verankering));
    push("rode-vlaggen", label_list(&r.rode_vlaggen));
    push("ernst", label_list(&r.ernst));
    push("motivering", r.motivering.clone());
    push("doorverwezen-naar", r.doorverwezen_naar.clone());
    push("afdeling", r.afdeling.clone());
    push("bronnen", r.bronnen.join(", "));
    push("verenigbaarheid", r.verenigbaarheid.clone());
    push("noodzaak", r.noodzaak.clone());
    push("deelnemers", r.deelnemers.join(", "));
    push(
        "delen",
        r.delen
            .iter()
            .map(|s| format!("{}: {}", s.met, s.wat))
            .collect::<Vec<_>>()
            .join("; "),
    );
    push("besluit", r.besluit.clone());
    push(
        "acties",
        r.acties
            .iter()
            .map(|t| format!("{} ({}, {})", t.wat, t.eigenaar, t.deadline))
            .collect::<Vec<_>>()
            .join("; "),
    );
    push("uitkomst", r.uitkomst.clone());
    lines
}

fn widgets_for(
    lang: Lang,
    protocol: &Protocol,
    row: &baken_domain::signal::Transition,
    sources: &[(String, String)],
) -> Vec<Widget> {
    let item_options = |items: &[baken_domain::signal::config::Item]| {
        items
            .iter()
            .map(|i| {
                (
                    i.id.clone(),
                    i.tekst.get(lang.code()).to_owned(),
                    i.toelichting
                        .as_ref()
                        .map(|t| t.get(lang.code()).to_owned())
                        .unwrap_or_default(),
                )
            })
            .collect::<Vec<_>>()
    };
    let mut widgets = Vec::new();
    let widget = |field: &str,
                  kind: &'static str,
                  required: bool,
                  options: Vec<(String, String, String)>| Widget {
        name: field.to_owned(),
        label: field_label(lang, field),
        kind,
        required,
        hint: lang.t(&format!("signal-hint-{field}")),
        options,
    };
    let needs = |f: Field| row.required.contains(&f);
    if row.action == baken_domain::signal::Action::Weighing1Met {
        widgets.push(widget(
            "kenmerken",
            "checks",
            false,
            item_options(&protocol.kenmerk),
        ));
    }
    for field in row.required {
        let w = match field {
            Field::Anchoring => widget(
                field.code(),
                "checks",
                true,
                item_options(&protocol.verankering),
            ),
            Field::Severity => widget(field.code(), "checks", true, item_options(&protocol.ernst)),
            Field::Sources => widget(
                field.code(),
                "checks",
                true,
                sources
                    .iter()
                    .map(|(c, n)| (c.clone(), n.clone(), String::new()))
                    .collect(),
            ),
            Field::LegalBasis => continue,
            Field::Participants | Field::Shares | Field::Tasks => {
                widget(field.code(), "lines", true, Vec::new())
            }
            Field::ReferredTo | Field::Department => widget(field.code(), "text", true, Vec::new()),
            _ => widget(field.code(), "textarea", true, Vec::new()),
        };
        widgets.push(w);
    }
    if row.action == baken_domain::signal::Action::Weighing1Met {
        let flags = protocol
            .signalering
            .iter()
            .flat_map(|s| {
                s.rode_vlaggen.iter().map(move |f| {
                    (
                        f.id.clone(),
                        if lang == Lang::En {
                            f.en.clone()
                        } else {
                            f.nl.clone()
                        },
                        s.tekst.get(lang.code()).to_owned(),
                    )
                })
            })
            .collect();
        widgets.push(widget("rode-vlaggen", "checks", false, flags));
    }
    if !needs(Field::Reasoning) && row.required.contains(&Field::LegalBasis) {
        widgets.push(widget("motivering", "textarea", false, Vec::new()));
    }
    widgets.push(widget(
        "grondslag",
        "basis",
        needs(Field::LegalBasis),
        protocol
            .grondslag
            .iter()
            .map(|g| {
                (
                    g.id.clone(),
                    format!("{} — {}", g.artikel, g.titel.get(lang.code())),
                    g.uitleg.get(lang.code()).to_owned(),
                )
            })
            .collect(),
    ));
    widgets
}

async fn detail_page(
    state: &AppState,
    actor: &baken_store::Actor,
    ctx: &RequestContext,
    id: i64,
    errors: Vec<(String, String)>,
    notice: Option<&str>,
) -> Result<String, AppError> {
    let lang = ctx.lang;
    let d: SignalDetail = state.store.signal(actor, id).await?;
    let protocol = state.store.signal_protocol(actor).await?.protocol;
    let connected: Vec<(String, String)> = state
        .store
        .connected_sources(actor)
        .await?
        .into_iter()
        .map(|s| (s.code, s.name))
        .collect();
    let s = &d.summary;
    let forms = available(s.state, actor.permissions())
        .into_iter()
        .map(|row| ActionForm {
            code: row.action.code().to_owned(),
            label: lang.t(&format!("signal-action-{}", row.action.code())),
            to: state_label(lang, row.to),
            widgets: widgets_for(lang, &protocol, row, &connected),
        })
        .collect();
    let subject_label = |sid: i64| {
        d.subject_list
            .iter()
            .find(|x| x.id == sid)
            .map_or_else(|| sid.to_string(), |x| x.label.clone())
    };
    let mut relations = std::collections::BTreeMap::new();
    let mut related_ids = Vec::new();
    for x in &d.subject_list {
        let list = state.store.relations(actor, x.id).await?;
        related_ids.extend(list.iter().flat_map(|r| [r.from, r.to]));
        relations.insert(x.id, list);
    }
    let labels = state.store.subject_labels(actor, &related_ids).await?;
    let relation_text = |r: &baken_store::signal::Relation| {
        let label = |id: i64| labels.get(&id).cloned().unwrap_or_else(|| id.to_string());
        let until = if r.valid_until.is_empty() {
            String::new()
        } else {
            format!(" {} {}", lang.t("signal-relation-until"), r.valid_until)
        };
        format!(
            "{} {} {} ({} {}{until}; {}: {})",
            label(r.from),
            lang.t(&format!("signal-relation-{}", r.kind.code())),
            label(r.to),
            lang.t("signal-relation-since"),
            r.valid_from,
            lang.t("signal-relation-source"),
            r.source
        )
    };
    let mut case_meeting = Vec::new();
    for step in d
        .steps
        .iter()
        .filter(|st| st.to.step() == 4 || st.from.step() == 4)
    {
        case_meeting.extend(record_lines(lang, &protocol, &step.fields));
    }
    let page = DetailPage {
        shell: {
            let mut shell = Shell::build(state, ctx, "signal-title")
                .await
                .with_notice(notice);
            shell.title = format!("{} {}", lang.t("signal-title"), s.reference);
            shell
        },
        id,
        reference: s.reference.clone(),
        state: state_label(lang, s.state),
        state_code: s.state.code().to_owned(),
        step: s.state.step(),
        received_on: s.received_on.clone(),
        channel: lang.t(&format!("signal-channel-{}", s.channel.code())),
        reporter: [d.reporter_org.as_str(), d.reporter_department.as_str()]
            .iter()
            .filter(|x| !x.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(", "),
        reporter_contact: d.reporter_contact.clone().unwrap_or_default(),
        phenomenon: phenomenon_name(state, lang, &s.phenomenon),
        indicators: s
            .indicators
            .iter()
            .map(|i| {
                state
                    .matrices
                    .phenomena
                    .iter()
                    .flat_map(|p| &p.indicatoren)
                    .find(|x| &x.id == i)
                    .map_or_else(|| i.clone(), |x| x.naam.get(lang.code()).to_owned())
            })
            .collect(),
        grades: format!("{}{}", s.source_grade.code(), s.info_grade.code()),
        tlp: format!("TLP:{}", s.tlp.code().to_ascii_uppercase()),
        description: d.description.clone(),
        destroy: s.destroy_after.map(format_ms).unwrap_or_default(),
        subjects: d
            .subject_list
            .iter()
            .map(|x| SubjectRow {
                id: x.id,
                kind: kind_label(lang, x.kind),
                label: x.label.clone(),
                person: x
                    .person
                    .as_ref()
                    .map(|p| format!("{} ({})", p.name, p.birth_date))
                    .unwrap_or_default(),
                relations: relations
                    .get(&x.id)
                    .map(|list| list.iter().map(relation_text).collect())
                    .unwrap_or_default(),
            })
            .collect(),
        steps: d
            .steps
            .iter()
            .map(|st| StepRow {
                when: format_ms(st.taken_at),
                actor: st.actor.clone(),
                action: lang.t(&format!("signal-action-{}", st.action.code())),
                from: state_label(lang, st.from),
                to: state_label(lang, st.to),
                basis: protocol
                    .legal_basis(&st.legal_basis)
                    .map(|g| format!("{} — {}", g.artikel, g.titel.get(lang.code())))
                    .unwrap_or_default(),
                lines: record_lines(lang, &protocol, &st.fields),
            })
            .collect(),
        forms,
        errors,
        approved_sources: d
            .approved_sources
            .iter()
            .map(|x| (x.code.clone(), x.name.clone()))
            .collect(),
        can_ask: actor.can(Permission::AskSources) && s.state == SignalState::SourceResearch,
        questions: d
            .questions
            .iter()
            .map(|q| QuestionRow {
                id: q.id,
                source: q.source.clone(),
                subject: subject_label(q.subject_id),
                hit: q.hit,
                detail: lang.t(&format!("signal-detail-{}", q.detail.code())),
                can_request: q.hit
                    && q.detail == DetailState::NotRequested
                    && actor.can(Permission::AskSources),
                can_decide: q.detail == DetailState::Requested
                    && actor.can(Permission::ApprovePrivacyCheck),
                can_open: q.detail == DetailState::Approved
                    && actor.can(Permission::OpenSourceDetails),
            })
            .collect(),
        attachments: d
            .attachments
            .iter()
            .map(|a| {
                (
                    a.id,
                    a.name.clone(),
                    format!("{}, {} kB", a.media_type, (a.size + 1023) / 1024),
                )
            })
            .collect(),
        can_attach: actor.can(Permission::RegisterSignal) && !s.state.is_closed(),
        can_hand_over: actor.can(Permission::WorkSharedCases)
            && s.state == baken_domain::signal::State::ToRiec,
        case_meeting,
        relation_kinds: baken_domain::signal::RelationKind::ALL
            .iter()
            .map(|k| {
                (
                    k.code().to_owned(),
                    lang.t(&format!("signal-relation-{}", k.code())),
                )
            })
            .collect(),
        can_relate: actor.can(Permission::RegisterSignal) && d.subject_list.len() > 1,
    };
    Ok(page.render()?)
}

/// A refused action on a signal: its page again with the fields named (422), or the error.
async fn refused(
    state: &AppState,
    actor: &baken_store::Actor,
    ctx: &RequestContext,
    id: i64,
    error: StoreError,
) -> Result<Response, AppError> {
    let errors = match error {
        StoreError::Fields(errors) => errors
            .into_iter()
            .map(|e| (field_label(ctx.lang, &e.field), e.reason))
            .collect(),
        StoreError::Invalid { field, reason } => vec![(field_label(ctx.lang, field), reason)],
        other => return Err(other.into()),
    };
    let html = detail_page(state, actor, ctx, id, errors, None).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
}

/// `/signalen/{id}`.
pub(crate) async fn detail(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    Ok(
        Html(detail_page(&state, &actor, &ctx, id, Vec::new(), q.melding.as_deref()).await?)
            .into_response(),
    )
}

fn lines(value: &str) -> Vec<String> {
    value
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A step from a form: lists as checkboxes, shares as `met: wat` lines, actions as
/// `wat | eigenaar | YYYY-MM-DD` lines.
fn step_from_form(form: &FormFields) -> StepDraft {
    let all = |k: &str| {
        form.all(k)
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    StepDraft {
        actie: form.get("actie").to_owned(),
        motivering: form.get("motivering").to_owned(),
        grondslag: form.get("grondslag").to_owned(),
        kenmerken: all("kenmerken"),
        verankering: all("verankering"),
        rode_vlaggen: all("rode-vlaggen"),
        ernst: all("ernst"),
        doorverwezen_naar: form.get("doorverwezen-naar").to_owned(),
        afdeling: form.get("afdeling").to_owned(),
        bronnen: all("bronnen"),
        verenigbaarheid: form.get("verenigbaarheid").to_owned(),
        noodzaak: form.get("noodzaak").to_owned(),
        deelnemers: lines(form.get("deelnemers")),
        delen: lines(form.get("delen"))
            .into_iter()
            .map(|l| match l.split_once(':') {
                Some((met, wat)) => Share {
                    met: met.trim().to_owned(),
                    wat: wat.trim().to_owned(),
                },
                None => Share {
                    met: l,
                    wat: String::new(),
                },
            })
            .collect(),
        besluit: form.get("besluit").to_owned(),
        acties: lines(form.get("acties"))
            .into_iter()
            .map(|l| {
                let mut parts = l.split('|').map(str::trim);
                Task {
                    wat: parts.next().unwrap_or_default().to_owned(),
                    eigenaar: parts.next().unwrap_or_default().to_owned(),
                    deadline: parts.next().unwrap_or_default().to_owned(),
                }
            })
            .collect(),
        uitkomst: form.get("uitkomst").to_owned(),
    }
}

/// `POST /signalen/{id}/acties`: takes a step; a refused step shows the page again with the
/// fields named.
pub(crate) async fn act(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path(id): Path<i64>,
    form: FormFields,
) -> Result<Response, AppError> {
    let draft = step_from_form(&form);
    match state.store.take_step(&actor, id, &draft).await {
        Ok(_) => Ok(see_other(&format!("/signalen/{id}?melding=step-taken"))),
        Err(e) => refused(&state, &actor, &ctx, id, e).await,
    }
}

/// `POST /signalen/{id}/relaties`: records a dated relation between two of the signal's subjects.
pub(crate) async fn add_relation(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path(id): Path<i64>,
    form: FormFields,
) -> Result<Response, AppError> {
    // The signal must be the actor's organisation's (not found and audited otherwise).
    let signal = state.store.signal(&actor, id).await?;
    let from: i64 = form.get("van").parse().unwrap_or(0);
    let to: i64 = form.get("naar").parse().unwrap_or(0);
    let named = |s: i64| signal.subject_list.iter().any(|x| x.id == s);
    let draft = baken_domain::signal::RelationDraft {
        soort: form.get("soort").to_owned(),
        naar: to,
        vanaf: form.get("vanaf").to_owned(),
        tot: form.get("tot").to_owned(),
        bron: form.get("bron").to_owned(),
    };
    let result = if named(from) && named(to) && from != to {
        state
            .store
            .add_relation(&actor, from, &draft)
            .await
            .map(|_| ())
    } else {
        Err(StoreError::Invalid {
            field: "naar",
            reason: ctx.lang.t("signal-relation-two-subjects"),
        })
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/signalen/{id}?melding=relation-added"))),
        Err(e) => refused(&state, &actor, &ctx, id, e).await,
    }
}

/// `POST /signalen/{id}/bronnen/{bron}`: asks an approved source hit/no-hit.
pub(crate) async fn ask(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path((id, source)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    match state.store.ask_source(&actor, id, &source).await {
        Ok(_) => Ok(see_other(&format!("/signalen/{id}?melding=source-asked"))),
        Err(e) => refused(&state, &actor, &ctx, id, e).await,
    }
}

/// `POST /signalen/vragen/{id}/detailverzoek`.
pub(crate) async fn request_detail(
    State(state): State<AppState>,
    SignedIn(actor, _ctx): SignedIn,
    Path(question): Path<i64>,
    form: FormFields,
) -> Result<Response, AppError> {
    let signal = state
        .store
        .request_detail(&actor, question, form.get("motivering"))
        .await?;
    Ok(see_other(&format!(
        "/signalen/{signal}?melding=detail-requested"
    )))
}

/// `POST /signalen/vragen/{id}/besluit`: the privacy officer approves or refuses.
pub(crate) async fn decide_detail(
    State(state): State<AppState>,
    SignedIn(actor, _ctx): SignedIn,
    Path(question): Path<i64>,
    form: FormFields,
) -> Result<Response, AppError> {
    let signal = state
        .store
        .decide_detail(&actor, question, form.get("besluit") == "goedkeuren")
        .await?;
    Ok(see_other(&format!(
        "/signalen/{signal}?melding=detail-decided"
    )))
}

#[derive(Template)]
#[template(path = "signal_source_detail.html")]
struct SourceDetailPage {
    shell: Shell,
    records: Vec<Vec<(String, String)>>,
}

/// `/signalen/vragen/{id}/details`: an approved hit's details (audited).
pub(crate) async fn open_detail(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path(question): Path<i64>,
) -> Result<Response, AppError> {
    let records = state
        .store
        .open_detail(&actor, question)
        .await?
        .into_iter()
        .map(|m| {
            m.into_iter()
                .map(|(k, v)| (k, v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .collect();
    let page = SourceDetailPage {
        shell: Shell::build(&state, &ctx, "signal-source-detail-title").await,
        records,
    };
    Ok(Html(page.render()?).into_response())
}

/// The largest attachment accepted.
pub const MAX_ATTACHMENT_BYTES: usize = 5 * 1024 * 1024;

/// `POST /signalen/{id}/bijlagen`: a PDF, JPEG, PNG or text file; images lose their metadata.
pub(crate) async fn attach(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path(id): Path<i64>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, AppError> {
    let mut multipart = multipart_or_400(multipart)?;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| multipart_field_error(e, MAX_ATTACHMENT_BYTES))?
    {
        if field.name() == Some("bestand") {
            let name = field.file_name().unwrap_or("bijlage").to_owned();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| multipart_field_error(e, MAX_ATTACHMENT_BYTES))?;
            file = Some((name, bytes.to_vec()));
        }
    }
    let Some((name, bytes)) = file else {
        return Err(AppError::BadRequest {
            detail: ctx.lang.t("signal-error-no-file"),
            params: Vec::new(),
        });
    };
    match baken_import::attachment::check(&name, &bytes, MAX_ATTACHMENT_BYTES) {
        Ok(clean) => {
            state
                .store
                .add_attachment(&actor, id, &clean.name, clean.media_type, &clean.bytes)
                .await?;
            Ok(see_other(&format!(
                "/signalen/{id}?melding=attachment-added"
            )))
        }
        Err(problem) => {
            let error = StoreError::Invalid {
                field: "bijlage",
                reason: problem.to_string(),
            };
            refused(&state, &actor, &ctx, id, error).await
        }
    }
}

/// `/signalen/{id}/bijlagen/{bijlage}`: an attachment, as a download.
pub(crate) async fn attachment(
    State(state): State<AppState>,
    SignedIn(actor, _ctx): SignedIn,
    Path((id, attachment)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let (name, media_type, bytes) = state.store.attachment(&actor, id, attachment).await?;
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok((
        [
            (CONTENT_TYPE, media_type),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{safe}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// `/signalen/{id}/verantwoording.pdf`: the signal's whole reasoning, step by step.
pub(crate) async fn accountability_pdf(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    use baken_render::pdf::{Block, Report};
    let lang = ctx.lang;
    let d = state.store.signal(&actor, id).await?;
    let protocol = state.store.signal_protocol(&actor).await?.protocol;
    let s = &d.summary;
    let mut blocks = vec![
        Block::Note(format!(
            "{} · {} · {}",
            actor.org_name(),
            protocol.naam.get(lang.code()),
            today()
        )),
        Block::Table {
            header: vec![lang.t("signal-fact"), lang.t("signal-value")],
            rows: vec![
                vec![lang.t("signal-received"), s.received_on.clone()],
                vec![
                    lang.t("signal-channel"),
                    lang.t(&format!("signal-channel-{}", s.channel.code())),
                ],
                vec![
                    lang.t("signal-phenomenon"),
                    phenomenon_name(&state, lang, &s.phenomenon),
                ],
                vec![
                    lang.t("signal-grades"),
                    format!("{}{}", s.source_grade.code(), s.info_grade.code()),
                ],
                vec!["TLP".into(), s.tlp.code().to_ascii_uppercase()],
                vec![lang.t("signal-state"), state_label(lang, s.state)],
                vec![
                    lang.t("signal-subjects"),
                    d.subject_list
                        .iter()
                        .map(|x| x.label.clone())
                        .collect::<Vec<_>>()
                        .join("; "),
                ],
            ],
            widths: vec![0.3, 0.7],
        },
        Block::Heading(lang.t("signal-description")),
        Block::Paragraph(d.description.clone()),
        Block::Heading(lang.t("signal-timeline")),
    ];
    for st in &d.steps {
        blocks.push(Block::Paragraph(format!(
            "{} · {} · {} → {} · {}",
            format_ms(st.taken_at),
            lang.t(&format!("signal-action-{}", st.action.code())),
            state_label(lang, st.from),
            state_label(lang, st.to),
            st.actor
        )));
        let mut rows: Vec<Vec<String>> = record_lines(lang, &protocol, &st.fields)
            .into_iter()
            .map(|(k, v)| vec![k, v])
            .collect();
        if let Some(g) = protocol.legal_basis(&st.legal_basis) {
            rows.push(vec![
                field_label(lang, "grondslag"),
                format!("{} — {}", g.artikel, g.titel.get(lang.code())),
            ]);
        }
        if !rows.is_empty() {
            blocks.push(Block::Table {
                header: vec![lang.t("signal-fact"), lang.t("signal-value")],
                rows,
                widths: vec![0.3, 0.7],
            });
        }
    }
    if !d.questions.is_empty() {
        blocks.push(Block::Heading(lang.t("signal-research")));
        blocks.push(Block::Table {
            header: vec![
                lang.t("signal-source"),
                lang.t("signal-subject"),
                lang.t("signal-answer"),
                lang.t("signal-detail"),
            ],
            rows: d
                .questions
                .iter()
                .map(|q| {
                    vec![
                        q.source.clone(),
                        d.subject_list
                            .iter()
                            .find(|x| x.id == q.subject_id)
                            .map_or_else(String::new, |x| x.label.clone()),
                        if q.hit { "hit".into() } else { "no-hit".into() },
                        lang.t(&format!("signal-detail-{}", q.detail.code())),
                    ]
                })
                .collect(),
            widths: vec![0.25, 0.35, 0.15, 0.25],
        });
    }
    blocks.push(Block::Note(lang.t("signal-pdf-note")));
    let pdf = baken_render::pdf::report(&Report {
        title: format!("{} {}", lang.t("signal-accountability"), s.reference),
        language: lang.code().to_owned(),
        footer: format!(
            "{} · {} · {}",
            s.reference,
            s.tlp.code().to_ascii_uppercase(),
            actor.org_name()
        ),
        blocks,
    })
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (CONTENT_TYPE, "application/pdf".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"verantwoording-{}.pdf\"",
                    s.reference
                ),
            ),
        ],
        pdf,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use baken_domain::signal::subject::SubjectKind;
    use baken_domain::signal::{Action, Channel, Field, InfoGrade, SourceGrade, State};

    use crate::i18n::Lang;

    /// Keys made at run time from the domain's codes must exist in both languages.
    #[test]
    fn every_state_action_field_and_code_has_its_words() {
        let mut keys: Vec<String> = Vec::new();
        keys.extend(
            State::ALL
                .iter()
                .map(|s| format!("signal-state-{}", s.code())),
        );
        keys.extend(
            Action::ALL
                .iter()
                .map(|a| format!("signal-action-{}", a.code())),
        );
        for f in Field::ALL {
            keys.push(format!("signal-field-{}", f.code()));
            keys.push(format!("signal-hint-{}", f.code()));
        }
        for extra in [
            "kenmerken",
            "rode-vlaggen",
            "grondslag",
            "actie",
            "subjecten",
            "bron",
            "bijlage",
            "status",
        ] {
            keys.push(format!("signal-field-{extra}"));
        }
        keys.extend(
            Channel::ALL
                .iter()
                .map(|c| format!("signal-channel-{}", c.code())),
        );
        keys.extend(
            SubjectKind::ALL
                .iter()
                .map(|k| format!("signal-kind-{}", k.code())),
        );
        keys.extend(
            SourceGrade::ALL
                .iter()
                .map(|g| format!("signal-source-grade-{}", g.code())),
        );
        keys.extend(
            InfoGrade::ALL
                .iter()
                .map(|g| format!("signal-info-grade-{}", g.code())),
        );
        keys.extend(
            ["niet-gevraagd", "gevraagd", "goedgekeurd", "afgewezen"]
                .iter()
                .map(|d| format!("signal-detail-{d}")),
        );
        keys.extend(
            baken_domain::signal::config::ROLE_KEYS
                .iter()
                .map(|r| format!("signal-role-{r}")),
        );
        keys.extend(
            ["mijn", "open", "gesloten"]
                .iter()
                .map(|l| format!("signal-list-{l}")),
        );
        let missing: Vec<String> = keys
            .iter()
            .flat_map(|k| {
                Lang::INTERFACE
                    .iter()
                    .filter(|l| !l.has(k))
                    .map(move |l| format!("{}:{k}", l.code()))
            })
            .collect();
        assert!(missing.is_empty(), "missing: {missing:?}");
    }
}
