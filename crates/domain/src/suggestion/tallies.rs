//! The dashboard's counts (建议统计): submitted suggestions by status,
//! colour and category, and each lead unit's line of the summary table
//! (建议办理情况汇总表), for a year and a term. Like the handling figures
//! ([`super::figures`]) they are kept, not recomputed: this says what a
//! suggestion counts toward as it stands and what a change adds; the store
//! adds it in the change's transaction. Only what is overdue, which moves
//! with the calendar and not with a change, is counted when asked.

use std::collections::BTreeMap;

use chrono::Datelike;
use uuid::Uuid;

use super::{EvaluationResult, ReplyCategory, Suggestion, SuggestionStatus};

/// Where a suggestion is counted: the year it was registered in (China's
/// calendar; 0 while it is not registered, so that a year's figures leave
/// it out) and its term (届次).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Place {
    pub year: i32,
    pub term: String,
}

impl Place {
    /// The place of `s`.
    pub fn of(s: &Suggestion) -> Place {
        Place {
            year: s
                .registered_at
                .map_or(0, |t| crate::time::china_date(t).year()),
            term: s.term.clone(),
        }
    }
}

string_enum! {
    /// What the dashboard groups submitted suggestions by.
    pub enum Dimension : "tally dimension" {
        Status = "status",
        Color = "color",
        Category = "category",
    }
}

/// A lead unit's line: each count 0 or 1 for one suggestion, summed for
/// a set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UnitLine {
    /// Led by the unit.
    pub assigned: i64,
    /// With a reply.
    pub replied: i64,
    /// The latest reply came by its deadline.
    pub replied_on_time: i64,
    /// The latest reply's category.
    pub category_a: i64,
    pub category_b: i64,
    pub category_c: i64,
    /// The evaluation of the latest reply.
    pub satisfied: i64,
    pub basically_satisfied: i64,
    pub unsatisfied: i64,
}

impl UnitLine {
    /// The counts as an array, in the order of [`UnitLine::COLUMNS`].
    pub const fn values(&self) -> [i64; 9] {
        [
            self.assigned,
            self.replied,
            self.replied_on_time,
            self.category_a,
            self.category_b,
            self.category_c,
            self.satisfied,
            self.basically_satisfied,
            self.unsatisfied,
        ]
    }

    /// The storage names of the counts.
    pub const COLUMNS: [&'static str; 9] = [
        "assigned",
        "replied",
        "replied_on_time",
        "category_a",
        "category_b",
        "category_c",
        "satisfied",
        "basically_satisfied",
        "unsatisfied",
    ];

    /// The line of the counts in [`UnitLine::COLUMNS`]' order.
    pub const fn from_values(v: [i64; 9]) -> UnitLine {
        UnitLine {
            assigned: v[0],
            replied: v[1],
            replied_on_time: v[2],
            category_a: v[3],
            category_b: v[4],
            category_c: v[5],
            satisfied: v[6],
            basically_satisfied: v[7],
            unsatisfied: v[8],
        }
    }

    /// Evaluated, whatever the result: the base of the satisfaction rate.
    pub const fn evaluated(&self) -> i64 {
        self.satisfied + self.basically_satisfied + self.unsatisfied
    }

    /// Satisfied or basically satisfied.
    pub const fn content(&self) -> i64 {
        self.satisfied + self.basically_satisfied
    }

    pub fn is_zero(&self) -> bool {
        *self == UnitLine::default()
    }

    pub fn plus(&self, o: &UnitLine) -> UnitLine {
        self.zip(o, |a, b| a + b)
    }

    pub fn minus(&self, o: &UnitLine) -> UnitLine {
        self.zip(o, |a, b| a - b)
    }

    fn zip(&self, o: &UnitLine, f: impl Fn(i64, i64) -> i64) -> UnitLine {
        let (a, b) = (self.values(), o.values());
        UnitLine::from_values(std::array::from_fn(|i| f(a[i], b[i])))
    }

    /// What `s` adds to its lead unit's line.
    fn of(s: &Suggestion) -> UnitLine {
        let b = |v: bool| i64::from(v);
        let category = s.reply.as_ref().map(|r| r.category);
        let result = s.evaluation_result;
        UnitLine {
            assigned: 1,
            replied: b(s.replied_on_time.is_some()),
            replied_on_time: b(s.replied_on_time == Some(true)),
            category_a: b(category == Some(ReplyCategory::A)),
            category_b: b(category == Some(ReplyCategory::B)),
            category_c: b(category == Some(ReplyCategory::C)),
            satisfied: b(result == Some(EvaluationResult::Satisfied)),
            basically_satisfied: b(result == Some(EvaluationResult::BasicallySatisfied)),
            unsatisfied: b(result == Some(EvaluationResult::Unsatisfied)),
        }
    }
}

/// Counts by place: of submitted suggestions by a dimension's value, and
/// of the lead units' lines. Summed over the places a question covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tallies {
    pub counts: BTreeMap<(Place, Dimension, String), i64>,
    pub units: BTreeMap<(Place, Uuid), UnitLine>,
}

impl Tallies {
    /// What `s` counts toward as it stands: nothing while it is a draft or
    /// deleted.
    pub fn of(s: &Suggestion) -> Tallies {
        let mut t = Tallies::default();
        if s.status == SuggestionStatus::Draft || s.deleted_at.is_some() {
            return t;
        }
        let place = Place::of(s);
        let mut count = |d: Dimension, v: &str| {
            t.counts.insert((place.clone(), d, v.to_owned()), 1);
        };
        count(Dimension::Status, s.status.as_str());
        if let Some(c) = s.color {
            count(Dimension::Color, c.as_str());
        }
        count(Dimension::Category, &s.category);
        if let Some(u) = s.lead_unit_id {
            t.units.insert((place, u.uuid()), UnitLine::of(s));
        }
        t
    }

    /// `self` plus `o`, leaving out what comes to nought.
    pub fn add(&mut self, o: &Tallies, sign: i64) {
        for (k, n) in &o.counts {
            *self.counts.entry(k.clone()).or_default() += sign * n;
        }
        for (k, l) in &o.units {
            let e = self.units.entry(k.clone()).or_default();
            *e = if sign < 0 { e.minus(l) } else { e.plus(l) };
        }
        self.counts.retain(|_, n| *n != 0);
        self.units.retain(|_, l| !l.is_zero());
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty() && self.units.is_empty()
    }
}

/// What a change from `before` (none when the suggestion is new) to
/// `after` adds to the tallies; what does not move is left out.
pub fn delta(before: Option<&Suggestion>, after: &Suggestion) -> Tallies {
    let mut t = Tallies::of(after);
    if let Some(b) = before {
        t.add(&Tallies::of(b), -1);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suggestion::{
        Color, NewSuggestion, SessionTiming, SuggestionSource, UnitId, UserId,
    };

    fn draft() -> Suggestion {
        let new = NewSuggestion {
            title: "关于增设社区助餐点的建议".into(),
            content: "正文".into(),
            category: "民政".into(),
            term: "第十八届".into(),
            session: None,
            timing: SessionTiming::BetweenSessions,
            lead_deputy_id: Uuid::from_u128(100).into(),
            co_signers: vec![],
            source: SuggestionSource::Deputy,
            source_ref: None,
            created_by: UserId::new(Uuid::from_u128(30)),
        };
        Suggestion::drafted(Uuid::from_u128(1), new, chrono::Utc::now())
    }

    fn submitted() -> Suggestion {
        let mut s = draft();
        s.status = SuggestionStatus::Submitted;
        s
    }

    #[test]
    fn a_draft_counts_nothing_and_its_submission_counts_once_by_each_dimension() {
        let draft = draft();
        assert!(Tallies::of(&draft).is_empty());
        let s = submitted();
        let d = delta(Some(&draft), &s);
        let place = Place {
            year: 0,
            term: s.term.clone(),
        };
        assert_eq!(d.counts.len(), 2, "status and category: {d:?}");
        assert_eq!(
            d.counts[&(place.clone(), Dimension::Status, "submitted".into())],
            1
        );
        assert_eq!(
            d.counts[&(place, Dimension::Category, s.category.clone())],
            1
        );
        assert!(d.units.is_empty());
    }

    #[test]
    fn a_step_moves_one_status_to_another_and_leaves_the_rest() {
        let mut before = submitted();
        before.status = SuggestionStatus::Assigned;
        before.registered_at = Some(chrono::Utc::now());
        before.color = Some(Color::Red);
        before.lead_unit_id = Some(UnitId::from_u128(7));
        let mut after = before.clone();
        after.status = SuggestionStatus::Replied;
        after.replied_on_time = Some(false);
        let d = delta(Some(&before), &after);
        let place = Place::of(&after);
        assert_eq!(
            d.counts,
            BTreeMap::from([
                ((place.clone(), Dimension::Status, "assigned".into()), -1),
                ((place.clone(), Dimension::Status, "replied".into()), 1),
            ])
        );
        assert_eq!(
            d.units[&(place, Uuid::from_u128(7))],
            UnitLine {
                replied: 1,
                ..UnitLine::default()
            }
        );
    }

    #[test]
    fn registration_moves_every_count_into_its_year() {
        let before = submitted();
        let mut after = before.clone();
        after.status = SuggestionStatus::Registered;
        after.registered_at = chrono::DateTime::parse_from_rfc3339("2025-12-31T16:30:00Z")
            .ok()
            .map(|t| t.to_utc());
        let d = delta(Some(&before), &after);
        // 16:30 UTC on 31 December is 00:30 on 1 January in China.
        assert!(
            d.counts
                .iter()
                .filter(|(k, _)| k.0.year == 2026)
                .all(|(_, n)| *n == 1)
        );
        assert_eq!(d.counts.values().sum::<i64>(), 0, "moved, not added: {d:?}");
        assert_eq!(d.counts.len(), 4);
    }

    #[test]
    fn a_lead_unit_moving_leaves_one_line_for_the_other() {
        let mut before = submitted();
        before.status = SuggestionStatus::Assigned;
        before.lead_unit_id = Some(UnitId::from_u128(1));
        let mut after = before.clone();
        after.lead_unit_id = Some(UnitId::from_u128(2));
        let d = delta(Some(&before), &after);
        assert!(d.counts.is_empty());
        let place = Place::of(&after);
        assert_eq!(d.units[&(place.clone(), Uuid::from_u128(1))].assigned, -1);
        assert_eq!(d.units[&(place, Uuid::from_u128(2))].assigned, 1);
    }
}
