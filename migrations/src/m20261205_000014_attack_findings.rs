//! What an outside attack found: sign-in locks per account and client
//! address (so that a stranger cannot lock the owner out), a tally of
//! repeated refusals beside their one audit entry (so that a flood of
//! refusals costs one entry per window), and password resets of the
//! administrators waiting for a second administrator's confirmation.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{a, index, ts, ts_null};

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
                .table(a("login_locks"))
                .col(uuid(a("user_id")))
                .col(string_len(a("client_key"), 64))
                .col(integer(a("failed_logins")).default(0))
                .col(ts_null("locked_until"))
                .col(ts("updated_at"))
                .primary_key(Index::create().col(a("user_id")).col(a("client_key")))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("audit_repeats"))
                .col(string_len(a("key"), 64).primary_key())
                .col(uuid(a("entry_id")))
                .col(ts("first_at"))
                .col(ts("last_at"))
                .col(big_integer(a("repeats")).default(1))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_audit_repeats_entry",
            "audit_repeats",
            &["entry_id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(a("password_resets"))
                .col(uuid(a("id")).primary_key())
                .col(uuid(a("user_id")))
                .col(string_len(a("password_hash"), 200))
                .col(boolean(a("must_change_password")).default(true))
                .col(uuid(a("requested_by")))
                .col(ts("requested_at"))
                .col(ts("expires_at"))
                .col(uuid_null(a("decided_by")))
                .col(ts_null("decided_at"))
                .col(string_len(a("status"), 20))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_password_resets_user",
            "password_resets",
            &["user_id", "status"],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["password_resets", "audit_repeats", "login_locks"] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
