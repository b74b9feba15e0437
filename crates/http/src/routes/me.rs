//! The caller's own account.

use crate::routes::Routes;
use actix_web::web::Data;
use actix_web::{HttpResponse, get, post};
use chrono::{DateTime, Utc};
use renda_auth::{Action, password};
use renda_domain::Role;
use renda_domain::user::{UserPatch, UserStatus};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::AppState;
use crate::error::{ApiError, ApiResult, Msg, Problem};
use crate::extract::{Caller, JsonBody};
use crate::routes::users::password_field_error;

pub fn configure(cfg: &mut Routes) {
    cfg.service(me).service(change_password);
}

/// 关联的记录：id 和名称。
///
/// A linked record, by id and name.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkedRecord {
    /// 记录的 id。
    ///
    /// The record's id.
    pub id: Uuid,
    /// 名称：代表的姓名或承办单位的名称。
    ///
    /// Its name: the deputy's or the unit's.
    pub name: String,
}

/// 当前登录的调用者。
///
/// The signed-in caller.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e5f",
    "username": "zhangwei",
    "display_name": "张伟",
    "roles": ["deputy"],
    "status": "active",
    "deputy": {"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e60", "name": "张伟"},
    "unit": null,
    "observer_id": null,
    "password_changed_at": "2026-11-27T08:00:00Z",
    "password_change_required": false
}))]
pub struct MeResponse {
    /// 账号的 id。
    ///
    /// The account's id.
    pub id: Uuid,
    /// 用户名。
    ///
    /// The username.
    pub username: String,
    /// 显示名称，通常为姓名。
    ///
    /// The name shown, usually the person's name.
    pub display_name: String,
    /// 账号持有的角色。
    ///
    /// The roles the account holds.
    pub roles: Vec<Role>,
    /// 账号状态：`active` 或 `disabled`。
    ///
    /// The account's status: `active` or `disabled`.
    pub status: UserStatus,
    /// 该账号所代表的代表记录；没有时为空。
    ///
    /// The deputy record this account acts for.
    pub deputy: Option<LinkedRecord>,
    /// 该账号所代表的承办单位；没有时为空。
    ///
    /// The handling unit this account acts for.
    pub unit: Option<LinkedRecord>,
    /// 该账号所代表的观察员记录的 id；没有时为空。
    ///
    /// The observer record this account acts for.
    pub observer_id: Option<Uuid>,
    /// 密码最近一次设置的时间。
    ///
    /// When the password was last set.
    pub password_changed_at: DateTime<Utc>,
    /// 账号须先修改密码（首次登录、密码被重置、密码过期）才能做其他事时为 true。
    ///
    /// True while the account must change its password (first sign-in, a
    /// reset, an expired password) before doing anything else.
    pub password_change_required: bool,
}

/// 当前用户 · Get the caller
///
/// 我是谁：返回调用者的账号、角色以及与之关联的记录。任何已登录的调用者均可调用。
///
/// Who am I: the caller's account, roles and linked records. Any signed-in caller.
#[utoipa::path(
    tag = "me",
    responses(
        (status = 200, description = "The caller", body = MeResponse),
    ),
    security(("bearer" = []))
)]
#[get("/me")]
pub async fn me(state: Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadSelf)?;
    let actor = caller.actor()?;
    let user = state.store.get_user(actor.user_id.into()).await?;
    let deputy = match user.deputy_id {
        Some(id) => state
            .store
            .get_deputy(id.into())
            .await
            .ok()
            .map(|d| LinkedRecord {
                id: d.id,
                name: d.name,
            }),
        None => None,
    };
    let unit = match user.unit_id {
        Some(id) => state
            .store
            .get_unit(id.into())
            .await
            .ok()
            .map(|u| LinkedRecord {
                id: u.id,
                name: u.name,
            }),
        None => None,
    };
    let password_change_required =
        user.password_change_required(&state.security_policy().await?, renda_domain::time::now());
    Ok(HttpResponse::Ok().json(MeResponse {
        password_change_required,
        id: user.id,
        username: user.username,
        display_name: user.display_name,
        roles: user.roles.to_vec(),
        status: user.status,
        deputy,
        unit,
        observer_id: user.observer_id,
        password_changed_at: user.password_changed_at,
    }))
}

/// 修改本人密码。
///
/// A change of one's own password.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"current_password": "Renda-2026!", "new_password": "Another-Secret-9"}))]
pub struct ChangePasswordRequest {
    /// 当前密码。
    ///
    /// The current password.
    #[validate(length(min = 1, max = 128))]
    #[schema(min_length = 1, max_length = 128)]
    pub current_password: String,
    /// 新密码，规则同账号的 `password`（见 `CreateUserRequest`），以调用者的用户名检查。
    ///
    /// The policy of an account's `password` (see `CreateUserRequest`),
    /// with the caller's username.
    #[validate(length(min = 1, max = 128))]
    #[schema(min_length = 1, max_length = 128)]
    pub new_password: String,
}

/// 修改本人密码 · Change my password
///
/// 修改调用者本人的密码。新密码不得与最近五次的密码相同（`password_reused`）；当前密码错误或新密码
/// 不符合密码策略同样被拒绝（422）。修改后该账号的所有会话（包括本次会话）全部结束，须用新密码重新
/// 登录。
///
/// Changes the caller's password. The new one must differ from the last five
/// (`password_reused`); a wrong current password, or a new one that breaks the policy, is
/// refused too (422). Every session of the account ends, this one included: sign in again with
/// the new password.
#[utoipa::path(
    tag = "me",
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Changed; all sessions signed out"),
        (status = 422, description = "Wrong current password, or the new one breaks the policy or repeats one of the last five (`password_reused`)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/me/password")]
pub async fn change_password(
    state: Data<AppState>,
    caller: Caller,
    body: JsonBody<ChangePasswordRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadSelf)?;
    let actor = caller.actor()?.clone();
    let ChangePasswordRequest {
        current_password,
        new_password,
    } = body.parse()?;
    if let Err(e) = renda_domain::user::check_password_policy(&new_password, Some(&actor.username))
    {
        return Err(ApiError::validation(vec![password_field_error(
            "new_password",
            e,
        )]));
    }
    let now = renda_domain::time::now();
    if state
        .store
        .login_locked(
            actor.user_id.into(),
            caller.audit().client_addr.as_deref(),
            now,
        )
        .await?
    {
        return Err(ApiError::field(
            "current_password",
            "locked",
            Msg::new(
                "连续输错次数过多，账号已暂时锁定",
                "Too many wrong passwords: the account is locked for a while",
            ),
        ));
    }
    let recent = state
        .store
        .recent_password_hashes(actor.user_id.into())
        .await?;
    let hash = recent.first().cloned().unwrap_or_default();
    let (ok, reused, new_hash) = state
        .hashing
        .run(move || {
            let ok = password::verify_password(&current_password, &hash);
            if !ok {
                return (false, false, None);
            }
            if recent
                .iter()
                .any(|h| password::verify_password(&new_password, h))
            {
                return (true, true, None);
            }
            (true, false, password::hash_password(&new_password).ok())
        })
        .await?;
    if !ok || reused {
        // Wrong guesses count like failed sign-ins, so that a stolen access
        // token cannot be used to find the password; so does offering an
        // old password, which costs as much hashing as a wrong guess.
        state
            .store
            .record_login_failure(&caller.audit(), actor.user_id.into(), now, None)
            .await?;
    }
    if !ok {
        return Err(ApiError::field(
            "current_password",
            "wrong_password",
            Msg::new("当前密码不正确", "The current password is wrong"),
        ));
    }
    if reused {
        return Err(ApiError::field(
            "new_password",
            "password_reused",
            Msg::new(
                "新密码不能与最近 5 次使用过的密码相同",
                "The new password must differ from the last five",
            ),
        ));
    }
    let new_hash = new_hash.ok_or_else(ApiError::internal)?;
    let patch = UserPatch {
        password_hash: Some(new_hash),
        ..UserPatch::default()
    };
    state
        .store
        .update_user(&caller.audit(), actor.user_id.into(), None, patch)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
