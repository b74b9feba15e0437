//! Decision tables of the commands: each refusal and each success.

use chrono::{NaiveDate, TimeZone, Utc};
use uuid::Uuid;

use super::*;
use crate::deputy::{Level, Membership, MembershipStatus};

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn ctx() -> Ctx {
    Ctx {
        now: Utc
            .with_ymd_and_hms(2027, 3, 1, 8, 0, 0)
            .single()
            .unwrap_or_default(),
        today: NaiveDate::from_ymd_opt(2027, 3, 1).unwrap_or_default(),
        new_id: || Uuid::from_u128(999),
        policy: LivelihoodPolicy::default(),
    }
}

fn round(stage: RoundStage) -> Round {
    let c = ctx();
    Round {
        id: id(1),
        year: 2027,
        level: Level::County,
        term: "第十九届".into(),
        title: "民生实事".into(),
        seats: 2,
        secret_ballot: true,
        stage,
        tie_break: None,
        majority: MajorityBase::Cast,
        congress_session_id: None,
        voting_members: None,
        created_by: id(2).into(),
        created_at: c.now,
        updated_at: c.now,
        version: 3,
    }
}

fn candidate(n: u128, status: CandidateStatus) -> Candidate {
    let c = ctx();
    Candidate {
        id: id(n),
        round_id: id(1),
        title: format!("候选{n}"),
        description: "说明".into(),
        estimated_budget: None,
        unit_id: None,
        source: CandidateSource::Public,
        proposed_by: None,
        proposer_deputy_id: None,
        status,
        review_reason: None,
        reviewed_by: None,
        approvals: None,
        against: None,
        abstentions: None,
        created_at: c.now,
        updated_at: c.now,
        version: 1,
    }
}

fn invalid(field: &str, issue: Issue) -> LivelihoodError {
    LivelihoodError::field(field, issue)
}

use CandidateStatus as S;
use RoundStage::*;

#[test]
fn rounds_open_with_a_term_and_a_title() {
    let input = |term: &str, title: &str| RoundInput {
        year: 2027,
        level: Level::County,
        term: term.into(),
        title: title.into(),
        seats: 2,
        secret_ballot: true,
    };
    let r = create_round(input(" 第十九届 ", " 实事 "), id(2).into(), &ctx());
    assert_eq!(
        r.as_ref().map(|r| (r.stage, r.term.as_str())),
        Ok((Collecting, "第十九届"))
    );
    let e = create_round(input(" ", ""), id(2).into(), &ctx());
    assert_eq!(
        e.map(|_| ()),
        Err(LivelihoodError::Invalid(vec![
            FieldIssue {
                field: "term".into(),
                issue: Issue::Blank
            },
            FieldIssue {
                field: "title".into(),
                issue: Issue::Blank
            },
        ]))
    );
}

#[test]
fn stage_moves_decision_table() {
    let undecided = RoundFacts::of(&[candidate(3, S::Proposed), candidate(4, S::Shortlisted)]);
    let none = RoundFacts::of(&[candidate(3, S::Rejected)]);
    let ready = RoundFacts::of(&[candidate(3, S::Shortlisted)]);
    let tie = RoundFacts::of(&[candidate(3, S::Tied)]);
    let start_voting: RoundCommand = |r, f, n| super::start_voting(r, f, None, &[], n);
    let table: &[(
        RoundCommand,
        RoundStage,
        &RoundFacts,
        Result<RoundStage, LivelihoodError>,
    )] = &[
        (start_review, Collecting, &none, Ok(Reviewing)),
        (
            start_review,
            Reviewing,
            &none,
            Err(LivelihoodError::InvalidState(Reviewing)),
        ),
        (
            start_voting,
            Reviewing,
            &undecided,
            Err(LivelihoodError::Blocked(RoundBlocker::Undecided(
                "候选3".into(),
            ))),
        ),
        (
            start_voting,
            Reviewing,
            &none,
            Err(LivelihoodError::Blocked(RoundBlocker::NothingShortlisted)),
        ),
        (start_voting, Reviewing, &ready, Ok(Voting)),
        (
            start_voting,
            Collecting,
            &ready,
            Err(LivelihoodError::InvalidState(Collecting)),
        ),
        (
            start_evaluation,
            Implementing,
            &tie,
            Err(LivelihoodError::Blocked(RoundBlocker::TiePending)),
        ),
        (start_evaluation, Implementing, &ready, Ok(Evaluating)),
        (close_round, Evaluating, &tie, Ok(Closed)),
        (
            close_round,
            Closed,
            &none,
            Err(LivelihoodError::InvalidState(Closed)),
        ),
    ];
    for (cmd, from, facts, want) in table {
        let got = cmd(&round(*from), facts, Some("备注".into())).map(|c| c.after.stage);
        assert_eq!(&got, want, "{from}");
    }
    let c = start_review(&round(Collecting), &none, Some(" ".into()));
    assert_eq!(c.map(|c| c.event.detail), Ok(None));
}

#[test]
fn closing_the_vote_decides_each_shortlisted_candidate() {
    let shortlist = [id(3), id(4), id(5)];
    let ballots = vec![
        vec![(id(3), Choice::Approve), (id(4), Choice::Approve)],
        vec![(id(3), Choice::Approve), (id(5), Choice::Approve)],
    ];
    let c = close_voting(&round(Voting), &shortlist, &ballots, 3);
    let Ok((c, result)) = c else {
        panic!("refused: {c:?}");
    };
    assert_eq!(c.after.stage, Implementing);
    assert_eq!(c.after.voting_members, Some(3));
    assert_eq!(c.event.action, "voting_closed");
    assert_eq!(result.adopted, vec![id(3)]);
    let statuses: Vec<_> = c
        .effects
        .iter()
        .filter_map(|e| match e {
            Effect::Decided { status, .. } => Some(*status),
            Effect::Notify(_) => None,
        })
        .collect();
    assert_eq!(statuses, vec![S::Adopted, S::NotAdopted, S::NotAdopted]);
    assert_eq!(
        close_voting(&round(Reviewing), &shortlist, &ballots, 3).map(|_| ()),
        Err(LivelihoodError::InvalidState(Reviewing))
    );
}

#[test]
fn a_vote_stands_with_more_than_half_of_the_deputies_and_counts_on_the_rounds_base() {
    let shortlist = [id(3), id(4)];
    let approve_3 = vec![(id(3), Choice::Approve)];
    let ballot = |n: usize| vec![approve_3.clone(); n];
    // (ballots cast, serving deputies, stands)
    #[rustfmt::skip]
    let quorum_table = [(0, 0, false), (2, 4, false), (3, 4, true), (3, 5, true), (5, 10, false), (6, 10, true)];
    for (cast, members, stands) in quorum_table {
        let got = close_voting(&round(Voting), &shortlist, &ballot(cast), members);
        if stands {
            assert!(got.is_ok(), "{cast}/{members}");
        } else {
            let ballots = u32::try_from(cast).unwrap_or_default();
            assert_eq!(
                got.map(|_| ()),
                Err(LivelihoodError::QuorumNotMet { ballots, members }),
                "{cast}/{members}"
            );
        }
    }
    // Six of ten vote, all approving candidate 3: a majority of those
    // voting, not of the membership.
    let whole = Round {
        majority: MajorityBase::Membership,
        ..round(Voting)
    };
    let mut six = ballot(4);
    six.extend([vec![(id(3), Choice::Against)], vec![]]);
    let on_cast = close_voting(&round(Voting), &shortlist, &six, 10).map(|(_, r)| r.adopted);
    assert_eq!(on_cast, Ok(vec![id(3)]));
    let on_members = close_voting(&whole, &shortlist, &six, 10).map(|(_, r)| r.adopted);
    assert_eq!(on_members, Ok(vec![]));
    let on_members = close_voting(&whole, &shortlist, &ballot(6), 10).map(|(_, r)| r.adopted);
    assert_eq!(on_members, Ok(vec![id(3)]));
    // The base the results are shown against.
    let closed = Round {
        voting_members: Some(10),
        ..whole.clone()
    };
    assert_eq!(
        (
            closed.majority_base(6),
            round(Implementing).majority_base(6)
        ),
        (10, 6)
    );
    // New rounds take the congress's rule.
    let membership_ctx = Ctx {
        policy: LivelihoodPolicy {
            majority: MajorityBase::Membership,
        },
        ..ctx()
    };
    let input = RoundInput {
        year: 2027,
        level: Level::County,
        term: "第十九届".into(),
        title: "民生实事".into(),
        seats: 2,
        secret_ballot: true,
    };
    let r = create_round(input, id(2).into(), &membership_ctx);
    assert_eq!(r.map(|r| r.majority), Ok(MajorityBase::Membership));
}

#[test]
fn a_vote_opened_during_a_plenary_session_of_its_congress_is_held_there() {
    use crate::congress::{CongressSession, SessionStatus};
    let ready = RoundFacts::of(&[candidate(3, S::Shortlisted)]);
    let session = |level, term: &str, status| CongressSession {
        id: id(77),
        level,
        term: term.into(),
        number: 3,
        opens_on: NaiveDate::from_ymd_opt(2027, 1, 10).unwrap_or_default(),
        closes_on: NaiveDate::from_ymd_opt(2027, 1, 13).unwrap_or_default(),
        status,
        opened_at: None,
        closed_at: None,
        created_by: id(2).into(),
        created_at: ctx().now,
        updated_at: ctx().now,
        version: 1,
    };
    // (session, held there)
    let table = [
        (
            session(Level::County, "第十九届", SessionStatus::Open),
            true,
        ),
        (
            session(Level::County, "第十九届", SessionStatus::Closed),
            false,
        ),
        (
            session(Level::Municipal, "第十九届", SessionStatus::Open),
            false,
        ),
        (
            session(Level::County, "第十八届", SessionStatus::Open),
            false,
        ),
    ];
    for (s, held) in table {
        let c = start_voting(&round(Reviewing), &ready, Some(&s), &[], None);
        let Ok(c) = c else { panic!("refused: {c:?}") };
        assert_eq!(c.after.congress_session_id, held.then_some(id(77)), "{s:?}");
        assert_eq!(
            c.event.detail.map(|d| d["congress_session_id"].clone()),
            held.then(|| serde_json::json!(id(77))),
        );
    }
}

#[test]
fn tie_break_decision_table() {
    let all = [
        (id(3), S::Adopted),
        (id(4), S::Tied),
        (id(5), S::Tied),
        (id(6), S::NotAdopted),
    ];
    let bad = Err(invalid("adopt", Issue::BadTieBreak));
    type Row<'a> = (
        &'a [(Uuid, CandidateStatus)],
        &'a [Uuid],
        RoundStage,
        &'a str,
        Result<(), LivelihoodError>,
    );
    let table: &[Row] = &[
        (&all, &[id(4)], Implementing, "决定", Ok(())),
        (&all, &[id(4), id(4)], Implementing, "决定", Ok(())),
        (&all, &[id(4), id(5)], Implementing, "决定", bad.clone()),
        (&all, &[id(6)], Implementing, "决定", bad.clone()),
        (&all[..1], &[id(3)], Implementing, "决定", bad.clone()),
        (
            &all,
            &[id(4)],
            Implementing,
            " ",
            Err(invalid("reason", Issue::Blank)),
        ),
        (
            &all,
            &[id(4)],
            Evaluating,
            "决定",
            Err(LivelihoodError::InvalidState(Evaluating)),
        ),
    ];
    for (cands, adopt, stage, reason, want) in table {
        let got = break_tie(&round(*stage), cands, adopt, reason).map(|_| ());
        assert_eq!(&got, want, "{adopt:?} {stage} {reason:?}");
    }
    let c = break_tie(&round(Implementing), &all, &[id(5)], " 主任会议 ");
    let Ok(c) = c else {
        panic!("refused: {c:?}");
    };
    assert!(
        c.after
            .tie_break
            .is_some_and(|t| t.contains("\"reason\":\"主任会议\""))
    );
    assert_eq!(c.effects.len(), 2);
}

#[test]
fn proposing_and_reviewing() {
    let input = |title: &str, unit: Option<Uuid>| ProposeInput {
        title: title.into(),
        description: "说明".into(),
        estimated_budget: None,
        unit_id: unit.map(Into::into),
    };
    let by = Proposer {
        source: CandidateSource::Deputy,
        user_id: Some(id(7).into()),
        deputy_id: Some(id(8).into()),
    };
    let r = round(Collecting);
    let ok = propose(&r, input(" 电梯 ", None), false, by, &ctx());
    assert_eq!(
        ok.map(|c| (c.title, c.status)),
        Ok(("电梯".into(), S::Proposed))
    );
    let e = propose(&r, input("", Some(id(9))), false, by, &ctx()).map(|_| ());
    assert_eq!(e, Err(invalid("title", Issue::Blank)));
    let e = propose(&r, input("电梯", Some(id(9))), false, by, &ctx()).map(|_| ());
    assert_eq!(e, Err(invalid("unit_id", Issue::UnknownUnit)));
    let e = propose(&round(Voting), input("电梯", None), true, by, &ctx()).map(|_| ());
    assert_eq!(e, Err(LivelihoodError::InvalidState(Voting)));

    let review_input = |shortlist: bool, reason: &str, unit: Option<Uuid>| ReviewInput {
        shortlist,
        reason: reason.into(),
        unit_id: unit.map(Into::into),
    };
    let c = candidate(3, S::Proposed);
    let r = round(Reviewing);
    let table: &[(
        ReviewInput,
        bool,
        RoundStage,
        Result<CandidateStatus, LivelihoodError>,
    )] = &[
        (
            review_input(true, "好", Some(id(9))),
            true,
            Reviewing,
            Ok(S::Shortlisted),
        ),
        (
            review_input(false, "否", None),
            true,
            Reviewing,
            Ok(S::Rejected),
        ),
        (
            review_input(true, "好", None),
            true,
            Reviewing,
            Err(invalid("unit_id", Issue::UnitRequired)),
        ),
        (
            review_input(true, "好", Some(id(9))),
            false,
            Reviewing,
            Err(invalid("unit_id", Issue::UnknownUnit)),
        ),
        (
            review_input(true, " ", Some(id(9))),
            true,
            Reviewing,
            Err(invalid("reason", Issue::Blank)),
        ),
        (
            review_input(false, "否", None),
            true,
            Voting,
            Err(LivelihoodError::InvalidState(Voting)),
        ),
    ];
    for (input, exists, stage, want) in table {
        let mut r = r.clone();
        r.stage = *stage;
        let got = review(&r, &c, input.clone(), *exists, id(2)).map(|c| c.after.status);
        assert_eq!(&got, want, "{input:?}");
    }
}

#[test]
fn ballots_and_voters() {
    let membership = |level: Level, term: &str, status: MembershipStatus| Membership {
        level,
        term: term.into(),
        constituency: None,
        delegation: None,
        start_date: None,
        end_date: None,
        status,
    };
    let r = round(Voting);
    let serving = membership(Level::County, "第十九届", MembershipStatus::Serving);
    assert_eq!(
        voter(&r, id(8).into(), std::slice::from_ref(&serving)),
        Ok(id(8))
    );
    let other_term = membership(Level::County, "第十八届", MembershipStatus::Serving);
    let other_level = membership(Level::Township, "第十九届", MembershipStatus::Serving);
    let ended = Membership {
        status: MembershipStatus::Ended,
        ..serving
    };
    for m in [other_term, other_level, ended] {
        assert_eq!(
            voter(&r, id(8).into(), &[m]),
            Err(LivelihoodError::NotAMember)
        );
    }
    let shortlist = [id(3), id(4), id(5)];
    let ok = ballot(&r, &[id(3)], &[id(4)], &[], &shortlist);
    assert_eq!(
        ok,
        Ok(vec![(id(3), Choice::Approve), (id(4), Choice::Against)])
    );
    let too_many = ballot(&r, &[id(3), id(4), id(5)], &[], &[], &shortlist);
    let p = BallotProblem::TooManyApprovals { seats: 2, given: 3 };
    assert_eq!(too_many, Err(invalid("approve", Issue::Ballot(p))));
    let twice = ballot(&r, &[id(3)], &[id(3)], &[], &shortlist);
    assert_eq!(
        twice,
        Err(invalid(
            "approve",
            Issue::Ballot(BallotProblem::MarkedTwice(id(3)))
        ))
    );
    let closed = ballot(&round(Implementing), &[id(9)], &[], &[], &shortlist);
    assert_eq!(closed, Err(LivelihoodError::InvalidState(Implementing)));
}

#[test]
fn projects_progress_comments_and_ratings() {
    assert_eq!(project(&candidate(3, S::Adopted)), Ok(()));
    assert_eq!(
        project(&candidate(3, S::Tied)),
        Err(LivelihoodError::NotFound)
    );
    let p = candidate(3, S::Adopted);
    let input = |note: &str, on: Option<NaiveDate>| ProgressInput {
        percent: 50,
        note: note.into(),
        reported_on: on,
    };
    let today = ctx().today;
    let tomorrow = today.succ_opt();
    let ok = report_progress(&round(Implementing), &p, input("进展", None), id(7), &ctx());
    assert_eq!(ok.map(|p| p.reported_on), Ok(today));
    let table: &[(ProgressInput, RoundStage, LivelihoodError)] = &[
        (
            input(" ", None),
            Implementing,
            invalid("note", Issue::Blank),
        ),
        (
            input("进展", tomorrow),
            Evaluating,
            invalid("reported_on", Issue::Future),
        ),
        (
            input("进展", None),
            Voting,
            LivelihoodError::InvalidState(Voting),
        ),
    ];
    for (i, stage, want) in table {
        let got = report_progress(&round(*stage), &p, i.clone(), id(7), &ctx()).map(|_| ());
        assert_eq!(got, Err(want.clone()));
    }
    let ok = comment(&round(Evaluating), &p, id(8).into(), "好".into(), &ctx());
    assert_eq!(ok.map(|c| c.deputy_id), Ok(id(8).into()));
    let blank = comment(&round(Evaluating), &p, id(8).into(), " ".into(), &ctx()).map(|_| ());
    assert_eq!(blank, Err(invalid("content", Issue::Blank)));
    let closed = comment(&round(Closed), &p, id(8).into(), "好".into(), &ctx()).map(|_| ());
    assert_eq!(closed, Err(LivelihoodError::InvalidState(Closed)));
    assert_eq!(check_rating(&round(Evaluating)), Ok(()));
    assert_eq!(
        check_rating(&round(Implementing)),
        Err(LivelihoodError::InvalidState(Implementing))
    );
    assert_eq!(
        check_results(&round(Voting)),
        Err(LivelihoodError::InvalidState(Voting))
    );
    assert_eq!(check_results(&round(Closed)), Ok(()));
}
