//! Liaison stations (代表之家、代表联络站、代表联系点): where they are, who
//! serves there, and their reception days (接待日).

use crate::routes::Routes;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};
use chrono::{DateTime, NaiveDate, Utc};
use renda_auth::Action;
use renda_domain::id::DeputyId;
use renda_domain::station::{self, StationKind};
use renda_domain::text::{Line, Text};
use renda_persistence::StoreError;
use renda_persistence::stations::{ReceptionDay, Station, StationFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Caller, IfMatch, JsonBody, QueryParams, no_null, take};
use crate::pagination::{Keyed, ListParams, ListResponse, WholeListParams};
use crate::patch::double;
use crate::routes::common::command_ctx as ctx;
use crate::routes::common::{concurrent_change, existing_deputies};
use crate::{AppState, respond};

pub fn configure(cfg: &mut Routes) {
    cfg.service(create_station)
        .service(list_stations)
        .service(get_station)
        .service(update_station)
        .service(delete_station)
        .service(plan_reception_day)
        .service(list_reception_days)
        .service(get_reception_day)
        .service(record_reception_day);
}

/// 代表联络平台：代表之家、代表联络站或代表联系点。
///
/// A station.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ec0",
    "kind": "station",
    "name": "古城街道人大代表联络站",
    "address": "宿城区古城街道幸福路1号",
    "parent_id": null,
    "contact_person": "王敏",
    "contact_phone": "0527-84351234",
    "description": null,
    "deputy_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e11"],
    "created_at": "2026-11-27T08:00:00Z",
    "updated_at": "2026-11-27T08:00:00Z"
}))]
pub struct StationResponse {
    /// 联络站的 ID。
    ///
    /// The station's id.
    pub id: Uuid,
    /// 类别：`home` 代表之家、`station` 代表联络站、`point` 代表联系点。
    ///
    /// Its kind: `home`, `station` or `point`.
    pub kind: StationKind,
    /// 名称，如“古城街道人大代表联络站”。
    ///
    /// Its name, such as 古城街道人大代表联络站.
    pub name: String,
    /// 地址；未登记时为 null。
    ///
    /// Its address; null when none is recorded.
    pub address: Option<String>,
    /// 上级站点（如联系点所属的联络站）；顶层站点为 null。
    ///
    /// The station it belongs to (a point under a station, say).
    pub parent_id: Option<Uuid>,
    /// 联系人姓名；未登记时为 null。
    ///
    /// The contact person; null when none is recorded.
    pub contact_person: Option<String>,
    /// 站点办公电话；未登记时为 null。
    ///
    /// The station's office telephone.
    pub contact_phone: Option<String>,
    /// 简介；没有时为 null。
    ///
    /// A description; null when none.
    pub description: Option<String>,
    /// 进站代表的 ID 列表。
    ///
    /// Deputies assigned to the station.
    pub deputy_ids: Vec<DeputyId>,
    /// 创建时间（UTC）。
    ///
    /// When the station was created (UTC).
    pub created_at: DateTime<Utc>,
    /// 最后一次变更的时间（UTC）。
    ///
    /// When the station last changed (UTC).
    pub updated_at: DateTime<Utc>,
}

fn view(s: Station) -> StationResponse {
    StationResponse {
        id: s.id,
        kind: s.kind,
        name: s.name,
        address: s.address,
        parent_id: s.parent_id,
        contact_person: s.contact_person,
        contact_phone: s.contact_phone,
        description: s.description,
        deputy_ids: s.deputy_ids,
        created_at: s.created_at,
        updated_at: s.updated_at,
    }
}

/// 要新建的联络站。
///
/// A new station.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "station", "name": "古城街道人大代表联络站", "address": "宿城区古城街道幸福路1号",
    "contact_person": "王敏", "contact_phone": "0527-84351234",
    "deputy_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e11"]
}))]
pub struct CreateStationRequest {
    /// 类别：`home` 代表之家、`station` 代表联络站、`point` 代表联系点。
    ///
    /// Its kind: `home`, `station` or `point`.
    pub kind: StationKind,
    /// 名称，最多 200 字。
    ///
    /// Its name, up to 200 characters.
    pub name: Line<200>,
    /// 地址；可不填，空白视同不填。
    ///
    /// Its address; optional, blank counts as none.
    #[serde(default, deserialize_with = "crate::patch::blank_none")]
    #[schema(value_type = Option<String>, max_length = 300)]
    pub address: Option<Line<300>>,
    /// 上级站点的 ID；顶层站点不填。
    ///
    /// The station it belongs to; none for a top-level station.
    pub parent_id: Option<Uuid>,
    /// 联系人姓名；可不填，空白视同不填。
    ///
    /// The contact person; optional, blank counts as none.
    #[serde(default, deserialize_with = "crate::patch::blank_none")]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub contact_person: Option<Line<100>>,
    /// 站点办公电话；可不填。
    ///
    /// The station's office telephone; optional.
    #[validate(custom(function = "crate::validation::phone"))]
    #[schema(max_length = 24, pattern = r"^\+?[ -]*(?:[0-9][ -]*){5,20}$")]
    pub contact_phone: Option<String>,
    /// 简介；可不填，空白视同不填。
    ///
    /// A description; optional, blank counts as none.
    #[serde(default, deserialize_with = "crate::patch::blank_none")]
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub description: Option<Text<5000>>,
    /// 进站代表的 ID 列表；不填则为空。
    ///
    /// The deputies assigned to the station; none when absent.
    #[serde(default)]
    #[validate(length(max = 500))]
    #[schema(max_items = 500)]
    pub deputy_ids: Vec<DeputyId>,
}

/// What the store knows that bears on a station's fields.
async fn facts(
    state: &AppState,
    deputies: Option<&[DeputyId]>,
    parent: Option<Uuid>,
) -> ApiResult<station::StationFacts> {
    Ok(station::StationFacts {
        existing_deputies: match deputies {
            Some(ids) => existing_deputies(state, ids).await?,
            None => Vec::new(),
        },
        parent: match parent {
            Some(p) => Some(state.store.station_ancestry(p).await?),
            None => None,
        },
    })
}

/// 开设联络站 · Open a station
///
/// 开设一个联络站（代表之家、代表联络站或代表联系点），限工作人员。
///
/// Opens a station (staff).
#[utoipa::path(
    tag = "stations",
    request_body = CreateStationRequest,
    responses(
        (status = 201, description = "Opened", body = StationResponse, headers(("Location" = String), ("ETag" = String))),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The parent (`station_parent_gone`) or a deputy listed (`deputy_gone`) was deleted meanwhile", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/stations")]
pub async fn create_station(
    state: Data<AppState>,
    caller: Caller,
    body: JsonBody<CreateStationRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageStations)?;
    let b = body.parse()?;
    let facts = facts(&state, Some(&b.deputy_ids), b.parent_id).await?;
    let input = station::StationInput {
        kind: b.kind,
        name: b.name.into(),
        address: b.address.map(String::from),
        parent_id: b.parent_id,
        contact_person: b.contact_person.map(String::from),
        contact_phone: b.contact_phone,
        description: b.description.map(String::from),
        deputy_ids: b.deputy_ids,
    };
    let s = station::open(input, &facts, &ctx(&state, &caller)?)?;
    let s = state.store.create_station(&caller.audit(), s).await?;
    let version = s.version;
    Ok(respond::created(
        format!("/api/v1/stations/{}", s.id),
        version,
        &view(s),
    ))
}

/// Filters of the station listing.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StationFilterParams {
    pub kind: Option<StationKind>,
    pub parent_id: Option<Uuid>,
    /// Stations this deputy is assigned to.
    pub deputy_id: Option<Uuid>,
    /// Words in the name or address.
    #[validate(length(max = 100))]
    #[param(max_length = 100)]
    pub q: Option<String>,
}

/// 联络站列表 · List stations
///
/// 列出联络站，任何人均可调用：群众借此查找自己身边的联络站。
///
/// Lists stations (everyone: residents look for their station).
#[utoipa::path(
    tag = "stations",
    params(ListParams, StationFilterParams),
    responses(
        (status = 200, description = "A page of stations", body = ListResponse<StationResponse>),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/stations")]
pub async fn list_stations(
    state: Data<AppState>,
    page: QueryParams<ListParams>,
    filter: QueryParams<StationFilterParams>,
) -> ApiResult<HttpResponse> {
    let p = filter.0;
    let f = StationFilter {
        kind: p.kind,
        parent_id: p.parent_id,
        deputy_id: p.deputy_id,
        q: p.q.filter(|q| !renda_domain::text::is_blank(q)),
    };
    let page = state.store.list_stations(&f, &page.0.options()?).await?;
    Ok(crate::respond::page(ListResponse::from_page(page, view)))
}

/// 查看联络站 · Get a station
///
/// 读取一个联络站，任何人均可调用。
///
/// Reads a station (everyone).
#[utoipa::path(
    tag = "stations",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The station", body = StationResponse, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
    ),
    security((), ("bearer" = []))
)]
#[get("/stations/{id}")]
pub async fn get_station(
    state: Data<AppState>,
    id: Path<Uuid>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let s = state.store.get_station(id.into_inner()).await?;
    let version = s.version;
    Ok(respond::resource(&req, version, &view(s)))
}

/// 对联络站的修改：未给出的字段保持不变；`deputy_ids` 整体替换原列表。
///
/// A change to a station; `deputy_ids` replaces the list.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"contact_person": "李娟", "deputy_ids": []}))]
pub struct UpdateStationRequest {
    /// 新的类别；不给则不变，不可为 null。
    ///
    /// The new kind; unchanged when absent, never null.
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = StationKind, required = false)]
    pub kind: Option<Option<StationKind>>,
    /// 新的名称；不给则不变，不可为 null。
    ///
    /// The new name; unchanged when absent, never null.
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = Line<200>, required = false)]
    pub name: Option<Option<Line<200>>>,
    /// 新的地址；不给则不变，null 或空白则清除。
    ///
    /// The new address; unchanged when absent, cleared by null or blank.
    #[serde(default, deserialize_with = "crate::patch::double_blank_none")]
    #[schema(value_type = Option<String>, max_length = 300)]
    pub address: Option<Option<Line<300>>>,
    /// 新的上级站点；不给则不变，null 则改为顶层站点。
    ///
    /// The new parent station; unchanged when absent, null makes it top-level.
    #[serde(default, deserialize_with = "double")]
    pub parent_id: Option<Option<Uuid>>,
    /// 新的联系人；不给则不变，null 或空白则清除。
    ///
    /// The new contact person; unchanged when absent, cleared by null or blank.
    #[serde(default, deserialize_with = "crate::patch::double_blank_none")]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub contact_person: Option<Option<Line<100>>>,
    /// 新的办公电话；不给则不变，null 则清除。
    ///
    /// The new office telephone; unchanged when absent, cleared by null.
    #[serde(default, deserialize_with = "double")]
    #[validate(custom(function = "crate::validation::phone"))]
    #[schema(max_length = 24, pattern = r"^\+?[ -]*(?:[0-9][ -]*){5,20}$")]
    pub contact_phone: Option<Option<String>>,
    /// 新的简介；不给则不变，null 或空白则清除。
    ///
    /// The new description; unchanged when absent, cleared by null or blank.
    #[serde(default, deserialize_with = "crate::patch::double_blank_none")]
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub description: Option<Option<Text<5000>>>,
    /// 进站代表的完整新列表，替换原列表；不给则不变，不可为 null。
    ///
    /// The full new list of deputies assigned; unchanged when absent, never null.
    #[serde(default, deserialize_with = "double")]
    #[validate(length(max = 500))]
    #[schema(value_type = Vec<Uuid>, required = false, max_items = 500)]
    pub deputy_ids: Option<Option<Vec<DeputyId>>>,
}

/// 修改联络站 · Update a station
///
/// 修改一个联络站，限工作人员。
///
/// Changes a station (staff).
#[utoipa::path(
    tag = "stations",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
    request_body = UpdateStationRequest,
    responses(
        (status = 200, description = "Changed", body = StationResponse, headers(("ETag" = String))),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed meanwhile, or the tree changed meanwhile so that the new parent is now below the station (`station_cycle`) or gone (`station_parent_gone`), or a deputy listed was deleted meanwhile (`deputy_gone`)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/stations/{id}")]
pub async fn update_station(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<UpdateStationRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageStations)?;
    let id = id.into_inner();
    let b = body.parse()?;
    let before = state.store.get_station(id).await?;
    if if_match.0.is_some_and(|v| v != before.version) {
        return Err(ApiError::precondition_failed());
    }
    let mut errors = Vec::new();
    let kind = take(&mut errors, no_null("kind", b.kind));
    let name = take(&mut errors, no_null("name", b.name));
    let deputies = take(&mut errors, no_null("deputy_ids", b.deputy_ids));
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let facts = facts(&state, deputies.as_deref(), b.parent_id.flatten()).await?;
    let patch = station::StationPatch {
        kind,
        name: name.map(String::from),
        address: b.address.map(|v| v.map(String::from)),
        parent_id: b.parent_id,
        contact_person: b.contact_person.map(|v| v.map(String::from)),
        contact_phone: b.contact_phone,
        description: b.description.map(|v| v.map(String::from)),
        deputy_ids: deputies,
    };
    let Some(after) = station::update(&before, patch, &facts)? else {
        return Ok(respond::changed(before.version, &view(before)));
    };
    let s = match state
        .store
        .save_station(&caller.audit(), &before, after)
        .await
    {
        Ok(s) => s,
        Err(StoreError::VersionMismatch) => return Err(concurrent_change()),
        Err(e) => return Err(e.into()),
    };
    Ok(respond::changed(s.version, &view(s)))
}

/// 撤销联络站 · Close a station
///
/// 撤销一个联络站，限工作人员。下设有其他站点的联络站不能撤销。
///
/// Closes a station (staff). A station with stations below it stays.
#[utoipa::path(
    tag = "stations",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
    responses(
        (status = 204, description = "Closed"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stations sit below it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/stations/{id}")]
pub async fn delete_station(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageStations)?;
    let id = id.into_inner();
    let before = state.store.get_station(id).await?;
    if if_match.0.is_some_and(|v| v != before.version) {
        return Err(ApiError::precondition_failed());
    }
    let children = state.store.count_child_stations(id).await?;
    let after = station::close(&before, children, &ctx(&state, &caller)?)?;
    match state
        .store
        .save_station(&caller.audit(), &before, after)
        .await
    {
        Ok(_) => Ok(HttpResponse::NoContent().finish()),
        Err(StoreError::VersionMismatch) => Err(concurrent_change()),
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- reception days

/// 接待日安排，以及接待后记录的接待情况。
///
/// A reception day (接待日) and, once held, what happened.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ec2", "station_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ec0", "day": "2026-12-05", "hours": "09:00-11:30", "topic": "老旧小区加装电梯", "deputy_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e11"], "people_received": 12, "matters": ["小区停车难", "加装电梯补贴"], "recorded_at": "2026-11-27T08:00:00Z", "recorded_by": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e03", "created_at": "2026-11-27T08:00:00Z", "updated_at": "2026-11-27T08:00:00Z"}))]
pub struct ReceptionDayResponse {
    /// 接待日的 ID。
    ///
    /// The reception day's id.
    pub id: Uuid,
    /// 所属联络站的 ID。
    ///
    /// The station it is held at.
    pub station_id: Uuid,
    /// 接待日期，如 `2026-12-05`。
    ///
    /// The day, such as `2026-12-05`.
    pub day: NaiveDate,
    /// 接待时段，如 `09:00-11:30`；未定时为 null。
    ///
    /// The hours, such as `09:00-11:30`; null when not set.
    pub hours: Option<String>,
    /// 接待主题；没有时为 null。
    ///
    /// The topic; null when none.
    pub topic: Option<String>,
    /// 值班代表的 ID 列表。
    ///
    /// Deputies on duty.
    pub deputy_ids: Vec<DeputyId>,
    /// 接待群众人数；记录前为 null。
    ///
    /// People received; null until recorded.
    pub people_received: Option<i32>,
    /// 群众反映的事项；记录前为空。
    ///
    /// Matters raised.
    pub matters: Vec<String>,
    /// 记录接待情况的时间（UTC）；记录前为 null。
    ///
    /// When what happened was recorded (UTC); null until recorded.
    pub recorded_at: Option<DateTime<Utc>>,
    /// 记录接待情况的用户 ID；记录前为 null。
    ///
    /// The account that recorded it; null until recorded.
    pub recorded_by: Option<Uuid>,
    /// 创建（安排）时间（UTC）。
    ///
    /// When the day was planned (UTC).
    pub created_at: DateTime<Utc>,
    /// 最后一次变更的时间（UTC）。
    ///
    /// When it last changed (UTC).
    pub updated_at: DateTime<Utc>,
}

impl From<ReceptionDay> for ReceptionDayResponse {
    fn from(d: ReceptionDay) -> Self {
        Self {
            id: d.id,
            station_id: d.station_id,
            day: d.day,
            hours: d.hours,
            topic: d.topic,
            deputy_ids: d.deputy_ids,
            people_received: d.people_received,
            matters: d.matters,
            recorded_at: d.recorded_at,
            recorded_by: d.recorded_by.map(Into::into),
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

impl Keyed for ReceptionDayResponse {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.updated_at)
    }
}

/// 要安排的接待日。
///
/// A reception day to plan.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "day": "2026-12-05", "hours": "09:00-11:30", "topic": "老旧小区加装电梯",
    "deputy_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e11"]
}))]
pub struct PlanReceptionRequest {
    /// 接待日期，如 `2026-12-05`。
    ///
    /// The day, such as `2026-12-05`.
    pub day: NaiveDate,
    /// 接待时段，如 `09:00-11:30`；可不填。
    ///
    /// The hours, such as `09:00-11:30`; optional.
    pub hours: Option<Line<40>>,
    /// 接待主题；可不填。
    ///
    /// The topic; optional.
    pub topic: Option<Line<200>>,
    /// 值班代表的 ID 列表，1 至 50 人，须均为该站的进站代表。
    ///
    /// Deputies on duty; each assigned to the station.
    #[validate(length(min = 1, max = 50))]
    #[schema(min_items = 1, max_items = 50)]
    pub deputy_ids: Vec<DeputyId>,
}

/// 安排接待日 · Plan a reception day
///
/// 安排一个接待日并确定值班代表，限工作人员。
///
/// Plans a reception day with the deputies on duty (staff).
#[utoipa::path(
    tag = "stations",
    params(("id" = Uuid, Path)),
    request_body = PlanReceptionRequest,
    responses(
        (status = 201, description = "Planned", body = ReceptionDayResponse, headers(("Location" = String), ("ETag" = String))),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A deputy not assigned to the station, or a day long past", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/stations/{id}/reception-days")]
pub async fn plan_reception_day(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    body: JsonBody<PlanReceptionRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageStations)?;
    let b = body.parse()?;
    let station = state.store.get_station(id.into_inner()).await?;
    let input = station::ReceptionInput {
        day: b.day,
        hours: b.hours.map(String::from),
        topic: b.topic.map(String::from),
        deputy_ids: b.deputy_ids,
    };
    let d = station::plan_reception(&station, input, &ctx(&state, &caller)?)?;
    let d = state.store.create_reception_day(&caller.audit(), d).await?;
    let version = d.version;
    Ok(respond::created(
        format!("/api/v1/stations/{}/reception-days/{}", station.id, d.id),
        version,
        &ReceptionDayResponse::from(d),
    ))
}

/// Which reception days.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReceptionFilterParams {
    /// From this day on.
    pub from: Option<NaiveDate>,
    /// Up to this day.
    pub to: Option<NaiveDate>,
}

/// 接待日列表 · List a station's reception days
///
/// 按日期列出一个联络站的接待日，任何人均可调用：群众借此了解何时前来。
///
/// A station's reception days, by day (everyone: residents see when to come).
#[utoipa::path(
    tag = "stations",
    params(("id" = Uuid, Path), WholeListParams, ReceptionFilterParams),
    responses(
        (status = 200, description = "Reception days", body = ListResponse<ReceptionDayResponse>),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/stations/{id}/reception-days")]
pub async fn list_reception_days(
    state: Data<AppState>,
    id: Path<Uuid>,
    page: QueryParams<WholeListParams>,
    filter: QueryParams<ReceptionFilterParams>,
) -> ApiResult<HttpResponse> {
    let station = state.store.get_station(id.into_inner()).await?;
    let days = state
        .store
        .reception_days(station.id, filter.0.from, filter.0.to)
        .await?;
    let items: Vec<ReceptionDayResponse> = days.into_iter().map(Into::into).collect();
    Ok(crate::respond::page(ListResponse::from_vec(
        items, &page.0,
    )?))
}

/// 查看接待日 · Get a reception day
///
/// 读取一个接待日，任何人均可调用。
///
/// A reception day (everyone).
#[utoipa::path(
    tag = "stations",
    params(("id" = Uuid, Path), ("reception_id" = Uuid, Path)),
    responses(
        (status = 200, description = "The reception day", body = ReceptionDayResponse, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 404, description = "No such station or reception day", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/stations/{id}/reception-days/{reception_id}")]
pub async fn get_reception_day(
    state: Data<AppState>,
    path: Path<(Uuid, Uuid)>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let (id, rid) = path.into_inner();
    let station = state.store.get_station(id).await?;
    let d = state.store.get_reception_day(station.id, rid).await?;
    let version = d.version;
    Ok(respond::resource(
        &req,
        version,
        &ReceptionDayResponse::from(d),
    ))
}

/// 接待日的接待情况。
///
/// What happened at a reception day.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"people_received": 12, "matters": ["小区停车难", "加装电梯补贴"]}))]
pub struct RecordReceptionRequest {
    /// 接待群众人数，0 至 10000。
    ///
    /// The number of people received, 0 to 10,000.
    #[validate(range(min = 0, max = 10000))]
    #[schema(minimum = 0, maximum = 10000)]
    pub people_received: i32,
    /// 群众反映的事项，每项一条；可不填。
    ///
    /// The matters raised, one line each.
    #[serde(default)]
    #[validate(length(max = 100))]
    #[schema(max_items = 100)]
    pub matters: Vec<Text<500>>,
}

/// 记录接待情况 · Record a reception day
///
/// 记录接待日的接待情况，只能记录一次；工作人员或当日值班代表可调用。每位值班代表各得一条履职记录。
///
/// Records what happened at a reception day, once (staff, or a deputy on
/// duty). Every deputy on duty gets a duty record.
#[utoipa::path(
    tag = "stations",
    params(("id" = Uuid, Path), ("reception_id" = Uuid, Path)),
    request_body = RecordReceptionRequest,
    responses(
        (status = 200, description = "Recorded", body = ReceptionDayResponse, headers(("ETag" = String))),
        (status = 403, description = "Neither staff nor a deputy on duty", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such station or reception day", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already recorded, or the day has not come", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/stations/{id}/reception-days/{reception_id}/record")]
pub async fn record_reception_day(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid)>,
    body: JsonBody<RecordReceptionRequest>,
) -> ApiResult<HttpResponse> {
    let (id, rid) = path.into_inner();
    let actor = caller.actor()?;
    let station = state.store.get_station(id).await?;
    let before = state.store.get_reception_day(station.id, rid).await?;
    let on_duty = actor
        .deputy_id
        .is_some_and(|d| before.deputy_ids.contains(&d));
    caller.require(Action::RecordReception { on_duty })?;
    let b = body.parse()?;
    let input = station::ReceptionRecord {
        people_received: b.people_received,
        matters: b.matters.into_iter().map(String::from).collect(),
    };
    let recorded =
        station::record_reception(&before, &station.name, input, &ctx(&state, &caller)?)?;
    match state
        .store
        .record_reception(&caller.audit(), &before, recorded)
        .await
    {
        Ok(d) => Ok(respond::changed(d.version, &ReceptionDayResponse::from(d))),
        // Recorded by someone else meanwhile.
        Err(StoreError::VersionMismatch) => Err(station::StationError::AlreadyRecorded.into()),
        Err(e) => Err(e.into()),
    }
}
