//! Constituent opinions (群众意见): left at a liaison station or online by
//! anyone, and routed once: answered directly, forwarded to a unit (which
//! replies), or taken up by a deputy as a suggestion.
//!
//! The commands take the opinion as it is, the command's input and the
//! facts the store knows (gathered by the caller), and return what to save
//! or why it is refused. Nothing here reads or writes anything.

use crate::id::{DeputyId, UnitId, UserId};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::Code;
use crate::duty::{DutyKind, NewDuty};
use crate::suggestion::{
    DraftFacts, DraftInput, NewSuggestion, SessionTiming, SuggestionError, SuggestionSource,
};
use crate::text::is_blank;

#[cfg(test)]
mod command_tests;

string_enum! {
    /// Where a constituent opinion stands.
    pub enum OpinionStatus : "opinion status" {
        /// Left by a constituent; waiting to be routed.
        Received = "received",
        /// Answered directly by staff or a deputy of the station.
        Answered = "answered",
        /// Forwarded to a unit, which is to reply.
        Forwarded = "forwarded",
        /// The unit replied.
        Replied = "replied",
        /// A deputy took it up as a suggestion.
        TakenUp = "taken_up",
    }
}

/// A constituent opinion. Name and phone are personal data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ConstituentOpinion {
    pub id: Uuid,
    pub station_id: Option<Uuid>,
    pub content: String,
    pub category: Option<String>,
    pub submitter_name: Option<String>,
    pub submitter_phone: Option<String>,
    pub status: OpinionStatus,
    /// The direct answer, by staff or a deputy.
    pub answer: Option<String>,
    /// The unit it was forwarded to.
    pub unit_id: Option<UnitId>,
    pub forward_note: Option<String>,
    pub unit_reply: Option<String>,
    /// The suggestion a deputy made of it.
    pub suggestion_id: Option<Uuid>,
    pub handled_by: Option<UserId>,
    pub handled_at: Option<DateTime<Utc>>,
    /// The account that left it, if signed in.
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// Who gives a command, and when.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    /// The signed-in account, if any (leaving an opinion needs none).
    pub user_id: Option<UserId>,
    /// The deputy the account speaks for, if any.
    pub deputy_id: Option<DeputyId>,
    pub now: DateTime<Utc>,
    /// Makes the id of a new record.
    pub new_id: fn() -> Uuid,
}

/// What is written with a change of an opinion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// The draft suggestion a deputy makes of the opinion; the opinion's
    /// `suggestion_id` is set to it when saved.
    Suggestion(NewSuggestion),
    /// A duty of the deputy who took the opinion up.
    Duty(NewDuty),
    /// A notification to the people the change concerns.
    Notify(crate::notice::Notice),
}

impl ConstituentOpinion {
    /// The opinion as notices and tasks name it: its category, never its
    /// content or who left it.
    pub fn subject(&self) -> crate::notice::Subject {
        crate::notice::Subject {
            kind: crate::notice::SubjectKind::ConstituentOpinion,
            id: self.id,
            label: OPINION_LABEL.to_owned(),
        }
    }

    /// The notice of the change making `after` (a changed copy, still at
    /// the version it was read at), to `to`.
    fn notice(&self, kind: crate::notice::NoticeKind, to: Vec<crate::notice::Recipient>) -> Effect {
        Effect::Notify(crate::notice::Notice {
            kind,
            to,
            subject: self.subject(),
            occasion: crate::notice::Occasion::Version(self.version.saturating_add(1)),
            due_on: None,
            approved: None,
        })
    }

    /// The notice that the opinion has its answer, to the account that
    /// left it (none when it was left without signing in).
    fn answered_notice(&self) -> Vec<Effect> {
        self.created_by
            .map(|u| {
                self.notice(
                    crate::notice::NoticeKind::OpinionAnswered,
                    vec![crate::notice::Recipient::User(u)],
                )
            })
            .into_iter()
            .collect()
    }
}

/// An opinion's label: 群众意见, and nothing of it. Its category is typed
/// by whoever leaves it, and may carry a name or a phone number; the label
/// goes to SMS and the units' chat groups.
pub const OPINION_LABEL: &str = "群众意见";

/// The outcome of a command: the opinion to save, the action the audit
/// trail and the outbox name, and what is written with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub after: ConstituentOpinion,
    pub action: &'static str,
    pub effects: Vec<Effect>,
}

/// A refused command on an opinion.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpinionError {
    /// The opinion was routed already (or is not awaiting a unit's reply).
    #[error("not allowed while the opinion is {0}")]
    InvalidState(OpinionStatus),
    /// Only a deputy takes an opinion up.
    #[error("not a deputy")]
    NotADeputy,
    /// Fields of the command's input that the rules refuse.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldIssue>),
    /// The suggestion to make of the opinion is refused.
    #[error(transparent)]
    Draft(SuggestionError),
}

/// One field a rule refuses.
pub type FieldIssue = crate::command::FieldIssue<Issue>;

/// What is wrong with a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Issue {
    /// A required text is empty or only blank characters.
    Blank,
    /// No such station.
    UnknownStation,
    /// No such unit.
    UnknownUnit,
}

impl OpinionError {
    /// The stable code of the refusal.
    pub const fn code(&self) -> Code {
        match self {
            OpinionError::InvalidState(_) => Code::InvalidState,
            OpinionError::NotADeputy => Code::Forbidden,
            OpinionError::Invalid(_) => Code::ValidationFailed,
            OpinionError::Draft(e) => e.code(),
        }
    }
}

impl Issue {
    /// The stable code of the field's problem.
    pub const fn code(self) -> &'static str {
        match self {
            Issue::Blank => "blank",
            Issue::UnknownStation | Issue::UnknownUnit => "not_found",
        }
    }
}

type CmdResult<T> = Result<T, OpinionError>;

fn refuse(issues: Vec<FieldIssue>) -> CmdResult<()> {
    crate::command::refuse(issues, OpinionError::Invalid)
}

fn blank(field: &'static str, value: &str) -> Option<FieldIssue> {
    is_blank(value).then(|| FieldIssue::new(field, Issue::Blank))
}

/// The opinion routed by the caller to `to`, if it is still waiting for
/// that step: received opinions are routed once, and only forwarded ones
/// get a unit's reply.
fn routed(o: &ConstituentOpinion, to: OpinionStatus, ctx: &Ctx) -> CmdResult<ConstituentOpinion> {
    use OpinionStatus::*;
    let allowed = match to {
        Answered | Forwarded | TakenUp => o.status == Received,
        Replied => o.status == Forwarded,
        Received => false,
    };
    if !allowed {
        return Err(OpinionError::InvalidState(o.status));
    }
    let mut after = o.clone();
    after.status = to;
    if to != Replied {
        after.handled_by = ctx.user_id;
        after.handled_at = Some(ctx.now);
    }
    Ok(after)
}

/// An opinion to leave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpinionInput {
    /// The station it is left at; none for an opinion left online.
    pub station_id: Option<Uuid>,
    pub content: String,
    pub category: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
}

/// Receives an opinion; `station_known` says whether the station named
/// exists (true when none is named).
pub fn receive(
    input: OpinionInput,
    station_known: bool,
    ctx: &Ctx,
) -> CmdResult<ConstituentOpinion> {
    let mut issues: Vec<FieldIssue> = blank("content", &input.content).into_iter().collect();
    if !station_known {
        issues.push(FieldIssue::new("station_id", Issue::UnknownStation));
    }
    refuse(issues)?;
    Ok(ConstituentOpinion {
        id: (ctx.new_id)(),
        station_id: input.station_id,
        content: input.content,
        category: input.category.map(|c| c.trim().to_owned()),
        submitter_name: input.name.map(|n| n.trim().to_owned()),
        submitter_phone: input.phone,
        status: OpinionStatus::Received,
        answer: None,
        unit_id: None,
        forward_note: None,
        unit_reply: None,
        suggestion_id: None,
        handled_by: None,
        handled_at: None,
        created_by: ctx.user_id,
        created_at: ctx.now,
        updated_at: ctx.now,
        version: 1,
    })
}

/// Answers an opinion directly.
pub fn answer(o: &ConstituentOpinion, text: String, ctx: &Ctx) -> CmdResult<Change> {
    let mut after = routed(o, OpinionStatus::Answered, ctx)?;
    refuse(blank("answer", &text).into_iter().collect())?;
    after.answer = Some(text);
    Ok(Change {
        effects: after.answered_notice(),
        after,
        action: "answer",
    })
}

/// Forwards an opinion to a unit; `unit_known` says whether it exists.
pub fn forward(
    o: &ConstituentOpinion,
    unit_id: UnitId,
    note: Option<String>,
    unit_known: bool,
    ctx: &Ctx,
) -> CmdResult<Change> {
    let mut after = routed(o, OpinionStatus::Forwarded, ctx)?;
    if !unit_known {
        return Err(OpinionError::Invalid(vec![FieldIssue::new(
            "unit_id",
            Issue::UnknownUnit,
        )]));
    }
    after.unit_id = Some(unit_id);
    after.forward_note = note.filter(|n| !is_blank(n));
    let told = after.notice(
        crate::notice::NoticeKind::OpinionForwarded,
        vec![crate::notice::Recipient::Unit(unit_id)],
    );
    Ok(Change {
        after,
        action: "forward",
        effects: vec![told],
    })
}

/// The unit's reply to an opinion forwarded to it.
pub fn unit_reply(o: &ConstituentOpinion, text: String, ctx: &Ctx) -> CmdResult<Change> {
    let mut after = routed(o, OpinionStatus::Replied, ctx)?;
    refuse(blank("reply", &text).into_iter().collect())?;
    after.unit_reply = Some(text);
    Ok(Change {
        effects: after.answered_notice(),
        after,
        action: "unit_reply",
    })
}

/// The suggestion to make of an opinion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TakeUpInput {
    pub title: String,
    pub category: String,
    pub term: String,
    /// The suggestion's text; the opinion's when none is given.
    pub content: Option<String>,
}

/// A deputy takes an opinion up as a draft suggestion whose source points
/// to the opinion, and is credited with the duty. `category_known` says
/// whether the category is the catalogue's, `lead_term_ended` whether the
/// deputy's term has ended (then nothing new is filed).
pub fn take_up(
    o: &ConstituentOpinion,
    input: TakeUpInput,
    category_known: bool,
    lead_term_ended: bool,
    ctx: &Ctx,
) -> CmdResult<Change> {
    let after = routed(o, OpinionStatus::TakenUp, ctx)?;
    let (Some(deputy), Some(user)) = (ctx.deputy_id, ctx.user_id) else {
        return Err(OpinionError::NotADeputy);
    };
    let title = input.title.trim().to_owned();
    let draft = crate::suggestion::draft(
        DraftInput {
            title: input.title,
            content: input.content.unwrap_or_else(|| o.content.clone()),
            category: input.category,
            term: input.term,
            session: None,
            timing: SessionTiming::BetweenSessions,
            co_signer_ids: Vec::new(),
            source: Some(SuggestionSource::ConstituentOpinion),
            source_ref: Some(o.id.to_string()),
        },
        deputy,
        &DraftFacts {
            category_known,
            existing_deputies: Vec::new(),
            lead_term_ended,
        },
        user,
    )
    .map_err(OpinionError::Draft)?;
    let duty = NewDuty {
        deputy_id: deputy,
        kind: DutyKind::OpinionTakenUp,
        occurred_on: crate::time::china_date(ctx.now),
        title,
        content: None,
        ref_type: Some("constituent_opinion"),
        ref_id: Some(o.id),
    };
    Ok(Change {
        after,
        action: "take_up",
        effects: vec![Effect::Suggestion(draft), Effect::Duty(duty)],
    })
}
