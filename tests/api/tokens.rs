//! Access tokens that must be refused.

use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};

use crate::helpers::{JWT_SECRET, spawn_app};

fn sign(alg: Algorithm, claims: &Value, secret: &str) -> String {
    encode(
        &Header::new(alg),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

#[tokio::test]
async fn forged_expired_and_incomplete_tokens_are_refused() {
    let app = spawn_app().await;
    let token = app.admin().await;
    // The genuine token works, and carries a session id.
    app.get("/api/v1/me", Some(&token)).await.ok(200);
    let parts: Vec<&str> = token.split('.').collect();
    use base64::Engine;
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(parts[1])
            .unwrap(),
    )
    .unwrap();
    let now = chrono::Utc::now().timestamp();
    let with = |k: &str, v: Value| {
        let mut c = claims.clone();
        c[k] = v;
        c
    };
    let without = |k: &str| {
        let mut c = claims.clone();
        c.as_object_mut().unwrap().remove(k);
        c
    };
    let none_alg = format!(
        "{}.{}.",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
        parts[1]
    );
    let cases: Vec<(&str, String)> = vec![
        ("alg none", none_alg),
        (
            "another algorithm",
            sign(Algorithm::HS512, &claims, JWT_SECRET),
        ),
        (
            "bad signature",
            format!("{}.{}.{}", parts[0], parts[1], "AAAA".repeat(11)),
        ),
        (
            "another key",
            sign(
                Algorithm::HS256,
                &claims,
                "another-secret-another-secret-another",
            ),
        ),
        (
            "expired",
            sign(
                Algorithm::HS256,
                &with("exp", json!(now - 3600)),
                JWT_SECRET,
            ),
        ),
        (
            "other issuer",
            sign(
                Algorithm::HS256,
                &with("iss", json!("elsewhere")),
                JWT_SECRET,
            ),
        ),
        (
            "other audience",
            sign(
                Algorithm::HS256,
                &with("aud", json!("elsewhere")),
                JWT_SECRET,
            ),
        ),
        (
            "no exp",
            sign(Algorithm::HS256, &without("exp"), JWT_SECRET),
        ),
        (
            "no iat",
            sign(Algorithm::HS256, &without("iat"), JWT_SECRET),
        ),
        (
            "no iss",
            sign(Algorithm::HS256, &without("iss"), JWT_SECRET),
        ),
        (
            "no aud",
            sign(Algorithm::HS256, &without("aud"), JWT_SECRET),
        ),
        (
            "no sub",
            sign(Algorithm::HS256, &without("sub"), JWT_SECRET),
        ),
        (
            "unknown user",
            sign(
                Algorithm::HS256,
                &with("sub", json!(uuid::Uuid::now_v7().to_string())),
                JWT_SECRET,
            ),
        ),
        (
            "unknown session",
            sign(
                Algorithm::HS256,
                &with("sid", json!(uuid::Uuid::now_v7().to_string())),
                JWT_SECRET,
            ),
        ),
        ("garbage", "not.a.token".into()),
    ];
    for (what, t) in cases {
        let a = app.get("/api/v1/me", Some(&t)).await;
        assert_eq!(a.status, 401, "{what}: {}", a.text);
        assert_eq!(a.body["code"], "unauthenticated", "{what}");
    }
    // A malformed Authorization header is refused, not treated as anonymous.
    let r = app
        .client
        .get(app.url("/api/v1/deputies"))
        .header("authorization", "Basic YWRtaW46eA==")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}
