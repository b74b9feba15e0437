//! Sessions of a congress: the office plans, amends, opens and closes
//! them; one session of a level is open at a time; everyone signed in
//! reads them.

use serde_json::{Value, json};

use crate::helpers::*;

/// A deputy's account.
async fn deputy(app: &TestApp, staff: &str) -> String {
    let d = app
        .create_deputy(
            staff,
            json!({"name": "甲", "memberships": [{"level": "county", "term": "第十八届"}]}),
        )
        .await;
    app.user_token(
        &app.admin().await,
        "deputy1",
        &["deputy"],
        json!({"deputy_id": d["id"]}),
    )
    .await
}

fn plan(level: &str, number: i32) -> Value {
    json!({
        "level": level, "term": "第十八届", "number": number,
        "opens_on": "2027-01-10", "closes_on": "2027-01-13"
    })
}

#[tokio::test]
async fn the_office_plans_opens_and_closes_a_session() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let created = app
        .post(
            "/api/v1/congress-sessions",
            Some(&staff),
            &plan("county", 3),
        )
        .await;
    let s = created.ok(201).clone();
    assert_eq!(s["name"], "第十八届第三次会议");
    assert_eq!(s["status"], "planned");
    let id = s["id"].as_str().unwrap().to_owned();
    assert_eq!(
        created.header("location"),
        Some(format!("/api/v1/congress-sessions/{id}").as_str())
    );
    let path = format!("/api/v1/congress-sessions/{id}");

    let amended = app
        .patch(
            &path,
            Some(&staff),
            &json!({"opens_on": "2027-01-11", "closes_on": "2027-01-14"}),
        )
        .await;
    assert_eq!(amended.ok(200)["opens_on"], "2027-01-11");

    let opened = app
        .post(&format!("{path}/open"), Some(&staff), &json!({}))
        .await;
    assert_eq!(opened.ok(200)["status"], "open");
    assert!(opened.body["opened_at"].is_string());
    // An open session's dates are kept as they were announced.
    app.patch(&path, Some(&staff), &json!({"number": 4}))
        .await
        .problem(409, "invalid_state");

    let closed = app
        .post(&format!("{path}/close"), Some(&staff), &json!({}))
        .await;
    assert_eq!(closed.ok(200)["status"], "closed");
    app.post(&format!("{path}/open"), Some(&staff), &json!({}))
        .await
        .problem(409, "invalid_state");
    app.post(&format!("{path}/close"), Some(&staff), &json!({}))
        .await
        .problem(409, "invalid_state");

    // A deputy reads it; the trail names each step.
    let deputy = deputy(&app, &staff).await;
    let read = app.get(&path, Some(&deputy)).await;
    assert_eq!(read.ok(200)["status"], "closed");
    let trail = app
        .get(
            &format!("/api/v1/audit-events?object_type=congress_session&object_id={id}"),
            Some(&app.auditor().await),
        )
        .await;
    let actions: Vec<String> = trail.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(actions, ["create", "update", "open", "close"]);
}

#[tokio::test]
async fn one_session_of_a_level_is_open_at_a_time() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let mut ids = Vec::new();
    for (level, number) in [("county", 3), ("county", 4), ("township", 3)] {
        let s = app
            .post(
                "/api/v1/congress-sessions",
                Some(&staff),
                &plan(level, number),
            )
            .await;
        ids.push(s.ok(201)["id"].as_str().unwrap().to_owned());
    }
    let open = |i: usize| format!("/api/v1/congress-sessions/{}/open", ids[i]);
    app.post(&open(0), Some(&staff), &json!({})).await.ok(200);
    let refused = app.post(&open(1), Some(&staff), &json!({})).await;
    refused.problem(409, "session_open_at_level");
    // Another level's congress meets on its own.
    app.post(&open(2), Some(&staff), &json!({})).await.ok(200);
    let listed = app
        .get(
            "/api/v1/congress-sessions?level=county&status=open&include_total=true",
            Some(&staff),
        )
        .await;
    assert_eq!(listed.ok(200)["total"], 1);
    assert_eq!(listed.body["items"][0]["id"], ids[0].as_str());
    let planned = app
        .get(
            &format!("/api/v1/congress-sessions/{}", ids[1]),
            Some(&staff),
        )
        .await;
    assert_eq!(
        planned.ok(200)["status"],
        "planned",
        "the refusal changed nothing"
    );
}

#[tokio::test]
async fn two_opening_at_once_leave_one_session_open() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let mut paths = Vec::new();
    for number in [3, 4] {
        let s = app
            .post(
                "/api/v1/congress-sessions",
                Some(&staff),
                &plan("county", number),
            )
            .await;
        paths.push(format!(
            "/api/v1/congress-sessions/{}/open",
            s.ok(201)["id"].as_str().unwrap()
        ));
    }
    let empty = json!({});
    let (a, b) = tokio::join!(
        app.post(&paths[0], Some(&staff), &empty),
        app.post(&paths[1], Some(&staff), &empty)
    );
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    let loser = if a.status.as_u16() == 409 { &a } else { &b };
    loser.problem(409, "session_open_at_level");
    let open = app
        .get(
            "/api/v1/congress-sessions?status=open&include_total=true",
            Some(&staff),
        )
        .await;
    assert_eq!(open.ok(200)["total"], 1);
}

#[tokio::test]
async fn refusals_name_the_field_and_change_nothing() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let admin = app.admin().await;
    let deputy = deputy(&app, &staff).await;
    app.post(
        "/api/v1/congress-sessions",
        Some(&deputy),
        &plan("county", 3),
    )
    .await
    .problem(403, "forbidden");
    app.post(
        "/api/v1/congress-sessions",
        Some(&admin),
        &plan("county", 3),
    )
    .await
    .problem(403, "forbidden");
    app.get("/api/v1/congress-sessions", None)
        .await
        .problem(401, "unauthenticated");
    let bad = app
        .post(
            "/api/v1/congress-sessions",
            Some(&staff),
            &json!({
                "level": "county", "term": " ", "number": 0,
                "opens_on": "2027-01-10", "closes_on": "2027-01-09"
            }),
        )
        .await;
    bad.problem(422, "validation_failed");
    assert_eq!(
        bad.fields(),
        ["term"],
        "the blank term is refused as the body is read"
    );
    let bad = app
        .post(
            "/api/v1/congress-sessions",
            Some(&staff),
            &json!({
                "level": "county", "term": "第十八届", "number": 21,
                "opens_on": "2027-01-10", "closes_on": "2027-01-09"
            }),
        )
        .await;
    bad.problem(422, "validation_failed");
    let mut fields = bad.fields();
    fields.sort();
    assert_eq!(fields, ["closes_on", "number"]);
    app.post(
        "/api/v1/congress-sessions",
        Some(&staff),
        &json!({"level": "city", "term": "第十八届", "number": 1, "opens_on": "2027-01-10", "closes_on": "2027-01-13"}),
    )
    .await
    .problem(422, "validation_failed");
    let listed = app
        .get("/api/v1/congress-sessions?include_total=true", Some(&staff))
        .await;
    assert_eq!(listed.ok(200)["total"], 0, "nothing was planned");

    let first = app
        .post(
            "/api/v1/congress-sessions",
            Some(&staff),
            &plan("county", 3),
        )
        .await;
    let id = first.ok(201)["id"].as_str().unwrap().to_owned();
    app.post(
        "/api/v1/congress-sessions",
        Some(&staff),
        &plan("county", 3),
    )
    .await
    .problem(409, "session_exists");
    let other = app
        .post(
            "/api/v1/congress-sessions",
            Some(&staff),
            &plan("county", 4),
        )
        .await;
    let other_path = format!(
        "/api/v1/congress-sessions/{}",
        other.ok(201)["id"].as_str().unwrap()
    );
    app.patch(&other_path, Some(&staff), &json!({"number": 3}))
        .await
        .problem(409, "session_exists");

    let path = format!("/api/v1/congress-sessions/{id}");
    let stale = app
        .request(reqwest::Method::POST, &format!("{path}/open"), Some(&staff))
        .header("if-match", "\"999\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 412);
    app.post(&format!("{path}/open"), Some(&deputy), &json!({}))
        .await
        .problem(403, "forbidden");
    let still = app.get(&path, Some(&staff)).await;
    assert_eq!(still.ok(200)["status"], "planned");
    app.get(
        "/api/v1/congress-sessions/01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f61",
        Some(&staff),
    )
    .await
    .problem(404, "not_found");
}
