//! Livelihood-project rounds: candidates, ballots (who voted, and the
//! marks, kept apart when the ballot is secret), the tally, and the
//! adopted projects' progress, comments and ratings.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use renda_domain::duty::DutyKind;
use renda_domain::livelihood::{
    self as rules, CandidateStatus, Change, Choice, Effect, Rating, RoundStage, VoteResult,
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
    livelihood_candidate as lc, livelihood_comment as lcm, livelihood_mark as mk,
    livelihood_progress as lp, livelihood_rating as rt, livelihood_sealed_ballot as sb,
    livelihood_voter as vt,
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

pub use renda_domain::livelihood::{Candidate, Comment, Event, Progress, Round};

/// A deputy who voted; the marks only for an open ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Voter {
    pub deputy_id: Uuid,
    pub cast_at: DateTime<Utc>,
    pub marks: Option<Vec<(Uuid, Choice)>>,
}

/// A step of a round's timeline.
pub type TimelineEntry = renda_domain::timeline::Entry<RoundStage>;
