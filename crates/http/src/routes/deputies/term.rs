//! A change of term (换届): the office ends a level's term for every
//! deputy serving in it and begins the next for those elected again, in
//! one call.

use renda_domain::id::DeputyId;
use renda_domain::term::{self, ReElected, TermChange, TermError};
use renda_domain::text::Line;
use renda_persistence::StoreError;

use super::*;

/// 再次当选的代表，及其在下一届的选区或代表团。
///
/// A deputy elected again, with their place in the next term.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReElectedRequest {
    /// 代表 ID。
    ///
    /// The deputy's id.
    #[schema(value_type = Uuid)]
    pub deputy_id: DeputyId,
    /// 下一届的选区；可不填。
    ///
    /// The constituency in the next term; optional.
    pub constituency: Option<Line<100>>,
    /// 下一届的代表团；可不填。
    ///
    /// The delegation in the next term; optional.
    pub delegation: Option<Line<100>>,
}

/// 换届：结束某一级人大的本届，开始下一届。
///
/// The change of term.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "level": "county", "ending_term": "第十八届", "ended_on": "2026-12-31",
    "next_term": "第十九届", "started_on": "2027-01-01",
    "re_elected": [{"deputy_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e60", "constituency": "古城街道第三选区"}]
}))]
pub struct TermChangeRequest {
    /// 换届的人大层级，如 `county`。
    ///
    /// The level of congress that changes term, e.g. `county`.
    pub level: Level,
    /// 届满的届次，如 `第十八届`。
    ///
    /// The ending term, e.g. `第十八届`.
    pub ending_term: Line<40>,
    /// 本届的最后一天。
    ///
    /// The ending term's last day.
    pub ended_on: NaiveDate,
    /// 下一届的届次，如 `第十九届`；须不同于本届。
    ///
    /// The next term, e.g. `第十九届`; not the ending one.
    pub next_term: Line<40>,
    /// 下一届的第一天，不得早于 `ended_on`。
    ///
    /// The next term's first day; not before `ended_on`.
    pub started_on: NaiveDate,
    /// 再次当选的代表，最多 2000 人。
    ///
    /// The deputies elected again (up to 2,000).
    #[serde(default)]
    #[validate(length(max = 2000), nested)]
    #[schema(max_items = 2000)]
    pub re_elected: Vec<ReElectedRequest>,
}

/// 换届的结果。
///
/// What a change of term did.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"level": "county", "ending_term": "第十八届", "next_term": "第十九届", "ended": 98, "re_elected": 61, "deputy_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e60"]}))]
pub struct TermChangeResponse {
    /// 换届的人大层级。
    ///
    /// The level of congress that changed term.
    pub level: Level,
    /// 届满的届次。
    ///
    /// The term that ended.
    pub ending_term: String,
    /// 下一届的届次。
    ///
    /// The term that begins.
    pub next_term: String,
    /// 本届代表资格已终止的代表人数。
    ///
    /// Deputies whose membership of the ending term ended.
    pub ended: u32,
    /// 开始下一届任期的代表人数。
    ///
    /// Deputies who begin the next term.
    pub re_elected: u32,
    /// 记录发生变更的全部代表 ID。
    ///
    /// Every deputy whose record changed.
    pub deputy_ids: Vec<Uuid>,
}

/// 换届 · Change the term of a level
///
/// 工作人员为某一级人大办理换届：届满一届的各项代表资格于 `ended_on` 终止，再次当选的代表于
/// `started_on` 开始下一届任期。要么全部完成，要么全部不变。建议和议案保留其人员和历史；未再次当选
/// 的代表仍可查阅本人的记录，但不能再提出新建议（403 `term_ended`）。
///
/// Changes the term of a level (staff): every membership of the ending
/// term ends on `ended_on`, and each deputy elected again begins the next
/// term on `started_on`. All or nothing. Suggestions and motions keep
/// their people and history; a deputy not elected again keeps reading
/// their own records but files no new suggestion (403 `term_ended`).
#[utoipa::path(
    tag = "deputies",
    request_body = TermChangeRequest,
    responses(
        (status = 200, description = "Changed", body = TermChangeResponse),
        (status = 403, description = "Not the office", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nobody serves in that term (`nobody_serving`), or a deputy changed meanwhile", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Fields refused (`re_elected[3].deputy_id` …)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/term-changes")]
pub async fn change_term(
    state: Data<AppState>,
    caller: Caller,
    body: JsonBody<TermChangeRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageDeputies)?;
    let b = body.parse()?;
    let input = TermChange {
        level: b.level,
        ending_term: b.ending_term.into(),
        ended_on: b.ended_on,
        next_term: b.next_term.into(),
        started_on: b.started_on,
        re_elected: b
            .re_elected
            .into_iter()
            .map(|r| ReElected {
                deputy_id: r.deputy_id,
                constituency: r.constituency.map(String::from),
                delegation: r.delegation.map(String::from),
            })
            .collect(),
    };
    let also: Vec<Uuid> = input
        .re_elected
        .iter()
        .map(|r| r.deputy_id.uuid())
        .collect();
    let before = state
        .store
        .deputies_for_term(input.level, &input.ending_term, &also)
        .await?;
    let after = term::change_term(&before, &input)?;
    let next = input.next_term.clone();
    let saved = match state
        .store
        .save_term_change(&caller.audit(), &before, after)
        .await
    {
        Ok(s) => s,
        Err(StoreError::VersionMismatch) => return Err(crate::routes::common::concurrent_change()),
        Err(e) => return Err(e.into()),
    };
    let count = |f: &dyn Fn(&Deputy) -> bool| {
        u32::try_from(saved.iter().filter(|d| f(d)).count()).unwrap_or(u32::MAX)
    };
    let ending = input.ending_term.clone();
    let level = input.level;
    Ok(HttpResponse::Ok().json(TermChangeResponse {
        level,
        ended: count(&|d| {
            d.memberships
                .iter()
                .any(|m| m.level == level && m.term == ending && m.end_date == Some(input.ended_on))
        }),
        re_elected: count(&|d| d.serving_at(level).any(|m| m.term == next)),
        deputy_ids: saved.iter().map(|d| d.id).collect(),
        ending_term: input.ending_term,
        next_term: next,
    }))
}

impl From<TermError> for ApiError {
    fn from(e: TermError) -> Self {
        let code = e.code();
        match e {
            TermError::NobodyServing => ApiError::conflict(
                code,
                Msg::new(
                    "该级人大此届次没有在任代表，无需换届",
                    "Nobody serves in that term at that level",
                ),
            ),
            TermError::Invalid(issues) => ApiError::validation(
                issues
                    .into_iter()
                    .map(|f| {
                        let text = match f.issue {
                            term::Issue::Blank => Msg::new("不能为空", "must not be blank"),
                            term::Issue::SameTerm => {
                                Msg::new("新届次须不同于本届", "the next term must be another")
                            }
                            term::Issue::StartsBeforeEnd => Msg::new(
                                "新一届不能早于本届结束",
                                "the next term may not start before the ending one ends",
                            ),
                            term::Issue::UnknownDeputy => Msg::new("代表不存在", "no such deputy"),
                        };
                        FieldError::new(f.field, f.issue.code(), text)
                    })
                    .collect(),
            ),
        }
    }
}
