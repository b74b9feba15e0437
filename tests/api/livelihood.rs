//! Livelihood projects voted by deputies: a full round, secret and open
//! ballots, the exact tally with its majority rule and reported ties,
//! concurrent duplicate ballots, and every refusal.

use renda_domain::time::Clock;
use serde_json::{Value, json};

use crate::helpers::{Answer, TestApp, spawn_app, spawn_app_with};

struct World {
    app: TestApp,
    admin: String,
    staff: String,
    leader: String,
    unit_a: (String, String),
    unit_b: (String, String),
    /// Deputies of the county congress, 19th term: (deputy id, token).
    members: Vec<(String, String)>,
    /// A township deputy: not of the round's congress.
    outsider: String,
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

async fn world(members: usize) -> World {
    world_on(spawn_app().await, members).await
}

async fn world_on(app: TestApp, members: usize) -> World {
    let admin = app.admin().await;
    let staff = app
        .user_token(&admin, "office", &["staff"], json!({}))
        .await;
    let leader = app
        .user_token(&admin, "leader", &["leader"], json!({}))
        .await;
    let mut units = Vec::new();
    for (i, name) in ["区住房和城乡建设局", "区教育局"].iter().enumerate() {
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
    let mut list = Vec::new();
    for i in 0..members {
        let d = id(&app
            .create_deputy(
                &staff,
                json!({"name": format!("代表{i}"),
                       "memberships": [{"level": "county", "term": "第十九届"}]}),
            )
            .await);
        let t = app
            .user_token(
                &admin,
                &format!("member{i}"),
                &["deputy"],
                json!({"deputy_id": d}),
            )
            .await;
        list.push((d, t));
    }
    let o = id(&app
        .create_deputy(
            &staff,
            json!({"name": "镇代表", "memberships": [{"level": "township", "term": "第十九届"}]}),
        )
        .await);
    let outsider = app
        .user_token(&admin, "outsider", &["deputy"], json!({"deputy_id": o}))
        .await;
    let unit_b = units.pop().unwrap();
    let unit_a = units.pop().unwrap();
    World {
        app,
        admin,
        staff,
        leader,
        unit_a,
        unit_b,
        members: list,
        outsider,
    }
}

impl World {
    async fn round(&self, seats: u32, secret: bool) -> String {
        let r = self
            .app
            .post(
                "/api/v1/livelihood-rounds",
                Some(&self.staff),
                &json!({"year": 2027, "level": "county", "term": "第十九届",
                        "title": "2027年民生实事项目", "seats": seats, "secret_ballot": secret}),
            )
            .await;
        id(r.ok(201))
    }

    async fn step(&self, round: &str, op: &str, body: Value) -> Value {
        self.app
            .post(
                &format!("/api/v1/livelihood-rounds/{round}/{op}"),
                Some(&self.staff),
                &body,
            )
            .await
            .ok(200)
            .clone()
    }

    async fn propose(&self, round: &str, token: Option<&str>, title: &str) -> String {
        let a = self
            .app
            .post(
                &format!("/api/v1/livelihood-rounds/{round}/candidates"),
                token,
                &json!({"title": title, "description": "说明", "estimated_budget": 1_000_000,
                        "unit_id": self.unit_a.0}),
            )
            .await;
        id(a.ok(201))
    }

    async fn shortlist(&self, round: &str, c: &str) {
        let a = self
            .app
            .post(
                &format!("/api/v1/livelihood-rounds/{round}/candidates/{c}/review"),
                Some(&self.staff),
                &json!({"shortlist": true, "reason": "群众呼声高"}),
            )
            .await;
        assert_eq!(a.ok(200)["status"], "shortlisted");
    }

    async fn vote(&self, round: &str, member: usize, approve: &[&str], against: &[&str]) -> u16 {
        self.app
            .post(
                &format!("/api/v1/livelihood-rounds/{round}/ballot"),
                Some(&self.members[member].1),
                &json!({"approve": approve, "against": against}),
            )
            .await
            .status
            .as_u16()
    }
}

#[tokio::test]
async fn a_whole_number_written_with_a_fraction_is_an_integer() {
    let w = world(0).await;
    let body = |year: Value| {
        json!({"year": year, "level": "county", "term": "第十九届",
               "title": "2028年民生实事项目", "seats": 3.0, "secret_ballot": false})
    };
    // JSON Schema reads 2028.0 as the integer 2028, and so does the server.
    let r = w
        .app
        .post(
            "/api/v1/livelihood-rounds",
            Some(&w.staff),
            &body(json!(2028.0)),
        )
        .await;
    assert_eq!(r.ok(201)["year"], 2028, "{}", r.text);
    assert_eq!(r.body["seats"], 3);
    // A fraction is not an integer.
    let bad = w
        .app
        .post(
            "/api/v1/livelihood-rounds",
            Some(&w.staff),
            &body(json!(2028.5)),
        )
        .await;
    bad.problem(422, "validation_failed");
    assert_eq!(bad.fields(), ["year"], "{}", bad.text);
}

#[tokio::test]
async fn a_repeat_under_another_if_match_is_another_request() {
    let w = world(0).await;
    let r = w.round(3, false).await;
    let send = |if_match: &'static str| {
        w.app
            .request(
                reqwest::Method::POST,
                &format!("/api/v1/livelihood-rounds/{r}/start-review"),
                Some(&w.staff),
            )
            .header("idempotency-key", "review-1")
            .header("if-match", if_match)
            .json(&json!({}))
            .send()
    };
    let first = Answer::read(send("\"1\"").await.unwrap()).await;
    let again = Answer::read(send("\"1\"").await.unwrap()).await;
    assert_eq!(again.status, first.status, "{}", again.text);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    // The precondition is part of the request: under another If-Match the
    // key names another request, and the first answer is not replayed.
    for other in ["\"2\"", ""] {
        let a = Answer::read(send(other).await.unwrap()).await;
        a.problem(422, "idempotency_key_reused");
    }
}

#[tokio::test]
async fn a_full_round_from_collecting_to_closed() {
    let w = world(5).await;
    let app = &w.app;
    let r = w.round(2, true).await;
    let base = format!("/api/v1/livelihood-rounds/{r}");

    // Anyone proposes while collecting; the source says who.
    let a = w.propose(&r, None, "老旧小区加装电梯").await;
    let b = w
        .propose(&r, Some(&w.members[0].1), "校园周边交通改善")
        .await;
    let c = w.propose(&r, Some(&w.staff), "社区养老服务中心").await;
    let d = w.propose(&r, None, "城区公厕改造").await;
    let cands = app.get(&format!("{base}/candidates"), None).await;
    let sources: Vec<&str> = cands.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["public", "deputy", "government", "public"]);
    app.post(&format!("{base}/ballot"), Some(&w.members[0].1), &json!({}))
        .await
        .problem(409, "invalid_state");
    app.post(&format!("{base}/start-review"), Some(&w.leader), &json!({}))
        .await
        .problem(403, "forbidden");
    // No shortlist before review; nothing on the ballot, no vote.
    app.post(&format!("{base}/start-voting"), Some(&w.staff), &json!({}))
        .await
        .problem(409, "invalid_state");
    assert_eq!(
        w.step(&r, "start-review", json!({})).await["stage"],
        "reviewing"
    );
    app.post(
        &format!("{base}/candidates"),
        None,
        &json!({"title": "迟到的项目", "description": "x"}),
    )
    .await
    .problem(409, "invalid_state");
    for x in [&a, &b, &c] {
        w.shortlist(&r, x).await;
    }
    // Every candidate gets a reasoned decision before the vote.
    app.post(&format!("{base}/start-voting"), Some(&w.staff), &json!({}))
        .await
        .problem(409, "candidates_undecided");
    let rej = app
        .post(
            &format!("{base}/candidates/{d}/review"),
            Some(&w.staff),
            &json!({"shortlist": false, "reason": "已列入部门年度计划"}),
        )
        .await;
    assert_eq!(rej.ok(200)["review_reason"], "已列入部门年度计划");
    w.step(&r, "start-voting", json!({})).await;

    // Refusals: a non-member, too many approvals, an unshortlisted candidate.
    app.post(
        &format!("{base}/ballot"),
        Some(&w.outsider),
        &json!({"approve": [a]}),
    )
    .await
    .problem(403, "forbidden");
    app.post(
        &format!("{base}/ballot"),
        Some(&w.staff),
        &json!({"approve": [a]}),
    )
    .await
    .problem(403, "forbidden");
    app.post(
        &format!("{base}/ballot"),
        Some(&w.members[0].1),
        &json!({"approve": [a, b, c]}),
    )
    .await
    .problem(422, "validation_failed");
    app.post(
        &format!("{base}/ballot"),
        Some(&w.members[0].1),
        &json!({"approve": [d]}),
    )
    .await
    .problem(422, "validation_failed");
    app.post(
        &format!("{base}/ballot"),
        Some(&w.members[0].1),
        &json!({"approve": [a], "against": [a]}),
    )
    .await
    .problem(422, "validation_failed");
    app.get(&format!("{base}/results"), None)
        .await
        .problem(409, "invalid_state");

    // Five ballots: A 5 approvals, B 3, C 2 (no majority of 5).
    assert_eq!(w.vote(&r, 0, &[&a, &b], &[]).await, 201);
    assert_eq!(w.vote(&r, 1, &[&a, &b], &[&c]).await, 201);
    assert_eq!(w.vote(&r, 2, &[&a, &b], &[]).await, 201);
    assert_eq!(w.vote(&r, 3, &[&a, &c], &[]).await, 201);
    assert_eq!(w.vote(&r, 4, &[&a, &c], &[&b]).await, 201);
    let again = app
        .post(
            &format!("{base}/ballot"),
            Some(&w.members[0].1),
            &json!({"approve": [c]}),
        )
        .await;
    again.problem(409, "already_voted");
    let round = app.get(&base, None).await;
    assert_eq!(round.ok(200)["ballots_cast"], 5);

    // A secret ballot: who voted is known, what they chose is not.
    let voters = app.get(&format!("{base}/ballots"), Some(&w.leader)).await;
    let voters = voters.ok(200)["items"].as_array().unwrap().clone();
    assert_eq!(voters.len(), 5);
    assert!(voters.iter().all(|v| v["marks"].is_null()));
    app.get(&format!("{base}/ballots"), Some(&w.admin))
        .await
        .problem(403, "forbidden");
    let mine = app
        .get(&format!("{base}/ballots/mine"), Some(&w.members[0].1))
        .await;
    assert!(mine.ok(200)["marks"].is_null());
    let audit = app
        .get(
            &format!("/api/v1/audit-events?object_id={r}&limit=100"),
            Some(&w.app.auditor().await),
        )
        .await;
    let ballots: Vec<&Value> = audit.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "ballot")
        .collect();
    assert_eq!(ballots.len(), 5);
    assert!(ballots.iter().all(|e| e["after"].get("marks").is_none()));

    let closed = w.step(&r, "close-voting", json!({})).await;
    assert_eq!(closed["stage"], "implementing");
    let res = app.get(&format!("{base}/results"), None).await;
    let res = res.ok(200);
    assert_eq!(res["ballots_cast"], 5);
    let rows: Vec<(String, u64, u64, u64, bool)> = res["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["candidate_id"].as_str().unwrap().to_owned(),
                c["approvals"].as_u64().unwrap(),
                c["against"].as_u64().unwrap(),
                c["abstentions"].as_u64().unwrap(),
                c["adopted"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (a.clone(), 5, 0, 0, true),
            (b.clone(), 3, 1, 1, true),
            (c.clone(), 2, 1, 2, false),
        ]
    );
    let projects = app
        .get(&format!("{base}/candidates?status=adopted"), None)
        .await;
    assert_eq!(projects.ok(200)["items"].as_array().unwrap().len(), 2);

    // Implementation: the unit reports, deputies comment.
    let progress = format!("{base}/projects/{a}/progress");
    app.post(
        &progress,
        Some(&w.unit_b.1),
        &json!({"percent": 50, "note": "x"}),
    )
    .await
    .problem(403, "forbidden");
    app.post(
        &progress,
        Some(&w.unit_a.1),
        &json!({"percent": 101, "note": "x"}),
    )
    .await
    .problem(422, "validation_failed");
    app.post(
        &progress,
        Some(&w.unit_a.1),
        &json!({"percent": 60, "note": "已完成18个小区加装"}),
    )
    .await
    .ok(201);
    app.post(
        &format!("{base}/projects/{c}/progress"),
        Some(&w.unit_a.1),
        &json!({"percent": 1, "note": "x"}),
    )
    .await
    .problem(404, "not_found");
    app.post(
        &format!("{base}/projects/{a}/comments"),
        Some(&w.members[2].1),
        &json!({"content": "建议优先安排老年人多的小区"}),
    )
    .await
    .ok(201);
    let rate = format!("{base}/projects/{a}/rating");
    app.post(
        &rate,
        Some(&w.members[0].1),
        &json!({"choice": "satisfied"}),
    )
    .await
    .problem(409, "invalid_state");

    // Evaluation: each member rates each project once.
    w.step(&r, "start-evaluation", json!({})).await;
    for (i, choice) in [
        "satisfied",
        "satisfied",
        "basically_satisfied",
        "unsatisfied",
    ]
    .iter()
    .enumerate()
    {
        let a = app
            .post(&rate, Some(&w.members[i].1), &json!({"choice": choice}))
            .await;
        a.ok(201);
    }
    app.post(
        &rate,
        Some(&w.members[0].1),
        &json!({"choice": "unsatisfied"}),
    )
    .await
    .problem(409, "already_rated");
    app.post(&rate, Some(&w.outsider), &json!({"choice": "satisfied"}))
        .await
        .problem(403, "forbidden");
    let detail = app.get(&format!("{base}/candidates/{a}"), None).await;
    let detail = detail.ok(200);
    assert_eq!(detail["project"]["percent"], 60);
    assert_eq!(
        detail["project"]["ratings"],
        json!({"satisfied": 2, "basically_satisfied": 1, "unsatisfied": 1})
    );
    assert_eq!(detail["approvals"], 5);
    w.step(&r, "close", json!({})).await;

    // The ballot and the rating are duties of the deputy.
    let duties = app
        .get(
            &format!("/api/v1/deputies/{}/duties", w.members[0].0),
            Some(&w.members[0].1),
        )
        .await;
    let mut kinds: Vec<&str> = duties.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    kinds.sort();
    assert_eq!(kinds, ["livelihood_ballot", "livelihood_rating"]);
    let tl = app.get(&format!("{base}/timeline"), None).await;
    let stages: Vec<&str> = tl.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["to_stage"].as_str().unwrap())
        .collect();
    assert_eq!(
        stages,
        [
            "collecting",
            "reviewing",
            "voting",
            "implementing",
            "evaluating",
            "closed"
        ]
    );
}

#[tokio::test]
async fn an_open_ballot_shows_marks_and_without_a_majority_nothing_is_adopted() {
    let w = world(3).await;
    let app = &w.app;
    let r = w.round(1, false).await;
    let base = format!("/api/v1/livelihood-rounds/{r}");
    let a = w.propose(&r, Some(&w.staff), "项目甲").await;
    let b = w.propose(&r, Some(&w.staff), "项目乙").await;
    w.step(&r, "start-review", json!({})).await;
    w.shortlist(&r, &a).await;
    w.shortlist(&r, &b).await;
    w.step(&r, "start-voting", json!({})).await;
    assert_eq!(w.vote(&r, 0, &[&a], &[]).await, 201);
    assert_eq!(w.vote(&r, 1, &[&b], &[]).await, 201);
    assert_eq!(w.vote(&r, 2, &[], &[]).await, 201);
    // An open ballot shows who chose what.
    let voters = app.get(&format!("{base}/ballots"), Some(&w.staff)).await;
    let marks: Vec<Value> = voters.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["marks"].clone())
        .collect();
    assert!(marks.contains(&json!([{"candidate_id": a, "choice": "approve"}])));
    assert!(marks.contains(&json!([])));
    let mine = app
        .get(&format!("{base}/ballots/mine"), Some(&w.members[1].1))
        .await;
    assert_eq!(
        mine.ok(200)["marks"],
        json!([{"candidate_id": b, "choice": "approve"}])
    );
    // 1 of 3 is no majority: nothing adopted, and no tie to break.
    w.step(&r, "close-voting", json!({})).await;
    app.post(
        &format!("{base}/break-tie"),
        Some(&w.staff),
        &json!({"adopt": [a], "reason": "x"}),
    )
    .await
    .problem(422, "validation_failed");
    let res = app.get(&format!("{base}/results"), None).await;
    assert!(
        res.ok(200)["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["adopted"] == false && c["majority"] == false)
    );
    // After the vote, no ballot is taken.
    app.post(&format!("{base}/ballot"), Some(&w.members[0].1), &json!({}))
        .await
        .problem(409, "invalid_state");
}

#[tokio::test]
async fn a_tie_at_the_cut_off_is_reported_and_decided_explicitly() {
    let w = world(3).await;
    let app = &w.app;
    let r = w.round(2, true).await;
    let base = format!("/api/v1/livelihood-rounds/{r}");
    let a = w.propose(&r, Some(&w.staff), "项目甲").await;
    let b = w.propose(&r, Some(&w.staff), "项目乙").await;
    let c = w.propose(&r, Some(&w.staff), "项目丙").await;
    w.step(&r, "start-review", json!({})).await;
    for x in [&a, &b, &c] {
        w.shortlist(&r, x).await;
    }
    w.step(&r, "start-voting", json!({})).await;
    // Each approved on 2 of 3 ballots: three tied for two seats.
    assert_eq!(w.vote(&r, 0, &[&a, &b], &[]).await, 201);
    assert_eq!(w.vote(&r, 1, &[&a, &c], &[]).await, 201);
    assert_eq!(w.vote(&r, 2, &[&b, &c], &[]).await, 201);
    // The vote closes with the count frozen; the tie waits for the office.
    let closed = w.step(&r, "close-voting", json!({})).await;
    assert_eq!(closed["stage"], "implementing");
    let tied = app
        .get(&format!("{base}/candidates?status=tied"), None)
        .await;
    assert_eq!(tied.ok(200)["items"].as_array().unwrap().len(), 3);
    app.post(
        &format!("{base}/start-evaluation"),
        Some(&w.staff),
        &json!({}),
    )
    .await
    .problem(409, "tie_pending");
    let brk = format!("{base}/break-tie");
    for bad in [json!([a]), json!([a, w.unit_a.0])] {
        app.post(&brk, Some(&w.staff), &json!({"adopt": bad, "reason": "x"}))
            .await
            .problem(422, "validation_failed");
    }
    app.post(
        &brk,
        Some(&w.staff),
        &json!({"adopt": [a, c], "reason": " "}),
    )
    .await
    .problem(422, "validation_failed");
    app.post(
        &brk,
        Some(&w.leader),
        &json!({"adopt": [a, c], "reason": "x"}),
    )
    .await
    .problem(403, "forbidden");
    let done = app
        .post(
            &brk,
            Some(&w.staff),
            &json!({"adopt": [a, c], "reason": "主任会议研究决定"}),
        )
        .await;
    assert_eq!(done.ok(200)["stage"], "implementing");
    app.post(
        &brk,
        Some(&w.staff),
        &json!({"adopt": [a, c], "reason": "again"}),
    )
    .await
    .problem(422, "validation_failed");
    let res = app.get(&format!("{base}/results"), None).await;
    let res = res.ok(200);
    assert_eq!(res["open_seats"], 2);
    assert_eq!(res["tied"].as_array().unwrap().len(), 3);
    assert!(
        res["tie_break"]
            .as_str()
            .unwrap()
            .contains("主任会议研究决定")
    );
    let adopted: Vec<(String, bool)> = res["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["candidate_id"].as_str().unwrap().to_owned(),
                x["adopted"].as_bool().unwrap(),
            )
        })
        .collect();
    assert!(adopted.contains(&(a.clone(), true)));
    assert!(adopted.contains(&(b.clone(), false)));
    assert!(adopted.contains(&(c.clone(), true)));
    w.step(&r, "start-evaluation", json!({})).await;
}

#[tokio::test]
async fn duplicate_ballots_arriving_together_are_counted_once() {
    let w = world(24).await;
    let app = &w.app;
    let r = w.round(2, true).await;
    let a = w.propose(&r, Some(&w.staff), "项目甲").await;
    let b = w.propose(&r, Some(&w.staff), "项目乙").await;
    let c = w.propose(&r, Some(&w.staff), "项目丙").await;
    w.step(&r, "start-review", json!({})).await;
    for x in [&a, &b, &c] {
        w.shortlist(&r, x).await;
    }
    w.step(&r, "start-voting", json!({})).await;
    // Every member sends the same ballot twice at once; member i approves
    // A always, B when i is even, and is against C when i % 3 == 0.
    let path = format!("/api/v1/livelihood-rounds/{r}/ballot");
    let mut sends = Vec::new();
    for (i, (_, t)) in w.members.iter().enumerate() {
        let mut approve = vec![a.clone()];
        if i % 2 == 0 {
            approve.push(b.clone());
        }
        let against: Vec<String> = if i % 3 == 0 { vec![c.clone()] } else { vec![] };
        let body = json!({"approve": approve, "against": against});
        for _ in 0..2 {
            sends.push(
                app.request(reqwest::Method::POST, &path, Some(t))
                    .json(&body)
                    .send(),
            );
        }
    }
    let codes: Vec<u16> = futures_util::future::join_all(sends)
        .await
        .into_iter()
        .map(|r| r.map(|a| a.status().as_u16()).unwrap_or(0))
        .collect();
    assert_eq!(codes.iter().filter(|c| **c == 201).count(), 24);
    assert_eq!(codes.iter().filter(|c| **c == 409).count(), 24);
    let round = app
        .get(&format!("/api/v1/livelihood-rounds/{r}"), None)
        .await;
    assert_eq!(round.ok(200)["ballots_cast"], 24);
    w.step(&r, "close-voting", json!({})).await;
    let res = app
        .get(&format!("/api/v1/livelihood-rounds/{r}/results"), None)
        .await;
    let res = res.ok(200);
    let row = |id: &str| {
        res["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["candidate_id"] == id)
            .cloned()
            .unwrap()
    };
    assert_eq!(row(&a)["approvals"], 24);
    assert_eq!(row(&b)["approvals"], 12);
    assert_eq!(row(&c)["against"], 8);
    assert_eq!(row(&c)["abstentions"], 16);
    // 12 of 24 is not more than half: only A is adopted.
    assert_eq!(row(&a)["adopted"], true);
    assert_eq!(row(&b)["adopted"], false);
}

#[tokio::test]
async fn secret_marks_at_rest_follow_no_voter_and_no_time() {
    use crate::security::raw_values;
    let w = world(8).await;
    let app = &w.app;
    let r = w.round(2, true).await;
    let a = w.propose(&r, Some(&w.staff), "项目甲").await;
    let b = w.propose(&r, Some(&w.staff), "项目乙").await;
    w.step(&r, "start-review", json!({})).await;
    for x in [&a, &b] {
        w.shortlist(&r, x).await;
    }
    w.step(&r, "start-voting", json!({})).await;
    // Member i casts ballot i: A approved (0), against (1) or left (2) as
    // i / 3, B likewise as i % 3. Eight ballots, each its own pattern,
    // cast one after the other.
    let pattern = |i: usize| -> (usize, usize) { (i / 3, i % 3) };
    for i in 0..8 {
        let (pa, pb) = pattern(i);
        let mut approve = Vec::new();
        let mut against = Vec::new();
        for (p, c) in [(pa, &a), (pb, &b)] {
            match p {
                0 => approve.push(c.as_str()),
                1 => against.push(c.as_str()),
                _ => {}
            }
        }
        assert_eq!(w.vote(&r, i, &approve, &against).await, 201, "member {i}");
    }
    let uuid_text = |col: &str| {
        if app.store.is_sqlite() {
            format!("lower(hex({col}))")
        } else {
            format!("replace({col}::text, '-', '')")
        }
    };
    let (ballot, cand) = (uuid_text("ballot_id"), uuid_text("candidate_id"));
    let marks_expr = format!("{ballot} || ':' || {cand} || ':' || choice");
    // While the vote is open nothing readable is stored.
    assert!(
        raw_values(app, "livelihood_marks", &marks_expr)
            .await
            .is_empty()
    );
    let sealed = raw_values(app, "livelihood_sealed_ballots", "sealed").await;
    assert_eq!(sealed.len(), 8);
    assert!(sealed.iter().all(|s| s.starts_with("enc:")), "{sealed:?}");
    w.step(&r, "close-voting", json!({})).await;
    assert!(
        raw_values(app, "livelihood_sealed_ballots", "sealed")
            .await
            .is_empty()
    );
    // The count is right.
    let res = app
        .get(&format!("/api/v1/livelihood-rounds/{r}/results"), None)
        .await;
    let res = res.ok(200).clone();
    let row = |id: &str| {
        res["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["candidate_id"] == id)
            .cloned()
            .unwrap()
    };
    assert_eq!(row(&a)["approvals"], 3);
    assert_eq!(row(&a)["against"], 3);
    assert_eq!(row(&b)["approvals"], 3);
    assert_eq!(row(&b)["against"], 3);
    // The marks as the database holds them, in its own order: grouped
    // into ballots by first appearance, their patterns do not come in the
    // order the members voted (8! orders; this one has one chance in
    // 40,320 of coming back by luck).
    let (a_hex, b_hex) = (a.replace('-', ""), b.replace('-', ""));
    let mut order: Vec<String> = Vec::new();
    let mut ballots: std::collections::HashMap<String, (usize, usize)> = Default::default();
    for m in raw_values(app, "livelihood_marks", &marks_expr).await {
        let parts: Vec<&str> = m.split(':').collect();
        let p = match parts[2] {
            "approve" => 0,
            "against" => 1,
            other => panic!("{other}"),
        };
        let e = ballots.entry(parts[0].to_owned()).or_insert_with(|| {
            order.push(parts[0].to_owned());
            (2, 2)
        });
        if parts[1] == a_hex {
            e.0 = p;
        } else if parts[1] == b_hex {
            e.1 = p;
        }
    }
    let seen: Vec<(usize, usize)> = order.iter().map(|id| ballots[id]).collect();
    let cast: Vec<(usize, usize)> = (0..8).map(pattern).collect();
    assert_eq!(seen.len(), 8);
    assert_ne!(
        seen, cast,
        "the stored marks follow the order of the voters"
    );
}

/// A round of `seats` with candidates `titles`, shortlisted and voting.
async fn voting_round(w: &World, seats: u32, titles: &[&str]) -> (String, Vec<String>) {
    let r = w.round(seats, true).await;
    let mut cands = Vec::new();
    for t in titles {
        cands.push(w.propose(&r, Some(&w.staff), t).await);
    }
    w.step(&r, "start-review", json!({})).await;
    for c in &cands {
        w.shortlist(&r, c).await;
    }
    w.step(&r, "start-voting", json!({})).await;
    (r, cands)
}

#[tokio::test]
async fn a_vote_stands_only_when_more_than_half_of_the_deputies_cast_a_ballot() {
    let w = world(5).await;
    let (r, c) = voting_round(&w, 1, &["加装电梯", "公厕改造"]).await;
    for m in 0..2 {
        assert_eq!(w.vote(&r, m, &[c[0].as_str()], &[]).await, 201);
    }
    let path = format!("/api/v1/livelihood-rounds/{r}");
    let early = w
        .app
        .post(&format!("{path}/close-voting"), Some(&w.staff), &json!({}))
        .await;
    early.problem(409, "quorum_not_met");
    // The vote stays open: nothing was decided, and more ballots come.
    let round = w.app.get(&path, Some(&w.staff)).await;
    assert_eq!(round.ok(200)["stage"], "voting");
    assert!(round.body["voting_members"].is_null());
    assert_eq!(w.vote(&r, 2, &[c[0].as_str()], &[]).await, 201);
    let closed = w.step(&r, "close-voting", json!({})).await;
    assert_eq!(closed["stage"], "implementing");
    assert_eq!(closed["voting_members"], 5);
    assert_eq!(closed["majority"], "cast");
    let res = w.app.get(&format!("{path}/results"), None).await;
    let b = res.ok(200);
    assert_eq!(
        (&b["ballots_cast"], &b["voting_members"]),
        (&json!(3), &json!(5))
    );
    assert_eq!(b["candidates"][0]["adopted"], true);
}

#[tokio::test]
async fn a_congress_may_count_the_majority_on_its_whole_membership() {
    let membership = renda_domain::livelihood::LivelihoodPolicy {
        majority: renda_domain::livelihood::MajorityBase::Membership,
    };
    let app = spawn_app_with(move |s| s.with_livelihood(membership)).await;
    let w = world_on(app, 6).await;
    let (r, c) = voting_round(&w, 2, &["加装电梯", "公厕改造"]).await;
    // Four of six vote: three approve the lift, all four the toilets.
    for m in 0..4 {
        let lift: &[&str] = if m < 3 { &[c[0].as_str()] } else { &[] };
        let mut approve = lift.to_vec();
        approve.push(c[1].as_str());
        assert_eq!(w.vote(&r, m, &approve, &[]).await, 201);
    }
    let closed = w.step(&r, "close-voting", json!({})).await;
    assert_eq!(closed["majority"], "membership");
    let res = w
        .app
        .get(&format!("/api/v1/livelihood-rounds/{r}/results"), None)
        .await;
    let rows = res.ok(200)["candidates"].as_array().unwrap().clone();
    let row = |cand: &str| {
        rows.iter()
            .find(|x| x["candidate_id"] == cand)
            .unwrap()
            .clone()
    };
    // Three of four voting is a majority of those voting, not of the six.
    assert_eq!(
        (&row(&c[0])["majority"], &row(&c[0])["adopted"]),
        (&json!(false), &json!(false))
    );
    assert_eq!(
        (&row(&c[1])["majority"], &row(&c[1])["adopted"]),
        (&json!(true), &json!(true))
    );
}

#[tokio::test]
async fn a_vote_opened_while_its_congress_sits_is_held_at_that_session() {
    let w = world(3).await;
    let s = w
        .app
        .post(
            "/api/v1/congress-sessions",
            Some(&w.staff),
            &json!({"level": "county", "term": "第十九届", "number": 2,
                    "opens_on": w.app.clock.today(), "closes_on": w.app.clock.today()}),
        )
        .await;
    let session = id(s.ok(201));
    // Not open yet: the vote is not tied to it.
    let (before, _) = voting_round(&w, 1, &["加装电梯"]).await;
    let r = w
        .app
        .get(&format!("/api/v1/livelihood-rounds/{before}"), None)
        .await;
    assert!(r.ok(200)["congress_session_id"].is_null());
    w.app
        .post(
            &format!("/api/v1/congress-sessions/{session}/open"),
            Some(&w.staff),
            &json!({}),
        )
        .await
        .ok(200);
    let (during, c) = voting_round(&w, 1, &["公厕改造"]).await;
    let r = w
        .app
        .get(&format!("/api/v1/livelihood-rounds/{during}"), None)
        .await;
    assert_eq!(r.ok(200)["congress_session_id"], session.as_str());

    // On the session's last day, those who have not voted are reminded,
    // once however often the scheduler runs; the round held at no session
    // has no closing day to remind of.
    assert_eq!(w.vote(&during, 0, &[c[0].as_str()], &[]).await, 201);
    let policy = renda_domain::suggestion::HandlingPolicy::default();
    for who in ["a", "b"] {
        renda::run_reminders(&w.app.store, who, w.app.clock.today(), &policy, None)
            .await
            .unwrap();
    }
    let closing = |m: usize| notices(&w, m, "voting_closes_today");
    assert!(closing(0).await.is_empty(), "voted already");
    for m in 1..3 {
        let n = closing(m).await;
        assert_eq!(n.len(), 1, "member {m}");
        assert_eq!(n[0]["subject"]["id"], during.as_str());
        assert!(n[0]["text"].as_str().unwrap().contains("今天截止"));
    }
}

/// Member `m`'s notifications of `kind`.
async fn notices(w: &World, m: usize, kind: &str) -> Vec<Value> {
    w.app.my_notifications(&w.members[m].1, Some(kind)).await
}

/// The livelihood rounds waiting for the caller's ballot.
async fn rounds_to_vote(w: &World, token: &str) -> Vec<String> {
    let items = w.app.my_tasks(token, "cast_livelihood_vote").await;
    crate::helpers::subject_ids(&items, "livelihood_round")
}

#[tokio::test]
async fn an_open_vote_waits_for_each_deputy_of_its_congress_until_they_vote() {
    let w = world(3).await;
    let (r, c) = voting_round(&w, 1, &["加装电梯", "公厕改造"]).await;
    // Each deputy of the congress is told once that the vote opened.
    for m in 0..3 {
        let n = notices(&w, m, "vote_opened").await;
        assert_eq!(n.len(), 1, "member {m}");
        assert_eq!(n[0]["subject"]["id"], r.as_str());
        assert_eq!(n[0]["subject"]["type"], "livelihood_round");
    }
    let outsider = w
        .app
        .get(
            "/api/v1/me/notifications?kind=vote_opened",
            Some(&w.outsider),
        )
        .await;
    assert_eq!(outsider.ok(200)["items"], json!([]));
    assert_eq!(rounds_to_vote(&w, &w.members[0].1).await, [r.as_str()]);
    assert_eq!(rounds_to_vote(&w, &w.members[1].1).await, [r.as_str()]);
    // A deputy of another congress, and the office, have no ballot here.
    assert!(rounds_to_vote(&w, &w.outsider).await.is_empty());
    let office = w.app.get("/api/v1/me/tasks", Some(&w.staff)).await;
    let kinds = office.ok(200)["counts"].as_array().unwrap().clone();
    assert!(kinds.iter().all(|k| k["kind"] != "cast_livelihood_vote"));
    assert_eq!(w.vote(&r, 0, &[c[0].as_str()], &[]).await, 201);
    assert!(rounds_to_vote(&w, &w.members[0].1).await.is_empty());
    assert_eq!(rounds_to_vote(&w, &w.members[1].1).await, [r.as_str()]);
    w.vote(&r, 1, &[c[0].as_str()], &[]).await;
    w.step(&r, "close-voting", json!({})).await;
    assert!(
        rounds_to_vote(&w, &w.members[2].1).await.is_empty(),
        "closed, it waits for nobody"
    );
}
