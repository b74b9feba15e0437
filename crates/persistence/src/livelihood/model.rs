//! Rounds and candidates to and from their rows; timeline events and stage locks.

use super::*;
use crate::error::Conflict;

pub(super) fn count(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn uncount(n: Option<i32>) -> Option<u32> {
    n.map(|v| u32::try_from(v).unwrap_or(0))
}

pub(super) fn round_active(r: &Round) -> lr::ActiveModel {
    lr::ActiveModel {
        id: Set(r.id),
        year: Set(r.year),
        level: Set(r.level.as_str().to_owned()),
        term: Set(r.term.clone()),
        title: Set(r.title.clone()),
        seats: Set(count(r.seats)),
        secret_ballot: Set(r.secret_ballot),
        stage: Set(r.stage.as_str().to_owned()),
        tie_break: Set(r.tie_break.clone()),
        majority: Set(r.majority.as_str().to_owned()),
        congress_session_id: Set(r.congress_session_id),
        voting_members: Set(r.voting_members.map(count)),
        created_by: Set(r.created_by.into()),
        created_at: Set(r.created_at),
        updated_at: Set(r.updated_at),
        version: Set(r.version),
    }
}

pub(super) fn round_from(m: lr::Model) -> StoreResult<Round> {
    Ok(Round {
        id: m.id,
        year: m.year,
        level: parse_stored(&m.level)?,
        term: m.term,
        title: m.title,
        seats: u32::try_from(m.seats).unwrap_or(0),
        secret_ballot: m.secret_ballot,
        stage: parse_stored(&m.stage)?,
        tie_break: m.tie_break,
        majority: parse_stored(&m.majority)?,
        congress_session_id: m.congress_session_id,
        voting_members: m.voting_members.map(|n| u32::try_from(n).unwrap_or(0)),
        created_by: m.created_by.into(),
        created_at: m.created_at,
        updated_at: m.updated_at,
        version: m.version,
    })
}

pub(super) fn candidate_active(c: &Candidate) -> lc::ActiveModel {
    lc::ActiveModel {
        id: Set(c.id),
        round_id: Set(c.round_id),
        title: Set(c.title.clone()),
        description: Set(c.description.clone()),
        estimated_budget: Set(c.estimated_budget),
        unit_id: Set(c.unit_id.map(Into::into)),
        source: Set(c.source.as_str().to_owned()),
        proposed_by: Set(c.proposed_by.map(Into::into)),
        proposer_deputy_id: Set(c.proposer_deputy_id.map(Into::into)),
        status: Set(c.status.as_str().to_owned()),
        review_reason: Set(c.review_reason.clone()),
        reviewed_by: Set(c.reviewed_by.map(Into::into)),
        approvals: Set(c.approvals.map(count)),
        against: Set(c.against.map(count)),
        abstentions: Set(c.abstentions.map(count)),
        created_at: Set(c.created_at),
        updated_at: Set(c.updated_at),
        version: Set(c.version),
    }
}

pub(super) fn candidate_from(m: lc::Model) -> StoreResult<Candidate> {
    Ok(Candidate {
        id: m.id,
        round_id: m.round_id,
        title: m.title,
        description: m.description,
        estimated_budget: m.estimated_budget,
        unit_id: m.unit_id.map(Into::into),
        source: parse_stored(&m.source)?,
        proposed_by: m.proposed_by.map(Into::into),
        proposer_deputy_id: m.proposer_deputy_id.map(Into::into),
        status: parse_stored(&m.status)?,
        review_reason: m.review_reason,
        reviewed_by: m.reviewed_by.map(Into::into),
        approvals: uncount(m.approvals),
        against: uncount(m.against),
        abstentions: uncount(m.abstentions),
        created_at: m.created_at,
        updated_at: m.updated_at,
        version: m.version,
    })
}

pub(super) async fn insert_event<Conn: ConnectionTrait>(
    c: &Conn,
    ctx: &AuditCtx,
    id: Uuid,
    from: Option<RoundStage>,
    to: Option<RoundStage>,
    event: &Event,
) -> StoreResult<()> {
    crate::timeline::append(c, &crate::timeline::ROUNDS, ctx, id, from, to, event).await?;
    let draft = crate::integration::EventDraft {
        object_type: "livelihood_round",
        object_id: id,
        action: event.action.to_owned(),
        data: serde_json::json!({"from_stage": from, "stage": to}),
        audience: renda_domain::integration::Audience {
            office: true,
            units: Vec::new(),
        },
    };
    crate::integration::emit(c, draft).await
}

/// Locks the round row for the rest of the transaction if it is still in
/// `stage`: a ballot or rating and the closing of its stage are ordered,
/// so that nothing is counted after the count. With `bump`, the round
/// gets a new version (a ballot changes its count of ballots cast).
pub(super) async fn lock_in_stage<Conn: ConnectionTrait>(
    c: &Conn,
    id: Uuid,
    stage: RoundStage,
    bump: bool,
) -> StoreResult<()> {
    let mut q = RoundEntity::update_many().col_expr(C::Seats, Expr::col(C::Seats));
    if bump {
        q = q
            .col_expr(C::Version, Expr::col(C::Version).add(1))
            .col_expr(C::UpdatedAt, Expr::value(renda_domain::time::now()));
    }
    let res = q
        .filter(C::Id.eq(id))
        .filter(C::Stage.eq(stage.as_str()))
        .exec(c)
        .await?;
    if res.rows_affected == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict(Conflict::StageChanged))
    }
}

/// [`lock_in_stage`] for any of several stages.
pub(super) async fn lock_in_stages<Conn: ConnectionTrait>(
    c: &Conn,
    id: Uuid,
    stages: &[RoundStage],
) -> StoreResult<()> {
    let res = RoundEntity::update_many()
        .col_expr(C::Seats, Expr::col(C::Seats))
        .filter(C::Id.eq(id))
        .filter(C::Stage.is_in(stages.iter().map(|s| s.as_str())))
        .exec(c)
        .await?;
    if res.rows_affected == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict(Conflict::StageChanged))
    }
}

pub(super) async fn shortlist_of<Conn: ConnectionTrait>(
    c: &Conn,
    round: Uuid,
) -> StoreResult<Vec<Uuid>> {
    Ok(lc::Entity::find()
        .filter(lc::Column::RoundId.eq(round))
        .filter(lc::Column::Status.is_in([
            CandidateStatus::Shortlisted.as_str(),
            CandidateStatus::Adopted.as_str(),
            CandidateStatus::NotAdopted.as_str(),
            CandidateStatus::Tied.as_str(),
        ]))
        .order_by_asc(lc::Column::Id)
        .all(c)
        .await?
        .into_iter()
        .map(|m| m.id)
        .collect())
}
