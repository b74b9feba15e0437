//! Time as renda records it.

use chrono::{DateTime, SubsecRound, Utc};

/// The current instant, truncated to microseconds: the precision both
/// PostgreSQL and SQLite keep, so a stored value reads back equal.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}
