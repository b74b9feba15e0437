//! Deputies' duty records (履职记录) and the yearly archive (履职档案).
//! The system writes a record with every duty it sees performed; staff and
//! deputies add the rest by hand.

use crate::id::{DeputyId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::Code;
use crate::text::is_blank;

string_enum! {
    /// What a deputy did.
    pub enum DutyKind : "duty kind" {
        /// Submitted a suggestion as its lead deputy (written by the system).
        SuggestionSubmitted = "suggestion_submitted",
        /// Co-signed a suggestion that was submitted (written by the system).
        SuggestionCoSigned = "suggestion_co_signed",
        /// Submitted a motion as its lead deputy (written by the system).
        MotionSubmitted = "motion_submitted",
        /// Signed a motion that was submitted (written by the system).
        MotionCoSigned = "motion_co_signed",
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
    pub deputy_id: DeputyId,
    pub kind: DutyKind,
    pub occurred_on: NaiveDate,
    pub title: String,
    pub content: Option<String>,
    pub ref_type: Option<&'static str>,
    pub ref_id: Option<Uuid>,
}

/// A duty record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DutyRecord {
    pub id: Uuid,
    pub deputy_id: DeputyId,
    pub kind: DutyKind,
    pub occurred_on: NaiveDate,
    pub title: String,
    pub content: Option<String>,
    /// What the record is about (`suggestion`, `activity`, ...), for system records.
    pub ref_type: Option<String>,
    pub ref_id: Option<Uuid>,
    /// Recorded by hand (editable) rather than by the system.
    pub manual: bool,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub version: i32,
}

/// A refused command on a duty record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DutyError {
    /// A record the system wrote is neither changed nor deleted by hand.
    #[error("a record the system wrote")]
    SystemRecord,
    /// Fields of the command's input that the rules refuse.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldIssue>),
}

/// One field a rule refuses.
pub type FieldIssue = crate::command::FieldIssue<Issue>;

/// What is wrong with a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Issue {
    /// A kind only the system writes.
    SystemKind,
    /// A day after today, or before the People's Republic (1949-10-01).
    DayOutOfRange,
    /// A required text is empty or only blank characters.
    Blank,
}

impl DutyError {
    /// The stable code of the refusal.
    pub const fn code(&self) -> Code {
        match self {
            DutyError::SystemRecord => Code::SystemRecord,
            DutyError::Invalid(_) => Code::ValidationFailed,
        }
    }
}

impl Issue {
    /// The stable code of the field's problem.
    pub const fn code(self) -> &'static str {
        match self {
            Issue::SystemKind => "system_kind",
            Issue::DayOutOfRange => "out_of_range",
            Issue::Blank => "blank",
        }
    }
}

/// A duty recorded by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualDuty {
    pub kind: DutyKind,
    pub occurred_on: NaiveDate,
    pub title: String,
    pub content: Option<String>,
}

/// The first day a duty may be dated: the founding of the People's Republic.
pub fn earliest_duty_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(1949, 10, 1).unwrap_or(NaiveDate::MIN)
}

fn manual_issues(
    kind: DutyKind,
    occurred_on: NaiveDate,
    title: &str,
    today: NaiveDate,
) -> Vec<FieldIssue> {
    let mut issues = Vec::new();
    if !kind.is_manual() {
        issues.push(FieldIssue::new("kind", Issue::SystemKind));
    }
    if occurred_on > today || occurred_on < earliest_duty_day() {
        issues.push(FieldIssue::new("occurred_on", Issue::DayOutOfRange));
    }
    if is_blank(title) {
        issues.push(FieldIssue::new("title", Issue::Blank));
    }
    issues
}

fn refuse(issues: Vec<FieldIssue>) -> Result<(), DutyError> {
    crate::command::refuse(issues, DutyError::Invalid)
}

/// Records a duty of `deputy` by hand: only the kinds people record, on a
/// day that has come.
pub fn record(deputy: Uuid, input: ManualDuty, today: NaiveDate) -> Result<NewDuty, DutyError> {
    refuse(manual_issues(
        input.kind,
        input.occurred_on,
        &input.title,
        today,
    ))?;
    Ok(NewDuty {
        deputy_id: deputy.into(),
        kind: input.kind,
        occurred_on: input.occurred_on,
        title: input.title.trim().to_owned(),
        content: input.content.filter(|c| !is_blank(c)),
        ref_type: None,
        ref_id: None,
    })
}

/// A change to a record made by hand: absent fields stay; the content may
/// be cleared.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DutyPatch {
    pub kind: Option<DutyKind>,
    pub occurred_on: Option<NaiveDate>,
    pub title: Option<String>,
    pub content: Option<Option<String>>,
}

/// Changes a record made by hand; a record the system wrote stays as it is.
pub fn amend(d: &DutyRecord, patch: DutyPatch, today: NaiveDate) -> Result<DutyRecord, DutyError> {
    if !d.manual {
        return Err(DutyError::SystemRecord);
    }
    let mut after = d.clone();
    if let Some(v) = patch.kind {
        after.kind = v;
    }
    if let Some(v) = patch.occurred_on {
        after.occurred_on = v;
    }
    if let Some(v) = patch.title {
        after.title = v.trim().to_owned();
    }
    if let Some(v) = patch.content {
        after.content = v;
    }
    refuse(manual_issues(
        after.kind,
        after.occurred_on,
        &after.title,
        today,
    ))?;
    Ok(after)
}

/// Deletes a record made by hand; a record the system wrote stays.
pub fn remove(d: &DutyRecord, now: DateTime<Utc>) -> Result<DutyRecord, DutyError> {
    if !d.manual {
        return Err(DutyError::SystemRecord);
    }
    let mut after = d.clone();
    after.deleted_at = Some(now);
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hand_kinds_are_manual() {
        assert!(DutyKind::Meeting.is_manual());
        assert!(!DutyKind::ActivityAttended.is_manual());
        let system = DutyKind::ALL.iter().filter(|k| !k.is_manual()).count();
        assert_eq!(system, 10);
        assert!(!DutyKind::MotionCoSigned.is_manual());
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn manual(kind: DutyKind, on: NaiveDate, title: &str) -> ManualDuty {
        ManualDuty {
            kind,
            occurred_on: on,
            title: title.into(),
            content: Some(" ".into()),
        }
    }

    fn issues(list: &[(&'static str, Issue)]) -> DutyError {
        DutyError::Invalid(
            list.iter()
                .map(|(field, issue)| FieldIssue::new(*field, *issue))
                .collect(),
        )
    }

    #[test]
    fn a_hand_record_has_a_hand_kind_a_day_that_has_come_and_a_title() {
        let today = day(2026, 12, 5);
        let me = DeputyId::new(Uuid::from_u128(7));
        let ok = record(
            me.into(),
            manual(DutyKind::Research, today, " 调研 "),
            today,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (ok.deputy_id, ok.title.as_str(), ok.content),
            (me, "调研", None)
        );
        assert_eq!(ok.ref_id, None);
        let table = [
            (DutyKind::Meeting, day(1949, 10, 1), "会", None),
            (
                DutyKind::Meeting,
                day(1949, 9, 30),
                "会",
                Some(("occurred_on", Issue::DayOutOfRange)),
            ),
            (
                DutyKind::Visit,
                day(2026, 12, 6),
                "走访",
                Some(("occurred_on", Issue::DayOutOfRange)),
            ),
            (
                DutyKind::ActivityAttended,
                today,
                "活动",
                Some(("kind", Issue::SystemKind)),
            ),
            (
                DutyKind::Other,
                today,
                "\u{3000}",
                Some(("title", Issue::Blank)),
            ),
        ];
        for (kind, on, title, want) in table {
            let got = record(me.into(), manual(kind, on, title), today).map(|_| ());
            assert_eq!(
                got,
                want.map_or(Ok(()), |w| Err(issues(&[w]))),
                "{kind} {on}"
            );
        }
    }

    #[test]
    fn only_hand_records_change_or_go() {
        let today = day(2026, 12, 5);
        let now = DateTime::<Utc>::UNIX_EPOCH;
        let mut d = DutyRecord {
            id: Uuid::from_u128(1),
            deputy_id: DeputyId::new(Uuid::from_u128(7)),
            kind: DutyKind::ActivityAttended,
            occurred_on: today,
            title: "活动".into(),
            content: None,
            ref_type: Some("activity".into()),
            ref_id: Some(Uuid::from_u128(9)),
            manual: false,
            created_by: None,
            created_at: now,
            updated_at: now,
            deleted_at: None,
            version: 1,
        };
        assert_eq!(
            amend(&d, DutyPatch::default(), today),
            Err(DutyError::SystemRecord)
        );
        assert_eq!(remove(&d, now), Err(DutyError::SystemRecord));
        assert_eq!(DutyError::SystemRecord.code(), Code::SystemRecord);
        d.manual = true;
        d.kind = DutyKind::Meeting;
        let patch = DutyPatch {
            title: Some(" 座谈会 ".into()),
            content: Some(Some("三家企业".into())),
            ..Default::default()
        };
        let after = amend(&d, patch, today).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (after.title.as_str(), after.content.as_deref()),
            ("座谈会", Some("三家企业"))
        );
        let to_system = DutyPatch {
            kind: Some(DutyKind::SupervisionVote),
            ..Default::default()
        };
        assert_eq!(
            amend(&d, to_system, today),
            Err(issues(&[("kind", Issue::SystemKind)]))
        );
        assert_eq!(remove(&d, now).map(|r| r.deleted_at), Ok(Some(now)));
    }
}
