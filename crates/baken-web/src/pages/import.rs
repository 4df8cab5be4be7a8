//! Importing an organisation's own table in the web (`/importeren`): upload, a preview with
//! the detected format and a type per column to confirm or change, then a background job
//! whose progress survives a page reload and runs in whichever Baken process claims it.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use baken_domain::table::ColumnType;
use baken_store::StoreError;
use baken_store::job::{Job, JobStatus};
use serde_json::{Value, json};

use crate::AppState;
use crate::context::SignedIn;
use crate::error::{AppError, InvalidParam};
use crate::i18n::Lang;
use crate::pages::shell::Shell;
use crate::pages::{FormFields, format_ms, multipart_field_error, multipart_or_400, see_other};

pub struct JobRow {
    pub id: i64,
    pub file: String,
    pub dataset: String,
    pub status: String,
    pub status_kind: &'static str,
    pub when: String,
}

fn status_label(lang: Lang, status: JobStatus) -> (String, &'static str) {
    let kind = match status {
        JobStatus::Draft => "neutral",
        JobStatus::Queued | JobStatus::Running => "info",
        JobStatus::Done => "ok",
        JobStatus::Failed => "error",
    };
    (lang.t(&format!("job-status-{}", status.code())), kind)
}

fn job_row(lang: Lang, job: &Job) -> JobRow {
    let (status, status_kind) = status_label(lang, job.status);
    JobRow {
        id: job.id,
        file: job.file_name.clone(),
        dataset: job.dataset.clone().unwrap_or_default(),
        status,
        status_kind,
        when: format_ms(job.created_at),
    }
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    shell: Shell,
    jobs: Vec<JobRow>,
    max_mib: usize,
    error: Option<String>,
}

async fn overview(
    state: &AppState,
    actor: &baken_store::Actor,
    ctx: &crate::context::RequestContext,
    error: Option<String>,
) -> Result<Response, AppError> {
    let jobs = state.store.jobs(actor).await?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = ImportPage {
        shell: Shell::build(state, ctx, "import-title").await,
        jobs: jobs.iter().map(|j| job_row(ctx.lang, j)).collect(),
        max_mib: baken_store::job::MAX_JOB_FILE_BYTES / (1024 * 1024),
        error,
    };
    Ok((status, Html(page.render()?)).into_response())
}

pub(crate) async fn page(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
) -> Result<Response, AppError> {
    overview(&state, &actor, &ctx, None).await
}

/// Takes the uploaded file and keeps it as a draft job.
pub(crate) async fn upload(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let mut multipart = multipart_or_400(multipart)?;
    let mut upload: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| multipart_field_error(e, baken_store::job::MAX_JOB_FILE_BYTES))?
    {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("upload").to_owned();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| multipart_field_error(e, baken_store::job::MAX_JOB_FILE_BYTES))?;
            upload = Some((name, bytes.to_vec()));
        }
    }
    let Some((name, bytes)) = upload.filter(|(_, b)| !b.is_empty()) else {
        return overview(
            &state,
            &actor,
            &ctx,
            Some(ctx.lang.t("import-file-required")),
        )
        .await;
    };
    let kind = if statline_table(&name, &bytes).is_some() {
        "statline"
    } else {
        "table"
    };
    match state.store.create_job(&actor, kind, &name, bytes).await {
        Ok(id) => Ok(see_other(&format!("/importeren/{id}"))),
        Err(StoreError::Invalid { .. }) => {
            overview(
                &state,
                &actor,
                &ctx,
                Some(ctx.lang.t("import-file-too-large")),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The file as a CBS StatLine download, when it is one.
fn statline_table(name: &str, bytes: &[u8]) -> Option<baken_import::statline::StatlineTable> {
    let json = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    if json {
        baken_import::statline::parse_odata(name, bytes).ok()
    } else {
        baken_import::statline::parse_csv(name, bytes).ok()
    }
}

/// A column on the preview page, with the types to choose from.
pub struct ColumnChoice {
    pub index: usize,
    pub header: String,
    pub options: Vec<(&'static str, String, bool)>,
}

pub struct Problem {
    pub row: String,
    pub column: String,
    pub value: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "job.html")]
struct JobPage {
    shell: Shell,
    job: JobRow,
    draft: bool,
    running: bool,
    format: String,
    rows_label: String,
    columns: Vec<ColumnChoice>,
    preview: Vec<Vec<String>>,
    headers: Vec<String>,
    dataset: String,
    preview_error: Option<String>,
    progress: Option<(i64, i64, i64)>,
    outcome: Option<String>,
    problems: Vec<Problem>,
    form_error: Option<String>,
    statline_title: String,
    unmatched: Vec<String>,
}

/// A dataset name proposed from a file name: `Eigen telling.csv` → `eigen-telling`.
fn dataset_from_name(file_name: &str) -> String {
    let stem = file_name
        .rsplit_once('.')
        .map_or(file_name, |(stem, _)| stem)
        .to_lowercase();
    let mut out = String::new();
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').chars().take(60).collect()
}

fn parse_id(raw: &str) -> Result<i64, AppError> {
    raw.parse::<i64>().map_err(|_| AppError::NotFound)
}

/// Reads the job's file for the preview: in a private scratch directory (removed when done,
/// also on errors) and off the async threads, since a large file takes a while.
async fn preview(bytes: Vec<u8>) -> Result<(String, baken_import::table::Inference), String> {
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::TempDir::with_prefix("baken-preview-").map_err(|e| e.to_string())?;
        let path = dir.path().join("upload");
        std::fs::write(&path, &bytes).map_err(|e| e.to_string())?;
        drop(bytes);
        let file = baken_import::table::TableFile::open(&path, None).map_err(|e| e.to_string())?;
        let inference = baken_import::table::infer(&file, &[]).map_err(|e| e.to_string())?;
        Ok((file.format(), inference))
    })
    .await
    .map_err(|e| e.to_string())?
}

async fn render_job(
    state: &AppState,
    actor: &baken_store::Actor,
    ctx: &crate::context::RequestContext,
    id: i64,
    form_error: Option<String>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let job = state.store.job(actor, id).await?;
    let mut page = JobPage {
        shell: Shell::build(state, ctx, "job-title").await,
        job: job_row(lang, &job),
        draft: job.status == JobStatus::Draft,
        running: matches!(job.status, JobStatus::Queued | JobStatus::Running),
        format: String::new(),
        rows_label: String::new(),
        columns: Vec::new(),
        preview: Vec::new(),
        headers: Vec::new(),
        dataset: job.dataset.clone().unwrap_or_default(),
        preview_error: None,
        progress: None,
        outcome: None,
        problems: Vec::new(),
        form_error: form_error.clone(),
        statline_title: String::new(),
        unmatched: Vec::new(),
    };
    if page.draft && job.kind == "statline" {
        let bytes = state.store.job_file(actor, id).await?;
        if let Some(table) = statline_table(&job.file_name, &bytes) {
            let areas: Vec<baken_import::statline::KnownArea> = state
                .store
                .known_areas()
                .await?
                .into_iter()
                .filter_map(|(code, name)| {
                    baken_domain::area::AreaCode::parse(&code)
                        .ok()
                        .map(|code| baken_import::statline::KnownArea { code, name })
                })
                .collect();
            let resolved = baken_import::statline::resolve(&table, &areas);
            page.format = format!("{} ({})", table.format, table.encoding.name());
            page.statline_title = table.title.clone();
            page.rows_label = lang.t_args(
                "import-statline-figures",
                &[
                    ("rows", table.rows.to_string()),
                    ("figures", resolved.observations.len().to_string()),
                ],
            );
            page.unmatched = resolved
                .unmatched
                .iter()
                .take(50)
                .map(|(line, region)| format!("{line}: {region}"))
                .collect();
            page.problems = resolved
                .errors
                .iter()
                .take(50)
                .map(|e| Problem {
                    row: e.row.to_string(),
                    column: e.column.clone(),
                    value: e.value.clone(),
                    reason: e.reason.clone(),
                })
                .collect();
            if page.dataset.is_empty() {
                page.dataset = dataset_from_name(&job.file_name);
            }
        } else {
            page.preview_error = Some(lang.t("import-statline-unreadable"));
        }
    } else if page.draft {
        let bytes = state.store.job_file(actor, id).await?;
        match preview(bytes).await {
            Ok((format, inference)) => {
                page.format = format;
                page.rows_label = lang.t_args(
                    if inference.complete {
                        "import-rows"
                    } else {
                        "import-rows-about"
                    },
                    &[("rows", inference.estimated_rows.to_string())],
                );
                page.headers = inference.columns.iter().map(|c| c.header.clone()).collect();
                page.preview = inference.preview.iter().take(8).cloned().collect();
                page.columns = inference
                    .columns
                    .iter()
                    .enumerate()
                    .map(|(index, c)| ColumnChoice {
                        index,
                        header: c.header.clone(),
                        options: ColumnType::ALL
                            .iter()
                            .map(|t| {
                                (
                                    t.code(),
                                    lang.t(&format!("column-type-{}", t.code())),
                                    *t == c.kind,
                                )
                            })
                            .collect(),
                    })
                    .collect();
                if page.dataset.is_empty() {
                    page.dataset = dataset_from_name(&job.file_name);
                }
            }
            Err(e) => page.preview_error = Some(e),
        }
    } else if page.running {
        let pct = if job.progress_total > 0 {
            (job.progress_done * 100 / job.progress_total).min(100)
        } else {
            0
        };
        page.progress = Some((job.progress_done, job.progress_total, pct));
    } else if let Some(message) = &job.message {
        let v: Value = serde_json::from_str(message).unwrap_or(Value::Null);
        page.outcome = Some(match v["outcome"].as_str() {
            Some("stored") => lang.t_args(
                "job-stored",
                &[
                    ("rows", v["rows"].to_string()),
                    ("figures", v["figures"].to_string()),
                    (
                        "dataset",
                        v["dataset"].as_str().unwrap_or_default().to_owned(),
                    ),
                ],
            ),
            Some("unchanged") => lang.t("job-unchanged"),
            Some("problems") => lang.t_args("job-problems", &[("total", v["total"].to_string())]),
            _ => lang.t_args(
                "job-error",
                &[(
                    "detail",
                    v["detail"].as_str().unwrap_or_default().to_owned(),
                )],
            ),
        });
        page.problems = v["problems"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|p| Problem {
                        row: p["row"].to_string(),
                        column: p["column"].as_str().unwrap_or_default().to_owned(),
                        value: p["value"].as_str().unwrap_or_default().to_owned(),
                        reason: p["reason"].as_str().unwrap_or_default().to_owned(),
                    })
                    .collect()
            })
            .unwrap_or_default();
    }
    let status = if form_error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, Html(page.render()?)).into_response())
}

pub(crate) async fn job(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    render_job(&state, &actor, &ctx, parse_id(&id)?, None).await
}

/// Confirms the preview: the dataset name and a type per column; the job is queued.
pub(crate) async fn confirm(
    State(state): State<AppState>,
    SignedIn(actor, ctx): SignedIn,
    Path(id): Path<String>,
    form: FormFields,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let dataset = form.get("dataset").trim().to_owned();
    let valid = (2..=60).contains(&dataset.len())
        && dataset
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !dataset.starts_with('-');
    if !valid {
        return render_job(
            &state,
            &actor,
            &ctx,
            id,
            Some(ctx.lang.t("import-dataset-invalid")),
        )
        .await;
    }
    let job = state.store.job(&actor, id).await?;
    if job.kind == "statline" {
        return match state
            .store
            .queue_job(&actor, id, &dataset, &json!({}))
            .await
        {
            Ok(()) => Ok(see_other(&format!("/importeren/{id}"))),
            Err(StoreError::Invalid { .. }) => {
                render_job(
                    &state,
                    &actor,
                    &ctx,
                    id,
                    Some(ctx.lang.t("import-not-draft")),
                )
                .await
            }
            Err(e) => Err(e.into()),
        };
    }
    let bytes = state.store.job_file(&actor, id).await?;
    let headers: Vec<String> = match preview(bytes).await {
        Ok((_, inference)) => inference.columns.iter().map(|c| c.header.clone()).collect(),
        Err(detail) => {
            return Err(AppError::Unprocessable {
                params: vec![InvalidParam {
                    name: "file".into(),
                    reason: detail,
                }],
            });
        }
    };
    let mut columns = serde_json::Map::new();
    for (i, header) in headers.iter().enumerate() {
        let chosen = form.get(&format!("type_{i}"));
        if let Some(t) = ColumnType::from_code(chosen) {
            columns.insert(header.clone(), json!(t.code()));
        }
    }
    match state
        .store
        .queue_job(&actor, id, &dataset, &json!({ "columns": columns }))
        .await
    {
        Ok(()) => Ok(see_other(&format!("/importeren/{id}"))),
        Err(StoreError::Invalid { .. }) => {
            render_job(
                &state,
                &actor,
                &ctx,
                id,
                Some(ctx.lang.t("import-not-draft")),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
