//! Listing, exporting and reading deputies.

use super::*;

/// Filters of the deputy listing.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeputyFilterParams {
    /// Deputies with a membership at this level.
    pub level: Option<Level>,
    /// Deputies with a membership of this term (e.g. `第十八届`).
    #[validate(length(max = 40))]
    #[param(max_length = 40)]
    pub term: Option<String>,
    /// Deputies with a membership for this constituency.
    #[validate(length(max = 200))]
    #[param(max_length = 200)]
    pub constituency: Option<String>,
    pub status: Option<DeputyStatus>,
    /// Words in the deputy's name (Chinese substrings match).
    #[validate(length(max = 100))]
    #[param(max_length = 100)]
    pub q: Option<String>,
    /// Exactly this phone number, digits compared (staff and
    /// administrators only: a lookup by personal data).
    #[validate(length(max = 24))]
    #[param(max_length = 24)]
    pub phone: Option<String>,
}

impl DeputyFilterParams {
    /// The store's filter; a lookup by phone is for the office only.
    fn into_filter(self, caller: &Caller) -> ApiResult<renda_persistence::deputies::DeputyFilter> {
        let phone = self.phone.filter(|p| !renda_domain::text::is_blank(p));
        if phone.is_some() {
            caller.require(Action::ManageDeputies)?;
        }
        Ok(renda_persistence::deputies::DeputyFilter {
            level: self.level,
            term: self.term.filter(|s| !renda_domain::text::is_blank(s)),
            constituency: self
                .constituency
                .filter(|s| !renda_domain::text::is_blank(s)),
            status: self.status,
            q: self.q.filter(|q| !renda_domain::text::is_blank(q)),
            phone,
        })
    }
}

/// 查询代表 · List deputies
///
/// 列出代表，向所有人开放；个人信息的脱敏方式与查看单个代表时相同。
///
/// Lists deputies. Open to everyone; personal data is masked as for
/// single deputies.
#[utoipa::path(
    tag = "deputies",
    params(ListParams, DeputyFilterParams),
    responses(
        (status = 200, description = "A page of deputies", body = ListResponse<DeputyResponse>),
        (status = 403, description = "A lookup by phone asked by someone outside the office", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/deputies")]
pub async fn list_deputies(
    state: Data<AppState>,
    caller: Caller,
    page: QueryParams<ListParams>,
    filter: QueryParams<DeputyFilterParams>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadDeputies)?;
    let f = filter.0.into_filter(&caller)?;
    let page = state.store.list_deputies(&f, &page.0.options()?).await?;
    let ids: Vec<Uuid> = page.live().map(|x| x.id).collect();
    let mut stations = state.store.stations_of_deputies(&ids).await?;
    Ok(crate::respond::page(ListResponse::from_page(page, |d| {
        let st = stations.remove(&d.id).unwrap_or_default();
        view(d, &caller, st, false)
    })))
}

const DEPUTY_HEADERS: &[&str] = &[
    "姓名",
    "性别",
    "民族",
    "出生日期",
    "党派",
    "学历",
    "职业",
    "工作单位及职务",
    "手机",
    "代表资格",
    "状态",
    "ID",
];

/// The rows of a deputies export, a page at a time.
struct DeputyRows {
    state: AppState,
    caller: Caller,
    filter: renda_persistence::deputies::DeputyFilter,
    after: Option<renda_persistence::list::Cursor>,
    done: bool,
    unmasked: bool,
}

fn membership_text(m: &renda_domain::deputy::Membership) -> String {
    use renda_domain::deputy::labels;
    let place = m
        .constituency
        .as_deref()
        .or(m.delegation.as_deref())
        .map(|p| format!("（{p}）"))
        .unwrap_or_default();
    format!(
        "{}{}{}{}",
        labels::level(m.level),
        m.term,
        place,
        labels::membership_status(m.status)
    )
}

impl crate::export::RowSource for DeputyRows {
    async fn next_page(&mut self) -> Result<Option<Vec<Vec<crate::export::Cell>>>, ApiError> {
        use renda_domain::deputy::labels;
        if self.done {
            return Ok(None);
        }
        let opts = renda_persistence::list::ListOptions {
            limit: 500,
            after: self.after,
            ..Default::default()
        };
        let page = self.state.store.list_deputies(&self.filter, &opts).await?;
        self.after = page.next;
        self.done = page.next.is_none();
        let text = |s: Option<String>| crate::export::Cell::Text(s.unwrap_or_default());
        let rows = page
            .live()
            .cloned()
            .map(|d| {
                // Masked as in the list, unless the office asked for
                // personal data unmasked.
                let v = view(d, &self.caller, Vec::new(), self.unmasked);
                vec![
                    v.name.into(),
                    v.gender.map(labels::gender).unwrap_or_default().into(),
                    text(v.ethnicity),
                    v.birth_date.into(),
                    text(v.party),
                    text(v.education),
                    text(v.occupation),
                    text(v.work_unit),
                    text(v.phone),
                    v.memberships
                        .iter()
                        .map(membership_text)
                        .collect::<Vec<_>>()
                        .join("；")
                        .into(),
                    labels::deputy_status(v.status).into(),
                    v.id.to_string().into(),
                ]
            })
            .collect();
        Ok(Some(rows))
    }
}

/// 导出代表 · Export deputies
///
/// 按列表的筛选条件和脱敏规则，将代表导出为 CSV 或 XLSX，列标题为中文，逐页流式输出。人大办可要求不
/// 脱敏导出个人信息（`unmask=true`），审计记录会记载此操作。
///
/// Exports the deputies, with the list's filters and masking, as CSV or
/// XLSX with Chinese column headers, streamed page by page. The office
/// may ask for personal data unmasked (`unmask=true`), which the audit
/// trail records.
#[utoipa::path(
    tag = "deputies",
    params(
        ("format" = inline(crate::export::ExportFormat), Path, description = "`csv` or `xlsx`"),
        DeputyFilterParams,
        crate::routes::common::UnmaskParams
    ),
    responses(
        (status = 200, description = "The file", content(
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ), headers(("Content-Disposition" = String))),
        (status = 403, description = "A lookup by phone or an unmasked export asked by someone outside the office", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Neither csv nor xlsx", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/deputies/export.{format}")]
pub async fn export_deputies(
    state: Data<AppState>,
    caller: Caller,
    format: Path<crate::export::ExportFormat>,
    filter: QueryParams<DeputyFilterParams>,
    unmask: QueryParams<crate::routes::common::UnmaskParams>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadDeputies)?;
    let f = filter.0.into_filter(&caller)?;
    let format = format.into_inner();
    let unmasked = unmask.0.wanted();
    if unmasked {
        crate::routes::common::unmask(
            &state,
            &caller,
            Action::ExportDeputyPersonalData,
            "export_personal_data",
            "deputy",
            None,
            serde_json::json!({"format": format, "filter": {
                "level": f.level, "term": f.term, "constituency": f.constituency,
                "status": f.status, "q": f.q, "phone": f.phone.is_some(),
            }}),
        )
        .await?;
    }
    let rows = DeputyRows {
        state: state.get_ref().clone(),
        caller,
        filter: f,
        after: None,
        done: false,
        unmasked,
    };
    crate::export::respond(
        format,
        crate::export::Table {
            file: "deputies",
            file_utf8: "%E4%BB%A3%E8%A1%A8",
            sheet: "代表",
            headers: DEPUTY_HEADERS,
        },
        rows,
    )
    .await
}

/// 查看代表 · Get a deputy
///
/// 查看一名代表，向所有人开放。个人信息除代表本人外均脱敏显示；工作人员和系统管理员使用
/// `unmask=true` 可查看原文，审计记录会记载此操作。
///
/// Reads a deputy. Open to everyone. Personal data is masked except for
/// the deputy; staff and administrators see it with `unmask=true`, which
/// the audit trail records.
#[utoipa::path(
    tag = "deputies",
    params(("id" = Uuid, Path, description = "Deputy id"), crate::routes::common::UnmaskParams),
    responses(
        (status = 200, description = "The deputy", body = DeputyResponse, headers(("ETag" = String))),
        (status = 403, description = "Unmasking asked by someone who may not see the deputy's personal data", body = Problem, content_type = "application/problem+json"),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
    ),
    security((), ("bearer" = []))
)]
#[get("/deputies/{id}")]
pub async fn get_deputy(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    unmask: QueryParams<crate::routes::common::UnmaskParams>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadDeputies)?;
    let d = state.store.get_deputy(id.into_inner()).await?;
    let unmasked = unmask.0.wanted() && !is_own(&caller, d.id);
    if unmasked {
        crate::routes::common::unmask(
            &state,
            &caller,
            Action::ReadDeputyPersonalData {
                deputy_id: d.id.into(),
            },
            "read_personal_data",
            "deputy",
            Some(d.id),
            serde_json::json!({"fields": ["phone", "birth_date"]}),
        )
        .await?;
    }
    let version = d.version;
    let body = view_one(&state, d, &caller, unmasked).await?;
    Ok(respond::resource(&req, version, &body))
}
