//! The committee members' satisfaction vote.

use super::*;
use renda_persistence::Conflict;

/// A committee member's vote.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"choice": "basically_satisfied"}))]
pub struct VoteRequest {
    pub choice: Satisfaction,
}

/// The caller's recorded vote.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"round": 1, "choice": "basically_satisfied", "voted_at": "2026-11-27T08:00:00Z"}))]
pub struct VoteView {
    pub round: i32,
    pub choice: Satisfaction,
    pub voted_at: DateTime<Utc>,
}

/// Casts the caller's satisfaction vote in the current round (a committee
/// member taking part, while evaluating). One vote per member and round;
/// ballots are not shown to anyone, only the tally.
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path)),
    request_body = VoteRequest,
    responses(
        (status = 201, description = "Recorded", body = VoteView),
        (status = 403, description = "Not a committee member of this item", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such item, or not visible to the caller", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "Not evaluating, or already voted in this round", body = ProblemDoc, content_type = "application/problem+json"),
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
    let deputy = rules::voter(&item, actor.deputy_id)?;
    match state
        .store
        .cast_vote(
            &caller.audit(),
            &item,
            deputy.into(),
            actor.user_id.into(),
            b.choice,
        )
        .await
    {
        Ok(v) => Ok(HttpResponse::Created()
            .insert_header((
                actix_web::http::header::LOCATION,
                format!("/api/v1/supervisions/{}/votes/mine", item.id),
            ))
            .json(VoteView {
                round: v.round,
                choice: v.choice,
                voted_at: v.voted_at,
            })),
        Err(StoreError::Conflict(Conflict::AlreadyVoted)) => {
            Err(SupervisionError::AlreadyVoted.into())
        }
        Err(StoreError::VersionMismatch) => Err(concurrent_change()),
        Err(e) => Err(e.into()),
    }
}

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
    Ok(HttpResponse::Ok().json(VoteView {
        round: v.round,
        choice: v.choice,
        voted_at: v.voted_at,
    }))
}

/// The result of one evaluation round.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"round": 1, "tally": {"satisfied": 9, "basically_satisfied": 4, "unsatisfied": 2}, "total": 15, "outcome": "accepted", "concluded_by": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e01", "concluded_at": "2026-11-27T08:00:00Z"}))]
pub struct SupervisionEvaluationView {
    pub round: i32,
    pub tally: Tally,
    /// Votes cast in the round.
    pub total: u32,
    pub outcome: Outcome,
    pub concluded_by: Uuid,
    pub concluded_at: DateTime<Utc>,
}

impl From<Evaluation> for SupervisionEvaluationView {
    fn from(e: Evaluation) -> Self {
        Self {
            round: e.round,
            total: e.tally.total(),
            tally: e.tally,
            outcome: e.outcome,
            concluded_by: e.concluded_by.into(),
            concluded_at: e.concluded_at,
        }
    }
}
