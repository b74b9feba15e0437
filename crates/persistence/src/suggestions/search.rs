//! The keyword index of suggestions (migration 034): each suggestion's
//! title and content as the terms of [`renda_domain::search`], kept in the
//! transaction that writes the text, in a table beside the suggestions (a
//! `tsvector` under a GIN index on PostgreSQL, an FTS5 index on SQLite).
//! A search asks the index for the suggestions holding every term of the
//! query, and the exact substring match then decides among those.

use std::collections::BTreeSet;

use renda_domain::search;
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

use crate::error::StoreResult;

/// The setting that says the suggestions stored before the index came
/// have been indexed.
const INDEXED: &str = "suggestion_search";

/// Each term within `quote`s, joined by `sep`. Terms hold only letters
/// and digits, so nothing in them needs escaping.
fn joined(terms: &BTreeSet<String>, quote: char, sep: &str) -> String {
    terms
        .iter()
        .map(|t| format!("{quote}{t}{quote}"))
        .collect::<Vec<_>>()
        .join(sep)
}

/// Terms as a literal of their stored form: quoted lexemes for
/// PostgreSQL's `tsvector`, space-separated words for FTS5.
fn stored_form(backend: DbBackend, terms: &BTreeSet<String>) -> String {
    match backend {
        DbBackend::Postgres => joined(terms, '\'', " "),
        _ => terms.iter().cloned().collect::<Vec<_>>().join(" "),
    }
}

/// Writes the terms of a suggestion's title and content, on `c` (the
/// transaction that writes the text).
pub(crate) async fn index<Conn: ConnectionTrait>(
    c: &Conn,
    id: Uuid,
    title: &str,
    content: &str,
) -> StoreResult<()> {
    index_many(c, &[(id, title, content)], true).await
}

/// Writes the terms of several suggestions in one statement, in the order
/// given; `replace` says whether terms already there are replaced (a
/// reworded text) or kept (the catch-up at start-up, which another
/// instance may be doing too).
async fn index_many<Conn: ConnectionTrait>(
    c: &Conn,
    rows: &[(Uuid, &str, &str)],
    replace: bool,
) -> StoreResult<()> {
    if let Some(s) = index_statement(c.get_database_backend(), rows, replace) {
        c.execute_raw(s).await?;
    }
    Ok(())
}

/// The insert [`index_many`] makes, none when `rows` is empty.
pub(crate) fn index_statement(
    backend: DbBackend,
    rows: &[(Uuid, &str, &str)],
    replace: bool,
) -> Option<Statement> {
    if rows.is_empty() {
        return None;
    }
    let mut values: Vec<sea_orm::Value> = Vec::with_capacity(rows.len() * 2);
    let mut tuples = Vec::with_capacity(rows.len());
    for (i, (id, title, content)) in rows.iter().enumerate() {
        values.push((*id).into());
        values.push(stored_form(backend, &search::index_terms(&[title, content])).into());
        tuples.push(match backend {
            DbBackend::Postgres => format!("(${}, CAST(${} AS tsvector))", 2 * i + 1, 2 * i + 2),
            _ => format!("(${}, ${})", 2 * i + 1, 2 * i + 2),
        });
    }
    let on_conflict = if replace {
        "DO UPDATE SET terms = excluded.terms"
    } else {
        "DO NOTHING"
    };
    let sql = format!(
        "INSERT INTO suggestion_search (suggestion_id, terms) VALUES {} \
         ON CONFLICT (suggestion_id) {on_conflict}",
        tuples.join(", ")
    );
    Some(Statement::from_sql_and_values(backend, sql, values))
}

/// The terms of `query` as a PostgreSQL `tsquery` literal's text, or none
/// when it has no term the index holds. The query is written into the
/// statement, not bound: the generic plan a prepared statement gets after
/// five searches, made for one word, read every suggestion for a word none
/// holds (1.4 s at a million). Terms are letters and digits only, which
/// neither SQL nor tsquery treats specially; anything else is left out.
fn pg_tsquery(query: &str) -> Option<String> {
    let terms = search::query_terms(query);
    let plain: Vec<&str> = terms
        .iter()
        .filter(|t| t.chars().all(char::is_alphanumeric))
        .map(String::as_str)
        .collect();
    (!plain.is_empty()).then(|| plain.join(" & "))
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
        DbBackend::Postgres => Expr::cust(format!(
            r#""suggestions"."id" IN (SELECT suggestion_id FROM suggestion_search
                   WHERE terms @@ CAST('{}' AS tsquery))"#,
            pg_tsquery(query)?
        )),
        _ => Expr::cust_with_values(
            r#""suggestions"."id" IN (SELECT suggestion_id FROM suggestion_search
               WHERE id IN (SELECT rowid FROM suggestion_search_fts
               WHERE suggestion_search_fts MATCH ?))"#,
            [joined(&terms, '"', " AND ")],
        ),
    })
}

/// From how many suggestions the index is expected to find on, a page is
/// found sooner by walking the suggestions in the listing's order with the
/// substring match alone: at one in sixty, a page of 20 is about 1,200
/// rows into the walk, against collecting, joining and sorting every
/// match (17,000 at a million: 140 ms).
const COMMON: f64 = 5_000.0;

/// Whether `query` is one term PostgreSQL expects the index to find in
/// `COMMON` suggestions or more, by its statistics of the terms (most
/// common lexemes, refreshed by ANALYZE): a planning, no execution.
/// Always false on SQLite.
pub(crate) async fn is_common<Conn: ConnectionTrait>(c: &Conn, query: &str) -> StoreResult<bool> {
    if c.get_database_backend() != DbBackend::Postgres {
        return Ok(false);
    }
    // Only a query that is one term, letter for letter: its matches are
    // the substring's, so the walk finds what the index counts. Terms of
    // a longer query may each be common while the phrase is in no row.
    let terms = search::query_terms(query);
    let whole = query.to_lowercase();
    if terms.len() != 1 || !terms.contains(&whole) {
        return Ok(false);
    }
    let Some(tsquery) = pg_tsquery(query) else {
        return Ok(false);
    };
    let sql = format!(
        "EXPLAIN (FORMAT JSON) SELECT 1 FROM suggestion_search \
         WHERE terms @@ CAST('{tsquery}' AS tsquery)"
    );
    let plan: Option<serde_json::Value> = match c
        .query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await?
    {
        Some(row) => Some(row.try_get("", "QUERY PLAN")?),
        None => None,
    };
    let rows = plan
        .as_ref()
        .and_then(|p| p.pointer("/0/Plan/Plan Rows"))
        .and_then(serde_json::Value::as_f64)
        .unwrap_or(0.0);
    Ok(rows >= COMMON)
}

#[derive(FromQueryResult)]
struct Unindexed {
    id: Uuid,
    title: String,
    content: String,
}

impl crate::Store {
    /// Indexes the suggestions stored before the index existed, a batch
    /// at a time in id order, once per database: a setting records that
    /// it was done (a tool that writes suggestions into the tables
    /// directly, as the bench generator does, removes it). Several
    /// instances starting at once write the same terms, in the same order.
    pub(crate) async fn index_missing_suggestions(&self) -> StoreResult<u64> {
        if self.setting(INDEXED).await?.is_some() {
            return Ok(0);
        }
        let backend = self.db.get_database_backend();
        let find = "SELECT id, title, content FROM suggestions s WHERE s.id > $1 \
             AND NOT EXISTS (SELECT 1 FROM suggestion_search x WHERE x.suggestion_id = s.id) \
             ORDER BY s.id LIMIT 1000";
        let mut after = Uuid::nil();
        let mut done = 0;
        loop {
            let rows = Unindexed::find_by_statement(Statement::from_sql_and_values(
                backend,
                find,
                [after.into()],
            ))
            .all(&self.db)
            .await?;
            let Some(last) = rows.last() else {
                break;
            };
            after = last.id;
            let batch: Vec<(Uuid, &str, &str)> = rows
                .iter()
                .map(|r| (r.id, r.title.as_str(), r.content.as_str()))
                .collect();
            index_many(&self.db, &batch, false).await?;
            done += rows.len() as u64;
            if done.is_multiple_of(50_000) {
                tracing::info!(done, "indexed suggestions for keyword search");
            }
        }
        self.setting_or_insert(INDEXED, "indexed").await?;
        Ok(done)
    }
}
