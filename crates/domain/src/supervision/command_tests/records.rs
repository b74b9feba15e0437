//! Decision tables for what is kept beside an item: investigation
//! records, inquiries, opinions and their problems, the bodies' reports,
//! observers and their observations; and the code of every refusal.

use super::*;

#[test]
fn records_are_dated_in_the_past_and_kept_as_given() {
    let s = item(Investigating);
    let later = today().succ_opt().unwrap_or_default();
    let early = EARLIEST.pred_opt().unwrap_or_default();
    let c = |input| add_record(&s, input, &ctx());
    #[rustfmt::skip]
    let table = [
        (record_input(later), Err(E::field("occurred_on", Issue::Future))),
        (record_input(early), Err(E::field("occurred_on", Issue::TooEarly))),
        (RecordInput { place: " ".into(), findings: INVISIBLE.into(), ..record_input(later) },
         Err(issues(&[("place", Issue::Blank), ("findings", Issue::Blank)]))),
        (record_input(EARLIEST), Ok(())),
    ];
    for (input, want) in table {
        assert_eq!(c(input).map(drop), want);
    }
    let change = ok(c(record_input(today())));
    #[rustfmt::skip]
    let want = InvestigationRecord {
        id: NEW, kind: RecordKind::Hearing, occurred_on: today(), place: "区政府".into(),
        participants: None, findings: "师资不均衡".into(), created_by: USER, created_at: at(5),
    };
    assert_eq!(change.after, s);
    assert_eq!(change.record(), Some(&want));
    let detail = json!({"record_id": NEW, "kind": "hearing"});
    assert_eq!(change.event, event("record_added", Some(detail)));
}

#[test]
fn inquiries_need_the_method_and_one_of_the_bodies() {
    let s = item(Deliberating);
    let got = add_inquiry(&s, inquiry_input(Some(NO_UNIT.into())), &ctx());
    assert_eq!(got, Err(E::field("unit_id", Issue::NotABody)));
    let mut visit = item(Deliberating);
    visit.methods = vec![Method::ResearchVisit];
    let got = add_inquiry(&visit, inquiry_input(None), &ctx());
    assert_eq!(got, Err(E::MethodNotPlanned));
    // The method comes before the stage.
    visit.stage = Closed;
    let got = add_inquiry(&visit, inquiry_input(None), &ctx());
    assert_eq!(got, Err(E::MethodNotPlanned));
    let mut blank = inquiry_input(Some(NO_UNIT.into()));
    blank.question = " ".into();
    let got = add_inquiry(&s, blank, &ctx());
    assert_eq!(got, Err(issues(&[("question", Issue::Blank)])));
    let c = ok(add_inquiry(&s, inquiry_input(Some(BODY.into())), &ctx()));
    let asked = c.inquiry().map(|q| (q.unit_id, q.asked_by.as_str()));
    assert_eq!(asked, Some((Some(BODY), "王委员")));
    let detail = json!({"inquiry_id": NEW});
    assert_eq!(c.event, event("inquiry_recorded", Some(detail)));
}

#[test]
fn opinions_have_a_deadline_within_six_months_and_named_problems() {
    let s = item(Deliberating);
    let last = today()
        .checked_add_months(chrono::Months::new(6))
        .unwrap_or_default();
    let yesterday = today().pred_opt().unwrap_or_default();
    let long = "问".repeat(2001);
    #[rustfmt::skip]
    let table: Vec<(OpinionInput, Result<(), SupervisionError>)> = vec![
        (opinion_input(today(), &["问题"]), Ok(())),
        (opinion_input(last, &["问题"]), Ok(())),
        (opinion_input(last.succ_opt().unwrap_or_default(), &["问题"]),
         Err(E::field("deadline", Issue::DeadlineTooFar))),
        (opinion_input(yesterday, &["问题"]), Err(E::field("deadline", Issue::DeadlinePast))),
        (OpinionInput { unit_id: NO_UNIT, content: " ".into(), ..opinion_input(yesterday, &["a", INVISIBLE, long.as_str()]) },
         Err(issues(&[
             ("content", Issue::Blank), ("unit_id", Issue::NotABody),
             ("deadline", Issue::DeadlinePast),
             ("problems[1]", Issue::Length(2000)), ("problems[2]", Issue::Length(2000)),
         ]))),
    ];
    for (input, want) in table {
        assert_eq!(issue_opinion(&s, input, &ctx()).map(drop), want);
    }
    // Without a deadline: three months (5 June); a congress may set others.
    let default = OpinionInput {
        deadline: None,
        ..opinion_input(today(), &["问题"])
    };
    let c = ok(issue_opinion(&s, default.clone(), &ctx()));
    assert_eq!(c.opinion().map(|o| o.deadline), Some(d(6, 5)));
    let month = Ctx {
        policy: SupervisionPolicy {
            rectification_months: 1,
            rectification_max_months: 2,
        },
        ..ctx()
    };
    let c = ok(issue_opinion(&s, default, &month));
    assert_eq!(c.opinion().map(|o| o.deadline), Some(d(4, 5)));
    let far = issue_opinion(&s, opinion_input(d(5, 6), &["问题"]), &month);
    assert_eq!(
        far.map(drop),
        Err(E::field("deadline", Issue::DeadlineTooFar))
    );
    assert!(SupervisionPolicy::default().check().is_ok());
    let upside_down = SupervisionPolicy {
        rectification_months: 7,
        rectification_max_months: 6,
    };
    assert!(upside_down.check().is_err());
    // A follow-up opinion while rectifying belongs to the item's round.
    let mut returned = item(Rectifying);
    returned.round = 2;
    let c = ok(issue_opinion(
        &returned,
        opinion_input(d(6, 30), &[" 甲 ", "乙"]),
        &ctx(),
    ));
    let o = c.opinion().cloned();
    let problems: Vec<(i32, String, ProblemStatus)> = o
        .iter()
        .flat_map(|o| &o.problems)
        .map(|p| (p.position, p.description.clone(), p.status))
        .collect();
    assert_eq!(o.as_ref().map(|o| (o.round, o.unit_id)), Some((2, BODY)));
    #[rustfmt::skip]
    let want = vec![(1, "甲".to_owned(), ProblemStatus::Open), (2, "乙".to_owned(), ProblemStatus::Open)];
    assert_eq!(problems, want);
    let detail = json!({"opinion_id": NEW, "unit_id": BODY, "deadline": "2026-06-30"});
    assert_eq!(c.event, event("opinion_issued", Some(detail)));
}

#[test]
fn a_report_answers_problems_waiting_for_the_body_once_each() {
    let s = item(Rectifying);
    let o = opinion();
    let report = |answers| submit_report(&s, &o, report_input(answers), &ctx());
    #[rustfmt::skip]
    let table = [
        (vec![answer(OPEN, "已改"), answer(SENT_BACK, "再改")], Ok(())),
        (vec![answer(ANSWERED, "已改")], Err(E::ProblemNotOpen(ANSWERED))),
        (vec![answer(OPEN, "已改"), answer(CLOSED, "已改")], Err(E::ProblemNotOpen(CLOSED))),
        (vec![answer(NO_UNIT.into(), " "), answer(OPEN, "a"), answer(OPEN, "b")],
         Err(issues(&[
             ("answers[0].measures", Issue::Blank), ("answers[0].problem_id", Issue::UnknownProblem),
             ("answers[2].problem_id", Issue::AnsweredTwice),
         ]))),
    ];
    for (answers, want) in table {
        assert_eq!(report(answers).map(drop), want);
    }
    let c = ok(report(vec![answer(OPEN, "已改")]));
    let r = c
        .report()
        .map(|r| (r.opinion_id, r.unit_id, r.answers.len()));
    assert_eq!(r, Some((OPINION, BODY, 1)));
    let detail = json!({"report_id": NEW, "opinion_id": OPINION, "problems": 1});
    assert_eq!(c.event, event("report_submitted", Some(detail)));
    // Input issues come before the stage.
    let mut blank = report_input(vec![answer(OPEN, "已改")]);
    blank.summary = INVISIBLE.into();
    let got = submit_report(&item(Closed), &o, blank, &ctx());
    assert_eq!(got, Err(issues(&[("summary", Issue::Blank)])));
}

#[test]
fn the_office_decides_only_answered_problems() {
    let s = item(Rectifying);
    let p = |id, status| problem(id, status);
    assert_eq!(close_off_problem(&s, None, None), Err(E::NotFound));
    for (id, status) in [
        (OPEN, ProblemStatus::Open),
        (SENT_BACK, ProblemStatus::SentBack),
        (CLOSED, ProblemStatus::Closed),
    ] {
        let got = close_off_problem(&s, Some(&p(id, status)), None);
        assert_eq!(got, Err(E::ProblemNotAnswered));
        let got = send_back_problem(&s, Some(&p(id, status)), "不到位".into());
        assert_eq!(got, Err(E::ProblemNotAnswered));
    }
    let answered = p(ANSWERED, ProblemStatus::Answered);
    let c = ok(close_off_problem(
        &s,
        Some(&answered),
        Some(INVISIBLE.into()),
    ));
    #[rustfmt::skip]
    let want = vec![Effect::Problem { id: ANSWERED, from: ProblemStatus::Answered, status: ProblemStatus::Closed, note: None }];
    assert_eq!(c.effects, want);
    let detail = json!({"problem_id": ANSWERED, "note": null});
    assert_eq!(c.event, event("problem_closed_off", Some(detail)));
    let c = ok(send_back_problem(&s, Some(&answered), "不到位".into()));
    #[rustfmt::skip]
    let want = vec![Effect::Problem { id: ANSWERED, from: ProblemStatus::Answered, status: ProblemStatus::SentBack, note: Some("不到位".into()) }];
    assert_eq!(c.effects, want);
    assert_eq!(c.event.action, "problem_sent_back");
    // A blank reason is refused before the problem is looked for.
    let got = send_back_problem(&s, None, " ".into());
    assert_eq!(got, Err(issues(&[("reason", Issue::Blank)])));
}

#[test]
fn observers_are_assigned_active_and_without_ties() {
    let s = item(Deliberating);
    let assign = |o: Option<&ObserverFacts>| assign_observer(&s, o);
    let tied = observer(NEW_OBSERVER, ObserverStatus::Active, &[BODY]);
    let left = observer(NEW_OBSERVER, ObserverStatus::Inactive, &[]);
    #[rustfmt::skip]
    let table = [
        (None, Err(E::field("observer_id", Issue::UnknownObserver))),
        (Some(active(OBSERVER)), Err(E::AlreadyAssigned)),
        (Some(left), Err(E::ObserverInactive)),
        (Some(tied), Err(E::ConflictOfInterest)),
        (Some(observer(NEW_OBSERVER, ObserverStatus::Active, &[OTHER_BODY])), Ok(())),
    ];
    for (o, want) in table {
        assert_eq!(assign(o.as_ref()).map(drop), want, "{o:?}");
    }
    // An unknown observer is a field error whatever the stage.
    let got = assign_observer(&item(Closed), None);
    assert_eq!(got, Err(E::field("observer_id", Issue::UnknownObserver)));
    let c = ok(assign(Some(&active(NEW_OBSERVER))));
    assert_eq!(c.after.observer_ids, vec![OBSERVER, NEW_OBSERVER]);
    let detail = json!({"observer_id": NEW_OBSERVER});
    assert_eq!(c.event, event("observer_assigned", Some(detail)));

    assert_eq!(remove_observer(&s, NEW_OBSERVER), Err(E::NotFound));
    assert_eq!(
        remove_observer(&item(Closed), STRANGER.into()),
        Err(E::NotFound)
    );
    let c = ok(remove_observer(&s, OBSERVER));
    assert!(c.after.observer_ids.is_empty());
    assert_eq!(c.event.action, "observer_removed");
}

#[test]
fn observations_come_from_serving_observers_without_ties() {
    let s = item(Investigating);
    let file = |me: &ObserverFacts, content: &str| {
        file_observation(&s, me, content.to_owned(), &ctx()).map(drop)
    };
    let tied = observer(OBSERVER, ObserverStatus::Active, &[BODY]);
    let left = observer(OBSERVER, ObserverStatus::Inactive, &[BODY]);
    assert_eq!(
        file(&active(OBSERVER), " "),
        Err(issues(&[("content", Issue::Blank)]))
    );
    assert_eq!(file(&left, "意见"), Err(E::ObserverInactive));
    assert_eq!(file(&tied, "意见"), Err(E::ConflictOfInterest));
    let c = ok(file_observation(
        &s,
        &active(OBSERVER),
        "意见".into(),
        &ctx(),
    ));
    #[rustfmt::skip]
    let want = Observation {
        id: NEW, item_id: ITEM, observer_id: OBSERVER, content: "意见".into(),
        status: ObservationStatus::Pending, decision_reason: None, decided_by: None,
        decided_at: None, created_by: USER, created_at: at(5),
    };
    assert_eq!(c.observation(), Some(&want));
    let detail = json!({"observation_id": NEW, "observer_id": OBSERVER});
    assert_eq!(c.event, event("observation_filed", Some(detail)));
}

#[test]
fn an_observation_is_decided_once_and_not_adopted_with_a_reason() {
    let s = item(Closed);
    let pending = observation(ObservationStatus::Pending);
    let decide = |o: Option<&Observation>, adopted: bool, reason: Option<&str>| {
        decide_observation(&s, o, adopted, reason.map(str::to_owned), &ctx())
    };
    let required = E::field("reason", Issue::ReasonRequired);
    assert_eq!(decide(Some(&pending), false, None), Err(required.clone()));
    assert_eq!(decide(None, false, Some(INVISIBLE)), Err(required));
    assert_eq!(decide(None, true, None), Err(E::NotFound));
    for status in [ObservationStatus::Adopted, ObservationStatus::NotAdopted] {
        let got = decide(Some(&observation(status)), true, None);
        assert_eq!(got, Err(E::AlreadyDecided));
    }
    let c = ok(decide(Some(&pending), false, Some("已统筹")));
    #[rustfmt::skip]
    let want = vec![Effect::ObservationDecision {
        id: OBSERVATION, status: ObservationStatus::NotAdopted, reason: Some("已统筹".into()), by: USER.into(),
    }];
    assert_eq!(c.effects[..1], want);
    // The observer is told, with the side of the decision.
    let Some(Effect::Notify(n)) = c.effects.get(1) else {
        panic!("no notice: {:?}", c.effects)
    };
    assert_eq!(n.kind, crate::notice::NoticeKind::ObservationDecided);
    assert_eq!(
        n.to,
        vec![crate::notice::Recipient::Observer(pending.observer_id)]
    );
    assert_eq!(n.approved, Some(false));
    assert!(n.text().contains("未被采纳"));
    let detail = json!({"observation_id": OBSERVATION, "status": "not_adopted"});
    assert_eq!(c.event, event("observation_decided", Some(detail)));
    let c = ok(decide(Some(&pending), true, Some(" ")));
    let decided = c.effects.first().cloned();
    #[rustfmt::skip]
    let want = Effect::ObservationDecision { id: OBSERVATION, status: ObservationStatus::Adopted, reason: None, by: USER.into() };
    assert_eq!(decided, Some(want));
}

#[test]
fn every_refusal_has_its_code() {
    use crate::Code;
    let b = E::Blocked;
    #[rustfmt::skip]
    let table = [
        (E::InvalidState(Closed), Code::InvalidState),
        (b(StageBlocker::NoOpinion), Code::OpinionMissing),
        (b(StageBlocker::ProblemsOpen(1)), Code::ProblemsOpen),
        (b(StageBlocker::NoFollowUpOpinion), Code::FollowUpMissing),
        (b(StageBlocker::NoCommitteeMembers), Code::CommitteeMembersMissing),
        (b(StageBlocker::NoVotes), Code::NoVotes),
        (E::AlreadyPublished, Code::AlreadyPublished),
        (E::MethodNotPlanned, Code::MethodNotPlanned),
        (E::ProblemNotOpen(OPEN), Code::ProblemNotOpen),
        (E::ProblemNotAnswered, Code::ProblemNotAnswered),
        (E::AlreadyAssigned, Code::AlreadyAssigned),
        (E::ObserverInactive, Code::ObserverInactive),
        (E::ConflictOfInterest, Code::ConflictOfInterest),
        (E::AlreadyDecided, Code::AlreadyDecided),
        (E::NotACommitteeMember, Code::Forbidden),
        (E::AlreadyVoted, Code::AlreadyVoted),
        (E::NotFound, Code::NotFound),
        (E::field("x", Issue::Blank), Code::ValidationFailed),
    ];
    for (e, code) in table {
        assert_eq!(e.code(), code, "{e:?}");
    }
    #[rustfmt::skip]
    let fields = [
        (Issue::Null, "null"), (Issue::Blank, "blank"), (Issue::Length(200), "length"),
        (Issue::UnknownUnit, "not_found"), (Issue::UnknownDeputy, "not_found"),
        (Issue::UnknownObserver, "not_found"), (Issue::UnknownProblem, "not_found"),
        (Issue::Plan(PlanProblem::NoMethod), "required"),
        (Issue::Plan(PlanProblem::DuplicateMethod), "duplicate"),
        (Issue::Plan(PlanProblem::LawsMissing), "required"),
        (Issue::Plan(PlanProblem::LawsWithoutInspection), "not_applicable"),
        (Issue::AlreadyMember, "duplicate"), (Issue::NotABody, "not_a_body"),
        (Issue::Future, "future"), (Issue::TooEarly, "too_early"), (Issue::DeadlinePast, "past"),
        (Issue::DeadlineTooFar, "too_far"), (Issue::AnsweredTwice, "duplicate"),
        (Issue::ReasonRequired, "required"),
    ];
    for (issue, code) in fields {
        assert_eq!(issue.code(), code, "{issue:?}");
    }
}
