//! Notifications in commit order: each is numbered from the change
//! feed's counter when its transaction commits (`change_seq`, as the
//! change-feed migration does for the synchronised collections), so that
//! a live stream reading what came after the last number it sent misses
//! none that another instance committed late. Only an insert is numbered:
//! reading a notification or fanning it out is no news.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::helpers::{stamp_inserts, unstamp_changes};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if db.get_database_backend() == DbBackend::Postgres {
            // No notification is written by an instance still running the
            // old version between the numbering and the trigger.
            db.execute_unprepared("LOCK TABLE notifications IN SHARE ROW EXCLUSIVE MODE")
                .await?;
        }
        db.execute_unprepared("ALTER TABLE notifications ADD COLUMN change_seq BIGINT")
            .await?;
        // Those written before are numbered once, in id (creation) order,
        // after every number given so far.
        db.execute_unprepared(
            "UPDATE notifications SET change_seq = numbered.n + (SELECT seq FROM change_counter WHERE id = 1) \
             FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM notifications) AS numbered \
             WHERE numbered.id = notifications.id",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE change_counter SET seq = seq + (SELECT COUNT(*) FROM notifications) WHERE id = 1",
        )
        .await?;
        db.execute_unprepared(
            "CREATE INDEX idx_notifications_user_seq ON notifications (user_id, change_seq)",
        )
        .await?;
        stamp_inserts(db, "notifications").await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        unstamp_changes(db, "notifications").await?;
        db.execute_unprepared("DROP INDEX IF EXISTS idx_notifications_user_seq")
            .await?;
        db.execute_unprepared("ALTER TABLE notifications DROP COLUMN change_seq")
            .await?;
        Ok(())
    }
}
