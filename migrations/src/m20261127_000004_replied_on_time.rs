//! Whether a suggestion's latest reply came no later than the deadline
//! that applied to it, so that on-time replies can be counted in SQL.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Suggestions {
    Table,
    RepliedOnTime,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Suggestions::Table)
                .add_column(ColumnDef::new(Suggestions::RepliedOnTime).boolean().null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Suggestions::Table)
                .drop_column(Suggestions::RepliedOnTime)
                .to_owned(),
        )
        .await
    }
}
