//! Deputies (人大代表): the person, memberships at the five levels and the
//! "three links". Public profiles are open to everyone; personal data
//! (phone, birth date) is masked for all but the deputy, and shown to
//! staff and administrators on a deliberate, audited request (`unmask`).

use crate::routes::Routes;
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
use uuid::Uuid;
use validator::{Validate, ValidationError};

use crate::error::{ApiError, ApiResult, FieldError, Msg, Problem};
use crate::extract::{Caller, IfMatch, JsonBody, QueryParams, no_null, take};
use crate::pagination::{ListParams, ListResponse};
use crate::patch::double;
use crate::validation::invalid;
use crate::{AppState, respond};

mod bodies;
mod read;
mod term;
mod write;

pub use bodies::*;
pub use read::*;
pub use term::*;
pub use write::*;

pub fn configure(cfg: &mut Routes) {
    cfg.service(create_deputy)
        .service(list_deputies)
        .service(export_deputies)
        .service(get_deputy)
        .service(update_deputy)
        .service(delete_deputy)
        .service(change_term);
}

/// 人大代表。调用者不是工作人员、管理员或代表本人的，`phone` 以掩码显示，`birth_date` 为 null。
///
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
    /// 代表 ID。
    ///
    /// The deputy's id.
    pub id: Uuid,
    /// 姓名。
    ///
    /// The name.
    pub name: String,
    /// 性别：`male` 或 `female`；可为 null。
    ///
    /// `male` or `female`; may be null.
    pub gender: Option<Gender>,
    /// 民族，如 `汉族`；可为 null。
    ///
    /// Ethnicity, e.g. `汉族`; may be null.
    pub ethnicity: Option<String>,
    /// 个人信息：出生日期。除代表本人或以 `unmask=true` 请求外为 null。
    ///
    /// Personal data: null unless the caller is the deputy or asked `unmask=true`.
    pub birth_date: Option<NaiveDate>,
    /// 党派，如 `中国共产党`；可为 null。
    ///
    /// Party affiliation, e.g. `中国共产党`; may be null.
    pub party: Option<String>,
    /// 学历，如 `大学本科`；可为 null。
    ///
    /// Education, e.g. `大学本科`; may be null.
    pub education: Option<String>,
    /// 职业；可为 null。
    ///
    /// Occupation; may be null.
    pub occupation: Option<String>,
    /// 工作单位；可为 null。
    ///
    /// Work unit (employer); may be null.
    pub work_unit: Option<String>,
    /// 个人信息：手机号码。除代表本人或以 `unmask=true` 请求外以掩码显示，如 `138****1234`。
    ///
    /// Personal data: masked unless the caller is the deputy or asked `unmask=true`.
    pub phone: Option<String>,
    /// 照片地址（http 或 https）；可为 null。
    ///
    /// The photo's URL (http or https); may be null.
    pub photo_url: Option<String>,
    /// 记录状态：`active` 有效或 `inactive` 停用；停用的代表仍保留在册。
    ///
    /// `active` or `inactive`; an inactive deputy stays on file.
    pub status: DeputyStatus,
    /// 在各级人大的代表资格。
    ///
    /// Memberships of congresses at each level.
    pub memberships: Vec<renda_domain::deputy::Membership>,
    /// “三联”制度中的联系。
    ///
    /// The deputy's "three links" links.
    pub links: Vec<renda_domain::deputy::Link>,
    /// 代表所在联络站的 ID。
    ///
    /// The liaison stations the deputy is assigned to.
    pub station_ids: Vec<Uuid>,
    /// 本响应中的个人信息是否已掩码或隐去。
    ///
    /// Whether personal data in this answer is masked or withheld.
    pub personal_data_masked: bool,
    /// 创建时间（UTC）。
    ///
    /// When it was created (UTC).
    pub created_at: DateTime<Utc>,
    /// 最后修改时间（UTC）。
    ///
    /// When it last changed (UTC).
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
    caller.may(Action::SeeOwnDeputyRecord {
        deputy_id: deputy_id.into(),
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
        memberships: d.memberships,
        links: d.links,
        station_ids,
        personal_data_masked: !full,
        created_at: d.created_at,
        updated_at: d.updated_at,
    }
}
