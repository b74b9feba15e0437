//! Why a command on a supervision item is refused, each with a stable code.

use uuid::Uuid;

use crate::Code;

use super::{PlanProblem, Stage, StageBlocker};

/// A refused command on a supervision item.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SupervisionError {
    /// The item's stage does not allow the command.
    #[error("not allowed while the item is {0}")]
    InvalidState(Stage),
    /// Something the next stage needs is missing.
    #[error("the item cannot move on: {0:?}")]
    Blocked(StageBlocker),
    /// The results are published already.
    #[error("the item is published already")]
    AlreadyPublished,
    /// The item's plan does not have the method (a special inquiry, a
    /// satisfaction vote).
    #[error("the method is not planned")]
    MethodNotPlanned,
    /// The plan has a satisfaction vote: the item closes by the vote.
    #[error("the item closes by its satisfaction vote")]
    VotePlanned,
    /// Fewer than half of the committee members are recorded present.
    #[error("no quorum: {present} of {members} present")]
    QuorumNotMet { present: u32, members: u32 },
    /// The committee member is not recorded present at the meeting.
    #[error("not recorded present at the meeting")]
    NotPresent,
    /// A problem a report answers is not waiting for the body.
    #[error("problem {0} is not awaiting rectification")]
    ProblemNotOpen(Uuid),
    /// The problem has no answer for the office to review.
    #[error("the problem has no answer to review")]
    ProblemNotAnswered,
    /// The observer is assigned to the item already.
    #[error("the observer is assigned already")]
    AlreadyAssigned,
    /// The observer no longer serves.
    #[error("the observer is not active")]
    ObserverInactive,
    /// The observer declared a tie to a body the item supervises.
    #[error("the observer declared a tie to a supervised body")]
    ConflictOfInterest,
    /// The observation opinion is decided already.
    #[error("the observation is decided already")]
    AlreadyDecided,
    /// The caller does not vote on the item (not one of its committee members).
    #[error("not a committee member of the item")]
    NotACommitteeMember,
    /// The caller voted in the round already.
    #[error("voted already")]
    AlreadyVoted,
    /// The record the command names (a problem, an observation, an
    /// assigned observer) is not the item's.
    #[error("no such record of the item")]
    NotFound,
    /// Fields of the command's input that the rules refuse.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldIssue>),
}

/// One field a rule refuses.
pub type FieldIssue = crate::command::FieldIssue<Issue>;

/// What is wrong with a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Issue {
    /// A field that may be left out was sent as null.
    Null,
    /// A required text is empty or only blank characters.
    Blank,
    /// A text of a list is blank or longer than this many characters.
    Length(u32),
    /// No such unit.
    UnknownUnit,
    /// No such deputy.
    UnknownDeputy,
    /// No such observer.
    UnknownObserver,
    /// The methods or laws of the plan.
    Plan(PlanProblem),
    /// A deputy is named as committee member and as deputy.
    AlreadyMember,
    /// The unit is not one of the bodies the item supervises.
    NotABody,
    /// A date in the future.
    Future,
    /// A date before the People's Republic.
    TooEarly,
    /// A rectification deadline before today.
    DeadlinePast,
    /// A rectification deadline past the policy's longest period.
    DeadlineTooFar,
    /// Not one of the item's committee members.
    NotACommitteeMember,
    /// No such problem in the opinion.
    UnknownProblem,
    /// The problem is answered twice in one report.
    AnsweredTwice,
    /// Not adopting an observation opinion needs a reason.
    ReasonRequired,
}

impl SupervisionError {
    /// A refusal of one field.
    pub fn field(field: impl Into<String>, issue: Issue) -> Self {
        SupervisionError::Invalid(vec![FieldIssue {
            field: field.into(),
            issue,
        }])
    }

    /// The stable code of the refusal.
    pub const fn code(&self) -> Code {
        match self {
            SupervisionError::InvalidState(_) => Code::InvalidState,
            SupervisionError::Blocked(b) => b.code(),
            SupervisionError::AlreadyPublished => Code::AlreadyPublished,
            SupervisionError::MethodNotPlanned => Code::MethodNotPlanned,
            SupervisionError::VotePlanned => Code::VotePlanned,
            SupervisionError::QuorumNotMet { .. } => Code::QuorumNotMet,
            SupervisionError::NotPresent => Code::NotPresent,
            SupervisionError::ProblemNotOpen(_) => Code::ProblemNotOpen,
            SupervisionError::ProblemNotAnswered => Code::ProblemNotAnswered,
            SupervisionError::AlreadyAssigned => Code::AlreadyAssigned,
            SupervisionError::ObserverInactive => Code::ObserverInactive,
            SupervisionError::ConflictOfInterest => Code::ConflictOfInterest,
            SupervisionError::AlreadyDecided => Code::AlreadyDecided,
            SupervisionError::NotACommitteeMember => Code::Forbidden,
            SupervisionError::AlreadyVoted => Code::AlreadyVoted,
            SupervisionError::NotFound => Code::NotFound,
            SupervisionError::Invalid(_) => Code::ValidationFailed,
        }
    }
}

impl StageBlocker {
    /// The stable code of what is missing.
    pub const fn code(self) -> Code {
        match self {
            StageBlocker::NoOpinion => Code::OpinionMissing,
            StageBlocker::ProblemsOpen(_) => Code::ProblemsOpen,
            StageBlocker::NoFollowUpOpinion => Code::FollowUpMissing,
            StageBlocker::NoCommitteeMembers => Code::CommitteeMembersMissing,
            StageBlocker::NoVotes => Code::NoVotes,
        }
    }
}

impl Issue {
    /// The stable code of the field's problem.
    pub const fn code(self) -> &'static str {
        match self {
            Issue::Null => "null",
            Issue::Blank => "blank",
            Issue::Length(_) => "length",
            Issue::UnknownUnit
            | Issue::UnknownDeputy
            | Issue::UnknownObserver
            | Issue::UnknownProblem => "not_found",
            Issue::Plan(PlanProblem::NoMethod | PlanProblem::LawsMissing) => "required",
            Issue::Plan(PlanProblem::DuplicateMethod) | Issue::AlreadyMember => "duplicate",
            Issue::Plan(PlanProblem::LawsWithoutInspection) => "not_applicable",
            Issue::NotABody => "not_a_body",
            Issue::Future => "future",
            Issue::TooEarly => "too_early",
            Issue::DeadlinePast => "past",
            Issue::DeadlineTooFar => "too_far",
            Issue::NotACommitteeMember => "not_a_member",
            Issue::AnsweredTwice => "duplicate",
            Issue::ReasonRequired => "required",
        }
    }
}

impl PlanProblem {
    /// The field the problem is about.
    pub const fn field(self) -> &'static str {
        match self {
            PlanProblem::NoMethod | PlanProblem::DuplicateMethod => "methods",
            PlanProblem::LawsMissing | PlanProblem::LawsWithoutInspection => "laws",
        }
    }
}
