//! The office's practice around a reply: the unit's consultation with the
//! lead deputy (面商) and the deputy's word on it, leaders' instructions
//! (批示), and a submission not registered passed to a unit as a letter
//! (转来信).

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use super::command::{CmdResult, Ctx, blank_issues, change, refuse, require_status};
use super::*;
use crate::text::is_blank;

string_enum! {
    /// How a unit consulted the lead deputy.
    pub enum ConsultationForm : "consultation form" {
        /// A meeting (座谈).
        Meeting = "meeting",
        /// A visit to the deputy (走访).
        Visit = "visit",
        /// By phone.
        Phone = "phone",
        /// Online: a video call or a message thread.
        Online = "online",
    }
}

string_enum! {
    /// The lead deputy's word on a consultation record.
    pub enum ConsultationResponse : "consultation response" {
        /// The record is right.
        Confirmed = "confirmed",
        /// The record is wrong, or the consultation did not happen as
        /// recorded; it does not count.
        Disputed = "disputed",
    }
}

/// 承办单位与领衔代表的一次面商。
///
/// A consultation (面商) of the handling unit with the lead deputy.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ConsultationView, example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb1", "round": 1, "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "held_on": "2026-04-02", "form": "visit", "participants": "王芳代表、民政局李华科长", "agreed": "年内建成助餐点3个", "recorded_by": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e09", "created_at": "2026-04-02T08:00:00Z", "response": "confirmed", "response_comment": null, "responded_at": "2026-04-03T01:00:00Z"})))]
pub struct Consultation {
    /// 面商记录 ID。
    ///
    /// The record's id.
    pub id: Uuid,
    /// 面商所在的办理轮次，即其后答复的轮次：首次办理为 1。
    ///
    /// The round of handling (the reply) it precedes: 1 for the first.
    pub round: i32,
    /// 记录面商的主办单位 ID。
    ///
    /// The lead unit that recorded it.
    pub unit_id: UnitId,
    /// 面商日期。
    ///
    /// The day it was held.
    pub held_on: NaiveDate,
    /// 面商方式：`meeting` 座谈、`visit` 走访、`phone` 电话或 `online` 网上。
    ///
    /// How it was held: `meeting`, `visit`, `phone` or `online`.
    pub form: ConsultationForm,
    /// 参加面商的人员。
    ///
    /// Who took part.
    pub participants: String,
    /// 面商商定的事项。
    ///
    /// What was agreed.
    pub agreed: String,
    /// 记录人的用户 ID。
    ///
    /// The user id of who recorded it.
    pub recorded_by: UserId,
    /// 记录时间（UTC）。
    ///
    /// When it was recorded (UTC).
    pub created_at: DateTime<Utc>,
    /// 领衔代表的答复：`confirmed` 确认或 `disputed` 异议；未答复时为 null。
    ///
    /// The lead deputy's word: `confirmed` or `disputed`; null until they
    /// answer.
    pub response: Option<ConsultationResponse>,
    /// 代表答复时的说明，提出异议时必有；可为 null。
    ///
    /// The deputy's comment with their word, always given with a dispute; may
    /// be null.
    pub response_comment: Option<String>,
    /// 代表答复的时间（UTC）；未答复时为 null。
    ///
    /// When the deputy answered (UTC); null until then.
    pub responded_at: Option<DateTime<Utc>>,
}

impl Consultation {
    /// Whether it counts toward the rule "consult before replying": the
    /// deputy has not disputed it.
    pub fn counts(&self) -> bool {
        self.response != Some(ConsultationResponse::Disputed)
    }
}

/// A consultation as the unit records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsultationInput {
    /// The new record's id.
    pub id: Uuid,
    pub held_on: NaiveDate,
    pub form: ConsultationForm,
    pub participants: String,
    pub agreed: String,
}

/// The lead unit records how it consulted the lead deputy, before its
/// reply (while it handles the suggestion). The day is not in the future,
/// nor before the round began (the assignment, or the evaluation that
/// started rehandling).
pub fn consult(s: &Suggestion, input: ConsultationInput, ctx: &Ctx) -> CmdResult<Change> {
    let mut issues = blank_issues(&[
        ("participants", &input.participants),
        ("agreed", &input.agreed),
    ]);
    if input.held_on > ctx.today || s.round_started_on().is_some_and(|a| input.held_on < a) {
        issues.push(FieldIssue::new("held_on", Issue::HeldOn));
    }
    refuse(issues)?;
    require_status(
        s,
        &[SuggestionStatus::Assigned, SuggestionStatus::Rehandling],
    )?;
    let record = Consultation {
        id: input.id,
        round: s.next_reply_round(),
        unit_id: s.lead_unit_id.unwrap_or_default(),
        held_on: input.held_on,
        form: input.form,
        participants: input.participants,
        agreed: input.agreed,
        recorded_by: ctx.by.user_id,
        created_at: ctx.now,
        response: None,
        response_comment: None,
        responded_at: None,
    };
    let detail = json!({"consultation_id": record.id, "round": record.round, "held_on": record.held_on, "form": record.form});
    let mut after = s.clone();
    after.consultations = s.consultations.saturating_add(1);
    let told = super::notices::notify(
        &after,
        crate::notice::NoticeKind::ConsultationRecorded,
        vec![crate::notice::Recipient::Deputy(s.lead_deputy_id)],
        None,
    );
    Ok(change(
        after,
        "consulted",
        Some(detail),
        vec![Effect::Consultation(record), told],
    ))
}

/// The lead deputy confirms or disputes a consultation record, once; a
/// dispute says why. Not after the suggestion is closed.
pub fn respond_to_consultation(
    s: &Suggestion,
    record: &Consultation,
    response: ConsultationResponse,
    comment: Option<String>,
    ctx: &Ctx,
) -> CmdResult<Change> {
    if response == ConsultationResponse::Disputed && comment.as_deref().is_none_or(is_blank) {
        return Err(SuggestionError::field("comment", Issue::ReasonRequired));
    }
    require_status(
        s,
        &[
            SuggestionStatus::Assigned,
            SuggestionStatus::Replied,
            SuggestionStatus::Rehandling,
        ],
    )?;
    if record.response.is_some() {
        return Err(SuggestionError::AlreadyAnswered);
    }
    let detail = json!({"consultation_id": record.id, "response": response});
    let effect = Effect::ConsultationResponse {
        id: record.id,
        response,
        comment,
        at: ctx.now,
    };
    let mut after = s.clone();
    if response == ConsultationResponse::Disputed {
        // It counted while unanswered; disputed, it no longer does.
        after.consultations = s.consultations.saturating_sub(1);
    }
    Ok(change(
        after,
        "consultation_answered",
        Some(detail),
        vec![effect],
    ))
}

/// 领导对建议的批示。
///
/// A leader's instruction (批示) on a suggestion.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = InstructionView, example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb2", "content": "请民政局抓紧落实，年底前报结果。", "given_by": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e05", "given_at": "2026-04-05T02:00:00Z"})))]
pub struct Instruction {
    /// 批示 ID。
    ///
    /// The instruction's id.
    pub id: Uuid,
    /// 批示内容。
    ///
    /// The text of the instruction.
    pub content: String,
    /// 作出批示的领导的用户 ID。
    ///
    /// The user id of the leader who gave it.
    pub given_by: UserId,
    /// 批示时间（UTC）。
    ///
    /// When it was given (UTC).
    pub given_at: DateTime<Utc>,
}

/// A leader instructs on a suggestion past its draft: the units handling
/// it read the instruction; the timeline says only that one was given.
pub fn instruct(s: &Suggestion, id: Uuid, content: String, ctx: &Ctx) -> CmdResult<Change> {
    refuse(blank_issues(&[("content", &content)]))?;
    if s.status == SuggestionStatus::Draft {
        return Err(SuggestionError::InvalidState(s.status));
    }
    let record = Instruction {
        id,
        content,
        given_by: ctx.by.user_id,
        given_at: ctx.now,
    };
    let told = super::notices::notify(
        s,
        crate::notice::NoticeKind::InstructionGiven,
        s.unit_recipients(),
        None,
    );
    let mut effects = vec![Effect::Instruction(record)];
    if s.lead_unit_id.is_some() {
        effects.push(told);
    }
    Ok(change(
        s.clone(),
        "instructed",
        Some(json!({"instruction_id": id})),
        effects,
    ))
}

/// 不予立案、作为来信转给单位参考的建议（转来信）。
///
/// A submission not registered, passed to a unit as a letter for its
/// reference (转来信).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = LetterView))]
pub struct Letter {
    /// 接收来信的单位 ID。
    ///
    /// The unit it was passed to.
    pub unit_id: UnitId,
    /// 转出时间（UTC）。
    ///
    /// When it was passed (UTC).
    pub passed_at: DateTime<Utc>,
    /// 单位签收的时间（UTC）；未签收时为 null。
    ///
    /// When the unit acknowledged it.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// 单位签收时的备注；可为 null。
    ///
    /// What the unit said on acknowledging.
    pub acknowledgement: Option<String>,
}

/// Passes a suggestion not registered to `unit_id` (which must exist) as
/// a letter, once.
pub fn pass_as_letter(
    s: &Suggestion,
    unit_id: UnitId,
    unit_exists: bool,
    note: Option<String>,
    ctx: &Ctx,
) -> CmdResult<Change> {
    if !unit_exists {
        return Err(SuggestionError::field("unit_id", Issue::UnknownUnit));
    }
    if s.status != SuggestionStatus::NotRegistered || s.letter.is_some() {
        return Err(SuggestionError::InvalidState(s.status));
    }
    let mut after = s.clone();
    after.letter = Some(Letter {
        unit_id,
        passed_at: ctx.now,
        acknowledged_at: None,
        acknowledgement: None,
    });
    let detail = json!({"unit_id": unit_id, "note": note.filter(|n| !is_blank(n))});
    Ok(change(after, "passed_as_letter", Some(detail), vec![]))
}

/// The unit a letter was passed to acknowledges it, once.
pub fn acknowledge_letter(s: &Suggestion, note: Option<String>, ctx: &Ctx) -> CmdResult<Change> {
    let mut after = s.clone();
    let Some(letter) = after.letter.as_mut() else {
        return Err(SuggestionError::InvalidState(s.status));
    };
    if letter.acknowledged_at.is_some() {
        return Err(SuggestionError::AlreadyAnswered);
    }
    letter.acknowledged_at = Some(ctx.now);
    letter.acknowledgement = note.filter(|n| !is_blank(n));
    let detail = json!({"unit_id": letter.unit_id});
    Ok(change(after, "letter_acknowledged", Some(detail), vec![]))
}
