//! Dashboards: figures checked against the shipped CBS files by hand, errors that name what
//! is available, disclosure control seen through the API, pages, and exports.

use axum::http::StatusCode;
use baken_store::Operator;
use baken_store::dataset::Importer;

use crate::TestApp;

const CRIMES: &str = "context-misdrijven-per-1000-inwoners";

/// The fields of a CSV line with `"`-quoted fields that may hold commas.
fn fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(String::new()),
            c => out.last_mut().unwrap().push(c),
        }
    }
    out
}

/// The shipped registered-crime file, read here independently of the import code.
fn shipped_crimes(year: &str) -> Vec<(String, f64)> {
    include_str!("../../../../data/reference/geregistreerde_misdrijven_totaal_2022_2024.csv")
        .lines()
        .skip(1)
        .map(fields)
        .filter(|f| f[3] == year && f[0].starts_with("GM"))
        .map(|f| (f[0].clone(), f[4].parse().unwrap()))
        .collect()
}

/// (code, police unit, inhabitants) of every municipality in the shipped file.
fn shipped_municipalities() -> Vec<(String, String, f64)> {
    let mut lines = include_str!("../../../../data/reference/gemeenten_2024.csv").lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (code, unit, people) = (
        col("gemeente_code"),
        col("politie_regionale_eenheid_code"),
        col("inwoners_2024_01_01"),
    );
    lines
        .map(fields)
        .map(|f| (f[code].clone(), f[unit].clone(), f[people].parse().unwrap()))
        .collect()
}

#[tokio::test]
async fn crimes_per_1000_inhabitants_match_the_shipped_files() {
    let app = TestApp::with_reference().await;
    let token = app.token("analist@tilburg.demo").await;
    let reply = app
        .api(
            "GET",
            &format!("/api/v1/indicatoren/{CRIMES}/waarden?gebied=GM0363&jaar=2024"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let body = reply.json();
    // By hand: Amsterdam registered 82,964 crimes in 2024 and had 931,298 inhabitants on
    // 1 January 2024: 82,964 / 931,298 × 1,000 = 89.084.
    let value = body["waarde"].as_f64().unwrap();
    assert!((value - 89.084_267).abs() < 1e-5, "{value}");
    assert_eq!(body["status"], "waarde");
    assert_eq!(body["eenheid"], "per-1000-inwoners");
    assert!(body["bron"].as_str().unwrap().contains("CBS"));

    // The Netherlands and the RIEC region from the same counts, summed independently here.
    let crimes = shipped_crimes("2024");
    let people = shipped_municipalities();
    let rate = |filter: &dyn Fn(&str) -> bool| {
        let count: f64 = crimes
            .iter()
            .filter(|(c, _)| filter(c))
            .map(|(_, v)| v)
            .sum();
        let inhabitants: f64 = people
            .iter()
            .filter(|(c, _, _)| filter(c) && crimes.iter().any(|(k, _)| k == c))
            .map(|(_, _, p)| p)
            .sum();
        count / inhabitants * 1000.0
    };
    let national = rate(&|_| true);
    let unit = people
        .iter()
        .find(|(c, _, _)| c == "GM0363")
        .unwrap()
        .1
        .clone();
    let in_unit: Vec<String> = people
        .iter()
        .filter(|(_, u, _)| *u == unit)
        .map(|(c, _, _)| c.clone())
        .collect();
    let riec = rate(&|c| in_unit.iter().any(|m| m == c));
    let cmp = &body["vergelijking"];
    assert!((cmp["nederland"].as_f64().unwrap() - national).abs() < 1e-6);
    assert!((cmp["riecRegio"].as_f64().unwrap() - riec).abs() < 1e-6);
    // Rank among all municipalities: one more than those with a higher rate.
    let higher = crimes
        .iter()
        .filter(|(c, v)| {
            let p = people.iter().find(|(k, _, _)| k == c).unwrap().2;
            v / p * 1000.0 > value
        })
        .count();
    assert_eq!(cmp["rang"].as_u64().unwrap() as usize, higher + 1);
    assert_eq!(cmp["van"].as_u64().unwrap() as usize, crimes.len());
    assert!(
        cmp["zScore"].as_f64().is_some(),
        "Amsterdam has peers of its class"
    );
}

#[tokio::test]
async fn unknown_areas_levels_and_years_say_what_there_is() {
    let app = TestApp::with_reference().await;
    let token = app.token("lezer@breda.demo").await;
    let get = |path: String| {
        let app = &app;
        let token = token.clone();
        async move { app.api("GET", &path, Some(&token), None).await }
    };
    let unknown = get(format!(
        "/api/v1/indicatoren/{CRIMES}/waarden?gebied=GM9999"
    ))
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(
        unknown.json()["detail"]
            .as_str()
            .unwrap()
            .contains("GM9999")
    );

    let year = get(format!(
        "/api/v1/indicatoren/{CRIMES}/waarden?gebied=GM0855&jaar=1999"
    ))
    .await;
    assert_eq!(year.status, StatusCode::NOT_FOUND);
    assert!(
        year.json()["detail"]
            .as_str()
            .unwrap()
            .contains("2022, 2023, 2024")
    );

    // A province-only table asked for a municipality: the levels it has are named.
    let level = get(
        "/api/v1/indicatoren/drugs-drugsmisdrijven-per-1000-inwoners/waarden?gebied=GM0855"
            .to_owned(),
    )
    .await;
    assert_eq!(level.status, StatusCode::BAD_REQUEST, "{}", level.body);
    assert!(
        level.json()["detail"]
            .as_str()
            .unwrap()
            .contains("provincie")
    );
    let province = get(
        "/api/v1/indicatoren/drugs-drugsmisdrijven-per-1000-inwoners/waarden?gebied=PV30&jaar=2020"
            .to_owned(),
    )
    .await;
    assert_eq!(province.status, StatusCode::OK, "{}", province.body);
    assert!(province.json()["waarde"].as_f64().unwrap() > 0.0);

    let indicator = get("/api/v1/indicatoren/bestaat-niet/waarden".to_owned()).await;
    assert_eq!(indicator.status, StatusCode::NOT_FOUND);
    let theme = get("/api/v1/indicatoren?thema=sport".to_owned()).await;
    assert_eq!(theme.status, StatusCode::BAD_REQUEST);
    let drugs = get("/api/v1/indicatoren?thema=drugs".to_owned())
        .await
        .json();
    let drugs = drugs.as_array().unwrap();
    assert!(drugs.len() >= 6);
    assert!(drugs.iter().all(|i| i["thema"] == "drugs"));

    // The same on pages: a 404 or 400 page that names what is there, never a 500.
    let browser = app.login("lezer@breda.demo").await;
    let page = app.get("/zicht/GM0855/context?jaar=1999", &browser).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("2022, 2023, 2024"));
    assert_eq!(
        app.get("/zicht/GM9999", &browser).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/zicht/GM0855/sport", &browser).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_theme_page_shows_figures_a_trend_and_a_map_and_exports_stamped_tables() {
    let app = TestApp::with_reference().await;
    let analyst = app.login("analist@tilburg.demo").await;
    let page = app.get("/zicht/GM0363/context?jaar=2024", &analyst).await;
    assert_eq!(page.status, StatusCode::OK);
    // Amsterdam's figure, Dutch-formatted, and the comparisons.
    assert!(page.body.contains("89,1"), "the value");
    assert!(page.body.contains("RIEC-regio"));
    assert!(page.body.contains("Vergelijkbare gemeenten"));
    // A trend chart and a map with 342 linked or hatched municipalities and a table each.
    assert!(page.body.contains(r#"class="baken-chart""#));
    let map_links = page.body.matches(r#"<a href="/zicht/GM"#).count();
    assert!(map_links >= 342, "{map_links}");
    assert!(page.body.contains("<caption"));
    assert!(
        page.body
            .contains("/zicht/export/context-misdrijven-per-1000-inwoners.csv?jaar=2024")
    );

    let csv = app
        .get(
            "/zicht/export/context-misdrijven-per-1000-inwoners.csv?jaar=2024",
            &analyst,
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.content_type().starts_with("text/csv"));
    assert!(csv.body.starts_with('\u{feff}'));
    assert!(csv.body.contains("Bron: CBS / Politie"));
    assert!(csv.body.contains("CC-BY 4.0"));
    assert!(csv.body.contains("Jaar: 2024"));
    assert!(
        csv.body.contains("Gegevens geladen op: 20"),
        "the data date is stamped"
    );
    assert!(
        csv.body.contains("\nGM0363;Amsterdam;gemeente;89,1\n"),
        "{}",
        &csv.body[..600]
    );
    // Every municipality is named, not only the first page of them.
    assert!(csv.body.contains("\nGM0855;Tilburg;gemeente;"));
    assert!(csv.body.contains("\nGM1680;Aa en Hunze;gemeente;"));
    assert!(
        csv.body.contains("\n\nGebiedscode;Gebied;Niveau;"),
        "an empty line before the header"
    );
    let xlsx = app
        .get(
            "/zicht/export/context-misdrijven-per-1000-inwoners.xlsx?jaar=2024",
            &analyst,
        )
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.content_type().contains("spreadsheetml"));

    // The comparison of up to five municipalities, on the page and as a table download.
    let compared = app
        .get("/zicht/vergelijk?gebieden=GM0855,GM0758,GM0363", &analyst)
        .await;
    assert_eq!(compared.status, StatusCode::OK);
    assert!(compared.body.contains("Tilburg") && compared.body.contains("Breda"));
    let table = app
        .get(
            "/zicht/vergelijk?gebieden=GM0855,GM0758&formaat=csv",
            &analyst,
        )
        .await;
    assert_eq!(table.status, StatusCode::OK);
    assert!(table.body.contains(";Tilburg;Breda;"), "{}", table.body);
    let six = app
        .get(
            "/zicht/vergelijk?gebieden=GM0855,GM0758,GM0363,GM0599,GM0344,GM0518",
            &analyst,
        )
        .await;
    assert_eq!(six.status, StatusCode::BAD_REQUEST);

    // The municipality's dashboard as a PDF report.
    let pdf = app.get("/zicht/GM0363/rapport.pdf", &analyst).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.content_type(), "application/pdf");
    assert!(pdf.body.starts_with("%PDF-"));
    assert!(pdf.body.contains("DejaVu"), "fonts embedded");

    // A reader may look but not export, and is not offered the links.
    let reader = app.login("lezer@tilburg.demo").await;
    let page = app.get("/zicht/GM0363/context?jaar=2024", &reader).await;
    assert!(!page.body.contains("/zicht/export/"));
    let refused = app
        .get(
            "/zicht/export/context-misdrijven-per-1000-inwoners.csv",
            &reader,
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get("/zicht/GM0363/rapport.pdf", &reader).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get("/zicht/vergelijk?gebieden=GM0855&formaat=csv", &reader)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

/// Loads the demo's synthetic rollups at a small scale, so that small counts occur.
async fn with_synthetic(app: &TestApp) {
    let bundle = baken_import::reference::load().unwrap();
    let places = baken_import::synthetic::Place::from_reference(&bundle);
    let dir = tempfile::tempdir().unwrap();
    let rollups = baken_import::synthetic::public_rollups(dir.path(), &places, 7, 60_000).unwrap();
    let op = Operator::command_line("test");
    for r in rollups {
        app.store
            .import_observations(
                Importer::Operator(&op),
                "demo",
                &r.dataset,
                &r.provenance,
                &r.observations,
            )
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn small_counts_are_hidden_and_cannot_be_recovered_from_their_region() {
    let app = TestApp::with_reference().await;
    with_synthetic(&app).await;
    let token = app.token("analist@tilburg.demo").await;
    let indicator = "drugs-drugslabs-aantal";
    let years = app
        .api("GET", "/api/v1/indicatoren?thema=drugs", Some(&token), None)
        .await
        .json();
    let year = years
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == indicator)
        .unwrap()["jaren"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned();
    let people = shipped_municipalities();
    let mut hidden_by_unit: std::collections::HashMap<String, usize> = Default::default();
    let mut shown = 0;
    for (code, unit, _) in &people {
        let body = app
            .api(
                "GET",
                &format!("/api/v1/indicatoren/{indicator}/waarden?gebied={code}&jaar={year}"),
                Some(&token),
                None,
            )
            .await
            .json();
        match body["status"].as_str().unwrap() {
            "afgeschermd" => {
                assert!(body["waarde"].is_null());
                assert!(body["vergelijking"]["rang"].is_null());
                *hidden_by_unit.entry(unit.clone()).or_default() += 1;
            }
            "waarde" => {
                assert!(body["waarde"].as_f64().unwrap() >= 10.0, "{body}");
                shown += 1;
            }
            other => panic!("{code}: {other}"),
        }
    }
    assert!(
        !hidden_by_unit.is_empty(),
        "a small scale leaves small counts"
    );
    // Where a RIEC region's total is published, it never hides exactly one municipality.
    for (unit, hidden) in &hidden_by_unit {
        let region = app
            .api(
                "GET",
                &format!("/api/v1/indicatoren/{indicator}/waarden?gebied={unit}&jaar={year}"),
                Some(&token),
                None,
            )
            .await
            .json();
        if region["status"] == "waarde" {
            assert!(
                *hidden >= 2,
                "{unit}: one hidden municipality in a published total"
            );
        }
    }
    let _ = shown;

    // What stands out is said in words, for municipalities only.
    let standouts = app
        .api(
            "GET",
            "/api/v1/gebieden/GM0855/opvallend",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(standouts.status, StatusCode::OK, "{}", standouts.body);
    for s in standouts.json().as_array().unwrap() {
        assert!(s["zScore"].as_f64().unwrap().abs() >= 1.5);
        assert!(
            s["tekst"]
                .as_str()
                .unwrap()
                .contains("vergelijkbare gemeenten")
        );
    }
    let province = app
        .api("GET", "/api/v1/gebieden/PV30/opvallend", Some(&token), None)
        .await;
    assert_eq!(province.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_sector_analysis_drills_down_the_sbi_tree_and_never_shows_an_address() {
    let app = TestApp::with_reference().await;
    with_synthetic(&app).await;
    let browser = app.login("analist@tilburg.demo").await;
    let top = app.get("/zicht/GM0363/sectoren", &browser).await;
    assert_eq!(top.status, StatusCode::OK, "{}", top.body);
    // Divisions with data, each linking one level down.
    assert!(top.body.contains(r#"data-sbi="96""#));
    assert!(top.body.contains("/zicht/GM0363/sectoren?sbi=96&amp;jaar="));
    assert!(top.body.contains("data-crowded"));
    let down = app.get("/zicht/GM0363/sectoren?sbi=9602", &browser).await;
    assert_eq!(down.status, StatusCode::OK);
    assert!(down.body.contains(r#"data-sbi="96021""#));
    assert!(down.body.contains(r#"data-sbi="96022""#));
    assert!(
        !down.body.contains(r#"data-sbi="6201""#),
        "only the children of 9602"
    );
    // The trail back up names the levels above.
    assert!(down.body.contains("sbi=96&amp;jaar="));
    // Addresses are generated as <municipality digits>01<ten digits>: none may appear.
    assert!(
        !down.body.contains("036301"),
        "an address identifier leaked"
    );
    assert_eq!(
        app.get("/zicht/GM0363/sectoren?sbi=XX", &browser)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/zicht/GM0363/sectoren?jaar=1990", &browser)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn an_own_indicator_is_seen_by_its_organisation_and_by_others_only_when_shared() {
    use baken_domain::area::{AreaCode, Observation};
    use baken_domain::dataset::{Dataset, Provenance};
    let app = TestApp::with_reference().await;
    let token = app.token("analist@tilburg.demo").await;
    let analyst = app.store.token_actor(&token).await.unwrap().unwrap();
    // Tilburg's own nuisance reports, rolled up per municipality and year.
    let obs = |area: &str, year: &str, category: &str, value: f64| Observation {
        area: AreaCode::parse(area).unwrap(),
        period: year.into(),
        measure: "aantal".into(),
        category: category.into(),
        value: Some(value),
        symbol: None,
    };
    app.store
        .import_observations(
            Importer::Actor(&analyst),
            "table",
            &Dataset {
                code: "tilburg-overlast".into(),
                title: "Meldingen overlast".into(),
                source: "Gemeente Tilburg".into(),
                licence: "intern".into(),
            },
            &Provenance {
                file_name: "overlast.csv".into(),
                checksum: "abc".into(),
                dataset: Some("tilburg-overlast".into()),
                source: "Gemeente Tilburg".into(),
                licence: "intern".into(),
                rows_read: 4,
            },
            &[
                obs("GM0855", "2024", "", 440.0),
                obs("GM0855", "2024", "soort: drugs", 45.0),
                obs("GM0758", "2024", "", 300.0),
                obs("GM0758", "2024", "soort: drugs", 12.0),
            ],
        )
        .await
        .unwrap();

    let tilburg = app.login("analist@tilburg.demo").await;
    let form = app.get("/zicht/eigen", &tilburg).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("tilburg-overlast|aantal|soort: drugs"));
    let defined = app
        .post_form(
            "/zicht/eigen",
            &tilburg,
            &[
                ("naam", "Drugsoverlast per 10.000 inwoners"),
                ("code", "drugsoverlast"),
                ("thema", "drugs"),
                ("teller", "tilburg-overlast|aantal|soort: drugs"),
                ("noemer", "inwoners-10000"),
            ],
        )
        .await;
    assert_eq!(defined.status, StatusCode::SEE_OTHER, "{}", defined.body);
    assert_eq!(app.audit_count("dashboard.indicator.define").await, 1);
    let id = "drugs-eigen-tilburg-drugsoverlast";

    // Tilburg sees it on its drugs page, with its own figure (45 / 231,000 × 10,000 ≈ 1.9).
    let page = app.get("/zicht/GM0855/drugs?jaar=2024", &tilburg).await;
    assert!(page.body.contains("Drugsoverlast per 10.000 inwoners"));
    assert!(page.body.contains(&format!(r#"data-indicator="{id}""#)));

    // Breda does not, until Tilburg shares it; and cannot share it itself.
    let breda = app.login("analist@breda.demo").await;
    let hidden = app.get("/zicht/GM0855/drugs?jaar=2024", &breda).await;
    assert!(!hidden.body.contains(id));
    assert!(!app.get("/zicht/eigen", &breda).await.body.contains(id));
    let refused = app
        .post_form(
            &format!("/zicht/eigen/{id}/delen"),
            &breda,
            &[("gedeeld", "1")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let shared = app
        .post_form(
            &format!("/zicht/eigen/{id}/delen"),
            &tilburg,
            &[("gedeeld", "1")],
        )
        .await;
    assert_eq!(shared.status, StatusCode::SEE_OTHER);
    let seen = app.get("/zicht/GM0855/drugs?jaar=2024", &breda).await;
    assert!(seen.body.contains(id), "shared indicators show for others");

    // A series of another organisation's data cannot be used; a reader cannot define.
    let foreign = app
        .post_form(
            "/zicht/eigen",
            &breda,
            &[
                ("naam", "Geleend"),
                ("code", "geleend"),
                ("thema", "drugs"),
                ("teller", "tilburg-overlast|aantal|"),
                ("noemer", "geen"),
            ],
        )
        .await;
    assert_eq!(foreign.status, StatusCode::UNPROCESSABLE_ENTITY);
    let reader = app.login("lezer@tilburg.demo").await;
    let denied = app
        .post_form("/zicht/eigen", &reader, &[("naam", "x")])
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
}
