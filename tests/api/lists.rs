//! Lists in the order people read them, paged exactly in any order, with a
//! `Link` to the next page.

use serde_json::json;

use crate::helpers::{Answer, TestApp, spawn_app};

fn names(a: &Answer) -> Vec<String> {
    a.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_owned())
        .collect()
}

/// Every page of `path` (which has a query), following `next_cursor`.
async fn all_pages(app: &TestApp, path: &str, token: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let url = match &next {
            Some(c) => format!("{path}&cursor={c}"),
            None => path.to_owned(),
        };
        let a = app.get(&url, Some(token)).await;
        a.ok(200);
        out.extend(names(&a));
        match a.body["next_cursor"].as_str() {
            Some(c) => next = Some(c.to_owned()),
            None => return out,
        }
    }
}

#[tokio::test]
async fn lists_sort_newest_first_or_by_last_change_and_page_exactly() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(app.create_unit(&staff, &format!("区测试局{i}")).await["id"].clone());
    }
    let created: Vec<String> = (0..5).map(|i| format!("区测试局{i}")).collect();
    let newest: Vec<String> = created.iter().rev().cloned().collect();
    let base = "/api/v1/units?q=区测试局&limit=2";
    assert_eq!(all_pages(&app, base, &staff).await, created);
    assert_eq!(
        all_pages(&app, &format!("{base}&sort=created"), &staff).await,
        created
    );
    assert_eq!(
        all_pages(&app, &format!("{base}&sort=-created"), &staff).await,
        newest
    );

    // Changing the second one makes it the latest changed.
    let id = ids[1].as_str().unwrap();
    let unit = app.get(&format!("/api/v1/units/{id}"), Some(&staff)).await;
    let etag = unit.header("etag").unwrap().to_owned();
    let r = app
        .request(
            reqwest::Method::PATCH,
            &format!("/api/v1/units/{id}"),
            Some(&staff),
        )
        .header("If-Match", etag)
        .json(&json!({"contact_person": "赵磊"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let latest = all_pages(&app, &format!("{base}&sort=-updated"), &staff).await;
    assert_eq!(latest[0], "区测试局1");
    assert_eq!(latest.len(), 5);
    let oldest = all_pages(&app, &format!("{base}&sort=updated"), &staff).await;
    assert_eq!(oldest.last().map(String::as_str), Some("区测试局1"));

    // A cursor belongs to its order.
    let first = app
        .get(&format!("{base}&sort=-created"), Some(&staff))
        .await;
    let cursor = first.ok(200)["next_cursor"].as_str().unwrap().to_owned();
    app.get(&format!("{base}&cursor={cursor}"), Some(&staff))
        .await
        .problem(422, "validation_failed");
    // A sync by `after` keeps commit order whatever `sort` says; one by
    // time takes the order asked for, with the filter.
    let synced = app
        .get(
            "/api/v1/units?after=0&sort=-created&q=区测试局",
            Some(&staff),
        )
        .await;
    synced.ok(200);
    assert_eq!(
        names(&synced)[0],
        "区测试局0",
        "commit order: the first created first"
    );
    let since = "2000-01-01T00:00:00Z";
    let by_time = all_pages(
        &app,
        &format!("{base}&modified_since={since}&sort=-created"),
        &staff,
    )
    .await;
    assert_eq!(by_time, newest);
    app.get("/api/v1/units?sort=name", Some(&staff))
        .await
        .problem(422, "validation_failed");
}

#[tokio::test]
async fn a_page_links_to_the_next_with_the_same_query() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    for i in 0..3 {
        app.create_unit(&staff, &format!("区链接局{i}")).await;
    }
    let first = app
        .get(
            "/api/v1/units?q=区链接局&limit=2&sort=-created",
            Some(&staff),
        )
        .await;
    first.ok(200);
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let link = first.header("link").unwrap().to_owned();
    assert!(link.ends_with(">; rel=\"next\""), "{link}");
    assert!(link.contains("sort=-created"), "{link}");
    assert!(link.contains("limit=2"), "{link}");
    // The link is the next page.
    let target = link
        .trim_start_matches('<')
        .split(">;")
        .next()
        .unwrap()
        .to_owned();
    let second = app.get(&target, Some(&staff)).await;
    second.ok(200);
    assert_eq!(names(&second), ["区链接局0"]);
    let by_cursor = app
        .get(
            &format!("/api/v1/units?q=区链接局&limit=2&sort=-created&cursor={cursor}"),
            Some(&staff),
        )
        .await;
    assert_eq!(names(&by_cursor), names(&second));
    // The last page links nowhere.
    assert!(second.header("link").is_none());
}
