//! Liaison stations, the deputies assigned to them, and their reception
//! days (接待日) with what happened at each.

use crate::error::Conflict;
use std::collections::HashMap;

use chrono::NaiveDate;
use renda_domain::id::DeputyId;
use renda_domain::station::StationKind;
use renda_domain::station::{Ancestry, MAX_DEPTH, ParentProblem, Recorded, parent_problem};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, TransactionTrait,
};
use uuid::Uuid;

use crate::Store;
use crate::audit::{self, AuditCtx};
use crate::duties::write_duty;
use crate::entities::deputy;
use crate::entities::station::{self as st, Column as C, Entity as StationEntity};
use crate::entities::{reception_day as rd, reception_deputy as rdd, station_deputy as sd};
use crate::error::{StoreError, StoreResult, parse_stored};
use crate::list::{self, ListOptions, Page};

pub use renda_domain::station::{ReceptionDay, Station};

/// Filters of the station listing.
#[derive(Debug, Clone, Default)]
pub struct StationFilter {
    pub kind: Option<StationKind>,
    pub parent_id: Option<Uuid>,
    pub deputy_id: Option<Uuid>,
    pub q: Option<String>,
}

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Db(sea_orm::DbErr::Json(e.to_string()))
}

fn station_active(s: &Station) -> st::ActiveModel {
    st::ActiveModel {
        id: Set(s.id),
        kind: Set(s.kind.as_str().to_owned()),
        name: Set(s.name.clone()),
        address: Set(s.address.clone()),
        parent_id: Set(s.parent_id),
        contact_person: Set(s.contact_person.clone()),
        contact_phone: Set(s.contact_phone.clone()),
        description: Set(s.description.clone()),
        created_at: Set(s.created_at),
        updated_at: Set(s.updated_at),
        deleted_at: Set(s.deleted_at),
        version: Set(s.version),
    }
}

fn station_from(m: st::Model, deputies: Vec<Uuid>) -> StoreResult<Station> {
    Ok(Station {
        id: m.id,
        kind: parse_stored(&m.kind)?,
        name: m.name,
        address: m.address,
        parent_id: m.parent_id,
        contact_person: m.contact_person,
        contact_phone: m.contact_phone,
        description: m.description,
        deputy_ids: renda_domain::id::from_uuids(deputies),
        created_at: m.created_at,
        updated_at: m.updated_at,
        deleted_at: m.deleted_at,
        version: m.version,
    })
}

async fn deputies_of<Conn: ConnectionTrait>(
    c: &Conn,
    ids: &[Uuid],
) -> StoreResult<HashMap<Uuid, Vec<Uuid>>> {
    let mut out: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    for m in sd::Entity::find()
        .filter(sd::Column::StationId.is_in(ids.iter().copied()))
        .order_by_asc(sd::Column::DeputyId)
        .all(c)
        .await?
    {
        out.entry(m.station_id).or_default().push(m.deputy_id);
    }
    Ok(out)
}

async fn load<Conn: ConnectionTrait>(c: &Conn, id: Uuid) -> StoreResult<Station> {
    let m = StationEntity::find_by_id(id)
        .filter(C::DeletedAt.is_null())
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut d = deputies_of(c, &[id]).await?;
    station_from(m, d.remove(&id).unwrap_or_default())
}

/// A deputy's profile shows their stations: a change of assignment is a
/// change of the deputy (a new version and ETag, seen by `modified_since`).
async fn touch_deputies<Conn: ConnectionTrait>(c: &Conn, ids: &[Uuid]) -> StoreResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    deputy::Entity::update_many()
        .col_expr(
            deputy::Column::Version,
            Expr::col(deputy::Column::Version).add(1),
        )
        .col_expr(
            deputy::Column::UpdatedAt,
            Expr::value(renda_domain::time::now()),
        )
        .filter(deputy::Column::Id.is_in(ids.iter().copied()))
        .exec(c)
        .await?;
    Ok(())
}

/// How many live stations list the deputy.
pub(crate) async fn live_stations_of_deputy<Conn: ConnectionTrait>(
    c: &Conn,
    deputy_id: Uuid,
) -> StoreResult<u64> {
    use sea_orm::QuerySelect;
    let stations: Vec<Uuid> = sd::Entity::find()
        .select_only()
        .column(sd::Column::StationId)
        .filter(sd::Column::DeputyId.eq(deputy_id))
        .into_tuple()
        .all(c)
        .await?;
    if stations.is_empty() {
        return Ok(0);
    }
    Ok(StationEntity::find()
        .filter(C::Id.is_in(stations))
        .filter(C::DeletedAt.is_null())
        .count(c)
        .await?)
}

async fn write_station_deputies<Conn: ConnectionTrait>(
    c: &Conn,
    id: Uuid,
    deputies: &[Uuid],
) -> StoreResult<()> {
    sd::Entity::delete_many()
        .filter(sd::Column::StationId.eq(id))
        .exec(c)
        .await?;
    if !deputies.is_empty() {
        sd::Entity::insert_many(deputies.iter().map(|d| sd::ActiveModel {
            station_id: Set(id),
            deputy_id: Set(*d),
        }))
        .exec_without_returning(c)
        .await?;
    }
    Ok(())
}

fn day_from(m: rd::Model, deputies: Vec<Uuid>) -> StoreResult<ReceptionDay> {
    let matters = match &m.matters {
        Some(t) => serde_json::from_str(t).map_err(json_err)?,
        None => Vec::new(),
    };
    Ok(ReceptionDay {
        id: m.id,
        station_id: m.station_id,
        day: m.day,
        hours: m.hours,
        topic: m.topic,
        deputy_ids: renda_domain::id::from_uuids(deputies),
        people_received: m.people_received,
        matters,
        recorded_at: m.recorded_at,
        recorded_by: m.recorded_by.map(Into::into),
        created_at: m.created_at,
        updated_at: m.updated_at,
        version: m.version,
    })
}

fn day_active(d: &ReceptionDay) -> StoreResult<rd::ActiveModel> {
    let matters = if d.recorded_at.is_some() {
        Some(serde_json::to_string(&d.matters).map_err(json_err)?)
    } else {
        None
    };
    Ok(rd::ActiveModel {
        id: Set(d.id),
        station_id: Set(d.station_id),
        day: Set(d.day),
        hours: Set(d.hours.clone()),
        topic: Set(d.topic.clone()),
        people_received: Set(d.people_received),
        matters: Set(matters),
        recorded_at: Set(d.recorded_at),
        recorded_by: Set(d.recorded_by.map(Into::into)),
        created_at: Set(d.created_at),
        updated_at: Set(d.updated_at),
        version: Set(d.version),
    })
}

async fn day_deputies<Conn: ConnectionTrait>(
    c: &Conn,
    ids: &[Uuid],
) -> StoreResult<HashMap<Uuid, Vec<Uuid>>> {
    let mut out: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    for m in rdd::Entity::find()
        .filter(rdd::Column::ReceptionId.is_in(ids.iter().copied()))
        .order_by_asc(rdd::Column::DeputyId)
        .all(c)
        .await?
    {
        out.entry(m.reception_id).or_default().push(m.deputy_id);
    }
    Ok(out)
}

impl Store {
    pub async fn create_station(&self, ctx: &AuditCtx, s: Station) -> StoreResult<Station> {
        let txn = self.db.begin().await?;
        if let Some(parent) = s.parent_id {
            lock_tree(&txn).await?;
            check_tree(&txn, s.id, parent).await?;
        }
        station_active(&s).insert(&txn).await?;
        for d in &s.deputy_ids {
            crate::users::lock_links(&txn, None, Some(*d)).await?;
        }
        write_station_deputies(
            &txn,
            s.id,
            &renda_domain::id::to_uuids(s.deputy_ids.iter().copied()),
        )
        .await?;
        touch_deputies(
            &txn,
            &renda_domain::id::to_uuids(s.deputy_ids.iter().copied()),
        )
        .await?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "create",
            "station",
            Some(s.id),
            None::<&Station>,
            Some(&s),
        )
        .await?;
        txn.commit().await?;
        Ok(s)
    }

    pub async fn get_station(&self, id: Uuid) -> StoreResult<Station> {
        load(&self.db, id).await
    }

    /// The ancestry of a station proposed as a parent.
    pub async fn station_ancestry(&self, parent: Uuid) -> StoreResult<Ancestry> {
        ancestry(&self.db, parent).await
    }

    /// Live stations whose parent is `id`.
    pub async fn count_child_stations(&self, id: Uuid) -> StoreResult<u64> {
        Ok(StationEntity::find()
            .filter(C::ParentId.eq(id))
            .filter(C::DeletedAt.is_null())
            .count(&self.db)
            .await?)
    }

    /// Writes `after` over `before` if unchanged meanwhile (`deleted_at`
    /// set deletes it).
    pub async fn save_station(
        &self,
        ctx: &AuditCtx,
        before: &Station,
        mut after: Station,
    ) -> StoreResult<Station> {
        let txn = self.db.begin().await?;
        // A new parent, or a deletion, is decided on the tree as it is
        // inside this transaction, with every other change to the tree
        // waiting: two stations made each other's parent at the same
        // moment, or a child added under a station being deleted, cannot
        // both succeed.
        if after.deleted_at.is_some() && before.deleted_at.is_none() {
            lock_tree(&txn).await?;
            let children = StationEntity::find()
                .filter(C::ParentId.eq(before.id))
                .filter(C::DeletedAt.is_null())
                .count(&txn)
                .await?;
            if children > 0 {
                return Err(StoreError::Conflict(Conflict::StationHasChildren));
            }
        } else if after.parent_id != before.parent_id
            && let Some(parent) = after.parent_id
        {
            lock_tree(&txn).await?;
            check_tree(&txn, after.id, parent).await?;
        }
        after.updated_at = renda_domain::time::now();
        after.version = before.version + 1;
        let res = StationEntity::update_many()
            .set(station_active(&after))
            .filter(C::Id.eq(before.id))
            .filter(C::Version.eq(before.version))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(StoreError::VersionMismatch);
        }
        let changed: Vec<DeputyId> = if after.deleted_at.is_some() {
            before.deputy_ids.clone()
        } else {
            before
                .deputy_ids
                .iter()
                .filter(|d| !after.deputy_ids.contains(d))
                .chain(
                    after
                        .deputy_ids
                        .iter()
                        .filter(|d| !before.deputy_ids.contains(d)),
                )
                .copied()
                .collect()
        };
        if after.deputy_ids != before.deputy_ids {
            // Each deputy added is locked live: one deleted meanwhile is
            // refused, and a deletion waits for this station to commit.
            for d in after
                .deputy_ids
                .iter()
                .filter(|d| !before.deputy_ids.contains(d))
            {
                crate::users::lock_links(&txn, None, Some(*d)).await?;
            }
            write_station_deputies(
                &txn,
                after.id,
                &renda_domain::id::to_uuids(after.deputy_ids.iter().copied()),
            )
            .await?;
        }
        touch_deputies(&txn, &renda_domain::id::to_uuids(changed.iter().copied())).await?;
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
            "station",
            Some(after.id),
            Some(before),
            Some(&after),
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    pub async fn list_stations(
        &self,
        f: &StationFilter,
        opts: &ListOptions,
    ) -> StoreResult<Page<Station>> {
        let mut q = StationEntity::find();
        if let Some(k) = f.kind {
            q = q.filter(C::Kind.eq(k.as_str()));
        }
        if let Some(p) = f.parent_id {
            q = q.filter(C::ParentId.eq(p));
        }
        if let Some(d) = f.deputy_id {
            let sub = sea_orm::sea_query::Query::select()
                .column(sd::Column::StationId)
                .from(sd::Entity)
                .and_where(sd::Column::DeputyId.eq(d))
                .to_owned();
            q = q.filter(C::Id.in_subquery(sub));
        }
        if let Some(text) = &f.q {
            q = q.filter(
                sea_orm::sea_query::Condition::any()
                    .add(list::contains(C::Name, text))
                    .add(list::contains(C::Address, text)),
            );
        }
        let keys = list::Keys {
            id: C::Id,
            updated_at: C::UpdatedAt,
            deleted_at: Some(C::DeletedAt),
            seq: list::SEQ_COLUMN,
        };
        let page = list::paginate(&self.db, q, keys, opts, |m: &st::Model| {
            (m.id, m.updated_at, m.deleted_at)
        })
        .await?;
        let ids: Vec<Uuid> = page.live().map(|m| m.id).collect();
        let mut d = deputies_of(&self.db, &ids).await?;
        page.try_map(|m| {
            let id = m.id;
            station_from(m, d.remove(&id).unwrap_or_default())
        })
    }

    /// The deputies assigned to a station, deleted or not (they keep
    /// routing the opinions left there).
    pub async fn station_deputy_ids(&self, station_id: Uuid) -> StoreResult<Vec<Uuid>> {
        Ok(sd::Entity::find()
            .filter(sd::Column::StationId.eq(station_id))
            .order_by_asc(sd::Column::DeputyId)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| m.deputy_id)
            .collect())
    }

    /// The live stations each deputy is assigned to.
    pub async fn stations_of_deputies(
        &self,
        deputy_ids: &[Uuid],
    ) -> StoreResult<HashMap<Uuid, Vec<Uuid>>> {
        let mut out: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        if deputy_ids.is_empty() {
            return Ok(out);
        }
        let live = sea_orm::sea_query::Query::select()
            .column(C::Id)
            .from(StationEntity)
            .and_where(C::DeletedAt.is_null())
            .to_owned();
        for m in sd::Entity::find()
            .filter(sd::Column::DeputyId.is_in(deputy_ids.iter().copied()))
            .filter(sd::Column::StationId.in_subquery(live))
            .order_by_asc(sd::Column::StationId)
            .all(&self.db)
            .await?
        {
            out.entry(m.deputy_id).or_default().push(m.station_id);
        }
        Ok(out)
    }

    pub async fn create_reception_day(
        &self,
        ctx: &AuditCtx,
        d: ReceptionDay,
    ) -> StoreResult<ReceptionDay> {
        let txn = self.db.begin().await?;
        day_active(&d)?.insert(&txn).await?;
        if !d.deputy_ids.is_empty() {
            rdd::Entity::insert_many(d.deputy_ids.iter().map(|x| rdd::ActiveModel {
                reception_id: Set(d.id),
                deputy_id: Set((*x).into()),
            }))
            .exec_without_returning(&txn)
            .await?;
        }
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "create",
            "reception_day",
            Some(d.id),
            None::<&ReceptionDay>,
            Some(&d),
        )
        .await?;
        txn.commit().await?;
        Ok(d)
    }

    pub async fn get_reception_day(&self, station_id: Uuid, id: Uuid) -> StoreResult<ReceptionDay> {
        let m = rd::Entity::find_by_id(id)
            .filter(rd::Column::StationId.eq(station_id))
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut d = day_deputies(&self.db, &[id]).await?;
        day_from(m, d.remove(&id).unwrap_or_default())
    }

    /// A station's reception days in a period, by day.
    pub async fn reception_days(
        &self,
        station_id: Uuid,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> StoreResult<Vec<ReceptionDay>> {
        let mut q = rd::Entity::find().filter(rd::Column::StationId.eq(station_id));
        if let Some(f) = from {
            q = q.filter(rd::Column::Day.gte(f));
        }
        if let Some(t) = to {
            q = q.filter(rd::Column::Day.lte(t));
        }
        let rows = q
            .order_by_asc(rd::Column::Day)
            .order_by_asc(rd::Column::Id)
            .all(&self.db)
            .await?;
        let ids: Vec<Uuid> = rows.iter().map(|m| m.id).collect();
        let mut d = day_deputies(&self.db, &ids).await?;
        rows.into_iter()
            .map(|m| {
                let id = m.id;
                day_from(m, d.remove(&id).unwrap_or_default())
            })
            .collect()
    }

    /// Records what happened at a reception day, once, and a duty record
    /// for each deputy on duty, in one transaction.
    pub async fn record_reception(
        &self,
        ctx: &AuditCtx,
        before: &ReceptionDay,
        recorded: Recorded,
    ) -> StoreResult<ReceptionDay> {
        let Recorded { mut after, duties } = recorded;
        let txn = self.db.begin().await?;
        let now = renda_domain::time::now();
        after.updated_at = now;
        after.version = before.version + 1;
        let res = rd::Entity::update_many()
            .set(day_active(&after)?)
            .filter(rd::Column::Id.eq(before.id))
            .filter(rd::Column::Version.eq(before.version))
            .filter(rd::Column::RecordedAt.is_null())
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(StoreError::VersionMismatch);
        }
        for d in duties {
            write_duty(&txn, &self.crypto, ctx, d, false).await?;
        }
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "record",
            "reception_day",
            Some(after.id),
            Some(before),
            Some(&after),
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }
}

/// Makes every other change to the station tree wait until this
/// transaction ends. On PostgreSQL a transaction-scoped advisory lock;
/// SQLite runs one writing transaction at a time already.
async fn lock_tree<Conn: ConnectionTrait>(c: &Conn) -> StoreResult<()> {
    if c.get_database_backend() == sea_orm::DbBackend::Postgres {
        // The key is arbitrary and fixed: "station tree".
        c.execute_unprepared("SELECT pg_advisory_xact_lock(7220612051)")
            .await?;
    }
    Ok(())
}

/// The live stations from `parent` up to the top (at most
/// [`MAX_DEPTH`] + 1, so a loop already stored cannot make the walk run
/// forever), or `Missing` when a link is not a live station.
async fn ancestry<Conn: ConnectionTrait>(c: &Conn, parent: Uuid) -> StoreResult<Ancestry> {
    let mut chain = Vec::new();
    let mut at = Some(parent);
    while let Some(p) = at {
        if chain.len() > MAX_DEPTH {
            break;
        }
        let row = StationEntity::find_by_id(p)
            .filter(C::DeletedAt.is_null())
            .one(c)
            .await?;
        let Some(row) = row else {
            return Ok(Ancestry::Missing);
        };
        chain.push(p);
        at = row.parent_id;
    }
    Ok(Ancestry::Found(chain))
}

/// Refuses `parent` for station `id` as the domain's rule does, on the
/// tree as this transaction sees it.
async fn check_tree<Conn: ConnectionTrait>(c: &Conn, id: Uuid, parent: Uuid) -> StoreResult<()> {
    match parent_problem(Some(id), &ancestry(c, parent).await?) {
        None => Ok(()),
        Some(ParentProblem::Cycle) => Err(StoreError::Conflict(Conflict::StationCycle)),
        Some(ParentProblem::Gone) => Err(StoreError::Conflict(Conflict::StationParentGone)),
    }
}
