//! A fixed-window rate limiter keyed by client address, for what anyone
//! may send without an account.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

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

    /// Counts a request of `key`; refused, it says how long to wait.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        if slots.len() > 10_000 {
            slots.retain(|_, (start, _)| now.duration_since(*start) < self.window);
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
    fn the_window_starts_again() {
        let r = RateLimiter::new(1, Duration::from_millis(1));
        assert!(r.check("a").is_ok());
        std::thread::sleep(Duration::from_millis(5));
        assert!(r.check("a").is_ok());
    }
}
