use axum::http::StatusCode;

use crate::TestApp;

#[tokio::test]
async fn an_unauthenticated_call_gets_401_problem_json() {
    let app = TestApp::new().await;
    let reply = app.api("GET", "/api/v1/gebruikers", None, None).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.content_type(), "application/problem+json");
    let problem = reply.json();
    assert_eq!(problem["status"], 401);
    assert_eq!(problem["instance"], "/api/v1/gebruikers");
    assert!(reply.headers.contains_key("www-authenticate"));
    let bad_token = app
        .api("GET", "/api/v1/mij", Some("baken_nope"), None)
        .await;
    assert_eq!(bad_token.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_token_acts_with_its_users_permissions() {
    let app = TestApp::new().await;
    let token = app.token("beheerder@tilburg.demo").await;
    let me = app
        .api("GET", "/api/v1/mij", Some(&token), None)
        .await
        .json();
    assert_eq!(me["email"], "beheerder@tilburg.demo");
    assert!(
        me["rechten"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "manage-users")
    );
    let users = app
        .api(
            "GET",
            "/api/v1/gebruikers?pagina=1&paginagrootte=5",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(users.status, StatusCode::OK);
    let body = users.json();
    assert_eq!(body["paginering"]["totaal"], 7);
    assert_eq!(body["paginering"]["aantalPaginas"], 2);
    assert_eq!(body["resultaten"].as_array().unwrap().len(), 5);
    assert_eq!(
        body["_links"]["next"]["href"],
        "/api/v1/gebruikers?pagina=2&paginagrootte=5"
    );
    assert!(
        body["resultaten"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["email"].as_str().unwrap().ends_with("@tilburg.demo"))
    );
}

#[tokio::test]
async fn another_organisations_user_is_404_and_audited() {
    let app = TestApp::new().await;
    let token = app.token("beheerder@breda.demo").await;
    let victim = app.user_id("analist@tilburg.demo").await;
    let reply = app
        .api(
            "GET",
            &format!("/api/v1/gebruikers/{victim}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.content_type(), "application/problem+json");
    assert!(!reply.body.contains("analist@tilburg.demo"));
    assert_eq!(app.audit_count("access.not_found").await, 1);
    let own = app.user_id("analist@breda.demo").await;
    let ok = app
        .api(
            "GET",
            &format!("/api/v1/gebruikers/{own}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(ok.json()["rollen"][0], "analist");
}

#[tokio::test]
async fn a_role_without_the_right_gets_403_and_an_audit_record() {
    let app = TestApp::new().await;
    let token = app.token("analist@tilburg.demo").await;
    let reply = app
        .api("GET", "/api/v1/auditregels", Some(&token), None)
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.content_type(), "application/problem+json");
    assert_eq!(app.audit_count("access.denied").await, 1);
}

#[tokio::test]
async fn creating_a_user_validates_every_field() {
    let app = TestApp::new().await;
    let token = app.token("beheerder@tilburg.demo").await;
    let post = |json: &'static str| app.api("POST", "/api/v1/gebruikers", Some(&token), Some(json));

    let malformed = post(r#"{"email": "a@b.nl", "naam": 5}"#).await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert_eq!(malformed.json()["invalidParams"][0]["name"], "naam");

    let missing = post(r#"{"naam": "X", "rollen": [], "wachtwoord": "x"}"#).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(missing.json()["invalidParams"][0]["name"], "email");

    let not_json = post("{").await;
    assert_eq!(not_json.status, StatusCode::BAD_REQUEST);

    let unknown_role = post(r#"{"email": "n@tilburg.demo", "naam": "N", "rollen": ["koning"], "wachtwoord": "een-sterk-wachtwoord"}"#).await;
    assert_eq!(unknown_role.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown_role.body.contains("koning"));

    let weak = post(
        r#"{"email": "n@tilburg.demo", "naam": "N", "rollen": ["lezer"], "wachtwoord": "welkom"}"#,
    )
    .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    let params = weak.json()["invalidParams"].as_array().unwrap().clone();
    assert!(
        params
            .iter()
            .any(|p| p["reason"].as_str().unwrap().contains("minstens 12 tekens")),
        "{params:?}"
    );

    let duplicate = post(r#"{"email": "analist@breda.demo", "naam": "N", "rollen": ["lezer"], "wachtwoord": "een-sterk-wachtwoord"}"#).await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT);
    assert_eq!(duplicate.json()["invalidParams"][0]["name"], "email");

    let created = post(r#"{"email": "Nieuw@Tilburg.demo", "naam": "Nieuwe collega", "rollen": ["lezer", "analist"], "wachtwoord": "een-sterk-wachtwoord"}"#).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.json()["email"], "nieuw@tilburg.demo");
    assert_eq!(
        created.json()["rollen"],
        serde_json::json!(["analist", "lezer"])
    );
}

#[tokio::test]
async fn an_oversized_body_is_413_without_reading_it() {
    let app = TestApp::new().await;
    let token = app.token("beheerder@tilburg.demo").await;
    let big = format!("{{\"email\": \"{}\"}}", "x".repeat(3 * 1024 * 1024));
    let reply = app
        .api("POST", "/api/v1/gebruikers", Some(&token), Some(&big))
        .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(reply.content_type(), "application/problem+json");
}

#[tokio::test]
async fn unknown_routes_are_404_in_the_right_form() {
    let app = TestApp::new().await;
    let api = app.api("GET", "/api/v1/bestaat-niet", None, None).await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(api.content_type(), "application/problem+json");
    let page = app.get("/bestaat-niet", &crate::Browser::default()).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("Niet gevonden") && page.body.contains("<main"));
    let trailing = app.api("GET", "/api/v1/organisaties/", None, None).await;
    assert_eq!(trailing.status, StatusCode::NOT_FOUND);
    let org = app
        .api(
            "GET",
            "/api/v1/organisaties/onbekend",
            Some(&app.token("lezer@tilburg.demo").await),
            None,
        )
        .await;
    assert_eq!(org.status, StatusCode::NOT_FOUND);
    let wrong_method = app.api("DELETE", "/api/v1/organisaties", None, None).await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong_method.content_type(), "application/problem+json");
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route() {
    let app = TestApp::new().await;
    let doc = app
        .api("GET", "/api/v1/openapi.json", None, None)
        .await
        .json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for spec in baken_web::routes::specs() {
        if !spec.path.starts_with("/api/v1/") || spec.path == "/api/v1/openapi.json" {
            continue;
        }
        let method = spec.method.to_lowercase();
        assert!(
            doc["paths"][spec.path][&method].is_object(),
            "{} {} is missing from the OpenAPI document",
            spec.method,
            spec.path
        );
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    let app = TestApp::new().await;
    assert_eq!(
        app.api("GET", "/healthz", None, None).await.status,
        StatusCode::OK
    );
    let ready = app.api("GET", "/readyz", None, None).await;
    assert_eq!(ready.status, StatusCode::OK);
    assert_eq!(ready.json()["status"], "ok");
    let metrics = app.api("GET", "/metrics", None, None).await;
    assert!(
        metrics
            .body
            .contains("baken_http_requests_total{status=\"2xx\"}")
    );
    assert!(metrics.body.contains("baken_database_up{backend="));
}

#[tokio::test]
async fn the_audit_api_filters_and_pages() {
    let app = TestApp::new().await;
    app.login("analist@tilburg.demo").await;
    let token = app.token("privacy@tilburg.demo").await;
    let reply = app
        .api(
            "GET",
            "/api/v1/auditregels?actie=auth.login&paginagrootte=50",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = reply.json();
    let rows = body["resultaten"].as_array().unwrap();
    assert!(
        rows.iter()
            .any(|r| r["wie"] == "analist@tilburg.demo" && r["actie"] == "auth.login")
    );
    assert!(
        rows.iter()
            .all(|r| r["actie"].as_str().unwrap().starts_with("auth.login"))
    );
    let bad = app
        .api(
            "GET",
            "/api/v1/auditregels?van=gisteren",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["invalidParams"][0]["name"], "van");
}
