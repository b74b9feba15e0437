//! The dashboard's figures kept, not recomputed (issue 22): at a million
//! suggestions `/suggestions/stats` took two seconds on its first call and
//! `/suggestions/unit-summary` nine seconds on every call, each a set of
//! grouped scans of the suggestions.
//!
//! - `suggestion_tallies` counts submitted suggestions by status, colour
//!   and category, for each registration year and term; a suggestion's
//!   submission adds to the same few rows as everyone else's, so each
//!   count is spread over a few shards that a read sums.
//! - `suggestion_unit_tallies` keeps each lead unit's line of the summary
//!   table, for each registration year and term.
//! - Both are counted from the suggestions on record when the server first
//!   starts after this (`ensure_suggestion_counts`), then kept in the
//!   transaction of each change.
//! - `suggestions.year`, the year a list's `year` filter finds a
//!   suggestion in (its registration's, or its drafting's while it is not
//!   registered, in China's calendar), indexed with the listing order: the
//!   filter was an OR of three date conditions that read a year's rows.
//! - What is overdue moves with the calendar, so it is counted when asked,
//!   from an index of the open suggestions by deadline.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::helpers::{stamp_changes, unstamp_changes};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SuggestionTallies {
    Table,
    Year,
    Term,
    Dimension,
    Value,
    Shard,
    N,
}

#[derive(DeriveIden)]
enum SuggestionUnitTallies {
    Table,
    Year,
    Term,
    UnitId,
    Assigned,
    Replied,
    RepliedOnTime,
    CategoryA,
    CategoryB,
    CategoryC,
    Satisfied,
    BasicallySatisfied,
    Unsatisfied,
}

const POSTGRES_YEAR: &str = "UPDATE suggestions SET year = \
    EXTRACT(YEAR FROM (COALESCE(registered_at, created_at) AT TIME ZONE 'UTC' + interval '8 hours'))::int";
const SQLITE_YEAR: &str = "UPDATE suggestions SET year = \
    CAST(strftime('%Y', COALESCE(registered_at, created_at), '+8 hours') AS INTEGER)";

const INDEXES: [&str; 2] = [
    "CREATE INDEX idx_suggestions_year ON suggestions (year, id) WHERE deleted_at IS NULL",
    // Every column the overdue count reads, so that the index alone
    // answers it.
    "CREATE INDEX idx_suggestions_open_deadline ON suggestions (deadline, lead_unit_id, year, term) \
     WHERE deleted_at IS NULL AND status IN ('assigned', 'rehandling')",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(SuggestionTallies::Table)
                .col(ColumnDef::new(SuggestionTallies::Year).integer().not_null())
                .col(ColumnDef::new(SuggestionTallies::Term).string().not_null())
                .col(
                    ColumnDef::new(SuggestionTallies::Dimension)
                        .string()
                        .not_null(),
                )
                .col(ColumnDef::new(SuggestionTallies::Value).string().not_null())
                .col(
                    ColumnDef::new(SuggestionTallies::Shard)
                        .small_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(SuggestionTallies::N)
                        .big_integer()
                        .not_null(),
                )
                .primary_key(
                    Index::create()
                        .col(SuggestionTallies::Year)
                        .col(SuggestionTallies::Term)
                        .col(SuggestionTallies::Dimension)
                        .col(SuggestionTallies::Value)
                        .col(SuggestionTallies::Shard),
                )
                .to_owned(),
        )
        .await?;
        let count = |c: SuggestionUnitTallies| {
            ColumnDef::new(c)
                .big_integer()
                .not_null()
                .default(0)
                .to_owned()
        };
        m.create_table(
            Table::create()
                .table(SuggestionUnitTallies::Table)
                .col(
                    ColumnDef::new(SuggestionUnitTallies::Year)
                        .integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(SuggestionUnitTallies::Term)
                        .string()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(SuggestionUnitTallies::UnitId)
                        .uuid()
                        .not_null(),
                )
                .col(count(SuggestionUnitTallies::Assigned))
                .col(count(SuggestionUnitTallies::Replied))
                .col(count(SuggestionUnitTallies::RepliedOnTime))
                .col(count(SuggestionUnitTallies::CategoryA))
                .col(count(SuggestionUnitTallies::CategoryB))
                .col(count(SuggestionUnitTallies::CategoryC))
                .col(count(SuggestionUnitTallies::Satisfied))
                .col(count(SuggestionUnitTallies::BasicallySatisfied))
                .col(count(SuggestionUnitTallies::Unsatisfied))
                .primary_key(
                    Index::create()
                        .col(SuggestionUnitTallies::Year)
                        .col(SuggestionUnitTallies::Term)
                        .col(SuggestionUnitTallies::UnitId),
                )
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        db.execute_unprepared("ALTER TABLE suggestions ADD COLUMN year INTEGER NOT NULL DEFAULT 0")
            .await?;
        // The year is not part of what clients read: filling it in is no
        // change a synchronising client should fetch every suggestion
        // again for, so the change feed's stamp is off meanwhile (and on
        // PostgreSQL a million deferred stamps are not queued).
        unstamp_changes(db, "suggestions").await?;
        db.execute_unprepared(match m.get_database_backend() {
            DbBackend::Postgres => POSTGRES_YEAR,
            _ => SQLITE_YEAR,
        })
        .await?;
        stamp_changes(db, "suggestions").await?;
        for s in INDEXES {
            db.execute_unprepared(s).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for s in [
            "DROP INDEX IF EXISTS idx_suggestions_open_deadline",
            "DROP INDEX IF EXISTS idx_suggestions_year",
            "ALTER TABLE suggestions DROP COLUMN year",
            "DROP TABLE IF EXISTS suggestion_unit_tallies",
            "DROP TABLE IF EXISTS suggestion_tallies",
        ] {
            db.execute_unprepared(s).await?;
        }
        db.execute_unprepared("DELETE FROM settings WHERE key = 'suggestion_tallies'")
            .await?;
        Ok(())
    }
}
