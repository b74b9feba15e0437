//! Handing suggestions out (交办) as offices do it: many at once at a
//! handing-out meeting (交办会), all or none, and through a government
//! office (政府办/督查室) that passes its suggestions on to its departments
//! (分办) by a deadline.

use chrono::Days;
use serde_json::json;
use uuid::Uuid;

use super::command::{CO_UNIT_LEAD_DAYS, change, require_status};
use super::*;

/// A handing-out meeting (交办会) and what it handed out.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AssignmentBatch {
    pub id: Uuid,
    /// E.g. `第十八届第五次会议代表建议交办会`.
    pub title: String,
    pub meeting_date: NaiveDate,
    /// The session whose suggestions it handed out, if one.
    pub congress_session_id: Option<Uuid>,
    /// The office's document that went with the list.
    pub document_number: Option<String>,
    /// How many suggestions it handed out.
    pub item_count: i32,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// A batch to hand out: the meeting, and its rows.
#[derive(Debug, Clone)]
pub struct BatchInput<'a> {
    pub id: Uuid,
    pub title: String,
    pub meeting_date: NaiveDate,
    pub congress_session_id: Option<Uuid>,
    pub document_number: Option<String>,
    pub rows: Vec<BatchRow<'a>>,
}

/// One row of a batch: the suggestion (`None` when no such suggestion
/// exists), its assignment, and whether the supervisor it names is an
/// active leader (`None` when it names none).
#[derive(Debug, Clone)]
pub struct BatchRow<'a> {
    pub suggestion: Option<&'a Suggestion>,
    pub assignment: AssignInput,
    pub supervisor_is_leader: Option<bool>,
}

/// Hands out every suggestion of a batch, or none: each row is
/// [`assign`]ed as one call would, and the batch is refused when any row
/// is, naming each refused field as `items[row].field`.
pub fn hand_out(
    input: BatchInput,
    existing_units: &[UnitId],
    ctx: &Ctx,
) -> CmdResult<(AssignmentBatch, Vec<Change>)> {
    let mut changes = Vec::new();
    let mut issues = Vec::new();
    let mut seen: Vec<Uuid> = Vec::new();
    let id = input.id;
    for (row, r) in input.rows.into_iter().enumerate() {
        let at = |field: &str| format!("items[{row}].{field}");
        let facts = AssignFacts {
            existing_units: existing_units.to_vec(),
            supervisor_is_leader: r.supervisor_is_leader,
        };
        let Some(s) = r.suggestion else {
            issues.push(FieldIssue::new(
                at("suggestion_id"),
                Issue::UnknownSuggestion,
            ));
            continue;
        };
        if seen.contains(&s.id) {
            issues.push(FieldIssue::new(at("suggestion_id"), Issue::Repeated));
            continue;
        }
        seen.push(s.id);
        match assign(s, r.assignment, &facts, ctx) {
            Ok(mut c) => {
                c.after.assignment_batch_id = Some(id);
                if let Some(d) = c.event.detail.as_mut() {
                    d["batch_id"] = json!(id);
                }
                changes.push(c);
            }
            Err(SuggestionError::InvalidState(status)) => {
                issues.push(FieldIssue::new(at("suggestion_id"), Issue::State(status)));
            }
            Err(SuggestionError::Invalid(fields)) => issues.extend(
                fields
                    .into_iter()
                    .map(|f| FieldIssue::new(at(&f.field), f.issue)),
            ),
            Err(other) => return Err(other),
        }
    }
    super::command::refuse(issues)?;
    let batch = AssignmentBatch {
        id,
        title: input.title.trim().to_owned(),
        meeting_date: input.meeting_date,
        congress_session_id: input.congress_session_id,
        document_number: input.document_number,
        item_count: i32::try_from(changes.len()).unwrap_or(i32::MAX),
        created_by: ctx.by.user_id,
        created_at: ctx.now,
        updated_at: ctx.now,
        version: 1,
    };
    Ok((batch, changes))
}

/// Where a government office passes a suggestion on to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassOnInput {
    pub lead_unit_id: UnitId,
    pub co_unit_ids: Vec<UnitId>,
}

/// The lead unit, a government office, passes a suggestion assigned to
/// it for passing on to one of its departments (and co-units). The reply
/// deadline stays; the office keeps reading the suggestion.
pub fn pass_on(
    s: &Suggestion,
    input: PassOnInput,
    existing_units: &[UnitId],
    ctx: &Ctx,
) -> CmdResult<Change> {
    require_status(s, &[SuggestionStatus::Assigned])?;
    let (Some(due), Some(office)) = (s.pass_on_due, s.lead_unit_id) else {
        return Err(SuggestionError::NothingToPassOn);
    };
    let mut issues = Vec::new();
    if input.lead_unit_id == office || !existing_units.contains(&input.lead_unit_id) {
        issues.push(FieldIssue::new("lead_unit_id", Issue::NotAnotherUnit));
    }
    let mut co: Vec<UnitId> = Vec::new();
    for (i, u) in input.co_unit_ids.iter().enumerate() {
        if *u == input.lead_unit_id || co.contains(u) {
            continue;
        }
        if *u == office || !existing_units.contains(u) {
            issues.push(FieldIssue::new(
                format!("co_unit_ids[{i}]"),
                Issue::NotAnotherUnit,
            ));
        }
        co.push(*u);
    }
    super::command::refuse(issues)?;
    let deadline = s.deadline.unwrap_or(ctx.today);
    let co_deadline = deadline
        .checked_sub_days(Days::new(CO_UNIT_LEAD_DAYS))
        .filter(|d| *d >= ctx.today)
        .unwrap_or(deadline);
    let mut after = s.clone();
    after.lead_unit_id = Some(input.lead_unit_id);
    after.dispatcher_unit_id = Some(office);
    after.pass_on_due = None;
    after.co_units.retain(|c| c.unit_id != input.lead_unit_id);
    for u in &co {
        if !after.co_units.iter().any(|c| c.unit_id == *u) {
            after.co_units.push(CoUnit {
                unit_id: *u,
                deadline: Some(co_deadline),
                opinion: None,
                opinion_at: None,
            });
        }
    }
    let detail = json!({
        "from_unit_id": office,
        "lead_unit_id": input.lead_unit_id,
        "co_unit_ids": co,
        "late": ctx.today > due,
    });
    let mut effects = vec![Effect::Assignment {
        lead_unit_id: input.lead_unit_id,
        end_reason: Some("passed_on"),
    }];
    effects.extend(super::notices::assignment_notices(&after));
    Ok(change(after, "passed_on", Some(detail), effects))
}
