//! Live updates for web frontends: `GET /me/events`, server-sent events
//! of the caller's new notifications and of changes in their task counts.
//!
//! A stream looks for news when this instance makes a change, and at
//! least every second for what other instances wrote, reading back a few
//! seconds each time (a notification committed late by another instance
//! is still sent) and never sending one twice. A client that reconnects
//! with `Last-Event-ID` gets what it missed.

use std::collections::VecDeque;
use std::time::Duration;

use actix_web::web::{Bytes, Data};
use actix_web::{HttpRequest, HttpResponse, get};
use chrono::{DateTime, Utc};
use renda_auth::Action;
use renda_domain::tasks::Holder;
use uuid::Uuid;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::Caller;
use crate::routes::inbox::{notification_view, task_counts};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(my_events);
}

/// How far back each look reads, for notifications other instances
/// committed after later ones.
const LOOKBACK: chrono::Duration = chrono::Duration::seconds(5);
/// How often a stream looks for what other instances wrote.
const POLL: Duration = Duration::from_secs(1);
/// A comment line this often keeps proxies from closing an idle stream.
const HEARTBEAT_POLLS: u32 = 15;
/// Task counts are read again at most this often without a change here.
const TASK_POLLS: u32 = 10;
/// A stream ends after this long; the client reconnects with
/// `Last-Event-ID` (the `retry` field tells it how soon).
const LIFETIME_POLLS: u32 = 600;
/// The most notifications sent in one look.
const BATCH: u64 = 100;

struct Stream {
    state: Data<AppState>,
    user_id: Uuid,
    holder: Holder,
    /// Read from here on (less the lookback).
    since: DateTime<Utc>,
    /// The ids sent lately, not to send again.
    sent: VecDeque<Uuid>,
    tasks_json: Option<String>,
    changes: tokio::sync::watch::Receiver<u64>,
    polls: u32,
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

impl Stream {
    /// Looks for new notifications and changed task counts, queueing
    /// their events.
    async fn look(&mut self, tasks_too: bool) {
        let from = self.since - LOOKBACK;
        match self
            .state
            .store
            .notifications_since(self.user_id, from, BATCH)
            .await
        {
            Ok(list) => {
                for n in list {
                    if self.sent.contains(&n.id) {
                        continue;
                    }
                    self.since = self.since.max(n.created_at);
                    self.sent.push_back(n.id);
                    if self.sent.len() > 4 * BATCH as usize {
                        self.sent.pop_front();
                    }
                    let id = n.id;
                    let data = serde_json::to_string(&notification_view(n)).unwrap_or_default();
                    self.out.push_back(event(Some(id), "notification", &data));
                }
            }
            Err(e) => tracing::warn!(error = %e, "live stream could not read notifications"),
        }
        if tasks_too {
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
                return Some(b);
            }
            if self.done {
                return None;
            }
            let changed = tokio::time::timeout(POLL, self.changes.changed())
                .await
                .is_ok_and(|r| r.is_ok());
            self.polls = self.polls.saturating_add(1);
            if self.polls >= LIFETIME_POLLS {
                self.done = true;
            }
            self.look(changed || self.polls.is_multiple_of(TASK_POLLS))
                .await;
            if self.out.is_empty() && self.polls.is_multiple_of(HEARTBEAT_POLLS) {
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
    caller.require(Action::ReadSelf)?;
    let a = caller.actor()?;
    let user_id: Uuid = a.user_id.into();
    let holder = Holder {
        user_id: a.user_id,
        roles: a.roles.clone(),
        deputy_id: a.deputy_id,
        unit_id: a.unit_id,
    };
    // From the notification last received, or from now.
    let last = req
        .headers()
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<Uuid>().ok());
    let now = renda_domain::time::now();
    let since = match last {
        Some(id) => match state.store.notification(user_id, id).await {
            Ok(n) => n.created_at,
            Err(_) => now,
        },
        None => now,
    };
    let mut stream = Stream {
        changes: state.changes.subscribe(),
        state: state.clone(),
        user_id,
        holder,
        since,
        sent: last.into_iter().collect(),
        tasks_json: None,
        polls: 0,
        out: VecDeque::from([Bytes::from_static(b"retry: 3000\n\n")]),
        done: false,
    };
    if last.is_none() {
        // What came before this stream is in the inbox, not news.
        let recent = state
            .store
            .notifications_since(user_id, now - LOOKBACK, BATCH)
            .await?;
        stream.sent.extend(recent.into_iter().map(|n| n.id));
    }
    stream.look(true).await;
    let body = futures_util::stream::unfold(stream, |mut s| async move {
        s.next().await.map(|b| (Ok::<_, actix_web::Error>(b), s))
    });
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("cache-control", "no-cache"))
        .insert_header(("x-accel-buffering", "no"))
        .streaming(body))
}
