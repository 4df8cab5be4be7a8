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

/// Tilburg's inventory, partly filled in, and an action list: so that coverage and gaps show
/// on first start. Sources the catalogue does not have are skipped.
pub async fn load_matrix_demo(store: &Store) -> Result<bool> {
    use baken_domain::matrix::{InventoryAccess, InventoryEntry};
    let matrices = baken_import::matrix::shipped_matrices()?;
    let entry =
        |source: &str, access: InventoryAccess, department: &str, quality: u8| InventoryEntry {
            source: source.to_owned(),
            have: true,
            access,
            department: department.to_owned(),
            contact: String::new(),
            quality: Some(quality),
            last_checked: Some("2026-09-15".to_owned()),
            connected: None,
        };
    let entries: Vec<InventoryEntry> = [
        entry("brp", InventoryAccess::Direct, "Burgerzaken", 5),
        entry("bag", InventoryAccess::Direct, "Geo-informatie", 5),
        entry("woz", InventoryAccess::Direct, "Belastingen", 4),
        entry("kvk", InventoryAccess::Direct, "Economische Zaken", 4),
        entry(
            "handhaving",
            InventoryAccess::Direct,
            "Toezicht en Handhaving",
            3,
        ),
        entry(
            "vergunningen-horeca",
            InventoryAccess::Direct,
            "Vergunningen",
            4,
        ),
        entry(
            "omgevingsvergunningen",
            InventoryAccess::Direct,
            "Vergunningen",
            4,
        ),
        entry("bibob-dossiers", InventoryAccess::Direct, "Bibob-team", 4),
        entry(
            "meldingen-openbare-ruimte",
            InventoryAccess::Direct,
            "Stadsbeheer",
            3,
        ),
        entry("kadaster", InventoryAccess::OpVerzoek, "Geo-informatie", 4),
        entry(
            "riec",
            InventoryAccess::OpVerzoek,
            "Openbare Orde en Veiligheid",
            4,
        ),
        entry(
            "politie",
            InventoryAccess::OpVerzoek,
            "Openbare Orde en Veiligheid",
            3,
        ),
        entry(
            "netbeheerder",
            InventoryAccess::Geen,
            "Openbare Orde en Veiligheid",
            2,
        ),
    ]
    .into_iter()
    .filter(|e| matrices.source(&e.source).is_some())
    .collect();
    let actions = [
        (
            "Convenant met de netbeheerder over afwijkend energieverbruik verkennen",
            "Openbare Orde en Veiligheid",
            "2027-03-01",
        ),
        (
            "Leerplichtgegevens beschikbaar maken voor signalen van criminele uitbuiting",
            "Onderwijs",
            "2027-06-30",
        ),
    ];
    Ok(store
        .seed_demo_inventory(
            &Operator::command_line("serve-demo"),
            "tilburg",
            &entries,
            &actions,
        )
        .await?)
}

/// Two closed self-assessment rounds for Tilburg, a year apart, answered by its team: so that
/// the results, the team's spread and the history show on first start. The answers are made
/// deterministically from the question and the member, the later round a little higher.
pub async fn load_readiness_demo(store: &Store) -> Result<bool> {
    let scan = baken_import::readiness::shipped_scan()?;
    let members = [
        "analist@tilburg.demo",
        "regisseur@tilburg.demo",
        "privacy@tilburg.demo",
        "team@tilburg.demo",
        "beheerder@tilburg.demo",
    ];
    let rounds: Vec<Vec<(String, std::collections::BTreeMap<String, u8>)>> = (0..2u8)
        .map(|round| {
            members
                .iter()
                .enumerate()
                .map(|(m, email)| {
                    let answers = scan
                        .dimensies
                        .iter()
                        .enumerate()
                        .flat_map(|(d, dim)| {
                            dim.vragen.iter().enumerate().map(move |(q, question)| {
                                // Data and technology lag, cooperation leads; members differ.
                                let base: u8 = [2, 3, 1, 2, 1, 3, 2][d % 7];
                                let level = base
                                    + round
                                    + ((m + q) % 3 == 0) as u8
                                    + (m == 2 && d == 1) as u8;
                                (question.id.clone(), level.clamp(1, 5))
                            })
                        })
                        .collect();
                    ((*email).to_owned(), answers)
                })
                .collect()
        })
        .collect();
    Ok(store
        .seed_demo_readiness(&Operator::command_line("serve-demo"), "tilburg", &rounds)
        .await?)
}
