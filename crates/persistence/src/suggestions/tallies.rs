//! The dashboard's tallies, kept current in the transaction of each change
//! ([`apply_statements`]): the domain says what a change adds
//! ([`renda_domain::suggestion::tallies::delta`]); this adds it with one
//! `INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n` per table, which
//! concurrent changes on any instance add up exactly. The rows a change
//! touches are written in the key's order, and every change sends the two
//! upserts last in its batch of inserts, after the handling figures, so
//! two changes never wait on each other in opposite orders.

use renda_domain::suggestion::tallies::{Dimension, Place, Tallies, UnitLine};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query, SimpleExpr};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement, StatementBuilder};

use super::*;

const COUNTS: &str = "suggestion_tallies";
const UNITS: &str = "suggestion_unit_tallies";
/// Every submission adds to its status's row: the rows of a count are
/// spread over this many shards, one picked at random per change.
const SHARDS: i16 = 8;
/// Rows per statement when a whole recount is written.
const CHUNK: usize = 500;

fn a(name: &str) -> Alias {
    Alias::new(name)
}

/// `table.column + excluded.column`, for the upsert.
fn summed(table: &str, column: &str) -> SimpleExpr {
    Expr::col((a(table), a(column))).add(Expr::col((a("excluded"), a(column))))
}

/// Adds `t` to the kept tallies on `c`.
pub(super) async fn add<Conn: ConnectionTrait>(c: &Conn, t: &Tallies) -> StoreResult<()> {
    for s in add_statements(c.get_database_backend(), t)? {
        c.execute_raw(s).await?;
    }
    Ok(())
}

/// The upserts [`add`] makes.
fn add_statements(backend: DbBackend, t: &Tallies) -> StoreResult<Vec<Statement>> {
    let mut out = Vec::new();
    let shard = rand::random_range(0..SHARDS);
    let counts: Vec<_> = t.counts.iter().collect();
    for chunk in counts.chunks(CHUNK) {
        let mut q = Query::insert();
        q.into_table(a(COUNTS))
            .columns(["year", "term", "dimension", "value", "shard", "n"].map(a));
        for ((place, dimension, value), n) in chunk {
            q.values([
                place.year.into(),
                place.term.clone().into(),
                dimension.as_str().into(),
                value.clone().into(),
                shard.into(),
                (*n).into(),
            ])
            .map_err(|e| StoreError::Db(sea_orm::DbErr::Custom(e.to_string())))?;
        }
        q.on_conflict(
            OnConflict::columns(["year", "term", "dimension", "value", "shard"].map(a))
                .value(a("n"), summed(COUNTS, "n"))
                .to_owned(),
        );
        out.push(StatementBuilder::build(&q, &backend));
    }
    let units: Vec<_> = t.units.iter().collect();
    for chunk in units.chunks(CHUNK) {
        let mut q = Query::insert();
        let mut columns = vec![a("year"), a("term"), a("unit_id")];
        columns.extend(UnitLine::COLUMNS.map(a));
        q.into_table(a(UNITS)).columns(columns);
        for ((place, unit), line) in chunk {
            let mut row: Vec<SimpleExpr> =
                vec![place.year.into(), place.term.clone().into(), (*unit).into()];
            row.extend(line.values().map(SimpleExpr::from));
            q.values(row)
                .map_err(|e| StoreError::Db(sea_orm::DbErr::Custom(e.to_string())))?;
        }
        let mut upsert = OnConflict::columns(["year", "term", "unit_id"].map(a));
        for col in UnitLine::COLUMNS {
            upsert.value(a(col), summed(UNITS, col));
        }
        q.on_conflict(upsert);
        out.push(StatementBuilder::build(&q, &backend));
    }
    Ok(out)
}

/// What keeps the tallies current with the change of a suggestion from
/// `before` (none when it is new) to `after`: the upserts to send with
/// the other inserts of the change.
pub(super) fn apply_statements(
    backend: DbBackend,
    before: Option<&Suggestion>,
    after: &Suggestion,
) -> StoreResult<Vec<Statement>> {
    add_statements(
        backend,
        &renda_domain::suggestion::tallies::delta(before, after),
    )
}

#[derive(Debug, FromQueryResult)]
struct CountRow {
    year: i32,
    term: String,
    dimension: String,
    value: String,
    n: i64,
}

#[derive(Debug, FromQueryResult)]
struct UnitRow {
    year: i32,
    term: String,
    unit_id: Uuid,
    assigned: i64,
    replied: i64,
    replied_on_time: i64,
    category_a: i64,
    category_b: i64,
    category_c: i64,
    satisfied: i64,
    basically_satisfied: i64,
    unsatisfied: i64,
}

impl UnitRow {
    fn line(&self) -> UnitLine {
        UnitLine::from_values([
            self.assigned,
            self.replied,
            self.replied_on_time,
            self.category_a,
            self.category_b,
            self.category_c,
            self.satisfied,
            self.basically_satisfied,
            self.unsatisfied,
        ])
    }
}

/// Which places a question covers: a year, a term, both or every one.
#[derive(Debug, Clone, Default)]
pub struct Covering {
    pub year: Option<i32>,
    pub term: Option<String>,
}

fn covering(q: &mut sea_orm::sea_query::SelectStatement, table: &str, w: &Covering) {
    if let Some(y) = w.year {
        q.and_where(Expr::col((a(table), a("year"))).eq(y));
    }
    if let Some(t) = &w.term {
        q.and_where(Expr::col((a(table), a("term"))).eq(t.clone()));
    }
}

/// The kept counts of the places `w` covers, by dimension and value.
pub(crate) async fn counts<Conn: ConnectionTrait>(
    c: &Conn,
    w: &Covering,
) -> StoreResult<Vec<(Dimension, String, i64)>> {
    let mut q = Query::select();
    q.from(a(COUNTS))
        .column(a("dimension"))
        .column(a("value"))
        .expr_as(Expr::cust("0"), a("year"))
        .expr_as(Expr::cust("''"), a("term"))
        .expr_as(Expr::cust("CAST(SUM(n) AS BIGINT)"), a("n"))
        .group_by_col(a("dimension"))
        .group_by_col(a("value"));
    covering(&mut q, COUNTS, w);
    let rows = CountRow::find_by_statement(StatementBuilder::build(&q, &c.get_database_backend()))
        .all(c)
        .await?;
    let mut out = Vec::new();
    for r in rows.into_iter().filter(|r| r.n != 0) {
        out.push((parse_stored(&r.dimension)?, r.value, r.n));
    }
    Ok(out)
}

/// The kept lines of the places `w` covers, by lead unit; `unit` keeps
/// one unit's.
pub(crate) async fn unit_lines<Conn: ConnectionTrait>(
    c: &Conn,
    w: &Covering,
    unit: Option<Uuid>,
) -> StoreResult<Vec<(Uuid, UnitLine)>> {
    let mut q = Query::select();
    q.from(a(UNITS))
        .column(a("unit_id"))
        .expr_as(Expr::cust("0"), a("year"))
        .expr_as(Expr::cust("''"), a("term"))
        .group_by_col(a("unit_id"));
    for col in UnitLine::COLUMNS {
        q.expr_as(Expr::cust(format!("CAST(SUM({col}) AS BIGINT)")), a(col));
    }
    covering(&mut q, UNITS, w);
    if let Some(u) = unit {
        q.and_where(Expr::col(a("unit_id")).eq(u));
    }
    let rows = UnitRow::find_by_statement(StatementBuilder::build(&q, &c.get_database_backend()))
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.unit_id, r.line()))
        .filter(|(_, l)| !l.is_zero())
        .collect())
}

/// Every kept count and line, each place on its own, noughts left out:
/// what a recount must equal.
pub(crate) async fn kept<Conn: ConnectionTrait>(c: &Conn) -> StoreResult<Tallies> {
    let mut t = Tallies::default();
    let mut q = Query::select();
    q.from(a(COUNTS))
        .columns(["year", "term", "dimension", "value"].map(a))
        .expr_as(Expr::cust("CAST(SUM(n) AS BIGINT)"), a("n"))
        .group_by_columns(["year", "term", "dimension", "value"].map(a));
    let backend = c.get_database_backend();
    for r in CountRow::find_by_statement(StatementBuilder::build(&q, &backend))
        .all(c)
        .await?
    {
        let place = Place {
            year: r.year,
            term: r.term,
        };
        let key = (place, parse_stored(&r.dimension)?, r.value);
        t.add(
            &Tallies {
                counts: [(key, r.n)].into(),
                units: Default::default(),
            },
            1,
        );
    }
    let mut q = Query::select();
    q.from(a(UNITS))
        .columns(["year", "term", "unit_id"].map(a))
        .columns(UnitLine::COLUMNS.map(a));
    for r in UnitRow::find_by_statement(StatementBuilder::build(&q, &backend))
        .all(c)
        .await?
    {
        let line = r.line();
        let place = Place {
            year: r.year,
            term: r.term,
        };
        t.add(
            &Tallies {
                counts: Default::default(),
                units: [((place, r.unit_id), line)].into(),
            },
            1,
        );
    }
    Ok(t)
}

/// Forgets every kept tally, before a recount writes them afresh.
pub(super) async fn clear<Conn: ConnectionTrait>(c: &Conn) -> StoreResult<()> {
    for table in [COUNTS, UNITS] {
        let q = Query::delete().from_table(a(table)).to_owned();
        c.execute_raw(StatementBuilder::build(&q, &c.get_database_backend()))
            .await?;
    }
    Ok(())
}
