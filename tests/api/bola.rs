//! Two risks of the OWASP API Security Top 10 (2023), black-box.
//!
//! API1, broken object level authorization: every object with an owner
//! (a deputy's suggestions and duty archive, a unit's assignments and
//! replies, ballots, constituent opinions, supervision records, needs,
//! sign-in histories, a client's webhooks…) is created for one owner and
//! then tried by a second caller of the same role. The second caller
//! cannot read it, does not find it in any list, gets for every write the
//! same answer as for an object that does not exist, and nothing changes.
//!
//! API3, broken object property level authorization: every JSON body the
//! API takes is sent with fields the caller must not set (ids, timestamps,
//! statuses, numbers, owners, roles, password hashes…); each is refused
//! with 422 naming the field, or, where a body is ignored by design, the
//! stored object does not take the value.

use renda_domain::time::Clock;
use serde_json::{Value, json};

use crate::helpers::{Answer, PASSWORD, TestApp, spawn_app};

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

fn ghost() -> String {
    uuid::Uuid::now_v7().to_string()
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

/// A request with any method; `None` sends no body.
async fn send(
    app: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> Answer {
    send_with(app, method, path, token, body, None).await
}

/// The same, with one more header.
async fn send_with(
    app: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
    header: Option<(&str, &str)>,
) -> Answer {
    let m: reqwest::Method = method.parse().unwrap();
    let mut rb = app.request(m, path, token);
    if let Some(b) = body {
        rb = rb.json(b);
    }
    if let Some((name, value)) = header {
        rb = rb.header(name, value);
    }
    Answer::read(rb.send().await.unwrap()).await
}

/// Asserts that `token` gets `status` with `code` for the request, and
/// exactly the same for the request with `real` replaced by the id of
/// nothing, and for the request made conditional (`If-None-Match: *` on a
/// read, a stale `If-Match` on a write, which would answer 304 or 412 if
/// the object were looked at first): the answer tells nothing of whether
/// the object exists.
#[allow(clippy::too_many_arguments)]
async fn refused_as_absent(
    app: &TestApp,
    token: &str,
    method: &str,
    path: &str,
    real: &str,
    body: Option<&Value>,
    status: u16,
    code: &str,
) {
    let other = path.replace(real, &ghost());
    assert_ne!(other, path, "{real} is not in {path}");
    let condition = if method == "GET" {
        ("if-none-match", "*")
    } else {
        ("if-match", "\"999999\"")
    };
    for (at, header) in [
        (path, None),
        (other.as_str(), None),
        (path, Some(condition)),
    ] {
        let a = send_with(app, method, at, Some(token), body, header).await;
        assert_eq!(
            (a.status.as_u16(), a.body["code"].as_str()),
            (status, Some(code)),
            "{method} {at} {header:?} (the object is at {path}): {}",
            a.text
        );
        a.problem(status, code);
    }
}

/// The ids of every item of a collection as `token` lists it, all pages.
async fn listed(app: &TestApp, path: &str, token: &str) -> Vec<String> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut ids = Vec::new();
    let mut next = format!("{path}{sep}limit=100");
    loop {
        let a = app.get(&next, Some(token)).await;
        let b = a.ok(200).clone();
        ids.extend(
            b["items"]
                .as_array()
                .unwrap_or_else(|| panic!("{path}: {}", a.text))
                .iter()
                .map(id),
        );
        match b["next_cursor"].as_str() {
            Some(c) => next = format!("{path}{sep}limit=100&cursor={c}"),
            None => return ids,
        }
    }
}

/// What `token` reads at `path`: the body and its ETag.
async fn seen(app: &TestApp, path: &str, token: &str) -> (Value, Option<String>) {
    let a = app.get(path, Some(token)).await;
    let body = a.ok(200).clone();
    (body, a.header("etag").map(str::to_owned))
}

/// Uploads a file to a suggestion.
async fn upload(
    app: &TestApp,
    token: &str,
    suggestion: &str,
    kind: &str,
    bytes: Vec<u8>,
) -> Answer {
    let part = reqwest::multipart::Part::bytes(bytes).file_name("材料.pdf");
    let form = reqwest::multipart::Form::new().part("file", part);
    Answer::read(
        app.request(
            reqwest::Method::POST,
            &format!("/api/v1/suggestions/{suggestion}/attachments?kind={kind}"),
            Some(token),
        )
        .multipart(form)
        .send()
        .await
        .unwrap(),
    )
    .await
}

/// Asks for a service client's token (client credentials, HTTP Basic).
async fn client_token(app: &TestApp, client: &Value) -> String {
    let r = app
        .client
        .post(app.url("/api/v1/auth/token"))
        .basic_auth(
            client["client"]["id"].as_str().unwrap(),
            client["client_secret"].as_str(),
        )
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    let a = Answer::read(r).await;
    a.ok(200)["access_token"].as_str().unwrap().to_owned()
}

/// The people of a district congress: the office, a leader, three units
/// with their operators, three deputies of the county congress and two
/// observers, each with a signed-in token.
struct Town {
    app: TestApp,
    admin: String,
    staff: String,
    leader: String,
    leader_id: String,
    /// (unit id, operator's token).
    units: Vec<(String, String)>,
    /// (deputy id, token): deputies A, B and C.
    deputies: Vec<(String, String)>,
    /// (observer id, token).
    observers: Vec<(String, String)>,
}

async fn town() -> Town {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let staff = app
        .user_token(&admin, "office", &["staff"], json!({}))
        .await;
    let leader_id = app
        .create_user(&admin, "leader", &["leader"], json!({}))
        .await;
    let leader = app.login("leader", PASSWORD).await;
    let mut units = Vec::new();
    for (i, name) in ["区民政局", "区住建局", "区交通运输局"].iter().enumerate() {
        let u = id(&app.create_unit(&staff, name).await);
        let t = app
            .user_token(
                &admin,
                &format!("unit{i}"),
                &["unit"],
                json!({"unit_id": u}),
            )
            .await;
        units.push((u, t));
    }
    let mut deputies = Vec::new();
    for (i, name) in ["张伟", "李娜", "王强"].iter().enumerate() {
        let d = id(&app
            .create_deputy(
                &staff,
                json!({"name": name, "phone": format!("1390000111{i}"),
                       "memberships": [{"level": "county", "term": "第十九届"}]}),
            )
            .await);
        let t = app
            .user_token(
                &admin,
                &format!("deputy{i}"),
                &["deputy"],
                json!({"deputy_id": d}),
            )
            .await;
        deputies.push((d, t));
    }
    let mut observers = Vec::new();
    for i in 0..2 {
        let o = app
            .post(
                "/api/v1/observers",
                Some(&staff),
                &json!({"name": format!("观察员{i}"), "specialty": "law",
                        "category": "finance_work", "phone": format!("1370000222{i}")}),
            )
            .await;
        let oid = id(o.ok(201));
        let t = app
            .user_token(
                &admin,
                &format!("observer{i}"),
                &["observer"],
                json!({"observer_id": oid}),
            )
            .await;
        observers.push((oid, t));
    }
    Town {
        app,
        admin,
        staff,
        leader,
        leader_id,
        units,
        deputies,
        observers,
    }
}

impl Town {
    /// A draft of deputy `author`, co-signed by `co_signers`.
    async fn draft(&self, author: usize, co_signers: &[usize]) -> String {
        let co: Vec<&str> = co_signers
            .iter()
            .map(|i| self.deputies[*i].0.as_str())
            .collect();
        let a = self
            .app
            .post(
                "/api/v1/suggestions",
                Some(&self.deputies[author].1),
                &json!({
                    "title": "关于整治老城区占道经营的建议",
                    "content": "老城区占道经营严重，影响通行。",
                    "category": "城乡建设",
                    "term": "第十九届",
                    "timing": "between_sessions",
                    "co_signer_ids": co
                }),
            )
            .await;
        let s = id(a.ok(201));
        // Each named co-signer confirms, so that they count.
        for i in co_signers {
            self.op(&self.deputies[*i].1, &s, "confirm-co-signature", json!({}))
                .await
                .ok(200);
        }
        s
    }

    async fn op(&self, token: &str, suggestion: &str, op: &str, body: Value) -> Answer {
        self.app
            .post(
                &format!("/api/v1/suggestions/{suggestion}/{op}"),
                Some(token),
                &body,
            )
            .await
    }

    /// A suggestion of deputy A (co-signed by `co_signers`), assigned to
    /// `lead` with `co_units`; red ones are supervised by the leader.
    async fn assigned(
        &self,
        co_signers: &[usize],
        lead: usize,
        co_units: &[usize],
        color: &str,
    ) -> String {
        let s = self.draft(0, co_signers).await;
        self.op(&self.deputies[0].1, &s, "submit", json!({}))
            .await
            .ok(200);
        self.op(&self.staff, &s, "register", json!({}))
            .await
            .ok(200);
        let co: Vec<&str> = co_units.iter().map(|i| self.units[*i].0.as_str()).collect();
        let mut body =
            json!({"lead_unit_id": self.units[lead].0, "co_unit_ids": co, "color": color});
        if color == "red" {
            body["supervisor_id"] = json!(self.leader_id);
        }
        self.op(&self.staff, &s, "assign", body).await.ok(200);
        s
    }
}

/// The sub-collections of a suggestion.
const SUGGESTION_RECORDS: [&str; 7] = [
    "timeline",
    "attachments",
    "records",
    "replies",
    "requests",
    "commitments",
    "assignments",
];

// ====================================================================
// API1: broken object level authorization
// ====================================================================

#[tokio::test]
async fn another_deputy_reaches_neither_a_draft_nor_a_submitted_suggestion() {
    let t = town().await;
    let app = &t.app;
    let (a, b) = (&t.deputies[0], &t.deputies[1]);
    // Deputy A drafts, co-signed by C, and attaches material.
    let s = t.draft(0, &[2]).await;
    let att = id(upload(app, &a.1, &s, "material", pdf()).await.ok(201));
    let path = format!("/api/v1/suggestions/{s}");
    let word = crate::units::urlencode("占道经营");
    for stage in ["draft", "submitted"] {
        if stage == "submitted" {
            t.op(&a.1, &s, "submit", json!({})).await.ok(200);
        }
        let before = seen(app, &path, &a.1).await;
        assert_eq!(before.0["status"], stage);
        let records_before = seen(app, &format!("{path}/timeline?limit=100"), &a.1).await;
        let files_before = seen(app, &format!("{path}/attachments?limit=100"), &a.1).await;
        // The author and the co-signer see it: the setup is what it seems.
        t.app.get(&path, Some(&t.deputies[2].1)).await.ok(200);
        assert!(listed(app, "/api/v1/suggestions", &a.1).await.contains(&s));

        // B reads nothing of it.
        refused_as_absent(app, &b.1, "GET", &path, &s, None, 404, "not_found").await;
        for sub in SUGGESTION_RECORDS {
            refused_as_absent(
                app,
                &b.1,
                "GET",
                &format!("{path}/{sub}"),
                &s,
                None,
                404,
                "not_found",
            )
            .await;
        }
        refused_as_absent(
            app,
            &b.1,
            "GET",
            &format!("{path}/attachments/{att}"),
            &s,
            None,
            404,
            "not_found",
        )
        .await;
        // No list shows it, not even filtered to single it out.
        for query in [
            String::new(),
            format!("?deputy_id={}", a.0),
            format!("?status={stage}"),
            format!("?q={word}"),
            "?category=%E5%9F%8E%E4%B9%A1%E5%BB%BA%E8%AE%BE".to_owned(),
        ] {
            let ids = listed(app, &format!("/api/v1/suggestions{query}"), &b.1).await;
            assert!(!ids.contains(&s), "{query}: {ids:?}");
        }

        // Every write B might try answers as if there were nothing.
        let writes: [(&str, &str, Value); 5] = [
            ("PATCH", "", json!({"title": "被他人改写的标题"})),
            ("POST", "/submit", json!({})),
            ("POST", "/withdraw-co-signature", json!({})),
            ("POST", "/evaluate", json!({"result": "unsatisfied"})),
            (
                "POST",
                "/requests",
                json!({"kind": "extension", "reason": "x", "due_date": "2030-01-01"}),
            ),
        ];
        for (method, op, body) in &writes {
            refused_as_absent(
                app,
                &b.1,
                method,
                &format!("{path}{op}"),
                &s,
                Some(body),
                404,
                "not_found",
            )
            .await;
        }
        upload(app, &b.1, &s, "material", pdf())
            .await
            .problem(404, "not_found");
        upload(app, &b.1, &ghost(), "material", pdf())
            .await
            .problem(404, "not_found");

        // And nothing changed.
        assert_eq!(seen(app, &path, &a.1).await, before);
        assert_eq!(
            seen(app, &format!("{path}/timeline?limit=100"), &a.1).await,
            records_before
        );
        assert_eq!(
            seen(app, &format!("{path}/attachments?limit=100"), &a.1).await,
            files_before
        );
    }

    // A stored answer (Idempotency-Key) is its caller's: B sending A's key
    // with A's very body drafts B's own suggestion and sees nothing of A's.
    let body = json!({"title": "关于延长公交末班车时间的建议", "content": "建议延长。",
                      "category": "城乡建设", "term": "第十九届", "timing": "between_sessions"});
    let draft = |token: &str| {
        let rb = app
            .request(reqwest::Method::POST, "/api/v1/suggestions", Some(token))
            .header("idempotency-key", "draft-2026-0001")
            .json(&body);
        async move { Answer::read(rb.send().await.unwrap()).await }
    };
    let first = draft(&a.1).await;
    let first_id = id(first.ok(201));
    let replayed = draft(&a.1).await;
    assert_eq!(replayed.header("idempotent-replayed"), Some("true"));
    assert_eq!(id(replayed.ok(201)), first_id);
    let theirs = draft(&b.1).await;
    assert!(theirs.header("idempotent-replayed").is_none());
    assert_eq!(theirs.ok(201)["lead_deputy_id"], b.0.as_str());
    assert_ne!(id(&theirs.body), first_id);
    app.get(&format!("/api/v1/suggestions/{first_id}"), Some(&b.1))
        .await
        .problem(404, "not_found");
}

#[tokio::test]
async fn a_suggestion_assigned_to_one_unit_is_out_of_reach_of_the_others() {
    let t = town().await;
    let app = &t.app;
    // Assigned to unit 0, with unit 2 as co-unit; unit 1 has no part in it.
    let s = t.assigned(&[], 0, &[2], "green").await;
    let path = format!("/api/v1/suggestions/{s}");
    let (lead, outsider) = (&t.units[0], &t.units[1]);
    let today = app.clock.today();
    // The lead unit asks for more time, the office grants it; the co-unit
    // gives its opinion; the lead unit attaches its letter and replies B,
    // which opens a commitment.
    let wanted = (today + chrono::Duration::days(45)).to_string();
    t.op(
        &lead.1,
        &s,
        "requests",
        json!({"kind": "extension", "reason": "需协调城管部门", "due_date": wanted}),
    )
    .await
    .ok(200);
    let req = app.get(&format!("{path}/requests"), Some(&t.staff)).await;
    let req = req.ok(200)["items"][0]["id"].as_str().unwrap().to_owned();
    t.op(
        &t.staff,
        &s,
        &format!("requests/{req}/decide"),
        json!({"approved": true}),
    )
    .await
    .ok(200);
    t.op(
        &t.units[2].1,
        &s,
        "co-unit-opinion",
        json!({"opinion": "同意配合整治"}),
    )
    .await
    .ok(200);
    let letter = id(upload(app, &lead.1, &s, "reply_letter", pdf())
        .await
        .ok(201));
    t.op(
        &lead.1,
        &s,
        "reply",
        json!({"category": "B", "content": "已列入年度整治计划。", "handler_phone": "0527-84351234",
               "commitment": {"content": "年内完成整治", "due_date": "2030-12-31"}}),
    )
    .await
    .ok(200);
    let commitments = app
        .get(&format!("{path}/commitments"), Some(&t.staff))
        .await;
    let commitment = commitments.ok(200)["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let reply = app.get(&format!("{path}/replies"), Some(&t.staff)).await;
    assert_eq!(reply.ok(200)["items"][0]["category"], "B");

    let before = seen(app, &path, &t.staff).await;
    let subs_before: Vec<_> = {
        let mut v = Vec::new();
        for sub in SUGGESTION_RECORDS {
            v.push(seen(app, &format!("{path}/{sub}?limit=100"), &t.staff).await);
        }
        v
    };
    // The lead unit and the co-unit see it.
    assert!(
        listed(app, "/api/v1/suggestions", &lead.1)
            .await
            .contains(&s)
    );
    app.get(&path, Some(&t.units[2].1)).await.ok(200);

    // The outsider unit reads nothing of it: not the suggestion, its
    // reply, its letter, its requests or its commitments.
    refused_as_absent(app, &outsider.1, "GET", &path, &s, None, 404, "not_found").await;
    for sub in SUGGESTION_RECORDS {
        refused_as_absent(
            app,
            &outsider.1,
            "GET",
            &format!("{path}/{sub}"),
            &s,
            None,
            404,
            "not_found",
        )
        .await;
    }
    refused_as_absent(
        app,
        &outsider.1,
        "GET",
        &format!("{path}/attachments/{letter}"),
        &s,
        None,
        404,
        "not_found",
    )
    .await;
    for query in [
        String::new(),
        format!("?unit_id={}", lead.0),
        "?status=replied".to_owned(),
        format!("?q={}", crate::units::urlencode("占道经营")),
    ] {
        let ids = listed(app, &format!("/api/v1/suggestions{query}"), &outsider.1).await;
        assert!(!ids.contains(&s), "{query}: {ids:?}");
    }
    // Every write of a unit answers as if there were nothing.
    let writes: Vec<(String, Value)> = vec![
        (
            "reply".into(),
            json!({"category": "A", "content": "已办结。"}),
        ),
        ("co-unit-opinion".into(), json!({"opinion": "不同意"})),
        (
            "requests".into(),
            json!({"kind": "reassignment", "reason": "非本单位职责"}),
        ),
        (format!("requests/{req}/decide"), json!({"approved": false})),
        (
            format!("commitments/{commitment}/progress"),
            json!({"progress": "已全部完成", "fulfilled": true}),
        ),
        ("evaluate".into(), json!({"result": "satisfied"})),
        ("close".into(), json!({})),
    ];
    for (op, body) in &writes {
        refused_as_absent(
            app,
            &outsider.1,
            "POST",
            &format!("{path}/{op}"),
            &s,
            Some(body),
            404,
            "not_found",
        )
        .await;
    }
    refused_as_absent(
        app,
        &outsider.1,
        "PATCH",
        &path,
        &s,
        Some(&json!({"title": "x"})),
        404,
        "not_found",
    )
    .await;
    upload(app, &outsider.1, &s, "reply_letter", pdf())
        .await
        .problem(404, "not_found");

    // Through a suggestion of its own, the outsider reaches nothing of the
    // other one's: neither its letter nor its commitment.
    let own = t.assigned(&[], 1, &[], "green").await;
    let own_path = format!("/api/v1/suggestions/{own}");
    app.get(&own_path, Some(&outsider.1)).await.ok(200);
    // Its line of the summary table is its own only.
    let summary = app
        .get("/api/v1/suggestions/unit-summary", Some(&outsider.1))
        .await;
    let lines: Vec<Value> = summary.ok(200)["items"].as_array().unwrap().clone();
    let whose: Vec<&str> = lines
        .iter()
        .map(|l| l["unit_id"].as_str().unwrap())
        .collect();
    assert_eq!(whose, [outsider.0.as_str()], "{}", summary.text);
    app.get(
        &format!("{own_path}/attachments/{letter}"),
        Some(&outsider.1),
    )
    .await
    .problem(404, "not_found");
    app.post(
        &format!("{own_path}/commitments/{commitment}/progress"),
        Some(&outsider.1),
        &json!({"progress": "已全部完成", "fulfilled": true}),
    )
    .await
    .problem(404, "not_found");
    app.post(
        &format!("{own_path}/requests/{req}/decide"),
        Some(&t.staff),
        &json!({"approved": false}),
    )
    .await
    .problem(404, "not_found");

    // Nothing changed.
    assert_eq!(seen(app, &path, &t.staff).await, before);
    for (sub, was) in SUGGESTION_RECORDS.iter().zip(&subs_before) {
        assert_eq!(
            &seen(app, &format!("{path}/{sub}?limit=100"), &t.staff).await,
            was,
            "{sub}"
        );
    }
}

#[tokio::test]
async fn a_deputys_archive_profile_and_reception_days_answer_to_that_deputy() {
    let t = town().await;
    let app = &t.app;
    let (a, b) = (&t.deputies[0], &t.deputies[1]);
    let today = app.clock.today().to_string();
    let duties = format!("/api/v1/deputies/{}/duties", a.0);
    let kept = app
        .post(
            &duties,
            Some(&a.1),
            &json!({"kind": "research", "occurred_on": today, "title": "调研老城区交通"}),
        )
        .await;
    let kept = id(kept.ok(201));
    let gone = app
        .post(
            &duties,
            Some(&a.1),
            &json!({"kind": "visit", "occurred_on": today, "title": "走访选民"}),
        )
        .await;
    let gone = id(gone.ok(201));
    assert_eq!(
        app.delete(&format!("{duties}/{gone}"), Some(&a.1))
            .await
            .status,
        204
    );
    let duty = format!("{duties}/{kept}");
    let before = seen(app, &duty, &a.1).await;
    let archive_before = seen(app, &format!("{duties}?limit=100"), &t.staff).await;

    // Another deputy may not open A's archive at all. The answer is the
    // same whether the record exists or not (the deputy is public; the
    // records are not revealed).
    for (method, body) in [
        ("GET", None),
        ("PATCH", Some(json!({"title": "改写"}))),
        ("DELETE", None),
    ] {
        refused_as_absent(
            app,
            &b.1,
            method,
            &duty,
            &kept,
            body.as_ref(),
            403,
            "forbidden",
        )
        .await;
    }
    refused_as_absent(app, &b.1, "GET", &duties, &a.0, None, 403, "forbidden").await;
    refused_as_absent(
        app,
        &b.1,
        "POST",
        &duties,
        &a.0,
        Some(&json!({"kind": "meeting", "occurred_on": today, "title": "代写的履职"})),
        403,
        "forbidden",
    )
    .await;
    refused_as_absent(
        app,
        &b.1,
        "GET",
        &format!("/api/v1/deputies/{}/duty-report", a.0),
        &a.0,
        None,
        403,
        "forbidden",
    )
    .await;
    // Through B's own archive, A's record is not there at all.
    let own = format!("/api/v1/deputies/{}/duties", b.0);
    for (method, body) in [
        ("GET", None),
        ("PATCH", Some(json!({"title": "改写"}))),
        ("DELETE", None),
    ] {
        refused_as_absent(
            app,
            &b.1,
            method,
            &format!("{own}/{kept}"),
            &kept,
            body.as_ref(),
            404,
            "not_found",
        )
        .await;
    }
    let mine = listed(app, &format!("{own}?include_deleted=true"), &b.1).await;
    assert!(!mine.contains(&kept) && !mine.contains(&gone), "{mine:?}");

    // A reception day at a station of both, with A on duty.
    let station = app
        .post(
            "/api/v1/stations",
            Some(&t.staff),
            &json!({"kind": "station", "name": "古城街道联络站", "deputy_ids": [a.0, b.0]}),
        )
        .await;
    let station = id(station.ok(201));
    let day = app
        .post(
            &format!("/api/v1/stations/{station}/reception-days"),
            Some(&t.staff),
            &json!({"day": today, "deputy_ids": [a.0]}),
        )
        .await;
    let day = id(day.ok(201));
    let day_path = format!("/api/v1/stations/{station}/reception-days/{day}");
    let day_before = seen(app, &day_path, &t.staff).await;
    // The profile: B changes nothing of A's and does not see A's phone.
    let profile = format!("/api/v1/deputies/{}", a.0);
    let profile_before = seen(app, &profile, &t.staff).await;
    refused_as_absent(
        app,
        &b.1,
        "PATCH",
        &profile,
        &a.0,
        Some(&json!({"phone": "13800000000"})),
        403,
        "forbidden",
    )
    .await;
    app.get(&format!("{profile}?unmask=true"), Some(&b.1))
        .await
        .problem(403, "forbidden");
    let masked = app.get(&profile, Some(&b.1)).await;
    assert_eq!(masked.ok(200)["phone"], "139****1110");
    assert_eq!(
        app.get(&profile, Some(&a.1)).await.body["phone"],
        "13900001110"
    );
    // Nor through another station, not even A.
    let elsewhere = app
        .post(
            "/api/v1/stations",
            Some(&t.staff),
            &json!({"kind": "station", "name": "项里街道联络站"}),
        )
        .await;
    let elsewhere = id(elsewhere.ok(201));
    for token in [&a.1, &b.1] {
        app.post(
            &format!("/api/v1/stations/{elsewhere}/reception-days/{day}/record"),
            Some(token),
            &json!({"people_received": 99, "matters": ["代记"]}),
        )
        .await
        .problem(404, "not_found");
    }
    // B, not on duty that day, may not record it.
    app.post(
        &format!("{day_path}/record"),
        Some(&b.1),
        &json!({"people_received": 99, "matters": ["代记"]}),
    )
    .await
    .problem(403, "forbidden");

    // Nothing changed.
    assert_eq!(seen(app, &duty, &a.1).await, before);
    assert_eq!(
        seen(app, &format!("{duties}?limit=100"), &t.staff).await,
        archive_before
    );
    assert_eq!(seen(app, &profile, &t.staff).await, profile_before);
    assert_eq!(seen(app, &day_path, &t.staff).await, day_before);
    assert!(day_before.0["recorded_at"].is_null());
}

#[tokio::test]
async fn one_deputys_ballot_and_ratings_are_not_another_deputys() {
    let t = town().await;
    let app = &t.app;
    let (a, b, c) = (&t.deputies[0], &t.deputies[1], &t.deputies[2]);
    let r = app
        .post(
            "/api/v1/livelihood-rounds",
            Some(&t.staff),
            &json!({"year": 2027, "level": "county", "term": "第十九届",
                    "title": "2027年民生实事项目", "seats": 2, "secret_ballot": false}),
        )
        .await;
    let r = id(r.ok(201));
    let base = format!("/api/v1/livelihood-rounds/{r}");
    let mut cands = Vec::new();
    for title in ["老旧小区加装电梯", "城区公厕改造"] {
        let c = app
            .post(
                &format!("{base}/candidates"),
                Some(&t.staff),
                &json!({"title": title, "description": "说明", "unit_id": t.units[0].0}),
            )
            .await;
        cands.push(id(c.ok(201)));
    }
    let step = |op: &'static str| {
        let path = format!("{base}/{op}");
        let staff = t.staff.clone();
        async move {
            app.post(&path, Some(&staff), &json!({}))
                .await
                .ok(200)
                .clone()
        }
    };
    step("start-review").await;
    for c in &cands {
        app.post(
            &format!("{base}/candidates/{c}/review"),
            Some(&t.staff),
            &json!({"shortlist": true, "reason": "群众呼声高"}),
        )
        .await
        .ok(200);
    }
    step("start-voting").await;
    let (x, y) = (&cands[0], &cands[1]);
    app.post(
        &format!("{base}/ballot"),
        Some(&a.1),
        &json!({"approve": [x, y]}),
    )
    .await
    .ok(201);
    let mine = format!("{base}/ballots/mine");
    let a_ballot = seen(app, &mine, &a.1).await;
    assert_eq!(
        a_ballot.0["marks"],
        json!([{"candidate_id": x, "choice": "approve"}, {"candidate_id": y, "choice": "approve"}])
    );
    // B has not voted: B's ballot is not there, A's is not shown instead;
    // who voted how is not for deputies.
    app.get(&mine, Some(&b.1)).await.problem(404, "not_found");
    app.get(&format!("{base}/ballots"), Some(&b.1))
        .await
        .problem(403, "forbidden");
    // B votes; each reads back their own marks.
    app.post(
        &format!("{base}/ballot"),
        Some(&b.1),
        &json!({"approve": [x], "against": [y]}),
    )
    .await
    .ok(201);
    let b_ballot = app.get(&mine, Some(&b.1)).await;
    assert_eq!(
        b_ballot.ok(200)["marks"],
        json!([{"candidate_id": x, "choice": "approve"}, {"candidate_id": y, "choice": "against"}])
    );
    app.get(&mine, Some(&c.1)).await.problem(404, "not_found");
    assert_eq!(seen(app, &mine, &a.1).await, a_ballot);

    step("close-voting").await;
    step("start-evaluation").await;
    let rate = format!("{base}/projects/{x}/rating");
    app.post(&rate, Some(&a.1), &json!({"choice": "satisfied"}))
        .await
        .ok(201);
    // B's rating is B's own; it neither replaces A's nor lets A rate again.
    app.post(&rate, Some(&b.1), &json!({"choice": "unsatisfied"}))
        .await
        .ok(201);
    app.post(&rate, Some(&a.1), &json!({"choice": "unsatisfied"}))
        .await
        .problem(409, "already_rated");
    let detail = app.get(&format!("{base}/candidates/{x}"), None).await;
    assert_eq!(
        detail.ok(200)["project"]["ratings"],
        json!({"satisfied": 1, "basically_satisfied": 0, "unsatisfied": 1})
    );
    // Through another round, the project is not there to rate or read.
    let other = app
        .post(
            "/api/v1/livelihood-rounds",
            Some(&t.staff),
            &json!({"year": 2028, "level": "county", "term": "第十九届",
                    "title": "2028年民生实事项目", "seats": 1}),
        )
        .await;
    let other = id(other.ok(201));
    let elsewhere = format!("/api/v1/livelihood-rounds/{other}");
    app.post(
        &format!("{elsewhere}/projects/{x}/rating"),
        Some(&c.1),
        &json!({"choice": "satisfied"}),
    )
    .await
    .problem(404, "not_found");
    app.get(&format!("{elsewhere}/candidates/{x}"), None)
        .await
        .problem(404, "not_found");
    // The ballot and the rating are duties in A's archive, closed to B.
    let archive = format!("/api/v1/deputies/{}/duties", a.0);
    let kinds: Vec<String> = seen(app, &format!("{archive}?limit=100"), &a.1).await.0["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        kinds.contains(&"livelihood_ballot".to_owned())
            && kinds.contains(&"livelihood_rating".to_owned()),
        "{kinds:?}"
    );
    app.get(&archive, Some(&b.1))
        .await
        .problem(403, "forbidden");
    assert_eq!(seen(app, &mine, &a.1).await, a_ballot);
}

#[tokio::test]
async fn constituent_opinions_stay_with_their_station_unit_and_author() {
    let t = town().await;
    let app = &t.app;
    let (a, b) = (&t.deputies[0], &t.deputies[1]);
    let (u1, u2) = (&t.units[0], &t.units[1]);
    let (o1, o2) = (&t.observers[0], &t.observers[1]);
    let station = app
        .post(
            "/api/v1/stations",
            Some(&t.staff),
            &json!({"kind": "station", "name": "古城街道联络站", "deputy_ids": [a.0]}),
        )
        .await;
    let station = id(station.ok(201));
    // Left at A's station and forwarded to unit 0.
    let left = app
        .post(
            "/api/v1/constituent-opinions",
            None,
            &json!({"station_id": station, "content": "小区门口路灯坏了", "phone": "13800001234"}),
        )
        .await;
    let at_station = left.ok(201)["opinion"]["id"].as_str().unwrap().to_owned();
    app.post(
        &format!("/api/v1/constituent-opinions/{at_station}/forward"),
        Some(&t.staff),
        &json!({"unit_id": u1.0, "note": "请核实"}),
    )
    .await
    .ok(200);
    // Left online by observer 0, signed in.
    let left = app
        .post(
            "/api/v1/constituent-opinions",
            Some(&o1.1),
            &json!({"content": "公交站台缺少遮阳棚", "name": "陈静", "phone": "13700002220"}),
        )
        .await;
    let online = left.ok(201)["opinion"]["id"].as_str().unwrap().to_owned();
    let path = |o: &str| format!("/api/v1/constituent-opinions/{o}");
    let before = (
        seen(app, &path(&at_station), &t.staff).await,
        seen(app, &path(&online), &t.staff).await,
    );
    // Those it belongs to see it.
    for (o, token) in [(&at_station, &a.1), (&at_station, &u1.1), (&online, &o1.1)] {
        app.get(&path(o), Some(token)).await.ok(200);
        assert!(
            listed(app, "/api/v1/constituent-opinions", token)
                .await
                .contains(o)
        );
    }

    let route: [(&str, Value); 4] = [
        ("answer", json!({"answer": "已处理"})),
        ("forward", json!({"unit_id": u2.0})),
        (
            "take-up",
            json!({"title": "关于修复路灯的建议", "category": "城乡建设", "term": "第十九届"}),
        ),
        ("unit-reply", json!({"reply": "已修复"})),
    ];
    // A deputy of another station, another unit, another observer: none
    // reads the opinion or acts on it.
    let outsiders: [(&str, &str); 3] =
        [(&at_station, &b.1), (&at_station, &u2.1), (&online, &o2.1)];
    for (o, token) in outsiders {
        refused_as_absent(app, token, "GET", &path(o), o, None, 404, "not_found").await;
        for (op, body) in &route {
            refused_as_absent(
                app,
                token,
                "POST",
                &format!("{}/{op}", path(o)),
                o,
                Some(body),
                404,
                "not_found",
            )
            .await;
        }
        let ids = listed(app, "/api/v1/constituent-opinions", token).await;
        assert!(!ids.contains(&o.to_owned()), "{ids:?}");
        let ids = listed(
            app,
            &format!("/api/v1/constituent-opinions?station_id={station}"),
            token,
        )
        .await;
        assert!(!ids.contains(&at_station), "{ids:?}");
    }
    assert!(
        listed(app, "/api/v1/constituent-opinions", &o2.1)
            .await
            .is_empty()
    );
    assert_eq!(
        (
            seen(app, &path(&at_station), &t.staff).await,
            seen(app, &path(&online), &t.staff).await,
        ),
        before
    );
}

#[tokio::test]
async fn supervision_records_stay_with_their_bodies_and_participants() {
    let t = town().await;
    let app = &t.app;
    let (u1, u2, u3) = (&t.units[0], &t.units[1], &t.units[2]);
    let (member, outsider) = (&t.deputies[0], &t.deputies[1]);
    let (o1, o2) = (&t.observers[0], &t.observers[1]);
    let plan = |bodies: Vec<&str>| {
        let body = json!({"title": "食品安全专题询问", "year": 2026,
                          "methods": ["special_report", "special_inquiry"],
                          "body_ids": bodies, "committee": "教育科学文化卫生委员会",
                          "committee_member_ids": [member.0]});
        let staff = t.staff.clone();
        async move {
            id(app
                .post("/api/v1/supervisions", Some(&staff), &body)
                .await
                .ok(201))
        }
    };
    // Item P supervises units 0 and 1; item Q unit 0 only.
    let p = plan(vec![&u1.0, &u2.0]).await;
    let q = plan(vec![&u1.0]).await;
    let base = format!("/api/v1/supervisions/{p}");
    let step = |op: &'static str| {
        let path = format!("{base}/{op}");
        let staff = t.staff.clone();
        async move {
            app.post(&path, Some(&staff), &json!({}))
                .await
                .ok(200)
                .clone()
        }
    };
    app.post(
        &format!("{base}/observers"),
        Some(&t.staff),
        &json!({"observer_id": o1.0}),
    )
    .await
    .ok(200);
    step("start-investigation").await;
    let today = app.clock.today();
    let rec = app
        .post(
            &format!("{base}/records"),
            Some(&t.staff),
            &json!({"kind": "hearing", "occurred_on": today, "place": "区政府",
                    "findings": "进货查验记录不全"}),
        )
        .await;
    let rec = id(rec.ok(201));
    let inq = app
        .post(
            &format!("{base}/inquiries"),
            Some(&t.staff),
            &json!({"unit_id": u1.0, "asked_by": "王委员", "question": "薄弱环节在哪里？"}),
        )
        .await;
    let inq = id(inq.ok(201));
    let obs = app
        .post(
            &format!("{base}/observations"),
            Some(&o1.1),
            &json!({"content": "建议扩大抽检范围"}),
        )
        .await;
    let obs = id(obs.ok(201));
    step("start-deliberation").await;
    let deadline = (today + chrono::Duration::days(30)).to_string();
    let opinion = |unit: &str, problem: &str| {
        let body = json!({"unit_id": unit, "content": "审议意见", "deadline": deadline,
                          "problems": [problem]});
        let path = format!("{base}/opinions");
        let staff = t.staff.clone();
        async move { app.post(&path, Some(&staff), &body).await.ok(201).clone() }
    };
    let op1 = opinion(&u1.0, "农贸市场进货查验记录不全").await;
    let op2 = opinion(&u2.0, "校园食堂抽检覆盖率偏低").await;
    step("start-rectification").await;
    let answer = |op: &Value| json!({"summary": "整改报告", "answers": [{"problem_id": op["problems"][0]["id"], "measures": "已整改"}]});
    let rep = app
        .post(
            &format!("{base}/opinions/{}/reports", id(&op1)),
            Some(&u1.1),
            &answer(&op1),
        )
        .await;
    let rep = id(rep.ok(201));
    let timeline = app.get(&format!("{base}/timeline"), Some(&t.staff)).await;
    let entry = id(&timeline.ok(200)["items"][0]);
    let problem = op1["problems"][0]["id"].as_str().unwrap().to_owned();
    let (op1, op2) = (id(&op1), id(&op2));

    let subs = [
        "timeline",
        "records",
        "inquiries",
        "opinions",
        "reports",
        "observations",
    ];
    let mut before = vec![seen(app, &base, &t.staff).await];
    for sub in subs {
        before.push(seen(app, &format!("{base}/{sub}?limit=100"), &t.staff).await);
    }
    let entries = [
        format!("timeline/{entry}"),
        format!("records/{rec}"),
        format!("inquiries/{inq}"),
        format!("opinions/{op1}"),
        format!("reports/{rep}"),
        format!("observations/{obs}"),
    ];
    // The participants see it.
    for token in [&u1.1, &u2.1, &member.1, &o1.1] {
        assert!(
            listed(app, "/api/v1/supervisions", token)
                .await
                .contains(&p)
        );
    }

    // A unit it does not supervise, an observer not assigned and a deputy
    // not on the committee find nothing of it.
    for token in [&u3.1, &o2.1, &outsider.1] {
        refused_as_absent(app, token, "GET", &base, &p, None, 404, "not_found").await;
        for sub in subs.iter().chain(&["evaluations"]) {
            refused_as_absent(
                app,
                token,
                "GET",
                &format!("{base}/{sub}"),
                &p,
                None,
                404,
                "not_found",
            )
            .await;
        }
        for e in &entries {
            refused_as_absent(
                app,
                token,
                "GET",
                &format!("{base}/{e}"),
                &p,
                None,
                404,
                "not_found",
            )
            .await;
        }
        let ids = listed(app, "/api/v1/supervisions", token).await;
        assert!(!ids.contains(&p) && !ids.contains(&q), "{ids:?}");
        for (op, body) in [
            (
                format!("opinions/{op1}/reports"),
                json!({"summary": "代报", "answers": []}),
            ),
            ("observations".to_owned(), json!({"content": "代提意见"})),
            ("votes".to_owned(), json!({"choice": "unsatisfied"})),
        ] {
            refused_as_absent(
                app,
                token,
                "POST",
                &format!("{base}/{op}"),
                &p,
                Some(&body),
                404,
                "not_found",
            )
            .await;
        }
        refused_as_absent(
            app,
            token,
            "GET",
            &format!("{base}/votes/mine"),
            &p,
            None,
            404,
            "not_found",
        )
        .await;
    }

    // Unit 1, supervised by P too, sees P but not Q, and of P's records
    // only what is addressed to it.
    refused_as_absent(
        app,
        &u2.1,
        "GET",
        &format!("/api/v1/supervisions/{q}"),
        &q,
        None,
        404,
        "not_found",
    )
    .await;
    assert!(
        !listed(app, "/api/v1/supervisions", &u2.1)
            .await
            .contains(&q)
    );
    for e in [format!("opinions/{op1}"), format!("reports/{rep}")] {
        let real = e.split('/').nth(1).unwrap().to_owned();
        refused_as_absent(
            app,
            &u2.1,
            "GET",
            &format!("{base}/{e}"),
            &real,
            None,
            404,
            "not_found",
        )
        .await;
    }
    assert_eq!(
        listed(app, &format!("{base}/opinions"), &u2.1).await,
        [op2.as_str()]
    );
    assert!(
        listed(app, &format!("{base}/reports"), &u2.1)
            .await
            .is_empty()
    );
    refused_as_absent(
        app,
        &u2.1,
        "POST",
        &format!("{base}/opinions/{op1}/reports"),
        &op1,
        Some(&answer(&json!({"problems": [{"id": ghost()}]}))),
        404,
        "not_found",
    )
    .await;
    // The working records are not for a body at all, whatever it names.
    for (e, real) in [
        (format!("inquiries/{inq}"), &inq),
        (format!("records/{rec}"), &rec),
        (format!("observations/{obs}"), &obs),
        (format!("timeline/{entry}"), &entry),
    ] {
        refused_as_absent(
            app,
            &u2.1,
            "GET",
            &format!("{base}/{e}"),
            real,
            None,
            403,
            "forbidden",
        )
        .await;
    }

    // Through item Q, where it is a body too, unit 0 reaches nothing of
    // P's; nor does the office reach P's problems and observations there.
    let sq = format!("/api/v1/supervisions/{q}");
    for e in [format!("opinions/{op1}"), format!("reports/{rep}")] {
        app.get(&format!("{sq}/{e}"), Some(&u1.1))
            .await
            .problem(404, "not_found");
    }
    app.post(
        &format!("{sq}/opinions/{op1}/reports"),
        Some(&u1.1),
        &json!({"summary": "整改报告", "answers": [{"problem_id": problem, "measures": "已整改"}]}),
    )
    .await
    .problem(404, "not_found");
    app.post(
        &format!("{sq}/problems/{problem}/close-off"),
        Some(&t.staff),
        &json!({}),
    )
    .await
    .problem(404, "not_found");
    app.post(
        &format!("{sq}/observations/{obs}/decide"),
        Some(&t.staff),
        &json!({"adopted": true}),
    )
    .await
    .problem(404, "not_found");

    // Observer 1 neither reads nor edits observer 0's record.
    let record = format!("/api/v1/observers/{}", o1.0);
    let record_before = seen(app, &record, &t.staff).await;
    refused_as_absent(
        app,
        &o2.1,
        "GET",
        &format!("{record}/record"),
        &o1.0,
        None,
        403,
        "forbidden",
    )
    .await;
    refused_as_absent(
        app,
        &o2.1,
        "PATCH",
        &record,
        &o1.0,
        Some(&json!({"phone": "13700009999"})),
        403,
        "forbidden",
    )
    .await;
    app.get(&format!("{record}?unmask=true"), Some(&o2.1))
        .await
        .problem(403, "forbidden");

    // Nothing changed.
    let mut after = vec![seen(app, &base, &t.staff).await];
    for sub in subs {
        after.push(seen(app, &format!("{base}/{sub}?limit=100"), &t.staff).await);
    }
    assert_eq!(after, before);
    assert_eq!(seen(app, &record, &t.staff).await, record_before);
}

#[tokio::test]
async fn a_need_matched_to_one_deputy_is_hidden_from_the_others() {
    let t = town().await;
    let app = &t.app;
    let (a, b) = (&t.deputies[0], &t.deputies[1]);
    let need = app
        .post(
            "/api/v1/needs",
            Some(&t.staff),
            &json!({"requester": "宿城区某机械制造有限公司", "requester_kind": "enterprise",
                    "content": "希望了解高新技术企业认定政策", "contact_phone": "13900001111"}),
        )
        .await;
    let need = id(need.ok(201));
    let path = format!("/api/v1/needs/{need}");
    app.post(
        &format!("{path}/match"),
        Some(&t.staff),
        &json!({"deputy_id": a.0}),
    )
    .await
    .ok(200);
    let before = seen(app, &path, &t.staff).await;
    app.get(&path, Some(&a.1)).await.ok(200);
    assert_eq!(listed(app, "/api/v1/needs", &a.1).await, [need.as_str()]);

    refused_as_absent(app, &b.1, "GET", &path, &need, None, 404, "not_found").await;
    refused_as_absent(
        app,
        &b.1,
        "POST",
        &format!("{path}/close"),
        &need,
        Some(&json!({"note": "已办结"})),
        404,
        "not_found",
    )
    .await;
    refused_as_absent(
        app,
        &b.1,
        "POST",
        &format!("{path}/match"),
        &need,
        Some(&json!({"deputy_id": b.0})),
        403,
        "forbidden",
    )
    .await;
    assert!(listed(app, "/api/v1/needs", &b.1).await.is_empty());
    // Asking for A's needs by filter is refused, not answered.
    app.get(&format!("/api/v1/needs?deputy_id={}", a.0), Some(&b.1))
        .await
        .problem(403, "forbidden");
    assert_eq!(seen(app, &path, &t.staff).await, before);
}

#[tokio::test]
async fn accounts_and_sign_in_histories_are_their_holders() {
    let t = town().await;
    let app = &t.app;
    let (a, b) = (&t.deputies[0], &t.deputies[1]);
    let a_user = id(app.get("/api/v1/me", Some(&a.1)).await.ok(200));
    let secadmin = app.security_admin().await;
    let logins = format!("/api/v1/users/{a_user}/logins");
    let account = format!("/api/v1/users/{a_user}");
    let logins_before = seen(app, &logins, &secadmin).await;
    assert!(!logins_before.0["items"].as_array().unwrap().is_empty());
    let account_before = seen(app, &account, &t.admin).await;

    // B sees neither A's account nor A's sign-ins, and cannot tell an
    // existing account from a made-up id.
    refused_as_absent(app, &b.1, "GET", &logins, &a_user, None, 403, "forbidden").await;
    refused_as_absent(app, &b.1, "GET", &account, &a_user, None, 403, "forbidden").await;
    refused_as_absent(
        app,
        &b.1,
        "PATCH",
        &account,
        &a_user,
        Some(&json!({"display_name": "冒名"})),
        403,
        "forbidden",
    )
    .await;
    // "Mine" is the caller's own.
    let own = app.get("/api/v1/me/logins?limit=200", Some(&b.1)).await;
    let names: Vec<&str> = own.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["username"].as_str().unwrap())
        .collect();
    assert!(
        !names.is_empty() && names.iter().all(|n| *n == "deputy1"),
        "{names:?}"
    );
    assert_eq!(
        app.get("/api/v1/me", Some(&b.1)).await.body["username"],
        "deputy1"
    );
    // The staff and the system administrator do not read sign-ins either.
    for token in [&t.staff, &t.admin] {
        app.get(&logins, Some(token))
            .await
            .problem(403, "forbidden");
    }

    assert_eq!(seen(app, &logins, &secadmin).await, logins_before);
    assert_eq!(seen(app, &account, &t.admin).await, account_before);
}

#[tokio::test]
async fn a_clients_webhooks_are_its_own() {
    let t = town().await;
    let app = &t.app;
    let mut tokens = Vec::new();
    for (i, unit) in t.units.iter().take(2).enumerate() {
        let c = app
            .post(
                "/api/v1/clients",
                Some(&t.admin),
                &json!({"name": format!("OA{i}"), "scopes": ["webhooks:manage", "suggestions:read"],
                        "unit_id": unit.0}),
            )
            .await;
        tokens.push(client_token(app, c.ok(201)).await);
    }
    let (mine, theirs) = (&tokens[0], &tokens[1]);
    let hook = |desc: &str| {
        let body = json!({"url": "https://202.96.134.133/hook", "event_types": ["suggestion.*"],
                          "description": desc});
        let token = mine.clone();
        async move {
            let a = app.post("/api/v1/webhooks", Some(&token), &body).await;
            id(&a.ok(201)["webhook"])
        }
    };
    let kept = hook("民政局 OA 待办").await;
    let gone = hook("旧的订阅").await;
    assert_eq!(
        app.delete(&format!("/api/v1/webhooks/{gone}"), Some(mine))
            .await
            .status,
        204
    );
    let path = format!("/api/v1/webhooks/{kept}");
    let before = seen(app, &path, mine).await;

    refused_as_absent(app, theirs, "GET", &path, &kept, None, 404, "not_found").await;
    for (method, op, body) in [
        (
            "PATCH",
            "",
            Some(json!({"url": "https://202.96.134.134/steal"})),
        ),
        ("DELETE", "", None),
        ("POST", "/secret", Some(json!({}))),
        ("GET", "/deliveries", None),
        (
            "POST",
            "/replay",
            Some(json!({"since": "2020-01-01T00:00:00Z"})),
        ),
    ] {
        refused_as_absent(
            app,
            theirs,
            method,
            &format!("{path}{op}"),
            &kept,
            body.as_ref(),
            404,
            "not_found",
        )
        .await;
    }
    let listed_by_them = listed(app, "/api/v1/webhooks?include_deleted=true", theirs).await;
    assert!(listed_by_them.is_empty(), "{listed_by_them:?}");
    let listed_by_me = listed(app, "/api/v1/webhooks?include_deleted=true", mine).await;
    assert_eq!(listed_by_me.len(), 2);
    assert_eq!(seen(app, &path, mine).await, before);
    assert_eq!(seen(app, &path, &t.admin).await.0, before.0);
}

// ====================================================================
// API3: broken object property level authorization
// ====================================================================

/// One body with a field its caller must not set.
struct Case {
    method: &'static str,
    path: String,
    token: String,
    body: Value,
    /// The field the refusal must name.
    field: String,
}

/// Adds one case per extra field: `base` with that field added.
fn cases(
    list: &mut Vec<Case>,
    method: &'static str,
    path: &str,
    token: &str,
    base: Value,
    extra: &[(&str, Value)],
) {
    for (field, value) in extra {
        let mut body = base.clone();
        assert!(body.get(*field).is_none(), "{field} is part of the base");
        body[*field] = value.clone();
        list.push(Case {
            method,
            path: path.to_owned(),
            token: token.to_owned(),
            body,
            field: (*field).to_owned(),
        });
    }
}

/// A case whose body already holds the field (nested ones).
fn case(
    list: &mut Vec<Case>,
    method: &'static str,
    path: &str,
    token: &str,
    body: Value,
    field: &str,
) {
    list.push(Case {
        method,
        path: path.to_owned(),
        token: token.to_owned(),
        body,
        field: field.to_owned(),
    });
}

/// What the readers see at each path, to compare before and after.
async fn snapshot(app: &TestApp, witnesses: &[(String, String)]) -> Vec<(Value, Option<String>)> {
    let mut out = Vec::new();
    for (path, token) in witnesses {
        out.push(seen(app, path, token).await);
    }
    out
}

/// A livelihood round of the county congress taken to evaluation, with
/// one adopted project; returns (round, project).
async fn round_in_evaluation(t: &Town) -> (String, String) {
    let app = &t.app;
    let r = app
        .post(
            "/api/v1/livelihood-rounds",
            Some(&t.staff),
            &json!({"year": 2027, "level": "county", "term": "第十九届",
                    "title": "2027年民生实事项目", "seats": 1}),
        )
        .await;
    let r = id(r.ok(201));
    let base = format!("/api/v1/livelihood-rounds/{r}");
    let x = app
        .post(
            &format!("{base}/candidates"),
            Some(&t.staff),
            &json!({"title": "老旧小区加装电梯", "description": "说明", "unit_id": t.units[0].0}),
        )
        .await;
    let x = id(x.ok(201));
    let step = |op: &str| format!("{base}/{op}");
    app.post(&step("start-review"), Some(&t.staff), &json!({}))
        .await
        .ok(200);
    app.post(
        &step(&format!("candidates/{x}/review")),
        Some(&t.staff),
        &json!({"shortlist": true, "reason": "群众呼声高"}),
    )
    .await
    .ok(200);
    app.post(&step("start-voting"), Some(&t.staff), &json!({}))
        .await
        .ok(200);
    // Two of the three deputies vote: a quorum.
    for d in &t.deputies[..2] {
        app.post(&step("ballot"), Some(&d.1), &json!({"approve": [x]}))
            .await
            .ok(201);
    }
    for op in ["close-voting", "start-evaluation"] {
        app.post(&step(op), Some(&t.staff), &json!({}))
            .await
            .ok(200);
    }
    (r, x)
}

/// Something of every kind, each in a state its operations accept: what
/// the bodies of the tests below aim at.
struct World {
    t: Town,
    today: String,
    later: String,
    secadmin: String,
    someone: String,
    draft: String,
    s: String,
    duties: String,
    duty: String,
    station: String,
    day: String,
    activity: String,
    need: String,
    online: String,
    forwarded: String,
    p: String,
    q: String,
    sp: String,
    obs: String,
    op1: String,
    problem: String,
    project: String,
    lr: String,
    client: String,
    hook: String,
    clerk: String,
    plan: Value,
}

/// A moment no request may set.
const NOW: &str = "2020-01-01T00:00:00Z";

async fn world() -> World {
    let t = town().await;
    let app = &t.app;
    let today = app.clock.today().to_string();
    let later = (app.clock.today() + chrono::Duration::days(40)).to_string();
    let a = &t.deputies[0];
    let (u1, u2) = (&t.units[0], &t.units[1]);
    let o1 = &t.observers[0];
    let secadmin = app.security_admin().await;
    let someone = ghost();

    // Something of every kind, each in a state its operations accept.
    let draft = t.draft(0, &[]).await;
    let s = t.assigned(&[2], 0, &[1], "red").await;
    let duties = format!("/api/v1/deputies/{}/duties", a.0);
    let duty = app
        .post(
            &duties,
            Some(&a.1),
            &json!({"kind": "research", "occurred_on": today, "title": "调研"}),
        )
        .await;
    let duty = id(duty.ok(201));
    let station = app
        .post(
            "/api/v1/stations",
            Some(&t.staff),
            &json!({"kind": "station", "name": "古城街道联络站", "deputy_ids": [a.0]}),
        )
        .await;
    let station = id(station.ok(201));
    let day = app
        .post(
            &format!("/api/v1/stations/{station}/reception-days"),
            Some(&t.staff),
            &json!({"day": today, "deputy_ids": [a.0]}),
        )
        .await;
    let day = id(day.ok(201));
    let activity = app
        .post(
            "/api/v1/activities",
            Some(&t.staff),
            &json!({"kind": "study", "title": "学习", "day": today, "place": "代表之家", "organiser": "工委"}),
        )
        .await;
    let activity = id(activity.ok(201));
    let need = app
        .post(
            "/api/v1/needs",
            Some(&t.staff),
            &json!({"requester": "某公司", "requester_kind": "enterprise", "content": "政策"}),
        )
        .await;
    let need = id(need.ok(201));
    let online = app
        .post(
            "/api/v1/constituent-opinions",
            Some(&o1.1),
            &json!({"content": "公交站台缺少遮阳棚"}),
        )
        .await;
    let online = online.ok(201)["opinion"]["id"].as_str().unwrap().to_owned();
    let forwarded = app
        .post(
            "/api/v1/constituent-opinions",
            Some(&o1.1),
            &json!({"content": "路灯坏了"}),
        )
        .await;
    let forwarded = forwarded.ok(201)["opinion"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/api/v1/constituent-opinions/{forwarded}/forward"),
        Some(&t.staff),
        &json!({"unit_id": u1.0}),
    )
    .await
    .ok(200);
    let plan = json!({"title": "食品安全专题询问", "year": 2026,
                      "methods": ["special_report", "special_inquiry"],
                      "body_ids": [u1.0, u2.0], "committee": "教科文卫委",
                      "committee_member_ids": [a.0]});
    let p = id(app
        .post("/api/v1/supervisions", Some(&t.staff), &plan)
        .await
        .ok(201));
    let q = id(app
        .post("/api/v1/supervisions", Some(&t.staff), &plan)
        .await
        .ok(201));
    let sp = format!("/api/v1/supervisions/{p}");
    app.post(
        &format!("{sp}/observers"),
        Some(&t.staff),
        &json!({"observer_id": o1.0}),
    )
    .await
    .ok(200);
    for op in ["start-investigation", "start-deliberation"] {
        app.post(&format!("{sp}/{op}"), Some(&t.staff), &json!({}))
            .await
            .ok(200);
    }
    let obs = app
        .post(
            &format!("{sp}/observations"),
            Some(&o1.1),
            &json!({"content": "建议扩大抽检范围"}),
        )
        .await;
    let obs = id(obs.ok(201));
    let op1 = app
        .post(
            &format!("{sp}/opinions"),
            Some(&t.staff),
            &json!({"unit_id": u1.0, "content": "审议意见", "deadline": later, "problems": ["问题"]}),
        )
        .await;
    let op1 = op1.ok(201).clone();
    app.post(
        &format!("{sp}/start-rectification"),
        Some(&t.staff),
        &json!({}),
    )
    .await
    .ok(200);
    let problem = op1["problems"][0]["id"].as_str().unwrap().to_owned();
    let op1 = id(&op1);
    let (round, project) = round_in_evaluation(&t).await;
    let lr = format!("/api/v1/livelihood-rounds/{round}");
    let client = app
        .post(
            "/api/v1/clients",
            Some(&t.admin),
            &json!({"name": "民政局 OA", "scopes": ["suggestions:read"], "unit_id": u1.0}),
        )
        .await;
    let client = client.ok(201)["client"]["id"].as_str().unwrap().to_owned();
    let hook = app
        .post(
            "/api/v1/webhooks",
            Some(&t.admin),
            &json!({"url": "https://202.96.134.133/hook", "event_types": ["*"]}),
        )
        .await;
    let hook = id(&hook.ok(201)["webhook"]);
    let clerk = app
        .create_user(&t.admin, "clerk", &["staff"], json!({}))
        .await;

    World {
        t,
        today,
        later,
        secadmin,
        someone,
        draft,
        s,
        duties,
        duty,
        station,
        day,
        activity,
        need,
        online,
        forwarded,
        p,
        q,
        sp,
        obs,
        op1,
        problem,
        project,
        lr,
        client,
        hook,
        clerk,
        plan,
    }
}

/// Sends every case and expects each refused with 422 naming its field
/// as unknown; then nothing the witnesses read has changed.
async fn refuse_every_case(app: &TestApp, list: &[Case], witnesses: &[(String, String)]) {
    assert!(!list.is_empty());
    let before = snapshot(app, witnesses).await;
    for c in list {
        let token = (!c.token.is_empty()).then_some(c.token.as_str());
        let a = send(app, c.method, &c.path, token, Some(&c.body)).await;
        assert_eq!(
            (a.status.as_u16(), a.fields()),
            (422, vec![c.field.clone()]),
            "{} {} with `{}`: {}",
            c.method,
            c.path,
            c.field,
            a.text
        );
        a.problem(422, "validation_failed");
        assert_eq!(a.body["errors"][0]["code"], "unknown_field", "{}", a.text);
    }
    let after = snapshot(app, witnesses).await;
    for ((path, _), (was, is)) in witnesses.iter().zip(before.iter().zip(&after)) {
        assert_eq!(was, is, "{path}");
    }
}

/// Suggestions: drafting, every step of handling, the catalogue. Each body with a field the server keeps for itself,
/// or that would act for someone else, is refused and changes nothing.
#[tokio::test]
async fn suggestion_bodies_refuse_the_fields_the_server_keeps() {
    let world = world().await;
    let World {
        t,
        today,
        later,
        someone,
        draft,
        s,
        ..
    } = &world;
    let app = &t.app;
    let now = NOW;
    let a = &t.deputies[0];
    let b = &t.deputies[1];
    let c = &t.deputies[2];
    let u1 = &t.units[0];
    let u2 = &t.units[1];
    let mut list = Vec::new();
    let l = &mut list;
    let sg = format!("/api/v1/suggestions/{s}");
    cases(
        l,
        "POST",
        "/api/v1/suggestions",
        &a.1,
        json!({"title": "关于增设公交站台遮阳棚的建议", "content": "建议增设。", "category": "城乡建设",
               "term": "第十九届", "timing": "between_sessions"}),
        &[
            ("id", json!(someone)),
            ("lead_deputy_id", json!(b.0)),
            ("status", json!("registered")),
            ("number", json!("2026-9999")),
            ("color", json!("green")),
            ("due_date", json!(later)),
            ("deadline", json!(later)),
            ("assigned_on", json!(today)),
            ("lead_unit_id", json!(u1.0)),
            ("supervisor_id", json!(t.leader_id)),
            ("created_by", json!(someone)),
            ("created_at", json!(now)),
            ("updated_at", json!(now)),
            ("published_at", json!(now)),
            ("outstanding", json!(true)),
            ("deleted", json!(true)),
        ],
    );
    cases(
        l,
        "PATCH",
        &format!("/api/v1/suggestions/{draft}"),
        &a.1,
        json!({"title": "新标题"}),
        &[
            ("id", json!(someone)),
            ("lead_deputy_id", json!(b.0)),
            ("status", json!("submitted")),
            ("number", json!("2026-9999")),
            ("color", json!("red")),
            ("due_date", json!(later)),
            ("assigned_on", json!(today)),
            ("lead_unit_id", json!(u1.0)),
            ("created_at", json!(now)),
            ("updated_at", json!(now)),
            ("deleted", json!(true)),
            ("version", json!(99)),
        ],
    );
    let action = |op: &str| format!("{sg}/{op}");
    cases(
        l,
        "POST",
        &action("submit"),
        &a.1,
        json!({}),
        &[("status", json!("submitted"))],
    );
    cases(
        l,
        "POST",
        &action("withdraw-co-signature"),
        &c.1,
        json!({}),
        &[("deputy_id", json!(b.0)), ("withdrawn_at", json!(now))],
    );
    cases(
        l,
        "POST",
        &action("register"),
        &t.staff,
        json!({}),
        &[("number", json!("2026-0001"))],
    );
    cases(
        l,
        "POST",
        &action("reject"),
        &t.staff,
        json!({"reason": "不予立案"}),
        &[("status", json!("not_registered"))],
    );
    cases(
        l,
        "POST",
        &action("assign"),
        &t.staff,
        json!({"lead_unit_id": u1.0, "color": "green"}),
        &[("assigned_on", json!(today)), ("status", json!("assigned"))],
    );
    cases(
        l,
        "POST",
        &action("reply"),
        &u1.1,
        json!({"category": "A", "content": "已办理"}),
        &[
            ("replied_at", json!(now)),
            ("round", json!(5)),
            ("unit_id", json!(u2.0)),
            ("status", json!("closed")),
        ],
    );
    case(
        l,
        "POST",
        &action("reply"),
        &u1.1,
        json!({"category": "B", "content": "正在办理",
               "commitment": {"content": "年内完成", "status": "fulfilled"}}),
        "commitment.status",
    );
    cases(
        l,
        "POST",
        &action("co-unit-opinion"),
        &u2.1,
        json!({"opinion": "同意"}),
        &[("unit_id", json!(u1.0)), ("opinion_at", json!(now))],
    );
    cases(
        l,
        "POST",
        &action("evaluate"),
        &a.1,
        json!({"result": "satisfied"}),
        &[("deputy_id", json!(b.0)), ("evaluated_at", json!(now))],
    );
    cases(
        l,
        "POST",
        &action("verifications"),
        &t.staff,
        json!({"content": "现场查看"}),
        &[("id", json!(someone)), ("created_by", json!(someone))],
    );
    cases(
        l,
        "POST",
        &action("supervision-notes"),
        &t.leader,
        json!({"content": "督办"}),
        &[("supervisor_id", json!(someone))],
    );
    cases(
        l,
        "POST",
        &action("sign-off"),
        &t.leader,
        json!({}),
        &[("signed_off_at", json!(now))],
    );
    cases(
        l,
        "POST",
        &action("close"),
        &t.staff,
        json!({}),
        &[("closed_at", json!(now)), ("status", json!("closed"))],
    );
    cases(
        l,
        "POST",
        &action("publish"),
        &t.staff,
        json!({}),
        &[("published_at", json!(now))],
    );
    cases(
        l,
        "POST",
        &action("outstanding"),
        &t.staff,
        json!({"outstanding": true, "reason": "优秀"}),
        &[("outstanding_reason", json!("x")), ("year", json!(2020))],
    );
    cases(
        l,
        "POST",
        &action("requests"),
        &u1.1,
        json!({"kind": "extension", "reason": "需协调", "due_date": later}),
        &[
            ("status", json!("approved")),
            ("decided_by", json!(someone)),
            ("unit_id", json!(u2.0)),
        ],
    );
    cases(
        l,
        "POST",
        &action(&format!("requests/{someone}/decide")),
        &t.staff,
        json!({"approved": false}),
        &[
            ("status", json!("approved")),
            ("decided_by", json!(someone)),
        ],
    );
    cases(
        l,
        "POST",
        &action(&format!("commitments/{someone}/progress")),
        &u1.1,
        json!({"progress": "进展"}),
        &[("status", json!("fulfilled")), ("unit_id", json!(u2.0))],
    );
    cases(
        l,
        "POST",
        "/api/v1/suggestion-categories",
        &t.staff,
        json!({"name": "文化旅游"}),
        &[("id", json!(someone)), ("position", json!(0))],
    );
    cases(
        l,
        "POST",
        "/api/v1/advanced-units",
        &t.staff,
        json!({"year": 2026, "unit_id": u1.0, "reason": "办理及时"}),
        &[("created_at", json!(now)), ("marked_by", json!(someone))],
    );

    let staff = t.staff.clone();
    let w = |path: String, token: &str| (path, token.to_owned());
    let witnesses = vec![
        w("/api/v1/suggestions?limit=100".into(), &a.1),
        w(format!("/api/v1/suggestions/{draft}"), &a.1),
        w(sg.clone(), &staff),
        w(format!("{sg}/timeline?limit=100"), &staff),
        w(format!("{sg}/requests?limit=100"), &staff),
        w("/api/v1/suggestion-categories".into(), &staff),
        w("/api/v1/advanced-units?limit=100".into(), &staff),
    ];
    refuse_every_case(app, &list, &witnesses).await;
}

/// Deputies, their duties and their accounts. Each body with a field the server keeps for itself,
/// or that would act for someone else, is refused and changes nothing.
#[tokio::test]
async fn deputy_duty_and_account_bodies_refuse_the_fields_the_server_keeps() {
    let world = world().await;
    let World {
        t,
        today,
        secadmin,
        someone,
        s,
        duties,
        duty,
        station,
        clerk,
        ..
    } = &world;
    let app = &t.app;
    let now = NOW;
    let a = &t.deputies[0];
    let b = &t.deputies[1];
    let c = &t.deputies[2];
    let mut list = Vec::new();
    let l = &mut list;
    // Deputies, their duties and their accounts.
    cases(
        l,
        "POST",
        "/api/v1/deputies",
        &t.staff,
        json!({"name": "赵六"}),
        &[
            ("id", json!(someone)),
            ("created_at", json!(now)),
            ("station_ids", json!([station])),
            ("personal_data_masked", json!(false)),
            ("deleted", json!(true)),
        ],
    );
    case(
        l,
        "POST",
        "/api/v1/deputies",
        &t.staff,
        json!({"name": "赵六", "memberships": [{"level": "county", "term": "第十九届", "deputy_id": b.0}]}),
        "memberships[0].deputy_id",
    );
    case(
        l,
        "POST",
        "/api/v1/deputies",
        &t.staff,
        json!({"name": "赵六", "links": [{"kind": "community", "organization": "项里社区", "id": someone}]}),
        "links[0].id",
    );
    let deputy_c = format!("/api/v1/deputies/{}", c.0);
    cases(
        l,
        "PATCH",
        &deputy_c,
        &t.staff,
        json!({"occupation": "教师"}),
        &[
            ("id", json!(someone)),
            ("updated_at", json!(now)),
            ("station_ids", json!([station])),
        ],
    );
    cases(
        l,
        "PATCH",
        &format!("/api/v1/deputies/{}", a.0),
        &a.1,
        json!({"phone": "13900009999"}),
        &[("user_id", json!(someone)), ("deleted", json!(true))],
    );
    cases(
        l,
        "POST",
        duties,
        &a.1,
        json!({"kind": "research", "occurred_on": today, "title": "调研"}),
        &[
            ("id", json!(someone)),
            ("deputy_id", json!(b.0)),
            ("manual", json!(false)),
            ("ref_type", json!("suggestion")),
            ("ref_id", json!(s)),
            ("created_by", json!(someone)),
        ],
    );
    cases(
        l,
        "PATCH",
        &format!("{duties}/{duty}"),
        &a.1,
        json!({"title": "调研（改）"}),
        &[
            ("deputy_id", json!(b.0)),
            ("manual", json!(false)),
            ("created_by", json!(someone)),
        ],
    );
    cases(
        l,
        "POST",
        "/api/v1/users",
        &t.admin,
        json!({"username": "newcomer", "password": PASSWORD, "display_name": "新人", "roles": []}),
        &[
            ("id", json!(someone)),
            ("password_hash", json!("$argon2id$v=19$m=19456,t=2,p=1$x$y")),
            ("role", json!("admin")),
            ("failed_logins", json!(0)),
            ("locked_until", json!(null)),
            ("created_at", json!(now)),
        ],
    );
    let user = format!("/api/v1/users/{clerk}");
    cases(
        l,
        "PATCH",
        &user,
        &t.admin,
        json!({"display_name": "文书"}),
        &[
            ("id", json!(someone)),
            ("username", json!("admin")),
            ("password_hash", json!("$argon2id$v=19$m=19456,t=2,p=1$x$y")),
            ("role", json!("admin")),
            ("password_changed_at", json!(now)),
        ],
    );
    cases(
        l,
        "POST",
        "/api/v1/me/password",
        &a.1,
        json!({"current_password": PASSWORD, "new_password": "Another-Pass-2027"}),
        &[
            ("user_id", json!(someone)),
            ("must_change_password", json!(false)),
            ("roles", json!(["admin"])),
        ],
    );
    cases(
        l,
        "POST",
        "/api/v1/auth/login",
        "",
        json!({"username": "deputy0", "password": PASSWORD}),
        &[("roles", json!(["admin"])), ("user_id", json!(someone))],
    );
    cases(
        l,
        "POST",
        "/api/v1/auth/refresh",
        "",
        json!({"refresh_token": "not-a-token"}),
        &[("user_id", json!(someone))],
    );
    cases(
        l,
        "PATCH",
        "/api/v1/security-policy",
        secadmin,
        json!({"session_idle_minutes": 30}),
        &[("updated_by", json!(someone)), ("id", json!(someone))],
    );

    let staff = t.staff.clone();
    let w = |path: String, token: &str| (path, token.to_owned());
    let witnesses = vec![
        w("/api/v1/deputies?limit=100".into(), &staff),
        w(deputy_c.clone(), &staff),
        w(format!("/api/v1/deputies/{}", a.0), &a.1),
        w(format!("{duties}?limit=100"), &a.1),
        w("/api/v1/users?limit=100".into(), &t.admin),
        w(user.clone(), &t.admin),
        w("/api/v1/me".into(), &a.1),
        w("/api/v1/security-policy".into(), secadmin),
    ];
    refuse_every_case(app, &list, &witnesses).await;
}

/// Units, observers, stations, activities, needs. Each body with a field the server keeps for itself,
/// or that would act for someone else, is refused and changes nothing.
#[tokio::test]
async fn unit_observer_station_activity_and_need_bodies_refuse_the_fields_the_server_keeps() {
    let world = world().await;
    let World {
        t,
        today,
        someone,
        station,
        day,
        activity,
        need,
        p,
        ..
    } = &world;
    let app = &t.app;
    let now = NOW;
    let a = &t.deputies[0];
    let u3 = &t.units[2];
    let o1 = &t.observers[0];
    let o2 = &t.observers[1];
    let mut list = Vec::new();
    let l = &mut list;
    // Units, observers, stations, activities, needs.
    cases(
        l,
        "POST",
        "/api/v1/units",
        &t.staff,
        json!({"name": "区法院", "kind": "court"}),
        &[
            ("id", json!(someone)),
            ("created_at", json!(now)),
            ("deleted", json!(true)),
        ],
    );
    cases(
        l,
        "PATCH",
        &format!("/api/v1/units/{}", u3.0),
        &t.staff,
        json!({"contact_person": "李明"}),
        &[
            ("id", json!(someone)),
            ("updated_at", json!(now)),
            ("deleted", json!(true)),
        ],
    );
    cases(
        l,
        "POST",
        "/api/v1/observers",
        &t.staff,
        json!({"name": "新观察员", "specialty": "law", "category": "finance_work"}),
        &[
            ("id", json!(someone)),
            ("user_id", json!(someone)),
            ("created_at", json!(now)),
        ],
    );
    cases(
        l,
        "PATCH",
        &format!("/api/v1/observers/{}", o2.0),
        &t.staff,
        json!({"affiliation": "某会计师事务所"}),
        &[("id", json!(someone)), ("updated_at", json!(now))],
    );
    cases(
        l,
        "PATCH",
        &format!("/api/v1/observers/{}", o1.0),
        &o1.1,
        json!({"phone": "13700009999"}),
        &[("user_id", json!(someone)), ("item_ids", json!([p]))],
    );
    cases(
        l,
        "POST",
        "/api/v1/stations",
        &t.staff,
        json!({"kind": "point", "name": "幸福社区联系点"}),
        &[("id", json!(someone)), ("created_at", json!(now))],
    );
    cases(
        l,
        "PATCH",
        &format!("/api/v1/stations/{station}"),
        &t.staff,
        json!({"name": "古城联络站"}),
        &[("id", json!(someone)), ("deleted", json!(true))],
    );
    let days = format!("/api/v1/stations/{station}/reception-days");
    cases(
        l,
        "POST",
        &days,
        &t.staff,
        json!({"day": today, "deputy_ids": [a.0]}),
        &[("recorded_at", json!(now)), ("people_received", json!(10))],
    );
    cases(
        l,
        "POST",
        &format!("{days}/{day}/record"),
        &a.1,
        json!({"people_received": 3, "matters": ["停车难"]}),
        &[("recorded_by", json!(someone)), ("recorded_at", json!(now))],
    );
    cases(
        l,
        "POST",
        "/api/v1/activities",
        &t.staff,
        json!({"kind": "study", "title": "学习", "day": today, "place": "代表之家", "organiser": "工委"}),
        &[("id", json!(someone)), ("participants", json!([]))],
    );
    let act = format!("/api/v1/activities/{activity}");
    cases(
        l,
        "PATCH",
        &act,
        &t.staff,
        json!({"place": "代表之家二楼"}),
        &[("id", json!(someone)), ("created_at", json!(now))],
    );
    cases(
        l,
        "POST",
        &format!("{act}/attendance"),
        &t.staff,
        json!({"deputy_ids": [a.0]}),
        &[
            ("checked_in_by", json!(someone)),
            ("checked_in_at", json!(now)),
        ],
    );
    cases(
        l,
        "POST",
        "/api/v1/needs",
        &t.staff,
        json!({"requester": "某公司", "requester_kind": "enterprise", "content": "政策"}),
        &[
            ("status", json!("met")),
            ("deputy_id", json!(a.0)),
            ("id", json!(someone)),
        ],
    );
    let nd = format!("/api/v1/needs/{need}");
    cases(
        l,
        "POST",
        &format!("{nd}/match"),
        &t.staff,
        json!({"deputy_id": a.0}),
        &[("status", json!("met"))],
    );
    cases(
        l,
        "POST",
        &format!("{nd}/close"),
        &t.staff,
        json!({"note": "已办结"}),
        &[("status", json!("met"))],
    );

    let staff = t.staff.clone();
    let w = |path: String, token: &str| (path, token.to_owned());
    let witnesses = vec![
        w("/api/v1/units?limit=100".into(), &staff),
        w("/api/v1/observers?limit=100".into(), &staff),
        w(format!("/api/v1/observers/{}", o1.0), &o1.1),
        w("/api/v1/stations?limit=100".into(), &staff),
        w(format!("{days}?limit=100"), &staff),
        w("/api/v1/activities?limit=100".into(), &staff),
        w(format!("{act}/participants?limit=100"), &staff),
        w("/api/v1/needs?limit=100".into(), &staff),
    ];
    refuse_every_case(app, &list, &witnesses).await;
}

/// Constituent opinions. Each body with a field the server keeps for itself,
/// or that would act for someone else, is refused and changes nothing.
#[tokio::test]
async fn constituent_opinion_bodies_refuse_the_fields_the_server_keeps() {
    let world = world().await;
    let World {
        t,
        someone,
        s,
        online,
        forwarded,
        ..
    } = &world;
    let app = &t.app;
    let a = &t.deputies[0];
    let b = &t.deputies[1];
    let u1 = &t.units[0];
    let u2 = &t.units[1];
    let o1 = &t.observers[0];
    let mut list = Vec::new();
    let l = &mut list;
    // Constituent opinions.
    cases(
        l,
        "POST",
        "/api/v1/constituent-opinions",
        &o1.1,
        json!({"content": "路面破损"}),
        &[
            ("status", json!("answered")),
            ("unit_id", json!(u1.0)),
            ("created_by", json!(someone)),
            ("suggestion_id", json!(s)),
            ("answer", json!("已处理")),
        ],
    );
    let opinion = |o: &str, op: &str| format!("/api/v1/constituent-opinions/{o}/{op}");
    cases(
        l,
        "POST",
        &opinion(online, "answer"),
        &t.staff,
        json!({"answer": "已处理"}),
        &[
            ("handled_by", json!(someone)),
            ("status", json!("answered")),
        ],
    );
    cases(
        l,
        "POST",
        &opinion(online, "forward"),
        &t.staff,
        json!({"unit_id": u1.0}),
        &[("status", json!("replied"))],
    );
    cases(
        l,
        "POST",
        &opinion(forwarded, "unit-reply"),
        &u1.1,
        json!({"reply": "已修复"}),
        &[("status", json!("closed")), ("unit_id", json!(u2.0))],
    );
    cases(
        l,
        "POST",
        &opinion(online, "take-up"),
        &a.1,
        json!({"title": "关于增设遮阳棚的建议", "category": "城乡建设", "term": "第十九届"}),
        &[("lead_deputy_id", json!(b.0)), ("suggestion_id", json!(s))],
    );

    let staff = t.staff.clone();
    let w = |path: String, token: &str| (path, token.to_owned());
    let witnesses = vec![w("/api/v1/constituent-opinions?limit=100".into(), &staff)];
    refuse_every_case(app, &list, &witnesses).await;
}

/// Supervision items, their records, opinions, reports and observations. Each body with a field the server keeps for itself,
/// or that would act for someone else, is refused and changes nothing.
#[tokio::test]
async fn supervision_bodies_refuse_the_fields_the_server_keeps() {
    let world = world().await;
    let World {
        t,
        today,
        later,
        someone,
        q,
        sp,
        obs,
        op1,
        problem,
        plan,
        ..
    } = &world;
    let app = &t.app;
    let now = NOW;
    let a = &t.deputies[0];
    let b = &t.deputies[1];
    let u1 = &t.units[0];
    let u2 = &t.units[1];
    let o1 = &t.observers[0];
    let o2 = &t.observers[1];
    let mut list = Vec::new();
    let l = &mut list;
    // Supervision.
    cases(
        l,
        "POST",
        "/api/v1/supervisions",
        &t.staff,
        plan.clone(),
        &[
            ("id", json!(someone)),
            ("stage", json!("closed")),
            ("round", json!(3)),
            ("published_at", json!(now)),
        ],
    );
    let sq = format!("/api/v1/supervisions/{q}");
    cases(
        l,
        "PATCH",
        &sq,
        &t.staff,
        json!({"title": "改名"}),
        &[("stage", json!("closed")), ("observer_ids", json!([o2.0]))],
    );
    cases(
        l,
        "POST",
        &format!("{sq}/start-investigation"),
        &t.staff,
        json!({}),
        &[("stage", json!("closed"))],
    );
    cases(
        l,
        "POST",
        &format!("{sp}/records"),
        &t.staff,
        json!({"kind": "hearing", "occurred_on": today, "place": "区政府", "findings": "发现"}),
        &[("id", json!(someone)), ("created_by", json!(someone))],
    );
    cases(
        l,
        "POST",
        &format!("{sp}/inquiries"),
        &t.staff,
        json!({"asked_by": "王委员", "question": "问题"}),
        &[("id", json!(someone))],
    );
    cases(
        l,
        "POST",
        &format!("{sp}/opinions"),
        &t.staff,
        json!({"unit_id": u1.0, "content": "意见", "deadline": later, "problems": ["问题"]}),
        &[("status", json!("closed")), ("id", json!(someone))],
    );
    let report = format!("{sp}/opinions/{op1}/reports");
    cases(
        l,
        "POST",
        &report,
        &u1.1,
        json!({"summary": "整改报告", "answers": [{"problem_id": problem, "measures": "已整改"}]}),
        &[("unit_id", json!(u2.0)), ("status", json!("closed"))],
    );
    case(
        l,
        "POST",
        &report,
        &u1.1,
        json!({"summary": "整改报告", "answers": [{"problem_id": problem, "measures": "已整改", "status": "closed"}]}),
        "answers[0].status",
    );
    cases(
        l,
        "POST",
        &format!("{sp}/problems/{problem}/close-off"),
        &t.staff,
        json!({}),
        &[("status", json!("closed"))],
    );
    cases(
        l,
        "POST",
        &format!("{sp}/problems/{problem}/send-back"),
        &t.staff,
        json!({"reason": "未落实"}),
        &[("status", json!("sent_back"))],
    );
    cases(
        l,
        "POST",
        &format!("{sp}/votes"),
        &a.1,
        json!({"choice": "satisfied"}),
        &[("deputy_id", json!(b.0)), ("round", json!(2))],
    );
    cases(
        l,
        "POST",
        &format!("{sp}/observers"),
        &t.staff,
        json!({"observer_id": o2.0}),
        &[("assigned_at", json!(now))],
    );
    cases(
        l,
        "POST",
        &format!("{sp}/observations"),
        &o1.1,
        json!({"content": "意见"}),
        &[("status", json!("adopted")), ("observer_id", json!(o2.0))],
    );
    cases(
        l,
        "POST",
        &format!("{sp}/observations/{obs}/decide"),
        &t.staff,
        json!({"adopted": true}),
        &[("decided_by", json!(someone)), ("status", json!("adopted"))],
    );
    for op in ["conclude-evaluation", "publish", "start-evaluation"] {
        cases(
            l,
            "POST",
            &format!("{sp}/{op}"),
            &t.staff,
            json!({}),
            &[("stage", json!("closed")), ("published_at", json!(now))],
        );
    }

    let staff = t.staff.clone();
    let w = |path: String, token: &str| (path, token.to_owned());
    let witnesses = vec![
        w("/api/v1/supervisions?limit=100".into(), &staff),
        w(sp.clone(), &staff),
        w(sq.clone(), &staff),
        w(format!("{sp}/opinions?limit=100"), &staff),
        w(format!("{sp}/reports?limit=100"), &staff),
        w(format!("{sp}/observations?limit=100"), &staff),
        w(format!("{sp}/timeline?limit=100"), &staff),
    ];
    refuse_every_case(app, &list, &witnesses).await;
}

/// Livelihood rounds, candidates and projects. Each body with a field the server keeps for itself,
/// or that would act for someone else, is refused and changes nothing.
#[tokio::test]
async fn livelihood_bodies_refuse_the_fields_the_server_keeps() {
    let world = world().await;
    let World {
        t,
        someone,
        project,
        lr,
        ..
    } = &world;
    let app = &t.app;
    let now = NOW;
    let a = &t.deputies[0];
    let b = &t.deputies[1];
    let u1 = &t.units[0];
    let mut list = Vec::new();
    let l = &mut list;
    // Livelihood rounds.
    cases(
        l,
        "POST",
        "/api/v1/livelihood-rounds",
        &t.staff,
        json!({"year": 2028, "level": "county", "term": "第十九届", "title": "票决", "seats": 1}),
        &[("stage", json!("closed")), ("id", json!(someone))],
    );
    for op in ["start-review", "close-voting", "close"] {
        cases(
            l,
            "POST",
            &format!("{lr}/{op}"),
            &t.staff,
            json!({}),
            &[("stage", json!("closed"))],
        );
    }
    cases(
        l,
        "POST",
        &format!("{lr}/break-tie"),
        &t.staff,
        json!({"adopt": [], "reason": "主任会议决定"}),
        &[("stage", json!("implementing"))],
    );
    cases(
        l,
        "POST",
        &format!("{lr}/candidates"),
        &a.1,
        json!({"title": "项目", "description": "说明"}),
        &[
            ("source", json!("government")),
            ("status", json!("adopted")),
            ("proposer_deputy_id", json!(b.0)),
            ("approvals", json!(100)),
        ],
    );
    cases(
        l,
        "POST",
        &format!("{lr}/candidates/{project}/review"),
        &t.staff,
        json!({"shortlist": true, "reason": "理由"}),
        &[("approvals", json!(100)), ("status", json!("adopted"))],
    );
    cases(
        l,
        "POST",
        &format!("{lr}/ballot"),
        &b.1,
        json!({"approve": []}),
        &[("deputy_id", json!(a.0)), ("cast_at", json!(now))],
    );
    let proj = format!("{lr}/projects/{project}");
    cases(
        l,
        "POST",
        &format!("{proj}/progress"),
        &u1.1,
        json!({"percent": 50, "note": "进展"}),
        &[("reported_by", json!(someone)), ("id", json!(someone))],
    );
    cases(
        l,
        "POST",
        &format!("{proj}/comments"),
        &a.1,
        json!({"content": "建议"}),
        &[("deputy_id", json!(b.0))],
    );
    cases(
        l,
        "POST",
        &format!("{proj}/rating"),
        &b.1,
        json!({"choice": "satisfied"}),
        &[("deputy_id", json!(a.0)), ("rated_at", json!(now))],
    );

    let staff = t.staff.clone();
    let w = |path: String, token: &str| (path, token.to_owned());
    let witnesses = vec![
        w("/api/v1/livelihood-rounds?limit=100".into(), &staff),
        w(lr.clone(), &staff),
        w(format!("{lr}/candidates?limit=100"), &staff),
        w(format!("{lr}/candidates/{project}"), &staff),
        w(format!("{proj}/progress?limit=100"), &staff),
        w(format!("{proj}/comments?limit=100"), &staff),
    ];
    refuse_every_case(app, &list, &witnesses).await;
}

/// Service clients and webhooks. Each body with a field the server keeps for itself,
/// or that would act for someone else, is refused and changes nothing.
#[tokio::test]
async fn client_and_webhook_bodies_refuse_the_fields_the_server_keeps() {
    let world = world().await;
    let World {
        t,
        someone,
        client,
        hook,
        ..
    } = &world;
    let app = &t.app;
    let now = NOW;
    let u2 = &t.units[1];
    let mut list = Vec::new();
    let l = &mut list;
    // Service clients and webhooks.
    cases(
        l,
        "POST",
        "/api/v1/clients",
        &t.admin,
        json!({"name": "住建局 OA", "scopes": ["suggestions:read"], "unit_id": u2.0}),
        &[
            ("id", json!(someone)),
            ("client_secret", json!("chosen-by-the-caller-0123456789")),
            ("secret_hash", json!("x")),
            ("status", json!("active")),
        ],
    );
    let cl = format!("/api/v1/clients/{client}");
    cases(
        l,
        "PATCH",
        &cl,
        &t.admin,
        json!({"name": "民政局 OA 系统"}),
        &[
            ("client_secret", json!("chosen-by-the-caller-0123456789")),
            ("id", json!(someone)),
        ],
    );
    cases(
        l,
        "POST",
        &format!("{cl}/secret"),
        &t.admin,
        json!({"overlap_hours": 1}),
        &[("client_secret", json!("chosen-by-the-caller-0123456789"))],
    );
    cases(
        l,
        "POST",
        "/api/v1/webhooks",
        &t.admin,
        json!({"url": "https://202.96.134.133/other", "event_types": ["*"]}),
        &[
            ("owner_client_id", json!(client)),
            ("audience_unit_id", json!(u2.0)),
            ("id", json!(someone)),
        ],
    );
    let wh = format!("/api/v1/webhooks/{hook}");
    cases(
        l,
        "PATCH",
        &wh,
        &t.admin,
        json!({"description": "办公室"}),
        &[
            ("owner_client_id", json!(client)),
            ("audience_unit_id", json!(u2.0)),
        ],
    );
    cases(
        l,
        "POST",
        &format!("{wh}/secret"),
        &t.admin,
        json!({}),
        &[("owner_client_id", json!(client))],
    );
    cases(
        l,
        "POST",
        &format!("{wh}/replay"),
        &t.admin,
        json!({"since": now}),
        &[("queued", json!(100)), ("webhook_id", json!(someone))],
    );

    let w = |path: String, token: &str| (path, token.to_owned());
    let witnesses = vec![
        w("/api/v1/clients?limit=100".into(), &t.admin),
        w("/api/v1/webhooks?limit=100".into(), &t.admin),
        w(wh.clone(), &t.admin),
    ];
    refuse_every_case(app, &list, &witnesses).await;
}

/// The imports take columns, and refuse those that are not theirs.
#[tokio::test]
async fn imports_refuse_the_columns_the_server_keeps() {
    let world = world().await;
    let World { t, someone, .. } = &world;
    let app = &t.app;
    let now = NOW;
    let staff = t.staff.clone();
    let w = |path: String, token: &str| (path, token.to_owned());
    let witnesses = vec![
        w("/api/v1/units?limit=100".into(), &staff),
        w("/api/v1/deputies?limit=100".into(), &staff),
    ];
    let before = snapshot(app, &witnesses).await;
    // The imports take columns, and refuse those that are not theirs.
    for (path, csv, refused) in [
        (
            "/api/v1/units/import",
            format!("名称,类型,id,created_at\n区档案馆,政府部门,{someone},{now}\n"),
            ["rows[1].id", "rows[1].created_at"],
        ),
        (
            "/api/v1/deputies/import",
            format!("姓名,id,deleted\n孙七,{someone},true\n"),
            ["rows[1].id", "rows[1].deleted"],
        ),
    ] {
        let a = Answer::read(
            app.request(reqwest::Method::POST, path, Some(&t.staff))
                .header("content-type", "text/csv")
                .body(csv)
                .send()
                .await
                .unwrap(),
        )
        .await;
        a.problem(422, "validation_failed");
        assert_eq!(a.fields(), refused, "{}", a.text);
        assert!(
            a.body["errors"]
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e["code"] == "unknown_column"),
            "{}",
            a.text
        );
    }

    let after = snapshot(app, &witnesses).await;
    assert_eq!(before, after);
}

#[tokio::test]
async fn fields_a_role_may_not_set_are_refused_and_not_stored() {
    let t = town().await;
    let app = &t.app;
    let (a, b) = (&t.deputies[0], &t.deputies[1]);
    let o1 = &t.observers[0];
    let secadmin = app.security_admin().await;
    let me = |token: &str| {
        let token = token.to_owned();
        async move { id(app.get("/api/v1/me", Some(&token)).await.ok(200)) }
    };
    let (a_user, sec_user) = (me(&a.1).await, me(&secadmin).await);
    let clerk = app
        .create_user(&t.admin, "clerk", &["staff"], json!({}))
        .await;
    let today = app.clock.today().to_string();
    let duties = format!("/api/v1/deputies/{}/duties", a.0);
    let duty = app
        .post(
            &duties,
            Some(&a.1),
            &json!({"kind": "research", "occurred_on": today, "title": "调研"}),
        )
        .await;
    let duty = id(duty.ok(201));
    // Submitting a suggestion writes a system record in A's archive.
    let s = t.draft(0, &[]).await;
    t.op(&a.1, &s, "submit", json!({})).await.ok(200);
    let archive = app.get(&format!("{duties}?limit=100"), Some(&a.1)).await;
    let system = archive.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "suggestion_submitted")
        .map(id)
        .unwrap();

    let witnesses = vec![
        ("/api/v1/users?limit=100".to_owned(), t.admin.clone()),
        (format!("/api/v1/users/{clerk}"), t.admin.clone()),
        (format!("/api/v1/users/{a_user}"), t.admin.clone()),
        (format!("/api/v1/users/{sec_user}"), secadmin.clone()),
        ("/api/v1/me".to_owned(), a.1.clone()),
        (format!("/api/v1/deputies/{}", a.0), a.1.clone()),
        (format!("/api/v1/observers/{}", o1.0), o1.1.clone()),
        (format!("{duties}?limit=100"), a.1.clone()),
        (format!("{duties}/{duty}"), a.1.clone()),
    ];
    let before = snapshot(app, &witnesses).await;

    // Roles and links of accounts: each is one administrator's, and
    // nobody else's.
    let user = |u: &str| format!("/api/v1/users/{u}");
    let refusals: Vec<(&str, String, &str, Value, u16, &str)> = vec![
        (
            "POST",
            "/api/v1/users".into(),
            &t.admin,
            json!({"username": "boss", "password": PASSWORD, "display_name": "x", "roles": ["admin"]}),
            403,
            "administrative_roles_reserved",
        ),
        (
            "POST",
            "/api/v1/users".into(),
            &t.admin,
            json!({"username": "boss", "password": PASSWORD, "display_name": "x", "roles": ["staff", "audit_admin"]}),
            403,
            "administrative_roles_reserved",
        ),
        (
            "POST",
            "/api/v1/users".into(),
            &t.staff,
            json!({"username": "boss", "password": PASSWORD, "display_name": "x", "roles": ["staff"],
                   "must_change_password": false}),
            403,
            "forbidden",
        ),
        (
            "PATCH",
            user(&clerk),
            &t.admin,
            json!({"roles": ["staff", "leader"]}),
            403,
            "forbidden",
        ),
        (
            "PATCH",
            user(&clerk),
            &t.admin,
            json!({"unlock": true}),
            403,
            "forbidden",
        ),
        (
            "PATCH",
            user(&clerk),
            &secadmin,
            json!({"display_name": "x"}),
            403,
            "forbidden",
        ),
        (
            "PATCH",
            user(&clerk),
            &secadmin,
            json!({"deputy_id": b.0}),
            403,
            "forbidden",
        ),
        (
            "PATCH",
            user(&clerk),
            &secadmin,
            json!({"unit_id": t.units[0].0}),
            403,
            "forbidden",
        ),
        (
            "PATCH",
            user(&clerk),
            &secadmin,
            json!({"must_change_password": true}),
            403,
            "forbidden",
        ),
        (
            "PATCH",
            user(&clerk),
            &secadmin,
            json!({"status": "disabled"}),
            403,
            "forbidden",
        ),
        (
            "PATCH",
            user(&sec_user),
            &secadmin,
            json!({"roles": ["security_admin", "staff"]}),
            403,
            "own_roles",
        ),
        (
            "PATCH",
            user(&a_user),
            &a.1,
            json!({"roles": ["deputy", "staff"]}),
            403,
            "forbidden",
        ),
        (
            "PATCH",
            user(&a_user),
            &a.1,
            json!({"deputy_id": b.0}),
            403,
            "forbidden",
        ),
        (
            "PATCH",
            user(&a_user),
            &a.1,
            json!({"must_change_password": false}),
            403,
            "forbidden",
        ),
        (
            "PATCH",
            "/api/v1/me".into(),
            &a.1,
            json!({"roles": ["admin"]}),
            405,
            "method_not_allowed",
        ),
        (
            "PUT",
            "/api/v1/me".into(),
            &a.1,
            json!({"roles": ["admin"]}),
            405,
            "method_not_allowed",
        ),
    ];
    for (method, path, token, body, status, code) in &refusals {
        let r = send(app, method, path, Some(token), Some(body)).await;
        assert_eq!(
            r.status.as_u16(),
            *status,
            "{method} {path} {body}: {}",
            r.text
        );
        r.problem(*status, code);
    }

    // A deputy's own profile and an observer's own record: the fields the
    // office keeps are refused by name.
    for (field, value) in [
        ("name", json!("张三")),
        ("gender", json!("female")),
        ("birth_date", json!("1980-01-01")),
        ("party", json!("无党派")),
        ("ethnicity", json!("回族")),
        ("status", json!("inactive")),
        (
            "memberships",
            json!([{"level": "municipal", "term": "第十九届"}]),
        ),
        ("links", json!([])),
    ] {
        let r = app
            .patch(
                &format!("/api/v1/deputies/{}", a.0),
                Some(&a.1),
                &json!({"phone": "13900009999", field: value}),
            )
            .await;
        r.problem(422, "validation_failed");
        assert_eq!(r.fields(), [field], "{}", r.text);
        assert_eq!(r.body["errors"][0]["code"], "not_editable", "{}", r.text);
    }
    for (field, value) in [
        ("name", json!("某某")),
        ("specialty", json!("finance_audit")),
        ("category", json!("rural_revitalization")),
        ("status", json!("inactive")),
        ("term_start", json!("2020-01-01")),
        ("term_end", json!("2099-12-31")),
    ] {
        let r = app
            .patch(
                &format!("/api/v1/observers/{}", o1.0),
                Some(&o1.1),
                &json!({"phone": "13700009999", field: value}),
            )
            .await;
        r.problem(422, "validation_failed");
        assert_eq!(r.fields(), [field], "{}", r.text);
        assert_eq!(r.body["errors"][0]["code"], "not_editable", "{}", r.text);
    }

    // The kinds of duty the system writes are not a deputy's to write, and
    // what the system wrote is not a deputy's to change.
    let r = app
        .post(
            &duties,
            Some(&a.1),
            &json!({"kind": "livelihood_ballot", "occurred_on": today, "title": "投票"}),
        )
        .await;
    r.problem(422, "validation_failed");
    assert_eq!(r.fields(), ["kind"]);
    assert_eq!(r.body["errors"][0]["code"], "system_kind");
    let r = app
        .patch(
            &format!("{duties}/{duty}"),
            Some(&a.1),
            &json!({"kind": "supervision_vote"}),
        )
        .await;
    r.problem(422, "validation_failed");
    assert_eq!(r.fields(), ["kind"]);
    let system_path = format!("{duties}/{system}");
    let system_before = seen(app, &system_path, &a.1).await;
    app.patch(&system_path, Some(&a.1), &json!({"title": "改写"}))
        .await
        .problem(409, "system_record");
    app.delete(&system_path, Some(&a.1))
        .await
        .problem(409, "system_record");
    assert_eq!(seen(app, &system_path, &a.1).await, system_before);
    // Another deputy learns that the record is not theirs to change, not
    // what is wrong with the body they sent.
    app.patch(
        &format!("{duties}/{duty}"),
        Some(&b.1),
        &json!({"kind": "supervision_vote", "title": ""}),
    )
    .await
    .problem(403, "forbidden");

    let after = snapshot(app, &witnesses).await;
    for ((path, _), (was, is)) in witnesses.iter().zip(before.iter().zip(&after)) {
        assert_eq!(was, is, "{path}");
    }
}

#[tokio::test]
async fn what_the_server_ignores_it_does_not_store() {
    let t = town().await;
    let app = &t.app;
    let (a, b) = (&t.deputies[0], &t.deputies[1]);
    let someone = ghost();
    let a_user = id(app.get("/api/v1/me", Some(&a.1)).await.ok(200));

    // An upload takes its file and its kind: another part of the form is
    // refused (the form has one field), other parameters are ignored, and
    // the stored attachment is described by the server alone.
    let s = t.draft(0, &[]).await;
    let upload = |form: reqwest::multipart::Form| {
        app.request(
            reqwest::Method::POST,
            &format!(
                "/api/v1/suggestions/{s}/attachments?kind=material&id={someone}&uploaded_by={}&sha256={}",
                b.0,
                "0".repeat(64)
            ),
            Some(&a.1),
        )
        .multipart(form)
        .send()
    };
    let file = || reqwest::multipart::Part::bytes(pdf()).file_name("材料.pdf");
    for (name, value) in [
        ("id", someone.clone()),
        ("kind", "reply_letter".to_owned()),
        ("sha256", "0".repeat(64)),
        ("uploaded_by", b.0.clone()),
        ("content_type", "text/html".to_owned()),
        ("size", "1".to_owned()),
    ] {
        let form = reqwest::multipart::Form::new()
            .text(name, value)
            .part("file", file());
        let refused = Answer::read(upload(form).await.unwrap()).await;
        refused.problem(422, "validation_failed");
        assert_eq!(refused.fields(), [name], "{}", refused.text);
    }
    let r = Answer::read(
        upload(reqwest::multipart::Form::new().part("file", file()))
            .await
            .unwrap(),
    )
    .await;
    let stored = r.ok(201).clone();
    use sha2::Digest;
    let want = json!({
        "kind": "material",
        "content_type": "application/pdf",
        "size": pdf().len(),
        "sha256": hex::encode(sha2::Sha256::digest(pdf())),
        "uploaded_by": a_user,
        "file_name": "材料.pdf",
    });
    for (k, v) in want.as_object().unwrap() {
        assert_eq!(&stored[k], v, "{k}: {}", r.text);
    }
    assert_ne!(stored["id"], someone.as_str());
    let listed = app
        .get(&format!("/api/v1/suggestions/{s}/attachments"), Some(&a.1))
        .await;
    // A live object in a list says so, as tombstones do the opposite.
    let mut in_list = stored.clone();
    in_list["deleted"] = json!(false);
    assert_eq!(listed.ok(200)["items"], json!([in_list]));

    // Signing up and checking in take no body: whoever sends one still
    // signs up and checks in only themselves.
    let today = app.clock.today();
    let act = app
        .post(
            "/api/v1/activities",
            Some(&t.staff),
            &json!({"kind": "study", "title": "学习", "day": today, "place": "代表之家", "organiser": "工委"}),
        )
        .await;
    let act = id(act.ok(201));
    for op in ["sign-up", "check-in"] {
        let r = app
            .post(
                &format!("/api/v1/activities/{act}/{op}"),
                Some(&a.1),
                &json!({"deputy_id": b.0, "signed_up_at": "2020-01-01T00:00:00Z",
                        "checked_in_by": someone}),
            )
            .await;
        assert_eq!(r.ok(200)["deputy_id"], a.0.as_str(), "{op}: {}", r.text);
        assert_ne!(r.body["signed_up_at"], "2020-01-01T00:00:00Z");
    }
    let who: Vec<String> = app
        .get(
            &format!("/api/v1/activities/{act}/participants"),
            Some(&t.staff),
        )
        .await
        .ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["deputy_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(who, [a.0.as_str()]);
    let b_archive = app
        .get(&format!("/api/v1/deputies/{}/duties", b.0), Some(&b.1))
        .await;
    assert_eq!(b_archive.ok(200)["items"], json!([]));

    // The token request of a service client ignores parameters it does not
    // know (RFC 6749 §3.2): none of them widens the client.
    let created = app
        .post(
            "/api/v1/clients",
            Some(&t.admin),
            &json!({"name": "民政局 OA", "scopes": ["webhooks:manage", "suggestions:read"],
                    "unit_id": t.units[0].0}),
        )
        .await;
    let created = created.ok(201).clone();
    let r = app
        .post(
            "/api/v1/auth/token",
            None,
            &json!({
                "grant_type": "client_credentials",
                "client_id": created["client"]["id"],
                "client_secret": created["client_secret"],
                "scopes": ["suggestions:reply", "deputies:read"],
                "roles": ["admin"],
                "unit_id": t.units[1].0,
                "user_id": a_user,
            }),
        )
        .await;
    let granted = r.ok(200).clone();
    let mut scopes: Vec<&str> = granted["scope"].as_str().unwrap().split(' ').collect();
    scopes.sort();
    assert_eq!(scopes, ["suggestions:read", "webhooks:manage"]);
    let token = granted["access_token"].as_str().unwrap();
    app.get("/api/v1/users", Some(token))
        .await
        .problem(403, "insufficient_scope");
    let hook = app
        .post(
            "/api/v1/webhooks",
            Some(token),
            &json!({"url": "https://202.96.134.133/hook", "event_types": ["suggestion.*"]}),
        )
        .await;
    let hook = hook.ok(201).clone();
    assert_eq!(hook["webhook"]["audience_unit_id"], t.units[0].0.as_str());
    assert_eq!(hook["webhook"]["owner_client_id"], created["client"]["id"]);
}

#[tokio::test]
async fn no_answer_shows_a_property_its_reader_may_not_see() {
    let t = town().await;
    let app = &t.app;
    let (a, b) = (&t.deputies[0], &t.deputies[1]);
    let (o1, o2) = (&t.observers[0], &t.observers[1]);
    let profile = format!("/api/v1/deputies/{}", a.0);
    app.patch(
        &profile,
        Some(&t.staff),
        &json!({"birth_date": "1975-03-18"}),
    )
    .await
    .ok(200);

    // A deputy's phone and birth date: the deputy's and the office's.
    let own = app.get(&profile, Some(&a.1)).await;
    assert_eq!(own.ok(200)["phone"], "13900001110");
    assert_eq!(own.body["birth_date"], "1975-03-18");
    // (The list takes no `unmask`; asking for it changes nothing.)
    let others = app
        .get("/api/v1/deputies?limit=100&unmask=true", Some(&b.1))
        .await;
    let listed_a = others.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == a.0.as_str())
        .cloned()
        .unwrap();
    for view in [
        app.get(&profile, Some(&b.1)).await.ok(200).clone(),
        app.get(&profile, None).await.ok(200).clone(),
        listed_a,
    ] {
        assert_eq!(view["phone"], "139****1110", "{view}");
        assert!(view["birth_date"].is_null(), "{view}");
        assert_eq!(view["personal_data_masked"], true);
    }
    let csv = app
        .get("/api/v1/deputies/export.csv", Some(&b.1))
        .await
        .text;
    assert!(csv.contains("139****1110"), "{csv}");
    assert!(
        !csv.contains("13900001110") && !csv.contains("1975-03-18"),
        "{csv}"
    );
    for path in [
        format!("{profile}?unmask=true"),
        "/api/v1/deputies/export.csv?unmask=true".to_owned(),
    ] {
        app.get(&path, Some(&b.1)).await.problem(403, "forbidden");
    }

    // An observer's contact details: the observer's and the office's.
    let record = format!("/api/v1/observers/{}", o1.0);
    assert_eq!(
        app.get(&record, Some(&o1.1)).await.ok(200)["phone"],
        "13700002220"
    );
    let all = app.get("/api/v1/observers?limit=100", Some(&o2.1)).await;
    let listed_o1 = all.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == o1.0.as_str())
        .cloned()
        .unwrap();
    for view in [
        app.get(&record, Some(&o2.1)).await.ok(200).clone(),
        listed_o1,
    ] {
        assert_eq!(view["phone"], "137****2220", "{view}");
    }

    // Who left an opinion: the person, and the office's staff on an
    // audited request; never the unit or the deputies it reaches.
    let station = app
        .post(
            "/api/v1/stations",
            Some(&t.staff),
            &json!({"kind": "station", "name": "古城街道联络站", "deputy_ids": [a.0]}),
        )
        .await;
    let station = id(station.ok(201));
    let left = app
        .post(
            "/api/v1/constituent-opinions",
            None,
            &json!({"station_id": station, "content": "路灯坏了", "name": "张先生", "phone": "13800001234"}),
        )
        .await;
    let opinion = left.ok(201)["opinion"]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/constituent-opinions/{opinion}");
    app.post(
        &format!("{path}/forward"),
        Some(&t.staff),
        &json!({"unit_id": t.units[0].0}),
    )
    .await
    .ok(200);
    for token in [&t.units[0].1, &a.1, &t.staff, &t.leader] {
        let v = app.get(&path, Some(token)).await;
        assert!(v.ok(200)["submitter_name"].is_null(), "{}", v.text);
        assert_eq!(v.body["submitter_phone"], "138****1234");
        let l = listed(app, "/api/v1/constituent-opinions", token).await;
        assert!(l.contains(&opinion));
    }
    for token in [&t.units[0].1, &a.1, &t.leader] {
        app.get(&format!("{path}?unmask=true"), Some(token))
            .await
            .problem(403, "forbidden");
    }
    let unmasked = app
        .get(&format!("{path}?unmask=true"), Some(&t.staff))
        .await;
    assert_eq!(unmasked.ok(200)["submitter_name"], "张先生");

    // Secrets are never read back: password hashes, a client's secret, a
    // webhook's signing secret.
    let client = app
        .post(
            "/api/v1/clients",
            Some(&t.admin),
            &json!({"name": "民政局 OA", "scopes": ["webhooks:manage", "suggestions:read"],
                    "unit_id": t.units[0].0}),
        )
        .await;
    let client = client.ok(201).clone();
    let client_secret = client["client_secret"].as_str().unwrap().to_owned();
    let hook = app
        .post(
            "/api/v1/webhooks",
            Some(&t.admin),
            &json!({"url": "https://202.96.134.133/hook", "event_types": ["*"],
                    "secret": "a-signing-secret-of-ours-0123456789"}),
        )
        .await;
    let hook = id(&hook.ok(201)["webhook"]);
    let secadmin = app.security_admin().await;
    let a_user = id(app.get("/api/v1/me", Some(&a.1)).await.ok(200));
    let client_id = client["client"]["id"].as_str().unwrap();
    for (path, token) in [
        ("/api/v1/users?limit=100".to_owned(), &t.admin),
        (format!("/api/v1/users/{a_user}"), &t.admin),
        (format!("/api/v1/users/{a_user}"), &secadmin),
        ("/api/v1/me".to_owned(), &a.1),
        ("/api/v1/clients?limit=100".to_owned(), &t.admin),
        (format!("/api/v1/clients/{client_id}"), &t.admin),
        ("/api/v1/webhooks?limit=100".to_owned(), &t.admin),
        (format!("/api/v1/webhooks/{hook}"), &t.admin),
    ] {
        let r = app.get(&path, Some(token)).await;
        r.ok(200);
        for secret in [
            "$argon2",
            "password_hash",
            "\"password\"",
            client_secret.as_str(),
            "\"client_secret\"",
            "a-signing-secret-of-ours-0123456789",
            "\"secret\"",
        ] {
            assert!(
                !r.text.contains(secret),
                "{path} shows {secret}: {}",
                r.text
            );
        }
    }
}
