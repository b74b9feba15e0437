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
    // Sent as `application/octet-stream`, as generated clients send a
    // file, a CSV file reads as CSV.
    let octets = upload(
        &app,
        "/api/v1/units/import?dry_run=true",
        &staff,
        "application/octet-stream",
        good.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(octets.ok(200)["rows"], 2, "{}", octets.text);
    assert_eq!(octets.body["created"], 0);
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
    // Sent as `application/octet-stream`, a workbook reads as XLSX.
    let octets = upload(
        &app,
        "/api/v1/deputies/import?dry_run=true",
        &staff,
        "application/octet-stream",
        good.clone(),
    )
    .await;
    assert_eq!(octets.ok(200)["rows"], 2, "{}", octets.text);
    assert_eq!(count(&app, "/api/v1/deputies", &staff).await, before);
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

/// Deflate (RFC 1951) with the fixed codes, enough to pack long runs of
/// one byte small: a run becomes copies of 258 bytes at distance 1.
fn deflate(data: &[u8]) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u32,
        n: u32,
    }
    impl Bits {
        fn put(&mut self, value: u32, len: u32) {
            self.acc |= value << self.n;
            self.n += len;
            while self.n >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }
        /// A Huffman code goes most significant bit first.
        fn code(&mut self, code: u32, len: u32) {
            self.put(code.reverse_bits() >> (32 - len), len);
        }
        fn literal(&mut self, b: u8) {
            match b {
                0..=143 => self.code(0x30 + u32::from(b), 8),
                _ => self.code(0x190 + u32::from(b) - 144, 9),
            }
        }
    }
    let mut bits = Bits {
        out: Vec::new(),
        acc: 0,
        n: 0,
    };
    bits.put(1, 1); // the last block
    bits.put(1, 2); // fixed codes
    let mut i = 0;
    while i < data.len() {
        let run =
            i > 0 && data.len() - i >= 258 && data[i..i + 258].iter().all(|&b| b == data[i - 1]);
        if run {
            bits.code(0xC5, 8); // length 258 (code 285)
            bits.code(0, 5); // distance 1
            i += 258;
        } else {
            bits.literal(data[i]);
            i += 1;
        }
    }
    bits.code(0, 7); // end of block
    if bits.n > 0 {
        bits.out.push(bits.acc as u8);
    }
    bits.out
}

fn crc32(data: &[u8]) -> u32 {
    let table: Vec<u32> = (0..256u32)
        .map(|mut c| {
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
            c
        })
        .collect();
    !data.iter().fold(!0u32, |c, &b| {
        table[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8)
    })
}

/// A zip of these parts, each deflated; `lie` declares that size for the
/// part of that name instead of its own, as a hostile file may.
fn zip(parts: &[(&str, Vec<u8>)], lie: Option<(&str, u32)>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut directory = Vec::new();
    for (name, data) in parts {
        let packed = deflate(data);
        let size = match lie {
            Some((n, size)) if n == *name => size,
            _ => data.len() as u32,
        };
        let offset = out.len() as u32;
        let fields = |h: &mut Vec<u8>| {
            h.extend_from_slice(&20u16.to_le_bytes()); // version needed
            h.extend_from_slice(&0u16.to_le_bytes()); // flags
            h.extend_from_slice(&8u16.to_le_bytes()); // deflated
            h.extend_from_slice(&0u16.to_le_bytes()); // time
            h.extend_from_slice(&33u16.to_le_bytes()); // 1980-01-01
            h.extend_from_slice(&crc32(data).to_le_bytes());
            h.extend_from_slice(&(packed.len() as u32).to_le_bytes());
            h.extend_from_slice(&size.to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes()); // extra
        };
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        fields(&mut out);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&packed);
        directory.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        directory.extend_from_slice(&20u16.to_le_bytes()); // made by
        fields(&mut directory);
        directory.extend_from_slice(&[0; 6]); // comment, disk, internal attributes
        directory.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        directory.extend_from_slice(&offset.to_le_bytes());
        directory.extend_from_slice(name.as_bytes());
    }
    let at = out.len() as u32;
    out.extend_from_slice(&directory);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]); // disks
    out.extend_from_slice(&(parts.len() as u16).to_le_bytes());
    out.extend_from_slice(&(parts.len() as u16).to_le_bytes());
    out.extend_from_slice(&(directory.len() as u32).to_le_bytes());
    out.extend_from_slice(&at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // comment
    out
}

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

/// A workbook made by hand, as no spreadsheet program would write it: a
/// units import whose one row names a unit of `name`, held as the third
/// of the shared strings. `sst` is the tag that opens the shared strings,
/// `cell` the XML of the row's first cell, and `lie` a size declared for
/// the shared strings instead of theirs.
fn crafted(name: &[u8], sst: &str, cell: &str, lie: Option<u32>) -> Vec<u8> {
    let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let mut strings = format!("{sst}<si><t>名称</t></si><si><t>类型</t></si><si><t>").into_bytes();
    strings.extend_from_slice(name);
    strings.extend_from_slice("</t></si><si><t>其他</t></si></sst>".as_bytes());
    let sheet = format!(
        "<worksheet xmlns=\"{MAIN}\"><sheetData>\
         <row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>\
         <row r=\"2\">{cell}<c r=\"B2\" t=\"s\"><v>3</v></c></row>\
         </sheetData></worksheet>"
    );
    zip(
        &[
            (
                "_rels/.rels",
                format!(
                    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
                     <Relationship Id=\"rId1\" Type=\"{rel}/officeDocument\" Target=\"xl/workbook.xml\"/>\
                     </Relationships>"
                )
                .into_bytes(),
            ),
            (
                "xl/workbook.xml",
                format!(
                    "<workbook xmlns=\"{MAIN}\" xmlns:r=\"{rel}\"><sheets>\
                     <sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
                )
                .into_bytes(),
            ),
            (
                "xl/_rels/workbook.xml.rels",
                format!(
                    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
                     <Relationship Id=\"rId1\" Type=\"{rel}/worksheet\" Target=\"worksheets/sheet1.xml\"/>\
                     <Relationship Id=\"rId2\" Type=\"{rel}/sharedStrings\" Target=\"sharedStrings.xml\"/>\
                     </Relationships>"
                )
                .into_bytes(),
            ),
            ("xl/worksheets/sheet1.xml", sheet.into_bytes()),
            ("xl/sharedStrings.xml", strings),
        ],
        lie.map(|size| ("xl/sharedStrings.xml", size)),
    )
}

/// The message of the one problem of a file refused for passing a limit.
fn refused_as_too_large(a: &Answer) -> String {
    a.problem(422, "validation_failed");
    assert_eq!(a.fields(), ["file"], "{}", a.text);
    assert_eq!(a.body["errors"][0]["code"], "too_large", "{}", a.text);
    a.body["errors"][0]["message"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_workbook_that_would_unpack_into_a_huge_value_is_refused_unread() {
    let sst = format!("<sst xmlns=\"{MAIN}\" count=\"4\" uniqueCount=\"4\">");
    let first = "<c r=\"A2\" t=\"s\"><v>2</v></c>";
    // One shared string of 32 MiB, packed into about 200 KiB.
    let huge = vec![b'A'; 32 * 1024 * 1024];
    let honest = crafted(&huge, &sst, first, None);
    let understated = crafted(&huge, &sst, first, Some(9 * 1024 * 1024));
    assert!(honest.len() < 300 * 1024, "{}", honest.len());
    let app = spawn_app().await;
    let staff = app.staff().await;
    let post = |body: Vec<u8>, dry: bool| {
        let path = if dry {
            "/api/v1/units/import?dry_run=true"
        } else {
            "/api/v1/units/import"
        };
        let (app, staff) = (&app, &staff);
        async move {
            Answer::read(
                app.request(reqwest::Method::POST, path, Some(staff))
                    .header("content-type", XLSX)
                    .header("accept-language", "en")
                    .body(body)
                    .send()
                    .await
                    .unwrap(),
            )
            .await
        }
    };
    // The same workbook with a name of sane length reads as any other.
    let sane = crafted("区水务局".as_bytes(), &sst, first, None);
    let a = post(sane, true).await;
    assert_eq!(a.ok(200)["rows"], 1, "{}", a.text);
    let before = count(&app, "/api/v1/units", &staff).await;

    // Refused from what the zip directory declares, before anything is
    // unpacked.
    let why = refused_as_too_large(&post(honest, false).await);
    assert!(
        why.contains("shared strings") && why.contains("10 MiB"),
        "{why}"
    );
    // A directory that understates it changes nothing: the string is
    // refused once it passes the bound of one cell.
    let why = refused_as_too_large(&post(understated, false).await);
    assert!(why.contains("cell") && why.contains("64 KiB"), "{why}");
    // So is one cell of a sheet holding its text inline.
    let inline = format!(
        "<c r=\"A2\" t=\"inlineStr\"><is><t>{}</t></is></c>",
        "A".repeat(1024 * 1024)
    );
    let why = refused_as_too_large(&post(crafted(b"x", &sst, &inline, None), false).await);
    assert!(why.contains("cell"), "{why}");
    // A count of strings no sheet needs is not taken at its word.
    let vast = format!("<sst xmlns=\"{MAIN}\" count=\"4\" uniqueCount=\"100000000000\">");
    let why = refused_as_too_large(&post(crafted(b"x", &vast, first, None), false).await);
    assert!(why.contains("shared strings"), "{why}");
    // One long string named by many cells would be copied into each.
    let long = vec![b'B'; 60 * 1024];
    let many: String = (3..=200)
        .map(|r| format!("</row><row r=\"{r}\"><c r=\"A{r}\" t=\"s\"><v>2</v></c>"))
        .collect();
    let why = refused_as_too_large(
        &post(crafted(&long, &sst, &format!("{first}{many}"), None), false).await,
    );
    assert!(why.contains("10 MiB of text"), "{why}");
    assert_eq!(
        count(&app, "/api/v1/units", &staff).await,
        before,
        "a refused import created a unit"
    );
}

#[tokio::test]
async fn a_csv_of_more_rows_than_an_import_takes_is_refused_at_the_row_past_the_limit() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    // Rows without a value are not rows; 5,000 with one are.
    let mut csv = String::from("姓名,层级,届次\n");
    for i in 0..5000 {
        csv.push_str(&format!("代表{i},县级,第十八届\n,,\n"));
    }
    let a = upload(
        &app,
        "/api/v1/deputies/import?dry_run=true",
        &staff,
        "text/csv",
        csv.clone().into_bytes(),
    )
    .await;
    assert_eq!(a.ok(200)["rows"], 5000, "{}", a.text);
    // One more is refused as soon as it is read: what follows it, here
    // bytes that are not UTF-8, is never looked at.
    csv.push_str("代表5000,县级,第十八届\n");
    let mut bytes = csv.into_bytes();
    bytes.extend_from_slice(b"\xff\xfe,\xff\n");
    let before = count(&app, "/api/v1/deputies", &staff).await;
    let a = upload(&app, "/api/v1/deputies/import", &staff, "text/csv", bytes).await;
    let why = refused_as_too_large(&a);
    assert!(why.contains("5000"), "{why}");
    assert_eq!(count(&app, "/api/v1/deputies", &staff).await, before);

    // A line of commas is not a row of cells, and no row has more
    // columns than a workbook's.
    let commas = ",".repeat(100_000);
    let csv = format!("姓名,层级,届次{commas}\n代表,县级,第十八届{commas}\n");
    let a = upload(
        &app,
        "/api/v1/deputies/import?dry_run=true",
        &staff,
        "text/csv",
        csv.into_bytes(),
    )
    .await;
    assert_eq!(a.ok(200)["rows"], 1, "{}", a.text);
    let csv = format!("姓名,层级,届次{commas}x\n");
    let a = upload(
        &app,
        "/api/v1/deputies/import",
        &staff,
        "text/csv",
        csv.into_bytes(),
    )
    .await;
    let why = refused_as_too_large(&a);
    assert!(why.contains("64"), "{why}");
}

#[tokio::test]
async fn a_file_over_the_upload_limit_is_refused_naming_that_limit() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let body = vec![b'a'; 5 * 1024 * 1024 + 1];
    let a = Answer::read(
        app.request(
            reqwest::Method::POST,
            "/api/v1/units/import?dry_run=true",
            Some(&staff),
        )
        .header("content-type", "text/csv")
        .header("accept-language", "en")
        .body(body)
        .send()
        .await
        .unwrap(),
    )
    .await;
    a.problem(413, "payload_too_large");
    assert!(
        a.body["detail"].as_str().unwrap().contains("5 MiB"),
        "{}",
        a.text
    );
}
