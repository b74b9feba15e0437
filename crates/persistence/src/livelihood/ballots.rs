//! Ballots, secret and open, the count, and ties.

use super::*;
use crate::error::Conflict;

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

/// The stored ballots of a round, sealed ones included: one per voter,
/// an empty one for a voter who marked nothing.
async fn stored_ballots<Conn: ConnectionTrait>(
    c: &Conn,
    crypto: &crate::crypto::Crypto,
    round: Uuid,
) -> StoreResult<Vec<Marks>> {
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
    Ok(list)
}

/// The deputies serving in the round's congress (its level and term),
/// each once and none deleted: as [`rules::voter`] counts who may vote.
async fn serving_members<Conn: ConnectionTrait>(c: &Conn, r: &Round) -> StoreResult<u32> {
    use crate::entities::{deputy as dp, deputy_membership as dm};
    use sea_orm::sea_query::{Alias, Func, Query};
    let q = Query::select()
        .expr_as(
            Func::count_distinct(Expr::col((dm::Entity, dm::Column::DeputyId))),
            Alias::new("n"),
        )
        .from(dm::Entity)
        .inner_join(
            dp::Entity,
            Expr::col((dp::Entity, dp::Column::Id)).equals((dm::Entity, dm::Column::DeputyId)),
        )
        .and_where(Expr::col((dp::Entity, dp::Column::DeletedAt)).is_null())
        .and_where(Expr::col((dm::Entity, dm::Column::Level)).eq(r.level.as_str()))
        .and_where(Expr::col((dm::Entity, dm::Column::Term)).eq(r.term.clone()))
        .and_where(
            Expr::col((dm::Entity, dm::Column::Status))
                .eq(renda_domain::deputy::MembershipStatus::Serving.as_str()),
        )
        .to_owned();
    let row = c.query_one(&q).await?;
    let n: i64 = match row {
        Some(row) => row.try_get("", "n")?,
        None => 0,
    };
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// A ballot's marks, each a candidate and a choice.
pub type Marks = Vec<(Uuid, Choice)>;

impl Store {
    /// Records a deputy's ballot while the round is voting. The voter row's
    /// primary key refuses a second ballot (`Conflict(Conflict::AlreadyVoted)`),
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
                StoreError::Conflict(Conflict::UniqueViolation) => {
                    StoreError::Conflict(Conflict::AlreadyVoted)
                }
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
                deputy_id: deputy_id.into(),
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

    /// The count of the stored ballots under the round's rule, as the
    /// vote's closing made it (the membership counted then).
    pub async fn round_result(&self, round: &Round) -> StoreResult<VoteResult> {
        let shortlist = shortlist_of(&self.db, round.id).await?;
        let ballots = stored_ballots(&self.db, &self.crypto, round.id).await?;
        Ok(round.count(&shortlist, &ballots, round.voting_members.unwrap_or(0)))
    }

    /// Closes the vote: counts the stored ballots inside the transaction
    /// (after locking the round, so no ballot slips in after the count),
    /// lets the domain decide each candidate ([`rules::close_voting`]):
    /// adopted or not with their counts, and the round implementing. Candidates tied at the cut-off are marked
    /// `tied` for the office to decide ([`Store::break_tie`]); the count
    /// is frozen either way.
    pub async fn close_voting(
        &self,
        ctx: &AuditCtx,
        round: Uuid,
    ) -> StoreResult<Result<(Round, VoteResult), rules::LivelihoodError>> {
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
        let ballots = stored_ballots(&txn, &self.crypto, before.id).await?;
        let members = serving_members(&txn, before).await?;
        let shortlist = shortlist_of(&txn, before.id).await?;
        let (change, result) = match rules::close_voting(before, &shortlist, &ballots, members) {
            Ok(decided) => decided,
            // No quorum: nothing is written, the ballot box stays sealed
            // (the transaction rolls back as it drops).
            Err(refused) => return Ok(Err(refused)),
        };
        open_ballot_box(&txn, &self.crypto, before.id).await?;
        let detail = change.event.detail.clone();
        let after = apply(&txn, ctx, before, change, now).await?;
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
        Ok(Ok((after, result)))
    }

    /// Decides a tie at the cut-off: reads the candidates with the round
    /// locked at `before.version` and lets the domain decide
    /// ([`rules::break_tie`]); no tie, or a choice that does not fit, is
    /// `Conflict(Conflict::BadTieBreak)`.
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
        let candidates = lc::Entity::find()
            .filter(lc::Column::RoundId.eq(before.id))
            .all(&txn)
            .await?
            .into_iter()
            .map(|m| Ok((m.id, parse_stored::<CandidateStatus>(&m.status)?)))
            .collect::<StoreResult<Vec<_>>>()?;
        let change = rules::break_tie(before, &candidates, adopt, reason).map_err(|e| match e {
            rules::LivelihoodError::Invalid(i)
                if i.iter().any(|f| f.issue == rules::Issue::BadTieBreak) =>
            {
                StoreError::Conflict(Conflict::BadTieBreak)
            }
            // The lock above holds the round in the stage the domain
            // needs; a blank reason is the caller's to refuse first.
            _ => StoreError::VersionMismatch,
        })?;
        let after = apply(&txn, ctx, before, change, now).await?;
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
}

/// Writes a change of a round already locked inside `txn`: the round at
/// the next version, the candidates it decides, and the timeline event.
async fn apply<Conn: ConnectionTrait>(
    txn: &Conn,
    ctx: &AuditCtx,
    before: &Round,
    change: Change,
    now: DateTime<Utc>,
) -> StoreResult<Round> {
    let Change {
        mut after,
        event,
        effects,
    } = change;
    for e in &effects {
        let Effect::Decided {
            candidate_id,
            status,
            count: n,
        } = e
        else {
            if let Effect::Notify(notice) = e {
                crate::notifications::write(txn, notice).await?;
            }
            continue;
        };
        let mut q = lc::Entity::update_many()
            .col_expr(lc::Column::Status, Expr::value(status.as_str()))
            .col_expr(lc::Column::UpdatedAt, Expr::value(now))
            .col_expr(lc::Column::Version, Expr::col(lc::Column::Version).add(1));
        if let Some(n) = n {
            q = q
                .col_expr(lc::Column::Approvals, Expr::value(Some(count(n.approvals))))
                .col_expr(lc::Column::Against, Expr::value(Some(count(n.against))))
                .col_expr(
                    lc::Column::Abstentions,
                    Expr::value(Some(count(n.abstentions))),
                );
        }
        q.filter(lc::Column::Id.eq(*candidate_id)).exec(txn).await?;
    }
    after.updated_at = now;
    after.version = before.version + 1;
    RoundEntity::update_many()
        .set(round_active(&after))
        .filter(C::Id.eq(before.id))
        .exec(txn)
        .await?;
    insert_event(
        txn,
        ctx,
        before.id,
        Some(before.stage),
        Some(after.stage),
        &event,
    )
    .await?;
    Ok(after)
}
