//! Webhook subscriptions: a URL, the event types wanted and a signing
//! secret. Every event is delivered at least once, signed, in order per
//! object, with retries; the delivery log can be read and replayed.
//! Administrators keep the office's subscriptions, and service clients
//! with `webhooks:manage` their own.

use crate::routes::Routes;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};
use chrono::{DateTime, Utc};
use renda_auth::{Action, Actor, token};
use renda_domain::integration::{
    IntegrationStatus, Subscription, SubscriptionOwner, event_scope, valid_event_pattern,
};
use renda_domain::text::Line;
use renda_persistence::integration::{NewSubscription, SubscriptionPatch};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::error::{ApiError, ApiResult, FieldError, Msg, Problem};
use crate::extract::{Caller, IfMatch, JsonBody, QueryParams, no_null, take};
use crate::pagination::{ListParams, ListResponse};
use crate::patch::double;
use crate::webhook_target::{TargetError, check_url};
use crate::{AppState, respond};

mod deliveries;

use deliveries::{list_deliveries, replay};

pub fn configure(cfg: &mut Routes) {
    cfg.service(create_webhook)
        .service(list_webhooks)
        .service(get_webhook)
        .service(update_webhook)
        .service(delete_webhook)
        .service(rotate_webhook_secret)
        .service(list_deliveries)
        .service(replay);
}

/// 一个事件推送订阅（Webhook）。签名密钥只在设置时显示。
///
/// A webhook subscription. Its secret is shown only when set.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f20",
    "url": "https://oa.zjj.example.gov.cn/renda/events",
    "event_types": ["suggestion.*"],
    "status": "active",
    "description": "住建局 OA 待办",
    "owner_client_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f10",
    "audience_unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80",
    "created_at": "2026-11-27T08:00:00Z",
    "updated_at": "2026-11-27T08:00:00Z"
}))]
pub struct WebhookResponse {
    /// 订阅的 id。
    ///
    /// The subscription's id.
    pub id: Uuid,
    /// 接收推送的地址（规范化后）。
    ///
    /// The address events are delivered to, as normalised.
    pub url: String,
    /// 订阅的事件类型：`*`、`<对象>.*` 或 `<对象>.<动作>`，对象为 `suggestion`、`supervision`、
    /// `livelihood_round`、`opinion` 和 `motion`。
    ///
    /// `*`, `<object>.*` or `<object>.<action>`, objects being
    /// `suggestion`, `supervision`, `livelihood_round`, `opinion` and `motion`.
    pub event_types: Vec<String>,
    /// 订阅状态：`active` 推送；`disabled` 不再推送任何事件，待投递的也取消。
    ///
    /// `active`, or `disabled`: nothing is sent, not even what waits.
    pub status: IntegrationStatus,
    /// 便于辨认的说明；没有时为空。
    ///
    /// A note to tell it apart; null when none.
    pub description: Option<String>,
    /// 拥有该订阅的服务客户端；人大办的订阅为 `null`。
    ///
    /// The service client that owns it; `null` for the office's.
    pub owner_client_id: Option<Uuid>,
    /// 只推送与该承办单位有关的事件（承办单位的客户端）；为空时不限单位。
    ///
    /// Only events concerning this unit are delivered (a unit's client).
    pub audience_unit_id: Option<Uuid>,
    /// 创建时间。
    ///
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// 最后修改时间。
    ///
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<Subscription> for WebhookResponse {
    fn from(s: Subscription) -> Self {
        Self {
            id: s.id,
            url: s.url,
            event_types: s.event_types,
            status: s.status,
            description: s.description,
            owner_client_id: match s.owner {
                SubscriptionOwner::Client(c) => Some(c),
                SubscriptionOwner::User(_) => None,
            },
            audience_unit_id: s.audience_unit_id,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// 订阅及其签名密钥，在设置密钥时显示。
///
/// A subscription with its signing secret, shown when it is set.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "webhook": {
        "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f20",
        "url": "https://oa.zjj.example.gov.cn/renda/events",
        "event_types": ["suggestion.*"],
        "status": "active",
        "description": "住建局 OA 待办",
        "owner_client_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f10",
        "audience_unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80",
        "created_at": "2026-11-27T08:00:00Z",
        "updated_at": "2026-11-27T08:00:00Z"
    },
    "secret": "whsec_Zp4u2mXJ0bq8xY1Yk0m8JtqVxq7Yq1wQ9nS3cZr2bT4"
}))]
pub struct WebhookWithSecret {
    /// 订阅本身。
    ///
    /// The subscription.
    pub webhook: WebhookResponse,
    /// `Renda-Signature` HMAC 签名所用的密钥。请妥善保存，不会再次显示。
    ///
    /// The key of the `Renda-Signature` HMAC. Keep it; it is not shown again.
    pub secret: String,
}

/// 要创建的订阅。
///
/// A subscription to create.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "url": "https://oa.zjj.example.gov.cn/renda/events",
    "event_types": ["suggestion.*"],
    "description": "住建局 OA 待办"
}))]
pub struct CreateWebhookRequest {
    /// 接收推送的地址，`http` 或 `https`。本机、链路本地和云元数据地址被拒绝，
    /// 内网地址须经服务器许可。
    ///
    /// `http` or `https`. Loopback, link-local and cloud metadata addresses
    /// are refused, private networks unless the server lists them.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub url: String,
    /// 要订阅的事件类型，1 至 30 个：`*`、`<对象>.*` 或 `<对象>.<动作>`。
    /// 客户端只能订阅其权限范围可读的对象。
    ///
    /// 1 to 30 event types: `*`, `<object>.*` or `<object>.<action>`. A client may only ask
    /// for objects its scopes let it read.
    #[validate(length(min = 1, max = 30))]
    #[schema(min_items = 1, max_items = 30)]
    pub event_types: Vec<String>,
    /// 签名密钥，16 至 200 个字符；不填则自动生成。
    ///
    /// The signing secret, 16 to 200 characters; generated when absent.
    #[validate(length(min = 16, max = 200))]
    #[schema(min_length = 16, max_length = 200, write_only)]
    pub secret: Option<String>,
    /// 便于辨认的说明，至多 200 个字符；空白视为不填。
    ///
    /// A note to tell it apart, up to 200 characters; blank is none.
    #[serde(default, deserialize_with = "crate::patch::blank_none")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub description: Option<Line<200>>,
    /// 订阅状态，默认 `active`。
    ///
    /// Default `active`.
    pub status: Option<IntegrationStatus>,
}

/// 对订阅的修改；未出现的字段保持不变。
///
/// A change to a subscription; absent fields stay as they are.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "disabled"}))]
pub struct UpdateWebhookRequest {
    /// 新的接收地址，规则同创建时。
    ///
    /// A new address, by the rules of creation.
    #[serde(default, deserialize_with = "double")]
    #[validate(length(min = 1, max = 2000))]
    #[schema(value_type = String, required = false, min_length = 1, max_length = 2000)]
    pub url: Option<Option<String>>,
    /// 新的事件类型列表，1 至 30 个，规则同创建时。
    ///
    /// A new list of 1 to 30 event types, by the rules of creation.
    #[serde(default, deserialize_with = "double")]
    #[validate(length(min = 1, max = 30))]
    #[schema(value_type = Vec<String>, required = false, min_items = 1, max_items = 30)]
    pub event_types: Option<Option<Vec<String>>>,
    /// `active` 恢复推送；`disabled` 停止推送，并取消待投递的推送。
    ///
    /// `active` to deliver again; `disabled` stops delivery and cancels what waits.
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = IntegrationStatus, required = false)]
    pub status: Option<Option<IntegrationStatus>>,
    /// 新的说明；`null` 清除。
    ///
    /// `null` clears it.
    #[serde(default, deserialize_with = "crate::patch::double_blank_none")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub description: Option<Option<Line<200>>>,
}

/// 新的签名密钥。
///
/// A new signing secret.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({}))]
pub struct RotateWebhookSecretRequest {
    /// 16 至 200 个字符；不填则自动生成。
    ///
    /// 16 to 200 characters; generated when absent.
    #[validate(length(min = 16, max = 200))]
    #[schema(min_length = 16, max_length = 200, write_only)]
    pub secret: Option<String>,
}

fn owner_of(actor: &Actor) -> SubscriptionOwner {
    if actor.is_client() {
        SubscriptionOwner::Client(actor.user_id.into())
    } else {
        SubscriptionOwner::User(actor.user_id.into())
    }
}

/// The subscription, if the caller may keep it: a client only its own,
/// an administrator any.
async fn visible(state: &AppState, caller: &Caller, id: Uuid) -> ApiResult<Subscription> {
    caller.require(Action::ManageWebhooks)?;
    let actor = caller.actor()?;
    let s = state.store.get_subscription(id).await?;
    if actor.is_client() && s.owner != owner_of(actor) {
        return Err(ApiError::not_found());
    }
    Ok(s)
}

fn url_error(e: TargetError) -> FieldError {
    match e {
        TargetError::BadUrl(why) => FieldError::new(
            "url",
            "invalid_url",
            Msg::new(
                "须为 http 或 https 的完整地址，且不含用户名和密码",
                format!("must be an absolute http or https URL without credentials: {why}"),
            ),
        ),
        TargetError::Refused(reason, _) => FieldError::new(
            "url",
            "destination_refused",
            Msg::new(
                "该地址指向本机、链路本地、云元数据服务或未获准的内网地址，不能作为推送目标",
                format!(
                    "the address is not a permitted destination ({reason:?}): loopback, link-local, cloud metadata and unlisted private networks are refused"
                ),
            ),
        ),
        TargetError::Unresolvable => FieldError::new(
            "url",
            "unresolvable",
            Msg::new("域名无法解析", "the host name does not resolve"),
        ),
    }
}

/// What is wrong with the event types asked for: a pattern that names
/// nothing, or, for a client, an object its scopes do not let it read
/// (`*` is allowed: it brings what the scopes allow). The stored list has
/// room for 2,000 characters.
fn event_type_errors(types: &[String], actor: &Actor) -> Vec<FieldError> {
    let mut errors: Vec<FieldError> = types
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            if !valid_event_pattern(t) {
                return Some(FieldError::new(
                    format!("event_types[{i}]"),
                    "invalid",
                    Msg::new(
                        "事件类型须为 *、<对象>.* 或 <对象>.<动作>，对象为 suggestion、supervision、livelihood_round、opinion、motion",
                        "an event type is *, <object>.* or <object>.<action>, the object one of suggestion, supervision, livelihood_round, opinion, motion",
                    ),
                ));
            }
            let scopes = actor.scopes.as_ref()?;
            let object = t.split('.').next().unwrap_or_default();
            let readable = t == "*"
                || event_scope(object).is_some_and(|s| scopes.contains(s));
            (!readable).then(|| {
                FieldError::new(
                    format!("event_types[{i}]"),
                    "not_in_scope",
                    Msg::new(
                        "客户端的授权范围不包含该类对象（suggestion 需 suggestions:read，supervision 需 supervisions:read）",
                        "the client's scopes do not cover these objects (suggestion needs suggestions:read, supervision supervisions:read)",
                    ),
                )
            })
        })
        .collect();
    if types.iter().map(|t| t.len() + 1).sum::<usize>() + 1 > 2000 {
        errors.push(FieldError::new(
            "event_types",
            "too_long",
            Msg::new(
                "事件类型合计过长（至多 2000 个字符）",
                "the event types are too long together (at most 2,000 characters)",
            ),
        ));
    }
    errors
}

/// The URL as it will be stored and called, if it is a permitted
/// destination that fits (2,000 characters once normalised).
async fn checked_url(state: &AppState, raw: &str) -> Result<String, FieldError> {
    let u = check_url(raw, &state.webhook_networks)
        .await
        .map_err(url_error)?
        .to_string();
    if u.len() > 2000 {
        return Err(FieldError::new(
            "url",
            "too_long",
            Msg::new(
                "地址过长（规范化后至多 2000 个字符）",
                "the URL is too long (at most 2,000 characters once normalised)",
            ),
        ));
    }
    Ok(u)
}

fn new_secret() -> String {
    format!("whsec_{}", token::generate_token())
}

/// 订阅事件推送 · Subscribe a URL to events
///
/// 为一个 URL 订阅事件（Webhook），签名密钥在应答中返回。调用者须为管理员或持有 `webhooks:manage`
/// 权限范围的客户端。目标地址被拒绝时返回 `destination_refused`（422）；调用的客户端在订阅过程中被
/// 删除时返回 `client_gone`（409）。
///
/// Subscribes a URL to events; the secret is in the answer. An administrator or a client with
/// `webhooks:manage`. A refused destination is `destination_refused` (422); a calling client
/// deleted while subscribing, `client_gone` (409).
#[utoipa::path(
    tag = "webhooks",
    request_body = CreateWebhookRequest,
    responses(
        (status = 201, description = "Subscribed; the secret is in the answer", body = WebhookWithSecret,
            headers(("Location" = String, description = "The new subscription"), ("ETag" = String))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither an administrator nor a client with `webhooks:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The calling client was deleted while subscribing (`client_gone`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or a refused destination (`destination_refused`)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/webhooks")]
pub async fn create_webhook(
    state: Data<AppState>,
    caller: Caller,
    body: JsonBody<CreateWebhookRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageWebhooks)?;
    let actor = caller.actor()?.clone();
    let b = body.parse()?;
    let mut errors = event_type_errors(&b.event_types, &actor);
    let url = match checked_url(&state, &b.url).await {
        Ok(u) => Some(u),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let Some(url) = url.filter(|_| errors.is_empty()) else {
        return Err(ApiError::validation(errors));
    };
    let secret = b.secret.unwrap_or_else(new_secret);
    let new = NewSubscription {
        owner: owner_of(&actor),
        audience_unit_id: if actor.is_client() {
            actor.unit_id.map(Into::into)
        } else {
            None
        },
        url,
        event_types: b.event_types,
        secret: secret.clone(),
        status: b.status.unwrap_or(IntegrationStatus::Active),
        description: b.description.map(String::from),
    };
    let s = state
        .store
        .create_subscription(&caller.audit(), new)
        .await?;
    let version = s.version;
    Ok(respond::created(
        format!("/api/v1/webhooks/{}", s.id),
        version,
        &WebhookWithSecret {
            webhook: s.into(),
            secret,
        },
    ))
}

/// 查询订阅列表 · List webhook subscriptions
///
/// 分页列出订阅：客户端看到自己的订阅，管理员看到全部订阅。调用者须为管理员或持有 `webhooks:manage`
/// 权限范围的客户端。
///
/// Lists subscriptions: a client's own, or every one for an administrator. An administrator or
/// a client with `webhooks:manage`.
#[utoipa::path(
    tag = "webhooks",
    params(ListParams),
    responses(
        (status = 200, description = "A page of subscriptions", body = ListResponse<WebhookResponse>),
        (status = 403, description = "Neither an administrator nor a client with `webhooks:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/webhooks")]
pub async fn list_webhooks(
    state: Data<AppState>,
    caller: Caller,
    page: QueryParams<ListParams>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageWebhooks)?;
    let actor = caller.actor()?;
    let filter = actor.is_client().then(|| owner_of(actor));
    let page = state
        .store
        .list_subscriptions(filter, &page.0.options()?)
        .await?;
    Ok(crate::respond::page(ListResponse::from_page(
        page,
        WebhookResponse::from,
    )))
}

/// 查看订阅 · Get a webhook subscription
///
/// 读取一个订阅。调用者须为管理员或持有 `webhooks:manage` 权限范围的客户端；不属于调用者的订阅返回
/// 404。
///
/// Reads a subscription. An administrator or a client with `webhooks:manage`; a subscription
/// not the caller's answers 404.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = Uuid, Path, description = "Subscription id")),
    responses(
        (status = 200, description = "The subscription", body = WebhookResponse, headers(("ETag" = String))),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        (status = 403, description = "Neither an administrator nor a client with `webhooks:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription of the caller's", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/webhooks/{id}")]
pub async fn get_webhook(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let s = visible(&state, &caller, id.into_inner()).await?;
    let version = s.version;
    Ok(respond::resource(&req, version, &WebhookResponse::from(s)))
}

/// 修改订阅 · Update a webhook subscription
///
/// 修改订阅的 URL、事件类型、状态或说明。调用者须为管理员或持有 `webhooks:manage` 权限范围的客户
/// 端；不属于调用者的订阅返回 404，目标地址被拒绝返回 422。
///
/// Changes a subscription's URL, event types, status or description. An administrator or a
/// client with `webhooks:manage`; a subscription not the caller's answers 404, a refused
/// destination 422.
#[utoipa::path(
    tag = "webhooks",
    params(
        ("id" = Uuid, Path, description = "Subscription id"),
        ("If-Match" = Option<String>, Header, description = "Apply only if the subscription is still at this ETag"),
    ),
    request_body = UpdateWebhookRequest,
    responses(
        (status = 200, description = "Changed", body = WebhookResponse, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither an administrator nor a client with `webhooks:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription of the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The subscription changed since the ETag in If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or a refused destination", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/webhooks/{id}")]
pub async fn update_webhook(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<UpdateWebhookRequest>,
) -> ApiResult<HttpResponse> {
    let s = visible(&state, &caller, id.into_inner()).await?;
    let b = body.parse()?;
    let mut errors = Vec::new();
    let url = take(&mut errors, no_null("url", b.url));
    let event_types = take(&mut errors, no_null("event_types", b.event_types));
    let status = take(&mut errors, no_null("status", b.status));
    if let Some(t) = &event_types {
        errors.extend(event_type_errors(t, caller.actor()?));
    }
    let url = match url {
        Some(u) => match checked_url(&state, &u).await {
            Ok(u) => Some(u),
            Err(e) => {
                errors.push(e);
                None
            }
        },
        None => None,
    };
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let patch = SubscriptionPatch {
        url,
        event_types,
        status,
        description: b.description.map(|d| d.map(String::from)),
        secret: None,
    };
    let s = state
        .store
        .update_subscription(&caller.audit(), s.id, if_match.0, patch)
        .await?;
    let version = s.version;
    Ok(respond::changed(version, &WebhookResponse::from(s)))
}

/// 删除订阅 · Delete a webhook subscription
///
/// 删除订阅，其待投递的消息一并取消。调用者须为管理员或持有 `webhooks:manage` 权限范围的客户端；不
/// 属于调用者的订阅返回 404。
///
/// Deletes a subscription; its pending deliveries are cancelled. An administrator or a client
/// with `webhooks:manage`; a subscription not the caller's answers 404.
#[utoipa::path(
    tag = "webhooks",
    params(
        ("id" = Uuid, Path, description = "Subscription id"),
        ("If-Match" = Option<String>, Header, description = "Delete only if the subscription is still at this ETag"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Neither an administrator nor a client with `webhooks:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription of the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The subscription changed since the ETag in If-Match", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/webhooks/{id}")]
pub async fn delete_webhook(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let s = visible(&state, &caller, id.into_inner()).await?;
    state
        .store
        .delete_subscription(&caller.audit(), s.id, if_match.0)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// 轮换订阅签名密钥 · Rotate a webhook secret
///
/// 设置新的签名密钥（未提供则自动生成），自下一次投递起使用，仅显示这一次。调用者须为管理员或持有
/// `webhooks:manage` 权限范围的客户端；不属于调用者的订阅返回 404。
///
/// Sets a new signing secret (generated unless given), used from the next delivery on; shown
/// this once. An administrator or a client with `webhooks:manage`; a subscription not the
/// caller's answers 404.
#[utoipa::path(
    tag = "webhooks",
    params(
        ("id" = Uuid, Path, description = "Subscription id"),
        ("If-Match" = Option<String>, Header, description = "Apply only if the subscription is still at this ETag"),
    ),
    request_body = RotateWebhookSecretRequest,
    responses(
        (status = 200, description = "The new secret", body = WebhookWithSecret, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither an administrator nor a client with `webhooks:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription of the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The subscription changed since the ETag in If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/webhooks/{id}/secret")]
pub async fn rotate_webhook_secret(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<RotateWebhookSecretRequest>,
) -> ApiResult<HttpResponse> {
    let s = visible(&state, &caller, id.into_inner()).await?;
    let secret = body.parse()?.secret.unwrap_or_else(new_secret);
    let patch = SubscriptionPatch {
        secret: Some(secret.clone()),
        ..SubscriptionPatch::default()
    };
    let s = state
        .store
        .update_subscription(&caller.audit(), s.id, if_match.0, patch)
        .await?;
    let version = s.version;
    Ok(respond::changed(
        version,
        &WebhookWithSecret {
            webhook: s.into(),
            secret,
        },
    ))
}
