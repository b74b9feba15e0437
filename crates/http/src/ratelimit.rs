//! A fixed-window rate limiter, keyed by client address (sign-in, what
//! anyone may send without an account) or by caller (each signed-in
//! person's or client's budget), and the 429 answer it gives.
//!
//! A limiter with a store counts in the database, so that the budget
//! holds across every instance on it: a key's row holds its window (which
//! starts at the key's first request, as in memory) and what was used of
//! it, and each instance takes a share of the budget at a time (one
//! request's worth for the small budgets of sign-in and anonymous
//! submissions, a fiftieth of a caller's budget), so that the sum granted
//! never passes the limit and a busy caller costs one write per share. A
//! key refused is refused locally until its window ends, without asking
//! again.

use renda_domain::Code;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use renda_persistence::Store;

/// The most keys kept; beyond it the oldest windows are forgotten.
const MAX_KEYS: usize = 10_000;

/// The key of a client address: the address itself, or for IPv6 its /64
/// network, which one subscriber usually holds whole.
pub fn key_of(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(a) => a.to_string(),
        IpAddr::V6(a) => {
            let s = a.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

/// At most `limit` requests per key in each `window`.
#[derive(Debug)]
pub struct RateLimiter {
    limit: u32,
    window: Duration,
    slots: Mutex<HashMap<String, Slot>>,
    shared: Option<Shared>,
}

/// Where a limiter counts across instances.
#[derive(Debug)]
struct Shared {
    store: Store,
    /// Names the limiter's keys in the shared table (`login`, `caller`).
    name: &'static str,
    /// Requests taken from the shared budget at a time.
    share: u32,
    /// When expired windows were last swept away.
    swept: Mutex<Instant>,
}

/// What is left of a key's budget after a request: the `RateLimit-*`
/// headers of its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub limit: u32,
    /// Requests left in this window, as this instance knows it: across
    /// instances, the shares the others hold count as spent, and what they
    /// spent since this instance last asked the database is not seen, so
    /// it is an estimate; the limit itself is enforced exactly.
    pub remaining: u32,
    /// Until the window starts again.
    pub reset: Duration,
    pub window: Duration,
}

impl Quota {
    /// The `RateLimit-Limit`, `-Remaining`, `-Reset` and `-Policy`
    /// headers.
    pub fn headers(&self) -> [(actix_web::http::header::HeaderName, String); 4] {
        use actix_web::http::header::HeaderName;
        [
            (
                HeaderName::from_static("ratelimit-limit"),
                self.limit.to_string(),
            ),
            (
                HeaderName::from_static("ratelimit-remaining"),
                self.remaining.to_string(),
            ),
            (
                HeaderName::from_static("ratelimit-reset"),
                // Rounded up: a client that waits this long is let in.
                self.reset.as_millis().div_ceil(1000).max(1).to_string(),
            ),
            (
                HeaderName::from_static("ratelimit-policy"),
                format!("{};w={}", self.limit, self.window.as_secs().max(1)),
            ),
        ]
    }
}

/// Keeps the budget a request was counted against for its answer's
/// headers; of two (an address's sign-ins and a caller's requests), the
/// one with less left.
pub fn note(req: &actix_web::HttpRequest, quota: Option<Quota>) {
    use actix_web::HttpMessage;
    let Some(q) = quota else { return };
    let mut ext = req.extensions_mut();
    if ext
        .get::<Quota>()
        .is_none_or(|old| q.remaining < old.remaining)
    {
        ext.insert(q);
    }
}

/// One key's window as this instance sees it.
#[derive(Debug, Clone, Copy)]
struct Slot {
    /// When the shared window ends (milliseconds since the epoch).
    window: u64,
    started: Instant,
    /// Requests counted (in memory) or still held of the shares taken.
    count: u32,
    /// What the shared window had not given out at the last grant.
    shared_left: u32,
    /// The shared budget is spent: refused until the window ends.
    spent: bool,
}

impl RateLimiter {
    /// A limiter counting in this instance's memory alone.
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            slots: Mutex::new(HashMap::new()),
            shared: None,
        }
    }

    /// A limiter counting in `store`, shared by every instance on it;
    /// `name` keeps its keys apart from other limiters'.
    pub fn shared(limit: u32, window: Duration, store: Store, name: &'static str) -> Self {
        Self {
            shared: Some(Shared {
                store,
                name,
                share: (limit / 50).max(1),
                swept: Mutex::new(Instant::now()),
            }),
            ..Self::new(limit, window)
        }
    }

    /// Requests allowed per window.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// The answer for a refusal: 429 with `Retry-After` and the
    /// `RateLimit-*` headers (`Limit`, `Remaining: 0`, `Reset`, `Policy`).
    pub fn refusal(&self, wait: Duration, msg: crate::error::Msg) -> crate::error::ApiError {
        use actix_web::http::header::RETRY_AFTER;
        let secs = wait.as_millis().div_ceil(1000).max(1);
        let quota = Quota {
            limit: self.limit,
            remaining: 0,
            reset: wait,
            window: self.window,
        };
        quota.headers().into_iter().fold(
            crate::error::ApiError::new(
                actix_web::http::StatusCode::TOO_MANY_REQUESTS,
                Code::RateLimited,
                msg,
            )
            .with_header(RETRY_AFTER, secs.to_string()),
            |e, (name, value)| e.with_header(name, value),
        )
    }

    /// Counts a request of `key`: what is left of its budget, or refused,
    /// how long to wait. A limiter with a limit of 0 allows everything
    /// and has no budget to tell (`None`). Counting in the database can
    /// fail: that is the store's error.
    pub async fn check(
        &self,
        key: &str,
    ) -> Result<Result<Option<Quota>, Duration>, renda_persistence::StoreError> {
        if self.limit == 0 {
            return Ok(Ok(None));
        }
        let counted = match &self.shared {
            None => self.count(key),
            Some(shared) => self.count_shared(shared, key).await?,
        };
        Ok(counted.map(Some))
    }

    fn quota(&self, remaining: u32, reset: Duration) -> Quota {
        Quota {
            limit: self.limit,
            remaining: remaining.min(self.limit),
            reset,
            window: self.window,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Slot>> {
        self.slots.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Makes room for `key`: a flood of new keys cannot grow the map
    /// without bound or slow every request.
    fn make_room(&self, slots: &mut HashMap<String, Slot>, key: &str, now: Instant) {
        if slots.len() < MAX_KEYS || slots.contains_key(key) {
            return;
        }
        slots.retain(|_, s| now.duration_since(s.started) < self.window);
        if slots.len() >= MAX_KEYS {
            // Forget the older half.
            let mut starts: Vec<Instant> = slots.values().map(|s| s.started).collect();
            let mid = starts.len() / 2;
            let (_, median, _) = starts.select_nth_unstable(mid);
            let median = *median;
            slots.retain(|_, s| s.started > median);
        }
    }

    fn count(&self, key: &str) -> Result<Quota, Duration> {
        let now = Instant::now();
        let mut slots = self.lock();
        self.make_room(&mut slots, key, now);
        let slot = slots.entry(key.to_owned()).or_insert(Slot {
            window: 0,
            started: now,
            count: 0,
            shared_left: 0,
            spent: false,
        });
        if now.duration_since(slot.started) >= self.window {
            slot.started = now;
            slot.count = 0;
        }
        let reset = self.window.saturating_sub(now.duration_since(slot.started));
        if slot.count >= self.limit {
            return Err(reset);
        }
        slot.count += 1;
        Ok(self.quota(self.limit - slot.count, reset))
    }

    async fn count_shared(
        &self,
        shared: &Shared,
        key: &str,
    ) -> Result<Result<Quota, Duration>, renda_persistence::StoreError> {
        let now_ms = epoch_ms();
        let now = Instant::now();
        {
            let mut slots = self.lock();
            self.make_room(&mut slots, key, now);
            if let Some(slot) = slots.get_mut(key)
                && slot.window > now_ms
            {
                if slot.count > 0 {
                    slot.count -= 1;
                    let reset = Duration::from_millis(slot.window - now_ms);
                    return Ok(Ok(
                        self.quota(slot.shared_left.saturating_add(slot.count), reset)
                    ));
                }
                if slot.spent {
                    return Ok(Err(Duration::from_millis(slot.window - now_ms)));
                }
            }
        }
        let window_ms = i64::try_from(self.window.as_millis()).unwrap_or(i64::MAX);
        let grant = shared
            .store
            .take_from_window(
                &format!("{}:{key}", shared.name),
                i64::try_from(now_ms).unwrap_or(i64::MAX),
                window_ms,
                i64::from(shared.share),
                i64::from(self.limit),
            )
            .await?;
        self.sweep(shared, now_ms).await;
        let ends = u64::try_from(grant.expires_at).unwrap_or(0);
        let mut slots = self.lock();
        let slot = slots.entry(key.to_owned()).or_insert(Slot {
            window: ends,
            started: now,
            count: 0,
            shared_left: 0,
            spent: false,
        });
        // Shares still held from a window that has ended are spent with it.
        if slot.window != ends {
            slot.count = 0;
        }
        slot.window = ends;
        slot.started = now;
        slot.shared_left =
            u32::try_from(i64::from(self.limit).saturating_sub(grant.used).max(0)).unwrap_or(0);
        if grant.granted <= 0 {
            slot.spent = true;
            slot.count = 0;
            return Ok(Err(Duration::from_millis(ends.saturating_sub(now_ms))));
        }
        // This request takes one of the share; the rest wait here.
        slot.spent = false;
        slot.count += u32::try_from(grant.granted - 1).unwrap_or(0);
        let reset = Duration::from_millis(ends.saturating_sub(now_ms));
        Ok(Ok(
            self.quota(slot.shared_left.saturating_add(slot.count), reset)
        ))
    }

    /// Deletes the shared windows that have ended, at most once a minute
    /// per limiter and instance.
    async fn sweep(&self, shared: &Shared, now_ms: u64) {
        {
            let mut swept = shared.swept.lock().unwrap_or_else(|e| e.into_inner());
            if swept.elapsed() < Duration::from_secs(60) {
                return;
            }
            *swept = Instant::now();
        }
        let now = i64::try_from(now_ms).unwrap_or(i64::MAX);
        if let Err(e) = shared.store.sweep_rate_windows(now).await {
            tracing::warn!(error = %e, "expired rate-limit windows were not swept");
        }
    }
}

/// Now, in milliseconds since the epoch: every instance's clock agrees
/// closely enough for windows of seconds and more.
fn epoch_ms() -> u64 {
    u64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis(),
    )
    .unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_gets_its_limit_and_others_are_not_affected() {
        let r = RateLimiter::new(2, Duration::from_secs(60));
        assert_eq!(r.count("a").map(|q| q.remaining), Ok(1));
        assert_eq!(r.count("a").map(|q| q.remaining), Ok(0));
        let wait = r.count("a").err().unwrap_or_default();
        assert!(wait > Duration::from_secs(50));
        assert!(r.count("b").is_ok());
    }

    #[test]
    fn an_ipv6_network_shares_one_key() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1"
            .parse()
            .unwrap_or(IpAddr::from([0u8; 4]));
        let b: IpAddr = "2001:db8:1:2:bbbb::9"
            .parse()
            .unwrap_or(IpAddr::from([0u8; 4]));
        assert_eq!(key_of(a), key_of(b));
        assert_eq!(key_of(IpAddr::from([10, 0, 0, 1])), "10.0.0.1");
    }

    #[test]
    fn a_flood_of_addresses_stays_bounded() {
        let r = RateLimiter::new(1, Duration::from_secs(600));
        for i in 0..(MAX_KEYS + 10) {
            assert!(r.count(&i.to_string()).is_ok());
        }
        let n = r.slots.lock().map(|s| s.len()).unwrap_or(usize::MAX);
        assert!(n <= MAX_KEYS, "{n}");
    }

    #[test]
    fn the_window_starts_again() {
        let r = RateLimiter::new(1, Duration::from_millis(1));
        assert!(r.count("a").is_ok());
        std::thread::sleep(Duration::from_millis(5));
        assert!(r.count("a").is_ok());
    }
}
