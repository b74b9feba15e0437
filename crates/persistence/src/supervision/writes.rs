//! The side records a change writes: links, timeline events, records.

use super::*;
use crate::error::Conflict;
use renda_domain::id::DeputyId;

pub(super) async fn write_links<Conn: ConnectionTrait>(
    c: &Conn,
    before: Option<&SupervisionItem>,
    after: &SupervisionItem,
) -> StoreResult<()> {
    let id = after.id;
    if before.is_none_or(|b| b.body_ids != after.body_ids) {
        body::Entity::delete_many()
            .filter(body::Column::ItemId.eq(id))
            .exec(c)
            .await?;
        if !after.body_ids.is_empty() {
            body::Entity::insert_many(after.body_ids.iter().map(|u| body::ActiveModel {
                item_id: Set(id),
                unit_id: Set((*u).into()),
            }))
            .exec_without_returning(c)
            .await?;
        }
    }
    if before.is_none_or(|b| {
        b.committee_member_ids != after.committee_member_ids || b.deputy_ids != after.deputy_ids
    }) {
        part::Entity::delete_many()
            .filter(part::Column::ItemId.eq(id))
            .exec(c)
            .await?;
        let members: HashSet<DeputyId> = after.committee_member_ids.iter().copied().collect();
        let rows: Vec<part::ActiveModel> = after
            .committee_member_ids
            .iter()
            .map(|d| (*d, MEMBER))
            .chain(
                after
                    .deputy_ids
                    .iter()
                    .filter(|d| !members.contains(d))
                    .map(|d| (*d, DEPUTY)),
            )
            .map(|(d, kind)| part::ActiveModel {
                item_id: Set(id),
                deputy_id: Set(d.into()),
                kind: Set(kind.to_owned()),
            })
            .collect();
        if !rows.is_empty() {
            part::Entity::insert_many(rows)
                .exec_without_returning(c)
                .await?;
        }
    }
    let old: Vec<Uuid> = before.map(|b| b.observer_ids.clone()).unwrap_or_default();
    // The ties of each observer newly assigned (or of all, when the bodies
    // change) are read here, with the observer's row locked, where the
    // assignment is written: a tie declared meanwhile cannot slip past.
    let bodies_changed = before.is_none_or(|b| b.body_ids != after.body_ids);
    for o in after
        .observer_ids
        .iter()
        .filter(|o| bodies_changed || !old.contains(o))
    {
        use crate::entities::{observer as ob, observer_conflict as oc};
        use sea_orm::PaginatorTrait;
        crate::db::lock_live(c, ob::Entity::find_by_id(*o))
            .await?
            .ok_or(StoreError::NotFound)?;
        let tied = oc::Entity::find()
            .filter(oc::Column::ObserverId.eq(*o))
            .filter(
                oc::Column::UnitId
                    .is_in(renda_domain::id::to_uuids(after.body_ids.iter().copied())),
            )
            .count(c)
            .await?;
        if tied > 0 {
            return Err(StoreError::Conflict(Conflict::ConflictOfInterest));
        }
    }
    if old != after.observer_ids {
        let removed: Vec<Uuid> = old
            .iter()
            .filter(|o| !after.observer_ids.contains(o))
            .copied()
            .collect();
        if !removed.is_empty() {
            so::Entity::delete_many()
                .filter(so::Column::ItemId.eq(id))
                .filter(so::Column::ObserverId.is_in(removed))
                .exec(c)
                .await?;
        }
        let now = renda_domain::time::now();
        let added: Vec<so::ActiveModel> = after
            .observer_ids
            .iter()
            .filter(|o| !old.contains(o))
            .map(|o| so::ActiveModel {
                item_id: Set(id),
                observer_id: Set(*o),
                assigned_at: Set(now),
            })
            .collect();
        if !added.is_empty() {
            so::Entity::insert_many(added)
                .exec_without_returning(c)
                .await?;
        }
    }
    Ok(())
}

pub(super) async fn insert_event<Conn: ConnectionTrait>(
    c: &Conn,
    ctx: &AuditCtx,
    id: Uuid,
    from: Option<Stage>,
    to: Option<Stage>,
    event: &Event,
) -> StoreResult<()> {
    crate::timeline::append(c, &crate::timeline::SUPERVISION, ctx, id, from, to, event).await?;
    // The office and the supervised bodies learn of the item's life.
    let units = body::Entity::find()
        .filter(body::Column::ItemId.eq(id))
        .all(c)
        .await?
        .into_iter()
        .map(|b| b.unit_id)
        .collect();
    let draft = crate::integration::EventDraft {
        object_type: OBJECT,
        object_id: id,
        action: event.action.to_owned(),
        data: serde_json::json!({"from_stage": from, "stage": to}),
        audience: renda_domain::integration::Audience {
            office: true,
            units,
        },
    };
    crate::integration::emit(c, draft).await
}

fn json_text<T: Serialize>(v: &T) -> StoreResult<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Db(sea_orm::DbErr::Json(e.to_string())))
}

pub(super) async fn side_write<Conn: ConnectionTrait>(
    c: &Conn,
    item_id: Uuid,
    w: &Effect,
) -> StoreResult<()> {
    let now = renda_domain::time::now();
    match w {
        Effect::Record(r) => {
            rec::ActiveModel {
                id: Set(r.id),
                item_id: Set(item_id),
                kind: Set(r.kind.as_str().to_owned()),
                occurred_on: Set(r.occurred_on),
                place: Set(r.place.clone()),
                participants: Set(r.participants.clone()),
                findings: Set(r.findings.clone()),
                created_by: Set(r.created_by.into()),
                created_at: Set(r.created_at),
            }
            .insert(c)
            .await?;
        }
        Effect::Inquiry(q) => {
            inq::ActiveModel {
                id: Set(q.id),
                item_id: Set(item_id),
                unit_id: Set(q.unit_id.map(Into::into)),
                asked_by: Set(q.asked_by.clone()),
                question: Set(q.question.clone()),
                answered_by: Set(q.answered_by.clone()),
                answer: Set(q.answer.clone()),
                created_by: Set(q.created_by.into()),
                created_at: Set(q.created_at),
            }
            .insert(c)
            .await?;
        }
        Effect::Opinion(o) => {
            op::ActiveModel {
                id: Set(o.id),
                item_id: Set(item_id),
                unit_id: Set(o.unit_id.into()),
                round: Set(o.round),
                content: Set(o.content.clone()),
                deadline: Set(o.deadline),
                issued_by: Set(o.issued_by.into()),
                issued_at: Set(o.issued_at),
            }
            .insert(c)
            .await?;
            let rows: Vec<pb::ActiveModel> = o
                .problems
                .iter()
                .map(|p| pb::ActiveModel {
                    id: Set(p.id),
                    item_id: Set(item_id),
                    opinion_id: Set(o.id),
                    position: Set(p.position),
                    description: Set(p.description.clone()),
                    status: Set(p.status.as_str().to_owned()),
                    note: Set(None),
                    closed_at: Set(None),
                    updated_at: Set(p.updated_at),
                })
                .collect();
            if !rows.is_empty() {
                pb::Entity::insert_many(rows)
                    .exec_without_returning(c)
                    .await?;
            }
        }
        Effect::Report(r) => {
            rpt::ActiveModel {
                id: Set(r.id),
                item_id: Set(item_id),
                opinion_id: Set(r.opinion_id),
                unit_id: Set(r.unit_id.into()),
                summary: Set(r.summary.clone()),
                answers: Set(json_text(&r.answers)?),
                submitted_by: Set(r.submitted_by.into()),
                submitted_at: Set(r.submitted_at),
            }
            .insert(c)
            .await?;
            let ids: Vec<Uuid> = r.answers.iter().map(|a| a.problem_id).collect();
            let waiting = [
                ProblemStatus::Open.as_str(),
                ProblemStatus::SentBack.as_str(),
            ];
            let res = pb::Entity::update_many()
                .col_expr(
                    pb::Column::Status,
                    Expr::value(ProblemStatus::Answered.as_str()),
                )
                .col_expr(pb::Column::UpdatedAt, Expr::value(now))
                .filter(pb::Column::OpinionId.eq(r.opinion_id))
                .filter(pb::Column::Id.is_in(ids.clone()))
                .filter(pb::Column::Status.is_in(waiting))
                .exec(c)
                .await?;
            // A problem answered or closed meanwhile: the report is stale.
            if res.rows_affected != ids.len() as u64 {
                return Err(StoreError::VersionMismatch);
            }
        }
        Effect::Problem {
            id,
            from,
            status,
            note,
        } => {
            let closed_at = (*status == ProblemStatus::Closed).then_some(now);
            let res = pb::Entity::update_many()
                .col_expr(pb::Column::Status, Expr::value(status.as_str()))
                .col_expr(pb::Column::Note, Expr::value(note.clone()))
                .col_expr(pb::Column::ClosedAt, Expr::value(closed_at))
                .col_expr(pb::Column::UpdatedAt, Expr::value(now))
                .filter(pb::Column::Id.eq(*id))
                .filter(pb::Column::ItemId.eq(item_id))
                .filter(pb::Column::Status.eq(from.as_str()))
                .exec(c)
                .await?;
            if res.rows_affected != 1 {
                return Err(StoreError::VersionMismatch);
            }
        }
        Effect::Observation(o) => {
            obs::ActiveModel {
                id: Set(o.id),
                item_id: Set(item_id),
                observer_id: Set(o.observer_id),
                content: Set(o.content.clone()),
                status: Set(o.status.as_str().to_owned()),
                decision_reason: Set(None),
                decided_by: Set(None),
                decided_at: Set(None),
                created_by: Set(o.created_by.into()),
                created_at: Set(o.created_at),
            }
            .insert(c)
            .await?;
        }
        Effect::ObservationDecision {
            id,
            status,
            reason,
            by,
        } => {
            let res = obs::Entity::update_many()
                .col_expr(obs::Column::Status, Expr::value(status.as_str()))
                .col_expr(obs::Column::DecisionReason, Expr::value(reason.clone()))
                .col_expr(obs::Column::DecidedBy, Expr::value(Some(*by)))
                .col_expr(obs::Column::DecidedAt, Expr::value(Some(now)))
                .filter(obs::Column::Id.eq(*id))
                .filter(obs::Column::ItemId.eq(item_id))
                .filter(obs::Column::Status.eq(ObservationStatus::Pending.as_str()))
                .exec(c)
                .await?;
            // Decided once: a concurrent decision got there first.
            if res.rows_affected != 1 {
                return Err(StoreError::VersionMismatch);
            }
        }
        Effect::Evaluation(e) => {
            let count = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
            evl::ActiveModel {
                item_id: Set(item_id),
                round: Set(e.round),
                satisfied: Set(count(e.tally.satisfied)),
                basically_satisfied: Set(count(e.tally.basically_satisfied)),
                unsatisfied: Set(count(e.tally.unsatisfied)),
                outcome: Set(e.outcome.as_str().to_owned()),
                present: Set(e.present.map(count)),
                members: Set(e.members.map(count)),
                concluded_by: Set(e.concluded_by.into()),
                concluded_at: Set(e.concluded_at),
            }
            .insert(c)
            .await?;
            let rows: Vec<bres::ActiveModel> = e
                .bodies
                .iter()
                .map(|b| bres::ActiveModel {
                    item_id: Set(item_id),
                    round: Set(e.round),
                    body_id: Set(b.body_id.into()),
                    satisfied: Set(count(b.tally.satisfied)),
                    basically_satisfied: Set(count(b.tally.basically_satisfied)),
                    unsatisfied: Set(count(b.tally.unsatisfied)),
                    outcome: Set(b.outcome.as_str().to_owned()),
                })
                .collect();
            if !rows.is_empty() {
                bres::Entity::insert_many(rows)
                    .exec_without_returning(c)
                    .await?;
            }
        }
        Effect::Attendance(a) => {
            // A new record of the round replaces the earlier one.
            att::Entity::delete_many()
                .filter(att::Column::ItemId.eq(item_id))
                .filter(att::Column::Round.eq(a.round))
                .exec(c)
                .await?;
            let members = i32::try_from(a.members).unwrap_or(i32::MAX);
            let rows: Vec<att::ActiveModel> = a
                .present
                .iter()
                .map(|d| att::ActiveModel {
                    item_id: Set(item_id),
                    round: Set(a.round),
                    deputy_id: Set((*d).into()),
                    members: Set(members),
                    recorded_by: Set(a.recorded_by.into()),
                    recorded_at: Set(a.recorded_at),
                })
                .collect();
            if !rows.is_empty() {
                att::Entity::insert_many(rows)
                    .exec_without_returning(c)
                    .await?;
            }
        }
        Effect::Notify(n) => {
            crate::notifications::write(c, n).await?;
        }
    }
    Ok(())
}
