//! How a suggestion and its parts are shown.

use super::*;

/// A co-signer as shown: the domain's record, documented as `CoSignerView`.
pub type CoSignerView = renda_domain::suggestion::CoSigner;

/// 协办单位，及其期限和给主办单位的协办意见。
///
/// A co-unit (协办单位) with its own deadline and its opinion to the lead unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoUnitView {
    /// 协办单位 ID。
    ///
    /// The co-unit's id.
    pub unit_id: Uuid,
    /// 协办单位提出协办意见的期限。
    ///
    /// The co-unit's deadline for its opinion.
    pub due_date: Option<NaiveDate>,
    /// 给主办单位的协办意见；尚未提出时为 null。
    ///
    /// Its opinion to the lead unit; null until sent.
    pub opinion: Option<String>,
    /// 提出协办意见的时间（UTC）；尚未提出时为 null。
    ///
    /// When it sent its opinion (UTC); null until then.
    pub opinion_at: Option<DateTime<Utc>>,
}

/// A letter as shown: the domain's record, documented as `LetterView`.
pub type LetterView = renda_domain::suggestion::Letter;

/// A reply as shown: the domain's record, documented as `ReplyView`.
pub type ReplyView = Reply;

/// 领衔代表对最近一次答复的评价。
///
/// The lead deputy's evaluation of the latest reply.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationView {
    /// 评价结果：`satisfied` 满意、`basically_satisfied` 基本满意或 `unsatisfied` 不满意。
    ///
    /// `satisfied`, `basically_satisfied` or `unsatisfied`.
    pub result: EvaluationResult,
    /// 评价意见；可为 null。
    ///
    /// The deputy's comment; may be null.
    pub comment: Option<String>,
    /// 评价时间（UTC）。
    ///
    /// When the deputy evaluated (UTC).
    pub evaluated_at: Option<DateTime<Utc>>,
}

/// 一件代表建议。
///
/// A suggestion.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e70",
    "number": "第十八届第五次会议 第0042号",
    "title": "关于增设古城街道老年助餐点的建议",
    "content": "古城街道老年人口多，建议在社区增设助餐点……",
    "category": "社会保障",
    "term": "第十八届",
    "session": "第五次会议",
    "timing": "during_session",
    "congress_session_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f60",
    "lead_deputy_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e60",
    "co_signers": [{"deputy_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e61", "status": "confirmed", "confirmed_at": "2026-02-28T03:00:00Z", "withdrawn_at": null}],
    "source": "deputy",
    "source_ref": null,
    "status": "assigned",
    "color": "yellow",
    "lead_unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80",
    "co_units": [],
    "supervisor_id": null,
    "assigned_on": "2026-03-10",
    "due_date": "2026-06-08",
    "overdue": false,
    "reply": null,
    "evaluation": null,
    "evaluation_due": null,
    "final_evaluation": false,
    "not_evaluated": false,
    "reject_reason": null,
    "letter": null,
    "signed_off_at": null,
    "published_at": null,
    "outstanding": false,
    "outstanding_reason": null,
    "submitted_at": "2026-03-01T02:00:00Z",
    "registered_at": "2026-03-05T02:00:00Z",
    "assigned_at": "2026-03-10T02:00:00Z",
    "replied_at": null,
    "closed_at": null,
    "created_at": "2026-02-28T02:00:00Z",
    "updated_at": "2026-03-10T02:00:00Z"
}))]
pub struct SuggestionResponse {
    /// 建议 ID。
    ///
    /// The suggestion's id.
    pub id: Uuid,
    /// 建议编号，立案时编定，如 `2026-0042` 或 `第十八届第五次会议 第0042号`；立案前为 null。
    ///
    /// Given at registration, unique per year: `2026-0042`.
    pub number: Option<String>,
    /// 建议标题。
    ///
    /// The title.
    pub title: String,
    /// 建议正文。
    ///
    /// The text of the suggestion.
    pub content: String,
    /// 建议类别，如 `社会保障`。
    ///
    /// The category, e.g. `社会保障`.
    pub category: String,
    /// 提出建议的届次，如 `第十八届`。
    ///
    /// The congress term (届次) it was raised in.
    pub term: String,
    /// 提出建议的会次，如 `第五次会议`；可为 null。
    ///
    /// The session (e.g. 第五次会议), when raised during one.
    pub session: Option<String>,
    /// 提出时间：`during_session`（大会期间）或 `between_sessions`（闭会期间）。
    ///
    /// `during_session` or `between_sessions`.
    pub timing: SessionTiming,
    /// 提交时正在举行的大会会次 ID，建议在该次会议的序列中编号；否则为 null。
    ///
    /// The congress session it was filed during; numbered in its series.
    pub congress_session_id: Option<Uuid>,
    /// 交办该建议的交办批次 ID；未成批交办时为 null。
    ///
    /// The 交办 batch it was handed out in.
    pub assignment_batch_id: Option<Uuid>,
    /// 主办单位（政府办公室）须在此日之前将建议分办给所属部门；无需分办时为 null。
    ///
    /// While set, the lead unit (a government office) is to pass it on
    /// to a department by this day (分办).
    pub pass_on_due: Option<NaiveDate>,
    /// 将建议分办给主办单位的政府办公室 ID；未经分办时为 null。
    ///
    /// The government office that passed it on to the lead unit.
    pub dispatcher_unit_id: Option<Uuid>,
    /// 领衔代表 ID。
    ///
    /// The lead deputy's id.
    pub lead_deputy_id: Uuid,
    /// 附议代表及其附议状态。
    ///
    /// The co-signers, each with their standing.
    pub co_signers: Vec<CoSignerView>,
    /// 建议来源：`deputy`、`constituent_opinion`、`collection_drive` 或 `motion`。
    ///
    /// Where it came from: `deputy`, `constituent_opinion`, `collection_drive`
    /// or `motion`.
    pub source: SuggestionSource,
    /// 来源的标识，如转成本建议的群众意见或议案的 ID；可为 null。
    ///
    /// The constituent opinion or collection drive it came from.
    pub source_ref: Option<String>,
    /// 办理状态，如 `draft`、`assigned` 或 `closed`。
    ///
    /// Where it stands, e.g. `draft`, `assigned` or `closed`.
    pub status: SuggestionStatus,
    /// 三色管理的颜色：`green`、`yellow` 或 `red`；交办前为 null。
    ///
    /// The colour of three-colour management: `green`, `yellow` or `red`; null
    /// before assignment.
    pub color: Option<Color>,
    /// 主办单位 ID；交办前为 null。
    ///
    /// The lead unit's id; null before assignment.
    pub lead_unit_id: Option<Uuid>,
    /// 协办单位及其协办意见。
    ///
    /// The co-units with their opinions.
    pub co_units: Vec<CoUnitView>,
    /// 督办领导的用户 ID（红色建议）；否则为 null。
    ///
    /// The supervising leader's user id (red suggestions).
    pub supervisor_id: Option<Uuid>,
    /// 最近一次交办的日期（北京时间）；交办前为 null。
    ///
    /// The day of the latest assignment (China time); null before assignment.
    pub assigned_on: Option<NaiveDate>,
    /// 办理期限：主办单位须在此日之前答复；交办前为 null。
    ///
    /// The reply deadline.
    pub due_date: Option<NaiveDate>,
    /// 已过办理期限而主办单位尚未答复。
    ///
    /// The deadline has passed and the unit has not replied.
    pub overdue: bool,
    /// 最近一次答复；尚未答复时为 null。
    ///
    /// The latest reply.
    pub reply: Option<ReplyView>,
    /// 领衔代表对最近一次答复的评价；尚未评价时为 null。
    ///
    /// The lead deputy's evaluation of the latest reply; null until given.
    pub evaluation: Option<EvaluationView>,
    /// 等待评价时，领衔代表评价的最后一天；逾期后人大办可按未评价办结。未设评价期限时为 null。
    ///
    /// While the latest reply waits for the lead deputy's evaluation: the
    /// last day to give it. After it the office may close the suggestion
    /// as not evaluated. Absent when the congress sets no limit.
    pub evaluation_due: Option<NaiveDate>,
    /// 对最近一次答复的评价为最终评价：已无重新办理的机会
    /// （次数由 `RENDA_MAX_REHANDLINGS` 设定，默认 1 次）。
    ///
    /// The evaluation of the latest reply is final: no rehandling is left
    /// (the congress allows `RENDA_MAX_REHANDLINGS`, 1 by default).
    pub final_evaluation: bool,
    /// 领衔代表未在期限内评价即已办结；在指标中单独计数，绝不算作满意。
    ///
    /// Closed with no evaluation by the lead deputy: their time ran out.
    /// Counted apart in the figures, never as satisfied.
    pub not_evaluated: bool,
    /// 不予立案的理由；否则为 null。
    ///
    /// Why it was not registered; null otherwise.
    pub reject_reason: Option<String>,
    /// 不予立案后作为来信转给单位（转来信）的情况及单位签收；否则为 null。
    ///
    /// Not registered and passed to a unit as a letter (转来信), with the
    /// unit's acknowledgement.
    pub letter: Option<LetterView>,
    /// 督办领导签署的时间（红色建议，UTC）；未签署时为 null。
    ///
    /// When the supervising leader signed off (red).
    pub signed_off_at: Option<DateTime<Utc>>,
    /// 人大办公开答复的时间（UTC），公开后所有人可见；未公开时为 null。
    ///
    /// When the office published the reply; published suggestions are public.
    pub published_at: Option<DateTime<Utc>>,
    /// 是否在年度双评中被评为优秀建议。
    ///
    /// Marked an outstanding suggestion (优秀建议) in the yearly double evaluation.
    pub outstanding: bool,
    /// 评为优秀建议的理由；未评为优秀时为 null。
    ///
    /// Why it was marked outstanding; null when it is not.
    pub outstanding_reason: Option<String>,
    /// 提交时间（UTC）；草稿为 null。
    ///
    /// When it was submitted (UTC); null for a draft.
    pub submitted_at: Option<DateTime<Utc>>,
    /// 立案时间（UTC）；未立案时为 null。
    ///
    /// When it was registered (UTC); null until then.
    pub registered_at: Option<DateTime<Utc>>,
    /// 最近一次交办的时间（UTC）；交办前为 null。
    ///
    /// When it was last assigned (UTC); null before assignment.
    pub assigned_at: Option<DateTime<Utc>>,
    /// 最近一次答复的时间（UTC）；尚未答复时为 null。
    ///
    /// When the latest reply came (UTC); null before any reply.
    pub replied_at: Option<DateTime<Utc>>,
    /// 办结时间（UTC）；办结前为 null。
    ///
    /// When it was closed (UTC); null until then.
    pub closed_at: Option<DateTime<Utc>>,
    /// 起草时间（UTC）。
    ///
    /// When it was drafted (UTC).
    pub created_at: DateTime<Utc>,
    /// 最后修改时间（UTC）。
    ///
    /// When it last changed (UTC).
    pub updated_at: DateTime<Utc>,
}

/// The suggestion as `caller` sees it: someone who sees it only because
/// it is published gets the reply's contact phone masked.
pub(super) fn view_for(state: &AppState, s: Suggestion, caller: &Caller) -> SuggestionResponse {
    let involved = decide_suggestion(&caller.principal, SuggestionAction::ReadRecords, &scope(&s))
        .is_allowed();
    let mut v = view(state, s);
    if !involved && let Some(r) = v.reply.as_mut() {
        r.handler_phone = r
            .handler_phone
            .as_deref()
            .map(renda_domain::personal::mask_phone);
    }
    v
}

pub(super) fn view(state: &AppState, s: Suggestion) -> SuggestionResponse {
    let today = state.clock.today();
    let overdue = s.is_overdue(today);
    let evaluation_due = s.evaluation_due(&state.handling);
    let not_evaluated = s.closed_not_evaluated();
    let final_evaluation = s.evaluation_is_final(&state.handling);
    SuggestionResponse {
        id: s.id,
        number: s.number,
        title: s.title,
        content: s.content,
        category: s.category,
        term: s.term,
        session: s.session,
        timing: s.timing,
        congress_session_id: s.congress_session_id,
        assignment_batch_id: s.assignment_batch_id,
        pass_on_due: s.pass_on_due,
        dispatcher_unit_id: s.dispatcher_unit_id.map(Into::into),
        lead_deputy_id: s.lead_deputy_id.into(),
        co_signers: s.co_signers,
        source: s.source,
        source_ref: s.source_ref,
        status: s.status,
        color: s.color,
        lead_unit_id: s.lead_unit_id.map(Into::into),
        co_units: s
            .co_units
            .into_iter()
            .map(|c| CoUnitView {
                unit_id: c.unit_id.into(),
                due_date: c.deadline,
                opinion: c.opinion,
                opinion_at: c.opinion_at,
            })
            .collect(),
        supervisor_id: s.supervisor_id.map(Into::into),
        assigned_on: s.assigned_on,
        due_date: s.deadline,
        overdue,
        reply: s.reply,
        evaluation: s.evaluation_result.map(|result| EvaluationView {
            result,
            comment: s.evaluation_comment,
            evaluated_at: s.evaluated_at,
        }),
        evaluation_due,
        final_evaluation,
        not_evaluated,
        reject_reason: s.reject_reason,
        letter: s.letter,
        signed_off_at: s.signed_off_at,
        published_at: s.published_at,
        outstanding: s.outstanding,
        outstanding_reason: s.outstanding_reason,
        submitted_at: s.submitted_at,
        registered_at: s.registered_at,
        assigned_at: s.assigned_at,
        replied_at: s.replied_at,
        closed_at: s.closed_at,
        created_at: s.created_at,
        updated_at: s.updated_at,
    }
}
