//! Live updates for web frontends: `GET /me/events`, server-sent events
//! of the caller's new notifications and of changes in their task counts.
//!
//! A stream looks for news when this instance makes a change, and at
//! least every second for what other instances wrote, reading back a few
//! seconds each time (a notification committed late by another instance
//! is still sent) and never sending one twice. A client that reconnects
//! with `Last-Event-ID` gets what it missed.

use std::collections::{HashMap, VecDeque};
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

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(my_events);
}

/// How far back each look reads, for notifications other instances
/// committed after later ones.
const LOOKBACK: chrono::Duration = chrono::Duration::seconds(5);
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
    /// The newest notification time seen; each look reads from
    /// [`LOOKBACK`] before it.
    since: DateTime<Utc>,
    /// The notifications sent (or received before the stream began) within
    /// the look-back, not to send again.
    sent: HashMap<Uuid, DateTime<Utc>>,
    tasks_json: Option<String>,
    tasks_read: Instant,
    changes: tokio::sync::watch::Receiver<u64>,
    started: Instant,
    last_out: Instant,
    /// What is ready to go out.
    out: VecDeque<Bytes>,
    done: bool,
}

fn event(id: Option<Uuid>, kind: &str, data: &str) -> Bytes {
    let mut s = String::new();
    if let Some(id) = id {
        s.push_str(&format!("id: {id}\n"));
    }
    s.push_str(&format!("event: {kind}\ndata: {data}\n\n"));
    Bytes::from(s)
}

/// The instant a time-ordered (v7) id was made, if it is one.
fn id_time(id: Uuid) -> Option<DateTime<Utc>> {
    let (secs, nanos) = id.get_timestamp()?.to_unix();
    DateTime::from_timestamp(i64::try_from(secs).ok()?, nanos)
}

impl Stream {
    /// Every notification in the look-back window and after, page by
    /// page.
    async fn read_window(&mut self) -> Vec<renda_persistence::notifications::Notification> {
        let from = self.since - LOOKBACK;
        let mut all = Vec::new();
        let mut after = None;
        loop {
            match self
                .state
                .store
                .notifications_since(self.user_id, from, after, PAGE)
                .await
            {
                Ok(page) => {
                    let full = page.len() as u64 == PAGE;
                    after = page.last().map(|n| (n.created_at, n.id));
                    all.extend(page);
                    if !full {
                        return all;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "live stream could not read notifications");
                    return all;
                }
            }
        }
    }

    /// Marks what is in the window up to `until` as received.
    async fn mark_received(&mut self, until: DateTime<Utc>) {
        for n in self.read_window().await {
            if n.created_at <= until {
                self.sent.insert(n.id, n.created_at);
            }
        }
    }

    /// Looks for new notifications and changed task counts, queueing
    /// their events.
    async fn look(&mut self, tasks_too: bool) {
        for n in self.read_window().await {
            if self.sent.contains_key(&n.id) {
                continue;
            }
            self.since = self.since.max(n.created_at);
            self.sent.insert(n.id, n.created_at);
            let id = n.id;
            let data = serde_json::to_string(&notification_view(n)).unwrap_or_default();
            self.out.push_back(event(Some(id), "notification", &data));
        }
        let horizon = self.since - LOOKBACK - chrono::Duration::seconds(1);
        self.sent.retain(|_, t| *t >= horizon);
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

/// Live updates: the caller's new notifications (`event: notification`,
/// its `id` the notification's, `data` as in the inbox) and their task
/// counts whenever they change (`event: tasks`, `data` with `total` and
/// `counts` as in `/me/tasks`), as server-sent events. A notification
/// reaches an open stream within about a second, whichever instance wrote
/// it. Reconnect with `Last-Event-ID` to get what was missed; without it,
/// the stream starts with the task counts and sends what is new. The
/// stream ends after ten minutes; clients reconnect. Browsers send the
/// bearer token with a fetch-based EventSource.
#[utoipa::path(
    tag = "me",
    params(("Last-Event-ID" = Option<Uuid>, Header, description = "The id of the last notification received")),
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
    // From the last event received, or from now. A notification's id
    // resumes after that notification; the first task counts' id
    // (`t<microseconds>`) after the moment the stream began.
    let last = req
        .headers()
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(str::trim);
    let now = renda_domain::time::now();
    let mut resumed = None;
    let since = match last {
        Some(l) if l.starts_with('t') => l[1..]
            .parse::<i64>()
            .ok()
            .and_then(DateTime::from_timestamp_micros),
        Some(l) => match l.parse::<Uuid>() {
            Ok(id) => match state.store.notification(user_id, id).await {
                Ok(n) => {
                    resumed = Some(n.id);
                    Some(n.created_at)
                }
                // Not the caller's, or gone: from the time of its id.
                Err(_) => id_time(id),
            },
            Err(_) => None,
        },
        None => None,
    }
    // Resuming goes back a day at most: older news is in the inbox.
    .filter(|t| *t <= now && now.signed_duration_since(*t) <= MAX_RESUME)
    .unwrap_or(now);
    let mut stream = Stream {
        changes: state.changes.subscribe(),
        state: state.clone(),
        user_id,
        holder,
        since,
        sent: HashMap::new(),
        tasks_json: None,
        tasks_read: Instant::now(),
        started: Instant::now(),
        last_out: Instant::now(),
        out: VecDeque::from([Bytes::from_static(b"retry: 3000\n\n")]),
        done: false,
    };
    // What the client had (up to its last event), or what came before the
    // stream (in the inbox), is not news.
    stream.mark_received(since).await;
    if let Some(id) = resumed {
        stream.sent.insert(id, since);
    }
    stream.look(true).await;
    // The first task counts carry the moment the stream began, so that a
    // client that received no notification yet still resumes from there.
    if let Some(first) = stream
        .out
        .iter_mut()
        .find(|b| b.starts_with(b"event: tasks"))
    {
        let at = stream.since.timestamp_micros();
        let mut with_id = format!("id: t{at}\n").into_bytes();
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
