//! Motions of a session: drafted, signed, filed, registered and decided.
//! Every change is one transaction with its signers, timeline step,
//! duty records, the suggestion a motion becomes, outbox event and audit
//! entry.

use std::collections::HashMap;

use renda_domain::motion::{Change, Effect, Motion, MotionStatus, Signer};
use renda_domain::timeline::Event;
use sea_orm::sea_query::{Condition, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use crate::Store;
use crate::audit::{self, AuditCtx};
use crate::entities::motion::{self as mo, Column as C, Entity as Motions};
use crate::entities::motion_signer as ms;
use crate::error::{StoreError, StoreResult, parse_stored};
use crate::list::{self, ListOptions, Page};

const OBJECT: &str = "motion";

/// A step of a motion's timeline.
pub type MotionTimelineEntry = renda_domain::timeline::Entry<MotionStatus>;

/// Which motions a caller may see, as a union of conditions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MotionVisibility {
    /// Every motion past the draft (the office and leaders).
    pub filed: bool,
    /// Motions this deputy drafted or was asked to sign, drafts included.
    pub deputy: Option<Uuid>,
}

/// Filters of the motion listing.
#[derive(Debug, Clone, Default)]
pub struct MotionFilter {
    pub congress_session_id: Option<Uuid>,
    pub status: Option<MotionStatus>,
    /// Drafted or signed by this deputy.
    pub deputy_id: Option<Uuid>,
}

/// How many motions of a session stand in each status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MotionCounts(pub Vec<(MotionStatus, u64)>);

fn active(m: &Motion) -> mo::ActiveModel {
    mo::ActiveModel {
        id: Set(m.id),
        number: Set(m.number.clone()),
        congress_session_id: Set(m.congress_session_id),
        level: Set(m.level.as_str().to_owned()),
        title: Set(m.title.clone()),
        reason: Set(m.reason.clone()),
        proposal: Set(m.proposal.clone()),
        proposer: Set(m.proposer.as_str().to_owned()),
        delegation: Set(m.delegation.clone()),
        lead_deputy_id: Set(m.lead_deputy_id.uuid()),
        status: Set(m.status.as_str().to_owned()),
        committee: Set(m.committee.clone()),
        report_due: Set(m.report_due),
        report: Set(m.report.clone()),
        reported_at: Set(m.reported_at),
        decision_reason: Set(m.decision_reason.clone()),
        decided_at: Set(m.decided_at),
        suggestion_id: Set(m.suggestion_id),
        submitted_at: Set(m.submitted_at),
        registered_at: Set(m.registered_at),
        created_by: Set(m.created_by.uuid()),
        created_at: Set(m.created_at),
        updated_at: Set(m.updated_at),
        deleted_at: Set(None),
        version: Set(m.version),
    }
}

fn assemble(m: mo::Model, signers: Vec<Signer>) -> StoreResult<Motion> {
    Ok(Motion {
        id: m.id,
        number: m.number,
        congress_session_id: m.congress_session_id,
        level: parse_stored(&m.level)?,
        title: m.title,
        reason: m.reason,
        proposal: m.proposal,
        proposer: parse_stored(&m.proposer)?,
        delegation: m.delegation,
        lead_deputy_id: m.lead_deputy_id.into(),
        signers,
        status: parse_stored(&m.status)?,
        committee: m.committee,
        report_due: m.report_due,
        report: m.report,
        reported_at: m.reported_at,
        decision_reason: m.decision_reason,
        decided_at: m.decided_at,
        suggestion_id: m.suggestion_id,
        submitted_at: m.submitted_at,
        registered_at: m.registered_at,
        created_by: m.created_by.into(),
        created_at: m.created_at,
        updated_at: m.updated_at,
        version: m.version,
    })
}

/// The signers of `ids`, by motion, in deputy order.
async fn signers_of<Conn: ConnectionTrait>(
    c: &Conn,
    ids: &[Uuid],
) -> StoreResult<HashMap<Uuid, Vec<Signer>>> {
    let rows = ms::Entity::find()
        .filter(ms::Column::MotionId.is_in(ids.iter().copied()))
        .order_by_asc(ms::Column::DeputyId)
        .all(c)
        .await?;
    let mut out: HashMap<Uuid, Vec<Signer>> = HashMap::new();
    for r in rows {
        out.entry(r.motion_id).or_default().push(Signer {
            deputy_id: r.deputy_id.into(),
            confirmed_at: r.confirmed_at,
            declined_at: r.declined_at,
        });
    }
    Ok(out)
}

async fn load<Conn: ConnectionTrait>(c: &Conn, id: Uuid) -> StoreResult<Motion> {
    let m = Motions::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut signers = signers_of(c, &[id]).await?;
    assemble(m, signers.remove(&id).unwrap_or_default())
}

async fn write_signers<Conn: ConnectionTrait>(
    c: &Conn,
    id: Uuid,
    signers: &[Signer],
) -> StoreResult<()> {
    ms::Entity::delete_many()
        .filter(ms::Column::MotionId.eq(id))
        .exec(c)
        .await?;
    if !signers.is_empty() {
        let rows = signers.iter().map(|s| ms::ActiveModel {
            motion_id: Set(id),
            deputy_id: Set(s.deputy_id.uuid()),
            confirmed_at: Set(s.confirmed_at),
            declined_at: Set(s.declined_at),
        });
        ms::Entity::insert_many(rows)
            .exec_without_returning(c)
            .await?;
    }
    Ok(())
}

fn outbox_event(
    m: &Motion,
    from: Option<MotionStatus>,
    action: &str,
) -> crate::integration::EventDraft {
    crate::integration::EventDraft {
        object_type: OBJECT,
        object_id: m.id,
        action: action.to_owned(),
        data: serde_json::json!({
            "number": m.number,
            "congress_session_id": m.congress_session_id,
            "from_status": from,
            "status": m.status,
            "suggestion_id": m.suggestion_id,
        }),
        audience: renda_domain::integration::Audience {
            office: m.status != MotionStatus::Draft,
            units: Vec::new(),
        },
    }
}

/// The visibility as a condition on the motions table.
fn visible(v: MotionVisibility) -> Condition {
    let mut any = Condition::any();
    if v.filed {
        any = any.add(C::Status.ne(MotionStatus::Draft.as_str()));
    }
    if let Some(d) = v.deputy {
        let signed = Query::select()
            .column(ms::Column::MotionId)
            .from(ms::Entity)
            .and_where(ms::Column::DeputyId.eq(d))
            .to_owned();
        any = any
            .add(C::LeadDeputyId.eq(d))
            .add(C::Id.in_subquery(signed));
    }
    if !v.filed && v.deputy.is_none() {
        // Sees nothing: a condition no row meets.
        any = any.add(C::Id.is_null());
    }
    any
}

impl Store {
    /// Records a new draft with its signers, its first step and its audit
    /// entry.
    pub async fn create_motion(&self, ctx: &AuditCtx, m: Motion) -> StoreResult<Motion> {
        let txn = self.db.begin().await?;
        active(&m).insert(&txn).await?;
        write_signers(&txn, m.id, &m.signers).await?;
        let event = Event {
            action: "created",
            detail: None,
        };
        crate::timeline::append(
            &txn,
            &crate::timeline::MOTIONS,
            ctx,
            m.id,
            None,
            Some(m.status),
            &event,
        )
        .await?;
        crate::integration::emit(&txn, outbox_event(&m, None, event.action)).await?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "create",
            OBJECT,
            Some(m.id),
            None::<&Motion>,
            Some(&m),
        )
        .await?;
        let saved = load(&txn, m.id).await?;
        txn.commit().await?;
        Ok(saved)
    }

    pub async fn get_motion(&self, id: Uuid) -> StoreResult<Motion> {
        load(&self.db, id).await
    }

    /// Writes `change` over `before` if the motion is still at
    /// `before.version`, in one transaction: the signers, a number from the
    /// session's motion series on registration, duty records, the
    /// suggestion a motion becomes, the timeline step, the outbox event
    /// and the audit entry. Someone else's change in between is
    /// `VersionMismatch`.
    pub async fn save_motion(
        &self,
        ctx: &AuditCtx,
        before: &Motion,
        change: Change,
    ) -> StoreResult<Motion> {
        let Change {
            mut after,
            event,
            effects,
        } = change;
        let txn = self.db.begin().await?;
        let registering = after.status == MotionStatus::Registered && after.number.is_none();
        let converting = effects
            .iter()
            .any(|e| matches!(e, Effect::Suggestion { .. }));
        let session = if registering || converting {
            Some(crate::congress::load(&txn, after.congress_session_id).await?)
        } else {
            None
        };
        if let (true, Some(s)) = (registering, &session) {
            let seq = crate::congress::next_seq(&txn, &format!("motion:{}", s.id)).await?;
            after.number = Some(
                self.numbering
                    .motion
                    .render(renda_domain::congress::Series::Session(s), seq),
            );
        }
        after.updated_at = renda_domain::time::now();
        after.version = before.version + 1;
        let res = Motions::update_many()
            .set(active(&after))
            .filter(C::Id.eq(before.id))
            .filter(C::Version.eq(before.version))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(StoreError::VersionMismatch);
        }
        if after.signers != before.signers {
            write_signers(&txn, after.id, &after.signers).await?;
        }
        for e in effects {
            match (e, &session) {
                (Effect::Duty(d), _) => {
                    crate::duties::write_duty(&txn, &self.crypto, ctx, d, false).await?;
                }
                (Effect::Suggestion { id, new }, Some(s)) => {
                    crate::suggestions::insert_from_motion(
                        &txn,
                        &self.crypto,
                        &self.numbering,
                        ctx,
                        (id, new),
                        after.id,
                        s,
                    )
                    .await?;
                }
                (Effect::Suggestion { .. }, None) => return Err(StoreError::NotFound),
            }
        }
        let (from, to) = (before.status, after.status);
        crate::timeline::append(
            &txn,
            &crate::timeline::MOTIONS,
            ctx,
            after.id,
            Some(from),
            Some(to),
            &event,
        )
        .await?;
        crate::integration::emit(&txn, outbox_event(&after, Some(from), event.action)).await?;
        let action = if from == to {
            event.action.to_owned()
        } else {
            format!("transition:{}", event.action)
        };
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            &action,
            OBJECT,
            Some(after.id),
            Some(before),
            Some(&after),
        )
        .await?;
        let saved = load(&txn, after.id).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// The motions `v` lets a caller see, paged like every collection.
    pub async fn list_motions(
        &self,
        v: MotionVisibility,
        f: &MotionFilter,
        opts: &ListOptions,
    ) -> StoreResult<Page<Motion>> {
        let mut q = Motions::find().filter(visible(v));
        if let Some(s) = f.congress_session_id {
            q = q.filter(C::CongressSessionId.eq(s));
        }
        if let Some(s) = f.status {
            q = q.filter(C::Status.eq(s.as_str()));
        }
        if let Some(d) = f.deputy_id {
            q = q.filter(visible(MotionVisibility {
                filed: false,
                deputy: Some(d),
            }));
        }
        let keys = list::Keys {
            id: C::Id,
            updated_at: C::UpdatedAt,
            deleted_at: Some(C::DeletedAt),
            seq: list::SEQ_COLUMN,
        };
        let page = list::paginate(&self.db, q, keys, opts, |m: &mo::Model| {
            (m.id, m.updated_at, m.deleted_at)
        })
        .await?;
        let ids: Vec<Uuid> = page.live().map(|m| m.id).collect();
        let mut signers = signers_of(&self.db, &ids).await?;
        page.try_map(|m| {
            let s = signers.remove(&m.id).unwrap_or_default();
            assemble(m, s)
        })
    }

    pub async fn motion_timeline(&self, id: Uuid) -> StoreResult<Vec<MotionTimelineEntry>> {
        crate::timeline::read(&self.db, &crate::timeline::MOTIONS, id).await
    }

    /// How many filed motions of `session` stand in each status.
    pub async fn motion_counts(&self, session: Uuid) -> StoreResult<MotionCounts> {
        let rows: Vec<(String, i64)> = Motions::find()
            .select_only()
            .column(C::Status)
            .column_as(C::Id.count(), "n")
            .filter(C::CongressSessionId.eq(session))
            .filter(C::Status.ne(MotionStatus::Draft.as_str()))
            .group_by(C::Status)
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut out = Vec::new();
        for (s, n) in rows {
            out.push((parse_stored(&s)?, u64::try_from(n).unwrap_or(0)));
        }
        out.sort_by_key(|(s, _)| MotionStatus::ALL.iter().position(|x| x == s));
        Ok(MotionCounts(out))
    }
}
