//! Password resets of the administrators' accounts (管理员密码重置): held
//! until a second administrator confirms them, so that no one person can
//! set another administrator's password and then sign in as them.

use crate::routes::Routes;
use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, delete, get, post};
use chrono::{DateTime, Utc};
use renda_auth::{Action, password};
use renda_domain::Code;
use renda_persistence::password_resets::PasswordReset;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::error::{ApiError, ApiResult, Msg, Problem};
use crate::extract::{Caller, JsonBody};
use crate::routes::users::{UserResponse, password_field_error};
use crate::{AppState, respond};

pub fn configure(cfg: &mut Routes) {
    cfg.service(request_reset)
        .service(list_resets)
        .service(confirm_reset)
        .service(cancel_reset);
}

/// 管理员账号的新密码，待第二名管理员确认。
///
/// A new password for an administrator's account, to be confirmed.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"password": "Given-By-Sec-2026"}))]
pub struct PasswordResetRequest {
    /// 新密码；持有人下次登录时须修改。
    ///
    /// The new password; its holder must change it at the next sign-in.
    #[validate(length(min = 1, max = 128))]
    #[schema(min_length = 1, max_length = 128)]
    pub password: String,
}

/// 等待或已经过第二名管理员确认的密码重置。密码本身从不显示。
///
/// A password reset waiting for, or past, a second administrator's
/// confirmation. The password itself is never shown.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e70",
    "user_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e5f",
    "requested_by": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e60",
    "requested_at": "2026-12-05T08:00:00Z",
    "expires_at": "2026-12-06T08:00:00Z",
    "status": "pending",
    "decided_by": null,
    "decided_at": null
}))]
pub struct PasswordResetResponse {
    /// 重置申请的 id。
    ///
    /// The reset's id.
    pub id: Uuid,
    /// 被重置密码的账号。
    ///
    /// The account whose password is reset.
    pub user_id: Uuid,
    /// 设置新密码的管理员。
    ///
    /// The administrator who set the new password.
    pub requested_by: Uuid,
    /// 申请的时间。
    ///
    /// When it was asked for.
    pub requested_at: DateTime<Utc>,
    /// 过期时间：此后待确认的重置不能再被确认。
    ///
    /// After this a pending reset can no longer be confirmed.
    pub expires_at: DateTime<Utc>,
    /// `pending`（待确认）、`confirmed`（已确认）、`cancelled`（已撤回）或
    /// `expired`（已过期）。
    ///
    /// `pending`, `confirmed`, `cancelled` or `expired`.
    #[schema(pattern = "^(pending|confirmed|cancelled|expired)$")]
    pub status: String,
    /// 确认或撤回该重置的管理员；尚未决定时为空。
    ///
    /// Who confirmed or withdrew it.
    pub decided_by: Option<Uuid>,
    /// 确认或撤回的时间；尚未决定时为空。
    ///
    /// When it was confirmed or withdrawn; null until then.
    pub decided_at: Option<DateTime<Utc>>,
}

impl From<PasswordReset> for PasswordResetResponse {
    fn from(r: PasswordReset) -> Self {
        Self {
            id: r.id,
            user_id: r.user_id,
            requested_by: r.requested_by,
            requested_at: r.requested_at,
            expires_at: r.expires_at,
            status: r.status,
            decided_by: r.decided_by,
            decided_at: r.decided_at,
        }
    }
}

/// 申请重置管理员密码 · Request an administrator password reset
///
/// 为管理员账号设置新密码，须经第二名管理员确认后方才生效（管理员密码重置需第二名管理员确认）。系统
/// 管理员、安全管理员和审计管理员的账号不能通过 `PATCH /users/{id}` 设置密码：设置者会知道该密码，
/// 从而能以该管理员的身份登录。在此设置的密码先以哈希形式保存，只有在 24 小时内由另一名管理员（既非
/// 申请人，也非账号持有人）确认后才生效。该账号此前待确认的重置随之撤回。只有负责维护该账号的管理员
/// 可以申请（否则 403）；不是管理员的账号返回 `no_confirmation_needed`（409），请改用
/// `PATCH /users/{id}`。
///
/// Sets a new password for an administrator's account, held until a second administrator
/// confirms it. For the accounts of the system, security and audit administrators,
/// `PATCH /users/{id}` does not take a password: whoever sets it would know it and could sign
/// in as that administrator. Here the password is kept (hashed) and applied only when another
/// administrator, neither the one asking nor the account's holder, confirms it within 24 hours.
/// An earlier pending reset of the account is withdrawn. Only the administrator who keeps the
/// account may ask (403 otherwise); for an account that is not an administrator's the answer is
/// `no_confirmation_needed` (409): reset it with `PATCH /users/{id}`.
#[utoipa::path(
    tag = "users",
    params(("id" = Uuid, Path, description = "The administrator's account")),
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "Held for confirmation", body = PasswordResetResponse,
            headers(("Location" = String, description = "The reset"))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the administrator who keeps this account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not an administrator's account: reset it with `PATCH /users/{id}` (`no_confirmation_needed`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The password breaks the policy", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/users/{id}/password-resets")]
pub async fn request_reset(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    body: JsonBody<PasswordResetRequest>,
) -> ApiResult<HttpResponse> {
    if !caller.may(Action::ManageUsers) {
        caller.require(Action::ManageRoles)?;
    }
    let id = id.into_inner();
    let PasswordResetRequest { password } = body.parse()?;
    let target = state.store.get_user(id).await?;
    caller.require(renda_auth::permission::account_keeper(&target.roles, None))?;
    if !renda_auth::permission::password_needs_confirmation(&target.roles, None) {
        return Err(ApiError::conflict(
            Code::NoConfirmationNeeded,
            Msg::new(
                "该账号不是管理员账号，请直接用 PATCH /users/{id} 重置密码",
                "Not an administrator's account: reset its password with PATCH /users/{id}",
            ),
        ));
    }
    if let Err(e) = renda_domain::user::check_password_policy(&password, Some(&target.username)) {
        return Err(ApiError::validation(vec![password_field_error(
            "password", e,
        )]));
    }
    let hash = state
        .hashing
        .run(move || password::hash_password(&password))
        .await?
        .map_err(|_| ApiError::internal())?;
    let actor = caller.actor()?;
    let reset = state
        .store
        .request_password_reset(&caller.audit(), id, hash, actor.user_id.into())
        .await?;
    Ok(HttpResponse::Accepted()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/users/{id}/password-resets/{}", reset.id),
        ))
        .json(PasswordResetResponse::from(reset)))
}

/// 查询密码重置记录 · List password resets
///
/// 按时间倒序列出某一账号的密码重置，便于第二名管理员找到等待确认的重置。仅限管理员。
///
/// Lists an account's password resets, newest first, so that a second administrator finds what
/// waits for confirmation. Administrators only.
#[utoipa::path(
    tag = "users",
    params(("id" = Uuid, Path, description = "The account")),
    responses(
        (status = 200, description = "The account's resets", body = Vec<PasswordResetResponse>),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/users/{id}/password-resets")]
pub async fn list_resets(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadSecurityPolicy)?;
    let id = id.into_inner();
    state.store.get_user(id).await?;
    let resets = state.store.list_password_resets(id).await?;
    let body: Vec<PasswordResetResponse> = resets.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(body))
}

/// 确认密码重置 · Confirm a password reset
///
/// 确认一项待确认的密码重置（第二名管理员确认）：新密码生效，下次登录时必须修改，该账号的所有会话结
/// 束。只有既未申请该重置、也不持有该账号的管理员才能确认（否则返回
/// `second_administrator_required`，403）。已确认或已撤回的返回 `reset_not_pending`，已超时的返回
/// `reset_expired`（均为 409）。
///
/// Confirms a pending password reset: the new password takes effect, must be changed at the
/// next sign-in, and every session of the account ends. Only an administrator who neither asked
/// for the reset nor holds the account may confirm (`second_administrator_required`, 403). One
/// already confirmed or withdrawn is refused with `reset_not_pending`, one past its time with
/// `reset_expired` (both 409).
#[utoipa::path(
    tag = "users",
    params(
        ("id" = Uuid, Path, description = "The account"),
        ("reset_id" = Uuid, Path, description = "The reset"),
    ),
    responses(
        (status = 200, description = "Confirmed; the account as it is now", body = UserResponse, headers(("ETag" = String))),
        (status = 403, description = "Not a second administrator (`second_administrator_required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such reset of this account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already confirmed or withdrawn (`reset_not_pending`), or past its time (`reset_expired`)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/users/{id}/password-resets/{reset_id}/confirm")]
pub async fn confirm_reset(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadSecurityPolicy)?;
    let (id, reset_id) = path.into_inner();
    let reset = state.store.get_password_reset(id, reset_id).await?;
    second_administrator(&caller, &reset)?;
    let actor = caller.actor()?;
    let user = state
        .store
        .confirm_password_reset(&caller.audit(), id, reset_id, actor.user_id.into())
        .await?;
    let version = user.version;
    Ok(respond::changed(version, &UserResponse::from(user)))
}

/// 撤回密码重置 · Withdraw a password reset
///
/// 撤回一项待确认的密码重置：由申请人或第二名管理员操作。已确认或已撤回的返回 `reset_not_pending`
/// （409）。
///
/// Withdraws a pending password reset: the one who asked for it, or a second administrator. One
/// already confirmed or withdrawn is refused with `reset_not_pending` (409).
#[utoipa::path(
    tag = "users",
    params(
        ("id" = Uuid, Path, description = "The account"),
        ("reset_id" = Uuid, Path, description = "The reset"),
    ),
    responses(
        (status = 204, description = "Withdrawn"),
        (status = 403, description = "Neither the one who asked nor a second administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such reset of this account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already confirmed or withdrawn (`reset_not_pending`)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/users/{id}/password-resets/{reset_id}")]
pub async fn cancel_reset(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadSecurityPolicy)?;
    let (id, reset_id) = path.into_inner();
    let reset = state.store.get_password_reset(id, reset_id).await?;
    let actor = caller.actor()?;
    if actor.user_id != reset.requested_by.into() {
        second_administrator(&caller, &reset)?;
    }
    state
        .store
        .cancel_password_reset(&caller.audit(), id, reset_id, actor.user_id.into())
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

fn second_administrator(caller: &Caller, reset: &PasswordReset) -> ApiResult<()> {
    let action = Action::ConfirmPasswordReset {
        requested_by: reset.requested_by,
        target: reset.user_id,
    };
    if caller.may(action) {
        return Ok(());
    }
    Err(ApiError::new(
        actix_web::http::StatusCode::FORBIDDEN,
        Code::SecondAdministratorRequired,
        Msg::new(
            "须由另一名管理员（既非发起人，也非该账号本人）确认",
            "Needs another administrator: neither the one who asked nor the account's holder",
        ),
    ))
}
