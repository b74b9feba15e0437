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

mod changes;
mod figures;
mod model;
mod reading;
mod writes;

pub use figures::*;
pub use model::*;
use writes::*;

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
