//! Readiness: a team round from start to result, the refusals of bad answers, and the
//! organisation's rounds kept to itself.

use axum::http::StatusCode;

use crate::TestApp;

/// Every question of the shipped self-assessment, by dimension.
async fn questions(app: &TestApp, token: &str) -> Vec<(String, Vec<String>)> {
    let scan = app
        .api("GET", "/api/v1/zelfscan/vragen", Some(token), None)
        .await
        .json();
    scan["dimensies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["id"].as_str().unwrap().to_owned(),
                d["vragen"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|q| q["id"].as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_team_round_combines_into_mean_spread_and_disagreements() {
    let app = TestApp::new().await;
    let analyst = app.token("analist@tilburg.demo").await;
    let dims = questions(&app, &analyst).await;
    assert_eq!(dims.len(), 7);
    assert!(dims.iter().map(|(_, q)| q.len()).sum::<usize>() >= 35);
    // The analyst answers 2 everywhere and starts the round by answering.
    let all = |level: u8| {
        let answers: serde_json::Map<String, serde_json::Value> = dims
            .iter()
            .flat_map(|(_, qs)| qs.iter())
            .map(|q| (q.clone(), serde_json::json!(level)))
            .collect();
        answers
    };
    let first = app
        .api(
            "POST",
            "/api/v1/zelfscans",
            Some(&analyst),
            Some(&serde_json::json!({ "antwoorden": all(2) }).to_string()),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let round = first.json()["id"].as_i64().unwrap();
    // A colleague answers 4 everywhere except the first question (also 2).
    let colleague = app.token("regisseur@tilburg.demo").await;
    let mut answers = all(4);
    let first_q = dims[0].1[0].clone();
    answers.insert(first_q.clone(), serde_json::json!(2));
    let second = app
        .api(
            "POST",
            "/api/v1/zelfscans",
            Some(&colleague),
            Some(&serde_json::json!({ "ronde": round, "antwoorden": answers }).to_string()),
        )
        .await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    let result = second.json();
    assert_eq!(result["deelnemers"], 2);
    // Dimension 2 onwards: member scores 2 and 4 → mean 3, spread 1.
    let scores = result["scores"].as_array().unwrap();
    assert_eq!(scores[1]["score"].as_f64(), Some(3.0));
    assert_eq!(scores[1]["spreiding"].as_f64(), Some(1.0));
    // The first question is the one place they agree: not among the disagreements.
    let disagree: Vec<&str> = result["meestOneens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["dimensie"].as_str().unwrap())
        .collect();
    assert!(!disagree.contains(&first_q.as_str()));
    assert!(!disagree.is_empty());

    // The results page: a radar with a table beside it, and the weakest dimension's advice.
    let browser = app.login("analist@tilburg.demo").await;
    let page = app
        .get(&format!("/gereedheid/rondes/{round}/uitslag"), &browser)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("baken-radar"));
    assert!(page.body.contains("data-team-score"));
    assert!(page.body.contains("data-strongest"));
    assert!(page.body.contains("pas als ten minste vijf organisaties"));
    let pdf = app
        .get(&format!("/gereedheid/rondes/{round}/rapport.pdf"), &browser)
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.body.starts_with("%PDF-"));
    // Only the team's and the member's own scores: never a colleague's answers.
    assert!(!page.body.contains("regisseur@tilburg.demo"));

    // Closing the round refuses later answers.
    let closed = app
        .post_form(
            &format!("/gereedheid/rondes/{round}/sluiten"),
            &browser,
            &[],
        )
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    let late = app
        .api(
            "POST",
            "/api/v1/zelfscans",
            Some(&analyst),
            Some(&serde_json::json!({ "ronde": round, "antwoorden": all(3) }).to_string()),
        )
        .await;
    assert_eq!(
        late.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        late.body
    );
}

#[tokio::test]
async fn bad_answers_and_other_organisations_rounds_are_refused() {
    let app = TestApp::new().await;
    let analyst = app.token("analist@tilburg.demo").await;
    let first = questions(&app, &analyst).await[0].1[0].clone();
    let off_scale = app
        .api(
            "POST",
            "/api/v1/zelfscans",
            Some(&analyst),
            Some(&format!(r#"{{"antwoorden": {{"{first}": 6}}}}"#)),
        )
        .await;
    assert_eq!(
        off_scale.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        off_scale.body
    );
    let unknown = app
        .api(
            "POST",
            "/api/v1/zelfscans",
            Some(&analyst),
            Some(r#"{"antwoorden": {"geen-vraag": 3}}"#),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.body.contains("geen-vraag"));
    // A round of Tilburg's is not Breda's to answer or to read.
    let browser = app.login("analist@tilburg.demo").await;
    let started = app.post_form("/gereedheid/rondes", &browser, &[]).await;
    let round: i64 = started
        .location()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let breda = app.token("analist@breda.demo").await;
    let read = app
        .api(
            "GET",
            &format!("/api/v1/zelfscans/{round}"),
            Some(&breda),
            None,
        )
        .await;
    assert_eq!(read.status, StatusCode::NOT_FOUND);
    let form = app
        .get(&format!("/gereedheid/rondes/{round}"), &browser)
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("data-question="));
}

#[tokio::test]
async fn a_module_gives_feedback_on_the_answer_chosen_and_keeps_progress() {
    let app = TestApp::new().await;
    let browser = app.login("team@tilburg.demo").await;
    let overview = app.get("/gereedheid", &browser).await;
    assert_eq!(overview.status, StatusCode::OK);
    assert!(overview.body.contains(r#"data-module="datagedreven""#));
    let page = app.get("/gereedheid/leren/datagedreven", &browser).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("data-progress>0/"));
    // Answer every option of the first question in turn: one is right, the others are not,
    // and each shows its own feedback.
    let mut verdicts = Vec::new();
    for i in 0..3 {
        let reply = app
            .post_form(
                "/gereedheid/leren/datagedreven/dg-1",
                &browser,
                &[("antwoord", &i.to_string())],
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
        let after = app.get("/gereedheid/leren/datagedreven", &browser).await;
        assert!(after.body.contains("data-progress>1/"));
        verdicts.push(after.body.contains(r#"data-feedback="juist""#));
    }
    assert!(verdicts.iter().filter(|v| **v).count() <= 1);
    let bad = app
        .post_form(
            "/gereedheid/leren/datagedreven/dg-1",
            &browser,
            &[("antwoord", "9")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        app.get("/gereedheid/leren/bestaat-niet", &browser)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
