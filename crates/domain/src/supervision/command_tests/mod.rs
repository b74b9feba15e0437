//! Decision tables for the commands on a supervision item: every guard,
//! every refusal, and what each accepted command writes.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde_json::json;
use uuid::Uuid;

use crate::id::{DeputyId, UnitId, UserId};

use super::*;
use crate::observer::ObserverStatus;
use Satisfaction::{BasicallySatisfied, Satisfied, Unsatisfied};
use Stage::*;
use SupervisionError as E;

const ITEM: Uuid = Uuid::from_u128(1);
const USER: UserId = UserId::new(Uuid::from_u128(2));
const NEW: Uuid = Uuid::from_u128(3);
const MEMBER: DeputyId = DeputyId::new(Uuid::from_u128(100));
const DEPUTY: DeputyId = DeputyId::new(Uuid::from_u128(101));
const STRANGER: DeputyId = DeputyId::new(Uuid::from_u128(109));
const BODY: UnitId = UnitId::new(Uuid::from_u128(200));
const OTHER_BODY: UnitId = UnitId::new(Uuid::from_u128(201));
const NO_UNIT: UnitId = UnitId::new(Uuid::from_u128(209));
const OBSERVER: Uuid = Uuid::from_u128(300);
const NEW_OBSERVER: Uuid = Uuid::from_u128(301);
const OPINION: Uuid = Uuid::from_u128(400);
const OPEN: Uuid = Uuid::from_u128(401);
const ANSWERED: Uuid = Uuid::from_u128(402);
const SENT_BACK: Uuid = Uuid::from_u128(403);
const CLOSED: Uuid = Uuid::from_u128(404);
const OBSERVATION: Uuid = Uuid::from_u128(500);
const INVISIBLE: &str = "\u{200B}";

/// A day of 2026.
fn d(month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, month, day).unwrap_or_default()
}

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, 2, 0, 0)
        .single()
        .unwrap_or_default()
}

fn today() -> NaiveDate {
    d(3, 5)
}

fn new_id() -> Uuid {
    NEW
}

fn ctx() -> Ctx {
    Ctx {
        user_id: USER,
        now: at(5),
        today: today(),
        new_id,
        policy: SupervisionPolicy::default(),
    }
}

/// Votes on the whole item, one per choice.
fn votes(choices: &[Satisfaction]) -> Vec<Vote> {
    choices
        .iter()
        .map(|c| Vote {
            round: 1,
            deputy_id: MEMBER,
            choice: *c,
            bodies: vec![],
            voted_at: at(5),
        })
        .collect()
}

/// The attendance of the round's meeting: `present` of the item's members.
fn attendance(present: &[DeputyId]) -> Attendance {
    Attendance {
        round: 1,
        present: present.to_vec(),
        members: 1,
        recorded_by: USER,
        recorded_at: at(5),
    }
}

/// An item with a special report, an inquiry and a satisfaction vote, one
/// body, a committee member, a deputy and an observer, in `stage`.
#[rustfmt::skip]
fn item(stage: Stage) -> SupervisionItem {
    SupervisionItem {
        id: ITEM, title: "义务教育专项报告".into(), year: 2026, description: None,
        methods: vec![Method::SpecialReport, Method::SpecialInquiry, Method::SatisfactionEvaluation], body_ids: vec![BODY],
        committee: "教科文卫工委".into(), committee_member_ids: vec![MEMBER], deputy_ids: vec![DEPUTY],
        observer_ids: vec![OBSERVER], laws: vec![], stage, round: 1, published_at: None,
        closed_at: None, created_by: USER, created_at: at(1), updated_at: at(1), version: 3,
    }
}

#[rustfmt::skip]
fn problem(id: Uuid, status: ProblemStatus) -> Problem {
    Problem {
        id, opinion_id: OPINION, position: 1, description: "覆盖率偏低".into(), status,
        note: None, closed_at: None, updated_at: at(1),
    }
}

#[rustfmt::skip]
fn opinion() -> Opinion {
    Opinion {
        id: OPINION, unit_id: BODY, round: 1, content: "审议意见".into(), deadline: d(6, 30),
        issued_by: USER, issued_at: at(1),
        problems: vec![
            problem(OPEN, ProblemStatus::Open), problem(ANSWERED, ProblemStatus::Answered),
            problem(SENT_BACK, ProblemStatus::SentBack), problem(CLOSED, ProblemStatus::Closed),
        ],
    }
}

#[rustfmt::skip]
fn observation(status: ObservationStatus) -> Observation {
    Observation {
        id: OBSERVATION, item_id: ITEM, observer_id: OBSERVER, content: "建议扩大抽检".into(),
        status, decision_reason: None, decided_by: None, decided_at: None, created_by: USER,
        created_at: at(1),
    }
}

fn observer(id: Uuid, status: ObserverStatus, ties: &[UnitId]) -> ObserverFacts {
    ObserverFacts {
        id,
        status,
        tie_unit_ids: ties.to_vec(),
    }
}

fn active(id: Uuid) -> ObserverFacts {
    observer(id, ObserverStatus::Active, &[])
}

/// Facts under which every stage may be left.
fn ready() -> StageFacts {
    StageFacts {
        round: 1,
        opinions: 1,
        opinions_this_round: 1,
        unclosed_problems: 0,
        committee_members: 1,
        votes: 0,
    }
}

#[rustfmt::skip]
fn record_input(occurred_on: NaiveDate) -> RecordInput {
    RecordInput {
        kind: RecordKind::Hearing, occurred_on, place: " 区政府 ".into(),
        participants: Some(INVISIBLE.into()), findings: "师资不均衡".into(),
    }
}

#[rustfmt::skip]
fn inquiry_input(unit_id: Option<Uuid>) -> InquiryInput {
    InquiryInput {
        unit_id: unit_id.map(Into::into), asked_by: " 王委员 ".into(), question: "如何补齐短板？".into(),
        answered_by: None, answer: None,
    }
}

#[rustfmt::skip]
fn opinion_input(deadline: NaiveDate, problems: &[&str]) -> OpinionInput {
    OpinionInput {
        unit_id: BODY, content: "审议意见".into(), deadline: Some(deadline),
        problems: problems.iter().map(|p| (*p).to_owned()).collect(),
    }
}

fn answer(problem_id: Uuid, measures: &str) -> ProblemAnswer {
    ProblemAnswer {
        problem_id,
        measures: measures.into(),
    }
}

fn report_input(answers: Vec<ProblemAnswer>) -> ReportInput {
    ReportInput {
        summary: "已整改".into(),
        answers,
    }
}

#[rustfmt::skip]
fn plan_input() -> PlanInput {
    PlanInput {
        title: " 食品安全法执法检查 ".into(), year: 2026, description: Some(INVISIBLE.into()),
        methods: vec![Method::LawEnforcementInspection, Method::SatisfactionEvaluation],
        body_ids: vec![OTHER_BODY, BODY, BODY], committee: " 教科文卫工委 ".into(),
        committee_member_ids: vec![MEMBER], deputy_ids: vec![DEPUTY],
        laws: vec![" 中华人民共和国食品安全法 ".into()],
    }
}

fn plan_facts() -> PlanFacts {
    PlanFacts {
        existing_units: vec![BODY, OTHER_BODY],
        existing_deputies: vec![MEMBER, DEPUTY],
        observers: vec![active(OBSERVER)],
    }
}

#[track_caller]
fn ok<T>(r: Result<T, SupervisionError>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("refused: {e:?}"),
    }
}

fn issues(list: &[(&str, Issue)]) -> SupervisionError {
    let to_issue = |(field, issue): &(&str, Issue)| FieldIssue {
        field: (*field).to_owned(),
        issue: *issue,
    };
    E::Invalid(list.iter().map(to_issue).collect())
}

fn event(action: &'static str, detail: Option<serde_json::Value>) -> Event {
    Event { action, detail }
}

type Run = Box<dyn Fn(&SupervisionItem) -> Result<(), SupervisionError>>;

fn row<T>(
    name: &'static str,
    allowed: &'static [Stage],
    command: impl Fn(&SupervisionItem) -> Result<T, SupervisionError> + 'static,
) -> (&'static str, &'static [Stage], Run) {
    (name, allowed, Box::new(move |s| command(s).map(drop)))
}

const OPEN_STAGES: &[Stage] = &[Planned, Investigating, Deliberating, Rectifying, Evaluating];

#[test]
fn each_command_is_refused_outside_its_stages() {
    let people = || PlanPatch {
        deputy_ids: Some(Some(vec![STRANGER])),
        ..PlanPatch::default()
    };
    let plan = || PlanPatch {
        title: Some(Some("新题".into())),
        ..PlanPatch::default()
    };
    let facts = || PlanFacts {
        existing_deputies: vec![STRANGER],
        ..PlanFacts::default()
    };
    let o = opinion();
    #[rustfmt::skip]
    let table = [
        row("update plan", &[Planned], move |s| update(s, plan(), &facts())),
        row("update people", &[Planned, Investigating, Deliberating, Rectifying],
            move |s| update(s, people(), &facts())),
        row("start_investigation", &[Planned], |s| start_investigation(s, ready(), None)),
        row("start_deliberation", &[Investigating], |s| start_deliberation(s, ready(), None)),
        row("start_rectification", &[Deliberating], |s| start_rectification(s, ready(), None)),
        row("start_evaluation", &[Rectifying], |s| start_evaluation(s, ready(), None)),
        row("check_conclusion", &[Evaluating], check_conclusion),
        row("conclude", &[Evaluating], |s| conclude(s, &votes(&[Satisfied]), Some(&attendance(&[MEMBER])), &ctx())),
        row("record_attendance", &[Evaluating], |s| record_attendance(s, vec![MEMBER], &ctx())),
        row("close_rectified", &[Rectifying], |s| close_rectified(&without_vote(s), ready(), None, &ctx())),
        row("publish", Stage::ALL, |s| publish(s, None, &ctx())),
        row("voter", &[Evaluating], |s| voter(s, Some(MEMBER), Some(&attendance(&[MEMBER])))),
        row("add_record", RECORD_STAGES, |s| add_record(s, record_input(today()), &ctx())),
        row("add_inquiry", INQUIRY_STAGES, |s| add_inquiry(s, inquiry_input(None), &ctx())),
        row("issue_opinion", OPINION_STAGES,
            |s| issue_opinion(s, opinion_input(d(6, 30), &["问题"]), &ctx())),
        row("submit_report", &[Rectifying],
            move |s| submit_report(s, &o, report_input(vec![answer(OPEN, "已改")]), &ctx())),
        row("close_off_problem", &[Rectifying],
            |s| close_off_problem(s, Some(&problem(ANSWERED, ProblemStatus::Answered)), None)),
        row("send_back_problem", &[Rectifying],
            |s| send_back_problem(s, Some(&problem(ANSWERED, ProblemStatus::Answered)), "不到位".into())),
        row("assign_observer", OPEN_STAGES, |s| assign_observer(s, Some(&active(NEW_OBSERVER)))),
        row("remove_observer", OPEN_STAGES, |s| remove_observer(s, OBSERVER)),
        row("file_observation", OPEN_STAGES,
            |s| file_observation(s, &active(OBSERVER), "意见".into(), &ctx())),
        row("decide_observation", Stage::ALL,
            |s| decide_observation(s, Some(&observation(ObservationStatus::Pending)), true, None, &ctx())),
    ];
    for (name, allowed, command) in &table {
        for stage in Stage::ALL {
            let got = command(&item(*stage));
            if allowed.contains(stage) {
                assert_eq!(got, Ok(()), "{name} in {stage}");
            } else {
                assert_eq!(got, Err(E::InvalidState(*stage)), "{name} in {stage}");
            }
        }
    }
}

#[test]
fn stages_move_on_only_when_nothing_blocks() {
    let f = ready();
    #[rustfmt::skip]
    let table: &[(Stage, StageCommand, StageFacts, Option<StageBlocker>)] = &[
        (Deliberating, start_rectification, StageFacts { opinions: 0, ..f }, Some(StageBlocker::NoOpinion)),
        (Deliberating, start_rectification, f, None),
        (Rectifying, start_evaluation, StageFacts { unclosed_problems: 2, ..f }, Some(StageBlocker::ProblemsOpen(2))),
        (Rectifying, start_evaluation, StageFacts { committee_members: 0, ..f }, Some(StageBlocker::NoCommitteeMembers)),
        (Rectifying, start_evaluation, StageFacts { round: 2, opinions_this_round: 0, ..f }, Some(StageBlocker::NoFollowUpOpinion)),
        (Rectifying, start_evaluation, StageFacts { round: 2, ..f }, None),
        (Planned, start_investigation, StageFacts::default(), None),
        (Investigating, start_deliberation, StageFacts::default(), None),
    ];
    for (stage, command, facts, blocker) in table {
        let got = command(&item(*stage), *facts, None);
        match blocker {
            Some(b) => assert_eq!(got, Err(E::Blocked(*b)), "{stage} {facts:?}"),
            None => assert!(got.is_ok(), "{stage} {facts:?}"),
        }
    }
    // The first blocker is the answer.
    let many = StageFacts {
        round: 2,
        opinions_this_round: 0,
        unclosed_problems: 1,
        ..f
    };
    let got = start_evaluation(&item(Rectifying), many, None);
    assert_eq!(got, Err(E::Blocked(StageBlocker::NoFollowUpOpinion)));
}

#[test]
fn a_stage_move_changes_only_the_stage_and_notes_the_remark() {
    let s = item(Investigating);
    let c = ok(start_deliberation(&s, ready(), Some("按计划".into())));
    let mut want = s.clone();
    want.stage = Deliberating;
    assert_eq!(c.after, want);
    let note = Some(json!({"note": "按计划"}));
    assert_eq!(c.event, event("deliberation_started", note));
    assert!(c.effects.is_empty());
    // A blank remark is not kept.
    let c = ok(start_deliberation(&s, ready(), Some(INVISIBLE.into())));
    assert_eq!(c.event, event("deliberation_started", None));
}

#[test]
fn stage_facts_count_the_opinions_of_the_round() {
    let mut s = item(Rectifying);
    s.round = 2;
    let mut second = opinion();
    second.round = 2;
    second.problems = vec![problem(CLOSED, ProblemStatus::Closed)];
    let f = StageFacts::gather(&s, &[opinion(), second]);
    let want = StageFacts {
        round: 2,
        opinions: 2,
        opinions_this_round: 1,
        unclosed_problems: 3,
        committee_members: 1,
        votes: 0,
    };
    assert_eq!(f, want);
}

#[test]
fn concluding_decides_by_the_unsatisfied_majority() {
    let s = item(Evaluating);
    let here = attendance(&[MEMBER]);
    assert_eq!(
        conclude(&s, &votes(&[]), Some(&here), &ctx()),
        Err(E::Blocked(StageBlocker::NoVotes))
    );
    // Accepted: the item closes.
    let c = ok(conclude(
        &s,
        &votes(&[Satisfied, Unsatisfied]),
        Some(&here),
        &ctx(),
    ));
    assert_eq!((c.after.stage, c.after.round), (Closed, 1));
    assert_eq!(c.after.closed_at, Some(at(5)));
    let tally = Tally {
        satisfied: 1,
        basically_satisfied: 0,
        unsatisfied: 1,
    };
    let evaluation = Evaluation {
        round: 1,
        tally,
        outcome: Outcome::Accepted,
        present: Some(1),
        members: Some(1),
        bodies: vec![BodyResult {
            body_id: BODY,
            tally,
            outcome: Outcome::Accepted,
        }],
        concluded_by: USER,
        concluded_at: at(5),
    };
    assert_eq!(c.effects, vec![Effect::Evaluation(evaluation.clone())]);
    assert_eq!(c.evaluation(), Some(&evaluation));
    let detail = serde_json::to_value(&evaluation).ok();
    assert_eq!(c.event, event("evaluation_concluded", detail));
    // Returned: back to rectifying, in the next round.
    let c = ok(conclude(
        &s,
        &votes(&[Unsatisfied, Unsatisfied, BasicallySatisfied]),
        Some(&here),
        &ctx(),
    ));
    assert_eq!((c.after.stage, c.after.round), (Rectifying, 2));
    assert_eq!(c.after.closed_at, None);
    let outcome = c.evaluation().map(|e| (e.round, e.outcome));
    assert_eq!(outcome, Some((1, Outcome::Returned)));
}

/// The item with four committee members.
fn committee_of_four() -> SupervisionItem {
    let mut s = item(Evaluating);
    s.committee_member_ids = vec![
        MEMBER,
        DeputyId::from_u128(91),
        DeputyId::from_u128(92),
        DeputyId::from_u128(93),
    ];
    s
}

#[test]
fn a_vote_stands_only_with_more_than_half_of_the_members_present() {
    let s = committee_of_four();
    let m = &s.committee_member_ids;
    // (present, stands)
    #[rustfmt::skip]
    let table: [(&[DeputyId], bool); 5] = [
        (&[], false), (&m[..1], false), (&m[..2], false), (&m[..3], true), (&m[..], true),
    ];
    for (present, stands) in table {
        let a = Attendance {
            members: 4,
            ..attendance(present)
        };
        assert_eq!(a.quorum(), stands, "{}", present.len());
        let got = conclude(&s, &votes(&[Satisfied]), Some(&a), &ctx());
        if stands {
            assert_eq!(ok(got).after.stage, Closed);
        } else {
            let n = u32::try_from(present.len()).unwrap_or_default();
            assert_eq!(
                got,
                Err(E::QuorumNotMet {
                    present: n,
                    members: 4
                })
            );
        }
    }
    // Only the votes of those present count: attendance recorded anew
    // after a member voted leaves that vote out.
    let absent = DeputyId::from_u128(93);
    let mut v = votes(&[Satisfied, Unsatisfied]);
    v[1].deputy_id = absent;
    let three = Attendance {
        members: 4,
        ..attendance(&m[..3])
    };
    let c = ok(conclude(&s, &v, Some(&three), &ctx()));
    let e = c
        .evaluation()
        .cloned()
        .unwrap_or_else(|| panic!("no result"));
    assert_eq!((e.tally.satisfied, e.tally.unsatisfied), (1, 0));
    // No attendance on record, or one of another round: no quorum.
    assert_eq!(
        conclude(&s, &votes(&[Satisfied]), None, &ctx()),
        Err(E::QuorumNotMet {
            present: 0,
            members: 4
        })
    );
    let old = Attendance {
        round: 0,
        members: 4,
        ..attendance(m)
    };
    assert_eq!(
        conclude(&s, &votes(&[Satisfied]), Some(&old), &ctx()),
        Err(E::QuorumNotMet {
            present: 0,
            members: 4
        })
    );
    assert!(!quorum(0, 0));
}

#[test]
fn each_body_has_its_result_and_any_unsatisfied_body_sends_the_item_back() {
    let other = UnitId::from_u128(206);
    let mut s = item(Evaluating);
    s.body_ids = vec![BODY, other];
    let here = attendance(&[MEMBER]);
    // Three members: all content with the whole and with BODY; two of
    // three unsatisfied with the other body.
    let ballot = |other_choice| Vote {
        bodies: vec![(other, other_choice)],
        ..votes(&[Satisfied])[0].clone()
    };
    let v = vec![ballot(Unsatisfied), ballot(Unsatisfied), ballot(Satisfied)];
    let c = ok(conclude(&s, &v, Some(&here), &ctx()));
    let e = c
        .evaluation()
        .cloned()
        .unwrap_or_else(|| panic!("no result"));
    assert_eq!(e.tally.satisfied, 3);
    let results: Vec<_> = e
        .bodies
        .iter()
        .map(|b| (b.body_id, b.outcome, b.tally.unsatisfied))
        .collect();
    assert_eq!(
        results,
        vec![(BODY, Outcome::Accepted, 0), (other, Outcome::Returned, 2)]
    );
    assert_eq!(
        (e.outcome, c.after.stage, c.after.round),
        (Outcome::Returned, Rectifying, 2)
    );
    // A ballot names each of the item's bodies once at most.
    let good = BallotInput {
        choice: Satisfied,
        bodies: vec![(other, Unsatisfied)],
    };
    assert_eq!(check_ballot(&s, &good), Ok(()));
    let bad = BallotInput {
        choice: Satisfied,
        bodies: vec![
            (other, Unsatisfied),
            (NO_UNIT, Satisfied),
            (other, Satisfied),
        ],
    };
    assert_eq!(
        check_ballot(&s, &bad),
        Err(issues(&[
            ("bodies[1].body_id", Issue::NotABody),
            ("bodies[2].body_id", Issue::AnsweredTwice)
        ]))
    );
}

#[test]
fn attendance_names_the_items_members_only() {
    let s = committee_of_four();
    let c = ok(record_attendance(
        &s,
        vec![DeputyId::from_u128(92), MEMBER, MEMBER],
        &ctx(),
    ));
    let Some(Effect::Attendance(a)) = c.effects.first() else {
        panic!("no attendance")
    };
    assert_eq!(a.present, normalise(vec![MEMBER, DeputyId::from_u128(92)]));
    assert_eq!((a.round, a.members, a.quorum()), (1, 4, false));
    assert_eq!(
        c.event,
        event(
            "attendance_recorded",
            Some(json!({"round": 1, "present": 2, "members": 4, "quorum": false}))
        )
    );
    assert_eq!(
        record_attendance(&s, vec![MEMBER, DEPUTY], &ctx()),
        Err(issues(&[(
            "present_member_ids[1]",
            Issue::NotACommitteeMember
        )]))
    );
}

/// `s` planned without a satisfaction vote.
fn without_vote(s: &SupervisionItem) -> SupervisionItem {
    let mut s = s.clone();
    s.methods.retain(|m| *m != Method::SatisfactionEvaluation);
    s
}

#[test]
fn only_an_item_planned_with_a_vote_is_voted_on_the_others_close_once_rectified() {
    let voted = item(Rectifying);
    let plain = without_vote(&voted);
    assert_eq!(
        start_evaluation(&plain, ready(), None),
        Err(E::MethodNotPlanned)
    );
    assert_eq!(
        close_rectified(&voted, ready(), None, &ctx()),
        Err(E::VotePlanned)
    );
    let open = StageFacts {
        unclosed_problems: 2,
        ..ready()
    };
    assert_eq!(
        close_rectified(&plain, open, None, &ctx()),
        Err(E::Blocked(StageBlocker::ProblemsOpen(2)))
    );
    let c = ok(close_rectified(
        &plain,
        ready(),
        Some("整改到位".into()),
        &ctx(),
    ));
    assert_eq!((c.after.stage, c.after.closed_at), (Closed, Some(at(5))));
    assert_eq!(c.event, event("closed", Some(json!({"note": "整改到位"}))));
    assert_eq!(
        ok(start_evaluation(&voted, ready(), None)).after.stage,
        Evaluating
    );
}

#[test]
fn publishing_is_done_once() {
    let c = ok(publish(&item(Closed), None, &ctx()));
    assert_eq!(c.after.published_at, Some(at(5)));
    assert_eq!(c.event, event("published", None));
    assert_eq!(publish(&c.after, None, &ctx()), Err(E::AlreadyPublished));
}

#[test]
fn only_the_items_committee_members_present_vote() {
    let s = item(Evaluating);
    let here = attendance(&[MEMBER]);
    assert_eq!(voter(&s, Some(MEMBER), Some(&here)), Ok(MEMBER));
    assert_eq!(
        voter(&s, Some(DEPUTY), Some(&here)),
        Err(E::NotACommitteeMember)
    );
    assert_eq!(voter(&s, None, Some(&here)), Err(E::NotACommitteeMember));
    // Present at the meeting, in this round.
    assert_eq!(voter(&s, Some(MEMBER), None), Err(E::NotPresent));
    assert_eq!(
        voter(&s, Some(MEMBER), Some(&attendance(&[]))),
        Err(E::NotPresent)
    );
    let earlier = Attendance { round: 0, ..here };
    assert_eq!(voter(&s, Some(MEMBER), Some(&earlier)), Err(E::NotPresent));
    // The stage is the first question.
    assert_eq!(
        voter(&item(Closed), None, None),
        Err(E::InvalidState(Closed))
    );
}

#[test]
fn a_plan_names_existing_bodies_and_people_and_the_right_laws() {
    let c = ok(create(plan_input(), &plan_facts(), &ctx()));
    assert_eq!(c.id, NEW);
    assert_eq!(c.title, "食品安全法执法检查");
    assert_eq!(c.committee, "教科文卫工委");
    assert_eq!(c.description, None);
    assert_eq!(c.body_ids, vec![BODY, OTHER_BODY]);
    assert_eq!(c.laws, vec!["中华人民共和国食品安全法".to_owned()]);
    assert_eq!((c.stage, c.round, c.version), (Planned, 1, 1));
    assert_eq!((c.created_by, c.created_at), (USER, at(5)));

    // Blank texts are refused first, alone.
    let mut blank = plan_input();
    blank.title = INVISIBLE.into();
    blank.committee = " ".into();
    blank.methods.clear();
    let want = issues(&[("title", Issue::Blank), ("committee", Issue::Blank)]);
    assert_eq!(create(blank, &plan_facts(), &ctx()), Err(want));

    // Then every other issue, in the order of the fields.
    let mut wrong = plan_input();
    wrong.laws = vec![" ".into(), "x".repeat(201)];
    wrong.methods = vec![Method::ResearchVisit, Method::ResearchVisit];
    wrong.body_ids = vec![BODY, NO_UNIT];
    wrong.committee_member_ids = vec![STRANGER, MEMBER];
    wrong.deputy_ids = vec![MEMBER, STRANGER];
    #[rustfmt::skip]
    let want = issues(&[
        ("laws[0]", Issue::Length(200)), ("laws[1]", Issue::Length(200)),
        ("methods", Issue::Plan(PlanProblem::DuplicateMethod)),
        ("body_ids[1]", Issue::UnknownUnit),
        ("committee_member_ids[0]", Issue::UnknownDeputy),
        ("deputy_ids[1]", Issue::UnknownDeputy),
        ("deputy_ids", Issue::AlreadyMember),
    ]);
    assert_eq!(create(wrong, &plan_facts(), &ctx()), Err(want));

    #[rustfmt::skip]
    let table: &[(&[Method], &[&str], Option<PlanProblem>)] = &[
        (&[], &[], Some(PlanProblem::NoMethod)),
        (&[Method::LawEnforcementInspection], &[], Some(PlanProblem::LawsMissing)),
        (&[Method::ResearchVisit], &["法"], Some(PlanProblem::LawsWithoutInspection)),
        (&[Method::ResearchVisit, Method::WorkEvaluation], &[], None),
    ];
    for (methods, laws, problem) in table {
        let mut input = plan_input();
        input.methods = methods.to_vec();
        input.laws = laws.iter().map(|l| (*l).to_owned()).collect();
        let got = create(input, &plan_facts(), &ctx()).map(drop);
        let want = problem.map(|p| issues(&[(p.field(), Issue::Plan(p))]));
        assert_eq!(got, want.map_or(Ok(()), Err), "{methods:?} {laws:?}");
    }
}

#[test]
fn an_update_refuses_nulls_and_what_a_plan_refuses() {
    let s = item(Planned);
    #[rustfmt::skip]
    let nulls = PlanPatch {
        title: Some(None), year: Some(None), description: Some(None), methods: Some(None),
        body_ids: Some(None), committee: Some(None), committee_member_ids: Some(None),
        deputy_ids: Some(None), laws: Some(None),
    };
    #[rustfmt::skip]
    let want = issues(&[
        ("title", Issue::Null), ("year", Issue::Null), ("methods", Issue::Null),
        ("body_ids", Issue::Null), ("committee", Issue::Null),
        ("committee_member_ids", Issue::Null), ("deputy_ids", Issue::Null), ("laws", Issue::Null),
    ]);
    assert_eq!(update(&s, nulls, &plan_facts()), Err(want));

    #[rustfmt::skip]
    let wrong = PlanPatch {
        title: Some(Some(" ".into())), committee: Some(Some(INVISIBLE.into())),
        laws: Some(Some(vec!["法".into()])), body_ids: Some(Some(vec![NO_UNIT])),
        committee_member_ids: Some(Some(vec![STRANGER])), deputy_ids: Some(Some(vec![STRANGER])),
        ..PlanPatch::default()
    };
    #[rustfmt::skip]
    let want = issues(&[
        ("title", Issue::Blank), ("committee", Issue::Blank),
        ("body_ids[0]", Issue::UnknownUnit), ("committee_member_ids[0]", Issue::UnknownDeputy),
        ("deputy_ids[0]", Issue::UnknownDeputy),
        ("laws", Issue::Plan(PlanProblem::LawsWithoutInspection)),
        ("deputy_ids", Issue::AlreadyMember),
    ]);
    assert_eq!(update(&s, wrong, &plan_facts()), Err(want));
}

#[test]
fn an_update_that_changes_nothing_saves_nothing() {
    let s = item(Closed);
    let same = PlanPatch {
        title: Some(Some(s.title.clone())),
        deputy_ids: Some(Some(vec![DEPUTY, DEPUTY])),
        ..PlanPatch::default()
    };
    assert_eq!(update(&s, same, &plan_facts()), Ok(None));
    let p = PlanPatch {
        description: Some(Some("说明".into())),
        ..PlanPatch::default()
    };
    let c = ok(update(&item(Planned), p, &plan_facts()));
    let after = c
        .as_ref()
        .map(|c| (c.after.description.clone(), c.event.clone()));
    assert_eq!(after, Some((Some("说明".into()), event("updated", None))));
}

#[test]
fn new_bodies_refuse_an_assigned_observer_with_a_tie() {
    let s = item(Planned);
    let bodies = || PlanPatch {
        body_ids: Some(Some(vec![OTHER_BODY])),
        ..PlanPatch::default()
    };
    let tied = PlanFacts {
        observers: vec![observer(OBSERVER, ObserverStatus::Active, &[OTHER_BODY])],
        ..plan_facts()
    };
    assert_eq!(update(&s, bodies(), &tied), Err(E::ConflictOfInterest));
    let c = ok(update(&s, bodies(), &plan_facts()));
    assert_eq!(c.map(|c| c.after.body_ids), Some(vec![OTHER_BODY]));
    // A tie to a body the item keeps does not matter to a change of the title.
    let kept = PlanFacts {
        observers: vec![observer(OBSERVER, ObserverStatus::Active, &[BODY])],
        ..plan_facts()
    };
    let title = PlanPatch {
        title: Some(Some("新题".into())),
        ..PlanPatch::default()
    };
    assert!(matches!(update(&s, title, &kept), Ok(Some(_))));
}

mod records;
