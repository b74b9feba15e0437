//! Work queues: what waits for a person's action. Each queue is a rule
//! written once, as data: who holds it (the office, the lead unit, the
//! lead deputy, ...), the states its records wait in, and what else must
//! hold. The store turns a queue into one query; [`SuggestionQueue::holds`]
//! reads the same rule for one suggestion, and the tests here check it
//! against the commands that end the wait.

use chrono::NaiveDate;

use crate::id::{DeputyId, UnitId, UserId};
use crate::role::{Role, RoleSet};
use crate::suggestion::{CoSignatureStatus, Color, Suggestion, SuggestionStatus};

string_enum! {
    /// What a task asks of its holder.
    pub enum TaskKind : "task kind" {
        /// The office reviews a submitted suggestion (立案 or not).
        RegisterSuggestion = "register_suggestion",
        /// The office assigns a registered suggestion to units (交办).
        AssignSuggestion = "assign_suggestion",
        /// The office decides a unit's request to hand back or extend.
        DecideRequest = "decide_request",
        /// The lead unit replies, by the deadline.
        ReplySuggestion = "reply_suggestion",
        /// A co-unit sends its opinion to the lead unit, by its deadline.
        GiveCoUnitOpinion = "give_co_unit_opinion",
        /// A unit acknowledges a submission passed to it as a letter.
        AcknowledgeLetter = "acknowledge_letter",
        /// A deputy named co-signer confirms or declines.
        AnswerCoSignature = "answer_co_signature",
        /// The lead deputy evaluates the unit's reply.
        EvaluateReply = "evaluate_reply",
        /// The lead deputy confirms or disputes a consultation record.
        ConfirmConsultation = "confirm_consultation",
        /// The supervising leader signs off a replied red suggestion.
        SignOffSuggestion = "sign_off_suggestion",
        /// The office registers a motion filed with it.
        RegisterMotion = "register_motion",
        /// A deputy of the congress votes on livelihood projects while the
        /// round is open.
        CastLivelihoodVote = "cast_livelihood_vote",
        /// The office routes a constituent opinion: answers it, forwards
        /// it to a unit, or leaves it to a deputy to take up.
        RouteOpinion = "route_opinion",
        /// A unit replies to a constituent opinion forwarded to it.
        ReplyOpinion = "reply_opinion",
        /// A body of a supervision item reports its rectification of the
        /// problems of an opinion, by the opinion's deadline.
        ReportRectification = "report_rectification",
        /// A committee member present at the meeting casts a satisfaction
        /// vote on a supervision item.
        CastSupervisionVote = "cast_supervision_vote",
        /// A deputy invited to an activity signs up, up to its day.
        SignUpActivity = "sign_up_activity",
        /// A deputy signed up checks in on the activity's day.
        CheckInActivity = "check_in_activity",
        /// A deputy on duty receives constituents at a liaison station on
        /// the day.
        ServeReception = "serve_reception",
        /// A leader on a key-supervision item instructs (批示) on its
        /// suggestion while it is being handled.
        InstructKeySuggestion = "instruct_key_suggestion",
    }
}

impl TaskKind {
    /// What the holder is to do, in Chinese, for a list on a phone.
    pub fn action(self) -> &'static str {
        match self {
            TaskKind::RegisterSuggestion => "审查立案",
            TaskKind::AssignSuggestion => "交办",
            TaskKind::DecideRequest => "审批退回或延期申请",
            TaskKind::ReplySuggestion => "答复建议",
            TaskKind::GiveCoUnitOpinion => "提出协办意见",
            TaskKind::AcknowledgeLetter => "签收转来信",
            TaskKind::AnswerCoSignature => "确认附议",
            TaskKind::EvaluateReply => "评价答复",
            TaskKind::ConfirmConsultation => "确认面商记录",
            TaskKind::SignOffSuggestion => "领导审签",
            TaskKind::RegisterMotion => "议案登记",
            TaskKind::CastLivelihoodVote => "民生实事项目票决",
            TaskKind::RouteOpinion => "处理群众意见",
            TaskKind::ReplyOpinion => "答复转来的群众意见",
            TaskKind::ReportRectification => "报送整改情况",
            TaskKind::CastSupervisionVote => "满意度测评投票",
            TaskKind::SignUpActivity => "报名参加活动",
            TaskKind::CheckInActivity => "活动签到",
            TaskKind::ServeReception => "联络站值班接待",
            TaskKind::InstructKeySuggestion => "重点督办件批示",
        }
    }
}

/// Who asks for their tasks: the account, its roles, and the deputy and
/// unit it acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub user_id: UserId,
    pub roles: RoleSet,
    pub deputy_id: Option<DeputyId>,
    pub unit_id: Option<UnitId>,
}

/// Whom a queue waits on, as they stand to the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// The congress office: any staff account.
    Office,
    /// The suggestion's lead unit.
    LeadUnit,
    /// A co-unit that has not sent its opinion.
    CoUnitWithoutOpinion,
    /// The unit a letter was passed to, not yet acknowledged.
    LetterUnit,
    /// The suggestion's lead deputy.
    LeadDeputy,
    /// A co-signer still asked to answer.
    InvitedCoSigner,
    /// The leader supervising the suggestion.
    Supervisor,
    /// A deputy serving in the congress (level and term) of the record,
    /// who has not acted on it yet.
    ServingDeputy,
    /// The unit a constituent opinion was forwarded to.
    ForwardedUnit,
    /// A body of a supervision item with problems of an opinion waiting
    /// for its rectification.
    RectifyingBody,
    /// A committee member of a supervision item, recorded present at the
    /// meeting of the round, who has not voted in it.
    PresentCommitteeMember,
    /// A deputy invited to an activity who has not signed up.
    InvitedParticipant,
    /// A deputy signed up for an activity who has not checked in.
    SignedUpParticipant,
    /// A deputy on duty on a reception day not yet recorded.
    DeputyOnDuty,
    /// A leader named on a key-supervision item.
    KeyLeader,
}

impl Party {
    /// The role an account needs to hold tasks of this party.
    pub fn role(self) -> Role {
        match self {
            Party::Office => Role::Staff,
            Party::LeadUnit
            | Party::CoUnitWithoutOpinion
            | Party::LetterUnit
            | Party::ForwardedUnit
            | Party::RectifyingBody => Role::Unit,
            Party::LeadDeputy
            | Party::InvitedCoSigner
            | Party::ServingDeputy
            | Party::PresentCommitteeMember
            | Party::InvitedParticipant
            | Party::SignedUpParticipant
            | Party::DeputyOnDuty => Role::Deputy,
            Party::Supervisor | Party::KeyLeader => Role::Leader,
        }
    }
}

/// What else a suggestion in the queue's states must show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Also {
    Nothing,
    /// No evaluation of the current reply on record.
    NotEvaluated,
    /// Red, and not signed off.
    RedNotSignedOff,
}

/// The date a task is due by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    None,
    /// The suggestion's reply deadline.
    Deadline,
    /// The co-unit's own deadline.
    CoUnitDeadline,
    /// The day the lead deputy's evaluation is due, by the policy.
    Evaluation,
}

/// A queue of suggestions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SuggestionQueue {
    pub kind: TaskKind,
    pub party: Party,
    pub statuses: &'static [SuggestionStatus],
    pub also: Also,
    pub due: Due,
}

use SuggestionStatus as S;

/// Every queue of suggestions, in the order tasks are listed.
pub const SUGGESTION_QUEUES: &[SuggestionQueue] = &[
    SuggestionQueue {
        kind: TaskKind::RegisterSuggestion,
        party: Party::Office,
        statuses: &[S::Submitted],
        also: Also::Nothing,
        due: Due::None,
    },
    SuggestionQueue {
        kind: TaskKind::AssignSuggestion,
        party: Party::Office,
        statuses: &[S::Registered],
        also: Also::Nothing,
        due: Due::None,
    },
    SuggestionQueue {
        kind: TaskKind::ReplySuggestion,
        party: Party::LeadUnit,
        statuses: &[S::Assigned, S::Rehandling],
        also: Also::Nothing,
        due: Due::Deadline,
    },
    SuggestionQueue {
        kind: TaskKind::GiveCoUnitOpinion,
        party: Party::CoUnitWithoutOpinion,
        statuses: &[S::Assigned, S::Rehandling],
        also: Also::Nothing,
        due: Due::CoUnitDeadline,
    },
    SuggestionQueue {
        kind: TaskKind::AcknowledgeLetter,
        party: Party::LetterUnit,
        statuses: &[S::NotRegistered],
        also: Also::Nothing,
        due: Due::None,
    },
    SuggestionQueue {
        kind: TaskKind::AnswerCoSignature,
        party: Party::InvitedCoSigner,
        statuses: &[S::Draft],
        also: Also::Nothing,
        due: Due::None,
    },
    SuggestionQueue {
        kind: TaskKind::EvaluateReply,
        party: Party::LeadDeputy,
        statuses: &[S::Replied],
        also: Also::NotEvaluated,
        due: Due::Evaluation,
    },
    SuggestionQueue {
        kind: TaskKind::SignOffSuggestion,
        party: Party::Supervisor,
        statuses: &[S::Replied],
        also: Also::RedNotSignedOff,
        due: Due::None,
    },
];

/// The states a suggestion's consultation waits for the lead deputy's
/// word in: any before it is closed.
pub const CONSULTATION_OPEN_STATUSES: &[SuggestionStatus] =
    &[S::Assigned, S::Rehandling, S::Replied];

/// Queues of other records, each with its holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordQueue {
    pub kind: TaskKind,
    pub party: Party,
}

/// The unit requests pending a decision (the office); the consultation
/// records without the lead deputy's word; the motions filed and not yet
/// registered (the office, as `register_motion` takes them: status
/// `submitted`); the livelihood rounds in voting, for each deputy serving
/// in the round's congress who has not voted (as the ballot command
/// takes a voter).
pub const RECORD_QUEUES: &[RecordQueue] = &[
    RecordQueue {
        kind: TaskKind::DecideRequest,
        party: Party::Office,
    },
    RecordQueue {
        kind: TaskKind::ConfirmConsultation,
        party: Party::LeadDeputy,
    },
    RecordQueue {
        kind: TaskKind::RegisterMotion,
        party: Party::Office,
    },
    RecordQueue {
        kind: TaskKind::CastLivelihoodVote,
        party: Party::ServingDeputy,
    },
    RecordQueue {
        kind: TaskKind::RouteOpinion,
        party: Party::Office,
    },
    RecordQueue {
        kind: TaskKind::ReplyOpinion,
        party: Party::ForwardedUnit,
    },
    RecordQueue {
        kind: TaskKind::ReportRectification,
        party: Party::RectifyingBody,
    },
    RecordQueue {
        kind: TaskKind::CastSupervisionVote,
        party: Party::PresentCommitteeMember,
    },
    RecordQueue {
        kind: TaskKind::SignUpActivity,
        party: Party::InvitedParticipant,
    },
    RecordQueue {
        kind: TaskKind::CheckInActivity,
        party: Party::SignedUpParticipant,
    },
    RecordQueue {
        kind: TaskKind::ServeReception,
        party: Party::DeputyOnDuty,
    },
    RecordQueue {
        kind: TaskKind::InstructKeySuggestion,
        party: Party::KeyLeader,
    },
];

/// The motion states the office registers from.
pub const MOTION_TO_REGISTER: crate::motion::MotionStatus = crate::motion::MotionStatus::Submitted;
/// The stage a livelihood round takes ballots in.
pub const ROUND_VOTING: crate::livelihood::RoundStage = crate::livelihood::RoundStage::Voting;
/// The state a constituent opinion waits to be routed in (answered,
/// forwarded or taken up: every routing command takes it from there).
pub const OPINION_TO_ROUTE: crate::opinion::OpinionStatus = crate::opinion::OpinionStatus::Received;
/// The state a forwarded opinion waits for its unit's reply in.
pub const OPINION_TO_REPLY: crate::opinion::OpinionStatus =
    crate::opinion::OpinionStatus::Forwarded;
/// The stage a supervision item takes rectification reports in.
pub const RECTIFYING: crate::supervision::Stage = crate::supervision::Stage::Rectifying;
/// The problems a body's report answers: those waiting for it.
pub const PROBLEMS_WAITING: &[crate::supervision::ProblemStatus] = &[
    crate::supervision::ProblemStatus::Open,
    crate::supervision::ProblemStatus::SentBack,
];
/// The stage a supervision item takes its committee's votes in.
pub const SUPERVISION_VOTING: crate::supervision::Stage = crate::supervision::Stage::Evaluating;
/// The states of a suggestion a key-supervision leader instructs on: from
/// its registration until the unit replies.
pub const KEY_INSTRUCTION_STATUSES: &[SuggestionStatus] =
    &[S::Registered, S::Assigned, S::Rehandling];

/// Every kind in the order tasks are listed: the office's, the units',
/// the deputies', the leaders'.
pub const ORDER: &[TaskKind] = &[
    TaskKind::RegisterSuggestion,
    TaskKind::AssignSuggestion,
    TaskKind::DecideRequest,
    TaskKind::RegisterMotion,
    TaskKind::RouteOpinion,
    TaskKind::ReplySuggestion,
    TaskKind::GiveCoUnitOpinion,
    TaskKind::ReportRectification,
    TaskKind::ReplyOpinion,
    TaskKind::AcknowledgeLetter,
    TaskKind::CheckInActivity,
    TaskKind::ServeReception,
    TaskKind::AnswerCoSignature,
    TaskKind::EvaluateReply,
    TaskKind::ConfirmConsultation,
    TaskKind::CastSupervisionVote,
    TaskKind::CastLivelihoodVote,
    TaskKind::SignUpActivity,
    TaskKind::SignOffSuggestion,
    TaskKind::InstructKeySuggestion,
];

/// The party a kind of task waits on.
pub fn party_of(kind: TaskKind) -> Party {
    SUGGESTION_QUEUES
        .iter()
        .map(|q| (q.kind, q.party))
        .chain(RECORD_QUEUES.iter().map(|q| (q.kind, q.party)))
        .find(|(k, _)| *k == kind)
        .map_or(Party::Office, |(_, p)| p)
}

impl Holder {
    /// Whether the account can hold tasks waiting on `party`: it has the
    /// role, and the deputy or unit the party needs.
    pub fn can_be(&self, party: Party) -> bool {
        self.roles.contains(party.role())
            && match party {
                Party::Office | Party::Supervisor | Party::KeyLeader => true,
                Party::LeadUnit
                | Party::CoUnitWithoutOpinion
                | Party::LetterUnit
                | Party::ForwardedUnit
                | Party::RectifyingBody => self.unit_id.is_some(),
                Party::LeadDeputy
                | Party::InvitedCoSigner
                | Party::ServingDeputy
                | Party::PresentCommitteeMember
                | Party::InvitedParticipant
                | Party::SignedUpParticipant
                | Party::DeputyOnDuty => self.deputy_id.is_some(),
            }
    }

    /// The kinds of task the account can hold, in listing order.
    pub fn kinds(&self) -> Vec<TaskKind> {
        ORDER
            .iter()
            .copied()
            .filter(|k| self.can_be(party_of(*k)))
            .collect()
    }
}

impl SuggestionQueue {
    /// Whether `s` waits in this queue for `who`.
    pub fn holds(&self, s: &Suggestion, who: &Holder) -> bool {
        if s.deleted_at.is_some() || !who.can_be(self.party) || !self.statuses.contains(&s.status) {
            return false;
        }
        let party = match self.party {
            Party::Office => true,
            Party::LeadUnit => s.lead_unit_id.is_some() && s.lead_unit_id == who.unit_id,
            Party::CoUnitWithoutOpinion => s
                .co_units
                .iter()
                .any(|c| Some(c.unit_id) == who.unit_id && c.opinion.is_none()),
            Party::LetterUnit => s
                .letter
                .as_ref()
                .is_some_and(|l| Some(l.unit_id) == who.unit_id && l.acknowledged_at.is_none()),
            Party::LeadDeputy => Some(s.lead_deputy_id) == who.deputy_id,
            Party::InvitedCoSigner => s.co_signers.iter().any(|c| {
                Some(c.deputy_id) == who.deputy_id && c.status == CoSignatureStatus::Invited
            }),
            Party::Supervisor => s.supervisor_id == Some(who.user_id),
            // Queues of other records.
            _ => false,
        };
        party
            && match self.also {
                Also::Nothing => true,
                Also::NotEvaluated => s.evaluation_result.is_none(),
                Also::RedNotSignedOff => s.color == Some(Color::Red) && s.signed_off_at.is_none(),
            }
    }
}

/// Days from `today` to `due`: negative once it has passed.
pub fn days_left(due: NaiveDate, today: NaiveDate) -> i64 {
    (due - today).num_days()
}

#[cfg(test)]
mod tests;
