//! Planning and amending the items of the yearly supervision plan.

use super::*;
use renda_domain::id::{DeputyId, UnitId};
use renda_domain::supervision::{PlanFacts, PlanInput, PlanPatch};
use renda_domain::text::{Line, Text};

/// 年度监督计划中的新监督事项。
///
/// A new item of the yearly supervision plan.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "全区食品安全法执法检查",
    "year": 2026,
    "methods": ["law_enforcement_inspection", "satisfaction_evaluation"],
    "body_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80"],
    "committee": "教育科学文化卫生委员会",
    "committee_member_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e11"],
    "laws": ["中华人民共和国食品安全法"]
}))]
pub struct CreateSupervisionRequest {
    /// 监督事项名称，最多 200 字。
    ///
    /// The item's title, at most 200 characters.
    pub title: Line<200>,
    /// 所属年度监督计划的年份。
    ///
    /// The year of the supervision plan.
    #[validate(range(min = 1949, max = 2999))]
    #[schema(minimum = 1949, maximum = 2999)]
    pub year: i32,
    /// 说明，最多 5000 字；可不填，空白视为未填。
    ///
    /// A description, at most 5000 characters; optional, blank counts as none.
    #[serde(default, deserialize_with = "crate::patch::blank_none")]
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub description: Option<Text<5000>>,
    /// 监督方式，一至六种，不得重复；常用组合为调研视察+工作评议、听取审议专项报告+专题询问、
    /// 执法检查+满意度测评。
    ///
    /// One or more methods; the usual combinations are research_visit +
    /// work_evaluation, special_report + special_inquiry, and
    /// law_enforcement_inspection + satisfaction_evaluation.
    #[validate(length(min = 1, max = 6))]
    #[schema(min_items = 1, max_items = 6)]
    pub methods: Vec<Method>,
    /// 被监督单位 ID，1 至 50 个。
    ///
    /// The bodies supervised (units).
    #[validate(length(min = 1, max = 50))]
    #[schema(min_items = 1, max_items = 50)]
    pub body_ids: Vec<UnitId>,
    /// 牵头负责的专门委员会或工作机构，最多 100 字。
    ///
    /// The committee in charge, at most 100 characters.
    pub committee: Line<100>,
    /// 参加的常委会组成人员（代表 ID），由他们参加满意度测评；可不填。
    ///
    /// Standing-committee members taking part (deputy ids); they vote.
    /// Optional.
    #[serde(default)]
    #[validate(length(max = 200))]
    #[schema(max_items = 200)]
    pub committee_member_ids: Vec<DeputyId>,
    /// 参加的其他人大代表（代表 ID）；可不填。
    ///
    /// Other deputies taking part (deputy ids). Optional.
    #[serde(default)]
    #[validate(length(max = 500))]
    #[schema(max_items = 500)]
    pub deputy_ids: Vec<DeputyId>,
    /// 执法检查所检查的法律，每部最多 200 字；含执法检查时必填，否则须为空。
    ///
    /// Required for, and only for, a law-enforcement inspection.
    #[serde(default)]
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub laws: Vec<Line<200>>,
}

/// 计划监督事项 · Plan a supervision item
///
/// 工作人员新建监督事项，其初始阶段为 `planned`（计划）。
///
/// Plans a supervision item (staff). It starts `planned`.
#[utoipa::path(
    tag = "supervision",
    request_body = CreateSupervisionRequest,
    responses(
        (status = 201, description = "Planned", body = SupervisionResponse, headers(("Location" = String), ("ETag" = String))),
        (status = 403, description = "Not staff", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/supervisions")]
pub async fn create_supervision(
    state: Data<AppState>,
    caller: Caller,
    body: JsonBody<CreateSupervisionRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::CreateSupervision)?;
    let b = body.parse()?;
    let deputies = [b.committee_member_ids.clone(), b.deputy_ids.clone()].concat();
    let facts = PlanFacts {
        existing_units: existing_units(&state, &b.body_ids).await?,
        existing_deputies: crate::routes::common::existing_deputies(&state, &deputies).await?,
        observers: Vec::new(),
    };
    let input = PlanInput {
        title: b.title.into(),
        year: b.year,
        description: b.description.map(String::from),
        methods: b.methods,
        body_ids: b.body_ids,
        committee: b.committee.into(),
        committee_member_ids: b.committee_member_ids,
        deputy_ids: b.deputy_ids,
        laws: b.laws.into_iter().map(String::from).collect(),
    };
    let item = rules::create(input, &facts, &ctx(&state, &caller)?)?;
    let s = state
        .store
        .create_supervision(&caller.audit(), item)
        .await?;
    let version = s.version;
    Ok(respond::created(
        format!("/api/v1/supervisions/{}", s.id),
        version,
        &view(s, false),
    ))
}

/// 对监督事项的修改：计划阶段可改任何字段；测评前可改参加人员；之后不能再改。列表整体替换。
///
/// A change to an item. While `planned` every field may change; until
/// the vote, the participants; after that, nothing. Lists replace.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"deputy_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e12"]}))]
pub struct UpdateSupervisionRequest {
    /// 新名称，最多 200 字；不传则不变，不能为 null。
    ///
    /// The new title, at most 200 characters; unchanged when absent, never
    /// null.
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = Line<200>, required = false)]
    pub title: Option<Option<Line<200>>>,
    /// 新的计划年度；不传则不变，不能为 null。
    ///
    /// The new plan year; unchanged when absent, never null.
    #[serde(default, deserialize_with = "double")]
    #[validate(range(min = 1949, max = 2999))]
    #[schema(value_type = i32, required = false, minimum = 1949, maximum = 2999)]
    pub year: Option<Option<i32>>,
    /// 新说明，最多 5000 字；null 或空白清除说明，不传则不变。
    ///
    /// The new description, at most 5000 characters; null or blank clears it,
    /// absent leaves it.
    #[serde(default, deserialize_with = "crate::patch::double_blank_none")]
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub description: Option<Option<Text<5000>>>,
    /// 新的监督方式（整体替换）；不传则不变，不能为 null。
    ///
    /// The new methods, replacing the list; unchanged when absent, never null.
    #[serde(default, deserialize_with = "double")]
    #[validate(length(min = 1, max = 6))]
    #[schema(value_type = Vec<Method>, required = false, min_items = 1, max_items = 6)]
    pub methods: Option<Option<Vec<Method>>>,
    /// 新的被监督单位 ID（整体替换），1 至 50 个；不传则不变，不能为 null。
    ///
    /// The new bodies, replacing the list (1 to 50); unchanged when absent,
    /// never null.
    #[serde(default, deserialize_with = "double")]
    #[validate(length(min = 1, max = 50))]
    #[schema(value_type = Vec<Uuid>, required = false, min_items = 1, max_items = 50)]
    pub body_ids: Option<Option<Vec<UnitId>>>,
    /// 新的牵头委员会，最多 100 字；不传则不变，不能为 null。
    ///
    /// The new committee in charge, at most 100 characters; unchanged when
    /// absent, never null.
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = Line<100>, required = false)]
    pub committee: Option<Option<Line<100>>>,
    /// 新的参加常委会组成人员（整体替换）；不传则不变，不能为 null。
    ///
    /// The new committee members taking part, replacing the list; unchanged
    /// when absent, never null.
    #[serde(default, deserialize_with = "double")]
    #[validate(length(max = 200))]
    #[schema(value_type = Vec<Uuid>, required = false, max_items = 200)]
    pub committee_member_ids: Option<Option<Vec<DeputyId>>>,
    /// 新的参加代表（整体替换）；不传则不变，不能为 null。
    ///
    /// The new deputies taking part, replacing the list; unchanged when absent,
    /// never null.
    #[serde(default, deserialize_with = "double")]
    #[validate(length(max = 500))]
    #[schema(value_type = Vec<Uuid>, required = false, max_items = 500)]
    pub deputy_ids: Option<Option<Vec<DeputyId>>>,
    /// 新的执法检查所检查的法律（整体替换）；不传则不变，不能为 null。
    ///
    /// The new laws of the law-enforcement inspection, replacing the list;
    /// unchanged when absent, never null.
    #[serde(default, deserialize_with = "double")]
    #[validate(length(max = 20))]
    #[schema(value_type = Vec<Line<200>>, required = false, max_items = 20)]
    pub laws: Option<Option<Vec<Line<200>>>>,
}

/// 修改监督事项 · Change a supervision item
///
/// 工作人员修改监督事项。
///
/// Changes an item (staff).
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
    request_body = UpdateSupervisionRequest,
    responses(
        (status = 200, description = "Changed", body = SupervisionResponse, headers(("ETag" = String))),
        (status = 403, description = "Not staff", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such item, or not visible to the caller", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "The stage does not allow this change, an assigned observer has a tie to a new body, or the item changed meanwhile", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/supervisions/{id}")]
pub async fn update_supervision(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<UpdateSupervisionRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let before =
        load_to_change(&state, &caller, id, SupervisionAction::Administer, if_match).await?;
    let b = body.parse()?;
    let deputies = [
        b.committee_member_ids.clone().flatten().unwrap_or_default(),
        b.deputy_ids.clone().flatten().unwrap_or_default(),
    ]
    .concat();
    let bodies = b.body_ids.clone().flatten().unwrap_or_default();
    // The assigned observers' ties matter only when the bodies change.
    let mut observers = Vec::new();
    if !bodies.is_empty() {
        for o in &before.observer_ids {
            observers.extend(observer_facts(&state, *o).await?);
        }
    }
    let facts = PlanFacts {
        existing_units: existing_units(&state, &bodies).await?,
        existing_deputies: crate::routes::common::existing_deputies(&state, &deputies).await?,
        observers,
    };
    let patch = PlanPatch {
        title: b.title.map(|v| v.map(String::from)),
        year: b.year,
        description: b.description.map(|v| v.map(String::from)),
        methods: b.methods,
        body_ids: b.body_ids,
        committee: b.committee.map(|v| v.map(String::from)),
        committee_member_ids: b.committee_member_ids,
        deputy_ids: b.deputy_ids,
        laws: b
            .laws
            .map(|l| l.map(|l| l.into_iter().map(String::from).collect())),
    };
    match rules::update(&before, patch, &facts)? {
        Some(change) => {
            let s = save(&state, &caller, &before, Ok(change)).await?;
            respond_item(&state, s).await
        }
        None => respond_item(&state, before).await,
    }
}

/// Which of `ids` are units on record.
async fn existing_units(state: &AppState, ids: &[UnitId]) -> ApiResult<Vec<UnitId>> {
    let mut out = Vec::new();
    for id in ids {
        if state.store.unit_exists(id.uuid()).await? {
            out.push(*id);
        }
    }
    Ok(out)
}
