//! User accounts: usernames, statuses and the password policy.

use std::fmt;

string_enum! {
    /// Whether an account may sign in.
    pub enum UserStatus : "user status" {
        Active = "active",
        /// A disabled account's tokens stop working at once.
        Disabled = "disabled",
    }
}

/// A username: 3 to 64 characters of lower-case ASCII letters, digits,
/// `.`, `_` and `-`, starting with a letter or digit. Usernames are
/// compared case-insensitively, so they are kept in lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, UsernameError> {
        let s = raw.trim().to_ascii_lowercase();
        let len = s.chars().count();
        if !(3..=64).contains(&len) {
            return Err(UsernameError::Length);
        }
        let first_ok = s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
        let rest_ok = s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
        if !first_ok || !rest_ok {
            return Err(UsernameError::Characters);
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UsernameError {
    #[error("a username has 3 to 64 characters")]
    Length,
    #[error(
        "a username uses lower-case letters, digits, '.', '_' and '-', starting with a letter or digit"
    )]
    Characters,
}

/// Why a password does not meet the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordPolicyError {
    #[error("a password has at least 8 characters")]
    TooShort,
    #[error("a password has at most 128 characters")]
    TooLong,
    #[error(
        "a password uses at least three of: upper-case letters, lower-case letters, digits, symbols"
    )]
    TooSimple,
}

/// The password policy: 8 to 128 characters and at least three of the four
/// classes upper-case, lower-case, digit, symbol.
pub fn check_password_policy(password: &str) -> Result<(), PasswordPolicyError> {
    let len = password.chars().count();
    if len < 8 {
        return Err(PasswordPolicyError::TooShort);
    }
    if len > 128 {
        return Err(PasswordPolicyError::TooLong);
    }
    let upper = password.chars().any(|c| c.is_uppercase());
    let lower = password.chars().any(|c| c.is_lowercase());
    let digit = password.chars().any(|c| c.is_ascii_digit());
    let symbol = password.chars().any(|c| !c.is_alphanumeric());
    let classes = [upper, lower, digit, symbol].iter().filter(|b| **b).count();
    if classes < 3 {
        return Err(PasswordPolicyError::TooSimple);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_lower_cased_and_checked() {
        assert_eq!(
            Username::parse(" Admin ").map(|u| u.into_inner()),
            Ok("admin".into())
        );
        assert_eq!(Username::parse("ab"), Err(UsernameError::Length));
        assert_eq!(Username::parse("_abc"), Err(UsernameError::Characters));
        assert_eq!(Username::parse("张三abc"), Err(UsernameError::Characters));
        assert!(Username::parse("wang.li-2026_x").is_ok());
    }

    #[test]
    fn password_policy_table() {
        let cases = [
            ("Ab1!", Err(PasswordPolicyError::TooShort)),
            ("abcdefgh", Err(PasswordPolicyError::TooSimple)),
            ("abcdefg1", Err(PasswordPolicyError::TooSimple)),
            ("Abcdefg1", Ok(())),
            ("abcdef1!", Ok(())),
            ("ABCDEF1!", Ok(())),
            ("Abcdefg!", Ok(())),
            ("人大代表Ab12", Ok(())),
        ];
        for (pw, want) in cases {
            assert_eq!(check_password_policy(pw), want, "{pw}");
        }
        assert_eq!(
            check_password_policy(&"Aa1!".repeat(40)),
            Err(PasswordPolicyError::TooLong)
        );
    }
}

use crate::RoleSet;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A user account as recorded (the password hash is kept apart).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct User {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    #[serde(serialize_with = "crate::role::serialize_roles")]
    pub roles: RoleSet,
    pub status: UserStatus,
    pub deputy_id: Option<Uuid>,
    pub unit_id: Option<Uuid>,
    pub observer_id: Option<Uuid>,
    pub failed_logins: i32,
    pub locked_until: Option<DateTime<Utc>>,
    pub password_changed_at: DateTime<Utc>,
    /// Set on an account whose password someone else chose (the first
    /// administrators, a new account, a reset): nothing but changing it is
    /// allowed until it is changed.
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub version: i32,
}

impl User {
    /// Whether the account may do nothing but change its password: it was
    /// told to, or its password is older than the policy allows.
    pub fn password_change_required(&self, policy: &SecurityPolicy, now: DateTime<Utc>) -> bool {
        self.must_change_password || policy.password_expired(self.password_changed_at, now)
    }

    pub fn is_active(&self) -> bool {
        self.status == UserStatus::Active && self.deleted_at.is_none()
    }

    pub fn is_locked(&self, now: DateTime<Utc>) -> bool {
        self.locked_until.is_some_and(|t| t > now)
    }
}

/// How many failed logins in a row lock an account.
pub const MAX_FAILED_LOGINS: i32 = 5;
/// How long a locked account stays locked, in minutes.
pub const LOCKOUT_MINUTES: i64 = 15;

/// How many earlier passwords a new one may not repeat.
pub const PASSWORD_HISTORY: usize = 5;

/// The security policy (安全策略) the security administrator keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SecurityPolicy {
    /// Days a password stays valid; 0 for no expiry.
    pub password_max_age_days: u32,
    /// Minutes a session may stay unused before its refresh token stops
    /// working.
    pub session_idle_minutes: u32,
}

impl Default for SecurityPolicy {
    fn default() -> Self {
        Self {
            password_max_age_days: 0,
            session_idle_minutes: 30,
        }
    }
}

/// What is wrong with a security policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyProblem {
    /// Expiry beyond ten years (or use 0 for none).
    MaxAgeTooLong,
    /// Idle timeout outside 20 minutes to one day.
    IdleOutOfRange,
}

impl SecurityPolicy {
    /// The longest password lifetime that can be set.
    pub const MAX_AGE_LIMIT_DAYS: u32 = 3650;
    /// The shortest and longest idle timeouts. A session in use refreshes
    /// its 15-minute access token, so a shorter timeout would end sessions
    /// that are in use.
    pub const IDLE_RANGE: std::ops::RangeInclusive<u32> = 20..=1440;

    pub fn check(&self) -> Vec<PolicyProblem> {
        let mut out = Vec::new();
        if self.password_max_age_days > Self::MAX_AGE_LIMIT_DAYS {
            out.push(PolicyProblem::MaxAgeTooLong);
        }
        if !Self::IDLE_RANGE.contains(&self.session_idle_minutes) {
            out.push(PolicyProblem::IdleOutOfRange);
        }
        out
    }

    /// Whether a password set at `changed_at` has expired by `now`.
    pub fn password_expired(&self, changed_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        self.password_max_age_days > 0
            && now - changed_at >= chrono::Duration::days(i64::from(self.password_max_age_days))
    }

    /// How long a session may stay unused.
    pub fn idle_timeout(&self) -> chrono::Duration {
        chrono::Duration::minutes(i64::from(self.session_idle_minutes))
    }
}

/// The fields of a new account; the password arrives already hashed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub username: Username,
    pub password_hash: String,
    /// Whether the holder must choose their own password at first sign-in.
    pub must_change_password: bool,
    pub display_name: String,
    pub roles: RoleSet,
    pub status: UserStatus,
    pub deputy_id: Option<Uuid>,
    pub unit_id: Option<Uuid>,
    pub observer_id: Option<Uuid>,
}

/// A partial change to an account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserPatch {
    pub display_name: Option<String>,
    pub roles: Option<RoleSet>,
    pub status: Option<UserStatus>,
    pub deputy_id: Option<Option<Uuid>>,
    pub unit_id: Option<Option<Uuid>>,
    pub observer_id: Option<Option<Uuid>>,
    pub password_hash: Option<String>,
    /// With a new password: whether its holder must change it first.
    pub must_change_password: Option<bool>,
    /// Lifts a lock after failed sign-ins.
    pub unlock: bool,
}

/// What is wrong with the links of an account: a role that acts for a
/// record needs that record linked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkProblem {
    DeputyRoleNeedsDeputy,
    UnitRoleNeedsUnit,
    ObserverRoleNeedsObserver,
}

/// Checks that every role that acts for a record has it linked.
pub fn check_role_links(
    roles: &RoleSet,
    deputy_id: Option<Uuid>,
    unit_id: Option<Uuid>,
    observer_id: Option<Uuid>,
) -> Vec<LinkProblem> {
    use crate::Role;
    let mut out = Vec::new();
    if roles.contains(Role::Deputy) && deputy_id.is_none() {
        out.push(LinkProblem::DeputyRoleNeedsDeputy);
    }
    if roles.contains(Role::Unit) && unit_id.is_none() {
        out.push(LinkProblem::UnitRoleNeedsUnit);
    }
    if roles.contains(Role::Observer) && observer_id.is_none() {
        out.push(LinkProblem::ObserverRoleNeedsObserver);
    }
    out
}

#[cfg(test)]
mod policy_tests {
    use super::*;

    #[test]
    fn expiry_counts_whole_days_and_zero_means_never() {
        let t0 = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        let never = SecurityPolicy::default();
        assert!(!never.password_expired(t0, t0 + chrono::Duration::days(10_000)));
        let ninety = SecurityPolicy {
            password_max_age_days: 90,
            ..SecurityPolicy::default()
        };
        assert!(!ninety.password_expired(t0, t0 + chrono::Duration::days(89)));
        assert!(ninety.password_expired(t0, t0 + chrono::Duration::days(90)));
    }

    #[test]
    fn policy_bounds() {
        assert!(SecurityPolicy::default().check().is_empty());
        let bad = SecurityPolicy {
            password_max_age_days: 4000,
            session_idle_minutes: 2,
        };
        assert_eq!(
            bad.check(),
            vec![PolicyProblem::MaxAgeTooLong, PolicyProblem::IdleOutOfRange]
        );
    }
}
