//! The request bodies of the suggestion commands.

use super::*;
use renda_domain::id::{DeputyId, UnitId, UserId};
use renda_domain::text::{Line, Text};

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
    pub title: Line<200>,
    pub content: Text<20000>,
    /// One of `GET /api/v1/suggestion-categories`.
    pub category: Line<40>,
    pub term: Line<40>,
    pub session: Option<Line<60>>,
    pub timing: SessionTiming,
    /// Deputies who co-sign (附议).
    #[serde(default)]
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    pub co_signer_ids: Vec<DeputyId>,
    /// Default `deputy`.
    pub source: Option<SuggestionSource>,
    pub source_ref: Option<Line<100>>,
}

/// A change to a draft; absent fields stay, `co_signer_ids` replaces the list.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "关于增设古城街道老年助餐点的建议（修改稿）", "co_signer_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e61"]}))]
pub struct UpdateDraftRequest {
    pub title: Option<Line<200>>,
    pub content: Option<Text<20000>>,
    pub category: Option<Line<40>>,
    pub term: Option<Line<40>>,
    #[serde(default, deserialize_with = "double")]
    pub session: Option<Option<Line<60>>>,
    pub timing: Option<SessionTiming>,
    #[validate(length(max = 50))]
    #[schema(max_items = 50)]
    pub co_signer_ids: Option<Vec<DeputyId>>,
}

/// An operation without data.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"note": "经主任会议研究同意"}))]
pub struct EmptyRequest {
    /// An optional remark for the timeline.
    #[serde(default, deserialize_with = "crate::patch::blank_none")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub note: Option<Text<2000>>,
}

/// Reasons for declining.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "属于信访事项，转有关部门参考", "letter_unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80"}))]
pub struct RejectRequest {
    pub reason: Text<2000>,
    /// Pass the submission to this unit as a letter for its reference (转来信).
    pub letter_unit_id: Option<UnitId>,
}

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
    pub lead_unit_id: UnitId,
    #[serde(default)]
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub co_unit_ids: Vec<UnitId>,
    pub color: Color,
    /// The reply deadline; default by colour (green 30 days, yellow and red
    /// 90), never more than six months after assignment.
    pub due_date: Option<NaiveDate>,
    /// The co-units' deadline for their opinions; default 15 days before the lead unit's.
    pub co_unit_due_date: Option<NaiveDate>,
    /// The supervising leader's user id; required for red.
    pub supervisor_id: Option<UserId>,
    /// Set when the lead unit is a government office (政府办/督查室) that
    /// passes the suggestion on to its departments (分办): the day it
    /// must do so by, from today to the reply deadline.
    pub pass_on_due: Option<NaiveDate>,
}

/// Where a government office passes a suggestion on to (分办).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "lead_unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e81",
    "co_unit_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e82"]
}))]
pub struct PassOnRequest {
    /// The department that answers; not the office itself.
    pub lead_unit_id: UnitId,
    #[serde(default)]
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub co_unit_ids: Vec<UnitId>,
}

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
    pub category: ReplyCategory,
    pub content: Text<20000>,
    pub document_number: Option<Line<100>>,
    pub signed_by: Option<Line<100>>,
    pub responsible_person: Option<Line<100>>,
    pub handler_name: Option<Line<100>>,
    #[validate(custom(function = "crate::validation::phone"))]
    #[schema(max_length = 24, pattern = r"^\+?[ -]*(?:[0-9][ -]*){5,20}$")]
    pub handler_phone: Option<String>,
    /// Default today.
    pub reply_date: Option<NaiveDate>,
    /// Required with category B: what the unit commits to, tracked until fulfilled.
    #[validate(nested)]
    pub commitment: Option<CommitmentBody>,
}

/// What a B reply commits to.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitmentBody {
    pub content: Text<2000>,
    pub due_date: Option<NaiveDate>,
}

/// A co-unit's opinion.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"opinion": "住建局同意配合选址，可提供两处公共用房。"}))]
pub struct OpinionRequest {
    pub opinion: Text<20000>,
}

/// An evaluation.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"result": "unsatisfied", "comment": "助餐点选址仍未落实"}))]
pub struct EvaluateRequest {
    pub result: EvaluationResult,
    #[serde(default, deserialize_with = "crate::patch::blank_none")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub comment: Option<Text<2000>>,
}

/// A verification or supervision record.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"occurred_on": "2026-05-25", "participants": "代表工委 刘青；区民政局 王芳", "content": "现场查看3个助餐点，已投入使用。"}))]
pub struct RecordRequest {
    /// Default today.
    pub occurred_on: Option<NaiveDate>,
    pub participants: Option<Text<1000>>,
    pub content: Text<20000>,
}

/// Marking an outstanding suggestion.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"outstanding": true, "reason": "推动解决老年助餐难题"}))]
pub struct OutstandingRequest {
    pub outstanding: bool,
    pub reason: Option<Text<2000>>,
}

/// A unit's request.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "extension", "reason": "需协调土地指标", "due_date": "2026-08-31"}))]
pub struct UnitRequestBody {
    /// `reassignment` (hand it back, 申请调整) or `extension` (申请延期).
    pub kind: RequestKind,
    pub reason: Text<2000>,
    /// For `extension`: the new deadline asked for.
    pub due_date: Option<NaiveDate>,
}

/// The office's decision on a unit's request.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"approved": true, "lead_unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e82", "note": "改由区住建局主办"}))]
pub struct DecideRequest {
    pub approved: bool,
    #[serde(default, deserialize_with = "crate::patch::blank_none")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub note: Option<Text<2000>>,
    /// Approving a re-assignment: the new lead unit (required).
    pub lead_unit_id: Option<Uuid>,
    /// Approving a re-assignment: the new deadline (default by colour from today).
    pub due_date: Option<NaiveDate>,
}

/// Progress on a commitment.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"progress": "两个助餐点已开业", "fulfilled": true}))]
pub struct CommitmentProgressRequest {
    pub progress: Text<5000>,
    /// True when the commitment is fulfilled; it is then closed.
    #[serde(default)]
    pub fulfilled: bool,
}
