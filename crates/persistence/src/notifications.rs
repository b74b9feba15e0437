//! Notifications: the notices of the domain written once per person, and
//! each person's inbox.

use chrono::{DateTime, NaiveDate, Utc};
use renda_domain::notice::{Notice, NoticeKind, Recipient, SubjectKind};
use renda_domain::user::UserStatus;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

use crate::entities::{notification as n, user as u};
use crate::error::StoreResult;
use crate::error::parse_stored;
use crate::{Store, StoreError};

/// A notification in a person's inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: Uuid,
    pub kind: NoticeKind,
    pub subject_kind: SubjectKind,
    pub subject_id: Uuid,
    pub text: String,
    pub due_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

fn from_model(m: n::Model) -> StoreResult<Notification> {
    Ok(Notification {
        id: m.id,
        kind: parse_stored(&m.kind)?,
        subject_kind: parse_stored(&m.subject_kind)?,
        subject_id: m.subject_id,
        text: m.text,
        due_on: m.due_on,
        created_at: m.created_at,
        read_at: m.read_at,
    })
}

/// The active accounts a notice's recipients stand for, each once: one
/// query for up to [`RECIPIENTS_AT_ONCE`] recipients (a vote opened tells
/// every deputy of a congress).
async fn accounts<Conn: ConnectionTrait>(c: &Conn, to: &[Recipient]) -> StoreResult<Vec<Uuid>> {
    let mut ids = Vec::new();
    for chunk in to.chunks(RECIPIENTS_AT_ONCE) {
        let (mut users, mut deputies, mut units, mut observers) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut any = Condition::any();
        for r in chunk {
            match *r {
                Recipient::User(id) => users.push(Uuid::from(id)),
                Recipient::Deputy(id) => deputies.push(Uuid::from(id)),
                Recipient::Unit(id) => units.push(Uuid::from(id)),
                Recipient::Observer(id) => observers.push(id),
                Recipient::Role(role) => {
                    any = any.add(u::Column::Roles.like(format!("%,{},%", role.as_str())));
                }
            }
        }
        for (col, list) in [
            (u::Column::Id, users),
            (u::Column::DeputyId, deputies),
            (u::Column::UnitId, units),
            (u::Column::ObserverId, observers),
        ] {
            if !list.is_empty() {
                any = any.add(col.is_in(list));
            }
        }
        ids.extend(
            u::Entity::find()
                .select_only()
                .column(u::Column::Id)
                .filter(u::Column::Status.eq(UserStatus::Active.as_str()))
                .filter(u::Column::DeletedAt.is_null())
                .filter(any)
                .into_tuple::<Uuid>()
                .all(c)
                .await?,
        );
    }
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// The most recipients read in one query.
const RECIPIENTS_AT_ONCE: usize = 500;

/// Writes `notice` to each account it reaches, once: a person who has it
/// already (the same key) keeps the one they have. Returns how many were
/// written.
pub(crate) async fn write<Conn: ConnectionTrait>(c: &Conn, notice: &Notice) -> StoreResult<u64> {
    let users = accounts(c, &notice.to).await?;
    if users.is_empty() {
        return Ok(0);
    }
    let written = rows(notice, users).exec_without_returning(c).await?;
    Ok(written)
}

/// The insert [`write`] makes (none when the notice reaches nobody), to
/// send with the other inserts of the change; its recipients are looked
/// up on `c` now.
pub(crate) async fn write_statement<Conn: ConnectionTrait>(
    c: &Conn,
    notice: &Notice,
) -> StoreResult<Option<sea_orm::Statement>> {
    let users = accounts(c, &notice.to).await?;
    if users.is_empty() {
        return Ok(None);
    }
    Ok(Some(sea_orm::QueryTrait::build(
        &rows(notice, users),
        c.get_database_backend(),
    )))
}

/// The notice's rows, one per recipient, keeping the one each already has.
fn rows(notice: &Notice, users: Vec<Uuid>) -> sea_orm::InsertMany<n::ActiveModel> {
    let (key, text, now) = (notice.key(), notice.text(), renda_domain::time::now());
    let rows = users.into_iter().map(|user_id| n::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        kind: Set(notice.kind.as_str().to_owned()),
        subject_kind: Set(notice.subject.kind.as_str().to_owned()),
        subject_id: Set(notice.subject.id),
        text: Set(text.clone()),
        due_on: Set(notice.due_on),
        key: Set(key.clone()),
        created_at: Set(now),
        read_at: Set(None),
        fanned_out: Set(false),
        // Numbered by the database once the transaction has committed.
        change_seq: sea_orm::ActiveValue::NotSet,
    });
    n::Entity::insert_many(rows).on_conflict(
        OnConflict::columns([n::Column::UserId, n::Column::Key])
            .do_nothing()
            .to_owned(),
    )
}

/// Which of a person's notifications to list.
#[derive(Debug, Clone, Default)]
pub struct InboxQuery {
    pub unread_only: bool,
    pub kind: Option<NoticeKind>,
    /// Older than this notification (the previous page's last).
    pub before: Option<Uuid>,
    pub limit: u64,
}

/// A page of the inbox, newest first.
#[derive(Debug, Clone)]
pub struct InboxPage {
    pub items: Vec<Notification>,
    /// The last item's id when more follow.
    pub next: Option<Uuid>,
}

impl Store {
    /// Writes a notice that no change of a record carries (a reminder, an
    /// announcement), once per person; returns how many were new.
    pub async fn notify(&self, notice: &Notice) -> StoreResult<u64> {
        write(&self.db, notice).await
    }

    /// The person's notifications, newest first.
    pub async fn notifications(&self, user_id: Uuid, q: &InboxQuery) -> StoreResult<InboxPage> {
        let mut s = n::Entity::find().filter(n::Column::UserId.eq(user_id));
        if q.unread_only {
            s = s.filter(n::Column::ReadAt.is_null());
        }
        if let Some(k) = q.kind {
            s = s.filter(n::Column::Kind.eq(k.as_str()));
        }
        if let Some(b) = q.before {
            s = s.filter(n::Column::Id.lt(b));
        }
        let limit = q.limit.max(1);
        let mut rows = s
            .order_by_desc(n::Column::Id)
            .limit(limit + 1)
            .all(&self.db)
            .await?;
        let more = rows.len() as u64 > limit;
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let next = if more {
            rows.last().map(|m| m.id)
        } else {
            None
        };
        let items = rows
            .into_iter()
            .map(from_model)
            .collect::<StoreResult<_>>()?;
        Ok(InboxPage { items, next })
    }

    /// The person's notifications numbered after `after_seq` in commit
    /// order (see the notification-sequence migration), made at
    /// `not_before` or later, up to `limit`, each with its number.
    pub async fn notifications_after(
        &self,
        user_id: Uuid,
        after_seq: i64,
        not_before: DateTime<Utc>,
        limit: u64,
    ) -> StoreResult<Vec<(i64, Notification)>> {
        crate::list::number_before_reading(&self.db).await;
        n::Entity::find()
            .filter(n::Column::UserId.eq(user_id))
            .filter(n::Column::ChangeSeq.gt(after_seq))
            .filter(n::Column::CreatedAt.gte(not_before))
            .order_by_asc(n::Column::ChangeSeq)
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| Ok((m.change_seq.unwrap_or(after_seq), from_model(m)?)))
            .collect()
    }

    /// The commit-order number of one of the person's notifications.
    pub async fn notification_seq(&self, user_id: Uuid, id: Uuid) -> StoreResult<Option<i64>> {
        crate::list::number_before_reading(&self.db).await;
        Ok(n::Entity::find_by_id(id)
            .filter(n::Column::UserId.eq(user_id))
            .one(&self.db)
            .await?
            .and_then(|m| m.change_seq))
    }

    /// The highest commit-order number among the person's notifications
    /// (made at `until` or before, if given); 0 when there are none.
    pub async fn last_notification_seq(
        &self,
        user_id: Uuid,
        until: Option<DateTime<Utc>>,
    ) -> StoreResult<i64> {
        crate::list::number_before_reading(&self.db).await;
        let mut q = n::Entity::find()
            .select_only()
            .column_as(n::Column::ChangeSeq.max(), "n")
            .filter(n::Column::UserId.eq(user_id));
        if let Some(t) = until {
            q = q.filter(n::Column::CreatedAt.lte(t));
        }
        let n: Option<Option<i64>> = q.into_tuple().one(&self.db).await?;
        Ok(n.flatten().unwrap_or(0))
    }

    /// How many of the person's notifications are unread.
    pub async fn unread_notifications(&self, user_id: Uuid) -> StoreResult<u64> {
        Ok(n::Entity::find()
            .filter(n::Column::UserId.eq(user_id))
            .filter(n::Column::ReadAt.is_null())
            .count(&self.db)
            .await?)
    }

    /// One of the person's notifications; another's is not found.
    pub async fn notification(&self, user_id: Uuid, id: Uuid) -> StoreResult<Notification> {
        n::Entity::find_by_id(id)
            .filter(n::Column::UserId.eq(user_id))
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)
            .and_then(from_model)
    }

    /// Marks one of the person's notifications read (a read one keeps the
    /// time it was first read) and returns it.
    pub async fn mark_notification_read(
        &self,
        user_id: Uuid,
        id: Uuid,
    ) -> StoreResult<Notification> {
        n::Entity::update_many()
            .col_expr(n::Column::ReadAt, Expr::value(renda_domain::time::now()))
            .filter(n::Column::Id.eq(id))
            .filter(n::Column::UserId.eq(user_id))
            .filter(n::Column::ReadAt.is_null())
            .exec(&self.db)
            .await?;
        self.notification(user_id, id).await
    }

    /// Marks every unread notification of the person read, up to and
    /// including `up_to` when given (so that one arriving meanwhile stays
    /// unread); returns how many.
    pub async fn mark_all_notifications_read(
        &self,
        user_id: Uuid,
        up_to: Option<Uuid>,
    ) -> StoreResult<u64> {
        let mut q = n::Entity::update_many()
            .col_expr(n::Column::ReadAt, Expr::value(renda_domain::time::now()))
            .filter(n::Column::UserId.eq(user_id))
            .filter(n::Column::ReadAt.is_null());
        if let Some(id) = up_to {
            q = q.filter(n::Column::Id.lte(id));
        }
        Ok(q.exec(&self.db).await?.rows_affected)
    }
}
