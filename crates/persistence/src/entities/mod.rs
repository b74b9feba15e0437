//! sea-orm entities, one per table. They stay inside this crate: the rest
//! of renda sees domain types.

pub mod advanced_unit;
pub mod audit_event;
pub mod deputy;
pub mod deputy_link;
pub mod deputy_membership;
pub mod idempotency_key;
pub mod observer;
pub mod observer_conflict;
pub mod refresh_token;
pub mod setting;
pub mod suggestion;
pub mod suggestion_assignment;
pub mod suggestion_attachment;
pub mod suggestion_category;
pub mod suggestion_co_signer;
pub mod suggestion_co_unit;
pub mod suggestion_commitment;
pub mod suggestion_counter;
pub mod suggestion_event;
pub mod suggestion_record;
pub mod suggestion_reply;
pub mod suggestion_request;
pub mod unit;
pub mod user;
