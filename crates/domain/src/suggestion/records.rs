//! What is kept beside a suggestion: units' requests, commitments of B
//! replies, verification and supervision records, attachments; and what a
//! change of a suggestion writes with it.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::id::{DeputyId, UnitId, UserId};

use super::{CoSigner, Reply, SessionTiming, Suggestion, SuggestionSource, SuggestionStatus};
use crate::duty::NewDuty;

string_enum! {
    /// A record kept on a suggestion.
    pub enum SuggestionRecordKind : "suggestion record kind" {
        /// An on-site verification (上门查验), required before a yellow suggestion closes.
        Verification = "verification",
        /// The supervising leader's notes (督办意见), required before a red one closes.
        SupervisionNote = "supervision_note",
    }
}

string_enum! {
    /// What a lead unit asks the office for.
    pub enum RequestKind : "request kind" {
        /// Hand the suggestion back (申请调整), within 10 days of assignment.
        Reassignment = "reassignment",
        /// More time (申请延期), never past the law's limit.
        Extension = "extension",
    }
}

string_enum! {
    /// Where a unit's request stands.
    pub enum RequestStatus : "request status" {
        Pending = "pending",
        Approved = "approved",
        Denied = "denied",
    }
}

string_enum! {
    /// Where a commitment of a B reply stands.
    pub enum CommitmentStatus : "commitment status" {
        Open = "open",
        Fulfilled = "fulfilled",
    }
}

string_enum! {
    /// Whose file an attachment is.
    pub enum AttachmentKind : "attachment kind" {
        /// The deputy's material, added while drafting.
        Material = "material",
        /// The lead unit's reply letter, added while handling.
        ReplyLetter = "reply_letter",
    }
}

/// A new draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSuggestion {
    pub title: String,
    pub content: String,
    pub category: String,
    pub term: String,
    pub session: Option<String>,
    pub timing: SessionTiming,
    pub lead_deputy_id: DeputyId,
    pub co_signers: Vec<DeputyId>,
    pub source: SuggestionSource,
    pub source_ref: Option<String>,
    pub created_by: UserId,
}

/// A unit's request: hand the suggestion back, or more time.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UnitRequest {
    pub id: Uuid,
    pub unit_id: UnitId,
    pub kind: RequestKind,
    pub reason: String,
    pub requested_deadline: Option<NaiveDate>,
    pub status: RequestStatus,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: Option<String>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
}

/// A commitment opened by a category B reply.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Commitment {
    pub id: Uuid,
    pub reply_id: Uuid,
    pub content: String,
    pub due_date: Option<NaiveDate>,
    pub status: CommitmentStatus,
    pub progress: Option<String>,
    pub fulfilled_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// A file attached to a suggestion.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Attachment {
    pub id: Uuid,
    pub kind: AttachmentKind,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: UserId,
    pub created_at: DateTime<Utc>,
}

/// What a change of a suggestion writes beside the suggestion itself, in
/// the same transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// A new lead unit takes over; an open spell ends with `end_reason`.
    Assignment {
        lead_unit_id: UnitId,
        end_reason: Option<&'static str>,
    },
    /// The reply and the user who entered it.
    Reply(Reply, UserId),
    Commitment {
        reply_id: Uuid,
        content: String,
        due_date: Option<NaiveDate>,
    },
    CommitmentProgress {
        id: Uuid,
        progress: String,
        fulfilled: bool,
    },
    Record {
        kind: SuggestionRecordKind,
        occurred_on: NaiveDate,
        participants: Option<String>,
        content: String,
        by: UserId,
    },
    Request {
        unit_id: UnitId,
        kind: RequestKind,
        reason: String,
        requested_deadline: Option<NaiveDate>,
        by: UserId,
    },
    Decide {
        request_id: Uuid,
        approved: bool,
        by: UserId,
        note: Option<String>,
    },
    Attachment(Attachment),
    /// A consultation (面商) recorded by the lead unit.
    Consultation(super::Consultation),
    /// The lead deputy's word on a consultation.
    ConsultationResponse {
        id: Uuid,
        response: super::ConsultationResponse,
        comment: Option<String>,
        at: DateTime<Utc>,
    },
    /// A leader's instruction (批示).
    Instruction(super::Instruction),
    /// A duty performed with this change (a submission, a co-signature).
    Duty(NewDuty),
    /// A notification to the people the change concerns.
    Notify(crate::notice::Notice),
}

pub use crate::timeline::Event;

/// The outcome of a command: the suggestion as it is to be saved, the
/// timeline entry and what is written with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub after: super::Suggestion,
    pub event: Event,
    pub effects: Vec<Effect>,
}

impl Suggestion {
    /// A new draft made from `new`, with `id`, as of `now`.
    pub fn drafted(id: Uuid, new: NewSuggestion, now: DateTime<Utc>) -> Suggestion {
        Suggestion {
            id,
            number: None,
            title: new.title,
            content: new.content,
            category: new.category,
            term: new.term,
            session: new.session,
            timing: new.timing,
            congress_session_id: None,
            lead_deputy_id: new.lead_deputy_id,
            co_signers: new.co_signers.into_iter().map(CoSigner::invited).collect(),
            source: new.source,
            source_ref: new.source_ref,
            status: SuggestionStatus::Draft,
            color: None,
            lead_unit_id: None,
            co_units: Vec::new(),
            pass_on_due: None,
            dispatcher_unit_id: None,
            assignment_batch_id: None,
            supervisor_id: None,
            assigned_on: None,
            deadline: None,
            overdue_recorded: false,
            submitted_at: None,
            registered_at: None,
            assigned_at: None,
            replied_at: None,
            replied_on_time: None,
            closed_at: None,
            reject_reason: None,
            letter: None,
            consultations: 0,
            reply: None,
            evaluation_result: None,
            evaluation_comment: None,
            evaluated_at: None,
            signed_off_at: None,
            signed_off_by: None,
            published_at: None,
            outstanding: false,
            outstanding_reason: None,
            created_by: new.created_by,
            created_at: now,
            updated_at: now,
            deleted_at: None,
            version: 1,
        }
    }
}

/// The suggestion a motion of `session` becomes when the presidium
/// handles it as one (转为建议): filed and registered at once, a suggestion
/// of the session; the store gives its number in the session's series.
pub fn from_motion(
    id: Uuid,
    new: NewSuggestion,
    session: &crate::congress::CongressSession,
    now: DateTime<Utc>,
) -> Suggestion {
    let mut s = Suggestion::drafted(id, new, now);
    s.status = SuggestionStatus::Registered;
    s.congress_session_id = Some(session.id);
    s.term = session.term.clone();
    s.session = Some(format!(
        "第{}次会议",
        crate::congress::chinese_number(session.number)
    ));
    s.submitted_at = Some(now);
    s.registered_at = Some(now);
    // The motion's signers confirmed when they signed it.
    for c in &mut s.co_signers {
        c.status = super::CoSignatureStatus::Confirmed;
        c.confirmed_at = Some(now);
    }
    s
}
