//! Building successful answers: created resources with `Location`, single
//! resources with `ETag` and `If-None-Match`.

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
