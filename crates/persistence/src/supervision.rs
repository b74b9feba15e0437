//! Supervision items and the records of their loop. As with suggestions,
//! handlers decide what an item becomes (through the domain's stage rules
//! and the permission module); this module writes it with its side
//! records, a timeline event and an audit entry in one transaction, and
//! only if nobody changed the item meanwhile.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use renda_domain::supervision::{
    Method, ObservationStatus, Outcome, ProblemStatus, RecordKind, Satisfaction, Stage, StageOp,
    SupervisionItem, Tally, next_stage,
};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, TransactionTrait,
};
use serde::Serialize;
use uuid::Uuid;

use crate::Store;
use crate::audit::{self, AuditCtx};
use crate::entities::supervision_item::{self as item, Column as C, Entity as ItemEntity};
use crate::entities::{
    observation_opinion as obs, supervision_body as body, supervision_evaluation as evl,
    supervision_event as ev, supervision_inquiry as inq, supervision_observer as so,
    supervision_opinion as op, supervision_participant as part, supervision_problem as pb,
    supervision_record as rec, supervision_report as rpt, supervision_vote as vote,
};
use crate::error::{StoreError, StoreResult, parse_stored};
use crate::list::{self, ListOptions, Page};

const OBJECT: &str = "supervision";
const MEMBER: &str = "committee_member";
const DEPUTY: &str = "deputy";

/// Which items a caller sees (from the permission module's `Visibility`).
#[derive(Debug, Clone, Default)]
pub struct SupervisionVisibility {
    pub published: bool,
    pub all: bool,
    pub unit: Option<Uuid>,
    pub deputy: Option<Uuid>,
    pub observer: Option<Uuid>,
}

/// Filters of the item listing.
#[derive(Debug, Clone, Default)]
pub struct SupervisionFilter {
    pub year: Option<i32>,
    pub stage: Option<Stage>,
    pub method: Option<Method>,
    pub body_id: Option<Uuid>,
    pub observer_id: Option<Uuid>,
    /// With a rectification overdue on this day (true) or not (false).
    pub overdue: Option<(bool, NaiveDate)>,
    /// Count only the opinions addressed to this body as overdue (for a
    /// caller who sees the item only as that body).
    pub overdue_unit: Option<Uuid>,
    pub q: Option<String>,
}

/// An investigation record: a visit, an inspection or a hearing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvestigationRecord {
    pub id: Uuid,
    pub kind: RecordKind,
    pub occurred_on: NaiveDate,
    pub place: String,
    pub participants: Option<String>,
    pub findings: String,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

/// A question of a special inquiry and the answer given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inquiry {
    pub id: Uuid,
    /// The body answering.
    pub unit_id: Option<Uuid>,
    pub asked_by: String,
    pub question: String,
    pub answered_by: Option<String>,
    pub answer: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

/// One problem of an opinion's list (问题清单).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub id: Uuid,
    pub opinion_id: Uuid,
    pub position: i32,
    pub description: String,
    pub status: ProblemStatus,
    /// The office's reason for sending it back, or note on closing it off.
    pub note: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// A deliberation opinion (审议意见) issued to one body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Opinion {
    pub id: Uuid,
    pub unit_id: Uuid,
    /// The evaluation round it belongs to (a follow-up opinion after an
    /// unsatisfied vote has a higher one).
    pub round: i32,
    pub content: String,
    pub deadline: NaiveDate,
    pub issued_by: Uuid,
    pub issued_at: DateTime<Utc>,
    pub problems: Vec<Problem>,
}

impl Opinion {
    pub fn unclosed(&self) -> u32 {
        self.count(|s| s != ProblemStatus::Closed)
    }

    /// Problems the body still has to act on (open or sent back).
    pub fn awaiting_body(&self) -> u32 {
        self.count(ProblemStatus::awaits_body)
    }

    /// Whether the rectification deadline has passed with problems waiting for the body.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        renda_domain::supervision::opinion_overdue(self.deadline, today, self.awaiting_body())
    }

    fn count(&self, f: impl Fn(ProblemStatus) -> bool) -> u32 {
        let n = self.problems.iter().filter(|p| f(p.status)).count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }
}

/// A body's answer to one problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ProblemAnswer {
    pub problem_id: Uuid,
    pub measures: String,
}

/// A rectification report (整改报告).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub id: Uuid,
    pub opinion_id: Uuid,
    pub unit_id: Uuid,
    pub summary: String,
    pub answers: Vec<ProblemAnswer>,
    pub submitted_by: Uuid,
    pub submitted_at: DateTime<Utc>,
}

/// A committee member's vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Vote {
    pub round: i32,
    pub deputy_id: Uuid,
    pub choice: Satisfaction,
    pub voted_at: DateTime<Utc>,
}

/// The result of one evaluation round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub round: i32,
    pub tally: Tally,
    pub outcome: Outcome,
    pub concluded_by: Uuid,
    pub concluded_at: DateTime<Utc>,
}

/// An observer's observation opinion (观察意见).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Observation {
    pub id: Uuid,
    pub item_id: Uuid,
    pub observer_id: Uuid,
    pub content: String,
    pub status: ObservationStatus,
    pub decision_reason: Option<String>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

/// A timeline entry of an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEntry {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_name: Option<String>,
    pub action: String,
    pub from_stage: Option<Stage>,
    pub to_stage: Option<Stage>,
    pub detail: Option<serde_json::Value>,
}

/// Rows written alongside a change of an item. They are part of the
/// change's audit entry.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "write", rename_all = "snake_case")]
pub enum SupervisionWrite {
    Record(InvestigationRecord),
    Inquiry(Inquiry),
    Opinion(Opinion),
    /// The report, and the problems it answers become `answered`.
    Report(Report),
    /// The office closes a problem off or sends it back; `from` is the
    /// status it must still have.
    Problem {
        id: Uuid,
        from: ProblemStatus,
        status: ProblemStatus,
        note: Option<String>,
    },
    Observation(Observation),
    ObservationDecision {
        id: Uuid,
        status: ObservationStatus,
        reason: Option<String>,
        by: Uuid,
    },
}

/// The timeline event of a change.
#[derive(Debug, Clone)]
pub struct Event {
    pub action: &'static str,
    pub detail: Option<serde_json::Value>,
}

fn methods_text(m: &[Method]) -> String {
    let mut s = String::from(",");
    for x in m {
        s.push_str(x.as_str());
        s.push(',');
    }
    s
}

fn to_model(s: &SupervisionItem) -> StoreResult<item::ActiveModel> {
    let laws = serde_json::to_string(&s.laws)
        .map_err(|e| StoreError::Db(sea_orm::DbErr::Json(e.to_string())))?;
    Ok(item::ActiveModel {
        id: Set(s.id),
        title: Set(s.title.clone()),
        year: Set(s.year),
        description: Set(s.description.clone()),
        methods: Set(methods_text(&s.methods)),
        committee: Set(s.committee.clone()),
        laws: Set(laws),
        stage: Set(s.stage.as_str().to_owned()),
        round: Set(s.round),
        published_at: Set(s.published_at),
        closed_at: Set(s.closed_at),
        created_by: Set(s.created_by),
        created_at: Set(s.created_at),
        updated_at: Set(s.updated_at),
        version: Set(s.version),
    })
}

#[derive(Default)]
struct Children {
    bodies: HashMap<Uuid, Vec<Uuid>>,
    members: HashMap<Uuid, Vec<Uuid>>,
    deputies: HashMap<Uuid, Vec<Uuid>>,
    observers: HashMap<Uuid, Vec<Uuid>>,
}

async fn children<Conn: ConnectionTrait>(c: &Conn, ids: &[Uuid]) -> StoreResult<Children> {
    let mut ch = Children::default();
    if ids.is_empty() {
        return Ok(ch);
    }
    for m in body::Entity::find()
        .filter(body::Column::ItemId.is_in(ids.iter().copied()))
        .all(c)
        .await?
    {
        ch.bodies.entry(m.item_id).or_default().push(m.unit_id);
    }
    for m in part::Entity::find()
        .filter(part::Column::ItemId.is_in(ids.iter().copied()))
        .all(c)
        .await?
    {
        let map = if m.kind == MEMBER {
            &mut ch.members
        } else {
            &mut ch.deputies
        };
        map.entry(m.item_id).or_default().push(m.deputy_id);
    }
    for m in so::Entity::find()
        .filter(so::Column::ItemId.is_in(ids.iter().copied()))
        .all(c)
        .await?
    {
        ch.observers
            .entry(m.item_id)
            .or_default()
            .push(m.observer_id);
    }
    for map in [
        &mut ch.bodies,
        &mut ch.members,
        &mut ch.deputies,
        &mut ch.observers,
    ] {
        for v in map.values_mut() {
            v.sort();
        }
    }
    Ok(ch)
}

fn assemble(m: item::Model, ch: &mut Children) -> StoreResult<SupervisionItem> {
    let methods = m
        .methods
        .split(',')
        .filter(|s| !s.is_empty())
        .map(parse_stored)
        .collect::<StoreResult<Vec<Method>>>()?;
    let laws: Vec<String> = serde_json::from_str(&m.laws)
        .map_err(|e| StoreError::Db(sea_orm::DbErr::Json(e.to_string())))?;
    Ok(SupervisionItem {
        id: m.id,
        title: m.title,
        year: m.year,
        description: m.description,
        methods,
        body_ids: ch.bodies.remove(&m.id).unwrap_or_default(),
        committee: m.committee,
        committee_member_ids: ch.members.remove(&m.id).unwrap_or_default(),
        deputy_ids: ch.deputies.remove(&m.id).unwrap_or_default(),
        observer_ids: ch.observers.remove(&m.id).unwrap_or_default(),
        laws,
        stage: parse_stored(&m.stage)?,
        round: m.round,
        published_at: m.published_at,
        closed_at: m.closed_at,
        created_by: m.created_by,
        created_at: m.created_at,
        updated_at: m.updated_at,
        version: m.version,
    })
}

async fn load<Conn: ConnectionTrait>(c: &Conn, id: Uuid) -> StoreResult<SupervisionItem> {
    let m = ItemEntity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut ch = children(c, &[id]).await?;
    assemble(m, &mut ch)
}

/// Sorted and without repeats, as the item keeps its lists.
pub fn normalise(mut ids: Vec<Uuid>) -> Vec<Uuid> {
    ids.sort();
    ids.dedup();
    ids
}

async fn write_links<Conn: ConnectionTrait>(
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
                unit_id: Set(*u),
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
        let members: HashSet<Uuid> = after.committee_member_ids.iter().copied().collect();
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
                deputy_id: Set(d),
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
            .filter(oc::Column::UnitId.is_in(after.body_ids.clone()))
            .count(c)
            .await?;
        if tied > 0 {
            return Err(StoreError::Conflict("conflict_of_interest"));
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

async fn insert_event<Conn: ConnectionTrait>(
    c: &Conn,
    ctx: &AuditCtx,
    id: Uuid,
    from: Option<Stage>,
    to: Option<Stage>,
    event: &Event,
) -> StoreResult<()> {
    ev::ActiveModel {
        id: Set(Uuid::now_v7()),
        item_id: Set(id),
        occurred_at: Set(renda_domain::time::now()),
        actor_id: Set(ctx.actor_id),
        actor_name: Set(ctx.actor_username.clone()),
        action: Set(event.action.to_owned()),
        from_stage: Set(from.map(|s| s.as_str().to_owned())),
        to_stage: Set(to.map(|s| s.as_str().to_owned())),
        detail: Set(event.detail.as_ref().map(|d| d.to_string())),
    }
    .insert(c)
    .await?;
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

async fn side_write<Conn: ConnectionTrait>(
    c: &Conn,
    item_id: Uuid,
    w: &SupervisionWrite,
) -> StoreResult<()> {
    let now = renda_domain::time::now();
    match w {
        SupervisionWrite::Record(r) => {
            rec::ActiveModel {
                id: Set(r.id),
                item_id: Set(item_id),
                kind: Set(r.kind.as_str().to_owned()),
                occurred_on: Set(r.occurred_on),
                place: Set(r.place.clone()),
                participants: Set(r.participants.clone()),
                findings: Set(r.findings.clone()),
                created_by: Set(r.created_by),
                created_at: Set(r.created_at),
            }
            .insert(c)
            .await?;
        }
        SupervisionWrite::Inquiry(q) => {
            inq::ActiveModel {
                id: Set(q.id),
                item_id: Set(item_id),
                unit_id: Set(q.unit_id),
                asked_by: Set(q.asked_by.clone()),
                question: Set(q.question.clone()),
                answered_by: Set(q.answered_by.clone()),
                answer: Set(q.answer.clone()),
                created_by: Set(q.created_by),
                created_at: Set(q.created_at),
            }
            .insert(c)
            .await?;
        }
        SupervisionWrite::Opinion(o) => {
            op::ActiveModel {
                id: Set(o.id),
                item_id: Set(item_id),
                unit_id: Set(o.unit_id),
                round: Set(o.round),
                content: Set(o.content.clone()),
                deadline: Set(o.deadline),
                issued_by: Set(o.issued_by),
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
        SupervisionWrite::Report(r) => {
            rpt::ActiveModel {
                id: Set(r.id),
                item_id: Set(item_id),
                opinion_id: Set(r.opinion_id),
                unit_id: Set(r.unit_id),
                summary: Set(r.summary.clone()),
                answers: Set(json_text(&r.answers)?),
                submitted_by: Set(r.submitted_by),
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
        SupervisionWrite::Problem {
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
        SupervisionWrite::Observation(o) => {
            obs::ActiveModel {
                id: Set(o.id),
                item_id: Set(item_id),
                observer_id: Set(o.observer_id),
                content: Set(o.content.clone()),
                status: Set(o.status.as_str().to_owned()),
                decision_reason: Set(None),
                decided_by: Set(None),
                decided_at: Set(None),
                created_by: Set(o.created_by),
                created_at: Set(o.created_at),
            }
            .insert(c)
            .await?;
        }
        SupervisionWrite::ObservationDecision {
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
    }
    Ok(())
}

fn problem_from(m: pb::Model) -> StoreResult<Problem> {
    Ok(Problem {
        id: m.id,
        opinion_id: m.opinion_id,
        position: m.position,
        description: m.description,
        status: parse_stored(&m.status)?,
        note: m.note,
        closed_at: m.closed_at,
        updated_at: m.updated_at,
    })
}

fn observation_from(m: obs::Model) -> StoreResult<Observation> {
    Ok(Observation {
        id: m.id,
        item_id: m.item_id,
        observer_id: m.observer_id,
        content: m.content,
        status: parse_stored(&m.status)?,
        decision_reason: m.decision_reason,
        decided_by: m.decided_by,
        decided_at: m.decided_at,
        created_by: m.created_by,
        created_at: m.created_at,
    })
}

async fn opinions_of<Conn: ConnectionTrait>(
    c: &Conn,
    item_ids: &[Uuid],
) -> StoreResult<Vec<(Uuid, Opinion)>> {
    if item_ids.is_empty() {
        return Ok(Vec::new());
    }
    let ops = op::Entity::find()
        .filter(op::Column::ItemId.is_in(item_ids.iter().copied()))
        .order_by_asc(op::Column::Id)
        .all(c)
        .await?;
    let mut problems: HashMap<Uuid, Vec<Problem>> = HashMap::new();
    for m in pb::Entity::find()
        .filter(pb::Column::ItemId.is_in(item_ids.iter().copied()))
        .order_by_asc(pb::Column::Position)
        .all(c)
        .await?
    {
        let p = problem_from(m)?;
        problems.entry(p.opinion_id).or_default().push(p);
    }
    Ok(ops
        .into_iter()
        .map(|m| {
            (
                m.item_id,
                Opinion {
                    problems: problems.remove(&m.id).unwrap_or_default(),
                    id: m.id,
                    unit_id: m.unit_id,
                    round: m.round,
                    content: m.content,
                    deadline: m.deadline,
                    issued_by: m.issued_by,
                    issued_at: m.issued_at,
                },
            )
        })
        .collect())
}

/// Figures of the supervision statistics.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SupervisionStats {
    pub items: u64,
    pub by_stage: Vec<(Stage, u64)>,
    pub by_method: Vec<(Method, u64)>,
    pub problems: u64,
    pub problems_closed: u64,
    /// Closed off on or before the opinion's deadline (China Standard Time).
    pub problems_closed_on_time: u64,
    pub problems_overdue: u64,
    pub evaluations: u64,
    pub accepted: u64,
    pub returned: u64,
    pub votes: Tally,
}

/// An observer's record for a year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ObserverRecord {
    pub items: Vec<(Uuid, String, Stage)>,
    pub opinions_filed: u64,
    pub opinions_adopted: u64,
    pub opinions_not_adopted: u64,
    pub opinions_pending: u64,
}

impl Store {
    pub async fn create_supervision(
        &self,
        ctx: &AuditCtx,
        item: SupervisionItem,
    ) -> StoreResult<SupervisionItem> {
        let txn = self.db.begin().await?;
        to_model(&item)?.insert(&txn).await?;
        write_links(&txn, None, &item).await?;
        let event = Event {
            action: "created",
            detail: None,
        };
        insert_event(&txn, ctx, item.id, None, Some(item.stage), &event).await?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "create",
            OBJECT,
            Some(item.id),
            None::<&SupervisionItem>,
            Some(&item),
        )
        .await?;
        let saved = load(&txn, item.id).await?;
        txn.commit().await?;
        Ok(saved)
    }

    pub async fn get_supervision(&self, id: Uuid) -> StoreResult<SupervisionItem> {
        load(&self.db, id).await
    }

    /// Writes `after` over `before` if the item is still at
    /// `before.version`, with its side records, timeline event and audit
    /// entry, in one transaction.
    pub async fn save_supervision(
        &self,
        ctx: &AuditCtx,
        before: &SupervisionItem,
        mut after: SupervisionItem,
        event: Event,
        writes: Vec<SupervisionWrite>,
    ) -> StoreResult<SupervisionItem> {
        let txn = self.db.begin().await?;
        let now = renda_domain::time::now();
        let res = if after == *before {
            // Only side records change: they guard their own rows, so
            // concurrent additions do not refuse each other. The item is
            // touched (a new version, in the same stage) so that caches
            // and `modified_since` see the change.
            ItemEntity::update_many()
                .col_expr(C::Version, Expr::col(C::Version).add(1))
                .col_expr(C::UpdatedAt, Expr::value(now))
                .filter(C::Id.eq(before.id))
                .filter(C::Stage.eq(before.stage.as_str()))
                .exec(&txn)
                .await?
        } else {
            after.updated_at = now;
            after.version = before.version + 1;
            ItemEntity::update_many()
                .set(to_model(&after)?)
                .filter(C::Id.eq(before.id))
                .filter(C::Version.eq(before.version))
                .exec(&txn)
                .await?
        };
        if res.rows_affected != 1 {
            return Err(StoreError::VersionMismatch);
        }
        write_links(&txn, Some(before), &after).await?;
        for w in &writes {
            side_write(&txn, after.id, w).await?;
        }
        let (from, to) = (before.stage, after.stage);
        insert_event(&txn, ctx, after.id, Some(from), Some(to), &event).await?;
        let action = if from == to {
            event.action.to_owned()
        } else {
            format!("transition:{}", event.action)
        };
        #[derive(Serialize)]
        struct Change<'a> {
            item: &'a SupervisionItem,
            writes: &'a [SupervisionWrite],
        }
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            &action,
            OBJECT,
            Some(after.id),
            Some(before),
            Some(&Change {
                item: &after,
                writes: &writes,
            }),
        )
        .await?;
        let saved = load(&txn, after.id).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// Records a committee member's vote in the item's current round. The
    /// item must still be evaluating that round; a second vote of the same
    /// member in the round is `Conflict("already_voted")`.
    pub async fn cast_vote(
        &self,
        ctx: &AuditCtx,
        item: &SupervisionItem,
        deputy_id: Uuid,
        user_id: Uuid,
        choice: Satisfaction,
    ) -> StoreResult<Vote> {
        let txn = self.db.begin().await?;
        // Touching the row orders the vote against a concurrent conclusion.
        let res = ItemEntity::update_many()
            .col_expr(C::Round, Expr::col(C::Round))
            .filter(C::Id.eq(item.id))
            .filter(C::Stage.eq(Stage::Evaluating.as_str()))
            .filter(C::Round.eq(item.round))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(StoreError::VersionMismatch);
        }
        let exists = vote::Entity::find_by_id((item.id, item.round, deputy_id))
            .one(&txn)
            .await?
            .is_some();
        if exists {
            return Err(StoreError::Conflict("already_voted"));
        }
        let v = Vote {
            round: item.round,
            deputy_id,
            choice,
            voted_at: renda_domain::time::now(),
        };
        let inserted = vote::ActiveModel {
            item_id: Set(item.id),
            round: Set(v.round),
            deputy_id: Set(deputy_id),
            choice: Set(choice.as_str().to_owned()),
            user_id: Set(user_id),
            voted_at: Set(v.voted_at),
        }
        .insert(&txn)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) => {
                return Err(match StoreError::from(e) {
                    StoreError::Conflict(_) => StoreError::Conflict("already_voted"),
                    other => other,
                });
            }
        }
        crate::duties::write_duty(
            &txn,
            &self.crypto,
            ctx,
            crate::duties::NewDuty {
                deputy_id,
                kind: renda_domain::duty::DutyKind::SupervisionVote,
                occurred_on: renda_domain::time::china_date(v.voted_at),
                title: item.title.clone(),
                content: None,
                ref_type: Some("supervision"),
                ref_id: Some(item.id),
            },
            false,
        )
        .await?;
        // Who voted is on record; how is not (the ballot is secret; only
        // the tally of the round is published).
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "vote",
            OBJECT,
            Some(item.id),
            None::<&serde_json::Value>,
            Some(&serde_json::json!({"round": v.round, "deputy_id": deputy_id})),
        )
        .await?;
        txn.commit().await?;
        Ok(v)
    }

    /// Concludes the current evaluation round: tallies its votes inside
    /// the transaction (after the item row is locked, so no vote slips in
    /// after the count), records the result, and closes the item or sends
    /// it back to rectifying. No votes is `Conflict("no_votes")`.
    pub async fn conclude_evaluation(
        &self,
        ctx: &AuditCtx,
        before: &SupervisionItem,
        by: Uuid,
    ) -> StoreResult<(SupervisionItem, Evaluation)> {
        let txn = self.db.begin().await?;
        let res = ItemEntity::update_many()
            .col_expr(C::Version, Expr::value(before.version + 1))
            .filter(C::Id.eq(before.id))
            .filter(C::Version.eq(before.version))
            .filter(C::Stage.eq(Stage::Evaluating.as_str()))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(StoreError::VersionMismatch);
        }
        let votes = vote::Entity::find()
            .filter(vote::Column::ItemId.eq(before.id))
            .filter(vote::Column::Round.eq(before.round))
            .all(&txn)
            .await?
            .into_iter()
            .map(|m| parse_stored::<Satisfaction>(&m.choice))
            .collect::<StoreResult<Vec<_>>>()?;
        if votes.is_empty() {
            return Err(StoreError::Conflict("no_votes"));
        }
        let tally = Tally::of(votes);
        let outcome = tally.outcome();
        let op = match outcome {
            Outcome::Accepted => StageOp::Close,
            Outcome::Returned => StageOp::Return,
        };
        let stage = next_stage(before.stage, op).map_err(|_| StoreError::VersionMismatch)?;
        let now = renda_domain::time::now();
        let mut after = before.clone();
        after.stage = stage;
        if stage == Stage::Closed {
            after.closed_at = Some(now);
        } else {
            after.round = before.round + 1;
        }
        after.updated_at = now;
        after.version = before.version + 1;
        ItemEntity::update_many()
            .set(to_model(&after)?)
            .filter(C::Id.eq(before.id))
            .exec(&txn)
            .await?;
        let evaluation = Evaluation {
            round: before.round,
            tally,
            outcome,
            concluded_by: by,
            concluded_at: now,
        };
        let count = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
        evl::ActiveModel {
            item_id: Set(before.id),
            round: Set(before.round),
            satisfied: Set(count(tally.satisfied)),
            basically_satisfied: Set(count(tally.basically_satisfied)),
            unsatisfied: Set(count(tally.unsatisfied)),
            outcome: Set(outcome.as_str().to_owned()),
            concluded_by: Set(by),
            concluded_at: Set(now),
        }
        .insert(&txn)
        .await?;
        let detail = serde_json::to_value(&evaluation).ok();
        let event = Event {
            action: "evaluation_concluded",
            detail,
        };
        insert_event(
            &txn,
            ctx,
            before.id,
            Some(before.stage),
            Some(stage),
            &event,
        )
        .await?;
        #[derive(Serialize)]
        struct Change<'a> {
            item: &'a SupervisionItem,
            evaluation: &'a Evaluation,
        }
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "transition:evaluation_concluded",
            OBJECT,
            Some(before.id),
            Some(before),
            Some(&Change {
                item: &after,
                evaluation: &evaluation,
            }),
        )
        .await?;
        let saved = load(&txn, before.id).await?;
        txn.commit().await?;
        Ok((saved, evaluation))
    }

    pub async fn supervision_timeline(&self, id: Uuid) -> StoreResult<Vec<TimelineEntry>> {
        ev::Entity::find()
            .filter(ev::Column::ItemId.eq(id))
            .order_by_asc(ev::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| {
                Ok(TimelineEntry {
                    id: m.id,
                    occurred_at: m.occurred_at,
                    actor_id: m.actor_id,
                    actor_name: m.actor_name,
                    action: m.action,
                    from_stage: m.from_stage.as_deref().map(parse_stored).transpose()?,
                    to_stage: m.to_stage.as_deref().map(parse_stored).transpose()?,
                    detail: m.detail.and_then(|d| serde_json::from_str(&d).ok()),
                })
            })
            .collect()
    }

    pub async fn supervision_records(&self, id: Uuid) -> StoreResult<Vec<InvestigationRecord>> {
        rec::Entity::find()
            .filter(rec::Column::ItemId.eq(id))
            .order_by_asc(rec::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| {
                Ok(InvestigationRecord {
                    id: m.id,
                    kind: parse_stored(&m.kind)?,
                    occurred_on: m.occurred_on,
                    place: m.place,
                    participants: m.participants,
                    findings: m.findings,
                    created_by: m.created_by,
                    created_at: m.created_at,
                })
            })
            .collect()
    }

    pub async fn supervision_inquiries(&self, id: Uuid) -> StoreResult<Vec<Inquiry>> {
        Ok(inq::Entity::find()
            .filter(inq::Column::ItemId.eq(id))
            .order_by_asc(inq::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| Inquiry {
                id: m.id,
                unit_id: m.unit_id,
                asked_by: m.asked_by,
                question: m.question,
                answered_by: m.answered_by,
                answer: m.answer,
                created_by: m.created_by,
                created_at: m.created_at,
            })
            .collect())
    }

    pub async fn supervision_opinions(&self, id: Uuid) -> StoreResult<Vec<Opinion>> {
        Ok(opinions_of(&self.db, &[id])
            .await?
            .into_iter()
            .map(|(_, o)| o)
            .collect())
    }

    pub async fn supervision_reports(&self, id: Uuid) -> StoreResult<Vec<Report>> {
        rpt::Entity::find()
            .filter(rpt::Column::ItemId.eq(id))
            .order_by_asc(rpt::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| {
                Ok(Report {
                    id: m.id,
                    opinion_id: m.opinion_id,
                    unit_id: m.unit_id,
                    summary: m.summary,
                    answers: serde_json::from_str(&m.answers)
                        .map_err(|e| StoreError::Db(sea_orm::DbErr::Json(e.to_string())))?,
                    submitted_by: m.submitted_by,
                    submitted_at: m.submitted_at,
                })
            })
            .collect()
    }

    pub async fn supervision_votes(&self, id: Uuid) -> StoreResult<Vec<Vote>> {
        vote::Entity::find()
            .filter(vote::Column::ItemId.eq(id))
            .order_by_asc(vote::Column::Round)
            .order_by_asc(vote::Column::VotedAt)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| {
                Ok(Vote {
                    round: m.round,
                    deputy_id: m.deputy_id,
                    choice: parse_stored(&m.choice)?,
                    voted_at: m.voted_at,
                })
            })
            .collect()
    }

    pub async fn supervision_evaluations(&self, id: Uuid) -> StoreResult<Vec<Evaluation>> {
        evl::Entity::find()
            .filter(evl::Column::ItemId.eq(id))
            .order_by_asc(evl::Column::Round)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| {
                let n = |v: i32| u32::try_from(v).unwrap_or(0);
                Ok(Evaluation {
                    round: m.round,
                    tally: Tally {
                        satisfied: n(m.satisfied),
                        basically_satisfied: n(m.basically_satisfied),
                        unsatisfied: n(m.unsatisfied),
                    },
                    outcome: parse_stored(&m.outcome)?,
                    concluded_by: m.concluded_by,
                    concluded_at: m.concluded_at,
                })
            })
            .collect()
    }

    /// Observation opinions of every item, oldest first, a page after
    /// `after` (an opinion id), optionally of one year's items.
    pub async fn observations_page(
        &self,
        year: Option<i32>,
        after: Option<Uuid>,
        limit: u64,
    ) -> StoreResult<Vec<Observation>> {
        use sea_orm::QuerySelect;
        let mut q = obs::Entity::find();
        if let Some(a) = after {
            q = q.filter(obs::Column::Id.gt(a));
        }
        if let Some(y) = year {
            let items = sea_orm::sea_query::Query::select()
                .column(C::Id)
                .from(ItemEntity)
                .and_where(C::Year.eq(y))
                .to_owned();
            q = q.filter(obs::Column::ItemId.in_subquery(items));
        }
        q.order_by_asc(obs::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(observation_from)
            .collect()
    }

    pub async fn supervision_observations(&self, id: Uuid) -> StoreResult<Vec<Observation>> {
        obs::Entity::find()
            .filter(obs::Column::ItemId.eq(id))
            .order_by_asc(obs::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(observation_from)
            .collect()
    }

    pub async fn list_supervisions(
        &self,
        vis: &SupervisionVisibility,
        f: &SupervisionFilter,
        opts: &ListOptions,
    ) -> StoreResult<Page<SupervisionItem>> {
        let mut q = ItemEntity::find();
        if !vis.all {
            let mut seen = Condition::any();
            if vis.published {
                seen = seen.add(C::PublishedAt.is_not_null());
            }
            if let Some(u) = vis.unit {
                let sub = Query::select()
                    .column(body::Column::ItemId)
                    .from(body::Entity)
                    .and_where(body::Column::UnitId.eq(u))
                    .to_owned();
                seen = seen.add(C::Id.in_subquery(sub));
            }
            if let Some(d) = vis.deputy {
                let sub = Query::select()
                    .column(part::Column::ItemId)
                    .from(part::Entity)
                    .and_where(part::Column::DeputyId.eq(d))
                    .to_owned();
                seen = seen.add(C::Id.in_subquery(sub));
            }
            if let Some(o) = vis.observer {
                let sub = Query::select()
                    .column(so::Column::ItemId)
                    .from(so::Entity)
                    .and_where(so::Column::ObserverId.eq(o))
                    .to_owned();
                seen = seen.add(C::Id.in_subquery(sub));
            }
            // An empty union lets nothing through.
            seen = seen.add(Expr::val(1).eq(0));
            q = q.filter(seen);
        }
        if let Some(y) = f.year {
            q = q.filter(C::Year.eq(y));
        }
        if let Some(s) = f.stage {
            q = q.filter(C::Stage.eq(s.as_str()));
        }
        if let Some(m) = f.method {
            q = q.filter(C::Methods.like(format!("%,{},%", m.as_str())));
        }
        if let Some(u) = f.body_id {
            let sub = Query::select()
                .column(body::Column::ItemId)
                .from(body::Entity)
                .and_where(body::Column::UnitId.eq(u))
                .to_owned();
            q = q.filter(C::Id.in_subquery(sub));
        }
        if let Some(o) = f.observer_id {
            let sub = Query::select()
                .column(so::Column::ItemId)
                .from(so::Entity)
                .and_where(so::Column::ObserverId.eq(o))
                .to_owned();
            q = q.filter(C::Id.in_subquery(sub));
        }
        if let Some((overdue, today)) = f.overdue {
            let awaiting = [
                ProblemStatus::Open.as_str(),
                ProblemStatus::SentBack.as_str(),
            ];
            let mut sub = Query::select()
                .column((pb::Entity, pb::Column::ItemId))
                .from(pb::Entity)
                .inner_join(
                    op::Entity,
                    Expr::col((op::Entity, op::Column::Id))
                        .equals((pb::Entity, pb::Column::OpinionId)),
                )
                .and_where(Expr::col((pb::Entity, pb::Column::Status)).is_in(awaiting))
                .and_where(Expr::col((op::Entity, op::Column::Deadline)).lt(today))
                .to_owned();
            if let Some(u) = f.overdue_unit {
                sub.and_where(Expr::col((op::Entity, op::Column::UnitId)).eq(u));
            }
            q = q.filter(if overdue {
                C::Id.in_subquery(sub)
            } else {
                C::Id.not_in_subquery(sub)
            });
        }
        if let Some(text) = &f.q {
            q = q.filter(
                Condition::any()
                    .add(list::contains(C::Title, text))
                    .add(list::contains(C::Committee, text)),
            );
        }
        let keys = list::Keys {
            id: C::Id,
            updated_at: C::UpdatedAt,
            deleted_at: None,
            seq: list::SEQ_COLUMN,
        };
        let page = list::paginate(&self.db, q, keys, opts, |m: &item::Model| {
            (m.id, m.updated_at, None)
        })
        .await?;
        let ids: Vec<Uuid> = page.live().map(|m| m.id).collect();
        let mut ch = children(&self.db, &ids).await?;
        page.try_map(|m| assemble(m, &mut ch))
    }

    /// The ids of the given items with a rectification overdue on `today`
    /// (counting only the opinions addressed to `unit`, if given).
    pub async fn overdue_supervisions(
        &self,
        ids: &[Uuid],
        today: NaiveDate,
        unit: Option<Uuid>,
    ) -> StoreResult<HashSet<Uuid>> {
        Ok(opinions_of(&self.db, ids)
            .await?
            .into_iter()
            .filter(|(_, o)| unit.is_none_or(|u| o.unit_id == u) && o.overdue(today))
            .map(|(id, _)| id)
            .collect())
    }

    /// Statistics of the items of a year (all years if none).
    pub async fn supervision_stats(
        &self,
        year: Option<i32>,
        today: NaiveDate,
    ) -> StoreResult<SupervisionStats> {
        let mut q = ItemEntity::find();
        if let Some(y) = year {
            q = q.filter(C::Year.eq(y));
        }
        let items = q.all(&self.db).await?;
        let ids: Vec<Uuid> = items.iter().map(|m| m.id).collect();
        let mut st = SupervisionStats {
            items: items.len() as u64,
            ..SupervisionStats::default()
        };
        let mut stages: HashMap<Stage, u64> = HashMap::new();
        let mut methods: HashMap<Method, u64> = HashMap::new();
        for m in &items {
            *stages.entry(parse_stored(&m.stage)?).or_default() += 1;
            for x in m.methods.split(',').filter(|s| !s.is_empty()) {
                *methods.entry(parse_stored(x)?).or_default() += 1;
            }
        }
        st.by_stage = Stage::ALL
            .iter()
            .map(|s| (*s, stages.get(s).copied().unwrap_or(0)))
            .collect();
        st.by_method = Method::ALL
            .iter()
            .map(|s| (*s, methods.get(s).copied().unwrap_or(0)))
            .collect();
        for chunk in ids.chunks(500) {
            for (_, o) in opinions_of(&self.db, chunk).await? {
                for p in &o.problems {
                    st.problems += 1;
                    match p.closed_at {
                        Some(at) if p.status == ProblemStatus::Closed => {
                            st.problems_closed += 1;
                            if renda_domain::time::china_date(at) <= o.deadline {
                                st.problems_closed_on_time += 1;
                            }
                        }
                        _ => {
                            if p.status.awaits_body() && today > o.deadline {
                                st.problems_overdue += 1;
                            }
                        }
                    }
                }
            }
            for m in evl::Entity::find()
                .filter(evl::Column::ItemId.is_in(chunk.iter().copied()))
                .all(&self.db)
                .await?
            {
                st.evaluations += 1;
                match parse_stored::<Outcome>(&m.outcome)? {
                    Outcome::Accepted => st.accepted += 1,
                    Outcome::Returned => st.returned += 1,
                }
                let n = |v: i32| u32::try_from(v).unwrap_or(0);
                st.votes.satisfied += n(m.satisfied);
                st.votes.basically_satisfied += n(m.basically_satisfied);
                st.votes.unsatisfied += n(m.unsatisfied);
            }
        }
        Ok(st)
    }

    /// An observer's items and opinions in the items of a year.
    pub async fn observer_record(
        &self,
        observer_id: Uuid,
        year: i32,
    ) -> StoreResult<ObserverRecord> {
        let assigned: Vec<Uuid> = so::Entity::find()
            .filter(so::Column::ObserverId.eq(observer_id))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| m.item_id)
            .collect();
        let mut out = ObserverRecord::default();
        if !assigned.is_empty() {
            for m in ItemEntity::find()
                .filter(C::Id.is_in(assigned))
                .filter(C::Year.eq(year))
                .order_by_asc(C::Id)
                .all(&self.db)
                .await?
            {
                out.items.push((m.id, m.title, parse_stored(&m.stage)?));
            }
        }
        let of_year = Query::select()
            .column(C::Id)
            .from(ItemEntity)
            .and_where(C::Year.eq(year))
            .to_owned();
        for m in obs::Entity::find()
            .filter(obs::Column::ObserverId.eq(observer_id))
            .filter(obs::Column::ItemId.in_subquery(of_year))
            .all(&self.db)
            .await?
        {
            out.opinions_filed += 1;
            match parse_stored::<ObservationStatus>(&m.status)? {
                ObservationStatus::Adopted => out.opinions_adopted += 1,
                ObservationStatus::NotAdopted => out.opinions_not_adopted += 1,
                ObservationStatus::Pending => out.opinions_pending += 1,
            }
        }
        Ok(out)
    }
}
