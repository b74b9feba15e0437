//! The yearly double evaluation (双评): handling units named advanced
//! (先进承办单位) for a year, with the reason.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AdvancedUnits {
    Table,
    Year,
    UnitId,
    Reason,
    MarkedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Units {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AdvancedUnits::Table)
                .col(integer(AdvancedUnits::Year))
                .col(uuid(AdvancedUnits::UnitId))
                .col(text(AdvancedUnits::Reason))
                .col(uuid(AdvancedUnits::MarkedBy))
                .col(timestamp_with_time_zone(AdvancedUnits::CreatedAt))
                .primary_key(
                    Index::create()
                        .col(AdvancedUnits::Year)
                        .col(AdvancedUnits::UnitId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_advanced_unit")
                        .from(AdvancedUnits::Table, AdvancedUnits::UnitId)
                        .to(Units::Table, Units::Id),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AdvancedUnits::Table).to_owned())
            .await
    }
}
