//! The problem answers of the domain's refusals: for each area's error
//! enum, one exhaustive mapping to a status, a stable code and the
//! Chinese and English texts.

use renda_domain::activity::{self as act, ActivityError, NeedStatus};
use renda_domain::congress::{self, SessionError};
use renda_domain::duty::{self as dt, DutyError};
use renda_domain::key_supervision::{self as ks, KeyError};
use renda_domain::livelihood::{self as lh, BallotProblem, LivelihoodError, RoundBlocker};
use renda_domain::motion::{self as mo, MotionError};
use renda_domain::opinion::{self as op, OpinionError};
use renda_domain::station::{self as st, ParentProblem, StationError};
use renda_domain::supervision::{self as sv, PlanProblem, Stage, StageBlocker, SupervisionError};

use crate::error::{ApiError, FieldError, Msg};

mod suggestion;

pub(crate) use suggestion::suggestion_status;

/// A supervision stage as people read it.
pub(crate) fn stage_name(s: Stage) -> (&'static str, &'static str) {
    match s {
        Stage::Planned => ("计划中", "planned"),
        Stage::Investigating => ("调研检查", "investigating"),
        Stage::Deliberating => ("审议", "deliberating"),
        Stage::Rectifying => ("整改", "rectifying"),
        Stage::Evaluating => ("满意度测评", "evaluating"),
        Stage::Closed => ("已办结", "closed"),
    }
}

fn plan_text(p: PlanProblem) -> Msg {
    match p {
        PlanProblem::NoMethod => Msg::new("至少选择一种监督方式", "name at least one method"),
        PlanProblem::DuplicateMethod => Msg::new("监督方式重复", "a method is named twice"),
        PlanProblem::LawsMissing => Msg::new(
            "执法检查须列明所检查的法律法规",
            "a law-enforcement inspection names the laws it checks",
        ),
        PlanProblem::LawsWithoutInspection => Msg::new(
            "只有执法检查才列明法律法规",
            "laws are named only for a law-enforcement inspection",
        ),
    }
}

/// The text of one field's problem in a supervision command.
fn supervision_issue_text(issue: sv::Issue) -> Msg {
    use sv::Issue as I;
    match issue {
        I::Null => Msg::new("不能为 null", "must not be null"),
        I::Blank => Msg::new("不能为空", "must not be blank"),
        I::Length(n) => Msg::new(
            format!("长度须在 1 到 {n} 之间"),
            format!("length must be between 1 and {n}"),
        ),
        I::UnknownUnit => Msg::new("单位不存在", "no such unit"),
        I::UnknownDeputy => Msg::new("代表不存在", "no such deputy"),
        I::UnknownObserver => Msg::new("观察员不存在", "no such observer"),
        I::Plan(p) => plan_text(p),
        I::AlreadyMember => Msg::new(
            "有代表已列为常委会组成人员",
            "a deputy is already named as a committee member",
        ),
        I::NotABody => Msg::new(
            "该单位不是此事项的被监督单位",
            "not a body this item supervises",
        ),
        I::Future => Msg::new("日期不能晚于今天", "the date is in the future"),
        I::TooEarly => Msg::new("日期不能早于1949年10月1日", "the date is before 1949-10-01"),
        I::DeadlinePast => Msg::new("整改期限不能早于今天", "the deadline is in the past"),
        I::DeadlineTooFar => Msg::new(
            "整改期限超过了规定的最长期限（默认六个月）",
            "the deadline is past the longest period allowed (six months by default)",
        ),
        I::NotACommitteeMember => Msg::new(
            "不是此事项的常委会组成人员",
            "not one of the item's committee members",
        ),
        I::UnknownProblem => Msg::new("该审议意见中没有此问题", "no such problem in this opinion"),
        I::AnsweredTwice => Msg::new("同一问题重复答复", "the problem is answered twice"),
        I::ReasonRequired => Msg::new("不采纳须说明理由", "give a reason for not adopting"),
    }
}

fn stage_blocker_text(b: StageBlocker) -> Msg {
    match b {
        StageBlocker::NoOpinion => Msg::new(
            "须先向被监督单位发出审议意见",
            "Issue a deliberation opinion to a body first",
        ),
        StageBlocker::ProblemsOpen(n) => Msg::new(
            format!("尚有 {n} 个问题未销号，不能结束整改"),
            format!("{n} problem(s) are not closed off; rectification cannot end"),
        ),
        StageBlocker::NoFollowUpOpinion => Msg::new(
            "测评未获通过，须先发出新一轮整改意见",
            "The vote returned the item; issue a follow-up opinion for this round first",
        ),
        StageBlocker::NoCommitteeMembers => Msg::new(
            "满意度测评须有参加的常委会组成人员",
            "The vote needs committee members taking part",
        ),
        StageBlocker::NoVotes => Msg::new("尚无人投票", "Nobody has voted yet"),
    }
}

impl From<SupervisionError> for ApiError {
    fn from(e: SupervisionError) -> Self {
        let code = e.code();
        let detail = match e {
            SupervisionError::InvalidState(s) => {
                let (zh, en) = stage_name(s);
                Msg::new(
                    format!("监督事项当前处于“{zh}”阶段，不允许此操作"),
                    format!("The supervision item is {en}; this operation is not allowed now"),
                )
            }
            SupervisionError::Blocked(b) => stage_blocker_text(b),
            SupervisionError::AlreadyPublished => {
                Msg::new("该监督事项已公开", "The item is already published")
            }
            SupervisionError::MethodNotPlanned => Msg::new(
                "此监督事项的计划未安排该监督方式（专题询问或满意度测评）",
                "The item's plan does not include that method (a special inquiry or a satisfaction vote)",
            ),
            SupervisionError::VotePlanned => Msg::new(
                "此监督事项安排了满意度测评，须经测评办结",
                "The item's plan has a satisfaction vote: it closes by the vote",
            ),
            SupervisionError::QuorumNotMet { present, members } => Msg::new(
                format!("出席人数未过半数（{present}/{members}），表决无效"),
                format!(
                    "Not more than half of the members are present ({present} of {members}): the vote does not stand"
                ),
            ),
            SupervisionError::NotPresent => Msg::new(
                "未登记出席本次会议，不能表决",
                "You are not recorded present at the meeting, so you do not vote",
            ),
            SupervisionError::ProblemNotOpen(id) => Msg::new(
                format!("问题 {id} 不在待整改状态"),
                format!("Problem {id} is not awaiting rectification"),
            ),
            SupervisionError::ProblemNotAnswered => Msg::new(
                "该问题尚无待审核的整改答复",
                "The problem has no rectification answer awaiting review",
            ),
            SupervisionError::AlreadyAssigned => {
                Msg::new("该观察员已参与此事项", "The observer is already assigned")
            }
            SupervisionError::ObserverInactive => {
                Msg::new("该观察员已不在任", "The observer no longer serves")
            }
            SupervisionError::ConflictOfInterest => Msg::new(
                "该观察员已申报与被监督单位存在利害关系，不能参与此监督事项",
                "The observer declared a tie to a supervised body and cannot take part in this item",
            ),
            SupervisionError::AlreadyDecided => Msg::new(
                "该观察意见已处理",
                "The observation has already been decided",
            ),
            SupervisionError::AlreadyVoted => Msg::new(
                "您已在本轮测评中投票",
                "You have already voted in this round",
            ),
            SupervisionError::NotACommitteeMember => return ApiError::forbidden(),
            SupervisionError::NotFound => return ApiError::not_found(),
            SupervisionError::Invalid(issues) => {
                return ApiError::validation(
                    issues
                        .into_iter()
                        .map(|f| {
                            let text = supervision_issue_text(f.issue);
                            FieldError::new(f.field, f.issue.code(), text)
                        })
                        .collect(),
                );
            }
        };
        ApiError::conflict(code, detail)
    }
}

/// The text of one field's problem in a livelihood-project command.
fn livelihood_issue_text(issue: lh::Issue) -> Msg {
    use lh::Issue as I;
    match issue {
        I::Blank => Msg::new("不能为空", "must not be blank"),
        I::UnknownUnit => Msg::new("承办单位不存在", "no such unit"),
        I::UnitRequired => Msg::new(
            "入围项目须明确责任单位",
            "a shortlisted candidate needs a responsible unit",
        ),
        I::Future => Msg::new("日期不能晚于今天", "the date is in the future"),
        I::BadTieBreak => Msg::new(
            "须且只须从同票项目中选出空余名额数的项目（且须有同票）",
            "name exactly as many of the tied candidates as seats are open (and only when there is a tie)",
        ),
        I::Ballot(BallotProblem::TooManyApprovals { seats, given }) => Msg::new(
            format!("最多赞成 {seats} 个项目，实际 {given} 个"),
            format!("at most {seats} approvals, {given} given"),
        ),
        I::Ballot(BallotProblem::NotShortlisted(c)) => Msg::new(
            format!("{c} 不是入围项目"),
            format!("{c} is not on the ballot"),
        ),
        I::Ballot(BallotProblem::MarkedTwice(c)) => {
            Msg::new(format!("{c} 被重复标记"), format!("{c} is marked twice"))
        }
    }
}

impl From<LivelihoodError> for ApiError {
    fn from(e: LivelihoodError) -> Self {
        let code = e.code();
        let detail = match e {
            LivelihoodError::InvalidState(s) => Msg::new(
                format!("本轮票决当前处于“{s}”阶段，不允许此操作"),
                format!("The round is {s}; this operation is not allowed now"),
            ),
            LivelihoodError::Blocked(RoundBlocker::Undecided(title)) => Msg::new(
                format!("候选项目“{title}”等尚未审查，须逐项决定"),
                format!("Candidates such as “{title}” are not reviewed yet; decide each"),
            ),
            LivelihoodError::Blocked(RoundBlocker::NothingShortlisted) => {
                Msg::new("尚无入围候选项目", "No candidate is shortlisted")
            }
            LivelihoodError::Blocked(RoundBlocker::TiePending) => Msg::new(
                "末位同票的项目尚未决定",
                "A tie at the cut-off is not decided yet",
            ),
            LivelihoodError::CandidatesChanged(_) => Msg::new(
                "候选项目刚有变动，当前不能进入下一阶段",
                "The candidates changed meanwhile; the round cannot move on now",
            ),
            LivelihoodError::QuorumNotMet { ballots, members } => Msg::new(
                format!(
                    "投票人数未超过本级人大代表的半数（{ballots}/{members}），表决无效，投票继续"
                ),
                format!(
                    "Not more than half of the congress's deputies voted ({ballots} of {members}): the vote does not stand and stays open"
                ),
            ),
            LivelihoodError::AlreadyVoted => {
                Msg::new("您已投票", "You have already voted in this round")
            }
            LivelihoodError::AlreadyRated => {
                Msg::new("您已评价该项目", "You have already rated this project")
            }
            LivelihoodError::NotAMember => return ApiError::forbidden(),
            LivelihoodError::NotFound => return ApiError::not_found(),
            LivelihoodError::Invalid(issues) => {
                return ApiError::validation(
                    issues
                        .into_iter()
                        .map(|f| {
                            let text = livelihood_issue_text(f.issue);
                            FieldError::new(f.field, f.issue.code(), text)
                        })
                        .collect(),
                );
            }
        };
        ApiError::conflict(code, detail)
    }
}

fn opinion_issue_text(issue: op::Issue) -> Msg {
    match issue {
        op::Issue::Blank => Msg::new("不能为空", "must not be blank"),
        op::Issue::UnknownStation => Msg::new("站点不存在", "no such station"),
        op::Issue::UnknownUnit => Msg::new("承办单位不存在", "no such unit"),
    }
}

impl From<OpinionError> for ApiError {
    fn from(e: OpinionError) -> Self {
        let code = e.code();
        let detail = match e {
            OpinionError::InvalidState(s) => Msg::new(
                format!("意见当前状态为“{s}”，不允许此操作"),
                format!("The opinion is {s}; this operation is not allowed now"),
            ),
            OpinionError::NotADeputy => return ApiError::forbidden(),
            OpinionError::Draft(e) => return e.into(),
            OpinionError::Invalid(issues) => {
                return ApiError::validation(
                    issues
                        .into_iter()
                        .map(|f| {
                            FieldError::new(f.field, f.issue.code(), opinion_issue_text(f.issue))
                        })
                        .collect(),
                );
            }
        };
        ApiError::conflict(code, detail)
    }
}

fn station_issue_text(issue: st::Issue) -> Msg {
    match issue {
        st::Issue::Blank => Msg::new("不能为空", "must not be blank"),
        st::Issue::UnknownDeputy => Msg::new("代表不存在", "no such deputy"),
        st::Issue::Parent(ParentProblem::Gone) => Msg::new("上级站点不存在", "no such station"),
        st::Issue::Parent(ParentProblem::Cycle) => Msg::new(
            "上级站点不能是自身或下级站点",
            "a station cannot sit below itself",
        ),
        st::Issue::NotAssigned => {
            Msg::new("该代表未进站", "the deputy is not assigned to this station")
        }
        st::Issue::DayOutOfRange => {
            Msg::new("日期须在一年之内", "the day must be within a year of today")
        }
        st::Issue::MatterLength => {
            Msg::new("长度须在 1 到 500 之间", "length must be between 1 and 500")
        }
    }
}

impl From<StationError> for ApiError {
    fn from(e: StationError) -> Self {
        let code = e.code();
        let detail = match e {
            StationError::HasChildren => {
                Msg::new("该站点下仍有下级站点", "Stations still sit below this one")
            }
            StationError::AlreadyRecorded => {
                Msg::new("该接待日已记录", "The reception day is already recorded")
            }
            StationError::NotHeldYet => {
                Msg::new("接待日尚未到来", "The reception day has not come yet")
            }
            StationError::Invalid(issues) => {
                return ApiError::validation(
                    issues
                        .into_iter()
                        .map(|f| {
                            FieldError::new(f.field, f.issue.code(), station_issue_text(f.issue))
                        })
                        .collect(),
                );
            }
        };
        ApiError::conflict(code, detail)
    }
}

fn activity_issue_text(issue: act::Issue) -> Msg {
    match issue {
        act::Issue::Blank => Msg::new("不能为空", "must not be blank"),
        act::Issue::BrandRequired => Msg::new(
            "服务品牌活动须写明品牌",
            "a service-brand activity names its brand",
        ),
        act::Issue::DayOutOfRange => {
            Msg::new("日期须在一年之内", "the day must be within a year of today")
        }
        act::Issue::UnknownDeputy => Msg::new("代表不存在", "no such deputy"),
        act::Issue::UnknownActivity => Msg::new("活动不存在", "no such activity"),
        act::Issue::MatchRequired => Msg::new("须指定活动或代表", "name an activity or a deputy"),
    }
}

impl From<ActivityError> for ApiError {
    fn from(e: ActivityError) -> Self {
        let code = e.code();
        let detail = match e {
            ActivityError::AttendanceRecorded => Msg::new(
                "已有代表签到，不能更改活动日期",
                "Deputies have checked in; the day can no longer change",
            ),
            ActivityError::Over => Msg::new("活动已结束", "The activity is over"),
            ActivityError::CheckInClosed => Msg::new(
                "只能在活动当天签到",
                "Check-in is open on the activity's day only",
            ),
            ActivityError::NotHeld => {
                Msg::new("活动尚未举行", "The activity has not taken place yet")
            }
            ActivityError::NeedState(NeedStatus::Met) => {
                Msg::new("该需求已办结", "The need is already met")
            }
            ActivityError::NeedState(s) => Msg::new(
                format!("需求当前状态为“{s}”，须先对接再办结"),
                format!("The need is {s}; a need is matched before it is met"),
            ),
            ActivityError::Invalid(issues) => {
                return ApiError::validation(
                    issues
                        .into_iter()
                        .map(|f| {
                            let text = activity_issue_text(f.issue);
                            FieldError::new(f.field, f.issue.code(), text)
                        })
                        .collect(),
                );
            }
        };
        ApiError::conflict(code, detail)
    }
}

fn duty_issue_text(issue: dt::Issue) -> Msg {
    match issue {
        dt::Issue::SystemKind => Msg::new(
            "此类履职记录由系统自动生成，不能手工录入",
            "records of this kind are written by the system only",
        ),
        dt::Issue::DayOutOfRange => Msg::new(
            "日期不能晚于今天",
            "the day is in the future or before 1949-10-01",
        ),
        dt::Issue::Blank => Msg::new("不能为空", "must not be blank"),
    }
}

impl From<DutyError> for ApiError {
    fn from(e: DutyError) -> Self {
        match e {
            DutyError::SystemRecord => ApiError::conflict(
                e.code(),
                Msg::new(
                    "系统生成的履职记录不能修改或删除",
                    "Records the system wrote cannot be changed or deleted",
                ),
            ),
            DutyError::Invalid(issues) => ApiError::validation(
                issues
                    .into_iter()
                    .map(|f| FieldError::new(f.field, f.issue.code(), duty_issue_text(f.issue)))
                    .collect(),
            ),
        }
    }
}

fn session_issue_text(issue: congress::Issue) -> Msg {
    match issue {
        congress::Issue::Blank => Msg::new("不能为空", "must not be blank"),
        congress::Issue::NumberOutOfRange => Msg::new(
            format!("须在 1 到 {} 之间", congress::MAX_NUMBER),
            format!("must be between 1 and {}", congress::MAX_NUMBER),
        ),
        congress::Issue::ClosesBeforeOpening => Msg::new(
            "闭幕日期不能早于开幕日期",
            "the session cannot close before it opens",
        ),
    }
}

impl From<SessionError> for ApiError {
    fn from(e: SessionError) -> Self {
        let code = e.code();
        let detail = match e {
            SessionError::InvalidState(s) => Msg::new(
                format!("会议当前状态（{s}）不允许此操作"),
                format!("The session is {s}; that is not possible now"),
            ),
            SessionError::AnotherOpen => Msg::new(
                "该级人大已有一次会议正在举行",
                "Another session of the congress of that level is open",
            ),
            SessionError::Invalid(issues) => {
                return ApiError::validation(
                    issues
                        .into_iter()
                        .map(|f| {
                            FieldError::new(f.field, f.issue.code(), session_issue_text(f.issue))
                        })
                        .collect(),
                );
            }
        };
        ApiError::conflict(code, detail)
    }
}

fn motion_issue_text(issue: mo::Issue) -> Msg {
    match issue {
        mo::Issue::Blank => Msg::new("不能为空", "must not be blank"),
        mo::Issue::Delegation => Msg::new(
            "代表团提出的议案须写明领衔代表所在的代表团，代表联名提出的不写",
            "a delegation's motion names a delegation the drafter belongs to; a deputies' motion names none",
        ),
        mo::Issue::Unknown => Msg::new("不存在", "no such record"),
        mo::Issue::NotServing => Msg::new(
            "该代表不是本级人大的在任代表，不能联名",
            "the deputy does not serve at this level and cannot sign",
        ),
        mo::Issue::Past => Msg::new("不能早于今天", "may not be in the past"),
    }
}

impl From<MotionError> for ApiError {
    fn from(e: MotionError) -> Self {
        let code = e.code();
        match e {
            MotionError::InvalidState(s) => ApiError::conflict(
                code,
                Msg::new(
                    format!("议案当前状态（{s}）不允许此操作"),
                    format!("The motion is {s}; that is not possible now"),
                ),
            ),
            MotionError::SessionNotOpen => ApiError::conflict(
                code,
                Msg::new(
                    "本级人大没有正在举行的会议：议案只能在大会期间提出",
                    "No session of the congress of your level is open: motions are filed during a session only",
                ),
            ),
            MotionError::ThresholdNotMet { needed, have } => {
                let mut e = ApiError::new(
                    actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                    code,
                    Msg::new(
                        format!("联名代表不足：本级须 {needed} 名代表联名，已确认 {have} 名"),
                        format!(
                            "{have} of the {needed} deputies a joint motion at this level needs have confirmed"
                        ),
                    ),
                );
                e.errors = vec![FieldError::new(
                    "signer_ids",
                    "threshold",
                    Msg::new(
                        format!("须至少 {needed} 名代表（含领衔代表）确认联名"),
                        format!("at least {needed} deputies, the drafter included, must confirm"),
                    ),
                )];
                e
            }
            MotionError::NotASigner => ApiError::forbidden(),
            MotionError::Invalid(issues) => ApiError::validation(
                issues
                    .into_iter()
                    .map(|f| FieldError::new(f.field, f.issue.code(), motion_issue_text(f.issue)))
                    .collect(),
            ),
        }
    }
}

fn key_issue_text(issue: ks::Issue) -> Msg {
    match issue {
        ks::Issue::Blank => Msg::new("不能为空", "must not be blank"),
        ks::Issue::Year => Msg::new(
            "年度须为决定当年或次年",
            "the year must be the decision's year or the next",
        ),
        ks::Issue::UnknownSuggestion => Msg::new("建议不存在", "no such suggestion"),
        ks::Issue::NotRegistered => Msg::new(
            "建议尚未立案或不予立案，不能列入重点督办",
            "the suggestion is not registered and cannot be listed",
        ),
        ks::Issue::Repeated => Msg::new("同一建议列了两次", "the suggestion is listed twice"),
        ks::Issue::LeaderCount => Msg::new(
            "每件须有 1 至 5 名领办领导",
            "each item names one to five leaders",
        ),
        ks::Issue::NotALeader => Msg::new(
            "领办领导须为有效的领导账号",
            "a leading leader must be an active leader account",
        ),
        ks::Issue::Future => Msg::new("不能晚于今天", "may not be after today"),
    }
}

impl From<KeyError> for ApiError {
    fn from(e: KeyError) -> Self {
        let code = e.code();
        match e {
            KeyError::ListExists => ApiError::conflict(
                code,
                Msg::new(
                    "该年度的重点督办建议清单已经确定",
                    "The year has its key-supervision list already",
                ),
            ),
            KeyError::NotLeading => ApiError::new(
                actix_web::http::StatusCode::FORBIDDEN,
                code,
                Msg::new(
                    "只有该件的领办领导可以记录",
                    "Only the item's leading leaders record on it",
                ),
            ),
            KeyError::Invalid(issues) => ApiError::validation(
                issues
                    .into_iter()
                    .map(|f| FieldError::new(f.field, f.issue.code(), key_issue_text(f.issue)))
                    .collect(),
            ),
        }
    }
}
