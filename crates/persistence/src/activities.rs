//! Deputies' activities with invitations, sign-ups and check-ins, and the
//! needs list of enterprises and residents.

use crate::error::Conflict;
use std::collections::HashMap;

use chrono::NaiveDate;
use renda_domain::activity::{ActivityKind, NeedStatus};
use renda_domain::id::{DeputyId, UserId};
use sea_orm::sea_query::{Condition, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, TransactionTrait,
};
use uuid::Uuid;

use crate::Store;
use crate::audit::{self, AuditCtx};
use crate::crypto::{Crypto, open_field, seal_field};
use crate::duties::write_duty;
use crate::entities::activity::{self as ac, Column as C, Entity as ActivityEntity};
use crate::entities::{activity_participant as ap, need};
use crate::error::{StoreError, StoreResult, parse_stored};
use crate::list::{self, ListOptions, Page};

pub use renda_domain::activity::{Activity, CheckIns, Need, Participant};

/// Filters of the activity listing.
#[derive(Debug, Clone, Default)]
pub struct ActivityFilter {
    pub kind: Option<ActivityKind>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Activities this deputy is invited to or signed up for.
    pub deputy_id: Option<Uuid>,
    pub q: Option<String>,
}

/// Filters of the needs list.
#[derive(Debug, Clone, Default)]
pub struct NeedFilter {
    pub status: Option<NeedStatus>,
    pub deputy_id: Option<Uuid>,
    pub activity_id: Option<Uuid>,
}

/// Why a check-in is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckIn {
    Done,
    AlreadyCheckedIn,
}

fn activity_active(a: &Activity) -> ac::ActiveModel {
    ac::ActiveModel {
        id: Set(a.id),
        kind: Set(a.kind.as_str().to_owned()),
        brand: Set(a.brand.clone()),
        title: Set(a.title.clone()),
        description: Set(a.description.clone()),
        day: Set(a.day),
        place: Set(a.place.clone()),
        organiser: Set(a.organiser.clone()),
        created_by: Set(a.created_by.into()),
        created_at: Set(a.created_at),
        updated_at: Set(a.updated_at),
        version: Set(a.version),
    }
}

fn activity_from(m: ac::Model, invited: Vec<Uuid>) -> StoreResult<Activity> {
    Ok(Activity {
        id: m.id,
        kind: parse_stored(&m.kind)?,
        brand: m.brand,
        title: m.title,
        description: m.description,
        day: m.day,
        place: m.place,
        organiser: m.organiser,
        invited: renda_domain::id::from_uuids(invited),
        created_by: m.created_by.into(),
        created_at: m.created_at,
        updated_at: m.updated_at,
        version: m.version,
    })
}

async fn invited_of<Conn: ConnectionTrait>(
    c: &Conn,
    ids: &[Uuid],
) -> StoreResult<HashMap<Uuid, Vec<Uuid>>> {
    let mut out: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    for m in ap::Entity::find()
        .filter(ap::Column::ActivityId.is_in(ids.iter().copied()))
        .filter(ap::Column::Invited.eq(true))
        .order_by_asc(ap::Column::DeputyId)
        .all(c)
        .await?
    {
        out.entry(m.activity_id).or_default().push(m.deputy_id);
    }
    Ok(out)
}

/// Makes sure a participant row exists (not invited unless `invited`).
async fn ensure_participant<Conn: ConnectionTrait>(
    c: &Conn,
    activity: Uuid,
    deputy: Uuid,
) -> StoreResult<()> {
    ap::Entity::insert(ap::ActiveModel {
        activity_id: Set(activity),
        deputy_id: Set(deputy),
        invited: Set(false),
        signed_up_at: Set(None),
        checked_in_at: Set(None),
        checked_in_by: Set(None),
    })
    .on_conflict(
        OnConflict::columns([ap::Column::ActivityId, ap::Column::DeputyId])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(c)
    .await?;
    Ok(())
}

const NEED_PHONE: &str = "needs.contact_phone";
const NEED_REQUESTER: &str = "needs.requester";

fn need_active(crypto: &Crypto, n: &Need) -> need::ActiveModel {
    need::ActiveModel {
        id: Set(n.id),
        // A resident requester is a person: the name is personal data.
        requester: Set(crypto.encrypt(&n.requester, &format!("{NEED_REQUESTER}:{}", n.id))),
        requester_kind: Set(n.requester_kind.as_str().to_owned()),
        content: Set(n.content.clone()),
        contact_phone: Set(seal_field(
            crypto,
            NEED_PHONE,
            n.id,
            n.contact_phone.as_deref(),
        )),
        status: Set(n.status.as_str().to_owned()),
        activity_id: Set(n.activity_id),
        deputy_id: Set(n.deputy_id.map(Into::into)),
        close_note: Set(n.close_note.clone()),
        created_by: Set(n.created_by.into()),
        created_at: Set(n.created_at),
        updated_at: Set(n.updated_at),
        version: Set(n.version),
    }
}

fn need_from(crypto: &Crypto, m: need::Model) -> StoreResult<Need> {
    Ok(Need {
        id: m.id,
        requester: open_field(crypto, NEED_REQUESTER, m.id, Some(m.requester))?.unwrap_or_default(),
        requester_kind: parse_stored(&m.requester_kind)?,
        content: m.content,
        contact_phone: open_field(crypto, NEED_PHONE, m.id, m.contact_phone)?,
        status: parse_stored(&m.status)?,
        activity_id: m.activity_id,
        deputy_id: m.deputy_id.map(Into::into),
        close_note: m.close_note,
        created_by: m.created_by.into(),
        created_at: m.created_at,
        updated_at: m.updated_at,
        version: m.version,
    })
}

/// The audit form of a need: the phone left out, a resident's name masked.
fn audited(n: &Need) -> Need {
    Need {
        contact_phone: n.contact_phone.as_ref().map(|_| "***".to_owned()),
        requester: match n.requester_kind {
            renda_domain::activity::RequesterKind::Resident => {
                renda_domain::personal::mask_name(&n.requester)
            }
            _ => n.requester.clone(),
        },
        ..n.clone()
    }
}

impl Store {
    pub async fn create_activity(&self, ctx: &AuditCtx, a: Activity) -> StoreResult<Activity> {
        let txn = self.db.begin().await?;
        activity_active(&a).insert(&txn).await?;
        if !a.invited.is_empty() {
            ap::Entity::insert_many(a.invited.iter().map(|d| ap::ActiveModel {
                activity_id: Set(a.id),
                deputy_id: Set((*d).into()),
                invited: Set(true),
                signed_up_at: Set(None),
                checked_in_at: Set(None),
                checked_in_by: Set(None),
            }))
            .exec_without_returning(&txn)
            .await?;
        }
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "create",
            "activity",
            Some(a.id),
            None::<&Activity>,
            Some(&a),
        )
        .await?;
        txn.commit().await?;
        Ok(a)
    }

    pub async fn get_activity(&self, id: Uuid) -> StoreResult<Activity> {
        let m = ActivityEntity::find_by_id(id)
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut inv = invited_of(&self.db, &[id]).await?;
        activity_from(m, inv.remove(&id).unwrap_or_default())
    }

    /// Writes `after` over `before` if unchanged meanwhile; invitations
    /// follow `after.invited` (deputies who signed up or checked in keep
    /// their row).
    pub async fn save_activity(
        &self,
        ctx: &AuditCtx,
        before: &Activity,
        mut after: Activity,
    ) -> StoreResult<Activity> {
        let txn = self.db.begin().await?;
        after.updated_at = renda_domain::time::now();
        after.version = before.version + 1;
        let res = ActivityEntity::update_many()
            .set(activity_active(&after))
            .filter(C::Id.eq(before.id))
            .filter(C::Version.eq(before.version))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(StoreError::VersionMismatch);
        }
        if after.invited != before.invited {
            ap::Entity::update_many()
                .col_expr(ap::Column::Invited, sea_orm::sea_query::Expr::value(false))
                .filter(ap::Column::ActivityId.eq(after.id))
                .exec(&txn)
                .await?;
            for d in &after.invited {
                ensure_participant(&txn, after.id, (*d).into()).await?;
            }
            if !after.invited.is_empty() {
                ap::Entity::update_many()
                    .col_expr(ap::Column::Invited, sea_orm::sea_query::Expr::value(true))
                    .filter(ap::Column::ActivityId.eq(after.id))
                    .filter(
                        ap::Column::DeputyId
                            .is_in(renda_domain::id::to_uuids(after.invited.iter().copied())),
                    )
                    .exec(&txn)
                    .await?;
            }
        }
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "update",
            "activity",
            Some(after.id),
            Some(before),
            Some(&after),
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    pub async fn list_activities(
        &self,
        f: &ActivityFilter,
        opts: &ListOptions,
    ) -> StoreResult<Page<Activity>> {
        let mut q = ActivityEntity::find();
        if let Some(k) = f.kind {
            q = q.filter(C::Kind.eq(k.as_str()));
        }
        if let Some(d) = f.from {
            q = q.filter(C::Day.gte(d));
        }
        if let Some(d) = f.to {
            q = q.filter(C::Day.lte(d));
        }
        if let Some(d) = f.deputy_id {
            let sub = Query::select()
                .column(ap::Column::ActivityId)
                .from(ap::Entity)
                .and_where(ap::Column::DeputyId.eq(d))
                .cond_where(
                    Condition::any()
                        .add(ap::Column::Invited.eq(true))
                        .add(ap::Column::SignedUpAt.is_not_null())
                        .add(ap::Column::CheckedInAt.is_not_null()),
                )
                .to_owned();
            q = q.filter(C::Id.in_subquery(sub));
        }
        if let Some(text) = &f.q {
            q = q.filter(
                Condition::any()
                    .add(list::contains(C::Title, text))
                    .add(list::contains(C::Brand, text)),
            );
        }
        let keys = list::Keys {
            id: C::Id,
            updated_at: C::UpdatedAt,
            deleted_at: None,
            seq: list::SEQ_COLUMN,
        };
        let page = list::paginate(&self.db, q, keys, opts, |m: &ac::Model| {
            (m.id, m.updated_at, None)
        })
        .await?;
        let ids: Vec<Uuid> = page.live().map(|m| m.id).collect();
        let mut inv = invited_of(&self.db, &ids).await?;
        page.try_map(|m| {
            let id = m.id;
            activity_from(m, inv.remove(&id).unwrap_or_default())
        })
    }

    pub async fn activity_participants(&self, id: Uuid) -> StoreResult<Vec<Participant>> {
        Ok(ap::Entity::find()
            .filter(ap::Column::ActivityId.eq(id))
            .order_by_asc(ap::Column::DeputyId)
            .all(&self.db)
            .await?
            .into_iter()
            .filter(|m| m.invited || m.signed_up_at.is_some() || m.checked_in_at.is_some())
            .map(|m| Participant {
                deputy_id: m.deputy_id.into(),
                invited: m.invited,
                signed_up_at: m.signed_up_at,
                checked_in_at: m.checked_in_at,
                checked_in_by: m.checked_in_by.map(Into::into),
            })
            .collect())
    }

    /// A deputy signs up; a second sign-up is `Conflict(Conflict::AlreadySignedUp)`.
    pub async fn sign_up(&self, ctx: &AuditCtx, a: &Activity, deputy: Uuid) -> StoreResult<()> {
        let txn = self.db.begin().await?;
        ensure_participant(&txn, a.id, deputy).await?;
        let res = ap::Entity::update_many()
            .col_expr(
                ap::Column::SignedUpAt,
                sea_orm::sea_query::Expr::value(Some(renda_domain::time::now())),
            )
            .filter(ap::Column::ActivityId.eq(a.id))
            .filter(ap::Column::DeputyId.eq(deputy))
            .filter(ap::Column::SignedUpAt.is_null())
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(StoreError::Conflict(Conflict::AlreadySignedUp));
        }
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "sign_up",
            "activity",
            Some(a.id),
            None::<&serde_json::Value>,
            Some(&serde_json::json!({"deputy_id": deputy})),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Checks deputies in, once each, with a duty record each, in one
    /// transaction. `by` is set when staff record the attendance. With
    /// `strict`, a deputy already checked in refuses the whole call;
    /// otherwise such deputies are passed over. Returns those checked in.
    pub async fn check_in(
        &self,
        ctx: &AuditCtx,
        a: &Activity,
        check_ins: CheckIns,
        strict: bool,
    ) -> StoreResult<Vec<DeputyId>> {
        let CheckIns { by, duties } = check_ins;
        let txn = self.db.begin().await?;
        let now = renda_domain::time::now();
        let mut done = Vec::new();
        for duty in duties {
            let deputy = duty.deputy_id;
            ensure_participant(&txn, a.id, deputy.into()).await?;
            let res = ap::Entity::update_many()
                .col_expr(
                    ap::Column::CheckedInAt,
                    sea_orm::sea_query::Expr::value(Some(now)),
                )
                .col_expr(
                    ap::Column::CheckedInBy,
                    sea_orm::sea_query::Expr::value(by.map(UserId::uuid)),
                )
                .filter(ap::Column::ActivityId.eq(a.id))
                .filter(ap::Column::DeputyId.eq(deputy.uuid()))
                .filter(ap::Column::CheckedInAt.is_null())
                .exec(&txn)
                .await?;
            if res.rows_affected != 1 {
                if strict {
                    return Err(StoreError::Conflict(Conflict::AlreadyCheckedIn));
                }
                continue;
            }
            write_duty(&txn, &self.crypto, ctx, duty, false).await?;
            done.push(deputy);
        }
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "check_in",
            "activity",
            Some(a.id),
            None::<&serde_json::Value>,
            Some(&serde_json::json!({"deputies": done, "recorded_by": by})),
        )
        .await?;
        txn.commit().await?;
        Ok(done)
    }

    pub async fn create_need(&self, ctx: &AuditCtx, n: Need) -> StoreResult<Need> {
        let txn = self.db.begin().await?;
        need_active(&self.crypto, &n).insert(&txn).await?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "create",
            "need",
            Some(n.id),
            None::<&Need>,
            Some(&audited(&n)),
        )
        .await?;
        txn.commit().await?;
        Ok(n)
    }

    pub async fn get_need(&self, id: Uuid) -> StoreResult<Need> {
        let m = need::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        need_from(&self.crypto, m)
    }

    pub async fn save_need(
        &self,
        ctx: &AuditCtx,
        before: &Need,
        mut after: Need,
        action: &str,
    ) -> StoreResult<Need> {
        let txn = self.db.begin().await?;
        after.updated_at = renda_domain::time::now();
        after.version = before.version + 1;
        let res = need::Entity::update_many()
            .set(need_active(&self.crypto, &after))
            .filter(need::Column::Id.eq(before.id))
            .filter(need::Column::Version.eq(before.version))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(StoreError::VersionMismatch);
        }
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            action,
            "need",
            Some(after.id),
            Some(&audited(before)),
            Some(&audited(&after)),
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    pub async fn list_needs(&self, f: &NeedFilter, opts: &ListOptions) -> StoreResult<Page<Need>> {
        let mut q = need::Entity::find();
        if let Some(s) = f.status {
            q = q.filter(need::Column::Status.eq(s.as_str()));
        }
        if let Some(d) = f.deputy_id {
            q = q.filter(need::Column::DeputyId.eq(d));
        }
        if let Some(a) = f.activity_id {
            q = q.filter(need::Column::ActivityId.eq(a));
        }
        let keys = list::Keys {
            id: need::Column::Id,
            updated_at: need::Column::UpdatedAt,
            deleted_at: None,
            seq: list::SEQ_COLUMN,
        };
        let page = list::paginate(&self.db, q, keys, opts, |m: &need::Model| {
            (m.id, m.updated_at, None)
        })
        .await?;
        page.try_map(|m| need_from(&self.crypto, m))
    }
}
