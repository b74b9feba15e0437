//! How a suggestion and its parts are shown.

use super::*;

/// A co-signer as shown: the domain's record, documented as `CoSignerView`.
pub type CoSignerView = renda_domain::suggestion::CoSigner;

/// A co-unit (协办单位) with its own deadline and its opinion to the lead unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoUnitView {
    pub unit_id: Uuid,
    pub due_date: Option<NaiveDate>,
    pub opinion: Option<String>,
    pub opinion_at: Option<DateTime<Utc>>,
}

/// A letter as shown: the domain's record, documented as `LetterView`.
pub type LetterView = renda_domain::suggestion::Letter;

/// A reply as shown: the domain's record, documented as `ReplyView`.
pub type ReplyView = Reply;

/// The lead deputy's evaluation of the latest reply.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationView {
    pub result: EvaluationResult,
    pub comment: Option<String>,
    pub evaluated_at: Option<DateTime<Utc>>,
}

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
    pub id: Uuid,
    /// Given at registration, unique per year: `2026-0042`.
    pub number: Option<String>,
    pub title: String,
    pub content: String,
    pub category: String,
    /// The congress term (届次) it was raised in.
    pub term: String,
    /// The session (e.g. 第五次会议), when raised during one.
    pub session: Option<String>,
    pub timing: SessionTiming,
    /// The congress session it was filed during; numbered in its series.
    pub congress_session_id: Option<Uuid>,
    /// The 交办 batch it was handed out in.
    pub assignment_batch_id: Option<Uuid>,
    /// While set, the lead unit (a government office) is to pass it on
    /// to a department by this day (分办).
    pub pass_on_due: Option<NaiveDate>,
    /// The government office that passed it on to the lead unit.
    pub dispatcher_unit_id: Option<Uuid>,
    pub lead_deputy_id: Uuid,
    pub co_signers: Vec<CoSignerView>,
    pub source: SuggestionSource,
    /// The constituent opinion or collection drive it came from.
    pub source_ref: Option<String>,
    pub status: SuggestionStatus,
    pub color: Option<Color>,
    pub lead_unit_id: Option<Uuid>,
    pub co_units: Vec<CoUnitView>,
    /// The supervising leader's user id (red suggestions).
    pub supervisor_id: Option<Uuid>,
    pub assigned_on: Option<NaiveDate>,
    /// The reply deadline.
    pub due_date: Option<NaiveDate>,
    /// The deadline has passed and the unit has not replied.
    pub overdue: bool,
    /// The latest reply.
    pub reply: Option<ReplyView>,
    pub evaluation: Option<EvaluationView>,
    /// While the latest reply waits for the lead deputy's evaluation: the
    /// last day to give it. After it the office may close the suggestion
    /// as not evaluated. Absent when the congress sets no limit.
    pub evaluation_due: Option<NaiveDate>,
    /// The evaluation of the latest reply is final: no rehandling is left
    /// (the congress allows `RENDA_MAX_REHANDLINGS`, 1 by default).
    pub final_evaluation: bool,
    /// Closed with no evaluation by the lead deputy: their time ran out.
    /// Counted apart in the figures, never as satisfied.
    pub not_evaluated: bool,
    pub reject_reason: Option<String>,
    /// Not registered and passed to a unit as a letter (转来信), with the
    /// unit's acknowledgement.
    pub letter: Option<LetterView>,
    /// When the supervising leader signed off (red).
    pub signed_off_at: Option<DateTime<Utc>>,
    /// When the office published the reply; published suggestions are public.
    pub published_at: Option<DateTime<Utc>>,
    /// Marked an outstanding suggestion (优秀建议) in the yearly double evaluation.
    pub outstanding: bool,
    pub outstanding_reason: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub registered_at: Option<DateTime<Utc>>,
    pub assigned_at: Option<DateTime<Utc>>,
    pub replied_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
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
