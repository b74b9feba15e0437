//! Deliberation opinions, the bodies' rectification reports and the
//! office's word on each problem.

use super::*;
use renda_domain::text::Text;

/// 审议意见问题清单中的一个问题。
///
/// One problem of an opinion's list.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb5", "opinion_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb4", "position": 1, "description": "农贸市场进货查验记录不全", "status": "closed", "note": "经实地核查，整改到位", "closed_at": "2026-11-27T08:00:00Z", "updated_at": "2026-11-27T08:00:00Z"}))]
pub struct ProblemView {
    /// 问题 ID。
    ///
    /// The problem's id.
    pub id: Uuid,
    /// 所属审议意见 ID。
    ///
    /// The opinion it belongs to.
    pub opinion_id: Uuid,
    /// 在问题清单中的序号，从 1 开始。
    ///
    /// Its place in the list, from 1.
    pub position: i32,
    /// 问题描述。
    ///
    /// The problem.
    pub description: String,
    /// 整改状态：`open` 待整改、`answered` 已答复待审核、`sent_back` 被退回、`closed` 已销号。
    ///
    /// Where it stands: `open`, `answered` (waiting for the office),
    /// `sent_back` or `closed` (closed off).
    pub status: ProblemStatus,
    /// 退回理由或销号说明；没有时为 null。
    ///
    /// Why it was sent back, or a note on closing it off.
    pub note: Option<String>,
    /// 销号时间（UTC）；未销号时为 null。
    ///
    /// When it was closed off; null until then.
    pub closed_at: Option<DateTime<Utc>>,
    /// 最后变更时间（UTC）。
    ///
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<Problem> for ProblemView {
    fn from(p: Problem) -> Self {
        Self {
            id: p.id,
            opinion_id: p.opinion_id,
            position: p.position,
            description: p.description,
            status: p.status,
            note: p.note,
            closed_at: p.closed_at,
            updated_at: p.updated_at,
        }
    }
}

/// 印发给一个被监督单位的审议意见。
///
/// A deliberation opinion (审议意见) issued to one body.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb4", "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "round": 1, "content": "关于全区食品安全法实施情况的审议意见", "deadline": "2026-12-31", "overdue": false, "issued_by": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e01", "issued_at": "2026-11-27T08:00:00Z", "problems": [{"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb5", "opinion_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb4", "position": 1, "description": "农贸市场进货查验记录不全", "status": "answered", "note": null, "closed_at": null, "updated_at": "2026-11-27T08:00:00Z"}]}))]
pub struct OpinionView {
    /// 审议意见 ID。
    ///
    /// The opinion's id.
    pub id: Uuid,
    /// 印发对象，即被监督单位的 ID。
    ///
    /// The body it is issued to.
    pub unit_id: Uuid,
    /// 印发时的测评轮次；不满意退回后的跟进意见属于下一轮。
    ///
    /// The evaluation round it was issued in; a follow-up after an unsatisfied
    /// vote belongs to the next.
    pub round: i32,
    /// 审议意见正文。
    ///
    /// The opinion's text.
    pub content: String,
    /// 整改期限（日期，如 `2026-12-31`）。
    ///
    /// The rectification deadline.
    pub deadline: NaiveDate,
    /// 已过整改期限，且仍有问题待被监督单位整改（待整改或被退回）。
    ///
    /// The deadline has passed with problems not closed off.
    pub overdue: bool,
    /// 印发审议意见的工作人员用户 ID。
    ///
    /// The staff user who issued it.
    pub issued_by: Uuid,
    /// 印发时间（UTC）。
    ///
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
    /// 问题清单。
    ///
    /// The problem list.
    pub problems: Vec<ProblemView>,
}

pub(super) fn opinion_view(o: Opinion, today: NaiveDate) -> OpinionView {
    let overdue = o.overdue(today);
    OpinionView {
        id: o.id,
        unit_id: o.unit_id.into(),
        round: o.round,
        content: o.content,
        deadline: o.deadline,
        overdue,
        issued_by: o.issued_by.into(),
        issued_at: o.issued_at,
        problems: o.problems.into_iter().map(ProblemView::from).collect(),
    }
}

/// 审议意见及其问题清单。
///
/// A deliberation opinion with its list of problems.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80",
    "content": "关于全区食品安全法实施情况的审议意见",
    "deadline": "2026-12-31",
    "problems": ["农贸市场进货查验记录不全", "校园食堂抽检覆盖率偏低"]
}))]
pub struct DeliberationOpinionRequest {
    /// 印发对象，须为该事项的被监督单位之一。
    ///
    /// The body it is issued to; one of the item's bodies.
    pub unit_id: Uuid,
    /// 审议意见正文，最多 10000 字。
    ///
    /// The opinion's text, at most 10000 characters.
    pub content: Text<10000>,
    /// 整改期限：今天或以后，不超过最长期限（默认六个月）；不填时为今天起三个月。
    ///
    /// The rectification deadline: today or later, within the longest
    /// period (`RENDA_RECTIFICATION_MAX_MONTHS`, six months by default).
    /// Default: `RENDA_RECTIFICATION_MONTHS` (three) from today.
    pub deadline: Option<NaiveDate>,
    /// 问题清单，每项一个问题，1 至 100 项，每项最多 2000 字。
    ///
    /// The problem list (问题清单), one entry per problem.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_items = 1, max_items = 100)]
    pub problems: Vec<Text<2000>>,
}

/// 印发审议意见 · Issue a deliberation opinion
///
/// 工作人员向被监督单位印发审议意见及其问题清单：在审议阶段印发，
/// 或在满意度测评不满意后于整改阶段作为跟进意见印发。
///
/// Issues a deliberation opinion with its problem list to a body (staff;
/// while deliberating, or rectifying for a follow-up after an unsatisfied
/// vote).
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path)),
    request_body = DeliberationOpinionRequest,
    responses(
        (status = 201, description = "Issued", body = OpinionView),
        (status = 403, description = "Not staff", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such item, or not visible to the caller", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "Not deliberating or rectifying", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/supervisions/{id}/opinions")]
pub async fn issue_opinion(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    body: JsonBody<DeliberationOpinionRequest>,
) -> ApiResult<HttpResponse> {
    let before = load_for(
        &state,
        &caller,
        id.into_inner(),
        SupervisionAction::Administer,
    )
    .await?;
    let b = body.parse()?;
    let input = rules::OpinionInput {
        unit_id: b.unit_id.into(),
        content: b.content.into(),
        deadline: b.deadline,
        problems: b.problems.into_iter().map(String::from).collect(),
    };
    let cmd = ctx(&state, &caller)?;
    let change = rules::issue_opinion(&before, input, &cmd)?;
    let o = change.opinion().cloned().ok_or_else(ApiError::internal)?;
    save(&state, &caller, &before, Ok(change)).await?;
    let today = cmd.today;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/supervisions/{}/opinions/{}", before.id, o.id),
        ))
        .json(opinion_view(o, today)))
}

/// 整改报告。
///
/// A rectification report (整改报告).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb6", "opinion_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb4", "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "summary": "已按审议意见完成整改", "answers": [{"problem_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb5", "measures": "全部摊位已公示进货查验记录"}], "submitted_by": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e02", "submitted_at": "2026-11-27T08:00:00Z"}))]
pub struct ReportView {
    /// 整改报告 ID。
    ///
    /// The report's id.
    pub id: Uuid,
    /// 所答复的审议意见 ID。
    ///
    /// The opinion it answers.
    pub opinion_id: Uuid,
    /// 提交报告的被监督单位 ID。
    ///
    /// The body that reported.
    pub unit_id: Uuid,
    /// 整改情况概述。
    ///
    /// A summary of the rectification.
    pub summary: String,
    /// 对各问题的逐项答复。
    ///
    /// The answers, problem by problem.
    pub answers: Vec<AnswerView>,
    /// 提交报告的单位用户 ID。
    ///
    /// The unit user who submitted it.
    pub submitted_by: Uuid,
    /// 提交时间（UTC）。
    ///
    /// When it was submitted.
    pub submitted_at: DateTime<Utc>,
}

/// 被监督单位对一个问题的答复。
///
/// A body's answer to one problem.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerView {
    /// 问题 ID。
    ///
    /// The problem's id.
    pub problem_id: Uuid,
    /// 被监督单位采取的整改措施。
    ///
    /// What the body did about it.
    pub measures: String,
}

/// 被监督单位报告的对一个问题的答复。
///
/// A body's answer to one problem, as it reports it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    /// 问题 ID：须为该审议意见中待整改或被退回的问题。
    ///
    /// The problem's id: an open or sent-back problem of the opinion.
    pub problem_id: Uuid,
    /// 采取的整改措施，最多 5000 字。
    ///
    /// What the body did about it.
    pub measures: Text<5000>,
}

impl From<Report> for ReportView {
    fn from(r: Report) -> Self {
        Self {
            id: r.id,
            opinion_id: r.opinion_id,
            unit_id: r.unit_id.into(),
            summary: r.summary,
            answers: r
                .answers
                .into_iter()
                .map(|a| AnswerView {
                    problem_id: a.problem_id,
                    measures: a.measures,
                })
                .collect(),
            submitted_by: r.submitted_by.into(),
            submitted_at: r.submitted_at,
        }
    }
}

/// 被监督单位的整改报告，逐项答复审议意见中的问题。
///
/// A body's rectification report, answering problems of the opinion one by one.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "summary": "已按审议意见完成整改",
    "answers": [{"problem_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb1", "measures": "全部摊位已公示进货查验记录"}]
}))]
pub struct ReportRequest {
    /// 整改情况概述，最多 10000 字。
    ///
    /// A summary of the rectification, at most 10000 characters.
    pub summary: Text<10000>,
    /// 逐项答复该审议意见中待整改或被退回的问题，1 至 100 项；答复后问题变为 `answered`。
    ///
    /// Open or sent-back problems of this opinion; each becomes `answered`.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_items = 1, max_items = 100)]
    pub answers: Vec<AnswerBody>,
}

/// 提交整改报告 · Submit a rectification report
///
/// 被监督单位的用户在整改阶段，就发给本单位的审议意见提交整改报告。
///
/// Submits the body's rectification report on an opinion addressed to it
/// (its unit users, while rectifying).
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path), ("opinion_id" = Uuid, Path)),
    request_body = ReportRequest,
    responses(
        (status = 201, description = "Submitted", body = ReportView),
        (status = 403, description = "Not a user of the body the opinion is addressed to", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such item or opinion, or not visible to the caller", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "Not rectifying, or a problem is not awaiting rectification", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/supervisions/{id}/opinions/{opinion_id}/reports")]
pub async fn submit_report(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid)>,
    body: JsonBody<ReportRequest>,
) -> ApiResult<HttpResponse> {
    let (id, opinion_id) = path.into_inner();
    let before = load_for(&state, &caller, id, SupervisionAction::ReadRecords).await?;
    let opinion = state
        .store
        .supervision_opinions(id)
        .await?
        .into_iter()
        .find(|o| o.id == opinion_id);
    // An opinion addressed to another body is as unknown as a missing one.
    let opinion = match (opinion, body_only(&caller, &before)) {
        (Some(o), Some(u)) if o.unit_id != u.into() => None,
        (o, _) => o,
    }
    .ok_or_else(ApiError::not_found)?;
    answer(decide_supervision(
        &caller.principal,
        SupervisionAction::ReportAsBody {
            unit_id: opinion.unit_id,
        },
        &scope(&before),
    ))?;
    let b = body.parse()?;
    let input = rules::ReportInput {
        summary: b.summary.into(),
        answers: b
            .answers
            .into_iter()
            .map(|a| ProblemAnswer {
                problem_id: a.problem_id,
                measures: a.measures.into(),
            })
            .collect(),
    };
    let change = rules::submit_report(&before, &opinion, input, &ctx(&state, &caller)?)?;
    let r = change.report().cloned().ok_or_else(ApiError::internal)?;
    save(&state, &caller, &before, Ok(change)).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/supervisions/{}/reports/{}", before.id, r.id),
        ))
        .json(ReportView::from(r)))
}

/// 人大办对问题的销号意见。
///
/// The office's word on a problem.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"note": "经实地核查，整改到位"}))]
pub struct CloseOffRequest {
    /// 销号说明，最多 2000 字；可不填，空白视为未填。
    ///
    /// A note on closing it off, at most 2000 characters; optional, blank
    /// counts as none.
    #[serde(default, deserialize_with = "crate::patch::blank_none")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub note: Option<Text<2000>>,
}

/// 整改不到位的理由。
///
/// Why a rectification falls short.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "整改措施未落实到全部摊位"}))]
pub struct SendBackRequest {
    /// 退回理由，最多 2000 字。
    ///
    /// Why it is sent back, at most 2000 characters.
    pub reason: Text<2000>,
}

/// The item's problem `problem_id`, if it has one.
async fn find_problem(state: &AppState, id: Uuid, problem_id: Uuid) -> ApiResult<Option<Problem>> {
    Ok(state
        .store
        .supervision_opinions(id)
        .await?
        .into_iter()
        .flat_map(|o| o.problems)
        .find(|p| p.id == problem_id))
}

/// Saves the office's word on a problem and answers with the problem as saved.
async fn save_problem(
    state: &AppState,
    caller: &Caller,
    before: &SupervisionItem,
    problem_id: Uuid,
    change: Result<Change, SupervisionError>,
) -> ApiResult<HttpResponse> {
    save(state, caller, before, change).await?;
    let stored = find_problem(state, before.id, problem_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(ProblemView::from(stored)))
}

/// 问题销号 · Close a problem off
///
/// 被监督单位作出答复后，工作人员在整改阶段将问题销号。
///
/// Closes a problem off (销号) after the body's answer (staff, while rectifying).
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path), ("problem_id" = Uuid, Path)),
    request_body = CloseOffRequest,
    responses(
        (status = 200, description = "Closed off", body = ProblemView),
        (status = 403, description = "Not staff", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such item or problem", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "Not rectifying, or the problem has no answer to review", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/supervisions/{id}/problems/{problem_id}/close-off")]
pub async fn close_off_problem(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid)>,
    body: JsonBody<CloseOffRequest>,
) -> ApiResult<HttpResponse> {
    let (id, problem_id) = path.into_inner();
    let before = load_for(&state, &caller, id, SupervisionAction::Administer).await?;
    let b = body.parse()?;
    let problem = find_problem(&state, id, problem_id).await?;
    let change = rules::close_off_problem(&before, problem.as_ref(), b.note.map(String::from));
    save_problem(&state, &caller, &before, problem_id, change).await
}

/// 退回问题 · Send a problem back
///
/// 工作人员在整改阶段将问题退回被监督单位，并说明理由。
///
/// Sends a problem back to the body with a reason (staff, while rectifying).
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path), ("problem_id" = Uuid, Path)),
    request_body = SendBackRequest,
    responses(
        (status = 200, description = "Sent back", body = ProblemView),
        (status = 403, description = "Not staff", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such item or problem", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "Not rectifying, or the problem has no answer to review", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/supervisions/{id}/problems/{problem_id}/send-back")]
pub async fn send_back_problem(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid)>,
    body: JsonBody<SendBackRequest>,
) -> ApiResult<HttpResponse> {
    let (id, problem_id) = path.into_inner();
    let before = load_for(&state, &caller, id, SupervisionAction::Administer).await?;
    let b = body.parse()?;
    let problem = find_problem(&state, id, problem_id).await?;
    let change = rules::send_back_problem(&before, problem.as_ref(), b.reason.into());
    save_problem(&state, &caller, &before, problem_id, change).await
}
