//! Settings, from the environment.

use anyhow::{Context, bail};
use renda_persistence::db::DbOptions;
use secrecy::{ExposeSecret, SecretString};

use crate::load_crypto;

/// Settings, from the environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// `RENDA_BIND`, default `127.0.0.1:8080`.
    pub bind: String,
    /// `RENDA_DATABASE_URL`, default `sqlite://data/renda.db`.
    pub database_url: String,
    /// `RENDA_JWT_SECRET`; when unset a random secret is generated once
    /// into `<RENDA_DATA_DIR>/signing-key`, never into the database.
    pub jwt_secret: Option<SecretString>,
    /// `RENDA_AUDIT_KEY`: the key of the audit trail's seals (at least 32
    /// characters); when unset, one is generated once into
    /// `<RENDA_DATA_DIR>/audit-key`. It never changes: every past seal is
    /// checked with it.
    pub audit_key: Option<SecretString>,
    /// `RENDA_ADMIN_USERNAME`, default `admin`.
    pub admin_username: String,
    /// `RENDA_ADMIN_PASSWORD`: the first administrator's password; when
    /// unset a random one is generated and printed once.
    pub admin_password: Option<SecretString>,
    /// `RENDA_SECURITY_ADMIN_USERNAME` (default `secadmin`) and
    /// `RENDA_SECURITY_ADMIN_PASSWORD`: the first security administrator.
    pub security_admin_username: String,
    pub security_admin_password: Option<SecretString>,
    /// `RENDA_AUDIT_ADMIN_USERNAME` (default `auditadmin`) and
    /// `RENDA_AUDIT_ADMIN_PASSWORD`: the first audit administrator.
    pub audit_admin_username: String,
    pub audit_admin_password: Option<SecretString>,
    /// `RENDA_CRYPTO_SUITE`: `international` (default: AES-256-GCM,
    /// HMAC-SHA256, SHA-256) or `gm` (国密: SM4-GCM, HMAC-SM3, SM3).
    pub crypto_suite: renda_persistence::crypto::Suite,
    /// `RENDA_DATA_KEYS`: the keys of personal data at rest, newest first,
    /// `id:base64-of-32-bytes` separated by commas. When unset, a key is
    /// generated once into `<RENDA_DATA_DIR>/data-keys`.
    pub data_keys: Option<SecretString>,
    /// `RENDA_LOG_FORMAT`: `text` (default) or `json`.
    pub log_json: bool,
    /// `RENDA_WORKERS`: HTTP worker threads (default: one per core).
    pub workers: Option<usize>,
    /// `RENDA_DB_POOL` (16): PostgreSQL connections kept by one instance
    /// (SQLite always uses one).
    pub db_pool: u32,
    /// `RENDA_DATA_DIR`, default `data`: where uploaded files are kept.
    pub data_dir: std::path::PathBuf,
    /// The handling practice. `RENDA_DEADLINE_GREEN_DAYS` (30),
    /// `_YELLOW_DAYS` (90), `_RED_DAYS` (90, at most 180) and
    /// `_REHANDLING_DAYS` (30): default days given to units, never past
    /// six months. `RENDA_CONSULTATION_COLORS` (`yellow,red`; `none`):
    /// colours whose reply needs a 面商 record first.
    /// `RENDA_MAX_REHANDLINGS` (1): rehandlings after an unsatisfied
    /// evaluation. `RENDA_EVALUATION_DAYS` (30; 0 = no limit): days a
    /// deputy has to evaluate. `RENDA_CO_UNITS_FIRST` (`true`): the lead
    /// unit replies after the co-units' opinions or deadlines.
    pub handling: renda_domain::suggestion::HandlingPolicy,
    /// `RENDA_RECTIFICATION_MONTHS` (3) and `RENDA_RECTIFICATION_MAX_MONTHS`
    /// (6): the rectification period a deliberation opinion gives when it
    /// names none, and the longest it may give.
    pub supervision: renda_domain::supervision::SupervisionPolicy,
    /// `RENDA_LIVELIHOOD_MAJORITY` (`cast`, or `membership`): whether a
    /// livelihood project needs the approval of more than half of the
    /// ballots cast or of every serving deputy of the congress.
    pub livelihood: renda_domain::livelihood::LivelihoodPolicy,
    /// Notification channels beyond the inbox, each offered when its URL
    /// is set: `RENDA_SMS_URL`, `RENDA_WECOM_URL`, `RENDA_DINGTALK_URL`,
    /// `RENDA_PUSH_URL`, each with `_METHOD` (POST), `_HEADERS` (a JSON
    /// object) and `_BODY` (a template with `{{text}}`, `{{link}}`, and
    /// `{{phone}}` for SMS or `{{token}}`, `{{platform}}`, `{{title}}` for
    /// push; SMS has no default body).
    pub channels: Vec<crate::delivery::ChannelConfig>,
    /// `RENDA_LINK_BASE`: where links in messages point
    /// (`<base>/suggestions/<id>`); none when unset.
    pub link_base: Option<String>,
    /// `RENDA_SESSION_NUMBER_FORMAT` (`{session} 第{seq:4}号`) and
    /// `RENDA_YEAR_NUMBER_FORMAT` (`{year}-{seq:4}`): how suggestions are
    /// numbered during a session and between sessions;
    /// `RENDA_MOTION_NUMBER_FORMAT` (`{session} 议案第{seq:3}号`): motions.
    pub numbering: renda_domain::congress::Numbering,
    /// `RENDA_MOTION_THRESHOLD_<LEVEL>` (`_NATIONAL` 30, `_PROVINCIAL`,
    /// `_MUNICIPAL` and `_COUNTY` 10, `_TOWNSHIP` 5): the deputies a joint
    /// motion needs at each level, its drafter included.
    pub motion_thresholds: renda_domain::motion::Thresholds,
    /// `RENDA_OPINION_LIMIT` (10): constituent opinions one client address
    /// may leave without an account in ten minutes.
    pub opinion_limit: u32,
    /// `RENDA_TRUSTED_PROXIES`: comma-separated addresses of reverse
    /// proxies whose `X-Forwarded-For` names the client (none by default).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// `RENDA_LOGIN_LIMIT` (30): sign-in attempts (password, refresh,
    /// client credentials) one client address may make in a minute.
    pub login_limit: u32,
    /// `RENDA_CALLER_LIMIT` (3000): requests one signed-in person or
    /// service client may make in a minute; 0 for no limit.
    pub caller_limit: u32,
    /// `RENDA_WEBHOOK_ALLOW_NETWORKS`: comma-separated networks
    /// (`10.20.0.0/16`) webhooks may be delivered into although private
    /// or loopback; cloud metadata addresses stay refused.
    pub webhook_networks: Vec<renda_domain::integration::Network>,
    /// `RENDA_CORS_ORIGINS`: comma-separated origins of browser frontends
    /// allowed to call the API (none by default).
    pub cors_origins: Vec<String>,
}

fn days(name: &str, default: u64) -> anyhow::Result<u64> {
    match env(name) {
        Some(v) => v
            .parse()
            .with_context(|| format!("{name} must be a number of days")),
        None => Ok(default),
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl Config {
    pub fn from_env() -> anyhow::Result<Self> {
        let workers = match env("RENDA_WORKERS") {
            Some(w) => Some(
                w.parse::<usize>()
                    .context("RENDA_WORKERS must be a number")?,
            ),
            None => None,
        };
        let db_pool = match env("RENDA_DB_POOL") {
            Some(n) => match n.parse::<u32>() {
                Ok(n @ 1..=1000) => n,
                _ => bail!("RENDA_DB_POOL must be a number from 1 to 1000"),
            },
            None => DbOptions::new("").max_connections,
        };
        let log_json = match env("RENDA_LOG_FORMAT").as_deref() {
            None | Some("text") => false,
            Some("json") => true,
            Some(other) => bail!("RENDA_LOG_FORMAT must be `text` or `json`, not `{other}`"),
        };
        let d = renda_domain::suggestion::HandlingPolicy::default();
        let handling = renda_domain::suggestion::HandlingPolicy {
            green_days: days("RENDA_DEADLINE_GREEN_DAYS", d.green_days)?,
            yellow_days: days("RENDA_DEADLINE_YELLOW_DAYS", d.yellow_days)?,
            red_days: days("RENDA_DEADLINE_RED_DAYS", d.red_days)?,
            rehandling_days: days("RENDA_DEADLINE_REHANDLING_DAYS", d.rehandling_days)?,
            consultation: match env("RENDA_CONSULTATION_COLORS") {
                Some(v) => renda_domain::suggestion::Colors::parse(&v)
                    .map_err(|e| anyhow::anyhow!("RENDA_CONSULTATION_COLORS: {e}"))?,
                None => d.consultation,
            },
            max_rehandlings: match env("RENDA_MAX_REHANDLINGS") {
                Some(v) => v
                    .parse()
                    .context("RENDA_MAX_REHANDLINGS must be a number")?,
                None => d.max_rehandlings,
            },
            evaluation_days: days("RENDA_EVALUATION_DAYS", d.evaluation_days)?,
            co_units_first: match env("RENDA_CO_UNITS_FIRST").as_deref() {
                None => d.co_units_first,
                Some("true" | "1") => true,
                Some("false" | "0") => false,
                Some(other) => {
                    bail!("RENDA_CO_UNITS_FIRST must be `true` or `false`, not `{other}`")
                }
            },
        };
        handling
            .check()
            .map_err(|e| anyhow::anyhow!("handling policy: {e}"))?;
        let months = |name: &str, default: u32| -> anyhow::Result<u32> {
            match env(name) {
                Some(v) => v
                    .parse()
                    .with_context(|| format!("{name} must be a number of months")),
                None => Ok(default),
            }
        };
        let sd = renda_domain::supervision::SupervisionPolicy::default();
        let supervision = renda_domain::supervision::SupervisionPolicy {
            rectification_months: months("RENDA_RECTIFICATION_MONTHS", sd.rectification_months)?,
            rectification_max_months: months(
                "RENDA_RECTIFICATION_MAX_MONTHS",
                sd.rectification_max_months,
            )?,
        };
        supervision
            .check()
            .map_err(|e| anyhow::anyhow!("RENDA_RECTIFICATION_*: {e}"))?;
        let livelihood = renda_domain::livelihood::LivelihoodPolicy {
            majority: match env("RENDA_LIVELIHOOD_MAJORITY") {
                None => renda_domain::livelihood::MajorityBase::Cast,
                Some(v) => v.parse().map_err(|_| {
                    anyhow::anyhow!(
                        "RENDA_LIVELIHOOD_MAJORITY must be `cast` or `membership`, not `{v}`"
                    )
                })?,
            },
        };
        let format = |name, default, for_session| {
            let pattern = env(name).unwrap_or_else(|| String::from(default));
            renda_domain::congress::NumberFormat::parse(&pattern, for_session)
                .map_err(|e| anyhow::anyhow!("{name}: {e}"))
        };
        let numbering = renda_domain::congress::Numbering {
            session: format(
                "RENDA_SESSION_NUMBER_FORMAT",
                renda_domain::congress::DEFAULT_SESSION_FORMAT,
                true,
            )?,
            year: format(
                "RENDA_YEAR_NUMBER_FORMAT",
                renda_domain::congress::DEFAULT_YEAR_FORMAT,
                false,
            )?,
            motion: format(
                "RENDA_MOTION_NUMBER_FORMAT",
                renda_domain::congress::DEFAULT_MOTION_FORMAT,
                true,
            )?,
        };
        numbering
            .check()
            .map_err(|e| anyhow::anyhow!("RENDA_*_NUMBER_FORMAT: {e}"))?;
        let t = renda_domain::motion::Thresholds::default();
        let threshold = |name: &str, default: u32| -> anyhow::Result<u32> {
            match env(name) {
                Some(v) => match v.parse::<u32>() {
                    Ok(n @ 1..=1000) => Ok(n),
                    _ => bail!("{name} must be a number from 1 to 1000"),
                },
                None => Ok(default),
            }
        };
        let motion_thresholds = renda_domain::motion::Thresholds {
            national: threshold("RENDA_MOTION_THRESHOLD_NATIONAL", t.national)?,
            provincial: threshold("RENDA_MOTION_THRESHOLD_PROVINCIAL", t.provincial)?,
            municipal: threshold("RENDA_MOTION_THRESHOLD_MUNICIPAL", t.municipal)?,
            county: threshold("RENDA_MOTION_THRESHOLD_COUNTY", t.county)?,
            township: threshold("RENDA_MOTION_THRESHOLD_TOWNSHIP", t.township)?,
        };
        let opinion_limit = match env("RENDA_OPINION_LIMIT") {
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .context("RENDA_OPINION_LIMIT must be a positive number")?,
            None => 10,
        };
        let trusted_proxies = env("RENDA_TRUSTED_PROXIES")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(|a| {
                a.parse()
                    .with_context(|| format!("RENDA_TRUSTED_PROXIES: `{a}` is not an IP address"))
            })
            .collect::<anyhow::Result<Vec<std::net::IpAddr>>>()?;
        let cors_origins = env("RENDA_CORS_ORIGINS")
            .unwrap_or_default()
            .split(',')
            .map(|o| o.trim().trim_end_matches('/').to_owned())
            .filter(|o| !o.is_empty())
            .map(|o| {
                if o.starts_with("https://") || o.starts_with("http://") {
                    Ok(o)
                } else {
                    bail!("RENDA_CORS_ORIGINS: `{o}` is not an http(s) origin")
                }
            })
            .collect::<anyhow::Result<Vec<String>>>()?;
        let per_minute = |name: &str, default: u32| -> anyhow::Result<u32> {
            match env(name) {
                Some(v) => v
                    .trim()
                    .parse::<u32>()
                    .with_context(|| format!("{name} must be a whole number")),
                None => Ok(default),
            }
        };
        let login_limit = per_minute("RENDA_LOGIN_LIMIT", 30)?;
        let caller_limit = per_minute("RENDA_CALLER_LIMIT", 3000)?;
        let webhook_networks = env("RENDA_WEBHOOK_ALLOW_NETWORKS")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|n| {
                renda_domain::integration::Network::parse(n).with_context(|| {
                    format!("RENDA_WEBHOOK_ALLOW_NETWORKS: `{n}` is not a network (10.20.0.0/16)")
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(Self {
            bind: env("RENDA_BIND").unwrap_or_else(|| "127.0.0.1:8080".into()),
            database_url: env("RENDA_DATABASE_URL")
                .unwrap_or_else(|| "sqlite://data/renda.db".into()),
            jwt_secret: env("RENDA_JWT_SECRET").map(SecretString::from),
            admin_username: env("RENDA_ADMIN_USERNAME").unwrap_or_else(|| "admin".into()),
            admin_password: env("RENDA_ADMIN_PASSWORD").map(SecretString::from),
            security_admin_username: env("RENDA_SECURITY_ADMIN_USERNAME")
                .unwrap_or_else(|| "secadmin".into()),
            security_admin_password: env("RENDA_SECURITY_ADMIN_PASSWORD").map(SecretString::from),
            audit_admin_username: env("RENDA_AUDIT_ADMIN_USERNAME")
                .unwrap_or_else(|| "auditadmin".into()),
            audit_admin_password: env("RENDA_AUDIT_ADMIN_PASSWORD").map(SecretString::from),
            crypto_suite: match env("RENDA_CRYPTO_SUITE") {
                None => renda_persistence::crypto::Suite::International,
                Some(s) => {
                    renda_persistence::crypto::Suite::parse(s.trim()).with_context(|| {
                        format!("RENDA_CRYPTO_SUITE must be `international` or `gm`, not `{s}`")
                    })?
                }
            },
            data_keys: env("RENDA_DATA_KEYS").map(SecretString::from),
            audit_key: env("RENDA_AUDIT_KEY").map(SecretString::from),
            log_json,
            workers,
            db_pool,
            data_dir: env("RENDA_DATA_DIR")
                .unwrap_or_else(|| "data".into())
                .into(),
            handling,
            supervision,
            livelihood,
            channels: crate::delivery::channels_from(env)?,
            link_base: env("RENDA_LINK_BASE"),
            numbering,
            motion_thresholds,
            opinion_limit,
            trusted_proxies,
            cors_origins,
            webhook_networks,
            login_limit,
            caller_limit,
        })
    }
}

impl Config {
    /// The cryptography this configuration asks for.
    pub fn crypto(&self) -> anyhow::Result<renda_persistence::crypto::Crypto> {
        let crypto = load_crypto(self.crypto_suite, self.data_keys.as_ref(), &self.data_dir)?;
        match &self.audit_key {
            Some(k) => crypto
                .with_audit_key(k.expose_secret().as_bytes())
                .map_err(|e| anyhow::anyhow!("RENDA_AUDIT_KEY: {e}")),
            None => Ok(crypto),
        }
    }
}
