use serde_json::{Value, json};

use crate::helpers::{Answer, spawn_app};
use crate::units::urlencode;

fn zhang() -> Value {
    json!({
        "name": "张伟",
        "gender": "male",
        "ethnicity": "汉族",
        "birth_date": "1975-03-18",
        "party": "中国共产党",
        "occupation": "教师",
        "work_unit": "宿城区实验小学",
        "phone": "13812341234",
        "memberships": [
            {"level": "county", "term": "第十八届", "constituency": "古城街道第三选区", "start_date": "2021-12-01"},
            {"level": "municipal", "term": "第八届", "delegation": "宿城区代表团"}
        ],
        "links": [{"kind": "community", "organization": "项里社区", "start_date": "2022-01-01"}]
    })
}

#[tokio::test]
async fn staff_record_a_deputy_with_memberships_and_links() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let a = app.post("/api/v1/deputies", Some(&staff), &zhang()).await;
    let d = a.ok(201).clone();
    assert!(
        a.header("location")
            .unwrap()
            .ends_with(d["id"].as_str().unwrap())
    );
    // Masked for the office too, unless it asks (and the trail records it).
    assert_eq!(d["phone"], "138****1234");
    assert_eq!(d["personal_data_masked"], true);
    let full = app
        .get(
            &format!("/api/v1/deputies/{}?unmask=true", d["id"].as_str().unwrap()),
            Some(&staff),
        )
        .await;
    assert_eq!(
        full.ok(200)["phone"],
        "13812341234",
        "staff see personal data on request"
    );
    assert_eq!(full.body["birth_date"], "1975-03-18");
    assert_eq!(full.body["personal_data_masked"], false);
    assert_eq!(d["status"], "active");
    assert_eq!(d["memberships"].as_array().unwrap().len(), 2);
    assert_eq!(d["memberships"][0]["status"], "serving");
    assert_eq!(d["memberships"][1]["delegation"], "宿城区代表团");
    assert_eq!(d["links"][0]["organization"], "项里社区");
    let got = app
        .get(
            &format!("/api/v1/deputies/{}", d["id"].as_str().unwrap()),
            Some(&staff),
        )
        .await;
    assert_eq!(got.ok(200)["memberships"], d["memberships"]);
}

#[tokio::test]
async fn personal_data_is_masked_for_everyone_but_the_office_and_the_person() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let d = app.create_deputy(&admin, zhang()).await;
    let other = app
        .create_deputy(&admin, json!({"name": "李娜", "phone": "13900001111"}))
        .await;
    let id = d["id"].as_str().unwrap();
    let me = app
        .user_token(
            &admin,
            "zhangwei",
            &["deputy"],
            json!({"deputy_id": d["id"]}),
        )
        .await;
    let peer = app
        .user_token(
            &admin,
            "lina",
            &["deputy"],
            json!({"deputy_id": other["id"]}),
        )
        .await;
    let unit = app.create_unit(&admin, "区教育局").await;
    let unit_user = app
        .user_token(&admin, "jyj", &["unit"], json!({"unit_id": unit["id"]}))
        .await;
    let path = format!("/api/v1/deputies/{id}");

    for (who, token) in [
        ("anonymous", None),
        ("another deputy", Some(peer.as_str())),
        ("a unit", Some(unit_user.as_str())),
    ] {
        let a = app.get(&path, token).await;
        let b = a.ok(200);
        assert_eq!(b["phone"], "138****1234", "{who}");
        assert!(b["birth_date"].is_null(), "{who}");
        assert_eq!(b["personal_data_masked"], true, "{who}");
        assert_eq!(b["name"], "张伟", "{who} sees the public profile");
        // Lists mask alike.
        let list = app.get("/api/v1/deputies", token).await;
        let mine = list.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == d["id"])
            .unwrap()
            .clone();
        assert_eq!(mine["phone"], "138****1234", "{who} in a list");
    }
    let own = app.get(&path, Some(&me)).await;
    assert_eq!(own.ok(200)["phone"], "13812341234");
    assert_eq!(own.body["birth_date"], "1975-03-18");
    assert!(!own.text.contains("13900001111"));
}

#[tokio::test]
async fn a_deputy_edits_only_a_few_fields_of_their_own_profile() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let d = app.create_deputy(&admin, zhang()).await;
    let other = app.create_deputy(&admin, json!({"name": "李娜"})).await;
    let me = app
        .user_token(
            &admin,
            "zhangwei",
            &["deputy"],
            json!({"deputy_id": d["id"]}),
        )
        .await;
    let path = format!("/api/v1/deputies/{}", d["id"].as_str().unwrap());

    let ok = app
        .patch(
            &path,
            Some(&me),
            &json!({"phone": "13700002222", "work_unit": "宿城区第二实验小学"}),
        )
        .await;
    assert_eq!(ok.ok(200)["phone"], "13700002222");
    assert_eq!(ok.body["work_unit"], "宿城区第二实验小学");

    let refused = app
        .patch(
            &path,
            Some(&me),
            &json!({"phone": "13600003333", "name": "张大伟", "status": "inactive"}),
        )
        .await;
    refused.problem(422, "validation_failed");
    let mut fields = refused.fields();
    fields.sort();
    assert_eq!(fields, ["name", "status"]);
    assert_eq!(refused.body["errors"][0]["code"], "not_editable");
    let after = app.get(&path, Some(&me)).await;
    assert_eq!(
        after.ok(200)["phone"],
        "13700002222",
        "a refused request changes nothing"
    );
    assert_eq!(after.body["name"], "张伟");

    let other_path = format!("/api/v1/deputies/{}", other["id"].as_str().unwrap());
    app.patch(&other_path, Some(&me), &json!({"phone": "13500000000"}))
        .await
        .problem(403, "forbidden");
    app.patch(&path, None, &json!({"phone": "13500000000"}))
        .await
        .problem(401, "unauthenticated");
    app.delete(&path, Some(&me)).await.problem(403, "forbidden");
    app.post("/api/v1/deputies", Some(&me), &json!({"name": "新代表"}))
        .await
        .problem(403, "forbidden");
}

#[tokio::test]
async fn staff_change_and_deactivate_deputies() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let d = app.create_deputy(&staff, zhang()).await;
    let path = format!("/api/v1/deputies/{}", d["id"].as_str().unwrap());
    let a = app
        .patch(
            &path,
            Some(&staff),
            &json!({
                "status": "inactive",
                "memberships": [{"level": "county", "term": "第十八届", "status": "resigned", "end_date": "2026-06-30"}],
                "links": []
            }),
        )
        .await;
    let b = a.ok(200);
    assert_eq!(b["status"], "inactive");
    assert_eq!(b["memberships"].as_array().unwrap().len(), 1);
    assert_eq!(b["memberships"][0]["status"], "resigned");
    assert_eq!(b["links"], json!([]));
    assert_eq!(a.header("etag"), Some("\"2\""));
    let list = app.get("/api/v1/deputies?status=inactive", None).await;
    assert_eq!(list.ok(200)["items"].as_array().unwrap().len(), 1);
    let list = app.get("/api/v1/deputies?status=active", None).await;
    assert!(list.ok(200)["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn invalid_deputies_are_refused_with_field_paths() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let a = app
        .post(
            "/api/v1/deputies",
            Some(&staff),
            &json!({
                "name": "王五",
                "phone": "call me",
                "photo_url": "javascript:alert(1)",
                "memberships": [
                    {"level": "county", "term": "第十八届"},
                    {"level": "county", "term": ""},
                    {"level": "county", "term": "第十八届", "start_date": "2022-01-01", "end_date": "2021-01-01"}
                ]
            }),
        )
        .await;
    a.problem(422, "validation_failed");
    let mut fields = a.fields();
    fields.sort();
    fields.dedup();
    assert_eq!(
        fields,
        [
            "memberships[1].term",
            "memberships[2]",
            "phone",
            "photo_url"
        ]
    );
    let bad_level = app
        .post(
            "/api/v1/deputies",
            Some(&staff),
            &json!({"name": "王五", "memberships": [{"level": "galactic", "term": "一"}]}),
        )
        .await;
    bad_level.problem(422, "validation_failed");
    assert_eq!(bad_level.fields(), ["memberships[0].level"]);
    let total = app.get("/api/v1/deputies?include_total=true", None).await;
    assert_eq!(total.ok(200)["total"], 0);
}

#[tokio::test]
async fn filters_by_level_term_constituency_and_name() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    app.create_deputy(&staff, zhang()).await;
    app.create_deputy(
        &staff,
        json!({"name": "李娜", "memberships": [{"level": "township", "term": "第十九届", "constituency": "项里村选区"}]}),
    )
    .await;
    app.create_deputy(
        &staff,
        json!({"name": "张敏", "memberships": [{"level": "county", "term": "第十七届"}]}),
    )
    .await;
    let names = |a: &Answer| -> Vec<String> {
        let mut v: Vec<String> = a.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].as_str().unwrap().to_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        names(&app.get("/api/v1/deputies?level=county", None).await),
        ["张伟", "张敏"]
    );
    assert_eq!(
        names(&app.get("/api/v1/deputies?level=township", None).await),
        ["李娜"]
    );
    let q = format!(
        "/api/v1/deputies?level=county&term={}",
        urlencode("第十八届")
    );
    assert_eq!(names(&app.get(&q, None).await), ["张伟"]);
    let q = format!("/api/v1/deputies?constituency={}", urlencode("项里村选区"));
    assert_eq!(names(&app.get(&q, None).await), ["李娜"]);
    let q = format!("/api/v1/deputies?q={}", urlencode("张"));
    assert_eq!(names(&app.get(&q, None).await), ["张伟", "张敏"]);
    let q = format!("/api/v1/deputies?q={}&level=municipal", urlencode("张"));
    assert_eq!(names(&app.get(&q, None).await), ["张伟"]);
}

#[tokio::test]
async fn keyset_pages_neither_skip_nor_repeat() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let mut created = Vec::new();
    for i in 0..7 {
        created.push(
            app.create_deputy(&staff, json!({"name": format!("代表{i}")}))
                .await["id"]
                .clone(),
        );
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/deputies?limit=3&include_total=true&cursor={c}"),
            None => "/api/v1/deputies?limit=3&include_total=true".into(),
        };
        let a = app.get(&path, None).await;
        let b = a.ok(200);
        if pages == 0 {
            assert_eq!(b["total"], 7);
        }
        seen.extend(
            b["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].clone()),
        );
        pages += 1;
        match b["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
        // A deputy added while paging appears at the end, never twice.
        if pages == 1 {
            created.push(
                app.create_deputy(&staff, json!({"name": "后来的代表"}))
                    .await["id"]
                    .clone(),
            );
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, created, "every deputy once, in creation order");
    assert_eq!(
        app.get("/api/v1/deputies", None).await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        8
    );
}

#[tokio::test]
async fn deleting_a_deputy_leaves_a_tombstone_and_is_refused_while_linked() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let linked = app.create_deputy(&admin, json!({"name": "张伟"})).await;
    app.create_user(
        &admin,
        "zhangwei",
        &["deputy"],
        json!({"deputy_id": linked["id"]}),
    )
    .await;
    let path = format!("/api/v1/deputies/{}", linked["id"].as_str().unwrap());
    app.delete(&path, Some(&admin))
        .await
        .problem(409, "deputy_in_use");
    let stray = app.create_deputy(&admin, json!({"name": "误录代表"})).await;
    let stray_path = format!("/api/v1/deputies/{}", stray["id"].as_str().unwrap());
    assert_eq!(app.delete(&stray_path, Some(&admin)).await.status, 204);
    app.get(&stray_path, None).await.problem(404, "not_found");
    let all = app.get("/api/v1/deputies?include_deleted=true", None).await;
    let items = all.ok(200)["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(
        items[1],
        json!({"id": stray["id"], "deleted": true, "updated_at": items[1]["updated_at"]})
    );
}

#[tokio::test]
async fn landline_numbers_are_masked_by_digits() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let d = app
        .create_deputy(&staff, json!({"name": "周强", "phone": "84351234"}))
        .await;
    let a = app
        .get(
            &format!("/api/v1/deputies/{}", d["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(a.ok(200)["phone"], "****1234");
}
