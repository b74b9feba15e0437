//! The observer registry (观察员). Contact details are personal data:
//! shown to the office and the observer, masked for everyone else.

use crate::routes::Routes;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, get, patch, post};
use chrono::{DateTime, NaiveDate, Utc};
use renda_auth::Action;
use renda_domain::observer::{
    NewObserver, Observer, ObserverCategory, ObserverPatch, ObserverStatus, SELF_EDITABLE_FIELDS,
    Specialty,
};
use renda_domain::text::Line;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::error::{ApiError, ApiResult, FieldError, Msg, Problem};
use crate::extract::{Caller, IfMatch, JsonBody, QueryParams, no_null, take};
use crate::pagination::{ListParams, ListResponse};
use crate::patch::double;
use crate::routes::common::missing_units;
use crate::{AppState, respond};

pub fn configure(cfg: &mut Routes) {
    cfg.service(create_observer)
        .service(list_observers)
        .service(get_observer)
        .service(update_observer);
}

/// 观察员。
///
/// An observer.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e90",
    "name": "陈静",
    "specialty": "finance_audit",
    "category": "finance_work",
    "affiliation": "宿迁某会计师事务所",
    "term_start": "2026-01-01",
    "term_end": "2028-12-31",
    "status": "active",
    "phone": "139****5678",
    "email": null,
    "conflict_unit_ids": [],
    "personal_data_masked": true,
    "created_at": "2026-11-27T08:00:00Z",
    "updated_at": "2026-11-27T08:00:00Z"
}))]
pub struct ObserverResponse {
    /// 观察员 ID。
    ///
    /// The observer's id.
    pub id: Uuid,
    /// 姓名。
    ///
    /// The name.
    pub name: String,
    /// 专业领域，如 `finance_audit` 财务审计。
    ///
    /// The professional field, e.g. `finance_audit`.
    pub specialty: Specialty,
    /// 观察员类别，如 `finance_work` 财经工作观察员。
    ///
    /// The programme served in, e.g. `finance_work`.
    pub category: ObserverCategory,
    /// 工作单位；未填写时为 null。
    ///
    /// Where they work; null when not given.
    pub affiliation: Option<String>,
    /// 任期开始日期；未填写时为 null。
    ///
    /// The first day of the term; null when not given.
    pub term_start: Option<NaiveDate>,
    /// 任期结束日期；未填写时为 null。
    ///
    /// The last day of the term; null when not given.
    pub term_end: Option<NaiveDate>,
    /// 是否在任：`active` 在任，`inactive` 已结束服务。
    ///
    /// Whether they serve: `active` or `inactive`.
    pub status: ObserverStatus,
    /// 电话，属个人信息：除观察员本人或以 `unmask=true` 查看外，均脱敏显示；未填写时为 null。
    ///
    /// Personal data: masked unless the caller is the observer or asked `unmask=true`.
    pub phone: Option<String>,
    /// 电子邮箱，属个人信息：除观察员本人或以 `unmask=true` 查看外，不显示（null）。
    ///
    /// Personal data: withheld unless the caller is the observer or asked `unmask=true`.
    pub email: Option<String>,
    /// 观察员申报存在关联（利益冲突）的被监督单位 ID。
    ///
    /// Supervised bodies the observer declared ties to (conflicts of interest).
    pub conflict_unit_ids: Vec<Uuid>,
    /// 联系方式是否已脱敏或隐去。
    ///
    /// Whether the contact details are masked or withheld.
    pub personal_data_masked: bool,
    /// 登记时间（UTC）。
    ///
    /// When the observer was registered.
    pub created_at: DateTime<Utc>,
    /// 最后修改时间（UTC）。
    ///
    /// When the record last changed.
    pub updated_at: DateTime<Utc>,
}

/// Whether the caller is the observer themself.
fn is_own(caller: &Caller, observer_id: Uuid) -> bool {
    caller.may(Action::SeeOwnObserverRecord { observer_id })
}

/// An observer as shown: contact details masked unless the caller is the
/// observer or an unmasking request was granted.
fn view(o: Observer, caller: &Caller, unmasked: bool) -> ObserverResponse {
    let full = unmasked || is_own(caller, o.id);
    ObserverResponse {
        id: o.id,
        name: o.name,
        specialty: o.specialty,
        category: o.category,
        affiliation: o.affiliation,
        term_start: o.term_start,
        term_end: o.term_end,
        status: o.status,
        phone: if full {
            o.phone
        } else {
            o.phone.as_deref().map(renda_domain::personal::mask_phone)
        },
        email: if full { o.email } else { None },
        conflict_unit_ids: o.conflict_unit_ids,
        personal_data_masked: !full,
        created_at: o.created_at,
        updated_at: o.updated_at,
    }
}

/// 新登记的观察员。
///
/// A new observer.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "陈静", "specialty": "finance_audit", "category": "finance_work",
    "affiliation": "宿迁某会计师事务所", "term_start": "2026-01-01", "term_end": "2028-12-31",
    "phone": "13900005678"
}))]
pub struct CreateObserverRequest {
    /// 姓名，最多 100 字。
    ///
    /// The name, at most 100 characters.
    pub name: Line<100>,
    /// 专业领域。
    ///
    /// The professional field.
    pub specialty: Specialty,
    /// 观察员类别。
    ///
    /// The programme served in.
    pub category: ObserverCategory,
    /// 工作单位，最多 200 字；可不填。
    ///
    /// Where they work, at most 200 characters; optional.
    pub affiliation: Option<Line<200>>,
    /// 任期开始日期；可不填。
    ///
    /// The first day of the term; optional.
    pub term_start: Option<NaiveDate>,
    /// 任期结束日期，不能早于开始日期；可不填。
    ///
    /// The last day of the term, not before the first; optional.
    pub term_end: Option<NaiveDate>,
    /// 是否在任；默认 `active`。
    ///
    /// Default `active`.
    pub status: Option<ObserverStatus>,
    /// 电话，属个人信息；可不填。
    ///
    /// A phone number; personal data. Optional.
    #[validate(custom(function = "crate::validation::phone"))]
    #[schema(max_length = 24, pattern = r"^\+?[ -]*(?:[0-9][ -]*){5,20}$")]
    pub phone: Option<String>,
    /// 电子邮箱，最多 200 字符，属个人信息；可不填。
    ///
    /// An e-mail address, at most 200 characters; personal data. Optional.
    #[validate(email, length(max = 200))]
    #[schema(format = "email", max_length = 200)]
    pub email: Option<String>,
    /// 申报存在关联（利益冲突）的被监督单位 ID，最多 50 个；可不填。
    ///
    /// Bodies the observer declares ties to (conflicts of interest), at most
    /// 50. Optional.
    #[serde(default)]
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    pub conflict_unit_ids: Vec<Uuid>,
}

/// 对观察员的修改；`conflict_unit_ids` 整体替换。观察员本人只能修改本人记录的 `phone`、`email`、
/// `affiliation` 和 `conflict_unit_ids`。
///
/// A change to an observer; `conflict_unit_ids` replaces the list. An
/// observer may change only `phone`, `email`, `affiliation` and
/// `conflict_unit_ids` on their own record.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"phone": "13700001111", "conflict_unit_ids": []}))]
pub struct UpdateObserverRequest {
    /// 新姓名，最多 100 字；不传则不变，不能为 null。
    ///
    /// The new name, at most 100 characters; unchanged when absent, never null.
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = Line<100>, required = false)]
    pub name: Option<Option<Line<100>>>,
    /// 新的专业领域；不传则不变，不能为 null。
    ///
    /// The new professional field; unchanged when absent, never null.
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = Specialty, required = false)]
    pub specialty: Option<Option<Specialty>>,
    /// 新的观察员类别；不传则不变，不能为 null。
    ///
    /// The new programme; unchanged when absent, never null.
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = ObserverCategory, required = false)]
    pub category: Option<Option<ObserverCategory>>,
    /// 新的工作单位，最多 200 字；null 清除，不传则不变。
    ///
    /// The new affiliation, at most 200 characters; null clears it, absent
    /// leaves it.
    #[serde(default, deserialize_with = "double")]
    pub affiliation: Option<Option<Line<200>>>,
    /// 新的任期开始日期；null 清除，不传则不变。
    ///
    /// The new first day of the term; null clears it, absent leaves it.
    #[serde(default, deserialize_with = "double")]
    pub term_start: Option<Option<NaiveDate>>,
    /// 新的任期结束日期，不能早于开始日期；null 清除，不传则不变。
    ///
    /// The new last day of the term, not before the first; null clears it,
    /// absent leaves it.
    #[serde(default, deserialize_with = "double")]
    pub term_end: Option<Option<NaiveDate>>,
    /// 在任状态，`inactive` 表示服务结束；不传则不变，不能为 null。
    ///
    /// Whether they serve (`inactive` ends the service); unchanged when absent,
    /// never null.
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = ObserverStatus, required = false)]
    pub status: Option<Option<ObserverStatus>>,
    /// 新电话；null 清除，不传则不变。
    ///
    /// The new phone number; null clears it, absent leaves it.
    #[serde(default, deserialize_with = "double")]
    #[validate(custom(function = "crate::validation::phone"))]
    #[schema(max_length = 24, pattern = r"^\+?[ -]*(?:[0-9][ -]*){5,20}$")]
    pub phone: Option<Option<String>>,
    /// 新电子邮箱，最多 200 字符；null 清除，不传则不变。
    ///
    /// The new e-mail address, at most 200 characters; null clears it, absent
    /// leaves it.
    #[serde(default, deserialize_with = "double")]
    #[validate(email, length(max = 200))]
    #[schema(format = "email", max_length = 200)]
    pub email: Option<Option<String>>,
    /// 新的关联单位 ID（整体替换），最多 50 个；不传则不变，不能为 null。
    ///
    /// The new tied bodies, replacing the list, at most 50; unchanged when
    /// absent, never null.
    #[serde(default, deserialize_with = "double")]
    #[validate(length(max = 50))]
    #[schema(value_type = Vec<Uuid>, required = false, max_items = 50)]
    pub conflict_unit_ids: Option<Option<Vec<Uuid>>>,
}

impl UpdateObserverRequest {
    fn present_fields(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        macro_rules! check {
            ($($f:ident),*) => { $( if self.$f.is_some() { out.push(stringify!($f)); } )* };
        }
        check!(
            name,
            specialty,
            category,
            affiliation,
            term_start,
            term_end,
            status,
            phone,
            email,
            conflict_unit_ids
        );
        out
    }
}

/// Filters of the observer listing.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ObserverFilterParams {
    pub specialty: Option<Specialty>,
    pub category: Option<ObserverCategory>,
    pub status: Option<ObserverStatus>,
    /// Words in the name (Chinese substrings match).
    #[validate(length(max = 100))]
    #[param(max_length = 100)]
    pub q: Option<String>,
}

async fn check_units(state: &AppState, ids: &[Uuid]) -> ApiResult<()> {
    let errors = missing_units(state, "conflict_unit_ids", ids).await?;
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

fn check_term(start: Option<NaiveDate>, end: Option<NaiveDate>) -> ApiResult<()> {
    if renda_domain::deputy::is_valid_period(start, end) {
        Ok(())
    } else {
        Err(ApiError::field(
            "term_end",
            "period",
            Msg::new("任期结束不能早于开始", "the term ends before it starts"),
        ))
    }
}

/// 登记观察员 · Register an observer
///
/// 工作人员和系统管理员登记观察员。
///
/// Registers an observer (staff and administrators).
#[utoipa::path(
    tag = "observers",
    request_body = CreateObserverRequest,
    responses(
        (status = 201, description = "Registered", body = ObserverResponse, headers(("Location" = String), ("ETag" = String))),
        (status = 403, description = "Not staff or administrator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/observers")]
pub async fn create_observer(
    state: Data<AppState>,
    caller: Caller,
    body: JsonBody<CreateObserverRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageObservers)?;
    let b = body.parse()?;
    check_term(b.term_start, b.term_end)?;
    check_units(&state, &b.conflict_unit_ids).await?;
    let new = NewObserver {
        name: b.name.trim().to_owned(),
        specialty: b.specialty,
        category: b.category,
        affiliation: b.affiliation.map(String::from),
        term_start: b.term_start,
        term_end: b.term_end,
        status: b.status.unwrap_or(ObserverStatus::Active),
        phone: b.phone,
        email: b.email,
        conflict_unit_ids: b.conflict_unit_ids,
    };
    let o = state.store.create_observer(&caller.audit(), new).await?;
    let version = o.version;
    Ok(respond::created(
        format!("/api/v1/observers/{}", o.id),
        version,
        &view(o, &caller, false),
    ))
}

/// 观察员列表 · List observers
///
/// 任何已登录用户均可列出观察员；联系方式脱敏显示。
///
/// Lists observers (any signed-in user; contact details masked).
#[utoipa::path(
    tag = "observers",
    params(ListParams, ObserverFilterParams),
    responses(
        (status = 200, description = "A page of observers", body = ListResponse<ObserverResponse>),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/observers")]
pub async fn list_observers(
    state: Data<AppState>,
    caller: Caller,
    page: QueryParams<ListParams>,
    filter: QueryParams<ObserverFilterParams>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadObservers)?;
    let p = filter.0;
    let f = renda_persistence::observers::ObserverFilter {
        specialty: p.specialty,
        category: p.category,
        status: p.status,
        q: p.q.filter(|q| !renda_domain::text::is_blank(q)),
    };
    let page = state.store.list_observers(&f, &page.0.options()?).await?;
    Ok(crate::respond::page(ListResponse::from_page(page, |o| {
        view(o, &caller, false)
    })))
}

/// 查看观察员 · Get an observer
///
/// 查看一名观察员。除观察员本人外，联系方式均脱敏显示；人大办可用 `unmask=true` 查看完整联系方式，
/// 审计日志记录此次查看。
///
/// Reads an observer. Contact details are masked except for the
/// observer; the office sees them with `unmask=true`, which the audit
/// trail records.
#[utoipa::path(
    tag = "observers",
    params(("id" = Uuid, Path), crate::routes::common::UnmaskParams),
    responses(
        (status = 200, description = "The observer", body = ObserverResponse, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 403, description = "Unmasking asked by someone who may not see the observer's contact details", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/observers/{id}")]
pub async fn get_observer(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    unmask: crate::extract::QueryParams<crate::routes::common::UnmaskParams>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadObservers)?;
    let o = state.store.get_observer(id.into_inner()).await?;
    let unmasked = unmask.0.wanted() && !is_own(&caller, o.id);
    if unmasked {
        crate::routes::common::unmask(
            &state,
            &caller,
            Action::ReadObserverPersonalData { observer_id: o.id },
            "read_personal_data",
            "observer",
            Some(o.id),
            serde_json::json!({"fields": ["phone", "email"]}),
        )
        .await?;
    }
    let version = o.version;
    Ok(respond::resource(
        &req,
        version,
        &view(o, &caller, unmasked),
    ))
}

/// 修改观察员 · Change an observer
///
/// 修改观察员信息：人大办可修改任何字段（`status: inactive` 表示服务结束），
/// 观察员本人可修改本人记录中的少数字段。新申报的关联（`conflict_unit_ids`）
/// 涉及该观察员所参与的未办结事项的某一被监督单位的，返回 409 `tie_to_assigned_item`：
/// 人大办须先将该观察员从该事项中撤出，从而记录中绝不会出现观察员参与其已申报关联的事项。
///
/// Changes an observer: the office any field (`status: inactive` ends the
/// service), the observer a few fields of their own record. A new tie
/// (`conflict_unit_ids`) to a body of an open item the observer is
/// assigned to is refused with 409 `tie_to_assigned_item`: the office
/// first withdraws the observer from that item, so that the record never
/// shows an observer taking part where they declared a tie.
#[utoipa::path(
    tag = "observers",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
    request_body = UpdateObserverRequest,
    responses(
        (status = 200, description = "Changed", body = ObserverResponse, headers(("ETag" = String))),
        (status = 403, description = "Neither the office nor this observer", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A new tie to a body of an open item the observer is assigned to (`tie_to_assigned_item`)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/observers/{id}")]
pub async fn update_observer(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<UpdateObserverRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let office = caller.may(Action::ManageObservers);
    if !office {
        caller.require(Action::EditOwnObserverRecord { observer_id: id })?;
    }
    let b = body.parse()?;
    if !office {
        let refused: Vec<FieldError> = b
            .present_fields()
            .into_iter()
            .filter(|f| !SELF_EDITABLE_FIELDS.contains(f))
            .map(|f| {
                FieldError::new(
                    f,
                    "not_editable",
                    Msg::new(
                        "观察员本人不能修改此字段",
                        "an observer cannot change this field",
                    ),
                )
            })
            .collect();
        if !refused.is_empty() {
            return Err(ApiError::validation(refused));
        }
    }
    let mut errors = Vec::new();
    let name: Option<String> = take(
        &mut errors,
        no_null("name", b.name.map(|v| v.map(String::from))),
    );
    let specialty = take(&mut errors, no_null("specialty", b.specialty));
    let category = take(&mut errors, no_null("category", b.category));
    let status = take(&mut errors, no_null("status", b.status));
    let units = take(
        &mut errors,
        no_null("conflict_unit_ids", b.conflict_unit_ids),
    );
    if name.as_deref().is_some_and(renda_domain::text::is_blank) {
        errors.push(FieldError::new(
            "name",
            "blank",
            Msg::new("不能为空", "must not be blank"),
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    if let Some(u) = &units {
        check_units(&state, u).await?;
    }
    let current = state.store.get_observer(id).await?;
    check_term(
        b.term_start.unwrap_or(current.term_start),
        b.term_end.unwrap_or(current.term_end),
    )?;
    let patch = ObserverPatch {
        name: name.map(|n| n.trim().to_owned()),
        specialty,
        category,
        affiliation: b.affiliation.map(|v| v.map(String::from)),
        term_start: b.term_start,
        term_end: b.term_end,
        status,
        phone: b.phone,
        email: b.email,
        conflict_unit_ids: units,
    };
    let o = state
        .store
        .update_observer(&caller.audit(), id, if_match.0, patch)
        .await?;
    let version = o.version;
    Ok(respond::changed(version, &view(o, &caller, false)))
}
