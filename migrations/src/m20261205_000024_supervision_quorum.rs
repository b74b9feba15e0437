//! The quorum of a supervision vote: who of the committee members was
//! present at each round's meeting, and the count kept with the round's
//! result.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{a, fk, ts};

const ATTENDANCE: &str = "supervision_attendance";

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
                .table(a(ATTENDANCE))
                .col(uuid(a("item_id")))
                .col(integer(a("round")))
                .col(uuid(a("deputy_id")))
                .col(integer(a("members")))
                .col(uuid(a("recorded_by")))
                .col(ts("recorded_at"))
                .primary_key(
                    Index::create()
                        .col(a("item_id"))
                        .col(a("round"))
                        .col(a("deputy_id")),
                )
                .foreign_key(&mut fk(
                    "fk_attendance_item",
                    ATTENDANCE,
                    "item_id",
                    "supervision_items",
                    true,
                ))
                .to_owned(),
        )
        .await?;
        for col in ["present", "members"] {
            m.alter_table(
                Table::alter()
                    .table(a("supervision_evaluations"))
                    .add_column(integer_null(a(col)))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in ["present", "members"] {
            m.alter_table(
                Table::alter()
                    .table(a("supervision_evaluations"))
                    .drop_column(a(col))
                    .to_owned(),
            )
            .await?;
        }
        m.drop_table(Table::drop().table(a(ATTENDANCE)).to_owned())
            .await
    }
}
