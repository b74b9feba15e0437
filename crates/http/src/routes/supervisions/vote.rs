//! The committee members' satisfaction vote.

use super::*;
use renda_persistence::Conflict;

/// 常委会组成人员的测评票。
///
/// A committee member's vote.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"choice": "basically_satisfied", "bodies": [{"body_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "choice": "unsatisfied"}]}))]
pub struct VoteRequest {
    /// 对事项整体的评价，也适用于 `bodies` 中未单列的被监督单位。
    ///
    /// The evaluation of the item as a whole, and of every supervised
    /// body not named in `bodies`.
    pub choice: Satisfaction,
    /// 单独测评的被监督单位（测评到单位）：须为该事项的被监督单位，每个只列一次；可不填。
    ///
    /// A body evaluated apart (测评到单位): each one of the item's bodies,
    /// named once.
    #[serde(default)]
    #[validate(length(max = 100))]
    #[schema(max_items = 100)]
    pub bodies: Vec<BodyChoice>,
}

/// 对一个被监督单位的评价。
///
/// A choice on one supervised body.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BodyChoice {
    /// 被监督单位 ID，须为该事项的被监督单位之一。
    ///
    /// The body's id: one of the item's bodies.
    pub body_id: Uuid,
    /// 评价：`satisfied` 满意、`basically_satisfied` 基本满意、`unsatisfied` 不满意。
    ///
    /// The evaluation: `satisfied`, `basically_satisfied` or `unsatisfied`.
    pub choice: Satisfaction,
}

/// 调用者本人已投的测评票。
///
/// The caller's recorded vote.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"round": 1, "choice": "basically_satisfied", "bodies": [{"body_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "choice": "unsatisfied"}], "voted_at": "2026-11-27T08:00:00Z"}))]
pub struct VoteView {
    /// 投票所在的测评轮次。
    ///
    /// The evaluation round voted in.
    pub round: i32,
    /// 对事项整体的评价。
    ///
    /// The evaluation of the item as a whole.
    pub choice: Satisfaction,
    /// 单独测评的被监督单位。
    ///
    /// The bodies evaluated apart.
    pub bodies: Vec<BodyChoice>,
    /// 投票时间（UTC）。
    ///
    /// When the vote was cast.
    pub voted_at: DateTime<Utc>,
}

impl From<renda_domain::supervision::Vote> for VoteView {
    fn from(v: renda_domain::supervision::Vote) -> Self {
        Self {
            round: v.round,
            choice: v.choice,
            bodies: v
                .bodies
                .into_iter()
                .map(|(b, c)| BodyChoice {
                    body_id: b.into(),
                    choice: c,
                })
                .collect(),
            voted_at: v.voted_at,
        }
    }
}

/// 满意度测评投票 · Cast a satisfaction vote
///
/// 在测评阶段，该事项登记出席会议的常委会组成人员在本轮投出满意度测评票（否则返回 409
/// `not_present`）。每位组成人员每轮一票；选票不向任何人显示，只公布计票结果。
///
/// Casts the caller's satisfaction vote in the current round (a committee
/// member of the item recorded present at the meeting, while evaluating;
/// else 409 `not_present`). One vote per member and round; ballots are
/// not shown to anyone, only the tally.
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path)),
    request_body = VoteRequest,
    responses(
        (status = 201, description = "Recorded", body = VoteView),
        (status = 403, description = "Not a committee member of this item", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such item, or not visible to the caller", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "Not evaluating, not recorded present, or already voted in this round", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/supervisions/{id}/votes")]
pub async fn cast_vote(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    body: JsonBody<VoteRequest>,
) -> ApiResult<HttpResponse> {
    let item = load_for(&state, &caller, id.into_inner(), SupervisionAction::Vote).await?;
    let b = body.parse()?;
    let actor = caller.actor()?;
    let present = state
        .store
        .supervision_attendance(item.id, item.round)
        .await?;
    let deputy = rules::voter(&item, actor.deputy_id, present.as_ref())?;
    let ballot = rules::BallotInput {
        choice: b.choice,
        bodies: b
            .bodies
            .iter()
            .map(|x| (x.body_id.into(), x.choice))
            .collect(),
    };
    rules::check_ballot(&item, &ballot)?;
    match state
        .store
        .cast_vote(
            &caller.audit(),
            &item,
            deputy.into(),
            actor.user_id.into(),
            &ballot,
        )
        .await
    {
        Ok(v) => Ok(HttpResponse::Created()
            .insert_header((
                actix_web::http::header::LOCATION,
                format!("/api/v1/supervisions/{}/votes/mine", item.id),
            ))
            .json(VoteView::from(v))),
        Err(StoreError::Conflict(Conflict::AlreadyVoted)) => {
            Err(SupervisionError::AlreadyVoted.into())
        }
        Err(StoreError::VersionMismatch) => Err(concurrent_change()),
        Err(e) => Err(e.into()),
    }
}

/// 查看本人测评票 · Get my vote
///
/// 该事项的常委会组成人员查看本人在本轮的测评票；尚未投票时返回 404。
///
/// The caller's own vote in the item's current round (a committee member
/// of the item); 404 before voting.
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The caller's vote", body = VoteView),
        (status = 403, description = "Not a committee member of this item", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such item, or no vote yet in this round", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/supervisions/{id}/votes/mine")]
pub async fn my_vote(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let item = load_for(&state, &caller, id.into_inner(), SupervisionAction::Vote).await?;
    let deputy = caller.actor()?.deputy_id.ok_or_else(ApiError::forbidden)?;
    let v = state
        .store
        .supervision_votes(item.id)
        .await?
        .into_iter()
        .find(|v| v.round == item.round && v.deputy_id == deputy)
        .ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(VoteView::from(v)))
}

/// 一轮测评的结果。
///
/// The result of one evaluation round.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"round": 1, "tally": {"satisfied": 9, "basically_satisfied": 4, "unsatisfied": 2}, "total": 15, "outcome": "accepted", "present": 15, "members": 21, "bodies": [{"body_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e80", "tally": {"satisfied": 9, "basically_satisfied": 4, "unsatisfied": 2}, "outcome": "accepted"}], "concluded_by": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e01", "concluded_at": "2026-11-27T08:00:00Z"}))]
pub struct SupervisionEvaluationView {
    /// 测评轮次。
    ///
    /// The evaluation round.
    pub round: i32,
    /// 对事项整体的计票。
    ///
    /// The votes on the item as a whole.
    pub tally: Tally,
    /// 本轮投票总数。
    ///
    /// Votes cast in the round.
    pub total: u32,
    /// 本轮结论：`accepted` 通过（事项办结）或 `returned` 退回整改。
    ///
    /// What the vote decided: `accepted` (the item closes) or `returned` (back
    /// to rectifying).
    pub outcome: Outcome,
    /// 出席测评会议的常委会组成人员数；在记录出席情况之前结束的轮次为 null。
    ///
    /// Committee members present at the vote, and all of them (absent for
    /// rounds concluded before attendance was kept).
    pub present: Option<u32>,
    /// 该事项的常委会组成人员总数；在记录出席情况之前结束的轮次为 null。
    ///
    /// All the item's committee members; null for rounds concluded before
    /// attendance was kept.
    pub members: Option<u32>,
    /// 每个被监督单位的结果；整体或任一单位不满意票过半时，事项退回整改。
    ///
    /// Each supervised body's result; the item goes back to rectifying
    /// when the whole or any body has an unsatisfied majority.
    pub bodies: Vec<renda_domain::supervision::BodyResult>,
    /// 结束本轮测评的工作人员用户 ID。
    ///
    /// The staff user who concluded the round.
    pub concluded_by: Uuid,
    /// 结束时间（UTC）。
    ///
    /// When the round was concluded.
    pub concluded_at: DateTime<Utc>,
}

impl From<Evaluation> for SupervisionEvaluationView {
    fn from(e: Evaluation) -> Self {
        Self {
            round: e.round,
            total: e.tally.total(),
            tally: e.tally,
            outcome: e.outcome,
            present: e.present,
            members: e.members,
            bodies: e.bodies,
            concluded_by: e.concluded_by.into(),
            concluded_at: e.concluded_at,
        }
    }
}

/// 表决会议出席的常委会组成人员。
///
/// Who of the committee members is present at the meeting that votes.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"present_member_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e61", "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e62"]}))]
pub struct MeetingAttendanceRequest {
    /// 出席的常委会组成人员（代表 ID），最多 500 个；替换本轮此前的登记。
    ///
    /// The committee members present; replaces an earlier record of the round.
    #[validate(length(max = 500))]
    #[schema(max_items = 500)]
    pub present_member_ids: Vec<renda_domain::id::DeputyId>,
}

/// 本轮表决会议的出席情况。
///
/// The attendance of the current round's meeting.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"round": 1, "present_member_ids": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e61"], "present": 1, "members": 3, "quorum": false}))]
pub struct MeetingAttendanceView {
    /// 测评轮次。
    ///
    /// The evaluation round.
    pub round: i32,
    /// 出席的常委会组成人员（代表 ID）；尚未登记时为空。
    ///
    /// The committee members present (deputy ids); empty until recorded.
    pub present_member_ids: Vec<Uuid>,
    /// 出席人数。
    ///
    /// How many are present.
    pub present: u32,
    /// 该事项的常委会组成人员总数。
    ///
    /// The item's committee members.
    pub members: u32,
    /// 出席人数是否超过组成人员的半数；超过时测评结果方可有效。
    ///
    /// More than half of the members are present: a vote can stand.
    pub quorum: bool,
}

fn attendance_view(item: &SupervisionItem, a: Option<rules::Attendance>) -> MeetingAttendanceView {
    let members = u32::try_from(item.committee_member_ids.len()).unwrap_or(u32::MAX);
    let present: Vec<Uuid> = a
        .map(|a| a.present.into_iter().map(Into::into).collect())
        .unwrap_or_default();
    let n = u32::try_from(present.len()).unwrap_or(u32::MAX);
    MeetingAttendanceView {
        round: item.round,
        present: n,
        members,
        quorum: rules::quorum(n, members),
        present_member_ids: present,
    }
}

/// 登记会议出席 · Record meeting attendance
///
/// 工作人员在测评阶段登记本轮表决会议出席的常委会组成人员；新登记替换此前的登记。只有出席者投票，
/// 且出席者超过半数时测评才有效。
///
/// Records who of the committee members is present at the meeting that
/// votes in the current round (staff, while evaluating); a new record
/// replaces the earlier one. Only those present vote, and the vote stands
/// only with more than half present.
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path)),
    request_body = MeetingAttendanceRequest,
    responses(
        (status = 200, description = "The round's attendance", body = MeetingAttendanceView),
        (status = 403, description = "Not staff", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such item, or not visible to the caller", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "Not evaluating, or the item changed meanwhile", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "Someone who is not a committee member of the item", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/supervisions/{id}/attendance")]
pub async fn record_meeting_attendance(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    body: JsonBody<MeetingAttendanceRequest>,
) -> ApiResult<HttpResponse> {
    let before = load_for(
        &state,
        &caller,
        id.into_inner(),
        SupervisionAction::Administer,
    )
    .await?;
    let b = body.parse()?;
    let change = rules::record_attendance(&before, b.present_member_ids, &ctx(&state, &caller)?);
    let s = save(&state, &caller, &before, change).await?;
    let a = state.store.supervision_attendance(s.id, s.round).await?;
    Ok(HttpResponse::Ok().json(attendance_view(&s, a)))
}

/// 查看会议出席 · Get meeting attendance
///
/// 查看本轮表决会议的出席情况；可查看该监督事项者均可查看。
///
/// The attendance of the current round's meeting (those who read the item).
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The round's attendance; nobody before it is recorded", body = MeetingAttendanceView),
        (status = 404, description = "No such item, or not visible to the caller", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/supervisions/{id}/attendance")]
pub async fn get_meeting_attendance(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let item = load_for(&state, &caller, id.into_inner(), SupervisionAction::Read).await?;
    let a = state
        .store
        .supervision_attendance(item.id, item.round)
        .await?;
    Ok(HttpResponse::Ok().json(attendance_view(&item, a)))
}
