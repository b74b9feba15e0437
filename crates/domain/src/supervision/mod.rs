//! The congress's supervision of government (监督): yearly items that target
//! government bodies through one or more methods, and move through a closed
//! loop from the plan to the satisfaction vote.
//!
//! The commands (`command`, `loop_work`) take an item as it is, the
//! command's input and the facts the store knows (gathered by the caller)
//! and return the [`Change`] to save, or why it is refused. Nothing here
//! reads or writes anything.

use crate::id::{DeputyId, UnitId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

pub use crate::suggestion::EvaluationResult as Satisfaction;

mod command;
#[cfg(test)]
mod command_tests;
mod error;
mod loop_work;
mod records;
#[cfg(test)]
mod tests;

pub use command::*;
pub use error::{FieldIssue, Issue, SupervisionError};
pub use loop_work::*;
pub use records::*;

string_enum! {
    /// A method of supervision.
    pub enum Method : "supervision method" {
        /// 调研视察
        ResearchVisit = "research_visit",
        /// 工作评议
        WorkEvaluation = "work_evaluation",
        /// 听取审议专项工作报告
        SpecialReport = "special_report",
        /// 专题询问
        SpecialInquiry = "special_inquiry",
        /// 执法检查
        LawEnforcementInspection = "law_enforcement_inspection",
        /// 满意度测评
        SatisfactionEvaluation = "satisfaction_evaluation",
    }
}

/// The combinations the congress uses most (调研视察+工作评议,
/// 听取审议专项报告+专题询问, 执法检查+满意度测评).
pub const COMBINATIONS: &[[Method; 2]] = &[
    [Method::ResearchVisit, Method::WorkEvaluation],
    [Method::SpecialReport, Method::SpecialInquiry],
    [
        Method::LawEnforcementInspection,
        Method::SatisfactionEvaluation,
    ],
];

string_enum! {
    /// Where a supervision item stands in the loop.
    pub enum Stage : "supervision stage" {
        /// In the yearly plan (年度监督计划).
        Planned = "planned",
        /// Visits, inspections and hearings (调研、检查).
        Investigating = "investigating",
        /// The committee deliberates and issues opinions to the bodies (审议).
        Deliberating = "deliberating",
        /// The bodies rectify and report (整改).
        Rectifying = "rectifying",
        /// The committee members' satisfaction vote (满意度测评).
        Evaluating = "evaluating",
        /// Done. Final.
        Closed = "closed",
    }
}

string_enum! {
    /// The kind of an investigation record.
    pub enum RecordKind : "investigation record kind" {
        /// 调研视察
        Visit = "visit",
        /// 执法检查
        Inspection = "inspection",
        /// 座谈、听证
        Hearing = "hearing",
    }
}

string_enum! {
    /// Where one problem of a deliberation opinion's list stands.
    pub enum ProblemStatus : "problem status" {
        /// Waiting for the body's rectification.
        Open = "open",
        /// The body reported its rectification; waiting for the office.
        Answered = "answered",
        /// The office found the rectification wanting (退回).
        SentBack = "sent_back",
        /// Rectified and closed off (销号).
        Closed = "closed",
    }
}

string_enum! {
    /// What the vote of an evaluation round decided.
    pub enum Outcome : "evaluation outcome" {
        /// No unsatisfied majority: the item closes.
        Accepted = "accepted",
        /// An unsatisfied majority: back to rectifying.
        Returned = "returned",
    }
}

string_enum! {
    /// The office's decision on an observation opinion.
    pub enum ObservationStatus : "observation status" {
        Pending = "pending",
        /// 采纳
        Adopted = "adopted",
        /// 未采纳, with a reason
        NotAdopted = "not_adopted",
    }
}

/// An operation that moves an item to its next stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageOp {
    StartInvestigation,
    StartDeliberation,
    StartRectification,
    StartEvaluation,
    /// Accept the vote: the item closes.
    Close,
    /// An unsatisfied majority: back to rectifying.
    Return,
    /// An item without a satisfaction vote closes once rectified.
    CloseRectified,
}

/// An operation that the item's stage does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{op:?} is not allowed in stage {from}")]
pub struct InvalidStage {
    pub from: Stage,
    pub op: StageOp,
}

/// The stage an operation leads to.
pub fn next_stage(from: Stage, op: StageOp) -> Result<Stage, InvalidStage> {
    use Stage::*;
    match (from, op) {
        (Planned, StageOp::StartInvestigation) => Ok(Investigating),
        (Investigating, StageOp::StartDeliberation) => Ok(Deliberating),
        (Deliberating, StageOp::StartRectification) => Ok(Rectifying),
        (Rectifying, StageOp::StartEvaluation) => Ok(Evaluating),
        (Evaluating, StageOp::Close) => Ok(Closed),
        (Evaluating, StageOp::Return) => Ok(Rectifying),
        (Rectifying, StageOp::CloseRectified) => Ok(Closed),
        _ => Err(InvalidStage { from, op }),
    }
}

/// Stages in which investigation records are kept.
pub const RECORD_STAGES: &[Stage] = &[Stage::Investigating, Stage::Deliberating];
/// Stages in which special inquiry questions and answers are recorded.
pub const INQUIRY_STAGES: &[Stage] = &[Stage::Investigating, Stage::Deliberating];
/// Stages in which deliberation opinions are issued (a follow-up opinion
/// after an unsatisfied vote is issued while rectifying).
pub const OPINION_STAGES: &[Stage] = &[Stage::Deliberating, Stage::Rectifying];

/// What the methods and laws of an item must satisfy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanProblem {
    NoMethod,
    DuplicateMethod,
    /// A law-enforcement inspection names the laws it checks.
    LawsMissing,
    /// Laws are named only for a law-enforcement inspection.
    LawsWithoutInspection,
}

/// Checks an item's methods against the laws it names.
pub fn check_plan(methods: &[Method], laws: &[String]) -> Result<(), PlanProblem> {
    if methods.is_empty() {
        return Err(PlanProblem::NoMethod);
    }
    let mut seen = methods.to_vec();
    seen.sort();
    seen.dedup();
    if seen.len() != methods.len() {
        return Err(PlanProblem::DuplicateMethod);
    }
    let inspection = methods.contains(&Method::LawEnforcementInspection);
    match (inspection, laws.is_empty()) {
        (true, true) => Err(PlanProblem::LawsMissing),
        (false, false) => Err(PlanProblem::LawsWithoutInspection),
        _ => Ok(()),
    }
}

/// Why an item cannot move on yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageBlocker {
    /// Rectification starts once an opinion has been issued.
    NoOpinion,
    /// Rectification ends once every problem is closed off.
    ProblemsOpen(u32),
    /// After an unsatisfied vote, the next round needs a follow-up opinion.
    NoFollowUpOpinion,
    /// The vote needs committee members.
    NoCommitteeMembers,
    /// The vote is concluded once somebody has voted.
    NoVotes,
}

/// The facts that decide whether an item may move on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StageFacts {
    /// The item's evaluation round.
    pub round: i32,
    pub opinions: u32,
    /// Opinions issued in the current round.
    pub opinions_this_round: u32,
    pub unclosed_problems: u32,
    pub committee_members: u32,
    pub votes: u32,
}

/// What keeps an item from the operation, if anything.
pub fn blockers(op: StageOp, f: StageFacts) -> Vec<StageBlocker> {
    let mut out = Vec::new();
    match op {
        StageOp::StartRectification if f.opinions == 0 => out.push(StageBlocker::NoOpinion),
        StageOp::CloseRectified if f.unclosed_problems > 0 => {
            out.push(StageBlocker::ProblemsOpen(f.unclosed_problems));
        }
        StageOp::StartEvaluation => {
            if f.round > 1 && f.opinions_this_round == 0 {
                out.push(StageBlocker::NoFollowUpOpinion);
            }
            if f.unclosed_problems > 0 {
                out.push(StageBlocker::ProblemsOpen(f.unclosed_problems));
            }
            if f.committee_members == 0 {
                out.push(StageBlocker::NoCommitteeMembers);
            }
        }
        StageOp::Close | StageOp::Return if f.votes == 0 => out.push(StageBlocker::NoVotes),
        _ => {}
    }
    out
}

/// 一轮满意度测评的票数。
///
/// The votes of one evaluation round.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tally {
    /// 满意票数。
    ///
    /// Satisfied votes.
    pub satisfied: u32,
    /// 基本满意票数。
    ///
    /// Basically satisfied votes.
    pub basically_satisfied: u32,
    /// 不满意票数。
    ///
    /// Unsatisfied votes.
    pub unsatisfied: u32,
}

impl Tally {
    pub fn of(votes: impl IntoIterator<Item = Satisfaction>) -> Self {
        let mut t = Tally::default();
        for v in votes {
            match v {
                Satisfaction::Satisfied => t.satisfied += 1,
                Satisfaction::BasicallySatisfied => t.basically_satisfied += 1,
                Satisfaction::Unsatisfied => t.unsatisfied += 1,
            }
        }
        t
    }

    pub fn total(&self) -> u32 {
        self.satisfied + self.basically_satisfied + self.unsatisfied
    }

    /// More than half of the votes cast are unsatisfied: the item goes back
    /// to rectifying. Otherwise it is accepted.
    pub fn outcome(&self) -> Outcome {
        if u64::from(self.unsatisfied) * 2 > u64::from(self.total()) {
            Outcome::Returned
        } else {
            Outcome::Accepted
        }
    }
}

/// A deliberation opinion is overdue when its deadline has passed and one
/// of its problems still waits for the body: open, or sent back. A problem
/// the body has answered waits for the office, not for the body.
pub fn opinion_overdue(deadline: NaiveDate, today: NaiveDate, awaiting_body: u32) -> bool {
    awaiting_body > 0 && today > deadline
}

impl ProblemStatus {
    /// Whether the body still has to act on the problem.
    pub fn awaits_body(self) -> bool {
        matches!(self, ProblemStatus::Open | ProblemStatus::SentBack)
    }
}

/// A supervision item as recorded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SupervisionItem {
    pub id: Uuid,
    pub title: String,
    pub year: i32,
    pub description: Option<String>,
    pub methods: Vec<Method>,
    /// The bodies supervised (units).
    pub body_ids: Vec<UnitId>,
    /// The committee in charge (e.g. 财政经济委员会).
    pub committee: String,
    /// Deputies sitting on the standing committee who take part; they vote.
    pub committee_member_ids: Vec<DeputyId>,
    /// Other deputies taking part.
    pub deputy_ids: Vec<DeputyId>,
    /// Observers assigned.
    pub observer_ids: Vec<Uuid>,
    /// The laws a law-enforcement inspection checks.
    pub laws: Vec<String>,
    pub stage: Stage,
    /// The evaluation round: 1, and one more for each return to rectifying.
    pub round: i32,
    pub published_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl SupervisionItem {
    /// The item as notices and tasks name it.
    pub fn subject(&self) -> crate::notice::Subject {
        crate::notice::Subject {
            kind: crate::notice::SubjectKind::Supervision,
            id: self.id,
            label: crate::notice::label(None, &self.title),
        }
    }
}

impl SupervisionItem {
    /// Whether the plan has a satisfaction vote (满意度测评): only then is
    /// one held before the item closes.
    pub fn vote_planned(&self) -> bool {
        self.methods.contains(&Method::SatisfactionEvaluation)
    }

    /// Whether this deputy takes part, as committee member or deputy.
    pub fn involves_deputy(&self, deputy: DeputyId) -> bool {
        self.committee_member_ids.contains(&deputy) || self.deputy_ids.contains(&deputy)
    }
}
