//! Handing suggestions out (交办): a batch records the meeting that handed
//! them out, each suggestion names its batch; a suggestion assigned to a
//! government office for passing on (分办) keeps the day it is due, and
//! one passed on keeps the office that passed it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{a, index, stamp_changes, ts, ts_null, unstamp_changes};

const TABLE: &str = "assignment_batches";

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
                .col(string_len(a("title"), 200))
                .col(date(a("meeting_date")))
                .col(uuid_null(a("congress_session_id")))
                .col(string_len_null(a("document_number"), 100))
                .col(integer(a("item_count")))
                .col(uuid(a("created_by")))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(ts_null("deleted_at"))
                .col(integer(a("version")))
                .col(big_integer_null(a("change_seq")))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_assignment_batches_updated",
            TABLE,
            &["updated_at", "id"],
        ))
        .await?;
        m.create_index(index(
            "idx_assignment_batches_change_seq",
            TABLE,
            &["change_seq"],
        ))
        .await?;
        for col in [
            date_null(a("pass_on_due")),
            uuid_null(a("dispatcher_unit_id")),
            uuid_null(a("assignment_batch_id")),
        ] {
            let mut col = col;
            m.alter_table(
                Table::alter()
                    .table(a("suggestions"))
                    .add_column(&mut col)
                    .to_owned(),
            )
            .await?;
        }
        for (name, col) in [
            ("idx_suggestions_batch", "assignment_batch_id"),
            ("idx_suggestions_dispatcher", "dispatcher_unit_id"),
        ] {
            m.create_index(index(name, "suggestions", &[col])).await?;
        }
        stamp_changes(m.get_connection(), TABLE).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in ["idx_suggestions_batch", "idx_suggestions_dispatcher"] {
            m.drop_index(Index::drop().name(name).table(a("suggestions")).to_owned())
                .await?;
        }
        for col in ["pass_on_due", "dispatcher_unit_id", "assignment_batch_id"] {
            m.alter_table(
                Table::alter()
                    .table(a("suggestions"))
                    .drop_column(a(col))
                    .to_owned(),
            )
            .await?;
        }
        unstamp_changes(m.get_connection(), TABLE).await?;
        m.drop_table(Table::drop().table(a(TABLE)).to_owned()).await
    }
}
