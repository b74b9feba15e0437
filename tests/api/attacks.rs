//! The attacks an outside test tried that once succeeded, each replayed
//! through the real HTTP stack (or the binary's start-up) to show it now
//! fails.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{
    ADMIN_PASSWORD, Answer, JWT_SECRET, PASSWORD, SECURITY_PASSWORD, spawn_app, spawn_app_with,
};

/// Finding 1: a password change offering the current password as the new
/// one ran two argon2 hashes per request, unbounded and uncounted. Now
/// hashing runs on a bounded pool (a full queue answers 503 at once) and
/// offering an old password counts like a wrong guess.
#[tokio::test]
async fn a_flood_of_password_changes_is_bounded_and_counted() {
    // One hashing thread with one place to wait, so that the bound shows
    // with a few requests.
    let app = spawn_app_with(|s| s.with_hashing(1, 1)).await;
    let admin = app.admin().await;
    app.create_user(&admin, "clerk", &["staff"], json!({}))
        .await;
    let token = app.login("clerk", PASSWORD).await;
    let body = json!({"current_password": PASSWORD, "new_password": PASSWORD});
    let flood = (0..32).map(|_| app.post("/api/v1/me/password", Some(&token), &body));
    let answers = futures_util::future::join_all(flood).await;
    let (mut busy, mut counted) = (0, 0);
    for a in &answers {
        match (a.status.as_u16(), a.body["code"].as_str()) {
            (503, Some("busy")) => {
                assert_eq!(a.header("retry-after"), Some("1"));
                busy += 1;
            }
            (422, _) => {
                let code = a.body["errors"][0]["code"].as_str();
                assert!(
                    code == Some("password_reused") || code == Some("locked"),
                    "{:?}",
                    a.body
                );
                counted += usize::from(code == Some("password_reused"));
            }
            other => panic!("unexpected answer {other:?}: {:?}", a.body),
        }
    }
    assert!(busy > 0, "no request was turned away: hashing is unbounded");
    // Five reuse attempts lock the account from this address: after them
    // a change is refused without hashing, and so is a sign-in.
    for _ in counted..5 {
        let a = app.post("/api/v1/me/password", Some(&token), &body).await;
        assert_eq!(
            a.body["errors"][0]["code"], "password_reused",
            "{:?}",
            a.body
        );
    }
    let next = app.post("/api/v1/me/password", Some(&token), &body).await;
    assert_eq!(next.status, 422);
    assert_eq!(next.body["errors"][0]["code"], "locked", "{:?}", next.body);
    app.login_full("clerk", PASSWORD)
        .await
        .problem(401, "invalid_credentials");
}

/// Finding 1, sign-in: parallel anonymous sign-ins share the same bounded
/// pool; the ones beyond it are told to come back, none fails otherwise.
#[tokio::test]
async fn parallel_sign_ins_beyond_the_pool_are_told_to_retry() {
    let app = spawn_app_with(|s| s.with_hashing(1, 1)).await;
    let flood = (0..24)
        .map(|i| app.login_full(if i % 2 == 0 { "admin" } else { "nobody" }, "Wrong-Pass-1"));
    let answers = futures_util::future::join_all(flood).await;
    let busy = answers.iter().filter(|a| a.status == 503).count();
    assert!(busy > 0, "every sign-in hashed at once");
    for a in &answers {
        assert!(
            a.status == 401 || (a.status == 503 && a.header("retry-after") == Some("1")),
            "{} {:?}",
            a.status,
            a.body
        );
    }
}

/// Finding 2: a token naming one user's session under another user's id
/// was accepted. Here the attacker (a staff member) holds the signing key
/// and forges their own session under the administrator's id.
#[tokio::test]
async fn a_token_whose_session_belongs_to_someone_else_is_refused() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let keys = renda_auth::JwtKeys::new(JWT_SECRET.as_bytes(), renda_auth::JwtConfig::default());
    let own = keys.verify(&staff).unwrap();
    let admin_id: uuid::Uuid = app
        .get("/api/v1/me", Some(&app.admin().await))
        .await
        .ok(200)["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let (forged, _) = keys
        .issue(admin_id.into(), own.session_id().unwrap())
        .unwrap();
    app.get("/api/v1/me", Some(&forged))
        .await
        .problem(401, "unauthenticated");
    // The genuine token still works.
    app.get("/api/v1/me", Some(&staff)).await.ok(200);
}

/// Finding 2: the generated signing key lived in the database, which a
/// backup copies. Now it is a file of the data directory readable by its
/// owner only, a key an earlier version kept in the database moves there
/// (tokens already issued stay valid), and the SQLite file is private too.
#[tokio::test]
async fn the_signing_key_is_kept_out_of_the_database() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let url = format!("sqlite://{}/renda.db", data.display());
    let crypto = renda::load_crypto(Default::default(), None, &data).unwrap();
    let store = renda::open_store(&url, &crypto).await.unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data.join("renda.db")), 0o600);
    // An earlier version's key in the database.
    let legacy = "legacy-key-legacy-key-legacy-key-legacy-key";
    store.set_setting("jwt_secret", legacy).await.unwrap();
    let old = renda_auth::JwtKeys::new(legacy.as_bytes(), renda_auth::JwtConfig::default());
    let (token, _) = old
        .issue(uuid::Uuid::now_v7().into(), uuid::Uuid::now_v7())
        .unwrap();
    let keys = renda::jwt_keys(&store, None, &data).await.unwrap();
    assert!(
        keys.verify(&token).is_ok(),
        "tokens already issued still verify"
    );
    assert_eq!(store.setting("jwt_secret").await.unwrap(), None);
    let file = data.join("signing-key");
    assert_eq!(mode(&file), 0o600);
    assert_eq!(std::fs::read_to_string(&file).unwrap().trim(), legacy);
    // The next start reads the same file.
    let again = renda::jwt_keys(&store, None, &data).await.unwrap();
    assert!(again.verify(&token).is_ok());
    assert_eq!(store.setting("jwt_secret").await.unwrap(), None);
    store.close().await.unwrap();
}

/// Finding 4: five wrong passwords from anywhere locked an account for
/// everyone, so a stranger could lock out the administrators. Now a lock
/// holds for the address the guesses came from.
#[tokio::test]
async fn a_stranger_cannot_lock_the_owner_out() {
    let proxy: std::net::IpAddr = "127.0.0.1".parse().unwrap();
    let app = spawn_app_with(move |s| s.with_trusted_proxies(vec![proxy])).await;
    let login_from = |addr: &'static str, password: &'static str| {
        app.request(Method::POST, "/api/v1/auth/login", None)
            .header("x-forwarded-for", addr)
            .json(&json!({"username": "admin", "password": password}))
            .send()
    };
    for _ in 0..5 {
        let a = Answer::read(login_from("203.0.113.9", "Wrong-Pass-1").await.unwrap()).await;
        a.problem(401, "invalid_credentials");
    }
    // The stranger's address is locked out, even with the right password...
    let a = Answer::read(login_from("203.0.113.9", ADMIN_PASSWORD).await.unwrap()).await;
    a.problem(401, "invalid_credentials");
    // ...the owner, elsewhere, is not.
    let a = Answer::read(login_from("198.51.100.7", ADMIN_PASSWORD).await.unwrap()).await;
    a.ok(200);
    // The security administrator sees the lock and lifts it.
    let sec = app.security_admin().await;
    let admin_id = a.body["access_token"].as_str().map(|t| {
        let keys =
            renda_auth::JwtKeys::new(JWT_SECRET.as_bytes(), renda_auth::JwtConfig::default());
        keys.verify(t).unwrap().sub
    });
    let path = format!("/api/v1/users/{}", admin_id.unwrap());
    let user = app.get(&path, Some(&sec)).await;
    assert!(user.ok(200)["locked_until"].is_string());
    app.patch(&path, Some(&sec), &json!({"unlock": true}))
        .await
        .ok(200);
    let a = Answer::read(login_from("203.0.113.9", ADMIN_PASSWORD).await.unwrap()).await;
    a.ok(200);
    let _ = SECURITY_PASSWORD;
}

/// Finding 4: an administrator locked out from their own address gets in
/// through the server's own command, which whoever runs the server holds.
#[tokio::test]
async fn the_server_command_lifts_a_lock() {
    let app = spawn_app().await;
    for _ in 0..5 {
        app.login_full("secadmin", "Wrong-Pass-1")
            .await
            .problem(401, "invalid_credentials");
    }
    app.login_full("secadmin", SECURITY_PASSWORD)
        .await
        .problem(401, "invalid_credentials");
    let n = renda::unlock_account(&app.store, "secadmin").await.unwrap();
    assert!(n, "the account was found and unlocked");
    app.login_full("secadmin", SECURITY_PASSWORD).await.ok(200);
    assert!(!renda::unlock_account(&app.store, "nobody").await.unwrap());
    // The unlock is attributed in the audit trail.
    let auditor = app.auditor().await;
    let trail = app
        .get("/api/v1/audit-events?action=unlock", Some(&auditor))
        .await;
    let items = trail.ok(200)["items"].as_array().unwrap();
    assert!(
        items
            .iter()
            .any(|e| e["actor_username"] == "system (renda users unlock)"),
        "{items:?}"
    );
}

/// Finding 8: after signing out, repeating a POST with the same
/// Idempotency-Key and body returned the stored 201.
#[tokio::test]
async fn a_stored_answer_is_not_replayed_to_a_signed_out_caller() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let send = || {
        app.request(Method::POST, "/api/v1/units", Some(&staff))
            .header("idempotency-key", "once")
            .json(&json!({"name": "区人民法院", "kind": "court"}))
            .send()
    };
    Answer::read(send().await.unwrap()).await.ok(201);
    app.post("/api/v1/auth/logout", Some(&staff), &json!({}))
        .await;
    let again = Answer::read(send().await.unwrap()).await;
    again.problem(401, "unauthenticated");
    assert_eq!(again.header("idempotent-replayed"), None);
}

/// Seven units, each leaving an audit entry, linked into the chain.
async fn some_history(app: &crate::helpers::TestApp) {
    let staff = app.staff().await;
    for i in 0..7 {
        app.create_unit(&staff, &format!("单位{i}")).await;
    }
    app.store.seal_audit().await.unwrap();
}

/// Finding 3: deleting the newest entries left `verify` saying the chain
/// was intact. A signed checkpoint, kept outside the database by the audit
/// administrator, now shows it.
#[tokio::test]
async fn removing_the_newest_entries_is_caught_by_a_checkpoint() {
    let app = spawn_app().await;
    some_history(&app).await;
    let auditor = app.auditor().await;
    let answer = app
        .get("/api/v1/audit-events/checkpoint", Some(&auditor))
        .await;
    let line = answer.ok(200)["line"].as_str().unwrap().to_owned();
    let head = answer.body["seq"].as_i64().unwrap();
    let checkpoint = renda_persistence::audit::Checkpoint::parse(&line).unwrap();
    assert_eq!(checkpoint.seq, head);
    let report = app
        .store
        .verify_audit(std::slice::from_ref(&checkpoint))
        .await
        .unwrap();
    assert!(report.is_ok(), "{report:?}");
    assert_eq!(report.checkpoints, 1);
    // Only the audit administrator signs checkpoints.
    let staff = app.login("staff1", PASSWORD).await;
    app.get("/api/v1/audit-events/checkpoint", Some(&staff))
        .await
        .problem(403, "forbidden");

    app.drop_audit_guard().await;
    app.sql(&format!(
        "DELETE FROM audit_events WHERE seq > {}",
        head - 3
    ))
    .await;
    let report = app
        .store
        .verify_audit(std::slice::from_ref(&checkpoint))
        .await
        .unwrap();
    let problem = report.problem.expect("the truncation goes unnoticed");
    assert!(problem.contains("removed"), "{problem}");
    // A checkpoint someone made up without the key proves nothing.
    let mut forged = checkpoint;
    forged.seq = 1;
    let report = app.store.verify_audit(&[forged]).await.unwrap();
    assert!(report.problem.unwrap().contains("not signed"));
}

/// Finding 3: editing an entry and clearing its seal made `verify` seal it
/// again and pass. Now nothing but renda, holding the key, makes a seal:
/// the sealer will not link the edited entry, and `verify` (which only
/// reads) reports it.
#[tokio::test]
async fn an_edited_entry_with_its_seal_cleared_is_not_sealed_again() {
    let app = spawn_app().await;
    some_history(&app).await;
    app.drop_audit_guard().await;
    app.sql(
        "UPDATE audit_events SET actor_username = 'someone-else', entry_hash = '', seq = NULL, chain_hash = NULL WHERE seq = (SELECT max(seq) FROM audit_events)",
    )
    .await;
    app.store.seal_audit().await.unwrap();
    let report = app.store.verify_audit(&[]).await.unwrap();
    let problem = report.problem.expect("the edit goes unnoticed");
    assert!(problem.contains("not written by renda"), "{problem}");
    // Re-sealing with plain hashes, as the unkeyed chain allowed, fails
    // too: the seals are keyed.
    let app = spawn_app().await;
    some_history(&app).await;
    app.drop_audit_guard().await;
    app.sql("UPDATE audit_events SET actor_username = 'someone-else' WHERE seq = 3")
        .await;
    let report = app.store.verify_audit(&[]).await.unwrap();
    assert!(report.problem.unwrap().contains("altered"));
}

/// Finding 3: a forged row inserted unsealed got sealed into the chain.
#[tokio::test]
async fn a_forged_entry_is_never_linked_into_the_chain() {
    let app = spawn_app().await;
    some_history(&app).await;
    let before = app.store.verify_audit(&[]).await.unwrap();
    assert!(before.is_ok(), "{before:?}");
    let new_id = if app.store.is_sqlite() {
        "randomblob(16)"
    } else {
        "gen_random_uuid()"
    };
    app.sql(&format!(
        "INSERT INTO audit_events (id, occurred_at, actor_id, actor_username, actor_roles, request_id, client_addr, action, object_type, object_id, before, after, entry_hash, seq, chain_hash, result) \
         SELECT {new_id}, occurred_at, actor_id, 'forger', actor_roles, request_id, client_addr, action, object_type, object_id, before, after, 'forged', NULL, NULL, result FROM audit_events WHERE seq = 2"
    ))
    .await;
    app.store.seal_audit().await.unwrap();
    let report = app.store.verify_audit(&[]).await.unwrap();
    assert_eq!(report.sealed, before.sealed, "the forged entry was linked");
    assert!(report.problem.unwrap().contains("not written by renda"));
    // And verify changed nothing: run again, same answer.
    let again = app.store.verify_audit(&[]).await.unwrap();
    assert_eq!(again.sealed, before.sealed);
}

/// Finding 3: `renda audit verify` sealed before it checked. It now only
/// reads, and checks the checkpoints the server wrote beside the data.
#[tokio::test]
async fn the_verify_command_reads_only_and_uses_the_checkpoint_file() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let url = format!("sqlite://{}/renda.db", data.display());
    let crypto = renda::load_crypto(Default::default(), None, &data).unwrap();
    let store = renda::open_store(&url, &crypto).await.unwrap();
    let pw = secrecy::SecretString::from("Wu-Kang-Pass-2026".to_owned());
    renda::bootstrap_admins(
        &store,
        &[renda::FirstAccount {
            role: renda_domain::Role::Admin,
            username: "admin",
            password: Some(&pw),
        }],
    )
    .await
    .unwrap();
    store.seal_audit().await.unwrap();
    renda::checkpoint_audit(&store, &data, &mut None).await;
    assert!(renda::checkpoint_file(&data).exists());
    // One more entry, not yet linked.
    store
        .record_event(
            &renda_persistence::AuditCtx::system(),
            "export",
            "audit_event",
            None,
            &json!({}),
            "success",
        )
        .await
        .unwrap();
    store.close().await.unwrap();
    let verify = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_renda"))
            .env_clear()
            .env("RENDA_DATABASE_URL", &url)
            .env("RENDA_DATA_DIR", &data)
            .args(["audit", "verify"])
            .output()
            .unwrap()
    };
    let out = verify();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}");
    assert!(text.contains("unsealed entries checked: 1"), "{text}");
    assert!(text.contains("checkpoints matched: 1"), "{text}");
    // Still unsealed: verify wrote nothing.
    let out = verify();
    assert!(String::from_utf8_lossy(&out.stdout).contains("unsealed entries checked: 1"));
    // The newest linked entry removed behind the database's guard.
    let store = renda::open_store(&url, &crypto).await.unwrap();
    store
        .execute_unprepared("DROP TRIGGER audit_events_no_delete")
        .await
        .unwrap();
    store
        .execute_unprepared(
            "DELETE FROM audit_events WHERE seq = (SELECT max(seq) FROM audit_events)",
        )
        .await
        .unwrap();
    store.close().await.unwrap();
    let out = verify();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("entries were removed"), "{text}");
}

/// Finding 9: every refusal was one audit entry, so anyone signed in
/// could add thousands a minute. Identical refusals now make one entry
/// with a count.
#[tokio::test]
async fn a_flood_of_refusals_costs_one_audit_entry() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    for _ in 0..40 {
        app.get("/api/v1/audit-events", Some(&staff))
            .await
            .problem(403, "forbidden");
    }
    // Another refusal is its own entry.
    app.get("/api/v1/users", Some(&staff))
        .await
        .problem(403, "forbidden");
    let auditor = app.auditor().await;
    let trail = app
        .get(
            "/api/v1/audit-events?action=access_denied&limit=100",
            Some(&auditor),
        )
        .await;
    let items = trail.ok(200)["items"].as_array().unwrap().clone();
    let mine: Vec<_> = items
        .iter()
        .filter(|e| e["actor_username"] == "staff1")
        .collect();
    assert_eq!(mine.len(), 2, "{mine:?}");
    let flood = mine
        .iter()
        .find(|e| e["after"]["path"] == "/api/v1/audit-events")
        .unwrap();
    assert_eq!(flood["repeats"], 40);
    assert!(flood["last_repeated_at"].is_string());
    let other = mine
        .iter()
        .find(|e| e["after"]["path"] == "/api/v1/users")
        .unwrap();
    assert_eq!(other["repeats"], 1);
    assert!(other["last_repeated_at"].is_null());
}

/// Also seen: the system administrator, who keeps accounts and settings,
/// could read and export deputies' and observers' phone numbers unmasked.
/// Unmasking is for the office's staff (and the person).
#[tokio::test]
async fn only_the_office_staff_unmask_personal_data() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let staff = app.staff().await;
    let d = app
        .create_deputy(&staff, json!({"name": "张伟", "phone": "13812341234"}))
        .await;
    let profile = format!("/api/v1/deputies/{}", d["id"].as_str().unwrap());
    let unmasked = app
        .get(&format!("{profile}?unmask=true"), Some(&staff))
        .await;
    assert_eq!(unmasked.ok(200)["phone"], "13812341234");
    app.get(&format!("{profile}?unmask=true"), Some(&admin))
        .await
        .problem(403, "forbidden");
    let masked = app.get(&profile, Some(&admin)).await;
    assert_ne!(masked.ok(200)["phone"], "13812341234");
    app.get("/api/v1/deputies/export.csv?unmask=true", Some(&admin))
        .await
        .problem(403, "forbidden");
    let export = app
        .get("/api/v1/deputies/export.csv?unmask=true", Some(&staff))
        .await;
    assert_eq!(export.status, 200);
    assert!(export.text.contains("13812341234"));
    let o = app
        .post(
            "/api/v1/observers",
            Some(&staff),
            &json!({
                "name": "李明", "specialty": "finance_audit", "category": "finance_work",
                "affiliation": "宿迁某会计师事务所", "term_start": "2026-01-01",
                "term_end": "2028-12-31", "phone": "13912341234"
            }),
        )
        .await;
    if o.status == 201 {
        let record = format!("/api/v1/observers/{}", o.body["id"].as_str().unwrap());
        app.get(&format!("{record}?unmask=true"), Some(&admin))
            .await
            .problem(403, "forbidden");
        let seen = app
            .get(&format!("{record}?unmask=true"), Some(&staff))
            .await;
        assert_eq!(seen.ok(200)["phone"], "13912341234");
    } else {
        panic!("could not register an observer: {:?}", o.body);
    }
}

/// Finding 5: the security administrator could set the audit
/// administrator's password, sign in as them and read the audit trail.
/// Now such a password waits for a second administrator.
#[tokio::test]
async fn one_administrator_cannot_take_over_another() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let security = app.security_admin().await;
    let users = app.get("/api/v1/users?limit=50", Some(&admin)).await;
    let audit_id = users.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "auditadmin")
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .unwrap();
    let account = format!("/api/v1/users/{audit_id}");
    // The direct way is closed...
    app.patch(
        &account,
        Some(&security),
        &json!({"password": "Taken-Over-2026"}),
    )
    .await
    .problem(409, "confirmation_required");
    app.login_full("auditadmin", "Taken-Over-2026")
        .await
        .problem(401, "invalid_credentials");
    // A reset keeps to the password policy, and names a reset of this
    // account only.
    let weak = app
        .post(
            &format!("{account}/password-resets"),
            Some(&security),
            &json!({"password": "Password1"}),
        )
        .await;
    weak.problem(422, "validation_failed");
    assert_eq!(weak.fields(), ["password"]);
    app.post(
        &format!("{account}/password-resets/{}/confirm", uuid::Uuid::now_v7()),
        Some(&admin),
        &json!({}),
    )
    .await
    .problem(404, "not_found");
    // ...and the reset waits: the old password still works, the new not.
    let reset = app
        .post(
            &format!("{account}/password-resets"),
            Some(&security),
            &json!({"password": "Taken-Over-2026"}),
        )
        .await;
    let r = reset.ok(202).clone();
    assert_eq!(r["status"], "pending");
    let confirm = format!(
        "{account}/password-resets/{}/confirm",
        r["id"].as_str().unwrap()
    );
    assert_eq!(
        reset.header("location"),
        Some(confirm.trim_end_matches("/confirm"))
    );
    app.login_full("auditadmin", "Taken-Over-2026")
        .await
        .problem(401, "invalid_credentials");
    let auditor = app.auditor().await;
    // Neither the one who asked nor the account's holder confirms it.
    app.post(&confirm, Some(&security), &json!({}))
        .await
        .problem(403, "second_administrator_required");
    app.post(&confirm, Some(&auditor), &json!({}))
        .await
        .problem(403, "second_administrator_required");
    // Nor does anyone outside the three.
    let staff = app.staff().await;
    app.post(&confirm, Some(&staff), &json!({}))
        .await
        .problem(403, "forbidden");
    // The system administrator sees it waiting and confirms it.
    let list = app
        .get(&format!("{account}/password-resets"), Some(&admin))
        .await;
    assert_eq!(list.ok(200)[0]["status"], "pending");
    app.post(&confirm, Some(&admin), &json!({})).await.ok(200);
    app.post(&confirm, Some(&admin), &json!({}))
        .await
        .problem(409, "reset_not_pending");
    let a = app.login_full("auditadmin", "Taken-Over-2026").await;
    assert_eq!(a.ok(200)["password_change_required"], true);
    // The holder's sessions ended.
    app.get("/api/v1/me", Some(&auditor))
        .await
        .problem(401, "unauthenticated");
    // Every step is in the trail.
    let auditor = app.login("auditadmin", "Taken-Over-2026").await;
    let _ = auditor;
    let events = app
        .store
        .list_audit(
            &renda_persistence::audit::AuditFilter {
                object_type: Some("user".into()),
                ..Default::default()
            },
            &renda_persistence::ListOptions {
                limit: 200,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let actions: Vec<String> = events.live().map(|e| e.action.clone()).collect();
    assert!(
        actions.contains(&"request_password_reset".to_owned()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&"confirm_password_reset".to_owned()),
        "{actions:?}"
    );
    // A business account's password is still reset directly.
    let clerk = app
        .create_user(&admin, "clerk", &["staff"], json!({}))
        .await;
    app.post(
        &format!("/api/v1/users/{clerk}/password-resets"),
        Some(&admin),
        &json!({"password": "Fresh-Start-2026"}),
    )
    .await
    .problem(409, "no_confirmation_needed");
    // A withdrawn reset cannot be confirmed.
    let again = app
        .post(
            &format!("{account}/password-resets"),
            Some(&security),
            &json!({"password": "Second-Try-2026"}),
        )
        .await;
    let id = again.ok(202)["id"].as_str().unwrap().to_owned();
    app.delete(&format!("{account}/password-resets/{id}"), Some(&security))
        .await;
    app.post(
        &format!("{account}/password-resets/{id}/confirm"),
        Some(&admin),
        &json!({}),
    )
    .await
    .problem(409, "reset_not_pending");
}

#[tokio::test]
async fn limits_hold_across_two_instances_on_one_database() {
    // A day-long window: the test never straddles one.
    let day = std::time::Duration::from_secs(86_400);
    let limits =
        move |s: renda_http::AppState| s.with_login_limit(10, day).with_caller_limit(40, day);
    let app = crate::helpers::spawn_app_with(limits).await;
    let other = app.second_instance_with(limits).await;
    let bases = [app.base.clone(), other.base.clone()];
    // The administrator's sign-in is the first of the address's ten.
    let token = app.admin().await;
    // Sign-in attempts from one address, sent to each instance in turn:
    // nine more get an answer, the rest are refused before any password
    // is looked at.
    let mut answered = 0;
    for i in 0..30 {
        let r = app
            .client
            .post(format!("{}/api/v1/auth/login", bases[i % 2]))
            .json(&json!({"username": format!("nobody{i}"), "password": "Whatever-2026"}))
            .send()
            .await
            .unwrap();
        match r.status().as_u16() {
            401 => answered += 1,
            429 => {}
            other => panic!("attempt {i}: {other}"),
        }
    }
    assert_eq!(
        answered, 9,
        "sign-in attempts answered across two instances"
    );

    // A caller's budget is one, whichever instance serves the request.
    let mut served = 0;
    for i in 0..120 {
        let r = app
            .client
            .get(format!("{}/api/v1/me", bases[i % 2]))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        match r.status().as_u16() {
            200 => served += 1,
            429 => {}
            other => panic!("request {i}: {other}"),
        }
    }
    assert_eq!(
        served, 40,
        "requests served of a budget of 40 across two instances"
    );
}
