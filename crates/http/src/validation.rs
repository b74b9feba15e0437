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

/// Refuses strings that are blank: empty, or only white space and
/// invisible characters ([`renda_domain::text::is_blank`]; the documents'
/// `NOT_BLANK_PATTERN` states the same rule).
pub fn not_blank(s: &str) -> Result<(), ValidationError> {
    if renda_domain::text::is_blank(s) {
        Err(invalid("blank", "不能为空", "must not be blank"))
    } else {
        Ok(())
    }
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
    // serde's own text names types and variants only, never data; our
    // type names are no business of the client's.
    let en = hide_type_names(err.split(" at line ").next().unwrap_or(err));
    FieldError::new(
        field,
        "invalid",
        Msg::new(format!("取值无效：{en}"), format!("invalid value: {en}")),
    )
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
    fn type_names_are_hidden() {
        assert_eq!(
            hide_type_names("invalid type: string \"x\", expected struct MembershipBody"),
            "invalid type: string \"x\", expected an object"
        );
        assert_eq!(hide_type_names("expected u64"), "expected u64");
    }
}
