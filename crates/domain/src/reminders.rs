//! The reminders of records other than suggestions, written by the
//! scheduler: a rectification deadline near or passed, a reception duty
//! tomorrow, a livelihood vote closing today. The store reads the records
//! whose dates may call for one and the facts they need; these say which
//! reminder is due, to whom, and how it is keyed so that it is written once
//! per person however often and by whichever instance it is written.

use chrono::{Days, NaiveDate};

use crate::id::{DeputyId, UnitId};
use crate::notice::{Notice, NoticeKind, Occasion, Recipient, Subject};
use crate::suggestion::{DEADLINE_REMINDER_DAYS, REMINDER_CATCH_UP_DAYS};

/// The step of a deadline's reminder on `today`: near (the closest of
/// [`DEADLINE_REMINDER_DAYS`] reached) or passed (step -1, written up to
/// [`REMINDER_CATCH_UP_DAYS`] after it); `None` when none is due.
pub fn deadline_step(due: NaiveDate, today: NaiveDate) -> Option<(NoticeKind, i64)> {
    let left = (due - today).num_days();
    if left < 0 {
        let catch_up = i64::try_from(REMINDER_CATCH_UP_DAYS).unwrap_or(i64::MAX);
        return (-left <= catch_up).then_some((NoticeKind::DeadlineOverdue, -1));
    }
    DEADLINE_REMINDER_DAYS
        .iter()
        .copied()
        .filter(|d| left <= *d)
        .min()
        .map(|step| (NoticeKind::DeadlineNear, step))
}

/// The dates of deadlines that may have a reminder due on `today`.
pub fn deadline_window(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = DEADLINE_REMINDER_DAYS.iter().copied().max().unwrap_or(0);
    (
        today - Days::new(REMINDER_CATCH_UP_DAYS),
        today + Days::new(first.unsigned_abs()),
    )
}

fn reminder(
    kind: NoticeKind,
    to: Vec<Recipient>,
    subject: Subject,
    due: NaiveDate,
    days: i64,
) -> Notice {
    Notice {
        kind,
        to,
        subject,
        occasion: Occasion::Reminder { due, days },
        due_on: Some(due),
        approved: None,
    }
}

/// The reminder to `unit` of its rectification deadline on a supervision
/// item (`item`), while problems of the opinion wait for its report.
pub fn rectification(
    item: Subject,
    unit: UnitId,
    deadline: NaiveDate,
    today: NaiveDate,
) -> Option<Notice> {
    let (kind, step) = deadline_step(deadline, today)?;
    Some(reminder(
        kind,
        vec![Recipient::Unit(unit)],
        item,
        deadline,
        step,
    ))
}

/// The reminder, the day before, to the deputies on duty at a station's
/// reception day not yet recorded.
pub fn reception_tomorrow(
    station: Subject,
    day: NaiveDate,
    on_duty: &[DeputyId],
    today: NaiveDate,
) -> Option<Notice> {
    (today.succ_opt() == Some(day) && !on_duty.is_empty()).then(|| {
        reminder(
            NoticeKind::ReceptionTomorrow,
            on_duty.iter().copied().map(Recipient::Deputy).collect(),
            station,
            day,
            1,
        )
    })
}

/// The reminder, on the last day of the session a livelihood vote is held
/// at, to the serving deputies who have not voted.
pub fn voting_closes_today(
    round: Subject,
    closes_on: NaiveDate,
    not_voted: &[DeputyId],
    today: NaiveDate,
) -> Option<Notice> {
    (closes_on == today && !not_voted.is_empty()).then(|| {
        reminder(
            NoticeKind::VotingClosesToday,
            not_voted.iter().copied().map(Recipient::Deputy).collect(),
            round,
            closes_on,
            0,
        )
    })
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::notice::SubjectKind;

    fn d(month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, month, day).unwrap_or_default()
    }

    fn subject(kind: SubjectKind) -> Subject {
        Subject {
            kind,
            id: Uuid::from_u128(9),
            label: "《城关镇联络站》".into(),
        }
    }

    #[test]
    fn a_rectification_deadline_is_reminded_like_a_reply_deadline() {
        let unit: UnitId = Uuid::from_u128(200).into();
        let step = |today| {
            rectification(subject(SubjectKind::Supervision), unit, d(3, 20), today)
                .map(|n| (n.kind, n.occasion))
        };
        assert_eq!(step(d(3, 12)), None);
        let near = |days| {
            Some((
                NoticeKind::DeadlineNear,
                Occasion::Reminder {
                    due: d(3, 20),
                    days,
                },
            ))
        };
        assert_eq!(step(d(3, 13)), near(7));
        assert_eq!(step(d(3, 17)), near(3));
        assert_eq!(step(d(3, 20)), near(1));
        let over = Some((
            NoticeKind::DeadlineOverdue,
            Occasion::Reminder {
                due: d(3, 20),
                days: -1,
            },
        ));
        assert_eq!(step(d(3, 21)), over);
        assert_eq!(step(d(3, 27)), over);
        assert_eq!(step(d(3, 28)), None);
        let (from, until) = deadline_window(d(3, 13));
        assert_eq!((from, until), (d(3, 6), d(3, 20)));
        let n = rectification(subject(SubjectKind::Supervision), unit, d(3, 20), d(3, 17));
        let text = n.map(|n| n.text()).unwrap_or_default();
        assert_eq!(
            text,
            "监督事项《城关镇联络站》整改期限将至，请于2026-03-20前办理。"
        );
    }

    #[test]
    fn a_reception_duty_is_reminded_the_day_before_only() {
        let on_duty: Vec<DeputyId> = vec![Uuid::from_u128(100).into()];
        let station = || subject(SubjectKind::Station);
        assert!(reception_tomorrow(station(), d(3, 20), &on_duty, d(3, 18)).is_none());
        assert!(reception_tomorrow(station(), d(3, 20), &on_duty, d(3, 20)).is_none());
        assert!(reception_tomorrow(station(), d(3, 20), &[], d(3, 19)).is_none());
        let n = reception_tomorrow(station(), d(3, 20), &on_duty, d(3, 19));
        let n = n.unwrap_or_else(|| panic!("no reminder"));
        assert_eq!(n.to, vec![Recipient::Deputy(on_duty[0])]);
        assert_eq!(
            n.text(),
            "您2026-03-20在《城关镇联络站》值班接待选民，请准时到岗。"
        );
    }

    #[test]
    fn a_vote_closing_today_is_reminded_to_those_who_have_not_voted() {
        let late: Vec<DeputyId> = vec![Uuid::from_u128(101).into()];
        let round = || subject(SubjectKind::LivelihoodRound);
        assert!(voting_closes_today(round(), d(3, 20), &late, d(3, 19)).is_none());
        assert!(voting_closes_today(round(), d(3, 20), &[], d(3, 20)).is_none());
        let n = voting_closes_today(round(), d(3, 20), &late, d(3, 20));
        assert_eq!(n.map(|n| n.to), Some(vec![Recipient::Deputy(late[0])]));
    }
}
