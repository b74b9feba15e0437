//! Livelihood projects voted by deputies: rounds, candidates, who voted,
//! the ballots' marks (kept apart from the voters when the ballot is
//! secret), and the projects' progress, comments and ratings.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{a, fk, index, ts};

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
                .table(a("livelihood_rounds"))
                .col(uuid(a("id")).primary_key())
                .col(integer(a("year")))
                .col(string_len(a("level"), 20))
                .col(string_len(a("term"), 40))
                .col(string_len(a("title"), 200))
                .col(integer(a("seats")))
                .col(boolean(a("secret_ballot")))
                .col(string_len(a("stage"), 20))
                .col(text_null(a("tie_break")))
                .col(uuid(a("created_by")))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(integer(a("version")))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("livelihood_candidates"))
                .col(uuid(a("id")).primary_key())
                .col(uuid(a("round_id")))
                .col(string_len(a("title"), 200))
                .col(text(a("description")))
                .col(big_integer_null(a("estimated_budget")))
                .col(uuid_null(a("unit_id")))
                .col(string_len(a("source"), 20))
                .col(uuid_null(a("proposed_by")))
                .col(uuid_null(a("proposer_deputy_id")))
                .col(string_len(a("status"), 20))
                .col(text_null(a("review_reason")))
                .col(uuid_null(a("reviewed_by")))
                .col(integer_null(a("approvals")))
                .col(integer_null(a("against")))
                .col(integer_null(a("abstentions")))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(integer(a("version")))
                .foreign_key(&mut fk(
                    "fk_candidates_round",
                    "livelihood_candidates",
                    "round_id",
                    "livelihood_rounds",
                    true,
                ))
                .foreign_key(&mut fk(
                    "fk_candidates_unit",
                    "livelihood_candidates",
                    "unit_id",
                    "units",
                    false,
                ))
                .to_owned(),
        )
        .await?;
        // Who voted. The primary key makes a second ballot of a deputy
        // impossible, however close together the two arrive.
        m.create_table(
            Table::create()
                .table(a("livelihood_voters"))
                .col(uuid(a("round_id")))
                .col(uuid(a("deputy_id")))
                .col(uuid_null(a("ballot_id")))
                .col(uuid(a("user_id")))
                .col(ts("cast_at"))
                .primary_key(Index::create().col(a("round_id")).col(a("deputy_id")))
                .foreign_key(&mut fk(
                    "fk_voters_round",
                    "livelihood_voters",
                    "round_id",
                    "livelihood_rounds",
                    true,
                ))
                .foreign_key(&mut fk(
                    "fk_voters_deputy",
                    "livelihood_voters",
                    "deputy_id",
                    "deputies",
                    false,
                ))
                .to_owned(),
        )
        .await?;
        // The marks of each ballot, under a random ballot id that, for a
        // secret ballot, nothing links to its voter.
        m.create_table(
            Table::create()
                .table(a("livelihood_marks"))
                .col(uuid(a("ballot_id")))
                .col(uuid(a("candidate_id")))
                .col(uuid(a("round_id")))
                .col(string_len(a("choice"), 20))
                .primary_key(Index::create().col(a("ballot_id")).col(a("candidate_id")))
                .foreign_key(&mut fk(
                    "fk_marks_round",
                    "livelihood_marks",
                    "round_id",
                    "livelihood_rounds",
                    true,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("livelihood_progress"))
                .col(uuid(a("id")).primary_key())
                .col(uuid(a("candidate_id")))
                .col(integer(a("percent")))
                .col(text(a("note")))
                .col(date(a("reported_on")))
                .col(uuid(a("reported_by")))
                .col(ts("created_at"))
                .foreign_key(&mut fk(
                    "fk_progress_candidate",
                    "livelihood_progress",
                    "candidate_id",
                    "livelihood_candidates",
                    true,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("livelihood_comments"))
                .col(uuid(a("id")).primary_key())
                .col(uuid(a("candidate_id")))
                .col(uuid(a("deputy_id")))
                .col(text(a("content")))
                .col(ts("created_at"))
                .foreign_key(&mut fk(
                    "fk_comments_candidate",
                    "livelihood_comments",
                    "candidate_id",
                    "livelihood_candidates",
                    true,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("livelihood_ratings"))
                .col(uuid(a("candidate_id")))
                .col(uuid(a("deputy_id")))
                .col(string_len(a("choice"), 30))
                .col(uuid(a("user_id")))
                .col(ts("rated_at"))
                .primary_key(Index::create().col(a("candidate_id")).col(a("deputy_id")))
                .foreign_key(&mut fk(
                    "fk_ratings_candidate",
                    "livelihood_ratings",
                    "candidate_id",
                    "livelihood_candidates",
                    true,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("livelihood_events"))
                .col(uuid(a("id")).primary_key())
                .col(uuid(a("round_id")))
                .col(ts("occurred_at"))
                .col(uuid_null(a("actor_id")))
                .col(string_len_null(a("actor_name"), 100))
                .col(string_len(a("action"), 60))
                .col(string_len_null(a("from_stage"), 20))
                .col(string_len_null(a("to_stage"), 20))
                .col(text_null(a("detail")))
                .foreign_key(&mut fk(
                    "fk_livelihood_events_round",
                    "livelihood_events",
                    "round_id",
                    "livelihood_rounds",
                    true,
                ))
                .to_owned(),
        )
        .await?;
        for (table, cols) in [
            ("livelihood_rounds", &["updated_at", "id"][..]),
            ("livelihood_candidates", &["round_id", "status"][..]),
            ("livelihood_marks", &["round_id"][..]),
            ("livelihood_progress", &["candidate_id"][..]),
            ("livelihood_comments", &["candidate_id"][..]),
            ("livelihood_events", &["round_id"][..]),
        ] {
            let name = format!("idx_{table}_{}", cols.join("_"));
            m.create_index(index(&name, table, cols)).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "livelihood_events",
            "livelihood_ratings",
            "livelihood_comments",
            "livelihood_progress",
            "livelihood_marks",
            "livelihood_voters",
            "livelihood_candidates",
            "livelihood_rounds",
        ] {
            m.drop_table(Table::drop().table(a(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
