//! The commands on an item itself: planning and amending it, moving it
//! through its stages, concluding the vote, publishing, assigning and
//! removing observers, and who may vote.

use crate::id::{DeputyId, UnitId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use super::*;
use crate::observer::ObserverStatus;
use crate::text::is_blank;

/// Who gives a command, and when.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    pub user_id: UserId,
    pub now: DateTime<Utc>,
    /// Today in China Standard Time.
    pub today: NaiveDate,
    /// Makes the id of a new record.
    pub new_id: fn() -> Uuid,
    /// The congress's practice of supervision.
    pub policy: SupervisionPolicy,
}

/// How this congress supervises, within the law.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SupervisionPolicy {
    /// Months a body gets to rectify when the opinion names no deadline.
    pub rectification_months: u32,
    /// The longest a rectification deadline may be, in months from the
    /// opinion.
    pub rectification_max_months: u32,
}

impl Default for SupervisionPolicy {
    fn default() -> Self {
        Self {
            rectification_months: 3,
            rectification_max_months: 6,
        }
    }
}

impl SupervisionPolicy {
    /// Refuses a policy whose default passes its maximum, or a maximum
    /// over two years.
    pub fn check(&self) -> Result<(), &'static str> {
        if self.rectification_months == 0 || self.rectification_max_months > 24 {
            return Err("rectification months must be between 1 and 24");
        }
        if self.rectification_months > self.rectification_max_months {
            return Err("the default rectification period passes the maximum");
        }
        Ok(())
    }
}

pub(super) type CmdResult<T> = Result<T, SupervisionError>;

pub(super) fn require_stage(s: &SupervisionItem, allowed: &[Stage]) -> CmdResult<()> {
    if allowed.contains(&s.stage) {
        Ok(())
    } else {
        Err(SupervisionError::InvalidState(s.stage))
    }
}

/// Refuses any command but the ones a closed item still takes.
pub(super) fn not_closed(s: &SupervisionItem) -> CmdResult<()> {
    if s.stage == Stage::Closed {
        Err(SupervisionError::InvalidState(s.stage))
    } else {
        Ok(())
    }
}

pub(super) fn issue(field: impl Into<String>, issue: Issue) -> FieldIssue {
    FieldIssue {
        field: field.into(),
        issue,
    }
}

pub(super) fn blank_issues(fields: &[(&str, &str)]) -> Vec<FieldIssue> {
    crate::command::blank_fields(fields, Issue::Blank)
}

pub(super) fn refuse(issues: Vec<FieldIssue>) -> CmdResult<()> {
    crate::command::refuse(issues, SupervisionError::Invalid)
}

pub(super) fn change(
    after: SupervisionItem,
    action: &'static str,
    detail: Option<serde_json::Value>,
    effects: Vec<Effect>,
) -> Change {
    Change {
        after,
        event: Event { action, detail },
        effects,
    }
}

/// The timeline detail of an optional remark.
fn note_detail(note: Option<String>) -> Option<serde_json::Value> {
    note.filter(|n| !is_blank(n)).map(|n| json!({"note": n}))
}

/// Sorted and without repeats, as the item keeps its lists.
pub fn normalise<T: Ord>(mut ids: Vec<T>) -> Vec<T> {
    ids.sort();
    ids.dedup();
    ids
}

// ---------------------------------------------------------------- the plan

/// A new item of the yearly plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanInput {
    pub title: String,
    pub year: i32,
    pub description: Option<String>,
    pub methods: Vec<Method>,
    pub body_ids: Vec<UnitId>,
    pub committee: String,
    pub committee_member_ids: Vec<DeputyId>,
    pub deputy_ids: Vec<DeputyId>,
    pub laws: Vec<String>,
}

/// A change of an item: `None` leaves a field, `Some(None)` is a null
/// (refused, except for the description, which it clears).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanPatch {
    pub title: Option<Option<String>>,
    pub year: Option<Option<i32>>,
    pub description: Option<Option<String>>,
    pub methods: Option<Option<Vec<Method>>>,
    pub body_ids: Option<Option<Vec<UnitId>>>,
    pub committee: Option<Option<String>>,
    pub committee_member_ids: Option<Option<Vec<DeputyId>>>,
    pub deputy_ids: Option<Option<Vec<DeputyId>>>,
    pub laws: Option<Option<Vec<String>>>,
}

/// An observer as a command on an item needs to know them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObserverFacts {
    pub id: Uuid,
    pub status: ObserverStatus,
    /// The bodies the observer declared ties to.
    pub tie_unit_ids: Vec<UnitId>,
}

impl ObserverFacts {
    fn tied_to(&self, bodies: &[UnitId]) -> bool {
        self.tie_unit_ids.iter().any(|u| bodies.contains(u))
    }
}

/// What the store knows that bears on a plan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanFacts {
    /// Which of the named units exist.
    pub existing_units: Vec<UnitId>,
    /// Which of the named deputies exist.
    pub existing_deputies: Vec<DeputyId>,
    /// The observers assigned to the item (needed when its bodies change).
    pub observers: Vec<ObserverFacts>,
}

/// Each law is named, in at most 200 characters.
fn law_issues(laws: &[String]) -> Vec<FieldIssue> {
    laws.iter()
        .enumerate()
        .filter(|(_, l)| is_blank(l) || l.chars().count() > 200)
        .map(|(i, _)| issue(format!("laws[{i}]"), Issue::Length(200)))
        .collect()
}

fn unknown<T: PartialEq>(field: &str, ids: &[T], known: &[T], what: Issue) -> Vec<FieldIssue> {
    ids.iter()
        .enumerate()
        .filter(|(_, id)| !known.contains(id))
        .map(|(i, _)| issue(format!("{field}[{i}]"), what))
        .collect()
}

/// A deputy is named either as committee member or as deputy, not both.
fn overlap(members: &[DeputyId], deputies: &[DeputyId]) -> Option<FieldIssue> {
    deputies
        .iter()
        .any(|d| members.contains(d))
        .then(|| issue("deputy_ids", Issue::AlreadyMember))
}

fn plan_issue(p: PlanProblem) -> FieldIssue {
    issue(p.field(), Issue::Plan(p))
}

/// Plans an item; it starts `planned`, in round 1.
pub fn create(input: PlanInput, facts: &PlanFacts, ctx: &Ctx) -> CmdResult<SupervisionItem> {
    refuse(blank_issues(&[
        ("title", &input.title),
        ("committee", &input.committee),
    ]))?;
    let mut issues = law_issues(&input.laws);
    if let Err(p) = check_plan(&input.methods, &input.laws) {
        issues.push(plan_issue(p));
    }
    let (units, deputies) = (&facts.existing_units, &facts.existing_deputies);
    issues.extend(unknown(
        "body_ids",
        &input.body_ids,
        units,
        Issue::UnknownUnit,
    ));
    let members = &input.committee_member_ids;
    issues.extend(unknown(
        "committee_member_ids",
        members,
        deputies,
        Issue::UnknownDeputy,
    ));
    let others = &input.deputy_ids;
    issues.extend(unknown(
        "deputy_ids",
        others,
        deputies,
        Issue::UnknownDeputy,
    ));
    issues.extend(overlap(members, others));
    refuse(issues)?;
    Ok(SupervisionItem {
        id: (ctx.new_id)(),
        title: input.title.trim().to_owned(),
        year: input.year,
        description: input.description.filter(|d| !is_blank(d)),
        methods: input.methods,
        body_ids: normalise(input.body_ids),
        committee: input.committee.trim().to_owned(),
        committee_member_ids: normalise(input.committee_member_ids),
        deputy_ids: normalise(input.deputy_ids),
        observer_ids: Vec::new(),
        laws: input
            .laws
            .into_iter()
            .map(|l| l.trim().to_owned())
            .collect(),
        stage: Stage::Planned,
        round: 1,
        published_at: None,
        closed_at: None,
        created_by: ctx.user_id,
        created_at: ctx.now,
        updated_at: ctx.now,
        version: 1,
    })
}

/// A patched field: its value, or the issue of a null.
fn given<T>(issues: &mut Vec<FieldIssue>, field: &str, v: Option<Option<T>>) -> Option<T> {
    match v {
        Some(None) => {
            issues.push(issue(field, Issue::Null));
            None
        }
        Some(Some(x)) => Some(x),
        None => None,
    }
}

/// Changes an item. While `planned` every field may change; until the
/// vote, the participants; after that, nothing. `None` when the patch
/// changes nothing.
pub fn update(
    s: &SupervisionItem,
    patch: PlanPatch,
    facts: &PlanFacts,
) -> CmdResult<Option<Change>> {
    let mut issues = Vec::new();
    let title = given(&mut issues, "title", patch.title);
    let year = given(&mut issues, "year", patch.year);
    let methods = given(&mut issues, "methods", patch.methods);
    let bodies = given(&mut issues, "body_ids", patch.body_ids);
    let committee = given(&mut issues, "committee", patch.committee);
    let members = given(
        &mut issues,
        "committee_member_ids",
        patch.committee_member_ids,
    );
    let deputies = given(&mut issues, "deputy_ids", patch.deputy_ids);
    let laws = given(&mut issues, "laws", patch.laws);
    if title.as_deref().is_some_and(is_blank) {
        issues.push(issue("title", Issue::Blank));
    }
    if committee.as_deref().is_some_and(is_blank) {
        issues.push(issue("committee", Issue::Blank));
    }
    if let Some(l) = &laws {
        issues.extend(law_issues(l));
    }
    let known = &facts.existing_deputies;
    if let Some(u) = &bodies {
        let units = &facts.existing_units;
        issues.extend(unknown("body_ids", u, units, Issue::UnknownUnit));
    }
    if let Some(d) = &members {
        issues.extend(unknown(
            "committee_member_ids",
            d,
            known,
            Issue::UnknownDeputy,
        ));
    }
    if let Some(d) = &deputies {
        issues.extend(unknown("deputy_ids", d, known, Issue::UnknownDeputy));
    }
    let mut after = s.clone();
    if let Some(v) = title {
        after.title = v.trim().to_owned();
    }
    if let Some(v) = year {
        after.year = v;
    }
    if let Some(v) = patch.description {
        after.description = v.filter(|d| !is_blank(d));
    }
    if let Some(v) = methods {
        after.methods = v;
    }
    if let Some(v) = bodies {
        after.body_ids = normalise(v);
    }
    if let Some(v) = committee {
        after.committee = v.trim().to_owned();
    }
    if let Some(v) = members {
        after.committee_member_ids = normalise(v);
    }
    if let Some(v) = deputies {
        after.deputy_ids = normalise(v);
    }
    if let Some(v) = laws {
        after.laws = v.into_iter().map(|l| l.trim().to_owned()).collect();
    }
    if let Err(p) = check_plan(&after.methods, &after.laws) {
        issues.push(plan_issue(p));
    }
    issues.extend(overlap(&after.committee_member_ids, &after.deputy_ids));
    refuse(issues)?;
    let plan_changed = after.title != s.title
        || after.year != s.year
        || after.description != s.description
        || after.methods != s.methods
        || after.body_ids != s.body_ids
        || after.committee != s.committee
        || after.laws != s.laws;
    let people_changed =
        after.committee_member_ids != s.committee_member_ids || after.deputy_ids != s.deputy_ids;
    if (plan_changed && s.stage != Stage::Planned)
        || (people_changed && matches!(s.stage, Stage::Evaluating | Stage::Closed))
    {
        return Err(SupervisionError::InvalidState(s.stage));
    }
    if after == *s {
        return Ok(None);
    }
    let tied = facts
        .observers
        .iter()
        .any(|o| after.observer_ids.contains(&o.id) && o.tied_to(&after.body_ids));
    if after.body_ids != s.body_ids && tied {
        return Err(SupervisionError::ConflictOfInterest);
    }
    Ok(Some(change(after, "updated", None, vec![])))
}

// ---------------------------------------------------------------- stages

impl StageFacts {
    /// The facts of `s` with its opinions (votes are counted by the store
    /// when the round is concluded).
    pub fn gather(s: &SupervisionItem, opinions: &[Opinion]) -> StageFacts {
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        StageFacts {
            round: s.round,
            opinions: count(opinions.len()),
            opinions_this_round: count(opinions.iter().filter(|o| o.round == s.round).count()),
            unclosed_problems: opinions.iter().map(Opinion::unclosed).sum(),
            committee_members: count(s.committee_member_ids.len()),
            votes: 0,
        }
    }
}

/// A command that moves an item to its next stage.
pub type StageCommand = fn(&SupervisionItem, StageFacts, Option<String>) -> CmdResult<Change>;

fn advance(
    s: &SupervisionItem,
    op: StageOp,
    facts: StageFacts,
    action: &'static str,
    note: Option<String>,
) -> CmdResult<Change> {
    let stage = next_stage(s.stage, op).map_err(|e| SupervisionError::InvalidState(e.from))?;
    if let Some(b) = blockers(op, facts).into_iter().next() {
        return Err(SupervisionError::Blocked(b));
    }
    let mut after = s.clone();
    after.stage = stage;
    Ok(change(after, action, note_detail(note), vec![]))
}

/// Starts the investigation: visits, inspections, hearings.
pub fn start_investigation(
    s: &SupervisionItem,
    facts: StageFacts,
    note: Option<String>,
) -> CmdResult<Change> {
    let op = StageOp::StartInvestigation;
    advance(s, op, facts, "investigation_started", note)
}

/// Takes the item to the committee's deliberation.
pub fn start_deliberation(
    s: &SupervisionItem,
    facts: StageFacts,
    note: Option<String>,
) -> CmdResult<Change> {
    let op = StageOp::StartDeliberation;
    advance(s, op, facts, "deliberation_started", note)
}

/// Starts the bodies' rectification, once an opinion is issued.
pub fn start_rectification(
    s: &SupervisionItem,
    facts: StageFacts,
    note: Option<String>,
) -> CmdResult<Change> {
    let op = StageOp::StartRectification;
    advance(s, op, facts, "rectification_started", note)
}

/// Opens the satisfaction vote: only for an item whose plan has one
/// (满意度测评), once every problem is closed off, with committee members
/// to vote, and after a return a follow-up opinion.
pub fn start_evaluation(
    s: &SupervisionItem,
    facts: StageFacts,
    note: Option<String>,
) -> CmdResult<Change> {
    require_stage(s, &[Stage::Rectifying])?;
    if !s.vote_planned() {
        return Err(SupervisionError::MethodNotPlanned);
    }
    let op = StageOp::StartEvaluation;
    advance(s, op, facts, "evaluation_started", note)
}

/// Closes an item whose plan has no satisfaction vote, once its bodies
/// have rectified: every problem closed off.
pub fn close_rectified(
    s: &SupervisionItem,
    facts: StageFacts,
    note: Option<String>,
    ctx: &Ctx,
) -> CmdResult<Change> {
    require_stage(s, &[Stage::Rectifying])?;
    if s.vote_planned() {
        return Err(SupervisionError::VotePlanned);
    }
    let mut c = advance(s, StageOp::CloseRectified, facts, "closed", note)?;
    c.after.closed_at = Some(ctx.now);
    Ok(c)
}

/// Records who of the committee members is present at the meeting that
/// votes in the current round (replacing an earlier record of the round).
/// Each must be one of the item's committee members.
pub fn record_attendance(
    s: &SupervisionItem,
    present: Vec<DeputyId>,
    ctx: &Ctx,
) -> CmdResult<Change> {
    let issues: Vec<FieldIssue> = present
        .iter()
        .enumerate()
        .filter(|(_, d)| !s.committee_member_ids.contains(d))
        .map(|(i, _)| {
            issue(
                format!("present_member_ids[{i}]"),
                Issue::NotACommitteeMember,
            )
        })
        .collect();
    refuse(issues)?;
    require_stage(s, &[Stage::Evaluating])?;
    let present = normalise(present);
    let attendance = Attendance {
        round: s.round,
        present,
        members: count(s.committee_member_ids.len()),
        recorded_by: ctx.user_id,
        recorded_at: ctx.now,
    };
    let detail = json!({"round": s.round, "present": attendance.present.len(), "members": attendance.members, "quorum": attendance.quorum()});
    // The vote opens for each member present, once a round however often
    // the attendance is recorded anew.
    let told = (!attendance.present.is_empty()).then(|| {
        Effect::Notify(crate::notice::Notice {
            kind: crate::notice::NoticeKind::VoteOpened,
            to: attendance
                .present
                .iter()
                .copied()
                .map(crate::notice::Recipient::Deputy)
                .collect(),
            subject: s.subject(),
            occasion: crate::notice::Occasion::Round(s.round),
            due_on: None,
            approved: None,
        })
    });
    let effects = std::iter::once(Effect::Attendance(attendance))
        .chain(told)
        .collect();
    Ok(change(
        s.clone(),
        "attendance_recorded",
        Some(detail),
        effects,
    ))
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Whether the item's round may be concluded: it is evaluating. (The
/// votes are counted by the store, under its lock, for [`conclude`].)
pub fn check_conclusion(s: &SupervisionItem) -> CmdResult<()> {
    require_stage(s, &[Stage::Evaluating])
}

/// Concludes the current round with its votes, cast at a meeting whose
/// attendance (`present`, none when not recorded) makes a quorum: more
/// than half of the committee members; only the votes of those present
/// count. The tally of the whole item and of
/// each body is recorded; an unsatisfied majority of the votes cast, on
/// the whole or on any body, sends the item back to rectifying for
/// another round, otherwise it closes. Needs a vote.
pub fn conclude(
    s: &SupervisionItem,
    votes: &[Vote],
    present: Option<&Attendance>,
    ctx: &Ctx,
) -> CmdResult<Change> {
    check_conclusion(s)?;
    let members = count(s.committee_member_ids.len());
    let present_count = present
        .filter(|a| a.round == s.round)
        .map_or(0, |a| count(a.present.len()));
    if !quorum(present_count, members) {
        return Err(SupervisionError::QuorumNotMet {
            present: present_count,
            members,
        });
    }
    // Only the votes of members recorded present count: attendance may
    // have been recorded anew after someone voted.
    let here: Vec<&Vote> = votes
        .iter()
        .filter(|v| present.is_some_and(|a| a.round == s.round && a.present.contains(&v.deputy_id)))
        .collect();
    let tally = Tally::of(here.iter().map(|v| v.choice));
    let bodies: Vec<BodyResult> = s
        .body_ids
        .iter()
        .map(|b| {
            let t = Tally::of(here.iter().map(|v| v.on(*b)));
            BodyResult {
                body_id: *b,
                tally: t,
                outcome: t.outcome(),
            }
        })
        .collect();
    let outcome = if bodies.iter().any(|b| b.outcome == Outcome::Returned) {
        Outcome::Returned
    } else {
        tally.outcome()
    };
    let op = match outcome {
        Outcome::Accepted => StageOp::Close,
        Outcome::Returned => StageOp::Return,
    };
    let facts = StageFacts {
        votes: tally.total(),
        ..StageFacts::default()
    };
    if let Some(b) = blockers(op, facts).into_iter().next() {
        return Err(SupervisionError::Blocked(b));
    }
    let stage = next_stage(s.stage, op).map_err(|e| SupervisionError::InvalidState(e.from))?;
    let mut after = s.clone();
    after.stage = stage;
    if stage == Stage::Closed {
        after.closed_at = Some(ctx.now);
    } else {
        after.round = s.round + 1;
    }
    let evaluation = Evaluation {
        round: s.round,
        tally,
        outcome,
        present: Some(present_count),
        members: Some(members),
        bodies,
        concluded_by: ctx.user_id,
        concluded_at: ctx.now,
    };
    let detail = serde_json::to_value(&evaluation).ok();
    let effects = vec![Effect::Evaluation(evaluation)];
    Ok(change(after, "evaluation_concluded", detail, effects))
}

/// A ballot as cast: the choice on the whole item, and on each body
/// named apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BallotInput {
    pub choice: Satisfaction,
    pub bodies: Vec<(UnitId, Satisfaction)>,
}

/// Checks a ballot's bodies: each one of the item's, named once.
pub fn check_ballot(s: &SupervisionItem, input: &BallotInput) -> CmdResult<()> {
    let mut seen: Vec<UnitId> = Vec::new();
    let mut issues = Vec::new();
    for (i, (b, _)) in input.bodies.iter().enumerate() {
        if !s.body_ids.contains(b) {
            issues.push(issue(format!("bodies[{i}].body_id"), Issue::NotABody));
        } else if seen.contains(b) {
            issues.push(issue(format!("bodies[{i}].body_id"), Issue::AnsweredTwice));
        }
        seen.push(*b);
    }
    refuse(issues)
}

/// The standing committee's quorum: more than half of its members present.
pub fn quorum(present: u32, members: u32) -> bool {
    members > 0 && u64::from(present) * 2 > u64::from(members)
}

/// Publishes the item: everyone may read it. Once.
pub fn publish(s: &SupervisionItem, note: Option<String>, ctx: &Ctx) -> CmdResult<Change> {
    if s.published_at.is_some() {
        return Err(SupervisionError::AlreadyPublished);
    }
    let mut after = s.clone();
    after.published_at = Some(ctx.now);
    Ok(change(after, "published", note_detail(note), vec![]))
}

/// The committee member the caller's vote is cast as: the item must be
/// evaluating, the caller one of its committee members, recorded present
/// at the meeting (`present`, the round's attendance).
pub fn voter(
    s: &SupervisionItem,
    deputy_id: Option<DeputyId>,
    present: Option<&Attendance>,
) -> CmdResult<DeputyId> {
    require_stage(s, &[Stage::Evaluating])?;
    let me = deputy_id
        .filter(|d| s.committee_member_ids.contains(d))
        .ok_or(SupervisionError::NotACommitteeMember)?;
    if present.is_some_and(|a| a.round == s.round && a.present.contains(&me)) {
        Ok(me)
    } else {
        Err(SupervisionError::NotPresent)
    }
}

// ---------------------------------------------------------------- observers

/// Assigns an active observer without a tie to the item's bodies, before
/// the item closes. `None` when there is no such observer.
pub fn assign_observer(s: &SupervisionItem, observer: Option<&ObserverFacts>) -> CmdResult<Change> {
    let o =
        observer.ok_or_else(|| SupervisionError::field("observer_id", Issue::UnknownObserver))?;
    not_closed(s)?;
    if s.observer_ids.contains(&o.id) {
        return Err(SupervisionError::AlreadyAssigned);
    }
    if o.status != ObserverStatus::Active {
        return Err(SupervisionError::ObserverInactive);
    }
    if o.tied_to(&s.body_ids) {
        return Err(SupervisionError::ConflictOfInterest);
    }
    let mut after = s.clone();
    after.observer_ids = normalise([s.observer_ids.clone(), vec![o.id]].concat());
    let detail = json!({"observer_id": o.id});
    Ok(change(after, "observer_assigned", Some(detail), vec![]))
}

/// Removes an assigned observer, before the item closes. Their opinions
/// stay on record.
pub fn remove_observer(s: &SupervisionItem, observer_id: Uuid) -> CmdResult<Change> {
    if !s.observer_ids.contains(&observer_id) {
        return Err(SupervisionError::NotFound);
    }
    not_closed(s)?;
    let mut after = s.clone();
    after.observer_ids.retain(|o| *o != observer_id);
    let detail = json!({"observer_id": observer_id});
    Ok(change(after, "observer_removed", Some(detail), vec![]))
}
