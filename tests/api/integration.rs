//! Integration with other systems: service clients with the client
//! credentials grant and scopes, and signed webhook deliveries from the
//! outbox, through restarts, receiver outages and two dispatchers.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU16, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use renda::dispatch::{DispatcherConfig, spawn_dispatcher};
use renda_domain::integration::Network;
use serde_json::{Value, json};

use crate::helpers::{Answer, TestApp, spawn_app, spawn_app_with};

/// The office, two units with their operators, a deputy.
struct Cast {
    admin: String,
    staff: String,
    units: Vec<String>,
    unit_tokens: Vec<String>,
    deputy: String,
}

async fn cast(app: &TestApp) -> Cast {
    let admin = app.admin().await;
    let staff = app
        .user_token(&admin, "office", &["staff"], json!({}))
        .await;
    let mut units = Vec::new();
    let mut unit_tokens = Vec::new();
    for (i, name) in ["区民政局", "区住建局"].iter().enumerate() {
        let id = app.create_unit(&staff, name).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        unit_tokens.push(
            app.user_token(
                &admin,
                &format!("unit{i}"),
                &["unit"],
                json!({"unit_id": id}),
            )
            .await,
        );
        units.push(id);
    }
    let d = app.create_deputy(&staff, json!({"name": "张伟"})).await;
    let deputy = app
        .user_token(
            &admin,
            "deputy0",
            &["deputy"],
            json!({"deputy_id": d["id"]}),
        )
        .await;
    Cast {
        admin,
        staff,
        units,
        unit_tokens,
        deputy,
    }
}

/// A POST to the instance at `base`.
async fn post_at(app: &TestApp, base: &str, path: &str, token: &str, body: &Value) -> Answer {
    Answer::read(
        app.client
            .post(format!("{base}{path}"))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

impl Cast {
    /// A suggestion assigned to `unit` (green).
    async fn assigned(&self, app: &TestApp, unit: usize, title: &str) -> String {
        self.assigned_at(app, &app.base, unit, title).await
    }

    /// The same, through the instance at `base`.
    async fn assigned_at(&self, app: &TestApp, base: &str, unit: usize, title: &str) -> String {
        let a = post_at(
            app,
            base,
            "/api/v1/suggestions",
            &self.deputy,
            &json!({"title": title, "content": "建议内容", "category": "社会保障",
                    "term": "第十八届", "session": "第五次会议", "timing": "during_session"}),
        )
        .await;
        let id = a.ok(201)["id"].as_str().unwrap().to_owned();
        let op = |op: &str| format!("/api/v1/suggestions/{id}/{op}");
        post_at(app, base, &op("submit"), &self.deputy, &json!({}))
            .await
            .ok(200);
        post_at(app, base, &op("register"), &self.staff, &json!({}))
            .await
            .ok(200);
        post_at(
            app,
            base,
            &op("assign"),
            &self.staff,
            &json!({"lead_unit_id": self.units[unit], "color": "green"}),
        )
        .await
        .ok(200);
        id
    }
}

fn reply_body() -> Value {
    json!({"category": "A", "content": "已办理。", "document_number": "民政函〔2026〕1号",
           "signed_by": "李明", "handler_name": "赵磊", "handler_phone": "0527-84351234"})
}

/// Asks for a client token with a form and HTTP Basic.
async fn client_token(app: &TestApp, id: &str, secret: &str, scope: Option<&str>) -> Answer {
    let mut form = vec![("grant_type", "client_credentials")];
    if let Some(s) = scope {
        form.push(("scope", s));
    }
    Answer::read(
        app.client
            .post(app.url("/api/v1/auth/token"))
            .basic_auth(id, Some(secret))
            .form(&form)
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn a_unit_client_lists_and_answers_its_suggestions_and_nothing_else() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let mine = c.assigned(&app, 0, "民政局的建议").await;
    let theirs = c.assigned(&app, 1, "住建局的建议").await;

    // Only an administrator registers clients.
    let body = json!({"name": "民政局 OA", "scopes": ["suggestions:read", "suggestions:reply"],
                      "unit_id": c.units[0]});
    app.post("/api/v1/clients", Some(&c.staff), &body)
        .await
        .problem(403, "forbidden");
    app.post(
        "/api/v1/clients",
        Some(&c.admin),
        &json!({"name": "无单位", "scopes": ["suggestions:reply"]}),
    )
    .await
    .problem(422, "validation_failed");
    let created = app.post("/api/v1/clients", Some(&c.admin), &body).await;
    let client = created.ok(201)["client"].clone();
    let id = client["client_id"].as_str().unwrap().to_owned();
    let secret = created.body["client_secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("rcs_"));
    // The secret is shown once: reads never carry it.
    let read = app
        .get(&format!("/api/v1/clients/{id}"), Some(&c.admin))
        .await;
    assert!(!read.text.contains(&secret));
    assert!(read.ok(200).get("client_secret").is_none());
    app.post("/api/v1/clients", Some(&c.admin), &body)
        .await
        .problem(409, "client_name_taken");

    // The grant: wrong secret, wrong grant, a scope it does not hold.
    let wrong = client_token(&app, &id, "rcs_wrong", None).await;
    wrong.problem(401, "invalid_client");
    // OAuth client libraries read `error`.
    assert_eq!(wrong.body["error"], "invalid_client");
    assert_eq!(
        wrong.header("www-authenticate"),
        Some("Basic realm=\"renda\"")
    );
    client_token(&app, &uuid::Uuid::now_v7().to_string(), &secret, None)
        .await
        .problem(401, "invalid_client");
    let a = Answer::read(
        app.client
            .post(app.url("/api/v1/auth/token"))
            .form(&[
                ("grant_type", "password"),
                ("client_id", &id),
                ("client_secret", &secret),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    a.problem(400, "unsupported_grant_type");
    assert_eq!(a.body["error"], "unsupported_grant_type");
    client_token(&app, &id, &secret, Some("deputies:read"))
        .await
        .problem(400, "invalid_scope");
    let t = client_token(&app, &id, &secret, None).await;
    assert_eq!(t.ok(200)["token_type"], "Bearer");
    assert_eq!(t.body["scope"], "suggestions:read suggestions:reply");
    let token = t.body["access_token"].as_str().unwrap().to_owned();
    // Credentials in a JSON body work as well.
    let j = app
        .post(
            "/api/v1/auth/token",
            None,
            &json!({"grant_type": "client_credentials", "client_id": id, "client_secret": secret}),
        )
        .await;
    j.ok(200);

    // It sees its unit's suggestions only.
    let list = app.get("/api/v1/suggestions", Some(&token)).await;
    let ids: Vec<&str> = list.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [mine.as_str()]);
    app.get(&format!("/api/v1/suggestions/{theirs}"), Some(&token))
        .await
        .problem(404, "not_found");
    // It answers its own, and not another unit's.
    app.post(
        &format!("/api/v1/suggestions/{theirs}/reply"),
        Some(&token),
        &reply_body(),
    )
    .await
    .problem(404, "not_found");
    let r = app
        .post(
            &format!("/api/v1/suggestions/{mine}/reply"),
            Some(&token),
            &reply_body(),
        )
        .await;
    assert_eq!(r.ok(200)["status"], "replied");
    // The office's work and other areas stay closed to it.
    app.post(
        &format!("/api/v1/suggestions/{theirs}/register"),
        Some(&token),
        &json!({}),
    )
    .await
    .problem(403, "insufficient_scope");
    app.get("/api/v1/deputies", Some(&token))
        .await
        .problem(403, "insufficient_scope");
    app.get("/api/v1/me", Some(&token))
        .await
        .problem(403, "insufficient_scope");
    app.get("/api/v1/clients", Some(&token))
        .await
        .problem(403, "insufficient_scope");

    // The audit trail names the client.
    let audit = app
        .get(
            &format!("/api/v1/audit-events?object_type=suggestion&object_id={mine}"),
            Some(&app.auditor().await),
        )
        .await;
    let last = audit.ok(200)["items"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["actor_id"], id.as_str());
    assert_eq!(last["actor_username"], "client:民政局 OA");

    // A token asked for with fewer scopes reads and does not answer.
    let reader = client_token(&app, &id, &secret, Some("suggestions:read")).await;
    let reader = reader.ok(200)["access_token"].as_str().unwrap().to_owned();
    app.get(&format!("/api/v1/suggestions/{mine}"), Some(&reader))
        .await
        .ok(200);
    app.post(
        &format!("/api/v1/suggestions/{mine}/co-unit-opinion"),
        Some(&reader),
        &json!({"opinion": "x"}),
    )
    .await
    .problem(403, "insufficient_scope");

    // Rotation: the old secret keeps working through the overlap only,
    // and so do the tokens issued under it.
    let under_old = client_token(&app, &id, &secret, None).await;
    let under_old = under_old.ok(200)["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let rotated = app
        .post(
            &format!("/api/v1/clients/{id}/secret"),
            Some(&c.admin),
            &json!({"overlap_hours": 1}),
        )
        .await;
    let new_secret = rotated.ok(200)["client_secret"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(new_secret, secret);
    assert!(rotated.body["client"]["previous_secret_expires_at"].is_string());
    client_token(&app, &id, &secret, None).await.ok(200);
    let under_new = client_token(&app, &id, &new_secret, None).await;
    let under_new = under_new.ok(200)["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    app.get("/api/v1/suggestions", Some(&under_old))
        .await
        .ok(200);
    let again = app
        .post(
            &format!("/api/v1/clients/{id}/secret"),
            Some(&c.admin),
            &json!({"overlap_hours": 0}),
        )
        .await;
    let newest = again.ok(200)["client_secret"].as_str().unwrap().to_owned();
    client_token(&app, &id, &new_secret, None)
        .await
        .problem(401, "invalid_client");
    client_token(&app, &id, &secret, None)
        .await
        .problem(401, "invalid_client");
    // The secrets are gone, and with them every token issued under them,
    // although those tokens have not expired yet.
    for t in [&under_old, &under_new] {
        app.get("/api/v1/suggestions", Some(t))
            .await
            .problem(401, "unauthenticated");
    }
    let under_newest = client_token(&app, &id, &newest, None).await;
    let under_newest = under_newest.ok(200)["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    app.get("/api/v1/suggestions", Some(&under_newest))
        .await
        .ok(200);

    // Narrowing the client's scopes narrows tokens already issued;
    // disabling it stops them.
    app.patch(
        &format!("/api/v1/clients/{id}"),
        Some(&c.admin),
        &json!({"scopes": ["suggestions:read"]}),
    )
    .await
    .ok(200);
    app.post(
        &format!("/api/v1/suggestions/{mine}/co-unit-opinion"),
        Some(&under_newest),
        &json!({"opinion": "x"}),
    )
    .await
    .problem(403, "insufficient_scope");
    app.get("/api/v1/suggestions", Some(&under_newest))
        .await
        .ok(200);
    app.patch(
        &format!("/api/v1/clients/{id}"),
        Some(&c.admin),
        &json!({"status": "disabled"}),
    )
    .await
    .ok(200);
    app.get("/api/v1/suggestions", Some(&under_newest))
        .await
        .problem(401, "unauthenticated");
    client_token(&app, &id, &newest, None)
        .await
        .problem(401, "invalid_client");
    // Deleting it ends it.
    app.delete(&format!("/api/v1/clients/{id}"), Some(&c.admin))
        .await;
    app.get(&format!("/api/v1/clients/{id}"), Some(&c.admin))
        .await
        .problem(404, "not_found");
}

/// One request a receiver got: its headers (lower-case names) and body.
type Request = (HashMap<String, String>, String);

/// What a receiver got.
#[derive(Clone, Default)]
struct Received {
    requests: Arc<Mutex<Vec<Request>>>,
    /// The status it answers; 0 answers 200 after a pause of a second.
    status: Arc<AtomicU16>,
    /// Requests that reached it, counted as they arrive (before the pause).
    arrived: Arc<AtomicUsize>,
}

async fn receive(req: HttpRequest, body: web::Bytes, got: web::Data<Received>) -> HttpResponse {
    got.arrived.fetch_add(1, Ordering::SeqCst);
    let status = got.status.load(Ordering::SeqCst);
    if status == 0 {
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let headers = req
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    got.requests
        .lock()
        .unwrap()
        .push((headers, String::from_utf8_lossy(&body).into_owned()));
    match status {
        0 | 200 => HttpResponse::Ok().finish(),
        s => HttpResponse::build(actix_web::http::StatusCode::from_u16(s).unwrap()).finish(),
    }
}

/// A webhook receiver on a free port of this machine.
fn receiver() -> (String, Received) {
    let got = Received::default();
    got.status.store(200, Ordering::SeqCst);
    let data = web::Data::new(got.clone());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/hook", web::post().to(receive))
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    tokio::spawn(server);
    (format!("http://127.0.0.1:{port}/hook"), got)
}

fn loopback() -> Vec<Network> {
    vec![Network::parse("127.0.0.1/32").unwrap()]
}

fn dispatcher_config(worker: &str) -> DispatcherConfig {
    DispatcherConfig {
        worker: worker.into(),
        interval: Duration::from_millis(50),
        lease: Duration::from_secs(3),
        retry_base: Duration::from_millis(200),
        timeout: Duration::from_secs(5),
        allowed: loopback(),
        ..DispatcherConfig::default()
    }
}

/// The distinct events received, in the order first received, each
/// checked against its signature.
fn events(got: &Received, secret: &str) -> Vec<Value> {
    let mut seen = std::collections::HashSet::new();
    let now = chrono::Utc::now().timestamp();
    got.requests
        .lock()
        .unwrap()
        .iter()
        .filter_map(|(h, body)| {
            let sig = h.get("renda-signature").expect("a signature header");
            renda_auth::signature::verify(secret, sig, body.as_bytes(), now, 300)
                .expect("a valid signature");
            let v: Value = serde_json::from_str(body).unwrap();
            assert_eq!(
                h.get("renda-event-id"),
                v["id"].as_str().map(str::to_owned).as_ref()
            );
            seen.insert(v["id"].as_str().unwrap().to_owned())
                .then_some(v)
        })
        .collect()
}

async fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..300 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

/// Waits until the store holds `n` deliveries of the subscription, all
/// delivered: nothing is left for a dispatcher to send, so whatever the
/// receiver has is all it will get.
async fn all_delivered(app: &TestApp, hook_id: &str, token: &str, n: usize) {
    for _ in 0..300 {
        let log = app
            .get(
                &format!("/api/v1/webhooks/{hook_id}/deliveries?limit=100"),
                Some(token),
            )
            .await;
        let items = log.ok(200)["items"].as_array().unwrap().clone();
        if items.len() == n && items.iter().all(|d| d["status"] == "delivered") {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {n} delivered deliveries");
}

#[tokio::test]
async fn a_receiver_gets_every_event_of_a_suggestions_life_signed_and_in_order() {
    let app = spawn_app_with(|s| s.with_webhook_networks(loopback())).await;
    let c = cast(&app).await;
    let (url, got) = receiver();
    let hook = app
        .post(
            "/api/v1/webhooks",
            Some(&c.admin),
            &json!({"url": url, "event_types": ["suggestion.*"], "description": "办公室 OA"}),
        )
        .await;
    let secret = hook.ok(201)["secret"].as_str().unwrap().to_owned();
    let hook_id = hook.body["webhook"]["id"].as_str().unwrap().to_owned();
    // A client of the other unit subscribes too: it must hear nothing of
    // a suggestion that is not its unit's.
    let other = app
        .post(
            "/api/v1/clients",
            Some(&c.admin),
            &json!({"name": "住建局 OA", "scopes": ["webhooks:manage"], "unit_id": c.units[1]}),
        )
        .await;
    let other_token = client_token(
        &app,
        other.ok(201)["client"]["id"].as_str().unwrap(),
        other.body["client_secret"].as_str().unwrap(),
        None,
    )
    .await
    .ok(200)["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let other_hook = app
        .post(
            "/api/v1/webhooks",
            Some(&other_token),
            &json!({"url": url, "event_types": ["*"]}),
        )
        .await;
    let other_hook_id = other_hook.ok(201)["webhook"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        other_hook.body["webhook"]["audience_unit_id"],
        c.units[1].as_str()
    );
    // A client sees its own subscriptions only.
    app.get(&format!("/api/v1/webhooks/{hook_id}"), Some(&other_token))
        .await
        .problem(404, "not_found");
    let listed = app.get("/api/v1/webhooks", Some(&other_token)).await;
    assert_eq!(listed.ok(200)["items"].as_array().unwrap().len(), 1);

    let mut dispatcher = spawn_dispatcher(app.store.clone(), dispatcher_config("first"));
    let id = c.assigned(&app, 0, "民政局的建议").await;
    wait_for("the first events", || events(&got, &secret).len() >= 3).await;

    // The receiver goes down for a while; events wait and are retried.
    got.status.store(503, Ordering::SeqCst);
    // A refused operation adds no event.
    app.post(
        &format!("/api/v1/suggestions/{id}/reply"),
        Some(&c.unit_tokens[1]),
        &reply_body(),
    )
    .await
    .problem(404, "not_found");
    app.post(
        &format!("/api/v1/suggestions/{id}/reply"),
        Some(&c.unit_tokens[0]),
        &reply_body(),
    )
    .await
    .ok(200);
    let before = got.arrived.load(Ordering::SeqCst);
    wait_for("a refused attempt at the reply", || {
        got.arrived.load(Ordering::SeqCst) > before
    })
    .await;
    // Back, but slow: the server restarts while a delivery is in flight.
    got.status.store(0, Ordering::SeqCst);
    let before = got.arrived.load(Ordering::SeqCst);
    wait_for("a delivery in flight", || {
        got.arrived.load(Ordering::SeqCst) > before
    })
    .await;
    dispatcher.abort();
    got.status.store(200, Ordering::SeqCst);
    app.post(
        &format!("/api/v1/suggestions/{id}/evaluate"),
        Some(&c.deputy),
        &json!({"result": "satisfied", "comment": "满意"}),
    )
    .await
    .ok(200);
    dispatcher = spawn_dispatcher(app.store.clone(), dispatcher_config("second"));
    wait_for("every event", || events(&got, &secret).len() >= 5).await;
    all_delivered(&app, &hook_id, &c.admin, 5).await;
    dispatcher.abort();

    let received = events(&got, &secret);
    let types: Vec<&str> = received
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    // Everything from submission on (a draft is its author's alone).
    assert_eq!(
        types,
        [
            "suggestion.submitted",
            "suggestion.registered",
            "suggestion.assigned",
            "suggestion.replied",
            "suggestion.evaluated"
        ]
    );
    let seqs: Vec<i64> = received
        .iter()
        .map(|e| e["object"]["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, [2, 3, 4, 5, 6]);
    assert!(received.iter().all(|e| e["object"]["id"] == id.as_str()));
    assert_eq!(received[3]["data"]["status"], "replied");
    assert_eq!(received[4]["data"]["status"], "closed");

    // The delivery log: all delivered, the reply after failed attempts.
    let log = app
        .get(
            &format!("/api/v1/webhooks/{hook_id}/deliveries"),
            Some(&c.admin),
        )
        .await;
    let items = log.ok(200)["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 5);
    assert!(items.iter().all(|d| d["status"] == "delivered"));
    assert!(items.iter().all(|d| d["last_status_code"] == 200));
    let replied = &items[3];
    assert_eq!(replied["event_type"], "suggestion.replied");
    assert!(replied["attempts"].as_i64().unwrap() >= 2, "{replied}");
    // The other unit's client heard nothing.
    let none = app
        .get(
            &format!("/api/v1/webhooks/{other_hook_id}/deliveries"),
            Some(&other_token),
        )
        .await;
    assert_eq!(none.ok(200)["items"].as_array().unwrap().len(), 0);

    // Replay: everything since the start is delivered again, in order.
    let before = got.requests.lock().unwrap().len();
    let r = app
        .post(
            &format!("/api/v1/webhooks/{hook_id}/replay"),
            Some(&c.admin),
            &json!({"since": "2020-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(r.ok(202)["queued"], 5);
    let dispatcher = spawn_dispatcher(app.store.clone(), dispatcher_config("third"));
    wait_for("the replay", || {
        got.requests.lock().unwrap().len() >= before + 5
    })
    .await;
    dispatcher.abort();
    let replayed: Vec<String> = got.requests.lock().unwrap()[before..]
        .iter()
        .map(|(h, _)| h["renda-event-type"].clone())
        .collect();
    assert_eq!(replayed, types);
}

#[tokio::test]
async fn destinations_inside_are_refused() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    for (url, code) in [
        ("http://127.0.0.1:8080/hook", "destination_refused"),
        ("http://localhost/hook", "destination_refused"),
        ("http://[::1]/hook", "destination_refused"),
        (
            "http://169.254.169.254/latest/meta-data/",
            "destination_refused",
        ),
        (
            "http://100.100.100.200/latest/meta-data/",
            "destination_refused",
        ),
        ("http://10.0.0.5/oa", "destination_refused"),
        ("http://192.168.1.10/oa", "destination_refused"),
        ("ftp://203.0.113.1/x", "invalid_url"),
        ("https://user:pw@oa.example/x", "invalid_url"),
    ] {
        let a = app
            .post(
                "/api/v1/webhooks",
                Some(&admin),
                &json!({"url": url, "event_types": ["*"]}),
            )
            .await;
        a.problem(422, "validation_failed");
        assert_eq!(a.body["errors"][0]["code"], code, "{url}: {}", a.text);
    }
    app.post(
        "/api/v1/webhooks",
        Some(&admin),
        &json!({"url": "https://202.96.134.133/oa", "event_types": ["suggestion.bogus_", "unit.*"]}),
    )
    .await
    .problem(422, "validation_failed");
    // Listing a private network opens it, never the metadata service.
    let open =
        spawn_app_with(|s| s.with_webhook_networks(vec![Network::parse("0.0.0.0/0").unwrap()]))
            .await;
    let admin = open.admin().await;
    open.post(
        "/api/v1/webhooks",
        Some(&admin),
        &json!({"url": "http://10.0.0.5/oa", "event_types": ["*"]}),
    )
    .await
    .ok(201);
    let a = open
        .post(
            "/api/v1/webhooks",
            Some(&admin),
            &json!({"url": "http://169.254.169.254/", "event_types": ["*"]}),
        )
        .await;
    assert_eq!(a.body["errors"][0]["code"], "destination_refused");
    // Only administrators and clients keep webhooks.
    let staff = open.staff().await;
    open.get("/api/v1/webhooks", Some(&staff))
        .await
        .problem(403, "forbidden");
}

#[tokio::test]
async fn two_instances_on_one_database_deliver_every_event_once() {
    let app = spawn_app_with(|s| s.with_webhook_networks(loopback())).await;
    let other = app.second_instance().await;
    let c = cast(&app).await;
    let (url, got) = receiver();
    let hook = app
        .post(
            "/api/v1/webhooks",
            Some(&c.admin),
            &json!({"url": url, "event_types": ["suggestion.*"]}),
        )
        .await;
    let secret = hook.ok(201)["secret"].as_str().unwrap().to_owned();
    let hook_id = hook.body["webhook"]["id"].as_str().unwrap().to_owned();
    // Each instance runs its own dispatcher on its own connections.
    let a = spawn_dispatcher(app.store.clone(), dispatcher_config("a"));
    let b = spawn_dispatcher(other.store.clone(), dispatcher_config("b"));
    let n = 8;
    let titles: Vec<String> = (0..n).map(|i| format!("建议{i}")).collect();
    let writes = titles.iter().enumerate().map(|(i, title)| {
        // Writes go to either instance, as a load balancer sends them.
        let base = if i % 2 == 0 { &app.base } else { &other.base };
        c.assigned_at(&app, base, i % 2, title)
    });
    futures_util::future::join_all(writes).await;
    // Three events each after the draft: submitted, registered, assigned.
    wait_for("every event", || events(&got, &secret).len() >= 3 * n).await;
    all_delivered(&app, &hook_id, &c.admin, 3 * n).await;
    a.abort();
    b.abort();
    let requests = got.requests.lock().unwrap().len();
    assert_eq!(requests, 3 * n, "each event exactly once");
    let received = events(&got, &secret);
    assert_eq!(received.len(), 3 * n);
    // Per object, in order.
    let mut last: HashMap<String, i64> = HashMap::new();
    for e in &received {
        let obj = e["object"]["id"].as_str().unwrap().to_owned();
        let seq = e["object"]["seq"].as_i64().unwrap();
        assert!(last.get(&obj).is_none_or(|s| *s < seq), "out of order");
        last.insert(obj, seq);
    }

    // An idempotency key holds across instances: the retry that lands on
    // the other instance gets the first answer and creates nothing.
    let body = json!({"name": "区教育局", "kind": "government_department"});
    let first = Answer::read(
        app.client
            .post(app.url("/api/v1/units"))
            .bearer_auth(&c.staff)
            .header("Idempotency-Key", "unit-create-1")
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let again = Answer::read(
        app.client
            .post(format!("{}/api/v1/units", other.base))
            .bearer_auth(&c.staff)
            .header("Idempotency-Key", "unit-create-1")
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(first.ok(201)["id"], again.ok(201)["id"]);
    let units = app.get("/api/v1/units?q=教育局", Some(&c.staff)).await;
    assert_eq!(units.ok(200)["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_summary_table_counts_each_units_work() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let reply = |cat: &str| {
        let mut b = reply_body();
        b["category"] = json!(cat);
        if cat == "B" {
            b["commitment"] = json!({"content": "年内完成", "due_date": "2026-12-31"});
        }
        b
    };
    let s1 = c.assigned(&app, 0, "一").await;
    let s2 = c.assigned(&app, 0, "二").await;
    c.assigned(&app, 0, "三").await;
    let s4 = c.assigned(&app, 1, "四").await;
    for (id, unit, cat) in [(&s1, 0, "A"), (&s2, 0, "B"), (&s4, 1, "C")] {
        app.post(
            &format!("/api/v1/suggestions/{id}/reply"),
            Some(&c.unit_tokens[unit]),
            &reply(cat),
        )
        .await
        .ok(200);
    }
    app.post(
        &format!("/api/v1/suggestions/{s1}/evaluate"),
        Some(&c.deputy),
        &json!({"result": "satisfied"}),
    )
    .await
    .ok(200);

    let table = app
        .get("/api/v1/suggestions/unit-summary", Some(&c.staff))
        .await;
    let items = table.ok(200)["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2);
    let line = |name: &str| {
        items
            .iter()
            .find(|l| l["unit_name"] == name)
            .unwrap()
            .clone()
    };
    let civil = line("区民政局");
    for (k, v) in [
        ("assigned", 3),
        ("replied", 2),
        ("replied_on_time", 2),
        ("overdue", 0),
        ("category_a", 1),
        ("category_b", 1),
        ("category_c", 0),
        ("satisfied", 1),
        ("basically_satisfied", 0),
        ("unsatisfied", 0),
    ] {
        assert_eq!(civil[k], v, "{k}: {civil}");
    }
    assert_eq!(civil["satisfaction_rate"], 1.0);
    let housing = line("区住建局");
    assert_eq!(housing["assigned"], 1);
    assert_eq!(housing["category_c"], 1);
    assert!(housing["satisfaction_rate"].is_null());

    // A unit sees its own line; a deputy none.
    let own = app
        .get("/api/v1/suggestions/unit-summary", Some(&c.unit_tokens[1]))
        .await;
    let own = own.ok(200)["items"].as_array().unwrap().clone();
    assert_eq!(own.len(), 1);
    assert_eq!(own[0]["unit_name"], "区住建局");
    app.get("/api/v1/suggestions/unit-summary", Some(&c.deputy))
        .await
        .problem(403, "forbidden");

    // The same table as a spreadsheet.
    use calamine::{Reader, Xlsx};
    let r = app
        .request(
            reqwest::Method::GET,
            "/api/v1/suggestions/unit-summary.xlsx",
            Some(&c.staff),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range("建议办理情况汇总表").unwrap();
    let rows: Vec<Vec<calamine::Data>> = range.rows().map(|r| r.to_vec()).collect();
    assert_eq!(rows[0][0], calamine::Data::String("承办单位".into()));
    assert_eq!(rows[0][5], calamine::Data::String("A类".into()));
    let civil_row = rows
        .iter()
        .find(|r| r[0] == calamine::Data::String("区民政局".into()))
        .unwrap();
    assert_eq!(civil_row[1], calamine::Data::Float(3.0));
    assert_eq!(civil_row[5], calamine::Data::Float(1.0));
    assert_eq!(civil_row[12], calamine::Data::Float(1.0));
}

#[tokio::test]
async fn events_cover_every_kind_of_object_and_becoming_overdue() {
    use renda_domain::time::Clock;
    let app = spawn_app().await;
    let c = cast(&app).await;
    let hook = app
        .post(
            "/api/v1/webhooks",
            Some(&c.admin),
            &json!({"url": "https://202.96.134.133/oa", "event_types": ["*"]}),
        )
        .await;
    let hook_id = hook.ok(201)["webhook"]["id"].as_str().unwrap().to_owned();
    let id = c.assigned(&app, 0, "逾期的建议").await;
    app.post(
        "/api/v1/supervisions",
        Some(&c.staff),
        &json!({"title": "养老服务专项监督", "year": 2026, "methods": ["special_report"],
                "body_ids": [c.units[0]], "committee": "社会建设委员会"}),
    )
    .await
    .ok(201);
    app.post(
        "/api/v1/livelihood-rounds",
        Some(&c.staff),
        &json!({"year": 2027, "level": "county", "term": "第十九届",
                "title": "2027年民生实事项目", "seats": 3, "secret_ballot": true}),
    )
    .await
    .ok(201);
    app.post(
        "/api/v1/constituent-opinions",
        None,
        &json!({"content": "路灯坏了"}),
    )
    .await
    .ok(201);
    app.clock.advance(31);
    assert_eq!(
        renda::detect_overdue(&app.store, app.clock.today())
            .await
            .unwrap(),
        1
    );
    app.store.fan_out_events(100).await.unwrap();
    let log = app
        .get(
            &format!("/api/v1/webhooks/{hook_id}/deliveries?limit=100"),
            Some(&c.admin),
        )
        .await;
    let types: Vec<String> = log.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["event_type"].as_str().unwrap().to_owned())
        .collect();
    for want in [
        "suggestion.submitted",
        "suggestion.assigned",
        "suggestion.became_overdue",
        "supervision.created",
        "livelihood_round.created",
        "opinion.received",
    ] {
        assert!(
            types.iter().any(|t| t == want),
            "{want} missing from {types:?}"
        );
    }
    // The suggestion's own events, in its order.
    let seqs: Vec<i64> = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["object_id"] == id.as_str())
        .map(|d| d["object_seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, [2, 3, 4, 5]);
}

#[tokio::test]
async fn secrets_are_never_kept_for_replay_and_webhooks_keep_to_scopes() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    // A creation that shows a secret is not stored for an idempotent
    // replay: the retry is a new request (here refused: the name is taken).
    let body = json!({"name": "民政局 OA", "scopes": ["webhooks:manage"], "unit_id": c.units[0]});
    let send = || async {
        Answer::read(
            app.client
                .post(app.url("/api/v1/clients"))
                .bearer_auth(&c.admin)
                .header("Idempotency-Key", "client-1")
                .json(&body)
                .send()
                .await
                .unwrap(),
        )
        .await
    };
    let first = send().await;
    let client = first.ok(201)["client"]["id"].as_str().unwrap().to_owned();
    let secret = first.body["client_secret"].as_str().unwrap().to_owned();
    let again = send().await;
    again.problem(409, "client_name_taken");
    assert!(!again.text.contains(&secret));

    // A client holding only webhooks:manage may not ask for suggestions.
    let token = client_token(&app, &client, &secret, None).await.ok(200)["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let refused = app
        .post(
            "/api/v1/webhooks",
            Some(&token),
            &json!({"url": "https://202.96.134.133/oa", "event_types": ["suggestion.*"]}),
        )
        .await;
    refused.problem(422, "validation_failed");
    assert_eq!(refused.body["errors"][0]["code"], "not_in_scope");
    // "*" is allowed, and brings only what the scopes open: nothing here.
    let all = app
        .post(
            "/api/v1/webhooks",
            Some(&token),
            &json!({"url": "https://202.96.134.133/oa", "event_types": ["*"]}),
        )
        .await;
    let all_id = all.ok(201)["webhook"]["id"].as_str().unwrap().to_owned();
    // The office's subscription, to a receiver that never answers here.
    let office = app
        .post(
            "/api/v1/webhooks",
            Some(&c.admin),
            &json!({"url": "https://202.96.134.133/office", "event_types": ["*"]}),
        )
        .await;
    let office_id = office.ok(201)["webhook"]["id"].as_str().unwrap().to_owned();
    c.assigned(&app, 0, "民政局的建议").await;
    app.store.fan_out_events(100).await.unwrap();
    let log = |id: String, token: String| {
        let app = &app;
        async move {
            app.get(&format!("/api/v1/webhooks/{id}/deliveries"), Some(&token))
                .await
                .ok(200)["items"]
                .as_array()
                .unwrap()
                .clone()
        }
    };
    assert!(log(all_id.clone(), token.clone()).await.is_empty());
    let pending = log(office_id.clone(), c.admin.clone()).await;
    assert_eq!(pending.len(), 3);
    assert!(pending.iter().all(|d| d["status"] == "pending"));
    // Disabling a subscription cancels what waits.
    app.patch(
        &format!("/api/v1/webhooks/{office_id}"),
        Some(&c.admin),
        &json!({"status": "disabled"}),
    )
    .await
    .ok(200);
    let cancelled = log(office_id, c.admin.clone()).await;
    assert!(
        cancelled.iter().all(|d| d["status"] == "cancelled"),
        "{cancelled:?}"
    );
}

#[tokio::test]
async fn integration_refusals_bad_input_stale_versions_and_no_account() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    // No account: clients, webhooks and imports want one.
    app.get("/api/v1/clients", None)
        .await
        .problem(401, "unauthenticated");
    app.get("/api/v1/webhooks", None)
        .await
        .problem(401, "unauthenticated");
    let anon = Answer::read(
        app.client
            .post(app.url("/api/v1/units/import"))
            .header("content-type", "text/csv")
            .body("名称,类型\n区民政局,政府部门\n")
            .send()
            .await
            .unwrap(),
    )
    .await;
    anon.problem(401, "unauthenticated");

    // Stale versions are 412 and change nothing.
    let created = app
        .post(
            "/api/v1/clients",
            Some(&c.admin),
            &json!({"name": "甲 OA", "scopes": ["suggestions:read"]}),
        )
        .await;
    let client = created.ok(201)["client"]["id"].as_str().unwrap().to_owned();
    let secret = created.body["client_secret"].as_str().unwrap().to_owned();
    let stale = Answer::read(
        app.request(
            reqwest::Method::PATCH,
            &format!("/api/v1/clients/{client}"),
            Some(&c.admin),
        )
        .header("If-Match", "\"999\"")
        .json(&json!({"status": "disabled"}))
        .send()
        .await
        .unwrap(),
    )
    .await;
    stale.problem(412, "precondition_failed");
    let hook = app
        .post(
            "/api/v1/webhooks",
            Some(&c.admin),
            &json!({"url": "https://202.96.134.133/oa", "event_types": ["*"]}),
        )
        .await;
    let hook = hook.ok(201)["webhook"]["id"].as_str().unwrap().to_owned();
    let stale = Answer::read(
        app.request(
            reqwest::Method::PATCH,
            &format!("/api/v1/webhooks/{hook}"),
            Some(&c.admin),
        )
        .header("If-Match", "\"999\"")
        .json(&json!({"status": "disabled"}))
        .send()
        .await
        .unwrap(),
    )
    .await;
    stale.problem(412, "precondition_failed");
    let still = app
        .get(&format!("/api/v1/webhooks/{hook}"), Some(&c.admin))
        .await;
    assert_eq!(still.ok(200)["status"], "active");

    // Bad input: a replay of what is still pending, unknown fields, an
    // overlap beyond a month, credentials given twice.
    app.post(
        &format!("/api/v1/webhooks/{hook}/replay"),
        Some(&c.admin),
        &json!({"since": "2026-01-01T00:00:00Z", "status": "pending"}),
    )
    .await
    .problem(422, "validation_failed");
    app.post(
        "/api/v1/webhooks",
        Some(&c.admin),
        &json!({"url": "https://202.96.134.133/oa", "event_types": ["*"], "owner": "x"}),
    )
    .await
    .problem(422, "validation_failed");
    app.post(
        &format!("/api/v1/clients/{client}/secret"),
        Some(&c.admin),
        &json!({"overlap_hours": 721}),
    )
    .await
    .problem(422, "validation_failed");
    let twice = Answer::read(
        app.client
            .post(app.url("/api/v1/auth/token"))
            .basic_auth(&client, Some(&secret))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", client.as_str()),
                ("client_secret", secret.as_str()),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    twice.problem(400, "invalid_request");
    assert_eq!(twice.body["error"], "invalid_request");
    // A known parameter twice is refused; unknown ones are ignored, even
    // repeated (RFC 6749 §3.2).
    let token_form = |body: &'static str| {
        app.client
            .post(app.url("/api/v1/auth/token"))
            .basic_auth(&client, Some(&secret))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let repeated = Answer::read(
        token_form("grant_type=client_credentials&grant_type=client_credentials")
            .await
            .unwrap(),
    )
    .await;
    repeated.problem(400, "invalid_request");
    let unknown = Answer::read(
        token_form("grant_type=client_credentials&x=1&x=%00")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(unknown.status, 200, "{:?}", unknown.body);
    assert!(unknown.body["access_token"].is_string());
    // So are unknown members of a JSON body, unread (a NUL in one does not
    // matter); a known one still must be right.
    let token_json = |body: serde_json::Value| {
        app.client
            .post(app.url("/api/v1/auth/token"))
            .basic_auth(&client, Some(&secret))
            .json(&body)
            .send()
    };
    let unknown_json = Answer::read(
        token_json(json!({"grant_type": "client_credentials", "x": {"y": "\u{0}"}}))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(unknown_json.status, 200, "{:?}", unknown_json.body);
    let bad_known = Answer::read(
        token_json(json!({"grant_type": "client_credentials", "scope": "a\u{0}", "x": 1}))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(bad_known.status, 422, "{:?}", bad_known.body);
    let xml = Answer::read(
        app.client
            .post(app.url("/api/v1/auth/token"))
            .header("content-type", "application/xml")
            .body("<grant/>")
            .send()
            .await
            .unwrap(),
    )
    .await;
    xml.problem(415, "unsupported_media_type");
}

#[tokio::test]
async fn a_client_deleted_while_it_subscribes_leaves_no_live_subscription() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    for i in 0..8 {
        let created = app
            .post(
                "/api/v1/clients",
                Some(&c.admin),
                &json!({"name": format!("OA {i}"), "scopes": ["webhooks:manage"], "unit_id": c.units[0]}),
            )
            .await;
        let id = created.ok(201)["client"]["id"].as_str().unwrap().to_owned();
        let secret = created.body["client_secret"].as_str().unwrap().to_owned();
        let token = client_token(&app, &id, &secret, None).await.ok(200)["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let hook = json!({"url": "https://202.96.134.133/oa", "event_types": ["*"]});
        let path = format!("/api/v1/clients/{id}");
        let (made, gone) = tokio::join!(
            app.post("/api/v1/webhooks", Some(&token), &hook),
            app.delete(&path, Some(&c.admin)),
        );
        assert_eq!(gone.status, 204, "round {i}: {}", gone.text);
        assert!(
            [201, 401, 409].contains(&made.status.as_u16()),
            "round {i}: {} {}",
            made.status,
            made.text
        );
        let live = app.get("/api/v1/webhooks?limit=100", Some(&c.admin)).await;
        let left = live.ok(200)["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|w| w["owner_client_id"] == id.as_str())
            .count();
        assert_eq!(left, 0, "round {i}: a deleted client keeps a subscription");
    }
}
