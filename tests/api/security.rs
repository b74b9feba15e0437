//! The controls of a government deployment (等保 2.0 level 3, PIPL, 国密):
//! forced and expiring passwords, password history, idle sessions, the
//! sign-in history, the three administrators, the audit of refusals and
//! unmasking, an unchangeable audit trail, and personal data encrypted at
//! rest. With `RENDA_TEST_CRYPTO_SUITE=gm` the same tests run under the
//! 国密 suite.

use serde_json::{Value, json};

use crate::helpers::{
    ADMIN_PASSWORD, AUDIT_PASSWORD, PASSWORD, TestApp, spawn_app, spawn_fresh_app, test_crypto,
};

const PHONE: &str = "13812341234";

/// Moves a timestamp column of the rows of `table` that `filter`
/// selects back by `minutes`.
async fn backdate(app: &TestApp, table: &str, column: &str, filter: &str, minutes: i64) {
    let stmt = if app.store.is_sqlite() {
        format!(
            "UPDATE {table} SET {column} = strftime('%Y-%m-%d %H:%M:%f+00:00', {column}, '-{minutes} minutes') WHERE {filter}"
        )
    } else {
        format!(
            "UPDATE {table} SET {column} = {column} - interval '{minutes} minutes' WHERE {filter}"
        )
    };
    app.sql(&stmt).await;
}

async fn change_password(
    app: &TestApp,
    token: &str,
    current: &str,
    new: &str,
) -> crate::helpers::Answer {
    app.post(
        "/api/v1/me/password",
        Some(token),
        &json!({"current_password": current, "new_password": new}),
    )
    .await
}

/// Audit entries with this action, as the audit administrator lists them.
async fn audit_entries(app: &TestApp, query: &str) -> Vec<Value> {
    let auditor = app.auditor().await;
    app.get(
        &format!("/api/v1/audit-events?limit=100&{query}"),
        Some(&auditor),
    )
    .await
    .ok(200)["items"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn the_first_administrators_must_change_their_passwords_first() {
    let app = spawn_fresh_app().await;
    let first = app.login_full("admin", ADMIN_PASSWORD).await;
    assert_eq!(first.ok(200)["password_change_required"], true);
    let token = first.body["access_token"].as_str().unwrap().to_owned();
    // Nothing but the password change is allowed.
    app.get("/api/v1/users", Some(&token))
        .await
        .problem(403, "password_change_required");
    app.post(
        "/api/v1/units",
        Some(&token),
        &json!({"name": "x", "kind": "government_department"}),
    )
    .await
    .problem(403, "password_change_required");
    let me = app.get("/api/v1/me", Some(&token)).await;
    assert_eq!(me.ok(200)["password_change_required"], true);
    // Keeping the given password is not a change.
    let same = change_password(&app, &token, ADMIN_PASSWORD, ADMIN_PASSWORD).await;
    same.problem(422, "validation_failed");
    assert_eq!(same.body["errors"][0]["code"], "password_reused");
    change_password(&app, &token, ADMIN_PASSWORD, "Chosen-By-Me-77")
        .await
        .ok(204);
    let again = app.login_full("admin", "Chosen-By-Me-77").await;
    assert_eq!(again.ok(200)["password_change_required"], false);
    let token = again.body["access_token"].as_str().unwrap().to_owned();
    app.get("/api/v1/users", Some(&token)).await.ok(200);
    // The other two administrators are held back alike.
    let auditor = app.login_full("auditadmin", AUDIT_PASSWORD).await;
    let t = auditor.ok(200)["access_token"].as_str().unwrap().to_owned();
    app.get("/api/v1/audit-events", Some(&t))
        .await
        .problem(403, "password_change_required");
    // An account opened by the administrator must choose its own password
    // too, unless told otherwise.
    app.post("/api/v1/users", Some(&token), &json!({"username": "newbie", "password": PASSWORD, "display_name": "新人", "roles": ["staff"]}))
        .await
        .ok(201);
    assert_eq!(
        app.login_full("newbie", PASSWORD).await.ok(200)["password_change_required"],
        true
    );
}

#[tokio::test]
async fn an_expired_password_must_be_changed() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let security = app.security_admin().await;
    app.create_user(&admin, "clerk", &["staff"], json!({}))
        .await;
    // No expiry by default.
    backdate(
        &app,
        "users",
        "password_changed_at",
        "username = 'clerk'",
        91 * 24 * 60,
    )
    .await;
    let t = app.login("clerk", PASSWORD).await;
    app.get("/api/v1/units", Some(&t)).await.ok(200);
    // The security administrator sets 90 days: the password is too old.
    let p = app
        .patch(
            "/api/v1/security-policy",
            Some(&security),
            &json!({"password_max_age_days": 90}),
        )
        .await;
    assert_eq!(p.ok(200)["password_max_age_days"], 90);
    let a = app.login_full("clerk", PASSWORD).await;
    assert_eq!(a.ok(200)["password_change_required"], true);
    let t = a.body["access_token"].as_str().unwrap().to_owned();
    app.get("/api/v1/units", Some(&t))
        .await
        .problem(403, "password_change_required");
    change_password(&app, &t, PASSWORD, "Fresh-Pass-2026")
        .await
        .ok(204);
    let t = app.login("clerk", "Fresh-Pass-2026").await;
    app.get("/api/v1/units", Some(&t)).await.ok(200);
    // Out-of-range policies are refused and change nothing.
    let bad = app
        .patch(
            "/api/v1/security-policy",
            Some(&security),
            &json!({"session_idle_minutes": 1, "password_max_age_days": 30}),
        )
        .await;
    bad.problem(422, "validation_failed");
    assert_eq!(bad.fields(), ["session_idle_minutes"]);
    let now = app.get("/api/v1/security-policy", Some(&security)).await;
    assert_eq!(now.ok(200)["password_max_age_days"], 90);
    assert_eq!(now.body["session_idle_minutes"], 30);
    // The change is in the audit trail, attributed.
    let e = audit_entries(&app, "object_type=security_policy").await;
    assert_eq!(e.len(), 1);
    assert_eq!(e[0]["actor_username"], "secadmin");
    assert_eq!(e[0]["after"]["password_max_age_days"], 90);
}

#[tokio::test]
async fn the_last_five_passwords_cannot_be_reused() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.create_user(&admin, "clerk", &["staff"], json!({}))
        .await;
    let mut current = PASSWORD.to_owned();
    for i in 1..=4 {
        let t = app.login("clerk", &current).await;
        let next = format!("Rotation-Pass-{i}");
        change_password(&app, &t, &current, &next).await.ok(204);
        current = next;
    }
    let t = app.login("clerk", &current).await;
    // The first password is among the last five (it and four changes).
    for old in [PASSWORD, "Rotation-Pass-2", "Rotation-Pass-4"] {
        let a = change_password(&app, &t, &current, old).await;
        a.problem(422, "validation_failed");
        assert_eq!(a.body["errors"][0]["code"], "password_reused", "{old}");
    }
    // A refusal changes nothing: the current password still works.
    app.login("clerk", &current).await;
    // One more change pushes the first password out of the history.
    change_password(&app, &t, &current, "Rotation-Pass-5")
        .await
        .ok(204);
    let t = app.login("clerk", "Rotation-Pass-5").await;
    change_password(&app, &t, "Rotation-Pass-5", PASSWORD)
        .await
        .ok(204);
}

#[tokio::test]
async fn a_session_left_idle_expires() {
    let app = spawn_app().await;
    let a = app.login_full("admin", ADMIN_PASSWORD).await;
    let refresh = a.ok(200)["refresh_token"].as_str().unwrap().to_owned();
    // Used within the idle time, the session goes on.
    backdate(&app, "refresh_tokens", "issued_at", "1 = 1", 29).await;
    let b = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": refresh}),
        )
        .await;
    let refresh = b.ok(200)["refresh_token"].as_str().unwrap().to_owned();
    // Left for more than 30 minutes, it ends.
    backdate(&app, "refresh_tokens", "issued_at", "1 = 1", 31).await;
    app.post(
        "/api/v1/auth/refresh",
        None,
        &json!({"refresh_token": refresh}),
    )
    .await
    .problem(401, "unauthenticated");
}

#[tokio::test]
async fn sign_ins_are_kept_for_the_user_and_the_security_administrator() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let id = app
        .create_user(&admin, "clerk", &["staff"], json!({}))
        .await;
    app.login_full("clerk", "Wrong-Pass-2026")
        .await
        .problem(401, "invalid_credentials");
    let t = app.login("clerk", PASSWORD).await;
    app.login_full("nobody", "Wrong-Pass-2026").await;
    let mine = app.get("/api/v1/me/logins", Some(&t)).await;
    let items = mine.ok(200)["items"].as_array().unwrap().clone();
    let results: Vec<&str> = items
        .iter()
        .map(|i| i["result"].as_str().unwrap())
        .collect();
    assert_eq!(results, ["success", "wrong_password"], "newest first");
    assert_eq!(items[0]["client_addr"], "127.0.0.1");
    let security = app.security_admin().await;
    let theirs = app
        .get(&format!("/api/v1/users/{id}/logins"), Some(&security))
        .await;
    assert_eq!(theirs.ok(200)["items"].as_array().unwrap().len(), 2);
    // Nobody else reads them, the system administrator included.
    for who in [&admin, &app.auditor().await] {
        app.get(&format!("/api/v1/users/{id}/logins"), Some(who))
            .await
            .problem(403, "forbidden");
    }
    app.get(
        &format!("/api/v1/users/{}/logins", uuid::Uuid::now_v7()),
        Some(&security),
    )
    .await
    .problem(404, "not_found");
    let bad = app.get("/api/v1/me/logins?limit=0", Some(&t)).await;
    bad.problem(422, "validation_failed");
    assert_eq!(bad.fields(), ["limit"]);
    app.get("/api/v1/me/logins", None)
        .await
        .problem(401, "unauthenticated");
    // The policy is for the three administrators to read.
    app.get("/api/v1/security-policy", Some(&t))
        .await
        .problem(403, "forbidden");
    app.get("/api/v1/security-policy", Some(&admin))
        .await
        .ok(200);
    // Failed sign-ins, for unknown names too, are in the audit trail.
    let failed = audit_entries(&app, "action=login_failed").await;
    assert_eq!(failed.len(), 2);
    assert!(failed.iter().all(|e| e["result"] == "failure"));
    assert!(failed.iter().any(|e| e["after"]["username"] == "nobody"));
}

#[tokio::test]
async fn the_three_administrators_cannot_do_each_others_work() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let security = app.security_admin().await;
    let auditor = app.auditor().await;
    let id = app
        .create_user(&admin, "clerk", &["staff"], json!({}))
        .await;
    let user = format!("/api/v1/users/{id}");

    // The system administrator: accounts, not roles, policy or audit.
    app.patch(&user, Some(&admin), &json!({"roles": ["leader"]}))
        .await
        .problem(403, "forbidden");
    app.patch(
        "/api/v1/security-policy",
        Some(&admin),
        &json!({"password_max_age_days": 1}),
    )
    .await
    .problem(403, "forbidden");
    app.get("/api/v1/audit-events", Some(&admin))
        .await
        .problem(403, "forbidden");
    app.post("/api/v1/users", Some(&admin), &json!({"username": "boss", "password": PASSWORD, "display_name": "x", "roles": ["security_admin"]}))
        .await
        .problem(403, "administrative_roles_reserved");

    // The security administrator: roles, not accounts or audit.
    app.post(
        "/api/v1/users",
        Some(&security),
        &json!({"username": "x2", "password": PASSWORD, "display_name": "x", "roles": []}),
    )
    .await
    .problem(403, "forbidden");
    app.patch(&user, Some(&security), &json!({"display_name": "改名"}))
        .await
        .problem(403, "forbidden");
    app.get("/api/v1/audit-events", Some(&security))
        .await
        .problem(403, "forbidden");
    let granted = app
        .patch(
            &user,
            Some(&security),
            &json!({"roles": ["staff", "leader"]}),
        )
        .await;
    assert_eq!(granted.ok(200)["roles"], json!(["staff", "leader"]));
    // No account holds two administrative roles.
    let two = app
        .patch(
            &user,
            Some(&security),
            &json!({"roles": ["admin", "audit_admin"]}),
        )
        .await;
    two.problem(422, "validation_failed");
    assert_eq!(two.body["errors"][0]["code"], "separation_of_duties");

    // The audit administrator: the audit trail, nothing else.
    app.get("/api/v1/users", Some(&auditor))
        .await
        .problem(403, "forbidden");
    app.patch(&user, Some(&auditor), &json!({"status": "disabled"}))
        .await
        .problem(403, "forbidden");
    app.post(
        "/api/v1/units",
        Some(&auditor),
        &json!({"name": "x", "kind": "government_department"}),
    )
    .await
    .problem(403, "forbidden");
    app.get("/api/v1/audit-events", Some(&auditor))
        .await
        .ok(200);

    // A lock is lifted by the security administrator only.
    for _ in 0..5 {
        app.login_full("clerk", "Wrong-Pass-2026").await;
    }
    app.login_full("clerk", PASSWORD)
        .await
        .problem(401, "invalid_credentials");
    app.patch(&user, Some(&admin), &json!({"unlock": true}))
        .await
        .problem(403, "forbidden");
    app.patch(&user, Some(&security), &json!({"unlock": true}))
        .await
        .ok(200);
    app.login("clerk", PASSWORD).await;

    // Each one's actions are attributed in the trail the auditor reads.
    let e = audit_entries(&app, &format!("object_type=user&object_id={id}")).await;
    let by = |action: &str| {
        e.iter()
            .find(|x| x["action"] == action)
            .map(|x| x["actor_username"].as_str().unwrap_or("").to_owned())
    };
    assert_eq!(by("create").as_deref(), Some("admin"));
    assert_eq!(by("change_roles").as_deref(), Some("secadmin"));
    assert_eq!(by("unlock").as_deref(), Some("secadmin"));
}

#[tokio::test]
async fn refusals_and_unmasking_are_audited() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let admin = app.admin().await;
    let leader = app
        .user_token(&admin, "leader1", &["leader"], json!({}))
        .await;
    let d = app
        .create_deputy(
            &staff,
            json!({"name": "张伟", "phone": PHONE, "birth_date": "1975-03-02"}),
        )
        .await;
    let id = d["id"].as_str().unwrap();
    let path = format!("/api/v1/deputies/{id}");

    // An observer's contact details likewise.
    let obs = app
        .post(
            "/api/v1/observers",
            Some(&staff),
            &json!({"name": "陈静", "specialty": "finance_audit", "category": "finance_work",
                    "term_start": "2026-01-01", "term_end": "2028-12-31", "phone": "13900005678"}),
        )
        .await;
    let opath = format!("/api/v1/observers/{}", obs.ok(201)["id"].as_str().unwrap());
    app.get(&format!("{opath}?unmask=true"), Some(&leader))
        .await
        .problem(403, "forbidden");
    let bad = app
        .get(&format!("{opath}?unmask=perhaps"), Some(&staff))
        .await;
    bad.problem(422, "validation_failed");
    assert_eq!(bad.fields(), ["unmask"]);

    // Masked by default, the office included.
    let plain = app.get(&path, Some(&staff)).await;
    assert_eq!(plain.ok(200)["phone"], "138****1234");
    assert_eq!(plain.body["personal_data_masked"], true);
    // A deliberate request unmasks, and is recorded.
    let full = app.get(&format!("{path}?unmask=true"), Some(&staff)).await;
    assert_eq!(full.ok(200)["phone"], PHONE);
    assert_eq!(full.body["birth_date"], "1975-03-02");
    // A leader may not, and the refusal is recorded.
    let refused = app.get(&format!("{path}?unmask=true"), Some(&leader)).await;
    refused.problem(403, "forbidden");
    // So is any other refusal.
    app.get("/api/v1/users", Some(&staff))
        .await
        .problem(403, "forbidden");

    let reads = audit_entries(&app, "action=read_personal_data").await;
    assert_eq!(reads.len(), 1);
    assert_eq!(reads[0]["actor_username"], "staff1");
    assert_eq!(reads[0]["object_id"], id);
    assert_eq!(reads[0]["client_addr"], "127.0.0.1");
    assert!(reads[0]["request_id"].is_string());
    let denied = audit_entries(&app, "action=access_denied").await;
    assert!(denied.iter().all(|e| e["result"] == "denied"));
    let who: Vec<(&str, &str)> = denied
        .iter()
        .map(|e| {
            (
                e["actor_username"].as_str().unwrap_or(""),
                e["after"]["path"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(who.contains(&("leader1", path.as_str())), "{who:?}");
    assert!(who.contains(&("staff1", "/api/v1/users")), "{who:?}");
    assert!(denied.iter().all(|e| e["actor_roles"].is_array()));

    // An unmasked export is recorded; a masked one holds no phone number.
    let masked = app.get("/api/v1/deputies/export.csv", Some(&staff)).await;
    assert!(!masked.text.contains(PHONE));
    let unmasked = app
        .get("/api/v1/deputies/export.csv?unmask=true", Some(&staff))
        .await;
    assert!(unmasked.text.contains(PHONE));
    app.get("/api/v1/deputies/export.csv?unmask=true", Some(&leader))
        .await
        .problem(403, "forbidden");
    let exports = audit_entries(&app, "action=export_personal_data").await;
    assert_eq!(exports.len(), 1);
    assert_eq!(exports[0]["after"]["format"], "csv");

    // Lookup by phone number works on the keyed hash, for the office only.
    let found = app
        .get("/api/v1/deputies?phone=138%201234%201234", Some(&staff))
        .await;
    assert_eq!(found.ok(200)["items"].as_array().unwrap().len(), 1);
    app.get(&format!("/api/v1/deputies?phone={PHONE}"), None)
        .await
        .problem(401, "unauthenticated");
    app.get(&format!("/api/v1/deputies?phone={PHONE}"), Some(&leader))
        .await
        .problem(403, "forbidden");
}

#[tokio::test]
async fn the_audit_trail_cannot_be_changed_or_deleted() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    app.create_unit(&staff, "区教育局").await;
    app.store.seal_audit().await.unwrap();
    let auditor = app.auditor().await;
    // No operation of the API changes it.
    for method in ["POST", "PATCH", "DELETE", "PUT"] {
        let r = app
            .client
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                app.url("/api/v1/audit-events"),
            )
            .bearer_auth(&auditor)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 405, "{method}");
    }
    // Nor does the database let anyone through the application's own
    // connection: sealed or not, entries stay as written.
    for stmt in [
        "UPDATE audit_events SET actor_username = 'someone-else'",
        "UPDATE audit_events SET result = 'denied'",
        "DELETE FROM audit_events",
    ] {
        assert!(
            app.store.execute_unprepared(stmt).await.is_err(),
            "{stmt} went through"
        );
    }
    let report = app.store.verify_audit(&[]).await.unwrap();
    assert!(report.is_ok(), "{report:?}");
    assert!(report.sealed > 0);
    // The assessor's export: CSV for a period, itself recorded.
    let from = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    let csv = app
        .get(
            &format!(
                "/api/v1/audit-events/export.csv?occurred_after={}",
                urlencode(&from)
            ),
            Some(&auditor),
        )
        .await;
    assert_eq!(csv.status, 200);
    assert!(csv.text.contains("区教育局"), "{}", csv.text);
    assert!(csv.text.lines().next().unwrap_or("").contains("链哈希"));
    let future = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let empty = app
        .get(
            &format!(
                "/api/v1/audit-events/export.csv?occurred_after={}",
                urlencode(&future)
            ),
            Some(&auditor),
        )
        .await;
    assert_eq!(empty.text.lines().count(), 1, "headers only");
    app.get("/api/v1/audit-events/export.csv", Some(&staff))
        .await
        .problem(403, "forbidden");
    app.get("/api/v1/audit-events/export.pdf", Some(&auditor))
        .await
        .problem(404, "not_found");
    let exports = audit_entries(&app, "action=export&object_type=audit_event").await;
    assert_eq!(exports.len(), 2);
    assert_eq!(exports[0]["actor_username"], "auditadmin");
}

fn urlencode(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}

/// Every stored form of a personal field, as the database holds it.
pub(crate) async fn raw_values(app: &TestApp, table: &str, column: &str) -> Vec<String> {
    use sea_orm::{Database, FromQueryResult, Statement};
    let url = app.db.url.clone();
    let conn = if app.store.is_sqlite() {
        Database::connect(url).await.unwrap()
    } else {
        let mut o = sea_orm::ConnectOptions::new(url);
        o.set_schema_search_path(app.db.schema.clone().unwrap());
        Database::connect(o).await.unwrap()
    };
    #[derive(sea_orm::FromQueryResult)]
    struct Row {
        v: String,
    }
    let rows = Row::find_by_statement(Statement::from_string(
        conn.get_database_backend(),
        format!("SELECT {column} AS v FROM {table} WHERE {column} IS NOT NULL"),
    ))
    .all(&conn)
    .await
    .unwrap();
    conn.close().await.ok();
    rows.into_iter().map(|r| r.v).collect()
}

#[tokio::test]
async fn personal_data_is_unreadable_in_the_raw_database() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let d = app
        .create_deputy(&staff, json!({"name": "张伟", "phone": PHONE}))
        .await;
    let obs = app
        .post(
            "/api/v1/observers",
            Some(&staff),
            &json!({"name": "陈静", "specialty": "finance_audit", "category": "finance_work",
                    "term_start": "2026-01-01", "term_end": "2028-12-31",
                    "phone": "13900005678", "email": "chenjing@example.cn"}),
        )
        .await;
    obs.ok(201);
    app.post(
        "/api/v1/needs",
        Some(&staff),
        &json!({"requester": "王秀英", "requester_kind": "resident",
                "content": "希望增设社区老年食堂", "contact_phone": "13700007777"}),
    )
    .await
    .ok(201);
    app.store.seal_audit().await.unwrap();
    for (table, column, plain) in [
        ("deputies", "phone", PHONE),
        ("observers", "phone", "13900005678"),
        ("observers", "email", "chenjing@example.cn"),
        ("needs", "requester", "王秀英"),
        ("needs", "contact_phone", "13700007777"),
    ] {
        let values = raw_values(&app, table, column).await;
        assert_eq!(values.len(), 1, "{table}.{column}");
        assert!(
            values[0].starts_with("enc:"),
            "{table}.{column}: {}",
            values[0]
        );
        assert!(
            !values[0].contains(plain),
            "{table}.{column} holds plaintext"
        );
    }
    // Nor does the audit trail keep it in the clear.
    for v in raw_values(&app, "audit_events", "after").await {
        assert!(!v.contains(PHONE) && !v.contains("13900005678"), "{v}");
        assert!(!v.contains("chenjing@example.cn"), "{v}");
        assert!(!v.contains("王秀英") && !v.contains("13700007777"), "{v}");
    }
    // On SQLite, no byte of the file (or its write-ahead log) holds it.
    if app.store.is_sqlite() {
        let file = app.db.url.trim_start_matches("sqlite://").to_owned();
        for path in [file.clone(), format!("{file}-wal")] {
            if let Ok(bytes) = std::fs::read(&path) {
                let found = bytes.windows(PHONE.len()).any(|w| w == PHONE.as_bytes());
                assert!(!found, "{path} holds the phone number in plaintext");
            }
        }
    }
    // Through the API it reads back whole for those allowed.
    let id = d["id"].as_str().unwrap();
    let back = app
        .get(&format!("/api/v1/deputies/{id}?unmask=true"), Some(&staff))
        .await;
    assert_eq!(back.ok(200)["phone"], PHONE);
}

#[tokio::test]
async fn a_database_is_refused_under_the_other_suite_or_other_keys() {
    use renda_persistence::Store;
    use renda_persistence::crypto::{Crypto, Suite};
    let app = spawn_app().await;
    let staff = app.staff().await;
    app.create_deputy(&staff, json!({"name": "张伟", "phone": PHONE}))
        .await;
    let suite = test_crypto().suite();
    let other = match suite {
        Suite::International => Suite::Gm,
        Suite::Gm => Suite::International,
    };
    // The other suite is refused before anything is read or written.
    let opts = renda_persistence::db::DbOptions {
        crypto: Some(Crypto::ephemeral(other)),
        ..app.db.clone()
    };
    let store = Store::connect(&opts).await.unwrap();
    let err = store.migrate().await.unwrap_err().to_string();
    assert!(err.contains("suite"), "{err}");
    store.close().await.ok();
    // So are keys that cannot read the data.
    let opts = renda_persistence::db::DbOptions {
        crypto: Some(Crypto::ephemeral(suite)),
        ..app.db.clone()
    };
    let store = Store::connect(&opts).await.unwrap();
    let err = store.migrate().await.unwrap_err().to_string();
    assert!(err.contains("RENDA_DATA_KEYS"), "{err}");
    store.close().await.ok();
    // Nothing was changed: the right configuration still reads it all.
    let list = app.get("/api/v1/deputies?unmask=true", Some(&staff)).await;
    assert_eq!(list.ok(200)["items"].as_array().unwrap().len(), 1);
    let report = app.store.verify_audit(&[]).await.unwrap();
    assert!(report.is_ok(), "{report:?}");
    let _ = ADMIN_PASSWORD;
}

#[tokio::test]
async fn old_plaintext_and_old_keys_are_brought_under_the_current_key() {
    use renda_persistence::Store;
    use renda_persistence::crypto::{Crypto, DataKey};
    let app = spawn_app().await;
    let staff = app.staff().await;
    let d = app
        .create_deputy(&staff, json!({"name": "张伟", "phone": PHONE}))
        .await;
    let id = d["id"].as_str().unwrap().to_owned();
    // A row from before encryption: plaintext, no lookup hash.
    app.sql("UPDATE deputies SET phone = '13900001111', phone_index = NULL")
        .await;
    assert_eq!(app.store.reseal_personal_data().await.unwrap().rewritten, 1);
    let values = raw_values(&app, "deputies", "phone").await;
    assert!(values[0].starts_with("enc:"), "{}", values[0]);
    let found = app
        .get("/api/v1/deputies?phone=13900001111", Some(&staff))
        .await;
    assert_eq!(found.ok(200)["items"][0]["id"], id.as_str());
    assert_eq!(
        app.store.reseal_personal_data().await.unwrap().rewritten,
        0,
        "done once"
    );

    // A rotation: a new key in front of the old one.
    let suite = app.store.crypto().suite();
    let old = app.db.crypto.clone().unwrap();
    let newer = DataKey::generate("k2").unwrap();
    // The audit key is not a data key: it stays as it is.
    let rotated = Crypto::new(suite, vec![newer.clone(), old.keys()[0].clone()])
        .unwrap()
        .keeping_audit_key_of(&old);
    let store = Store::connect(&renda_persistence::db::DbOptions {
        crypto: Some(rotated),
        ..app.db.clone()
    })
    .await
    .unwrap();
    store.migrate().await.unwrap();
    assert_eq!(store.reseal_personal_data().await.unwrap().rewritten, 1);
    let values = raw_values(&app, "deputies", "phone").await;
    assert!(values[0].contains(":k2:"), "{}", values[0]);
    store.close().await.ok();
    // The old key retired: the database opens, everything reads, and
    // lookups by phone work again once the keyed hashes are redone.
    let only_new = Store::connect(&renda_persistence::db::DbOptions {
        crypto: Some(
            Crypto::new(suite, vec![newer])
                .unwrap()
                .keeping_audit_key_of(&old),
        ),
        ..app.db.clone()
    })
    .await
    .unwrap();
    only_new.migrate().await.unwrap();
    let d = only_new.get_deputy(id.parse().unwrap()).await.unwrap();
    assert_eq!(d.phone.as_deref(), Some("13900001111"));
    assert_eq!(
        only_new.reseal_personal_data().await.unwrap().rewritten,
        1,
        "the keyed hash"
    );
    let f = renda_persistence::deputies::DeputyFilter {
        phone: Some("13900001111".into()),
        ..Default::default()
    };
    let page = only_new
        .list_deputies(&f, &renda_persistence::ListOptions::default())
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    // A value no configured key reads is reported and left alone; the
    // job goes on with the rest.
    app.sql(&format!(
        "UPDATE deputies SET phone = 'enc:a:gone:{}'",
        "A".repeat(40)
    ))
    .await;
    let r = only_new.reseal_personal_data().await.unwrap();
    assert_eq!((r.rewritten, r.unreadable), (0, 1));
    only_new.close().await.ok();
}

#[tokio::test]
async fn administrators_cannot_take_over_or_widen_each_other() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let security = app.security_admin().await;
    let ids = app
        .get("/api/v1/users?limit=10", Some(&admin))
        .await
        .ok(200)["items"]
        .as_array()
        .unwrap()
        .clone();
    let id_of = |name: &str| {
        ids.iter()
            .find(|u| u["username"] == name)
            .map(|u| u["id"].as_str().unwrap().to_owned())
            .unwrap()
    };
    let (sec_id, audit_id) = (id_of("secadmin"), id_of("auditadmin"));
    // The system administrator cannot reset the password of, or disable,
    // those who check it.
    for body in [
        json!({"password": "Taken-Over-2026", "must_change_password": false}),
        json!({"status": "disabled"}),
    ] {
        app.patch(&format!("/api/v1/users/{audit_id}"), Some(&admin), &body)
            .await
            .problem(403, "forbidden");
    }
    app.login("auditadmin", AUDIT_PASSWORD).await;
    // The security administrator keeps it, but a password for it waits
    // for a second administrator, and a reset password must be changed.
    app.patch(
        &format!("/api/v1/users/{audit_id}"),
        Some(&security),
        &json!({"password": "Reset-By-Sec-2026", "must_change_password": false}),
    )
    .await
    .problem(409, "confirmation_required");
    let reset = app
        .post(
            &format!("/api/v1/users/{audit_id}/password-resets"),
            Some(&security),
            &json!({"password": "Reset-By-Sec-2026"}),
        )
        .await;
    let reset_id = reset.ok(202)["id"].as_str().unwrap().to_owned();
    app.post(
        &format!("/api/v1/users/{audit_id}/password-resets/{reset_id}/confirm"),
        Some(&admin),
        &json!({}),
    )
    .await
    .ok(200);
    let a = app.login_full("auditadmin", "Reset-By-Sec-2026").await;
    assert_eq!(a.ok(200)["password_change_required"], true);
    // Nobody widens their own roles, and the checking administrators hold
    // no business role.
    app.patch(
        &format!("/api/v1/users/{sec_id}"),
        Some(&security),
        &json!({"roles": ["security_admin"]}),
    )
    .await
    .problem(403, "own_roles");
    let mixed = app
        .patch(
            &format!("/api/v1/users/{audit_id}"),
            Some(&security),
            &json!({"roles": ["audit_admin", "staff"]}),
        )
        .await;
    mixed.problem(422, "validation_failed");
    assert_eq!(mixed.body["errors"][0]["code"], "separation_of_duties");
    // A second auditor: the password the system administrator gave the
    // account it opened stops working when the role is granted, and the
    // new one, set by the security administrator, needs a second
    // administrator's confirmation and must be changed.
    let second = app.create_user(&admin, "auditor2", &[], json!({})).await;
    let path = format!("/api/v1/users/{second}");
    app.patch(
        &path,
        Some(&security),
        &json!({"roles": ["audit_admin"], "password": "Given-By-Sec-2026"}),
    )
    .await
    .problem(409, "confirmation_required");
    app.patch(&path, Some(&security), &json!({"roles": ["audit_admin"]}))
        .await
        .ok(200);
    app.login_full("auditor2", PASSWORD)
        .await
        .problem(401, "invalid_credentials");
    let reset = app
        .post(
            &format!("{path}/password-resets"),
            Some(&security),
            &json!({"password": "Given-By-Sec-2026"}),
        )
        .await;
    let reset_id = reset.ok(202)["id"].as_str().unwrap().to_owned();
    let auditor = app.login("auditadmin", "Reset-By-Sec-2026").await;
    let _ = auditor;
    app.post(
        &format!("{path}/password-resets/{reset_id}/confirm"),
        Some(&admin),
        &json!({}),
    )
    .await
    .ok(200);
    let a = app.login_full("auditor2", "Given-By-Sec-2026").await;
    assert_eq!(a.ok(200)["password_change_required"], true);
}

#[tokio::test]
async fn a_database_from_before_the_separation_gets_its_missing_administrators() {
    let app = spawn_app().await;
    // As it was: nobody holds the security or audit administrator's role.
    app.sql("UPDATE users SET roles = ',staff,' WHERE username IN ('secadmin', 'auditadmin')")
        .await;
    let accounts = [
        renda::FirstAccount {
            role: renda_domain::Role::Admin,
            username: "admin",
            password: None,
        },
        renda::FirstAccount {
            role: renda_domain::Role::SecurityAdmin,
            username: "sec2",
            password: None,
        },
        renda::FirstAccount {
            role: renda_domain::Role::AuditAdmin,
            username: "audit2",
            password: None,
        },
    ];
    let made = renda::bootstrap_admins(&app.store, &accounts)
        .await
        .unwrap();
    let names: Vec<&str> = made.iter().map(|(u, _)| u.as_str()).collect();
    assert_eq!(names, ["sec2", "audit2"], "the admin already exists");
    let (_, pw) = &made[1];
    let a = app.login_full("audit2", pw).await;
    assert_eq!(a.ok(200)["password_change_required"], true);
    assert!(
        renda::bootstrap_admins(&app.store, &accounts)
            .await
            .unwrap()
            .is_empty(),
        "once"
    );
}

#[tokio::test]
async fn webhook_secrets_are_encrypted_at_rest_and_follow_a_key_rotation() {
    use renda_persistence::Store;
    use renda_persistence::crypto::{Crypto, DataKey};
    let app = spawn_app().await;
    let admin = app.admin().await;
    let hook = app
        .post(
            "/api/v1/webhooks",
            Some(&admin),
            &json!({"url": "https://202.96.134.133/oa", "event_types": ["*"]}),
        )
        .await;
    let secret = hook.ok(201)["secret"].as_str().unwrap().to_owned();
    let values = raw_values(&app, "webhook_subscriptions", "secret").await;
    assert_eq!(values.len(), 1);
    // The longest secret allowed fits sealed, and a rotation to it too.
    let id = hook.body["webhook"]["id"].as_str().unwrap().to_owned();
    let longest = "s".repeat(200);
    app.post(
        &format!("/api/v1/webhooks/{id}/secret"),
        Some(&admin),
        &json!({"secret": longest}),
    )
    .await
    .ok(200);
    app.post(
        &format!("/api/v1/webhooks/{id}/secret"),
        Some(&admin),
        &json!({"secret": secret}),
    )
    .await
    .ok(200);
    let values = raw_values(&app, "webhook_subscriptions", "secret").await;
    assert!(values[0].starts_with("enc:"), "{}", values[0]);
    assert!(!values[0].contains(&secret), "the secret is kept in clear");
    for v in raw_values(&app, "audit_events", "after").await {
        assert!(!v.contains(&secret), "{v}");
    }
    // A secret written before encryption is brought under the key.
    app.sql("UPDATE webhook_subscriptions SET secret = 'whsec_written_in_clear_long_ago'")
        .await;
    assert_eq!(app.store.reseal_personal_data().await.unwrap().rewritten, 1);
    let values = raw_values(&app, "webhook_subscriptions", "secret").await;
    assert!(values[0].starts_with("enc:"), "{}", values[0]);

    // A rotation: the secret moves to the new key, and deliveries are
    // still signed with the secret in clear.
    let suite = app.store.crypto().suite();
    let old = app.db.crypto.clone().unwrap();
    let newer = DataKey::generate("k2").unwrap();
    let rotated = Store::connect(&renda_persistence::db::DbOptions {
        crypto: Some(
            Crypto::new(suite, vec![newer, old.keys()[0].clone()])
                .unwrap()
                .keeping_audit_key_of(&old),
        ),
        ..app.db.clone()
    })
    .await
    .unwrap();
    rotated.migrate().await.unwrap();
    assert_eq!(rotated.reseal_personal_data().await.unwrap().rewritten, 1);
    let values = raw_values(&app, "webhook_subscriptions", "secret").await;
    assert!(values[0].contains(":k2:"), "{}", values[0]);
    let staff = app.staff().await;
    let unit = app.create_unit(&staff, "区民政局").await;
    app.post(
        "/api/v1/supervisions",
        Some(&staff),
        &json!({"title": "养老服务专项监督", "year": 2026, "methods": ["special_report"],
                "body_ids": [unit["id"]], "committee": "社会建设委员会"}),
    )
    .await
    .ok(201);
    rotated.fan_out_events(100).await.unwrap();
    let jobs = rotated
        .claim_deliveries("test", 10, chrono::Duration::seconds(30))
        .await
        .unwrap();
    assert!(!jobs.is_empty());
    assert!(
        jobs.iter()
            .all(|j| j.secret == "whsec_written_in_clear_long_ago")
    );
    rotated.close().await.ok();
}
