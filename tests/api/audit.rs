use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn every_change_is_attributed_with_before_and_after() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let staff = app
        .user_token(&admin, "liuqing", &["staff"], json!({}))
        .await;
    let unit = app.create_unit(&staff, "区教育局").await;
    let id = unit["id"].as_str().unwrap();
    let r = app
        .client
        .patch(app.url(&format!("/api/v1/units/{id}")))
        .bearer_auth(&staff)
        .header("x-request-id", "oa-change-42")
        .json(&json!({"name": "区教育体育局"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    app.delete(&format!("/api/v1/units/{id}"), Some(&staff))
        .await;
    let a = app
        .get(
            &format!("/api/v1/audit-events?object_type=unit&object_id={id}"),
            Some(&app.auditor().await),
        )
        .await;
    let items = a.ok(200)["items"].as_array().unwrap().clone();
    let actions: Vec<&str> = items
        .iter()
        .map(|i| i["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["create", "update", "delete"]);
    for i in &items {
        assert_eq!(i["actor_username"], "liuqing");
        assert_eq!(i["actor_roles"], json!(["staff"]));
        assert_eq!(i["client_addr"], "127.0.0.1");
    }
    assert!(items[0]["before"].is_null());
    assert_eq!(items[0]["after"]["name"], "区教育局");
    assert_eq!(items[1]["before"]["name"], "区教育局");
    assert_eq!(items[1]["after"]["name"], "区教育体育局");
    assert_eq!(items[1]["request_id"], "oa-change-42");
    assert_eq!(items[2]["before"]["name"], "区教育体育局");
    assert!(items[2]["after"].is_null());
    app.get("/api/v1/audit-events", Some(&staff))
        .await
        .problem(403, "forbidden");
    app.get("/api/v1/audit-events", None)
        .await
        .problem(401, "unauthenticated");
}

#[tokio::test]
async fn sign_ins_and_lockouts_are_recorded() {
    let app = spawn_app().await;
    app.admin().await;
    app.login_full("admin", "Wrong-Pass-1").await;
    let a = app
        .get(
            "/api/v1/audit-events?object_type=user",
            Some(&app.auditor().await),
        )
        .await;
    let actions: Vec<String> = a.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["action"].as_str().unwrap().to_owned())
        .collect();
    assert!(actions.contains(&"login".to_owned()), "{actions:?}");
    assert!(actions.contains(&"login_failed".to_owned()), "{actions:?}");
}

#[tokio::test]
async fn the_hash_chain_seals_and_detects_tampering() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    for i in 0..5 {
        app.create_unit(&staff, &format!("单位{i}")).await;
    }
    let sealed = app.store.seal_audit().await.unwrap();
    assert!(sealed >= 5);
    let report = app.store.verify_audit(&[]).await.unwrap();
    assert!(report.is_ok(), "{report:?}");
    assert_eq!(report.unsealed, 0);
    let listed = app
        .get("/api/v1/audit-events?limit=100", Some(&app.auditor().await))
        .await;
    let items = listed.ok(200)["items"].as_array().unwrap().clone();
    let seqs: Vec<i64> = items.iter().filter_map(|i| i["seq"].as_i64()).collect();
    assert_eq!(seqs.len(), report.sealed as usize);
    // Rewrite history behind the application's back (past the database's
    // own guard): the chain breaks.
    app.drop_audit_guard().await;
    app.sql("UPDATE audit_events SET after = replace(after, '单位3', '单位X') WHERE object_type = 'unit'").await;
    let report = app.store.verify_audit(&[]).await.unwrap();
    assert!(!report.is_ok(), "tampering goes unnoticed: {report:?}");
    assert!(report.problem.unwrap().contains("altered"));
}

#[tokio::test]
async fn removing_an_entry_breaks_the_chain() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    for i in 0..3 {
        app.create_unit(&staff, &format!("单位{i}")).await;
    }
    app.store.seal_audit().await.unwrap();
    app.drop_audit_guard().await;
    app.sql("DELETE FROM audit_events WHERE seq = 2").await;
    let report = app.store.verify_audit(&[]).await.unwrap();
    assert!(report.problem.unwrap().contains("missing"));
}

/// Two instances sealing at once link every entry into one chain, each
/// once, whichever of them gets to an entry first.
#[tokio::test]
async fn two_instances_sealing_at_once_keep_one_chain() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    for i in 0..40 {
        app.create_unit(&staff, &format!("单位{i}")).await;
    }
    let other = renda_persistence::Store::connect(&app.db).await.unwrap();
    // On PostgreSQL (where instances share a database) a batch that lost a
    // race to the other instance is sealed again from the new head, within
    // the same run: no run fails. Two processes on one SQLite file may
    // find it busy; the next tick (here, round) carries on.
    let sqlite = app.store.is_sqlite();
    let seal = |s: renda_persistence::Store| async move {
        let mut sealed = 0;
        for _ in 0..5 {
            sealed += match s.seal_audit().await {
                Ok(n) => n,
                Err(e) if sqlite => {
                    assert!(e.to_string().contains("locked"), "{e}");
                    0
                }
                Err(e) => panic!("{e}"),
            };
        }
        sealed
    };
    let (a, b) = tokio::join!(seal(app.store.clone()), seal(other.clone()));
    let report = app.store.verify_audit(&[]).await.unwrap();
    assert!(report.is_ok(), "{report:?}");
    assert_eq!(report.unsealed, 0);
    assert_eq!(a + b, report.sealed, "each entry sealed once");
    assert!(report.sealed >= 40);
    other.close().await.ok();
}
