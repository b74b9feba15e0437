//! Small builders the later migrations share: names as aliases, indexes,
//! foreign keys to an `id` column, and timestamp columns.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

pub(crate) fn a(name: &'static str) -> Alias {
    Alias::new(name)
}

pub(crate) fn index(
    name: &str,
    table: &'static str,
    cols: &[&'static str],
) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(a(table));
    for c in cols {
        i.col(a(c));
    }
    i.to_owned()
}

pub(crate) fn fk(
    name: &str,
    from: &'static str,
    col: &'static str,
    to: &'static str,
    cascade: bool,
) -> ForeignKeyCreateStatement {
    let mut f = ForeignKey::create();
    f.name(name).from(a(from), a(col)).to(a(to), a("id"));
    if cascade {
        f.on_delete(ForeignKeyAction::Cascade);
    }
    f.to_owned()
}

pub(crate) fn ts(name: &'static str) -> ColumnDef {
    timestamp_with_time_zone(a(name))
}

pub(crate) fn ts_null(name: &'static str) -> ColumnDef {
    timestamp_with_time_zone_null(a(name))
}

/// Numbers each change of `table`'s rows in commit order (its
/// `change_seq`), with the triggers the change feed migration made for the
/// tables of its time; `renda_stamp_change()` and `change_counter` exist.
pub(crate) async fn stamp_changes<C: ConnectionTrait>(db: &C, table: &str) -> Result<(), DbErr> {
    stamp(db, table, true).await
}

/// Numbers each row of `table` in commit order when it is inserted, and
/// not when it changes (a notification read is no news).
pub(crate) async fn stamp_inserts<C: ConnectionTrait>(db: &C, table: &str) -> Result<(), DbErr> {
    stamp(db, table, false).await
}

async fn stamp<C: ConnectionTrait>(db: &C, table: &str, updates: bool) -> Result<(), DbErr> {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            // The trigger's own update (depth 1) is not stamped again.
            let events = if updates {
                "INSERT OR UPDATE"
            } else {
                "INSERT"
            };
            db.execute_unprepared(&format!(
                "CREATE CONSTRAINT TRIGGER {table}_change_seq
                 AFTER {events} ON {table}
                 DEFERRABLE INITIALLY DEFERRED
                 FOR EACH ROW WHEN (pg_trigger_depth() = 0)
                 EXECUTE FUNCTION renda_stamp_change()"
            ))
            .await?;
        }
        _ => {
            let stamp = format!(
                "UPDATE change_counter SET seq = seq + 1 WHERE id = 1;
                 UPDATE {table} SET change_seq = (SELECT seq FROM change_counter WHERE id = 1)
                 WHERE id = NEW.id;"
            );
            db.execute_unprepared(&format!(
                "CREATE TRIGGER {table}_change_seq_insert AFTER INSERT ON {table}
                 BEGIN {stamp} END"
            ))
            .await?;
            if updates {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER {table}_change_seq_update AFTER UPDATE ON {table}
                     WHEN NEW.change_seq IS OLD.change_seq
                     BEGIN {stamp} END"
                ))
                .await?;
            }
        }
    }
    Ok(())
}

/// Drops the triggers [`stamp_changes`] or [`stamp_inserts`] made.
pub(crate) async fn unstamp_changes<C: ConnectionTrait>(db: &C, table: &str) -> Result<(), DbErr> {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            db.execute_unprepared(&format!(
                "DROP TRIGGER IF EXISTS {table}_change_seq ON {table}"
            ))
            .await?;
        }
        _ => {
            for event in ["insert", "update"] {
                db.execute_unprepared(&format!(
                    "DROP TRIGGER IF EXISTS {table}_change_seq_{event}"
                ))
                .await?;
            }
        }
    }
    Ok(())
}
