//! The key-supervision list (重点督办建议): the office records the council
//! of chairpersons' yearly list, each item led by named leaders, who
//! record their visits, instructions and meetings; the office and the
//! leaders follow the list's progress. A suggestion's colour is apart.

use crate::routes::Routes;
use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, get, post};
use chrono::{DateTime, NaiveDate, Utc};
use renda_auth::Action;
use renda_domain::id::UserId;
use renda_domain::key_supervision::{
    self as rules, ItemInput, KeyError, KeyList, KeyRecord, KeyRecordKind, ListFacts, ListInput,
    RecordInput,
};
use renda_domain::suggestion::{Color, SuggestionStatus};
use renda_domain::text::{Line, Text};
use renda_persistence::{Conflict, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::error::{ApiResult, Problem};
use crate::extract::{Caller, JsonBody, QueryParams};
use crate::pagination::{ListParams, ListResponse};
use crate::routes::common::command_ctx as ctx;
use crate::{AppState, respond};

pub fn configure(cfg: &mut Routes) {
    cfg.service(decide_key_list)
        .service(list_key_lists)
        .service(get_key_list)
        .service(add_key_record)
        .service(list_key_records)
        .service(get_key_record);
}

/// 清单中的一件代表建议及其办理情况。
///
/// A suggestion on the list and how its handling stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyItemView {
    /// 清单条目 ID。
    ///
    /// The item's id.
    pub id: Uuid,
    /// 代表建议 ID。
    ///
    /// The suggestion's id.
    pub suggestion_id: Uuid,
    /// 领办领导的用户 ID。
    ///
    /// The leading leaders' user ids (领导领办).
    #[schema(value_type = Vec<Uuid>)]
    pub leader_ids: Vec<UserId>,
    /// 建议编号（如 `2026-0001`）；未编号时为 null。
    ///
    /// The suggestion's number (`2026-0001`); null when it has none.
    pub number: Option<String>,
    /// 建议标题。
    ///
    /// The suggestion's title.
    pub title: String,
    /// 建议当前状态。
    ///
    /// The suggestion's status.
    pub status: SuggestionStatus,
    /// 建议的三色管理颜色，列入清单不改变它；尚未交办时为 null。
    ///
    /// The suggestion's colour, which the list leaves as it is.
    pub color: Option<Color>,
    /// 主办单位 ID；尚未交办时为 null。
    ///
    /// The lead unit; null before assignment.
    pub lead_unit_id: Option<Uuid>,
    /// 办理期限；尚未交办时为 null。
    ///
    /// The reply deadline; null before assignment.
    pub deadline: Option<NaiveDate>,
    /// 已过办理期限且承办单位尚未答复。
    ///
    /// The deadline has passed and the unit has not replied.
    pub overdue: bool,
    /// 领导至今的督办记录数。
    ///
    /// The leaders' records so far.
    pub records: u32,
    /// 最近一次督办活动的日期；没有记录时为 null。
    ///
    /// The day of the latest record; null without records.
    pub last_record_on: Option<NaiveDate>,
}

/// 清单的推进情况。
///
/// How the list stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyProgress {
    /// 清单中的建议件数。
    ///
    /// Suggestions on the list.
    pub items: u32,
    /// 按建议状态统计的件数。
    ///
    /// Items by their suggestion's status.
    pub by_status: std::collections::BTreeMap<SuggestionStatus, u32>,
    /// 建议已办结的件数。
    ///
    /// Items whose suggestion is closed (办结).
    pub closed: u32,
    /// 已有领导督办记录的件数。
    ///
    /// Items a leader has recorded on.
    pub with_records: u32,
    /// 逾期未答复的件数。
    ///
    /// Items overdue: past the deadline and not replied.
    pub overdue: u32,
}

/// 某一年度的重点督办建议清单。
///
/// A year's key-supervision list.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f90", "year": 2026,
    "title": "2026年度重点督办代表建议", "decided_on": "2026-03-10",
    "document_number": "宿城人常主〔2026〕2号",
    "items": [{"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f91", "suggestion_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ea0",
               "leader_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e05"], "number": "2026-0001",
               "title": "关于增设古城街道老年助餐点的建议", "status": "assigned", "color": "yellow",
               "lead_unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "deadline": "2026-06-30",
               "overdue": false, "records": 2, "last_record_on": "2026-04-12"}],
    "item_count": 1,
    "progress": {"items": 1, "by_status": {"assigned": 1}, "closed": 0, "with_records": 1, "overdue": 0},
    "created_at": "2026-03-10T08:00:00Z", "updated_at": "2026-03-10T08:00:00Z"
}))]
pub struct KeyListResponse {
    /// 清单 ID。
    ///
    /// The list's id.
    pub id: Uuid,
    /// 清单所属年度。
    ///
    /// The year of the list.
    pub year: i32,
    /// 清单名称。
    ///
    /// The list's title.
    pub title: String,
    /// 主任会议作出决定的日期。
    ///
    /// The day of the council of chairpersons' decision.
    pub decided_on: NaiveDate,
    /// 决定的文号，如“宿城人常主〔2026〕2号”。
    ///
    /// The decision's document number.
    pub document_number: String,
    /// 各条目及其办理进展（查看单份清单时）；列表中为空，件数见 `item_count`。
    ///
    /// Each item with its progress (reading one list); empty in the
    /// collection, which gives `item_count`.
    pub items: Vec<KeyItemView>,
    /// 清单中的建议件数。
    ///
    /// How many suggestions the list holds.
    pub item_count: u32,
    /// 清单推进情况（查看单份清单时）；列表中为 null。
    ///
    /// How the list stands (reading one list).
    pub progress: Option<KeyProgress>,
    /// 录入时间（UTC）。
    ///
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
    /// 最后变更时间（UTC）。
    ///
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl crate::pagination::Keyed for KeyListResponse {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.updated_at)
    }
}

fn summary(l: KeyList) -> KeyListResponse {
    KeyListResponse {
        id: l.id,
        year: l.year,
        title: l.title,
        decided_on: l.decided_on,
        document_number: l.document_number,
        item_count: u32::try_from(l.items.len()).unwrap_or(u32::MAX),
        items: Vec::new(),
        progress: None,
        created_at: l.created_at,
        updated_at: l.updated_at,
    }
}

/// The list with each item's progress, read from its suggestion and its
/// records.
async fn detail(state: &AppState, l: KeyList) -> ApiResult<KeyListResponse> {
    let today = state.clock.today();
    let ids: Vec<Uuid> = l.items.iter().map(|i| i.id).collect();
    let records = state.store.key_records(&ids).await?;
    let mut items = Vec::with_capacity(l.items.len());
    let mut progress = KeyProgress {
        items: 0,
        by_status: Default::default(),
        closed: 0,
        with_records: 0,
        overdue: 0,
    };
    for i in &l.items {
        let s = state.store.get_suggestion(i.suggestion_id).await?;
        let mine: Vec<&KeyRecord> = records.iter().filter(|r| r.item_id == i.id).collect();
        let overdue = s.is_overdue(today);
        progress.items += 1;
        *progress.by_status.entry(s.status).or_default() += 1;
        progress.closed += u32::from(s.status.is_closed());
        progress.with_records += u32::from(!mine.is_empty());
        progress.overdue += u32::from(overdue);
        items.push(KeyItemView {
            id: i.id,
            suggestion_id: i.suggestion_id,
            leader_ids: i.leader_ids.clone(),
            number: s.number,
            title: s.title,
            status: s.status,
            color: s.color,
            lead_unit_id: s.lead_unit_id.map(|u| u.uuid()),
            deadline: s.deadline,
            overdue,
            records: u32::try_from(mine.len()).unwrap_or(u32::MAX),
            last_record_on: mine.iter().map(|r| r.occurred_on).max(),
        });
    }
    let mut out = summary(l);
    out.items = items;
    out.progress = Some(progress);
    Ok(out)
}

/// 决定中的一个条目。
///
/// An item of the decision.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyItemRequest {
    /// 代表建议 ID：须已立案（或已进一步办理），在清单中只出现一次。
    ///
    /// The suggestion's id: registered (or further handled), once on the list.
    pub suggestion_id: Uuid,
    /// 一至五个在用的领导账号（常委会负责人或政府负责人）。
    ///
    /// One to five active leader accounts (standing committee or
    /// government leaders).
    #[validate(length(min = 1, max = 5))]
    #[schema(min_items = 1, max_items = 5, value_type = Vec<Uuid>)]
    pub leader_ids: Vec<UserId>,
}

/// 主任会议的决定。
///
/// The council of chairpersons' decision.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "year": 2026, "title": "2026年度重点督办代表建议", "decided_on": "2026-03-10",
    "document_number": "宿城人常主〔2026〕2号",
    "items": [{"suggestion_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ea0", "leader_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e05"]}]
}))]
pub struct KeyListRequest {
    /// 清单所属年度：决定当年或次年。
    ///
    /// The year the list is for: the decision's year or the next.
    #[validate(range(min = 1949, max = 2999))]
    #[schema(minimum = 1949, maximum = 2999)]
    pub year: i32,
    /// 清单名称，最多 200 字。
    ///
    /// The list's title, at most 200 characters.
    pub title: Line<200>,
    /// 决定日期，不能晚于今天。
    ///
    /// Today or earlier.
    pub decided_on: NaiveDate,
    /// 决定的文号，最多 100 字。
    ///
    /// The decision's document number, at most 100 characters.
    pub document_number: Line<100>,
    /// 清单条目：1 至 100 件已立案（或已进一步办理）的建议，每件一次。
    ///
    /// 1 to 100 registered (or further handled) suggestions, each once.
    #[validate(length(min = 1, max = 100), nested)]
    #[schema(min_items = 1, max_items = 100)]
    pub items: Vec<KeyItemRequest>,
}

/// 录入重点督办清单 · Record a key-supervision list
///
/// 工作人员录入某一年度的重点督办建议清单：每年只有一份（409 `key_list_exists`）；
/// 每个被拒绝的条目都会指明（如 `items[2].leader_ids[0]`），且不录入任何内容。
///
/// Records a year's key-supervision list (staff): one list a year (409
/// `key_list_exists`); every refused item is named (`items[2].leader_ids[0]`)
/// and nothing is recorded.
#[utoipa::path(
    tag = "suggestions",
    request_body = KeyListRequest,
    responses(
        (status = 201, description = "Recorded", body = KeyListResponse, headers(("Location" = String))),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The year has its list (`key_list_exists`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Items or fields refused", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/key-supervision-lists")]
pub async fn decide_key_list(
    state: Data<AppState>,
    caller: Caller,
    body: JsonBody<KeyListRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageKeySupervision)?;
    let b = body.parse()?;
    let ids: Vec<Uuid> = b.items.iter().map(|i| i.suggestion_id).collect();
    let mut leaders = Vec::new();
    for l in b.items.iter().flat_map(|i| &i.leader_ids) {
        if leaders.contains(l) {
            continue;
        }
        match state.store.get_user(l.uuid()).await {
            Ok(u) if renda_domain::suggestion::can_supervise(&u) => leaders.push(*l),
            Ok(_) | Err(StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let facts = ListFacts {
        suggestions: state.store.suggestion_statuses(&ids).await?,
        leaders,
        year_taken: state.store.key_list_year_taken(b.year).await?,
    };
    let input = ListInput {
        year: b.year,
        title: b.title.into(),
        decided_on: b.decided_on,
        document_number: b.document_number.into(),
        items: b
            .items
            .into_iter()
            .map(|i| ItemInput {
                suggestion_id: i.suggestion_id,
                leader_ids: i.leader_ids,
            })
            .collect(),
    };
    let l = rules::decide(input, &facts, &ctx(&state, &caller)?)?;
    let l = match state.store.create_key_list(&caller.audit(), l).await {
        Ok(l) => l,
        Err(StoreError::Conflict(Conflict::UniqueViolation)) => {
            return Err(KeyError::ListExists.into());
        }
        Err(e) => return Err(e.into()),
    };
    let location = format!("/api/v1/key-supervision-lists/{}", l.id);
    let view = detail(&state, l).await?;
    Ok(respond::created(location, 1, &view))
}

/// 重点督办清单列表 · List key-supervision lists
///
/// 工作人员和常委会负责人列出各重点督办清单，不含清单中的建议。
///
/// Lists the key-supervision lists, without their items (staff and
/// leaders).
#[utoipa::path(
    tag = "suggestions",
    params(ListParams),
    responses(
        (status = 200, description = "A page of lists", body = ListResponse<KeyListResponse>),
        (status = 403, description = "Not staff or a leader", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/key-supervision-lists")]
pub async fn list_key_lists(
    state: Data<AppState>,
    caller: Caller,
    page: QueryParams<ListParams>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadKeySupervision)?;
    let page = state.store.list_key_lists(&page.0.options()?).await?;
    Ok(crate::respond::page(ListResponse::from_page(page, summary)))
}

/// 查看重点督办清单 · Get a key-supervision list
///
/// 工作人员和常委会负责人查看一份清单，含每件建议的办理进展和清单的统计数据。
///
/// Reads a list with each item's progress and the list's figures (staff
/// and leaders).
#[utoipa::path(
    tag = "suggestions",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The list, with its progress as of now (no ETag: the progress moves with the suggestions)", body = KeyListResponse),
        (status = 404, description = "No such list", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/key-supervision-lists/{id}")]
pub async fn get_key_list(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadKeySupervision)?;
    let l = state.store.get_key_list(id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(detail(&state, l).await?))
}

/// 领导的领办记录。
///
/// A leader's record (领办记录).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "visit", "occurred_on": "2026-04-12", "content": "到古城街道实地察看助餐点选址，要求民政局5月底前完成建设。"}))]
pub struct KeyRecordRequest {
    /// 类型：`visit` 走访督办、`instruction` 批示、`meeting` 协调推进会。
    ///
    /// The kind: `visit`, `instruction` or `meeting`.
    pub kind: KeyRecordKind,
    /// 活动日期，不能晚于今天。
    ///
    /// Today or earlier.
    pub occurred_on: NaiveDate,
    /// 内容，最多 5000 字。
    ///
    /// What was done, at most 5000 characters.
    pub content: Text<5000>,
}

/// 领导的领办记录。
///
/// A leader's record.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f92", "item_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f91",
    "kind": "visit", "occurred_on": "2026-04-12",
    "content": "到古城街道实地察看助餐点选址，要求民政局5月底前完成建设。",
    "recorded_by": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e05", "created_at": "2026-04-12T08:00:00Z"
}))]
pub struct KeyRecordResponse {
    /// 记录 ID。
    ///
    /// The record's id.
    pub id: Uuid,
    /// 清单条目 ID。
    ///
    /// The list item's id.
    pub item_id: Uuid,
    /// 类型：`visit` 走访督办、`instruction` 批示、`meeting` 协调推进会。
    ///
    /// The kind: `visit`, `instruction` or `meeting`.
    pub kind: KeyRecordKind,
    /// 活动日期。
    ///
    /// The day it took place.
    pub occurred_on: NaiveDate,
    /// 内容。
    ///
    /// What was done.
    pub content: String,
    /// 记录的领导用户 ID。
    ///
    /// The leader who recorded it.
    pub recorded_by: Uuid,
    /// 记录时间（UTC）。
    ///
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
}

impl crate::pagination::Keyed for KeyRecordResponse {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.created_at)
    }
}

impl From<KeyRecord> for KeyRecordResponse {
    fn from(r: KeyRecord) -> Self {
        Self {
            id: r.id,
            item_id: r.item_id,
            kind: r.kind,
            occurred_on: r.occurred_on,
            content: r.content,
            recorded_by: r.recorded_by.uuid(),
            created_at: r.created_at,
        }
    }
}

/// The item `item` of the list `list`.
async fn item_of(
    state: &AppState,
    list: Uuid,
    item: Uuid,
) -> ApiResult<renda_domain::key_supervision::KeyItem> {
    let l = state.store.get_key_list(list).await?;
    l.items
        .into_iter()
        .find(|i| i.id == item)
        .ok_or_else(crate::error::ApiError::not_found)
}

/// 记录督办活动 · Record a leader's visit, instruction or meeting
///
/// 该件建议的领办领导之一就该建议记录一次走访、批示或会议；该记录也显示在该建议的时间线中。
///
/// Records a visit, an instruction or a meeting on an item (one of the
/// item's leading leaders). It also shows in the suggestion's timeline.
#[utoipa::path(
    tag = "suggestions",
    params(("id" = Uuid, Path), ("item_id" = Uuid, Path)),
    request_body = KeyRecordRequest,
    responses(
        (status = 201, description = "Recorded", body = KeyRecordResponse, headers(("Location" = String))),
        (status = 403, description = "Not a leader of the item", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such list or item", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/key-supervision-lists/{id}/items/{item_id}/records")]
pub async fn add_key_record(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid)>,
    body: JsonBody<KeyRecordRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::RecordKeySupervision)?;
    let (list, item) = path.into_inner();
    let item = item_of(&state, list, item).await?;
    let b = body.parse()?;
    let input = RecordInput {
        kind: b.kind,
        occurred_on: b.occurred_on,
        content: b.content.into(),
    };
    let r = rules::record(&item, input, &ctx(&state, &caller)?)?;
    let r = state
        .store
        .add_key_record(&caller.audit(), item.suggestion_id, r)
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!(
                "/api/v1/key-supervision-lists/{list}/items/{}/records/{}",
                item.id, r.id
            ),
        ))
        .json(KeyRecordResponse::from(r)))
}

/// 查看督办记录 · Get a leader's record
///
/// 工作人员和常委会负责人查看领导就某件建议所作的一条记录。
///
/// One of the leaders' records on an item (staff and leaders).
#[utoipa::path(
    tag = "suggestions",
    params(("id" = Uuid, Path), ("item_id" = Uuid, Path), ("record_id" = Uuid, Path)),
    responses(
        (status = 200, description = "The record", body = KeyRecordResponse),
        (status = 404, description = "No such list, item or record", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/key-supervision-lists/{id}/items/{item_id}/records/{record_id}")]
pub async fn get_key_record(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadKeySupervision)?;
    let (list, item, record) = path.into_inner();
    let item = item_of(&state, list, item).await?;
    let r = state
        .store
        .key_records(&[item.id])
        .await?
        .into_iter()
        .find(|r| r.id == record)
        .ok_or_else(crate::error::ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(KeyRecordResponse::from(r)))
}

/// 督办记录列表 · List leaders' records
///
/// 工作人员和常委会负责人按时间先后列出领导就某件建议所作的记录。
///
/// The leaders' records on an item, oldest first (staff and leaders).
#[utoipa::path(
    tag = "suggestions",
    params(("id" = Uuid, Path), ("item_id" = Uuid, Path), crate::pagination::WholeListParams),
    responses(
        (status = 200, description = "Oldest first", body = ListResponse<KeyRecordResponse>),
        (status = 404, description = "No such list or item", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/key-supervision-lists/{id}/items/{item_id}/records")]
pub async fn list_key_records(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid)>,
    page: QueryParams<crate::pagination::WholeListParams>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadKeySupervision)?;
    let (list, item) = path.into_inner();
    let item = item_of(&state, list, item).await?;
    let items: Vec<KeyRecordResponse> = state
        .store
        .key_records(&[item.id])
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(crate::respond::page(ListResponse::from_vec(
        items, &page.0,
    )?))
}
