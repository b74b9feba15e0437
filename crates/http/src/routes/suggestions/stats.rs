//! The units' summary table and the handling statistics.

use super::*;

/// 建议办理情况汇总表中某一主办单位的一行。
///
/// One unit's line of the summary table (建议办理情况汇总表).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80",
    "unit_name": "区民政局",
    "assigned": 12,
    "replied": 10,
    "replied_on_time": 9,
    "overdue": 1,
    "category_a": 6,
    "category_b": 3,
    "category_c": 1,
    "satisfied": 7,
    "basically_satisfied": 2,
    "unsatisfied": 1,
    "on_time_rate": 0.9,
    "satisfaction_rate": 0.9
}))]
pub struct UnitSummaryView {
    /// 主办单位 ID。
    ///
    /// The lead unit's id.
    pub unit_id: Uuid,
    /// 主办单位名称。
    ///
    /// The lead unit's name.
    pub unit_name: String,
    /// 该单位主办的建议件数（已交办及以后各阶段）。
    ///
    /// Suggestions it leads (assigned or later).
    pub assigned: i64,
    /// 已答复件数。
    ///
    /// Suggestions it has replied to.
    pub replied: i64,
    /// 按期答复件数：最近一次答复在期限内。
    ///
    /// Replied by the deadline (the latest reply).
    pub replied_on_time: i64,
    /// 已过期限仍未答复的件数（已交办或重新办理中）。
    ///
    /// Past the deadline without a reply (assigned or rehandling).
    pub overdue: i64,
    /// 最近一次答复为 A 类（已解决或基本解决）的件数。
    ///
    /// By the latest reply's category.
    pub category_a: i64,
    /// 最近一次答复为 B 类（正在解决或列入计划）的件数。
    ///
    /// Latest reply category B (being solved or planned).
    pub category_b: i64,
    /// 最近一次答复为 C 类（暂时无法解决）的件数。
    ///
    /// Latest reply category C (cannot be solved now).
    pub category_c: i64,
    /// 评价为满意的件数。
    ///
    /// Evaluated satisfied.
    pub satisfied: i64,
    /// 评价为基本满意的件数。
    ///
    /// Evaluated basically satisfied.
    pub basically_satisfied: i64,
    /// 评价为不满意的件数。
    ///
    /// Evaluated unsatisfied.
    pub unsatisfied: i64,
    /// 按期答复率：按期答复件数除以已答复件数，0 到 1 之间的小数；无答复时为 null。
    ///
    /// Replied on time over replied; null with no reply.
    pub on_time_rate: Option<f64>,
    /// 满意率：满意和基本满意件数除以已评价件数，0 到 1 之间的小数；无评价时为 null。
    ///
    /// Satisfied or basically satisfied over evaluated; null with none.
    pub satisfaction_rate: Option<f64>,
}

impl From<renda_persistence::stats::UnitSummary> for UnitSummaryView {
    fn from(u: renda_persistence::stats::UnitSummary) -> Self {
        Self {
            unit_id: u.unit_id,
            unit_name: u.unit_name,
            assigned: u.assigned,
            replied: u.replied,
            replied_on_time: u.replied_on_time,
            overdue: u.overdue,
            category_a: u.category_a,
            category_b: u.category_b,
            category_c: u.category_c,
            satisfied: u.satisfied,
            basically_satisfied: u.basically_satisfied,
            unsatisfied: u.unsatisfied,
            on_time_rate: u.on_time_rate,
            satisfaction_rate: u.satisfaction_rate,
        }
    }
}

/// 建议办理情况汇总表。
///
/// The summary table.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [{
    "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80",
    "unit_name": "区民政局",
    "assigned": 12,
    "replied": 10,
    "replied_on_time": 9,
    "overdue": 1,
    "category_a": 6,
    "category_b": 3,
    "category_c": 1,
    "satisfied": 7,
    "basically_satisfied": 2,
    "unsatisfied": 1,
    "on_time_rate": 0.9,
    "satisfaction_rate": 0.9
}]}))]
pub struct UnitSummaryResponse {
    /// 各主办单位的行，按单位名称排列。
    ///
    /// One line per lead unit, by unit name.
    pub items: Vec<UnitSummaryView>,
}

/// The lines of the summary table the caller may see: every unit for the
/// office and leaders, its own for a unit.
async fn summary_lines(
    state: &AppState,
    caller: &Caller,
    p: StatsParams,
) -> ApiResult<Vec<renda_persistence::stats::UnitSummary>> {
    let only = renda_auth::suggestion_access::summary_lines(&caller.principal)
        .map_err(crate::extract::refusal)?;
    let filter = renda_persistence::stats::StatsFilter {
        year: p.year,
        term: p.term.filter(|t| !renda_domain::text::is_blank(t)),
    };
    Ok(state
        .store
        .suggestion_unit_summary(&filter, state.clock.today(), only)
        .await?)
}

/// 建议办理情况汇总表 · Get the unit summary
///
/// 承办单位据以报告的建议办理情况汇总表：按主办单位列出交办、已答复、按时答复和逾期的件数，最近一次
/// 答复按 A/B/C 类的件数，以及代表的评价。人大办和领导可见所有单位，承办单位只见本单位一行。
///
/// The summary table units report on (建议办理情况汇总表): per lead unit,
/// suggestions assigned, replied, replied on time and overdue, the latest
/// replies by category A/B/C, and the deputies' evaluations. The office
/// and leaders see every unit, a unit its own line.
#[utoipa::path(
    tag = "suggestions",
    params(StatsParams),
    responses(
        (status = 200, description = "The table", body = UnitSummaryResponse),
        (status = 403, description = "Neither the office, a leader nor a unit", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/suggestions/unit-summary")]
pub async fn unit_summary(
    state: Data<AppState>,
    caller: Caller,
    params: QueryParams<StatsParams>,
) -> ApiResult<HttpResponse> {
    let lines = summary_lines(&state, &caller, params.0).await?;
    Ok(HttpResponse::Ok().json(UnitSummaryResponse {
        items: lines.into_iter().map(UnitSummaryView::from).collect(),
    }))
}

const SUMMARY_HEADERS: &[&str] = &[
    "承办单位",
    "交办件数",
    "已答复",
    "按期答复",
    "逾期未办结",
    "A类",
    "B类",
    "C类",
    "满意",
    "基本满意",
    "不满意",
    "按期答复率",
    "满意率",
];

/// The summary table's lines, all on one page.
struct SummaryRows(Option<Vec<renda_persistence::stats::UnitSummary>>);

impl crate::export::RowSource for SummaryRows {
    async fn next_page(&mut self) -> Result<Option<Vec<Vec<Cell>>>, ApiError> {
        Ok(self.0.take().map(|lines| {
            lines
                .into_iter()
                .map(|u| {
                    vec![
                        u.unit_name.into(),
                        u.assigned.into(),
                        u.replied.into(),
                        u.replied_on_time.into(),
                        u.overdue.into(),
                        u.category_a.into(),
                        u.category_b.into(),
                        u.category_c.into(),
                        u.satisfied.into(),
                        u.basically_satisfied.into(),
                        u.unsatisfied.into(),
                        Cell::Rate(u.on_time_rate),
                        Cell::Rate(u.satisfaction_rate),
                    ]
                })
                .collect()
        }))
    }
}

/// 导出办理情况汇总表 · Export the unit summary
///
/// 将建议办理情况汇总表导出为 CSV 或 XLSX，列标题为中文。
///
/// The summary table as CSV or XLSX, with Chinese column headers.
#[utoipa::path(
    tag = "suggestions",
    params(
        ("format" = inline(ExportFormat), Path, description = "`csv` or `xlsx`"),
        StatsParams
    ),
    responses(
        (status = 200, description = "The file", content(
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ), headers(("Content-Disposition" = String))),
        (status = 403, description = "Neither the office, a leader nor a unit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Neither csv nor xlsx", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/suggestions/unit-summary.{format}")]
pub async fn export_unit_summary(
    state: Data<AppState>,
    caller: Caller,
    format: Path<ExportFormat>,
    params: QueryParams<StatsParams>,
) -> ApiResult<HttpResponse> {
    let lines = summary_lines(&state, &caller, params.0).await?;
    crate::export::respond(
        format.into_inner(),
        crate::export::Table {
            file: "unit-summary",
            file_utf8: "%E5%BB%BA%E8%AE%AE%E5%8A%9E%E7%90%86%E6%83%85%E5%86%B5%E6%B1%87%E6%80%BB%E8%A1%A8",
            sheet: "建议办理情况汇总表",
            headers: SUMMARY_HEADERS,
        },
        SummaryRows(Some(lines)),
    )
    .await
}

/// Which suggestions the statistics count.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    /// Registered in this year.
    #[validate(range(min = 1949, max = 2999))]
    #[param(minimum = 1949, maximum = 2999)]
    pub year: Option<i32>,
    /// Raised in this congress term.
    #[validate(length(min = 1, max = 40))]
    #[param(min_length = 1, max_length = 40)]
    pub term: Option<String>,
}

/// 供仪表盘使用的建议统计。
///
/// Figures for dashboards.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "total": 128,
    "by_status": {"assigned": 40, "closed": 70, "replied": 10, "submitted": 8},
    "by_color": {"green": 60, "red": 12, "yellow": 48},
    "by_category": {"交通": 20, "教育": 30, "社会保障": 78},
    "on_time_reply_rate": 0.9375,
    "satisfaction_rate": 0.9,
    "units": [{"unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "unit_name": "区民政局", "assigned": 30, "replied": 25, "overdue": 2, "on_time_rate": 0.96, "satisfaction_rate": 0.92}],
    "generated_at": "2026-11-27T08:00:00Z"
}))]
pub struct StatsResponse {
    /// 已提交的建议件数（不含草稿）。
    ///
    /// Suggestions past the draft stage.
    pub total: i64,
    /// 按状态统计的件数，键为状态标识，如 `assigned`。
    ///
    /// Counts by status; the keys are status identifiers such as `assigned`.
    pub by_status: std::collections::BTreeMap<String, i64>,
    /// 按颜色统计的件数，键为 `green`、`yellow` 或 `red`；尚无颜色的不计。
    ///
    /// Counts by colour (`green`, `yellow`, `red`); those without a colour are
    /// left out.
    pub by_color: std::collections::BTreeMap<String, i64>,
    /// 按类别统计的件数，键为类别名称。
    ///
    /// Counts by category; the keys are category names.
    pub by_category: std::collections::BTreeMap<String, i64>,
    /// 按时答复率：在期限内答复的件数除以已答复件数，0 到 1 之间的小数；无答复时为 null。
    ///
    /// Replies no later than their deadline, over replies; null without replies.
    pub on_time_reply_rate: Option<f64>,
    /// 满意率：满意和基本满意件数除以已评价件数，0 到 1 之间的小数；无评价时为 null。
    ///
    /// Satisfied or basically satisfied, over evaluations; null without evaluations.
    pub satisfaction_rate: Option<f64>,
    /// 各主办单位的统计，按单位名称排列。
    ///
    /// Each lead unit's figures, by unit name.
    pub units: Vec<UnitStatsView>,
    /// 统计数据的计算时间（UTC）：各项计数随每次办理同步更新，即为此刻的数字。
    ///
    /// When the figures were read: the counts are kept with every change,
    /// so they are those of this moment.
    pub generated_at: DateTime<Utc>,
}

/// 某一主办单位的统计。
///
/// One lead unit's figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitStatsView {
    /// 主办单位 ID。
    ///
    /// The lead unit's id.
    pub unit_id: Uuid,
    /// 主办单位名称。
    ///
    /// The lead unit's name.
    pub unit_name: String,
    /// 该单位主办的建议件数（已交办及以后各阶段）。
    ///
    /// Suggestions it leads (assigned or later).
    pub assigned: i64,
    /// 已答复件数。
    ///
    /// Suggestions it has replied to.
    pub replied: i64,
    /// 已过期限仍未答复的件数。
    ///
    /// Past the deadline without a reply.
    pub overdue: i64,
    /// 按期答复率：0 到 1 之间的小数；无答复时为 null。
    ///
    /// Replied on time over replied; null with no reply.
    pub on_time_rate: Option<f64>,
    /// 满意率：0 到 1 之间的小数；无评价时为 null。
    ///
    /// Satisfied or basically satisfied over evaluated; null with none.
    pub satisfaction_rate: Option<f64>,
}

/// 建议统计 · Get suggestion statistics
///
/// 工作人员和领导查询建议统计：按状态、颜色、类别和单位统计件数，以及按时答复率和满意率。各项计数
/// 随每次办理在同一事务中更新，查询所得即为此刻的准确数字。
///
/// Statistics of suggestions (staff and leaders): counts by status,
/// colour, category and unit, on-time reply and satisfaction rates. The
/// counts are kept in the transaction of every change, so each answer is
/// exact as of that moment.
#[utoipa::path(
    tag = "suggestions",
    params(StatsParams),
    responses(
        (status = 200, description = "The figures", body = StatsResponse),
        (status = 403, description = "Neither staff nor leader", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/suggestions/stats")]
pub async fn suggestion_stats(
    state: Data<AppState>,
    caller: Caller,
    params: QueryParams<StatsParams>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadSuggestionStats)?;
    let p = params.0;
    let filter = renda_persistence::stats::StatsFilter {
        year: p.year,
        term: p.term.filter(|t| !renda_domain::text::is_blank(t)),
    };
    // Kept counts (issue 22): exact as of this moment, a few milliseconds
    // to sum at any size.
    let s = state
        .store
        .suggestion_stats(&filter, state.clock.today())
        .await?;
    let generated_at = Utc::now();
    Ok(HttpResponse::Ok().json(StatsResponse {
        total: s.total,
        by_status: s.by_status,
        by_color: s.by_color,
        by_category: s.by_category,
        on_time_reply_rate: s.on_time_reply_rate,
        satisfaction_rate: s.satisfaction_rate,
        units: s
            .units
            .into_iter()
            .map(|u| UnitStatsView {
                unit_id: u.unit_id,
                unit_name: u.unit_name,
                assigned: u.assigned,
                replied: u.replied,
                overdue: u.overdue,
                on_time_rate: u.on_time_rate,
                satisfaction_rate: u.satisfaction_rate,
            })
            .collect(),
        generated_at,
    }))
}
