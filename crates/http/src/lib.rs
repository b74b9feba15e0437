//! renda's HTTP API: actix-web handlers, DTOs, the error format and the
//! OpenAPI document. [`app`] builds the application that the server, the
//! tests and the OpenAPI generator all share.

mod common_answers;
pub mod compress;
mod doc_texts;
pub mod docx;
mod enum_labels;
pub mod error;
pub mod etag;
pub mod export;
pub mod extract;
mod finish;
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
pub mod session_cache;
pub mod state;
mod text_schema;
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
        description = "地方人大工作的开放接口：代表、承办单位、代表建议、监督、观察员、民生实事项目票决、代表联络站与履职记录。\n\n\
错误为 RFC 9457 `application/problem+json`，带稳定的 `code`；文字默认中文，`Accept-Language: en` 时为英文。\
集合以 `limit` 和不透明的 `cursor` 分页，并支持 `modified_since`、`include_deleted` 增量同步。单个资源带 `ETag`：\
`PATCH`、`DELETE` 遵守 `If-Match`，`GET` 遵守 `If-None-Match`，`POST` 遵守 `Idempotency-Key`。\n\n\
The open API of a local People's Congress (人大): deputies, handling units, \
suggestions, supervision, observers, livelihood-project voting, liaison stations and duty records.\n\n\
Errors are RFC 9457 `application/problem+json` with a stable `code`; text is Chinese by default and \
English with `Accept-Language: en`. Collections page with `limit` and an opaque `cursor`, and take \
`modified_since` and `include_deleted` for incremental synchronisation. Single resources carry an \
`ETag`; `PATCH` and `DELETE` honour `If-Match`, `GET` honours `If-None-Match`, and `POST` honours \
`Idempotency-Key`.",
        version = "1.0.0",
        contact(name = "renda 项目组 · the renda maintainers"),
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    servers((url = "/", description = "本服务器 · This server")),
    tags(
        (name = "auth", description = "登录与退出 · Signing in and out"),
        (name = "me", description = "本人账号、待办与通知 · The caller's own account, tasks and notifications"),
        (name = "users", description = "用户账号（系统管理员） · User accounts (administrators)"),
        (name = "clients", description = "以 OAuth 2.0 客户端凭据接入的服务客户端（OA 系统），由系统管理员管理 · Service clients (OA systems) using the OAuth 2.0 client credentials grant (administrators)"),
        (name = "webhooks", description = "Webhook 订阅：签名的事件投递，附投递记录与重放 · Webhook subscriptions: signed event deliveries with a delivery log and replay"),
        (name = "units", description = "承办单位 · Handling units"),
        (name = "deputies", description = "人大代表：履历、任职、“三联” · Deputies: profiles, memberships, three links"),
        (name = "suggestions", description = "代表建议及其三色管理下的办理 · Deputies' suggestions and their handling under three-colour management"),
        (name = "observers", description = "观察员：参与监督的外部专业人士 · Observers: outside professionals in supervision"),
        (name = "congress", description = "人民代表大会会议：由人大办筹备、开幕、闭幕 · Sessions of the congress: planned, opened and closed by the congress office"),
        (name = "motions", description = "会议议案：代表联名起草或代表团提出，人大办登记，主席团决定（列入议程、作为建议处理或不予列入） · Motions of a session: drafted and jointly signed by deputies or put by a delegation, registered by the office, decided by the presidium (on the agenda, as a suggestion, or not accepted)"),
        (name = "stations", description = "代表之家、联络站、联系点与接待日 · Liaison stations and reception days"),
        (name = "constituent-opinions", description = "群众意见，凭回执码跟进 · Constituent opinions, followed by receipt code"),
        (name = "activities", description = "代表履职活动与需求清单 · Deputies' activities and the needs list"),
        (name = "livelihood", description = "民生实事项目代表票决 · Livelihood projects voted by deputies"),
        (name = "duties", description = "履职记录与年度履职档案 · Duty records and the yearly duty archive"),
        (name = "supervision", description = "监督：年度计划与每个事项的闭环 · Supervision of government: the yearly plan and each item's closed loop"),
        (name = "audit", description = "只增不改的审计记录，由审计管理员查看 · The append-only audit trail: the audit administrator's"),
        (name = "security", description = "安全策略，由安全管理员管理 · The security policy: the security administrator's"),
    ),
    components(schemas(pagination::ListSort)),
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

/// Calls `f` on the schema of every parameter and request body of every
/// operation: what the API takes, beside the component schemas.
pub(crate) fn each_input_schema(
    doc: &mut utoipa::openapi::OpenApi,
    mut f: impl FnMut(&mut utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>),
) {
    for item in doc.paths.paths.values_mut() {
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
                    f(s);
                }
            }
            if let Some(body) = op.request_body.as_mut() {
                for c in body.content.values_mut() {
                    if let Some(s) = c.schema.as_mut() {
                        f(s);
                    }
                }
            }
        }
    }
}

impl Modify for NulFree {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = openapi.components.as_mut() {
            c.schemas.values_mut().for_each(nul_free);
        }
        each_input_schema(openapi, nul_free);
    }
}

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

/// What the handlers check, which field attributes cannot state: the
/// items of an array of event types, and the values a request may use of an
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
    // Each form of a decision takes its own fields only.
    if let Some(utoipa::openapi::RefOr::T(utoipa::openapi::schema::Schema::OneOf(one))) = doc
        .components
        .as_mut()
        .and_then(|c| c.schemas.get_mut("DecideMotionRequest"))
    {
        for item in &mut one.items {
            if let utoipa::openapi::RefOr::T(utoipa::openapi::schema::Schema::Object(o)) = item {
                o.additional_properties = Some(Box::new(
                    utoipa::openapi::schema::AdditionalProperties::FreeForm(false),
                ));
            }
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
        .service(
            utoipa_actix_web::scope("/api/v1")
                .configure(|cfg| routes::api(&mut routes::Routes::Document(cfg))),
        )
        .split_for_parts();
    // Runs on the collected operations, which `ApiDoc`'s own modifiers
    // never see.
    text_schema::inline_texts(&mut doc);
    // The rules first: which bodies are required depends on them.
    routes::activities::document_rules(&mut doc);
    document_items(&mut doc);
    routes::supervisions::document_rules(&mut doc);
    common_answers::CommonResponses.modify(&mut doc);
    NulFree.modify(&mut doc);
    doc
}

/// The OpenAPI document the server serves: the committed file. The API
/// test `the_committed_document_matches_the_code` holds it equal to
/// [`openapi_json`], and CI compares it with `renda openapi`. Serving the
/// file instead of making the document at each start keeps the code that
/// builds its schemas out of a running server's memory (bench/README.md,
/// ninth part).
pub const DOCUMENT: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../openapi/openapi.json"
));

/// The OpenAPI document the code describes, as committed: pretty JSON with
/// a final newline.
pub fn openapi_json() -> String {
    let mut doc = serde_json::to_value(openapi()).unwrap_or_default();
    finish::finish(&mut doc);
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

async fn serve_openapi(state: Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(state.openapi_json)
}

/// A path whose parameter does not parse (`/suggestions/stats` taken for
/// an id, say).
fn path_error(err: actix_web::error::PathError, req: &actix_web::HttpRequest) -> actix_web::Error {
    let _ = err;
    let allow = req
        .app_data::<Data<AppState>>()
        .map(|s| s.routes.allow(req.path()))
        .unwrap_or_default();
    unrouted(req, &allow).into()
}

/// No route took the request.
async fn not_found(
    req: actix_web::HttpRequest,
    state: Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    Err(unrouted(&req, &state.routes.allow(req.path())))
}

/// What a request no handler took is told: 405 with `Allow` when the
/// path's template serves other methods, else 404 (a path that only
/// looks like a template, with a trailing slash say, is not one).
fn unrouted(req: &actix_web::HttpRequest, allow: &str) -> ApiError {
    let method = req.method().as_str();
    if !allow.is_empty() && !allow.split(", ").any(|m| m == method) {
        ApiError::method_not_allowed(allow)
    } else {
        ApiError::not_found()
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
    App::new()
        .service(
            web::scope("/api/v1")
                .configure(|cfg| routes::api(&mut routes::Routes::Serve(cfg)))
                .route("/openapi.json", web::get().to(serve_openapi)),
        )
        .app_data(Data::new(state))
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
        .wrap(from_fn(compress::compress))
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
            // The next page of a list.
            header::LINK,
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
            assert_eq!(*p, renda_domain::text::not_blank_pattern());
        }
    }
}
