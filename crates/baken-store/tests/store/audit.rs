use baken_domain::audit::{ChainBreak, Outcome};
use baken_store::Page;
use baken_store::audit::AuditFilter;
use baken_store::testing::TestDatabase;

use crate::{demo_store, sign_in};

#[tokio::test]
async fn an_untouched_chain_verifies_and_counts_every_record() {
    let store = demo_store().await;
    sign_in(&store, "analist@tilburg.demo").await;
    let report = store.verify_audit_chain().await.unwrap();
    assert_eq!(report.first_break, None);
    let records = store
        .query_i64("SELECT COUNT(*) FROM audit_log")
        .await
        .unwrap();
    assert!(
        records >= 21,
        "demo seed and login should be audited, got {records}"
    );
    assert_eq!(report.checked, records as u64);
}

#[tokio::test]
async fn the_application_cannot_update_or_delete_audit_records() {
    let store = demo_store().await;
    assert!(
        store
            .execute_raw("UPDATE audit_log SET action = 'x' WHERE seq = 1")
            .await
            .is_err()
    );
    assert!(
        store
            .execute_raw("DELETE FROM audit_log WHERE seq = 1")
            .await
            .is_err()
    );
}

/// Drops the append-only guard, as a database administrator could.
async fn drop_guard(store: &baken_store::Store) {
    match store.backend() {
        baken_store::Backend::Sqlite => {
            store
                .execute_raw("DROP TRIGGER audit_log_no_update")
                .await
                .unwrap();
            store
                .execute_raw("DROP TRIGGER audit_log_no_delete")
                .await
                .unwrap();
        }
        baken_store::Backend::Postgres => {
            store
                .execute_raw("DROP TRIGGER audit_log_no_change ON audit_log")
                .await
                .unwrap();
        }
    }
}

#[tokio::test]
async fn a_changed_record_is_found_by_verify() {
    let store = demo_store().await;
    drop_guard(&store).await;
    store
        .execute_raw("UPDATE audit_log SET actor_label = 'iemand-anders' WHERE seq = 5")
        .await
        .unwrap();
    let report = store.verify_audit_chain().await.unwrap();
    assert_eq!(report.first_break, Some(ChainBreak::Content { seq: 5 }));
    assert_eq!(report.checked, 4);
}

#[tokio::test]
async fn a_deleted_record_is_found_by_verify() {
    let store = demo_store().await;
    drop_guard(&store).await;
    store
        .execute_raw("DELETE FROM audit_log WHERE seq = 3")
        .await
        .unwrap();
    let report = store.verify_audit_chain().await.unwrap();
    assert_eq!(
        report.first_break,
        Some(ChainBreak::Sequence {
            previous: 2,
            found: 4
        })
    );
}

#[tokio::test]
async fn a_removed_tail_is_found_against_the_head() {
    let store = demo_store().await;
    drop_guard(&store).await;
    let last = store
        .query_i64("SELECT MAX(seq) FROM audit_log")
        .await
        .unwrap();
    store
        .execute_raw(&format!("DELETE FROM audit_log WHERE seq = {last}"))
        .await
        .unwrap();
    let report = store.verify_audit_chain().await.unwrap();
    assert!(
        matches!(report.first_break, Some(ChainBreak::Head { .. })),
        "{report:?}"
    );
}

#[tokio::test]
async fn swapped_records_are_found_by_verify() {
    let store = demo_store().await;
    drop_guard(&store).await;
    // Swap the contents of records 2 and 3 while keeping their sequence numbers.
    store
        .execute_raw("UPDATE audit_log SET seq = -2 WHERE seq = 2")
        .await
        .unwrap();
    store
        .execute_raw("UPDATE audit_log SET seq = 2 WHERE seq = 3")
        .await
        .unwrap();
    store
        .execute_raw("UPDATE audit_log SET seq = 3 WHERE seq = -2")
        .await
        .unwrap();
    let report = store.verify_audit_chain().await.unwrap();
    assert_eq!(report.first_break.map(|b| b.seq()), Some(2));
}

#[tokio::test]
async fn concurrent_appends_keep_one_unbroken_chain() {
    let store = demo_store().await;
    let mut tasks = Vec::new();
    for i in 0..12 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .login(
                    &format!("niemand{i}@tilburg.demo"),
                    "wrong-password-1",
                    &format!("c{i}"),
                    None,
                )
                .await
                .unwrap()
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let report = store.verify_audit_chain().await.unwrap();
    assert_eq!(report.first_break, None);
}

#[tokio::test]
async fn a_privacy_officer_sees_its_own_organisations_records_with_filters() {
    let store = demo_store().await;
    sign_in(&store, "analist@breda.demo").await;
    sign_in(&store, "analist@tilburg.demo").await;
    let officer = sign_in(&store, "privacy@tilburg.demo").await;

    let logins = store
        .audit_entries(
            &officer,
            &AuditFilter {
                action: Some("auth.login".into()),
                ..Default::default()
            },
            Page::default(),
        )
        .await
        .unwrap();
    let who: Vec<_> = logins
        .items
        .iter()
        .map(|e| e.actor_label.as_str())
        .collect();
    assert!(who.contains(&"analist@tilburg.demo"));
    assert!(!who.iter().any(|w| w.ends_with("@breda.demo")), "{who:?}");

    let by_who = store
        .audit_entries(
            &officer,
            &AuditFilter {
                who: Some("ANALIST@tilburg".into()),
                outcome: Some(Outcome::Ok),
                ..Default::default()
            },
            Page::new(1, 100),
        )
        .await
        .unwrap();
    assert!(by_who.total >= 1);
    assert!(
        by_who
            .items
            .iter()
            .all(|e| e.actor_label == "analist@tilburg.demo")
    );

    // Reading the log is itself recorded.
    let reads = store
        .audit_entries(
            &officer,
            &AuditFilter {
                action: Some("audit.read".into()),
                ..Default::default()
            },
            Page::default(),
        )
        .await
        .unwrap();
    assert_eq!(reads.total, 2);
}

#[tokio::test]
async fn an_analyst_may_not_read_the_audit_log_and_the_refusal_is_recorded() {
    let store = demo_store().await;
    let analyst = sign_in(&store, "analist@tilburg.demo").await;
    let err = store
        .audit_entries(&analyst, &AuditFilter::default(), Page::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, baken_store::StoreError::Forbidden(_)),
        "{err:?}"
    );
    let denied = store
        .query_i64("SELECT COUNT(*) FROM audit_log WHERE action = 'access.denied' AND actor_label = 'analist@tilburg.demo'")
        .await
        .unwrap();
    assert_eq!(denied, 1);
}

#[tokio::test]
async fn migrating_twice_changes_nothing() {
    let db = TestDatabase::create().await.unwrap();
    db.store.migrate().await.unwrap();
    assert_eq!(
        db.store
            .query_i64("SELECT seq FROM audit_head")
            .await
            .unwrap(),
        0
    );
}
