//! Delivery of notifications beyond the inbox. A notification written in
//! a change's transaction is the outbox entry: a sender fans it out into
//! one delivery per channel the person wants and the deployment offers
//! (`fan_out`), claims due deliveries under a lease, and records each
//! attempt. Several instances share the work; one that dies mid-delivery
//! lets its lease run out and another sends it.

use chrono::{DateTime, NaiveTime, Utc};
use renda_domain::delivery::{
    Channel, DeliveryState, DevicePlatform, MAX_ATTEMPTS, Preferences, QuietHours, plan,
};
use renda_domain::notice::{NoticeKind, SubjectKind};
use sea_orm::sea_query::{Cond, Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use uuid::Uuid;

use crate::entities::{
    deputy, device as dv, notification as n, notification_delivery as nd,
    notification_preference as np, user as u,
};
use crate::error::{StoreResult, parse_stored};
use crate::{Store, StoreError};

/// A phone registered for push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub id: Uuid,
    pub platform: DevicePlatform,
    pub token: String,
    pub label: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

fn device_from(m: dv::Model) -> StoreResult<Device> {
    Ok(Device {
        id: m.id,
        platform: parse_stored(&m.platform)?,
        token: m.token,
        label: m.label,
        created_at: m.created_at,
        last_seen_at: m.last_seen_at,
    })
}

/// One attempt's work: the message and where it goes.
#[derive(Debug, Clone)]
pub struct DeliveryJob {
    pub id: Uuid,
    pub channel: Channel,
    pub attempts: i32,
    pub kind: NoticeKind,
    pub subject_kind: SubjectKind,
    pub subject_id: Uuid,
    pub text: String,
    /// For SMS: the phone on record of the deputy the account acts for.
    pub phone: Option<String>,
    /// For push: the account's phones not reached by an earlier attempt,
    /// each with its id.
    pub devices: Vec<(Uuid, DevicePlatform, String)>,
    /// For push: an earlier attempt reached some of the phones.
    pub partly_sent: bool,
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    Sent,
    /// Failed; tried again at `at` unless attempts are used up. `reached`:
    /// the phones a push reached all the same, not sent to again.
    Failed {
        error: String,
        retry_at: DateTime<Utc>,
        reached: Vec<Uuid>,
    },
    /// Nothing to send to (no phone, no device): not tried again.
    Unreachable(String),
}

/// One line of the delivery log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRecord {
    pub id: Uuid,
    pub notification_id: Uuid,
    pub channel: Channel,
    pub state: DeliveryState,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

fn record_from(m: nd::Model) -> StoreResult<DeliveryRecord> {
    Ok(DeliveryRecord {
        id: m.id,
        notification_id: m.notification_id,
        channel: parse_stored(&m.channel)?,
        state: parse_stored(&m.status)?,
        attempts: m.attempts,
        next_attempt_at: m.next_attempt_at,
        last_error: m.last_error,
        sent_at: m.sent_at,
        created_at: m.created_at,
    })
}

/// The phones an account keeps registered.
pub const MAX_DEVICES: u64 = 10;

/// Notifications older than this when a sender first sees them are not
/// sent outside the app (channels configured later do not send the past;
/// a sender down for a day does not send yesterday's news).
const FAN_OUT_WINDOW: chrono::Duration = chrono::Duration::hours(24);

fn time_text(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

fn list_text<T: std::fmt::Display>(v: &[T]) -> String {
    v.iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

fn parse_list<T: std::str::FromStr>(s: &str) -> Vec<T> {
    s.split(',').filter_map(|p| p.trim().parse().ok()).collect()
}

fn preferences_from(m: Option<np::Model>) -> Preferences {
    let Some(m) = m else {
        return Preferences::default();
    };
    let time = |s: &Option<String>| {
        s.as_deref()
            .and_then(|t| NaiveTime::parse_from_str(t, "%H:%M").ok())
    };
    Preferences {
        muted: parse_list(&m.muted),
        channels: m.channels.as_deref().map(parse_list),
        quiet_hours: match (time(&m.quiet_start), time(&m.quiet_end)) {
            (Some(start), Some(end)) => Some(QuietHours { start, end }),
            _ => None,
        },
    }
}

async fn preferences_of<C: ConnectionTrait>(c: &C, user_id: Uuid) -> StoreResult<Preferences> {
    Ok(preferences_from(
        np::Entity::find_by_id(user_id).one(c).await?,
    ))
}

/// How an account can be reached.
struct Reach {
    /// Active, not disabled nor deleted.
    active: bool,
    /// It works in the chat groups (the office's and units' people do).
    in_group: bool,
    /// SMS can reach it: the deputy it acts for has a phone on record.
    has_phone: bool,
}

async fn reach_of<C: ConnectionTrait>(c: &C, user_id: Uuid) -> StoreResult<Reach> {
    let user = u::Entity::find_by_id(user_id).one(c).await?;
    let active = user.as_ref().is_some_and(|u| {
        u.deleted_at.is_none() && u.status == renda_domain::user::UserStatus::Active.as_str()
    });
    let in_group = user.as_ref().is_some_and(|u| {
        let roles = renda_domain::RoleSet::from_storage(&u.roles);
        roles.any(&[renda_domain::Role::Staff, renda_domain::Role::Unit])
    });
    let has_phone = match user.and_then(|u| u.deputy_id) {
        Some(d) => deputy::Entity::find_by_id(d)
            .one(c)
            .await?
            .is_some_and(|d| d.phone.is_some()),
        None => false,
    };
    Ok(Reach {
        active,
        in_group,
        has_phone,
    })
}

/// How many times a claim looks again past deliveries held or withdrawn
/// as they were claimed.
const HELD_LOOKS: usize = 50;

impl Store {
    /// The person's delivery choices.
    pub async fn notification_preferences(&self, user_id: Uuid) -> StoreResult<Preferences> {
        preferences_of(&self.db, user_id).await
    }

    /// Replaces the person's delivery choices.
    pub async fn set_notification_preferences(
        &self,
        user_id: Uuid,
        p: &Preferences,
    ) -> StoreResult<Preferences> {
        let model = np::ActiveModel {
            user_id: Set(user_id),
            muted: Set(list_text(&p.muted)),
            channels: Set(p.channels.as_deref().map(list_text)),
            quiet_start: Set(p.quiet_hours.map(|q| time_text(q.start))),
            quiet_end: Set(p.quiet_hours.map(|q| time_text(q.end))),
            updated_at: Set(renda_domain::time::now()),
        };
        let txn = self.db.begin().await?;
        np::Entity::delete_by_id(user_id).exec(&txn).await?;
        model.insert(&txn).await?;
        txn.commit().await?;
        self.notification_preferences(user_id).await
    }

    /// Registers a phone for push, or renews it; a token another account
    /// registered moves to this one (the phone changed hands).
    pub async fn register_device(
        &self,
        user_id: Uuid,
        platform: DevicePlatform,
        token: &str,
        label: Option<String>,
    ) -> StoreResult<(Device, bool)> {
        let now = renda_domain::time::now();
        let txn = self.db.begin().await?;
        let existing = dv::Entity::find()
            .filter(dv::Column::Token.eq(token))
            .one(&txn)
            .await?;
        let (model, created) = match existing {
            Some(m) => {
                let mut a: dv::ActiveModel = m.into();
                a.user_id = Set(user_id);
                a.platform = Set(platform.as_str().to_owned());
                a.label = Set(label);
                a.last_seen_at = Set(now);
                (a.update(&txn).await?, false)
            }
            None => (
                dv::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    user_id: Set(user_id),
                    platform: Set(platform.as_str().to_owned()),
                    token: Set(token.to_owned()),
                    label: Set(label),
                    created_at: Set(now),
                    last_seen_at: Set(now),
                }
                .insert(&txn)
                .await?,
                true,
            ),
        };
        // An account keeps its newest phones; the oldest beyond the cap
        // are signed out of push.
        let stale: Vec<Uuid> = dv::Entity::find()
            .filter(dv::Column::UserId.eq(user_id))
            .order_by_desc(dv::Column::LastSeenAt)
            .order_by_desc(dv::Column::Id)
            .all(&txn)
            .await?
            .into_iter()
            .skip(usize::try_from(MAX_DEVICES).unwrap_or(usize::MAX))
            .map(|d| d.id)
            .collect();
        if !stale.is_empty() {
            dv::Entity::delete_many()
                .filter(dv::Column::Id.is_in(stale))
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        Ok((device_from(model)?, created))
    }

    /// The person's phones, oldest first.
    pub async fn devices(&self, user_id: Uuid) -> StoreResult<Vec<Device>> {
        dv::Entity::find()
            .filter(dv::Column::UserId.eq(user_id))
            .order_by_asc(dv::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(device_from)
            .collect()
    }

    /// Removes one of the person's phones; another's is not found.
    pub async fn remove_device(&self, user_id: Uuid, id: Uuid) -> StoreResult<()> {
        let res = dv::Entity::delete_many()
            .filter(dv::Column::Id.eq(id))
            .filter(dv::Column::UserId.eq(user_id))
            .exec(&self.db)
            .await?;
        if res.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Turns new notifications into deliveries by the channels `offered`
    /// and each person's choices; each notification once, whichever
    /// instance gets it. Returns how many notifications it looked at (at
    /// most `limit`: fewer when none are left).
    pub async fn fan_out_notifications(&self, offered: &[Channel], limit: u64) -> StoreResult<u64> {
        let now = renda_domain::time::now();
        let rows = n::Entity::find()
            .filter(n::Column::FannedOut.eq(false))
            .order_by_asc(n::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?;
        let seen = rows.len() as u64;
        for m in rows {
            let id = m.id;
            match self.fan_out_one(m, offered, now).await {
                Ok(_) => {}
                // A row that cannot be fanned out (an unknown kind from a
                // newer version) is passed over, not retried forever.
                Err(e) => {
                    tracing::warn!(notification = %id, error = %e, "a notification could not be fanned out");
                    n::Entity::update_many()
                        .col_expr(n::Column::FannedOut, Expr::value(true))
                        .filter(n::Column::Id.eq(id))
                        .exec(&self.db)
                        .await?;
                }
            }
        }
        Ok(seen)
    }

    /// Fans one notification out, if no other sender did; how many
    /// deliveries it made.
    async fn fan_out_one(
        &self,
        m: n::Model,
        offered: &[Channel],
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let mut made = 0;
        let txn = self.db.begin().await?;
        let claimed = n::Entity::update_many()
            .col_expr(n::Column::FannedOut, Expr::value(true))
            .filter(n::Column::Id.eq(m.id))
            .filter(n::Column::FannedOut.eq(false))
            .exec(&txn)
            .await?;
        if claimed.rows_affected == 1 && m.created_at > now - FAN_OUT_WINDOW {
            let kind: NoticeKind = parse_stored(&m.kind)?;
            let prefs = preferences_of(&txn, m.user_id).await?;
            let reach = reach_of(&txn, m.user_id).await?;
            let planned = plan(&prefs, kind, offered, reach.in_group, reach.has_phone, now);
            // An account no longer active gets nothing for itself; a group's
            // post still goes.
            for (channel, at) in planned
                .into_iter()
                .filter(|(c, _)| reach.active || c.is_group())
            {
                // A group's robot gets a notice once, however many of the
                // group it concerns and however many senders fan it out
                // at once: the key is unique.
                let group_key = channel
                    .is_group()
                    .then(|| format!("{}:{}", m.key, channel.as_str()));
                let row = nd::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    notification_id: Set(m.id),
                    user_id: Set(m.user_id),
                    channel: Set(channel.as_str().to_owned()),
                    status: Set(DeliveryState::Pending.as_str().to_owned()),
                    attempts: Set(0),
                    next_attempt_at: Set(at),
                    claimed_by: Set(None),
                    claimed_until: Set(None),
                    last_error: Set(None),
                    sent_at: Set(None),
                    created_at: Set(now),
                    group_key: Set(group_key),
                    reached: Set(None),
                };
                made += nd::Entity::insert(row)
                    .on_conflict(
                        OnConflict::column(nd::Column::GroupKey)
                            .do_nothing()
                            .to_owned(),
                    )
                    .exec_without_returning(&txn)
                    .await?;
            }
        }
        txn.commit().await?;
        Ok(made)
    }

    /// Claims up to `limit` due deliveries for `worker` until `lease` has
    /// passed, with what each needs to be sent.
    pub async fn claim_notification_deliveries(
        &self,
        worker: &str,
        channels: &[Channel],
        limit: u64,
        lease: chrono::Duration,
    ) -> StoreResult<Vec<DeliveryJob>> {
        let now = renda_domain::time::now();
        let mut jobs = Vec::new();
        // Those held or withdrawn as they are claimed make no job: look
        // again, so that they hold up nothing behind them (bounded, as
        // each look changes or skips what it read).
        for _ in 0..HELD_LOOKS {
            let due = nd::Entity::find()
                .filter(nd::Column::Status.eq(DeliveryState::Pending.as_str()))
                // Only the channels this instance can send by.
                .filter(nd::Column::Channel.is_in(channels.iter().map(|c| c.as_str())))
                .filter(nd::Column::NextAttemptAt.lte(now))
                .filter(
                    Cond::any()
                        .add(nd::Column::ClaimedUntil.is_null())
                        .add(nd::Column::ClaimedUntil.lt(now)),
                )
                .order_by_asc(nd::Column::NextAttemptAt)
                .limit(limit)
                .all(&self.db)
                .await?;
            if due.is_empty() {
                break;
            }
            for d in due {
                if let Some(job) = self.claim_one(worker, d.id, now, lease).await? {
                    jobs.push(job);
                }
            }
            if !jobs.is_empty() {
                break;
            }
        }
        Ok(jobs)
    }

    /// Claims one due delivery for `worker`, reading it afresh once
    /// claimed: its job, or `None` when another took it or it is not to
    /// go now (held, withdrawn, given up).
    async fn claim_one(
        &self,
        worker: &str,
        id: Uuid,
        now: DateTime<Utc>,
        lease: chrono::Duration,
    ) -> StoreResult<Option<DeliveryJob>> {
        let claimed = nd::Entity::update_many()
            .col_expr(nd::Column::ClaimedBy, Expr::value(Some(worker.to_owned())))
            .col_expr(nd::Column::ClaimedUntil, Expr::value(Some(now + lease)))
            .filter(nd::Column::Id.eq(id))
            .filter(nd::Column::Status.eq(DeliveryState::Pending.as_str()))
            // Not before its time, should another have just put it off.
            .filter(nd::Column::NextAttemptAt.lte(now))
            .filter(
                Cond::any()
                    .add(nd::Column::ClaimedUntil.is_null())
                    .add(nd::Column::ClaimedUntil.lt(now)),
            )
            .exec(&self.db)
            .await?;
        if claimed.rows_affected != 1 {
            return Ok(None);
        }
        // As it is now that it is ours (attempts, the phones reached).
        let Some(d) = nd::Entity::find_by_id(id).one(&self.db).await? else {
            return Ok(None);
        };
        // The person's choices as they are now: a kind muted or a channel
        // dropped since withdraws it, quiet hours begun since (or a retry
        // falling in them) hold it.
        let planned = self.replan(&d, now).await;
        match planned {
            Ok(Some(at)) if at <= now => {}
            Ok(at) => {
                self.hold_or_withdraw(worker, d.id, at).await?;
                return Ok(None);
            }
            Err(_) => {}
        }
        match self.job_of(&d).await {
            // The choices could not be read though the delivery can: a
            // passing fault; tried again shortly, not sent unchecked.
            Ok(_) if planned.is_err() => {
                let soon = now + chrono::Duration::seconds(30);
                self.hold_or_withdraw(worker, d.id, Some(soon)).await?;
                Ok(None)
            }
            Ok(job) => Ok(Some(job)),
            // A delivery that cannot be read (its notification gone, a
            // phone no key opens) is given up, not retried forever, and
            // holds up no other.
            Err(e) => {
                tracing::warn!(delivery = %d.id, error = %e, "a notification delivery cannot be read");
                self.finish_notification_delivery(
                    worker,
                    d.id,
                    Attempt::Unreachable("the delivery could not be read".into()),
                )
                .await?;
                Ok(None)
            }
        }
    }

    /// When a delivery would go by the person's choices as they are now;
    /// `None` when it would not go at all.
    async fn replan(
        &self,
        d: &nd::Model,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<DateTime<Utc>>> {
        let note = n::Entity::find_by_id(d.notification_id)
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        let kind: NoticeKind = parse_stored(&note.kind)?;
        let channel: Channel = parse_stored(&d.channel)?;
        // A group's post stands for all the group it concerns, not for the
        // one person whose notification made it: it goes as planned.
        if channel.is_group() {
            return Ok(Some(now));
        }
        let reach = reach_of(&self.db, d.user_id).await?;
        if !reach.active {
            return Ok(None);
        }
        let prefs = preferences_of(&self.db, d.user_id).await?;
        Ok(plan(
            &prefs,
            kind,
            &[channel],
            reach.in_group,
            reach.has_phone,
            now,
        )
        .first()
        .map(|(_, at)| *at))
    }

    /// Releases `worker`'s claim on a delivery not to go now: held until
    /// `at`, or withdrawn when it is not to go at all. No attempt counts.
    async fn hold_or_withdraw(
        &self,
        worker: &str,
        id: Uuid,
        at: Option<DateTime<Utc>>,
    ) -> StoreResult<()> {
        let mut q = nd::Entity::update_many()
            .col_expr(nd::Column::ClaimedBy, Expr::value(None::<String>))
            .col_expr(nd::Column::ClaimedUntil, Expr::value(None::<DateTime<Utc>>));
        q = match at {
            Some(at) => q.col_expr(nd::Column::NextAttemptAt, Expr::value(at)),
            None => q.col_expr(
                nd::Column::Status,
                Expr::value(DeliveryState::Withdrawn.as_str()),
            ),
        };
        q.filter(nd::Column::Id.eq(id))
            .filter(nd::Column::ClaimedBy.eq(worker))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// What a claimed delivery needs to be sent.
    async fn job_of(&self, d: &nd::Model) -> StoreResult<DeliveryJob> {
        let note = n::Entity::find_by_id(d.notification_id)
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        let channel: Channel = parse_stored(&d.channel)?;
        let phone = match channel {
            Channel::Sms => self.deputy_phone_of(d.user_id).await?,
            _ => None,
        };
        let reached: Vec<Uuid> = d
            .reached
            .as_deref()
            .and_then(|r| serde_json::from_str(r).ok())
            .unwrap_or_default();
        let devices = match channel {
            Channel::Push => self
                .devices(d.user_id)
                .await?
                .into_iter()
                .filter(|x| !reached.contains(&x.id))
                .map(|x| (x.id, x.platform, x.token))
                .collect(),
            _ => Vec::new(),
        };
        Ok(DeliveryJob {
            id: d.id,
            channel,
            attempts: d.attempts,
            kind: parse_stored(&note.kind)?,
            subject_kind: parse_stored(&note.subject_kind)?,
            subject_id: note.subject_id,
            text: note.text,
            phone,
            devices,
            partly_sent: !reached.is_empty(),
        })
    }

    /// The phone on record of the deputy the account acts for.
    async fn deputy_phone_of(&self, user_id: Uuid) -> StoreResult<Option<String>> {
        let Some(deputy_id) = u::Entity::find_by_id(user_id)
            .one(&self.db)
            .await?
            .and_then(|m| m.deputy_id)
        else {
            return Ok(None);
        };
        let Some(d) = deputy::Entity::find_by_id(deputy_id).one(&self.db).await? else {
            return Ok(None);
        };
        crate::crypto::open_field(&self.crypto, "deputies.phone", d.id, d.phone)
    }

    /// Records how `worker`'s attempt at a delivery ended.
    pub async fn finish_notification_delivery(
        &self,
        worker: &str,
        id: Uuid,
        attempt: Attempt,
    ) -> StoreResult<()> {
        let now = renda_domain::time::now();
        let mut q = nd::Entity::update_many()
            .col_expr(nd::Column::Attempts, Expr::col(nd::Column::Attempts).add(1))
            .col_expr(nd::Column::ClaimedBy, Expr::value(None::<String>))
            .col_expr(nd::Column::ClaimedUntil, Expr::value(None::<DateTime<Utc>>));
        let (state, error) = match attempt {
            Attempt::Sent => {
                q = q.col_expr(nd::Column::SentAt, Expr::value(Some(now)));
                (DeliveryState::Sent, None)
            }
            Attempt::Failed {
                error,
                retry_at,
                reached,
            } => {
                q = q.col_expr(nd::Column::NextAttemptAt, Expr::value(retry_at));
                if !reached.is_empty() {
                    // Added to those reached before: a retry goes to the rest.
                    let before: Vec<Uuid> = nd::Entity::find_by_id(id)
                        .one(&self.db)
                        .await?
                        .and_then(|m| m.reached)
                        .and_then(|r| serde_json::from_str(&r).ok())
                        .unwrap_or_default();
                    let mut all = before;
                    all.extend(reached);
                    all.sort();
                    all.dedup();
                    let all = serde_json::to_string(&all).unwrap_or_default();
                    q = q.col_expr(nd::Column::Reached, Expr::value(Some(all)));
                }
                // The last attempt allowed gives up.
                let last = Expr::col(nd::Column::Attempts)
                    .add(1)
                    .gte(i32::try_from(MAX_ATTEMPTS).unwrap_or(i32::MAX));
                q = q.col_expr(
                    nd::Column::Status,
                    Expr::case(last, DeliveryState::Failed.as_str())
                        .finally(DeliveryState::Pending.as_str())
                        .into(),
                );
                (DeliveryState::Pending, Some(error))
            }
            Attempt::Unreachable(why) => (DeliveryState::Failed, Some(why)),
        };
        if !matches!(state, DeliveryState::Pending) {
            q = q.col_expr(nd::Column::Status, Expr::value(state.as_str()));
        }
        let error = error.map(|e| e.chars().take(200).collect::<String>());
        q.col_expr(nd::Column::LastError, Expr::value(error))
            .filter(nd::Column::Id.eq(id))
            .filter(nd::Column::ClaimedBy.eq(worker))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// The deliveries of one of the person's notifications.
    pub async fn deliveries_of_notification(
        &self,
        user_id: Uuid,
        notification_id: Uuid,
    ) -> StoreResult<Vec<DeliveryRecord>> {
        self.notification(user_id, notification_id).await?;
        nd::Entity::find()
            .filter(nd::Column::NotificationId.eq(notification_id))
            .order_by_asc(nd::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(record_from)
            .collect()
    }

    /// The delivery log, newest first, optionally of one state and channel.
    pub async fn notification_delivery_log(
        &self,
        state: Option<DeliveryState>,
        channel: Option<Channel>,
        limit: u64,
    ) -> StoreResult<Vec<DeliveryRecord>> {
        let mut q = nd::Entity::find();
        if let Some(s) = state {
            q = q.filter(nd::Column::Status.eq(s.as_str()));
        }
        if let Some(c) = channel {
            q = q.filter(nd::Column::Channel.eq(c.as_str()));
        }
        q.order_by_desc(nd::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(record_from)
            .collect()
    }
}
