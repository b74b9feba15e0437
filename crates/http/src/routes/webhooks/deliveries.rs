//! The delivery log of a subscription, and its replay: what was sent to
//! the receiver, each attempt and its last answer, and sending again what
//! a receiver lost.

use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, get, post};
use chrono::{DateTime, Utc};
use renda_domain::integration::DeliveryStatus;
use renda_persistence::integration::Delivery;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::visible;
use crate::AppState;
use crate::error::{ApiError, ApiResult, Msg, Problem};
use crate::extract::{Caller, JsonBody, QueryParams};
use crate::pagination::{ListParams, ListResponse};

/// 一个事件向一个订阅的一次投递。
///
/// A delivery of one event to one subscription.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f40",
    "event_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f30",
    "event_type": "suggestion.replied",
    "object_type": "suggestion",
    "object_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e90",
    "object_seq": 5,
    "occurred_at": "2026-11-27T08:00:00Z",
    "status": "delivered",
    "attempts": 2,
    "next_attempt_at": null,
    "last_attempt_at": "2026-11-27T08:00:12Z",
    "last_status_code": 200,
    "last_error": null,
    "delivered_at": "2026-11-27T08:00:12Z",
    "created_at": "2026-11-27T08:00:00Z"
}))]
pub struct DeliveryResponse {
    /// 投递的 id。
    ///
    /// The delivery's id.
    pub id: Uuid,
    /// 事件的 id。
    ///
    /// The event's id.
    pub event_id: Uuid,
    /// 事件类型，如 `suggestion.replied`。
    ///
    /// The event's type, such as `suggestion.replied`.
    pub event_type: String,
    /// 事件所涉及对象的类型，如 `suggestion`。
    ///
    /// The kind of object the event is about, such as `suggestion`.
    pub object_type: String,
    /// 事件所涉及对象的 id。
    ///
    /// The id of the object the event is about.
    pub object_id: Uuid,
    /// 该事件在同一对象的事件中的序号：1、2、3……
    ///
    /// The event's place among its object's events: 1, 2, 3…
    pub object_seq: i64,
    /// 事件发生的时间。
    ///
    /// When the event happened.
    pub occurred_at: DateTime<Utc>,
    /// 投递状态：`pending`、`delivered`、`failed` 或 `cancelled`。
    ///
    /// Where the delivery stands: `pending`, `delivered`, `failed` or `cancelled`.
    pub status: DeliveryStatus,
    /// 已尝试投递的次数。
    ///
    /// How many attempts were made.
    pub attempts: i32,
    /// 下一次尝试的时间，仅在待投递时有值。
    ///
    /// When the next attempt is due, while pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// 最近一次尝试的时间；尚未尝试时为空。
    ///
    /// When the last attempt was made; null before the first.
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// 最近一次尝试时接收方返回的 HTTP 状态码。
    ///
    /// The receiver's HTTP status at the last attempt.
    pub last_status_code: Option<i32>,
    /// 最近一次尝试未得到 HTTP 应答时的失败原因。
    ///
    /// Why the last attempt failed, when it got no HTTP answer.
    pub last_error: Option<String>,
    /// 接收方返回 2xx 的时间；未送达时为空。
    ///
    /// When the receiver answered 2xx; null until then.
    pub delivered_at: Option<DateTime<Utc>>,
    /// 投递排队的时间。
    ///
    /// When the delivery was queued.
    pub created_at: DateTime<Utc>,
}

impl From<Delivery> for DeliveryResponse {
    fn from(d: Delivery) -> Self {
        Self {
            id: d.id,
            event_id: d.event_id,
            event_type: d.event_type,
            object_type: d.object_type,
            object_id: d.object_id,
            object_seq: d.object_seq,
            occurred_at: d.occurred_at,
            status: d.status,
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at,
            last_attempt_at: d.last_attempt_at,
            last_status_code: d.last_status_code,
            last_error: d.last_error,
            delivered_at: d.delivered_at,
            created_at: d.created_at,
        }
    }
}

/// Filters of the delivery log.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryFilterParams {
    pub status: Option<DeliveryStatus>,
}

/// 要重新投递的范围。
///
/// Which deliveries to make again.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"since": "2026-11-27T00:00:00Z", "status": "failed"}))]
pub struct ReplayRequest {
    /// 重放在此时刻及之后创建的投递。
    ///
    /// Deliveries created at or after this instant.
    pub since: DateTime<Utc>,
    /// 只重放该状态（`delivered` 或 `failed`）的投递；不填则重放所有已结束的投递。
    ///
    /// Only deliveries in this state (`delivered` or `failed`); all
    /// finished ones when absent.
    pub status: Option<DeliveryStatus>,
}

/// 重新排队的投递数。
///
/// How many deliveries were queued again.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"queued": 12}))]
pub struct ReplayResponse {
    /// 重新排队的投递数。
    ///
    /// The number of deliveries queued again.
    pub queued: u64,
}

/// 查看订阅投递记录 · List a subscription's deliveries
///
/// 订阅的投递日志：每个事件、各次投递尝试及接收方最近一次的应答，按时间正序排列。调用者须为管理员或
/// 持有 `webhooks:manage` 权限范围的客户端；不属于调用者的订阅返回 404。
///
/// The delivery log of a subscription: each event, its attempts and the receiver's last answer,
/// oldest first. An administrator or a client with `webhooks:manage`; a subscription not the
/// caller's answers 404.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = Uuid, Path, description = "Subscription id"), ListParams, DeliveryFilterParams),
    responses(
        (status = 200, description = "A page of deliveries", body = ListResponse<DeliveryResponse>),
        (status = 403, description = "Neither an administrator nor a client with `webhooks:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription of the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn list_deliveries(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    page: QueryParams<ListParams>,
    filter: QueryParams<DeliveryFilterParams>,
) -> ApiResult<HttpResponse> {
    let s = visible(&state, &caller, id.into_inner()).await?;
    let page = state
        .store
        .list_deliveries(s.id, filter.0.status, &page.0.options()?)
        .await?;
    Ok(crate::respond::page(ListResponse::from_page(
        page,
        DeliveryResponse::from,
    )))
}

/// 重放投递 · Replay deliveries
///
/// 按原有顺序重新投递自某一时刻以来的投递，供丢失了数据或停机超过重试期限的接收方使用；受理后排队处
/// 理（202）。调用者须为管理员或持有 `webhooks:manage` 权限范围的客户端；不属于调用者的订阅返回
/// 404。
///
/// Delivers again, in their original order, the deliveries made since an instant: for a
/// receiver that lost data or was down past the retries. Answers 202 once queued. An
/// administrator or a client with `webhooks:manage`; a subscription not the caller's answers
/// 404.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = Uuid, Path, description = "Subscription id")),
    request_body = ReplayRequest,
    responses(
        (status = 202, description = "Queued", body = ReplayResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither an administrator nor a client with `webhooks:manage`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription of the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/webhooks/{id}/replay")]
pub async fn replay(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    body: JsonBody<ReplayRequest>,
) -> ApiResult<HttpResponse> {
    let s = visible(&state, &caller, id.into_inner()).await?;
    let b = body.parse()?;
    if matches!(
        b.status,
        Some(DeliveryStatus::Pending | DeliveryStatus::Cancelled)
    ) {
        return Err(ApiError::field(
            "status",
            "invalid",
            Msg::new(
                "只能重放已送达（delivered）或已失败（failed）的推送",
                "only delivered or failed deliveries can be replayed",
            ),
        ));
    }
    let queued = state
        .store
        .replay_deliveries(&caller.audit(), s.id, b.since, b.status)
        .await?;
    Ok(HttpResponse::Accepted().json(ReplayResponse { queued }))
}
