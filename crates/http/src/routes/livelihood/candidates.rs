//! Proposing, listing and reviewing candidates.

use super::*;
use renda_domain::text::{Line, Text};

/// 候选项目；确定后即为民生实事项目。
///
/// A candidate; once adopted, a project.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ef1", "round_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ef0", "title": "城区老旧小区加装电梯", "description": "为30个老旧小区加装电梯", "estimated_budget": 30000000, "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "source": "public", "status": "adopted", "review_reason": "群众呼声高，资金可落实", "approvals": 96, "against": 4, "abstentions": 20, "created_at": "2026-11-27T08:00:00Z", "updated_at": "2026-11-27T08:00:00Z"}))]
pub struct CandidateResponse {
    /// 候选项目 ID。
    ///
    /// The candidate's id.
    pub id: Uuid,
    /// 所属票决轮次 ID。
    ///
    /// The round's id.
    pub round_id: Uuid,
    /// 项目名称。
    ///
    /// The title.
    pub title: String,
    /// 项目内容。
    ///
    /// What it is.
    pub description: String,
    /// 估算投资，单位：元；未填写时为 null。
    ///
    /// Yuan.
    pub estimated_budget: Option<i64>,
    /// 责任单位 ID；尚未确定时为 null。
    ///
    /// The responsible unit.
    pub unit_id: Option<Uuid>,
    /// 提出方：`public` 群众、`deputy` 代表、`government` 政府。
    ///
    /// Who proposed it: `public`, `deputy` or `government`.
    pub source: CandidateSource,
    /// 状态：已提出、入围、未入围、确定为项目、未确定或末位同票待定。
    ///
    /// Where it stands: proposed, shortlisted, rejected, adopted, not adopted
    /// or tied.
    pub status: CandidateStatus,
    /// 初审入围或未入围的理由；初审前为 null。
    ///
    /// Why it was shortlisted or not.
    pub review_reason: Option<String>,
    /// 赞成票数；投票结束前及未入围的为 null。
    ///
    /// The vote's count, once the vote is closed.
    pub approvals: Option<u32>,
    /// 反对票数；投票结束前及未入围的为 null。
    ///
    /// Votes against, once the vote is closed.
    pub against: Option<u32>,
    /// 弃权票数（含未标记的）；投票结束前及未入围的为 null。
    ///
    /// Abstentions, unmarked included, once the vote is closed.
    pub abstentions: Option<u32>,
    /// 提出时间（UTC）。
    ///
    /// When it was proposed.
    pub created_at: DateTime<Utc>,
    /// 最后变更时间（UTC）。
    ///
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<Candidate> for CandidateResponse {
    fn from(c: Candidate) -> Self {
        Self {
            id: c.id,
            round_id: c.round_id,
            title: c.title,
            description: c.description,
            estimated_budget: c.estimated_budget,
            unit_id: c.unit_id.map(Into::into),
            source: c.source,
            status: c.status,
            review_reason: c.review_reason,
            approvals: c.approvals,
            against: c.against,
            abstentions: c.abstentions,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

impl Keyed for CandidateResponse {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.updated_at)
    }
}

/// 推荐的候选项目。
///
/// A candidate to propose.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "城区老旧小区加装电梯", "description": "为30个老旧小区加装电梯",
    "estimated_budget": 30000000, "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80"
}))]
pub struct ProposeRequest {
    /// 项目名称，最多 200 字。
    ///
    /// The title, at most 200 characters.
    pub title: Line<200>,
    /// 项目内容，最多 5000 字。
    ///
    /// What it is, at most 5000 characters.
    pub description: Text<5000>,
    /// 估算投资，单位：元（0 至 1 万亿）；可不填。
    ///
    /// Yuan.
    #[validate(range(min = 0, max = 1_000_000_000_000_i64))]
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub estimated_budget: Option<i64>,
    /// 建议的责任单位 ID，须为已登记的单位；可不填。
    ///
    /// The unit to carry it out.
    pub unit_id: Option<Uuid>,
}

/// 推荐候选项目 · Propose a candidate
///
/// 在征集阶段推荐候选项目：任何人（无需账号，与群众意见一样按客户端地址限制次数）、代表，
/// 或由工作人员代为提出政府推荐的项目。
///
/// Proposes a candidate while the round collects: anyone (without an
/// account, limited per client address like constituent opinions), a
/// deputy, or staff for a government proposal.
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path)),
    request_body = ProposeRequest,
    responses(
        (status = 201, description = "Proposed", body = CandidateResponse, headers(("Location" = String))),
        (status = 409, description = "The round no longer collects", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many proposals from this address", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = String))),
    ),
    security((), ("bearer" = []))
)]
#[post("/livelihood-rounds/{id}/candidates")]
pub async fn propose_candidate(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    req: HttpRequest,
    body: JsonBody<ProposeRequest>,
) -> ApiResult<HttpResponse> {
    let round = state.store.get_round(id.into_inner()).await?;
    let (by, limited) = access::proposer(&caller);
    if limited {
        limit_anonymous(&state, &req).await?;
    }
    let b = body.parse()?;
    let unit_exists = match b.unit_id {
        Some(u) => state.store.unit_exists(u).await?,
        None => false,
    };
    let input = rules::ProposeInput {
        title: b.title.into(),
        description: b.description.into(),
        estimated_budget: b.estimated_budget,
        unit_id: b.unit_id.map(Into::into),
    };
    let c = rules::propose(&round, input, unit_exists, by, &command_ctx(&state))?;
    let c = match state.store.create_candidate(&caller.audit(), c).await {
        Ok(c) => c,
        Err(e) => return Err(store_error(&state, e, round.id).await),
    };
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/livelihood-rounds/{}/candidates/{}", round.id, c.id),
        ))
        .json(CandidateResponse::from(c)))
}

/// Which candidates.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CandidateFilterParams {
    /// `adopted` lists the projects.
    pub status: Option<CandidateStatus>,
}

/// 候选项目列表 · List a round's candidates
///
/// 列出一轮票决的候选项目，所有人可查看；`status=adopted` 返回本轮确定的项目。
///
/// A round's candidates (everyone); `status=adopted` gives its projects.
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path), WholeListParams, CandidateFilterParams),
    responses(
        (status = 200, description = "Candidates", body = ListResponse<CandidateResponse>),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/livelihood-rounds/{id}/candidates")]
pub async fn list_candidates(
    state: Data<AppState>,
    id: Path<Uuid>,
    page: QueryParams<WholeListParams>,
    filter: QueryParams<CandidateFilterParams>,
) -> ApiResult<HttpResponse> {
    let r = state.store.get_round(id.into_inner()).await?;
    let items: Vec<CandidateResponse> = state
        .store
        .round_candidates(r.id, filter.0.status)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(crate::respond::page(ListResponse::from_vec(
        items, &page.0,
    )?))
}

/// 项目现状：最新进展和评议结果。
///
/// A project's standing: its latest progress and its ratings.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectStanding {
    /// 最近一次报告的完成百分比（0–100）；尚无进展报告时为 null。
    ///
    /// The latest reported percentage.
    pub percent: Option<i32>,
    /// 代表评议结果：满意、基本满意、不满意各多少票。
    ///
    /// The deputies' ratings: how many satisfied, basically satisfied and
    /// unsatisfied.
    pub ratings: Tally,
}

/// 候选项目；确定为项目的，附带其现状。
///
/// A candidate, and for a project its standing.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ef1", "round_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ef0", "title": "城区老旧小区加装电梯", "description": "为30个老旧小区加装电梯", "estimated_budget": 30000000, "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "source": "public", "status": "adopted", "review_reason": "群众呼声高，资金可落实", "approvals": 96, "against": 4, "abstentions": 20, "created_at": "2026-11-27T08:00:00Z", "updated_at": "2026-11-27T08:00:00Z", "project": {"percent": 60, "ratings": {"satisfied": 80, "basically_satisfied": 30, "unsatisfied": 10}}}))]
pub struct CandidateDetail {
    #[serde(flatten)]
    pub candidate: CandidateResponse,
    /// 项目现状；未确定为项目时为 null。
    ///
    /// The project's standing; null unless adopted.
    pub project: Option<ProjectStanding>,
}

/// 查看候选项目 · Get a candidate
///
/// 查看一个候选项目，所有人可查看。
///
/// Reads a candidate (everyone).
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path), ("candidate_id" = Uuid, Path)),
    responses(
        (status = 200, description = "The candidate", body = CandidateDetail),
        (status = 404, description = "No such round or candidate", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/livelihood-rounds/{id}/candidates/{candidate_id}")]
pub async fn get_candidate(
    state: Data<AppState>,
    path: Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (id, cid) = path.into_inner();
    let c = state.store.get_candidate(id, cid).await?;
    let project = if c.is_project() {
        let percent = state
            .store
            .project_progress(c.id)
            .await?
            .last()
            .map(|p| p.percent);
        let ratings = state
            .store
            .round_ratings(id)
            .await?
            .remove(&c.id)
            .unwrap_or_default();
        Some(ProjectStanding { percent, ratings })
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(CandidateDetail {
        candidate: c.into(),
        project,
    }))
}

/// 人大办对候选项目的初审决定。
///
/// The office's decision on a candidate.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"shortlist": true, "reason": "群众呼声高，资金可落实", "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80"}))]
pub struct ReviewRequest {
    /// 是否入围（列入选票）。
    ///
    /// Whether it goes on the ballot.
    pub shortlist: bool,
    /// 理由，最多 2000 字。
    ///
    /// The reason, at most 2000 characters.
    pub reason: Text<2000>,
    /// 责任单位 ID；入围的候选项目须有责任单位。
    ///
    /// The responsible unit (a shortlisted candidate needs one).
    pub unit_id: Option<Uuid>,
}

/// 初审候选项目 · Review a candidate
///
/// 工作人员在初审阶段决定候选项目是否入围，并说明理由；入围的候选项目须有责任单位。
///
/// Shortlists a candidate or not, with a reason (staff, while reviewing).
/// A shortlisted candidate needs a responsible unit.
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path), ("candidate_id" = Uuid, Path)),
    request_body = ReviewRequest,
    responses(
        (status = 200, description = "Reviewed", body = CandidateResponse),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such round or candidate", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not reviewing", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No responsible unit, or bad input", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/livelihood-rounds/{id}/candidates/{candidate_id}/review")]
pub async fn review_candidate(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid)>,
    body: JsonBody<ReviewRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageLivelihood)?;
    let (id, cid) = path.into_inner();
    let round = state.store.get_round(id).await?;
    let before = state.store.get_candidate(id, cid).await?;
    let b = body.parse()?;
    let unit_exists = match b.unit_id {
        Some(u) => state.store.unit_exists(u).await?,
        None => false,
    };
    let input = rules::ReviewInput {
        shortlist: b.shortlist,
        reason: b.reason.into(),
        unit_id: b.unit_id.map(Into::into),
    };
    let reviewer = caller.actor()?.user_id;
    let change = rules::review(&round, &before, input, unit_exists, reviewer.into())?;
    let saved = state
        .store
        .save_candidate(
            &caller.audit(),
            &before,
            change.after,
            RoundStage::Reviewing,
            change.action,
        )
        .await;
    let c = match saved {
        Ok(c) => c,
        Err(e) => return Err(store_error(&state, e, round.id).await),
    };
    Ok(HttpResponse::Ok().json(CandidateResponse::from(c)))
}
