//! The answers every operation shares, added to the OpenAPI document in
//! one pass: kept once under `components/responses` with an example each,
//! and referred to from every operation that can give them.

use utoipa::Modify;

use crate::{error, etag, extract, middleware};

/// Adds the answers every operation can give, so that each operation lists
/// every status it may answer: 503 while the database is unreachable; for
/// signed-in callers 401, 429 and 403 `password_change_required`; 404
/// where the path names a resource; 422 for query parameters; 412 with
/// If-Match; and for operations with a JSON body 400, 413, 415 and 422.
pub(crate) struct CommonResponses;

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

/// An example problem of a status, for an answer written beside its
/// operation: the common answer of that status, else the problem the
/// status stands for (403 not allowed, 409 a state that does not allow
/// the operation).
pub(crate) fn example_for_status(status: u16) -> Option<serde_json::Value> {
    use error::{ApiError, Msg};
    use renda_domain::Code;
    let problem = match status {
        400 => {
            common_answers()
                .into_iter()
                .find(|(name, _, _)| *name == "MalformedRequest")?
                .2
        }
        403 => ApiError::forbidden(),
        416 => ApiError::new(
            actix_web::http::StatusCode::RANGE_NOT_SATISFIABLE,
            Code::RangeNotSatisfiable,
            Msg::new(
                "请求的范围超出了文件（共 183422 字节）",
                "The range lies beyond the file (183422 bytes)",
            ),
        ),
        409 => ApiError::conflict(
            Code::InvalidState,
            Msg::new(
                "当前状态不允许此操作",
                "The current state does not allow this operation",
            ),
        ),
        422 => {
            common_answers()
                .into_iter()
                .find(|(name, _, _)| *name == "InvalidFields")?
                .2
        }
        _ => {
            common_answers()
                .into_iter()
                .find(|(_, _, p)| p.status.as_u16() == status)?
                .2
        }
    };
    serde_json::to_value(problem.problem(error::Lang::Zh)).ok()
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
