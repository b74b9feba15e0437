//! Planning, saving and voting on items.

use super::*;
use crate::error::Conflict;
use renda_domain::supervision as rules;

impl Store {
    pub async fn create_supervision(
        &self,
        ctx: &AuditCtx,
        item: SupervisionItem,
    ) -> StoreResult<SupervisionItem> {
        let txn = self.db.begin().await?;
        to_model(&item)?.insert(&txn).await?;
        write_links(&txn, None, &item).await?;
        let event = Event {
            action: "created",
            detail: None,
        };
        insert_event(&txn, ctx, item.id, None, Some(item.stage), &event).await?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "create",
            OBJECT,
            Some(item.id),
            None::<&SupervisionItem>,
            Some(&item),
        )
        .await?;
        let saved = load(&txn, item.id).await?;
        txn.commit().await?;
        Ok(saved)
    }

    pub async fn get_supervision(&self, id: Uuid) -> StoreResult<SupervisionItem> {
        load(&self.db, id).await
    }

    /// Writes the change's `after` over `before` if the item is still at
    /// `before.version`, with its side records, timeline event and audit
    /// entry, in one transaction.
    pub async fn save_supervision(
        &self,
        ctx: &AuditCtx,
        before: &SupervisionItem,
        change: Change,
    ) -> StoreResult<SupervisionItem> {
        let txn = self.db.begin().await?;
        let id = write_change(&txn, &self.crypto, ctx, before, change).await?;
        let saved = load(&txn, id).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// Records a committee member's vote in the item's current round. The
    /// item must still be evaluating that round; a second vote of the same
    /// member in the round is `Conflict(Conflict::AlreadyVoted)`.
    pub async fn cast_vote(
        &self,
        ctx: &AuditCtx,
        item: &SupervisionItem,
        deputy_id: Uuid,
        user_id: Uuid,
        ballot: &rules::BallotInput,
    ) -> StoreResult<Vote> {
        let txn = self.db.begin().await?;
        // Touching the row orders the vote against a concurrent conclusion.
        let res = ItemEntity::update_many()
            .col_expr(C::Round, Expr::col(C::Round))
            .filter(C::Id.eq(item.id))
            .filter(C::Stage.eq(Stage::Evaluating.as_str()))
            .filter(C::Round.eq(item.round))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(StoreError::VersionMismatch);
        }
        let exists = vote::Entity::find_by_id((item.id, item.round, deputy_id))
            .one(&txn)
            .await?
            .is_some();
        if exists {
            return Err(StoreError::Conflict(Conflict::AlreadyVoted));
        }
        let choice = ballot.choice;
        let v = Vote {
            round: item.round,
            deputy_id: deputy_id.into(),
            choice,
            bodies: ballot.bodies.clone(),
            voted_at: renda_domain::time::now(),
        };
        let inserted = vote::ActiveModel {
            item_id: Set(item.id),
            round: Set(v.round),
            deputy_id: Set(deputy_id),
            choice: Set(choice.as_str().to_owned()),
            user_id: Set(user_id),
            voted_at: Set(v.voted_at),
        }
        .insert(&txn)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) => {
                return Err(match StoreError::from(e) {
                    StoreError::Conflict(_) => StoreError::Conflict(Conflict::AlreadyVoted),
                    other => other,
                });
            }
        }
        let rows: Vec<bvote::ActiveModel> = v
            .bodies
            .iter()
            .map(|(b, c)| bvote::ActiveModel {
                item_id: Set(item.id),
                round: Set(v.round),
                deputy_id: Set(deputy_id),
                body_id: Set((*b).into()),
                choice: Set(c.as_str().to_owned()),
            })
            .collect();
        if !rows.is_empty() {
            bvote::Entity::insert_many(rows)
                .exec_without_returning(&txn)
                .await?;
        }
        crate::duties::write_duty(
            &txn,
            &self.crypto,
            ctx,
            crate::duties::NewDuty {
                deputy_id: deputy_id.into(),
                kind: renda_domain::duty::DutyKind::SupervisionVote,
                occurred_on: renda_domain::time::china_date(v.voted_at),
                title: item.title.clone(),
                content: None,
                ref_type: Some("supervision"),
                ref_id: Some(item.id),
            },
            false,
        )
        .await?;
        // Who voted is on record; how is not (the ballot is secret; only
        // the tally of the round is published).
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "vote",
            OBJECT,
            Some(item.id),
            None::<&serde_json::Value>,
            Some(&serde_json::json!({"round": v.round, "deputy_id": deputy_id})),
        )
        .await?;
        txn.commit().await?;
        Ok(v)
    }

    /// Concludes the current evaluation round: reads its votes inside the
    /// transaction (after the item row is locked, so no vote slips in
    /// after the count), lets the domain decide the outcome
    /// ([`renda_domain::supervision::conclude`], with the round's
    /// attendance) and writes the change; the domain's refusal (no votes,
    /// no quorum) writes nothing and is the inner `Err`.
    pub async fn conclude_evaluation(
        &self,
        ctx: &AuditCtx,
        before: &SupervisionItem,
        cmd: &rules::Ctx,
    ) -> StoreResult<Result<(SupervisionItem, Evaluation), rules::SupervisionError>> {
        let txn = self.db.begin().await?;
        // A no-op write that locks the row while the item is still
        // evaluating at this version.
        let res = ItemEntity::update_many()
            .col_expr(C::Version, Expr::col(C::Version))
            .filter(C::Id.eq(before.id))
            .filter(C::Version.eq(before.version))
            .filter(C::Stage.eq(Stage::Evaluating.as_str()))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(StoreError::VersionMismatch);
        }
        let votes = super::reading::votes_of(&txn, before.id, Some(before.round)).await?;
        let present = super::reading::attendance_of(&txn, before.id, before.round).await?;
        let change = match rules::conclude(before, &votes, present.as_ref(), cmd) {
            Ok(c) => c,
            // Nothing is written: the transaction rolls back as it drops.
            Err(refused) => return Ok(Err(refused)),
        };
        let evaluation = change
            .evaluation()
            .cloned()
            .ok_or(StoreError::VersionMismatch)?;
        let id = write_change(&txn, &self.crypto, ctx, before, change).await?;
        let saved = load(&txn, id).await?;
        txn.commit().await?;
        Ok(Ok((saved, evaluation)))
    }
}

/// Writes a change inside `txn`: the item if still at `before.version`
/// (or, when only side records change, touched in the same stage), its
/// links, side records, timeline and outbox events and audit entry.
async fn write_change<Conn: ConnectionTrait>(
    txn: &Conn,
    crypto: &crate::crypto::Crypto,
    ctx: &AuditCtx,
    before: &SupervisionItem,
    change: Change,
) -> StoreResult<Uuid> {
    let Change {
        mut after,
        event,
        effects,
    } = change;
    let now = renda_domain::time::now();
    let res = if after == *before {
        // Only side records change: they guard their own rows, so
        // concurrent additions do not refuse each other. The item is
        // touched (a new version, in the same stage) so that caches and
        // `modified_since` see the change.
        ItemEntity::update_many()
            .col_expr(C::Version, Expr::col(C::Version).add(1))
            .col_expr(C::UpdatedAt, Expr::value(now))
            .filter(C::Id.eq(before.id))
            .filter(C::Stage.eq(before.stage.as_str()))
            .exec(txn)
            .await?
    } else {
        after.updated_at = now;
        after.version = before.version + 1;
        ItemEntity::update_many()
            .set(to_model(&after)?)
            .filter(C::Id.eq(before.id))
            .filter(C::Version.eq(before.version))
            .exec(txn)
            .await?
    };
    if res.rows_affected != 1 {
        return Err(StoreError::VersionMismatch);
    }
    write_links(txn, Some(before), &after).await?;
    for e in &effects {
        side_write(txn, after.id, e).await?;
    }
    let (from, to) = (before.stage, after.stage);
    insert_event(txn, ctx, after.id, Some(from), Some(to), &event).await?;
    let action = if from == to {
        event.action.to_owned()
    } else {
        format!("transition:{}", event.action)
    };
    #[derive(Serialize)]
    struct Audited<'a> {
        item: &'a SupervisionItem,
        writes: &'a [Effect],
    }
    audit::record(
        txn,
        crypto,
        ctx,
        &action,
        OBJECT,
        Some(after.id),
        Some(before),
        Some(&Audited {
            item: &after,
            writes: &effects,
        }),
    )
    .await?;
    Ok(after.id)
}
