//! The commands on a suggestion: each takes the suggestion as it is, the
//! command's input, the facts the store knows (gathered by the caller),
//! who acts and when, and returns the [`Change`] to save or why it is
//! refused. Nothing here reads or writes anything.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use super::notices::notify;
use super::*;
use crate::congress::{CongressSession, SessionStatus, chinese_number};
use crate::duty::{DutyKind, NewDuty};
use crate::notice::{NoticeKind, Recipient};
use crate::text::is_blank;

/// Who gives a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct By {
    pub user_id: UserId,
    /// The deputy the account speaks for, if any.
    pub deputy_id: Option<DeputyId>,
    /// The unit the account works for, if any.
    pub unit_id: Option<UnitId>,
}

/// Who acts, when, and under which deadline policy.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub by: By,
    pub now: DateTime<Utc>,
    /// Today in China Standard Time.
    pub today: NaiveDate,
    pub policy: &'a HandlingPolicy,
}

pub(super) type CmdResult<T> = Result<T, SuggestionError>;

pub(super) fn step(s: &Suggestion, op: Transition) -> CmdResult<SuggestionStatus> {
    next_status(s.status, op, s.color).map_err(|e| SuggestionError::InvalidState(e.from))
}

pub(super) fn require_status(s: &Suggestion, allowed: &[SuggestionStatus]) -> CmdResult<()> {
    if allowed.contains(&s.status) {
        Ok(())
    } else {
        Err(SuggestionError::InvalidState(s.status))
    }
}

pub(super) fn blank_issues(fields: &[(&str, &str)]) -> Vec<FieldIssue> {
    crate::command::blank_fields(fields, Issue::Blank)
}

pub(super) fn refuse(issues: Vec<FieldIssue>) -> CmdResult<()> {
    crate::command::refuse(issues, SuggestionError::Invalid)
}

pub(super) fn change(
    after: Suggestion,
    action: &'static str,
    detail: Option<serde_json::Value>,
    effects: Vec<Effect>,
) -> Change {
    Change {
        after,
        event: Event { action, detail },
        effects,
    }
}

/// The timeline detail of an optional remark.
fn note_detail(note: Option<String>) -> Option<serde_json::Value> {
    note.filter(|n| !is_blank(n)).map(|n| json!({"note": n}))
}

/// Submits (files) a draft: a duty of the lead deputy and of every
/// confirmed co-signer; co-signers who have not answered drop out
/// (`lapsed`). Filed while `open_session` (the open session of the lead
/// deputy's level, as the store knows it) sits, the suggestion belongs to
/// that session: its term, session and timing become the session's, and
/// it will be numbered in the session's series. A lead deputy whose terms
/// have all ended (`lead_term_ended`) files nothing new.
pub fn submit(
    s: &Suggestion,
    note: Option<String>,
    open_session: Option<&CongressSession>,
    lead_term_ended: bool,
    ctx: &Ctx,
) -> CmdResult<Change> {
    if lead_term_ended && s.status == SuggestionStatus::Draft {
        return Err(SuggestionError::TermEnded);
    }
    let mut after = s.clone();
    after.status = step(s, Transition::Submit)?;
    after.submitted_at = Some(ctx.now);
    let mut detail = note.filter(|n| !is_blank(n)).map(|n| json!({"note": n}));
    if let Some(session) = open_session.filter(|o| o.status == SessionStatus::Open) {
        after.congress_session_id = Some(session.id);
        after.term = session.term.clone();
        after.session = Some(format!("第{}次会议", chinese_number(session.number)));
        after.timing = SessionTiming::DuringSession;
        let d = detail.get_or_insert_with(|| json!({}));
        d["congress_session_id"] = json!(session.id);
        d["congress_session"] = json!(session.name());
    }
    let mut lapsed = Vec::new();
    for c in &mut after.co_signers {
        if c.status == CoSignatureStatus::Invited {
            c.status = CoSignatureStatus::Lapsed;
            c.withdrawn_at = Some(ctx.now);
            lapsed.push(c.deputy_id);
        }
    }
    if !lapsed.is_empty() {
        detail.get_or_insert_with(|| json!({}))["lapsed_co_signers"] = json!(lapsed);
    }
    let duty = |deputy_id, kind| {
        Effect::Duty(NewDuty {
            deputy_id,
            kind,
            occurred_on: ctx.today,
            title: s.title.clone(),
            content: None,
            ref_type: Some("suggestion"),
            ref_id: Some(s.id),
        })
    };
    let mut effects = vec![duty(s.lead_deputy_id, DutyKind::SuggestionSubmitted)];
    effects.extend(
        after
            .active_co_signers()
            .map(|d| duty(d, DutyKind::SuggestionCoSigned)),
    );
    if after.status == SuggestionStatus::Submitted {
        effects.push(notify(
            &after,
            NoticeKind::SuggestionSubmitted,
            vec![Recipient::Role(crate::Role::Staff)],
            None,
        ));
    }
    Ok(change(after, "submitted", detail, effects))
}

/// The caller, a named co-signer, answers the invitation before
/// submission: `agree` confirms; otherwise they decline, or withdraw a
/// confirmation given earlier. Answering the same way twice changes
/// nothing (`None`). Who declined or withdrew takes part again only if
/// the lead deputy names them anew.
pub fn answer_co_signature(
    s: &Suggestion,
    agree: bool,
    note: Option<String>,
    ctx: &Ctx,
) -> CmdResult<Option<Change>> {
    use CoSignatureStatus as S;
    require_status(s, &[SuggestionStatus::Draft])?;
    let me = ctx.by.deputy_id;
    let mut after = s.clone();
    let mut action = if agree {
        "co_signature_confirmed"
    } else {
        "co_signature_declined"
    };
    for c in after
        .co_signers
        .iter_mut()
        .filter(|c| Some(c.deputy_id) == me)
    {
        match (c.status, agree) {
            (S::Invited, true) => {
                c.status = S::Confirmed;
                c.confirmed_at = Some(ctx.now);
            }
            (S::Invited, false) => {
                c.status = S::Declined;
                c.withdrawn_at = Some(ctx.now);
            }
            (S::Confirmed, false) => {
                c.status = S::Withdrawn;
                c.withdrawn_at = Some(ctx.now);
                action = "co_signature_withdrawn";
            }
            _ => {}
        }
    }
    if after == *s {
        return Ok(None);
    }
    let detail = json!({"deputy_id": me, "note": note});
    Ok(Some(change(after, action, Some(detail), vec![])))
}

/// Registers (立案) a submitted suggestion; the store gives its number.
pub fn register(s: &Suggestion, note: Option<String>, ctx: &Ctx) -> CmdResult<Change> {
    let mut after = s.clone();
    after.status = step(s, Transition::Register)?;
    after.registered_at = Some(ctx.now);
    let to = vec![Recipient::Deputy(s.lead_deputy_id)];
    let effects = vec![notify(&after, NoticeKind::SuggestionRegistered, to, None)];
    Ok(change(after, "registered", note_detail(note), effects))
}

/// Declines to register (不予立案), with a reason. Final. With
/// `letter_to` (a unit, and whether it exists) the submission goes to
/// that unit as a letter for its reference (转来信) in the same step.
pub fn reject(
    s: &Suggestion,
    reason: String,
    letter_to: Option<(UnitId, bool)>,
    ctx: &Ctx,
) -> CmdResult<Change> {
    refuse(blank_issues(&[("reason", &reason)]))?;
    if letter_to.is_some_and(|(_, exists)| !exists) {
        return Err(SuggestionError::field("letter_unit_id", Issue::UnknownUnit));
    }
    let mut after = s.clone();
    after.status = step(s, Transition::Reject)?;
    after.reject_reason = Some(reason.clone());
    let mut detail = json!({"reason": reason});
    if let Some((unit_id, _)) = letter_to {
        after.letter = Some(Letter {
            unit_id,
            passed_at: ctx.now,
            acknowledged_at: None,
            acknowledgement: None,
        });
        detail["letter_unit_id"] = json!(unit_id);
    }
    let to = vec![Recipient::Deputy(s.lead_deputy_id)];
    let effects = vec![notify(
        &after,
        NoticeKind::SuggestionNotRegistered,
        to,
        None,
    )];
    Ok(change(after, "rejected", Some(detail), effects))
}

/// An assignment to units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignInput {
    pub lead_unit_id: UnitId,
    pub co_unit_ids: Vec<UnitId>,
    pub color: Color,
    pub due_date: Option<NaiveDate>,
    pub co_unit_due_date: Option<NaiveDate>,
    pub supervisor_id: Option<UserId>,
    /// The lead unit, a government office, passes the suggestion on to
    /// its departments (分办) by this day.
    pub pass_on_due: Option<NaiveDate>,
}

/// What the store knows that bears on an assignment.
#[derive(Debug, Clone, Default)]
pub struct AssignFacts {
    /// Which of the named units exist.
    pub existing_units: Vec<UnitId>,
    /// Whether the named supervisor is an active leader (`None` when none
    /// is named).
    pub supervisor_is_leader: Option<bool>,
}

/// Whether `user` may be named a red suggestion's supervising leader: an
/// active leader account.
pub fn can_supervise(user: &crate::user::User) -> bool {
    user.is_active() && user.roles.contains(crate::Role::Leader)
}

/// Co-units' default deadline: this many days before the lead unit's.
pub const CO_UNIT_LEAD_DAYS: u64 = 15;

/// Assigns a registered suggestion to a lead unit and co-units with a
/// colour and deadline.
pub fn assign(
    s: &Suggestion,
    input: AssignInput,
    facts: &AssignFacts,
    ctx: &Ctx,
) -> CmdResult<Change> {
    let status = step(s, Transition::Assign)?;
    let today = ctx.today;
    let mut issues = Vec::new();
    if !facts.existing_units.contains(&input.lead_unit_id) {
        issues.push(FieldIssue {
            field: "lead_unit_id".into(),
            issue: Issue::UnknownUnit,
        });
    }
    let mut co_units: Vec<UnitId> = Vec::new();
    for (i, u) in input.co_unit_ids.iter().enumerate() {
        if *u == input.lead_unit_id || co_units.contains(u) {
            continue;
        }
        if !facts.existing_units.contains(u) {
            issues.push(FieldIssue {
                field: format!("co_unit_ids[{i}]"),
                issue: Issue::UnknownUnit,
            });
        }
        co_units.push(*u);
    }
    match (input.color, input.supervisor_id, facts.supervisor_is_leader) {
        (Color::Red, None, _) => issues.push(FieldIssue {
            field: "supervisor_id".into(),
            issue: Issue::SupervisorRequired,
        }),
        (_, Some(_), Some(false) | None) => issues.push(FieldIssue {
            field: "supervisor_id".into(),
            issue: Issue::NotALeader,
        }),
        _ => {}
    }
    refuse(issues)?;
    let deadline = assignment_deadline(today, input.color, input.due_date, ctx.policy)
        .map_err(|e| SuggestionError::field("due_date", Issue::Deadline(e)))?;
    let co_deadline = match input.co_unit_due_date {
        Some(d) if d > deadline || d < today => {
            return Err(SuggestionError::field(
                "co_unit_due_date",
                Issue::CoUnitDeadline,
            ));
        }
        Some(d) => d,
        None => deadline
            .checked_sub_days(Days::new(CO_UNIT_LEAD_DAYS))
            .filter(|d| *d >= today)
            .unwrap_or(deadline),
    };
    if input.pass_on_due.is_some_and(|d| d < today || d > deadline) {
        return Err(SuggestionError::field("pass_on_due", Issue::PassOnDue));
    }
    let mut after = s.clone();
    after.status = status;
    after.color = Some(input.color);
    after.lead_unit_id = Some(input.lead_unit_id);
    after.pass_on_due = input.pass_on_due;
    after.co_units = co_units
        .iter()
        .map(|u| CoUnit {
            unit_id: (*u),
            deadline: Some(co_deadline),
            opinion: None,
            opinion_at: None,
        })
        .collect();
    after.supervisor_id = if input.color == Color::Red {
        input.supervisor_id
    } else {
        None
    };
    after.assigned_on = Some(today);
    after.deadline = Some(deadline);
    after.assigned_at = Some(ctx.now);
    after.overdue_recorded = false;
    let mut detail = json!({"lead_unit_id": input.lead_unit_id, "co_unit_ids": co_units, "color": input.color, "due_date": deadline});
    if let Some(d) = input.pass_on_due {
        detail["pass_on_due"] = json!(d);
    }
    let mut effects = vec![Effect::Assignment {
        lead_unit_id: input.lead_unit_id,
        end_reason: None,
    }];
    effects.extend(super::notices::assignment_notices(&after));
    Ok(change(after, "assigned", Some(detail), effects))
}

/// A reply letter (答复函) as the lead unit enters it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyInput {
    /// The new reply's id.
    pub id: Uuid,
    pub category: ReplyCategory,
    pub content: String,
    pub document_number: Option<String>,
    pub signed_by: Option<String>,
    pub responsible_person: Option<String>,
    pub handler_name: Option<String>,
    pub handler_phone: Option<String>,
    /// Default today.
    pub reply_date: Option<NaiveDate>,
    /// What a B reply commits to, and by when.
    pub commitment: Option<(String, Option<NaiveDate>)>,
}

/// What the store knows that bears on a reply.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReplyFacts<'a> {
    /// The units' requests on the suggestion.
    pub requests: &'a [UnitRequest],
    /// The consultations (面商) with the lead deputy that count for this
    /// reply ([`Suggestion::consultation_counts`]).
    pub consultations: u32,
}

/// The lead unit's reply. Refused while the unit's own request to hand
/// the suggestion back waits, before the consultation the policy asks of
/// the colour, and (when the policy puts co-units first) while a co-unit
/// within its deadline has not sent its opinion. A B reply opens a
/// commitment.
pub fn reply(
    s: &Suggestion,
    input: ReplyInput,
    facts: &ReplyFacts,
    ctx: &Ctx,
) -> CmdResult<Change> {
    refuse(blank_issues(&[("content", &input.content)]))?;
    if facts
        .requests
        .iter()
        .any(|r| r.status == RequestStatus::Pending && r.kind == RequestKind::Reassignment)
    {
        return Err(SuggestionError::ReassignmentPending);
    }
    if input.category == ReplyCategory::B && input.commitment.is_none() {
        return Err(SuggestionError::field(
            "commitment",
            Issue::CommitmentRequired,
        ));
    }
    require_status(
        s,
        &[SuggestionStatus::Assigned, SuggestionStatus::Rehandling],
    )?;
    if ctx.policy.co_units_first {
        let waiting: Vec<UnitId> = s
            .co_units
            .iter()
            .filter(|c| c.opinion_at.is_none() && c.deadline.is_none_or(|d| ctx.today <= d))
            .map(|c| c.unit_id)
            .collect();
        if !waiting.is_empty() {
            return Err(SuggestionError::CoUnitOpinionsPending(waiting));
        }
    }
    if ctx.policy.needs_consultation(s.color) && facts.consultations == 0 {
        // Only the current lead unit's consultations of this round count
        // (see [`Suggestion::consultation_counts`]).
        return Err(SuggestionError::ConsultationRequired);
    }
    let status = step(s, Transition::Reply)?;
    let round = s.next_reply_round();
    let reply = Reply {
        id: input.id,
        round,
        unit_id: s.lead_unit_id.unwrap_or_default(),
        category: input.category,
        content: input.content,
        document_number: input.document_number,
        signed_by: input.signed_by,
        responsible_person: input.responsible_person,
        handler_name: input.handler_name,
        handler_phone: input.handler_phone,
        reply_date: input.reply_date.unwrap_or(ctx.today),
        created_at: ctx.now,
    };
    let mut effects = vec![Effect::Reply(reply.clone(), ctx.by.user_id)];
    if let (ReplyCategory::B, Some((content, due_date))) = (input.category, input.commitment) {
        effects.push(Effect::Commitment {
            reply_id: reply.id,
            content,
            due_date,
        });
    }
    let mut after = s.clone();
    after.status = status;
    after.replied_at = Some(ctx.now);
    // A government office that replies itself has nothing to pass on.
    after.pass_on_due = None;
    after.replied_on_time = Some(s.deadline.is_none_or(|d| ctx.today <= d));
    after.evaluation_result = None;
    after.evaluation_comment = None;
    after.evaluated_at = None;
    let detail = json!({"round": round, "category": input.category});
    effects.push(notify(
        &after,
        NoticeKind::SuggestionReplied,
        vec![Recipient::Deputy(s.lead_deputy_id)],
        after.evaluation_due(ctx.policy),
    ));
    // A red one waits for its supervising leader's sign-off.
    if after.color == Some(Color::Red)
        && after.signed_off_at.is_none()
        && let Some(leader) = after.supervisor_id
    {
        effects.push(notify(
            &after,
            NoticeKind::SignOffRequested,
            vec![Recipient::User(leader)],
            None,
        ));
    }
    Ok(change(after, "replied", Some(detail), effects))
}

/// A co-unit's opinion to the lead unit, while the suggestion is handled.
pub fn co_unit_opinion(s: &Suggestion, opinion: String, ctx: &Ctx) -> CmdResult<Change> {
    refuse(blank_issues(&[("opinion", &opinion)]))?;
    require_status(
        s,
        &[SuggestionStatus::Assigned, SuggestionStatus::Rehandling],
    )?;
    let unit = ctx.by.unit_id.unwrap_or_default();
    let mut after = s.clone();
    for c in &mut after.co_units {
        if c.unit_id == unit {
            c.opinion = Some(opinion.clone());
            c.opinion_at = Some(ctx.now);
        }
    }
    Ok(change(
        after,
        "co_unit_opinion",
        Some(json!({"unit_id": unit})),
        vec![],
    ))
}

/// The lead deputy's evaluation of the latest reply. Unsatisfied starts
/// rehandling with a new deadline while the policy allows another round;
/// after the last round it is the final evaluation, on record, and the
/// office closes the suggestion. A satisfied green suggestion closes.
pub fn evaluate(
    s: &Suggestion,
    result: EvaluationResult,
    comment: Option<String>,
    ctx: &Ctx,
) -> CmdResult<Change> {
    if s.status == SuggestionStatus::Replied && s.evaluation_result.is_some() {
        return Err(SuggestionError::AlreadyEvaluated);
    }
    let mut status = step(s, Transition::Evaluate(result))?;
    let last_round = !s.may_be_rehandled(ctx.policy);
    if status == SuggestionStatus::Rehandling && last_round {
        status = SuggestionStatus::Replied;
    }
    let mut after = s.clone();
    after.status = status;
    after.evaluation_result = Some(result);
    after.evaluation_comment = comment.clone();
    after.evaluated_at = Some(ctx.now);
    if status == SuggestionStatus::Rehandling {
        after.deadline = Some(rehandling_deadline(ctx.today, ctx.policy));
        after.overdue_recorded = false;
        after.signed_off_at = None;
        after.signed_off_by = None;
    }
    if status == SuggestionStatus::Closed {
        after.closed_at = Some(ctx.now);
    }
    let mut detail = json!({"result": result, "comment": comment, "due_date": after.deadline});
    if result == EvaluationResult::Unsatisfied && last_round {
        detail["final"] = json!(true);
    }
    let to = after
        .lead_unit_id
        .into_iter()
        .map(Recipient::Unit)
        .collect();
    let due = (status == SuggestionStatus::Rehandling)
        .then_some(after.deadline)
        .flatten();
    let effects = vec![notify(&after, NoticeKind::SuggestionEvaluated, to, due)];
    Ok(change(after, "evaluated", Some(detail), effects))
}

/// A verification or supervision record as entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordInput {
    /// Default today.
    pub occurred_on: Option<NaiveDate>,
    pub participants: Option<String>,
    pub content: String,
}

/// Records an on-site verification or a supervision note while the
/// suggestion is with the units.
pub fn add_record(
    s: &Suggestion,
    kind: SuggestionRecordKind,
    input: RecordInput,
    ctx: &Ctx,
) -> CmdResult<Change> {
    refuse(blank_issues(&[("content", &input.content)]))?;
    require_status(
        s,
        &[
            SuggestionStatus::Assigned,
            SuggestionStatus::Replied,
            SuggestionStatus::Rehandling,
        ],
    )?;
    let occurred_on = input.occurred_on.unwrap_or(ctx.today);
    let effects = vec![Effect::Record {
        kind,
        occurred_on,
        participants: input.participants,
        content: input.content,
        by: ctx.by.user_id,
    }];
    Ok(change(
        s.clone(),
        kind.as_str(),
        Some(json!({"occurred_on": occurred_on})),
        effects,
    ))
}

/// The supervising leader's sign-off of a replied red suggestion, once
/// their notes are recorded.
pub fn sign_off(
    s: &Suggestion,
    note: Option<String>,
    supervision_notes: u32,
    ctx: &Ctx,
) -> CmdResult<Change> {
    if s.status != SuggestionStatus::Replied || s.signed_off_at.is_some() {
        return Err(SuggestionError::InvalidState(s.status));
    }
    if supervision_notes == 0 {
        return Err(SuggestionError::SupervisionNotesMissing);
    }
    let mut after = s.clone();
    after.signed_off_at = Some(ctx.now);
    after.signed_off_by = Some(ctx.by.user_id);
    Ok(change(after, "signed_off", note_detail(note), vec![]))
}

/// What is recorded on a suggestion, counted by the store, that bears on
/// closing it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecordCounts {
    /// On-site verifications made after the latest reply.
    pub verifications: u32,
    pub supervision_notes: u32,
}

/// Closes a replied suggestion by its colour's rule, once the lead
/// deputy's evaluation is on record: satisfied or basically satisfied,
/// or unsatisfied with no rehandling left (final). A reply the deputy has
/// not evaluated within the policy's days closes as not evaluated, a fact
/// on the timeline and in the figures.
pub fn close(
    s: &Suggestion,
    note: Option<String>,
    records: RecordCounts,
    ctx: &Ctx,
) -> CmdResult<Change> {
    let status = step(s, Transition::Close)?;
    let lapsed = s.evaluation_result.is_none() && s.evaluation_lapsed(ctx.policy, ctx.today);
    let facts = CloseFacts {
        // An unsatisfied evaluation still in `replied` is a final one (one
        // with a rehandling left moved the suggestion to `rehandling`),
        // whatever the policy says now.
        evaluated: s.evaluation_result.is_some() || lapsed,
        verifications: records.verifications,
        supervision_notes: records.supervision_notes,
        signed_off: s.signed_off_at.is_some(),
    };
    let blockers = close_blockers(s.color, facts);
    if !blockers.is_empty() {
        return Err(SuggestionError::CloseRequirementsUnmet(blockers));
    }
    let mut after = s.clone();
    after.status = status;
    after.closed_at = Some(ctx.now);
    let mut detail = note_detail(note);
    if lapsed {
        detail.get_or_insert_with(|| json!({}))["evaluation"] = json!("not_evaluated");
    }
    Ok(change(after, "closed", detail, vec![]))
}

/// Publishes a closed suggestion with its reply, once.
pub fn publish(s: &Suggestion, note: Option<String>, ctx: &Ctx) -> CmdResult<Change> {
    if s.status != SuggestionStatus::Closed || s.published_at.is_some() {
        return Err(SuggestionError::InvalidState(s.status));
    }
    let mut after = s.clone();
    after.published_at = Some(ctx.now);
    Ok(change(after, "published", note_detail(note), vec![]))
}

/// Marks or unmarks an outstanding suggestion (优秀建议); marking needs a
/// reason, and only a suggestion that reached the units counts.
pub fn mark_outstanding(
    s: &Suggestion,
    outstanding: bool,
    reason: Option<String>,
) -> CmdResult<Change> {
    if outstanding && reason.as_deref().is_none_or(is_blank) {
        return Err(SuggestionError::field("reason", Issue::ReasonRequired));
    }
    if !s.reached_units() {
        return Err(SuggestionError::InvalidState(s.status));
    }
    let mut after = s.clone();
    after.outstanding = outstanding;
    after.outstanding_reason = if outstanding { reason.clone() } else { None };
    let detail = json!({"outstanding": outstanding, "reason": reason});
    Ok(change(after, "outstanding_marked", Some(detail), vec![]))
}
