//! The signed-in accounts of recent requests, so that a request does not
//! read its caller's account and session from the database each time.
//!
//! An entry is trusted for at most [`TTL`], and only while this instance
//! has handled no write request since it was read (whatever its answer:
//! a refused replay of a refresh token still closes its session), other
//! than those [`may_change_accounts`] clears. So a
//! sign-out, a disabled account or a changed role takes effect at once on
//! the instance that made it, and within [`TTL`] on every other.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use renda_domain::user::User;
use uuid::Uuid;

/// The longest an account read on one instance is trusted after another
/// instance changed it.
pub const TTL: Duration = Duration::from_secs(1);

/// The most entries kept; past it the cache starts afresh.
const CAPACITY: usize = 20_000;

struct Entry {
    read_at: Instant,
    /// This instance's change count when the account was read.
    epoch: u64,
    user: User,
}

/// Accounts by (account id, session id).
#[derive(Default)]
pub struct SessionCache {
    entries: Mutex<HashMap<(Uuid, Uuid), Entry>>,
    /// Write requests this instance has handled.
    epoch: AtomicU64,
}

impl SessionCache {
    /// The count of write requests handled so far, to give [`Self::put`]
    /// as taken before reading an account.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    /// A write request was handled: what was read before may be stale.
    pub fn changed(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
    }

    /// The account of `key` as read within [`TTL`] and since the last
    /// write request.
    pub fn get(&self, key: (Uuid, Uuid)) -> Option<User> {
        let epoch = self.epoch();
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(&key)
            .filter(|e| e.epoch == epoch && e.read_at.elapsed() < TTL)
            .map(|e| e.user.clone())
    }

    /// Keeps `user`, read when the count was `epoch` (taken before the
    /// read, so that a write handled meanwhile makes it stale at once).
    pub fn put(&self, key: (Uuid, Uuid), user: User, epoch: u64, read_at: Instant) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= CAPACITY {
            entries.retain(|_, e| e.epoch == epoch && e.read_at.elapsed() < TTL);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(
            key,
            Entry {
                read_at,
                epoch,
                user,
            },
        );
    }
}

/// The collections whose writes change no account and no session: the
/// commands on suggestions write suggestions and what goes with them
/// (records, notices, duty records, events), never an account. A write
/// anywhere else makes the accounts read before it stale.
const ACCOUNT_FREE: [&str; 1] = ["/api/v1/suggestions"];

/// Whether a write request to `path` may close a session or change an
/// account.
pub fn may_change_accounts(path: &str) -> bool {
    !ACCOUNT_FREE.iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// Marks what was read before as stale when dropped: held while a write
/// request is handled, so that it takes effect when the request ends,
/// even if the client goes away before the answer.
pub struct StaleOnDrop(pub Arc<SessionCache>);

impl Drop for StaleOnDrop {
    fn drop(&mut self) {
        self.0.changed();
    }
}

#[cfg(test)]
mod tests {
    use super::may_change_accounts;

    #[test]
    fn only_the_suggestion_commands_keep_the_accounts_read() {
        for path in [
            "/api/v1/suggestions",
            "/api/v1/suggestions/0190c2a4-0000-7000-8000-000000000000/submit",
        ] {
            assert!(!may_change_accounts(path), "{path}");
        }
        for path in [
            "/api/v1/auth/logout",
            "/api/v1/auth/refresh",
            "/api/v1/me/password",
            "/api/v1/users/0190c2a4-0000-7000-8000-000000000000/disable",
            "/api/v1/suggestions-import",
            "/api/v1/deputies/0190c2a4-0000-7000-8000-000000000000",
        ] {
            assert!(may_change_accounts(path), "{path}");
        }
    }
}
