use axum::http::StatusCode;

use crate::TestApp;

#[tokio::test]
async fn municipalities_are_listed_by_name_with_pagination() {
    let app = TestApp::with_reference().await;
    let token = app.token("lezer@breda.demo").await;
    let reply = app
        .api(
            "GET",
            "/api/v1/gebieden?type=gemeente&paginagrootte=100&pagina=4",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let body = reply.json();
    assert_eq!(body["paginering"]["totaal"], 342);
    assert_eq!(body["paginering"]["aantalPaginas"], 4);
    assert_eq!(body["resultaten"].as_array().unwrap().len(), 42);
    assert!(body["_links"]["next"].is_null());
    let first = app
        .api(
            "GET",
            "/api/v1/gebieden?type=gemeente&paginagrootte=1",
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(first["resultaten"][0]["code"], "GM0518");
    assert_eq!(first["resultaten"][0]["type"], "gemeente");
    assert_eq!(first["resultaten"][0]["jaar"], 2024);
}

#[tokio::test]
async fn one_area_comes_with_the_areas_it_lies_in() {
    let app = TestApp::with_reference().await;
    let token = app.token("analist@tilburg.demo").await;
    let reply = app
        .api("GET", "/api/v1/gebieden/GM0855", Some(&token), None)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = reply.json();
    assert_eq!(body["naam"], "Tilburg");
    assert_eq!(body["riecRegio"], "RIEC Zeeland-West-Brabant");
    assert_eq!(body["heeftGrens"], true);
    let parents: Vec<&str> = body["ligtIn"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(parents, vec!["PV30", "RE08", "VR20", "NL01"]);
    let provinces = app
        .api("GET", "/api/v1/gebieden?type=provincie", Some(&token), None)
        .await
        .json();
    assert_eq!(provinces["paginering"]["totaal"], 12);
}

#[tokio::test]
async fn an_unknown_type_or_code_is_explained() {
    let app = TestApp::with_reference().await;
    let token = app.token("analist@tilburg.demo").await;
    let bad = app
        .api("GET", "/api/v1/gebieden?type=wijk", Some(&token), None)
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["invalidParams"][0]["name"], "type");
    let unknown = app
        .api("GET", "/api/v1/gebieden/GM9999", Some(&token), None)
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.content_type(), "application/problem+json");
}
