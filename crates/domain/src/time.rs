//! Time as renda records it.

use chrono::{DateTime, SubsecRound, Utc};

/// The current instant, truncated to microseconds: the precision both
/// PostgreSQL and SQLite keep, so a stored value reads back equal.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// The date of an instant in China Standard Time (UTC+8), where the
/// congress works: its days, years and deadlines are counted there.
pub fn china_date(t: DateTime<Utc>) -> chrono::NaiveDate {
    (t + chrono::Duration::hours(8)).date_naive()
}

/// The instant a China Standard Time date begins.
pub fn china_midnight(d: chrono::NaiveDate) -> DateTime<Utc> {
    d.and_time(chrono::NaiveTime::MIN).and_utc() - chrono::Duration::hours(8)
}

/// Where "today" comes from: the system clock in service, a movable one in
/// tests (deadlines and overdue checks depend on it).
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn today(&self) -> chrono::NaiveDate;
}

/// The system clock; days are counted in China Standard Time (UTC+8),
/// where the congress works.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn today(&self) -> chrono::NaiveDate {
        china_date(Utc::now())
    }
}

/// A clock that runs `offset_days` ahead of the system clock.
#[derive(Debug, Default)]
pub struct OffsetClock {
    offset_days: std::sync::atomic::AtomicI64,
}

impl OffsetClock {
    pub fn advance(&self, days: i64) {
        self.offset_days
            .fetch_add(days, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Clock for OffsetClock {
    fn today(&self) -> chrono::NaiveDate {
        let days = self.offset_days.load(std::sync::atomic::Ordering::SeqCst);
        SystemClock.today() + chrono::Duration::days(days)
    }
}
