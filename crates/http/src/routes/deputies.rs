//! Deputies (人大代表): the person, memberships at the five levels and the
//! "three links". Public profiles are open to everyone; personal data
//! (phone, birth date) is masked for all but the deputy, and shown to
//! staff and administrators on a deliberate, audited request (`unmask`).

use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};
use chrono::{DateTime, NaiveDate, Utc};
use renda_auth::Action;
use renda_domain::deputy::{
    Deputy, DeputyPatch, DeputyStatus, Gender, Level, Link, LinkKind, Membership, MembershipStatus,
    NewDeputy, SELF_EDITABLE_FIELDS, is_valid_period,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::{Validate, ValidationError};

use crate::error::{ApiError, ApiResult, FieldError, Msg, Problem};
use crate::extract::{Caller, IfMatch, JsonBody, QueryParams, no_null, take};
use crate::pagination::{ListParams, ListResponse};
use crate::patch::double;
use crate::validation::invalid;
use crate::{AppState, respond};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_deputy)
        .service(list_deputies)
        .service(export_deputies)
        .service(get_deputy)
        .service(update_deputy)
        .service(delete_deputy);
}

/// A membership of a congress.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "membership_period"))]
#[schema(example = json!({
    "level": "county", "term": "第十八届", "constituency": "古城街道第三选区",
    "delegation": null, "start_date": "2021-12-01", "end_date": null, "status": "serving"
}))]
pub struct MembershipBody {
    pub level: Level,
    /// The congress term (届次), e.g. `第十八届`.
    #[validate(
        length(min = 1, max = 40),
        custom(function = "crate::validation::not_blank")
    )]
    #[schema(
        min_length = 1,
        max_length = 40,
        pattern = r"^[^\x00]*[^\x00\u0009-\u000d\u0020\u0085\u00a0\u00ad\u034f\u061c\u115f-\u1160\u1680\u17b4-\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8][^\x00]*$"
    )]
    pub term: String,
    /// Constituency (选区), for deputies elected directly.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub constituency: Option<String>,
    /// Delegation (代表团), for deputies elected by a congress.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub delegation: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    /// Default `serving`.
    #[serde(default = "serving")]
    pub status: MembershipStatus,
}

fn serving() -> MembershipStatus {
    MembershipStatus::Serving
}

fn membership_period(m: &MembershipBody) -> Result<(), ValidationError> {
    if is_valid_period(m.start_date, m.end_date) {
        Ok(())
    } else {
        Err(invalid(
            "period",
            "结束日期不能早于开始日期",
            "the end date is before the start date",
        ))
    }
}

/// A "three links" link.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "link_period"))]
#[schema(example = json!({"kind": "community", "organization": "项里社区", "start_date": "2022-01-01", "end_date": null}))]
pub struct LinkBody {
    pub kind: LinkKind,
    /// The linked community, social organisation or enterprise.
    #[validate(
        length(min = 1, max = 200),
        custom(function = "crate::validation::not_blank")
    )]
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00]*[^\x00\u0009-\u000d\u0020\u0085\u00a0\u00ad\u034f\u061c\u115f-\u1160\u1680\u17b4-\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8][^\x00]*$"
    )]
    pub organization: String,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
}

fn link_period(l: &LinkBody) -> Result<(), ValidationError> {
    if is_valid_period(l.start_date, l.end_date) {
        Ok(())
    } else {
        Err(invalid(
            "period",
            "结束日期不能早于开始日期",
            "the end date is before the start date",
        ))
    }
}

impl From<MembershipBody> for Membership {
    fn from(m: MembershipBody) -> Self {
        Membership {
            level: m.level,
            term: m.term.trim().to_owned(),
            constituency: m.constituency,
            delegation: m.delegation,
            start_date: m.start_date,
            end_date: m.end_date,
            status: m.status,
        }
    }
}

impl From<Membership> for MembershipBody {
    fn from(m: Membership) -> Self {
        MembershipBody {
            level: m.level,
            term: m.term,
            constituency: m.constituency,
            delegation: m.delegation,
            start_date: m.start_date,
            end_date: m.end_date,
            status: m.status,
        }
    }
}

impl From<LinkBody> for Link {
    fn from(l: LinkBody) -> Self {
        Link {
            kind: l.kind,
            organization: l.organization.trim().to_owned(),
            start_date: l.start_date,
            end_date: l.end_date,
        }
    }
}

impl From<Link> for LinkBody {
    fn from(l: Link) -> Self {
        LinkBody {
            kind: l.kind,
            organization: l.organization,
            start_date: l.start_date,
            end_date: l.end_date,
        }
    }
}

/// A deputy. `phone` is masked (`138****1234`) and `birth_date` is null
/// unless the caller is staff, an administrator or the deputy.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e60",
    "name": "张伟",
    "gender": "male",
    "ethnicity": "汉族",
    "birth_date": null,
    "party": "中国共产党",
    "education": "大学本科",
    "occupation": "教师",
    "work_unit": "宿城区实验小学",
    "phone": "138****1234",
    "photo_url": null,
    "status": "active",
    "memberships": [{"level": "county", "term": "第十八届", "constituency": "古城街道第三选区", "delegation": null, "start_date": "2021-12-01", "end_date": null, "status": "serving"}],
    "links": [{"kind": "community", "organization": "项里社区", "start_date": "2022-01-01", "end_date": null}],
    "station_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ec0"],
    "personal_data_masked": true,
    "created_at": "2026-11-27T08:00:00Z",
    "updated_at": "2026-11-27T08:00:00Z"
}))]
pub struct DeputyResponse {
    pub id: Uuid,
    pub name: String,
    pub gender: Option<Gender>,
    pub ethnicity: Option<String>,
    /// Personal data: null unless the caller is the deputy or asked `unmask=true`.
    pub birth_date: Option<NaiveDate>,
    pub party: Option<String>,
    pub education: Option<String>,
    pub occupation: Option<String>,
    pub work_unit: Option<String>,
    /// Personal data: masked unless the caller is the deputy or asked `unmask=true`.
    pub phone: Option<String>,
    pub photo_url: Option<String>,
    pub status: DeputyStatus,
    pub memberships: Vec<MembershipBody>,
    pub links: Vec<LinkBody>,
    /// The liaison stations the deputy is assigned to.
    pub station_ids: Vec<Uuid>,
    /// Whether personal data in this answer is masked or withheld.
    pub personal_data_masked: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The answer for one deputy, with their stations.
async fn view_one(
    state: &AppState,
    d: Deputy,
    caller: &Caller,
    unmasked: bool,
) -> ApiResult<DeputyResponse> {
    let mut st = state.store.stations_of_deputies(&[d.id]).await?;
    let stations = st.remove(&d.id).unwrap_or_default();
    Ok(view(d, caller, stations, unmasked))
}

/// Whether the caller is the deputy themself.
fn is_own(caller: &Caller, deputy_id: Uuid) -> bool {
    caller.principal.actor().is_some_and(|a| {
        a.has(renda_domain::Role::Deputy) && a.deputy_id == Some(deputy_id) && !a.is_client()
    })
}

/// A deputy as shown: personal data masked unless the caller is the
/// deputy or an unmasking request was granted.
fn view(d: Deputy, caller: &Caller, station_ids: Vec<Uuid>, unmasked: bool) -> DeputyResponse {
    let full = unmasked || is_own(caller, d.id);
    DeputyResponse {
        id: d.id,
        name: d.name,
        gender: d.gender,
        ethnicity: d.ethnicity,
        birth_date: if full { d.birth_date } else { None },
        party: d.party,
        education: d.education,
        occupation: d.occupation,
        work_unit: d.work_unit,
        phone: if full {
            d.phone
        } else {
            d.phone.as_deref().map(renda_domain::personal::mask_phone)
        },
        photo_url: d.photo_url,
        status: d.status,
        memberships: d
            .memberships
            .into_iter()
            .map(MembershipBody::from)
            .collect(),
        links: d.links.into_iter().map(LinkBody::from).collect(),
        station_ids,
        personal_data_masked: !full,
        created_at: d.created_at,
        updated_at: d.updated_at,
    }
}

/// A new deputy.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "张伟",
    "gender": "male",
    "ethnicity": "汉族",
    "birth_date": "1975-03-18",
    "party": "中国共产党",
    "occupation": "教师",
    "work_unit": "宿城区实验小学",
    "phone": "13812341234",
    "memberships": [{"level": "county", "term": "第十八届", "constituency": "古城街道第三选区"}],
    "links": [{"kind": "community", "organization": "项里社区"}]
}))]
pub struct CreateDeputyRequest {
    #[validate(
        length(min = 1, max = 100),
        custom(function = "crate::validation::not_blank")
    )]
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00]*[^\x00\u0009-\u000d\u0020\u0085\u00a0\u00ad\u034f\u061c\u115f-\u1160\u1680\u17b4-\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8][^\x00]*$"
    )]
    pub name: String,
    pub gender: Option<Gender>,
    #[validate(length(min = 1, max = 40))]
    #[schema(min_length = 1, max_length = 40)]
    pub ethnicity: Option<String>,
    pub birth_date: Option<NaiveDate>,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub party: Option<String>,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub education: Option<String>,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub occupation: Option<String>,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub work_unit: Option<String>,
    #[validate(custom(function = "crate::validation::phone"))]
    #[schema(max_length = 24, pattern = r"^\+?[ -]*(?:[0-9][ -]*){5,20}$")]
    pub phone: Option<String>,
    #[validate(length(max = 500), custom(function = "crate::validation::http_url"))]
    #[schema(
        max_length = 500,
        pattern = r"^https?://[^\x00\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$"
    )]
    pub photo_url: Option<String>,
    /// Default `active`.
    pub status: Option<DeputyStatus>,
    #[serde(default)]
    #[validate(length(max = 10), nested)]
    #[schema(max_items = 10)]
    pub memberships: Vec<MembershipBody>,
    #[serde(default)]
    #[validate(length(max = 50), nested)]
    #[schema(max_items = 50)]
    pub links: Vec<LinkBody>,
}

/// A change to a deputy; absent fields stay as they are, `null` clears,
/// and `memberships` or `links`, when given, replace the whole list. A
/// deputy editing their own profile may send only `phone`, `photo_url`,
/// `occupation`, `work_unit` and `education`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"phone": "13900001111", "work_unit": "宿城区第二实验小学"}))]
pub struct UpdateDeputyRequest {
    #[serde(default, deserialize_with = "double")]
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    #[schema(value_type = String, required = false)]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "double")]
    pub gender: Option<Option<Gender>>,
    #[serde(default, deserialize_with = "double")]
    #[validate(length(min = 1, max = 40))]
    #[schema(min_length = 1, max_length = 40)]
    pub ethnicity: Option<Option<String>>,
    #[serde(default, deserialize_with = "double")]
    pub birth_date: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double")]
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub party: Option<Option<String>>,
    #[serde(default, deserialize_with = "double")]
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub education: Option<Option<String>>,
    #[serde(default, deserialize_with = "double")]
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub occupation: Option<Option<String>>,
    #[serde(default, deserialize_with = "double")]
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub work_unit: Option<Option<String>>,
    #[serde(default, deserialize_with = "double")]
    #[validate(custom(function = "crate::validation::phone"))]
    #[schema(max_length = 24, pattern = r"^\+?[ -]*(?:[0-9][ -]*){5,20}$")]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "double")]
    #[validate(length(max = 500), custom(function = "crate::validation::http_url"))]
    #[schema(
        max_length = 500,
        pattern = r"^https?://[^\x00\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$"
    )]
    pub photo_url: Option<Option<String>>,
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = DeputyStatus, required = false)]
    pub status: Option<Option<DeputyStatus>>,
    #[serde(default, deserialize_with = "double")]
    #[validate(length(max = 10), nested)]
    #[schema(max_items = 10)]
    #[schema(value_type = Vec<MembershipBody>, required = false)]
    pub memberships: Option<Option<Vec<MembershipBody>>>,
    #[serde(default, deserialize_with = "double")]
    #[validate(length(max = 50), nested)]
    #[schema(max_items = 50)]
    #[schema(value_type = Vec<LinkBody>, required = false)]
    pub links: Option<Option<Vec<LinkBody>>>,
}

impl UpdateDeputyRequest {
    /// The names of the fields the request sends.
    fn present_fields(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        macro_rules! check {
            ($($f:ident),*) => { $( if self.$f.is_some() { out.push(stringify!($f)); } )* };
        }
        check!(
            name,
            gender,
            ethnicity,
            birth_date,
            party,
            education,
            occupation,
            work_unit,
            phone,
            photo_url,
            status,
            memberships,
            links
        );
        out
    }
}

/// Filters of the deputy listing.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeputyFilterParams {
    /// Deputies with a membership at this level.
    pub level: Option<Level>,
    /// Deputies with a membership of this term (e.g. `第十八届`).
    #[validate(length(max = 40))]
    #[param(max_length = 40)]
    pub term: Option<String>,
    /// Deputies with a membership for this constituency.
    #[validate(length(max = 200))]
    #[param(max_length = 200)]
    pub constituency: Option<String>,
    pub status: Option<DeputyStatus>,
    /// Words in the deputy's name (Chinese substrings match).
    #[validate(length(max = 100))]
    #[param(max_length = 100)]
    pub q: Option<String>,
    /// Exactly this phone number, digits compared (staff and
    /// administrators only: a lookup by personal data).
    #[validate(length(max = 24))]
    #[param(max_length = 24)]
    pub phone: Option<String>,
}

impl DeputyFilterParams {
    /// The store's filter; a lookup by phone is for the office only.
    fn into_filter(self, caller: &Caller) -> ApiResult<renda_persistence::deputies::DeputyFilter> {
        let phone = self.phone.filter(|p| !renda_domain::text::is_blank(p));
        if phone.is_some() {
            caller.require(Action::ManageDeputies)?;
        }
        Ok(renda_persistence::deputies::DeputyFilter {
            level: self.level,
            term: self.term.filter(|s| !renda_domain::text::is_blank(s)),
            constituency: self
                .constituency
                .filter(|s| !renda_domain::text::is_blank(s)),
            status: self.status,
            q: self.q.filter(|q| !renda_domain::text::is_blank(q)),
            phone,
        })
    }
}

/// Creates a deputy (staff and administrators).
#[utoipa::path(
    tag = "deputies",
    request_body = CreateDeputyRequest,
    responses(
        (status = 201, description = "Created", body = DeputyResponse,
            headers(("Location" = String, description = "The new deputy"), ("ETag" = String))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff or administrator", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/deputies")]
pub async fn create_deputy(
    state: Data<AppState>,
    caller: Caller,
    body: JsonBody<CreateDeputyRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageDeputies)?;
    let new = body.parse()?.into_new();
    let d = state.store.create_deputy(&caller.audit(), new).await?;
    let version = d.version;
    let location = format!("/api/v1/deputies/{}", d.id);
    let body = view_one(&state, d, &caller, false).await?;
    Ok(respond::created(location, version, &body))
}

impl CreateDeputyRequest {
    /// The deputy to create from a checked request.
    pub(crate) fn into_new(self) -> NewDeputy {
        NewDeputy {
            name: self.name.trim().to_owned(),
            gender: self.gender,
            ethnicity: self.ethnicity,
            birth_date: self.birth_date,
            party: self.party,
            education: self.education,
            occupation: self.occupation,
            work_unit: self.work_unit,
            phone: self.phone,
            photo_url: self.photo_url,
            status: self.status.unwrap_or(DeputyStatus::Active),
            memberships: self.memberships.into_iter().map(Membership::from).collect(),
            links: self.links.into_iter().map(Link::from).collect(),
        }
    }
}

/// Lists deputies. Open to everyone; personal data is masked as for
/// single deputies.
#[utoipa::path(
    tag = "deputies",
    params(ListParams, DeputyFilterParams),
    responses(
        (status = 200, description = "A page of deputies", body = ListResponse<DeputyResponse>),
        (status = 401, description = "An invalid access token was sent", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A lookup by phone asked by someone outside the office", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/deputies")]
pub async fn list_deputies(
    state: Data<AppState>,
    caller: Caller,
    page: QueryParams<ListParams>,
    filter: QueryParams<DeputyFilterParams>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadDeputies)?;
    let f = filter.0.into_filter(&caller)?;
    let page = state.store.list_deputies(&f, &page.0.options()?).await?;
    let ids: Vec<Uuid> = page.live().map(|x| x.id).collect();
    let mut stations = state.store.stations_of_deputies(&ids).await?;
    Ok(HttpResponse::Ok().json(ListResponse::from_page(page, |d| {
        let st = stations.remove(&d.id).unwrap_or_default();
        view(d, &caller, st, false)
    })))
}

const DEPUTY_HEADERS: &[&str] = &[
    "姓名",
    "性别",
    "民族",
    "出生日期",
    "党派",
    "学历",
    "职业",
    "工作单位及职务",
    "手机",
    "代表资格",
    "状态",
    "ID",
];

/// The rows of a deputies export, a page at a time.
struct DeputyRows {
    state: AppState,
    caller: Caller,
    filter: renda_persistence::deputies::DeputyFilter,
    after: Option<renda_persistence::list::Cursor>,
    done: bool,
    unmasked: bool,
}

fn membership_text(m: &MembershipBody) -> String {
    use renda_domain::deputy::labels;
    let place = m
        .constituency
        .as_deref()
        .or(m.delegation.as_deref())
        .map(|p| format!("（{p}）"))
        .unwrap_or_default();
    format!(
        "{}{}{}{}",
        labels::level(m.level),
        m.term,
        place,
        labels::membership_status(m.status)
    )
}

impl crate::export::RowSource for DeputyRows {
    async fn next_page(&mut self) -> Result<Option<Vec<Vec<crate::export::Cell>>>, ApiError> {
        use renda_domain::deputy::labels;
        if self.done {
            return Ok(None);
        }
        let opts = renda_persistence::list::ListOptions {
            limit: 500,
            after: self.after,
            ..Default::default()
        };
        let page = self.state.store.list_deputies(&self.filter, &opts).await?;
        self.after = page.next;
        self.done = page.next.is_none();
        let text = |s: Option<String>| crate::export::Cell::Text(s.unwrap_or_default());
        let rows = page
            .live()
            .cloned()
            .map(|d| {
                // Masked as in the list, unless the office asked for
                // personal data unmasked.
                let v = view(d, &self.caller, Vec::new(), self.unmasked);
                vec![
                    v.name.into(),
                    v.gender.map(labels::gender).unwrap_or_default().into(),
                    text(v.ethnicity),
                    text(v.birth_date.map(|d| d.to_string())),
                    text(v.party),
                    text(v.education),
                    text(v.occupation),
                    text(v.work_unit),
                    text(v.phone),
                    v.memberships
                        .iter()
                        .map(membership_text)
                        .collect::<Vec<_>>()
                        .join("；")
                        .into(),
                    labels::deputy_status(v.status).into(),
                    v.id.to_string().into(),
                ]
            })
            .collect();
        Ok(Some(rows))
    }
}

/// Exports the deputies, with the list's filters and masking, as CSV or
/// XLSX with Chinese column headers, streamed page by page. The office
/// may ask for personal data unmasked (`unmask=true`), which the audit
/// trail records.
#[utoipa::path(
    tag = "deputies",
    params(
        ("format" = inline(crate::export::ExportFormat), Path, description = "`csv` or `xlsx`"),
        DeputyFilterParams,
        crate::routes::common::UnmaskParams
    ),
    responses(
        (status = 200, description = "The file", content(
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ), headers(("Content-Disposition" = String))),
        (status = 401, description = "An invalid access token was sent", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A lookup by phone or an unmasked export asked by someone outside the office", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Neither csv nor xlsx", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/deputies/export.{format}")]
pub async fn export_deputies(
    state: Data<AppState>,
    caller: Caller,
    format: Path<crate::export::ExportFormat>,
    filter: QueryParams<DeputyFilterParams>,
    unmask: QueryParams<crate::routes::common::UnmaskParams>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadDeputies)?;
    let f = filter.0.into_filter(&caller)?;
    let format = format.into_inner();
    let unmasked = unmask.0.wanted();
    if unmasked {
        crate::routes::common::unmask(
            &state,
            &caller,
            Action::ExportDeputyPersonalData,
            "export_personal_data",
            "deputy",
            None,
            serde_json::json!({"format": format, "filter": {
                "level": f.level, "term": f.term, "constituency": f.constituency,
                "status": f.status, "q": f.q, "phone": f.phone.is_some(),
            }}),
        )
        .await?;
    }
    let rows = DeputyRows {
        state: state.get_ref().clone(),
        caller,
        filter: f,
        after: None,
        done: false,
        unmasked,
    };
    crate::export::respond(
        format,
        crate::export::Table {
            file: "deputies",
            file_utf8: "%E4%BB%A3%E8%A1%A8",
            sheet: "代表",
            headers: DEPUTY_HEADERS,
        },
        rows,
    )
    .await
}

/// Reads a deputy. Open to everyone. Personal data is masked except for
/// the deputy; staff and administrators see it with `unmask=true`, which
/// the audit trail records.
#[utoipa::path(
    tag = "deputies",
    params(("id" = Uuid, Path, description = "Deputy id"), crate::routes::common::UnmaskParams),
    responses(
        (status = 200, description = "The deputy", body = DeputyResponse, headers(("ETag" = String))),
        (status = 403, description = "Unmasking asked by someone who may not see the deputy's personal data", body = Problem, content_type = "application/problem+json"),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        (status = 401, description = "An invalid access token was sent", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such deputy", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/deputies/{id}")]
pub async fn get_deputy(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    unmask: QueryParams<crate::routes::common::UnmaskParams>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadDeputies)?;
    let d = state.store.get_deputy(id.into_inner()).await?;
    let unmasked = unmask.0.wanted() && !is_own(&caller, d.id);
    if unmasked {
        crate::routes::common::unmask(
            &state,
            &caller,
            Action::ReadDeputyPersonalData { deputy_id: d.id },
            "read_personal_data",
            "deputy",
            Some(d.id),
            serde_json::json!({"fields": ["phone", "birth_date"]}),
        )
        .await?;
    }
    let version = d.version;
    let body = view_one(&state, d, &caller, unmasked).await?;
    Ok(respond::resource(&req, version, &body))
}

fn not_editable(fields: &[&'static str]) -> ApiError {
    ApiError::validation(
        fields
            .iter()
            .map(|f| {
                FieldError::new(
                    *f,
                    "not_editable",
                    Msg::new(
                        "代表本人不能修改此字段，请联系代表工委",
                        "a deputy cannot change this field; ask the office",
                    ),
                )
            })
            .collect(),
    )
}

/// Changes a deputy. Staff and administrators may change every field
/// (`status: inactive` deactivates); a deputy may change a few fields of
/// their own profile, and sending any other field is a 422 naming it.
#[utoipa::path(
    tag = "deputies",
    params(
        ("id" = Uuid, Path, description = "Deputy id"),
        ("If-Match" = Option<String>, Header, description = "Apply only if the deputy is still at this ETag"),
    ),
    request_body = UpdateDeputyRequest,
    responses(
        (status = 200, description = "Changed", body = DeputyResponse, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither staff nor this deputy", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such deputy", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The deputy changed since the ETag in If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or fields a deputy may not change", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/deputies/{id}")]
pub async fn update_deputy(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<UpdateDeputyRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let office = caller.may(Action::ManageDeputies);
    if !office {
        caller.require(Action::EditOwnDeputyProfile { deputy_id: id })?;
    }
    let b = body.parse()?;
    if !office {
        let refused: Vec<&'static str> = b
            .present_fields()
            .into_iter()
            .filter(|f| !SELF_EDITABLE_FIELDS.contains(f))
            .collect();
        if !refused.is_empty() {
            return Err(not_editable(&refused));
        }
    }
    let mut errors = Vec::new();
    let name: Option<String> = take(&mut errors, no_null("name", b.name));
    let status = take(&mut errors, no_null("status", b.status));
    let memberships = take(&mut errors, no_null("memberships", b.memberships));
    let links = take(&mut errors, no_null("links", b.links));
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
    let patch = DeputyPatch {
        name: name.map(|n| n.trim().to_owned()),
        gender: b.gender,
        ethnicity: b.ethnicity,
        birth_date: b.birth_date,
        party: b.party,
        education: b.education,
        occupation: b.occupation,
        work_unit: b.work_unit,
        phone: b.phone,
        photo_url: b.photo_url,
        status,
        memberships: memberships.map(|v| v.into_iter().map(Membership::from).collect()),
        links: links.map(|v| v.into_iter().map(Link::from).collect()),
    };
    let d = state
        .store
        .update_deputy(&caller.audit(), id, if_match.0, patch)
        .await?;
    let version = d.version;
    let body = view_one(&state, d, &caller, false).await?;
    Ok(respond::changed(version, &body))
}

/// Deletes a deputy record entered in error (staff and administrators).
/// To record that a deputy left office, set `status` instead. Refused
/// while an account is linked to the deputy.
#[utoipa::path(
    tag = "deputies",
    params(
        ("id" = Uuid, Path, description = "Deputy id"),
        ("If-Match" = Option<String>, Header, description = "Delete only if the deputy is still at this ETag"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff or administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such deputy", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "An account is linked to the deputy (`deputy_in_use`), or a liaison station lists them (`deputy_at_station`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The deputy changed since the ETag in If-Match", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/deputies/{id}")]
pub async fn delete_deputy(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageDeputies)?;
    state
        .store
        .delete_deputy(&caller.audit(), id.into_inner(), if_match.0)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
