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
}
