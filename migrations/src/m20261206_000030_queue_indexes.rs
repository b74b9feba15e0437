//! Indexes the work queues read without touching the table: a unit's and
//! a deputy's open suggestions, live ones only, with the deadline and id
//! they are ordered by; and the co-unit rows still owing an opinion. And
//! the notifications of one notice (a group robot gets it once).
//! (Partial indexes: both PostgreSQL and SQLite have them.)

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: [&str; 6] = [
    "DROP INDEX IF EXISTS idx_suggestions_unit_status_deadline",
    "DROP INDEX IF EXISTS idx_suggestions_deputy_status",
    "CREATE INDEX idx_suggestions_live_unit ON suggestions (lead_unit_id, status, deadline, id) WHERE deleted_at IS NULL",
    "CREATE INDEX idx_suggestions_live_deputy ON suggestions (lead_deputy_id, status, id) WHERE deleted_at IS NULL",
    "CREATE INDEX idx_counits_owing ON suggestion_co_units (unit_id, suggestion_id) WHERE opinion IS NULL",
    // A group robot's notice once: the notifications of one notice key.
    "CREATE INDEX idx_notifications_key ON notifications (key)",
];

const DOWN: [&str; 6] = [
    "DROP INDEX IF EXISTS idx_notifications_key",
    "DROP INDEX IF EXISTS idx_counits_owing",
    "DROP INDEX IF EXISTS idx_suggestions_live_deputy",
    "DROP INDEX IF EXISTS idx_suggestions_live_unit",
    "CREATE INDEX idx_suggestions_deputy_status ON suggestions (lead_deputy_id, status)",
    "CREATE INDEX idx_suggestions_unit_status_deadline ON suggestions (lead_unit_id, status, deadline)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for sql in UP {
            m.get_connection().execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for sql in DOWN {
            m.get_connection().execute_unprepared(sql).await?;
        }
        Ok(())
    }
}
