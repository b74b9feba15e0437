//! A suggestion's timeline, records, requests, commitments, lineage,
//! replies and attachments, and the outcomes of many.

use super::*;

impl Store {
    /// The outcome of each of `ids` still on record (a deleted suggestion
    /// is left out), a thousand to a statement: what a deputy's duty
    /// report counts, without reading each whole suggestion.
    pub async fn suggestion_outcomes(&self, ids: &[Uuid]) -> StoreResult<HashMap<Uuid, Outcome>> {
        use sea_orm::QuerySelect;
        let mut out = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(1000) {
            let rows: Vec<(Uuid, String, Option<String>)> = SuggestionEntity::find()
                .select_only()
                .column(C::Id)
                .column(C::Status)
                .column(C::EvaluationResult)
                .filter(C::Id.is_in(chunk.iter().copied()))
                .filter(C::DeletedAt.is_null())
                .into_tuple()
                .all(&self.db)
                .await?;
            for (id, status, evaluation) in rows {
                let outcome = Outcome {
                    status: parse_stored(&status)?,
                    evaluation_result: evaluation.as_deref().map(parse_stored).transpose()?,
                };
                out.insert(id, outcome);
            }
        }
        Ok(out)
    }

    pub async fn suggestion_timeline(&self, id: Uuid) -> StoreResult<Vec<TimelineEntry>> {
        crate::timeline::read(&self.db, &crate::timeline::SUGGESTIONS, id).await
    }

    pub async fn suggestion_records(
        &self,
        id: Uuid,
        kind: Option<SuggestionRecordKind>,
    ) -> StoreResult<Vec<SuggestionRecord>> {
        let mut q = rec::Entity::find().filter(rec::Column::SuggestionId.eq(id));
        if let Some(k) = kind {
            q = q.filter(rec::Column::Kind.eq(k.as_str()));
        }
        q.order_by_asc(rec::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| {
                Ok(SuggestionRecord {
                    id: m.id,
                    kind: parse_stored(&m.kind)?,
                    occurred_on: m.occurred_on,
                    participants: m.participants,
                    content: m.content,
                    created_by: m.created_by,
                    created_at: m.created_at,
                })
            })
            .collect()
    }

    pub async fn suggestion_requests(&self, id: Uuid) -> StoreResult<Vec<UnitRequest>> {
        rq::Entity::find()
            .filter(rq::Column::SuggestionId.eq(id))
            .order_by_asc(rq::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| {
                Ok(UnitRequest {
                    id: m.id,
                    unit_id: m.unit_id.into(),
                    kind: parse_stored(&m.kind)?,
                    reason: m.reason,
                    requested_deadline: m.requested_deadline,
                    status: parse_stored(&m.status)?,
                    decided_by: m.decided_by.map(Into::into),
                    decided_at: m.decided_at,
                    decision_note: m.decision_note,
                    created_by: m.created_by.into(),
                    created_at: m.created_at,
                })
            })
            .collect()
    }

    pub async fn suggestion_commitments(&self, id: Uuid) -> StoreResult<Vec<Commitment>> {
        cm::Entity::find()
            .filter(cm::Column::SuggestionId.eq(id))
            .order_by_asc(cm::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| {
                Ok(Commitment {
                    id: m.id,
                    reply_id: m.reply_id,
                    content: m.content,
                    due_date: m.due_date,
                    status: parse_stored(&m.status)?,
                    progress: m.progress,
                    fulfilled_at: m.fulfilled_at,
                    updated_at: m.updated_at,
                })
            })
            .collect()
    }

    pub async fn suggestion_assignments(&self, id: Uuid) -> StoreResult<Vec<AssignmentSpell>> {
        Ok(sa::Entity::find()
            .filter(sa::Column::SuggestionId.eq(id))
            .order_by_asc(sa::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| AssignmentSpell {
                id: m.id,
                lead_unit_id: m.lead_unit_id,
                started_at: m.started_at,
                ended_at: m.ended_at,
                end_reason: m.end_reason,
            })
            .collect())
    }

    pub async fn suggestion_replies(&self, id: Uuid) -> StoreResult<Vec<Reply>> {
        rp::Entity::find()
            .filter(rp::Column::SuggestionId.eq(id))
            .order_by_asc(rp::Column::Round)
            .all(&self.db)
            .await?
            .into_iter()
            .map(reply_from)
            .collect()
    }

    /// How many records of a kind a suggestion has (made at or after `since`, if given).
    pub async fn count_suggestion_records(
        &self,
        id: Uuid,
        kind: SuggestionRecordKind,
        since: Option<DateTime<Utc>>,
    ) -> StoreResult<u32> {
        let mut q = rec::Entity::find()
            .filter(rec::Column::SuggestionId.eq(id))
            .filter(rec::Column::Kind.eq(kind.as_str()));
        if let Some(t) = since {
            q = q.filter(rec::Column::CreatedAt.gte(t));
        }
        let n = q.count(&self.db).await?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// The active suggestion categories, in order.
    pub async fn suggestion_categories(&self) -> StoreResult<Vec<String>> {
        Ok(cat::Entity::find()
            .filter(cat::Column::Active.eq(true))
            .order_by_asc(cat::Column::Position)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| m.name)
            .collect())
    }
}

fn attachment_from(m: att::Model) -> StoreResult<Attachment> {
    Ok(Attachment {
        id: m.id,
        kind: parse_stored(&m.kind)?,
        file_name: m.file_name,
        content_type: m.content_type,
        size: m.size,
        sha256: m.sha256,
        uploaded_by: m.uploaded_by.into(),
        created_at: m.created_at,
    })
}

impl Store {
    pub async fn suggestion_attachments(&self, id: Uuid) -> StoreResult<Vec<Attachment>> {
        att::Entity::find()
            .filter(att::Column::SuggestionId.eq(id))
            .order_by_asc(att::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(attachment_from)
            .collect()
    }

    pub async fn suggestion_attachment(
        &self,
        id: Uuid,
        attachment_id: Uuid,
    ) -> StoreResult<Attachment> {
        att::Entity::find_by_id(attachment_id)
            .filter(att::Column::SuggestionId.eq(id))
            .one(&self.db)
            .await?
            .map(attachment_from)
            .ok_or(StoreError::NotFound)?
    }
}
