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
    pub openapi_json: &'static str,
    /// The methods of every documented path, for `Allow` headers.
    pub routes: Arc<RouteTable>,
    /// What day it is, for deadlines.
    pub clock: Arc<dyn renda_domain::time::Clock>,
    /// Where uploaded files are kept (`attachments/` below it).
    pub data_dir: std::path::PathBuf,
    /// The handling practice: deadlines, 面商, rehandling, evaluation.
    pub handling: renda_domain::suggestion::HandlingPolicy,
    /// The practice of supervision: rectification periods.
    pub supervision: renda_domain::supervision::SupervisionPolicy,
    /// How livelihood votes count their majority.
    pub livelihood: renda_domain::livelihood::LivelihoodPolicy,
    /// The deputies a joint motion needs at each level.
    pub motion_thresholds: renda_domain::motion::Thresholds,
    /// Anonymous constituent opinions allowed per client address.
    pub opinion_limiter: Arc<crate::ratelimit::RateLimiter>,
    /// Sign-in attempts allowed per client address.
    pub login_limiter: Arc<crate::ratelimit::RateLimiter>,
    /// Requests allowed per signed-in person or service client.
    pub caller_limiter: Arc<crate::ratelimit::RateLimiter>,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Arc<Vec<std::net::IpAddr>>,
    /// Origins of browser frontends allowed to call the API (CORS); none
    /// by default.
    pub cors_origins: Arc<Vec<String>>,
    /// Networks webhooks may be delivered into although private or
    /// loopback (an OA system on the office's network).
    pub webhook_networks: Arc<Vec<renda_domain::integration::Network>>,
    /// Woken after every successful change, so that this instance's
    /// webhook dispatcher sends new events at once instead of at its next
    /// poll.
    pub events: Arc<tokio::sync::Notify>,
    /// Counts this instance's successful changes, so that live streams
    /// (`/me/events`) look for news at once.
    pub changes: Arc<tokio::sync::watch::Sender<u64>>,
    /// The security policy, read from the database at most every few
    /// seconds.
    pub policy: Arc<PolicyCache>,
    /// Signed-in accounts of recent requests (see [`crate::session_cache::SessionCache`]).
    pub sessions: Arc<crate::session_cache::SessionCache>,
    /// The threads that hash and verify passwords, bounded.
    pub hashing: crate::hashing::HashPool,
}

/// The security policy as last read, and when.
#[derive(Default)]
pub struct PolicyCache {
    slot: std::sync::Mutex<Option<(std::time::Instant, renda_domain::user::SecurityPolicy)>>,
}

impl PolicyCache {
    /// How long a read policy is trusted; a change made through another
    /// instance takes effect here within this time.
    const TTL: std::time::Duration = std::time::Duration::from_secs(5);

    fn get(&self) -> Option<renda_domain::user::SecurityPolicy> {
        let slot = self.slot.lock().unwrap_or_else(|e| e.into_inner());
        slot.filter(|(at, _)| at.elapsed() < Self::TTL)
            .map(|(_, p)| p)
    }

    pub fn put(&self, p: renda_domain::user::SecurityPolicy) {
        *self.slot.lock().unwrap_or_else(|e| e.into_inner()) = Some((std::time::Instant::now(), p));
    }
}

impl AppState {
    pub fn new(store: Store, jwt: JwtKeys) -> Self {
        let routes = RouteTable::from_openapi(crate::DOCUMENT);
        Self {
            store: store.clone(),
            jwt,
            refresh_ttl: chrono::Duration::days(14),
            openapi_json: crate::DOCUMENT,
            routes: Arc::new(routes),
            clock: Arc::new(renda_domain::time::SystemClock),
            data_dir: std::path::PathBuf::from("data"),
            handling: renda_domain::suggestion::HandlingPolicy::default(),
            supervision: renda_domain::supervision::SupervisionPolicy::default(),
            livelihood: renda_domain::livelihood::LivelihoodPolicy::default(),
            motion_thresholds: renda_domain::motion::Thresholds::default(),
            opinion_limiter: Arc::new(crate::ratelimit::RateLimiter::shared(
                10,
                std::time::Duration::from_secs(600),
                store.clone(),
                "opinion",
            )),
            login_limiter: Arc::new(crate::ratelimit::RateLimiter::shared(
                30,
                std::time::Duration::from_secs(60),
                store.clone(),
                "login",
            )),
            caller_limiter: Arc::new(crate::ratelimit::RateLimiter::shared(
                3000,
                std::time::Duration::from_secs(60),
                store.clone(),
                "caller",
            )),
            trusted_proxies: Arc::new(Vec::new()),
            cors_origins: Arc::new(Vec::new()),
            webhook_networks: Arc::new(Vec::new()),
            events: Arc::new(tokio::sync::Notify::new()),
            changes: Arc::new(tokio::sync::watch::Sender::new(0)),
            policy: Arc::new(PolicyCache::default()),
            sessions: Arc::default(),
            hashing: crate::hashing::HashPool::per_core(),
        }
    }

    /// The security policy in force.
    pub async fn security_policy(&self) -> Result<renda_domain::user::SecurityPolicy, ApiError> {
        if let Some(p) = self.policy.get() {
            return Ok(p);
        }
        let p = self.store.security_policy().await?;
        self.policy.put(p);
        Ok(p)
    }

    /// The same state allowing browser frontends from these origins
    /// (`https://oa.example.gov.cn`).
    pub fn with_cors_origins(mut self, origins: Vec<String>) -> Self {
        self.cors_origins = Arc::new(origins);
        self
    }

    /// The same state allowing webhooks into these networks.
    pub fn with_webhook_networks(
        mut self,
        networks: Vec<renda_domain::integration::Network>,
    ) -> Self {
        self.webhook_networks = Arc::new(networks);
        self
    }

    /// The same state believing `X-Forwarded-For` from these proxies.
    pub fn with_trusted_proxies(mut self, proxies: Vec<std::net::IpAddr>) -> Self {
        self.trusted_proxies = Arc::new(proxies);
        self
    }

    /// The same state allowing `limit` anonymous opinions per client
    /// address in each `window`.
    pub fn with_opinion_limit(mut self, limit: u32, window: std::time::Duration) -> Self {
        self.opinion_limiter = Arc::new(crate::ratelimit::RateLimiter::shared(
            limit,
            window,
            self.store.clone(),
            "opinion",
        ));
        self
    }

    /// The same state allowing `limit` sign-in attempts per client address
    /// in each `window`.
    pub fn with_login_limit(mut self, limit: u32, window: std::time::Duration) -> Self {
        self.login_limiter = Arc::new(crate::ratelimit::RateLimiter::shared(
            limit,
            window,
            self.store.clone(),
            "login",
        ));
        self
    }

    /// The same state allowing each signed-in caller `limit` requests in
    /// each `window` (0: no limit).
    pub fn with_caller_limit(mut self, limit: u32, window: std::time::Duration) -> Self {
        self.caller_limiter = Arc::new(crate::ratelimit::RateLimiter::shared(
            limit,
            window,
            self.store.clone(),
            "caller",
        ));
        self
    }

    /// The same state hashing passwords on `workers` threads with `queue`
    /// places to wait.
    pub fn with_hashing(mut self, workers: usize, queue: usize) -> Self {
        self.hashing = crate::hashing::HashPool::new(workers, queue);
        self
    }

    /// The same state with another livelihood-vote rule.
    pub fn with_livelihood(
        mut self,
        livelihood: renda_domain::livelihood::LivelihoodPolicy,
    ) -> Self {
        self.livelihood = livelihood;
        self
    }

    /// The same state with another practice of supervision.
    pub fn with_supervision(
        mut self,
        supervision: renda_domain::supervision::SupervisionPolicy,
    ) -> Self {
        self.supervision = supervision;
        self
    }

    /// The same state with another handling practice.
    pub fn with_handling(mut self, handling: renda_domain::suggestion::HandlingPolicy) -> Self {
        self.handling = handling;
        self
    }

    /// The same state with other motion thresholds.
    pub fn with_motion_thresholds(mut self, t: renda_domain::motion::Thresholds) -> Self {
        self.motion_thresholds = t;
        self
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
    /// Who a bearer token stands for, its session, and whether the account
    /// must change its password before doing anything else.
    pub async fn authenticate(&self, token: &str) -> Result<(Actor, uuid::Uuid, bool), ApiError> {
        let claims = self
            .jwt
            .verify(token)
            .map_err(|_| ApiError::unauthenticated())?;
        let (Some(user_id), Some(session_id)) = (claims.user_id(), claims.session_id()) else {
            return Err(ApiError::unauthenticated());
        };
        if claims.is_client() {
            let (actor, token_id) = self
                .authenticate_client(user_id, session_id, &claims)
                .await?;
            return Ok((actor, token_id, false));
        }
        let user = self.user_in_session(user_id, session_id).await?;
        if !user.is_active() {
            return Err(ApiError::unauthenticated());
        }
        let change_required = user
            .password_change_required(&self.security_policy().await?, renda_domain::time::now());
        let actor = Actor {
            user_id: user.id.into(),
            username: user.username,
            roles: user.roles,
            deputy_id: user.deputy_id,
            unit_id: user.unit_id,
            observer_id: user.observer_id,
            scopes: None,
        };
        Ok((actor, session_id, change_required))
    }

    /// The account of an access token's session, from the cache of recent
    /// requests when it is fresh and this instance has handled no write
    /// since, else from the database; 401 when the session is closed or
    /// the account gone.
    async fn user_in_session(
        &self,
        user_id: uuid::Uuid,
        session_id: uuid::Uuid,
    ) -> Result<renda_domain::user::User, ApiError> {
        let key = (user_id, session_id);
        let epoch = self.sessions.epoch();
        if let Some(user) = self.sessions.get(key) {
            return Ok(user);
        }
        let read_at = std::time::Instant::now();
        let Some(user) = self.store.user_in_session(user_id, session_id).await? else {
            return Err(ApiError::unauthenticated());
        };
        self.sessions.put(key, user.clone(), epoch, read_at);
        Ok(user)
    }

    /// A service client's token: the client is loaded afresh, so that a
    /// disabled or deleted client stops at once, and the token's scopes
    /// count only as far as the client still holds them. A client acting
    /// for a unit has that unit's role; one without a unit reads as the
    /// office's leaders do.
    async fn authenticate_client(
        &self,
        client_id: uuid::Uuid,
        token_id: uuid::Uuid,
        claims: &renda_auth::Claims,
    ) -> Result<(Actor, uuid::Uuid), ApiError> {
        // A token names the secret it was issued under: once that secret
        // is rotated away (its overlap over), the token ends with it.
        let Some(fingerprint) = claims.sfp.as_deref() else {
            return Err(ApiError::unauthenticated());
        };
        let (client, secret_valid) = match self.store.client_for_token(client_id, fingerprint).await
        {
            Ok(c) => c,
            Err(StoreError::NotFound) => return Err(ApiError::unauthenticated()),
            Err(e) => return Err(e.into()),
        };
        let granted =
            renda_domain::integration::ScopeSet::parse(claims.scope.as_deref().unwrap_or(""))
                .map_err(|_| ApiError::unauthenticated())?;
        let actor = renda_auth::permission::client_actor(&client, secret_valid, &granted)
            .ok_or_else(ApiError::unauthenticated)?;
        Ok((actor, token_id))
    }
}
