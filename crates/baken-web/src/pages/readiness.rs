//! Readiness (`/gereedheid`): the e-learning with quizzes and feedback on every answer, and
//! the self-assessment in team rounds: each member answers, the results combine into a score
//! per dimension with its spread, a radar chart, the questions the team disagrees on, advice
//! per dimension, history, and an anonymous comparison when enough organisations took part.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use baken_domain::readiness::{
    comparison, dimension_scores, strongest_and_weakest, team_result, validate_answers,
};
use baken_render::radar::{Radar, RadarSeries};

use crate::AppState;
use crate::context::{RequestContext, SignedIn};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::see_other;
use crate::pages::shell::Shell;

fn render_lang(lang: Lang) -> baken_render::format::Lang {
    match lang {
        Lang::Nl => baken_render::format::Lang::Nl,
        Lang::En | Lang::De | Lang::Fr => baken_render::format::Lang::En,
    }
}

fn score_text(v: Option<f64>, lang: Lang) -> String {
    v.map_or_else(
        || "–".to_owned(),
        |v| baken_render::format::number(v, 1, render_lang(lang)),
    )
}

pub struct ModuleRow {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub minutes: u32,
    pub answered: usize,
    pub correct: usize,
    pub questions: usize,
}

pub struct RoundRow {
    pub id: i64,
    pub started: String,
    pub by: String,
    pub responses: i64,
    pub open: bool,
    pub answered: bool,
    /// The team's score per dimension, for the history side by side.
    pub scores: Vec<String>,
}

#[derive(Template)]
#[template(path = "readiness.html")]
struct OverviewPage {
    shell: Shell,
    modules: Vec<ModuleRow>,
    rounds: Vec<RoundRow>,
    questions: usize,
    dimensions: Vec<String>,
}

/// `/gereedheid`.
pub(crate) async fn overview(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let progress = state.store.course_progress(&actor).await?;
    let modules = state
        .course
        .modules
        .iter()
        .map(|m| ModuleRow {
            id: m.id.clone(),
            title: m.titel.get(lang.code()).to_owned(),
            summary: m.samenvatting.get(lang.code()).to_owned(),
            minutes: m.minuten,
            answered: m
                .vragen
                .iter()
                .filter(|q| progress.contains_key(&q.id))
                .count(),
            correct: m
                .vragen
                .iter()
                .filter(|q| progress.get(&q.id).is_some_and(|(_, ok)| *ok))
                .count(),
            questions: m.vragen.len(),
        })
        .collect();
    let mut rounds = Vec::new();
    for r in state.store.readiness_rounds(&actor).await? {
        let (answers, _) = state.store.readiness_answers(&actor, r.id).await?;
        let team = team_result(&state.scan, &answers);
        rounds.push(RoundRow {
            id: r.id,
            started: crate::pages::format_ms(r.started_at),
            by: r.started_by,
            responses: r.responses,
            open: r.closed_at.is_none(),
            answered: r.answered,
            scores: team
                .dimensions
                .iter()
                .map(|(_, m, _)| score_text(*m, lang))
                .collect(),
        });
    }
    let page = OverviewPage {
        shell: Shell::build(&state, &ctx, "readiness-title").await,
        modules,
        rounds,
        questions: state.scan.question_count(),
        dimensions: state
            .scan
            .dimensies
            .iter()
            .map(|d| d.naam.get(lang.code()).to_owned())
            .collect(),
    };
    Ok(Html(page.render()?).into_response())
}

/// `POST /gereedheid/rondes`: starts a team round.
pub(crate) async fn start_round(
    State(state): State<AppState>,
    SignedIn(actor, _ctx): SignedIn,
) -> Result<Response, AppError> {
    let id = state.store.start_readiness_round(&actor, "").await?;
    Ok(see_other(&format!("/gereedheid/rondes/{id}")))
}

pub struct QuestionView {
    pub id: String,
    pub text: String,
    pub levels: Vec<String>,
    pub chosen: u8,
}

pub struct DimensionForm {
    pub name: String,
    pub description: String,
    pub questions: Vec<QuestionView>,
}

#[derive(Template)]
#[template(path = "readiness_round.html")]
struct RoundPage {
    shell: Shell,
    id: i64,
    open: bool,
    dimensions: Vec<DimensionForm>,
    errors: Vec<String>,
}

async fn round_page(
    state: &AppState,
    actor: &baken_store::Actor,
    ctx: &RequestContext,
    id: i64,
    given: Option<&BTreeMap<String, u8>>,
    errors: Vec<String>,
) -> Result<String, AppError> {
    let lang = ctx.lang;
    let rounds = state.store.readiness_rounds(actor).await?;
    let (_, own) = state.store.readiness_answers(actor, id).await?;
    let open = rounds
        .iter()
        .find(|r| r.id == id)
        .is_some_and(|r| r.closed_at.is_none());
    let answers = given.cloned().or(own).unwrap_or_default();
    let dimensions = state
        .scan
        .dimensies
        .iter()
        .map(|d| DimensionForm {
            name: d.naam.get(lang.code()).to_owned(),
            description: d.omschrijving.get(lang.code()).to_owned(),
            questions: d
                .vragen
                .iter()
                .map(|q| QuestionView {
                    id: q.id.clone(),
                    text: q.tekst.get(lang.code()).to_owned(),
                    levels: q
                        .niveaus
                        .iter()
                        .map(|l| l.get(lang.code()).to_owned())
                        .collect(),
                    chosen: answers.get(&q.id).copied().unwrap_or(0),
                })
                .collect(),
        })
        .collect();
    let mut shell = Shell::build(state, ctx, "readiness-round-title").await;
    shell.title = format!("{} {id}", lang.t("readiness-round-title"));
    Ok(RoundPage {
        shell,
        id,
        open,
        dimensions,
        errors,
    }
    .render()?)
}

/// `/gereedheid/rondes/{id}`: the questions of a round, as the actor answered them so far.
pub(crate) async fn round(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    Ok(Html(round_page(&state, &actor, &ctx, id, None, Vec::new()).await?).into_response())
}

/// `POST /gereedheid/rondes/{id}`: the actor's answers; every problem is named.
pub(crate) async fn answer(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path(id): Path<i64>,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let mut answers = BTreeMap::new();
    let mut errors = Vec::new();
    for (k, v) in fields.iter().filter(|(k, _)| k != "csrf") {
        match v.trim().parse::<u8>() {
            Ok(level) => {
                answers.insert(k.clone(), level);
            }
            Err(_) => errors.push(format!("{k}: {}", ctx.lang.t("readiness-error-level"))),
        }
    }
    if let Err(problems) = validate_answers(&state.scan, &answers) {
        errors.extend(
            problems
                .into_iter()
                .map(|p| format!("{}: {}", p.question, p.reason)),
        );
    }
    if errors.is_empty() {
        match state
            .store
            .submit_readiness_answers(&actor, id, &answers)
            .await
        {
            Ok(()) => return Ok(see_other(&format!("/gereedheid/rondes/{id}/uitslag"))),
            Err(baken_store::StoreError::Invalid { reason, .. }) => errors.push(reason),
            Err(e) => return Err(e.into()),
        }
    }
    let html = round_page(&state, &actor, &ctx, id, Some(&answers), errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
}

/// `POST /gereedheid/rondes/{id}/sluiten`.
pub(crate) async fn close_round(
    State(state): State<AppState>,
    SignedIn(actor, _ctx): SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    state.store.close_readiness_round(&actor, id).await?;
    Ok(see_other(&format!("/gereedheid/rondes/{id}/uitslag")))
}

pub struct DimensionResult {
    pub name: String,
    pub own: String,
    pub team: String,
    pub spread: String,
    pub previous: String,
    pub others: String,
    pub advice: String,
    pub links: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "readiness_results.html")]
struct ResultsPage {
    shell: Shell,
    id: i64,
    open: bool,
    respondents: usize,
    radar: String,
    rows: Vec<DimensionResult>,
    strongest: String,
    weakest: String,
    weakest_advice: String,
    weakest_links: Vec<(String, String)>,
    disagreements: Vec<(String, String)>,
    compared: bool,
}

/// `/gereedheid/rondes/{id}/uitslag`: the team's result.
pub(crate) async fn results(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let scan = &state.scan;
    let (all, own) = state.store.readiness_answers(&actor, id).await?;
    let rounds = state.store.readiness_rounds(&actor).await?;
    let open = rounds
        .iter()
        .find(|r| r.id == id)
        .is_some_and(|r| r.closed_at.is_none());
    let team = team_result(scan, &all);
    let own_scores = own.as_ref().map(|a| dimension_scores(scan, a));
    // The previous round of the organisation, for history.
    let previous = match rounds.iter().filter(|r| r.id < id).map(|r| r.id).max() {
        Some(p) => {
            let (answers, _) = state.store.readiness_answers(&actor, p).await?;
            Some(team_result(scan, &answers))
        }
        None => None,
    };
    // Other organisations, each one score per dimension (its team mean), shown from five on.
    let others: Vec<Vec<(String, Option<f64>)>> = state
        .store
        .readiness_others(&actor)
        .await?
        .iter()
        .map(|answers| {
            team_result(scan, answers)
                .dimensions
                .into_iter()
                .map(|(d, m, _)| (d, m))
                .collect()
        })
        .collect();
    let compared = comparison(&others);
    let team_means: Vec<(String, Option<f64>)> = team
        .dimensions
        .iter()
        .map(|(d, m, _)| (d.clone(), *m))
        .collect();
    let links_of = |d: &baken_domain::readiness::Dimension| {
        d.links
            .iter()
            .map(|l| (l.pad.clone(), l.label.get(lang.code()).to_owned()))
            .collect::<Vec<_>>()
    };
    let rows = scan
        .dimensies
        .iter()
        .enumerate()
        .map(|(i, d)| DimensionResult {
            name: d.naam.get(lang.code()).to_owned(),
            own: score_text(own_scores.as_ref().and_then(|s| s[i].1), lang),
            team: score_text(team.dimensions[i].1, lang),
            spread: score_text(team.dimensions[i].2, lang),
            previous: score_text(previous.as_ref().and_then(|p| p.dimensions[i].1), lang),
            others: score_text(compared.as_ref().and_then(|c| c[i].1), lang),
            advice: d.advies.get(lang.code()).to_owned(),
            links: links_of(d),
        })
        .collect();
    let (strongest, weakest) = strongest_and_weakest(&team_means).unwrap_or_default();
    let name_of = |id: &str| {
        scan.dimension(id)
            .map(|d| d.naam.get(lang.code()).to_owned())
            .unwrap_or_default()
    };
    let weak = scan.dimension(&weakest);
    let mut series = vec![RadarSeries {
        name: lang.t("readiness-team"),
        values: team_means.iter().map(|(_, m)| *m).collect(),
        emphasis: true,
    }];
    if let Some(p) = &previous {
        series.push(RadarSeries {
            name: lang.t("readiness-previous"),
            values: p.dimensions.iter().map(|(_, m, _)| *m).collect(),
            emphasis: false,
        });
    }
    if let Some(c) = &compared {
        series.push(RadarSeries {
            name: lang.t("readiness-others"),
            values: c.iter().map(|(_, m)| *m).collect(),
            emphasis: false,
        });
    }
    let title = lang.t("readiness-radar-title");
    let description = lang.t("readiness-radar-desc");
    let radar = Radar {
        id_prefix: "radar",
        title: &title,
        description: &description,
        axes: scan
            .dimensies
            .iter()
            .map(|d| d.naam.get(lang.code()).to_owned())
            .collect(),
        series,
        lang: render_lang(lang),
    }
    .render();
    let disagreements = team
        .disagreements
        .iter()
        .take(5)
        .filter_map(|(q, s)| {
            scan.question(q).map(|(_, question)| {
                (
                    question.tekst.get(lang.code()).to_owned(),
                    score_text(Some(*s), lang),
                )
            })
        })
        .collect();
    let mut shell = Shell::build(&state, &ctx, "readiness-results-title").await;
    shell.title = format!("{} {id}", lang.t("readiness-results-title"));
    let page = ResultsPage {
        shell,
        id,
        open,
        respondents: team.respondents,
        radar,
        rows,
        strongest: name_of(&strongest),
        weakest: name_of(&weakest),
        weakest_advice: weak
            .map(|d| d.advies.get(lang.code()).to_owned())
            .unwrap_or_default(),
        weakest_links: weak.map(links_of).unwrap_or_default(),
        disagreements,
        compared: compared.is_some(),
    };
    Ok(Html(page.render()?).into_response())
}

pub struct AnswerView {
    pub index: usize,
    pub text: String,
    pub chosen: bool,
}

pub struct QuizView {
    pub id: String,
    pub question: String,
    pub answers: Vec<AnswerView>,
    /// After an answer: whether it was right, and the feedback on that answer.
    pub feedback: Option<(bool, String)>,
}

#[derive(Template)]
#[template(path = "readiness_module.html")]
struct ModulePage {
    shell: Shell,
    id: String,
    summary: String,
    link: String,
    sections: Vec<(String, Vec<String>)>,
    quizzes: Vec<QuizView>,
    answered: usize,
    correct: usize,
}

/// `/gereedheid/leren/{module}`: the sections to read and the quiz, with feedback on the
/// answers given.
pub(crate) async fn module(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let m = state.course.module(&id).ok_or_else(|| AppError::Absent {
        detail: format!(
            "unknown module {id:?}; modules: {}",
            state
                .course
                .modules
                .iter()
                .map(|m| m.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    })?;
    let progress = state.store.course_progress(&actor).await?;
    let quizzes: Vec<QuizView> = m
        .vragen
        .iter()
        .map(|q| {
            let given = progress.get(&q.id).map(|(a, _)| *a);
            QuizView {
                id: q.id.clone(),
                question: q.vraag.get(lang.code()).to_owned(),
                answers: q
                    .antwoorden
                    .iter()
                    .enumerate()
                    .map(|(i, a)| AnswerView {
                        index: i,
                        text: a.tekst.get(lang.code()).to_owned(),
                        chosen: given == Some(i as i64),
                    })
                    .collect(),
                feedback: given
                    .and_then(|g| usize::try_from(g).ok())
                    .and_then(|g| q.antwoorden.get(g))
                    .map(|a| (a.juist, a.feedback.get(lang.code()).to_owned())),
            }
        })
        .collect();
    let answered = quizzes.iter().filter(|q| q.feedback.is_some()).count();
    let correct = quizzes
        .iter()
        .filter(|q| q.feedback.as_ref().is_some_and(|(ok, _)| *ok))
        .count();
    let mut shell = Shell::build(&state, &ctx, "readiness-course").await;
    shell.title = m.titel.get(lang.code()).to_owned();
    let page = ModulePage {
        shell,
        id: m.id.clone(),
        summary: m.samenvatting.get(lang.code()).to_owned(),
        link: m.link.clone(),
        sections: m
            .secties
            .iter()
            .map(|s| {
                (
                    s.titel.get(lang.code()).to_owned(),
                    s.tekst
                        .get(lang.code())
                        .split("\n\n")
                        .map(|p| p.trim().to_owned())
                        .filter(|p| !p.is_empty())
                        .collect(),
                )
            })
            .collect(),
        quizzes,
        answered,
        correct,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct QuizForm {
    #[serde(default)]
    pub antwoord: String,
}

/// `POST /gereedheid/leren/{module}/{quiz}`: records the answer; the page shows its feedback.
pub(crate) async fn answer_quiz(
    State(state): State<AppState>,
    SignedIn(actor, _ctx): SignedIn,
    Path((module_id, quiz_id)): Path<(String, String)>,
    axum::Form(form): axum::Form<QuizForm>,
) -> Result<Response, AppError> {
    let quiz = state
        .course
        .module(&module_id)
        .and_then(|m| m.vragen.iter().find(|q| q.id == quiz_id))
        .ok_or_else(|| AppError::Absent {
            detail: format!("no question {quiz_id:?} in module {module_id:?}"),
        })?;
    let index: usize = form
        .antwoord
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest {
            detail: "choose one of the answers".into(),
            params: vec![crate::error::InvalidParam {
                name: "antwoord".into(),
                reason: format!("0 to {}", quiz.antwoorden.len().saturating_sub(1)),
            }],
        })?;
    let Some(answer) = quiz.antwoorden.get(index) else {
        return Err(AppError::BadRequest {
            detail: "not one of the answers".into(),
            params: vec![crate::error::InvalidParam {
                name: "antwoord".into(),
                reason: format!("0 to {}", quiz.antwoorden.len().saturating_sub(1)),
            }],
        });
    };
    state
        .store
        .record_course_answer(&actor, &module_id, &quiz_id, index as i64, answer.juist)
        .await?;
    Ok(see_other(&format!(
        "/gereedheid/leren/{module_id}#{quiz_id}"
    )))
}

/// `/gereedheid/rondes/{id}/rapport.pdf`: the round's result as a PDF report.
pub(crate) async fn report_pdf(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
    use baken_render::pdf::{Block, Report};
    let lang = ctx.lang;
    let scan = &state.scan;
    let (all, _) = state.store.readiness_answers(&actor, id).await?;
    let team = team_result(scan, &all);
    let means: Vec<(String, Option<f64>)> = team
        .dimensions
        .iter()
        .map(|(d, m, _)| (d.clone(), *m))
        .collect();
    let today = time::OffsetDateTime::now_utc().date().to_string();
    let mut blocks = vec![Block::Note(format!(
        "{} · {}: {} · {today}",
        actor.org_name(),
        lang.t("readiness-respondents"),
        team.respondents
    ))];
    let title = lang.t("readiness-radar-title");
    let description = lang.t("readiness-radar-desc");
    blocks.push(Block::Svg {
        markup: Radar {
            id_prefix: "rapport-radar",
            title: &title,
            description: &description,
            axes: scan
                .dimensies
                .iter()
                .map(|d| d.naam.get(lang.code()).to_owned())
                .collect(),
            series: vec![RadarSeries {
                name: lang.t("readiness-team"),
                values: means.iter().map(|(_, m)| *m).collect(),
                emphasis: true,
            }],
            lang: render_lang(lang),
        }
        .render(),
        width: 0.6,
    });
    blocks.push(Block::Table {
        header: vec![
            lang.t("readiness-dimension"),
            lang.t("readiness-team"),
            lang.t("readiness-spread"),
        ],
        rows: scan
            .dimensies
            .iter()
            .zip(&team.dimensions)
            .map(|(d, (_, m, s))| {
                vec![
                    d.naam.get(lang.code()).to_owned(),
                    score_text(*m, lang),
                    score_text(*s, lang),
                ]
            })
            .collect(),
        widths: vec![0.6, 0.2, 0.2],
    });
    if let Some((strong, weak)) = strongest_and_weakest(&means) {
        let name = |id: &str| {
            scan.dimension(id)
                .map(|d| d.naam.get(lang.code()).to_owned())
                .unwrap_or_default()
        };
        blocks.push(Block::Paragraph(format!(
            "{}: {} · {}: {}",
            lang.t("readiness-strongest"),
            name(&strong),
            lang.t("readiness-weakest"),
            name(&weak)
        )));
    }
    blocks.push(Block::Heading(lang.t("readiness-advice")));
    for (d, (_, m, _)) in scan.dimensies.iter().zip(&team.dimensions) {
        blocks.push(Block::Paragraph(format!(
            "{} ({}): {}",
            d.naam.get(lang.code()),
            score_text(*m, lang),
            d.advies.get(lang.code())
        )));
    }
    let report = Report {
        title: format!("{} {id}", lang.t("readiness-results-title")),
        language: lang.code().to_owned(),
        footer: format!("Baken · {} · {today}", lang.t("readiness-title")),
        blocks,
    };
    let pdf = tokio::task::spawn_blocking(move || baken_render::pdf::report(&report))
        .await
        .map_err(|e| AppError::Internal(format!("report: {e}")))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (CONTENT_TYPE, "application/pdf".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"baken-zelfscan-{id}.pdf\""),
            ),
        ],
        pdf,
    )
        .into_response())
}
