//! What can go wrong in storage, in terms the API can answer with.

use sea_orm::{DbErr, RuntimeErr, SqlErr};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The object does not exist (or is deleted).
    #[error("not found")]
    NotFound,
    /// A uniqueness or reference rule of the data refuses the change.
    #[error("conflict: {0}")]
    Conflict(Conflict),
    /// The version the caller named (`If-Match`) is not the object's
    /// current one: answered 412.
    #[error("stale version")]
    Stale,
    /// The object changed between reading it and writing it, by someone
    /// else: answered 409.
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

/// Which rule of the data refused a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// The unit is named advanced for the year already.
    AlreadyAdvanced,
    /// The deputy checked in already.
    AlreadyCheckedIn,
    /// The caller rated the project already.
    AlreadyRated,
    /// The deputy signed up already.
    AlreadySignedUp,
    /// The caller voted already.
    AlreadyVoted,
    /// The tie-break does not name exactly the tied candidates the places need.
    BadTieBreak,
    /// Candidates still wait for a decision.
    CandidatesUndecided,
    /// The category exists.
    CategoryExists,
    /// The service client was just deleted.
    ClientGone,
    /// A service client with that name exists.
    ClientNameTaken,
    /// The commitment is fulfilled already.
    CommitmentClosed,
    /// The observer declared a tie to a supervised body.
    ConflictOfInterest,
    /// The list cursor belongs to another query.
    CursorMismatch,
    /// The deputy is linked to another account.
    DeputyAlreadyLinked,
    /// The deputy is listed at a liaison station.
    DeputyAtStation,
    /// The deputy to link was just deleted.
    DeputyGone,
    /// An account is still linked to the deputy.
    DeputyInUse,
    /// The last active administrator would lose the role.
    LastAdmin,
    /// The last active audit administrator would lose the role.
    LastAuditAdmin,
    /// The last active security administrator would lose the role.
    LastSecurityAdmin,
    /// No candidate is shortlisted.
    NothingShortlisted,
    /// A reference rule of the data refuses the change.
    ReferenceViolation,
    /// The request is decided already.
    RequestDecided,
    /// The password reset is past its time.
    ResetExpired,
    /// The password reset was already confirmed or withdrawn.
    ResetNotPending,
    /// The account's roles changed meanwhile.
    RolesChanged,
    /// The round moved to another stage meanwhile.
    StageChanged,
    /// A station would sit below itself.
    StationCycle,
    /// Stations still sit below this one.
    StationHasChildren,
    /// The parent station no longer exists.
    StationParentGone,
    /// Another session of the congress of that level is open.
    SessionOpenAtLevel,
    /// A session of that level, term and number exists.
    SessionExists,
    /// A tie for the last places waits for a decision.
    TiePending,
    /// The observer still takes part in an open item supervising that body.
    TieToAssignedItem,
    /// A uniqueness rule of the data refuses the change.
    UniqueViolation,
    /// The unit to link was just deleted.
    UnitGone,
    /// Accounts or clients are still linked to the unit.
    UnitInUse,
    /// A unit with that name exists.
    UnitNameTaken,
    /// The username is taken.
    UsernameTaken,
}

impl Conflict {
    /// The rule's name, for logs.
    pub const fn as_str(self) -> &'static str {
        match self {
            Conflict::AlreadyAdvanced => "already_advanced",
            Conflict::AlreadyCheckedIn => "already_checked_in",
            Conflict::AlreadyRated => "already_rated",
            Conflict::AlreadySignedUp => "already_signed_up",
            Conflict::AlreadyVoted => "already_voted",
            Conflict::BadTieBreak => "bad_tie_break",
            Conflict::CandidatesUndecided => "candidates_undecided",
            Conflict::CategoryExists => "category_exists",
            Conflict::ClientGone => "client_gone",
            Conflict::ClientNameTaken => "client_name_taken",
            Conflict::CommitmentClosed => "commitment_closed",
            Conflict::ConflictOfInterest => "conflict_of_interest",
            Conflict::CursorMismatch => "cursor_mismatch",
            Conflict::DeputyAlreadyLinked => "deputy_already_linked",
            Conflict::DeputyAtStation => "deputy_at_station",
            Conflict::DeputyGone => "deputy_gone",
            Conflict::DeputyInUse => "deputy_in_use",
            Conflict::LastAdmin => "last_admin",
            Conflict::LastAuditAdmin => "last_audit_admin",
            Conflict::LastSecurityAdmin => "last_security_admin",
            Conflict::NothingShortlisted => "nothing_shortlisted",
            Conflict::ReferenceViolation => "reference_violation",
            Conflict::RequestDecided => "request_decided",
            Conflict::ResetExpired => "reset_expired",
            Conflict::ResetNotPending => "reset_not_pending",
            Conflict::RolesChanged => "roles_changed",
            Conflict::SessionExists => "session_exists",
            Conflict::SessionOpenAtLevel => "session_open_at_level",
            Conflict::StageChanged => "stage_changed",
            Conflict::StationCycle => "station_cycle",
            Conflict::StationHasChildren => "station_has_children",
            Conflict::StationParentGone => "station_parent_gone",
            Conflict::TiePending => "tie_pending",
            Conflict::TieToAssignedItem => "tie_to_assigned_item",
            Conflict::UniqueViolation => "unique_violation",
            Conflict::UnitGone => "unit_gone",
            Conflict::UnitInUse => "unit_in_use",
            Conflict::UnitNameTaken => "unit_name_taken",
            Conflict::UsernameTaken => "username_taken",
        }
    }
}

impl std::fmt::Display for Conflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
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
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                StoreError::Conflict(Conflict::UniqueViolation)
            }
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => {
                StoreError::Conflict(Conflict::ReferenceViolation)
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
