//! Following the adopted projects: progress, comments and ratings.

use super::*;
use access::member;
use renda_domain::text::Text;

async fn project(state: &AppState, id: Uuid, pid: Uuid) -> ApiResult<(Round, Candidate)> {
    let round = state.store.get_round(id).await?;
    let c = state.store.get_candidate(id, pid).await?;
    rules::project(&c)?;
    Ok((round, c))
}

/// 项目进展报告。
///
/// A progress report.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ef3", "percent": 60, "note": "已完成18个小区加装", "reported_on": "2027-06-30", "reported_by": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e02", "created_at": "2026-11-27T08:00:00Z"}))]
pub struct ProgressView {
    /// 进展报告 ID。
    ///
    /// The report's id.
    pub id: Uuid,
    /// 完成百分比（0–100）。
    ///
    /// Percent done (0–100).
    pub percent: i32,
    /// 进展说明。
    ///
    /// What was done.
    pub note: String,
    /// 报告所述的日期（如 `2027-06-30`）。
    ///
    /// The day the report speaks for.
    pub reported_on: NaiveDate,
    /// 报告的责任单位用户 ID。
    ///
    /// The unit user who reported.
    pub reported_by: Uuid,
    /// 提交时间（UTC）。
    ///
    /// When it was submitted.
    pub created_at: DateTime<Utc>,
}

impl From<Progress> for ProgressView {
    fn from(p: Progress) -> Self {
        Self {
            id: p.id,
            percent: p.percent,
            note: p.note,
            reported_on: p.reported_on,
            reported_by: p.reported_by.into(),
            created_at: p.created_at,
        }
    }
}

impl Keyed for ProgressView {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.created_at)
    }
}

/// 要报告的进展。
///
/// Progress to report.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"percent": 60, "note": "已完成18个小区加装", "reported_on": "2027-06-30"}))]
pub struct ProgressRequest {
    /// 完成百分比，0 至 100。
    ///
    /// Percent done, 0 to 100.
    #[validate(range(min = 0, max = 100))]
    #[schema(minimum = 0, maximum = 100)]
    pub percent: i32,
    /// 进展说明，最多 5000 字。
    ///
    /// What was done, at most 5000 characters.
    pub note: Text<5000>,
    /// 报告日期；不填时为今天，不能晚于今天。
    ///
    /// Today if absent; never in the future.
    pub reported_on: Option<NaiveDate>,
}

/// 报告项目进展 · Report a project's progress
///
/// 在实施或评议阶段，项目责任单位的用户报告项目进展。
///
/// Reports a project's progress (its responsible unit's users, while
/// implementing or evaluating).
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path), ("project_id" = Uuid, Path)),
    request_body = ProgressRequest,
    responses(
        (status = 201, description = "Reported", body = ProgressView),
        (status = 403, description = "Not the project's unit", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not implementing or evaluating", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/livelihood-rounds/{id}/projects/{project_id}/progress")]
pub async fn report_progress(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid)>,
    body: JsonBody<ProgressRequest>,
) -> ApiResult<HttpResponse> {
    let (id, pid) = path.into_inner();
    let (round, p) = project(&state, id, pid).await?;
    let reporter = access::project_unit_user(&caller, &p)?;
    let b = body.parse()?;
    let input = rules::ProgressInput {
        percent: b.percent,
        note: b.note.into(),
        reported_on: b.reported_on,
    };
    let pr = rules::report_progress(&round, &p, input, reporter, &command_ctx(&state))?;
    let pr = match state
        .store
        .add_progress(&caller.audit(), round.id, pr)
        .await
    {
        Ok(p) => p,
        Err(e) => return Err(store_error(&state, e, round.id).await),
    };
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/livelihood-rounds/{id}/projects/{pid}/progress"),
        ))
        .json(ProgressView::from(pr)))
}

/// 项目进展列表 · List a project's progress reports
///
/// 按时间先后列出项目的进展报告，所有人可查看。
///
/// A project's progress reports, oldest first (everyone).
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path), ("project_id" = Uuid, Path), WholeListParams),
    responses(
        (status = 200, description = "Progress reports", body = ListResponse<ProgressView>),
    ),
    security((), ("bearer" = []))
)]
#[get("/livelihood-rounds/{id}/projects/{project_id}/progress")]
pub async fn list_progress(
    state: Data<AppState>,
    path: Path<(Uuid, Uuid)>,
    page: QueryParams<WholeListParams>,
) -> ApiResult<HttpResponse> {
    let (id, pid) = path.into_inner();
    let (_, p) = project(&state, id, pid).await?;
    let items: Vec<ProgressView> = state
        .store
        .project_progress(p.id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(crate::respond::page(ListResponse::from_vec(
        items, &page.0,
    )?))
}

/// 代表对项目的意见。
///
/// A deputy's comment.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ef2", "deputy_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e11", "content": "建议优先安排老年人比例高的小区", "created_at": "2026-11-27T08:00:00Z"}))]
pub struct CommentView {
    /// 意见 ID。
    ///
    /// The comment's id.
    pub id: Uuid,
    /// 发表意见的代表 ID。
    ///
    /// The deputy who commented.
    pub deputy_id: Uuid,
    /// 意见内容。
    ///
    /// The comment.
    pub content: String,
    /// 发表时间（UTC）。
    ///
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

impl Keyed for CommentView {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.created_at)
    }
}

impl From<Comment> for CommentView {
    fn from(c: Comment) -> Self {
        Self {
            id: c.id,
            deputy_id: c.deputy_id.into(),
            content: c.content,
            created_at: c.created_at,
        }
    }
}

/// 要发表的意见。
///
/// A comment to add.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"content": "建议优先安排老年人比例高的小区"}))]
pub struct CommentRequest {
    /// 意见内容，最多 2000 字。
    ///
    /// The comment, at most 2000 characters.
    pub content: Text<2000>,
}

/// 评论项目 · Comment on a project
///
/// 在实施或评议阶段，本轮所属人大的代表对项目发表意见。
///
/// Comments on a project (a deputy of the round's congress, while
/// implementing or evaluating).
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path), ("project_id" = Uuid, Path)),
    request_body = CommentRequest,
    responses(
        (status = 201, description = "Added", body = CommentView),
        (status = 403, description = "Not a deputy of the round's congress", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not implementing or evaluating", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/livelihood-rounds/{id}/projects/{project_id}/comments")]
pub async fn add_comment(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid)>,
    body: JsonBody<CommentRequest>,
) -> ApiResult<HttpResponse> {
    let (id, pid) = path.into_inner();
    let (round, p) = project(&state, id, pid).await?;
    let deputy = member(&state, &caller, &round).await?;
    let b = body.parse()?;
    let c = rules::comment(
        &round,
        &p,
        deputy.into(),
        b.content.into(),
        &command_ctx(&state),
    )?;
    let c = match state.store.add_comment(&caller.audit(), round.id, c).await {
        Ok(c) => c,
        Err(e) => return Err(store_error(&state, e, round.id).await),
    };
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/livelihood-rounds/{id}/projects/{pid}/comments"),
        ))
        .json(CommentView::from(c)))
}

/// 项目意见列表 · List comments on a project
///
/// 列出代表对项目的意见，所有人可查看。
///
/// Deputies' comments on a project (everyone).
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path), ("project_id" = Uuid, Path), WholeListParams),
    responses(
        (status = 200, description = "Comments", body = ListResponse<CommentView>),
    ),
    security((), ("bearer" = []))
)]
#[get("/livelihood-rounds/{id}/projects/{project_id}/comments")]
pub async fn list_comments(
    state: Data<AppState>,
    path: Path<(Uuid, Uuid)>,
    page: QueryParams<WholeListParams>,
) -> ApiResult<HttpResponse> {
    let (id, pid) = path.into_inner();
    let (_, p) = project(&state, id, pid).await?;
    let items: Vec<CommentView> = state
        .store
        .project_comments(p.id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(crate::respond::page(ListResponse::from_vec(
        items, &page.0,
    )?))
}

/// 对项目的评议。
///
/// A rating of a project.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"choice": "satisfied"}))]
pub struct RatingRequest {
    /// 评议：`satisfied` 满意、`basically_satisfied` 基本满意、`unsatisfied` 不满意。
    ///
    /// The rating: `satisfied`, `basically_satisfied` or `unsatisfied`.
    pub choice: Rating,
}

/// 调用者本人已作的评议。
///
/// The caller's recorded rating.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"project_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ef1", "choice": "satisfied", "rated_at": "2026-11-27T08:00:00Z"}))]
pub struct RatingView {
    /// 项目（即候选项目）ID。
    ///
    /// The project's (candidate's) id.
    pub project_id: Uuid,
    /// 评议结果。
    ///
    /// The rating.
    pub choice: Rating,
    /// 评议时间（UTC）。
    ///
    /// When it was given.
    pub rated_at: DateTime<Utc>,
}

/// 评议项目 · Rate a project
///
/// 在评议阶段，本轮所属人大的代表对项目评议打分，只能一次；该评议计入代表的履职记录。
///
/// Rates a project once (a deputy of the round's congress, while
/// evaluating). The rating is a duty record of the deputy.
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path), ("project_id" = Uuid, Path)),
    request_body = RatingRequest,
    responses(
        (status = 201, description = "Rated", body = RatingView),
        (status = 403, description = "Not a deputy of the round's congress", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not evaluating, or already rated", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/livelihood-rounds/{id}/projects/{project_id}/rating")]
pub async fn rate_project(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid)>,
    body: JsonBody<RatingRequest>,
) -> ApiResult<HttpResponse> {
    let (id, pid) = path.into_inner();
    let (round, p) = project(&state, id, pid).await?;
    let deputy = member(&state, &caller, &round).await?;
    let b = body.parse()?;
    rules::check_rating(&round)?;
    let user = caller.actor()?.user_id;
    match state
        .store
        .rate_project(
            &caller.audit(),
            &p,
            deputy,
            user.into(),
            b.choice,
            state.clock.today(),
        )
        .await
    {
        Ok(at) => Ok(HttpResponse::Created()
            .insert_header((
                header::LOCATION,
                format!("/api/v1/livelihood-rounds/{id}/candidates/{pid}"),
            ))
            .json(RatingView {
                project_id: p.id,
                choice: b.choice,
                rated_at: at,
            })),
        Err(e) => Err(store_error(&state, e, round.id).await),
    }
}
