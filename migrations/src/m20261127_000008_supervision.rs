//! Supervision items (监督事项) with their bodies, participants and
//! observers, and the records of the loop: investigation records, special
//! inquiries, deliberation opinions with their problem lists,
//! rectification reports, satisfaction votes and their results, and
//! observers' opinions.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{a, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn item_fk(table: &'static str) -> ForeignKeyCreateStatement {
    fk(
        &format!("fk_{table}_item"),
        table,
        "item_id",
        "supervision_items",
        true,
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("supervision_items"))
                .col(uuid(a("id")).primary_key())
                .col(string_len(a("title"), 200))
                .col(integer(a("year")))
                .col(text_null(a("description")))
                .col(string_len(a("methods"), 200))
                .col(string_len(a("committee"), 100))
                .col(text(a("laws")))
                .col(string_len(a("stage"), 20))
                .col(integer(a("round")))
                .col(timestamp_with_time_zone_null(a("published_at")))
                .col(timestamp_with_time_zone_null(a("closed_at")))
                .col(uuid(a("created_by")))
                .col(timestamp_with_time_zone(a("created_at")))
                .col(timestamp_with_time_zone(a("updated_at")))
                .col(integer(a("version")))
                .foreign_key(&mut fk(
                    "fk_supervision_creator",
                    "supervision_items",
                    "created_by",
                    "users",
                    false,
                ))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("idx_supervision_items_updated", &["updated_at", "id"][..]),
            ("idx_supervision_items_year", &["year", "stage"][..]),
        ] {
            m.create_index(index(name, "supervision_items", cols))
                .await?;
        }

        // The bodies supervised, the deputies taking part, the observers assigned.
        for (table, col, target) in [
            ("supervision_bodies", "unit_id", "units"),
            ("supervision_participants", "deputy_id", "deputies"),
            ("supervision_observers", "observer_id", "observers"),
        ] {
            let mut t = Table::create();
            t.table(a(table))
                .col(uuid(a("item_id")))
                .col(uuid(a(col)))
                .primary_key(Index::create().col(a("item_id")).col(a(col)))
                .foreign_key(&mut item_fk(table))
                .foreign_key(&mut fk(
                    &format!("fk_{table}_{col}"),
                    table,
                    col,
                    target,
                    false,
                ));
            if table == "supervision_participants" {
                t.col(string_len(a("kind"), 20));
            }
            if table == "supervision_observers" {
                t.col(timestamp_with_time_zone(a("assigned_at")));
            }
            m.create_table(t.to_owned()).await?;
            m.create_index(index(&format!("idx_{table}_{col}"), table, &[col]))
                .await?;
        }

        m.create_table(
            Table::create()
                .table(a("supervision_events"))
                .col(uuid(a("id")).primary_key())
                .col(uuid(a("item_id")))
                .col(timestamp_with_time_zone(a("occurred_at")))
                .col(uuid_null(a("actor_id")))
                .col(string_len_null(a("actor_name"), 100))
                .col(string_len(a("action"), 60))
                .col(string_len_null(a("from_stage"), 20))
                .col(string_len_null(a("to_stage"), 20))
                .col(text_null(a("detail")))
                .foreign_key(&mut item_fk("supervision_events"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("supervision_records"))
                .col(uuid(a("id")).primary_key())
                .col(uuid(a("item_id")))
                .col(string_len(a("kind"), 20))
                .col(date(a("occurred_on")))
                .col(string_len(a("place"), 200))
                .col(text_null(a("participants")))
                .col(text(a("findings")))
                .col(uuid(a("created_by")))
                .col(timestamp_with_time_zone(a("created_at")))
                .foreign_key(&mut item_fk("supervision_records"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("supervision_inquiries"))
                .col(uuid(a("id")).primary_key())
                .col(uuid(a("item_id")))
                .col(uuid_null(a("unit_id")))
                .col(string_len(a("asked_by"), 100))
                .col(text(a("question")))
                .col(string_len_null(a("answered_by"), 100))
                .col(text_null(a("answer")))
                .col(uuid(a("created_by")))
                .col(timestamp_with_time_zone(a("created_at")))
                .foreign_key(&mut item_fk("supervision_inquiries"))
                .foreign_key(&mut fk(
                    "fk_supervision_inquiries_unit",
                    "supervision_inquiries",
                    "unit_id",
                    "units",
                    false,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("supervision_opinions"))
                .col(uuid(a("id")).primary_key())
                .col(uuid(a("item_id")))
                .col(uuid(a("unit_id")))
                .col(integer(a("round")))
                .col(text(a("content")))
                .col(date(a("deadline")))
                .col(uuid(a("issued_by")))
                .col(timestamp_with_time_zone(a("issued_at")))
                .foreign_key(&mut item_fk("supervision_opinions"))
                .foreign_key(&mut fk(
                    "fk_supervision_opinions_unit",
                    "supervision_opinions",
                    "unit_id",
                    "units",
                    false,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("supervision_problems"))
                .col(uuid(a("id")).primary_key())
                .col(uuid(a("item_id")))
                .col(uuid(a("opinion_id")))
                .col(integer(a("position")))
                .col(text(a("description")))
                .col(string_len(a("status"), 20))
                .col(text_null(a("note")))
                .col(timestamp_with_time_zone_null(a("closed_at")))
                .col(timestamp_with_time_zone(a("updated_at")))
                .foreign_key(&mut item_fk("supervision_problems"))
                .foreign_key(&mut fk(
                    "fk_supervision_problems_opinion",
                    "supervision_problems",
                    "opinion_id",
                    "supervision_opinions",
                    true,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("supervision_reports"))
                .col(uuid(a("id")).primary_key())
                .col(uuid(a("item_id")))
                .col(uuid(a("opinion_id")))
                .col(uuid(a("unit_id")))
                .col(text(a("summary")))
                .col(text(a("answers")))
                .col(uuid(a("submitted_by")))
                .col(timestamp_with_time_zone(a("submitted_at")))
                .foreign_key(&mut item_fk("supervision_reports"))
                .foreign_key(&mut fk(
                    "fk_supervision_reports_opinion",
                    "supervision_reports",
                    "opinion_id",
                    "supervision_opinions",
                    true,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("supervision_votes"))
                .col(uuid(a("item_id")))
                .col(integer(a("round")))
                .col(uuid(a("deputy_id")))
                .col(string_len(a("choice"), 30))
                .col(uuid(a("user_id")))
                .col(timestamp_with_time_zone(a("voted_at")))
                .primary_key(
                    Index::create()
                        .col(a("item_id"))
                        .col(a("round"))
                        .col(a("deputy_id")),
                )
                .foreign_key(&mut item_fk("supervision_votes"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("supervision_evaluations"))
                .col(uuid(a("item_id")))
                .col(integer(a("round")))
                .col(integer(a("satisfied")))
                .col(integer(a("basically_satisfied")))
                .col(integer(a("unsatisfied")))
                .col(string_len(a("outcome"), 20))
                .col(uuid(a("concluded_by")))
                .col(timestamp_with_time_zone(a("concluded_at")))
                .primary_key(Index::create().col(a("item_id")).col(a("round")))
                .foreign_key(&mut item_fk("supervision_evaluations"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("observation_opinions"))
                .col(uuid(a("id")).primary_key())
                .col(uuid(a("item_id")))
                .col(uuid(a("observer_id")))
                .col(text(a("content")))
                .col(string_len(a("status"), 20))
                .col(text_null(a("decision_reason")))
                .col(uuid_null(a("decided_by")))
                .col(timestamp_with_time_zone_null(a("decided_at")))
                .col(uuid(a("created_by")))
                .col(timestamp_with_time_zone(a("created_at")))
                .foreign_key(&mut item_fk("observation_opinions"))
                .foreign_key(&mut fk(
                    "fk_observation_opinions_observer",
                    "observation_opinions",
                    "observer_id",
                    "observers",
                    false,
                ))
                .to_owned(),
        )
        .await?;

        for (table, col) in [
            ("supervision_events", "item_id"),
            ("supervision_records", "item_id"),
            ("supervision_inquiries", "item_id"),
            ("supervision_opinions", "item_id"),
            ("supervision_problems", "item_id"),
            ("supervision_problems", "opinion_id"),
            ("supervision_reports", "item_id"),
            ("observation_opinions", "item_id"),
            ("observation_opinions", "observer_id"),
        ] {
            m.create_index(index(&format!("idx_{table}_{col}"), table, &[col]))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "observation_opinions",
            "supervision_evaluations",
            "supervision_votes",
            "supervision_reports",
            "supervision_problems",
            "supervision_opinions",
            "supervision_inquiries",
            "supervision_records",
            "supervision_events",
            "supervision_observers",
            "supervision_participants",
            "supervision_bodies",
            "supervision_items",
        ] {
            m.drop_table(Table::drop().table(a(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
