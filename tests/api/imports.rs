//! Imports of units and deputies from CSV and XLSX: a dry run answers as
//! the real run would, naming every bad row, and writes nothing; a real
//! run writes all or nothing.

use serde_json::{Value, json};

use crate::helpers::{Answer, TestApp, spawn_app};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async fn upload(app: &TestApp, path: &str, token: &str, media: &str, body: Vec<u8>) -> Answer {
    Answer::read(
        app.request(reqwest::Method::POST, path, Some(token))
            .header("content-type", media)
            .body(body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// The problems a 422 names, as (row, column, code).
fn problems(a: &Answer) -> Vec<(u64, String, String)> {
    a.problem(422, "validation_failed");
    a.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let field = e["field"].as_str().unwrap();
            let (row, column) = field
                .strip_prefix("rows[")
                .and_then(|f| f.split_once("]."))
                .unwrap_or_else(|| panic!("not a row's field: {field}"));
            (
                row.parse().unwrap(),
                column.to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn count(app: &TestApp, path: &str, token: &str) -> u64 {
    app.get(&format!("{path}?include_total=true"), Some(token))
        .await
        .ok(200)["total"]
        .as_u64()
        .unwrap()
}

#[tokio::test]
async fn a_unit_import_with_bad_rows_changes_nothing_and_names_each() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    app.create_unit(&staff, "区教育局").await;
    let csv = "\u{feff}名称,类型,联系人,联系电话,电子邮箱\n\
               区民政局,政府部门,赵磊,0527-84351234,mz@example.gov.cn\n\
               区住建局,government_department,,,not-an-email\n\
               区水利局,水务公司,,,\n\
               区民政局,政府部门,,,\n\
               区教育局,政府部门,,,\n\
               ,政府部门,,,\n";
    let dry = upload(
        &app,
        "/api/v1/units/import?dry_run=true",
        &staff,
        "text/csv",
        csv.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(
        problems(&dry),
        [
            (3, "电子邮箱".into(), "email".into()),
            (4, "类型".into(), "invalid".into()),
            (5, "名称".into(), "taken".into()),
            (6, "名称".into(), "taken".into()),
            (7, "名称".into(), "required".into()),
        ],
        "{}",
        dry.text
    );
    let before = count(&app, "/api/v1/units", &staff).await;
    let real = upload(
        &app,
        "/api/v1/units/import",
        &staff,
        "text/csv",
        csv.as_bytes().to_vec(),
    )
    .await;
    real.problem(422, "validation_failed");
    assert!(
        real.fields().contains(&"rows[3].电子邮箱".to_owned()),
        "{}",
        real.text
    );
    assert_eq!(count(&app, "/api/v1/units", &staff).await, before);

    let good = "名称,类型,联系人\n区民政局,政府部门,赵磊\n区住建局,government_department,\n";
    let ok = upload(
        &app,
        "/api/v1/units/import",
        &staff,
        "text/csv",
        good.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(ok.ok(200)["created"], 2, "{}", ok.text);
    assert_eq!(count(&app, "/api/v1/units", &staff).await, before + 2);
    let id = ok.body["created_ids"][0].as_str().unwrap();
    let unit = app.get(&format!("/api/v1/units/{id}"), Some(&staff)).await;
    assert_eq!(unit.ok(200)["name"], "区民政局");
    assert_eq!(unit.body["contact_person"], "赵磊");

    // Only the office imports, and only CSV or XLSX.
    let admin = app.admin().await;
    let deputy_id = app.create_deputy(&staff, json!({"name": "张伟"})).await["id"].clone();
    let deputy = app
        .user_token(
            &admin,
            "deputy1",
            &["deputy"],
            json!({"deputy_id": deputy_id}),
        )
        .await;
    upload(
        &app,
        "/api/v1/units/import",
        &deputy,
        "text/csv",
        good.into(),
    )
    .await
    .problem(403, "forbidden");
    upload(
        &app,
        "/api/v1/units/import",
        &staff,
        "application/json",
        b"{}".to_vec(),
    )
    .await
    .problem(415, "unsupported_media_type");
    upload(
        &app,
        "/api/v1/units/import",
        &staff,
        XLSX,
        b"not a zip".to_vec(),
    )
    .await
    .problem(422, "validation_failed");
    // A NUL anywhere in the file is refused as the file's problem (no
    // cell echoed), and nothing is created.
    for csv in [
        "名称,类型\n区审计局,government_department\n区卫\0健委,government_department\n",
        "名\0称,类型\n区审计局,government_department\n",
    ] {
        let a = upload(&app, "/api/v1/units/import", &staff, "text/csv", csv.into()).await;
        a.problem(422, "validation_failed");
        assert_eq!(a.fields(), ["file"]);
    }
    let units = app.get("/api/v1/units?q=区审计局", Some(&staff)).await;
    assert_eq!(
        units.ok(200)["items"],
        json!([]),
        "a refused import created a unit"
    );
}

/// An XLSX workbook of these rows, the first being the header.
fn workbook(rows: &[Vec<Value>]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match v {
                Value::Number(n) => sheet.write_number(r, c, n.as_f64().unwrap()).map(|_| ()),
                Value::String(s) => sheet.write_string(r, c, s).map(|_| ()),
                _ => Ok(()),
            }
            .unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

#[tokio::test]
async fn a_deputy_import_from_a_spreadsheet_is_all_or_nothing() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let header: Vec<Value> = [
        "姓名",
        "性别",
        "出生日期",
        "手机",
        "层级",
        "届次",
        "选区",
        "任期开始",
    ]
    .iter()
    .map(|h| json!(h))
    .collect();
    let row = |name: &str, gender: &str, born: &str, phone: Value, level: &str, term: &str| {
        vec![
            json!(name),
            json!(gender),
            json!(born),
            phone,
            json!(level),
            json!(term),
            json!("城关选区"),
            json!("2021-10-01"),
        ]
    };
    let bad = workbook(&[
        header.clone(),
        row(
            "张伟",
            "男",
            "1975-03-02",
            json!(13800138000_i64),
            "县级",
            "第十八届",
        ),
        row(
            "李娜",
            "女",
            "1980-13-40",
            json!("13900139000"),
            "区",
            "第十八届",
        ),
        row(
            "王强",
            "男",
            "1969-01-01",
            json!("138-abc"),
            "县级",
            "第十八届",
        ),
        row("", "男", "", json!(""), "星球级", "第十八届"),
    ]);
    let before = count(&app, "/api/v1/deputies", &staff).await;
    let dry = upload(
        &app,
        "/api/v1/deputies/import?dry_run=true",
        &staff,
        XLSX,
        bad.clone(),
    )
    .await;
    let p = problems(&dry);
    assert!(
        p.contains(&(3, "出生日期".into(), "invalid".into())),
        "{p:?}"
    );
    assert!(p.contains(&(4, "手机".into(), "phone".into())), "{p:?}");
    assert!(p.contains(&(5, "层级".into(), "invalid".into())), "{p:?}");
    assert!(p.iter().any(|(r, c, _)| *r == 5 && c == "姓名"), "{p:?}");
    assert!(p.iter().all(|(r, _, _)| *r != 2), "row 2 is good: {p:?}");
    let real = upload(&app, "/api/v1/deputies/import", &staff, XLSX, bad).await;
    real.problem(422, "validation_failed");
    assert_eq!(count(&app, "/api/v1/deputies", &staff).await, before);

    let good = workbook(&[
        header,
        row(
            "张伟",
            "男",
            "1975-03-02",
            json!(13800138000_i64),
            "县级",
            "第十八届",
        ),
        row(
            "李娜",
            "女",
            "1980-12-04",
            json!("13900139000"),
            "区",
            "第十八届",
        ),
    ]);
    let ok = upload(&app, "/api/v1/deputies/import", &staff, XLSX, good).await;
    assert_eq!(ok.ok(200)["created"], 2, "{}", ok.text);
    assert_eq!(count(&app, "/api/v1/deputies", &staff).await, before + 2);
    let id = ok.body["created_ids"][0].as_str().unwrap();
    let d = app
        .get(&format!("/api/v1/deputies/{id}?unmask=true"), Some(&staff))
        .await;
    assert_eq!(d.ok(200)["name"], "张伟");
    assert_eq!(d.body["phone"], "13800138000");
    assert_eq!(d.body["birth_date"], "1975-03-02");
    assert_eq!(d.body["memberships"][0]["level"], "county");
    assert_eq!(d.body["memberships"][0]["term"], "第十八届");
    assert_eq!(d.body["memberships"][0]["constituency"], "城关选区");
    // The import is in the audit trail, attributed.
    let audit = app
        .get(
            "/api/v1/audit-events?object_type=deputy&action=import",
            Some(&app.auditor().await),
        )
        .await;
    assert_eq!(
        audit.ok(200)["items"].as_array().unwrap().len(),
        1,
        "{}",
        audit.text
    );
}

#[tokio::test]
async fn hostile_spreadsheets_are_refused_cheaply() {
    // Made first: it takes a while, and a pooled connection left idle
    // meanwhile would be closed under the client.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let long = "甲".repeat(10_000);
    for r in 0..4000 {
        sheet.write_string(r, 0, format!("{r}{long}")).unwrap();
    }
    let bomb = book.save_to_buffer().unwrap();
    assert!(bomb.len() < 5 * 1024 * 1024, "{}", bomb.len());
    let app = spawn_app().await;
    let staff = app.staff().await;
    // A used range of a million rows with two cells in it reads as two.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "名称").unwrap();
    sheet.write_string(0, 1, "类型").unwrap();
    sheet.write_string(999_999, 0, "区远方局").unwrap();
    sheet.write_string(999_999, 1, "其他").unwrap();
    let sparse = book.save_to_buffer().unwrap();
    let a = upload(
        &app,
        "/api/v1/units/import?dry_run=true",
        &staff,
        XLSX,
        sparse,
    )
    .await;
    assert_eq!(a.ok(200)["rows"], 1, "{}", a.text);
    assert_eq!(a.body["created"], 0, "a dry run writes nothing");
    // A cell in the last column is refused.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "名称").unwrap();
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    let wide = book.save_to_buffer().unwrap();
    upload(
        &app,
        "/api/v1/units/import?dry_run=true",
        &staff,
        XLSX,
        wide,
    )
    .await
    .problem(422, "validation_failed");
    // A date no calendar holds is a bad cell, not a crash.
    let mut book = rust_xlsxwriter::Workbook::new();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "姓名").unwrap();
    sheet.write_string(0, 1, "出生日期").unwrap();
    sheet.write_string(1, 0, "张伟").unwrap();
    sheet.write_number_with_format(1, 1, 1e300, &date).unwrap();
    let bad_date = book.save_to_buffer().unwrap();
    let a = upload(
        &app,
        "/api/v1/deputies/import?dry_run=true",
        &staff,
        XLSX,
        bad_date,
    )
    .await;
    assert_eq!(
        problems(&a),
        [(2, "出生日期".into(), "invalid".into())],
        "{}",
        a.text
    );
    // A zip that unpacks to far more than it weighs is refused.
    upload(
        &app,
        "/api/v1/units/import?dry_run=true",
        &staff,
        XLSX,
        bomb,
    )
    .await
    .problem(422, "validation_failed");
}
