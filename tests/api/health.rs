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
