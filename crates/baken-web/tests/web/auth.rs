use axum::http::StatusCode;

use crate::{Browser, TestApp, csrf_in};

#[tokio::test]
async fn login_sets_a_safe_cookie_and_a_new_session_id() {
    let app = TestApp::new().await;
    let anon = app.anonymous().await;
    let reply = app
        .post_form(
            "/inloggen",
            &anon,
            &[
                ("email", "analist@tilburg.demo"),
                ("password", "Baken-demo-2026"),
                ("terug", "/zicht"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), "/zicht");
    let set = reply.headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    let new_id = reply.cookie("baken_session").unwrap();
    assert_ne!(
        Some(new_id.clone()),
        anon.session,
        "the session id must change at login"
    );
    // The anonymous session is gone.
    let old = app.get("/", &anon).await;
    assert_eq!(old.status, StatusCode::SEE_OTHER);
    let signed_in = Browser {
        session: Some(new_id),
        ..Default::default()
    };
    let home = app.get("/", &signed_in).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Gemeente Tilburg"));
}

#[tokio::test]
async fn a_wrong_password_gets_a_clear_message_and_an_audit_record() {
    let app = TestApp::new().await;
    let anon = app.anonymous().await;
    let reply = app
        .post_form(
            "/inloggen",
            &anon,
            &[("email", "analist@tilburg.demo"), ("password", "niet-goed")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(
        reply
            .body
            .contains("Het e-mailadres of het wachtwoord klopt niet.")
    );
    assert!(
        reply.body.contains("value=\"analist@tilburg.demo\""),
        "the e-mail stays filled in"
    );
    assert_eq!(app.audit_count("auth.login.failed").await, 1);
}

#[tokio::test]
async fn empty_fields_are_named() {
    let app = TestApp::new().await;
    let anon = app.anonymous().await;
    let reply = app
        .post_form("/inloggen", &anon, &[("email", ""), ("password", "")])
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("Vul uw e-mailadres in."));
    assert!(reply.body.contains("aria-describedby=\"email-error\""));
}

#[tokio::test]
async fn repeated_failures_lock_the_account_with_a_message() {
    let app = TestApp::new().await;
    let anon = app.anonymous().await;
    let mut last = None;
    for _ in 0..5 {
        last = Some(
            app.post_form(
                "/inloggen",
                &anon,
                &[("email", "team@breda.demo"), ("password", "fout-fout-fout")],
            )
            .await,
        );
    }
    let last = last.unwrap();
    assert_eq!(last.status, StatusCode::FORBIDDEN);
    assert!(last.body.contains("tijdelijk geblokkeerd"), "{}", last.body);
    let right = app
        .post_form(
            "/inloggen",
            &anon,
            &[
                ("email", "team@breda.demo"),
                ("password", "Baken-demo-2026"),
            ],
        )
        .await;
    assert_eq!(right.status, StatusCode::FORBIDDEN);
    assert_eq!(app.audit_count("auth.lockout").await, 1);
}

#[tokio::test]
async fn a_post_without_the_csrf_token_is_refused_and_audited() {
    let app = TestApp::new().await;
    let browser = app.login("beheerder@tilburg.demo").await;
    let forged = Browser {
        csrf: "vervalst".into(),
        ..browser.clone()
    };
    let reply = app
        .post_form(
            "/beheer/gebruikers",
            &forged,
            &[
                ("email", "x@tilburg.demo"),
                ("name", "X"),
                ("role", "lezer"),
                ("password", "een-sterk-wachtwoord"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(reply.body.contains("Formulier verlopen"));
    assert_eq!(app.audit_count("security.csrf_rejected").await, 1);
    assert_eq!(
        app.store
            .query_i64("SELECT COUNT(*) FROM users WHERE email = 'x@tilburg.demo'")
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn a_cross_site_post_is_refused_even_with_the_token() {
    let app = TestApp::new().await;
    let browser = app.login("beheerder@tilburg.demo").await;
    let body = format!("csrf={}", browser.csrf);
    let req = axum::http::Request::post("/uitloggen")
        .header("content-type", "application/x-www-form-urlencoded")
        .header(
            "cookie",
            format!("baken_session={}", browser.session.clone().unwrap()),
        )
        .header("origin", "https://evil.example")
        .header("host", "localhost")
        .body(axum::body::Body::from(body))
        .unwrap();
    let reply = app.send(req).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    // Still signed in.
    assert_eq!(app.get("/", &browser).await.status, StatusCode::OK);
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = TestApp::new().await;
    let browser = app.login("lezer@breda.demo").await;
    let reply = app.post_form("/uitloggen", &browser, &[]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), "/inloggen?melding=signed-out");
    assert_eq!(app.get("/", &browser).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.audit_count("auth.logout").await, 1);
}

#[tokio::test]
async fn an_idle_session_sends_the_user_back_to_login() {
    let app = TestApp::new().await;
    let browser = app.login("lezer@breda.demo").await;
    app.store
        .execute_raw("UPDATE sessions SET last_seen_at = last_seen_at - 7200000")
        .await
        .unwrap();
    let reply = app.get("/audit", &browser).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), "/inloggen?terug=%2Faudit");
}

#[tokio::test]
async fn the_second_factor_is_asked_after_the_password() {
    let app = TestApp::new().await;
    let browser = app.login("privacy@breda.demo").await;
    let begun = app.post_form("/profiel/tweede-factor", &browser, &[]).await;
    assert_eq!(begun.status, StatusCode::SEE_OTHER);
    let profile = app.get("/profiel", &browser).await;
    let secret = profile
        .body
        .split("id=\"totp-secret\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("secret shown")
        .to_owned();
    let totp = totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(&secret).unwrap())
        .with_account_name("privacy@breda.demo")
        .with_issuer(Some("Baken"))
        .build()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let wrong = app
        .post_form(
            "/profiel/tweede-factor/bevestigen",
            &browser,
            &[("code", "123")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let ok = app
        .post_form(
            "/profiel/tweede-factor/bevestigen",
            &browser,
            &[("code", &totp.generate(now).to_string())],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);

    let anon = app.anonymous().await;
    let reply = app
        .post_form(
            "/inloggen",
            &anon,
            &[
                ("email", "privacy@breda.demo"),
                ("password", "Baken-demo-2026"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(reply.location().starts_with("/inloggen/tweede-factor"));
    let pending = Browser {
        session: reply.cookie("baken_session"),
        ..Default::default()
    };
    // Not signed in yet.
    assert_eq!(
        app.get("/audit", &pending).await.status,
        StatusCode::SEE_OTHER
    );
    let form = app.get("/inloggen/tweede-factor", &pending).await;
    let pending = Browser {
        csrf: csrf_in(&form.body),
        ..pending
    };
    let code = totp.generate(now + 30).to_string();
    let done = app
        .post_form(
            "/inloggen/tweede-factor",
            &pending,
            &[("code", &code), ("terug", "/audit")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), "/audit");
    let signed_in = Browser {
        session: done.cookie("baken_session"),
        ..Default::default()
    };
    assert_ne!(signed_in.session, pending.session);
    assert_eq!(app.get("/audit", &signed_in).await.status, StatusCode::OK);
}
