//! Deputies' activities (履职活动, "代表+") and the needs list (需求清单)
//! of enterprises and residents that activities and deputies answer.

use crate::id::{DeputyId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::Code;

mod command;
#[cfg(test)]
mod command_tests;

pub use command::*;

string_enum! {
    /// The kind of an activity.
    pub enum ActivityKind : "activity kind" {
        /// A service brand such as 代表+心理关爱, 代表+义务助老, 代表+法律援助.
        ServiceBrand = "service_brand",
        /// A training class.
        Training = "training",
        /// A study session.
        Study = "study",
        /// A court hearing attended (千名代表听百案).
        CourtHearing = "court_hearing",
        /// An inspection.
        Inspection = "inspection",
        /// A visit.
        Visit = "visit",
        Other = "other",
    }
}

string_enum! {
    /// Who raised a need.
    pub enum RequesterKind : "requester kind" {
        Enterprise = "enterprise",
        Resident = "resident",
    }
}

string_enum! {
    /// Where a need stands.
    pub enum NeedStatus : "need status" {
        Open = "open",
        /// Matched to an activity or a deputy.
        Matched = "matched",
        /// Met and closed.
        Met = "met",
    }
}

/// An activity.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Activity {
    pub id: Uuid,
    pub kind: ActivityKind,
    /// The service brand, e.g. 代表+心理关爱.
    pub brand: Option<String>,
    pub title: String,
    pub description: Option<String>,
    pub day: NaiveDate,
    pub place: String,
    pub organiser: String,
    /// Deputies invited, sorted.
    pub invited: Vec<DeputyId>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// A deputy's part in an activity.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Participant {
    pub deputy_id: DeputyId,
    pub invited: bool,
    pub signed_up_at: Option<DateTime<Utc>>,
    pub checked_in_at: Option<DateTime<Utc>>,
    /// Staff who recorded the attendance, when not the deputy.
    pub checked_in_by: Option<UserId>,
}

/// A need of an enterprise or a resident (需求清单).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Need {
    pub id: Uuid,
    pub requester: String,
    pub requester_kind: RequesterKind,
    pub content: String,
    /// Personal data.
    pub contact_phone: Option<String>,
    pub status: NeedStatus,
    pub activity_id: Option<Uuid>,
    pub deputy_id: Option<DeputyId>,
    pub close_note: Option<String>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl Need {
    /// Whether the requester is a person (a resident), whose name is
    /// personal data; an enterprise's name is not.
    pub fn requester_is_a_person(&self) -> bool {
        self.requester_kind == RequesterKind::Resident
    }
}

/// A refused command on an activity or a need.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActivityError {
    /// The day cannot change once deputies have checked in: check-ins are
    /// duty records of the day they happened.
    #[error("deputies have checked in")]
    AttendanceRecorded,
    /// Signing up after the activity's day.
    #[error("the activity is over")]
    Over,
    /// Checking in on another day than the activity's.
    #[error("check-in is open on the day only")]
    CheckInClosed,
    /// Recording attendance before the activity's day.
    #[error("the activity has not taken place")]
    NotHeld,
    /// The need is met already (matching) or not matched yet (closing).
    #[error("not allowed while the need is {0}")]
    NeedState(NeedStatus),
    /// Fields of the command's input that the rules refuse.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldIssue>),
}

/// One field a rule refuses.
pub type FieldIssue = crate::command::FieldIssue<Issue>;

/// What is wrong with a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Issue {
    /// A required text is empty or only blank characters.
    Blank,
    /// A service-brand activity names its brand.
    BrandRequired,
    /// A day more than a year from today.
    DayOutOfRange,
    /// No such deputy.
    UnknownDeputy,
    /// No such activity.
    UnknownActivity,
    /// A match names neither an activity nor a deputy.
    MatchRequired,
}

impl ActivityError {
    /// The stable code of the refusal.
    pub const fn code(&self) -> Code {
        match self {
            ActivityError::AttendanceRecorded => Code::AttendanceRecorded,
            ActivityError::Over => Code::ActivityOver,
            ActivityError::CheckInClosed => Code::CheckInClosed,
            ActivityError::NotHeld => Code::ActivityNotHeld,
            ActivityError::NeedState(_) => Code::InvalidState,
            ActivityError::Invalid(_) => Code::ValidationFailed,
        }
    }
}

impl Issue {
    /// The stable code of the field's problem.
    pub const fn code(self) -> &'static str {
        match self {
            Issue::Blank => "blank",
            Issue::BrandRequired | Issue::MatchRequired => "required",
            Issue::DayOutOfRange => "out_of_range",
            Issue::UnknownDeputy | Issue::UnknownActivity => "not_found",
        }
    }
}

/// Deputies check in on the day of the activity (China Standard Time).
pub fn check_in_open(activity_date: NaiveDate, today: NaiveDate) -> bool {
    activity_date == today
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_in_is_open_on_the_day_only() {
        let d = NaiveDate::from_ymd_opt(2026, 5, 20).unwrap_or_default();
        assert!(check_in_open(d, d));
        assert!(!check_in_open(d, d.succ_opt().unwrap_or_default()));
        assert!(!check_in_open(d.succ_opt().unwrap_or_default(), d));
    }
}
