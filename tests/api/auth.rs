use serde_json::json;

use crate::helpers::{ADMIN_PASSWORD, PASSWORD, TestApp, spawn_app};

#[tokio::test]
async fn login_issues_a_bearer_token_pair() {
    let app = spawn_app().await;
    let a = app.login_full("admin", ADMIN_PASSWORD).await;
    let b = a.ok(200);
    assert_eq!(b["token_type"], "Bearer");
    assert_eq!(b["expires_in"], 900);
    assert!(b["refresh_token"].as_str().unwrap().len() >= 40);
    let me = app.get("/api/v1/me", b["access_token"].as_str()).await;
    assert_eq!(me.ok(200)["username"], "admin");
    assert_eq!(me.body["roles"], json!(["admin"]));
}

#[tokio::test]
async fn usernames_are_case_insensitive() {
    let app = spawn_app().await;
    app.login_full("ADMIN", ADMIN_PASSWORD).await.ok(200);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_answer() {
    let app = spawn_app().await;
    let wrong = app.login_full("admin", "Wrong-Pass-1").await;
    let unknown = app.login_full("nobody", "Wrong-Pass-1").await;
    wrong.problem(401, "invalid_credentials");
    unknown.problem(401, "invalid_credentials");
    assert_eq!(wrong.body, unknown.body);
}

#[tokio::test]
async fn five_failures_lock_the_account_even_against_the_right_password() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let id = app
        .create_user(&admin, "wangfang", &["staff"], json!({}))
        .await;
    for _ in 0..4 {
        app.login_full("wangfang", "Wrong-Pass-1")
            .await
            .problem(401, "invalid_credentials");
    }
    // A success resets the count...
    app.login_full("wangfang", PASSWORD).await.ok(200);
    for _ in 0..5 {
        app.login_full("wangfang", "Wrong-Pass-1")
            .await
            .problem(401, "invalid_credentials");
    }
    // ...but after five failures in a row even the right password is refused.
    let locked = app.login_full("wangfang", PASSWORD).await;
    locked.problem(401, "invalid_credentials");
    let unknown = app.login_full("nobody", PASSWORD).await;
    assert_eq!(
        locked.body, unknown.body,
        "a lock does not reveal that the account exists"
    );
    let user = app.get(&format!("/api/v1/users/{id}"), Some(&admin)).await;
    let until =
        chrono::DateTime::parse_from_rfc3339(user.ok(200)["locked_until"].as_str().unwrap())
            .unwrap();
    let minutes = (until.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_minutes();
    assert!(
        (14..=15).contains(&minutes),
        "locked for 15 minutes, not {minutes}"
    );
    // An administrator's password reset lifts the lock.
    app.patch(
        &format!("/api/v1/users/{id}"),
        Some(&admin),
        &json!({"password": "Fresh-Pass-2026"}),
    )
    .await
    .ok(200);
    app.login_full("wangfang", "Fresh-Pass-2026").await.ok(200);
}

#[tokio::test]
async fn refresh_rotates_and_a_replay_revokes_the_session() {
    let app = spawn_app().await;
    let first = app
        .login_full("admin", ADMIN_PASSWORD)
        .await
        .ok(200)
        .clone();
    let r1 = first["refresh_token"].as_str().unwrap();
    let second = app
        .post("/api/v1/auth/refresh", None, &json!({"refresh_token": r1}))
        .await
        .ok(200)
        .clone();
    let r2 = second["refresh_token"].as_str().unwrap();
    assert_ne!(r1, r2);
    let access2 = second["access_token"].as_str().unwrap();
    app.get("/api/v1/me", Some(access2)).await.ok(200);
    // Replaying the used token: refused, and the whole family goes.
    app.post("/api/v1/auth/refresh", None, &json!({"refresh_token": r1}))
        .await
        .problem(401, "refresh_token_reused");
    app.post("/api/v1/auth/refresh", None, &json!({"refresh_token": r2}))
        .await
        .problem(401, "unauthenticated");
    app.get("/api/v1/me", Some(access2))
        .await
        .problem(401, "unauthenticated");
    // Another session of the same user is untouched.
    let other = app.admin().await;
    app.get("/api/v1/me", Some(&other)).await.ok(200);
    app.post(
        "/api/v1/auth/refresh",
        None,
        &json!({"refresh_token": "made-up"}),
    )
    .await
    .problem(401, "unauthenticated");
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = spawn_app().await;
    let t = app
        .login_full("admin", ADMIN_PASSWORD)
        .await
        .ok(200)
        .clone();
    let access = t["access_token"].as_str().unwrap();
    let a = app
        .post("/api/v1/auth/logout", Some(access), &json!({}))
        .await;
    assert_eq!(a.status, 204);
    app.get("/api/v1/me", Some(access))
        .await
        .problem(401, "unauthenticated");
    app.post(
        "/api/v1/auth/refresh",
        None,
        &json!({"refresh_token": t["refresh_token"]}),
    )
    .await
    .problem(401, "unauthenticated");
    app.post("/api/v1/auth/logout", None, &json!({}))
        .await
        .problem(401, "unauthenticated");
}

#[tokio::test]
async fn a_disabled_user_is_shut_out_at_once() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let id = app
        .create_user(&admin, "liming", &["staff"], json!({}))
        .await;
    let t = app.login_full("liming", PASSWORD).await.ok(200).clone();
    let access = t["access_token"].as_str().unwrap();
    app.get("/api/v1/me", Some(access)).await.ok(200);
    app.patch(
        &format!("/api/v1/users/{id}"),
        Some(&admin),
        &json!({"status": "disabled"}),
    )
    .await
    .ok(200);
    app.get("/api/v1/me", Some(access))
        .await
        .problem(401, "unauthenticated");
    app.post(
        "/api/v1/auth/refresh",
        None,
        &json!({"refresh_token": t["refresh_token"]}),
    )
    .await
    .problem(401, "unauthenticated");
    app.login_full("liming", PASSWORD)
        .await
        .problem(401, "invalid_credentials");
    // Enabled again, the account signs in anew.
    app.patch(
        &format!("/api/v1/users/{id}"),
        Some(&admin),
        &json!({"status": "active"}),
    )
    .await
    .ok(200);
    app.login_full("liming", PASSWORD).await.ok(200);
}

#[tokio::test]
async fn me_shows_linked_records() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let d = app.create_deputy(&admin, json!({"name": "张伟"})).await;
    let token = app
        .user_token(
            &admin,
            "zhangwei",
            &["deputy"],
            json!({"deputy_id": d["id"]}),
        )
        .await;
    let me = app.get("/api/v1/me", Some(&token)).await;
    let b = me.ok(200);
    assert_eq!(b["roles"], json!(["deputy"]));
    assert_eq!(b["deputy"]["id"], d["id"]);
    assert_eq!(b["deputy"]["name"], "张伟");
    assert!(b["unit"].is_null());
    app.get("/api/v1/me", None)
        .await
        .problem(401, "unauthenticated");
}

#[tokio::test]
async fn changing_ones_password_signs_out_everywhere() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let token = app
        .user_token(&admin, "zhaolei", &["staff"], json!({}))
        .await;
    let weak = app
        .post(
            "/api/v1/me/password",
            Some(&token),
            &json!({"current_password": PASSWORD, "new_password": "password"}),
        )
        .await;
    weak.problem(422, "validation_failed");
    assert_eq!(weak.fields(), ["new_password"]);
    let wrong = app
        .post(
            "/api/v1/me/password",
            Some(&token),
            &json!({"current_password": "Nope-Nope-1", "new_password": "Brand-New-2026"}),
        )
        .await;
    wrong.problem(422, "validation_failed");
    assert_eq!(wrong.fields(), ["current_password"]);
    let ok = app
        .post(
            "/api/v1/me/password",
            Some(&token),
            &json!({"current_password": PASSWORD, "new_password": "Brand-New-2026"}),
        )
        .await;
    assert_eq!(ok.status, 204, "{}", ok.text);
    app.get("/api/v1/me", Some(&token))
        .await
        .problem(401, "unauthenticated");
    app.login_full("zhaolei", PASSWORD)
        .await
        .problem(401, "invalid_credentials");
    app.login_full("zhaolei", "Brand-New-2026").await.ok(200);
}

#[tokio::test]
async fn parallel_guesses_cannot_outrun_the_lock() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.create_user(&admin, "target", &["staff"], json!({}))
        .await;
    let mut guesses = Vec::new();
    for i in 0..12 {
        let app = &app;
        guesses.push(async move {
            app.login_full("target", &format!("Wrong-Pass-{i}"))
                .await
                .status
        });
    }
    let statuses = futures_util::future::join_all(guesses).await;
    assert!(statuses.iter().all(|s| *s == 401));
    app.login_full("target", PASSWORD)
        .await
        .problem(401, "invalid_credentials");
}

#[tokio::test]
async fn a_stale_token_does_not_stand_in_the_way_of_signing_in() {
    let app = spawn_app().await;
    let r = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .bearer_auth("expired.or.revoked")
        .json(&json!({"username": "admin", "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn guessing_the_current_password_locks_the_account() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let token = app.user_token(&admin, "sunli", &["staff"], json!({})).await;
    for _ in 0..5 {
        let a = app
            .post(
                "/api/v1/me/password",
                Some(&token),
                &json!({"current_password": "Guess-Pass-1", "new_password": "Brand-New-2026"}),
            )
            .await;
        assert_eq!(a.status, 422);
    }
    let a = app
        .post(
            "/api/v1/me/password",
            Some(&token),
            &json!({"current_password": PASSWORD, "new_password": "Brand-New-2026"}),
        )
        .await;
    assert_eq!(a.body["errors"][0]["code"], "locked", "{}", a.text);
    app.login_full("sunli", PASSWORD)
        .await
        .problem(401, "invalid_credentials");
}

#[tokio::test]
async fn sign_ins_are_limited_per_address_with_rate_limit_headers() {
    let app = crate::helpers::spawn_app_with(|s| {
        s.with_login_limit(3, std::time::Duration::from_secs(60))
    })
    .await;
    app.admin().await;
    app.login_full("admin", "wrong-password")
        .await
        .problem(401, "invalid_credentials");
    let second = app.login_full("nobody", "whatever").await;
    second.problem(401, "invalid_credentials");
    // A counted attempt, refused for its credentials, tells what is left
    // (the first one: `admin.await` signed in once already).
    assert_eq!(second.header("ratelimit-remaining"), Some("0"));
    assert_eq!(second.header("ratelimit-limit"), Some("3"));
    // The fourth attempt from this address is refused before any password
    // is looked at, whatever the account.
    let a = app
        .login_full("admin", crate::helpers::ADMIN_PASSWORD)
        .await;
    a.problem(429, "rate_limited");
    let retry: u64 = a.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    assert_eq!(a.header("ratelimit-limit"), Some("3"));
    assert_eq!(a.header("ratelimit-remaining"), Some("0"));
    assert_eq!(
        a.header("ratelimit-reset"),
        Some(retry.to_string().as_str())
    );
    assert_eq!(a.header("ratelimit-policy"), Some("3;w=60"));
    // The client credentials grant counts alike.
    let t = app
        .post(
            "/api/v1/auth/token",
            None,
            &serde_json::json!({"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"}),
        )
        .await;
    t.problem(429, "rate_limited");
}

#[tokio::test]
async fn each_caller_has_a_budget_of_requests() {
    let app = crate::helpers::spawn_app_with(|s| {
        s.with_caller_limit(5, std::time::Duration::from_secs(60))
    })
    .await;
    let admin = app.admin().await;
    let staff = app
        .user_token(&admin, "office", &["staff"], serde_json::json!({}))
        .await;
    // The admin has used one request (creating the account); every
    // answer tells what is left.
    for left in ["3", "2", "1", "0"] {
        let a = app.get("/api/v1/me", Some(&admin)).await;
        a.ok(200);
        assert_eq!(a.header("ratelimit-limit"), Some("5"));
        assert_eq!(a.header("ratelimit-remaining"), Some(left));
        assert_eq!(a.header("ratelimit-policy"), Some("5;w=60"));
        let reset: u64 = a.header("ratelimit-reset").unwrap().parse().unwrap();
        assert!((1..=60).contains(&reset), "{reset}");
    }
    let a = app.get("/api/v1/me", Some(&admin)).await;
    a.problem(429, "rate_limited");
    assert_eq!(a.header("ratelimit-limit"), Some("5"));
    assert!(a.header("retry-after").is_some());
    // Another caller's budget is its own; anonymous reads are not counted.
    app.get("/api/v1/me", Some(&staff)).await.ok(200);
    app.get("/api/v1/deputies", None).await.ok(200);
}

/// Asks `base` for `/me` with `token` until it is refused (true), for at
/// most two seconds: a little over the cache's one second.
async fn refused_within_the_cache_life(app: &TestApp, base: &str, token: &str) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while std::time::Instant::now() < deadline {
        let r = app
            .client
            .get(format!("{base}/api/v1/me"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        if r.status() == 401 {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    false
}

/// The signed-in account is cached for a moment per instance: an instance
/// that made a change refuses at once, every other within a second.
#[tokio::test]
async fn sign_out_and_disabling_reach_every_instance_within_a_second() {
    let app = spawn_app().await;
    let other = app.second_instance().await;
    let admin = app.admin().await;
    let id = app
        .create_user(&admin, "liuyang", &["staff"], json!({}))
        .await;
    let me = |base: &str, token: &str| {
        app.client
            .get(format!("{base}/api/v1/me"))
            .bearer_auth(token.to_owned())
            .send()
    };
    // Signed out through the first instance, while the second has the
    // account cached.
    let token = app.login("liuyang", PASSWORD).await;
    for _ in 0..3 {
        assert_eq!(me(&other.base, &token).await.unwrap().status(), 200);
        assert_eq!(me(&app.base, &token).await.unwrap().status(), 200);
    }
    app.post("/api/v1/auth/logout", Some(&token), &json!({}))
        .await
        .ok(204);
    app.get("/api/v1/me", Some(&token))
        .await
        .problem(401, "unauthenticated");
    assert!(refused_within_the_cache_life(&app, &other.base, &token).await);

    // Disabled through the second instance, while the first has it cached.
    let token = app.login("liuyang", PASSWORD).await;
    app.get("/api/v1/me", Some(&token)).await.ok(200);
    let admin_there = other_login(&app, &other.base).await;
    let r = app
        .client
        .patch(format!("{}/api/v1/users/{id}", other.base))
        .bearer_auth(&admin_there)
        .json(&json!({"status": "disabled"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(me(&other.base, &token).await.unwrap().status(), 401);
    assert!(refused_within_the_cache_life(&app, &app.base, &token).await);
}

/// The administrator signed in through `base`.
async fn other_login(app: &TestApp, base: &str) -> String {
    let r = app
        .client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": "admin", "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = r.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}
