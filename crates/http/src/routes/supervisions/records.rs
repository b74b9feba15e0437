//! Investigation records and the special inquiry's questions and answers.

use super::*;
use renda_domain::text::{Line, Text};

/// An investigation record.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb2", "kind": "inspection", "occurred_on": "2026-04-12", "place": "城东农贸市场", "participants": "常委会执法检查组", "findings": "部分摊位未公示进货查验记录", "created_by": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e01", "created_at": "2026-11-27T08:00:00Z"}))]
pub struct InvestigationRecordView {
    pub id: Uuid,
    pub kind: RecordKind,
    pub occurred_on: NaiveDate,
    pub place: String,
    pub participants: Option<String>,
    pub findings: String,
    pub created_by: Uuid,
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

/// A visit, inspection or hearing and what it found.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "inspection", "occurred_on": "2026-04-12", "place": "城东农贸市场",
    "participants": "常委会执法检查组、观察员陈静",
    "findings": "部分摊位未公示进货查验记录"
}))]
pub struct InvestigationRecordRequest {
    pub kind: RecordKind,
    pub occurred_on: NaiveDate,
    pub place: Line<200>,
    #[serde(default, deserialize_with = "crate::patch::blank_none")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub participants: Option<Text<2000>>,
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

/// A question of a special inquiry and the answer given.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb1", "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "asked_by": "王委员", "question": "校外培训机构监管存在哪些薄弱环节？", "answered_by": "区教育局局长 李明", "answer": "将建立联合执法机制，年内完成全覆盖检查。", "created_by": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e01", "created_at": "2026-11-27T08:00:00Z"}))]
pub struct InquiryView {
    pub id: Uuid,
    /// The body whose official answered.
    pub unit_id: Option<Uuid>,
    pub asked_by: String,
    pub question: String,
    pub answered_by: Option<String>,
    pub answer: Option<String>,
    pub created_by: Uuid,
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
    /// The body whose official answers; one of the item's bodies.
    pub unit_id: Option<Uuid>,
    /// The member who asked.
    pub asked_by: Line<100>,
    pub question: Text<5000>,
    /// The official who answered (name and post).
    pub answered_by: Option<Line<100>>,
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
