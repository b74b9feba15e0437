//! Deputies, their memberships and their "three links".

use crate::error::Conflict;
use std::collections::HashMap;

use renda_domain::deputy::{Deputy, DeputyPatch, DeputyStatus, Level, Link, Membership, NewDeputy};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use crate::Store;
use crate::audit::{self, AuditCtx};
use crate::crypto::{Crypto, open_field, seal_field};
use crate::entities::deputy::{self, Column as C, Entity as DeputyEntity};
use crate::entities::{deputy_link as dl, deputy_membership as dm};
use crate::error::{StoreError, StoreResult, parse_stored};
use crate::list::{self, ListOptions, Page};

const OBJECT: &str = "deputy";

/// Filters of the deputy listing. Membership filters match a deputy who
/// has at least one membership with all of them.
#[derive(Debug, Clone, Default)]
pub struct DeputyFilter {
    pub level: Option<Level>,
    pub term: Option<String>,
    pub constituency: Option<String>,
    pub status: Option<DeputyStatus>,
    pub q: Option<String>,
    /// Exactly this phone number (found by its keyed hash).
    pub phone: Option<String>,
}

fn membership(m: dm::Model) -> StoreResult<Membership> {
    Ok(Membership {
        level: parse_stored(&m.level)?,
        term: m.term,
        constituency: m.constituency,
        delegation: m.delegation,
        start_date: m.start_date,
        end_date: m.end_date,
        status: parse_stored(&m.status)?,
    })
}

fn link(m: dl::Model) -> StoreResult<Link> {
    Ok(Link {
        kind: parse_stored(&m.kind)?,
        organization: m.organization,
        start_date: m.start_date,
        end_date: m.end_date,
    })
}

fn to_domain(
    crypto: &Crypto,
    m: deputy::Model,
    memberships: Vec<Membership>,
    links: Vec<Link>,
) -> StoreResult<Deputy> {
    Ok(Deputy {
        id: m.id,
        name: m.name,
        gender: m.gender.as_deref().map(parse_stored).transpose()?,
        ethnicity: m.ethnicity,
        birth_date: m.birth_date,
        party: m.party,
        education: m.education,
        occupation: m.occupation,
        work_unit: m.work_unit,
        phone: open_field(crypto, PHONE_FIELD, m.id, m.phone)?,
        photo_url: m.photo_url,
        status: parse_stored(&m.status)?,
        memberships,
        links,
        created_at: m.created_at,
        updated_at: m.updated_at,
        deleted_at: m.deleted_at,
        version: m.version,
    })
}

const PHONE_FIELD: &str = "deputies.phone";

/// The keyed hash by which a deputy is found from a phone number: its
/// digits only, so that `138 1234 1234` finds `13812341234`.
pub(crate) fn phone_index(crypto: &Crypto, phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    crypto.index(PHONE_FIELD, &digits)
}

/// A deputy as the audit trail keeps it: the phone masked, so that the
/// trail holds no personal data in the clear.
fn audit_form(d: &Deputy) -> Deputy {
    let mut d = d.clone();
    d.phone = d.phone.as_deref().map(renda_domain::personal::mask_phone);
    d
}

fn to_active(crypto: &Crypto, d: &Deputy) -> deputy::ActiveModel {
    deputy::ActiveModel {
        id: Set(d.id),
        name: Set(d.name.clone()),
        gender: Set(d.gender.map(|g| g.as_str().to_owned())),
        ethnicity: Set(d.ethnicity.clone()),
        birth_date: Set(d.birth_date),
        party: Set(d.party.clone()),
        education: Set(d.education.clone()),
        occupation: Set(d.occupation.clone()),
        work_unit: Set(d.work_unit.clone()),
        phone: Set(seal_field(crypto, PHONE_FIELD, d.id, d.phone.as_deref())),
        phone_index: Set(d.phone.as_deref().map(|p| phone_index(crypto, p))),
        photo_url: Set(d.photo_url.clone()),
        status: Set(d.status.as_str().to_owned()),
        created_at: Set(d.created_at),
        updated_at: Set(d.updated_at),
        deleted_at: Set(d.deleted_at),
        version: Set(d.version),
    }
}

/// Loads the memberships and links of several deputies in two queries.
async fn children<Conn: ConnectionTrait>(
    c: &Conn,
    ids: &[Uuid],
) -> StoreResult<(HashMap<Uuid, Vec<Membership>>, HashMap<Uuid, Vec<Link>>)> {
    let mut ms: HashMap<Uuid, Vec<Membership>> = HashMap::new();
    let mut ls: HashMap<Uuid, Vec<Link>> = HashMap::new();
    if ids.is_empty() {
        return Ok((ms, ls));
    }
    let rows = dm::Entity::find()
        .filter(dm::Column::DeputyId.is_in(ids.iter().copied()))
        .order_by_asc(dm::Column::DeputyId)
        .order_by_asc(dm::Column::Position)
        .all(c)
        .await?;
    for r in rows {
        let id = r.deputy_id;
        ms.entry(id).or_default().push(membership(r)?);
    }
    let rows = dl::Entity::find()
        .filter(dl::Column::DeputyId.is_in(ids.iter().copied()))
        .order_by_asc(dl::Column::DeputyId)
        .order_by_asc(dl::Column::Position)
        .all(c)
        .await?;
    for r in rows {
        let id = r.deputy_id;
        ls.entry(id).or_default().push(link(r)?);
    }
    Ok((ms, ls))
}

async fn load<Conn: ConnectionTrait>(crypto: &Crypto, c: &Conn, id: Uuid) -> StoreResult<Deputy> {
    let m = DeputyEntity::find_by_id(id)
        .filter(C::DeletedAt.is_null())
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    let (mut ms, mut ls) = children(c, &[id]).await?;
    to_domain(
        crypto,
        m,
        ms.remove(&id).unwrap_or_default(),
        ls.remove(&id).unwrap_or_default(),
    )
}

async fn write_children<Conn: ConnectionTrait>(
    c: &Conn,
    deputy_id: Uuid,
    memberships: Option<&[Membership]>,
    links: Option<&[Link]>,
) -> StoreResult<()> {
    if let Some(ms) = memberships {
        dm::Entity::delete_many()
            .filter(dm::Column::DeputyId.eq(deputy_id))
            .exec(c)
            .await?;
        if !ms.is_empty() {
            let rows = ms.iter().enumerate().map(|(i, m)| dm::ActiveModel {
                id: Set(Uuid::now_v7()),
                deputy_id: Set(deputy_id),
                position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
                level: Set(m.level.as_str().to_owned()),
                term: Set(m.term.clone()),
                constituency: Set(m.constituency.clone()),
                delegation: Set(m.delegation.clone()),
                start_date: Set(m.start_date),
                end_date: Set(m.end_date),
                status: Set(m.status.as_str().to_owned()),
            });
            dm::Entity::insert_many(rows)
                .exec_without_returning(c)
                .await?;
        }
    }
    if let Some(ls) = links {
        dl::Entity::delete_many()
            .filter(dl::Column::DeputyId.eq(deputy_id))
            .exec(c)
            .await?;
        if !ls.is_empty() {
            let rows = ls.iter().enumerate().map(|(i, l)| dl::ActiveModel {
                id: Set(Uuid::now_v7()),
                deputy_id: Set(deputy_id),
                position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
                kind: Set(l.kind.as_str().to_owned()),
                organization: Set(l.organization.clone()),
                start_date: Set(l.start_date),
                end_date: Set(l.end_date),
            });
            dl::Entity::insert_many(rows)
                .exec_without_returning(c)
                .await?;
        }
    }
    Ok(())
}

async fn write_versioned<Conn: ConnectionTrait>(
    crypto: &Crypto,
    c: &Conn,
    new: &Deputy,
    old_version: i32,
) -> StoreResult<()> {
    let res = DeputyEntity::update_many()
        .set(to_active(crypto, new))
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

/// Inserts a deputy with memberships, links and audit entry on `c`.
async fn insert_deputy<Conn: ConnectionTrait>(
    crypto: &Crypto,
    c: &Conn,
    ctx: &AuditCtx,
    new: NewDeputy,
) -> StoreResult<Deputy> {
    let now = renda_domain::time::now();
    let d = Deputy {
        id: Uuid::now_v7(),
        name: new.name,
        gender: new.gender,
        ethnicity: new.ethnicity,
        birth_date: new.birth_date,
        party: new.party,
        education: new.education,
        occupation: new.occupation,
        work_unit: new.work_unit,
        phone: new.phone,
        photo_url: new.photo_url,
        status: new.status,
        memberships: new.memberships,
        links: new.links,
        created_at: now,
        updated_at: now,
        deleted_at: None,
        version: 1,
    };
    to_active(crypto, &d).insert(c).await?;
    write_children(c, d.id, Some(&d.memberships), Some(&d.links)).await?;
    audit::record(
        c,
        crypto,
        ctx,
        "create",
        OBJECT,
        Some(d.id),
        None::<&Deputy>,
        Some(&audit_form(&d)),
    )
    .await?;
    Ok(d)
}

impl Store {
    pub async fn create_deputy(&self, ctx: &AuditCtx, new: NewDeputy) -> StoreResult<Deputy> {
        let txn = self.db.begin().await?;
        let d = insert_deputy(&self.crypto, &txn, ctx, new).await?;
        txn.commit().await?;
        Ok(d)
    }

    /// Creates every deputy of an import, or none: one transaction, an
    /// audit entry per deputy and one for the import.
    pub async fn import_deputies(
        &self,
        ctx: &AuditCtx,
        news: Vec<NewDeputy>,
    ) -> StoreResult<Vec<Deputy>> {
        let txn = self.db.begin().await?;
        let mut out = Vec::with_capacity(news.len());
        for n in news {
            out.push(insert_deputy(&self.crypto, &txn, ctx, n).await?);
        }
        let ids: Vec<Uuid> = out.iter().map(|d| d.id).collect();
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

    pub async fn get_deputy(&self, id: Uuid) -> StoreResult<Deputy> {
        load(&self.crypto, &self.db, id).await
    }

    pub async fn update_deputy(
        &self,
        ctx: &AuditCtx,
        id: Uuid,
        if_version: Option<i32>,
        patch: DeputyPatch,
    ) -> StoreResult<Deputy> {
        let txn = self.db.begin().await?;
        let before = load(&self.crypto, &txn, id).await?;
        if if_version.is_some_and(|v| v != before.version) {
            return Err(StoreError::Stale);
        }
        let replace_memberships = patch.memberships.is_some();
        let replace_links = patch.links.is_some();
        let mut after = before.clone();
        patch.apply(&mut after);
        if after == before {
            return Ok(before);
        }
        after.updated_at = renda_domain::time::now();
        after.version = before.version + 1;
        write_versioned(&self.crypto, &txn, &after, before.version).await?;
        write_children(
            &txn,
            id,
            (replace_memberships && after.memberships != before.memberships)
                .then_some(&after.memberships[..]),
            (replace_links && after.links != before.links).then_some(&after.links[..]),
        )
        .await?;
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

    pub async fn delete_deputy(
        &self,
        ctx: &AuditCtx,
        id: Uuid,
        if_version: Option<i32>,
    ) -> StoreResult<()> {
        let txn = self.db.begin().await?;
        // Locked until the end, as an account being linked locks it.
        crate::db::lock_live(
            &txn,
            crate::entities::deputy::Entity::find_by_id(id)
                .filter(crate::entities::deputy::Column::DeletedAt.is_null()),
        )
        .await?
        .ok_or(StoreError::NotFound)?;
        let before = load(&self.crypto, &txn, id).await?;
        if if_version.is_some_and(|v| v != before.version) {
            return Err(StoreError::Stale);
        }
        let linked = crate::entities::user::Entity::find()
            .filter(crate::entities::user::Column::DeputyId.eq(id))
            .filter(crate::entities::user::Column::DeletedAt.is_null())
            .one(&txn)
            .await?;
        if linked.is_some() {
            return Err(StoreError::Conflict(Conflict::DeputyInUse));
        }
        // Nor while a live station lists them (a station adding them
        // meanwhile locks this row too).
        if crate::stations::live_stations_of_deputy(&txn, id).await? > 0 {
            return Err(StoreError::Conflict(Conflict::DeputyAtStation));
        }
        let mut after = before.clone();
        let now = renda_domain::time::now();
        after.deleted_at = Some(now);
        after.updated_at = now;
        after.version = before.version + 1;
        write_versioned(&self.crypto, &txn, &after, before.version).await?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "delete",
            OBJECT,
            Some(id),
            Some(&audit_form(&before)),
            None::<&Deputy>,
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    pub async fn list_deputies(
        &self,
        f: &DeputyFilter,
        opts: &ListOptions,
    ) -> StoreResult<Page<Deputy>> {
        let mut q = DeputyEntity::find();
        if let Some(s) = f.status {
            q = q.filter(C::Status.eq(s.as_str()));
        }
        if let Some(text) = &f.q {
            q = q.filter(list::contains(C::Name, text));
        }
        if let Some(p) = &f.phone {
            q = q.filter(C::PhoneIndex.eq(phone_index(&self.crypto, p)));
        }
        if f.level.is_some() || f.term.is_some() || f.constituency.is_some() {
            let mut sub = Query::select();
            sub.column(dm::Column::DeputyId).from(dm::Entity);
            if let Some(l) = f.level {
                sub.and_where(dm::Column::Level.eq(l.as_str()));
            }
            if let Some(t) = &f.term {
                sub.and_where(dm::Column::Term.eq(t.clone()));
            }
            if let Some(c) = &f.constituency {
                sub.and_where(dm::Column::Constituency.eq(c.clone()));
            }
            q = q.filter(C::Id.in_subquery(sub.to_owned()));
        }
        let keys = list::Keys {
            id: C::Id,
            updated_at: C::UpdatedAt,
            deleted_at: Some(C::DeletedAt),
            seq: list::SEQ_COLUMN,
        };
        let page = list::paginate(&self.db, q, keys, opts, |m: &deputy::Model| {
            (m.id, m.updated_at, m.deleted_at)
        })
        .await?;
        let ids: Vec<Uuid> = page.live().map(|m| m.id).collect();
        let (mut ms, mut ls) = children(&self.db, &ids).await?;
        page.try_map(|m| {
            let id = m.id;
            to_domain(
                &self.crypto,
                m,
                ms.remove(&id).unwrap_or_default(),
                ls.remove(&id).unwrap_or_default(),
            )
        })
    }

    /// Whether a live deputy with this id exists.
    pub async fn deputy_exists(&self, id: Uuid) -> StoreResult<bool> {
        Ok(DeputyEntity::find_by_id(id)
            .filter(C::DeletedAt.is_null())
            .one(&self.db)
            .await?
            .is_some())
    }
}

impl Store {
    /// The ids of the deputies serving in `term` at `level`, each once.
    pub async fn serving_deputy_ids(
        &self,
        level: renda_domain::deputy::Level,
        term: &str,
    ) -> StoreResult<Vec<renda_domain::id::DeputyId>> {
        let ids: Vec<Uuid> = dm::Entity::find()
            .filter(dm::Column::Level.eq(level.as_str()))
            .filter(dm::Column::Term.eq(term))
            .filter(dm::Column::Status.eq(renda_domain::deputy::MembershipStatus::Serving.as_str()))
            .select_only()
            .column(dm::Column::DeputyId)
            .distinct()
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(renda_domain::id::from_uuids(ids))
    }

    /// The deputies serving in `term` at `level`, and those of `also` that
    /// exist, each once.
    pub async fn deputies_for_term(
        &self,
        level: renda_domain::deputy::Level,
        term: &str,
        also: &[Uuid],
    ) -> StoreResult<Vec<Deputy>> {
        let mut ids: Vec<Uuid> = dm::Entity::find()
            .filter(dm::Column::Level.eq(level.as_str()))
            .filter(dm::Column::Term.eq(term))
            .filter(dm::Column::Status.eq(renda_domain::deputy::MembershipStatus::Serving.as_str()))
            .select_only()
            .column(dm::Column::DeputyId)
            .into_tuple()
            .all(&self.db)
            .await?;
        ids.extend_from_slice(also);
        ids.sort();
        ids.dedup();
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            match load(&self.crypto, &self.db, id).await {
                Ok(d) => out.push(d),
                Err(StoreError::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// Writes the deputies a change of term changed, each over the record
    /// it was made from (`before`, by id) if unchanged meanwhile, with an
    /// audit entry each, in one transaction: all or none.
    pub async fn save_term_change(
        &self,
        ctx: &AuditCtx,
        before: &[Deputy],
        after: Vec<Deputy>,
    ) -> StoreResult<Vec<Deputy>> {
        let txn = self.db.begin().await?;
        let mut saved = Vec::with_capacity(after.len());
        for mut a in after {
            let b = before
                .iter()
                .find(|b| b.id == a.id)
                .ok_or(StoreError::NotFound)?;
            a.updated_at = renda_domain::time::now();
            a.version = b.version + 1;
            write_versioned(&self.crypto, &txn, &a, b.version).await?;
            write_children(&txn, a.id, Some(&a.memberships[..]), None).await?;
            audit::record(
                &txn,
                &self.crypto,
                ctx,
                "term_change",
                OBJECT,
                Some(a.id),
                Some(&audit_form(b)),
                Some(&audit_form(&a)),
            )
            .await?;
            saved.push(a);
        }
        txn.commit().await?;
        Ok(saved)
    }
}

impl Store {
    /// The names of the live deputies among `deputies` and of the live
    /// units among `units`, in two statements (an export names a page's
    /// people at once, not one by one); an id of neither, or of a deleted
    /// one, is left out, as `get_deputy` and `get_unit` would refuse it.
    pub async fn names_of(
        &self,
        deputies: &[Uuid],
        units: &[Uuid],
    ) -> StoreResult<std::collections::HashMap<Uuid, String>> {
        use sea_orm::QuerySelect;
        let mut out = std::collections::HashMap::new();
        if !deputies.is_empty() {
            let rows: Vec<(Uuid, String)> = crate::entities::deputy::Entity::find()
                .select_only()
                .column(crate::entities::deputy::Column::Id)
                .column(crate::entities::deputy::Column::Name)
                .filter(crate::entities::deputy::Column::Id.is_in(deputies.iter().copied()))
                .filter(crate::entities::deputy::Column::DeletedAt.is_null())
                .into_tuple()
                .all(&self.db)
                .await?;
            out.extend(rows);
        }
        if !units.is_empty() {
            let rows: Vec<(Uuid, String)> = crate::entities::unit::Entity::find()
                .select_only()
                .column(crate::entities::unit::Column::Id)
                .column(crate::entities::unit::Column::Name)
                .filter(crate::entities::unit::Column::Id.is_in(units.iter().copied()))
                .filter(crate::entities::unit::Column::DeletedAt.is_null())
                .into_tuple()
                .all(&self.db)
                .await?;
            out.extend(rows);
        }
        Ok(out)
    }
}
