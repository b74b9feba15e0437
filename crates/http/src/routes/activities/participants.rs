//! Sign-ups, check-ins and attendance.

use super::*;
use renda_domain::id::DeputyId;

/// 一位代表参与活动的情况：受邀、报名、签到。
///
/// A deputy's part in an activity.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"deputy_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e11", "invited": true, "signed_up_at": "2026-11-27T08:00:00Z", "checked_in_at": "2026-11-27T08:00:00Z", "checked_in_by": null}))]
pub struct ParticipantView {
    /// 代表的 ID。
    ///
    /// The deputy's id.
    pub deputy_id: Uuid,
    /// 是否受邀参加。
    ///
    /// Whether the deputy was invited.
    pub invited: bool,
    /// 报名时间（UTC）；未报名时为 null。
    ///
    /// When the deputy signed up (UTC); null if not signed up.
    pub signed_up_at: Option<DateTime<Utc>>,
    /// 签到时间（UTC）；未签到时为 null。签到即生成一条履职记录。
    ///
    /// When the deputy checked in (UTC); null if not. A check-in is a duty record.
    pub checked_in_at: Option<DateTime<Utc>>,
    /// 代为登记出席的工作人员；代表本人签到或未签到时为 null。
    ///
    /// Staff who recorded the attendance, when not the deputy.
    pub checked_in_by: Option<Uuid>,
}

impl From<Participant> for ParticipantView {
    fn from(p: Participant) -> Self {
        Self {
            deputy_id: p.deputy_id.into(),
            invited: p.invited,
            signed_up_at: p.signed_up_at,
            checked_in_at: p.checked_in_at,
            checked_in_by: p.checked_in_by.map(Into::into),
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
        .find(|p| p.deputy_id == deputy.into())
        .map(ParticipantView::from)
        .ok_or_else(ApiError::not_found)
}

/// The deputy the caller is, if the permission module lets them take
/// part in activities.
fn deputy_of(caller: &Caller) -> ApiResult<DeputyId> {
    caller.require(Action::TakePartInActivities)?;
    caller.actor()?.deputy_id.ok_or_else(ApiError::forbidden)
}

/// 报名参加活动 · Sign up for an activity
///
/// 调用者（代表）报名参加一项履职活动；只能报名一次，且须在活动举行之前。
///
/// Signs the caller (a deputy) up for an activity, once, before it takes place.
#[utoipa::path(
    tag = "activities",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "Signed up", body = ParticipantView),
        (status = 403, description = "Not a deputy", body = Problem, content_type = "application/problem+json"),
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
    act::sign_up(&a, &ctx(&state, &caller)?)?;
    state
        .store
        .sign_up(&caller.audit(), &a, deputy.into())
        .await?;
    Ok(HttpResponse::Ok().json(participant(&state, a.id, deputy.into()).await?))
}

/// 活动签到 · Check in at an activity
///
/// 调用者（代表）在履职活动当天签到，只能签到一次。签到即在调用者的履职档案中形成一条履职记录。
///
/// Checks the caller (a deputy) in at an activity, once, on its day. The
/// check-in is a duty record in the caller's archive.
#[utoipa::path(
    tag = "activities",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "Checked in", body = ParticipantView),
        (status = 403, description = "Not a deputy", body = Problem, content_type = "application/problem+json"),
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
    let check_ins = act::check_in(&a, deputy.into(), &ctx(&state, &caller)?)?;
    state
        .store
        .check_in(&caller.audit(), &a, check_ins, true)
        .await?;
    Ok(HttpResponse::Ok().json(participant(&state, a.id, deputy.into()).await?))
}

/// 工作人员为其登记出席的代表。
///
/// Deputies whose attendance staff record.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"deputy_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e11"]}))]
pub struct AttendanceRequest {
    /// 出席代表的 ID 列表，1 至 500 人。
    ///
    /// The deputies who attended, 1 to 500.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_items = 1, max_items = 500)]
    pub deputy_ids: Vec<DeputyId>,
}

/// 本次登记签到了哪些代表。
///
/// Who the recording checked in.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"checked_in": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e11"], "already": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e12"]}))]
pub struct AttendanceRecorded {
    /// 本次新签到的代表，每人生成一条履职记录。
    ///
    /// Newly checked in (each with a duty record).
    pub checked_in: Vec<DeputyId>,
    /// 此前已签到的代表，保持不变。
    ///
    /// Already checked in before; left as they were.
    pub already: Vec<DeputyId>,
}

/// 登记出席情况 · Record attendance
///
/// 登记代表出席活动的情况；限工作人员，须在活动当天或之后。
///
/// Records deputies' attendance (staff, on or after the activity's day).
#[utoipa::path(
    tag = "activities",
    params(("id" = Uuid, Path)),
    request_body = AttendanceRequest,
    responses(
        (status = 200, description = "Recorded", body = AttendanceRecorded),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
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
    let existing = existing_deputies(&state, &b.deputy_ids).await?;
    let check_ins = act::record_attendance(&a, &b.deputy_ids, &existing, &ctx(&state, &caller)?)?;
    let wanted: Vec<DeputyId> = check_ins.duties.iter().map(|d| d.deputy_id).collect();
    let done = state
        .store
        .check_in(&caller.audit(), &a, check_ins, false)
        .await?;
    let already = wanted.into_iter().filter(|d| !done.contains(d)).collect();
    Ok(HttpResponse::Ok().json(AttendanceRecorded {
        checked_in: done,
        already,
    }))
}

/// 活动参与人员 · List an activity's participants
///
/// 列出一项履职活动的受邀、已报名和已签到代表。
///
/// Who is invited, signed up and checked in.
#[utoipa::path(
    tag = "activities",
    params(("id" = Uuid, Path), WholeListParams),
    responses(
        (status = 200, description = "Participants", body = ListResponse<ParticipantView>),
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
    Ok(crate::respond::page(ListResponse::from_vec(
        items, &page.0,
    )?))
}
