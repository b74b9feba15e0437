//! Secret ballots kept sealed while the vote is open, and the marks of
//! those already counted put in an order that says nothing about who cast
//! them; room for sealed webhook secrets; rate-limit windows shared by
//! every instance.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{a, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // A secret ballot while the vote is open: encrypted under a key
        // kept outside the database, no voter, no time.
        m.create_table(
            Table::create()
                .table(a("livelihood_sealed_ballots"))
                .col(uuid(a("id")).primary_key())
                .col(uuid(a("round_id")))
                .col(text(a("sealed")))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_livelihood_sealed_ballots_round",
            "livelihood_sealed_ballots",
            &["round_id"],
        ))
        .await?;
        // The marks of secret rounds counted before: written again in a
        // random order, so that their physical order no longer follows
        // the order of the voters.
        let db = m.get_connection();
        db.execute_unprepared(
            "CREATE TABLE livelihood_marks_reshuffle AS SELECT * FROM livelihood_marks \
             WHERE round_id IN (SELECT id FROM livelihood_rounds WHERE secret_ballot)",
        )
        .await?;
        db.execute_unprepared(
            "DELETE FROM livelihood_marks \
             WHERE round_id IN (SELECT id FROM livelihood_rounds WHERE secret_ballot)",
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO livelihood_marks (ballot_id, candidate_id, round_id, choice) \
             SELECT ballot_id, candidate_id, round_id, choice FROM livelihood_marks_reshuffle \
             ORDER BY random()",
        )
        .await?;
        db.execute_unprepared("DROP TABLE livelihood_marks_reshuffle")
            .await?;
        // A webhook's signing secret is kept sealed now: its stored form
        // is longer than the 200 characters a secret may have.
        if db.get_database_backend() == sea_orm_migration::sea_orm::DbBackend::Postgres {
            db.execute_unprepared(
                "ALTER TABLE webhook_subscriptions ALTER COLUMN secret TYPE text",
            )
            .await?;
        }
        // One row per limited key, its current window, shared by every
        // instance (times in milliseconds since the epoch).
        m.create_table(
            Table::create()
                .table(a("rate_windows"))
                .col(string_len(a("key"), 120).primary_key())
                .col(big_integer(a("window_start")))
                .col(big_integer(a("used")).default(0))
                .col(big_integer(a("expires_at")))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_rate_windows_expires",
            "rate_windows",
            &["expires_at"],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["rate_windows", "livelihood_sealed_ballots"] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
