//! A fixed-window rate limiter, keyed by client address (sign-in, what
//! anyone may send without an account) or by caller (each signed-in
//! person's or client's budget), and the 429 answer it gives.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

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
    slots: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimiter {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            slots: Mutex::new(HashMap::new()),
        }
    }

    /// Requests allowed per window.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// The answer for a refusal: 429 with `Retry-After` and the
    /// `RateLimit-*` headers (`Limit`, `Remaining: 0`, `Reset`, `Policy`).
    pub fn refusal(&self, wait: Duration, msg: crate::error::Msg) -> crate::error::ApiError {
        use actix_web::http::header::{HeaderName, RETRY_AFTER};
        let secs = wait.as_secs().max(1);
        crate::error::ApiError::new(
            actix_web::http::StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            msg,
        )
        .with_header(RETRY_AFTER, secs.to_string())
        .with_header(
            HeaderName::from_static("ratelimit-limit"),
            self.limit.to_string(),
        )
        .with_header(HeaderName::from_static("ratelimit-remaining"), "0")
        .with_header(HeaderName::from_static("ratelimit-reset"), secs.to_string())
        .with_header(
            HeaderName::from_static("ratelimit-policy"),
            format!("{};w={}", self.limit, self.window.as_secs().max(1)),
        )
    }

    /// Counts a request of `key`; refused, it says how long to wait. A
    /// limiter with a limit of 0 allows everything.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        if self.limit == 0 {
            return Ok(());
        }
        self.count(key)
    }

    fn count(&self, key: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        if slots.len() >= MAX_KEYS && !slots.contains_key(key) {
            slots.retain(|_, (start, _)| now.duration_since(*start) < self.window);
            if slots.len() >= MAX_KEYS {
                // Forget the older half: a flood of new addresses cannot grow
                // the map without bound or slow every request.
                let mut starts: Vec<Instant> = slots.values().map(|(s, _)| *s).collect();
                let mid = starts.len() / 2;
                let (_, median, _) = starts.select_nth_unstable(mid);
                let median = *median;
                slots.retain(|_, (start, _)| *start > median);
            }
        }
        let slot = slots.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(slot.0) >= self.window {
            *slot = (now, 0);
        }
        if slot.1 >= self.limit {
            return Err(self.window.saturating_sub(now.duration_since(slot.0)));
        }
        slot.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_gets_its_limit_and_others_are_not_affected() {
        let r = RateLimiter::new(2, Duration::from_secs(60));
        assert!(r.check("a").is_ok());
        assert!(r.check("a").is_ok());
        let wait = r.check("a").err().unwrap_or_default();
        assert!(wait > Duration::from_secs(50));
        assert!(r.check("b").is_ok());
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
            assert!(r.check(&i.to_string()).is_ok());
        }
        let n = r.slots.lock().map(|s| s.len()).unwrap_or(usize::MAX);
        assert!(n <= MAX_KEYS, "{n}");
    }

    #[test]
    fn the_window_starts_again() {
        let r = RateLimiter::new(1, Duration::from_millis(1));
        assert!(r.check("a").is_ok());
        std::thread::sleep(Duration::from_millis(5));
        assert!(r.check("a").is_ok());
    }
}
