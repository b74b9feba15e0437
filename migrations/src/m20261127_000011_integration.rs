//! Integration with other systems: service clients (OAuth 2.0 client
//! credentials), webhook subscriptions, the outbox of events written with
//! the changes they report, and the deliveries of those events.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{a, fk, index, ts, ts_null};

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
                .table(a("service_clients"))
                .col(uuid(a("id")).primary_key())
                .col(string_len(a("name"), 100))
                .col(string_len(a("scopes"), 400))
                .col(uuid_null(a("unit_id")))
                .col(string_len(a("status"), 20))
                .col(string_len(a("secret_hash"), 64))
                .col(string_len_null(a("previous_secret_hash"), 64))
                .col(ts_null("previous_secret_expires_at"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(ts_null("deleted_at"))
                .col(integer(a("version")))
                .foreign_key(&mut fk(
                    "fk_service_client_unit",
                    "service_clients",
                    "unit_id",
                    "units",
                    false,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_service_clients_updated",
            "service_clients",
            &["updated_at", "id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(a("webhook_subscriptions"))
                .col(uuid(a("id")).primary_key())
                .col(uuid_null(a("owner_user_id")))
                .col(uuid_null(a("owner_client_id")))
                .col(uuid_null(a("audience_unit_id")))
                .col(string_len(a("url"), 2000))
                .col(string_len(a("event_types"), 2000))
                .col(string_len(a("secret"), 200))
                .col(string_len(a("status"), 20))
                .col(string_len_null(a("description"), 200))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(ts_null("deleted_at"))
                .col(integer(a("version")))
                .foreign_key(&mut fk(
                    "fk_webhook_client",
                    "webhook_subscriptions",
                    "owner_client_id",
                    "service_clients",
                    true,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_webhooks_owner_client",
            "webhook_subscriptions",
            &["owner_client_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(a("outbox_events"))
                .col(uuid(a("id")).primary_key())
                .col(string_len(a("event_type"), 80))
                .col(string_len(a("object_type"), 40))
                .col(uuid(a("object_id")))
                .col(big_integer(a("object_seq")))
                .col(ts("occurred_at"))
                .col(text(a("payload")))
                .col(boolean(a("audience_office")))
                .col(string_len(a("audience_units"), 2000))
                .col(boolean(a("dispatched")))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index(
                "uq_outbox_object_seq",
                "outbox_events",
                &["object_type", "object_id", "object_seq"],
            )
            .unique()
            .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_outbox_pending",
            "outbox_events",
            &["dispatched", "id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(a("webhook_deliveries"))
                .col(uuid(a("id")).primary_key())
                .col(uuid(a("subscription_id")))
                .col(uuid(a("event_id")))
                .col(string_len(a("object_key"), 100))
                .col(big_integer(a("object_seq")))
                .col(string_len(a("status"), 20))
                .col(integer(a("attempts")))
                .col(ts("next_attempt_at"))
                .col(ts_null("claimed_until"))
                .col(string_len_null(a("claimed_by"), 64))
                .col(ts_null("last_attempt_at"))
                .col(integer_null(a("last_status_code")))
                .col(string_len_null(a("last_error"), 200))
                .col(ts_null("delivered_at"))
                .col(ts("created_at"))
                .foreign_key(&mut fk(
                    "fk_delivery_subscription",
                    "webhook_deliveries",
                    "subscription_id",
                    "webhook_subscriptions",
                    true,
                ))
                .foreign_key(&mut fk(
                    "fk_delivery_event",
                    "webhook_deliveries",
                    "event_id",
                    "outbox_events",
                    true,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index(
                "uq_delivery_subscription_event",
                "webhook_deliveries",
                &["subscription_id", "event_id"],
            )
            .unique()
            .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_delivery_due",
            "webhook_deliveries",
            &["status", "next_attempt_at"],
        ))
        .await?;
        m.create_index(index(
            "idx_delivery_object",
            "webhook_deliveries",
            &["subscription_id", "object_key", "object_seq"],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "webhook_deliveries",
            "outbox_events",
            "webhook_subscriptions",
            "service_clients",
        ] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
