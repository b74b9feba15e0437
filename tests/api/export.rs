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

/// The pages of `/suggestions{query}` this caller lists, by id.
async fn listed(
    app: &TestApp,
    query: &str,
    token: Option<&str>,
) -> std::collections::HashMap<String, serde_json::Value> {
    let mut by_id = std::collections::HashMap::new();
    let sep = if query.is_empty() { "?" } else { "&" };
    let mut path = format!("/api/v1/suggestions{query}{sep}limit=100");
    loop {
        let page = app.get(&path, token).await;
        let page = page.ok(200);
        for s in page["items"].as_array().unwrap() {
            by_id.insert(s["id"].as_str().unwrap().to_owned(), s.clone());
        }
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/suggestions{query}{sep}limit=100&cursor={c}"),
            None => return by_id,
        }
    }
}

/// An instant as a CSV cell shows it: China Standard Time, to the second.
fn csv_time(v: &serde_json::Value) -> String {
    v.as_str().map_or_else(String::new, |t| {
        let t: chrono::DateTime<chrono::Utc> = t.parse().unwrap();
        (t + chrono::Duration::hours(8))
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    })
}

#[tokio::test]
async fn every_exported_cell_says_what_the_suggestion_says() {
    let app = spawn_app().await;
    renda::demo::load(&app.store, app.clock.today())
        .await
        .unwrap();
    let staff = app.login("demo-staff", renda::demo::DEMO_PASSWORD).await;
    let unit = app.login("demo-unit3", renda::demo::DEMO_PASSWORD).await;
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
    let mut statuses = std::collections::HashMap::new();
    let mut seen = (0, 0, 0, 0);
    for (token, query) in [
        (staff.as_str(), ""),
        (staff.as_str(), "?q=%E5%BB%BA%E8%AE%AE"),
        (unit.as_str(), ""),
    ] {
        let rows = export(&app, query, Some(token)).await;
        let listed = listed(&app, query, Some(token)).await;
        assert_eq!(rows.len(), listed.len(), "{query}");
        for r in &rows {
            let s = &listed[&r[15]];
            assert_eq!(r[0], text(&s["number"]));
            assert_eq!(r[1], text(&s["title"]));
            assert_eq!(r[2], text(&s["category"]));
            assert_eq!(r[3], text(&s["term"]));
            let deputy = app
                .get(
                    &format!("/api/v1/deputies/{}", text(&s["lead_deputy_id"])),
                    Some(&staff),
                )
                .await;
            assert_eq!(r[4], text(&deputy.ok(200)["name"]));
            // One label for each status, a different one for each.
            let status = text(&s["status"]);
            assert_eq!(
                statuses.entry(status.clone()).or_insert(r[5].clone()),
                &r[5]
            );
            let color = match s["color"].as_str() {
                Some("green") => "绿色",
                Some("yellow") => "黄色",
                Some("red") => "红色",
                _ => "",
            };
            assert_eq!(r[6], color);
            assert_eq!(r[8], text(&s["assigned_on"]));
            assert_eq!(r[9], text(&s["due_date"]));
            let overdue = if s["overdue"] == true { "是" } else { "否" };
            assert_eq!(r[10], overdue);
            assert_eq!(r[11], csv_time(&s["replied_at"]));
            assert_eq!(r[12], text(&s["reply"]["category"]));
            let evaluation = match s["evaluation"]["result"].as_str() {
                Some("satisfied") => "满意",
                Some("basically_satisfied") => "基本满意",
                Some("unsatisfied") => "不满意",
                _ => "",
            };
            assert_eq!(r[13], evaluation);
            assert_eq!(r[14], csv_time(&s["submitted_at"]));
            seen.0 += usize::from(!r[7].is_empty());
            seen.1 += usize::from(!r[12].is_empty());
            seen.2 += usize::from(!r[13].is_empty());
            seen.3 += usize::from(r[10] == "是");
        }
    }
    let mut labels: Vec<&String> = statuses.values().collect();
    labels.sort();
    labels.dedup();
    assert_eq!(labels.len(), statuses.len());
    // The demo holds each kind of cell filled.
    assert!(
        seen.0 > 0 && seen.1 > 0 && seen.2 > 0 && seen.3 > 0,
        "{seen:?}"
    );
}

/// Downloads an export as XLSX and reads it back with calamine: the header
/// row and the data rows, every cell as text.
async fn xlsx(app: &TestApp, path: &str, token: Option<&str>) -> (Vec<String>, Vec<Vec<String>>) {
    use calamine::{Reader, Xlsx};
    let r = app
        .request(reqwest::Method::GET, path, token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "{path}");
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    let bytes = r.bytes().await.unwrap().to_vec();
    // The sheet opens ready to read: the header frozen, a filter on every
    // column, each column as wide as its text needs.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let mut sheet = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut sheet,
    )
    .unwrap();
    assert!(
        sheet.contains(r#"state="frozen""#),
        "{path}: no frozen header"
    );
    assert!(sheet.contains("<autoFilter ref=\"A1:"), "{path}: no filter");
    assert!(sheet.contains("customWidth=\"1\""), "{path}: no widths");
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("a workbook");
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).expect("a sheet");
    // Dates and times are date cells, shown as CSV shows them (to the
    // minute: the seconds are in the cell, not in its format).
    let mut rows = range.rows().map(|r| {
        r.iter()
            .map(|c| match c {
                calamine::Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                calamine::Data::DateTime(d) => {
                    let secs = (d.as_f64() * 86_400.0).round() as i64;
                    let at = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
                        .unwrap()
                        .and_hms_opt(0, 0, 0)
                        .unwrap()
                        + chrono::Duration::seconds(secs);
                    if secs % 86_400 == 0 {
                        at.format("%Y-%m-%d").to_string()
                    } else {
                        at.format("%Y-%m-%d %H:%M").to_string()
                    }
                }
                calamine::Data::String(s) => s.clone(),
                calamine::Data::Empty => String::new(),
                calamine::Data::Float(f) => f.to_string(),
                other => panic!("{path}: a cell of an unexpected kind: {other:?}"),
            })
            .collect::<Vec<String>>()
    });
    let header = rows.next().unwrap_or_default();
    (header, rows.collect())
}

/// CSV and XLSX of one export hold the same rows.
async fn both(app: &TestApp, path: &str, token: Option<&str>) -> Vec<Vec<String>> {
    let r = app
        .request(reqwest::Method::GET, &format!("{path}.csv"), token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "{path}");
    let text = r.text().await.unwrap();
    let csv = parse_csv(text.strip_prefix('\u{feff}').unwrap());
    let (header, rows) = xlsx(app, &format!("{path}.xlsx"), token).await;
    assert_eq!(header, csv[0], "{path}");
    // CSV guards formula text with a quote; XLSX stores it as text.
    let unguard = |v: &Vec<String>| -> Vec<String> {
        v.iter()
            .map(|c| c.strip_prefix('\'').unwrap_or(c).to_owned())
            .collect()
    };
    // A time to the second in CSV is the same minute in XLSX.
    let minute = |c: String| -> String {
        let b = c.as_bytes();
        if b.len() == 19 && b[10] == b' ' && b[16] == b':' {
            c[..16].to_owned()
        } else {
            c
        }
    };
    let csv_rows: Vec<Vec<String>> = csv[1..]
        .iter()
        .map(|r| unguard(r).into_iter().map(minute).collect())
        .collect();
    let xlsx_rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let mut r = r.clone();
            r.resize(header.len(), String::new());
            r
        })
        .collect();
    assert_eq!(xlsx_rows, csv_rows, "{path}");
    rows
}

#[tokio::test]
async fn exports_open_in_a_spreadsheet_with_the_lists_rows() {
    let app = spawn_app().await;
    renda::demo::load(&app.store, app.clock.today())
        .await
        .unwrap();
    let staff = app.login("demo-staff", renda::demo::DEMO_PASSWORD).await;
    let deputy = app.login("demo-deputy0", renda::demo::DEMO_PASSWORD).await;
    let unit = app.login("demo-unit3", renda::demo::DEMO_PASSWORD).await;

    // Suggestions: the same rows as CSV, as the list holds.
    let rows = both(&app, "/api/v1/suggestions/export", Some(&staff)).await;
    assert_eq!(rows.len() as u64, total(&app, "", Some(&staff)).await);
    // Times are China Standard Time, dates the days themselves.
    let id = rows[0][15].clone();
    let one = app
        .get(&format!("/api/v1/suggestions/{id}"), Some(&staff))
        .await;
    let submitted: chrono::DateTime<chrono::Utc> = one.ok(200)["submitted_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        rows[0][14],
        (submitted + chrono::Duration::hours(8))
            .format("%Y-%m-%d %H:%M")
            .to_string()
    );
    let assigned = rows.iter().find(|r| !r[8].is_empty()).unwrap();
    let listed = app
        .get(
            &format!("/api/v1/suggestions/{}", assigned[15]),
            Some(&staff),
        )
        .await;
    assert_eq!(listed.ok(200)["assigned_on"], assigned[8].as_str());
    let rows = both(&app, "/api/v1/suggestions/export", Some(&unit)).await;
    assert_eq!(rows.len() as u64, total(&app, "", Some(&unit)).await);

    // Deputies: everyone sees the roster, phones masked but for the office.
    let listed = app
        .get("/api/v1/deputies?include_total=true", None)
        .await
        .ok(200)["total"]
        .as_u64()
        .unwrap();
    let public = both(&app, "/api/v1/deputies/export", None).await;
    assert_eq!(public.len() as u64, listed);
    let office = both(&app, "/api/v1/deputies/export", Some(&staff)).await;
    let phone = |rows: &Vec<Vec<String>>| {
        rows.iter()
            .find(|r| !r[8].is_empty())
            .map(|r| r[8].clone())
            .unwrap()
    };
    assert!(phone(&public).contains('*'), "{}", phone(&public));
    // Masked for the office too, unless it asks.
    assert!(phone(&office).contains('*'));
    let unmasked = app
        .get("/api/v1/deputies/export.csv?unmask=true", Some(&staff))
        .await;
    assert_eq!(unmasked.status, 200);
    assert!(!unmasked.text.contains("****"), "{}", unmasked.text);
    assert!(
        office.iter().any(|r| r[9].contains("第十八届")),
        "{office:?}"
    );

    // Supervision items: as the list shows each caller.
    for token in [Some(staff.as_str()), Some(deputy.as_str()), None] {
        let listed = app
            .get("/api/v1/supervisions?include_total=true", token)
            .await
            .ok(200)["total"]
            .as_u64()
            .unwrap();
        let rows = both(&app, "/api/v1/supervisions/export", token).await;
        assert_eq!(rows.len() as u64, listed);
    }

    // Observers' opinions: the office's.
    let obs = both(
        &app,
        "/api/v1/supervisions/observations/export",
        Some(&staff),
    )
    .await;
    assert!(!obs.is_empty());
    app.get(
        "/api/v1/supervisions/observations/export.csv",
        Some(&deputy),
    )
    .await
    .problem(403, "forbidden");
    app.get("/api/v1/suggestions/export.pdf", Some(&staff))
        .await
        .problem(404, "not_found");
}

#[tokio::test]
async fn formulas_behind_full_width_signs_or_invisible_characters_are_defused() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    // The text fields of a deputy, in the export's columns 2 and 4 to 7,
    // and whether CSV must guard each (after trimming, which takes the
    // invisible characters of the Basic Multilingual Plane off the ends,
    // not a tag character such as U+E0001).
    let fields = ["ethnicity", "party", "education", "occupation", "work_unit"];
    let cases: [[(&str, bool); 5]; 3] = [
        [
            ("＝1+1", true),
            ("＋86", true),
            ("－1", true),
            ("＠SUM(A1:A2)", true),
            ("\u{200B}=HYPERLINK(\"http://x\",\"点我\")", true),
        ],
        [
            ("\u{FEFF}+1", true),
            ("\u{202E}\u{200F}-2", true),
            ("\u{2060}@A1", true),
            ("\u{00AD}＝1", true),
            ("\u{E0001}\u{2066}\t=1", true),
        ],
        [
            ("\u{200B}普通", false),
            ("张＝三", false),
            ("\u{200D}人", false),
            ("汉族", false),
            ("1+1", false),
        ],
    ];
    let mut ids = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let mut body = json!({"name": format!("公式{i}")});
        for (field, (value, _)) in fields.iter().zip(case) {
            body[field] = json!(value);
        }
        let d = app.create_deputy(&staff, body).await;
        ids.push(d["id"].as_str().unwrap().to_owned());
    }
    let r = app
        .request(
            reqwest::Method::GET,
            "/api/v1/deputies/export.csv",
            Some(&staff),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let text = r.text().await.unwrap();
    let rows = parse_csv(text.strip_prefix('\u{feff}').unwrap());
    for (id, case) in ids.iter().zip(&cases) {
        let row = rows.iter().find(|r| r[11] == *id).expect("the deputy");
        for (column, (value, guarded)) in [2, 4, 5, 6, 7].into_iter().zip(case) {
            // Names are stored trimmed of blank and invisible characters
            // at both ends.
            let stored = renda_domain::text::trim_blank(value);
            let expected = if *guarded {
                format!("'{stored}")
            } else {
                stored.to_owned()
            };
            assert_eq!(row[column], expected, "{value:?}");
        }
    }
}

/// A date Excel cannot hold (before 1900) is written as text: the export
/// does not fail for one typing slip.
#[tokio::test]
async fn a_date_before_1900_does_not_fail_the_workbook() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    app.create_deputy(
        &staff,
        json!({"name": "王早年", "birth_date": "1899-12-31"}),
    )
    .await;
    let (header, rows) = xlsx(
        &app,
        "/api/v1/deputies/export.xlsx?unmask=true",
        Some(&staff),
    )
    .await;
    let col = header.iter().position(|h| h == "出生日期").unwrap();
    let row = rows.iter().find(|r| r[0] == "王早年").unwrap();
    assert_eq!(row[col], "1899-12-31");
}
