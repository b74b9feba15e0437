//! Units' requests and the office's decisions, commitments of B replies,
//! attachments.

use chrono::{Days, NaiveDate};
use serde_json::json;

use super::command::{CmdResult, blank_issues, change, refuse, require_status, step};
use super::*;

/// A lead unit's request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestInput {
    pub kind: RequestKind,
    pub reason: String,
    /// For an extension: the new deadline asked for.
    pub due_date: Option<NaiveDate>,
}

/// The lead unit asks to hand the suggestion back (within 10 days of
/// assignment) or for more time (never past the law's limit); one request
/// waits at a time.
pub fn request(
    s: &Suggestion,
    input: RequestInput,
    requests: &[UnitRequest],
    ctx: &Ctx,
) -> CmdResult<Change> {
    refuse(blank_issues(&[("reason", &input.reason)]))?;
    require_status(
        s,
        &[SuggestionStatus::Assigned, SuggestionStatus::Rehandling],
    )?;
    if requests.iter().any(|r| r.status == RequestStatus::Pending) {
        return Err(SuggestionError::RequestPending);
    }
    let today = ctx.today;
    let assigned = s.assigned_on.unwrap_or(today);
    match input.kind {
        RequestKind::Reassignment => {
            let window_end = assigned
                .checked_add_days(Days::new(REASSIGN_WINDOW_DAYS))
                .unwrap_or(assigned);
            if today > window_end || s.status != SuggestionStatus::Assigned {
                return Err(SuggestionError::ReassignmentWindowClosed);
            }
        }
        RequestKind::Extension => {
            let Some(wanted) = input.due_date else {
                return Err(SuggestionError::field(
                    "due_date",
                    Issue::NewDeadlineRequired,
                ));
            };
            extension_deadline(assigned, s.color, s.deadline, wanted, today)
                .map_err(|e| SuggestionError::field("due_date", Issue::Extension(e)))?;
        }
    }
    let effects = vec![Effect::Request {
        unit_id: s.lead_unit_id.unwrap_or_default(),
        kind: input.kind,
        reason: input.reason.clone(),
        requested_deadline: input.due_date,
        by: ctx.by.user_id,
    }];
    let detail = json!({"kind": input.kind, "reason": input.reason, "due_date": input.due_date});
    Ok(change(s.clone(), "unit_request", Some(detail), effects))
}

/// The office's decision on a unit's request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub approved: bool,
    pub note: Option<String>,
    /// Approving a re-assignment: the new lead unit (required).
    pub lead_unit_id: Option<UnitId>,
    /// Approving: the new deadline (a re-assignment defaults by colour from
    /// today; an extension to the one asked for).
    pub due_date: Option<NaiveDate>,
}

/// Decides a pending request: approving a re-assignment hands the
/// suggestion to a new lead unit, approving an extension moves the
/// deadline by the same rule the unit asked under.
pub fn decide_request(
    s: &Suggestion,
    req: &UnitRequest,
    decision: Decision,
    new_unit_exists: bool,
    ctx: &Ctx,
) -> CmdResult<Change> {
    if req.status != RequestStatus::Pending {
        return Err(SuggestionError::RequestDecided);
    }
    let today = ctx.today;
    let mut after = s.clone();
    let mut effects = vec![Effect::Decide {
        request_id: req.id,
        approved: decision.approved,
        by: ctx.by.user_id,
        note: decision.note.clone(),
    }];
    if decision.approved {
        match req.kind {
            RequestKind::Reassignment => {
                let status = step(s, Transition::Reassign)?;
                let Some(new_unit) = decision.lead_unit_id else {
                    return Err(SuggestionError::field(
                        "lead_unit_id",
                        Issue::NewLeadUnitRequired,
                    ));
                };
                if Some(new_unit) == s.lead_unit_id || !new_unit_exists {
                    return Err(SuggestionError::field(
                        "lead_unit_id",
                        Issue::NotAnotherUnit,
                    ));
                }
                let color = s.color.unwrap_or(Color::Green);
                let deadline = assignment_deadline(today, color, decision.due_date, ctx.policy)
                    .map_err(|e| SuggestionError::field("due_date", Issue::Deadline(e)))?;
                after.status = status;
                after.lead_unit_id = Some(new_unit);
                after.co_units.retain(|c| c.unit_id != new_unit);
                // The office re-assigns directly: no government office
                // passes it on any more, nor keeps reading it.
                after.pass_on_due = None;
                after.dispatcher_unit_id = None;
                after.assigned_on = Some(today);
                after.assigned_at = Some(ctx.now);
                after.deadline = Some(deadline);
                after.overdue_recorded = false;
                effects.push(Effect::Assignment {
                    lead_unit_id: new_unit,
                    end_reason: Some("reassigned"),
                });
                // The new lead unit learns of it as of an assignment.
                effects.push(notices::notify(
                    &after,
                    crate::notice::NoticeKind::SuggestionAssigned,
                    vec![crate::notice::Recipient::Unit(new_unit)],
                    after.deadline,
                ));
            }
            RequestKind::Extension => {
                require_status(
                    s,
                    &[SuggestionStatus::Assigned, SuggestionStatus::Rehandling],
                )?;
                let assigned = s.assigned_on.unwrap_or(today);
                let wanted = decision
                    .due_date
                    .or(req.requested_deadline)
                    .unwrap_or(assigned);
                let deadline = extension_deadline(assigned, s.color, s.deadline, wanted, today)
                    .map_err(|e| SuggestionError::field("due_date", Issue::Extension(e)))?;
                after.deadline = Some(deadline);
                after.overdue_recorded = false;
            }
        }
    }
    let detail = json!({"request_id": req.id, "kind": req.kind, "approved": decision.approved, "note": decision.note});
    // An approved extension tells its new deadline.
    let due = (decision.approved && req.kind == RequestKind::Extension)
        .then_some(after.deadline)
        .flatten();
    let mut told = notices::notify(
        &after,
        crate::notice::NoticeKind::RequestDecided,
        vec![crate::notice::Recipient::Unit(req.unit_id)],
        due,
    );
    if let Effect::Notify(n) = &mut told {
        n.approved = Some(decision.approved);
    }
    effects.push(told);
    Ok(change(after, "request_decided", Some(detail), effects))
}

/// Progress on an open commitment of a B reply; `fulfilled` closes it.
pub fn update_commitment(
    s: &Suggestion,
    commitment: &Commitment,
    progress: String,
    fulfilled: bool,
) -> CmdResult<Change> {
    refuse(blank_issues(&[("progress", &progress)]))?;
    if commitment.status != CommitmentStatus::Open {
        return Err(SuggestionError::CommitmentClosed);
    }
    let effects = vec![Effect::CommitmentProgress {
        id: commitment.id,
        progress,
        fulfilled,
    }];
    let detail = json!({"commitment_id": commitment.id, "fulfilled": fulfilled});
    Ok(change(
        s.clone(),
        "commitment_progress",
        Some(detail),
        effects,
    ))
}

/// Whether a file of `kind` may be attached now: the deputy's material
/// while drafting, the unit's reply letter while handling.
pub fn may_attach(s: &Suggestion, kind: AttachmentKind) -> CmdResult<()> {
    match kind {
        AttachmentKind::Material => require_status(s, &[SuggestionStatus::Draft]),
        AttachmentKind::ReplyLetter => require_status(
            s,
            &[
                SuggestionStatus::Assigned,
                SuggestionStatus::Rehandling,
                SuggestionStatus::Replied,
            ],
        ),
    }
}

/// Attaches a stored file.
pub fn attach(s: &Suggestion, attachment: Attachment) -> CmdResult<Change> {
    may_attach(s, attachment.kind)?;
    let detail = json!({"attachment_id": attachment.id, "kind": attachment.kind, "file_name": attachment.file_name, "sha256": attachment.sha256});
    Ok(change(
        s.clone(),
        "attachment_added",
        Some(detail),
        vec![Effect::Attachment(attachment)],
    ))
}
