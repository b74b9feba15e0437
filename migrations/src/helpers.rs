//! Small builders the later migrations share: names as aliases, indexes,
//! foreign keys to an `id` column, and timestamp columns.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

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
///
/// On PostgreSQL this is the numbering at commit that migration 036
/// replaced: a table made synchronised after it is numbered with
/// [`mark_pending_on_update`] and [`write_numbering_function`] there.
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

/// The synchronised tables numbered when a row is inserted and not when it
/// changes (see [`stamp_inserts`]).
pub(crate) const NUMBERED_INSERTS_ONLY: [&str; 1] = ["notifications"];

/// On PostgreSQL, from migration 036: an update of a numbered row of
/// `table` marks it as not yet numbered (`change_seq` NULL), unless the
/// update is the numbering itself (it sets `change_seq`). An inserted row
/// is not numbered yet already.
pub(crate) async fn mark_pending_on_update<C: ConnectionTrait>(
    db: &C,
    table: &str,
) -> Result<(), DbErr> {
    db.execute_unprepared(&format!(
        "CREATE TRIGGER {table}_change_pending
         BEFORE UPDATE ON {table}
         FOR EACH ROW WHEN (OLD.change_seq IS NOT NULL AND NEW.change_seq IS NOT DISTINCT FROM OLD.change_seq)
         EXECUTE FUNCTION renda_change_pending()"
    ))
    .await?;
    Ok(())
}

/// The tables of this PostgreSQL schema whose rows carry `change_seq`.
pub(crate) async fn numbered_tables<C: ConnectionTrait>(db: &C) -> Result<Vec<String>, DbErr> {
    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT c.relname::text AS t FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
             WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' \
             AND a.attname = 'change_seq' AND NOT a.attisdropped ORDER BY c.relname",
        ))
        .await?;
    rows.iter().map(|r| r.try_get::<String>("", "t")).collect()
}

/// The most rows of one table a numbering run numbers: a run stays short
/// however many changes wait (a bulk import), and the rest are numbered by
/// the runs that follow, a second apart at most.
const NUMBERING_BATCH: u32 = 10_000;

/// (Re)writes `renda_number_changes()` on PostgreSQL for every table of
/// the schema that carries `change_seq`. One run at a time (the counter
/// table's lock): a caller that finds another run going for 200 ms does
/// nothing, since that run or the next numbers what it would have. A run
/// numbers the marked rows it sees, up to [`NUMBERING_BATCH`] a table,
/// skipping a row another transaction holds, and locks the rows it numbers
/// as an update of a column that is no key does, so that writers adding
/// rows that refer to them do not wait. Written out table by table, so
/// that its statements are planned once per connection.
pub(crate) async fn write_numbering_function<C: ConnectionTrait>(db: &C) -> Result<(), DbErr> {
    let mut body = String::new();
    for t in numbered_tables(db).await? {
        body.push_str(&format!(
            "WITH picked AS MATERIALIZED \
             (SELECT id FROM {t} WHERE change_seq IS NULL LIMIT {NUMBERING_BATCH} \
             FOR NO KEY UPDATE SKIP LOCKED) \
             UPDATE {t} SET change_seq = nextval('renda_change_numbers') \
             FROM picked WHERE {t}.id = picked.id AND {t}.change_seq IS NULL;\n"
        ));
    }
    db.execute_unprepared(&format!(
        "CREATE OR REPLACE FUNCTION renda_number_changes() RETURNS void
         SET search_path FROM CURRENT
         SET lock_timeout = '200ms'
         AS $$
         BEGIN
           BEGIN
             LOCK TABLE change_counter IN EXCLUSIVE MODE;
           EXCEPTION WHEN lock_not_available THEN
             RETURN;
           END;
         {body}
         END
         $$ LANGUAGE plpgsql"
    ))
    .await?;
    Ok(())
}

/// Takes every numbered table of the schema for this migration alone, and
/// then the counter table: the order in which a writer of the version
/// before 036 took them (its deferred trigger reached the counter at
/// commit), so that the two never wait on each other in a circle.
pub(crate) async fn lock_numbered_tables<C: ConnectionTrait>(db: &C) -> Result<(), DbErr> {
    let tables = numbered_tables(db).await?;
    if !tables.is_empty() {
        db.execute_unprepared(&format!(
            "LOCK TABLE {} IN ACCESS EXCLUSIVE MODE",
            tables.join(", ")
        ))
        .await?;
    }
    db.execute_unprepared("LOCK TABLE change_counter IN EXCLUSIVE MODE")
        .await?;
    Ok(())
}
