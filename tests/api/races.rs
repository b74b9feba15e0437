//! Decisions that depend on other rows, raced: two requests that each
//! pass on their own must not both succeed when together they break a
//! rule of the data.

use renda_domain::time::Clock;
use serde_json::{Value, json};

use crate::helpers::{Answer, TestApp, spawn_app};

async fn station(app: &TestApp, staff: &str, body: Value) -> String {
    let a = app.post("/api/v1/stations", Some(staff), &body).await;
    a.ok(201)["id"].as_str().unwrap().to_owned()
}

/// Walks up from `id`; the top must be reached within a few steps.
async fn top_of(app: &TestApp, staff: &str, id: &str) -> String {
    let mut at = id.to_owned();
    for _ in 0..10 {
        let s = app
            .get(&format!("/api/v1/stations/{at}"), Some(staff))
            .await;
        match s.ok(200)["parent_id"].as_str() {
            Some(p) => at = p.to_owned(),
            None => return at,
        }
    }
    panic!("the stations above {id} loop");
}

/// The two answers of a raced round: not both successes, each one of the
/// `allowed` statuses.
fn not_both(round: usize, what: &str, a: (&Answer, u16), b: (&Answer, u16), allowed: &[u16]) {
    assert!(
        !(a.0.status == a.1 && b.0.status == b.1),
        "round {round}: {what}"
    );
    for r in [a.0, b.0] {
        assert!(
            allowed.contains(&r.status.as_u16()),
            "round {round}: {} {}",
            r.status,
            r.text
        );
    }
}

#[tokio::test]
async fn stations_made_each_others_parent_at_once_never_loop() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let root = station(
        &app,
        &staff,
        json!({"kind": "station", "name": "县联络总站"}),
    )
    .await;
    for i in 0..15 {
        let a = station(
            &app,
            &staff,
            json!({"kind": "station", "name": format!("甲站{i}"), "parent_id": root}),
        )
        .await;
        let b = station(
            &app,
            &staff,
            json!({"kind": "station", "name": format!("乙站{i}"), "parent_id": root}),
        )
        .await;
        let (path_a, path_b) = (
            format!("/api/v1/stations/{a}"),
            format!("/api/v1/stations/{b}"),
        );
        let (under_b, under_a) = (json!({"parent_id": b}), json!({"parent_id": a}));
        let (ra, rb): (Answer, Answer) = tokio::join!(
            app.patch(&path_a, Some(&staff), &under_b),
            app.patch(&path_b, Some(&staff), &under_a),
        );
        not_both(
            i,
            "both moved below each other",
            (&ra, 200),
            (&rb, 200),
            &[200, 409, 422],
        );
        assert_eq!(top_of(&app, &staff, &a).await, root, "round {i}");
        assert_eq!(top_of(&app, &staff, &b).await, root, "round {i}");
    }
}

#[tokio::test]
async fn a_station_deleted_while_a_child_is_added_leaves_no_orphan() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let root = station(
        &app,
        &staff,
        json!({"kind": "station", "name": "县联络总站"}),
    )
    .await;
    for i in 0..10 {
        let parent = station(
            &app,
            &staff,
            json!({"kind": "station", "name": format!("乡镇站{i}"), "parent_id": root}),
        )
        .await;
        let path = format!("/api/v1/stations/{parent}");
        let body = json!({"kind": "point", "name": format!("联系点{i}"), "parent_id": parent});
        let (deleted, child): (Answer, Answer) = tokio::join!(
            app.delete(&path, Some(&staff)),
            app.post("/api/v1/stations", Some(&staff), &body),
        );
        assert!(
            !(deleted.status == 204 && child.status == 201),
            "round {i}: the parent was deleted and a child added below it"
        );
        if child.status == 201 {
            let id = child.body["id"].as_str().unwrap();
            assert_eq!(top_of(&app, &staff, id).await, root, "round {i}");
        }
    }
}

#[tokio::test]
async fn a_unit_deleted_while_an_account_is_linked_to_it_leaves_no_dangling_link() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let staff = app.staff().await;
    for i in 0..10 {
        let unit = app.create_unit(&staff, &format!("区第{i}局")).await;
        let unit = unit["id"].as_str().unwrap().to_owned();
        let body = json!({
            "username": format!("clerk{i}"), "password": "Clerk-Pass-2026",
            "display_name": "办事员", "roles": ["unit"], "unit_id": unit
        });
        let path = format!("/api/v1/units/{unit}");
        let (account, deleted): (Answer, Answer) = tokio::join!(
            app.post("/api/v1/users", Some(&admin), &body),
            app.delete(&path, Some(&staff)),
        );
        not_both(
            i,
            "an account was linked to a unit deleted at the same moment",
            (&account, 201),
            (&deleted, 204),
            &[201, 204, 409, 422],
        );
        if account.status == 201 {
            app.get(&format!("/api/v1/units/{unit}"), Some(&staff))
                .await
                .ok(200);
        }
    }
}

#[tokio::test]
async fn two_policy_changes_at_once_both_count_and_a_stale_one_is_refused() {
    let app = spawn_app().await;
    let security = app.security_admin().await;
    let policy = app.get("/api/v1/security-policy", Some(&security)).await;
    let etag = policy.header("etag").unwrap().to_owned();
    for round in 0..5 {
        let (age, idle) = (
            json!({"password_max_age_days": 90 + round}),
            json!({"session_idle_minutes": 40 + round}),
        );
        let (a, b): (Answer, Answer) = tokio::join!(
            app.patch("/api/v1/security-policy", Some(&security), &age),
            app.patch("/api/v1/security-policy", Some(&security), &idle),
        );
        a.ok(200);
        b.ok(200);
        let now = app.get("/api/v1/security-policy", Some(&security)).await;
        assert_eq!(
            now.ok(200)["password_max_age_days"],
            90 + round,
            "round {round}"
        );
        assert_eq!(
            now.body["session_idle_minutes"],
            40 + round,
            "round {round}"
        );
    }
    // The ETag read before those changes is stale now.
    let stale = Answer::read(
        app.request(
            reqwest::Method::PATCH,
            "/api/v1/security-policy",
            Some(&security),
        )
        .header("if-match", etag)
        .json(&json!({"password_max_age_days": 7}))
        .send()
        .await
        .unwrap(),
    )
    .await;
    stale.problem(412, "precondition_failed");
    let now = app.get("/api/v1/security-policy", Some(&security)).await;
    assert_eq!(now.ok(200)["password_max_age_days"], 94);
    let fresh = now.header("etag").unwrap().to_owned();
    let ok = Answer::read(
        app.request(
            reqwest::Method::PATCH,
            "/api/v1/security-policy",
            Some(&security),
        )
        .header("if-match", fresh)
        .json(&json!({"password_max_age_days": 7}))
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(ok.ok(200)["password_max_age_days"], 7);
}

#[tokio::test]
async fn a_password_set_while_the_account_becomes_a_checker_is_not_kept() {
    // The system administrator sets a staff account's password while the
    // security administrator makes it an audit administrator: the admin
    // must never end up knowing a checker's password.
    let app = spawn_app().await;
    let admin = app.admin().await;
    let security = app.security_admin().await;
    for i in 0..8 {
        let name = format!("checker{i}");
        let id = app.create_user(&admin, &name, &["staff"], json!({})).await;
        let path = format!("/api/v1/users/{id}");
        let known = "Known-To-Admin-2026";
        let (pw, roles) = (
            json!({"password": known}),
            json!({"roles": ["audit_admin"]}),
        );
        let (set, grant): (Answer, Answer) = tokio::join!(
            app.patch(&path, Some(&admin), &pw),
            app.patch(&path, Some(&security), &roles),
        );
        // The admin's change may also come after the grant: then the
        // account is a checker's, which the admin does not keep (403).
        for r in [&set, &grant] {
            assert!(
                [200, 403, 409].contains(&r.status.as_u16()),
                "round {i}: {} {}",
                r.status,
                r.text
            );
        }
        let now = app.get(&path, Some(&security)).await;
        let is_checker = now.ok(200)["roles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "audit_admin");
        if is_checker {
            let login = app.login_full(&name, known).await;
            assert_ne!(
                login.status, 200,
                "round {i}: the admin's password opens an audit administrator's account"
            );
        }
        if set.status == 409 {
            set.problem(409, "roles_changed");
        }
    }
}

#[tokio::test]
async fn a_unit_deleted_while_a_client_is_opened_for_it_leaves_no_dangling_link() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let staff = app.staff().await;
    for i in 0..10 {
        let unit = app.create_unit(&staff, &format!("区第{i}局")).await;
        let unit = unit["id"].as_str().unwrap().to_owned();
        let body =
            json!({"name": format!("OA {i}"), "scopes": ["suggestions:read"], "unit_id": unit});
        let path = format!("/api/v1/units/{unit}");
        let (client, deleted): (Answer, Answer) = tokio::join!(
            app.post("/api/v1/clients", Some(&admin), &body),
            app.delete(&path, Some(&staff)),
        );
        not_both(
            i,
            "a client acts for a unit deleted at the same moment",
            (&client, 201),
            (&deleted, 204),
            &[201, 204, 409, 422],
        );
    }
}

#[tokio::test]
async fn a_deputy_deleted_while_a_station_lists_them_leaves_no_dangling_link() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let station = station(&app, &staff, json!({"kind": "point", "name": "联系点"})).await;
    let path = format!("/api/v1/stations/{station}");
    for i in 0..10 {
        let d = app
            .create_deputy(&staff, json!({"name": format!("代表{i}")}))
            .await;
        let d = d["id"].as_str().unwrap().to_owned();
        let (list, gone) = (json!({"deputy_ids": [d]}), format!("/api/v1/deputies/{d}"));
        let (listed, deleted): (Answer, Answer) = tokio::join!(
            app.patch(&path, Some(&staff), &list),
            app.delete(&gone, Some(&staff)),
        );
        not_both(
            i,
            "a station lists a deputy deleted at the same moment",
            (&listed, 200),
            (&deleted, 204),
            &[200, 204, 409, 412, 422],
        );
    }
    // Taken off the station first, the deputy can be deleted.
    let d = app.create_deputy(&staff, json!({"name": "代表甲"})).await;
    let d = d["id"].as_str().unwrap().to_owned();
    app.patch(&path, Some(&staff), &json!({"deputy_ids": [d]}))
        .await
        .ok(200);
    app.delete(&format!("/api/v1/deputies/{d}"), Some(&staff))
        .await
        .problem(409, "deputy_at_station");
    app.patch(&path, Some(&staff), &json!({"deputy_ids": []}))
        .await
        .ok(200);
    app.delete(&format!("/api/v1/deputies/{d}"), Some(&staff))
        .await
        .ok(204);
}

#[tokio::test]
async fn a_loop_already_stored_is_walked_a_bounded_way_and_refused() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    station(&app, &staff, json!({"kind": "station", "name": "甲站"})).await;
    station(&app, &staff, json!({"kind": "station", "name": "乙站"})).await;
    // Bad data, as a hand edit of the database could leave it.
    app.sql("UPDATE stations SET parent_id = (SELECT id FROM stations WHERE name = '乙站') WHERE name = '甲站'")
        .await;
    app.sql("UPDATE stations SET parent_id = (SELECT id FROM stations WHERE name = '甲站') WHERE name = '乙站'")
        .await;
    let list = app.get("/api/v1/stations?q=甲站", Some(&staff)).await;
    let a = list.ok(200)["items"][0]["id"].as_str().unwrap().to_owned();
    let c = station(&app, &staff, json!({"kind": "point", "name": "丙点"})).await;
    // Putting a station below the loop: the walk up stops and refuses.
    let moved = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        app.patch(
            &format!("/api/v1/stations/{c}"),
            Some(&staff),
            &json!({"parent_id": a}),
        ),
    )
    .await
    .expect("the walk up a stored loop ends");
    // Refused by the handler's walk (422) or by the store's (409).
    assert!(
        [409, 422].contains(&moved.status.as_u16()),
        "{}",
        moved.text
    );
    assert!(moved.text.contains("cycle"), "{}", moved.text);
    let again = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        app.post(
            "/api/v1/stations",
            Some(&staff),
            &json!({"kind": "point", "name": "丁点", "parent_id": a}),
        ),
    )
    .await
    .expect("the walk up a stored loop ends");
    assert!(
        [409, 422].contains(&again.status.as_u16()),
        "{}",
        again.text
    );
    assert!(again.text.contains("cycle"), "{}", again.text);
}

/// Changes of one record sent at once, without If-Match: each either lands
/// or is refused with 409 `concurrent_change`; none is lost. The record's
/// version counts exactly the changes answered 200, and it shows one of
/// them.
#[tokio::test]
async fn changes_sent_at_once_each_land_or_are_refused_as_concurrent() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let created = app
        .post(
            "/api/v1/activities",
            Some(&staff),
            &json!({"kind": "visit", "title": "走访企业", "day": app.clock.today(),
                    "place": "开发区", "organiser": "代表工委"}),
        )
        .await;
    let path = format!(
        "/api/v1/activities/{}",
        created.ok(201)["id"].as_str().unwrap()
    );
    let version = |etag: &str| -> u64 {
        etag.trim_matches(|c: char| !c.is_ascii_digit())
            .parse()
            .unwrap_or_else(|_| panic!("an ETag with a version: {etag}"))
    };
    let first = version(app.get(&path, Some(&staff)).await.header("etag").unwrap());
    let mut landed = 0;
    let mut refused = 0;
    for round in 0..5 {
        let titles: Vec<String> = (0..6)
            .map(|i| format!("走访企业 第{round}轮 {i}"))
            .collect();
        let answers = futures_util::future::join_all(titles.iter().map(|t| {
            let body = json!({"title": t});
            let (app, path, staff) = (&app, &path, &staff);
            async move { app.patch(path, Some(staff), &body).await }
        }))
        .await;
        let mut won = Vec::new();
        for (t, a) in titles.iter().zip(&answers) {
            match a.status.as_u16() {
                200 => won.push(t.clone()),
                409 => {
                    a.problem(409, "concurrent_change");
                    refused += 1;
                }
                other => panic!("round {round}: {other} {}", a.text),
            }
        }
        assert!(!won.is_empty(), "round {round}: one change lands");
        landed += won.len() as u64;
        let now = app.get(&path, Some(&staff)).await;
        let title = now.ok(200)["title"].as_str().unwrap().to_owned();
        assert!(
            won.contains(&title),
            "round {round}: {title} was answered 200"
        );
        assert_eq!(
            version(now.header("etag").unwrap()),
            first + landed,
            "round {round}: every change answered 200 is kept, and only those"
        );
    }
    eprintln!("{landed} changes landed, {refused} refused as concurrent");
}
