//! The change feed's numbers given after the commit, not in it (issue 22).
//!
//! On PostgreSQL every change of a synchronised row used to take its
//! number from the one counter row in a deferred trigger at commit, and
//! that row stayed locked until the commit was on disk: every writing
//! transaction of every instance waited for the one before it to reach
//! the disk, which held writes to a few hundred per second.
//!
//! Now a change only marks its row as not yet numbered (`change_seq` is
//! NULL: an insert leaves it so, and a trigger clears it on an update).
//! Numbers are given by `renda_number_changes()`, which a reader of the
//! feed calls before it reads, and each instance once a second. One run
//! goes at a time (the counter table's lock; a caller that finds a run
//! going for 200 ms leaves the numbering to it). A run numbers the marked
//! rows it can see, which are rows whose change has committed, up to
//! 10,000 of a table, so that it stays short (a bulk load is numbered over
//! the runs that follow), and passes over a row another transaction holds,
//! which a later run numbers. A row numbered by a later run gets a number
//! after every one handed out before, so a client asking for what came
//! after the highest number it has seen still never needs an overlap and
//! never misses a change. What it gives up: numbers follow the runs, not
//! the commits exactly, and the rows of one transaction may be numbered by
//! different runs, so a reader may see some of them one sync before the
//! rest.
//!
//! SQLite runs one writing transaction at a time: its triggers number each
//! change as it is written, as before.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::helpers::{
    NUMBERED_INSERTS_ONLY, lock_numbered_tables, mark_pending_on_update, numbered_tables,
    stamp_changes, stamp_inserts, unstamp_changes, write_numbering_function,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if db.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        // No instance still running the old version writes a row between
        // the counter's last value being read and its trigger being
        // dropped.
        lock_numbered_tables(db).await?;
        db.execute_unprepared(
            "CREATE SEQUENCE renda_change_numbers AS BIGINT MINVALUE 0 START WITH 0",
        )
        .await?;
        db.execute_unprepared(
            "SELECT setval('renda_change_numbers', (SELECT seq FROM change_counter WHERE id = 1))",
        )
        .await?;
        db.execute_unprepared(
            "CREATE FUNCTION renda_change_pending() RETURNS trigger AS $$
             BEGIN
               NEW.change_seq := NULL;
               RETURN NEW;
             END
             $$ LANGUAGE plpgsql",
        )
        .await?;
        for table in numbered_tables(db).await? {
            unstamp_changes(db, &table).await?;
            if !NUMBERED_INSERTS_ONLY.contains(&table.as_str()) {
                mark_pending_on_update(db, &table).await?;
            }
        }
        // The notifications' index leads with the person; the others'
        // index on `change_seq` finds the marked rows already.
        db.execute_unprepared(
            "CREATE INDEX idx_notifications_change_pending ON notifications (id) \
             WHERE change_seq IS NULL",
        )
        .await?;
        write_numbering_function(db).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if db.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        // Every change not numbered yet is numbered now, whole: the
        // triggers of before number a row only when it changes again.
        lock_numbered_tables(db).await?;
        for table in numbered_tables(db).await? {
            db.execute_unprepared(&format!(
                "UPDATE {table} SET change_seq = nextval('renda_change_numbers') \
                 WHERE change_seq IS NULL"
            ))
            .await?;
        }
        db.execute_unprepared(
            "UPDATE change_counter SET seq = (SELECT last_value FROM renda_change_numbers) WHERE id = 1",
        )
        .await?;
        db.execute_unprepared("DROP FUNCTION renda_number_changes()")
            .await?;
        db.execute_unprepared("DROP INDEX idx_notifications_change_pending")
            .await?;
        for table in numbered_tables(db).await? {
            db.execute_unprepared(&format!(
                "DROP TRIGGER IF EXISTS {table}_change_pending ON {table}"
            ))
            .await?;
            if NUMBERED_INSERTS_ONLY.contains(&table.as_str()) {
                stamp_inserts(db, &table).await?;
            } else {
                stamp_changes(db, &table).await?;
            }
        }
        db.execute_unprepared("DROP FUNCTION renda_change_pending()")
            .await?;
        db.execute_unprepared("DROP SEQUENCE renda_change_numbers")
            .await?;
        Ok(())
    }
}
