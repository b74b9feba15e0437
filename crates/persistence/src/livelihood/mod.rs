//! Livelihood-project rounds: candidates, ballots (who voted, and the
//! marks, kept apart when the ballot is secret), the tally, and the
//! adopted projects' progress, comments and ratings.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use renda_domain::deputy::Level;
use renda_domain::duty::DutyKind;
use renda_domain::livelihood::{
    CandidateSource, CandidateStatus, Choice, Rating, RoundStage, VoteResult, tally,
};
use renda_domain::supervision::Tally;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, TransactionTrait,
};
use serde::Serialize;
use uuid::Uuid;

use crate::Store;
use crate::audit::{self, AuditCtx};
use crate::duties::{NewDuty, write_duty};
use crate::entities::livelihood_round::{self as lr, Column as C, Entity as RoundEntity};
use crate::entities::{
    livelihood_candidate as lc, livelihood_comment as lcm, livelihood_event as ev,
    livelihood_mark as mk, livelihood_progress as lp, livelihood_rating as rt,
    livelihood_sealed_ballot as sb, livelihood_voter as vt,
};
use crate::error::{StoreError, StoreResult, parse_stored};
use crate::list::{self, ListOptions, Page};

mod ballots;
mod model;
mod projects;
mod rounds;

pub use ballots::*;
use model::*;

const OBJECT: &str = "livelihood_round";

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
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
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
    pub unit_id: Option<Uuid>,
    pub source: CandidateSource,
    pub proposed_by: Option<Uuid>,
    pub proposer_deputy_id: Option<Uuid>,
    pub status: CandidateStatus,
    pub review_reason: Option<String>,
    pub reviewed_by: Option<Uuid>,
    pub approvals: Option<u32>,
    pub against: Option<u32>,
    pub abstentions: Option<u32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// A deputy who voted; the marks only for an open ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Voter {
    pub deputy_id: Uuid,
    pub cast_at: DateTime<Utc>,
    pub marks: Option<Vec<(Uuid, Choice)>>,
}

/// A progress report of a project's unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub id: Uuid,
    pub candidate_id: Uuid,
    pub percent: i32,
    pub note: String,
    pub reported_on: NaiveDate,
    pub reported_by: Uuid,
    pub created_at: DateTime<Utc>,
}

/// A deputy's comment on a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    pub id: Uuid,
    pub candidate_id: Uuid,
    pub deputy_id: Uuid,
    pub content: String,
    pub created_at: DateTime<Utc>,
}

/// The timeline event of a change.
#[derive(Debug, Clone)]
pub struct Event {
    pub action: &'static str,
    pub detail: Option<serde_json::Value>,
}

/// A timeline entry of a round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEntry {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_name: Option<String>,
    pub action: String,
    pub from_stage: Option<RoundStage>,
    pub to_stage: Option<RoundStage>,
    pub detail: Option<serde_json::Value>,
}
