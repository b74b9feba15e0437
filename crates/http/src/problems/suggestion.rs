//! The problem answers of a suggestion's refusals.

use renda_domain::suggestion::{
    CloseBlocker, DeadlineError, ExtensionError, FieldIssue, Issue, SuggestionError,
    SuggestionStatus,
};

use crate::error::{ApiError, FieldError, Msg};

/// A suggestion status as people read it.
pub(crate) fn suggestion_status(s: SuggestionStatus) -> (&'static str, &'static str) {
    match s {
        SuggestionStatus::Draft => ("草稿", "draft"),
        SuggestionStatus::Submitted => ("已提交", "submitted"),
        SuggestionStatus::Registered => ("已立案", "registered"),
        SuggestionStatus::NotRegistered => ("不予立案", "not registered"),
        SuggestionStatus::Assigned => ("已交办", "assigned"),
        SuggestionStatus::Replied => ("已答复", "replied"),
        SuggestionStatus::Rehandling => ("重新办理中", "being handled again"),
        SuggestionStatus::Closed => ("已办结", "closed"),
    }
}

fn deadline_text(e: DeadlineError) -> Msg {
    match e {
        DeadlineError::BeforeAssignment => Msg::new(
            "期限不能早于交办日期",
            "the deadline is before the assignment",
        ),
        DeadlineError::PastSixMonths => Msg::new(
            "办理期限不得超过交办之日起六个月",
            "the deadline may not be more than six months after assignment",
        ),
    }
}

/// The text of one field's problem.
pub(crate) fn issue_text(issue: Issue) -> Msg {
    match issue {
        Issue::Blank => Msg::new("不能为空", "must not be blank"),
        Issue::UnknownCategory => Msg::new(
            "不是有效的建议类别，见 GET /api/v1/suggestion-categories",
            "not a known category; see GET /api/v1/suggestion-categories",
        ),
        Issue::UnknownDeputy => Msg::new("代表不存在", "no such deputy"),
        Issue::UnknownUnit => Msg::new("承办单位不存在", "no such unit"),
        Issue::SupervisorRequired => Msg::new(
            "红色建议须指定督办领导",
            "a red suggestion needs a supervising leader",
        ),
        Issue::NotALeader => Msg::new(
            "督办领导须为有效的领导账号",
            "the supervisor must be an active leader account",
        ),
        Issue::CommitmentRequired => Msg::new(
            "B 类答复须写明承诺事项（commitment）",
            "a category B reply needs a commitment",
        ),
        Issue::ReasonRequired => Msg::new("评为优秀建议须写明理由", "a reason is required"),
        Issue::NewDeadlineRequired => Msg::new(
            "申请延期须写明新的期限",
            "an extension needs the new deadline",
        ),
        Issue::NewLeadUnitRequired => Msg::new(
            "同意调整须指定新的主办单位",
            "approving a re-assignment needs the new lead unit",
        ),
        Issue::NotAnotherUnit => {
            Msg::new("须为另一个存在的承办单位", "must be another existing unit")
        }
        Issue::Deadline(e) | Issue::Extension(ExtensionError::Deadline(e)) => deadline_text(e),
        Issue::Extension(ExtensionError::NotLater) => Msg::new(
            "新的期限须晚于现期限",
            "the new deadline must be later than the current one",
        ),
        Issue::Extension(ExtensionError::InThePast) => Msg::new(
            "新的期限不能早于今天",
            "the new deadline may not be in the past",
        ),
        Issue::CoUnitDeadline => Msg::new(
            "协办期限须在交办日与主办期限之间",
            "the co-units' deadline must fall between today and the lead unit's",
        ),
        Issue::PassOnDue => Msg::new(
            "分办期限须在今天与办理期限之间",
            "the pass-on deadline must fall between today and the reply deadline",
        ),
        Issue::UnknownSuggestion => Msg::new("建议不存在", "no such suggestion"),
        Issue::Repeated => Msg::new(
            "同一建议在本批中出现了两次",
            "the suggestion is named twice in the batch",
        ),
        Issue::HeldOn => Msg::new(
            "面商日期不能晚于今天，也不能早于本轮办理开始之日（交办或重新办理之日）",
            "the consultation's day may be neither in the future nor before this round of handling began (the assignment, or the rehandling)",
        ),
        Issue::State(s) => {
            let (zh, en) = suggestion_status(s);
            Msg::new(
                format!("建议当前状态（{zh}）不能交办"),
                format!("the suggestion is {en} and cannot be assigned"),
            )
        }
    }
}

fn blocker_text(b: CloseBlocker) -> Msg {
    match b {
        CloseBlocker::NotEvaluated => Msg::new(
            "代表尚未作出评价（满意、基本满意，或最后一次办理后的评价），且评价期限未过",
            "the deputy has not evaluated the reply (satisfied, basically satisfied, or the final evaluation after the last rehandling) and their time to evaluate has not passed",
        ),
        CloseBlocker::NoVerification => Msg::new(
            "黄色建议须有上门查验记录",
            "a yellow suggestion needs an on-site verification record",
        ),
        CloseBlocker::NoSupervisionNotes => Msg::new(
            "红色建议须有督办意见",
            "a red suggestion needs supervision notes",
        ),
        CloseBlocker::NotSignedOff => Msg::new(
            "红色建议须经督办领导签批",
            "a red suggestion needs the supervising leader's sign-off",
        ),
    }
}

fn field_errors(issues: Vec<FieldIssue>) -> Vec<FieldError> {
    issues
        .into_iter()
        .map(|f| FieldError::new(f.field, f.issue.code(), issue_text(f.issue)))
        .collect()
}

impl From<SuggestionError> for ApiError {
    fn from(e: SuggestionError) -> Self {
        let code = e.code();
        let detail = match e {
            SuggestionError::InvalidState(s) => {
                let (zh, en) = suggestion_status(s);
                Msg::new(
                    format!("建议当前状态为“{zh}”，不允许此操作"),
                    format!("The suggestion is {en}; this operation is not allowed now"),
                )
            }
            SuggestionError::AlreadyEvaluated => {
                Msg::new("该答复已评价过", "This reply has already been evaluated")
            }
            SuggestionError::SupervisionNotesMissing => Msg::new(
                "签批前须先填写督办意见",
                "Record supervision notes before signing off",
            ),
            SuggestionError::CloseRequirementsUnmet(blockers) => {
                let mut err = ApiError::conflict(
                    code,
                    Msg::new(
                        "尚不满足办结条件",
                        "The suggestion does not yet meet its closing rule",
                    ),
                );
                err.errors = blockers
                    .into_iter()
                    .map(|b| FieldError::new(b.field(), "missing", blocker_text(b)))
                    .collect();
                return err;
            }
            SuggestionError::RequestPending => Msg::new(
                "已有待处理的申请",
                "A request is already waiting for a decision",
            ),
            SuggestionError::ReassignmentPending => Msg::new(
                "调整申请待处理期间不能答复",
                "A re-assignment request awaits a decision; reply after it",
            ),
            SuggestionError::ReassignmentWindowClosed => Msg::new(
                "申请调整须在交办之日起10日内提出",
                "A re-assignment must be asked for within 10 days of assignment",
            ),
            SuggestionError::RequestDecided => {
                Msg::new("该申请已处理", "This request has been decided")
            }
            SuggestionError::CommitmentClosed => {
                Msg::new("该承诺已兑现", "The commitment is already fulfilled")
            }
            SuggestionError::NothingToPassOn => Msg::new(
                "该建议不在待分办状态",
                "The suggestion is not waiting to be passed on",
            ),
            SuggestionError::TermEnded => {
                return ApiError::new(
                    actix_web::http::StatusCode::FORBIDDEN,
                    code,
                    Msg::new(
                        "代表任期已结束，可查阅本人以往记录，不能再提出新的建议",
                        "Your term has ended: your past records stay readable, but you file no new suggestions",
                    ),
                );
            }
            SuggestionError::CoUnitOpinionsPending(units) => {
                let mut err = ApiError::conflict(
                    code,
                    Msg::new(
                        "协办单位的意见尚未送达，且其期限未到：请在协办意见到齐或期限届满后答复",
                        "Co-units have not sent their opinions and their deadlines have not passed: reply once they have, or once the deadlines pass",
                    ),
                );
                err.errors = units
                    .into_iter()
                    .map(|u| {
                        FieldError::new(
                            "co_units",
                            "opinion_pending",
                            Msg::new(
                                format!("协办单位 {u} 的意见尚未送达"),
                                format!("the opinion of co-unit {u} has not arrived"),
                            ),
                        )
                    })
                    .collect();
                return err;
            }
            SuggestionError::ConsultationRequired => Msg::new(
                "答复前须先与领衔代表面商并记录（POST /suggestions/{id}/consultations），且代表未提出异议",
                "Record a consultation with the lead deputy before replying (POST /suggestions/{id}/consultations), one the deputy has not disputed",
            ),
            SuggestionError::AlreadyAnswered => Msg::new(
                "该记录已确认或回复过",
                "This record has been answered already",
            ),
            SuggestionError::Invalid(issues) => return ApiError::validation(field_errors(issues)),
        };
        ApiError::conflict(code, detail)
    }
}
