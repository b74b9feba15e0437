//! User accounts. The system administrator opens and keeps accounts; the
//! security administrator alone changes roles, grants the administrative
//! roles and lifts locks (三员分立).

use crate::routes::Routes;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, get, patch, post};
use chrono::{DateTime, Utc};
use renda_auth::{Action, password};
use renda_domain::Code;
use renda_domain::id::{DeputyId, UnitId};
use renda_domain::text::Line;
use renda_domain::user::{
    LinkProblem, NewUser, PasswordPolicyError, User, UserPatch, UserStatus, Username,
    check_role_links,
};
use renda_domain::{Role, RoleSet};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::error::{ApiError, ApiResult, FieldError, Msg, Problem};
use crate::extract::{Caller, IfMatch, JsonBody, QueryParams, no_null, take};
use crate::pagination::{ListParams, ListResponse};
use crate::patch::double;
use crate::{AppState, respond};

pub fn configure(cfg: &mut Routes) {
    cfg.service(create_user)
        .service(list_users)
        .service(get_user)
        .service(update_user);
}

/// 用户账号。密码从不显示。
///
/// A user account. The password is never shown.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e5f",
    "username": "liuqing",
    "display_name": "刘青",
    "roles": ["staff"],
    "status": "active",
    "deputy_id": null,
    "unit_id": null,
    "observer_id": null,
    "locked_until": null,
    "must_change_password": true,
    "password_changed_at": "2026-11-27T08:00:00Z",
    "created_at": "2026-11-27T08:00:00Z",
    "updated_at": "2026-11-27T08:00:00Z"
}))]
pub struct UserResponse {
    /// 账号的 id。
    ///
    /// The account's id.
    pub id: Uuid,
    /// 用户名，小写。
    ///
    /// The username, in lower case.
    pub username: String,
    /// 显示名称，通常为姓名。
    ///
    /// The name shown, usually the person's name.
    pub display_name: String,
    /// 账号持有的角色。
    ///
    /// The roles the account holds.
    pub roles: Vec<Role>,
    /// `active` 可以登录；`disabled` 已停用，不能登录。
    ///
    /// `active`, or `disabled`: it may not sign in.
    pub status: UserStatus,
    /// 账号所代表的代表记录（`deputy` 角色）；没有时为空。
    ///
    /// The deputy record the account acts for (the `deputy` role); null when none.
    pub deputy_id: Option<DeputyId>,
    /// 账号所代表的承办单位（`unit` 角色）；没有时为空。
    ///
    /// The handling unit the account acts for (the `unit` role); null when none.
    pub unit_id: Option<UnitId>,
    /// 账号所代表的观察员记录（`observer` 角色）；没有时为空。
    ///
    /// The observer record the account acts for (the `observer` role); null when none.
    pub observer_id: Option<Uuid>,
    /// 因连续登录失败而锁定时，锁定到此时间；未锁定时为空。
    ///
    /// Set while the account is locked after failed sign-ins.
    pub locked_until: Option<DateTime<Utc>>,
    /// 持有人下次登录时须修改密码。
    ///
    /// The holder must change the password at the next sign-in.
    pub must_change_password: bool,
    /// 密码最近一次设置的时间。
    ///
    /// When the password was last set.
    pub password_changed_at: DateTime<Utc>,
    /// 开户时间。
    ///
    /// When the account was opened.
    pub created_at: DateTime<Utc>,
    /// 最后修改时间。
    ///
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<User> for UserResponse {
    fn from(u: User) -> Self {
        let now = Utc::now();
        Self {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            roles: u.roles.to_vec(),
            status: u.status,
            deputy_id: u.deputy_id,
            unit_id: u.unit_id,
            observer_id: u.observer_id,
            locked_until: u.locked_until.filter(|t| *t > now),
            must_change_password: u.must_change_password,
            password_changed_at: u.password_changed_at,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

/// 新账号。
///
/// A new account.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "username": "liuqing",
    "password": "Renda-2026!",
    "display_name": "刘青",
    "roles": ["staff"]
}))]
pub struct CreateUserRequest {
    /// 3 至 64 个字符，限 `a-z 0-9 . _ -`，不区分大小写。
    ///
    /// 3–64 of `a-z 0-9 . _ -`, case-insensitive.
    #[validate(length(min = 3, max = 64))]
    #[schema(min_length = 3, max_length = 64)]
    pub username: String,
    /// 至少 8 个字符（不计首尾空格），含大写、小写、数字、符号中的三类，
    /// 空格不算符号（`password_policy`）；
    /// 不得包含用户名或其一部分（`password_contains_username`）；不得为常见密码，
    /// 或在其首尾加数字、符号而成（`password_common`）；去掉首尾的数字、符号和空格后至少剩 4
    /// 个字符（`password_predictable`）。
    ///
    /// At least 8 characters, not counting spaces at the start and end,
    /// and three of: upper, lower, digit, symbol (a space is no symbol)
    /// (`password_policy`); not containing the username nor part of it
    /// (`password_contains_username`); not a common password, nor one
    /// with digits or symbols added at its start or end
    /// (`password_common`); at least 4 characters left without the
    /// digits, symbols and spaces at its start and end
    /// (`password_predictable`).
    #[validate(length(min = 8, max = 128))]
    #[schema(min_length = 8, max_length = 128)]
    #[schema(write_only)]
    pub password: String,
    /// 显示名称，通常为姓名，至多 100 个字符。
    ///
    /// The name shown, usually the person's name; up to 100 characters.
    pub display_name: Line<100>,
    /// 开户所授的业务角色，可为空。管理类角色（`admin`、`security_admin`、`audit_admin`）
    /// 由安全管理员另行授予。
    ///
    /// The business roles the account is opened for; may be empty. The
    /// administrative roles (`admin`, `security_admin`, `audit_admin`)
    /// are granted afterwards by the security administrator.
    #[validate(length(max = 8))]
    #[schema(max_items = 8)]
    pub roles: Vec<Role>,
    /// 账号状态，默认 `active`。
    ///
    /// Default `active`.
    pub status: Option<UserStatus>,
    /// 持有人首次登录时是否须自设密码；默认 `true`。
    ///
    /// Whether the holder must choose their own password at first
    /// sign-in; default `true`.
    pub must_change_password: Option<bool>,
    /// 关联的代表记录；持有 `deputy` 角色时必填。
    ///
    /// Required with the `deputy` role.
    pub deputy_id: Option<DeputyId>,
    /// 关联的承办单位；持有 `unit` 角色时必填。
    ///
    /// Required with the `unit` role.
    pub unit_id: Option<UnitId>,
    /// 关联的观察员记录；持有 `observer` 角色时必填。
    ///
    /// Required with the `observer` role.
    pub observer_id: Option<Uuid>,
}

/// 对账号的修改；未出现的字段保持不变，`null` 清除。
///
/// A change to an account; absent fields stay as they are, `null` clears.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "disabled"}))]
pub struct UpdateUserRequest {
    /// 新的显示名称，不能为空白：只含空白或不可见字符的值在读取请求体时即被拒绝，见 pattern。
    ///
    /// Not blank: white space and invisible characters alone are refused
    /// as the body is read, as the pattern says.
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = Line<100>, required = false)]
    pub display_name: Option<Option<Line<100>>>,
    /// 管理员设置的新密码。账号的会话随之结束；除非 `must_change_password` 为 `false`，
    /// 持有人下次登录时须修改。密码规则同新账号的 `password`，以该账号的用户名检查。
    ///
    /// A new password set by the administrator; the account's sessions
    /// end, and the holder must change it at the next sign-in unless
    /// `must_change_password` is `false`. The policy is that of a new
    /// account's `password`, with the account's username.
    #[serde(default, deserialize_with = "double")]
    #[validate(length(min = 8, max = 128))]
    #[schema(min_length = 8, max_length = 128)]
    #[schema(value_type = String, required = false, write_only)]
    pub password: Option<Option<String>>,
    /// 与 `password` 一起使用：持有人是否须修改密码（默认 `true`）。
    ///
    /// With `password`: whether the holder must change it (default `true`).
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = bool, required = false)]
    pub must_change_password: Option<Option<bool>>,
    /// 仅限安全管理员，且不能改本人账号。任何账号不能同时持有 `admin`、`security_admin`、
    /// `audit_admin` 中的两个，后两者不能再持有其他角色。
    ///
    /// The security administrator only, and never on their own account.
    /// No account holds two of `admin`, `security_admin` and
    /// `audit_admin`, and the last two hold no other role.
    #[serde(default, deserialize_with = "double")]
    #[validate(length(max = 8))]
    #[schema(max_items = 8)]
    #[schema(value_type = Vec<Role>, required = false)]
    pub roles: Option<Option<Vec<Role>>>,
    /// `true` 解除因连续登录失败而加的锁定，仅限安全管理员。
    ///
    /// `true` lifts a lock after failed sign-ins: the security
    /// administrator only.
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = bool, required = false)]
    pub unlock: Option<Option<bool>>,
    /// `disabled` 立即结束账号的所有会话。
    ///
    /// `disabled` ends the account's sessions at once.
    #[serde(default, deserialize_with = "double")]
    #[schema(value_type = UserStatus, required = false)]
    pub status: Option<Option<UserStatus>>,
    /// 关联的代表记录（持有 `deputy` 角色时须有）；`null` 清除。
    ///
    /// The deputy record the account acts for (needed with the `deputy` role); `null` clears
    /// it.
    #[serde(default, deserialize_with = "double")]
    pub deputy_id: Option<Option<DeputyId>>,
    /// 关联的承办单位（持有 `unit` 角色时须有）；`null` 清除。
    ///
    /// The handling unit the account acts for (needed with the `unit` role); `null` clears it.
    #[serde(default, deserialize_with = "double")]
    pub unit_id: Option<Option<UnitId>>,
    /// 关联的观察员记录（持有 `observer` 角色时须有）；`null` 清除。
    ///
    /// The observer record the account acts for (needed with the `observer` role); `null`
    /// clears it.
    #[serde(default, deserialize_with = "double")]
    pub observer_id: Option<Option<Uuid>>,
}

/// Filters of the account listing.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserFilterParams {
    /// Accounts holding this role.
    pub role: Option<Role>,
    pub status: Option<UserStatus>,
    /// Words in the username or display name.
    #[validate(length(max = 100))]
    #[param(max_length = 100)]
    pub q: Option<String>,
}

fn administrative_roles_reserved() -> ApiError {
    ApiError::new(
        actix_web::http::StatusCode::FORBIDDEN,
        Code::AdministrativeRolesReserved,
        Msg::new(
            "只有安全管理员可以授予管理员、安全管理员、审计管理员角色",
            "Only the security administrator grants the admin, security_admin and audit_admin roles",
        ),
    )
}

fn separation_error() -> FieldError {
    FieldError::new(
        "roles",
        "separation_of_duties",
        Msg::new(
            "三员分立：一个账号不能同时担任系统管理员、安全管理员、审计管理员中的两个，安全管理员和审计管理员也不能兼任其他角色",
            "Separation of duties: no account holds two of admin, security_admin and audit_admin, and the last two hold no other role",
        ),
    )
}

pub(crate) fn password_field_error(field: &str, e: PasswordPolicyError) -> FieldError {
    let msg = match e {
        PasswordPolicyError::TooShort => Msg::new(
            "密码至少 8 个字符（首尾空格不计）",
            "a password has at least 8 characters, not counting spaces at its start and end",
        ),
        PasswordPolicyError::TooLong => Msg::new(
            "密码至多 128 个字符",
            "a password has at most 128 characters",
        ),
        PasswordPolicyError::TooSimple => Msg::new(
            "密码须包含大写字母、小写字母、数字、符号中的至少三类（空格不算符号）",
            "a password uses at least three of: upper-case, lower-case, digits, symbols (spaces are no symbols)",
        ),
        PasswordPolicyError::ContainsUsername => Msg::new(
            "密码不能包含用户名，也不能是用户名的一部分",
            "a password must not contain the username, nor be part of it",
        ),
        PasswordPolicyError::Common => Msg::new(
            "该密码是常见密码，或只是在常见密码前后加了数字或符号，请另选",
            "this is a common password, or a common one with digits or symbols added at its start or end; choose another",
        ),
        PasswordPolicyError::Predictable => Msg::new(
            "密码去掉首尾的数字、符号和空格后至少还须有 4 个字符",
            "without the digits, symbols and spaces at its start and end, a password keeps at least 4 characters",
        ),
    };
    FieldError::new(field, e.code(), msg)
}

fn link_errors(problems: Vec<LinkProblem>) -> Vec<FieldError> {
    problems
        .into_iter()
        .map(|p| match p {
            LinkProblem::DeputyRoleNeedsDeputy => FieldError::new(
                "deputy_id",
                "required",
                Msg::new(
                    "代表角色须关联代表记录",
                    "the deputy role needs a linked deputy",
                ),
            ),
            LinkProblem::UnitRoleNeedsUnit => FieldError::new(
                "unit_id",
                "required",
                Msg::new(
                    "承办单位角色须关联承办单位",
                    "the unit role needs a linked unit",
                ),
            ),
            LinkProblem::ObserverRoleNeedsObserver => FieldError::new(
                "observer_id",
                "required",
                Msg::new(
                    "观察员角色须关联观察员记录",
                    "the observer role needs a linked observer",
                ),
            ),
        })
        .collect()
}

async fn check_links(
    state: &AppState,
    deputy_id: Option<DeputyId>,
    unit_id: Option<UnitId>,
    observer_id: Option<Uuid>,
) -> ApiResult<Vec<FieldError>> {
    let mut errors = Vec::new();
    if let Some(d) = deputy_id
        && !state.store.deputy_exists(d.uuid()).await?
    {
        errors.push(FieldError::new(
            "deputy_id",
            "not_found",
            Msg::new("代表不存在", "no such deputy"),
        ));
    }
    if let Some(u) = unit_id
        && !state.store.unit_exists(u.uuid()).await?
    {
        errors.push(FieldError::new(
            "unit_id",
            "not_found",
            Msg::new("承办单位不存在", "no such unit"),
        ));
    }
    if let Some(o) = observer_id
        && !state.store.observer_exists(o).await?
    {
        errors.push(FieldError::new(
            "observer_id",
            "not_found",
            Msg::new("观察员不存在", "no such observer"),
        ));
    }
    Ok(errors)
}

async fn hash(state: &AppState, pw: String) -> ApiResult<String> {
    state
        .hashing
        .run(move || password::hash_password(&pw))
        .await?
        .map_err(|_| ApiError::internal())
}

/// 开设账号 · Create an account
///
/// 系统管理员开设账号。此处不能授予管理员角色（`administrative_roles_reserved`，403），管理员角色由
/// 安全管理员授予。用户名已被占用、该代表已有账号，或拟关联的承办单位或代表在此期间被删除
/// （`unit_gone`、`deputy_gone`）时返回 409。
///
/// Opens an account (the system administrator). Administrative roles cannot be given here
/// (`administrative_roles_reserved`, 403): the security administrator grants them. A username
/// taken, a deputy who already has an account, or a unit or deputy to link deleted meanwhile
/// (`unit_gone`, `deputy_gone`) is refused with 409.
#[utoipa::path(
    tag = "users",
    request_body = CreateUserRequest,
    responses(
        (status = 201, description = "Created", body = UserResponse,
            headers(("Location" = String, description = "The new account"), ("ETag" = String))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the system administrator, or an administrative role asked for (`administrative_roles_reserved`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Username taken, the deputy already has an account, or the unit or deputy to link was deleted meanwhile (`unit_gone`, `deputy_gone`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/users")]
pub async fn create_user(
    state: Data<AppState>,
    caller: Caller,
    body: JsonBody<CreateUserRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ManageUsers)?;
    let b = body.parse()?;
    let mut errors = Vec::new();
    let username = match Username::parse(&b.username) {
        Ok(u) => Some(u),
        Err(e) => {
            errors.push(FieldError::new(
                "username",
                "invalid",
                Msg::new(
                    "用户名只能由小写字母、数字和 . _ - 组成，且以字母或数字开头",
                    e.to_string(),
                ),
            ));
            None
        }
    };
    if let Err(e) = renda_domain::user::check_password_policy(&b.password, Some(&b.username)) {
        errors.push(password_field_error("password", e));
    }
    let roles = RoleSet::new(b.roles.iter().copied());
    if !roles.administrative().is_empty() {
        return Err(administrative_roles_reserved());
    }
    errors.extend(link_errors(check_role_links(
        &roles,
        b.deputy_id,
        b.unit_id,
        b.observer_id,
    )));
    errors.extend(check_links(&state, b.deputy_id, b.unit_id, b.observer_id).await?);
    let Some(username) = username.filter(|_| errors.is_empty()) else {
        return Err(ApiError::validation(errors));
    };
    let new = NewUser {
        username,
        password_hash: hash(&state, b.password).await?,
        must_change_password: b.must_change_password.unwrap_or(true),
        display_name: b.display_name.into(),
        roles,
        status: b.status.unwrap_or(UserStatus::Active),
        deputy_id: b.deputy_id,
        unit_id: b.unit_id,
        observer_id: b.observer_id,
    };
    let user = state.store.create_user(&caller.audit(), new).await?;
    let version = user.version;
    let location = format!("/api/v1/users/{}", user.id);
    Ok(respond::created(
        location,
        version,
        &UserResponse::from(user),
    ))
}

/// 查询账号列表 · List accounts
///
/// 分页列出账号，可按条件筛选。仅限系统管理员和安全管理员。
///
/// Lists accounts, a page at a time, with filters. The system and the security administrator
/// only.
#[utoipa::path(
    tag = "users",
    params(ListParams, UserFilterParams),
    responses(
        (status = 200, description = "A page of accounts", body = ListResponse<UserResponse>),
        (status = 403, description = "Neither the system nor the security administrator", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/users")]
pub async fn list_users(
    state: Data<AppState>,
    caller: Caller,
    page: QueryParams<ListParams>,
    filter: QueryParams<UserFilterParams>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadUsers)?;
    let f = renda_persistence::users::UserFilter {
        role: filter.0.role,
        status: filter.0.status,
        q: filter
            .0
            .q
            .clone()
            .filter(|q| !renda_domain::text::is_blank(q)),
    };
    let page = state.store.list_users(&f, &page.0.options()?).await?;
    Ok(crate::respond::page(ListResponse::from_page(
        page,
        UserResponse::from,
    )))
}

/// 查看账号 · Get an account
///
/// 读取一个账号。仅限系统管理员和安全管理员。
///
/// Reads an account. The system and the security administrator only.
#[utoipa::path(
    tag = "users",
    params(("id" = Uuid, Path, description = "Account id")),
    responses(
        (status = 200, description = "The account", body = UserResponse, headers(("ETag" = String))),
        (status = 304, description = "Not modified since the ETag in If-None-Match"),
        (status = 403, description = "Neither the system nor the security administrator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/users/{id}")]
pub async fn get_user(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    caller.require(Action::ReadUsers)?;
    let user = state.store.get_user(id.into_inner()).await?;
    let version = user.version;
    Ok(respond::resource(&req, version, &UserResponse::from(user)))
}

/// 修改账号 · Update an account
///
/// 修改账号。系统管理员修改显示名称、状态、关联关系并重置密码；安全管理员修改角色、解除锁定
/// （`unlock`），并维护安全管理员和审计管理员账号的完整（授予这两种角色之一时，须在同一请求中给出新
/// 的 `password`）。每个字段只能由其所属的管理员修改：修改另一方的字段返回 403，修改自己的角色亦然
/// （`own_roles`）。任何账号不得同时持有两种管理员角色；每种管理员角色最后一名在用的持有者不能被停
/// 用，也不能失去该角色。
///
/// Changes an account. The system administrator changes the display name, status, links and
/// resets the password; the security administrator changes roles and lifts locks (`unlock`),
/// and keeps the accounts of the security and audit administrators whole (granting one of their
/// roles needs a new `password` in the same request). Each field needs its administrator: a
/// field of the other's is refused with 403, as is a change of one's own roles (`own_roles`).
/// No account may hold two administrative roles, and the last active holder of each cannot be
/// disabled or lose it.
#[utoipa::path(
    tag = "users",
    params(
        ("id" = Uuid, Path, description = "Account id"),
        ("If-Match" = Option<String>, Header, description = "Apply only if the account is still at this ETag"),
    ),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, description = "Changed", body = UserResponse, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A field the caller's administrative role does not keep", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Would leave an administrative role without an active holder, the deputy has an account, the unit or deputy to link was deleted meanwhile (`unit_gone`, `deputy_gone`), or the account's roles changed while the request was decided (`roles_changed`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The account changed since the ETag in If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/users/{id}")]
pub async fn update_user(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<UpdateUserRequest>,
) -> ApiResult<HttpResponse> {
    if !caller.may(Action::ManageUsers) {
        caller.require(Action::ManageRoles)?;
    }
    let id = id.into_inner();
    let b = body.parse()?;
    let current = state.store.get_user(id).await?;
    // Each field is its administrator's. The accounts of the security and
    // audit administrators, who check the system administrator, are kept
    // by the security administrator alone.
    let account_fields = b.display_name.is_some()
        || b.password.is_some()
        || b.must_change_password.is_some()
        || b.status.is_some()
        || b.deputy_id.is_some()
        || b.unit_id.is_some()
        || b.observer_id.is_some();
    let asked_roles: Option<Vec<Role>> = b.roles.clone().flatten();
    let new_roles = asked_roles.as_deref();
    let keeper = renda_auth::permission::account_keeper(&current.roles, new_roles);
    if account_fields {
        caller.require(keeper)?;
    }
    if b.roles.is_some() || b.unlock.is_some() {
        caller.require(Action::ManageRoles)?;
    }
    // Nobody grants themselves roles.
    if b.roles.is_some() && caller.actor()?.user_id == id.into() {
        return Err(ApiError::new(
            actix_web::http::StatusCode::FORBIDDEN,
            Code::OwnRoles,
            Msg::new(
                "不能修改自己账号的角色",
                "Nobody changes the roles of their own account",
            ),
        ));
    }
    let mut errors = Vec::new();
    let display_name = take(&mut errors, no_null("display_name", b.display_name));
    let password = take(&mut errors, no_null("password", b.password));
    let must_change = take(
        &mut errors,
        no_null("must_change_password", b.must_change_password),
    );
    let roles = take(&mut errors, no_null("roles", b.roles));
    let unlock = take(&mut errors, no_null("unlock", b.unlock)).unwrap_or(false);
    let status = take(&mut errors, no_null("status", b.status));
    if roles
        .as_ref()
        .is_some_and(|r| RoleSet::new(r.iter().copied()).breaks_separation())
    {
        errors.push(separation_error());
    }
    // Whoever sets an administrator's password knows it and could sign in
    // as them: such a password waits for a second administrator's
    // confirmation (POST /users/{id}/password-resets).
    if password.is_some()
        && renda_auth::permission::password_needs_confirmation(&current.roles, roles.as_deref())
    {
        return Err(ApiError::conflict(
            Code::ConfirmationRequired,
            Msg::new(
                "管理员账号的密码须经另一名管理员确认：请使用 POST /users/{id}/password-resets",
                "An administrator's password needs a second administrator's confirmation: use POST /users/{id}/password-resets",
            ),
        ));
    }
    if let Some(p) = &password
        && let Err(e) = renda_domain::user::check_password_policy(p, Some(&current.username))
    {
        errors.push(password_field_error("password", e));
    }
    let roles = roles.map(RoleSet::new);
    let eff_roles = roles.clone().unwrap_or_else(|| current.roles.clone());
    let eff_deputy = b.deputy_id.unwrap_or(current.deputy_id);
    let eff_unit = b.unit_id.unwrap_or(current.unit_id);
    let eff_observer = b.observer_id.unwrap_or(current.observer_id);
    errors.extend(link_errors(check_role_links(
        &eff_roles,
        eff_deputy,
        eff_unit,
        eff_observer,
    )));
    errors.extend(
        check_links(
            &state,
            b.deputy_id.flatten(),
            b.unit_id.flatten(),
            b.observer_id.flatten(),
        )
        .await?,
    );
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    // Whoever opened the account knows its password: granting a checking
    // role replaces it with one nobody knows, and the holder gets a new
    // one through a confirmed reset.
    let password = match password {
        None if renda_auth::permission::grants_checking_role(&current.roles, new_roles) => {
            Some(renda_auth::token::generate_token())
        }
        p => p,
    };
    let password_hash = match password {
        Some(p) => Some(hash(&state, p).await?),
        None => None,
    };
    let patch = UserPatch {
        display_name: display_name.map(String::from),
        roles,
        status,
        deputy_id: b.deputy_id,
        unit_id: b.unit_id,
        observer_id: b.observer_id,
        // An administrator's reset password is always theirs to replace.
        must_change_password: password_hash.as_ref().map(|_| {
            renda_auth::permission::must_change_set_password(&current.roles, new_roles, must_change)
        }),
        password_hash,
        unlock,
        decided_on: Some(current.roles.clone()),
    };
    let user = state
        .store
        .update_user(&caller.audit(), id, if_match.0, patch)
        .await?;
    let version = user.version;
    Ok(respond::changed(version, &UserResponse::from(user)))
}
