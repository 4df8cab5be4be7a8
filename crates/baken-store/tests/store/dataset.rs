use baken_domain::area::{AreaCode, Observation, Symbol};
use baken_domain::dataset::{Dataset, Provenance};
use baken_store::dataset::Importer;
use baken_store::{Operator, StoreError};

use crate::{demo_store, sign_in};

fn dataset(code: &str) -> Dataset {
    Dataset {
        code: code.into(),
        title: "Eigen telling".into(),
        source: "Gemeente".into(),
        licence: "intern".into(),
    }
}

fn provenance(checksum: &str) -> Provenance {
    Provenance {
        file_name: "telling.csv".into(),
        checksum: checksum.into(),
        dataset: None,
        source: "Gemeente".into(),
        licence: "intern".into(),
        rows_read: 3,
    }
}

/// Many figures, with and without a value, across several insert batches.
fn observations(n: usize) -> Vec<Observation> {
    (0..n)
        .map(|i| Observation {
            area: AreaCode::parse("GM0855").unwrap(),
            period: format!("{}", 2000 + i / 12),
            measure: "aantal".into(),
            category: format!("maand-{}", i % 12),
            value: (i % 3 != 0).then_some(i as f64 * 0.5),
            symbol: (i % 3 == 0).then_some(Symbol::Unknown),
        })
        .collect()
}

#[tokio::test]
async fn figures_with_and_without_values_import_in_batches_and_once() {
    let store = demo_store().await;
    let op = Operator::command_line("test");
    let obs = observations(1500);
    let out = store
        .import_observations(
            Importer::Operator(&op),
            "statline",
            &dataset("telling"),
            &provenance("abc"),
            &obs,
        )
        .await
        .unwrap();
    assert_eq!(out.stored, 1500);
    let again = store
        .import_observations(
            Importer::Operator(&op),
            "statline",
            &dataset("telling"),
            &provenance("abc"),
            &obs,
        )
        .await
        .unwrap();
    assert!(again.already_imported);
    assert_eq!(
        store
            .query_i64(
                "SELECT COUNT(*) FROM observations WHERE dataset = 'telling' AND value IS NULL"
            )
            .await
            .unwrap(),
        500
    );
    // A new version of the file replaces the figures it repeats.
    let mut newer = obs.clone();
    newer[1].value = Some(99.0);
    store
        .import_observations(
            Importer::Operator(&op),
            "statline",
            &dataset("telling"),
            &provenance("def"),
            &newer,
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .query_i64("SELECT COUNT(*) FROM observations WHERE dataset = 'telling'")
            .await
            .unwrap(),
        1500
    );
    assert_eq!(
        store
            .query_i64("SELECT COUNT(*) FROM observations WHERE dataset = 'telling' AND value = 99")
            .await
            .unwrap(),
        1
    );
    let analyst = sign_in(&store, "analist@tilburg.demo").await;
    assert_eq!(
        store.imports_of(&analyst, "telling").await.unwrap().len(),
        2
    );
}

#[tokio::test]
async fn a_duplicate_figure_stores_nothing() {
    let store = demo_store().await;
    let mut obs = observations(10);
    obs.push(obs[4].clone());
    let err = store
        .import_observations(
            Importer::Operator(&Operator::command_line("t")),
            "statline",
            &dataset("dubbel"),
            &provenance("x"),
            &obs,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Invalid {
                field: "observations",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        store
            .query_i64("SELECT COUNT(*) FROM datasets WHERE code = 'dubbel'")
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn an_organisations_dataset_is_its_own() {
    let store = demo_store().await;
    let analyst = sign_in(&store, "analist@tilburg.demo").await;
    let viewer = sign_in(&store, "lezer@tilburg.demo").await;
    let other = sign_in(&store, "analist@breda.demo").await;
    let obs = observations(3);
    let denied = store
        .import_observations(
            Importer::Actor(&viewer),
            "table",
            &dataset("eigen"),
            &provenance("1"),
            &obs,
        )
        .await;
    assert!(
        matches!(denied, Err(StoreError::Forbidden(_))),
        "{denied:?}"
    );
    store
        .import_observations(
            Importer::Actor(&analyst),
            "table",
            &dataset("eigen"),
            &provenance("1"),
            &obs,
        )
        .await
        .unwrap();
    let tilburg = analyst.org_id();
    assert_eq!(
        store
            .query_i64(&format!(
                "SELECT COUNT(*) FROM datasets WHERE code = 'eigen' AND org_id = {tilburg}"
            ))
            .await
            .unwrap(),
        1
    );
    let taken = store
        .import_observations(
            Importer::Actor(&other),
            "table",
            &dataset("eigen"),
            &provenance("2"),
            &obs,
        )
        .await;
    assert!(
        matches!(taken, Err(StoreError::Conflict { field: "dataset" })),
        "{taken:?}"
    );
    let audited = store
        .query_i64("SELECT COUNT(*) FROM audit_log WHERE action = 'import.observations'")
        .await
        .unwrap();
    assert_eq!(audited, 1);
}
