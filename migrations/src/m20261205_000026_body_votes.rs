//! A supervision vote per supervised body: each member's choice on each
//! body named apart, and each body's result of a round.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{a, fk};

const VOTES: &str = "supervision_body_votes";
const RESULTS: &str = "supervision_body_results";

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
                .table(a(VOTES))
                .col(uuid(a("item_id")))
                .col(integer(a("round")))
                .col(uuid(a("deputy_id")))
                .col(uuid(a("body_id")))
                .col(string_len(a("choice"), 30))
                .primary_key(
                    Index::create()
                        .col(a("item_id"))
                        .col(a("round"))
                        .col(a("deputy_id"))
                        .col(a("body_id")),
                )
                .foreign_key(&mut fk(
                    "fk_body_votes_item",
                    VOTES,
                    "item_id",
                    "supervision_items",
                    true,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a(RESULTS))
                .col(uuid(a("item_id")))
                .col(integer(a("round")))
                .col(uuid(a("body_id")))
                .col(integer(a("satisfied")))
                .col(integer(a("basically_satisfied")))
                .col(integer(a("unsatisfied")))
                .col(string_len(a("outcome"), 20))
                .primary_key(
                    Index::create()
                        .col(a("item_id"))
                        .col(a("round"))
                        .col(a("body_id")),
                )
                .foreign_key(&mut fk(
                    "fk_body_results_item",
                    RESULTS,
                    "item_id",
                    "supervision_items",
                    true,
                ))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [RESULTS, VOTES] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
