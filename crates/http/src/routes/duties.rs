//! The duty archive (履职档案): every duty a deputy performs, written by the
//! system as it happens or by hand, the yearly report (述职), and which
//! deputies have no duty on record lately.

use renda_domain::text::{Line, Text};
use std::collections::BTreeMap;

use crate::routes::Routes;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use renda_auth::Action;
use renda_domain::duty::{self, DutyKind};
use renda_persistence::duties::{DutyFilter, DutyRecord};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Caller, IfMatch, JsonBody, QueryParams, no_null, take};
use crate::pagination::{ListParams, ListResponse, WholeListParams};
use crate::patch::double;
use crate::{AppState, respond};

pub fn configure(cfg: &mut Routes) {
    cfg.service(list_duties)
        .service(record_duty)
        .service(get_duty)
        .service(update_duty)
        .service(delete_duty)
        .service(duty_report)
        .service(idle_deputies);
}

/// 一条代表履职记录。
///
/// A duty record.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ef0",
    "deputy_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e11",
    "kind": "activity_attended", "occurred_on": "2026-12-05",
    "title": "走进社区心理健康讲座", "content": "代表+心理关爱",
    "ref_type": "activity", "ref_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ee0",
    "manual": false, "created_at": "2026-12-05T02:00:00Z", "updated_at": "2026-12-05T02:00:00Z"
}))]
pub struct DutyResponse {
    /// 履职记录的 ID。
    ///
    /// The record's id.
    pub id: Uuid,
    /// 履职代表的 ID。
    ///
    /// The deputy who performed the duty.
    pub deputy_id: Uuid,
    /// 履职类别，如 `activity_attended`、`research`。
    ///
    /// What the deputy did, such as `activity_attended` or `research`.
    pub kind: DutyKind,
    /// 履职日期（北京时间），如 `2026-12-05`。
    ///
    /// The day of the duty (China time), such as `2026-12-05`.
    pub occurred_on: NaiveDate,
    /// 标题，如活动名称或建议标题。
    ///
    /// A title, such as the activity's or the suggestion's.
    pub title: String,
    /// 补充说明；没有时为 null。
    ///
    /// More detail; null when none.
    pub content: Option<String>,
    /// 系统记录所涉对象的类型；手工记录为 null。
    ///
    /// What a system record is about: `suggestion`, `activity`,
    /// `reception_day`, `constituent_opinion` or `supervision`.
    pub ref_type: Option<String>,
    /// 系统记录所涉对象的 ID；手工记录为 null。
    ///
    /// The id of what a system record is about; null for a record made by hand.
    pub ref_id: Option<Uuid>,
    /// 为 true 表示手工登记，可修改；系统生成的记录不可修改。
    ///
    /// Recorded by hand, and so editable; system records are not.
    pub manual: bool,
    /// 登记该记录或触发其生成的用户 ID；系统自动生成时可为 null。
    ///
    /// The account that recorded it or whose action wrote it; null when none.
    pub created_by: Option<Uuid>,
    /// 记录创建时间（UTC）。
    ///
    /// When the record was made (UTC).
    pub created_at: DateTime<Utc>,
    /// 最后一次变更的时间（UTC）。
    ///
    /// When the record last changed (UTC).
    pub updated_at: DateTime<Utc>,
}

fn view(d: DutyRecord) -> DutyResponse {
    DutyResponse {
        id: d.id,
        deputy_id: d.deputy_id.into(),
        kind: d.kind,
        occurred_on: d.occurred_on,
        title: d.title,
        content: d.content,
        ref_type: d.ref_type,
        ref_id: d.ref_id,
        manual: d.manual,
        created_by: d.created_by.map(Into::into),
        created_at: d.created_at,
        updated_at: d.updated_at,
    }
}

async fn deputy_exists(state: &AppState, id: Uuid) -> ApiResult<()> {
    if state.store.deputy_exists(id).await? {
        Ok(())
    } else {
        Err(ApiError::not_found())
    }
}

/// Filters of the duty list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DutyFilterParams {
    #[validate(range(min = 1949, max = 2999))]
    #[param(minimum = 1949, maximum = 2999)]
    pub year: Option<i32>,
    pub kind: Option<DutyKind>,
}

/// 代表履职记录列表 · List a deputy's duty records
///
/// 列出一位代表的履职记录；人大办工作人员、常委会负责人和该代表本人可调用。
///
/// A deputy's duty records (the office, leaders and the deputy).
#[utoipa::path(
    tag = "duties",
    params(("id" = Uuid, Path), ListParams, DutyFilterParams),
    responses(
        (status = 200, description = "A page of duty records", body = ListResponse<DutyResponse>),
        (status = 403, description = "Not the office, a leader or this deputy", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/deputies/{id}/duties")]
pub async fn list_duties(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    page: QueryParams<ListParams>,
    filter: QueryParams<DutyFilterParams>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    caller.require(Action::ReadDuties {
        deputy_id: id.into(),
    })?;
    deputy_exists(&state, id).await?;
    let f = DutyFilter {
        year: filter.0.year,
        kind: filter.0.kind,
    };
    let page = state.store.list_duties(id, &f, &page.0.options()?).await?;
    Ok(crate::respond::page(ListResponse::from_page(page, view)))
}

/// 手工登记的一条履职记录。
///
/// A duty recorded by hand.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "research", "occurred_on": "2026-11-20",
    "title": "调研耿车镇再生资源产业", "content": "走访企业三家"
}))]
pub struct RecordDutyRequest {
    /// 履职类别，限 `meeting`、`research`、`visit`、`other`；其余类别只由系统生成。
    ///
    /// One of `meeting`, `research`, `visit`, `other`; the other kinds are
    /// written by the system only.
    pub kind: DutyKind,
    /// 履职日期，不得晚于今天，也不得早于 1949-10-01。
    ///
    /// The day of the duty; not after today, nor before 1949-10-01.
    pub occurred_on: NaiveDate,
    /// 标题，最多 200 字。
    ///
    /// A title, up to 200 characters.
    pub title: Line<200>,
    /// 补充说明；可不填，空白视同不填。
    ///
    /// More detail; optional, blank counts as none.
    #[serde(default, deserialize_with = "crate::patch::blank_none")]
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub content: Option<Text<5000>>,
}

/// 手工登记履职记录 · Record a duty by hand
///
/// 手工登记一条履职记录；工作人员可调用，代表可为本人的履职档案登记。
///
/// Records a duty by hand (staff, or the deputy for their own archive).
#[utoipa::path(
    tag = "duties",
    params(("id" = Uuid, Path)),
    request_body = RecordDutyRequest,
    responses(
        (status = 201, description = "Recorded", body = DutyResponse, headers(("Location" = String), ("ETag" = String))),
        (status = 403, description = "Neither staff nor this deputy", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A kind only the system writes, or bad input", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/deputies/{id}/duties")]
pub async fn record_duty(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    body: JsonBody<RecordDutyRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    caller.require(Action::RecordDuty {
        deputy_id: id.into(),
    })?;
    deputy_exists(&state, id).await?;
    let b = body.parse()?;
    let input = duty::ManualDuty {
        kind: b.kind,
        occurred_on: b.occurred_on,
        title: b.title.into(),
        content: b.content.map(String::from),
    };
    let new = duty::record(id, input, state.clock.today())?;
    let d = state.store.create_manual_duty(&caller.audit(), new).await?;
    let version = d.version;
    Ok(respond::created(
        format!("/api/v1/deputies/{id}/duties/{}", d.id),
        version,
        &view(d),
    ))
}

/// 查看履职记录 · Get a duty record
///
/// 读取一条履职记录。
///
/// Reads a duty record.
#[utoipa::path(
    tag = "duties",
    params(("id" = Uuid, Path), ("duty_id" = Uuid, Path)),
    responses(
        (status = 200, description = "The record", body = DutyResponse, headers(("ETag" = String))),
        (status = 403, description = "Not the office, a leader or this deputy", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/deputies/{id}/duties/{duty_id}")]
pub async fn get_duty(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid)>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let (id, duty_id) = path.into_inner();
    caller.require(Action::ReadDuties {
        deputy_id: id.into(),
    })?;
    let d = state.store.get_duty(id, duty_id).await?;
    let version = d.version;
    Ok(respond::resource(&req, version, &view(d)))
}

/// 对手工登记的履职记录的修改：未给出的字段保持不变。
///
/// A change to a record made by hand.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"content": "走访企业四家"}))]
pub struct UpdateDutyRequest {
    /// 新的履职类别，限手工类别；不给则不变，不可为 null。
    ///
    /// The new kind, one of those recorded by hand; unchanged when absent, never null.
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = DutyKind, required = false)]
    pub kind: Option<Option<DutyKind>>,
    /// 新的履职日期；不给则不变，不可为 null。
    ///
    /// The new day; unchanged when absent, never null.
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = NaiveDate, required = false)]
    pub occurred_on: Option<Option<NaiveDate>>,
    /// 新的标题；不给则不变，不可为 null。
    ///
    /// The new title; unchanged when absent, never null.
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = Line<200>, required = false)]
    pub title: Option<Option<Line<200>>>,
    /// 新的补充说明；不给则不变，null 或空白则清除。
    ///
    /// The new detail; unchanged when absent, cleared by null or blank.
    #[serde(default, deserialize_with = "crate::patch::double_blank_none")]
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub content: Option<Option<Text<5000>>>,
}

/// Loads a record and asks the permission module whether the caller may
/// change it: staff any, a deputy only those they made (the system's are
/// refused by the domain, with 409).
async fn load_to_change(
    state: &AppState,
    caller: &Caller,
    deputy_id: Uuid,
    duty_id: Uuid,
) -> ApiResult<DutyRecord> {
    caller.require(Action::RecordDuty {
        deputy_id: deputy_id.into(),
    })?;
    let d = state.store.get_duty(deputy_id, duty_id).await?;
    caller.require(Action::ChangeDuty {
        deputy_id: deputy_id.into(),
        manual: d.manual,
        created_by: d.created_by,
    })?;
    Ok(d)
}

/// 修改手工履职记录 · Update a hand-made duty record
///
/// 修改一条手工登记的履职记录；工作人员可改任意一条，代表只能改本人登记的。
///
/// Changes a record made by hand (staff; a deputy those they made).
#[utoipa::path(
    tag = "duties",
    params(("id" = Uuid, Path), ("duty_id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
    request_body = UpdateDutyRequest,
    responses(
        (status = 200, description = "Changed", body = DutyResponse, headers(("ETag" = String))),
        (status = 403, description = "Neither staff nor this deputy, or a record staff made", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A record the system wrote, or changed meanwhile", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/deputies/{id}/duties/{duty_id}")]
pub async fn update_duty(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid)>,
    if_match: IfMatch,
    body: JsonBody<UpdateDutyRequest>,
) -> ApiResult<HttpResponse> {
    let (id, duty_id) = path.into_inner();
    let before = load_to_change(&state, &caller, id, duty_id).await?;
    let b = body.parse()?;
    if if_match.0.is_some_and(|v| v != before.version) {
        return Err(ApiError::precondition_failed());
    }
    let mut errors = Vec::new();
    let patch = duty::DutyPatch {
        kind: take(&mut errors, no_null("kind", b.kind)),
        occurred_on: take(&mut errors, no_null("occurred_on", b.occurred_on)),
        title: take(
            &mut errors,
            no_null("title", b.title.map(|v| v.map(String::from))),
        ),
        content: b.content.map(|v| v.map(String::from)),
    };
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let after = duty::amend(&before, patch, state.clock.today())?;
    match state
        .store
        .save_manual_duty(&caller.audit(), &before, after)
        .await
    {
        Ok(d) => Ok(respond::changed(d.version, &view(d))),
        Err(e) => Err(e.into()),
    }
}

/// 删除手工履职记录 · Delete a hand-made duty record
///
/// 删除一条手工登记的履职记录；工作人员可删任意一条，代表只能删本人登记的。
///
/// Deletes a record made by hand (staff; a deputy those they made).
#[utoipa::path(
    tag = "duties",
    params(("id" = Uuid, Path), ("duty_id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Neither staff nor this deputy, or a record staff made", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A record the system wrote", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/deputies/{id}/duties/{duty_id}")]
pub async fn delete_duty(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid)>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let (id, duty_id) = path.into_inner();
    let before = load_to_change(&state, &caller, id, duty_id).await?;
    if if_match.0.is_some_and(|v| v != before.version) {
        return Err(ApiError::precondition_failed());
    }
    let after = duty::remove(&before, renda_domain::time::now())?;
    match state
        .store
        .save_manual_duty(&caller.audit(), &before, after)
        .await
    {
        Ok(_) => Ok(HttpResponse::NoContent().finish()),
        Err(e) => Err(e.into()),
    }
}

/// Which year's report.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// This year if absent.
    #[validate(range(min = 1949, max = 2999))]
    #[param(minimum = 1949, maximum = 2999)]
    pub year: Option<i32>,
}

/// 述职报告中列出的一次已参加的履职活动。
///
/// An activity attended, in the report.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttendedActivity {
    /// 活动的 ID；履职记录未关联活动时为 null。
    ///
    /// The activity's id; null when the record names none.
    pub activity_id: Option<Uuid>,
    /// 活动名称。
    ///
    /// The activity's title.
    pub title: String,
    /// 参加日期。
    ///
    /// The day attended.
    pub day: NaiveDate,
}

/// 当年代表建议及其办理结果。
///
/// The suggestions of the year and how they fared.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionOutcomes {
    /// 作为领衔代表提出的件数。
    ///
    /// Submitted as lead deputy.
    pub led: u64,
    /// 作为附议代表联名的件数。
    ///
    /// Co-signed as a co-signer.
    pub co_signed: u64,
    /// 按当前状态统计的件数（领衔和附议合计），键为状态标识。
    ///
    /// By current status (led and co-signed together).
    pub by_status: BTreeMap<String, u64>,
    /// 已办结且评价为满意或基本满意的件数。
    ///
    /// Closed ones with the deputy's evaluation: satisfied or basically satisfied.
    pub satisfied: u64,
    /// 已办结且评价为不满意的件数。
    ///
    /// Closed ones evaluated unsatisfied.
    pub unsatisfied: u64,
}

/// 代表年度述职报告：完全由当年的履职记录汇总而成。
///
/// A deputy's yearly report (述职): exactly the records of the year.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "deputy_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e11", "year": 2026, "total": 5,
    "by_kind": {"activity_attended": 2, "reception_served": 1, "suggestion_submitted": 1, "research": 1},
    "activities": [{"activity_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ee0", "title": "走进社区心理健康讲座", "day": "2026-12-05"}],
    "suggestions": {"led": 1, "co_signed": 0, "by_status": {"assigned": 1}, "satisfied": 0, "unsatisfied": 0},
    "receptions_served": 1, "opinions_taken_up": 0
}))]
pub struct DutyReport {
    /// 代表的 ID。
    ///
    /// The deputy.
    pub deputy_id: Uuid,
    /// 报告年度，如 2026。
    ///
    /// The year reported on, such as 2026.
    pub year: i32,
    /// 当年履职记录总数，等于 `by_kind` 之和。
    ///
    /// Records of the year; the sum of `by_kind`.
    pub total: u64,
    /// 按履职类别统计的记录条数，键为类别标识。
    ///
    /// Records by kind, keyed by the kind's identifier.
    pub by_kind: BTreeMap<String, u64>,
    /// 当年参加的履职活动。
    ///
    /// The activities attended in the year.
    pub activities: Vec<AttendedActivity>,
    /// 当年提出和附议的代表建议及其办理结果。
    ///
    /// The suggestions led and co-signed in the year, and how they fared.
    pub suggestions: SuggestionOutcomes,
    /// 在联络站接待日值班的次数。
    ///
    /// Reception days served at a station.
    pub receptions_served: u64,
    /// 将群众意见转为建议的件数。
    ///
    /// Constituent opinions taken up as suggestions.
    pub opinions_taken_up: u64,
}

/// 代表年度述职报告 · Get a deputy's yearly duty report
///
/// 由一位代表当年的履职记录汇总生成其年度述职报告；人大办工作人员、常委会负责人和该代表本人可调用。
///
/// A deputy's yearly report, made of the year's duty records (the office,
/// leaders and the deputy).
#[utoipa::path(
    tag = "duties",
    params(("id" = Uuid, Path), ReportParams),
    responses(
        (status = 200, description = "The report", body = DutyReport),
        (status = 403, description = "Not the office, a leader or this deputy", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/deputies/{id}/duty-report")]
pub async fn duty_report(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    params: QueryParams<ReportParams>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    caller.require(Action::ReadDuties {
        deputy_id: id.into(),
    })?;
    deputy_exists(&state, id).await?;
    let year = params.0.year.unwrap_or_else(|| state.clock.today().year());
    let records = state.store.duties_of_year(id, year).await?;
    let mut by_kind: BTreeMap<String, u64> = BTreeMap::new();
    let mut activities = Vec::new();
    let mut outcomes = SuggestionOutcomes {
        led: 0,
        co_signed: 0,
        by_status: BTreeMap::new(),
        satisfied: 0,
        unsatisfied: 0,
    };
    // The suggestions' states in one read, not one read a record.
    let suggestion_ids: Vec<Uuid> = records
        .iter()
        .filter(|r| {
            matches!(
                r.kind,
                DutyKind::SuggestionSubmitted | DutyKind::SuggestionCoSigned
            )
        })
        .filter_map(|r| r.ref_id)
        .collect();
    let outcomes_of = state.store.suggestion_outcomes(&suggestion_ids).await?;
    for r in &records {
        *by_kind.entry(r.kind.as_str().to_owned()).or_default() += 1;
        match r.kind {
            DutyKind::ActivityAttended => activities.push(AttendedActivity {
                activity_id: r.ref_id,
                title: r.title.clone(),
                day: r.occurred_on,
            }),
            DutyKind::SuggestionSubmitted | DutyKind::SuggestionCoSigned => {
                if r.kind == DutyKind::SuggestionSubmitted {
                    outcomes.led += 1;
                } else {
                    outcomes.co_signed += 1;
                }
                let Some(s) = r.ref_id.and_then(|sid| outcomes_of.get(&sid)) else {
                    continue;
                };
                *outcomes
                    .by_status
                    .entry(s.status.as_str().to_owned())
                    .or_default() += 1;
                match s.satisfied_at_close() {
                    Some(true) => outcomes.satisfied += 1,
                    Some(false) => outcomes.unsatisfied += 1,
                    None => {}
                }
            }
            _ => {}
        }
    }
    let count = |k: DutyKind| by_kind.get(k.as_str()).copied().unwrap_or(0);
    Ok(HttpResponse::Ok().json(DutyReport {
        deputy_id: id,
        year,
        total: records.len() as u64,
        receptions_served: count(DutyKind::ReceptionServed),
        opinions_taken_up: count(DutyKind::OpinionTakenUp),
        by_kind,
        activities,
        suggestions: outcomes,
    }))
}

/// How far back to look.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IdleParams {
    /// Days without a recorded duty (default 90).
    #[validate(range(min = 1, max = 3660))]
    #[param(minimum = 1, maximum = 3660)]
    pub days: Option<u32>,
}

/// 近期没有履职记录的在任代表。
///
/// An active deputy without a recorded duty lately.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"deputy_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e11", "name": "张伟", "last_duty_on": "2026-06-30"}))]
pub struct IdleDeputyView {
    /// 代表的 ID。
    ///
    /// The deputy's id.
    pub deputy_id: Uuid,
    /// 代表姓名。
    ///
    /// The deputy's name.
    pub name: String,
    /// 最近一条履职记录的日期；从未有记录时为 null。
    ///
    /// Their latest recorded duty; null if none ever.
    pub last_duty_on: Option<NaiveDate>,
}

impl crate::pagination::Keyed for IdleDeputyView {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.deputy_id, DateTime::<Utc>::UNIX_EPOCH)
    }
}

/// 近期无履职记录的代表 · List deputies without recent duties
///
/// 列出最近 `days` 天内没有任何履职记录的在任代表，供人大办跟进；工作人员和常委会负责人可调用。
/// 这不是排名，只列出没有记录的代表。
///
/// Active deputies with no duty recorded in the last `days` days, for the
/// office to follow up (staff and leaders). Not a ranking: only who has
/// nothing on record.
#[utoipa::path(
    tag = "duties",
    params(WholeListParams, IdleParams),
    responses(
        (status = 200, description = "Deputies without recorded duties", body = ListResponse<IdleDeputyView>),
        (status = 403, description = "Neither staff nor leader", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/duties/idle-deputies")]
pub async fn idle_deputies(
    state: Data<AppState>,
    caller: Caller,
    page: QueryParams<WholeListParams>,
    params: QueryParams<IdleParams>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadDutySummary)?;
    let days = i64::from(params.0.days.unwrap_or(90));
    let since = state.clock.today() - chrono::Duration::days(days - 1);
    let w = page.0.id_window()?;
    if w.empty {
        return Ok(crate::respond::page(
            ListResponse::<IdleDeputyView>::from_id_window(Vec::new(), &w, Some(0)),
        ));
    }
    let idle: Vec<IdleDeputyView> = state
        .store
        .idle_deputies(since, w.after, w.desc, w.limit.saturating_add(1))
        .await?
        .into_iter()
        .map(|d| IdleDeputyView {
            deputy_id: d.deputy_id,
            name: d.name,
            last_duty_on: d.last_duty_on,
        })
        .collect();
    let total = if w.include_total {
        Some(state.store.count_idle_deputies(since).await?)
    } else {
        None
    };
    Ok(crate::respond::page(ListResponse::from_id_window(
        idle, &w, total,
    )))
}
