//! A change of term (换届): at a level, every membership of the ending
//! term ends on one day, and the deputies elected again begin the next
//! term. Nothing else changes: suggestions and motions keep their people
//! and history, and a deputy not elected again keeps reading their own
//! past records, but files nothing new (see [`may_file`]).

use chrono::NaiveDate;

use crate::Code;
use crate::command::FieldIssue as Field;
use crate::deputy::{Deputy, Level, Membership, MembershipStatus};
use crate::id::DeputyId;

/// What is wrong with a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Issue {
    Blank,
    /// The next term is the ending one.
    SameTerm,
    /// The next term starts before the ending one ends.
    StartsBeforeEnd,
    /// No such deputy.
    UnknownDeputy,
}

impl Issue {
    /// The field error's code.
    pub const fn code(self) -> &'static str {
        match self {
            Issue::Blank => "blank",
            Issue::SameTerm => "same_term",
            Issue::StartsBeforeEnd => "period",
            Issue::UnknownDeputy => "not_found",
        }
    }
}

/// One field a rule refuses.
pub type FieldIssue = Field<Issue>;

/// Why a term change is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TermError {
    /// Nobody serves in the ending term at that level.
    #[error("nobody serves in that term")]
    NobodyServing,
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldIssue>),
}

impl TermError {
    /// The stable code of the refusal.
    pub const fn code(&self) -> Code {
        match self {
            TermError::NobodyServing => Code::NobodyServing,
            TermError::Invalid(_) => Code::ValidationFailed,
        }
    }
}

/// A deputy elected again, with their place in the next term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReElected {
    pub deputy_id: DeputyId,
    pub constituency: Option<String>,
    pub delegation: Option<String>,
}

/// The change of term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermChange {
    pub level: Level,
    pub ending_term: String,
    /// The last day of the ending term.
    pub ended_on: NaiveDate,
    pub next_term: String,
    /// The first day of the next term.
    pub started_on: NaiveDate,
    pub re_elected: Vec<ReElected>,
}

/// Whether a deputy may file something new (a suggestion, a motion):
/// one serving somewhere, or one whose memberships are not on record.
pub fn may_file(memberships: &[Membership]) -> bool {
    memberships.is_empty()
        || memberships
            .iter()
            .any(|m| m.status == MembershipStatus::Serving)
}

fn serves_in(d: &Deputy, level: Level, term: &str) -> bool {
    d.memberships
        .iter()
        .any(|m| m.level == level && m.term == term && m.status == MembershipStatus::Serving)
}

/// The deputies as the change leaves them, of those given: `deputies`
/// holds everyone serving in the ending term at the level and everyone
/// elected again. A deputy named twice among those elected again takes
/// the first place given. A deputy whose record does not change is left
/// out.
pub fn change_term(deputies: &[Deputy], input: &TermChange) -> Result<Vec<Deputy>, TermError> {
    let mut issues = crate::command::blank_fields(
        &[
            ("ending_term", &input.ending_term),
            ("next_term", &input.next_term),
        ],
        Issue::Blank,
    );
    let (ending, next) = (input.ending_term.trim(), input.next_term.trim());
    if !ending.is_empty() && ending == next {
        issues.push(FieldIssue::new("next_term", Issue::SameTerm));
    }
    if input.started_on < input.ended_on {
        issues.push(FieldIssue::new("started_on", Issue::StartsBeforeEnd));
    }
    for (i, r) in input.re_elected.iter().enumerate() {
        if !deputies.iter().any(|d| DeputyId::from(d.id) == r.deputy_id) {
            let at = format!("re_elected[{i}].deputy_id");
            issues.push(FieldIssue::new(at, Issue::UnknownDeputy));
        }
    }
    crate::command::refuse(issues, TermError::Invalid)?;
    if !deputies.iter().any(|d| serves_in(d, input.level, ending)) {
        return Err(TermError::NobodyServing);
    }
    let mut out = Vec::new();
    for d in deputies {
        let mut after = d.clone();
        for m in &mut after.memberships {
            if m.level == input.level && m.term == ending && m.status == MembershipStatus::Serving {
                m.status = MembershipStatus::Ended;
                m.end_date = Some(input.ended_on);
            }
        }
        if let Some(r) = input
            .re_elected
            .iter()
            .find(|r| r.deputy_id == DeputyId::from(d.id))
            && !after
                .memberships
                .iter()
                .any(|m| m.level == input.level && m.term == next)
        {
            after.memberships.push(Membership {
                level: input.level,
                term: next.to_owned(),
                constituency: r.constituency.clone(),
                delegation: r.delegation.clone(),
                start_date: Some(input.started_on),
                end_date: None,
                status: MembershipStatus::Serving,
            });
        }
        if after != *d {
            out.push(after);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::testing::{day, id};
    use crate::deputy::DeputyStatus;

    fn membership(level: Level, term: &str, status: MembershipStatus) -> Membership {
        Membership {
            level,
            term: term.into(),
            constituency: Some("古城选区".into()),
            delegation: None,
            start_date: Some(day(2021, 12, 1)),
            end_date: None,
            status,
        }
    }

    fn deputy(n: u128, memberships: Vec<Membership>) -> Deputy {
        Deputy {
            id: id(n),
            name: format!("代表{n}"),
            gender: None,
            ethnicity: None,
            birth_date: None,
            party: None,
            education: None,
            occupation: None,
            work_unit: None,
            phone: None,
            photo_url: None,
            status: DeputyStatus::Active,
            memberships,
            links: vec![],
            created_at: chrono::DateTime::UNIX_EPOCH,
            updated_at: chrono::DateTime::UNIX_EPOCH,
            deleted_at: None,
            version: 1,
        }
    }

    fn change(re_elected: &[u128]) -> TermChange {
        TermChange {
            level: Level::County,
            ending_term: "第十八届".into(),
            ended_on: day(2026, 12, 31),
            next_term: "第十九届".into(),
            started_on: day(2027, 1, 1),
            re_elected: re_elected
                .iter()
                .map(|n| ReElected {
                    deputy_id: id(*n).into(),
                    constituency: Some("项里选区".into()),
                    delegation: None,
                })
                .collect(),
        }
    }

    #[test]
    fn the_term_ends_for_all_and_the_next_begins_for_those_elected_again() {
        use Level::{County, Township};
        use MembershipStatus::{Ended, Serving};
        let both = deputy(
            1,
            vec![
                membership(County, "第十八届", Serving),
                membership(Township, "第十五届", Serving),
            ],
        );
        let leaving = deputy(2, vec![membership(County, "第十八届", Serving)]);
        let changed =
            change_term(&[both, leaving], &change(&[1])).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(changed.len(), 2);
        let again = &changed[0].memberships;
        assert_eq!(
            (again[0].status, again[0].end_date),
            (Ended, Some(day(2026, 12, 31)))
        );
        assert_eq!(again[1].status, Serving, "another level's term goes on");
        assert_eq!(
            (again[2].term.as_str(), again[2].status, again[2].start_date),
            ("第十九届", Serving, Some(day(2027, 1, 1)))
        );
        assert!(may_file(again));
        assert_eq!(changed[1].memberships[0].status, Ended);
        assert!(!may_file(&changed[1].memberships));
        assert!(
            may_file(&[]),
            "a deputy without memberships on record files as before"
        );
        // Run again, nothing changes.
        assert_eq!(
            change_term(&changed, &change(&[1])),
            Err(TermError::NobodyServing)
        );
    }

    #[test]
    fn a_bad_change_names_each_field() {
        let d = deputy(
            1,
            vec![membership(
                Level::County,
                "第十八届",
                MembershipStatus::Serving,
            )],
        );
        let mut bad = change(&[1, 9, 1]);
        bad.next_term = " 第十八届".into();
        bad.started_on = day(2026, 12, 1);
        let got = change_term(&[d], &bad);
        let Err(TermError::Invalid(issues)) = got else {
            panic!("{got:?}")
        };
        let fields: Vec<(&str, Issue)> =
            issues.iter().map(|f| (f.field.as_str(), f.issue)).collect();
        assert_eq!(
            fields,
            [
                ("next_term", Issue::SameTerm),
                ("started_on", Issue::StartsBeforeEnd),
                ("re_elected[1].deputy_id", Issue::UnknownDeputy),
            ]
        );
    }
}
