//! Handling units.

use crate::error::Conflict;
use renda_domain::unit::{NewUnit, Unit, UnitKind, UnitPatch};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    TransactionTrait,
};
use uuid::Uuid;

use crate::Store;
use crate::audit::{self, AuditCtx};
use crate::entities::unit::{self, Column as C, Entity as UnitEntity};
use crate::error::{StoreError, StoreResult, parse_stored};
use crate::list::{self, ListOptions, Page};

const OBJECT: &str = "unit";

/// Filters of the unit listing.
#[derive(Debug, Clone, Default)]
pub struct UnitFilter {
    pub kind: Option<UnitKind>,
    pub q: Option<String>,
}

fn to_domain(m: unit::Model) -> StoreResult<Unit> {
    Ok(Unit {
        id: m.id,
        name: m.name,
        kind: parse_stored(&m.kind)?,
        contact_person: m.contact_person,
        contact_phone: m.contact_phone,
        email: m.email,
        address: m.address,
        description: m.description,
        created_at: m.created_at,
        updated_at: m.updated_at,
        deleted_at: m.deleted_at,
        version: m.version,
    })
}

fn to_active(u: &Unit) -> unit::ActiveModel {
    unit::ActiveModel {
        id: Set(u.id),
        name: Set(u.name.clone()),
        kind: Set(u.kind.as_str().to_owned()),
        contact_person: Set(u.contact_person.clone()),
        contact_phone: Set(u.contact_phone.clone()),
        email: Set(u.email.clone()),
        address: Set(u.address.clone()),
        description: Set(u.description.clone()),
        created_at: Set(u.created_at),
        updated_at: Set(u.updated_at),
        deleted_at: Set(u.deleted_at),
        version: Set(u.version),
    }
}

fn name_conflict(e: sea_orm::DbErr) -> StoreError {
    match StoreError::from(e) {
        StoreError::Conflict(Conflict::UniqueViolation) => {
            StoreError::Conflict(Conflict::UnitNameTaken)
        }
        other => other,
    }
}

async fn name_taken<Conn: ConnectionTrait>(
    c: &Conn,
    name: &str,
    except: Option<Uuid>,
) -> StoreResult<bool> {
    let mut q = UnitEntity::find()
        .filter(C::Name.eq(name))
        .filter(C::DeletedAt.is_null());
    if let Some(id) = except {
        q = q.filter(C::Id.ne(id));
    }
    Ok(q.one(c).await?.is_some())
}

async fn load<Conn: ConnectionTrait>(c: &Conn, id: Uuid) -> StoreResult<Unit> {
    let m = UnitEntity::find_by_id(id)
        .filter(C::DeletedAt.is_null())
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    to_domain(m)
}

/// Writes `new` over `old` if `old` is still the stored version.
pub(crate) async fn write_versioned<Conn: ConnectionTrait>(
    c: &Conn,
    new: &Unit,
    old_version: i32,
) -> StoreResult<()> {
    let am = to_active(new);
    let res = UnitEntity::update_many()
        .set(am)
        .filter(C::Id.eq(new.id))
        .filter(C::Version.eq(old_version))
        .exec(c)
        .await?;
    if res.rows_affected == 1 {
        Ok(())
    } else {
        Err(StoreError::VersionMismatch)
    }
}

/// Inserts a unit with its audit entry on `c`; a taken name is refused.
async fn insert_unit<Conn: ConnectionTrait>(
    c: &Conn,
    crypto: &crate::crypto::Crypto,
    ctx: &AuditCtx,
    new: NewUnit,
) -> StoreResult<Unit> {
    if name_taken(c, &new.name, None).await? {
        return Err(StoreError::Conflict(Conflict::UnitNameTaken));
    }
    let now = renda_domain::time::now();
    let u = Unit {
        id: Uuid::now_v7(),
        name: new.name,
        kind: new.kind,
        contact_person: new.contact_person,
        contact_phone: new.contact_phone,
        email: new.email,
        address: new.address,
        description: new.description,
        created_at: now,
        updated_at: now,
        deleted_at: None,
        version: 1,
    };
    to_active(&u).insert(c).await.map_err(name_conflict)?;
    audit::record(
        c,
        crypto,
        ctx,
        "create",
        OBJECT,
        Some(u.id),
        None::<&Unit>,
        Some(&u),
    )
    .await?;
    Ok(u)
}

impl Store {
    pub async fn create_unit(&self, ctx: &AuditCtx, new: NewUnit) -> StoreResult<Unit> {
        let txn = self.db.begin().await?;
        let u = insert_unit(&txn, &self.crypto, ctx, new).await?;
        txn.commit().await?;
        Ok(u)
    }

    /// Whether a unit of this name exists.
    pub async fn unit_name_taken(&self, name: &str) -> StoreResult<bool> {
        name_taken(&self.db, name, None).await
    }

    /// Creates every unit of an import, or none.
    pub async fn import_units(&self, ctx: &AuditCtx, news: Vec<NewUnit>) -> StoreResult<Vec<Unit>> {
        let txn = self.db.begin().await?;
        let mut out = Vec::with_capacity(news.len());
        for n in news {
            out.push(insert_unit(&txn, &self.crypto, ctx, n).await?);
        }
        let ids: Vec<Uuid> = out.iter().map(|u| u.id).collect();
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "import",
            OBJECT,
            None,
            None::<&()>,
            Some(&serde_json::json!({"created": ids})),
        )
        .await?;
        txn.commit().await?;
        Ok(out)
    }

    pub async fn get_unit(&self, id: Uuid) -> StoreResult<Unit> {
        load(&self.db, id).await
    }

    /// Changes a unit. With `if_version`, refuses when the unit has moved on.
    pub async fn update_unit(
        &self,
        ctx: &AuditCtx,
        id: Uuid,
        if_version: Option<i32>,
        patch: UnitPatch,
    ) -> StoreResult<Unit> {
        let txn = self.db.begin().await?;
        let before = load(&txn, id).await?;
        if if_version.is_some_and(|v| v != before.version) {
            return Err(StoreError::Stale);
        }
        if let Some(name) = &patch.name
            && name_taken(&txn, name, Some(id)).await?
        {
            return Err(StoreError::Conflict(Conflict::UnitNameTaken));
        }
        let mut after = before.clone();
        patch.apply(&mut after);
        if after == before {
            return Ok(before);
        }
        after.updated_at = renda_domain::time::now();
        after.version = before.version + 1;
        write_versioned(&txn, &after, before.version)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(Conflict::UniqueViolation) => {
                    StoreError::Conflict(Conflict::UnitNameTaken)
                }
                other => other,
            })?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "update",
            OBJECT,
            Some(id),
            Some(&before),
            Some(&after),
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Deletes a unit, keeping a tombstone for synchronising clients.
    pub async fn delete_unit(
        &self,
        ctx: &AuditCtx,
        id: Uuid,
        if_version: Option<i32>,
    ) -> StoreResult<()> {
        let txn = self.db.begin().await?;
        // The unit's row stays locked until the end: an account or a
        // client being linked to it meanwhile locks it too
        // (crate::users::lock_links), so the link and the delete cannot
        // both succeed.
        crate::db::lock_live(
            &txn,
            UnitEntity::find_by_id(id).filter(C::DeletedAt.is_null()),
        )
        .await?
        .ok_or(StoreError::NotFound)?;
        let before = load(&txn, id).await?;
        if if_version.is_some_and(|v| v != before.version) {
            return Err(StoreError::Stale);
        }
        let linked = crate::entities::user::Entity::find()
            .filter(crate::entities::user::Column::UnitId.eq(id))
            .filter(crate::entities::user::Column::DeletedAt.is_null())
            .one(&txn)
            .await?;
        let client = crate::entities::service_client::Entity::find()
            .filter(crate::entities::service_client::Column::UnitId.eq(id))
            .filter(crate::entities::service_client::Column::DeletedAt.is_null())
            .one(&txn)
            .await?;
        if linked.is_some() || client.is_some() {
            return Err(StoreError::Conflict(Conflict::UnitInUse));
        }
        let mut after = before.clone();
        let now = renda_domain::time::now();
        after.deleted_at = Some(now);
        after.updated_at = now;
        after.version = before.version + 1;
        write_versioned(&txn, &after, before.version).await?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "delete",
            OBJECT,
            Some(id),
            Some(&before),
            None::<&Unit>,
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    pub async fn list_units(&self, f: &UnitFilter, opts: &ListOptions) -> StoreResult<Page<Unit>> {
        let mut q = UnitEntity::find();
        if let Some(k) = f.kind {
            q = q.filter(C::Kind.eq(k.as_str()));
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
        let page = list::paginate(&self.db, q, keys, opts, |m: &unit::Model| {
            (m.id, m.updated_at, m.deleted_at)
        })
        .await?;
        page.try_map(to_domain)
    }

    /// Whether a live unit with this id exists.
    pub async fn unit_exists(&self, id: Uuid) -> StoreResult<bool> {
        match load(&self.db, id).await {
            Ok(_) => Ok(true),
            Err(StoreError::NotFound) => Ok(false),
            Err(e) => Err(e),
        }
    }
}
