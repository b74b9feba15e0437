//! The observer registry.

use crate::error::Conflict;
use std::collections::HashMap;

use renda_domain::observer::{
    NewObserver, Observer, ObserverCategory, ObserverPatch, ObserverStatus, Specialty,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    TransactionTrait,
};
use uuid::Uuid;

use crate::Store;
use crate::audit::{self, AuditCtx};
use crate::crypto::{Crypto, open_field, seal_field};
use crate::entities::observer::{self, Column as C, Entity as ObserverEntity};
use crate::entities::observer_conflict as oc;
use crate::error::{StoreError, StoreResult, parse_stored};
use crate::list::{self, ListOptions, Page};

const OBJECT: &str = "observer";

/// Filters of the observer listing.
#[derive(Debug, Clone, Default)]
pub struct ObserverFilter {
    pub specialty: Option<Specialty>,
    pub category: Option<ObserverCategory>,
    pub status: Option<ObserverStatus>,
    pub q: Option<String>,
}

const PHONE_FIELD: &str = "observers.phone";
const EMAIL_FIELD: &str = "observers.email";

/// An observer as the audit trail keeps it: contact details masked.
fn audit_form(o: &Observer) -> Observer {
    let mut o = o.clone();
    o.phone = o.phone.as_deref().map(renda_domain::personal::mask_phone);
    o.email = o.email.as_ref().map(|_| "***".to_owned());
    o
}

fn to_domain(crypto: &Crypto, m: observer::Model, conflicts: Vec<Uuid>) -> StoreResult<Observer> {
    Ok(Observer {
        id: m.id,
        name: m.name,
        specialty: parse_stored(&m.specialty)?,
        category: parse_stored(&m.category)?,
        affiliation: m.affiliation,
        term_start: m.term_start,
        term_end: m.term_end,
        status: parse_stored(&m.status)?,
        phone: open_field(crypto, PHONE_FIELD, m.id, m.phone)?,
        email: open_field(crypto, EMAIL_FIELD, m.id, m.email)?,
        conflict_unit_ids: conflicts,
        created_at: m.created_at,
        updated_at: m.updated_at,
        deleted_at: m.deleted_at,
        version: m.version,
    })
}

fn to_active(crypto: &Crypto, o: &Observer) -> observer::ActiveModel {
    observer::ActiveModel {
        id: Set(o.id),
        name: Set(o.name.clone()),
        specialty: Set(o.specialty.as_str().to_owned()),
        category: Set(o.category.as_str().to_owned()),
        affiliation: Set(o.affiliation.clone()),
        term_start: Set(o.term_start),
        term_end: Set(o.term_end),
        status: Set(o.status.as_str().to_owned()),
        phone: Set(seal_field(crypto, PHONE_FIELD, o.id, o.phone.as_deref())),
        email: Set(seal_field(crypto, EMAIL_FIELD, o.id, o.email.as_deref())),
        created_at: Set(o.created_at),
        updated_at: Set(o.updated_at),
        deleted_at: Set(o.deleted_at),
        version: Set(o.version),
    }
}

async fn conflicts<Conn: ConnectionTrait>(
    c: &Conn,
    ids: &[Uuid],
) -> StoreResult<HashMap<Uuid, Vec<Uuid>>> {
    let mut out: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    for m in oc::Entity::find()
        .filter(oc::Column::ObserverId.is_in(ids.iter().copied()))
        .all(c)
        .await?
    {
        out.entry(m.observer_id).or_default().push(m.unit_id);
    }
    for v in out.values_mut() {
        v.sort();
    }
    Ok(out)
}

async fn write_conflicts<Conn: ConnectionTrait>(
    c: &Conn,
    id: Uuid,
    units: &[Uuid],
) -> StoreResult<()> {
    oc::Entity::delete_many()
        .filter(oc::Column::ObserverId.eq(id))
        .exec(c)
        .await?;
    if !units.is_empty() {
        let rows = units.iter().map(|u| oc::ActiveModel {
            observer_id: Set(id),
            unit_id: Set(*u),
        });
        oc::Entity::insert_many(rows)
            .exec_without_returning(c)
            .await?;
    }
    Ok(())
}

/// Whether the observer is assigned to an item still open that supervises
/// one of `units`.
async fn assigned_with_bodies<Conn: ConnectionTrait>(
    c: &Conn,
    observer_id: Uuid,
    units: &[Uuid],
) -> StoreResult<bool> {
    use crate::entities::{
        supervision_body as sb, supervision_item as si, supervision_observer as so,
    };
    use sea_orm::{PaginatorTrait, QuerySelect};
    let items: Vec<Uuid> = so::Entity::find()
        .select_only()
        .column(so::Column::ItemId)
        .filter(so::Column::ObserverId.eq(observer_id))
        .into_tuple()
        .all(c)
        .await?;
    if items.is_empty() {
        return Ok(false);
    }
    let open: Vec<Uuid> = si::Entity::find()
        .select_only()
        .column(si::Column::Id)
        .filter(si::Column::Id.is_in(items))
        .filter(si::Column::Stage.ne(renda_domain::supervision::Stage::Closed.as_str()))
        .into_tuple()
        .all(c)
        .await?;
    if open.is_empty() {
        return Ok(false);
    }
    Ok(sb::Entity::find()
        .filter(sb::Column::ItemId.is_in(open))
        .filter(sb::Column::UnitId.is_in(units.to_vec()))
        .count(c)
        .await?
        > 0)
}

async fn load<Conn: ConnectionTrait>(crypto: &Crypto, c: &Conn, id: Uuid) -> StoreResult<Observer> {
    let m = ObserverEntity::find_by_id(id)
        .filter(C::DeletedAt.is_null())
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut cs = conflicts(c, &[id]).await?;
    to_domain(crypto, m, cs.remove(&id).unwrap_or_default())
}

impl Store {
    pub async fn create_observer(&self, ctx: &AuditCtx, new: NewObserver) -> StoreResult<Observer> {
        let now = renda_domain::time::now();
        let mut units = new.conflict_unit_ids;
        units.sort();
        units.dedup();
        let o = Observer {
            id: Uuid::now_v7(),
            name: new.name,
            specialty: new.specialty,
            category: new.category,
            affiliation: new.affiliation,
            term_start: new.term_start,
            term_end: new.term_end,
            status: new.status,
            phone: new.phone,
            email: new.email,
            conflict_unit_ids: units,
            created_at: now,
            updated_at: now,
            deleted_at: None,
            version: 1,
        };
        let txn = self.db.begin().await?;
        to_active(&self.crypto, &o).insert(&txn).await?;
        write_conflicts(&txn, o.id, &o.conflict_unit_ids).await?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "create",
            OBJECT,
            Some(o.id),
            None::<&Observer>,
            Some(&audit_form(&o)),
        )
        .await?;
        txn.commit().await?;
        Ok(o)
    }

    pub async fn get_observer(&self, id: Uuid) -> StoreResult<Observer> {
        load(&self.crypto, &self.db, id).await
    }

    pub async fn observer_exists(&self, id: Uuid) -> StoreResult<bool> {
        Ok(ObserverEntity::find_by_id(id)
            .filter(C::DeletedAt.is_null())
            .one(&self.db)
            .await?
            .is_some())
    }

    pub async fn update_observer(
        &self,
        ctx: &AuditCtx,
        id: Uuid,
        if_version: Option<i32>,
        mut patch: ObserverPatch,
    ) -> StoreResult<Observer> {
        if let Some(units) = patch.conflict_unit_ids.as_mut() {
            units.sort();
            units.dedup();
        }
        let txn = self.db.begin().await?;
        // Locked: an assignment to an item cannot be added meanwhile.
        crate::db::lock_live(
            &txn,
            ObserverEntity::find_by_id(id).filter(C::DeletedAt.is_null()),
        )
        .await?
        .ok_or(StoreError::NotFound)?;
        let before = load(&self.crypto, &txn, id).await?;
        if if_version.is_some_and(|v| v != before.version) {
            return Err(StoreError::Stale);
        }
        let mut after = before.clone();
        patch.apply(&mut after);
        if after == before {
            return Ok(before);
        }
        let new_ties: Vec<Uuid> = after
            .conflict_unit_ids
            .iter()
            .filter(|u| !before.conflict_unit_ids.contains(u))
            .copied()
            .collect();
        if !new_ties.is_empty() && assigned_with_bodies(&txn, id, &new_ties).await? {
            return Err(StoreError::Conflict(Conflict::TieToAssignedItem));
        }
        after.updated_at = renda_domain::time::now();
        after.version = before.version + 1;
        let res = ObserverEntity::update_many()
            .set(to_active(&self.crypto, &after))
            .filter(C::Id.eq(id))
            .filter(C::Version.eq(before.version))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(StoreError::VersionMismatch);
        }
        if after.conflict_unit_ids != before.conflict_unit_ids {
            write_conflicts(&txn, id, &after.conflict_unit_ids).await?;
        }
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "update",
            OBJECT,
            Some(id),
            Some(&audit_form(&before)),
            Some(&audit_form(&after)),
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    pub async fn list_observers(
        &self,
        f: &ObserverFilter,
        opts: &ListOptions,
    ) -> StoreResult<Page<Observer>> {
        let mut q = ObserverEntity::find();
        if let Some(v) = f.specialty {
            q = q.filter(C::Specialty.eq(v.as_str()));
        }
        if let Some(v) = f.category {
            q = q.filter(C::Category.eq(v.as_str()));
        }
        if let Some(v) = f.status {
            q = q.filter(C::Status.eq(v.as_str()));
        }
        if let Some(text) = &f.q {
            q = q.filter(list::contains(C::Name, text));
        }
        let keys = list::Keys {
            id: C::Id,
            updated_at: C::UpdatedAt,
            deleted_at: Some(C::DeletedAt),
            seq: list::SEQ_COLUMN,
        };
        let page = list::paginate(&self.db, q, keys, opts, |m: &observer::Model| {
            (m.id, m.updated_at, m.deleted_at)
        })
        .await?;
        let ids: Vec<Uuid> = page.live().map(|m| m.id).collect();
        let mut cs = conflicts(&self.db, &ids).await?;
        page.try_map(|m| {
            let id = m.id;
            to_domain(&self.crypto, m, cs.remove(&id).unwrap_or_default())
        })
    }
}
