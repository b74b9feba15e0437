//! Suggestions of a session: a suggestion filed while a session of its
//! lead deputy's level is open belongs to that session and is numbered in
//! the session's own series. Each series other than the yearly one (whose
//! counters stay in `suggestion_counters`, so existing numbers keep
//! working) keeps its last number in `number_series`, incremented in the
//! numbering transaction.

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
        m.alter_table(
            Table::alter()
                .table(a("suggestions"))
                .add_column(uuid_null(a("congress_session_id")))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_suggestions_congress_session",
            "suggestions",
            &["congress_session_id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(a("number_series"))
                .col(string_len(a("series"), 80).primary_key())
                .col(big_integer(a("last_number")))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(a("number_series")).to_owned())
            .await?;
        m.drop_index(
            Index::drop()
                .name("idx_suggestions_congress_session")
                .table(a("suggestions"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(a("suggestions"))
                .drop_column(a("congress_session_id"))
                .to_owned(),
        )
        .await
    }
}
