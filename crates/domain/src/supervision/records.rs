//! What is kept beside a supervision item: investigation records, inquiry
//! questions, deliberation opinions with their problems, the bodies'
//! reports, votes, evaluation results and observation opinions; and what
//! a change of an item writes with it.

use crate::id::{DeputyId, UnitId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::{ObservationStatus, Outcome, ProblemStatus, RecordKind, Satisfaction, Tally};

/// An investigation record: a visit, an inspection or a hearing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvestigationRecord {
    pub id: Uuid,
    pub kind: RecordKind,
    pub occurred_on: NaiveDate,
    pub place: String,
    pub participants: Option<String>,
    pub findings: String,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
}

/// A question of a special inquiry and the answer given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inquiry {
    pub id: Uuid,
    /// The body answering.
    pub unit_id: Option<UnitId>,
    pub asked_by: String,
    pub question: String,
    pub answered_by: Option<String>,
    pub answer: Option<String>,
    pub created_by: UserId,
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
    pub unit_id: UnitId,
    /// The evaluation round it belongs to (a follow-up opinion after an
    /// unsatisfied vote has a higher one).
    pub round: i32,
    pub content: String,
    pub deadline: NaiveDate,
    pub issued_by: UserId,
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
        super::opinion_overdue(self.deadline, today, self.awaiting_body())
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
    pub unit_id: UnitId,
    pub summary: String,
    pub answers: Vec<ProblemAnswer>,
    pub submitted_by: UserId,
    pub submitted_at: DateTime<Utc>,
}

/// A committee member's vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Vote {
    pub round: i32,
    pub deputy_id: DeputyId,
    /// The evaluation of the item as a whole, and of every body not named
    /// in `bodies`.
    pub choice: Satisfaction,
    /// The evaluation of each supervised body the member named apart.
    pub bodies: Vec<(UnitId, Satisfaction)>,
    pub voted_at: DateTime<Utc>,
}

impl Vote {
    /// The member's choice on `body`: the one given for it, or the one for
    /// the whole item.
    pub fn on(&self, body: UnitId) -> Satisfaction {
        self.bodies
            .iter()
            .find(|(b, _)| *b == body)
            .map_or(self.choice, |(_, c)| *c)
    }
}

/// 一个被监督单位在一轮测评中的结果。
///
/// One supervised body's result in an evaluation round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BodyResult {
    /// 被监督单位 ID。
    ///
    /// The body's id.
    pub body_id: UnitId,
    /// 对该单位的计票：单独评价该单位的票按其评价计，其余按对事项整体的评价计。
    ///
    /// The votes on the body: a member's choice for it, or else their choice on
    /// the whole item.
    pub tally: Tally,
    /// 该单位的结论：不满意票过半时为退回（`returned`），否则为通过。
    ///
    /// `returned` when more than half of the votes are unsatisfied, else
    /// `accepted`.
    pub outcome: Outcome,
}

/// Who of the committee members was present at the meeting that votes in
/// a round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attendance {
    pub round: i32,
    pub present: Vec<DeputyId>,
    /// The committee members of the item.
    pub members: u32,
    pub recorded_by: UserId,
    pub recorded_at: DateTime<Utc>,
}

impl Attendance {
    /// More than half of the members are present.
    pub fn quorum(&self) -> bool {
        super::quorum(
            u32::try_from(self.present.len()).unwrap_or(u32::MAX),
            self.members,
        )
    }
}

/// The result of one evaluation round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub round: i32,
    pub tally: Tally,
    pub outcome: Outcome,
    /// Committee members present at the vote, and all of them (not
    /// recorded before attendance was kept).
    pub present: Option<u32>,
    pub members: Option<u32>,
    /// Each supervised body's result; the item goes back to rectifying
    /// when the whole or any body has an unsatisfied majority.
    pub bodies: Vec<BodyResult>,
    pub concluded_by: UserId,
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
    pub decided_by: Option<UserId>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
}

/// What a change of an item writes beside the item itself, in the same
/// transaction. Part of the change's audit entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "write", rename_all = "snake_case")]
pub enum Effect {
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
    /// The office decides a pending observation opinion.
    ObservationDecision {
        id: Uuid,
        status: ObservationStatus,
        reason: Option<String>,
        by: Uuid,
    },
    /// The result of a concluded evaluation round.
    Evaluation(Evaluation),
    /// The attendance of the round's meeting, replacing an earlier one.
    Attendance(Attendance),
    /// A notification to the people the change concerns.
    Notify(crate::notice::Notice),
}

pub use crate::timeline::Event;

/// The outcome of a command: the item as it is to be saved, the timeline
/// entry and what is written with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub after: super::SupervisionItem,
    pub event: Event,
    pub effects: Vec<Effect>,
}

impl Change {
    /// The investigation record the change adds, if any.
    pub fn record(&self) -> Option<&InvestigationRecord> {
        self.effects.iter().find_map(|e| match e {
            Effect::Record(r) => Some(r),
            _ => None,
        })
    }

    /// The inquiry question the change records, if any.
    pub fn inquiry(&self) -> Option<&Inquiry> {
        self.effects.iter().find_map(|e| match e {
            Effect::Inquiry(q) => Some(q),
            _ => None,
        })
    }

    /// The opinion the change issues, if any.
    pub fn opinion(&self) -> Option<&Opinion> {
        self.effects.iter().find_map(|e| match e {
            Effect::Opinion(o) => Some(o),
            _ => None,
        })
    }

    /// The report the change submits, if any.
    pub fn report(&self) -> Option<&Report> {
        self.effects.iter().find_map(|e| match e {
            Effect::Report(r) => Some(r),
            _ => None,
        })
    }

    /// The observation opinion the change files, if any.
    pub fn observation(&self) -> Option<&Observation> {
        self.effects.iter().find_map(|e| match e {
            Effect::Observation(o) => Some(o),
            _ => None,
        })
    }

    /// The evaluation result the change records, if any.
    pub fn evaluation(&self) -> Option<&Evaluation> {
        self.effects.iter().find_map(|e| match e {
            Effect::Evaluation(v) => Some(v),
            _ => None,
        })
    }
}
