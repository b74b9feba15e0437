//! Rounds and their candidates.

use super::*;
use crate::error::Conflict;

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

    /// Writes the change's `after` over `before` if unchanged meanwhile,
    /// with a timeline event and an audit entry. A stage the round enters
    /// is checked again, with the round locked, against its candidates
    /// ([`rules::entry_blocker`]).
    pub async fn save_round(
        &self,
        ctx: &AuditCtx,
        before: &Round,
        change: Change,
    ) -> StoreResult<Round> {
        let Change {
            mut after,
            event,
            effects,
        } = change;
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
        // the candidates cannot change under this check.
        if after.stage != before.stage {
            let candidates = lc::Entity::find()
                .filter(lc::Column::RoundId.eq(before.id))
                .order_by_asc(lc::Column::Id)
                .all(&txn)
                .await?
                .into_iter()
                .map(candidate_from)
                .collect::<StoreResult<Vec<_>>>()?;
            let facts = rules::RoundFacts::of(&candidates);
            if let Some(b) = rules::entry_blocker(after.stage, &facts) {
                return Err(StoreError::Conflict(match b {
                    rules::RoundBlocker::Undecided(_) => Conflict::CandidatesUndecided,
                    rules::RoundBlocker::NothingShortlisted => Conflict::NothingShortlisted,
                    rules::RoundBlocker::TiePending => Conflict::TiePending,
                }));
            }
        }
        for e in &effects {
            if let renda_domain::livelihood::Effect::Notify(n) = e {
                crate::notifications::write(&txn, n).await?;
            }
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
        crate::timeline::read(&self.db, &crate::timeline::ROUNDS, id).await
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
}
