//! Incremental sync: a client that copies a collection, then asks only
//! for what changed since (`modified_since`, with tombstones for what was
//! deleted), ends with exactly the server's data, page by page.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

/// A client's copy of one collection.
struct Replica {
    rows: BTreeMap<String, Value>,
    /// The latest `updated_at` seen: where the next sync starts.
    since: Option<String>,
}

impl Replica {
    fn new() -> Self {
        Self {
            rows: BTreeMap::new(),
            since: None,
        }
    }

    /// Pulls every page of changes since the last sync (3 rows a page, so
    /// that the cursor is used) and applies them.
    async fn sync(&mut self, app: &TestApp, path: &str, token: Option<&str>) {
        let since = self
            .since
            .clone()
            .unwrap_or_else(|| "2000-01-01T00:00:00Z".to_owned());
        let mut cursor: Option<String> = None;
        loop {
            let mut url = format!(
                "{path}?limit=3&include_deleted=true&modified_since={}",
                urlencode(&since)
            );
            if let Some(c) = &cursor {
                url.push_str(&format!("&cursor={c}"));
            }
            let page = app.get(&url, token).await;
            let page = page.ok(200).clone();
            for item in page["items"].as_array().unwrap() {
                let id = item["id"].as_str().unwrap().to_owned();
                let at = item["updated_at"].as_str().unwrap().to_owned();
                if self.since.as_deref().is_none_or(|s| at.as_str() > s) {
                    self.since = Some(at);
                }
                if item["deleted"] == true {
                    self.rows.remove(&id);
                } else {
                    self.rows.insert(id, item.clone());
                }
            }
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
    }
}

fn urlencode(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}

/// The server's current rows, read in full, page by page.
async fn server_rows(app: &TestApp, path: &str, token: Option<&str>) -> BTreeMap<String, Value> {
    let mut rows = BTreeMap::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("{path}?limit=100");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let a = app.get(&url, token).await;
        let page = a.ok(200).clone();
        for v in page["items"].as_array().unwrap() {
            rows.insert(v["id"].as_str().unwrap().to_owned(), v.clone());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return rows,
        }
    }
}

#[tokio::test]
async fn a_syncing_client_converges_on_every_deletable_collection() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let staff = app
        .user_token(&admin, "office", &["staff"], json!({}))
        .await;
    let d = app.create_deputy(&staff, json!({"name": "甲"})).await;
    let did = d["id"].as_str().unwrap().to_owned();
    let deputy = app
        .user_token(&admin, "deputy", &["deputy"], json!({"deputy_id": did}))
        .await;

    // Units, deputies, stations and a deputy's hand-made duties: make some.
    let mut units = Vec::new();
    let mut deputies = Vec::new();
    let mut stations = Vec::new();
    let mut duties = Vec::new();
    for i in 0..7 {
        units.push(app.create_unit(&staff, &format!("单位{i}")).await);
        deputies.push(
            app.create_deputy(&staff, json!({"name": format!("代表{i}")}))
                .await,
        );
        let s = app
            .post(
                "/api/v1/stations",
                Some(&staff),
                &json!({"kind": "point", "name": format!("联系点{i}")}),
            )
            .await;
        stations.push(s.ok(201).clone());
        let today = chrono::Utc::now().date_naive() - chrono::Duration::days(1);
        let r = app
            .post(
                &format!("/api/v1/deputies/{did}/duties"),
                Some(&deputy),
                &json!({"kind": "visit", "occurred_on": today, "title": format!("走访{i}")}),
            )
            .await;
        duties.push(r.ok(201).clone());
    }
    let duty_path = format!("/api/v1/deputies/{did}/duties");
    let collections: Vec<(&str, Option<&str>)> = vec![
        ("/api/v1/units", Some(&staff)),
        ("/api/v1/deputies", None),
        ("/api/v1/stations", None),
        (&duty_path, Some(&deputy)),
    ];
    let mut replicas: Vec<Replica> = collections.iter().map(|_| Replica::new()).collect();
    for ((path, token), r) in collections.iter().zip(replicas.iter_mut()) {
        r.sync(&app, path, *token).await;
        assert_eq!(r.rows, server_rows(&app, path, *token).await, "{path}");
    }

    // Changes and deletions on every collection, then a second sync.
    let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
    app.patch(
        &format!("/api/v1/units/{}", id(&units[1])),
        Some(&staff),
        &json!({"contact_person": "新联系人"}),
    )
    .await
    .ok(200);
    app.delete(&format!("/api/v1/units/{}", id(&units[2])), Some(&staff))
        .await
        .ok(204);
    app.patch(
        &format!("/api/v1/deputies/{}", id(&deputies[3])),
        Some(&staff),
        &json!({"occupation": "教师"}),
    )
    .await
    .ok(200);
    app.delete(
        &format!("/api/v1/deputies/{}", id(&deputies[4])),
        Some(&staff),
    )
    .await
    .ok(204);
    app.patch(
        &format!("/api/v1/stations/{}", id(&stations[5])),
        Some(&staff),
        &json!({"address": "新址"}),
    )
    .await
    .ok(200);
    app.delete(
        &format!("/api/v1/stations/{}", id(&stations[6])),
        Some(&staff),
    )
    .await
    .ok(204);
    app.patch(
        &format!("{duty_path}/{}", id(&duties[0])),
        Some(&deputy),
        &json!({"content": "补记"}),
    )
    .await
    .ok(200);
    app.delete(&format!("{duty_path}/{}", id(&duties[1])), Some(&deputy))
        .await
        .ok(204);
    app.create_unit(&staff, "新单位").await;
    // A station assignment changes the deputy's profile too.
    app.patch(
        &format!("/api/v1/stations/{}", id(&stations[0])),
        Some(&staff),
        &json!({"deputy_ids": [id(&deputies[0])]}),
    )
    .await
    .ok(200);

    for ((path, token), r) in collections.iter().zip(replicas.iter_mut()) {
        let before = r.rows.len();
        r.sync(&app, path, *token).await;
        assert_eq!(r.rows, server_rows(&app, path, *token).await, "{path}");
        assert!(before > 0);
    }
    // The changed rows are the new versions.
    assert_eq!(
        replicas[0].rows[&id(&units[1])]["contact_person"],
        "新联系人"
    );
    assert!(!replicas[0].rows.contains_key(&id(&units[2])));
    assert_eq!(
        replicas[1].rows[&id(&deputies[0])]["station_ids"],
        json!([id(&stations[0])])
    );
    assert!(!replicas[3].rows.contains_key(&id(&duties[1])));
}

#[tokio::test]
async fn a_syncing_client_converges_on_the_other_collections() {
    use renda_domain::time::Clock;
    let app = spawn_app().await;
    renda::demo::load(&app.store, app.clock.today())
        .await
        .unwrap();
    let admin = app.admin().await;
    let staff = app.login("demo-staff", renda::demo::DEMO_PASSWORD).await;
    let deputy = app.login("demo-deputy0", renda::demo::DEMO_PASSWORD).await;
    let collections: Vec<(&str, &str)> = vec![
        ("/api/v1/suggestions", &staff),
        ("/api/v1/suggestions", &deputy),
        ("/api/v1/supervisions", &staff),
        ("/api/v1/observers", &staff),
        ("/api/v1/activities", &staff),
        ("/api/v1/needs", &staff),
        ("/api/v1/livelihood-rounds", &staff),
        ("/api/v1/constituent-opinions", &staff),
        ("/api/v1/users", &admin),
        ("/api/v1/clients", &admin),
        ("/api/v1/webhooks", &admin),
        ("/api/v1/motions", &staff),
        ("/api/v1/motions", &deputy),
        ("/api/v1/congress-sessions", &deputy),
        ("/api/v1/assignment-batches", &staff),
        ("/api/v1/key-supervision-lists", &staff),
    ];
    let mut replicas: Vec<Replica> = collections.iter().map(|_| Replica::new()).collect();
    for ((path, token), r) in collections.iter().zip(replicas.iter_mut()) {
        r.sync(&app, path, Some(token)).await;
        assert_eq!(r.rows, server_rows(&app, path, Some(token)).await, "{path}");
    }

    // Changes everywhere: new rows, changed rows, deleted rows.
    let s = app
        .post(
            "/api/v1/suggestions",
            Some(&deputy),
            &json!({"title": "同步测试", "content": "内容", "category": "交通",
                    "term": "第十八届", "timing": "between_sessions"}),
        )
        .await;
    let sid = s.ok(201)["id"].as_str().unwrap().to_owned();
    app.post(
        &format!("/api/v1/suggestions/{sid}/submit"),
        Some(&deputy),
        &json!({}),
    )
    .await
    .ok(200);
    let listed = server_rows(&app, "/api/v1/supervisions", Some(&staff)).await;
    let (item, _) = listed.iter().next().unwrap();
    app.patch(
        &format!("/api/v1/supervisions/{item}"),
        Some(&staff),
        &json!({"description": "同步测试"}),
    )
    .await
    .ok(200);
    let observers = server_rows(&app, "/api/v1/observers", Some(&staff)).await;
    let (observer, _) = observers.iter().next().unwrap();
    app.patch(
        &format!("/api/v1/observers/{observer}"),
        Some(&staff),
        &json!({"name": "改名观察员"}),
    )
    .await
    .ok(200);
    let today = app.clock.today();
    app.post(
        "/api/v1/activities",
        Some(&staff),
        &json!({"kind": "service_brand", "brand": "代表+", "title": "同步活动", "day": today,
                "place": "代表之家", "organiser": "代表工委"}),
    )
    .await
    .ok(201);
    app.post(
        "/api/v1/needs",
        Some(&staff),
        &json!({"requester": "某公司", "requester_kind": "enterprise", "content": "同步需求"}),
    )
    .await
    .ok(201);
    app.post(
        "/api/v1/livelihood-rounds",
        Some(&staff),
        &json!({"year": 2028, "level": "county", "term": "第十九届",
                "title": "同步轮次", "seats": 3, "secret_ballot": true}),
    )
    .await
    .ok(201);
    app.post(
        "/api/v1/constituent-opinions",
        None,
        &json!({"content": "同步意见"}),
    )
    .await
    .ok(201);
    // A motion drafted in the session, one filed motion registered, a new
    // session planned.
    app.post(
        "/api/v1/motions",
        Some(&deputy),
        &json!({"title": "同步议案", "reason": "理由", "proposal": "方案"}),
    )
    .await
    .ok(201);
    let filed = server_rows(&app, "/api/v1/motions", Some(&staff)).await;
    let (submitted, _) = filed
        .iter()
        .find(|(_, m)| m["status"] == "submitted")
        .unwrap();
    app.post(
        &format!("/api/v1/motions/{submitted}/register"),
        Some(&staff),
        &json!({}),
    )
    .await
    .ok(200);
    app.post(
        "/api/v1/congress-sessions",
        Some(&staff),
        &json!({"level": "township", "term": "第十五届", "number": 1,
                "opens_on": "2027-01-05", "closes_on": "2027-01-06"}),
    )
    .await
    .ok(201);
    let users = server_rows(&app, "/api/v1/users", Some(&admin)).await;
    let (user, _) = users
        .iter()
        .find(|(_, u)| u["username"] == "demo-leader")
        .unwrap();
    app.patch(
        &format!("/api/v1/users/{user}"),
        Some(&admin),
        &json!({"display_name": "改名"}),
    )
    .await
    .ok(200);
    let mut clients = Vec::new();
    for name in ["甲 OA", "乙 OA"] {
        let c = app
            .post(
                "/api/v1/clients",
                Some(&admin),
                &json!({"name": name, "scopes": ["suggestions:read"]}),
            )
            .await;
        clients.push(c.ok(201)["client"]["id"].as_str().unwrap().to_owned());
    }
    let mut hooks = Vec::new();
    for i in 0..2 {
        let h = app
            .post(
                "/api/v1/webhooks",
                Some(&admin),
                &json!({"url": format!("https://202.96.134.133/hook{i}"), "event_types": ["*"]}),
            )
            .await;
        hooks.push(h.ok(201)["webhook"]["id"].as_str().unwrap().to_owned());
    }
    for ((path, token), r) in collections.iter().zip(replicas.iter_mut()) {
        r.sync(&app, path, Some(token)).await;
        assert_eq!(r.rows, server_rows(&app, path, Some(token)).await, "{path}");
    }
    // Then deletions of clients and webhooks, and a third sync.
    app.delete(&format!("/api/v1/clients/{}", clients[0]), Some(&admin))
        .await
        .ok(204);
    app.delete(&format!("/api/v1/webhooks/{}", hooks[1]), Some(&admin))
        .await
        .ok(204);
    app.patch(
        &format!("/api/v1/clients/{}", clients[1]),
        Some(&admin),
        &json!({"status": "disabled"}),
    )
    .await
    .ok(200);
    for ((path, token), r) in collections.iter().zip(replicas.iter_mut()) {
        r.sync(&app, path, Some(token)).await;
        assert_eq!(r.rows, server_rows(&app, path, Some(token)).await, "{path}");
    }
    assert!(replicas[0].rows.contains_key(&sid));
    assert!(!replicas[9].rows.contains_key(&clients[0]));
    assert_eq!(replicas[9].rows[&clients[1]]["status"], "disabled");
    assert!(!replicas[10].rows.contains_key(&hooks[1]));
    assert_eq!(replicas[10].rows.len(), 1);
}

/// A copy kept in commit order: what the client stores is `after`.
struct SeqReplica {
    rows: BTreeMap<String, Value>,
    after: i64,
    /// Every (object, state) received, to find one received twice.
    seen: Vec<(String, String)>,
}

impl SeqReplica {
    async fn sync(&mut self, app: &TestApp, path: &str) {
        let mut cursor: Option<String> = None;
        let mut next_after = None;
        loop {
            let mut url = format!("{path}?limit=7&include_deleted=true&after={}", self.after);
            if let Some(c) = &cursor {
                url.push_str(&format!("&cursor={c}"));
            }
            let page = app.get(&url, None).await.ok(200).clone();
            for item in page["items"].as_array().unwrap() {
                let id = item["id"].as_str().unwrap().to_owned();
                let state = if item["deleted"] == true {
                    "deleted".to_owned()
                } else {
                    item["occupation"].as_str().unwrap_or("").to_owned()
                };
                self.seen.push((id.clone(), state));
                if item["deleted"] == true {
                    self.rows.remove(&id);
                } else {
                    self.rows.insert(id, item.clone());
                }
            }
            next_after = page["next_after"].as_i64().or(next_after);
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
        self.after = next_after.expect("a sync by sequence answers next_after");
    }
}

#[tokio::test]
async fn a_reader_syncing_while_others_write_sees_every_change_exactly_once() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let app = spawn_app().await;
    let staff = app.staff().await;
    let done = AtomicBool::new(false);
    // Four writers: each creates deputies, changes them, deletes some.
    let writer = |w: usize| {
        let (app, staff) = (&app, &staff);
        async move {
            for i in 0..12 {
                let d = app
                    .create_deputy(
                        staff,
                        json!({"name": format!("代表{w}-{i}"), "occupation": "v1"}),
                    )
                    .await;
                let path = format!("/api/v1/deputies/{}", d["id"].as_str().unwrap());
                app.patch(&path, Some(staff), &json!({"occupation": "v2"}))
                    .await
                    .ok(200);
                if i % 4 == 0 {
                    app.delete(&path, Some(staff)).await.ok(204);
                }
            }
        }
    };
    let mut replica = SeqReplica {
        rows: BTreeMap::new(),
        after: 0,
        seen: Vec::new(),
    };
    let reader = async {
        let mut syncs = 0;
        while !done.load(Ordering::SeqCst) {
            replica.sync(&app, "/api/v1/deputies").await;
            syncs += 1;
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        replica.sync(&app, "/api/v1/deputies").await;
        syncs + 1
    };
    let writers = async {
        futures_util::future::join_all((0..4).map(writer)).await;
        done.store(true, Ordering::SeqCst);
    };
    let (syncs, ()) = tokio::join!(reader, writers);
    assert!(syncs > 2, "the reader synced while the writers wrote");
    // The copy is the server's data, exactly.
    assert_eq!(
        replica.rows,
        server_rows(&app, "/api/v1/deputies", None).await
    );
    assert_eq!(replica.rows.len(), 36);
    assert!(replica.rows.values().all(|d| d["occupation"] == "v2"));
    // No state of an object came twice.
    let mut seen = replica.seen.clone();
    seen.sort();
    let before = seen.len();
    seen.dedup();
    assert_eq!(before, seen.len(), "a change was received twice");
    // And a sync with nothing new answers nothing, keeping its place.
    let after = replica.after;
    let again = app
        .get(&format!("/api/v1/deputies?after={after}"), None)
        .await;
    assert_eq!(again.ok(200)["items"], json!([]));
    assert_eq!(again.body["next_after"], after);
    // Both filters at once: what changed after the number and since the
    // instant; nothing is both here.
    let both = app
        .get(
            "/api/v1/deputies?after=0&modified_since=2099-01-01T00:00:00Z",
            None,
        )
        .await;
    assert_eq!(both.ok(200)["items"], json!([]));
    // Bad input: a negative number, a cursor of another order.
    app.get("/api/v1/deputies?after=-1", None)
        .await
        .problem(422, "validation_failed");
    let first = app.get("/api/v1/deputies?limit=1", None).await;
    let cursor = first.ok(200)["next_cursor"].as_str().unwrap().to_owned();
    app.get(&format!("/api/v1/deputies?after=0&cursor={cursor}"), None)
        .await
        .problem(422, "validation_failed");
}

/// A change committed after later ones were read still comes: while a
/// transaction (of another instance, say) holds a change to one deputy and
/// a lock on another whose change committed but was not read yet, a third
/// deputy changes and a reader syncs past that change without waiting for
/// either; then the transaction commits, and the reader's next sync brings
/// both.
#[tokio::test]
async fn a_change_committed_after_later_ones_were_read_still_comes() {
    use sea_orm::{ConnectionTrait, Database, TransactionTrait};
    let app = spawn_app().await;
    let staff = app.staff().await;
    let mut ids = Vec::new();
    for name in ["代表甲", "代表乙", "代表丙"] {
        let d = app.create_deputy(&staff, json!({ "name": name })).await;
        ids.push(d["id"].as_str().unwrap().to_owned());
    }
    let (held, locked, third) = (&ids[0], &ids[1], &ids[2]);
    let mut replica = SeqReplica {
        rows: BTreeMap::new(),
        after: 0,
        seen: Vec::new(),
    };
    replica.sync(&app, "/api/v1/deputies").await;
    assert_eq!(replica.rows.len(), 3);
    let patch = |id: &str, occupation: &str| {
        let path = format!("/api/v1/deputies/{id}");
        let body = json!({ "occupation": occupation });
        let (app, staff) = (&app, &staff);
        async move { app.patch(&path, Some(staff), &body).await.ok(200).clone() }
    };
    patch(locked, "先提交").await;

    let sqlite = app.store.is_sqlite();
    let conn = if sqlite {
        Database::connect(app.db.url.clone()).await.unwrap()
    } else {
        let mut o = sea_orm::ConnectOptions::new(app.db.url.clone());
        o.set_schema_search_path(app.db.schema.clone().unwrap());
        Database::connect(o).await.unwrap()
    };
    let literal = |id: &str| {
        if sqlite {
            format!("x'{}'", id.replace('-', ""))
        } else {
            format!("'{id}'")
        }
    };
    let txn = conn.begin().await.unwrap();
    txn.execute_unprepared(&format!(
        "UPDATE deputies SET occupation = '后来提交', version = version + 1 WHERE id = {}",
        literal(held)
    ))
    .await
    .unwrap();
    let limit = std::time::Duration::from_secs(5);
    if !sqlite {
        // SQLite writes one transaction at a time: only PostgreSQL lets
        // rows be locked and another change commit meanwhile.
        txn.execute_unprepared(&format!(
            "SELECT id FROM deputies WHERE id = {} FOR UPDATE",
            literal(locked)
        ))
        .await
        .unwrap();
        tokio::time::timeout(limit, patch(third, "最后"))
            .await
            .expect("a change of another row does not wait for the held ones");
    }
    let before = replica.after;
    tokio::time::timeout(limit, replica.sync(&app, "/api/v1/deputies"))
        .await
        .expect("a reader waits for neither held row");
    assert_eq!(replica.rows[held]["occupation"], Value::Null);
    if !sqlite {
        assert_eq!(replica.rows[third]["occupation"], "最后");
        assert!(
            replica.after > before,
            "the reader moved past the third change"
        );
    }
    txn.commit().await.unwrap();
    let before = replica.after;
    replica.sync(&app, "/api/v1/deputies").await;
    assert!(replica.after > before);
    assert_eq!(replica.rows[held]["occupation"], "后来提交");
    assert_eq!(replica.rows[locked]["occupation"], "先提交");
    assert_eq!(
        replica.rows,
        server_rows(&app, "/api/v1/deputies", None).await
    );
}
