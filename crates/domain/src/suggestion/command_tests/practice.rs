//! The office's practice: co-signers' consent, co-units first, 面商
//! before the reply, the end of rehandling, the deputy's time to
//! evaluate, letters and instructions.

use super::*;
use CoSignatureStatus as CS;

const INVITED: DeputyId = DeputyId::new(Uuid::from_u128(103));

/// The default practice, with today's date.
fn practice_ctx(today: NaiveDate) -> Ctx<'static> {
    Ctx {
        policy: &DEFAULT_POLICY,
        ..ctx_on(today)
    }
}

fn with_policy(policy: &'static HandlingPolicy) -> Ctx<'static> {
    Ctx { policy, ..ctx() }
}

fn leak(p: HandlingPolicy) -> &'static HandlingPolicy {
    Box::leak(Box::new(p))
}

/// A draft with co-signer A confirmed, one withdrawn, one invited.
fn draft_with_invited() -> Suggestion {
    let mut s = suggestion(Draft, Green);
    s.co_signers.push(CoSigner::invited(INVITED));
    s
}

#[test]
fn answering_an_invitation_by_where_the_co_signer_stands() {
    let as_invited = Ctx {
        by: By {
            deputy_id: Some(INVITED),
            ..ctx().by
        },
        ..ctx()
    };
    // (status before, agree, status after, action; none: nothing changes)
    #[rustfmt::skip]
    let table = [
        (CS::Invited, true, Some((CS::Confirmed, "co_signature_confirmed"))),
        (CS::Invited, false, Some((CS::Declined, "co_signature_declined"))),
        (CS::Confirmed, true, None),
        (CS::Confirmed, false, Some((CS::Withdrawn, "co_signature_withdrawn"))),
        (CS::Withdrawn, false, None),
        (CS::Declined, true, None),
        (CS::Lapsed, true, None),
    ];
    for (before, agree, want) in table {
        let mut s = draft_with_invited();
        s.co_signers[2].status = before;
        let got = ok(answer_co_signature(&s, agree, None, &as_invited));
        let Some((after, action)) = want else {
            assert_eq!(got, None, "{before} {agree}");
            continue;
        };
        let Some(c) = got else {
            panic!("no change: {before} {agree}")
        };
        let mine = &c.after.co_signers[2];
        assert_eq!(
            (mine.status, c.event.action),
            (after, action),
            "{before} {agree}"
        );
        // Nobody else's answer moves.
        assert_eq!(c.after.co_signers[..2], s.co_signers[..2]);
        let at = if agree {
            mine.confirmed_at
        } else {
            mine.withdrawn_at
        };
        assert_eq!(at, Some(now()));
    }
    let submitted = suggestion(Submitted, Green);
    assert_eq!(
        answer_co_signature(&submitted, true, None, &as_invited),
        Err(E::InvalidState(Submitted))
    );
}

#[test]
fn on_submission_the_unanswered_drop_out_and_only_the_confirmed_get_duties() {
    let s = draft_with_invited();
    let c = ok(submit(&s, None, None, false, &ctx()));
    let invited = &c.after.co_signers[2];
    assert_eq!(
        (invited.status, invited.withdrawn_at),
        (CS::Lapsed, Some(now()))
    );
    assert_eq!(c.after.co_signers[..2], s.co_signers[..2]);
    assert_eq!(
        c.event.detail,
        Some(json!({"lapsed_co_signers": [INVITED]}))
    );
    let duties: Vec<_> = c
        .effects
        .iter()
        .filter_map(|e| match e {
            Effect::Duty(d) => Some((d.deputy_id, d.kind)),
            _ => None,
        })
        .collect();
    assert_eq!(
        duties,
        vec![
            (LEAD_DEPUTY, DutyKind::SuggestionSubmitted),
            (CO_A, DutyKind::SuggestionCoSigned)
        ]
    );
    assert_eq!(c.after.active_co_signers().collect::<Vec<_>>(), vec![CO_A]);
}

#[test]
fn a_reworded_draft_asks_its_confirmed_co_signers_again() {
    let s = draft_with_invited();
    let reword = DraftPatch {
        content: Some("村道坏了，雨天积水".into()),
        ..DraftPatch::default()
    };
    let Some(c) = ok(update_draft(&s, reword, &draft_facts())) else {
        panic!("no change")
    };
    let statuses: Vec<_> = c
        .after
        .co_signers
        .iter()
        .map(|c| (c.status, c.confirmed_at))
        .collect();
    assert_eq!(
        statuses,
        vec![
            (CS::Invited, None),
            (CS::Withdrawn, Some(earlier())),
            (CS::Invited, None)
        ]
    );
    assert_eq!(
        c.event.detail,
        Some(json!({"co_signers_asked_again": [CO_A]}))
    );
    // A change of the session only keeps the answers.
    let session = DraftPatch {
        session: Some(Some("第五次会议".into())),
        ..DraftPatch::default()
    };
    let Some(c) = ok(update_draft(&s, session, &draft_facts())) else {
        panic!("no change")
    };
    assert_eq!(c.after.co_signers, s.co_signers);
    assert_eq!(c.event.detail, None);
}

#[test]
fn naming_co_signers_again_keeps_answers_and_re_invites_who_left() {
    let s = draft_with_invited();
    let patch = DraftPatch {
        co_signer_ids: Some(vec![CO_WITHDRAWN, CO_A, INVITED]),
        ..DraftPatch::default()
    };
    let mut facts = draft_facts();
    facts.existing_deputies.push(INVITED);
    let Some(c) = ok(update_draft(&s, patch, &facts)) else {
        panic!("no change")
    };
    let got: Vec<_> = c
        .after
        .co_signers
        .iter()
        .map(|c| (c.deputy_id, c.status))
        .collect();
    assert_eq!(
        got,
        vec![
            (CO_WITHDRAWN, CS::Invited),
            (CO_A, CS::Confirmed),
            (INVITED, CS::Invited)
        ]
    );
}

#[test]
fn the_lead_unit_replies_after_the_co_units_when_the_policy_says_so() {
    let first = leak(HandlingPolicy {
        consultation: Colors::NONE,
        ..HandlingPolicy::default()
    });
    // (opinion sent, today, co-units first, replies)
    #[rustfmt::skip]
    let table = [
        (false, d(3, 5), true, false),
        (false, d(3, 16), true, false), // the co-unit's deadline day itself
        (false, d(3, 17), true, true),  // its deadline has passed
        (true, d(3, 5), true, true),
        (false, d(3, 5), false, true),
    ];
    for (sent, today, co_units_first, replies) in table {
        let mut s = suggestion(Assigned, Green);
        if sent {
            s.co_units[0].opinion = Some("同意".into());
            s.co_units[0].opinion_at = Some(earlier());
        }
        let policy = if co_units_first { first } else { &POLICY };
        let ctx = Ctx {
            policy,
            ..ctx_on(today)
        };
        let got = reply(&s, reply_input(A), &facts(&[]), &ctx);
        if replies {
            assert_eq!(ok(got).after.status, Replied);
        } else {
            assert_eq!(got, Err(E::CoUnitOpinionsPending(vec![CO_UNIT])));
        }
    }
}

#[test]
fn a_reply_needs_an_undisputed_consultation_where_the_colour_asks_for_one() {
    // (colour, consultations this round, replies) under the default: yellow and red.
    #[rustfmt::skip]
    let table = [
        (Green, 0, true), (Yellow, 0, false), (Red, 0, false),
        (Yellow, 1, true), (Red, 2, true),
    ];
    for (color, consultations, replies) in table {
        let mut s = suggestion(Assigned, color);
        s.co_units.clear();
        let f = ReplyFacts {
            requests: &[],
            consultations,
        };
        let got = reply(&s, reply_input(A), &f, &practice_ctx(today()));
        if replies {
            assert_eq!(ok(got).after.status, Replied, "{color}");
        } else {
            assert_eq!(got, Err(E::ConsultationRequired), "{color}");
        }
    }
    // A congress asking it for every colour, or for none.
    let all = leak(HandlingPolicy {
        consultation: Colors::parse("green, yellow,red").unwrap_or_default(),
        co_units_first: false,
        ..HandlingPolicy::default()
    });
    let green = suggestion(Assigned, Green);
    let got = reply(&green, reply_input(A), &facts(&[]), &with_policy(all));
    assert_eq!(got, Err(E::ConsultationRequired));
    assert_eq!(Colors::parse("none"), Ok(Colors::NONE));
    assert!(Colors::parse("blue").is_err());
}

#[test]
fn consultations_are_recorded_for_the_round_they_precede() {
    let input = |held_on| ConsultationInput {
        id: Uuid::from_u128(700),
        held_on,
        form: ConsultationForm::Visit,
        participants: "王代表、李科长".into(),
        agreed: "年内修好".into(),
    };
    let s = suggestion(Assigned, Yellow);
    let c = ok(consult(&s, input(d(3, 4)), &ctx()));
    assert_eq!(c.after.consultations, 1, "it counts until disputed");
    assert_eq!(
        Suggestion {
            consultations: 0,
            ..c.after.clone()
        },
        s
    );
    let Some(Effect::Consultation(record)) = c.effects.first() else {
        panic!("no record")
    };
    assert_eq!((record.round, record.unit_id), (1, LEAD_UNIT));
    assert_eq!(c.event.action, "consulted");
    // During rehandling it precedes the second reply.
    let c = ok(consult(
        &suggestion(Rehandling, Yellow),
        input(d(3, 4)),
        &ctx(),
    ));
    let Some(Effect::Consultation(record)) = c.effects.first() else {
        panic!("no record")
    };
    assert_eq!(record.round, 2);
    // Refusals: the day, blank texts, the state.
    #[rustfmt::skip]
    let table = [
        (run(consult(&s, input(d(3, 6)), &ctx())), invalid("held_on", Issue::HeldOn)),
        (run(consult(&s, input(d(2, 28)), &ctx())), invalid("held_on", Issue::HeldOn)),
        (run(consult(&s, ConsultationInput { agreed: INVISIBLE.into(), ..input(d(3, 4)) }, &ctx())),
            invalid("agreed", Issue::Blank)),
        (run(consult(&suggestion(Replied, Yellow), input(d(3, 4)), &ctx())), E::InvalidState(Replied)),
    ];
    for (got, want) in table {
        assert_eq!(got, Err(want));
    }
}

#[test]
fn the_deputy_confirms_or_disputes_a_consultation_once() {
    let record = Consultation {
        id: Uuid::from_u128(700),
        round: 1,
        unit_id: LEAD_UNIT,
        held_on: d(3, 4),
        form: ConsultationForm::Phone,
        participants: "王代表".into(),
        agreed: "年内修好".into(),
        recorded_by: USER,
        created_at: earlier(),
        response: None,
        response_comment: None,
        responded_at: None,
    };
    let s = Suggestion {
        consultations: 1,
        ..suggestion(Replied, Yellow)
    };
    let c = ok(respond_to_consultation(
        &s,
        &record,
        ConsultationResponse::Disputed,
        Some("未曾见面".into()),
        &ctx(),
    ));
    assert_eq!(
        c.after.consultations, 0,
        "a disputed record no longer counts"
    );
    let confirmed =
        respond_to_consultation(&s, &record, ConsultationResponse::Confirmed, None, &ctx());
    assert_eq!(ok(confirmed).after.consultations, 1);
    let want = Effect::ConsultationResponse {
        id: record.id,
        response: ConsultationResponse::Disputed,
        comment: Some("未曾见面".into()),
        at: now(),
    };
    assert_eq!(c.effects, vec![want]);
    assert_eq!(
        c.event,
        event(
            "consultation_answered",
            Some(json!({"consultation_id": record.id, "response": "disputed"}))
        )
    );
    let answered = Consultation {
        response: Some(ConsultationResponse::Confirmed),
        ..record.clone()
    };
    assert!(answered.counts());
    assert!(
        !Consultation {
            response: Some(ConsultationResponse::Disputed),
            ..record.clone()
        }
        .counts()
    );
    let confirm = ConsultationResponse::Confirmed;
    #[rustfmt::skip]
    let table = [
        (run(respond_to_consultation(&s, &answered, confirm, None, &ctx())), E::AlreadyAnswered),
        (run(respond_to_consultation(&s, &record, ConsultationResponse::Disputed, None, &ctx())),
            invalid("comment", Issue::ReasonRequired)),
        (run(respond_to_consultation(&suggestion(Closed, Yellow), &record, confirm, None, &ctx())),
            E::InvalidState(Closed)),
    ];
    for (got, want) in table {
        assert_eq!(got, Err(want));
    }
}

#[test]
fn rehandling_ends_after_the_policys_rounds_with_a_final_evaluation() {
    // (rehandlings allowed, round of the latest reply, status after "unsatisfied")
    #[rustfmt::skip]
    let table = [
        (1, 1, Rehandling), (1, 2, Replied),
        (0, 1, Replied),
        (2, 2, Rehandling), (2, 3, Replied),
    ];
    for (max_rehandlings, round, want) in table {
        let policy = leak(HandlingPolicy {
            max_rehandlings,
            ..*POLICY
        });
        let mut s = suggestion(Replied, Yellow);
        s.evaluation_result = None;
        if let Some(r) = s.reply.as_mut() {
            r.round = round;
        }
        let c = ok(evaluate(&s, Unsatisfied, None, &with_policy(policy)));
        let case = format!("{max_rehandlings} {round}");
        assert_eq!(c.after.status, want, "{case}");
        let last = want == Replied;
        assert_eq!(
            c.event.detail.as_ref().and_then(|d| d.get("final")),
            last.then_some(&json!(true)),
            "{case}"
        );
        if last {
            // The deadline stays; the office closes with the evaluation on record.
            assert_eq!(c.after.deadline, s.deadline, "{case}");
            let closed = ok(close(
                &c.after,
                None,
                RecordCounts {
                    verifications: 1,
                    supervision_notes: 0,
                },
                &with_policy(policy),
            ));
            assert_eq!(closed.after.evaluation_result, Some(Unsatisfied));
            assert!(!closed.after.closed_not_evaluated());
        }
    }
    // A green suggestion unsatisfied for the last time is closed by the office too.
    let mut g = suggestion(Replied, Green);
    g.evaluation_result = None;
    if let Some(r) = g.reply.as_mut() {
        r.round = 2;
    }
    assert_eq!(
        ok(evaluate(&g, Unsatisfied, None, &ctx())).after.status,
        Replied
    );
}

#[test]
fn an_unevaluated_reply_closes_as_not_evaluated_once_the_deputys_time_is_over() {
    // The reply came on 1 March (China time); 30 days to evaluate.
    // (evaluation days, today, closes)
    #[rustfmt::skip]
    let table = [
        (30, d(3, 31), false), (30, d(4, 1), true),
        (0, d(12, 31), false), (7, d(3, 9), true),
    ];
    for (evaluation_days, today, closes) in table {
        let policy = leak(HandlingPolicy {
            evaluation_days,
            ..*POLICY
        });
        let s = suggestion(Replied, Green);
        let got = close(
            &s,
            None,
            RecordCounts::default(),
            &Ctx {
                policy,
                ..ctx_on(today)
            },
        );
        let case = format!("{evaluation_days} {today}");
        if closes {
            let c = ok(got);
            assert!(c.after.closed_not_evaluated(), "{case}");
            assert_eq!(c.after.evaluation_result, None, "{case}");
            assert_eq!(
                c.event.detail,
                Some(json!({"evaluation": "not_evaluated"})),
                "{case}"
            );
        } else {
            assert_eq!(
                got,
                Err(E::CloseRequirementsUnmet(vec![CloseBlocker::NotEvaluated])),
                "{case}"
            );
        }
    }
    // An unsatisfied evaluation still in `replied` is final, even if the
    // congress has since allowed more rehandlings: the office closes it.
    let mut s = suggestion(Replied, Green);
    s.evaluation_result = Some(Unsatisfied);
    let more = leak(HandlingPolicy {
        max_rehandlings: 5,
        ..*POLICY
    });
    let c = ok(close(&s, None, RecordCounts::default(), &with_policy(more)));
    assert_eq!(c.after.status, Closed);
    assert!(s.evaluation_is_final(more));
}

#[test]
fn a_submission_not_registered_goes_to_a_unit_as_a_letter_once() {
    let s = suggestion(Submitted, Green);
    let c = ok(reject(
        &s,
        "不属建议范围".into(),
        Some((OTHER_UNIT, true)),
        &ctx(),
    ));
    let letter = Letter {
        unit_id: OTHER_UNIT,
        passed_at: now(),
        acknowledged_at: None,
        acknowledgement: None,
    };
    assert_eq!(
        (c.after.status, c.after.letter.clone()),
        (NotRegistered, Some(letter.clone()))
    );
    assert_eq!(
        c.event.detail,
        Some(json!({"reason": "不属建议范围", "letter_unit_id": OTHER_UNIT}))
    );
    assert_eq!(
        run(reject(&s, "不属".into(), Some((NO_UNIT, false)), &ctx())),
        Err(invalid("letter_unit_id", Issue::UnknownUnit))
    );
    // Passed later, once, and acknowledged once.
    let rejected = suggestion(NotRegistered, Green);
    let c = ok(pass_as_letter(&rejected, OTHER_UNIT, true, None, &ctx()));
    assert_eq!(c.after.letter, Some(letter));
    #[rustfmt::skip]
    let table = [
        (run(pass_as_letter(&c.after, OTHER_UNIT, true, None, &ctx())), E::InvalidState(NotRegistered)),
        (run(pass_as_letter(&rejected, NO_UNIT, false, None, &ctx())), invalid("unit_id", Issue::UnknownUnit)),
        (run(pass_as_letter(&suggestion(Submitted, Green), OTHER_UNIT, true, None, &ctx())), E::InvalidState(Submitted)),
        (run(acknowledge_letter(&rejected, None, &ctx())), E::InvalidState(NotRegistered)),
    ];
    for (got, want) in table {
        assert_eq!(got, Err(want));
    }
    let ack = ok(acknowledge_letter(
        &c.after,
        Some("已阅，作参考".into()),
        &ctx(),
    ));
    let l = ack
        .after
        .letter
        .clone()
        .unwrap_or_else(|| panic!("no letter"));
    assert_eq!(
        (l.acknowledged_at, l.acknowledgement.as_deref()),
        (Some(now()), Some("已阅，作参考"))
    );
    assert_eq!(
        run(acknowledge_letter(&ack.after, None, &ctx())),
        Err(E::AlreadyAnswered)
    );
}

#[test]
fn leaders_instruct_on_any_suggestion_past_its_draft() {
    let id = Uuid::from_u128(800);
    for status in [
        Submitted,
        Registered,
        Assigned,
        Replied,
        Closed,
        NotRegistered,
    ] {
        let s = suggestion(status, Red);
        let c = ok(instruct(&s, id, "请抓紧办理".into(), &ctx()));
        assert_eq!(c.after, s);
        // The timeline names the instruction, not its words.
        assert_eq!(
            c.event,
            event("instructed", Some(json!({"instruction_id": id})))
        );
        let want = Instruction {
            id,
            content: "请抓紧办理".into(),
            given_by: USER,
            given_at: now(),
        };
        let (written, told) = split(&c.effects);
        assert_eq!(written, vec![Effect::Instruction(want)]);
        // The units handling it are told; before assignment there are none.
        let kinds: Vec<NoticeKind> = told.iter().map(|t| t.0).collect();
        let want = if s.lead_unit_id.is_some() {
            vec![NoticeKind::InstructionGiven]
        } else {
            vec![]
        };
        assert_eq!(kinds, want, "{status}");
    }
    let draft = suggestion(Draft, Red);
    assert_eq!(
        run(instruct(&draft, id, "阅".into(), &ctx())),
        Err(E::InvalidState(Draft))
    );
    assert_eq!(
        run(instruct(&suggestion(Assigned, Red), id, " ".into(), &ctx())),
        Err(invalid("content", Issue::Blank))
    );
}

#[test]
fn the_policy_is_checked_within_its_limits() {
    let p = HandlingPolicy::default();
    assert!(p.needs_consultation(Some(Yellow)) && p.needs_consultation(Some(Red)));
    assert!(!p.needs_consultation(Some(Green)) && !p.needs_consultation(None));
    assert_eq!((p.max_rehandlings, p.evaluation_days), (1, 30));
    assert!(p.co_units_first);
    let too_many = HandlingPolicy {
        max_rehandlings: 11,
        ..p
    };
    assert!(too_many.check().is_err());
    let too_long = HandlingPolicy {
        evaluation_days: 400,
        ..p
    };
    assert!(too_long.check().is_err());
}

#[test]
fn each_suggestion_counts_toward_the_figures_by_one_definition() {
    use figures::{Counts, FiguresScope};
    let c = |s: &Suggestion| Counts::of(s);
    // Not registered: nothing, and no key.
    assert!(c(&suggestion(Submitted, Green)).is_zero());
    assert!(figures::keys(&suggestion(Draft, Green)).is_empty());
    let registered = c(&suggestion(Registered, Green));
    assert_eq!((registered.registered, registered.assigned), (1, 0));
    let assigned = c(&suggestion(Assigned, Green));
    assert_eq!(
        (assigned.assigned, assigned.replied, assigned.closed),
        (1, 0, 0)
    );
    // Replied A on time, consulted; not yet evaluated.
    let mut replied = suggestion(Replied, Yellow);
    replied.evaluation_result = None;
    replied.consultations = 1;
    let r = c(&replied);
    #[rustfmt::skip]
    assert_eq!(
        (r.replied, r.replied_on_time, r.solved, r.consulted, r.evaluated, r.satisfied),
        (1, 1, 1, 1, 0, 0)
    );
    // Rehandling: unsatisfied on record and handled again.
    let h = c(&suggestion(Rehandling, Green));
    assert_eq!(
        (h.evaluated, h.unsatisfied, h.rehandled, h.satisfied),
        (1, 1, 1, 0)
    );
    // Closed satisfied, and closed not evaluated (never satisfied).
    let done = c(&suggestion(Closed, Green));
    assert_eq!((done.closed, done.satisfied, done.not_evaluated), (1, 1, 0));
    let mut lapsed = suggestion(Closed, Green);
    lapsed.evaluation_result = None;
    let l = c(&lapsed);
    assert_eq!(
        (l.closed, l.evaluated, l.satisfied, l.not_evaluated),
        (1, 0, 0, 1)
    );
    // The rates of a set.
    let all = [done, l, h, r]
        .iter()
        .fold(Counts::default(), |a, x| a.plus(x));
    let rates = all.rates();
    assert_eq!(rates.closing, Some(0.5));
    assert_eq!(rates.satisfaction, Some(0.5));
    assert_eq!(rates.consultation, Some(0.25));
    assert_eq!(Counts::default().rates().closing, None);
    // Keys: the year of registration, its unit, category, deputy; a
    // session's whole.
    let mut s = suggestion(Assigned, Green);
    s.congress_session_id = Some(Uuid::from_u128(0x5e55));
    let scopes: Vec<(FiguresScope, i32)> = figures::keys(&s)
        .into_iter()
        .map(|k| (k.scope, k.year))
        .collect();
    assert_eq!(
        scopes,
        vec![
            (FiguresScope::All, 2026),
            (FiguresScope::Category, 2026),
            (FiguresScope::Deputy, 2026),
            (FiguresScope::Unit, 2026),
            (FiguresScope::Session, 0)
        ]
    );
}

#[test]
fn a_change_moves_counts_between_keys_and_leaves_the_rest() {
    use figures::{FiguresScope, Key};
    let before = suggestion(Assigned, Green);
    // Re-assigned to another unit and replied: the old unit loses it.
    let mut after = suggestion(Replied, Green);
    after.evaluation_result = None;
    after.lead_unit_id = Some(OTHER_UNIT);
    let d = figures::delta(Some(&before), &after);
    let unit = |u: UnitId| Key {
        scope: FiguresScope::Unit,
        key: u.uuid().to_string(),
        year: 2026,
    };
    assert_eq!(d.get(&unit(LEAD_UNIT)).map(|c| c.assigned), Some(-1));
    let moved = d.get(&unit(OTHER_UNIT)).copied().unwrap_or_default();
    assert_eq!((moved.assigned, moved.replied), (1, 1));
    let all = Key {
        scope: FiguresScope::All,
        key: String::new(),
        year: 2026,
    };
    let whole = d.get(&all).copied().unwrap_or_default();
    assert_eq!((whole.assigned, whole.replied), (0, 1));
    // Nothing that counts changed: nothing to write.
    assert!(figures::delta(Some(&before), &before).is_empty());
    // A new registered suggestion adds itself.
    let new = figures::delta(None, &suggestion(Registered, Green));
    assert_eq!(new.get(&all).map(|c| c.registered), Some(1));
}
