//! Exports: the suggestions a caller may list, with the same filters, as
//! CSV a spreadsheet opens.

use renda_domain::time::Clock;
use serde_json::json;

use crate::helpers::{TestApp, spawn_app};

/// Parses CSV as RFC 4180 writes it (quotes, doubled quotes, CRLF).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

async fn export(app: &TestApp, query: &str, token: Option<&str>) -> Vec<Vec<String>> {
    let r = app
        .request(
            reqwest::Method::GET,
            &format!("/api/v1/suggestions/export.csv{query}"),
            token,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/csv; charset=utf-8")
    );
    let text = r.text().await.unwrap();
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark for spreadsheets");
    let rows = parse_csv(text);
    assert_eq!(rows[0][0], "编号");
    assert_eq!(rows[0].len(), 16);
    assert!(rows.iter().all(|r| r.len() == 16));
    rows[1..].to_vec()
}

async fn total(app: &TestApp, query: &str, token: Option<&str>) -> u64 {
    let sep = if query.is_empty() { "?" } else { "&" };
    let a = app
        .get(
            &format!("/api/v1/suggestions{query}{sep}include_total=true"),
            token,
        )
        .await;
    a.ok(200)["total"].as_u64().unwrap()
}

#[tokio::test]
async fn an_export_holds_exactly_what_the_caller_may_list() {
    let app = spawn_app().await;
    renda::demo::load(&app.store, app.clock.today())
        .await
        .unwrap();
    let staff = app.login("demo-staff", renda::demo::DEMO_PASSWORD).await;
    let deputy = app.login("demo-deputy0", renda::demo::DEMO_PASSWORD).await;
    let unit = app.login("demo-unit3", renda::demo::DEMO_PASSWORD).await;

    for (token, query) in [
        (Some(staff.as_str()), ""),
        (Some(staff.as_str()), "?status=closed"),
        (Some(staff.as_str()), "?color=red&overdue=false"),
        (Some(deputy.as_str()), ""),
        (Some(unit.as_str()), ""),
        (None, ""),
    ] {
        let rows = export(&app, query, token).await;
        assert_eq!(
            rows.len() as u64,
            total(&app, query, token).await,
            "{query}"
        );
    }
    // Every row once.
    let all = export(&app, "", Some(&staff)).await;
    let mut ids: Vec<&str> = all.iter().map(|r| r[15].as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), all.len());
    let closed = export(&app, "?status=closed", Some(&staff)).await;
    assert!(closed.iter().all(|r| r[5] == "已办结"));
    assert!(closed.iter().any(|r| !r[7].is_empty() && !r[13].is_empty()));

    // Text a spreadsheet would run as a formula is defused.
    let d = app.create_deputy(&staff, json!({"name": "公式"})).await;
    let admin = app.admin().await;
    let author = app
        .user_token(
            &admin,
            "formula",
            &["deputy"],
            json!({"deputy_id": d["id"]}),
        )
        .await;
    app.post(
        "/api/v1/suggestions",
        Some(&author),
        &json!({"title": "=HYPERLINK(\"http://x\",\"点我\")", "content": "内容, 含逗号\n和换行",
                "category": "交通", "term": "第十八届", "timing": "between_sessions"}),
    )
    .await
    .ok(201);
    let mine = export(
        &app,
        &format!("?deputy_id={}", d["id"].as_str().unwrap()),
        Some(&author),
    )
    .await;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0][1], "'=HYPERLINK(\"http://x\",\"点我\")");
    assert_eq!(mine[0][4], "公式");
    app.get("/api/v1/suggestions/export.csv?status=done", Some(&staff))
        .await
        .problem(422, "validation_failed");
}
