//! Listing, exporting and reading supervision items.

use super::*;

/// Filters of the item listing.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SupervisionFilterParams {
    #[validate(range(min = 1949, max = 2999))]
    #[param(minimum = 1949, maximum = 2999)]
    pub year: Option<i32>,
    pub stage: Option<Stage>,
    /// Items using this method.
    pub method: Option<Method>,
    /// Items supervising this unit.
    pub body_id: Option<Uuid>,
    /// Items this observer is assigned to.
    pub observer_id: Option<Uuid>,
    /// Items with a rectification overdue today (true) or none (false).
    pub overdue: Option<bool>,
    /// Words in the title or committee (Chinese substrings match).
    #[validate(length(max = 100))]
    #[param(max_length = 100)]
    pub q: Option<String>,
}

/// 监督事项列表 · List supervision items
///
/// 列出调用者可见的监督事项：工作人员和常委会负责人可见全部；被监督单位可见监督本单位的事项；
/// 代表可见其参与的事项；观察员可见分配给本人的事项；所有人可见已公开的事项。
///
/// Lists the items the caller may see: staff and leaders all, a unit
/// those supervising it, deputies those they take part in, observers
/// those they are assigned to, everyone the published ones.
#[utoipa::path(
    tag = "supervision",
    params(ListParams, SupervisionFilterParams),
    responses(
        (status = 200, description = "A page of items", body = ListResponse<SupervisionResponse>),
        (status = 422, description = "Invalid parameters", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/supervisions")]
pub async fn list_supervisions(
    state: Data<AppState>,
    caller: Caller,
    page: QueryParams<ListParams>,
    filter: QueryParams<SupervisionFilterParams>,
) -> ApiResult<HttpResponse> {
    let today = state.clock.today();
    let (vis, f, unit_scope) = list_query(&caller, filter.0, today);
    let page = state
        .store
        .list_supervisions(&vis, &f, &page.0.options()?)
        .await?;
    let ids: Vec<Uuid> = page.live().map(|x| x.id).collect();
    let overdue: HashSet<Uuid> = state
        .store
        .overdue_supervisions(&ids, today, unit_scope)
        .await?;
    Ok(crate::respond::page(ListResponse::from_page(page, |s| {
        let o = overdue.contains(&s.id);
        view(s, o)
    })))
}

/// The visibility and filters of a listing by this caller, and the unit
/// whose rectification alone decides "overdue" for a caller who sees items
/// only as a supervised body.
fn list_query(
    caller: &Caller,
    p: SupervisionFilterParams,
    today: NaiveDate,
) -> (SupervisionVisibility, SupervisionFilter, Option<Uuid>) {
    let v = visibility(&caller.principal);
    // A caller who sees items only as a supervised body learns only its
    // own rectification's state.
    let unit_scope = if v.all || v.deputy.is_some() || v.observer.is_some() {
        None
    } else {
        v.unit
    };
    let vis = SupervisionVisibility {
        published: v.published,
        all: v.all,
        unit: v.unit.map(Into::into),
        deputy: v.deputy.map(Into::into),
        observer: v.observer,
    };
    let f = SupervisionFilter {
        year: p.year,
        stage: p.stage,
        method: p.method,
        body_id: p.body_id,
        observer_id: p.observer_id,
        overdue: p.overdue.map(|o| (o, today)),
        overdue_unit: unit_scope.map(Into::into),
        q: p.q.filter(|s| !renda_domain::text::is_blank(s)),
    };
    (vis, f, unit_scope.map(Into::into))
}

fn method_name(m: Method) -> &'static str {
    match m {
        Method::ResearchVisit => "视察调研",
        Method::WorkEvaluation => "工作评议",
        Method::SpecialReport => "听取专项报告",
        Method::SpecialInquiry => "专题询问",
        Method::LawEnforcementInspection => "执法检查",
        Method::SatisfactionEvaluation => "满意度测评",
    }
}

const SUPERVISION_HEADERS: &[&str] = &[
    "年度",
    "监督事项",
    "监督方式",
    "负责委员会",
    "监督对象",
    "阶段",
    "测评轮次",
    "是否逾期",
    "办结时间",
    "ID",
];

/// The rows of a supervision export, a page at a time.
struct SupervisionRows {
    state: AppState,
    vis: SupervisionVisibility,
    filter: SupervisionFilter,
    unit_scope: Option<Uuid>,
    today: NaiveDate,
    after: Option<renda_persistence::list::Cursor>,
    names: crate::routes::common::NameCache,
    done: bool,
}

impl crate::export::RowSource for SupervisionRows {
    async fn next_page(&mut self) -> Result<Option<Vec<Vec<crate::export::Cell>>>, ApiError> {
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
            .list_supervisions(&self.vis, &self.filter, &opts)
            .await?;
        self.after = page.next;
        self.done = page.next.is_none();
        let items: Vec<SupervisionItem> = page.live().cloned().collect();
        let ids: Vec<Uuid> = items.iter().map(|i| i.id).collect();
        let overdue: HashSet<Uuid> = self
            .state
            .store
            .overdue_supervisions(&ids, self.today, self.unit_scope)
            .await?;
        let mut rows = Vec::with_capacity(items.len());
        for i in items {
            let mut bodies = Vec::new();
            for b in &i.body_ids {
                bodies.push(self.names.unit(&self.state, (*b).into()).await);
            }
            rows.push(vec![
                i64::from(i.year).into(),
                i.title.clone().into(),
                i.methods
                    .iter()
                    .map(|m| method_name(*m))
                    .collect::<Vec<_>>()
                    .join("、")
                    .into(),
                i.committee.clone().into(),
                bodies.join("、").into(),
                crate::problems::stage_name(i.stage).0.into(),
                i64::from(i.round).into(),
                if overdue.contains(&i.id) {
                    "是"
                } else {
                    "否"
                }
                .into(),
                i.closed_at.into(),
                i.id.to_string().into(),
            ]);
        }
        Ok(Some(rows))
    }
}

/// 导出监督事项 · Export supervision items
///
/// 按列表的筛选条件，将调用者可见的监督事项导出为带中文表头的 CSV 或 XLSX 文件。
///
/// Exports the supervision items the caller may see, with the list's
/// filters, as CSV or XLSX with Chinese column headers.
#[utoipa::path(
    tag = "supervision",
    params(
        ("format" = inline(crate::export::ExportFormat), Path, description = "`csv` or `xlsx`"),
        SupervisionFilterParams
    ),
    responses(
        (status = 200, description = "The file", content(
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ), headers(("Content-Disposition" = String))),
        (status = 404, description = "Neither csv nor xlsx", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/supervisions/export.{format}")]
pub async fn export_supervisions(
    state: Data<AppState>,
    caller: Caller,
    format: Path<crate::export::ExportFormat>,
    filter: QueryParams<SupervisionFilterParams>,
) -> ApiResult<HttpResponse> {
    let today = state.clock.today();
    let (vis, f, unit_scope) = list_query(&caller, filter.0, today);
    let rows = SupervisionRows {
        state: state.get_ref().clone(),
        vis,
        filter: f,
        unit_scope,
        today,
        after: None,
        names: Default::default(),
        done: false,
    };
    crate::export::respond(
        format.into_inner(),
        crate::export::Table {
            file: "supervisions",
            file_utf8: "%E7%9B%91%E7%9D%A3%E4%BA%8B%E9%A1%B9",
            sheet: "监督事项",
            headers: SUPERVISION_HEADERS,
        },
        rows,
    )
    .await
}

const OBSERVATION_HEADERS: &[&str] = &[
    "观察员",
    "监督事项",
    "观察意见",
    "采纳情况",
    "理由",
    "提出时间",
    "处理时间",
    "ID",
];

/// Which observation opinions to export.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ObservationExportParams {
    /// Only opinions on items of this year's plan.
    #[validate(range(min = 2000, max = 2100))]
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
}

/// The rows of an observation-opinion export, a page at a time.
struct ObservationRows {
    state: AppState,
    year: Option<i32>,
    after: Option<Uuid>,
    titles: std::collections::HashMap<Uuid, String>,
    observers: std::collections::HashMap<Uuid, String>,
    done: bool,
}

impl crate::export::RowSource for ObservationRows {
    async fn next_page(&mut self) -> Result<Option<Vec<Vec<crate::export::Cell>>>, ApiError> {
        if self.done {
            return Ok(None);
        }
        let page = self
            .state
            .store
            .observations_page(self.year, self.after, 500)
            .await?;
        self.done = page.len() < 500;
        self.after = page.last().map(|o| o.id);
        let mut rows = Vec::with_capacity(page.len());
        for o in page {
            if !self.titles.contains_key(&o.item_id) {
                let t = self
                    .state
                    .store
                    .get_supervision(o.item_id)
                    .await
                    .map(|i| i.title)
                    .unwrap_or_default();
                self.titles.insert(o.item_id, t);
            }
            if !self.observers.contains_key(&o.observer_id) {
                let n = self
                    .state
                    .store
                    .get_observer(o.observer_id)
                    .await
                    .map(|x| x.name)
                    .unwrap_or_default();
                self.observers.insert(o.observer_id, n);
            }
            let status = match o.status {
                ObservationStatus::Pending => "待处理",
                ObservationStatus::Adopted => "采纳",
                ObservationStatus::NotAdopted => "未采纳",
            };
            rows.push(vec![
                self.observers
                    .get(&o.observer_id)
                    .cloned()
                    .unwrap_or_default()
                    .into(),
                self.titles
                    .get(&o.item_id)
                    .cloned()
                    .unwrap_or_default()
                    .into(),
                o.content.into(),
                status.into(),
                o.decision_reason.unwrap_or_default().into(),
                o.created_at.into(),
                o.decided_at.into(),
                o.id.to_string().into(),
            ]);
        }
        Ok(Some(rows))
    }
}

/// 导出观察意见 · Export observers' opinions
///
/// 人大办和常委会负责人将所有监督事项上的观察员观察意见导出为带中文表头的 CSV 或 XLSX 文件。
///
/// Exports the observers' opinions on every supervision item (the office
/// and leaders), as CSV or XLSX with Chinese column headers.
#[utoipa::path(
    tag = "supervision",
    params(
        ("format" = inline(crate::export::ExportFormat), Path, description = "`csv` or `xlsx`"),
        ObservationExportParams
    ),
    responses(
        (status = 200, description = "The file", content(
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ), headers(("Content-Disposition" = String))),
        (status = 403, description = "Not the office or a leader", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "Neither csv nor xlsx", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/supervisions/observations/export.{format}")]
pub async fn export_observations(
    state: Data<AppState>,
    caller: Caller,
    format: Path<crate::export::ExportFormat>,
    params: QueryParams<ObservationExportParams>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadSupervisionStats)?;
    let rows = ObservationRows {
        state: state.get_ref().clone(),
        year: params.0.year,
        after: None,
        titles: Default::default(),
        observers: Default::default(),
        done: false,
    };
    crate::export::respond(
        format.into_inner(),
        crate::export::Table {
            file: "observation-opinions",
            file_utf8: "%E8%A7%82%E5%AF%9F%E6%84%8F%E8%A7%81",
            sheet: "观察意见",
            headers: OBSERVATION_HEADERS,
        },
        rows,
    )
    .await
}

/// 查看监督事项 · Get a supervision item
///
/// 读取调用者可见的一个监督事项；不可见时返回 404。
///
/// Reads an item the caller may see (404 otherwise).
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The item", body = SupervisionResponse, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 401, description = "Not signed in and not published", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such item, or not visible to the caller", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/supervisions/{id}")]
pub async fn get_supervision(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let s = load_for(&state, &caller, id.into_inner(), SupervisionAction::Read).await?;
    let overdue = is_overdue(&state, s.id, body_only(&caller, &s)).await?;
    let version = s.version;
    Ok(respond::resource(&req, version, &view(s, overdue)))
}
