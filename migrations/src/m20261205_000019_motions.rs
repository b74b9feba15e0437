//! Motions (议案) of a session: the motion, the deputies asked to sign it
//! (with when each agreed or declined) and its timeline. A motion's
//! number is unique; its row carries `change_seq` for the change feed.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{a, fk, index, stamp_changes, ts, ts_null, unstamp_changes};

const TABLE: &str = "motions";

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
                .table(a(TABLE))
                .col(uuid(a("id")).primary_key())
                .col(string_len_null(a("number"), 80))
                .col(uuid(a("congress_session_id")))
                .col(string_len(a("level"), 20))
                .col(string_len(a("title"), 200))
                .col(text(a("reason")))
                .col(text(a("proposal")))
                .col(string_len(a("proposer"), 20))
                .col(string_len_null(a("delegation"), 100))
                .col(uuid(a("lead_deputy_id")))
                .col(string_len(a("status"), 20))
                .col(string_len_null(a("committee"), 100))
                .col(date_null(a("report_due")))
                .col(text_null(a("report")))
                .col(ts_null("reported_at"))
                .col(text_null(a("decision_reason")))
                .col(ts_null("decided_at"))
                .col(uuid_null(a("suggestion_id")))
                .col(ts_null("submitted_at"))
                .col(ts_null("registered_at"))
                .col(uuid(a("created_by")))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(ts_null("deleted_at"))
                .col(integer(a("version")))
                .col(big_integer_null(a("change_seq")))
                .foreign_key(&mut fk(
                    "fk_motions_session",
                    TABLE,
                    "congress_session_id",
                    "congress_sessions",
                    false,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("ux_motions_number", TABLE, &["number"])
                .unique()
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            (
                "idx_motions_session",
                &["congress_session_id", "status"][..],
            ),
            ("idx_motions_lead", &["lead_deputy_id"][..]),
            ("idx_motions_updated", &["updated_at", "id"][..]),
            ("idx_motions_change_seq", &["change_seq"][..]),
        ] {
            m.create_index(index(name, TABLE, cols)).await?;
        }
        m.create_table(
            Table::create()
                .table(a("motion_signers"))
                .col(uuid(a("motion_id")))
                .col(uuid(a("deputy_id")))
                .col(ts_null("confirmed_at"))
                .col(ts_null("declined_at"))
                .primary_key(Index::create().col(a("motion_id")).col(a("deputy_id")))
                .foreign_key(&mut fk(
                    "fk_motion_signers_motion",
                    "motion_signers",
                    "motion_id",
                    TABLE,
                    true,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_motion_signers_deputy",
            "motion_signers",
            &["deputy_id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(a("motion_events"))
                .col(uuid(a("id")).primary_key())
                .col(uuid(a("motion_id")))
                .col(ts("occurred_at"))
                .col(uuid_null(a("actor_id")))
                .col(string_len_null(a("actor_name"), 100))
                .col(string_len(a("action"), 60))
                .col(string_len_null(a("from_status"), 20))
                .col(string_len_null(a("to_status"), 20))
                .col(text_null(a("detail")))
                .foreign_key(&mut fk(
                    "fk_motion_events_motion",
                    "motion_events",
                    "motion_id",
                    TABLE,
                    true,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_motion_events_motion",
            "motion_events",
            &["motion_id"],
        ))
        .await?;
        stamp_changes(m.get_connection(), TABLE).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        unstamp_changes(m.get_connection(), TABLE).await?;
        for t in ["motion_events", "motion_signers", TABLE] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
