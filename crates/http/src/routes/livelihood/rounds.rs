//! Planning, listing and reading rounds.

use super::*;
use renda_domain::livelihood::MajorityBase;
use renda_domain::text::Line;

/// 一轮民生实事项目票决。
///
/// A round.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f00", "year": 2027, "level": "county", "term": "第十九届",
    "title": "2027年宿城区民生实事项目", "seats": 10, "secret_ballot": true, "stage": "voting",
    "ballots_cast": 120, "tie_break": null, "majority": "cast",
    "congress_session_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f60", "voting_members": null,
    "created_at": "2026-11-27T08:00:00Z", "updated_at": "2026-12-20T08:00:00Z"
}))]
pub struct RoundResponse {
    /// 票决轮次 ID。
    ///
    /// The round's id.
    pub id: Uuid,
    /// 项目所属年度。
    ///
    /// The year the projects are for.
    pub year: i32,
    /// 投票代表所属人大的级别；与 `term` 一起确定是哪一届人大。
    ///
    /// The congress whose deputies vote: level and term.
    pub level: Level,
    /// 届次，如“第十九届”。
    ///
    /// The congress term, e.g. 第十九届.
    pub term: String,
    /// 名称。
    ///
    /// The title.
    pub title: String,
    /// 本轮确定的项目数。
    ///
    /// How many projects the vote adopts.
    pub seats: u32,
    /// 是否无记名投票：是则任何人都无法得知谁选择了什么。
    ///
    /// Whether who chose what stays unknown to everyone.
    pub secret_ballot: bool,
    /// 当前阶段。
    ///
    /// The current stage.
    pub stage: RoundStage,
    /// 已投选票数。
    ///
    /// Ballots cast so far.
    pub ballots_cast: u64,
    /// 末位同票的决定（JSON 文本，含 `tied`、`adopted`、`reason`）；没有时为 null。
    ///
    /// How a tie at the cut-off was decided (JSON text), if there was one.
    pub tie_break: Option<String>,
    /// 过半数的计算基数：`cast` 已投选票，或 `membership` 全体在任代表。
    ///
    /// What a candidate's approvals must exceed half of to be adopted:
    /// the ballots cast, or every serving deputy of the congress
    /// (`RENDA_LIVELIHOOD_MAJORITY` when the round was opened).
    pub majority: MajorityBase,
    /// 开始投票时该人大正在举行的会议 ID；尚未投票或闭会期间投票时为 null。
    ///
    /// The plenary session the vote was held at, when voting started
    /// while one of the round's congress sat.
    pub congress_session_id: Option<Uuid>,
    /// 投票结束时该人大的在任代表数，须有过半数投票；投票结束前为 null。
    ///
    /// The serving deputies of the round's congress when the vote closed;
    /// more than half of them must have cast a ballot.
    pub voting_members: Option<u32>,
    /// 创建时间（UTC）。
    ///
    /// When the round was opened.
    pub created_at: DateTime<Utc>,
    /// 最后变更时间（UTC）。
    ///
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

pub(super) async fn round_view(state: &AppState, r: Round) -> ApiResult<RoundResponse> {
    let ballots_cast = state.store.ballots_cast(r.id).await?;
    Ok(response(r, ballots_cast))
}

fn response(r: Round, ballots_cast: u64) -> RoundResponse {
    RoundResponse {
        id: r.id,
        year: r.year,
        level: r.level,
        term: r.term,
        title: r.title,
        seats: r.seats,
        secret_ballot: r.secret_ballot,
        stage: r.stage,
        ballots_cast,
        tie_break: r.tie_break,
        majority: r.majority,
        congress_session_id: r.congress_session_id,
        voting_members: r.voting_members,
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

/// 新的票决轮次。
///
/// A new round.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "year": 2027, "level": "county", "term": "第十九届", "title": "2027年宿城区民生实事项目",
    "seats": 10, "secret_ballot": true
}))]
pub struct CreateRoundRequest {
    /// 项目所属年度。
    ///
    /// The year the projects are for.
    #[validate(range(min = 1949, max = 2999))]
    #[schema(minimum = 1949, maximum = 2999)]
    pub year: i32,
    /// 投票代表所属人大的级别。
    ///
    /// The level of the congress whose deputies vote.
    pub level: Level,
    /// 届次，如“第十九届”，最多 40 字。
    ///
    /// The congress term, e.g. 第十九届, at most 40 characters.
    pub term: Line<40>,
    /// 名称，最多 200 字。
    ///
    /// The title, at most 200 characters.
    pub title: Line<200>,
    /// 本轮确定的项目数，1 至 100；每张选票最多赞成这么多项。
    ///
    /// How many projects the vote adopts, 1 to 100; a ballot approves at most
    /// that many.
    #[validate(range(min = 1, max = 100))]
    #[schema(minimum = 1, maximum = 100)]
    pub seats: u32,
    /// 是否无记名投票；默认是。
    ///
    /// Default true.
    pub secret_ballot: Option<bool>,
}

/// 开启票决轮次 · Open a round
///
/// 工作人员开启一轮民生实事项目票决，从征集候选项目开始。
///
/// Opens a round (staff). It starts collecting candidates.
#[utoipa::path(
    tag = "livelihood",
    request_body = CreateRoundRequest,
    responses(
        (status = 201, description = "Opened", body = RoundResponse, headers(("Location" = String), ("ETag" = String))),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/livelihood-rounds")]
pub async fn create_round(
    state: Data<AppState>,
    caller: Caller,
    body: JsonBody<CreateRoundRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageLivelihood)?;
    let b = body.parse()?;
    let input = rules::RoundInput {
        year: b.year,
        level: b.level,
        term: b.term.into(),
        title: b.title.into(),
        seats: b.seats,
        secret_ballot: b.secret_ballot.unwrap_or(true),
    };
    let r = rules::create_round(input, caller.actor()?.user_id, &command_ctx(&state))?;
    let r = state.store.create_round(&caller.audit(), r).await?;
    let version = r.version;
    let location = format!("/api/v1/livelihood-rounds/{}", r.id);
    Ok(respond::created(
        location,
        version,
        &round_view(&state, r).await?,
    ))
}

/// Filters of the round listing.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RoundFilterParams {
    #[validate(range(min = 1949, max = 2999))]
    #[param(minimum = 1949, maximum = 2999)]
    pub year: Option<i32>,
    pub stage: Option<RoundStage>,
}

/// 票决轮次列表 · List rounds
///
/// 列出各轮票决，所有人可查看（公众可推荐候选项目）。
///
/// Lists rounds (everyone: the public proposes candidates).
#[utoipa::path(
    tag = "livelihood",
    params(ListParams, RoundFilterParams),
    responses(
        (status = 200, description = "A page of rounds", body = ListResponse<RoundResponse>),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/livelihood-rounds")]
pub async fn list_rounds(
    state: Data<AppState>,
    page: QueryParams<ListParams>,
    filter: QueryParams<RoundFilterParams>,
) -> ApiResult<HttpResponse> {
    let page = state
        .store
        .list_rounds(filter.0.year, filter.0.stage, &page.0.options()?)
        .await?;
    let mut counts = std::collections::HashMap::new();
    for row in &page.items {
        if let renda_persistence::list::Row::Live(r) = row {
            counts.insert(r.id, state.store.ballots_cast(r.id).await?);
        }
    }
    Ok(crate::respond::page(ListResponse::from_page(page, |r| {
        let cast = counts.get(&r.id).copied().unwrap_or(0);
        response(r, cast)
    })))
}

/// 查看票决轮次 · Get a round
///
/// 查看一轮票决，所有人可查看。
///
/// Reads a round (everyone).
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The round", body = RoundResponse, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
    ),
    security((), ("bearer" = []))
)]
#[get("/livelihood-rounds/{id}")]
pub async fn get_round(
    state: Data<AppState>,
    id: Path<Uuid>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let r = state.store.get_round(id.into_inner()).await?;
    let version = r.version;
    let v = round_view(&state, r).await?;
    Ok(respond::resource(&req, version, &v))
}
