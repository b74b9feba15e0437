//! Motions (议案) of a session: a deputy drafts one during the session of
//! their level and names the deputies asked to sign; those confirm or
//! decline; the drafter submits once enough have confirmed; the office
//! registers it and records the presidium's decision and the special
//! committee's report. Each handler loads, authorizes, gathers the facts
//! its domain command needs, calls it and saves what it returns.

use crate::routes::Routes;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, get, post};
use chrono::{DateTime, NaiveDate, Utc};
use renda_auth::Action;
use renda_auth::motion_access::{self, MotionAction};
use renda_domain::deputy::Level;
use renda_domain::id::DeputyId;
use renda_domain::motion::{
    self as rules, Change, DecisionFacts, DecisionInput, DraftFacts, Motion, MotionError,
    MotionInput, MotionStatus, Proposer, Signer,
};
use renda_domain::text::{Line, Text};
use renda_persistence::StoreError;
use renda_persistence::motions::{MotionFilter, MotionTimelineEntry, MotionVisibility};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Caller, IfMatch, JsonBody, QueryParams};
use crate::pagination::{ListParams, ListResponse, WholeListParams};
use crate::routes::common::{command_ctx as ctx, concurrent_change};
use crate::{AppState, respond};

pub fn configure(cfg: &mut Routes) {
    cfg.service(draft_motion)
        .service(list_motions)
        .service(get_motion)
        .service(list_motion_timeline)
        .service(sign_motion)
        .service(decline_motion)
        .service(submit_motion)
        .service(register_motion)
        .service(decide_motion)
        .service(report_on_motion)
        .service(motion_stats);
}

/// 一件议案。
///
/// A motion.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f70",
    "number": "第十八届第三次会议 议案第001号",
    "congress_session_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f60",
    "level": "county",
    "title": "关于制定古城保护条例的议案",
    "reason": "古城历史街区保护缺少地方性法规依据。",
    "proposal": "建议制定《古城历史街区保护条例》。",
    "proposer": "deputies", "delegation": null,
    "lead_deputy_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e60",
    "signers": [{"deputy_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e61", "confirmed_at": "2027-01-11T02:00:00Z", "declined_at": null}],
    "deputies_counted": 10, "threshold": 10,
    "status": "on_agenda", "committee": "法制委员会", "report_due": "2027-03-01",
    "report": null, "reported_at": null, "decision_reason": null,
    "decided_at": "2027-01-12T08:00:00Z", "suggestion_id": null,
    "submitted_at": "2027-01-11T03:00:00Z", "registered_at": "2027-01-11T06:00:00Z",
    "created_at": "2027-01-10T08:00:00Z", "updated_at": "2027-01-12T08:00:00Z"
}))]
pub struct MotionResponse {
    /// 议案的 ID。
    ///
    /// The motion's id.
    pub id: Uuid,
    /// 议案编号，立案登记时按本次会议的议案序列编定；登记前为 null。
    ///
    /// Given at registration, in the session's motion series.
    pub number: Option<String>,
    /// 提出议案的人民代表大会会议的 ID。
    ///
    /// The congress session it is put to.
    pub congress_session_id: Uuid,
    /// 该次会议所属人大的层级，如 `county`。
    ///
    /// The level of the congress, such as `county`.
    pub level: Level,
    /// 议案标题。
    ///
    /// The motion's title.
    pub title: String,
    /// 案由和理由。
    ///
    /// Why (案由 and 理由).
    pub reason: String,
    /// 提出的方案。
    ///
    /// What it proposes (方案).
    pub proposal: String,
    /// 提出方式：`deputies` 代表联名或 `delegation` 代表团。
    ///
    /// Who puts it: `deputies` jointly or a `delegation`.
    pub proposer: Proposer,
    /// 提出议案的代表团名称；代表联名提出的为 null。
    ///
    /// The delegation (代表团) putting it; null for a deputies' motion.
    pub delegation: Option<String>,
    /// 领衔代表，即起草议案的代表。
    ///
    /// The deputy who drafted it (领衔代表).
    pub lead_deputy_id: Uuid,
    /// 受邀联名的代表及各人是否同意。
    ///
    /// The deputies asked to sign, and whether each agreed.
    pub signers: Vec<Signer>,
    /// 计入人数的代表数：领衔代表加已同意联名的代表。
    ///
    /// The drafter and the signers who confirmed.
    pub deputies_counted: u32,
    /// 该层级代表联名提出议案所需的最少人数；代表团提出的为 `null`。
    ///
    /// The deputies a joint motion at its level needs; `null` for a
    /// delegation's.
    pub threshold: Option<u32>,
    /// 议案当前所处的状态。
    ///
    /// Where the motion stands.
    pub status: MotionStatus,
    /// 交付审议的专门委员会；列入议程前为 null。
    ///
    /// The special committee it was referred to.
    pub committee: Option<String>,
    /// 专门委员会报告审议结果的期限（日期）；列入议程前为 null。
    ///
    /// When the committee's report is due; null unless on the agenda.
    pub report_due: Option<NaiveDate>,
    /// 专门委员会的审议结果报告；报告前为 null。
    ///
    /// The committee's report; null until it reports.
    pub report: Option<String>,
    /// 专门委员会报告的时间（UTC）；报告前为 null。
    ///
    /// When the committee reported (UTC); null until then.
    pub reported_at: Option<DateTime<Utc>>,
    /// 主席团决定不予受理或作为建议处理的理由；没有时为 null。
    ///
    /// The presidium's reason (not accepted, or as a suggestion); null when none.
    pub decision_reason: Option<String>,
    /// 主席团作出决定的时间（UTC）；决定前为 null。
    ///
    /// When the presidium decided (UTC); null until it decides.
    pub decided_at: Option<DateTime<Utc>>,
    /// 作为建议处理时转成的代表建议；否则为 null。
    ///
    /// The suggestion it became, when handled as one.
    pub suggestion_id: Option<Uuid>,
    /// 提交的时间（UTC）；提交前为 null。
    ///
    /// When it was submitted (UTC); null while a draft.
    pub submitted_at: Option<DateTime<Utc>>,
    /// 立案登记的时间（UTC）；登记前为 null。
    ///
    /// When the office registered it (UTC); null until registered.
    pub registered_at: Option<DateTime<Utc>>,
    /// 起草（创建）时间（UTC）。
    ///
    /// When it was drafted (UTC).
    pub created_at: DateTime<Utc>,
    /// 最后一次变更的时间（UTC）。
    ///
    /// When it last changed (UTC).
    pub updated_at: DateTime<Utc>,
}

impl crate::pagination::Keyed for MotionResponse {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.updated_at)
    }
}

fn view(state: &AppState, m: Motion) -> MotionResponse {
    let counted = u32::try_from(m.deputies_counted().len()).unwrap_or(u32::MAX);
    let threshold = (m.proposer == Proposer::Deputies).then(|| state.motion_thresholds.of(m.level));
    MotionResponse {
        id: m.id,
        number: m.number,
        congress_session_id: m.congress_session_id,
        level: m.level,
        title: m.title,
        reason: m.reason,
        proposal: m.proposal,
        proposer: m.proposer,
        delegation: m.delegation,
        lead_deputy_id: m.lead_deputy_id.uuid(),
        signers: m.signers,
        deputies_counted: counted,
        threshold,
        status: m.status,
        committee: m.committee,
        report_due: m.report_due,
        report: m.report,
        reported_at: m.reported_at,
        decision_reason: m.decision_reason,
        decided_at: m.decided_at,
        suggestion_id: m.suggestion_id,
        submitted_at: m.submitted_at,
        registered_at: m.registered_at,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

/// The motion `id` if the caller may do `action` with it.
async fn load_for(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    action: MotionAction,
) -> ApiResult<Motion> {
    caller.actor()?;
    let m = state.store.get_motion(id).await?;
    crate::extract::answer(motion_access::decide_motion(&caller.principal, action, &m))?;
    Ok(m)
}

/// [`load_for`], then the `If-Match` precondition.
async fn load_to_change(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    action: MotionAction,
    if_match: &IfMatch,
) -> ApiResult<Motion> {
    let m = load_for(state, caller, id, action).await?;
    if if_match.0.is_some_and(|v| v != m.version) {
        return Err(ApiError::precondition_failed());
    }
    Ok(m)
}

/// Saves a command's change; a concurrent change of the motion is a 409.
async fn save(
    state: &AppState,
    caller: &Caller,
    before: &Motion,
    change: Result<Change, MotionError>,
) -> ApiResult<HttpResponse> {
    match state
        .store
        .save_motion(&caller.audit(), before, change?)
        .await
    {
        Ok(m) => Ok(respond::changed(m.version, &view(state, m))),
        Err(StoreError::VersionMismatch) => Err(concurrent_change()),
        Err(e) => Err(e.into()),
    }
}

/// 要起草的议案。
///
/// A motion to draft.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "关于制定古城保护条例的议案",
    "reason": "古城历史街区保护缺少地方性法规依据。",
    "proposal": "建议制定《古城历史街区保护条例》。",
    "proposer": "deputies",
    "signer_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e61"]
}))]
pub struct DraftMotionRequest {
    /// 议案标题，最多 200 字。
    ///
    /// The motion's title, up to 200 characters.
    pub title: Line<200>,
    /// 案由和理由。
    ///
    /// Why (案由 and 理由).
    pub reason: Text<20000>,
    /// 提出的方案。
    ///
    /// What it proposes (方案).
    pub proposal: Text<20000>,
    /// 提出方式：`deputies` 代表联名（默认）或 `delegation` 代表团。
    ///
    /// `deputies` (default) or `delegation`.
    #[serde(default)]
    pub proposer: Option<Proposer>,
    /// 提出议案的代表团名称；仅在 `proposer: delegation` 时填写。
    ///
    /// The delegation (代表团) putting it; only with `proposer: delegation`.
    #[serde(default)]
    pub delegation: Option<Line<100>>,
    /// 受邀联名的代表 ID 列表；每人须确认同意或谢绝。
    ///
    /// The deputies asked to sign; each confirms or declines.
    #[serde(default)]
    #[validate(length(max = 200))]
    #[schema(max_items = 200)]
    pub signer_ids: Vec<DeputyId>,
}

/// 起草议案 · Draft a motion
///
/// 代表在本级人民代表大会会议举行期间起草一件议案；不在会议期间的，以 `session_not_open` 拒绝。
///
/// Drafts a motion (a deputy), during the open session of the deputy's
/// level; outside a session it is refused with `session_not_open`.
#[utoipa::path(
    tag = "motions",
    request_body = DraftMotionRequest,
    responses(
        (status = 201, description = "The draft", body = MotionResponse, headers(("Location" = String), ("ETag" = String))),
        (status = 403, description = "Not a deputy with a linked deputy record", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No session of the deputy's level is open (`session_not_open`)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/motions")]
pub async fn draft_motion(
    state: Data<AppState>,
    caller: Caller,
    body: JsonBody<DraftMotionRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::CreateMotion)?;
    let lead = caller.actor()?.deputy_id.ok_or_else(ApiError::forbidden)?;
    let b = body.parse()?;
    let open_session = state.store.open_congress_session_of(lead).await?;
    let level = open_session.as_ref().map(|s| s.level);
    // Who serves at the session's level, and in which delegations.
    let serving = |d: &renda_domain::deputy::Deputy| -> Vec<String> {
        match level {
            Some(l) => d
                .serving_at(l)
                .map(|m| m.delegation.clone().unwrap_or_default())
                .collect(),
            None => Vec::new(),
        }
    };
    let mut existing = Vec::new();
    let mut serving_at_level = Vec::new();
    for id in &b.signer_ids {
        match state.store.get_deputy(id.uuid()).await {
            Ok(d) => {
                existing.push(*id);
                if !serving(&d).is_empty() {
                    serving_at_level.push(*id);
                }
            }
            Err(StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let lead_delegations = match state.store.get_deputy(lead.uuid()).await {
        Ok(d) => serving(&d).into_iter().filter(|n| !n.is_empty()).collect(),
        Err(StoreError::NotFound) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    let facts = DraftFacts {
        open_session,
        existing_deputies: existing,
        serving_at_level,
        lead_delegations,
    };
    let input = MotionInput {
        title: b.title.into(),
        reason: b.reason.into(),
        proposal: b.proposal.into(),
        proposer: b.proposer.unwrap_or(Proposer::Deputies),
        delegation: b.delegation.map(String::from),
        signer_ids: b.signer_ids,
    };
    let m = rules::draft(input, lead, &facts, &ctx(&state, &caller)?)?;
    let m = state.store.create_motion(&caller.audit(), m).await?;
    let version = m.version;
    Ok(respond::created(
        format!("/api/v1/motions/{}", m.id),
        version,
        &view(&state, m),
    ))
}

/// Filters of the motion listing.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MotionFilterParams {
    pub congress_session_id: Option<Uuid>,
    pub status: Option<MotionStatus>,
    /// Drafted by this deputy or asking them to sign.
    pub deputy_id: Option<Uuid>,
}

/// 议案列表 · List motions
///
/// 列出调用者可见的议案：代表可见本人领衔起草或被邀请联名的议案，工作人员和常委会负责人可见所有已提出的议案。
///
/// Lists the motions the caller may see: deputies those they drafted or
/// were asked to sign, staff and leaders every filed one.
#[utoipa::path(
    tag = "motions",
    params(ListParams, MotionFilterParams),
    responses(
        (status = 200, description = "A page of motions", body = ListResponse<MotionResponse>),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/motions")]
pub async fn list_motions(
    state: Data<AppState>,
    caller: Caller,
    page: QueryParams<ListParams>,
    filter: QueryParams<MotionFilterParams>,
) -> ApiResult<HttpResponse> {
    caller.actor()?;
    let v = motion_access::visibility(&caller.principal);
    let vis = MotionVisibility {
        filed: v.filed,
        deputy: v.deputy.map(|d| d.uuid()),
    };
    let f = MotionFilter {
        congress_session_id: filter.0.congress_session_id,
        status: filter.0.status,
        deputy_id: filter.0.deputy_id,
    };
    let page = state
        .store
        .list_motions(vis, &f, &page.0.options()?)
        .await?;
    Ok(crate::respond::page(ListResponse::from_page(page, |m| {
        view(&state, m)
    })))
}

/// 查看议案 · Get a motion
///
/// 读取一件议案：相关代表可读；议案提出后，工作人员和常委会负责人也可读。
///
/// Reads a motion (those involved; staff and leaders once filed).
#[utoipa::path(
    tag = "motions",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The motion", body = MotionResponse, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 404, description = "No such motion, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/motions/{id}")]
pub async fn get_motion(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let m = load_for(&state, &caller, id.into_inner(), MotionAction::Read).await?;
    let version = m.version;
    Ok(respond::resource(&req, version, &view(&state, m)))
}

/// A step of a motion's timeline.
pub type MotionTimelineItem = MotionTimelineEntry;

/// 议案办理过程 · List a motion's timeline
///
/// 列出议案的每一步及其操作人；凡可读该议案者均可调用。
///
/// Every step of the motion, with who took it (whoever may read it).
#[utoipa::path(
    tag = "motions",
    params(("id" = Uuid, Path), WholeListParams),
    responses(
        (status = 200, description = "Oldest first", body = ListResponse<MotionTimelineItem>),
        (status = 404, description = "No such motion, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/motions/{id}/timeline")]
pub async fn list_motion_timeline(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    page: QueryParams<WholeListParams>,
) -> ApiResult<HttpResponse> {
    let m = load_for(&state, &caller, id.into_inner(), MotionAction::Read).await?;
    let items: Vec<MotionTimelineItem> = state.store.motion_timeline(m.id).await?;
    Ok(crate::respond::page(ListResponse::from_vec(
        items, &page.0,
    )?))
}

macro_rules! motion_command {
    (
        $(#[$m:meta])* $name:ident, $path:literal, $body:ty, $who:literal, $action:expr, $refusals:literal,
        |$state:ident, $caller:ident, $mo:ident, $b:ident| $run:block
    ) => {
        $(#[$m])*
        #[utoipa::path(
            tag = "motions",
            params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
            request_body = $body,
            responses(
                (status = 200, description = "The motion as changed", body = MotionResponse, headers(("ETag" = String))),
                (status = 403, description = $who, body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "No such motion, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = $refusals, body = Problem, content_type = "application/problem+json"),
                (status = 412, description = "Changed since the ETag in If-Match", body = Problem, content_type = "application/problem+json"),
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
            let $mo = load_to_change(&state, &caller, id.into_inner(), $action, &if_match).await?;
            let $b = body.parse()?;
            let $state: &AppState = &state;
            let $caller: &Caller = &caller;
            let change: Result<Change, MotionError> = $run;
            save($state, $caller, &$mo, change).await
        }
    };
}

/// 空请求体：无需任何字段，可发送 `{}`。
///
/// A body with nothing to say.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoBody {}

/// The deputy (as `Caller`) the command speaks for.
fn me(caller: &Caller) -> ApiResult<DeputyId> {
    caller.actor()?.deputy_id.ok_or_else(ApiError::forbidden)
}

motion_command!(
    /// 同意联名 · Agree to sign a motion
    ///
    /// 被邀请联名的代表同意在议案草稿上联名。只有确认联名的代表才计入法定人数。
    ///
    /// Agrees to sign the draft (a deputy asked to). Only confirmed
    /// signers count toward the threshold.
    sign_motion, "/motions/{id}/sign", NoBody, "Not asked to sign", MotionAction::Sign,
    "Not a draft any more (`invalid_state`), or changed meanwhile",
    |st, c, m, _b| { rules::sign(&m, me(c)?, true, &ctx(st, c)?) }
);
motion_command!(
    /// 拒绝联名 · Decline to sign a motion
    ///
    /// 被邀请联名的代表在议案提出前拒绝联名，或撤回已表示的同意。
    ///
    /// Declines to sign the draft (a deputy asked to), or takes back an
    /// agreement, before submission.
    decline_motion, "/motions/{id}/decline", NoBody, "Not asked to sign", MotionAction::Sign,
    "Not a draft any more (`invalid_state`), or changed meanwhile",
    |st, c, m, _b| { rules::sign(&m, me(c)?, false, &ctx(st, c)?) }
);
motion_command!(
    /// 提出议案 · Submit a motion
    ///
    /// 领衔代表在所属会议举行期间提出议案草稿。代表联名议案须达到本级规定的代表人数（领衔代表加上确认联名的代表），
    /// 不足的返回 422 `threshold_not_met`；代表团提出的议案不受此限。
    ///
    /// Submits the draft (its drafter) while its session is open. A joint
    /// motion needs the level's number of deputies, the drafter and those
    /// who confirmed (422 `threshold_not_met`); a delegation's does not.
    submit_motion, "/motions/{id}/submit", NoBody, "Not the drafter", MotionAction::Submit,
    "Not a draft (`invalid_state`), the session is closed (`session_not_open`), or changed meanwhile",
    |st, c, m, _b| {
        let session = st.store.get_congress_session(m.congress_session_id).await?;
        rules::submit(&m, &session, &st.motion_thresholds, &ctx(st, c)?)
    }
);
motion_command!(
    /// 登记议案 · Register a motion
    ///
    /// 登记一件已提出的议案，并按本次会议的议案序列编号，限工作人员。
    ///
    /// Registers a submitted motion and numbers it in the session's
    /// motion series (staff).
    register_motion, "/motions/{id}/register", NoBody, "Not staff", MotionAction::Administer,
    "Not submitted (`invalid_state`), or changed meanwhile",
    |st, c, m, _b| { rules::register(&m, &ctx(st, c)?) }
);

/// 人大办记录的主席团决定，按 `decision` 区分三种。
///
/// The presidium's decision, as the office records it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "decision", rename_all = "snake_case", deny_unknown_fields)]
#[schema(example = json!({"decision": "on_agenda", "committee": "法制委员会", "report_due": "2027-03-01"}))]
pub enum DecideMotionRequest {
    /// 列入议程：交付专门委员会审议，委员会在 `report_due`（今天或以后）之前报告。
    ///
    /// On the agenda: referred to a special committee, which reports by
    /// `report_due` (today or later).
    OnAgenda {
        /// 交付审议的专门委员会名称，如“法制委员会”。
        ///
        /// The special committee it is referred to, such as 法制委员会.
        committee: Line<100>,
        /// 委员会报告审议结果的期限，如 `2027-03-01`，不得早于今天。
        ///
        /// The day the committee reports by, such as `2027-03-01`; today or later.
        report_due: NaiveDate,
    },
    /// 作为建议处理（转为建议）：成为本次会议序列中已立案的代表建议，由领衔代表领衔，
    /// 已同意联名的代表附议，归入 `category` 类别。
    ///
    /// Handled as a suggestion (转为建议): a registered suggestion of the
    /// session's series, led by the drafter and co-signed by those who
    /// confirmed, in `category`.
    AsSuggestion {
        /// 建议类别，须为 `GET /api/v1/suggestion-categories` 所列之一。
        ///
        /// The suggestion's category, one of `GET /api/v1/suggestion-categories`.
        category: Line<40>,
        /// 作为建议处理的理由；可不填。
        ///
        /// Why it is handled as a suggestion; optional.
        reason: Option<Text<2000>>,
    },
    /// 不予受理，并说明理由。
    ///
    /// Not accepted, for `reason`.
    NotAccepted {
        /// 不予受理的理由。
        ///
        /// Why it is not accepted.
        reason: Text<2000>,
    },
}

impl Validate for DecideMotionRequest {
    fn validate(&self) -> Result<(), validator::ValidationErrors> {
        Ok(())
    }
}

motion_command!(
    /// 记录主席团决定 · Record the presidium's decision
    ///
    /// 记录主席团对一件已登记议案作出的决定，限工作人员。两名工作人员同时记录时，只有一人成功，另一人得到 409。
    ///
    /// Records the presidium's decision on a registered motion (staff).
    /// Two staff deciding at once: one wins, the other gets 409.
    decide_motion, "/motions/{id}/decide", DecideMotionRequest, "Not staff", MotionAction::Administer,
    "Not registered, or decided already (`invalid_state`), or changed meanwhile",
    |st, c, m, b| {
        let (input, category_known) = match b {
            DecideMotionRequest::OnAgenda { committee, report_due } => (
                DecisionInput::OnAgenda { committee: committee.into(), report_due },
                true,
            ),
            DecideMotionRequest::AsSuggestion { category, reason } => {
                let category = String::from(category);
                let known = crate::routes::suggestions::category_known(st, &category).await?;
                (DecisionInput::AsSuggestion { category, reason: reason.map(String::from) }, known)
            }
            DecideMotionRequest::NotAccepted { reason } => {
                (DecisionInput::NotAccepted { reason: reason.into() }, true)
            }
        };
        let session = st.store.get_congress_session(m.congress_session_id).await?;
        let facts = DecisionFacts { category_known, term: session.term };
        rules::decide(&m, input, &facts, &ctx(st, c)?)
    }
);

/// 专门委员会的审议结果报告。
///
/// The special committee's report.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"content": "委员会审议认为，制定该条例必要可行，建议列入明年立法计划。"}))]
pub struct MotionReportRequest {
    /// 报告正文。
    ///
    /// The report's text.
    pub content: Text<20000>,
}

motion_command!(
    /// 记录专门委员会审议报告 · Record the committee's report
    ///
    /// 记录专门委员会就已列入议程的议案所作的审议报告，限工作人员。晚于 `report_due` 提交的报告在办理过程中标记为逾期。
    ///
    /// Records the special committee's report on a motion on the agenda
    /// (staff). A report after `report_due` is marked late in the timeline.
    report_on_motion, "/motions/{id}/report", MotionReportRequest, "Not staff", MotionAction::Administer,
    "Not on the agenda (`invalid_state`), or changed meanwhile",
    |st, c, m, b| { rules::report(&m, b.content.into(), &ctx(st, c)?) }
);

/// 一次会议已提出议案的办理情况统计。
///
/// How a session's filed motions stand.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "congress_session_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f60",
    "filed": 12,
    "by_status": {"submitted": 1, "registered": 2, "on_agenda": 3, "reported": 1, "as_suggestion": 4, "not_accepted": 1}
}))]
pub struct MotionStatsResponse {
    /// 人民代表大会会议的 ID。
    ///
    /// The congress session.
    pub congress_session_id: Uuid,
    /// 本次会议提出的议案总数。
    ///
    /// Every motion submitted in the session.
    pub filed: u64,
    /// 各状态的议案件数（草稿不计）。
    ///
    /// How many stand in each status (drafts are not counted).
    pub by_status: std::collections::BTreeMap<MotionStatus, u64>,
}

/// 议案统计 · Get a session's motion figures
///
/// 一次会议议案办理情况的统计数字；工作人员和常委会负责人可调用。
///
/// Figures of a session's motions (staff and leaders).
#[utoipa::path(
    tag = "motions",
    params(("id" = Uuid, Path, description = "The congress session")),
    responses(
        (status = 200, description = "The figures", body = MotionStatsResponse),
        (status = 403, description = "Not staff or a leader", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/congress-sessions/{id}/motion-stats")]
pub async fn motion_stats(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadMotionStats)?;
    let session = state.store.get_congress_session(id.into_inner()).await?;
    let counts = state.store.motion_counts(session.id).await?;
    let by_status: std::collections::BTreeMap<MotionStatus, u64> = counts.0.into_iter().collect();
    Ok(HttpResponse::Ok().json(MotionStatsResponse {
        congress_session_id: session.id,
        filed: by_status.values().sum(),
        by_status,
    }))
}
