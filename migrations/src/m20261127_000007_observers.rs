//! The observer registry and observers' declared ties to supervised bodies.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Observers {
    Table,
    Id,
    Name,
    Specialty,
    Category,
    Affiliation,
    TermStart,
    TermEnd,
    Status,
    Phone,
    Email,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
    Version,
}

#[derive(DeriveIden)]
enum ObserverConflicts {
    Table,
    ObserverId,
    UnitId,
}

#[derive(DeriveIden)]
enum Units {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Observers::Table)
                .col(uuid(Observers::Id).primary_key())
                .col(string_len(Observers::Name, 100))
                .col(string_len(Observers::Specialty, 40))
                .col(string_len(Observers::Category, 40))
                .col(string_len_null(Observers::Affiliation, 200))
                .col(date_null(Observers::TermStart))
                .col(date_null(Observers::TermEnd))
                .col(string_len(Observers::Status, 20))
                .col(string_len_null(Observers::Phone, 40))
                .col(string_len_null(Observers::Email, 200))
                .col(timestamp_with_time_zone(Observers::CreatedAt))
                .col(timestamp_with_time_zone(Observers::UpdatedAt))
                .col(timestamp_with_time_zone_null(Observers::DeletedAt))
                .col(integer(Observers::Version))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_observers_updated")
                .table(Observers::Table)
                .col(Observers::UpdatedAt)
                .col(Observers::Id)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ObserverConflicts::Table)
                .col(uuid(ObserverConflicts::ObserverId))
                .col(uuid(ObserverConflicts::UnitId))
                .primary_key(
                    Index::create()
                        .col(ObserverConflicts::ObserverId)
                        .col(ObserverConflicts::UnitId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_conflict_observer")
                        .from(ObserverConflicts::Table, ObserverConflicts::ObserverId)
                        .to(Observers::Table, Observers::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_conflict_unit")
                        .from(ObserverConflicts::Table, ObserverConflicts::UnitId)
                        .to(Units::Table, Units::Id),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ObserverConflicts::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Observers::Table).to_owned())
            .await
    }
}
