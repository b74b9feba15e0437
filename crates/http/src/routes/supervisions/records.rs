//! Investigation records and the special inquiry's questions and answers.

use super::*;
use renda_domain::text::{Line, Text};

/// 调查记录。
///
/// An investigation record.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb2", "kind": "inspection", "occurred_on": "2026-04-12", "place": "城东农贸市场", "participants": "常委会执法检查组", "findings": "部分摊位未公示进货查验记录", "created_by": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e01", "created_at": "2026-11-27T08:00:00Z"}))]
pub struct InvestigationRecordView {
    /// 调查记录 ID。
    ///
    /// The record's id.
    pub id: Uuid,
    /// 类型：`visit` 调研视察、`inspection` 执法检查、`hearing` 座谈听证。
    ///
    /// The kind: `visit`, `inspection` or `hearing`.
    pub kind: RecordKind,
    /// 活动日期（如 `2026-04-12`）。
    ///
    /// The day it took place.
    pub occurred_on: NaiveDate,
    /// 地点。
    ///
    /// The place.
    pub place: String,
    /// 参加人员；未填写时为 null。
    ///
    /// Who took part; null when not recorded.
    pub participants: Option<String>,
    /// 发现的情况和问题。
    ///
    /// What it found.
    pub findings: String,
    /// 记录的工作人员用户 ID。
    ///
    /// The staff user who recorded it.
    pub created_by: Uuid,
    /// 记录时间（UTC）。
    ///
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
}

impl From<InvestigationRecord> for InvestigationRecordView {
    fn from(r: InvestigationRecord) -> Self {
        Self {
            id: r.id,
            kind: r.kind,
            occurred_on: r.occurred_on,
            place: r.place,
            participants: r.participants,
            findings: r.findings,
            created_by: r.created_by.into(),
            created_at: r.created_at,
        }
    }
}

/// 一次视察、检查或听证及其发现。
///
/// A visit, inspection or hearing and what it found.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "inspection", "occurred_on": "2026-04-12", "place": "城东农贸市场",
    "participants": "常委会执法检查组、观察员陈静",
    "findings": "部分摊位未公示进货查验记录"
}))]
pub struct InvestigationRecordRequest {
    /// 类型：`visit` 调研视察、`inspection` 执法检查、`hearing` 座谈听证。
    ///
    /// The kind: `visit`, `inspection` or `hearing`.
    pub kind: RecordKind,
    /// 活动日期（如 `2026-04-12`）。
    ///
    /// The day it took place.
    pub occurred_on: NaiveDate,
    /// 地点，最多 200 字。
    ///
    /// The place, at most 200 characters.
    pub place: Line<200>,
    /// 参加人员，最多 2000 字；可不填，空白视为未填。
    ///
    /// Who took part, at most 2000 characters; optional, blank counts as none.
    #[serde(default, deserialize_with = "crate::patch::blank_none")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub participants: Option<Text<2000>>,
    /// 发现的情况和问题，最多 10000 字。
    ///
    /// What it found, at most 10000 characters.
    pub findings: Text<10000>,
}

/// 记录调查活动 · Record a visit, inspection or hearing
///
/// 工作人员在调查或审议阶段记录一次视察、检查或听证。
///
/// Records a visit, inspection or hearing (staff, while investigating or deliberating).
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path)),
    request_body = InvestigationRecordRequest,
    responses(
        (status = 201, description = "Recorded", body = InvestigationRecordView),
        (status = 403, description = "Not staff", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such item, or not visible to the caller", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "Not investigating or deliberating", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/supervisions/{id}/records")]
pub async fn add_record(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    body: JsonBody<InvestigationRecordRequest>,
) -> ApiResult<HttpResponse> {
    let before = load_for(
        &state,
        &caller,
        id.into_inner(),
        SupervisionAction::Administer,
    )
    .await?;
    let b = body.parse()?;
    let input = rules::RecordInput {
        kind: b.kind,
        occurred_on: b.occurred_on,
        place: b.place.into(),
        participants: b.participants.map(String::from),
        findings: b.findings.into(),
    };
    let change = rules::add_record(&before, input, &ctx(&state, &caller)?)?;
    let r = change.record().cloned().ok_or_else(ApiError::internal)?;
    save(&state, &caller, &before, Ok(change)).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/supervisions/{}/records/{}", before.id, r.id),
        ))
        .json(InvestigationRecordView::from(r)))
}

/// 专题询问中的一个提问及其答复。
///
/// A question of a special inquiry and the answer given.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb1", "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "asked_by": "王委员", "question": "校外培训机构监管存在哪些薄弱环节？", "answered_by": "区教育局局长 李明", "answer": "将建立联合执法机制，年内完成全覆盖检查。", "created_by": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e01", "created_at": "2026-11-27T08:00:00Z"}))]
pub struct InquiryView {
    /// 提问记录 ID。
    ///
    /// The question's id.
    pub id: Uuid,
    /// 答复人所在的被监督单位 ID；未指定时为 null。
    ///
    /// The body whose official answered.
    pub unit_id: Option<Uuid>,
    /// 提问人。
    ///
    /// Who asked.
    pub asked_by: String,
    /// 提问内容。
    ///
    /// The question.
    pub question: String,
    /// 答复人（姓名和职务）；未记录时为 null。
    ///
    /// Who answered (name and post); null when not recorded.
    pub answered_by: Option<String>,
    /// 答复内容；未记录时为 null。
    ///
    /// The answer; null when not recorded.
    pub answer: Option<String>,
    /// 记录的工作人员用户 ID。
    ///
    /// The staff user who recorded it.
    pub created_by: Uuid,
    /// 记录时间（UTC）。
    ///
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
}

impl From<Inquiry> for InquiryView {
    fn from(q: Inquiry) -> Self {
        Self {
            id: q.id,
            unit_id: q.unit_id.map(Into::into),
            asked_by: q.asked_by,
            question: q.question,
            answered_by: q.answered_by,
            answer: q.answer,
            created_by: q.created_by.into(),
            created_at: q.created_at,
        }
    }
}

/// 专题询问中的一个提问及其答复。
///
/// A question put at a special inquiry, and its answer.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80",
    "asked_by": "王委员",
    "question": "校外培训机构监管存在哪些薄弱环节？",
    "answered_by": "区教育局局长 李明",
    "answer": "将建立联合执法机制，年内完成全覆盖检查。"
}))]
pub struct InquiryRequest {
    /// 答复人所在的被监督单位，须为该事项的被监督单位之一；可不填。
    ///
    /// The body whose official answers; one of the item's bodies.
    pub unit_id: Option<Uuid>,
    /// 提问的委员，最多 100 字。
    ///
    /// The member who asked.
    pub asked_by: Line<100>,
    /// 提问内容，最多 5000 字。
    ///
    /// The question, at most 5000 characters.
    pub question: Text<5000>,
    /// 答复人（姓名和职务），最多 100 字；可不填。
    ///
    /// The official who answered (name and post).
    pub answered_by: Option<Line<100>>,
    /// 答复内容，最多 10000 字；可不填。
    ///
    /// The answer, at most 10000 characters; optional.
    pub answer: Option<Text<10000>>,
}

/// 记录专题询问 · Record an inquiry question
///
/// 工作人员在调查或审议阶段记录专题询问中的一个提问及其答复；
/// 仅限监督方式含 special_inquiry（专题询问）的事项。
///
/// Records a question of the special inquiry and its answer (staff; items
/// with the special_inquiry method, while investigating or deliberating).
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path)),
    request_body = InquiryRequest,
    responses(
        (status = 201, description = "Recorded", body = InquiryView),
        (status = 403, description = "Not staff", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such item, or not visible to the caller", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "No special inquiry planned, or the wrong stage", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/supervisions/{id}/inquiries")]
pub async fn add_inquiry(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    body: JsonBody<InquiryRequest>,
) -> ApiResult<HttpResponse> {
    let before = load_for(
        &state,
        &caller,
        id.into_inner(),
        SupervisionAction::Administer,
    )
    .await?;
    let b = body.parse()?;
    let input = rules::InquiryInput {
        unit_id: b.unit_id.map(Into::into),
        asked_by: b.asked_by.into(),
        question: b.question.into(),
        answered_by: b.answered_by.map(String::from),
        answer: b.answer.map(String::from),
    };
    let change = rules::add_inquiry(&before, input, &ctx(&state, &caller)?)?;
    let q = change.inquiry().cloned().ok_or_else(ApiError::internal)?;
    save(&state, &caller, &before, Ok(change)).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/supervisions/{}/inquiries/{}", before.id, q.id),
        ))
        .json(InquiryView::from(q)))
}
