//! Keyset pagination shared by every collection.
//!
//! Rows come in creation order (UUIDv7 ids are time-ordered), or, when the
//! caller syncs with `modified_since`, in order of last change and then id,
//! so a row changed while a client pages moves behind the cursor and is
//! still seen; or, when the caller syncs with `after`, in the order their
//! last changes were numbered once committed (`change_seq`, see the
//! change-feed migration and migration 036), so that a client never needs
//! an overlap and never misses a change. Deleted
//! rows are left out unless asked for, and then come back as tombstones.

use crate::error::Conflict;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};
use uuid::Uuid;

/// Where the previous page ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub id: Uuid,
    /// Set when the listing is ordered by last change (`modified_since`).
    pub updated_at: Option<DateTime<Utc>>,
    /// Set when the listing is ordered by commit (`after`).
    pub seq: Option<i64>,
    /// The listing runs newest first.
    pub desc: bool,
}

/// How to page and what to include.
#[derive(Debug, Clone, Default)]
pub struct ListOptions {
    pub limit: u64,
    pub after: Option<Cursor>,
    pub modified_since: Option<DateTime<Utc>>,
    /// Only rows whose last change was numbered after this sequence
    /// number, in that order (each change is numbered once committed).
    pub after_seq: Option<i64>,
    pub include_deleted: bool,
    pub include_total: bool,
    /// Ordered by last change, then id (the default with `modified_since`);
    /// otherwise by id, which is creation order.
    pub by_change: bool,
    /// Newest (or latest changed) first.
    pub desc: bool,
}

/// One row of a page: a live object or the tombstone of a deleted one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row<T> {
    Live(T),
    Deleted { id: Uuid, updated_at: DateTime<Utc> },
}

impl<T> Row<T> {
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Row<U> {
        match self {
            Row::Live(t) => Row::Live(f(t)),
            Row::Deleted { id, updated_at } => Row::Deleted { id, updated_at },
        }
    }
}

/// A page of rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<Row<T>>,
    pub next: Option<Cursor>,
    pub total: Option<u64>,
    /// With `after`: the sequence number to sync from next time (the
    /// highest on this page, or `after` itself on an empty page).
    pub sync_after: Option<i64>,
}

impl<T> Page<T> {
    /// The items of the live rows (tombstones left out).
    pub fn live(&self) -> impl Iterator<Item = &T> {
        self.items.iter().filter_map(|r| match r {
            Row::Live(t) => Some(t),
            Row::Deleted { .. } => None,
        })
    }

    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(|r| r.map(&mut f)).collect(),
            next: self.next,
            total: self.total,
            sync_after: self.sync_after,
        }
    }
}

impl<T> Page<T> {
    /// Converts the live rows with `f`, stopping at the first failure.
    pub(crate) fn try_map<U, E>(self, mut f: impl FnMut(T) -> Result<U, E>) -> Result<Page<U>, E> {
        let items = self
            .items
            .into_iter()
            .map(|r| match r {
                Row::Live(t) => f(t).map(Row::Live),
                Row::Deleted { id, updated_at } => Ok(Row::Deleted { id, updated_at }),
            })
            .collect::<Result<Vec<_>, E>>()?;
        Ok(Page {
            items,
            next: self.next,
            total: self.total,
            sync_after: self.sync_after,
        })
    }
}

/// The key columns of a listed table.
pub(crate) struct Keys<C> {
    pub id: C,
    pub updated_at: C,
    pub deleted_at: Option<C>,
    /// The column numbering the table's changes once committed.
    pub seq: &'static str,
}

/// The column numbering a table's changes once committed: by a trigger
/// as the change is written on SQLite; after it commits, by
/// [`number_changes`], on PostgreSQL (see migration 036).
pub(crate) const SEQ_COLUMN: &str = "change_seq";

/// Numbers changes committed and not numbered yet (up to 10,000 of a
/// table), after every number handed out before, so that a read of the
/// feed after this sees them; does nothing when another run is under way,
/// which numbers them. Nothing to do on SQLite, which numbers each change
/// as it writes.
pub(crate) async fn number_changes<Conn: ConnectionTrait>(db: &Conn) -> Result<(), sea_orm::DbErr> {
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        db.execute_unprepared("SELECT renda_number_changes()")
            .await?;
    }
    Ok(())
}

/// [`number_changes`] before a read of the feed: a read never fails for
/// it, it only reads a moment earlier (what is numbered so far).
pub(crate) async fn number_before_reading<Conn: ConnectionTrait>(db: &Conn) {
    if let Err(e) = number_changes(db).await {
        tracing::warn!(error = %e, "could not number the change feed's changes before a read");
    }
}

/// A row with its commit-order sequence number.
struct WithSeq<M> {
    model: M,
    seq: Option<i64>,
}

impl<M: sea_orm::FromQueryResult> sea_orm::FromQueryResult for WithSeq<M> {
    fn from_query_result(res: &sea_orm::QueryResult, pre: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(Self {
            model: M::from_query_result(res, pre)?,
            seq: res.try_get(pre, "renda_seq")?,
        })
    }
}

/// A live row, or the tombstone of a deleted one.
fn row_of<M>(m: M, key_of: &impl Fn(&M) -> (Uuid, DateTime<Utc>, Option<DateTime<Utc>>)) -> Row<M> {
    let (id, updated_at, deleted_at) = key_of(&m);
    if deleted_at.is_some() {
        Row::Deleted { id, updated_at }
    } else {
        Row::Live(m)
    }
}

/// Applies the options to `select` and fetches one page. `key_of` reads a
/// model's id, last-change time and deletion time.
pub(crate) async fn paginate<E, Conn>(
    db: &Conn,
    select: Select<E>,
    keys: Keys<E::Column>,
    opts: &ListOptions,
    key_of: impl Fn(&E::Model) -> (Uuid, DateTime<Utc>, Option<DateTime<Utc>>),
) -> Result<Page<E::Model>, crate::StoreError>
where
    E: EntityTrait,
    E::Model: Sync,
    Conn: ConnectionTrait,
{
    paginate_as(db, select, keys, opts, |s| s, key_of).await
}

/// [`paginate`] into rows of `M`, read with the columns `columns` adds to
/// the page's statement (not to its count).
pub(crate) async fn paginate_as<E, M, Conn>(
    db: &Conn,
    mut select: Select<E>,
    keys: Keys<E::Column>,
    opts: &ListOptions,
    columns: impl FnOnce(Select<E>) -> Select<E>,
    key_of: impl Fn(&M) -> (Uuid, DateTime<Utc>, Option<DateTime<Utc>>),
) -> Result<Page<M>, crate::StoreError>
where
    E: EntityTrait,
    E::Model: Sync,
    M: sea_orm::FromQueryResult + Send + Sync,
    Conn: ConnectionTrait,
{
    if let Some(deleted_at) = keys.deleted_at
        && !opts.include_deleted
    {
        select = select.filter(deleted_at.is_null());
    }
    if opts.after_seq.is_some() {
        return paginate_by_seq(db, select, keys, opts, columns, key_of).await;
    }
    // By last change when asked (the default of a sync by time), else by
    // id; `modified_since` filters either way.
    let by_change = opts.by_change;
    let desc = opts.desc;
    if let Some(since) = opts.modified_since {
        select = select.filter(keys.updated_at.gte(since));
    }
    let total = if opts.include_total {
        Some(select.clone().count(db).await?)
    } else {
        None
    };
    if let Some(c) = opts.after {
        if c.desc != desc {
            return Err(crate::StoreError::Conflict(Conflict::CursorMismatch));
        }
        // Past the cursor in the listing's direction.
        let past = |col: E::Column, v: sea_orm::Value| {
            if desc { col.lt(v) } else { col.gt(v) }
        };
        match (by_change, c.updated_at) {
            (true, Some(u)) => {
                select = select.filter(
                    Condition::any().add(past(keys.updated_at, u.into())).add(
                        Condition::all()
                            .add(keys.updated_at.eq(u))
                            .add(past(keys.id, c.id.into())),
                    ),
                );
            }
            (false, None) => select = select.filter(past(keys.id, c.id.into())),
            _ => return Err(crate::StoreError::Conflict(Conflict::CursorMismatch)),
        }
    }
    let order = if desc {
        sea_orm::Order::Desc
    } else {
        sea_orm::Order::Asc
    };
    if by_change {
        select = select.order_by(keys.updated_at, order.clone());
    }
    let limit = std::cmp::Ord::max(opts.limit, 1);
    let mut rows: Vec<M> = columns(select)
        .order_by(keys.id, order)
        .limit(limit + 1)
        .into_model()
        .all(db)
        .await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let next = if more {
        rows.last().map(|m| {
            let (id, updated_at, _) = key_of(m);
            Cursor {
                id,
                updated_at: by_change.then_some(updated_at),
                seq: None,
                desc,
            }
        })
    } else {
        None
    };
    let items = rows.into_iter().map(|m| row_of(m, &key_of)).collect();
    Ok(Page {
        items,
        next,
        total,
        sync_after: None,
    })
}

/// [`paginate`] in commit order, after `opts.after_seq` (or the cursor's
/// sequence number, further on), reading each row's number in the same
/// statement as the row.
async fn paginate_by_seq<E, M, Conn>(
    db: &Conn,
    mut select: Select<E>,
    keys: Keys<E::Column>,
    opts: &ListOptions,
    columns: impl FnOnce(Select<E>) -> Select<E>,
    key_of: impl Fn(&M) -> (Uuid, DateTime<Utc>, Option<DateTime<Utc>>),
) -> Result<Page<M>, crate::StoreError>
where
    E: EntityTrait,
    E::Model: Sync,
    M: sea_orm::FromQueryResult + Send + Sync,
    Conn: ConnectionTrait,
{
    use sea_orm::sea_query::Alias;
    number_before_reading(db).await;
    let seq = Expr::col((E::default(), Alias::new(keys.seq)));
    if let Some(deleted_at) = keys.deleted_at
        && !opts.include_deleted
    {
        select = select.filter(deleted_at.is_null());
    }
    let after = opts.after_seq.unwrap_or(0);
    select = select.filter(seq.clone().gt(after));
    if let Some(since) = opts.modified_since {
        select = select.filter(keys.updated_at.gte(since));
    }
    let total = if opts.include_total {
        Some(select.clone().count(db).await?)
    } else {
        None
    };
    if let Some(c) = opts.after {
        match c.seq.filter(|_| !c.desc) {
            Some(s) => select = select.filter(seq.clone().gt(s)),
            None => return Err(crate::StoreError::Conflict(Conflict::CursorMismatch)),
        }
    }
    let limit = std::cmp::Ord::max(opts.limit, 1);
    let mut rows: Vec<WithSeq<M>> = columns(select)
        .column_as(seq.clone(), "renda_seq")
        .order_by(seq, sea_orm::Order::Asc)
        .limit(limit + 1)
        .into_model()
        .all(db)
        .await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let last = rows.last().and_then(|r| r.seq);
    let next = if more {
        rows.last().map(|r| Cursor {
            id: key_of(&r.model).0,
            updated_at: None,
            seq: r.seq,
            desc: false,
        })
    } else {
        None
    };
    let from = opts.after.and_then(|c| c.seq).unwrap_or(after);
    let items = rows.into_iter().map(|r| row_of(r.model, &key_of)).collect();
    Ok(Page {
        items,
        next,
        total,
        sync_after: Some(last.map_or(from, |l| std::cmp::Ord::max(l, from))),
    })
}

/// A `LIKE` pattern matching `q` anywhere, with `%`, `_` and `\` escaped.
pub(crate) fn contains_pattern(q: &str) -> String {
    let mut p = String::with_capacity(q.len() + 2);
    p.push('%');
    for ch in q.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(ch);
    }
    p.push('%');
    p
}

/// A case-insensitive substring match of `q` in `col` that works alike on
/// SQLite and PostgreSQL (Chinese text has no case; ASCII is folded).
pub(crate) fn contains<C: ColumnTrait>(col: C, q: &str) -> sea_orm::sea_query::SimpleExpr {
    let pattern = contains_pattern(&q.to_lowercase());
    Expr::expr(sea_orm::sea_query::Func::lower(Expr::col(col)))
        .like(sea_orm::sea_query::LikeExpr::new(pattern).escape('\\'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(contains_pattern("教育"), "%教育%");
        assert_eq!(contains_pattern("100%_a\\"), "%100\\%\\_a\\\\%");
    }
}
