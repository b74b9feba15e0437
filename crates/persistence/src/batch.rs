//! The inserts a change writes beside its record (its timeline entry, its
//! outbox event, its audit entries, its duty records and notices, its
//! tallies), sent to the database together.
//!
//! On PostgreSQL they go as one statement, each insert but the last in a
//! `WITH` clause: one round trip instead of one each. The sub-statements
//! run on one snapshot, so only inserts that read nothing the others write
//! belong here; foreign keys are checked at the end of the statement, so a
//! row may refer to another inserted by the same batch. SQLite, which is
//! in the process, runs them one after another.

use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait, Value, Values};

use crate::error::StoreResult;

/// Inserts waiting to be written, in order.
#[derive(Debug, Default)]
pub(crate) struct Inserts {
    statements: Vec<Statement>,
}

impl Inserts {
    pub(crate) fn push(&mut self, s: Statement) {
        self.statements.push(s);
    }

    /// Writes what waits, on `c`, and leaves the batch empty.
    pub(crate) async fn flush<C: ConnectionTrait>(&mut self, c: &C) -> StoreResult<()> {
        let statements = std::mem::take(&mut self.statements);
        if c.get_database_backend() != DbBackend::Postgres {
            for s in statements {
                c.execute_raw(s).await?;
            }
            return Ok(());
        }
        for group in groups(statements) {
            if group.len() == 1 {
                for s in group {
                    c.execute_raw(s).await?;
                }
            } else {
                c.execute_raw(combined(group)).await?;
            }
        }
        Ok(())
    }
}

impl Inserts {
    /// Writes what waits as one transaction of its own: on PostgreSQL,
    /// when it makes one statement, that statement alone; else between a
    /// BEGIN and a COMMIT.
    pub(crate) async fn flush_atomically(
        &mut self,
        db: &sea_orm::DatabaseConnection,
    ) -> StoreResult<()> {
        let parameters: usize = self
            .statements
            .iter()
            .map(|s| s.values.as_ref().map_or(0, |v| v.0.len()))
            .sum();
        if db.get_database_backend() == DbBackend::Postgres
            && (self.statements.len() <= 1 || parameters <= PARAMETERS)
        {
            return self.flush(db).await;
        }
        let txn = db.begin().await?;
        self.flush(&txn).await?;
        txn.commit().await?;
        Ok(())
    }
}

/// The most parameters one combined statement carries, well under
/// PostgreSQL's 65,535 (a notice to many accounts has many).
const PARAMETERS: usize = 30_000;

/// `statements` in order, in groups of at most [`PARAMETERS`] parameters
/// (a statement with more goes alone).
fn groups(statements: Vec<Statement>) -> Vec<Vec<Statement>> {
    let mut out: Vec<Vec<Statement>> = Vec::new();
    let mut count = 0;
    for s in statements {
        let n = s.values.as_ref().map_or(0, |v| v.0.len());
        match out.last_mut() {
            Some(group) if count + n <= PARAMETERS => {
                group.push(s);
                count += n;
            }
            _ => {
                out.push(vec![s]);
                count = n;
            }
        }
    }
    out
}

impl Extend<Statement> for Inserts {
    fn extend<I: IntoIterator<Item = Statement>>(&mut self, iter: I) {
        self.statements.extend(iter);
    }
}

/// PostgreSQL statements as one: `WITH w0 AS (…), w1 AS (…) <last>`,
/// their parameters numbered on from one another's.
fn combined(statements: Vec<Statement>) -> Statement {
    let last = statements.len().saturating_sub(1);
    let mut sql = String::from("WITH ");
    let mut values: Vec<Value> = Vec::new();
    for (i, s) in statements.into_iter().enumerate() {
        let shifted = shift_placeholders(&s.sql, values.len());
        if i < last {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("w{i} AS ({shifted})"));
        } else {
            sql.push(' ');
            sql.push_str(&shifted);
        }
        if let Some(Values(v)) = s.values {
            values.extend(v);
        }
    }
    Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
}

/// `sql` with each placeholder `$n` outside quotes made `$(n + by)`.
fn shift_placeholders(sql: &str, by: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut chars = sql.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(ch) = chars.next() {
        match (quote, ch) {
            (Some(q), c) if c == q => {
                quote = None;
                out.push(c);
            }
            (Some(_), c) => out.push(c),
            (None, c @ ('\'' | '"')) => {
                quote = Some(c);
                out.push(c);
            }
            (None, '$') if chars.peek().is_some_and(char::is_ascii_digit) => {
                let mut n = String::new();
                while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
                    n.push(d);
                    chars.next();
                }
                match n.parse::<usize>() {
                    Ok(n) => out.push_str(&format!("${}", n + by)),
                    Err(_) => {
                        out.push('$');
                        out.push_str(&n);
                    }
                }
            }
            (None, c) => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_on_and_quoted_text_is_left() {
        assert_eq!(
            shift_placeholders(
                r#"INSERT INTO "a$1" (x, y) VALUES ($1, '$2') RETURNING $12"#,
                3
            ),
            r#"INSERT INTO "a$1" (x, y) VALUES ($4, '$2') RETURNING $15"#
        );
    }

    #[test]
    fn groups_keep_the_order_and_stay_under_the_parameter_limit() {
        let s = |n: usize| {
            Statement::from_sql_and_values(DbBackend::Postgres, "x", vec![Value::from(0i32); n])
        };
        let sizes: Vec<Vec<usize>> = groups(vec![s(10), s(29_990), s(1), s(40_000), s(5)])
            .iter()
            .map(|g| {
                g.iter()
                    .map(|s| s.values.as_ref().map_or(0, |v| v.0.len()))
                    .collect()
            })
            .collect();
        assert_eq!(
            sizes,
            vec![vec![10, 29_990], vec![1], vec![40_000], vec![5]]
        );
    }

    #[test]
    fn statements_become_one_with_their_values_in_order() {
        let s =
            |sql: &str, v: Vec<Value>| Statement::from_sql_and_values(DbBackend::Postgres, sql, v);
        let one = combined(vec![
            s("INSERT INTO a (x) VALUES ($1)", vec![1i32.into()]),
            s(
                "INSERT INTO b (x, y) VALUES ($1, $2)",
                vec![2i32.into(), 3i32.into()],
            ),
            s("INSERT INTO c (x) VALUES ($1)", vec![4i32.into()]),
        ]);
        assert_eq!(
            one.sql,
            "WITH w0 AS (INSERT INTO a (x) VALUES ($1)), w1 AS (INSERT INTO b (x, y) VALUES ($2, $3)) \
             INSERT INTO c (x) VALUES ($4)"
        );
        assert_eq!(
            one.values.map(|v| v.0),
            Some(vec![1i32.into(), 2i32.into(), 3i32.into(), 4i32.into()])
        );
    }
}
