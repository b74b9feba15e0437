//! The figures offices report on handling (办结率, 按时答复率, 解决率, 面商率,
//! 满意率, 不满意件数, 重新办理件数), read from the counts each change keeps
//! current, and the yearly handling report (建议办理情况报告) made of them.

use chrono::Datelike;
use renda_domain::suggestion::figures::{Counts, FiguresScope, Rates};

use super::*;

/// What the figures are by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FiguresBy {
    Unit,
    Category,
    Deputy,
}

/// Which figures: one scope at most (`unit_id`, `category`, `deputy_id` or
/// `congress_session_id`); a session's take neither `year` nor `by`.
#[derive(Debug, Default, Deserialize, Validate, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FiguresParams {
    /// The year of registration (China time). Default: this year. Not
    /// with `congress_session_id`, whose figures span its suggestions.
    #[validate(range(min = 1949, max = 9999))]
    #[param(minimum = 1949, maximum = 9999)]
    pub year: Option<i32>,
    /// One lead unit's figures.
    pub unit_id: Option<Uuid>,
    /// One category's figures.
    #[validate(length(min = 1, max = 40))]
    #[param(min_length = 1, max_length = 40)]
    pub category: Option<String>,
    /// One lead deputy's figures.
    pub deputy_id: Option<Uuid>,
    /// One congress session's figures.
    pub congress_session_id: Option<Uuid>,
    /// Also the rows of every unit, category or lead deputy of the year.
    #[param(inline)]
    pub by: Option<FiguresBy>,
}

/// 一组建议的各项计数和比率。
///
/// Counts and rates of a set of suggestions.
#[derive(Debug, Serialize, ToSchema)]
pub struct FiguresRow {
    /// 单位 ID、类别名称、代表 ID 或大会会次 ID；全年合计时为空字符串。
    ///
    /// The unit, category, deputy or session id; empty for the whole year.
    pub key: String,
    /// 单位或代表的名称，或类别名称；全年合计和会次统计时为 null。
    ///
    /// The unit's or deputy's name, or the category.
    pub name: Option<String>,
    /// 各项计数（件数）。
    ///
    /// The counts.
    pub counts: Counts,
    /// 由计数算出的各项比率。
    ///
    /// The rates made of the counts.
    pub rates: Rates,
}

/// 某一统计范围的办理指标，以及按 `by` 分组的各行。
///
/// The figures of one scope, and the rows asked for with `by`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "scope": "all", "year": 2026,
    "figures": {"key": "", "name": null,
        "counts": {"registered": 120, "assigned": 112, "closed": 90, "replied": 100, "replied_on_time": 92,
                   "solved": 61, "consulted": 88, "evaluated": 95, "satisfied": 89, "unsatisfied": 6,
                   "not_evaluated": 3, "rehandled": 5},
        "rates": {"closing": 0.8036, "on_time_reply": 0.92, "solution": 0.61, "consultation": 0.88, "satisfaction": 0.9368}},
    "rows": []
}))]
pub struct FiguresResponse {
    /// 统计范围：`all`、`unit`、`category`、`deputy` 或 `session`。
    ///
    /// What the figures are counted by: `all`, `unit`, `category`, `deputy` or
    /// `session`.
    pub scope: FiguresScope,
    /// 统计年度（按立案日期，北京时间）；会次统计时为 null。
    ///
    /// The year counted; null for a session's figures.
    pub year: Option<i32>,
    /// 该范围的合计。
    ///
    /// The figures of the scope as a whole.
    pub figures: FiguresRow,
    /// 指定 `by` 时，该年度每个单位、类别或领衔代表一行；否则为空数组。
    ///
    /// With `by`, one row per unit, category or lead deputy of the year; empty
    /// otherwise.
    pub rows: Vec<FiguresRow>,
}

fn row(key: String, name: Option<String>, counts: Counts) -> FiguresRow {
    FiguresRow {
        key,
        name,
        rates: counts.rates(),
        counts,
    }
}

/// The names of the rows' keys.
async fn named_rows(
    state: &AppState,
    by: FiguresBy,
    rows: Vec<(String, Counts)>,
) -> ApiResult<Vec<FiguresRow>> {
    let mut names = crate::routes::common::NameCache::default();
    let mut out = Vec::with_capacity(rows.len());
    for (key, counts) in rows {
        let name = match (by, key.parse::<Uuid>()) {
            (FiguresBy::Unit, Ok(id)) => Some(names.unit(state, id).await),
            (FiguresBy::Deputy, Ok(id)) => Some(names.deputy(state, id).await),
            _ => Some(key.clone()),
        };
        out.push(row(key, name, counts));
    }
    Ok(out)
}

/// 建议办理指标 · Get the handling figures
///
/// 工作人员和领导查询办理指标，口径全系统统一，统计对象为某年立案的建议（按立案日期，北京时间），或
/// 某次大会期间的建议：
/// - 办结率 `closing`：已办结件数除以已交办件数（已交办、已答复、重新办理中或已办结）；
/// - 按时答复率 `on_time_reply`：最近一次答复在期限内的件数，除以已答复件数；
/// - 解决率 `solution`：最近一次答复为 A 类的件数，除以已答复件数；
/// - 面商率 `consultation`：已答复且有面商、代表未提出异议的件数，除以已答复件数；
/// - 满意率 `satisfaction`：满意和基本满意的件数，除以评价已记录在案的件数（以未评价办结的单独计入
///   `not_evaluated`，绝不算作满意）；
/// - `unsatisfied`（不满意件数）和 `rehandled`（至少重新办理过一次的件数）。
///
/// 各项计数在每次变更的同一事务中随之更新：查询时直接读取，不再计算。
///
/// The handling figures (staff and leaders), with one definition
/// everywhere, of suggestions registered in a year (by registration, China
/// time), or of a congress session's:
/// - 办结率 `closing`: closed over assigned (assigned, replied, rehandled or
///   closed);
/// - 按时答复率 `on_time_reply`: latest reply by its deadline, over replied;
/// - 解决率 `solution`: latest reply category A, over replied;
/// - 面商率 `consultation`: replied with a consultation (面商) the deputy did
///   not dispute, over replied;
/// - 满意率 `satisfaction`: satisfied or basically satisfied, over those whose
///   evaluation is on record (closed as not evaluated are counted apart in
///   `not_evaluated`, never as satisfied);
/// - `unsatisfied` (不满意件数) and `rehandled` (handled again at least once).
///
/// The counts are kept current by every change, in its transaction: the
/// answer is read, not computed.
#[utoipa::path(
    tag = "suggestions",
    params(FiguresParams),
    responses(
        (status = 200, description = "The figures", body = FiguresResponse),
        (status = 403, description = "Neither staff nor leader", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters: more than one scope, or a year with a session", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/suggestions/figures")]
pub async fn suggestion_figures(
    state: Data<AppState>,
    caller: Caller,
    params: QueryParams<FiguresParams>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadSuggestionStats)?;
    let p = params.0;
    let this_year = state.clock.today().year();
    let scopes = [
        p.unit_id
            .map(|u| (FiguresScope::Unit, u.to_string(), "unit_id")),
        p.category
            .clone()
            .map(|c| (FiguresScope::Category, c, "category")),
        p.deputy_id
            .map(|d| (FiguresScope::Deputy, d.to_string(), "deputy_id")),
        p.congress_session_id
            .map(|s| (FiguresScope::Session, s.to_string(), "congress_session_id")),
    ];
    let mut named: Vec<(FiguresScope, String, &str)> = scopes.into_iter().flatten().collect();
    if named.len() > 1 {
        return Err(ApiError::field(
            named[1].2,
            "conflict",
            Msg::new("一次只能按一种范围统计", "one scope at a time"),
        ));
    }
    let (scope, key, _) = named
        .pop()
        .unwrap_or((FiguresScope::All, String::new(), ""));
    let session = scope == FiguresScope::Session;
    if session && (p.year.is_some() || p.by.is_some()) {
        return Err(ApiError::field(
            if p.year.is_some() { "year" } else { "by" },
            "conflict",
            Msg::new(
                "会议的统计不分年度，也不再分组",
                "a session's figures span its years and are not broken down",
            ),
        ));
    }
    let year = if session {
        0
    } else {
        p.year.unwrap_or(this_year)
    };
    let counts = state.store.suggestion_figures(scope, &key, year).await?;
    let name = match scope {
        FiguresScope::Unit | FiguresScope::Deputy => {
            let mut names = crate::routes::common::NameCache::default();
            let id = key.parse::<Uuid>().unwrap_or_default();
            Some(if scope == FiguresScope::Unit {
                names.unit(&state, id).await
            } else {
                names.deputy(&state, id).await
            })
        }
        FiguresScope::Category => Some(key.clone()),
        FiguresScope::All | FiguresScope::Session => None,
    };
    let rows = match p.by {
        Some(by) => {
            let scope_of = match by {
                FiguresBy::Unit => FiguresScope::Unit,
                FiguresBy::Category => FiguresScope::Category,
                FiguresBy::Deputy => FiguresScope::Deputy,
            };
            let rows = state.store.suggestion_figures_by(scope_of, year).await?;
            named_rows(&state, by, rows).await?
        }
        None => Vec::new(),
    };
    Ok(HttpResponse::Ok().json(FiguresResponse {
        scope,
        year: (!session).then_some(year),
        figures: row(key, name, counts),
        rows,
    }))
}

/// The format of the yearly report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    /// The tables, as an Excel workbook.
    Xlsx,
    /// A Word draft with the figures filled in, for the office to edit.
    Docx,
}

fn pct(r: Option<f64>) -> String {
    r.map_or_else(|| "—".to_owned(), |r| format!("{:.1}%", r * 100.0))
}

/// The figures of a report: the year's, and by unit and by category.
struct ReportData {
    year: i32,
    all: Counts,
    units: Vec<FiguresRow>,
    categories: Vec<FiguresRow>,
}

const TABLE_HEADERS: [&str; 13] = [
    "名称",
    "立案件数",
    "交办件数",
    "办结件数",
    "办结率",
    "答复件数",
    "按时答复率",
    "解决率（A类）",
    "面商率",
    "满意率",
    "不满意件数",
    "未评价办结件数",
    "重新办理件数",
];

fn table_row(name: &str, c: &Counts) -> Vec<String> {
    let r = c.rates();
    vec![
        name.to_owned(),
        c.registered.to_string(),
        c.assigned.to_string(),
        c.closed.to_string(),
        pct(r.closing),
        c.replied.to_string(),
        pct(r.on_time_reply),
        pct(r.solution),
        pct(r.consultation),
        pct(r.satisfaction),
        c.unsatisfied.to_string(),
        c.not_evaluated.to_string(),
        c.rehandled.to_string(),
    ]
}

fn xlsx_report(d: &ReportData) -> ApiResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| {
        tracing::error!(error = %e, "could not write the handling report");
        ApiError::internal()
    };
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let percent = Format::new().set_num_format("0.0%");
    let sheets: [(&str, Vec<(String, Counts)>); 3] = [
        ("总体", vec![(format!("{}年", d.year), d.all)]),
        (
            "按承办单位",
            d.units
                .iter()
                .map(|r| (r.name.clone().unwrap_or_default(), r.counts))
                .collect(),
        ),
        (
            "按类别",
            d.categories
                .iter()
                .map(|r| (r.key.clone(), r.counts))
                .collect(),
        ),
    ];
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(name).map_err(err)?;
        for (col, h) in TABLE_HEADERS.iter().enumerate() {
            let col = u16::try_from(col).unwrap_or(u16::MAX);
            ws.write_string_with_format(0, col, *h, &bold)
                .map_err(err)?;
        }
        for (i, (label, c)) in rows.iter().enumerate() {
            let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let rates = c.rates();
            ws.write_string(r, 0, crate::export::guard(label).as_ref())
                .map_err(err)?;
            let ints = [
                (1, c.registered),
                (2, c.assigned),
                (3, c.closed),
                (5, c.replied),
                (10, c.unsatisfied),
                (11, c.not_evaluated),
                (12, c.rehandled),
            ];
            for (col, n) in ints {
                ws.write_number(r, col, n as f64).map_err(err)?;
            }
            let shares = [
                (4, rates.closing),
                (6, rates.on_time_reply),
                (7, rates.solution),
                (8, rates.consultation),
                (9, rates.satisfaction),
            ];
            for (col, v) in shares {
                if let Some(v) = v {
                    ws.write_number_with_format(r, col, v, &percent)
                        .map_err(err)?;
                }
            }
        }
        ws.autofit();
    }
    wb.save_to_buffer().map_err(err)
}

fn docx_report(d: &ReportData) -> ApiResult<Vec<u8>> {
    use crate::docx::Block;
    let c = &d.all;
    let r = c.rates();
    let mut blocks = vec![
        Block::Heading(1, format!("关于{}年代表建议办理情况的报告（草稿）", d.year)),
        Block::Paragraph(
            "（本稿由系统依据办理数据生成，数据截至生成之时，请核对、修改后提交常委会会议审议。）"
                .into(),
        ),
        Block::Heading(2, "一、基本情况".into()),
        Block::Paragraph(format!(
            "{}年共立案代表建议{}件，交办{}件，已办结{}件，办结率{}。承办单位已答复{}件，其中按期答复率{}；答复为A类（已解决或基本解决）的占{}（解决率）。答复前与领衔代表面商的占{}（面商率）。",
            d.year,
            c.registered,
            c.assigned,
            c.closed,
            pct(r.closing),
            c.replied,
            pct(r.on_time_reply),
            pct(r.solution),
            pct(r.consultation),
        )),
        Block::Paragraph(format!(
            "代表已评价{}件，其中满意和基本满意{}件，满意率{}；不满意{}件；重新办理{}件；代表逾期未评价而办结{}件，未计入满意件数。",
            c.evaluated,
            c.satisfied,
            pct(r.satisfaction),
            c.unsatisfied,
            c.rehandled,
            c.not_evaluated,
        )),
        Block::Heading(2, "二、各承办单位办理情况".into()),
    ];
    let mut units = vec![
        TABLE_HEADERS
            .iter()
            .map(|h| (*h).to_owned())
            .collect::<Vec<_>>(),
    ];
    units.extend(
        d.units
            .iter()
            .map(|u| table_row(u.name.as_deref().unwrap_or_default(), &u.counts)),
    );
    blocks.push(Block::Table(units));
    blocks.push(Block::Heading(2, "三、各类别建议办理情况".into()));
    let mut cats = vec![
        TABLE_HEADERS
            .iter()
            .map(|h| (*h).to_owned())
            .collect::<Vec<_>>(),
    ];
    cats.extend(d.categories.iter().map(|x| table_row(&x.key, &x.counts)));
    blocks.push(Block::Table(cats));
    blocks.push(Block::Heading(2, "四、主要做法和存在的问题".into()));
    blocks.push(Block::Paragraph("（请办公室补充。）".into()));
    blocks.push(Block::Heading(2, "五、下一步工作".into()));
    blocks.push(Block::Paragraph("（请办公室补充。）".into()));
    crate::docx::write(&blocks).map_err(|e| {
        tracing::error!(error = %e, "could not write the handling report");
        ApiError::internal()
    })
}

/// The year a handling report covers.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReportYear {
    /// The year of registration (1949–9999).
    #[validate(range(min = 1949, max = 9999))]
    #[param(minimum = 1949, maximum = 9999)]
    pub year: i32,
}

/// 建议办理情况报告 · Get the yearly handling report
///
/// 工作人员和领导获取 `year` 年立案建议的年度建议办理情况报告：`xlsx` 为当年的统计表，并按单位、按
/// 类别分列；`docx` 为提交常委会的报告草稿，已填入各项数据，由人大办修改后报送。两者均由
/// `GET /suggestions/figures` 的数据生成，口径相同。
///
/// The yearly handling report (建议办理情况报告) of suggestions registered
/// in `year` (staff and leaders): `xlsx`, the tables of the year, by unit
/// and by category; `docx`, a draft for the standing committee with the
/// figures filled in, that the office edits before sending. Both are made
/// of the figures of `GET /suggestions/figures`, with the same definitions.
#[utoipa::path(
    tag = "suggestions",
    params(ReportYear, ("format" = inline(ReportFormat), Path, description = "`xlsx` or `docx`")),
    responses(
        (status = 200, description = "The report", content(
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        )),
        (status = 403, description = "Neither staff nor leader", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such format", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No year, or one out of range", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/suggestions/handling-report.{format}")]
pub async fn handling_report(
    state: Data<AppState>,
    caller: Caller,
    format: Path<ReportFormat>,
    query: QueryParams<ReportYear>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadSuggestionStats)?;
    let format = format.into_inner();
    let year = query.0.year;
    let all = state
        .store
        .suggestion_figures(FiguresScope::All, "", year)
        .await?;
    let units = state
        .store
        .suggestion_figures_by(FiguresScope::Unit, year)
        .await?;
    let categories = state
        .store
        .suggestion_figures_by(FiguresScope::Category, year)
        .await?;
    let data = ReportData {
        year,
        all,
        units: named_rows(&state, FiguresBy::Unit, units).await?,
        categories: named_rows(&state, FiguresBy::Category, categories).await?,
    };
    let (bytes, content_type, ext) = match format {
        ReportFormat::Xlsx => (
            xlsx_report(&data)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        ReportFormat::Docx => (docx_report(&data)?, crate::docx::CONTENT_TYPE, "docx"),
    };
    let name = format!("handling-report-{year}.{ext}");
    let utf8 = crate::respond::percent_encode(&format!("{year}年建议办理情况报告.{ext}"));
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\"; filename*=UTF-8''{utf8}"),
        ))
        .body(bytes))
}
