//! The outbox of events and their deliveries.

use super::*;

/// An event to record with the change it reports.
#[derive(Debug, Clone)]
pub struct EventDraft {
    /// `suggestion`, `supervision`, `livelihood_round`, `opinion`.
    pub object_type: &'static str,
    pub object_id: Uuid,
    /// What happened (`replied`, `became_overdue`); the event's type is
    /// `<object_type>.<action>`.
    pub action: String,
    /// A few facts of the object after the change (status, number).
    pub data: serde_json::Value,
    pub audience: Audience,
}

/// Writes an event to the outbox on `c`, the transaction of the change.
/// Each object's events are numbered 1, 2, 3… in the order of its changes:
/// the change itself has locked the object's row, so two changes of one
/// object cannot number alike (and if they did, the unique index would
/// refuse the second and its transaction would roll back).
pub(crate) async fn emit<C: ConnectionTrait>(c: &C, draft: EventDraft) -> StoreResult<()> {
    c.execute_raw(next_event(c.get_database_backend(), draft))
        .await?;
    Ok(())
}

/// The insert [`emit`] makes, to send with the other inserts of the
/// change: the event takes the number after its object's last in the same
/// statement, on both databases.
pub(crate) fn next_event(backend: sea_orm::DbBackend, draft: EventDraft) -> sea_orm::Statement {
    let (e, payload) = Draft::of(draft);
    // The payload names the number, known only to the statement: it is
    // written as the text before the number, the number, and the rest.
    let marker = format!("\"{}\"", Uuid::now_v7());
    let text = payload(serde_json::Value::String(
        marker[1..marker.len() - 1].to_owned(),
    ));
    let (before, after) = text.split_once(&marker).unwrap_or((&text, ""));
    let sql = "INSERT INTO outbox_events (id, event_type, object_type, object_id, object_seq, \
         occurred_at, payload, audience_office, audience_units, dispatched) \
         SELECT $1, $2, $3, $4, n.seq, $5, $6 || n.seq || $7, $8, $9, $10 \
         FROM (SELECT COALESCE(MAX(object_seq), 0) + 1 AS seq FROM outbox_events \
         WHERE object_type = $3 AND object_id = $4) AS n";
    let values: Vec<sea_orm::Value> = vec![
        e.id.into(),
        e.event_type.into(),
        e.object_type.to_owned().into(),
        e.object_id.into(),
        e.occurred_at.into(),
        before.to_owned().into(),
        after.to_owned().into(),
        e.audience_office.into(),
        e.audience_units.into(),
        false.into(),
    ];
    sea_orm::Statement::from_sql_and_values(backend, sql, values)
}

/// The insert of the first event of an object just created, to send with
/// the others of its change.
pub(crate) fn first_event(backend: sea_orm::DbBackend, draft: EventDraft) -> sea_orm::Statement {
    let (e, payload) = Draft::of(draft);
    let row = ob::ActiveModel {
        id: Set(e.id),
        event_type: Set(e.event_type),
        object_type: Set(e.object_type.to_owned()),
        object_id: Set(e.object_id),
        object_seq: Set(1),
        occurred_at: Set(e.occurred_at),
        payload: Set(payload(serde_json::json!(1))),
        audience_office: Set(e.audience_office),
        audience_units: Set(e.audience_units),
        dispatched: Set(false),
    };
    sea_orm::QueryTrait::build(&ob::Entity::insert(row), backend)
}

/// An event's columns but its number, and its payload given the number.
struct Draft {
    id: Uuid,
    event_type: String,
    object_type: &'static str,
    object_id: Uuid,
    occurred_at: chrono::DateTime<chrono::Utc>,
    audience_office: bool,
    audience_units: String,
}

impl Draft {
    fn of(draft: EventDraft) -> (Self, impl FnOnce(serde_json::Value) -> String) {
        let e = Draft {
            id: Uuid::now_v7(),
            event_type: format!("{}.{}", draft.object_type, draft.action),
            object_type: draft.object_type,
            object_id: draft.object_id,
            occurred_at: renda_domain::time::now(),
            audience_office: draft.audience.office,
            audience_units: join_list(&draft.audience.units),
        };
        let (id, event_type, occurred_at) = (e.id, e.event_type.clone(), e.occurred_at);
        let payload = move |seq: serde_json::Value| {
            serde_json::json!({
                "id": id,
                "type": event_type,
                "occurred_at": occurred_at,
                "object": {"type": draft.object_type, "id": draft.object_id, "seq": seq},
                "data": draft.data,
            })
            .to_string()
        };
        (e, payload)
    }
}

pub use renda_domain::integration::DeliveryStatus;

/// A delivery, as its subscriber sees it in the delivery log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: Uuid,
    pub subscription_id: Uuid,
    pub event_id: Uuid,
    pub event_type: String,
    pub object_type: String,
    pub object_id: Uuid,
    pub object_seq: i64,
    pub occurred_at: DateTime<Utc>,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A claimed delivery, ready to send.
#[derive(Debug, Clone)]
pub struct DeliveryJob {
    pub delivery_id: Uuid,
    pub subscription_id: Uuid,
    pub url: String,
    pub secret: String,
    pub event_id: Uuid,
    pub event_type: String,
    pub payload: String,
    /// Attempts made before this one.
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
}

/// What became of one attempt.
#[derive(Debug, Clone)]
pub struct AttemptResult {
    pub delivered: bool,
    pub status_code: Option<i32>,
    pub error: Option<String>,
    /// When to try again after a failure; `None` gives up.
    pub retry_at: Option<DateTime<Utc>>,
}

/// A subscription events may go to now.
struct Deliverable {
    subscription: Subscription,
    secret: String,
    /// A client owner's current scopes; `None` for the office.
    scopes: Option<ScopeSet>,
}

impl Deliverable {
    /// Whether an event of this type, with this audience, goes to it.
    fn wants(&self, event_type: &str, audience: &Audience) -> bool {
        event_matches(&self.subscription.event_types, event_type)
            && audience.admits(self.subscription.audience_unit_id)
            && self
                .scopes
                .as_ref()
                .is_none_or(|s| event_in_scope(s, event_type))
    }
}

fn object_key(object_type: &str, id: Uuid) -> String {
    format!("{object_type}:{id}")
}

impl Store {
    /// Turns up to `limit` new outbox events into deliveries, one per
    /// active subscription that asks for the event's type and may learn of
    /// it. Returns how many events it handled.
    pub async fn fan_out_events(&self, limit: u64) -> StoreResult<usize> {
        let events = ob::Entity::find()
            .filter(ob::Column::Dispatched.eq(false))
            .order_by_asc(ob::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?;
        if events.is_empty() {
            return Ok(0);
        }
        let subs = Self::deliverable_subscriptions(&self.crypto, &self.db).await?;
        let mut handled = 0;
        // One transaction for the batch: one commit, however many events.
        let txn = self.db.begin().await?;
        // Whoever marks an event first fans it out; anyone else finds it
        // marked and leaves it. One statement marks the whole batch.
        let mark = sea_orm::sea_query::Query::update()
            .table(ob::Entity)
            .value(ob::Column::Dispatched, true)
            .and_where(ob::Column::Id.is_in(events.iter().map(|e| e.id)))
            .and_where(ob::Column::Dispatched.eq(false))
            .returning_col(ob::Column::Id)
            .to_owned();
        let mut marked = std::collections::HashSet::new();
        for row in txn.query_all(&mark).await? {
            marked.insert(row.try_get::<Uuid>("", "id")?);
        }
        let mut deliveries = Vec::new();
        for e in events {
            if !marked.contains(&e.id) {
                continue;
            }
            handled += 1;
            let audience = Audience {
                office: e.audience_office,
                units: split_list(&e.audience_units)
                    .iter()
                    .filter_map(|u| Uuid::parse_str(u).ok())
                    .collect(),
            };
            for d in subs.values().filter(|d| d.wants(&e.event_type, &audience)) {
                deliveries.push(wd::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    subscription_id: Set(d.subscription.id),
                    event_id: Set(e.id),
                    object_key: Set(object_key(&e.object_type, e.object_id)),
                    object_seq: Set(e.object_seq),
                    status: Set(DeliveryStatus::Pending.as_str().to_owned()),
                    attempts: Set(0),
                    next_attempt_at: Set(e.occurred_at),
                    claimed_until: Set(None),
                    claimed_by: Set(None),
                    last_attempt_at: Set(None),
                    last_status_code: Set(None),
                    last_error: Set(None),
                    delivered_at: Set(None),
                    created_at: Set(renda_domain::time::now()),
                });
            }
        }
        // Inserted in chunks, well below any database's parameter limit.
        while !deliveries.is_empty() {
            let rest = deliveries.split_off(deliveries.len().min(100));
            wd::Entity::insert_many(std::mem::replace(&mut deliveries, rest))
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        Ok(handled)
    }

    /// The subscriptions events may go to now: not deleted, active, and
    /// whose owner still may receive them (an active client, with the
    /// client's current scopes; or an active administrator). By id.
    async fn deliverable_subscriptions<C: ConnectionTrait>(
        crypto: &crate::crypto::Crypto,
        c: &C,
    ) -> StoreResult<std::collections::HashMap<Uuid, Deliverable>> {
        use crate::entities::user as us;
        let rows = ws::Entity::find()
            .filter(ws::Column::DeletedAt.is_null())
            .filter(ws::Column::Status.eq(IntegrationStatus::Active.as_str()))
            .all(c)
            .await?;
        let client_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.owner_client_id).collect();
        let user_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.owner_user_id).collect();
        let clients: std::collections::HashMap<Uuid, ScopeSet> = if client_ids.is_empty() {
            Default::default()
        } else {
            sc::Entity::find()
                .filter(sc::Column::Id.is_in(client_ids))
                .filter(sc::Column::DeletedAt.is_null())
                .filter(sc::Column::Status.eq(IntegrationStatus::Active.as_str()))
                .all(c)
                .await?
                .into_iter()
                .map(|m| client_from(m).map(|cl| (cl.id, cl.scopes)))
                .collect::<StoreResult<_>>()?
        };
        let admins: Vec<Uuid> = if user_ids.is_empty() {
            Vec::new()
        } else {
            us::Entity::find()
                .filter(us::Column::Id.is_in(user_ids))
                .filter(us::Column::DeletedAt.is_null())
                .filter(us::Column::Status.eq("active"))
                .filter(us::Column::Roles.like("%,admin,%"))
                .all(c)
                .await?
                .into_iter()
                .map(|u| u.id)
                .collect()
        };
        let mut out = std::collections::HashMap::new();
        for r in rows {
            let scopes = match (r.owner_client_id, r.owner_user_id) {
                (Some(cl), _) => match clients.get(&cl) {
                    Some(s) => Some(s.clone()),
                    None => continue,
                },
                (None, Some(u)) if admins.contains(&u) => None,
                _ => continue,
            };
            let secret = open_secret(crypto, &r)?;
            let s = subscription_from(r)?;
            out.insert(
                s.id,
                Deliverable {
                    subscription: s,
                    secret,
                    scopes,
                },
            );
        }
        Ok(out)
    }

    /// Claims up to `limit` due deliveries for `worker` for `lease`. A
    /// delivery is due when its time has come, nobody holds it, and no
    /// earlier event of its object waits for the same subscription (nor
    /// waits to be fanned out). Deliveries whose subscription may no longer
    /// receive them (deleted, disabled, its owner disabled or without the
    /// scope) are cancelled instead.
    pub async fn claim_deliveries(
        &self,
        worker: &str,
        limit: u64,
        lease: Duration,
    ) -> StoreResult<Vec<DeliveryJob>> {
        let now = Utc::now();
        let txn = self.db.begin().await?;
        // The head of each object's queue only: a later event waits while
        // an earlier one is pending, without taking a place in the batch.
        let head = Expr::cust(
            "NOT EXISTS (SELECT 1 FROM webhook_deliveries e \
             WHERE e.subscription_id = webhook_deliveries.subscription_id \
             AND e.object_key = webhook_deliveries.object_key \
             AND e.status = 'pending' AND e.object_seq < webhook_deliveries.object_seq)",
        );
        let candidates = wd::Entity::find()
            .filter(wd::Column::Status.eq(DeliveryStatus::Pending.as_str()))
            .filter(wd::Column::NextAttemptAt.lte(now))
            .filter(
                wd::Column::ClaimedUntil
                    .is_null()
                    .or(wd::Column::ClaimedUntil.lt(now)),
            )
            .filter(head)
            .order_by_asc(wd::Column::NextAttemptAt)
            .order_by_asc(wd::Column::Id)
            .limit(limit.saturating_mul(2))
            .all(&txn)
            .await?;
        if candidates.is_empty() {
            return Ok(Vec::new());
        }
        let deliverable = Self::deliverable_subscriptions(&self.crypto, &txn).await?;
        // Earlier events of the same objects not yet fanned out (written by
        // an instance whose clock runs behind) hold their followers back.
        let objects: Vec<Uuid> = candidates
            .iter()
            .filter_map(|d| d.object_key.split_once(':'))
            .filter_map(|(_, id)| Uuid::parse_str(id).ok())
            .collect();
        let mut unsent: std::collections::HashMap<String, i64> = Default::default();
        for e in ob::Entity::find()
            .filter(ob::Column::Dispatched.eq(false))
            .filter(ob::Column::ObjectId.is_in(objects))
            .all(&txn)
            .await?
        {
            let seq = unsent
                .entry(object_key(&e.object_type, e.object_id))
                .or_insert(e.object_seq);
            *seq = std::cmp::Ord::min(*seq, e.object_seq);
        }
        let mut claimed = Vec::new();
        for d in candidates {
            if claimed.len() as u64 >= limit {
                break;
            }
            if unsent.get(&d.object_key).is_some_and(|s| *s < d.object_seq) {
                continue;
            }
            let object_type = d.object_key.split(':').next().unwrap_or_default();
            let allowed = deliverable.get(&d.subscription_id).is_some_and(|s| {
                s.scopes
                    .as_ref()
                    .is_none_or(|sc| event_in_scope(sc, &format!("{object_type}.event")))
            });
            if !allowed {
                cancel_pending()
                    .filter(wd::Column::Id.eq(d.id))
                    .exec(&txn)
                    .await?;
                continue;
            }
            let res = wd::Entity::update_many()
                .col_expr(wd::Column::ClaimedUntil, Expr::value(Some(now + lease)))
                .col_expr(wd::Column::ClaimedBy, Expr::value(Some(worker.to_owned())))
                .filter(wd::Column::Id.eq(d.id))
                .filter(wd::Column::Status.eq(DeliveryStatus::Pending.as_str()))
                .filter(
                    wd::Column::ClaimedUntil
                        .is_null()
                        .or(wd::Column::ClaimedUntil.lt(now)),
                )
                .exec(&txn)
                .await?;
            if res.rows_affected == 1 {
                claimed.push(d);
            }
        }
        txn.commit().await?;
        if claimed.is_empty() {
            return Ok(Vec::new());
        }
        let event_ids: Vec<Uuid> = claimed.iter().map(|d| d.event_id).collect();
        let events: std::collections::HashMap<Uuid, ob::Model> = ob::Entity::find()
            .filter(ob::Column::Id.is_in(event_ids))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect();
        Ok(claimed
            .into_iter()
            .filter_map(|d| {
                let sub = deliverable.get(&d.subscription_id)?;
                let event = events.get(&d.event_id)?;
                Some(DeliveryJob {
                    delivery_id: d.id,
                    subscription_id: d.subscription_id,
                    url: sub.subscription.url.clone(),
                    secret: sub.secret.clone(),
                    event_id: event.id,
                    event_type: event.event_type.clone(),
                    payload: event.payload.clone(),
                    attempts: d.attempts,
                    created_at: d.created_at,
                })
            })
            .collect())
    }

    /// Records the attempts of deliveries `worker` holds, in one
    /// transaction.
    pub async fn finish_deliveries(
        &self,
        worker: &str,
        results: Vec<(Uuid, AttemptResult)>,
    ) -> StoreResult<()> {
        let now = Utc::now();
        let txn = self.db.begin().await?;
        for (id, result) in results {
            let status = if result.delivered {
                DeliveryStatus::Delivered
            } else if result.retry_at.is_some() {
                DeliveryStatus::Pending
            } else {
                DeliveryStatus::Failed
            };
            let error = result
                .error
                .map(|e| e.chars().take(200).collect::<String>());
            let mut q = wd::Entity::update_many()
                .col_expr(wd::Column::Status, Expr::value(status.as_str()))
                .col_expr(wd::Column::Attempts, Expr::col(wd::Column::Attempts).add(1))
                .col_expr(wd::Column::LastAttemptAt, Expr::value(Some(now)))
                .col_expr(wd::Column::LastStatusCode, Expr::value(result.status_code))
                .col_expr(wd::Column::LastError, Expr::value(error))
                .col_expr(wd::Column::ClaimedUntil, Expr::value(None::<DateTime<Utc>>))
                .col_expr(wd::Column::ClaimedBy, Expr::value(None::<String>));
            if result.delivered {
                q = q.col_expr(wd::Column::DeliveredAt, Expr::value(Some(now)));
            }
            if let Some(at) = result.retry_at {
                q = q.col_expr(wd::Column::NextAttemptAt, Expr::value(at));
            }
            q.filter(wd::Column::Id.eq(id))
                .filter(wd::Column::ClaimedBy.eq(worker))
                .filter(wd::Column::Status.eq(DeliveryStatus::Pending.as_str()))
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// A subscription's delivery log, newest last, optionally one status.
    pub async fn list_deliveries(
        &self,
        subscription_id: Uuid,
        status: Option<DeliveryStatus>,
        opts: &ListOptions,
    ) -> StoreResult<Page<Delivery>> {
        let mut q = wd::Entity::find().filter(wd::Column::SubscriptionId.eq(subscription_id));
        if let Some(s) = status {
            q = q.filter(wd::Column::Status.eq(s.as_str()));
        }
        let keys = list::Keys {
            id: wd::Column::Id,
            updated_at: wd::Column::CreatedAt,
            deleted_at: None,
            seq: list::SEQ_COLUMN,
        };
        let page = list::paginate(&self.db, q, keys, opts, |m: &wd::Model| {
            (m.id, m.created_at, None)
        })
        .await?;
        let ids: Vec<Uuid> = page.live().map(|m| m.event_id).collect();
        let events: std::collections::HashMap<Uuid, ob::Model> = if ids.is_empty() {
            Default::default()
        } else {
            ob::Entity::find()
                .filter(ob::Column::Id.is_in(ids))
                .all(&self.db)
                .await?
                .into_iter()
                .map(|e| (e.id, e))
                .collect()
        };
        page.try_map(|m| {
            let e = events
                .get(&m.event_id)
                .ok_or_else(|| StoreError::Db(sea_orm::DbErr::RecordNotFound("event".into())))?;
            let status: DeliveryStatus = parse_stored(&m.status)?;
            Ok(Delivery {
                id: m.id,
                subscription_id: m.subscription_id,
                event_id: e.id,
                event_type: e.event_type.clone(),
                object_type: e.object_type.clone(),
                object_id: e.object_id,
                object_seq: e.object_seq,
                occurred_at: e.occurred_at,
                status,
                attempts: m.attempts,
                next_attempt_at: (status == DeliveryStatus::Pending).then_some(m.next_attempt_at),
                last_attempt_at: m.last_attempt_at,
                last_status_code: m.last_status_code,
                last_error: m.last_error,
                delivered_at: m.delivered_at,
                created_at: m.created_at,
            })
        })
    }

    /// Queues again, for immediate delivery, every delivery of a
    /// subscription made since `since` (of one status, when given), in
    /// their original order. Returns how many.
    pub async fn replay_deliveries(
        &self,
        ctx: &AuditCtx,
        subscription_id: Uuid,
        since: DateTime<Utc>,
        status: Option<DeliveryStatus>,
    ) -> StoreResult<u64> {
        let txn = self.db.begin().await?;
        load_subscription(&txn, subscription_id).await?;
        let mut q = wd::Entity::update_many()
            .col_expr(
                wd::Column::Status,
                Expr::value(DeliveryStatus::Pending.as_str()),
            )
            .col_expr(wd::Column::NextAttemptAt, Expr::value(Utc::now()))
            // A replay is a new delivery: its attempts and retry window
            // start again.
            .col_expr(wd::Column::Attempts, Expr::value(0))
            .col_expr(wd::Column::CreatedAt, Expr::value(Utc::now()))
            .col_expr(wd::Column::ClaimedUntil, Expr::value(None::<DateTime<Utc>>))
            .col_expr(wd::Column::ClaimedBy, Expr::value(None::<String>))
            .filter(wd::Column::SubscriptionId.eq(subscription_id))
            .filter(wd::Column::CreatedAt.gte(since))
            .filter(wd::Column::Status.is_in([
                DeliveryStatus::Delivered.as_str(),
                DeliveryStatus::Failed.as_str(),
            ]));
        if let Some(s) = status {
            q = q.filter(wd::Column::Status.eq(s.as_str()));
        }
        let n = q.exec(&txn).await?.rows_affected;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "replay",
            SUBSCRIPTION,
            Some(subscription_id),
            None::<&()>,
            Some(&serde_json::json!({"since": since, "status": status.map(|s| s.as_str()), "queued": n})),
        )
        .await?;
        txn.commit().await?;
        Ok(n)
    }
}
