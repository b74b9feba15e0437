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

use sea_orm::{ConnectionTrait, DbBackend, Statement, Value, Values};

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
        match c.get_database_backend() {
            DbBackend::Postgres if statements.len() > 1 => {
                c.execute_raw(combined(statements)).await?;
            }
            _ => {
                for s in statements {
                    c.execute_raw(s).await?;
                }
            }
        }
        Ok(())
    }
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
