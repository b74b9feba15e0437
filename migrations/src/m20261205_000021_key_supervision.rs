//! The key-supervision list (重点督办建议): one list a year (a unique
//! index keeps it so across instances), its items with their leading
//! leaders, and the leaders' records.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{a, fk, index, stamp_changes, ts, ts_null, unstamp_changes};

const LISTS: &str = "key_supervision_lists";
const ITEMS: &str = "key_supervision_items";
const LEADERS: &str = "key_supervision_leaders";
const RECORDS: &str = "key_supervision_records";

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
                .table(a(LISTS))
                .col(uuid(a("id")).primary_key())
                .col(integer(a("year")))
                .col(string_len(a("title"), 200))
                .col(date(a("decided_on")))
                .col(string_len(a("document_number"), 100))
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
            index("ux_key_supervision_lists_year", LISTS, &["year"])
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_key_supervision_lists_updated",
            LISTS,
            &["updated_at", "id"],
        ))
        .await?;
        m.create_index(index(
            "idx_key_supervision_lists_change_seq",
            LISTS,
            &["change_seq"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(a(ITEMS))
                .col(uuid(a("id")).primary_key())
                .col(uuid(a("list_id")))
                .col(uuid(a("suggestion_id")))
                .col(integer(a("position")))
                .foreign_key(&mut fk("fk_key_items_list", ITEMS, "list_id", LISTS, true))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index(
                "ux_key_items_suggestion",
                ITEMS,
                &["list_id", "suggestion_id"],
            )
            .unique()
            .to_owned(),
        )
        .await?;
        m.create_index(index("idx_key_items_suggestion", ITEMS, &["suggestion_id"]))
            .await?;
        m.create_table(
            Table::create()
                .table(a(LEADERS))
                .col(uuid(a("item_id")))
                .col(uuid(a("user_id")))
                .col(integer(a("position")))
                .primary_key(Index::create().col(a("item_id")).col(a("user_id")))
                .foreign_key(&mut fk(
                    "fk_key_leaders_item",
                    LEADERS,
                    "item_id",
                    ITEMS,
                    true,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx_key_leaders_user", LEADERS, &["user_id"]))
            .await?;
        m.create_table(
            Table::create()
                .table(a(RECORDS))
                .col(uuid(a("id")).primary_key())
                .col(uuid(a("item_id")))
                .col(string_len(a("kind"), 20))
                .col(date(a("occurred_on")))
                .col(text(a("content")))
                .col(uuid(a("recorded_by")))
                .col(ts("created_at"))
                .foreign_key(&mut fk(
                    "fk_key_records_item",
                    RECORDS,
                    "item_id",
                    ITEMS,
                    true,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx_key_records_item", RECORDS, &["item_id"]))
            .await?;
        stamp_changes(m.get_connection(), LISTS).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        unstamp_changes(m.get_connection(), LISTS).await?;
        for t in [RECORDS, LEADERS, ITEMS, LISTS] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
