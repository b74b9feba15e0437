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
