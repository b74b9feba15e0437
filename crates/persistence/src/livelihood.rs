//! Livelihood-project rounds: candidates, ballots (who voted, and the
//! marks, kept apart when the ballot is secret), the tally, and the
//! adopted projects' progress, comments and ratings.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use renda_domain::deputy::Level;
use renda_domain::duty::DutyKind;
use renda_domain::livelihood::{
    CandidateSource, CandidateStatus, Choice, Rating, RoundStage, VoteResult, tally,
};
use renda_domain::supervision::Tally;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, TransactionTrait,
};
use serde::Serialize;
use uuid::Uuid;

use crate::Store;
use crate::audit::{self, AuditCtx};
use crate::duties::{NewDuty, write_duty};
use crate::entities::livelihood_round::{self as lr, Column as C, Entity as RoundEntity};
use crate::entities::{
    livelihood_candidate as lc, livelihood_comment as lcm, livelihood_event as ev,
    livelihood_mark as mk, livelihood_progress as lp, livelihood_rating as rt,
    livelihood_sealed_ballot as sb, livelihood_voter as vt,
};
use crate::error::{StoreError, StoreResult, parse_stored};
use crate::list::{self, ListOptions, Page};

const OBJECT: &str = "livelihood_round";

/// A round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Round {
    pub id: Uuid,
    pub year: i32,
    /// The congress whose deputies vote: its level and term.
    pub level: Level,
    pub term: String,
    pub title: String,
    /// How many projects the vote adopts.
    pub seats: u32,
    pub secret_ballot: bool,
    pub stage: RoundStage,
    /// How a tie at the cut-off was decided, if there was one.
    pub tie_break: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// A candidate, and once adopted, a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub id: Uuid,
    pub round_id: Uuid,
    pub title: String,
    pub description: String,
    /// Yuan.
    pub estimated_budget: Option<i64>,
    /// The responsible unit.
    pub unit_id: Option<Uuid>,
    pub source: CandidateSource,
    pub proposed_by: Option<Uuid>,
    pub proposer_deputy_id: Option<Uuid>,
    pub status: CandidateStatus,
    pub review_reason: Option<String>,
    pub reviewed_by: Option<Uuid>,
    pub approvals: Option<u32>,
    pub against: Option<u32>,
    pub abstentions: Option<u32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// A deputy who voted; the marks only for an open ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Voter {
    pub deputy_id: Uuid,
    pub cast_at: DateTime<Utc>,
    pub marks: Option<Vec<(Uuid, Choice)>>,
}

/// A progress report of a project's unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub id: Uuid,
    pub candidate_id: Uuid,
    pub percent: i32,
    pub note: String,
    pub reported_on: NaiveDate,
    pub reported_by: Uuid,
    pub created_at: DateTime<Utc>,
}

/// A deputy's comment on a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    pub id: Uuid,
    pub candidate_id: Uuid,
    pub deputy_id: Uuid,
    pub content: String,
    pub created_at: DateTime<Utc>,
}

/// The timeline event of a change.
#[derive(Debug, Clone)]
pub struct Event {
    pub action: &'static str,
    pub detail: Option<serde_json::Value>,
}

/// A timeline entry of a round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEntry {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_name: Option<String>,
    pub action: String,
    pub from_stage: Option<RoundStage>,
    pub to_stage: Option<RoundStage>,
    pub detail: Option<serde_json::Value>,
}

fn count(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn uncount(n: Option<i32>) -> Option<u32> {
    n.map(|v| u32::try_from(v).unwrap_or(0))
}

fn round_active(r: &Round) -> lr::ActiveModel {
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
        created_by: Set(r.created_by),
        created_at: Set(r.created_at),
        updated_at: Set(r.updated_at),
        version: Set(r.version),
    }
}

fn round_from(m: lr::Model) -> StoreResult<Round> {
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
        created_by: m.created_by,
        created_at: m.created_at,
        updated_at: m.updated_at,
        version: m.version,
    })
}

fn candidate_active(c: &Candidate) -> lc::ActiveModel {
    lc::ActiveModel {
        id: Set(c.id),
        round_id: Set(c.round_id),
        title: Set(c.title.clone()),
        description: Set(c.description.clone()),
        estimated_budget: Set(c.estimated_budget),
        unit_id: Set(c.unit_id),
        source: Set(c.source.as_str().to_owned()),
        proposed_by: Set(c.proposed_by),
        proposer_deputy_id: Set(c.proposer_deputy_id),
        status: Set(c.status.as_str().to_owned()),
        review_reason: Set(c.review_reason.clone()),
        reviewed_by: Set(c.reviewed_by),
        approvals: Set(c.approvals.map(count)),
        against: Set(c.against.map(count)),
        abstentions: Set(c.abstentions.map(count)),
        created_at: Set(c.created_at),
        updated_at: Set(c.updated_at),
        version: Set(c.version),
    }
}

fn candidate_from(m: lc::Model) -> StoreResult<Candidate> {
    Ok(Candidate {
        id: m.id,
        round_id: m.round_id,
        title: m.title,
        description: m.description,
        estimated_budget: m.estimated_budget,
        unit_id: m.unit_id,
        source: parse_stored(&m.source)?,
        proposed_by: m.proposed_by,
        proposer_deputy_id: m.proposer_deputy_id,
        status: parse_stored(&m.status)?,
        review_reason: m.review_reason,
        reviewed_by: m.reviewed_by,
        approvals: uncount(m.approvals),
        against: uncount(m.against),
        abstentions: uncount(m.abstentions),
        created_at: m.created_at,
        updated_at: m.updated_at,
        version: m.version,
    })
}

async fn insert_event<Conn: ConnectionTrait>(
    c: &Conn,
    ctx: &AuditCtx,
    id: Uuid,
    from: Option<RoundStage>,
    to: Option<RoundStage>,
    event: &Event,
) -> StoreResult<()> {
    ev::ActiveModel {
        id: Set(Uuid::now_v7()),
        round_id: Set(id),
        occurred_at: Set(renda_domain::time::now()),
        actor_id: Set(ctx.actor_id),
        actor_name: Set(ctx.actor_username.clone()),
        action: Set(event.action.to_owned()),
        from_stage: Set(from.map(|s| s.as_str().to_owned())),
        to_stage: Set(to.map(|s| s.as_str().to_owned())),
        detail: Set(event.detail.as_ref().map(|d| d.to_string())),
    }
    .insert(c)
    .await?;
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
async fn lock_in_stage<Conn: ConnectionTrait>(
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
        Err(StoreError::Conflict("stage_changed"))
    }
}

/// [`lock_in_stage`] for any of several stages.
async fn lock_in_stages<Conn: ConnectionTrait>(
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
        Err(StoreError::Conflict("stage_changed"))
    }
}

async fn shortlist_of<Conn: ConnectionTrait>(c: &Conn, round: Uuid) -> StoreResult<Vec<Uuid>> {
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

/// The column a sealed secret ballot is kept in (encrypted with the
/// personal-data keys, and resealed with them on rotation).
pub(crate) const SEALED_FIELD: &str = "livelihood_sealed_ballots.sealed";

/// A ballot's marks as sealed: `[[candidate, choice], ...]`.
fn seal_ballot(crypto: &crate::crypto::Crypto, id: Uuid, marks: &[(Uuid, Choice)]) -> String {
    let plain = serde_json::to_string(marks).unwrap_or_default();
    crate::crypto::seal_field(crypto, SEALED_FIELD, id, Some(&plain)).unwrap_or_default()
}

fn open_ballot(crypto: &crate::crypto::Crypto, m: &sb::Model) -> StoreResult<Vec<(Uuid, Choice)>> {
    let plain = crate::crypto::open_field(crypto, SEALED_FIELD, m.id, Some(m.sealed.clone()))?
        .unwrap_or_default();
    serde_json::from_str(&plain)
        .map_err(|e| StoreError::Db(sea_orm::DbErr::Type(format!("a sealed ballot: {e}"))))
}

/// Opens the sealed ballots of a round at the close of its vote: their
/// marks are written in one batch, under new random ballot ids and in a
/// random order, and the sealed ballots are deleted. No column and no
/// order of what stays ties a mark to a voter or a time.
async fn open_ballot_box<Conn: ConnectionTrait>(
    c: &Conn,
    crypto: &crate::crypto::Crypto,
    round: Uuid,
) -> StoreResult<()> {
    let sealed = sb::Entity::find()
        .filter(sb::Column::RoundId.eq(round))
        .all(c)
        .await?;
    if sealed.is_empty() {
        return Ok(());
    }
    let mut ballots = Vec::with_capacity(sealed.len());
    for m in &sealed {
        ballots.push((Uuid::new_v4(), open_ballot(crypto, m)?));
    }
    // Random ids, written in their order: a random order.
    ballots.sort_by_key(|(id, _)| *id);
    let rows: Vec<mk::ActiveModel> = ballots
        .iter()
        .flat_map(|(id, marks)| {
            marks.iter().map(move |(cand, choice)| mk::ActiveModel {
                ballot_id: Set(*id),
                candidate_id: Set(*cand),
                round_id: Set(round),
                choice: Set(choice.as_str().to_owned()),
            })
        })
        .collect();
    for chunk in rows.chunks(500) {
        mk::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(c)
            .await?;
    }
    sb::Entity::delete_many()
        .filter(sb::Column::RoundId.eq(round))
        .exec(c)
        .await?;
    Ok(())
}

/// Counts the stored ballots of a round, sealed ones included.
async fn count_votes<Conn: ConnectionTrait>(
    c: &Conn,
    crypto: &crate::crypto::Crypto,
    round: Uuid,
    seats: u32,
) -> StoreResult<VoteResult> {
    let shortlist = shortlist_of(c, round).await?;
    let mut ballots: HashMap<Uuid, Vec<(Uuid, Choice)>> = HashMap::new();
    for m in mk::Entity::find()
        .filter(mk::Column::RoundId.eq(round))
        .all(c)
        .await?
    {
        ballots
            .entry(m.ballot_id)
            .or_default()
            .push((m.candidate_id, parse_stored(&m.choice)?));
    }
    for m in sb::Entity::find()
        .filter(sb::Column::RoundId.eq(round))
        .all(c)
        .await?
    {
        ballots.insert(m.id, open_ballot(crypto, &m)?);
    }
    let voters = vt::Entity::find()
        .filter(vt::Column::RoundId.eq(round))
        .count(c)
        .await?;
    // Every voter has exactly one ballot, even one without marks.
    let mut list: Vec<Vec<(Uuid, Choice)>> = ballots.into_values().collect();
    let missing = usize::try_from(voters)
        .unwrap_or(usize::MAX)
        .saturating_sub(list.len());
    list.extend(std::iter::repeat_n(Vec::new(), missing));
    Ok(tally(&shortlist, &list, seats))
}

/// A ballot's marks, each a candidate and a choice.
pub type Marks = Vec<(Uuid, Choice)>;

impl Store {
    pub async fn create_round(&self, ctx: &AuditCtx, r: Round) -> StoreResult<Round> {
        let txn = self.db.begin().await?;
        round_active(&r).insert(&txn).await?;
        let event = Event {
            action: "created",
            detail: None,
        };
        insert_event(&txn, ctx, r.id, None, Some(r.stage), &event).await?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "create",
            OBJECT,
            Some(r.id),
            None::<&Round>,
            Some(&r),
        )
        .await?;
        txn.commit().await?;
        Ok(r)
    }

    pub async fn get_round(&self, id: Uuid) -> StoreResult<Round> {
        let m = RoundEntity::find_by_id(id)
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        round_from(m)
    }

    pub async fn list_rounds(
        &self,
        year: Option<i32>,
        stage: Option<RoundStage>,
        opts: &ListOptions,
    ) -> StoreResult<Page<Round>> {
        let mut q = RoundEntity::find();
        if let Some(y) = year {
            q = q.filter(C::Year.eq(y));
        }
        if let Some(s) = stage {
            q = q.filter(C::Stage.eq(s.as_str()));
        }
        let keys = list::Keys {
            id: C::Id,
            updated_at: C::UpdatedAt,
            deleted_at: None,
            seq: list::SEQ_COLUMN,
        };
        let page = list::paginate(&self.db, q, keys, opts, |m: &lr::Model| {
            (m.id, m.updated_at, None)
        })
        .await?;
        page.try_map(round_from)
    }

    /// Writes `after` over `before` if unchanged meanwhile, with a timeline
    /// event and an audit entry.
    pub async fn save_round(
        &self,
        ctx: &AuditCtx,
        before: &Round,
        mut after: Round,
        event: Event,
    ) -> StoreResult<Round> {
        let txn = self.db.begin().await?;
        after.updated_at = renda_domain::time::now();
        after.version = before.version + 1;
        let res = RoundEntity::update_many()
            .set(round_active(&after))
            .filter(C::Id.eq(before.id))
            .filter(C::Version.eq(before.version))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(StoreError::VersionMismatch);
        }
        // With the round row locked (reviews and tie decisions lock it too),
        // the candidates cannot change under these checks.
        let status_count = |status: CandidateStatus| {
            lc::Entity::find()
                .filter(lc::Column::RoundId.eq(before.id))
                .filter(lc::Column::Status.eq(status.as_str()))
                .count(&txn)
        };
        if after.stage == RoundStage::Voting && before.stage != RoundStage::Voting {
            if status_count(CandidateStatus::Proposed).await? > 0 {
                return Err(StoreError::Conflict("candidates_undecided"));
            }
            if status_count(CandidateStatus::Shortlisted).await? == 0 {
                return Err(StoreError::Conflict("nothing_shortlisted"));
            }
        }
        if after.stage == RoundStage::Evaluating
            && before.stage != RoundStage::Evaluating
            && status_count(CandidateStatus::Tied).await? > 0
        {
            return Err(StoreError::Conflict("tie_pending"));
        }
        insert_event(
            &txn,
            ctx,
            after.id,
            Some(before.stage),
            Some(after.stage),
            &event,
        )
        .await?;
        let action = if before.stage == after.stage {
            event.action.to_owned()
        } else {
            format!("transition:{}", event.action)
        };
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            &action,
            OBJECT,
            Some(after.id),
            Some(before),
            Some(&after),
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    pub async fn round_timeline(&self, id: Uuid) -> StoreResult<Vec<TimelineEntry>> {
        ev::Entity::find()
            .filter(ev::Column::RoundId.eq(id))
            .order_by_asc(ev::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| {
                Ok(TimelineEntry {
                    id: m.id,
                    occurred_at: m.occurred_at,
                    actor_id: m.actor_id,
                    actor_name: m.actor_name,
                    action: m.action,
                    from_stage: m.from_stage.as_deref().map(parse_stored).transpose()?,
                    to_stage: m.to_stage.as_deref().map(parse_stored).transpose()?,
                    detail: m.detail.and_then(|d| serde_json::from_str(&d).ok()),
                })
            })
            .collect()
    }

    /// Adds a candidate while the round is still collecting.
    pub async fn create_candidate(&self, ctx: &AuditCtx, c: Candidate) -> StoreResult<Candidate> {
        let txn = self.db.begin().await?;
        lock_in_stage(&txn, c.round_id, RoundStage::Collecting, false).await?;
        candidate_active(&c).insert(&txn).await?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "create",
            "livelihood_candidate",
            Some(c.id),
            None::<&Candidate>,
            Some(&c),
        )
        .await?;
        txn.commit().await?;
        Ok(c)
    }

    pub async fn get_candidate(&self, round: Uuid, id: Uuid) -> StoreResult<Candidate> {
        let m = lc::Entity::find_by_id(id)
            .filter(lc::Column::RoundId.eq(round))
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        candidate_from(m)
    }

    pub async fn round_candidates(
        &self,
        round: Uuid,
        status: Option<CandidateStatus>,
    ) -> StoreResult<Vec<Candidate>> {
        let mut q = lc::Entity::find().filter(lc::Column::RoundId.eq(round));
        if let Some(s) = status {
            q = q.filter(lc::Column::Status.eq(s.as_str()));
        }
        q.order_by_asc(lc::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(candidate_from)
            .collect()
    }

    /// Writes a candidate's review while the round is reviewing.
    pub async fn save_candidate(
        &self,
        ctx: &AuditCtx,
        before: &Candidate,
        mut after: Candidate,
        stage: RoundStage,
        action: &str,
    ) -> StoreResult<Candidate> {
        let txn = self.db.begin().await?;
        lock_in_stage(&txn, before.round_id, stage, false).await?;
        after.updated_at = renda_domain::time::now();
        after.version = before.version + 1;
        let res = lc::Entity::update_many()
            .set(candidate_active(&after))
            .filter(lc::Column::Id.eq(before.id))
            .filter(lc::Column::Version.eq(before.version))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(StoreError::VersionMismatch);
        }
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            action,
            "livelihood_candidate",
            Some(after.id),
            Some(before),
            Some(&after),
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Records a deputy's ballot while the round is voting. The voter row's
    /// primary key refuses a second ballot (`Conflict("already_voted")`),
    /// however close together the two arrive. For a secret ballot the
    /// marks go under a random ballot id that nothing links to the voter.
    pub async fn cast_ballot(
        &self,
        ctx: &AuditCtx,
        round: &Round,
        deputy_id: Uuid,
        user_id: Uuid,
        marks: &[(Uuid, Choice)],
        today: NaiveDate,
    ) -> StoreResult<DateTime<Utc>> {
        let txn = self.db.begin().await?;
        lock_in_stage(&txn, round.id, RoundStage::Voting, true).await?;
        let ballot_id = Uuid::new_v4();
        let cast_at = renda_domain::time::now();
        let voter = vt::ActiveModel {
            round_id: Set(round.id),
            deputy_id: Set(deputy_id),
            ballot_id: Set((!round.secret_ballot).then_some(ballot_id)),
            user_id: Set(user_id),
            cast_at: Set(cast_at),
        };
        if let Err(e) = vt::Entity::insert(voter).exec_without_returning(&txn).await {
            return Err(match StoreError::from(e) {
                StoreError::Conflict("unique_violation") => StoreError::Conflict("already_voted"),
                other => other,
            });
        }
        if round.secret_ballot {
            // Sealed until the close: in a copy of the database the order
            // of these rows follows the voters, but their content cannot
            // be read without the key kept outside it.
            let id = Uuid::new_v4();
            sb::Entity::insert(sb::ActiveModel {
                id: Set(id),
                round_id: Set(round.id),
                sealed: Set(seal_ballot(&self.crypto, id, marks)),
            })
            .exec_without_returning(&txn)
            .await?;
        } else if !marks.is_empty() {
            mk::Entity::insert_many(marks.iter().map(|(c, m)| mk::ActiveModel {
                ballot_id: Set(ballot_id),
                candidate_id: Set(*c),
                round_id: Set(round.id),
                choice: Set(m.as_str().to_owned()),
            }))
            .exec_without_returning(&txn)
            .await?;
        }
        write_duty(
            &txn,
            &self.crypto,
            ctx,
            NewDuty {
                deputy_id,
                kind: DutyKind::LivelihoodBallot,
                occurred_on: today,
                title: round.title.clone(),
                content: None,
                ref_type: Some("livelihood_round"),
                ref_id: Some(round.id),
            },
            false,
        )
        .await?;
        let after = if round.secret_ballot {
            serde_json::json!({"deputy_id": deputy_id, "secret": true})
        } else {
            serde_json::json!({"deputy_id": deputy_id, "marks": marks})
        };
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "ballot",
            OBJECT,
            Some(round.id),
            None::<&serde_json::Value>,
            Some(&after),
        )
        .await?;
        txn.commit().await?;
        Ok(cast_at)
    }

    pub async fn ballots_cast(&self, round: Uuid) -> StoreResult<u64> {
        Ok(vt::Entity::find()
            .filter(vt::Column::RoundId.eq(round))
            .count(&self.db)
            .await?)
    }

    /// Who voted, in order; the marks only for an open ballot.
    pub async fn round_voters(&self, round: &Round) -> StoreResult<Vec<Voter>> {
        let voters = vt::Entity::find()
            .filter(vt::Column::RoundId.eq(round.id))
            .order_by_asc(vt::Column::CastAt)
            .order_by_asc(vt::Column::DeputyId)
            .all(&self.db)
            .await?;
        let mut marks: HashMap<Uuid, Marks> = HashMap::new();
        if !round.secret_ballot {
            for m in mk::Entity::find()
                .filter(mk::Column::RoundId.eq(round.id))
                .order_by_asc(mk::Column::CandidateId)
                .all(&self.db)
                .await?
            {
                marks
                    .entry(m.ballot_id)
                    .or_default()
                    .push((m.candidate_id, parse_stored(&m.choice)?));
            }
        }
        Ok(voters
            .into_iter()
            .map(|v| Voter {
                deputy_id: v.deputy_id,
                cast_at: v.cast_at,
                marks: v.ballot_id.map(|b| marks.remove(&b).unwrap_or_default()),
            })
            .collect())
    }

    /// The count of the stored ballots, as the tally would make it now.
    pub async fn round_result(&self, round: &Round) -> StoreResult<VoteResult> {
        count_votes(&self.db, &self.crypto, round.id, round.seats).await
    }

    /// Closes the vote: counts the stored ballots inside the transaction
    /// (after locking the round, so no ballot slips in after the count),
    /// marks candidates adopted or not with their counts, and moves the
    /// round to implementing. Candidates tied at the cut-off are marked
    /// `tied` for the office to decide ([`Store::break_tie`]); the count
    /// is frozen either way.
    pub async fn close_voting(
        &self,
        ctx: &AuditCtx,
        round: Uuid,
    ) -> StoreResult<(Round, VoteResult)> {
        let txn = self.db.begin().await?;
        let now = renda_domain::time::now();
        // Ballots keep arriving until this lock: the count below sees every
        // ballot committed before it, and none can be added after it.
        lock_in_stage(&txn, round, RoundStage::Voting, false).await?;
        let current = RoundEntity::find_by_id(round)
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        let before = &round_from(current)?;
        open_ballot_box(&txn, &self.crypto, before.id).await?;
        let result = count_votes(&txn, &self.crypto, before.id, before.seats).await?;
        for c in shortlist_of(&txn, before.id).await? {
            let n = result.counts.get(&c).copied().unwrap_or_default();
            let status = if result.adopted.contains(&c) {
                CandidateStatus::Adopted
            } else if result.tied.contains(&c) {
                CandidateStatus::Tied
            } else {
                CandidateStatus::NotAdopted
            };
            lc::Entity::update_many()
                .col_expr(lc::Column::Status, Expr::value(status.as_str()))
                .col_expr(lc::Column::Approvals, Expr::value(Some(count(n.approvals))))
                .col_expr(lc::Column::Against, Expr::value(Some(count(n.against))))
                .col_expr(
                    lc::Column::Abstentions,
                    Expr::value(Some(count(n.abstentions))),
                )
                .col_expr(lc::Column::UpdatedAt, Expr::value(now))
                .col_expr(lc::Column::Version, Expr::col(lc::Column::Version).add(1))
                .filter(lc::Column::Id.eq(c))
                .exec(&txn)
                .await?;
        }
        let mut after = before.clone();
        after.stage = RoundStage::Implementing;
        after.updated_at = now;
        after.version = before.version + 1;
        RoundEntity::update_many()
            .set(round_active(&after))
            .filter(C::Id.eq(before.id))
            .exec(&txn)
            .await?;
        let detail = serde_json::json!({
            "ballots": result.ballots,
            "adopted": result.adopted,
            "tied": result.tied,
            "open_seats": result.open_seats,
        });
        let event = Event {
            action: "voting_closed",
            detail: Some(detail.clone()),
        };
        insert_event(
            &txn,
            ctx,
            before.id,
            Some(before.stage),
            Some(after.stage),
            &event,
        )
        .await?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "transition:voting_closed",
            OBJECT,
            Some(before.id),
            Some(before),
            Some(&serde_json::json!({"round": after, "result": detail})),
        )
        .await?;
        txn.commit().await?;
        Ok((after, result))
    }

    /// Decides a tie at the cut-off: `adopt` names exactly as many of the
    /// tied candidates as seats are open; the others are not adopted. The
    /// decision and its reason stay with the round. No tie, or a choice
    /// that does not fit, is `Conflict("bad_tie_break")`.
    pub async fn break_tie(
        &self,
        ctx: &AuditCtx,
        before: &Round,
        adopt: &[Uuid],
        reason: &str,
    ) -> StoreResult<Round> {
        let txn = self.db.begin().await?;
        let now = renda_domain::time::now();
        let res = RoundEntity::update_many()
            .col_expr(C::Version, Expr::value(before.version + 1))
            .filter(C::Id.eq(before.id))
            .filter(C::Version.eq(before.version))
            .filter(C::Stage.eq(RoundStage::Implementing.as_str()))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(StoreError::VersionMismatch);
        }
        let all = lc::Entity::find()
            .filter(lc::Column::RoundId.eq(before.id))
            .all(&txn)
            .await?;
        let tied: Vec<Uuid> = all
            .iter()
            .filter(|m| m.status == CandidateStatus::Tied.as_str())
            .map(|m| m.id)
            .collect();
        let adopted = all
            .iter()
            .filter(|m| m.status == CandidateStatus::Adopted.as_str())
            .count();
        let open = usize::try_from(before.seats)
            .unwrap_or(usize::MAX)
            .saturating_sub(adopted);
        let mut chosen = adopt.to_vec();
        chosen.sort();
        chosen.dedup();
        if tied.is_empty() || chosen.len() != open || !chosen.iter().all(|c| tied.contains(c)) {
            return Err(StoreError::Conflict("bad_tie_break"));
        }
        for c in &tied {
            let status = if chosen.contains(c) {
                CandidateStatus::Adopted
            } else {
                CandidateStatus::NotAdopted
            };
            lc::Entity::update_many()
                .col_expr(lc::Column::Status, Expr::value(status.as_str()))
                .col_expr(lc::Column::UpdatedAt, Expr::value(now))
                .col_expr(lc::Column::Version, Expr::col(lc::Column::Version).add(1))
                .filter(lc::Column::Id.eq(*c))
                .exec(&txn)
                .await?;
        }
        let mut after = before.clone();
        after.tie_break = Some(
            serde_json::json!({"tied": tied, "adopted": chosen, "reason": reason}).to_string(),
        );
        after.updated_at = now;
        after.version = before.version + 1;
        RoundEntity::update_many()
            .set(round_active(&after))
            .filter(C::Id.eq(before.id))
            .exec(&txn)
            .await?;
        let event = Event {
            action: "tie_broken",
            detail: Some(serde_json::json!({"tied": tied, "adopted": chosen, "reason": reason})),
        };
        insert_event(
            &txn,
            ctx,
            before.id,
            Some(before.stage),
            Some(after.stage),
            &event,
        )
        .await?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "tie_broken",
            OBJECT,
            Some(before.id),
            Some(before),
            Some(&after),
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Whether candidates tied at the cut-off still wait for a decision.
    pub async fn tie_pending(&self, round: Uuid) -> StoreResult<bool> {
        Ok(lc::Entity::find()
            .filter(lc::Column::RoundId.eq(round))
            .filter(lc::Column::Status.eq(CandidateStatus::Tied.as_str()))
            .count(&self.db)
            .await?
            > 0)
    }

    /// A project's unit reports progress.
    pub async fn add_progress(
        &self,
        ctx: &AuditCtx,
        round: Uuid,
        p: Progress,
    ) -> StoreResult<Progress> {
        let txn = self.db.begin().await?;
        lock_in_stages(
            &txn,
            round,
            &[RoundStage::Implementing, RoundStage::Evaluating],
        )
        .await?;
        lp::ActiveModel {
            id: Set(p.id),
            candidate_id: Set(p.candidate_id),
            percent: Set(p.percent),
            note: Set(p.note.clone()),
            reported_on: Set(p.reported_on),
            reported_by: Set(p.reported_by),
            created_at: Set(p.created_at),
        }
        .insert(&txn)
        .await?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "progress",
            "livelihood_candidate",
            Some(p.candidate_id),
            None::<&Progress>,
            Some(&p),
        )
        .await?;
        txn.commit().await?;
        Ok(p)
    }

    pub async fn project_progress(&self, candidate: Uuid) -> StoreResult<Vec<Progress>> {
        Ok(lp::Entity::find()
            .filter(lp::Column::CandidateId.eq(candidate))
            .order_by_asc(lp::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| Progress {
                id: m.id,
                candidate_id: m.candidate_id,
                percent: m.percent,
                note: m.note,
                reported_on: m.reported_on,
                reported_by: m.reported_by,
                created_at: m.created_at,
            })
            .collect())
    }

    pub async fn add_comment(
        &self,
        ctx: &AuditCtx,
        round: Uuid,
        c: Comment,
    ) -> StoreResult<Comment> {
        let txn = self.db.begin().await?;
        lock_in_stages(
            &txn,
            round,
            &[RoundStage::Implementing, RoundStage::Evaluating],
        )
        .await?;
        lcm::ActiveModel {
            id: Set(c.id),
            candidate_id: Set(c.candidate_id),
            deputy_id: Set(c.deputy_id),
            content: Set(c.content.clone()),
            created_at: Set(c.created_at),
        }
        .insert(&txn)
        .await?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "comment",
            "livelihood_candidate",
            Some(c.candidate_id),
            None::<&Comment>,
            Some(&c),
        )
        .await?;
        txn.commit().await?;
        Ok(c)
    }

    pub async fn project_comments(&self, candidate: Uuid) -> StoreResult<Vec<Comment>> {
        Ok(lcm::Entity::find()
            .filter(lcm::Column::CandidateId.eq(candidate))
            .order_by_asc(lcm::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| Comment {
                id: m.id,
                candidate_id: m.candidate_id,
                deputy_id: m.deputy_id,
                content: m.content,
                created_at: m.created_at,
            })
            .collect())
    }

    /// A deputy rates a project once, while the round is evaluating.
    pub async fn rate_project(
        &self,
        ctx: &AuditCtx,
        project: &Candidate,
        deputy_id: Uuid,
        user_id: Uuid,
        choice: Rating,
        today: NaiveDate,
    ) -> StoreResult<DateTime<Utc>> {
        let txn = self.db.begin().await?;
        lock_in_stage(&txn, project.round_id, RoundStage::Evaluating, false).await?;
        let at = renda_domain::time::now();
        let row = rt::ActiveModel {
            candidate_id: Set(project.id),
            deputy_id: Set(deputy_id),
            choice: Set(choice.as_str().to_owned()),
            user_id: Set(user_id),
            rated_at: Set(at),
        };
        if let Err(e) = rt::Entity::insert(row).exec_without_returning(&txn).await {
            return Err(match StoreError::from(e) {
                StoreError::Conflict("unique_violation") => StoreError::Conflict("already_rated"),
                other => other,
            });
        }
        write_duty(
            &txn,
            &self.crypto,
            ctx,
            NewDuty {
                deputy_id,
                kind: DutyKind::LivelihoodRating,
                occurred_on: today,
                title: project.title.clone(),
                content: None,
                ref_type: Some("livelihood_project"),
                ref_id: Some(project.id),
            },
            false,
        )
        .await?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "rating",
            "livelihood_candidate",
            Some(project.id),
            None::<&serde_json::Value>,
            Some(&serde_json::json!({"deputy_id": deputy_id, "choice": choice})),
        )
        .await?;
        txn.commit().await?;
        Ok(at)
    }

    /// The ratings of each project of a round.
    pub async fn round_ratings(&self, round: Uuid) -> StoreResult<HashMap<Uuid, Tally>> {
        let projects: Vec<Uuid> = lc::Entity::find()
            .filter(lc::Column::RoundId.eq(round))
            .filter(lc::Column::Status.eq(CandidateStatus::Adopted.as_str()))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| m.id)
            .collect();
        let mut out: HashMap<Uuid, Vec<Rating>> =
            projects.iter().map(|p| (*p, Vec::new())).collect();
        if !projects.is_empty() {
            for m in rt::Entity::find()
                .filter(rt::Column::CandidateId.is_in(projects))
                .all(&self.db)
                .await?
            {
                out.entry(m.candidate_id)
                    .or_default()
                    .push(parse_stored(&m.choice)?);
            }
        }
        Ok(out.into_iter().map(|(k, v)| (k, Tally::of(v))).collect())
    }
}
