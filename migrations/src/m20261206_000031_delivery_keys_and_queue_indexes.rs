//! A group robot's delivery of a notice is made once however many
//! senders fan it out at the same moment: each group delivery carries the
//! notice's key and channel (`group_key`), unique; deliveries to a person
//! carry none. And the phones a push delivery has reached (`reached`), so
//! that a retry goes only to those it has not.
//!
//! And indexes for the work queues of other records: constituent opinions
//! by state and unit, a unit's supervision opinions, reception days not
//! recorded by day, a deputy's activities.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: [&str; 7] = [
    "ALTER TABLE notification_deliveries ADD COLUMN group_key TEXT NULL",
    "ALTER TABLE notification_deliveries ADD COLUMN reached TEXT NULL",
    "CREATE UNIQUE INDEX idx_deliveries_group_key ON notification_deliveries (group_key)",
    "CREATE INDEX idx_opinions_waiting ON constituent_opinions (status, unit_id)",
    "CREATE INDEX idx_supervision_opinions_unit ON supervision_opinions (unit_id, deadline)",
    "CREATE INDEX idx_reception_days_open ON reception_days (day) WHERE recorded_at IS NULL",
    "CREATE INDEX idx_participants_deputy ON activity_participants (deputy_id, activity_id)",
];

const DOWN: [&str; 7] = [
    "DROP INDEX IF EXISTS idx_participants_deputy",
    "DROP INDEX IF EXISTS idx_reception_days_open",
    "DROP INDEX IF EXISTS idx_supervision_opinions_unit",
    "DROP INDEX IF EXISTS idx_opinions_waiting",
    "DROP INDEX IF EXISTS idx_deliveries_group_key",
    "ALTER TABLE notification_deliveries DROP COLUMN reached",
    "ALTER TABLE notification_deliveries DROP COLUMN group_key",
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
