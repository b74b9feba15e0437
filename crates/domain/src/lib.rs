//! The domain model of renda: the people, bodies and records of a local
//! People's Congress, and the rules that hold for them whatever stores or
//! serves them. Nothing here performs I/O or knows about HTTP or SQL.

#[macro_use]
mod macros;

pub mod deputy;
pub mod personal;
pub mod role;
pub mod time;
pub mod unit;
pub mod user;

pub use role::{Role, RoleSet};

/// A string value that is not one of an enumeration's identifiers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a valid {kind}")]
pub struct UnknownVariant {
    pub kind: &'static str,
    pub value: String,
}
