//! Every error renda answers with: RFC 9457 `application/problem+json`
//! with a stable `code`, Chinese text by default and English on request.

use std::borrow::Cow;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
pub use renda_domain::Code;
use renda_persistence::{Conflict, StoreError};
use serde::Serialize;
use utoipa::ToSchema;

/// The language of human-readable text in a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// Picks Chinese or English from an `Accept-Language` header: English
    /// only when it is preferred (by q-value, then order) over Chinese.
    pub fn from_accept_language(header: Option<&str>) -> Lang {
        let Some(h) = header else { return Lang::Zh };
        let mut best: Option<(f32, usize, Lang)> = None;
        for (i, part) in h.split(',').enumerate() {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = it
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|v| v.trim().parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let lang = if tag == "en" || tag.starts_with("en-") {
                Lang::En
            } else if tag == "zh" || tag.starts_with("zh-") || tag == "*" {
                Lang::Zh
            } else {
                continue;
            };
            if q <= 0.0 {
                continue;
            }
            let better = match best {
                None => true,
                Some((bq, _, _)) => q > bq,
            };
            if better {
                best = Some((q, i, lang));
            }
        }
        best.map(|b| b.2).unwrap_or(Lang::Zh)
    }
}

/// A text in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    pub zh: Cow<'static, str>,
    pub en: Cow<'static, str>,
}

impl Msg {
    pub fn new(zh: impl Into<Cow<'static, str>>, en: impl Into<Cow<'static, str>>) -> Self {
        Self {
            zh: zh.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// One problem with one field of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: Msg,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: impl Into<String>, message: Msg) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message,
        }
    }
}

/// An error answer.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: Code,
    pub detail: Msg,
    pub errors: Vec<FieldError>,
    pub headers: Vec<(HeaderName, String)>,
    /// Whether to show the OAuth 2.0 error code beside ours (the token
    /// endpoint).
    pub oauth: bool,
}

/// RFC 9457 问题详情：renda 的错误应答。
///
/// RFC 9457 problem details, as renda sends them.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:renda:problem:validation_failed",
    "title": "请求参数校验失败",
    "status": 422,
    "detail": "请求中有字段不符合要求",
    "code": "validation_failed",
    "errors": [{"field": "name", "code": "length", "message": "长度须在 1 到 100 个字符之间"}]
}))]
pub struct Problem {
    /// 标识问题类型的 URI：`urn:renda:problem:<code>`。
    ///
    /// A URI naming the kind of problem: `urn:renda:problem:<code>`.
    #[serde(rename = "type")]
    pub type_: String,
    /// HTTP 状态的简短标题，按 `Accept-Language` 用中文（默认）或英文。
    ///
    /// A short title for the HTTP status, in Chinese (the default) or English by
    /// `Accept-Language`.
    pub title: String,
    /// HTTP 状态码。
    ///
    /// The HTTP status code.
    pub status: u16,
    /// 本次出错的说明，语言同 `title`。
    ///
    /// What went wrong this time, in the language of `title`.
    pub detail: String,
    /// 稳定的机器可读错误代码，取自公布的列表。
    ///
    /// A stable machine-readable error code, one of the published list.
    pub code: Code,
    /// 各个字段的问题，仅在校验错误时出现。
    ///
    /// Problems with individual fields, for validation errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<ProblemField>>,
    /// 仅在令牌端点出现：OAuth 2.0 错误代码（RFC 6749 §5.2），供读取它的客户端库使用。
    ///
    /// On the token endpoint only: the OAuth 2.0 error code (RFC 6749
    /// §5.2), for client libraries that read it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// 问题详情中的一个字段问题。
///
/// One field problem inside a [`Problem`].
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    /// 字段的路径，如 `name` 或 `memberships[0].level`。
    ///
    /// The field's path, e.g. `name` or `memberships[0].level`.
    pub field: String,
    /// 该字段问题的代码，如 `length`、`required`。
    ///
    /// The problem's code, such as `length` or `required`.
    pub code: String,
    /// 问题说明，语言同 `title`。
    ///
    /// What is wrong, in the language of `title`.
    pub message: String,
}

fn title_for(status: StatusCode) -> Msg {
    match status.as_u16() {
        400 => Msg::new("请求格式错误", "Malformed request"),
        401 => Msg::new("未认证", "Not authenticated"),
        403 => Msg::new("无权执行此操作", "Forbidden"),
        404 => Msg::new("资源不存在", "Not found"),
        405 => Msg::new("不支持该请求方法", "Method not allowed"),
        406 => Msg::new("无法提供所要求的格式", "Not acceptable"),
        409 => Msg::new("与当前状态冲突", "Conflict"),
        412 => Msg::new("前提条件不满足", "Precondition failed"),
        413 => Msg::new("请求体过大", "Payload too large"),
        415 => Msg::new("不支持的内容类型", "Unsupported media type"),
        422 => Msg::new("请求参数校验失败", "Validation failed"),
        429 => Msg::new("请求过于频繁", "Too many requests"),
        503 => Msg::new("服务暂不可用", "Service unavailable"),
        _ => Msg::new("服务器内部错误", "Internal server error"),
    }
}

impl ApiError {
    pub fn new(status: StatusCode, code: Code, detail: Msg) -> Self {
        Self {
            status,
            code,
            detail,
            errors: Vec::new(),
            headers: Vec::new(),
            oauth: false,
        }
    }

    /// The same error, also naming its OAuth 2.0 error code (RFC 6749
    /// §5.2).
    pub fn for_oauth(mut self) -> Self {
        self.oauth = true;
        self
    }

    /// The OAuth 2.0 error code: ours where they agree, `invalid_request`
    /// for other refusals of the request.
    fn oauth_error(&self) -> Option<&'static str> {
        if !self.oauth {
            return None;
        }
        match self.code {
            Code::InvalidClient => Some("invalid_client"),
            Code::UnsupportedGrantType => Some("unsupported_grant_type"),
            Code::InvalidScope => Some("invalid_scope"),
            // Too many requests is no fault of the request itself.
            Code::RateLimited => None,
            _ if self.status.is_client_error() => Some("invalid_request"),
            _ => None,
        }
    }

    pub fn with_header(mut self, name: HeaderName, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn bad_request(code: Code, detail: Msg) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, detail)
    }

    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            Code::Unauthenticated,
            Msg::new(
                "需要登录，或访问令牌无效、已过期",
                "Sign-in required, or the access token is invalid or expired",
            ),
        )
        .with_header(header::WWW_AUTHENTICATE, "Bearer")
    }

    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            Code::Forbidden,
            Msg::new(
                "当前账号的角色不允许执行此操作",
                "Your roles do not allow this operation",
            ),
        )
    }

    /// The account must change its password (a first sign-in, a reset, an
    /// expired password) before anything else.
    pub fn password_change_required() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            Code::PasswordChangeRequired,
            Msg::new(
                "请先修改密码（首次登录、密码被重置或已过期）：POST /api/v1/me/password",
                "Change your password first (first sign-in, reset or expired password): POST /api/v1/me/password",
            ),
        )
    }

    /// A service client's token lacks the scope the operation needs.
    pub fn insufficient_scope() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            Code::InsufficientScope,
            Msg::new(
                "客户端令牌的授权范围（scope）不包含此操作",
                "The client's token does not carry a scope that allows this operation",
            ),
        )
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            Code::NotFound,
            Msg::new(
                "所请求的资源不存在或不可见",
                "The requested resource does not exist or is not visible to you",
            ),
        )
    }

    pub fn conflict(code: Code, detail: Msg) -> Self {
        Self::new(StatusCode::CONFLICT, code, detail)
    }

    pub fn precondition_failed() -> Self {
        Self::new(
            StatusCode::PRECONDITION_FAILED,
            Code::PreconditionFailed,
            Msg::new(
                "资源已被修改（If-Match 不匹配），请重新获取后再试",
                "The resource has changed (If-Match does not match); fetch it again",
            ),
        )
    }

    pub fn validation(errors: Vec<FieldError>) -> Self {
        let mut e = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            Code::ValidationFailed,
            Msg::new(
                "请求中有字段不符合要求",
                "Some fields of the request are not valid",
            ),
        );
        e.errors = errors;
        e
    }

    pub fn field(field: &str, code: &str, message: Msg) -> Self {
        Self::validation(vec![FieldError::new(field, code, message)])
    }

    pub fn unsupported_media_type() -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Code::UnsupportedMediaType,
            Msg::new(
                "请求体须为 application/json",
                "The request body must be application/json",
            ),
        )
    }

    pub fn payload_too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            Code::PayloadTooLarge,
            Msg::new(
                "JSON 请求体不得超过 1 MiB",
                "A JSON request body may not exceed 1 MiB",
            ),
        )
    }

    /// 413 for an uploaded file (an import) over its limit.
    pub fn file_too_large(limit_mib: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            Code::PayloadTooLarge,
            Msg::new(
                format!("上传的文件不得超过 {limit_mib} MiB"),
                format!("An uploaded file may not exceed {limit_mib} MiB"),
            ),
        )
    }

    pub fn method_not_allowed(allow: &str) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            Code::MethodNotAllowed,
            Msg::new(
                "该路径不支持此请求方法",
                "This path does not support the request method",
            ),
        )
        .with_header(header::ALLOW, allow)
    }

    pub fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            Code::ServiceUnavailable,
            Msg::new(
                "数据库暂时无法访问，请稍后重试",
                "The database cannot be reached right now; try again shortly",
            ),
        )
        .with_header(header::RETRY_AFTER, "5")
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            Code::InternalError,
            Msg::new(
                "服务器内部错误，已记录",
                "Internal server error; it has been logged",
            ),
        )
    }

    /// The problem document in a language.
    pub fn problem(&self, lang: Lang) -> Problem {
        Problem {
            type_: format!("urn:renda:problem:{}", self.code),
            title: title_for(self.status).get(lang).to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.get(lang).to_owned(),
            code: self.code,
            errors: (!self.errors.is_empty()).then(|| {
                self.errors
                    .iter()
                    .map(|f| ProblemField {
                        field: f.field.clone(),
                        code: f.code.clone(),
                        message: f.message.get(lang).to_owned(),
                    })
                    .collect()
            }),
            error: self.oauth_error().map(str::to_owned),
        }
    }

    /// The full response in a language.
    pub fn to_response(&self, lang: Lang) -> HttpResponse {
        let mut res = HttpResponse::build(self.status);
        res.insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        ));
        if lang == Lang::En {
            res.insert_header((header::CONTENT_LANGUAGE, "en"));
        } else {
            res.insert_header((header::CONTENT_LANGUAGE, "zh-CN"));
        }
        for (name, value) in &self.headers {
            if let Ok(v) = HeaderValue::from_str(value) {
                res.insert_header((name.clone(), v));
            }
        }
        let body = serde_json::to_string(&self.problem(lang)).unwrap_or_else(|_| "{}".into());
        res.body(body)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.code)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    /// Chinese by default; the problem middleware re-renders it in the
    /// language the request prefers.
    fn error_response(&self) -> HttpResponse {
        self.to_response(Lang::Zh)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::not_found(),
            StoreError::Stale => ApiError::precondition_failed(),
            StoreError::VersionMismatch => crate::routes::common::concurrent_change(),
            StoreError::Conflict(code) => conflict_for(code),
            StoreError::OutOfRange(err) => {
                tracing::info!(error = %err, "value refused by the database");
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Code::OutOfRange,
                    Msg::new(
                        "有取值超出可保存的范围（过长或超出日期、数值范围）",
                        "A value is out of the range that can be kept (too long, or a date or number out of range)",
                    ),
                )
            }
            StoreError::Unavailable(err) => {
                tracing::warn!(error = %err, "database unavailable");
                ApiError::unavailable()
            }
            StoreError::Db(err) => {
                tracing::error!(error = %err, "database error");
                ApiError::internal()
            }
            StoreError::Crypto(err) => {
                tracing::error!(error = %err, "stored personal data cannot be decrypted");
                ApiError::internal()
            }
        }
    }
}

/// The answer to each rule of the data that refused a change: one
/// exhaustive table, so that a new rule cannot go out without its code
/// and texts.
fn conflict_for(conflict: Conflict) -> ApiError {
    let (code, detail) = match conflict {
        Conflict::UsernameTaken => (
            Code::UsernameTaken,
            Msg::new("该用户名已被使用", "That username is taken"),
        ),
        Conflict::UnitNameTaken => (
            Code::UnitNameTaken,
            Msg::new("已有同名的承办单位", "A unit with that name exists"),
        ),
        Conflict::TieToAssignedItem => (
            Code::TieToAssignedItem,
            Msg::new(
                "该观察员仍参与监督这一单位的未结事项：请先由办公室撤回其参与，再申报利害关系",
                "The observer is still assigned to an open item supervising that body: the office withdraws the assignment first, then the tie is declared",
            ),
        ),
        Conflict::ConflictOfInterest => (
            Code::ConflictOfInterest,
            Msg::new(
                "该观察员已申报与被监督单位存在利害关系，不能参与此监督事项",
                "The observer declared a tie to a supervised body and cannot take part in this item",
            ),
        ),
        Conflict::DeputyAtStation => (
            Code::DeputyAtStation,
            Msg::new(
                "该代表仍在联络站（点）名单中，请先将其移出",
                "The deputy is listed at a liaison station: take them off it first",
            ),
        ),
        Conflict::ClientGone => (
            Code::ClientGone,
            Msg::new("该接入系统刚被删除", "The client was just deleted"),
        ),
        Conflict::RolesChanged => (
            Code::RolesChanged,
            Msg::new(
                "该账号的角色刚被修改，请重新读取后再提交",
                "The account's roles changed meanwhile; read it again and resend",
            ),
        ),
        Conflict::UnitGone => (
            Code::UnitGone,
            Msg::new(
                "要关联的承办单位刚被删除",
                "The unit to link was just deleted",
            ),
        ),
        Conflict::DeputyGone => (
            Code::DeputyGone,
            Msg::new(
                "要关联的代表刚被删除",
                "The deputy to link was just deleted",
            ),
        ),
        Conflict::StationCycle => (
            Code::StationCycle,
            Msg::new(
                "上级站点不能是自身或下级站点（可能刚被他人修改）",
                "A station cannot sit below itself (the tree may have just changed)",
            ),
        ),
        Conflict::StationParentGone => (
            Code::StationParentGone,
            Msg::new("上级站点已不存在", "The parent station no longer exists"),
        ),
        Conflict::SessionExists => (
            Code::SessionExists,
            Msg::new(
                "该级人大同一届次的这次会议已存在",
                "A session of that level, term and number exists",
            ),
        ),
        Conflict::SessionOpenAtLevel => (
            Code::SessionOpenAtLevel,
            Msg::new(
                "该级人大已有一次会议正在举行",
                "Another session of the congress of that level is open",
            ),
        ),
        Conflict::StationHasChildren => (
            Code::StationHasChildren,
            Msg::new("该站点下仍有下级站点", "Stations still sit below this one"),
        ),
        Conflict::DeputyAlreadyLinked => (
            Code::DeputyAlreadyLinked,
            Msg::new(
                "该代表已关联到另一个账号",
                "That deputy is already linked to another account",
            ),
        ),
        Conflict::UnitInUse => (
            Code::UnitInUse,
            Msg::new(
                "仍有账号或接入系统关联该单位，不能删除",
                "Accounts or clients are still linked to this unit; it cannot be deleted",
            ),
        ),
        Conflict::DeputyInUse => (
            Code::DeputyInUse,
            Msg::new(
                "仍有账号关联该代表，不能删除",
                "An account is still linked to this deputy; it cannot be deleted",
            ),
        ),
        Conflict::LastAdmin => (
            Code::LastAdmin,
            Msg::new(
                "这是最后一个有效的管理员账号，不能停用或取消其管理员角色",
                "This is the last active administrator; it cannot be disabled or lose the admin role",
            ),
        ),
        Conflict::LastSecurityAdmin => (
            Code::LastSecurityAdmin,
            Msg::new(
                "这是最后一个有效的安全管理员账号，不能停用或取消其安全管理员角色",
                "This is the last active security administrator; it cannot be disabled or lose the role",
            ),
        ),
        Conflict::LastAuditAdmin => (
            Code::LastAuditAdmin,
            Msg::new(
                "这是最后一个有效的审计管理员账号，不能停用或取消其审计管理员角色",
                "This is the last active audit administrator; it cannot be disabled or lose the role",
            ),
        ),
        Conflict::CategoryExists => (
            Code::CategoryExists,
            Msg::new("该类别已存在", "That category exists"),
        ),
        Conflict::ClientNameTaken => (
            Code::ClientNameTaken,
            Msg::new("已有同名的客户端", "A client with that name exists"),
        ),
        Conflict::AlreadyAdvanced => (
            Code::AlreadyAdvanced,
            Msg::new(
                "该单位本年度已评为先进承办单位",
                "That unit is already named advanced for the year",
            ),
        ),
        Conflict::AlreadyCheckedIn => (
            Code::AlreadyCheckedIn,
            Msg::new("该代表已签到", "The deputy has checked in already"),
        ),
        Conflict::AlreadyRated => (
            Code::AlreadyRated,
            Msg::new("已评议过该项目", "You have rated this project already"),
        ),
        Conflict::AlreadySignedUp => (
            Code::AlreadySignedUp,
            Msg::new("该代表已报名", "The deputy has signed up already"),
        ),
        Conflict::AlreadyVoted => (
            Code::AlreadyVoted,
            Msg::new("已投过票", "You have voted already"),
        ),
        Conflict::CandidatesUndecided => (
            Code::CandidatesUndecided,
            Msg::new(
                "仍有候选项目未作决定",
                "Candidates still wait for a decision",
            ),
        ),
        Conflict::NothingShortlisted => (
            Code::NothingShortlisted,
            Msg::new("没有入围的候选项目", "No candidate is shortlisted"),
        ),
        Conflict::TiePending => (
            Code::TiePending,
            Msg::new(
                "末位票数相同，须先由办公室决定",
                "A tie for the last places waits for the office's decision",
            ),
        ),
        Conflict::StageChanged => (
            Code::InvalidState,
            Msg::new(
                "该记录刚进入另一阶段，请重新读取",
                "The record moved to another stage meanwhile; read it again",
            ),
        ),
        Conflict::CommitmentClosed => (
            Code::CommitmentClosed,
            Msg::new("该承诺已兑现", "The commitment is already fulfilled"),
        ),
        Conflict::RequestDecided => (
            Code::RequestDecided,
            Msg::new("该申请已处理", "This request has been decided"),
        ),
        Conflict::ResetExpired => (
            Code::ResetExpired,
            Msg::new("该密码重置已过期", "The password reset is past its time"),
        ),
        Conflict::ResetNotPending => (
            Code::ResetNotPending,
            Msg::new(
                "该密码重置已确认或已撤回",
                "The password reset was already confirmed or withdrawn",
            ),
        ),
        Conflict::UniqueViolation => (
            Code::UniqueViolation,
            Msg::new("与已有数据重复", "Duplicates an existing record"),
        ),
        Conflict::ReferenceViolation => (
            Code::ReferenceViolation,
            Msg::new(
                "引用的数据不存在，或仍被其他数据引用",
                "Refers to a record that does not exist, or removes one still referred to",
            ),
        ),
        Conflict::BadTieBreak => {
            return ApiError::field(
                "tie_break",
                "invalid",
                Msg::new(
                    "须从票数相同的候选项目中选出所缺名额",
                    "pick exactly the missing places from the tied candidates",
                ),
            );
        }
        Conflict::CursorMismatch => {
            return ApiError::field(
                "cursor",
                "invalid",
                Msg::new(
                    "游标与本次查询条件不符",
                    "The cursor does not belong to this query",
                ),
            );
        }
    };
    ApiError::conflict(code, detail)
}

/// A result whose error is an [`ApiError`].
pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_negotiation() {
        assert_eq!(Lang::from_accept_language(None), Lang::Zh);
        assert_eq!(Lang::from_accept_language(Some("en")), Lang::En);
        assert_eq!(Lang::from_accept_language(Some("en-US,en;q=0.9")), Lang::En);
        assert_eq!(
            Lang::from_accept_language(Some("zh-CN,zh;q=0.9,en;q=0.8")),
            Lang::Zh
        );
        assert_eq!(
            Lang::from_accept_language(Some("zh;q=0.5, en;q=0.8")),
            Lang::En
        );
        assert_eq!(Lang::from_accept_language(Some("fr")), Lang::Zh);
        assert_eq!(Lang::from_accept_language(Some("en;q=0")), Lang::Zh);
    }

    #[test]
    fn problem_shape() {
        let e = ApiError::field("name", "length", Msg::new("太长", "too long"));
        let v = serde_json::to_value(e.problem(Lang::En)).unwrap_or_default();
        assert_eq!(v["type"], "urn:renda:problem:validation_failed");
        assert_eq!(v["status"], 422);
        assert_eq!(v["code"], "validation_failed");
        assert_eq!(v["errors"][0]["field"], "name");
        assert_eq!(v["errors"][0]["message"], "too long");
        let plain =
            serde_json::to_value(ApiError::not_found().problem(Lang::Zh)).unwrap_or_default();
        assert!(plain.get("errors").is_none());
    }
}
