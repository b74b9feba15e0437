//! Supervision statistics and observers' records.

use super::*;

/// Which items the statistics count.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SupervisionStatsParams {
    /// Items of this plan year (all years if absent).
    #[validate(range(min = 1949, max = 2999))]
    #[param(minimum = 1949, maximum = 2999)]
    pub year: Option<i32>,
}

/// 整改统计。
///
/// Rectification figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct RectificationStats {
    /// 审议意见问题清单中的问题总数。
    ///
    /// Problems listed in deliberation opinions.
    pub problems: u64,
    /// 已销号的问题数。
    ///
    /// Problems closed off.
    pub closed: u64,
    /// 在审议意见的整改期限当日或之前销号的问题数（按中国时间）。
    ///
    /// Closed off no later than the opinion's deadline.
    pub closed_on_time: u64,
    /// 已过整改期限、仍待被监督单位整改（未整改或被退回）的问题数。
    ///
    /// Past the deadline and not closed off.
    pub overdue: u64,
    /// 按期销号率：按期销号数除以已销号数，保留四位小数；无已销号问题时为 null。
    ///
    /// closed_on_time over closed; null when none is closed.
    pub on_time_rate: Option<f64>,
}

/// 满意度测评统计。
///
/// Satisfaction-vote figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct SatisfactionStats {
    /// 已结束的测评轮次数。
    ///
    /// Concluded rounds.
    pub evaluations: u64,
    /// 测评通过、事项办结的轮次数。
    ///
    /// Rounds accepted: the item closed.
    pub accepted: u64,
    /// 退回整改的轮次数（整体或某一被监督单位不满意票过半）。
    ///
    /// Rounds that sent the item back to rectifying (an unsatisfied majority on
    /// the whole or on a body).
    pub returned: u64,
    /// 所有已结束轮次的票数合计。
    ///
    /// Votes of every concluded round.
    pub votes: Tally,
    /// 满意率：满意与基本满意票数之和除以总票数，保留四位小数；无投票时为 null。
    ///
    /// Satisfied or basically satisfied over all votes; null without votes.
    pub satisfaction_rate: Option<f64>,
}

/// 监督工作统计。
///
/// Figures of the supervision work.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "year": 2026,
    "items": 12,
    "by_stage": {"planned": 2, "investigating": 1, "deliberating": 1, "rectifying": 3, "evaluating": 1, "closed": 4},
    "by_method": {"research_visit": 4, "work_evaluation": 4, "special_report": 3, "special_inquiry": 3, "law_enforcement_inspection": 5, "satisfaction_evaluation": 5},
    "rectification": {"problems": 40, "closed": 30, "closed_on_time": 27, "overdue": 2, "on_time_rate": 0.9},
    "satisfaction": {"evaluations": 5, "accepted": 4, "returned": 1, "votes": {"satisfied": 60, "basically_satisfied": 25, "unsatisfied": 10}, "satisfaction_rate": 0.8947}
}))]
pub struct SupervisionStatsResponse {
    /// 统计的计划年度；统计全部年度时为 null。
    ///
    /// The plan year counted; null when all years are.
    pub year: Option<i32>,
    /// 监督事项数。
    ///
    /// How many supervision items.
    pub items: u64,
    /// 按阶段统计的监督事项数，键为阶段（如 `rectifying`），每个阶段都列出。
    ///
    /// Items by stage, keyed by stage (`rectifying` …); every stage is listed.
    pub by_stage: BTreeMap<String, u64>,
    /// 按监督方式统计的监督事项数，键为监督方式（如 `special_inquiry`）；一个事项计入其每种方式。
    ///
    /// Items by method, keyed by method (`special_inquiry` …); an item counts
    /// under each of its methods.
    pub by_method: BTreeMap<String, u64>,
    /// 整改统计。
    ///
    /// Rectification figures.
    pub rectification: RectificationStats,
    /// 满意度测评统计。
    ///
    /// Satisfaction-vote figures.
    pub satisfaction: SatisfactionStats,
}

fn ratio(n: u64, d: u64) -> Option<f64> {
    (d > 0).then(|| {
        let r = n as f64 / d as f64;
        (r * 10000.0).round() / 10000.0
    })
}

/// 监督工作统计 · Get supervision statistics
///
/// 工作人员和常委会负责人查看监督工作统计：按阶段和监督方式统计的监督事项数、
/// 按期整改情况和满意度测评结果。
///
/// Statistics of supervision (staff and leaders): items by stage and
/// method, on-time rectification, satisfaction results.
#[utoipa::path(
    tag = "supervision",
    params(SupervisionStatsParams),
    responses(
        (status = 200, description = "The figures", body = SupervisionStatsResponse),
        (status = 403, description = "Neither staff nor leader", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/supervisions/stats")]
pub async fn supervision_stats(
    state: Data<AppState>,
    caller: Caller,
    params: QueryParams<SupervisionStatsParams>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadSupervisionStats)?;
    let year = params.0.year;
    let st = state
        .store
        .supervision_stats(year, state.clock.today())
        .await?;
    let votes = st.votes;
    let favourable = u64::from(votes.satisfied) + u64::from(votes.basically_satisfied);
    Ok(HttpResponse::Ok().json(SupervisionStatsResponse {
        year,
        items: st.items,
        by_stage: st
            .by_stage
            .iter()
            .map(|(s, n)| (s.as_str().to_owned(), *n))
            .collect(),
        by_method: st
            .by_method
            .iter()
            .map(|(m, n)| (m.as_str().to_owned(), *n))
            .collect(),
        rectification: RectificationStats {
            problems: st.problems,
            closed: st.problems_closed,
            closed_on_time: st.problems_closed_on_time,
            overdue: st.problems_overdue,
            on_time_rate: ratio(st.problems_closed_on_time, st.problems_closed),
        },
        satisfaction: SatisfactionStats {
            evaluations: st.evaluations,
            accepted: st.accepted,
            returned: st.returned,
            votes,
            satisfaction_rate: ratio(favourable, u64::from(votes.total())),
        },
    }))
}

/// Which year of an observer's record.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ObserverRecordParams {
    /// The plan year (this year if absent).
    #[validate(range(min = 1949, max = 2999))]
    #[param(minimum = 1949, maximum = 2999)]
    pub year: Option<i32>,
}

/// 观察员参与的监督事项。
///
/// An item an observer joined.
#[derive(Debug, Serialize, ToSchema)]
pub struct JoinedItem {
    /// 监督事项 ID。
    ///
    /// The item's id.
    pub id: Uuid,
    /// 监督事项名称。
    ///
    /// The item's title.
    pub title: String,
    /// 监督事项当前所处阶段。
    ///
    /// The item's current stage.
    pub stage: Stage,
}

/// 观察员的年度履职记录。
///
/// An observer's record of a year (履职记录).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "observer_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e90",
    "year": 2026,
    "items_joined": 1,
    "items": [{"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ea0", "title": "全区食品安全法执法检查", "stage": "closed"}],
    "opinions_filed": 3, "opinions_adopted": 2, "opinions_not_adopted": 1, "opinions_pending": 0
}))]
pub struct ObserverRecordResponse {
    /// 观察员 ID。
    ///
    /// The observer's id.
    pub observer_id: Uuid,
    /// 计划年度；未指定时为今年。
    ///
    /// The plan year; this year unless asked.
    pub year: i32,
    /// 该年度观察员被分配参与的监督事项数。
    ///
    /// How many items of the year the observer is assigned to.
    pub items_joined: u64,
    /// 这些监督事项，按 ID 排列。
    ///
    /// Those items, by id.
    pub items: Vec<JoinedItem>,
    /// 在该年度监督事项中提交的观察意见数。
    ///
    /// Observation opinions filed on the year's items.
    pub opinions_filed: u64,
    /// 其中被采纳的件数。
    ///
    /// Of those, how many were adopted.
    pub opinions_adopted: u64,
    /// 其中未被采纳的件数。
    ///
    /// Of those, how many were not adopted.
    pub opinions_not_adopted: u64,
    /// 其中人大办尚未决定的件数。
    ///
    /// Of those, how many the office has not decided yet.
    pub opinions_pending: u64,
}

/// 观察员年度履职记录 · Get an observer's record
///
/// 查看观察员某一年度的履职记录：分配其参与的监督事项，以及其所提观察意见和其中被采纳的件数。
/// 人大办、常委会负责人和观察员本人可查看。
///
/// An observer's record for a year: the items they are assigned to and
/// their observation opinions with how many were adopted (the office,
/// leaders and the observer).
#[utoipa::path(
    tag = "observers",
    params(("id" = Uuid, Path), ObserverRecordParams),
    responses(
        (status = 200, description = "The record", body = ObserverRecordResponse),
        (status = 403, description = "Not the office, a leader or this observer", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such observer", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/observers/{id}/record")]
pub async fn observer_record(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    params: QueryParams<ObserverRecordParams>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    caller.require(Action::ReadObserverRecord { observer_id: id })?;
    if !state.store.observer_exists(id).await? {
        return Err(ApiError::not_found());
    }
    let year = params.0.year.unwrap_or_else(|| state.clock.today().year());
    let r = state.store.observer_record(id, year).await?;
    Ok(HttpResponse::Ok().json(ObserverRecordResponse {
        observer_id: id,
        year,
        items_joined: r.items.len() as u64,
        items: r
            .items
            .into_iter()
            .map(|(id, title, stage)| JoinedItem { id, title, stage })
            .collect(),
        opinions_filed: r.opinions_filed,
        opinions_adopted: r.opinions_adopted,
        opinions_not_adopted: r.opinions_not_adopted,
        opinions_pending: r.opinions_pending,
    }))
}
