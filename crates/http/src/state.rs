//! What every handler shares.

use std::sync::Arc;

use renda_auth::{Actor, JwtKeys};
use renda_persistence::{Store, StoreError};

use crate::error::ApiError;
use crate::routes_table::RouteTable;

/// Shared state of the application.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub jwt: JwtKeys,
    /// Lifetime of a refresh token.
    pub refresh_ttl: chrono::Duration,
    /// The OpenAPI document as served, byte for byte.
    pub openapi_json: Arc<String>,
    /// The methods of every documented path, for `Allow` headers.
    pub routes: Arc<RouteTable>,
    /// What day it is, for deadlines.
    pub clock: Arc<dyn renda_domain::time::Clock>,
    /// Recently computed suggestion statistics, by filter.
    pub stats_cache: Arc<tokio::sync::Mutex<StatsCache>>,
    /// How long computed statistics are served before being computed again.
    pub stats_ttl: std::time::Duration,
    /// Where uploaded files are kept (`attachments/` below it).
    pub data_dir: std::path::PathBuf,
}

/// Statistics computed for a filter on a day, and when.
pub type StatsCache = std::collections::HashMap<
    (renda_persistence::stats::StatsFilter, chrono::NaiveDate),
    (
        std::time::Instant,
        Arc<renda_persistence::stats::SuggestionStats>,
    ),
>;

impl AppState {
    pub fn new(store: Store, jwt: JwtKeys) -> Self {
        let doc = crate::openapi_json();
        let routes = RouteTable::from_openapi(&doc);
        Self {
            store,
            jwt,
            refresh_ttl: chrono::Duration::days(14),
            openapi_json: Arc::new(doc),
            routes: Arc::new(routes),
            clock: Arc::new(renda_domain::time::SystemClock),
            stats_cache: Arc::new(tokio::sync::Mutex::new(StatsCache::new())),
            stats_ttl: std::time::Duration::from_secs(5),
            data_dir: std::path::PathBuf::from("data"),
        }
    }

    /// The same state keeping uploaded files under another directory.
    pub fn with_data_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.data_dir = dir.into();
        self
    }

    /// The same state with another clock (tests move time with it).
    pub fn with_clock(mut self, clock: Arc<dyn renda_domain::time::Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Checks an access token and loads its user afresh: a token of a
    /// disabled, deleted or signed-out user is refused at once.
    pub async fn authenticate(&self, token: &str) -> Result<(Actor, uuid::Uuid), ApiError> {
        let claims = self
            .jwt
            .verify(token)
            .map_err(|_| ApiError::unauthenticated())?;
        let (Some(user_id), Some(session_id)) = (claims.user_id(), claims.session_id()) else {
            return Err(ApiError::unauthenticated());
        };
        let user = match self.store.get_user(user_id).await {
            Ok(u) => u,
            Err(StoreError::NotFound) => return Err(ApiError::unauthenticated()),
            Err(e) => return Err(e.into()),
        };
        if !user.is_active() || !self.store.session_is_open(session_id).await? {
            return Err(ApiError::unauthenticated());
        }
        let actor = Actor {
            user_id: user.id,
            username: user.username,
            roles: user.roles,
            deputy_id: user.deputy_id,
            unit_id: user.unit_id,
            observer_id: user.observer_id,
        };
        Ok((actor, session_id))
    }
}
