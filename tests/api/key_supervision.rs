//! The key-supervision list through the real HTTP stack: the council's
//! list, one a year, items led by leaders who record on them, the
//! progress, and the refusals.

use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, spawn_app};

struct Council {
    app: TestApp,
    staff: String,
    leaders: Vec<(String, String)>,
    clerk: String,
    deputy: String,
    /// Assigned (yellow), registered, and only submitted.
    suggestions: Vec<String>,
    year: i32,
}

async fn council() -> Council {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let staff = app.staff().await;
    let mut leaders = Vec::new();
    for name in ["leader1", "leader2"] {
        let id = app.create_user(&admin, name, &["leader"], json!({})).await;
        leaders.push((id, app.login(name, PASSWORD).await));
    }
    let unit = app.create_unit(&staff, "区民政局").await;
    let clerk = app
        .user_token(&admin, "clerk", &["unit"], json!({"unit_id": unit["id"]}))
        .await;
    let d = app.create_deputy(&staff, json!({"name": "张伟"})).await;
    let deputy = app
        .user_token(&admin, "deputy", &["deputy"], json!({"deputy_id": d["id"]}))
        .await;
    let mut suggestions = Vec::new();
    for (k, title) in [
        "关于增设助餐点的建议",
        "关于改造老旧小区的建议",
        "关于整治背街小巷的建议",
    ]
    .iter()
    .enumerate()
    {
        let a = app
            .post(
                "/api/v1/suggestions",
                Some(&deputy),
                &json!({"title": title, "content": "内容。", "category": "社会保障",
                        "term": "第十八届", "timing": "between_sessions"}),
            )
            .await;
        let id = a.ok(201)["id"].as_str().unwrap().to_owned();
        let op = |op: &str| format!("/api/v1/suggestions/{id}/{op}");
        app.post(&op("submit"), Some(&deputy), &json!({}))
            .await
            .ok(200);
        if k < 2 {
            app.post(&op("register"), Some(&staff), &json!({}))
                .await
                .ok(200);
        }
        if k == 0 {
            app.post(
                &op("assign"),
                Some(&staff),
                &json!({"lead_unit_id": unit["id"], "color": "yellow"}),
            )
            .await
            .ok(200);
        }
        suggestions.push(id);
    }
    let year = chrono::Datelike::year(&chrono::Utc::now().date_naive());
    Council {
        app,
        staff,
        leaders,
        clerk,
        deputy,
        suggestions,
        year,
    }
}

impl Council {
    fn list(&self, items: Value) -> Value {
        let today = chrono::Utc::now().date_naive().to_string();
        json!({"year": self.year, "title": "年度重点督办代表建议", "decided_on": today,
               "document_number": "宿城人常主〔2026〕2号", "items": items})
    }
}

#[tokio::test]
async fn the_council_lists_key_suggestions_and_leaders_record_on_them() {
    let c = council().await;
    let (l1, l2) = (&c.leaders[0], &c.leaders[1]);
    let body = c.list(json!([
        {"suggestion_id": c.suggestions[0], "leader_ids": [l1.0]},
        {"suggestion_id": c.suggestions[1], "leader_ids": [l1.0, l2.0]},
    ]));
    let made = c
        .app
        .post("/api/v1/key-supervision-lists", Some(&c.staff), &body)
        .await;
    let l = made.ok(201).clone();
    let id = l["id"].as_str().unwrap().to_owned();
    assert_eq!(l["item_count"], 2);
    assert_eq!(
        l["progress"]["by_status"],
        json!({"assigned": 1, "registered": 1})
    );
    assert_eq!(
        l["items"][0]["color"], "yellow",
        "the list leaves the colour as it is"
    );
    c.app
        .post("/api/v1/key-supervision-lists", Some(&c.staff), &body)
        .await
        .problem(409, "key_list_exists");

    let item = l["items"][0]["id"].as_str().unwrap().to_owned();
    let records = format!("/api/v1/key-supervision-lists/{id}/items/{item}/records");
    let visit =
        json!({"kind": "visit", "occurred_on": "2026-04-12", "content": "实地察看助餐点选址。"});
    let r = c.app.post(&records, Some(&l1.1), &visit).await;
    assert_eq!(r.ok(201)["recorded_by"], l1.0.as_str());
    let at = r.header("location").unwrap().to_owned();
    assert_eq!(at, format!("{records}/{}", r.body["id"].as_str().unwrap()));
    assert_eq!(
        c.app.get(&at, Some(&c.staff)).await.ok(200)["kind"],
        "visit"
    );
    // Only the item's own leaders record; not ahead of time.
    c.app
        .post(&records, Some(&l2.1), &visit)
        .await
        .problem(403, "forbidden");
    c.app
        .post(&records, Some(&c.staff), &visit)
        .await
        .problem(403, "forbidden");
    let ahead = json!({"kind": "instruction", "occurred_on": "2999-01-01", "content": "批示。"});
    let refused = c.app.post(&records, Some(&l1.1), &ahead).await;
    refused.problem(422, "validation_failed");
    assert_eq!(refused.fields(), ["occurred_on"]);

    let read = c
        .app
        .get(&format!("/api/v1/key-supervision-lists/{id}"), Some(&l2.1))
        .await;
    let read = read.ok(200);
    assert_eq!(
        (
            read["items"][0]["records"].as_u64(),
            read["items"][0]["last_record_on"].as_str()
        ),
        (Some(1), Some("2026-04-12"))
    );
    assert_eq!(read["progress"]["with_records"], 1);
    let listed = c.app.get(&records, Some(&c.staff)).await;
    assert_eq!(
        listed.ok(200)["items"][0]["content"],
        "实地察看助餐点选址。"
    );
    let steps = c
        .app
        .get(
            &format!("/api/v1/suggestions/{}/timeline", c.suggestions[0]),
            Some(&c.staff),
        )
        .await;
    let actions: Vec<&str> = steps.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.ends_with(&["listed_for_key_supervision", "key_supervision_recorded"]),
        "{actions:?}"
    );
    let all = c
        .app
        .get(
            "/api/v1/key-supervision-lists?include_total=true",
            Some(&c.staff),
        )
        .await;
    assert_eq!(
        (
            all.ok(200)["total"].as_u64(),
            all.body["items"][0]["item_count"].as_u64()
        ),
        (Some(1), Some(2))
    );
}

#[tokio::test]
async fn a_refused_list_names_each_item_and_records_nothing() {
    let c = council().await;
    let (l1, _) = (&c.leaders[0], &c.leaders[1]);
    let staff_id = c.app.get("/api/v1/me", Some(&c.staff)).await.ok(200)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let bad = c.list(json!([
        {"suggestion_id": c.suggestions[2], "leader_ids": [l1.0]},
        {"suggestion_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4fff", "leader_ids": [l1.0]},
        {"suggestion_id": c.suggestions[0], "leader_ids": [staff_id]},
        {"suggestion_id": c.suggestions[0], "leader_ids": [l1.0]},
    ]));
    let refused = c
        .app
        .post("/api/v1/key-supervision-lists", Some(&c.staff), &bad)
        .await;
    refused.problem(422, "validation_failed");
    assert_eq!(
        refused.fields(),
        [
            "items[0].suggestion_id",
            "items[1].suggestion_id",
            "items[2].leader_ids[0]",
            "items[3].suggestion_id"
        ]
    );
    let mut future = c.list(json!([{"suggestion_id": c.suggestions[0], "leader_ids": [l1.0]}]));
    future["decided_on"] = json!("2999-01-01");
    future["year"] = json!(2999);
    let f = c
        .app
        .post("/api/v1/key-supervision-lists", Some(&c.staff), &future)
        .await;
    f.problem(422, "validation_failed");
    assert_eq!(f.fields(), ["decided_on"]);
    let good = c.list(json!([{"suggestion_id": c.suggestions[0], "leader_ids": [l1.0]}]));
    for who in [&c.deputy, &c.clerk, &l1.1] {
        c.app
            .post("/api/v1/key-supervision-lists", Some(who), &good)
            .await
            .problem(403, "forbidden");
    }
    for who in [&c.deputy, &c.clerk] {
        c.app
            .get("/api/v1/key-supervision-lists", Some(who))
            .await
            .problem(403, "forbidden");
    }
    let none = c
        .app
        .get(
            "/api/v1/key-supervision-lists?include_total=true",
            Some(&c.staff),
        )
        .await;
    assert_eq!(none.ok(200)["total"], 0, "nothing was recorded");
    let steps = c
        .app
        .get(
            &format!("/api/v1/suggestions/{}/timeline", c.suggestions[0]),
            Some(&c.staff),
        )
        .await;
    assert!(
        !steps.text.contains("listed_for_key_supervision"),
        "the refused list left no step"
    );
}

/// The suggestions waiting for the leader's instruction on a key list.
async fn to_instruct(c: &Council, token: &str) -> Vec<String> {
    let items = c.app.my_tasks(token, "instruct_key_suggestion").await;
    crate::helpers::subject_ids(&items, "suggestion")
}

#[tokio::test]
async fn a_key_suggestion_waits_for_each_of_its_leaders_until_they_instruct() {
    let c = council().await;
    let (l1, l2) = (&c.leaders[0], &c.leaders[1]);
    assert!(to_instruct(&c, &l1.1).await.is_empty(), "no list yet");
    let body = c.list(json!([
        {"suggestion_id": c.suggestions[0], "leader_ids": [l1.0]},
        {"suggestion_id": c.suggestions[1], "leader_ids": [l1.0, l2.0]},
    ]));
    c.app
        .post("/api/v1/key-supervision-lists", Some(&c.staff), &body)
        .await
        .ok(201);
    let mut both = to_instruct(&c, &l1.1).await;
    both.sort();
    let mut want = vec![c.suggestions[0].clone(), c.suggestions[1].clone()];
    want.sort();
    assert_eq!(both, want);
    assert_eq!(to_instruct(&c, &l2.1).await, [c.suggestions[1].as_str()]);
    // The first leader's instruction ends their task, not the other's.
    let path = format!("/api/v1/suggestions/{}/instructions", c.suggestions[1]);
    c.app
        .post(&path, Some(&l1.1), &json!({"content": "请抓紧办理。"}))
        .await
        .ok(201);
    assert_eq!(to_instruct(&c, &l1.1).await, [c.suggestions[0].as_str()]);
    assert_eq!(to_instruct(&c, &l2.1).await, [c.suggestions[1].as_str()]);
    // Neither the office nor the unit holds a leader's task.
    for token in [&c.staff, &c.clerk] {
        let t = c.app.get("/api/v1/me/tasks", Some(token)).await;
        let counts = t.ok(200)["counts"].as_array().unwrap().clone();
        assert!(
            counts
                .iter()
                .all(|k| k["kind"] != "instruct_key_suggestion")
        );
    }
}
