//! The figures of suggestion handling, kept current by each change: one
//! row of counts per scope (all, a unit, a category, a deputy, a session)
//! and year. Each suggestion also keeps how many of its consultations
//! (面商) count. The rows are filled from the suggestions on record when
//! the store first opens the database (`suggestion_figures` setting).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::a;

const FIGURES: &str = "suggestion_figures";
const COUNTS: [&str; 12] = [
    "registered",
    "assigned",
    "closed",
    "replied",
    "replied_on_time",
    "solved",
    "consulted",
    "evaluated",
    "satisfied",
    "unsatisfied",
    "not_evaluated",
    "rehandled",
];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(a("suggestions"))
                .add_column(integer(a("consultations")).default(0))
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "UPDATE suggestions SET consultations = (
                   SELECT COUNT(*) FROM suggestion_consultations c
                   WHERE c.suggestion_id = suggestions.id
                     AND (c.response IS NULL OR c.response <> 'disputed'))",
            )
            .await?;
        let mut t = Table::create();
        t.table(a(FIGURES))
            .col(string_len(a("scope"), 16))
            .col(string_len(a("scope_key"), 80))
            .col(integer(a("year")));
        for c in COUNTS {
            t.col(big_integer(a(c)).default(0));
        }
        t.primary_key(
            Index::create()
                .col(a("scope"))
                .col(a("scope_key"))
                .col(a("year")),
        );
        m.create_table(t.to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(a(FIGURES)).to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table(a("suggestions"))
                .drop_column(a("consultations"))
                .to_owned(),
        )
        .await
    }
}
