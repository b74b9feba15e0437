//! Sign-ups, check-ins and attendance.

use super::*;
use renda_domain::Code;
use renda_persistence::Conflict;

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
            Code::ActivityOver,
            Msg::new("活动已结束", "The activity is over"),
        ));
    }
    match state.store.sign_up(&caller.audit(), &a, deputy).await {
        Ok(()) => Ok(HttpResponse::Ok().json(participant(&state, a.id, deputy).await?)),
        Err(StoreError::Conflict(Conflict::AlreadySignedUp)) => Err(ApiError::conflict(
            Code::AlreadySignedUp,
            Msg::new("您已报名该活动", "You have already signed up"),
        )),
        Err(e) => Err(e.into()),
    }
}

fn already_checked_in() -> ApiError {
    ApiError::conflict(
        Code::AlreadyCheckedIn,
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
            Code::CheckInClosed,
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
        Err(StoreError::Conflict(Conflict::AlreadyCheckedIn)) => Err(already_checked_in()),
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
            Code::ActivityNotHeld,
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
