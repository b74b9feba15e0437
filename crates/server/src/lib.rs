//! The renda server: configuration, startup, background work and the
//! commands of the `renda` binary.

mod config;
pub mod delivery;
pub mod demo;
mod demo_congress;
mod demo_supervision;
mod demo_work;
pub mod dispatch;

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use renda_auth::{JwtConfig, JwtKeys, password, token};
use renda_domain::time::Clock;
use renda_domain::user::{NewUser, UserStatus, Username, check_password_policy};
use renda_domain::{Role, RoleSet};
use renda_http::AppState;
use renda_persistence::db::DbOptions;
use renda_persistence::{AuditCtx, Store};
use secrecy::{ExposeSecret, SecretString};

pub use config::Config;

/// Sets up logging: `RENDA_LOG` (default `info`) filters, as text or JSON.
pub fn init_tracing(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("RENDA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Logs go to standard error; standard output carries only what a
    // command prints for its user.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr);
    let _ = if json {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.try_init()
    };
}

/// Creates the folder of a SQLite database file when it is missing.
fn ensure_sqlite_dir(url: &str) -> anyhow::Result<()> {
    let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    else {
        return Ok(());
    };
    let path = rest.split('?').next().unwrap_or("");
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    let file = std::path::Path::new(path);
    if let Some(parent) = file.parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    // The database file is readable by its owner only; SQLite gives its
    // journal and WAL files the same mode.
    if !file.exists() {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        opts.open(file)
            .with_context(|| format!("cannot create {}", file.display()))?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for f in [
            path.to_owned(),
            format!("{path}-wal"),
            format!("{path}-shm"),
        ] {
            if std::path::Path::new(&f).exists() {
                std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600))
                    .with_context(|| format!("cannot make {f} private"))?;
            }
        }
    }
    Ok(())
}

/// The cryptography of the stored data: the configured suite with the
/// keys of `RENDA_DATA_KEYS`, or else with the keys kept in
/// `<data_dir>/data-keys`, generated there (readable by the owner only)
/// on first use.
pub fn load_crypto(
    suite: renda_persistence::crypto::Suite,
    keys: Option<&SecretString>,
    data_dir: &std::path::Path,
) -> anyhow::Result<renda_persistence::crypto::Crypto> {
    use renda_persistence::crypto::{Crypto, DataKey};
    let parse = |spec: &str, origin: &str| -> anyhow::Result<Vec<DataKey>> {
        spec.split([',', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|k| DataKey::parse(k).map_err(|e| anyhow::anyhow!("{origin}: {e}")))
            .collect()
    };
    let keys = match keys {
        Some(k) => parse(k.expose_secret(), "RENDA_DATA_KEYS")?,
        None => {
            let path = data_dir.join("data-keys");
            if !path.exists() {
                std::fs::create_dir_all(data_dir)
                    .with_context(|| format!("cannot create {}", data_dir.display()))?;
                let key = DataKey::generate("k1").map_err(|e| anyhow::anyhow!(e))?;
                write_private(&path, &format!("{}\n", key.to_spec()))?;
                tracing::warn!(
                    path = %path.display(),
                    "RENDA_DATA_KEYS is not set: generated a data key; keep this file apart from the database's backups"
                );
            }
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            parse(&text, &path.display().to_string())?
        }
    };
    let crypto = Crypto::new(suite, keys).map_err(|e| anyhow::anyhow!("RENDA_DATA_KEYS: {e}"))?;
    let audit_key = private_key_file(&data_dir.join("audit-key"), "RENDA_AUDIT_KEY")?;
    crypto
        .with_audit_key(audit_key.as_bytes())
        .map_err(|e| anyhow::anyhow!("{}: {e}", data_dir.join("audit-key").display()))
}

/// The key kept in `path`, generated there (readable by the owner only)
/// on first use.
fn private_key_file(path: &std::path::Path, setting: &str) -> anyhow::Result<String> {
    if !path.exists() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let key = format!("{}{}", token::generate_token(), token::generate_token());
        write_private(path, &format!("{key}\n"))?;
        tracing::warn!(
            path = %path.display(),
            "{setting} is not set: generated a key into this file; keep it apart from the database's backups"
        );
    }
    Ok(std::fs::read_to_string(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .trim()
        .to_owned())
}

/// Writes a file only its owner may read.
fn write_private(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    f.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Connects to the database and applies the migrations. A database
/// written with another suite or keys is refused here, before anything is
/// read or written.
pub async fn open_store(
    url: &str,
    crypto: &renda_persistence::crypto::Crypto,
) -> anyhow::Result<Store> {
    open_store_sized(url, crypto, DbOptions::new(url).max_connections).await
}

/// [`open_store`] with `pool` connections (PostgreSQL).
pub async fn open_store_sized(
    url: &str,
    crypto: &renda_persistence::crypto::Crypto,
    pool: u32,
) -> anyhow::Result<Store> {
    ensure_sqlite_dir(url)?;
    let store = Store::connect(&DbOptions {
        crypto: Some(crypto.clone()),
        max_connections: pool,
        ..DbOptions::new(url)
    })
    .await
    .context("cannot connect to the database")?;
    store.migrate().await.context("cannot open the database")?;
    Ok(store)
}

/// The key that signs access tokens: the configured secret, or one
/// generated on first start into `<data_dir>/signing-key` (readable by the
/// owner only). It is never kept in the database, so a copy of a backup
/// cannot sign tokens: a key that an earlier version kept there is moved
/// into the file (tokens already issued stay valid) and removed from the
/// database.
pub async fn jwt_keys(
    store: &Store,
    configured: Option<&SecretString>,
    data_dir: &std::path::Path,
) -> anyhow::Result<JwtKeys> {
    const LEGACY: &str = "jwt_secret";
    let legacy = store
        .setting(LEGACY)
        .await
        .context("cannot read the settings")?;
    let secret = match configured {
        Some(s) => {
            if s.expose_secret().len() < 32 {
                bail!("RENDA_JWT_SECRET must be at least 32 characters");
            }
            s.expose_secret().to_owned()
        }
        None => {
            let path = data_dir.join("signing-key");
            if !path.exists() {
                std::fs::create_dir_all(data_dir)
                    .with_context(|| format!("cannot create {}", data_dir.display()))?;
                let key = legacy.clone().unwrap_or_else(|| {
                    format!("{}{}", token::generate_token(), token::generate_token())
                });
                write_private(&path, &format!("{key}\n"))?;
                tracing::warn!(
                    path = %path.display(),
                    "RENDA_JWT_SECRET is not set: the token signing key is kept in this file; with several instances, set RENDA_JWT_SECRET on each"
                );
            }
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let key = text.trim().to_owned();
            if key.len() < 32 {
                bail!(
                    "{}: the signing key must be at least 32 characters",
                    path.display()
                );
            }
            key
        }
    };
    if legacy.is_some() {
        store
            .delete_setting(LEGACY)
            .await
            .context("cannot remove the signing key from the database")?;
    }
    Ok(JwtKeys::new(secret.as_bytes(), JwtConfig::default()))
}

/// The file beside the data where signed checkpoints of the audit chain
/// are appended.
pub fn checkpoint_file(data_dir: &std::path::Path) -> std::path::PathBuf {
    data_dir.join("audit-checkpoints")
}

/// Writes a signed checkpoint of the audit chain's head to the log and to
/// [`checkpoint_file`], when the head moved since `last`.
pub async fn checkpoint_audit(store: &Store, data_dir: &std::path::Path, last: &mut Option<i64>) {
    use std::io::Write;
    let c = match store.audit_checkpoint().await {
        Ok(Some(c)) => c,
        Ok(None) => return,
        Err(e) => {
            tracing::warn!(error = %e, "could not checkpoint the audit trail");
            return;
        }
    };
    if *last == Some(c.seq) {
        return;
    }
    *last = Some(c.seq);
    let line = c.to_line();
    tracing::info!(checkpoint = %line, "audit checkpoint");
    let path = checkpoint_file(data_dir);
    let mut opts = std::fs::OpenOptions::new();
    opts.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let written = opts.open(&path).and_then(|mut f| writeln!(f, "{line}"));
    if let Err(e) = written {
        tracing::warn!(error = %e, path = %path.display(), "could not write the audit checkpoint");
    }
}

/// The checkpoints kept in [`checkpoint_file`] (none when it is absent).
pub fn read_checkpoints(
    data_dir: &std::path::Path,
) -> anyhow::Result<Vec<renda_persistence::audit::Checkpoint>> {
    let path = checkpoint_file(data_dir);
    if !path.exists() {
        return Ok(Vec::new());
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            renda_persistence::audit::Checkpoint::parse(l)
                .with_context(|| format!("{}: not a checkpoint: {l}", path.display()))
        })
        .collect()
}

/// `renda users unlock USERNAME`: lifts every sign-in lock of an account,
/// attributed in the audit trail to the command. Returns whether the
/// account exists.
pub async fn unlock_account(store: &Store, username: &str) -> anyhow::Result<bool> {
    let ctx = renda_persistence::AuditCtx {
        actor_username: Some("system (renda users unlock)".into()),
        ..renda_persistence::AuditCtx::default()
    };
    let name = username.trim().to_lowercase();
    Ok(store.unlock_by_username(&ctx, &name).await?)
}

/// One of the first accounts: its role, username and password (generated
/// when none is given).
pub struct FirstAccount<'a> {
    pub role: Role,
    pub username: &'a str,
    pub password: Option<&'a SecretString>,
}

/// The first accounts a configuration names: the system, security and
/// audit administrators (三员).
pub fn first_accounts(config: &Config) -> [FirstAccount<'_>; 3] {
    [
        FirstAccount {
            role: Role::Admin,
            username: &config.admin_username,
            password: config.admin_password.as_ref(),
        },
        FirstAccount {
            role: Role::SecurityAdmin,
            username: &config.security_admin_username,
            password: config.security_admin_password.as_ref(),
        },
        FirstAccount {
            role: Role::AuditAdmin,
            username: &config.audit_admin_username,
            password: config.audit_admin_password.as_ref(),
        },
    ]
}

/// On an empty database, creates the three administrators together, each
/// of whom must change the password at first sign-in. On a database from
/// before the duties were separated, creates whichever of them has no
/// active holder. Returns the usernames and the passwords that were
/// generated (none configured).
pub async fn bootstrap_admins(
    store: &Store,
    accounts: &[FirstAccount<'_>],
) -> anyhow::Result<Vec<(String, String)>> {
    let fresh = store.count_users().await? == 0;
    let mut wanted = Vec::new();
    for a in accounts {
        if fresh || !store.has_active_holder(a.role).await? {
            wanted.push(a);
        }
    }
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let mut news = Vec::new();
    let mut generated = Vec::new();
    for a in wanted {
        let username = Username::parse(a.username)
            .map_err(|e| anyhow::anyhow!("username `{}`: {e}", a.username))?;
        let plain = match a.password {
            Some(p) => p.expose_secret().to_owned(),
            None => {
                let p = token::generate_password();
                generated.push((a.username.to_owned(), p.clone()));
                p
            }
        };
        check_password_policy(&plain, Some(a.username))
            .map_err(|e| anyhow::anyhow!("the password of `{}`: {e}", a.username))?;
        let hash = tokio::task::spawn_blocking(move || password::hash_password(&plain)).await??;
        let display_name = match a.role {
            Role::SecurityAdmin => "安全管理员",
            Role::AuditAdmin => "审计管理员",
            _ => "系统管理员",
        };
        news.push(NewUser {
            username,
            password_hash: hash,
            must_change_password: true,
            display_name: display_name.into(),
            roles: RoleSet::new([a.role]),
            status: UserStatus::Active,
            deputy_id: None,
            unit_id: None,
            observer_id: None,
        });
    }
    let created = if fresh {
        store.bootstrap_users(&AuditCtx::system(), news).await?
    } else {
        store
            .add_missing_administrators(&AuditCtx::system(), news)
            .await
            .map_err(|e| match e {
                renda_persistence::StoreError::Conflict(_) => anyhow::anyhow!(
                    "an administrative role has no active holder and its username is taken; \
                     set RENDA_SECURITY_ADMIN_USERNAME or RENDA_AUDIT_ADMIN_USERNAME to a free name"
                ),
                other => other.into(),
            })?
    };
    // When another instance created them first, nothing was generated here.
    Ok(if created { generated } else { Vec::new() })
}

/// Prints the generated passwords of the first accounts, once, to the
/// terminal only (never to the log).
pub fn print_first_passwords(generated: &[(String, String)]) {
    for (user, pw) in generated {
        println!(
            "renda: created `{user}` with the password\n\n    {pw}\n\nIt is shown only this once; it must be changed at first sign-in (POST /api/v1/me/password).\n"
        );
    }
}

/// Records "became overdue" on the timeline of every suggestion newly
/// overdue on `today`; returns how many.
pub async fn detect_overdue(store: &Store, today: chrono::NaiveDate) -> anyhow::Result<u64> {
    let mut n = 0;
    loop {
        let ids = store.newly_overdue_suggestions(today, 200).await?;
        if ids.is_empty() {
            return Ok(n);
        }
        for id in ids {
            if store.record_overdue(id, today).await? {
                n += 1;
            }
        }
    }
}

/// Writes the reminders due on `today` if this instance (`holder`) can
/// claim the job, and (with `every`) it has not run within that time: one
/// instance of several runs it at a time, and a reminder written twice is
/// kept once. `None` when another instance holds the job or ran it
/// lately; else how many notifications were new. A failed run is not
/// recorded, so the next claim tries again.
pub async fn run_reminders(
    store: &Store,
    holder: &str,
    today: chrono::NaiveDate,
    policy: &renda_domain::suggestion::HandlingPolicy,
    every: Option<chrono::Duration>,
) -> anyhow::Result<Option<u64>> {
    use renda_persistence::jobs::REMINDERS;
    let now = renda_domain::time::now();
    let lease = chrono::Duration::minutes(10);
    if !store
        .claim_job(REMINDERS, holder, now, lease, every.map(|e| now - e))
        .await?
    {
        return Ok(None);
    }
    let written = match store.write_suggestion_reminders(today, policy).await {
        Ok(n) => store.write_record_reminders(today).await.map(|m| n + m),
        Err(e) => Err(e),
    };
    match written {
        Ok(n) => {
            store
                .finish_job(REMINDERS, holder, renda_domain::time::now())
                .await?;
            Ok(Some(n))
        }
        Err(e) => {
            store.release_job(REMINDERS, holder).await?;
            Err(e.into())
        }
    }
}

/// Background work: numbers the change feed's new changes and seals the
/// audit trail every second, looks for newly overdue suggestions and
/// re-encrypts personal data not under the current key every minute,
/// forgets old idempotency keys every ten minutes, and writes the
/// reminders due (hourly, by whichever instance claims the job first).
/// Runs until aborted.
pub fn spawn_background(
    store: Store,
    clock: Arc<dyn Clock>,
    data_dir: std::path::PathBuf,
    handling: renda_domain::suggestion::HandlingPolicy,
) -> tokio::task::JoinHandle<()> {
    // This instance, as it claims jobs among several.
    let instance = format!("{}-{}", std::process::id(), uuid::Uuid::now_v7().simple());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        let mut n: u64 = 0;
        let mut last_checkpoint = None;
        loop {
            tick.tick().await;
            if let Err(e) = store.number_changes().await {
                tracing::warn!(error = %e, "could not number the change feed's changes");
            }
            if let Err(e) = store.seal_audit().await {
                tracing::warn!(error = %e, "could not seal the audit trail");
            }
            if n.is_multiple_of(60) {
                checkpoint_audit(&store, &data_dir, &mut last_checkpoint).await;
            }
            if n.is_multiple_of(600)
                && let Err(e) = store.purge_idempotency_keys().await
            {
                tracing::warn!(error = %e, "could not purge idempotency keys");
            }
            if n.is_multiple_of(60) {
                // Personal data from before encryption, or under a key
                // since rotated, is brought under the current key.
                match store.reseal_personal_data().await {
                    Ok(r) => {
                        if r.rewritten > 0 {
                            tracing::info!(
                                count = r.rewritten,
                                "personal data encrypted under the current key"
                            );
                        }
                        if r.unreadable > 0 {
                            tracing::error!(
                                count = r.unreadable,
                                "stored personal data the configured keys cannot read: restore the key that wrote it"
                            );
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "could not re-encrypt personal data"),
                }
                match detect_overdue(&store, clock.today()).await {
                    Ok(0) => {}
                    Ok(k) => tracing::info!(count = k, "suggestions became overdue"),
                    Err(e) => tracing::warn!(error = %e, "could not check for overdue suggestions"),
                }
                // Hourly, by whichever instance comes first: dates change
                // by the day, and a missed step is caught up by the next.
                let hourly = Some(chrono::Duration::hours(1));
                match run_reminders(&store, &instance, clock.today(), &handling, hourly).await {
                    Ok(None | Some(0)) => {}
                    Ok(Some(k)) => tracing::info!(count = k, "reminders written"),
                    Err(e) => tracing::warn!(error = %e, "could not write reminders"),
                }
            }
            n = n.wrapping_add(1);
        }
    })
}

/// Starts serving on a bound listener. The server stops gracefully on
/// SIGTERM or SIGINT: it accepts no new connections and lets requests in
/// flight finish (up to 30 seconds).
pub fn run(
    listener: TcpListener,
    state: AppState,
    workers: Option<usize>,
) -> std::io::Result<actix_web::dev::Server> {
    let mut server = actix_web::HttpServer::new(move || renda_http::app(state.clone()))
        .shutdown_timeout(30)
        .listen(listener)?;
    if let Some(w) = workers {
        server = server.workers(w.max(1));
    }
    Ok(server.run())
}

/// `renda serve`.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let store = open_store_sized(&config.database_url, &config.crypto()?, config.db_pool)
        .await?
        .with_numbering(config.numbering.clone());
    print_first_passwords(&bootstrap_admins(&store, &first_accounts(&config)).await?);
    let jwt = jwt_keys(&store, config.jwt_secret.as_ref(), &config.data_dir).await?;
    let state = AppState::new(store.clone(), jwt)
        .with_data_dir(config.data_dir.clone())
        .with_handling(config.handling)
        .with_supervision(config.supervision)
        .with_livelihood(config.livelihood)
        .with_motion_thresholds(config.motion_thresholds)
        .with_opinion_limit(config.opinion_limit, std::time::Duration::from_secs(600))
        .with_trusted_proxies(config.trusted_proxies.clone())
        .with_cors_origins(config.cors_origins.clone())
        .with_webhook_networks(config.webhook_networks.clone())
        .with_login_limit(config.login_limit, std::time::Duration::from_secs(60))
        .with_caller_limit(config.caller_limit, std::time::Duration::from_secs(60));
    let clock = state.clock.clone();
    let listener = TcpListener::bind(&config.bind)
        .with_context(|| format!("cannot listen on {}", config.bind))?;
    tracing::info!(address = %config.bind, "renda is listening");
    let background = spawn_background(
        store.clone(),
        clock,
        config.data_dir.clone(),
        config.handling,
    );
    let dispatcher = dispatch::spawn_dispatcher(
        store.clone(),
        dispatch::DispatcherConfig {
            allowed: config.webhook_networks.clone(),
            wake: Some(state.events.clone()),
            ..dispatch::DispatcherConfig::default()
        },
    );
    let sender = delivery::spawn_deliveries(
        store.clone(),
        delivery::DeliveryConfig {
            channels: config.channels.clone(),
            link_base: config.link_base.clone(),
            ..delivery::DeliveryConfig::default()
        },
    );
    let result = run(listener, state, config.workers)?.await;
    background.abort();
    dispatcher.abort();
    sender.abort();
    // Seal what the last requests wrote before closing, and say where the
    // chain ends.
    let _ = store.seal_audit().await;
    checkpoint_audit(&store, &config.data_dir, &mut None).await;
    store.close().await?;
    tracing::info!("renda stopped");
    result.map_err(Into::into)
}
