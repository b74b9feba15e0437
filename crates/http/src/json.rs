//! Reading a JSON request body: one object and nothing after it, no key
//! twice, no NUL and no date beyond year 9999, fields as the schema says,
//! then the schema's rules; each refusal a problem naming the field.

use renda_domain::Code;
use serde::de::DeserializeOwned;
use validator::Validate;

use actix_web::HttpRequest;
use actix_web::http::header;

use crate::error::{ApiError, Msg};
use crate::validation;

pub(crate) fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| {
            let m = m.trim().to_ascii_lowercase();
            m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
        })
        .unwrap_or(false)
}

/// A date or date-time whose year lies outside 0001–9999 (`+10000-01-01`,
/// `-0044-03-15`, `0000-01-01`): chrono reads such values, but neither a
/// database column nor RFC 3339 holds them.
pub(crate) fn is_extended_year_date(s: &str) -> bool {
    let b = s.as_bytes();
    let (signed, rest) = match b.first() {
        Some(b'+' | b'-') => (true, &b[1..]),
        _ => (false, b),
    };
    let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    let year_zero = digits == 4 && rest.starts_with(b"0000");
    if digits < 4 || (!signed && digits < 5 && !year_zero) {
        return false;
    }
    let tail = &rest[digits..];
    tail.len() >= 6
        && tail[0] == b'-'
        && tail[1..3].iter().all(u8::is_ascii_digit)
        && tail[3] == b'-'
        && tail[4..6].iter().all(u8::is_ascii_digit)
}

/// What is wrong with a string no field may hold.
pub(crate) enum BadString {
    Nul,
    Year,
}

pub(crate) fn bad_string(s: &str) -> Option<BadString> {
    if s.contains('\0') {
        Some(BadString::Nul)
    } else if is_extended_year_date(s) {
        Some(BadString::Year)
    } else {
        None
    }
}

pub(crate) fn bad_string_error(field: &str, bad: BadString) -> ApiError {
    match bad {
        BadString::Nul => nul_error(field),
        BadString::Year => ApiError::field(
            field,
            "out_of_range",
            Msg::new(
                "日期的年份须在 0001 到 9999 之间",
                "the year of a date must lie between 0001 and 9999",
            ),
        ),
    }
}

/// The path of the first string no field may hold: one with a NUL
/// character, which no database stores as text, or a date with a year
/// beyond 0001–9999.
fn find_bad(v: &serde_json::Value, path: &str) -> Option<(String, BadString)> {
    match v {
        serde_json::Value::String(s) => bad_string(s).map(|b| (path.to_owned(), b)),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, x)| find_bad(x, &format!("{path}[{i}]"))),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, x)| {
            if k.contains('\0') {
                return Some((path.to_owned(), BadString::Nul));
            }
            find_bad(
                x,
                &if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                },
            )
        }),
        _ => None,
    }
}

fn nul_error(field: &str) -> ApiError {
    ApiError::field(
        field,
        "invalid_character",
        Msg::new(
            "不能包含 NUL 字符（\\u0000）",
            "must not contain the NUL character (\\u0000)",
        ),
    )
}

/// JSON has one kind of number, and JSON Schema reads `2026.0` as the
/// integer 2026: a whole number written with a fraction is read as an
/// integer, so that an integer field takes it. Other fractions stay
/// numbers (and an integer field refuses them).
fn whole_numbers(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() < 9.0e15
            {
                #[allow(clippy::cast_possible_truncation)] // whole and within range
                let i = f as i64;
                *v = Value::from(i);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(whole_numbers),
        Value::Object(o) => o.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

/// A JSON text read into a value, with the keys that an object repeats.
/// RFC 8259 leaves a repeated name's meaning open: parsers differ on which
/// value counts (serde_json keeps the last, others the first or refuse), so
/// a proxy or another component could read a body otherwise than we would.
pub(crate) struct ReadJson {
    pub(crate) value: serde_json::Value,
    /// The path (as field errors name fields: `a.b[0].c`) of each key
    /// that appears more than once in its object, in order of reading.
    pub(crate) duplicates: Vec<String>,
}

/// Where a value lies in the JSON text being read: a chain of borrowed
/// links to its parents, so that reading allocates no path until a
/// repeated key needs one.
#[derive(Clone, Copy)]
enum JsonPath<'a> {
    Root,
    Key(&'a JsonPath<'a>, &'a str),
    Index(&'a JsonPath<'a>, usize),
}

impl JsonPath<'_> {
    fn render(&self) -> String {
        match self {
            JsonPath::Root => String::new(),
            JsonPath::Key(JsonPath::Root, k) => (*k).to_owned(),
            // Under a key named "" as well: `.k`, never `k`, which would
            // name a member of the body itself.
            JsonPath::Key(parent, k) => format!("{}.{k}", parent.render()),
            JsonPath::Index(parent, i) => format!("{}[{i}]", parent.render()),
        }
    }
}

/// Reads one JSON value as `serde_json::Value` does, noting every key that
/// repeats within an object. A repeat does not stop the reading, so that a
/// body that is also malformed further on is answered as malformed.
struct Unique<'p, 'd> {
    path: JsonPath<'p>,
    duplicates: &'d mut Vec<String>,
}

impl<'de> serde::de::DeserializeSeed<'de> for Unique<'_, '_> {
    type Value = serde_json::Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Unique<'_, '_> {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        // JSON has no NaN or infinity; `from` would make either null.
        Ok(v.into())
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Unique {
            path: JsonPath::Index(&self.path, items.len()),
            duplicates: &mut *self.duplicates,
        })? {
            items.push(item);
        }
        Ok(serde_json::Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(Unique {
                path: JsonPath::Key(&self.path, &key),
                duplicates: &mut *self.duplicates,
            })?;
            if out.contains_key(&key) {
                self.duplicates
                    .push(JsonPath::Key(&self.path, &key).render());
            }
            out.insert(key, value);
        }
        Ok(serde_json::Value::Object(out))
    }
}

/// Reads a JSON text (one value and nothing after it but white space),
/// noting the keys that repeat; the error is serde_json's.
pub(crate) fn read_json(bytes: &[u8]) -> Result<ReadJson, serde_json::Error> {
    use serde::de::DeserializeSeed;
    let mut duplicates = Vec::new();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = Unique {
        path: JsonPath::Root,
        duplicates: &mut duplicates,
    }
    .deserialize(&mut de)?;
    de.end()?;
    Ok(ReadJson { value, duplicates })
}

/// 422 naming a key that appears twice in one object.
pub(crate) fn duplicate_key_error(path: &str) -> ApiError {
    ApiError::field(
        path,
        "duplicate_key",
        Msg::new(
            "同一对象中的字段名不能重复出现",
            "a name must not appear twice in the same object",
        ),
    )
}

/// 400 for a body that is not JSON.
fn malformed_json(e: &serde_json::Error) -> ApiError {
    ApiError::bad_request(
        Code::MalformedJson,
        Msg::new(
            format!(
                "请求体不是合法的 JSON（第 {} 行第 {} 列）",
                e.line(),
                e.column()
            ),
            format!(
                "The request body is not valid JSON (line {}, column {})",
                e.line(),
                e.column()
            ),
        ),
    )
}

/// Parses a JSON request body: one JSON object and nothing after it (else
/// 400), no key twice in one object, no NUL characters, fields as the
/// schema says (else 422 naming them), then the schema's rules.
pub(crate) fn parse_json<T: DeserializeOwned + Validate>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            Code::MalformedJson,
            Msg::new("请求体为空", "The request body is empty"),
        ));
    }
    let ReadJson { value, duplicates } = read_json(bytes).map_err(|e| malformed_json(&e))?;
    if !value.is_object() {
        return Err(ApiError::bad_request(
            Code::MalformedJson,
            Msg::new(
                "请求体须为 JSON 对象",
                "The request body must be a JSON object",
            ),
        ));
    }
    if let Some(path) = duplicates.first() {
        return Err(duplicate_key_error(path));
    }
    if let Some((path, bad)) = find_bad(&value, "") {
        return Err(bad_string_error(&path, bad));
    }
    let mut value = value;
    whole_numbers(&mut value);
    // A refused text does not end the reading: it is noted, a stand-in
    // takes its place and the body is read again, so that one answer names
    // every refused text (a form shows them all at once), then the first
    // other reading error or the field rules of `validate()`. The rules of
    // the work (a deadline, a unit of the item) are checked by the command
    // once the body reads.
    let mut errors = Vec::new();
    let parsed: T = loop {
        match serde_path_to_error::deserialize::<_, T>(&value) {
            Ok(v) => break v,
            Err(e) => {
                let path = e.path().clone();
                let message = e.into_inner().to_string();
                let at = path.to_string();
                if let Some(refused) = validation::text_refusal(&at, &message) {
                    errors.push(refused);
                    if errors.len() < MAX_TEXT_REFUSALS && stand_in(&mut value, &path) {
                        continue;
                    }
                } else {
                    errors.push(validation::from_serde(&at, &message));
                }
                return Err(ApiError::validation(errors));
            }
        }
    };
    if let Err(e) = parsed.validate() {
        errors.extend(validation::field_errors(&e));
    }
    if errors.is_empty() {
        Ok(parsed)
    } else {
        Err(ApiError::validation(errors))
    }
}

/// How many refused texts one reading names before it stops: each costs
/// a reading of the body.
const MAX_TEXT_REFUSALS: usize = 32;

/// Puts a text every text field takes where the refused one was; false
/// when the path does not lead to a string.
fn stand_in(value: &mut serde_json::Value, path: &serde_path_to_error::Path) -> bool {
    use serde_path_to_error::Segment;
    let mut at = value;
    for segment in path.iter() {
        let next = match (segment, at) {
            (Segment::Seq { index }, serde_json::Value::Array(items)) => items.get_mut(*index),
            (Segment::Map { key }, serde_json::Value::Object(map)) => map.get_mut(key),
            _ => None,
        };
        match next {
            Some(v) => at = v,
            None => return false,
        }
    }
    if at.is_string() {
        *at = serde_json::Value::String("-".to_owned());
        true
    } else {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::is_extended_year_date as ext;

    #[derive(Debug, serde::Deserialize, validator::Validate)]
    struct Lines {
        #[allow(dead_code)]
        items: Vec<renda_domain::text::Line<5>>,
    }

    /// More refused texts than one reading names: the first ones, each a
    /// `blank` field error, never the internal marker.
    #[test]
    fn refused_texts_past_the_limit_still_read_as_field_errors() {
        let body = serde_json::json!({ "items": vec![" "; 40] }).to_string();
        let errors = match super::parse_json::<Lines>(body.as_bytes()) {
            Err(e) => e.errors,
            Ok(_) => panic!("40 blank lines read"),
        };
        assert_eq!(errors.len(), super::MAX_TEXT_REFUSALS);
        assert!(errors.iter().all(|e| e.code == "blank"), "{errors:?}");
        assert_eq!(errors[31].field, "items[31]");
    }

    fn duplicates(text: &str) -> Vec<String> {
        super::read_json(text.as_bytes())
            .map(|r| r.duplicates)
            .unwrap_or_else(|e| vec![format!("error: {e}")])
    }

    #[test]
    fn repeated_keys_are_found_at_any_depth() {
        let none: Vec<String> = Vec::new();
        assert_eq!(
            duplicates(r#"{"a": 1, "b": {"a": 2}, "c": [{"a": 3}, {"a": 4}]}"#),
            none
        );
        assert_eq!(duplicates(r#"{"title": "a", "title": "b"}"#), ["title"]);
        // Escapes are read before keys are compared.
        assert_eq!(
            duplicates(r#"{"title": "a", "ti\u0074le": "b"}"#),
            ["title"]
        );
        assert_eq!(
            duplicates(r#"{"a": {"b": [0, {"c": 1, "c": 2}]}, "a": 3}"#),
            ["a.b[1].c", "a"]
        );
        assert_eq!(duplicates(r#"{"": {"k": 1, "k": 2}}"#), [".k"]);
        assert_eq!(duplicates(r#"[{"x": 1, "x": 1}]"#), ["[0].x"]);
    }

    #[test]
    fn values_are_read_as_serde_json_reads_them() {
        for text in [
            r#"{"a": [1, -2, 3.5, 1e3, true, null, "s\u00e9"], "b": {"c": {}}, "d": []}"#,
            "18446744073709551615",
            r#""x""#,
        ] {
            let ours = super::read_json(text.as_bytes()).map(|r| r.value).ok();
            let theirs: Option<serde_json::Value> = serde_json::from_str(text).ok();
            assert_eq!(ours, theirs, "{text}");
        }
        // Malformed text and text after the value are errors, also after a
        // repeated key.
        for text in [
            r#"{"a": 1, "a": 2"#,
            r#"{"a": 1} x"#,
            "",
            r#"{"a": 1, "a": 2,}"#,
        ] {
            assert!(super::read_json(text.as_bytes()).is_err(), "{text}");
        }
    }

    #[test]
    fn dates_beyond_four_digit_years_are_recognised() {
        for s in [
            "+10000-01-01",
            "-0044-03-15",
            "0000-01-01",
            "12345-01-01T00:00:00Z",
            "+2026-01-01",
        ] {
            assert!(ext(s), "{s}");
        }
        for s in [
            "2026-11-27",
            "2026-11-27T08:00:00Z",
            "0001-01-01",
            "-",
            "1234",
            "+12",
            "第2026-01-01号",
            "-5",
        ] {
            assert!(!ext(s), "{s}");
        }
    }
}
