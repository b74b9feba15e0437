//! Deliberation opinions, the bodies' rectification reports and the
//! office's word on each problem.

use super::*;
use renda_domain::text::Text;

/// One problem of an opinion's list.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb5", "opinion_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb4", "position": 1, "description": "农贸市场进货查验记录不全", "status": "closed", "note": "经实地核查，整改到位", "closed_at": "2026-11-27T08:00:00Z", "updated_at": "2026-11-27T08:00:00Z"}))]
pub struct ProblemView {
    pub id: Uuid,
    pub opinion_id: Uuid,
    pub position: i32,
    pub description: String,
    pub status: ProblemStatus,
    /// Why it was sent back, or a note on closing it off.
    pub note: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
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

/// A deliberation opinion (审议意见) issued to one body.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb4", "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "round": 1, "content": "关于全区食品安全法实施情况的审议意见", "deadline": "2026-12-31", "overdue": false, "issued_by": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e01", "issued_at": "2026-11-27T08:00:00Z", "problems": [{"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb5", "opinion_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb4", "position": 1, "description": "农贸市场进货查验记录不全", "status": "answered", "note": null, "closed_at": null, "updated_at": "2026-11-27T08:00:00Z"}]}))]
pub struct OpinionView {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub round: i32,
    pub content: String,
    /// The rectification deadline.
    pub deadline: NaiveDate,
    /// The deadline has passed with problems not closed off.
    pub overdue: bool,
    pub issued_by: Uuid,
    pub issued_at: DateTime<Utc>,
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
    /// The body it is issued to; one of the item's bodies.
    pub unit_id: Uuid,
    pub content: Text<10000>,
    /// The rectification deadline: today or later, within the longest
    /// period (`RENDA_RECTIFICATION_MAX_MONTHS`, six months by default).
    /// Default: `RENDA_RECTIFICATION_MONTHS` (three) from today.
    pub deadline: Option<NaiveDate>,
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

/// A rectification report (整改报告).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb6", "opinion_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb4", "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "summary": "已按审议意见完成整改", "answers": [{"problem_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb5", "measures": "全部摊位已公示进货查验记录"}], "submitted_by": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e02", "submitted_at": "2026-11-27T08:00:00Z"}))]
pub struct ReportView {
    pub id: Uuid,
    pub opinion_id: Uuid,
    pub unit_id: Uuid,
    pub summary: String,
    pub answers: Vec<AnswerView>,
    pub submitted_by: Uuid,
    pub submitted_at: DateTime<Utc>,
}

/// A body's answer to one problem.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerView {
    pub problem_id: Uuid,
    /// What the body did about it.
    pub measures: String,
}

/// A body's answer to one problem, as it reports it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    pub problem_id: Uuid,
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

/// A body's rectification report, answering problems of the opinion one by one.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "summary": "已按审议意见完成整改",
    "answers": [{"problem_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb1", "measures": "全部摊位已公示进货查验记录"}]
}))]
pub struct ReportRequest {
    pub summary: Text<10000>,
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

/// The office's word on a problem.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"note": "经实地核查，整改到位"}))]
pub struct CloseOffRequest {
    #[serde(default, deserialize_with = "crate::patch::blank_none")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub note: Option<Text<2000>>,
}

/// Why a rectification falls short.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "整改措施未落实到全部摊位"}))]
pub struct SendBackRequest {
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
