//! Storage for renda on SQLite or PostgreSQL through sea-orm. Every change
//! to an official record is written together with its audit entry in one
//! transaction.

pub mod activities;
pub mod audit;
mod batch;
pub mod congress;
pub mod constituent;
pub mod crypto;
pub mod db;
pub mod delivery;
pub mod deputies;
pub mod double_evaluation;
pub mod duties;
mod entities;
pub mod error;
pub mod idempotency;
pub mod integration;
pub mod jobs;
pub mod key_supervision;
pub mod limits;
pub mod list;
pub mod livelihood;
pub mod motions;
pub mod notifications;
pub mod observers;
pub mod password_resets;
pub mod reminders;
pub mod reseal;
pub mod security;
pub mod sessions;
pub mod settings;
pub mod stations;
pub mod stats;
pub mod suggestions;
pub mod supervision;
pub mod tasks;
mod timeline;
pub mod units;
pub mod users;

pub use audit::AuditCtx;
pub use db::Store;
pub use error::{Conflict, StoreError};
pub use list::{Cursor, ListOptions, Page, Row};
