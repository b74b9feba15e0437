//! Deputies' suggestions (代表建议) and their handling under three-colour
//! management (三色管理法): the states, the operations between them, the
//! colours with their deadlines and closing rules.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

pub use crate::id::{DeputyId, UnitId, UserId};

mod command;
#[cfg(test)]
mod command_tests;
mod deadline;
mod drafting;
mod error;
pub mod figures;
mod handout;
mod notices;
mod policy;
mod practice;
mod records;
mod requests;
pub mod tallies;
#[cfg(test)]
mod tests;

pub use command::*;
pub use deadline::*;
pub use drafting::*;
pub use error::{FieldIssue, Issue, SuggestionError};
pub use handout::*;
pub use notices::*;
pub use policy::*;
pub use practice::*;
pub use records::*;
pub use requests::*;

string_enum! {
    /// Where a suggestion stands.
    pub enum SuggestionStatus : "suggestion status" {
        /// Being written by its lead deputy; seen only by the author and co-signers.
        Draft = "draft",
        /// Handed in; waiting for the office's review.
        Submitted = "submitted",
        /// Accepted (立案) and numbered; waiting for assignment.
        Registered = "registered",
        /// Not accepted (不予立案), with a reason. Final.
        NotRegistered = "not_registered",
        /// Assigned to a lead unit (and co-units) with a colour and deadline.
        Assigned = "assigned",
        /// The lead unit has replied; waiting for evaluation or closing.
        Replied = "replied",
        /// The deputy was unsatisfied; the unit handles it again (重新办理).
        Rehandling = "rehandling",
        /// Done. Final.
        Closed = "closed",
    }
}

string_enum! {
    /// The colour of three-colour management.
    pub enum Color : "color" {
        /// 立行立改马上办: handle at once.
        Green = "green",
        /// 专题查验限期办: special verification within a deadline.
        Yellow = "yellow",
        /// 重点监督兜底办: key supervision by a leader.
        Red = "red",
    }
}

string_enum! {
    /// Where a suggestion came from.
    pub enum SuggestionSource : "suggestion source" {
        /// The deputy's own (代表自提).
        Deputy = "deputy",
        /// A constituent opinion left at a station (群众意见).
        ConstituentOpinion = "constituent_opinion",
        /// A collection drive (建议收集站).
        CollectionDrive = "collection_drive",
        /// A motion the presidium decided to handle as a suggestion (转为建议).
        Motion = "motion",
    }
}

string_enum! {
    /// When a suggestion was raised.
    pub enum SessionTiming : "session timing" {
        /// During a session of the congress (大会期间).
        DuringSession = "during_session",
        /// Between sessions (闭会期间).
        BetweenSessions = "between_sessions",
    }
}

string_enum! {
    /// A deputy's evaluation of a reply.
    pub enum EvaluationResult : "evaluation result" {
        Satisfied = "satisfied",
        BasicallySatisfied = "basically_satisfied",
        Unsatisfied = "unsatisfied",
    }
}

/// The category of a reply: what the unit could do.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ReplyCategory {
    /// Solved or basically solved (已解决或基本解决).
    A,
    /// Being solved or planned (正在解决或列入计划): a commitment is tracked.
    B,
    /// Cannot be solved now, for stated reasons (因条件限制暂时无法解决).
    C,
}

impl ReplyCategory {
    pub const fn as_str(self) -> &'static str {
        match self {
            ReplyCategory::A => "A",
            ReplyCategory::B => "B",
            ReplyCategory::C => "C",
        }
    }
}

impl std::str::FromStr for ReplyCategory {
    type Err = crate::UnknownVariant;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "A" => Ok(ReplyCategory::A),
            "B" => Ok(ReplyCategory::B),
            "C" => Ok(ReplyCategory::C),
            _ => Err(crate::UnknownVariant {
                kind: "reply category",
                value: s.to_owned(),
            }),
        }
    }
}

/// An operation on a suggestion's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Submit,
    Register,
    Reject,
    Assign,
    /// Staff approve a unit's request to hand the suggestion back: it is
    /// assigned anew.
    Reassign,
    Reply,
    /// The deputy's evaluation with its result.
    Evaluate(EvaluationResult),
    Close,
}

/// Why an operation is refused in the current state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("`{op:?}` is not allowed while the suggestion is `{from}`")]
pub struct IllegalTransition {
    pub from: SuggestionStatus,
    pub op: Transition,
}

/// The state machine: the state after `op`, or why `op` is refused. The
/// colour decides what an evaluation leads to: a green suggestion closes
/// on a satisfied evaluation; yellow and red ones wait for the office to
/// close them once their extra records exist.
pub fn next_status(
    from: SuggestionStatus,
    op: Transition,
    color: Option<Color>,
) -> Result<SuggestionStatus, IllegalTransition> {
    use SuggestionStatus::*;
    let to = match (from, op) {
        (Draft, Transition::Submit) => Submitted,
        (Submitted, Transition::Register) => Registered,
        (Submitted, Transition::Reject) => NotRegistered,
        (Registered, Transition::Assign) => Assigned,
        (Assigned | Rehandling, Transition::Reassign) => Assigned,
        (Assigned | Rehandling, Transition::Reply) => Replied,
        (Replied, Transition::Evaluate(EvaluationResult::Unsatisfied)) => Rehandling,
        (Replied, Transition::Evaluate(_)) => {
            if color == Some(Color::Green) {
                Closed
            } else {
                Replied
            }
        }
        (Replied, Transition::Close) => Closed,
        _ => return Err(IllegalTransition { from, op }),
    };
    Ok(to)
}

/// The starting list of suggestion categories.
pub const DEFAULT_CATEGORIES: &[&str] = &[
    "经济发展",
    "城乡建设",
    "交通",
    "教育",
    "医疗卫生",
    "社会保障",
    "农业农村",
    "生态环境",
    "政法",
    "其他",
];

string_enum! {
    /// Where a named co-signer (附议代表) stands. Only a confirmed
    /// co-signer counts; one who has not answered when the draft is
    /// submitted drops out.
    pub enum CoSignatureStatus : "co-signature status" {
        /// Named by the lead deputy; has not answered yet.
        Invited = "invited",
        /// Agreed to co-sign: counts, and gets the duty record on submission.
        Confirmed = "confirmed",
        /// Declined the invitation.
        Declined = "declined",
        /// Confirmed, then withdrew before submission.
        Withdrawn = "withdrawn",
        /// Had not answered when the draft was submitted.
        Lapsed = "lapsed",
    }
}

/// 附议代表及其附议状态。
///
/// A co-signer (附议代表).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = CoSignerView))]
pub struct CoSigner {
    /// 附议代表的代表 ID。
    ///
    /// The co-signer's deputy id.
    pub deputy_id: DeputyId,
    /// 附议状态：`invited`、`confirmed`、`declined`、`withdrawn` 或 `lapsed`；
    /// 只有 `confirmed` 计为附议。
    ///
    /// `invited`, `confirmed`, `declined`, `withdrawn` or `lapsed`; only
    /// `confirmed` counts.
    pub status: CoSignatureStatus,
    /// 确认附议的时间（UTC）；未确认时为 null。
    ///
    /// When the co-signer confirmed.
    pub confirmed_at: Option<DateTime<Utc>>,
    /// 不再参与附议的时间（UTC）：谢绝、撤回或提交时仍未答复；否则为 null。
    ///
    /// When the co-signer stopped taking part: declined, withdrew, or
    /// dropped out unanswered at submission.
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl CoSigner {
    /// A deputy just named, not yet answered.
    pub const fn invited(deputy_id: DeputyId) -> CoSigner {
        CoSigner {
            deputy_id,
            status: CoSignatureStatus::Invited,
            confirmed_at: None,
            withdrawn_at: None,
        }
    }

    /// Still taking part: invited or confirmed. Such a co-signer reads
    /// the draft.
    pub const fn involved(&self) -> bool {
        matches!(
            self.status,
            CoSignatureStatus::Invited | CoSignatureStatus::Confirmed
        )
    }
}

impl SuggestionStatus {
    /// Handled to the end (办结).
    pub const fn is_closed(self) -> bool {
        matches!(self, SuggestionStatus::Closed)
    }

    /// Registered, or further along: what the office handles.
    pub const fn is_handled(self) -> bool {
        !matches!(
            self,
            SuggestionStatus::Draft | SuggestionStatus::Submitted | SuggestionStatus::NotRegistered
        )
    }
}

/// The statuses in which the handling units see a suggestion.
pub const UNIT_VISIBLE: &[SuggestionStatus] = &[
    SuggestionStatus::Assigned,
    SuggestionStatus::Replied,
    SuggestionStatus::Rehandling,
    SuggestionStatus::Closed,
];

/// A co-unit (协办单位): its own deadline and its opinion to the lead unit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CoUnit {
    pub unit_id: UnitId,
    pub deadline: Option<NaiveDate>,
    pub opinion: Option<String>,
    pub opinion_at: Option<DateTime<Utc>>,
}

/// 主办单位的正式答复函。
///
/// The lead unit's official reply letter (答复函).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ReplyView, example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ea4", "round": 1, "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "category": "B", "content": "已列入2026年民生实事计划，年内建成助餐点3个。", "document_number": "宿城民政函〔2026〕12号", "signed_by": "王强", "responsible_person": "李华", "handler_name": "赵磊", "handler_phone": "0527-84351234", "reply_date": "2026-05-20", "created_at": "2026-11-27T08:00:00Z"})))]
pub struct Reply {
    /// 答复 ID。
    ///
    /// The reply's id.
    pub id: Uuid,
    /// 答复轮次：首次答复为 1，重新办理一次后为 2，依此类推。
    ///
    /// 1 for the first reply, 2 after one rehandling, ...
    pub round: i32,
    /// 作出答复的主办单位 ID。
    ///
    /// The lead unit that replied.
    pub unit_id: UnitId,
    /// 答复类别：`A` 已解决或基本解决，`B` 正在解决或列入计划，`C` 因条件限制暂时无法解决。
    ///
    /// `A` solved or basically solved, `B` being solved or planned, `C` cannot
    /// be solved now.
    pub category: ReplyCategory,
    /// 答复内容。
    ///
    /// The text of the reply.
    pub content: String,
    /// 文号
    pub document_number: Option<String>,
    /// 签发人
    pub signed_by: Option<String>,
    /// 责任人；可为 null。
    ///
    /// The person responsible at the unit (责任人); may be null.
    pub responsible_person: Option<String>,
    /// 承办人姓名；可为 null。
    ///
    /// The name of the clerk who handled it (承办人); may be null.
    pub handler_name: Option<String>,
    /// 承办人联系电话；仅因建议已公开而可见的调用者看到掩码号码。可为 null。
    ///
    /// The handler's phone; masked for a caller who sees the suggestion only
    /// because it is published. May be null.
    pub handler_phone: Option<String>,
    /// 答复函的日期；未填写时为录入当天（北京时间）。
    ///
    /// The date of the reply letter; the day it was entered (China time) when
    /// none was given.
    pub reply_date: NaiveDate,
    /// 答复录入时间（UTC）。
    ///
    /// When the reply was entered (UTC).
    pub created_at: DateTime<Utc>,
}

/// A suggestion as recorded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Suggestion {
    pub id: Uuid,
    pub number: Option<String>,
    pub title: String,
    pub content: String,
    pub category: String,
    pub term: String,
    pub session: Option<String>,
    pub timing: SessionTiming,
    /// The congress session it belongs to: the one of its lead deputy's
    /// level that was open when it was filed. Numbered in that session's
    /// series; without one, in the year's.
    pub congress_session_id: Option<Uuid>,
    pub lead_deputy_id: DeputyId,
    pub co_signers: Vec<CoSigner>,
    pub source: SuggestionSource,
    pub source_ref: Option<String>,
    pub status: SuggestionStatus,
    pub color: Option<Color>,
    pub lead_unit_id: Option<UnitId>,
    pub co_units: Vec<CoUnit>,
    /// While set, the lead unit (a government office) is to pass the
    /// suggestion on to its departments (分办) by this day.
    pub pass_on_due: Option<NaiveDate>,
    /// The government office that passed it on to the lead unit; it keeps
    /// reading the suggestion.
    pub dispatcher_unit_id: Option<UnitId>,
    /// The 交办 batch it was assigned in.
    pub assignment_batch_id: Option<Uuid>,
    pub supervisor_id: Option<UserId>,
    pub assigned_on: Option<NaiveDate>,
    pub deadline: Option<NaiveDate>,
    pub overdue_recorded: bool,
    pub submitted_at: Option<DateTime<Utc>>,
    pub registered_at: Option<DateTime<Utc>>,
    pub assigned_at: Option<DateTime<Utc>>,
    pub replied_at: Option<DateTime<Utc>>,
    /// Whether the latest reply came no later than its deadline.
    pub replied_on_time: Option<bool>,
    pub closed_at: Option<DateTime<Utc>>,
    pub reject_reason: Option<String>,
    /// Not registered, passed to a unit as a letter (转来信).
    pub letter: Option<Letter>,
    /// Consultations (面商) recorded on it that the deputy has not disputed.
    pub consultations: u32,
    pub reply: Option<Reply>,
    pub evaluation_result: Option<EvaluationResult>,
    pub evaluation_comment: Option<String>,
    pub evaluated_at: Option<DateTime<Utc>>,
    pub signed_off_at: Option<DateTime<Utc>>,
    pub signed_off_by: Option<UserId>,
    pub published_at: Option<DateTime<Utc>>,
    pub outstanding: bool,
    pub outstanding_reason: Option<String>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub version: i32,
}

/// Where a suggestion stands, as a report of its deputies' work counts
/// it: its state and the deputies' evaluation, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub status: SuggestionStatus,
    pub evaluation_result: Option<EvaluationResult>,
}

impl Outcome {
    /// How a closed suggestion ended for its deputies: `Some(true)` when
    /// they were satisfied or basically satisfied, `Some(false)` when not,
    /// `None` while it is open or was closed unevaluated.
    pub fn satisfied_at_close(&self) -> Option<bool> {
        if self.status != SuggestionStatus::Closed {
            return None;
        }
        self.evaluation_result
            .map(|e| e != EvaluationResult::Unsatisfied)
    }
}

impl Suggestion {
    /// Deputies who co-sign: those who confirmed and did not withdraw.
    pub fn active_co_signers(&self) -> impl Iterator<Item = DeputyId> + '_ {
        self.co_signers
            .iter()
            .filter(|c| c.status == CoSignatureStatus::Confirmed)
            .map(|c| c.deputy_id)
    }

    /// Deputies still taking part, invited or confirmed: they read the
    /// suggestion (a draft included).
    pub fn involved_co_signers(&self) -> impl Iterator<Item = DeputyId> + '_ {
        self.co_signers
            .iter()
            .filter(|c| c.involved())
            .map(|c| c.deputy_id)
    }

    /// The round the next reply answers: 1 for the first reply, 2 for the
    /// reply after one rehandling, ... A consultation (面商) recorded now
    /// belongs to this round.
    pub fn next_reply_round(&self) -> i32 {
        self.reply.as_ref().map_or(1, |r| r.round + 1)
    }

    /// Whether `c` counts for the next reply: recorded by the current lead
    /// unit, for this round, and not disputed.
    pub fn consultation_counts(&self, c: &Consultation) -> bool {
        c.round == self.next_reply_round() && Some(c.unit_id) == self.lead_unit_id && c.counts()
    }

    /// Whether the evaluation of the latest reply is, or will be, final:
    /// an unsatisfied one on record while replied, or no rehandling left.
    pub fn evaluation_is_final(&self, policy: &HandlingPolicy) -> bool {
        (self.status == SuggestionStatus::Replied
            && self.evaluation_result == Some(EvaluationResult::Unsatisfied))
            || (self.reply.is_some() && !self.may_be_rehandled(policy))
    }

    /// The first day of the current round of handling: the assignment, or
    /// the unsatisfied evaluation that started rehandling.
    pub fn round_started_on(&self) -> Option<NaiveDate> {
        match (self.reply.is_some(), self.evaluated_at) {
            (true, Some(at)) if self.status == SuggestionStatus::Rehandling => {
                Some(crate::time::china_date(at))
            }
            _ => self.assigned_on,
        }
    }

    /// Whether an unsatisfied evaluation of the latest reply still sends
    /// the suggestion back: the policy's rehandlings are not used up.
    pub fn may_be_rehandled(&self, policy: &HandlingPolicy) -> bool {
        let done = self.reply.as_ref().map_or(0, |r| r.round - 1);
        i64::from(done) < i64::from(policy.max_rehandlings)
    }

    /// The last day the lead deputy may evaluate the latest reply, while
    /// it waits for the evaluation (none under a policy without a limit).
    pub fn evaluation_due(&self, policy: &HandlingPolicy) -> Option<NaiveDate> {
        let replied = self.replied_at?;
        if policy.evaluation_days == 0
            || self.status != SuggestionStatus::Replied
            || self.evaluation_result.is_some()
        {
            return None;
        }
        policy.evaluation_due_after(replied)
    }

    /// Whether the lead deputy's time to evaluate the latest reply has
    /// passed on `today` without an evaluation.
    pub fn evaluation_lapsed(&self, policy: &HandlingPolicy, today: NaiveDate) -> bool {
        self.evaluation_due(policy).is_some_and(|due| due < today)
    }

    /// Closed with no evaluation of the deputy's on record (their time to
    /// evaluate had passed).
    pub fn closed_not_evaluated(&self) -> bool {
        self.status == SuggestionStatus::Closed && self.evaluation_result.is_none()
    }

    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        is_overdue(self.status, self.deadline, today)
    }

    /// How a closed suggestion ended for its deputies (see
    /// [`Outcome::satisfied_at_close`]).
    pub fn satisfied_at_close(&self) -> Option<bool> {
        self.outcome().satisfied_at_close()
    }

    /// Where it stands, as a report of its deputies' work counts it.
    pub fn outcome(&self) -> Outcome {
        Outcome {
            status: self.status,
            evaluation_result: self.evaluation_result,
        }
    }

    /// Whether someone following what became of a constituent opinion
    /// sees this suggestion made of it: a draft is its deputy's own work
    /// until submitted, shown only to that deputy (`viewer`).
    pub fn shown_as_progress_to(&self, viewer: Option<DeputyId>) -> bool {
        self.status != SuggestionStatus::Draft || viewer == Some(self.lead_deputy_id)
    }

    /// The year a list's `year` filter finds it in: that of its
    /// registration in China's calendar, or of its drafting while it is
    /// not registered.
    pub fn year(&self) -> i32 {
        use chrono::Datelike;
        crate::time::china_date(self.registered_at.unwrap_or(self.created_at)).year()
    }

    /// Whether the suggestion has reached the units (assignment or later).
    pub fn reached_units(&self) -> bool {
        matches!(
            self.status,
            SuggestionStatus::Assigned
                | SuggestionStatus::Replied
                | SuggestionStatus::Rehandling
                | SuggestionStatus::Closed
        )
    }
}
