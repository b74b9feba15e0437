//! Connecting, migrating and checking the database.

use std::time::Duration;

use renda_migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr};

use crate::crypto::Crypto;

/// The handle every repository works through.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) db: DatabaseConnection,
    pub(crate) crypto: std::sync::Arc<Crypto>,
    /// How registered suggestions are numbered.
    pub(crate) numbering: std::sync::Arc<renda_domain::congress::Numbering>,
    /// When a keyword search walks the suggestions instead of asking the
    /// index (PostgreSQL).
    pub(crate) search: crate::suggestions::SearchTuning,
}

/// How to reach the database.
#[derive(Clone, Debug)]
pub struct DbOptions {
    pub url: String,
    /// PostgreSQL only: the schema to work in (tests use one per test).
    pub schema: Option<String>,
    /// PostgreSQL only: the `application_name` the connections report.
    pub application_name: Option<String>,
    pub max_connections: u32,
    /// The suite and keys of the stored data. Without them a random key
    /// is used, which no later run can read: fit for throw-away
    /// databases only.
    pub crypto: Option<Crypto>,
}

impl DbOptions {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            schema: None,
            application_name: None,
            max_connections: 16,
            crypto: None,
        }
    }
}

impl Store {
    /// Connects with settings that suit each backend. SQLite runs in WAL
    /// mode with a busy timeout and one writer connection, so concurrent
    /// requests queue rather than fail with "database is locked".
    pub async fn connect(opts: &DbOptions) -> Result<Self, DbErr> {
        let mut co = ConnectOptions::new(opts.url.clone());
        co.sqlx_logging(false)
            .connect_timeout(Duration::from_secs(5))
            // A request waits at most this long for a connection: with the
            // database down, callers get 503 within seconds, never a hang.
            .acquire_timeout(Duration::from_secs(3))
            // A connection in steady use is handed out as it is; one idle
            // for a while is checked first (the database may have closed
            // it). Checking each time costs every request a round trip.
            .test_before_acquire_if_idle_for(Duration::from_secs(30));
        if opts.url.starts_with("sqlite:") {
            co.max_connections(1).min_connections(1);
            co.map_sqlx_sqlite_opts(|o| {
                o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(10))
                    .foreign_keys(true)
                    .create_if_missing(true)
            });
        } else {
            co.max_connections(opts.max_connections).min_connections(1);
            if let Some(schema) = &opts.schema {
                co.set_schema_search_path(schema.clone());
            }
            co.set_application_name(
                opts.application_name
                    .clone()
                    .unwrap_or_else(|| "renda".into()),
            );
        }
        let db = Database::connect(co).await?;
        let crypto = opts
            .crypto
            .clone()
            .unwrap_or_else(|| Crypto::ephemeral(crate::crypto::Suite::International));
        Ok(Self {
            db,
            crypto: std::sync::Arc::new(crypto),
            numbering: Default::default(),
            search: Default::default(),
        })
    }

    /// The store numbering suggestions in `numbering`'s formats.
    pub fn with_numbering(mut self, numbering: renda_domain::congress::Numbering) -> Self {
        self.numbering = std::sync::Arc::new(numbering);
        self
    }

    /// The store choosing how to search by `search` rather than by the
    /// figures that suit a million suggestions; for tests that need a
    /// few rows to take the paths a million take.
    pub fn with_search_tuning(mut self, search: crate::suggestions::SearchTuning) -> Self {
        self.search = search;
        self
    }

    /// Applies every pending migration, then checks that the configured
    /// cryptography is the one the database was written with.
    pub async fn migrate(&self) -> Result<(), DbErr> {
        Migrator::up(&self.db, None).await?;
        self.check_crypto().await?;
        self.ensure_suggestion_counts()
            .await
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        self.index_missing_suggestions()
            .await
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        self.prepare_audit_chain()
            .await
            .map_err(|e| DbErr::Custom(e.to_string()))
    }

    /// The cryptography of the stored data.
    pub fn crypto(&self) -> &Crypto {
        &self.crypto
    }

    /// A database remembers its suite and holds a value encrypted with its
    /// current key. Opening it with the other suite, or with keys that
    /// cannot read that value, is refused before anything is read or
    /// written, rather than mixing two kinds of data.
    async fn check_crypto(&self) -> Result<(), DbErr> {
        const CHECK: &str = "renda data key check";
        let refuse = |msg: String| Err(DbErr::Custom(msg));
        let suite = self.crypto.suite().as_str();
        // A database from before the suites were kept was written with the
        // international one.
        if self
            .setting("crypto_suite")
            .await
            .map_err(|e| DbErr::Custom(e.to_string()))?
            .is_none()
        {
            use sea_orm::{EntityTrait, PaginatorTrait};
            let written = crate::entities::audit_event::Entity::find()
                .count(&self.db)
                .await?
                > 0;
            if written {
                self.setting_or_insert("crypto_suite", "international")
                    .await
                    .map_err(|e| DbErr::Custom(e.to_string()))?;
            }
        }
        let stored = self
            .setting_or_insert("crypto_suite", suite)
            .await
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        if stored != suite {
            return refuse(format!(
                "this database was written with the `{stored}` cryptographic suite, but renda is \
                 configured for `{suite}` (RENDA_CRYPTO_SUITE); a database cannot change suite in place"
            ));
        }
        let fresh = self.crypto.encrypt(CHECK, "settings.crypto_check");
        let check = self
            .setting_or_insert("crypto_check", &fresh)
            .await
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        match self.crypto.decrypt(&check, "settings.crypto_check") {
            // After a rotation the check moves to the new key, so that the
            // old one can be retired once the data has moved too.
            Ok(v) if v == CHECK => {
                if !check.contains(&format!(":{}:", self.crypto.current_key_id())) {
                    self.set_setting("crypto_check", &fresh)
                        .await
                        .map_err(|e| DbErr::Custom(e.to_string()))?;
                }
                Ok(())
            }
            Ok(_) => refuse("the key check value of this database is damaged".into()),
            Err(e) => refuse(format!(
                "the configured data keys (RENDA_DATA_KEYS) cannot read this database: {e}"
            )),
        }
    }

    /// Whether the database answers a trivial query within `timeout`.
    pub async fn ping(&self, timeout: Duration) -> bool {
        matches!(
            tokio::time::timeout(timeout, self.db.ping()).await,
            Ok(Ok(()))
        )
    }

    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    pub fn is_sqlite(&self) -> bool {
        self.backend() == DbBackend::Sqlite
    }

    /// Runs a statement directly (used by tests and maintenance).
    pub async fn execute_unprepared(&self, sql: &str) -> Result<(), DbErr> {
        self.db.execute_unprepared(sql).await.map(|_| ())
    }

    /// The schema new tables go to (PostgreSQL), for maintenance and tests.
    pub async fn current_schema(&self) -> Result<String, DbErr> {
        use sea_orm::{FromQueryResult, Statement};
        #[derive(FromQueryResult)]
        struct Row {
            s: String,
        }
        let stmt = Statement::from_string(self.backend(), "SELECT current_schema() AS s");
        Row::find_by_statement(stmt)
            .one(&self.db)
            .await?
            .map(|r| r.s)
            .ok_or_else(|| DbErr::Custom("no current schema".into()))
    }

    pub async fn close(self) -> Result<(), DbErr> {
        self.db.close().await
    }
}

/// The row `select` finds, locked until the transaction ends (`FOR
/// UPDATE` on PostgreSQL; SQLite runs one writing transaction at a time).
pub(crate) async fn lock_live<E, Conn>(
    c: &Conn,
    select: sea_orm::Select<E>,
) -> crate::error::StoreResult<Option<E::Model>>
where
    E: sea_orm::EntityTrait,
    Conn: sea_orm::ConnectionTrait,
{
    use sea_orm::QuerySelect;
    Ok(select.lock_exclusive().one(c).await?)
}
