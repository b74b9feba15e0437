//! Numbers are unique within their series, not across them: two levels'
//! sessions may print alike (第十八届第三次会议), and a custom pattern may
//! look like another series'. A suggestion's number is unique within its
//! session, or among the yearly numbers; a motion's within its session.
//! The suggestion number column widens to 80 characters, as configurable
//! patterns with a 40-character term need.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

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
            // SQLite does not enforce a VARCHAR's length.
            db.execute_unprepared("ALTER TABLE suggestions ALTER COLUMN number TYPE VARCHAR(80)")
                .await?;
        }
        for sql in [
            "DROP INDEX uq_suggestions_number",
            "CREATE UNIQUE INDEX uq_suggestions_year_number ON suggestions (number) \
             WHERE congress_session_id IS NULL",
            "CREATE UNIQUE INDEX uq_suggestions_session_number ON suggestions \
             (congress_session_id, number) WHERE congress_session_id IS NOT NULL",
            "DROP INDEX ux_motions_number",
            "CREATE UNIQUE INDEX ux_motions_session_number ON motions (congress_session_id, number)",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for sql in [
            "DROP INDEX ux_motions_session_number",
            "CREATE UNIQUE INDEX ux_motions_number ON motions (number)",
            "DROP INDEX uq_suggestions_session_number",
            "DROP INDEX uq_suggestions_year_number",
            "CREATE UNIQUE INDEX uq_suggestions_number ON suggestions (number)",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }
}
