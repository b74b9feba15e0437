//! Sessions of a congress (人民代表大会会议): level, term, number, dates
//! and status. A level's (term, number) names one session, and at most one
//! session of a level is open: both rules are unique indexes, so that two
//! instances of renda opening two sessions at once cannot both succeed.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{a, index, stamp_changes, ts, ts_null, unstamp_changes};

const TABLE: &str = "congress_sessions";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a(TABLE))
                .col(uuid(a("id")).primary_key())
                .col(string_len(a("level"), 20))
                .col(string_len(a("term"), 40))
                .col(integer(a("number")))
                .col(date(a("opens_on")))
                .col(date(a("closes_on")))
                .col(string_len(a("status"), 20))
                .col(ts_null("opened_at"))
                .col(ts_null("closed_at"))
                .col(uuid(a("created_by")))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(ts_null("deleted_at"))
                .col(integer(a("version")))
                .col(big_integer_null(a("change_seq")))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index(
                "ux_congress_sessions_number",
                TABLE,
                &["level", "term", "number"],
            )
            .unique()
            .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_congress_sessions_change_seq",
            TABLE,
            &["change_seq"],
        ))
        .await?;
        let db = m.get_connection();
        // One open session per level; SQLite and PostgreSQL both take a
        // partial index.
        db.execute_unprepared(
            "CREATE UNIQUE INDEX ux_congress_sessions_open ON congress_sessions (level) \
             WHERE status = 'open'",
        )
        .await?;
        stamp_changes(db, TABLE).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        unstamp_changes(m.get_connection(), TABLE).await?;
        m.drop_table(Table::drop().table(a(TABLE)).to_owned()).await
    }
}
