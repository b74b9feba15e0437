//! Deputies' activities (履职活动, "代表+") and the needs list (需求清单)
//! of enterprises and residents that activities and deputies answer.

use chrono::NaiveDate;

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
