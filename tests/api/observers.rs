use serde_json::json;

use crate::helpers::{PASSWORD, spawn_app};

#[tokio::test]
async fn the_office_registers_observers_and_contact_details_stay_private() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let staff = app
        .user_token(&admin, "office", &["staff"], json!({}))
        .await;
    let court = app.create_unit(&staff, "宿城区人民法院").await;
    let body = json!({
        "name": "陈静", "specialty": "finance_audit", "category": "finance_work",
        "affiliation": "宿迁某会计师事务所", "term_start": "2026-01-01", "term_end": "2028-12-31",
        "phone": "13900005678", "email": "chen@example.com", "conflict_unit_ids": [court["id"]]
    });
    let a = app.post("/api/v1/observers", Some(&staff), &body).await;
    let o = a.ok(201).clone();
    assert_eq!(o["phone"], "139****5678");
    let full = app
        .get(
            &format!(
                "/api/v1/observers/{}?unmask=true",
                o["id"].as_str().unwrap()
            ),
            Some(&staff),
        )
        .await;
    assert_eq!(full.ok(200)["phone"], "13900005678");
    assert_eq!(full.body["email"], "chen@example.com");
    assert_eq!(o["conflict_unit_ids"], json!([court["id"]]));
    let id = o["id"].as_str().unwrap();
    let path = format!("/api/v1/observers/{id}");

    let me = app
        .user_token(
            &admin,
            "chenjing",
            &["observer"],
            json!({"observer_id": id}),
        )
        .await;
    let d = app.create_deputy(&staff, json!({"name": "张伟"})).await;
    let deputy = app
        .user_token(
            &admin,
            "zhangwei",
            &["deputy"],
            json!({"deputy_id": d["id"]}),
        )
        .await;
    let seen = app.get(&path, Some(&deputy)).await;
    assert_eq!(seen.ok(200)["phone"], "139****5678");
    assert!(seen.body["email"].is_null());
    assert_eq!(seen.body["personal_data_masked"], true);
    assert_eq!(
        app.get(&path, Some(&me)).await.ok(200)["email"],
        "chen@example.com"
    );
    app.get(&path, None).await.problem(401, "unauthenticated");
    app.post("/api/v1/observers", Some(&deputy), &body)
        .await
        .problem(403, "forbidden");
    app.post("/api/v1/observers", Some(&me), &body)
        .await
        .problem(403, "forbidden");

    // The observer keeps their own contact details and declared ties, nothing else.
    app.patch(
        &path,
        Some(&me),
        &json!({"phone": "13700001111", "conflict_unit_ids": []}),
    )
    .await
    .ok(200);
    let refused = app
        .patch(
            &path,
            Some(&me),
            &json!({"specialty": "law", "status": "inactive"}),
        )
        .await;
    refused.problem(422, "validation_failed");
    let mut fields = refused.fields();
    fields.sort();
    assert_eq!(fields, ["specialty", "status"]);
    app.patch(&path, Some(&deputy), &json!({"phone": "13700001111"}))
        .await
        .problem(403, "forbidden");
    let after = app.get(&format!("{path}?unmask=true"), Some(&staff)).await;
    assert_eq!(after.ok(200)["specialty"], "finance_audit");
    assert_eq!(after.body["phone"], "13700001111");
    assert_eq!(after.body["conflict_unit_ids"], json!([]));

    // Staff end the service; lists filter.
    app.patch(&path, Some(&staff), &json!({"status": "inactive"}))
        .await
        .ok(200);
    let list = app
        .get(
            "/api/v1/observers?status=inactive&include_total=true",
            Some(&deputy),
        )
        .await;
    assert_eq!(list.ok(200)["total"], 1);
    assert_eq!(list.body["items"][0]["phone"], "137****1111");
    let none = app
        .get(
            "/api/v1/observers?category=rural_revitalization",
            Some(&staff),
        )
        .await;
    assert!(none.ok(200)["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn observer_records_are_validated_and_accounts_link_only_to_real_ones() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let bad = app
        .post(
            "/api/v1/observers",
            Some(&admin),
            &json!({"name": " ", "specialty": "astrology", "category": "finance_work", "conflict_unit_ids": [uuid::Uuid::now_v7()]}),
        )
        .await;
    bad.problem(422, "validation_failed");
    let late = app
        .post(
            "/api/v1/observers",
            Some(&admin),
            &json!({"name": "李明", "specialty": "law", "category": "other", "term_start": "2027-01-01", "term_end": "2026-01-01"}),
        )
        .await;
    assert_eq!(late.fields(), ["term_end"]);
    let ghost = app
        .post("/api/v1/observers", Some(&admin), &json!({"name": "李明", "specialty": "law", "category": "other", "conflict_unit_ids": [uuid::Uuid::now_v7()]}))
        .await;
    assert_eq!(ghost.fields(), ["conflict_unit_ids[0]"]);
    let none = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &json!({"username": "obs1", "password": PASSWORD, "display_name": "x", "roles": ["observer"], "observer_id": uuid::Uuid::now_v7()}),
        )
        .await;
    none.problem(422, "validation_failed");
    assert_eq!(none.fields(), ["observer_id"]);
    assert_eq!(
        app.get("/api/v1/observers?include_total=true", Some(&admin))
            .await
            .ok(200)["total"],
        0
    );
}
