//! Listing, exporting and reading suggestions.

use super::*;

/// Filters of the suggestion listing.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestionFilterParams {
    pub status: Option<SuggestionStatus>,
    pub color: Option<Color>,
    #[validate(length(max = 40))]
    #[param(max_length = 40)]
    pub category: Option<String>,
    /// Assigned to this unit as lead or co-unit.
    pub unit_id: Option<Uuid>,
    /// Led or co-signed by this deputy.
    pub deputy_id: Option<Uuid>,
    #[validate(length(max = 40))]
    #[param(max_length = 40)]
    pub term: Option<String>,
    /// Filed during this congress session.
    pub congress_session_id: Option<Uuid>,
    /// Handed out in this 交办 batch.
    pub assignment_batch_id: Option<Uuid>,
    /// Only those waiting for their lead unit, a government office, to
    /// pass them on (true), or none of those (false).
    pub pass_on_pending: Option<bool>,
    /// Registered in this year (unregistered ones: created in it).
    #[validate(range(min = 1949, max = 2999))]
    #[param(minimum = 1949, maximum = 2999)]
    pub year: Option<i32>,
    /// Only overdue (true) or only not overdue (false) suggestions.
    pub overdue: Option<bool>,
    /// Words in the title or content (Chinese substrings match).
    #[validate(length(max = 100))]
    #[param(max_length = 100)]
    pub q: Option<String>,
    /// Only suggestions marked outstanding (优秀建议) in the double evaluation.
    pub outstanding: Option<bool>,
}

/// 查询建议列表 · List suggestions
///
/// 列出调用者可见的建议：代表可见本人领衔和附议的建议，工作人员和领导可见所有已提交的建议，承办单位
/// 可见交办给本单位的建议，所有人均可见已公开的建议。
///
/// Lists the suggestions the caller may see: deputies their own and those
/// they co-sign, staff and leaders every submitted one, units those
/// assigned to them, everyone the published ones.
#[utoipa::path(
    tag = "suggestions",
    params(ListParams, SuggestionFilterParams),
    responses(
        (status = 200, description = "A page of suggestions", body = ListResponse<SuggestionResponse>),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/suggestions")]
pub async fn list_suggestions(
    state: Data<AppState>,
    caller: Caller,
    page: QueryParams<ListParams>,
    filter: QueryParams<SuggestionFilterParams>,
) -> ApiResult<HttpResponse> {
    let page = listed(&state, &caller, &page.0, filter.0).await?;
    Ok(crate::respond::page(ListResponse::from_page(page, |s| {
        view_for(&state, s, &caller)
    })))
}

/// The page of suggestions the caller may list with these parameters.
async fn listed(
    state: &AppState,
    caller: &Caller,
    page: &ListParams,
    filter: SuggestionFilterParams,
) -> ApiResult<renda_persistence::Page<Suggestion>> {
    let (vis, f) = list_query(caller, filter, state.clock.today());
    Ok(state
        .store
        .list_suggestions(&vis, &f, &page.options()?)
        .await?)
}

/// 手机列表一行所需的建议摘要：不含正文、附议代表、答复和记录，约为完整建议的四分之一。
///
/// A suggestion as a list on a phone shows it: what a row needs, without
/// the text, the co-signers, the reply or the records (a quarter of the
/// whole suggestion).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e90",
    "number": "2026-0042",
    "title": "关于加快老旧小区改造的建议",
    "category": "城乡建设",
    "status": "assigned",
    "color": "yellow",
    "lead_deputy_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e50",
    "lead_unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e10",
    "due_date": "2027-02-14",
    "overdue": false,
    "evaluation": null,
    "submitted_at": "2026-11-16T02:00:00Z",
    "updated_at": "2026-11-27T08:00:00Z"
}))]
pub struct SuggestionSummary {
    /// 建议 ID。
    ///
    /// The suggestion's id.
    pub id: Uuid,
    /// 建议编号，立案时编定，如 `2026-0042` 或 `第十八届第五次会议 第0042号`；立案前为 null。
    ///
    /// Given at registration, unique per year: `2026-0042`.
    pub number: Option<String>,
    /// 建议标题。
    ///
    /// The title.
    pub title: String,
    /// 建议类别，如 `社会保障`。
    ///
    /// The category, e.g. `社会保障`.
    pub category: String,
    /// 办理状态，如 `assigned`（已交办）。
    ///
    /// Where it stands, e.g. `assigned`.
    pub status: SuggestionStatus,
    /// 三色管理的颜色；交办前为 null。
    ///
    /// The colour of three-colour management; null before assignment.
    pub color: Option<Color>,
    /// 领衔代表 ID。
    ///
    /// The lead deputy's id.
    pub lead_deputy_id: Uuid,
    /// 主办单位 ID；交办前为 null。
    ///
    /// The lead unit's id; null before assignment.
    pub lead_unit_id: Option<Uuid>,
    /// 办理期限：主办单位须在此日之前答复；交办前为 null。
    ///
    /// The reply deadline.
    pub due_date: Option<NaiveDate>,
    /// 已过办理期限而主办单位尚未答复。
    ///
    /// The deadline has passed and the unit has not replied.
    pub overdue: bool,
    /// 领衔代表对最近一次答复的评价；尚未评价时为 null。
    ///
    /// The lead deputy's evaluation of the latest reply.
    pub evaluation: Option<EvaluationResult>,
    /// 提交时间（UTC）；草稿为 null。
    ///
    /// When it was submitted (UTC); null for a draft.
    pub submitted_at: Option<DateTime<Utc>>,
    /// 最后修改时间（UTC）。
    ///
    /// When it last changed (UTC).
    pub updated_at: DateTime<Utc>,
}

impl From<SuggestionResponse> for SuggestionSummary {
    fn from(v: SuggestionResponse) -> Self {
        Self {
            id: v.id,
            number: v.number,
            title: v.title,
            category: v.category,
            status: v.status,
            color: v.color,
            lead_deputy_id: v.lead_deputy_id,
            lead_unit_id: v.lead_unit_id,
            due_date: v.due_date,
            overdue: v.overdue,
            evaluation: v.evaluation.map(|e| e.result),
            submitted_at: v.submitted_at,
            updated_at: v.updated_at,
        }
    }
}

/// 查询建议摘要列表 · List suggestions in summary, for phones
///
/// 与 `GET /suggestions` 相同的可见范围、筛选、分页与同步参数，每项只含列表一行所需的字段（编号、标题、
/// 类别、状态、颜色、领衔代表、主办单位、期限、是否逾期、评价、时间），不含正文、附议代表、答复与
/// 记录，约为完整建议的四分之一。
///
/// The same suggestions, filters, pages and sync parameters as
/// `GET /suggestions`, each item only what a row of a list needs (number,
/// title, category, status, colour, lead deputy and unit, deadline,
/// overdue, evaluation, times): no text, co-signers, reply or records,
/// about a quarter of the whole. Open one with `GET /suggestions/{id}`.
#[utoipa::path(
    tag = "suggestions",
    params(ListParams, SuggestionFilterParams),
    responses(
        (status = 200, description = "A page of suggestions in summary", body = ListResponse<SuggestionSummary>),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/suggestions/summaries")]
pub async fn list_suggestion_summaries(
    state: Data<AppState>,
    caller: Caller,
    page: QueryParams<ListParams>,
    filter: QueryParams<SuggestionFilterParams>,
) -> ApiResult<HttpResponse> {
    let page = listed(&state, &caller, &page.0, filter.0).await?;
    Ok(crate::respond::page(ListResponse::from_page(page, |s| {
        SuggestionSummary::from(view_for(&state, s, &caller))
    })))
}

/// The visibility and filters of a listing by this caller.
fn list_query(
    caller: &Caller,
    p: SuggestionFilterParams,
    today: NaiveDate,
) -> (SuggestionVisibility, SuggestionFilter) {
    let v = visibility(&caller.principal);
    let vis = SuggestionVisibility {
        published: v.published,
        deputy: v.deputy.map(Into::into),
        submitted: v.submitted,
        unit: v.unit.map(Into::into),
        unit_statuses: UNIT_VISIBLE.to_vec(),
    };
    let f = SuggestionFilter {
        status: p.status,
        color: p.color,
        category: p.category.filter(|s| !renda_domain::text::is_blank(s)),
        unit_id: p.unit_id,
        deputy_id: p.deputy_id,
        term: p.term.filter(|s| !renda_domain::text::is_blank(s)),
        congress_session_id: p.congress_session_id,
        assignment_batch_id: p.assignment_batch_id,
        pass_on_pending: p.pass_on_pending,
        year: p.year,
        overdue: p.overdue.map(|o| (o, today)),
        q: p.q
            .map(|s| s.trim().to_owned())
            .filter(|s| !renda_domain::text::is_blank(s)),
        outstanding: p.outstanding,
    };
    (vis, f)
}

const EXPORT_HEADERS: &[&str] = &[
    "编号",
    "标题",
    "类别",
    "届次",
    "领衔代表",
    "状态",
    "颜色",
    "主办单位",
    "交办日期",
    "办理期限",
    "是否逾期",
    "答复日期",
    "答复类别",
    "评价结果",
    "提交时间",
    "ID",
];

/// The rows of a suggestions export, a page at a time.
struct SuggestionRows {
    state: AppState,
    vis: SuggestionVisibility,
    filter: SuggestionFilter,
    after: Option<renda_persistence::list::Cursor>,
    names: crate::routes::common::NameCache,
    done: bool,
}

impl crate::export::RowSource for SuggestionRows {
    async fn next_page(&mut self) -> Result<Option<Vec<Vec<Cell>>>, ApiError> {
        if self.done {
            return Ok(None);
        }
        let opts = renda_persistence::list::ListOptions {
            limit: 500,
            after: self.after,
            ..Default::default()
        };
        let page = self
            .state
            .store
            .export_suggestions(&self.vis, &self.filter, &opts)
            .await?;
        self.after = page.next;
        self.done = page.next.is_none();
        self.names
            .prefetch(
                &self.state,
                page.live().map(|r| r.lead_deputy_id),
                page.live().filter_map(|r| r.lead_unit_id),
            )
            .await?;
        let today = self.state.clock.today();
        let mut rows = Vec::with_capacity(page.items.len());
        for r in page.live() {
            let deputy = self.names.deputy(&self.state, r.lead_deputy_id).await;
            let unit = match r.lead_unit_id {
                Some(u) => self.names.unit(&self.state, u).await,
                None => String::new(),
            };
            let overdue = renda_domain::suggestion::is_overdue(r.status, r.deadline, today);
            rows.push(vec![
                r.number.clone().unwrap_or_default().into(),
                r.title.clone().into(),
                r.category.clone().into(),
                r.term.clone().into(),
                deputy.into(),
                crate::problems::suggestion_status(r.status).0.into(),
                r.color
                    .map(|c| match c {
                        Color::Green => "绿色",
                        Color::Yellow => "黄色",
                        Color::Red => "红色",
                    })
                    .unwrap_or_default()
                    .into(),
                unit.into(),
                r.assigned_on.into(),
                r.deadline.into(),
                if overdue { "是" } else { "否" }.into(),
                r.replied_at.into(),
                r.reply_category
                    .map(|c| c.as_str())
                    .unwrap_or_default()
                    .into(),
                r.evaluation_result
                    .map(|e| match e {
                        EvaluationResult::Satisfied => "满意",
                        EvaluationResult::BasicallySatisfied => "基本满意",
                        EvaluationResult::Unsatisfied => "不满意",
                    })
                    .unwrap_or_default()
                    .into(),
                r.submitted_at.into(),
                r.id.to_string().into(),
            ]);
        }
        Ok(Some(rows))
    }
}

/// 导出建议 · Export suggestions
///
/// 按列表的筛选条件，将调用者可见的建议导出为 CSV（带字节顺序标记的 UTF-8）或 XLSX，列标题为中文。
/// 数据逐页读取，因此无论导出多少条，内存中只保留一页。
///
/// Exports the suggestions the caller may see, with the list's filters,
/// as CSV (UTF-8 with a byte-order mark) or XLSX, with Chinese column
/// headers. Rows are read page by page, so an export of any size holds
/// one page in memory.
#[utoipa::path(
    tag = "suggestions",
    params(
        ("format" = inline(ExportFormat), Path, description = "`csv` or `xlsx`"),
        SuggestionFilterParams
    ),
    responses(
        (status = 200, description = "The file", content(
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ), headers(("Content-Disposition" = String))),
        (status = 404, description = "Neither csv nor xlsx", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/suggestions/export.{format}")]
pub async fn export_suggestions(
    state: Data<AppState>,
    caller: Caller,
    format: Path<ExportFormat>,
    filter: QueryParams<SuggestionFilterParams>,
) -> ApiResult<HttpResponse> {
    let today = state.clock.today();
    let (vis, f) = list_query(&caller, filter.0, today);
    let rows = SuggestionRows {
        state: state.get_ref().clone(),
        vis,
        filter: f,
        after: None,
        names: Default::default(),
        done: false,
    };
    crate::export::respond(
        format.into_inner(),
        crate::export::Table {
            file: "suggestions",
            file_utf8: "%E5%BB%BA%E8%AE%AE",
            sheet: "建议",
            headers: EXPORT_HEADERS,
        },
        rows,
    )
    .await
}

/// 查看建议 · Get a suggestion
///
/// 查看调用者可见的一件建议（不可见则返回 404）。
///
/// Reads a suggestion the caller may see (404 otherwise).
#[utoipa::path(
    tag = "suggestions",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The suggestion", body = SuggestionResponse, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 401, description = "Not signed in and not published", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such suggestion, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/suggestions/{id}")]
pub async fn get_suggestion(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let s = load_for(&state, &caller, id.into_inner(), SuggestionAction::Read).await?;
    let version = s.version;
    Ok(respond::resource(
        &req,
        version,
        &view_for(&state, s, &caller),
    ))
}

/// 查询建议类别 · List categories
///
/// 列出正在使用的建议类别。
///
/// The suggestion categories in use.
#[utoipa::path(
    tag = "suggestions",
    responses((status = 200, description = "Category names, in order", body = Vec<String>, example = json!(["经济发展", "城乡建设", "交通"]))),
    security((), ("bearer" = []))
)]
#[get("/suggestion-categories")]
pub async fn list_categories(state: Data<AppState>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.store.suggestion_categories().await?))
}
