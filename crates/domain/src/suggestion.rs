//! Deputies' suggestions (代表建议) and their handling under three-colour
//! management (三色管理法): the states, the operations between them, the
//! colours with their deadlines and closing rules.

use chrono::{Days, Months, NaiveDate};

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

/// Days given to units, configurable by the congress within the law's
/// limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadlinePolicy {
    pub green_days: u64,
    pub yellow_days: u64,
    pub red_days: u64,
    /// Days for rehandling after an unsatisfied evaluation.
    pub rehandling_days: u64,
}

impl Default for DeadlinePolicy {
    fn default() -> Self {
        Self {
            green_days: 30,
            yellow_days: 90,
            red_days: 90,
            rehandling_days: REHANDLING_DAYS,
        }
    }
}

/// The longest a red suggestion may be given (重点监督, at most 180 days).
pub const RED_MAX_DAYS: u64 = 180;

impl DeadlinePolicy {
    /// The default days from assignment to the reply deadline.
    pub const fn default_days(&self, color: Color) -> u64 {
        match color {
            Color::Green => self.green_days,
            Color::Yellow => self.yellow_days,
            Color::Red => self.red_days,
        }
    }

    /// Refuses a policy past the law's limits: no default over six months
    /// (about 181 days), red over 180, none under one day.
    pub fn check(&self) -> Result<(), &'static str> {
        let all = [
            self.green_days,
            self.yellow_days,
            self.red_days,
            self.rehandling_days,
        ];
        if all.iter().any(|d| *d == 0 || *d > 181) {
            return Err("deadline defaults must be between 1 and 181 days");
        }
        if self.red_days > RED_MAX_DAYS {
            return Err("a red deadline may not exceed 180 days");
        }
        Ok(())
    }
}

/// Days given for rehandling after an unsatisfied evaluation, by default.
pub const REHANDLING_DAYS: u64 = 30;
/// Days after assignment within which a unit may ask to hand a suggestion back.
pub const REASSIGN_WINDOW_DAYS: u64 = 10;
/// The law's outer limit: a reply within six months of assignment.
pub const MAX_MONTHS: u32 = 6;

/// The latest deadline the law allows for a suggestion assigned on
/// `assigned` with `color`: six months, and for red at most 180 days.
pub fn latest_deadline_for(assigned: NaiveDate, color: Option<Color>) -> NaiveDate {
    let six_months = latest_deadline(assigned);
    match color {
        Some(Color::Red) => six_months.min(
            assigned
                .checked_add_days(Days::new(RED_MAX_DAYS))
                .unwrap_or(six_months),
        ),
        _ => six_months,
    }
}

/// The latest deadline the law allows for a suggestion assigned on `assigned`.
pub fn latest_deadline(assigned: NaiveDate) -> NaiveDate {
    assigned
        .checked_add_months(Months::new(MAX_MONTHS))
        .unwrap_or(NaiveDate::MAX)
}

/// Why a deadline is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    #[error("the deadline is before the assignment")]
    BeforeAssignment,
    #[error("the deadline is more than six months after the assignment")]
    PastSixMonths,
}

/// The reply deadline for an assignment on `assigned`: the one asked for,
/// or the policy's default for the colour, never past the law's limit.
pub fn assignment_deadline(
    assigned: NaiveDate,
    color: Color,
    requested: Option<NaiveDate>,
    policy: &DeadlinePolicy,
) -> Result<NaiveDate, DeadlineError> {
    let deadline = match requested {
        Some(d) => d,
        None => assigned
            .checked_add_days(Days::new(policy.default_days(color)))
            .unwrap_or(NaiveDate::MAX),
    };
    check_deadline(assigned, Some(color), deadline)
}

/// Checks a deadline against the assignment date and the law's limit.
pub fn check_deadline(
    assigned: NaiveDate,
    color: Option<Color>,
    deadline: NaiveDate,
) -> Result<NaiveDate, DeadlineError> {
    if deadline < assigned {
        return Err(DeadlineError::BeforeAssignment);
    }
    if deadline > latest_deadline_for(assigned, color) {
        return Err(DeadlineError::PastSixMonths);
    }
    Ok(deadline)
}

/// Why an extension's new deadline is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ExtensionError {
    #[error("the new deadline is not later than the current one")]
    NotLater,
    #[error("the new deadline is in the past")]
    InThePast,
    #[error(transparent)]
    Deadline(#[from] DeadlineError),
}

/// The deadline an extension moves to: later than the current one, not in
/// the past, and within the law's limit from the assignment. The one rule
/// for a unit asking and for the office deciding, so that what was asked
/// can always be granted on the day it is asked.
pub fn extension_deadline(
    assigned: NaiveDate,
    color: Option<Color>,
    current: Option<NaiveDate>,
    wanted: NaiveDate,
    today: NaiveDate,
) -> Result<NaiveDate, ExtensionError> {
    if current.is_some_and(|d| wanted <= d) {
        return Err(ExtensionError::NotLater);
    }
    if wanted < today {
        return Err(ExtensionError::InThePast);
    }
    Ok(check_deadline(assigned, color, wanted)?)
}

/// The deadline of rehandling that starts on `today`: the policy's days,
/// but never past the law's limit counted from the assignment (and never
/// before today).
pub fn rehandling_deadline(
    assigned: NaiveDate,
    color: Option<Color>,
    today: NaiveDate,
    policy: &DeadlinePolicy,
) -> NaiveDate {
    let wanted = today
        .checked_add_days(Days::new(policy.rehandling_days))
        .unwrap_or(today);
    wanted.min(latest_deadline_for(assigned, color)).max(today)
}

/// Whether a suggestion is overdue on `today`: its deadline has passed and
/// the unit has not replied.
pub fn is_overdue(status: SuggestionStatus, deadline: Option<NaiveDate>, today: NaiveDate) -> bool {
    matches!(
        status,
        SuggestionStatus::Assigned | SuggestionStatus::Rehandling
    ) && deadline.is_some_and(|d| d < today)
}

/// What a suggestion still lacks before the office may close it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseBlocker {
    /// The lead deputy has not evaluated the latest reply.
    NotEvaluated,
    /// Yellow: no on-site verification record (上门查验).
    NoVerification,
    /// Red: no supervision notes from the supervising leader.
    NoSupervisionNotes,
    /// Red: the supervising leader has not signed off.
    NotSignedOff,
}

/// What is recorded on a suggestion that bears on closing it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CloseFacts {
    pub evaluated: bool,
    pub verifications: u32,
    pub supervision_notes: u32,
    pub signed_off: bool,
}

/// The closing rule of each colour: what is still missing, empty when the
/// suggestion may close.
pub fn close_blockers(color: Option<Color>, facts: CloseFacts) -> Vec<CloseBlocker> {
    let mut out = Vec::new();
    if !facts.evaluated {
        out.push(CloseBlocker::NotEvaluated);
    }
    match color {
        Some(Color::Yellow) if facts.verifications == 0 => out.push(CloseBlocker::NoVerification),
        Some(Color::Red) => {
            if facts.supervision_notes == 0 {
                out.push(CloseBlocker::NoSupervisionNotes);
            }
            if !facts.signed_off {
                out.push(CloseBlocker::NotSignedOff);
            }
        }
        _ => {}
    }
    out
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

/// The human number of a registered suggestion: `2026-0042`.
pub fn format_number(year: i32, seq: i64) -> String {
    format!("{year}-{seq:04}")
}

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A co-signer (附议代表) of a suggestion.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CoSigner {
    pub deputy_id: Uuid,
    /// Set when the co-signer withdrew before submission.
    pub withdrawn_at: Option<DateTime<Utc>>,
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
    pub unit_id: Uuid,
    pub deadline: Option<NaiveDate>,
    pub opinion: Option<String>,
    pub opinion_at: Option<DateTime<Utc>>,
}

/// The lead unit's official reply letter (答复函).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Reply {
    pub id: Uuid,
    /// 1 for the first reply, 2 after one rehandling, ...
    pub round: i32,
    pub unit_id: Uuid,
    pub category: ReplyCategory,
    pub content: String,
    /// 文号
    pub document_number: Option<String>,
    /// 签发人
    pub signed_by: Option<String>,
    pub responsible_person: Option<String>,
    pub handler_name: Option<String>,
    pub handler_phone: Option<String>,
    pub reply_date: NaiveDate,
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
    pub lead_deputy_id: Uuid,
    pub co_signers: Vec<CoSigner>,
    pub source: SuggestionSource,
    pub source_ref: Option<String>,
    pub status: SuggestionStatus,
    pub color: Option<Color>,
    pub lead_unit_id: Option<Uuid>,
    pub co_units: Vec<CoUnit>,
    pub supervisor_id: Option<Uuid>,
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
    pub reply: Option<Reply>,
    pub evaluation_result: Option<EvaluationResult>,
    pub evaluation_comment: Option<String>,
    pub evaluated_at: Option<DateTime<Utc>>,
    pub signed_off_at: Option<DateTime<Utc>>,
    pub signed_off_by: Option<Uuid>,
    pub published_at: Option<DateTime<Utc>>,
    pub outstanding: bool,
    pub outstanding_reason: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub version: i32,
}

impl Suggestion {
    /// Deputies who co-sign and have not withdrawn.
    pub fn active_co_signers(&self) -> impl Iterator<Item = Uuid> + '_ {
        self.co_signers
            .iter()
            .filter(|c| c.withdrawn_at.is_none())
            .map(|c| c.deputy_id)
    }

    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        is_overdue(self.status, self.deadline, today)
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

#[cfg(test)]
mod tests {
    use super::*;
    use SuggestionStatus::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn the_state_machine_table() {
        use EvaluationResult::*;
        let ok = [
            (Draft, Transition::Submit, None, Submitted),
            (Submitted, Transition::Register, None, Registered),
            (Submitted, Transition::Reject, None, NotRegistered),
            (Registered, Transition::Assign, None, Assigned),
            (Assigned, Transition::Reassign, Some(Color::Green), Assigned),
            (Assigned, Transition::Reply, Some(Color::Green), Replied),
            (Rehandling, Transition::Reply, Some(Color::Red), Replied),
            (
                Replied,
                Transition::Evaluate(Satisfied),
                Some(Color::Green),
                Closed,
            ),
            (
                Replied,
                Transition::Evaluate(BasicallySatisfied),
                Some(Color::Green),
                Closed,
            ),
            (
                Replied,
                Transition::Evaluate(Satisfied),
                Some(Color::Yellow),
                Replied,
            ),
            (
                Replied,
                Transition::Evaluate(Satisfied),
                Some(Color::Red),
                Replied,
            ),
            (
                Replied,
                Transition::Evaluate(Unsatisfied),
                Some(Color::Green),
                Rehandling,
            ),
            (Replied, Transition::Close, Some(Color::Yellow), Closed),
        ];
        for (from, op, color, to) in ok {
            assert_eq!(next_status(from, op, color), Ok(to), "{from} {op:?}");
        }
        let refused = [
            (Draft, Transition::Register),
            (Draft, Transition::Reply),
            (Submitted, Transition::Assign),
            (Registered, Transition::Reply),
            (NotRegistered, Transition::Register),
            (NotRegistered, Transition::Submit),
            (Assigned, Transition::Assign),
            (Assigned, Transition::Close),
            (Replied, Transition::Reply),
            (Closed, Transition::Evaluate(Satisfied)),
            (Closed, Transition::Close),
            (Rehandling, Transition::Evaluate(Satisfied)),
        ];
        for (from, op) in refused {
            assert_eq!(
                next_status(from, op, Some(Color::Green)),
                Err(IllegalTransition { from, op })
            );
        }
    }

    #[test]
    fn deadlines_default_by_colour_and_never_pass_six_months() {
        let p = DeadlinePolicy::default();
        let a = d("2026-03-01");
        assert_eq!(
            assignment_deadline(a, Color::Green, None, &p),
            Ok(d("2026-03-31"))
        );
        assert_eq!(
            assignment_deadline(a, Color::Yellow, None, &p),
            Ok(d("2026-05-30"))
        );
        assert_eq!(
            assignment_deadline(a, Color::Yellow, Some(d("2026-09-01")), &p),
            Ok(d("2026-09-01"))
        );
        assert_eq!(
            assignment_deadline(a, Color::Yellow, Some(d("2026-09-02")), &p),
            Err(DeadlineError::PastSixMonths)
        );
        assert_eq!(
            assignment_deadline(a, Color::Red, Some(d("2026-02-28")), &p),
            Err(DeadlineError::BeforeAssignment)
        );
        // Red: at most 180 days, which is shorter than six months here.
        assert_eq!(
            assignment_deadline(a, Color::Red, Some(d("2026-08-28")), &p),
            Ok(d("2026-08-28"))
        );
        assert_eq!(
            assignment_deadline(a, Color::Red, Some(d("2026-08-29")), &p),
            Err(DeadlineError::PastSixMonths)
        );
        // Month ends clamp: 31 August plus six months is 28 February.
        assert_eq!(latest_deadline(d("2026-08-31")), d("2027-02-28"));
        let quick = DeadlinePolicy {
            green_days: 15,
            ..p
        };
        assert_eq!(
            assignment_deadline(a, Color::Green, None, &quick),
            Ok(d("2026-03-16"))
        );
    }

    #[test]
    fn rehandling_stays_within_the_limit_counted_from_assignment() {
        let p = DeadlinePolicy::default();
        let assigned = d("2026-06-01");
        assert_eq!(
            rehandling_deadline(assigned, Some(Color::Green), d("2026-07-01"), &p),
            d("2026-07-31")
        );
        assert_eq!(
            rehandling_deadline(assigned, Some(Color::Green), d("2026-11-28"), &p),
            d("2026-12-01")
        );
        // Past the limit already: no deadline in the past.
        assert_eq!(
            rehandling_deadline(assigned, Some(Color::Green), d("2026-12-10"), &p),
            d("2026-12-10")
        );
    }

    #[test]
    fn policies_are_checked() {
        assert_eq!(DeadlinePolicy::default().check(), Ok(()));
        assert!(
            DeadlinePolicy {
                red_days: 181,
                ..DeadlinePolicy::default()
            }
            .check()
            .is_err()
        );
        assert!(
            DeadlinePolicy {
                green_days: 0,
                ..DeadlinePolicy::default()
            }
            .check()
            .is_err()
        );
        assert!(
            DeadlinePolicy {
                yellow_days: 200,
                ..DeadlinePolicy::default()
            }
            .check()
            .is_err()
        );
    }

    #[test]
    fn overdue_means_past_the_deadline_without_a_reply() {
        let today = d("2026-06-01");
        assert!(is_overdue(Assigned, Some(d("2026-05-31")), today));
        assert!(is_overdue(Rehandling, Some(d("2026-05-31")), today));
        assert!(!is_overdue(Assigned, Some(d("2026-06-01")), today));
        assert!(!is_overdue(Replied, Some(d("2026-05-31")), today));
        assert!(!is_overdue(Assigned, None, today));
    }

    #[test]
    fn closing_rules_by_colour() {
        let evaluated = CloseFacts {
            evaluated: true,
            ..CloseFacts::default()
        };
        assert!(close_blockers(Some(Color::Green), evaluated).is_empty());
        assert_eq!(
            close_blockers(Some(Color::Yellow), evaluated),
            [CloseBlocker::NoVerification]
        );
        assert!(
            close_blockers(
                Some(Color::Yellow),
                CloseFacts {
                    verifications: 1,
                    ..evaluated
                }
            )
            .is_empty()
        );
        assert_eq!(
            close_blockers(
                Some(Color::Red),
                CloseFacts {
                    supervision_notes: 1,
                    ..evaluated
                }
            ),
            [CloseBlocker::NotSignedOff]
        );
        assert!(
            close_blockers(
                Some(Color::Red),
                CloseFacts {
                    supervision_notes: 2,
                    signed_off: true,
                    ..evaluated
                }
            )
            .is_empty()
        );
        assert_eq!(
            close_blockers(Some(Color::Green), CloseFacts::default()),
            [CloseBlocker::NotEvaluated]
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(format_number(2026, 42), "2026-0042");
        assert_eq!(format_number(2026, 12345), "2026-12345");
    }

    #[test]
    fn an_extension_is_later_not_past_and_within_the_limit() {
        let assigned = d("2026-03-01");
        let current = Some(d("2026-05-30"));
        let today = d("2026-05-20");
        let color = Some(Color::Green);
        let cases = [
            (d("2026-06-30"), Ok(d("2026-06-30"))),
            (d("2026-05-30"), Err(ExtensionError::NotLater)),
            (d("2026-05-01"), Err(ExtensionError::NotLater)),
            (
                d("2026-12-01"),
                Err(ExtensionError::Deadline(DeadlineError::PastSixMonths)),
            ),
        ];
        for (wanted, want) in cases {
            assert_eq!(
                extension_deadline(assigned, color, current, wanted, today),
                want,
                "{wanted}"
            );
        }
        // Past the current deadline but before today: refused asking and
        // deciding alike (they once differed).
        let late = d("2026-06-10");
        assert_eq!(
            extension_deadline(assigned, color, current, d("2026-06-01"), late),
            Err(ExtensionError::InThePast)
        );
        // Without a current deadline, only the date and the limit count.
        assert_eq!(
            extension_deadline(assigned, color, None, d("2026-04-01"), today),
            Err(ExtensionError::InThePast)
        );
        assert_eq!(
            extension_deadline(assigned, color, None, d("2026-06-01"), today),
            Ok(d("2026-06-01"))
        );
    }
}
