use baken_domain::area::AreaLevel;
use baken_store::testing::TestDatabase;
use baken_store::{Operator, Page};

#[tokio::test]
async fn reference_data_loads_once_with_every_row() {
    let db = TestDatabase::create().await.unwrap();
    let store = &db.store;
    let bundle = baken_import::reference::load().unwrap();
    let op = Operator::command_line("test");
    assert!(!store.reference_loaded().await.unwrap());
    let first = store.load_reference_data(&op, &bundle).await.unwrap();
    assert!(first.loaded);
    assert_eq!(first.sbi_codes, 1457);
    assert_eq!(first.boundaries, 389);
    assert_eq!(first.observations, 1068 + 2002 * 5 + 40 + 6);
    assert_eq!(
        store
            .query_i64("SELECT COUNT(*) FROM areas WHERE level = 'gemeente'")
            .await
            .unwrap(),
        342
    );

    // Loading the same files again changes nothing, and is not recorded twice.
    let audit_before = store
        .query_i64("SELECT COUNT(*) FROM audit_log")
        .await
        .unwrap();
    let again = store.load_reference_data(&op, &bundle).await.unwrap();
    assert!(!again.loaded);
    assert_eq!(
        store
            .query_i64("SELECT COUNT(*) FROM observations")
            .await
            .unwrap() as u64,
        first.observations
    );
    assert_eq!(
        store
            .query_i64("SELECT COUNT(*) FROM audit_log")
            .await
            .unwrap(),
        audit_before
    );
    assert!(store.reference_loaded().await.unwrap());

    // Provenance of every file is kept.
    assert_eq!(
        store
            .query_i64("SELECT COUNT(*) FROM imports WHERE kind = 'reference'")
            .await
            .unwrap(),
        11
    );
    assert_eq!(store.verify_audit_chain().await.unwrap().first_break, None);
}

#[tokio::test]
async fn an_area_knows_the_areas_it_lies_in() {
    let db = TestDatabase::create().await.unwrap();
    let store = &db.store;
    let bundle = baken_import::reference::load().unwrap();
    store
        .load_reference_data(&Operator::command_line("test"), &bundle)
        .await
        .unwrap();
    let tilburg = store.area("gm0855", None).await.unwrap().unwrap();
    assert_eq!(tilburg.area.name, "Tilburg");
    assert_eq!(
        tilburg.area.urbanity,
        Some(1),
        "very strongly urban, per CBS"
    );
    assert!(tilburg.has_boundary);
    let parents: Vec<_> = tilburg
        .parents
        .iter()
        .map(|p| (p.level, p.name.as_str()))
        .collect();
    assert!(
        parents.contains(&(AreaLevel::Province, "Noord-Brabant")),
        "{parents:?}"
    );
    assert!(
        parents.contains(&(AreaLevel::PoliceUnit, "Zeeland - West-Brabant")),
        "{parents:?}"
    );
    assert!(
        parents.contains(&(AreaLevel::Country, "Nederland")),
        "{parents:?}"
    );
    assert_eq!(
        tilburg.area.riec_region.as_deref(),
        Some("RIEC Zeeland-West-Brabant")
    );

    let municipalities = store
        .areas(Some(AreaLevel::Municipality), None, Page::new(1, 100))
        .await
        .unwrap();
    assert_eq!(municipalities.total, 342);
    assert_eq!(municipalities.items[0].name, "'s-Gravenhage");
    assert!(store.area("GM9999", None).await.unwrap().is_none());
}
