//! Deputies' activities (履职活动, "代表+"): invitations, sign-ups and
//! check-ins that land in the duty archive; and the needs list (需求清单)
//! of enterprises and residents.

use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, get, patch, post};
use chrono::{DateTime, NaiveDate, Utc};
use renda_auth::Action;
use renda_domain::Role;
use renda_domain::activity::{ActivityKind, NeedStatus, RequesterKind, check_in_open};
use renda_persistence::StoreError;
use renda_persistence::activities::{Activity, ActivityFilter, Need, NeedFilter, Participant};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

use crate::error::{ApiError, ApiResult, FieldError, Msg, Problem};
use crate::extract::{Caller, IfMatch, JsonBody, QueryParams, no_null, take};
use crate::pagination::{ListParams, ListResponse, WholeListParams};
use crate::patch::double;
use crate::routes::common::{blank, concurrent_change, missing_deputies, sorted};
use crate::{AppState, respond};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_activity)
        .service(list_activities)
        .service(get_activity)
        .service(update_activity)
        .service(sign_up)
        .service(check_in)
        .service(record_attendance)
        .service(list_participants)
        .service(create_need)
        .service(list_needs)
        .service(get_need)
        .service(match_need)
        .service(close_need);
}

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
    pub id: Uuid,
    pub kind: ActivityKind,
    pub brand: Option<String>,
    pub title: String,
    pub description: Option<String>,
    pub day: NaiveDate,
    pub place: String,
    pub organiser: String,
    pub invited_deputy_ids: Vec<Uuid>,
    pub created_at: DateTime<Utc>,
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

/// A new activity.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "service_brand", "brand": "代表+心理关爱", "title": "走进社区心理健康讲座",
    "day": "2026-12-05", "place": "古城街道代表之家", "organiser": "区人大代表工委",
    "invited_deputy_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e11"]
}))]
pub struct CreateActivityRequest {
    pub kind: ActivityKind,
    /// Required for a service brand, e.g. 代表+义务助老.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub brand: Option<String>,
    #[validate(length(min = 1, max = 200))]
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00]*[^\x00\u0009-\u000d\u0020\u0085\u00a0\u00ad\u034f\u061c\u115f-\u1160\u1680\u17b4-\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8][^\x00]*$"
    )]
    pub title: String,
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    pub day: NaiveDate,
    #[validate(length(min = 1, max = 200))]
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00]*[^\x00\u0009-\u000d\u0020\u0085\u00a0\u00ad\u034f\u061c\u115f-\u1160\u1680\u17b4-\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8][^\x00]*$"
    )]
    pub place: String,
    #[validate(length(min = 1, max = 200))]
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00]*[^\x00\u0009-\u000d\u0020\u0085\u00a0\u00ad\u034f\u061c\u115f-\u1160\u1680\u17b4-\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8][^\x00]*$"
    )]
    pub organiser: String,
    #[serde(default)]
    #[validate(length(max = 500))]
    #[schema(max_items = 500)]
    pub invited_deputy_ids: Vec<Uuid>,
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
                .pattern(Some(crate::NOT_BLANK_PATTERN)),
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

fn check_activity(a: &Activity, today: NaiveDate) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (f, v) in [
        ("title", &a.title),
        ("place", &a.place),
        ("organiser", &a.organiser),
    ] {
        if renda_domain::text::is_blank(v) {
            errors.push(blank(f));
        }
    }
    if a.kind == ActivityKind::ServiceBrand
        && a.brand.as_deref().is_none_or(renda_domain::text::is_blank)
    {
        errors.push(FieldError::new(
            "brand",
            "required",
            Msg::new(
                "服务品牌活动须写明品牌",
                "a service-brand activity names its brand",
            ),
        ));
    }
    if a.day < today - chrono::Duration::days(366) || a.day > today + chrono::Duration::days(366) {
        errors.push(FieldError::new(
            "day",
            "out_of_range",
            Msg::new("日期须在一年之内", "the day must be within a year of today"),
        ));
    }
    errors
}

/// Plans an activity and invites deputies (staff).
#[utoipa::path(
    tag = "activities",
    request_body = CreateActivityRequest,
    responses(
        (status = 201, description = "Planned", body = ActivityResponse, headers(("Location" = String), ("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
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
    let now = renda_domain::time::now();
    let a = Activity {
        id: Uuid::now_v7(),
        kind: b.kind,
        brand: b.brand.map(|x| x.trim().to_owned()),
        title: b.title.trim().to_owned(),
        description: b.description,
        day: b.day,
        place: b.place.trim().to_owned(),
        organiser: b.organiser.trim().to_owned(),
        invited: sorted(b.invited_deputy_ids.clone()),
        created_by: caller.actor()?.user_id,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    let mut errors = check_activity(&a, state.clock.today());
    errors.extend(missing_deputies(&state, "invited_deputy_ids", &b.invited_deputy_ids).await?);
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
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

/// Lists activities (anyone signed in).
#[utoipa::path(
    tag = "activities",
    params(ListParams, ActivityFilterParams),
    responses(
        (status = 200, description = "A page of activities", body = ListResponse<ActivityResponse>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
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
    Ok(HttpResponse::Ok().json(ListResponse::from_page(page, view)))
}

/// Reads an activity (anyone signed in).
#[utoipa::path(
    tag = "activities",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The activity", body = ActivityResponse, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such activity", body = Problem, content_type = "application/problem+json"),
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

/// A change to an activity; `invited_deputy_ids` replaces the invitations.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"place": "项里街道代表之家"}))]
pub struct UpdateActivityRequest {
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = ActivityKind, required = false)]
    pub kind: Option<Option<ActivityKind>>,
    #[serde(default, deserialize_with = "double")]
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub brand: Option<Option<String>>,
    #[serde(default, deserialize_with = "double")]
    #[validate(length(min = 1, max = 200))]
    #[schema(value_type = String, required = false, min_length = 1, max_length = 200, pattern = r"^[^\x00]*[^\x00\u0009-\u000d\u0020\u0085\u00a0\u00ad\u034f\u061c\u115f-\u1160\u1680\u17b4-\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8][^\x00]*$")]
    pub title: Option<Option<String>>,
    #[serde(default, deserialize_with = "double")]
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = NaiveDate, required = false)]
    pub day: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double")]
    #[validate(length(min = 1, max = 200))]
    #[schema(value_type = String, required = false, min_length = 1, max_length = 200, pattern = r"^[^\x00]*[^\x00\u0009-\u000d\u0020\u0085\u00a0\u00ad\u034f\u061c\u115f-\u1160\u1680\u17b4-\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8][^\x00]*$")]
    pub place: Option<Option<String>>,
    #[serde(default, deserialize_with = "double")]
    #[validate(length(min = 1, max = 200))]
    #[schema(value_type = String, required = false, min_length = 1, max_length = 200, pattern = r"^[^\x00]*[^\x00\u0009-\u000d\u0020\u0085\u00a0\u00ad\u034f\u061c\u115f-\u1160\u1680\u17b4-\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8][^\x00]*$")]
    pub organiser: Option<Option<String>>,
    #[serde(default, deserialize_with = "double")]
    #[validate(length(max = 500))]
    #[schema(value_type = Vec<Uuid>, required = false, max_items = 500)]
    pub invited_deputy_ids: Option<Option<Vec<Uuid>>>,
}

/// Changes an activity (staff).
#[utoipa::path(
    tag = "activities",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
    request_body = UpdateActivityRequest,
    responses(
        (status = 200, description = "Changed", body = ActivityResponse, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such activity", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed meanwhile, or a new day after check-ins", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "ETag mismatch", body = Problem, content_type = "application/problem+json"),
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
    let mut after = before.clone();
    if let Some(v) = take(&mut errors, no_null("kind", b.kind)) {
        after.kind = v;
    }
    if let Some(v) = b.brand {
        after.brand = v;
    }
    if let Some(v) = take(&mut errors, no_null("title", b.title)) {
        after.title = v.trim().to_owned();
    }
    if let Some(v) = b.description {
        after.description = v;
    }
    if let Some(v) = take(&mut errors, no_null("day", b.day)) {
        after.day = v;
    }
    if let Some(v) = take(&mut errors, no_null("place", b.place)) {
        after.place = v.trim().to_owned();
    }
    if let Some(v) = take(&mut errors, no_null("organiser", b.organiser)) {
        after.organiser = v.trim().to_owned();
    }
    if let Some(v) = take(
        &mut errors,
        no_null("invited_deputy_ids", b.invited_deputy_ids),
    ) {
        errors.extend(missing_deputies(&state, "invited_deputy_ids", &v).await?);
        after.invited = sorted(v);
    }
    if after.day != before.day {
        errors.extend(check_activity(&after, state.clock.today()));
    } else {
        errors.extend(
            check_activity(&after, after.day)
                .into_iter()
                .filter(|e| e.field != "day"),
        );
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    if after == before {
        return Ok(respond::changed(before.version, &view(before)));
    }
    // Check-ins are duty records of the day they happened.
    if after.day != before.day
        && state
            .store
            .activity_participants(before.id)
            .await?
            .iter()
            .any(|p| p.checked_in_at.is_some())
    {
        return Err(ApiError::conflict(
            "attendance_recorded",
            Msg::new(
                "已有代表签到，不能更改活动日期",
                "Deputies have checked in; the day can no longer change",
            ),
        ));
    }
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

/// A deputy's part in an activity.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"deputy_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e11", "invited": true, "signed_up_at": "2026-11-27T08:00:00Z", "checked_in_at": "2026-11-27T08:00:00Z", "checked_in_by": null}))]
pub struct ParticipantView {
    pub deputy_id: Uuid,
    pub invited: bool,
    pub signed_up_at: Option<DateTime<Utc>>,
    pub checked_in_at: Option<DateTime<Utc>>,
    /// Staff who recorded the attendance, when not the deputy.
    pub checked_in_by: Option<Uuid>,
}

impl From<Participant> for ParticipantView {
    fn from(p: Participant) -> Self {
        Self {
            deputy_id: p.deputy_id,
            invited: p.invited,
            signed_up_at: p.signed_up_at,
            checked_in_at: p.checked_in_at,
            checked_in_by: p.checked_in_by,
        }
    }
}

impl crate::pagination::Keyed for ParticipantView {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        let at = self
            .checked_in_at
            .or(self.signed_up_at)
            .unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
        (self.deputy_id, at)
    }
}

async fn participant(state: &AppState, activity: Uuid, deputy: Uuid) -> ApiResult<ParticipantView> {
    state
        .store
        .activity_participants(activity)
        .await?
        .into_iter()
        .find(|p| p.deputy_id == deputy)
        .map(ParticipantView::from)
        .ok_or_else(ApiError::not_found)
}

fn deputy_of(caller: &Caller) -> ApiResult<Uuid> {
    let a = caller.actor()?;
    match a.deputy_id {
        Some(d) if a.has(Role::Deputy) => Ok(d),
        _ => Err(ApiError::forbidden()),
    }
}

/// Signs the caller (a deputy) up for an activity, once, before it takes place.
#[utoipa::path(
    tag = "activities",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "Signed up", body = ParticipantView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a deputy", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such activity", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already signed up, or the activity is over", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/activities/{id}/sign-up")]
pub async fn sign_up(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let deputy = deputy_of(&caller)?;
    let a = state.store.get_activity(id.into_inner()).await?;
    if a.day < state.clock.today() {
        return Err(ApiError::conflict(
            "activity_over",
            Msg::new("活动已结束", "The activity is over"),
        ));
    }
    match state.store.sign_up(&caller.audit(), &a, deputy).await {
        Ok(()) => Ok(HttpResponse::Ok().json(participant(&state, a.id, deputy).await?)),
        Err(StoreError::Conflict("already_signed_up")) => Err(ApiError::conflict(
            "already_signed_up",
            Msg::new("您已报名该活动", "You have already signed up"),
        )),
        Err(e) => Err(e.into()),
    }
}

fn already_checked_in() -> ApiError {
    ApiError::conflict(
        "already_checked_in",
        Msg::new("您已签到", "You have already checked in"),
    )
}

/// Checks the caller (a deputy) in at an activity, once, on its day. The
/// check-in is a duty record in the caller's archive.
#[utoipa::path(
    tag = "activities",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "Checked in", body = ParticipantView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a deputy", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such activity", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already checked in, or not the activity's day", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/activities/{id}/check-in")]
pub async fn check_in(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let deputy = deputy_of(&caller)?;
    let a = state.store.get_activity(id.into_inner()).await?;
    if !check_in_open(a.day, state.clock.today()) {
        return Err(ApiError::conflict(
            "check_in_closed",
            Msg::new(
                "只能在活动当天签到",
                "Check-in is open on the activity's day only",
            ),
        ));
    }
    match state
        .store
        .check_in(&caller.audit(), &a, &[deputy], None, true)
        .await
    {
        Ok(_) => Ok(HttpResponse::Ok().json(participant(&state, a.id, deputy).await?)),
        Err(StoreError::Conflict("already_checked_in")) => Err(already_checked_in()),
        Err(e) => Err(e.into()),
    }
}

/// Deputies whose attendance staff record.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"deputy_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e11"]}))]
pub struct AttendanceRequest {
    #[validate(length(min = 1, max = 500))]
    #[schema(min_items = 1, max_items = 500)]
    pub deputy_ids: Vec<Uuid>,
}

/// Who the recording checked in.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"checked_in": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e11"], "already": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e12"]}))]
pub struct AttendanceRecorded {
    /// Newly checked in (each with a duty record).
    pub checked_in: Vec<Uuid>,
    /// Already checked in before; left as they were.
    pub already: Vec<Uuid>,
}

/// Records deputies' attendance (staff, on or after the activity's day).
#[utoipa::path(
    tag = "activities",
    params(("id" = Uuid, Path)),
    request_body = AttendanceRequest,
    responses(
        (status = 200, description = "Recorded", body = AttendanceRecorded),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such activity", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The activity has not taken place yet", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/activities/{id}/attendance")]
pub async fn record_attendance(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    body: JsonBody<AttendanceRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageActivities)?;
    let b = body.parse()?;
    let a = state.store.get_activity(id.into_inner()).await?;
    let errors = missing_deputies(&state, "deputy_ids", &b.deputy_ids).await?;
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    if a.day > state.clock.today() {
        return Err(ApiError::conflict(
            "activity_not_held",
            Msg::new("活动尚未举行", "The activity has not taken place yet"),
        ));
    }
    let wanted = sorted(b.deputy_ids);
    let by = caller.actor()?.user_id;
    let done = state
        .store
        .check_in(&caller.audit(), &a, &wanted, Some(by), false)
        .await?;
    let already = wanted.into_iter().filter(|d| !done.contains(d)).collect();
    Ok(HttpResponse::Ok().json(AttendanceRecorded {
        checked_in: done,
        already,
    }))
}

/// Who is invited, signed up and checked in.
#[utoipa::path(
    tag = "activities",
    params(("id" = Uuid, Path), WholeListParams),
    responses(
        (status = 200, description = "Participants", body = ListResponse<ParticipantView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such activity", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/activities/{id}/participants")]
pub async fn list_participants(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    page: QueryParams<WholeListParams>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadActivities)?;
    let a = state.store.get_activity(id.into_inner()).await?;
    let items: Vec<ParticipantView> = state
        .store
        .activity_participants(a.id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(HttpResponse::Ok().json(ListResponse::from_vec(items, &page.0)?))
}

// ---------------------------------------------------------------- needs

/// A need of an enterprise or a resident.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ec1", "requester": "宿城区某机械制造有限公司", "requester_kind": "enterprise", "content": "希望了解高新技术企业认定政策", "contact_phone": "139****1111", "status": "matched", "activity_id": null, "deputy_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e11", "close_note": null, "created_at": "2026-11-27T08:00:00Z", "updated_at": "2026-11-27T08:00:00Z"}))]
pub struct NeedResponse {
    pub id: Uuid,
    /// A resident's name is personal data: masked unless the caller is
    /// staff.
    pub requester: String,
    pub requester_kind: RequesterKind,
    pub content: String,
    /// Personal data: masked unless the caller is staff.
    pub contact_phone: Option<String>,
    pub status: NeedStatus,
    pub activity_id: Option<Uuid>,
    pub deputy_id: Option<Uuid>,
    pub close_note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn need_view(n: Need, caller: &Caller) -> NeedResponse {
    let full = caller.may(Action::ManageActivities);
    NeedResponse {
        id: n.id,
        requester: if full || n.requester_kind != RequesterKind::Resident {
            n.requester
        } else {
            renda_domain::personal::mask_name(&n.requester)
        },
        requester_kind: n.requester_kind,
        content: n.content,
        contact_phone: if full {
            n.contact_phone
        } else {
            n.contact_phone
                .as_deref()
                .map(renda_domain::personal::mask_phone)
        },
        status: n.status,
        activity_id: n.activity_id,
        deputy_id: n.deputy_id,
        close_note: n.close_note,
        created_at: n.created_at,
        updated_at: n.updated_at,
    }
}

/// A need to record.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "requester": "宿城区某机械制造有限公司", "requester_kind": "enterprise",
    "content": "希望了解高新技术企业认定政策", "contact_phone": "13900001111"
}))]
pub struct CreateNeedRequest {
    #[validate(length(min = 1, max = 200))]
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00]*[^\x00\u0009-\u000d\u0020\u0085\u00a0\u00ad\u034f\u061c\u115f-\u1160\u1680\u17b4-\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8][^\x00]*$"
    )]
    pub requester: String,
    pub requester_kind: RequesterKind,
    #[validate(length(min = 1, max = 5000))]
    #[schema(
        min_length = 1,
        max_length = 5000,
        pattern = r"^[^\x00]*[^\x00\u0009-\u000d\u0020\u0085\u00a0\u00ad\u034f\u061c\u115f-\u1160\u1680\u17b4-\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8][^\x00]*$"
    )]
    pub content: String,
    /// Personal data.
    #[validate(custom(function = "crate::validation::phone"))]
    #[schema(max_length = 24, pattern = r"^\+?[ -]*(?:[0-9][ -]*){5,20}$")]
    pub contact_phone: Option<String>,
}

/// Records a need (staff).
#[utoipa::path(
    tag = "activities",
    request_body = CreateNeedRequest,
    responses(
        (status = 201, description = "Recorded", body = NeedResponse, headers(("Location" = String), ("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/needs")]
pub async fn create_need(
    state: Data<AppState>,
    caller: Caller,
    body: JsonBody<CreateNeedRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageActivities)?;
    let b = body.parse()?;
    let mut errors = Vec::new();
    for (f, v) in [("requester", &b.requester), ("content", &b.content)] {
        if renda_domain::text::is_blank(v) {
            errors.push(blank(f));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let now = renda_domain::time::now();
    let n = Need {
        id: Uuid::now_v7(),
        requester: b.requester.trim().to_owned(),
        requester_kind: b.requester_kind,
        content: b.content,
        contact_phone: b.contact_phone,
        status: NeedStatus::Open,
        activity_id: None,
        deputy_id: None,
        close_note: None,
        created_by: caller.actor()?.user_id,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    let n = state.store.create_need(&caller.audit(), n).await?;
    let version = n.version;
    Ok(respond::created(
        format!("/api/v1/needs/{}", n.id),
        version,
        &need_view(n, &caller),
    ))
}

/// Filters of the needs list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NeedFilterParams {
    pub status: Option<NeedStatus>,
    pub deputy_id: Option<Uuid>,
    pub activity_id: Option<Uuid>,
}

/// Whether the caller reads every need (staff and leaders) or, as a
/// deputy, those matched to them.
fn need_reader(caller: &Caller) -> ApiResult<Option<Uuid>> {
    let a = caller.actor()?;
    if a.roles.any(&[Role::Staff, Role::Leader]) {
        return Ok(None);
    }
    match a.deputy_id {
        Some(d) if a.has(Role::Deputy) => Ok(Some(d)),
        _ => Err(ApiError::forbidden()),
    }
}

/// The needs list: staff and leaders see every need, a deputy those
/// matched to them.
#[utoipa::path(
    tag = "activities",
    params(ListParams, NeedFilterParams),
    responses(
        (status = 200, description = "A page of needs", body = ListResponse<NeedResponse>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither staff, leader nor deputy", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/needs")]
pub async fn list_needs(
    state: Data<AppState>,
    caller: Caller,
    page: QueryParams<ListParams>,
    filter: QueryParams<NeedFilterParams>,
) -> ApiResult<HttpResponse> {
    let own = need_reader(&caller)?;
    let p = filter.0;
    if own.is_some() && p.deputy_id.is_some_and(|d| Some(d) != own) {
        return Err(ApiError::forbidden());
    }
    let f = NeedFilter {
        status: p.status,
        deputy_id: own.or(p.deputy_id),
        activity_id: p.activity_id,
    };
    let page = state.store.list_needs(&f, &page.0.options()?).await?;
    Ok(HttpResponse::Ok().json(ListResponse::from_page(page, |n| need_view(n, &caller))))
}

async fn load_need(state: &AppState, caller: &Caller, id: Uuid) -> ApiResult<Need> {
    let own = need_reader(caller)?;
    let n = state.store.get_need(id).await?;
    if own.is_some() && n.deputy_id != own {
        return Err(ApiError::not_found());
    }
    Ok(n)
}

/// Reads a need.
#[utoipa::path(
    tag = "activities",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The need", body = NeedResponse, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither staff, leader nor deputy", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such need, or not matched to the caller", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/needs/{id}")]
pub async fn get_need(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let n = load_need(&state, &caller, id.into_inner()).await?;
    let version = n.version;
    Ok(respond::resource(&req, version, &need_view(n, &caller)))
}

/// What a need is matched to: an activity, a deputy, or both.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"deputy_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e11"}))]
pub struct MatchNeedRequest {
    pub activity_id: Option<Uuid>,
    pub deputy_id: Option<Uuid>,
}

/// Matches an open or matched need to an activity or a deputy (staff).
#[utoipa::path(
    tag = "activities",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
    request_body = MatchNeedRequest,
    responses(
        (status = 200, description = "Matched", body = NeedResponse, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such need", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already met", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Neither activity nor deputy, or no such one", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/needs/{id}/match")]
pub async fn match_need(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<MatchNeedRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageActivities)?;
    let b = body.parse()?;
    let before = state.store.get_need(id.into_inner()).await?;
    if if_match.0.is_some_and(|v| v != before.version) {
        return Err(ApiError::precondition_failed());
    }
    if b.activity_id.is_none() && b.deputy_id.is_none() {
        return Err(ApiError::field(
            "deputy_id",
            "required",
            Msg::new("须指定活动或代表", "name an activity or a deputy"),
        ));
    }
    if let Some(a) = b.activity_id {
        match state.store.get_activity(a).await {
            Ok(_) => {}
            Err(StoreError::NotFound) => {
                return Err(ApiError::field(
                    "activity_id",
                    "not_found",
                    Msg::new("活动不存在", "no such activity"),
                ));
            }
            Err(e) => return Err(e.into()),
        }
    }
    if let Some(d) = b.deputy_id
        && !state.store.deputy_exists(d).await?
    {
        return Err(ApiError::field(
            "deputy_id",
            "not_found",
            Msg::new("代表不存在", "no such deputy"),
        ));
    }
    if before.status == NeedStatus::Met {
        return Err(ApiError::conflict(
            "invalid_state",
            Msg::new("该需求已办结", "The need is already met"),
        ));
    }
    let mut after = before.clone();
    after.status = NeedStatus::Matched;
    after.activity_id = b.activity_id;
    after.deputy_id = b.deputy_id;
    match state
        .store
        .save_need(&caller.audit(), &before, after, "match")
        .await
    {
        Ok(n) => Ok(respond::changed(n.version, &need_view(n, &caller))),
        Err(StoreError::VersionMismatch) => Err(concurrent_change()),
        Err(e) => Err(e.into()),
    }
}

/// How a need was met.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"note": "已组织政策宣讲，企业完成申报"}))]
pub struct CloseNeedRequest {
    #[validate(length(min = 1, max = 2000))]
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"^[^\x00]*[^\x00\u0009-\u000d\u0020\u0085\u00a0\u00ad\u034f\u061c\u115f-\u1160\u1680\u17b4-\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8][^\x00]*$"
    )]
    pub note: String,
}

/// Closes a matched need as met (staff, or the deputy it is matched to).
#[utoipa::path(
    tag = "activities",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
    request_body = CloseNeedRequest,
    responses(
        (status = 200, description = "Met", body = NeedResponse, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither staff nor the matched deputy", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such need, or not matched to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not matched yet, or already met", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/needs/{id}/close")]
pub async fn close_need(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<CloseNeedRequest>,
) -> ApiResult<HttpResponse> {
    let before = load_need(&state, &caller, id.into_inner()).await?;
    let staff = caller.may(Action::ManageActivities);
    let matched_deputy = caller
        .principal
        .actor()
        .is_some_and(|a| a.deputy_id.is_some() && a.deputy_id == before.deputy_id);
    if !staff && !matched_deputy {
        return Err(ApiError::forbidden());
    }
    if if_match.0.is_some_and(|v| v != before.version) {
        return Err(ApiError::precondition_failed());
    }
    let b = body.parse()?;
    if renda_domain::text::is_blank(&b.note) {
        return Err(ApiError::validation(vec![blank("note")]));
    }
    if before.status != NeedStatus::Matched {
        return Err(ApiError::conflict(
            "invalid_state",
            Msg::new("需求须先对接再办结", "A need is matched before it is met"),
        ));
    }
    let mut after = before.clone();
    after.status = NeedStatus::Met;
    after.close_note = Some(b.note);
    match state
        .store
        .save_need(&caller.audit(), &before, after, "close")
        .await
    {
        Ok(n) => Ok(respond::changed(n.version, &need_view(n, &caller))),
        Err(StoreError::VersionMismatch) => Err(concurrent_change()),
        Err(e) => Err(e.into()),
    }
}
