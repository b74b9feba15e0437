//! Sessions of a congress (人民代表大会会议): the congress office plans
//! each session of its level's congress, opens it on the first day and
//! closes it on the last; everyone signed in reads them.

use crate::routes::Routes;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, get, patch, post};
use chrono::{DateTime, NaiveDate, Utc};
use renda_auth::Action;
use renda_domain::congress::{self, CongressSession, SessionStatus};
use renda_domain::deputy::Level;
use renda_domain::text::Line;
use renda_persistence::StoreError;
use renda_persistence::congress::SessionFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Caller, IfMatch, JsonBody, QueryParams};
use crate::pagination::{ListParams, ListResponse};
use crate::routes::common::command_ctx as ctx;
use crate::routes::common::concurrent_change;
use crate::{AppState, respond};

pub fn configure(cfg: &mut Routes) {
    cfg.service(plan_congress_session)
        .service(list_congress_sessions)
        .service(get_congress_session)
        .service(amend_congress_session)
        .service(open_congress_session)
        .service(close_congress_session);
}

/// 一次人民代表大会会议（如第十八届第三次会议）。
///
/// A session of a congress.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f60",
    "level": "county", "term": "第十八届", "number": 3, "name": "第十八届第三次会议",
    "opens_on": "2027-01-10", "closes_on": "2027-01-13", "status": "open",
    "opened_at": "2027-01-10T01:00:00Z", "closed_at": null,
    "created_at": "2026-11-27T08:00:00Z", "updated_at": "2027-01-10T01:00:00Z"
}))]
pub struct CongressSessionResponse {
    /// 会议的 ID。
    ///
    /// The session's id.
    pub id: Uuid,
    /// 人大的层级，如 `county`。
    ///
    /// The level of the congress, such as `county`.
    pub level: Level,
    /// 届次，如“第十八届”。
    ///
    /// The term (届).
    pub term: String,
    /// 本届第几次会议，从 1 起。
    ///
    /// The session's number within the term (第几次会议).
    pub number: i32,
    /// 公文中使用的会议名称，如 `第十八届第三次会议`。
    ///
    /// The name documents print, e.g. `第十八届第三次会议`.
    pub name: String,
    /// 会议开幕日期，如 `2027-01-10`。
    ///
    /// The first day, such as `2027-01-10`.
    pub opens_on: NaiveDate,
    /// 会议闭幕日期，不早于开幕日期。
    ///
    /// The last day; not before `opens_on`.
    pub closes_on: NaiveDate,
    /// 会议状态：`planned` 已安排、`open` 会议期间、`closed` 已闭会。
    ///
    /// Where it stands: `planned`, `open` or `closed`.
    pub status: SessionStatus,
    /// 宣布开幕的时间（UTC）；开幕前为 null。
    ///
    /// When it was opened (UTC); null until then.
    pub opened_at: Option<DateTime<Utc>>,
    /// 宣布闭幕的时间（UTC）；闭幕前为 null。
    ///
    /// When it was closed (UTC); null until then.
    pub closed_at: Option<DateTime<Utc>>,
    /// 创建（安排）时间（UTC）。
    ///
    /// When it was planned (UTC).
    pub created_at: DateTime<Utc>,
    /// 最后一次变更的时间（UTC）。
    ///
    /// When it last changed (UTC).
    pub updated_at: DateTime<Utc>,
}

impl crate::pagination::Keyed for CongressSessionResponse {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.updated_at)
    }
}

fn view(s: CongressSession) -> CongressSessionResponse {
    CongressSessionResponse {
        name: s.name(),
        id: s.id,
        level: s.level,
        term: s.term,
        number: s.number,
        opens_on: s.opens_on,
        closes_on: s.closes_on,
        status: s.status,
        opened_at: s.opened_at,
        closed_at: s.closed_at,
        created_at: s.created_at,
        updated_at: s.updated_at,
    }
}

/// 要安排的一次大会会议。
///
/// A session to plan.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "level": "county", "term": "第十八届", "number": 3,
    "opens_on": "2027-01-10", "closes_on": "2027-01-13"
}))]
pub struct PlanSessionRequest {
    /// 人大的层级，如 `county`。
    ///
    /// The level of the congress, such as `county`.
    pub level: Level,
    /// 届次，如 `第十八届`。
    ///
    /// The term (届), e.g. `第十八届`.
    pub term: Line<40>,
    /// 本届第几次会议，1 至 20。
    ///
    /// The session's number within the term, 1 to 20.
    #[schema(minimum = 1, maximum = 20)]
    pub number: i32,
    /// 会议开幕日期，如 `2027-01-10`。
    ///
    /// The first day, such as `2027-01-10`.
    pub opens_on: NaiveDate,
    /// 会议闭幕日期，不得早于 `opens_on`。
    ///
    /// The last day; not before `opens_on`.
    pub closes_on: NaiveDate,
}

/// 安排大会会议 · Plan a congress session
///
/// 安排一次人民代表大会会议，限工作人员。级别、届次和会次三者确定唯一一次会议。
///
/// Plans a session of a congress (staff). A level, term and number name
/// one session.
#[utoipa::path(
    tag = "congress",
    request_body = PlanSessionRequest,
    responses(
        (status = 201, description = "Planned", body = CongressSessionResponse, headers(("Location" = String), ("ETag" = String))),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "That session exists (`session_exists`)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/congress-sessions")]
pub async fn plan_congress_session(
    state: Data<AppState>,
    caller: Caller,
    body: JsonBody<PlanSessionRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageCongressSessions)?;
    let b = body.parse()?;
    let input = congress::SessionInput {
        level: b.level,
        term: b.term.into(),
        number: b.number,
        opens_on: b.opens_on,
        closes_on: b.closes_on,
    };
    let s = congress::plan(input, &ctx(&state, &caller)?)?;
    let s = state
        .store
        .create_congress_session(&caller.audit(), s)
        .await?;
    let version = s.version;
    Ok(respond::created(
        format!("/api/v1/congress-sessions/{}", s.id),
        version,
        &view(s),
    ))
}

/// Filters of the session listing.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SessionFilterParams {
    pub level: Option<Level>,
    pub status: Option<SessionStatus>,
}

/// 大会会议列表 · List congress sessions
///
/// 列出人民代表大会会议，任何已登录用户均可调用。
///
/// Lists sessions (anyone signed in).
#[utoipa::path(
    tag = "congress",
    params(ListParams, SessionFilterParams),
    responses(
        (status = 200, description = "A page of sessions", body = ListResponse<CongressSessionResponse>),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/congress-sessions")]
pub async fn list_congress_sessions(
    state: Data<AppState>,
    caller: Caller,
    page: QueryParams<ListParams>,
    filter: QueryParams<SessionFilterParams>,
) -> ApiResult<HttpResponse> {
    caller.actor()?;
    let f = SessionFilter {
        level: filter.0.level,
        status: filter.0.status,
    };
    let page = state
        .store
        .list_congress_sessions(&f, &page.0.options()?)
        .await?;
    Ok(crate::respond::page(ListResponse::from_page(page, view)))
}

/// 查看大会会议 · Get a congress session
///
/// 读取一次人民代表大会会议，任何已登录用户均可调用。
///
/// Reads a session (anyone signed in).
#[utoipa::path(
    tag = "congress",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The session", body = CongressSessionResponse, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
    ),
    security(("bearer" = []))
)]
#[get("/congress-sessions/{id}")]
pub async fn get_congress_session(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    caller.actor()?;
    let s = state.store.get_congress_session(id.into_inner()).await?;
    let version = s.version;
    Ok(respond::resource(&req, version, &view(s)))
}

/// 对已安排会议的修改：未给出的字段保持不变。
///
/// A change to a planned session.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"opens_on": "2027-01-11", "closes_on": "2027-01-14"}))]
pub struct AmendSessionRequest {
    /// 新的届次，如 `第十八届`；不给则不变。
    ///
    /// The new term (届); unchanged when absent.
    pub term: Option<Line<40>>,
    /// 新的会次，1 至 20；不给则不变。
    ///
    /// The new number within the term, 1 to 20; unchanged when absent.
    #[schema(minimum = 1, maximum = 20)]
    pub number: Option<i32>,
    /// 新的开幕日期；不给则不变。
    ///
    /// The new first day; unchanged when absent.
    pub opens_on: Option<NaiveDate>,
    /// 新的闭幕日期，不得早于开幕日期（新给的或原有的）；不给则不变。
    ///
    /// The last day; not before `opens_on` (the new one, or the one
    /// recorded).
    pub closes_on: Option<NaiveDate>,
}

/// Saves a session's change, telling a concurrent change from the rest.
async fn save(
    state: &AppState,
    caller: &Caller,
    before: &CongressSession,
    after: CongressSession,
) -> ApiResult<HttpResponse> {
    match state
        .store
        .save_congress_session(&caller.audit(), before, after)
        .await
    {
        Ok(s) => Ok(respond::changed(s.version, &view(s))),
        Err(StoreError::VersionMismatch) => Err(concurrent_change()),
        Err(e) => Err(e.into()),
    }
}

/// The session to change, at the `If-Match` version if one is given.
async fn load_to_change(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    if_match: &IfMatch,
) -> ApiResult<CongressSession> {
    caller.require(Action::ManageCongressSessions)?;
    let before = state.store.get_congress_session(id).await?;
    if if_match.0.is_some_and(|v| v != before.version) {
        return Err(ApiError::precondition_failed());
    }
    Ok(before)
}

/// 修改大会会议安排 · Amend a planned session
///
/// 修改一次尚在安排中的会议的届次、会次或会期，限工作人员。
///
/// Changes a planned session's term, number or dates (staff).
#[utoipa::path(
    tag = "congress",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
    request_body = AmendSessionRequest,
    responses(
        (status = 200, description = "Changed", body = CongressSessionResponse, headers(("ETag" = String))),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not planned (`invalid_state`), that session exists (`session_exists`), or changed meanwhile", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/congress-sessions/{id}")]
pub async fn amend_congress_session(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<AmendSessionRequest>,
) -> ApiResult<HttpResponse> {
    let before = load_to_change(&state, &caller, id.into_inner(), &if_match).await?;
    let b = body.parse()?;
    let patch = congress::SessionPatch {
        term: b.term.map(String::from),
        number: b.number,
        opens_on: b.opens_on,
        closes_on: b.closes_on,
    };
    match congress::amend(&before, patch)? {
        Some(after) => save(&state, &caller, &before, after).await,
        None => Ok(respond::changed(before.version, &view(before))),
    }
}

/// 大会开幕 · Open a congress session
///
/// 宣布一次已安排的会议开幕，限工作人员：自此至闭幕，该级代表提交的一切均归入本次会议。同一级别同一时间只能有一次会议
/// 处于开会状态。
///
/// Opens a planned session (staff): from now until it closes, what the
/// deputies of its level file belongs to it. One session of a level is
/// open at a time.
#[utoipa::path(
    tag = "congress",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
    responses(
        (status = 200, description = "Open", body = CongressSessionResponse, headers(("ETag" = String))),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not planned (`invalid_state`), another session of the level is open (`session_open_at_level`), or changed meanwhile", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/congress-sessions/{id}/open")]
pub async fn open_congress_session(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let before = load_to_change(&state, &caller, id.into_inner(), &if_match).await?;
    let another_open = state
        .store
        .congress_session_open_at(before.level, before.id)
        .await?;
    let after = congress::open(&before, another_open, &ctx(&state, &caller)?)?;
    save(&state, &caller, &before, after).await
}

/// 大会闭幕 · Close a congress session
///
/// 宣布一次正在举行的会议闭幕，限工作人员：该级人大重新进入闭会期间。
///
/// Closes an open session (staff): its level is between sessions again.
#[utoipa::path(
    tag = "congress",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
    responses(
        (status = 200, description = "Closed", body = CongressSessionResponse, headers(("ETag" = String))),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not open (`invalid_state`), or changed meanwhile", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/congress-sessions/{id}/close")]
pub async fn close_congress_session(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let before = load_to_change(&state, &caller, id.into_inner(), &if_match).await?;
    let after = congress::close(&before, &ctx(&state, &caller)?)?;
    save(&state, &caller, &before, after).await
}
