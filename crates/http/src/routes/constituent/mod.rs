//! Constituent opinions (群众意见): anyone, signed in or not, leaves one at
//! a station or online and follows it with a receipt code; staff and the
//! station's deputies answer it, forward it to a unit, or a deputy takes
//! it up as a suggestion.

use renda_domain::text::{Line, Text};
use std::collections::HashMap;

use crate::routes::Routes;
use actix_web::http::header;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, get, post};
use chrono::{DateTime, Utc};
use renda_auth::opinion_access::{OpinionAction, OpinionScope, decide_opinion, visibility};
use renda_auth::token;
use renda_domain::opinion::{self, OpinionStatus};
use renda_domain::suggestion::SuggestionStatus;
use renda_persistence::StoreError;
use renda_persistence::constituent::{ConstituentOpinion, OpinionFilter, OpinionVisibility};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Caller, IfMatch, JsonBody, QueryParams, answer};
use crate::pagination::{ListParams, ListResponse};
use crate::routes::common::limit_anonymous;
use crate::{AppState, respond};

mod handling;

use handling::{answer_opinion, forward_opinion, take_up, unit_reply};

pub fn configure(cfg: &mut Routes) {
    cfg.service(submit_opinion)
        .service(list_constituent_opinions)
        .service(follow_opinion)
        .service(get_constituent_opinion)
        .service(answer_opinion)
        .service(forward_opinion)
        .service(unit_reply)
        .service(take_up);
}

/// 由群众意见转成的代表建议的办理进度。
///
/// How a suggestion made of an opinion is getting on.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionProgress {
    /// 代表建议的 ID。
    ///
    /// The suggestion's id.
    pub id: Uuid,
    /// 建议编号，如 `2026-0042`；立案前为 null。
    ///
    /// The registration number, once registered.
    pub number: Option<String>,
    /// 代表建议当前所处的状态。
    ///
    /// Where the suggestion stands.
    pub status: SuggestionStatus,
}

/// 提交人凭回执码查看的群众意见：不含个人信息，不含内部备注。
///
/// An opinion as its submitter follows it with the receipt code: no
/// personal data, no internal notes.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ed0",
    "station_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ec0",
    "content": "小区门口路灯坏了三个月",
    "category": "城乡建设",
    "status": "taken_up",
    "answer": null,
    "unit_reply": null,
    "suggestion": {"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e50", "number": "2026-0042", "status": "assigned"},
    "created_at": "2026-11-27T08:00:00Z",
    "updated_at": "2026-11-28T08:00:00Z"
}))]
pub struct ReceiptView {
    /// 群众意见的 ID。
    ///
    /// The opinion's id.
    pub id: Uuid,
    /// 留下意见的联络站；网上留下的意见为 null。
    ///
    /// The station it was left at; null for an opinion left online.
    pub station_id: Option<Uuid>,
    /// 意见内容。
    ///
    /// What the opinion says.
    pub content: String,
    /// 意见类别，如“城乡建设”；提交时未填则为 null。
    ///
    /// Its category, such as 城乡建设; null when none was given.
    pub category: Option<String>,
    /// 意见的办理状态。
    ///
    /// Where the opinion stands.
    pub status: OpinionStatus,
    /// 工作人员或联络站代表的直接答复；未直接答复时为 null。
    ///
    /// The direct answer by staff or a deputy of the station; null unless answered.
    pub answer: Option<String>,
    /// 承办单位对转交意见的答复；单位答复前为 null。
    ///
    /// The reply of the unit it was forwarded to; null until the unit replies.
    pub unit_reply: Option<String>,
    /// 该意见转成的代表建议，建议提交后才显示；此前为 null。
    ///
    /// The suggestion the opinion was taken up as, once it is submitted.
    pub suggestion: Option<SuggestionProgress>,
    /// 意见提交时间（UTC）。
    ///
    /// When the opinion was left (UTC).
    pub created_at: DateTime<Utc>,
    /// 最后一次变更的时间（UTC）。
    ///
    /// When the opinion last changed (UTC).
    pub updated_at: DateTime<Utc>,
}

/// 新提交的群众意见及其回执码。
///
/// A new opinion and the code to follow it with.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"receipt_code": "7KQM-3HXP-W9TD-R2VB", "opinion": {"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ed0", "station_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ec0", "content": "小区门口路灯坏了三个月", "category": "城乡建设", "status": "received", "answer": null, "unit_reply": null, "suggestion": null, "created_at": "2026-11-27T08:00:00Z", "updated_at": "2026-11-27T08:00:00Z"}}))]
pub struct SubmittedOpinion {
    /// 回执码，如 `7KQM-3HXP-W9TD-R2VB`。请妥善保存：只显示这一次，凭码任何人都可跟踪该意见。
    ///
    /// Keep it: it is shown once, and with it anyone can follow the opinion.
    pub receipt_code: String,
    /// 刚提交的意见，即凭回执码看到的样子。
    ///
    /// The opinion as left, as the receipt code shows it.
    pub opinion: ReceiptView,
}

/// 工作人员、代表和承办单位看到的群众意见。
///
/// An opinion as staff, deputies and units see it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ed0", "station_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ec0", "content": "小区门口路灯坏了三个月", "category": "城乡建设", "submitter_name": null, "submitter_phone": "138****1234", "personal_data_masked": true, "status": "forwarded", "answer": null, "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "forward_note": "请核实后答复群众", "unit_reply": null, "suggestion": null, "handled_by": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e01", "handled_at": "2026-11-27T08:00:00Z", "created_at": "2026-11-27T08:00:00Z", "updated_at": "2026-11-27T08:00:00Z"}))]
pub struct OpinionResponse {
    /// 群众意见的 ID。
    ///
    /// The opinion's id.
    pub id: Uuid,
    /// 留下意见的联络站；网上留下的意见为 null。
    ///
    /// The station it was left at; null for an opinion left online.
    pub station_id: Option<Uuid>,
    /// 意见内容。
    ///
    /// What the opinion says.
    pub content: String,
    /// 意见类别，如“城乡建设”；提交时未填则为 null。
    ///
    /// Its category, such as 城乡建设; null when none was given.
    pub category: Option<String>,
    /// 提交人姓名（个人信息）：仅提交人本人或以 `unmask=true` 查看时返回，否则为 null。
    ///
    /// Personal data: withheld unless the caller left it or asked `unmask=true`.
    pub submitter_name: Option<String>,
    /// 提交人电话（个人信息）：仅提交人本人或以 `unmask=true` 查看时为完整号码，否则脱敏。
    ///
    /// Personal data: masked unless the caller left it or asked `unmask=true`.
    pub submitter_phone: Option<String>,
    /// 为 true 时，提交人姓名和电话已隐去或脱敏。
    ///
    /// True when the submitter's name and phone are withheld or masked here.
    pub personal_data_masked: bool,
    /// 意见的办理状态。
    ///
    /// Where the opinion stands.
    pub status: OpinionStatus,
    /// 工作人员或联络站代表的直接答复；未直接答复时为 null。
    ///
    /// The direct answer by staff or a deputy of the station; null unless answered.
    pub answer: Option<String>,
    /// 意见转交的承办单位；未转交时为 null。
    ///
    /// The unit the opinion was forwarded to; null unless forwarded.
    pub unit_id: Option<Uuid>,
    /// 转交时给承办单位的说明；没有时为 null。
    ///
    /// The note sent to the unit with the opinion; null when none.
    pub forward_note: Option<String>,
    /// 承办单位对转交意见的答复；单位答复前为 null。
    ///
    /// The reply of the unit it was forwarded to; null until the unit replies.
    pub unit_reply: Option<String>,
    /// 该意见转成的代表建议，建议提交后才显示（转办的代表也能看到草稿）；此前为 null。
    ///
    /// The suggestion the opinion was taken up as, once it is submitted
    /// (its deputy sees the draft too).
    pub suggestion: Option<SuggestionProgress>,
    /// 办理该意见（直接答复、转交或转为建议）的用户 ID；尚未办理时为 null。
    ///
    /// The account that routed it (answered, forwarded or took it up); null until routed.
    pub handled_by: Option<Uuid>,
    /// 办理该意见的时间（UTC）；尚未办理时为 null。
    ///
    /// When it was routed (UTC); null until routed.
    pub handled_at: Option<DateTime<Utc>>,
    /// 意见提交时间（UTC）。
    ///
    /// When the opinion was left (UTC).
    pub created_at: DateTime<Utc>,
    /// 最后一次变更的时间（UTC）。
    ///
    /// When the opinion last changed (UTC).
    pub updated_at: DateTime<Utc>,
}

/// What became of the opinion: the suggestion it was taken up as, once
/// that is submitted. A draft is its deputy's own work until then, shown
/// only to that deputy (`viewer`).
async fn progress(
    state: &AppState,
    o: &ConstituentOpinion,
    viewer: Option<Uuid>,
) -> ApiResult<Option<SuggestionProgress>> {
    let Some(id) = o.suggestion_id else {
        return Ok(None);
    };
    match state.store.get_suggestion(id).await {
        Ok(s) if !s.shown_as_progress_to(viewer.map(Into::into)) => Ok(None),
        Ok(s) => Ok(Some(SuggestionProgress {
            id: s.id,
            number: s.number,
            status: s.status,
        })),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

async fn receipt_view(state: &AppState, o: ConstituentOpinion) -> ApiResult<ReceiptView> {
    let suggestion = progress(state, &o, None).await?;
    Ok(ReceiptView {
        id: o.id,
        station_id: o.station_id,
        content: o.content,
        category: o.category,
        status: o.status,
        answer: o.answer,
        unit_reply: o.unit_reply,
        suggestion,
        created_at: o.created_at,
        updated_at: o.updated_at,
    })
}

async fn scope(state: &AppState, o: &ConstituentOpinion) -> ApiResult<OpinionScope> {
    // The assignment rows, as the listing reads them: a closed station's
    // deputies keep the opinions left there.
    let station_deputies = match o.station_id {
        Some(s) => state.store.station_deputy_ids(s).await?,
        None => Vec::new(),
    };
    Ok(OpinionScope {
        at_station: o.station_id.is_some(),
        station_deputies: renda_domain::id::from_uuids(station_deputies),
        unit_id: o.unit_id,
        created_by: o.created_by,
    })
}

async fn full_view(
    state: &AppState,
    caller: &Caller,
    o: ConstituentOpinion,
    unmasked: bool,
) -> ApiResult<OpinionResponse> {
    let suggestion = progress(state, &o, viewing_deputy(caller)).await?;
    Ok(build_view(caller, o, suggestion, unmasked))
}

/// The deputy the caller is, if any.
fn viewing_deputy(caller: &Caller) -> Option<Uuid> {
    (caller.principal.actor().and_then(|a| a.deputy_id)).map(Into::into)
}

/// Whether the caller left the opinion.
fn is_author(caller: &Caller, o: &ConstituentOpinion) -> bool {
    caller
        .principal
        .actor()
        .is_some_and(|a| o.created_by == Some(a.user_id))
}

fn build_view(
    caller: &Caller,
    o: ConstituentOpinion,
    suggestion: Option<SuggestionProgress>,
    unmasked: bool,
) -> OpinionResponse {
    // Personal data: shown to the person who left it, and to the office on
    // a deliberate, audited request.
    let full = unmasked || is_author(caller, &o);
    OpinionResponse {
        id: o.id,
        station_id: o.station_id,
        content: o.content,
        category: o.category,
        submitter_name: if full { o.submitter_name } else { None },
        submitter_phone: if full {
            o.submitter_phone
        } else {
            o.submitter_phone
                .as_deref()
                .map(renda_domain::personal::mask_phone)
        },
        personal_data_masked: !full,
        status: o.status,
        answer: o.answer,
        unit_id: o.unit_id.map(Into::into),
        forward_note: o.forward_note,
        unit_reply: o.unit_reply,
        suggestion,
        handled_by: o.handled_by.map(Into::into),
        handled_at: o.handled_at,
        created_at: o.created_at,
        updated_at: o.updated_at,
    }
}

/// Loads an opinion and asks the permission module about `action`.
async fn load_for(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    action: OpinionAction,
) -> ApiResult<ConstituentOpinion> {
    caller.actor()?;
    let o = state.store.get_constituent_opinion(id).await?;
    let sc = scope(state, &o).await?;
    answer(decide_opinion(&caller.principal, action, &sc))?;
    Ok(o)
}

/// Who acts, and when.
fn ctx(caller: &Caller) -> opinion::Ctx {
    let actor = caller.principal.actor();
    opinion::Ctx {
        user_id: actor.map(|a| a.user_id),
        deputy_id: actor.and_then(|a| a.deputy_id),
        now: renda_domain::time::now(),
        new_id: Uuid::now_v7,
    }
}

/// 要提交的一条群众意见。
///
/// An opinion to leave.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "station_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ec0",
    "content": "小区门口路灯坏了三个月", "category": "城乡建设",
    "name": "张先生", "phone": "13800001234"
}))]
pub struct SubmitOpinionRequest {
    /// 留下意见的联络站；网上留下的意见不填。
    ///
    /// The station it is left at; none for an opinion left online.
    pub station_id: Option<Uuid>,
    /// 意见内容，最多 2000 字。
    ///
    /// What the opinion says, up to 2,000 characters.
    pub content: Text<2000>,
    /// 意见类别，如“城乡建设”；可不填。
    ///
    /// Its category, such as 城乡建设; optional.
    pub category: Option<Line<40>>,
    /// 提交人姓名，可不填；属个人信息。
    ///
    /// Optional; personal data.
    pub name: Option<Line<50>>,
    /// 提交人电话，可不填；属个人信息。
    ///
    /// Optional; personal data.
    #[validate(custom(function = "crate::validation::phone"))]
    #[schema(max_length = 24, pattern = r"^\+?[ -]*(?:[0-9][ -]*){5,20}$")]
    pub phone: Option<String>,
}

/// 提交群众意见 · Submit an opinion
///
/// 留下一条群众意见，任何人均可提交，无需账号。响应中附有回执码，凭码可跟踪办理进度。未登录时，
/// 每个客户端地址十分钟内可提交的条数有限，超出即返回 429，并附 `Retry-After`。
///
/// Leaves an opinion (anyone; no account needed). The answer carries a
/// receipt code to follow it with. Without an account, each client
/// address may leave a limited number in ten minutes (429 with
/// `Retry-After` beyond it).
#[utoipa::path(
    tag = "constituent-opinions",
    request_body = SubmitOpinionRequest,
    responses(
        (status = 201, description = "Received", body = SubmittedOpinion, headers(("Location" = String))),
        (status = 422, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many opinions from this address; see Retry-After", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = String))),
    ),
    security((), ("bearer" = []))
)]
#[post("/constituent-opinions")]
pub async fn submit_opinion(
    state: Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    body: JsonBody<SubmitOpinionRequest>,
) -> ApiResult<HttpResponse> {
    let author = caller.principal.actor().map(|a| a.user_id);
    if author.is_none() {
        limit_anonymous(&state, &req).await?;
    }
    let b = body.parse()?;
    let station_known = match b.station_id {
        Some(s) => match state.store.get_station(s).await {
            Ok(_) => true,
            Err(StoreError::NotFound) => false,
            Err(e) => return Err(e.into()),
        },
        None => true,
    };
    let input = opinion::OpinionInput {
        station_id: b.station_id,
        content: b.content.into(),
        category: b.category.map(String::from),
        name: b.name.map(String::from),
        phone: b.phone,
    };
    let o = opinion::receive(input, station_known, &ctx(&caller))?;
    let code = token::generate_receipt_code();
    let digest = token::digest(&token::normalise_receipt_code(&code));
    let o = state
        .store
        .create_constituent_opinion(&caller.audit(), o, digest)
        .await?;
    let view = receipt_view(&state, o).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/constituent-opinion-receipts/{code}"),
        ))
        .json(SubmittedOpinion {
            receipt_code: code,
            opinion: view,
        }))
}

/// 凭回执码查询意见 · Follow an opinion by receipt code
///
/// 凭回执码跟踪一条群众意见的办理进度，任何人均可调用。
///
/// Follows an opinion with its receipt code (anyone).
#[utoipa::path(
    tag = "constituent-opinions",
    params(("code" = String, Path, description = "The receipt code; case, spaces and dashes do not matter")),
    responses(
        (status = 200, description = "The opinion's progress", body = ReceiptView),
        (status = 404, description = "No opinion has this code", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/constituent-opinion-receipts/{code}")]
pub async fn follow_opinion(state: Data<AppState>, code: Path<String>) -> ApiResult<HttpResponse> {
    let normal = token::normalise_receipt_code(&code.into_inner());
    if normal.len() != 16 {
        return Err(ApiError::not_found());
    }
    let o = state
        .store
        .constituent_opinion_by_receipt(&token::digest(&normal))
        .await?;
    Ok(HttpResponse::Ok().json(receipt_view(&state, o).await?))
}

/// Filters of the opinion listing.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OpinionFilterParams {
    pub status: Option<OpinionStatus>,
    pub station_id: Option<Uuid>,
}

/// 群众意见列表 · List constituent opinions
///
/// 列出调用者可见的群众意见：工作人员和常委会负责人可见全部；代表可见其所在联络站的意见和网上留下的意见；
/// 承办单位可见转给本单位的意见；任何已登录用户可见自己提交的意见。
///
/// Lists the opinions the caller may see: staff and leaders all, deputies
/// those of their stations and those left online, units those forwarded
/// to them, anyone signed in their own.
#[utoipa::path(
    tag = "constituent-opinions",
    params(ListParams, OpinionFilterParams),
    responses(
        (status = 200, description = "A page of opinions", body = ListResponse<OpinionResponse>),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/constituent-opinions")]
pub async fn list_constituent_opinions(
    state: Data<AppState>,
    caller: Caller,
    page: QueryParams<ListParams>,
    filter: QueryParams<OpinionFilterParams>,
) -> ApiResult<HttpResponse> {
    caller.actor()?;
    let v = visibility(&caller.principal);
    let vis = OpinionVisibility {
        all: v.all,
        deputy: v.deputy.map(Into::into),
        unit: v.unit.map(Into::into),
        author: v.author.map(Into::into),
    };
    let f = OpinionFilter {
        status: filter.0.status,
        station_id: filter.0.station_id,
    };
    let page = state
        .store
        .list_constituent_opinions(&vis, &f, &page.0.options()?)
        .await?;
    let mut extras: HashMap<Uuid, SuggestionProgress> = HashMap::new();
    for row in &page.items {
        if let renda_persistence::list::Row::Live(o) = row
            && let Some(p) = progress(&state, o, viewing_deputy(&caller)).await?
        {
            extras.insert(o.id, p);
        }
    }
    Ok(crate::respond::page(ListResponse::from_page(page, |o| {
        let p = extras.remove(&o.id);
        build_view(&caller, o, p, false)
    })))
}

/// 查看群众意见 · Get a constituent opinion
///
/// 读取调用者可见的一条群众意见。提交人信息对提交人本人以外的人均做脱敏处理；人大办工作人员可用
/// `unmask=true` 查看完整信息，此次查看记入审计记录。
///
/// Reads an opinion the caller may see. Who left it is masked except for
/// that person; the office's staff see it with `unmask=true`, which the
/// audit trail records.
#[utoipa::path(
    tag = "constituent-opinions",
    params(("id" = Uuid, Path), crate::routes::common::UnmaskParams),
    responses(
        (status = 200, description = "The opinion", body = OpinionResponse, headers(("ETag" = String))),
        (status = 403, description = "Unmasking asked by someone outside the office's staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such opinion, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/constituent-opinions/{id}")]
pub async fn get_constituent_opinion(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    unmask: QueryParams<crate::routes::common::UnmaskParams>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let o = load_for(&state, &caller, id.into_inner(), OpinionAction::Read).await?;
    let unmasked = unmask.0.wanted() && !is_author(&caller, &o);
    if unmasked {
        crate::routes::common::unmask(
            &state,
            &caller,
            renda_auth::Action::ReadConstituentPersonalData,
            "read_personal_data",
            "constituent_opinion",
            Some(o.id),
            serde_json::json!({"fields": ["submitter_name", "submitter_phone"]}),
        )
        .await?;
    }
    let version = o.version;
    let v = full_view(&state, &caller, o, unmasked).await?;
    Ok(respond::resource(&req, version, &v))
}
