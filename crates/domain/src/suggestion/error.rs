//! Why a command on a suggestion is refused, each with a stable code.

use crate::Code;

use super::{CloseBlocker, DeadlineError, ExtensionError, SuggestionStatus};

/// A refused command on a suggestion.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SuggestionError {
    /// The suggestion's status does not allow the command.
    #[error("not allowed while the suggestion is {0}")]
    InvalidState(SuggestionStatus),
    /// The latest reply is evaluated already.
    #[error("the reply is evaluated already")]
    AlreadyEvaluated,
    /// A sign-off needs the leader's supervision notes first.
    #[error("no supervision notes before the sign-off")]
    SupervisionNotesMissing,
    /// The closing rule of the suggestion's colour is not met.
    #[error("the closing rule is not met: {0:?}")]
    CloseRequirementsUnmet(Vec<CloseBlocker>),
    /// A unit's request already waits for a decision.
    #[error("a request is pending")]
    RequestPending,
    /// A reply is refused while the unit's request to hand it back waits.
    #[error("a re-assignment request is pending")]
    ReassignmentPending,
    /// A re-assignment can be asked for only within 10 days of assignment,
    /// before any rehandling.
    #[error("the re-assignment window is closed")]
    ReassignmentWindowClosed,
    /// The request is decided already.
    #[error("the request is decided already")]
    RequestDecided,
    /// The commitment is fulfilled already.
    #[error("the commitment is fulfilled already")]
    CommitmentClosed,
    /// The deputy's term has ended: nothing new is filed.
    #[error("the deputy's term has ended")]
    TermEnded,
    /// The suggestion is not waiting for its lead unit to pass it on.
    #[error("the suggestion is not waiting to be passed on")]
    NothingToPassOn,
    /// The lead unit replies after the co-units' opinions: these units,
    /// within their deadlines, have not sent theirs.
    #[error("co-units' opinions are pending")]
    CoUnitOpinionsPending(Vec<crate::id::UnitId>),
    /// The colour's reply needs a consultation (面商) with the lead deputy
    /// recorded first, in this round, undisputed.
    #[error("no consultation with the lead deputy before the reply")]
    ConsultationRequired,
    /// The record is answered (confirmed, disputed, acknowledged) already.
    #[error("answered already")]
    AlreadyAnswered,
    /// Fields of the command's input that the rules refuse.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldIssue>),
}

/// One field a rule refuses.
pub type FieldIssue = crate::command::FieldIssue<Issue>;

/// What is wrong with a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Issue {
    /// A required text is empty or only blank characters.
    Blank,
    /// Not one of the suggestion categories.
    UnknownCategory,
    /// No such deputy.
    UnknownDeputy,
    /// No such unit.
    UnknownUnit,
    /// A red suggestion needs a supervising leader.
    SupervisorRequired,
    /// The supervisor is not an active leader account.
    NotALeader,
    /// A category B reply needs a commitment.
    CommitmentRequired,
    /// Marking an outstanding suggestion needs a reason.
    ReasonRequired,
    /// An extension needs the new deadline.
    NewDeadlineRequired,
    /// Approving a re-assignment needs the new lead unit.
    NewLeadUnitRequired,
    /// The new lead unit must be another existing unit.
    NotAnotherUnit,
    /// The reply deadline breaks the law's limits.
    Deadline(DeadlineError),
    /// The extension's deadline is refused.
    Extension(ExtensionError),
    /// The co-units' deadline is not between today and the lead unit's.
    CoUnitDeadline,
    /// The pass-on deadline is not between today and the reply deadline.
    PassOnDue,
    /// No such suggestion (a row of a batch).
    UnknownSuggestion,
    /// The suggestion is named by an earlier row of the batch.
    Repeated,
    /// The suggestion's status does not allow it (a row of a batch).
    State(SuggestionStatus),
    /// A consultation's day is in the future or before the assignment.
    HeldOn,
}

impl SuggestionError {
    /// A refusal of one field.
    pub fn field(field: impl Into<String>, issue: Issue) -> Self {
        SuggestionError::Invalid(vec![FieldIssue {
            field: field.into(),
            issue,
        }])
    }

    /// The stable code of the refusal.
    pub const fn code(&self) -> Code {
        match self {
            SuggestionError::InvalidState(_) => Code::InvalidState,
            SuggestionError::AlreadyEvaluated => Code::AlreadyEvaluated,
            SuggestionError::SupervisionNotesMissing => Code::SupervisionNotesMissing,
            SuggestionError::CloseRequirementsUnmet(_) => Code::CloseRequirementsUnmet,
            SuggestionError::RequestPending | SuggestionError::ReassignmentPending => {
                Code::RequestPending
            }
            SuggestionError::ReassignmentWindowClosed => Code::ReassignmentWindowClosed,
            SuggestionError::RequestDecided => Code::RequestDecided,
            SuggestionError::CommitmentClosed => Code::CommitmentClosed,
            SuggestionError::NothingToPassOn => Code::InvalidState,
            SuggestionError::TermEnded => Code::TermEnded,
            SuggestionError::CoUnitOpinionsPending(_) => Code::CoUnitOpinionsPending,
            SuggestionError::ConsultationRequired => Code::ConsultationRequired,
            SuggestionError::AlreadyAnswered => Code::AlreadyAnswered,
            SuggestionError::Invalid(_) => Code::ValidationFailed,
        }
    }
}

impl Issue {
    /// The stable code of the field's problem.
    pub const fn code(self) -> &'static str {
        match self {
            Issue::Blank => "blank",
            Issue::UnknownCategory => "unknown_category",
            Issue::UnknownDeputy | Issue::UnknownUnit | Issue::UnknownSuggestion => "not_found",
            Issue::Repeated => "repeated",
            Issue::State(_) => "invalid_state",
            Issue::SupervisorRequired
            | Issue::ReasonRequired
            | Issue::NewDeadlineRequired
            | Issue::NewLeadUnitRequired => "required",
            Issue::NotALeader => "not_a_leader",
            Issue::CommitmentRequired => "commitment_required",
            Issue::NotAnotherUnit => "invalid",
            Issue::Deadline(_) | Issue::Extension(_) | Issue::CoUnitDeadline | Issue::PassOnDue => {
                "deadline"
            }
            Issue::HeldOn => "date",
        }
    }
}

impl CloseBlocker {
    /// The field that names what is missing, as the refusal lists it.
    pub const fn field(self) -> &'static str {
        match self {
            CloseBlocker::NotEvaluated => "evaluation",
            CloseBlocker::NoVerification => "verifications",
            CloseBlocker::NoSupervisionNotes => "supervision_notes",
            CloseBlocker::NotSignedOff => "signed_off_at",
        }
    }
}
