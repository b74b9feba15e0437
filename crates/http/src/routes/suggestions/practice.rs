//! The office's practice around a reply: consultations with the lead
//! deputy (面商) and the deputy's word on them, leaders' instructions
//! (批示), and a submission passed to a unit as a letter (转来信).

use renda_domain::id::UnitId;
use renda_domain::suggestion::{
    Consultation, ConsultationForm, ConsultationInput, ConsultationResponse, Instruction,
};
use renda_domain::text::Text;

use super::*;

/// A consultation as shown.
pub type ConsultationView = Consultation;
/// An instruction as shown.
pub type InstructionView = Instruction;

impl crate::pagination::Keyed for Consultation {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.responded_at.unwrap_or(self.created_at))
    }
}

impl crate::pagination::Keyed for Instruction {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.given_at)
    }
}

/// 主办单位与领衔代表面商的情况。
///
/// How the unit consulted the lead deputy.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"held_on": "2026-04-02", "form": "visit", "participants": "王芳代表、民政局李华科长", "agreed": "年内在古城街道建成助餐点3个，6月底前报告选址"}))]
pub struct ConsultationRequest {
    /// 面商日期：不得晚于今天，也不得早于交办（或本轮重新办理开始）之日。
    ///
    /// Not in the future, nor before the assignment.
    pub held_on: NaiveDate,
    /// 面商方式：`meeting` 座谈、`visit` 走访、`phone` 电话或 `online` 网上。
    ///
    /// `meeting`, `visit`, `phone` or `online`.
    pub form: ConsultationForm,
    /// 参加面商的人员。
    ///
    /// Who took part.
    pub participants: Text<1000>,
    /// 面商商定的事项。
    ///
    /// What was agreed.
    pub agreed: Text<5000>,
}

/// 领衔代表对面商记录的确认或异议。
///
/// The lead deputy's word on a consultation record.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"response": "disputed", "comment": "未曾面商，仅电话告知"}))]
pub struct ConsultationResponseRequest {
    /// 代表的答复：`confirmed` 确认记录属实；`disputed` 提出异议，该面商不再计入。
    ///
    /// `confirmed` (the record is right) or `disputed` (it is wrong, and no
    /// longer counts).
    pub response: ConsultationResponse,
    /// 提出异议时必填：记录有何不实。
    ///
    /// Required for a dispute: what is wrong with the record.
    pub comment: Option<Text<2000>>,
}

/// 领导的批示。
///
/// A leader's instruction.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"content": "请民政局会同古城街道抓紧落实，年底前报结果。"}))]
pub struct InstructionRequest {
    /// 批示内容。
    ///
    /// The text of the instruction.
    pub content: Text<5000>,
}

/// 将不予立案的建议作为来信转给某一单位（转来信）。
///
/// Passing a submission not registered to a unit as a letter
/// (`POST /suggestions/{id}/letter`).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "note": "请参考研究"}))]
pub struct LetterRequest {
    /// 接收来信的单位 ID。
    ///
    /// The unit it goes to.
    pub unit_id: UnitId,
    /// 可选备注，记入办理时间线。
    ///
    /// An optional remark for the timeline.
    #[serde(default, deserialize_with = "crate::patch::blank_none")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub note: Option<Text<2000>>,
}

fn consultation_location(id: Uuid, record: Uuid) -> String {
    format!("/api/v1/suggestions/{id}/consultations/{record}")
}

/// 记录面商 · Record a consultation
///
/// 记录主办单位在答复前与领衔代表面商的情况。颜色要求面商的（默认黄色和红色），本轮未记录面商、或所
/// 记录的面商被代表提出异议的，答复将被拒绝。
///
/// Records how the lead unit consulted the lead deputy (面商) before its
/// reply. Where the colour asks for it (yellow and red by default) the
/// reply is refused without one recorded in the same round and not
/// disputed by the deputy.
#[utoipa::path(
    tag = "suggestions",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag of the suggestion")),
    request_body = ConsultationRequest,
    responses(
        (status = 201, description = "Recorded", body = ConsultationView, headers(("Location" = String))),
        (status = 403, description = "Not the lead unit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such suggestion, or not visible", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The suggestion is not with the unit now", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A blank text, or a day in the future or before this round began", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/suggestions/{id}/consultations")]
pub async fn add_consultation(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<ConsultationRequest>,
) -> ApiResult<HttpResponse> {
    let before = load_to_change(
        &state,
        &caller,
        id.into_inner(),
        SuggestionAction::HandleAsLeadUnit,
        if_match,
    )
    .await?;
    let b = body.parse()?;
    let input = ConsultationInput {
        id: Uuid::now_v7(),
        held_on: b.held_on,
        form: b.form,
        participants: b.participants.into(),
        agreed: b.agreed.into(),
    };
    let record_id = input.id;
    let change = rules::consult(&before, input, &ctx(&state, &caller)?)?;
    save_change(&state, &caller, &before, change).await?;
    let record = consultation_of(&state, before.id, record_id).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            consultation_location(before.id, record_id),
        ))
        .json(record))
}

async fn consultation_of(state: &AppState, id: Uuid, record: Uuid) -> ApiResult<Consultation> {
    state
        .store
        .suggestion_consultations(id)
        .await?
        .into_iter()
        .find(|c| c.id == record)
        .ok_or_else(ApiError::not_found)
}

/// 查询面商记录 · List consultations
///
/// 列出建议的面商记录，按时间由早到晚（相关各方可查：代表、承办单位、人大办）。
///
/// The consultations recorded on a suggestion, oldest first (those
/// involved: the deputies, the units, the office).
#[utoipa::path(
    tag = "suggestions",
    params(("id" = Uuid, Path), WholeListParams),
    responses(
        (status = 200, description = "Oldest first", body = ListResponse<ConsultationView>),
        (status = 404, description = "No such suggestion, or not visible", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/suggestions/{id}/consultations")]
pub async fn list_consultations(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    page: QueryParams<WholeListParams>,
) -> ApiResult<HttpResponse> {
    let s = load_for(
        &state,
        &caller,
        id.into_inner(),
        SuggestionAction::ReadRecords,
    )
    .await?;
    let items = state.store.suggestion_consultations(s.id).await?;
    Ok(crate::respond::page(ListResponse::from_vec(
        items, &page.0,
    )?))
}

/// 查看面商记录 · Get a consultation
///
/// 查看一条面商记录。
///
/// One consultation record.
#[utoipa::path(
    tag = "suggestions",
    params(("id" = Uuid, Path), ("consultation_id" = Uuid, Path)),
    responses(
        (status = 200, description = "The record", body = ConsultationView),
        (status = 404, description = "No such suggestion or record, or not visible", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/suggestions/{id}/consultations/{consultation_id}")]
pub async fn get_consultation(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (id, record) = path.into_inner();
    let s = load_for(&state, &caller, id, SuggestionAction::ReadRecords).await?;
    Ok(HttpResponse::Ok().json(consultation_of(&state, s.id, record).await?))
}

/// 确认或异议面商 · Confirm or dispute a consultation
///
/// 领衔代表对面商记录予以确认或提出异议，只能一次。被提出异议的面商不计入该答复的面商，也不计入面商
/// 率。
///
/// The lead deputy confirms or disputes a consultation record, once. A
/// disputed one does not count toward the reply's consultation, nor in
/// the consultation rate.
#[utoipa::path(
    tag = "suggestions",
    params(("id" = Uuid, Path), ("consultation_id" = Uuid, Path)),
    request_body = ConsultationResponseRequest,
    responses(
        (status = 200, description = "The record with the deputy's word", body = ConsultationView),
        (status = 403, description = "Not the lead deputy", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such suggestion or record, or not visible", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Answered already, or the suggestion is closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A dispute without a comment", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/suggestions/{id}/consultations/{consultation_id}/response")]
pub async fn respond_to_consultation(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid)>,
    body: JsonBody<ConsultationResponseRequest>,
) -> ApiResult<HttpResponse> {
    let (id, record) = path.into_inner();
    let before = load_for(&state, &caller, id, SuggestionAction::Evaluate).await?;
    let b = body.parse()?;
    let c = consultation_of(&state, id, record).await?;
    let change = rules::respond_to_consultation(
        &before,
        &c,
        b.response,
        b.comment.map(String::from),
        &ctx(&state, &caller)?,
    )?;
    save_change(&state, &caller, &before, change).await?;
    Ok(HttpResponse::Ok().json(consultation_of(&state, id, record).await?))
}

/// 领导批示 · Add an instruction
///
/// 领导对草稿以外的建议作出批示，任何领导均可。人大办和办理该建议的承办单位可阅看批示；时间线上只记
/// 载有过批示。
///
/// A leader's instruction (批示) on a suggestion past its draft (any
/// leader). The office and the units handling it read it; the timeline
/// says only that one was given.
#[utoipa::path(
    tag = "suggestions",
    params(("id" = Uuid, Path)),
    request_body = InstructionRequest,
    responses(
        (status = 201, description = "Given", body = InstructionView, headers(("Location" = String))),
        (status = 403, description = "Not a leader", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such suggestion, or not visible", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A draft", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A blank instruction", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/suggestions/{id}/instructions")]
pub async fn add_instruction(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    body: JsonBody<InstructionRequest>,
) -> ApiResult<HttpResponse> {
    let before = load_for(&state, &caller, id.into_inner(), SuggestionAction::Instruct).await?;
    let b = body.parse()?;
    let instruction_id = Uuid::now_v7();
    let change = rules::instruct(
        &before,
        instruction_id,
        b.content.into(),
        &ctx(&state, &caller)?,
    )?;
    save_change(&state, &caller, &before, change).await?;
    let given = state
        .store
        .suggestion_instructions(before.id)
        .await?
        .into_iter()
        .find(|i| i.id == instruction_id)
        .ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/suggestions/{}/instructions", before.id),
        ))
        .json(given))
}

/// 查询领导批示 · List instructions
///
/// 列出建议上的领导批示，按时间由早到晚（人大办、领导和办理该建议的承办单位可查）。
///
/// The leaders' instructions on a suggestion, oldest first (the office,
/// leaders and the units handling it).
#[utoipa::path(
    tag = "suggestions",
    params(("id" = Uuid, Path), WholeListParams),
    responses(
        (status = 200, description = "Oldest first", body = ListResponse<InstructionView>),
        (status = 403, description = "A deputy of the suggestion: instructions go to the units", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such suggestion, or not visible", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/suggestions/{id}/instructions")]
pub async fn list_instructions(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    page: QueryParams<WholeListParams>,
) -> ApiResult<HttpResponse> {
    let s = load_for(
        &state,
        &caller,
        id.into_inner(),
        SuggestionAction::ReadInstructions,
    )
    .await?;
    let items = state.store.suggestion_instructions(s.id).await?;
    Ok(crate::respond::page(ListResponse::from_vec(
        items, &page.0,
    )?))
}
