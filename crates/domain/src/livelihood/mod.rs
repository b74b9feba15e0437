//! Livelihood projects voted by deputies (民生实事项目人大代表票决): a
//! yearly round collects candidates, shortlists them, lets the deputies of
//! the congress vote, and follows the adopted projects to their evaluation.
//!
//! The commands (`command`) take a round or candidate as it is, the
//! command's input and the facts the store knows (gathered by the caller)
//! and return what to save, or why it is refused. Nothing here reads or
//! writes anything.

use std::collections::HashMap;

use uuid::Uuid;

pub use crate::suggestion::EvaluationResult as Rating;

mod command;
#[cfg(test)]
mod command_tests;
mod error;
mod records;
#[cfg(test)]
mod tests;

pub use command::*;
pub use error::{FieldIssue, Issue, LivelihoodError, RoundBlocker};
pub use records::*;

string_enum! {
    /// Where a round stands.
    pub enum RoundStage : "round stage" {
        /// Candidates are proposed.
        Collecting = "collecting",
        /// The office shortlists candidates.
        Reviewing = "reviewing",
        /// The deputies vote.
        Voting = "voting",
        /// The adopted projects are carried out and reported on.
        Implementing = "implementing",
        /// The deputies rate each project.
        Evaluating = "evaluating",
        /// Done. Final.
        Closed = "closed",
    }
}

string_enum! {
    /// What a candidate's approvals must exceed half of to be adopted.
    pub enum MajorityBase : "majority base" {
        /// The ballots cast (过半数 of those voting).
        Cast = "cast",
        /// The whole membership: every serving deputy of the round's
        /// congress (全体代表的过半数).
        Membership = "membership",
    }
}

/// How this congress counts a livelihood vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LivelihoodPolicy {
    /// The majority new rounds count on.
    pub majority: MajorityBase,
}

impl Default for LivelihoodPolicy {
    fn default() -> Self {
        Self {
            majority: MajorityBase::Cast,
        }
    }
}

/// The quorum of a vote of deputies: more than half of the serving
/// deputies of the congress cast a ballot.
pub fn quorum(ballots: u32, members: u32) -> bool {
    members > 0 && u64::from(ballots) * 2 > u64::from(members)
}

string_enum! {
    /// Who proposed a candidate.
    pub enum CandidateSource : "candidate source" {
        /// A member of the public.
        Public = "public",
        /// A deputy.
        Deputy = "deputy",
        /// The government, entered by the office.
        Government = "government",
    }
}

string_enum! {
    /// Where a candidate stands.
    pub enum CandidateStatus : "candidate status" {
        Proposed = "proposed",
        /// On the ballot.
        Shortlisted = "shortlisted",
        /// Not put on the ballot, with a reason.
        Rejected = "rejected",
        /// Adopted by the vote: a project.
        Adopted = "adopted",
        /// On the ballot but not adopted.
        NotAdopted = "not_adopted",
        /// Tied at the cut-off; the office decides.
        Tied = "tied",
    }
}

string_enum! {
    /// A mark on a ballot.
    pub enum Choice : "ballot choice" {
        Approve = "approve",
        Against = "against",
        Abstain = "abstain",
    }
}

/// An operation that moves a round on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundOp {
    StartReview,
    StartVoting,
    /// Closes the vote: the tally adopts the projects.
    CloseVoting,
    StartEvaluation,
    Close,
}

/// The stage an operation leads to, or `None` when the round's stage does
/// not allow it.
pub fn next_round_stage(from: RoundStage, op: RoundOp) -> Option<RoundStage> {
    use RoundStage::*;
    match (from, op) {
        (Collecting, RoundOp::StartReview) => Some(Reviewing),
        (Reviewing, RoundOp::StartVoting) => Some(Voting),
        (Voting, RoundOp::CloseVoting) => Some(Implementing),
        (Implementing, RoundOp::StartEvaluation) => Some(Evaluating),
        (Evaluating, RoundOp::Close) => Some(Closed),
        _ => None,
    }
}

/// What is wrong with a ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BallotProblem {
    /// More approvals than the round adopts.
    TooManyApprovals { seats: u32, given: u32 },
    /// A candidate not on the ballot.
    NotShortlisted(Uuid),
    /// A candidate marked twice.
    MarkedTwice(Uuid),
}

/// Checks a ballot's marks against the shortlist and the number of seats.
pub fn check_ballot(
    marks: &[(Uuid, Choice)],
    shortlist: &[Uuid],
    seats: u32,
) -> Result<(), BallotProblem> {
    let mut seen = std::collections::HashSet::new();
    for (c, _) in marks {
        if !shortlist.contains(c) {
            return Err(BallotProblem::NotShortlisted(*c));
        }
        if !seen.insert(*c) {
            return Err(BallotProblem::MarkedTwice(*c));
        }
    }
    let approvals = marks.iter().filter(|(_, m)| *m == Choice::Approve).count();
    let given = u32::try_from(approvals).unwrap_or(u32::MAX);
    if given > seats {
        return Err(BallotProblem::TooManyApprovals { seats, given });
    }
    Ok(())
}

/// One candidate's count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct CandidateCount {
    pub approvals: u32,
    pub against: u32,
    /// Marked abstain, or not marked at all.
    pub abstentions: u32,
}

/// The outcome of a vote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VoteResult {
    pub ballots: u32,
    pub counts: HashMap<Uuid, CandidateCount>,
    /// Adopted without question, best first.
    pub adopted: Vec<Uuid>,
    /// Candidates tied at the cut-off, all with the same approvals, of
    /// which `open_seats` are still to be adopted; empty when no tie.
    pub tied: Vec<Uuid>,
    pub open_seats: u32,
}

/// Counts the ballots and adopts the top `seats` candidates by approvals
/// among those approved by a majority: more than half of `majority_of`
/// (the whole membership), or of the ballots cast when it is `None`. A
/// tie at the cut-off is reported (`tied`, `open_seats`), never broken
/// here. The result depends only on the ballots, not on their order.
pub fn tally(
    shortlist: &[Uuid],
    ballots: &[Vec<(Uuid, Choice)>],
    seats: u32,
    majority_of: Option<u32>,
) -> VoteResult {
    let cast = u32::try_from(ballots.len()).unwrap_or(u32::MAX);
    let base = majority_of.unwrap_or(cast);
    let mut counts: HashMap<Uuid, CandidateCount> = shortlist
        .iter()
        .map(|c| (*c, CandidateCount::default()))
        .collect();
    for b in ballots {
        for c in shortlist {
            let mark = b
                .iter()
                .find(|(x, _)| x == c)
                .map(|(_, m)| *m)
                .unwrap_or(Choice::Abstain);
            if let Some(n) = counts.get_mut(c) {
                match mark {
                    Choice::Approve => n.approvals += 1,
                    Choice::Against => n.against += 1,
                    Choice::Abstain => n.abstentions += 1,
                }
            }
        }
    }
    let mut eligible: Vec<(Uuid, u32)> = counts
        .iter()
        .filter(|(_, n)| u64::from(n.approvals) * 2 > u64::from(base))
        .map(|(c, n)| (*c, n.approvals))
        .collect();
    // Best first; equal approvals in a fixed order so that the answer is
    // reproducible (the order does not decide anything: ties are reported).
    eligible.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let seats_us = usize::try_from(seats).unwrap_or(usize::MAX);
    let mut result = VoteResult {
        ballots: cast,
        counts,
        ..VoteResult::default()
    };
    if seats_us == 0 {
        return result;
    }
    if eligible.len() <= seats_us {
        result.adopted = eligible.into_iter().map(|(c, _)| c).collect();
        return result;
    }
    let cut = eligible[seats_us - 1].1;
    let first_out = eligible[seats_us].1;
    if cut != first_out {
        result.adopted = eligible[..seats_us].iter().map(|(c, _)| *c).collect();
        return result;
    }
    result.adopted = eligible
        .iter()
        .filter(|(_, a)| *a > cut)
        .map(|(c, _)| *c)
        .collect();
    result.tied = eligible
        .iter()
        .filter(|(_, a)| *a == cut)
        .map(|(c, _)| *c)
        .collect();
    result.open_seats = seats - u32::try_from(result.adopted.len()).unwrap_or(seats);
    result
}
