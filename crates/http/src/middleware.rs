//! Middleware every request passes through: request ids, logging and
//! security headers; problem+json for every error in the caller's
//! language; and `Idempotency-Key` for `POST`.

use renda_domain::Code;
use std::time::Instant;

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::{Bytes, Data};
use actix_web::{Error, HttpMessage, HttpResponse};
use futures_util::StreamExt;
use renda_persistence::idempotency::{Claim, StoredResponse};
use sha2::{Digest, Sha256};
use tracing::Instrument;

use crate::AppState;
use crate::error::{ApiError, Lang, Msg};
use crate::extract::{JSON_LIMIT, RequestId};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
const IDEMPOTENCY_KEY: &str = "idempotency-key";

fn valid_request_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
}

/// Operations whose answers are never stored for replay, because they
/// carry a secret that must not be kept (sign-in tokens, a constituent's
/// receipt code, a service client's or a webhook's new secret), or take a
/// file larger than a JSON body (imports).
pub(crate) fn idempotency_exempt(path: &str) -> bool {
    let secret_of = |collection: &str| {
        path == collection
            || path
                .strip_prefix(collection)
                .is_some_and(|rest| rest.starts_with('/') && rest.ends_with("/secret"))
    };
    path.starts_with("/api/v1/auth/")
        || path == "/api/v1/constituent-opinions"
        || secret_of("/api/v1/clients")
        || secret_of("/api/v1/webhooks")
        || path == "/api/v1/units/import"
        || path == "/api/v1/deputies/import"
}

/// A request's path as the log shows it: a receipt code is a secret,
/// however the path spells it (`%2D` for `-`, upper case, the old
/// `/constituent-opinions/receipt/` form), and is replaced by `***`.
fn redacted_path(raw: &str) -> String {
    let decoded = percent_decoded(raw).to_ascii_lowercase();
    for marker in ["/constituent-opinion-receipts/", "/receipt/"] {
        if let Some(at) = decoded.find(marker) {
            return format!("{}***", &decoded[..at + marker.len()]);
        }
    }
    raw.to_owned()
}

/// `%XX` escapes decoded (invalid ones and non-UTF-8 bytes kept as they
/// are shown).
fn percent_decoded(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (
                b.get(i + 1).copied().and_then(hex),
                b.get(i + 2).copied().and_then(hex),
            )
        {
            #[allow(clippy::cast_possible_truncation)] // two hex digits
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Gives every request an id (the client's `X-Request-Id` when it is a
/// sane token), logs it on every line of the request's span, and adds the
/// security headers to every response.
pub async fn request_context(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|s| valid_request_id(s))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    req.extensions_mut().insert(RequestId(id.clone()));
    // HEAD is GET without the body (RFC 9110).
    let head = req.method() == Method::HEAD;
    if head {
        req.head_mut().method = Method::GET;
    }
    let method = req.method().clone();
    // The path only: query strings may carry search terms about people.
    // Receipt codes are secrets and stay out of the log.
    let path = redacted_path(req.path());
    let is_api = path.starts_with("/api/") || path == "/healthz" || path == "/readyz";
    let events = req
        .app_data::<actix_web::web::Data<crate::AppState>>()
        .map(|s| (s.events.clone(), s.changes.clone()));
    // Any write, even one refused, may have closed a session or changed
    // an account (a replayed refresh token closes its session): the
    // accounts read before it are read again once it is over, or dropped
    // with a client that went away. The writes known to touch no account
    // leave them be.
    let _stale_after = req
        .app_data::<actix_web::web::Data<crate::AppState>>()
        .filter(|_| !method.is_safe() && crate::session_cache::may_change_accounts(req.path()))
        .map(|s| crate::session_cache::StaleOnDrop(s.sessions.clone()));
    let span = tracing::info_span!("request", request_id = %id, method = %method, path = %path);
    let started = Instant::now();
    let res = async move {
        let res = next.call(req).await?.map_into_boxed_body();
        tracing::info!(
            status = res.status().as_u16(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "answered"
        );
        Ok::<_, Error>(res)
    }
    .instrument(span)
    .await;
    let mut res = res?;
    // Every refusal is recorded in the audit trail, with who was refused
    // what (the caller as the request authenticated them, if it did).
    if res.status() == actix_web::http::StatusCode::FORBIDDEN
        && let Some(state) = res
            .request()
            .app_data::<actix_web::web::Data<crate::AppState>>()
            .cloned()
    {
        let ctx = res
            .request()
            .extensions()
            .get::<renda_persistence::AuditCtx>()
            .cloned()
            .unwrap_or_else(|| renda_persistence::AuditCtx {
                request_id: Some(id.clone()),
                client_addr: crate::extract::client_addr(res.request()),
                ..Default::default()
            });
        if let Err(e) = state
            .store
            .record_event(
                &ctx,
                "access_denied",
                "request",
                None,
                &serde_json::json!({"method": method.as_str(), "path": path}),
                "denied",
            )
            .await
        {
            tracing::warn!(error = %e, "could not record a refusal in the audit trail");
        }
    }
    // A change may have written outbox events and notifications: wake the
    // dispatcher and the live streams.
    if !method.is_safe()
        && res.status().is_success()
        && let Some((events, changes)) = events
    {
        events.notify_one();
        changes.send_modify(|n| *n = n.wrapping_add(1));
    }
    if head {
        res = res.map_body(|_, _| BoxBody::new(()));
    }
    // The budget the request was counted against, on every answer (a 429
    // carries its own).
    let quota = res
        .request()
        .extensions()
        .get::<crate::ratelimit::Quota>()
        .copied();
    let link = res
        .response()
        .extensions()
        .get::<crate::respond::NextCursor>()
        .map(|c| {
            let req = res.request();
            crate::respond::next_link(req.path(), req.query_string(), &c.0)
        });
    let h = res.headers_mut();
    if let Some(v) = link.and_then(|l| HeaderValue::from_str(&l).ok()) {
        h.insert(header::LINK, v);
    }
    if let Some(q) = quota
        && !h.contains_key("ratelimit-limit")
    {
        for (name, value) in q.headers() {
            if let Ok(v) = HeaderValue::from_str(&value) {
                h.insert(name, v);
            }
        }
    }
    if let Ok(v) = HeaderValue::from_str(&id) {
        h.insert(REQUEST_ID, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if is_api {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(res)
}

/// Makes every error a problem document in the caller's language: ours are
/// re-rendered, and actix's own (unknown route, wrong method, ...) are
/// replaced. A 405 gets the `Allow` header of its path.
pub async fn problems(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let lang = Lang::from_accept_language(
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let state = req.app_data::<Data<AppState>>().cloned();
    let path = req.path().to_owned();
    let res = match next.call(req).await {
        Ok(res) => res,
        Err(e) => {
            // Inner layers answer errors as responses; this is a last resort.
            let api = e.as_error::<ApiError>().cloned().unwrap_or_else(|| {
                tracing::error!(error = %e, "unhandled error");
                ApiError::internal()
            });
            return Err(actix_web::error::InternalError::from_response(
                api.code,
                api.to_response(lang),
            )
            .into());
        }
    };
    let status = res.status();
    if !status.is_client_error() && !status.is_server_error() {
        return Ok(res.map_into_boxed_body());
    }
    let ours = res
        .response()
        .error()
        .and_then(|e| e.as_error::<ApiError>())
        .cloned();
    let api = match ours {
        Some(api) => {
            if lang == Lang::Zh {
                return Ok(res.map_into_boxed_body());
            }
            api
        }
        None => {
            let is_problem = res
                .headers()
                .get(header::CONTENT_TYPE)
                .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
            if is_problem {
                return Ok(res.map_into_boxed_body());
            }
            if let Some(e) = res.response().error() {
                tracing::warn!(status = status.as_u16(), error = %e, "framework error");
            }
            match status {
                StatusCode::NOT_FOUND => ApiError::not_found(),
                StatusCode::METHOD_NOT_ALLOWED => {
                    let allow = state
                        .as_ref()
                        .map(|s| s.routes.allow(&path))
                        .unwrap_or_default();
                    ApiError::method_not_allowed(&allow)
                }
                StatusCode::PAYLOAD_TOO_LARGE => ApiError::payload_too_large(),
                StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::unsupported_media_type(),
                StatusCode::SERVICE_UNAVAILABLE => ApiError::unavailable(),
                s if s.is_server_error() => ApiError {
                    status: s,
                    ..ApiError::internal()
                },
                s => ApiError::new(
                    s,
                    Code::BadRequest,
                    Msg::new("请求无法处理", "The request cannot be processed"),
                ),
            }
        }
    };
    let (req, _) = res.into_parts();
    Ok(ServiceResponse::new(req, api.to_response(lang)))
}

/// Refuses a request without credentials to an operation that needs them
/// (as the OpenAPI document says) before its body or parameters are read,
/// so that an anonymous caller learns nothing but "sign in".
pub async fn require_credentials(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let anonymous = !req.headers().contains_key(header::AUTHORIZATION);
    if anonymous
        && let Some(state) = req.app_data::<Data<AppState>>()
        && state
            .routes
            .requires_auth(req.method().as_str(), req.path())
    {
        return Ok(req.error_response(ApiError::unauthenticated()));
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_boxed_body)
}

/// Whose keys a request uses: the signed-in caller's, or for a request
/// without a token its address's. `None` when it carries a token that does
/// not stand for an open session (expired, signed out, disabled): such a
/// request is never answered from a stored response, but goes on to be
/// refused like any other.
async fn idempotency_scope(req: &ServiceRequest, state: &AppState) -> Option<String> {
    match crate::extract::bearer(req.request()) {
        None => {
            let ip = crate::extract::client_addr(req.request()).unwrap_or_default();
            Some(format!("anonymous:{ip}"))
        }
        Some(Ok(token)) => match state.authenticate(&token).await {
            Ok((actor, _, _)) => Some(format!("user:{}", actor.user_id)),
            Err(_) => None,
        },
        Some(Err(_)) => None,
    }
}

/// `POST` with `Idempotency-Key`: the first request runs and its answer is
/// kept for 24 hours; a repeat with the same key and body gets that answer
/// again (`Idempotent-Replayed: true`) and changes nothing; the same key
/// with another body or another `If-Match` is a 422. Keys are per caller. Some operations are
/// exempt, see [`idempotency_exempt`].
pub async fn idempotency(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let key = req
        .headers()
        .get(IDEMPOTENCY_KEY)
        .map(|v| v.to_str().map(str::to_owned));
    let applies = req.method() == Method::POST && key.is_some() && !idempotency_exempt(req.path());
    let (Some(key), true) = (key, applies) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let key = match key {
        Ok(k) if !k.is_empty() && k.len() <= 200 && k.bytes().all(|b| b.is_ascii_graphic()) => k,
        _ => {
            return Ok(req.error_response(ApiError::bad_request(
                Code::InvalidIdempotencyKey,
                Msg::new(
                    "Idempotency-Key 须为 1 到 200 个可见 ASCII 字符",
                    "Idempotency-Key must be 1 to 200 visible ASCII characters",
                ),
            )));
        }
    };
    let Some(state) = req.app_data::<Data<AppState>>().cloned() else {
        return Ok(req.error_response(ApiError::internal()));
    };
    // Read the body to fingerprint the request, then put it back.
    let mut payload = req.take_payload();
    let mut buf = Vec::new();
    let mut too_large = false;
    while let Some(chunk) = payload.next().await {
        let Ok(chunk) = chunk else {
            return Ok(req.error_response(ApiError::bad_request(
                Code::MalformedBody,
                Msg::new("请求体读取失败", "The request body could not be read"),
            )));
        };
        if buf.len() + chunk.len() > JSON_LIMIT {
            too_large = true;
            break;
        }
        buf.extend_from_slice(&chunk);
    }
    if too_large {
        return Ok(req.error_response(ApiError::payload_too_large()));
    }
    let mut h = Sha256::new();
    h.update(req.method().as_str().as_bytes());
    h.update(b" ");
    h.update(req.path().as_bytes());
    h.update(b"?");
    h.update(req.query_string().as_bytes());
    h.update(b"\n");
    // The precondition is part of what was asked: a repeat under another
    // If-Match is another request.
    if let Some(v) = req.headers().get(actix_web::http::header::IF_MATCH) {
        h.update(b"If-Match: ");
        h.update(v.as_bytes());
    }
    h.update(b"\n");
    // The same JSON spelt differently (spacing, key order) is the same request.
    match serde_json::from_slice::<serde_json::Value>(&buf) {
        Ok(v) => h.update(canonical_json(&v).as_bytes()),
        Err(_) => h.update(&buf),
    }
    let digest = hex::encode(h.finalize());
    req.set_payload(actix_web::dev::Payload::from(Bytes::from(buf)));
    let Some(scope) = idempotency_scope(&req, &state).await else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };

    match state
        .store
        .claim_idempotency_key(&scope, &key, &digest)
        .await
    {
        Ok(Claim::Proceed) => {}
        Ok(Claim::Replay(stored)) => {
            let mut b =
                HttpResponse::build(StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK));
            for (k, v) in &stored.headers {
                b.insert_header((k.as_str(), v.as_str()));
            }
            b.insert_header(("idempotent-replayed", "true"));
            let (r, _) = req.into_parts();
            return Ok(ServiceResponse::new(r, b.body(stored.body)));
        }
        Ok(Claim::Mismatch) => {
            return Ok(req.error_response(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                Code::IdempotencyKeyReused,
                Msg::new(
                    "该 Idempotency-Key 已用于另一个不同的请求",
                    "This Idempotency-Key was used for a different request",
                ),
            )));
        }
        Ok(Claim::InProgress) => {
            return Ok(req.error_response(ApiError::conflict(
                Code::IdempotencyKeyInProgress,
                Msg::new(
                    "使用该 Idempotency-Key 的请求仍在处理中",
                    "A request with this Idempotency-Key is still being processed",
                ),
            )));
        }
        Err(e) => return Ok(req.error_response(ApiError::from(e))),
    }

    let res = next.call(req).await;
    let res = match res {
        Ok(r) => r,
        Err(e) => {
            let _ = state.store.release_idempotency_key(&scope, &key).await;
            return Err(e);
        }
    };
    let status = res.status();
    // Only a success changed anything worth protecting from a repeat: any
    // other answer is not kept, so a retry (after signing in again, say)
    // runs afresh.
    if !status.is_success() {
        let _ = state.store.release_idempotency_key(&scope, &key).await;
        return Ok(res.map_into_boxed_body());
    }
    let keep = [
        header::CONTENT_TYPE,
        header::LOCATION,
        header::ETAG,
        header::CONTENT_LANGUAGE,
    ];
    let headers: Vec<(String, String)> = keep
        .iter()
        .filter_map(|n| {
            res.headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .map(|v| (n.as_str().to_owned(), v.to_owned()))
        })
        .collect();
    let (r, response) = res.into_parts();
    let (head, body) = response.into_parts();
    let bytes = body::to_bytes(body).await.unwrap_or_default();
    let stored = StoredResponse {
        status: status.as_u16(),
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    };
    if let Err(e) = state.store.finish_idempotent(&scope, &key, &stored).await {
        tracing::warn!(error = %e, "could not keep the idempotent response");
    }
    let response = head.set_body(BoxBody::new(bytes));
    Ok(ServiceResponse::new(r, response))
}

/// JSON with object keys sorted, for fingerprinting requests.
fn canonical_json(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .into_iter()
                .map(|k| {
                    format!(
                        "{}:{}",
                        serde_json::Value::String(k.clone()),
                        canonical_json(&map[k])
                    )
                })
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        serde_json::Value::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(canonical_json)
                .collect::<Vec<_>>()
                .join(",")
        ),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_ignores_spacing_and_key_order() {
        let a: serde_json::Value =
            serde_json::from_str(r#"{"b": [1, {"y": 2, "x": 1}], "a": "甲"}"#).unwrap_or_default();
        let b: serde_json::Value =
            serde_json::from_str(r#"{"a":"甲","b":[1,{"x":1,"y":2}]}"#).unwrap_or_default();
        assert_eq!(canonical_json(&a), canonical_json(&b));
        let c: serde_json::Value =
            serde_json::from_str(r#"{"a":"乙","b":[1,{"x":1,"y":2}]}"#).unwrap_or_default();
        assert_ne!(canonical_json(&a), canonical_json(&c));
    }

    #[test]
    fn receipt_codes_stay_out_of_the_log_however_the_path_spells_them() {
        for path in [
            "/api/v1/constituent-opinion-receipts/7KQM-3HXP-W9TD-R2VB",
            "/api/v1/constituent-opinion%2Dreceipts/7KQM-3HXP-W9TD-R2VB",
            "/api/v1/Constituent-Opinion-Receipts/7KQM-3HXP-W9TD-R2VB",
            "/api/v1/constituent-opinions/receipt/7KQM-3HXP-W9TD-R2VB",
            "/api/v1/constituent-opinions/%72eceipt/7KQM-3HXP-W9TD-R2VB",
        ] {
            let shown = redacted_path(path);
            assert!(
                !shown.contains("7KQM") && !shown.contains("7kqm"),
                "{shown}"
            );
            assert!(shown.ends_with("***"), "{shown}");
        }
        assert_eq!(
            redacted_path("/api/v1/suggestions/%zz"),
            "/api/v1/suggestions/%zz"
        );
    }

    #[test]
    fn answers_with_secrets_are_never_kept_for_replay() {
        for p in [
            "/api/v1/auth/login",
            "/api/v1/constituent-opinions",
            "/api/v1/clients",
            "/api/v1/clients/0193/secret",
            "/api/v1/webhooks",
            "/api/v1/webhooks/0193/secret",
            "/api/v1/deputies/import",
        ] {
            assert!(idempotency_exempt(p), "{p}");
        }
        for p in [
            "/api/v1/units",
            "/api/v1/webhooks/0193/replay",
            "/api/v1/clientsx",
            "/api/v1/suggestions/0193/reply",
        ] {
            assert!(!idempotency_exempt(p), "{p}");
        }
    }
}
