//! What waits for the caller: their work queues (`/me/tasks`) and their
//! notifications (`/me/notifications`).

use crate::routes::Routes;
use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, get, post};
use chrono::{DateTime, NaiveDate, Utc};
use renda_auth::Action;
use renda_domain::notice::{NoticeKind, SubjectKind};
use renda_domain::tasks::{Holder, TaskKind, days_left};
use renda_persistence::notifications::{InboxQuery, Notification};
use renda_persistence::tasks::{TaskCursor, TaskItem};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::AppState;
use crate::error::{ApiResult, Problem};
use crate::extract::{Caller, JsonBody, QueryParams};
use crate::pagination::{decode_opaque, encode_opaque};

pub fn configure(cfg: &mut Routes) {
    cfg.service(my_tasks)
        .service(unread_count)
        .service(list_notifications)
        .service(read_all)
        .service(read_one);
}

/// 待办或通知所涉及的记录。
///
/// The record a task or a notification is about.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectRef {
    /// 记录的类型，如 `suggestion`（代表建议）、`supervision`（监督事项）。
    ///
    /// The record's kind, such as `suggestion` or `supervision`.
    #[serde(rename = "type")]
    pub kind: SubjectKind,
    /// 记录的 id。
    ///
    /// The record's id.
    pub id: Uuid,
    /// 读取该记录的 API 路径。
    ///
    /// Where to read it.
    #[schema(example = "/api/v1/suggestions/01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e90")]
    pub link: String,
}

fn subject(kind: SubjectKind, id: Uuid) -> SubjectRef {
    SubjectRef {
        kind,
        id,
        link: format!("/api/v1/{}/{id}", kind.collection()),
    }
}

/// 某一类待办的件数。
///
/// How many tasks of a kind wait.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskCount {
    /// 待办类别。
    ///
    /// The kind of task.
    pub kind: TaskKind,
    /// 要做的事，中文，如“答复建议”。
    ///
    /// What to do, in Chinese.
    pub action: String,
    /// 该类待办的件数，可为 0。
    ///
    /// How many tasks of the kind wait; may be 0.
    pub count: u64,
}

/// 一项待办：要做什么、针对哪条记录、在哪天之前完成。
///
/// One task: what to do, on which record, and by when.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskView {
    /// 待办类别。
    ///
    /// The kind of task.
    pub kind: TaskKind,
    /// 要做的事，中文，如“答复建议”。
    ///
    /// What to do, in Chinese.
    pub action: String,
    /// 待办所涉及的记录。
    ///
    /// The record the task is about.
    pub subject: SubjectRef,
    /// 记录的编号（如 `2026-0012`）或标题的开头。
    ///
    /// The record's number, or the start of its title.
    pub label: String,
    /// 记录中等待处理的那条子记录（如承办单位的申请、面商记录）的 id；待办针对记录本身时为空。
    ///
    /// The record within it that waits (a unit's request, a consultation),
    /// when it is not the record itself.
    pub record_id: Option<Uuid>,
    /// 须在此日之前办理；没有期限时为空。
    ///
    /// The day to act by, when there is one.
    pub due_on: Option<NaiveDate>,
    /// 从今天（北京时间）到 `due_on` 的天数，过期后为负数；没有期限时为空。
    ///
    /// Days from today (China time) to `due_on`; negative once passed.
    pub days_left: Option<i64>,
    /// 是否已过期限（`days_left` 小于 0）。
    ///
    /// Whether the day to act by has passed (`days_left` below 0).
    pub overdue: bool,
    /// 开始等待的时间；不详时为空。
    ///
    /// Since when it waits, when known.
    pub since: Option<DateTime<Utc>>,
}

/// 等待调用者处理的事项（我的待办）。
///
/// What waits for the caller.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "total": 3,
    "counts": [
        {"kind": "reply_suggestion", "action": "答复建议", "count": 2},
        {"kind": "give_co_unit_opinion", "action": "提出协办意见", "count": 1},
        {"kind": "acknowledge_letter", "action": "签收转来信", "count": 0}
    ],
    "items": [{
        "kind": "reply_suggestion", "action": "答复建议",
        "subject": {"type": "suggestion", "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e90",
                    "link": "/api/v1/suggestions/01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e90"},
        "label": "2026-0012", "record_id": null,
        "due_on": "2026-12-20", "days_left": 14, "overdue": false,
        "since": "2026-11-20T02:00:00Z"
    }],
    "next_cursor": null
}))]
pub struct TasksResponse {
    /// 调用者各类待办的总件数。
    ///
    /// All tasks waiting, of every kind the caller holds.
    pub total: u64,
    /// 调用者可能承担的每类待办的件数（含 0），按列表顺序排列。
    ///
    /// Per kind the caller can hold (zero included), in listing order.
    pub counts: Vec<TaskCount>,
    /// 一页待办：按 `counts` 的类别顺序逐类列出，同类先按期限、再按等待时长排序。
    ///
    /// A page of tasks: kind by kind in the order of `counts`, each kind
    /// by due date and then by age.
    pub items: Vec<TaskView>,
    /// 下一页的 `cursor` 参数；最后一页为 `null`。
    ///
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// Which tasks to list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskParams {
    /// Page size, 1 to 100 (default 20).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    #[param(max_length = 200)]
    pub cursor: Option<String>,
    /// Only tasks of this kind (the counts still cover every kind).
    pub kind: Option<TaskKind>,
}

/// The caller as the work queues see them: account, roles, and the
/// deputy and unit they act for.
pub(crate) fn holder_of(caller: &Caller) -> ApiResult<Holder> {
    caller.require(Action::ReadSelf)?;
    let a = caller.actor()?;
    Ok(Holder {
        user_id: a.user_id,
        roles: a.roles.clone(),
        deputy_id: a.deputy_id,
        unit_id: a.unit_id,
    })
}

#[derive(Debug, Serialize, Deserialize)]
struct TaskCursorWire {
    k: TaskKind,
    i: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    d: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    t: Option<DateTime<Utc>>,
}

fn task_view(t: TaskItem, today: NaiveDate) -> TaskView {
    let left = t.due_on.map(|d| days_left(d, today));
    TaskView {
        kind: t.kind,
        action: t.kind.action().to_owned(),
        subject: subject(t.subject_kind, t.subject_id),
        label: t.label,
        record_id: t.record_id,
        due_on: t.due_on,
        days_left: left,
        overdue: left.is_some_and(|l| l < 0),
        since: t.since,
    }
}

/// 我的待办 · List my tasks
///
/// 我的待办：调用者在各业务领域的工作队列，按类别计数，并分页列出任务，每项包含所涉记录、要做的事以
/// 及截止日期和剩余天数。人大办看到待立案的提交、待交办的建议和待决定的单位申请；承办单位看到待答复
/// 的建议、到期的协办意见和待签收的来信；代表看到附议邀请、待评价的答复和待确认的面商记录；领导看到
/// 待签批的红色建议。
///
/// What waits for me: the caller's work queues across every area, with counts per kind and a
/// page of tasks, each with its record, what to do and the deadline with days left. The office
/// sees submissions to register, suggestions to assign and unit requests to decide; a unit,
/// suggestions to reply, co-unit opinions due and letters to acknowledge; a deputy,
/// co-signature invitations, replies to evaluate and consultation records to confirm; a leader,
/// red suggestions to sign off.
#[utoipa::path(
    tag = "me",
    params(TaskParams),
    responses(
        (status = 200, description = "What waits for the caller", body = TasksResponse),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/me/tasks")]
pub async fn my_tasks(
    state: Data<AppState>,
    caller: Caller,
    params: QueryParams<TaskParams>,
) -> ApiResult<HttpResponse> {
    let holder = holder_of(&caller)?;
    let p = params.0;
    let after = p
        .cursor
        .as_deref()
        .map(decode_opaque::<TaskCursorWire>)
        .transpose()?
        .map(|c| TaskCursor {
            kind: c.k,
            id: c.i,
            date: c.d,
            time: c.t,
        });
    let only: Vec<TaskKind> = p.kind.into_iter().collect();
    let today = state.clock.today();
    let page = state
        .store
        .tasks(
            &holder,
            &only,
            after,
            p.limit.unwrap_or(20),
            &state.handling,
            today,
        )
        .await?;
    Ok(HttpResponse::Ok().json(TasksResponse {
        total: page.counts.iter().map(|(_, n)| n).sum(),
        counts: counts_of(&page.counts),
        items: page
            .items
            .into_iter()
            .map(|t| task_view(t, today))
            .collect(),
        next_cursor: page.next.map(|c| {
            encode_opaque(&TaskCursorWire {
                k: c.kind,
                i: c.id,
                d: c.date,
                t: c.time,
            })
        }),
    }))
}

/// The task counts of a live stream's `tasks` event.
#[derive(Debug, Serialize)]
pub(crate) struct TaskCounts {
    total: u64,
    counts: Vec<TaskCount>,
}

fn counts_of(counts: &[(TaskKind, u64)]) -> Vec<TaskCount> {
    counts
        .iter()
        .map(|(k, n)| TaskCount {
            kind: *k,
            action: k.action().to_owned(),
            count: *n,
        })
        .collect()
}

/// How many tasks of each kind wait for `holder`.
pub(crate) async fn task_counts(state: &AppState, holder: &Holder) -> ApiResult<TaskCounts> {
    let page = state
        .store
        .tasks(holder, &[], None, 1, &state.handling, state.clock.today())
        .await?;
    Ok(TaskCounts {
        total: page.counts.iter().map(|(_, n)| n).sum(),
        counts: counts_of(&page.counts),
    })
}

/// 一条通知。
///
/// A notification.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f10",
    "kind": "suggestion_assigned",
    "text": "建议2026-0012已交由贵单位办理，请于2026-12-20前办理。",
    "subject": {"type": "suggestion", "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e90",
                "link": "/api/v1/suggestions/01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e90"},
    "due_on": "2026-12-20",
    "created_at": "2026-11-20T02:00:00Z",
    "read": false,
    "read_at": null
}))]
pub struct NotificationView {
    /// 通知的 id。
    ///
    /// The notification's id.
    pub id: Uuid,
    /// 通知类别，如 `suggestion_assigned`（建议已交办）。
    ///
    /// What the notification tells, such as `suggestion_assigned`.
    pub kind: NoticeKind,
    /// 通知内容：中文，简短，不含个人信息。
    ///
    /// Short, in Chinese, with no personal data.
    pub text: String,
    /// 通知所涉及的记录。
    ///
    /// The record the notification is about.
    pub subject: SubjectRef,
    /// 通知提到的办理期限；没有期限时为空。
    ///
    /// The deadline the notification mentions; null when none.
    pub due_on: Option<NaiveDate>,
    /// 通知产生的时间。
    ///
    /// When the notification was made.
    pub created_at: DateTime<Utc>,
    /// 是否已读。
    ///
    /// Whether it has been read.
    pub read: bool,
    /// 首次阅读的时间；未读时为空。
    ///
    /// When it was first read; null while unread.
    pub read_at: Option<DateTime<Utc>>,
}

pub(crate) fn notification_view(n: Notification) -> NotificationView {
    NotificationView {
        id: n.id,
        kind: n.kind,
        text: n.text,
        subject: subject(n.subject_kind, n.subject_id),
        due_on: n.due_on,
        created_at: n.created_at,
        read: n.read_at.is_some(),
        read_at: n.read_at,
    }
}

/// 调用者未读通知的数量。
///
/// How many of the caller's notifications are unread.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"unread": 3}))]
pub struct UnreadCount {
    /// 未读通知数。
    ///
    /// How many notifications are unread.
    pub unread: u64,
}

/// 调用者的一页通知，最新的在前。
///
/// A page of the caller's notifications, newest first.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [{
        "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f10",
        "kind": "suggestion_replied",
        "text": "您领衔的建议2026-0012已答复，请评价，请于2026-12-20前办理。",
        "subject": {"type": "suggestion", "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e90",
                    "link": "/api/v1/suggestions/01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e90"},
        "due_on": "2026-12-20", "created_at": "2026-11-20T02:00:00Z",
        "read": false, "read_at": null
    }],
    "next_cursor": null,
    "unread": 1
}))]
pub struct NotificationList {
    /// 本页的通知，最新的在前。
    ///
    /// The notifications of this page, newest first.
    pub items: Vec<NotificationView>,
    /// 下一页（更早的通知）的 `cursor` 参数；最后一页为 `null`。
    ///
    /// Pass as `cursor` for the next (older) page; `null` on the last.
    pub next_cursor: Option<String>,
    /// 未读通知的总数。
    ///
    /// How many are unread in all.
    pub unread: u64,
}

/// Which notifications to list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationParams {
    /// Page size, 1 to 100 (default 20).
    #[validate(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    #[param(max_length = 200)]
    pub cursor: Option<String>,
    /// Only the unread ones.
    pub unread: Option<bool>,
    pub kind: Option<NoticeKind>,
}

#[derive(Debug, Serialize, Deserialize)]
struct NotificationCursorWire {
    i: Uuid,
}

/// 未读通知数 · Count my unread notifications
///
/// 调用者未读通知的数量，用于显示角标。
///
/// How many of my notifications are unread: for a badge.
#[utoipa::path(
    tag = "me",
    responses((status = 200, description = "The unread count", body = UnreadCount)),
    security(("bearer" = []))
)]
#[get("/me/notifications/unread-count")]
pub async fn unread_count(state: Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    let me = caller.own_id()?;
    let unread = state.store.unread_notifications(me).await?;
    Ok(HttpResponse::Ok().json(UnreadCount { unread }))
}

/// 我的通知 · List my notifications
///
/// 调用者的通知，按时间倒序排列：我的建议收到答复、我的单位收到交办、我的申请有了决定、期限临近或已
/// 过等。同一事件对每人只通知一次。
///
/// My notifications, newest first: a reply to my suggestion, an assignment to my unit, a
/// decision on my request, a deadline near or passed, ... One per person per event.
#[utoipa::path(
    tag = "me",
    params(NotificationParams),
    responses(
        (status = 200, description = "A page of notifications", body = NotificationList),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/me/notifications")]
pub async fn list_notifications(
    state: Data<AppState>,
    caller: Caller,
    params: QueryParams<NotificationParams>,
) -> ApiResult<HttpResponse> {
    let me = caller.own_id()?;
    let p = params.0;
    let before = p
        .cursor
        .as_deref()
        .map(decode_opaque::<NotificationCursorWire>)
        .transpose()?
        .map(|c| c.i);
    let q = InboxQuery {
        unread_only: p.unread.unwrap_or(false),
        kind: p.kind,
        before,
        limit: p.limit.unwrap_or(20),
    };
    let page = state.store.notifications(me, &q).await?;
    let unread = state.store.unread_notifications(me).await?;
    Ok(HttpResponse::Ok().json(NotificationList {
        items: page.items.into_iter().map(notification_view).collect(),
        next_cursor: page
            .next
            .map(|i| encode_opaque(&NotificationCursorWire { i })),
        unread,
    }))
}

/// 标记通知已读 · Mark a notification read
///
/// 将调用者的一条通知标记为已读（重复标记无害，保留首次阅读的时间）。不属于调用者的通知返回 404。
///
/// Marks one of my notifications read (again is harmless: it keeps the time first read). A
/// notification not the caller's answers 404.
#[utoipa::path(
    tag = "me",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The notification, read", body = NotificationView),
        (status = 404, description = "No such notification of the caller's", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/me/notifications/{id}/read")]
pub async fn read_one(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let me = caller.own_id()?;
    let n = state
        .store
        .mark_notification_read(me, id.into_inner())
        .await?;
    Ok(HttpResponse::Ok().json(notification_view(n)))
}

/// 要标记为已读的通知。
///
/// Which notifications to mark read.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"up_to": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f10"}))]
pub struct ReadAllRequest {
    /// 调用者看到的最新一条通知的 id，此后的通知仍为未读；不填则全部标记已读。
    ///
    /// The newest notification the caller has seen: later ones stay
    /// unread. All when absent.
    pub up_to: Option<Uuid>,
}

/// 标记为已读的通知数和仍未读的通知数。
///
/// How many were marked read, and how many stay unread.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"marked": 3, "unread": 0}))]
pub struct ReadAllResponse {
    /// 本次标记为已读的通知数。
    ///
    /// How many notifications this call marked read.
    pub marked: u64,
    /// 仍未读的通知数。
    ///
    /// How many stay unread.
    pub unread: u64,
}

/// 全部标记已读 · Mark all my notifications read
///
/// 将调用者的全部通知标记为已读（截至请求中给出的那一条为止）。
///
/// Marks all my notifications read (up to the one given).
#[utoipa::path(
    tag = "me",
    request_body = ReadAllRequest,
    responses(
        (status = 200, description = "Marked read", body = ReadAllResponse),
        (status = 422, description = "Invalid body", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/me/notifications/read-all")]
pub async fn read_all(
    state: Data<AppState>,
    caller: Caller,
    body: JsonBody<ReadAllRequest>,
) -> ApiResult<HttpResponse> {
    let me = caller.own_id()?;
    let marked = state
        .store
        .mark_all_notifications_read(me, body.parse()?.up_to)
        .await?;
    let unread = state.store.unread_notifications(me).await?;
    Ok(HttpResponse::Ok().json(ReadAllResponse { marked, unread }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_counts_its_days_and_is_overdue_only_once_past() {
        let d = |day| NaiveDate::from_ymd_opt(2026, 12, day).unwrap_or_default();
        let item = |due| TaskItem {
            kind: TaskKind::ReplySuggestion,
            subject_kind: SubjectKind::Suggestion,
            subject_id: Uuid::from_u128(1),
            record_id: None,
            label: "2026-0001".into(),
            due_on: due,
            since: None,
        };
        let v = task_view(item(Some(d(20))), d(6));
        assert_eq!((v.days_left, v.overdue), (Some(14), false));
        assert_eq!(
            v.subject.link,
            "/api/v1/suggestions/00000000-0000-0000-0000-000000000001"
        );
        let v = task_view(item(Some(d(6))), d(6));
        assert_eq!((v.days_left, v.overdue), (Some(0), false));
        let v = task_view(item(Some(d(5))), d(6));
        assert_eq!((v.days_left, v.overdue), (Some(-1), true));
        let v = task_view(item(None), d(6));
        assert_eq!((v.days_left, v.overdue), (None, false));
    }
}
