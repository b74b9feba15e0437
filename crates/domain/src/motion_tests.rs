use super::*;
use crate::command::testing::{ctx, day, deputy, id};
use MotionStatus::*;

const LEAD: u128 = 1;

fn session(status: SessionStatus) -> CongressSession {
    CongressSession {
        id: id(500),
        level: Level::Township,
        term: "第十八届".into(),
        number: 3,
        opens_on: day(2026, 12, 4),
        closes_on: day(2026, 12, 6),
        status,
        opened_at: None,
        closed_at: None,
        created_by: UserId::new(id(10)),
        created_at: ctx().now,
        updated_at: ctx().now,
        version: 2,
    }
}

fn input(signers: &[u128]) -> MotionInput {
    MotionInput {
        title: " 关于制定农村人居环境整治条例的议案 ".into(),
        reason: "农村生活垃圾处理缺少制度保障。".into(),
        proposal: "建议制定乡镇人居环境整治办法。".into(),
        proposer: Proposer::Deputies,
        delegation: None,
        signer_ids: signers.iter().map(|n| deputy(*n)).collect(),
    }
}

fn facts(open: Option<SessionStatus>) -> DraftFacts {
    DraftFacts {
        open_session: open.map(session),
        existing_deputies: (2..=9).map(deputy).collect(),
        serving_at_level: (2..=8).map(deputy).collect(),
        lead_delegations: vec!["城关镇代表团".into()],
    }
}

/// A draft at the township level (threshold 5) with signers 2 to 6, of
/// whom `confirmed` have agreed.
fn motion(status: MotionStatus, confirmed: usize) -> Motion {
    let mut m = draft(
        input(&[2, 3, 4, 5, 6]),
        deputy(LEAD),
        &facts(Some(SessionStatus::Open)),
        &ctx(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    for s in m.signers.iter_mut().take(confirmed) {
        s.confirmed_at = Some(ctx().now);
    }
    m.status = status;
    m
}

fn ok<T>(r: CmdResult<T>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_motion_is_drafted_only_while_a_session_of_its_level_sits() {
    for closed in [
        None,
        Some(SessionStatus::Planned),
        Some(SessionStatus::Closed),
    ] {
        let got = draft(input(&[2]), deputy(LEAD), &facts(closed), &ctx());
        assert_eq!(got, Err(MotionError::SessionNotOpen));
    }
    assert_eq!(MotionError::SessionNotOpen.code(), Code::SessionNotOpen);
    let m = motion(Draft, 0);
    assert_eq!(
        (m.congress_session_id, m.level, m.title.as_str()),
        (
            id(500),
            Level::Township,
            "关于制定农村人居环境整治条例的议案"
        )
    );
    // The drafter is not a signer of their own motion; signers are kept once.
    let m = ok(draft(
        input(&[3, LEAD, 2, 3]),
        deputy(LEAD),
        &facts(Some(SessionStatus::Open)),
        &ctx(),
    ));
    let signers: Vec<DeputyId> = m.signers.iter().map(|s| s.deputy_id).collect();
    assert_eq!(signers, [deputy(2), deputy(3)]);
}

#[test]
fn drafting_names_each_refused_field() {
    let bad = MotionInput {
        title: "\u{3000}".into(),
        proposer: Proposer::Delegation,
        signer_ids: vec![deputy(2), deputy(77)],
        ..input(&[])
    };
    let got = draft(bad, deputy(LEAD), &facts(Some(SessionStatus::Open)), &ctx());
    let Err(MotionError::Invalid(issues)) = got else {
        panic!("{got:?}")
    };
    let fields: Vec<(&str, Issue)> = issues.iter().map(|f| (f.field.as_str(), f.issue)).collect();
    assert_eq!(
        fields,
        [
            ("title", Issue::Blank),
            ("delegation", Issue::Delegation),
            ("signer_ids[1]", Issue::Unknown)
        ]
    );
    // A signer who does not serve at the level; a delegation not the
    // drafter's.
    let elsewhere = draft(
        input(&[9]),
        deputy(LEAD),
        &facts(Some(SessionStatus::Open)),
        &ctx(),
    );
    assert!(matches!(elsewhere, Err(MotionError::Invalid(i)) if i[0].issue == Issue::NotServing));
    let not_mine = MotionInput {
        proposer: Proposer::Delegation,
        delegation: Some("耿车镇代表团".into()),
        ..input(&[])
    };
    let got = draft(
        not_mine,
        deputy(LEAD),
        &facts(Some(SessionStatus::Open)),
        &ctx(),
    );
    assert!(matches!(got, Err(MotionError::Invalid(i)) if i[0].field == "delegation"));
    let mine = MotionInput {
        proposer: Proposer::Delegation,
        delegation: Some(" 城关镇代表团 ".into()),
        ..input(&[])
    };
    assert!(
        draft(
            mine,
            deputy(LEAD),
            &facts(Some(SessionStatus::Open)),
            &ctx()
        )
        .is_ok()
    );
    // A deputies' motion names no delegation.
    let named = MotionInput {
        delegation: Some("城关镇代表团".into()),
        ..input(&[])
    };
    let got = draft(
        named,
        deputy(LEAD),
        &facts(Some(SessionStatus::Open)),
        &ctx(),
    );
    assert!(matches!(got, Err(MotionError::Invalid(i)) if i[0].field == "delegation"));
}

#[test]
fn signers_agree_or_decline_until_submission_and_only_agreement_counts() {
    let m = motion(Draft, 0);
    let c = ok(sign(&m, deputy(2), true, &ctx()));
    assert_eq!(c.after.signers[0].confirmed_at, Some(ctx().now));
    assert_eq!(c.after.deputies_counted(), [deputy(LEAD), deputy(2)]);
    assert_eq!(c.event.action, "signed");
    let c = ok(sign(&c.after, deputy(2), false, &ctx()));
    assert_eq!(
        (
            c.after.signers[0].confirmed_at,
            c.after.signers[0].declined_at
        ),
        (None, Some(ctx().now))
    );
    assert_eq!(c.after.deputies_counted(), [deputy(LEAD)]);
    assert_eq!(
        sign(&m, deputy(9), true, &ctx()),
        Err(MotionError::NotASigner)
    );
    assert_eq!(
        sign(&m, deputy(LEAD), true, &ctx()),
        Err(MotionError::NotASigner)
    );
    let submitted = motion(Submitted, 0);
    assert_eq!(
        sign(&submitted, deputy(2), true, &ctx()),
        Err(MotionError::InvalidState(Submitted))
    );
}

#[test]
fn submission_needs_the_levels_threshold_and_an_open_session() {
    let t = Thresholds::default();
    let open = session(SessionStatus::Open);
    // The drafter and three who agreed: four of five.
    let short = motion(Draft, 3);
    assert_eq!(
        submit(&short, &open, &t, &ctx()),
        Err(MotionError::ThresholdNotMet { needed: 5, have: 4 })
    );
    let enough = motion(Draft, 4);
    let c = ok(submit(&enough, &open, &t, &ctx()));
    assert_eq!(
        (c.after.status, c.after.submitted_at),
        (Submitted, Some(ctx().now))
    );
    let duties: Vec<(DeputyId, DutyKind)> = c
        .effects
        .iter()
        .map(|e| match e {
            Effect::Duty(d) => (d.deputy_id, d.kind),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(duties.len(), 5);
    assert_eq!(duties[0], (deputy(LEAD), DutyKind::MotionSubmitted));
    assert!(
        duties[1..]
            .iter()
            .all(|(_, k)| *k == DutyKind::MotionCoSigned)
    );
    // A delegation needs no count; a lower threshold lets four through.
    let mut delegation = motion(Draft, 0);
    delegation.proposer = Proposer::Delegation;
    assert!(submit(&delegation, &open, &t, &ctx()).is_ok());
    let lower = Thresholds { township: 4, ..t };
    assert!(submit(&short, &open, &lower, &ctx()).is_ok());
    // The session closed meanwhile, or it is another session.
    let closed = session(SessionStatus::Closed);
    assert_eq!(
        submit(&enough, &closed, &t, &ctx()),
        Err(MotionError::SessionNotOpen)
    );
    let mut other = open.clone();
    other.id = id(501);
    assert_eq!(
        submit(&enough, &other, &t, &ctx()),
        Err(MotionError::SessionNotOpen)
    );
    assert_eq!(
        submit(&motion(Registered, 4), &open, &t, &ctx()),
        Err(MotionError::InvalidState(Registered))
    );
}

fn facts_for_decision() -> DecisionFacts {
    DecisionFacts {
        category_known: true,
        term: "第十八届".into(),
    }
}

#[test]
fn the_presidium_decides_a_registered_motion_once() {
    let m = motion(Registered, 4);
    let f = facts_for_decision();
    let agenda = DecisionInput::OnAgenda {
        committee: " 法制委员会 ".into(),
        report_due: day(2027, 3, 1),
    };
    let c = ok(decide(&m, agenda.clone(), &f, &ctx()));
    assert_eq!(c.after.status, OnAgenda);
    assert_eq!(c.after.committee.as_deref(), Some("法制委员会"));
    assert_eq!(c.after.report_due, Some(day(2027, 3, 1)));
    for status in [
        Draft,
        Submitted,
        OnAgenda,
        Reported,
        AsSuggestion,
        NotAccepted,
    ] {
        let other = motion(status, 4);
        assert_eq!(
            decide(&other, agenda.clone(), &f, &ctx()),
            Err(MotionError::InvalidState(status))
        );
    }
    let past = DecisionInput::OnAgenda {
        committee: "法制委员会".into(),
        report_due: day(2026, 12, 4),
    };
    let got = decide(&m, past, &f, &ctx());
    assert!(matches!(got, Err(MotionError::Invalid(i)) if i[0].field == "report_due"));
    let blank = DecisionInput::NotAccepted { reason: " ".into() };
    assert!(matches!(
        decide(&m, blank, &f, &ctx()),
        Err(MotionError::Invalid(_))
    ));
    let no = DecisionInput::NotAccepted {
        reason: "不属于本级人大职权范围".into(),
    };
    let c = ok(decide(&m, no, &f, &ctx()));
    assert_eq!(
        (c.after.status, c.after.decision_reason.as_deref()),
        (NotAccepted, Some("不属于本级人大职权范围"))
    );
}

#[test]
fn a_motion_handled_as_a_suggestion_keeps_its_signers_and_links_both_ways() {
    let m = motion(Registered, 2);
    let input = DecisionInput::AsSuggestion {
        category: "城乡建设".into(),
        reason: Some("宜作为建议交政府研究办理".into()),
    };
    let c = ok(decide(&m, input.clone(), &facts_for_decision(), &ctx()));
    assert_eq!(c.after.status, AsSuggestion);
    assert_eq!(c.after.suggestion_id, Some(id(999)));
    let [Effect::Suggestion { id: sid, new }] = c.effects.as_slice() else {
        panic!("{:?}", c.effects)
    };
    assert_eq!(*sid, id(999));
    assert_eq!(new.lead_deputy_id, deputy(LEAD));
    assert_eq!(new.co_signers, [deputy(2), deputy(3)]);
    assert_eq!(
        (new.source, new.source_ref.clone()),
        (SuggestionSource::Motion, Some(m.id.to_string()))
    );
    assert_eq!(new.timing, SessionTiming::DuringSession);
    let unknown = DecisionFacts {
        category_known: false,
        ..facts_for_decision()
    };
    assert!(matches!(
        decide(&m, input, &unknown, &ctx()),
        Err(MotionError::Invalid(i)) if i[0].field == "category"
    ));
}

#[test]
fn the_committee_reports_on_a_motion_on_the_agenda() {
    let mut m = motion(OnAgenda, 4);
    m.report_due = Some(day(2026, 12, 1));
    let c = ok(report(&m, "建议列入明年立法计划。".into(), &ctx()));
    assert_eq!(
        (c.after.status, c.after.reported_at),
        (Reported, Some(ctx().now))
    );
    assert_eq!(c.event.detail, Some(json!({"late": true})));
    assert!(matches!(
        report(&m, "\n".into(), &ctx()),
        Err(MotionError::Invalid(_))
    ));
    assert_eq!(
        report(&motion(Registered, 4), "报告".into(), &ctx()),
        Err(MotionError::InvalidState(Registered))
    );
    let r = ok(register(&motion(Submitted, 4), &ctx()));
    assert_eq!(
        (r.after.status, r.after.registered_at),
        (Registered, Some(ctx().now))
    );
}
