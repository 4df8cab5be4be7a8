//! Sharing over the API and the pages: covenants and cases through `/api/v1`, a share outside
//! the covenant refused with its reason, a hit/no-hit run whose key the asker's own machine
//! holds, packages pushed by a partner installation (accepted once, tampered ones refused),
//! and the /delen pages for a partner and for an organisation outside the covenant.

use baken_domain::sharing::package::{self, ExchangeKeys, Fresh};
use baken_domain::sharing::psi::{self, Asker, Key};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;

use crate::TestApp;

fn covenant_json() -> String {
    json!({
        "naam": "Convenant RIEC Zeeland-West-Brabant",
        "doelen": ["integrale-casus", "hit-no-hit"],
        "categorieen": ["adres", "onderneming"],
        "geldig_van": "2026-01-01",
        "geldig_tot": "2099-12-31",
        "regeling": "Het RIEC is het aanspreekpunt voor betrokkenen; elke partij blijft verantwoordelijk voor wat zij verstrekt.",
        "bewaartermijn_dagen": 730,
        "partijen": [
            {"organisatie": "riec-zwb", "grondslag": "Art. 6 lid 1 sub e AVG", "ondertekenaar": "voorzitter stuurgroep"},
            {"organisatie": "tilburg", "grondslag": "Gemeentewet art. 172", "ondertekenaar": "burgemeester"},
            {"organisatie": "politie-zwb", "grondslag": "Wpg art. 20", "ondertekenaar": "politiechef"}
        ]
    })
    .to_string()
}

/// Registers the covenant through the API and lets every party sign it; returns its id.
async fn active_covenant(app: &TestApp) -> i64 {
    let token = app.token("privacy@tilburg.demo").await;
    let created = app
        .api(
            "POST",
            "/api/v1/convenanten",
            Some(&token),
            Some(&covenant_json()),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.json()["status"], "concept");
    let id = created.json()["id"].as_i64().unwrap();
    for signer in [
        "privacy@tilburg.demo",
        "privacy@riec-zwb.demo",
        "privacy@politie-zwb.demo",
    ] {
        let browser = app.login(signer).await;
        let signed = app
            .post_form(
                &format!("/delen/convenanten/{id}/ondertekenen"),
                &browser,
                &[],
            )
            .await;
        assert_eq!(signed.status, 303, "{signer}: {}", signed.body);
    }
    let read = app
        .api(
            "GET",
            &format!("/api/v1/convenanten/{id}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(read.json()["status"], "actief");
    id
}

#[tokio::test]
async fn cases_are_opened_and_read_through_the_api_and_a_stranger_gets_404() {
    let app = TestApp::new().await;
    let covenant = active_covenant(&app).await;
    let tilburg = app.token("regisseur@tilburg.demo").await;
    let opened = app
        .api(
            "POST",
            "/api/v1/casussen",
            Some(&tilburg),
            Some(&json!({"convenant": covenant, "titel": "Casus Spoorzone", "deelnemers": ["riec-zwb"]}).to_string()),
        )
        .await;
    assert_eq!(opened.status, 201, "{}", opened.body);
    let case = opened.json()["case"]["id"].as_i64().unwrap();

    let outside = app
        .api(
            "POST",
            &format!("/api/v1/casussen/{case}/items"),
            Some(&tilburg),
            Some(&json!({"titel": "Strafblad", "inhoud": "x", "doel": "integrale-casus", "categorie": "strafrechtelijk",
                "verspreiding": "deelnemers", "tlp": "amber", "minimalisatie": "nodig voor de casusanalyse"}).to_string()),
        )
        .await;
    assert_eq!(outside.status, 422, "{}", outside.body);
    let params = outside.json()["invalidParams"].clone();
    assert_eq!(params[0]["name"], "categorie");
    assert!(
        params[0]["reason"]
            .as_str()
            .unwrap()
            .contains("strafrechtelijk")
    );

    let inside = app
        .api(
            "POST",
            &format!("/api/v1/casussen/{case}/items"),
            Some(&tilburg),
            Some(&json!({"titel": "Eigendom pand", "inhoud": "Eigendom sinds 2024 bij een bv.", "doel": "integrale-casus",
                "categorie": "adres", "verspreiding": "deelnemers", "tlp": "amber", "minimalisatie": "nodig voor de casusanalyse"}).to_string()),
        )
        .await;
    assert_eq!(inside.status, 201, "{}", inside.body);
    assert_eq!(inside.json()["status"], "ter-goedkeuring");

    let added = app
        .api(
            "POST",
            &format!("/api/v1/casussen/{case}/deelnemers"),
            Some(&tilburg),
            Some(&json!({"organisatie": "politie-zwb"}).to_string()),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.body);
    let participants = app
        .api(
            "GET",
            &format!("/api/v1/casussen/{case}/deelnemers"),
            Some(&tilburg),
            None,
        )
        .await
        .json();
    let codes: Vec<&str> = participants
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["org_code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 3, "{codes:?}");

    // The RIEC takes part but sees nothing until the privacy officer approved.
    let riec = app.token("analist@riec-zwb.demo").await;
    let seen = app
        .api(
            "GET",
            &format!("/api/v1/casussen/{case}"),
            Some(&riec),
            None,
        )
        .await;
    assert_eq!(seen.status, 200);
    assert_eq!(seen.json()["items"].as_array().unwrap().len(), 0);

    // Breda is no party: 404 on the case, its participants and the covenant, each audited.
    let breda = app.token("regisseur@breda.demo").await;
    let before = app.audit_count("access.not_found").await;
    for path in [
        format!("/api/v1/casussen/{case}"),
        format!("/api/v1/casussen/{case}/deelnemers"),
        format!("/api/v1/convenanten/{covenant}"),
    ] {
        let reply = app.api("GET", &path, Some(&breda), None).await;
        assert_eq!(reply.status, 404, "{path}");
        assert!(!reply.body.contains("Spoorzone"));
    }
    assert_eq!(app.audit_count("access.not_found").await, before + 3);
    let list = app.api("GET", "/api/v1/casussen", Some(&breda), None).await;
    assert_eq!(list.json().as_array().unwrap().len(), 0);
    // A viewer has no sharing right at all.
    let viewer = app.token("lezer@tilburg.demo").await;
    assert_eq!(
        app.api("GET", "/api/v1/casussen", Some(&viewer), None)
            .await
            .status,
        403
    );
}

fn key(seed: u8) -> Key {
    Key::from_random_bytes([seed; 64])
}

#[tokio::test]
async fn a_run_whose_key_the_askers_machine_holds_is_finished_by_the_asker() {
    let app = TestApp::new().await;
    let covenant = active_covenant(&app).await;
    let mine: Vec<String> = (0..30).map(|i| format!("{:08}", 40_000_000 + i)).collect();
    let asker = Asker::new(key(7), "kvk", mine.clone());
    let points = STANDARD.encode(psi::pack(&asker.request(2)));
    let tilburg = app.token("regisseur@tilburg.demo").await;
    let asked = app
        .api(
            "POST",
            "/api/v1/matches",
            Some(&tilburg),
            Some(&json!({"partner": "politie-zwb", "convenant": covenant, "soort": "kvk", "punten": points}).to_string()),
        )
        .await;
    assert_eq!(asked.status, 201, "{}", asked.body);
    let id = asked.json()["id"].as_i64().unwrap();
    assert_eq!(asked.json()["status"], "gevraagd");

    // The police answer through the page with a file; a line that is no KvK number is named.
    let police = app.login("partner@politie-zwb.demo").await;
    let theirs: String = (20..60)
        .map(|i| format!("{:08}\n", 40_000_000 + i))
        .chain(["123\n".to_owned()])
        .collect();
    let answered = app
        .upload_form(
            &format!("/delen/matches/{id}/antwoord"),
            &police,
            &[],
            "bestand",
            "lijst.csv",
            theirs.as_bytes(),
        )
        .await;
    assert_eq!(answered.status, 200, "{}", answered.body);
    assert!(
        answered.body.contains("data-line=\"41\""),
        "the bad line is named"
    );

    let run = app
        .api(
            "GET",
            &format!("/api/v1/matches/{id}"),
            Some(&tilburg),
            None,
        )
        .await
        .json();
    assert_eq!(run["status"], "beantwoord");
    assert_eq!(run["held_count"], 40);
    let unpack = |field: &str| {
        psi::unpack(
            &STANDARD
                .decode(run["antwoord"][field].as_str().unwrap())
                .unwrap(),
        )
        .unwrap()
    };
    let answer = psi::Answer {
        reply: unpack("antwoord"),
        theirs: unpack("hunne"),
    };
    let hits = asker.finish(&answer, 2).unwrap();
    assert_eq!(hits, mine[20..30].to_vec());
    // The answering side sees no answer, no hits.
    let police_token = app.token("partner@politie-zwb.demo").await;
    let theirs_view = app
        .api(
            "GET",
            &format!("/api/v1/matches/{id}"),
            Some(&police_token),
            None,
        )
        .await
        .json();
    assert!(theirs_view.get("antwoord").is_none() && theirs_view.get("hits").is_none());
    assert!(theirs_view["hit_count"].is_null());

    // Points that are not ristretto255 encodings are refused with the reason.
    let bad = app
        .api(
            "POST",
            "/api/v1/matches",
            Some(&tilburg),
            Some(&json!({"partner": "politie-zwb", "convenant": covenant, "soort": "kvk", "punten": STANDARD.encode([1u8; 33])}).to_string()),
        )
        .await;
    assert_eq!(bad.status, 422);
    assert_eq!(bad.json()["invalidParams"][0]["name"], "punten");
}

#[tokio::test]
async fn a_pushed_package_is_accepted_once_and_a_tampered_one_is_refused() {
    let app = TestApp::new().await;
    // The police's own installation: keys made here, in the test.
    let police = ExchangeKeys::from_bytes([42; 64]);
    let tilburg = app.login("privacy@tilburg.demo").await;
    let page = app.get("/delen/uitwisseling", &tilburg).await;
    assert_eq!(page.status, 200);
    let keys_text = page
        .body
        .split("data-public-keys>")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap()
        .to_owned();
    let tilburg_keys = package::PublicKeys::from_text(&keys_text).expect("keys on the page");
    let added = app
        .post_form(
            "/delen/uitwisseling/partners",
            &tilburg,
            &[
                ("naam", "Politie ZWB"),
                ("organisatie", "politie-zwb"),
                ("url", "https://politie.example"),
                ("sleutels", &police.public().to_text()),
            ],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let plain_http = app
        .post_form(
            "/delen/uitwisseling/partners",
            &tilburg,
            &[
                ("naam", "Ergens"),
                ("organisatie", "ergens"),
                ("url", "http://ergens.example"),
                ("sleutels", &police.public().to_text()),
            ],
        )
        .await;
    assert_eq!(plain_http.status, 422);

    let payload = json!({"titel": "Casus van de politie", "fenomeen": "drugs", "convenant": "RIEC ZWB", "van": "Politie",
        "items": [{"titel": "Bevindingen", "inhoud": "Hennepkwekerij aangetroffen.", "doel": "integrale-casus",
                   "categorie": "adres", "tlp": "amber", "grondslag": "Wpg art. 20"}]});
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let sealed = package::seal(
        &police,
        "politie-zwb",
        "tilburg",
        &tilburg_keys,
        payload.to_string().as_bytes(),
        now,
        Fresh {
            id: [9; 16],
            ephemeral: [8; 32],
            nonce: [7; 24],
        },
    );
    let bytes = serde_json::to_string(&sealed).unwrap();
    let pushed = app
        .api("POST", "/api/v1/uitwisseling", None, Some(&bytes))
        .await;
    assert_eq!(pushed.status, 201, "{}", pushed.body);
    let replay = app
        .api("POST", "/api/v1/uitwisseling", None, Some(&bytes))
        .await;
    assert_eq!(replay.status, 422);
    assert_eq!(replay.json()["invalidParams"][0]["name"], "al-ontvangen");

    let mut tampered = sealed.clone();
    tampered.id = hex_id(10);
    let tampered = serde_json::to_string(&tampered).unwrap();
    let refused = app
        .api("POST", "/api/v1/uitwisseling", None, Some(&tampered))
        .await;
    assert_eq!(refused.status, 422);
    assert_eq!(refused.json()["invalidParams"][0]["name"], "gewijzigd");

    // Uploaded by hand as a file, the replay is refused too, and the page says why.
    let coordinator = app.login("regisseur@tilburg.demo").await;
    let upload = app
        .upload_form(
            "/delen/uitwisseling/ontvangen",
            &coordinator,
            &[],
            "bestand",
            "pakket.json",
            bytes.as_bytes(),
        )
        .await;
    assert_eq!(upload.status, 422);
    assert!(upload.body.contains("data-error-summary"));
    assert_eq!(app.audit_count("sharing.exchange.refused").await, 3);

    // The received case reads in the register; Breda cannot open it.
    let list = app.get("/delen/uitwisseling", &coordinator).await;
    let id = list
        .body
        .split("href=\"/delen/uitwisseling/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let read = app
        .get(&format!("/delen/uitwisseling/{id}"), &coordinator)
        .await;
    assert!(read.body.contains("Hennepkwekerij aangetroffen."));
    let breda = app.login("regisseur@breda.demo").await;
    let other = app.get(&format!("/delen/uitwisseling/{id}"), &breda).await;
    assert_eq!(other.status, 404);
    assert!(!other.body.contains("Hennepkwekerij"));
}

fn hex_id(seed: u8) -> String {
    [seed; 16].iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn the_pages_show_a_partner_only_what_was_shared_and_refuse_outside_the_covenant() {
    let app = TestApp::new().await;
    let covenant = active_covenant(&app).await;
    let tilburg = app.login("regisseur@tilburg.demo").await;
    let overview = app.get("/delen", &tilburg).await;
    assert_eq!(overview.status, 200);
    assert!(
        overview
            .body
            .contains("Convenant RIEC Zeeland-West-Brabant")
    );
    let opened = app
        .post_form(
            "/delen/casussen",
            &tilburg,
            &[
                ("convenant", &covenant.to_string()),
                ("titel", "Casus Haven"),
                ("fenomeen", "drugs"),
                ("deelnemers", "riec-zwb"),
            ],
        )
        .await;
    assert_eq!(opened.status, 303, "{}", opened.body);
    let case_path = opened.location().to_owned();
    let share = |title: &'static str, distribution: &'static str, tlp: &'static str| {
        vec![
            ("titel", title),
            ("inhoud", "Inhoud van het gedeelde item."),
            ("doel", "integrale-casus"),
            ("categorie", "adres"),
            ("verspreiding", distribution),
            ("tlp", tlp),
            ("minimalisatie", "Alleen wat de casus nodig heeft."),
        ]
    };
    for (title, distribution, tlp) in [
        ("Gedeeld met deelnemers", "deelnemers", "amber"),
        ("Alleen Tilburg", "organisatie", "amber-strict"),
    ] {
        let shared = app
            .post_form(
                &format!("{case_path}/items"),
                &tilburg,
                &share(title, distribution, tlp),
            )
            .await;
        assert_eq!(shared.status, 303, "{}", shared.body);
    }
    let refused = app
        .post_form(
            &format!("{case_path}/items"),
            &tilburg,
            &share("Rood naar iedereen", "convenant", "red"),
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("data-field=\"tlp\""));

    let privacy = app.login("privacy@tilburg.demo").await;
    let page = app.get(&case_path, &privacy).await;
    let decisions: Vec<String> = page
        .body
        .split("/besluit\"")
        .filter_map(|s| s.rsplit("/items/").next().map(str::to_owned))
        .filter(|s| s.parse::<i64>().is_ok())
        .collect();
    assert_eq!(
        decisions.len(),
        2,
        "both items wait for the privacy officer"
    );
    for item in &decisions {
        let decided = app
            .post_form(
                &format!("{case_path}/items/{item}/besluit"),
                &privacy,
                &[("besluit", "goedkeuren")],
            )
            .await;
        assert_eq!(decided.status, 303, "{}", decided.body);
    }

    let riec = app.login("analist@riec-zwb.demo").await;
    let seen = app.get(&case_path, &riec).await;
    assert_eq!(seen.status, 200);
    assert!(seen.body.contains("Gedeeld met deelnemers"));
    assert!(!seen.body.contains("Alleen Tilburg"));
    let breda = app.login("regisseur@breda.demo").await;
    let stranger = app.get(&case_path, &breda).await;
    assert_eq!(stranger.status, 404);
    assert!(!stranger.body.contains("Gedeeld met deelnemers"));
}
