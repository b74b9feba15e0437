//! A suggestion's timeline and the records kept beside it.

use super::*;

/// One entry of a suggestion's timeline (`from_status`, `to_status`).
pub type TimelineItem = TimelineEntry;

/// A verification or supervision record.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ea5", "kind": "verification", "occurred_on": "2026-11-20", "participants": "代表工委、民政局", "content": "现场查看助餐点运营情况", "created_by": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e01", "created_at": "2026-11-27T08:00:00Z"}))]
pub struct RecordView {
    pub id: Uuid,
    pub kind: SuggestionRecordKind,
    pub occurred_on: NaiveDate,
    pub participants: Option<String>,
    pub content: String,
    pub created_by: Uuid,
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

/// A unit's request and its decision.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ea6", "unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "kind": "extension", "reason": "需协调用地", "due_date": "2027-01-31", "status": "pending", "decided_by": null, "decided_at": null, "decision_note": null, "created_at": "2026-11-27T08:00:00Z"}))]
pub struct RequestView {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub kind: RequestKind,
    pub reason: String,
    pub due_date: Option<NaiveDate>,
    pub status: RequestStatus,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: Option<String>,
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

/// A commitment of a B reply.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ea3", "reply_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ea4", "content": "年内建成助餐点3个", "due_date": "2026-12-31", "status": "open", "progress": "已建成2个", "fulfilled_at": null, "updated_at": "2026-11-27T08:00:00Z"}))]
pub struct CommitmentView {
    pub id: Uuid,
    pub reply_id: Uuid,
    pub content: String,
    pub due_date: Option<NaiveDate>,
    pub status: CommitmentStatus,
    pub progress: Option<String>,
    pub fulfilled_at: Option<DateTime<Utc>>,
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

/// One lead unit's time holding the suggestion.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ea1", "lead_unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "started_at": "2026-11-27T08:00:00Z", "ended_at": null, "end_reason": null}))]
pub struct AssignmentView {
    pub id: Uuid,
    pub lead_unit_id: Uuid,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
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
            Ok(HttpResponse::Ok().json(ListResponse::from_vec(items, &page.0)?))
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
