//! Supervision items and the records of their loop. The domain's commands
//! decide what an item becomes (`renda_domain::supervision`); this module
//! writes the [`Change`] they return (the new state, its side records, its
//! timeline event, its outbox event and its audit entry) in one
//! transaction, and only if nobody changed the item meanwhile.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
pub use renda_domain::supervision::{
    Change, Effect, Evaluation, Event, Inquiry, InvestigationRecord, Observation, Opinion, Problem,
    ProblemAnswer, Report, Vote, normalise,
};
use renda_domain::supervision::{
    Method, ObservationStatus, Outcome, ProblemStatus, Satisfaction, Stage, SupervisionItem, Tally,
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
    observation_opinion as obs, supervision_attendance as att, supervision_body as body,
    supervision_body_result as bres, supervision_body_vote as bvote, supervision_evaluation as evl,
    supervision_inquiry as inq, supervision_observer as so, supervision_opinion as op,
    supervision_participant as part, supervision_problem as pb, supervision_record as rec,
    supervision_report as rpt, supervision_vote as vote,
};
use crate::error::{StoreError, StoreResult, parse_stored};
use crate::list::{self, ListOptions, Page};

mod changes;
mod figures;
mod model;
mod reading;
mod writes;

pub use figures::*;
use model::*;
use writes::*;

const OBJECT: &str = "supervision";
pub(crate) const MEMBER: &str = "committee_member";
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

/// A step of an item's timeline.
pub type TimelineEntry = renda_domain::timeline::Entry<Stage>;
