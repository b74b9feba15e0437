//! The limits an XLSX workbook is checked against before it is opened.

use super::*;

/// The most a workbook may hold once decompressed: a small file must not
/// unpack into gigabytes.
const UNZIPPED_LIMIT: u64 = 100 * 1024 * 1024;
/// The most columns a row may have.
pub(super) const COLUMN_LIMIT: u32 = 64;
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
pub(super) const TEXT_LIMIT: usize = 2 * FILE_LIMIT;
/// The most any other part (an image, say) may unpack to. Only parts
/// named as XML are read as XML by the check below; calamine can still be
/// pointed at another as a sheet, so none may be large.
const OTHER_PART_LIMIT: u64 = 2 * FILE_LIMIT as u64;
/// The most of a tag kept while it is checked: enough for any real
/// element's name and the attributes of `<sst>`.
const TAG_KEPT: usize = 4096;

/// A file refused for passing one of the import's limits.
pub(super) fn too_large(zh: String, en: String) -> ApiError {
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
pub(super) fn check_workbook(bytes: &[u8]) -> Result<(), ApiError> {
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
