//! How notifications reach people beyond the inbox: their phones for push
//! (`/me/devices`), their choices of kinds, channels and quiet hours
//! (`/me/notification-preferences`), and the delivery log.

use crate::routes::Routes;
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
use uuid::Uuid;
use validator::Validate;

use crate::AppState;
use crate::error::{ApiError, ApiResult, Msg, Problem};
use crate::extract::{Caller, JsonBody, QueryParams};

pub fn configure(cfg: &mut Routes) {
    cfg.service(list_devices)
        .service(register_device)
        .service(remove_device)
        .service(get_preferences)
        .service(set_preferences)
        .service(notification_deliveries)
        .service(delivery_log);
}

/// 登记用于推送的手机。
///
/// A phone registered for push.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f20", "platform": "android",
    "label": "张伟的手机", "created_at": "2026-12-06T02:00:00Z", "last_seen_at": "2026-12-06T02:00:00Z"
}))]
pub struct DeviceView {
    /// 设备的 id，移除设备时使用。
    ///
    /// The device's id, for removing it.
    pub id: Uuid,
    /// 手机平台：`ios`、`android` 或 `harmony`（鸿蒙）。
    ///
    /// The phone's platform: `ios`, `android` or `harmony` (HarmonyOS).
    pub platform: DevicePlatform,
    /// 手机的名称；没有时为空。
    ///
    /// A name for the phone; null when none.
    pub label: Option<String>,
    /// 首次登记的时间。
    ///
    /// When it was first registered.
    pub created_at: DateTime<Utc>,
    /// 最近一次登记（续期）的时间。
    ///
    /// When it was last registered (renewed).
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

/// 调用者的手机。
///
/// The caller's phones.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [{
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f20", "platform": "android",
    "label": "张伟的手机", "created_at": "2026-12-06T02:00:00Z", "last_seen_at": "2026-12-06T02:00:00Z"
}]}))]
pub struct DeviceList {
    /// 调用者登记的各部手机。
    ///
    /// The caller's registered phones.
    pub items: Vec<DeviceView>,
}

/// 要登记的手机：平台，以及其应用从推送服务获得的推送令牌。
///
/// A phone to register: its platform and the push token its app got from
/// the push service.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"platform": "android", "token": "dQw4w9WgXcQ:APA91bH-example", "label": "张伟的手机"}))]
pub struct DeviceRequest {
    /// 手机平台：`ios`、`android` 或 `harmony`（鸿蒙）。
    ///
    /// The phone's platform: `ios`, `android` or `harmony` (HarmonyOS).
    pub platform: DevicePlatform,
    /// 应用从推送服务获得的推送令牌，至多 512 个字符，不能为空白。
    ///
    /// The push token the app got from the push service: up to 512 characters, not blank.
    pub token: Line<512>,
    /// 手机的名称，至多 100 个字符；空白视为没有。
    ///
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

/// 免打扰时段，北京时间（`HH:MM`）；开始晚于结束时跨越午夜。
///
/// Hours with no messages, in China time (`HH:MM`); a start after the end
/// spans midnight.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuietHoursView {
    /// 开始时间，`HH:MM`，如 `22:00`。
    ///
    /// When it starts, `HH:MM`, such as `22:00`.
    #[schema(value_type = String, example = "22:00", pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub start: String,
    /// 结束时间，`HH:MM`，如 `07:00`。
    ///
    /// When it ends, `HH:MM`, such as `07:00`.
    #[schema(value_type = String, example = "07:00", pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub end: String,
}

/// 我的通知在收件箱之外如何送达（收件箱里有全部通知）。
///
/// How my notifications reach me beyond the inbox (which has them all).
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "muted": ["suggestion_evaluated"],
    "channels": ["push", "sms"],
    "quiet_hours": {"start": "22:00", "end": "07:00"}
}))]
pub struct PreferencesView {
    /// 不在应用之外发送的通知类别。
    ///
    /// Kinds not sent outside the app.
    #[serde(default)]
    #[validate(length(max = 50))]
    pub muted: Vec<NoticeKind>,
    /// 希望使用的渠道；`null` 表示本系统提供的全部渠道。
    ///
    /// The channels wanted; `null`: every channel this deployment offers.
    pub channels: Option<Vec<Channel>>,
    /// 在此时段内产生的消息等到时段结束后再发送；`null` 表示没有免打扰时段。
    ///
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

/// 一条通知经一个渠道的投递。
///
/// One delivery of a notification by one channel.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f30", "notification_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f10",
    "channel": "sms", "state": "sent", "attempts": 2, "next_attempt_at": "2026-12-06T02:00:30Z",
    "last_error": null, "sent_at": "2026-12-06T02:00:31Z", "created_at": "2026-12-06T02:00:00Z"
}))]
pub struct DeliveryView {
    /// 投递的 id。
    ///
    /// The delivery's id.
    pub id: Uuid,
    /// 所投递的通知的 id。
    ///
    /// The id of the notification delivered.
    pub notification_id: Uuid,
    /// 渠道：`sms`（短信）、`wecom`（企业微信）、`dingtalk`（钉钉）或 `push`（手机推送）。
    ///
    /// The channel: `sms`, `wecom` (WeCom), `dingtalk` (DingTalk) or `push`.
    pub channel: Channel,
    /// 投递状态：`pending`、`sent`、`failed` 或 `withdrawn`。
    ///
    /// Where it stands: `pending`, `sent`, `failed` or `withdrawn`.
    pub state: DeliveryState,
    /// 已尝试发送的次数。
    ///
    /// How many attempts were made.
    pub attempts: i32,
    /// 下一次（或最近一次）尝试安排的时间；免打扰时段内产生的消息安排在时段结束时。
    ///
    /// When the next attempt is (or the last was) due; quiet hours put it at their end.
    pub next_attempt_at: DateTime<Utc>,
    /// 最近一次尝试失败的原因（不含消息内容和手机号）。
    ///
    /// Why the last attempt failed (no message text, no phone number).
    pub last_error: Option<String>,
    /// 发送成功的时间；未发送时为空。
    ///
    /// When it was sent; null until then.
    pub sent_at: Option<DateTime<Utc>>,
    /// 投递产生的时间。
    ///
    /// When the delivery was made.
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

/// 投递记录。
///
/// Deliveries.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [{
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f30", "notification_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f10",
    "channel": "push", "state": "pending", "attempts": 1, "next_attempt_at": "2026-12-06T02:00:30Z",
    "last_error": "the gateway answered 503", "sent_at": null, "created_at": "2026-12-06T02:00:00Z"
}]}))]
pub struct DeliveryList {
    /// 投递记录；投递日志中最新的在前。
    ///
    /// The deliveries; in the delivery log, newest first.
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
