//! Building successful answers: created resources with `Location`, single
//! resources with `ETag` and `If-None-Match`, pages of lists with a `Link`
//! to the next page.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

use crate::etag;

/// 201 with `Location`, `ETag` and the created resource.
pub fn created<T: Serialize>(location: String, version: i32, body: &T) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .insert_header((header::ETAG, etag::of(version)))
        .json(body)
}

/// 200 with `ETag`, or 304 when the client already holds this version.
pub fn resource<T: Serialize>(req: &HttpRequest, version: i32, body: &T) -> HttpResponse {
    if etag::none_match(req, version) {
        return HttpResponse::NotModified()
            .insert_header((header::ETAG, etag::of(version)))
            .finish();
    }
    HttpResponse::Ok()
        .insert_header((header::ETAG, etag::of(version)))
        .json(body)
}

/// 200 with `ETag` after a change.
pub fn changed<T: Serialize>(version: i32, body: &T) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::ETAG, etag::of(version)))
        .json(body)
}

/// `s` percent-encoded, every byte but the unreserved ones (RFC 3986): for
/// a header parameter (RFC 5987 file names), a path segment or a query
/// value that nothing a client sent may reshape.
pub fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The cursor of the page after this one, kept on the answer until
/// `request_context` writes the `Link` header (it knows the request's
/// query).
#[derive(Debug, Clone)]
pub struct NextCursor(pub String);

/// 200 with a page of a list; when there is a next page, the answer gets
/// `Link: <…&cursor=…>; rel="next"`.
pub fn page<T: Serialize>(list: crate::pagination::ListResponse<T>) -> HttpResponse {
    let next = list.next_cursor.clone();
    let mut r = HttpResponse::Ok().json(&list);
    if let Some(cursor) = next {
        r.extensions_mut().insert(NextCursor(cursor));
    }
    r
}

/// The `Link` header of the next page: the request's own path and query,
/// with `cursor` set to the next page's.
pub fn next_link(path: &str, query: &str, cursor: &str) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if k != "cursor" {
            q.append_pair(&k, &v);
        }
    }
    q.append_pair("cursor", cursor);
    format!("<{path}?{}>; rel=\"next\"", q.finish())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_next_link_keeps_the_query_and_replaces_the_cursor() {
        assert_eq!(
            super::next_link(
                "/api/v1/suggestions",
                "status=assigned&cursor=old&q=%E8%80%81",
                "abc=="
            ),
            "</api/v1/suggestions?status=assigned&q=%E8%80%81&cursor=abc%3D%3D>; rel=\"next\""
        );
    }
}
