//! Delivery of notifications beyond the inbox: the phones people register
//! for push, their choices of channels, kinds and quiet hours, and one
//! delivery per notification and channel, written with the notification
//! (an outbox: a sender that dies mid-delivery loses nothing) and kept as
//! the delivery log.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{a, fk, index, ts, ts_null};

const DEVICES: &str = "devices";
const PREFERENCES: &str = "notification_preferences";
const DELIVERIES: &str = "notification_deliveries";

const QUEUE_INDEXES: [(&str, &str, &[&str]); 4] = [
    (
        "idx_suggestions_unit_status_deadline",
        "suggestions",
        &["lead_unit_id", "status", "deadline"],
    ),
    (
        "idx_suggestions_deputy_status",
        "suggestions",
        &["lead_deputy_id", "status"],
    ),
    (
        "idx_suggestions_supervisor_status",
        "suggestions",
        &["supervisor_id", "status"],
    ),
    ("idx_requests_status", "suggestion_requests", &["status"]),
];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // A notification not yet turned into deliveries.
        m.alter_table(
            Table::alter()
                .table(a("notifications"))
                .add_column(boolean(a("fanned_out")).default(false))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_notifications_fan_out",
            "notifications",
            &["fanned_out", "id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(a(DEVICES))
                .col(uuid(a("id")).primary_key())
                .col(uuid(a("user_id")))
                .col(string_len(a("platform"), 16))
                .col(string_len(a("token"), 512))
                .col(string_len_null(a("label"), 100))
                .col(ts("created_at"))
                .col(ts("last_seen_at"))
                .foreign_key(&mut fk(
                    "fk_devices_user",
                    DEVICES,
                    "user_id",
                    "users",
                    true,
                ))
                .to_owned(),
        )
        .await?;
        // A phone belongs to the account last signed in on it.
        let mut token = index("uq_devices_token", DEVICES, &["token"]);
        m.create_index(token.unique().to_owned()).await?;
        m.create_index(index("idx_devices_user", DEVICES, &["user_id"]))
            .await?;
        m.create_table(
            Table::create()
                .table(a(PREFERENCES))
                .col(uuid(a("user_id")).primary_key())
                .col(string_len(a("muted"), 1000))
                .col(string_len_null(a("channels"), 100))
                .col(string_len_null(a("quiet_start"), 5))
                .col(string_len_null(a("quiet_end"), 5))
                .col(ts("updated_at"))
                .foreign_key(&mut fk(
                    "fk_preferences_user",
                    PREFERENCES,
                    "user_id",
                    "users",
                    true,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a(DELIVERIES))
                .col(uuid(a("id")).primary_key())
                .col(uuid(a("notification_id")))
                .col(uuid(a("user_id")))
                .col(string_len(a("channel"), 16))
                .col(string_len(a("status"), 16))
                .col(integer(a("attempts")).default(0))
                .col(ts("next_attempt_at"))
                .col(string_len_null(a("claimed_by"), 80))
                .col(ts_null("claimed_until"))
                .col(string_len_null(a("last_error"), 200))
                .col(ts_null("sent_at"))
                .col(ts("created_at"))
                .foreign_key(&mut fk(
                    "fk_deliveries_notification",
                    DELIVERIES,
                    "notification_id",
                    "notifications",
                    true,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_notification_deliveries_due",
            DELIVERIES,
            &["status", "next_attempt_at"],
        ))
        .await?;
        m.create_index(index(
            "idx_notification_deliveries_notification",
            DELIVERIES,
            &["notification_id"],
        ))
        .await?;
        // The work queues (`/me/tasks`) of a unit, a deputy, a leader and
        // the office, at a million suggestions.
        for (name, table, cols) in QUEUE_INDEXES {
            m.create_index(index(name, table, cols)).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _) in QUEUE_INDEXES {
            m.drop_index(Index::drop().name(name).table(a(table)).to_owned())
                .await?;
        }
        for t in [DELIVERIES, PREFERENCES, DEVICES] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        m.drop_index(
            Index::drop()
                .name("idx_notifications_fan_out")
                .table(a("notifications"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(a("notifications"))
                .drop_column(a("fanned_out"))
                .to_owned(),
        )
        .await
    }
}
