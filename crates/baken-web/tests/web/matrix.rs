//! The permission matrix: every route of the registry, called as every demo user (and as
//! nobody), with the expected status derived from the route's declared access and the
//! permission table. A route added to the registry is in this test without further work.

use axum::http::StatusCode;
use baken_domain::auth::Role;
use baken_store::demo::demo_users;
use baken_web::routes::{Access, RouteSpec, TenantParam, specs};

use crate::{Browser, Reply, TestApp};

/// GET routes that answer something else than 200 to an entitled caller, and why.
fn expected_ok(spec: &RouteSpec) -> &'static [u16] {
    match (spec.method, spec.path) {
        // No theme uploaded in this fixture.
        ("GET", "/thema.css") => &[404],
        // A signed-in user is sent on; no second factor pending.
        ("GET", "/inloggen" | "/inloggen/tweede-factor") => &[303],
        // Needs ?lang=.
        ("GET", "/taal") => &[400],
        // Round 0 does not exist (not found, audited); rounds are walked in the readiness tests.
        (
            "GET",
            "/gereedheid/rondes/{id}"
            | "/gereedheid/rondes/{id}/uitslag"
            | "/gereedheid/rondes/{id}/rapport.pdf",
        ) => &[404],
        ("GET", "/api/v1/zelfscans/{id}") => &[404],
        // Signal 0, question 0 and subject 0 do not exist (not found, audited); signals are
        // walked in the signal tests.
        (
            "GET",
            "/signalen/{id}"
            | "/signalen/{id}/verantwoording.pdf"
            | "/signalen/{id}/bijlagen/{bijlage}"
            | "/signalen/vragen/{id}/details"
            | "/signalen/rechten/{id}/inzage"
            | "/api/v1/signalen/{id}"
            | "/api/v1/signalen/{id}/historie"
            | "/api/v1/subjecten/{id}/relaties"
            | "/grens/casussen/{id}",
        ) => &[404],
        // Covenant, case, run and package 0 do not exist (not found, audited); sharing is
        // walked in the sharing tests.
        (
            "GET",
            "/delen/convenanten/{id}"
            | "/delen/casussen/{id}"
            | "/delen/uitwisseling/{id}"
            | "/api/v1/convenanten/{id}"
            | "/api/v1/casussen/{id}"
            | "/api/v1/casussen/{id}/deelnemers"
            | "/api/v1/matches/{id}",
        ) => &[404],
        ("GET", _) => &[200],
        // A POST with an empty form: validated, never refused for access.
        _ => &[200, 303, 400, 404, 422],
    }
}

/// The route's path with its parameters filled in: a user id of the caller's own
/// organisation for tenant routes, an id that names nothing for the others (so that a POST
/// such as revoking a token cannot change the fixture).
fn concrete_path(spec: &RouteSpec, own_user_id: i64, own_job_id: i64) -> String {
    let id = match spec.tenant {
        Some(TenantParam::User) => own_user_id,
        Some(TenantParam::Job) => own_job_id,
        Some(TenantParam::Signal | TenantParam::Subject | TenantParam::CrossBorderCase) | None => 0,
    };
    let code = if spec.path.starts_with("/api/v1/gebieden") || spec.path.starts_with("/zicht") {
        "GM0855"
    } else {
        "tilburg"
    };
    if spec.path.starts_with("/matrices/{id}") || spec.path.starts_with("/api/v1/fenomenen/") {
        return spec.path.replace("{id}", "drugs");
    }
    if spec.path.starts_with("/api/v1/indicatoren/") {
        return spec
            .path
            .replace("{id}", "context-misdrijven-per-1000-inwoners");
    }
    if spec.path.starts_with("/grens/begrippen/export/") {
        return spec.path.replace("{file}", "begrippen.csv");
    }
    spec.path
        .replace("{id}", &id.to_string())
        .replace("{term}", "burgemeester")
        .replace("{guide}", "waterbedeffect")
        .replace("{letter}", "de-gewerberegister-uittreksel")
        .replace("{code}", code)
        .replace("{theme}", "context")
        .replace("{module}", "datagedreven")
        .replace("{quiz}", "dg-1")
        .replace("{file}", "context-misdrijven-per-1000-inwoners.csv")
        .replace("{bron}", "handhaving")
        .replace("{bijlage}", "0")
        .replace("{org}", "breda")
        .replace("{item}", "0")
}

async fn call(
    app: &TestApp,
    spec: &RouteSpec,
    path: &str,
    browser: &Browser,
    token: Option<&str>,
) -> Reply {
    match (spec.surface(), spec.method) {
        (baken_web::Surface::Api, m) => {
            app.api(m, path, token, (m == "POST").then_some("{}")).await
        }
        (_, "GET") => app.get(path, browser).await,
        (_, _) => app.post_form(path, browser, &[]).await,
    }
}

#[tokio::test]
async fn every_route_as_every_role_and_as_nobody() {
    let app = TestApp::with_reference().await;
    let mut routes = specs();
    // Signing out last, so the session survives the walk.
    routes.sort_by_key(|s| s.path == "/uitloggen");
    let mut failures = Vec::new();

    // Nobody.
    for spec in &routes {
        let path = concrete_path(spec, 1, 1);
        let reply = call(&app, spec, &path, &Browser::default(), None).await;
        let ok = match (spec.access, spec.surface(), spec.method) {
            (Access::Public, _, _) => {
                reply.status != StatusCode::UNAUTHORIZED
                    && !reply.location().starts_with("/inloggen?terug")
            }
            (_, baken_web::Surface::Api, _) => reply.status == StatusCode::UNAUTHORIZED,
            (_, _, "GET") => {
                reply.status == StatusCode::SEE_OTHER
                    && reply.location().starts_with("/inloggen?terug=")
            }
            // A page POST without any session fails the CSRF check first.
            (_, _, _) => reply.status == StatusCode::FORBIDDEN,
        };
        if !ok {
            failures.push(format!(
                "anonymous {} {} -> {} {}",
                spec.method,
                path,
                reply.status,
                reply.location()
            ));
        }
    }

    // A draft import per organisation that may import, for the job routes.
    let mut jobs = std::collections::HashMap::new();
    for (email, org, role) in demo_users() {
        if role
            .permissions()
            .contains(&baken_domain::auth::Permission::ImportData)
            && !jobs.contains_key(org)
        {
            let browser = app.login(&email).await;
            let reply = app
                .upload(&browser, "t.csv", b"gemeente;jaar\nGM0855;2024\n")
                .await;
            let id: i64 = reply
                .location()
                .rsplit('/')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            jobs.insert(org, id);
        }
    }

    // Every demo user, by session for pages and by token for the API.
    for (email, org, role) in demo_users() {
        let browser = app.login(&email).await;
        let token = app.token(&email).await;
        let own_id = app.user_id(&email).await;
        let own_job = jobs.get(org).copied().unwrap_or(0);
        for spec in &routes {
            let path = concrete_path(spec, own_id, own_job);
            let reply = call(&app, spec, &path, &browser, Some(&token)).await;
            let allowed = match spec.access {
                Access::Public | Access::SignedIn => true,
                Access::Permission(p) => role.permissions().contains(&p),
            };
            let ok = if allowed {
                expected_ok(spec).contains(&reply.status.as_u16())
            } else {
                reply.status == StatusCode::FORBIDDEN
            };
            if !ok {
                failures.push(format!(
                    "{email} ({}) {} {} -> {} (expected {})",
                    role.code(),
                    spec.method,
                    path,
                    reply.status,
                    if allowed {
                        format!("{:?}", expected_ok(spec))
                    } else {
                        "403".into()
                    }
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} unexpected answers:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn tenant_routes_hide_other_organisations_objects() {
    let app = TestApp::new().await;
    let victim = app.user_id("analist@tilburg.demo").await;
    let tilburg_analyst = app.login("analist@tilburg.demo").await;
    let upload = app
        .upload(
            &tilburg_analyst,
            "geheim.csv",
            b"gemeente;geheim\nGM0855;analist@tilburg.demo\n",
        )
        .await;
    let victim_job: i64 = upload
        .location()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    // A Tilburg signal about a Tilburg person, whose description names the victim too.
    let regisseur = app.token("regisseur@tilburg.demo").await;
    let person = app
        .api(
            "POST",
            "/api/v1/subjecten",
            Some(&regisseur),
            Some(r#"{"soort":"persoon","gegevens":{"naam":"Geheim Persoon","geboortedatum":"1980-01-01"}}"#),
        )
        .await;
    let victim_subject = person.json()["id"].as_i64().expect("subject id");
    let signal = app
        .api(
            "POST",
            "/api/v1/signalen",
            Some(&regisseur),
            Some(&format!(
                r#"{{"ontvangen":"2026-01-05","kanaal":"telefoon","omschrijving":"geheim analist@tilburg.demo","betrouwbaarheid_bron":"B","betrouwbaarheid_informatie":"2","subjecten":[{victim_subject}]}}"#
            )),
        )
        .await;
    let victim_signal = signal.json()["id"].as_i64().expect("signal id");
    let tilburg = app.login("regisseur@tilburg.demo").await;
    let case = app
        .post_form(
            "/grens/casussen",
            &tilburg,
            &[
                ("land_verzoeker", "NL"),
                ("land_aangezochte", "DE"),
                (
                    "verzoekende_instantie",
                    "Gemeente Tilburg analist@tilburg.demo",
                ),
                ("aangezochte_instantie", "Ordnungsamt Aachen"),
            ],
        )
        .await;
    let victim_case: i64 = case
        .location()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .expect("case id");
    let mut checked = 0;
    for (email, org, role) in demo_users() {
        if org == "tilburg" {
            continue;
        }
        let browser = app.login(&email).await;
        let token = app.token(&email).await;
        for spec in specs().iter().filter(|s| s.tenant.is_some()) {
            let id = match spec.tenant {
                Some(TenantParam::Job) => victim_job,
                Some(TenantParam::Signal) => victim_signal,
                Some(TenantParam::Subject) => victim_subject,
                Some(TenantParam::CrossBorderCase) => victim_case,
                _ => victim,
            };
            let path = spec.path.replace("{id}", &id.to_string());
            let reply = call(&app, spec, &path, &browser, Some(&token)).await;
            let entitled = match spec.access {
                Access::Permission(p) => role.permissions().contains(&p),
                _ => true,
            };
            let expected = if entitled {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(reply.status, expected, "{email} {} {path}", spec.method);
            assert!(
                !reply.body.contains("analist@tilburg.demo") && !reply.body.contains("Geheim"),
                "{email} saw the record"
            );
            checked += 1;
        }
        let _ = Role::Admin;
    }
    assert!(checked >= 9 * 4);
    let not_found = app.audit_count("access.not_found").await;
    assert!(
        not_found >= 3,
        "attempts by entitled users are audited, got {not_found}"
    );
}
