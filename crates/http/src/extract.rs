//! Extractors: JSON bodies (read by `json`) and query strings with
//! problem+json errors, the caller, and conditional-request headers.

use renda_domain::Code;
use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::Data;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use renda_auth::{Action, Actor, Decision, Principal, decide};
use renda_persistence::AuditCtx;
use serde::de::DeserializeOwned;
use validator::Validate;

use crate::AppState;
use crate::error::{ApiError, FieldError, Msg};
use crate::json::{BadString, bad_string, bad_string_error, is_json};
pub(crate) use crate::json::{ReadJson, duplicate_key_error, parse_json, read_json};
use crate::validation;

/// The largest JSON body accepted.
pub const JSON_LIMIT: usize = 1024 * 1024;

/// A JSON body. Extracting it checks the content type (415) and size
/// (413) and reads it; [`JsonBody::parse`] then deserialises it strictly
/// and validates it (400 for bad JSON, 422 naming the fields). Handlers
/// parse after asking the permission module, so that a caller who may not
/// act learns that (401/403/404) rather than what is wrong with a body.
#[derive(Debug)]
pub struct JsonBody<T> {
    bytes: Vec<u8>,
    _schema: std::marker::PhantomData<T>,
}

impl<T: DeserializeOwned + Validate> JsonBody<T> {
    pub fn parse(self) -> Result<T, ApiError> {
        parse_json(&self.bytes)
    }
}

impl<T: DeserializeOwned + Validate + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = is_json(req);
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        // No body at all (nothing declared, or a length of zero whatever
        // the type) stands for `{}`: operations whose fields are all
        // optional need not send one. So does a body that turns out empty
        // (below).
        let absent = declared == Some(0)
            || (!req.headers().contains_key(header::CONTENT_TYPE)
                && declared.is_none()
                && !req.headers().contains_key(header::TRANSFER_ENCODING));
        let mut payload = payload.take();
        Box::pin(async move {
            if absent {
                return Ok(JsonBody {
                    bytes: b"{}".to_vec(),
                    _schema: std::marker::PhantomData,
                });
            }
            if !json && declared.is_some() {
                return Err(ApiError::unsupported_media_type());
            }
            if declared.is_some_and(|n| n > JSON_LIMIT) {
                return Err(ApiError::payload_too_large());
            }
            let mut buf = Vec::new();
            use futures_util::StreamExt;
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|_| {
                    ApiError::bad_request(
                        Code::MalformedBody,
                        Msg::new("请求体读取失败", "The request body could not be read"),
                    )
                })?;
                // Another type is refused as soon as the body shows it is
                // not empty.
                if !json && !chunk.is_empty() {
                    return Err(ApiError::unsupported_media_type());
                }
                if buf.len() + chunk.len() > JSON_LIMIT {
                    return Err(ApiError::payload_too_large());
                }
                buf.extend_from_slice(&chunk);
            }
            // An empty body, whatever its type says (generated clients
            // send `application/json` and no bytes for an operation
            // without data), reads as `{}` too.
            if buf.is_empty() {
                buf.extend_from_slice(b"{}");
            }
            Ok(JsonBody {
                bytes: buf,
                _schema: std::marker::PhantomData,
            })
        })
    }
}

/// Query parameters, deserialised with the offending parameter named.
#[derive(Debug)]
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned + Validate> FromRequest for QueryParams<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let qs = req.query_string();
        if let Some((k, bad)) = form_urlencoded::parse(qs.as_bytes()).find_map(|(k, v)| {
            if k.contains('\0') {
                return Some((k, BadString::Nul));
            }
            bad_string(&v).map(|b| (k, b))
        }) {
            // The name is echoed: a NUL in it is shown as its escape.
            let name = k.replace('\0', "\\u0000");
            return std::future::ready(Err(bad_string_error(&name, bad)));
        }
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(qs.as_bytes()));
        let res = match serde_path_to_error::deserialize::<_, T>(de) {
            Ok(v) => match v.validate() {
                Ok(()) => Ok(QueryParams(v)),
                Err(e) => Err(ApiError::validation(validation::field_errors(&e))),
            },
            Err(e) => {
                let path = e.path().to_string();
                let msg = e.into_inner().to_string();
                Err(ApiError::validation(vec![validation::from_serde(
                    &path, &msg,
                )]))
            }
        };
        std::future::ready(res)
    }
}

/// The request id (set by the request middleware).
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Where a request comes from, without looking at its credentials (for
/// signing in, where a stale token must not stand in the way).
#[derive(Debug, Clone)]
pub struct RequestMeta {
    pub request_id: Option<String>,
    pub client_addr: Option<String>,
}

impl FromRequest for RequestMeta {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(RequestMeta {
            request_id: req.extensions().get::<RequestId>().map(|r| r.0.clone()),
            client_addr: client_addr(req),
        }))
    }
}

/// Whoever makes a request, re-checked against the database on every
/// request: a disabled account or a closed session stops working at once.
#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Principal,
    /// The sign-in session of the access token, when signed in.
    pub session_id: Option<uuid::Uuid>,
    pub request_id: Option<String>,
    pub client_addr: Option<String>,
}

/// What an account that must change its password may still do: see
/// itself, change the password, see its sign-ins, sign out.
const ALLOWED_BEFORE_PASSWORD_CHANGE: [(&str, &str); 4] = [
    ("GET", "/api/v1/me"),
    ("POST", "/api/v1/me/password"),
    ("GET", "/api/v1/me/logins"),
    ("POST", "/api/v1/auth/logout"),
];

/// Whether an account that must change its password may still call
/// this operation (`path` as the OpenAPI document names it).
pub(crate) fn allowed_before_password_change(method: &str, path: &str) -> bool {
    ALLOWED_BEFORE_PASSWORD_CHANGE
        .iter()
        .any(|(m, r)| *m == method && *r == path)
}

impl Caller {
    /// Asks the permission module; answers 401 or 403 when it says no.
    pub fn require(&self, action: Action) -> Result<(), ApiError> {
        answer(decide(&self.principal, action))
    }

    /// Whether the permission module allows an action, without refusing.
    pub fn may(&self, action: Action) -> bool {
        decide(&self.principal, action).is_allowed()
    }

    /// The signed-in actor, or 401.
    pub fn actor(&self) -> Result<&Actor, ApiError> {
        self.principal.actor().ok_or_else(ApiError::unauthenticated)
    }

    /// The caller's own account id, for what is theirs alone (their
    /// inbox, phones, choices): any signed-in caller.
    pub fn own_id(&self) -> Result<uuid::Uuid, ApiError> {
        self.require(Action::ReadSelf)?;
        Ok(self.actor()?.user_id.into())
    }

    /// The audit context of this request.
    pub fn audit(&self) -> AuditCtx {
        let actor = self.principal.actor();
        AuditCtx {
            actor_id: (actor.map(|a| a.user_id)).map(Into::into),
            actor_username: actor.map(|a| a.username.clone()),
            actor_roles: actor.map(|a| a.roles.to_storage()),
            request_id: self.request_id.clone(),
            client_addr: self.client_addr.clone(),
        }
    }
}

/// Turns a decision of the permission module into the answer for a refusal.
pub fn answer(decision: Decision) -> Result<(), ApiError> {
    match decision {
        Decision::Allow => Ok(()),
        refused => Err(refusal(refused)),
    }
}

/// The problem answering a refusal of the permission module (an `Allow`
/// passed here by mistake refuses too).
pub fn refusal(decision: Decision) -> ApiError {
    match decision {
        Decision::Unauthenticated => ApiError::unauthenticated(),
        Decision::NotFound => ApiError::not_found(),
        Decision::Forbidden | Decision::Allow => ApiError::forbidden(),
    }
}

/// The bearer token of a request, if it carries one.
pub(crate) fn bearer(req: &HttpRequest) -> Option<Result<String, ()>> {
    let v = req.headers().get(header::AUTHORIZATION)?;
    let s = match v.to_str() {
        Ok(s) => s,
        Err(_) => return Some(Err(())),
    };
    let mut parts = s.splitn(2, ' ');
    let scheme = parts.next().unwrap_or("");
    let token = parts.next().unwrap_or("").trim();
    if scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() {
        Some(Ok(token.to_owned()))
    } else {
        Some(Err(()))
    }
}

/// The client's address: the peer's, or, when the peer is a trusted
/// proxy, the nearest untrusted address it put in `X-Forwarded-For`.
pub(crate) fn client_ip(req: &HttpRequest) -> Option<std::net::IpAddr> {
    let peer = req.peer_addr()?.ip();
    let trusted = req
        .app_data::<actix_web::web::Data<crate::AppState>>()
        .map(|s| s.trusted_proxies.clone())
        .unwrap_or_default();
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<std::net::IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|a| !trusted.contains(a))
            .unwrap_or(peer),
    )
}

pub(crate) fn client_addr(req: &HttpRequest) -> Option<String> {
    client_ip(req).map(|a| a.to_string())
}

/// The pattern of the route a request took (a walk of the resource
/// map), asked only of the callers it concerns: a password to change, a
/// client's scopes.
fn route(req: &HttpRequest) -> String {
    req.match_pattern().unwrap_or_default()
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<Data<AppState>>().cloned();
        let token = bearer(req);
        let request_id = req.extensions().get::<RequestId>().map(|r| r.0.clone());
        let client_addr = client_addr(req);
        let method = req.method().as_str().to_owned();
        let req = req.clone();
        Box::pin(async move {
            let Some(state) = state else {
                return Err(ApiError::internal());
            };
            let (principal, session_id) = match token {
                None => (Principal::Anonymous, None),
                Some(Err(())) => return Err(ApiError::unauthenticated()),
                Some(Ok(token)) => {
                    let (actor, session, change_required) = state.authenticate(&token).await?;
                    // Who this is, for the audit entry of a refusal.
                    req.extensions_mut().insert(AuditCtx {
                        actor_id: Some(actor.user_id.into()),
                        actor_username: Some(actor.username.clone()),
                        actor_roles: Some(actor.roles.to_storage()),
                        request_id: request_id.clone(),
                        client_addr: client_addr.clone(),
                    });
                    if change_required && !allowed_before_password_change(&method, &route(&req)) {
                        return Err(ApiError::password_change_required());
                    }
                    // Each person and each client has a budget of requests.
                    let quota = state
                        .caller_limiter
                        .check(&actor.user_id.to_string())
                        .await?
                        .map_err(|wait| {
                            let secs = wait.as_secs().max(1);
                            state.caller_limiter.refusal(
                                wait,
                                Msg::new(
                                    format!("请求过于频繁，请 {secs} 秒后再试"),
                                    format!("Too many requests; try again in {secs} seconds"),
                                ),
                            )
                        })?;
                    crate::ratelimit::note(&req, quota);
                    (Principal::User(actor), Some(session))
                }
            };
            // A service client reaches only the operations its scopes open;
            // anyone else, whatever the route.
            let scoped = principal.actor().is_some_and(|a| a.scopes.is_some());
            if scoped
                && !renda_auth::scope::decide_scope(&principal, &method, &route(&req)).is_allowed()
            {
                return Err(ApiError::insufficient_scope());
            }
            Ok(Caller {
                principal,
                session_id,
                request_id,
                client_addr,
            })
        })
    }
}

/// The version named by `If-Match`, if the request carries one. `*`
/// matches any version. A tag that is not one of ours never matches; a
/// value that is not a list of entity tags is a 400.
#[derive(Debug, Clone, Copy)]
pub struct IfMatch(pub Option<i32>);

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(raw) = req.headers().get(header::IF_MATCH) else {
            return std::future::ready(Ok(IfMatch(None)));
        };
        let tags = raw.to_str().ok().and_then(crate::etag::list);
        let out = match tags {
            None => Err(ApiError::bad_request(
                Code::MalformedIfMatch,
                Msg::new(
                    "If-Match 须为 * 或以逗号分隔的 ETag（如 \"3\"）",
                    "If-Match must be * or a comma-separated list of ETags (such as \"3\")",
                ),
            )),
            Some(tags) if tags.is_empty() => Ok(IfMatch(None)),
            // A weak tag never matches: If-Match compares strongly.
            Some(tags) => Ok(IfMatch(Some(
                tags.into_iter().find_map(crate::etag::parse).unwrap_or(-1),
            ))),
        };
        std::future::ready(out)
    }
}

/// A required field's `null` is refused with the field named.
pub fn no_null<T>(field: &str, v: Option<Option<T>>) -> Result<Option<T>, FieldError> {
    match v {
        Some(None) => Err(FieldError::new(
            field,
            "null",
            Msg::new("不能为 null", "must not be null"),
        )),
        Some(Some(x)) => Ok(Some(x)),
        None => Ok(None),
    }
}

/// Keeps a value, or records its field error and keeps nothing.
pub fn take<T>(errors: &mut Vec<FieldError>, r: Result<Option<T>, FieldError>) -> Option<T> {
    match r {
        Ok(v) => v,
        Err(e) => {
            errors.push(e);
            None
        }
    }
}
