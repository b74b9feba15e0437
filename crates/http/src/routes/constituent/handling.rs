//! What the congress office and units do with an opinion: answer it,
//! forward it to a unit, reply as that unit, or take it up as a deputy's
//! suggestion. Each command's change is saved with the version the caller
//! read (`If-Match`).

use super::*;

/// Applies a command's change and answers with the opinion.
async fn save(
    state: &AppState,
    caller: &Caller,
    before: &ConstituentOpinion,
    change: opinion::Change,
) -> ApiResult<(ConstituentOpinion, Option<Uuid>)> {
    let (o, made) = state
        .store
        .save_constituent_opinion(&caller.audit(), before, change)
        .await?;
    Ok((o, made.map(|s| s.id)))
}

async fn respond_changed(
    state: &AppState,
    caller: &Caller,
    o: ConstituentOpinion,
) -> ApiResult<HttpResponse> {
    let version = o.version;
    let v = full_view(state, caller, o, false).await?;
    Ok(respond::changed(version, &v))
}

fn check_if_match(o: &ConstituentOpinion, im: &IfMatch) -> ApiResult<()> {
    if im.0.is_some_and(|v| v != o.version) {
        return Err(ApiError::precondition_failed());
    }
    Ok(())
}

/// 对群众意见的直接答复。
///
/// A direct answer.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"answer": "已联系街道，本周内修复"}))]
pub struct AnswerOpinionRequest {
    /// 答复内容，最多 5000 字。
    ///
    /// The answer's text, up to 5,000 characters.
    pub answer: Text<5000>,
}

/// 直接答复群众意见 · Answer an opinion
///
/// 直接答复一条群众意见；工作人员或该意见所在联络站的代表可调用。
///
/// Answers an opinion directly (staff, or a deputy of its station).
#[utoipa::path(
    tag = "constituent-opinions",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
    request_body = AnswerOpinionRequest,
    responses(
        (status = 200, description = "Answered", body = OpinionResponse),
        (status = 403, description = "Neither staff nor a deputy of the station", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such opinion, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already routed", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/constituent-opinions/{id}/answer")]
pub async fn answer_opinion(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<AnswerOpinionRequest>,
) -> ApiResult<HttpResponse> {
    let before = load_for(&state, &caller, id.into_inner(), OpinionAction::Route).await?;
    check_if_match(&before, &if_match)?;
    let b = body.parse()?;
    let change = opinion::answer(&before, b.answer.into(), &ctx(&caller))?;
    let (o, _) = save(&state, &caller, &before, change).await?;
    respond_changed(&state, &caller, o).await
}

/// 将群众意见转交承办单位。
///
/// Forwarding to a unit.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "note": "请核实后答复群众"}))]
pub struct ForwardOpinionRequest {
    /// 接收转交的承办单位 ID。
    ///
    /// The unit to forward the opinion to.
    pub unit_id: Uuid,
    /// 给承办单位的说明，最多 2000 字；可不填，空白视同不填。
    ///
    /// A note to the unit, up to 2,000 characters; optional, blank counts as none.
    #[serde(default, deserialize_with = "crate::patch::blank_none")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub note: Option<Text<2000>>,
}

/// 转交承办单位 · Forward an opinion to a unit
///
/// 将一条群众意见转交承办单位，由该单位答复；工作人员或该意见所在联络站的代表可调用。
///
/// Forwards an opinion to a unit, which is to reply (staff, or a deputy of its station).
#[utoipa::path(
    tag = "constituent-opinions",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
    request_body = ForwardOpinionRequest,
    responses(
        (status = 200, description = "Forwarded", body = OpinionResponse),
        (status = 403, description = "Neither staff nor a deputy of the station", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such opinion, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already routed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No such unit", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/constituent-opinions/{id}/forward")]
pub async fn forward_opinion(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<ForwardOpinionRequest>,
) -> ApiResult<HttpResponse> {
    let before = load_for(&state, &caller, id.into_inner(), OpinionAction::Route).await?;
    check_if_match(&before, &if_match)?;
    let b = body.parse()?;
    let unit_known = state.store.unit_exists(b.unit_id).await?;
    let change = opinion::forward(
        &before,
        b.unit_id.into(),
        b.note.map(String::from),
        unit_known,
        &ctx(&caller),
    )?;
    let (o, _) = save(&state, &caller, &before, change).await?;
    respond_changed(&state, &caller, o).await
}

/// 承办单位对转交意见的答复。
///
/// The unit's reply.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reply": "路灯已于11月30日修复"}))]
pub struct UnitReplyRequest {
    /// 答复内容，最多 5000 字。
    ///
    /// The reply's text, up to 5,000 characters.
    pub reply: Text<5000>,
}

/// 承办单位答复意见 · Reply to a forwarded opinion
///
/// 答复转交给调用者所在承办单位的群众意见。
///
/// Replies to an opinion forwarded to the caller's unit.
#[utoipa::path(
    tag = "constituent-opinions",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
    request_body = UnitReplyRequest,
    responses(
        (status = 200, description = "Replied", body = OpinionResponse),
        (status = 403, description = "Not the unit it was forwarded to", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such opinion, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not awaiting a unit's reply", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/constituent-opinions/{id}/unit-reply")]
pub async fn unit_reply(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<UnitReplyRequest>,
) -> ApiResult<HttpResponse> {
    let before = load_for(&state, &caller, id.into_inner(), OpinionAction::UnitReply).await?;
    check_if_match(&before, &if_match)?;
    let b = body.parse()?;
    let change = opinion::unit_reply(&before, b.reply.into(), &ctx(&caller))?;
    let (o, _) = save(&state, &caller, &before, change).await?;
    respond_changed(&state, &caller, o).await
}

/// 由群众意见转成的代表建议。
///
/// The suggestion to make of an opinion.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "关于修复古城街道路灯的建议", "category": "城乡建设", "term": "第十九届"
}))]
pub struct TakeUpRequest {
    /// 建议标题，最多 200 字。
    ///
    /// The suggestion's title, up to 200 characters.
    pub title: Line<200>,
    /// 建议类别，须为 `GET /api/v1/suggestion-categories` 所列之一。
    ///
    /// One of `GET /api/v1/suggestion-categories`.
    pub category: Line<40>,
    /// 届次，如“第十九届”。
    ///
    /// The congress term (届次), such as 第十九届.
    pub term: Line<40>,
    /// 建议正文；不填则取意见内容。
    ///
    /// The suggestion's text; the opinion's by default.
    pub content: Option<Text<20000>>,
}

/// 意见转为建议的结果。
///
/// What taking up made.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"opinion": {"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ed0", "station_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ec0", "content": "小区门口路灯坏了三个月", "category": "城乡建设", "submitter_name": null, "submitter_phone": "138****1234", "personal_data_masked": true, "status": "taken_up", "answer": null, "unit_id": null, "forward_note": null, "unit_reply": null, "suggestion": {"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e50", "number": null, "status": "draft"}, "handled_by": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e04", "handled_at": "2026-11-27T08:00:00Z", "created_at": "2026-11-27T08:00:00Z", "updated_at": "2026-11-27T08:00:00Z"}, "suggestion_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e50"}))]
pub struct TakenUp {
    /// 已转为建议的群众意见。
    ///
    /// The opinion, now taken up.
    pub opinion: OpinionResponse,
    /// 新建的代表建议草稿 ID，见 `/api/v1/suggestions/{id}`。
    ///
    /// The new draft suggestion, at `/api/v1/suggestions/{id}`.
    pub suggestion_id: Uuid,
}

/// 意见转为建议 · Take an opinion up as a suggestion
///
/// 将一条群众意见转为调用者的代表建议草稿；该意见所在联络站的代表可调用，网上留下的意见则任何代表均可调用。
/// 草稿的来源指向该意见；此后该意见显示所转建议的办理进度。
///
/// Takes an opinion up as a draft suggestion of the caller (a deputy of
/// its station, or any deputy for an opinion left online). The draft's
/// source points to the opinion; the opinion shows the suggestion's
/// progress from then on.
#[utoipa::path(
    tag = "constituent-opinions",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
    request_body = TakeUpRequest,
    responses(
        (status = 201, description = "Taken up", body = TakenUp, headers(("Location" = String))),
        (status = 403, description = "Not a deputy who may take it up", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such opinion, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already routed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/constituent-opinions/{id}/take-up")]
pub async fn take_up(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<TakeUpRequest>,
) -> ApiResult<HttpResponse> {
    let before = load_for(&state, &caller, id.into_inner(), OpinionAction::TakeUp).await?;
    check_if_match(&before, &if_match)?;
    let b = body.parse()?;
    let category_known = crate::routes::suggestions::category_known(&state, &b.category).await?;
    let input = opinion::TakeUpInput {
        title: b.title.into(),
        category: b.category.into(),
        term: b.term.into(),
        content: b.content.map(String::from),
    };
    let lead_term_ended = match caller.actor()?.deputy_id {
        Some(d) => match state.store.get_deputy(d.uuid()).await {
            Ok(d) => !renda_domain::term::may_file(&d.memberships),
            Err(StoreError::NotFound) => false,
            Err(e) => return Err(e.into()),
        },
        None => false,
    };
    let change = opinion::take_up(
        &before,
        input,
        category_known,
        lead_term_ended,
        &ctx(&caller),
    )?;
    let (o, made) = save(&state, &caller, &before, change).await?;
    let suggestion_id = made.ok_or_else(ApiError::internal)?;
    let opinion = full_view(&state, &caller, o, false).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/suggestions/{suggestion_id}"),
        ))
        .json(TakenUp {
            opinion,
            suggestion_id,
        }))
}
