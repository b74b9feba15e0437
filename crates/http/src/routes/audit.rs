//! The audit trail: read and exported by the audit administrator only.

use crate::routes::Routes;
use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, get};
use chrono::{DateTime, Utc};
use renda_auth::Action;
use renda_persistence::audit::{AuditEntry, AuditFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::AppState;
use crate::error::{ApiResult, Problem};
use crate::extract::{Caller, QueryParams};
use crate::pagination::{ListParams, ListResponse};

pub fn configure(cfg: &mut Routes) {
    cfg.service(list_audit_events)
        .service(audit_checkpoint)
        .service(export_audit_events);
}

/// 只增不改的审计日志中的一条：谁在何时、从何处对哪条记录做了什么，以及记录修改前后的内容。
///
/// One entry of the append-only audit trail: who did what to which
/// record, when, from where, with the record before and after.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e61",
    "occurred_at": "2026-11-27T08:00:00Z",
    "actor_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e5f",
    "actor_username": "liuqing",
    "actor_roles": ["staff"],
    "request_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e62",
    "client_addr": "10.0.0.8",
    "action": "update",
    "object_type": "unit",
    "object_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e63",
    "before": {"name": "宿城区教育局"},
    "after": {"name": "宿城区教育局（体育局）"},
    "result": "success",
    "entry_hash": "5f1c…",
    "seq": 42,
    "chain_hash": "9a0b…",
    "repeats": 1,
    "last_repeated_at": null
}))]
pub struct AuditEventResponse {
    /// 条目的 id。
    ///
    /// The entry's id.
    pub id: Uuid,
    /// 发生时间。
    ///
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// 操作者的账号 id；系统或匿名操作时为空。
    ///
    /// The acting account's id; null for the system or an anonymous caller.
    pub actor_id: Option<Uuid>,
    /// 操作者的用户名，系统本身为 `system`；不详时为空。
    ///
    /// The actor's username, `system` for the system itself; null when unknown.
    pub actor_username: Option<String>,
    /// 操作时操作者持有的角色。
    ///
    /// The roles the actor held at the time.
    pub actor_roles: Vec<String>,
    /// 请求的 id，可与服务器日志对照；没有时为空。
    ///
    /// The request's id, to match the server's log; null when none.
    pub request_id: Option<String>,
    /// 客户端的 IP 地址；不详时为空。
    ///
    /// The client's IP address; null when unknown.
    pub client_addr: Option<String>,
    /// 操作：`create`、`update`、`delete`、`login`、`login_failed`、`lock`、`change_roles`、
    /// `unlock`、`access_denied`、`read_personal_data`、`export_personal_data`、`export` 等。
    ///
    /// `create`, `update`, `delete`, `login`, `login_failed`, `lock`,
    /// `change_roles`, `unlock`, `access_denied`, `read_personal_data`,
    /// `export_personal_data`, `export`, ...
    pub action: String,
    /// 记录的类型，如 `unit`、`deputy`、`user`。
    ///
    /// The kind of record, such as `unit`, `deputy` or `user`.
    pub object_type: String,
    /// 记录的 id；不针对单条记录时为空。
    ///
    /// The record's id; null when the action concerns no single record.
    pub object_id: Option<Uuid>,
    /// 修改前的记录；没有时（如新建）为空。
    ///
    /// The record before the change; null when there was none (a creation).
    pub before: Option<serde_json::Value>,
    /// 修改后的记录；没有时（如删除）为空。
    ///
    /// The record after the change; null when there is none (a deletion).
    pub after: Option<serde_json::Value>,
    /// 结果：`success`、`failure`（登录失败）或 `denied`（被拒绝）。
    ///
    /// `success`, `failure` (a failed sign-in) or `denied` (a refusal).
    pub result: String,
    /// 条目的封印：以保存在数据库之外的密钥对其内容计算的带密钥哈希（HMAC-SHA256，国密套件下为
    /// HMAC-SM3）。审计链启用密钥之前封印的条目为普通哈希。
    ///
    /// The entry's seal: a keyed hash (HMAC-SHA256, or HMAC-SM3 under the
    /// 国密 suite) of its content, under a key kept outside the database.
    /// Entries sealed before the chain was keyed carry a plain hash.
    pub entry_hash: String,
    /// 在审计链中的位置；链入之前（数秒之内）为 null。
    ///
    /// Position in the chain; null until the entry is linked (within
    /// seconds).
    pub seq: Option<i64>,
    /// 对上一条的链哈希和本条封印计算的带密钥哈希。
    ///
    /// The keyed hash of the previous entry's chain hash and this entry's
    /// seal.
    pub chain_hash: Option<String>,
    /// 本条代表的相同拒绝次数：同一调用者、地址、事件和请求在十分钟内合为一条。其他条目均为 1。
    ///
    /// How many identical refusals this entry stands for: the same caller,
    /// address, event and request within ten minutes are one entry. 1 for
    /// every other entry.
    pub repeats: i64,
    /// 最后一次重复拒绝的时间；没有重复时为 null。
    ///
    /// When the last of the repeated refusals came; null when there were
    /// none.
    pub last_repeated_at: Option<DateTime<Utc>>,
}

impl From<AuditEntry> for AuditEventResponse {
    fn from(e: AuditEntry) -> Self {
        Self {
            id: e.id,
            occurred_at: e.occurred_at,
            actor_id: e.actor_id,
            actor_username: e.actor_username,
            actor_roles: e
                .actor_roles
                .as_deref()
                .map(|r| {
                    r.split(',')
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
            request_id: e.request_id,
            client_addr: e.client_addr,
            action: e.action,
            object_type: e.object_type,
            object_id: e.object_id,
            before: e.before,
            after: e.after,
            result: e.result,
            entry_hash: e.entry_hash,
            seq: e.seq,
            chain_hash: e.chain_hash,
            repeats: e.repeats,
            last_repeated_at: e.last_repeated_at,
        }
    }
}

/// Filters of the audit trail. `modified_since` selects entries at or
/// after an instant.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilterParams {
    pub actor_id: Option<Uuid>,
    /// `unit`, `deputy`, `user`, ...
    #[validate(length(max = 64))]
    #[param(max_length = 64)]
    pub object_type: Option<String>,
    pub object_id: Option<Uuid>,
    #[validate(length(max = 64))]
    #[param(max_length = 64)]
    pub action: Option<String>,
    /// `success`, `failure` or `denied`.
    #[validate(length(max = 20))]
    #[param(max_length = 20)]
    pub result: Option<String>,
    /// Entries at or after this instant.
    pub occurred_after: Option<DateTime<Utc>>,
    /// Entries before this instant.
    pub occurred_before: Option<DateTime<Utc>>,
}

impl From<AuditFilterParams> for AuditFilter {
    fn from(p: AuditFilterParams) -> Self {
        AuditFilter {
            actor_id: p.actor_id,
            object_type: p.object_type,
            object_id: p.object_id,
            action: p.action,
            result: p.result,
            occurred_after: p.occurred_after,
            occurred_before: p.occurred_before,
        }
    }
}

/// 查询审计日志 · List audit events
///
/// 分页列出审计日志，按时间正序排列，可按条件筛选。仅限审计管理员。
///
/// Lists the audit trail, oldest first, a page at a time, with filters. The audit administrator
/// only.
#[utoipa::path(
    tag = "audit",
    params(ListParams, AuditFilterParams),
    responses(
        (status = 200, description = "A page of audit entries", body = ListResponse<AuditEventResponse>),
        (status = 403, description = "Not the audit administrator", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/audit-events")]
pub async fn list_audit_events(
    state: Data<AppState>,
    caller: Caller,
    page: QueryParams<ListParams>,
    filter: QueryParams<AuditFilterParams>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadAuditTrail)?;
    let f = AuditFilter::from(filter.0);
    let page = state.store.list_audit(&f, &page.0.options()?).await?;
    Ok(crate::respond::page(ListResponse::from_page(
        page,
        AuditEventResponse::from,
    )))
}

/// 审计链链头的签名声明（校验点）。
///
/// A signed statement of where the audit chain ends.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "seq": 4210,
    "chain_hash": "9a0b4f…",
    "at": "2026-12-05T08:00:00Z",
    "mac": "77c1d2…",
    "line": "renda-audit-checkpoint seq=4210 chain=9a0b4f… at=2026-12-05T08:00:00Z mac=77c1d2…"
}))]
pub struct CheckpointResponse {
    /// 最新一条已链入条目的序号。
    ///
    /// The sequence number of the newest linked entry.
    pub seq: i64,
    /// 该条目的链哈希。
    ///
    /// Its chain hash.
    pub chain_hash: String,
    /// 签署校验点的时间。
    ///
    /// When the checkpoint was signed.
    pub at: DateTime<Utc>,
    /// 签名：以审计密钥计算的带密钥哈希。
    ///
    /// The signature, a keyed hash under the audit key.
    pub mac: String,
    /// 以上内容合为一行，供 `renda audit verify --checkpoint` 使用。
    ///
    /// The same as one line, for `renda audit verify --checkpoint`.
    pub line: String,
}

/// 签署审计日志校验点 · Sign an audit checkpoint
///
/// 对审计链的链头签署一个校验点（审计日志校验点）。请将应答保存在 renda 之外（审计管理员自己的记录
/// 中）：之后运行 `renda audit verify --checkpoint '<line>'` 即可查明截至该校验点的条目是否有被删
/// 除、审计链是否被改写。审计链有增长的每一分钟，服务器也会把校验点写入其日志和
/// `<data_dir>/audit-checkpoints`。尚无条目链入审计链时返回 404。仅限审计管理员。
///
/// Signs a checkpoint of the audit chain's head. Keep the answer outside renda (the audit
/// administrator's own records): `renda audit verify --checkpoint '<line>'` then shows whether
/// any entry up to it was removed or the chain rewritten since. The server also writes a
/// checkpoint to its log and to `<data_dir>/audit-checkpoints` every minute the chain grows.
/// 404 while nothing is linked yet. The audit administrator only.
#[utoipa::path(
    tag = "audit",
    responses(
        (status = 200, description = "The chain's head, signed", body = CheckpointResponse),
        (status = 403, description = "Not the audit administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No entry is linked into the chain yet", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/audit-events/checkpoint")]
pub async fn audit_checkpoint(state: Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadAuditTrail)?;
    state.store.seal_audit().await?;
    let Some(c) = state.store.audit_checkpoint().await? else {
        return Err(crate::error::ApiError::not_found());
    };
    Ok(HttpResponse::Ok().json(CheckpointResponse {
        line: c.to_line(),
        seq: c.seq,
        chain_hash: c.chain_hash,
        at: c.at,
        mac: c.mac,
    }))
}

const AUDIT_HEADERS: &[&str] = &[
    "序号",
    "时间",
    "操作人",
    "角色",
    "客户端地址",
    "请求编号",
    "事件",
    "对象类型",
    "对象",
    "结果",
    "变更前",
    "变更后",
    "条目哈希",
    "链哈希",
    "ID",
];

/// The rows of an audit trail export, a page at a time.
struct AuditRows {
    state: AppState,
    filter: AuditFilter,
    after: Option<renda_persistence::list::Cursor>,
    done: bool,
}

impl crate::export::RowSource for AuditRows {
    async fn next_page(
        &mut self,
    ) -> Result<Option<Vec<Vec<crate::export::Cell>>>, crate::error::ApiError> {
        use crate::export::Cell;
        if self.done {
            return Ok(None);
        }
        let opts = renda_persistence::list::ListOptions {
            limit: 500,
            after: self.after,
            ..Default::default()
        };
        let page = self.state.store.list_audit(&self.filter, &opts).await?;
        self.after = page.next;
        self.done = page.next.is_none();
        let text = |s: Option<String>| Cell::Text(s.unwrap_or_default());
        let json =
            |v: Option<serde_json::Value>| Cell::Text(v.map(|v| v.to_string()).unwrap_or_default());
        let rows = page
            .live()
            .cloned()
            .map(|e| {
                vec![
                    e.seq
                        .map(Cell::Int)
                        .unwrap_or_else(|| Cell::Text(String::new())),
                    e.occurred_at.into(),
                    text(e.actor_username),
                    text(e.actor_roles.map(|r| r.trim_matches(',').replace(',', " "))),
                    text(e.client_addr),
                    text(e.request_id),
                    e.action.into(),
                    e.object_type.into(),
                    text(e.object_id.map(|i| i.to_string())),
                    e.result.into(),
                    json(e.before),
                    json(e.after),
                    e.entry_hash.into(),
                    text(e.chain_hash),
                    e.id.to_string().into(),
                ]
            })
            .collect();
        Ok(Some(rows))
    }
}

/// 导出审计日志 · Export the audit trail
///
/// 为评估人员导出审计日志，按时间正序排列，沿用列表的筛选条件（以 `occurred_after`、
/// `occurred_before` 限定时段），格式为 CSV 或 XLSX。导出操作本身也记入审计日志。仅限审计管理员。
///
/// Exports the audit trail for the assessor, oldest first, with the list's filters
/// (`occurred_after`, `occurred_before` for a period), as CSV or XLSX. The export is itself
/// recorded in the audit trail. The audit administrator only.
#[utoipa::path(
    tag = "audit",
    params(
        ("format" = inline(crate::export::ExportFormat), Path, description = "`csv` or `xlsx`"),
        AuditFilterParams
    ),
    responses(
        (status = 200, description = "The file", content(
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ), headers(("Content-Disposition" = String))),
        (status = 403, description = "Not the audit administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Neither csv nor xlsx", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/audit-events/export.{format}")]
pub async fn export_audit_events(
    state: Data<AppState>,
    caller: Caller,
    format: Path<crate::export::ExportFormat>,
    filter: QueryParams<AuditFilterParams>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadAuditTrail)?;
    let format = format.into_inner();
    let f = AuditFilter::from(filter.0);
    state
        .store
        .record_event(
            &caller.audit(),
            "export",
            "audit_event",
            None,
            &serde_json::json!({
                "format": format,
                "occurred_after": f.occurred_after,
                "occurred_before": f.occurred_before,
                "actor_id": f.actor_id,
                "object_type": f.object_type,
                "action": f.action,
                "result": f.result,
            }),
            renda_persistence::audit::SUCCESS,
        )
        .await?;
    let rows = AuditRows {
        state: state.get_ref().clone(),
        filter: f,
        after: None,
        done: false,
    };
    crate::export::respond(
        format,
        crate::export::Table {
            file: "audit-trail",
            file_utf8: "%E5%AE%A1%E8%AE%A1%E6%97%A5%E5%BF%97",
            sheet: "审计日志",
            headers: AUDIT_HEADERS,
        },
        rows,
    )
    .await
}
