//! Imports of units and deputies (with a membership each) from CSV or
//! XLSX. Every row is checked by the same rules as the API's create
//! operations; a dry run reports every problem (row, column, what is
//! wrong) and writes nothing, and a real run writes all rows in one
//! transaction or, when any row is bad, nothing.

use actix_web::http::header;
use actix_web::web::{Data, Payload};
use actix_web::{HttpRequest, HttpResponse, post};
use futures_util::StreamExt;
use renda_auth::Action;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

use crate::AppState;
use crate::error::{ApiError, ApiResult, FieldError, Lang, Msg, Problem};
use crate::extract::{Caller, QueryParams};
use crate::routes::deputies::CreateDeputyRequest;
use crate::routes::units::CreateUnitRequest;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(import_units).service(import_deputies);
}

/// The largest file accepted.
const FILE_LIMIT: usize = 5 * 1024 * 1024;
/// The most rows one import takes.
const ROW_LIMIT: usize = 5000;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Whether to check only.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// Check every row and answer as the real run would (200, or 422
    /// naming every problem), writing nothing (default `false`).
    pub dry_run: Option<bool>,
}

/// One problem of one row.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportProblem {
    /// The row as a spreadsheet numbers it: the header is row 1.
    pub row: u32,
    /// The column's header.
    pub column: String,
    pub code: String,
    pub message: String,
}

/// What an import found and did.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "dry_run": true,
    "rows": 2,
    "created": 0,
    "created_ids": []
}))]
pub struct ImportReport {
    pub dry_run: bool,
    /// Data rows read (empty rows are skipped).
    pub rows: u32,
    /// Objects created: 0 in a dry run.
    pub created: u32,
    pub created_ids: Vec<Uuid>,
}

/// A column of an import: its Chinese header, the field it fills, and
/// whether the header must be present.
struct Column {
    header: &'static str,
    field: &'static str,
    required: bool,
    /// A value that stands in for a bad or missing one while the rest of
    /// the row is checked, for fields a row cannot do without.
    placeholder: Option<&'static str>,
}

const fn col(header: &'static str, field: &'static str, required: bool) -> Column {
    Column {
        header,
        field,
        required,
        placeholder: None,
    }
}

const fn needed(
    header: &'static str,
    field: &'static str,
    required: bool,
    placeholder: &'static str,
) -> Column {
    Column {
        header,
        field,
        required,
        placeholder: Some(placeholder),
    }
}

const UNIT_COLUMNS: &[Column] = &[
    needed("名称", "name", true, "占位"),
    needed("类型", "kind", true, "other"),
    col("联系人", "contact_person", false),
    col("联系电话", "contact_phone", false),
    col("电子邮箱", "email", false),
    col("地址", "address", false),
    col("说明", "description", false),
];

const DEPUTY_COLUMNS: &[Column] = &[
    needed("姓名", "name", true, "占位"),
    col("性别", "gender", false),
    col("民族", "ethnicity", false),
    col("出生日期", "birth_date", false),
    col("党派", "party", false),
    col("学历", "education", false),
    col("职业", "occupation", false),
    col("工作单位及职务", "work_unit", false),
    col("手机", "phone", false),
    needed("层级", "memberships[0].level", false, "county"),
    needed("届次", "memberships[0].term", false, "占位"),
    col("选区", "memberships[0].constituency", false),
    col("代表团", "memberships[0].delegation", false),
    col("任期开始", "memberships[0].start_date", false),
    col("任期结束", "memberships[0].end_date", false),
    col("任职状态", "memberships[0].status", false),
];

/// A table read from a file: the header row and the data rows with their
/// row numbers.
struct Table {
    headers: Vec<String>,
    rows: Vec<(u32, Vec<String>)>,
}

fn bad_file(zh: &str, en: &str) -> ApiError {
    ApiError::field("file", "unreadable", Msg::new(zh.to_owned(), en.to_owned()))
}

/// The most a workbook may hold once decompressed: a small file must not
/// unpack into gigabytes.
const UNZIPPED_LIMIT: u64 = 100 * 1024 * 1024;
/// The most columns a row may have.
const COLUMN_LIMIT: u32 = 64;
/// The most the shared strings may unpack to. calamine reads them whole,
/// at about three times their size, before a single row is looked at: as
/// much text as the largest CSV accepted, with room for the markup around
/// it.
const SHARED_STRINGS_LIMIT: u64 = 2 * FILE_LIMIT as u64;
/// The most shared strings a workbook may declare or hold: one for every
/// cell of the largest sheet an import reads. calamine sets room aside for
/// as many as the workbook declares.
const STRING_COUNT_LIMIT: u64 = (ROW_LIMIT as u64 + 1) * COLUMN_LIMIT as u64;
/// The most one cell may take as XML (a shared string, or a cell of a
/// sheet, markup included). Far above the longest value a column takes
/// (2,000 characters, at most 8,000 bytes), so that a value merely too
/// long is still reported against its row; far below what costs memory,
/// as calamine holds a whole cell at once.
const CELL_XML_LIMIT: u64 = 64 * 1024;
/// The most one tag or one run of text may take anywhere in a workbook's
/// XML: the XML reader holds each whole.
const TOKEN_LIMIT: u64 = 1024 * 1024;
/// The most text the cells read from a sheet may hold together: a shared
/// string is copied into every cell that names it, so a small sheet could
/// otherwise multiply one long string thousands of times.
const TEXT_LIMIT: usize = 2 * FILE_LIMIT;
/// The most any other part (an image, say) may unpack to. Only parts
/// named as XML are read as XML by the check below; calamine can still be
/// pointed at another as a sheet, so none may be large.
const OTHER_PART_LIMIT: u64 = 2 * FILE_LIMIT as u64;
/// The most of a tag kept while it is checked: enough for any real
/// element's name and the attributes of `<sst>`.
const TAG_KEPT: usize = 4096;

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

/// A file refused for passing one of the import's limits.
fn too_large(zh: String, en: String) -> ApiError {
    ApiError::field("file", "too_large", Msg::new(zh, en))
}

fn unzipped_too_large() -> ApiError {
    too_large(
        "XLSX 文件解压后过大（至多 100 MiB）".into(),
        "The XLSX file unpacks to more than 100 MiB".into(),
    )
}

fn shared_strings_too_large() -> ApiError {
    too_large(
        format!(
            "XLSX 文件的共享字符串（xl/sharedStrings.xml）解压后超过 {} MiB",
            SHARED_STRINGS_LIMIT >> 20
        ),
        format!(
            "The XLSX file's shared strings (xl/sharedStrings.xml) unpack to more than {} MiB",
            SHARED_STRINGS_LIMIT >> 20
        ),
    )
}

fn other_part_too_large() -> ApiError {
    too_large(
        format!(
            "XLSX 文件中有非 XML 部分解压后超过 {} MiB",
            OTHER_PART_LIMIT >> 20
        ),
        format!(
            "A part of the XLSX file that is not XML (an image, say) unpacks to more than {} MiB",
            OTHER_PART_LIMIT >> 20
        ),
    )
}

fn too_many_strings() -> ApiError {
    too_large(
        format!("XLSX 文件的共享字符串超过 {STRING_COUNT_LIMIT} 条"),
        format!("The XLSX file has more than {STRING_COUNT_LIMIT} shared strings"),
    )
}

fn cell_too_large() -> ApiError {
    too_large(
        format!("XLSX 文件中有单元格超过 {} KiB", CELL_XML_LIMIT >> 10),
        format!(
            "A cell of the XLSX file holds more than {} KiB",
            CELL_XML_LIMIT >> 10
        ),
    )
}

/// A part's name as calamine looks it up: `/` for `\`, any case.
fn part_name(name: &str) -> String {
    name.replace('\\', "/").to_ascii_lowercase()
}

/// Whether a part is read as XML by [`check_workbook`].
fn is_xml(name: &str) -> bool {
    name.ends_with(".xml") || name.ends_with(".rels")
}

/// calamine reads `<its folder>/sharedStrings.xml`, the folder named by the
/// package's relationships: any part so named may be the one it reads.
fn is_shared_strings(name: &str) -> bool {
    name.ends_with("sharedstrings.xml")
}

/// Refuses a workbook before calamine opens it, if reading it would cost
/// far more memory than the file weighs: first by the sizes the zip
/// directory declares, then by unpacking every part and reading its XML as
/// it comes, keeping none of it. (The zip reader stops a part at the size
/// it declares, but this check does not lean on that.)
fn check_workbook(bytes: &[u8]) -> Result<(), ApiError> {
    use std::io::Read;
    let unreadable = || bad_file("无法读取该 XLSX 文件", "The XLSX file cannot be read");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| unreadable())?;
    let mut declared: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_data(i).map_err(|_| unreadable())?;
        let name = part_name(&entry.name().map_err(|_| unreadable())?);
        if is_shared_strings(&name) && entry.size() > SHARED_STRINGS_LIMIT {
            return Err(shared_strings_too_large());
        }
        if !is_xml(&name) && entry.size() > OTHER_PART_LIMIT {
            return Err(other_part_too_large());
        }
        declared = declared.saturating_add(entry.size());
    }
    if declared > UNZIPPED_LIMIT {
        return Err(unzipped_too_large());
    }
    let mut total: u64 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).map_err(|_| unreadable())?;
        let name = part_name(f.name().map_err(|_| unreadable())?.as_ref());
        let shared = is_shared_strings(&name);
        let xml = is_xml(&name);
        // Images and other binary parts cannot be read as XML: a stray `<`
        // would look like anything.
        let mut scan = xml.then(|| XmlScan::new(shared));
        let mut size: u64 = 0;
        loop {
            let n = match f.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => return Err(unreadable()),
            };
            size += n as u64;
            total += n as u64;
            if total > UNZIPPED_LIMIT {
                return Err(unzipped_too_large());
            }
            if shared && size > SHARED_STRINGS_LIMIT {
                return Err(shared_strings_too_large());
            }
            if !xml && size > OTHER_PART_LIMIT {
                return Err(other_part_too_large());
            }
            if let Some(scan) = &mut scan {
                scan.feed(&buf[..n])?;
            }
        }
    }
    Ok(())
}

/// Where the XML of a part stands, byte by byte, as quick-xml (calamine's
/// reader) would see it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lex {
    Text,
    /// In a tag; in the quoted value of an attribute when `quote` is set,
    /// where `>` does not end the tag.
    Tag {
        quote: Option<u8>,
    },
    /// In a comment, CDATA section or processing instruction, which only
    /// this ends.
    Until(&'static [u8]),
}

/// A check of one XML part of a workbook as it unpacks. calamine holds in
/// memory a whole tag, a whole run of text, and a whole cell (`<c>`) or
/// shared string (`<si>`) while reading it, so those must be small whatever
/// the size of the part; and it sets aside room for as many shared strings
/// as `<sst uniqueCount>` declares.
struct XmlScan {
    shared_strings: bool,
    /// Bytes seen.
    at: u64,
    lex: Lex,
    /// Where the current tag or run of text began.
    token_start: u64,
    /// The current tag from its `<`, at most [`TAG_KEPT`] bytes of it.
    tag: Vec<u8>,
    tag_cut: bool,
    /// The byte before this one in the current tag: `/` before `>` makes
    /// an empty element.
    tag_prev: u8,
    /// The last bytes of a comment, CDATA section or instruction.
    recent: [u8; 3],
    /// The cell or shared string being read: where it began, and its
    /// elements still open, outermost first. An element ends only at the
    /// end tag of its exact name, as calamine's readers end them; an end
    /// tag that closes nothing open leaves the cell going on.
    item: Option<(u64, Vec<Vec<u8>>)>,
    strings: u64,
}

impl XmlScan {
    fn new(shared_strings: bool) -> Self {
        Self {
            shared_strings,
            at: 0,
            lex: Lex::Text,
            token_start: 0,
            tag: Vec::new(),
            tag_cut: false,
            tag_prev: 0,
            recent: [0; 3],
            item: None,
            strings: 0,
        }
    }

    fn feed(&mut self, mut rest: &[u8]) -> Result<(), ApiError> {
        while let Some((&b, tail)) = rest.split_first() {
            match self.lex {
                Lex::Text => {
                    // Text is skipped whole up to the next tag.
                    let n = rest.iter().position(|&b| b == b'<').unwrap_or(rest.len());
                    self.at += n as u64;
                    rest = &rest[n..];
                    if !rest.is_empty() {
                        self.check_open()?;
                        self.token_start = self.at;
                        self.tag.clear();
                        self.tag_cut = false;
                        self.tag_prev = 0;
                        self.lex = Lex::Tag { quote: None };
                    }
                    continue;
                }
                Lex::Tag { quote } => {
                    self.at += 1;
                    if self.tag.len() < TAG_KEPT {
                        self.tag.push(b);
                    } else {
                        self.tag_cut = true;
                    }
                    if let Some(end) = self.special()? {
                        self.recent = [0; 3];
                        self.lex = Lex::Until(end);
                    } else {
                        match (quote, b) {
                            (Some(q), b) if b == q => self.lex = Lex::Tag { quote: None },
                            (Some(_), _) => {}
                            (None, b'"' | b'\'') => self.lex = Lex::Tag { quote: Some(b) },
                            (None, b'>') => {
                                self.end_tag()?;
                                self.token_start = self.at;
                                self.lex = Lex::Text;
                            }
                            (None, _) => {}
                        }
                    }
                    self.tag_prev = b;
                }
                Lex::Until(end) => {
                    self.at += 1;
                    self.recent = [self.recent[1], self.recent[2], b];
                    if self.recent.ends_with(end) {
                        self.check_open()?;
                        self.token_start = self.at;
                        self.lex = Lex::Text;
                    }
                }
            }
            rest = tail;
        }
        self.check_open()
    }

    /// What ends the current tag, if its beginning makes it a comment,
    /// CDATA section or processing instruction. A document type is never
    /// in a workbook (ECMA-376 forbids it), and is refused.
    fn special(&self) -> Result<Option<&'static [u8]>, ApiError> {
        const COMMENT: &[u8] = b"<!--";
        const CDATA: &[u8] = b"<![CDATA[";
        let t = self.tag.as_slice();
        if t.len() > CDATA.len() || t.len() < 2 {
            return Ok(None);
        }
        Ok(match t[1] {
            b'?' if t.len() == 2 => Some(b"?>"),
            b'!' if t == COMMENT => Some(b"-->"),
            b'!' if t == CDATA => Some(b"]]>"),
            b'!' if COMMENT.starts_with(t) || CDATA.starts_with(t) => None,
            b'!' => {
                return Err(bad_file(
                    "XLSX 文件不能包含文档类型声明",
                    "The XLSX file must not hold a document type declaration",
                ));
            }
            _ => None,
        })
    }

    /// Refuses a tag, run of text or cell that has grown too long, before
    /// it ends.
    fn check_open(&self) -> Result<(), ApiError> {
        if self.at - self.token_start > TOKEN_LIMIT {
            return Err(too_large(
                format!("XLSX 文件中有超过 {} MiB 的标记或文本", TOKEN_LIMIT >> 20),
                format!(
                    "The XLSX file holds a tag or text of more than {} MiB",
                    TOKEN_LIMIT >> 20
                ),
            ));
        }
        match self.item {
            Some((start, _)) if self.at - start > CELL_XML_LIMIT => Err(cell_too_large()),
            _ => Ok(()),
        }
    }

    /// A tag has ended (its `>` is the last byte seen).
    fn end_tag(&mut self) -> Result<(), ApiError> {
        self.check_open()?;
        let unreadable = || bad_file("无法读取该 XLSX 文件", "The XLSX file cannot be read");
        let body = self.tag.get(1..).unwrap_or_default();
        let (closing, body) = match body.strip_prefix(b"/") {
            Some(b) => (true, b),
            None => (false, body),
        };
        let len = body
            .iter()
            .position(|&b| b.is_ascii_whitespace() || b == b'/' || b == b'>')
            .ok_or_else(unreadable)?;
        let name = &body[..len];
        let local = name.rsplit(|&b| b == b':').next().unwrap_or(name);
        let empty = !closing && self.tag_prev == b'/';
        if self.shared_strings && !closing && local == b"si" {
            self.strings += 1;
            if self.strings > STRING_COUNT_LIMIT {
                return Err(too_many_strings());
            }
        }
        if self.shared_strings && !closing && local == b"sst" {
            // The count is read from the tag kept: a tag cut short might
            // hide one.
            if self.tag_cut || declared_count(&self.tag) > STRING_COUNT_LIMIT {
                return Err(too_many_strings());
            }
        }
        match &mut self.item {
            Some((start, open)) => {
                if closing {
                    if open.last().is_some_and(|n| n.as_slice() == name) {
                        open.pop();
                    }
                    if open.is_empty() {
                        if self.at - *start > CELL_XML_LIMIT {
                            return Err(cell_too_large());
                        }
                        self.item = None;
                    }
                } else if !empty {
                    open.push(name.to_vec());
                }
            }
            None if !closing && !empty && (local == b"c" || local == b"si") => {
                self.item = Some((self.token_start, vec![name.to_vec()]));
            }
            None => {}
        }
        Ok(())
    }
}

/// The number an `<sst>` tag declares in `uniqueCount`, read generously:
/// every digit of every value so named, as one number.
fn declared_count(tag: &[u8]) -> u64 {
    const KEY: &[u8] = b"uniqueCount";
    let mut most: u64 = 0;
    let mut from = 0;
    while let Some(at) = tag
        .get(from..)
        .and_then(|t| t.windows(KEY.len()).position(|w| w == KEY))
    {
        let after = &tag[from + at + KEY.len()..];
        let after = after.trim_ascii_start();
        if let Some(after) = after.strip_prefix(b"=") {
            let after = after.trim_ascii_start();
            if let Some((&q, value)) = after.split_first()
                && (q == b'"' || q == b'\'')
            {
                let value = value.split(|&b| b == q).next().unwrap_or_default();
                let n = value
                    .iter()
                    .filter(|b| b.is_ascii_digit())
                    .fold(0u64, |n, &d| {
                        n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
                    });
                most = most.max(n);
            }
        }
        from += at + KEY.len();
    }
    most
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
async fn read_body(req: &HttpRequest, mut payload: Payload) -> Result<Table, ApiError> {
    let media = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if media != "text/csv" && media != XLSX {
        return Err(ApiError::unsupported_media_type());
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| {
            ApiError::bad_request(
                "malformed_body",
                Msg::new("请求体读取失败", "The request body could not be read"),
            )
        })?;
        if bytes.len() + chunk.len() > FILE_LIMIT {
            return Err(ApiError::file_too_large(FILE_LIMIT >> 20));
        }
        bytes.extend_from_slice(&chunk);
    }
    let mut table = if media == XLSX {
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

struct Problems {
    lang: Lang,
    list: Vec<ImportProblem>,
}

impl Problems {
    fn push(&mut self, row: u32, column: &str, code: &str, msg: &Msg) {
        let message = match self.lang {
            Lang::Zh => msg.zh.to_string(),
            Lang::En => msg.en.to_string(),
        };
        self.list.push(ImportProblem {
            row,
            column: column.to_owned(),
            code: code.to_owned(),
            message,
        });
    }
}

/// Which column of the file holds each of `columns`; problems with the
/// header row go to `problems`.
fn map_headers(
    headers: &[String],
    columns: &[Column],
    problems: &mut Problems,
) -> Vec<Option<usize>> {
    let mut seen = std::collections::HashSet::new();
    for h in headers {
        if h.is_empty() {
            continue;
        }
        let known = columns.iter().any(|c| c.header == h || c.field == h);
        if !known {
            problems.push(
                1,
                h,
                "unknown_column",
                &Msg::new(format!("未知的列“{h}”"), format!("unknown column `{h}`")),
            );
        } else if !seen.insert(h.clone()) {
            problems.push(
                1,
                h,
                "duplicate_column",
                &Msg::new("该列出现多次", "the column appears more than once"),
            );
        }
    }
    columns
        .iter()
        .map(|c| {
            let at = headers.iter().position(|h| h == c.header || h == c.field);
            if at.is_none() && c.required {
                problems.push(
                    1,
                    c.header,
                    "missing_column",
                    &Msg::new(
                        format!("缺少必需的列“{}”", c.header),
                        format!("the required column `{}` is missing", c.header),
                    ),
                );
            }
            at
        })
        .collect()
}

/// The header of the column a field error names (`memberships[0].term` →
/// 届次).
fn header_of(columns: &[Column], field: &str) -> String {
    columns
        .iter()
        .find(|c| c.field == field)
        .map(|c| c.header.to_owned())
        .unwrap_or_else(|| field.to_owned())
}

/// One row as the JSON body of the create operation; values that need a
/// translation from their Chinese name are translated, and a value that
/// names nothing is a problem of its own.
fn row_json(
    columns: &[Column],
    at: &[Option<usize>],
    row: u32,
    cells: &[String],
    problems: &mut Problems,
) -> Value {
    use renda_domain::deputy::labels;
    let mut obj = Map::new();
    let mut membership = Map::new();
    for (c, idx) in columns.iter().zip(at) {
        let Some(v) = idx.and_then(|i| cells.get(i)).filter(|v| !v.is_empty()) else {
            continue;
        };
        let translated = match c.field {
            "kind" => renda_domain::unit::parse_kind(v).map(|k| k.as_str().to_owned()),
            "gender" => labels::parse_gender(v).map(|g| g.as_str().to_owned()),
            "memberships[0].level" => labels::parse_level(v).map(|l| l.as_str().to_owned()),
            "memberships[0].status" => {
                labels::parse_membership_status(v).map(|s| s.as_str().to_owned())
            }
            _ => Some(v.clone()),
        };
        let Some(value) = translated else {
            problems.push(
                row,
                c.header,
                "invalid",
                &Msg::new(
                    format!("“{v}”不是可用的取值"),
                    format!("`{v}` is not one of the values this column takes"),
                ),
            );
            continue;
        };
        match c.field.strip_prefix("memberships[0].") {
            Some(f) => {
                membership.insert(f.to_owned(), Value::String(value));
            }
            None => {
                obj.insert(c.field.to_owned(), Value::String(value));
            }
        }
    }
    if !membership.is_empty() {
        obj.insert(
            "memberships".into(),
            Value::Array(vec![Value::Object(membership)]),
        );
    }
    Value::Object(obj)
}

/// Puts a placeholder in place of a bad field, or takes the field out;
/// returns whether the row changed.
fn set_aside(json: &mut Value, columns: &[Column], field: &str) -> bool {
    let placeholder = columns
        .iter()
        .find(|c| c.field == field)
        .and_then(|c| c.placeholder);
    let (target, key) = match field.strip_prefix("memberships[0].") {
        Some(k) => (
            json.get_mut("memberships")
                .and_then(|m| m.get_mut(0))
                .and_then(Value::as_object_mut),
            k,
        ),
        None => (json.as_object_mut(), field),
    };
    let Some(obj) = target else {
        return false;
    };
    match placeholder {
        Some(p) if obj.get(key) != Some(&Value::String(p.to_owned())) => {
            obj.insert(key.to_owned(), Value::String(p.to_owned()));
            true
        }
        Some(_) => false,
        None => obj.remove(key).is_some(),
    }
}

/// Checks every row against the create operation's rules and reports
/// every problem of every row: a field found bad is set aside and the row
/// checked again, so that one problem does not hide the next. Returns the
/// checked requests of the rows without problems.
fn check_rows<T: serde::de::DeserializeOwned + Validate>(
    table: &Table,
    columns: &[Column],
    problems: &mut Problems,
) -> Vec<(u32, T)> {
    let at = map_headers(&table.headers, columns, problems);
    let mut out = Vec::new();
    for (row, cells) in &table.rows {
        let before = problems.list.len();
        let mut json = row_json(columns, &at, *row, cells, problems);
        // Untranslatable values were reported; check the rest without them.
        let reported: Vec<&'static str> = columns
            .iter()
            .filter(|c| problems.list[before..].iter().any(|p| p.column == c.header))
            .map(|c| c.field)
            .collect();
        for f in reported {
            set_aside(&mut json, columns, f);
        }
        for _ in 0..=columns.len() {
            match crate::extract::parse_json::<T>(json.to_string().as_bytes()) {
                Ok(v) => {
                    if problems.list.len() == before {
                        out.push((*row, v));
                    }
                    break;
                }
                Err(e) => {
                    let mut changed = false;
                    for FieldError {
                        field,
                        code,
                        message,
                    } in e.errors
                    {
                        let header = header_of(columns, &field);
                        if !problems.list[before..].iter().any(|p| p.column == header) {
                            problems.push(*row, &header, &code, &message);
                        }
                        changed |= set_aside(&mut json, columns, &field);
                    }
                    if !changed {
                        break;
                    }
                }
            }
        }
    }
    out
}

fn finish(
    lang_problems: Problems,
    dry_run: bool,
    rows: usize,
    created: Vec<Uuid>,
) -> ApiResult<HttpResponse> {
    let mut problems = lang_problems.list;
    problems.sort_by_key(|p| p.row);
    // A dry run answers as the real run would, writing nothing.
    if !problems.is_empty() {
        let errors = problems
            .iter()
            .map(|p| {
                FieldError::new(
                    format!("rows[{}].{}", p.row, p.column),
                    p.code.clone(),
                    Msg::new(p.message.clone(), p.message.clone()),
                )
            })
            .collect();
        return Err(ApiError::validation(errors));
    }
    Ok(HttpResponse::Ok().json(ImportReport {
        dry_run,
        rows: u32::try_from(rows).unwrap_or(u32::MAX),
        created: u32::try_from(created.len()).unwrap_or(u32::MAX),
        created_ids: created,
    }))
}

fn lang(req: &HttpRequest) -> Lang {
    Lang::from_accept_language(
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    )
}

/// Imports handling units from CSV (`text/csv`, UTF-8) or XLSX, the first
/// row naming the columns: 名称, 类型 (a kind's Chinese name or
/// identifier), 联系人, 联系电话, 电子邮箱, 地址, 说明. A name taken, in the
/// file or already, is a problem of its row.
#[utoipa::path(
    tag = "units",
    params(ImportParams),
    request_body(content(
        (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    responses(
        (status = 200, description = "Every row is good: in a real run, every row was created", body = ImportReport),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the office", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Over 5 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A unit of one of the names was created meanwhile; nothing was written", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither CSV nor XLSX", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Problems found, nothing written (`errors` names each as `rows[N].column`), or the file cannot be read", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/units/import")]
pub async fn import_units(
    state: Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    params: QueryParams<ImportParams>,
    payload: Payload,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageUnits)?;
    let dry_run = params.0.dry_run.unwrap_or(false);
    let table = read_body(&req, payload).await?;
    let mut problems = Problems {
        lang: lang(&req),
        list: Vec::new(),
    };
    let checked: Vec<(u32, CreateUnitRequest)> = check_rows(&table, UNIT_COLUMNS, &mut problems);
    let mut names = std::collections::HashSet::new();
    for (row, u) in &checked {
        let name = u.name.trim().to_owned();
        let taken = !names.insert(name.clone()) || state.store.unit_name_taken(&name).await?;
        if taken {
            problems.push(
                *row,
                "名称",
                "taken",
                &Msg::new("已有同名的承办单位", "a unit with that name exists"),
            );
        }
    }
    let rows = table.rows.len();
    if dry_run || !problems.list.is_empty() {
        return finish(problems, dry_run, rows, Vec::new());
    }
    let news = checked.into_iter().map(|(_, u)| u.into_new()).collect();
    let created = state.store.import_units(&caller.audit(), news).await?;
    finish(
        problems,
        false,
        rows,
        created.iter().map(|u| u.id).collect(),
    )
}

/// Imports deputies from CSV (`text/csv`, UTF-8) or XLSX, one deputy and
/// one membership per row, the first row naming the columns: 姓名, 性别,
/// 民族, 出生日期, 党派, 学历, 职业, 工作单位及职务, 手机, and for the
/// membership 层级, 届次, 选区, 代表团, 任期开始, 任期结束, 任职状态.
#[utoipa::path(
    tag = "deputies",
    params(ImportParams),
    request_body(content(
        (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    responses(
        (status = 200, description = "Every row is good: in a real run, every row was created", body = ImportReport),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the office", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Over 5 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither CSV nor XLSX", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Problems found, nothing written (`errors` names each as `rows[N].column`), or the file cannot be read", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/deputies/import")]
pub async fn import_deputies(
    state: Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    params: QueryParams<ImportParams>,
    payload: Payload,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageDeputies)?;
    let dry_run = params.0.dry_run.unwrap_or(false);
    let table = read_body(&req, payload).await?;
    let mut problems = Problems {
        lang: lang(&req),
        list: Vec::new(),
    };
    let checked: Vec<(u32, CreateDeputyRequest)> =
        check_rows(&table, DEPUTY_COLUMNS, &mut problems);
    let rows = table.rows.len();
    if dry_run || !problems.list.is_empty() {
        return finish(problems, dry_run, rows, Vec::new());
    }
    let news = checked.into_iter().map(|(_, d)| d.into_new()).collect();
    let created = state.store.import_deputies(&caller.audit(), news).await?;
    finish(
        problems,
        false,
        rows,
        created.iter().map(|d| d.id).collect(),
    )
}
