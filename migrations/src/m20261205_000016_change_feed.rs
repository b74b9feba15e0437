//! A change feed in commit order: every row of a synchronised collection
//! carries `change_seq`, a number taken from one counter when the change
//! commits, so that a client asking for what changed after the highest
//! number it has seen never needs an overlap and never misses a change.
//!
//! The numbers are given by the database itself (triggers), so that no
//! write path can forget them. On PostgreSQL a deferred constraint
//! trigger runs at commit, after everything else the transaction does:
//! the counter row it updates stays locked until the commit, so numbers
//! are handed out in commit order, and being the last lock taken it
//! cannot close a cycle of waits. SQLite runs one writing transaction at
//! a time, so a trigger at the write is in commit order already.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::helpers::{stamp_changes, unstamp_changes};

/// The tables whose collections can be synchronised by sequence.
const TABLES: [&str; 15] = [
    "activities",
    "needs",
    "constituent_opinions",
    "deputies",
    "duty_records",
    "service_clients",
    "webhook_subscriptions",
    "webhook_deliveries",
    "livelihood_rounds",
    "observers",
    "stations",
    "suggestions",
    "supervision_items",
    "units",
    "users",
];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let backend = db.get_database_backend();
        db.execute_unprepared(
            "CREATE TABLE change_counter (id INTEGER PRIMARY KEY, seq BIGINT NOT NULL)",
        )
        .await?;
        // Rows written before are numbered once, in id (creation) order.
        let mut base: i64 = 0;
        for table in TABLES {
            db.execute_unprepared(&format!("ALTER TABLE {table} ADD COLUMN change_seq BIGINT"))
                .await?;
            db.execute_unprepared(&format!(
                "UPDATE {table} SET change_seq = numbered.n + {base} \
                 FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM {table}) AS numbered \
                 WHERE numbered.id = {table}.id"
            ))
            .await?;
            let row = db
                .query_one_raw(Statement::from_string(
                    backend,
                    format!("SELECT COUNT(*) AS n FROM {table}"),
                ))
                .await?;
            let n: i64 = match row {
                Some(r) => r.try_get_by_index(0)?,
                None => 0,
            };
            base += n;
            db.execute_unprepared(&format!(
                "CREATE INDEX idx_{table}_change_seq ON {table} (change_seq)"
            ))
            .await?;
        }
        db.execute_unprepared(&format!(
            "INSERT INTO change_counter (id, seq) VALUES (1, {base})"
        ))
        .await?;
        if backend == DbBackend::Postgres {
            db.execute_unprepared(
                "CREATE FUNCTION renda_stamp_change() RETURNS trigger AS $$
                 DECLARE n BIGINT;
                 BEGIN
                   UPDATE change_counter SET seq = seq + 1 WHERE id = 1 RETURNING seq INTO n;
                   EXECUTE format('UPDATE %I SET change_seq = $1 WHERE id = $2', TG_TABLE_NAME)
                     USING n, NEW.id;
                   RETURN NULL;
                 END
                 $$ LANGUAGE plpgsql",
            )
            .await?;
        }
        for table in TABLES {
            stamp_changes(db, table).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for table in TABLES {
            unstamp_changes(db, table).await?;
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS idx_{table}_change_seq"))
                .await?;
            db.execute_unprepared(&format!("ALTER TABLE {table} DROP COLUMN change_seq"))
                .await?;
        }
        if db.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared("DROP FUNCTION IF EXISTS renda_stamp_change()")
                .await?;
        }
        db.execute_unprepared("DROP TABLE change_counter").await?;
        Ok(())
    }
}
