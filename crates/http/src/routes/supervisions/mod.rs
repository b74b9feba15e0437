//! Supervision of government (监督): the yearly plan of items and the
//! closed loop of each, from investigation through deliberation opinions
//! and the bodies' rectification to the committee members' satisfaction
//! vote; observers' assignment and observation opinions.
//!
//! Every handler here loads, asks the permission module, gathers the facts
//! a command needs from the store, calls the domain command
//! (`renda_domain::supervision`), saves the change and answers.

use renda_domain::Code;
use renda_domain::id::{DeputyId, UnitId};
use std::collections::{BTreeMap, HashSet};

use crate::routes::Routes;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use renda_auth::Action;
use renda_auth::supervision_access::{
    SupervisionAction, SupervisionScope, decide_supervision, visibility,
};
use renda_domain::supervision::{
    self as rules, Change, Ctx, Evaluation, Inquiry, InvestigationRecord, Method, Observation,
    ObservationStatus, ObserverFacts, Opinion, Outcome, Problem, ProblemAnswer, ProblemStatus,
    RecordKind, Report, Satisfaction, Stage, StageFacts, SupervisionError, SupervisionItem, Tally,
};
use renda_persistence::StoreError;
use renda_persistence::supervision::{SupervisionFilter, SupervisionVisibility, TimelineEntry};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::error::{ApiError, ApiResult, Msg, Problem as ProblemDoc};
use crate::extract::{Caller, IfMatch, JsonBody, QueryParams, answer};
use crate::pagination::{Keyed, ListParams, ListResponse, WholeListParams};
use crate::patch::double;
use crate::routes::suggestions::EmptyRequest;
use crate::{AppState, respond};

mod figures;
mod listing;
mod observers;
mod opinions;
mod plan;
mod reading;
mod records;
mod stages;
mod vote;

pub use figures::*;
pub use listing::*;
pub use observers::*;
pub use opinions::*;
pub use plan::*;
pub use reading::*;
pub use records::*;
pub use stages::*;
pub use vote::*;

pub fn configure(cfg: &mut Routes) {
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
        .service(close_supervision)
        .service(record_meeting_attendance)
        .service(get_meeting_attendance)
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

/// 监督事项。
///
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
    /// 监督事项 ID。
    ///
    /// The item's id.
    pub id: Uuid,
    /// 监督事项名称。
    ///
    /// The item's title.
    pub title: String,
    /// 所属年度监督计划的年份。
    ///
    /// The year of the supervision plan it belongs to.
    pub year: i32,
    /// 说明；未填写时为 null。
    ///
    /// A description; null when none is given.
    pub description: Option<String>,
    /// 监督方式，一种或多种。
    ///
    /// The methods of supervision, one or more.
    pub methods: Vec<Method>,
    /// 被监督单位 ID（承办单位记录）。
    ///
    /// The bodies supervised (units).
    pub body_ids: Vec<UnitId>,
    /// 牵头负责的专门委员会或工作机构。
    ///
    /// The committee in charge.
    pub committee: String,
    /// 参加的常委会组成人员（代表 ID），由他们参加满意度测评。
    ///
    /// Standing-committee members taking part (deputy ids); they vote.
    pub committee_member_ids: Vec<DeputyId>,
    /// 参加的其他人大代表（代表 ID）。
    ///
    /// Other deputies taking part.
    pub deputy_ids: Vec<DeputyId>,
    /// 已分配的观察员 ID。
    ///
    /// Observers assigned.
    pub observer_ids: Vec<Uuid>,
    /// 执法检查所检查的法律；不含执法检查时为空。
    ///
    /// Laws checked by a law-enforcement inspection.
    pub laws: Vec<String>,
    /// 当前所处阶段。
    ///
    /// The current stage.
    pub stage: Stage,
    /// 测评轮次：从 1 开始，每退回整改一次加 1。
    ///
    /// The evaluation round: 1, plus one for each return to rectifying.
    pub round: i32,
    /// 有审议意见已过整改期限且仍有问题待被监督单位整改；被监督单位用户只看发给本单位的审议意见。
    ///
    /// A deliberation opinion's deadline has passed with problems not closed off.
    pub overdue: bool,
    /// 公开时间（UTC）：公开后任何人（含未登录者）均可查看；未公开时为 null。
    ///
    /// When it was published for everyone, signed in or not, to read; null
    /// while not published.
    pub published_at: Option<DateTime<Utc>>,
    /// 办结时间（UTC）；未办结时为 null。
    ///
    /// When it closed; null while open.
    pub closed_at: Option<DateTime<Utc>>,
    /// 创建（列入计划）时间（UTC）。
    ///
    /// When it was planned.
    pub created_at: DateTime<Utc>,
    /// 最后修改时间（UTC）。
    ///
    /// When it last changed.
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
    (v.unit.filter(|u| s.body_ids.contains(u))).map(Into::into)
}

/// Loads an item for a command: the permission module's answer, then the
/// `If-Match` precondition.
async fn load_to_change(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    action: SupervisionAction,
    if_match: IfMatch,
) -> ApiResult<SupervisionItem> {
    let s = load_for(state, caller, id, action).await?;
    match if_match.0 {
        Some(v) if v != s.version => Err(ApiError::precondition_failed()),
        _ => Ok(s),
    }
}

/// Who gives a command, and when.
fn ctx(state: &AppState, caller: &Caller) -> ApiResult<Ctx> {
    Ok(Ctx {
        user_id: caller.actor()?.user_id,
        now: renda_domain::time::now(),
        today: state.clock.today(),
        new_id: Uuid::now_v7,
        policy: state.supervision,
    })
}

fn concurrent_change() -> ApiError {
    ApiError::conflict(
        Code::ConcurrentChange,
        Msg::new(
            "监督事项刚被他人修改，请刷新后重试",
            "The supervision item was just changed by someone else; reload and retry",
        ),
    )
}

/// Saves a command's change; a concurrent change of the same item is a 409.
async fn save(
    state: &AppState,
    caller: &Caller,
    before: &SupervisionItem,
    change: Result<Change, SupervisionError>,
) -> ApiResult<SupervisionItem> {
    match state
        .store
        .save_supervision(&caller.audit(), before, change?)
        .await
    {
        Ok(s) => Ok(s),
        Err(StoreError::VersionMismatch) => Err(concurrent_change()),
        Err(e) => Err(e.into()),
    }
}

/// What a command needs to know of an observer; `None` when there is no
/// such observer.
async fn observer_facts(state: &AppState, id: Uuid) -> ApiResult<Option<ObserverFacts>> {
    match state.store.get_observer(id).await {
        Ok(o) => Ok(Some(ObserverFacts {
            id: o.id,
            status: o.status,
            tie_unit_ids: renda_domain::id::from_uuids(o.conflict_unit_ids),
        })),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}
