//! How notifications reach people beyond the inbox: their phones for push
//! (`/me/devices`), their choices of kinds, channels and quiet hours
//! (`/me/notification-preferences`), and the delivery log.

use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, delete, get, post, put};
use chrono::{DateTime, NaiveTime, Utc};
use renda_auth::Action;
use renda_domain::delivery::{Channel, DeliveryState, DevicePlatform, Preferences, QuietHours};
use renda_domain::notice::NoticeKind;
use renda_domain::text::Line;
use renda_persistence::delivery::{DeliveryRecord, Device};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

use crate::AppState;
use crate::error::{ApiError, ApiResult, Msg, Problem};
use crate::extract::{Caller, JsonBody, QueryParams};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_devices)
        .service(register_device)
        .service(remove_device)
        .service(get_preferences)
        .service(set_preferences)
        .service(notification_deliveries)
        .service(delivery_log);
}

/// A phone registered for push.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f20", "platform": "android",
    "label": "张伟的手机", "created_at": "2026-12-06T02:00:00Z", "last_seen_at": "2026-12-06T02:00:00Z"
}))]
pub struct DeviceView {
    pub id: Uuid,
    pub platform: DevicePlatform,
    pub label: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

fn device_view(d: Device) -> DeviceView {
    DeviceView {
        id: d.id,
        platform: d.platform,
        label: d.label,
        created_at: d.created_at,
        last_seen_at: d.last_seen_at,
    }
}

/// The caller's phones.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [{
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f20", "platform": "android",
    "label": "张伟的手机", "created_at": "2026-12-06T02:00:00Z", "last_seen_at": "2026-12-06T02:00:00Z"
}]}))]
pub struct DeviceList {
    pub items: Vec<DeviceView>,
}

/// A phone to register: its platform and the push token its app got from
/// the push service.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"platform": "android", "token": "dQw4w9WgXcQ:APA91bH-example", "label": "张伟的手机"}))]
pub struct DeviceRequest {
    pub platform: DevicePlatform,
    pub token: Line<512>,
    /// A name for the phone; blank is none.
    #[serde(default, deserialize_with = "crate::patch::blank_none")]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub label: Option<Line<100>>,
}

/// 我的推送设备 · List my devices
///
/// 列出调用者本人登记用于推送的手机。
///
/// Lists my phones registered for push: the caller's own.
#[utoipa::path(
    tag = "me",
    responses((status = 200, description = "The caller's phones", body = DeviceList)),
    security(("bearer" = []))
)]
#[get("/me/devices")]
pub async fn list_devices(state: Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    let me = caller.own_id()?;
    let items = state.store.devices(me).await?;
    Ok(HttpResponse::Ok().json(DeviceList {
        items: items.into_iter().map(device_view).collect(),
    }))
}

/// 登记推送设备 · Register my device
///
/// 登记调用者的手机以接收推送（移动应用在登录后调用）。新登记返回 201；同一令牌再次登记即续期
/// （200）；已由其他账号登记的令牌转到本人名下（手机已易主）。平台未知或令牌为空时返回 422。
///
/// Registers my phone for push (the mobile app calls it after sign-in): 201 when new. The same
/// token again renews it (200); a token registered by another account moves to mine (the phone
/// changed hands). An unknown platform or a blank token is refused (422).
#[utoipa::path(
    tag = "me",
    request_body = DeviceRequest,
    responses(
        (status = 201, description = "Registered", body = DeviceView),
        (status = 200, description = "Already registered: renewed", body = DeviceView),
        (status = 422, description = "Unknown platform, blank token", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/me/devices")]
pub async fn register_device(
    state: Data<AppState>,
    caller: Caller,
    body: JsonBody<DeviceRequest>,
) -> ApiResult<HttpResponse> {
    let me = caller.own_id()?;
    let r = body.parse()?;
    let (device, created) = state
        .store
        .register_device(
            me,
            r.platform,
            r.token.as_str(),
            r.label.map(|l| l.as_str().to_owned()),
        )
        .await?;
    let mut res = if created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(res.json(device_view(device)))
}

/// 移除推送设备 · Remove my device
///
/// 移除调用者的一部手机（即在该手机上退出登录）。不属于调用者的手机返回 404。
///
/// Removes one of my phones (signing out on it). A phone not the caller's answers 404.
#[utoipa::path(
    tag = "me",
    params(("id" = Uuid, Path)),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No such phone of the caller's", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/me/devices/{id}")]
pub async fn remove_device(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let me = caller.own_id()?;
    state.store.remove_device(me, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Hours with no messages, in China time (`HH:MM`); a start after the end
/// spans midnight.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuietHoursView {
    #[schema(value_type = String, example = "22:00", pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub start: String,
    #[schema(value_type = String, example = "07:00", pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub end: String,
}

/// How my notifications reach me beyond the inbox (which has them all).
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "muted": ["suggestion_evaluated"],
    "channels": ["push", "sms"],
    "quiet_hours": {"start": "22:00", "end": "07:00"}
}))]
pub struct PreferencesView {
    /// Kinds not sent outside the app.
    #[serde(default)]
    #[validate(length(max = 50))]
    pub muted: Vec<NoticeKind>,
    /// The channels wanted; `null`: every channel this deployment offers.
    pub channels: Option<Vec<Channel>>,
    /// Messages made in these hours wait until they end.
    pub quiet_hours: Option<QuietHoursView>,
}

fn preferences_view(p: Preferences) -> PreferencesView {
    let hm = |t: NaiveTime| t.format("%H:%M").to_string();
    PreferencesView {
        muted: p.muted,
        channels: p.channels,
        quiet_hours: p.quiet_hours.map(|q| QuietHoursView {
            start: hm(q.start),
            end: hm(q.end),
        }),
    }
}

fn quiet_time(field: &str, v: &str) -> Result<NaiveTime, ApiError> {
    let ok = v.len() == 5 && v.as_bytes().get(2) == Some(&b':');
    ok.then(|| NaiveTime::parse_from_str(v, "%H:%M").ok())
        .flatten()
        .ok_or_else(|| {
            ApiError::field(
                field,
                "invalid",
                Msg::new("时间格式应为 HH:MM", "A time is HH:MM"),
            )
        })
}

/// 我的通知偏好 · Get my delivery preferences
///
/// 读取调用者本人的通知投递偏好。
///
/// Reads my delivery choices: the caller's own.
#[utoipa::path(
    tag = "me",
    responses((status = 200, description = "The caller's choices", body = PreferencesView)),
    security(("bearer" = []))
)]
#[get("/me/notification-preferences")]
pub async fn get_preferences(state: Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    let me = caller.own_id()?;
    let p = state.store.notification_preferences(me).await?;
    Ok(HttpResponse::Ok().json(preferences_view(p)))
}

/// 设置通知偏好 · Set my delivery preferences
///
/// 设置调用者本人的通知投递偏好：哪些类别只在应用内提醒、使用哪些渠道，以及免打扰时段。类别或渠道未
/// 知、时间格式错误时返回 422。
///
/// Sets my delivery choices: which kinds stay in the app only, which channels, and quiet hours.
/// An unknown kind or channel, or a bad time, is refused (422).
#[utoipa::path(
    tag = "me",
    request_body = PreferencesView,
    responses(
        (status = 200, description = "The choices as kept", body = PreferencesView),
        (status = 422, description = "Unknown kind or channel, bad time", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[put("/me/notification-preferences")]
pub async fn set_preferences(
    state: Data<AppState>,
    caller: Caller,
    body: JsonBody<PreferencesView>,
) -> ApiResult<HttpResponse> {
    let me = caller.own_id()?;
    let r = body.parse()?;
    let quiet_hours = match r.quiet_hours {
        None => None,
        Some(q) => Some(QuietHours {
            start: quiet_time("quiet_hours.start", &q.start)?,
            end: quiet_time("quiet_hours.end", &q.end)?,
        }),
    };
    let p = Preferences {
        muted: renda_domain::command::sorted_ids(r.muted),
        channels: r.channels.map(renda_domain::command::sorted_ids),
        quiet_hours,
    };
    let kept = state.store.set_notification_preferences(me, &p).await?;
    Ok(HttpResponse::Ok().json(preferences_view(kept)))
}

/// One delivery of a notification by one channel.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f30", "notification_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f10",
    "channel": "sms", "state": "sent", "attempts": 2, "next_attempt_at": "2026-12-06T02:00:30Z",
    "last_error": null, "sent_at": "2026-12-06T02:00:31Z", "created_at": "2026-12-06T02:00:00Z"
}))]
pub struct DeliveryView {
    pub id: Uuid,
    pub notification_id: Uuid,
    pub channel: Channel,
    pub state: DeliveryState,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    /// Why the last attempt failed (no message text, no phone number).
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

fn delivery_view(d: DeliveryRecord) -> DeliveryView {
    DeliveryView {
        id: d.id,
        notification_id: d.notification_id,
        channel: d.channel,
        state: d.state,
        attempts: d.attempts,
        next_attempt_at: d.next_attempt_at,
        last_error: d.last_error,
        sent_at: d.sent_at,
        created_at: d.created_at,
    }
}

/// Deliveries.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [{
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f30", "notification_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f10",
    "channel": "push", "state": "pending", "attempts": 1, "next_attempt_at": "2026-12-06T02:00:30Z",
    "last_error": "the gateway answered 503", "sent_at": null, "created_at": "2026-12-06T02:00:00Z"
}]}))]
pub struct DeliveryList {
    pub items: Vec<DeliveryView>,
}

/// 查看通知投递情况 · Get a notification's deliveries
///
/// 调用者的一条通知经各渠道发送的情况。不属于调用者的通知返回 404。
///
/// How one of my notifications went out, by channel. A notification not the caller's answers
/// 404.
#[utoipa::path(
    tag = "me",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "Its deliveries", body = DeliveryList),
        (status = 404, description = "No such notification of the caller's", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/me/notifications/{id}/deliveries")]
pub async fn notification_deliveries(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let me = caller.own_id()?;
    let items = state
        .store
        .deliveries_of_notification(me, id.into_inner())
        .await?;
    Ok(HttpResponse::Ok().json(DeliveryList {
        items: items.into_iter().map(delivery_view).collect(),
    }))
}

/// Which deliveries to list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryLogParams {
    pub state: Option<DeliveryState>,
    pub channel: Option<Channel>,
    /// How many, newest first (1 to 100, default 50).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100, default = 50)]
    pub limit: Option<u64>,
}

/// 通知投递日志 · List notification deliveries
///
/// 通知的投递日志，按时间倒序排列，供管理员查看发送网关是否出现故障。仅限管理员。
///
/// The delivery log of notifications, newest first (administrators, to see a gateway failing).
#[utoipa::path(
    tag = "webhooks",
    params(DeliveryLogParams),
    responses(
        (status = 200, description = "Deliveries", body = DeliveryList),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/notification-deliveries")]
pub async fn delivery_log(
    state: Data<AppState>,
    caller: Caller,
    params: QueryParams<DeliveryLogParams>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageWebhooks)?;
    let p = params.0;
    let items = state
        .store
        .notification_delivery_log(p.state, p.channel, p.limit.unwrap_or(50))
        .await?;
    Ok(HttpResponse::Ok().json(DeliveryList {
        items: items.into_iter().map(delivery_view).collect(),
    }))
}
