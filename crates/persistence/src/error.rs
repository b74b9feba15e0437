//! What can go wrong in storage, in terms the API can answer with.

use sea_orm::{DbErr, RuntimeErr, SqlErr};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The object does not exist (or is deleted).
    #[error("not found")]
    NotFound,
    /// A uniqueness or reference rule of the data refuses the change; the
    /// code names which.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// The object changed since the version the caller named.
    #[error("version mismatch")]
    VersionMismatch,
    /// A value the database cannot keep (too long, a date or number out of
    /// its range): the input's fault, refused before anything is written.
    #[error("value out of range: {0}")]
    OutOfRange(DbErr),
    /// The database cannot be reached right now.
    #[error("database unavailable: {0}")]
    Unavailable(DbErr),
    /// Anything else: a fault of ours, never of the caller.
    #[error("database error: {0}")]
    Db(DbErr),
    /// Stored personal data that the configured keys cannot read.
    #[error("stored data cannot be decrypted: {0}")]
    Crypto(crate::crypto::CryptoError),
}

/// Whether the database, not the statement, is the problem: unreachable,
/// shutting down or starting up. PostgreSQL says so with SQLSTATE class
/// 08 (connection exception), 57P01–57P03 (shutting down, crashed, not yet
/// accepting connections) and 53300 (too many connections).
fn is_connection_problem(err: &DbErr) -> bool {
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            matches!(
                e.as_ref(),
                sea_orm::sqlx::Error::Io(_)
                    | sea_orm::sqlx::Error::PoolTimedOut
                    | sea_orm::sqlx::Error::PoolClosed
                    | sea_orm::sqlx::Error::WorkerCrashed
                    | sea_orm::sqlx::Error::Protocol(_)
            ) || e
                .as_database_error()
                .and_then(|d| d.code())
                .is_some_and(|c| {
                    c.starts_with("08") || matches!(&*c, "57P01" | "57P02" | "57P03" | "53300")
                })
        }
        _ => false,
    }
}

/// PostgreSQL's data exceptions (SQLSTATE class 22): a string too long,
/// a number or date out of range. SQLite keeps such values as they are.
fn is_data_exception(err: &DbErr) -> bool {
    match err {
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => e
            .as_database_error()
            .and_then(|d| d.code())
            .is_some_and(|c| c.starts_with("22")),
        _ => false,
    }
}

impl From<DbErr> for StoreError {
    fn from(err: DbErr) -> Self {
        if is_connection_problem(&err) {
            return StoreError::Unavailable(err);
        }
        if is_data_exception(&err) {
            return StoreError::OutOfRange(err);
        }
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => StoreError::Conflict("unique_violation"),
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => {
                StoreError::Conflict("reference_violation")
            }
            _ => StoreError::Db(err),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Reads a stored enumeration identifier; an unknown one is a fault of the
/// stored data, never of a caller.
pub(crate) fn parse_stored<T>(s: &str) -> StoreResult<T>
where
    T: std::str::FromStr<Err = renda_domain::UnknownVariant>,
{
    s.parse()
        .map_err(|e: renda_domain::UnknownVariant| StoreError::Db(DbErr::Type(e.to_string())))
}
