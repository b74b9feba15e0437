//! Why a command on a round, a candidate or a project is refused, each
//! with a stable code.

use crate::Code;

use super::{BallotProblem, RoundStage};

/// A refused command of the livelihood-project area.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LivelihoodError {
    /// The round's stage does not allow the command.
    #[error("not allowed while the round is {0}")]
    InvalidState(RoundStage),
    /// Something the next stage needs is missing.
    #[error("the round cannot move on: {0:?}")]
    Blocked(RoundBlocker),
    /// The candidates changed while the round was moved on (found under
    /// the store's lock).
    #[error("the candidates changed meanwhile: {0:?}")]
    CandidatesChanged(RoundBlocker),
    /// The caller is not a serving deputy of the round's congress.
    #[error("not a deputy of the round's congress")]
    NotAMember,
    /// Not more than half of the serving deputies cast a ballot: the vote
    /// does not stand.
    #[error("no quorum: {ballots} ballots of {members} deputies")]
    QuorumNotMet { ballots: u32, members: u32 },
    /// The deputy voted in the round already.
    #[error("voted already")]
    AlreadyVoted,
    /// The deputy rated the project already.
    #[error("rated already")]
    AlreadyRated,
    /// The candidate is not a project (not adopted).
    #[error("no such project")]
    NotFound,
    /// Fields of the command's input that the rules refuse.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldIssue>),
}

/// Why a round cannot move on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoundBlocker {
    /// Candidates wait for the review; the first one's title.
    Undecided(String),
    /// The vote needs a shortlisted candidate.
    NothingShortlisted,
    /// A tie at the cut-off waits for the office's decision.
    TiePending,
}

/// One field a rule refuses.
pub type FieldIssue = crate::command::FieldIssue<Issue>;

/// What is wrong with a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Issue {
    /// A required text is empty or only blank characters.
    Blank,
    /// No such unit.
    UnknownUnit,
    /// A shortlisted candidate needs a responsible unit.
    UnitRequired,
    /// A date in the future.
    Future,
    /// The tie-break does not name exactly as many tied candidates as
    /// seats are open (or there is no tie).
    BadTieBreak,
    /// A ballot that does not fit the shortlist or the seats.
    Ballot(BallotProblem),
}

impl LivelihoodError {
    /// A refusal of one field.
    pub fn field(field: impl Into<String>, issue: Issue) -> Self {
        LivelihoodError::Invalid(vec![FieldIssue {
            field: field.into(),
            issue,
        }])
    }

    /// The stable code of the refusal.
    pub const fn code(&self) -> Code {
        match self {
            LivelihoodError::InvalidState(_) => Code::InvalidState,
            LivelihoodError::Blocked(b) | LivelihoodError::CandidatesChanged(b) => b.code(),
            LivelihoodError::NotAMember => Code::Forbidden,
            LivelihoodError::QuorumNotMet { .. } => Code::QuorumNotMet,
            LivelihoodError::AlreadyVoted => Code::AlreadyVoted,
            LivelihoodError::AlreadyRated => Code::AlreadyRated,
            LivelihoodError::NotFound => Code::NotFound,
            LivelihoodError::Invalid(_) => Code::ValidationFailed,
        }
    }
}

impl RoundBlocker {
    /// The stable code of what is missing.
    pub const fn code(&self) -> Code {
        match self {
            RoundBlocker::Undecided(_) => Code::CandidatesUndecided,
            RoundBlocker::NothingShortlisted => Code::NothingShortlisted,
            RoundBlocker::TiePending => Code::TiePending,
        }
    }
}

impl Issue {
    /// The stable code of the field's problem.
    pub const fn code(self) -> &'static str {
        match self {
            Issue::Blank => "blank",
            Issue::UnknownUnit => "not_found",
            Issue::UnitRequired => "required",
            Issue::Future => "future",
            Issue::BadTieBreak => "bad_tie_break",
            Issue::Ballot(BallotProblem::TooManyApprovals { .. }) => "too_many",
            Issue::Ballot(BallotProblem::NotShortlisted(_)) => "not_shortlisted",
            Issue::Ballot(BallotProblem::MarkedTwice(_)) => "marked_twice",
        }
    }
}
