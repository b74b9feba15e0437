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
    // In words for people, naming the choices, never the library's text.
    let zh = a.body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(zh.starts_with("「palace」不是可选的取值；可选："), "{zh}");
    assert!(zh.contains("court"), "{zh}");
    let en = app
        .request(Method::POST, "/api/v1/units", Some(&admin))
        .header("accept-language", "en")
        .json(&json!({"name": "区法院", "kind": "palace"}))
        .send()
        .await
        .unwrap();
    let en = crate::helpers::Answer::read(en).await;
    let msg = en.body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        msg.starts_with("`palace` is not one of the choices: "),
        "{msg}"
    );
    assert!(!msg.contains("variant"), "{msg}");
    // A date that does not exist.
    let a = app
        .post(
            "/api/v1/deputies",
            Some(&admin),
            &json!({"name": "张伟", "birth_date": "1980-02-30"}),
        )
        .await;
    a.problem(422, "validation_failed");
    let zh = a.body["errors"][0]["message"].as_str().unwrap_or_default();
    assert_eq!(zh, "没有这一天或这一时刻（如 2 月 30 日）", "{}", a.text);
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

/// Text made only of invisible characters (a right-to-left override, a
/// zero-width space, a byte-order mark) is blank like spaces are: refused
/// with the field named, and nothing is created.
#[tokio::test]
async fn a_title_of_invisible_characters_is_blank() {
    const INVISIBLE: &str = "\u{202E}\u{200B}\u{FEFF}";
    let app = spawn_app().await;
    let staff = app.staff().await;
    let body = app.create_unit(&staff, "区市场监督管理局").await;
    let plan = |title: &str| {
        json!({
            "title": title, "year": 2026, "methods": ["research_visit"],
            "body_ids": [body["id"]], "committee": "财政经济委员会",
            "committee_member_ids": [], "deputy_ids": [], "laws": []
        })
    };
    let a = app
        .post("/api/v1/supervisions", Some(&staff), &plan(INVISIBLE))
        .await;
    a.problem(422, "validation_failed");
    assert_eq!(a.fields(), ["title"]);
    assert_eq!(a.body["errors"][0]["code"], "blank");
    let a = app
        .post(
            "/api/v1/supervisions",
            Some(&staff),
            &plan(" \u{3000}\u{2060}\u{00AD}\u{3164}\t"),
        )
        .await;
    assert_eq!(a.fields(), ["title"]);
    let listed = app
        .get("/api/v1/supervisions?include_total=true", Some(&staff))
        .await;
    assert_eq!(listed.ok(200)["total"], 0, "nothing was created");
    let a = app
        .post(
            "/api/v1/units",
            Some(&staff),
            &json!({"name": INVISIBLE, "kind": "court"}),
        )
        .await;
    a.problem(422, "validation_failed");
    assert_eq!(a.fields(), ["name"]);
    assert_eq!(a.body["errors"][0]["code"], "blank");
    let units = app
        .get("/api/v1/units?include_total=true", Some(&staff))
        .await;
    assert_eq!(units.ok(200)["total"], 1, "only the body of the plan");
    // Invisible characters around visible text do not make it blank; a
    // title is kept without them.
    let created = app
        .post(
            "/api/v1/supervisions",
            Some(&staff),
            &plan("\u{200B}预算执行情况调研\u{FEFF}"),
        )
        .await;
    assert_eq!(created.ok(201)["title"], "预算执行情况调研");
}

/// Free text keeps a paragraph's opening indentation (two ideographic
/// spaces) and loses the blank lines before it and the blanks after it;
/// limits count characters, not bytes; every refused text of a body is
/// named in one answer, beside the other refusals.
#[tokio::test]
async fn free_text_is_trimmed_counted_in_characters_and_refused_together() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let body = app.create_unit(&staff, "区市场监督管理局").await;
    let plan = |title: &str, committee: &str, description: &str| {
        json!({
            "title": title, "year": 2026, "methods": ["research_visit"],
            "body_ids": [body["id"]], "committee": committee,
            "description": description,
            "committee_member_ids": [], "deputy_ids": [], "laws": []
        })
    };
    let created = app
        .post(
            "/api/v1/supervisions",
            Some(&staff),
            &plan(
                "  预算执行情况调研 ",
                &"委".repeat(100),
                "\n\n\u{3000}\u{3000}听取和审议区政府关于预算执行情况的报告。\n\n",
            ),
        )
        .await;
    let v = created.ok(201);
    assert_eq!(v["title"], "预算执行情况调研");
    assert_eq!(
        v["committee"],
        "委".repeat(100),
        "100 characters, 300 bytes"
    );
    assert_eq!(
        v["description"],
        "\u{3000}\u{3000}听取和审议区政府关于预算执行情况的报告。"
    );
    let a = app
        .post(
            "/api/v1/supervisions",
            Some(&staff),
            &json!({
                "title": "\u{3000}", "year": 2026, "methods": ["research_visit"],
                "body_ids": [body["id"]], "committee": "委".repeat(101),
                "description": "说明", "committee_member_ids": [], "deputy_ids": [],
                "laws": ["", "食品安全法"], "year_extra": 1
            }),
        )
        .await;
    a.problem(422, "validation_failed");
    let codes: Vec<(String, String)> = a.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        codes.contains(&("title".into(), "blank".into())),
        "{codes:?}"
    );
    assert!(
        codes.contains(&("committee".into(), "length".into())),
        "{codes:?}"
    );
    assert!(
        codes.contains(&("laws[0]".into(), "blank".into())),
        "{codes:?}"
    );
    assert!(
        codes.contains(&("year_extra".into(), "unknown_field".into())),
        "{codes:?}"
    );
    let listed = app
        .get("/api/v1/supervisions?include_total=true", Some(&staff))
        .await;
    assert_eq!(listed.ok(200)["total"], 1, "the refused plan was not made");
}

/// A key twice in one object, at any depth, is refused before the body is
/// used: parsers disagree on which of the two counts.
#[tokio::test]
async fn a_key_twice_in_one_object_is_refused() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let raw = |path: &'static str, body: String| {
        app.request(Method::POST, path, Some(&staff))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let a = crate::helpers::Answer::read(
        raw(
            "/api/v1/units",
            r#"{"name": "区法院", "name": "区检察院", "kind": "court"}"#.into(),
        )
        .await
        .unwrap(),
    )
    .await;
    a.problem(422, "validation_failed");
    assert_eq!(a.fields(), ["name"]);
    assert_eq!(a.body["errors"][0]["code"], "duplicate_key");
    // The same name spelt with an escape is the same name.
    let a = crate::helpers::Answer::read(
        raw(
            "/api/v1/units",
            r#"{"name": "区法院", "kind": "court", "n\u0061me": "区检察院"}"#.into(),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(a.body["errors"][0]["code"], "duplicate_key");
    let units = app
        .get("/api/v1/units?include_total=true", Some(&staff))
        .await;
    assert_eq!(units.ok(200)["total"], 0, "nothing was created");

    // Deeper: in an object within an array, the path names it.
    let deputy = r#"{"name": "张伟", "memberships": [
        {"level": "county", "term": "第十八届"},
        {"level": "municipal", "term": "第八届", "term": "第九届"}
    ]}"#;
    let a =
        crate::helpers::Answer::read(raw("/api/v1/deputies", deputy.into()).await.unwrap()).await;
    a.problem(422, "validation_failed");
    assert_eq!(a.fields(), ["memberships[1].term"]);
    assert_eq!(a.body["errors"][0]["code"], "duplicate_key");
    let deputies = app
        .get("/api/v1/deputies?include_total=true", Some(&staff))
        .await;
    assert_eq!(deputies.ok(200)["total"], 0, "nothing was created");

    // The body of the finding: a title twice.
    let body = app.create_unit(&staff, "区市场监督管理局").await;
    let id = body["id"].as_str().unwrap();
    let nested = format!(
        r#"{{"title": "a", "title": "b", "year": 2026, "methods": ["research_visit"],
            "body_ids": ["{id}"], "committee": "财经委", "committee_member_ids": [],
            "deputy_ids": [], "laws": []}}"#
    );
    let a = crate::helpers::Answer::read(raw("/api/v1/supervisions", nested).await.unwrap()).await;
    a.problem(422, "validation_failed");
    assert_eq!(a.fields(), ["title"]);
    assert_eq!(a.body["errors"][0]["code"], "duplicate_key");
    let listed = app
        .get("/api/v1/supervisions?include_total=true", Some(&staff))
        .await;
    assert_eq!(listed.ok(200)["total"], 0, "nothing was created");
    // Malformed JSON is still a 400, even after a repeated key.
    crate::helpers::Answer::read(
        raw("/api/v1/units", r#"{"name": "a", "name": "b""#.into())
            .await
            .unwrap(),
    )
    .await
    .problem(400, "malformed_json");
}

/// The token endpoint reads its JSON body itself: a parameter it knows
/// given twice is refused there too (as in a form); repeats within members
/// it ignores, unread, do not matter.
#[tokio::test]
async fn a_token_request_names_each_parameter_once() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let created = app
        .post(
            "/api/v1/clients",
            Some(&admin),
            &json!({"name": "区政务 OA", "scopes": ["suggestions:read"]}),
        )
        .await;
    let client = created.ok(201)["client"]["client_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let secret = created.body["client_secret"].as_str().unwrap().to_owned();
    let token = |body: &'static str| {
        app.client
            .post(app.url("/api/v1/auth/token"))
            .basic_auth(&client, Some(&secret))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let twice = crate::helpers::Answer::read(
        token(r#"{"grant_type": "client_credentials", "scope": "suggestions:read", "scope": "webhooks:manage"}"#)
            .await
            .unwrap(),
    )
    .await;
    twice.problem(422, "validation_failed");
    assert_eq!(twice.body["error"], "invalid_request");
    assert_eq!(twice.fields(), ["scope"]);
    assert_eq!(twice.body["errors"][0]["code"], "duplicate_key");
    let unread = crate::helpers::Answer::read(
        token(r#"{"grant_type": "client_credentials", "x": {"y": 1, "y": 2}, "z": 1, "z": 2}"#)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(unread.status, 200, "{:?}", unread.body);
    assert!(unread.body["access_token"].is_string());
}

/// An optional note or description a form leaves empty means none, as it
/// did before the text types; a merge patch's blank clears it like `null`.
#[tokio::test]
async fn an_optional_text_left_blank_means_none() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let unit = app
        .post(
            "/api/v1/units",
            Some(&staff),
            &json!({"name": "区教育局", "kind": "government_department", "description": ""}),
        )
        .await;
    assert!(unit.ok(201)["description"].is_null());
    let path = format!("/api/v1/units/{}", unit.body["id"].as_str().unwrap());
    let set = app
        .patch(
            &path,
            Some(&staff),
            &json!({"description": "\n主管全区教育 \n"}),
        )
        .await;
    assert_eq!(set.ok(200)["description"], "主管全区教育");
    let cleared = app
        .patch(&path, Some(&staff), &json!({"description": "\u{3000}"}))
        .await;
    assert!(cleared.ok(200)["description"].is_null());
    // Too long is still too long.
    let long = app
        .patch(
            &path,
            Some(&staff),
            &json!({"description": "长".repeat(2001)}),
        )
        .await;
    long.problem(422, "validation_failed");
    assert_eq!(long.body["errors"][0]["code"], "length");
}

/// Every refused text of a body is named, each with its own code.
#[tokio::test]
async fn every_refused_text_of_a_body_is_named() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let body = app.create_unit(&staff, "区市场监督管理局").await;
    let laws: Vec<&str> = vec![" "; 20];
    let a = app
        .post(
            "/api/v1/supervisions",
            Some(&staff),
            &json!({
                "title": " ", "year": 2026, "methods": ["law_enforcement_inspection"],
                "body_ids": [body["id"]], "committee": " ", "description": "",
                "committee_member_ids": [], "deputy_ids": [], "laws": laws
            }),
        )
        .await;
    a.problem(422, "validation_failed");
    let errors = a.body["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 22, "{errors:?}");
    assert!(errors.iter().all(|e| e["code"] == "blank"), "{errors:?}");
    assert!(
        errors
            .iter()
            .all(|e| !e["message"].as_str().unwrap().contains("renda-text")),
        "{errors:?}"
    );
}
