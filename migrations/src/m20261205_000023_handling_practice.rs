//! The office's handling practice: co-signers confirm before they count,
//! units record their consultations with the lead deputy (面商), leaders
//! instruct (批示), and a submission not registered can go to a unit as a
//! letter (转来信).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{a, fk, index, ts, ts_null};

const CONSULTATIONS: &str = "suggestion_consultations";
const INSTRUCTIONS: &str = "suggestion_instructions";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Co-signers on record were in unless they withdrew: they stay so.
        for col in [
            string_len(a("status"), 16).default("confirmed").to_owned(),
            ts_null("confirmed_at"),
        ] {
            let mut col = col;
            m.alter_table(
                Table::alter()
                    .table(a("suggestion_co_signers"))
                    .add_column(&mut col)
                    .to_owned(),
            )
            .await?;
        }
        m.get_connection()
            .execute_unprepared(
                "UPDATE suggestion_co_signers SET status = 'withdrawn' WHERE withdrawn_at IS NOT NULL",
            )
            .await?;
        for col in [
            uuid_null(a("letter_unit_id")),
            ts_null("letter_passed_at"),
            ts_null("letter_acknowledged_at"),
            text_null(a("letter_acknowledgement")),
        ] {
            let mut col = col;
            m.alter_table(
                Table::alter()
                    .table(a("suggestions"))
                    .add_column(&mut col)
                    .to_owned(),
            )
            .await?;
        }
        m.create_index(index(
            "idx_suggestions_letter_unit",
            "suggestions",
            &["letter_unit_id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(a(CONSULTATIONS))
                .col(uuid(a("id")).primary_key())
                .col(uuid(a("suggestion_id")))
                .col(integer(a("round")))
                .col(uuid(a("unit_id")))
                .col(date(a("held_on")))
                .col(string_len(a("form"), 16))
                .col(text(a("participants")))
                .col(text(a("agreed")))
                .col(uuid(a("recorded_by")))
                .col(ts("created_at"))
                .col(string_len_null(a("response"), 16))
                .col(text_null(a("response_comment")))
                .col(ts_null("responded_at"))
                .foreign_key(&mut fk(
                    "fk_consultations_suggestion",
                    CONSULTATIONS,
                    "suggestion_id",
                    "suggestions",
                    true,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_consultations_suggestion",
            CONSULTATIONS,
            &["suggestion_id", "round"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(a(INSTRUCTIONS))
                .col(uuid(a("id")).primary_key())
                .col(uuid(a("suggestion_id")))
                .col(text(a("content")))
                .col(uuid(a("given_by")))
                .col(ts("given_at"))
                .foreign_key(&mut fk(
                    "fk_instructions_suggestion",
                    INSTRUCTIONS,
                    "suggestion_id",
                    "suggestions",
                    true,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_instructions_suggestion",
            INSTRUCTIONS,
            &["suggestion_id"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [INSTRUCTIONS, CONSULTATIONS] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        m.drop_index(
            Index::drop()
                .name("idx_suggestions_letter_unit")
                .table(a("suggestions"))
                .to_owned(),
        )
        .await?;
        for col in [
            "letter_unit_id",
            "letter_passed_at",
            "letter_acknowledged_at",
            "letter_acknowledgement",
        ] {
            m.alter_table(
                Table::alter()
                    .table(a("suggestions"))
                    .drop_column(a(col))
                    .to_owned(),
            )
            .await?;
        }
        for col in ["status", "confirmed_at"] {
            m.alter_table(
                Table::alter()
                    .table(a("suggestion_co_signers"))
                    .drop_column(a(col))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
