//! 交办 batches: a handing-out meeting's record and the assignments it
//! made, written together or not at all.

use renda_domain::suggestion::{AssignmentBatch, Change, Suggestion};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, TransactionTrait};
use uuid::Uuid;

use crate::Store;
use crate::audit::{self, AuditCtx};
use crate::entities::assignment_batch::{self as ab, Column as C, Entity as Batches};
use crate::error::{StoreError, StoreResult};
use crate::list::{self, ListOptions, Page};

fn active(b: &AssignmentBatch) -> ab::ActiveModel {
    ab::ActiveModel {
        id: Set(b.id),
        title: Set(b.title.clone()),
        meeting_date: Set(b.meeting_date),
        congress_session_id: Set(b.congress_session_id),
        document_number: Set(b.document_number.clone()),
        item_count: Set(b.item_count),
        created_by: Set(b.created_by.uuid()),
        created_at: Set(b.created_at),
        updated_at: Set(b.updated_at),
        deleted_at: Set(None),
        version: Set(b.version),
    }
}

fn from_model(m: ab::Model) -> AssignmentBatch {
    AssignmentBatch {
        id: m.id,
        title: m.title,
        meeting_date: m.meeting_date,
        congress_session_id: m.congress_session_id,
        document_number: m.document_number,
        item_count: m.item_count,
        created_by: m.created_by.into(),
        created_at: m.created_at,
        updated_at: m.updated_at,
        version: m.version,
    }
}

impl Store {
    /// Records a batch and saves each of its suggestions' assignments, in
    /// one transaction: a suggestion changed by someone else meanwhile
    /// (`VersionMismatch`) or any other failure leaves nothing written.
    /// The saved suggestions come back in id order.
    pub async fn hand_out(
        &self,
        ctx: &AuditCtx,
        batch: AssignmentBatch,
        changes: Vec<(&Suggestion, Change)>,
    ) -> StoreResult<(AssignmentBatch, Vec<Suggestion>)> {
        let txn = self.db.begin().await?;
        active(&batch).insert(&txn).await?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "create",
            "assignment_batch",
            Some(batch.id),
            None::<&AssignmentBatch>,
            Some(&batch),
        )
        .await?;
        // The suggestions' rows in id order, then the figures and tallies
        // once: two batches, or a batch and a single change, wait for each
        // other's rows in one order only.
        let mut changes = changes;
        changes.sort_by_key(|(before, _)| before.id);
        let mut totals = super::Totals::default();
        let mut saved = Vec::with_capacity(changes.len());
        for (before, change) in changes {
            saved.push(
                super::save_in(
                    &txn,
                    &self.crypto,
                    &self.numbering,
                    ctx,
                    before,
                    change,
                    Some(&mut totals),
                )
                .await?,
            );
        }
        totals.write(&txn).await?;
        txn.commit().await?;
        Ok((batch, saved))
    }

    pub async fn get_assignment_batch(&self, id: Uuid) -> StoreResult<AssignmentBatch> {
        Batches::find_by_id(id)
            .one(&self.db)
            .await?
            .map(from_model)
            .ok_or(StoreError::NotFound)
    }

    /// Batches, newest changes last, paged like every collection.
    pub async fn list_assignment_batches(
        &self,
        opts: &ListOptions,
    ) -> StoreResult<Page<AssignmentBatch>> {
        let keys = list::Keys {
            id: C::Id,
            updated_at: C::UpdatedAt,
            deleted_at: Some(C::DeletedAt),
            seq: list::SEQ_COLUMN,
        };
        let page = list::paginate(&self.db, Batches::find(), keys, opts, |m: &ab::Model| {
            (m.id, m.updated_at, m.deleted_at)
        })
        .await?;
        Ok(page.map(from_model))
    }
}
