//! Response compression: brotli or gzip, as the client's `Accept-Encoding`
//! prefers, for answers worth it. A phone on a slow network gets a list
//! page or the OpenAPI document at a fraction of its size.
//!
//! Left as they are: answers under [`MIN_SIZE`] (the headers would eat the
//! gain), the live event stream (an encoder holds events back until its
//! buffer fills), and what is compressed already (images, video, audio,
//! the zip containers XLSX and DOCX are, archives).

use actix_http::encoding::Encoder;
use actix_web::body::{BodySize, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{
    self, AcceptEncoding, ContentEncoding, Encoding, Header, HeaderValue,
};
use actix_web::middleware::Next;

/// The smallest answer worth compressing, in bytes.
pub const MIN_SIZE: u64 = 1024;

/// What this server can encode with, in its own order of preference when
/// the client weighs them alike.
const OFFERED: [Encoding; 3] = [
    Encoding::Known(ContentEncoding::Brotli),
    Encoding::Known(ContentEncoding::Gzip),
    Encoding::Known(ContentEncoding::Identity),
];

/// Compresses the answer when the client accepts an encoding and the
/// answer is worth it. Answers that could be compressed say `Vary:
/// Accept-Encoding`, so caches keep the two forms apart.
pub async fn compress(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let accepted = AcceptEncoding::parse(req.request()).ok();
    let res = next.call(req).await?;
    Ok(res.map_body(move |head, body| {
        let worth = worth_compressing(head.headers(), body.size());
        let encoding = match (&accepted, worth) {
            (Some(accepted), true) => chosen(accepted),
            _ => ContentEncoding::Identity,
        };
        // The encoder says it of what it encodes.
        if worth && encoding == ContentEncoding::Identity {
            head.headers_mut()
                .append(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
        Encoder::response(encoding, head, body)
    }))
}

/// The encoding to use for a client that sent `accepted`: the one it
/// weighs highest among those offered; none when it names none of them
/// (or refuses everything, which is answered unencoded all the same).
fn chosen(accepted: &AcceptEncoding) -> ContentEncoding {
    match accepted.negotiate(OFFERED.iter()) {
        Some(Encoding::Known(e)) => e,
        _ => ContentEncoding::Identity,
    }
}

/// Whether an answer with these headers and this size is compressed.
fn worth_compressing(headers: &header::HeaderMap, size: BodySize) -> bool {
    let big = match size {
        BodySize::None => false,
        BodySize::Sized(n) => n >= MIN_SIZE,
        BodySize::Stream => true,
    };
    // A file served in ranges keeps one representation: its parts and
    // its ETag must agree with the whole a client resumes.
    big && !headers.contains_key(header::CONTENT_ENCODING)
        && !headers.contains_key(header::CONTENT_RANGE)
        && !headers.contains_key(header::ACCEPT_RANGES)
        && headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_none_or(compressible)
}

/// Whether a media type gains from compression.
fn compressible(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let (kind, sub) = essence.split_once('/').unwrap_or((essence.as_str(), ""));
    match kind {
        "image" => sub == "svg+xml",
        "video" | "audio" | "font" => false,
        "text" => sub != "event-stream",
        _ => !matches!(
            sub,
            "zip"
                | "gzip"
                | "x-gzip"
                | "pdf"
                | "octet-stream"
                | "vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                | "vnd.openxmlformats-officedocument.wordprocessingml.document"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(content_type: &str) -> header::HeaderMap {
        let mut h = header::HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_str(content_type).unwrap_or(HeaderValue::from_static("x/x")),
        );
        h
    }

    #[test]
    fn json_and_csv_over_a_kilobyte_are_compressed() {
        for t in [
            "application/json",
            "application/problem+json",
            "text/csv; charset=utf-8",
        ] {
            assert!(worth_compressing(&headers(t), BodySize::Sized(4096)), "{t}");
            assert!(worth_compressing(&headers(t), BodySize::Stream), "{t}");
            assert!(
                !worth_compressing(&headers(t), BodySize::Sized(1023)),
                "{t}"
            );
        }
    }

    #[test]
    fn streams_and_packed_files_are_left_alone() {
        for t in [
            "text/event-stream",
            "image/jpeg",
            "application/pdf",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ] {
            assert!(!worth_compressing(&headers(t), BodySize::Stream), "{t}");
        }
        // A file offered in ranges (a Word document) keeps one form.
        let mut ranged = headers("application/msword");
        assert!(worth_compressing(&ranged, BodySize::Sized(4096)));
        ranged.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
        assert!(!worth_compressing(&ranged, BodySize::Sized(4096)));
        let mut h = headers("application/json");
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        assert!(!worth_compressing(&h, BodySize::Sized(4096)));
    }

    #[test]
    fn the_client_preference_decides_and_unknown_codings_get_none() {
        let parse = |v: &str| {
            let req = actix_web::test::TestRequest::default()
                .insert_header((header::ACCEPT_ENCODING, v))
                .to_http_request();
            AcceptEncoding::parse(&req).ok()
        };
        let pick = |v: &str| parse(v).map(|a| chosen(&a));
        assert_eq!(pick("gzip"), Some(ContentEncoding::Gzip));
        assert_eq!(pick("br;q=0.5, gzip"), Some(ContentEncoding::Gzip));
        assert_eq!(pick("br, gzip"), Some(ContentEncoding::Brotli));
        assert_eq!(pick("deflate"), Some(ContentEncoding::Identity));
        assert_eq!(pick("identity;q=0, *;q=0"), Some(ContentEncoding::Identity));
    }
}
