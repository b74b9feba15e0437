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

use actix_web::dev::HttpServiceFactory;
use utoipa_actix_web::OpenApiFactory;

/// Where the handlers are registered: in the serving application, by
/// actix-web alone, or in the OpenAPI document, where utoipa also collects
/// each operation and the schemas it names. Building those for every
/// worker's application took the schema code's pages into a running
/// server's memory; the server serves the committed document instead
/// (`crate::DOCUMENT`).
pub enum Routes<'a, 'b> {
    Serve(&'a mut actix_web::web::ServiceConfig),
    Document(&'a mut utoipa_actix_web::service_config::ServiceConfig<'b>),
}

impl Routes<'_, '_> {
    pub fn service<F>(&mut self, factory: F) -> &mut Self
    where
        F: HttpServiceFactory + OpenApiFactory + 'static,
    {
        match self {
            Routes::Serve(cfg) => {
                cfg.service(factory);
            }
            Routes::Document(cfg) => {
                cfg.service(factory);
            }
        }
        self
    }

    /// A route outside the document.
    pub fn route(&mut self, path: &str, route: actix_web::Route) -> &mut Self {
        match self {
            Routes::Serve(cfg) => {
                cfg.route(path, route);
            }
            Routes::Document(cfg) => {
                cfg.route(path, route);
            }
        }
        self
    }
}

/// Registers every handler under `/api/v1`.
pub fn api(cfg: &mut Routes) {
    moved(cfg);
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

/// Paths that moved, kept as permanent redirects (308, the method kept)
/// for clients written against them. They are not in the document: the
/// old paths were ambiguous with their neighbours.
fn moved(cfg: &mut Routes) {
    use actix_web::{HttpResponse, web};
    fn to(location: String) -> HttpResponse {
        HttpResponse::PermanentRedirect()
            .insert_header((actix_web::http::header::LOCATION, location))
            .finish()
    }
    cfg.route(
        "/constituent-opinions/receipt/{code}",
        web::get().to(|code: web::Path<String>| async move {
            to(format!(
                "/api/v1/constituent-opinion-receipts/{}",
                crate::respond::percent_encode(&code)
            ))
        }),
    );
    cfg.route(
        "/suggestions/handling-report/{year}.{format}",
        web::get().to(|path: web::Path<(String, String)>| async move {
            let (year, format) = path.into_inner();
            to(format!(
                "/api/v1/suggestions/handling-report.{}?year={}",
                crate::respond::percent_encode(&format),
                crate::respond::percent_encode(&year)
            ))
        }),
    );
}
