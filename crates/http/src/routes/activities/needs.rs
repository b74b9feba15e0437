//! The needs list (需求清单) of enterprises and residents.

use super::*;
use crate::extract::{answer, refusal};
use renda_auth::need_access::{self, NeedAction};
use renda_domain::text::{Line, Text};

/// 需求清单中企业或群众的一项需求。
///
/// A need of an enterprise or a resident.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ec1", "requester": "宿城区某机械制造有限公司", "requester_kind": "enterprise", "content": "希望了解高新技术企业认定政策", "contact_phone": "139****1111", "status": "matched", "activity_id": null, "deputy_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e11", "close_note": null, "created_at": "2026-11-27T08:00:00Z", "updated_at": "2026-11-27T08:00:00Z"}))]
pub struct NeedResponse {
    /// 需求的 ID。
    ///
    /// The need's id.
    pub id: Uuid,
    /// 提出需求的企业名称或群众姓名；群众姓名属个人信息，对工作人员以外的人脱敏。
    ///
    /// A resident's name is personal data: masked unless the caller is
    /// staff.
    pub requester: String,
    /// 需求方类别：`enterprise` 企业或 `resident` 群众。
    ///
    /// Who raised it: an `enterprise` or a `resident`.
    pub requester_kind: RequesterKind,
    /// 需求内容。
    ///
    /// What is needed.
    pub content: String,
    /// 联系电话（个人信息）：对工作人员以外的人脱敏；未登记时为 null。
    ///
    /// Personal data: masked unless the caller is staff.
    pub contact_phone: Option<String>,
    /// 需求状态：`open` 待对接、`matched` 已对接、`met` 已满足。
    ///
    /// Where it stands: `open`, `matched` or `met`.
    pub status: NeedStatus,
    /// 对接的履职活动；未对接活动时为 null。
    ///
    /// The activity it is matched to; null when none.
    pub activity_id: Option<Uuid>,
    /// 对接的代表；未对接代表时为 null。
    ///
    /// The deputy it is matched to; null when none.
    pub deputy_id: Option<Uuid>,
    /// 办结说明：需求如何得到满足；办结前为 null。
    ///
    /// How the need was met; null until closed.
    pub close_note: Option<String>,
    /// 登记时间（UTC）。
    ///
    /// When it was recorded (UTC).
    pub created_at: DateTime<Utc>,
    /// 最后一次变更的时间（UTC）。
    ///
    /// When it last changed (UTC).
    pub updated_at: DateTime<Utc>,
}

fn need_view(n: Need, caller: &Caller) -> NeedResponse {
    let full = caller.may(Action::ManageActivities);
    NeedResponse {
        id: n.id,
        requester: if full || !n.requester_is_a_person() {
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
        deputy_id: n.deputy_id.map(Into::into),
        close_note: n.close_note,
        created_at: n.created_at,
        updated_at: n.updated_at,
    }
}

/// 要登记的一项需求。
///
/// A need to record.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "requester": "宿城区某机械制造有限公司", "requester_kind": "enterprise",
    "content": "希望了解高新技术企业认定政策", "contact_phone": "13900001111"
}))]
pub struct CreateNeedRequest {
    /// 提出需求的企业名称或群众姓名，最多 200 字。
    ///
    /// The enterprise's or the resident's name, up to 200 characters.
    pub requester: Line<200>,
    /// 需求方类别：`enterprise` 企业或 `resident` 群众。
    ///
    /// Who raised it: an `enterprise` or a `resident`.
    pub requester_kind: RequesterKind,
    /// 需求内容，最多 5000 字。
    ///
    /// What is needed, up to 5,000 characters.
    pub content: Text<5000>,
    /// 联系电话，可不填；属个人信息。
    ///
    /// Personal data.
    #[validate(custom(function = "crate::validation::phone"))]
    #[schema(max_length = 24, pattern = r"^\+?[ -]*(?:[0-9][ -]*){5,20}$")]
    pub contact_phone: Option<String>,
}

/// 登记需求 · Record a need
///
/// 在需求清单中登记一项企业或群众的需求，限工作人员。
///
/// Records a need (staff).
#[utoipa::path(
    tag = "activities",
    request_body = CreateNeedRequest,
    responses(
        (status = 201, description = "Recorded", body = NeedResponse, headers(("Location" = String), ("ETag" = String))),
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
    let input = act::NeedInput {
        requester: b.requester.into(),
        requester_kind: b.requester_kind,
        content: b.content.into(),
        contact_phone: b.contact_phone,
    };
    let n = act::record_need(input, &ctx(&state, &caller)?)?;
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

/// 需求清单 · List needs
///
/// 列出需求清单：工作人员和常委会负责人可见全部需求，代表可见对接给本人的需求。
///
/// The needs list: staff and leaders see every need, a deputy those
/// matched to them.
#[utoipa::path(
    tag = "activities",
    params(ListParams, NeedFilterParams),
    responses(
        (status = 200, description = "A page of needs", body = ListResponse<NeedResponse>),
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
    let p = filter.0;
    let deputy_id = need_access::reader(&caller.principal)
        .and_then(|r| r.deputy_filter(p.deputy_id))
        .map_err(refusal)?;
    let f = NeedFilter {
        status: p.status,
        deputy_id,
        activity_id: p.activity_id,
    };
    let page = state.store.list_needs(&f, &page.0.options()?).await?;
    Ok(crate::respond::page(ListResponse::from_page(page, |n| {
        need_view(n, &caller)
    })))
}

/// Loads a need and asks the permission module about `action`.
async fn load_need(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    action: NeedAction,
) -> ApiResult<Need> {
    need_access::reader(&caller.principal).map_err(refusal)?;
    let n = state.store.get_need(id).await?;
    answer(need_access::decide_need(
        &caller.principal,
        action,
        n.deputy_id.map(Into::into),
    ))?;
    Ok(n)
}

/// 查看需求 · Get a need
///
/// 读取需求清单中的一项需求。
///
/// Reads a need.
#[utoipa::path(
    tag = "activities",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The need", body = NeedResponse, headers(("ETag" = String))),
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
    let n = load_need(&state, &caller, id.into_inner(), NeedAction::Read).await?;
    let version = n.version;
    Ok(respond::resource(&req, version, &need_view(n, &caller)))
}

/// 需求对接的对象：一项活动、一位代表或两者，至少给出其一；替换原有对接。
///
/// What a need is matched to: an activity, a deputy, or both.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"deputy_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e11"}))]
pub struct MatchNeedRequest {
    /// 对接的履职活动；不对接活动时不填。
    ///
    /// The activity to match it to; absent for none.
    pub activity_id: Option<Uuid>,
    /// 对接的代表；不对接代表时不填。
    ///
    /// The deputy to match it to; absent for none.
    pub deputy_id: Option<Uuid>,
}

/// 对接需求 · Match a need
///
/// 将一项待对接或已对接的需求对接到某项履职活动或某位代表，限工作人员。
///
/// Matches an open or matched need to an activity or a deputy (staff).
#[utoipa::path(
    tag = "activities",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
    request_body = MatchNeedRequest,
    responses(
        (status = 200, description = "Matched", body = NeedResponse, headers(("ETag" = String))),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
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
    let activity_known = match b.activity_id {
        Some(a) => match state.store.get_activity(a).await {
            Ok(_) => true,
            Err(StoreError::NotFound) => false,
            Err(e) => return Err(e.into()),
        },
        None => false,
    };
    let deputy_known = match b.deputy_id {
        Some(d) => state.store.deputy_exists(d).await?,
        None => false,
    };
    let after = act::match_need(
        &before,
        act::MatchInput {
            activity_id: b.activity_id,
            deputy_id: b.deputy_id.map(Into::into),
            activity_known,
            deputy_known,
        },
    )?;
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

/// 需求如何得到满足。
///
/// How a need was met.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"note": "已组织政策宣讲，企业完成申报"}))]
pub struct CloseNeedRequest {
    /// 办结说明，最多 2000 字。
    ///
    /// How the need was met, up to 2,000 characters.
    pub note: Text<2000>,
}

/// 办结需求 · Close a need as met
///
/// 将一项已对接的需求标记为已满足并关闭；工作人员或该需求所对接的代表可调用。
///
/// Closes a matched need as met (staff, or the deputy it is matched to).
#[utoipa::path(
    tag = "activities",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
    request_body = CloseNeedRequest,
    responses(
        (status = 200, description = "Met", body = NeedResponse, headers(("ETag" = String))),
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
    let before = load_need(&state, &caller, id.into_inner(), NeedAction::Close).await?;
    if if_match.0.is_some_and(|v| v != before.version) {
        return Err(ApiError::precondition_failed());
    }
    let b = body.parse()?;
    let after = act::close_need(&before, b.note.into())?;
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
