//! Deputies at work: liaison stations with their deputies and reception
//! days, constituent opinions, activities with invitations, sign-ups and
//! check-ins, the needs list, and deputies' duty records.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{a, fk, index, ts, ts_null};

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
                .table(a("stations"))
                .col(uuid(a("id")).primary_key())
                .col(string_len(a("kind"), 20))
                .col(string_len(a("name"), 200))
                .col(string_len_null(a("address"), 300))
                .col(uuid_null(a("parent_id")))
                .col(string_len_null(a("contact_person"), 100))
                .col(string_len_null(a("contact_phone"), 40))
                .col(text_null(a("description")))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(ts_null("deleted_at"))
                .col(integer(a("version")))
                .foreign_key(&mut fk(
                    "fk_stations_parent",
                    "stations",
                    "parent_id",
                    "stations",
                    false,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("station_deputies"))
                .col(uuid(a("station_id")))
                .col(uuid(a("deputy_id")))
                .primary_key(Index::create().col(a("station_id")).col(a("deputy_id")))
                .foreign_key(&mut fk(
                    "fk_station_deputies_station",
                    "station_deputies",
                    "station_id",
                    "stations",
                    true,
                ))
                .foreign_key(&mut fk(
                    "fk_station_deputies_deputy",
                    "station_deputies",
                    "deputy_id",
                    "deputies",
                    true,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("reception_days"))
                .col(uuid(a("id")).primary_key())
                .col(uuid(a("station_id")))
                .col(date(a("day")))
                .col(string_len_null(a("hours"), 40))
                .col(string_len_null(a("topic"), 200))
                .col(integer_null(a("people_received")))
                .col(text_null(a("matters")))
                .col(ts_null("recorded_at"))
                .col(uuid_null(a("recorded_by")))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(integer(a("version")))
                .foreign_key(&mut fk(
                    "fk_reception_days_station",
                    "reception_days",
                    "station_id",
                    "stations",
                    true,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("reception_deputies"))
                .col(uuid(a("reception_id")))
                .col(uuid(a("deputy_id")))
                .primary_key(Index::create().col(a("reception_id")).col(a("deputy_id")))
                .foreign_key(&mut fk(
                    "fk_reception_deputies_day",
                    "reception_deputies",
                    "reception_id",
                    "reception_days",
                    true,
                ))
                .foreign_key(&mut fk(
                    "fk_reception_deputies_deputy",
                    "reception_deputies",
                    "deputy_id",
                    "deputies",
                    false,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("constituent_opinions"))
                .col(uuid(a("id")).primary_key())
                .col(uuid_null(a("station_id")))
                .col(text(a("content")))
                .col(string_len_null(a("category"), 40))
                .col(string_len_null(a("submitter_name"), 100))
                .col(string_len_null(a("submitter_phone"), 40))
                .col(string_len(a("receipt_digest"), 64))
                .col(string_len(a("status"), 20))
                .col(text_null(a("answer")))
                .col(uuid_null(a("unit_id")))
                .col(text_null(a("forward_note")))
                .col(text_null(a("unit_reply")))
                .col(uuid_null(a("suggestion_id")))
                .col(uuid_null(a("handled_by")))
                .col(ts_null("handled_at"))
                .col(uuid_null(a("created_by")))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(integer(a("version")))
                .foreign_key(&mut fk(
                    "fk_opinions_station",
                    "constituent_opinions",
                    "station_id",
                    "stations",
                    false,
                ))
                .foreign_key(&mut fk(
                    "fk_opinions_unit",
                    "constituent_opinions",
                    "unit_id",
                    "units",
                    false,
                ))
                .foreign_key(&mut fk(
                    "fk_opinions_suggestion",
                    "constituent_opinions",
                    "suggestion_id",
                    "suggestions",
                    false,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_opinions_receipt")
                .table(a("constituent_opinions"))
                .col(a("receipt_digest"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("activities"))
                .col(uuid(a("id")).primary_key())
                .col(string_len(a("kind"), 30))
                .col(string_len_null(a("brand"), 100))
                .col(string_len(a("title"), 200))
                .col(text_null(a("description")))
                .col(date(a("day")))
                .col(string_len(a("place"), 200))
                .col(string_len(a("organiser"), 200))
                .col(uuid(a("created_by")))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(integer(a("version")))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("activity_participants"))
                .col(uuid(a("activity_id")))
                .col(uuid(a("deputy_id")))
                .col(boolean(a("invited")))
                .col(ts_null("signed_up_at"))
                .col(ts_null("checked_in_at"))
                .col(uuid_null(a("checked_in_by")))
                .primary_key(Index::create().col(a("activity_id")).col(a("deputy_id")))
                .foreign_key(&mut fk(
                    "fk_participants_activity",
                    "activity_participants",
                    "activity_id",
                    "activities",
                    true,
                ))
                .foreign_key(&mut fk(
                    "fk_participants_deputy",
                    "activity_participants",
                    "deputy_id",
                    "deputies",
                    false,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("needs"))
                .col(uuid(a("id")).primary_key())
                .col(string_len(a("requester"), 200))
                .col(string_len(a("requester_kind"), 20))
                .col(text(a("content")))
                .col(string_len_null(a("contact_phone"), 40))
                .col(string_len(a("status"), 20))
                .col(uuid_null(a("activity_id")))
                .col(uuid_null(a("deputy_id")))
                .col(text_null(a("close_note")))
                .col(uuid(a("created_by")))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(integer(a("version")))
                .foreign_key(&mut fk(
                    "fk_needs_activity",
                    "needs",
                    "activity_id",
                    "activities",
                    false,
                ))
                .foreign_key(&mut fk(
                    "fk_needs_deputy",
                    "needs",
                    "deputy_id",
                    "deputies",
                    false,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("duty_records"))
                .col(uuid(a("id")).primary_key())
                .col(uuid(a("deputy_id")))
                .col(string_len(a("kind"), 40))
                .col(date(a("occurred_on")))
                .col(string_len(a("title"), 200))
                .col(text_null(a("content")))
                .col(string_len_null(a("ref_type"), 40))
                .col(uuid_null(a("ref_id")))
                .col(boolean(a("manual")))
                .col(uuid_null(a("created_by")))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(ts_null("deleted_at"))
                .col(integer(a("version")))
                .foreign_key(&mut fk(
                    "fk_duty_records_deputy",
                    "duty_records",
                    "deputy_id",
                    "deputies",
                    true,
                ))
                .to_owned(),
        )
        .await?;
        for (table, cols) in [
            ("stations", &["updated_at", "id"][..]),
            ("station_deputies", &["deputy_id"][..]),
            ("reception_days", &["station_id", "day"][..]),
            ("reception_deputies", &["deputy_id"][..]),
            ("constituent_opinions", &["updated_at", "id"][..]),
            ("constituent_opinions", &["station_id"][..]),
            ("activities", &["updated_at", "id"][..]),
            ("activities", &["day"][..]),
            ("activity_participants", &["deputy_id"][..]),
            ("needs", &["updated_at", "id"][..]),
            ("duty_records", &["deputy_id", "occurred_on"][..]),
            ("duty_records", &["occurred_on"][..]),
        ] {
            let name = format!("idx_{table}_{}", cols.join("_"));
            m.create_index(index(&name, table, cols)).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "duty_records",
            "needs",
            "activity_participants",
            "activities",
            "constituent_opinions",
            "reception_deputies",
            "reception_days",
            "station_deputies",
            "stations",
        ] {
            m.drop_table(Table::drop().table(a(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
