//! Listing the audit trail.

use super::*;

/// Filters of the audit trail listing.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor_id: Option<Uuid>,
    pub object_type: Option<String>,
    pub object_id: Option<Uuid>,
    pub action: Option<String>,
    pub result: Option<String>,
    pub occurred_after: Option<DateTime<Utc>>,
    pub occurred_before: Option<DateTime<Utc>>,
}

fn to_entry(m: audit_event::Model) -> AuditEntry {
    let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    AuditEntry {
        id: m.id,
        occurred_at: m.occurred_at,
        actor_id: m.actor_id,
        actor_username: m.actor_username,
        actor_roles: m.actor_roles,
        request_id: m.request_id,
        client_addr: m.client_addr,
        action: m.action,
        object_type: m.object_type,
        object_id: m.object_id,
        before: parse(m.before),
        after: parse(m.after),
        result: m.result,
        entry_hash: m.entry_hash,
        seq: m.seq,
        chain_hash: m.chain_hash,
        repeats: 1,
        last_repeated_at: None,
    }
}

impl Store {
    /// Lists the audit trail, oldest first.
    pub async fn list_audit(
        &self,
        f: &AuditFilter,
        opts: &ListOptions,
    ) -> StoreResult<Page<AuditEntry>> {
        let mut q = AuditEvent::find();
        if let Some(v) = f.actor_id {
            q = q.filter(C::ActorId.eq(v));
        }
        if let Some(v) = &f.object_type {
            q = q.filter(C::ObjectType.eq(v.clone()));
        }
        if let Some(v) = f.object_id {
            q = q.filter(C::ObjectId.eq(v));
        }
        if let Some(v) = &f.action {
            q = q.filter(C::Action.eq(v.clone()));
        }
        if let Some(v) = &f.result {
            q = q.filter(C::Result.eq(v.clone()));
        }
        if let Some(v) = f.occurred_after {
            q = q.filter(C::OccurredAt.gte(v));
        }
        if let Some(v) = f.occurred_before {
            q = q.filter(C::OccurredAt.lt(v));
        }
        let keys = list::Keys {
            id: C::Id,
            updated_at: C::OccurredAt,
            deleted_at: None,
            seq: "seq",
        };
        let page = list::paginate(&self.db, q, keys, opts, |m: &audit_event::Model| {
            (m.id, m.occurred_at, None)
        })
        .await?;
        let mut page = page.map(to_entry);
        // The tally of repeated refusals, kept beside their one entry.
        let denied: Vec<Uuid> = page
            .live()
            .filter(|e| e.result == DENIED)
            .map(|e| e.id)
            .collect();
        if !denied.is_empty() {
            use crate::entities::audit_repeat::{Column as R, Entity as Repeats};
            let tallies = Repeats::find()
                .filter(R::EntryId.is_in(denied))
                .all(&self.db)
                .await?;
            for row in &mut page.items {
                if let list::Row::Live(e) = row
                    && let Some(t) = tallies.iter().find(|t| t.entry_id == e.id)
                    && t.repeats > 1
                {
                    e.repeats = t.repeats;
                    e.last_repeated_at = Some(t.last_at);
                }
            }
        }
        Ok(page)
    }
}
