//! The request bodies of the suggestion commands.

use super::*;
use renda_domain::id::{DeputyId, UnitId, UserId};
use renda_domain::text::{Line, Text};

/// 新建议：保存为调用者（代表）本人领衔的草稿。
///
/// A new suggestion, saved as a draft of the caller (a deputy).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "关于增设古城街道老年助餐点的建议",
    "content": "古城街道老年人口多，建议在社区增设助餐点……",
    "category": "社会保障",
    "term": "第十八届",
    "session": "第五次会议",
    "timing": "during_session",
    "co_signer_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e61"]
}))]
pub struct CreateSuggestionRequest {
    /// 建议标题。
    ///
    /// The title.
    pub title: Line<200>,
    /// 建议正文。
    ///
    /// The text of the suggestion.
    pub content: Text<20000>,
    /// 建议类别，须为 `GET /api/v1/suggestion-categories` 所列之一。
    ///
    /// One of `GET /api/v1/suggestion-categories`.
    pub category: Line<40>,
    /// 届次，如 `第十八届`；在大会期间提交的，改为该次会议的届次。
    ///
    /// The congress term (届次), e.g. `第十八届`; one submitted while a session sits
    /// takes that session's term.
    pub term: Line<40>,
    /// 会次，如 `第五次会议`；可不填。在大会期间提交的，改为该次会议。
    ///
    /// The session, e.g. `第五次会议`; optional. One submitted while a session sits
    /// takes that session's.
    pub session: Option<Line<60>>,
    /// 提出时间：`during_session`（大会期间）或 `between_sessions`（闭会期间）；
    /// 大会期间提交的改为 `during_session`。
    ///
    /// `during_session` or `between_sessions`; one submitted while a session
    /// sits becomes `during_session`.
    pub timing: SessionTiming,
    /// 邀请附议的代表 ID，最多 50 人；本人确认后才计为附议代表。
    ///
    /// Deputies who co-sign (附议).
    #[serde(default)]
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    pub co_signer_ids: Vec<DeputyId>,
    /// 建议来源，默认 `deputy`（代表自提）。
    ///
    /// Default `deputy`.
    pub source: Option<SuggestionSource>,
    /// 来源的参考，如所依据的群众意见或建议收集活动；可不填。
    ///
    /// A reference to the source, such as the constituent opinion or collection
    /// drive; optional.
    pub source_ref: Option<Line<100>>,
}

/// 修改草稿：未提供的字段保持不变，`co_signer_ids` 整体替换附议代表名单。
///
/// A change to a draft; absent fields stay, `co_signer_ids` replaces the list.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "关于增设古城街道老年助餐点的建议（修改稿）", "co_signer_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e61"]}))]
pub struct UpdateDraftRequest {
    /// 新标题。
    ///
    /// The new title.
    pub title: Option<Line<200>>,
    /// 新正文。
    ///
    /// The new text.
    pub content: Option<Text<20000>>,
    /// 新类别，须为正在使用的类别之一。
    ///
    /// The new category, one of those in use.
    pub category: Option<Line<40>>,
    /// 新届次，如 `第十八届`。
    ///
    /// The new congress term, e.g. `第十八届`.
    pub term: Option<Line<40>>,
    /// 新会次，如 `第五次会议`；`null` 清除。
    ///
    /// The new session, e.g. `第五次会议`; `null` clears it.
    #[serde(default, deserialize_with = "double")]
    pub session: Option<Option<Line<60>>>,
    /// 新的提出时间：`during_session` 或 `between_sessions`。
    ///
    /// The new timing: `during_session` or `between_sessions`.
    pub timing: Option<SessionTiming>,
    /// 新的附议代表名单，整体替换原名单，最多 50 人。
    ///
    /// The new list of co-signers, replacing the old one; at most 50.
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    pub co_signer_ids: Option<Vec<DeputyId>>,
}

/// 无需数据的操作，可附备注。
///
/// An operation without data.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"note": "经主任会议研究同意"}))]
pub struct EmptyRequest {
    /// 可选备注，记入办理时间线。
    ///
    /// An optional remark for the timeline.
    #[serde(default, deserialize_with = "crate::patch::blank_none")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub note: Option<Text<2000>>,
}

/// 不予立案的理由。
///
/// Reasons for declining.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "属于信访事项，转有关部门参考", "letter_unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80"}))]
pub struct RejectRequest {
    /// 不予立案的理由，必填。
    ///
    /// Why it is not registered; required.
    pub reason: Text<2000>,
    /// 同时作为来信转给该单位参考（转来信）；可不填。
    ///
    /// Pass the submission to this unit as a letter for its reference (转来信).
    pub letter_unit_id: Option<UnitId>,
}

/// 交办：主办单位、协办单位、颜色和办理期限。
///
/// An assignment.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "lead_unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80",
    "co_unit_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e81"],
    "color": "red",
    "due_date": "2026-06-30",
    "supervisor_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e05"
}))]
pub struct AssignRequest {
    /// 主办单位 ID。
    ///
    /// The lead unit's id.
    pub lead_unit_id: UnitId,
    /// 协办单位 ID，最多 20 个；可为空。
    ///
    /// The co-units' ids, at most 20; may be empty.
    #[serde(default)]
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub co_unit_ids: Vec<UnitId>,
    /// 三色管理的颜色：`green`、`yellow` 或 `red`。
    ///
    /// The colour of three-colour management: `green`, `yellow` or `red`.
    pub color: Color,
    /// 办理期限：主办单位须在此日之前答复。默认按颜色（绿色 30 天，黄色和红色 90 天），
    /// 不得超过交办之日起六个月。
    ///
    /// The reply deadline; default by colour (green 30 days, yellow and red
    /// 90), never more than six months after assignment.
    pub due_date: Option<NaiveDate>,
    /// 协办单位提出协办意见的期限；默认为主办单位期限前 15 天。
    ///
    /// The co-units' deadline for their opinions; default 15 days before the lead unit's.
    pub co_unit_due_date: Option<NaiveDate>,
    /// 督办领导的用户 ID；红色建议必填。
    ///
    /// The supervising leader's user id; required for red.
    pub supervisor_id: Option<UserId>,
    /// 主办单位为政府办公室（政府办/督查室）、须分办给所属部门时填写：分办的截止日期，
    /// 从今天到答复期限之间。
    ///
    /// Set when the lead unit is a government office (政府办/督查室) that
    /// passes the suggestion on to its departments (分办): the day it
    /// must do so by, from today to the reply deadline.
    pub pass_on_due: Option<NaiveDate>,
}

/// 政府办公室分办建议的去向（分办）。
///
/// Where a government office passes a suggestion on to (分办).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "lead_unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e81",
    "co_unit_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e82"]
}))]
pub struct PassOnRequest {
    /// 负责答复的部门，即新的主办单位；不能是该办公室本身。
    ///
    /// The department that answers; not the office itself.
    pub lead_unit_id: UnitId,
    /// 协办单位 ID，最多 20 个；可为空。
    ///
    /// The co-units' ids, at most 20; may be empty.
    #[serde(default)]
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub co_unit_ids: Vec<UnitId>,
}

/// 主办单位的答复函。
///
/// A reply letter (答复函).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "category": "B",
    "content": "已列入2026年民生实事计划，年内建成助餐点3个。",
    "document_number": "宿城民政函〔2026〕12号",
    "signed_by": "李明",
    "responsible_person": "王芳",
    "handler_name": "赵磊",
    "handler_phone": "0527-84351234",
    "reply_date": "2026-05-20",
    "commitment": {"content": "年内建成助餐点3个", "due_date": "2026-12-31"}
}))]
pub struct ReplyRequest {
    /// 答复类别：`A` 已解决或基本解决，`B` 正在解决或列入计划，`C` 因条件限制暂时无法解决。
    ///
    /// `A` solved or basically solved, `B` being solved or planned, `C` cannot
    /// be solved now.
    pub category: ReplyCategory,
    /// 答复内容，必填。
    ///
    /// The text of the reply; required.
    pub content: Text<20000>,
    /// 文号，如 `宿城民政函〔2026〕12号`；可不填。
    ///
    /// The document number, e.g. `宿城民政函〔2026〕12号`; optional.
    pub document_number: Option<Line<100>>,
    /// 签发人；可不填。
    ///
    /// Who signed the letter for the unit (签发人); optional.
    pub signed_by: Option<Line<100>>,
    /// 责任人；可不填。
    ///
    /// The person responsible at the unit (责任人); optional.
    pub responsible_person: Option<Line<100>>,
    /// 承办人姓名；可不填。
    ///
    /// The name of the clerk who handled it (承办人); optional.
    pub handler_name: Option<Line<100>>,
    /// 承办人联系电话，如 `0527-84351234`；可不填。
    ///
    /// The handler's phone, e.g. `0527-84351234`; optional.
    #[validate(custom(function = "crate::validation::phone"))]
    #[schema(max_length = 24, pattern = r"^\+?[ -]*(?:[0-9][ -]*){5,20}$")]
    pub handler_phone: Option<String>,
    /// 答复日期，默认为今天（北京时间）。
    ///
    /// Default today.
    pub reply_date: Option<NaiveDate>,
    /// B 类答复必填：单位承诺办理的事项，跟踪至兑现。
    ///
    /// Required with category B: what the unit commits to, tracked until fulfilled.
    #[validate(nested)]
    pub commitment: Option<CommitmentBody>,
}

/// B 类答复的承诺事项。
///
/// What a B reply commits to.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitmentBody {
    /// 承诺内容。
    ///
    /// What the unit commits to.
    pub content: Text<2000>,
    /// 承诺兑现的期限；可不填。
    ///
    /// The day by which it is to be fulfilled; optional.
    pub due_date: Option<NaiveDate>,
}

/// 协办单位的协办意见。
///
/// A co-unit's opinion.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"opinion": "住建局同意配合选址，可提供两处公共用房。"}))]
pub struct OpinionRequest {
    /// 给主办单位的协办意见。
    ///
    /// The opinion to the lead unit.
    pub opinion: Text<20000>,
}

/// 领衔代表对答复的评价。
///
/// An evaluation.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"result": "unsatisfied", "comment": "助餐点选址仍未落实"}))]
pub struct EvaluateRequest {
    /// 评价结果：`satisfied` 满意、`basically_satisfied` 基本满意或 `unsatisfied` 不满意。
    ///
    /// `satisfied`, `basically_satisfied` or `unsatisfied`.
    pub result: EvaluationResult,
    /// 评价意见；可不填。
    ///
    /// A comment on the reply; optional.
    #[serde(default, deserialize_with = "crate::patch::blank_none")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub comment: Option<Text<2000>>,
}

/// 上门查验记录或督办记录。
///
/// A verification or supervision record.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"occurred_on": "2026-05-25", "participants": "代表工委 刘青；区民政局 王芳", "content": "现场查看3个助餐点，已投入使用。"}))]
pub struct RecordRequest {
    /// 查验或督办的日期，默认为今天（北京时间）。
    ///
    /// Default today.
    pub occurred_on: Option<NaiveDate>,
    /// 参加人员；可不填。
    ///
    /// Who took part; optional.
    pub participants: Option<Text<1000>>,
    /// 记录内容，必填。
    ///
    /// What was found or done; required.
    pub content: Text<20000>,
}

/// 在双评中标记或取消优秀建议。
///
/// Marking an outstanding suggestion.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"outstanding": true, "reason": "推动解决老年助餐难题"}))]
pub struct OutstandingRequest {
    /// 是否标记：`true` 标记为优秀建议，`false` 取消标记。
    ///
    /// `true` marks it outstanding, `false` removes the mark.
    pub outstanding: bool,
    /// 评为优秀建议的理由；标记时必填。
    ///
    /// Why it is outstanding; required when marking.
    pub reason: Option<Text<2000>>,
}

/// 主办单位的申请：申请调整或申请延期。
///
/// A unit's request.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "extension", "reason": "需协调土地指标", "due_date": "2026-08-31"}))]
pub struct UnitRequestBody {
    /// 申请类型：`reassignment`（申请调整，退回建议）或 `extension`（申请延期）。
    ///
    /// `reassignment` (hand it back, 申请调整) or `extension` (申请延期).
    pub kind: RequestKind,
    /// 申请理由，必填。
    ///
    /// Why the unit asks; required.
    pub reason: Text<2000>,
    /// 申请延期时必填：所申请的新期限。
    ///
    /// For `extension`: the new deadline asked for.
    pub due_date: Option<NaiveDate>,
}

/// 人大办对承办单位申请的决定。
///
/// The office's decision on a unit's request.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"approved": true, "lead_unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e82", "note": "改由区住建局主办"}))]
pub struct DecideRequest {
    /// 决定：`true` 批准，`false` 不批准。
    ///
    /// `true` approves, `false` denies.
    pub approved: bool,
    /// 决定说明；可不填。
    ///
    /// A note on the decision; optional.
    #[serde(default, deserialize_with = "crate::patch::blank_none")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub note: Option<Text<2000>>,
    /// 批准调整时必填：新的主办单位 ID。
    ///
    /// Approving a re-assignment: the new lead unit (required).
    pub lead_unit_id: Option<Uuid>,
    /// 批准调整时：新的办理期限，默认自今天起按颜色计算。
    ///
    /// Approving a re-assignment: the new deadline (default by colour from today).
    pub due_date: Option<NaiveDate>,
}

/// 承诺事项的进展。
///
/// Progress on a commitment.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"progress": "两个助餐点已开业", "fulfilled": true}))]
pub struct CommitmentProgressRequest {
    /// 进展情况，必填。
    ///
    /// What has been done; required.
    pub progress: Text<5000>,
    /// 承诺已兑现时为 `true`，该承诺随之关闭；默认 `false`。
    ///
    /// True when the commitment is fulfilled; it is then closed.
    #[serde(default)]
    pub fulfilled: bool,
}
