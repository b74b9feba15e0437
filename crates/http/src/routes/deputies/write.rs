//! Creating, changing and deleting deputies.

use super::*;
use renda_domain::text::Line;

/// 新的代表。
///
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
    /// 姓名，必填。
    ///
    /// The name; required.
    pub name: Line<100>,
    /// 性别：`male` 或 `female`；可不填。
    ///
    /// `male` or `female`; optional.
    pub gender: Option<Gender>,
    /// 民族，如 `汉族`；可不填。
    ///
    /// Ethnicity, e.g. `汉族`; optional.
    pub ethnicity: Option<Line<40>>,
    /// 出生日期（个人信息）；可不填。
    ///
    /// The birth date (personal data); optional.
    pub birth_date: Option<NaiveDate>,
    /// 党派，如 `中国共产党`；可不填。
    ///
    /// Party affiliation, e.g. `中国共产党`; optional.
    pub party: Option<Line<100>>,
    /// 学历，如 `大学本科`；可不填。
    ///
    /// Education, e.g. `大学本科`; optional.
    pub education: Option<Line<100>>,
    /// 职业；可不填。
    ///
    /// Occupation; optional.
    pub occupation: Option<Line<200>>,
    /// 工作单位；可不填。
    ///
    /// Work unit (employer); optional.
    pub work_unit: Option<Line<200>>,
    /// 手机号码（个人信息）；可不填。
    ///
    /// The phone (personal data); optional.
    #[validate(custom(function = "crate::validation::phone"))]
    #[schema(max_length = 24, pattern = r"^\+?[ -]*(?:[0-9][ -]*){5,20}$")]
    pub phone: Option<String>,
    /// 照片地址，须为 http 或 https 网址；可不填。
    ///
    /// The photo's URL, http or https; optional.
    #[validate(length(max = 500), custom(function = "crate::validation::http_url"))]
    #[schema(
        max_length = 500,
        pattern = r"^https?://[^\x00\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$"
    )]
    pub photo_url: Option<String>,
    /// 记录状态，默认 `active`（有效）。
    ///
    /// Default `active`.
    pub status: Option<DeputyStatus>,
    /// 代表资格，最多 10 项。
    ///
    /// The memberships, at most 10.
    #[serde(default)]
    #[validate(length(max = 10), nested)]
    #[schema(max_items = 10)]
    pub memberships: Vec<MembershipBody>,
    /// “三联”制度中的联系，最多 50 项。
    ///
    /// The "three links" links, at most 50.
    #[serde(default)]
    #[validate(length(max = 50), nested)]
    #[schema(max_items = 50)]
    pub links: Vec<LinkBody>,
}

/// 修改代表：未提供的字段保持不变，`null` 清除；`memberships` 或 `links` 一经提供即整体替换。
/// 代表修改本人资料时只能提交 `phone`、`photo_url`、`occupation`、`work_unit` 和 `education`。
///
/// A change to a deputy; absent fields stay as they are, `null` clears,
/// and `memberships` or `links`, when given, replace the whole list. A
/// deputy editing their own profile may send only `phone`, `photo_url`,
/// `occupation`, `work_unit` and `education`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"phone": "13900001111", "work_unit": "宿城区第二实验小学"}))]
pub struct UpdateDeputyRequest {
    /// 新的姓名；不能为 `null`。
    ///
    /// The new name; may not be `null`.
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = Line<100>, required = false)]
    pub name: Option<Option<Line<100>>>,
    /// 新的性别；`null` 清除。
    ///
    /// The new gender; `null` clears it.
    #[serde(default, deserialize_with = "double")]
    pub gender: Option<Option<Gender>>,
    /// 新的民族；`null` 清除。
    ///
    /// The new ethnicity; `null` clears it.
    #[serde(default, deserialize_with = "double")]
    pub ethnicity: Option<Option<Line<40>>>,
    /// 新的出生日期；`null` 清除。
    ///
    /// The new birth date; `null` clears it.
    #[serde(default, deserialize_with = "double")]
    pub birth_date: Option<Option<NaiveDate>>,
    /// 新的党派；`null` 清除。
    ///
    /// The new party affiliation; `null` clears it.
    #[serde(default, deserialize_with = "double")]
    pub party: Option<Option<Line<100>>>,
    /// 新的学历；`null` 清除。
    ///
    /// The new education; `null` clears it.
    #[serde(default, deserialize_with = "double")]
    pub education: Option<Option<Line<100>>>,
    /// 新的职业；`null` 清除。
    ///
    /// The new occupation; `null` clears it.
    #[serde(default, deserialize_with = "double")]
    pub occupation: Option<Option<Line<200>>>,
    /// 新的工作单位；`null` 清除。
    ///
    /// The new work unit; `null` clears it.
    #[serde(default, deserialize_with = "double")]
    pub work_unit: Option<Option<Line<200>>>,
    /// 新的手机号码；`null` 清除。
    ///
    /// The new phone; `null` clears it.
    #[serde(default, deserialize_with = "double")]
    #[validate(custom(function = "crate::validation::phone"))]
    #[schema(max_length = 24, pattern = r"^\+?[ -]*(?:[0-9][ -]*){5,20}$")]
    pub phone: Option<Option<String>>,
    /// 新的照片地址；`null` 清除。
    ///
    /// The new photo URL; `null` clears it.
    #[serde(default, deserialize_with = "double")]
    #[validate(length(max = 500), custom(function = "crate::validation::http_url"))]
    #[schema(
        max_length = 500,
        pattern = r"^https?://[^\x00\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$"
    )]
    pub photo_url: Option<Option<String>>,
    /// 新的记录状态；不能为 `null`。
    ///
    /// The new status; may not be `null`.
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = DeputyStatus, required = false)]
    pub status: Option<Option<DeputyStatus>>,
    /// 新的代表资格列表，整体替换原列表；不能为 `null`。
    ///
    /// The new memberships, replacing the whole list; may not be `null`.
    #[serde(default, deserialize_with = "double")]
    #[validate(length(max = 10), nested)]
    #[schema(max_items = 10)]
    #[schema(value_type = Vec<MembershipBody>, required = false)]
    pub memberships: Option<Option<Vec<MembershipBody>>>,
    /// 新的“三联”联系列表，整体替换原列表；不能为 `null`。
    ///
    /// The new links, replacing the whole list; may not be `null`.
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

/// 新增代表 · Create a deputy
///
/// 新增一名代表（工作人员和系统管理员）。
///
/// Creates a deputy (staff and administrators).
#[utoipa::path(
    tag = "deputies",
    request_body = CreateDeputyRequest,
    responses(
        (status = 201, description = "Created", body = DeputyResponse,
            headers(("Location" = String, description = "The new deputy"), ("ETag" = String))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff or administrator", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = Problem, content_type = "application/problem+json"),
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
            name: self.name.into(),
            gender: self.gender,
            ethnicity: self.ethnicity.map(String::from),
            birth_date: self.birth_date,
            party: self.party.map(String::from),
            education: self.education.map(String::from),
            occupation: self.occupation.map(String::from),
            work_unit: self.work_unit.map(String::from),
            phone: self.phone,
            photo_url: self.photo_url,
            status: self.status.unwrap_or(DeputyStatus::Active),
            memberships: self.memberships.into_iter().map(Membership::from).collect(),
            links: self.links.into_iter().map(Link::from).collect(),
        }
    }
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

/// 修改代表 · Change a deputy
///
/// 修改代表信息。工作人员和系统管理员可修改所有字段（`status: inactive` 表示停用）；代表本人可修改
/// 本人资料中的少数字段，提交其他字段的返回 422 并指明该字段。
///
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
        (status = 403, description = "Neither staff nor this deputy", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The deputy changed since the ETag in If-Match", body = Problem, content_type = "application/problem+json"),
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
        caller.require(Action::EditOwnDeputyProfile {
            deputy_id: id.into(),
        })?;
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
    let name = take(&mut errors, no_null("name", b.name));
    let status = take(&mut errors, no_null("status", b.status));
    let memberships = take(&mut errors, no_null("memberships", b.memberships));
    let links = take(&mut errors, no_null("links", b.links));
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let patch = DeputyPatch {
        name: name.map(String::from),
        gender: b.gender,
        ethnicity: b.ethnicity.map(|v| v.map(String::from)),
        birth_date: b.birth_date,
        party: b.party.map(|v| v.map(String::from)),
        education: b.education.map(|v| v.map(String::from)),
        occupation: b.occupation.map(|v| v.map(String::from)),
        work_unit: b.work_unit.map(|v| v.map(String::from)),
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

/// 删除代表 · Delete a deputy
///
/// 删除误录的代表档案（工作人员和系统管理员）。代表离任应改为设置 `status`。仍有账号关联该代表时拒
/// 绝删除。
///
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
        (status = 403, description = "Not staff or administrator", body = Problem, content_type = "application/problem+json"),
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
