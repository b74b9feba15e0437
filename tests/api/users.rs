use serde_json::json;

use crate::helpers::{PASSWORD, spawn_app};

#[tokio::test]
async fn admin_manages_accounts_and_nobody_else_does() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let staff = app.staff().await;
    let a = app
        .post("/api/v1/users", Some(&admin), &json!({"username": "Liu.Qing", "password": PASSWORD, "display_name": "刘青", "roles": ["staff", "leader"]}))
        .await;
    let u = a.ok(201).clone();
    assert_eq!(
        u["username"], "liu.qing",
        "usernames are kept in lower case"
    );
    assert_eq!(u["roles"], json!(["staff", "leader"]));
    assert_eq!(u["status"], "active");
    assert!(
        u.get("password").is_none() && !a.text.contains("argon2"),
        "{}",
        a.text
    );
    let path = format!("/api/v1/users/{}", u["id"].as_str().unwrap());
    assert_eq!(
        app.get(&path, Some(&admin)).await.ok(200)["display_name"],
        "刘青"
    );

    app.post(
        "/api/v1/users",
        Some(&staff),
        &json!({"username": "x1x", "password": PASSWORD, "display_name": "x", "roles": ["admin"]}),
    )
    .await
    .problem(403, "forbidden");
    app.get("/api/v1/users", Some(&staff))
        .await
        .problem(403, "forbidden");
    app.get(&path, Some(&staff)).await.problem(403, "forbidden");
    app.patch(&path, Some(&staff), &json!({"roles": ["admin"]}))
        .await
        .problem(403, "forbidden");
    app.get("/api/v1/users", None)
        .await
        .problem(401, "unauthenticated");

    let leaders = app.get("/api/v1/users?role=leader", Some(&admin)).await;
    let items = leaders.ok(200)["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["username"], "liu.qing");
}

#[tokio::test]
async fn account_rules_are_enforced() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let dup = app.post("/api/v1/users", Some(&admin), &json!({"username": "ADMIN", "password": PASSWORD, "display_name": "x", "roles": ["staff"]})).await;
    dup.problem(409, "username_taken");
    let weak = app.post("/api/v1/users", Some(&admin), &json!({"username": "weak", "password": "alllowercase", "display_name": "x", "roles": ["staff"]})).await;
    weak.problem(422, "validation_failed");
    assert_eq!(weak.fields(), ["password"]);
    assert_eq!(weak.body["errors"][0]["code"], "password_policy");
    let unlinked = app.post("/api/v1/users", Some(&admin), &json!({"username": "dep", "password": PASSWORD, "display_name": "x", "roles": ["deputy", "unit"]})).await;
    unlinked.problem(422, "validation_failed");
    let mut f = unlinked.fields();
    f.sort();
    assert_eq!(f, ["deputy_id", "unit_id"]);
    let ghost = app
        .post("/api/v1/users", Some(&admin), &json!({"username": "dep", "password": PASSWORD, "display_name": "x", "roles": ["deputy"], "deputy_id": uuid::Uuid::now_v7()}))
        .await;
    ghost.problem(422, "validation_failed");
    assert_eq!(ghost.body["errors"][0]["code"], "not_found");
    let bad_name = app.post("/api/v1/users", Some(&admin), &json!({"username": "张三", "password": PASSWORD, "display_name": "x", "roles": ["staff"]})).await;
    assert_eq!(bad_name.fields(), ["username"]);
    let no_roles = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &json!({"username": "noroles", "password": PASSWORD, "display_name": "x", "roles": []}),
        )
        .await;
    // An account may be opened without roles, for the security
    // administrator to grant them.
    assert_eq!(no_roles.ok(201)["roles"], json!([]));
    let bad_role = app.post("/api/v1/users", Some(&admin), &json!({"username": "badrole", "password": PASSWORD, "display_name": "x", "roles": ["root"]})).await;
    assert_eq!(bad_role.fields(), ["roles[0]"]);
    let total = app
        .get("/api/v1/users?include_total=true", Some(&admin))
        .await;
    assert_eq!(
        total.ok(200)["total"],
        4,
        "the three first administrators and the account without roles"
    );

    let d = app.create_deputy(&admin, json!({"name": "张伟"})).await;
    app.create_user(
        &admin,
        "zhangwei",
        &["deputy"],
        json!({"deputy_id": d["id"]}),
    )
    .await;
    app.post("/api/v1/users", Some(&admin), &json!({"username": "zhangwei2", "password": PASSWORD, "display_name": "x", "roles": ["deputy"], "deputy_id": d["id"]}))
        .await
        .problem(409, "deputy_already_linked");
}

#[tokio::test]
async fn the_last_administrator_stays() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let security = app.security_admin().await;
    let me = app.get("/api/v1/me", Some(&admin)).await.ok(200).clone();
    let path = format!("/api/v1/users/{}", me["id"].as_str().unwrap());
    app.patch(&path, Some(&admin), &json!({"status": "disabled"}))
        .await
        .problem(409, "last_admin");
    app.patch(&path, Some(&security), &json!({"roles": ["staff"]}))
        .await
        .problem(409, "last_admin");
    app.get("/api/v1/me", Some(&admin)).await.ok(200);
    // With a second administrator, the first may step down: the system
    // administrator opens the account, the security administrator grants
    // the role.
    let second = app.create_user(&admin, "admin2", &[], json!({})).await;
    app.patch(
        &format!("/api/v1/users/{second}"),
        Some(&security),
        &json!({"roles": ["admin"]}),
    )
    .await
    .ok(200);
    let a = app
        .patch(&path, Some(&security), &json!({"roles": ["staff"]}))
        .await;
    assert_eq!(a.ok(200)["roles"], json!(["staff"]));
    app.get("/api/v1/users", Some(&admin))
        .await
        .problem(403, "forbidden");
}

/// Weak passwords that met the old rules: a common password with a digit
/// or symbol added, one padded with spaces, one that holds the username.
/// Each refusal names the field and has its own code; a refusal changes
/// nothing.
#[tokio::test]
async fn common_padded_and_username_passwords_are_refused() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.create_user(&admin, "clerk", &["staff"], json!({}))
        .await;
    let clerk = app.login("clerk", PASSWORD).await;
    for (new, code) in [
        ("Password1", "password_common"),
        ("Qwerty123", "password_common"),
        ("Admin-123", "password_common"),
        ("   Ab1!x   ", "password_policy"),
        ("abcdefg1     ", "password_policy"),
        ("Ab1!2345678", "password_predictable"),
        ("My-Clerk-2026", "password_contains_username"),
    ] {
        let a = app
            .post(
                "/api/v1/me/password",
                Some(&clerk),
                &json!({"current_password": PASSWORD, "new_password": new}),
            )
            .await;
        a.problem(422, "validation_failed");
        assert_eq!(a.fields(), ["new_password"], "{new}");
        assert_eq!(a.body["errors"][0]["code"], code, "{new}");
    }
    // Nothing changed, and the refusals were no wrong guesses.
    let clerk = app.login("clerk", PASSWORD).await;
    assert_eq!(
        app.get("/api/v1/me", Some(&clerk)).await.ok(200)["username"],
        "clerk"
    );

    // The administrator opening an account or setting its password.
    let count = "/api/v1/users?include_total=true";
    let before = app.get(count, Some(&admin)).await.ok(200)["total"].clone();
    for (username, password, code) in [
        ("wangli", "Wangli-2026!", "password_contains_username"),
        ("WangLi", "My-WANGLI-Pw-1", "password_contains_username"),
        ("wangli", "Password1", "password_common"),
    ] {
        let a = app
            .post(
                "/api/v1/users",
                Some(&admin),
                &json!({"username": username, "password": password, "display_name": "王力", "roles": ["staff"]}),
            )
            .await;
        a.problem(422, "validation_failed");
        assert_eq!(a.fields(), ["password"], "{password}");
        assert_eq!(a.body["errors"][0]["code"], code, "{password}");
    }
    assert_eq!(
        app.get(count, Some(&admin)).await.ok(200)["total"],
        before,
        "nothing was created"
    );
    let id = app.get("/api/v1/users?q=clerk", Some(&admin)).await.ok(200)["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let a = app
        .patch(
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            &json!({"password": "Clerk#Reset-9"}),
        )
        .await;
    a.problem(422, "validation_failed");
    assert_eq!(a.body["errors"][0]["code"], "password_contains_username");
    app.login("clerk", PASSWORD).await;
}
