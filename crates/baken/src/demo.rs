//! The demo's microdata: generated deterministically for every municipality, rolled up per
//! municipality × year × category and stored as public datasets, so that every dashboard has
//! figures on first start. The records themselves are not kept.

use anyhow::{Context, Result};
use baken_store::dataset::Importer;
use baken_store::{Operator, Store};

/// Transactions generated for the demo; the other files scale with it.
pub const DEMO_SCALE: u64 = 1_000_000;
pub const DEMO_SEED: u64 = 1;

/// Generates and stores the demo's rollups unless they are there already. Returns the number
/// of figures stored.
pub async fn load_microdata(store: &Store, scale: u64, seed: u64) -> Result<usize> {
    if store.dataset_exists("synth-vastgoed").await? {
        return Ok(0);
    }
    let bundle = baken_import::reference::load()?;
    let places = baken_import::synthetic::Place::from_reference(&bundle);
    let dir = std::env::temp_dir().join(format!("baken-demo-{}", std::process::id()));
    let work_dir = dir.clone();
    let rollups = tokio::task::spawn_blocking(move || {
        baken_import::synthetic::public_rollups(&work_dir, &places, seed, scale)
    })
    .await
    .context("generating the demo microdata")?;
    std::fs::remove_dir_all(&dir).ok();
    let rollups = rollups?;
    let operator = Operator::command_line("serve-demo");
    let mut stored = 0;
    for r in rollups {
        store
            .import_observations(
                Importer::Operator(&operator),
                "demo",
                &r.dataset,
                &r.provenance,
                &r.observations,
            )
            .await
            .with_context(|| format!("storing {}", r.dataset.code))?;
        stored += r.observations.len();
    }
    Ok(stored)
}
