//! Black-box tests of the renda API: a real server on a free port, a real
//! database per test (a temporary SQLite file, or a fresh PostgreSQL
//! schema when `RENDA_TEST_DATABASE_URL` is set), and HTTP requests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod attacks;
mod audit;
mod auth;
mod authz;
mod bola;
mod cli;
mod compression;
mod congress;
mod deputies;
mod errors;
mod export;
mod gateways;
mod generators;
mod handout;
mod health;
mod idempotency;
mod imports;
mod inbox;
mod integration;
mod key_supervision;
mod lists;
mod livelihood;
mod mobile;
mod motions;
mod observers;
mod openapi;
mod practice;
mod queues;
mod races;
mod reading;
mod search;
mod security;
mod suggestions;
mod supervision;
mod sync;
mod tallies;
mod terms;
mod tokens;
mod units;
mod users;
mod work;
