//! User accounts: usernames, statuses and the password policy.

use crate::id::{DeputyId, UnitId};
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

/// Why a password does not meet the policy. Each reason has its own
/// stable code ([`PasswordPolicyError::code`]); the first three share the
/// code they always had.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordPolicyError {
    #[error("a password has at least 8 characters, not counting spaces at its start and end")]
    TooShort,
    #[error("a password has at most 128 characters")]
    TooLong,
    #[error(
        "a password uses at least three of: upper-case letters, lower-case letters, digits, symbols (spaces do not count)"
    )]
    TooSimple,
    #[error("a password must not contain the username, nor be part of it")]
    ContainsUsername,
    #[error(
        "the password is a common one, or a common one with digits or symbols added at its start or end"
    )]
    Common,
    #[error(
        "without the digits, symbols and spaces at its start and end, a password keeps at least 4 characters"
    )]
    Predictable,
}

impl PasswordPolicyError {
    /// The stable code a client sees for this reason.
    pub fn code(self) -> &'static str {
        match self {
            // The rules from before the common-password list keep their
            // code, so clients that know it go on working.
            Self::TooShort | Self::TooLong | Self::TooSimple => "password_policy",
            Self::ContainsUsername => "password_contains_username",
            Self::Common => "password_common",
            Self::Predictable => "password_predictable",
        }
    }
}

/// The shortest core a password may have (see [`check_password_policy`]).
const MIN_CORE: usize = 4;

/// The password policy, for the account `username` when it is known (a new
/// account's, or the one whose password changes):
///
/// - 8 to 128 characters, counted without the blank characters at the start
///   and end (spaces, invisible characters: see [`crate::text`]), so that
///   padding does not make a password long;
/// - at least three of the four classes upper-case, lower-case, digit,
///   symbol, where a blank character is no symbol;
/// - not the username (of 3 characters or more), case aside, nor containing
///   it or contained in it;
/// - not one of the 20,000 most common passwords (`data/common-passwords.txt`),
///   case aside, and neither is its core: the password without the digits,
///   punctuation, symbols and spaces at its start and end (`Password1`,
///   `Admin-123`, `!Qwerty2026`);
/// - a core of at least 4 characters, so that a few letters wrapped in
///   digits and symbols (`Ab1!2345678`) do not pass.
pub fn check_password_policy(
    password: &str,
    username: Option<&str>,
) -> Result<(), PasswordPolicyError> {
    let trimmed = crate::text::trim_blank(password);
    let len = trimmed.chars().count();
    if len < 8 {
        return Err(PasswordPolicyError::TooShort);
    }
    if len > 128 {
        return Err(PasswordPolicyError::TooLong);
    }
    let upper = trimmed.chars().any(|c| c.is_uppercase());
    let lower = trimmed.chars().any(|c| c.is_lowercase());
    let digit = trimmed.chars().any(|c| c.is_ascii_digit());
    let symbol = trimmed
        .chars()
        .any(|c| !c.is_alphanumeric() && !crate::text::is_blank_char(c));
    let classes = [upper, lower, digit, symbol].iter().filter(|b| **b).count();
    if classes < 3 {
        return Err(PasswordPolicyError::TooSimple);
    }
    let folded = trimmed.to_lowercase();
    if let Some(name) = username.map(|u| crate::text::trim_blank(u).to_lowercase())
        && name.chars().count() >= 3
        && (folded.contains(&name) || name.contains(&folded))
    {
        return Err(PasswordPolicyError::ContainsUsername);
    }
    // Letters are kept, and so are digits and symbols between letters:
    // `p4ssw0rd` and `pass-word` are cores of their own.
    let core = folded.trim_matches(|c: char| !c.is_alphabetic());
    if crate::common_passwords::contains(&folded) || crate::common_passwords::contains(core) {
        return Err(PasswordPolicyError::Common);
    }
    if core.chars().count() < MIN_CORE {
        return Err(PasswordPolicyError::Predictable);
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
        use PasswordPolicyError::*;
        let cases: &[(&str, Option<&str>, Result<(), PasswordPolicyError>)] = &[
            ("Ab1!", None, Err(TooShort)),
            ("abcdefgh", None, Err(TooSimple)),
            ("abcdefg1", None, Err(TooSimple)),
            ("Hqzwvxk1", None, Ok(())),
            ("hqzwvx1!", None, Ok(())),
            ("HQZWVX1!", None, Ok(())),
            ("Hqzwvxk!", None, Ok(())),
            // Three classes, but a common core.
            ("Abcdefg1", None, Err(Common)),
            ("abcdef1!", None, Err(Common)),
            ("人大代表Ab12", None, Ok(())),
            // Passwords of the tests, the demo and the documentation.
            ("Renda-2026!", None, Ok(())),
            ("Renda-Pass-2026", Some("clerk"), Ok(())),
            ("Demo-Pass-2026", Some("demo-staff"), Ok(())),
            ("Security-Pass-2026", Some("secadmin"), Ok(())),
            ("Audit-Pass-2026", Some("auditadmin"), Ok(())),
            ("Renda-Admin-2026", Some("renda"), Err(ContainsUsername)),
            // Padding with spaces or invisible characters adds no length,
            // and a space is no symbol.
            ("  Ab1!  ", None, Err(TooShort)),
            ("Abc1!\u{200B}\u{200B}\u{200B}", None, Err(TooShort)),
            ("abcdefg1 ", None, Err(TooSimple)),
            ("abcd efgh1", None, Err(TooSimple)),
            ("Abcd\u{202E}efgh", None, Err(TooSimple)),
            ("  Tr0ub4dor&3  ", None, Ok(())),
            // Common passwords, whole or with digits and symbols around.
            ("Password1", None, Err(Common)),
            ("Qwerty123", None, Err(Common)),
            ("Admin-123", None, Err(Common)),
            ("P@ssw0rd", None, Err(Common)),
            ("!!Iloveyou2026", None, Err(Common)),
            ("2026-Sunshine!", None, Err(Common)),
            ("DRAGON#1234", None, Err(Common)),
            ("Passw0rd!", None, Err(Common)),
            // A few letters wrapped in digits and symbols.
            ("Ab1!2345678", None, Err(Predictable)),
            ("2026!!Qzx#1", None, Err(Predictable)),
            ("9!Qzxw#8", None, Ok(())),
            // The username, case aside, inside the password or around it.
            ("Wangli-2026!", Some("wangli"), Err(ContainsUsername)),
            ("My-WANGLI-Pw1", Some("WangLi"), Err(ContainsUsername)),
            ("Chen.Jia-99", Some("chen.jia-99x"), Err(ContainsUsername)),
            ("Wangli-2026!", Some("li"), Ok(())),
            ("Wangli-2026!", Some("zhao"), Ok(())),
            ("Wangli-2026!", None, Ok(())),
        ];
        let wrong: Vec<String> = cases
            .iter()
            .filter(|(pw, user, want)| check_password_policy(pw, *user) != *want)
            .map(|(pw, user, want)| {
                let got = check_password_policy(pw, *user);
                format!("{pw:?} {user:?}: got {got:?}, want {want:?}")
            })
            .collect();
        assert!(wrong.is_empty(), "{wrong:#?}");
        assert_eq!(
            check_password_policy(&"Aa1!".repeat(40), None),
            Err(TooLong)
        );
        // 128 characters between spaces: the spaces do not count.
        let long = format!("  {}  ", "Aa1!xyz-".repeat(16));
        assert_eq!(check_password_policy(&long, None), Ok(()));
    }

    #[test]
    fn every_reason_has_a_code() {
        use PasswordPolicyError::*;
        let codes: Vec<&str> = [ContainsUsername, Common, Predictable]
            .iter()
            .map(|e| e.code())
            .collect();
        assert_eq!(
            codes,
            [
                "password_contains_username",
                "password_common",
                "password_predictable"
            ]
        );
        for e in [TooShort, TooLong, TooSimple] {
            assert_eq!(e.code(), "password_policy");
        }
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
    pub deputy_id: Option<DeputyId>,
    pub unit_id: Option<UnitId>,
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
    pub deputy_id: Option<DeputyId>,
    pub unit_id: Option<UnitId>,
    pub observer_id: Option<Uuid>,
}

/// A partial change to an account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserPatch {
    pub display_name: Option<String>,
    pub roles: Option<RoleSet>,
    pub status: Option<UserStatus>,
    pub deputy_id: Option<Option<DeputyId>>,
    pub unit_id: Option<Option<UnitId>>,
    pub observer_id: Option<Option<Uuid>>,
    pub password_hash: Option<String>,
    /// With a new password: whether its holder must change it first.
    pub must_change_password: Option<bool>,
    /// Lifts a lock after failed sign-ins.
    pub unlock: bool,
    /// The roles the caller's right to this change was decided on: the
    /// change is refused if the account's roles differ when it is written.
    pub decided_on: Option<RoleSet>,
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
    deputy_id: Option<DeputyId>,
    unit_id: Option<UnitId>,
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
