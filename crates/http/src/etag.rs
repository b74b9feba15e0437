//! Entity tags: a resource's ETag is its version number, quoted.

use actix_web::HttpRequest;
use actix_web::http::header;

/// The ETag of a version: `"3"`.
pub fn of(version: i32) -> String {
    format!("\"{version}\"")
}

/// Reads a strong ETag of ours back into a version.
pub fn parse(tag: &str) -> Option<i32> {
    tag.strip_prefix('"')?.strip_suffix('"')?.parse().ok()
}

/// The form of an `If-Match` value, as the OpenAPI document states it:
/// `*`, or a comma-separated list of entity tags (`"3"`, `W/"3"`).
pub const LIST_PATTERN: &str = r#"^[ \t]*(\*|(W/)?"[!#-~]*"([ \t]*,[ \t]*(W/)?"[!#-~]*")*)[ \t]*$"#;

/// The entity tags of a header value written as [`LIST_PATTERN`] says,
/// each as written (`W/"3"`); `None` when it is not. `*` is an empty list.
pub fn list(value: &str) -> Option<Vec<&str>> {
    let v = value.trim_matches([' ', '\t']);
    if v == "*" {
        return Some(Vec::new());
    }
    let mut out = Vec::new();
    let mut rest = v;
    loop {
        let start = rest;
        let body = rest.strip_prefix("W/").unwrap_or(rest).strip_prefix('"')?;
        let end = body.find('"')?;
        if !body[..end]
            .bytes()
            .all(|b| b == b'!' || (b'#'..=b'~').contains(&b))
        {
            return None;
        }
        let used = start.len() - body.len() + end + 1;
        out.push(&start[..used]);
        rest = start[used..].trim_start_matches([' ', '\t']);
        if rest.is_empty() {
            return Some(out);
        }
        rest = rest.strip_prefix(',')?.trim_start_matches([' ', '\t']);
    }
}

/// Whether `If-None-Match` names the current version (or `*`), so that a
/// `GET` may answer 304. Weak tags compare weakly, as RFC 9110 asks.
pub fn none_match(req: &HttpRequest, version: i32) -> bool {
    let Some(v) = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    v.split(',')
        .map(str::trim)
        .any(|t| t == "*" || parse(t.strip_prefix("W/").unwrap_or(t)) == Some(version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        assert_eq!(of(3), "\"3\"");
        assert_eq!(parse("\"3\""), Some(3));
        assert_eq!(parse("W/\"3\""), None);
        assert_eq!(parse("3"), None);
    }

    #[test]
    fn tag_lists_are_read_as_rfc_9110_writes_them() {
        assert_eq!(list("*"), Some(vec![]));
        assert_eq!(list(r#""3""#), Some(vec![r#""3""#]));
        assert_eq!(
            list(r#" W/"a,b" ,"4"  "#),
            Some(vec![r#"W/"a,b""#, r#""4""#])
        );
        for bad in [
            "",
            "3",
            r#""3"#,
            r#""3" "4""#,
            r#""3","#,
            r#"W/3"#,
            "\"a b\"",
            "*,\"3\"",
        ] {
            assert_eq!(list(bad), None, "{bad:?}");
        }
    }
}
