use baken_domain::auth::Role;
use baken_domain::codes::Email;
use baken_store::org::NewUser;
use baken_store::{Operator, Page, StoreError};

use crate::{demo_store, sign_in};

#[tokio::test]
async fn demo_seeding_is_complete_and_idempotent() {
    let store = demo_store().await;
    assert_eq!(store.organisations().await.unwrap().len(), 4);
    // Seven roles in each of the two municipalities; the RIEC's analyst and privacy officer;
    // the police's partner and privacy officer.
    assert_eq!(
        store.query_i64("SELECT COUNT(*) FROM users").await.unwrap(),
        7 * 2 + 2 + 2
    );
    let again = store
        .seed_demo(
            &Operator::command_line("test"),
            baken_store::demo::DEFAULT_DEMO_PASSWORD,
        )
        .await
        .unwrap();
    assert_eq!(again.organisations_created, 0);
    assert_eq!(again.users_created, 0);
    let tilburg = store
        .organisation_by_code("tilburg")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(tilburg.municipality_code.as_deref(), Some("GM0855"));
}

#[tokio::test]
async fn an_admin_lists_only_its_own_organisations_users_and_the_read_is_audited() {
    let store = demo_store().await;
    let admin = sign_in(&store, "beheerder@breda.demo").await;
    let users = store.users(&admin, Page::new(1, 100)).await.unwrap();
    assert_eq!(users.total, 7);
    assert!(users.items.iter().all(|u| u.email.ends_with("@breda.demo")));
    let reads = store
        .query_i64("SELECT COUNT(*) FROM audit_log WHERE action = 'org.user.list'")
        .await
        .unwrap();
    assert_eq!(reads, 1);
}

#[tokio::test]
async fn another_organisations_user_is_not_found_and_the_attempt_is_audited() {
    let store = demo_store().await;
    let tilburg_admin = sign_in(&store, "beheerder@tilburg.demo").await;
    let breda_admin = sign_in(&store, "beheerder@breda.demo").await;
    let err = store
        .user(&breda_admin, tilburg_admin.user_id())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    let err = store
        .update_user(
            &breda_admin,
            tilburg_admin.user_id(),
            vec![Role::Viewer],
            false,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    // The victim organisation's privacy officer can see both attempts.
    let tilburg_id = tilburg_admin.org_id();
    let attempts = store
        .query_i64(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'access.not_found' AND subject_org_id = {tilburg_id} AND actor_label = 'beheerder@breda.demo'"
        ))
        .await
        .unwrap();
    assert_eq!(attempts, 2);
    // And nothing changed.
    assert!(
        sign_in(&store, "beheerder@tilburg.demo")
            .await
            .can(baken_domain::auth::Permission::ManageUsers)
    );
}

#[tokio::test]
async fn a_viewer_cannot_create_users() {
    let store = demo_store().await;
    let viewer = sign_in(&store, "lezer@tilburg.demo").await;
    let err = store
        .create_user(
            &viewer,
            NewUser {
                email: Email::parse("nieuw@tilburg.demo").unwrap(),
                display_name: "Nieuw".into(),
                roles: vec![Role::Admin],
                password: "een-sterk-wachtwoord".into(),
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Forbidden(_)), "{err:?}");
    assert_eq!(
        store.query_i64("SELECT COUNT(*) FROM users").await.unwrap(),
        7 * 2 + 2 + 2,
        "no user was added"
    );
}

#[tokio::test]
async fn duplicate_email_and_weak_password_are_refused_with_reasons() {
    let store = demo_store().await;
    let admin = sign_in(&store, "beheerder@tilburg.demo").await;
    let new = |email: &str, password: &str| NewUser {
        email: Email::parse(email).unwrap(),
        display_name: "Nieuwe collega".into(),
        roles: vec![Role::Analyst],
        password: password.into(),
    };
    let dup = store
        .create_user(&admin, new("analist@breda.demo", "een-sterk-wachtwoord"))
        .await;
    assert!(
        matches!(dup, Err(StoreError::Conflict { field: "email" })),
        "{dup:?}"
    );
    let weak = store
        .create_user(&admin, new("nieuw@tilburg.demo", "welkom"))
        .await;
    assert!(
        matches!(weak, Err(StoreError::WeakPassword(ref p)) if p.len() >= 2),
        "{weak:?}"
    );
    let id = store
        .create_user(&admin, new("nieuw@tilburg.demo", "een-sterk-wachtwoord"))
        .await
        .unwrap();
    let user = store.user(&admin, id).await.unwrap();
    assert_eq!(user.roles, vec![Role::Analyst]);
}

#[tokio::test]
async fn an_admin_cannot_lock_itself_out() {
    let store = demo_store().await;
    let admin = sign_in(&store, "beheerder@tilburg.demo").await;
    let r = store
        .update_user(&admin, admin.user_id(), vec![Role::Analyst], true)
        .await;
    assert!(
        matches!(r, Err(StoreError::Invalid { field: "roles", .. })),
        "{r:?}"
    );
}

#[tokio::test]
async fn an_unknown_organisation_is_named_in_the_error() {
    let store = demo_store().await;
    let r = store
        .add_user(
            &Operator::command_line("test"),
            "nergenshuizen",
            NewUser {
                email: Email::parse("x@nergens.demo").unwrap(),
                display_name: "X".into(),
                roles: vec![Role::Viewer],
                password: "een-sterk-wachtwoord".into(),
            },
        )
        .await;
    assert!(
        matches!(r, Err(StoreError::UnknownOrganisation(ref c)) if c == "nergenshuizen"),
        "{r:?}"
    );
}
