//! Reading the uploaded table from CSV or XLSX.

use super::*;
use renda_domain::Code;

/// A table read from a file: the header row and the data rows with their
/// row numbers.
pub(super) struct Table {
    pub(super) headers: Vec<String>,
    pub(super) rows: Vec<(u32, Vec<String>)>,
}

pub(super) fn bad_file(zh: &str, en: &str) -> ApiError {
    ApiError::field("file", "unreadable", Msg::new(zh.to_owned(), en.to_owned()))
}

/// An Excel serial date (days since 1899-12-30) as `YYYY-MM-DD`; a value
/// no calendar holds becomes text the date check refuses.
fn excel_date(serial: f64) -> String {
    let date = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).and_then(|base| {
        if !serial.is_finite() || serial.abs() > 3_000_000.0 {
            return None;
        }
        chrono::Duration::try_days(serial.floor() as i64).and_then(|d| base.checked_add_signed(d))
    });
    date.map(|d| d.to_string())
        .unwrap_or_else(|| serial.to_string())
}

fn cell_text(c: &calamine::DataRef<'_>) -> String {
    use calamine::DataRef;
    match c {
        DataRef::String(s) => s.trim().to_owned(),
        DataRef::SharedString(s) => s.trim().to_owned(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(d) => excel_date(d.as_f64()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.trim().to_owned(),
        DataRef::Error(_) | DataRef::Empty => String::new(),
    }
}

/// Reads the first sheet cell by cell, keeping only the cells there are:
/// a sheet whose used range is vast but nearly empty costs nothing.
fn read_xlsx(bytes: Vec<u8>) -> Result<Table, ApiError> {
    use calamine::{Reader, Xlsx};
    check_workbook(&bytes)?;
    let unreadable = || bad_file("无法读取该 XLSX 文件", "The XLSX file cannot be read");
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|_| unreadable())?;
    let first = book.sheet_names().first().cloned().ok_or_else(unreadable)?;
    let mut cells = book
        .worksheet_cells_reader(&first)
        .map_err(|_| unreadable())?;
    let mut rows: std::collections::BTreeMap<u32, Vec<String>> = Default::default();
    let mut text_len: usize = 0;
    while let Some(cell) = cells.next_cell().map_err(|_| unreadable())? {
        let (r, c) = cell.get_position();
        let text = cell_text(cell.get_value());
        if text.is_empty() {
            continue;
        }
        text_len += text.len();
        if text_len > TEXT_LIMIT {
            return Err(too_large(
                format!("表格中的文字超过 {} MiB", TEXT_LIMIT >> 20),
                format!(
                    "The cells of the sheet hold more than {} MiB of text",
                    TEXT_LIMIT >> 20
                ),
            ));
        }
        if c >= COLUMN_LIMIT {
            return Err(too_many_columns());
        }
        let row = rows.entry(r).or_default();
        let c = c as usize;
        if row.len() <= c {
            row.resize(c + 1, String::new());
        }
        row[c] = text;
        if rows.len() > ROW_LIMIT + 1 {
            return Err(too_many_rows());
        }
    }
    let mut rows = rows
        .into_iter()
        .map(|(r, cells)| (r.saturating_add(1), cells));
    let headers = rows.next().map(|(_, h)| h).unwrap_or_default();
    Ok(Table {
        headers,
        rows: rows.collect(),
    })
}

fn too_many_columns() -> ApiError {
    too_large(
        format!("每行至多 {COLUMN_LIMIT} 列"),
        format!("A row has at most {COLUMN_LIMIT} columns"),
    )
}

/// The refusal of a file with more rows than an import takes.
fn too_many_rows() -> ApiError {
    too_large(
        format!("一次最多导入 {ROW_LIMIT} 行"),
        format!("An import takes at most {ROW_LIMIT} rows"),
    )
}

/// Reads CSV one record at a time, keeping only rows with a value: a file
/// of more rows than an import takes is refused as soon as the row after
/// the last is read, and what follows it is never looked at. Collecting
/// the rows first cost about 80 times the file (a row of one short value
/// is a vector and a string of its own).
fn read_csv(bytes: &[u8]) -> Result<Table, ApiError> {
    let not_utf8 = || bad_file("CSV 文件须为 UTF-8 编码", "The CSV file must be UTF-8");
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut record = csv::StringRecord::new();
    let mut headers = None;
    let mut rows = Vec::new();
    let mut n: u32 = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) => return Err(not_utf8()),
            Err(_) => return Err(bad_file("CSV 格式有误", "The CSV is malformed")),
        }
        n = n.saturating_add(1);
        // Up to the last value only: a line of commas is not thousands of
        // empty cells, and no more columns are read than from a workbook.
        let width = (0..record.len())
            .rev()
            .find(|&i| record.get(i).is_some_and(|f| !f.trim().is_empty()))
            .map_or(0, |last| last + 1);
        if width > COLUMN_LIMIT as usize {
            return Err(too_many_columns());
        }
        let cells: Vec<String> = record
            .iter()
            .take(width)
            .map(|f| f.trim().to_owned())
            .collect();
        if headers.is_none() {
            headers = Some(cells);
        } else if cells.iter().any(|c| !c.is_empty()) {
            if rows.len() == ROW_LIMIT {
                return Err(too_many_rows());
            }
            rows.push((n, cells));
        }
    }
    Ok(Table {
        headers: headers.unwrap_or_default(),
        rows,
    })
}

/// Reads the request body (at most [`FILE_LIMIT`]) as a table.
pub(super) async fn read_body(req: &HttpRequest, mut payload: Payload) -> Result<Table, ApiError> {
    let media = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    // `application/octet-stream`, which every client generator can send,
    // is told apart by its first bytes: an XLSX file is a ZIP archive.
    let octets = media == "application/octet-stream";
    if media != "text/csv" && media != XLSX && !octets {
        return Err(ApiError::unsupported_media_type());
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| {
            ApiError::bad_request(
                Code::MalformedBody,
                Msg::new("请求体读取失败", "The request body could not be read"),
            )
        })?;
        if bytes.len() + chunk.len() > FILE_LIMIT {
            return Err(ApiError::file_too_large(FILE_LIMIT >> 20));
        }
        bytes.extend_from_slice(&chunk);
    }
    let xlsx = media == XLSX || (octets && bytes.starts_with(b"PK\x03\x04"));
    let mut table = if xlsx {
        tokio::task::spawn_blocking(move || read_xlsx(bytes))
            .await
            .map_err(|_| ApiError::internal())??
    } else {
        read_csv(&bytes)?
    };
    // As everywhere else, no NUL: no database stores one as text, and a
    // problem naming the cell must not echo one.
    let nul = |cells: &[String]| cells.iter().any(|c| c.contains('\0'));
    if nul(&table.headers) || table.rows.iter().any(|(_, cells)| nul(cells)) {
        return Err(bad_file(
            "文件不能包含 NUL 字符（\\u0000）",
            "The file must not contain the NUL character (\\u0000)",
        ));
    }
    table
        .rows
        .retain(|(_, cells)| cells.iter().any(|c| !c.is_empty()));
    if table.rows.len() > ROW_LIMIT {
        return Err(too_many_rows());
    }
    Ok(table)
}
