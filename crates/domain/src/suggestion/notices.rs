//! What a suggestion's changes and dates tell whom: the notices its
//! commands return, the invitations of a new draft, and the reminders the
//! scheduler writes as its dates come near or pass.

use chrono::{Days, NaiveDate};

use super::*;
use crate::notice::{Notice, NoticeKind, Occasion, Recipient, Subject, SubjectKind, label};

/// Deadlines are reminded this many days before (and once when passed),
/// each step once; a step missed (the scheduler was down) is caught up
/// by the next one.
pub const DEADLINE_REMINDER_DAYS: [i64; 3] = [7, 3, 1];
/// A reply the lead deputy has not evaluated is reminded after this many
/// days.
pub const EVALUATION_REMINDER_DAYS: u64 = 15;
/// Reminders of a date past are written up to this many days after it, so
/// that one the scheduler missed is still written, and what is long past
/// is not looked at again.
pub const REMINDER_CATCH_UP_DAYS: u64 = 7;

impl Suggestion {
    /// The suggestion as notices name it.
    pub fn subject(&self) -> Subject {
        Subject {
            kind: SubjectKind::Suggestion,
            id: self.id,
            label: label(self.number.as_deref(), &self.title),
        }
    }

    /// The units handling it: the lead unit and the co-units.
    pub fn unit_recipients(&self) -> Vec<Recipient> {
        self.lead_unit_id
            .into_iter()
            .chain(self.co_units.iter().map(|c| c.unit_id))
            .map(Recipient::Unit)
            .collect()
    }

    /// The co-signers asked to answer, and not asked in `before` (a new
    /// draft has no `before`).
    fn newly_invited(&self, before: Option<&Suggestion>) -> Vec<Recipient> {
        let was_invited = |d: DeputyId| {
            before.is_some_and(|b| {
                b.co_signers
                    .iter()
                    .any(|c| c.deputy_id == d && c.status == CoSignatureStatus::Invited)
            })
        };
        self.co_signers
            .iter()
            .filter(|c| c.status == CoSignatureStatus::Invited && !was_invited(c.deputy_id))
            .map(|c| Recipient::Deputy(c.deputy_id))
            .collect()
    }
}

/// The notice of the change making `after` (a changed copy of the
/// suggestion, still at the version it was read at).
pub(super) fn notify(
    after: &Suggestion,
    kind: NoticeKind,
    to: Vec<Recipient>,
    due_on: Option<NaiveDate>,
) -> Effect {
    Effect::Notify(Notice {
        kind,
        to,
        subject: after.subject(),
        occasion: Occasion::Version(after.version.saturating_add(1)),
        due_on,
        approved: None,
    })
}

/// The notices of an assignment: the lead unit's with the reply deadline,
/// each co-unit's with its own.
pub(super) fn assignment_notices(after: &Suggestion) -> Vec<Effect> {
    let mut out: Vec<Effect> = after
        .lead_unit_id
        .map(|u| {
            notify(
                after,
                NoticeKind::SuggestionAssigned,
                vec![Recipient::Unit(u)],
                after.deadline,
            )
        })
        .into_iter()
        .collect();
    for c in &after.co_units {
        out.push(notify(
            after,
            NoticeKind::SuggestionAssigned,
            vec![Recipient::Unit(c.unit_id)],
            c.deadline,
        ));
    }
    out
}

/// The invitation to co-sign a new draft, sent to each co-signer named.
pub fn invitations_of_new_draft(s: &Suggestion) -> Option<Notice> {
    invitations(s, None, Occasion::Version(s.version))
}

/// The invitations of a changed draft: to the co-signers it asks now and
/// did not ask before (new ones, and those asked again after a rewording).
pub(super) fn invitations_of_change(before: &Suggestion, after: &Suggestion) -> Option<Effect> {
    invitations(
        after,
        Some(before),
        Occasion::Version(after.version.saturating_add(1)),
    )
    .map(Effect::Notify)
}

fn invitations(s: &Suggestion, before: Option<&Suggestion>, occasion: Occasion) -> Option<Notice> {
    let to = s.newly_invited(before);
    (s.status == SuggestionStatus::Draft && !to.is_empty()).then(|| Notice {
        kind: NoticeKind::CoSignatureInvited,
        to,
        subject: s.subject(),
        occasion,
        due_on: None,
        approved: None,
    })
}

/// The window of dates the scheduler looks at on `today`: suggestions due
/// on or before `deadline_until` and on or after `deadline_from`, and
/// replies made on or before `replied_until` and on or after
/// `replied_from` (China dates).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReminderWindow {
    pub deadline_from: NaiveDate,
    pub deadline_until: NaiveDate,
    pub replied_from: NaiveDate,
    pub replied_until: NaiveDate,
}

/// Which suggestions may have a reminder due on `today`.
pub fn reminder_window(today: NaiveDate) -> ReminderWindow {
    let first = DEADLINE_REMINDER_DAYS.iter().copied().max().unwrap_or(0);
    let replied_until = today - Days::new(EVALUATION_REMINDER_DAYS);
    ReminderWindow {
        deadline_from: today - Days::new(REMINDER_CATCH_UP_DAYS),
        deadline_until: today + Days::new(first.unsigned_abs()),
        replied_from: replied_until - Days::new(REMINDER_CATCH_UP_DAYS),
        replied_until,
    }
}

/// The reminders due for `s` on `today`: its deadline near (at the
/// closest step reached) or passed, to the lead unit, while the unit has
/// it to reply; its reply waiting for the lead deputy's evaluation (with
/// the date the policy gives for it, if any). Each
/// names its step, so the same reminder written twice is one.
pub fn reminders(s: &Suggestion, today: NaiveDate, policy: &HandlingPolicy) -> Vec<Notice> {
    let mut out = Vec::new();
    let window = reminder_window(today);
    let reminder = |kind, to, due: NaiveDate, days, due_on| Notice {
        kind,
        to,
        subject: s.subject(),
        occasion: Occasion::Reminder { due, days },
        due_on,
        approved: None,
    };
    if matches!(
        s.status,
        SuggestionStatus::Assigned | SuggestionStatus::Rehandling
    ) && let (Some(due), Some(unit)) = (s.deadline, s.lead_unit_id)
        && due >= window.deadline_from
        && let Some((kind, step)) = crate::reminders::deadline_step(due, today)
    {
        out.push(reminder(
            kind,
            vec![Recipient::Unit(unit)],
            due,
            step,
            Some(due),
        ));
    }
    if s.status == SuggestionStatus::Replied
        && s.evaluation_result.is_none()
        && let Some(replied) = s.replied_at.map(crate::time::china_date)
        && (window.replied_from..=window.replied_until).contains(&replied)
    {
        let step = i64::try_from(EVALUATION_REMINDER_DAYS).unwrap_or(i64::MAX);
        out.push(reminder(
            NoticeKind::EvaluationWaiting,
            vec![Recipient::Deputy(s.lead_deputy_id)],
            replied,
            step,
            // A day already past (a policy under 15 days) is not named.
            s.evaluation_due(policy).filter(|d| *d >= today),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use uuid::Uuid;

    use super::*;

    fn d(month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, month, day).unwrap_or_default()
    }

    fn assigned(due: NaiveDate) -> Suggestion {
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
        let mut s = Suggestion::drafted(Uuid::from_u128(1), new, Utc::now());
        s.status = SuggestionStatus::Assigned;
        s.number = Some("2026-0001".into());
        s.lead_unit_id = Some(Uuid::from_u128(200).into());
        s.deadline = Some(due);
        s
    }

    /// The reminder written on `today`, as (kind, step).
    fn steps(s: &Suggestion, today: NaiveDate) -> Vec<(NoticeKind, i64)> {
        reminders(s, today, &HandlingPolicy::default())
            .into_iter()
            .map(|n| match n.occasion {
                Occasion::Reminder { days, .. } => (n.kind, days),
                other => panic!("not a reminder: {other:?}"),
            })
            .collect()
    }

    #[test]
    fn a_deadline_is_reminded_at_7_3_and_1_days_and_once_passed() {
        let s = assigned(d(3, 20));
        use NoticeKind::{DeadlineNear as Near, DeadlineOverdue as Over};
        assert_eq!(steps(&s, d(3, 12)), []);
        assert_eq!(steps(&s, d(3, 13)), [(Near, 7)]);
        // Days between steps repeat the step reached: one notice per step.
        assert_eq!(steps(&s, d(3, 15)), [(Near, 7)]);
        assert_eq!(steps(&s, d(3, 17)), [(Near, 3)]);
        // A scheduler down on the 1-day mark writes it on the day itself.
        assert_eq!(steps(&s, d(3, 20)), [(Near, 1)]);
        assert_eq!(steps(&s, d(3, 21)), [(Over, -1)]);
        assert_eq!(steps(&s, d(3, 27)), [(Over, -1)]);
        // Long past, the suggestion is no longer looked at.
        assert_eq!(steps(&s, d(3, 28)), []);
        let to = reminders(&s, d(3, 19), &HandlingPolicy::default());
        assert_eq!(to[0].to, [Recipient::Unit(Uuid::from_u128(200).into())]);
        assert_eq!(
            to[0].text(),
            "建议2026-0001办理期限将至，请于2026-03-20前办理。"
        );
        // Replied, the unit is reminded of nothing.
        let mut replied = s.clone();
        replied.status = SuggestionStatus::Replied;
        replied.evaluation_result = Some(EvaluationResult::Satisfied);
        assert_eq!(steps(&replied, d(3, 19)), []);
    }

    #[test]
    fn an_unevaluated_reply_is_reminded_to_the_lead_deputy_after_15_days() {
        let mut s = assigned(d(3, 20));
        s.status = SuggestionStatus::Replied;
        s.replied_at = Utc.with_ymd_and_hms(2026, 3, 1, 2, 0, 0).single();
        assert_eq!(steps(&s, d(3, 15)), []);
        assert_eq!(steps(&s, d(3, 16)), [(NoticeKind::EvaluationWaiting, 15)]);
        let n = &reminders(&s, d(3, 16), &HandlingPolicy::default())[0];
        assert_eq!(n.to, [Recipient::Deputy(s.lead_deputy_id)]);
        assert_eq!(n.due_on, s.evaluation_due(&HandlingPolicy::default()));
        s.evaluation_result = Some(EvaluationResult::Unsatisfied);
        assert_eq!(steps(&s, d(3, 16)), []);
        let window = reminder_window(d(3, 16));
        assert_eq!(
            (window.replied_from, window.replied_until),
            (d(2, 22), d(3, 1))
        );
        assert_eq!(
            (window.deadline_from, window.deadline_until),
            (d(3, 9), d(3, 23))
        );
    }
}
