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

/// The server's current rows, read in full.
async fn server_rows(app: &TestApp, path: &str, token: Option<&str>) -> BTreeMap<String, Value> {
    let a = app.get(&format!("{path}?limit=100"), token).await;
    a.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["id"].as_str().unwrap().to_owned(), v.clone()))
        .collect()
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
