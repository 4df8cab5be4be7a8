use baken_store::StoreError;
use baken_store::auth::LoginOutcome;
use baken_store::demo::DEFAULT_DEMO_PASSWORD;

use crate::{demo_store, sign_in};

#[tokio::test]
async fn a_demo_user_signs_in_with_its_roles() {
    let store = demo_store().await;
    let actor = sign_in(&store, "Privacy@Tilburg.demo").await;
    assert_eq!(actor.email(), "privacy@tilburg.demo");
    assert_eq!(actor.org_code().as_str(), "tilburg");
    assert!(actor.can(baken_domain::auth::Permission::ViewAudit));
    assert!(!actor.can(baken_domain::auth::Permission::ManageUsers));
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_account_look_alike_and_are_audited() {
    let store = demo_store().await;
    let wrong = store
        .login("analist@tilburg.demo", "niet-het-goede", "c", None)
        .await
        .unwrap();
    let unknown = store
        .login("niemand@tilburg.demo", "niet-het-goede", "c", None)
        .await
        .unwrap();
    assert!(matches!(wrong, LoginOutcome::Invalid));
    assert!(matches!(unknown, LoginOutcome::Invalid));
    let failed = store
        .query_i64("SELECT COUNT(*) FROM audit_log WHERE action = 'auth.login.failed'")
        .await
        .unwrap();
    assert_eq!(failed, 2);
}

#[tokio::test]
async fn five_failures_lock_the_account_even_for_the_right_password() {
    let store = demo_store().await;
    for _ in 0..4 {
        let r = store
            .login("analist@tilburg.demo", "fout-fout-fout", "c", None)
            .await
            .unwrap();
        assert!(matches!(r, LoginOutcome::Invalid));
    }
    let fifth = store
        .login("analist@tilburg.demo", "fout-fout-fout", "c", None)
        .await
        .unwrap();
    assert!(matches!(fifth, LoginOutcome::LockedOut { .. }), "{fifth:?}");
    let right = store
        .login("analist@tilburg.demo", DEFAULT_DEMO_PASSWORD, "c", None)
        .await
        .unwrap();
    assert!(matches!(right, LoginOutcome::LockedOut { .. }), "{right:?}");
    let lockouts = store
        .query_i64("SELECT COUNT(*) FROM audit_log WHERE action = 'auth.lockout'")
        .await
        .unwrap();
    assert_eq!(lockouts, 1);
    // Another account is not affected.
    sign_in(&store, "analist@breda.demo").await;
}

#[tokio::test]
async fn a_client_with_many_failures_is_throttled() {
    let store = demo_store().await;
    let max = store.auth_settings().throttle_max_failures;
    for i in 0..max {
        store
            .login(
                &format!("x{i}@tilburg.demo"),
                "fout-fout-fout",
                "10.0.0.9",
                None,
            )
            .await
            .unwrap();
    }
    let r = store
        .login(
            "analist@tilburg.demo",
            DEFAULT_DEMO_PASSWORD,
            "10.0.0.9",
            None,
        )
        .await
        .unwrap();
    assert!(matches!(r, LoginOutcome::Throttled), "{r:?}");
    // Another client still gets in.
    let r = store
        .login(
            "analist@tilburg.demo",
            DEFAULT_DEMO_PASSWORD,
            "10.0.0.10",
            None,
        )
        .await
        .unwrap();
    assert!(matches!(r, LoginOutcome::SignedIn { .. }));
}

#[tokio::test]
async fn login_replaces_the_previous_session() {
    let store = demo_store().await;
    let (anon, _) = store.start_anonymous_session().await.unwrap();
    assert!(store.session(&anon.0).await.unwrap().is_some());
    let r = store
        .login(
            "analist@tilburg.demo",
            DEFAULT_DEMO_PASSWORD,
            "c",
            Some(&anon.0),
        )
        .await
        .unwrap();
    let LoginOutcome::SignedIn { token, .. } = r else {
        panic!("{r:?}")
    };
    assert_ne!(token, anon);
    assert!(store.session(&anon.0).await.unwrap().is_none());
    assert!(
        store
            .session(&token.0)
            .await
            .unwrap()
            .and_then(|s| s.actor)
            .is_some()
    );
}

#[tokio::test]
async fn an_idle_session_expires_and_so_does_an_old_one() {
    let store = demo_store().await;
    let login = |_: ()| store.login("analist@tilburg.demo", DEFAULT_DEMO_PASSWORD, "c", None);
    let LoginOutcome::SignedIn { token: idle, .. } = login(()).await.unwrap() else {
        panic!()
    };
    let LoginOutcome::SignedIn { token: old, .. } = login(()).await.unwrap() else {
        panic!()
    };
    let idle_ms = store.auth_settings().idle_timeout_ms + 1000;
    store
        .execute_raw(&format!(
            "UPDATE sessions SET last_seen_at = last_seen_at - {idle_ms}"
        ))
        .await
        .unwrap();
    assert!(store.session(&idle.0).await.unwrap().is_none());
    // The absolute limit holds however active the session was.
    let LoginOutcome::SignedIn { token: fresh, .. } = login(()).await.unwrap() else {
        panic!()
    };
    store
        .execute_raw("UPDATE sessions SET absolute_expiry = 1")
        .await
        .unwrap();
    assert!(store.session(&fresh.0).await.unwrap().is_none());
    assert!(store.session(&old.0).await.unwrap().is_none());
}

#[tokio::test]
async fn logout_ends_the_session() {
    let store = demo_store().await;
    let LoginOutcome::SignedIn { token, .. } = store
        .login("lezer@breda.demo", DEFAULT_DEMO_PASSWORD, "c", None)
        .await
        .unwrap()
    else {
        panic!()
    };
    store.logout(&token.0).await.unwrap();
    assert!(store.session(&token.0).await.unwrap().is_none());
}

#[tokio::test]
async fn a_deactivated_user_loses_its_sessions_and_tokens_stop_working() {
    let store = demo_store().await;
    let admin = sign_in(&store, "beheerder@tilburg.demo").await;
    let analyst = sign_in(&store, "analist@tilburg.demo").await;
    let (_, token) = store.create_api_token(&analyst, "script").await.unwrap();
    assert!(store.token_actor(&token).await.unwrap().is_some());
    store
        .update_user(
            &admin,
            analyst.user_id(),
            vec![baken_domain::auth::Role::Analyst],
            false,
        )
        .await
        .unwrap();
    assert!(store.token_actor(&token).await.unwrap().is_none());
    let r = store
        .login("analist@tilburg.demo", DEFAULT_DEMO_PASSWORD, "c", None)
        .await
        .unwrap();
    assert!(matches!(r, LoginOutcome::Invalid));
}

#[tokio::test]
async fn api_tokens_are_stored_hashed_and_can_be_revoked() {
    let store = demo_store().await;
    let analyst = sign_in(&store, "analist@tilburg.demo").await;
    let (id, token) = store
        .create_api_token(&analyst, "rapportage")
        .await
        .unwrap();
    assert!(token.starts_with("baken_"));
    let stored = store
        .query_i64(&format!(
            "SELECT COUNT(*) FROM api_tokens WHERE token_hash = '{token}'"
        ))
        .await
        .unwrap();
    assert_eq!(stored, 0, "the token itself must not be stored");
    let actor = store.token_actor(&token).await.unwrap().unwrap();
    assert_eq!(actor.user_id(), analyst.user_id());

    let other = sign_in(&store, "analist@breda.demo").await;
    assert!(matches!(
        store.revoke_api_token(&other, id).await,
        Err(StoreError::NotFound)
    ));
    store.revoke_api_token(&analyst, id).await.unwrap();
    assert!(store.token_actor(&token).await.unwrap().is_none());
    assert!(store.token_actor("baken_onzin").await.unwrap().is_none());
}

#[tokio::test]
async fn the_second_factor_is_asked_after_the_password_and_a_code_is_used_once() {
    let store = demo_store().await;
    let actor = sign_in(&store, "team@tilburg.demo").await;
    let setup = store.begin_totp(&actor).await.unwrap();
    let totp = totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(&setup.secret_base32).unwrap())
        .with_account_name("team@tilburg.demo")
        .with_issuer(Some("Baken"))
        .build()
        .unwrap();
    assert!(store.confirm_totp(&actor, "000000x").await.is_err());
    store
        .confirm_totp(&actor, &totp.generate_current().to_string())
        .await
        .unwrap();

    let r = store
        .login("team@tilburg.demo", DEFAULT_DEMO_PASSWORD, "c", None)
        .await
        .unwrap();
    let LoginOutcome::SecondFactorRequired { token } = r else {
        panic!("{r:?}")
    };
    let pending = store.session(&token.0).await.unwrap().unwrap();
    assert!(pending.second_factor_pending && pending.actor.is_none());
    // The code used to confirm the set-up cannot be replayed.
    let code = totp.generate_current().to_string();
    let replay = store
        .complete_second_factor(&token.0, &code, "c")
        .await
        .unwrap();
    assert!(matches!(replay, LoginOutcome::Invalid), "{replay:?}");
    // A fresh code from the next period works.
    let next = totp.generate(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 30,
    );
    let r = store
        .complete_second_factor(&token.0, &next.to_string(), "c")
        .await
        .unwrap();
    let LoginOutcome::SignedIn {
        token: signed_in, ..
    } = r
    else {
        panic!("{r:?}")
    };
    assert_ne!(signed_in, token);
    assert!(store.session(&token.0).await.unwrap().is_none());
}

#[tokio::test]
async fn changing_the_password_checks_the_current_one_and_the_rules() {
    let store = demo_store().await;
    let actor = sign_in(&store, "lezer@tilburg.demo").await;
    assert!(matches!(
        store
            .change_password(&actor, "fout", "een-heel-nieuw-wachtwoord", None)
            .await,
        Err(StoreError::Invalid {
            field: "current_password",
            ..
        })
    ));
    assert!(matches!(
        store
            .change_password(&actor, DEFAULT_DEMO_PASSWORD, "kort", None)
            .await,
        Err(StoreError::WeakPassword(_))
    ));
    // Another session and a token made with the old password end with it.
    let LoginOutcome::SignedIn { token: other, .. } = store
        .login("lezer@tilburg.demo", DEFAULT_DEMO_PASSWORD, "c", None)
        .await
        .unwrap()
    else {
        panic!()
    };
    let (_, api) = store.create_api_token(&actor, "script").await.unwrap();
    let LoginOutcome::SignedIn { token: mine, .. } = store
        .login("lezer@tilburg.demo", DEFAULT_DEMO_PASSWORD, "c", None)
        .await
        .unwrap()
    else {
        panic!()
    };
    store
        .change_password(
            &actor,
            DEFAULT_DEMO_PASSWORD,
            "een-heel-nieuw-wachtwoord",
            Some(&mine.0),
        )
        .await
        .unwrap();
    assert!(store.session(&other.0).await.unwrap().is_none());
    assert!(
        store.session(&mine.0).await.unwrap().is_some(),
        "the changing session stays"
    );
    assert!(store.token_actor(&api).await.unwrap().is_none());
    let r = store
        .login("lezer@tilburg.demo", "een-heel-nieuw-wachtwoord", "c", None)
        .await
        .unwrap();
    assert!(matches!(r, LoginOutcome::SignedIn { .. }));
}

#[tokio::test]
async fn concurrent_guesses_get_no_more_tries_than_the_lockout_allows() {
    let store = demo_store().await;
    let mut tasks = Vec::new();
    for i in 0..20 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .login(
                    "regisseur@breda.demo",
                    &format!("gok-nummer-{i}"),
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
    let checked = store
        .query_i64("SELECT COUNT(*) FROM audit_log WHERE action = 'auth.login.failed' AND actor_label = 'regisseur@breda.demo'")
        .await
        .unwrap();
    let threshold = store.auth_settings().lockout_threshold;
    assert!(
        checked <= threshold,
        "{checked} passwords were checked; the lockout allows {threshold}"
    );
    let right = store
        .login("regisseur@breda.demo", DEFAULT_DEMO_PASSWORD, "c", None)
        .await
        .unwrap();
    assert!(matches!(right, LoginOutcome::LockedOut { .. }), "{right:?}");
}

#[tokio::test]
async fn wrong_passwords_on_the_profile_count_toward_the_lockout_and_are_audited() {
    let store = demo_store().await;
    let actor = sign_in(&store, "bronhouder@breda.demo").await;
    let LoginOutcome::SignedIn { token, .. } = store
        .login("bronhouder@breda.demo", DEFAULT_DEMO_PASSWORD, "c", None)
        .await
        .unwrap()
    else {
        panic!()
    };
    let threshold = store.auth_settings().lockout_threshold;
    for _ in 0..threshold {
        let r = store.disable_totp(&actor, "raden-raden-raden").await;
        assert!(
            matches!(
                r,
                Err(StoreError::Invalid {
                    field: "current_password",
                    ..
                })
            ),
            "{r:?}"
        );
    }
    let audited = store
        .query_i64("SELECT COUNT(*) FROM audit_log WHERE action = 'auth.reauth.failed'")
        .await
        .unwrap();
    assert_eq!(audited, threshold);
    assert!(
        store.session(&token.0).await.unwrap().is_none(),
        "the lockout ends the sessions"
    );
    let r = store
        .login("bronhouder@breda.demo", DEFAULT_DEMO_PASSWORD, "c", None)
        .await
        .unwrap();
    assert!(matches!(r, LoginOutcome::LockedOut { .. }), "{r:?}");
}

#[tokio::test]
async fn the_lockout_does_not_tell_which_addresses_exist() {
    let store = demo_store().await;
    let threshold = store.auth_settings().lockout_threshold;
    let mut answers = Vec::new();
    for email in ["lezer@breda.demo", "bestaat-niet@breda.demo"] {
        let mut last = None;
        for _ in 0..threshold {
            last = Some(
                store
                    .login(email, "fout-fout-fout", &format!("c-{email}"), None)
                    .await
                    .unwrap(),
            );
        }
        answers.push(matches!(last, Some(LoginOutcome::LockedOut { .. })));
    }
    assert_eq!(
        answers,
        vec![true, true],
        "both a real and an unknown address answer 'locked'"
    );
    let first = store
        .login("bestaat-niet@breda.demo", "fout", "x", None)
        .await
        .unwrap();
    assert!(matches!(first, LoginOutcome::LockedOut { .. }));
}
