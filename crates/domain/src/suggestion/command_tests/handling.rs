//! The commands while the units handle a suggestion, and after: replies,
//! opinions, evaluation, records, closing, publishing, requests,
//! decisions, commitments and attachments.

use super::*;

#[test]
fn only_a_pending_reassignment_blocks_the_reply() {
    let s = suggestion(Assigned, Green);
    for req in [
        pending(Ext),
        unit_request(Re, RequestStatus::Approved),
        unit_request(Re, RequestStatus::Denied),
    ] {
        let got = reply(
            &s,
            reply_input(A),
            &facts(std::slice::from_ref(&req)),
            &ctx(),
        );
        assert!(got.is_ok(), "{req:?}: {got:?}");
    }
}

#[test]
fn reply_writes_the_letter_and_for_b_only_the_commitment() {
    let s = suggestion(Assigned, Green);
    let c = ok(reply(&s, reply_input(B), &facts(&[]), &ctx()));
    assert_eq!(c.after.status, Replied);
    let a = &c.after;
    assert_eq!((a.replied_at, a.replied_on_time), (Some(now()), Some(true)));
    let detail = json!({"round": 1, "category": "B"});
    assert_eq!(c.event, event("replied", Some(detail)));
    let commitment = Effect::Commitment {
        reply_id: REPLY,
        content: "年内修好".into(),
        due_date: Some(d(12, 31)),
    };
    let written = |category| Effect::Reply(letter(REPLY, 1, category, today(), now()), USER);
    // The lead deputy is told, with the day their evaluation is due.
    let told = (
        NoticeKind::SuggestionReplied,
        vec![Recipient::Deputy(LEAD_DEPUTY)],
        a.evaluation_due(ctx().policy),
    );
    assert_eq!(
        split(&c.effects),
        (vec![written(B), commitment], vec![told])
    );
    for category in [A, C] {
        let mut input = reply_input(category);
        input.commitment = Some(("不算".into(), None));
        let c = ok(reply(&s, input, &facts(&[]), &ctx()));
        assert_eq!(split(&c.effects).0, vec![written(category)]);
    }
}

#[test]
fn a_reply_in_rehandling_is_the_next_round_and_clears_the_evaluation() {
    let mut s = suggestion(Rehandling, Green);
    s.evaluation_comment = Some("没修".into());
    let c = ok(reply(&s, reply_input(A), &facts(&[]), &ctx()));
    let a = &c.after;
    assert_eq!(a.status, Replied);
    let evaluation = (a.evaluation_result, &a.evaluation_comment, a.evaluated_at);
    assert_eq!(evaluation, (None, &None, None));
    assert!(matches!(&split(&c.effects).0[..], [Effect::Reply(r, _)] if r.round == 2));
    assert_eq!(c.event.detail, Some(json!({"round": 2, "category": "A"})));
}

#[test]
fn a_reply_after_the_deadline_is_late() {
    let s = suggestion(Assigned, Green);
    for (day, on_time) in [(deadline(), true), (d(4, 1), false)] {
        let c = ok(reply(&s, reply_input(A), &facts(&[]), &ctx_on(day)));
        assert_eq!(c.after.replied_on_time, Some(on_time), "{day}");
    }
}

#[test]
fn a_co_unit_opinion_is_kept_on_the_callers_co_unit_only() {
    let mut s = suggestion(Assigned, Green);
    s.co_units.push(co_unit(OTHER_UNIT.into()));
    let c = ok(co_unit_opinion(&s, "同意".into(), &ctx()));
    let mine = &c.after.co_units[0];
    let opinion = (mine.opinion.as_deref(), mine.opinion_at);
    assert_eq!(opinion, (Some("同意"), Some(now())));
    assert_eq!(c.after.co_units[1], s.co_units[1]);
    let detail = json!({"unit_id": CO_UNIT});
    assert_eq!(c.event, event("co_unit_opinion", Some(detail)));
}

#[test]
fn evaluation_outcomes_by_colour() {
    #[rustfmt::skip]
    let table = [
        (Green, Satisfied, Closed, Some(now())),
        (Green, BasicallySatisfied, Closed, Some(now())),
        (Yellow, Satisfied, Replied, None),
        (Red, BasicallySatisfied, Replied, None),
        (Green, Unsatisfied, Rehandling, None),
        (Yellow, Unsatisfied, Rehandling, None),
        (Red, Unsatisfied, Rehandling, None),
    ];
    for (color, result, status, closed_at) in table {
        let s = suggestion(Replied, color);
        let c = ok(evaluate(&s, result, Some("好".into()), &ctx()));
        let a = &c.after;
        let case = format!("{color} {result}");
        assert_eq!((a.status, a.closed_at), (status, closed_at), "{case}");
        let evaluation = (a.evaluation_result, a.evaluated_at);
        assert_eq!(evaluation, (Some(result), Some(now())), "{case}");
        assert_eq!(a.evaluation_comment.as_deref(), Some("好"));
        assert_eq!(c.event.action, "evaluated");
    }
}

#[test]
fn unsatisfied_starts_rehandling_with_a_new_deadline_and_no_sign_off() {
    let mut s = suggestion(Replied, Red);
    (s.signed_off_at, s.signed_off_by) = (Some(earlier()), Some(SUPERVISOR));
    s.overdue_recorded = true;
    let c = ok(evaluate(&s, Unsatisfied, Some("没修".into()), &ctx()));
    let a = &c.after;
    assert_eq!(a.deadline, Some(d(4, 4)));
    let cleared = (a.signed_off_at, a.signed_off_by, a.overdue_recorded);
    assert_eq!(cleared, (None, None, false));
    let detail = json!({"result": "unsatisfied", "comment": "没修", "due_date": "2026-04-04"});
    assert_eq!(c.event, event("evaluated", Some(detail)));
}

#[test]
fn the_rehandling_deadline_is_a_full_period_even_late_in_the_year() {
    // Assigned on 1 March; six months end on 1 September. Rehandling that
    // starts on 20 October still gets its 30 days.
    for color in [Green, Red] {
        let s = suggestion(Replied, color);
        let c = ok(evaluate(&s, Unsatisfied, None, &ctx_on(d(10, 20))));
        assert_eq!(c.after.deadline, Some(d(11, 19)), "{color}");
    }
}

#[test]
fn records_are_effects_named_by_their_kind() {
    let s = suggestion(Replied, Yellow);
    let kinds = [
        (SuggestionRecordKind::Verification, "verification"),
        (SuggestionRecordKind::SupervisionNote, "supervision_note"),
    ];
    for (kind, action) in kinds {
        let c = ok(add_record(&s, kind, record_input("现场查看"), &ctx()));
        assert_eq!(c.after, s);
        let detail = json!({"occurred_on": "2026-03-05"});
        assert_eq!(c.event, event(action, Some(detail)));
        #[rustfmt::skip]
        let effect = Effect::Record {
            kind, occurred_on: today(), participants: Some("张三".into()),
            content: "现场查看".into(), by: USER,
        };
        assert_eq!(c.effects, vec![effect]);
    }
}

#[test]
fn refusals_after_the_reply() {
    use Issue::{Blank, ReasonRequired};
    let mut evaluated = suggestion(Replied, Yellow);
    evaluated.evaluation_result = Some(BasicallySatisfied);
    let red = suggestion(Replied, Red);
    let mut signed = suggestion(Replied, Red);
    signed.signed_off_at = Some(earlier());
    let mut published = suggestion(Closed, Green);
    published.published_at = Some(earlier());
    let assigned = suggestion(Assigned, Green);
    let (open, fulfilled) = (
        commitment(CommitmentStatus::Open),
        commitment(CommitmentStatus::Fulfilled),
    );
    #[rustfmt::skip]
    let table: Vec<(&str, Result<(), E>, E)> = vec![
        ("a reply is evaluated once", run(evaluate(&evaluated, Satisfied, None, &ctx())), E::AlreadyEvaluated),
        ("... also when unsatisfied", run(evaluate(&evaluated, Unsatisfied, None, &ctx())), E::AlreadyEvaluated),
        ("a sign-off needs supervision notes", run(sign_off(&red, None, 0, &ctx())), E::SupervisionNotesMissing),
        ("a sign-off happens once", run(sign_off(&signed, None, 2, &ctx())), E::InvalidState(Replied)),
        ("publication happens once", run(publish(&published, None, &ctx())), E::InvalidState(Closed)),
        ("marking outstanding needs a reason",
            run(mark_outstanding(&assigned, true, None)), invalid("reason", ReasonRequired)),
        ("... a visible one",
            run(mark_outstanding(&assigned, true, Some(INVISIBLE.into()))), invalid("reason", ReasonRequired)),
        ("progress needs text",
            run(update_commitment(&assigned, &open, INVISIBLE.into(), false)), invalid("progress", Blank)),
        ("a fulfilled commitment takes no progress",
            run(update_commitment(&assigned, &fulfilled, "再修".into(), false)), E::CommitmentClosed),
    ];
    for (rule, got, want) in table {
        assert_eq!(got, Err(want), "{rule}");
    }
}

#[test]
fn sign_off_records_the_leader_and_the_time() {
    let s = suggestion(Replied, Red);
    let c = ok(sign_off(&s, Some("同意办结".into()), 2, &ctx()));
    let signed = (c.after.signed_off_at, c.after.signed_off_by);
    assert_eq!(signed, (Some(now()), Some(USER)));
    let detail = json!({"note": "同意办结"});
    assert_eq!(c.event, event("signed_off", Some(detail)));
}

/// Colour, evaluated, verifications, supervision notes, signed off, blockers.
type CloseCase = (Color, bool, u32, u32, bool, &'static [CloseBlocker]);

#[test]
fn close_lists_what_each_colour_still_lacks() {
    use CloseBlocker::*;
    #[rustfmt::skip]
    let table: &[CloseCase] = &[
        (Green, false, 0, 0, false, &[NotEvaluated]),
        (Green, true, 0, 0, false, &[]),
        (Yellow, false, 0, 0, false, &[NotEvaluated, NoVerification]),
        (Yellow, true, 0, 5, true, &[NoVerification]),
        (Yellow, false, 1, 0, false, &[NotEvaluated]),
        (Yellow, true, 1, 0, false, &[]),
        (Red, false, 0, 0, false, &[NotEvaluated, NoSupervisionNotes, NotSignedOff]),
        (Red, true, 3, 0, true, &[NoSupervisionNotes]),
        (Red, true, 0, 1, false, &[NotSignedOff]),
        (Red, true, 0, 1, true, &[]),
    ];
    for &(color, evaluated, verifications, supervision_notes, signed, want) in table {
        let mut s = suggestion(Replied, color);
        s.evaluation_result = evaluated.then_some(BasicallySatisfied);
        s.signed_off_at = signed.then(earlier);
        let counts = RecordCounts {
            verifications,
            supervision_notes,
        };
        let got = close(&s, Some("办结".into()), counts, &ctx());
        let case = format!("{color} {evaluated} {verifications} {supervision_notes} {signed}");
        if want.is_empty() {
            let c = ok(got);
            assert_eq!((c.after.status, c.after.closed_at), (Closed, Some(now())));
            assert_eq!(c.event, event("closed", Some(json!({"note": "办结"}))));
        } else {
            let want = E::CloseRequirementsUnmet(want.to_vec());
            assert_eq!(got, Err(want), "{case}");
        }
    }
}

#[test]
fn publish_and_mark_outstanding() {
    let c = ok(publish(&suggestion(Closed, Green), None, &ctx()));
    assert_eq!(c.after.published_at, Some(now()));
    assert_eq!(c.event, event("published", None));
    let s = suggestion(Assigned, Green);
    let c = ok(mark_outstanding(&s, true, Some("典型".into())));
    let a = &c.after;
    let marked = (a.outstanding, a.outstanding_reason.as_deref());
    assert_eq!(marked, (true, Some("典型")));
    let detail = json!({"outstanding": true, "reason": "典型"});
    assert_eq!(c.event, event("outstanding_marked", Some(detail)));
    // Unmarking drops the reason, whatever is given.
    let c = ok(mark_outstanding(&c.after, false, Some("不算".into())));
    let a = c.after;
    assert_eq!((a.outstanding, a.outstanding_reason), (false, None));
}

#[test]
fn a_reassignment_may_be_asked_for_until_day_10_after_assignment() {
    let s = suggestion(Assigned, Green);
    let input = ask(Re, "不属本单位职责", None);
    let c = ok(request(&s, input, &[], &ctx_on(d(3, 11))));
    assert_eq!(c.after, s);
    let detail = json!({"kind": "reassignment", "reason": "不属本单位职责", "due_date": null});
    assert_eq!(c.event, event("unit_request", Some(detail)));
    #[rustfmt::skip]
    let effect = Effect::Request {
        unit_id: LEAD_UNIT, kind: Re, reason: "不属本单位职责".into(), requested_deadline: None, by: USER,
    };
    assert_eq!(c.effects, vec![effect]);
}

#[test]
fn an_extension_may_be_asked_up_to_the_legal_limit() {
    // Six months from the assignment on 1 March, during rehandling too.
    let s = suggestion(Rehandling, Green);
    let c = ok(request(
        &s,
        ask(Ext, "工程量大", Some(d(9, 1))),
        &[],
        &ctx(),
    ));
    #[rustfmt::skip]
    let effect = Effect::Request {
        unit_id: LEAD_UNIT, kind: Ext, reason: "工程量大".into(), requested_deadline: Some(d(9, 1)), by: USER,
    };
    assert_eq!(c.effects, vec![effect]);
}

#[test]
fn decision_refusals() {
    use DeadlineError::{BeforeAssignment, PastSixMonths};
    use Issue::{Deadline, NewLeadUnitRequired, NotAnotherUnit};
    let s = suggestion(Assigned, Green);
    let decide = |req: &UnitRequest, decision, exists| {
        run(decide_request(&s, req, decision, exists, &ctx()))
    };
    let deny = Decision {
        approved: false,
        ..approve(None, None)
    };
    let (re, ext) = (pending(Re), pending(Ext));
    let approved = unit_request(Re, RequestStatus::Approved);
    let denied = unit_request(Ext, RequestStatus::Denied);
    let not_later = Issue::Extension(ExtensionError::NotLater);
    #[rustfmt::skip]
    let table: Vec<(&str, Result<(), E>, E)> = vec![
        ("an approved request stays decided", decide(&approved, approve(Some(OTHER_UNIT.into()), None), true), E::RequestDecided),
        ("a denied request stays decided", decide(&denied, deny.clone(), true), E::RequestDecided),
        ("a re-assignment needs the new lead unit",
            decide(&re, approve(None, None), true), invalid("lead_unit_id", NewLeadUnitRequired)),
        ("the new lead unit is another unit",
            decide(&re, approve(Some(LEAD_UNIT.into()), None), true), invalid("lead_unit_id", NotAnotherUnit)),
        ("the new lead unit exists",
            decide(&re, approve(Some(NO_UNIT.into()), None), false), invalid("lead_unit_id", NotAnotherUnit)),
        ("the new deadline is not before today",
            decide(&re, approve(Some(OTHER_UNIT.into()), Some(d(3, 4))), true), invalid("due_date", Deadline(BeforeAssignment))),
        ("the new deadline is within six months",
            decide(&re, approve(Some(OTHER_UNIT.into()), Some(d(9, 6))), true), invalid("due_date", Deadline(PastSixMonths))),
        ("an extension granted is later",
            decide(&ext, approve(None, Some(deadline())), true), invalid("due_date", not_later)),
    ];
    for (rule, got, want) in table {
        assert_eq!(got, Err(want), "{rule}");
    }
}

#[test]
fn a_denial_writes_only_the_decision() {
    let s = suggestion(Assigned, Green);
    let denial = Decision {
        approved: false,
        note: Some("不同意".into()),
        ..approve(None, None)
    };
    let c = ok(decide_request(&s, &pending(Re), denial, false, &ctx()));
    assert_eq!(c.after, s);
    let detail =
        json!({"request_id": REQUEST, "kind": "reassignment", "approved": false, "note": "不同意"});
    assert_eq!(c.event, event("request_decided", Some(detail)));
    #[rustfmt::skip]
    let effect = Effect::Decide { request_id: REQUEST, approved: false, by: USER, note: Some("不同意".into()) };
    let told = (
        NoticeKind::RequestDecided,
        vec![Recipient::Unit(LEAD_UNIT)],
        None,
    );
    assert_eq!(split(&c.effects), (vec![effect], vec![told]));
    let refused = c
        .effects
        .iter()
        .any(|e| matches!(e, Effect::Notify(n) if n.approved == Some(false)));
    assert!(refused, "the unit is told its request was refused");
}

#[test]
fn approving_a_reassignment_moves_the_lead_unit_and_starts_anew() {
    // (status, colour, due date decided, deadline)
    #[rustfmt::skip]
    let table = [
        (Assigned, Yellow, None, d(6, 3)),
        (Rehandling, Green, None, d(4, 4)),
        (Assigned, Green, Some(d(5, 1)), d(5, 1)),
    ];
    for (status, color, due, want) in table {
        let mut s = suggestion(status, color);
        s.overdue_recorded = true;
        let c = ok(decide_request(
            &s,
            &pending(Re),
            approve(Some(CO_UNIT.into()), due),
            true,
            &ctx(),
        ));
        let a = &c.after;
        let lead = (a.status, a.lead_unit_id);
        assert_eq!(lead, (Assigned, Some(CO_UNIT)), "{status}");
        // The new lead unit is no longer a co-unit.
        assert!(a.co_units.is_empty());
        assert_eq!((a.assigned_on, a.assigned_at), (Some(today()), Some(now())));
        let deadline = (a.deadline, a.overdue_recorded);
        assert_eq!(deadline, (Some(want), false), "{status} {color}");
        #[rustfmt::skip]
        let want = vec![
            Effect::Decide { request_id: REQUEST, approved: true, by: USER, note: None },
            Effect::Assignment { lead_unit_id: CO_UNIT, end_reason: Some("reassigned") },
        ];
        assert_eq!(split(&c.effects).0, want);
        // The new lead unit is told of its assignment, the old one of the
        // decision.
        let kinds: Vec<_> = split(&c.effects)
            .1
            .into_iter()
            .map(|t| (t.0, t.1))
            .collect();
        assert_eq!(
            kinds,
            [
                (
                    NoticeKind::SuggestionAssigned,
                    vec![Recipient::Unit(CO_UNIT)]
                ),
                (NoticeKind::RequestDecided, vec![Recipient::Unit(LEAD_UNIT)]),
            ]
        );
        assert_eq!(c.event.action, "request_decided");
    }
}

#[test]
fn approving_an_extension_moves_the_deadline() {
    let mut s = suggestion(Assigned, Green);
    s.overdue_recorded = true;
    // The date asked for, unless the decision names another.
    for (due, want) in [(None, d(4, 30)), (Some(d(5, 15)), d(5, 15))] {
        let c = ok(decide_request(
            &s,
            &pending(Ext),
            approve(None, due),
            true,
            &ctx(),
        ));
        let a = &c.after;
        assert_eq!((a.deadline, a.overdue_recorded), (Some(want), false));
        assert_eq!((a.status, a.lead_unit_id), (Assigned, Some(LEAD_UNIT)));
        let decided = matches!(
            &split(&c.effects).0[..],
            [Effect::Decide { approved: true, .. }]
        );
        assert!(decided, "{:?}", c.effects);
    }
}

#[test]
fn progress_on_an_open_commitment() {
    let s = suggestion(Closed, Green);
    let c = ok(update_commitment(
        &s,
        &commitment(CommitmentStatus::Open),
        "已完工".into(),
        true,
    ));
    assert_eq!(c.after, s);
    let detail = json!({"commitment_id": COMMITMENT, "fulfilled": true});
    assert_eq!(c.event, event("commitment_progress", Some(detail)));
    #[rustfmt::skip]
    let effect = Effect::CommitmentProgress { id: COMMITMENT, progress: "已完工".into(), fulfilled: true };
    assert_eq!(c.effects, vec![effect]);
}

#[test]
fn material_while_drafting_reply_letters_while_handling() {
    for &status in SuggestionStatus::ALL {
        for &kind in AttachmentKind::ALL {
            let allowed = match kind {
                AttachmentKind::Material => status == Draft,
                AttachmentKind::ReplyLetter => matches!(status, Assigned | Rehandling | Replied),
            };
            let s = suggestion(status, Green);
            let got = attach(&s, attachment(kind));
            if allowed {
                assert_eq!(may_attach(&s, kind), Ok(()));
                let c = ok(got);
                assert_eq!((c.after, c.event.action), (s, "attachment_added"));
                assert_eq!(c.effects, vec![Effect::Attachment(attachment(kind))]);
            } else {
                let want = Err(E::InvalidState(status));
                assert_eq!(may_attach(&s, kind), want, "{kind} {status}");
                assert_eq!(run(got), want, "{kind} {status}");
            }
        }
    }
}

#[test]
fn only_an_active_leader_may_supervise() {
    #[rustfmt::skip]
    let user = |roles: &[Role], status, deleted: bool| User {
        id: SUPERVISOR.into(), username: "leader".into(), display_name: "领导".into(),
        roles: RoleSet::new(roles.iter().copied()), status, deputy_id: None, unit_id: None,
        observer_id: None, failed_logins: 0, locked_until: None, password_changed_at: earlier(),
        must_change_password: false, created_at: earlier(), updated_at: earlier(),
        deleted_at: deleted.then(earlier), version: 1,
    };
    use UserStatus::{Active, Disabled};
    #[rustfmt::skip]
    let table = [
        (user(&[Role::Leader], Active, false), true),
        (user(&[Role::Staff, Role::Leader], Active, false), true),
        (user(&[Role::Leader], Disabled, false), false),
        (user(&[Role::Leader], Active, true), false),
        (user(&[Role::Staff], Active, false), false),
    ];
    for (n, (u, want)) in table.iter().enumerate() {
        assert_eq!(can_supervise(u), *want, "case {n}");
    }
}

#[test]
fn error_codes() {
    use CloseBlocker::NotEvaluated;
    #[rustfmt::skip]
    let table = [
        (E::InvalidState(Draft), "invalid_state"), (E::AlreadyEvaluated, "already_evaluated"),
        (E::SupervisionNotesMissing, "supervision_notes_missing"),
        (E::CloseRequirementsUnmet(vec![NotEvaluated]), "close_requirements_unmet"),
        (E::RequestPending, "request_pending"), (E::ReassignmentPending, "request_pending"),
        (E::ReassignmentWindowClosed, "reassignment_window_closed"),
        (E::RequestDecided, "request_decided"), (E::CommitmentClosed, "commitment_closed"),
        (invalid("title", Issue::Blank), "validation_failed"),
    ];
    for (e, code) in table {
        assert_eq!(e.code().as_str(), code, "{e:?}");
    }
}

#[test]
fn issue_codes_and_blocker_fields() {
    use DeadlineError::{BeforeAssignment, PastSixMonths};
    use ExtensionError::{InThePast, NotLater};
    use Issue::*;
    #[rustfmt::skip]
    let table = [
        (Blank, "blank"), (UnknownCategory, "unknown_category"),
        (UnknownDeputy, "not_found"), (UnknownUnit, "not_found"),
        (SupervisorRequired, "required"), (ReasonRequired, "required"),
        (NewDeadlineRequired, "required"), (NewLeadUnitRequired, "required"),
        (NotALeader, "not_a_leader"), (CommitmentRequired, "commitment_required"),
        (NotAnotherUnit, "invalid"), (CoUnitDeadline, "deadline"),
        (Deadline(BeforeAssignment), "deadline"), (Deadline(PastSixMonths), "deadline"),
        (Extension(NotLater), "deadline"), (Extension(InThePast), "deadline"),
        (Extension(ExtensionError::Deadline(PastSixMonths)), "deadline"),
    ];
    for (issue, code) in table {
        assert_eq!(issue.code(), code, "{issue:?}");
    }
    #[rustfmt::skip]
    let fields = [
        (CloseBlocker::NotEvaluated, "evaluation"), (CloseBlocker::NoVerification, "verifications"),
        (CloseBlocker::NoSupervisionNotes, "supervision_notes"), (CloseBlocker::NotSignedOff, "signed_off_at"),
    ];
    for (blocker, field) in fields {
        assert_eq!(blocker.field(), field);
    }
}
