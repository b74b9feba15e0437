//! Extractors: JSON bodies and query strings with problem+json errors, the
//! caller, and conditional-request headers.

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

fn is_json(req: &HttpRequest) -> bool {
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
enum BadString {
    Nul,
    Year,
}

fn bad_string(s: &str) -> Option<BadString> {
    if s.contains('\0') {
        Some(BadString::Nul)
    } else if is_extended_year_date(s) {
        Some(BadString::Year)
    } else {
        None
    }
}

fn bad_string_error(field: &str, bad: BadString) -> ApiError {
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
    let value: T = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        ApiError::validation(vec![validation::from_serde(
            &path,
            &e.into_inner().to_string(),
        )])
    })?;
    value
        .validate()
        .map_err(|e| ApiError::validation(validation::field_errors(&e)))?;
    Ok(value)
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
            } else if !json {
                return Err(ApiError::unsupported_media_type());
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

    /// The audit context of this request.
    pub fn audit(&self) -> AuditCtx {
        let actor = self.principal.actor();
        AuditCtx {
            actor_id: actor.map(|a| a.user_id),
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

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<Data<AppState>>().cloned();
        let token = bearer(req);
        let request_id = req.extensions().get::<RequestId>().map(|r| r.0.clone());
        let client_addr = client_addr(req);
        let method = req.method().as_str().to_owned();
        let route = req.match_pattern().unwrap_or_default();
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
                        actor_id: Some(actor.user_id),
                        actor_username: Some(actor.username.clone()),
                        actor_roles: Some(actor.roles.to_storage()),
                        request_id: request_id.clone(),
                        client_addr: client_addr.clone(),
                    });
                    if change_required && !allowed_before_password_change(&method, &route) {
                        return Err(ApiError::password_change_required());
                    }
                    // Each person and each client has a budget of requests.
                    state
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
                    (Principal::User(actor), Some(session))
                }
            };
            // A service client reaches only the operations its scopes open.
            if !renda_auth::scope::decide_scope(&principal, &method, &route).is_allowed() {
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

#[cfg(test)]
mod tests {
    use super::is_extended_year_date as ext;

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
