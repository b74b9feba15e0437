//! Indexes for the suggestion lists filtered by status (and colour),
//! newest first: with a million suggestions, the planner otherwise walks
//! the primary key from one end and discards rows until the page fills
//! (bench/README.md).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: [(&str, &[&str]); 2] = [
    ("idx_suggestions_status_id", &["status", "id"]),
    (
        "idx_suggestions_status_color_id",
        &["status", "color", "id"],
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (name, cols) in INDEXES {
            let mut i = Index::create();
            i.name(name).table(Alias::new("suggestions"));
            for c in cols {
                i.col(Alias::new(*c));
            }
            m.create_index(i.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in INDEXES {
            m.drop_index(
                Index::drop()
                    .name(name)
                    .table(Alias::new("suggestions"))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
