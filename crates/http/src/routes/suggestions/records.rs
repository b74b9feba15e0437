//! A suggestion's timeline and the records kept beside it.

use super::*;

/// One entry of a suggestion's timeline (`from_status`, `to_status`).
pub type TimelineItem = TimelineEntry;

/// 上门查验记录或督办记录。
///
/// A verification or supervision record.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ea5", "kind": "verification", "occurred_on": "2026-11-20", "participants": "代表工委、民政局", "content": "现场查看助餐点运营情况", "created_by": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e01", "created_at": "2026-11-27T08:00:00Z"}))]
pub struct RecordView {
    /// 记录 ID。
    ///
    /// The record's id.
    pub id: Uuid,
    /// 记录类型：`verification`（上门查验）或 `supervision_note`（督办记录）。
    ///
    /// `verification` (on-site verification) or `supervision_note` (the
    /// supervising leader's notes).
    pub kind: SuggestionRecordKind,
    /// 查验或督办的日期。
    ///
    /// The day it took place.
    pub occurred_on: NaiveDate,
    /// 参加人员；可为 null。
    ///
    /// Who took part; may be null.
    pub participants: Option<String>,
    /// 记录内容。
    ///
    /// What was found or done.
    pub content: String,
    /// 记录人的用户 ID。
    ///
    /// The user id of who recorded it.
    pub created_by: Uuid,
    /// 记录时间（UTC）。
    ///
    /// When it was recorded (UTC).
    pub created_at: DateTime<Utc>,
}

impl From<SuggestionRecord> for RecordView {
    fn from(r: SuggestionRecord) -> Self {
        Self {
            id: r.id,
            kind: r.kind,
            occurred_on: r.occurred_on,
            participants: r.participants,
            content: r.content,
            created_by: r.created_by,
            created_at: r.created_at,
        }
    }
}

/// 承办单位的申请及人大办的决定。
///
/// A unit's request and its decision.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ea6", "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "kind": "extension", "reason": "需协调用地", "due_date": "2027-01-31", "status": "pending", "decided_by": null, "decided_at": null, "decision_note": null, "created_at": "2026-11-27T08:00:00Z"}))]
pub struct RequestView {
    /// 申请 ID。
    ///
    /// The request's id.
    pub id: Uuid,
    /// 提出申请的主办单位 ID。
    ///
    /// The lead unit that asked.
    pub unit_id: Uuid,
    /// 申请类型：`reassignment`（申请调整）或 `extension`（申请延期）。
    ///
    /// `reassignment` (hand the suggestion back) or `extension` (more time).
    pub kind: RequestKind,
    /// 申请理由。
    ///
    /// Why the unit asked.
    pub reason: String,
    /// 所申请的新期限（申请延期时）；可为 null。
    ///
    /// The new deadline asked for (with an extension); may be null.
    pub due_date: Option<NaiveDate>,
    /// 申请状态：`pending` 待决定、`approved` 已批准或 `denied` 未批准。
    ///
    /// `pending`, `approved` or `denied`.
    pub status: RequestStatus,
    /// 作出决定的工作人员的用户 ID；未决定时为 null。
    ///
    /// The user id of the staff member who decided; null until decided.
    pub decided_by: Option<Uuid>,
    /// 决定时间（UTC）；未决定时为 null。
    ///
    /// When it was decided (UTC); null until then.
    pub decided_at: Option<DateTime<Utc>>,
    /// 决定说明；可为 null。
    ///
    /// The note given with the decision; may be null.
    pub decision_note: Option<String>,
    /// 申请时间（UTC）。
    ///
    /// When the unit asked (UTC).
    pub created_at: DateTime<Utc>,
}

impl From<UnitRequest> for RequestView {
    fn from(r: UnitRequest) -> Self {
        Self {
            id: r.id,
            unit_id: r.unit_id.into(),
            kind: r.kind,
            reason: r.reason,
            due_date: r.requested_deadline,
            status: r.status,
            decided_by: r.decided_by.map(Into::into),
            decided_at: r.decided_at,
            decision_note: r.decision_note,
            created_at: r.created_at,
        }
    }
}

/// B 类答复的承诺事项。
///
/// A commitment of a B reply.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ea3", "reply_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ea4", "content": "年内建成助餐点3个", "due_date": "2026-12-31", "status": "open", "progress": "已建成2个", "fulfilled_at": null, "updated_at": "2026-11-27T08:00:00Z"}))]
pub struct CommitmentView {
    /// 承诺事项 ID。
    ///
    /// The commitment's id.
    pub id: Uuid,
    /// 作出承诺的答复 ID。
    ///
    /// The reply that made it.
    pub reply_id: Uuid,
    /// 承诺内容。
    ///
    /// What the unit committed to.
    pub content: String,
    /// 承诺兑现的期限；可为 null。
    ///
    /// The day by which it is to be fulfilled; may be null.
    pub due_date: Option<NaiveDate>,
    /// 承诺状态：`open` 跟踪中或 `fulfilled` 已兑现。
    ///
    /// `open` (tracked) or `fulfilled`.
    pub status: CommitmentStatus,
    /// 最近一次报告的进展；尚未报告时为 null。
    ///
    /// The latest progress reported; null until one is.
    pub progress: Option<String>,
    /// 兑现时间（UTC）；未兑现时为 null。
    ///
    /// When it was fulfilled (UTC); null until then.
    pub fulfilled_at: Option<DateTime<Utc>>,
    /// 最后更新时间（UTC）。
    ///
    /// When it last changed (UTC).
    pub updated_at: DateTime<Utc>,
}

impl From<Commitment> for CommitmentView {
    fn from(c: Commitment) -> Self {
        Self {
            id: c.id,
            reply_id: c.reply_id,
            content: c.content,
            due_date: c.due_date,
            status: c.status,
            progress: c.progress,
            fulfilled_at: c.fulfilled_at,
            updated_at: c.updated_at,
        }
    }
}

/// 某一主办单位承办该建议的一段时间（交办沿革）。
///
/// One lead unit's time holding the suggestion.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ea1", "lead_unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "started_at": "2026-11-27T08:00:00Z", "ended_at": null, "end_reason": null}))]
pub struct AssignmentView {
    /// 记录 ID。
    ///
    /// The record's id.
    pub id: Uuid,
    /// 主办单位 ID。
    ///
    /// The lead unit's id.
    pub lead_unit_id: Uuid,
    /// 开始承办的时间（UTC）。
    ///
    /// When it took the suggestion over (UTC).
    pub started_at: DateTime<Utc>,
    /// 结束承办的时间（UTC）；仍在承办时为 null。
    ///
    /// When it stopped holding the suggestion (UTC); null while it holds it.
    pub ended_at: Option<DateTime<Utc>>,
    /// 结束原因：`reassigned`（调整交办）或 `passed_on`（分办）；仍在承办时为 null。
    ///
    /// Why it ended: `reassigned` or `passed_on` (分办); null while it holds it.
    pub end_reason: Option<String>,
}

impl From<AssignmentSpell> for AssignmentView {
    fn from(a: AssignmentSpell) -> Self {
        Self {
            id: a.id,
            lead_unit_id: a.lead_unit_id,
            started_at: a.started_at,
            ended_at: a.ended_at,
            end_reason: a.end_reason,
        }
    }
}

macro_rules! sub_list {
    ($(#[$m:meta])* $name:ident, $path:literal, $item:ty, |$st:ident, $id:ident| $load:expr) => {
        $(#[$m])*
        #[utoipa::path(
            tag = "suggestions",
            params(("id" = Uuid, Path), WholeListParams),
            responses(
                (status = 200, description = "Oldest first", body = ListResponse<$item>),
                (status = 422, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
                (status = 401, description = "Not signed in and not published", body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "No such suggestion, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
            ),
            security((), ("bearer" = []))
        )]
        #[get($path)]
        pub async fn $name(
            state: Data<AppState>,
            caller: Caller,
            id: Path<Uuid>,
            page: QueryParams<WholeListParams>,
        ) -> ApiResult<HttpResponse> {
            let s = load_for(&state, &caller, id.into_inner(), SuggestionAction::ReadRecords).await?;
            let $st: &AppState = &state;
            let $id = s.id;
            let items: Vec<$item> = $load.await?.into_iter().map(<$item>::from).collect();
            Ok(crate::respond::page(ListResponse::from_vec(items, &page.0)?))
        }
    };
}

sub_list!(
    /// 查询办理时间线 · List the timeline
    ///
    /// 列出建议办理的每一步及其操作人。
    ///
    /// Every step of the suggestion's handling, with who took it.
    list_timeline, "/suggestions/{id}/timeline", TimelineItem, |st, id| st.store.suggestion_timeline(id)
);
sub_list!(
    /// 查询答复函 · List replies
    ///
    /// 按轮次列出每一份答复函。
    ///
    /// Every reply letter, by round.
    list_replies, "/suggestions/{id}/replies", ReplyView, |st, id| st.store.suggestion_replies(id)
);
sub_list!(
    /// 查询查验与督办记录 · List verifications and notes
    ///
    /// 列出上门查验记录和督办记录。
    ///
    /// On-site verifications and supervision notes.
    list_records, "/suggestions/{id}/records", RecordView, |st, id| st.store.suggestion_records(id, None)
);
sub_list!(
    /// 查询单位申请 · List unit requests
    ///
    /// 列出承办单位申请调整或延期的记录及其决定。
    ///
    /// Units' requests for re-assignment or extension, with decisions.
    list_requests, "/suggestions/{id}/requests", RequestView, |st, id| st.store.suggestion_requests(id)
);
sub_list!(
    /// 查询承诺事项 · List commitments
    ///
    /// 列出 B 类答复的承诺事项及其进展。
    ///
    /// Commitments of B replies and their progress.
    list_commitments, "/suggestions/{id}/commitments", CommitmentView, |st, id| st.store.suggestion_commitments(id)
);
sub_list!(
    /// 查询主办单位沿革 · List lead units
    ///
    /// 按顺序列出先后承办该建议的主办单位（调整交办的沿革）。
    ///
    /// The lead units that held the suggestion, in order (re-assignment lineage).
    list_assignments, "/suggestions/{id}/assignments", AssignmentView, |st, id| st.store.suggestion_assignments(id)
);

impl crate::pagination::Keyed for ReplyView {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.created_at)
    }
}

impl crate::pagination::Keyed for RecordView {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.created_at)
    }
}

impl crate::pagination::Keyed for RequestView {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.decided_at.unwrap_or(self.created_at))
    }
}

impl crate::pagination::Keyed for CommitmentView {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.updated_at)
    }
}

impl crate::pagination::Keyed for AssignmentView {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.ended_at.unwrap_or(self.started_at))
    }
}
