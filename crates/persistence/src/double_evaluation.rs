//! The yearly double evaluation (双评): advanced handling units, and the
//! managed list of suggestion categories.

use crate::error::Conflict;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
    TransactionTrait,
};
use serde::Serialize;
use uuid::Uuid;

use crate::Store;
use crate::audit::{self, AuditCtx};
use crate::entities::{advanced_unit as au, suggestion_category as cat};
use crate::error::{StoreError, StoreResult};

/// A unit named advanced for a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdvancedUnit {
    pub year: i32,
    pub unit_id: Uuid,
    pub reason: String,
    pub marked_by: Uuid,
    pub created_at: DateTime<Utc>,
}

fn from(m: au::Model) -> AdvancedUnit {
    AdvancedUnit {
        year: m.year,
        unit_id: m.unit_id,
        reason: m.reason,
        marked_by: m.marked_by,
        created_at: m.created_at,
    }
}

impl Store {
    pub async fn mark_advanced_unit(
        &self,
        ctx: &AuditCtx,
        a: AdvancedUnit,
    ) -> StoreResult<AdvancedUnit> {
        let txn = self.db.begin().await?;
        au::ActiveModel {
            year: Set(a.year),
            unit_id: Set(a.unit_id),
            reason: Set(a.reason.clone()),
            marked_by: Set(a.marked_by),
            created_at: Set(a.created_at),
        }
        .insert(&txn)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(Conflict::UniqueViolation) => {
                StoreError::Conflict(Conflict::AlreadyAdvanced)
            }
            other => other,
        })?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "create",
            "advanced_unit",
            Some(a.unit_id),
            None::<&AdvancedUnit>,
            Some(&a),
        )
        .await?;
        txn.commit().await?;
        Ok(a)
    }

    pub async fn unmark_advanced_unit(
        &self,
        ctx: &AuditCtx,
        year: i32,
        unit_id: Uuid,
    ) -> StoreResult<()> {
        let txn = self.db.begin().await?;
        let before = au::Entity::find_by_id((year, unit_id))
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        au::Entity::delete_by_id((year, unit_id)).exec(&txn).await?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "delete",
            "advanced_unit",
            Some(unit_id),
            Some(&from(before)),
            None::<&AdvancedUnit>,
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    pub async fn advanced_units(&self, year: Option<i32>) -> StoreResult<Vec<AdvancedUnit>> {
        let mut q = au::Entity::find();
        if let Some(y) = year {
            q = q.filter(au::Column::Year.eq(y));
        }
        Ok(q.order_by_desc(au::Column::Year)
            .order_by_asc(au::Column::CreatedAt)
            .all(&self.db)
            .await?
            .into_iter()
            .map(from)
            .collect())
    }

    /// Adds a category, or brings a retired one back; returns the list.
    pub async fn add_suggestion_category(
        &self,
        ctx: &AuditCtx,
        name: &str,
    ) -> StoreResult<Vec<String>> {
        let txn = self.db.begin().await?;
        match cat::Entity::find_by_id(name.to_owned()).one(&txn).await? {
            Some(m) if m.active => return Err(StoreError::Conflict(Conflict::CategoryExists)),
            Some(m) => {
                let mut am: cat::ActiveModel = m.into();
                am.active = Set(true);
                am.update(&txn).await?;
            }
            None => {
                let last = cat::Entity::find()
                    .order_by_desc(cat::Column::Position)
                    .one(&txn)
                    .await?;
                cat::ActiveModel {
                    name: Set(name.to_owned()),
                    position: Set(last.map_or(0, |m| m.position + 1)),
                    active: Set(true),
                }
                .insert(&txn)
                .await?;
            }
        }
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "create",
            "suggestion_category",
            None,
            None::<&()>,
            Some(&serde_json::json!({"name": name})),
        )
        .await?;
        txn.commit().await?;
        self.suggestion_categories().await
    }

    /// Retires a category: new suggestions may no longer use it; existing
    /// ones keep it.
    pub async fn retire_suggestion_category(&self, ctx: &AuditCtx, name: &str) -> StoreResult<()> {
        let txn = self.db.begin().await?;
        let m = cat::Entity::find_by_id(name.to_owned())
            .filter(cat::Column::Active.eq(true))
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut am: cat::ActiveModel = m.into();
        am.active = Set(false);
        am.update(&txn).await?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "delete",
            "suggestion_category",
            None,
            Some(&serde_json::json!({"name": name})),
            None::<&()>,
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}
