use axum::http::StatusCode;

use crate::{Browser, TestApp};

#[tokio::test]
async fn every_page_carries_the_security_headers() {
    let app = TestApp::new().await;
    let reply = app.get("/inloggen", &Browser::default()).await;
    let h = |name: &str| {
        reply
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert!(h("content-security-policy").contains("frame-ancestors 'none'"));
    assert!(h("content-security-policy").contains("script-src 'self'"));
    assert!(!h("content-security-policy").contains("unsafe-inline"));
    assert_eq!(h("x-content-type-options"), "nosniff");
    assert_eq!(h("referrer-policy"), "same-origin");
    assert!(!reply.body.contains("<script>"), "no inline script");
    assert!(!reply.body.contains("style=\""), "no inline style");
}

#[tokio::test]
async fn dutch_by_default_english_by_the_switch_or_the_browser() {
    let app = TestApp::new().await;
    let nl = app.get("/inloggen", &Browser::default()).await;
    assert!(nl.body.contains("<html lang=\"nl\">") && nl.body.contains("Inloggen"));
    let switch = app
        .get("/taal?lang=en&terug=%2Finloggen", &Browser::default())
        .await;
    assert_eq!(switch.status, StatusCode::SEE_OTHER);
    assert_eq!(switch.location(), "/inloggen");
    assert_eq!(switch.cookie("baken_lang").as_deref(), Some("en"));
    let en = app
        .get(
            "/inloggen",
            &Browser {
                lang: Some("en"),
                ..Default::default()
            },
        )
        .await;
    assert!(en.body.contains("<html lang=\"en\">") && en.body.contains("Sign in"));
    let req = axum::http::Request::get("/inloggen")
        .header("accept-language", "en-GB,en;q=0.9")
        .body(axum::body::Body::empty())
        .unwrap();
    assert!(app.send(req).await.body.contains("Sign in"));
    let evil = app
        .get(
            "/taal?lang=en&terug=https://evil.example",
            &Browser::default(),
        )
        .await;
    assert_eq!(evil.location(), "/");
    let unknown = app.get("/taal?lang=xx", &Browser::default()).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_navigation_shows_what_the_role_may_open() {
    let app = TestApp::new().await;
    let analyst = app.login("analist@tilburg.demo").await;
    let home = app.get("/", &analyst).await;
    assert!(home.body.contains("href=\"/zicht\""));
    assert!(!home.body.contains("href=\"/beheer\""));
    assert!(!home.body.contains("href=\"/audit\""));
    let partner = app.login("partner@politie-zwb.demo").await;
    let home = app.get("/", &partner).await;
    assert!(home.body.contains("href=\"/delen\""));
    assert!(!home.body.contains("href=\"/signalen\""));
    assert!(home.body.contains("baken-card--disabled"));
}

#[tokio::test]
async fn an_administrator_creates_a_user_and_sees_each_problem_by_field() {
    let app = TestApp::new().await;
    let admin = app.login("beheerder@breda.demo").await;
    let bad = app
        .post_form(
            "/beheer/gebruikers",
            &admin,
            &[("email", "geen-adres"), ("name", ""), ("password", "kort")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Vul een geldig e-mailadres in"));
    assert!(bad.body.contains("Vul een naam in"));
    assert!(bad.body.contains("Kies minstens één rol."));
    let weak = app
        .post_form(
            "/beheer/gebruikers",
            &admin,
            &[
                ("email", "nieuw@breda.demo"),
                ("name", "Nieuw"),
                ("role", "analist"),
                ("password", "kort"),
            ],
        )
        .await;
    assert!(weak.body.contains("minstens 12 tekens"), "{}", weak.body);
    let ok = app
        .post_form(
            "/beheer/gebruikers",
            &admin,
            &[
                ("email", "nieuw@breda.demo"),
                ("name", "Nieuw"),
                ("role", "analist"),
                ("role", "lezer"),
                ("password", "fiets-regen-Breda-42"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let page = app.get(ok.location(), &admin).await;
    assert!(page.body.contains("De gebruiker is aangemaakt."));
    assert!(page.body.contains("nieuw@breda.demo"));
}

#[tokio::test]
async fn the_audit_page_filters_and_records_its_own_reading() {
    let app = TestApp::new().await;
    app.login("analist@tilburg.demo").await;
    let officer = app.login("privacy@tilburg.demo").await;
    let page = app
        .get("/audit?actie=auth.login&uitkomst=ok", &officer)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("analist@tilburg.demo"));
    assert!(!page.body.contains("org.user.create"));
    assert!(app.audit_count("audit.read").await >= 1);
    let bad = app.get("/audit?van=31-12-2026", &officer).await;
    assert!(bad.body.contains("Vul een datum in als JJJJ-MM-DD."));
}

#[tokio::test]
async fn an_organisation_theme_replaces_the_default_tokens() {
    let app = TestApp::new().await;
    let admin = app.login("beheerder@tilburg.demo").await;
    let boundary = "XbakenX";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"theme\"; filename=\"theme.css\"\r\nContent-Type: text/css\r\n\r\n.tilburg-theme {{ --utrecht-button-primary-action-background-color: #8a0e3f; }}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"class\"\r\n\r\ntilburg-theme\r\n--{boundary}--\r\n"
    );
    let path = format!("/beheer/thema?csrf={}", admin.csrf);
    let reply = app
        .post_raw(
            &path,
            &admin,
            &format!("multipart/form-data; boundary={boundary}"),
            body,
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let home = app.get("/", &admin).await;
    assert!(home.body.contains("href=\"/thema.css\""));
    assert!(!home.body.contains("/static/tokens.css"));
    assert!(home.body.contains("<body class=\"tilburg-theme\">"));
    let css = app.get("/thema.css", &admin).await;
    assert!(css.body.contains("#8a0e3f"));
    // Another organisation keeps the default.
    let breda = app.login("lezer@breda.demo").await;
    assert!(
        app.get("/", &breda)
            .await
            .body
            .contains("/static/tokens.css")
    );
    assert_eq!(
        app.get("/thema.css", &breda).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn an_api_token_is_shown_once_and_can_be_revoked() {
    let app = TestApp::new().await;
    let analyst = app.login("analist@breda.demo").await;
    let page = app
        .post_form("/profiel/tokens", &analyst, &[("name", "rapportage")])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let token = page
        .body
        .split("id=\"new-token\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap()
        .to_owned();
    assert_eq!(
        app.api("GET", "/api/v1/mij", Some(&token), None)
            .await
            .status,
        StatusCode::OK
    );
    let again = app.get("/profiel", &analyst).await;
    assert!(!again.body.contains(&token), "the token is shown only once");
    let id = app
        .store
        .query_i64("SELECT MAX(id) FROM api_tokens")
        .await
        .unwrap();
    let revoked = app
        .post_form(&format!("/profiel/tokens/{id}/intrekken"), &analyst, &[])
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.api("GET", "/api/v1/mij", Some(&token), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn every_request_leaves_an_intact_chain() {
    let app = TestApp::new().await;
    let admin = app.login("beheerder@tilburg.demo").await;
    app.get("/beheer", &admin).await;
    app.get("/audit", &admin).await;
    let report = app.store.verify_audit_chain().await.unwrap();
    assert_eq!(report.first_break, None);
    assert!(report.checked > 20);
}

#[tokio::test]
async fn an_analyst_uploads_previews_and_imports_a_table_in_the_background() {
    let app = TestApp::new().await;
    let analyst = app.login("analist@tilburg.demo").await;
    let (csv, _, _) = encoding_rs::WINDOWS_1252.encode("gemeente;datum;soort;bedrag\r\nGM0855;03-01-2024;café;1.234,50\r\nGM0758;2024-02-29;lab;-12,5\r\n");
    let reply = app.upload(&analyst, "eigen telling.csv", &csv).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let job_path = reply.location().to_owned();
    let preview = app.get(&job_path, &analyst).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(
        preview.body.contains("CSV (Windows-1252, ;)"),
        "{}",
        preview.body
    );
    assert!(preview.body.contains("café"));
    assert!(preview.body.contains("value=\"decimaal\" selected"));
    assert!(
        preview.body.contains("value=\"eigen-telling\""),
        "a dataset name is proposed"
    );

    let bad = app
        .post_form(&job_path, &analyst, &[("dataset", "Geen Geldige Naam")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let ok = app
        .post_form(
            &job_path,
            &analyst,
            &[
                ("dataset", "eigen-telling"),
                ("type_0", "gemeentecode"),
                ("type_3", "decimaal"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let queued = app.get(&job_path, &analyst).await;
    assert!(
        queued.body.contains("http-equiv=\"refresh\""),
        "the page follows the job without JavaScript"
    );

    // Another organisation cannot see the job; a viewer may not import at all.
    let breda = app.login("analist@breda.demo").await;
    assert_eq!(
        app.get(&job_path, &breda).await.status,
        StatusCode::NOT_FOUND
    );
    let viewer = app.login("lezer@tilburg.demo").await;
    assert_eq!(
        app.get("/importeren", &viewer).await.status,
        StatusCode::FORBIDDEN
    );
    let count = app
        .store
        .query_i64("SELECT COUNT(*) FROM jobs WHERE status = 'queued'")
        .await
        .unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn an_upload_without_a_file_is_explained() {
    let app = TestApp::new().await;
    let analyst = app.login("analist@breda.demo").await;
    let reply = app.upload(&analyst, "leeg.csv", b"").await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("Kies een bestand."));
}

#[tokio::test]
async fn a_statline_download_uploaded_in_the_web_shows_what_it_matched() {
    let app = TestApp::with_reference().await;
    let analyst = app.login("analist@tilburg.demo").await;
    let bytes = include_bytes!("../../../../data/fixtures/statline/vermogen_2023.csv");
    let reply = app.upload(&analyst, "vermogen_2023.csv", bytes).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let preview = app.get(reply.location(), &analyst).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(
        preview.body.contains("Vermogen van huishoudens"),
        "{}",
        preview.body
    );
    assert!(
        preview.body.contains("7: Noord-Nederland (LD)"),
        "unmatched regions are listed"
    );
    assert!(
        preview.body.contains("1720 cijfers gekoppeld"),
        "{}",
        preview.body
    );
    let kind = app
        .store
        .query_i64("SELECT COUNT(*) FROM jobs WHERE kind = 'statline'")
        .await
        .unwrap();
    assert_eq!(kind, 1);
    let ok = app
        .post_form(reply.location(), &analyst, &[("dataset", "vermogen")])
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
}
