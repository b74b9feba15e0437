use std::net::TcpListener;

use renda_auth::{JwtConfig, JwtKeys};
use renda_http::AppState;
use renda_persistence::Store;
use renda_persistence::db::DbOptions;
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{Value, json};

/// The first system administrator's password; it must not contain the
/// username `admin` (the policy refuses that).
pub const ADMIN_PASSWORD: &str = "System-Pass-2026";
/// The passwords of the first security and audit administrators.
pub const SECURITY_PASSWORD: &str = "Security-Pass-2026";
pub const AUDIT_PASSWORD: &str = "Audit-Pass-2026";
pub const PASSWORD: &str = "Renda-Pass-2026";
pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123";

pub struct TestApp {
    pub base: String,
    /// The server's clock: tests move time with `clock.advance(days)`.
    pub clock: std::sync::Arc<renda_domain::time::OffsetClock>,
    pub client: Client,
    pub store: Store,
    /// How to open the same database again (a second instance).
    pub db: DbOptions,
    _dir: Option<tempfile::TempDir>,
    _files: tempfile::TempDir,
}

/// The database for one test: a temporary SQLite file, or a new schema in
/// the PostgreSQL database named by `RENDA_TEST_DATABASE_URL`.
async fn test_store() -> (Store, DbOptions, Option<tempfile::TempDir>) {
    match std::env::var("RENDA_TEST_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
    {
        Some(url) => {
            let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
            let admin = Store::connect(&DbOptions {
                max_connections: 1,
                ..DbOptions::new(url.clone())
            })
            .await
            .expect("connect to PostgreSQL");
            admin
                .execute_unprepared(&format!("CREATE SCHEMA {schema}"))
                .await
                .expect("create schema");
            admin.close().await.ok();
            let opts = DbOptions {
                schema: Some(schema.clone()),
                application_name: Some(schema),
                max_connections: 5,
                crypto: Some(test_crypto()),
                ..DbOptions::new(url)
            };
            let store = Store::connect(&opts)
                .await
                .expect("connect to the test schema");
            (store, opts, None)
        }
        None => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}/renda.db", dir.path().display());
            let opts = DbOptions {
                crypto: Some(test_crypto()),
                ..DbOptions::new(url)
            };
            let store = Store::connect(&opts).await.expect("open SQLite");
            (store, opts, Some(dir))
        }
    }
}

/// The cryptography of a test database: a fresh key, in the suite named
/// by `RENDA_TEST_CRYPTO_SUITE` (`international` by default, or `gm`).
pub fn test_crypto() -> renda_persistence::crypto::Crypto {
    use renda_persistence::crypto::{Crypto, Suite};
    let suite = std::env::var("RENDA_TEST_CRYPTO_SUITE")
        .ok()
        .and_then(|s| Suite::parse(&s))
        .unwrap_or_default();
    Crypto::ephemeral(suite)
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|s| s).await
}

/// A test server whose first administrators must still change their
/// passwords, as on a real first start.
pub async fn spawn_fresh_app() -> TestApp {
    spawn(|s| s, false).await
}

/// A test server whose state `configure` adjusts (CORS origins, limits).
pub async fn spawn_app_with(configure: impl FnOnce(AppState) -> AppState) -> TestApp {
    spawn(configure, true).await
}

async fn spawn(configure: impl FnOnce(AppState) -> AppState, settled: bool) -> TestApp {
    if std::env::var("RENDA_TEST_LOG").is_ok() {
        let _ = tracing_subscriber::fmt()
            .with_test_writer()
            .with_env_filter("warn")
            .try_init();
    }
    let (store, db, dir) = test_store().await;
    store.migrate().await.expect("migrate");
    let pw = |p: &str| secrecy::SecretString::from(p.to_owned());
    let (a, s, u) = (
        pw(ADMIN_PASSWORD),
        pw(SECURITY_PASSWORD),
        pw(AUDIT_PASSWORD),
    );
    renda::bootstrap_admins(
        &store,
        &[
            renda::FirstAccount {
                role: renda_domain::Role::Admin,
                username: "admin",
                password: Some(&a),
            },
            renda::FirstAccount {
                role: renda_domain::Role::SecurityAdmin,
                username: "secadmin",
                password: Some(&s),
            },
            renda::FirstAccount {
                role: renda_domain::Role::AuditAdmin,
                username: "auditadmin",
                password: Some(&u),
            },
        ],
    )
    .await
    .expect("bootstrap");
    if settled {
        // Most tests start after the administrators chose their passwords.
        store
            .execute_unprepared("UPDATE users SET must_change_password = false")
            .await
            .expect("settle the first accounts");
    }
    let jwt = JwtKeys::new(JWT_SECRET.as_bytes(), JwtConfig::default());
    let clock = std::sync::Arc::new(renda_domain::time::OffsetClock::default());
    let files = tempfile::tempdir().expect("temp dir");
    let state = configure(
        AppState::new(store.clone(), jwt)
            .with_clock(clock.clone())
            .with_data_dir(files.path())
            // Tests sign in often from one address; the limits have tests
            // of their own.
            .with_login_limit(0, std::time::Duration::from_secs(60))
            .with_caller_limit(0, std::time::Duration::from_secs(60)),
    );
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().unwrap().port();
    let server = renda::run(listener, state, Some(1)).expect("server");
    tokio::spawn(server);
    TestApp {
        base: format!("http://127.0.0.1:{port}"),
        clock,
        client: Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        store,
        db,
        _dir: dir,
        _files: files,
    }
}

/// An answer, read whole.
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Answer {
    pub async fn read(r: Response) -> Self {
        let status = r.status();
        let headers = r.headers().clone();
        let text = r.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer {
            status,
            headers,
            body,
            text,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts a problem document with this status and code.
    #[track_caller]
    pub fn problem(&self, status: u16, code: &str) -> &Self {
        assert_eq!(self.status.as_u16(), status, "{}", self.text);
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "{}",
            self.text
        );
        assert_eq!(self.body["code"], code, "{}", self.text);
        assert_eq!(self.body["status"], status);
        assert!(self.body["title"].is_string() && self.body["detail"].is_string());
        assert_eq!(self.body["type"], format!("urn:renda:problem:{code}"));
        self
    }

    /// The fields named in a validation problem.
    pub fn fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| e["field"].as_str().unwrap_or("").to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    #[track_caller]
    pub fn ok(&self, status: u16) -> &Value {
        assert_eq!(self.status.as_u16(), status, "{}", self.text);
        &self.body
    }
}

/// A second renda process on the same database: its own connection
/// pool, its own HTTP server.
pub struct Instance {
    pub base: String,
    pub store: Store,
}

impl TestApp {
    /// Starts another instance on this test's database, as a second
    /// process behind a load balancer would run.
    pub async fn second_instance(&self) -> Instance {
        self.second_instance_with(|s| s).await
    }

    /// Another instance whose state `configure` adjusts, as the first's was.
    pub async fn second_instance_with(
        &self,
        configure: impl FnOnce(AppState) -> AppState,
    ) -> Instance {
        let store = Store::connect(&self.db).await.expect("connect again");
        let jwt = JwtKeys::new(JWT_SECRET.as_bytes(), JwtConfig::default());
        let state = configure(
            AppState::new(store.clone(), jwt)
                .with_clock(self.clock.clone())
                .with_data_dir(self._files.path()),
        );
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().unwrap().port();
        let server = renda::run(listener, state, Some(1)).expect("server");
        tokio::spawn(server);
        Instance {
            base: format!("http://127.0.0.1:{port}"),
            store,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
    ) -> reqwest::RequestBuilder {
        let mut rb = self.client.request(method, self.url(path));
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        rb
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Answer {
        Answer::read(self.request(Method::GET, path, token).send().await.unwrap()).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Answer {
        Answer::read(
            self.request(Method::POST, path, token)
                .json(body)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: &Value) -> Answer {
        Answer::read(
            self.request(Method::PATCH, path, token)
                .json(body)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: &Value) -> Answer {
        Answer::read(
            self.request(Method::PUT, path, token)
                .json(body)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Answer {
        Answer::read(
            self.request(Method::DELETE, path, token)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    pub async fn login_full(&self, username: &str, password: &str) -> Answer {
        self.post(
            "/api/v1/auth/login",
            None,
            &json!({"username": username, "password": password}),
        )
        .await
    }

    pub async fn login(&self, username: &str, password: &str) -> String {
        let a = self.login_full(username, password).await;
        a.ok(200)["access_token"].as_str().unwrap().to_owned()
    }

    pub async fn admin(&self) -> String {
        self.login("admin", ADMIN_PASSWORD).await
    }

    /// The security administrator's token.
    pub async fn security_admin(&self) -> String {
        self.login("secadmin", SECURITY_PASSWORD).await
    }

    /// The audit administrator's token.
    pub async fn auditor(&self) -> String {
        self.login("auditadmin", AUDIT_PASSWORD).await
    }

    /// Creates an account with the given roles and links; returns its id.
    pub async fn create_user(
        &self,
        admin: &str,
        username: &str,
        roles: &[&str],
        links: Value,
    ) -> String {
        let mut body = json!({"username": username, "password": PASSWORD, "display_name": username, "roles": roles, "must_change_password": false});
        if let (Some(obj), Some(extra)) = (body.as_object_mut(), links.as_object()) {
            for (k, v) in extra {
                obj.insert(k.clone(), v.clone());
            }
        }
        let a = self.post("/api/v1/users", Some(admin), &body).await;
        a.ok(201)["id"].as_str().unwrap().to_owned()
    }

    /// Signs in a new account with these roles; returns its token.
    pub async fn user_token(
        &self,
        admin: &str,
        username: &str,
        roles: &[&str],
        links: Value,
    ) -> String {
        self.create_user(admin, username, roles, links).await;
        self.login(username, PASSWORD).await
    }

    pub async fn staff(&self) -> String {
        let admin = self.admin().await;
        self.user_token(&admin, "staff1", &["staff"], json!({}))
            .await
    }

    pub async fn create_unit(&self, token: &str, name: &str) -> Value {
        self.post(
            "/api/v1/units",
            Some(token),
            &json!({"name": name, "kind": "government_department"}),
        )
        .await
        .ok(201)
        .clone()
    }

    pub async fn create_deputy(&self, token: &str, body: Value) -> Value {
        self.post("/api/v1/deputies", Some(token), &body)
            .await
            .ok(201)
            .clone()
    }

    /// The caller's tasks of `kind` (`GET /me/tasks`), up to 100.
    pub async fn my_tasks(&self, token: &str, kind: &str) -> Vec<Value> {
        let a = self
            .get(
                &format!("/api/v1/me/tasks?kind={kind}&limit=100"),
                Some(token),
            )
            .await;
        a.ok(200)["items"].as_array().unwrap().clone()
    }

    /// The caller's notifications, newest first, of `kind` if given, up
    /// to 100.
    pub async fn my_notifications(&self, token: &str, kind: Option<&str>) -> Vec<Value> {
        let query = kind.map_or(String::new(), |k| format!("&kind={k}"));
        let a = self
            .get(
                &format!("/api/v1/me/notifications?limit=100{query}"),
                Some(token),
            )
            .await;
        a.ok(200)["items"].as_array().unwrap().clone()
    }

    /// The kept handling figures and dashboard tallies are what a recount
    /// of the suggestions on record makes.
    pub async fn assert_kept_counts_exact(&self) {
        let kept = self.store.kept_suggestion_figures().await.unwrap();
        let recount = self.store.recount_suggestion_figures().await.unwrap();
        assert_eq!(kept, recount, "the kept figures are a recount's");
        let (recount, kept) = self
            .store
            .recount_and_kept_suggestion_tallies()
            .await
            .unwrap();
        assert_eq!(kept, recount, "the kept tallies are a recount's");
    }

    /// A direct SQL statement against the test database.
    pub async fn sql(&self, stmt: &str) {
        self.store.execute_unprepared(stmt).await.unwrap();
    }

    /// Removes the database's guard against changing the audit trail, as
    /// someone with direct access to the database could.
    pub async fn drop_audit_guard(&self) {
        if self.store.is_sqlite() {
            self.sql("DROP TRIGGER audit_events_no_update").await;
            self.sql("DROP TRIGGER audit_events_no_delete").await;
        } else {
            self.sql("DROP TRIGGER audit_events_append_only ON audit_events")
                .await;
        }
    }

    /// The PostgreSQL schema of this test, if it runs on PostgreSQL.
    pub async fn pg_schema(&self) -> Option<String> {
        if self.store.is_sqlite() {
            return None;
        }
        Some(self.store.current_schema().await.unwrap())
    }
}

/// The subject ids of tasks or notifications, each checked to be about a
/// record of `subject_type`.
pub fn subject_ids(items: &[Value], subject_type: &str) -> Vec<String> {
    items
        .iter()
        .map(|i| {
            assert_eq!(i["subject"]["type"], subject_type, "{i}");
            i["subject"]["id"].as_str().unwrap().to_owned()
        })
        .collect()
}
