//! Keyword search by index (issue 22): a search for a word no suggestion
//! holds read every title and content, about a second at a million
//! suggestions. Each suggestion's text is kept as the terms of
//! `renda_domain::search` (character bigrams), written by the store in
//! the transaction that writes the text, in a table beside the
//! suggestions: a suggestion's row changes at every step of its handling,
//! its text seldom, and terms kept in the row would be indexed again at
//! every step. On PostgreSQL the terms are a `tsvector` under a GIN index;
//! on SQLite an FTS5 index runs over the table (by its own integer key, so
//! that a VACUUM, which may renumber rowids, cannot mismatch them).
//! Suggestions already stored are indexed when the server first starts
//! after this (`index_missing`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const POSTGRES_UP: [&str; 2] = [
    "CREATE TABLE suggestion_search (
        suggestion_id uuid PRIMARY KEY REFERENCES suggestions (id) ON DELETE CASCADE,
        terms tsvector NOT NULL
    )",
    "CREATE INDEX idx_suggestion_search_terms ON suggestion_search USING gin (terms)",
];

const SQLITE_UP: [&str; 5] = [
    "CREATE TABLE suggestion_search (
        id INTEGER PRIMARY KEY,
        suggestion_id BLOB NOT NULL UNIQUE REFERENCES suggestions (id) ON DELETE CASCADE,
        terms TEXT NOT NULL
    )",
    // The terms are words of letters and digits separated by spaces, and
    // already lower-cased: the `ascii` tokenizer splits on the spaces and
    // keeps every other character as it is.
    "CREATE VIRTUAL TABLE suggestion_search_fts USING fts5 (
        terms, content = 'suggestion_search', content_rowid = 'id', tokenize = 'ascii'
    )",
    "CREATE TRIGGER suggestion_search_ai AFTER INSERT ON suggestion_search BEGIN
        INSERT INTO suggestion_search_fts (rowid, terms) VALUES (new.id, new.terms);
    END",
    "CREATE TRIGGER suggestion_search_ad AFTER DELETE ON suggestion_search BEGIN
        INSERT INTO suggestion_search_fts (suggestion_search_fts, rowid, terms)
            VALUES ('delete', old.id, old.terms);
    END",
    "CREATE TRIGGER suggestion_search_au AFTER UPDATE ON suggestion_search BEGIN
        INSERT INTO suggestion_search_fts (suggestion_search_fts, rowid, terms)
            VALUES ('delete', old.id, old.terms);
        INSERT INTO suggestion_search_fts (rowid, terms) VALUES (new.id, new.terms);
    END",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let statements: &[&str] = match m.get_database_backend() {
            DbBackend::Postgres => &POSTGRES_UP,
            _ => &SQLITE_UP,
        };
        for s in statements {
            db.execute_unprepared(s).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let statements: &[&str] = match m.get_database_backend() {
            DbBackend::Postgres => &["DROP TABLE IF EXISTS suggestion_search"],
            _ => &[
                "DROP TABLE IF EXISTS suggestion_search_fts",
                "DROP TABLE IF EXISTS suggestion_search",
            ],
        };
        for s in statements {
            db.execute_unprepared(s).await?;
        }
        Ok(())
    }
}
