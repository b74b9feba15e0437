//! Rounds, candidates and the records of the adopted projects, as the
//! domain keeps them, and the change a command on a round makes.

use crate::id::{DeputyId, UnitId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::{CandidateCount, CandidateSource, CandidateStatus, MajorityBase, RoundStage};
use crate::deputy::Level;

/// A round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Round {
    pub id: Uuid,
    pub year: i32,
    /// The congress whose deputies vote: its level and term.
    pub level: Level,
    pub term: String,
    pub title: String,
    /// How many projects the vote adopts.
    pub seats: u32,
    pub secret_ballot: bool,
    pub stage: RoundStage,
    /// How a tie at the cut-off was decided, if there was one.
    pub tie_break: Option<String>,
    /// What a candidate's approvals must exceed half of: the rule in
    /// force when the round was opened.
    pub majority: MajorityBase,
    /// The plenary session the vote was held at: the one of the round's
    /// congress (level and term) open when voting started.
    pub congress_session_id: Option<Uuid>,
    /// The serving deputies of the round's congress when the vote closed:
    /// the quorum's and, counted on the membership, the majority's base.
    pub voting_members: Option<u32>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl Round {
    /// The round as notices and tasks name it.
    pub fn subject(&self) -> crate::notice::Subject {
        crate::notice::Subject {
            kind: crate::notice::SubjectKind::LivelihoodRound,
            id: self.id,
            label: crate::notice::label(None, &self.title),
        }
    }
}

/// A candidate, and once adopted, a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub id: Uuid,
    pub round_id: Uuid,
    pub title: String,
    pub description: String,
    /// Yuan.
    pub estimated_budget: Option<i64>,
    /// The responsible unit.
    pub unit_id: Option<UnitId>,
    pub source: CandidateSource,
    pub proposed_by: Option<UserId>,
    pub proposer_deputy_id: Option<DeputyId>,
    pub status: CandidateStatus,
    pub review_reason: Option<String>,
    pub reviewed_by: Option<UserId>,
    pub approvals: Option<u32>,
    pub against: Option<u32>,
    pub abstentions: Option<u32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl Candidate {
    /// Adopted by the vote (or a tie-break): a project of its unit.
    pub fn is_project(&self) -> bool {
        self.status == CandidateStatus::Adopted
    }
}

/// A progress report of a project's unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub id: Uuid,
    pub candidate_id: Uuid,
    pub percent: i32,
    pub note: String,
    pub reported_on: NaiveDate,
    pub reported_by: UserId,
    pub created_at: DateTime<Utc>,
}

/// A deputy's comment on a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    pub id: Uuid,
    pub candidate_id: Uuid,
    pub deputy_id: DeputyId,
    pub content: String,
    pub created_at: DateTime<Utc>,
}

pub use crate::timeline::Event;

/// A write beside the round that a change makes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Effect {
    /// A shortlisted candidate is decided: adopted, not adopted or tied,
    /// with its count when the vote closes.
    Decided {
        candidate_id: Uuid,
        status: CandidateStatus,
        count: Option<CandidateCount>,
    },
    /// A notification to the people the change concerns.
    Notify(crate::notice::Notice),
}

/// What a command on a round changes: the round as it is after, the
/// timeline event, and the writes beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub after: Round,
    pub event: Event,
    pub effects: Vec<Effect>,
}

/// A candidate as a review leaves it, and the audit action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateChange {
    pub after: Candidate,
    pub action: &'static str,
}
