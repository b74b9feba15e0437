//! The `renda` binary itself: first start, graceful shutdown, commands.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::json;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

const BIN: &str = env!("CARGO_BIN_EXE_renda");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn renda(dir: &std::path::Path, port: u16) -> Command {
    let mut c = Command::new(BIN);
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RENDA_BIND", format!("127.0.0.1:{port}"))
        .env(
            "RENDA_DATABASE_URL",
            format!("sqlite://{}/data/renda.db", dir.display()),
        )
        .env("RENDA_DATA_DIR", dir.join("data"))
        .env("RENDA_LOG_FORMAT", "json")
        .env("RENDA_WORKERS", "1");
    c
}

async fn wait_healthy(base: &str) {
    for _ in 0..100 {
        if let Ok(r) = reqwest::get(format!("{base}/healthz")).await
            && r.status() == 200
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("renda did not come up");
}

fn sigterm(child: &Child) {
    let ok = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(ok.success());
}

#[tokio::test]
async fn first_start_prints_the_admin_password_once_and_sigterm_lets_requests_finish() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = renda(dir.path(), port)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let log = std::thread::spawn(move || {
        BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
            .collect::<Vec<_>>()
    });
    // The generated password is the indented line of the first-start message.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut all = Vec::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(pw) = line.strip_prefix("    ") {
                let _ = tx.send(pw.to_owned());
            }
            all.push(line);
        }
        all
    });
    let password = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the first start prints a password");
    assert!(
        dir.path().join("data/renda.db").exists(),
        "the data folder is created"
    );
    wait_healthy(&base).await;
    let client = reqwest::Client::new();
    let r = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": "admin", "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let token = r.json::<serde_json::Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();

    // A request in flight when SIGTERM arrives still gets its answer.
    let body = serde_json::json!({"username": "admin", "password": password}).to_string();
    let mut conn = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let head = format!(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    conn.write_all(&body.as_bytes()[..10]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    sigterm(&child);
    tokio::time::sleep(Duration::from_millis(300)).await;
    conn.write_all(&body.as_bytes()[10..]).await.unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert!(
        status.success(),
        "renda exits cleanly on SIGTERM: {status:?}"
    );
    let log = log.join().unwrap();
    assert!(log.iter().any(|l| l.contains("renda stopped")), "{log:?}");
    // Logs are JSON lines carrying the request id, and no secrets.
    let request_lines: Vec<&String> = log.iter().filter(|l| l.contains("\"answered\"")).collect();
    assert!(!request_lines.is_empty());
    for l in &log {
        let v: serde_json::Value =
            serde_json::from_str(l).unwrap_or_else(|_| panic!("not JSON: {l}"));
        if l.contains("\"answered\"") {
            assert!(v["span"]["request_id"].is_string(), "{l}");
        }
        assert!(!l.contains(&password), "the password is logged: {l}");
        assert!(!l.contains(&token), "a token is logged: {l}");
    }

    // The second start finds the administrator and prints nothing.
    let port = free_port();
    let out = {
        let mut c = renda(dir.path(), port)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        wait_healthy(&format!("http://127.0.0.1:{port}")).await;
        sigterm(&c);
        let mut s = String::new();
        use std::io::Read;
        c.stdout.take().unwrap().read_to_string(&mut s).unwrap();
        c.wait().unwrap();
        s
    };
    assert!(out.trim().is_empty(), "{out}");
}

#[tokio::test]
async fn openapi_migrate_and_audit_verify_commands() {
    let out = Command::new(BIN).arg("openapi").output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        renda_http::openapi_json()
    );

    let dir = tempfile::tempdir().unwrap();
    let out = renda(dir.path(), 0).arg("migrate").output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("migrations applied"));

    // Write some history, then check it.
    let url = format!("sqlite://{}/data/renda.db", dir.path().display());
    let crypto = renda::load_crypto(Default::default(), None, &dir.path().join("data")).unwrap();
    let store = renda::open_store(&url, &crypto).await.unwrap();
    let pw = secrecy::SecretString::from("System-Pass-2026".to_owned());
    renda::bootstrap_admins(
        &store,
        &[renda::FirstAccount {
            role: renda_domain::Role::Admin,
            username: "admin",
            password: Some(&pw),
        }],
    )
    .await
    .unwrap();
    store.close().await.unwrap();
    let out = renda(dir.path(), 0)
        .args(["audit", "verify"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("intact") && text.contains("sealed entries checked: 1"),
        "{text}"
    );

    let store = renda::open_store(&url, &crypto).await.unwrap();
    // The database refuses the change; someone with direct access to the
    // file removes that guard first.
    assert!(
        store
            .execute_unprepared("UPDATE audit_events SET actor_username = 'someone-else'")
            .await
            .is_err()
    );
    store
        .execute_unprepared("DROP TRIGGER audit_events_no_update")
        .await
        .unwrap();
    store
        .execute_unprepared("UPDATE audit_events SET actor_username = 'someone-else'")
        .await
        .unwrap();
    store.close().await.unwrap();
    let out = renda(dir.path(), 0)
        .args(["audit", "verify"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("TAMPERING DETECTED"));

    // Kept figures gone wrong (a row written past renda) are counted
    // afresh by `renda recount`.
    let store = renda::open_store(&url, &crypto).await.unwrap();
    store
        .execute_unprepared(
            "INSERT INTO suggestion_tallies (year, term, dimension, value, shard, n) \
             VALUES (2026, '第十八届', 'status', 'submitted', 0, 5)",
        )
        .await
        .unwrap();
    let (recount, kept) = store.recount_and_kept_suggestion_tallies().await.unwrap();
    assert_ne!(recount, kept);
    store.close().await.unwrap();
    let out = renda(dir.path(), 0).arg("recount").output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("counted afresh"));
    let store = renda::open_store(&url, &crypto).await.unwrap();
    let (recount, kept) = store.recount_and_kept_suggestion_tallies().await.unwrap();
    assert_eq!(recount, kept);
    assert!(kept.is_empty(), "no suggestion, nothing counted: {kept:?}");
    store.close().await.unwrap();
}

#[tokio::test]
async fn the_demo_data_set_is_explorable_through_the_api() {
    let app = crate::helpers::spawn_app().await;
    let today = renda_domain::time::Clock::today(app.clock.as_ref());
    let summary = renda::demo::load(&app.store, today).await.unwrap();
    assert!(summary.contains("100 deputies"), "{summary}");
    assert!(
        renda::demo::load(&app.store, today).await.is_err(),
        "a second load is refused"
    );
    let staff = app.login("demo-staff", renda::demo::DEMO_PASSWORD).await;
    // Each demo account finds work and news waiting (an observer holds no
    // queue, and finds news only).
    let mut accounts = vec!["demo-staff".to_owned(), "demo-leader".to_owned()];
    accounts.extend((0..10).map(|i| format!("demo-unit{i}")));
    accounts.extend((0..5).map(|i| format!("demo-deputy{i}")));
    accounts.push("demo-observer".to_owned());
    let mut empty = Vec::new();
    for name in &accounts {
        let token = app.login(name, renda::demo::DEMO_PASSWORD).await;
        let tasks = app.get("/api/v1/me/tasks", Some(&token)).await;
        let tasks = tasks.ok(200)["total"].as_u64().unwrap();
        let unread = app
            .get("/api/v1/me/notifications/unread-count", Some(&token))
            .await;
        let unread = unread.ok(200)["unread"].as_u64().unwrap();
        if (tasks == 0 && name != "demo-observer") || unread == 0 {
            empty.push(format!("{name}: {tasks} tasks, {unread} unread"));
        }
    }
    assert!(empty.is_empty(), "{empty:#?}");
    let deputies = app.get("/api/v1/deputies?include_total=true", None).await;
    assert_eq!(deputies.ok(200)["total"], 100);
    for level in ["national", "provincial", "municipal", "county", "township"] {
        let a = app
            .get(
                &format!("/api/v1/deputies?level={level}&include_total=true"),
                None,
            )
            .await;
        assert!(
            a.ok(200)["total"].as_i64().unwrap() > 0,
            "deputies at {level}"
        );
    }
    let units = app
        .get("/api/v1/units?include_total=true", Some(&staff))
        .await;
    assert_eq!(units.ok(200)["total"], 20);
    let stats = app.get("/api/v1/suggestions/stats", Some(&staff)).await;
    let s = stats.ok(200);
    assert_eq!(
        s["total"], 55,
        "sixty suggestions, six of them drafts, and one a motion became: {}",
        stats.text
    );
    for status in [
        "submitted",
        "not_registered",
        "registered",
        "assigned",
        "replied",
        "rehandling",
        "closed",
    ] {
        assert!(
            s["by_status"][status].as_i64().unwrap_or(0) > 0,
            "{status} in {}",
            stats.text
        );
    }
    for color in ["green", "yellow", "red"] {
        assert!(s["by_color"][color].as_i64().unwrap_or(0) > 0, "{color}");
    }
    let public = app.get("/api/v1/suggestions", None).await;
    assert!(
        !public.ok(200)["items"].as_array().unwrap().is_empty(),
        "some replies are published"
    );
    // The congress: a county session in progress with motions in each state.
    let open = app
        .get("/api/v1/congress-sessions?status=open", Some(&staff))
        .await;
    let session = open.ok(200)["items"][0].clone();
    assert_eq!(session["name"], "第十八届第五次会议");
    let motions = app
        .get(
            &format!(
                "/api/v1/motions?congress_session_id={}&limit=100",
                session["id"].as_str().unwrap()
            ),
            Some(&staff),
        )
        .await;
    let mut states: Vec<&str> = motions.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["status"].as_str().unwrap())
        .collect();
    states.sort();
    assert_eq!(
        states,
        [
            "as_suggestion",
            "not_accepted",
            "on_agenda",
            "registered",
            "reported",
            "submitted"
        ],
        "every filed state; the draft is its deputies' own"
    );
    // A 交办 batch of three, one waiting at the government office, and
    // this year's key-supervision list.
    let batches = app.get("/api/v1/assignment-batches", Some(&staff)).await;
    assert_eq!(batches.ok(200)["items"][0]["item_count"], 3);
    let office = app.login("demo-unit0", renda::demo::DEMO_PASSWORD).await;
    let waiting = app
        .get(
            "/api/v1/suggestions?pass_on_pending=true&include_total=true",
            Some(&office),
        )
        .await;
    assert_eq!(waiting.ok(200)["total"], 1);
    let lists = app.get("/api/v1/key-supervision-lists", Some(&staff)).await;
    let list = lists.ok(200)["items"][0].clone();
    assert_eq!(list["item_count"], 3);
    let list = app
        .get(
            &format!(
                "/api/v1/key-supervision-lists/{}",
                list["id"].as_str().unwrap()
            ),
            Some(&staff),
        )
        .await;
    assert_eq!(list.ok(200)["progress"]["with_records"], 1);
    let deputy = app.login("demo-deputy0", renda::demo::DEMO_PASSWORD).await;
    let mine = app
        .get("/api/v1/suggestions?include_total=true", Some(&deputy))
        .await;
    assert!(mine.ok(200)["total"].as_i64().unwrap() > 0);

    // Supervision: one item in every stage; a committee member can vote on
    // the one being evaluated; the observer sees the items assigned.
    let st = app.get("/api/v1/supervisions/stats", Some(&staff)).await;
    let st = st.ok(200);
    assert_eq!(st["items"], 6);
    for stage in [
        "planned",
        "investigating",
        "deliberating",
        "rectifying",
        "evaluating",
        "closed",
    ] {
        assert_eq!(st["by_stage"][stage], 1, "{stage}");
    }
    assert_eq!(st["rectification"]["overdue"], 2);
    assert_eq!(st["satisfaction"]["accepted"], 1);
    let evaluating = app
        .get("/api/v1/supervisions?stage=evaluating", Some(&deputy))
        .await;
    let sid = evaluating.ok(200)["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let vote = app
        .post(
            &format!("/api/v1/supervisions/{sid}/votes"),
            Some(&deputy),
            &json!({"choice": "satisfied"}),
        )
        .await;
    vote.ok(201);
    let observer = app.login("demo-observer", renda::demo::DEMO_PASSWORD).await;
    let assigned = app
        .get("/api/v1/supervisions?include_total=true", Some(&observer))
        .await;
    assert_eq!(assigned.ok(200)["total"], 5);
    let public = app.get("/api/v1/supervisions", None).await;
    assert_eq!(public.ok(200)["items"][0]["stage"], "closed");

    // Deputies at work: stations, a round open for demo-deputy0's ballot.
    let stations = app.get("/api/v1/stations?include_total=true", None).await;
    assert_eq!(stations.ok(200)["total"], 3);
    let rounds = app
        .get("/api/v1/livelihood-rounds?stage=voting", None)
        .await;
    let round = rounds.ok(200)["items"][0].clone();
    assert_eq!(round["ballots_cast"], 2);
    let rid = round["id"].as_str().unwrap();
    let shortlisted = app
        .get(
            &format!("/api/v1/livelihood-rounds/{rid}/candidates?status=shortlisted"),
            None,
        )
        .await;
    let first = shortlisted.ok(200)["items"][0]["id"].clone();
    app.post(
        &format!("/api/v1/livelihood-rounds/{rid}/ballot"),
        Some(&deputy),
        &json!({"approve": [first]}),
    )
    .await
    .ok(201);
    let duties = app
        .get(
            "/api/v1/duties/idle-deputies?days=30&include_total=true",
            Some(&staff),
        )
        .await;
    assert!(duties.ok(200)["total"].as_u64().unwrap() < 100);
    let report = app.store.verify_audit(&[]).await.unwrap();
    assert!(report.is_ok());
}

/// Even at the most verbose log level, neither secrets (passwords,
/// tokens, receipt codes) nor personal data (phones, e-mail, names
/// searched for) reach the log.
#[tokio::test]
async fn secrets_and_personal_data_stay_out_of_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let password = "Log-Check-Pass-2026";
    let mut child = renda(dir.path(), port)
        .env("RENDA_ADMIN_PASSWORD", password)
        .env("RENDA_LOG", "trace")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let log = std::thread::spawn(move || {
        BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
            .collect::<Vec<_>>()
    });
    wait_healthy(&base).await;
    let http = reqwest::Client::new();
    let post = |path: &str, token: Option<&str>, body: serde_json::Value| {
        let mut r = http.post(format!("{base}{path}")).json(&body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send()
    };
    let wrong = "Wrong-Pass-4711!";
    let r = post(
        "/api/v1/auth/login",
        None,
        json!({"username": "admin", "password": wrong}),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let r = post(
        "/api/v1/auth/login",
        None,
        json!({"username": "admin", "password": password}),
    )
    .await
    .unwrap();
    let login: serde_json::Value = r.json().await.unwrap();
    let token = login["access_token"].as_str().unwrap().to_owned();
    // The first administrator chooses a password of their own first.
    let chosen = "Chosen-Secret-4711";
    let r = post(
        "/api/v1/me/password",
        Some(&token),
        json!({"current_password": password, "new_password": chosen}),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 204);
    let r = post(
        "/api/v1/auth/login",
        None,
        json!({"username": "admin", "password": chosen}),
    )
    .await
    .unwrap();
    let login: serde_json::Value = r.json().await.unwrap();
    let token = login["access_token"].as_str().unwrap().to_owned();
    let refresh = login["refresh_token"].as_str().unwrap().to_owned();
    let phone = "13912345678";
    let r = post(
        "/api/v1/deputies",
        Some(&token),
        json!({"name": "张秘密", "phone": phone, "birth_date": "1975-03-18"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let email = "secret.observer@example.com";
    let r = post(
        "/api/v1/observers",
        Some(&token),
        json!({"name": "李观察", "specialty": "law", "category": "finance_work", "email": email}),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let opinion_phone = "13787654321";
    let r = post(
        "/api/v1/constituent-opinions",
        None,
        json!({"content": "路灯坏了", "name": "王匿名", "phone": opinion_phone}),
    )
    .await
    .unwrap();
    let left: serde_json::Value = r.json().await.unwrap();
    let code = left["receipt_code"].as_str().unwrap().to_owned();
    let r = http
        .get(format!("{base}/api/v1/constituent-opinion-receipts/{code}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let r = http
        .get(format!(
            "{base}/api/v1/deputies?q=%E5%BC%A0%E7%A7%98%E5%AF%86"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let r = post(
        "/api/v1/auth/refresh",
        None,
        json!({"refresh_token": refresh}),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    sigterm(&child);
    child.wait().unwrap();
    let log = log.join().unwrap();
    assert!(log.len() > 20, "the log says little: {log:?}");
    let compact = code.replace('-', "");
    for secret in [
        password,
        wrong,
        token.as_str(),
        refresh.as_str(),
        phone,
        email,
        opinion_phone,
        "王匿名",
        "张秘密",
        "1975-03-18",
        code.as_str(),
        compact.as_str(),
    ] {
        if let Some(l) = log.iter().find(|l| l.contains(secret)) {
            panic!("`{secret}` is in the log: {l}");
        }
    }
}

#[test]
fn a_bad_setting_stops_the_start_and_names_itself() {
    let dir = tempfile::tempdir().unwrap();
    for (name, value) in [("RENDA_DB_POOL", "0"), ("RENDA_DB_POOL", "many")] {
        let out = renda(dir.path(), free_port())
            .env(name, value)
            .arg("serve")
            .output()
            .unwrap();
        assert!(!out.status.success(), "{name}={value} started");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(name), "{name}={value}: {err}");
    }
}
