use reqwest::Method;
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn malformed_json_is_a_400_problem() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let r = app
        .request(Method::POST, "/api/v1/units", Some(&admin))
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    crate::helpers::Answer::read(r)
        .await
        .problem(400, "malformed_json");
}

#[tokio::test]
async fn wrong_content_type_is_a_415_problem() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let r = app
        .request(Method::POST, "/api/v1/units", Some(&admin))
        .header("content-type", "text/plain")
        .body("name=x")
        .send()
        .await
        .unwrap();
    crate::helpers::Answer::read(r)
        .await
        .problem(415, "unsupported_media_type");
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_a_413_problem() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let big = json!({"name": "x".repeat(1024 * 1024 + 10), "kind": "court"});
    app.post("/api/v1/units", Some(&admin), &big)
        .await
        .problem(413, "payload_too_large");
    let list = app
        .get("/api/v1/units?include_total=true", Some(&admin))
        .await;
    assert_eq!(list.ok(200)["total"], 0, "nothing was created");
}

#[tokio::test]
async fn unknown_and_missing_fields_are_named() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let a = app
        .post(
            "/api/v1/units",
            Some(&admin),
            &json!({"name": "区法院", "kind": "court", "colour": "red"}),
        )
        .await;
    a.problem(422, "validation_failed");
    assert_eq!(a.fields(), ["colour"]);
    assert_eq!(a.body["errors"][0]["code"], "unknown_field");
    let a = app
        .post("/api/v1/units", Some(&admin), &json!({"kind": "court"}))
        .await;
    assert_eq!(a.fields(), ["name"]);
    let a = app
        .post(
            "/api/v1/units",
            Some(&admin),
            &json!({"name": "区法院", "kind": "palace"}),
        )
        .await;
    a.problem(422, "validation_failed");
    assert_eq!(a.fields(), ["kind"]);
}

#[tokio::test]
async fn unknown_routes_and_bad_ids_are_404_problems() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.get("/api/v1/no-such-thing", None)
        .await
        .problem(404, "not_found");
    app.get("/api/v1/units/not-a-uuid", Some(&admin))
        .await
        .problem(404, "not_found");
    app.get(
        &format!("/api/v1/units/{}", uuid::Uuid::now_v7()),
        Some(&admin),
    )
    .await
    .problem(404, "not_found");
}

#[tokio::test]
async fn a_wrong_method_is_a_405_with_allow() {
    let app = spawn_app().await;
    let a = crate::helpers::Answer::read(
        app.request(Method::PUT, "/api/v1/units", None)
            .send()
            .await
            .unwrap(),
    )
    .await;
    a.problem(405, "method_not_allowed");
    assert_eq!(a.header("allow"), Some("GET, HEAD, POST"));
    let id = uuid::Uuid::now_v7();
    let a = crate::helpers::Answer::read(
        app.request(Method::POST, &format!("/api/v1/deputies/{id}"), None)
            .send()
            .await
            .unwrap(),
    )
    .await;
    a.problem(405, "method_not_allowed");
    assert_eq!(a.header("allow"), Some("GET, HEAD, DELETE, PATCH"));
}

#[tokio::test]
async fn problems_speak_english_when_asked() {
    let app = spawn_app().await;
    let zh = app.get("/api/v1/units", None).await;
    zh.problem(401, "unauthenticated");
    assert_eq!(zh.body["title"], "未认证");
    let r = app
        .client
        .get(app.url("/api/v1/units"))
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap();
    let en = crate::helpers::Answer::read(r).await;
    en.problem(401, "unauthenticated");
    assert_eq!(en.body["title"], "Not authenticated");
    assert_eq!(en.header("www-authenticate"), Some("Bearer"));
    // Field messages follow the language too.
    let admin = app.admin().await;
    let r = app
        .request(Method::POST, "/api/v1/units", Some(&admin))
        .header("accept-language", "en")
        .json(&json!({"name": "", "kind": "court"}))
        .send()
        .await
        .unwrap();
    let a = crate::helpers::Answer::read(r).await;
    a.problem(422, "validation_failed");
    assert!(
        a.body["errors"][0]["message"].as_str().unwrap().is_ascii(),
        "{}",
        a.text
    );
}

#[tokio::test]
async fn list_parameters_are_checked() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let a = app.get("/api/v1/units?limit=101", Some(&admin)).await;
    a.problem(422, "validation_failed");
    assert_eq!(a.fields(), ["limit"]);
    let a = app.get("/api/v1/units?limit=abc", Some(&admin)).await;
    a.problem(422, "validation_failed");
    assert_eq!(a.fields(), ["limit"]);
    let a = app.get("/api/v1/units?cursor=garbage", Some(&admin)).await;
    assert_eq!(a.fields(), ["cursor"]);
    let a = app.get("/api/v1/units?kind=palace", Some(&admin)).await;
    assert_eq!(a.fields(), ["kind"]);
    let a = app
        .get("/api/v1/units?modified_since=yesterday", Some(&admin))
        .await;
    assert_eq!(a.fields(), ["modified_since"]);
    assert_eq!(
        app.get("/api/v1/units?limit=100", Some(&admin))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn no_error_leaks_internals() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    for a in [
        app.get("/api/v1/units?cursor=%00%01", Some(&admin)).await,
        app.post(
            "/api/v1/deputies",
            Some(&admin),
            &json!({"name": "'; DROP TABLE deputies; --", "birth_date": "1990-02-30"}),
        )
        .await,
    ] {
        let t = a.text.to_lowercase();
        for leak in [
            "sqlx", "sqlite", "postgres", "select ", "panicked", "/src/", ".rs:",
        ] {
            assert!(!t.contains(leak), "{leak} in {}", a.text);
        }
    }
}

#[tokio::test]
async fn nul_characters_are_refused_not_stored() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let a = app.get("/api/v1/deputies?q=%00", None).await;
    a.problem(422, "validation_failed");
    assert_eq!(a.fields(), ["q"]);
    // A NUL in a parameter's name is named by its escape, never echoed.
    let a = app.get("/api/v1/deputies?a%00b=1", None).await;
    a.problem(422, "validation_failed");
    assert_eq!(a.fields(), ["a\\u0000b"]);
    let a = app
        .post(
            "/api/v1/units",
            Some(&admin),
            &json!({"name": "a\u{0}b", "kind": "court"}),
        )
        .await;
    a.problem(422, "validation_failed");
    assert_eq!(a.fields(), ["name"]);
    let a = app
        .post(
            "/api/v1/deputies",
            Some(&admin),
            &json!({"name": "张伟", "memberships": [{"level": "county", "term": "第\u{0}届"}]}),
        )
        .await;
    assert_eq!(a.fields(), ["memberships[0].term"]);
}

#[tokio::test]
async fn only_a_single_json_object_is_a_body() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    for body in [
        r#"["数组单位", "court"]"#,
        r#"{"name": "区法院", "kind": "court"} trailing"#,
        "42",
        "null",
    ] {
        let r = app
            .request(Method::POST, "/api/v1/units", Some(&admin))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        crate::helpers::Answer::read(r)
            .await
            .problem(400, "malformed_json");
    }
    let list = app
        .get("/api/v1/units?include_total=true", Some(&admin))
        .await;
    assert_eq!(list.ok(200)["total"], 0);
}

#[tokio::test]
async fn anonymous_callers_learn_only_that_they_must_sign_in() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let d = app.create_deputy(&admin, json!({"name": "张伟"})).await;
    // Invalid bodies and parameters do not get a 422 before the 401.
    app.post("/api/v1/units", None, &json!({}))
        .await
        .problem(401, "unauthenticated");
    app.patch(
        &format!("/api/v1/deputies/{}", d["id"].as_str().unwrap()),
        None,
        &json!({"work_unit": ""}),
    )
    .await
    .problem(401, "unauthenticated");
    app.get("/api/v1/units?limit=1000", None)
        .await
        .problem(401, "unauthenticated");
    // Public operations still validate.
    app.get("/api/v1/deputies?limit=1000", None)
        .await
        .problem(422, "validation_failed");
}

#[tokio::test]
async fn head_is_get_without_a_body() {
    let app = spawn_app().await;
    let r = app
        .request(Method::HEAD, "/api/v1/deputies", None)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    assert!(r.bytes().await.unwrap().is_empty());
    let r = app
        .request(Method::HEAD, "/api/v1/units", None)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let a = crate::helpers::Answer::read(
        app.request(Method::PUT, "/api/v1/deputies", None)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(a.header("allow"), Some("GET, HEAD, POST"));
}

#[tokio::test]
async fn a_literal_path_with_another_method_is_a_405_not_a_bad_id() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let a = crate::helpers::Answer::read(
        app.request(Method::PATCH, "/api/v1/suggestions/stats", Some(&admin))
            .send()
            .await
            .unwrap(),
    )
    .await;
    a.problem(405, "method_not_allowed");
    assert_eq!(a.header("allow"), Some("GET, HEAD"));
    // An export's name is not a record id: only the export's methods.
    for path in [
        "/api/v1/deputies/export.csv",
        "/api/v1/suggestions/export.xlsx",
    ] {
        let a = crate::helpers::Answer::read(
            app.request(Method::PATCH, path, Some(&admin))
                .send()
                .await
                .unwrap(),
        )
        .await;
        a.problem(405, "method_not_allowed");
        assert_eq!(a.header("allow"), Some("GET, HEAD"), "{path}");
    }
    app.patch("/api/v1/suggestions/not-an-id", Some(&admin), &json!({}))
        .await
        .problem(404, "not_found");
}

/// No error, however provoked, tells a caller about the inside: no
/// source path, no SQL, no library name or stack trace.
#[tokio::test]
async fn errors_reveal_nothing_of_the_inside() {
    let app = crate::helpers::spawn_app().await;
    let admin = app.admin().await;
    let huge = "x".repeat(2 * 1024 * 1024);
    let probes: Vec<(reqwest::Method, String, Option<String>, Option<String>)> = vec![
        (
            reqwest::Method::POST,
            "/api/v1/units".into(),
            Some(admin.clone()),
            Some("{\"name\": ".into()),
        ),
        (
            reqwest::Method::POST,
            "/api/v1/units".into(),
            Some(admin.clone()),
            Some("[1,2]".into()),
        ),
        (
            reqwest::Method::POST,
            "/api/v1/units".into(),
            Some(admin.clone()),
            Some("{\"name\": \"a\u{0}b\", \"kind\": \"court\"}".into()),
        ),
        (
            reqwest::Method::POST,
            "/api/v1/units".into(),
            Some(admin.clone()),
            Some(format!("{{\"name\": \"{huge}\"}}")),
        ),
        (
            reqwest::Method::POST,
            "/api/v1/units".into(),
            Some(admin.clone()),
            Some("{\"name\": \"x\", \"kind\": \"' OR 1=1 --\"}".into()),
        ),
        (
            reqwest::Method::GET,
            "/api/v1/units?limit=abc".into(),
            Some(admin.clone()),
            None,
        ),
        (
            reqwest::Method::GET,
            "/api/v1/units?cursor=%27%3B%20DROP%20TABLE%20units".into(),
            Some(admin.clone()),
            None,
        ),
        (
            reqwest::Method::GET,
            "/api/v1/units?modified_since=%2B99999-01-01T00:00:00Z".into(),
            Some(admin.clone()),
            None,
        ),
        (
            reqwest::Method::GET,
            "/api/v1/units/..%2F..%2Fetc%2Fpasswd".into(),
            Some(admin.clone()),
            None,
        ),
        (
            reqwest::Method::GET,
            "/api/v1/units".into(),
            Some("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.".into()),
            None,
        ),
        (
            reqwest::Method::DELETE,
            "/api/v1/healthz".into(),
            None,
            None,
        ),
        (
            reqwest::Method::PATCH,
            "/api/v1/deputies/00000000-0000-0000-0000-000000000000".into(),
            Some(admin.clone()),
            Some("{\"birth_date\": \"2026-13-45\"}".into()),
        ),
    ];
    for (method, path, token, body) in probes {
        let mut r = app.request(method.clone(), &path, token.as_deref());
        if let Some(b) = body {
            r = r.header("content-type", "application/json").body(b);
        }
        let res = r.send().await.unwrap();
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        assert!(
            (400..500).contains(&status),
            "{method} {path}: {status} {text}"
        );
        for leak in [
            ".rs",
            "src/",
            "sqlx",
            "sea_orm",
            "SELECT",
            "INSERT",
            "panicked",
            "backtrace",
            "serde",
            "actix",
        ] {
            assert!(
                !text.contains(leak),
                "{method} {path} reveals `{leak}`: {text}"
            );
        }
    }
}
