//! Security administration: the security policy and sign-in histories.

use crate::routes::Routes;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, get, patch};
use chrono::{DateTime, Utc};
use renda_auth::Action;
use renda_domain::user::{PolicyProblem, SecurityPolicy};
use renda_persistence::security::LoginRecord;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::error::{ApiError, ApiResult, FieldError, Msg, Problem};
use crate::extract::{Caller, IfMatch, JsonBody, QueryParams};
use crate::{AppState, respond};

pub fn configure(cfg: &mut Routes) {
    cfg.service(get_policy)
        .service(update_policy)
        .service(my_logins)
        .service(user_logins);
}

/// 安全策略。
///
/// The security policy (安全策略).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"password_max_age_days": 90, "session_idle_minutes": 30, "password_history": 5}))]
pub struct PolicyResponse {
    /// 密码有效天数，0 表示永不过期。密码过期后，登录时返回 `password_change_required`。
    ///
    /// Days a password stays valid; 0 for no expiry. An expired password
    /// signs in with `password_change_required`.
    pub password_max_age_days: u32,
    /// 会话闲置超过多少分钟，其刷新令牌即失效。
    ///
    /// Minutes a session may stay unused before its refresh token stops
    /// working.
    pub session_idle_minutes: u32,
    /// 新密码不得与之前的多少个密码相同（固定值）。
    ///
    /// How many earlier passwords a new one may not repeat (fixed).
    pub password_history: u32,
}

impl From<SecurityPolicy> for PolicyResponse {
    fn from(p: SecurityPolicy) -> Self {
        Self {
            password_max_age_days: p.password_max_age_days,
            session_idle_minutes: p.session_idle_minutes,
            password_history: renda_domain::user::PASSWORD_HISTORY as u32,
        }
    }
}

/// 对安全策略的修改；未出现的字段保持不变。
///
/// A change to the security policy; absent fields stay as they are.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"password_max_age_days": 90}))]
pub struct UpdatePolicyRequest {
    /// 密码有效天数，0（永不过期）至 3650。
    ///
    /// 0 (no expiry) to 3650.
    #[schema(minimum = 0, maximum = 3650)]
    pub password_max_age_days: Option<u32>,
    /// 会话闲置分钟数，20 至 1440。
    ///
    /// 20 to 1440.
    #[schema(minimum = 20, maximum = 1440)]
    pub session_idle_minutes: Option<u32>,
}

/// 查看安全策略 · Get the security policy
///
/// 读取安全策略，限三名管理员（系统管理员、安全管理员、审计管理员）。ETag 即策略的版本，修改时用于
/// `If-Match`。
///
/// Reads the security policy: the three administrators. The ETag is the policy's version, for
/// `If-Match` on a change.
#[utoipa::path(
    tag = "security",
    responses(
        (status = 200, description = "The policy", body = PolicyResponse, headers(("ETag" = String))),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/security-policy")]
pub async fn get_policy(
    state: Data<AppState>,
    req: HttpRequest,
    caller: Caller,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadSecurityPolicy)?;
    let (p, version) = state.store.security_policy_versioned().await?;
    Ok(respond::resource(&req, version, &PolicyResponse::from(p)))
}

/// 修改安全策略 · Update the security policy
///
/// 安全管理员修改安全策略。只修改请求中给出的字段，其他字段保持修改那一刻的值（两名管理员同时修改不
/// 同字段，两处修改都生效）；带 `If-Match` 时，策略自该 ETag 以来已有变更则拒绝（412）。修改记入审
/// 计日志，并在数秒内于所有实例生效。取值超出范围时返回 422。
///
/// Changes the security policy: the security administrator. The fields sent change, the others
/// stay as they are at the moment of the change (two administrators changing different fields
/// at once both count); with `If-Match`, a policy changed since that ETag is refused (412). The
/// change is recorded in the audit trail and takes effect within seconds on every instance. A
/// value out of range is refused (422).
#[utoipa::path(
    tag = "security",
    params(("If-Match" = Option<String>, Header, description = "Apply only if the policy is still at this ETag")),
    request_body = UpdatePolicyRequest,
    responses(
        (status = 200, description = "The policy now", body = PolicyResponse, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the security administrator", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The policy changed since the ETag in If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Out of range", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/security-policy")]
pub async fn update_policy(
    state: Data<AppState>,
    caller: Caller,
    if_match: IfMatch,
    body: JsonBody<UpdatePolicyRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageRoles)?;
    let b = body.parse()?;
    let changed = state
        .store
        .update_security_policy(&caller.audit(), if_match.0, |mut p| {
            if let Some(v) = b.password_max_age_days {
                p.password_max_age_days = v;
            }
            if let Some(v) = b.session_idle_minutes {
                p.session_idle_minutes = v;
            }
            let problems = p.check();
            if problems.is_empty() {
                Ok(p)
            } else {
                Err(problems)
            }
        })
        .await?;
    let (p, version) = match changed {
        Ok(x) => x,
        Err(problems) => {
            return Err(ApiError::validation(
                problems
                    .into_iter()
                    .map(|pr| match pr {
                        PolicyProblem::MaxAgeTooLong => FieldError::new(
                            "password_max_age_days",
                            "out_of_range",
                            Msg::new("须在 0 到 3650 之间", "must lie between 0 and 3650"),
                        ),
                        PolicyProblem::IdleOutOfRange => FieldError::new(
                            "session_idle_minutes",
                            "out_of_range",
                            Msg::new("须在 20 到 1440 之间", "must lie between 20 and 1440"),
                        ),
                    })
                    .collect(),
            ));
        }
    };
    state.policy.put(p);
    Ok(respond::changed(version, &PolicyResponse::from(p)))
}

/// 一次登录尝试。
///
/// One sign-in attempt.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e70",
    "username": "liuqing",
    "occurred_at": "2026-11-27T08:00:00Z",
    "client_addr": "10.0.0.8",
    "user_agent": "Mozilla/5.0",
    "result": "success"
}))]
pub struct LoginResponse {
    /// 记录的 id。
    ///
    /// The record's id.
    pub id: Uuid,
    /// 登录时填写的用户名。
    ///
    /// The username given at sign-in.
    pub username: String,
    /// 尝试登录的时间。
    ///
    /// When the attempt was made.
    pub occurred_at: DateTime<Utc>,
    /// 客户端的 IP 地址；不详时为空。
    ///
    /// The client's IP address; null when unknown.
    pub client_addr: Option<String>,
    /// 客户端的 User-Agent；未提供时为空。
    ///
    /// The client's User-Agent; null when not sent.
    pub user_agent: Option<String>,
    /// 结果：`success`（成功）、`wrong_password`（密码错误）、`locked`（已锁定）或
    /// `disabled`（已停用）。
    ///
    /// `success`, `wrong_password`, `locked` or `disabled`.
    pub result: String,
}

impl From<LoginRecord> for LoginResponse {
    fn from(r: LoginRecord) -> Self {
        Self {
            id: r.id,
            username: r.username,
            occurred_at: r.occurred_at,
            client_addr: r.client_addr,
            user_agent: r.user_agent,
            result: r.result,
        }
    }
}

/// 一页登录尝试记录，最新的在前。
///
/// A page of sign-in attempts, newest first.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [{
        "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e70",
        "username": "liuqing",
        "occurred_at": "2026-11-27T08:00:00Z",
        "client_addr": "10.0.0.8",
        "user_agent": "Mozilla/5.0",
        "result": "success"
    }],
    "next_before": null
}))]
pub struct LoginHistoryResponse {
    /// 本页的登录尝试，最新的在前。
    ///
    /// The attempts of this page, newest first.
    pub items: Vec<LoginResponse>,
    /// 下一页（更早的记录）的 `before` 参数；没有更多时为 null。
    ///
    /// Pass as `before` for the next (older) page; null at the end.
    pub next_before: Option<DateTime<Utc>>,
}

/// Which sign-ins.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LoginHistoryParams {
    /// Attempts before this instant (the `next_before` of a page).
    pub before: Option<DateTime<Utc>>,
    /// 1 to 200, default 50.
    #[validate(range(min = 1, max = 200))]
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
}

async fn history(
    state: &AppState,
    user_id: Uuid,
    p: LoginHistoryParams,
) -> ApiResult<HttpResponse> {
    let limit = p.limit.unwrap_or(50);
    let rows = state.store.login_history(user_id, p.before, limit).await?;
    let next_before = if rows.len() as u64 == limit {
        rows.last().map(|r| r.occurred_at)
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(LoginHistoryResponse {
        items: rows.into_iter().map(LoginResponse::from).collect(),
        next_before,
    }))
}

/// 我的登录历史 · List my sign-ins
///
/// 调用者本人的登录历史，按时间倒序排列。
///
/// The caller's own sign-in history, newest first.
#[utoipa::path(
    tag = "me",
    params(LoginHistoryParams),
    responses(
        (status = 200, description = "Sign-in attempts", body = LoginHistoryResponse),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/me/logins")]
pub async fn my_logins(
    state: Data<AppState>,
    caller: Caller,
    params: QueryParams<LoginHistoryParams>,
) -> ApiResult<HttpResponse> {
    let me = caller.actor()?.user_id;
    caller.require(Action::ReadLoginHistory { user_id: me })?;
    history(&state, me.into(), params.0).await
}

/// 查看账号登录历史 · List an account's sign-ins
///
/// 某一账号的登录历史，按时间倒序排列，限安全管理员（以及账号本人）查看。
///
/// An account's sign-in history, newest first: the security administrator (and the account
/// itself).
#[utoipa::path(
    tag = "users",
    params(("id" = Uuid, Path, description = "Account id"), LoginHistoryParams),
    responses(
        (status = 200, description = "Sign-in attempts", body = LoginHistoryResponse),
        (status = 403, description = "Not the security administrator", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/users/{id}/logins")]
pub async fn user_logins(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    params: QueryParams<LoginHistoryParams>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    caller.require(Action::ReadLoginHistory { user_id: id.into() })?;
    state.store.get_user(id).await?;
    history(&state, id, params.0).await
}
