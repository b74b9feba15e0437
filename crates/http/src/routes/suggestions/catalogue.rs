//! The category catalogue and the yearly double evaluation.

use super::*;
use renda_domain::text::{Line, Text};

/// 新的建议类别。
///
/// A new suggestion category.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "文化旅游"}))]
pub struct CategoryRequest {
    /// 类别名称，如 `文化旅游`。
    ///
    /// The category's name, e.g. `文化旅游`.
    pub name: Line<40>,
}

/// 新增建议类别 · Add a category
///
/// 工作人员新增一个建议类别；返回正在使用的类别。
///
/// Adds a suggestion category (staff); answers the categories in use.
#[utoipa::path(
    tag = "suggestions",
    request_body = CategoryRequest,
    responses(
        (status = 201, description = "The categories in use", body = Vec<String>),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The category exists", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/suggestion-categories")]
pub async fn add_category(
    state: Data<AppState>,
    caller: Caller,
    body: JsonBody<CategoryRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::AdministerSuggestionCatalogue)?;
    let name: String = body.parse()?.name.into();
    let list = state
        .store
        .add_suggestion_category(&caller.audit(), &name)
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            "/api/v1/suggestion-categories",
        ))
        .json(list))
}

/// 停用建议类别 · Retire a category
///
/// 工作人员停用一个类别：新建议不能再使用该类别；已使用该类别的建议保持不变。
///
/// Retires a category (staff): new suggestions may no longer use it;
/// suggestions that have it keep it.
#[utoipa::path(
    tag = "suggestions",
    params(("name" = String, Path, description = "The category's name")),
    responses(
        (status = 204, description = "Retired"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such category in use", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/suggestion-categories/{name}")]
pub async fn retire_category(
    state: Data<AppState>,
    caller: Caller,
    name: Path<String>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::AdministerSuggestionCatalogue)?;
    state
        .store
        .retire_suggestion_category(&caller.audit(), &name.into_inner())
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// 某年度在双评中被评为先进的承办单位。
///
/// A unit named advanced (先进承办单位) for a year.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"year": 2026, "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "reason": "办理质量高、群众满意", "marked_by": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e01", "created_at": "2026-11-27T08:00:00Z"}))]
pub struct AdvancedUnitView {
    /// 评定年度。
    ///
    /// The year it was named for.
    pub year: i32,
    /// 承办单位 ID。
    ///
    /// The unit's id.
    pub unit_id: Uuid,
    /// 评定理由。
    ///
    /// Why it was named.
    pub reason: String,
    /// 评定人（工作人员）的用户 ID。
    ///
    /// The user id of the staff member who named it.
    pub marked_by: Uuid,
    /// 评定时间（UTC）。
    ///
    /// When it was named (UTC).
    pub created_at: DateTime<Utc>,
}

impl From<renda_persistence::double_evaluation::AdvancedUnit> for AdvancedUnitView {
    fn from(a: renda_persistence::double_evaluation::AdvancedUnit) -> Self {
        Self {
            year: a.year,
            unit_id: a.unit_id,
            reason: a.reason,
            marked_by: a.marked_by,
            created_at: a.created_at,
        }
    }
}

/// 将某单位评为某年度的先进承办单位。
///
/// Naming a unit advanced.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"year": 2026, "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "reason": "办理及时，代表满意率100%"}))]
pub struct AdvancedUnitRequest {
    /// 评定年度，1949 至 2999。
    ///
    /// The year, 1949 to 2999.
    #[validate(range(min = 1949, max = 2999))]
    #[schema(minimum = 1949, maximum = 2999)]
    pub year: i32,
    /// 承办单位 ID。
    ///
    /// The unit's id.
    pub unit_id: Uuid,
    /// 评定理由。
    ///
    /// Why it is named.
    pub reason: Text<2000>,
}

/// The year to list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearParams {
    #[validate(range(min = 1949, max = 2999))]
    #[param(minimum = 1949, maximum = 2999)]
    pub year: Option<i32>,
}

/// 查询先进承办单位 · List advanced units
///
/// 列出在双评中被评为先进的承办单位，按年度由近及远排列。
///
/// Units named advanced in the double evaluation, newest year first.
#[utoipa::path(
    tag = "suggestions",
    params(YearParams, WholeListParams),
    responses(
        (status = 200, description = "Advanced units", body = ListResponse<AdvancedUnitView>),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/advanced-units")]
pub async fn list_advanced_units(
    state: Data<AppState>,
    caller: Caller,
    q: QueryParams<YearParams>,
    page: QueryParams<WholeListParams>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadUnits)?;
    let items: Vec<AdvancedUnitView> = state
        .store
        .advanced_units(q.0.year)
        .await?
        .into_iter()
        .map(AdvancedUnitView::from)
        .collect();
    Ok(crate::respond::page(ListResponse::from_vec(
        items, &page.0,
    )?))
}

/// 评定先进承办单位 · Name an advanced unit
///
/// 工作人员将某单位评为某年度的先进承办单位，并说明理由。
///
/// Names a unit advanced for a year, with the reason (staff).
#[utoipa::path(
    tag = "suggestions",
    request_body = AdvancedUnitRequest,
    responses(
        (status = 201, description = "Named", body = AdvancedUnitView),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already named for that year", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/advanced-units")]
pub async fn mark_advanced_unit(
    state: Data<AppState>,
    caller: Caller,
    body: JsonBody<AdvancedUnitRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::AdministerSuggestionCatalogue)?;
    let b = body.parse()?;
    if !state.store.unit_exists(b.unit_id).await? {
        return Err(ApiError::field(
            "unit_id",
            "not_found",
            Msg::new("承办单位不存在", "no such unit"),
        ));
    }
    let a = renda_persistence::double_evaluation::AdvancedUnit {
        year: b.year,
        unit_id: b.unit_id,
        reason: b.reason.trim().to_owned(),
        marked_by: caller.actor()?.user_id.into(),
        created_at: renda_domain::time::now(),
    };
    let saved = state.store.mark_advanced_unit(&caller.audit(), a).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/advanced-units/{}/{}", saved.year, saved.unit_id),
        ))
        .json(AdvancedUnitView::from(saved)))
}

/// 撤销先进称号 · Withdraw an advanced title
///
/// 工作人员撤销某单位某年度的先进承办单位称号。
///
/// Withdraws a unit's advanced title for a year (staff).
#[utoipa::path(
    tag = "suggestions",
    params(("year" = i32, Path), ("unit_id" = Uuid, Path)),
    responses(
        (status = 204, description = "Withdrawn"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not named for that year", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/advanced-units/{year}/{unit_id}")]
pub async fn unmark_advanced_unit(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(i32, Uuid)>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::AdministerSuggestionCatalogue)?;
    let (year, unit_id) = path.into_inner();
    state
        .store
        .unmark_advanced_unit(&caller.audit(), year, unit_id)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

impl crate::pagination::Keyed for AdvancedUnitView {
    /// A unit may be named in several years: the year leads the sort key.
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        let year = u128::from(u32::try_from(self.year).unwrap_or(0));
        let unit = self.unit_id.as_u128() & ((1u128 << 96) - 1);
        (Uuid::from_u128((year << 96) | unit), self.created_at)
    }
}
