//! The API's handlers, one module per area.

pub mod activities;
pub mod audit;
pub mod auth;
pub mod clients;
pub mod common;
pub mod congress_sessions;
pub mod constituent;
pub mod delivery;
pub mod deputies;
pub mod duties;
pub mod events;
pub mod health;
pub mod imports;
pub mod inbox;
pub mod key_supervision;
pub mod livelihood;
pub mod me;
pub mod motions;
pub mod observers;
pub mod password_resets;
pub mod security;
pub mod stations;
pub mod suggestions;
pub mod supervisions;
pub mod units;
pub mod users;
pub mod webhooks;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every handler under `/api/v1`.
pub fn api(cfg: &mut ServiceConfig) {
    auth::configure(cfg);
    me::configure(cfg);
    inbox::configure(cfg);
    events::configure(cfg);
    delivery::configure(cfg);
    users::configure(cfg);
    password_resets::configure(cfg);
    clients::configure(cfg);
    imports::configure(cfg);
    units::configure(cfg);
    deputies::configure(cfg);
    suggestions::configure(cfg);
    observers::configure(cfg);
    supervisions::configure(cfg);
    stations::configure(cfg);
    congress_sessions::configure(cfg);
    motions::configure(cfg);
    key_supervision::configure(cfg);
    constituent::configure(cfg);
    activities::configure(cfg);
    duties::configure(cfg);
    livelihood::configure(cfg);
    webhooks::configure(cfg);
    audit::configure(cfg);
    security::configure(cfg);
}
