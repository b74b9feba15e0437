//! Reply deadlines under three-colour management and the closing rule of
//! each colour.

use chrono::{Days, Months, NaiveDate};

use super::{Color, HandlingPolicy, SuggestionStatus};

/// The longest a red suggestion may be given (重点监督, at most 180 days).
pub const RED_MAX_DAYS: u64 = 180;

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
    policy: &HandlingPolicy,
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

/// The deadline of rehandling that starts on `today`: the policy's days
/// in full. Rehandling is a new period of its own (一个月内重新答复), so the
/// six months counted from the assignment do not cut it short.
pub fn rehandling_deadline(today: NaiveDate, policy: &HandlingPolicy) -> NaiveDate {
    today
        .checked_add_days(Days::new(policy.rehandling_days))
        .unwrap_or(today)
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
