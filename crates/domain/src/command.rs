//! What the commands of every area share: who gives a command and when,
//! which field of its input a rule refuses and why (each area has its own
//! reasons, `Issue`), and a small rule of lists.

use crate::id::UserId;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::text::is_blank;

/// Who gives a command, and when (the areas whose commands need no more:
/// stations and reception days, activities and needs).
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    pub user_id: UserId,
    pub now: DateTime<Utc>,
    /// Today in China Standard Time.
    pub today: NaiveDate,
    /// Makes the id of a new record.
    pub new_id: fn() -> Uuid,
}

/// One field of a command's input that a rule refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldIssue<I> {
    /// The field's path in the request, e.g. `title` or `deputy_ids[2]`.
    pub field: String,
    pub issue: I,
}

impl<I> FieldIssue<I> {
    pub fn new(field: impl Into<String>, issue: I) -> Self {
        Self {
            field: field.into(),
            issue,
        }
    }
}

/// `Ok` when no field is refused, else the area's error made of `issues`.
pub fn refuse<I, E>(
    issues: Vec<FieldIssue<I>>,
    invalid: impl FnOnce(Vec<FieldIssue<I>>) -> E,
) -> Result<(), E> {
    if issues.is_empty() {
        Ok(())
    } else {
        Err(invalid(issues))
    }
}

/// The fields among `(name, text)` whose text is blank, as `blank` issues.
pub fn blank_fields<I: Copy>(fields: &[(&str, &str)], blank: I) -> Vec<FieldIssue<I>> {
    fields
        .iter()
        .filter(|(_, v)| is_blank(v))
        .map(|(f, _)| FieldIssue::new(*f, blank))
        .collect()
}

/// Ids sorted and without repeats, as records keep their lists.
pub fn sorted_ids<T: Ord>(mut v: Vec<T>) -> Vec<T> {
    v.sort();
    v.dedup();
    v
}

/// What the decision tables of the areas sharing [`Ctx`] start from:
/// ids by number, days by date, and staff account 10 acting at 10:00 on
/// 5 December 2026 (China time), making every new record id 999.
#[cfg(test)]
pub(crate) mod testing {
    use chrono::{NaiveDate, TimeZone, Utc};
    use uuid::Uuid;

    use super::Ctx;

    pub(crate) fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    /// The deputy with id `n`.
    pub(crate) fn deputy(n: u128) -> crate::id::DeputyId {
        id(n).into()
    }

    pub(crate) fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    pub(crate) fn ctx() -> Ctx {
        Ctx {
            user_id: crate::id::UserId::new(id(10)),
            now: Utc
                .with_ymd_and_hms(2026, 12, 5, 2, 0, 0)
                .single()
                .unwrap_or_default(),
            today: day(2026, 12, 5),
            new_id: || Uuid::from_u128(999),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_fields_are_named_in_order_and_nothing_refused_is_ok() {
        let issues = blank_fields(
            &[("title", " "), ("content", "正文"), ("term", "\u{200B}")],
            'b',
        );
        let names: Vec<&str> = issues.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["title", "term"]);
        assert_eq!(refuse(Vec::<FieldIssue<char>>::new(), |_| ()), Ok(()));
        assert_eq!(refuse(issues, |i| i.len()), Err(2));
        let (a, b) = (Uuid::from_u128(2), Uuid::from_u128(1));
        assert_eq!(sorted_ids(vec![a, b, a]), vec![b, a]);
    }
}
