//! Notifications: one row per person per notice, written in the
//! transaction of the change that caused it (or by the reminder
//! scheduler), unique by person and notice key so that writing one twice
//! (two instances, a restart) keeps one. And leases, by which one of
//! several instances claims a recurring job such as the reminders.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{a, fk, index, ts, ts_null};

const NOTIFICATIONS: &str = "notifications";
const LEASES: &str = "job_leases";

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
                .table(a(NOTIFICATIONS))
                .col(uuid(a("id")).primary_key())
                .col(uuid(a("user_id")))
                .col(string_len(a("kind"), 40))
                .col(string_len(a("subject_kind"), 24))
                .col(uuid(a("subject_id")))
                .col(string_len(a("text"), 400))
                .col(date_null(a("due_on")))
                .col(string_len(a("key"), 160))
                .col(ts("created_at"))
                .col(ts_null("read_at"))
                .foreign_key(&mut fk(
                    "fk_notifications_user",
                    NOTIFICATIONS,
                    "user_id",
                    "users",
                    true,
                ))
                .to_owned(),
        )
        .await?;
        let mut once = index(
            "uq_notifications_user_key",
            NOTIFICATIONS,
            &["user_id", "key"],
        );
        m.create_index(once.unique().to_owned()).await?;
        // The inbox newest first, and the unread among it.
        m.create_index(index(
            "idx_notifications_user",
            NOTIFICATIONS,
            &["user_id", "id"],
        ))
        .await?;
        // What a live stream sends next.
        m.create_index(index(
            "idx_notifications_user_created",
            NOTIFICATIONS,
            &["user_id", "created_at"],
        ))
        .await?;
        m.create_index(index(
            "idx_notifications_user_unread",
            NOTIFICATIONS,
            &["user_id", "read_at"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(a(LEASES))
                .col(string_len(a("name"), 40).primary_key())
                .col(string_len_null(a("holder"), 80))
                .col(ts_null("lease_until"))
                .col(ts_null("last_run_at"))
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared("INSERT INTO job_leases (name) VALUES ('reminders')")
            .await
            .map(|_| ())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [LEASES, NOTIFICATIONS] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
