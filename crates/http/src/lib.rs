//! renda's HTTP API: actix-web handlers, DTOs, the error format and the
//! OpenAPI document. [`app`] builds the application that the server, the
//! tests and the OpenAPI generator all share.

pub mod error;
pub mod etag;
pub mod export;
pub mod extract;
pub mod hashing;
mod json;
pub mod middleware;
pub mod pagination;
pub mod patch;
pub mod problems;
pub mod ratelimit;
pub mod respond;
pub mod routes;
pub mod routes_table;
pub mod state;
pub mod validation;
pub mod webhook_target;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::from_fn;
use actix_web::web::{self, Data};
use actix_web::{App, HttpResponse};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

pub use error::{ApiError, Lang};
pub use state::AppState;

/// The parts of the document not tied to one operation.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "renda API",
        description = "The open API of a local People's Congress (人大): deputies, handling units, \
suggestions, supervision, observers, livelihood-project voting, liaison stations and duty records.\n\n\
Errors are RFC 9457 `application/problem+json` with a stable `code`; text is Chinese by default and \
English with `Accept-Language: en`. Collections page with `limit` and an opaque `cursor`, and take \
`modified_since` and `include_deleted` for incremental synchronisation. Single resources carry an \
`ETag`; `PATCH` and `DELETE` honour `If-Match`, `GET` honours `If-None-Match`, and `POST` honours \
`Idempotency-Key`.",
        version = "1.0.0",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    servers((url = "/", description = "This server")),
    tags(
        (name = "auth", description = "Signing in and out"),
        (name = "me", description = "The caller's own account"),
        (name = "users", description = "User accounts (administrators)"),
        (name = "clients", description = "Service clients (OA systems) using the OAuth 2.0 client credentials grant (administrators)"),
        (name = "webhooks", description = "Webhook subscriptions: signed event deliveries with a delivery log and replay"),
        (name = "units", description = "Handling units (承办单位)"),
        (name = "deputies", description = "Deputies (人大代表): profiles, memberships, three links"),
        (name = "suggestions", description = "Deputies' suggestions (代表建议) and their handling under three-colour management"),
        (name = "observers", description = "Observers (观察员): outside professionals in supervision"),
        (name = "stations", description = "Liaison stations (代表之家、联络站、联系点) and reception days"),
        (name = "constituent-opinions", description = "Constituent opinions (群众意见), followed by receipt code"),
        (name = "activities", description = "Deputies' activities (履职活动) and the needs list (需求清单)"),
        (name = "livelihood", description = "Livelihood projects voted by deputies (民生实事项目票决)"),
        (name = "duties", description = "Duty records and the yearly duty archive (履职档案)"),
        (name = "supervision", description = "Supervision of government (监督): the yearly plan and each item's closed loop"),
        (name = "audit", description = "The append-only audit trail: the audit administrator's"),
        (name = "security", description = "The security policy: the security administrator's"),
    ),
    modifiers(&BearerScheme)
)]
struct ApiDoc;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "An access token from `POST /api/v1/auth/login` or `/api/v1/auth/refresh`, or a service client's from `POST /api/v1/auth/token`.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "client_basic",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Basic)
                    .description(Some(
                        "A service client's `client_id` and `client_secret`, for `POST /api/v1/auth/token` only.",
                    ))
                    .build(),
            ),
        );
    }
}

/// Adds the answers every operation can give, so that each operation lists
/// every status it may answer: 503 while the database is unreachable; for
/// signed-in callers 401, 429 and 403 `password_change_required`; 404
/// where the path names a resource; 422 for query parameters; 412 with
/// If-Match; and for operations with a JSON body 400, 413, 415 and 422.
struct CommonResponses;

/// The answers many operations give alike, kept once under
/// `components/responses` and referred to from each operation: the name,
/// what it means, and the problem it answers with (the example).
fn common_answers() -> Vec<(&'static str, &'static str, error::ApiError)> {
    use actix_web::http::StatusCode;
    use error::{ApiError, FieldError, Msg};
    use renda_domain::Code;
    let malformed_json = || {
        ApiError::bad_request(
            Code::MalformedJson,
            Msg::new(
                "请求体不是有效的 JSON：第 1 行第 9 列附近",
                "The body is not valid JSON: near line 1, column 9",
            ),
        )
    };
    let invalid = |field: &str| {
        ApiError::validation(vec![FieldError::new(
            field,
            "blank",
            Msg::new("不能为空", "must not be blank"),
        )])
    };
    vec![
        ("MalformedJson", "Malformed JSON", malformed_json()),
        (
            "MalformedIfMatch",
            "An `If-Match` that is not a list of ETags",
            ApiError::bad_request(
                Code::MalformedIfMatch,
                Msg::new(
                    "If-Match 须为 * 或以逗号分隔的 ETag（如 \"3\"）",
                    "If-Match must be * or a comma-separated list of ETags (such as \"3\")",
                ),
            ),
        ),
        (
            "MalformedJsonOrIfMatch",
            "Malformed JSON, or an `If-Match` that is not a list of ETags",
            malformed_json(),
        ),
        (
            "MalformedRequest",
            "Malformed request or Idempotency-Key",
            ApiError::bad_request(
                Code::InvalidIdempotencyKey,
                Msg::new(
                    "Idempotency-Key 须为 1 到 200 个可见 ASCII 字符",
                    "Idempotency-Key must be 1 to 200 visible ASCII characters",
                ),
            ),
        ),
        (
            "Unauthenticated",
            "Missing, invalid or expired access token",
            ApiError::unauthenticated(),
        ),
        (
            "PasswordChangeRequired",
            "The account must change its password first (`password_change_required`)",
            ApiError::password_change_required(),
        ),
        (
            "NotFound",
            "No such resource, or not visible to the caller",
            ApiError::not_found(),
        ),
        (
            "IdempotencyKeyInProgress",
            "A request with this Idempotency-Key is still being handled",
            ApiError::conflict(
                Code::IdempotencyKeyInProgress,
                Msg::new(
                    "使用该 Idempotency-Key 的请求仍在处理中",
                    "A request with this Idempotency-Key is still being processed",
                ),
            ),
        ),
        (
            "PreconditionFailed",
            "The If-Match ETag is not the current one",
            ApiError::precondition_failed(),
        ),
        (
            "PayloadTooLarge",
            "JSON body over 1 MiB",
            ApiError::payload_too_large(),
        ),
        (
            "UnsupportedMediaType",
            "Not `application/json`",
            ApiError::unsupported_media_type(),
        ),
        ("InvalidFields", "Invalid fields", invalid("title")),
        (
            "InvalidParameters",
            "Invalid parameters",
            ApiError::validation(vec![FieldError::new(
                "limit",
                "range",
                Msg::new("须在 1 到 100 之间", "must be between 1 and 100"),
            )]),
        ),
        (
            "InvalidFieldsOrKeyReused",
            "Invalid input, or an Idempotency-Key reused with another body",
            invalid("title"),
        ),
        (
            "RateLimited",
            "Over the caller's budget of requests; retry after the `Retry-After` seconds",
            ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                Code::RateLimited,
                Msg::new(
                    "请求过于频繁，请 30 秒后重试",
                    "Too many requests; try again in 30 seconds",
                ),
            ),
        ),
        (
            "Unavailable",
            "The database is unreachable; retry after the `Retry-After` seconds",
            ApiError::unavailable(),
        ),
    ]
}

/// A reference to one of the [`common_answers`].
fn common_response(name: &str) -> utoipa::openapi::RefOr<utoipa::openapi::Response> {
    utoipa::openapi::RefOr::Ref(utoipa::openapi::Ref::new(format!(
        "#/components/responses/{name}"
    )))
}

/// Registers the [`common_answers`] under `components/responses`, each
/// with its example problem (in Chinese, the default language).
fn register_common_answers(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    let components = openapi.components.get_or_insert_with(Default::default);
    for (name, description, problem) in common_answers() {
        let example = serde_json::to_value(problem.problem(error::Lang::Zh)).ok();
        let response = ResponseBuilder::new()
            .description(description)
            .content(
                "application/problem+json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Problem")))
                    .example(example)
                    .build(),
            )
            .build();
        components
            .responses
            .insert(name.to_owned(), response.into());
    }
}

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
        register_common_answers(openapi);
        let components = openapi.components.as_ref();
        for (path, item) in openapi.paths.paths.iter_mut() {
            // Answers with secrets, and imports, are not kept for replay
            // (see the idempotency layer).
            if let Some(post) = item.post.as_mut()
                && !middleware::idempotency_exempt(path)
            {
                let key = ParameterBuilder::new()
                    .name("Idempotency-Key")
                    .parameter_in(ParameterIn::Header)
                    .description(Some(
                        "Makes a retried request safe: a repeat with the same key and body within 24 hours \
                         gets the first answer again (with `Idempotent-Replayed: true`) and changes nothing; \
                         the same key with another body or another `If-Match` is a 422.",
                    ))
                    .schema(Some(
                        utoipa::openapi::ObjectBuilder::new()
                            .schema_type(utoipa::openapi::Type::String)
                            .min_length(Some(1))
                            .max_length(Some(200))
                            .pattern(Some("^[!-~]{1,200}$")),
                    ))
                    .build();
                post.parameters.get_or_insert_with(Vec::new).push(key);
                post.responses
                    .responses
                    .entry("409".to_owned())
                    .or_insert_with(|| common_response("IdempotencyKeyInProgress"));
                post.responses
                    .responses
                    .entry("400".to_owned())
                    .or_insert_with(|| common_response("MalformedRequest"));
                post.responses
                    .responses
                    .entry("422".to_owned())
                    .or_insert_with(|| common_response("InvalidFieldsOrKeyReused"));
            }
            let ops = [
                ("GET", &mut item.get),
                ("PUT", &mut item.put),
                ("POST", &mut item.post),
                ("DELETE", &mut item.delete),
                ("PATCH", &mut item.patch),
            ];
            for (method, op) in ops {
                let Some(op) = op else { continue };
                let has_body = op.request_body.is_some();
                let has_query = op.parameters.as_ref().is_some_and(|ps| {
                    ps.iter()
                        .any(|p| p.parameter_in == utoipa::openapi::path::ParameterIn::Query)
                });
                let mut has_if_match = false;
                for p in op.parameters.iter_mut().flatten() {
                    if p.name == "If-Match" {
                        has_if_match = true;
                        p.schema = Some(
                            utoipa::openapi::ObjectBuilder::new()
                                .schema_type(utoipa::openapi::schema::Type::String)
                                .pattern(Some(etag::LIST_PATTERN))
                                .into(),
                        );
                    }
                }
                // An absent JSON body reads as `{}` (operations such as
                // `/submit` need none), so it is required only where its
                // schema has required fields. A file (an import, an upload)
                // is always required.
                if let Some(body) = op.request_body.as_mut() {
                    let needed = match body.content.get("application/json") {
                        Some(c) => c
                            .schema
                            .as_ref()
                            .is_some_and(|s| has_required_fields(s, components)),
                        None => true,
                    };
                    body.required = Some(if needed {
                        utoipa::openapi::Required::True
                    } else {
                        utoipa::openapi::Required::False
                    });
                }
                let r = &mut op.responses.responses;
                let mut add = |code: &str, name: &str| {
                    r.entry(code.to_owned())
                        .or_insert_with(|| common_response(name));
                };
                add("503", "Unavailable");
                // Every signed-in caller has a budget of requests.
                let signed_in = op.security.as_ref().is_some_and(|reqs| {
                    reqs.iter().any(|r| {
                        serde_json::to_value(r)
                            .ok()
                            .and_then(|v| v.as_object().map(|o| o.contains_key("bearer")))
                            .unwrap_or(false)
                    })
                });
                if signed_in {
                    // Also where signing in is optional: a token that is
                    // sent must be valid.
                    add("401", "Unauthenticated");
                    add("429", "RateLimited");
                    // An account that must change its password is refused
                    // everything else.
                    if !extract::allowed_before_password_change(method, path) {
                        add("403", "PasswordChangeRequired");
                    }
                }
                // An id in the path may name nothing the caller sees.
                if path.contains('{') {
                    add("404", "NotFound");
                }
                if has_query {
                    add("422", "InvalidParameters");
                }
                if has_body && has_if_match {
                    add("400", "MalformedJsonOrIfMatch");
                } else if has_if_match {
                    add("400", "MalformedIfMatch");
                }
                if has_if_match {
                    add("412", "PreconditionFailed");
                }
                if has_body {
                    add("400", "MalformedJson");
                    add("413", "PayloadTooLarge");
                    add("415", "UnsupportedMediaType");
                    add("422", "InvalidFields");
                }
            }
        }
    }
}

/// Whether a body schema, or the component it refers to, names required
/// fields (so that an absent body, read as `{}`, cannot pass).
fn has_required_fields(
    schema: &utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
    components: Option<&utoipa::openapi::Components>,
) -> bool {
    use utoipa::openapi::{RefOr, schema::Schema};
    let schema = match schema {
        RefOr::T(s) => Some(s),
        RefOr::Ref(r) => {
            let name = r.ref_location.rsplit('/').next().unwrap_or_default();
            components
                .and_then(|c| c.schemas.get(name))
                .and_then(|s| match s {
                    RefOr::T(s) => Some(s),
                    RefOr::Ref(_) => None,
                })
        }
    };
    match schema {
        Some(Schema::Object(o)) => !o.required.is_empty(),
        // All of them: one with a required field is enough.
        Some(Schema::AllOf(a)) => a.items.iter().any(|s| has_required_fields(s, components)),
        // Any or one of them: each must have one.
        Some(Schema::AnyOf(a)) => {
            !a.items.is_empty() && a.items.iter().all(|s| has_required_fields(s, components))
        }
        Some(Schema::OneOf(a)) => {
            !a.items.is_empty() && a.items.iter().all(|s| has_required_fields(s, components))
        }
        _ => false,
    }
}

/// No string the API takes may hold a NUL character (no database stores
/// one as text; such a request is a 422): every free-form string schema
/// says so with a pattern. Strings with a format, an enumeration or a
/// pattern of their own exclude it already.
struct NulFree;

const NUL_FREE_PATTERN: &str = "^[^\\x00]*$";

fn nul_free(schema: &mut utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>) {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{AdditionalProperties, ArrayItems, Schema, SchemaType, Type};
    let RefOr::T(schema) = schema else { return };
    match schema {
        Schema::Object(o) => {
            let string = match &o.schema_type {
                SchemaType::Type(t) => *t == Type::String,
                SchemaType::Array(ts) => ts.contains(&Type::String),
                _ => false,
            };
            if string && o.format.is_none() && o.enum_values.is_none() && o.pattern.is_none() {
                o.pattern = Some(NUL_FREE_PATTERN.to_owned());
            }
            o.properties.values_mut().for_each(nul_free);
            if let Some(extra) = o.additional_properties.as_mut()
                && let AdditionalProperties::RefOr(r) = extra.as_mut()
            {
                nul_free(r);
            }
        }
        Schema::Array(a) => {
            if let ArrayItems::RefOrSchema(items) = &mut a.items {
                nul_free(items);
            }
        }
        Schema::AllOf(x) => x.items.iter_mut().for_each(nul_free),
        Schema::OneOf(x) => x.items.iter_mut().for_each(nul_free),
        Schema::AnyOf(x) => x.items.iter_mut().for_each(nul_free),
        _ => {}
    }
}

impl Modify for NulFree {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = openapi.components.as_mut() {
            c.schemas.values_mut().for_each(nul_free);
        }
        for item in openapi.paths.paths.values_mut() {
            let ops = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for op in ops.into_iter().flatten() {
                for p in op.parameters.iter_mut().flatten() {
                    if let Some(s) = p.schema.as_mut() {
                        nul_free(s);
                    }
                }
                if let Some(body) = op.request_body.as_mut() {
                    for c in body.content.values_mut() {
                        if let Some(s) = c.schema.as_mut() {
                            nul_free(s);
                        }
                    }
                }
            }
        }
    }
}

/// Text that is not blank, and no NUL: at least one character that is
/// neither white space nor invisible, what `not_blank` and the domain
/// commands check ([`renda_domain::text::is_blank`]). The character class is
/// [`renda_domain::text::blank_class`] (a test checks that they agree); it
/// is spelt out because attributes and `Some(&'static str)` need a literal.
pub(crate) const NOT_BLANK_PATTERN: &str = r"^[^\x00]*[^\x00\u0009-\u000d\u0020\u0085\u00a0\u00ad\u034f\u061c\u115f-\u1160\u1680\u17b4-\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8][^\x00]*$";

/// Adds to a component schema a rule its derived form cannot state: the
/// schema becomes all of the derived one and the rule.
pub(crate) fn add_rule(
    doc: &mut utoipa::openapi::OpenApi,
    name: &str,
    rule: impl Into<utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>>,
) {
    let Some(schemas) = doc.components.as_mut().map(|c| &mut c.schemas) else {
        return;
    };
    if let Some(derived) = schemas.remove(name) {
        let both = utoipa::openapi::schema::AllOfBuilder::new()
            .item(derived)
            .item(rule);
        schemas.insert(name.to_owned(), both.into());
    }
}

/// A field of a component schema.
fn property<'a>(
    doc: &'a mut utoipa::openapi::OpenApi,
    schema: &str,
    field: &str,
) -> Option<&'a mut utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>> {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::Schema;
    let RefOr::T(Schema::Object(o)) = doc.components.as_mut()?.schemas.get_mut(schema)? else {
        return None;
    };
    o.properties.get_mut(field)
}

/// The items of a component schema's array field.
fn array_items<'a>(
    doc: &'a mut utoipa::openapi::OpenApi,
    schema: &str,
    field: &str,
) -> Option<&'a mut utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>> {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{ArrayItems, Schema};
    let RefOr::T(Schema::Array(a)) = property(doc, schema, field)? else {
        return None;
    };
    let ArrayItems::RefOrSchema(items) = &mut a.items else {
        return None;
    };
    Some(items.as_mut())
}

/// Free-text fields the handlers and commands refuse when blank
/// (`is_blank`) whose attributes state only "no NUL": the document states
/// the not-blank rule for them, so that a client, or a fuzzer, knows a
/// blank value is refused.
const NOT_BLANK_FIELDS: [(&str, &str); 22] = [
    ("RecordRequest", "content"),
    ("RejectRequest", "reason"),
    ("DeliberationOpinionRequest", "content"),
    ("SendBackRequest", "reason"),
    ("UpdateObserverRequest", "name"),
    ("UpdateDeputyRequest", "name"),
    ("UpdateClientRequest", "name"),
    ("ReplyRequest", "content"),
    ("OpinionRequest", "opinion"),
    ("CommitmentProgressRequest", "progress"),
    ("CreateSupervisionRequest", "title"),
    ("CreateSupervisionRequest", "committee"),
    ("UpdateSupervisionRequest", "title"),
    ("UpdateSupervisionRequest", "committee"),
    ("InvestigationRecordRequest", "place"),
    ("InvestigationRecordRequest", "findings"),
    ("InquiryRequest", "asked_by"),
    ("InquiryRequest", "question"),
    ("ReportRequest", "summary"),
    ("RecordDutyRequest", "title"),
    ("UpdateDutyRequest", "title"),
    ("UpdateDraftRequest", "term"),
];

fn document_not_blank(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::Schema;
    for (schema, field) in NOT_BLANK_FIELDS {
        if let Some(RefOr::T(Schema::Object(o))) = property(doc, schema, field) {
            o.pattern = Some(NOT_BLANK_PATTERN.to_owned());
        }
    }
}

/// What the handlers check, which field attributes cannot state: each
/// item of an array (lines of text, not blank and at most so many
/// characters; event types), and the values a request may use of an
/// enumeration that responses show whole (the duty kinds people record,
/// the deliveries a replay takes).
fn document_items(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::ObjectBuilder;
    use utoipa::openapi::schema::{SchemaType, Type};
    for schema in ["RecordDutyRequest", "UpdateDutyRequest"] {
        if let Some(p) = property(doc, schema, "kind") {
            *p = ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(
                    renda_domain::duty::DutyKind::MANUAL
                        .iter()
                        .map(|k| k.as_str()),
                ))
                .description(Some(
                    "The kinds recorded by hand; the other kinds are written by the system only.",
                ))
                .into();
        }
    }
    // A supervision names each method once.
    for schema in ["CreateSupervisionRequest", "UpdateSupervisionRequest"] {
        if let Some(utoipa::openapi::RefOr::T(utoipa::openapi::schema::Schema::Array(a))) =
            property(doc, schema, "methods")
        {
            a.unique_items = true;
        }
    }
    // An upload's form has its one field.
    if let Some(utoipa::openapi::RefOr::T(utoipa::openapi::schema::Schema::Object(o))) = doc
        .components
        .as_mut()
        .and_then(|c| c.schemas.get_mut("UploadForm"))
    {
        o.additional_properties = Some(Box::new(
            utoipa::openapi::schema::AdditionalProperties::FreeForm(false),
        ));
    }
    if let Some(p) = property(doc, "ReplayRequest", "status") {
        *p = ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
            .enum_values(Some([
                serde_json::Value::from("delivered"),
                serde_json::Value::from("failed"),
                serde_json::Value::Null,
            ]))
            .description(Some(
                "Only deliveries in this state; all finished ones when absent.",
            ))
            .into();
    }
    const LINES: &[(&str, &str, usize)] = &[
        ("RecordReceptionRequest", "matters", 500),
        ("CreateSupervisionRequest", "laws", 200),
        ("UpdateSupervisionRequest", "laws", 200),
        ("DeliberationOpinionRequest", "problems", 2000),
    ];
    for &(schema, field, max) in LINES {
        if let Some(items) = array_items(doc, schema, field) {
            *items = ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(max))
                .pattern(Some(NOT_BLANK_PATTERN))
                .into();
        }
    }
    let event_type = format!(
        "^(\\*|({})\\.(\\*|[a-z_]{{1,{}}}))$",
        renda_domain::integration::EVENT_OBJECTS.join("|"),
        renda_domain::integration::EVENT_ACTION_MAX
    );
    for schema in ["CreateWebhookRequest", "UpdateWebhookRequest"] {
        if let Some(items) = array_items(doc, schema, "event_types") {
            *items = ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(event_type.clone()))
                .into();
        }
    }
}

/// The OpenAPI document of the API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, mut doc) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(utoipa_actix_web::scope("/api/v1").configure(routes::api))
        .split_for_parts();
    // Runs on the collected operations, which `ApiDoc`'s own modifiers
    // never see.
    // The rules first: which bodies are required depends on them.
    routes::activities::document_rules(&mut doc);
    document_items(&mut doc);
    document_not_blank(&mut doc);
    routes::supervisions::document_rules(&mut doc);
    CommonResponses.modify(&mut doc);
    NulFree.modify(&mut doc);
    doc
}

/// The OpenAPI document as served and committed: pretty JSON with a final
/// newline.
pub fn openapi_json() -> String {
    let mut s = openapi().to_pretty_json().unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

async fn serve_openapi(state: Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(state.openapi_json.as_str().to_owned())
}

/// A path whose parameter does not parse (`/suggestions/stats` taken for
/// an id, say): 405 when a literal route of that path serves other
/// methods, else 404.
fn path_error(err: actix_web::error::PathError, req: &actix_web::HttpRequest) -> actix_web::Error {
    let _ = err;
    let allow = req
        .app_data::<Data<AppState>>()
        .map(|s| s.routes.allow(req.path()))
        .unwrap_or_default();
    let method = req.method().as_str();
    if !allow.is_empty() && !allow.split(", ").any(|m| m == method) {
        ApiError::method_not_allowed(&allow).into()
    } else {
        ApiError::not_found().into()
    }
}

/// No route took the request: a known path with another method is a 405
/// with `Allow`, anything else a 404.
async fn not_found(
    req: actix_web::HttpRequest,
    state: Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let allow = state.routes.allow(req.path());
    if allow.is_empty() {
        Err(ApiError::not_found())
    } else {
        Err(ApiError::method_not_allowed(&allow))
    }
}

/// The interactive docs' Content-Security-Policy. The vendored Swagger UI
/// (its `index.html`) loads its scripts and stylesheets from its own
/// path, with no inline script; its components set inline styles and its
/// stylesheet draws icons as `data:` images; it fetches the document, and
/// sends "Try it out" requests, to this origin. Nothing else is needed, so
/// nothing else is allowed: a script that got into the page could not send
/// a token anywhere, nor could the page be framed.
const DOCS_CSP: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
    form-action 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'";

/// Adds [`DOCS_CSP`] to every answer under `/docs`. The API's answers are
/// JSON, which no browser runs, and keep their own headers.
async fn docs_policy(
    req: ServiceRequest,
    next: actix_web::middleware::Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let docs = req.path() == "/docs" || req.path().starts_with("/docs/");
    let mut res = next.call(req).await?;
    if docs {
        res.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            header::HeaderValue::from_static(DOCS_CSP),
        );
    }
    Ok(res)
}

async fn docs_redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, "/docs/"))
        .finish()
}

/// The whole application: API routes, health checks, the OpenAPI document,
/// interactive docs, and the middleware every request passes through.
pub fn app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let cors_enabled = !state.cors_origins.is_empty();
    let cors = cors(&state.cors_origins);
    let (api, _) = App::new()
        .into_utoipa_app()
        .service(
            utoipa_actix_web::scope("/api/v1")
                .configure(routes::api)
                .route("/openapi.json", web::get().to(serve_openapi)),
        )
        .split_for_parts();
    api.app_data(Data::new(state))
        // Our own extractors read bodies; keep actix's limits in step.
        .app_data(web::PayloadConfig::new(extract::JSON_LIMIT))
        .app_data(web::PathConfig::default().error_handler(path_error))
        .service(routes::health::healthz)
        .service(routes::health::readyz)
        .route("/docs", web::get().to(docs_redirect))
        .service(utoipa_swagger_ui::SwaggerUi::new("/docs/{_:.*}").config(
            // Swagger UI's default shows a badge loaded from
            // validator.swagger.io, telling it the document's address.
            utoipa_swagger_ui::Config::new(["/api/v1/openapi.json"]).validator_url("none"),
        ))
        .default_service(web::to(not_found))
        .wrap(from_fn(middleware::idempotency))
        .wrap(from_fn(middleware::require_credentials))
        .wrap(from_fn(middleware::problems))
        .wrap(from_fn(middleware::request_context))
        .wrap(from_fn(docs_policy))
        .wrap(actix_web::middleware::Condition::new(cors_enabled, cors))
}

/// CORS for the configured origins: the methods and headers of the
/// conventions, and the answer headers a frontend reads. Without origins
/// nothing is added and browsers keep to the same origin.
fn cors(origins: &[String]) -> actix_cors::Cors {
    let mut c = actix_cors::Cors::default()
        .allowed_methods(["GET", "HEAD", "POST", "PATCH", "DELETE", "OPTIONS"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::ACCEPT_LANGUAGE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            header::HeaderName::from_static("idempotency-key"),
            header::HeaderName::from_static("x-request-id"),
        ])
        .expose_headers([
            header::ETAG,
            header::LOCATION,
            header::RETRY_AFTER,
            // The file name of an export or an attachment.
            header::CONTENT_DISPOSITION,
            header::HeaderName::from_static("x-request-id"),
            header::HeaderName::from_static("idempotent-replayed"),
            header::HeaderName::from_static("ratelimit-limit"),
            header::HeaderName::from_static("ratelimit-remaining"),
            header::HeaderName::from_static("ratelimit-reset"),
            header::HeaderName::from_static("ratelimit-policy"),
        ])
        .max_age(3600);
    for o in origins {
        c = c.allowed_origin(o);
    }
    c
}

#[cfg(test)]
mod not_blank_tests {
    use super::*;

    /// The pattern is built from the domain's one list of blank characters.
    #[test]
    fn the_pattern_states_the_domain_rule() {
        let built = format!(
            r"^[^\x00]*[^\x00{}][^\x00]*$",
            renda_domain::text::blank_class()
        );
        assert_eq!(NOT_BLANK_PATTERN, built);
    }

    /// Every not-blank pattern of the document is the current one.
    #[test]
    fn the_document_states_no_other_not_blank_pattern() {
        let doc = openapi_json();
        let value: serde_json::Value = serde_json::from_str(&doc).unwrap_or_default();
        let mut patterns = Vec::new();
        fn collect(v: &serde_json::Value, out: &mut Vec<String>) {
            match v {
                serde_json::Value::Object(m) => {
                    if let Some(serde_json::Value::String(p)) = m.get("pattern") {
                        out.push(p.clone());
                    }
                    m.values().for_each(|x| collect(x, out));
                }
                serde_json::Value::Array(a) => a.iter().for_each(|x| collect(x, out)),
                _ => {}
            }
        }
        collect(&value, &mut patterns);
        let not_blank: Vec<&String> = patterns
            .iter()
            .filter(|p| p.starts_with(r"^[^\x00]*[^\x00"))
            .collect();
        assert!(not_blank.len() > 20, "{}", not_blank.len());
        for p in not_blank {
            assert_eq!(p, NOT_BLANK_PATTERN);
        }
    }
}
