//! The commands on activities and the needs list: each takes the record as
//! it is, the command's input and the facts the store knows (gathered by
//! the caller), and returns what to save or why it is refused.

use crate::id::{DeputyId, UserId};
use chrono::{Days, NaiveDate};
use uuid::Uuid;

use super::*;
use crate::duty::{DutyKind, NewDuty};
use crate::text::is_blank;

pub use crate::command::Ctx;

type CmdResult<T> = Result<T, ActivityError>;

/// How far from today an activity may be planned, either way.
pub const PLANNING_REACH_DAYS: u64 = 366;

fn issue(field: impl Into<String>, issue: Issue) -> FieldIssue {
    FieldIssue::new(field, issue)
}

fn refuse(issues: Vec<FieldIssue>) -> CmdResult<()> {
    crate::command::refuse(issues, ActivityError::Invalid)
}

use crate::command::sorted_ids as sorted;

fn unknown_deputies(field: &str, ids: &[DeputyId], existing: &[DeputyId]) -> Vec<FieldIssue> {
    ids.iter()
        .enumerate()
        .filter(|(_, d)| !existing.contains(d))
        .map(|(i, _)| issue(format!("{field}[{i}]"), Issue::UnknownDeputy))
        .collect()
}

/// The rules of an activity's fields; the day is checked against today
/// only when it is new (`day_from`).
fn activity_issues(a: &Activity, day_from: Option<NaiveDate>) -> Vec<FieldIssue> {
    let mut issues: Vec<FieldIssue> = [
        ("title", &a.title),
        ("place", &a.place),
        ("organiser", &a.organiser),
    ]
    .into_iter()
    .filter(|(_, v)| is_blank(v))
    .map(|(f, _)| issue(f, Issue::Blank))
    .collect();
    if a.kind == ActivityKind::ServiceBrand && a.brand.as_deref().is_none_or(is_blank) {
        issues.push(issue("brand", Issue::BrandRequired));
    }
    if let Some(today) = day_from {
        let reach = Days::new(PLANNING_REACH_DAYS);
        let earliest = today.checked_sub_days(reach).unwrap_or(NaiveDate::MIN);
        let latest = today.checked_add_days(reach).unwrap_or(NaiveDate::MAX);
        if a.day < earliest || a.day > latest {
            issues.push(issue("day", Issue::DayOutOfRange));
        }
    }
    issues
}

/// A new activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityInput {
    pub kind: ActivityKind,
    pub brand: Option<String>,
    pub title: String,
    pub description: Option<String>,
    pub day: NaiveDate,
    pub place: String,
    pub organiser: String,
    pub invited_deputy_ids: Vec<DeputyId>,
}

/// Plans an activity; `existing_deputies` are those of the invited on
/// record.
pub fn plan(
    input: ActivityInput,
    existing_deputies: &[DeputyId],
    ctx: &Ctx,
) -> CmdResult<Activity> {
    let a = Activity {
        id: (ctx.new_id)(),
        kind: input.kind,
        brand: input.brand.map(|x| x.trim().to_owned()),
        title: input.title.trim().to_owned(),
        description: input.description,
        day: input.day,
        place: input.place.trim().to_owned(),
        organiser: input.organiser.trim().to_owned(),
        invited: sorted(input.invited_deputy_ids.clone()),
        created_by: ctx.user_id,
        created_at: ctx.now,
        updated_at: ctx.now,
        version: 1,
    };
    let mut issues = activity_issues(&a, Some(ctx.today));
    issues.extend(unknown_deputies(
        "invited_deputy_ids",
        &input.invited_deputy_ids,
        existing_deputies,
    ));
    refuse(issues)?;
    Ok(a)
}

/// A change to an activity: absent fields stay; brand and description may
/// be cleared.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityPatch {
    pub kind: Option<ActivityKind>,
    pub brand: Option<Option<String>>,
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    pub day: Option<NaiveDate>,
    pub place: Option<String>,
    pub organiser: Option<String>,
    pub invited_deputy_ids: Option<Vec<DeputyId>>,
}

/// What the store knows that bears on a change of an activity.
#[derive(Debug, Clone, Default)]
pub struct ActivityFacts {
    /// Which of the invited named are deputies on record.
    pub existing_deputies: Vec<DeputyId>,
    /// Whether any deputy has checked in.
    pub checked_in: bool,
}

/// Changes an activity; `None` when the patch changes nothing.
pub fn update(
    a: &Activity,
    patch: ActivityPatch,
    facts: &ActivityFacts,
    ctx: &Ctx,
) -> CmdResult<Option<Activity>> {
    let mut after = a.clone();
    if let Some(v) = patch.kind {
        after.kind = v;
    }
    if let Some(v) = patch.brand {
        after.brand = v;
    }
    if let Some(v) = patch.title {
        after.title = v.trim().to_owned();
    }
    if let Some(v) = patch.description {
        after.description = v;
    }
    if let Some(v) = patch.day {
        after.day = v;
    }
    if let Some(v) = patch.place {
        after.place = v.trim().to_owned();
    }
    if let Some(v) = patch.organiser {
        after.organiser = v.trim().to_owned();
    }
    let mut issues = Vec::new();
    if let Some(v) = patch.invited_deputy_ids {
        issues.extend(unknown_deputies(
            "invited_deputy_ids",
            &v,
            &facts.existing_deputies,
        ));
        after.invited = sorted(v);
    }
    let new_day = after.day != a.day;
    issues.extend(activity_issues(&after, new_day.then_some(ctx.today)));
    refuse(issues)?;
    if after == *a {
        return Ok(None);
    }
    if new_day && facts.checked_in {
        return Err(ActivityError::AttendanceRecorded);
    }
    Ok(Some(after))
}

/// A deputy signs up for an activity, up to its day.
pub fn sign_up(a: &Activity, ctx: &Ctx) -> CmdResult<()> {
    if a.day < ctx.today {
        return Err(ActivityError::Over);
    }
    Ok(())
}

/// Check-ins to record, each with the deputy's duty; the store records
/// those not checked in yet and writes their duties.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckIns {
    /// Staff who recorded the attendance; `None` when the deputy checked in.
    pub by: Option<UserId>,
    pub duties: Vec<NewDuty>,
}

fn check_ins(a: &Activity, deputies: &[DeputyId], by: Option<UserId>) -> CheckIns {
    CheckIns {
        by,
        duties: sorted(deputies.to_vec())
            .into_iter()
            .map(|d| NewDuty {
                deputy_id: d,
                kind: DutyKind::ActivityAttended,
                occurred_on: a.day,
                title: a.title.clone(),
                content: a.brand.clone(),
                ref_type: Some("activity"),
                ref_id: Some(a.id),
            })
            .collect(),
    }
}

/// A deputy checks in, on the activity's day only.
pub fn check_in(a: &Activity, deputy: Uuid, ctx: &Ctx) -> CmdResult<CheckIns> {
    if !check_in_open(a.day, ctx.today) {
        return Err(ActivityError::CheckInClosed);
    }
    Ok(check_ins(a, &[deputy.into()], None))
}

/// Staff record who attended, on or after the activity's day;
/// `existing_deputies` are those named that are on record.
pub fn record_attendance(
    a: &Activity,
    deputies: &[DeputyId],
    existing_deputies: &[DeputyId],
    ctx: &Ctx,
) -> CmdResult<CheckIns> {
    refuse(unknown_deputies("deputy_ids", deputies, existing_deputies))?;
    if a.day > ctx.today {
        return Err(ActivityError::NotHeld);
    }
    Ok(check_ins(a, deputies, Some(ctx.user_id)))
}

// ---------------------------------------------------------------- needs

/// A need to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedInput {
    pub requester: String,
    pub requester_kind: RequesterKind,
    pub content: String,
    pub contact_phone: Option<String>,
}

/// Records a need; it is open until matched.
pub fn record_need(input: NeedInput, ctx: &Ctx) -> CmdResult<Need> {
    refuse(
        [("requester", &input.requester), ("content", &input.content)]
            .into_iter()
            .filter(|(_, v)| is_blank(v))
            .map(|(f, _)| issue(f, Issue::Blank))
            .collect(),
    )?;
    Ok(Need {
        id: (ctx.new_id)(),
        requester: input.requester.trim().to_owned(),
        requester_kind: input.requester_kind,
        content: input.content,
        contact_phone: input.contact_phone,
        status: NeedStatus::Open,
        activity_id: None,
        deputy_id: None,
        close_note: None,
        created_by: ctx.user_id,
        created_at: ctx.now,
        updated_at: ctx.now,
        version: 1,
    })
}

/// What a need is matched to, and whether each exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatchInput {
    pub activity_id: Option<Uuid>,
    pub deputy_id: Option<DeputyId>,
    pub activity_known: bool,
    pub deputy_known: bool,
}

/// Matches a need to an activity, a deputy or both, until it is met
/// (matching again replaces the match).
pub fn match_need(n: &Need, m: MatchInput) -> CmdResult<Need> {
    if m.activity_id.is_none() && m.deputy_id.is_none() {
        return Err(ActivityError::Invalid(vec![issue(
            "deputy_id",
            Issue::MatchRequired,
        )]));
    }
    let mut issues = Vec::new();
    if m.activity_id.is_some() && !m.activity_known {
        issues.push(issue("activity_id", Issue::UnknownActivity));
    }
    if m.deputy_id.is_some() && !m.deputy_known {
        issues.push(issue("deputy_id", Issue::UnknownDeputy));
    }
    refuse(issues)?;
    if n.status == NeedStatus::Met {
        return Err(ActivityError::NeedState(n.status));
    }
    let mut after = n.clone();
    after.status = NeedStatus::Matched;
    after.activity_id = m.activity_id;
    after.deputy_id = m.deputy_id;
    Ok(after)
}

/// Closes a matched need as met, saying how.
pub fn close_need(n: &Need, note: String) -> CmdResult<Need> {
    if is_blank(&note) {
        return Err(ActivityError::Invalid(vec![issue("note", Issue::Blank)]));
    }
    if n.status != NeedStatus::Matched {
        return Err(ActivityError::NeedState(n.status));
    }
    let mut after = n.clone();
    after.status = NeedStatus::Met;
    after.close_note = Some(note);
    Ok(after)
}
