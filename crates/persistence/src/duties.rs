//! Deputies' duty records (履职记录). The system writes one inside the
//! transaction of every duty it sees performed (a suggestion submitted or
//! co-signed, a check-in, a reception day served, an opinion taken up, a
//! vote); staff and the deputy add the rest by hand.

use chrono::NaiveDate;
use renda_domain::duty::DutyKind;
use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, Order, Query, QueryStatementBuilder, SelectStatement,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, StatementBuilder, TransactionTrait,
};
use serde::Serialize;
use uuid::Uuid;

use crate::Store;
use crate::audit::{self, AuditCtx};
use crate::entities::deputy;
use crate::entities::duty_record::{self as dr, Column as C, Entity as DutyEntity};
use crate::error::{StoreError, StoreResult, parse_stored};
use crate::list::{self, ListOptions, Page};

const OBJECT: &str = "duty_record";

pub use renda_domain::duty::{DutyRecord, NewDuty};

/// Filters of a deputy's duty list.
#[derive(Debug, Clone, Default)]
pub struct DutyFilter {
    pub year: Option<i32>,
    pub kind: Option<DutyKind>,
}

fn from_model(m: dr::Model) -> StoreResult<DutyRecord> {
    Ok(DutyRecord {
        id: m.id,
        deputy_id: m.deputy_id.into(),
        kind: parse_stored(&m.kind)?,
        occurred_on: m.occurred_on,
        title: m.title,
        content: m.content,
        ref_type: m.ref_type,
        ref_id: m.ref_id,
        manual: m.manual,
        created_by: m.created_by.map(Into::into),
        created_at: m.created_at,
        updated_at: m.updated_at,
        deleted_at: m.deleted_at,
        version: m.version,
    })
}

fn to_active(d: &DutyRecord) -> dr::ActiveModel {
    dr::ActiveModel {
        id: Set(d.id),
        deputy_id: Set(d.deputy_id.into()),
        kind: Set(d.kind.as_str().to_owned()),
        occurred_on: Set(d.occurred_on),
        title: Set(d.title.clone()),
        content: Set(d.content.clone()),
        ref_type: Set(d.ref_type.clone()),
        ref_id: Set(d.ref_id),
        manual: Set(d.manual),
        created_by: Set(d.created_by.map(Into::into)),
        created_at: Set(d.created_at),
        updated_at: Set(d.updated_at),
        deleted_at: Set(d.deleted_at),
        version: Set(d.version),
    }
}

/// Writes a duty record (and its audit entry) on `c`, the transaction of
/// the event it records.
pub(crate) async fn write_duty<Conn: ConnectionTrait>(
    c: &Conn,
    crypto: &crate::crypto::Crypto,
    ctx: &AuditCtx,
    new: NewDuty,
    manual: bool,
) -> StoreResult<DutyRecord> {
    let (d, inserts) = duty_statements(c.get_database_backend(), crypto, ctx, new, manual)?;
    for s in inserts {
        c.execute_raw(s).await?;
    }
    Ok(d)
}

/// The duty record [`write_duty`] writes, and its inserts (the record and
/// its audit entry) to send with the other inserts of the change.
pub(crate) fn duty_statements(
    backend: sea_orm::DbBackend,
    crypto: &crate::crypto::Crypto,
    ctx: &AuditCtx,
    new: NewDuty,
    manual: bool,
) -> StoreResult<(DutyRecord, [sea_orm::Statement; 2])> {
    let now = renda_domain::time::now();
    let d = DutyRecord {
        id: Uuid::now_v7(),
        deputy_id: new.deputy_id,
        kind: new.kind,
        occurred_on: new.occurred_on,
        title: new.title,
        content: new.content,
        ref_type: new.ref_type.map(str::to_owned),
        ref_id: new.ref_id,
        manual,
        created_by: ctx.actor_id.map(Into::into),
        created_at: now,
        updated_at: now,
        deleted_at: None,
        version: 1,
    };
    let record = sea_orm::QueryTrait::build(&DutyEntity::insert(to_active(&d)), backend);
    let audit = audit::record_statement(
        backend,
        crypto,
        ctx,
        "create",
        OBJECT,
        Some(d.id),
        None::<&DutyRecord>,
        Some(&d),
    )?;
    Ok((d, [record, audit]))
}

fn year_bounds(y: i32) -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(NaiveDate::MIN),
        NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or(NaiveDate::MAX),
    )
}

/// An active deputy with no duty recorded since a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IdleDeputy {
    pub deputy_id: Uuid,
    pub name: String,
    /// The day of their latest duty, if any.
    pub last_duty_on: Option<NaiveDate>,
}

impl Store {
    /// Records a duty by hand.
    pub async fn create_manual_duty(
        &self,
        ctx: &AuditCtx,
        new: NewDuty,
    ) -> StoreResult<DutyRecord> {
        let txn = self.db.begin().await?;
        let d = write_duty(&txn, &self.crypto, ctx, new, true).await?;
        txn.commit().await?;
        Ok(d)
    }

    pub async fn get_duty(&self, deputy_id: Uuid, id: Uuid) -> StoreResult<DutyRecord> {
        let m = DutyEntity::find_by_id(id)
            .filter(C::DeputyId.eq(deputy_id))
            .filter(C::DeletedAt.is_null())
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        from_model(m)
    }

    /// Writes `after` over `before` (a record made by hand, as the domain's
    /// `amend` and `remove` make) if unchanged meanwhile; `after.deleted_at`
    /// set deletes it.
    pub async fn save_manual_duty(
        &self,
        ctx: &AuditCtx,
        before: &DutyRecord,
        mut after: DutyRecord,
    ) -> StoreResult<DutyRecord> {
        let txn = self.db.begin().await?;
        after.updated_at = renda_domain::time::now();
        after.version = before.version + 1;
        let res = DutyEntity::update_many()
            .set(to_active(&after))
            .filter(C::Id.eq(before.id))
            .filter(C::Version.eq(before.version))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(StoreError::VersionMismatch);
        }
        let action = if after.deleted_at.is_some() {
            "delete"
        } else {
            "update"
        };
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            action,
            OBJECT,
            Some(before.id),
            Some(before),
            Some(&after),
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    pub async fn list_duties(
        &self,
        deputy_id: Uuid,
        f: &DutyFilter,
        opts: &ListOptions,
    ) -> StoreResult<Page<DutyRecord>> {
        let mut q = DutyEntity::find().filter(C::DeputyId.eq(deputy_id));
        if let Some(y) = f.year {
            let (from, to) = year_bounds(y);
            q = q
                .filter(C::OccurredOn.gte(from))
                .filter(C::OccurredOn.lte(to));
        }
        if let Some(k) = f.kind {
            q = q.filter(C::Kind.eq(k.as_str()));
        }
        let keys = list::Keys {
            id: C::Id,
            updated_at: C::UpdatedAt,
            deleted_at: Some(C::DeletedAt),
            seq: list::SEQ_COLUMN,
        };
        let page = list::paginate(&self.db, q, keys, opts, |m: &dr::Model| {
            (m.id, m.updated_at, m.deleted_at)
        })
        .await?;
        page.try_map(from_model)
    }

    /// Every live record of a deputy in a year, oldest first.
    pub async fn duties_of_year(&self, deputy_id: Uuid, year: i32) -> StoreResult<Vec<DutyRecord>> {
        let (from, to) = year_bounds(year);
        DutyEntity::find()
            .filter(C::DeputyId.eq(deputy_id))
            .filter(C::DeletedAt.is_null())
            .filter(C::OccurredOn.gte(from))
            .filter(C::OccurredOn.lte(to))
            .order_by_asc(C::OccurredOn)
            .order_by_asc(C::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(from_model)
            .collect()
    }

    /// A page of the active deputies with no live duty recorded on or
    /// after `since`, in id order (`desc`: the other way), after the
    /// deputy `after`: at most `limit`, each with their latest duty's
    /// day. One statement; the duty index on (deputy, day) answers both
    /// the test and the latest day.
    pub async fn idle_deputies(
        &self,
        since: NaiveDate,
        after: Option<Uuid>,
        desc: bool,
        limit: u64,
    ) -> StoreResult<Vec<IdleDeputy>> {
        let mut last = Query::select();
        last.expr(Expr::col((DutyEntity, C::OccurredOn)).max())
            .from(DutyEntity)
            .and_where(
                Expr::col((DutyEntity, C::DeputyId)).equals((deputy::Entity, deputy::Column::Id)),
            )
            .and_where(Expr::col((DutyEntity, C::DeletedAt)).is_null());
        let mut q = idle_since(since);
        q.column((deputy::Entity, deputy::Column::Id))
            .column((deputy::Entity, deputy::Column::Name))
            .expr_as(
                Expr::SubQuery(None, Box::new(last.into_sub_query_statement())),
                Alias::new("last_duty_on"),
            )
            .limit(limit);
        let id = Expr::col((deputy::Entity, deputy::Column::Id));
        if let Some(a) = after {
            q.and_where(if desc {
                id.clone().lt(a)
            } else {
                id.clone().gt(a)
            });
        }
        q.order_by_expr(id, if desc { Order::Desc } else { Order::Asc });
        let stmt = StatementBuilder::build(&q, &self.backend());
        Ok(IdleRow::find_by_statement(stmt)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|r| IdleDeputy {
                deputy_id: r.id,
                name: r.name,
                last_duty_on: r.last_duty_on,
            })
            .collect())
    }

    /// How many active deputies have no live duty on or after `since`.
    pub async fn count_idle_deputies(&self, since: NaiveDate) -> StoreResult<u64> {
        let mut q = idle_since(since);
        q.expr_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), Alias::new("n"));
        let stmt = StatementBuilder::build(&q, &self.backend());
        let n = CountRow::find_by_statement(stmt)
            .one(&self.db)
            .await?
            .map_or(0, |r| r.n);
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

#[derive(FromQueryResult)]
struct IdleRow {
    id: Uuid,
    name: String,
    last_duty_on: Option<NaiveDate>,
}

#[derive(FromQueryResult)]
struct CountRow {
    n: i64,
}

/// `SELECT ... FROM deputies` of the active deputies with no live duty on
/// or after `since`.
fn idle_since(since: NaiveDate) -> SelectStatement {
    let mut busy = Query::select();
    busy.expr(Expr::val(1))
        .from(DutyEntity)
        .and_where(
            Expr::col((DutyEntity, C::DeputyId)).equals((deputy::Entity, deputy::Column::Id)),
        )
        .and_where(Expr::col((DutyEntity, C::DeletedAt)).is_null())
        .and_where(Expr::col((DutyEntity, C::OccurredOn)).gte(since));
    let mut q = Query::select();
    q.from(deputy::Entity)
        .and_where(Expr::col((deputy::Entity, deputy::Column::DeletedAt)).is_null())
        .and_where(Expr::col((deputy::Entity, deputy::Column::Status)).eq("active"))
        .and_where(Expr::exists(busy).not());
    q
}
