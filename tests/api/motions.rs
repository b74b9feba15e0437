//! Motions (议案) of a session, through the real HTTP stack: drafting and
//! signing, the threshold, registration and numbering, the presidium's
//! decisions, the committee's report, and every refusal.

use serde_json::{Value, json};

use crate::helpers::{Answer, TestApp, spawn_app};

/// A township session in progress (a joint motion needs 5 deputies), six
/// township deputies and one county deputy, the office and a leader.
struct Session {
    app: TestApp,
    staff: String,
    leader: String,
    session: String,
    deputies: Vec<String>,
    tokens: Vec<String>,
    county_deputy: String,
    county_deputy_id: String,
}

async fn session() -> Session {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let staff = app.staff().await;
    let leader = app
        .user_token(&admin, "leader", &["leader"], json!({}))
        .await;
    let mut deputies = Vec::new();
    let mut tokens = Vec::new();
    for i in 0..6 {
        let d = app
            .create_deputy(
                &staff,
                json!({"name": format!("乡代表{i}"), "memberships": [{"level": "township", "term": "第十八届", "delegation": "城关镇代表团"}]}),
            )
            .await;
        let id = d["id"].as_str().unwrap().to_owned();
        tokens.push(
            app.user_token(
                &admin,
                &format!("deputy{i}"),
                &["deputy"],
                json!({"deputy_id": id}),
            )
            .await,
        );
        deputies.push(id);
    }
    let c = app
        .create_deputy(
            &staff,
            json!({"name": "县代表", "memberships": [{"level": "county", "term": "第十八届"}]}),
        )
        .await;
    let county_deputy = app
        .user_token(&admin, "county", &["deputy"], json!({"deputy_id": c["id"]}))
        .await;
    let s = app
        .post(
            "/api/v1/congress-sessions",
            Some(&staff),
            &json!({"level": "township", "term": "第十八届", "number": 3,
                    "opens_on": "2026-12-01", "closes_on": "2026-12-31"}),
        )
        .await;
    let session = s.ok(201)["id"].as_str().unwrap().to_owned();
    app.post(
        &format!("/api/v1/congress-sessions/{session}/open"),
        Some(&staff),
        &json!({}),
    )
    .await
    .ok(200);
    Session {
        app,
        staff,
        leader,
        session,
        deputies,
        tokens,
        county_deputy,
        county_deputy_id: c["id"].as_str().unwrap().to_owned(),
    }
}

impl Session {
    async fn op(&self, token: &str, id: &str, op: &str, body: Value) -> Answer {
        self.app
            .post(&format!("/api/v1/motions/{id}/{op}"), Some(token), &body)
            .await
    }

    async fn get(&self, token: &str, id: &str) -> Answer {
        self.app
            .get(&format!("/api/v1/motions/{id}"), Some(token))
            .await
    }

    /// A joint motion by deputy 0 asking deputies 1 to 5 to sign.
    async fn draft(&self) -> String {
        let a = self
            .app
            .post(
                "/api/v1/motions",
                Some(&self.tokens[0]),
                &json!({
                    "title": "关于制定农村人居环境整治办法的议案",
                    "reason": "农村生活垃圾处理缺少制度保障。",
                    "proposal": "建议制定乡镇人居环境整治办法。",
                    "signer_ids": self.deputies[1..].to_vec()
                }),
            )
            .await;
        a.ok(201)["id"].as_str().unwrap().to_owned()
    }

    /// A draft signed by deputies 1 to 4: five with the drafter.
    async fn signed(&self) -> String {
        let id = self.draft().await;
        for t in &self.tokens[1..5] {
            self.op(t, &id, "sign", json!({})).await.ok(200);
        }
        id
    }

    /// A motion signed, submitted and registered.
    async fn registered(&self) -> String {
        let id = self.signed().await;
        self.op(&self.tokens[0], &id, "submit", json!({}))
            .await
            .ok(200);
        self.op(&self.staff, &id, "register", json!({}))
            .await
            .ok(200);
        id
    }

    async fn duty_kinds(&self, deputy: usize) -> Vec<String> {
        let a = self
            .app
            .get(
                &format!("/api/v1/deputies/{}/duties", self.deputies[deputy]),
                Some(&self.staff),
            )
            .await;
        a.ok(200)["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["kind"].as_str().unwrap().to_owned())
            .collect()
    }
}

#[tokio::test]
async fn a_joint_motion_goes_from_draft_to_the_committees_report() {
    let s = session().await;
    let id = s.draft().await;
    let m = s.get(&s.tokens[0], &id).await;
    let m = m.ok(200);
    assert_eq!(m["status"], "draft");
    assert_eq!(
        (m["deputies_counted"].as_u64(), m["threshold"].as_u64()),
        (Some(1), Some(5))
    );
    assert_eq!(m["congress_session_id"], s.session.as_str());
    assert_eq!(m["signers"].as_array().unwrap().len(), 5);

    // Asked is not agreed: the drafter alone is one of five.
    let short = s.op(&s.tokens[0], &id, "submit", json!({})).await;
    short.problem(422, "threshold_not_met");
    assert_eq!(short.fields(), ["signer_ids"]);
    for t in &s.tokens[1..4] {
        s.op(t, &id, "sign", json!({})).await.ok(200);
    }
    let declined = s.op(&s.tokens[4], &id, "decline", json!({})).await;
    assert_eq!(declined.ok(200)["deputies_counted"], 4);
    s.op(&s.tokens[0], &id, "submit", json!({}))
        .await
        .problem(422, "threshold_not_met");
    s.op(&s.tokens[5], &id, "sign", json!({})).await.ok(200);
    assert!(motions_to_register(&s).await.is_empty());
    let submitted = s.op(&s.tokens[0], &id, "submit", json!({})).await;
    assert_eq!(submitted.ok(200)["status"], "submitted");
    assert_eq!(submitted.body["deputies_counted"], 5);
    // Filed, it waits for the office to register it.
    assert_eq!(motions_to_register(&s).await, [id.as_str()]);
    // Too late to change one's mind.
    s.op(&s.tokens[4], &id, "sign", json!({}))
        .await
        .problem(409, "invalid_state");

    let registered = s.op(&s.staff, &id, "register", json!({})).await;
    assert_eq!(
        registered.ok(200)["number"],
        "第十八届第三次会议 议案第001号"
    );
    assert!(motions_to_register(&s).await.is_empty());
    let decided = s
        .op(
            &s.staff,
            &id,
            "decide",
            json!({"decision": "on_agenda", "committee": " 法制委员会 ", "report_due": "2027-03-01"}),
        )
        .await;
    let d = decided.ok(200);
    assert_eq!(
        (d["status"].as_str(), d["committee"].as_str()),
        (Some("on_agenda"), Some("法制委员会"))
    );
    s.op(
        &s.staff,
        &id,
        "decide",
        json!({"decision": "not_accepted", "reason": "重复"}),
    )
    .await
    .problem(409, "invalid_state");
    let reported = s
        .op(
            &s.staff,
            &id,
            "report",
            json!({"content": "建议列入明年工作计划。"}),
        )
        .await;
    assert_eq!(reported.ok(200)["status"], "reported");

    let timeline = s
        .app
        .get(
            &format!("/api/v1/motions/{id}/timeline"),
            Some(&s.tokens[3]),
        )
        .await;
    let actions: Vec<&str> = timeline.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "created",
            "signed",
            "signed",
            "signed",
            "declined",
            "signed",
            "submitted",
            "registered",
            "put_on_agenda",
            "reported"
        ]
    );
    // The drafter and each deputy who agreed have it on their record; the
    // one who declined has not.
    assert_eq!(s.duty_kinds(0).await, ["motion_submitted"]);
    assert_eq!(s.duty_kinds(5).await, ["motion_co_signed"]);
    assert!(s.duty_kinds(4).await.is_empty());

    let stats = s
        .app
        .get(
            &format!("/api/v1/congress-sessions/{}/motion-stats", s.session),
            Some(&s.leader),
        )
        .await;
    assert_eq!(stats.ok(200)["filed"], 1);
    assert_eq!(stats.body["by_status"], json!({"reported": 1}));
    let trail = s
        .app
        .get(
            &format!("/api/v1/audit-events?object_type=motion&object_id={id}"),
            Some(&s.app.auditor().await),
        )
        .await;
    assert_eq!(trail.ok(200)["items"].as_array().unwrap().len(), 10);
}

#[tokio::test]
async fn a_motion_handled_as_a_suggestion_becomes_one_of_the_session() {
    let s = session().await;
    let id = s.registered().await;
    let before = s.get(&s.staff, &id).await.ok(200).clone();
    s.op(
        &s.staff,
        &id,
        "decide",
        json!({"decision": "as_suggestion", "category": "无此类别"}),
    )
    .await
    .problem(422, "validation_failed");
    assert_eq!(s.get(&s.staff, &id).await.ok(200)["status"], "registered");
    let decided = s
        .op(
            &s.staff,
            &id,
            "decide",
            json!({"decision": "as_suggestion", "category": "城乡建设", "reason": "宜作为建议交政府研究办理"}),
        )
        .await;
    let m = decided.ok(200);
    assert_eq!(m["status"], "as_suggestion");
    let suggestion = m["suggestion_id"].as_str().unwrap().to_owned();
    let sg = s
        .app
        .get(
            &format!("/api/v1/suggestions/{suggestion}"),
            Some(&s.tokens[2]),
        )
        .await;
    let sg = sg.ok(200);
    assert_eq!(sg["status"], "registered");
    assert_eq!(sg["number"], "第十八届第三次会议 第0001号");
    assert_eq!(sg["congress_session_id"], s.session.as_str());
    assert_eq!(
        (sg["source"].as_str(), sg["source_ref"].as_str()),
        (Some("motion"), Some(id.as_str()))
    );
    assert_eq!(sg["lead_deputy_id"], s.deputies[0].as_str());
    let mut co: Vec<&str> = sg["co_signers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["deputy_id"].as_str().unwrap())
        .collect();
    co.sort();
    let mut want: Vec<&str> = s.deputies[1..5].iter().map(String::as_str).collect();
    want.sort();
    assert_eq!(
        co, want,
        "the signers who agreed, not deputy 5 who never did"
    );
    assert_eq!(
        (before["decided_at"].clone(), m["decided_at"].is_string()),
        (Value::Null, true)
    );
    let steps = s
        .app
        .get(
            &format!("/api/v1/suggestions/{suggestion}/timeline"),
            Some(&s.staff),
        )
        .await;
    assert_eq!(steps.ok(200)["items"][0]["action"], "created_from_motion");
    assert_eq!(steps.body["items"][0]["detail"]["motion_id"], id.as_str());
}

#[tokio::test]
async fn a_delegation_needs_no_count_and_two_deciding_at_once_leave_one_decision() {
    let s = session().await;
    let a = s
        .app
        .post(
            "/api/v1/motions",
            Some(&s.tokens[0]),
            &json!({
                "title": "关于加快城关镇污水管网建设的议案", "reason": "管网老化。",
                "proposal": "建议分三年改造。", "proposer": "delegation", "delegation": "城关镇代表团"
            }),
        )
        .await;
    let m = a.ok(201);
    assert_eq!(
        (m["threshold"].clone(), m["delegation"].as_str()),
        (Value::Null, Some("城关镇代表团"))
    );
    // Only a delegation the drafter sits in.
    let other = s
        .app
        .post(
            "/api/v1/motions",
            Some(&s.tokens[0]),
            &json!({"title": "议案", "reason": "理由", "proposal": "方案",
                    "proposer": "delegation", "delegation": "耿车镇代表团"}),
        )
        .await;
    other.problem(422, "validation_failed");
    assert_eq!(other.fields(), ["delegation"]);
    let id = m["id"].as_str().unwrap().to_owned();
    s.op(&s.tokens[0], &id, "submit", json!({})).await.ok(200);
    s.op(&s.staff, &id, "register", json!({})).await.ok(200);
    let other_staff = s
        .app
        .user_token(&s.app.admin().await, "staff2", &["staff"], json!({}))
        .await;
    let path = format!("/api/v1/motions/{id}/decide");
    let agenda =
        json!({"decision": "on_agenda", "committee": "城建环保委员会", "report_due": "2027-03-01"});
    let refuse = json!({"decision": "not_accepted", "reason": "不属于本级人大职权范围"});
    let (x, y) = tokio::join!(
        s.app.post(&path, Some(&s.staff), &agenda),
        s.app.post(&path, Some(&other_staff), &refuse)
    );
    let mut statuses = [x.status.as_u16(), y.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    let winner = if x.status.as_u16() == 200 { &x } else { &y };
    let now = s.get(&s.staff, &id).await;
    assert_eq!(now.ok(200)["status"], winner.body["status"]);
    let decisions = s
        .app
        .get(&format!("/api/v1/motions/{id}/timeline"), Some(&s.staff))
        .await;
    let n = decisions.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "put_on_agenda" || e["action"] == "not_accepted")
        .count();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn refusals_name_the_reason_and_change_nothing() {
    let s = session().await;
    let body = |signers: Vec<&str>| json!({"title": "议案", "reason": "理由", "proposal": "方案", "signer_ids": signers});
    // Outside a session of one's level; not a deputy; bad fields.
    s.app
        .post("/api/v1/motions", Some(&s.county_deputy), &body(vec![]))
        .await
        .problem(409, "session_not_open");
    s.app
        .post("/api/v1/motions", Some(&s.staff), &body(vec![]))
        .await
        .problem(403, "forbidden");
    let unknown = s
        .app
        .post(
            "/api/v1/motions",
            Some(&s.tokens[0]),
            &body(vec![
                s.deputies[1].as_str(),
                "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4fff",
            ]),
        )
        .await;
    unknown.problem(422, "validation_failed");
    assert_eq!(unknown.fields(), ["signer_ids[1]"]);
    // Only deputies of the session's level sign: a county deputy cannot.
    let county_id = s.county_deputy_id.clone();
    let elsewhere = s
        .app
        .post(
            "/api/v1/motions",
            Some(&s.tokens[0]),
            &body(vec![county_id.as_str()]),
        )
        .await;
    elsewhere.problem(422, "validation_failed");
    assert_eq!(elsewhere.fields(), ["signer_ids[0]"]);
    assert_eq!(elsewhere.body["errors"][0]["code"], "not_serving");
    let unnamed = s
        .app
        .post(
            "/api/v1/motions",
            Some(&s.tokens[0]),
            &json!({"title": " ", "reason": "理由", "proposal": "方案", "proposer": "delegation"}),
        )
        .await;
    unnamed.problem(422, "validation_failed");
    assert_eq!(unnamed.fields(), ["title"]);
    let listed = s
        .app
        .get("/api/v1/motions?include_total=true", Some(&s.tokens[0]))
        .await;
    assert_eq!(listed.ok(200)["total"], 0, "nothing was drafted");

    // Who sees a draft, and who may act on it.
    let id = s.signed().await;
    s.get(&s.staff, &id).await.problem(404, "not_found");
    s.get(&s.county_deputy, &id).await.problem(404, "not_found");
    s.get(&s.tokens[5], &id).await.ok(200);
    s.op(&s.tokens[1], &id, "submit", json!({}))
        .await
        .problem(403, "forbidden");
    s.op(&s.tokens[0], &id, "sign", json!({}))
        .await
        .problem(403, "forbidden");
    s.op(&s.tokens[0], &id, "register", json!({}))
        .await
        .problem(403, "forbidden");
    let stale = s
        .app
        .request(
            reqwest::Method::POST,
            &format!("/api/v1/motions/{id}/submit"),
            Some(&s.tokens[0]),
        )
        .header("if-match", "\"1\"")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 412);

    // The session closes before the drafter submits.
    s.app
        .post(
            &format!("/api/v1/congress-sessions/{}/close", s.session),
            Some(&s.staff),
            &json!({}),
        )
        .await
        .ok(200);
    s.op(&s.tokens[0], &id, "submit", json!({}))
        .await
        .problem(409, "session_not_open");
    let still = s.get(&s.tokens[0], &id).await;
    assert_eq!(still.ok(200)["status"], "draft");
    s.app
        .get(
            &format!("/api/v1/congress-sessions/{}/motion-stats", s.session),
            Some(&s.tokens[0]),
        )
        .await
        .problem(403, "forbidden");
}

#[tokio::test]
async fn the_office_sees_filed_motions_and_decisions_refuse_bad_fields() {
    let s = session().await;
    let id = s.registered().await;
    let draft = s.draft().await;
    let listed = s
        .app
        .get(
            &format!(
                "/api/v1/motions?congress_session_id={}&include_total=true",
                s.session
            ),
            Some(&s.leader),
        )
        .await;
    assert_eq!(
        listed.ok(200)["total"],
        1,
        "the draft is not the office's yet"
    );
    assert_eq!(listed.body["items"][0]["id"], id.as_str());
    let mine = s
        .app
        .get("/api/v1/motions?include_total=true", Some(&s.tokens[5]))
        .await;
    assert_eq!(mine.ok(200)["total"], 2, "asked to sign both");
    s.op(&s.staff, &draft, "register", json!({}))
        .await
        .problem(404, "not_found");

    let past = s
        .op(
            &s.staff,
            &id,
            "decide",
            json!({"decision": "on_agenda", "committee": "法制委员会", "report_due": "2020-01-01"}),
        )
        .await;
    past.problem(422, "validation_failed");
    assert_eq!(past.fields(), ["report_due"]);
    let blank = s
        .op(
            &s.staff,
            &id,
            "decide",
            json!({"decision": "not_accepted", "reason": "  "}),
        )
        .await;
    blank.problem(422, "validation_failed");
    s.op(&s.staff, &id, "decide", json!({"decision": "maybe"}))
        .await
        .problem(422, "validation_failed");
    s.op(
        &s.tokens[0],
        &id,
        "decide",
        json!({"decision": "not_accepted", "reason": "理由"}),
    )
    .await
    .problem(403, "forbidden");
    s.op(&s.staff, &id, "report", json!({"content": "报告"}))
        .await
        .problem(409, "invalid_state");
    let m = s.get(&s.staff, &id).await;
    assert_eq!(
        (m.ok(200)["status"].as_str(), m.body["decided_at"].clone()),
        (Some("registered"), Value::Null)
    );
}

/// The motions waiting for the office to register them.
async fn motions_to_register(s: &Session) -> Vec<String> {
    let t = s
        .app
        .get("/api/v1/me/tasks?kind=register_motion", Some(&s.staff))
        .await;
    t.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            assert_eq!(
                i["subject"]["link"],
                format!("/api/v1/motions/{}", i["subject"]["id"].as_str().unwrap())
            );
            i["subject"]["id"].as_str().unwrap().to_owned()
        })
        .collect()
}
