//! Liveness and readiness.

use std::time::Duration;

use actix_web::web::Data;
use actix_web::{HttpResponse, get};
use serde_json::json;

use crate::AppState;
use crate::error::ApiError;

/// 200 while the process runs.
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// 200 while the database answers, 503 otherwise.
#[get("/readyz")]
pub async fn readyz(state: Data<AppState>) -> Result<HttpResponse, ApiError> {
    if state.store.ping(Duration::from_secs(2)).await {
        Ok(HttpResponse::Ok().json(json!({"status": "ready"})))
    } else {
        Err(ApiError::unavailable())
    }
}
