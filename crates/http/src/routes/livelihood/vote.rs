//! The deputies' ballots, the voters and the results.

use super::*;
use access::member;

/// 选票：最多赞成本轮项目数那么多项，其余可标记反对或弃权；未标记的计为弃权。
///
/// A ballot: approve up to the round's seats; mark others against or
/// abstain; candidates left unmarked count as abstentions.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "approve": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f10"],
    "against": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f11"],
    "abstain": []
}))]
pub struct BallotRequest {
    /// 赞成的入围候选项目 ID，不超过本轮项目数。
    ///
    /// Shortlisted candidates approved, no more than the round's seats.
    #[serde(default)]
    #[validate(length(max = 200))]
    #[schema(max_items = 200)]
    pub approve: Vec<Uuid>,
    /// 反对的入围候选项目 ID。
    ///
    /// Shortlisted candidates voted against.
    #[serde(default)]
    #[validate(length(max = 200))]
    #[schema(max_items = 200)]
    pub against: Vec<Uuid>,
    /// 弃权的入围候选项目 ID；每个候选项目只能标记一次。
    ///
    /// Shortlisted candidates abstained on; each candidate is marked once at
    /// most.
    #[serde(default)]
    #[validate(length(max = 200))]
    #[schema(max_items = 200)]
    pub abstain: Vec<Uuid>,
}

/// 调用者本人的选票，在可显示的范围内。
///
/// The caller's ballot, as far as it may be shown.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"round_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ef0", "cast_at": "2026-11-27T08:00:00Z", "marks": null}))]
pub struct BallotReceipt {
    /// 票决轮次 ID。
    ///
    /// The round's id.
    pub round_id: Uuid,
    /// 投票时间（UTC）。
    ///
    /// When the ballot was cast.
    pub cast_at: DateTime<Utc>,
    /// 所作的选择，仅记名投票时显示；无记名投票时为 null。
    ///
    /// The marks, for an open ballot; null for a secret one.
    pub marks: Option<Vec<MarkView>>,
}

/// 选票上的一项标记。
///
/// One mark of a ballot.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarkView {
    /// 候选项目 ID。
    ///
    /// The candidate's id.
    pub candidate_id: Uuid,
    /// 标记：`approve` 赞成、`against` 反对、`abstain` 弃权。
    ///
    /// The mark: `approve`, `against` or `abstain`.
    pub choice: Choice,
}

/// 投票 · Cast a ballot
///
/// 本轮所属人大的在任代表在票决阶段投票，只能投一次：第二张选票返回 409，
/// 无论两张选票到达的时间多么接近。投票计入代表的履职记录。
///
/// Casts the caller's ballot (a serving deputy of the round's congress,
/// while voting), once: a second ballot is 409, however close together
/// the two arrive. The ballot is a duty record of the deputy.
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path)),
    request_body = BallotRequest,
    responses(
        (status = 201, description = "Cast", body = BallotReceipt, headers(("Location" = String))),
        (status = 403, description = "Not a deputy of the round's congress", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not voting, or already voted", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Too many approvals, or a candidate not on the ballot", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/livelihood-rounds/{id}/ballot")]
pub async fn cast_ballot(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    body: JsonBody<BallotRequest>,
) -> ApiResult<HttpResponse> {
    let round = state.store.get_round(id.into_inner()).await?;
    let deputy = member(&state, &caller, &round).await?;
    let b = body.parse()?;
    let shortlist: Vec<Uuid> = state
        .store
        .round_candidates(round.id, Some(CandidateStatus::Shortlisted))
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    let marks = rules::ballot(&round, &b.approve, &b.against, &b.abstain, &shortlist)?;
    let user = caller.actor()?.user_id;
    match state
        .store
        .cast_ballot(
            &caller.audit(),
            &round,
            deputy,
            user.into(),
            &marks,
            state.clock.today(),
        )
        .await
    {
        Ok(cast_at) => Ok(HttpResponse::Created()
            .insert_header((
                header::LOCATION,
                format!("/api/v1/livelihood-rounds/{}/ballots/mine", round.id),
            ))
            .json(BallotReceipt {
                round_id: round.id,
                cast_at,
                marks: (!round.secret_ballot).then(|| {
                    marks
                        .into_iter()
                        .map(|(candidate_id, choice)| MarkView {
                            candidate_id,
                            choice,
                        })
                        .collect()
                }),
            })),
        Err(e) => Err(store_error(&state, e, round.id).await),
    }
}

/// 查看本人选票 · Get my ballot
///
/// 本轮所属人大的在任代表查看本人的选票：投票时间，记名投票还包括其所作的选择；尚未投票时返回 404。
///
/// The caller's own ballot: when it was cast, and for an open ballot its
/// marks (a serving deputy of the round's congress); 404 before voting.
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The caller's ballot", body = BallotReceipt),
        (status = 403, description = "Not a deputy of the round's congress", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such round, or no ballot yet", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/livelihood-rounds/{id}/ballots/mine")]
pub async fn my_ballot(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let round = state.store.get_round(id.into_inner()).await?;
    let deputy = member(&state, &caller, &round).await?;
    let v = state
        .store
        .round_voters(&round)
        .await?
        .into_iter()
        .find(|v| v.deputy_id == deputy)
        .ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(BallotReceipt {
        round_id: round.id,
        cast_at: v.cast_at,
        marks: v.marks.map(|m| {
            m.into_iter()
                .map(|(candidate_id, choice)| MarkView {
                    candidate_id,
                    choice,
                })
                .collect()
        }),
    }))
}

/// 已投票的代表。
///
/// A deputy who voted.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"deputy_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e11", "cast_at": "2026-11-27T08:00:00Z", "marks": null}))]
pub struct VoterView {
    /// 代表 ID。
    ///
    /// The deputy's id.
    pub deputy_id: Uuid,
    /// 投票时间（UTC）。
    ///
    /// When the ballot was cast.
    pub cast_at: DateTime<Utc>,
    /// 所作的选择，仅记名投票时显示；无记名投票时始终为 null。
    ///
    /// The marks, for an open ballot only; never for a secret one.
    pub marks: Option<Vec<MarkView>>,
}

impl Keyed for VoterView {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.deputy_id, self.cast_at)
    }
}

/// 投票名单 · List who voted
///
/// 工作人员和常委会负责人查看哪些代表已投票；仅记名投票时附其所作的选择。无记名投票时，
/// 任何人（包括系统管理员）都无法查看谁选择了什么。
///
/// Who voted (staff and leaders); with their marks only when the ballot
/// is open. For a secret ballot nobody, administrators included, can
/// read who chose what.
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path), WholeListParams),
    responses(
        (status = 200, description = "Voters", body = ListResponse<VoterView>),
        (status = 403, description = "Neither staff nor leader", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/livelihood-rounds/{id}/ballots")]
pub async fn list_voters(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    page: QueryParams<WholeListParams>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadLivelihoodVoters)?;
    let round = state.store.get_round(id.into_inner()).await?;
    let items: Vec<VoterView> = state
        .store
        .round_voters(&round)
        .await?
        .into_iter()
        .map(|v| VoterView {
            deputy_id: v.deputy_id,
            cast_at: v.cast_at,
            marks: v.marks.map(|m| {
                m.into_iter()
                    .map(|(candidate_id, choice)| MarkView {
                        candidate_id,
                        choice,
                    })
                    .collect()
            }),
        })
        .collect();
    Ok(crate::respond::page(ListResponse::from_vec(
        items, &page.0,
    )?))
}

/// 一个候选项目的得票结果。
///
/// One candidate's result.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateResult {
    /// 候选项目 ID。
    ///
    /// The candidate's id.
    pub candidate_id: Uuid,
    /// 项目名称。
    ///
    /// The candidate's title.
    pub title: String,
    /// 赞成票数。
    ///
    /// Votes for.
    pub approvals: u32,
    /// 反对票数。
    ///
    /// Votes against.
    pub against: u32,
    /// 弃权票数（含未标记的）。
    ///
    /// Abstentions, unmarked included.
    pub abstentions: u32,
    /// 赞成票是否过半数：超过已投选票的一半，或按全体代表计算时超过在任代表的一半。
    ///
    /// Approved by a majority: more than half of the ballots cast, or of
    /// the serving deputies when the round counts on the membership.
    pub majority: bool,
    /// 是否确定为项目（含经末位同票决定确定的）。
    ///
    /// Whether it is adopted, by the vote or a tie-break.
    pub adopted: bool,
}

/// 票决结果，每次根据已存储的选票重新计算。
///
/// The vote's result, computed afresh from the stored ballots.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "round_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f00", "seats": 2, "ballots_cast": 3, "voting_members": 5, "majority": "cast",
    "candidates": [{"candidate_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f10", "title": "加装电梯", "approvals": 3, "against": 0, "abstentions": 0, "majority": true, "adopted": true}],
    "tied": [], "open_seats": 0, "tie_break": null
}))]
pub struct ResultsResponse {
    /// 票决轮次 ID。
    ///
    /// The round's id.
    pub round_id: Uuid,
    /// 本轮确定的项目数。
    ///
    /// How many projects the vote adopts.
    pub seats: u32,
    /// 已投选票数。
    ///
    /// Ballots cast.
    pub ballots_cast: u32,
    /// 投票结束时该人大的在任代表数。
    ///
    /// The serving deputies of the round's congress when the vote closed.
    pub voting_members: Option<u32>,
    /// 过半数的计算基数：`cast` 已投选票，或 `membership` 全体在任代表。
    ///
    /// What the majority is counted on.
    pub majority: renda_domain::livelihood::MajorityBase,
    /// 各入围候选项目的得票，按赞成票从多到少排列。
    ///
    /// By approvals, best first.
    pub candidates: Vec<CandidateResult>,
    /// 在末位同票的候选项目 ID；无同票时为空。
    ///
    /// Candidates tied at the cut-off, if any, and the seats they compete for.
    pub tied: Vec<Uuid>,
    /// 同票候选项目争夺的剩余名额；无同票时为 0。
    ///
    /// The seats the tied candidates compete for; 0 without a tie.
    pub open_seats: u32,
    /// 人大办对同票的决定（JSON 文本）；没有时为 null。
    ///
    /// How the office decided the tie.
    pub tie_break: Option<String>,
}

/// 票决结果 · Get the vote's result
///
/// 查看票决结果，投票结束后所有人均可查看。每次都根据已存储的选票重新计票，
/// 任何人都可核对其与确定的项目是否一致。
///
/// The result of the vote (everyone, once the vote is closed). It is
/// counted afresh from the stored ballots each time, so anyone can check
/// that it matches the projects adopted.
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The result", body = ResultsResponse),
        (status = 409, description = "The vote is not closed yet", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/livelihood-rounds/{id}/results")]
pub async fn round_results(state: Data<AppState>, id: Path<Uuid>) -> ApiResult<HttpResponse> {
    let round = state.store.get_round(id.into_inner()).await?;
    rules::check_results(&round)?;
    let result = state.store.round_result(&round).await?;
    let base = round.majority_base(result.ballots);
    let candidates = state.store.round_candidates(round.id, None).await?;
    let mut rows: Vec<CandidateResult> = candidates
        .into_iter()
        .filter_map(|c| {
            let n = result.counts.get(&c.id)?;
            let adopted = c.is_project();
            Some(CandidateResult {
                candidate_id: c.id,
                title: c.title,
                approvals: n.approvals,
                against: n.against,
                abstentions: n.abstentions,
                majority: u64::from(n.approvals) * 2 > u64::from(base),
                adopted,
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        b.approvals
            .cmp(&a.approvals)
            .then(a.candidate_id.cmp(&b.candidate_id))
    });
    Ok(HttpResponse::Ok().json(ResultsResponse {
        round_id: round.id,
        seats: round.seats,
        ballots_cast: result.ballots,
        voting_members: round.voting_members,
        majority: round.majority,
        candidates: rows,
        tied: result.tied,
        open_seats: result.open_seats,
        tie_break: round.tie_break,
    }))
}
