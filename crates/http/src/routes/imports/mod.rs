//! Imports of units and deputies (with a membership each) from CSV or
//! XLSX. Every row is checked by the same rules as the API's create
//! operations; a dry run reports every problem (row, column, what is
//! wrong) and writes nothing, and a real run writes all rows in one
//! transaction or, when any row is bad, nothing.

use crate::routes::Routes;
use actix_web::http::header;
use actix_web::web::{Data, Payload};
use actix_web::{HttpRequest, HttpResponse, post};
use futures_util::StreamExt;
use renda_auth::Action;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::AppState;
use crate::error::{ApiError, ApiResult, FieldError, Lang, Msg, Problem};
use crate::extract::{Caller, QueryParams};
use crate::routes::deputies::CreateDeputyRequest;
use crate::routes::units::CreateUnitRequest;

mod rows;
mod table;
mod workbook;

use rows::*;
use table::*;
use workbook::*;

pub fn configure(cfg: &mut Routes) {
    cfg.service(import_units).service(import_deputies);
}

/// The largest file accepted.
const FILE_LIMIT: usize = 5 * 1024 * 1024;
/// The most rows one import takes.
const ROW_LIMIT: usize = 5000;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Whether to check only.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// Check every row and answer as the real run would (200, or 422
    /// naming every problem), writing nothing (default `false`).
    pub dry_run: Option<bool>,
}

/// 某一行的一个问题。
///
/// One problem of one row.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportProblem {
    /// 按电子表格的行号计：列名行为第 1 行。
    ///
    /// The row as a spreadsheet numbers it: the header is row 1.
    pub row: u32,
    /// 列名（文件中的表头）。
    ///
    /// The column's header.
    pub column: String,
    /// 问题代码，如 `missing_column`、`invalid`。
    ///
    /// The problem's code, such as `missing_column` or `invalid`.
    pub code: String,
    /// 问题说明，按 `Accept-Language` 用中文或英文。
    ///
    /// What is wrong, in Chinese or English by `Accept-Language`.
    pub message: String,
}

/// 导入检查和执行的结果。
///
/// What an import found and did.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "dry_run": true,
    "rows": 2,
    "created": 0,
    "created_ids": []
}))]
pub struct ImportReport {
    /// 是否只检查、未写入（`dry_run`）。
    ///
    /// Whether it only checked and wrote nothing (`dry_run`).
    pub dry_run: bool,
    /// 读取的数据行数（空行跳过）。
    ///
    /// Data rows read (empty rows are skipped).
    pub rows: u32,
    /// 创建的对象数；只检查时为 0。
    ///
    /// Objects created: 0 in a dry run.
    pub created: u32,
    /// 创建的对象的 id；只检查时为空列表。
    ///
    /// The ids of the objects created; empty in a dry run.
    pub created_ids: Vec<Uuid>,
}

/// A column of an import: its Chinese header, the field it fills, and
/// whether the header must be present.
struct Column {
    header: &'static str,
    field: &'static str,
    required: bool,
    /// A value that stands in for a bad or missing one while the rest of
    /// the row is checked, for fields a row cannot do without.
    placeholder: Option<&'static str>,
}

const fn col(header: &'static str, field: &'static str, required: bool) -> Column {
    Column {
        header,
        field,
        required,
        placeholder: None,
    }
}

const fn needed(
    header: &'static str,
    field: &'static str,
    required: bool,
    placeholder: &'static str,
) -> Column {
    Column {
        header,
        field,
        required,
        placeholder: Some(placeholder),
    }
}

const UNIT_COLUMNS: &[Column] = &[
    needed("名称", "name", true, "占位"),
    needed("类型", "kind", true, "other"),
    col("联系人", "contact_person", false),
    col("联系电话", "contact_phone", false),
    col("电子邮箱", "email", false),
    col("地址", "address", false),
    col("说明", "description", false),
];

const DEPUTY_COLUMNS: &[Column] = &[
    needed("姓名", "name", true, "占位"),
    col("性别", "gender", false),
    col("民族", "ethnicity", false),
    col("出生日期", "birth_date", false),
    col("党派", "party", false),
    col("学历", "education", false),
    col("职业", "occupation", false),
    col("工作单位及职务", "work_unit", false),
    col("手机", "phone", false),
    needed("层级", "memberships[0].level", false, "county"),
    needed("届次", "memberships[0].term", false, "占位"),
    col("选区", "memberships[0].constituency", false),
    col("代表团", "memberships[0].delegation", false),
    col("任期开始", "memberships[0].start_date", false),
    col("任期结束", "memberships[0].end_date", false),
    col("任职状态", "memberships[0].status", false),
];

fn lang(req: &HttpRequest) -> Lang {
    Lang::from_accept_language(
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    )
}

/// 导入承办单位 · Import handling units
///
/// 人大办从 CSV（`text/csv`，UTF-8）或 XLSX 文件导入承办单位，首行为列名：名称、类型（类型的中文名
/// 称或标识符）、联系人、联系电话、电子邮箱、地址、说明。名称已被占用（文件内重复或已存在）算作该行
/// 的问题。任何一行有问题都不写入任何数据（422，`errors` 以 `rows[N].column` 指明每个问题）；
/// `dry_run` 只检查、不写入。文件超过 5 MiB 返回 413；导入期间已有同名单位被创建则不写入并返回
/// 409。
///
/// Imports handling units (the office) from CSV (`text/csv`, UTF-8) or XLSX, the first row
/// naming the columns: 名称, 类型 (a kind's Chinese name or identifier), 联系人, 联系电话,
/// 电子邮箱, 地址, 说明. A name taken, in the file or already, is a problem of its row. Any
/// problem writes nothing (422, `errors` naming each as `rows[N].column`); `dry_run` checks
/// without writing. A file over 5 MiB is refused (413); a unit of one of the names created
/// meanwhile writes nothing (409).
#[utoipa::path(
    tag = "units",
    params(ImportParams),
    request_body(content(
        (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    responses(
        (status = 200, description = "Every row is good: in a real run, every row was created", body = ImportReport),
        (status = 403, description = "Not the office", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Over 5 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A unit of one of the names was created meanwhile; nothing was written", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither CSV, XLSX nor `application/octet-stream`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Problems found, nothing written (`errors` names each as `rows[N].column`), or the file cannot be read", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/units/import")]
pub async fn import_units(
    state: Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    params: QueryParams<ImportParams>,
    payload: Payload,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageUnits)?;
    let dry_run = params.0.dry_run.unwrap_or(false);
    let table = read_body(&req, payload).await?;
    let mut problems = Problems {
        lang: lang(&req),
        list: Vec::new(),
    };
    let checked: Vec<(u32, CreateUnitRequest)> = check_rows(&table, UNIT_COLUMNS, &mut problems);
    let mut names = std::collections::HashSet::new();
    for (row, u) in &checked {
        let name = u.name.trim().to_owned();
        let taken = !names.insert(name.clone()) || state.store.unit_name_taken(&name).await?;
        if taken {
            problems.push(
                *row,
                "名称",
                "taken",
                &Msg::new("已有同名的承办单位", "a unit with that name exists"),
            );
        }
    }
    let rows = table.rows.len();
    if dry_run || !problems.list.is_empty() {
        return finish(problems, dry_run, rows, Vec::new());
    }
    let news = checked.into_iter().map(|(_, u)| u.into_new()).collect();
    let created = state.store.import_units(&caller.audit(), news).await?;
    finish(
        problems,
        false,
        rows,
        created.iter().map(|u| u.id).collect(),
    )
}

/// 导入代表 · Import deputies
///
/// 人大办从 CSV（`text/csv`，UTF-8）或 XLSX 文件导入代表，每行一名代表及其一项任职，首行为列名：姓
/// 名、性别、民族、出生日期、党派、学历、职业、工作单位及职务、手机，以及任职的层级、届次、选区、代
/// 表团、任期开始、任期结束、任职状态。任何一行有问题都不写入任何数据（422，`errors` 以
/// `rows[N].column` 指明每个问题）；`dry_run` 只检查、不写入。文件超过 5 MiB 返回 413。
///
/// Imports deputies (the office) from CSV (`text/csv`, UTF-8) or XLSX, one deputy and one
/// membership per row, the first row naming the columns: 姓名, 性别, 民族, 出生日期, 党派,
/// 学历, 职业, 工作单位及职务, 手机, and for the membership 层级, 届次, 选区, 代表团, 任期开始,
/// 任期结束, 任职状态. Any problem writes nothing (422, `errors` naming each as
/// `rows[N].column`); `dry_run` checks without writing. A file over 5 MiB is refused (413).
#[utoipa::path(
    tag = "deputies",
    params(ImportParams),
    request_body(content(
        (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    responses(
        (status = 200, description = "Every row is good: in a real run, every row was created", body = ImportReport),
        (status = 403, description = "Not the office", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Over 5 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither CSV, XLSX nor `application/octet-stream`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Problems found, nothing written (`errors` names each as `rows[N].column`), or the file cannot be read", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/deputies/import")]
pub async fn import_deputies(
    state: Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    params: QueryParams<ImportParams>,
    payload: Payload,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageDeputies)?;
    let dry_run = params.0.dry_run.unwrap_or(false);
    let table = read_body(&req, payload).await?;
    let mut problems = Problems {
        lang: lang(&req),
        list: Vec::new(),
    };
    let checked: Vec<(u32, CreateDeputyRequest)> =
        check_rows(&table, DEPUTY_COLUMNS, &mut problems);
    let rows = table.rows.len();
    if dry_run || !problems.list.is_empty() {
        return finish(problems, dry_run, rows, Vec::new());
    }
    let news = checked.into_iter().map(|(_, d)| d.into_new()).collect();
    let created = state.store.import_deputies(&caller.audit(), news).await?;
    finish(
        problems,
        false,
        rows,
        created.iter().map(|d| d.id).collect(),
    )
}
