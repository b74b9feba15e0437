//! Signing in and out: passwords for access and refresh tokens.

use actix_web::web::Data;
use actix_web::{HttpResponse, post};
use renda_auth::{password, token};
use renda_domain::user::Username;
use renda_persistence::AuditCtx;
use renda_persistence::sessions::Rotation;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use crate::AppState;
use crate::error::{ApiError, ApiResult, Msg, Problem};
use crate::extract::{Caller, JsonBody, RequestMeta};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(login).service(refresh).service(logout);
}

/// Credentials.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"username": "admin", "password": "Renda-2026!"}))]
pub struct LoginRequest {
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub username: String,
    #[validate(length(min = 1, max = 128))]
    #[schema(min_length = 1, max_length = 128)]
    pub password: String,
}

/// Tokens issued at sign-in and on refresh.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "access_token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIuLi4ifQ.c2lnbmF0dXJl",
    "refresh_token": "kq2G0v3Zr7mZ6Nw1m2XH3aJ1p9rQy8T5sV4uW0xY2zA",
    "token_type": "Bearer",
    "expires_in": 900
}))]
pub struct TokenResponse {
    /// A JWT for the `Authorization: Bearer` header.
    pub access_token: String,
    /// Single-use: exchange it at `/auth/refresh` for new tokens.
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Lifetime of the access token in seconds.
    pub expires_in: i64,
}

/// A refresh token to exchange.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"refresh_token": "kq2G0v3Zr7mZ6Nw1m2XH3aJ1p9rQy8T5sV4uW0xY2zA"}))]
pub struct RefreshRequest {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub refresh_token: String,
}

fn bad_credentials() -> ApiError {
    ApiError::new(
        actix_web::http::StatusCode::UNAUTHORIZED,
        "invalid_credentials",
        Msg::new(
            "用户名或密码错误，或账号已被锁定、停用",
            "Wrong username or password, or the account is locked or disabled",
        ),
    )
}

async fn verify_blocking(pw: String, hash: Option<String>) -> ApiResult<bool> {
    tokio::task::spawn_blocking(move || match hash {
        Some(h) => password::verify_password(&pw, &h),
        None => password::verify_dummy(&pw),
    })
    .await
    .map_err(|_| ApiError::internal())
}

async fn issue(
    state: &AppState,
    user_id: uuid::Uuid,
    session: uuid::Uuid,
    refresh_token: String,
) -> ApiResult<TokenResponse> {
    let (access, ttl) = state
        .jwt
        .issue(user_id, session)
        .map_err(|_| ApiError::internal())?;
    Ok(TokenResponse {
        access_token: access,
        refresh_token,
        token_type: "Bearer".into(),
        expires_in: ttl,
    })
}

/// Signs in with a username and password.
///
/// Five failed attempts in a row lock the account for 15 minutes; while
/// locked even the right password is refused. The answer never tells
/// whether the username exists.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong credentials, locked or disabled account", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[post("/auth/login")]
pub async fn login(
    state: Data<AppState>,
    meta: RequestMeta,
    body: JsonBody<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let LoginRequest { username, password } = body.parse()?;
    let creds = match Username::parse(&username) {
        Ok(u) => state.store.find_credentials(u.as_str()).await?,
        Err(_) => None,
    };
    let Some((user, hash)) = creds else {
        verify_blocking(password, None).await?;
        return Err(bad_credentials());
    };
    let ctx = AuditCtx {
        actor_id: Some(user.id),
        actor_username: Some(user.username.clone()),
        actor_roles: Some(user.roles.to_storage()),
        request_id: meta.request_id,
        client_addr: meta.client_addr,
    };
    let now = renda_domain::time::now();
    let ok = verify_blocking(password, Some(hash)).await?;
    if user.is_locked(now) {
        return Err(bad_credentials());
    }
    if !ok {
        let locked = state.store.record_login_failure(&ctx, user.id, now).await?;
        if locked {
            tracing::warn!(user_id = %user.id, "account locked after repeated failed sign-ins");
        }
        return Err(bad_credentials());
    }
    if !user.is_active() {
        return Err(bad_credentials());
    }
    if !state.store.record_login_success(&ctx, user.id).await? {
        // Locked by failures that raced this attempt.
        return Err(bad_credentials());
    }
    let refresh_token = token::generate_token();
    let session = state
        .store
        .open_session(user.id, token::digest(&refresh_token), state.refresh_ttl)
        .await?;
    Ok(HttpResponse::Ok().json(issue(&state, user.id, session, refresh_token).await?))
}

/// Exchanges a refresh token for new tokens.
///
/// Each refresh token works once. Presenting one that was already used
/// revokes the whole session: whoever holds its other tokens is signed out.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = TokenResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Unknown, expired, revoked or reused refresh token", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: Data<AppState>,
    body: JsonBody<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let next = token::generate_token();
    let outcome = state
        .store
        .rotate_session(
            &token::digest(&body.parse()?.refresh_token),
            token::digest(&next),
            state.refresh_ttl,
        )
        .await?;
    match outcome {
        Rotation::Rotated { user_id, family_id } => {
            let active = match state.store.get_user(user_id).await {
                Ok(u) => u.is_active(),
                Err(renda_persistence::StoreError::NotFound) => false,
                Err(e) => return Err(e.into()),
            };
            if !active {
                state.store.close_session(family_id).await?;
                return Err(ApiError::unauthenticated());
            }
            Ok(HttpResponse::Ok().json(issue(&state, user_id, family_id, next).await?))
        }
        Rotation::Reused => {
            tracing::warn!("a used refresh token was presented again; its session is revoked");
            Err(ApiError::new(
                actix_web::http::StatusCode::UNAUTHORIZED,
                "refresh_token_reused",
                Msg::new(
                    "刷新令牌已被使用过，该会话已被撤销，请重新登录",
                    "The refresh token was already used; the session is revoked, sign in again",
                ),
            ))
        }
        Rotation::Invalid => Err(ApiError::unauthenticated()),
    }
}

/// Signs out: the session of the access token ends, its refresh tokens
/// stop working and so does the access token.
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/auth/logout")]
pub async fn logout(state: Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    caller.actor()?;
    let session = caller.session_id.ok_or_else(ApiError::unauthenticated)?;
    state.store.close_session(session).await?;
    Ok(HttpResponse::NoContent().finish())
}
