use super::*;
use SuggestionStatus::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
}

#[test]
fn the_state_machine_table() {
    use EvaluationResult::*;
    let ok = [
        (Draft, Transition::Submit, None, Submitted),
        (Submitted, Transition::Register, None, Registered),
        (Submitted, Transition::Reject, None, NotRegistered),
        (Registered, Transition::Assign, None, Assigned),
        (Assigned, Transition::Reassign, Some(Color::Green), Assigned),
        (Assigned, Transition::Reply, Some(Color::Green), Replied),
        (Rehandling, Transition::Reply, Some(Color::Red), Replied),
        (
            Replied,
            Transition::Evaluate(Satisfied),
            Some(Color::Green),
            Closed,
        ),
        (
            Replied,
            Transition::Evaluate(BasicallySatisfied),
            Some(Color::Green),
            Closed,
        ),
        (
            Replied,
            Transition::Evaluate(Satisfied),
            Some(Color::Yellow),
            Replied,
        ),
        (
            Replied,
            Transition::Evaluate(Satisfied),
            Some(Color::Red),
            Replied,
        ),
        (
            Replied,
            Transition::Evaluate(Unsatisfied),
            Some(Color::Green),
            Rehandling,
        ),
        (Replied, Transition::Close, Some(Color::Yellow), Closed),
    ];
    for (from, op, color, to) in ok {
        assert_eq!(next_status(from, op, color), Ok(to), "{from} {op:?}");
    }
    let refused = [
        (Draft, Transition::Register),
        (Draft, Transition::Reply),
        (Submitted, Transition::Assign),
        (Registered, Transition::Reply),
        (NotRegistered, Transition::Register),
        (NotRegistered, Transition::Submit),
        (Assigned, Transition::Assign),
        (Assigned, Transition::Close),
        (Replied, Transition::Reply),
        (Closed, Transition::Evaluate(Satisfied)),
        (Closed, Transition::Close),
        (Rehandling, Transition::Evaluate(Satisfied)),
    ];
    for (from, op) in refused {
        assert_eq!(
            next_status(from, op, Some(Color::Green)),
            Err(IllegalTransition { from, op })
        );
    }
}

#[test]
fn deadlines_default_by_colour_and_never_pass_six_months() {
    let p = HandlingPolicy::default();
    let a = d("2026-03-01");
    assert_eq!(
        assignment_deadline(a, Color::Green, None, &p),
        Ok(d("2026-03-31"))
    );
    assert_eq!(
        assignment_deadline(a, Color::Yellow, None, &p),
        Ok(d("2026-05-30"))
    );
    assert_eq!(
        assignment_deadline(a, Color::Yellow, Some(d("2026-09-01")), &p),
        Ok(d("2026-09-01"))
    );
    assert_eq!(
        assignment_deadline(a, Color::Yellow, Some(d("2026-09-02")), &p),
        Err(DeadlineError::PastSixMonths)
    );
    assert_eq!(
        assignment_deadline(a, Color::Red, Some(d("2026-02-28")), &p),
        Err(DeadlineError::BeforeAssignment)
    );
    // Red: at most 180 days, which is shorter than six months here.
    assert_eq!(
        assignment_deadline(a, Color::Red, Some(d("2026-08-28")), &p),
        Ok(d("2026-08-28"))
    );
    assert_eq!(
        assignment_deadline(a, Color::Red, Some(d("2026-08-29")), &p),
        Err(DeadlineError::PastSixMonths)
    );
    // Month ends clamp: 31 August plus six months is 28 February.
    assert_eq!(latest_deadline(d("2026-08-31")), d("2027-02-28"));
    let quick = HandlingPolicy {
        green_days: 15,
        ..p
    };
    assert_eq!(
        assignment_deadline(a, Color::Green, None, &quick),
        Ok(d("2026-03-16"))
    );
}

#[test]
fn rehandling_gets_its_full_period_even_past_six_months_from_assignment() {
    let p = HandlingPolicy::default();
    assert_eq!(rehandling_deadline(d("2026-07-01"), &p), d("2026-07-31"));
    // Assigned in June, rehandled in December: a month still, not "today".
    assert_eq!(rehandling_deadline(d("2026-12-10"), &p), d("2027-01-09"));
    let week = HandlingPolicy {
        rehandling_days: 7,
        ..p
    };
    assert_eq!(rehandling_deadline(d("2026-12-10"), &week), d("2026-12-17"));
}

#[test]
fn policies_are_checked() {
    assert_eq!(HandlingPolicy::default().check(), Ok(()));
    assert!(
        HandlingPolicy {
            red_days: 181,
            ..HandlingPolicy::default()
        }
        .check()
        .is_err()
    );
    assert!(
        HandlingPolicy {
            green_days: 0,
            ..HandlingPolicy::default()
        }
        .check()
        .is_err()
    );
    assert!(
        HandlingPolicy {
            yellow_days: 200,
            ..HandlingPolicy::default()
        }
        .check()
        .is_err()
    );
}

#[test]
fn overdue_means_past_the_deadline_without_a_reply() {
    let today = d("2026-06-01");
    assert!(is_overdue(Assigned, Some(d("2026-05-31")), today));
    assert!(is_overdue(Rehandling, Some(d("2026-05-31")), today));
    assert!(!is_overdue(Assigned, Some(d("2026-06-01")), today));
    assert!(!is_overdue(Replied, Some(d("2026-05-31")), today));
    assert!(!is_overdue(Assigned, None, today));
}

#[test]
fn closing_rules_by_colour() {
    let evaluated = CloseFacts {
        evaluated: true,
        ..CloseFacts::default()
    };
    assert!(close_blockers(Some(Color::Green), evaluated).is_empty());
    assert_eq!(
        close_blockers(Some(Color::Yellow), evaluated),
        [CloseBlocker::NoVerification]
    );
    assert!(
        close_blockers(
            Some(Color::Yellow),
            CloseFacts {
                verifications: 1,
                ..evaluated
            }
        )
        .is_empty()
    );
    assert_eq!(
        close_blockers(
            Some(Color::Red),
            CloseFacts {
                supervision_notes: 1,
                ..evaluated
            }
        ),
        [CloseBlocker::NotSignedOff]
    );
    assert!(
        close_blockers(
            Some(Color::Red),
            CloseFacts {
                supervision_notes: 2,
                signed_off: true,
                ..evaluated
            }
        )
        .is_empty()
    );
    assert_eq!(
        close_blockers(Some(Color::Green), CloseFacts::default()),
        [CloseBlocker::NotEvaluated]
    );
}

#[test]
fn an_extension_is_later_not_past_and_within_the_limit() {
    let assigned = d("2026-03-01");
    let current = Some(d("2026-05-30"));
    let today = d("2026-05-20");
    let color = Some(Color::Green);
    let cases = [
        (d("2026-06-30"), Ok(d("2026-06-30"))),
        (d("2026-05-30"), Err(ExtensionError::NotLater)),
        (d("2026-05-01"), Err(ExtensionError::NotLater)),
        (
            d("2026-12-01"),
            Err(ExtensionError::Deadline(DeadlineError::PastSixMonths)),
        ),
    ];
    for (wanted, want) in cases {
        assert_eq!(
            extension_deadline(assigned, color, current, wanted, today),
            want,
            "{wanted}"
        );
    }
    // Past the current deadline but before today: refused asking and
    // deciding alike (they once differed).
    let late = d("2026-06-10");
    assert_eq!(
        extension_deadline(assigned, color, current, d("2026-06-01"), late),
        Err(ExtensionError::InThePast)
    );
    // Without a current deadline, only the date and the limit count.
    assert_eq!(
        extension_deadline(assigned, color, None, d("2026-04-01"), today),
        Err(ExtensionError::InThePast)
    );
    assert_eq!(
        extension_deadline(assigned, color, None, d("2026-06-01"), today),
        Ok(d("2026-06-01"))
    );
}
