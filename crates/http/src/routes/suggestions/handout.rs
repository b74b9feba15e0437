//! 交办: the office hands registered suggestions out at a meeting, many at
//! once and all or none, and prints the list (交办清单).

use renda_domain::suggestion::{AssignInput, AssignmentBatch, BatchInput, BatchRow};

use super::*;

/// 一批交办的建议（交办会）。
///
/// A batch of suggestions handed out.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f80",
    "title": "第十八届第五次会议代表建议交办会",
    "meeting_date": "2027-02-20",
    "congress_session_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f60",
    "document_number": "宿城人常办〔2027〕3号",
    "item_count": 42,
    "created_at": "2027-02-20T02:00:00Z",
    "updated_at": "2027-02-20T02:00:00Z"
}))]
pub struct AssignmentBatchResponse {
    /// 交办批次 ID。
    ///
    /// The batch's id.
    pub id: Uuid,
    /// 交办会名称，如 `第十八届第五次会议代表建议交办会`。
    ///
    /// The meeting's title, e.g. `第十八届第五次会议代表建议交办会`.
    pub title: String,
    /// 交办会日期。
    ///
    /// The day of the handing-out meeting.
    pub meeting_date: NaiveDate,
    /// 所交办建议所属的大会会次 ID；不属于某次会议时为 null。
    ///
    /// The congress session whose suggestions it handed out; null if none.
    pub congress_session_id: Option<Uuid>,
    /// 随交办清单印发的文件文号，如 `宿城人常办〔2027〕3号`；可为 null。
    ///
    /// The number of the office's document that went with the list; may be
    /// null.
    pub document_number: Option<String>,
    /// 本批交办的建议件数。
    ///
    /// How many suggestions it handed out.
    pub item_count: i32,
    /// 创建时间（UTC）。
    ///
    /// When it was recorded (UTC).
    pub created_at: DateTime<Utc>,
    /// 最后修改时间（UTC）。
    ///
    /// When it last changed (UTC).
    pub updated_at: DateTime<Utc>,
}

impl crate::pagination::Keyed for AssignmentBatchResponse {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.updated_at)
    }
}

impl From<AssignmentBatch> for AssignmentBatchResponse {
    fn from(b: AssignmentBatch) -> Self {
        Self {
            id: b.id,
            title: b.title,
            meeting_date: b.meeting_date,
            congress_session_id: b.congress_session_id,
            document_number: b.document_number,
            item_count: b.item_count,
            created_at: b.created_at,
            updated_at: b.updated_at,
        }
    }
}

/// 交办批次中的一行：一件建议及其交办内容，字段与单件交办相同。
///
/// One suggestion of a batch and how it is assigned: the fields of a
/// single assignment, with the suggestion's id.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchItem {
    /// 要交办的建议 ID；须已立案，且在本批中只出现一次。
    ///
    /// The suggestion to hand out: registered, and named once in the batch.
    pub suggestion_id: Uuid,
    /// 主办单位 ID。
    ///
    /// The lead unit's id.
    pub lead_unit_id: renda_domain::id::UnitId,
    /// 协办单位 ID，最多 20 个；可为空。
    ///
    /// The co-units' ids, at most 20; may be empty.
    #[serde(default)]
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub co_unit_ids: Vec<renda_domain::id::UnitId>,
    /// 三色管理的颜色：`green`、`yellow` 或 `red`。
    ///
    /// The colour of three-colour management: `green`, `yellow` or `red`.
    pub color: Color,
    /// 办理期限：主办单位须在此日之前答复；默认按颜色计算。
    ///
    /// The reply deadline; default by colour.
    pub due_date: Option<NaiveDate>,
    /// 协办单位提出协办意见的期限；默认为主办单位期限前 15 天。
    ///
    /// The co-units' deadline; default 15 days before the lead unit's.
    pub co_unit_due_date: Option<NaiveDate>,
    /// 督办领导的用户 ID；红色建议必填。
    ///
    /// The supervising leader's user id; required for red.
    pub supervisor_id: Option<renda_domain::id::UserId>,
    /// 主办单位为须分办的政府办公室时填写：分办的截止日期，从今天到答复期限之间。
    ///
    /// For a government office that passes the suggestion on (分办): the
    /// day it must, from today to the reply deadline.
    pub pass_on_due: Option<NaiveDate>,
}

/// 交办会及其交办的建议。
///
/// A handing-out meeting and what it hands out.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "第十八届第五次会议代表建议交办会",
    "meeting_date": "2027-02-20",
    "document_number": "宿城人常办〔2027〕3号",
    "items": [
        {"suggestion_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ea0", "lead_unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "color": "green"},
        {"suggestion_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ea1", "lead_unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e8f", "color": "yellow", "pass_on_due": "2027-02-27"}
    ]
}))]
pub struct HandOutRequest {
    /// 交办会名称，如 `第十八届第五次会议代表建议交办会`。
    ///
    /// The meeting's title, e.g. `第十八届第五次会议代表建议交办会`.
    pub title: renda_domain::text::Line<200>,
    /// 交办会日期。
    ///
    /// The day of the meeting.
    pub meeting_date: NaiveDate,
    /// 所交办建议所属的大会会次 ID；可不填。
    ///
    /// The session whose suggestions it hands out, if one.
    pub congress_session_id: Option<Uuid>,
    /// 随交办清单印发的文件文号；可不填。
    ///
    /// The number of the office's document that goes with the list; optional.
    pub document_number: Option<renda_domain::text::Line<100>>,
    /// 要交办的建议，1 至 500 件，每件须已立案且只列一次。
    ///
    /// 1 to 500 suggestions, each registered and named once.
    #[validate(length(min = 1, max = 500), nested)]
    #[schema(min_items = 1, max_items = 500)]
    pub items: Vec<BatchItem>,
}

/// 批量交办建议 · Hand out suggestions in a batch
///
/// 工作人员将已立案的建议成批一次交办：每一行的交办效果与 `POST /suggestions/{id}/assign` 相同；任
/// 何一行被拒绝，则全部不予交办，返回结果以 `items[row].field` 的形式列出每个被拒绝的字段。
///
/// Hands registered suggestions out in one batch (staff): each row is
/// assigned as `POST /suggestions/{id}/assign` would, and if any row is
/// refused nothing is, and the answer names every refused field as
/// `items[row].field`.
#[utoipa::path(
    tag = "suggestions",
    request_body = HandOutRequest,
    responses(
        (status = 201, description = "Handed out", body = AssignmentBatchResponse, headers(("Location" = String))),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Rows name suggestions that do not exist (`errors` names them); nothing was handed out", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Rows name suggestions not registered (`invalid_state`, `errors` names them), or one changed meanwhile; nothing was handed out", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Rows refused (`items[3].lead_unit_id`, `items[5].suggestion_id` …); nothing was handed out", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/assignment-batches")]
pub async fn hand_out(
    state: Data<AppState>,
    caller: Caller,
    body: JsonBody<HandOutRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::HandOutSuggestions)?;
    let b = body.parse()?;
    if let Some(id) = b.congress_session_id {
        match state.store.get_congress_session(id).await {
            Ok(_) => {}
            Err(StoreError::NotFound) => {
                return Err(ApiError::validation(vec![crate::error::FieldError::new(
                    "congress_session_id",
                    "not_found",
                    Msg::new("会议不存在", "no such session"),
                )]));
            }
            Err(e) => return Err(e.into()),
        }
    }
    let mut suggestions = Vec::with_capacity(b.items.len());
    let mut units: Vec<Uuid> = Vec::new();
    let mut leaders: std::collections::HashMap<Uuid, bool> = Default::default();
    for item in &b.items {
        suggestions.push(match state.store.get_suggestion(item.suggestion_id).await {
            Ok(s) => Some(s),
            Err(StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        });
        units.push(item.lead_unit_id.uuid());
        units.extend(item.co_unit_ids.iter().map(|u| u.uuid()));
        if let Some(id) = item.supervisor_id
            && !leaders.contains_key(&id.uuid())
        {
            let leader = match state.store.get_user(id.uuid()).await {
                Ok(u) => rules::can_supervise(&u),
                Err(StoreError::NotFound) => false,
                Err(e) => return Err(e.into()),
            };
            leaders.insert(id.uuid(), leader);
        }
    }
    units.sort();
    units.dedup();
    let existing = renda_domain::id::from_uuids(existing_units(&state, &units).await?);
    let rows = b
        .items
        .into_iter()
        .zip(&suggestions)
        .map(|(item, s)| BatchRow {
            suggestion: s.as_ref(),
            supervisor_is_leader: item
                .supervisor_id
                .map(|id| leaders.get(&id.uuid()).copied().unwrap_or(false)),
            assignment: AssignInput {
                lead_unit_id: item.lead_unit_id,
                co_unit_ids: item.co_unit_ids,
                color: item.color,
                due_date: item.due_date,
                co_unit_due_date: item.co_unit_due_date,
                supervisor_id: item.supervisor_id,
                pass_on_due: item.pass_on_due,
            },
        })
        .collect();
    let input = BatchInput {
        id: Uuid::now_v7(),
        title: b.title.into(),
        meeting_date: b.meeting_date,
        congress_session_id: b.congress_session_id,
        document_number: b.document_number.map(String::from),
        rows,
    };
    let (batch, changes) =
        rules::hand_out(input, &existing, &ctx(&state, &caller)?).map_err(batch_refusal)?;
    let befores: Vec<&Suggestion> = suggestions.iter().flatten().collect();
    let pairs: Vec<(&Suggestion, Change)> = changes
        .into_iter()
        .filter_map(|c| befores.iter().find(|s| s.id == c.after.id).map(|s| (*s, c)))
        .collect();
    let (batch, _) = match state.store.hand_out(&caller.audit(), batch, pairs).await {
        Ok(done) => done,
        Err(StoreError::VersionMismatch) => return Err(crate::routes::common::concurrent_change()),
        Err(e) => return Err(e.into()),
    };
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/assignment-batches/{}", batch.id),
        ))
        .json(AssignmentBatchResponse::from(batch)))
}

/// A refused batch: 404 when its only fault is suggestions that do not
/// exist, 409 when it is only suggestions not registered (handed out
/// already, say), else 422; every refused row is named either way.
fn batch_refusal(e: SuggestionError) -> ApiError {
    use renda_domain::suggestion::Issue;
    let SuggestionError::Invalid(issues) = &e else {
        return e.into();
    };
    let all = |f: fn(&Issue) -> bool| issues.iter().all(|i| f(&i.issue));
    let status = if all(|i| matches!(i, Issue::UnknownSuggestion)) {
        Some((
            actix_web::http::StatusCode::NOT_FOUND,
            renda_domain::Code::NotFound,
        ))
    } else if all(|i| matches!(i, Issue::State(_))) {
        Some((
            actix_web::http::StatusCode::CONFLICT,
            renda_domain::Code::InvalidState,
        ))
    } else {
        None
    };
    let mut api: ApiError = e.into();
    if let Some((status, code)) = status {
        let errors = std::mem::take(&mut api.errors);
        api = ApiError::new(
            status,
            code,
            Msg::new(
                "批中有建议不存在或不在待交办状态，本批未交办",
                "Suggestions of the batch do not exist or are not registered; nothing was handed out",
            ),
        );
        api.errors = errors;
    }
    api
}

/// 查询交办批次 · List batches
///
/// 工作人员和领导列出交办批次。
///
/// Lists the batches (staff and leaders).
#[utoipa::path(
    tag = "suggestions",
    params(ListParams),
    responses(
        (status = 200, description = "A page of batches", body = ListResponse<AssignmentBatchResponse>),
        (status = 403, description = "Not staff or a leader", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/assignment-batches")]
pub async fn list_assignment_batches(
    state: Data<AppState>,
    caller: Caller,
    page: QueryParams<ListParams>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadAssignmentBatches)?;
    let page = state
        .store
        .list_assignment_batches(&page.0.options()?)
        .await?;
    Ok(crate::respond::page(ListResponse::from_page(
        page,
        AssignmentBatchResponse::from,
    )))
}

/// 查看交办批次 · Get a batch
///
/// 工作人员和领导查看一个交办批次；批次中的建议通过 `GET /suggestions?assignment_batch_id=…` 列出。
///
/// Reads a batch (staff and leaders); its suggestions are listed by
/// `GET /suggestions?assignment_batch_id=…`.
#[utoipa::path(
    tag = "suggestions",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The batch", body = AssignmentBatchResponse, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 404, description = "No such batch", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/assignment-batches/{id}")]
pub async fn get_assignment_batch(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadAssignmentBatches)?;
    let b = state.store.get_assignment_batch(id.into_inner()).await?;
    let version = b.version;
    Ok(respond::resource(
        &req,
        version,
        &AssignmentBatchResponse::from(b),
    ))
}

const LIST_HEADERS: &[&str] = &[
    "序号",
    "建议编号",
    "建议标题",
    "领衔代表",
    "主办单位",
    "协办单位",
    "颜色",
    "办理期限",
    "分办期限",
];

/// The rows of a batch's list, a page at a time.
struct ListRows {
    state: AppState,
    batch: Uuid,
    after: Option<renda_persistence::list::Cursor>,
    names: crate::routes::common::NameCache,
    row: i64,
    done: bool,
}

impl crate::export::RowSource for ListRows {
    async fn next_page(&mut self) -> Result<Option<Vec<Vec<Cell>>>, ApiError> {
        if self.done {
            return Ok(None);
        }
        let opts = renda_persistence::list::ListOptions {
            limit: 500,
            after: self.after,
            ..Default::default()
        };
        let vis = SuggestionVisibility {
            submitted: true,
            ..Default::default()
        };
        let f = SuggestionFilter {
            assignment_batch_id: Some(self.batch),
            ..Default::default()
        };
        let page = self.state.store.list_suggestions(&vis, &f, &opts).await?;
        self.after = page.next;
        self.done = page.next.is_none();
        let mut rows = Vec::new();
        for s in page.live() {
            self.row += 1;
            let deputy = self
                .names
                .deputy(&self.state, s.lead_deputy_id.uuid())
                .await;
            let lead = match s.lead_unit_id {
                Some(u) => self.names.unit(&self.state, u.uuid()).await,
                None => String::new(),
            };
            let mut co = Vec::new();
            for c in &s.co_units {
                co.push(self.names.unit(&self.state, c.unit_id.uuid()).await);
            }
            rows.push(vec![
                self.row.into(),
                s.number.clone().unwrap_or_default().into(),
                s.title.clone().into(),
                deputy.into(),
                lead.into(),
                co.join("、").into(),
                match s.color {
                    Some(Color::Green) => "绿色",
                    Some(Color::Yellow) => "黄色",
                    Some(Color::Red) => "红色",
                    None => "",
                }
                .into(),
                s.deadline.into(),
                s.pass_on_due.into(),
            ]);
        }
        Ok(Some(rows))
    }
}

/// 导出交办清单 · Export a batch's list
///
/// 工作人员和领导将批次的交办清单导出为 CSV 或 XLSX：列出每件建议的领衔代表、承办单位、颜色和期限，
/// 与交办会上印发的一致。
///
/// The batch's list (交办清单) as CSV or XLSX (staff and leaders): each
/// suggestion with its lead deputy, units, colour and deadlines, as
/// printed for the meeting.
#[utoipa::path(
    tag = "suggestions",
    params(
        ("id" = Uuid, Path),
        ("format" = inline(ExportFormat), Path, description = "`csv` or `xlsx`"),
    ),
    responses(
        (status = 200, description = "The file", content(
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ), headers(("Content-Disposition" = String))),
        (status = 404, description = "No such batch, or neither csv nor xlsx", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/assignment-batches/{id}/list.{format}")]
pub async fn export_assignment_list(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, ExportFormat)>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadAssignmentBatches)?;
    let (id, format) = path.into_inner();
    let batch = state.store.get_assignment_batch(id).await?;
    let rows = ListRows {
        state: state.get_ref().clone(),
        batch: batch.id,
        after: None,
        names: Default::default(),
        row: 0,
        done: false,
    };
    crate::export::respond(
        format,
        crate::export::Table {
            file: "assignment-list",
            file_utf8: "%E4%BA%A4%E5%8A%9E%E6%B8%85%E5%8D%95",
            sheet: "交办清单",
            headers: LIST_HEADERS,
        },
        rows,
    )
    .await
}
