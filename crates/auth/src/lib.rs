//! Authentication and authorisation for renda: password hashing, access
//! and refresh tokens, and the one permission module that decides who may
//! do what.

pub mod jwt;
pub mod livelihood_access;
pub mod need_access;
pub mod opinion_access;
pub mod password;
pub mod permission;
pub mod scope;
pub mod signature;
pub mod suggestion_access;
pub mod supervision_access;
pub mod token;

pub use jwt::{Claims, JwtConfig, JwtError, JwtKeys};
pub use permission::{Action, Actor, Decision, Principal, decide};
