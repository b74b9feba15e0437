//! Controls for a government deployment (等保 2.0 level 3, PIPL): a forced
//! password change, the password history, the sign-in history, the result
//! of each audit entry, an append-only audit trail enforced by the
//! database itself, and room for personal data encrypted at rest.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::helpers::{a, index, ts};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The columns of an audit entry that no one may change once written.
/// Sealing sets `seq` and `chain_hash` once, and `entry_hash` when it is
/// still empty (entries written before this migration carry theirs);
/// nothing else is ever updated.
const AUDIT_CONTENT: [&str; 13] = [
    "id",
    "occurred_at",
    "actor_id",
    "actor_username",
    "actor_roles",
    "request_id",
    "client_addr",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "result",
];

/// Personal data columns, encrypted at rest: their ciphertext outgrows
/// the lengths the plain values needed.
const PERSONAL: [(&str, &str); 7] = [
    ("deputies", "phone"),
    ("observers", "phone"),
    ("observers", "email"),
    ("constituent_opinions", "submitter_name"),
    ("constituent_opinions", "submitter_phone"),
    ("needs", "contact_phone"),
    ("needs", "requester"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(a("users"))
                .add_column(boolean(a("must_change_password")).default(false))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("password_history"))
                .col(uuid(a("id")).primary_key())
                .col(uuid(a("user_id")))
                .col(string_len(a("password_hash"), 200))
                .col(ts("changed_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_password_history_user",
            "password_history",
            &["user_id", "changed_at"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(a("login_events"))
                .col(uuid(a("id")).primary_key())
                .col(uuid_null(a("user_id")))
                .col(string_len(a("username"), 64))
                .col(ts("occurred_at"))
                .col(string_len_null(a("client_addr"), 64))
                .col(string_len_null(a("request_id"), 128))
                .col(string_len_null(a("user_agent"), 300))
                .col(string_len(a("result"), 30))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_login_events_user",
            "login_events",
            &["user_id", "occurred_at"],
        ))
        .await?;
        m.alter_table(
            Table::alter()
                .table(a("audit_events"))
                .add_column(string_len(a("result"), 20).default("success"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_audit_events_time",
            "audit_events",
            &["occurred_at"],
        ))
        .await?;
        // A keyed hash of a deputy's phone number, for lookup by value
        // without decrypting every row.
        m.alter_table(
            Table::alter()
                .table(a("deputies"))
                .add_column(string_len_null(a("phone_index"), 100))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_deputies_phone_index",
            "deputies",
            &["phone_index"],
        ))
        .await?;

        let db = m.get_connection();
        match db.get_database_backend() {
            DbBackend::Postgres => {
                for (table, col) in PERSONAL {
                    db.execute_unprepared(&format!(
                        "ALTER TABLE {table} ALTER COLUMN {col} TYPE text"
                    ))
                    .await?;
                }
                let changed = AUDIT_CONTENT
                    .iter()
                    .map(|c| format!("NEW.{c} IS DISTINCT FROM OLD.{c}"))
                    .collect::<Vec<_>>()
                    .join(" OR ");
                db.execute_unprepared(&format!(
                    "CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
                     BEGIN
                       IF TG_OP = 'DELETE' THEN
                         RAISE EXCEPTION 'the audit trail is append-only: entries cannot be deleted';
                       END IF;
                       IF OLD.seq IS NOT NULL OR {changed}
                          OR (OLD.entry_hash <> '' AND NEW.entry_hash IS DISTINCT FROM OLD.entry_hash) THEN
                         RAISE EXCEPTION 'the audit trail is append-only: entries cannot be changed';
                       END IF;
                       RETURN NEW;
                     END
                     $$ LANGUAGE plpgsql"
                ))
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER audit_events_append_only
                     BEFORE UPDATE OR DELETE ON audit_events
                     FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
                )
                .await?;
            }
            _ => {
                // SQLite keeps any length in a text column.
                let changed = AUDIT_CONTENT
                    .iter()
                    .map(|c| format!("NEW.{c} IS NOT OLD.{c}"))
                    .collect::<Vec<_>>()
                    .join(" OR ");
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER audit_events_no_update
                     BEFORE UPDATE ON audit_events
                     WHEN OLD.seq IS NOT NULL OR {changed}
                          OR (OLD.entry_hash <> '' AND NEW.entry_hash IS NOT OLD.entry_hash)
                     BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: entries cannot be changed'); END"
                ))
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER audit_events_no_delete
                     BEFORE DELETE ON audit_events
                     BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: entries cannot be deleted'); END",
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        match db.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events",
                )
                .await?;
                db.execute_unprepared("DROP FUNCTION IF EXISTS audit_events_append_only()")
                    .await?;
            }
            _ => {
                db.execute_unprepared("DROP TRIGGER IF EXISTS audit_events_no_update")
                    .await?;
                db.execute_unprepared("DROP TRIGGER IF EXISTS audit_events_no_delete")
                    .await?;
            }
        }
        m.drop_index(
            Index::drop()
                .name("idx_deputies_phone_index")
                .table(a("deputies"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(a("deputies"))
                .drop_column(a("phone_index"))
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("idx_audit_events_time")
                .table(a("audit_events"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(a("audit_events"))
                .drop_column(a("result"))
                .to_owned(),
        )
        .await?;
        for t in ["login_events", "password_history"] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        m.alter_table(
            Table::alter()
                .table(a("users"))
                .drop_column(a("must_change_password"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
