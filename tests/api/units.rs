use reqwest::Method;
use serde_json::json;

use crate::helpers::{Answer, spawn_app};

#[tokio::test]
async fn staff_create_and_everyone_signed_in_reads_units() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let staff = app
        .user_token(&admin, "staff1", &["staff"], json!({}))
        .await;
    let body = json!({
        "name": "宿城区教育局", "kind": "government_department",
        "contact_person": "王芳", "contact_phone": "0527-84351234", "email": "jyj@example.gov.cn"
    });
    let a = app.post("/api/v1/units", Some(&staff), &body).await;
    let unit = a.ok(201).clone();
    let id = unit["id"].as_str().unwrap();
    assert_eq!(
        a.header("location"),
        Some(format!("/api/v1/units/{id}").as_str())
    );
    assert_eq!(a.header("etag"), Some("\"1\""));
    assert_eq!(unit["name"], "宿城区教育局");
    assert_eq!(unit["contact_phone"], "0527-84351234");
    let v = uuid::Uuid::parse_str(id).unwrap();
    assert_eq!(v.get_version_num(), 7, "ids are UUIDv7");

    let leader = app
        .user_token(&admin, "leader1", &["leader"], json!({}))
        .await;
    let got = app.get(&format!("/api/v1/units/{id}"), Some(&leader)).await;
    assert_eq!(got.ok(200)["name"], "宿城区教育局");
    assert_eq!(got.header("etag"), Some("\"1\""));
    app.get(&format!("/api/v1/units/{id}"), None)
        .await
        .problem(401, "unauthenticated");
    app.get("/api/v1/units", None)
        .await
        .problem(401, "unauthenticated");
}

#[tokio::test]
async fn only_the_office_changes_units() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let unit = app.create_unit(&admin, "区卫健委").await;
    let id = unit["id"].as_str().unwrap();
    let d = app.create_deputy(&admin, json!({"name": "张伟"})).await;
    let deputy = app
        .user_token(
            &admin,
            "zhangwei",
            &["deputy"],
            json!({"deputy_id": d["id"]}),
        )
        .await;
    let leader = app
        .user_token(&admin, "leader1", &["leader"], json!({}))
        .await;
    let unit_user = app
        .user_token(&admin, "wjw", &["unit"], json!({"unit_id": id}))
        .await;
    for t in [&deputy, &leader, &unit_user] {
        app.post(
            "/api/v1/units",
            Some(t),
            &json!({"name": "x", "kind": "court"}),
        )
        .await
        .problem(403, "forbidden");
        app.patch(
            &format!("/api/v1/units/{id}"),
            Some(t),
            &json!({"name": "y"}),
        )
        .await
        .problem(403, "forbidden");
        app.delete(&format!("/api/v1/units/{id}"), Some(t))
            .await
            .problem(403, "forbidden");
    }
    app.post(
        "/api/v1/units",
        None,
        &json!({"name": "x", "kind": "court"}),
    )
    .await
    .problem(401, "unauthenticated");
    let still = app.get(&format!("/api/v1/units/{id}"), Some(&admin)).await;
    assert_eq!(still.ok(200)["name"], "区卫健委");
    let total = app
        .get("/api/v1/units?include_total=true", Some(&admin))
        .await;
    assert_eq!(total.ok(200)["total"], 1);
}

#[tokio::test]
async fn patch_honours_if_match_and_if_none_match() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let unit = app.create_unit(&staff, "区住建局").await;
    let path = format!("/api/v1/units/{}", unit["id"].as_str().unwrap());
    let a = Answer::read(
        app.request(Method::PATCH, &path, Some(&staff))
            .header("if-match", "\"1\"")
            .json(&json!({"contact_person": "李明", "address": "洪泽湖路 9 号"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(a.ok(200)["contact_person"], "李明");
    assert_eq!(a.header("etag"), Some("\"2\""));
    // A stale ETag changes nothing.
    let stale = Answer::read(
        app.request(Method::PATCH, &path, Some(&staff))
            .header("if-match", "\"1\"")
            .json(&json!({"contact_person": "赵六"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    stale.problem(412, "precondition_failed");
    let stale_delete = Answer::read(
        app.request(Method::DELETE, &path, Some(&staff))
            .header("if-match", "\"1\"")
            .send()
            .await
            .unwrap(),
    )
    .await;
    stale_delete.problem(412, "precondition_failed");
    // An If-Match that is not a list of ETags is refused as such, and a
    // weak or foreign tag never matches.
    for (value, status, code) in [
        ("", 400, "malformed_if_match"),
        ("2", 400, "malformed_if_match"),
        ("\"2", 400, "malformed_if_match"),
        ("\"2\" \"3\"", 400, "malformed_if_match"),
        ("W/\"2\"", 412, "precondition_failed"),
        ("\"abc\"", 412, "precondition_failed"),
    ] {
        let a = Answer::read(
            app.request(Method::PATCH, &path, Some(&staff))
                .header("if-match", value)
                .json(&json!({"contact_person": "赵六"}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(a.status.as_u16(), status, "If-Match {value:?}: {}", a.text);
        a.problem(status, code);
    }
    let now = app.get(&path, Some(&staff)).await;
    assert_eq!(now.ok(200)["contact_person"], "李明");
    // null clears an optional field.
    let cleared = app
        .patch(&path, Some(&staff), &json!({"address": null}))
        .await;
    assert!(cleared.ok(200)["address"].is_null());
    // A required field cannot be null.
    let bad = app.patch(&path, Some(&staff), &json!({"name": null})).await;
    bad.problem(422, "validation_failed");
    assert_eq!(bad.fields(), ["name"]);
    // If-None-Match with the current tag: 304, no body.
    let r = app
        .request(Method::GET, &path, Some(&staff))
        .header("if-none-match", "\"3\"")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);
    assert_eq!(r.headers()["etag"], "\"3\"");
    let r = app
        .request(Method::GET, &path, Some(&staff))
        .header("if-none-match", "\"2\"")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn bad_input_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let a = app
        .post(
            "/api/v1/units",
            Some(&staff),
            &json!({"name": "   ", "kind": "court", "email": "not-mail", "contact_phone": "12ab"}),
        )
        .await;
    a.problem(422, "validation_failed");
    let mut fields = a.fields();
    fields.sort();
    assert_eq!(fields, ["contact_phone", "email", "name"]);
    app.create_unit(&staff, "区人民法院").await;
    app.post(
        "/api/v1/units",
        Some(&staff),
        &json!({"name": "区人民法院", "kind": "court"}),
    )
    .await
    .problem(409, "unit_name_taken");
    let list = app
        .get("/api/v1/units?include_total=true", Some(&staff))
        .await;
    assert_eq!(list.ok(200)["total"], 1);
}

#[tokio::test]
async fn deleted_units_leave_tombstones_for_sync() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let a = app.create_unit(&staff, "区财政局").await;
    let b = app.create_unit(&staff, "区审计局").await;
    let since = chrono::Utc::now().to_rfc3339();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let a_id = a["id"].as_str().unwrap();
    let del = app
        .delete(&format!("/api/v1/units/{a_id}"), Some(&staff))
        .await;
    assert_eq!(del.status, 204);
    app.get(&format!("/api/v1/units/{a_id}"), Some(&staff))
        .await
        .problem(404, "not_found");
    app.delete(&format!("/api/v1/units/{a_id}"), Some(&staff))
        .await
        .problem(404, "not_found");
    let live = app.get("/api/v1/units", Some(&staff)).await;
    let items = live.ok(200)["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], b["id"]);
    let q = format!(
        "/api/v1/units?include_deleted=true&modified_since={}",
        urlencode(&since)
    );
    let sync = app.get(&q, Some(&staff)).await;
    let items = sync.ok(200)["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "only what changed since: {}", sync.text);
    assert_eq!(items[0]["id"], a["id"]);
    assert_eq!(items[0]["deleted"], true);
    assert!(items[0]["updated_at"].is_string());
    assert!(
        items[0].get("name").is_none(),
        "a tombstone carries no data"
    );
    // A deleted unit's name may be used again.
    app.create_unit(&staff, "区财政局").await;
}

#[tokio::test]
async fn chinese_keyword_search_and_kind_filter() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    app.create_unit(&staff, "宿城区教育局").await;
    app.create_unit(&staff, "宿城区卫生健康委员会").await;
    app.post(
        "/api/v1/units",
        Some(&staff),
        &json!({"name": "宿城区人民法院", "kind": "court"}),
    )
    .await
    .ok(201);
    let names = |a: &Answer| -> Vec<String> {
        a.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let a = app
        .get(
            &format!("/api/v1/units?q={}", urlencode("卫生")),
            Some(&staff),
        )
        .await;
    assert_eq!(names(&a), ["宿城区卫生健康委员会"]);
    let a = app
        .get(
            &format!("/api/v1/units?q={}", urlencode("宿城区")),
            Some(&staff),
        )
        .await;
    assert_eq!(names(&a).len(), 3);
    let a = app.get("/api/v1/units?kind=court", Some(&staff)).await;
    assert_eq!(names(&a), ["宿城区人民法院"]);
    let a = app
        .get(&format!("/api/v1/units?q={}", urlencode("%")), Some(&staff))
        .await;
    assert!(names(&a).is_empty(), "wildcards are matched literally");
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn the_same_unit_created_at_once_exists_once() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let mut calls = Vec::new();
    for _ in 0..8 {
        let (app, staff) = (&app, &staff);
        calls.push(async move {
            app.post(
                "/api/v1/units",
                Some(staff),
                &json!({"name": "区应急管理局", "kind": "government_department"}),
            )
            .await
        });
    }
    let answers = futures_util::future::join_all(calls).await;
    let created = answers.iter().filter(|a| a.status == 201).count();
    assert_eq!(created, 1);
    for a in answers.iter().filter(|a| a.status != 201) {
        a.problem(409, "unit_name_taken");
    }
    assert_eq!(
        app.get("/api/v1/units?include_total=true", Some(&staff))
            .await
            .body["total"],
        1
    );
}

#[tokio::test]
async fn a_unit_with_accounts_cannot_be_deleted() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let unit = app.create_unit(&admin, "区民政局").await;
    app.create_user(&admin, "mzj", &["unit"], json!({"unit_id": unit["id"]}))
        .await;
    let path = format!("/api/v1/units/{}", unit["id"].as_str().unwrap());
    app.delete(&path, Some(&admin))
        .await
        .problem(409, "unit_in_use");
    assert_eq!(
        app.get(&path, Some(&admin)).await.ok(200)["name"],
        "区民政局"
    );
}
