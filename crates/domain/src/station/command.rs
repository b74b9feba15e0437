//! The commands on stations and their reception days: each takes the
//! record as it is, the command's input and the facts the store knows
//! (gathered by the caller), and returns what to save or why it is refused.

use crate::id::DeputyId;
use chrono::{Days, NaiveDate};
use uuid::Uuid;

use super::*;
use crate::duty::{DutyKind, NewDuty};
use crate::text::is_blank;

pub use crate::command::Ctx;

type CmdResult<T> = Result<T, StationError>;

/// The longest matter raised at a reception day, in characters.
pub const MATTER_MAX: usize = 500;

/// How far from today a reception day may be planned, either way.
pub const PLANNING_REACH_DAYS: u64 = 366;

fn issue(field: impl Into<String>, issue: Issue) -> FieldIssue {
    FieldIssue::new(field, issue)
}

fn refuse(issues: Vec<FieldIssue>) -> CmdResult<()> {
    crate::command::refuse(issues, StationError::Invalid)
}

use crate::command::sorted_ids as sorted;

/// What the store knows that bears on a station's fields.
#[derive(Debug, Clone, Default)]
pub struct StationFacts {
    /// Which of the deputies named are on record.
    pub existing_deputies: Vec<DeputyId>,
    /// The ancestry of the parent named, if one is.
    pub parent: Option<Ancestry>,
}

fn unknown_deputies(ids: &[DeputyId], facts: &StationFacts) -> Vec<FieldIssue> {
    ids.iter()
        .enumerate()
        .filter(|(_, d)| !facts.existing_deputies.contains(d))
        .map(|(i, _)| issue(format!("deputy_ids[{i}]"), Issue::UnknownDeputy))
        .collect()
}

fn parent_issue(id: Option<Uuid>, facts: &StationFacts) -> Option<FieldIssue> {
    let problem = parent_problem(id, facts.parent.as_ref()?)?;
    Some(issue("parent_id", Issue::Parent(problem)))
}

/// A new station.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationInput {
    pub kind: StationKind,
    pub name: String,
    pub address: Option<String>,
    pub parent_id: Option<Uuid>,
    pub contact_person: Option<String>,
    pub contact_phone: Option<String>,
    pub description: Option<String>,
    pub deputy_ids: Vec<DeputyId>,
}

/// Opens a station.
pub fn open(input: StationInput, facts: &StationFacts, ctx: &Ctx) -> CmdResult<Station> {
    let mut issues = unknown_deputies(&input.deputy_ids, facts);
    if is_blank(&input.name) {
        issues.push(issue("name", Issue::Blank));
    }
    issues.extend(parent_issue(None, facts));
    refuse(issues)?;
    Ok(Station {
        id: (ctx.new_id)(),
        kind: input.kind,
        name: input.name.trim().to_owned(),
        address: input.address,
        parent_id: input.parent_id,
        contact_person: input.contact_person,
        contact_phone: input.contact_phone,
        description: input.description,
        deputy_ids: sorted(input.deputy_ids),
        created_at: ctx.now,
        updated_at: ctx.now,
        deleted_at: None,
        version: 1,
    })
}

/// A change to a station: absent fields stay; the optional ones may be
/// cleared.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StationPatch {
    pub kind: Option<StationKind>,
    pub name: Option<String>,
    pub address: Option<Option<String>>,
    pub parent_id: Option<Option<Uuid>>,
    pub contact_person: Option<Option<String>>,
    pub contact_phone: Option<Option<String>>,
    pub description: Option<Option<String>>,
    pub deputy_ids: Option<Vec<DeputyId>>,
}

/// Changes a station; `None` when the patch changes nothing.
pub fn update(
    s: &Station,
    patch: StationPatch,
    facts: &StationFacts,
) -> CmdResult<Option<Station>> {
    let mut issues = Vec::new();
    if patch.name.as_deref().is_some_and(is_blank) {
        issues.push(issue("name", Issue::Blank));
    }
    if let Some(d) = &patch.deputy_ids {
        issues.extend(unknown_deputies(d, facts));
    }
    if matches!(patch.parent_id, Some(Some(_))) {
        issues.extend(parent_issue(Some(s.id), facts));
    }
    refuse(issues)?;
    let mut after = s.clone();
    if let Some(v) = patch.kind {
        after.kind = v;
    }
    if let Some(v) = patch.name {
        after.name = v.trim().to_owned();
    }
    if let Some(v) = patch.address {
        after.address = v;
    }
    if let Some(v) = patch.parent_id {
        after.parent_id = v;
    }
    if let Some(v) = patch.contact_person {
        after.contact_person = v;
    }
    if let Some(v) = patch.contact_phone {
        after.contact_phone = v;
    }
    if let Some(v) = patch.description {
        after.description = v;
    }
    if let Some(v) = patch.deputy_ids {
        after.deputy_ids = sorted(v);
    }
    Ok((after != *s).then_some(after))
}

/// Closes a station; one with live stations below it stays.
pub fn close(s: &Station, live_children: u64, ctx: &Ctx) -> CmdResult<Station> {
    if live_children > 0 {
        return Err(StationError::HasChildren);
    }
    let mut after = s.clone();
    after.deleted_at = Some(ctx.now);
    Ok(after)
}

/// A reception day to plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceptionInput {
    pub day: NaiveDate,
    pub hours: Option<String>,
    pub topic: Option<String>,
    pub deputy_ids: Vec<DeputyId>,
}

/// Plans a reception day at a station: the deputies on duty are assigned
/// to it, and the day is within a year of today either way.
pub fn plan_reception(s: &Station, input: ReceptionInput, ctx: &Ctx) -> CmdResult<ReceptionDay> {
    let mut issues: Vec<FieldIssue> = input
        .deputy_ids
        .iter()
        .enumerate()
        .filter(|(_, d)| !s.deputy_ids.contains(d))
        .map(|(i, _)| issue(format!("deputy_ids[{i}]"), Issue::NotAssigned))
        .collect();
    let reach = Days::new(PLANNING_REACH_DAYS);
    let earliest = ctx.today.checked_sub_days(reach).unwrap_or(NaiveDate::MIN);
    let latest = ctx.today.checked_add_days(reach).unwrap_or(NaiveDate::MAX);
    if input.day < earliest || input.day > latest {
        issues.push(issue("day", Issue::DayOutOfRange));
    }
    refuse(issues)?;
    Ok(ReceptionDay {
        id: (ctx.new_id)(),
        station_id: s.id,
        day: input.day,
        hours: input.hours,
        topic: input.topic,
        deputy_ids: sorted(input.deputy_ids),
        people_received: None,
        matters: Vec::new(),
        recorded_at: None,
        recorded_by: None,
        created_at: ctx.now,
        updated_at: ctx.now,
        version: 1,
    })
}

/// What happened at a reception day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceptionRecord {
    pub people_received: i32,
    pub matters: Vec<String>,
}

/// A recorded reception day and the duty of every deputy on duty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub after: ReceptionDay,
    pub duties: Vec<NewDuty>,
}

/// Records what happened at a reception day, once, on or after the day.
/// Every deputy on duty is credited with serving it at `station_name`.
pub fn record_reception(
    d: &ReceptionDay,
    station_name: &str,
    input: ReceptionRecord,
    ctx: &Ctx,
) -> CmdResult<Recorded> {
    refuse(
        input
            .matters
            .iter()
            .enumerate()
            .filter(|(_, m)| is_blank(m) || m.chars().count() > MATTER_MAX)
            .map(|(i, _)| issue(format!("matters[{i}]"), Issue::MatterLength))
            .collect(),
    )?;
    if d.recorded_at.is_some() {
        return Err(StationError::AlreadyRecorded);
    }
    if d.day > ctx.today {
        return Err(StationError::NotHeldYet);
    }
    let mut after = d.clone();
    after.people_received = Some(input.people_received);
    after.matters = input.matters.iter().map(|m| m.trim().to_owned()).collect();
    after.recorded_at = Some(ctx.now);
    after.recorded_by = Some(ctx.user_id);
    let title = format!(
        "{}接待日",
        station_name.chars().take(190).collect::<String>()
    );
    let duties = after
        .deputy_ids
        .iter()
        .map(|deputy| NewDuty {
            deputy_id: *deputy,
            kind: DutyKind::ReceptionServed,
            occurred_on: after.day,
            title: title.clone(),
            content: after.topic.clone(),
            ref_type: Some("reception_day"),
            ref_id: Some(after.id),
        })
        .collect();
    Ok(Recorded { after, duties })
}
