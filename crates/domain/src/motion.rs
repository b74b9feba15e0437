//! Motions (议案): during a session, a delegation (代表团) or enough
//! deputies jointly may put a matter within the congress's powers to it.
//! A deputy drafts the motion and names the deputies asked to sign it;
//! only those who confirm count toward the level's threshold. The office
//! registers a submitted motion (numbered in the session's series), and
//! the presidium (主席团) decides: on the agenda, referred to a special
//! committee that reports back by a deadline; handled as a suggestion
//! (转为建议), which becomes a registered suggestion of the session with the
//! same signers; or not accepted, with a reason.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use crate::Code;
use crate::command::{Ctx, FieldIssue as Field};
use crate::congress::{CongressSession, SessionStatus};
use crate::deputy::Level;
use crate::duty::{DutyKind, NewDuty};
use crate::id::{DeputyId, UserId};
use crate::suggestion::{NewSuggestion, SessionTiming, SuggestionSource};
use crate::timeline::Event;

string_enum! {
    /// Where a motion stands.
    pub enum MotionStatus : "motion status" {
        /// Being drafted; the deputies asked to sign confirm or decline.
        Draft = "draft",
        /// Filed with the congress office.
        Submitted = "submitted",
        /// Registered and numbered; waiting for the presidium.
        Registered = "registered",
        /// Put on the agenda and referred to a special committee.
        OnAgenda = "on_agenda",
        /// The committee has reported on it. Final.
        Reported = "reported",
        /// Handled as a suggestion (转为建议). Final.
        AsSuggestion = "as_suggestion",
        /// Not accepted, with a reason. Final.
        NotAccepted = "not_accepted",
    }
}

string_enum! {
    /// Who puts the motion: a group of deputies, or a delegation.
    pub enum Proposer : "motion proposer" {
        /// Deputies jointly (代表联名): the level's threshold applies.
        Deputies = "deputies",
        /// A delegation (代表团), named in `delegation`.
        Delegation = "delegation",
    }
}

string_enum! {
    /// What the presidium decided.
    pub enum Decision : "motion decision" {
        /// On the agenda, referred to a special committee.
        OnAgenda = "on_agenda",
        /// Handled as a suggestion.
        AsSuggestion = "as_suggestion",
        /// Not accepted.
        NotAccepted = "not_accepted",
    }
}

/// How many deputies a joint motion needs at each level: 30 nationally,
/// 10 at the provincial, municipal and county levels, 5 at the township
/// level, as the organic laws set them; local rules may change them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    pub national: u32,
    pub provincial: u32,
    pub municipal: u32,
    pub county: u32,
    pub township: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            national: 30,
            provincial: 10,
            municipal: 10,
            county: 10,
            township: 5,
        }
    }
}

impl Thresholds {
    /// The deputies a joint motion at `level` needs, its drafter included.
    pub const fn of(&self, level: Level) -> u32 {
        match level {
            Level::National => self.national,
            Level::Provincial => self.provincial,
            Level::Municipal => self.municipal,
            Level::County => self.county,
            Level::Township => self.township,
        }
    }
}

/// 受邀联名提出议案的代表及其答复。
///
/// A deputy asked to sign a motion.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = MotionSignerView))]
pub struct Signer {
    /// 受邀联名代表的 ID。
    ///
    /// The deputy asked to sign.
    #[cfg_attr(feature = "openapi", schema(value_type = Uuid))]
    pub deputy_id: DeputyId,
    /// 代表同意联名的时间（UTC）；只有同意的才计入人数。未同意时为 null。
    ///
    /// When the deputy agreed to sign; only these count.
    pub confirmed_at: Option<DateTime<Utc>>,
    /// 代表谢绝联名的时间（UTC）；未谢绝时为 null。
    ///
    /// When the deputy declined.
    pub declined_at: Option<DateTime<Utc>>,
}

/// A motion as recorded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Motion {
    pub id: Uuid,
    /// The session's motion number, from registration on.
    pub number: Option<String>,
    pub congress_session_id: Uuid,
    pub level: Level,
    pub title: String,
    /// Why (案由 and 理由).
    pub reason: String,
    /// What it proposes (方案).
    pub proposal: String,
    pub proposer: Proposer,
    pub delegation: Option<String>,
    /// The deputy who drafted it (领衔代表).
    pub lead_deputy_id: DeputyId,
    pub signers: Vec<Signer>,
    pub status: MotionStatus,
    /// The special committee it was referred to.
    pub committee: Option<String>,
    /// When the committee's report is due.
    pub report_due: Option<NaiveDate>,
    pub report: Option<String>,
    pub reported_at: Option<DateTime<Utc>>,
    /// The presidium's reason (not accepted, or as a suggestion).
    pub decision_reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The suggestion it became, when handled as one.
    pub suggestion_id: Option<Uuid>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub registered_at: Option<DateTime<Utc>>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl Motion {
    /// The drafter and every deputy who confirmed, in that order.
    pub fn deputies_counted(&self) -> Vec<DeputyId> {
        let mut out = vec![self.lead_deputy_id];
        out.extend(
            self.signers
                .iter()
                .filter(|s| s.confirmed_at.is_some())
                .map(|s| s.deputy_id),
        );
        out
    }

    /// Whether `deputy` drafted or was asked to sign it.
    pub fn involves(&self, deputy: DeputyId) -> bool {
        self.lead_deputy_id == deputy || self.signers.iter().any(|s| s.deputy_id == deputy)
    }
}

/// What is wrong with a field of a motion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Issue {
    /// A text is blank.
    Blank,
    /// A delegation's motion names no delegation, or a deputies' one does.
    Delegation,
    /// A deputy asked to sign, or the category, does not exist.
    Unknown,
    /// A deputy asked to sign does not serve at the session's level.
    NotServing,
    /// The report is due before today.
    Past,
}

impl Issue {
    /// The field error's code.
    pub const fn code(self) -> &'static str {
        match self {
            Issue::Blank => "blank",
            Issue::Delegation => "delegation",
            Issue::Unknown => "unknown",
            Issue::NotServing => "not_serving",
            Issue::Past => "past",
        }
    }
}

/// One field a rule refuses.
pub type FieldIssue = Field<Issue>;

/// Why a command on a motion is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MotionError {
    /// The motion's status does not allow the command.
    #[error("the motion is {0}")]
    InvalidState(MotionStatus),
    /// No session of the deputy's level is open: motions are filed during
    /// one only.
    #[error("no session of the congress is open")]
    SessionNotOpen,
    /// Fewer deputies confirmed than the level needs.
    #[error("{have} of the {needed} deputies the level needs have confirmed")]
    ThresholdNotMet { needed: u32, have: u32 },
    /// The caller is not among the deputies asked to sign.
    #[error("not asked to sign")]
    NotASigner,
    /// Fields of the input that the rules refuse.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldIssue>),
}

impl MotionError {
    /// The stable code of the refusal.
    pub const fn code(&self) -> Code {
        match self {
            MotionError::InvalidState(_) => Code::InvalidState,
            MotionError::SessionNotOpen => Code::SessionNotOpen,
            MotionError::ThresholdNotMet { .. } => Code::ThresholdNotMet,
            MotionError::NotASigner => Code::Forbidden,
            MotionError::Invalid(_) => Code::ValidationFailed,
        }
    }
}

type CmdResult<T> = Result<T, MotionError>;

/// What a command does besides changing the motion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// A duty record of a deputy.
    Duty(NewDuty),
    /// The suggestion a motion becomes: registered in the session's
    /// series at once, with this id.
    Suggestion { id: Uuid, new: NewSuggestion },
}

/// A motion's change: the motion after, its timeline event and effects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub after: Motion,
    pub event: Event,
    pub effects: Vec<Effect>,
}

fn change(after: Motion, action: &'static str, detail: Option<serde_json::Value>) -> Change {
    Change {
        after,
        event: Event { action, detail },
        effects: Vec::new(),
    }
}

fn require(m: &Motion, status: MotionStatus) -> CmdResult<()> {
    if m.status == status {
        Ok(())
    } else {
        Err(MotionError::InvalidState(m.status))
    }
}

fn refuse(issues: Vec<FieldIssue>) -> CmdResult<()> {
    crate::command::refuse(issues, MotionError::Invalid)
}

/// A motion to draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MotionInput {
    pub title: String,
    pub reason: String,
    pub proposal: String,
    pub proposer: Proposer,
    pub delegation: Option<String>,
    pub signer_ids: Vec<DeputyId>,
}

/// What the store knows when a motion is drafted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftFacts {
    /// The open session of the drafter's level, if any.
    pub open_session: Option<CongressSession>,
    /// Which of the deputies asked to sign exist.
    pub existing_deputies: Vec<DeputyId>,
    /// Which of them serve at the session's level: only they may sign.
    pub serving_at_level: Vec<DeputyId>,
    /// The delegations (代表团) the drafter belongs to at the session's
    /// level: a delegation's motion names one of them.
    pub lead_delegations: Vec<String>,
}

/// A delegation's motion names one of the drafter's delegations; a
/// deputies' motion names none.
fn delegation_issue(
    proposer: Proposer,
    delegation: &Option<String>,
    mine: &[String],
) -> Option<FieldIssue> {
    let ok = match (proposer, delegation.as_deref().map(str::trim)) {
        (Proposer::Deputies, None) => true,
        (Proposer::Delegation, Some(d)) => mine.iter().any(|m| m.trim() == d),
        _ => false,
    };
    (!ok).then(|| FieldIssue::new("delegation", Issue::Delegation))
}

/// Drafts a motion led by `lead`, during the open session of its level.
pub fn draft(
    input: MotionInput,
    lead: DeputyId,
    facts: &DraftFacts,
    ctx: &Ctx,
) -> CmdResult<Motion> {
    let Some(session) = facts
        .open_session
        .as_ref()
        .filter(|s| s.status == SessionStatus::Open)
    else {
        return Err(MotionError::SessionNotOpen);
    };
    let mut issues = crate::command::blank_fields(
        &[
            ("title", &input.title),
            ("reason", &input.reason),
            ("proposal", &input.proposal),
        ],
        Issue::Blank,
    );
    issues.extend(delegation_issue(
        input.proposer,
        &input.delegation,
        &facts.lead_delegations,
    ));
    let signers = crate::command::sorted_ids(
        input
            .signer_ids
            .iter()
            .copied()
            .filter(|d| *d != lead)
            .collect(),
    );
    for (i, d) in input.signer_ids.iter().enumerate() {
        let issue = if *d == lead {
            None
        } else if !facts.existing_deputies.contains(d) {
            Some(Issue::Unknown)
        } else if !facts.serving_at_level.contains(d) {
            Some(Issue::NotServing)
        } else {
            None
        };
        if let Some(issue) = issue {
            issues.push(FieldIssue::new(format!("signer_ids[{i}]"), issue));
        }
    }
    refuse(issues)?;
    Ok(Motion {
        id: (ctx.new_id)(),
        number: None,
        congress_session_id: session.id,
        level: session.level,
        title: input.title.trim().to_owned(),
        reason: input.reason,
        proposal: input.proposal,
        proposer: input.proposer,
        delegation: input.delegation.map(|d| d.trim().to_owned()),
        lead_deputy_id: lead,
        signers: signers
            .into_iter()
            .map(|deputy_id| Signer {
                deputy_id,
                confirmed_at: None,
                declined_at: None,
            })
            .collect(),
        status: MotionStatus::Draft,
        committee: None,
        report_due: None,
        report: None,
        reported_at: None,
        decision_reason: None,
        decided_at: None,
        suggestion_id: None,
        submitted_at: None,
        registered_at: None,
        created_by: ctx.user_id,
        created_at: ctx.now,
        updated_at: ctx.now,
        version: 1,
    })
}

/// A deputy asked to sign agrees (`agree`) or declines, while the motion
/// is a draft; either may be changed until it is submitted.
pub fn sign(m: &Motion, deputy: DeputyId, agree: bool, ctx: &Ctx) -> CmdResult<Change> {
    require(m, MotionStatus::Draft)?;
    let mut after = m.clone();
    let Some(s) = after.signers.iter_mut().find(|s| s.deputy_id == deputy) else {
        return Err(MotionError::NotASigner);
    };
    if agree {
        s.confirmed_at = Some(ctx.now);
        s.declined_at = None;
    } else {
        s.confirmed_at = None;
        s.declined_at = Some(ctx.now);
    }
    let action = if agree { "signed" } else { "declined" };
    Ok(change(after, action, Some(json!({"deputy_id": deputy}))))
}

/// Files a draft during its session. A deputies' motion needs the level's
/// threshold of deputies: the drafter and those who confirmed. Each of
/// them gets a duty record.
pub fn submit(
    m: &Motion,
    session: &CongressSession,
    thresholds: &Thresholds,
    ctx: &Ctx,
) -> CmdResult<Change> {
    require(m, MotionStatus::Draft)?;
    if session.id != m.congress_session_id || session.status != SessionStatus::Open {
        return Err(MotionError::SessionNotOpen);
    }
    let counted = m.deputies_counted();
    let needed = thresholds.of(m.level);
    let have = u32::try_from(counted.len()).unwrap_or(u32::MAX);
    if m.proposer == Proposer::Deputies && have < needed {
        return Err(MotionError::ThresholdNotMet { needed, have });
    }
    let mut after = m.clone();
    after.status = MotionStatus::Submitted;
    after.submitted_at = Some(ctx.now);
    let duty = |deputy_id, kind| {
        Effect::Duty(NewDuty {
            deputy_id,
            kind,
            occurred_on: ctx.today,
            title: m.title.clone(),
            content: None,
            ref_type: Some("motion"),
            ref_id: Some(m.id),
        })
    };
    let mut c = change(after, "submitted", Some(json!({"deputies": have})));
    c.effects = counted
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let kind = if i == 0 {
                DutyKind::MotionSubmitted
            } else {
                DutyKind::MotionCoSigned
            };
            duty(*d, kind)
        })
        .collect();
    Ok(c)
}

/// Registers a submitted motion; the store gives its number.
pub fn register(m: &Motion, ctx: &Ctx) -> CmdResult<Change> {
    require(m, MotionStatus::Submitted)?;
    let mut after = m.clone();
    after.status = MotionStatus::Registered;
    after.registered_at = Some(ctx.now);
    Ok(change(after, "registered", None))
}

/// The presidium's decision on a registered motion, as the office records
/// it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecisionInput {
    /// On the agenda, referred to `committee`, reporting by `report_due`.
    OnAgenda {
        committee: String,
        report_due: NaiveDate,
    },
    /// Handled as a suggestion of `category`, with the presidium's reason.
    AsSuggestion {
        category: String,
        reason: Option<String>,
    },
    /// Not accepted, for `reason`.
    NotAccepted { reason: String },
}

/// What the store knows when a decision is recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionFacts {
    /// Whether the suggestion category asked for exists.
    pub category_known: bool,
    /// The term of the motion's session.
    pub term: String,
}

/// Records the presidium's decision on a registered motion.
pub fn decide(
    m: &Motion,
    input: DecisionInput,
    facts: &DecisionFacts,
    ctx: &Ctx,
) -> CmdResult<Change> {
    require(m, MotionStatus::Registered)?;
    let mut after = m.clone();
    after.decided_at = Some(ctx.now);
    match input {
        DecisionInput::OnAgenda {
            committee,
            report_due,
        } => {
            let mut issues =
                crate::command::blank_fields(&[("committee", &committee)], Issue::Blank);
            if report_due < ctx.today {
                issues.push(FieldIssue::new("report_due", Issue::Past));
            }
            refuse(issues)?;
            let committee = committee.trim().to_owned();
            let detail = json!({"committee": committee, "report_due": report_due});
            after.status = MotionStatus::OnAgenda;
            after.committee = Some(committee);
            after.report_due = Some(report_due);
            Ok(change(after, "put_on_agenda", Some(detail)))
        }
        DecisionInput::AsSuggestion { category, reason } => {
            if !facts.category_known {
                return Err(MotionError::Invalid(vec![FieldIssue::new(
                    "category",
                    Issue::Unknown,
                )]));
            }
            let id = (ctx.new_id)();
            let reason = reason.filter(|r| !crate::text::is_blank(r));
            after.status = MotionStatus::AsSuggestion;
            after.suggestion_id = Some(id);
            after.decision_reason = reason.clone();
            let counted = m.deputies_counted();
            let new = NewSuggestion {
                title: m.title.clone(),
                content: format!("{}\n\n{}", m.reason, m.proposal),
                category,
                term: facts.term.clone(),
                session: None,
                timing: SessionTiming::DuringSession,
                lead_deputy_id: m.lead_deputy_id,
                co_signers: counted.into_iter().skip(1).collect(),
                source: SuggestionSource::Motion,
                source_ref: Some(m.id.to_string()),
                created_by: ctx.user_id,
            };
            let detail = json!({"suggestion_id": id, "reason": reason});
            let mut c = change(after, "handled_as_suggestion", Some(detail));
            c.effects.push(Effect::Suggestion { id, new });
            Ok(c)
        }
        DecisionInput::NotAccepted { reason } => {
            refuse(crate::command::blank_fields(
                &[("reason", &reason)],
                Issue::Blank,
            ))?;
            after.status = MotionStatus::NotAccepted;
            after.decision_reason = Some(reason.clone());
            Ok(change(
                after,
                "not_accepted",
                Some(json!({"reason": reason})),
            ))
        }
    }
}

/// Records the special committee's report on a motion on the agenda.
pub fn report(m: &Motion, content: String, ctx: &Ctx) -> CmdResult<Change> {
    require(m, MotionStatus::OnAgenda)?;
    refuse(crate::command::blank_fields(
        &[("content", &content)],
        Issue::Blank,
    ))?;
    let mut after = m.clone();
    after.status = MotionStatus::Reported;
    after.report = Some(content);
    after.reported_at = Some(ctx.now);
    let late = m.report_due.is_some_and(|d| ctx.today > d);
    Ok(change(after, "reported", Some(json!({"late": late}))))
}

#[cfg(test)]
#[path = "motion_tests.rs"]
mod tests;
