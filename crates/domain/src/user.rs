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
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub version: i32,
}

impl User {
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

/// The fields of a new account; the password arrives already hashed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub username: Username,
    pub password_hash: String,
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
