//! Function-level authorization on the office's operations of stations,
//! activities, needs, supervision and livelihood rounds: a deputy, a unit
//! and a leader are refused every one, and nothing changes.

use renda_domain::time::Clock;
use serde_json::{Value, json};

use crate::helpers::spawn_app;

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn only_the_office_runs_the_office_operations() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let staff = app
        .user_token(&admin, "office", &["staff"], json!({}))
        .await;
    let unit_id = id(&app.create_unit(&staff, "区教育局").await);
    let d = id(&app
        .create_deputy(
            &staff,
            json!({"name": "甲", "memberships": [{"level": "county", "term": "第十九届"}]}),
        )
        .await);
    let deputy = app
        .user_token(&admin, "deputy", &["deputy"], json!({"deputy_id": d}))
        .await;
    let unit = app
        .user_token(&admin, "unit", &["unit"], json!({"unit_id": unit_id}))
        .await;
    let leader = app
        .user_token(&admin, "leader", &["leader"], json!({}))
        .await;
    let today = app.clock.today();

    let station = id(app
        .post(
            "/api/v1/stations",
            Some(&staff),
            &json!({"kind": "station", "name": "联络站", "deputy_ids": [d]}),
        )
        .await
        .ok(201));
    let day = id(app
        .post(
            &format!("/api/v1/stations/{station}/reception-days"),
            Some(&staff),
            &json!({"day": today, "deputy_ids": [d]}),
        )
        .await
        .ok(201));
    let activity = id(app
        .post(
            "/api/v1/activities",
            Some(&staff),
            &json!({"kind": "study", "title": "学习", "day": today, "place": "之家", "organiser": "工委"}),
        )
        .await
        .ok(201));
    let need = id(app
        .post(
            "/api/v1/needs",
            Some(&staff),
            &json!({"requester": "某公司", "requester_kind": "enterprise", "content": "政策"}),
        )
        .await
        .ok(201));
    let item = id(app
        .post(
            "/api/v1/supervisions",
            Some(&staff),
            &json!({"title": "调研", "year": 2026, "methods": ["research_visit", "work_evaluation"],
                    "body_ids": [unit_id], "committee": "教科文卫委",
                    "committee_member_ids": [d]}),
        )
        .await
        .ok(201));
    let round = id(app
        .post(
            "/api/v1/livelihood-rounds",
            Some(&staff),
            &json!({"year": 2027, "level": "county", "term": "第十九届", "title": "票决", "seats": 1}),
        )
        .await
        .ok(201));
    let candidate = id(app
        .post(
            &format!("/api/v1/livelihood-rounds/{round}/candidates"),
            Some(&staff),
            &json!({"title": "项目", "description": "说明", "unit_id": unit_id}),
        )
        .await
        .ok(201));

    let ops: Vec<(&str, String, Value)> = vec![
        (
            "POST",
            "/api/v1/stations".into(),
            json!({"kind": "point", "name": "x"}),
        ),
        (
            "PATCH",
            format!("/api/v1/stations/{station}"),
            json!({"name": "y"}),
        ),
        ("DELETE", format!("/api/v1/stations/{station}"), json!({})),
        (
            "POST",
            format!("/api/v1/stations/{station}/reception-days"),
            json!({"day": today, "deputy_ids": [d]}),
        ),
        (
            "POST",
            "/api/v1/activities".into(),
            json!({"kind": "study", "title": "x", "day": today, "place": "x", "organiser": "x"}),
        ),
        (
            "PATCH",
            format!("/api/v1/activities/{activity}"),
            json!({"place": "y"}),
        ),
        (
            "POST",
            format!("/api/v1/activities/{activity}/attendance"),
            json!({"deputy_ids": [d]}),
        ),
        (
            "POST",
            "/api/v1/needs".into(),
            json!({"requester": "x", "requester_kind": "resident", "content": "x"}),
        ),
        (
            "POST",
            format!("/api/v1/needs/{need}/match"),
            json!({"deputy_id": d}),
        ),
        (
            "POST",
            "/api/v1/supervisions".into(),
            json!({"title": "x", "year": 2026, "methods": ["research_visit"], "body_ids": [unit_id], "committee": "x"}),
        ),
        (
            "PATCH",
            format!("/api/v1/supervisions/{item}"),
            json!({"title": "y"}),
        ),
        (
            "POST",
            format!("/api/v1/supervisions/{item}/start-investigation"),
            json!({}),
        ),
        (
            "POST",
            format!("/api/v1/supervisions/{item}/publish"),
            json!({}),
        ),
        (
            "POST",
            "/api/v1/livelihood-rounds".into(),
            json!({"year": 2027, "level": "county", "term": "x", "title": "x", "seats": 1}),
        ),
        (
            "POST",
            format!("/api/v1/livelihood-rounds/{round}/start-review"),
            json!({}),
        ),
        (
            "POST",
            format!("/api/v1/livelihood-rounds/{round}/candidates/{candidate}/review"),
            json!({"shortlist": true, "reason": "x"}),
        ),
        (
            "POST",
            format!("/api/v1/livelihood-rounds/{round}/close-voting"),
            json!({}),
        ),
    ];
    for token in [&deputy, &unit, &leader] {
        for (method, path, body) in &ops {
            let m: reqwest::Method = method.parse().unwrap();
            let r = app
                .request(m, path, Some(token))
                .json(body)
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let body: Value = r.json().await.unwrap_or_default();
            // The roles lack the operation whatever the object: 403, even
            // where the caller may see the object.
            assert_eq!(
                (status, body["code"].as_str()),
                (403, Some("forbidden")),
                "{method} {path}: {body}"
            );
        }
    }
    // Nothing moved: the reception day is unrecorded, the item planned,
    // the round collecting, the station and need as they were.
    let rd = app
        .get(
            &format!("/api/v1/stations/{station}/reception-days/{day}"),
            None,
        )
        .await;
    assert!(rd.ok(200)["recorded_at"].is_null());
    let it = app
        .get(&format!("/api/v1/supervisions/{item}"), Some(&staff))
        .await;
    assert_eq!(it.ok(200)["stage"], "planned");
    assert_eq!(it.body["title"], "调研");
    let r = app
        .get(&format!("/api/v1/livelihood-rounds/{round}"), None)
        .await;
    assert_eq!(r.ok(200)["stage"], "collecting");
    let st = app.get(&format!("/api/v1/stations/{station}"), None).await;
    assert_eq!(st.ok(200)["name"], "联络站");
    let n = app
        .get(&format!("/api/v1/needs/{need}"), Some(&staff))
        .await;
    assert_eq!(n.ok(200)["status"], "open");
    let stations = app.get("/api/v1/stations?include_total=true", None).await;
    assert_eq!(stations.ok(200)["total"], 1);
}
