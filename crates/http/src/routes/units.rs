//! Handling units (承办单位).

use crate::routes::Routes;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};
use chrono::{DateTime, Utc};
use renda_auth::Action;
use renda_domain::text::{Line, Text};
use renda_domain::unit::{NewUnit, Unit, UnitKind, UnitPatch};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Caller, IfMatch, JsonBody, QueryParams, no_null, take};
use crate::pagination::{ListParams, ListResponse};
use crate::patch::double;
use crate::{AppState, respond};

pub fn configure(cfg: &mut Routes) {
    cfg.service(create_unit)
        .service(list_units)
        .service(get_unit)
        .service(update_unit)
        .service(delete_unit);
}

/// 承办单位：政府部门或一府一委两院之一。
///
/// A handling unit: a government department or one of 一府一委两院.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e5f",
    "name": "宿城区教育局",
    "kind": "government_department",
    "contact_person": "王芳",
    "contact_phone": "0527-84351234",
    "email": "jyj@example.gov.cn",
    "address": "宿城区洪泽湖路 100 号",
    "description": null,
    "created_at": "2026-11-27T08:00:00Z",
    "updated_at": "2026-11-27T08:00:00Z"
}))]
pub struct UnitResponse {
    /// 承办单位 ID。
    ///
    /// The unit's id.
    pub id: Uuid,
    /// 单位名称，如 `宿城区教育局`。
    ///
    /// The name, e.g. `宿城区教育局`.
    pub name: String,
    /// 单位类型，如 `government_department`（政府部门）。
    ///
    /// What kind of body it is, e.g. `government_department`.
    pub kind: UnitKind,
    /// 联系人；可为 null。
    ///
    /// The contact person; may be null.
    pub contact_person: Option<String>,
    /// 联系电话；可为 null。
    ///
    /// The contact phone; may be null.
    pub contact_phone: Option<String>,
    /// 电子邮箱；可为 null。
    ///
    /// The email address; may be null.
    pub email: Option<String>,
    /// 地址；可为 null。
    ///
    /// The address; may be null.
    pub address: Option<String>,
    /// 单位简介；可为 null。
    ///
    /// A description of the unit; may be null.
    pub description: Option<String>,
    /// 创建时间（UTC）。
    ///
    /// When it was created (UTC).
    pub created_at: DateTime<Utc>,
    /// 最后修改时间（UTC）。
    ///
    /// When it last changed (UTC).
    pub updated_at: DateTime<Utc>,
}

impl From<Unit> for UnitResponse {
    fn from(u: Unit) -> Self {
        Self {
            id: u.id,
            name: u.name,
            kind: u.kind,
            contact_person: u.contact_person,
            contact_phone: u.contact_phone,
            email: u.email,
            address: u.address,
            description: u.description,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

/// 新的承办单位。
///
/// A new unit.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "宿城区教育局",
    "kind": "government_department",
    "contact_person": "王芳",
    "contact_phone": "0527-84351234"
}))]
pub struct CreateUnitRequest {
    /// 单位名称，必填。
    ///
    /// The name; required.
    pub name: Line<200>,
    /// 单位类型，如 `government_department`（政府部门）。
    ///
    /// What kind of body it is, e.g. `government_department`.
    pub kind: UnitKind,
    /// 联系人；可不填。
    ///
    /// The contact person; optional.
    pub contact_person: Option<Line<100>>,
    /// 联系电话，如 `0527-84351234`；可不填。
    ///
    /// The contact phone, e.g. `0527-84351234`; optional.
    #[validate(custom(function = "crate::validation::phone"))]
    #[schema(max_length = 24, pattern = r"^\+?[ -]*(?:[0-9][ -]*){5,20}$")]
    pub contact_phone: Option<String>,
    /// 电子邮箱；可不填。
    ///
    /// The email address; optional.
    #[validate(email, length(max = 200))]
    #[schema(max_length = 200, format = "email")]
    pub email: Option<String>,
    /// 地址；可不填。
    ///
    /// The address; optional.
    pub address: Option<Line<300>>,
    /// 单位简介；可不填，空白视同未填。
    ///
    /// A description; optional, and blank counts as none.
    #[serde(default, deserialize_with = "crate::patch::blank_none")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub description: Option<Text<2000>>,
}

/// 修改承办单位：未提供的字段保持不变，`null` 清除该字段。
///
/// A change to a unit; absent fields stay as they are, `null` clears.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"contact_person": "李明", "contact_phone": "0527-84350000"}))]
pub struct UpdateUnitRequest {
    /// 新的单位名称；不能为 `null`。
    ///
    /// The new name; may not be `null`.
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = Line<200>, required = false)]
    pub name: Option<Option<Line<200>>>,
    /// 新的单位类型；不能为 `null`。
    ///
    /// The new kind; may not be `null`.
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = UnitKind, required = false)]
    pub kind: Option<Option<UnitKind>>,
    /// 新的联系人；`null` 清除。
    ///
    /// The new contact person; `null` clears it.
    #[serde(default, deserialize_with = "double")]
    pub contact_person: Option<Option<Line<100>>>,
    /// 新的联系电话；`null` 清除。
    ///
    /// The new contact phone; `null` clears it.
    #[serde(default, deserialize_with = "double")]
    #[validate(custom(function = "crate::validation::phone"))]
    #[schema(max_length = 24, pattern = r"^\+?[ -]*(?:[0-9][ -]*){5,20}$")]
    pub contact_phone: Option<Option<String>>,
    /// 新的电子邮箱；`null` 清除。
    ///
    /// The new email address; `null` clears it.
    #[serde(default, deserialize_with = "double")]
    #[validate(email, length(max = 200))]
    #[schema(max_length = 200, format = "email")]
    pub email: Option<Option<String>>,
    /// 新的地址；`null` 清除。
    ///
    /// The new address; `null` clears it.
    #[serde(default, deserialize_with = "double")]
    pub address: Option<Option<Line<300>>>,
    /// 新的单位简介；`null` 或空白清除。
    ///
    /// The new description; `null` or blank clears it.
    #[serde(default, deserialize_with = "crate::patch::double_blank_none")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub description: Option<Option<Text<2000>>>,
}

/// Filters of the unit listing.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitFilterParams {
    pub kind: Option<UnitKind>,
    /// Words in the unit's name (Chinese substrings match).
    #[validate(length(max = 100))]
    #[param(max_length = 100)]
    pub q: Option<String>,
}

/// 新增承办单位 · Create a unit
///
/// 新增一个承办单位（工作人员和系统管理员）。
///
/// Creates a handling unit (staff and administrators).
#[utoipa::path(
    tag = "units",
    request_body = CreateUnitRequest,
    responses(
        (status = 201, description = "Created", body = UnitResponse,
            headers(("Location" = String, description = "The new unit"), ("ETag" = String))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff or administrator", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A unit with that name exists", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/units")]
pub async fn create_unit(
    state: Data<AppState>,
    caller: Caller,
    body: JsonBody<CreateUnitRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageUnits)?;
    let new = body.parse()?.into_new();
    let unit = state.store.create_unit(&caller.audit(), new).await?;
    let version = unit.version;
    Ok(respond::created(
        format!("/api/v1/units/{}", unit.id),
        version,
        &UnitResponse::from(unit),
    ))
}

impl CreateUnitRequest {
    /// The unit to create from a checked request.
    pub(crate) fn into_new(self) -> NewUnit {
        NewUnit {
            name: self.name.into(),
            kind: self.kind,
            contact_person: self.contact_person.map(String::from),
            contact_phone: self.contact_phone,
            email: self.email,
            address: self.address.map(String::from),
            description: self.description.map(String::from),
        }
    }
}

/// 查询承办单位 · List units
///
/// 列出承办单位（任何已登录用户）。
///
/// Lists handling units (any signed-in user).
#[utoipa::path(
    tag = "units",
    params(ListParams, UnitFilterParams),
    responses(
        (status = 200, description = "A page of units", body = ListResponse<UnitResponse>),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/units")]
pub async fn list_units(
    state: Data<AppState>,
    caller: Caller,
    page: QueryParams<ListParams>,
    filter: QueryParams<UnitFilterParams>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadUnits)?;
    let f = renda_persistence::units::UnitFilter {
        kind: filter.0.kind,
        q: filter
            .0
            .q
            .clone()
            .filter(|q| !renda_domain::text::is_blank(q)),
    };
    let page = state.store.list_units(&f, &page.0.options()?).await?;
    Ok(crate::respond::page(ListResponse::from_page(
        page,
        UnitResponse::from,
    )))
}

/// 查看承办单位 · Get a unit
///
/// 查看一个承办单位（任何已登录用户）。
///
/// Reads a handling unit (any signed-in user).
#[utoipa::path(
    tag = "units",
    params(("id" = Uuid, Path, description = "Unit id")),
    responses(
        (status = 200, description = "The unit", body = UnitResponse, headers(("ETag" = String))),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
    ),
    security(("bearer" = []))
)]
#[get("/units/{id}")]
pub async fn get_unit(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadUnits)?;
    let unit = state.store.get_unit(id.into_inner()).await?;
    let version = unit.version;
    Ok(respond::resource(&req, version, &UnitResponse::from(unit)))
}

/// 修改承办单位 · Change a unit
///
/// 修改承办单位信息（工作人员和系统管理员）。
///
/// Changes a handling unit (staff and administrators).
#[utoipa::path(
    tag = "units",
    params(
        ("id" = Uuid, Path, description = "Unit id"),
        ("If-Match" = Option<String>, Header, description = "Apply only if the unit is still at this ETag"),
    ),
    request_body = UpdateUnitRequest,
    responses(
        (status = 200, description = "Changed", body = UnitResponse, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff or administrator", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A unit with that name exists", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The unit changed since the ETag in If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/units/{id}")]
pub async fn update_unit(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<UpdateUnitRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageUnits)?;
    let b = body.parse()?;
    let mut errors = Vec::new();
    let name = take(&mut errors, no_null("name", b.name));
    let kind = take(&mut errors, no_null("kind", b.kind));
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let patch = UnitPatch {
        name: name.map(String::from),
        kind,
        contact_person: b.contact_person.map(|v| v.map(String::from)),
        contact_phone: b.contact_phone,
        email: b.email,
        address: b.address.map(|v| v.map(String::from)),
        description: b.description.map(|v| v.map(String::from)),
    };
    let unit = state
        .store
        .update_unit(&caller.audit(), id.into_inner(), if_match.0, patch)
        .await?;
    let version = unit.version;
    Ok(respond::changed(version, &UnitResponse::from(unit)))
}

/// 删除承办单位 · Delete a unit
///
/// 删除一个承办单位（工作人员和系统管理员）。仍有账号关联该单位时拒绝删除。同步数据的客户端会看到删
/// 除标记（tombstone）。
///
/// Deletes a handling unit (staff and administrators). Refused while
/// accounts are linked to it. Synchronising clients see a tombstone.
#[utoipa::path(
    tag = "units",
    params(
        ("id" = Uuid, Path, description = "Unit id"),
        ("If-Match" = Option<String>, Header, description = "Delete only if the unit is still at this ETag"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Not staff or administrator", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Accounts or service clients are linked to the unit (`unit_in_use`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The unit changed since the ETag in If-Match", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/units/{id}")]
pub async fn delete_unit(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageUnits)?;
    state
        .store
        .delete_unit(&caller.audit(), id.into_inner(), if_match.0)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
