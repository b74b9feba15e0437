//! Live updates for web frontends: `GET /me/events`, server-sent events
//! of the caller's new notifications and of changes in their task counts.
//!
//! A stream looks for news when this instance makes a change, and at
//! least every second for what other instances wrote. It reads the
//! caller's notifications by their number (given by the database once
//! each has committed, see migration 036), after the last it sent: one
//! another instance committed late is still sent, and none twice. A client that
//! reconnects with `Last-Event-ID` gets what it missed.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use actix_web::web::{Bytes, Data};
use actix_web::{HttpRequest, HttpResponse, get};
use chrono::{DateTime, Utc};
use renda_domain::tasks::Holder;
use uuid::Uuid;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::Caller;
use crate::routes::inbox::{holder_of, notification_view, task_counts};

pub fn configure(cfg: &mut crate::routes::Routes) {
    cfg.service(my_events);
}

/// How often a stream looks for what other instances wrote.
const POLL: Duration = Duration::from_secs(1);
/// A comment line this often keeps proxies from closing an idle stream.
const HEARTBEAT: Duration = Duration::from_secs(15);
/// Task counts are read again at least this often, and at most this often
/// however many changes wake the stream.
const TASKS_EVERY: Duration = Duration::from_secs(10);
const TASKS_AT_MOST: Duration = Duration::from_secs(1);
/// A stream ends after this long; the client reconnects with
/// `Last-Event-ID` (the `retry` field tells it how soon).
const LIFETIME: Duration = Duration::from_secs(600);
/// Notifications read at a time.
const PAGE: u64 = 100;
/// How far back `Last-Event-ID` may resume.
const MAX_RESUME: chrono::Duration = chrono::Duration::days(1);

struct Stream {
    state: Data<AppState>,
    user_id: Uuid,
    holder: Holder,
    /// The commit-order number of the last notification sent (or had
    /// before the stream began).
    after_seq: i64,
    /// Nothing made before this is sent: older news is in the inbox.
    not_before: DateTime<Utc>,
    tasks_json: Option<String>,
    tasks_read: Instant,
    changes: tokio::sync::watch::Receiver<u64>,
    started: Instant,
    last_out: Instant,
    /// What is ready to go out.
    out: VecDeque<Bytes>,
    done: bool,
}

fn event(id: Option<&str>, kind: &str, data: &str) -> Bytes {
    let mut s = String::new();
    if let Some(id) = id {
        s.push_str(&format!("id: {id}\n"));
    }
    s.push_str(&format!("event: {kind}\ndata: {data}\n\n"));
    Bytes::from(s)
}

impl Stream {
    /// Looks for new notifications and changed task counts, queueing
    /// their events.
    async fn look(&mut self, tasks_too: bool) {
        loop {
            let page = match self
                .state
                .store
                .notifications_after(self.user_id, self.after_seq, self.not_before, PAGE)
                .await
            {
                Ok(page) => page,
                Err(e) => {
                    tracing::warn!(error = %e, "live stream could not read notifications");
                    break;
                }
            };
            let full = page.len() as u64 == PAGE;
            for (seq, n) in page {
                self.after_seq = self.after_seq.max(seq);
                let id = n.id.to_string();
                let data = serde_json::to_string(&notification_view(n)).unwrap_or_default();
                self.out.push_back(event(Some(&id), "notification", &data));
            }
            if !full {
                break;
            }
        }
        if tasks_too {
            self.tasks_read = Instant::now();
            match task_counts(&self.state, &self.holder).await {
                Ok(t) => {
                    let data = serde_json::to_string(&t).unwrap_or_default();
                    if self.tasks_json.as_deref() != Some(data.as_str()) {
                        self.out.push_back(event(None, "tasks", &data));
                        self.tasks_json = Some(data);
                    }
                }
                Err(e) => tracing::warn!(error = ?e, "live stream could not read tasks"),
            }
        }
    }

    /// The next chunk to send, waiting for news as long as need be.
    async fn next(&mut self) -> Option<Bytes> {
        loop {
            if let Some(b) = self.out.pop_front() {
                self.last_out = Instant::now();
                return Some(b);
            }
            if self.done {
                return None;
            }
            let changed = tokio::time::timeout(POLL, self.changes.changed())
                .await
                .is_ok_and(|r| r.is_ok());
            if self.started.elapsed() >= LIFETIME {
                self.done = true;
            }
            let since_tasks = self.tasks_read.elapsed();
            let tasks_too = (changed && since_tasks >= TASKS_AT_MOST) || since_tasks >= TASKS_EVERY;
            self.look(tasks_too).await;
            if self.out.is_empty() && self.last_out.elapsed() >= HEARTBEAT {
                self.out.push_back(Bytes::from_static(b": keep-alive\n\n"));
            }
        }
    }
}

/// Where a stream resumes from `Last-Event-ID`: after a notification of
/// the caller's (its id), after a number the stream gave (`s<number>`,
/// the first task counts' id), or after the moment an older stream began
/// (`t<microseconds>`); `None` (from now) for anything else or older than
/// a day.
async fn resume_after(
    state: &AppState,
    user_id: Uuid,
    last: &str,
    now: DateTime<Utc>,
) -> Option<i64> {
    let recent = |t: DateTime<Utc>| t <= now && now.signed_duration_since(t) <= MAX_RESUME;
    if let Some(n) = last.strip_prefix('s') {
        return n.parse::<i64>().ok().filter(|n| *n >= 0);
    }
    if let Some(micros) = last.strip_prefix('t') {
        let t = micros
            .parse::<i64>()
            .ok()
            .and_then(DateTime::from_timestamp_micros)
            .filter(|t| recent(*t))?;
        return state
            .store
            .last_notification_seq(user_id, Some(t))
            .await
            .ok();
    }
    let id = last.parse::<Uuid>().ok()?;
    let n = state.store.notification(user_id, id).await.ok()?;
    if !recent(n.created_at) {
        return None;
    }
    state
        .store
        .notification_seq(user_id, id)
        .await
        .ok()
        .flatten()
}

/// 实时推送 · Stream live updates
///
/// 以服务器推送事件（server-sent events）实时推送调用者的新通知（`event: notification`，其 `id`
/// 即通知的 id，`data` 与收件箱中一致），以及调用者待办数量的每次变化（`event: tasks`，`data` 含
/// `total` 和 `counts`，与 `/me/tasks` 一致）。无论由哪个实例写入，通知都在约一秒内按提交后的编号顺序送达
/// 已打开的推送流。重连时携带 `Last-Event-ID`（某条通知的 id，或首个待办数量事件的 `s<number>`），
/// 可补收最多一天内错过的内容；不携带时，推送流先发送待办数量，再发送新内容。推送流十分钟后结束，
/// 客户端应重新连接。浏览器通过基于 fetch 的 EventSource 携带 bearer 令牌。
///
/// Live updates: the caller's new notifications (`event: notification`,
/// its `id` the notification's, `data` as in the inbox) and their task
/// counts whenever they change (`event: tasks`, `data` with `total` and
/// `counts` as in `/me/tasks`), as server-sent events. A notification
/// reaches an open stream within about a second, whichever instance wrote
/// it, in the order they were numbered once committed. Reconnect with `Last-Event-ID` (a
/// notification's id, or the first task counts' `s<number>`) to get what
/// was missed, up to a day back; without it, the stream starts with the
/// task counts and sends what is new. The
/// stream ends after ten minutes; clients reconnect. Browsers send the
/// bearer token with a fetch-based EventSource.
#[utoipa::path(
    tag = "me",
    params(("Last-Event-ID" = Option<String>, Header, description = "The id of the last event received: a notification's id, or the first task counts' `s<number>`")),
    responses(
        (status = 200, description = "A stream of server-sent events", content_type = "text/event-stream", body = String,
         example = json!("event: tasks\ndata: {\"total\":1,\"counts\":[{\"kind\":\"reply_suggestion\",\"action\":\"答复建议\",\"count\":1}]}\n\nid: 01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f10\nevent: notification\ndata: {\"id\":\"01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f10\",\"kind\":\"suggestion_assigned\"}\n\n")),
    ),
    security(("bearer" = []))
)]
#[get("/me/events")]
pub async fn my_events(
    state: Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let holder = holder_of(&caller)?;
    let user_id: Uuid = holder.user_id.into();
    let last = req
        .headers()
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(str::trim);
    let now = renda_domain::time::now();
    let resumed = match last {
        Some(l) => resume_after(&state, user_id, l, now).await,
        None => None,
    };
    // From the last event received, or from now: what came before the
    // stream is in the inbox, not news.
    let after_seq = match resumed {
        Some(n) => n,
        None => state.store.last_notification_seq(user_id, None).await?,
    };
    let mut stream = Stream {
        changes: state.changes.subscribe(),
        state: state.clone(),
        user_id,
        holder,
        after_seq,
        not_before: now - MAX_RESUME,
        tasks_json: None,
        tasks_read: Instant::now(),
        started: Instant::now(),
        last_out: Instant::now(),
        out: VecDeque::from([Bytes::from_static(b"retry: 3000\n\n")]),
        done: false,
    };
    // The first task counts come after the notifications the first look
    // sent, and carry the number of the last of them: a client resuming
    // from that id gets none of them again.
    stream.look(true).await;
    let start = format!("s{}", stream.after_seq);
    if let Some(first) = stream
        .out
        .iter_mut()
        .find(|b| b.starts_with(b"event: tasks"))
    {
        let mut with_id = format!("id: {start}\n").into_bytes();
        with_id.extend_from_slice(first);
        *first = Bytes::from(with_id);
    }
    let body = futures_util::stream::unfold(stream, |mut s| async move {
        s.next().await.map(|b| (Ok::<_, actix_web::Error>(b), s))
    });
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("cache-control", "no-cache"))
        .insert_header(("x-accel-buffering", "no"))
        .streaming(body))
}
