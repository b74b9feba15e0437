//! Planning, listing, reading and amending activities.

use super::*;
use renda_domain::id::DeputyId;
use renda_domain::text::{Line, Text};

/// 一项代表履职活动。
///
/// An activity.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ee0",
    "kind": "service_brand", "brand": "代表+心理关爱",
    "title": "走进社区心理健康讲座", "description": null,
    "day": "2026-12-05", "place": "古城街道代表之家", "organiser": "区人大代表工委",
    "invited_deputy_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e11"],
    "created_at": "2026-11-27T08:00:00Z", "updated_at": "2026-11-27T08:00:00Z"
}))]
pub struct ActivityResponse {
    /// 活动的 ID。
    ///
    /// The activity's id.
    pub id: Uuid,
    /// 活动类别，如 `service_brand`、`training`、`court_hearing`。
    ///
    /// Its kind, such as `service_brand`, `training` or `court_hearing`.
    pub kind: ActivityKind,
    /// 服务品牌，如“代表+心理关爱”；非品牌活动通常为 null。
    ///
    /// The service brand, such as 代表+心理关爱; usually null for other kinds.
    pub brand: Option<String>,
    /// 活动名称。
    ///
    /// The activity's title.
    pub title: String,
    /// 活动简介；没有时为 null。
    ///
    /// A description; null when none.
    pub description: Option<String>,
    /// 活动日期，如 `2026-12-05`。
    ///
    /// The day it is held, such as `2026-12-05`.
    pub day: NaiveDate,
    /// 活动地点。
    ///
    /// Where it is held.
    pub place: String,
    /// 组织单位，如“区人大代表工委”。
    ///
    /// Who organises it, such as 区人大代表工委.
    pub organiser: String,
    /// 受邀代表的 ID 列表。
    ///
    /// The deputies invited.
    pub invited_deputy_ids: Vec<DeputyId>,
    /// 创建时间（UTC）。
    ///
    /// When it was created (UTC).
    pub created_at: DateTime<Utc>,
    /// 最后一次变更的时间（UTC）。
    ///
    /// When it last changed (UTC).
    pub updated_at: DateTime<Utc>,
}

fn view(a: Activity) -> ActivityResponse {
    ActivityResponse {
        id: a.id,
        kind: a.kind,
        brand: a.brand,
        title: a.title,
        description: a.description,
        day: a.day,
        place: a.place,
        organiser: a.organiser,
        invited_deputy_ids: a.invited,
        created_at: a.created_at,
        updated_at: a.updated_at,
    }
}

/// 要新建的履职活动。
///
/// A new activity.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "service_brand", "brand": "代表+心理关爱", "title": "走进社区心理健康讲座",
    "day": "2026-12-05", "place": "古城街道代表之家", "organiser": "区人大代表工委",
    "invited_deputy_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e11"]
}))]
pub struct CreateActivityRequest {
    /// 活动类别，如 `service_brand`、`training`、`court_hearing`。
    ///
    /// Its kind, such as `service_brand`, `training` or `court_hearing`.
    pub kind: ActivityKind,
    /// 服务品牌，如“代表+义务助老”；`service_brand` 类活动必填。
    ///
    /// Required for a service brand, e.g. 代表+义务助老.
    pub brand: Option<Line<100>>,
    /// 活动名称，最多 200 字。
    ///
    /// The activity's title, up to 200 characters.
    pub title: Line<200>,
    /// 活动简介；可不填，空白视同不填。
    ///
    /// A description; optional, blank counts as none.
    #[serde(default, deserialize_with = "crate::patch::blank_none")]
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub description: Option<Text<5000>>,
    /// 活动日期，如 `2026-12-05`。
    ///
    /// The day it is held, such as `2026-12-05`.
    pub day: NaiveDate,
    /// 活动地点。
    ///
    /// Where it is held.
    pub place: Line<200>,
    /// 组织单位。
    ///
    /// Who organises it.
    pub organiser: Line<200>,
    /// 受邀代表的 ID 列表；不填则不邀请任何代表。
    ///
    /// The deputies invited; none when absent.
    #[serde(default)]
    #[validate(length(max = 500))]
    #[schema(max_items = 500)]
    pub invited_deputy_ids: Vec<DeputyId>,
}

/// What the derived schema of [`CreateActivityRequest`] cannot say, as
/// [`check_activity`] requires: a service-brand activity names its brand
/// (not blank). The schema becomes the derived one and one of: a service
/// brand with its brand, or another kind. Likewise a [`MatchNeedRequest`]
/// names an activity or a deputy.
pub(crate) fn document_rules(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::schema::{AnyOfBuilder, ObjectBuilder, OneOfBuilder, Type};
    let brand = ObjectBuilder::new()
        .property(
            "kind",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some([ActivityKind::ServiceBrand.as_str()])),
        )
        .property(
            "brand",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(renda_domain::text::not_blank_pattern())),
        )
        .required("kind")
        .required("brand");
    let others = ObjectBuilder::new()
        .property(
            "kind",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(
                    ActivityKind::ALL
                        .iter()
                        .filter(|k| **k != ActivityKind::ServiceBrand)
                        .map(|k| k.as_str()),
                )),
        )
        .required("kind");
    crate::add_rule(
        doc,
        "CreateActivityRequest",
        OneOfBuilder::new().item(brand).item(others),
    );
    // A need is matched to an activity, a deputy, or both (match_need).
    let named = |field: &str| {
        ObjectBuilder::new()
            .property(
                field,
                ObjectBuilder::new().schema_type(Type::String).format(Some(
                    utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Uuid),
                )),
            )
            .required(field)
    };
    crate::add_rule(
        doc,
        "MatchNeedRequest",
        AnyOfBuilder::new()
            .item(named("activity_id"))
            .item(named("deputy_id")),
    );
}

/// 策划履职活动 · Plan an activity
///
/// 策划一项履职活动并邀请代表参加，限工作人员。
///
/// Plans an activity and invites deputies (staff).
#[utoipa::path(
    tag = "activities",
    request_body = CreateActivityRequest,
    responses(
        (status = 201, description = "Planned", body = ActivityResponse, headers(("Location" = String), ("ETag" = String))),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/activities")]
pub async fn create_activity(
    state: Data<AppState>,
    caller: Caller,
    body: JsonBody<CreateActivityRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageActivities)?;
    let b = body.parse()?;
    let existing = existing_deputies(&state, &b.invited_deputy_ids).await?;
    let input = act::ActivityInput {
        kind: b.kind,
        brand: b.brand.map(String::from),
        title: b.title.into(),
        description: b.description.map(String::from),
        day: b.day,
        place: b.place.into(),
        organiser: b.organiser.into(),
        invited_deputy_ids: b.invited_deputy_ids,
    };
    let a = act::plan(input, &existing, &ctx(&state, &caller)?)?;
    let a = state.store.create_activity(&caller.audit(), a).await?;
    let version = a.version;
    Ok(respond::created(
        format!("/api/v1/activities/{}", a.id),
        version,
        &view(a),
    ))
}

/// Filters of the activity listing.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityFilterParams {
    pub kind: Option<ActivityKind>,
    /// On or after this day.
    pub from: Option<NaiveDate>,
    /// On or before this day.
    pub to: Option<NaiveDate>,
    /// Activities this deputy is invited to, signed up for or attended.
    pub deputy_id: Option<Uuid>,
    /// Words in the title or brand.
    #[validate(length(max = 100))]
    #[param(max_length = 100)]
    pub q: Option<String>,
}

/// 履职活动列表 · List activities
///
/// 列出履职活动，任何已登录用户均可调用。
///
/// Lists activities (anyone signed in).
#[utoipa::path(
    tag = "activities",
    params(ListParams, ActivityFilterParams),
    responses(
        (status = 200, description = "A page of activities", body = ListResponse<ActivityResponse>),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/activities")]
pub async fn list_activities(
    state: Data<AppState>,
    caller: Caller,
    page: QueryParams<ListParams>,
    filter: QueryParams<ActivityFilterParams>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadActivities)?;
    let p = filter.0;
    let f = ActivityFilter {
        kind: p.kind,
        from: p.from,
        to: p.to,
        deputy_id: p.deputy_id,
        q: p.q.filter(|q| !renda_domain::text::is_blank(q)),
    };
    let page = state.store.list_activities(&f, &page.0.options()?).await?;
    Ok(crate::respond::page(ListResponse::from_page(page, view)))
}

/// 查看履职活动 · Get an activity
///
/// 读取一项履职活动，任何已登录用户均可调用。
///
/// Reads an activity (anyone signed in).
#[utoipa::path(
    tag = "activities",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The activity", body = ActivityResponse, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
    ),
    security(("bearer" = []))
)]
#[get("/activities/{id}")]
pub async fn get_activity(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadActivities)?;
    let a = state.store.get_activity(id.into_inner()).await?;
    let version = a.version;
    Ok(respond::resource(&req, version, &view(a)))
}

/// 对履职活动的修改：未给出的字段保持不变；`invited_deputy_ids` 整体替换原邀请名单。
///
/// A change to an activity; `invited_deputy_ids` replaces the invitations.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"place": "项里街道代表之家"}))]
pub struct UpdateActivityRequest {
    /// 新的活动类别；不给则不变，不可为 null。
    ///
    /// The new kind; unchanged when absent, never null.
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = ActivityKind, required = false)]
    pub kind: Option<Option<ActivityKind>>,
    /// 新的服务品牌；不给则不变，null 则清除（`service_brand` 类活动不可清除）。
    ///
    /// The new service brand; unchanged when absent, cleared by null (not for a service brand).
    #[serde(default, deserialize_with = "double")]
    pub brand: Option<Option<Line<100>>>,
    /// 新的活动名称；不给则不变，不可为 null。
    ///
    /// The new title; unchanged when absent, never null.
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = Line<200>, required = false)]
    pub title: Option<Option<Line<200>>>,
    /// 新的活动简介；不给则不变，null 或空白则清除。
    ///
    /// The new description; unchanged when absent, cleared by null or blank.
    #[serde(default, deserialize_with = "crate::patch::double_blank_none")]
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub description: Option<Option<Text<5000>>>,
    /// 新的活动日期；不给则不变，不可为 null。已有代表签到后不可改。
    ///
    /// The new day; unchanged when absent, never null. Fixed once a deputy has checked in.
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = NaiveDate, required = false)]
    pub day: Option<Option<NaiveDate>>,
    /// 新的活动地点；不给则不变，不可为 null。
    ///
    /// The new place; unchanged when absent, never null.
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = Line<200>, required = false)]
    pub place: Option<Option<Line<200>>>,
    /// 新的组织单位；不给则不变，不可为 null。
    ///
    /// The new organiser; unchanged when absent, never null.
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = Line<200>, required = false)]
    pub organiser: Option<Option<Line<200>>>,
    /// 受邀代表的完整新名单，替换原名单；不给则不变，不可为 null。
    ///
    /// The full new list of deputies invited; unchanged when absent, never null.
    #[serde(default, deserialize_with = "double")]
    #[validate(length(max = 500))]
    #[schema(value_type = Vec<Uuid>, required = false, max_items = 500)]
    pub invited_deputy_ids: Option<Option<Vec<DeputyId>>>,
}

/// 修改履职活动 · Update an activity
///
/// 修改一项履职活动，限工作人员。
///
/// Changes an activity (staff).
#[utoipa::path(
    tag = "activities",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
    request_body = UpdateActivityRequest,
    responses(
        (status = 200, description = "Changed", body = ActivityResponse, headers(("ETag" = String))),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed meanwhile, or a new day after check-ins", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/activities/{id}")]
pub async fn update_activity(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<UpdateActivityRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageActivities)?;
    let b = body.parse()?;
    let before = state.store.get_activity(id.into_inner()).await?;
    if if_match.0.is_some_and(|v| v != before.version) {
        return Err(ApiError::precondition_failed());
    }
    let mut errors = Vec::new();
    let patch = act::ActivityPatch {
        kind: take(&mut errors, no_null("kind", b.kind)),
        brand: b.brand.map(|v| v.map(String::from)),
        title: take(
            &mut errors,
            no_null("title", b.title.map(|v| v.map(String::from))),
        ),
        description: b.description.map(|v| v.map(String::from)),
        day: take(&mut errors, no_null("day", b.day)),
        place: take(
            &mut errors,
            no_null("place", b.place.map(|v| v.map(String::from))),
        ),
        organiser: take(
            &mut errors,
            no_null("organiser", b.organiser.map(|v| v.map(String::from))),
        ),
        invited_deputy_ids: take(
            &mut errors,
            no_null("invited_deputy_ids", b.invited_deputy_ids),
        ),
    };
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let facts = act::ActivityFacts {
        existing_deputies: match &patch.invited_deputy_ids {
            Some(ids) => existing_deputies(&state, ids).await?,
            None => Vec::new(),
        },
        // Check-ins are duty records of the day they happened.
        checked_in: state
            .store
            .activity_participants(before.id)
            .await?
            .iter()
            .any(|p| p.checked_in_at.is_some()),
    };
    let Some(after) = act::update(&before, patch, &facts, &ctx(&state, &caller)?)? else {
        return Ok(respond::changed(before.version, &view(before)));
    };
    match state
        .store
        .save_activity(&caller.audit(), &before, after)
        .await
    {
        Ok(a) => Ok(respond::changed(a.version, &view(a))),
        Err(StoreError::VersionMismatch) => Err(concurrent_change()),
        Err(e) => Err(e.into()),
    }
}
