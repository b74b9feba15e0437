//! sea-orm entities, one per table. They stay inside this crate: the rest
//! of renda sees domain types.

pub mod audit_event;
pub mod deputy;
pub mod deputy_link;
pub mod deputy_membership;
pub mod idempotency_key;
pub mod refresh_token;
pub mod setting;
pub mod unit;
pub mod user;
