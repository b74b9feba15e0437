use super::*;

#[test]
fn the_loop_runs_in_order_and_only_in_order() {
    use Stage::*;
    let path = [
        (Planned, StageOp::StartInvestigation, Investigating),
        (Investigating, StageOp::StartDeliberation, Deliberating),
        (Deliberating, StageOp::StartRectification, Rectifying),
        (Rectifying, StageOp::StartEvaluation, Evaluating),
        (Evaluating, StageOp::Return, Rectifying),
        (Evaluating, StageOp::Close, Closed),
    ];
    for (from, op, to) in path {
        assert_eq!(next_stage(from, op), Ok(to));
    }
    let ops = [
        StageOp::StartInvestigation,
        StageOp::StartDeliberation,
        StageOp::StartRectification,
        StageOp::StartEvaluation,
        StageOp::Close,
        StageOp::Return,
    ];
    for from in Stage::ALL {
        for op in ops {
            let allowed = path.iter().any(|(f, o, _)| f == from && *o == op);
            assert_eq!(next_stage(*from, op).is_ok(), allowed, "{from} {op:?}");
        }
    }
    assert!(ops.iter().all(|op| next_stage(Closed, *op).is_err()));
}

#[test]
fn an_unsatisfied_majority_is_more_than_half() {
    use Satisfaction::*;
    let t = Tally::of([Unsatisfied, Unsatisfied, Satisfied]);
    assert_eq!((t.total(), t.outcome()), (3, Outcome::Returned));
    // Half is not a majority.
    let t = Tally::of([Unsatisfied, BasicallySatisfied]);
    assert_eq!(t.outcome(), Outcome::Accepted);
    let t = Tally::of([Satisfied, BasicallySatisfied, Unsatisfied]);
    assert_eq!(
        (t.satisfied, t.basically_satisfied, t.unsatisfied),
        (1, 1, 1)
    );
    assert_eq!(t.outcome(), Outcome::Accepted);
}

#[test]
fn plans_name_laws_exactly_for_inspections() {
    let laws = vec!["中华人民共和国食品安全法".to_owned()];
    for combo in COMBINATIONS {
        let needs = combo.contains(&Method::LawEnforcementInspection);
        assert_eq!(check_plan(combo, &laws).is_ok(), needs);
        assert_eq!(check_plan(combo, &[]).is_ok(), !needs);
    }
    assert_eq!(check_plan(&[], &[]), Err(PlanProblem::NoMethod));
    assert_eq!(
        check_plan(&[Method::ResearchVisit, Method::ResearchVisit], &[]),
        Err(PlanProblem::DuplicateMethod)
    );
}

#[test]
fn rectification_cannot_end_with_problems_open() {
    let f = StageFacts {
        round: 1,
        opinions: 1,
        opinions_this_round: 1,
        unclosed_problems: 2,
        committee_members: 3,
        votes: 0,
    };
    assert_eq!(
        blockers(StageOp::StartEvaluation, f),
        vec![StageBlocker::ProblemsOpen(2)]
    );
    assert!(blockers(StageOp::StartRectification, f).is_empty());
    assert_eq!(blockers(StageOp::Close, f), vec![StageBlocker::NoVotes]);
    assert_eq!(
        blockers(StageOp::StartRectification, StageFacts::default()),
        vec![StageBlocker::NoOpinion]
    );
    // A returned item goes back to the vote only after a follow-up opinion.
    let returned = StageFacts {
        round: 2,
        opinions_this_round: 0,
        unclosed_problems: 0,
        ..f
    };
    assert_eq!(
        blockers(StageOp::StartEvaluation, returned),
        vec![StageBlocker::NoFollowUpOpinion]
    );
    let followed_up = StageFacts {
        opinions_this_round: 1,
        ..returned
    };
    assert!(blockers(StageOp::StartEvaluation, followed_up).is_empty());
}

#[test]
fn an_opinion_is_overdue_after_its_deadline_while_problems_remain() {
    let d = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap_or_default();
    let next = d.succ_opt().unwrap_or_default();
    assert!(!opinion_overdue(d, d, 1));
    assert!(opinion_overdue(d, next, 1));
    assert!(!opinion_overdue(d, next, 0));
}
