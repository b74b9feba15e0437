//! The keyword index of suggestions (migration 034): each suggestion's
//! title and content as the terms of [`renda_domain::search`], kept in the
//! transaction that writes the text. PostgreSQL holds them as a `tsvector`
//! column under a GIN index; SQLite in an FTS5 table beside the
//! suggestions. A search asks the index for the rows holding every term of
//! the query, and the exact substring match then decides among those.

use std::collections::BTreeSet;

use renda_domain::search;
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

use crate::error::StoreResult;

/// Terms as a literal of their stored form: quoted lexemes for
/// PostgreSQL's `tsvector`, space-separated words for FTS5. Terms hold
/// only letters and digits, so nothing needs escaping.
fn stored_form(backend: DbBackend, terms: &BTreeSet<String>) -> String {
    match backend {
        DbBackend::Postgres => terms
            .iter()
            .map(|t| format!("'{t}'"))
            .collect::<Vec<_>>()
            .join(" "),
        _ => terms.iter().cloned().collect::<Vec<_>>().join(" "),
    }
}

/// Writes the terms of a suggestion's title and content, on `c`.
pub(crate) async fn index<Conn: ConnectionTrait>(
    c: &Conn,
    id: Uuid,
    title: &str,
    content: &str,
) -> StoreResult<()> {
    index_many(c, &[(id, title, content)]).await
}

/// Writes the terms of several suggestions in one statement.
async fn index_many<Conn: ConnectionTrait>(
    c: &Conn,
    rows: &[(Uuid, &str, &str)],
) -> StoreResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let backend = c.get_database_backend();
    let mut values: Vec<sea_orm::Value> = Vec::with_capacity(rows.len() * 2);
    let mut tuples = Vec::with_capacity(rows.len());
    for (i, (id, title, content)) in rows.iter().enumerate() {
        values.push((*id).into());
        values.push(stored_form(backend, &search::index_terms(&[title, content])).into());
        tuples.push(match backend {
            DbBackend::Postgres => format!("(CAST(${} AS uuid), ${})", 2 * i + 1, 2 * i + 2),
            _ => format!("(${}, ${})", 2 * i + 1, 2 * i + 2),
        });
    }
    let tuples = tuples.join(", ");
    let sql = match backend {
        DbBackend::Postgres => format!(
            "UPDATE suggestions SET search_terms = CAST(v.terms AS tsvector) \
             FROM (VALUES {tuples}) AS v (id, terms) WHERE suggestions.id = v.id"
        ),
        _ => format!(
            "INSERT INTO suggestion_search (suggestion_id, terms) VALUES {tuples} \
             ON CONFLICT (suggestion_id) DO UPDATE SET terms = excluded.terms"
        ),
    };
    c.execute_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    Ok(())
}

/// The condition that a suggestion's index holds every term of `query`,
/// or none when the query has no term the index holds (then the
/// substring match alone decides, over every row).
pub(crate) fn holds(backend: DbBackend, query: &str) -> Option<SimpleExpr> {
    let terms = search::query_terms(query);
    if terms.is_empty() {
        return None;
    }
    Some(match backend {
        DbBackend::Postgres => {
            let q = terms
                .iter()
                .map(|t| format!("'{t}'"))
                .collect::<Vec<_>>()
                .join(" & ");
            Expr::cust_with_values(
                r#""suggestions"."search_terms" @@ CAST($1 AS tsquery)"#,
                [q],
            )
        }
        _ => {
            let q = terms
                .iter()
                .map(|t| format!("\"{t}\""))
                .collect::<Vec<_>>()
                .join(" AND ");
            Expr::cust_with_values(
                r#""suggestions"."id" IN (SELECT suggestion_id FROM suggestion_search
                   WHERE id IN (SELECT rowid FROM suggestion_search_fts
                   WHERE suggestion_search_fts MATCH ?))"#,
                [q],
            )
        }
    })
}

#[derive(FromQueryResult)]
struct Unindexed {
    id: Uuid,
    title: String,
    content: String,
}

/// Indexes the suggestions written before the index existed (or by a tool
/// that wrote the table directly), a batch at a time in id order; returns
/// how many. Run at start-up: until it has run, a search misses those
/// rows. Several instances starting at once write the same terms.
pub(crate) async fn index_missing(c: &sea_orm::DatabaseConnection) -> StoreResult<u64> {
    use sea_orm::TransactionTrait;
    let backend = c.get_database_backend();
    let find = match backend {
        DbBackend::Postgres => {
            "SELECT id, title, content FROM suggestions \
             WHERE search_terms IS NULL AND id > $1 ORDER BY id LIMIT 1000"
        }
        _ => {
            "SELECT id, title, content FROM suggestions s WHERE NOT EXISTS \
             (SELECT 1 FROM suggestion_search x WHERE x.suggestion_id = s.id) \
             AND s.id > $1 ORDER BY s.id LIMIT 1000"
        }
    };
    let mut after = Uuid::nil();
    let mut done = 0;
    loop {
        let rows = Unindexed::find_by_statement(Statement::from_sql_and_values(
            backend,
            find,
            [after.into()],
        ))
        .all(c)
        .await?;
        let Some(last) = rows.last() else {
            return Ok(done);
        };
        after = last.id;
        let batch: Vec<(Uuid, &str, &str)> = rows
            .iter()
            .map(|r| (r.id, r.title.as_str(), r.content.as_str()))
            .collect();
        let txn = c.begin().await?;
        index_many(&txn, &batch).await?;
        txn.commit().await?;
        done += rows.len() as u64;
        if done.is_multiple_of(50_000) {
            tracing::info!(done, "indexed suggestions for keyword search");
        }
    }
}
