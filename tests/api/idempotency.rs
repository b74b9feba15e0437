use reqwest::Method;
use serde_json::json;

use crate::helpers::{Answer, spawn_app};

#[tokio::test]
async fn a_repeated_post_with_the_same_key_is_answered_once() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let send = |key: &'static str, name: &'static str| {
        app.request(Method::POST, "/api/v1/units", Some(&staff))
            .header("idempotency-key", key)
            .json(&json!({"name": name, "kind": "court"}))
            .send()
    };
    let first = Answer::read(send("k-1", "区人民法院").await.unwrap()).await;
    let again = Answer::read(send("k-1", "区人民法院").await.unwrap()).await;
    assert_eq!(first.ok(201)["id"], again.ok(201)["id"]);
    assert_eq!(first.header("location"), again.header("location"));
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    let list = app
        .get("/api/v1/units?include_total=true", Some(&staff))
        .await;
    assert_eq!(list.ok(200)["total"], 1, "the repeat created nothing");
    // The same key with another body is refused and changes nothing.
    let other = Answer::read(send("k-1", "区人民检察院").await.unwrap()).await;
    other.problem(422, "idempotency_key_reused");
    assert_eq!(
        app.get("/api/v1/units?include_total=true", Some(&staff))
            .await
            .body["total"],
        1
    );
    // Another key is another request.
    Answer::read(send("k-2", "区人民检察院").await.unwrap())
        .await
        .ok(201);
    // Refusals are replayed as well, and a bad key is a 400.
    let refused = Answer::read(send("k-3", "区人民法院").await.unwrap()).await;
    refused.problem(409, "unit_name_taken");
    let bad = Answer::read(
        app.request(Method::POST, "/api/v1/units", Some(&staff))
            .header("idempotency-key", "")
            .json(&json!({"name": "x", "kind": "court"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    bad.problem(400, "invalid_idempotency_key");
}

#[tokio::test]
async fn keys_belong_to_their_caller() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let staff = app
        .user_token(&admin, "staff1", &["staff"], json!({}))
        .await;
    let post = |token: String, name: &'static str| {
        app.request(Method::POST, "/api/v1/units", Some(&token))
            .header("idempotency-key", "shared-key")
            .json(&json!({"name": name, "kind": "court"}))
            .send()
    };
    Answer::read(post(admin.clone(), "甲").await.unwrap())
        .await
        .ok(201);
    let b = Answer::read(post(staff.clone(), "乙").await.unwrap()).await;
    assert_eq!(
        b.ok(201)["name"],
        "乙",
        "another caller's key does not collide"
    );
}

#[tokio::test]
async fn a_refused_request_is_not_replayed() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    app.post("/api/v1/auth/logout", Some(&staff), &json!({}))
        .await;
    let post = |token: String| {
        app.request(Method::POST, "/api/v1/units", Some(&token))
            .header("idempotency-key", "retry-after-login")
            .json(&json!({"name": "区文旅局", "kind": "government_department"}))
            .send()
    };
    Answer::read(post(staff.clone()).await.unwrap())
        .await
        .problem(401, "unauthenticated");
    let fresh = app.login("staff1", crate::helpers::PASSWORD).await;
    let a = Answer::read(post(fresh).await.unwrap()).await;
    a.ok(201);
    assert!(a.header("idempotent-replayed").is_none());
}

#[tokio::test]
async fn spacing_and_key_order_do_not_make_another_request() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let send = |body: &'static str| {
        app.request(Method::POST, "/api/v1/units", Some(&staff))
            .header("idempotency-key", "same")
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let a = Answer::read(send(r#"{"name":"区气象局","kind":"other"}"#).await.unwrap()).await;
    let b = Answer::read(
        send(r#"{ "kind": "other",  "name": "区气象局" }"#)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(a.ok(201)["id"], b.ok(201)["id"]);
}
