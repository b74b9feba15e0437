//! Deputies' duty records (履职记录). The system writes one inside the
//! transaction of every duty it sees performed (a suggestion submitted or
//! co-signed, a check-in, a reception day served, an opinion taken up, a
//! vote); staff and the deputy add the rest by hand.

use std::collections::HashMap;

use chrono::NaiveDate;
use renda_domain::duty::DutyKind;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    TransactionTrait,
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

    /// Active deputies with no duty recorded on or after `since`, with
    /// their latest duty's day.
    pub async fn idle_deputies(&self, since: NaiveDate) -> StoreResult<Vec<IdleDeputy>> {
        let busy = Query::select()
            .column(C::DeputyId)
            .from(DutyEntity)
            .and_where(Expr::col(C::OccurredOn).gte(since))
            .and_where(Expr::col(C::DeletedAt).is_null())
            .to_owned();
        let idle = deputy::Entity::find()
            .filter(deputy::Column::DeletedAt.is_null())
            .filter(deputy::Column::Status.eq("active"))
            .filter(deputy::Column::Id.not_in_subquery(busy))
            .order_by_asc(deputy::Column::Id)
            .all(&self.db)
            .await?;
        let ids: Vec<Uuid> = idle.iter().map(|d| d.id).collect();
        let mut last: HashMap<Uuid, NaiveDate> = HashMap::new();
        for chunk in ids.chunks(500) {
            for m in DutyEntity::find()
                .filter(C::DeputyId.is_in(chunk.iter().copied()))
                .filter(C::DeletedAt.is_null())
                .all(&self.db)
                .await?
            {
                let e = last.entry(m.deputy_id).or_insert(m.occurred_on);
                if m.occurred_on > *e {
                    *e = m.occurred_on;
                }
            }
        }
        Ok(idle
            .into_iter()
            .map(|d| IdleDeputy {
                last_duty_on: last.get(&d.id).copied(),
                deputy_id: d.id,
                name: d.name,
            })
            .collect())
    }
}
