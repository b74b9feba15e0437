//! Deputies' suggestions (代表建议): drafting, co-signing, review,
//! assignment with three-colour management, replies, evaluation,
//! rehandling, units' requests, supervision and closing.

use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};
use chrono::{DateTime, Days, NaiveDate, Utc};
use renda_auth::Action;
use renda_auth::suggestion_access::{
    SuggestionAction, SuggestionScope, UNIT_VISIBLE, decide_suggestion, visibility,
};
use renda_domain::duty::DutyKind;
use renda_domain::suggestion::{
    self as rules, CloseBlocker, CloseFacts, CoUnit, Color, EvaluationResult, Reply, ReplyCategory,
    SessionTiming, Suggestion, SuggestionSource, SuggestionStatus, Transition,
};
use renda_persistence::StoreError;
use renda_persistence::duties::NewDuty;
use renda_persistence::suggestions::{
    AssignmentSpell, Commitment, Event, NewSuggestion, SideWrite, SuggestionFilter,
    SuggestionRecord, SuggestionVisibility, TimelineEntry, UnitRequest,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

use crate::error::{ApiError, ApiResult, FieldError, Msg, Problem};
use crate::export::{Cell, ExportFormat};
use crate::extract::{Caller, IfMatch, JsonBody, QueryParams, answer};
use crate::pagination::{ListParams, ListResponse, WholeListParams};
use crate::patch::double;
use crate::routes::common::refuse_blank;
use crate::{AppState, respond};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_suggestion)
        .service(list_suggestions)
        .service(list_categories)
        .service(add_category)
        .service(retire_category)
        .service(list_advanced_units)
        .service(mark_advanced_unit)
        .service(unmark_advanced_unit)
        // Before `/suggestions/{id}`, which would otherwise take "stats" for an id.
        .service(suggestion_stats)
        .service(unit_summary)
        .service(export_unit_summary)
        .service(export_suggestions)
        .service(get_suggestion)
        .service(update_draft)
        .service(submit)
        .service(withdraw_co_signature)
        .service(register)
        .service(reject)
        .service(assign)
        .service(reply)
        .service(co_unit_opinion)
        .service(evaluate)
        .service(add_verification)
        .service(add_supervision_note)
        .service(sign_off)
        .service(close)
        .service(publish)
        .service(mark_outstanding)
        .service(create_request)
        .service(decide_request)
        .service(update_commitment)
        .service(list_timeline)
        .service(list_replies)
        .service(list_records)
        .service(list_requests)
        .service(list_commitments)
        .service(list_assignments)
        .service(upload_attachment)
        .service(list_attachments)
        .service(download_attachment);
}

// ---------------------------------------------------------------- views

/// A co-signer (附议代表).
#[derive(Debug, Serialize, ToSchema)]
pub struct CoSignerView {
    pub deputy_id: Uuid,
    /// Set when the co-signer withdrew before submission.
    pub withdrawn_at: Option<DateTime<Utc>>,
}

/// A co-unit (协办单位) with its own deadline and its opinion to the lead unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoUnitView {
    pub unit_id: Uuid,
    pub due_date: Option<NaiveDate>,
    pub opinion: Option<String>,
    pub opinion_at: Option<DateTime<Utc>>,
}

/// The lead unit's official reply letter (答复函).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ea4", "round": 1, "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "category": "B", "content": "已列入2026年民生实事计划，年内建成助餐点3个。", "document_number": "宿城民政函〔2026〕12号", "signed_by": "王强", "responsible_person": "李华", "handler_name": "赵磊", "handler_phone": "0527-84351234", "reply_date": "2026-05-20", "created_at": "2026-11-27T08:00:00Z"}))]
pub struct ReplyView {
    pub id: Uuid,
    /// 1 for the first reply, 2 after one rehandling, ...
    pub round: i32,
    pub unit_id: Uuid,
    pub category: ReplyCategory,
    pub content: String,
    /// 文号
    pub document_number: Option<String>,
    /// 签发人
    pub signed_by: Option<String>,
    pub responsible_person: Option<String>,
    pub handler_name: Option<String>,
    pub handler_phone: Option<String>,
    pub reply_date: NaiveDate,
    pub created_at: DateTime<Utc>,
}

impl From<Reply> for ReplyView {
    fn from(r: Reply) -> Self {
        Self {
            id: r.id,
            round: r.round,
            unit_id: r.unit_id,
            category: r.category,
            content: r.content,
            document_number: r.document_number,
            signed_by: r.signed_by,
            responsible_person: r.responsible_person,
            handler_name: r.handler_name,
            handler_phone: r.handler_phone,
            reply_date: r.reply_date,
            created_at: r.created_at,
        }
    }
}

/// The lead deputy's evaluation of the latest reply.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationView {
    pub result: EvaluationResult,
    pub comment: Option<String>,
    pub evaluated_at: Option<DateTime<Utc>>,
}

/// A suggestion.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e70",
    "number": "2026-0042",
    "title": "关于增设古城街道老年助餐点的建议",
    "content": "古城街道老年人口多，建议在社区增设助餐点……",
    "category": "社会保障",
    "term": "第十八届",
    "session": "第五次会议",
    "timing": "during_session",
    "lead_deputy_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e60",
    "co_signers": [{"deputy_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e61", "withdrawn_at": null}],
    "source": "deputy",
    "source_ref": null,
    "status": "assigned",
    "color": "yellow",
    "lead_unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80",
    "co_units": [],
    "supervisor_id": null,
    "assigned_on": "2026-03-10",
    "due_date": "2026-06-08",
    "overdue": false,
    "reply": null,
    "evaluation": null,
    "reject_reason": null,
    "signed_off_at": null,
    "published_at": null,
    "outstanding": false,
    "outstanding_reason": null,
    "submitted_at": "2026-03-01T02:00:00Z",
    "registered_at": "2026-03-05T02:00:00Z",
    "assigned_at": "2026-03-10T02:00:00Z",
    "replied_at": null,
    "closed_at": null,
    "created_at": "2026-02-28T02:00:00Z",
    "updated_at": "2026-03-10T02:00:00Z"
}))]
pub struct SuggestionResponse {
    pub id: Uuid,
    /// Given at registration, unique per year: `2026-0042`.
    pub number: Option<String>,
    pub title: String,
    pub content: String,
    pub category: String,
    /// The congress term (届次) it was raised in.
    pub term: String,
    /// The session (e.g. 第五次会议), when raised during one.
    pub session: Option<String>,
    pub timing: SessionTiming,
    pub lead_deputy_id: Uuid,
    pub co_signers: Vec<CoSignerView>,
    pub source: SuggestionSource,
    /// The constituent opinion or collection drive it came from.
    pub source_ref: Option<String>,
    pub status: SuggestionStatus,
    pub color: Option<Color>,
    pub lead_unit_id: Option<Uuid>,
    pub co_units: Vec<CoUnitView>,
    /// The supervising leader's user id (red suggestions).
    pub supervisor_id: Option<Uuid>,
    pub assigned_on: Option<NaiveDate>,
    /// The reply deadline.
    pub due_date: Option<NaiveDate>,
    /// The deadline has passed and the unit has not replied.
    pub overdue: bool,
    /// The latest reply.
    pub reply: Option<ReplyView>,
    pub evaluation: Option<EvaluationView>,
    pub reject_reason: Option<String>,
    /// When the supervising leader signed off (red).
    pub signed_off_at: Option<DateTime<Utc>>,
    /// When the office published the reply; published suggestions are public.
    pub published_at: Option<DateTime<Utc>>,
    /// Marked an outstanding suggestion (优秀建议) in the yearly double evaluation.
    pub outstanding: bool,
    pub outstanding_reason: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub registered_at: Option<DateTime<Utc>>,
    pub assigned_at: Option<DateTime<Utc>>,
    pub replied_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The suggestion as `caller` sees it: someone who sees it only because
/// it is published gets the reply's contact phone masked.
fn view_for(s: Suggestion, today: NaiveDate, caller: &Caller) -> SuggestionResponse {
    let involved = decide_suggestion(&caller.principal, SuggestionAction::ReadRecords, &scope(&s))
        .is_allowed();
    let mut v = view(s, today);
    if !involved && let Some(r) = v.reply.as_mut() {
        r.handler_phone = r
            .handler_phone
            .as_deref()
            .map(renda_domain::personal::mask_phone);
    }
    v
}

fn view(s: Suggestion, today: NaiveDate) -> SuggestionResponse {
    let overdue = s.is_overdue(today);
    SuggestionResponse {
        id: s.id,
        number: s.number,
        title: s.title,
        content: s.content,
        category: s.category,
        term: s.term,
        session: s.session,
        timing: s.timing,
        lead_deputy_id: s.lead_deputy_id,
        co_signers: s
            .co_signers
            .into_iter()
            .map(|c| CoSignerView {
                deputy_id: c.deputy_id,
                withdrawn_at: c.withdrawn_at,
            })
            .collect(),
        source: s.source,
        source_ref: s.source_ref,
        status: s.status,
        color: s.color,
        lead_unit_id: s.lead_unit_id,
        co_units: s
            .co_units
            .into_iter()
            .map(|c| CoUnitView {
                unit_id: c.unit_id,
                due_date: c.deadline,
                opinion: c.opinion,
                opinion_at: c.opinion_at,
            })
            .collect(),
        supervisor_id: s.supervisor_id,
        assigned_on: s.assigned_on,
        due_date: s.deadline,
        overdue,
        reply: s.reply.map(ReplyView::from),
        evaluation: s.evaluation_result.map(|result| EvaluationView {
            result,
            comment: s.evaluation_comment,
            evaluated_at: s.evaluated_at,
        }),
        reject_reason: s.reject_reason,
        signed_off_at: s.signed_off_at,
        published_at: s.published_at,
        outstanding: s.outstanding,
        outstanding_reason: s.outstanding_reason,
        submitted_at: s.submitted_at,
        registered_at: s.registered_at,
        assigned_at: s.assigned_at,
        replied_at: s.replied_at,
        closed_at: s.closed_at,
        created_at: s.created_at,
        updated_at: s.updated_at,
    }
}

// ---------------------------------------------------------------- helpers

fn scope(s: &Suggestion) -> SuggestionScope {
    SuggestionScope {
        status: s.status,
        lead_deputy_id: s.lead_deputy_id,
        co_signers: s.active_co_signers().collect(),
        lead_unit_id: s.lead_unit_id,
        co_unit_ids: s.co_units.iter().map(|c| c.unit_id).collect(),
        supervisor_id: s.supervisor_id,
        published: s.published_at.is_some(),
    }
}

/// Loads a suggestion and asks the permission module whether the caller
/// may perform `action` on it.
async fn load_for(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    action: SuggestionAction,
) -> ApiResult<Suggestion> {
    let s = match state.store.get_suggestion(id).await {
        Ok(s) => s,
        // Unknown ids answer like hidden ones.
        Err(StoreError::NotFound) if caller.principal.actor().is_none() => {
            return Err(ApiError::unauthenticated());
        }
        Err(e) => return Err(e.into()),
    };
    answer(decide_suggestion(&caller.principal, action, &scope(&s)))?;
    Ok(s)
}

fn status_name(s: SuggestionStatus) -> (&'static str, &'static str) {
    match s {
        SuggestionStatus::Draft => ("草稿", "draft"),
        SuggestionStatus::Submitted => ("已提交", "submitted"),
        SuggestionStatus::Registered => ("已立案", "registered"),
        SuggestionStatus::NotRegistered => ("不予立案", "not registered"),
        SuggestionStatus::Assigned => ("已交办", "assigned"),
        SuggestionStatus::Replied => ("已答复", "replied"),
        SuggestionStatus::Rehandling => ("重新办理中", "being handled again"),
        SuggestionStatus::Closed => ("已办结", "closed"),
    }
}

fn invalid_state(s: SuggestionStatus) -> ApiError {
    let (zh, en) = status_name(s);
    ApiError::conflict(
        "invalid_state",
        Msg::new(
            format!("建议当前状态为“{zh}”，不允许此操作"),
            format!("The suggestion is {en}; this operation is not allowed now"),
        ),
    )
}

/// The next status by the state machine, or 409.
fn next(s: &Suggestion, op: Transition) -> ApiResult<SuggestionStatus> {
    rules::next_status(s.status, op, s.color).map_err(|e| invalid_state(e.from))
}

fn check_if_match(s: &Suggestion, if_match: IfMatch) -> ApiResult<()> {
    match if_match.0 {
        Some(v) if v != s.version => Err(ApiError::precondition_failed()),
        _ => Ok(()),
    }
}

/// Saves a change; a concurrent change of the same suggestion is a 409.
async fn save(
    state: &AppState,
    caller: &Caller,
    before: &Suggestion,
    after: Suggestion,
    action: &'static str,
    detail: Option<serde_json::Value>,
    writes: Vec<SideWrite>,
) -> ApiResult<HttpResponse> {
    let event = Event { action, detail };
    let saved = match state
        .store
        .save_suggestion(&caller.audit(), before, after, event, writes)
        .await
    {
        Ok(s) => s,
        Err(StoreError::VersionMismatch) => {
            return Err(ApiError::conflict(
                "concurrent_change",
                Msg::new(
                    "建议刚被他人修改，请刷新后重试",
                    "The suggestion was just changed by someone else; reload and retry",
                ),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let version = saved.version;
    Ok(respond::changed(version, &view(saved, state.clock.today())))
}

fn now() -> DateTime<Utc> {
    renda_domain::time::now()
}

pub(crate) async fn check_category(state: &AppState, category: &str) -> ApiResult<()> {
    if state
        .store
        .suggestion_categories()
        .await?
        .iter()
        .any(|c| c == category)
    {
        Ok(())
    } else {
        Err(ApiError::field(
            "category",
            "unknown_category",
            Msg::new(
                "不是有效的建议类别，见 GET /api/v1/suggestion-categories",
                "not a known category; see GET /api/v1/suggestion-categories",
            ),
        ))
    }
}

async fn check_deputies(state: &AppState, field: &str, ids: &[Uuid]) -> ApiResult<()> {
    let mut errors = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        if !state.store.deputy_exists(*id).await? {
            errors.push(FieldError::new(
                format!("{field}[{i}]"),
                "not_found",
                Msg::new("代表不存在", "no such deputy"),
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

// ---------------------------------------------------------------- drafting

/// A new suggestion, saved as a draft of the caller (a deputy).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "关于增设古城街道老年助餐点的建议",
    "content": "古城街道老年人口多，建议在社区增设助餐点……",
    "category": "社会保障",
    "term": "第十八届",
    "session": "第五次会议",
    "timing": "during_session",
    "co_signer_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e61"]
}))]
pub struct CreateSuggestionRequest {
    #[validate(length(min = 1, max = 200))]
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00]*[^\x00\u0009-\u000d\u0020\u0085\u00a0\u00ad\u034f\u061c\u115f-\u1160\u1680\u17b4-\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8][^\x00]*$"
    )]
    pub title: String,
    #[validate(length(min = 1, max = 20000))]
    #[schema(
        min_length = 1,
        max_length = 20000,
        pattern = r"^[^\x00]*[^\x00\u0009-\u000d\u0020\u0085\u00a0\u00ad\u034f\u061c\u115f-\u1160\u1680\u17b4-\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8][^\x00]*$"
    )]
    pub content: String,
    /// One of `GET /api/v1/suggestion-categories`.
    #[validate(length(min = 1, max = 40))]
    #[schema(min_length = 1, max_length = 40)]
    pub category: String,
    #[validate(length(min = 1, max = 40))]
    #[schema(
        min_length = 1,
        max_length = 40,
        pattern = r"^[^\x00]*[^\x00\u0009-\u000d\u0020\u0085\u00a0\u00ad\u034f\u061c\u115f-\u1160\u1680\u17b4-\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8][^\x00]*$"
    )]
    pub term: String,
    #[validate(length(min = 1, max = 60))]
    #[schema(min_length = 1, max_length = 60)]
    pub session: Option<String>,
    pub timing: SessionTiming,
    /// Deputies who co-sign (附议).
    #[serde(default)]
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    pub co_signer_ids: Vec<Uuid>,
    /// Default `deputy`.
    pub source: Option<SuggestionSource>,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub source_ref: Option<String>,
}

/// Drafts a suggestion (deputies). Co-signers see the draft at once.
#[utoipa::path(
    tag = "suggestions",
    request_body = CreateSuggestionRequest,
    responses(
        (status = 201, description = "The draft", body = SuggestionResponse, headers(("Location" = String), ("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a deputy with a linked deputy record", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/suggestions")]
pub async fn create_suggestion(
    state: Data<AppState>,
    caller: Caller,
    body: JsonBody<CreateSuggestionRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::CreateSuggestion)?;
    let actor = caller.actor()?.clone();
    let lead = actor.deputy_id.ok_or_else(ApiError::forbidden)?;
    let b = body.parse()?;
    refuse_blank(&[
        ("title", &b.title),
        ("content", &b.content),
        ("term", &b.term),
    ])?;
    check_category(&state, &b.category).await?;
    let mut co: Vec<Uuid> = Vec::new();
    for d in b.co_signer_ids {
        if d != lead && !co.contains(&d) {
            co.push(d);
        }
    }
    check_deputies(&state, "co_signer_ids", &co).await?;
    let new = NewSuggestion {
        title: b.title.trim().to_owned(),
        content: b.content,
        category: b.category,
        term: b.term.trim().to_owned(),
        session: b.session,
        timing: b.timing,
        lead_deputy_id: lead,
        co_signers: co,
        source: b.source.unwrap_or(SuggestionSource::Deputy),
        source_ref: b.source_ref,
        created_by: actor.user_id,
    };
    let s = state.store.create_suggestion(&caller.audit(), new).await?;
    let version = s.version;
    Ok(respond::created(
        format!("/api/v1/suggestions/{}", s.id),
        version,
        &view(s, state.clock.today()),
    ))
}

/// A change to a draft; absent fields stay, `co_signer_ids` replaces the list.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "关于增设古城街道老年助餐点的建议（修改稿）", "co_signer_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e61"]}))]
pub struct UpdateDraftRequest {
    #[validate(length(min = 1, max = 200))]
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00]*[^\x00\u0009-\u000d\u0020\u0085\u00a0\u00ad\u034f\u061c\u115f-\u1160\u1680\u17b4-\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8][^\x00]*$"
    )]
    pub title: Option<String>,
    #[validate(length(min = 1, max = 20000))]
    #[schema(
        min_length = 1,
        max_length = 20000,
        pattern = r"^[^\x00]*[^\x00\u0009-\u000d\u0020\u0085\u00a0\u00ad\u034f\u061c\u115f-\u1160\u1680\u17b4-\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8][^\x00]*$"
    )]
    pub content: Option<String>,
    #[validate(length(min = 1, max = 40))]
    #[schema(min_length = 1, max_length = 40)]
    pub category: Option<String>,
    #[validate(length(min = 1, max = 40))]
    #[schema(min_length = 1, max_length = 40)]
    pub term: Option<String>,
    #[serde(default, deserialize_with = "double")]
    #[validate(length(min = 1, max = 60))]
    #[schema(min_length = 1, max_length = 60)]
    pub session: Option<Option<String>>,
    pub timing: Option<SessionTiming>,
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    pub co_signer_ids: Option<Vec<Uuid>>,
}

/// Changes a draft (its lead deputy, while it is a draft).
#[utoipa::path(
    tag = "suggestions",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
    request_body = UpdateDraftRequest,
    responses(
        (status = 200, description = "The draft", body = SuggestionResponse, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the lead deputy", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such suggestion, or not visible", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a draft any more, or changed meanwhile", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "ETag mismatch", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/suggestions/{id}")]
pub async fn update_draft(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<UpdateDraftRequest>,
) -> ApiResult<HttpResponse> {
    let before = load_for(
        &state,
        &caller,
        id.into_inner(),
        SuggestionAction::EditDraft,
    )
    .await?;
    check_if_match(&before, if_match)?;
    if before.status != SuggestionStatus::Draft {
        return Err(invalid_state(before.status));
    }
    let b = body.parse()?;
    let mut after = before.clone();
    if let Some(t) = b.title {
        refuse_blank(&[("title", &t)])?;
        after.title = t.trim().to_owned();
    }
    if let Some(c) = b.content {
        refuse_blank(&[("content", &c)])?;
        after.content = c;
    }
    if let Some(c) = b.category {
        check_category(&state, &c).await?;
        after.category = c;
    }
    if let Some(t) = b.term {
        refuse_blank(&[("term", &t)])?;
        after.term = t.trim().to_owned();
    }
    if let Some(s) = b.session {
        after.session = s;
    }
    if let Some(t) = b.timing {
        after.timing = t;
    }
    if let Some(list) = b.co_signer_ids {
        let mut co: Vec<Uuid> = Vec::new();
        for d in list {
            if d != before.lead_deputy_id && !co.contains(&d) {
                co.push(d);
            }
        }
        check_deputies(&state, "co_signer_ids", &co).await?;
        after.co_signers = co
            .into_iter()
            .map(|d| renda_domain::suggestion::CoSigner {
                deputy_id: d,
                withdrawn_at: None,
            })
            .collect();
    }
    if after == before {
        let version = before.version;
        return Ok(respond::changed(
            version,
            &view(before, state.clock.today()),
        ));
    }
    save(
        &state,
        &caller,
        &before,
        after,
        "draft_updated",
        None,
        vec![],
    )
    .await
}

/// An operation without data.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"note": "经主任会议研究同意"}))]
pub struct EmptyRequest {
    /// An optional remark for the timeline.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

fn note_detail(note: Option<String>) -> Option<serde_json::Value> {
    note.filter(|n| !renda_domain::text::is_blank(n))
        .map(|n| json!({"note": n}))
}

macro_rules! lifecycle_doc {
    ($(#[$m:meta])* $name:ident, $path:literal, $body:ty, $who:literal) => {
        $(#[$m])*
        #[utoipa::path(
            tag = "suggestions",
            params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
            request_body = $body,
            responses(
                (status = 200, description = "The updated suggestion", body = SuggestionResponse, headers(("ETag" = String))),
                (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
                (status = 403, description = $who, body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "No such suggestion, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = "The suggestion's state does not allow this, or it changed meanwhile", body = Problem, content_type = "application/problem+json"),
                (status = 412, description = "ETag mismatch", body = Problem, content_type = "application/problem+json"),
            ),
            security(("bearer" = []))
        )]
        #[post($path)]
        pub async fn $name(
            state: Data<AppState>,
            caller: Caller,
            id: Path<Uuid>,
            if_match: IfMatch,
            body: JsonBody<$body>,
        ) -> ApiResult<HttpResponse> {
            paste_body::$name(state, caller, id.into_inner(), if_match, body).await
        }
    };
}

lifecycle_doc!(
    /// Submits a draft (its lead deputy). Co-signers can no longer withdraw.
    submit, "/suggestions/{id}/submit", EmptyRequest, "Not the lead deputy"
);
lifecycle_doc!(
    /// Withdraws the caller's co-signature (a co-signer, before submission).
    withdraw_co_signature, "/suggestions/{id}/withdraw-co-signature", EmptyRequest, "Not a co-signer"
);
lifecycle_doc!(
    /// Registers (立案) a submitted suggestion and gives it its number (staff).
    register, "/suggestions/{id}/register", EmptyRequest, "Not staff"
);
lifecycle_doc!(
    /// Declines to register (不予立案) a submitted suggestion, with a reason (staff). Final.
    reject, "/suggestions/{id}/reject", RejectRequest, "Not staff"
);
lifecycle_doc!(
    /// Assigns a registered suggestion to a lead unit and co-units with a
    /// colour and deadline (staff). Green defaults to 30 days, yellow and red
    /// to 90; no deadline may pass six months from assignment; red needs a
    /// supervising leader.
    assign, "/suggestions/{id}/assign", AssignRequest, "Not staff"
);
lifecycle_doc!(
    /// The lead unit's official reply. A category B reply opens a commitment.
    reply, "/suggestions/{id}/reply", ReplyRequest, "Not the lead unit"
);
lifecycle_doc!(
    /// A co-unit's opinion to the lead unit.
    co_unit_opinion, "/suggestions/{id}/co-unit-opinion", OpinionRequest, "Not a co-unit"
);
lifecycle_doc!(
    /// The lead deputy's evaluation of the reply. Unsatisfied sends the
    /// suggestion back to the unit (rehandling, 30 days by default); a
    /// satisfied green suggestion closes.
    evaluate, "/suggestions/{id}/evaluate", EvaluateRequest, "Not the lead deputy"
);
lifecycle_doc!(
    /// Records an on-site verification (上门查验) — required before a yellow
    /// suggestion closes (staff).
    add_verification, "/suggestions/{id}/verifications", RecordRequest, "Not staff"
);
lifecycle_doc!(
    /// Records the supervising leader's supervision notes (red).
    add_supervision_note, "/suggestions/{id}/supervision-notes", RecordRequest, "Not the supervising leader"
);
lifecycle_doc!(
    /// The supervising leader's sign-off (red), after the reply.
    sign_off, "/suggestions/{id}/sign-off", EmptyRequest, "Not the supervising leader"
);
lifecycle_doc!(
    /// Closes a replied and evaluated suggestion (staff): yellow needs an
    /// on-site verification, red supervision notes and the leader's sign-off.
    close, "/suggestions/{id}/close", EmptyRequest, "Not staff"
);
lifecycle_doc!(
    /// Publishes a closed suggestion with its reply; published ones are public (staff).
    publish, "/suggestions/{id}/publish", EmptyRequest, "Not staff"
);
lifecycle_doc!(
    /// Marks (or unmarks) an outstanding suggestion (优秀建议) in the yearly double evaluation (staff).
    mark_outstanding, "/suggestions/{id}/outstanding", OutstandingRequest, "Not staff"
);
lifecycle_doc!(
    /// The lead unit asks to hand the suggestion back (`reassignment`,
    /// within 10 days of assignment) or for more time (`extension`, never
    /// past six months from assignment). Staff decide.
    create_request, "/suggestions/{id}/requests", UnitRequestBody, "Not the lead unit"
);

/// Reasons for declining.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "属于信访事项，已转有关部门"}))]
pub struct RejectRequest {
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// An assignment.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "lead_unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80",
    "co_unit_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e81"],
    "color": "red",
    "due_date": "2026-06-30",
    "supervisor_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e05"
}))]
pub struct AssignRequest {
    pub lead_unit_id: Uuid,
    #[serde(default)]
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub co_unit_ids: Vec<Uuid>,
    pub color: Color,
    /// The reply deadline; default by colour (green 30 days, yellow and red
    /// 90), never more than six months after assignment.
    pub due_date: Option<NaiveDate>,
    /// The co-units' deadline for their opinions; default 15 days before the lead unit's.
    pub co_unit_due_date: Option<NaiveDate>,
    /// The supervising leader's user id; required for red.
    pub supervisor_id: Option<Uuid>,
}

/// A reply letter (答复函).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "category": "B",
    "content": "已列入2026年民生实事计划，年内建成助餐点3个。",
    "document_number": "宿城民政函〔2026〕12号",
    "signed_by": "李明",
    "responsible_person": "王芳",
    "handler_name": "赵磊",
    "handler_phone": "0527-84351234",
    "reply_date": "2026-05-20",
    "commitment": {"content": "年内建成助餐点3个", "due_date": "2026-12-31"}
}))]
pub struct ReplyRequest {
    pub category: ReplyCategory,
    #[validate(length(min = 1, max = 20000))]
    #[schema(min_length = 1, max_length = 20000)]
    pub content: String,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub document_number: Option<String>,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub signed_by: Option<String>,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub responsible_person: Option<String>,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub handler_name: Option<String>,
    #[validate(custom(function = "crate::validation::phone"))]
    #[schema(max_length = 24, pattern = r"^\+?[ -]*(?:[0-9][ -]*){5,20}$")]
    pub handler_phone: Option<String>,
    /// Default today.
    pub reply_date: Option<NaiveDate>,
    /// Required with category B: what the unit commits to, tracked until fulfilled.
    #[validate(nested)]
    pub commitment: Option<CommitmentBody>,
}

/// What a B reply commits to.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitmentBody {
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub content: String,
    pub due_date: Option<NaiveDate>,
}

/// A co-unit's opinion.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"opinion": "住建局同意配合选址，可提供两处公共用房。"}))]
pub struct OpinionRequest {
    #[validate(length(min = 1, max = 20000))]
    #[schema(min_length = 1, max_length = 20000)]
    pub opinion: String,
}

/// An evaluation.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"result": "unsatisfied", "comment": "助餐点选址仍未落实"}))]
pub struct EvaluateRequest {
    pub result: EvaluationResult,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub comment: Option<String>,
}

/// A verification or supervision record.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"occurred_on": "2026-05-25", "participants": "代表工委 刘青；区民政局 王芳", "content": "现场查看3个助餐点，已投入使用。"}))]
pub struct RecordRequest {
    /// Default today.
    pub occurred_on: Option<NaiveDate>,
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub participants: Option<String>,
    #[validate(length(min = 1, max = 20000))]
    #[schema(min_length = 1, max_length = 20000)]
    pub content: String,
}

/// Marking an outstanding suggestion.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"outstanding": true, "reason": "推动解决老年助餐难题"}))]
pub struct OutstandingRequest {
    pub outstanding: bool,
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: Option<String>,
}

/// A unit's request.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "extension", "reason": "需协调土地指标", "due_date": "2026-08-31"}))]
pub struct UnitRequestBody {
    /// `reassignment` (hand it back, 申请调整) or `extension` (申请延期).
    #[validate(custom(function = "request_kind"))]
    pub kind: String,
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
    /// For `extension`: the new deadline asked for.
    pub due_date: Option<NaiveDate>,
}

fn request_kind(k: &str) -> Result<(), validator::ValidationError> {
    if k == "reassignment" || k == "extension" {
        Ok(())
    } else {
        Err(crate::validation::invalid(
            "kind",
            "须为 reassignment 或 extension",
            "must be reassignment or extension",
        ))
    }
}

/// The office's decision on a unit's request.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"approved": true, "lead_unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e82", "note": "改由区住建局主办"}))]
pub struct DecideRequest {
    pub approved: bool,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
    /// Approving a re-assignment: the new lead unit (required).
    pub lead_unit_id: Option<Uuid>,
    /// Approving a re-assignment: the new deadline (default by colour from today).
    pub due_date: Option<NaiveDate>,
}

/// Progress on a commitment.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"progress": "两个助餐点已开业", "fulfilled": true}))]
pub struct CommitmentProgressRequest {
    #[validate(length(min = 1, max = 5000))]
    #[schema(min_length = 1, max_length = 5000)]
    pub progress: String,
    /// True when the commitment is fulfilled; it is then closed.
    #[serde(default)]
    pub fulfilled: bool,
}

fn deadline_error(e: rules::DeadlineError) -> ApiError {
    let msg = match e {
        rules::DeadlineError::BeforeAssignment => Msg::new(
            "期限不能早于交办日期",
            "the deadline is before the assignment",
        ),
        rules::DeadlineError::PastSixMonths => Msg::new(
            "办理期限不得超过交办之日起六个月",
            "the deadline may not be more than six months after assignment",
        ),
    };
    ApiError::field("due_date", "deadline", msg)
}

fn extension_error(e: rules::ExtensionError) -> ApiError {
    let msg = match e {
        rules::ExtensionError::NotLater => Msg::new(
            "新的期限须晚于现期限",
            "the new deadline must be later than the current one",
        ),
        rules::ExtensionError::InThePast => Msg::new(
            "新的期限不能早于今天",
            "the new deadline may not be in the past",
        ),
        rules::ExtensionError::Deadline(e) => return deadline_error(e),
    };
    ApiError::field("due_date", "deadline", msg)
}

/// The bodies of the lifecycle operations.
mod paste_body {
    use super::*;

    pub async fn submit(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<EmptyRequest>,
    ) -> ApiResult<HttpResponse> {
        let before = load_for(&state, &caller, id, SuggestionAction::EditDraft).await?;
        check_if_match(&before, im)?;
        let b = body.parse()?;
        let mut after = before.clone();
        after.status = next(&before, Transition::Submit)?;
        after.submitted_at = Some(now());
        // The submission is a duty of the lead deputy and of every co-signer.
        let today = state.clock.today();
        let duty = |deputy_id, kind| {
            SideWrite::Duty(NewDuty {
                deputy_id,
                kind,
                occurred_on: today,
                title: before.title.clone(),
                content: None,
                ref_type: Some("suggestion"),
                ref_id: Some(before.id),
            })
        };
        let mut writes = vec![duty(before.lead_deputy_id, DutyKind::SuggestionSubmitted)];
        writes.extend(
            before
                .active_co_signers()
                .map(|d| duty(d, DutyKind::SuggestionCoSigned)),
        );
        save(
            &state,
            &caller,
            &before,
            after,
            "submitted",
            note_detail(b.note),
            writes,
        )
        .await
    }

    pub async fn withdraw_co_signature(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<EmptyRequest>,
    ) -> ApiResult<HttpResponse> {
        let before = load_for(&state, &caller, id, SuggestionAction::WithdrawCoSignature).await?;
        check_if_match(&before, im)?;
        let b = body.parse()?;
        if before.status != SuggestionStatus::Draft {
            return Err(invalid_state(before.status));
        }
        let me = caller.actor()?.deputy_id;
        let mut after = before.clone();
        for c in &mut after.co_signers {
            if Some(c.deputy_id) == me && c.withdrawn_at.is_none() {
                c.withdrawn_at = Some(now());
            }
        }
        let detail = json!({"deputy_id": me, "note": b.note});
        save(
            &state,
            &caller,
            &before,
            after,
            "co_signature_withdrawn",
            Some(detail),
            vec![],
        )
        .await
    }

    pub async fn register(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<EmptyRequest>,
    ) -> ApiResult<HttpResponse> {
        let before = load_for(&state, &caller, id, SuggestionAction::Administer).await?;
        check_if_match(&before, im)?;
        let b = body.parse()?;
        let mut after = before.clone();
        after.status = next(&before, Transition::Register)?;
        after.registered_at = Some(now());
        save(
            &state,
            &caller,
            &before,
            after,
            "registered",
            note_detail(b.note),
            vec![],
        )
        .await
    }

    pub async fn reject(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<RejectRequest>,
    ) -> ApiResult<HttpResponse> {
        let before = load_for(&state, &caller, id, SuggestionAction::Administer).await?;
        check_if_match(&before, im)?;
        let b = body.parse()?;
        refuse_blank(&[("reason", &b.reason)])?;
        let mut after = before.clone();
        after.status = next(&before, Transition::Reject)?;
        after.reject_reason = Some(b.reason.clone());
        save(
            &state,
            &caller,
            &before,
            after,
            "rejected",
            Some(json!({"reason": b.reason})),
            vec![],
        )
        .await
    }

    pub async fn assign(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<AssignRequest>,
    ) -> ApiResult<HttpResponse> {
        let before = load_for(&state, &caller, id, SuggestionAction::Administer).await?;
        check_if_match(&before, im)?;
        let b = body.parse()?;
        let status = next(&before, Transition::Assign)?;
        let today = state.clock.today();
        let mut errors = Vec::new();
        if !state.store.unit_exists(b.lead_unit_id).await? {
            errors.push(FieldError::new(
                "lead_unit_id",
                "not_found",
                Msg::new("承办单位不存在", "no such unit"),
            ));
        }
        let mut co_units: Vec<Uuid> = Vec::new();
        for (i, u) in b.co_unit_ids.iter().enumerate() {
            if *u == b.lead_unit_id || co_units.contains(u) {
                continue;
            }
            if !state.store.unit_exists(*u).await? {
                errors.push(FieldError::new(
                    format!("co_unit_ids[{i}]"),
                    "not_found",
                    Msg::new("承办单位不存在", "no such unit"),
                ));
            }
            co_units.push(*u);
        }
        match (b.color, b.supervisor_id) {
            (Color::Red, None) => errors.push(FieldError::new(
                "supervisor_id",
                "required",
                Msg::new(
                    "红色建议须指定督办领导",
                    "a red suggestion needs a supervising leader",
                ),
            )),
            (_, Some(sup)) => {
                let ok = match state.store.get_user(sup).await {
                    Ok(u) => u.is_active() && u.roles.contains(renda_domain::Role::Leader),
                    Err(StoreError::NotFound) => false,
                    Err(e) => return Err(e.into()),
                };
                if !ok {
                    errors.push(FieldError::new(
                        "supervisor_id",
                        "not_a_leader",
                        Msg::new(
                            "督办领导须为有效的领导账号",
                            "the supervisor must be an active leader account",
                        ),
                    ));
                }
            }
            _ => {}
        }
        if !errors.is_empty() {
            return Err(ApiError::validation(errors));
        }
        let deadline = rules::assignment_deadline(today, b.color, b.due_date, &state.deadlines)
            .map_err(deadline_error)?;
        let co_deadline = match b.co_unit_due_date {
            Some(d) if d > deadline || d < today => {
                return Err(ApiError::field(
                    "co_unit_due_date",
                    "deadline",
                    Msg::new(
                        "协办期限须在交办日与主办期限之间",
                        "the co-units' deadline must fall between today and the lead unit's",
                    ),
                ));
            }
            Some(d) => d,
            None => deadline
                .checked_sub_days(Days::new(15))
                .filter(|d| *d >= today)
                .unwrap_or(deadline),
        };
        let mut after = before.clone();
        after.status = status;
        after.color = Some(b.color);
        after.lead_unit_id = Some(b.lead_unit_id);
        after.co_units = co_units
            .iter()
            .map(|u| CoUnit {
                unit_id: *u,
                deadline: Some(co_deadline),
                opinion: None,
                opinion_at: None,
            })
            .collect();
        after.supervisor_id = if b.color == Color::Red {
            b.supervisor_id
        } else {
            None
        };
        after.assigned_on = Some(today);
        after.deadline = Some(deadline);
        after.assigned_at = Some(now());
        after.overdue_recorded = false;
        let detail = json!({"lead_unit_id": b.lead_unit_id, "co_unit_ids": co_units, "color": b.color, "due_date": deadline});
        let writes = vec![SideWrite::Assignment {
            lead_unit_id: b.lead_unit_id,
            end_reason: None,
        }];
        save(
            &state,
            &caller,
            &before,
            after,
            "assigned",
            Some(detail),
            writes,
        )
        .await
    }

    pub async fn reply(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<ReplyRequest>,
    ) -> ApiResult<HttpResponse> {
        let before = load_for(&state, &caller, id, SuggestionAction::HandleAsLeadUnit).await?;
        check_if_match(&before, im)?;
        let b = body.parse()?;
        refuse_blank(&[("content", &b.content)])?;
        if state
            .store
            .suggestion_requests(id)
            .await?
            .iter()
            .any(|r| r.status == "pending" && r.kind == "reassignment")
        {
            return Err(ApiError::conflict(
                "request_pending",
                Msg::new(
                    "调整申请待处理期间不能答复",
                    "A re-assignment request awaits a decision; reply after it",
                ),
            ));
        }
        if b.category == ReplyCategory::B && b.commitment.is_none() {
            return Err(ApiError::field(
                "commitment",
                "commitment_required",
                Msg::new(
                    "B 类答复须写明承诺事项（commitment）",
                    "a category B reply needs a commitment",
                ),
            ));
        }
        let status = next(&before, Transition::Reply)?;
        let actor = caller.actor()?;
        let today = state.clock.today();
        let round = before.reply.as_ref().map_or(1, |r| r.round + 1);
        let reply = Reply {
            id: Uuid::now_v7(),
            round,
            unit_id: before.lead_unit_id.unwrap_or_default(),
            category: b.category,
            content: b.content,
            document_number: b.document_number,
            signed_by: b.signed_by,
            responsible_person: b.responsible_person,
            handler_name: b.handler_name,
            handler_phone: b.handler_phone,
            reply_date: b.reply_date.unwrap_or(today),
            created_at: now(),
        };
        let mut writes = vec![SideWrite::Reply(reply.clone(), actor.user_id)];
        if let (ReplyCategory::B, Some(c)) = (b.category, b.commitment) {
            writes.push(SideWrite::Commitment {
                reply_id: reply.id,
                content: c.content,
                due_date: c.due_date,
            });
        }
        let mut after = before.clone();
        after.status = status;
        after.replied_at = Some(now());
        after.replied_on_time = Some(before.deadline.is_none_or(|d| today <= d));
        after.evaluation_result = None;
        after.evaluation_comment = None;
        after.evaluated_at = None;
        let detail = json!({"round": round, "category": b.category});
        save(
            &state,
            &caller,
            &before,
            after,
            "replied",
            Some(detail),
            writes,
        )
        .await
    }

    pub async fn co_unit_opinion(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<OpinionRequest>,
    ) -> ApiResult<HttpResponse> {
        let before = load_for(&state, &caller, id, SuggestionAction::AdviseAsCoUnit).await?;
        check_if_match(&before, im)?;
        let b = body.parse()?;
        refuse_blank(&[("opinion", &b.opinion)])?;
        if !matches!(
            before.status,
            SuggestionStatus::Assigned | SuggestionStatus::Rehandling
        ) {
            return Err(invalid_state(before.status));
        }
        let unit = caller.actor()?.unit_id.unwrap_or_default();
        let mut after = before.clone();
        for c in &mut after.co_units {
            if c.unit_id == unit {
                c.opinion = Some(b.opinion.clone());
                c.opinion_at = Some(now());
            }
        }
        save(
            &state,
            &caller,
            &before,
            after,
            "co_unit_opinion",
            Some(json!({"unit_id": unit})),
            vec![],
        )
        .await
    }

    pub async fn evaluate(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<EvaluateRequest>,
    ) -> ApiResult<HttpResponse> {
        let before = load_for(&state, &caller, id, SuggestionAction::Evaluate).await?;
        check_if_match(&before, im)?;
        let b = body.parse()?;
        if before.status == SuggestionStatus::Replied && before.evaluation_result.is_some() {
            return Err(ApiError::conflict(
                "already_evaluated",
                Msg::new("该答复已评价过", "This reply has already been evaluated"),
            ));
        }
        let status = next(&before, Transition::Evaluate(b.result))?;
        let today = state.clock.today();
        let mut after = before.clone();
        after.status = status;
        after.evaluation_result = Some(b.result);
        after.evaluation_comment = b.comment.clone();
        after.evaluated_at = Some(now());
        if status == SuggestionStatus::Rehandling {
            let assigned = before.assigned_on.unwrap_or(today);
            after.deadline = Some(rules::rehandling_deadline(
                assigned,
                before.color,
                today,
                &state.deadlines,
            ));
            after.overdue_recorded = false;
            after.signed_off_at = None;
            after.signed_off_by = None;
        }
        if status == SuggestionStatus::Closed {
            after.closed_at = Some(now());
        }
        let detail = json!({"result": b.result, "comment": b.comment, "due_date": after.deadline});
        save(
            &state,
            &caller,
            &before,
            after,
            "evaluated",
            Some(detail),
            vec![],
        )
        .await
    }

    async fn record(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<RecordRequest>,
        action: SuggestionAction,
        kind: &'static str,
    ) -> ApiResult<HttpResponse> {
        let before = load_for(&state, &caller, id, action).await?;
        check_if_match(&before, im)?;
        let b = body.parse()?;
        refuse_blank(&[("content", &b.content)])?;
        if !matches!(
            before.status,
            SuggestionStatus::Assigned | SuggestionStatus::Replied | SuggestionStatus::Rehandling
        ) {
            return Err(invalid_state(before.status));
        }
        let by = caller.actor()?.user_id;
        let occurred_on = b.occurred_on.unwrap_or_else(|| state.clock.today());
        let writes = vec![SideWrite::Record {
            kind,
            occurred_on,
            participants: b.participants,
            content: b.content,
            by,
        }];
        let after = before.clone();
        save(
            &state,
            &caller,
            &before,
            after,
            kind,
            Some(json!({"occurred_on": occurred_on})),
            writes,
        )
        .await
    }

    pub async fn add_verification(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<RecordRequest>,
    ) -> ApiResult<HttpResponse> {
        record(
            state,
            caller,
            id,
            im,
            body,
            SuggestionAction::Administer,
            "verification",
        )
        .await
    }

    pub async fn add_supervision_note(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<RecordRequest>,
    ) -> ApiResult<HttpResponse> {
        record(
            state,
            caller,
            id,
            im,
            body,
            SuggestionAction::Supervise,
            "supervision_note",
        )
        .await
    }

    pub async fn sign_off(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<EmptyRequest>,
    ) -> ApiResult<HttpResponse> {
        let before = load_for(&state, &caller, id, SuggestionAction::Supervise).await?;
        check_if_match(&before, im)?;
        let b = body.parse()?;
        if before.status != SuggestionStatus::Replied || before.signed_off_at.is_some() {
            return Err(invalid_state(before.status));
        }
        if state
            .store
            .count_suggestion_records(id, "supervision_note", None)
            .await?
            == 0
        {
            return Err(ApiError::conflict(
                "supervision_notes_missing",
                Msg::new(
                    "签批前须先填写督办意见",
                    "Record supervision notes before signing off",
                ),
            ));
        }
        let mut after = before.clone();
        after.signed_off_at = Some(now());
        after.signed_off_by = Some(caller.actor()?.user_id);
        save(
            &state,
            &caller,
            &before,
            after,
            "signed_off",
            note_detail(b.note),
            vec![],
        )
        .await
    }

    pub async fn close(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<EmptyRequest>,
    ) -> ApiResult<HttpResponse> {
        let before = load_for(&state, &caller, id, SuggestionAction::Administer).await?;
        check_if_match(&before, im)?;
        let b = body.parse()?;
        let status = next(&before, Transition::Close)?;
        let facts = CloseFacts {
            evaluated: matches!(
                before.evaluation_result,
                Some(EvaluationResult::Satisfied | EvaluationResult::BasicallySatisfied)
            ),
            verifications: state
                .store
                // An on-site verification counts only if made after the latest reply.
                .count_suggestion_records(id, "verification", before.replied_at)
                .await?,
            supervision_notes: state
                .store
                .count_suggestion_records(id, "supervision_note", None)
                .await?,
            signed_off: before.signed_off_at.is_some(),
        };
        let blockers = rules::close_blockers(before.color, facts);
        if !blockers.is_empty() {
            let mut e = ApiError::conflict(
                "close_requirements_unmet",
                Msg::new(
                    "尚不满足办结条件",
                    "The suggestion does not yet meet its closing rule",
                ),
            );
            e.errors = blockers
                .into_iter()
                .map(|b| match b {
                    CloseBlocker::NotEvaluated => FieldError::new("evaluation", "missing", Msg::new("代表尚未作出满意或基本满意的评价", "the deputy has not evaluated the reply as satisfied or basically satisfied")),
                    CloseBlocker::NoVerification => FieldError::new("verifications", "missing", Msg::new("黄色建议须有上门查验记录", "a yellow suggestion needs an on-site verification record")),
                    CloseBlocker::NoSupervisionNotes => FieldError::new("supervision_notes", "missing", Msg::new("红色建议须有督办意见", "a red suggestion needs supervision notes")),
                    CloseBlocker::NotSignedOff => FieldError::new("signed_off_at", "missing", Msg::new("红色建议须经督办领导签批", "a red suggestion needs the supervising leader's sign-off")),
                })
                .collect();
            return Err(e);
        }
        let mut after = before.clone();
        after.status = status;
        after.closed_at = Some(now());
        save(
            &state,
            &caller,
            &before,
            after,
            "closed",
            note_detail(b.note),
            vec![],
        )
        .await
    }

    pub async fn publish(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<EmptyRequest>,
    ) -> ApiResult<HttpResponse> {
        let before = load_for(&state, &caller, id, SuggestionAction::Administer).await?;
        check_if_match(&before, im)?;
        let b = body.parse()?;
        if before.status != SuggestionStatus::Closed || before.published_at.is_some() {
            return Err(invalid_state(before.status));
        }
        let mut after = before.clone();
        after.published_at = Some(now());
        save(
            &state,
            &caller,
            &before,
            after,
            "published",
            note_detail(b.note),
            vec![],
        )
        .await
    }

    pub async fn mark_outstanding(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<OutstandingRequest>,
    ) -> ApiResult<HttpResponse> {
        let before = load_for(&state, &caller, id, SuggestionAction::Administer).await?;
        check_if_match(&before, im)?;
        let b = body.parse()?;
        if b.outstanding && b.reason.as_deref().is_none_or(renda_domain::text::is_blank) {
            return Err(ApiError::field(
                "reason",
                "required",
                Msg::new("评为优秀建议须写明理由", "a reason is required"),
            ));
        }
        if !before.reached_units() {
            return Err(invalid_state(before.status));
        }
        let mut after = before.clone();
        after.outstanding = b.outstanding;
        after.outstanding_reason = if b.outstanding {
            b.reason.clone()
        } else {
            None
        };
        save(
            &state,
            &caller,
            &before,
            after,
            "outstanding_marked",
            Some(json!({"outstanding": b.outstanding, "reason": b.reason})),
            vec![],
        )
        .await
    }

    pub async fn create_request(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<UnitRequestBody>,
    ) -> ApiResult<HttpResponse> {
        let before = load_for(&state, &caller, id, SuggestionAction::HandleAsLeadUnit).await?;
        check_if_match(&before, im)?;
        let b = body.parse()?;
        refuse_blank(&[("reason", &b.reason)])?;
        if !matches!(
            before.status,
            SuggestionStatus::Assigned | SuggestionStatus::Rehandling
        ) {
            return Err(invalid_state(before.status));
        }
        if state
            .store
            .suggestion_requests(id)
            .await?
            .iter()
            .any(|r| r.status == "pending")
        {
            return Err(ApiError::conflict(
                "request_pending",
                Msg::new(
                    "已有待处理的申请",
                    "A request is already waiting for a decision",
                ),
            ));
        }
        let today = state.clock.today();
        let assigned = before.assigned_on.unwrap_or(today);
        let kind: &'static str = if b.kind == "reassignment" {
            "reassignment"
        } else {
            "extension"
        };
        if kind == "reassignment" {
            let window_end = assigned
                .checked_add_days(Days::new(rules::REASSIGN_WINDOW_DAYS))
                .unwrap_or(assigned);
            if today > window_end || before.status != SuggestionStatus::Assigned {
                return Err(ApiError::conflict(
                    "reassignment_window_closed",
                    Msg::new(
                        "申请调整须在交办之日起10日内提出",
                        "A re-assignment must be asked for within 10 days of assignment",
                    ),
                ));
            }
        } else {
            let Some(wanted) = b.due_date else {
                return Err(ApiError::field(
                    "due_date",
                    "required",
                    Msg::new(
                        "申请延期须写明新的期限",
                        "an extension needs the new deadline",
                    ),
                ));
            };
            rules::extension_deadline(assigned, before.color, before.deadline, wanted, today)
                .map_err(extension_error)?;
        }
        let by = caller.actor()?.user_id;
        let unit_id = before.lead_unit_id.unwrap_or_default();
        let writes = vec![SideWrite::Request {
            unit_id,
            kind,
            reason: b.reason.clone(),
            requested_deadline: b.due_date,
            by,
        }];
        let after = before.clone();
        let detail = json!({"kind": kind, "reason": b.reason, "due_date": b.due_date});
        save(
            &state,
            &caller,
            &before,
            after,
            "unit_request",
            Some(detail),
            writes,
        )
        .await
    }
}

/// Decides a unit's request (staff): approving a re-assignment hands the
/// suggestion to a new lead unit (the former one stays in its lineage);
/// approving an extension moves the deadline.
#[utoipa::path(
    tag = "suggestions",
    params(("id" = Uuid, Path), ("request_id" = Uuid, Path)),
    request_body = DecideRequest,
    responses(
        (status = 200, description = "The updated suggestion", body = SuggestionResponse, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such suggestion or request", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already decided, or the suggestion's state does not allow it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/suggestions/{id}/requests/{request_id}/decide")]
pub async fn decide_request(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid)>,
    body: JsonBody<DecideRequest>,
) -> ApiResult<HttpResponse> {
    let (id, request_id) = path.into_inner();
    let before = load_for(&state, &caller, id, SuggestionAction::Administer).await?;
    let b = body.parse()?;
    let requests = state.store.suggestion_requests(id).await?;
    let req = requests
        .into_iter()
        .find(|r| r.id == request_id)
        .ok_or_else(ApiError::not_found)?;
    if req.status != "pending" {
        return Err(ApiError::conflict(
            "request_decided",
            Msg::new("该申请已处理", "This request has been decided"),
        ));
    }
    let by = caller.actor()?.user_id;
    let mut after = before.clone();
    let mut writes = vec![SideWrite::Decide {
        request_id,
        approved: b.approved,
        by,
        note: b.note.clone(),
    }];
    if b.approved {
        let today = state.clock.today();
        if req.kind == "reassignment" {
            let status = next(&before, Transition::Reassign)?;
            let Some(new_unit) = b.lead_unit_id else {
                return Err(ApiError::field(
                    "lead_unit_id",
                    "required",
                    Msg::new(
                        "同意调整须指定新的主办单位",
                        "approving a re-assignment needs the new lead unit",
                    ),
                ));
            };
            if Some(new_unit) == before.lead_unit_id || !state.store.unit_exists(new_unit).await? {
                return Err(ApiError::field(
                    "lead_unit_id",
                    "invalid",
                    Msg::new("须为另一个存在的承办单位", "must be another existing unit"),
                ));
            }
            let color = before.color.unwrap_or(Color::Green);
            let deadline = rules::assignment_deadline(today, color, b.due_date, &state.deadlines)
                .map_err(deadline_error)?;
            after.status = status;
            after.lead_unit_id = Some(new_unit);
            after.co_units.retain(|c| c.unit_id != new_unit);
            after.assigned_on = Some(today);
            after.assigned_at = Some(now());
            after.deadline = Some(deadline);
            after.overdue_recorded = false;
            writes.push(SideWrite::Assignment {
                lead_unit_id: new_unit,
                end_reason: Some("reassigned".into()),
            });
        } else {
            if !matches!(
                before.status,
                SuggestionStatus::Assigned | SuggestionStatus::Rehandling
            ) {
                return Err(invalid_state(before.status));
            }
            let assigned = before.assigned_on.unwrap_or(today);
            let wanted = b.due_date.or(req.requested_deadline).unwrap_or(assigned);
            after.deadline = Some(
                rules::extension_deadline(assigned, before.color, before.deadline, wanted, today)
                    .map_err(extension_error)?,
            );
            after.overdue_recorded = false;
        }
    }
    let detail =
        json!({"request_id": request_id, "kind": req.kind, "approved": b.approved, "note": b.note});
    save(
        &state,
        &caller,
        &before,
        after,
        "request_decided",
        Some(detail),
        writes,
    )
    .await
}

/// Updates a commitment of a B reply (the lead unit); `fulfilled` closes it.
#[utoipa::path(
    tag = "suggestions",
    params(("id" = Uuid, Path), ("commitment_id" = Uuid, Path)),
    request_body = CommitmentProgressRequest,
    responses(
        (status = 200, description = "The suggestion", body = SuggestionResponse),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the lead unit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such suggestion or commitment", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The commitment is already fulfilled", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/suggestions/{id}/commitments/{commitment_id}/progress")]
pub async fn update_commitment(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid)>,
    body: JsonBody<CommitmentProgressRequest>,
) -> ApiResult<HttpResponse> {
    let (id, commitment_id) = path.into_inner();
    let before = load_for(&state, &caller, id, SuggestionAction::HandleAsLeadUnit).await?;
    let b = body.parse()?;
    refuse_blank(&[("progress", &b.progress)])?;
    let list = state.store.suggestion_commitments(id).await?;
    let c = list
        .into_iter()
        .find(|c| c.id == commitment_id)
        .ok_or_else(ApiError::not_found)?;
    if c.status != "open" {
        return Err(ApiError::conflict(
            "commitment_closed",
            Msg::new("该承诺已兑现", "The commitment is already fulfilled"),
        ));
    }
    let writes = vec![SideWrite::CommitmentProgress {
        id: commitment_id,
        progress: b.progress.clone(),
        fulfilled: b.fulfilled,
    }];
    let after = before.clone();
    let detail = json!({"commitment_id": commitment_id, "fulfilled": b.fulfilled});
    save(
        &state,
        &caller,
        &before,
        after,
        "commitment_progress",
        Some(detail),
        writes,
    )
    .await
}

// ---------------------------------------------------------------- reading

/// Filters of the suggestion listing.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestionFilterParams {
    pub status: Option<SuggestionStatus>,
    pub color: Option<Color>,
    #[validate(length(max = 40))]
    #[param(max_length = 40)]
    pub category: Option<String>,
    /// Assigned to this unit as lead or co-unit.
    pub unit_id: Option<Uuid>,
    /// Led or co-signed by this deputy.
    pub deputy_id: Option<Uuid>,
    #[validate(length(max = 40))]
    #[param(max_length = 40)]
    pub term: Option<String>,
    /// Registered in this year (unregistered ones: created in it).
    #[validate(range(min = 1949, max = 2999))]
    #[param(minimum = 1949, maximum = 2999)]
    pub year: Option<i32>,
    /// Only overdue (true) or only not overdue (false) suggestions.
    pub overdue: Option<bool>,
    /// Words in the title or content (Chinese substrings match).
    #[validate(length(max = 100))]
    #[param(max_length = 100)]
    pub q: Option<String>,
    /// Only suggestions marked outstanding (优秀建议) in the double evaluation.
    pub outstanding: Option<bool>,
}

/// Lists the suggestions the caller may see: deputies their own and those
/// they co-sign, staff and leaders every submitted one, units those
/// assigned to them, everyone the published ones.
#[utoipa::path(
    tag = "suggestions",
    params(ListParams, SuggestionFilterParams),
    responses(
        (status = 200, description = "A page of suggestions", body = ListResponse<SuggestionResponse>),
        (status = 401, description = "An invalid access token was sent", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/suggestions")]
pub async fn list_suggestions(
    state: Data<AppState>,
    caller: Caller,
    page: QueryParams<ListParams>,
    filter: QueryParams<SuggestionFilterParams>,
) -> ApiResult<HttpResponse> {
    let today = state.clock.today();
    let (vis, f) = list_query(&caller, filter.0, today);
    let page = state
        .store
        .list_suggestions(&vis, &f, &page.0.options()?)
        .await?;
    Ok(HttpResponse::Ok().json(ListResponse::from_page(page, |s| {
        view_for(s, today, &caller)
    })))
}

/// The visibility and filters of a listing by this caller.
fn list_query(
    caller: &Caller,
    p: SuggestionFilterParams,
    today: NaiveDate,
) -> (SuggestionVisibility, SuggestionFilter) {
    let v = visibility(&caller.principal);
    let vis = SuggestionVisibility {
        published: v.published,
        deputy: v.deputy,
        submitted: v.submitted,
        unit: v.unit,
        unit_statuses: UNIT_VISIBLE.to_vec(),
    };
    let f = SuggestionFilter {
        status: p.status,
        color: p.color,
        category: p.category.filter(|s| !renda_domain::text::is_blank(s)),
        unit_id: p.unit_id,
        deputy_id: p.deputy_id,
        term: p.term.filter(|s| !renda_domain::text::is_blank(s)),
        year: p.year,
        overdue: p.overdue.map(|o| (o, today)),
        q: p.q.filter(|s| !renda_domain::text::is_blank(s)),
        outstanding: p.outstanding,
    };
    (vis, f)
}

const EXPORT_HEADERS: &[&str] = &[
    "编号",
    "标题",
    "类别",
    "届次",
    "领衔代表",
    "状态",
    "颜色",
    "主办单位",
    "交办日期",
    "办理期限",
    "是否逾期",
    "答复日期",
    "答复类别",
    "评价结果",
    "提交时间",
    "ID",
];

/// The rows of a suggestions export, a page at a time.
struct SuggestionRows {
    state: AppState,
    caller: Caller,
    vis: SuggestionVisibility,
    filter: SuggestionFilter,
    today: NaiveDate,
    after: Option<renda_persistence::list::Cursor>,
    names: crate::routes::common::NameCache,
    done: bool,
}

impl crate::export::RowSource for SuggestionRows {
    async fn next_page(&mut self) -> Result<Option<Vec<Vec<Cell>>>, ApiError> {
        if self.done {
            return Ok(None);
        }
        let opts = renda_persistence::list::ListOptions {
            limit: 500,
            after: self.after,
            ..Default::default()
        };
        let page = self
            .state
            .store
            .list_suggestions(&self.vis, &self.filter, &opts)
            .await?;
        self.after = page.next;
        self.done = page.next.is_none();
        let today = self.today;
        let views: Vec<SuggestionResponse> = page
            .live()
            .cloned()
            .map(|s| view_for(s, today, &self.caller))
            .collect();
        let mut rows = Vec::with_capacity(views.len());
        for v in views {
            let deputy = self.names.deputy(&self.state, v.lead_deputy_id).await;
            let unit = match v.lead_unit_id {
                Some(u) => self.names.unit(&self.state, u).await,
                None => String::new(),
            };
            let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
            let time = |t: Option<DateTime<Utc>>| t.map(|t| t.to_rfc3339()).unwrap_or_default();
            let fields: Vec<Cell> = vec![
                v.number.clone().unwrap_or_default().into(),
                v.title.clone().into(),
                v.category.clone().into(),
                v.term.clone().into(),
                deputy.into(),
                status_name(v.status).0.into(),
                v.color
                    .map(|c| match c {
                        Color::Green => "绿色",
                        Color::Yellow => "黄色",
                        Color::Red => "红色",
                    })
                    .unwrap_or_default()
                    .into(),
                unit.into(),
                date(v.assigned_on).into(),
                date(v.due_date).into(),
                if v.overdue { "是" } else { "否" }.into(),
                time(v.replied_at).into(),
                v.reply
                    .as_ref()
                    .map(|r| format!("{:?}", r.category))
                    .unwrap_or_default()
                    .into(),
                v.evaluation
                    .as_ref()
                    .map(|e| match e.result {
                        EvaluationResult::Satisfied => "满意",
                        EvaluationResult::BasicallySatisfied => "基本满意",
                        EvaluationResult::Unsatisfied => "不满意",
                    })
                    .unwrap_or_default()
                    .into(),
                time(v.submitted_at).into(),
                v.id.to_string().into(),
            ];
            rows.push(fields);
        }
        Ok(Some(rows))
    }
}

/// Exports the suggestions the caller may see, with the list's filters,
/// as CSV (UTF-8 with a byte-order mark) or XLSX, with Chinese column
/// headers. Rows are read page by page, so an export of any size holds
/// one page in memory.
#[utoipa::path(
    tag = "suggestions",
    params(
        ("format" = inline(ExportFormat), Path, description = "`csv` or `xlsx`"),
        SuggestionFilterParams
    ),
    responses(
        (status = 200, description = "The file", content(
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ), headers(("Content-Disposition" = String))),
        (status = 401, description = "An invalid access token was sent", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Neither csv nor xlsx", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/suggestions/export.{format}")]
pub async fn export_suggestions(
    state: Data<AppState>,
    caller: Caller,
    format: Path<ExportFormat>,
    filter: QueryParams<SuggestionFilterParams>,
) -> ApiResult<HttpResponse> {
    let today = state.clock.today();
    let (vis, f) = list_query(&caller, filter.0, today);
    let rows = SuggestionRows {
        state: state.get_ref().clone(),
        caller,
        vis,
        filter: f,
        today,
        after: None,
        names: Default::default(),
        done: false,
    };
    crate::export::respond(
        format.into_inner(),
        crate::export::Table {
            file: "suggestions",
            file_utf8: "%E5%BB%BA%E8%AE%AE",
            sheet: "建议",
            headers: EXPORT_HEADERS,
        },
        rows,
    )
    .await
}

/// Reads a suggestion the caller may see (404 otherwise).
#[utoipa::path(
    tag = "suggestions",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The suggestion", body = SuggestionResponse, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 401, description = "Not signed in and not published", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such suggestion, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/suggestions/{id}")]
pub async fn get_suggestion(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let s = load_for(&state, &caller, id.into_inner(), SuggestionAction::Read).await?;
    let version = s.version;
    Ok(respond::resource(
        &req,
        version,
        &view_for(s, state.clock.today(), &caller),
    ))
}

/// The suggestion categories in use.
#[utoipa::path(
    tag = "suggestions",
    responses((status = 200, description = "Category names, in order", body = Vec<String>, example = json!(["经济发展", "城乡建设", "交通"]))),
    security((), ("bearer" = []))
)]
#[get("/suggestion-categories")]
pub async fn list_categories(state: Data<AppState>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.store.suggestion_categories().await?))
}

/// One entry of a suggestion's timeline.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ea7", "occurred_at": "2026-11-27T08:00:00Z", "actor_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e01", "actor_name": "demo-staff", "action": "assigned", "from_status": "registered", "to_status": "assigned", "detail": {"color": "yellow"}}))]
pub struct TimelineItem {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_name: Option<String>,
    /// `created`, `submitted`, `registered`, `assigned`, `replied`, `evaluated`, ...
    pub action: String,
    pub from_status: Option<SuggestionStatus>,
    pub to_status: Option<SuggestionStatus>,
    pub detail: Option<serde_json::Value>,
}

impl From<TimelineEntry> for TimelineItem {
    fn from(e: TimelineEntry) -> Self {
        Self {
            id: e.id,
            occurred_at: e.occurred_at,
            actor_id: e.actor_id,
            actor_name: e.actor_name,
            action: e.action,
            from_status: e.from_status,
            to_status: e.to_status,
            detail: e.detail,
        }
    }
}

/// A verification or supervision record.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ea5", "kind": "verification", "occurred_on": "2026-11-20", "participants": "代表工委、民政局", "content": "现场查看助餐点运营情况", "created_by": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e01", "created_at": "2026-11-27T08:00:00Z"}))]
pub struct RecordView {
    pub id: Uuid,
    /// `verification` or `supervision_note`.
    pub kind: String,
    pub occurred_on: NaiveDate,
    pub participants: Option<String>,
    pub content: String,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

impl From<SuggestionRecord> for RecordView {
    fn from(r: SuggestionRecord) -> Self {
        Self {
            id: r.id,
            kind: r.kind,
            occurred_on: r.occurred_on,
            participants: r.participants,
            content: r.content,
            created_by: r.created_by,
            created_at: r.created_at,
        }
    }
}

/// A unit's request and its decision.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ea6", "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "kind": "extension", "reason": "需协调用地", "due_date": "2027-01-31", "status": "pending", "decided_by": null, "decided_at": null, "decision_note": null, "created_at": "2026-11-27T08:00:00Z"}))]
pub struct RequestView {
    pub id: Uuid,
    pub unit_id: Uuid,
    /// `reassignment` or `extension`.
    pub kind: String,
    pub reason: String,
    pub due_date: Option<NaiveDate>,
    /// `pending`, `approved` or `denied`.
    pub status: String,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<UnitRequest> for RequestView {
    fn from(r: UnitRequest) -> Self {
        Self {
            id: r.id,
            unit_id: r.unit_id,
            kind: r.kind,
            reason: r.reason,
            due_date: r.requested_deadline,
            status: r.status,
            decided_by: r.decided_by,
            decided_at: r.decided_at,
            decision_note: r.decision_note,
            created_at: r.created_at,
        }
    }
}

/// A commitment of a B reply.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ea3", "reply_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ea4", "content": "年内建成助餐点3个", "due_date": "2026-12-31", "status": "open", "progress": "已建成2个", "fulfilled_at": null, "updated_at": "2026-11-27T08:00:00Z"}))]
pub struct CommitmentView {
    pub id: Uuid,
    pub reply_id: Uuid,
    pub content: String,
    pub due_date: Option<NaiveDate>,
    /// `open` or `fulfilled`.
    pub status: String,
    pub progress: Option<String>,
    pub fulfilled_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl From<Commitment> for CommitmentView {
    fn from(c: Commitment) -> Self {
        Self {
            id: c.id,
            reply_id: c.reply_id,
            content: c.content,
            due_date: c.due_date,
            status: c.status,
            progress: c.progress,
            fulfilled_at: c.fulfilled_at,
            updated_at: c.updated_at,
        }
    }
}

/// One lead unit's time holding the suggestion.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ea1", "lead_unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "started_at": "2026-11-27T08:00:00Z", "ended_at": null, "end_reason": null}))]
pub struct AssignmentView {
    pub id: Uuid,
    pub lead_unit_id: Uuid,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub end_reason: Option<String>,
}

impl From<AssignmentSpell> for AssignmentView {
    fn from(a: AssignmentSpell) -> Self {
        Self {
            id: a.id,
            lead_unit_id: a.lead_unit_id,
            started_at: a.started_at,
            ended_at: a.ended_at,
            end_reason: a.end_reason,
        }
    }
}

macro_rules! sub_list {
    ($(#[$m:meta])* $name:ident, $path:literal, $item:ty, |$st:ident, $id:ident| $load:expr) => {
        $(#[$m])*
        #[utoipa::path(
            tag = "suggestions",
            params(("id" = Uuid, Path), WholeListParams),
            responses(
                (status = 200, description = "Oldest first", body = ListResponse<$item>),
                (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
                (status = 401, description = "Not signed in and not published", body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "No such suggestion, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
            ),
            security((), ("bearer" = []))
        )]
        #[get($path)]
        pub async fn $name(
            state: Data<AppState>,
            caller: Caller,
            id: Path<Uuid>,
            page: QueryParams<WholeListParams>,
        ) -> ApiResult<HttpResponse> {
            let s = load_for(&state, &caller, id.into_inner(), SuggestionAction::ReadRecords).await?;
            let $st: &AppState = &state;
            let $id = s.id;
            let items: Vec<$item> = $load.await?.into_iter().map(<$item>::from).collect();
            Ok(HttpResponse::Ok().json(ListResponse::from_vec(items, &page.0)?))
        }
    };
}

sub_list!(
    /// Every step of the suggestion's handling, with who took it.
    list_timeline, "/suggestions/{id}/timeline", TimelineItem, |st, id| st.store.suggestion_timeline(id)
);
sub_list!(
    /// Every reply letter, by round.
    list_replies, "/suggestions/{id}/replies", ReplyView, |st, id| st.store.suggestion_replies(id)
);
sub_list!(
    /// On-site verifications and supervision notes.
    list_records, "/suggestions/{id}/records", RecordView, |st, id| st.store.suggestion_records(id, None)
);
sub_list!(
    /// Units' requests for re-assignment or extension, with decisions.
    list_requests, "/suggestions/{id}/requests", RequestView, |st, id| st.store.suggestion_requests(id)
);
sub_list!(
    /// Commitments of B replies and their progress.
    list_commitments, "/suggestions/{id}/commitments", CommitmentView, |st, id| st.store.suggestion_commitments(id)
);
sub_list!(
    /// The lead units that held the suggestion, in order (re-assignment lineage).
    list_assignments, "/suggestions/{id}/assignments", AssignmentView, |st, id| st.store.suggestion_assignments(id)
);

/// One unit's line of the summary table (建议办理情况汇总表).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80",
    "unit_name": "区民政局",
    "assigned": 12,
    "replied": 10,
    "replied_on_time": 9,
    "overdue": 1,
    "category_a": 6,
    "category_b": 3,
    "category_c": 1,
    "satisfied": 7,
    "basically_satisfied": 2,
    "unsatisfied": 1,
    "on_time_rate": 0.9,
    "satisfaction_rate": 0.9
}))]
pub struct UnitSummaryView {
    pub unit_id: Uuid,
    pub unit_name: String,
    /// Suggestions it leads (assigned or later).
    pub assigned: i64,
    pub replied: i64,
    pub replied_on_time: i64,
    pub overdue: i64,
    /// By the latest reply's category.
    pub category_a: i64,
    pub category_b: i64,
    pub category_c: i64,
    pub satisfied: i64,
    pub basically_satisfied: i64,
    pub unsatisfied: i64,
    /// Replied on time over replied; null with no reply.
    pub on_time_rate: Option<f64>,
    /// Satisfied or basically satisfied over evaluated; null with none.
    pub satisfaction_rate: Option<f64>,
}

impl From<renda_persistence::stats::UnitSummary> for UnitSummaryView {
    fn from(u: renda_persistence::stats::UnitSummary) -> Self {
        Self {
            unit_id: u.unit_id,
            unit_name: u.unit_name,
            assigned: u.assigned,
            replied: u.replied,
            replied_on_time: u.replied_on_time,
            overdue: u.overdue,
            category_a: u.category_a,
            category_b: u.category_b,
            category_c: u.category_c,
            satisfied: u.satisfied,
            basically_satisfied: u.basically_satisfied,
            unsatisfied: u.unsatisfied,
            on_time_rate: u.on_time_rate,
            satisfaction_rate: u.satisfaction_rate,
        }
    }
}

/// The summary table.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [{
    "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80",
    "unit_name": "区民政局",
    "assigned": 12,
    "replied": 10,
    "replied_on_time": 9,
    "overdue": 1,
    "category_a": 6,
    "category_b": 3,
    "category_c": 1,
    "satisfied": 7,
    "basically_satisfied": 2,
    "unsatisfied": 1,
    "on_time_rate": 0.9,
    "satisfaction_rate": 0.9
}]}))]
pub struct UnitSummaryResponse {
    pub items: Vec<UnitSummaryView>,
}

/// The lines of the summary table the caller may see: every unit for the
/// office and leaders, its own for a unit.
async fn summary_lines(
    state: &AppState,
    caller: &Caller,
    p: StatsParams,
) -> ApiResult<Vec<renda_persistence::stats::UnitSummary>> {
    let actor = caller.actor()?;
    let only = if caller.may(Action::ReadSuggestionStats) {
        None
    } else if actor.has(renda_domain::Role::Unit) && actor.unit_id.is_some() {
        actor.unit_id
    } else {
        return Err(ApiError::forbidden());
    };
    let filter = renda_persistence::stats::StatsFilter {
        year: p.year,
        term: p.term.filter(|t| !renda_domain::text::is_blank(t)),
    };
    Ok(state
        .store
        .suggestion_unit_summary(&filter, state.clock.today(), only)
        .await?)
}

/// The summary table units report on (建议办理情况汇总表): per lead unit,
/// suggestions assigned, replied, replied on time and overdue, the latest
/// replies by category A/B/C, and the deputies' evaluations. The office
/// and leaders see every unit, a unit its own line.
#[utoipa::path(
    tag = "suggestions",
    params(StatsParams),
    responses(
        (status = 200, description = "The table", body = UnitSummaryResponse),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the office, a leader nor a unit", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/suggestions/unit-summary")]
pub async fn unit_summary(
    state: Data<AppState>,
    caller: Caller,
    params: QueryParams<StatsParams>,
) -> ApiResult<HttpResponse> {
    let lines = summary_lines(&state, &caller, params.0).await?;
    Ok(HttpResponse::Ok().json(UnitSummaryResponse {
        items: lines.into_iter().map(UnitSummaryView::from).collect(),
    }))
}

const SUMMARY_HEADERS: &[&str] = &[
    "承办单位",
    "交办件数",
    "已答复",
    "按期答复",
    "逾期未办结",
    "A类",
    "B类",
    "C类",
    "满意",
    "基本满意",
    "不满意",
    "按期答复率",
    "满意率",
];

/// The summary table's lines, all on one page.
struct SummaryRows(Option<Vec<renda_persistence::stats::UnitSummary>>);

impl crate::export::RowSource for SummaryRows {
    async fn next_page(&mut self) -> Result<Option<Vec<Vec<Cell>>>, ApiError> {
        Ok(self.0.take().map(|lines| {
            lines
                .into_iter()
                .map(|u| {
                    vec![
                        u.unit_name.into(),
                        u.assigned.into(),
                        u.replied.into(),
                        u.replied_on_time.into(),
                        u.overdue.into(),
                        u.category_a.into(),
                        u.category_b.into(),
                        u.category_c.into(),
                        u.satisfied.into(),
                        u.basically_satisfied.into(),
                        u.unsatisfied.into(),
                        Cell::Rate(u.on_time_rate),
                        Cell::Rate(u.satisfaction_rate),
                    ]
                })
                .collect()
        }))
    }
}

/// The summary table as CSV or XLSX, with Chinese column headers.
#[utoipa::path(
    tag = "suggestions",
    params(
        ("format" = inline(ExportFormat), Path, description = "`csv` or `xlsx`"),
        StatsParams
    ),
    responses(
        (status = 200, description = "The file", content(
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ), headers(("Content-Disposition" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the office, a leader nor a unit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Neither csv nor xlsx", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/suggestions/unit-summary.{format}")]
pub async fn export_unit_summary(
    state: Data<AppState>,
    caller: Caller,
    format: Path<ExportFormat>,
    params: QueryParams<StatsParams>,
) -> ApiResult<HttpResponse> {
    let lines = summary_lines(&state, &caller, params.0).await?;
    crate::export::respond(
        format.into_inner(),
        crate::export::Table {
            file: "unit-summary",
            file_utf8: "%E5%BB%BA%E8%AE%AE%E5%8A%9E%E7%90%86%E6%83%85%E5%86%B5%E6%B1%87%E6%80%BB%E8%A1%A8",
            sheet: "建议办理情况汇总表",
            headers: SUMMARY_HEADERS,
        },
        SummaryRows(Some(lines)),
    )
    .await
}

/// Which suggestions the statistics count.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    /// Registered in this year.
    #[validate(range(min = 1949, max = 2999))]
    #[param(minimum = 1949, maximum = 2999)]
    pub year: Option<i32>,
    /// Raised in this congress term.
    #[validate(length(min = 1, max = 40))]
    #[param(min_length = 1, max_length = 40)]
    pub term: Option<String>,
}

/// Figures for dashboards.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "total": 128,
    "by_status": {"assigned": 40, "closed": 70, "replied": 10, "submitted": 8},
    "by_color": {"green": 60, "red": 12, "yellow": 48},
    "by_category": {"交通": 20, "教育": 30, "社会保障": 78},
    "on_time_reply_rate": 0.9375,
    "satisfaction_rate": 0.9,
    "units": [{"unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "unit_name": "区民政局", "assigned": 30, "replied": 25, "overdue": 2, "on_time_rate": 0.96, "satisfaction_rate": 0.92}],
    "generated_at": "2026-11-27T08:00:00Z"
}))]
pub struct StatsResponse {
    /// Suggestions past the draft stage.
    pub total: i64,
    pub by_status: std::collections::BTreeMap<String, i64>,
    pub by_color: std::collections::BTreeMap<String, i64>,
    pub by_category: std::collections::BTreeMap<String, i64>,
    /// Replies no later than their deadline, over replies; null without replies.
    pub on_time_reply_rate: Option<f64>,
    /// Satisfied or basically satisfied, over evaluations; null without evaluations.
    pub satisfaction_rate: Option<f64>,
    pub units: Vec<UnitStatsView>,
    /// When the figures were computed (they may be a few seconds old).
    pub generated_at: DateTime<Utc>,
}

/// One lead unit's figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitStatsView {
    pub unit_id: Uuid,
    pub unit_name: String,
    pub assigned: i64,
    pub replied: i64,
    pub overdue: i64,
    pub on_time_rate: Option<f64>,
    pub satisfaction_rate: Option<f64>,
}

/// Statistics of suggestions (staff and leaders): counts by status,
/// colour, category and unit, on-time reply and satisfaction rates. The
/// figures are computed at most every few seconds and served from memory
/// in between.
#[utoipa::path(
    tag = "suggestions",
    params(StatsParams),
    responses(
        (status = 200, description = "The figures", body = StatsResponse),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither staff nor leader", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/suggestions/stats")]
pub async fn suggestion_stats(
    state: Data<AppState>,
    caller: Caller,
    params: QueryParams<StatsParams>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadSuggestionStats)?;
    let p = params.0;
    let filter = renda_persistence::stats::StatsFilter {
        year: p.year,
        term: p.term.filter(|t| !renda_domain::text::is_blank(t)),
    };
    let today = state.clock.today();
    let key = (filter.clone(), today);
    let cache = state.stats_cache.clone();
    let (latest, lock) = cache.get(&key);
    let (at, stats) = match latest {
        Some((at, s)) if at.elapsed() < state.stats_ttl => (at, s),
        Some(stale) => {
            // Serve what we have; refresh in the background unless that is
            // already under way.
            if let Ok(guard) = lock.try_lock_owned() {
                let store = state.store.clone();
                actix_web::rt::spawn(async move {
                    let _guard = guard;
                    match store.suggestion_stats(&filter, today).await {
                        Ok(s) => {
                            cache.put(key, (std::time::Instant::now(), std::sync::Arc::new(s)))
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "could not refresh suggestion statistics")
                        }
                    }
                });
            }
            stale
        }
        None => {
            // The first ask: compute once, while concurrent callers of the same key wait.
            let _guard = lock.lock().await;
            match cache.get(&key).0 {
                Some(fresh) => fresh,
                None => {
                    let computed = (
                        std::time::Instant::now(),
                        std::sync::Arc::new(state.store.suggestion_stats(&filter, today).await?),
                    );
                    cache.put(key, computed.clone());
                    computed
                }
            }
        }
    };
    let generated_at = Utc::now() - chrono::Duration::from_std(at.elapsed()).unwrap_or_default();
    let s = stats.as_ref().clone();
    Ok(HttpResponse::Ok().json(StatsResponse {
        total: s.total,
        by_status: s.by_status,
        by_color: s.by_color,
        by_category: s.by_category,
        on_time_reply_rate: s.on_time_reply_rate,
        satisfaction_rate: s.satisfaction_rate,
        units: s
            .units
            .into_iter()
            .map(|u| UnitStatsView {
                unit_id: u.unit_id,
                unit_name: u.unit_name,
                assigned: u.assigned,
                replied: u.replied,
                overdue: u.overdue,
                on_time_rate: u.on_time_rate,
                satisfaction_rate: u.satisfaction_rate,
            })
            .collect(),
        generated_at,
    }))
}

// ---------------------------------------------------------------- attachments

/// The largest file accepted.
pub const ATTACHMENT_LIMIT: usize = 20 * 1024 * 1024;

/// File types accepted, as recognised from the content (not the name).
const ACCEPTED_TYPES: &[&str] = &[
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
];

/// A file attached to a suggestion.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ea2", "kind": "reply_letter", "file_name": "答复函.pdf", "content_type": "application/pdf", "size": 183422, "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "uploaded_by": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e02", "created_at": "2026-11-27T08:00:00Z"}))]
pub struct AttachmentView {
    pub id: Uuid,
    /// `material` (the deputy's) or `reply_letter` (the lead unit's).
    pub kind: String,
    pub file_name: String,
    /// As recognised from the content.
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: Uuid,
    pub created_at: DateTime<Utc>,
}

impl From<renda_persistence::suggestions::Attachment> for AttachmentView {
    fn from(a: renda_persistence::suggestions::Attachment) -> Self {
        Self {
            id: a.id,
            kind: a.kind,
            file_name: a.file_name,
            content_type: a.content_type,
            size: a.size,
            sha256: a.sha256,
            uploaded_by: a.uploaded_by,
            created_at: a.created_at,
        }
    }
}

/// What kind of file an upload is.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// `material` (the lead deputy, while a draft) or `reply_letter` (the
    /// lead unit, while handling or after replying).
    #[validate(custom(function = "attachment_kind"))]
    #[param(pattern = "^(material|reply_letter)$")]
    pub kind: String,
}

fn attachment_kind(k: &str) -> Result<(), validator::ValidationError> {
    if k == "material" || k == "reply_letter" {
        Ok(())
    } else {
        Err(crate::validation::invalid(
            "kind",
            "须为 material 或 reply_letter",
            "must be material or reply_letter",
        ))
    }
}

/// The multipart form of an upload.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file: PDF, PNG, JPEG, GIF, WebP or Word, at most 20 MiB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

fn safe_file_name(raw: Option<&str>) -> String {
    let base = raw.unwrap_or("").rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    let cleaned = cleaned.trim().to_owned();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        "attachment".into()
    } else {
        cleaned
    }
}

fn file_too_large() -> ApiError {
    ApiError::new(
        actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
        "file_too_large",
        Msg::new("附件不得超过 20 MiB", "An attachment may not exceed 20 MiB"),
    )
}

/// Attaches a file (multipart/form-data, field `file`). The type is
/// recognised from the content; PDF, images and Word documents up to
/// 20 MiB are accepted. The SHA-256 is kept.
#[utoipa::path(
    tag = "suggestions",
    params(("id" = Uuid, Path), UploadParams),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Attached", body = AttachmentView, headers(("Location" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the lead deputy (material) nor the lead unit (reply letter)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such suggestion, or not visible", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The suggestion's state does not take this kind of file now", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Over 20 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not multipart/form-data, or a file type not accepted", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No `file` field, another field, or a bad `kind`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/suggestions/{id}/attachments")]
pub async fn upload_attachment(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    params: QueryParams<UploadParams>,
    req: HttpRequest,
    payload: actix_web::web::Payload,
) -> ApiResult<HttpResponse> {
    use futures_util::StreamExt;
    let kind: &'static str = if params.0.kind == "material" {
        "material"
    } else {
        "reply_letter"
    };
    let action = if kind == "material" {
        SuggestionAction::EditDraft
    } else {
        SuggestionAction::HandleAsLeadUnit
    };
    let before = load_for(&state, &caller, id.into_inner(), action).await?;
    let state_ok = match kind {
        "material" => before.status == SuggestionStatus::Draft,
        _ => matches!(
            before.status,
            SuggestionStatus::Assigned | SuggestionStatus::Rehandling | SuggestionStatus::Replied
        ),
    };
    if !state_ok {
        return Err(invalid_state(before.status));
    }
    let is_multipart = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !is_multipart {
        return Err(ApiError::new(
            actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            Msg::new(
                "上传须使用 multipart/form-data",
                "An upload must be multipart/form-data",
            ),
        ));
    }
    let malformed = || {
        ApiError::bad_request(
            "malformed_multipart",
            Msg::new("multipart 请求体格式错误", "Malformed multipart body"),
        )
    };
    let mut form = actix_multipart::Multipart::new(req.headers(), payload);
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|_| malformed())?;
        // The form has one field, `file`, once (the document says so).
        if field.name() != Some("file") {
            return Err(ApiError::field(
                field.name().unwrap_or_default(),
                "unknown_field",
                Msg::new("表单只有 file 一个字段", "The form has one field, `file`"),
            ));
        }
        if file.is_some() {
            return Err(ApiError::field(
                "file",
                "duplicate",
                Msg::new("只能上传一个文件", "Upload one file at a time"),
            ));
        }
        let name = safe_file_name(field.content_disposition().and_then(|d| d.get_filename()));
        let mut buf = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| malformed())?;
            if buf.len() + chunk.len() > ATTACHMENT_LIMIT {
                return Err(file_too_large());
            }
            buf.extend_from_slice(&chunk);
        }
        file = Some((name, buf));
    }
    let Some((file_name, bytes)) = file else {
        return Err(ApiError::field(
            "file",
            "required",
            Msg::new("缺少文件字段 file", "the `file` field is missing"),
        ));
    };
    let content_type = infer::get(&bytes)
        .map(|t| t.mime_type())
        .filter(|m| ACCEPTED_TYPES.contains(m));
    let Some(content_type) = content_type else {
        return Err(ApiError::new(
            actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_file_type",
            Msg::new(
                "仅接受 PDF、图片（PNG/JPEG/GIF/WebP）和 Word 文档",
                "Only PDF, images (PNG/JPEG/GIF/WebP) and Word documents are accepted",
            ),
        ));
    };
    use sha2::Digest;
    let sha256 = hex::encode(sha2::Sha256::digest(&bytes));
    let attachment = renda_persistence::suggestions::Attachment {
        id: Uuid::now_v7(),
        kind: kind.into(),
        file_name,
        content_type: content_type.into(),
        size: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        sha256,
        uploaded_by: caller.actor()?.user_id,
        created_at: now(),
    };
    let dir = state.data_dir.join("attachments");
    let path = dir.join(attachment.id.to_string());
    let written = async {
        tokio::fs::create_dir_all(&dir).await?;
        tokio::fs::write(&path, &bytes).await
    }
    .await;
    if let Err(e) = written {
        tracing::error!(error = %e, "could not store an attachment");
        return Err(ApiError::internal());
    }
    let detail = json!({"attachment_id": attachment.id, "kind": kind, "file_name": attachment.file_name, "sha256": attachment.sha256});
    let after = before.clone();
    let event = Event {
        action: "attachment_added",
        detail: Some(detail),
    };
    let writes = vec![SideWrite::Attachment(attachment.clone())];
    if let Err(e) = state
        .store
        .save_suggestion(&caller.audit(), &before, after, event, writes)
        .await
    {
        let _ = tokio::fs::remove_file(&path).await;
        return Err(match e {
            StoreError::VersionMismatch => ApiError::conflict(
                "concurrent_change",
                Msg::new(
                    "建议刚被他人修改，请刷新后重试",
                    "The suggestion was just changed by someone else; reload and retry",
                ),
            ),
            other => other.into(),
        });
    }
    let location = format!(
        "/api/v1/suggestions/{}/attachments/{}",
        before.id, attachment.id
    );
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, location))
        .json(AttachmentView::from(attachment)))
}

/// The files attached to a suggestion.
#[utoipa::path(
    tag = "suggestions",
    params(("id" = Uuid, Path), WholeListParams),
    responses(
        (status = 200, description = "Oldest first", body = ListResponse<AttachmentView>),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in and not published", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such suggestion, or not visible", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/suggestions/{id}/attachments")]
pub async fn list_attachments(
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
    let items: Vec<AttachmentView> = state
        .store
        .suggestion_attachments(s.id)
        .await?
        .into_iter()
        .map(AttachmentView::from)
        .collect();
    Ok(HttpResponse::Ok().json(ListResponse::from_vec(items, &page.0)?))
}

fn content_disposition(name: &str) -> String {
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"attachment\"; filename*=UTF-8''{encoded}")
}

/// Downloads an attached file (whoever may see the suggestion).
#[utoipa::path(
    tag = "suggestions",
    params(("id" = Uuid, Path), ("attachment_id" = Uuid, Path)),
    responses(
        (status = 200, description = "The file, with the type recognised from its content when it was uploaded", content(
            (Vec<u8> = "application/pdf"),
            (Vec<u8> = "image/png"),
            (Vec<u8> = "image/jpeg"),
            (Vec<u8> = "image/gif"),
            (Vec<u8> = "image/webp"),
            (Vec<u8> = "application/msword"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (Vec<u8> = "application/octet-stream"),
        ), headers(("Content-Disposition" = String), ("ETag" = String))),
        (status = 401, description = "Not signed in and not published", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such suggestion or file, or not visible", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/suggestions/{id}/attachments/{attachment_id}")]
pub async fn download_attachment(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (id, attachment_id) = path.into_inner();
    let s = load_for(&state, &caller, id, SuggestionAction::ReadRecords).await?;
    let a = state
        .store
        .suggestion_attachment(s.id, attachment_id)
        .await?;
    let bytes = tokio::fs::read(state.data_dir.join("attachments").join(a.id.to_string()))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, attachment = %a.id, "an attachment's file is missing");
            ApiError::internal()
        })?;
    Ok(HttpResponse::Ok()
        .content_type(a.content_type.as_str())
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            content_disposition(&a.file_name),
        ))
        .insert_header((actix_web::http::header::ETAG, format!("\"{}\"", a.sha256)))
        .body(bytes))
}

// ---------------------------------------------------------------- catalogue and double evaluation

/// A new suggestion category.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "文化旅游"}))]
pub struct CategoryRequest {
    #[validate(
        length(min = 1, max = 40),
        custom(function = "crate::validation::not_blank")
    )]
    #[schema(
        min_length = 1,
        max_length = 40,
        pattern = r"^[^\x00]*[^\x00\u0009-\u000d\u0020\u0085\u00a0\u00ad\u034f\u061c\u115f-\u1160\u1680\u17b4-\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8][^\x00]*$"
    )]
    pub name: String,
}

/// Adds a suggestion category (staff); answers the categories in use.
#[utoipa::path(
    tag = "suggestions",
    request_body = CategoryRequest,
    responses(
        (status = 201, description = "The categories in use", body = Vec<String>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The category exists", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/suggestion-categories")]
pub async fn add_category(
    state: Data<AppState>,
    caller: Caller,
    body: JsonBody<CategoryRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::AdministerSuggestionCatalogue)?;
    let name = body.parse()?.name.trim().to_owned();
    let list = state
        .store
        .add_suggestion_category(&caller.audit(), &name)
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            "/api/v1/suggestion-categories",
        ))
        .json(list))
}

/// Retires a category (staff): new suggestions may no longer use it;
/// suggestions that have it keep it.
#[utoipa::path(
    tag = "suggestions",
    params(("name" = String, Path, description = "The category's name")),
    responses(
        (status = 204, description = "Retired"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such category in use", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/suggestion-categories/{name}")]
pub async fn retire_category(
    state: Data<AppState>,
    caller: Caller,
    name: Path<String>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::AdministerSuggestionCatalogue)?;
    state
        .store
        .retire_suggestion_category(&caller.audit(), &name.into_inner())
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A unit named advanced (先进承办单位) for a year.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"year": 2026, "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "reason": "办理质量高、群众满意", "marked_by": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e01", "created_at": "2026-11-27T08:00:00Z"}))]
pub struct AdvancedUnitView {
    pub year: i32,
    pub unit_id: Uuid,
    pub reason: String,
    pub marked_by: Uuid,
    pub created_at: DateTime<Utc>,
}

impl From<renda_persistence::double_evaluation::AdvancedUnit> for AdvancedUnitView {
    fn from(a: renda_persistence::double_evaluation::AdvancedUnit) -> Self {
        Self {
            year: a.year,
            unit_id: a.unit_id,
            reason: a.reason,
            marked_by: a.marked_by,
            created_at: a.created_at,
        }
    }
}

/// Naming a unit advanced.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"year": 2026, "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "reason": "办理及时，代表满意率100%"}))]
pub struct AdvancedUnitRequest {
    #[validate(range(min = 1949, max = 2999))]
    #[schema(minimum = 1949, maximum = 2999)]
    pub year: i32,
    pub unit_id: Uuid,
    #[validate(
        length(min = 1, max = 2000),
        custom(function = "crate::validation::not_blank")
    )]
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"^[^\x00]*[^\x00\u0009-\u000d\u0020\u0085\u00a0\u00ad\u034f\u061c\u115f-\u1160\u1680\u17b4-\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8][^\x00]*$"
    )]
    pub reason: String,
}

/// The year to list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearParams {
    #[validate(range(min = 1949, max = 2999))]
    #[param(minimum = 1949, maximum = 2999)]
    pub year: Option<i32>,
}

/// Units named advanced in the double evaluation, newest year first.
#[utoipa::path(
    tag = "suggestions",
    params(YearParams, WholeListParams),
    responses(
        (status = 200, description = "Advanced units", body = ListResponse<AdvancedUnitView>),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/advanced-units")]
pub async fn list_advanced_units(
    state: Data<AppState>,
    caller: Caller,
    q: QueryParams<YearParams>,
    page: QueryParams<WholeListParams>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadUnits)?;
    let items: Vec<AdvancedUnitView> = state
        .store
        .advanced_units(q.0.year)
        .await?
        .into_iter()
        .map(AdvancedUnitView::from)
        .collect();
    Ok(HttpResponse::Ok().json(ListResponse::from_vec(items, &page.0)?))
}

/// Names a unit advanced for a year, with the reason (staff).
#[utoipa::path(
    tag = "suggestions",
    request_body = AdvancedUnitRequest,
    responses(
        (status = 201, description = "Named", body = AdvancedUnitView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already named for that year", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/advanced-units")]
pub async fn mark_advanced_unit(
    state: Data<AppState>,
    caller: Caller,
    body: JsonBody<AdvancedUnitRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::AdministerSuggestionCatalogue)?;
    let b = body.parse()?;
    if !state.store.unit_exists(b.unit_id).await? {
        return Err(ApiError::field(
            "unit_id",
            "not_found",
            Msg::new("承办单位不存在", "no such unit"),
        ));
    }
    let a = renda_persistence::double_evaluation::AdvancedUnit {
        year: b.year,
        unit_id: b.unit_id,
        reason: b.reason.trim().to_owned(),
        marked_by: caller.actor()?.user_id,
        created_at: now(),
    };
    let saved = state.store.mark_advanced_unit(&caller.audit(), a).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/advanced-units/{}/{}", saved.year, saved.unit_id),
        ))
        .json(AdvancedUnitView::from(saved)))
}

/// Withdraws a unit's advanced title for a year (staff).
#[utoipa::path(
    tag = "suggestions",
    params(("year" = i32, Path), ("unit_id" = Uuid, Path)),
    responses(
        (status = 204, description = "Withdrawn"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not named for that year", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/advanced-units/{year}/{unit_id}")]
pub async fn unmark_advanced_unit(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(i32, Uuid)>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::AdministerSuggestionCatalogue)?;
    let (year, unit_id) = path.into_inner();
    state
        .store
        .unmark_advanced_unit(&caller.audit(), year, unit_id)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

impl crate::pagination::Keyed for TimelineItem {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.occurred_at)
    }
}

impl crate::pagination::Keyed for ReplyView {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.created_at)
    }
}

impl crate::pagination::Keyed for RecordView {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.created_at)
    }
}

impl crate::pagination::Keyed for RequestView {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.decided_at.unwrap_or(self.created_at))
    }
}

impl crate::pagination::Keyed for CommitmentView {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.updated_at)
    }
}

impl crate::pagination::Keyed for AssignmentView {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.ended_at.unwrap_or(self.started_at))
    }
}

impl crate::pagination::Keyed for AttachmentView {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.created_at)
    }
}

impl crate::pagination::Keyed for AdvancedUnitView {
    /// A unit may be named in several years: the year leads the sort key.
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        let year = u128::from(u32::try_from(self.year).unwrap_or(0));
        let unit = self.unit_id.as_u128() & ((1u128 << 96) - 1);
        (Uuid::from_u128((year << 96) | unit), self.created_at)
    }
}
