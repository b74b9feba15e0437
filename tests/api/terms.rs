//! A change of term (换届) through the real HTTP stack: memberships end
//! together, those elected again begin the next term, the others keep
//! their records and file nothing new.

use serde_json::{Value, json};

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_term_change_ends_the_term_and_keeps_the_records() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let staff = app.staff().await;
    let mut ids = Vec::new();
    let mut tokens = Vec::new();
    for (i, level) in ["county", "county", "county", "township"]
        .iter()
        .enumerate()
    {
        let d = app
            .create_deputy(
                &staff,
                json!({"name": format!("代表{i}"), "memberships": [
                    {"level": level, "term": "第十八届", "start_date": "2021-12-01", "status": "serving"}
                ]}),
            )
            .await;
        let id = d["id"].as_str().unwrap().to_owned();
        tokens.push(
            app.user_token(
                &admin,
                &format!("deputy{i}"),
                &["deputy"],
                json!({"deputy_id": id}),
            )
            .await,
        );
        ids.push(id);
    }
    let draft = json!({"title": "关于增设助餐点的建议", "content": "内容。", "category": "社会保障",
                       "term": "第十八届", "timing": "between_sessions"});
    let before = app
        .post("/api/v1/suggestions", Some(&tokens[1]), &draft)
        .await;
    let old = before.ok(201)["id"].as_str().unwrap().to_owned();
    app.post(
        &format!("/api/v1/suggestions/{old}/submit"),
        Some(&tokens[1]),
        &json!({}),
    )
    .await
    .ok(200);

    let pending = app
        .post("/api/v1/suggestions", Some(&tokens[1]), &draft)
        .await;
    let pending = pending.ok(201)["id"].as_str().unwrap().to_owned();

    let change = |re: Vec<Value>| {
        json!({"level": "county", "ending_term": "第十八届", "ended_on": "2026-12-31",
               "next_term": "第十九届", "started_on": "2027-01-01", "re_elected": re})
    };
    // Refusals first: nothing changes.
    app.post("/api/v1/term-changes", Some(&tokens[0]), &change(vec![]))
        .await
        .problem(403, "forbidden");
    let unknown = app
        .post(
            "/api/v1/term-changes",
            Some(&staff),
            &change(vec![
                json!({"deputy_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4fff"}),
            ]),
        )
        .await;
    unknown.problem(422, "validation_failed");
    assert_eq!(unknown.fields(), ["re_elected[0].deputy_id"]);
    let mut same = change(vec![]);
    same["next_term"] = json!("第十八届");
    let same = app.post("/api/v1/term-changes", Some(&staff), &same).await;
    same.problem(422, "validation_failed");
    assert_eq!(same.fields(), ["next_term"]);
    let mut nobody = change(vec![]);
    nobody["ending_term"] = json!("第十七届");
    nobody["next_term"] = json!("第十八届");
    app.post("/api/v1/term-changes", Some(&staff), &nobody)
        .await
        .problem(409, "nobody_serving");
    let d1 = app
        .get(&format!("/api/v1/deputies/{}", ids[1]), Some(&staff))
        .await;
    assert_eq!(d1.ok(200)["memberships"][0]["status"], "serving");

    let done = app
        .post(
            "/api/v1/term-changes",
            Some(&staff),
            &change(vec![
                json!({"deputy_id": ids[0], "constituency": "项里选区"}),
            ]),
        )
        .await;
    let done = done.ok(200);
    assert_eq!(
        (done["ended"].as_u64(), done["re_elected"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(
        done["deputy_ids"].as_array().unwrap().len(),
        3,
        "the township deputy is untouched"
    );

    let again = app
        .get(&format!("/api/v1/deputies/{}", ids[0]), Some(&staff))
        .await;
    let ms = again.ok(200)["memberships"].as_array().unwrap().clone();
    assert_eq!(
        (ms[0]["status"].as_str(), ms[0]["end_date"].as_str()),
        (Some("ended"), Some("2026-12-31"))
    );
    assert_eq!(
        (
            ms[1]["term"].as_str(),
            ms[1]["status"].as_str(),
            ms[1]["constituency"].as_str()
        ),
        (Some("第十九届"), Some("serving"), Some("项里选区"))
    );

    // Elected again: files as before. Not elected again: reads, files nothing.
    app.post("/api/v1/suggestions", Some(&tokens[0]), &draft)
        .await
        .ok(201);
    app.post("/api/v1/suggestions", Some(&tokens[1]), &draft)
        .await
        .problem(403, "term_ended");
    app.post(
        &format!("/api/v1/suggestions/{pending}/submit"),
        Some(&tokens[1]),
        &json!({}),
    )
    .await
    .problem(403, "term_ended");
    let kept = app
        .get(&format!("/api/v1/suggestions/{old}"), Some(&tokens[1]))
        .await;
    assert_eq!(
        (
            kept.ok(200)["status"].as_str(),
            kept.body["lead_deputy_id"].as_str()
        ),
        (Some("submitted"), Some(ids[1].as_str()))
    );
    let mine = app
        .get("/api/v1/suggestions?include_total=true", Some(&tokens[1]))
        .await;
    assert_eq!(
        mine.ok(200)["total"],
        2,
        "the submitted one and the draft, still readable"
    );
    app.post("/api/v1/suggestions", Some(&tokens[3]), &draft)
        .await
        .ok(201);
    app.post("/api/v1/term-changes", Some(&staff), &change(vec![]))
        .await
        .problem(409, "nobody_serving");
    let trail = app
        .get(
            &format!(
                "/api/v1/audit-events?object_type=deputy&object_id={}",
                ids[1]
            ),
            Some(&app.auditor().await),
        )
        .await;
    let actions: Vec<&str> = trail.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["create", "term_change"]);
}
