//! Indicator matrices: coverage arithmetic on a fixed inventory, the inventory through the
//! API and the form (all or nothing, problems named by source), and tenancy.

use axum::http::StatusCode;

use crate::TestApp;

/// The indicators of a phenomenon and their sources, as the API gives them.
async fn indicators(app: &TestApp, token: &str, phenomenon: &str) -> Vec<(bool, Vec<String>)> {
    let body = app
        .api(
            "GET",
            &format!("/api/v1/fenomenen/{phenomenon}"),
            Some(token),
            None,
        )
        .await
        .json();
    body["indicatoren"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["zwaarwegend"].as_bool().unwrap(),
                i["bronnen"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s.as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect()
}

#[tokio::test]
async fn coverage_follows_the_inventory_and_counts_only_accessible_sources() {
    let app = TestApp::new().await;
    let token = app.token("analist@tilburg.demo").await;
    let phenomena = app
        .api("GET", "/api/v1/fenomenen", Some(&token), None)
        .await;
    assert_eq!(phenomena.status, StatusCode::OK);
    assert!(phenomena.json().as_array().unwrap().len() >= 9);

    // Nothing in the inventory: nothing covered.
    let empty = app
        .api("GET", "/api/v1/fenomenen/drugs/dekking", Some(&token), None)
        .await
        .json();
    assert_eq!(empty["gedekt"], 0);

    // The BRP directly, the police only without access.
    let put = app
        .api(
            "PUT",
            "/api/v1/inventaris",
            Some(&token),
            Some(r#"[{"source":"brp","have":true,"access":"direct","department":"Burgerzaken","contact":"","quality":5,"lastChecked":"2026-10-01","connected":null},
                     {"source":"politie","have":true,"access":"geen","department":"","contact":"","quality":null,"lastChecked":null,"connected":null}]"#),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.body);
    assert_eq!(app.audit_count("matrix.inventory.edit").await, 1);

    for phenomenon in ["drugs", "criminele-uitbuiting", "misbruik-vastgoed"] {
        let list = indicators(&app, &token, phenomenon).await;
        // Worked out here from the catalogue: an indicator is covered when BRP is among its
        // sources (the police source has no access).
        let covered = list
            .iter()
            .filter(|(_, s)| s.iter().any(|s| s == "brp"))
            .count();
        let weighty = list.iter().filter(|(w, _)| *w).count();
        let weighty_covered = list
            .iter()
            .filter(|(w, s)| *w && s.iter().any(|s| s == "brp"))
            .count();
        let body = app
            .api(
                "GET",
                &format!("/api/v1/fenomenen/{phenomenon}/dekking"),
                Some(&token),
                None,
            )
            .await
            .json();
        assert_eq!(body["indicatoren"].as_u64().unwrap() as usize, list.len());
        assert_eq!(
            body["gedekt"].as_u64().unwrap() as usize,
            covered,
            "{phenomenon}"
        );
        assert_eq!(body["zwaarwegend"].as_u64().unwrap() as usize, weighty);
        assert_eq!(
            body["zwaarwegendGedekt"].as_u64().unwrap() as usize,
            weighty_covered
        );
        let gaps = body["gaten"].as_array().unwrap();
        assert_eq!(gaps.len(), list.len() - covered);
        // Weighty gaps come first.
        let first_light = gaps
            .iter()
            .position(|g| g["weighty"] == false)
            .unwrap_or(gaps.len());
        assert!(gaps[first_light..].iter().all(|g| g["weighty"] == false));
    }
}

#[tokio::test]
async fn bad_inventory_input_changes_nothing_and_names_the_source() {
    let app = TestApp::new().await;
    let token = app.token("analist@tilburg.demo").await;
    let put = |body: &'static str| {
        let app = &app;
        let token = token.clone();
        async move {
            app.api("PUT", "/api/v1/inventaris", Some(&token), Some(body))
                .await
        }
    };
    let ok = put(r#"[{"source":"bag","have":true,"access":"direct","department":"","contact":"","quality":4,"lastChecked":null,"connected":null}]"#).await;
    assert_eq!(ok.status, StatusCode::OK);
    for bad in [
        r#"[{"source":"bag","have":false,"access":"geen","department":"","contact":"","quality":null,"lastChecked":null,"connected":null},{"source":"bestaat-niet","have":true,"access":"direct","department":"","contact":"","quality":3,"lastChecked":null,"connected":null}]"#,
        r#"[{"source":"bag","have":true,"access":"direct","department":"","contact":"","quality":9,"lastChecked":null,"connected":null}]"#,
        r#"[{"source":"bag","have":true,"access":"direct","department":"","contact":"","quality":3,"lastChecked":"gisteren","connected":null}]"#,
        r#"[{"source":"bag","have":true,"access":"direct","department":"","contact":"","quality":3,"lastChecked":null,"connected":"van-een-ander"}]"#,
    ] {
        let reply = put(bad).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}: {}",
            reply.body
        );
    }
    let unknown = put(r#"[{"source":"bestaat-niet","have":true,"access":"direct","department":"","contact":"","quality":3,"lastChecked":null,"connected":null}]"#).await;
    assert!(unknown.body.contains("bestaat-niet"));
    // Still exactly what the good request stored.
    let now = app
        .api("GET", "/api/v1/inventaris", Some(&token), None)
        .await
        .json();
    let now = now.as_array().unwrap();
    assert_eq!(now.len(), 1);
    assert_eq!(now[0]["source"], "bag");
    assert_eq!(now[0]["quality"], 4);
}

#[tokio::test]
async fn an_organisation_sees_and_edits_only_its_own_inventory_and_actions() {
    let app = TestApp::new().await;
    let tilburg = app.login("analist@tilburg.demo").await;
    let breda = app.login("analist@breda.demo").await;
    let form = app.get("/matrices/inventaris", &tilburg).await;
    assert_eq!(form.status, StatusCode::OK);
    // Tilburg fills in two sources through the form; one bad quality first stores nothing.
    let bad = app
        .post_form(
            "/matrices/inventaris",
            &tilburg,
            &[
                ("heeft-brp", "ja"),
                ("toegang-brp", "direct"),
                ("afdeling-brp", "Burgerzaken"),
                ("kwaliteit-brp", "abc"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("data-error-summary"));
    // Said in Dutch, tied to the field, and what was entered is kept.
    assert!(bad.body.contains("de kwaliteit is 1 tot en met 5"));
    assert!(bad.body.contains(r##"href="#kwaliteit-brp""##));
    assert!(
        bad.body
            .contains(r#"id="kwaliteit-brp" name="kwaliteit-brp" aria-invalid="true""#)
    );
    assert!(bad.body.contains(r#"value="Burgerzaken""#));
    let token = app.token("analist@tilburg.demo").await;
    let stored = app
        .api("GET", "/api/v1/inventaris", Some(&token), None)
        .await
        .json();
    assert!(stored.as_array().unwrap().is_empty(), "nothing half-stored");
    let good = app
        .post_form(
            "/matrices/inventaris",
            &tilburg,
            &[
                ("heeft-brp", "ja"),
                ("toegang-brp", "direct"),
                ("kwaliteit-brp", "5"),
                ("heeft-kvk", "ja"),
                ("toegang-kvk", "op-verzoek"),
                ("afdeling-kvk", "Economische Zaken"),
            ],
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.body);
    let stored = app
        .api("GET", "/api/v1/inventaris", Some(&token), None)
        .await
        .json();
    assert_eq!(stored.as_array().unwrap().len(), 2);
    let overview = app.get("/matrices", &tilburg).await;
    assert!(overview.body.contains("data-coverage=\"drugs\""));

    // Breda's view is its own: empty.
    let breda_token = app.token("analist@breda.demo").await;
    let theirs = app
        .api("GET", "/api/v1/inventaris", Some(&breda_token), None)
        .await
        .json();
    assert!(theirs.as_array().unwrap().is_empty());
    let breda_form = app.get("/matrices/inventaris", &breda).await;
    assert!(!breda_form.body.contains("Economische Zaken"));

    // An action of Tilburg's cannot be changed by Breda (not found, and audited).
    let added = app
        .post_form(
            "/matrices/acties",
            &tilburg,
            &[
                ("wat", "Convenant netbeheerder"),
                ("wie", "OOV"),
                ("wanneer", "2027-01-31"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let list = app.get("/matrices/acties", &tilburg).await;
    let id: i64 = list
        .body
        .split("data-action=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .parse()
        .unwrap();
    let before = app.audit_count("access.not_found").await;
    let refused = app
        .post_form(
            &format!("/matrices/acties/{id}/status"),
            &breda,
            &[("status", "gereed")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert_eq!(app.audit_count("access.not_found").await, before + 1);
    assert!(
        !app.get("/matrices/acties", &breda)
            .await
            .body
            .contains("Convenant netbeheerder")
    );
    let done = app
        .post_form(
            &format!("/matrices/acties/{id}/status"),
            &tilburg,
            &[("status", "gereed")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);

    // The matrix page of a phenomenon, filtered by category.
    let matrix = app
        .get("/matrices/drugs?categorie=bewoners", &tilburg)
        .await;
    assert_eq!(matrix.status, StatusCode::OK);
    assert!(matrix.body.contains("data-indicator="));
    assert_eq!(
        app.get("/matrices/bestaat-niet", &tilburg).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/matrices/drugs?categorie=onzin", &tilburg)
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn a_matrix_exports_imports_unchanged_keeps_versions_and_travels_as_a_template() {
    let app = TestApp::new().await;
    let tilburg = app.login("analist@tilburg.demo").await;
    // Export and read back (XLSX round trips are checked on bytes in the import crate; the
    // test client reads bodies as text): each a new version identical to the catalogue.
    let xlsx = app
        .get("/matrices/drugs/bestand?formaat=xlsx", &tilburg)
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.content_type().contains("spreadsheetml"));
    for (format, name) in [("csv", "m.csv"), ("json", "m.json")] {
        let file = app
            .get(
                &format!("/matrices/drugs/bestand?formaat={format}"),
                &tilburg,
            )
            .await;
        assert_eq!(file.status, StatusCode::OK, "{format}");
        let imported = app
            .upload_to(
                "/matrices/drugs/importeren",
                &tilburg,
                name,
                file.body.as_bytes(),
            )
            .await;
        assert_eq!(
            imported.status,
            StatusCode::SEE_OTHER,
            "{format}: {}",
            imported.body
        );
    }
    let versions = app
        .get("/matrices/drugs/versies?van=0&tot=2", &tilburg)
        .await;
    assert!(versions.body.contains(r#"data-version="2""#));
    assert!(
        versions.body.contains("Geen verschillen"),
        "export then import changes nothing"
    );

    // Make the first indicator weighty in the CSV and read it in: version 3, and the diff says so.
    let csv = app
        .get("/matrices/drugs/bestand?formaat=csv", &tilburg)
        .await
        .body;
    let mut lines: Vec<String> = csv.lines().map(str::to_owned).collect();
    let header_at = lines.iter().position(|l| l.starts_with("id;")).unwrap();
    let mut first: Vec<String> = lines[header_at + 1].split(';').map(str::to_owned).collect();
    let id = first[0].clone();
    let weighty = first[12] == "ja";
    first[12] = if weighty { "nee" } else { "ja" }.to_owned();
    lines[header_at + 1] = first.join(";");
    let edited = lines.join("\n");
    let imported = app
        .upload_to(
            "/matrices/drugs/importeren",
            &tilburg,
            "m.csv",
            edited.as_bytes(),
        )
        .await;
    assert_eq!(imported.status, StatusCode::SEE_OTHER, "{}", imported.body);
    let diff = app
        .get("/matrices/drugs/versies?van=2&tot=3", &tilburg)
        .await;
    assert!(
        diff.body.contains(&format!("{id} (zwaarwegend)")),
        "{}",
        diff.body
    );

    // A bad file names its row and adds no version.
    let mut bad = lines.clone();
    let mut row: Vec<String> = bad[header_at + 2].split(';').map(str::to_owned).collect();
    row[6] = "9".into();
    bad[header_at + 2] = row.join(";");
    let refused = app
        .upload_to(
            "/matrices/drugs/importeren",
            &tilburg,
            "m.csv",
            bad.join("\n").as_bytes(),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains(&format!("rij {}", header_at + 3)),
        "{}",
        refused.body
    );
    assert!(!refused.body.contains(r#"data-version="4""#));

    // Published, another organisation adopts it as its own copy.
    let vid: String = app
        .get("/matrices/drugs/versies", &tilburg)
        .await
        .body
        .split("/matrices/versies/")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap()
        .to_owned();
    let published = app
        .post_form(
            &format!("/matrices/versies/{vid}/publiceren"),
            &tilburg,
            &[("gepubliceerd", "1"), ("fenomeen", "drugs")],
        )
        .await;
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    let breda = app.login("analist@breda.demo").await;
    let offered = app.get("/matrices/drugs/versies", &breda).await;
    let template: String = offered
        .body
        .split("data-template=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_owned();
    let adopted = app
        .post_form(
            &format!("/matrices/sjablonen/{template}/overnemen"),
            &breda,
            &[("fenomeen", "drugs")],
        )
        .await;
    assert_eq!(adopted.status, StatusCode::SEE_OTHER);
    let theirs = app.get("/matrices/drugs/versies", &breda).await;
    assert!(theirs.body.contains(r#"data-version="1""#));
    // Tilburg's unpublished versions cannot be adopted by id.
    let refused = app
        .post_form(
            "/matrices/sjablonen/1/overnemen",
            &breda,
            &[("fenomeen", "drugs")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
}
