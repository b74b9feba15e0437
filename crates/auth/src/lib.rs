//! Authentication and authorisation for renda: password hashing, access
//! and refresh tokens, and the one permission module that decides who may
//! do what.

pub mod jwt;
pub mod livelihood_access;
pub mod motion_access;
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

/// The callers the decision tables of the permission module are made of.
#[cfg(test)]
pub(crate) mod testing {
    use renda_domain::id::{DeputyId, UnitId, UserId};
    use renda_domain::{Role, RoleSet};

    use crate::permission::{Actor, Principal};

    /// A person signed in as account `id` with `roles`, speaking for
    /// `deputy` and working for `unit` where given.
    pub(crate) fn person(
        id: u128,
        roles: &[Role],
        deputy: Option<DeputyId>,
        unit: Option<UnitId>,
    ) -> Principal {
        Principal::User(Actor {
            user_id: UserId::from_u128(id),
            username: format!("u{id}"),
            roles: RoleSet::new(roles.iter().copied()),
            deputy_id: deputy,
            unit_id: unit,
            observer_id: None,
            scopes: None,
        })
    }
}
