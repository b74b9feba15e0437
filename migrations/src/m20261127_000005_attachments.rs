//! Files attached to suggestions: the deputy's materials and the units'
//! reply letters. The bytes live under the data directory; the database
//! keeps their name, type, size and SHA-256.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SuggestionAttachments {
    Table,
    Id,
    SuggestionId,
    Kind,
    FileName,
    ContentType,
    Size,
    Sha256,
    UploadedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Suggestions {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(SuggestionAttachments::Table)
                .col(uuid(SuggestionAttachments::Id).primary_key())
                .col(uuid(SuggestionAttachments::SuggestionId))
                .col(string_len(SuggestionAttachments::Kind, 20))
                .col(string_len(SuggestionAttachments::FileName, 255))
                .col(string_len(SuggestionAttachments::ContentType, 100))
                .col(big_integer(SuggestionAttachments::Size))
                .col(string_len(SuggestionAttachments::Sha256, 64))
                .col(uuid(SuggestionAttachments::UploadedBy))
                .col(timestamp_with_time_zone(SuggestionAttachments::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_attachment_suggestion")
                        .from(
                            SuggestionAttachments::Table,
                            SuggestionAttachments::SuggestionId,
                        )
                        .to(Suggestions::Table, Suggestions::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_attachments_suggestion")
                .table(SuggestionAttachments::Table)
                .col(SuggestionAttachments::SuggestionId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SuggestionAttachments::Table).to_owned())
            .await
    }
}
