//! The webhook dispatcher: turns outbox events into deliveries, claims
//! the due ones, sends each signed, and records the answer. Everything it
//! knows is in the database, so it survives a restart, and several
//! processes on one database share the work without sending a delivery
//! twice (claims are conditional updates with a lease).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use renda_auth::signature;
use renda_domain::integration::{Network, check_destination, retry_delay};
use renda_persistence::Store;
use renda_persistence::integration::{AttemptResult, DeliveryJob};

/// How the dispatcher works.
#[derive(Debug, Clone)]
pub struct DispatcherConfig {
    /// This process's name on its claims.
    pub worker: String,
    /// How often it looks for work written by other instances or by
    /// background work (its own instance's changes wake it at once).
    pub interval: Duration,
    /// Deliveries sent at once.
    pub batch: u64,
    /// How long a claim holds before another dispatcher may take the
    /// delivery over (a process that died mid-delivery).
    pub lease: Duration,
    /// How long the receiver has to answer.
    pub timeout: Duration,
    /// The wait after the first failure; it doubles with each further one,
    /// up to an hour.
    pub retry_base: Duration,
    /// How long failed deliveries are retried before they are given up
    /// (a replay can still queue them again).
    pub retry_window: Duration,
    /// Private or loopback networks deliveries may reach.
    pub allowed: Vec<Network>,
    /// Woken by this instance's successful changes, to send their events
    /// without waiting for the next poll.
    pub wake: Option<Arc<tokio::sync::Notify>>,
}

impl Default for DispatcherConfig {
    fn default() -> Self {
        Self {
            worker: format!("{}-{}", std::process::id(), uuid::Uuid::now_v7().simple()),
            interval: Duration::from_secs(1),
            batch: 32,
            lease: Duration::from_secs(60),
            timeout: Duration::from_secs(10),
            retry_base: Duration::from_secs(10),
            retry_window: Duration::from_secs(48 * 3600),
            allowed: Vec::new(),
            wake: None,
        }
    }
}

/// Resolves host names for deliveries and drops every address a delivery
/// may not reach, so that a name that resolves elsewhere after it was
/// checked (DNS rebinding) still cannot reach inside.
struct CheckedResolver {
    allowed: Arc<Vec<Network>>,
}

impl reqwest::dns::Resolve for CheckedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allowed = self.allowed.clone();
        Box::pin(async move {
            let addrs = renda_http::webhook_target::resolve_checked(name.as_str(), 0, &allowed)
                .await
                .map_err(|e| -> Box<dyn std::error::Error + Send + Sync> {
                    format!("destination refused: {e:?}").into()
                })?;
            let addrs: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

fn http_client(cfg: &DispatcherConfig) -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        // No proxy from the environment: a proxy would resolve names
        // itself, past the checks of the resolver below.
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(cfg.timeout)
        .connect_timeout(cfg.timeout)
        .user_agent(concat!("renda-webhooks/", env!("CARGO_PKG_VERSION")))
        .dns_resolver(Arc::new(CheckedResolver {
            allowed: Arc::new(cfg.allowed.clone()),
        }))
        .build()?)
}

/// Sends one delivery; returns the receiver's status or why there is none.
async fn send(
    client: &reqwest::Client,
    cfg: &DispatcherConfig,
    job: &DeliveryJob,
) -> Result<u16, String> {
    let url = renda_http::webhook_target::parse_url(&job.url)
        .map_err(|_| "invalid destination URL".to_owned())?;
    // An address written as such is checked here; names are checked by
    // the resolver.
    if let Some(ip) = url
        .host_str()
        .map(|h| h.trim_start_matches('[').trim_end_matches(']'))
        .and_then(|h| h.parse::<IpAddr>().ok())
        && check_destination(ip, &cfg.allowed).is_err()
    {
        return Err("destination refused".into());
    }
    let body = job.payload.clone().into_bytes();
    let now = chrono::Utc::now().timestamp();
    let res = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("Renda-Event-Id", job.event_id.to_string())
        .header("Renda-Event-Type", job.event_type.as_str())
        .header("Renda-Delivery-Id", job.delivery_id.to_string())
        .header(
            signature::HEADER,
            signature::header_value(&job.secret, now, &body),
        )
        .body(body)
        .send()
        .await;
    match res {
        Ok(r) => Ok(r.status().as_u16()),
        Err(e) if e.is_timeout() => Err("timed out".into()),
        Err(e) if e.is_connect() => Err(if format!("{e:?}").contains("destination refused") {
            "destination refused".into()
        } else {
            "connection failed".into()
        }),
        Err(_) => Err("request failed".into()),
    }
}

/// One round: fan new events out, then send what is due. Returns how many
/// deliveries it attempted.
pub async fn dispatch_once(
    store: &Store,
    client: &reqwest::Client,
    cfg: &DispatcherConfig,
) -> anyhow::Result<usize> {
    while store.fan_out_events(200).await? == 200 {}
    let lease = chrono::Duration::from_std(cfg.lease)?;
    let jobs = store
        .claim_deliveries(&cfg.worker, cfg.batch, lease)
        .await?;
    let n = jobs.len();
    let results = futures_util::future::join_all(jobs.iter().map(|job| async move {
        let outcome = send(client, cfg, job).await;
        (job, outcome)
    }))
    .await;
    let mut finished = Vec::with_capacity(results.len());
    for (job, outcome) in results {
        let now = chrono::Utc::now();
        let (delivered, status_code, error) = match outcome {
            Ok(code) => ((200..300).contains(&code), Some(i32::from(code)), None),
            Err(e) => (false, None, Some(e)),
        };
        let retry_at = if delivered {
            None
        } else {
            let attempts = u32::try_from(job.attempts).unwrap_or(0).saturating_add(1);
            let at = now + chrono::Duration::from_std(retry_delay(attempts, cfg.retry_base))?;
            let give_up = job.created_at + chrono::Duration::from_std(cfg.retry_window)?;
            (at <= give_up).then_some(at)
        };
        if !delivered {
            tracing::info!(
                delivery_id = %job.delivery_id,
                subscription_id = %job.subscription_id,
                status = ?status_code,
                error = error.as_deref().unwrap_or(""),
                retry = retry_at.is_some(),
                "webhook delivery failed"
            );
        }
        finished.push((
            job.delivery_id,
            AttemptResult {
                delivered,
                status_code,
                error,
                retry_at,
            },
        ));
    }
    store.finish_deliveries(&cfg.worker, finished).await?;
    Ok(n)
}

/// Runs the dispatcher until aborted. A round that found work is followed
/// at once by the next.
pub fn spawn_dispatcher(store: Store, cfg: DispatcherConfig) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let client = match http_client(&cfg) {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "webhook dispatcher could not start");
                return;
            }
        };
        loop {
            match dispatch_once(&store, &client, &cfg).await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "webhook dispatch round failed"),
            }
            match &cfg.wake {
                Some(wake) => {
                    tokio::select! {
                        _ = tokio::time::sleep(cfg.interval) => {}
                        _ = wake.notified() => {}
                    }
                }
                None => tokio::time::sleep(cfg.interval).await,
            }
        }
    })
}
