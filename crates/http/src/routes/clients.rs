//! Service clients: other systems (a department's OA system, a reporting
//! platform) that call the API with the OAuth 2.0 client credentials
//! grant. Administrators register them; the secret is shown once.

use crate::routes::Routes;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};
use chrono::{DateTime, Utc};
use renda_auth::{Action, token};
use renda_domain::integration::{IntegrationStatus, Scope, ScopeSet, ServiceClient};
use renda_domain::text::Line;
use renda_persistence::integration::{ClientPatch, NewClient};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::error::{ApiError, ApiResult, FieldError, Msg, Problem};
use crate::extract::{Caller, IfMatch, JsonBody, QueryParams, no_null, take};
use crate::pagination::{ListParams, ListResponse};
use crate::patch::double;
use crate::{AppState, respond};

pub fn configure(cfg: &mut Routes) {
    cfg.service(create_client)
        .service(list_clients)
        .service(get_client)
        .service(update_client)
        .service(delete_client)
        .service(rotate_secret);
}

/// 服务客户端。创建或轮换之后，其密钥不再显示。
///
/// A service client. Its secret is never shown again after creation or
/// rotation.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f10",
    "client_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f10",
    "name": "区住建局 OA",
    "scopes": ["suggestions:read", "suggestions:reply"],
    "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80",
    "status": "active",
    "previous_secret_expires_at": null,
    "created_at": "2026-11-27T08:00:00Z",
    "updated_at": "2026-11-27T08:00:00Z"
}))]
pub struct ClientResponse {
    /// 客户端的 id。
    ///
    /// The client's id.
    pub id: Uuid,
    /// 客户端凭据模式中的 `client_id`（与 `id` 相同）。
    ///
    /// The `client_id` of the client credentials grant (the same as `id`).
    pub client_id: Uuid,
    /// 客户端名称，如“区住建局 OA”。
    ///
    /// The client's name, such as 区住建局 OA.
    pub name: String,
    /// 客户端持有的权限范围。
    ///
    /// The scopes the client holds.
    pub scopes: Vec<Scope>,
    /// 客户端代表的承办单位：它能看到和答复该单位账号所能看到和答复的内容。没有时，
    /// 它按常委会负责人的视野读取。
    ///
    /// The unit the client acts for: it sees and answers what that unit's
    /// accounts do. Without one it reads as the office's leaders do.
    pub unit_id: Option<Uuid>,
    /// `active` 可用；`disabled` 时其令牌立即失效。
    ///
    /// `active`, or `disabled`: its tokens stop working at once.
    pub status: IntegrationStatus,
    /// 最近一次轮换所替换的旧密钥在此之前仍然有效；已过期或没有旧密钥时为空。
    ///
    /// Until when the secret replaced by the latest rotation still works.
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    /// 登记时间。
    ///
    /// When it was registered.
    pub created_at: DateTime<Utc>,
    /// 最后修改时间。
    ///
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<ServiceClient> for ClientResponse {
    fn from(c: ServiceClient) -> Self {
        let now = Utc::now();
        Self {
            id: c.id,
            client_id: c.id,
            name: c.name,
            scopes: c.scopes.to_vec(),
            unit_id: c.unit_id,
            status: c.status,
            previous_secret_expires_at: c.previous_secret_expires_at.filter(|t| *t > now),
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// 客户端及其新密钥：仅此一次显示，服务器只保存其摘要。
///
/// A client with its new secret: shown this once, stored only as a digest.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "client": {
        "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f10",
        "client_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f10",
        "name": "区住建局 OA",
        "scopes": ["suggestions:read", "suggestions:reply"],
        "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80",
        "status": "active",
        "previous_secret_expires_at": null,
        "created_at": "2026-11-27T08:00:00Z",
        "updated_at": "2026-11-27T08:00:00Z"
    },
    "client_secret": "rcs_q5u1M0bq8xY1Yk0m8JtqVxq7Yq1wQ9nS3cZr2bT4uVw"
}))]
pub struct ClientWithSecret {
    /// 客户端本身。
    ///
    /// The client.
    pub client: ClientResponse,
    /// 请像密码一样保管：不会再次显示。
    ///
    /// Keep it like a password: it is not shown again.
    pub client_secret: String,
}

/// 要登记的客户端。
///
/// A client to register.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "区住建局 OA",
    "scopes": ["suggestions:read", "suggestions:reply"],
    "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80"
}))]
pub struct CreateClientRequest {
    /// 客户端名称，至多 50 个字符。
    ///
    /// The client's name, up to 50 characters.
    pub name: Line<50>,
    /// 授予的权限范围，1 至 10 个。
    ///
    /// The scopes granted, 1 to 10.
    #[validate(length(min = 1, max = 10))]
    #[schema(min_items = 1, max_items = 10)]
    pub scopes: Vec<Scope>,
    /// 客户端代表的承办单位（其建议、其监督整改报告）。持有 `suggestions:reply` 或
    /// `supervisions:report` 时必填。
    ///
    /// The unit the client acts for (its suggestions, its supervision
    /// reports). Required for `suggestions:reply` and `supervisions:report`.
    pub unit_id: Option<Uuid>,
}

/// 对客户端的修改；未出现的字段保持不变。
///
/// A change to a client; absent fields stay as they are.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "disabled"}))]
pub struct UpdateClientRequest {
    /// 新的名称，至多 50 个字符。
    ///
    /// A new name, up to 50 characters.
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = Line<50>, required = false)]
    pub name: Option<Option<Line<50>>>,
    /// 新的权限范围，1 至 10 个。
    ///
    /// New scopes, 1 to 10.
    #[serde(default, deserialize_with = "double")]
    #[validate(length(min = 1, max = 10))]
    #[schema(value_type = Vec<Scope>, required = false, min_items = 1, max_items = 10)]
    pub scopes: Option<Option<Vec<Scope>>>,
    /// `null` 使其成为人大办的客户端（只读）。
    ///
    /// `null` makes it a client of the office (reading only).
    #[serde(default, deserialize_with = "double")]
    pub unit_id: Option<Option<Uuid>>,
    /// `disabled` 使其令牌立即失效。
    ///
    /// `disabled` stops its tokens at once.
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = IntegrationStatus, required = false)]
    pub status: Option<Option<IntegrationStatus>>,
}

/// 旧密钥还能继续使用多久。
///
/// How long the old secret keeps working.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"overlap_hours": 24}))]
pub struct RotateSecretRequest {
    /// 被替换的旧密钥继续有效的小时数，0 至 720（默认 24），以便客户端的运维人员换上新密钥。
    ///
    /// Hours the replaced secret still works, 0 to 720 (default 24), so
    /// that the client's operators can roll the new one out.
    #[validate(range(min = 0, max = 720))]
    #[schema(minimum = 0, maximum = 720, default = 24)]
    pub overlap_hours: Option<i64>,
}

/// Scopes for a unit's work need the unit.
fn check_scopes(scopes: &ScopeSet, unit_id: Option<Uuid>) -> Vec<FieldError> {
    let needs_unit = [Scope::SuggestionsReply, Scope::SupervisionsReport]
        .into_iter()
        .filter(|s| scopes.contains(*s))
        .collect::<Vec<_>>();
    if unit_id.is_none() && !needs_unit.is_empty() {
        vec![FieldError::new(
            "unit_id",
            "required",
            Msg::new(
                "suggestions:reply、supervisions:report 须指定客户端代表的承办单位",
                "suggestions:reply and supervisions:report need the unit the client acts for",
            ),
        )]
    } else {
        Vec::new()
    }
}

async fn unknown_unit(state: &AppState, unit_id: Option<Uuid>) -> ApiResult<Option<FieldError>> {
    Ok(match unit_id {
        Some(u) if !state.store.unit_exists(u).await? => Some(FieldError::new(
            "unit_id",
            "not_found",
            Msg::new("承办单位不存在", "no such unit"),
        )),
        _ => None,
    })
}

/// 注册服务客户端 · Register a service client
///
/// 管理员注册一个服务客户端，其密钥只在本次应答中显示一次。名称已被占用（`client_name_taken`）或所
/// 属单位在此期间被删除（`unit_gone`）时返回 409。
///
/// Registers a service client and shows its secret once (administrators). A name taken
/// (`client_name_taken`) or a unit deleted meanwhile (`unit_gone`) is refused with 409.
#[utoipa::path(
    tag = "clients",
    request_body = CreateClientRequest,
    responses(
        (status = 201, description = "Registered; the secret is in the answer, and only there", body = ClientWithSecret,
            headers(("Location" = String, description = "The new client"), ("ETag" = String))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken (`client_name_taken`), or the unit was deleted meanwhile (`unit_gone`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/clients")]
pub async fn create_client(
    state: Data<AppState>,
    caller: Caller,
    body: JsonBody<CreateClientRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageClients)?;
    let b = body.parse()?;
    let scopes = ScopeSet::new(b.scopes.iter().copied());
    let mut errors = check_scopes(&scopes, b.unit_id);
    errors.extend(unknown_unit(&state, b.unit_id).await?);
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let secret = token::generate_client_secret();
    let new = NewClient {
        name: b.name.into(),
        scopes,
        unit_id: b.unit_id,
        secret_hash: token::digest(&secret),
    };
    let client = state.store.create_client(&caller.audit(), new).await?;
    let version = client.version;
    let location = format!("/api/v1/clients/{}", client.id);
    Ok(respond::created(
        location,
        version,
        &ClientWithSecret {
            client: client.into(),
            client_secret: secret,
        },
    ))
}

/// 查询服务客户端列表 · List service clients
///
/// 分页列出服务客户端。仅限管理员。
///
/// Lists service clients, a page at a time. Administrators only.
#[utoipa::path(
    tag = "clients",
    params(ListParams),
    responses(
        (status = 200, description = "A page of clients", body = ListResponse<ClientResponse>),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/clients")]
pub async fn list_clients(
    state: Data<AppState>,
    caller: Caller,
    page: QueryParams<ListParams>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageClients)?;
    let page = state.store.list_clients(&page.0.options()?).await?;
    Ok(crate::respond::page(ListResponse::from_page(
        page,
        ClientResponse::from,
    )))
}

/// 查看服务客户端 · Get a service client
///
/// 读取一个服务客户端。仅限管理员。
///
/// Reads a service client. Administrators only.
#[utoipa::path(
    tag = "clients",
    params(("id" = Uuid, Path, description = "Client id")),
    responses(
        (status = 200, description = "The client", body = ClientResponse, headers(("ETag" = String))),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/clients/{id}")]
pub async fn get_client(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageClients)?;
    let c = state.store.get_client(id.into_inner()).await?;
    let version = c.version;
    Ok(respond::resource(&req, version, &ClientResponse::from(c)))
}

/// 修改服务客户端 · Update a service client
///
/// 管理员修改服务客户端的名称、权限范围、所属单位，或将其设为 `status: disabled`（停用），停用后其
/// 令牌立即失效。名称已被占用（`client_name_taken`）或所属单位在此期间被删除（`unit_gone`）时返回
/// 409。
///
/// Changes a client (administrators): name, scopes, unit, or `status: disabled`, which stops
/// its tokens at once. A name taken (`client_name_taken`) or a unit deleted meanwhile
/// (`unit_gone`) is refused with 409.
#[utoipa::path(
    tag = "clients",
    params(
        ("id" = Uuid, Path, description = "Client id"),
        ("If-Match" = Option<String>, Header, description = "Apply only if the client is still at this ETag"),
    ),
    request_body = UpdateClientRequest,
    responses(
        (status = 200, description = "Changed", body = ClientResponse, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken (`client_name_taken`), or the unit was deleted meanwhile (`unit_gone`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The client changed since the ETag in If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/clients/{id}")]
pub async fn update_client(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<UpdateClientRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageClients)?;
    let id = id.into_inner();
    let b = body.parse()?;
    let mut errors = Vec::new();
    let name = take(&mut errors, no_null("name", b.name));
    let scopes = take(&mut errors, no_null("scopes", b.scopes)).map(ScopeSet::new);
    let status = take(&mut errors, no_null("status", b.status));
    let current = state.store.get_client(id).await?;
    let eff_scopes = scopes.clone().unwrap_or_else(|| current.scopes.clone());
    let eff_unit = b.unit_id.unwrap_or(current.unit_id);
    errors.extend(check_scopes(&eff_scopes, eff_unit));
    errors.extend(unknown_unit(&state, b.unit_id.flatten()).await?);
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let patch = ClientPatch {
        name: name.map(String::from),
        scopes,
        unit_id: b.unit_id,
        status,
    };
    let c = state
        .store
        .update_client(&caller.audit(), id, if_match.0, patch)
        .await?;
    let version = c.version;
    Ok(respond::changed(version, &ClientResponse::from(c)))
}

/// 删除服务客户端 · Delete a service client
///
/// 管理员删除服务客户端及其 Webhook 订阅，其令牌立即失效。
///
/// Deletes a client and its webhook subscriptions; its tokens stop at once (administrators).
#[utoipa::path(
    tag = "clients",
    params(
        ("id" = Uuid, Path, description = "Client id"),
        ("If-Match" = Option<String>, Header, description = "Delete only if the client is still at this ETag"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The client changed since the ETag in If-Match", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/clients/{id}")]
pub async fn delete_client(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageClients)?;
    state
        .store
        .delete_client(&caller.audit(), id.into_inner(), if_match.0)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// 轮换客户端密钥 · Rotate a client secret
///
/// 管理员为服务客户端生成新密钥，仅显示这一次。旧密钥在请求的重叠期内（默认 24 小时）继续有效。
///
/// Gives a client a new secret, shown once (administrators). The old secret keeps working for
/// the overlap asked for (default 24 hours).
#[utoipa::path(
    tag = "clients",
    params(
        ("id" = Uuid, Path, description = "Client id"),
        ("If-Match" = Option<String>, Header, description = "Rotate only if the client is still at this ETag"),
    ),
    request_body = RotateSecretRequest,
    responses(
        (status = 200, description = "The new secret, shown this once", body = ClientWithSecret, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The client changed since the ETag in If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/clients/{id}/secret")]
pub async fn rotate_secret(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<RotateSecretRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageClients)?;
    let b = body.parse()?;
    let overlap = chrono::Duration::hours(b.overlap_hours.unwrap_or(24));
    let secret = token::generate_client_secret();
    let c = state
        .store
        .rotate_client_secret(
            &caller.audit(),
            id.into_inner(),
            if_match.0,
            token::digest(&secret),
            overlap,
        )
        .await?;
    let version = c.version;
    Ok(respond::changed(
        version,
        &ClientWithSecret {
            client: c.into(),
            client_secret: secret,
        },
    ))
}
