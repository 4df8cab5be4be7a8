//! The import pipeline for an organisation's table, shared by `baken import table` and the
//! background worker that runs imports started in the web: validate every row, store all or
//! nothing, roll up, keep provenance.

use std::path::Path;

use anyhow::{Context, Result};
use baken_domain::dataset::{Dataset, Provenance};
use std::ops::ControlFlow;

use baken_domain::table::RowBatch;
use baken_import::RowError;
use baken_import::rollup::{Rollup, RollupPlan};
use baken_import::table::{Inference, TableFile};
use baken_store::Store;
use baken_store::dataset::Importer;

/// How a table import ended.
#[derive(Debug)]
pub enum TableOutcome {
    /// This file was imported into the dataset before; nothing changed.
    AlreadyImported,
    /// Every row is valid; nothing stored (dry run).
    Checked {
        rows: u64,
        figures: usize,
    },
    Stored {
        rows: u64,
        figures: usize,
    },
    /// Nothing stored: the first problems, and how many there were in all.
    Problems {
        total: usize,
        shown: Vec<RowError>,
    },
}

/// SHA-256 of a file, read in pieces.
pub fn file_checksum(path: &Path) -> Result<String> {
    use std::io::Read;
    let mut file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut digest = baken_import::StreamingChecksum::default();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        digest.update(&buf[..n]);
    }
    Ok(digest.finish())
}

/// What the reading thread found.
struct Checked {
    rows: u64,
    total_problems: usize,
    shown: Vec<RowError>,
    rollup: Option<Rollup>,
}

/// Reads and validates every row on its own thread, sending batches of valid rows while no
/// problem has been seen: parsing and storing then use both cores.
fn spawn_reader(
    file: TableFile,
    inference: Inference,
    send_rows: bool,
    tx: tokio::sync::mpsc::Sender<RowBatch>,
) -> std::thread::JoinHandle<Result<Checked>> {
    let reader = move || {
        const BATCH: usize = 4_096;
        const SHOWN: usize = 100;
        let mut rollup =
            RollupPlan::new(&inference.columns, &inference.categories).map(Rollup::new);
        let mut shown = Vec::new();
        let total_problems = std::cell::Cell::new(0usize);
        let rows = file.read_valid(
            &inference.columns,
            inference.decimal_comma,
            BATCH,
            |batch| {
                if total_problems.get() > 0 {
                    // Nothing will be stored: keep reading only to report every problem.
                    return ControlFlow::Continue(());
                }
                if let Some(r) = rollup.as_mut() {
                    for row in batch.rows() {
                        r.add(&row);
                    }
                }
                if send_rows && tx.blocking_send(batch).is_err() {
                    return ControlFlow::Break(());
                }
                ControlFlow::Continue(())
            },
            |errors| {
                total_problems.set(total_problems.get() + errors.len());
                let room = SHOWN.saturating_sub(shown.len());
                shown.extend(errors.into_iter().take(room));
            },
        )?;
        Ok(Checked {
            rows,
            total_problems: total_problems.get(),
            shown,
            rollup,
        })
    };
    std::thread::Builder::new()
        .name("baken-reader".into())
        .spawn(reader)
        .unwrap_or_else(|e| {
            std::thread::spawn(move || Err(anyhow::anyhow!("cannot start the reader: {e}")))
        })
}

/// Checks every row of `file` against `inference` and, unless `dry_run`, stores the table and
/// its rollups in `dataset` in one transaction. `progress` is called with the rows stored.
#[allow(clippy::too_many_arguments)]
pub async fn run_table(
    store: &Store,
    importer: Importer<'_>,
    org_code: Option<&str>,
    file: TableFile,
    inference: &Inference,
    dataset: &Dataset,
    dry_run: bool,
    mut progress: impl FnMut(u64),
) -> Result<TableOutcome> {
    let checksum = file_checksum(&file.path)?;
    let file_name = file.name.clone();
    let mut import = if dry_run {
        None
    } else {
        match store
            .begin_table_import(importer, org_code, dataset, &inference.columns, &checksum)
            .await?
        {
            Some(import) => Some(import),
            None => return Ok(TableOutcome::AlreadyImported),
        }
    };
    let (tx, mut rx) = tokio::sync::mpsc::channel(4);
    let reader = spawn_reader(file, inference.clone(), import.is_some(), tx);
    let mut stored = 0u64;
    while let Some(batch) = rx.recv().await {
        if let Some(import) = import.as_mut() {
            stored += batch.len() as u64;
            import.push_batch(batch).await?;
        }
        progress(stored);
    }
    let checked = reader
        .join()
        .map_err(|_| anyhow::anyhow!("the reading thread failed"))??;
    progress(checked.rows);
    if checked.total_problems > 0 {
        // Dropping the import rolls its transaction back: nothing of this file is stored.
        drop(import);
        return Ok(TableOutcome::Problems {
            total: checked.total_problems,
            shown: checked.shown,
        });
    }
    let figures = checked.rollup.map(|r| r.observations()).unwrap_or_default();
    let Some(import) = import else {
        return Ok(TableOutcome::Checked {
            rows: checked.rows,
            figures: figures.len(),
        });
    };
    let provenance = Provenance {
        file_name,
        checksum,
        dataset: Some(dataset.code.clone()),
        source: dataset.source.clone(),
        licence: dataset.licence.clone(),
        rows_read: checked.rows,
    };
    let stored = import.finish(&provenance, &figures).await?;
    Ok(TableOutcome::Stored {
        rows: stored,
        figures: figures.len(),
    })
}

/// A dataset code: 2 to 60 lowercase letters, digits and hyphens.
pub fn valid_dataset_code(code: &str) -> bool {
    (2..=60).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !code.starts_with('-')
}
