//! A livelihood round counts its majority on the ballots cast or on the
//! whole membership, keeps the serving deputies counted when its vote
//! closed (the quorum's base), and the plenary session it was held at.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::a;

const ROUNDS: &str = "livelihood_rounds";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            string_len(a("majority"), 16).default("cast").to_owned(),
            uuid_null(a("congress_session_id")),
            integer_null(a("voting_members")),
        ] {
            m.alter_table(Table::alter().table(a(ROUNDS)).add_column(col).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in ["majority", "congress_session_id", "voting_members"] {
            m.alter_table(
                Table::alter()
                    .table(a(ROUNDS))
                    .drop_column(a(col))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
