//! The key-supervision lists: a year's list with its items and leading
//! leaders written in one transaction (one list a year, held by a unique
//! index), and the leaders' records. Each listing and each record also
//! lands in the suggestion's timeline, so its handling history shows it
//! (a record's kind and day there, not its text).

use std::collections::HashMap;

use renda_domain::id::UserId;
use renda_domain::key_supervision::{KeyItem, KeyList, KeyRecord};
use renda_domain::suggestion::SuggestionStatus;
use renda_domain::timeline::Event;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use crate::Store;
use crate::audit::{self, AuditCtx};
use crate::entities::key_supervision_item as ki;
use crate::entities::key_supervision_leader as kl;
use crate::entities::key_supervision_list::{self as ks, Column as C, Entity as Lists};
use crate::entities::key_supervision_record as kr;
use crate::entities::suggestion as sg;
use crate::error::{StoreError, StoreResult, parse_stored};
use crate::list::{self, ListOptions, Page};

const OBJECT: &str = "key_supervision_list";

/// The items of `lists`, in the decision's order, with their leaders.
async fn items_of<Conn: ConnectionTrait>(
    c: &Conn,
    lists: &[Uuid],
) -> StoreResult<HashMap<Uuid, Vec<KeyItem>>> {
    let items = ki::Entity::find()
        .filter(ki::Column::ListId.is_in(lists.iter().copied()))
        .order_by_asc(ki::Column::Position)
        .all(c)
        .await?;
    let ids: Vec<Uuid> = items.iter().map(|i| i.id).collect();
    let mut leaders: HashMap<Uuid, Vec<UserId>> = HashMap::new();
    for l in kl::Entity::find()
        .filter(kl::Column::ItemId.is_in(ids))
        .order_by_asc(kl::Column::Position)
        .all(c)
        .await?
    {
        leaders.entry(l.item_id).or_default().push(l.user_id.into());
    }
    let mut out: HashMap<Uuid, Vec<KeyItem>> = HashMap::new();
    for i in items {
        out.entry(i.list_id).or_default().push(KeyItem {
            id: i.id,
            suggestion_id: i.suggestion_id,
            leader_ids: leaders.remove(&i.id).unwrap_or_default(),
        });
    }
    Ok(out)
}

fn assemble(m: ks::Model, items: Vec<KeyItem>) -> KeyList {
    KeyList {
        id: m.id,
        year: m.year,
        title: m.title,
        decided_on: m.decided_on,
        document_number: m.document_number,
        items,
        created_by: m.created_by.into(),
        created_at: m.created_at,
        updated_at: m.updated_at,
        version: m.version,
    }
}

/// A step in the suggestion's timeline, its status unchanged.
async fn suggestion_step<Conn: ConnectionTrait>(
    c: &Conn,
    ctx: &AuditCtx,
    suggestion: Uuid,
    event: &Event,
) -> StoreResult<()> {
    let status: Option<String> = sg::Entity::find_by_id(suggestion)
        .select_only()
        .column(sg::Column::Status)
        .into_tuple()
        .one(c)
        .await?;
    let status: SuggestionStatus = parse_stored(&status.ok_or(StoreError::NotFound)?)?;
    crate::timeline::append(
        c,
        &crate::timeline::SUGGESTIONS,
        ctx,
        suggestion,
        Some(status),
        Some(status),
        event,
    )
    .await
}

impl Store {
    /// Whether `year` has its list.
    pub async fn key_list_year_taken(&self, year: i32) -> StoreResult<bool> {
        Ok(Lists::find()
            .filter(C::Year.eq(year))
            .select_only()
            .column(C::Id)
            .into_tuple::<Uuid>()
            .one(&self.db)
            .await?
            .is_some())
    }

    /// The status of each of `ids` that exists.
    pub async fn suggestion_statuses(
        &self,
        ids: &[Uuid],
    ) -> StoreResult<Vec<(Uuid, SuggestionStatus)>> {
        let rows: Vec<(Uuid, String)> = sg::Entity::find()
            .filter(sg::Column::Id.is_in(ids.iter().copied()))
            .filter(sg::Column::DeletedAt.is_null())
            .select_only()
            .column(sg::Column::Id)
            .column(sg::Column::Status)
            .into_tuple()
            .all(&self.db)
            .await?;
        rows.into_iter()
            .map(|(id, s)| Ok((id, parse_stored(&s)?)))
            .collect()
    }

    /// Records a list with its items and leaders, its audit entry and a
    /// step in each suggestion's timeline, in one transaction. A list for
    /// the year written meanwhile is `Conflict::UniqueViolation`.
    pub async fn create_key_list(&self, ctx: &AuditCtx, l: KeyList) -> StoreResult<KeyList> {
        let txn = self.db.begin().await?;
        ks::ActiveModel {
            id: Set(l.id),
            year: Set(l.year),
            title: Set(l.title.clone()),
            decided_on: Set(l.decided_on),
            document_number: Set(l.document_number.clone()),
            created_by: Set(l.created_by.uuid()),
            created_at: Set(l.created_at),
            updated_at: Set(l.updated_at),
            deleted_at: Set(None),
            version: Set(l.version),
        }
        .insert(&txn)
        .await?;
        for (k, item) in l.items.iter().enumerate() {
            ki::ActiveModel {
                id: Set(item.id),
                list_id: Set(l.id),
                suggestion_id: Set(item.suggestion_id),
                position: Set(i32::try_from(k).unwrap_or(i32::MAX)),
            }
            .insert(&txn)
            .await?;
            for (p, leader) in item.leader_ids.iter().enumerate() {
                kl::ActiveModel {
                    item_id: Set(item.id),
                    user_id: Set(leader.uuid()),
                    position: Set(i32::try_from(p).unwrap_or(i32::MAX)),
                }
                .insert(&txn)
                .await?;
            }
            let event = Event {
                action: "listed_for_key_supervision",
                detail: Some(serde_json::json!({
                    "list_id": l.id, "year": l.year, "leader_ids": item.leader_ids,
                })),
            };
            suggestion_step(&txn, ctx, item.suggestion_id, &event).await?;
        }
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "create",
            OBJECT,
            Some(l.id),
            None::<&KeyList>,
            Some(&l),
        )
        .await?;
        txn.commit().await?;
        Ok(l)
    }

    pub async fn get_key_list(&self, id: Uuid) -> StoreResult<KeyList> {
        let m = Lists::find_by_id(id)
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut items = items_of(&self.db, &[id]).await?;
        Ok(assemble(m, items.remove(&id).unwrap_or_default()))
    }

    /// Lists, paged like every collection.
    pub async fn list_key_lists(&self, opts: &ListOptions) -> StoreResult<Page<KeyList>> {
        let keys = list::Keys {
            id: C::Id,
            updated_at: C::UpdatedAt,
            deleted_at: Some(C::DeletedAt),
            seq: list::SEQ_COLUMN,
        };
        let page = list::paginate(&self.db, Lists::find(), keys, opts, |m: &ks::Model| {
            (m.id, m.updated_at, m.deleted_at)
        })
        .await?;
        let ids: Vec<Uuid> = page.live().map(|m| m.id).collect();
        let mut items = items_of(&self.db, &ids).await?;
        Ok(page.map(|m| {
            let i = items.remove(&m.id).unwrap_or_default();
            assemble(m, i)
        }))
    }

    /// Writes a leader's record, with its audit entry and a step in the
    /// suggestion's timeline, in one transaction.
    pub async fn add_key_record(
        &self,
        ctx: &AuditCtx,
        suggestion: Uuid,
        r: KeyRecord,
    ) -> StoreResult<KeyRecord> {
        let txn = self.db.begin().await?;
        kr::ActiveModel {
            id: Set(r.id),
            item_id: Set(r.item_id),
            kind: Set(r.kind.as_str().to_owned()),
            occurred_on: Set(r.occurred_on),
            content: Set(r.content.clone()),
            recorded_by: Set(r.recorded_by.uuid()),
            created_at: Set(r.created_at),
        }
        .insert(&txn)
        .await?;
        // The suggestion's timeline, which its deputies and units read,
        // says that a leader acted and when; what the leader wrote stays
        // with the list's readers.
        let event = Event {
            action: "key_supervision_recorded",
            detail: Some(serde_json::json!({
                "kind": r.kind, "occurred_on": r.occurred_on, "record_id": r.id,
            })),
        };
        suggestion_step(&txn, ctx, suggestion, &event).await?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "create",
            "key_supervision_record",
            Some(r.id),
            None::<&KeyRecord>,
            Some(&r),
        )
        .await?;
        txn.commit().await?;
        Ok(r)
    }

    /// The records of the items `items`, oldest first.
    pub async fn key_records(&self, items: &[Uuid]) -> StoreResult<Vec<KeyRecord>> {
        kr::Entity::find()
            .filter(kr::Column::ItemId.is_in(items.iter().copied()))
            .order_by_asc(kr::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| {
                Ok(KeyRecord {
                    id: m.id,
                    item_id: m.item_id,
                    kind: parse_stored(&m.kind)?,
                    occurred_on: m.occurred_on,
                    content: m.content,
                    recorded_by: m.recorded_by.into(),
                    created_at: m.created_at,
                })
            })
            .collect()
    }
}
