//! Signing in and out: passwords for access and refresh tokens.

use crate::routes::Routes;
use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse, post};
use renda_auth::{password, token};
use renda_domain::Code;
use renda_domain::user::Username;
use renda_persistence::AuditCtx;
use renda_persistence::security::Attempt;
use renda_persistence::sessions::Rotation;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::AppState;
use crate::error::{ApiError, ApiResult, Msg, Problem};
use crate::extract::{Caller, JsonBody, RequestMeta};

pub fn configure(cfg: &mut Routes) {
    cfg.service(login)
        .service(refresh)
        .service(logout)
        .service(client_token);
}

/// 登录凭据。
///
/// Credentials.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"username": "admin", "password": "Renda-2026!"}))]
pub struct LoginRequest {
    /// 用户名。
    ///
    /// The username.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub username: String,
    /// 密码。
    ///
    /// The password.
    #[validate(length(min = 1, max = 128))]
    #[schema(min_length = 1, max_length = 128)]
    pub password: String,
}

/// 登录和刷新时签发的令牌。
///
/// Tokens issued at sign-in and on refresh.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "access_token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIuLi4ifQ.c2lnbmF0dXJl",
    "refresh_token": "kq2G0v3Zr7mZ6Nw1m2XH3aJ1p9rQy8T5sV4uW0xY2zA",
    "token_type": "Bearer",
    "expires_in": 900,
    "password_change_required": false
}))]
pub struct TokenResponse {
    /// 访问令牌（JWT），放在 `Authorization: Bearer` 请求头中。
    ///
    /// A JWT for the `Authorization: Bearer` header.
    pub access_token: String,
    /// 刷新令牌，只能用一次：到 `/auth/refresh` 换取新令牌。
    ///
    /// Single-use: exchange it at `/auth/refresh` for new tokens.
    pub refresh_token: String,
    /// 固定为 `Bearer`。
    ///
    /// Always `Bearer`.
    pub token_type: String,
    /// 访问令牌的有效期，单位为秒。
    ///
    /// Lifetime of the access token in seconds.
    pub expires_in: i64,
    /// 账号须修改密码时为 true（首次登录、密码被重置、密码过期）：修改之前只能调用 `GET /me`、
    /// `POST /me/password`、`GET /me/logins` 和退出登录。
    ///
    /// True when the account must change its password (first sign-in, a
    /// reset, an expired password): until it does, only `GET /me`,
    /// `POST /me/password`, `GET /me/logins` and sign-out are allowed.
    pub password_change_required: bool,
}

/// 要换取新令牌的刷新令牌。
///
/// A refresh token to exchange.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"refresh_token": "kq2G0v3Zr7mZ6Nw1m2XH3aJ1p9rQy8T5sV4uW0xY2zA"}))]
pub struct RefreshRequest {
    /// 登录或上次刷新时得到的刷新令牌。
    ///
    /// The refresh token from sign-in or the last refresh.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub refresh_token: String,
}

fn bad_credentials() -> ApiError {
    ApiError::new(
        actix_web::http::StatusCode::UNAUTHORIZED,
        Code::InvalidCredentials,
        Msg::new(
            "用户名或密码错误，或账号已被锁定、停用",
            "Wrong username or password, or the account is locked or disabled",
        ),
    )
}

async fn verify_blocking(state: &AppState, pw: String, hash: Option<String>) -> ApiResult<bool> {
    state
        .hashing
        .run(move || match hash {
            Some(h) => password::verify_password(&pw, &h),
            None => password::verify_dummy(&pw),
        })
        .await
}

async fn issue(
    state: &AppState,
    user: &renda_domain::user::User,
    session: uuid::Uuid,
    refresh_token: String,
) -> ApiResult<TokenResponse> {
    let user_id = user.id;
    let password_change_required =
        user.password_change_required(&state.security_policy().await?, renda_domain::time::now());
    let (access, ttl) = state
        .jwt
        .issue(user_id.into(), session)
        .map_err(|_| ApiError::internal())?;
    Ok(TokenResponse {
        access_token: access,
        refresh_token,
        token_type: "Bearer".into(),
        expires_in: ttl,
        password_change_required,
    })
}

/// 账号密码登录 · Sign in with a username and password
///
/// 用户以用户名和密码登录。连续五次登录失败即锁定账号 15 分钟，锁定期间即使密码正确也拒绝登录。应答
/// 从不透露用户名是否存在。每次尝试都记入该账号的登录历史，每次失败都记入审计日志。密码由他人设置或
/// 已过期的账号登录后带有 `password_change_required`，只能修改密码。
///
/// Signs in with a username and password. Five failed attempts in a row lock the account for 15
/// minutes; while locked even the right password is refused. The answer never tells whether the
/// username exists. Every attempt goes into the account's sign-in history, and every failure
/// into the audit trail. An account whose password someone else set, or whose password expired,
/// signs in with `password_change_required` and may only change it.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong credentials, locked or disabled account", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many sign-in attempts from this address", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64), ("RateLimit-Limit" = u32), ("RateLimit-Remaining" = u32), ("RateLimit-Reset" = u64), ("RateLimit-Policy" = String))),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/auth/login")]
pub async fn login(
    state: Data<AppState>,
    req: HttpRequest,
    meta: RequestMeta,
    body: JsonBody<LoginRequest>,
) -> ApiResult<HttpResponse> {
    crate::routes::common::limit_sign_in(&state, &req).await?;
    let LoginRequest { username, password } = body.parse()?;
    let user_agent = req
        .headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let creds = match Username::parse(&username) {
        Ok(u) => state.store.find_credentials(u.as_str()).await?,
        Err(_) => None,
    };
    let Some((user, hash)) = creds else {
        verify_blocking(&state, password, None).await?;
        let ctx = AuditCtx {
            request_id: meta.request_id,
            client_addr: meta.client_addr,
            ..AuditCtx::default()
        };
        let attempt = Attempt {
            username: &username,
            user_agent: user_agent.as_deref(),
        };
        state
            .store
            .record_login_attempt(&ctx, None, attempt, "unknown_user")
            .await?;
        return Err(bad_credentials());
    };
    let ctx = AuditCtx {
        actor_id: Some(user.id),
        actor_username: Some(user.username.clone()),
        actor_roles: Some(user.roles.to_storage()),
        request_id: meta.request_id,
        client_addr: meta.client_addr,
    };
    let this = Attempt {
        username: &user.username,
        user_agent: user_agent.as_deref(),
    };
    let attempt = |result: &'static str| {
        state
            .store
            .record_login_attempt(&ctx, Some(user.id), this, result)
    };
    let now = renda_domain::time::now();
    let ok = verify_blocking(&state, password, Some(hash)).await?;
    if state
        .store
        .login_locked(user.id, ctx.client_addr.as_deref(), now)
        .await?
    {
        attempt("locked").await?;
        return Err(bad_credentials());
    }
    if !ok {
        let locked = state
            .store
            .record_login_failure(&ctx, user.id, now, Some(this))
            .await?;
        if locked {
            tracing::warn!(user_id = %user.id, "account locked after repeated failed sign-ins");
        }
        return Err(bad_credentials());
    }
    if !user.is_active() {
        attempt("disabled").await?;
        return Err(bad_credentials());
    }
    if !state
        .store
        .record_login_success(&ctx, user.id, this)
        .await?
    {
        // Locked by failures that raced this attempt.
        attempt("locked").await?;
        return Err(bad_credentials());
    }
    let refresh_token = token::generate_token();
    let session = state
        .store
        .open_session(user.id, token::digest(&refresh_token), state.refresh_ttl)
        .await?;
    Ok(HttpResponse::Ok().json(issue(&state, &user, session, refresh_token).await?))
}

/// 刷新令牌 · Refresh the tokens
///
/// 以刷新令牌换取新的令牌。每个刷新令牌只能使用一次；出示已用过的刷新令牌会吊销整个会话，持有该会话
/// 其他令牌的人一并被登出。会话闲置超过安全策略规定的空闲超时（默认 30 分钟）即结束，其刷新令牌随之
/// 失效。
///
/// Exchanges a refresh token for new tokens. Each refresh token works once. Presenting one that
/// was already used revokes the whole session: whoever holds its other tokens is signed out. A
/// session unused for longer than the security policy's idle timeout (30 minutes by default)
/// ends: its refresh token no longer works.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = TokenResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Unknown, expired, revoked or reused refresh token", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many sign-in attempts from this address", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64), ("RateLimit-Limit" = u32), ("RateLimit-Remaining" = u32), ("RateLimit-Reset" = u64), ("RateLimit-Policy" = String))),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: Data<AppState>,
    req: HttpRequest,
    body: JsonBody<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    crate::routes::common::limit_sign_in(&state, &req).await?;
    let next = token::generate_token();
    let idle = state.security_policy().await?.idle_timeout();
    let outcome = state
        .store
        .rotate_session(
            &token::digest(&body.parse()?.refresh_token),
            token::digest(&next),
            state.refresh_ttl,
            idle,
        )
        .await?;
    match outcome {
        Rotation::Rotated { user_id, family_id } => {
            let user = match state.store.get_user(user_id).await {
                Ok(u) if u.is_active() => u,
                Ok(_) | Err(renda_persistence::StoreError::NotFound) => {
                    state.store.close_session(family_id).await?;
                    return Err(ApiError::unauthenticated());
                }
                Err(e) => return Err(e.into()),
            };
            Ok(HttpResponse::Ok().json(issue(&state, &user, family_id, next).await?))
        }
        Rotation::Reused => {
            tracing::warn!("a used refresh token was presented again; its session is revoked");
            Err(ApiError::new(
                actix_web::http::StatusCode::UNAUTHORIZED,
                Code::RefreshTokenReused,
                Msg::new(
                    "刷新令牌已被使用过，该会话已被撤销，请重新登录",
                    "The refresh token was already used; the session is revoked, sign in again",
                ),
            ))
        }
        Rotation::Invalid => Err(ApiError::unauthenticated()),
    }
}

/// 退出登录 · Sign out
///
/// 退出登录：访问令牌所属的会话结束，该会话的刷新令牌和这个访问令牌本身都随即失效。
///
/// Signs out: the session of the access token ends, its refresh tokens stop working and so does
/// the access token.
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 204, description = "Signed out"),
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

/// OAuth 2.0 客户端凭据模式（RFC 6749 §4.4）的令牌请求，
/// 以表单（`application/x-www-form-urlencoded`，标准方式）或 JSON 提交。客户端用 HTTP
/// Basic（`client_id` 和 `client_secret`）认证，或在请求体中给出这两个字段，二者择一。
/// 不认识的参数被忽略（RFC 6749 §3.2）。
///
/// A token request of the OAuth 2.0 client credentials grant (RFC 6749
/// §4.4), as a form (`application/x-www-form-urlencoded`, the standard) or
/// as JSON. The client authenticates with HTTP Basic (`client_id` and
/// `client_secret`) or with both fields in the body, not both ways.
/// Parameters it does not know are ignored, as RFC 6749 §3.2 asks.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({
    "grant_type": "client_credentials",
    "client_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f10",
    "client_secret": "rcs_q5u1M0bq8xY1Yk0m8JtqVxq7Yq1wQ9nS3cZr2bT4uVw",
    "scope": "suggestions:read suggestions:reply"
}))]
pub struct ClientTokenRequest {
    /// 固定为 `client_credentials`。
    ///
    /// Always `client_credentials`.
    #[validate(length(min = 1, max = 40))]
    #[schema(min_length = 1, max_length = 40, pattern = "^client_credentials$")]
    pub grant_type: String,
    /// 客户端 id；用 HTTP Basic 认证时不填。
    ///
    /// The client's id; left out when HTTP Basic is used.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub client_id: Option<String>,
    /// 客户端密钥；用 HTTP Basic 认证时不填。
    ///
    /// The client's secret; left out when HTTP Basic is used.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub client_secret: Option<String>,
    /// 申请的权限范围，以空格分隔，须为客户端所持范围的子集；不填则为客户端的全部范围。
    ///
    /// Space-separated scopes wanted, a subset of the client's; all of the
    /// client's when absent.
    #[validate(length(max = 400))]
    #[schema(max_length = 400)]
    pub scope: Option<String>,
}

/// 服务客户端的访问令牌。没有刷新令牌：客户端凭其凭据重新申请。
///
/// An access token for a service client. There is no refresh token: the
/// client asks again with its credentials.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "access_token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIuLi4ifQ.c2lnbmF0dXJl",
    "token_type": "Bearer",
    "expires_in": 900,
    "scope": "suggestions:read suggestions:reply"
}))]
pub struct ClientTokenResponse {
    /// 访问令牌（JWT），放在 `Authorization: Bearer` 请求头中。
    ///
    /// A JWT for the `Authorization: Bearer` header.
    pub access_token: String,
    /// 固定为 `Bearer`。
    ///
    /// Always `Bearer`.
    pub token_type: String,
    /// 访问令牌的有效期，单位为秒。
    ///
    /// Lifetime of the access token in seconds.
    pub expires_in: i64,
    /// 授予的权限范围，以空格分隔。
    ///
    /// The scopes granted, space-separated.
    pub scope: String,
}

fn invalid_client() -> ApiError {
    ApiError::new(
        actix_web::http::StatusCode::UNAUTHORIZED,
        Code::InvalidClient,
        Msg::new(
            "客户端身份验证失败：客户端不存在、已停用或密钥错误",
            "Client authentication failed: unknown or disabled client, or wrong secret",
        ),
    )
    .with_header(
        actix_web::http::header::WWW_AUTHENTICATE,
        "Basic realm=\"renda\"",
    )
}

fn invalid_request(en: &str, zh: &str) -> ApiError {
    ApiError::bad_request(Code::InvalidRequest, Msg::new(zh.to_owned(), en.to_owned()))
}

/// `client_id:client_secret` from an HTTP Basic header, when present.
fn basic_credentials(req: &HttpRequest) -> Option<Result<(String, String), ()>> {
    use base64::Engine;
    let v = req.headers().get(actix_web::http::header::AUTHORIZATION)?;
    let s = v.to_str().ok()?;
    let (scheme, rest) = s.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Some(Err(()));
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(rest.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok());
    let Some(decoded) = decoded else {
        return Some(Err(()));
    };
    // RFC 6749 §2.3.1: each part is form-urlencoded before encoding.
    let unescape = |p: &str| -> String {
        form_urlencoded::parse(format!("x={p}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Some(
        decoded
            .split_once(':')
            .map(|(id, secret)| (unescape(id), unescape(secret)))
            .ok_or(()),
    )
}

/// 签发服务客户端令牌 · Issue a service client token
///
/// 向服务客户端签发访问令牌（OAuth 2.0 客户端凭据模式）。令牌携带所授予的权限范围（scope），用法与
/// 个人的访问令牌相同，但仅限于这些权限范围开放、且该客户端所属单位可做的操作。不支持的授权类型返回
/// `unsupported_grant_type`，请求客户端未持有的权限范围返回 `invalid_scope`（均为 400）；未知或已停
/// 用的客户端、密钥错误返回 `invalid_client`（401）。
///
/// Issues an access token to a service client (OAuth 2.0 client credentials grant). The token
/// carries the scopes granted and works like a person's access token, limited to what the
/// scopes open and the client's unit may do. An unsupported grant type is refused with
/// `unsupported_grant_type` and a scope the client does not hold with `invalid_scope` (both
/// 400); an unknown or disabled client, or a wrong secret, with `invalid_client` (401).
#[utoipa::path(
    tag = "auth",
    request_body(content(
        (ClientTokenRequest = "application/x-www-form-urlencoded"),
        (ClientTokenRequest = "application/json"),
    )),
    responses(
        (status = 200, description = "A token", body = ClientTokenResponse),
        (status = 400, description = "Malformed request, an unsupported grant type (`unsupported_grant_type`) or a scope the client does not hold (`invalid_scope`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Unknown or disabled client, or a wrong secret (`invalid_client`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many sign-in attempts from this address", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64), ("RateLimit-Limit" = u32), ("RateLimit-Remaining" = u32), ("RateLimit-Reset" = u64), ("RateLimit-Policy" = String))),
        (status = 415, description = "Neither a form nor JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("client_basic" = []))
)]
#[post("/auth/token")]
pub async fn client_token(
    state: Data<AppState>,
    req: HttpRequest,
    body: actix_web::web::Bytes,
) -> ApiResult<HttpResponse> {
    issue_client_token(state, req, body)
        .await
        .map_err(ApiError::for_oauth)
}

async fn issue_client_token(
    state: Data<AppState>,
    req: HttpRequest,
    body: actix_web::web::Bytes,
) -> ApiResult<HttpResponse> {
    use renda_domain::integration::ScopeSet;
    crate::routes::common::limit_sign_in(&state, &req).await?;
    let content_type = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    const KNOWN: [&str; 4] = ["grant_type", "client_id", "client_secret", "scope"];
    let b: ClientTokenRequest = match content_type.as_str() {
        "application/x-www-form-urlencoded" => {
            // RFC 6749 §3.2: parameters this grant does not know are
            // ignored; one it knows must not appear twice.
            let mut seen = std::collections::HashSet::new();
            for (k, _) in form_urlencoded::parse(&body) {
                if KNOWN.contains(&k.as_ref()) && !seen.insert(k.into_owned()) {
                    return Err(invalid_request(
                        "A parameter appears more than once",
                        "参数重复出现",
                    ));
                }
            }
            let json: serde_json::Map<String, serde_json::Value> = form_urlencoded::parse(&body)
                .filter(|(k, _)| KNOWN.contains(&k.as_ref()))
                .map(|(k, v)| (k.into_owned(), serde_json::Value::String(v.into_owned())))
                .collect();
            crate::extract::parse_json(serde_json::Value::Object(json).to_string().as_bytes())?
        }
        // Members it does not know are ignored here too, unread; one it
        // knows must not appear twice (else serde_json would keep the
        // last, where another reader might take the first).
        "application/json" => match crate::extract::read_json(&body) {
            Ok(crate::extract::ReadJson {
                value: serde_json::Value::Object(mut o),
                duplicates,
            }) => {
                if let Some(key) = duplicates.iter().find(|k| KNOWN.contains(&k.as_str())) {
                    return Err(crate::extract::duplicate_key_error(key));
                }
                o.retain(|k, _| KNOWN.contains(&k.as_str()));
                crate::extract::parse_json(serde_json::Value::Object(o).to_string().as_bytes())?
            }
            _ => crate::extract::parse_json(&body)?,
        },
        _ => return Err(ApiError::unsupported_media_type()),
    };
    if b.grant_type != "client_credentials" {
        return Err(ApiError::bad_request(
            Code::UnsupportedGrantType,
            Msg::new(
                "仅支持 client_credentials 授权方式",
                "Only the client_credentials grant is supported here",
            ),
        ));
    }
    let (id, secret) = match (basic_credentials(&req), b.client_id, b.client_secret) {
        (Some(Ok(pair)), None, None) => pair,
        (Some(Err(())), _, _) => return Err(invalid_client()),
        (None, Some(id), Some(secret)) => (id, secret),
        (Some(_), _, _) => {
            return Err(invalid_request(
                "Authenticate either with HTTP Basic or in the body, not both",
                "客户端身份只能用 HTTP Basic 或请求体中的一种方式提供",
            ));
        }
        (None, _, _) => return Err(invalid_client()),
    };
    let Ok(client_id) = uuid::Uuid::parse_str(&id) else {
        return Err(invalid_client());
    };
    let secret_hash = token::digest(&secret);
    let Some(client) = state
        .store
        .client_by_secret(client_id, &secret_hash)
        .await?
    else {
        tracing::info!(client_id = %client_id, "client authentication failed");
        return Err(invalid_client());
    };
    let granted = match b.scope.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => client.scopes.clone(),
        Some(wanted) => match ScopeSet::parse(wanted) {
            Ok(w) if w.intersect(&client.scopes) == w => w,
            _ => {
                return Err(ApiError::bad_request(
                    Code::InvalidScope,
                    Msg::new(
                        "请求的授权范围未知或超出该客户端的授权",
                        "A scope asked for is unknown or not granted to this client",
                    ),
                ));
            }
        },
    };
    let scope = granted.to_storage();
    let (access, ttl) = state
        .jwt
        .issue_client(
            client.id,
            &scope,
            &renda_persistence::integration::secret_fingerprint(&secret_hash),
        )
        .map_err(|_| ApiError::internal())?;
    tracing::info!(client_id = %client.id, scope = %scope, "client token issued");
    Ok(HttpResponse::Ok().json(ClientTokenResponse {
        access_token: access,
        token_type: "Bearer".into(),
        expires_in: ttl,
        scope,
    }))
}
