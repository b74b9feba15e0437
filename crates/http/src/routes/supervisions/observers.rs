//! Observers' assignment and observation opinions.

use super::*;
use renda_domain::text::Text;

/// 要分配的观察员。
///
/// An observer to assign.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"observer_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e90"}))]
pub struct AssignObserverRequest {
    /// 观察员 ID：须在任，且未申报与该事项的被监督单位存在关联。
    ///
    /// The observer's id: active, with no declared tie to a body of the item.
    pub observer_id: Uuid,
}

/// 分配观察员 · Assign an observer
///
/// 工作人员在监督事项办结前为其分配一名在任观察员。已申报与该事项某一被监督单位存在关联的观察员，
/// 予以拒绝。
///
/// Assigns an active observer to the item (staff, before it closes). An
/// observer with a declared tie to one of the item's bodies is refused.
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
    request_body = AssignObserverRequest,
    responses(
        (status = 200, description = "The updated item", body = SupervisionResponse, headers(("ETag" = String))),
        (status = 403, description = "Not staff", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "Conflict of interest, inactive or already assigned observer, or the item is closed", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "No such observer", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/supervisions/{id}/observers")]
pub async fn assign_observer(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<AssignObserverRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let before =
        load_to_change(&state, &caller, id, SupervisionAction::Administer, if_match).await?;
    let b = body.parse()?;
    let observer = observer_facts(&state, b.observer_id).await?;
    let change = rules::assign_observer(&before, observer.as_ref());
    let s = save(&state, &caller, &before, change).await?;
    respond_item(&state, s).await
}

/// 移出观察员 · Remove an observer
///
/// 工作人员将观察员从监督事项中移出；其观察意见仍保留在案。
///
/// Removes an observer from the item (staff). Their opinions stay on record.
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path), ("observer_id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
    responses(
        (status = 200, description = "The updated item", body = SupervisionResponse, headers(("ETag" = String))),
        (status = 403, description = "Not staff", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such item, or the observer is not assigned", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "The item is closed, or changed meanwhile", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/supervisions/{id}/observers/{observer_id}")]
pub async fn remove_observer(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid)>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let (id, observer_id) = path.into_inner();
    let before =
        load_to_change(&state, &caller, id, SupervisionAction::Administer, if_match).await?;
    let change = rules::remove_observer(&before, observer_id);
    let s = save(&state, &caller, &before, change).await?;
    respond_item(&state, s).await
}

/// 观察意见。
///
/// An observation opinion (观察意见).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb3", "item_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ea0", "observer_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e90", "content": "建议将校园周边小餐饮纳入下一轮抽检范围", "status": "adopted", "decision_reason": null, "decided_by": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e01", "decided_at": "2026-11-27T08:00:00Z", "created_at": "2026-11-27T08:00:00Z"}))]
pub struct ObservationView {
    /// 观察意见 ID。
    ///
    /// The opinion's id.
    pub id: Uuid,
    /// 所属监督事项 ID。
    ///
    /// The supervision item's id.
    pub item_id: Uuid,
    /// 提交意见的观察员 ID。
    ///
    /// The observer who filed it.
    pub observer_id: Uuid,
    /// 意见内容。
    ///
    /// The opinion.
    pub content: String,
    /// 人大办的决定：`pending` 待定、`adopted` 采纳、`not_adopted` 未采纳。
    ///
    /// The office's decision: `pending`, `adopted` or `not_adopted`.
    pub status: ObservationStatus,
    /// 未采纳的理由（或采纳时的说明）；没有时为 null。
    ///
    /// Why it was not adopted (or a remark on adopting it).
    pub decision_reason: Option<String>,
    /// 作出决定的工作人员用户 ID；待定时为 null。
    ///
    /// The staff user who decided; null while pending.
    pub decided_by: Option<Uuid>,
    /// 决定时间（UTC）；待定时为 null。
    ///
    /// When it was decided; null while pending.
    pub decided_at: Option<DateTime<Utc>>,
    /// 提交时间（UTC）。
    ///
    /// When it was filed.
    pub created_at: DateTime<Utc>,
}

impl From<Observation> for ObservationView {
    fn from(o: Observation) -> Self {
        Self {
            id: o.id,
            item_id: o.item_id,
            observer_id: o.observer_id,
            content: o.content,
            status: o.status,
            decision_reason: o.decision_reason,
            decided_by: o.decided_by.map(Into::into),
            decided_at: o.decided_at,
            created_at: o.created_at,
        }
    }
}

/// 观察员对监督事项的观察意见。
///
/// An observer's opinion on the item.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"content": "建议将校园周边小餐饮纳入下一轮抽检范围"}))]
pub struct ObservationRequest {
    /// 意见内容，最多 10000 字。
    ///
    /// The opinion, at most 10000 characters.
    pub content: Text<10000>,
}

/// 提交观察意见 · File an observation opinion
///
/// 分配到该监督事项的观察员在事项办结前提交观察意见。
///
/// Files an observation opinion (an observer assigned to the item, until it closes).
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path)),
    request_body = ObservationRequest,
    responses(
        (status = 201, description = "Filed", body = ObservationView),
        (status = 403, description = "Not an observer assigned to the item", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such item, or not visible to the caller", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "The item is closed", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/supervisions/{id}/observations")]
pub async fn file_observation(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    body: JsonBody<ObservationRequest>,
) -> ApiResult<HttpResponse> {
    let before = load_for(&state, &caller, id.into_inner(), SupervisionAction::Observe).await?;
    let b = body.parse()?;
    let observer_id = caller
        .actor()?
        .observer_id
        .ok_or_else(ApiError::forbidden)?;
    // The observer may have left, or declared a tie, since the assignment.
    let me = observer_facts(&state, observer_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let change = rules::file_observation(&before, &me, b.content.into(), &ctx(&state, &caller)?)?;
    let o = change
        .observation()
        .cloned()
        .ok_or_else(ApiError::internal)?;
    save(&state, &caller, &before, Ok(change)).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/supervisions/{}/observations/{}", before.id, o.id),
        ))
        .json(ObservationView::from(o)))
}

/// 人大办对观察意见的决定。
///
/// The office's decision on an observation opinion.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"adopted": false, "reason": "已列入明年监督计划统筹考虑"}))]
pub struct DecideObservationRequest {
    /// 是否采纳。
    ///
    /// Whether it is adopted.
    pub adopted: bool,
    /// 理由，最多 2000 字；不采纳时必填。
    ///
    /// Required when not adopted.
    pub reason: Option<Text<2000>>,
}

/// What the derived schema of [`DecideObservationRequest`] cannot say, as
/// [`decide_observation`] requires: not adopting takes a reason that is not
/// blank. The schema becomes the derived one and any of: adopted, or a
/// reason.
pub(crate) fn document_rules(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::schema::{AnyOfBuilder, ObjectBuilder, Type};
    let adopted = ObjectBuilder::new()
        .property(
            "adopted",
            ObjectBuilder::new()
                .schema_type(Type::Boolean)
                .enum_values(Some([true])),
        )
        .required("adopted");
    let reasoned = ObjectBuilder::new()
        .property(
            "reason",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(renda_domain::text::not_blank_pattern())),
        )
        .required("reason");
    crate::add_rule(
        doc,
        "DecideObservationRequest",
        AnyOfBuilder::new().item(adopted).item(reasoned),
    );
}

/// 决定是否采纳观察意见 · Decide on an observation opinion
///
/// 工作人员将观察意见标记为采纳，或标记为不予采纳并说明理由；只能决定一次。
///
/// Marks an observation opinion adopted or not adopted with a reason (staff). Once.
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path), ("observation_id" = Uuid, Path)),
    request_body = DecideObservationRequest,
    responses(
        (status = 200, description = "Decided", body = ObservationView),
        (status = 403, description = "Not staff", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such item or observation", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "Already decided", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "A reason is needed for not adopting", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/supervisions/{id}/observations/{observation_id}/decide")]
pub async fn decide_observation(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid)>,
    body: JsonBody<DecideObservationRequest>,
) -> ApiResult<HttpResponse> {
    let (id, observation_id) = path.into_inner();
    let before = load_for(&state, &caller, id, SupervisionAction::Administer).await?;
    let b = body.parse()?;
    let observation = state
        .store
        .supervision_observations(id)
        .await?
        .into_iter()
        .find(|o| o.id == observation_id);
    let cmd = ctx(&state, &caller)?;
    let change = rules::decide_observation(
        &before,
        observation.as_ref(),
        b.adopted,
        b.reason.map(String::from),
        &cmd,
    );
    save(&state, &caller, &before, change).await?;
    let stored = state
        .store
        .supervision_observations(id)
        .await?
        .into_iter()
        .find(|o| o.id == observation_id)
        .ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(ObservationView::from(stored)))
}
