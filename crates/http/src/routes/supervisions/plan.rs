//! Planning and amending the items of the yearly supervision plan.

use super::*;

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
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[validate(range(min = 1949, max = 2999))]
    #[schema(minimum = 1949, maximum = 2999)]
    pub year: i32,
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    /// One or more methods; the usual combinations are research_visit +
    /// work_evaluation, special_report + special_inquiry, and
    /// law_enforcement_inspection + satisfaction_evaluation.
    #[validate(length(min = 1, max = 6))]
    #[schema(min_items = 1, max_items = 6)]
    pub methods: Vec<Method>,
    /// The bodies supervised (units).
    #[validate(length(min = 1, max = 50))]
    #[schema(min_items = 1, max_items = 50)]
    pub body_ids: Vec<Uuid>,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub committee: String,
    #[serde(default)]
    #[validate(length(max = 200))]
    #[schema(max_items = 200)]
    pub committee_member_ids: Vec<Uuid>,
    #[serde(default)]
    #[validate(length(max = 500))]
    #[schema(max_items = 500)]
    pub deputy_ids: Vec<Uuid>,
    /// Required for, and only for, a law-enforcement inspection.
    #[serde(default)]
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub laws: Vec<String>,
}

/// Plans a supervision item (staff). It starts `planned`.
#[utoipa::path(
    tag = "supervision",
    request_body = CreateSupervisionRequest,
    responses(
        (status = 201, description = "Planned", body = SupervisionResponse, headers(("Location" = String), ("ETag" = String))),
        (status = 401, description = "Not signed in", body = ProblemDoc, content_type = "application/problem+json"),
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
    refuse_blank(&[("title", &b.title), ("committee", &b.committee)])?;
    let mut errors = check_laws(&b.laws);
    if let Err(p) = rules::check_plan(&b.methods, &b.laws) {
        errors.push(plan_error(p));
    }
    errors.extend(missing_units(&state, "body_ids", &b.body_ids).await?);
    errors.extend(missing_deputies(&state, "committee_member_ids", &b.committee_member_ids).await?);
    errors.extend(missing_deputies(&state, "deputy_ids", &b.deputy_ids).await?);
    errors.extend(overlap(&b.committee_member_ids, &b.deputy_ids));
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let at = now();
    let item = SupervisionItem {
        id: Uuid::now_v7(),
        title: b.title.trim().to_owned(),
        year: b.year,
        description: b.description.filter(|d| !renda_domain::text::is_blank(d)),
        methods: b.methods,
        body_ids: normalise(b.body_ids),
        committee: b.committee.trim().to_owned(),
        committee_member_ids: normalise(b.committee_member_ids),
        deputy_ids: normalise(b.deputy_ids),
        observer_ids: Vec::new(),
        laws: b.laws.into_iter().map(|l| l.trim().to_owned()).collect(),
        stage: Stage::Planned,
        round: 1,
        published_at: None,
        closed_at: None,
        created_by: caller.actor()?.user_id,
        created_at: at,
        updated_at: at,
        version: 1,
    };
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

/// A change to an item. While `planned` every field may change; until
/// the vote, the participants; after that, nothing. Lists replace.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"deputy_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e12"]}))]
pub struct UpdateSupervisionRequest {
    #[serde(default, deserialize_with = "double")]
    #[validate(length(min = 1, max = 200))]
    #[schema(value_type = String, required = false, min_length = 1, max_length = 200)]
    pub title: Option<Option<String>>,
    #[serde(default, deserialize_with = "double")]
    #[validate(range(min = 1949, max = 2999))]
    #[schema(value_type = i32, required = false, minimum = 1949, maximum = 2999)]
    pub year: Option<Option<i32>>,
    #[serde(default, deserialize_with = "double")]
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "double")]
    #[validate(length(min = 1, max = 6))]
    #[schema(value_type = Vec<Method>, required = false, min_items = 1, max_items = 6)]
    pub methods: Option<Option<Vec<Method>>>,
    #[serde(default, deserialize_with = "double")]
    #[validate(length(min = 1, max = 50))]
    #[schema(value_type = Vec<Uuid>, required = false, min_items = 1, max_items = 50)]
    pub body_ids: Option<Option<Vec<Uuid>>>,
    #[serde(default, deserialize_with = "double")]
    #[validate(length(min = 1, max = 100))]
    #[schema(value_type = String, required = false, min_length = 1, max_length = 100)]
    pub committee: Option<Option<String>>,
    #[serde(default, deserialize_with = "double")]
    #[validate(length(max = 200))]
    #[schema(value_type = Vec<Uuid>, required = false, max_items = 200)]
    pub committee_member_ids: Option<Option<Vec<Uuid>>>,
    #[serde(default, deserialize_with = "double")]
    #[validate(length(max = 500))]
    #[schema(value_type = Vec<Uuid>, required = false, max_items = 500)]
    pub deputy_ids: Option<Option<Vec<Uuid>>>,
    #[serde(default, deserialize_with = "double")]
    #[validate(length(max = 20))]
    #[schema(value_type = Vec<String>, required = false, max_items = 20)]
    pub laws: Option<Option<Vec<String>>>,
}

/// Changes an item (staff).
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
    request_body = UpdateSupervisionRequest,
    responses(
        (status = 200, description = "Changed", body = SupervisionResponse, headers(("ETag" = String))),
        (status = 401, description = "Not signed in", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Not staff", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such item, or not visible to the caller", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "The stage does not allow this change, an assigned observer has a tie to a new body, or the item changed meanwhile", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 412, description = "ETag mismatch", body = ProblemDoc, content_type = "application/problem+json"),
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
    let before = load_for(
        &state,
        &caller,
        id.into_inner(),
        SupervisionAction::Administer,
    )
    .await?;
    check_if_match(&before, if_match)?;
    let b = body.parse()?;
    let mut errors = Vec::new();
    let title = take(&mut errors, no_null("title", b.title));
    let year = take(&mut errors, no_null("year", b.year));
    let methods = take(&mut errors, no_null("methods", b.methods));
    let bodies = take(&mut errors, no_null("body_ids", b.body_ids));
    let committee = take(&mut errors, no_null("committee", b.committee));
    let members = take(
        &mut errors,
        no_null("committee_member_ids", b.committee_member_ids),
    );
    let deputies = take(&mut errors, no_null("deputy_ids", b.deputy_ids));
    let laws = take(&mut errors, no_null("laws", b.laws));
    if title.as_deref().is_some_and(renda_domain::text::is_blank) {
        errors.push(blank("title"));
    }
    if committee
        .as_deref()
        .is_some_and(renda_domain::text::is_blank)
    {
        errors.push(blank("committee"));
    }
    if let Some(l) = &laws {
        errors.extend(check_laws(l));
    }
    if let Some(u) = &bodies {
        errors.extend(missing_units(&state, "body_ids", u).await?);
    }
    if let Some(d) = &members {
        errors.extend(missing_deputies(&state, "committee_member_ids", d).await?);
    }
    if let Some(d) = &deputies {
        errors.extend(missing_deputies(&state, "deputy_ids", d).await?);
    }
    let mut after = before.clone();
    if let Some(v) = title {
        after.title = v.trim().to_owned();
    }
    if let Some(v) = year {
        after.year = v;
    }
    if let Some(v) = b.description {
        after.description = v.filter(|d| !renda_domain::text::is_blank(d));
    }
    if let Some(v) = methods {
        after.methods = v;
    }
    if let Some(v) = bodies {
        after.body_ids = normalise(v);
    }
    if let Some(v) = committee {
        after.committee = v.trim().to_owned();
    }
    if let Some(v) = members {
        after.committee_member_ids = normalise(v);
    }
    if let Some(v) = deputies {
        after.deputy_ids = normalise(v);
    }
    if let Some(v) = laws {
        after.laws = v.into_iter().map(|l| l.trim().to_owned()).collect();
    }
    if let Err(p) = rules::check_plan(&after.methods, &after.laws) {
        errors.push(plan_error(p));
    }
    errors.extend(overlap(&after.committee_member_ids, &after.deputy_ids));
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let plan_changed = after.title != before.title
        || after.year != before.year
        || after.description != before.description
        || after.methods != before.methods
        || after.body_ids != before.body_ids
        || after.committee != before.committee
        || after.laws != before.laws;
    let people_changed = after.committee_member_ids != before.committee_member_ids
        || after.deputy_ids != before.deputy_ids;
    if (plan_changed && before.stage != Stage::Planned)
        || (people_changed && matches!(before.stage, Stage::Evaluating | Stage::Closed))
    {
        return Err(invalid_stage(before.stage));
    }
    if after == before {
        return respond_item(&state, before).await;
    }
    if after.body_ids != before.body_ids
        && !conflicted(&state, &after.observer_ids, &after.body_ids)
            .await?
            .is_empty()
    {
        return Err(conflict_of_interest());
    }
    let s = save(&state, &caller, &before, after, "updated", None, vec![]).await?;
    respond_item(&state, s).await
}
