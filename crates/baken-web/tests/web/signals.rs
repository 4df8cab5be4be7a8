//! Signals and the step plan through the API and the pages: bad input, the whole walk from
//! intake to the case meeting with hit/no-hit, every (state, action, role) against the
//! transition table, destruction that leaves no bytes, attachments, data-subject rights and
//! step-plan templates.

use axum::http::StatusCode;
use baken_domain::auth::Permission;
use baken_domain::signal::{Action, State, TRANSITIONS};
use baken_store::Operator;
use baken_store::demo::demo_users;
use baken_store::signal::today;
use serde_json::{Value, json};

use crate::{Reply, TestApp};

fn days_ago(n: i64) -> String {
    (today() - time_days(n)).to_string()
}

fn time_days(n: i64) -> time::Duration {
    time::Duration::days(n)
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> Reply {
    app.api("POST", path, Some(token), Some(&body.to_string()))
        .await
}

async fn new_subject(app: &TestApp, token: &str, body: Value) -> i64 {
    let reply = post(app, token, "/api/v1/subjecten", body).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json()["id"].as_i64().expect("id")
}

async fn new_signal(app: &TestApp, token: &str, subjects: &[i64], description: &str) -> i64 {
    let reply = post(
        app,
        token,
        "/api/v1/signalen",
        json!({
            "ontvangen": days_ago(3),
            "kanaal": "eigen-professional",
            "melder_afdeling": "Vergunningen",
            "omschrijving": description,
            "fenomeen": "drugs",
            "betrouwbaarheid_bron": "B",
            "betrouwbaarheid_informatie": "2",
            "tlp": "amber",
            "subjecten": subjects,
        }),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.json()["state"], "intake");
    reply.json()["id"].as_i64().expect("id")
}

/// Fields that satisfy `action` under the shipped step plan.
fn fields(action: Action) -> Value {
    let p = baken_import::signal::shipped_protocol().expect("protocol");
    let mut v =
        json!({ "actie": action.code(), "motivering": "Feiten uit het signaal en de bronnen." });
    let o = v.as_object_mut().expect("object");
    for row in TRANSITIONS.iter().filter(|t| t.action == action) {
        for f in row.required {
            let value = match f.code() {
                "grondslag" => json!("avg-6-1-e"),
                "verankering" => json!([p.verankering[0].id]),
                "ernst" => json!([p.ernst[0].id]),
                "bronnen" => json!(["register"]),
                "deelnemers" => json!(["Handhaving", "Vergunningen"]),
                "delen" => json!([{ "met": "Handhaving", "wat": "hits en dossiernummers" }]),
                "acties" => {
                    json!([{ "wat": "Integrale controle", "eigenaar": "Handhaving", "deadline": (today() + time_days(30)).to_string() }])
                }
                "motivering" => continue,
                _ => json!("Tekst voor dit veld."),
            };
            o.insert(f.code().to_owned(), value);
        }
    }
    v
}

async fn step(app: &TestApp, token: &str, id: i64, body: Value) -> Reply {
    post(app, token, &format!("/api/v1/signalen/{id}/acties"), body).await
}

async fn step_ok(app: &TestApp, token: &str, id: i64, action: Action) -> Value {
    let reply = step(app, token, id, fields(action)).await;
    assert_eq!(reply.status, StatusCode::OK, "{action}: {}", reply.body);
    reply.json()
}

const REGISTER: &[u8] = b"soort;bsn;naam;geboortedatum;postcode;huisnummer;dossier\n\
persoon;111222333;;;;;HH-geheim-123\n\
adres;;;;5038AA;12;HH-geheim-456\n\
persoon;;Niet Betrokken;1970-01-01;;;HH-geheim-789\n";

/// Connects the demo register extract as the source `register` of Tilburg (by its source owner).
async fn connect_register(app: &TestApp) {
    let owner = app.login("bronhouder@tilburg.demo").await;
    let reply = app
        .upload_form(
            "/signalen/bronnen",
            &owner,
            &[
                ("code", "register"),
                ("naam", "Handhavingsdossiers"),
                ("vindplaats", "handhaving"),
                ("afdeling", "Handhaving"),
            ],
            "bestand",
            "register.csv",
            REGISTER,
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
}

struct Walk {
    signal: i64,
    person: i64,
    regisseur: String,
    team: String,
    privacy: String,
    analist: String,
}

/// A Tilburg signal about a person (with BSN) and an address, taken to source research, with
/// the register asked.
async fn walk_to_research(app: &TestApp) -> Walk {
    connect_register(app).await;
    let regisseur = app.token("regisseur@tilburg.demo").await;
    let team = app.token("team@tilburg.demo").await;
    let privacy = app.token("privacy@tilburg.demo").await;
    let analist = app.token("analist@tilburg.demo").await;
    let person = new_subject(
        app,
        &regisseur,
        json!({"soort": "persoon", "gegevens": {"bsn": "111222333", "naam": "Jan Jansen", "geboortedatum": "1980-01-01"}}),
    )
    .await;
    let address = new_subject(
        app,
        &regisseur,
        json!({"soort": "adres", "gegevens": {"straat": "Heuvelstraat", "postcode": "5038 AA", "huisnummer": "12", "gemeente": "GM0855"}}),
    )
    .await;
    let signal = new_signal(
        app,
        &regisseur,
        &[person, address],
        "Veel contante betalingen in een leeg pand.",
    )
    .await;
    for (token, action) in [
        (&regisseur, Action::Weighing1Met),
        (&regisseur, Action::Weighing2AMet),
        (&regisseur, Action::Weighing2BMet),
        (&team, Action::Weighing3SourceResearch),
        (&privacy, Action::PrivacyCheck1Approve),
    ] {
        step_ok(app, token, signal, action).await;
    }
    let browser = app.login("analist@tilburg.demo").await;
    let reply = app
        .post_form(
            &format!("/signalen/{signal}/bronnen/register"),
            &browser,
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    Walk {
        signal,
        person,
        regisseur,
        team,
        privacy,
        analist,
    }
}

/// The new-signal form with an address and a person whose BSN is `bsn`.
fn signal_form<'a>(received: &'a str, bsn: &'a str) -> [(&'a str, &'a str); 12] {
    [
        ("ontvangen", received),
        ("kanaal", "telefoon"),
        ("omschrijving", "Iets"),
        ("betrouwbaarheid_bron", "B"),
        ("betrouwbaarheid_informatie", "2"),
        ("tlp", "amber"),
        ("adres_postcode", "5038 AA"),
        ("adres_huisnummer", "1"),
        ("adres_gemeente", "GM0855"),
        ("persoon_naam", "Piet"),
        ("persoon_geboortedatum", "1980-01-01"),
        ("persoon_bsn", bsn),
    ]
}

#[tokio::test]
async fn bad_input_names_the_rule_and_stores_nothing() {
    let app = TestApp::new().await;
    let token = app.token("regisseur@tilburg.demo").await;
    let cases = [
        (
            json!({"soort": "persoon", "gegevens": {"bsn": "111222334", "naam": "A", "geboortedatum": "1980-01-01"}}),
            "bsn",
            "11-test",
        ),
        (
            json!({"soort": "bedrijf", "gegevens": {"kvk": "1234567", "naam": "B.V."}}),
            "kvk",
            "8 digits",
        ),
        (
            json!({"soort": "adres", "gegevens": {"postcode": "0123 AB", "huisnummer": "1", "gemeente": "GM0855"}}),
            "postcode",
            "4 digits",
        ),
        (
            json!({"soort": "adres", "gegevens": {"bag_id": "0855100000000001", "postcode": "5038 AA", "huisnummer": "1", "gemeente": "GM0855"}}),
            "bag_id",
            "object type 01",
        ),
    ];
    for (body, field, rule) in cases {
        let reply = post(&app, &token, "/api/v1/subjecten", body).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            reply.body
        );
        let params = reply.json()["invalidParams"].clone();
        assert_eq!(params[0]["name"], field, "{}", reply.body);
        assert!(
            params[0]["reason"].as_str().unwrap().contains(rule),
            "{}",
            reply.body
        );
    }
    let long = "x".repeat(baken_domain::signal::MAX_DESCRIPTION_CHARS + 1);
    let reply = post(
        &app,
        &token,
        "/api/v1/signalen",
        json!({
            "ontvangen": days_ago(1), "kanaal": "duif", "omschrijving": long, "fenomeen": "onbekend",
            "indicatoren": ["verzonnen"], "betrouwbaarheid_bron": "E", "betrouwbaarheid_informatie": "1",
        }),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let names: Vec<String> = reply.json()["invalidParams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    for field in [
        "kanaal",
        "omschrijving",
        "fenomeen",
        "indicatoren",
        "betrouwbaarheid_bron",
    ] {
        assert!(names.iter().any(|n| n == field), "{field} in {names:?}");
    }
    // The page form refuses a bad BSN with the field named, and stores neither subject nor signal.
    let browser = app.login("regisseur@tilburg.demo").await;
    let received = days_ago(1);
    let reply = app
        .post_form(
            "/signalen/nieuw",
            &browser,
            &signal_form(&received, "123456789"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.body.contains("data-field=\"persoon_bsn\""),
        "the BSN field is named"
    );
    assert!(
        !reply.body.contains("123456789"),
        "a BSN is never echoed back"
    );
    assert_eq!(
        app.store
            .query_i64("SELECT COUNT(*) FROM subjects")
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        app.store
            .query_i64("SELECT COUNT(*) FROM signals")
            .await
            .unwrap(),
        0
    );
    // The same form, right, registers the signal with its two subjects.
    let reply = app
        .post_form(
            "/signalen/nieuw",
            &browser,
            &signal_form(&received, "111222333"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(
        app.store
            .query_i64("SELECT COUNT(*) FROM signal_subjects")
            .await
            .unwrap(),
        2
    );
}

#[tokio::test]
async fn a_signal_goes_from_intake_to_the_case_meeting_with_every_step_recorded() {
    let app = TestApp::new().await;
    let w = walk_to_research(&app).await;
    // A step without its reasoning is refused, naming the field.
    let missing = step(
        &app,
        &w.team,
        w.signal,
        json!({"actie": "weging-4-casusoverleg"}),
    )
    .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(missing.json()["invalidParams"][0]["name"], "motivering");

    // Hit/no-hit reveals nothing beyond the boolean.
    let detail = app
        .api(
            "GET",
            &format!("/api/v1/signalen/{}", w.signal),
            Some(&w.analist),
            None,
        )
        .await;
    assert_eq!(detail.status, StatusCode::OK);
    let questions = detail.json()["questions"].as_array().unwrap().clone();
    assert_eq!(questions.len(), 2, "one question per subject");
    assert!(questions.iter().all(|q| q["hit"] == true));
    for q in &questions {
        let keys: Vec<&String> = q.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "asked_at",
                "asked_by",
                "detail",
                "hit",
                "id",
                "source",
                "subject_id"
            ]
        );
    }
    assert!(
        !detail.body.contains("HH-geheim"),
        "no detail before approval"
    );
    // The analyst sees the person by pseudonym only; the coordinator in clear, audited.
    assert!(!detail.body.contains("Jan Jansen"));
    let views = app.audit_count("subject.person.view").await;
    let clear = app
        .api(
            "GET",
            &format!("/api/v1/signalen/{}", w.signal),
            Some(&w.regisseur),
            None,
        )
        .await;
    assert!(clear.body.contains("Jan Jansen"));
    assert_eq!(app.audit_count("subject.person.view").await, views + 1);

    // A source that privacy check 1 did not approve cannot be asked.
    let owner = app.login("bronhouder@tilburg.demo").await;
    app.upload_form(
        "/signalen/bronnen",
        &owner,
        &[("code", "woz"), ("naam", "WOZ")],
        "bestand",
        "woz.csv",
        b"soort;postcode;huisnummer;waarde\nadres;5038AA;12;400000\n",
    )
    .await;
    let analyst = app.login("analist@tilburg.demo").await;
    let denied_before = app
        .store
        .query_i64(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'source.ask' AND outcome = 'denied'",
        )
        .await
        .unwrap();
    let refused = app
        .post_form(
            &format!("/signalen/{}/bronnen/woz", w.signal),
            &analyst,
            &[],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("not approved"));
    assert_eq!(
        app.store
            .query_i64(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'source.ask' AND outcome = 'denied'"
            )
            .await
            .unwrap(),
        denied_before + 1
    );
    assert_eq!(
        app.store
            .query_i64("SELECT COUNT(*) FROM source_questions")
            .await
            .unwrap(),
        2
    );

    // Details open only after a request and the privacy officer's approval.
    let qid = questions[0]["id"].as_i64().unwrap();
    let early = app
        .get(&format!("/signalen/vragen/{qid}/details"), &analyst)
        .await;
    assert_eq!(early.status, StatusCode::FORBIDDEN);
    let r = app
        .post_form(
            &format!("/signalen/vragen/{qid}/detailverzoek"),
            &analyst,
            &[("motivering", "Zelfde pand?")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let privacy = app.login("privacy@tilburg.demo").await;
    // The request waits in the privacy officer's own queue, and leaves it once decided.
    let in_queue = |reply: &crate::Reply| {
        reply
            .json()
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == w.signal)
    };
    let queue = app
        .api("GET", "/api/v1/signalen?lijst=mijn", Some(&w.privacy), None)
        .await;
    assert!(in_queue(&queue), "{}", queue.body);
    let r = app
        .post_form(
            &format!("/signalen/vragen/{qid}/besluit"),
            &privacy,
            &[("besluit", "goedkeuren")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let opened = app
        .get(&format!("/signalen/vragen/{qid}/details"), &analyst)
        .await;
    assert_eq!(opened.status, StatusCode::OK);
    assert!(
        opened.body.contains("HH-geheim-"),
        "the approved detail opens"
    );
    let queue = app
        .api("GET", "/api/v1/signalen?lijst=mijn", Some(&w.privacy), None)
        .await;
    assert!(!in_queue(&queue), "decided: no longer waiting");
    assert!(
        !opened.body.contains("HH-geheim-789"),
        "never another subject's record"
    );

    // Weighing 4, privacy check 2A and the case meeting's decision.
    step_ok(&app, &w.team, w.signal, Action::Weighing4CaseMeeting).await;
    step_ok(&app, &w.privacy, w.signal, Action::PrivacyCheck2A).await;
    let decided = step_ok(&app, &w.team, w.signal, Action::DecideApproach).await;
    assert_eq!(decided["state"], "privacytoets-2b");
    let history = app
        .api(
            "GET",
            &format!("/api/v1/signalen/{}/historie", w.signal),
            Some(&w.team),
            None,
        )
        .await;
    let steps = history.json().as_array().unwrap().clone();
    let actions: Vec<&str> = steps
        .iter()
        .map(|s| s["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "weging-1-ja",
            "weging-2a-ja",
            "weging-2b-ja",
            "weging-3-bronnenonderzoek",
            "privacytoets-1-akkoord",
            "weging-4-casusoverleg",
            "privacytoets-2a",
            "besluit-aanpak"
        ]
    );
    assert_eq!(steps[4]["fields"]["bronnen"], json!(["register"]));
    assert_eq!(steps[4]["legal_basis"], "avg-6-1-e");
    assert_eq!(steps[7]["fields"]["acties"][0]["eigenaar"], "Handhaving");
    assert!(
        steps
            .iter()
            .all(|s| s["actor"].as_str().unwrap().ends_with("@tilburg.demo"))
    );
    // The page shows the case meeting and the accountability report is a PDF.
    let team = app.login("team@tilburg.demo").await;
    let page = app.get(&format!("/signalen/{}", w.signal), &team).await;
    assert!(page.body.contains("data-case-meeting"));
    let pdf = app
        .get(&format!("/signalen/{}/verantwoording.pdf", w.signal), &team)
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.content_type(), "application/pdf");
    // The matrices' source catalogue shows which sources are connected for source research.
    let catalogue = app.get("/matrices/bronnen", &team).await;
    let row = catalogue
        .body
        .split("data-source=\"handhaving\"")
        .nth(1)
        .unwrap_or_default();
    let row = row.split("</tr>").next().unwrap_or_default();
    assert!(row.contains("Handhavingsdossiers"), "{row}");
    // The chain verifies after the whole walk.
    let report = app.store.verify_audit_chain().await.unwrap();
    assert!(report.first_break.is_none());
    assert!(report.checked > 20);
    let _ = w.person;
}

#[tokio::test]
async fn every_state_action_and_role_is_allowed_exactly_where_the_table_says() {
    let app = TestApp::new().await;
    let w = walk_to_research(&app).await;
    let mut tokens = Vec::new();
    for (email, org, role) in demo_users() {
        if org == "tilburg" {
            tokens.push((role, app.token(&email).await));
        }
    }
    let reset = |state: State| {
        format!(
            "UPDATE signals SET state = '{}', closed_at = NULL, destroy_after = NULL WHERE id = {}",
            state.code(),
            w.signal
        )
    };
    let mut checked = 0;
    let mut failures = Vec::new();
    for &state in State::ALL {
        app.store.execute_raw(&reset(state)).await.unwrap();
        for &action in Action::ALL {
            for (role, token) in &tokens {
                let row = TRANSITIONS
                    .iter()
                    .find(|t| t.from == state && t.action == action);
                let perms = role.permissions();
                let expected = if !perms.contains(&Permission::ViewSignals) {
                    StatusCode::FORBIDDEN
                } else {
                    match row {
                        Some(r) if perms.contains(&r.permission) => StatusCode::OK,
                        Some(_) => StatusCode::FORBIDDEN,
                        None => StatusCode::UNPROCESSABLE_ENTITY,
                    }
                };
                let reply = step(&app, token, w.signal, fields(action)).await;
                if reply.status != expected {
                    failures.push(format!(
                        "{state} {action} {role}: {} {}",
                        reply.status, reply.body
                    ));
                }
                if reply.status == StatusCode::OK {
                    let to = row.map(|r| r.to.code()).unwrap_or_default();
                    if reply.json()["state"] != to {
                        failures.push(format!(
                            "{state} {action}: went to {}",
                            reply.json()["state"]
                        ));
                    }
                    app.store.execute_raw(&reset(state)).await.unwrap();
                }
                checked += 1;
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} unexpected:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(checked, State::ALL.len() * Action::ALL.len() * tokens.len());
}

#[tokio::test]
async fn destroyed_signals_leave_no_trace_in_the_database_file() {
    let app = TestApp::new().await;
    let regisseur = app.token("regisseur@tilburg.demo").await;
    let (name, birth, bsn) = ("Zwaantje Oosterbroek-Quist", "1961-04-17", "111222333");
    let person = new_subject(
        &app,
        &regisseur,
        json!({"soort": "persoon", "gegevens": {"bsn": bsn, "naam": name, "geboortedatum": birth}}),
    )
    .await;
    let pseudonym = app
        .store
        .query_text(&format!("SELECT key FROM subjects WHERE id = {person}"))
        .await
        .unwrap();
    let sealed = app
        .store
        .query_text(&format!("SELECT sealed FROM subjects WHERE id = {person}"))
        .await
        .unwrap();
    let signal = new_signal(&app, &regisseur, &[person], "Geluidsoverlast bij de buren.").await;
    let closed = step(
        &app,
        &regisseur,
        signal,
        json!({"actie": "weging-1-nee", "motivering": "Geen ondermijning."}),
    )
    .await;
    assert_eq!(closed.json()["state"], "niet-opgepakt");
    let destroy_after = closed.json()["destroy_after"].as_i64().unwrap();
    let closed_at = closed.json()["closed_at"].as_i64().unwrap();
    assert_eq!(
        (destroy_after - closed_at) / 86_400_000,
        365,
        "not handled: kept one year"
    );
    // The privacy officer sees it coming.
    let privacy = app.login("privacy@tilburg.demo").await;
    let schedule = app.get("/signalen/bewaartermijnen", &privacy).await;
    assert!(
        schedule.body.contains("data-due=\"SIG-"),
        "{}",
        schedule.body
    );
    // Not yet due: nothing happens; a dry run when due lists it and destroys nothing.
    let op = Operator::command_line("test");
    let early = app
        .store
        .run_retention(&op, closed_at + 1000, false)
        .await
        .unwrap();
    assert_eq!(early.destroyed, 0);
    let dry = app
        .store
        .run_retention(&op, destroy_after + 1, true)
        .await
        .unwrap();
    assert_eq!((dry.due.len(), dry.destroyed), (1, 0));
    assert_eq!(
        app.store
            .query_i64("SELECT COUNT(*) FROM signals")
            .await
            .unwrap(),
        1
    );
    let run = app
        .store
        .run_retention(&op, destroy_after + 1, false)
        .await
        .unwrap();
    assert_eq!((run.destroyed, run.subjects_destroyed), (1, 1));
    for table in ["signals", "subjects", "signal_steps", "signal_subjects"] {
        assert_eq!(
            app.store
                .query_i64(&format!("SELECT COUNT(*) FROM {table}"))
                .await
                .unwrap(),
            0,
            "{table}"
        );
    }
    assert_eq!(
        app.store
            .query_i64("SELECT COUNT(*) FROM signal_tombstones")
            .await
            .unwrap(),
        1
    );
    let tombstones = app.get("/signalen/bewaartermijnen", &privacy).await;
    assert!(tombstones.body.contains("bewaartermijn verstreken"));
    assert!(
        app.store
            .verify_audit_chain()
            .await
            .unwrap()
            .first_break
            .is_none()
    );
    // On SQLite the database is a file: search its bytes (and the write-ahead log's).
    // On PostgreSQL the rows are gone (above); its heap files are the server's, not ours to read.
    if let Some(path) = app.url.strip_prefix("sqlite://") {
        let path = path.split('?').next().unwrap();
        let mut bytes = std::fs::read(path).unwrap();
        bytes.extend(std::fs::read(format!("{path}-wal")).unwrap_or_default());
        let contains = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
        for needle in [
            name,
            "Oosterbroek",
            birth,
            bsn,
            pseudonym.as_str(),
            &sealed[3..40],
        ] {
            assert!(
                !contains(needle),
                "{needle:?} is still in the database file"
            );
        }
        assert!(
            contains("SIG-"),
            "the tombstone's reference is there: the search works"
        );
    }
}

#[tokio::test]
async fn attachments_are_typed_by_content_and_lose_their_metadata() {
    let app = TestApp::new().await;
    let regisseur = app.token("regisseur@tilburg.demo").await;
    let address = new_subject(&app, &regisseur, json!({"soort": "adres", "gegevens": {"postcode": "5038 AA", "huisnummer": "1", "gemeente": "GM0855"}})).await;
    let signal = new_signal(&app, &regisseur, &[address], "Foto van een pand.").await;
    let browser = app.login("regisseur@tilburg.demo").await;
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x12];
    jpeg.extend(b"Exif\0\0GPS 51.55N\0\0");
    jpeg.extend([0xFF, 0xDA, 0x00, 0x02, 0x11, 0x22, 0xFF, 0xD9]);
    let path = format!("/signalen/{signal}/bijlagen");
    let ok = app
        .upload_form(&path, &browser, &[], "bestand", "foto.jpg", &jpeg)
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let id = app
        .store
        .query_i64("SELECT id FROM signal_attachments")
        .await
        .unwrap();
    let back = app
        .get(&format!("/signalen/{signal}/bijlagen/{id}"), &browser)
        .await;
    assert_eq!(back.content_type(), "image/jpeg");
    assert!(!back.body.contains("GPS"), "EXIF is stripped");
    let refused = app
        .upload_form(
            &path,
            &browser,
            &[],
            "bestand",
            "factuur.pdf",
            b"MZ\x90\0program",
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("only PDF, JPEG, PNG and plain text"));
    assert_eq!(
        app.store
            .query_i64("SELECT COUNT(*) FROM signal_attachments")
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn a_person_can_see_correct_and_erase_what_is_held_on_them() {
    let app = TestApp::new().await;
    let regisseur = app.token("regisseur@tilburg.demo").await;
    let person = new_subject(&app, &regisseur, json!({"soort": "persoon", "gegevens": {"naam": "Anna de Wit", "geboortedatum": "1990-02-02"}})).await;
    let other = new_subject(&app, &regisseur, json!({"soort": "adres", "gegevens": {"postcode": "5038 AA", "huisnummer": "2", "gemeente": "GM0855"}})).await;
    let only = new_signal(&app, &regisseur, &[person], "Alleen over Anna.").await;
    let shared = new_signal(&app, &regisseur, &[person, other], "Over Anna en een pand.").await;
    let privacy = app.login("privacy@tilburg.demo").await;
    let found = app
        .post_form(
            "/signalen/rechten",
            &privacy,
            &[("naam", "anna de  wit"), ("geboortedatum", "1990-02-02")],
        )
        .await;
    assert!(
        found.body.contains(&format!("data-found=\"{person}\"")),
        "found by folded name and date"
    );
    let export = app
        .get(&format!("/signalen/rechten/{person}/inzage"), &privacy)
        .await;
    assert_eq!(export.status, StatusCode::OK);
    let json = export.json();
    assert_eq!(json["person"]["name"], "Anna de Wit");
    assert_eq!(json["signals"].as_array().unwrap().len(), 2);
    assert!(export.body.contains("Alleen over Anna."));
    let corrected = app
        .post_form(
            &format!("/signalen/rechten/{person}/correctie"),
            &privacy,
            &[
                ("naam", "Anna de Witt"),
                ("geboortedatum", "1990-02-02"),
                ("toelichting", "Schrijfwijze"),
            ],
        )
        .await;
    assert_eq!(
        corrected.status,
        StatusCode::SEE_OTHER,
        "{}",
        corrected.body
    );
    let erased = app
        .post_form(
            &format!("/signalen/rechten/{person}/verwijderen"),
            &privacy,
            &[("toelichting", "Verzoek van betrokkene")],
        )
        .await;
    assert_eq!(erased.status, StatusCode::SEE_OTHER, "{}", erased.body);
    assert_eq!(
        app.store
            .query_i64(&format!("SELECT COUNT(*) FROM signals WHERE id = {only}"))
            .await
            .unwrap(),
        0,
        "a signal only about the person is destroyed"
    );
    assert_eq!(
        app.store
            .query_i64(&format!(
                "SELECT COUNT(*) FROM signal_subjects WHERE signal_id = {shared}"
            ))
            .await
            .unwrap(),
        1,
        "the other signal keeps its address"
    );
    assert_eq!(
        app.store
            .query_i64("SELECT COUNT(*) FROM subject_requests")
            .await
            .unwrap(),
        3
    );
    assert_eq!(app.audit_count("rights.request").await, 3);
    let again = app
        .post_form(
            "/signalen/rechten",
            &privacy,
            &[("naam", "Anna de Witt"), ("geboortedatum", "1990-02-02")],
        )
        .await;
    assert!(again.body.contains("data-not-found"));
}

#[tokio::test]
async fn a_municipality_adopts_the_step_plan_another_published() {
    let app = TestApp::new().await;
    let breda = app.login("beheerder@breda.demo").await;
    let before = app.get("/signalen/stappenplan", &breda).await;
    assert!(!before.body.contains("data-template=\"tilburg\""));
    let tilburg = app.login("beheerder@tilburg.demo").await;
    let r = app
        .post_form(
            "/signalen/stappenplan/publiceren",
            &tilburg,
            &[("publiceren", "ja")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let listed = app.get("/signalen/stappenplan", &breda).await;
    assert!(listed.body.contains("data-template=\"tilburg\""));
    let adopted = app
        .post_form("/signalen/stappenplan/overnemen/tilburg", &breda, &[])
        .await;
    assert_eq!(adopted.status, StatusCode::SEE_OTHER);
    let after = app.get("/signalen/stappenplan", &breda).await;
    assert!(after.body.contains("tilburg"), "the origin is shown");
    assert_eq!(app.audit_count("signal.protocol.adopt").await, 1);
    // A coordinator may not publish.
    let regisseur = app.login("regisseur@breda.demo").await;
    let denied = app
        .post_form("/signalen/stappenplan/publiceren", &regisseur, &[])
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn relations_are_dated_records_with_their_source() {
    let app = TestApp::new().await;
    let regisseur = app.token("regisseur@tilburg.demo").await;
    let person = new_subject(&app, &regisseur, json!({"soort": "persoon", "gegevens": {"naam": "Kees Bos", "geboortedatum": "1970-01-01"}})).await;
    let company = new_subject(
        &app,
        &regisseur,
        json!({"soort": "bedrijf", "gegevens": {"kvk": "60000011", "naam": "Bos Holding B.V."}}),
    )
    .await;
    let path = format!("/api/v1/subjecten/{person}/relaties");
    let ok = post(&app, &regisseur, &path, json!({"soort": "bestuurder-van", "naar": company, "vanaf": "2020-05-01", "bron": "KvK-uittreksel"})).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.json()[0]["kind"], "bestuurder-van");
    assert_eq!(ok.json()[0]["valid_from"], "2020-05-01");
    assert_eq!(ok.json()[0]["source"], "KvK-uittreksel");
    // A company cannot direct a person; a relation needs its source; dates are checked.
    let wrong = post(
        &app,
        &regisseur,
        &format!("/api/v1/subjecten/{company}/relaties"),
        json!({"soort": "bestuurder-van", "naar": person, "vanaf": "2020-05-01", "bron": "KvK"}),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let unsourced = post(
        &app,
        &regisseur,
        &path,
        json!({"soort": "eigenaar-van", "naar": company, "vanaf": "2031-01-01"}),
    )
    .await;
    let names: Vec<String> = unsourced.json()["invalidParams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["vanaf", "bron"]);
    let list = app.api("GET", &path, Some(&regisseur), None).await;
    assert_eq!(list.json().as_array().unwrap().len(), 1);
    // The signal page shows it in words.
    let signal = new_signal(
        &app,
        &regisseur,
        &[person, company],
        "Bestuurder en bedrijf.",
    )
    .await;
    let browser = app.login("regisseur@tilburg.demo").await;
    let page = app.get(&format!("/signalen/{signal}"), &browser).await;
    assert!(
        page.body.contains("is bestuurder van Bos Holding B.V."),
        "{}",
        page.body
    );
    // Another organisation cannot reach the subject.
    let breda = app.token("regisseur@breda.demo").await;
    let hidden = app.api("GET", &path, Some(&breda), None).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_municipality_adapts_its_step_plan_but_never_with_a_protected_trait() {
    let app = TestApp::new().await;
    let admin = app.login("beheerder@tilburg.demo").await;
    let file = app.get("/signalen/stappenplan/bestand", &admin).await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(file.body.contains("niet-opgepakt = 365"));
    // A red flag about nationality is refused, naming where and why; nothing changes.
    let shipped = baken_import::signal::shipped_protocol().unwrap();
    let flag = &shipped.signalering[0].rode_vlaggen[0].nl;
    assert!(file.body.contains(flag.as_str()));
    let bad = file
        .body
        .replacen(flag.as_str(), "Huurder met een andere nationaliteit", 1);
    let refused = app
        .upload_form(
            "/signalen/stappenplan/bestand",
            &admin,
            &[],
            "bestand",
            "stappenplan.toml",
            bad.as_bytes(),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("protected trait"), "{}", refused.body);
    assert!(refused.body.contains("signalering[0].rode_vlaggen[0]"));
    assert_eq!(
        app.store
            .query_i64("SELECT COUNT(*) FROM signal_protocols")
            .await
            .unwrap(),
        0
    );
    // A shorter term for signals not handled is taken, and governs the next closure.
    let shorter = file
        .body
        .replacen("niet-opgepakt = 365", "niet-opgepakt = 180", 1);
    let saved = app
        .upload_form(
            "/signalen/stappenplan/bestand",
            &admin,
            &[],
            "bestand",
            "stappenplan.toml",
            shorter.as_bytes(),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let regisseur = app.token("regisseur@tilburg.demo").await;
    let address = new_subject(&app, &regisseur, json!({"soort": "adres", "gegevens": {"postcode": "5038 AA", "huisnummer": "3", "gemeente": "GM0855"}})).await;
    let signal = new_signal(&app, &regisseur, &[address], "Geen ondermijning.").await;
    let closed = step(
        &app,
        &regisseur,
        signal,
        json!({"actie": "weging-1-nee", "motivering": "Burenruzie."}),
    )
    .await;
    let days = (closed.json()["destroy_after"].as_i64().unwrap()
        - closed.json()["closed_at"].as_i64().unwrap())
        / 86_400_000;
    assert_eq!(days, 180);
    // Breda still works with the shipped model.
    let breda = app.token("regisseur@breda.demo").await;
    let b_address = new_subject(&app, &breda, json!({"soort": "adres", "gegevens": {"postcode": "4814 GA", "huisnummer": "1", "gemeente": "GM0758"}})).await;
    let b_signal = new_signal(&app, &breda, &[b_address], "Geen ondermijning.").await;
    let b_closed = step(
        &app,
        &breda,
        b_signal,
        json!({"actie": "weging-1-nee", "motivering": "Burenruzie."}),
    )
    .await;
    let b_days = (b_closed.json()["destroy_after"].as_i64().unwrap()
        - b_closed.json()["closed_at"].as_i64().unwrap())
        / 86_400_000;
    assert_eq!(b_days, 365);
}

#[tokio::test]
async fn a_source_owner_reaches_the_sources_without_seeing_signals() {
    let app = TestApp::new().await;
    let owner = app.login("bronhouder@tilburg.demo").await;
    let home = app.get("/", &owner).await;
    assert!(
        home.body.contains("href=\"/signalen/bronnen\""),
        "the signals entry leads to the sources"
    );
    assert_eq!(
        app.get("/signalen", &owner).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get("/signalen/bronnen", &owner).await.status,
        StatusCode::OK
    );
    let viewer = app.login("lezer@tilburg.demo").await;
    let home = app.get("/", &viewer).await;
    assert!(!home.body.contains("href=\"/signalen/bronnen\""));
}
