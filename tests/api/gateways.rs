//! Notifications beyond the inbox: phones registered for push, each
//! person's choices, and deliveries by SMS, work chat and push reaching
//! fake gateways on loopback, with retries, quiet hours, a sender that
//! dies mid-delivery and two senders at once.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use renda::delivery::{DeliveryConfig, channels_from, deliver_once};
use serde_json::{Value, json};

use crate::practice::{Office, office};

/// What the fake gateways got: (path, authorization header, body).
#[derive(Clone, Default)]
struct Gateway {
    got: Arc<Mutex<Vec<(String, String, String)>>>,
    /// SMS requests to answer 503 before answering 200 again.
    fail: Arc<AtomicUsize>,
    /// Chat posts to refuse as a robot does: 200 with an `errcode`.
    refuse: Arc<AtomicUsize>,
    /// Push posts to one phone (its token) to answer 503, and how many.
    push_fail: Arc<Mutex<(String, usize)>>,
}

impl Gateway {
    fn bodies(&self, path: &str) -> Vec<Value> {
        self.got
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _, _)| p == path)
            .map(|(_, _, b)| serde_json::from_str(b).unwrap())
            .collect()
    }
}

async fn answer(req: HttpRequest, body: web::Bytes, g: web::Data<Gateway>) -> HttpResponse {
    let auth = req
        .headers()
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    g.got.lock().unwrap().push((
        req.path().to_owned(),
        auth,
        String::from_utf8_lossy(&body).into_owned(),
    ));
    let failing = req.path() == "/sms"
        && g.fail
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
    let refusing = req.path() == "/wecom"
        && g.refuse
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
    let push_failing = req.path() == "/push" && {
        let mut f = g.push_fail.lock().unwrap();
        let hit = f.1 > 0 && String::from_utf8_lossy(&body).contains(f.0.as_str());
        if hit {
            f.1 -= 1;
        }
        hit
    };
    if failing || push_failing {
        HttpResponse::ServiceUnavailable().finish()
    } else if refusing {
        // WeCom's answer to a group over its rate limit.
        HttpResponse::Ok().json(json!({"errcode": 45009, "errmsg": "api freq out of limit"}))
    } else {
        HttpResponse::Ok().json(json!({"errcode": 0}))
    }
}

/// Fake SMS, WeCom and push gateways on a free port.
fn gateway() -> (String, Gateway) {
    let g = Gateway::default();
    let data = web::Data::new(g.clone());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .default_service(web::post().to(answer))
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    tokio::spawn(server);
    (format!("http://127.0.0.1:{port}"), g)
}

/// A sender for the fake gateways, configured as the environment would.
fn sender(base: &str, worker: &str) -> DeliveryConfig {
    let vars = [
        ("RENDA_SMS_URL", format!("{base}/sms")),
        (
            "RENDA_SMS_HEADERS",
            r#"{"X-Api-Key": "sms-key"}"#.to_owned(),
        ),
        (
            "RENDA_SMS_BODY",
            r#"{"mobile":"{{phone}}","content":"【人大】{{text}} {{link}}"}"#.to_owned(),
        ),
        ("RENDA_WECOM_URL", format!("{base}/wecom")),
        ("RENDA_PUSH_URL", format!("{base}/push")),
    ];
    let channels =
        channels_from(|k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone())).unwrap();
    DeliveryConfig {
        worker: worker.into(),
        channels,
        link_base: Some("https://renda.example.gov.cn/m".into()),
        retry_base: Duration::ZERO,
        timeout: Duration::from_secs(5),
        ..DeliveryConfig::default()
    }
}

/// Runs senders until nothing is left to attempt now.
async fn drain(o: &Office, cfg: &DeliveryConfig) {
    let client = renda::delivery::client(cfg).unwrap();
    for _ in 0..20 {
        if deliver_once(&o.app.store, &client, cfg).await.unwrap() == 0 {
            return;
        }
    }
    panic!("deliveries did not settle");
}

async fn newest(o: &Office, token: &str, kind: &str) -> Value {
    let a = o
        .app
        .get(
            &format!("/api/v1/me/notifications?kind={kind}"),
            Some(token),
        )
        .await;
    a.ok(200)["items"][0].clone()
}

async fn deliveries(o: &Office, token: &str, notification: &Value) -> Vec<Value> {
    let id = notification["id"].as_str().unwrap();
    let a = o
        .app
        .get(
            &format!("/api/v1/me/notifications/{id}/deliveries"),
            Some(token),
        )
        .await;
    a.ok(200)["items"].as_array().unwrap().clone()
}

fn by_channel<'a>(list: &'a [Value], channel: &str) -> &'a Value {
    list.iter()
        .find(|d| d["channel"] == channel)
        .unwrap_or_else(|| panic!("no {channel} delivery in {list:?}"))
}

#[tokio::test]
async fn a_person_registers_phones_and_chooses_what_reaches_them() {
    let o = office().await;
    let me = &o.deputy_tokens[0];
    let path = "/api/v1/me/devices";
    let phone = json!({"platform": "android", "token": "tok-1", "label": "张伟的手机"});
    let first = o.app.post(path, Some(me), &phone).await;
    let id = first.ok(201)["id"].as_str().unwrap().to_owned();
    assert!(first.body.get("token").is_none(), "the token is not echoed");
    o.app.post(path, Some(me), &phone).await.ok(200);
    for bad in [
        json!({"platform": "symbian", "token": "t"}),
        json!({"platform": "ios", "token": " "}),
        json!({"platform": "ios"}),
    ] {
        o.app
            .post(path, Some(me), &bad)
            .await
            .problem(422, "validation_failed");
    }
    let list = o.app.get(path, Some(me)).await;
    assert_eq!(list.ok(200)["items"].as_array().unwrap().len(), 1);
    o.app
        .delete(&format!("{path}/{id}"), Some(&o.deputy_tokens[1]))
        .await
        .problem(404, "not_found");
    // A phone that changes hands moves to the account signed in on it.
    o.app
        .post(path, Some(&o.deputy_tokens[1]), &phone)
        .await
        .ok(200);
    assert_eq!(
        o.app.get(path, Some(me)).await.body["items"],
        json!([]),
        "no longer the first account's"
    );
    o.app
        .delete(&format!("{path}/{id}"), Some(&o.deputy_tokens[1]))
        .await;
    assert_eq!(
        o.app.get(path, Some(&o.deputy_tokens[1])).await.body["items"],
        json!([])
    );

    // An account keeps its ten newest phones.
    for i in 0..11 {
        let p = json!({"platform": "android", "token": format!("many-{i}")});
        o.app.post(path, Some(me), &p).await.ok(201);
    }
    let kept = o.app.get(path, Some(me)).await;
    assert_eq!(kept.ok(200)["items"].as_array().unwrap().len(), 10);

    let prefs = "/api/v1/me/notification-preferences";
    let default = o.app.get(prefs, Some(me)).await;
    assert_eq!(
        default.ok(200).clone(),
        json!({"muted": [], "channels": null, "quiet_hours": null})
    );
    let want = json!({"muted": ["suggestion_evaluated"], "channels": ["sms", "push"],
                      "quiet_hours": {"start": "22:00", "end": "07:00"}});
    let set = o.app.put(prefs, Some(me), &want).await;
    assert_eq!(set.ok(200)["channels"], json!(["sms", "push"]));
    assert_eq!(
        o.app.get(prefs, Some(me)).await.body["quiet_hours"]["start"],
        "22:00"
    );
    for (bad, field) in [
        (
            json!({"quiet_hours": {"start": "25:00", "end": "07:00"}}),
            "quiet_hours.start",
        ),
        (
            json!({"quiet_hours": {"start": "22:00", "end": "7"}}),
            "quiet_hours.end",
        ),
    ] {
        let a = o.app.put(prefs, Some(me), &bad).await;
        a.problem(422, "validation_failed");
        assert_eq!(a.fields(), [field]);
    }
    o.app
        .put(prefs, Some(me), &json!({"channels": ["fax"]}))
        .await
        .problem(422, "validation_failed");
    // Refusals changed nothing.
    assert_eq!(o.app.get(prefs, Some(me)).await.body, want);
}

#[tokio::test]
async fn notifications_reach_sms_chat_and_phones_with_retries_and_without_blocking_the_work() {
    let o = office().await;
    let (base, g) = gateway();
    let cfg = sender(&base, "sender-1");
    // The lead deputy has a phone on record and a phone registered.
    let deputy = &o.deputies[0];
    o.app
        .patch(
            &format!("/api/v1/deputies/{deputy}"),
            Some(&o.staff),
            &json!({"phone": "13800001234"}),
        )
        .await
        .ok(200);
    o.app
        .post(
            "/api/v1/me/devices",
            Some(&o.deputy_tokens[0]),
            &json!({"platform": "ios", "token": "apns-token-1"}),
        )
        .await
        .ok(201);
    // The robot refuses the first post (its rate limit): answered 200,
    // it is not sent, and goes again.
    // The office's news of the submission goes to the robot first.
    let id = o.submitted().await;
    drain(&o, &cfg).await;
    let earlier = g.bodies("/wecom").len();
    assert_eq!(earlier, 1, "the submission, once");
    g.refuse.store(1, Ordering::SeqCst);
    o.op(&o.staff, &id, "register", json!({})).await.ok(200);
    let assign = json!({"lead_unit_id": o.units[0], "color": "green"});
    o.op(&o.staff, &id, "assign", assign).await.ok(200);
    drain(&o, &cfg).await;
    // The unit's account has no phone: no SMS is planned for it; the group
    // robot and (no device) push are tried.
    let assigned = newest(&o, &o.unit_tokens[0], "suggestion_assigned").await;
    let d = deliveries(&o, &o.unit_tokens[0], &assigned).await;
    assert!(d.iter().all(|x| x["channel"] != "sms"), "{d:?}");
    let chat_delivery = by_channel(&d, "wecom");
    assert_eq!(
        (&chat_delivery["state"], &chat_delivery["attempts"]),
        (&json!("sent"), &json!(2))
    );
    assert_eq!(by_channel(&d, "push")["last_error"], "no device registered");
    let chat = g.bodies("/wecom");
    assert_eq!(chat.len(), earlier + 2, "refused once, then sent");
    let text = chat[earlier + 1]["text"]["content"].as_str().unwrap();
    assert!(text.contains("已交由贵单位办理"), "{text}");
    assert!(text.contains(&format!("https://renda.example.gov.cn/m/suggestions/{id}")));

    g.fail.store(2, Ordering::SeqCst);
    let started = std::time::Instant::now();
    o.reply(&id).await.ok(200);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the reply waits for no gateway"
    );
    drain(&o, &cfg).await;
    let replied = newest(&o, &o.deputy_tokens[0], "suggestion_replied").await;
    let d = deliveries(&o, &o.deputy_tokens[0], &replied).await;
    // Another person's notification has no deliveries to show them.
    let theirs = format!(
        "/api/v1/me/notifications/{}/deliveries",
        replied["id"].as_str().unwrap()
    );
    o.app
        .get(&theirs, Some(&o.deputy_tokens[1]))
        .await
        .problem(404, "not_found");
    let sms = by_channel(&d, "sms");
    assert_eq!(
        (&sms["state"], &sms["attempts"]),
        (&json!("sent"), &json!(3))
    );
    let sms_bodies = g.bodies("/sms");
    let last = sms_bodies.last().unwrap();
    assert_eq!(last["mobile"], "13800001234");
    let content = last["content"].as_str().unwrap();
    assert!(content.starts_with("【人大】您领衔的建议"), "{content}");
    assert!(!content.contains("1380000"), "no phone number in the text");
    assert!(
        g.got
            .lock()
            .unwrap()
            .iter()
            .all(|(p, key, _)| p != "/sms" || key == "sms-key"),
        "the configured headers go with every SMS"
    );
    // Registered, then replied: two pushes to the phone.
    let push = g.bodies("/push");
    assert_eq!(push.len(), 2);
    assert_eq!(
        (&push[1]["token"], &push[1]["platform"]),
        (&json!("apns-token-1"), &json!("ios"))
    );
    // Each notification went by each channel once, however often the
    // senders ran.
    drain(&o, &cfg).await;
    assert_eq!(g.bodies("/push").len(), 2);
    assert_eq!(
        g.bodies("/sms").len(),
        4,
        "the registration's, and the reply's refused twice and sent"
    );

    // The delivery log: the administrator's, not the office's.
    let admin = o.app.admin().await;
    let log = o
        .app
        .get(
            "/api/v1/notification-deliveries?state=sent&channel=sms",
            Some(&admin),
        )
        .await;
    let items = log.ok(200)["items"].as_array().unwrap().clone();
    assert!(!items.is_empty());
    assert!(
        items
            .iter()
            .all(|d| d["state"] == "sent" && d["channel"] == "sms"),
        "{items:?}"
    );
    o.app
        .get("/api/v1/notification-deliveries", Some(&o.staff))
        .await
        .problem(403, "forbidden");
    o.app
        .get("/api/v1/notification-deliveries?state=lost", Some(&admin))
        .await
        .problem(422, "validation_failed");
}

#[tokio::test]
async fn choices_quiet_hours_a_dead_sender_and_two_senders_lose_and_repeat_nothing() {
    let o = office().await;
    let (base, g) = gateway();
    let cfg = sender(&base, "sender-1");
    let prefs = "/api/v1/me/notification-preferences";
    // The unit mutes assignments; the deputy wants only push, and never
    // now (quiet hours around the clock but a minute).
    o.app
        .put(
            prefs,
            Some(&o.unit_tokens[0]),
            &json!({"muted": ["suggestion_assigned"]}),
        )
        .await
        .ok(200);
    let id = o.assigned("green", false).await;
    drain(&o, &cfg).await;
    let assigned = newest(&o, &o.unit_tokens[0], "suggestion_assigned").await;
    assert_eq!(
        deliveries(&o, &o.unit_tokens[0], &assigned).await,
        Vec::<Value>::new()
    );
    assert_eq!(assigned["read"], false, "muted kinds stay in the inbox");

    let china_now = chrono::Utc::now() + chrono::Duration::hours(8);
    let start = (china_now - chrono::Duration::minutes(1))
        .format("%H:%M")
        .to_string();
    let end = (china_now + chrono::Duration::minutes(2))
        .format("%H:%M")
        .to_string();
    o.app
        .put(
            prefs,
            Some(&o.deputy_tokens[0]),
            &json!({"channels": ["push", "wecom"], "quiet_hours": {"start": start, "end": end}}),
        )
        .await
        .ok(200);
    let earlier = g.bodies("/wecom").len();
    o.reply(&id).await.ok(200);
    drain(&o, &cfg).await;
    let replied = newest(&o, &o.deputy_tokens[0], "suggestion_replied").await;
    let d = deliveries(&o, &o.deputy_tokens[0], &replied).await;
    let channels: Vec<&str> = d.iter().map(|x| x["channel"].as_str().unwrap()).collect();
    assert_eq!(channels, ["wecom", "push"]);
    assert!(
        d.iter()
            .all(|x| x["state"] == "pending" && x["attempts"] == 0),
        "{d:?}"
    );
    assert_eq!(
        g.bodies("/wecom").len(),
        earlier,
        "held until the quiet hours end"
    );
    // A message to the person due while the quiet hours last (a retry, a
    // stored time moved) is held again when it is about to go, not sent.
    o.app
        .sql("UPDATE notification_deliveries SET next_attempt_at = created_at WHERE channel = 'push'")
        .await;
    drain(&o, &cfg).await;
    assert!(g.bodies("/push").is_empty(), "held again");
    let d = deliveries(&o, &o.deputy_tokens[0], &replied).await;
    assert!(
        d.iter()
            .all(|x| x["state"] == "pending" && x["attempts"] == 0),
        "{d:?}"
    );
    // The quiet hours end (the person's choice and the stored time moved,
    // as the clock would).
    o.app
        .put(
            prefs,
            Some(&o.deputy_tokens[0]),
            &json!({"channels": ["push", "wecom"]}),
        )
        .await
        .ok(200);
    o.app
        .sql("UPDATE notification_deliveries SET next_attempt_at = created_at")
        .await;

    // A sender claims them and dies; once its lease runs out another sends
    // them, and two senders at once send each once.
    let dead = o
        .app
        .store
        .claim_notification_deliveries(
            "dead",
            &cfg.offered(),
            10,
            chrono::Duration::milliseconds(300),
        )
        .await
        .unwrap();
    assert_eq!(dead.len(), 2);
    drain(&o, &cfg).await;
    assert_eq!(
        g.bodies("/wecom").len(),
        earlier,
        "claimed by the dead sender"
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    let second = o.app.second_instance().await;
    let other = sender(&base, "sender-2");
    let (c1, c2) = (
        renda::delivery::client(&cfg).unwrap(),
        renda::delivery::client(&other).unwrap(),
    );
    let (a, b) = tokio::join!(
        deliver_once(&o.app.store, &c1, &cfg),
        deliver_once(&second.store, &c2, &other)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 2);
    drain(&o, &cfg).await;
    assert_eq!(g.bodies("/wecom").len(), earlier + 1);
    let d = deliveries(&o, &o.deputy_tokens[0], &replied).await;
    assert!(
        d.iter()
            .all(|x| x["state"] == "sent" || x["last_error"] == "no device registered"),
        "{d:?}"
    );
}

/// The tokens the push gateway was sent to, in order.
fn pushed_tokens(g: &Gateway) -> Vec<String> {
    g.bodies("/push")
        .iter()
        .map(|b| b["token"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn a_retry_goes_only_where_it_failed_and_a_change_of_mind_withdraws_what_waits() {
    let o = office().await;
    let (base, g) = gateway();
    let cfg = sender(&base, "sender-1");
    let me = &o.deputy_tokens[0];
    for token in ["phone-good", "phone-flaky"] {
        o.app
            .post(
                "/api/v1/me/devices",
                Some(me),
                &json!({"platform": "android", "token": token}),
            )
            .await
            .ok(201);
    }
    // One phone's push fails once: the retry goes to it alone.
    *g.push_fail.lock().unwrap() = ("phone-flaky".into(), 1);
    let id = o.submitted().await;
    o.op(&o.staff, &id, "register", json!({})).await.ok(200);
    drain(&o, &cfg).await;
    let registered = newest(&o, me, "suggestion_registered").await;
    let push = by_channel(&deliveries(&o, me, &registered).await, "push").clone();
    assert_eq!(
        (&push["state"], &push["attempts"]),
        (&json!("sent"), &json!(2))
    );
    let mut tokens = pushed_tokens(&g);
    tokens.sort();
    assert_eq!(tokens, ["phone-flaky", "phone-flaky", "phone-good"]);

    // Fanned out, then the deputy mutes the kind: what waits is withdrawn,
    // sent by no channel, and stays in the inbox.
    let before = g.got.lock().unwrap().len();
    let assign = json!({"lead_unit_id": o.units[0], "color": "green"});
    o.op(&o.staff, &id, "assign", assign).await.ok(200);
    o.reply(&id).await.ok(200);
    o.app
        .store
        .fan_out_notifications(&cfg.offered(), 100)
        .await
        .unwrap();
    o.app
        .put(
            "/api/v1/me/notification-preferences",
            Some(me),
            &json!({"muted": ["suggestion_replied"]}),
        )
        .await
        .ok(200);
    drain(&o, &cfg).await;
    let replied = newest(&o, me, "suggestion_replied").await;
    let d = deliveries(&o, me, &replied).await;
    assert!(!d.is_empty());
    assert!(
        d.iter()
            .all(|x| x["state"] == "withdrawn" && x["attempts"] == 0),
        "{d:?}"
    );
    let sent_since: Vec<String> = g.got.lock().unwrap()[before..]
        .iter()
        .map(|(_, _, b)| b.clone())
        .collect();
    assert!(
        sent_since.iter().all(|b| !b.contains("已答复")),
        "{sent_since:?}"
    );
    assert_eq!(replied["read"], false);
}

#[tokio::test]
async fn a_group_robot_gets_a_notice_once_however_many_senders_fan_it_out() {
    let o = office().await;
    let (base, g) = gateway();
    let admin = o.app.admin().await;
    let mut office_staff = vec![o.staff.clone()];
    for i in 0..5 {
        office_staff.push(
            o.app
                .user_token(&admin, &format!("clerk{i}"), &["staff"], json!({}))
                .await,
        );
    }
    // Each of six office accounts is told of the submission: one notice.
    o.submitted().await;
    let (a, b) = (sender(&base, "sender-1"), sender(&base, "sender-2"));
    let second = o.app.second_instance().await;
    let fan = |store: renda_persistence::Store, offered: Vec<renda_domain::delivery::Channel>| async move {
        for _ in 0..6 {
            store.fan_out_notifications(&offered, 1).await.unwrap();
        }
    };
    tokio::join!(
        fan(o.app.store.clone(), a.offered()),
        fan(second.store.clone(), b.offered())
    );
    // Whoever's notification made the group's post mutes the kind after:
    // the post stands for the whole group, and still goes.
    for token in &office_staff {
        o.app
            .put(
                "/api/v1/me/notification-preferences",
                Some(token),
                &json!({"muted": ["suggestion_submitted"]}),
            )
            .await
            .ok(200);
    }
    drain(&o, &a).await;
    let mut robot = 0;
    for token in &office_staff {
        let n = newest(&o, token, "suggestion_submitted").await;
        robot += deliveries(&o, token, &n)
            .await
            .iter()
            .filter(|d| d["channel"] == "wecom")
            .count();
    }
    assert_eq!(robot, 1);
    assert_eq!(g.bodies("/wecom").len(), 1);
}

#[tokio::test]
async fn an_account_disabled_loses_its_phones() {
    let o = office().await;
    let me = &o.deputy_tokens[1];
    o.app
        .post(
            "/api/v1/me/devices",
            Some(me),
            &json!({"platform": "ios", "token": "apns-1"}),
        )
        .await
        .ok(201);
    let uid = o.app.get("/api/v1/me", Some(me)).await.ok(200)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let id: uuid::Uuid = uid.parse().unwrap();
    assert_eq!(o.app.store.devices(id).await.unwrap().len(), 1);
    // Invited to co-sign: its messages wait to go when it is disabled.
    o.draft(&[1]).await;
    let (base, g) = gateway();
    let cfg = sender(&base, "sender-1");
    o.app
        .store
        .fan_out_notifications(&cfg.offered(), 100)
        .await
        .unwrap();
    let invited = newest(&o, me, "co_signature_invited").await;
    let nid: uuid::Uuid = invited["id"].as_str().unwrap().parse().unwrap();
    let admin = o.app.admin().await;
    o.app
        .patch(
            &format!("/api/v1/users/{uid}"),
            Some(&admin),
            &json!({"status": "disabled"}),
        )
        .await
        .ok(200);
    assert!(o.app.store.devices(id).await.unwrap().is_empty());
    // What waited is withdrawn, not sent to a disabled account's phone.
    drain(&o, &cfg).await;
    let d = o
        .app
        .store
        .deliveries_of_notification(id, nid)
        .await
        .unwrap();
    assert!(!d.is_empty());
    assert!(
        d.iter()
            .all(|x| x.state == renda_domain::delivery::DeliveryState::Withdrawn),
        "{d:?}"
    );
    assert!(g.bodies("/sms").is_empty() && g.bodies("/push").is_empty());
}
