use super::*;

fn ids(n: u128) -> Vec<Uuid> {
    (1..=n).map(Uuid::from_u128).collect()
}

fn ballot(approve: &[u128], against: &[u128]) -> Vec<(Uuid, Choice)> {
    approve
        .iter()
        .map(|c| (Uuid::from_u128(*c), Choice::Approve))
        .chain(
            against
                .iter()
                .map(|c| (Uuid::from_u128(*c), Choice::Against)),
        )
        .collect()
}

#[test]
fn the_top_n_with_a_majority_are_adopted() {
    let c = ids(4);
    let ballots = vec![
        ballot(&[1, 2], &[4]),
        ballot(&[1, 2], &[]),
        ballot(&[1, 3], &[]),
    ];
    let r = tally(&c, &ballots, 2, None);
    assert_eq!(r.ballots, 3);
    assert_eq!(r.adopted, vec![Uuid::from_u128(1), Uuid::from_u128(2)]);
    assert!(r.tied.is_empty());
    let four = r.counts[&Uuid::from_u128(4)];
    assert_eq!((four.approvals, four.against, four.abstentions), (0, 1, 2));
    // 3 has one approval of three ballots: no majority.
    let r = tally(&c, &ballots, 3, None);
    assert_eq!(r.adopted.len(), 2);
}

#[test]
fn a_tie_at_the_cut_off_is_reported_not_broken() {
    let c = ids(3);
    let ballots = vec![
        ballot(&[1, 2], &[]),
        ballot(&[1, 3], &[]),
        ballot(&[2, 3], &[]),
    ];
    let r = tally(&c, &ballots, 2, None);
    // Everyone has 2 of 3: three tied for two seats.
    assert!(r.adopted.is_empty());
    assert_eq!(r.tied.len(), 3);
    assert_eq!(r.open_seats, 2);
    let ballots = vec![
        ballot(&[1, 2], &[]),
        ballot(&[1, 3], &[]),
        ballot(&[1, 2, 3], &[]),
    ];
    let r = tally(&c, &ballots, 2, None);
    assert_eq!(r.adopted, vec![Uuid::from_u128(1)]);
    assert_eq!(r.tied.len(), 2);
    assert_eq!(r.open_seats, 1);
}

#[test]
fn the_order_of_ballots_does_not_matter() {
    let c = ids(5);
    let mut ballots: Vec<_> = (0..40u128)
        .map(|i| ballot(&[1 + i % 5, 1 + (i * 3) % 5], &[1 + (i * 7) % 5]))
        .map(|mut b| {
            b.dedup_by_key(|x| x.0);
            b
        })
        .collect();
    let a = tally(&c, &ballots, 2, None);
    ballots.reverse();
    assert_eq!(tally(&c, &ballots, 2, None), a);
}

#[test]
fn ballots_keep_to_the_shortlist_and_the_seats() {
    let s = ids(3);
    let ok = ballot(&[1, 2], &[3]);
    assert_eq!(check_ballot(&ok, &s, 2), Ok(()));
    assert_eq!(
        check_ballot(&ballot(&[1, 2, 3], &[]), &s, 2),
        Err(BallotProblem::TooManyApprovals { seats: 2, given: 3 })
    );
    assert_eq!(
        check_ballot(&ballot(&[9], &[]), &s, 2),
        Err(BallotProblem::NotShortlisted(Uuid::from_u128(9)))
    );
    assert_eq!(
        check_ballot(&ballot(&[1], &[1]), &s, 2),
        Err(BallotProblem::MarkedTwice(Uuid::from_u128(1)))
    );
}

#[test]
fn the_round_runs_in_order() {
    use RoundStage::*;
    assert_eq!(
        next_round_stage(Collecting, RoundOp::StartReview),
        Some(Reviewing)
    );
    assert_eq!(
        next_round_stage(Voting, RoundOp::CloseVoting),
        Some(Implementing)
    );
    assert_eq!(next_round_stage(Collecting, RoundOp::StartVoting), None);
    assert_eq!(next_round_stage(Closed, RoundOp::Close), None);
}
