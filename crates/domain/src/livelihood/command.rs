//! The commands of the area: opening a round and moving it on, proposing
//! and reviewing candidates, ballots, closing the vote, breaking a tie,
//! and the adopted projects' progress, comments and ratings.

use crate::id::{DeputyId, UnitId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use super::*;
use crate::deputy::{Membership, MembershipStatus};
use crate::text::is_blank;

/// When a command is given, under which practice.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    pub now: DateTime<Utc>,
    /// Today in China Standard Time.
    pub today: NaiveDate,
    /// Makes the id of a new record.
    pub new_id: fn() -> Uuid,
    pub policy: LivelihoodPolicy,
}

pub(super) type CmdResult<T> = Result<T, LivelihoodError>;

fn require_stage(r: &Round, allowed: &[RoundStage]) -> CmdResult<()> {
    if allowed.contains(&r.stage) {
        Ok(())
    } else {
        Err(LivelihoodError::InvalidState(r.stage))
    }
}

fn blank_issues(fields: &[(&str, &str)]) -> Vec<FieldIssue> {
    crate::command::blank_fields(fields, Issue::Blank)
}

fn refuse(issues: Vec<FieldIssue>) -> CmdResult<()> {
    crate::command::refuse(issues, LivelihoodError::Invalid)
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

// ---------------------------------------------------------------- rounds

/// A new round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundInput {
    pub year: i32,
    pub level: crate::deputy::Level,
    pub term: String,
    pub title: String,
    pub seats: u32,
    pub secret_ballot: bool,
}

/// Opens a round; it starts collecting candidates.
pub fn create_round(input: RoundInput, created_by: UserId, ctx: &Ctx) -> CmdResult<Round> {
    refuse(blank_issues(&[
        ("term", &input.term),
        ("title", &input.title),
    ]))?;
    Ok(Round {
        id: (ctx.new_id)(),
        year: input.year,
        level: input.level,
        term: input.term.trim().to_owned(),
        title: input.title.trim().to_owned(),
        seats: input.seats,
        secret_ballot: input.secret_ballot,
        stage: RoundStage::Collecting,
        tie_break: None,
        majority: ctx.policy.majority,
        congress_session_id: None,
        voting_members: None,
        created_by,
        created_at: ctx.now,
        updated_at: ctx.now,
        version: 1,
    })
}

/// What the store knows of a round's candidates that decides whether it
/// may move on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoundFacts {
    /// The title of the first candidate still waiting for the review.
    pub first_undecided: Option<String>,
    pub shortlisted: u32,
    pub tied: u32,
}

impl RoundFacts {
    /// The facts of a round's candidates (in the order the store keeps them).
    pub fn of(candidates: &[Candidate]) -> RoundFacts {
        let with = |s: CandidateStatus| count(candidates.iter().filter(|c| c.status == s).count());
        RoundFacts {
            first_undecided: candidates
                .iter()
                .find(|c| c.status == CandidateStatus::Proposed)
                .map(|c| c.title.clone()),
            shortlisted: with(CandidateStatus::Shortlisted),
            tied: with(CandidateStatus::Tied),
        }
    }
}

/// What keeps a round from entering `to`, if anything: the vote needs
/// every candidate decided and one shortlisted; the evaluation needs any
/// tie at the cut-off decided. The store asks again under its lock.
pub fn entry_blocker(to: RoundStage, f: &RoundFacts) -> Option<RoundBlocker> {
    match to {
        RoundStage::Voting => {
            if let Some(t) = &f.first_undecided {
                Some(RoundBlocker::Undecided(t.clone()))
            } else if f.shortlisted == 0 {
                Some(RoundBlocker::NothingShortlisted)
            } else {
                None
            }
        }
        RoundStage::Evaluating if f.tied > 0 => Some(RoundBlocker::TiePending),
        _ => None,
    }
}

/// A command that moves a round to its next stage.
pub type RoundCommand = fn(&Round, &RoundFacts, Option<String>) -> CmdResult<Change>;

fn advance(
    r: &Round,
    op: RoundOp,
    facts: &RoundFacts,
    action: &'static str,
    note: Option<String>,
) -> CmdResult<Change> {
    let stage = next_round_stage(r.stage, op).ok_or(LivelihoodError::InvalidState(r.stage))?;
    if let Some(b) = entry_blocker(stage, facts) {
        return Err(LivelihoodError::Blocked(b));
    }
    let mut after = r.clone();
    after.stage = stage;
    let detail = note.filter(|n| !is_blank(n)).map(|n| json!({"note": n}));
    Ok(Change {
        after,
        event: Event { action, detail },
        effects: Vec::new(),
    })
}

/// Ends collecting; the office reviews the candidates.
pub fn start_review(r: &Round, facts: &RoundFacts, note: Option<String>) -> CmdResult<Change> {
    advance(r, RoundOp::StartReview, facts, "review_started", note)
}

/// Opens the vote: every candidate decided, one at least shortlisted.
/// Opened while a plenary session of the round's congress (its level and
/// term) sits (`open_session`, as the store knows it), the vote is held
/// at that session. The deputies serving in the congress (`voters`) are
/// told the vote is open.
pub fn start_voting(
    r: &Round,
    facts: &RoundFacts,
    open_session: Option<&crate::congress::CongressSession>,
    voters: &[crate::id::DeputyId],
    note: Option<String>,
) -> CmdResult<Change> {
    let mut c = advance(r, RoundOp::StartVoting, facts, "voting_started", note)?;
    if !voters.is_empty() {
        c.effects.push(Effect::Notify(crate::notice::Notice {
            kind: crate::notice::NoticeKind::VoteOpened,
            to: voters
                .iter()
                .copied()
                .map(crate::notice::Recipient::Deputy)
                .collect(),
            subject: r.subject(),
            occasion: crate::notice::Occasion::Version(r.version.saturating_add(1)),
            due_on: None,
            approved: None,
        }));
    }
    let session = open_session.filter(|s| {
        s.status == crate::congress::SessionStatus::Open && s.level == r.level && s.term == r.term
    });
    if let Some(s) = session {
        c.after.congress_session_id = Some(s.id);
        c.event.detail.get_or_insert_with(|| json!({}))["congress_session_id"] = json!(s.id);
    }
    Ok(c)
}

/// Moves the projects to their evaluation, once any tie is decided.
pub fn start_evaluation(r: &Round, facts: &RoundFacts, note: Option<String>) -> CmdResult<Change> {
    advance(
        r,
        RoundOp::StartEvaluation,
        facts,
        "evaluation_started",
        note,
    )
}

/// Closes the round. Final.
pub fn close_round(r: &Round, facts: &RoundFacts, note: Option<String>) -> CmdResult<Change> {
    advance(r, RoundOp::Close, facts, "closed", note)
}

/// Whether the vote may be closed: the round is voting. (The ballots are
/// counted by the store, under its lock, for [`close_voting`].)
pub fn check_close_voting(r: &Round) -> CmdResult<()> {
    require_stage(r, &[RoundStage::Voting])
}

/// Closes the vote with its ballots, cast by more than half of the
/// `members` (the serving deputies of the round's congress, as the store
/// counts them) or it does not stand: each shortlisted candidate is
/// adopted, tied at the cut-off or not adopted, with its count, the
/// majority counted on the round's base, and the round moves to
/// implementing. Returns the change and the result.
pub fn close_voting(
    r: &Round,
    shortlist: &[Uuid],
    ballots: &[Vec<(Uuid, Choice)>],
    members: u32,
) -> CmdResult<(Change, VoteResult)> {
    check_close_voting(r)?;
    let cast = count(ballots.len());
    if !quorum(cast, members) {
        return Err(LivelihoodError::QuorumNotMet {
            ballots: cast,
            members,
        });
    }
    let result = r.count(shortlist, ballots, members);
    let stage = next_round_stage(r.stage, RoundOp::CloseVoting)
        .ok_or(LivelihoodError::InvalidState(r.stage))?;
    let effects = shortlist
        .iter()
        .map(|c| {
            let status = if result.adopted.contains(c) {
                CandidateStatus::Adopted
            } else if result.tied.contains(c) {
                CandidateStatus::Tied
            } else {
                CandidateStatus::NotAdopted
            };
            Effect::Decided {
                candidate_id: *c,
                status,
                count: Some(result.counts.get(c).copied().unwrap_or_default()),
            }
        })
        .collect();
    let mut after = r.clone();
    after.stage = stage;
    after.voting_members = Some(members);
    let detail = json!({
        "ballots": result.ballots,
        "members": members,
        "majority": r.majority,
        "adopted": result.adopted,
        "tied": result.tied,
        "open_seats": result.open_seats,
    });
    let change = Change {
        after,
        event: Event {
            action: "voting_closed",
            detail: Some(detail),
        },
        effects,
    };
    Ok((change, result))
}

impl Round {
    /// Counts `ballots` under the round's rule: the majority on the
    /// ballots cast, or on the `members`.
    pub fn count(
        &self,
        shortlist: &[Uuid],
        ballots: &[Vec<(Uuid, Choice)>],
        members: u32,
    ) -> VoteResult {
        let base = (self.majority == MajorityBase::Membership).then_some(members);
        tally(shortlist, ballots, self.seats, base)
    }

    /// What a candidate's approvals must exceed half of, with `ballots`
    /// cast: the ballots, or the members counted when the vote closed.
    pub fn majority_base(&self, ballots: u32) -> u32 {
        match (self.majority, self.voting_members) {
            (MajorityBase::Membership, Some(m)) => m,
            _ => ballots,
        }
    }
}

/// Whether a tie may be broken with this reason: a reason is given and
/// the round is implementing. (The tie itself is checked by the store,
/// under its lock, with [`break_tie`].)
pub fn check_tie_break(r: &Round, reason: &str) -> CmdResult<()> {
    refuse(blank_issues(&[("reason", reason)]))?;
    require_stage(r, &[RoundStage::Implementing])
}

/// Decides a tie at the cut-off: `adopt` names exactly as many of the
/// tied candidates as seats are open; the other tied ones are not
/// adopted. The decision and its reason stay with the round.
pub fn break_tie(
    r: &Round,
    candidates: &[(Uuid, CandidateStatus)],
    adopt: &[Uuid],
    reason: &str,
) -> CmdResult<Change> {
    check_tie_break(r, reason)?;
    let reason = reason.trim();
    let tied: Vec<Uuid> = candidates
        .iter()
        .filter(|(_, s)| *s == CandidateStatus::Tied)
        .map(|(c, _)| *c)
        .collect();
    let adopted = candidates
        .iter()
        .filter(|(_, s)| *s == CandidateStatus::Adopted)
        .count();
    let open = usize::try_from(r.seats)
        .unwrap_or(usize::MAX)
        .saturating_sub(adopted);
    let mut chosen = adopt.to_vec();
    chosen.sort();
    chosen.dedup();
    if tied.is_empty() || chosen.len() != open || !chosen.iter().all(|c| tied.contains(c)) {
        return Err(LivelihoodError::field("adopt", Issue::BadTieBreak));
    }
    let effects = tied
        .iter()
        .map(|c| Effect::Decided {
            candidate_id: *c,
            status: if chosen.contains(c) {
                CandidateStatus::Adopted
            } else {
                CandidateStatus::NotAdopted
            },
            count: None,
        })
        .collect();
    let decision = json!({"tied": tied, "adopted": chosen, "reason": reason});
    let mut after = r.clone();
    after.tie_break = Some(decision.to_string());
    Ok(Change {
        after,
        event: Event {
            action: "tie_broken",
            detail: Some(decision),
        },
        effects,
    })
}

/// Whether the result of the vote may be read: once the vote is closed.
pub fn check_results(r: &Round) -> CmdResult<()> {
    require_stage(
        r,
        &[
            RoundStage::Implementing,
            RoundStage::Evaluating,
            RoundStage::Closed,
        ],
    )
}

// ---------------------------------------------------------------- candidates

/// A candidate to propose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposeInput {
    pub title: String,
    pub description: String,
    pub estimated_budget: Option<i64>,
    pub unit_id: Option<UnitId>,
}

/// Who proposes a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proposer {
    pub source: CandidateSource,
    pub user_id: Option<UserId>,
    pub deputy_id: Option<DeputyId>,
}

/// Proposes a candidate while the round collects. `unit_exists` tells
/// whether the named unit, if any, exists.
pub fn propose(
    r: &Round,
    input: ProposeInput,
    unit_exists: bool,
    by: Proposer,
    ctx: &Ctx,
) -> CmdResult<Candidate> {
    refuse(blank_issues(&[
        ("title", &input.title),
        ("description", &input.description),
    ]))?;
    if input.unit_id.is_some() && !unit_exists {
        return Err(LivelihoodError::field("unit_id", Issue::UnknownUnit));
    }
    require_stage(r, &[RoundStage::Collecting])?;
    Ok(Candidate {
        id: (ctx.new_id)(),
        round_id: r.id,
        title: input.title.trim().to_owned(),
        description: input.description,
        estimated_budget: input.estimated_budget,
        unit_id: input.unit_id,
        source: by.source,
        proposed_by: by.user_id,
        proposer_deputy_id: by.deputy_id,
        status: CandidateStatus::Proposed,
        review_reason: None,
        reviewed_by: None,
        approvals: None,
        against: None,
        abstentions: None,
        created_at: ctx.now,
        updated_at: ctx.now,
        version: 1,
    })
}

/// The office's decision on a candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewInput {
    pub shortlist: bool,
    pub reason: String,
    pub unit_id: Option<UnitId>,
}

/// Shortlists a candidate or not, with a reason, while the round is
/// reviewing. A shortlisted candidate needs a responsible unit.
/// `unit_exists` tells whether the named unit, if any, exists.
pub fn review(
    r: &Round,
    c: &Candidate,
    input: ReviewInput,
    unit_exists: bool,
    reviewer: Uuid,
) -> CmdResult<CandidateChange> {
    refuse(blank_issues(&[("reason", &input.reason)]))?;
    if input.unit_id.is_some() && !unit_exists {
        return Err(LivelihoodError::field("unit_id", Issue::UnknownUnit));
    }
    let unit = input.unit_id.or(c.unit_id);
    if input.shortlist && unit.is_none() {
        return Err(LivelihoodError::field("unit_id", Issue::UnitRequired));
    }
    require_stage(r, &[RoundStage::Reviewing])?;
    let mut after = c.clone();
    after.status = if input.shortlist {
        CandidateStatus::Shortlisted
    } else {
        CandidateStatus::Rejected
    };
    after.review_reason = Some(input.reason);
    after.unit_id = unit;
    after.reviewed_by = Some(reviewer.into());
    Ok(CandidateChange {
        after,
        action: "review",
    })
}

// ---------------------------------------------------------------- ballots

/// The deputy a ballot, comment or rating is given as: one who serves in
/// the round's congress (its level and term).
pub fn voter(r: &Round, deputy_id: DeputyId, memberships: &[Membership]) -> CmdResult<Uuid> {
    let serving = memberships
        .iter()
        .any(|m| m.level == r.level && m.term == r.term && m.status == MembershipStatus::Serving);
    if serving {
        Ok(deputy_id.into())
    } else {
        Err(LivelihoodError::NotAMember)
    }
}

/// A ballot's marks, checked: the round is voting, each mark names a
/// shortlisted candidate once, and there are no more approvals than seats.
pub fn ballot(
    r: &Round,
    approve: &[Uuid],
    against: &[Uuid],
    abstain: &[Uuid],
    shortlist: &[Uuid],
) -> CmdResult<Vec<(Uuid, Choice)>> {
    require_stage(r, &[RoundStage::Voting])?;
    let marks: Vec<(Uuid, Choice)> = approve
        .iter()
        .map(|c| (*c, Choice::Approve))
        .chain(against.iter().map(|c| (*c, Choice::Against)))
        .chain(abstain.iter().map(|c| (*c, Choice::Abstain)))
        .collect();
    check_ballot(&marks, shortlist, r.seats)
        .map_err(|p| LivelihoodError::field("approve", Issue::Ballot(p)))?;
    Ok(marks)
}

// ---------------------------------------------------------------- projects

/// The candidate as a project: adopted, or there is no such project.
pub fn project(c: &Candidate) -> CmdResult<()> {
    if c.is_project() {
        Ok(())
    } else {
        Err(LivelihoodError::NotFound)
    }
}

/// Stages in which projects are reported on and commented.
pub const FOLLOW_UP_STAGES: &[RoundStage] = &[RoundStage::Implementing, RoundStage::Evaluating];

/// Progress to report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressInput {
    pub percent: i32,
    pub note: String,
    /// Today if absent; never in the future.
    pub reported_on: Option<NaiveDate>,
}

/// A project's unit reports its progress, while implementing or evaluating.
pub fn report_progress(
    r: &Round,
    project: &Candidate,
    input: ProgressInput,
    reporter: Uuid,
    ctx: &Ctx,
) -> CmdResult<Progress> {
    let on = input.reported_on.unwrap_or(ctx.today);
    refuse(blank_issues(&[("note", &input.note)]))?;
    if on > ctx.today {
        return Err(LivelihoodError::field("reported_on", Issue::Future));
    }
    require_stage(r, FOLLOW_UP_STAGES)?;
    Ok(Progress {
        id: (ctx.new_id)(),
        candidate_id: project.id,
        percent: input.percent,
        note: input.note,
        reported_on: on,
        reported_by: reporter.into(),
        created_at: ctx.now,
    })
}

/// A deputy of the round's congress comments on a project, while
/// implementing or evaluating.
pub fn comment(
    r: &Round,
    project: &Candidate,
    deputy_id: DeputyId,
    content: String,
    ctx: &Ctx,
) -> CmdResult<Comment> {
    refuse(blank_issues(&[("content", &content)]))?;
    require_stage(r, FOLLOW_UP_STAGES)?;
    Ok(Comment {
        id: (ctx.new_id)(),
        candidate_id: project.id,
        deputy_id,
        content,
        created_at: ctx.now,
    })
}

/// Whether a project may be rated: the round is evaluating. (A second
/// rating is refused by the store.)
pub fn check_rating(r: &Round) -> CmdResult<()> {
    require_stage(r, &[RoundStage::Evaluating])
}
