//! The commands that keep the records of an item's loop: investigation
//! records, inquiry questions, deliberation opinions, the bodies' reports,
//! the office's word on each problem, and observation opinions.

use crate::id::UnitId;
use chrono::{Months, NaiveDate};
use serde_json::json;
use uuid::Uuid;

use super::*;
use crate::observer::ObserverStatus;
use crate::text::is_blank;

/// The earliest date a record of the congress can bear.
pub const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(1949, 10, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// A visit, inspection or hearing and what it found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordInput {
    pub kind: RecordKind,
    pub occurred_on: NaiveDate,
    pub place: String,
    pub participants: Option<String>,
    pub findings: String,
}

/// Records a visit, inspection or hearing, while investigating or deliberating.
pub fn add_record(s: &SupervisionItem, input: RecordInput, ctx: &Ctx) -> CmdResult<Change> {
    refuse(blank_issues(&[
        ("place", &input.place),
        ("findings", &input.findings),
    ]))?;
    if input.occurred_on > ctx.today {
        return Err(SupervisionError::field("occurred_on", Issue::Future));
    }
    if input.occurred_on < EARLIEST {
        return Err(SupervisionError::field("occurred_on", Issue::TooEarly));
    }
    require_stage(s, RECORD_STAGES)?;
    let r = InvestigationRecord {
        id: (ctx.new_id)(),
        kind: input.kind,
        occurred_on: input.occurred_on,
        place: input.place.trim().to_owned(),
        participants: input.participants.filter(|p| !is_blank(p)),
        findings: input.findings,
        created_by: ctx.user_id,
        created_at: ctx.now,
    };
    let detail = json!({"record_id": r.id, "kind": r.kind});
    let effects = vec![Effect::Record(r)];
    Ok(change(s.clone(), "record_added", Some(detail), effects))
}

/// A question put at a special inquiry, and its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InquiryInput {
    pub unit_id: Option<UnitId>,
    pub asked_by: String,
    pub question: String,
    pub answered_by: Option<String>,
    pub answer: Option<String>,
}

/// Records a question of the special inquiry and its answer: items with
/// the special_inquiry method, while investigating or deliberating.
pub fn add_inquiry(s: &SupervisionItem, input: InquiryInput, ctx: &Ctx) -> CmdResult<Change> {
    refuse(blank_issues(&[
        ("asked_by", &input.asked_by),
        ("question", &input.question),
    ]))?;
    if input.unit_id.is_some_and(|u| !s.body_ids.contains(&u)) {
        return Err(SupervisionError::field("unit_id", Issue::NotABody));
    }
    if !s.methods.contains(&Method::SpecialInquiry) {
        return Err(SupervisionError::MethodNotPlanned);
    }
    require_stage(s, INQUIRY_STAGES)?;
    let q = Inquiry {
        id: (ctx.new_id)(),
        unit_id: input.unit_id,
        asked_by: input.asked_by.trim().to_owned(),
        question: input.question,
        answered_by: input.answered_by,
        answer: input.answer,
        created_by: ctx.user_id,
        created_at: ctx.now,
    };
    let detail = json!({"inquiry_id": q.id});
    let effects = vec![Effect::Inquiry(q)];
    Ok(change(s.clone(), "inquiry_recorded", Some(detail), effects))
}

/// A deliberation opinion with its list of problems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpinionInput {
    pub unit_id: UnitId,
    pub content: String,
    /// Default: the policy's months from today (three).
    pub deadline: Option<NaiveDate>,
    pub problems: Vec<String>,
}

/// Issues a deliberation opinion with its problem list to one of the
/// item's bodies: while deliberating, or rectifying for a follow-up after
/// an unsatisfied vote. The deadline defaults to the policy's months
/// ahead (three) and lies between today and its longest period (six).
pub fn issue_opinion(s: &SupervisionItem, input: OpinionInput, ctx: &Ctx) -> CmdResult<Change> {
    let mut issues = blank_issues(&[("content", &input.content)]);
    if !s.body_ids.contains(&input.unit_id) {
        issues.push(issue("unit_id", Issue::NotABody));
    }
    let months = |m| ctx.today.checked_add_months(Months::new(m));
    let last = months(ctx.policy.rectification_max_months);
    let deadline = input
        .deadline
        .or_else(|| months(ctx.policy.rectification_months))
        .unwrap_or(ctx.today);
    if deadline < ctx.today {
        issues.push(issue("deadline", Issue::DeadlinePast));
    } else if last.is_some_and(|last| deadline > last) {
        issues.push(issue("deadline", Issue::DeadlineTooFar));
    }
    for (i, p) in input.problems.iter().enumerate() {
        if is_blank(p) || p.chars().count() > 2000 {
            issues.push(issue(format!("problems[{i}]"), Issue::Length(2000)));
        }
    }
    refuse(issues)?;
    require_stage(s, OPINION_STAGES)?;
    let opinion_id = (ctx.new_id)();
    let problems = input
        .problems
        .into_iter()
        .enumerate()
        .map(|(i, d)| Problem {
            id: (ctx.new_id)(),
            opinion_id,
            position: i32::try_from(i + 1).unwrap_or(i32::MAX),
            description: d.trim().to_owned(),
            status: ProblemStatus::Open,
            note: None,
            closed_at: None,
            updated_at: ctx.now,
        })
        .collect();
    let o = Opinion {
        id: opinion_id,
        unit_id: input.unit_id,
        round: s.round,
        content: input.content,
        deadline,
        issued_by: ctx.user_id,
        issued_at: ctx.now,
        problems,
    };
    let detail = json!({"opinion_id": o.id, "unit_id": o.unit_id, "deadline": o.deadline});
    let told = Effect::Notify(crate::notice::Notice {
        kind: crate::notice::NoticeKind::RectificationRequested,
        to: vec![crate::notice::Recipient::Unit(o.unit_id)],
        subject: s.subject(),
        // One per opinion: an item may issue several in a version's stead.
        occasion: crate::notice::Occasion::Record(o.id),
        due_on: Some(o.deadline),
        approved: None,
    });
    let effects = vec![Effect::Opinion(o), told];
    Ok(change(s.clone(), "opinion_issued", Some(detail), effects))
}

/// A body's rectification report on one opinion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportInput {
    pub summary: String,
    pub answers: Vec<ProblemAnswer>,
}

/// Submits the body's report on `opinion`, while rectifying: each answer
/// names a problem of the opinion, once, that waits for the body (open or
/// sent back); it becomes `answered`.
pub fn submit_report(
    s: &SupervisionItem,
    opinion: &Opinion,
    input: ReportInput,
    ctx: &Ctx,
) -> CmdResult<Change> {
    let mut issues = blank_issues(&[("summary", &input.summary)]);
    let mut seen = Vec::new();
    for (i, a) in input.answers.iter().enumerate() {
        if is_blank(&a.measures) {
            issues.push(issue(format!("answers[{i}].measures"), Issue::Blank));
        }
        if !opinion.problems.iter().any(|p| p.id == a.problem_id) {
            issues.push(issue(
                format!("answers[{i}].problem_id"),
                Issue::UnknownProblem,
            ));
        } else if seen.contains(&a.problem_id) {
            issues.push(issue(
                format!("answers[{i}].problem_id"),
                Issue::AnsweredTwice,
            ));
        } else {
            seen.push(a.problem_id);
        }
    }
    refuse(issues)?;
    require_stage(s, &[Stage::Rectifying])?;
    let waiting = |id: Uuid| {
        opinion
            .problems
            .iter()
            .any(|p| p.id == id && p.status.awaits_body())
    };
    if let Some(a) = input.answers.iter().find(|a| !waiting(a.problem_id)) {
        return Err(SupervisionError::ProblemNotOpen(a.problem_id));
    }
    let r = Report {
        id: (ctx.new_id)(),
        opinion_id: opinion.id,
        unit_id: opinion.unit_id,
        summary: input.summary,
        answers: input.answers,
        submitted_by: ctx.user_id,
        submitted_at: ctx.now,
    };
    let detail = json!({"report_id": r.id, "opinion_id": opinion.id, "problems": r.answers.len()});
    let effects = vec![Effect::Report(r)];
    Ok(change(s.clone(), "report_submitted", Some(detail), effects))
}

fn decide_problem(
    s: &SupervisionItem,
    problem: Option<&Problem>,
    status: ProblemStatus,
    note: Option<String>,
) -> CmdResult<Change> {
    let p = problem.ok_or(SupervisionError::NotFound)?;
    require_stage(s, &[Stage::Rectifying])?;
    if p.status != ProblemStatus::Answered {
        return Err(SupervisionError::ProblemNotAnswered);
    }
    let action = if status == ProblemStatus::Closed {
        "problem_closed_off"
    } else {
        "problem_sent_back"
    };
    let detail = json!({"problem_id": p.id, "note": note});
    let effects = vec![Effect::Problem {
        id: p.id,
        from: p.status,
        status,
        note,
    }];
    Ok(change(s.clone(), action, Some(detail), effects))
}

/// Closes a problem off (销号) after the body's answer, while rectifying.
/// `None` when the item has no such problem.
pub fn close_off_problem(
    s: &SupervisionItem,
    problem: Option<&Problem>,
    note: Option<String>,
) -> CmdResult<Change> {
    let note = note.filter(|n| !is_blank(n));
    decide_problem(s, problem, ProblemStatus::Closed, note)
}

/// Sends a problem back to the body with a reason, while rectifying.
pub fn send_back_problem(
    s: &SupervisionItem,
    problem: Option<&Problem>,
    reason: String,
) -> CmdResult<Change> {
    refuse(blank_issues(&[("reason", &reason)]))?;
    decide_problem(s, problem, ProblemStatus::SentBack, Some(reason))
}

/// Files the observation opinion of `me`, an observer assigned to the
/// item, until it closes; an observer who left, or declared a tie to a
/// body since the assignment, is refused.
pub fn file_observation(
    s: &SupervisionItem,
    me: &ObserverFacts,
    content: String,
    ctx: &Ctx,
) -> CmdResult<Change> {
    refuse(blank_issues(&[("content", &content)]))?;
    not_closed(s)?;
    if me.status != ObserverStatus::Active {
        return Err(SupervisionError::ObserverInactive);
    }
    if me.tie_unit_ids.iter().any(|u| s.body_ids.contains(u)) {
        return Err(SupervisionError::ConflictOfInterest);
    }
    let o = Observation {
        id: (ctx.new_id)(),
        item_id: s.id,
        observer_id: me.id,
        content,
        status: ObservationStatus::Pending,
        decision_reason: None,
        decided_by: None,
        decided_at: None,
        created_by: ctx.user_id,
        created_at: ctx.now,
    };
    let detail = json!({"observation_id": o.id, "observer_id": me.id});
    let effects = vec![Effect::Observation(o)];
    Ok(change(
        s.clone(),
        "observation_filed",
        Some(detail),
        effects,
    ))
}

/// Marks a pending observation opinion adopted, or not adopted with a
/// reason. Once. `None` when the item has no such observation.
pub fn decide_observation(
    s: &SupervisionItem,
    observation: Option<&Observation>,
    adopted: bool,
    reason: Option<String>,
    ctx: &Ctx,
) -> CmdResult<Change> {
    let reason = reason.filter(|r| !is_blank(r));
    if !adopted && reason.is_none() {
        return Err(SupervisionError::field("reason", Issue::ReasonRequired));
    }
    let o = observation.ok_or(SupervisionError::NotFound)?;
    if o.status != ObservationStatus::Pending {
        return Err(SupervisionError::AlreadyDecided);
    }
    let status = if adopted {
        ObservationStatus::Adopted
    } else {
        ObservationStatus::NotAdopted
    };
    let detail = json!({"observation_id": o.id, "status": status});
    let told = Effect::Notify(crate::notice::Notice {
        kind: crate::notice::NoticeKind::ObservationDecided,
        to: vec![crate::notice::Recipient::Observer(o.observer_id)],
        subject: s.subject(),
        occasion: crate::notice::Occasion::Record(o.id),
        due_on: None,
        approved: Some(adopted),
    });
    let effects = vec![
        Effect::ObservationDecision {
            id: o.id,
            status,
            reason,
            by: ctx.user_id.into(),
        },
        told,
    ];
    Ok(change(
        s.clone(),
        "observation_decided",
        Some(detail),
        effects,
    ))
}
