//! Liaison stations (代表之家、代表联络站、代表联系点) and constituent
//! opinions (群众意见) left there or online.

string_enum! {
    /// The kind of a station.
    pub enum StationKind : "station kind" {
        /// 代表之家
        Home = "home",
        /// 代表联络站
        Station = "station",
        /// 代表联系点
        Point = "point",
    }
}

pub use crate::opinion::OpinionStatus;

use crate::id::{DeputyId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::Code;

mod command;
#[cfg(test)]
mod command_tests;

pub use command::*;

/// A station.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Station {
    pub id: Uuid,
    pub kind: StationKind,
    pub name: String,
    pub address: Option<String>,
    pub parent_id: Option<Uuid>,
    pub contact_person: Option<String>,
    pub contact_phone: Option<String>,
    pub description: Option<String>,
    /// Deputies assigned to the station, sorted.
    pub deputy_ids: Vec<DeputyId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub version: i32,
}

/// A reception day at a station.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReceptionDay {
    pub id: Uuid,
    pub station_id: Uuid,
    pub day: NaiveDate,
    /// Opening hours, e.g. "09:00-11:30".
    pub hours: Option<String>,
    pub topic: Option<String>,
    /// Deputies on duty, sorted.
    pub deputy_ids: Vec<DeputyId>,
    pub people_received: Option<i32>,
    pub matters: Vec<String>,
    pub recorded_at: Option<DateTime<Utc>>,
    pub recorded_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// The longest chain of stations walked; a tree deeper than any office
/// keeps (county, township, village, ...) is taken as damaged.
pub const MAX_DEPTH: usize = 64;

/// The stations above a proposed parent, as the store found them: the
/// parent first, then its parent and so on up to the top, at most
/// [`MAX_DEPTH`] + 1 of them; `Missing` when a link is not (or no longer)
/// a live station.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ancestry {
    Found(Vec<Uuid>),
    Missing,
}

/// Why a parent cannot be taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParentProblem {
    /// The station would sit below itself (or the chain is deeper than
    /// [`MAX_DEPTH`], as only a loop already stored makes it).
    Cycle,
    /// The parent, or a station above it, is not a live station.
    Gone,
}

/// Whether station `id` (none for a new one) may sit below the parent
/// whose ancestry is given.
pub fn parent_problem(id: Option<Uuid>, ancestry: &Ancestry) -> Option<ParentProblem> {
    match ancestry {
        Ancestry::Missing => Some(ParentProblem::Gone),
        Ancestry::Found(chain) => (chain.len() > MAX_DEPTH
            || id.is_some_and(|id| chain.contains(&id)))
        .then_some(ParentProblem::Cycle),
    }
}

/// A refused command on a station or a reception day.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StationError {
    /// Stations still sit below the station to close.
    #[error("stations sit below it")]
    HasChildren,
    /// The reception day is recorded already.
    #[error("recorded already")]
    AlreadyRecorded,
    /// The reception day has not come.
    #[error("the day has not come")]
    NotHeldYet,
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
    /// No such deputy.
    UnknownDeputy,
    /// The parent cannot be taken.
    Parent(ParentProblem),
    /// The deputy is not assigned to the station.
    NotAssigned,
    /// A reception day more than a year from today.
    DayOutOfRange,
    /// A matter raised is blank or longer than [`MATTER_MAX`] characters.
    MatterLength,
}

impl StationError {
    /// The stable code of the refusal.
    pub const fn code(&self) -> Code {
        match self {
            StationError::HasChildren => Code::StationHasChildren,
            StationError::AlreadyRecorded => Code::AlreadyRecorded,
            StationError::NotHeldYet => Code::NotHeldYet,
            StationError::Invalid(_) => Code::ValidationFailed,
        }
    }
}

impl Issue {
    /// The stable code of the field's problem.
    pub const fn code(self) -> &'static str {
        match self {
            Issue::Blank => "blank",
            Issue::UnknownDeputy | Issue::Parent(ParentProblem::Gone) => "not_found",
            Issue::Parent(ParentProblem::Cycle) => "cycle",
            Issue::NotAssigned => "not_assigned",
            Issue::DayOutOfRange => "out_of_range",
            Issue::MatterLength => "length",
        }
    }
}
