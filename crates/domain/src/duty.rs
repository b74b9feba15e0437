//! Deputies' duty records (履职记录) and the yearly archive (履职档案).
//! The system writes a record with every duty it sees performed; staff and
//! deputies add the rest by hand.

use chrono::NaiveDate;
use uuid::Uuid;

string_enum! {
    /// What a deputy did.
    pub enum DutyKind : "duty kind" {
        /// Submitted a suggestion as its lead deputy (written by the system).
        SuggestionSubmitted = "suggestion_submitted",
        /// Co-signed a suggestion that was submitted (written by the system).
        SuggestionCoSigned = "suggestion_co_signed",
        /// Checked in at an activity (written by the system).
        ActivityAttended = "activity_attended",
        /// Served a reception day at a station (written by the system).
        ReceptionServed = "reception_served",
        /// Took up a constituent opinion as a suggestion (written by the system).
        OpinionTakenUp = "opinion_taken_up",
        /// Voted in a supervision item's satisfaction evaluation (written by the system).
        SupervisionVote = "supervision_vote",
        /// Cast a ballot on livelihood projects (written by the system).
        LivelihoodBallot = "livelihood_ballot",
        /// Rated a livelihood project (written by the system).
        LivelihoodRating = "livelihood_rating",
        /// A meeting attended (recorded by hand).
        Meeting = "meeting",
        /// Research or a survey (recorded by hand).
        Research = "research",
        /// Visiting constituents (recorded by hand).
        Visit = "visit",
        /// Anything else (recorded by hand).
        Other = "other",
    }
}

impl DutyKind {
    /// Kinds that people record by hand; the others only the system writes.
    pub const MANUAL: &'static [DutyKind] = &[
        DutyKind::Meeting,
        DutyKind::Research,
        DutyKind::Visit,
        DutyKind::Other,
    ];

    pub fn is_manual(self) -> bool {
        Self::MANUAL.contains(&self)
    }
}

/// A duty to record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NewDuty {
    pub deputy_id: Uuid,
    pub kind: DutyKind,
    pub occurred_on: NaiveDate,
    pub title: String,
    pub content: Option<String>,
    pub ref_type: Option<&'static str>,
    pub ref_id: Option<Uuid>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hand_kinds_are_manual() {
        assert!(DutyKind::Meeting.is_manual());
        assert!(!DutyKind::ActivityAttended.is_manual());
        let system = DutyKind::ALL.iter().filter(|k| !k.is_manual()).count();
        assert_eq!(system, 8);
    }
}
