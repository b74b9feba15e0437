//! Exports of tables: CSV streamed page by page, or XLSX written row by
//! row in constant memory (rows go to a temporary file as they come) and
//! then streamed from disk. Either way an export of any size holds about
//! one page of rows in memory. Column headers are Chinese; CSV carries a
//! byte-order mark so that spreadsheets read it as UTF-8, and no text
//! cell is ever read as a formula.

use std::future::Future;

use actix_web::HttpResponse;
use actix_web::http::header;
use actix_web::web::Bytes;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult};

/// The file format of an export, named by the path's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// UTF-8 CSV with a byte-order mark.
    Csv,
    /// An Excel workbook.
    Xlsx,
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// A fraction shown as a percentage in XLSX (0.875 → 87.5%).
    Rate(Option<f64>),
    /// A day: a date cell in XLSX, `2026-12-05` in CSV.
    Date(Option<chrono::NaiveDate>),
    /// An instant, shown in China Standard Time (UTC+8) to the minute in
    /// XLSX (a date-time cell) and to the second in CSV
    /// (`2026-12-05 16:00:00`).
    Time(Option<chrono::DateTime<chrono::Utc>>),
}

/// An instant in China Standard Time, where the congress works.
fn china_time(t: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDateTime {
    (t + chrono::Duration::hours(8)).naive_utc()
}

impl From<Option<chrono::NaiveDate>> for Cell {
    fn from(d: Option<chrono::NaiveDate>) -> Self {
        Cell::Date(d)
    }
}

impl From<Option<chrono::DateTime<chrono::Utc>>> for Cell {
    fn from(t: Option<chrono::DateTime<chrono::Utc>>) -> Self {
        Cell::Time(t)
    }
}

impl From<chrono::DateTime<chrono::Utc>> for Cell {
    fn from(t: chrono::DateTime<chrono::Utc>) -> Self {
        Cell::Time(Some(t))
    }
}

/// How wide a cell's text shows, in character widths: a Chinese
/// character takes two.
fn display_width(cell: &Cell) -> usize {
    let text_width = |s: &str| {
        s.chars()
            .map(|c| if c.is_ascii() { 1 } else { 2 })
            .sum::<usize>()
    };
    match cell {
        Cell::Text(s) => s.lines().map(text_width).max().unwrap_or(0),
        Cell::Int(n) => n.to_string().len(),
        Cell::Rate(_) => 6,
        Cell::Date(_) => 10,
        Cell::Time(_) => 16,
    }
}

/// Column widths for a sheet: each column as wide as its header and the
/// first rows need, within 8 and 60 character widths.
fn column_widths(headers: &[&str], rows: &[Vec<Cell>]) -> Vec<f64> {
    headers
        .iter()
        .enumerate()
        .map(|(c, h)| {
            let widest = rows
                .iter()
                .filter_map(|r| r.get(c))
                .map(display_width)
                .chain([display_width(&Cell::from(*h))])
                .max()
                .unwrap_or(0);
            #[allow(clippy::cast_precision_loss)] // at most 60
            let w = (widest + 2).clamp(8, 60) as f64;
            w
        })
        .collect()
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_owned())
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Self {
        Cell::Int(n)
    }
}

/// Where the rows come from: pages, until `None`.
pub trait RowSource: 'static {
    fn next_page(&mut self) -> impl Future<Output = Result<Option<Vec<Vec<Cell>>>, ApiError>>;
}

/// What is exported: the file's name and the column headers.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    /// The file name without extension, ASCII (`suggestions`).
    pub file: &'static str,
    /// The file name for browsers that read RFC 5987, percent-encoded UTF-8.
    pub file_utf8: &'static str,
    /// The worksheet's name.
    pub sheet: &'static str,
    pub headers: &'static [&'static str],
}

/// What starts a formula. The full-width and small forms fold (NFKC) to
/// the ASCII signs: a Chinese or Japanese input method in full-width mode
/// types `＝` for `=`, and spreadsheets that fold what they are given take
/// it for one.
fn formula_sign(c: char) -> bool {
    matches!(
        c,
        '=' | '+'
            | '-'
            | '@'
            | '\t'
            | '\r'
            | '\u{FF1D}' // ＝
            | '\u{FF0B}' // ＋
            | '\u{FF0D}' // －
            | '\u{FF20}' // ＠
            | '\u{FE66}' // ﹦
            | '\u{FE62}' // ﹢
            | '\u{FE63}' // ﹣
    )
}

/// Characters that show nothing: the format characters (Unicode general
/// category Cf: zero-width spaces and joiners, direction marks and
/// overrides, the byte-order mark, tags), and others drawn as nothing
/// (variation selectors, the combining grapheme joiner, Hangul fillers).
/// A sign behind them looks first to the reader, and some spreadsheets
/// drop them on import.
fn invisible(c: char) -> bool {
    matches!(
        u32::from(c),
        0x00AD
            | 0x034F
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x115F..=0x1160
            | 0x180B..=0x180F
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x206F
            | 0x3164
            | 0xFE00..=0xFE0F
            | 0xFEFF
            | 0xFFA0
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
            | 0xE0100..=0xE01EF
    )
}

/// Text a spreadsheet would take for a formula gets a leading quote: text
/// whose first visible character starts one.
pub(crate) fn guard(value: &str) -> std::borrow::Cow<'_, str> {
    if value
        .chars()
        .find(|&c| !invisible(c))
        .is_some_and(formula_sign)
    {
        format!("'{value}").into()
    } else {
        value.into()
    }
}

fn csv_field(out: &mut String, value: &str) {
    let guarded = guard(value);
    if guarded.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&guarded.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&guarded);
    }
}

fn csv_row(out: &mut String, cells: &[Cell]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match c {
            Cell::Text(s) => csv_field(out, s),
            Cell::Int(n) => out.push_str(&n.to_string()),
            Cell::Rate(Some(r)) => out.push_str(&format!("{:.4}", r)),
            Cell::Rate(None) | Cell::Date(None) | Cell::Time(None) => {}
            Cell::Date(Some(d)) => out.push_str(&d.format("%Y-%m-%d").to_string()),
            Cell::Time(Some(t)) => {
                out.push_str(&china_time(*t).format("%Y-%m-%d %H:%M:%S").to_string());
            }
        }
    }
    out.push_str("\r\n");
}

fn disposition(table: &Table, ext: &str) -> String {
    format!(
        "attachment; filename=\"{}.{ext}\"; filename*=UTF-8''{}.{ext}",
        table.file, table.file_utf8
    )
}

/// Answers with the table in the format asked for.
pub async fn respond<S: RowSource>(
    format: ExportFormat,
    table: Table,
    source: S,
) -> ApiResult<HttpResponse> {
    match format {
        ExportFormat::Csv => Ok(csv(table, source)),
        ExportFormat::Xlsx => xlsx(table, source).await,
    }
}

struct CsvState<S> {
    source: S,
    table: Table,
    started: bool,
    done: bool,
}

fn csv<S: RowSource>(table: Table, source: S) -> HttpResponse {
    let first = CsvState {
        source,
        table,
        started: false,
        done: false,
    };
    let stream = futures_util::stream::unfold(first, |mut st| async move {
        if st.done {
            return None;
        }
        let mut out = String::new();
        if !st.started {
            st.started = true;
            out.push('\u{feff}');
            let headers: Vec<Cell> = st.table.headers.iter().map(|h| Cell::from(*h)).collect();
            csv_row(&mut out, &headers);
        }
        match st.source.next_page().await {
            Ok(Some(rows)) => {
                for r in &rows {
                    csv_row(&mut out, r);
                }
            }
            Ok(None) => st.done = true,
            Err(e) => {
                // The answer has begun: the client sees a cut-off file.
                tracing::warn!(error = ?e, "export stopped");
                st.done = true;
                return Some((Err(std::io::Error::other("export stopped")), st));
            }
        }
        Some((Ok::<_, std::io::Error>(Bytes::from(out)), st))
    });
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, disposition(&table, "csv")))
        .streaming(stream)
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> ApiError {
    tracing::warn!(error = %e, "XLSX export failed");
    ApiError::internal()
}

async fn xlsx<S: RowSource>(table: Table, mut source: S) -> ApiResult<HttpResponse> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let percent = Format::new().set_num_format("0.0%");
    let day = Format::new().set_num_format("yyyy-mm-dd");
    let minute = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    // Excel holds the years 1900 to 9999, and counts the days before
    // March 1900 with a day too many (it takes 1900 for a leap year); a
    // date outside that (a typing slip in a birth date) is written as
    // text rather than failing the export or showing the wrong day.
    let excel_time = |t: chrono::NaiveDateTime| {
        use chrono::{Datelike, Timelike};
        if (t.year(), t.month()) < (1900, 3) {
            return None;
        }
        let year = u16::try_from(t.year()).ok()?;
        #[allow(clippy::cast_possible_truncation)] // month, day, hour, minute fit
        ExcelDateTime::from_ymd(year, t.month() as u8, t.day() as u8)
            .and_then(|d| d.and_hms(t.hour() as u16, t.minute() as u8, t.second()))
            .ok()
    };
    {
        let sheet = workbook
            .add_worksheet_with_constant_memory()
            .map_err(xlsx_error)?;
        sheet.set_name(table.sheet).map_err(xlsx_error)?;
        // The first page sets the columns' widths: in a sheet written in
        // constant memory they come before the rows.
        let mut page = source.next_page().await?;
        let first: &[Vec<Cell>] = page.as_deref().unwrap_or_default();
        for (c, (h, width)) in table
            .headers
            .iter()
            .zip(column_widths(table.headers, first))
            .enumerate()
        {
            let col = u16::try_from(c).map_err(|_| ApiError::internal())?;
            sheet
                .write_string_with_format(0, col, *h, &bold)
                .map_err(xlsx_error)?;
            sheet.set_column_width(col, width).map_err(xlsx_error)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
        let mut row: u32 = 1;
        while let Some(rows) = page {
            for cells in rows {
                for (c, cell) in cells.iter().enumerate() {
                    let col = u16::try_from(c).map_err(|_| ApiError::internal())?;
                    match cell {
                        // Strings are never formulas in XLSX: write_string
                        // stores text as text.
                        Cell::Text(s) => sheet.write_string(row, col, s).map(|_| ()),
                        Cell::Int(n) => sheet.write_number(row, col, *n as f64).map(|_| ()),
                        Cell::Rate(Some(r)) => sheet
                            .write_number_with_format(row, col, *r, &percent)
                            .map(|_| ()),
                        Cell::Date(Some(d)) => match excel_time(d.and_time(chrono::NaiveTime::MIN))
                        {
                            Some(x) => sheet.write_datetime_with_format(row, col, &x, &day),
                            None => sheet.write_string(row, col, d.format("%Y-%m-%d").to_string()),
                        }
                        .map(|_| ()),
                        Cell::Time(Some(t)) => {
                            let local = china_time(*t);
                            match excel_time(local) {
                                Some(x) => sheet.write_datetime_with_format(row, col, &x, &minute),
                                None => sheet.write_string(
                                    row,
                                    col,
                                    local.format("%Y-%m-%d %H:%M:%S").to_string(),
                                ),
                            }
                            .map(|_| ())
                        }
                        Cell::Rate(None) | Cell::Date(None) | Cell::Time(None) => Ok(()),
                    }
                    .map_err(xlsx_error)?;
                }
                row = row.checked_add(1).ok_or_else(ApiError::internal)?;
            }
            page = source.next_page().await?;
        }
        // A filter on every column, over the header and the rows.
        let last_col = u16::try_from(table.headers.len().saturating_sub(1))
            .map_err(|_| ApiError::internal())?;
        sheet
            .autofilter(0, 0, row.saturating_sub(1), last_col)
            .map_err(xlsx_error)?;
    }
    let file = tempfile::NamedTempFile::new().map_err(|_| ApiError::internal())?;
    let path = file.path().to_owned();
    tokio::task::spawn_blocking(move || workbook.save(&path))
        .await
        .map_err(|_| ApiError::internal())?
        .map_err(xlsx_error)?;
    let reader = tokio::fs::File::open(file.path())
        .await
        .map_err(|_| ApiError::internal())?;
    // The temporary file lives as long as the stream, and goes with it.
    let stream = futures_util::stream::unfold(
        (reader, file, false),
        |(mut reader, file, done)| async move {
            use tokio::io::AsyncReadExt;
            if done {
                return None;
            }
            let mut buf = vec![0u8; 64 * 1024];
            match reader.read(&mut buf).await {
                Ok(0) => None,
                Ok(n) => {
                    buf.truncate(n);
                    Some((
                        Ok::<_, std::io::Error>(Bytes::from(buf)),
                        (reader, file, false),
                    ))
                }
                Err(e) => Some((Err(e), (reader, file, true))),
            }
        },
    );
    Ok(HttpResponse::Ok()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header((header::CONTENT_DISPOSITION, disposition(&table, "xlsx")))
        .streaming(stream))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_guards() {
        let mut out = String::new();
        csv_row(
            &mut out,
            &[
                Cell::from("a,b"),
                Cell::from("=1+1"),
                Cell::from("say \"hi\""),
                Cell::Int(3),
                Cell::Rate(Some(0.5)),
                Cell::Rate(None),
            ],
        );
        assert_eq!(out, "\"a,b\",'=1+1,\"say \"\"hi\"\"\",3,0.5000,\r\n");
    }

    #[test]
    fn signs_behind_what_shows_nothing_are_guarded() {
        for v in [
            "＝1",
            "\u{200B}=1",
            "\u{202E}\u{2066}＠A1",
            "\u{E0041}-1",
            "\u{FEFF}\t1",
        ] {
            assert_eq!(guard(v), format!("'{v}"), "{v:?}");
        }
        for v in ["", "\u{200B}", "\u{200B}1=1", "张＝三", " =1"] {
            assert_eq!(guard(v), v, "{v:?}");
        }
    }
}
