//! Notifications: what a change or a reminder tells the people it
//! concerns. A command returns its notices among its effects; the store
//! writes one notification per person per notice, in the transaction of
//! the change, and the scheduler writes reminders the same way.
//!
//! A notice names its readers by what they are to the record (its lead
//! deputy, its units, the office), never by account: the store finds the
//! accounts when it writes. Its text is short and carries no personal data
//! (no phone numbers, no contents), so that it may go out by SMS or work
//! chat as it is.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::Role;
use crate::id::{DeputyId, UnitId, UserId};

string_enum! {
    /// What a notification tells.
    pub enum NoticeKind : "notice kind" {
        /// A deputy is named co-signer (附议) of a draft and is asked to answer.
        CoSignatureInvited = "co_signature_invited",
        /// The office accepted (立案) the deputy's suggestion.
        SuggestionRegistered = "suggestion_registered",
        /// The office did not accept the deputy's suggestion.
        SuggestionNotRegistered = "suggestion_not_registered",
        /// A suggestion was assigned to the unit, as lead or co-unit.
        SuggestionAssigned = "suggestion_assigned",
        /// The lead unit replied to the deputy's suggestion.
        SuggestionReplied = "suggestion_replied",
        /// The lead unit recorded a consultation (面商) for the deputy to confirm.
        ConsultationRecorded = "consultation_recorded",
        /// The deputy evaluated the unit's reply.
        SuggestionEvaluated = "suggestion_evaluated",
        /// The office decided the unit's request (hand-back, extension).
        RequestDecided = "request_decided",
        /// A leader gave an instruction (批示) on a suggestion of the unit's.
        InstructionGiven = "instruction_given",
        /// A deadline is near (7, 3 or 1 days).
        DeadlineNear = "deadline_near",
        /// A deadline passed with the work not done.
        DeadlineOverdue = "deadline_overdue",
        /// A reply has waited for the deputy's evaluation for a while.
        EvaluationWaiting = "evaluation_waiting",
        /// A vote the deputy takes part in opened: a livelihood round's, or
        /// a supervision item's satisfaction vote at a meeting they attend.
        VoteOpened = "vote_opened",
        /// A constituent opinion the person left was answered, directly or
        /// by the unit it was forwarded to.
        OpinionAnswered = "opinion_answered",
        /// A constituent opinion was forwarded to the unit for its reply.
        OpinionForwarded = "opinion_forwarded",
        /// A supervision item's opinion asks the unit to rectify problems,
        /// by its deadline.
        RectificationRequested = "rectification_requested",
        /// The deputy is on duty at a liaison station's reception tomorrow.
        ReceptionTomorrow = "reception_tomorrow",
        /// A livelihood vote the deputy has not cast closes today (the
        /// last day of the session it is held at).
        VotingClosesToday = "voting_closes_today",
        /// A deputy submitted a suggestion: the office is to review it.
        SuggestionSubmitted = "suggestion_submitted",
        /// A red suggestion the leader supervises was replied: it waits
        /// for the leader's sign-off.
        SignOffRequested = "sign_off_requested",
        /// The office decided the observer's opinion on a supervision
        /// item: adopted or not.
        ObservationDecided = "observation_decided",
    }
}

impl NoticeKind {
    /// Whether the kind is a reminder the scheduler writes, rather than
    /// the news of a change.
    pub fn is_reminder(self) -> bool {
        matches!(
            self,
            NoticeKind::DeadlineNear
                | NoticeKind::DeadlineOverdue
                | NoticeKind::EvaluationWaiting
                | NoticeKind::ReceptionTomorrow
                | NoticeKind::VotingClosesToday
        )
    }
}

/// Who is to read a notice, as they stand to the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(tag = "to", content = "id", rename_all = "snake_case")]
pub enum Recipient {
    /// One account.
    User(UserId),
    /// Every active account acting for the deputy.
    Deputy(DeputyId),
    /// Every active account acting for the unit.
    Unit(UnitId),
    /// Every active account holding the role (`staff`: the office).
    Role(Role),
    /// Every active account of the outside observer.
    Observer(Uuid),
}

string_enum! {
    /// The kind of record a notification or a task is about.
    pub enum SubjectKind : "subject kind" {
        Suggestion = "suggestion",
        Motion = "motion",
        LivelihoodRound = "livelihood_round",
        ConstituentOpinion = "constituent_opinion",
        Supervision = "supervision",
        Activity = "activity",
        /// A liaison station (its reception days are read there).
        Station = "station",
    }
}

/// The record a notice is about, with a short label that names it without
/// personal data (its number, or the start of its title).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Subject {
    pub kind: SubjectKind,
    pub id: Uuid,
    pub label: String,
}

/// What makes a notice one of its kind for its record: the version of the
/// record the change made, or the due date and step of a reminder. A
/// person gets one notification per notice, however often it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Occasion {
    /// The change that made this version of the record.
    Version(i32),
    /// A reminder of `due`, `days` before it (negative: after it).
    Reminder { due: NaiveDate, days: i64 },
    /// A record the change adds inside the subject (an opinion of a
    /// supervision item).
    Record(Uuid),
    /// A round of the subject (a supervision item's evaluation round).
    Round(i32),
}

/// A notification to be written.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Notice {
    pub kind: NoticeKind,
    pub to: Vec<Recipient>,
    pub subject: Subject,
    pub occasion: Occasion,
    /// The date the reader is to act by, when there is one.
    pub due_on: Option<NaiveDate>,
    /// Whether the news is good (approved, registered); `None` when it has no side.
    pub approved: Option<bool>,
}

/// The most characters of a title a label carries.
const LABEL_CHARS: usize = 20;

/// A record's label: its number when it has one, else the start of its
/// title, shortened to [`LABEL_CHARS`] characters.
pub fn label(number: Option<&str>, title: &str) -> String {
    if let Some(n) = number {
        return n.to_owned();
    }
    let title = title.trim();
    let mut out: String = title.chars().take(LABEL_CHARS).collect();
    if title.chars().count() > LABEL_CHARS {
        out.push('…');
    }
    format!("《{out}》")
}

impl SubjectKind {
    /// The collection of the API the record is read at.
    pub fn collection(self) -> &'static str {
        match self {
            SubjectKind::Suggestion => "suggestions",
            SubjectKind::Motion => "motions",
            SubjectKind::LivelihoodRound => "livelihood-rounds",
            SubjectKind::ConstituentOpinion => "constituent-opinions",
            SubjectKind::Supervision => "supervisions",
            SubjectKind::Activity => "activities",
            SubjectKind::Station => "stations",
        }
    }

    /// What the record is called before its label, in a notice's text.
    fn noun(self) -> &'static str {
        match self {
            SubjectKind::Suggestion => "建议",
            SubjectKind::Motion => "议案",
            SubjectKind::LivelihoodRound => "民生实事项目票决",
            SubjectKind::Supervision => "监督事项",
            SubjectKind::Activity => "活动",
            // Their labels name them.
            SubjectKind::ConstituentOpinion | SubjectKind::Station => "",
        }
    }
}

impl Notice {
    /// The key that makes the notice one per person: its kind, record and
    /// occasion.
    pub fn key(&self) -> String {
        let occasion = match self.occasion {
            Occasion::Version(v) => format!("v{v}"),
            Occasion::Reminder { due, days } => format!("{due}:{days}"),
            Occasion::Record(id) => format!("r:{id}"),
            Occasion::Round(n) => format!("round{n}"),
        };
        format!(
            "{}:{}:{}:{occasion}",
            self.subject.kind, self.subject.id, self.kind
        )
    }

    /// The text in Chinese: short, with the record's label and the date to
    /// act by, nothing personal.
    pub fn text(&self) -> String {
        let l = &self.subject.label;
        let what = self.subject.kind.noun();
        let by = |what: &str| match self.due_on {
            Some(d) => format!("{what}，请于{d}前办理。"),
            None => format!("{what}。"),
        };
        let supervision = self.subject.kind == SubjectKind::Supervision;
        match self.kind {
            NoticeKind::CoSignatureInvited => format!("您被邀请附议建议{l}，请确认或谢绝。"),
            NoticeKind::SuggestionRegistered => format!("您领衔的建议{l}已立案。"),
            NoticeKind::SuggestionNotRegistered => format!("您领衔的建议{l}不予立案，请查看说明。"),
            NoticeKind::SuggestionAssigned => by(&format!("建议{l}已交由贵单位办理")),
            NoticeKind::SuggestionReplied => by(&format!("您领衔的建议{l}已答复，请评价")),
            NoticeKind::ConsultationRecorded => {
                format!("承办单位就建议{l}记录了面商情况，请确认。")
            }
            NoticeKind::SuggestionEvaluated => format!("代表已对建议{l}的答复作出评价。"),
            NoticeKind::RequestDecided => match self.approved {
                Some(true) => format!("贵单位关于建议{l}的申请已获同意。"),
                _ => format!("贵单位关于建议{l}的申请未获同意。"),
            },
            NoticeKind::InstructionGiven => format!("领导对建议{l}作出批示，请查阅。"),
            NoticeKind::DeadlineNear if supervision => by(&format!("监督事项{l}整改期限将至")),
            NoticeKind::DeadlineNear => by(&format!("{what}{l}办理期限将至")),
            NoticeKind::DeadlineOverdue => {
                let term = if supervision { "整改" } else { "办理" };
                match self.due_on {
                    Some(d) => format!("{what}{l}已超过{term}期限（{d}），请尽快办理。"),
                    None => format!("{what}{l}已超过{term}期限，请尽快办理。"),
                }
            }
            NoticeKind::EvaluationWaiting => by(&format!("建议{l}的答复尚待您评价")),
            NoticeKind::VoteOpened if supervision => {
                format!("监督事项{l}满意度测评已开始，请投票。")
            }
            NoticeKind::VoteOpened => format!("{what}{l}已开始，请投票。"),
            NoticeKind::OpinionAnswered => format!("您提交的{what}{l}已有答复，请查看。"),
            NoticeKind::OpinionForwarded => by(&format!("{what}{l}已转交贵单位，请答复")),
            // Issued while the committee deliberates, the rectification
            // starts later: the date is the deadline, not a call to act now.
            NoticeKind::RectificationRequested => match self.due_on {
                Some(d) => format!("监督事项{l}的审议意见已交贵单位，整改期限至{d}。"),
                None => format!("监督事项{l}的审议意见已交贵单位。"),
            },
            NoticeKind::ReceptionTomorrow => match self.due_on {
                Some(d) => format!("您{d}在{what}{l}值班接待选民，请准时到岗。"),
                None => format!("您明天在{what}{l}值班接待选民，请准时到岗。"),
            },
            NoticeKind::VotingClosesToday => format!("{what}{l}今天截止，您尚未投票。"),
            NoticeKind::SuggestionSubmitted => format!("代表提交了建议{l}，请审查立案。"),
            NoticeKind::SignOffRequested => format!("您督办的红色建议{l}已答复，请审签。"),
            NoticeKind::ObservationDecided => match self.approved {
                Some(true) => format!("您对{what}{l}提出的意见已被采纳。"),
                _ => format!("您对{what}{l}提出的意见未被采纳，请查看理由。"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice(kind: NoticeKind, occasion: Occasion, due_on: Option<NaiveDate>) -> Notice {
        Notice {
            kind,
            to: vec![Recipient::Role(Role::Staff)],
            subject: Subject {
                kind: SubjectKind::Suggestion,
                id: Uuid::from_u128(7),
                label: label(Some("第12号"), "关于增设社区助餐点的建议"),
            },
            occasion,
            due_on,
            approved: None,
        }
    }

    #[test]
    fn a_label_is_the_number_or_the_start_of_the_title() {
        assert_eq!(label(Some("第12号"), "x"), "第12号");
        assert_eq!(label(None, " 关于增设助餐点 "), "《关于增设助餐点》");
        let long = "一".repeat(25);
        assert_eq!(label(None, &long), format!("《{}…》", "一".repeat(20)));
    }

    #[test]
    fn the_key_tells_apart_kinds_versions_and_reminder_steps() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap_or_default();
        let a = notice(NoticeKind::SuggestionReplied, Occasion::Version(3), None);
        let b = notice(NoticeKind::SuggestionReplied, Occasion::Version(4), None);
        let c = notice(NoticeKind::SuggestionAssigned, Occasion::Version(3), None);
        let r7 = notice(
            NoticeKind::DeadlineNear,
            Occasion::Reminder { due: day, days: 7 },
            Some(day),
        );
        let r3 = notice(
            NoticeKind::DeadlineNear,
            Occasion::Reminder { due: day, days: 3 },
            Some(day),
        );
        let keys = [a.key(), b.key(), c.key(), r7.key(), r3.key()];
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(keys.iter().filter(|o| *o == k).count(), 1, "{i}: {k}");
        }
        assert_eq!(
            r7.key(),
            "suggestion:00000000-0000-0000-0000-000000000007:deadline_near:2026-12-31:7"
        );
    }

    #[test]
    fn texts_name_the_record_and_the_date_and_nothing_else() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap_or_default();
        let n = notice(
            NoticeKind::SuggestionAssigned,
            Occasion::Version(2),
            Some(day),
        );
        assert_eq!(
            n.text(),
            "建议第12号已交由贵单位办理，请于2026-12-31前办理。"
        );
        let mut d = notice(NoticeKind::RequestDecided, Occasion::Version(2), None);
        assert!(d.text().contains("未获同意"));
        d.approved = Some(true);
        assert!(d.text().contains("已获同意"));
        for k in NoticeKind::ALL {
            let t = notice(*k, Occasion::Version(1), Some(day)).text();
            assert!(t.contains("第12号"), "{k}: {t}");
            assert!(t.chars().count() <= 60, "{k}: {t}");
        }
        assert!(NoticeKind::DeadlineOverdue.is_reminder());
        assert!(!NoticeKind::SuggestionReplied.is_reminder());
    }
}
