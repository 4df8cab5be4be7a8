//! Across the border: the glossary's search and exports, letters in three languages that are
//! produced only when complete and are recorded on their case, templates that cannot escape
//! their sandbox, the case register's counts, and the pages in four languages.

use axum::http::StatusCode;
use baken_domain::crossborder::LetterInput;
use serde_json::json;

use crate::TestApp;

#[tokio::test]
async fn the_glossary_finds_terms_in_any_language_ignoring_accents() {
    let app = TestApp::new().await;
    let token = app.token("analist@tilburg.demo").await;
    let found = app
        .api(
            "GET",
            "/api/v1/begrippen?q=burgermeister",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(found.status, StatusCode::OK);
    assert_eq!(found.json()[0]["id"], "burgemeester");
    assert_eq!(found.json()[0]["termen"]["de"], "Bürgermeister");
    for q in ["BOURGMESTRE", "mayor", "Bürgermeister"] {
        let r = app
            .api(
                "GET",
                &format!("/api/v1/begrippen?q={}", q.replace('ü', "%C3%BC")),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(r.json()[0]["id"], "burgemeester", "{q}");
    }
    let de = app
        .api(
            "GET",
            "/api/v1/begrippen?q=bibob&land=DE",
            Some(&token),
            None,
        )
        .await;
    let definitions = de.json()[0]["definities"].as_object().unwrap().clone();
    assert_eq!(definitions.keys().collect::<Vec<_>>(), ["DE"]);
    let bad = app
        .api("GET", "/api/v1/begrippen?land=FR", Some(&token), None)
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let sources = app
        .api(
            "GET",
            "/api/v1/openbare-bronnen?land=BE",
            Some(&token),
            None,
        )
        .await;
    let list = sources.json().as_array().unwrap().clone();
    assert!(list.len() >= 8);
    assert!(list.iter().all(|s| s["land"] == "BE"));
    // The page, and its exports as CSV, XLSX and PDF with the same selection.
    let browser = app.login("lezer@tilburg.demo").await;
    let page = app.get("/grens/begrippen?q=burgermeister", &browser).await;
    assert!(page.body.contains("data-term=\"burgemeester\""));
    let csv = app
        .get(
            "/grens/begrippen/export/begrippen.csv?q=burgermeister&land=BE",
            &browser,
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.contains("bourgmestre"));
    assert!(csv.body.contains("Definitie BE"));
    for file in ["begrippen.xlsx", "begrippen.pdf"] {
        let r = app
            .get(&format!("/grens/begrippen/export/{file}"), &browser)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{file}");
    }
}

#[tokio::test]
async fn every_letter_renders_in_dutch_french_and_german_without_a_loose_end() {
    let content = baken_import::crossborder::shipped().unwrap();
    for template in &content.letters {
        for lang in ["nl", "fr", "de"] {
            let mut input = LetterInput::default();
            for var in baken_domain::crossborder::letter::VARIABLES {
                input.set(var, format!("«{var}»"));
            }
            input.set("afzender.land", "NL");
            input.set("ontvanger.land", template.ontvanger_land.code());
            let text = baken_render::letter::fill(template.tekst.get(lang).unwrap(), &input)
                .unwrap_or_else(|e| panic!("{} {lang}: {e}", template.id));
            for loose in ["{{", "}}", "{%", "%}", "grens-", "signal-"] {
                assert!(
                    !text.contains(loose),
                    "{} {lang} leaves {loose:?}",
                    template.id
                );
            }
            for required in &template.verplicht {
                assert!(
                    text.contains(&format!("«{required}»")) || required.ends_with(".land"),
                    "{} {lang} drops {required}",
                    template.id
                );
            }
        }
    }
}

async fn new_case(app: &TestApp, email: &str, to: &str) -> i64 {
    let browser = app.login(email).await;
    let reply = app
        .post_form(
            "/grens/casussen",
            &browser,
            &[
                ("land_verzoeker", "NL"),
                ("land_aangezochte", to),
                ("verzoekende_instantie", "Gemeente Breda"),
                ("aangezochte_instantie", "Ordnungsamt Aachen"),
                ("fenomeen", "horeca"),
                ("obstakel", "geen-tegenhanger"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    reply
        .location()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_letter_is_produced_only_when_complete_and_recorded_on_its_case() {
    let app = TestApp::new().await;
    let case = new_case(&app, "regisseur@breda.demo", "DE").await;
    let token = app.token("regisseur@breda.demo").await;
    let incomplete = app
        .api(
            "POST",
            "/api/v1/brieven",
            Some(&token),
            Some(&json!({"sjabloon": "de-gewerberegister-uittreksel", "taal": "de", "casus": case, "velden": {"betreft.naam": "Imbiss GmbH"}}).to_string()),
        )
        .await;
    assert_eq!(incomplete.status, StatusCode::UNPROCESSABLE_ENTITY);
    let named: Vec<String> = incomplete.json()["invalidParams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    for field in [
        "ontvanger.instantie",
        "kenmerk",
        "gevraagd",
        "grondslag",
        "belang",
    ] {
        assert!(named.contains(&field.to_owned()), "{field} in {named:?}");
    }
    assert!(!named.contains(&"betreft.naam".to_owned()));
    assert_eq!(
        app.store
            .query_i64("SELECT COUNT(*) FROM crossborder_letters")
            .await
            .unwrap(),
        0
    );
    let velden = json!({
        "afzender.contactpersoon": "J. de Boer", "afzender.functie": "Coördinator bestuurlijke aanpak",
        "ontvanger.instantie": "Stadt Aachen, Ordnungsamt", "kenmerk": "BR-2026-17",
        "betreft.naam": "Imbiss Grenzland GmbH", "gevraagd": "Gewerbeanmeldungen seit 2020",
        "doel": "Entscheidung über eine Betriebserlaubnis", "grondslag": "Wet Bibob, art. 7",
        "belang": "Prüfung der Zuverlässigkeit des Antragstellers", "bewaartermijn": "fünf Jahre",
    });
    let letter = app
        .api("POST", "/api/v1/brieven", Some(&token), Some(&json!({"sjabloon": "de-gewerberegister-uittreksel", "taal": "de", "casus": case, "velden": velden}).to_string()))
        .await;
    assert_eq!(letter.status, StatusCode::OK, "{}", letter.body);
    assert_eq!(letter.content_type(), "application/pdf");
    assert_eq!(
        app.store
            .query_i64("SELECT COUNT(*) FROM crossborder_letters")
            .await
            .unwrap(),
        1
    );
    assert_eq!(app.audit_count("crossborder.letter").await, 1);
    let browser = app.login("regisseur@breda.demo").await;
    let page = app.get(&format!("/grens/casussen/{case}"), &browser).await;
    assert!(
        page.body
            .contains("data-letter=\"de-gewerberegister-uittreksel\"")
    );
    // Another organisation cannot write on Breda's case.
    let tilburg = app.token("regisseur@tilburg.demo").await;
    let foreign = app
        .api("POST", "/api/v1/brieven", Some(&tilburg), Some(&json!({"sjabloon": "de-gewerberegister-uittreksel", "taal": "de", "casus": case, "velden": velden}).to_string()))
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    // The register counts per country pair and per obstacle.
    new_case(&app, "regisseur@breda.demo", "BE").await;
    let register = app.get("/grens/casussen", &browser).await;
    assert!(register.body.contains("data-pair=\"DE–NL\""));
    assert!(register.body.contains("data-pair=\"BE–NL\""));
}

#[tokio::test]
async fn a_template_that_reaches_outside_its_letter_is_refused_and_not_saved() {
    let app = TestApp::new().await;
    let admin = app.login("beheerder@breda.demo").await;
    let path = "/grens/brieven/de-gewerberegister-uittreksel/sjabloon";
    let form = app.get(&format!("{path}?taal=de"), &admin).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("data-preview"));
    for evil in [
        "{{ env.HOME }}",
        "{% include '/etc/passwd' %}",
        "{% import 'vergunningshistorie' as andere %}",
        "{% for i in range(100000000) %}x{% endfor %}",
    ] {
        let r = app
            .post_form(
                path,
                &admin,
                &[("taal", "de"), ("tekst", evil), ("actie", "opslaan")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{evil}");
    }
    assert_eq!(
        app.store
            .query_i64("SELECT COUNT(*) FROM letter_templates")
            .await
            .unwrap(),
        0
    );
    let preview = app
        .post_form(
            path,
            &admin,
            &[
                ("taal", "de"),
                ("tekst", "Betreff: {{ betreft.naam }}"),
                ("actie", "voorbeeld"),
            ],
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(preview.body.contains("Betreff: Voorbeeld B.V."));
    assert_eq!(
        app.store
            .query_i64("SELECT COUNT(*) FROM letter_templates")
            .await
            .unwrap(),
        0,
        "a preview saves nothing"
    );
    let saved = app
        .post_form(
            path,
            &admin,
            &[
                ("taal", "de"),
                ("tekst", "Sehr geehrte Damen und Herren, {{ kenmerk }}"),
                ("actie", "opslaan"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.store
            .query_i64("SELECT COUNT(*) FROM letter_templates")
            .await
            .unwrap(),
        1
    );
    // A coordinator may not edit templates.
    let regisseur = app.login("regisseur@breda.demo").await;
    assert_eq!(
        app.get(&format!("{path}?taal=de"), &regisseur).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_cross_border_pages_speak_german_and_french() {
    let app = TestApp::new().await;
    let browser = app.login("lezer@tilburg.demo").await;
    for (lang, title) in [
        ("de", "Begriffsliste NL–BE–DE"),
        ("fr", "Glossaire NL–BE–DE"),
        ("en", "Glossary NL–BE–DE"),
    ] {
        let switched = app
            .get(
                &format!("/taal?lang={lang}&terug=/grens/begrippen"),
                &browser,
            )
            .await;
        assert_eq!(switched.cookie("baken_lang").as_deref(), Some(lang));
        let b = crate::Browser {
            lang: Some(lang),
            ..browser.clone()
        };
        let page = app.get("/grens/begrippen", &b).await;
        assert!(page.body.contains(title), "{lang}");
        assert!(page.body.contains(&format!("<html lang=\"{lang}\"")));
        assert!(
            page.body.contains("hreflang=\"de\""),
            "the switch offers German here"
        );
    }
    // Outside the cross-border pages, the switch offers Dutch and English only.
    let home = app.get("/", &browser).await;
    assert!(!home.body.contains("hreflang=\"de\""));
}

#[tokio::test]
async fn a_letter_starts_filled_from_its_case_and_the_cases_signal() {
    let app = TestApp::new().await;
    let token = app.token("regisseur@tilburg.demo").await;
    let company = app
        .api("POST", "/api/v1/subjecten", Some(&token), Some(&json!({"soort": "bedrijf", "gegevens": {"kvk": "60000099", "naam": "Grenshandel B.V."}}).to_string()))
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let signal = app
        .api(
            "POST",
            "/api/v1/signalen",
            Some(&token),
            Some(
                &json!({
                    "ontvangen": "2026-01-05", "kanaal": "telefoon", "omschrijving": "Vestiging over de grens",
                    "betrouwbaarheid_bron": "B", "betrouwbaarheid_informatie": "2", "subjecten": [company],
                })
                .to_string(),
            ),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let browser = app.login("regisseur@tilburg.demo").await;
    let reply = app
        .post_form(
            "/grens/casussen",
            &browser,
            &[
                ("land_verzoeker", "NL"),
                ("land_aangezochte", "DE"),
                ("verzoekende_instantie", "Gemeente Tilburg"),
                ("aangezochte_instantie", "Stadt Aachen, Ordnungsamt"),
                ("signaal", &signal.to_string()),
            ],
        )
        .await;
    let case: i64 = reply
        .location()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let form = app
        .get(
            &format!("/grens/brieven?sjabloon=de-gewerberegister-uittreksel&casus={case}"),
            &browser,
        )
        .await;
    assert!(
        form.body.contains("value=\"Stadt Aachen, Ordnungsamt\""),
        "the receiver comes from the case"
    );
    assert!(
        form.body.contains("value=\"Grenshandel B.V.\""),
        "the company comes from the signal"
    );
    assert!(form.body.contains("value=\"60000099\""));
    // Another organisation's signal cannot be attached to a case.
    let breda = app.login("regisseur@breda.demo").await;
    let foreign = app
        .post_form(
            "/grens/casussen",
            &breda,
            &[
                ("land_verzoeker", "NL"),
                ("land_aangezochte", "DE"),
                ("verzoekende_instantie", "Gemeente Breda"),
                ("aangezochte_instantie", "Stadt Aachen"),
                ("signaal", &signal.to_string()),
            ],
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
}
