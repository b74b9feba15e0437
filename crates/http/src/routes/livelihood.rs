//! Livelihood projects voted by deputies (民生实事项目人大代表票决): a
//! round collects candidates, shortlists them, lets the deputies of its
//! congress vote, and follows the adopted projects to their evaluation.

use actix_web::http::header;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, get, post};
use chrono::{DateTime, NaiveDate, Utc};
use renda_auth::Action;
use renda_domain::Role;
use renda_domain::deputy::{Level, MembershipStatus};
use renda_domain::livelihood::{
    self as rules, BallotProblem, CandidateSource, CandidateStatus, Choice, Rating, RoundOp,
    RoundStage,
};
use renda_domain::supervision::Tally;
use renda_persistence::StoreError;
use renda_persistence::livelihood::{Candidate, Comment, Event, Progress, Round, TimelineEntry};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

use crate::error::{ApiError, ApiResult, FieldError, Msg, Problem};
use crate::extract::{Caller, IfMatch, JsonBody, QueryParams};
use crate::pagination::{Keyed, ListParams, ListResponse, WholeListParams};
use crate::routes::common::{blank, concurrent_change, limit_anonymous};
use crate::routes::suggestions::EmptyRequest;
use crate::{AppState, respond};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_round)
        .service(list_rounds)
        .service(get_round)
        .service(start_review)
        .service(start_voting)
        .service(close_voting)
        .service(break_tie)
        .service(start_round_evaluation)
        .service(close_round)
        .service(round_timeline)
        .service(propose_candidate)
        .service(list_candidates)
        .service(get_candidate)
        .service(review_candidate)
        .service(cast_ballot)
        .service(my_ballot)
        .service(list_voters)
        .service(round_results)
        .service(report_progress)
        .service(list_progress)
        .service(add_comment)
        .service(list_comments)
        .service(rate_project);
}

// ---------------------------------------------------------------- rounds

/// A round.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f00", "year": 2027, "level": "county", "term": "第十九届",
    "title": "2027年宿城区民生实事项目", "seats": 10, "secret_ballot": true, "stage": "voting",
    "ballots_cast": 120, "tie_break": null,
    "created_at": "2026-11-27T08:00:00Z", "updated_at": "2026-12-20T08:00:00Z"
}))]
pub struct RoundResponse {
    pub id: Uuid,
    pub year: i32,
    /// The congress whose deputies vote: level and term.
    pub level: Level,
    pub term: String,
    pub title: String,
    /// How many projects the vote adopts.
    pub seats: u32,
    /// Whether who chose what stays unknown to everyone.
    pub secret_ballot: bool,
    pub stage: RoundStage,
    pub ballots_cast: u64,
    /// How a tie at the cut-off was decided (JSON text), if there was one.
    pub tie_break: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

async fn round_view(state: &AppState, r: Round) -> ApiResult<RoundResponse> {
    let ballots_cast = state.store.ballots_cast(r.id).await?;
    Ok(RoundResponse {
        id: r.id,
        year: r.year,
        level: r.level,
        term: r.term,
        title: r.title,
        seats: r.seats,
        secret_ballot: r.secret_ballot,
        stage: r.stage,
        ballots_cast,
        tie_break: r.tie_break,
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
}

/// A new round.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "year": 2027, "level": "county", "term": "第十九届", "title": "2027年宿城区民生实事项目",
    "seats": 10, "secret_ballot": true
}))]
pub struct CreateRoundRequest {
    #[validate(range(min = 1949, max = 2999))]
    #[schema(minimum = 1949, maximum = 2999)]
    pub year: i32,
    pub level: Level,
    #[validate(length(min = 1, max = 40))]
    #[schema(
        min_length = 1,
        max_length = 40,
        pattern = r"^[^\x00]*[^\x00\u0009-\u000d\u0020\u0085\u00a0\u00ad\u034f\u061c\u115f-\u1160\u1680\u17b4-\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8][^\x00]*$"
    )]
    pub term: String,
    #[validate(length(min = 1, max = 200))]
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00]*[^\x00\u0009-\u000d\u0020\u0085\u00a0\u00ad\u034f\u061c\u115f-\u1160\u1680\u17b4-\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8][^\x00]*$"
    )]
    pub title: String,
    #[validate(range(min = 1, max = 100))]
    #[schema(minimum = 1, maximum = 100)]
    pub seats: u32,
    /// Default true.
    pub secret_ballot: Option<bool>,
}

/// Opens a round (staff). It starts collecting candidates.
#[utoipa::path(
    tag = "livelihood",
    request_body = CreateRoundRequest,
    responses(
        (status = 201, description = "Opened", body = RoundResponse, headers(("Location" = String), ("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/livelihood-rounds")]
pub async fn create_round(
    state: Data<AppState>,
    caller: Caller,
    body: JsonBody<CreateRoundRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageLivelihood)?;
    let b = body.parse()?;
    let errors: Vec<FieldError> = [("term", &b.term), ("title", &b.title)]
        .iter()
        .filter(|(_, v)| renda_domain::text::is_blank(v))
        .map(|(f, _)| blank(f))
        .collect();
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let now = renda_domain::time::now();
    let r = Round {
        id: Uuid::now_v7(),
        year: b.year,
        level: b.level,
        term: b.term.trim().to_owned(),
        title: b.title.trim().to_owned(),
        seats: b.seats,
        secret_ballot: b.secret_ballot.unwrap_or(true),
        stage: RoundStage::Collecting,
        tie_break: None,
        created_by: caller.actor()?.user_id,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    let r = state.store.create_round(&caller.audit(), r).await?;
    let version = r.version;
    let location = format!("/api/v1/livelihood-rounds/{}", r.id);
    Ok(respond::created(
        location,
        version,
        &round_view(&state, r).await?,
    ))
}

/// Filters of the round listing.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RoundFilterParams {
    #[validate(range(min = 1949, max = 2999))]
    #[param(minimum = 1949, maximum = 2999)]
    pub year: Option<i32>,
    pub stage: Option<RoundStage>,
}

/// Lists rounds (everyone: the public proposes candidates).
#[utoipa::path(
    tag = "livelihood",
    params(ListParams, RoundFilterParams),
    responses(
        (status = 200, description = "A page of rounds", body = ListResponse<RoundResponse>),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/livelihood-rounds")]
pub async fn list_rounds(
    state: Data<AppState>,
    page: QueryParams<ListParams>,
    filter: QueryParams<RoundFilterParams>,
) -> ApiResult<HttpResponse> {
    let page = state
        .store
        .list_rounds(filter.0.year, filter.0.stage, &page.0.options()?)
        .await?;
    let mut counts = std::collections::HashMap::new();
    for row in &page.items {
        if let renda_persistence::list::Row::Live(r) = row {
            counts.insert(r.id, state.store.ballots_cast(r.id).await?);
        }
    }
    Ok(
        HttpResponse::Ok().json(ListResponse::from_page(page, |r| RoundResponse {
            ballots_cast: counts.get(&r.id).copied().unwrap_or(0),
            id: r.id,
            year: r.year,
            level: r.level,
            term: r.term,
            title: r.title,
            seats: r.seats,
            secret_ballot: r.secret_ballot,
            stage: r.stage,
            tie_break: r.tie_break,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })),
    )
}

/// Reads a round (everyone).
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The round", body = RoundResponse, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 404, description = "No such round", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/livelihood-rounds/{id}")]
pub async fn get_round(
    state: Data<AppState>,
    id: Path<Uuid>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let r = state.store.get_round(id.into_inner()).await?;
    let version = r.version;
    let v = round_view(&state, r).await?;
    Ok(respond::resource(&req, version, &v))
}

fn invalid_stage(s: RoundStage) -> ApiError {
    ApiError::conflict(
        "invalid_state",
        Msg::new(
            format!("本轮票决当前处于“{s}”阶段，不允许此操作"),
            format!("The round is {s}; this operation is not allowed now"),
        ),
    )
}

/// A storage refusal as an answer; a stage that changed meanwhile is
/// named as it is now.
async fn store_error(state: &AppState, e: StoreError, round: Uuid) -> ApiError {
    match e {
        StoreError::VersionMismatch => concurrent_change(),
        StoreError::Conflict(
            code @ ("candidates_undecided" | "nothing_shortlisted" | "tie_pending"),
        ) => ApiError::conflict(
            code,
            Msg::new(
                "候选项目刚有变动，当前不能进入下一阶段",
                "The candidates changed meanwhile; the round cannot move on now",
            ),
        ),
        StoreError::Conflict("stage_changed") => match state.store.get_round(round).await {
            Ok(r) => invalid_stage(r.stage),
            Err(e) => e.into(),
        },
        other => other.into(),
    }
}

async fn load_admin(state: &AppState, caller: &Caller, id: Uuid, im: &IfMatch) -> ApiResult<Round> {
    caller.require(Action::ManageLivelihood)?;
    let r = state.store.get_round(id).await?;
    if im.0.is_some_and(|v| v != r.version) {
        return Err(ApiError::precondition_failed());
    }
    Ok(r)
}

async fn advance(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    im: IfMatch,
    body: JsonBody<EmptyRequest>,
    op: RoundOp,
    action: &'static str,
) -> ApiResult<HttpResponse> {
    let before = load_admin(state, caller, id, &im).await?;
    let b = body.parse()?;
    let stage =
        rules::next_round_stage(before.stage, op).ok_or_else(|| invalid_stage(before.stage))?;
    if op == RoundOp::StartVoting {
        let undecided = state
            .store
            .round_candidates(id, Some(CandidateStatus::Proposed))
            .await?;
        if let Some(c) = undecided.first() {
            return Err(ApiError::conflict(
                "candidates_undecided",
                Msg::new(
                    format!("候选项目“{}”等尚未审查，须逐项决定", c.title),
                    format!(
                        "Candidates such as “{}” are not reviewed yet; decide each",
                        c.title
                    ),
                ),
            ));
        }
        let shortlisted = state
            .store
            .round_candidates(id, Some(CandidateStatus::Shortlisted))
            .await?;
        if shortlisted.is_empty() {
            return Err(ApiError::conflict(
                "nothing_shortlisted",
                Msg::new("尚无入围候选项目", "No candidate is shortlisted"),
            ));
        }
    }
    if op == RoundOp::StartEvaluation && state.store.tie_pending(id).await? {
        return Err(ApiError::conflict(
            "tie_pending",
            Msg::new(
                "末位同票的项目尚未决定",
                "A tie at the cut-off is not decided yet",
            ),
        ));
    }
    let mut after = before.clone();
    after.stage = stage;
    let detail = b
        .note
        .filter(|n| !renda_domain::text::is_blank(n))
        .map(|n| json!({"note": n}));
    let r = match state
        .store
        .save_round(&caller.audit(), &before, after, Event { action, detail })
        .await
    {
        Ok(r) => r,
        Err(e) => return Err(store_error(state, e, before.id).await),
    };
    let version = r.version;
    Ok(respond::changed(version, &round_view(state, r).await?))
}

macro_rules! stage_op {
    ($(#[$m:meta])* $name:ident, $path:literal, $op:expr, $action:literal) => {
        $(#[$m])*
        #[utoipa::path(
            tag = "livelihood",
            params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
            request_body = EmptyRequest,
            responses(
                (status = 200, description = "The round", body = RoundResponse, headers(("ETag" = String))),
                (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
                (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "No such round", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = "The stage does not allow this, or the round changed meanwhile", body = Problem, content_type = "application/problem+json"),
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
            body: JsonBody<EmptyRequest>,
        ) -> ApiResult<HttpResponse> {
            advance(&state, &caller, id.into_inner(), if_match, body, $op, $action).await
        }
    };
}

stage_op!(
    /// Ends collecting; the office reviews the candidates (staff).
    start_review, "/livelihood-rounds/{id}/start-review", RoundOp::StartReview, "review_started"
);
stage_op!(
    /// Opens the vote on the shortlisted candidates (staff).
    start_voting, "/livelihood-rounds/{id}/start-voting", RoundOp::StartVoting, "voting_started"
);
stage_op!(
    /// Moves the adopted projects to their evaluation by the deputies (staff).
    start_round_evaluation, "/livelihood-rounds/{id}/start-evaluation", RoundOp::StartEvaluation, "evaluation_started"
);
stage_op!(
    /// Closes the round (staff). Final.
    close_round, "/livelihood-rounds/{id}/close", RoundOp::Close, "closed"
);

/// Closes the vote (staff): the stored ballots are counted, the top N by
/// approvals among candidates approved on more than half of the ballots
/// are adopted and become projects of their units, and the round moves to
/// implementing. Candidates tied at the cut-off are marked `tied`: the
/// count is frozen and the office decides them with `break-tie`.
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag (each ballot changes it)")),
    request_body = EmptyRequest,
    responses(
        (status = 200, description = "The round, now implementing", body = RoundResponse, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such round", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not voting", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "ETag mismatch", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/livelihood-rounds/{id}/close-voting")]
pub async fn close_voting(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<EmptyRequest>,
) -> ApiResult<HttpResponse> {
    let before = load_admin(&state, &caller, id.into_inner(), &if_match).await?;
    body.parse()?;
    if before.stage != RoundStage::Voting {
        return Err(invalid_stage(before.stage));
    }
    match state.store.close_voting(&caller.audit(), before.id).await {
        Ok((r, _)) => {
            let version = r.version;
            Ok(respond::changed(version, &round_view(&state, r).await?))
        }
        Err(e) => Err(store_error(&state, e, before.id).await),
    }
}

/// The office's decision on a tie at the cut-off.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"adopt": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f10"], "reason": "主任会议研究决定"}))]
pub struct BreakTieRequest {
    /// Exactly as many of the tied candidates as seats are open.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_items = 1, max_items = 100)]
    pub adopt: Vec<Uuid>,
    #[validate(length(min = 1, max = 2000))]
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"^[^\x00]*[^\x00\u0009-\u000d\u0020\u0085\u00a0\u00ad\u034f\u061c\u115f-\u1160\u1680\u17b4-\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8][^\x00]*$"
    )]
    pub reason: String,
}

/// Decides a tie at the cut-off (staff, while implementing): the named
/// tied candidates are adopted, the other tied ones not. The decision and
/// its reason stay with the round and its results.
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
    request_body = BreakTieRequest,
    responses(
        (status = 200, description = "Decided", body = RoundResponse, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such round", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not implementing, or changed meanwhile", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "ETag mismatch", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No tie, or a choice that does not fit it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/livelihood-rounds/{id}/break-tie")]
pub async fn break_tie(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<BreakTieRequest>,
) -> ApiResult<HttpResponse> {
    let before = load_admin(&state, &caller, id.into_inner(), &if_match).await?;
    let b = body.parse()?;
    if renda_domain::text::is_blank(&b.reason) {
        return Err(ApiError::validation(vec![blank("reason")]));
    }
    if before.stage != RoundStage::Implementing {
        return Err(invalid_stage(before.stage));
    }
    match state
        .store
        .break_tie(&caller.audit(), &before, &b.adopt, b.reason.trim())
        .await
    {
        Ok(r) => {
            let version = r.version;
            Ok(respond::changed(version, &round_view(&state, r).await?))
        }
        Err(StoreError::Conflict("bad_tie_break")) => Err(ApiError::field(
            "adopt",
            "bad_tie_break",
            Msg::new(
                "须且只须从同票项目中选出空余名额数的项目（且须有同票）",
                "name exactly as many of the tied candidates as seats are open (and only when there is a tie)",
            ),
        )),
        Err(e) => Err(store_error(&state, e, before.id).await),
    }
}

/// A step of the round, with who took it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ef4", "occurred_at": "2026-11-27T08:00:00Z", "actor_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e01", "actor_name": "demo-staff", "action": "voting_closed", "from_stage": "voting", "to_stage": "implementing", "detail": {"ballots": 120, "adopted": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ef1"], "tied": [], "open_seats": 0}}))]
pub struct RoundTimelineItem {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_name: Option<String>,
    pub action: String,
    pub from_stage: Option<RoundStage>,
    pub to_stage: Option<RoundStage>,
    pub detail: Option<serde_json::Value>,
}

impl Keyed for RoundTimelineItem {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.occurred_at)
    }
}

impl From<TimelineEntry> for RoundTimelineItem {
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

/// Every step of the round (everyone).
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path), WholeListParams),
    responses(
        (status = 200, description = "Oldest first", body = ListResponse<RoundTimelineItem>),
        (status = 404, description = "No such round", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/livelihood-rounds/{id}/timeline")]
pub async fn round_timeline(
    state: Data<AppState>,
    id: Path<Uuid>,
    page: QueryParams<WholeListParams>,
) -> ApiResult<HttpResponse> {
    let r = state.store.get_round(id.into_inner()).await?;
    let items: Vec<RoundTimelineItem> = state
        .store
        .round_timeline(r.id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(HttpResponse::Ok().json(ListResponse::from_vec(items, &page.0)?))
}

// ---------------------------------------------------------------- candidates

/// A candidate; once adopted, a project.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ef1", "round_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ef0", "title": "城区老旧小区加装电梯", "description": "为30个老旧小区加装电梯", "estimated_budget": 30000000, "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "source": "public", "status": "adopted", "review_reason": "群众呼声高，资金可落实", "approvals": 96, "against": 4, "abstentions": 20, "created_at": "2026-11-27T08:00:00Z", "updated_at": "2026-11-27T08:00:00Z"}))]
pub struct CandidateResponse {
    pub id: Uuid,
    pub round_id: Uuid,
    pub title: String,
    pub description: String,
    /// Yuan.
    pub estimated_budget: Option<i64>,
    /// The responsible unit.
    pub unit_id: Option<Uuid>,
    pub source: CandidateSource,
    pub status: CandidateStatus,
    /// Why it was shortlisted or not.
    pub review_reason: Option<String>,
    /// The vote's count, once the vote is closed.
    pub approvals: Option<u32>,
    pub against: Option<u32>,
    pub abstentions: Option<u32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Candidate> for CandidateResponse {
    fn from(c: Candidate) -> Self {
        Self {
            id: c.id,
            round_id: c.round_id,
            title: c.title,
            description: c.description,
            estimated_budget: c.estimated_budget,
            unit_id: c.unit_id,
            source: c.source,
            status: c.status,
            review_reason: c.review_reason,
            approvals: c.approvals,
            against: c.against,
            abstentions: c.abstentions,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

impl Keyed for CandidateResponse {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.updated_at)
    }
}

/// A candidate to propose.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "城区老旧小区加装电梯", "description": "为30个老旧小区加装电梯",
    "estimated_budget": 30000000, "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80"
}))]
pub struct ProposeRequest {
    #[validate(length(min = 1, max = 200))]
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00]*[^\x00\u0009-\u000d\u0020\u0085\u00a0\u00ad\u034f\u061c\u115f-\u1160\u1680\u17b4-\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8][^\x00]*$"
    )]
    pub title: String,
    #[validate(length(min = 1, max = 5000))]
    #[schema(
        min_length = 1,
        max_length = 5000,
        pattern = r"^[^\x00]*[^\x00\u0009-\u000d\u0020\u0085\u00a0\u00ad\u034f\u061c\u115f-\u1160\u1680\u17b4-\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8][^\x00]*$"
    )]
    pub description: String,
    /// Yuan.
    #[validate(range(min = 0, max = 1_000_000_000_000_i64))]
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub estimated_budget: Option<i64>,
    /// The unit to carry it out.
    pub unit_id: Option<Uuid>,
}

/// Proposes a candidate while the round collects: anyone (without an
/// account, limited per client address like constituent opinions), a
/// deputy, or staff for a government proposal.
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path)),
    request_body = ProposeRequest,
    responses(
        (status = 201, description = "Proposed", body = CandidateResponse, headers(("Location" = String))),
        (status = 404, description = "No such round", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The round no longer collects", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many proposals from this address", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = String))),
    ),
    security((), ("bearer" = []))
)]
#[post("/livelihood-rounds/{id}/candidates")]
pub async fn propose_candidate(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    req: HttpRequest,
    body: JsonBody<ProposeRequest>,
) -> ApiResult<HttpResponse> {
    let round = state.store.get_round(id.into_inner()).await?;
    let actor = caller.principal.actor();
    let limited = actor.is_none_or(|a| !a.has(Role::Staff) && !a.has(Role::Deputy));
    if limited {
        limit_anonymous(&state, &req).await?;
    }
    let b = body.parse()?;
    let errors: Vec<FieldError> = [("title", &b.title), ("description", &b.description)]
        .iter()
        .filter(|(_, v)| renda_domain::text::is_blank(v))
        .map(|(f, _)| blank(f))
        .collect();
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    if let Some(u) = b.unit_id
        && !state.store.unit_exists(u).await?
    {
        return Err(ApiError::field(
            "unit_id",
            "not_found",
            Msg::new("承办单位不存在", "no such unit"),
        ));
    }
    if round.stage != RoundStage::Collecting {
        return Err(invalid_stage(round.stage));
    }
    let (source, deputy) = match actor {
        Some(a) if a.has(Role::Staff) => (CandidateSource::Government, None),
        Some(a) if a.has(Role::Deputy) && a.deputy_id.is_some() => {
            (CandidateSource::Deputy, a.deputy_id)
        }
        _ => (CandidateSource::Public, None),
    };
    let now = renda_domain::time::now();
    let c = Candidate {
        id: Uuid::now_v7(),
        round_id: round.id,
        title: b.title.trim().to_owned(),
        description: b.description,
        estimated_budget: b.estimated_budget,
        unit_id: b.unit_id,
        source,
        proposed_by: actor.map(|a| a.user_id),
        proposer_deputy_id: deputy,
        status: CandidateStatus::Proposed,
        review_reason: None,
        reviewed_by: None,
        approvals: None,
        against: None,
        abstentions: None,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    let c = match state.store.create_candidate(&caller.audit(), c).await {
        Ok(c) => c,
        Err(e) => return Err(store_error(&state, e, round.id).await),
    };
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/livelihood-rounds/{}/candidates/{}", round.id, c.id),
        ))
        .json(CandidateResponse::from(c)))
}

/// Which candidates.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CandidateFilterParams {
    /// `adopted` lists the projects.
    pub status: Option<CandidateStatus>,
}

/// A round's candidates (everyone); `status=adopted` gives its projects.
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path), WholeListParams, CandidateFilterParams),
    responses(
        (status = 200, description = "Candidates", body = ListResponse<CandidateResponse>),
        (status = 404, description = "No such round", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/livelihood-rounds/{id}/candidates")]
pub async fn list_candidates(
    state: Data<AppState>,
    id: Path<Uuid>,
    page: QueryParams<WholeListParams>,
    filter: QueryParams<CandidateFilterParams>,
) -> ApiResult<HttpResponse> {
    let r = state.store.get_round(id.into_inner()).await?;
    let items: Vec<CandidateResponse> = state
        .store
        .round_candidates(r.id, filter.0.status)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(HttpResponse::Ok().json(ListResponse::from_vec(items, &page.0)?))
}

/// A project's standing: its latest progress and its ratings.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectStanding {
    /// The latest reported percentage.
    pub percent: Option<i32>,
    pub ratings: Tally,
}

/// A candidate, and for a project its standing.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ef1", "round_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ef0", "title": "城区老旧小区加装电梯", "description": "为30个老旧小区加装电梯", "estimated_budget": 30000000, "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "source": "public", "status": "adopted", "review_reason": "群众呼声高，资金可落实", "approvals": 96, "against": 4, "abstentions": 20, "created_at": "2026-11-27T08:00:00Z", "updated_at": "2026-11-27T08:00:00Z", "project": {"percent": 60, "ratings": {"satisfied": 80, "basically_satisfied": 30, "unsatisfied": 10}}}))]
pub struct CandidateDetail {
    #[serde(flatten)]
    pub candidate: CandidateResponse,
    pub project: Option<ProjectStanding>,
}

/// Reads a candidate (everyone).
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path), ("candidate_id" = Uuid, Path)),
    responses(
        (status = 200, description = "The candidate", body = CandidateDetail),
        (status = 404, description = "No such round or candidate", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/livelihood-rounds/{id}/candidates/{candidate_id}")]
pub async fn get_candidate(
    state: Data<AppState>,
    path: Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (id, cid) = path.into_inner();
    let c = state.store.get_candidate(id, cid).await?;
    let project = if c.status == CandidateStatus::Adopted {
        let percent = state
            .store
            .project_progress(c.id)
            .await?
            .last()
            .map(|p| p.percent);
        let ratings = state
            .store
            .round_ratings(id)
            .await?
            .remove(&c.id)
            .unwrap_or_default();
        Some(ProjectStanding { percent, ratings })
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(CandidateDetail {
        candidate: c.into(),
        project,
    }))
}

/// The office's decision on a candidate.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"shortlist": true, "reason": "群众呼声高，资金可落实", "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80"}))]
pub struct ReviewRequest {
    pub shortlist: bool,
    #[validate(length(min = 1, max = 2000))]
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"^[^\x00]*[^\x00\u0009-\u000d\u0020\u0085\u00a0\u00ad\u034f\u061c\u115f-\u1160\u1680\u17b4-\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8][^\x00]*$"
    )]
    pub reason: String,
    /// The responsible unit (a shortlisted candidate needs one).
    pub unit_id: Option<Uuid>,
}

/// Shortlists a candidate or not, with a reason (staff, while reviewing).
/// A shortlisted candidate needs a responsible unit.
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path), ("candidate_id" = Uuid, Path)),
    request_body = ReviewRequest,
    responses(
        (status = 200, description = "Reviewed", body = CandidateResponse),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such round or candidate", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not reviewing", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No responsible unit, or bad input", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/livelihood-rounds/{id}/candidates/{candidate_id}/review")]
pub async fn review_candidate(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid)>,
    body: JsonBody<ReviewRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageLivelihood)?;
    let (id, cid) = path.into_inner();
    let round = state.store.get_round(id).await?;
    let before = state.store.get_candidate(id, cid).await?;
    let b = body.parse()?;
    if renda_domain::text::is_blank(&b.reason) {
        return Err(ApiError::validation(vec![blank("reason")]));
    }
    if let Some(u) = b.unit_id
        && !state.store.unit_exists(u).await?
    {
        return Err(ApiError::field(
            "unit_id",
            "not_found",
            Msg::new("承办单位不存在", "no such unit"),
        ));
    }
    let unit = b.unit_id.or(before.unit_id);
    if b.shortlist && unit.is_none() {
        return Err(ApiError::field(
            "unit_id",
            "required",
            Msg::new(
                "入围项目须明确责任单位",
                "a shortlisted candidate needs a responsible unit",
            ),
        ));
    }
    if round.stage != RoundStage::Reviewing {
        return Err(invalid_stage(round.stage));
    }
    let mut after = before.clone();
    after.status = if b.shortlist {
        CandidateStatus::Shortlisted
    } else {
        CandidateStatus::Rejected
    };
    after.review_reason = Some(b.reason);
    after.unit_id = unit;
    after.reviewed_by = Some(caller.actor()?.user_id);
    let saved = state
        .store
        .save_candidate(
            &caller.audit(),
            &before,
            after,
            RoundStage::Reviewing,
            "review",
        )
        .await;
    let c = match saved {
        Ok(c) => c,
        Err(e) => return Err(store_error(&state, e, round.id).await),
    };
    Ok(HttpResponse::Ok().json(CandidateResponse::from(c)))
}

// ---------------------------------------------------------------- the vote

/// A ballot: approve up to the round's seats; mark others against or
/// abstain; candidates left unmarked count as abstentions.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "approve": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f10"],
    "against": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f11"],
    "abstain": []
}))]
pub struct BallotRequest {
    #[serde(default)]
    #[validate(length(max = 200))]
    #[schema(max_items = 200)]
    pub approve: Vec<Uuid>,
    #[serde(default)]
    #[validate(length(max = 200))]
    #[schema(max_items = 200)]
    pub against: Vec<Uuid>,
    #[serde(default)]
    #[validate(length(max = 200))]
    #[schema(max_items = 200)]
    pub abstain: Vec<Uuid>,
}

/// The caller's ballot, as far as it may be shown.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"round_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ef0", "cast_at": "2026-11-27T08:00:00Z", "marks": null}))]
pub struct BallotReceipt {
    pub round_id: Uuid,
    pub cast_at: DateTime<Utc>,
    /// The marks, for an open ballot; null for a secret one.
    pub marks: Option<Vec<MarkView>>,
}

/// One mark of a ballot.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarkView {
    pub candidate_id: Uuid,
    pub choice: Choice,
}

/// The caller's deputy id if they are a deputy of the round's congress.
async fn member(state: &AppState, caller: &Caller, round: &Round) -> ApiResult<Uuid> {
    let a = caller.actor()?;
    let Some(d) = a.deputy_id.filter(|_| a.has(Role::Deputy)) else {
        return Err(ApiError::forbidden());
    };
    let deputy = state.store.get_deputy(d).await?;
    let serving = deputy.memberships.iter().any(|m| {
        m.level == round.level && m.term == round.term && m.status == MembershipStatus::Serving
    });
    if serving {
        Ok(d)
    } else {
        Err(ApiError::forbidden())
    }
}

fn ballot_error(p: BallotProblem) -> ApiError {
    match p {
        BallotProblem::TooManyApprovals { seats, given } => ApiError::field(
            "approve",
            "too_many",
            Msg::new(
                format!("最多赞成 {seats} 个项目，实际 {given} 个"),
                format!("at most {seats} approvals, {given} given"),
            ),
        ),
        BallotProblem::NotShortlisted(c) => ApiError::field(
            "approve",
            "not_shortlisted",
            Msg::new(
                format!("{c} 不是入围项目"),
                format!("{c} is not on the ballot"),
            ),
        ),
        BallotProblem::MarkedTwice(c) => ApiError::field(
            "approve",
            "marked_twice",
            Msg::new(format!("{c} 被重复标记"), format!("{c} is marked twice")),
        ),
    }
}

/// Casts the caller's ballot (a serving deputy of the round's congress,
/// while voting), once: a second ballot is 409, however close together
/// the two arrive. The ballot is a duty record of the deputy.
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path)),
    request_body = BallotRequest,
    responses(
        (status = 201, description = "Cast", body = BallotReceipt, headers(("Location" = String))),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a deputy of the round's congress", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such round", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not voting, or already voted", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Too many approvals, or a candidate not on the ballot", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/livelihood-rounds/{id}/ballot")]
pub async fn cast_ballot(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    body: JsonBody<BallotRequest>,
) -> ApiResult<HttpResponse> {
    let round = state.store.get_round(id.into_inner()).await?;
    let deputy = member(&state, &caller, &round).await?;
    let b = body.parse()?;
    if round.stage != RoundStage::Voting {
        return Err(invalid_stage(round.stage));
    }
    let marks: Vec<(Uuid, Choice)> = b
        .approve
        .iter()
        .map(|c| (*c, Choice::Approve))
        .chain(b.against.iter().map(|c| (*c, Choice::Against)))
        .chain(b.abstain.iter().map(|c| (*c, Choice::Abstain)))
        .collect();
    let shortlist: Vec<Uuid> = state
        .store
        .round_candidates(round.id, Some(CandidateStatus::Shortlisted))
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    rules::check_ballot(&marks, &shortlist, round.seats).map_err(ballot_error)?;
    let user = caller.actor()?.user_id;
    match state
        .store
        .cast_ballot(
            &caller.audit(),
            &round,
            deputy,
            user,
            &marks,
            state.clock.today(),
        )
        .await
    {
        Ok(cast_at) => Ok(HttpResponse::Created()
            .insert_header((
                header::LOCATION,
                format!("/api/v1/livelihood-rounds/{}/ballots/mine", round.id),
            ))
            .json(BallotReceipt {
                round_id: round.id,
                cast_at,
                marks: (!round.secret_ballot).then(|| {
                    marks
                        .into_iter()
                        .map(|(candidate_id, choice)| MarkView {
                            candidate_id,
                            choice,
                        })
                        .collect()
                }),
            })),
        Err(StoreError::Conflict("already_voted")) => Err(ApiError::conflict(
            "already_voted",
            Msg::new("您已投票", "You have already voted in this round"),
        )),
        Err(e) => Err(store_error(&state, e, round.id).await),
    }
}

/// The caller's own ballot: when it was cast, and for an open ballot its
/// marks (a serving deputy of the round's congress); 404 before voting.
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The caller's ballot", body = BallotReceipt),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a deputy of the round's congress", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such round, or no ballot yet", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/livelihood-rounds/{id}/ballots/mine")]
pub async fn my_ballot(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let round = state.store.get_round(id.into_inner()).await?;
    let deputy = member(&state, &caller, &round).await?;
    let v = state
        .store
        .round_voters(&round)
        .await?
        .into_iter()
        .find(|v| v.deputy_id == deputy)
        .ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(BallotReceipt {
        round_id: round.id,
        cast_at: v.cast_at,
        marks: v.marks.map(|m| {
            m.into_iter()
                .map(|(candidate_id, choice)| MarkView {
                    candidate_id,
                    choice,
                })
                .collect()
        }),
    }))
}

/// A deputy who voted.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"deputy_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e11", "cast_at": "2026-11-27T08:00:00Z", "marks": null}))]
pub struct VoterView {
    pub deputy_id: Uuid,
    pub cast_at: DateTime<Utc>,
    /// The marks, for an open ballot only; never for a secret one.
    pub marks: Option<Vec<MarkView>>,
}

impl Keyed for VoterView {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.deputy_id, self.cast_at)
    }
}

/// Who voted (staff and leaders); with their marks only when the ballot
/// is open. For a secret ballot nobody, administrators included, can
/// read who chose what.
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path), WholeListParams),
    responses(
        (status = 200, description = "Voters", body = ListResponse<VoterView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither staff nor leader", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such round", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/livelihood-rounds/{id}/ballots")]
pub async fn list_voters(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    page: QueryParams<WholeListParams>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadLivelihoodVoters)?;
    let round = state.store.get_round(id.into_inner()).await?;
    let items: Vec<VoterView> = state
        .store
        .round_voters(&round)
        .await?
        .into_iter()
        .map(|v| VoterView {
            deputy_id: v.deputy_id,
            cast_at: v.cast_at,
            marks: v.marks.map(|m| {
                m.into_iter()
                    .map(|(candidate_id, choice)| MarkView {
                        candidate_id,
                        choice,
                    })
                    .collect()
            }),
        })
        .collect();
    Ok(HttpResponse::Ok().json(ListResponse::from_vec(items, &page.0)?))
}

/// One candidate's result.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateResult {
    pub candidate_id: Uuid,
    pub title: String,
    pub approvals: u32,
    pub against: u32,
    pub abstentions: u32,
    /// Approved on more than half of the ballots cast.
    pub majority: bool,
    pub adopted: bool,
}

/// The vote's result, computed afresh from the stored ballots.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "round_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f00", "seats": 2, "ballots_cast": 3,
    "candidates": [{"candidate_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f10", "title": "加装电梯", "approvals": 3, "against": 0, "abstentions": 0, "majority": true, "adopted": true}],
    "tied": [], "open_seats": 0, "tie_break": null
}))]
pub struct ResultsResponse {
    pub round_id: Uuid,
    pub seats: u32,
    pub ballots_cast: u32,
    /// By approvals, best first.
    pub candidates: Vec<CandidateResult>,
    /// Candidates tied at the cut-off, if any, and the seats they compete for.
    pub tied: Vec<Uuid>,
    pub open_seats: u32,
    /// How the office decided the tie.
    pub tie_break: Option<String>,
}

/// The result of the vote (everyone, once the vote is closed). It is
/// counted afresh from the stored ballots each time, so anyone can check
/// that it matches the projects adopted.
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The result", body = ResultsResponse),
        (status = 404, description = "No such round", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The vote is not closed yet", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/livelihood-rounds/{id}/results")]
pub async fn round_results(state: Data<AppState>, id: Path<Uuid>) -> ApiResult<HttpResponse> {
    let round = state.store.get_round(id.into_inner()).await?;
    if matches!(
        round.stage,
        RoundStage::Collecting | RoundStage::Reviewing | RoundStage::Voting
    ) {
        return Err(invalid_stage(round.stage));
    }
    let result = state.store.round_result(&round).await?;
    let candidates = state.store.round_candidates(round.id, None).await?;
    let mut rows: Vec<CandidateResult> = candidates
        .into_iter()
        .filter_map(|c| {
            let n = result.counts.get(&c.id)?;
            Some(CandidateResult {
                candidate_id: c.id,
                title: c.title,
                approvals: n.approvals,
                against: n.against,
                abstentions: n.abstentions,
                majority: u64::from(n.approvals) * 2 > u64::from(result.ballots),
                adopted: c.status == CandidateStatus::Adopted,
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        b.approvals
            .cmp(&a.approvals)
            .then(a.candidate_id.cmp(&b.candidate_id))
    });
    Ok(HttpResponse::Ok().json(ResultsResponse {
        round_id: round.id,
        seats: round.seats,
        ballots_cast: result.ballots,
        candidates: rows,
        tied: result.tied,
        open_seats: result.open_seats,
        tie_break: round.tie_break,
    }))
}

// ---------------------------------------------------------------- projects

async fn project(state: &AppState, id: Uuid, pid: Uuid) -> ApiResult<(Round, Candidate)> {
    let round = state.store.get_round(id).await?;
    let c = state.store.get_candidate(id, pid).await?;
    if c.status != CandidateStatus::Adopted {
        return Err(ApiError::not_found());
    }
    Ok((round, c))
}

/// A progress report.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ef3", "percent": 60, "note": "已完成18个小区加装", "reported_on": "2027-06-30", "reported_by": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e02", "created_at": "2026-11-27T08:00:00Z"}))]
pub struct ProgressView {
    pub id: Uuid,
    pub percent: i32,
    pub note: String,
    pub reported_on: NaiveDate,
    pub reported_by: Uuid,
    pub created_at: DateTime<Utc>,
}

impl From<Progress> for ProgressView {
    fn from(p: Progress) -> Self {
        Self {
            id: p.id,
            percent: p.percent,
            note: p.note,
            reported_on: p.reported_on,
            reported_by: p.reported_by,
            created_at: p.created_at,
        }
    }
}

impl Keyed for ProgressView {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.created_at)
    }
}

/// Progress to report.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"percent": 60, "note": "已完成18个小区加装", "reported_on": "2027-06-30"}))]
pub struct ProgressRequest {
    #[validate(range(min = 0, max = 100))]
    #[schema(minimum = 0, maximum = 100)]
    pub percent: i32,
    #[validate(length(min = 1, max = 5000))]
    #[schema(
        min_length = 1,
        max_length = 5000,
        pattern = r"^[^\x00]*[^\x00\u0009-\u000d\u0020\u0085\u00a0\u00ad\u034f\u061c\u115f-\u1160\u1680\u17b4-\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8][^\x00]*$"
    )]
    pub note: String,
    /// Today if absent; never in the future.
    pub reported_on: Option<NaiveDate>,
}

/// Reports a project's progress (its responsible unit's users, while
/// implementing or evaluating).
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path), ("project_id" = Uuid, Path)),
    request_body = ProgressRequest,
    responses(
        (status = 201, description = "Reported", body = ProgressView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the project's unit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not implementing or evaluating", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/livelihood-rounds/{id}/projects/{project_id}/progress")]
pub async fn report_progress(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid)>,
    body: JsonBody<ProgressRequest>,
) -> ApiResult<HttpResponse> {
    let (id, pid) = path.into_inner();
    let (round, p) = project(&state, id, pid).await?;
    let a = caller.actor()?;
    if !(a.has(Role::Unit) && a.unit_id.is_some() && a.unit_id == p.unit_id) {
        return Err(ApiError::forbidden());
    }
    let b = body.parse()?;
    let today = state.clock.today();
    let on = b.reported_on.unwrap_or(today);
    if renda_domain::text::is_blank(&b.note) {
        return Err(ApiError::validation(vec![blank("note")]));
    }
    if on > today {
        return Err(ApiError::field(
            "reported_on",
            "future",
            Msg::new("日期不能晚于今天", "the date is in the future"),
        ));
    }
    if !matches!(
        round.stage,
        RoundStage::Implementing | RoundStage::Evaluating
    ) {
        return Err(invalid_stage(round.stage));
    }
    let pr = Progress {
        id: Uuid::now_v7(),
        candidate_id: p.id,
        percent: b.percent,
        note: b.note,
        reported_on: on,
        reported_by: a.user_id,
        created_at: renda_domain::time::now(),
    };
    let pr = match state
        .store
        .add_progress(&caller.audit(), round.id, pr)
        .await
    {
        Ok(p) => p,
        Err(e) => return Err(store_error(&state, e, round.id).await),
    };
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/livelihood-rounds/{id}/projects/{pid}/progress"),
        ))
        .json(ProgressView::from(pr)))
}

/// A project's progress reports, oldest first (everyone).
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path), ("project_id" = Uuid, Path), WholeListParams),
    responses(
        (status = 200, description = "Progress reports", body = ListResponse<ProgressView>),
        (status = 404, description = "No such project", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/livelihood-rounds/{id}/projects/{project_id}/progress")]
pub async fn list_progress(
    state: Data<AppState>,
    path: Path<(Uuid, Uuid)>,
    page: QueryParams<WholeListParams>,
) -> ApiResult<HttpResponse> {
    let (id, pid) = path.into_inner();
    let (_, p) = project(&state, id, pid).await?;
    let items: Vec<ProgressView> = state
        .store
        .project_progress(p.id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(HttpResponse::Ok().json(ListResponse::from_vec(items, &page.0)?))
}

/// A deputy's comment.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ef2", "deputy_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e11", "content": "建议优先安排老年人比例高的小区", "created_at": "2026-11-27T08:00:00Z"}))]
pub struct CommentView {
    pub id: Uuid,
    pub deputy_id: Uuid,
    pub content: String,
    pub created_at: DateTime<Utc>,
}

impl Keyed for CommentView {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.created_at)
    }
}

impl From<Comment> for CommentView {
    fn from(c: Comment) -> Self {
        Self {
            id: c.id,
            deputy_id: c.deputy_id,
            content: c.content,
            created_at: c.created_at,
        }
    }
}

/// A comment to add.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"content": "建议优先安排老年人比例高的小区"}))]
pub struct CommentRequest {
    #[validate(length(min = 1, max = 2000))]
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"^[^\x00]*[^\x00\u0009-\u000d\u0020\u0085\u00a0\u00ad\u034f\u061c\u115f-\u1160\u1680\u17b4-\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8][^\x00]*$"
    )]
    pub content: String,
}

/// Comments on a project (a deputy of the round's congress, while
/// implementing or evaluating).
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path), ("project_id" = Uuid, Path)),
    request_body = CommentRequest,
    responses(
        (status = 201, description = "Added", body = CommentView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a deputy of the round's congress", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not implementing or evaluating", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/livelihood-rounds/{id}/projects/{project_id}/comments")]
pub async fn add_comment(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid)>,
    body: JsonBody<CommentRequest>,
) -> ApiResult<HttpResponse> {
    let (id, pid) = path.into_inner();
    let (round, p) = project(&state, id, pid).await?;
    let deputy = member(&state, &caller, &round).await?;
    let b = body.parse()?;
    if renda_domain::text::is_blank(&b.content) {
        return Err(ApiError::validation(vec![blank("content")]));
    }
    if !matches!(
        round.stage,
        RoundStage::Implementing | RoundStage::Evaluating
    ) {
        return Err(invalid_stage(round.stage));
    }
    let c = Comment {
        id: Uuid::now_v7(),
        candidate_id: p.id,
        deputy_id: deputy,
        content: b.content,
        created_at: renda_domain::time::now(),
    };
    let c = match state.store.add_comment(&caller.audit(), round.id, c).await {
        Ok(c) => c,
        Err(e) => return Err(store_error(&state, e, round.id).await),
    };
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/livelihood-rounds/{id}/projects/{pid}/comments"),
        ))
        .json(CommentView::from(c)))
}

/// Deputies' comments on a project (everyone).
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path), ("project_id" = Uuid, Path), WholeListParams),
    responses(
        (status = 200, description = "Comments", body = ListResponse<CommentView>),
        (status = 404, description = "No such project", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/livelihood-rounds/{id}/projects/{project_id}/comments")]
pub async fn list_comments(
    state: Data<AppState>,
    path: Path<(Uuid, Uuid)>,
    page: QueryParams<WholeListParams>,
) -> ApiResult<HttpResponse> {
    let (id, pid) = path.into_inner();
    let (_, p) = project(&state, id, pid).await?;
    let items: Vec<CommentView> = state
        .store
        .project_comments(p.id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(HttpResponse::Ok().json(ListResponse::from_vec(items, &page.0)?))
}

/// A rating of a project.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"choice": "satisfied"}))]
pub struct RatingRequest {
    pub choice: Rating,
}

/// The caller's recorded rating.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"project_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ef1", "choice": "satisfied", "rated_at": "2026-11-27T08:00:00Z"}))]
pub struct RatingView {
    pub project_id: Uuid,
    pub choice: Rating,
    pub rated_at: DateTime<Utc>,
}

/// Rates a project once (a deputy of the round's congress, while
/// evaluating). The rating is a duty record of the deputy.
#[utoipa::path(
    tag = "livelihood",
    params(("id" = Uuid, Path), ("project_id" = Uuid, Path)),
    request_body = RatingRequest,
    responses(
        (status = 201, description = "Rated", body = RatingView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a deputy of the round's congress", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not evaluating, or already rated", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/livelihood-rounds/{id}/projects/{project_id}/rating")]
pub async fn rate_project(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid)>,
    body: JsonBody<RatingRequest>,
) -> ApiResult<HttpResponse> {
    let (id, pid) = path.into_inner();
    let (round, p) = project(&state, id, pid).await?;
    let deputy = member(&state, &caller, &round).await?;
    let b = body.parse()?;
    if round.stage != RoundStage::Evaluating {
        return Err(invalid_stage(round.stage));
    }
    let user = caller.actor()?.user_id;
    match state
        .store
        .rate_project(
            &caller.audit(),
            &p,
            deputy,
            user,
            b.choice,
            state.clock.today(),
        )
        .await
    {
        Ok(at) => Ok(HttpResponse::Created()
            .insert_header((
                header::LOCATION,
                format!("/api/v1/livelihood-rounds/{id}/candidates/{pid}"),
            ))
            .json(RatingView {
                project_id: p.id,
                choice: b.choice,
                rated_at: at,
            })),
        Err(StoreError::Conflict("already_rated")) => Err(ApiError::conflict(
            "already_rated",
            Msg::new("您已评价该项目", "You have already rated this project"),
        )),
        Err(e) => Err(store_error(&state, e, round.id).await),
    }
}
