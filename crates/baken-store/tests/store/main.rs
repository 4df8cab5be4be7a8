//! The store's integration suite. It runs on SQLite by default and on PostgreSQL when
//! `BAKEN_TEST_DATABASE_URL` names a server; each test gets a fresh database.

mod area;
mod audit;
mod auth;
mod dataset;
mod sharing;
mod signal;
mod tenancy;

use baken_store::auth::LoginOutcome;
use baken_store::demo::DEFAULT_DEMO_PASSWORD;
use baken_store::testing::TestDatabase;
use baken_store::{Actor, Operator, Store};

/// A migrated database with the demo organisations and users.
pub async fn demo_store() -> Store {
    let db = TestDatabase::create().await.expect("test database");
    db.store
        .seed_demo(&Operator::command_line("test"), DEFAULT_DEMO_PASSWORD)
        .await
        .expect("demo seed");
    db.store
}

/// Signs in a demo user and returns its actor.
pub async fn sign_in(store: &Store, email: &str) -> Actor {
    match store
        .login(email, DEFAULT_DEMO_PASSWORD, "test-client", None)
        .await
        .expect("login")
    {
        LoginOutcome::SignedIn { token, .. } => store
            .session(&token.0)
            .await
            .expect("session")
            .and_then(|s| s.actor)
            .expect("actor"),
        other => panic!("{email} could not sign in: {other:?}"),
    }
}
