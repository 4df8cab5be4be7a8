//! The background worker of `baken serve`: it claims queued jobs from the database (so any
//! Baken process may run any job), runs them with the rights of the user who started them,
//! and records progress and outcome where every process and page can see them.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};
use baken_domain::table::ColumnType;
use baken_store::Store;
use baken_store::dataset::Importer;
use baken_store::job::ClaimedJob;
use serde_json::{Value, json};

use crate::pipeline::{TableOutcome, run_table};

/// A job whose worker has not reported for this long is given to another.
const STALE_AFTER_MS: i64 = 5 * 60 * 1000;

/// Runs forever: claims and runs jobs, one at a time.
pub async fn run(store: Store) {
    let me = format!("baken-{}", std::process::id());
    loop {
        if let Err(e) = store.requeue_stale_jobs(STALE_AFTER_MS).await {
            tracing::warn!(error = %e, "requeueing stale jobs failed");
        }
        match store.claim_job(&me).await {
            Ok(Some(job)) => {
                let id = job.id;
                let outcome = run_job(&store, job).await;
                let (ok, message) = match outcome {
                    Ok((ok, message)) => (ok, message),
                    Err(e) => (
                        false,
                        json!({ "outcome": "error", "detail": format!("{e:#}") }),
                    ),
                };
                if let Err(e) = store.finish_job(id, ok, &message.to_string()).await {
                    tracing::error!(error = %e, job = id, "recording the outcome of a job failed");
                }
            }
            Ok(None) => tokio::time::sleep(Duration::from_secs(2)).await,
            Err(e) => {
                tracing::warn!(error = %e, "claiming a job failed");
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        }
    }
}

/// The options a user chose on the preview page: `{"sheet": …, "columns": {"header": "type"}}`.
pub fn overrides(options: &Value) -> Vec<(String, ColumnType)> {
    options["columns"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(h, t)| {
                    t.as_str()
                        .and_then(ColumnType::from_code)
                        .map(|t| (h.clone(), t))
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn import_file(
    store: Store,
    actor: baken_store::Actor,
    path: std::path::PathBuf,
    options: Value,
    dataset_code: String,
    job_id: i64,
    file_name: String,
) -> Result<TableOutcome> {
    let file = baken_import::table::TableFile::open(&path, options["sheet"].as_str())?;
    let inference = baken_import::table::infer(&file, &overrides(&options))?;
    let dataset = baken_domain::dataset::Dataset {
        code: dataset_code.clone(),
        title: format!("{dataset_code} ({file_name})"),
        source: format!("{} (own data)", actor.org_name()),
        licence: "own data of the organisation".to_owned(),
    };
    let done = Arc::new(AtomicU64::new(0));
    let total = inference.estimated_rows;
    let ticker = {
        let (store, done) = (store.clone(), done.clone());
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                let _ = store
                    .job_progress(job_id, done.load(Ordering::Relaxed), total)
                    .await;
            }
        })
    };
    let counter = done.clone();
    let outcome = run_table(
        &store,
        Importer::Actor(&actor),
        None,
        file,
        &inference,
        &dataset,
        false,
        move |rows| counter.store(rows, Ordering::Relaxed),
    )
    .await;
    ticker.abort();
    let rows = done.load(Ordering::Relaxed);
    store.job_progress(job_id, rows, rows).await?;
    outcome
}

/// A StatLine download uploaded in the web: matched to the areas, stored all or nothing as
/// the organisation's dataset.
async fn import_statline(
    store: &Store,
    actor: &baken_store::Actor,
    job: &ClaimedJob,
    dataset_code: &str,
) -> Result<(bool, Value)> {
    use baken_import::statline::{KnownArea, parse_csv, parse_odata, resolve};
    let json = job.file_bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    let table = if json {
        parse_odata(&job.file_name, &job.file_bytes)?
    } else {
        parse_csv(&job.file_name, &job.file_bytes)?
    };
    let areas: Vec<KnownArea> = store
        .known_areas()
        .await?
        .into_iter()
        .filter_map(|(code, name)| {
            baken_domain::area::AreaCode::parse(&code)
                .ok()
                .map(|code| KnownArea { code, name })
        })
        .collect();
    let resolved = resolve(&table, &areas);
    if !resolved.errors.is_empty() {
        return Ok((
            false,
            json!({
                "outcome": "problems",
                "total": resolved.errors.len(),
                "problems": resolved.errors.iter().take(50).map(|p| json!({
                    "row": p.row, "column": p.column, "value": p.value, "reason": p.reason,
                })).collect::<Vec<_>>(),
            }),
        ));
    }
    let source = table.source.clone().map_or_else(
        || "CBS StatLine".to_owned(),
        |s| format!("{s}, via CBS StatLine"),
    );
    let dataset = baken_domain::dataset::Dataset {
        code: dataset_code.to_owned(),
        title: table.title.clone(),
        source: source.clone(),
        licence: "CC-BY 4.0 (Bron: CBS)".to_owned(),
    };
    let provenance = baken_domain::dataset::Provenance {
        file_name: job.file_name.clone(),
        checksum: baken_import::checksum(&job.file_bytes),
        dataset: Some(dataset_code.to_owned()),
        source,
        licence: dataset.licence.clone(),
        rows_read: table.rows,
    };
    store.job_progress(job.id, table.rows, table.rows).await?;
    let outcome = store
        .import_observations(
            Importer::Actor(actor),
            "statline",
            &dataset,
            &provenance,
            &resolved.observations,
        )
        .await?;
    Ok(if outcome.already_imported {
        (true, json!({ "outcome": "unchanged" }))
    } else {
        (
            true,
            json!({ "outcome": "stored", "rows": table.rows, "figures": outcome.stored, "dataset": dataset_code }),
        )
    })
}

async fn run_job(store: &Store, job: ClaimedJob) -> Result<(bool, Value)> {
    let Some(actor) = job.actor.clone() else {
        return Ok((
            false,
            json!({ "outcome": "error", "detail": "the user who started the job is no longer active" }),
        ));
    };
    let options: Value = serde_json::from_str(&job.options).unwrap_or(Value::Null);
    let dataset_code = job.dataset.clone().context("the job names no dataset")?;
    if job.kind == "statline" {
        return import_statline(store, &actor, &job, &dataset_code).await;
    }
    // A private scratch directory (random name, owner only), removed when dropped, also on
    // errors.
    let dir = tempfile::TempDir::with_prefix("baken-job-")?;
    let safe_name: String = job
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let path = dir.path().join(format!("upload-{safe_name}"));
    std::fs::write(&path, &job.file_bytes)?;
    let result = import_file(
        store.clone(),
        actor,
        path.clone(),
        options,
        dataset_code.clone(),
        job.id,
        job.file_name.clone(),
    )
    .await;
    drop(dir);
    Ok(match result? {
        TableOutcome::AlreadyImported => (true, json!({ "outcome": "unchanged" })),
        TableOutcome::Checked { rows, figures } | TableOutcome::Stored { rows, figures } => (
            true,
            json!({ "outcome": "stored", "rows": rows, "figures": figures, "dataset": dataset_code }),
        ),
        TableOutcome::Problems { total, shown } => (
            false,
            json!({
                "outcome": "problems",
                "total": total,
                "problems": shown.iter().take(50).map(|p| json!({
                    "row": p.row, "column": p.column, "value": p.value.chars().take(60).collect::<String>(), "reason": p.reason,
                })).collect::<Vec<_>>(),
            }),
        ),
    })
}
