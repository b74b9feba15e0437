//! Sessions of a congress: the office plans, amends, opens and closes
//! them; one session of a level is open at a time; everyone signed in
//! reads them.

use serde_json::{Value, json};

use crate::helpers::*;

/// A deputy's account.
async fn deputy(app: &TestApp, staff: &str) -> String {
    deputy_at(app, staff, "deputy1", "county").await
}

/// The account `username` of a deputy serving at `level`.
async fn deputy_at(app: &TestApp, staff: &str, username: &str, level: &str) -> String {
    let d = app
        .create_deputy(
            staff,
            json!({"name": username, "memberships": [{"level": level, "term": "第十八届"}]}),
        )
        .await;
    app.user_token(
        &app.admin().await,
        username,
        &["deputy"],
        json!({"deputy_id": d["id"]}),
    )
    .await
}

/// A suggestion the deputy `token` drafts, as between sessions.
async fn draft(app: &TestApp, token: &str, title: &str) -> String {
    let a = app
        .post(
            "/api/v1/suggestions",
            Some(token),
            &json!({
                "title": title, "content": "建议增设助餐点。", "category": "社会保障",
                "term": "第十七届", "timing": "between_sessions"
            }),
        )
        .await;
    a.ok(201)["id"].as_str().unwrap().to_owned()
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

#[tokio::test]
async fn what_is_filed_during_a_session_is_numbered_in_its_series() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let county = deputy_at(&app, &staff, "county1", "county").await;
    let township = deputy_at(&app, &staff, "township1", "township").await;
    let s = app
        .post(
            "/api/v1/congress-sessions",
            Some(&staff),
            &plan("county", 3),
        )
        .await;
    let session = s.ok(201)["id"].as_str().unwrap().to_owned();
    let session_path = format!("/api/v1/congress-sessions/{session}");
    let early = draft(&app, &county, "会前起草的建议").await;
    let during = draft(&app, &county, "会上提出的建议").await;
    let other_level = draft(&app, &township, "乡镇代表的建议").await;
    let after = draft(&app, &county, "闭会后的建议").await;
    let path = |id: &str, op: &str| format!("/api/v1/suggestions/{id}/{op}");
    let empty = json!({});

    // Drafted before the session opened: what counts is when it is filed.
    app.post(&format!("{session_path}/open"), Some(&staff), &empty)
        .await
        .ok(200);
    for (id, who) in [
        (&early, &county),
        (&during, &county),
        (&other_level, &township),
    ] {
        app.post(&path(id, "submit"), Some(who), &empty)
            .await
            .ok(200);
    }
    let filed = app
        .get(&format!("/api/v1/suggestions/{early}"), Some(&staff))
        .await;
    let filed = filed.ok(200);
    assert_eq!(filed["congress_session_id"], session.as_str());
    assert_eq!(filed["timing"], "during_session");
    assert_eq!(
        (filed["term"].as_str(), filed["session"].as_str()),
        (Some("第十八届"), Some("第三次会议"))
    );
    // A township deputy's filing is not the county session's.
    let other = app
        .get(&format!("/api/v1/suggestions/{other_level}"), Some(&staff))
        .await;
    assert_eq!(other.ok(200)["congress_session_id"], Value::Null);
    assert_eq!(other.body["timing"], "between_sessions");

    app.post(&format!("{session_path}/close"), Some(&staff), &empty)
        .await
        .ok(200);
    app.post(&path(&after, "submit"), Some(&county), &empty)
        .await
        .ok(200);

    // Registered after the session closed, they keep the session's series.
    let mut numbers = Vec::new();
    for id in [&during, &after, &early, &other_level] {
        let r = app.post(&path(id, "register"), Some(&staff), &empty).await;
        numbers.push(r.ok(200)["number"].as_str().unwrap().to_owned());
    }
    let year = renda_domain::time::china_date(chrono::Utc::now())
        .format("%Y")
        .to_string();
    assert_eq!(
        numbers,
        [
            "第十八届第三次会议 第0001号".to_owned(),
            format!("{year}-0001"),
            "第十八届第三次会议 第0002号".to_owned(),
            format!("{year}-0002"),
        ]
    );
    let listed = app
        .get(
            &format!("/api/v1/suggestions?congress_session_id={session}&include_total=true"),
            Some(&staff),
        )
        .await;
    assert_eq!(listed.ok(200)["total"], 2);
    let timeline = app
        .get(
            &format!("/api/v1/suggestions/{during}/timeline"),
            Some(&county),
        )
        .await;
    let submitted = timeline.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "submitted")
        .cloned()
        .unwrap();
    assert_eq!(
        submitted["detail"]["congress_session"],
        "第十八届第三次会议"
    );
}

#[tokio::test]
async fn only_the_office_amends_or_closes_a_session() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let deputy = deputy(&app, &staff).await;
    let unit = app.create_unit(&staff, "区民政局").await;
    let clerk = app
        .user_token(
            &app.admin().await,
            "clerk",
            &["unit"],
            json!({"unit_id": unit["id"]}),
        )
        .await;
    let s = app
        .post(
            "/api/v1/congress-sessions",
            Some(&staff),
            &plan("county", 3),
        )
        .await;
    let path = format!(
        "/api/v1/congress-sessions/{}",
        s.ok(201)["id"].as_str().unwrap()
    );
    for who in [&deputy, &clerk] {
        app.patch(&path, Some(who), &json!({"number": 4}))
            .await
            .problem(403, "forbidden");
    }
    app.post(&format!("{path}/open"), Some(&staff), &json!({}))
        .await
        .ok(200);
    for who in [&deputy, &clerk] {
        app.post(&format!("{path}/close"), Some(who), &json!({}))
            .await
            .problem(403, "forbidden");
    }
    let still = app.get(&path, Some(&deputy)).await;
    assert_eq!(
        (
            still.ok(200)["status"].as_str(),
            still.body["number"].as_i64()
        ),
        (Some("open"), Some(3))
    );
}
