//! The audit trail (administrators only).

use actix_web::web::Data;
use actix_web::{HttpResponse, get};
use chrono::{DateTime, Utc};
use renda_auth::Action;
use renda_persistence::audit::{AuditEntry, AuditFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

use crate::AppState;
use crate::error::{ApiResult, Problem};
use crate::extract::{Caller, QueryParams};
use crate::pagination::{ListParams, ListResponse};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_audit_events);
}

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
    "entry_hash": "5f1c…",
    "seq": 42,
    "chain_hash": "9a0b…"
}))]
pub struct AuditEventResponse {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_username: Option<String>,
    pub actor_roles: Vec<String>,
    pub request_id: Option<String>,
    pub client_addr: Option<String>,
    /// `create`, `update`, `delete`, `login`, `login_failed`, `lock`, ...
    pub action: String,
    pub object_type: String,
    pub object_id: Option<Uuid>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    /// SHA-256 of the entry's content.
    pub entry_hash: String,
    /// Position in the hash chain; null until the entry is sealed (within seconds).
    pub seq: Option<i64>,
    /// SHA-256 of the previous entry's chain hash and this entry's hash.
    pub chain_hash: Option<String>,
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
            entry_hash: e.entry_hash,
            seq: e.seq,
            chain_hash: e.chain_hash,
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
    /// Entries before this instant.
    pub occurred_before: Option<DateTime<Utc>>,
}

/// Lists the audit trail, oldest first.
#[utoipa::path(
    tag = "audit",
    params(ListParams, AuditFilterParams),
    responses(
        (status = 200, description = "A page of audit entries", body = ListResponse<AuditEventResponse>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
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
    let p = filter.0;
    let f = AuditFilter {
        actor_id: p.actor_id,
        object_type: p.object_type,
        object_id: p.object_id,
        action: p.action,
        occurred_before: p.occurred_before,
    };
    let page = state.store.list_audit(&f, &page.0.options()?).await?;
    Ok(HttpResponse::Ok().json(ListResponse::from_page(page, AuditEventResponse::from)))
}
