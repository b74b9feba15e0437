//! Supervision of government (监督): the yearly plan of items and the
//! closed loop of each, from investigation through deliberation opinions
//! and the bodies' rectification to the committee members' satisfaction
//! vote; observers' assignment and observation opinions.

use std::collections::{BTreeMap, HashSet};

use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use renda_auth::Action;
use renda_auth::supervision_access::{
    SupervisionAction, SupervisionScope, decide_supervision, visibility,
};
use renda_domain::supervision::{
    self as rules, INQUIRY_STAGES, Method, OPINION_STAGES, ObservationStatus, Outcome,
    ProblemStatus, RECORD_STAGES, RecordKind, Satisfaction, Stage, StageBlocker, StageFacts,
    StageOp, SupervisionItem, Tally,
};
use renda_persistence::StoreError;
use renda_persistence::supervision::{
    Evaluation, Event, Inquiry, InvestigationRecord, Observation, Opinion, Problem, ProblemAnswer,
    Report, SupervisionFilter, SupervisionVisibility, SupervisionWrite, TimelineEntry, normalise,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

use crate::error::{ApiError, ApiResult, FieldError, Msg, Problem as ProblemDoc};
use crate::extract::{Caller, IfMatch, JsonBody, QueryParams, answer, no_null, take};
use crate::pagination::{Keyed, ListParams, ListResponse, WholeListParams};
use crate::patch::double;
use crate::routes::common::{blank, missing_deputies, missing_units, refuse_blank};
use crate::routes::suggestions::EmptyRequest;
use crate::{AppState, respond};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_supervision)
        .service(list_supervisions)
        // Before `/supervisions/{id}`, which would otherwise take "stats" for an id.
        .service(supervision_stats)
        .service(export_supervisions)
        .service(export_observations)
        .service(get_supervision)
        .service(update_supervision)
        .service(start_investigation)
        .service(start_deliberation)
        .service(start_rectification)
        .service(start_supervision_evaluation)
        .service(conclude_evaluation)
        .service(publish_supervision)
        .service(add_record)
        .service(list_investigation_records)
        .service(get_investigation_record)
        .service(add_inquiry)
        .service(list_inquiries)
        .service(get_inquiry)
        .service(issue_opinion)
        .service(list_deliberation_opinions)
        .service(get_deliberation_opinion)
        .service(submit_report)
        .service(list_reports)
        .service(get_report)
        .service(close_off_problem)
        .service(send_back_problem)
        .service(cast_vote)
        .service(my_vote)
        .service(list_evaluations)
        .service(assign_observer)
        .service(remove_observer)
        .service(file_observation)
        .service(list_observations)
        .service(get_observation)
        .service(decide_observation)
        .service(list_supervision_timeline)
        .service(get_supervision_timeline_entry)
        .service(observer_record);
}

// ---------------------------------------------------------------- views

/// A supervision item.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ea0",
    "title": "全区食品安全法执法检查",
    "year": 2026,
    "description": null,
    "methods": ["law_enforcement_inspection", "satisfaction_evaluation"],
    "body_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80"],
    "committee": "教育科学文化卫生委员会",
    "committee_member_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e11"],
    "deputy_ids": [],
    "observer_ids": [],
    "laws": ["中华人民共和国食品安全法"],
    "stage": "rectifying",
    "round": 1,
    "overdue": false,
    "published_at": null,
    "closed_at": null,
    "created_at": "2026-03-01T08:00:00Z",
    "updated_at": "2026-09-01T08:00:00Z"
}))]
pub struct SupervisionResponse {
    pub id: Uuid,
    pub title: String,
    pub year: i32,
    pub description: Option<String>,
    pub methods: Vec<Method>,
    /// The bodies supervised (units).
    pub body_ids: Vec<Uuid>,
    /// The committee in charge.
    pub committee: String,
    /// Standing-committee members taking part (deputy ids); they vote.
    pub committee_member_ids: Vec<Uuid>,
    /// Other deputies taking part.
    pub deputy_ids: Vec<Uuid>,
    /// Observers assigned.
    pub observer_ids: Vec<Uuid>,
    /// Laws checked by a law-enforcement inspection.
    pub laws: Vec<String>,
    pub stage: Stage,
    /// The evaluation round: 1, plus one for each return to rectifying.
    pub round: i32,
    /// A deliberation opinion's deadline has passed with problems not closed off.
    pub overdue: bool,
    pub published_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn view(s: SupervisionItem, overdue: bool) -> SupervisionResponse {
    SupervisionResponse {
        id: s.id,
        title: s.title,
        year: s.year,
        description: s.description,
        methods: s.methods,
        body_ids: s.body_ids,
        committee: s.committee,
        committee_member_ids: s.committee_member_ids,
        deputy_ids: s.deputy_ids,
        observer_ids: s.observer_ids,
        laws: s.laws,
        stage: s.stage,
        round: s.round,
        overdue,
        published_at: s.published_at,
        closed_at: s.closed_at,
        created_at: s.created_at,
        updated_at: s.updated_at,
    }
}

/// The answer to a change by the office.
async fn respond_item(state: &AppState, s: SupervisionItem) -> ApiResult<HttpResponse> {
    let overdue = is_overdue(state, s.id, None).await?;
    let version = s.version;
    Ok(respond::changed(version, &view(s, overdue)))
}

/// Whether an item's rectification is overdue; for a caller who sees it
/// only as one body (`unit`), whether that body's is.
async fn is_overdue(state: &AppState, id: Uuid, unit: Option<Uuid>) -> ApiResult<bool> {
    Ok(state
        .store
        .overdue_supervisions(&[id], state.clock.today(), unit)
        .await?
        .contains(&id))
}

// ---------------------------------------------------------------- helpers

fn scope(s: &SupervisionItem) -> SupervisionScope {
    SupervisionScope {
        body_ids: s.body_ids.clone(),
        committee_member_ids: s.committee_member_ids.clone(),
        deputy_ids: s.deputy_ids.clone(),
        observer_ids: s.observer_ids.clone(),
        published: s.published_at.is_some(),
    }
}

/// Loads an item and asks the permission module whether the caller may
/// perform `action` on it.
async fn load_for(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    action: SupervisionAction,
) -> ApiResult<SupervisionItem> {
    let s = match state.store.get_supervision(id).await {
        Ok(s) => s,
        // Unknown ids answer like hidden ones.
        Err(StoreError::NotFound) if caller.principal.actor().is_none() => {
            return Err(ApiError::unauthenticated());
        }
        Err(e) => return Err(e.into()),
    };
    answer(decide_supervision(&caller.principal, action, &scope(&s)))?;
    Ok(s)
}

/// The unit a caller sees an item's records through, when the caller is
/// there only as a supervised body: such a caller sees the opinions
/// addressed to it and its own reports, and nothing else of the records.
fn body_only(caller: &Caller, s: &SupervisionItem) -> Option<Uuid> {
    let v = visibility(&caller.principal);
    let involved = v.all
        || v.deputy.is_some_and(|d| s.involves_deputy(d))
        || v.observer.is_some_and(|o| s.observer_ids.contains(&o));
    if involved {
        return None;
    }
    v.unit.filter(|u| s.body_ids.contains(u))
}

fn stage_name(s: Stage) -> (&'static str, &'static str) {
    match s {
        Stage::Planned => ("计划中", "planned"),
        Stage::Investigating => ("调研检查", "investigating"),
        Stage::Deliberating => ("审议", "deliberating"),
        Stage::Rectifying => ("整改", "rectifying"),
        Stage::Evaluating => ("满意度测评", "evaluating"),
        Stage::Closed => ("已办结", "closed"),
    }
}

fn invalid_stage(s: Stage) -> ApiError {
    let (zh, en) = stage_name(s);
    ApiError::conflict(
        "invalid_state",
        Msg::new(
            format!("监督事项当前处于“{zh}”阶段，不允许此操作"),
            format!("The supervision item is {en}; this operation is not allowed now"),
        ),
    )
}

fn require_stage(s: &SupervisionItem, allowed: &[Stage]) -> ApiResult<()> {
    if allowed.contains(&s.stage) {
        Ok(())
    } else {
        Err(invalid_stage(s.stage))
    }
}

fn check_if_match(s: &SupervisionItem, if_match: IfMatch) -> ApiResult<()> {
    match if_match.0 {
        Some(v) if v != s.version => Err(ApiError::precondition_failed()),
        _ => Ok(()),
    }
}

fn concurrent_change() -> ApiError {
    ApiError::conflict(
        "concurrent_change",
        Msg::new(
            "监督事项刚被他人修改，请刷新后重试",
            "The supervision item was just changed by someone else; reload and retry",
        ),
    )
}

/// Saves a change; a concurrent change of the same item is a 409.
async fn save(
    state: &AppState,
    caller: &Caller,
    before: &SupervisionItem,
    after: SupervisionItem,
    action: &'static str,
    detail: Option<serde_json::Value>,
    writes: Vec<SupervisionWrite>,
) -> ApiResult<SupervisionItem> {
    let event = Event { action, detail };
    match state
        .store
        .save_supervision(&caller.audit(), before, after, event, writes)
        .await
    {
        Ok(s) => Ok(s),
        Err(StoreError::VersionMismatch) => Err(concurrent_change()),
        Err(e) => Err(e.into()),
    }
}

fn now() -> DateTime<Utc> {
    renda_domain::time::now()
}

fn note_detail(note: Option<String>) -> Option<serde_json::Value> {
    note.filter(|n| !renda_domain::text::is_blank(n))
        .map(|n| json!({"note": n}))
}

fn plan_error(p: rules::PlanProblem) -> FieldError {
    use rules::PlanProblem::*;
    match p {
        NoMethod => FieldError::new(
            "methods",
            "required",
            Msg::new("至少选择一种监督方式", "name at least one method"),
        ),
        DuplicateMethod => FieldError::new(
            "methods",
            "duplicate",
            Msg::new("监督方式重复", "a method is named twice"),
        ),
        LawsMissing => FieldError::new(
            "laws",
            "required",
            Msg::new(
                "执法检查须列明所检查的法律法规",
                "a law-enforcement inspection names the laws it checks",
            ),
        ),
        LawsWithoutInspection => FieldError::new(
            "laws",
            "not_applicable",
            Msg::new(
                "只有执法检查才列明法律法规",
                "laws are named only for a law-enforcement inspection",
            ),
        ),
    }
}

fn check_laws(laws: &[String]) -> Vec<FieldError> {
    laws.iter()
        .enumerate()
        .filter(|(_, l)| renda_domain::text::is_blank(l) || l.chars().count() > 200)
        .map(|(i, _)| {
            FieldError::new(
                format!("laws[{i}]"),
                "length",
                Msg::new("长度须在 1 到 200 之间", "length must be between 1 and 200"),
            )
        })
        .collect()
}

/// A deputy is named either as committee member or as deputy, not both.
fn overlap(members: &[Uuid], deputies: &[Uuid]) -> Option<FieldError> {
    deputies.iter().any(|d| members.contains(d)).then(|| {
        FieldError::new(
            "deputy_ids",
            "duplicate",
            Msg::new(
                "有代表已列为常委会组成人员",
                "a deputy is already named as a committee member",
            ),
        )
    })
}

/// Observers with a declared tie to one of `bodies`.
async fn conflicted(state: &AppState, observers: &[Uuid], bodies: &[Uuid]) -> ApiResult<Vec<Uuid>> {
    let mut out = Vec::new();
    for o in observers {
        let obs = state.store.get_observer(*o).await?;
        if obs.conflict_unit_ids.iter().any(|u| bodies.contains(u)) {
            out.push(*o);
        }
    }
    Ok(out)
}

fn conflict_of_interest() -> ApiError {
    ApiError::conflict(
        "conflict_of_interest",
        Msg::new(
            "该观察员已申报与被监督单位存在利害关系，不能参与此监督事项",
            "The observer declared a tie to a supervised body and cannot take part in this item",
        ),
    )
}

// ---------------------------------------------------------------- plan

/// A new item of the yearly supervision plan.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "全区食品安全法执法检查",
    "year": 2026,
    "methods": ["law_enforcement_inspection", "satisfaction_evaluation"],
    "body_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80"],
    "committee": "教育科学文化卫生委员会",
    "committee_member_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e11"],
    "laws": ["中华人民共和国食品安全法"]
}))]
pub struct CreateSupervisionRequest {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[validate(range(min = 1949, max = 2999))]
    #[schema(minimum = 1949, maximum = 2999)]
    pub year: i32,
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    /// One or more methods; the usual combinations are research_visit +
    /// work_evaluation, special_report + special_inquiry, and
    /// law_enforcement_inspection + satisfaction_evaluation.
    #[validate(length(min = 1, max = 6))]
    #[schema(min_items = 1, max_items = 6)]
    pub methods: Vec<Method>,
    /// The bodies supervised (units).
    #[validate(length(min = 1, max = 50))]
    #[schema(min_items = 1, max_items = 50)]
    pub body_ids: Vec<Uuid>,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub committee: String,
    #[serde(default)]
    #[validate(length(max = 200))]
    #[schema(max_items = 200)]
    pub committee_member_ids: Vec<Uuid>,
    #[serde(default)]
    #[validate(length(max = 500))]
    #[schema(max_items = 500)]
    pub deputy_ids: Vec<Uuid>,
    /// Required for, and only for, a law-enforcement inspection.
    #[serde(default)]
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub laws: Vec<String>,
}

/// Plans a supervision item (staff). It starts `planned`.
#[utoipa::path(
    tag = "supervision",
    request_body = CreateSupervisionRequest,
    responses(
        (status = 201, description = "Planned", body = SupervisionResponse, headers(("Location" = String), ("ETag" = String))),
        (status = 401, description = "Not signed in", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/supervisions")]
pub async fn create_supervision(
    state: Data<AppState>,
    caller: Caller,
    body: JsonBody<CreateSupervisionRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::CreateSupervision)?;
    let b = body.parse()?;
    refuse_blank(&[("title", &b.title), ("committee", &b.committee)])?;
    let mut errors = check_laws(&b.laws);
    if let Err(p) = rules::check_plan(&b.methods, &b.laws) {
        errors.push(plan_error(p));
    }
    errors.extend(missing_units(&state, "body_ids", &b.body_ids).await?);
    errors.extend(missing_deputies(&state, "committee_member_ids", &b.committee_member_ids).await?);
    errors.extend(missing_deputies(&state, "deputy_ids", &b.deputy_ids).await?);
    errors.extend(overlap(&b.committee_member_ids, &b.deputy_ids));
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let at = now();
    let item = SupervisionItem {
        id: Uuid::now_v7(),
        title: b.title.trim().to_owned(),
        year: b.year,
        description: b.description.filter(|d| !renda_domain::text::is_blank(d)),
        methods: b.methods,
        body_ids: normalise(b.body_ids),
        committee: b.committee.trim().to_owned(),
        committee_member_ids: normalise(b.committee_member_ids),
        deputy_ids: normalise(b.deputy_ids),
        observer_ids: Vec::new(),
        laws: b.laws.into_iter().map(|l| l.trim().to_owned()).collect(),
        stage: Stage::Planned,
        round: 1,
        published_at: None,
        closed_at: None,
        created_by: caller.actor()?.user_id,
        created_at: at,
        updated_at: at,
        version: 1,
    };
    let s = state
        .store
        .create_supervision(&caller.audit(), item)
        .await?;
    let version = s.version;
    Ok(respond::created(
        format!("/api/v1/supervisions/{}", s.id),
        version,
        &view(s, false),
    ))
}

/// A change to an item. While `planned` every field may change; until
/// the vote, the participants; after that, nothing. Lists replace.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"deputy_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e12"]}))]
pub struct UpdateSupervisionRequest {
    #[serde(default, deserialize_with = "double")]
    #[validate(length(min = 1, max = 200))]
    #[schema(value_type = String, required = false, min_length = 1, max_length = 200)]
    pub title: Option<Option<String>>,
    #[serde(default, deserialize_with = "double")]
    #[validate(range(min = 1949, max = 2999))]
    #[schema(value_type = i32, required = false, minimum = 1949, maximum = 2999)]
    pub year: Option<Option<i32>>,
    #[serde(default, deserialize_with = "double")]
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "double")]
    #[validate(length(min = 1, max = 6))]
    #[schema(value_type = Vec<Method>, required = false, min_items = 1, max_items = 6)]
    pub methods: Option<Option<Vec<Method>>>,
    #[serde(default, deserialize_with = "double")]
    #[validate(length(min = 1, max = 50))]
    #[schema(value_type = Vec<Uuid>, required = false, min_items = 1, max_items = 50)]
    pub body_ids: Option<Option<Vec<Uuid>>>,
    #[serde(default, deserialize_with = "double")]
    #[validate(length(min = 1, max = 100))]
    #[schema(value_type = String, required = false, min_length = 1, max_length = 100)]
    pub committee: Option<Option<String>>,
    #[serde(default, deserialize_with = "double")]
    #[validate(length(max = 200))]
    #[schema(value_type = Vec<Uuid>, required = false, max_items = 200)]
    pub committee_member_ids: Option<Option<Vec<Uuid>>>,
    #[serde(default, deserialize_with = "double")]
    #[validate(length(max = 500))]
    #[schema(value_type = Vec<Uuid>, required = false, max_items = 500)]
    pub deputy_ids: Option<Option<Vec<Uuid>>>,
    #[serde(default, deserialize_with = "double")]
    #[validate(length(max = 20))]
    #[schema(value_type = Vec<String>, required = false, max_items = 20)]
    pub laws: Option<Option<Vec<String>>>,
}

/// Changes an item (staff).
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
    request_body = UpdateSupervisionRequest,
    responses(
        (status = 200, description = "Changed", body = SupervisionResponse, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such item, or not visible to the caller", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "The stage does not allow this change, an assigned observer has a tie to a new body, or the item changed meanwhile", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 412, description = "ETag mismatch", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/supervisions/{id}")]
pub async fn update_supervision(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<UpdateSupervisionRequest>,
) -> ApiResult<HttpResponse> {
    let before = load_for(
        &state,
        &caller,
        id.into_inner(),
        SupervisionAction::Administer,
    )
    .await?;
    check_if_match(&before, if_match)?;
    let b = body.parse()?;
    let mut errors = Vec::new();
    let title = take(&mut errors, no_null("title", b.title));
    let year = take(&mut errors, no_null("year", b.year));
    let methods = take(&mut errors, no_null("methods", b.methods));
    let bodies = take(&mut errors, no_null("body_ids", b.body_ids));
    let committee = take(&mut errors, no_null("committee", b.committee));
    let members = take(
        &mut errors,
        no_null("committee_member_ids", b.committee_member_ids),
    );
    let deputies = take(&mut errors, no_null("deputy_ids", b.deputy_ids));
    let laws = take(&mut errors, no_null("laws", b.laws));
    if title.as_deref().is_some_and(renda_domain::text::is_blank) {
        errors.push(blank("title"));
    }
    if committee
        .as_deref()
        .is_some_and(renda_domain::text::is_blank)
    {
        errors.push(blank("committee"));
    }
    if let Some(l) = &laws {
        errors.extend(check_laws(l));
    }
    if let Some(u) = &bodies {
        errors.extend(missing_units(&state, "body_ids", u).await?);
    }
    if let Some(d) = &members {
        errors.extend(missing_deputies(&state, "committee_member_ids", d).await?);
    }
    if let Some(d) = &deputies {
        errors.extend(missing_deputies(&state, "deputy_ids", d).await?);
    }
    let mut after = before.clone();
    if let Some(v) = title {
        after.title = v.trim().to_owned();
    }
    if let Some(v) = year {
        after.year = v;
    }
    if let Some(v) = b.description {
        after.description = v.filter(|d| !renda_domain::text::is_blank(d));
    }
    if let Some(v) = methods {
        after.methods = v;
    }
    if let Some(v) = bodies {
        after.body_ids = normalise(v);
    }
    if let Some(v) = committee {
        after.committee = v.trim().to_owned();
    }
    if let Some(v) = members {
        after.committee_member_ids = normalise(v);
    }
    if let Some(v) = deputies {
        after.deputy_ids = normalise(v);
    }
    if let Some(v) = laws {
        after.laws = v.into_iter().map(|l| l.trim().to_owned()).collect();
    }
    if let Err(p) = rules::check_plan(&after.methods, &after.laws) {
        errors.push(plan_error(p));
    }
    errors.extend(overlap(&after.committee_member_ids, &after.deputy_ids));
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let plan_changed = after.title != before.title
        || after.year != before.year
        || after.description != before.description
        || after.methods != before.methods
        || after.body_ids != before.body_ids
        || after.committee != before.committee
        || after.laws != before.laws;
    let people_changed = after.committee_member_ids != before.committee_member_ids
        || after.deputy_ids != before.deputy_ids;
    if (plan_changed && before.stage != Stage::Planned)
        || (people_changed && matches!(before.stage, Stage::Evaluating | Stage::Closed))
    {
        return Err(invalid_stage(before.stage));
    }
    if after == before {
        return respond_item(&state, before).await;
    }
    if after.body_ids != before.body_ids
        && !conflicted(&state, &after.observer_ids, &after.body_ids)
            .await?
            .is_empty()
    {
        return Err(conflict_of_interest());
    }
    let s = save(&state, &caller, &before, after, "updated", None, vec![]).await?;
    respond_item(&state, s).await
}

/// Filters of the item listing.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SupervisionFilterParams {
    #[validate(range(min = 1949, max = 2999))]
    #[param(minimum = 1949, maximum = 2999)]
    pub year: Option<i32>,
    pub stage: Option<Stage>,
    /// Items using this method.
    pub method: Option<Method>,
    /// Items supervising this unit.
    pub body_id: Option<Uuid>,
    /// Items this observer is assigned to.
    pub observer_id: Option<Uuid>,
    /// Items with a rectification overdue today (true) or none (false).
    pub overdue: Option<bool>,
    /// Words in the title or committee (Chinese substrings match).
    #[validate(length(max = 100))]
    #[param(max_length = 100)]
    pub q: Option<String>,
}

/// Lists the items the caller may see: staff and leaders all, a unit
/// those supervising it, deputies those they take part in, observers
/// those they are assigned to, everyone the published ones.
#[utoipa::path(
    tag = "supervision",
    params(ListParams, SupervisionFilterParams),
    responses(
        (status = 200, description = "A page of items", body = ListResponse<SupervisionResponse>),
        (status = 401, description = "An invalid access token was sent", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/supervisions")]
pub async fn list_supervisions(
    state: Data<AppState>,
    caller: Caller,
    page: QueryParams<ListParams>,
    filter: QueryParams<SupervisionFilterParams>,
) -> ApiResult<HttpResponse> {
    let today = state.clock.today();
    let (vis, f, unit_scope) = list_query(&caller, filter.0, today);
    let page = state
        .store
        .list_supervisions(&vis, &f, &page.0.options()?)
        .await?;
    let ids: Vec<Uuid> = page.live().map(|x| x.id).collect();
    let overdue: HashSet<Uuid> = state
        .store
        .overdue_supervisions(&ids, today, unit_scope)
        .await?;
    Ok(HttpResponse::Ok().json(ListResponse::from_page(page, |s| {
        let o = overdue.contains(&s.id);
        view(s, o)
    })))
}

/// The visibility and filters of a listing by this caller, and the unit
/// whose rectification alone decides "overdue" for a caller who sees items
/// only as a supervised body.
fn list_query(
    caller: &Caller,
    p: SupervisionFilterParams,
    today: NaiveDate,
) -> (SupervisionVisibility, SupervisionFilter, Option<Uuid>) {
    let v = visibility(&caller.principal);
    // A caller who sees items only as a supervised body learns only its
    // own rectification's state.
    let unit_scope = if v.all || v.deputy.is_some() || v.observer.is_some() {
        None
    } else {
        v.unit
    };
    let vis = SupervisionVisibility {
        published: v.published,
        all: v.all,
        unit: v.unit,
        deputy: v.deputy,
        observer: v.observer,
    };
    let f = SupervisionFilter {
        year: p.year,
        stage: p.stage,
        method: p.method,
        body_id: p.body_id,
        observer_id: p.observer_id,
        overdue: p.overdue.map(|o| (o, today)),
        overdue_unit: unit_scope,
        q: p.q.filter(|s| !renda_domain::text::is_blank(s)),
    };
    (vis, f, unit_scope)
}

fn method_name(m: Method) -> &'static str {
    match m {
        Method::ResearchVisit => "视察调研",
        Method::WorkEvaluation => "工作评议",
        Method::SpecialReport => "听取专项报告",
        Method::SpecialInquiry => "专题询问",
        Method::LawEnforcementInspection => "执法检查",
        Method::SatisfactionEvaluation => "满意度测评",
    }
}

const SUPERVISION_HEADERS: &[&str] = &[
    "年度",
    "监督事项",
    "监督方式",
    "负责委员会",
    "监督对象",
    "阶段",
    "测评轮次",
    "是否逾期",
    "办结时间",
    "ID",
];

/// The rows of a supervision export, a page at a time.
struct SupervisionRows {
    state: AppState,
    vis: SupervisionVisibility,
    filter: SupervisionFilter,
    unit_scope: Option<Uuid>,
    today: NaiveDate,
    after: Option<renda_persistence::list::Cursor>,
    names: crate::routes::common::NameCache,
    done: bool,
}

impl crate::export::RowSource for SupervisionRows {
    async fn next_page(&mut self) -> Result<Option<Vec<Vec<crate::export::Cell>>>, ApiError> {
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
            .list_supervisions(&self.vis, &self.filter, &opts)
            .await?;
        self.after = page.next;
        self.done = page.next.is_none();
        let items: Vec<SupervisionItem> = page.live().cloned().collect();
        let ids: Vec<Uuid> = items.iter().map(|i| i.id).collect();
        let overdue: HashSet<Uuid> = self
            .state
            .store
            .overdue_supervisions(&ids, self.today, self.unit_scope)
            .await?;
        let mut rows = Vec::with_capacity(items.len());
        for i in items {
            let mut bodies = Vec::new();
            for b in &i.body_ids {
                bodies.push(self.names.unit(&self.state, *b).await);
            }
            rows.push(vec![
                i64::from(i.year).into(),
                i.title.clone().into(),
                i.methods
                    .iter()
                    .map(|m| method_name(*m))
                    .collect::<Vec<_>>()
                    .join("、")
                    .into(),
                i.committee.clone().into(),
                bodies.join("、").into(),
                stage_name(i.stage).0.into(),
                i64::from(i.round).into(),
                if overdue.contains(&i.id) {
                    "是"
                } else {
                    "否"
                }
                .into(),
                i.closed_at
                    .map(|t| t.to_rfc3339())
                    .unwrap_or_default()
                    .into(),
                i.id.to_string().into(),
            ]);
        }
        Ok(Some(rows))
    }
}

/// Exports the supervision items the caller may see, with the list's
/// filters, as CSV or XLSX with Chinese column headers.
#[utoipa::path(
    tag = "supervision",
    params(
        ("format" = inline(crate::export::ExportFormat), Path, description = "`csv` or `xlsx`"),
        SupervisionFilterParams
    ),
    responses(
        (status = 200, description = "The file", content(
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ), headers(("Content-Disposition" = String))),
        (status = 401, description = "An invalid access token was sent", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "Neither csv nor xlsx", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/supervisions/export.{format}")]
pub async fn export_supervisions(
    state: Data<AppState>,
    caller: Caller,
    format: Path<crate::export::ExportFormat>,
    filter: QueryParams<SupervisionFilterParams>,
) -> ApiResult<HttpResponse> {
    let today = state.clock.today();
    let (vis, f, unit_scope) = list_query(&caller, filter.0, today);
    let rows = SupervisionRows {
        state: state.get_ref().clone(),
        vis,
        filter: f,
        unit_scope,
        today,
        after: None,
        names: Default::default(),
        done: false,
    };
    crate::export::respond(
        format.into_inner(),
        crate::export::Table {
            file: "supervisions",
            file_utf8: "%E7%9B%91%E7%9D%A3%E4%BA%8B%E9%A1%B9",
            sheet: "监督事项",
            headers: SUPERVISION_HEADERS,
        },
        rows,
    )
    .await
}

const OBSERVATION_HEADERS: &[&str] = &[
    "观察员",
    "监督事项",
    "观察意见",
    "采纳情况",
    "理由",
    "提出时间",
    "处理时间",
    "ID",
];

/// Which observation opinions to export.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ObservationExportParams {
    /// Only opinions on items of this year's plan.
    #[validate(range(min = 2000, max = 2100))]
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
}

/// The rows of an observation-opinion export, a page at a time.
struct ObservationRows {
    state: AppState,
    year: Option<i32>,
    after: Option<Uuid>,
    titles: std::collections::HashMap<Uuid, String>,
    observers: std::collections::HashMap<Uuid, String>,
    done: bool,
}

impl crate::export::RowSource for ObservationRows {
    async fn next_page(&mut self) -> Result<Option<Vec<Vec<crate::export::Cell>>>, ApiError> {
        if self.done {
            return Ok(None);
        }
        let page = self
            .state
            .store
            .observations_page(self.year, self.after, 500)
            .await?;
        self.done = page.len() < 500;
        self.after = page.last().map(|o| o.id);
        let mut rows = Vec::with_capacity(page.len());
        for o in page {
            if !self.titles.contains_key(&o.item_id) {
                let t = self
                    .state
                    .store
                    .get_supervision(o.item_id)
                    .await
                    .map(|i| i.title)
                    .unwrap_or_default();
                self.titles.insert(o.item_id, t);
            }
            if !self.observers.contains_key(&o.observer_id) {
                let n = self
                    .state
                    .store
                    .get_observer(o.observer_id)
                    .await
                    .map(|x| x.name)
                    .unwrap_or_default();
                self.observers.insert(o.observer_id, n);
            }
            let status = match o.status {
                ObservationStatus::Pending => "待处理",
                ObservationStatus::Adopted => "采纳",
                ObservationStatus::NotAdopted => "未采纳",
            };
            rows.push(vec![
                self.observers
                    .get(&o.observer_id)
                    .cloned()
                    .unwrap_or_default()
                    .into(),
                self.titles
                    .get(&o.item_id)
                    .cloned()
                    .unwrap_or_default()
                    .into(),
                o.content.into(),
                status.into(),
                o.decision_reason.unwrap_or_default().into(),
                o.created_at.to_rfc3339().into(),
                o.decided_at
                    .map(|t| t.to_rfc3339())
                    .unwrap_or_default()
                    .into(),
                o.id.to_string().into(),
            ]);
        }
        Ok(Some(rows))
    }
}

/// Exports the observers' opinions on every supervision item (the office
/// and leaders), as CSV or XLSX with Chinese column headers.
#[utoipa::path(
    tag = "supervision",
    params(
        ("format" = inline(crate::export::ExportFormat), Path, description = "`csv` or `xlsx`"),
        ObservationExportParams
    ),
    responses(
        (status = 200, description = "The file", content(
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ), headers(("Content-Disposition" = String))),
        (status = 401, description = "Not signed in", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Not the office or a leader", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "Neither csv nor xlsx", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/supervisions/observations/export.{format}")]
pub async fn export_observations(
    state: Data<AppState>,
    caller: Caller,
    format: Path<crate::export::ExportFormat>,
    params: QueryParams<ObservationExportParams>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadSupervisionStats)?;
    let rows = ObservationRows {
        state: state.get_ref().clone(),
        year: params.0.year,
        after: None,
        titles: Default::default(),
        observers: Default::default(),
        done: false,
    };
    crate::export::respond(
        format.into_inner(),
        crate::export::Table {
            file: "observation-opinions",
            file_utf8: "%E8%A7%82%E5%AF%9F%E6%84%8F%E8%A7%81",
            sheet: "观察意见",
            headers: OBSERVATION_HEADERS,
        },
        rows,
    )
    .await
}

/// Reads an item the caller may see (404 otherwise).
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The item", body = SupervisionResponse, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 401, description = "Not signed in and not published", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such item, or not visible to the caller", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/supervisions/{id}")]
pub async fn get_supervision(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let s = load_for(&state, &caller, id.into_inner(), SupervisionAction::Read).await?;
    let overdue = is_overdue(&state, s.id, body_only(&caller, &s)).await?;
    let version = s.version;
    Ok(respond::resource(&req, version, &view(s, overdue)))
}

// ---------------------------------------------------------------- stages

macro_rules! stage_doc {
    ($(#[$m:meta])* $name:ident, $path:literal, $body:ty, $who:literal) => {
        $(#[$m])*
        #[utoipa::path(
            tag = "supervision",
            params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
            request_body = $body,
            responses(
                (status = 200, description = "The updated item", body = SupervisionResponse, headers(("ETag" = String))),
                (status = 401, description = "Not signed in", body = ProblemDoc, content_type = "application/problem+json"),
                (status = 403, description = $who, body = ProblemDoc, content_type = "application/problem+json"),
                (status = 404, description = "No such item, or not visible to the caller", body = ProblemDoc, content_type = "application/problem+json"),
                (status = 409, description = "The stage does not allow this, something is missing, or the item changed meanwhile", body = ProblemDoc, content_type = "application/problem+json"),
                (status = 412, description = "ETag mismatch", body = ProblemDoc, content_type = "application/problem+json"),
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
            stage_ops::$name(state, caller, id.into_inner(), if_match, body).await
        }
    };
}

stage_doc!(
    /// Starts the investigation: visits, inspections, hearings (staff).
    start_investigation, "/supervisions/{id}/start-investigation", EmptyRequest, "Not staff"
);
stage_doc!(
    /// Takes the item to the committee's deliberation (staff).
    start_deliberation, "/supervisions/{id}/start-deliberation", EmptyRequest, "Not staff"
);
stage_doc!(
    /// Starts the bodies' rectification (staff); needs an opinion issued.
    start_rectification, "/supervisions/{id}/start-rectification", EmptyRequest, "Not staff"
);
stage_doc!(
    /// Opens the satisfaction vote (staff); every problem must be closed
    /// off and the item needs committee members to vote.
    start_supervision_evaluation, "/supervisions/{id}/start-evaluation", EmptyRequest, "Not staff"
);
stage_doc!(
    /// Concludes the vote of the current round (staff): the tally is
    /// recorded; an unsatisfied majority (more than half of the votes
    /// cast) sends the item back to rectifying for another round,
    /// otherwise it closes. Needs at least one vote.
    conclude_evaluation, "/supervisions/{id}/conclude-evaluation", EmptyRequest, "Not staff"
);
stage_doc!(
    /// Publishes the item (staff): everyone, signed in or not, may read it.
    publish_supervision, "/supervisions/{id}/publish", EmptyRequest, "Not staff"
);

fn blocker_error(b: StageBlocker) -> ApiError {
    match b {
        StageBlocker::NoOpinion => ApiError::conflict(
            "opinion_missing",
            Msg::new(
                "须先向被监督单位发出审议意见",
                "Issue a deliberation opinion to a body first",
            ),
        ),
        StageBlocker::ProblemsOpen(n) => ApiError::conflict(
            "problems_open",
            Msg::new(
                format!("尚有 {n} 个问题未销号，不能结束整改"),
                format!("{n} problem(s) are not closed off; rectification cannot end"),
            ),
        ),
        StageBlocker::NoFollowUpOpinion => ApiError::conflict(
            "follow_up_missing",
            Msg::new(
                "测评未获通过，须先发出新一轮整改意见",
                "The vote returned the item; issue a follow-up opinion for this round first",
            ),
        ),
        StageBlocker::NoCommitteeMembers => ApiError::conflict(
            "committee_members_missing",
            Msg::new(
                "满意度测评须有参加的常委会组成人员",
                "The vote needs committee members taking part",
            ),
        ),
        StageBlocker::NoVotes => {
            ApiError::conflict("no_votes", Msg::new("尚无人投票", "Nobody has voted yet"))
        }
    }
}

mod stage_ops {
    use super::*;

    async fn facts(state: &AppState, s: &SupervisionItem) -> ApiResult<StageFacts> {
        let opinions = state.store.supervision_opinions(s.id).await?;
        let unclosed: u32 = opinions.iter().map(Opinion::unclosed).sum();
        let this_round = opinions.iter().filter(|o| o.round == s.round).count();
        Ok(StageFacts {
            round: s.round,
            opinions_this_round: u32::try_from(this_round).unwrap_or(u32::MAX),
            opinions: u32::try_from(opinions.len()).unwrap_or(u32::MAX),
            unclosed_problems: unclosed,
            committee_members: u32::try_from(s.committee_member_ids.len()).unwrap_or(u32::MAX),
            votes: 0,
        })
    }

    async fn advance(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<EmptyRequest>,
        op: StageOp,
        action: &'static str,
    ) -> ApiResult<HttpResponse> {
        let before = load_for(&state, &caller, id, SupervisionAction::Administer).await?;
        check_if_match(&before, im)?;
        let b = body.parse()?;
        let stage = rules::next_stage(before.stage, op).map_err(|e| invalid_stage(e.from))?;
        let f = facts(&state, &before).await?;
        if let Some(blocker) = rules::blockers(op, f).into_iter().next() {
            return Err(blocker_error(blocker));
        }
        let mut after = before.clone();
        after.stage = stage;
        let s = save(
            &state,
            &caller,
            &before,
            after,
            action,
            note_detail(b.note),
            vec![],
        )
        .await?;
        respond_item(&state, s).await
    }

    pub async fn start_investigation(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<EmptyRequest>,
    ) -> ApiResult<HttpResponse> {
        let op = StageOp::StartInvestigation;
        advance(state, caller, id, im, body, op, "investigation_started").await
    }

    pub async fn start_deliberation(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<EmptyRequest>,
    ) -> ApiResult<HttpResponse> {
        let op = StageOp::StartDeliberation;
        advance(state, caller, id, im, body, op, "deliberation_started").await
    }

    pub async fn start_rectification(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<EmptyRequest>,
    ) -> ApiResult<HttpResponse> {
        let op = StageOp::StartRectification;
        advance(state, caller, id, im, body, op, "rectification_started").await
    }

    pub async fn start_supervision_evaluation(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<EmptyRequest>,
    ) -> ApiResult<HttpResponse> {
        let op = StageOp::StartEvaluation;
        advance(state, caller, id, im, body, op, "evaluation_started").await
    }

    pub async fn conclude_evaluation(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<EmptyRequest>,
    ) -> ApiResult<HttpResponse> {
        let before = load_for(&state, &caller, id, SupervisionAction::Administer).await?;
        check_if_match(&before, im)?;
        body.parse()?;
        if before.stage != Stage::Evaluating {
            return Err(invalid_stage(before.stage));
        }
        let by = caller.actor()?.user_id;
        match state
            .store
            .conclude_evaluation(&caller.audit(), &before, by)
            .await
        {
            Ok((s, _)) => respond_item(&state, s).await,
            Err(StoreError::Conflict("no_votes")) => Err(blocker_error(StageBlocker::NoVotes)),
            Err(StoreError::VersionMismatch) => Err(concurrent_change()),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn publish_supervision(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<EmptyRequest>,
    ) -> ApiResult<HttpResponse> {
        let before = load_for(&state, &caller, id, SupervisionAction::Administer).await?;
        check_if_match(&before, im)?;
        let b = body.parse()?;
        if before.published_at.is_some() {
            return Err(ApiError::conflict(
                "already_published",
                Msg::new("该监督事项已公开", "The item is already published"),
            ));
        }
        let mut after = before.clone();
        after.published_at = Some(now());
        let s = save(
            &state,
            &caller,
            &before,
            after,
            "published",
            note_detail(b.note),
            vec![],
        )
        .await?;
        respond_item(&state, s).await
    }
}

// ---------------------------------------------------------------- records

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
            created_by: r.created_by,
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
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub place: String,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub participants: Option<String>,
    #[validate(length(min = 1, max = 10000))]
    #[schema(min_length = 1, max_length = 10000)]
    pub findings: String,
}

/// The earliest date a record of the congress can bear.
const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(1949, 10, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

fn no_future(field: &str, d: NaiveDate, today: NaiveDate) -> ApiResult<()> {
    if d > today {
        return Err(ApiError::field(
            field,
            "future",
            Msg::new("日期不能晚于今天", "the date is in the future"),
        ));
    }
    if d < EARLIEST {
        return Err(ApiError::field(
            field,
            "too_early",
            Msg::new("日期不能早于1949年10月1日", "the date is before 1949-10-01"),
        ));
    }
    Ok(())
}

/// Rectification deadlines lie at most this many days ahead.
const MAX_DEADLINE_DAYS: u64 = 730;

/// Records a visit, inspection or hearing (staff, while investigating or deliberating).
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path)),
    request_body = InvestigationRecordRequest,
    responses(
        (status = 201, description = "Recorded", body = InvestigationRecordView),
        (status = 401, description = "Not signed in", body = ProblemDoc, content_type = "application/problem+json"),
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
    refuse_blank(&[("place", &b.place), ("findings", &b.findings)])?;
    no_future("occurred_on", b.occurred_on, state.clock.today())?;
    require_stage(&before, RECORD_STAGES)?;
    let r = InvestigationRecord {
        id: Uuid::now_v7(),
        kind: b.kind,
        occurred_on: b.occurred_on,
        place: b.place.trim().to_owned(),
        participants: b.participants.filter(|p| !renda_domain::text::is_blank(p)),
        findings: b.findings,
        created_by: caller.actor()?.user_id,
        created_at: now(),
    };
    let detail = json!({"record_id": r.id, "kind": r.kind});
    let writes = vec![SupervisionWrite::Record(r.clone())];
    let after = before.clone();
    save(
        &state,
        &caller,
        &before,
        after,
        "record_added",
        Some(detail),
        writes,
    )
    .await?;
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
            unit_id: q.unit_id,
            asked_by: q.asked_by,
            question: q.question,
            answered_by: q.answered_by,
            answer: q.answer,
            created_by: q.created_by,
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
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub asked_by: String,
    #[validate(length(min = 1, max = 5000))]
    #[schema(min_length = 1, max_length = 5000)]
    pub question: String,
    /// The official who answered (name and post).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub answered_by: Option<String>,
    #[validate(length(min = 1, max = 10000))]
    #[schema(min_length = 1, max_length = 10000)]
    pub answer: Option<String>,
}

/// Records a question of the special inquiry and its answer (staff; items
/// with the special_inquiry method, while investigating or deliberating).
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path)),
    request_body = InquiryRequest,
    responses(
        (status = 201, description = "Recorded", body = InquiryView),
        (status = 401, description = "Not signed in", body = ProblemDoc, content_type = "application/problem+json"),
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
    refuse_blank(&[("asked_by", &b.asked_by), ("question", &b.question)])?;
    if b.unit_id.is_some_and(|u| !before.body_ids.contains(&u)) {
        return Err(ApiError::field(
            "unit_id",
            "not_a_body",
            Msg::new(
                "该单位不是此事项的被监督单位",
                "not a body this item supervises",
            ),
        ));
    }
    if !before.methods.contains(&Method::SpecialInquiry) {
        return Err(ApiError::conflict(
            "method_not_planned",
            Msg::new(
                "此监督事项未安排专题询问",
                "This item has no special inquiry",
            ),
        ));
    }
    require_stage(&before, INQUIRY_STAGES)?;
    let q = Inquiry {
        id: Uuid::now_v7(),
        unit_id: b.unit_id,
        asked_by: b.asked_by.trim().to_owned(),
        question: b.question,
        answered_by: b.answered_by,
        answer: b.answer,
        created_by: caller.actor()?.user_id,
        created_at: now(),
    };
    let detail = json!({"inquiry_id": q.id});
    let writes = vec![SupervisionWrite::Inquiry(q.clone())];
    let after = before.clone();
    save(
        &state,
        &caller,
        &before,
        after,
        "inquiry_recorded",
        Some(detail),
        writes,
    )
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/supervisions/{}/inquiries/{}", before.id, q.id),
        ))
        .json(InquiryView::from(q)))
}

// ---------------------------------------------------------------- opinions

/// One problem of an opinion's list.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb5", "opinion_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb4", "position": 1, "description": "农贸市场进货查验记录不全", "status": "closed", "note": "经实地核查，整改到位", "closed_at": "2026-11-27T08:00:00Z", "updated_at": "2026-11-27T08:00:00Z"}))]
pub struct ProblemView {
    pub id: Uuid,
    pub opinion_id: Uuid,
    pub position: i32,
    pub description: String,
    pub status: ProblemStatus,
    /// Why it was sent back, or a note on closing it off.
    pub note: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl From<Problem> for ProblemView {
    fn from(p: Problem) -> Self {
        Self {
            id: p.id,
            opinion_id: p.opinion_id,
            position: p.position,
            description: p.description,
            status: p.status,
            note: p.note,
            closed_at: p.closed_at,
            updated_at: p.updated_at,
        }
    }
}

/// A deliberation opinion (审议意见) issued to one body.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb4", "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "round": 1, "content": "关于全区食品安全法实施情况的审议意见", "deadline": "2026-12-31", "overdue": false, "issued_by": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e01", "issued_at": "2026-11-27T08:00:00Z", "problems": [{"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb5", "opinion_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb4", "position": 1, "description": "农贸市场进货查验记录不全", "status": "answered", "note": null, "closed_at": null, "updated_at": "2026-11-27T08:00:00Z"}]}))]
pub struct OpinionView {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub round: i32,
    pub content: String,
    /// The rectification deadline.
    pub deadline: NaiveDate,
    /// The deadline has passed with problems not closed off.
    pub overdue: bool,
    pub issued_by: Uuid,
    pub issued_at: DateTime<Utc>,
    pub problems: Vec<ProblemView>,
}

fn opinion_view(o: Opinion, today: NaiveDate) -> OpinionView {
    let overdue = o.overdue(today);
    OpinionView {
        id: o.id,
        unit_id: o.unit_id,
        round: o.round,
        content: o.content,
        deadline: o.deadline,
        overdue,
        issued_by: o.issued_by,
        issued_at: o.issued_at,
        problems: o.problems.into_iter().map(ProblemView::from).collect(),
    }
}

/// A deliberation opinion with its list of problems.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80",
    "content": "关于全区食品安全法实施情况的审议意见",
    "deadline": "2026-12-31",
    "problems": ["农贸市场进货查验记录不全", "校园食堂抽检覆盖率偏低"]
}))]
pub struct DeliberationOpinionRequest {
    /// The body it is issued to; one of the item's bodies.
    pub unit_id: Uuid,
    #[validate(length(min = 1, max = 10000))]
    #[schema(min_length = 1, max_length = 10000)]
    pub content: String,
    /// The rectification deadline; today or later.
    pub deadline: NaiveDate,
    /// The problem list (问题清单), one entry per problem.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_items = 1, max_items = 100)]
    pub problems: Vec<String>,
}

/// Issues a deliberation opinion with its problem list to a body (staff;
/// while deliberating, or rectifying for a follow-up after an unsatisfied
/// vote).
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path)),
    request_body = DeliberationOpinionRequest,
    responses(
        (status = 201, description = "Issued", body = OpinionView),
        (status = 401, description = "Not signed in", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such item, or not visible to the caller", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "Not deliberating or rectifying", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/supervisions/{id}/opinions")]
pub async fn issue_opinion(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    body: JsonBody<DeliberationOpinionRequest>,
) -> ApiResult<HttpResponse> {
    let before = load_for(
        &state,
        &caller,
        id.into_inner(),
        SupervisionAction::Administer,
    )
    .await?;
    let b = body.parse()?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    if renda_domain::text::is_blank(&b.content) {
        errors.push(blank("content"));
    }
    if !before.body_ids.contains(&b.unit_id) {
        errors.push(FieldError::new(
            "unit_id",
            "not_a_body",
            Msg::new(
                "该单位不是此事项的被监督单位",
                "not a body this item supervises",
            ),
        ));
    }
    if b.deadline < today {
        errors.push(FieldError::new(
            "deadline",
            "past",
            Msg::new("整改期限不能早于今天", "the deadline is in the past"),
        ));
    } else if today
        .checked_add_days(chrono::Days::new(MAX_DEADLINE_DAYS))
        .is_some_and(|last| b.deadline > last)
    {
        errors.push(FieldError::new(
            "deadline",
            "too_far",
            Msg::new(
                "整改期限不能超过两年",
                "the deadline is more than two years ahead",
            ),
        ));
    }
    for (i, p) in b.problems.iter().enumerate() {
        if renda_domain::text::is_blank(p) || p.chars().count() > 2000 {
            errors.push(FieldError::new(
                format!("problems[{i}]"),
                "length",
                Msg::new(
                    "长度须在 1 到 2000 之间",
                    "length must be between 1 and 2000",
                ),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    require_stage(&before, OPINION_STAGES)?;
    let at = now();
    let opinion_id = Uuid::now_v7();
    let problems = b
        .problems
        .into_iter()
        .enumerate()
        .map(|(i, d)| Problem {
            id: Uuid::now_v7(),
            opinion_id,
            position: i32::try_from(i + 1).unwrap_or(i32::MAX),
            description: d.trim().to_owned(),
            status: ProblemStatus::Open,
            note: None,
            closed_at: None,
            updated_at: at,
        })
        .collect();
    let o = Opinion {
        id: opinion_id,
        unit_id: b.unit_id,
        round: before.round,
        content: b.content,
        deadline: b.deadline,
        issued_by: caller.actor()?.user_id,
        issued_at: at,
        problems,
    };
    let detail = json!({"opinion_id": o.id, "unit_id": o.unit_id, "deadline": o.deadline});
    let writes = vec![SupervisionWrite::Opinion(o.clone())];
    let after = before.clone();
    save(
        &state,
        &caller,
        &before,
        after,
        "opinion_issued",
        Some(detail),
        writes,
    )
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/supervisions/{}/opinions/{}", before.id, o.id),
        ))
        .json(opinion_view(o, today)))
}

/// A rectification report (整改报告).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb6", "opinion_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb4", "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "summary": "已按审议意见完成整改", "answers": [{"problem_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb5", "measures": "全部摊位已公示进货查验记录"}], "submitted_by": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e02", "submitted_at": "2026-11-27T08:00:00Z"}))]
pub struct ReportView {
    pub id: Uuid,
    pub opinion_id: Uuid,
    pub unit_id: Uuid,
    pub summary: String,
    pub answers: Vec<AnswerView>,
    pub submitted_by: Uuid,
    pub submitted_at: DateTime<Utc>,
}

/// A body's answer to one problem.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerView {
    pub problem_id: Uuid,
    /// What the body did about it.
    #[validate(length(min = 1, max = 5000))]
    #[schema(min_length = 1, max_length = 5000)]
    pub measures: String,
}

impl From<Report> for ReportView {
    fn from(r: Report) -> Self {
        Self {
            id: r.id,
            opinion_id: r.opinion_id,
            unit_id: r.unit_id,
            summary: r.summary,
            answers: r
                .answers
                .into_iter()
                .map(|a| AnswerView {
                    problem_id: a.problem_id,
                    measures: a.measures,
                })
                .collect(),
            submitted_by: r.submitted_by,
            submitted_at: r.submitted_at,
        }
    }
}

/// A body's rectification report, answering problems of the opinion one by one.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "summary": "已按审议意见完成整改",
    "answers": [{"problem_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb1", "measures": "全部摊位已公示进货查验记录"}]
}))]
pub struct ReportRequest {
    #[validate(length(min = 1, max = 10000))]
    #[schema(min_length = 1, max_length = 10000)]
    pub summary: String,
    /// Open or sent-back problems of this opinion; each becomes `answered`.
    #[validate(length(min = 1, max = 100), nested)]
    #[schema(min_items = 1, max_items = 100)]
    pub answers: Vec<AnswerView>,
}

/// Submits the body's rectification report on an opinion addressed to it
/// (its unit users, while rectifying).
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path), ("opinion_id" = Uuid, Path)),
    request_body = ReportRequest,
    responses(
        (status = 201, description = "Submitted", body = ReportView),
        (status = 401, description = "Not signed in", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Not a user of the body the opinion is addressed to", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such item or opinion, or not visible to the caller", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "Not rectifying, or a problem is not awaiting rectification", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/supervisions/{id}/opinions/{opinion_id}/reports")]
pub async fn submit_report(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid)>,
    body: JsonBody<ReportRequest>,
) -> ApiResult<HttpResponse> {
    let (id, opinion_id) = path.into_inner();
    let before = load_for(&state, &caller, id, SupervisionAction::ReadRecords).await?;
    let opinion = state
        .store
        .supervision_opinions(id)
        .await?
        .into_iter()
        .find(|o| o.id == opinion_id);
    // An opinion addressed to another body is as unknown as a missing one.
    let opinion = match (opinion, body_only(&caller, &before)) {
        (Some(o), Some(u)) if o.unit_id != u => None,
        (o, _) => o,
    }
    .ok_or_else(ApiError::not_found)?;
    answer(decide_supervision(
        &caller.principal,
        SupervisionAction::ReportAsBody {
            unit_id: opinion.unit_id,
        },
        &scope(&before),
    ))?;
    let b = body.parse()?;
    let mut errors = Vec::new();
    if renda_domain::text::is_blank(&b.summary) {
        errors.push(blank("summary"));
    }
    let mut seen = HashSet::new();
    for (i, a) in b.answers.iter().enumerate() {
        if renda_domain::text::is_blank(&a.measures) {
            errors.push(blank(&format!("answers[{i}].measures")));
        }
        if !opinion.problems.iter().any(|p| p.id == a.problem_id) {
            errors.push(FieldError::new(
                format!("answers[{i}].problem_id"),
                "not_found",
                Msg::new("该审议意见中没有此问题", "no such problem in this opinion"),
            ));
        } else if !seen.insert(a.problem_id) {
            errors.push(FieldError::new(
                format!("answers[{i}].problem_id"),
                "duplicate",
                Msg::new("同一问题重复答复", "the problem is answered twice"),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    require_stage(&before, &[Stage::Rectifying])?;
    let waiting = |id: Uuid| {
        opinion.problems.iter().any(|p| {
            p.id == id && matches!(p.status, ProblemStatus::Open | ProblemStatus::SentBack)
        })
    };
    if let Some(a) = b.answers.iter().find(|a| !waiting(a.problem_id)) {
        return Err(ApiError::conflict(
            "problem_not_open",
            Msg::new(
                format!("问题 {} 不在待整改状态", a.problem_id),
                format!("Problem {} is not awaiting rectification", a.problem_id),
            ),
        ));
    }
    let r = Report {
        id: Uuid::now_v7(),
        opinion_id,
        unit_id: opinion.unit_id,
        summary: b.summary,
        answers: b
            .answers
            .into_iter()
            .map(|a| ProblemAnswer {
                problem_id: a.problem_id,
                measures: a.measures,
            })
            .collect(),
        submitted_by: caller.actor()?.user_id,
        submitted_at: now(),
    };
    let detail = json!({"report_id": r.id, "opinion_id": opinion_id, "problems": r.answers.len()});
    let writes = vec![SupervisionWrite::Report(r.clone())];
    let after = before.clone();
    save(
        &state,
        &caller,
        &before,
        after,
        "report_submitted",
        Some(detail),
        writes,
    )
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/supervisions/{}/reports/{}", before.id, r.id),
        ))
        .json(ReportView::from(r)))
}

/// The office's word on a problem.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"note": "经实地核查，整改到位"}))]
pub struct CloseOffRequest {
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// Why a rectification falls short.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "整改措施未落实到全部摊位"}))]
pub struct SendBackRequest {
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

async fn decide_problem(
    state: &AppState,
    caller: &Caller,
    before: SupervisionItem,
    problem_id: Uuid,
    status: ProblemStatus,
    note: Option<String>,
) -> ApiResult<HttpResponse> {
    let id = before.id;
    let problem = state
        .store
        .supervision_opinions(id)
        .await?
        .into_iter()
        .flat_map(|o| o.problems)
        .find(|p| p.id == problem_id)
        .ok_or_else(ApiError::not_found)?;
    require_stage(&before, &[Stage::Rectifying])?;
    if problem.status != ProblemStatus::Answered {
        return Err(ApiError::conflict(
            "problem_not_answered",
            Msg::new(
                "该问题尚无待审核的整改答复",
                "The problem has no rectification answer awaiting review",
            ),
        ));
    }
    let action = if status == ProblemStatus::Closed {
        "problem_closed_off"
    } else {
        "problem_sent_back"
    };
    let detail = json!({"problem_id": problem_id, "note": note});
    let writes = vec![SupervisionWrite::Problem {
        id: problem_id,
        from: problem.status,
        status,
        note,
    }];
    let after = before.clone();
    save(state, caller, &before, after, action, Some(detail), writes).await?;
    let stored = state
        .store
        .supervision_opinions(id)
        .await?
        .into_iter()
        .flat_map(|o| o.problems)
        .find(|p| p.id == problem_id)
        .ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(ProblemView::from(stored)))
}

/// Closes a problem off (销号) after the body's answer (staff, while rectifying).
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path), ("problem_id" = Uuid, Path)),
    request_body = CloseOffRequest,
    responses(
        (status = 200, description = "Closed off", body = ProblemView),
        (status = 401, description = "Not signed in", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such item or problem", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "Not rectifying, or the problem has no answer to review", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/supervisions/{id}/problems/{problem_id}/close-off")]
pub async fn close_off_problem(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid)>,
    body: JsonBody<CloseOffRequest>,
) -> ApiResult<HttpResponse> {
    let (id, problem_id) = path.into_inner();
    let before = load_for(&state, &caller, id, SupervisionAction::Administer).await?;
    let b = body.parse()?;
    let note = b.note.filter(|n| !renda_domain::text::is_blank(n));
    decide_problem(
        &state,
        &caller,
        before,
        problem_id,
        ProblemStatus::Closed,
        note,
    )
    .await
}

/// Sends a problem back to the body with a reason (staff, while rectifying).
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path), ("problem_id" = Uuid, Path)),
    request_body = SendBackRequest,
    responses(
        (status = 200, description = "Sent back", body = ProblemView),
        (status = 401, description = "Not signed in", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such item or problem", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "Not rectifying, or the problem has no answer to review", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/supervisions/{id}/problems/{problem_id}/send-back")]
pub async fn send_back_problem(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid)>,
    body: JsonBody<SendBackRequest>,
) -> ApiResult<HttpResponse> {
    let (id, problem_id) = path.into_inner();
    let before = load_for(&state, &caller, id, SupervisionAction::Administer).await?;
    let b = body.parse()?;
    refuse_blank(&[("reason", &b.reason)])?;
    let reason = Some(b.reason);
    decide_problem(
        &state,
        &caller,
        before,
        problem_id,
        ProblemStatus::SentBack,
        reason,
    )
    .await
}

// ---------------------------------------------------------------- the vote

/// A committee member's vote.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"choice": "basically_satisfied"}))]
pub struct VoteRequest {
    pub choice: Satisfaction,
}

/// The caller's recorded vote.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"round": 1, "choice": "basically_satisfied", "voted_at": "2026-11-27T08:00:00Z"}))]
pub struct VoteView {
    pub round: i32,
    pub choice: Satisfaction,
    pub voted_at: DateTime<Utc>,
}

/// Casts the caller's satisfaction vote in the current round (a committee
/// member taking part, while evaluating). One vote per member and round;
/// ballots are not shown to anyone, only the tally.
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path)),
    request_body = VoteRequest,
    responses(
        (status = 201, description = "Recorded", body = VoteView),
        (status = 401, description = "Not signed in", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Not a committee member of this item", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such item, or not visible to the caller", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "Not evaluating, or already voted in this round", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/supervisions/{id}/votes")]
pub async fn cast_vote(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    body: JsonBody<VoteRequest>,
) -> ApiResult<HttpResponse> {
    let item = load_for(&state, &caller, id.into_inner(), SupervisionAction::Vote).await?;
    let b = body.parse()?;
    require_stage(&item, &[Stage::Evaluating])?;
    let actor = caller.actor()?;
    let deputy = actor.deputy_id.ok_or_else(ApiError::forbidden)?;
    match state
        .store
        .cast_vote(&caller.audit(), &item, deputy, actor.user_id, b.choice)
        .await
    {
        Ok(v) => Ok(HttpResponse::Created()
            .insert_header((
                actix_web::http::header::LOCATION,
                format!("/api/v1/supervisions/{}/votes/mine", item.id),
            ))
            .json(VoteView {
                round: v.round,
                choice: v.choice,
                voted_at: v.voted_at,
            })),
        Err(StoreError::Conflict("already_voted")) => Err(ApiError::conflict(
            "already_voted",
            Msg::new(
                "您已在本轮测评中投票",
                "You have already voted in this round",
            ),
        )),
        Err(StoreError::VersionMismatch) => Err(concurrent_change()),
        Err(e) => Err(e.into()),
    }
}

/// The caller's own vote in the item's current round (a committee member
/// of the item); 404 before voting.
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The caller's vote", body = VoteView),
        (status = 401, description = "Not signed in", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Not a committee member of this item", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such item, or no vote yet in this round", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/supervisions/{id}/votes/mine")]
pub async fn my_vote(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let item = load_for(&state, &caller, id.into_inner(), SupervisionAction::Vote).await?;
    let deputy = caller.actor()?.deputy_id.ok_or_else(ApiError::forbidden)?;
    let v = state
        .store
        .supervision_votes(item.id)
        .await?
        .into_iter()
        .find(|v| v.round == item.round && v.deputy_id == deputy)
        .ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(VoteView {
        round: v.round,
        choice: v.choice,
        voted_at: v.voted_at,
    }))
}

/// The result of one evaluation round.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"round": 1, "tally": {"satisfied": 9, "basically_satisfied": 4, "unsatisfied": 2}, "total": 15, "outcome": "accepted", "concluded_by": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e01", "concluded_at": "2026-11-27T08:00:00Z"}))]
pub struct SupervisionEvaluationView {
    pub round: i32,
    pub tally: Tally,
    /// Votes cast in the round.
    pub total: u32,
    pub outcome: Outcome,
    pub concluded_by: Uuid,
    pub concluded_at: DateTime<Utc>,
}

impl From<Evaluation> for SupervisionEvaluationView {
    fn from(e: Evaluation) -> Self {
        Self {
            round: e.round,
            total: e.tally.total(),
            tally: e.tally,
            outcome: e.outcome,
            concluded_by: e.concluded_by,
            concluded_at: e.concluded_at,
        }
    }
}

// ---------------------------------------------------------------- observers

/// An observer to assign.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"observer_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e90"}))]
pub struct AssignObserverRequest {
    pub observer_id: Uuid,
}

/// Assigns an active observer to the item (staff, before it closes). An
/// observer with a declared tie to one of the item's bodies is refused.
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
    request_body = AssignObserverRequest,
    responses(
        (status = 200, description = "The updated item", body = SupervisionResponse, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "Conflict of interest, inactive or already assigned observer, or the item is closed", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 412, description = "ETag mismatch", body = ProblemDoc, content_type = "application/problem+json"),
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
    let before = load_for(
        &state,
        &caller,
        id.into_inner(),
        SupervisionAction::Administer,
    )
    .await?;
    check_if_match(&before, if_match)?;
    let b = body.parse()?;
    let observer = match state.store.get_observer(b.observer_id).await {
        Ok(o) => o,
        Err(StoreError::NotFound) => {
            return Err(ApiError::field(
                "observer_id",
                "not_found",
                Msg::new("观察员不存在", "no such observer"),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    if before.stage == Stage::Closed {
        return Err(invalid_stage(before.stage));
    }
    if before.observer_ids.contains(&observer.id) {
        return Err(ApiError::conflict(
            "already_assigned",
            Msg::new("该观察员已参与此事项", "The observer is already assigned"),
        ));
    }
    if observer.status != renda_domain::observer::ObserverStatus::Active {
        return Err(ApiError::conflict(
            "observer_inactive",
            Msg::new("该观察员已不在任", "The observer no longer serves"),
        ));
    }
    if observer
        .conflict_unit_ids
        .iter()
        .any(|u| before.body_ids.contains(u))
    {
        return Err(conflict_of_interest());
    }
    let mut after = before.clone();
    after.observer_ids = normalise([before.observer_ids.clone(), vec![observer.id]].concat());
    let detail = json!({"observer_id": observer.id});
    let s = save(
        &state,
        &caller,
        &before,
        after,
        "observer_assigned",
        Some(detail),
        vec![],
    )
    .await?;
    respond_item(&state, s).await
}

/// Removes an observer from the item (staff). Their opinions stay on record.
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path), ("observer_id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
    responses(
        (status = 200, description = "The updated item", body = SupervisionResponse, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such item, or the observer is not assigned", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "The item is closed, or changed meanwhile", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 412, description = "ETag mismatch", body = ProblemDoc, content_type = "application/problem+json"),
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
    let before = load_for(&state, &caller, id, SupervisionAction::Administer).await?;
    check_if_match(&before, if_match)?;
    if !before.observer_ids.contains(&observer_id) {
        return Err(ApiError::not_found());
    }
    if before.stage == Stage::Closed {
        return Err(invalid_stage(before.stage));
    }
    let mut after = before.clone();
    after.observer_ids.retain(|o| *o != observer_id);
    let detail = json!({"observer_id": observer_id});
    let s = save(
        &state,
        &caller,
        &before,
        after,
        "observer_removed",
        Some(detail),
        vec![],
    )
    .await?;
    respond_item(&state, s).await
}

/// An observation opinion (观察意见).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb3", "item_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ea0", "observer_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e90", "content": "建议将校园周边小餐饮纳入下一轮抽检范围", "status": "adopted", "decision_reason": null, "decided_by": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e01", "decided_at": "2026-11-27T08:00:00Z", "created_at": "2026-11-27T08:00:00Z"}))]
pub struct ObservationView {
    pub id: Uuid,
    pub item_id: Uuid,
    pub observer_id: Uuid,
    pub content: String,
    pub status: ObservationStatus,
    /// Why it was not adopted (or a remark on adopting it).
    pub decision_reason: Option<String>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
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
            decided_by: o.decided_by,
            decided_at: o.decided_at,
            created_at: o.created_at,
        }
    }
}

/// An observer's opinion on the item.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"content": "建议将校园周边小餐饮纳入下一轮抽检范围"}))]
pub struct ObservationRequest {
    #[validate(length(min = 1, max = 10000))]
    #[schema(min_length = 1, max_length = 10000)]
    pub content: String,
}

/// Files an observation opinion (an observer assigned to the item, until it closes).
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path)),
    request_body = ObservationRequest,
    responses(
        (status = 201, description = "Filed", body = ObservationView),
        (status = 401, description = "Not signed in", body = ProblemDoc, content_type = "application/problem+json"),
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
    refuse_blank(&[("content", &b.content)])?;
    if before.stage == Stage::Closed {
        return Err(invalid_stage(before.stage));
    }
    let actor = caller.actor()?;
    let observer_id = actor.observer_id.ok_or_else(ApiError::forbidden)?;
    // The observer may have left, or declared a tie, since the assignment.
    let me = state.store.get_observer(observer_id).await?;
    if me.status != renda_domain::observer::ObserverStatus::Active {
        return Err(ApiError::conflict(
            "observer_inactive",
            Msg::new("该观察员已不在任", "The observer no longer serves"),
        ));
    }
    if me
        .conflict_unit_ids
        .iter()
        .any(|u| before.body_ids.contains(u))
    {
        return Err(conflict_of_interest());
    }
    let o = Observation {
        id: Uuid::now_v7(),
        item_id: before.id,
        observer_id,
        content: b.content,
        status: ObservationStatus::Pending,
        decision_reason: None,
        decided_by: None,
        decided_at: None,
        created_by: actor.user_id,
        created_at: now(),
    };
    let detail = json!({"observation_id": o.id, "observer_id": observer_id});
    let writes = vec![SupervisionWrite::Observation(o.clone())];
    let after = before.clone();
    save(
        &state,
        &caller,
        &before,
        after,
        "observation_filed",
        Some(detail),
        writes,
    )
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/supervisions/{}/observations/{}", before.id, o.id),
        ))
        .json(ObservationView::from(o)))
}

/// The office's decision on an observation opinion.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"adopted": false, "reason": "已列入明年监督计划统筹考虑"}))]
pub struct DecideObservationRequest {
    pub adopted: bool,
    /// Required when not adopted.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: Option<String>,
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
                .pattern(Some(crate::NOT_BLANK_PATTERN)),
        )
        .required("reason");
    crate::add_rule(
        doc,
        "DecideObservationRequest",
        AnyOfBuilder::new().item(adopted).item(reasoned),
    );
}

/// Marks an observation opinion adopted or not adopted with a reason (staff). Once.
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path), ("observation_id" = Uuid, Path)),
    request_body = DecideObservationRequest,
    responses(
        (status = 200, description = "Decided", body = ObservationView),
        (status = 401, description = "Not signed in", body = ProblemDoc, content_type = "application/problem+json"),
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
    let reason = b.reason.filter(|r| !renda_domain::text::is_blank(r));
    if !b.adopted && reason.is_none() {
        return Err(ApiError::field(
            "reason",
            "required",
            Msg::new("不采纳须说明理由", "give a reason for not adopting"),
        ));
    }
    let obs = state
        .store
        .supervision_observations(id)
        .await?
        .into_iter()
        .find(|o| o.id == observation_id)
        .ok_or_else(ApiError::not_found)?;
    if obs.status != ObservationStatus::Pending {
        return Err(ApiError::conflict(
            "already_decided",
            Msg::new(
                "该观察意见已处理",
                "The observation has already been decided",
            ),
        ));
    }
    let status = if b.adopted {
        ObservationStatus::Adopted
    } else {
        ObservationStatus::NotAdopted
    };
    let by = caller.actor()?.user_id;
    let detail = json!({"observation_id": observation_id, "status": status});
    let writes = vec![SupervisionWrite::ObservationDecision {
        id: observation_id,
        status,
        reason,
        by,
    }];
    let after = before.clone();
    save(
        &state,
        &caller,
        &before,
        after,
        "observation_decided",
        Some(detail),
        writes,
    )
    .await?;
    let stored = state
        .store
        .supervision_observations(id)
        .await?
        .into_iter()
        .find(|o| o.id == observation_id)
        .ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(ObservationView::from(stored)))
}

// ---------------------------------------------------------------- sub-collections

/// A step of the item's loop, with who took it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb7", "occurred_at": "2026-11-27T08:00:00Z", "actor_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e01", "actor_name": "demo-staff", "action": "rectification_started", "from_stage": "deliberating", "to_stage": "rectifying", "detail": null}))]
pub struct SupervisionTimelineItem {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_name: Option<String>,
    pub action: String,
    pub from_stage: Option<Stage>,
    pub to_stage: Option<Stage>,
    pub detail: Option<serde_json::Value>,
}

impl From<TimelineEntry> for SupervisionTimelineItem {
    fn from(e: TimelineEntry) -> Self {
        Self {
            id: e.id,
            occurred_at: e.occurred_at,
            actor_id: e.actor_id,
            actor_name: e.actor_name,
            action: e.action,
            from_stage: e.from_stage,
            to_stage: e.to_stage,
            detail: e.detail,
        }
    }
}

impl Keyed for SupervisionTimelineItem {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.occurred_at)
    }
}
impl Keyed for InvestigationRecordView {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.created_at)
    }
}
impl Keyed for InquiryView {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.created_at)
    }
}
impl Keyed for OpinionView {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        let changed = self
            .problems
            .iter()
            .map(|p| p.updated_at)
            .max()
            .unwrap_or(self.issued_at);
        (self.id, changed.max(self.issued_at))
    }
}
impl Keyed for ReportView {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.submitted_at)
    }
}
impl Keyed for ObservationView {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.decided_at.unwrap_or(self.created_at))
    }
}
impl Keyed for SupervisionEvaluationView {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        // Rounds are few and numbered; order them by round.
        let round = u128::try_from(self.round).unwrap_or(0);
        (Uuid::from_u128(round), self.concluded_at)
    }
}

/// Who may read a sub-collection besides the office and the participants.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BodyAccess {
    /// A supervised body sees none of it.
    None,
    /// A supervised body sees the entries addressed to it.
    Own,
}

macro_rules! sub_collection {
    (
        $(#[$m:meta])*
        $list:ident, $get:ident, $path:literal, $one:literal, $param:literal,
        $item:ty, $access:expr, $loader:ident
    ) => {
        $(#[$m])*
        #[utoipa::path(
            tag = "supervision",
            params(("id" = Uuid, Path), WholeListParams),
            responses(
                (status = 200, description = "Oldest first", body = ListResponse<$item>),
                (status = 401, description = "Not signed in", body = ProblemDoc, content_type = "application/problem+json"),
                (status = 403, description = "Not for a supervised body", body = ProblemDoc, content_type = "application/problem+json"),
                (status = 404, description = "No such item, or not visible to the caller", body = ProblemDoc, content_type = "application/problem+json"),
                (status = 422, description = "Invalid parameters", body = ProblemDoc, content_type = "application/problem+json"),
            ),
            security(("bearer" = []))
        )]
        #[get($path)]
        pub async fn $list(
            state: Data<AppState>,
            caller: Caller,
            id: Path<Uuid>,
            page: QueryParams<WholeListParams>,
        ) -> ApiResult<HttpResponse> {
            let items = read_sub(&state, &caller, id.into_inner(), $access, $loader).await?;
            Ok(HttpResponse::Ok().json(ListResponse::from_vec(items, &page.0)?))
        }

        /// One entry of the collection.
        #[utoipa::path(
            tag = "supervision",
            params(("id" = Uuid, Path), ($param = Uuid, Path)),
            responses(
                (status = 200, description = "The entry", body = $item),
                (status = 401, description = "Not signed in", body = ProblemDoc, content_type = "application/problem+json"),
                (status = 403, description = "Not for a supervised body", body = ProblemDoc, content_type = "application/problem+json"),
                (status = 404, description = "No such item or entry, or not visible to the caller", body = ProblemDoc, content_type = "application/problem+json"),
            ),
            security(("bearer" = []))
        )]
        #[get($one)]
        pub async fn $get(
            state: Data<AppState>,
            caller: Caller,
            path: Path<(Uuid, Uuid)>,
        ) -> ApiResult<HttpResponse> {
            let (id, entry) = path.into_inner();
            let items = read_sub(&state, &caller, id, $access, $loader).await?;
            let found = items
                .into_iter()
                .find(|i| i.key().0 == entry)
                .ok_or_else(ApiError::not_found)?;
            Ok(HttpResponse::Ok().json(found))
        }
    };
}

/// Loads an item for reading its records, refuses a caller there only as
/// a body where the collection is not for bodies, and loads the entries
/// (those addressed to the body, for such a caller).
async fn read_sub<T, F, Fut>(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    access: BodyAccess,
    loader: F,
) -> ApiResult<Vec<T>>
where
    F: FnOnce(AppState, SupervisionItem, Option<Uuid>) -> Fut,
    Fut: std::future::Future<Output = ApiResult<Vec<T>>>,
{
    let s = load_for(state, caller, id, SupervisionAction::ReadRecords).await?;
    let unit = body_only(caller, &s);
    if unit.is_some() && access == BodyAccess::None {
        return Err(ApiError::forbidden());
    }
    loader(state.clone(), s, unit).await
}

async fn timeline_of(
    st: AppState,
    s: SupervisionItem,
    _unit: Option<Uuid>,
) -> ApiResult<Vec<SupervisionTimelineItem>> {
    let rows = st.store.supervision_timeline(s.id).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

async fn records_of(
    st: AppState,
    s: SupervisionItem,
    _unit: Option<Uuid>,
) -> ApiResult<Vec<InvestigationRecordView>> {
    let rows = st.store.supervision_records(s.id).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

async fn inquiries_of(
    st: AppState,
    s: SupervisionItem,
    _unit: Option<Uuid>,
) -> ApiResult<Vec<InquiryView>> {
    let rows = st.store.supervision_inquiries(s.id).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

async fn opinions_of(
    st: AppState,
    s: SupervisionItem,
    unit: Option<Uuid>,
) -> ApiResult<Vec<OpinionView>> {
    let today = st.clock.today();
    let rows = st.store.supervision_opinions(s.id).await?;
    Ok(rows
        .into_iter()
        .filter(|o| unit.is_none_or(|u| o.unit_id == u))
        .map(|o| opinion_view(o, today))
        .collect())
}

async fn reports_of(
    st: AppState,
    s: SupervisionItem,
    unit: Option<Uuid>,
) -> ApiResult<Vec<ReportView>> {
    let rows = st.store.supervision_reports(s.id).await?;
    Ok(rows
        .into_iter()
        .filter(|r| unit.is_none_or(|u| r.unit_id == u))
        .map(Into::into)
        .collect())
}

async fn observations_of(
    st: AppState,
    s: SupervisionItem,
    _unit: Option<Uuid>,
) -> ApiResult<Vec<ObservationView>> {
    let rows = st.store.supervision_observations(s.id).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

sub_collection!(
    /// Every step of the item's loop, with who took it.
    list_supervision_timeline, get_supervision_timeline_entry, "/supervisions/{id}/timeline", "/supervisions/{id}/timeline/{entry_id}",
    "entry_id", SupervisionTimelineItem, BodyAccess::None, timeline_of
);
sub_collection!(
    /// Investigation records: visits, inspections and hearings.
    list_investigation_records, get_investigation_record, "/supervisions/{id}/records", "/supervisions/{id}/records/{record_id}",
    "record_id", InvestigationRecordView, BodyAccess::None, records_of
);
sub_collection!(
    /// The special inquiry's questions and answers.
    list_inquiries, get_inquiry, "/supervisions/{id}/inquiries", "/supervisions/{id}/inquiries/{inquiry_id}",
    "inquiry_id", InquiryView, BodyAccess::None, inquiries_of
);
sub_collection!(
    /// Deliberation opinions with their problem lists (a body sees those addressed to it).
    list_deliberation_opinions, get_deliberation_opinion, "/supervisions/{id}/opinions", "/supervisions/{id}/opinions/{opinion_id}",
    "opinion_id", OpinionView, BodyAccess::Own, opinions_of
);
sub_collection!(
    /// Rectification reports (a body sees its own).
    list_reports, get_report, "/supervisions/{id}/reports", "/supervisions/{id}/reports/{report_id}",
    "report_id", ReportView, BodyAccess::Own, reports_of
);
sub_collection!(
    /// Observers' opinions and the office's decisions on them.
    list_observations, get_observation, "/supervisions/{id}/observations", "/supervisions/{id}/observations/{observation_id}",
    "observation_id", ObservationView, BodyAccess::None, observations_of
);

/// The results of the concluded evaluation rounds: the tally and what it
/// decided. Readable wherever the item is.
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path), WholeListParams),
    responses(
        (status = 200, description = "By round", body = ListResponse<SupervisionEvaluationView>),
        (status = 401, description = "Not signed in and not published", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such item, or not visible to the caller", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/supervisions/{id}/evaluations")]
pub async fn list_evaluations(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    page: QueryParams<WholeListParams>,
) -> ApiResult<HttpResponse> {
    let s = load_for(&state, &caller, id.into_inner(), SupervisionAction::Read).await?;
    let items: Vec<SupervisionEvaluationView> = state
        .store
        .supervision_evaluations(s.id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(HttpResponse::Ok().json(ListResponse::from_vec(items, &page.0)?))
}

// ---------------------------------------------------------------- figures

/// Which items the statistics count.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SupervisionStatsParams {
    /// Items of this plan year (all years if absent).
    #[validate(range(min = 1949, max = 2999))]
    #[param(minimum = 1949, maximum = 2999)]
    pub year: Option<i32>,
}

/// Rectification figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct RectificationStats {
    /// Problems listed in deliberation opinions.
    pub problems: u64,
    pub closed: u64,
    /// Closed off no later than the opinion's deadline.
    pub closed_on_time: u64,
    /// Past the deadline and not closed off.
    pub overdue: u64,
    /// closed_on_time over closed; null when none is closed.
    pub on_time_rate: Option<f64>,
}

/// Satisfaction-vote figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct SatisfactionStats {
    /// Concluded rounds.
    pub evaluations: u64,
    pub accepted: u64,
    pub returned: u64,
    /// Votes of every concluded round.
    pub votes: Tally,
    /// Satisfied or basically satisfied over all votes; null without votes.
    pub satisfaction_rate: Option<f64>,
}

/// Figures of the supervision work.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "year": 2026,
    "items": 12,
    "by_stage": {"planned": 2, "investigating": 1, "deliberating": 1, "rectifying": 3, "evaluating": 1, "closed": 4},
    "by_method": {"research_visit": 4, "work_evaluation": 4, "special_report": 3, "special_inquiry": 3, "law_enforcement_inspection": 5, "satisfaction_evaluation": 5},
    "rectification": {"problems": 40, "closed": 30, "closed_on_time": 27, "overdue": 2, "on_time_rate": 0.9},
    "satisfaction": {"evaluations": 5, "accepted": 4, "returned": 1, "votes": {"satisfied": 60, "basically_satisfied": 25, "unsatisfied": 10}, "satisfaction_rate": 0.8947}
}))]
pub struct SupervisionStatsResponse {
    pub year: Option<i32>,
    pub items: u64,
    pub by_stage: BTreeMap<String, u64>,
    pub by_method: BTreeMap<String, u64>,
    pub rectification: RectificationStats,
    pub satisfaction: SatisfactionStats,
}

fn ratio(n: u64, d: u64) -> Option<f64> {
    (d > 0).then(|| {
        let r = n as f64 / d as f64;
        (r * 10000.0).round() / 10000.0
    })
}

/// Statistics of supervision (staff and leaders): items by stage and
/// method, on-time rectification, satisfaction results.
#[utoipa::path(
    tag = "supervision",
    params(SupervisionStatsParams),
    responses(
        (status = 200, description = "The figures", body = SupervisionStatsResponse),
        (status = 401, description = "Not signed in", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Neither staff nor leader", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/supervisions/stats")]
pub async fn supervision_stats(
    state: Data<AppState>,
    caller: Caller,
    params: QueryParams<SupervisionStatsParams>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadSupervisionStats)?;
    let year = params.0.year;
    let st = state
        .store
        .supervision_stats(year, state.clock.today())
        .await?;
    let votes = st.votes;
    let favourable = u64::from(votes.satisfied) + u64::from(votes.basically_satisfied);
    Ok(HttpResponse::Ok().json(SupervisionStatsResponse {
        year,
        items: st.items,
        by_stage: st
            .by_stage
            .iter()
            .map(|(s, n)| (s.as_str().to_owned(), *n))
            .collect(),
        by_method: st
            .by_method
            .iter()
            .map(|(m, n)| (m.as_str().to_owned(), *n))
            .collect(),
        rectification: RectificationStats {
            problems: st.problems,
            closed: st.problems_closed,
            closed_on_time: st.problems_closed_on_time,
            overdue: st.problems_overdue,
            on_time_rate: ratio(st.problems_closed_on_time, st.problems_closed),
        },
        satisfaction: SatisfactionStats {
            evaluations: st.evaluations,
            accepted: st.accepted,
            returned: st.returned,
            votes,
            satisfaction_rate: ratio(favourable, u64::from(votes.total())),
        },
    }))
}

/// Which year of an observer's record.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ObserverRecordParams {
    /// The plan year (this year if absent).
    #[validate(range(min = 1949, max = 2999))]
    #[param(minimum = 1949, maximum = 2999)]
    pub year: Option<i32>,
}

/// An item an observer joined.
#[derive(Debug, Serialize, ToSchema)]
pub struct JoinedItem {
    pub id: Uuid,
    pub title: String,
    pub stage: Stage,
}

/// An observer's record of a year (履职记录).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "observer_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e90",
    "year": 2026,
    "items_joined": 1,
    "items": [{"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ea0", "title": "全区食品安全法执法检查", "stage": "closed"}],
    "opinions_filed": 3, "opinions_adopted": 2, "opinions_not_adopted": 1, "opinions_pending": 0
}))]
pub struct ObserverRecordResponse {
    pub observer_id: Uuid,
    pub year: i32,
    pub items_joined: u64,
    pub items: Vec<JoinedItem>,
    pub opinions_filed: u64,
    pub opinions_adopted: u64,
    pub opinions_not_adopted: u64,
    pub opinions_pending: u64,
}

/// An observer's record for a year: the items they are assigned to and
/// their observation opinions with how many were adopted (the office,
/// leaders and the observer).
#[utoipa::path(
    tag = "observers",
    params(("id" = Uuid, Path), ObserverRecordParams),
    responses(
        (status = 200, description = "The record", body = ObserverRecordResponse),
        (status = 401, description = "Not signed in", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Not the office, a leader or this observer", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such observer", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/observers/{id}/record")]
pub async fn observer_record(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    params: QueryParams<ObserverRecordParams>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    caller.require(Action::ReadObserverRecord { observer_id: id })?;
    if !state.store.observer_exists(id).await? {
        return Err(ApiError::not_found());
    }
    let year = params.0.year.unwrap_or_else(|| state.clock.today().year());
    let r = state.store.observer_record(id, year).await?;
    Ok(HttpResponse::Ok().json(ObserverRecordResponse {
        observer_id: id,
        year,
        items_joined: r.items.len() as u64,
        items: r
            .items
            .into_iter()
            .map(|(id, title, stage)| JoinedItem { id, title, stage })
            .collect(),
        opinions_filed: r.opinions_filed,
        opinions_adopted: r.opinions_adopted,
        opinions_not_adopted: r.opinions_not_adopted,
        opinions_pending: r.opinions_pending,
    }))
}
