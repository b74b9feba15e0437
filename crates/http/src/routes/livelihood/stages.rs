//! Moving a round through its stages, breaking ties, and its timeline.

use super::*;
use renda_domain::text::Text;

async fn load_admin(state: &AppState, caller: &Caller, id: Uuid, im: &IfMatch) -> ApiResult<Round> {
    caller.require(Action::ManageLivelihood)?;
    let r = state.store.get_round(id).await?;
    if im.0.is_some_and(|v| v != r.version) {
        return Err(ApiError::precondition_failed());
    }
    Ok(r)
}

async fn advance(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    im: IfMatch,
    body: JsonBody<EmptyRequest>,
    command: rules::RoundCommand,
) -> ApiResult<HttpResponse> {
    let before = load_admin(state, caller, id, &im).await?;
    let b = body.parse()?;
    let candidates = state.store.round_candidates(id, None).await?;
    let change = command(
        &before,
        &rules::RoundFacts::of(&candidates),
        b.note.map(String::from),
    )?;
    save_stage(state, caller, &before, change).await
}

/// Saves a stage change and answers with the round.
async fn save_stage(
    state: &AppState,
    caller: &Caller,
    before: &Round,
    change: rules::Change,
) -> ApiResult<HttpResponse> {
    let r = match state
        .store
        .save_round(&caller.audit(), before, change)
        .await
    {
        Ok(r) => r,
        Err(e) => return Err(store_error(state, e, before.id).await),
    };
    let version = r.version;
    Ok(respond::changed(version, &round_view(state, r).await?))
}

macro_rules! stage_op {
    ($(#[$m:meta])* $name:ident, $path:literal, $command:path) => {
        $(#[$m])*
        #[utoipa::path(
            tag = "livelihood",
            params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
            request_body = EmptyRequest,
            responses(
                (status = 200, description = "The round", body = RoundResponse, headers(("ETag" = String))),
                (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = "The stage does not allow this, or the round changed meanwhile", body = Problem, content_type = "application/problem+json"),
            ),
            security(("bearer" = []))
        )]
        #[post($path)]
        pub async fn $name(
            state: Data<AppState>,
            caller: Caller,
            id: Path<Uuid>,
            if_match: IfMatch,
            body: JsonBody<EmptyRequest>,
        ) -> ApiResult<HttpResponse> {
            advance(&state, &caller, id.into_inner(), if_match, body, $command).await
        }
    };
}

stage_op!(
    /// 开始初审 · Start the review
    ///
    /// 工作人员结束征集，由人大办对候选项目进行初审。
    ///
    /// Ends collecting; the office reviews the candidates (staff).
    start_review, "/livelihood-rounds/{id}/start-review", rules::start_review
);
/// 开始票决 · Open the vote
///
/// 工作人员对入围的候选项目启动票决。在本轮所属人大（其层级和届次）的代表大会会议期间启动的，
/// 票决在该次会议上进行（`congress_session_id`）。
///
/// Opens the vote on the shortlisted candidates (staff). Opened while a
/// plenary session of the round's congress (its level and term) sits,
/// the vote is held at that session (`congress_session_id`).
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
    request_body = EmptyRequest,
    responses(
        (status = 200, description = "The round", body = RoundResponse, headers(("ETag" = String))),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The stage does not allow this, or the round changed meanwhile", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/livelihood-rounds/{id}/start-voting")]
pub async fn start_voting(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<EmptyRequest>,
) -> ApiResult<HttpResponse> {
    let before = load_admin(&state, &caller, id.into_inner(), &if_match).await?;
    let b = body.parse()?;
    let candidates = state.store.round_candidates(before.id, None).await?;
    let open = state.store.open_congress_session_at(before.level).await?;
    let voters = state
        .store
        .serving_deputy_ids(before.level, &before.term)
        .await?;
    let change = rules::start_voting(
        &before,
        &rules::RoundFacts::of(&candidates),
        open.as_ref(),
        &voters,
        b.note.map(String::from),
    )?;
    save_stage(&state, &caller, &before, change).await
}
stage_op!(
    /// 开始评议 · Start the evaluation
    ///
    /// 工作人员将确定的项目转入代表评议阶段。
    ///
    /// Moves the adopted projects to their evaluation by the deputies (staff).
    start_round_evaluation, "/livelihood-rounds/{id}/start-evaluation", rules::start_evaluation
);
stage_op!(
    /// 结束票决轮次 · Close a round
    ///
    /// 工作人员结束本轮票决；此后不可再变更。
    ///
    /// Closes the round (staff). Final.
    close_round, "/livelihood-rounds/{id}/close", rules::close_round
);

/// 结束投票 · Close the vote
///
/// 工作人员结束投票。只有本轮所属人大的在任代表超过半数投票时，
/// 票决才有效（否则返回 409 `quorum_not_met`，投票继续）。系统对已存储的选票计票：
/// 在获得过半数赞成（按所投选票或按全体代表计算，由本轮的 `majority` 决定）的候选项目中，
/// 按赞成票数取前 N 项确定为项目，交由各自的责任单位实施，本轮进入实施阶段。
/// 在末位票数相同的候选项目标记为 `tied`：计票结果冻结，由人大办通过 `break-tie` 决定。
///
/// Closes the vote (staff). It stands only when more than half of the
/// serving deputies of the round's congress cast a ballot (409
/// `quorum_not_met`, and the vote stays open). The stored ballots are
/// counted, the top N by approvals among candidates approved by a
/// majority (of the ballots cast, or of the whole membership: the
/// round's `majority`) are adopted and become projects of their units,
/// and the round moves to implementing. Candidates tied at the cut-off
/// are marked `tied`: the count is frozen and the office decides them
/// with `break-tie`.
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag (each ballot changes it)")),
    request_body = EmptyRequest,
    responses(
        (status = 200, description = "The round, now implementing", body = RoundResponse, headers(("ETag" = String))),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not voting, or no quorum", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/livelihood-rounds/{id}/close-voting")]
pub async fn close_voting(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<EmptyRequest>,
) -> ApiResult<HttpResponse> {
    let before = load_admin(&state, &caller, id.into_inner(), &if_match).await?;
    body.parse()?;
    rules::check_close_voting(&before)?;
    match state.store.close_voting(&caller.audit(), before.id).await {
        Ok(Ok((r, _))) => {
            let version = r.version;
            Ok(respond::changed(version, &round_view(&state, r).await?))
        }
        Ok(Err(refused)) => Err(refused.into()),
        Err(e) => Err(store_error(&state, e, before.id).await),
    }
}

/// 人大办对末位同票的决定。
///
/// The office's decision on a tie at the cut-off.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"adopt": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f10"], "reason": "主任会议研究决定"}))]
pub struct BreakTieRequest {
    /// 确定为项目的同票候选项目 ID，数量须等于尚余的名额。
    ///
    /// Exactly as many of the tied candidates as seats are open.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_items = 1, max_items = 100)]
    pub adopt: Vec<Uuid>,
    /// 决定理由，最多 2000 字。
    ///
    /// The reason, at most 2000 characters.
    pub reason: Text<2000>,
}

/// 决定末位同票 · Break a tie
///
/// 工作人员在实施阶段就末位同票作出决定：指定的同票候选项目确定为项目，其余同票候选项目不予确定。
/// 该决定及其理由随本轮及其结果一并保留。
///
/// Decides a tie at the cut-off (staff, while implementing): the named
/// tied candidates are adopted, the other tied ones not. The decision and
/// its reason stay with the round and its results.
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
    request_body = BreakTieRequest,
    responses(
        (status = 200, description = "Decided", body = RoundResponse, headers(("ETag" = String))),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not implementing, or changed meanwhile", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No tie, or a choice that does not fit it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/livelihood-rounds/{id}/break-tie")]
pub async fn break_tie(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<BreakTieRequest>,
) -> ApiResult<HttpResponse> {
    let before = load_admin(&state, &caller, id.into_inner(), &if_match).await?;
    let b = body.parse()?;
    rules::check_tie_break(&before, &b.reason)?;
    match state
        .store
        .break_tie(&caller.audit(), &before, &b.adopt, &b.reason)
        .await
    {
        Ok(r) => {
            let version = r.version;
            Ok(respond::changed(version, &round_view(&state, r).await?))
        }
        Err(e) => Err(store_error(&state, e, before.id).await),
    }
}

/// A step of the round, with who took it (`from_stage`, `to_stage`).
pub type RoundTimelineItem = TimelineEntry;

/// 票决轮次时间线 · List a round's timeline
///
/// 列出本轮票决的每一步，所有人可查看。
///
/// Every step of the round (everyone).
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path), WholeListParams),
    responses(
        (status = 200, description = "Oldest first", body = ListResponse<RoundTimelineItem>),
    ),
    security((), ("bearer" = []))
)]
#[get("/livelihood-rounds/{id}/timeline")]
pub async fn round_timeline(
    state: Data<AppState>,
    id: Path<Uuid>,
    page: QueryParams<WholeListParams>,
) -> ApiResult<HttpResponse> {
    let r = state.store.get_round(id.into_inner()).await?;
    let items: Vec<RoundTimelineItem> = state.store.round_timeline(r.id).await?;
    Ok(crate::respond::page(ListResponse::from_vec(
        items, &page.0,
    )?))
}
