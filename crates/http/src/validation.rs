//! Turning `validator` reports and serde errors into field errors.

use std::borrow::Cow;

use validator::{ValidationError, ValidationErrors, ValidationErrorsKind};

use crate::error::{FieldError, Msg};

fn param(e: &ValidationError, name: &str) -> Option<String> {
    e.params.get(name).map(|v| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

/// The bilingual message for one validator error.
fn message(e: &ValidationError) -> Msg {
    if let Some(m) = &e.message {
        // Custom validators carry "中文|English".
        let (zh, en) = m.split_once('|').unwrap_or((m, m));
        return Msg::new(zh.to_owned(), en.to_owned());
    }
    let min = param(e, "min");
    let max = param(e, "max");
    match e.code.as_ref() {
        "length" => match (min, max) {
            (Some(a), Some(b)) => Msg::new(
                format!("长度须在 {a} 到 {b} 之间"),
                format!("length must be between {a} and {b}"),
            ),
            (Some(a), None) => Msg::new(
                format!("长度至少为 {a}"),
                format!("length must be at least {a}"),
            ),
            (None, Some(b)) => Msg::new(
                format!("长度至多为 {b}"),
                format!("length must be at most {b}"),
            ),
            _ => Msg::new("长度不符合要求", "invalid length"),
        },
        "range" => match (min, max) {
            (Some(a), Some(b)) => Msg::new(
                format!("取值须在 {a} 到 {b} 之间"),
                format!("must be between {a} and {b}"),
            ),
            (Some(a), None) => Msg::new(format!("取值至少为 {a}"), format!("must be at least {a}")),
            (None, Some(b)) => Msg::new(format!("取值至多为 {b}"), format!("must be at most {b}")),
            _ => Msg::new("取值超出范围", "out of range"),
        },
        "email" => Msg::new("不是有效的电子邮件地址", "not a valid e-mail address"),
        "url" => Msg::new("不是有效的网址", "not a valid URL"),
        _ => Msg::new("取值无效", "invalid value"),
    }
}

fn walk(prefix: &str, errors: &ValidationErrors, out: &mut Vec<FieldError>) {
    let mut fields: Vec<(&Cow<'static, str>, &ValidationErrorsKind)> =
        errors.errors().iter().collect();
    fields.sort_by(|a, b| a.0.cmp(b.0));
    for (name, kind) in fields {
        // Struct-level rules report under `__all__`: they concern the object itself.
        let path = if name == "__all__" {
            prefix.to_owned()
        } else if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}.{name}")
        };
        match kind {
            ValidationErrorsKind::Field(errs) => {
                for e in errs {
                    out.push(FieldError::new(
                        path.clone(),
                        e.code.to_string(),
                        message(e),
                    ));
                }
            }
            ValidationErrorsKind::Struct(inner) => walk(&path, inner, out),
            ValidationErrorsKind::List(items) => {
                let mut items: Vec<_> = items.iter().collect();
                items.sort_by_key(|(i, _)| **i);
                for (i, inner) in items {
                    walk(&format!("{path}[{i}]"), inner, out);
                }
            }
        }
    }
}

/// Flattens a validation report into field errors with paths such as
/// `memberships[0].term`.
pub fn field_errors(errors: &ValidationErrors) -> Vec<FieldError> {
    let mut out = Vec::new();
    walk("", errors, &mut out);
    out
}

/// A custom validation error with a bilingual message.
pub fn invalid(code: &'static str, zh: &str, en: &str) -> ValidationError {
    let mut e = ValidationError::new(code);
    e.message = Some(Cow::Owned(format!("{zh}|{en}")));
    e
}

/// Checks a phone number's form.
pub fn phone(s: &str) -> Result<(), ValidationError> {
    if renda_domain::personal::is_valid_phone(s) {
        Ok(())
    } else {
        Err(invalid(
            "phone",
            "不是有效的电话号码",
            "not a valid phone number",
        ))
    }
}

/// Checks that a URL is http(s), with something after the scheme and no
/// whitespace (the schema's pattern says the same).
pub fn http_url(s: &str) -> Result<(), ValidationError> {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    let ok = rest.is_some_and(|r| !r.is_empty()) && !s.contains(char::is_whitespace);
    if ok {
        Ok(())
    } else {
        Err(invalid(
            "url",
            "须为 http(s) 网址",
            "must be an http(s) URL",
        ))
    }
}

/// A text's refusal ([`renda_domain::text::TextError`]) as a field error,
/// or `None` for any other serde error.
pub fn text_refusal(path: &str, err: &str) -> Option<FieldError> {
    use renda_domain::text::TextError;
    let (e, max) = TextError::from_message(err)?;
    let msg = match e {
        TextError::Blank => Msg::new(
            "不能为空（只有空白或不可见字符也算空）",
            "must not be blank (white space or invisible characters only count as blank)",
        ),
        TextError::Nul => Msg::new(
            "不能包含 NUL 字符（\\u0000）",
            "must not contain the NUL character (\\u0000)",
        ),
        TextError::TooLong { .. } => Msg::new(
            format!("长度至多为 {max} 个字符"),
            format!("must be at most {max} characters long"),
        ),
    };
    Some(FieldError::new(path.to_owned(), e.code(), msg))
}

/// A serde error as a field error, naming the field where serde knows it.
pub fn from_serde(path: &str, err: &str) -> FieldError {
    let field = if path.is_empty() || path == "." {
        String::new()
    } else {
        path.to_owned()
    };
    if let Some(rest) = err.strip_prefix("unknown field `") {
        // The path already ends with the unknown field's name.
        let name = rest.split('`').next().unwrap_or("");
        let full = if field.is_empty() {
            name.to_owned()
        } else {
            field
        };
        return FieldError::new(
            full,
            "unknown_field",
            Msg::new("不允许的字段", "field not allowed"),
        );
    }
    if let Some(rest) = err.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or("");
        let full = if field.is_empty() {
            name.to_owned()
        } else {
            format!("{field}.{name}")
        };
        return FieldError::new(
            full,
            "required",
            Msg::new("缺少必填字段", "field is required"),
        );
    }
    let raw = err.split(" at line ").next().unwrap_or(err);
    FieldError::new(field, "invalid", human(raw))
}

/// What a library's refusal of a value means, in words for people: the
/// messages serde, chrono and uuid write are for programmers, and would
/// otherwise reach a form as "invalid value: unknown variant `x`".
fn human(raw: &str) -> Msg {
    if let Some(rest) = raw.strip_prefix("unknown variant `") {
        let (given, allowed) = rest.split_once('`').unwrap_or((rest, ""));
        let choices: Vec<&str> = allowed.split('`').skip(1).step_by(2).collect();
        return Msg::new(
            format!("「{given}」不是可选的取值；可选：{}", choices.join("、")),
            format!(
                "`{given}` is not one of the choices: {}",
                choices.join(", ")
            ),
        );
    }
    if raw.starts_with("UUID parsing failed") || raw.contains("expected UUID") {
        return Msg::new(
            "不是有效的标识（UUID，如 01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e50）",
            "not a valid id (a UUID, such as 01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e50)",
        );
    }
    if raw == "input is out of range" {
        return Msg::new(
            "没有这一天或这一时刻（如 2 月 30 日）",
            "no such date or time (such as 30 February)",
        );
    }
    const DATE_TROUBLES: [&str; 6] = [
        "input contains invalid characters",
        "premature end of input",
        "trailing input",
        "input is not enough for unique date and time",
        "invalid format",
        "bad or unsupported format string",
    ];
    if DATE_TROUBLES.contains(&raw) {
        return Msg::new(
            "不是有效的日期（YYYY-MM-DD）或时间（RFC 3339，如 2026-12-05T08:00:00Z）",
            "not a valid date (YYYY-MM-DD) or time (RFC 3339, such as 2026-12-05T08:00:00Z)",
        );
    }
    if let Some((_, expected)) = raw.split_once(", expected ") {
        let (zh, en) = expected_kind(expected);
        if raw.starts_with("invalid value") {
            return Msg::new(
                format!("取值超出范围：应为{zh}"),
                format!("out of range: expected {en}"),
            );
        }
        return Msg::new(
            format!("类型不对：应为{zh}"),
            format!("wrong type: expected {en}"),
        );
    }
    if raw.starts_with("data did not match any variant") {
        return Msg::new(
            "不符合任何一种可接受的形式，见接口文档中该字段的说明",
            "matches none of the accepted forms; see the field in the API document",
        );
    }
    if let Some(rest) = raw.strip_prefix("duplicate field `") {
        let name = rest.split('`').next().unwrap_or_default();
        return Msg::new(
            format!("字段「{name}」出现了两次"),
            format!("the field `{name}` appears twice"),
        );
    }
    // Anything else a library says is for programmers: the field is named
    // beside the message, and the message says only that the value is
    // not one the field takes.
    tracing::debug!(refusal = %hide_type_names(raw), "a value was refused");
    Msg::new(
        "取值无效，见接口文档中该字段的说明",
        "not a value this field takes; see the field in the API document",
    )
}

/// A type serde expected, as people name it.
fn expected_kind(expected: &str) -> (&'static str, &'static str) {
    let e = expected.trim();
    match e {
        "u8" | "u16" | "u32" | "u64" | "usize" => ("非负整数", "a whole number, 0 or more"),
        "i8" | "i16" | "i32" | "i64" | "isize" => ("整数", "a whole number"),
        "f32" | "f64" => ("数字", "a number"),
        "a boolean" => ("布尔值（true 或 false）", "true or false"),
        "a string" | "a borrowed string" => ("字符串", "a string"),
        "a sequence" => ("数组", "an array"),
        "a map" => ("对象", "an object"),
        _ if e.starts_with("struct ") || e == "an object" => ("对象", "an object"),
        _ if e.contains("date") || e.contains("RFC") => ("日期或时间", "a date or a time"),
        _ => ("其他类型的值", "a value of another type"),
    }
}

/// Replaces `struct SomeRustName` in serde's messages with `an object`.
fn hide_type_names(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    let mut rest = msg;
    while let Some(i) = rest.find("struct ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + "struct ".len()..];
        let end = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        out.push_str("an object");
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_refusals_read_as_words() {
        let en = |raw: &str| human(raw).en.into_owned();
        assert_eq!(
            en("unknown variant `nope`, expected one of `green`, `yellow`, `red`"),
            "`nope` is not one of the choices: green, yellow, red"
        );
        assert_eq!(
            human("unknown variant `x`, expected `a` or `b`").zh,
            "「x」不是可选的取值；可选：a、b"
        );
        assert_eq!(
            en("input is out of range"),
            "no such date or time (such as 30 February)"
        );
        assert!(en("premature end of input").starts_with("not a valid date"));
        assert!(
            en("UUID parsing failed: invalid character: expected an optional prefix")
                .starts_with("not a valid id")
        );
        assert_eq!(
            en("invalid type: string \"x\", expected u32"),
            "wrong type: expected a whole number, 0 or more"
        );
        assert_eq!(
            en("invalid value: integer `-1`, expected u32"),
            "out of range: expected a whole number, 0 or more"
        );
        assert_eq!(
            en("invalid type: integer `1`, expected a boolean"),
            "wrong type: expected true or false"
        );
        assert_eq!(
            en("invalid type: string \"x\", expected struct MembershipBody"),
            "wrong type: expected an object"
        );
        assert_eq!(
            en("data did not match any variant of untagged enum DecideMotionRequest"),
            "matches none of the accepted forms; see the field in the API document"
        );
        assert_eq!(
            en("duplicate field `title`"),
            "the field `title` appears twice"
        );
        // No library text reaches people, whatever a library says.
        for raw in [
            "unknown variant `nope`, expected `a`",
            "input is out of range",
            "invalid type: null, expected a sequence",
            "something no rule here knows about",
            "data did not match any variant of untagged enum X",
        ] {
            let m = human(raw);
            assert!(
                !m.zh.contains("invalid")
                    && !m.zh.contains("expected")
                    && !m.zh.contains("untagged")
                    && !m.zh.contains("something"),
                "{}",
                m.zh
            );
            assert!(
                !m.en.contains("untagged") && !m.en.contains("something"),
                "{}",
                m.en
            );
        }
    }

    #[test]
    fn type_names_are_hidden() {
        assert_eq!(
            hide_type_names("invalid type: string \"x\", expected struct MembershipBody"),
            "invalid type: string \"x\", expected an object"
        );
        assert_eq!(hide_type_names("expected u64"), "expected u64");
    }
}
