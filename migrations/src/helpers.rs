//! Small builders the later migrations share: names as aliases, indexes,
//! foreign keys to an `id` column, and timestamp columns.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

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
