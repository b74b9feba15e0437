use crate::helpers::spawn_app;

#[tokio::test]
async fn healthz_answers_with_security_headers_and_a_request_id() {
    let app = spawn_app().await;
    let a = app.get("/healthz", None).await;
    assert_eq!(a.ok(200)["status"], "ok");
    assert_eq!(a.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(a.header("x-frame-options"), Some("DENY"));
    assert_eq!(a.header("cache-control"), Some("no-store"));
    let id = a.header("x-request-id").unwrap();
    assert!(
        uuid::Uuid::parse_str(id).is_ok(),
        "a generated request id is a UUID: {id}"
    );
}

#[tokio::test]
async fn a_client_request_id_is_echoed_and_a_hostile_one_replaced() {
    let app = spawn_app().await;
    let r = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "oa-sync-4711")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "oa-sync-4711");
    let r = app
        .client
        .get(app.url("/api/v1/units"))
        .header("x-request-id", "bad id\twith spaces")
        .send()
        .await
        .unwrap();
    let echoed = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_ne!(echoed, "bad id\twith spaces");
    assert!(uuid::Uuid::parse_str(&echoed).is_ok());
}

#[tokio::test]
async fn readyz_follows_the_database() {
    let app = spawn_app().await;
    assert_eq!(app.get("/readyz", None).await.ok(200)["status"], "ready");
    if let Some(schema) = app.pg_schema().await {
        // The database drops every connection of this server: the pool
        // reconnects by itself.
        app.sql(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '{schema}' AND pid <> pg_backend_pid()"
        ))
        .await;
        let mut ready = false;
        for _ in 0..20 {
            if app.get("/readyz", None).await.status == 200 {
                ready = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
        assert!(ready, "readyz recovers without a restart");
    }
    // Without a database, readiness fails while liveness holds.
    app.store.clone().close().await.unwrap();
    app.get("/readyz", None)
        .await
        .problem(503, "service_unavailable");
    assert_eq!(app.get("/healthz", None).await.status, 200);
    // API calls answer 503 rather than hanging or failing with 500.
    app.get("/api/v1/deputies", None)
        .await
        .problem(503, "service_unavailable");
}

/// Browser frontends from configured origins may call the API; others get
/// no CORS permission, and without configuration nothing changes.
#[tokio::test]
async fn cors_allows_only_the_configured_origins() {
    let app = crate::helpers::spawn_app_with(|s| {
        s.with_cors_origins(vec!["https://oa.example.gov.cn".into()])
    })
    .await;
    let preflight = |origin: &'static str| {
        app.request(reqwest::Method::OPTIONS, "/api/v1/suggestions", None)
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "authorization, content-type, idempotency-key",
            )
            .send()
    };
    let ok = preflight("https://oa.example.gov.cn").await.unwrap();
    assert!(ok.status().is_success(), "{}", ok.status());
    assert_eq!(
        ok.headers()
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok()),
        Some("https://oa.example.gov.cn")
    );
    let other = preflight("https://evil.example.com").await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
    // An actual request exposes the headers a frontend reads.
    let get = app
        .request(reqwest::Method::GET, "/api/v1/deputies", None)
        .header("Origin", "https://oa.example.gov.cn")
        .send()
        .await
        .unwrap();
    assert_eq!(get.status().as_u16(), 200);
    let exposed = get
        .headers()
        .get("access-control-expose-headers")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    for name in [
        "etag",
        "location",
        "retry-after",
        "content-disposition",
        "x-request-id",
        "idempotent-replayed",
        "ratelimit-remaining",
        "ratelimit-reset",
    ] {
        assert!(exposed.contains(name), "{name} is not exposed: {exposed}");
    }

    // Without origins, same-origin use (Swagger UI posting with an Origin
    // header) is untouched and no CORS header is sent.
    let plain = crate::helpers::spawn_app().await;
    let a = plain
        .request(reqwest::Method::POST, "/api/v1/auth/login", None)
        .header("Origin", &plain.base)
        .json(&serde_json::json!({"username": "admin", "password": crate::helpers::ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(a.status().as_u16(), 200);
    assert!(a.headers().get("access-control-allow-origin").is_none());
}
