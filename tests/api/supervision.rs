//! Supervision items: the closed loop of every method combination, the
//! satisfaction vote with its return to rectifying, observers, who sees
//! what, and every refusal.

use renda_domain::time::Clock;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

/// The people of a supervision: the office, two bodies with their unit
/// users, three committee members, a participating deputy, an outsider,
/// a leader and two observers (one with a declared tie to body B).
struct World {
    app: TestApp,
    staff: String,
    leader: String,
    body_a: String,
    body_b: String,
    unit_a: String,
    unit_b: String,
    members: Vec<(String, String)>,
    deputy: String,
    deputy_id: String,
    outsider: String,
    observer_id: String,
    observer: String,
    tied_observer_id: String,
    tied_observer: String,
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

async fn world() -> World {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let staff = app
        .user_token(&admin, "office", &["staff"], json!({}))
        .await;
    let leader = app
        .user_token(&admin, "leader", &["leader"], json!({}))
        .await;
    let body_a = id(&app.create_unit(&staff, "区市场监督管理局").await);
    let body_b = id(&app.create_unit(&staff, "区教育局").await);
    let unit_a = app
        .user_token(&admin, "unit-a", &["unit"], json!({"unit_id": body_a}))
        .await;
    let unit_b = app
        .user_token(&admin, "unit-b", &["unit"], json!({"unit_id": body_b}))
        .await;
    let mut members = Vec::new();
    for i in 0..3 {
        let d = id(&app
            .create_deputy(&staff, json!({"name": format!("委员{i}")}))
            .await);
        let t = app
            .user_token(
                &admin,
                &format!("member{i}"),
                &["deputy"],
                json!({"deputy_id": d}),
            )
            .await;
        members.push((d, t));
    }
    let deputy_id = id(&app.create_deputy(&staff, json!({"name": "李代表"})).await);
    let deputy = app
        .user_token(
            &admin,
            "deputy",
            &["deputy"],
            json!({"deputy_id": deputy_id}),
        )
        .await;
    let outsider_id = id(&app.create_deputy(&staff, json!({"name": "王代表"})).await);
    let outsider = app
        .user_token(
            &admin,
            "outsider",
            &["deputy"],
            json!({"deputy_id": outsider_id}),
        )
        .await;
    let mut observers = Vec::new();
    for (i, ties) in [json!([]), json!([body_b])].into_iter().enumerate() {
        let o = app
            .post(
                "/api/v1/observers",
                Some(&staff),
                &json!({"name": format!("观察员{i}"), "specialty": "law",
                        "category": "finance_work", "conflict_unit_ids": ties}),
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
    let (tied_observer_id, tied_observer) = observers.pop().unwrap();
    let (observer_id, observer) = observers.pop().unwrap();
    World {
        app,
        staff,
        leader,
        body_a,
        body_b,
        unit_a,
        unit_b,
        members,
        deputy,
        deputy_id,
        outsider,
        observer_id,
        observer,
        tied_observer_id,
        tied_observer,
    }
}

impl World {
    fn member_ids(&self) -> Vec<String> {
        self.members.iter().map(|(d, _)| d.clone()).collect()
    }

    async fn plan(&self, methods: &[&str], bodies: &[&str]) -> Value {
        let laws = if methods.contains(&"law_enforcement_inspection") {
            json!(["中华人民共和国食品安全法"])
        } else {
            json!([])
        };
        let body = json!({
            "title": format!("{} 监督", methods.join("+")),
            "year": 2026,
            "methods": methods,
            "body_ids": bodies,
            "committee": "教育科学文化卫生委员会",
            "committee_member_ids": self.member_ids(),
            "deputy_ids": [self.deputy_id],
            "laws": laws,
        });
        self.app
            .post("/api/v1/supervisions", Some(&self.staff), &body)
            .await
            .ok(201)
            .clone()
    }

    async fn step(&self, item: &str, op: &str) -> Value {
        self.app
            .post(
                &format!("/api/v1/supervisions/{item}/{op}"),
                Some(&self.staff),
                &json!({}),
            )
            .await
            .ok(200)
            .clone()
    }

    async fn opinion(&self, item: &str, unit: &str, problems: &[&str]) -> Value {
        let deadline = (self.app.clock.today() + chrono::Duration::days(30)).to_string();
        self.app
            .post(
                &format!("/api/v1/supervisions/{item}/opinions"),
                Some(&self.staff),
                &json!({"unit_id": unit, "content": "审议意见", "deadline": deadline, "problems": problems}),
            )
            .await
            .ok(201)
            .clone()
    }

    async fn report(&self, item: &str, token: &str, opinion: &Value, which: &[usize]) -> Value {
        let answers: Vec<Value> = which
            .iter()
            .map(|i| json!({"problem_id": opinion["problems"][*i]["id"], "measures": "已整改"}))
            .collect();
        self.app
            .post(
                &format!(
                    "/api/v1/supervisions/{item}/opinions/{}/reports",
                    opinion["id"].as_str().unwrap()
                ),
                Some(token),
                &json!({"summary": "整改报告", "answers": answers}),
            )
            .await
            .ok(201)
            .clone()
    }

    async fn close_off(&self, item: &str, opinion: &Value, i: usize) {
        let p = opinion["problems"][i]["id"].as_str().unwrap();
        let a = self
            .app
            .post(
                &format!("/api/v1/supervisions/{item}/problems/{p}/close-off"),
                Some(&self.staff),
                &json!({"note": "核查属实"}),
            )
            .await;
        assert_eq!(a.ok(200)["status"], "closed");
    }

    /// Records the committee members `present` (by index) at the round's meeting.
    async fn attend(&self, item: &str, present: &[usize]) -> Value {
        let ids: Vec<&str> = present
            .iter()
            .map(|i| self.members[*i].0.as_str())
            .collect();
        self.app
            .post(
                &format!("/api/v1/supervisions/{item}/attendance"),
                Some(&self.staff),
                &json!({"present_member_ids": ids}),
            )
            .await
            .ok(200)
            .clone()
    }

    async fn vote(&self, item: &str, member: usize, choice: &str) {
        let a = self
            .app
            .post(
                &format!("/api/v1/supervisions/{item}/votes"),
                Some(&self.members[member].1),
                &json!({"choice": choice}),
            )
            .await;
        assert_eq!(a.ok(201)["choice"], choice);
    }
}

#[tokio::test]
async fn every_combination_runs_the_whole_loop_and_an_unsatisfied_vote_returns_it() {
    let w = world().await;
    let app = &w.app;
    let combos: [&[&str]; 3] = [
        &["research_visit", "work_evaluation"],
        &["special_report", "special_inquiry"],
        &["law_enforcement_inspection", "satisfaction_evaluation"],
    ];
    for (n, methods) in combos.iter().enumerate() {
        let item = w.plan(methods, &[&w.body_a, &w.body_b]).await;
        assert_eq!(item["stage"], "planned");
        assert_eq!(item["round"], 1);
        let sid = id(&item);
        let base = format!("/api/v1/supervisions/{sid}");

        app.post(
            &format!("{base}/observers"),
            Some(&w.staff),
            &json!({"observer_id": w.observer_id}),
        )
        .await
        .ok(200);
        assert_eq!(
            w.step(&sid, "start-investigation").await["stage"],
            "investigating"
        );
        let kind = match n {
            0 => "visit",
            1 => "hearing",
            _ => "inspection",
        };
        let rec = app
            .post(
                &format!("{base}/records"),
                Some(&w.staff),
                &json!({"kind": kind, "occurred_on": app.clock.today(), "place": "城东农贸市场",
                        "participants": "检查组", "findings": "进货查验记录不全"}),
            )
            .await;
        assert_eq!(rec.ok(201)["kind"], kind);
        // The created record is where `Location` says.
        let at = rec.header("location").unwrap().to_owned();
        assert_eq!(
            app.get(&at, Some(&w.leader)).await.ok(200)["id"],
            rec.body["id"]
        );
        if methods.contains(&"special_inquiry") {
            let q = app
                .post(
                    &format!("{base}/inquiries"),
                    Some(&w.staff),
                    &json!({"unit_id": w.body_b, "asked_by": "王委员", "question": "薄弱环节在哪里？",
                            "answered_by": "区教育局局长", "answer": "年内完成全覆盖检查"}),
                )
                .await;
            assert_eq!(q.ok(201)["answered_by"], "区教育局局长");
        }
        let obs = app
            .post(
                &format!("{base}/observations"),
                Some(&w.observer),
                &json!({"content": "建议扩大抽检范围"}),
            )
            .await;
        assert_eq!(obs.ok(201)["status"], "pending");

        assert_eq!(
            w.step(&sid, "start-deliberation").await["stage"],
            "deliberating"
        );
        let op_a = w.opinion(&sid, &w.body_a, &["问题一", "问题二"]).await;
        let op_b = w.opinion(&sid, &w.body_b, &["问题三"]).await;
        assert_eq!(op_a["problems"][1]["position"], 2);
        assert_eq!(
            w.step(&sid, "start-rectification").await["stage"],
            "rectifying"
        );

        // Body A answers both problems; one is closed off, one sent back.
        w.report(&sid, &w.unit_a, &op_a, &[0, 1]).await;
        w.close_off(&sid, &op_a, 0).await;
        let p1 = op_a["problems"][1]["id"].as_str().unwrap();
        let back = app
            .post(
                &format!("{base}/problems/{p1}/send-back"),
                Some(&w.staff),
                &json!({"reason": "措施未落实"}),
            )
            .await;
        assert_eq!(back.ok(200)["status"], "sent_back");
        assert_eq!(back.body["note"], "措施未落实");
        w.report(&sid, &w.unit_b, &op_b, &[0]).await;
        w.close_off(&sid, &op_b, 0).await;
        // Rectification cannot end while a problem is open: neither by a
        // vote nor, for an item planned without one, by closing.
        let voted = methods.contains(&"satisfaction_evaluation");
        let end = if voted { "start-evaluation" } else { "close" };
        app.post(&format!("{base}/{end}"), Some(&w.staff), &json!({}))
            .await
            .problem(409, "problems_open");
        w.report(&sid, &w.unit_a, &op_a, &[1]).await;
        w.close_off(&sid, &op_a, 1).await;
        if !voted {
            // No satisfaction vote in the plan: none is held, and the
            // office closes the rectified item.
            app.post(
                &format!("{base}/start-evaluation"),
                Some(&w.staff),
                &json!({}),
            )
            .await
            .problem(409, "method_not_planned");
            let closed = w.step(&sid, "close").await;
            assert_eq!(closed["stage"], "closed");
            assert!(closed["closed_at"].is_string());
            let evals = app
                .get(&format!("{base}/evaluations"), Some(&w.leader))
                .await;
            assert_eq!(evals.ok(200)["items"], json!([]));
            let tl = app
                .get(&format!("{base}/timeline?limit=100"), Some(&w.staff))
                .await;
            let moves: Vec<&str> = tl.ok(200)["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| !e["from_stage"].is_null() && e["from_stage"] != e["to_stage"])
                .map(|e| e["to_stage"].as_str().unwrap())
                .collect();
            assert_eq!(
                moves,
                ["investigating", "deliberating", "rectifying", "closed"]
            );
            continue;
        }
        app.post(&format!("{base}/close"), Some(&w.staff), &json!({}))
            .await
            .problem(409, "vote_planned");
        assert_eq!(
            w.step(&sid, "start-evaluation").await["stage"],
            "evaluating"
        );
        w.attend(&sid, &[0, 1, 2]).await;

        // Two of three unsatisfied: back to rectifying for round 2.
        w.vote(&sid, 0, "unsatisfied").await;
        w.vote(&sid, 1, "unsatisfied").await;
        w.vote(&sid, 2, "satisfied").await;
        let back = w.step(&sid, "conclude-evaluation").await;
        assert_eq!(back["stage"], "rectifying");
        assert_eq!(back["round"], 2);
        // Every problem is closed, but the new round needs a follow-up opinion.
        app.post(
            &format!("{base}/start-evaluation"),
            Some(&w.staff),
            &json!({}),
        )
        .await
        .problem(409, "follow_up_missing");
        let follow = w.opinion(&sid, &w.body_a, &["整改不彻底"]).await;
        assert_eq!(follow["round"], 2);
        app.post(
            &format!("{base}/start-evaluation"),
            Some(&w.staff),
            &json!({}),
        )
        .await
        .problem(409, "problems_open");
        w.report(&sid, &w.unit_a, &follow, &[0]).await;
        w.close_off(&sid, &follow, 0).await;
        w.step(&sid, "start-evaluation").await;
        // The new round's meeting: nobody is recorded present yet.
        let absent = app
            .post(
                &format!("{base}/votes"),
                Some(&w.members[0].1),
                &json!({"choice": "satisfied"}),
            )
            .await;
        absent.problem(409, "not_present");
        let mine = format!("{base}/votes/mine");
        app.get(&mine, Some(&w.members[0].1))
            .await
            .problem(404, "not_found");
        // A deputy taking part who is not a committee member does not vote.
        app.post(
            &format!("{base}/votes"),
            Some(&w.deputy),
            &json!({"choice": "satisfied"}),
        )
        .await
        .problem(403, "forbidden");
        w.attend(&sid, &[0, 1, 2]).await;
        w.vote(&sid, 0, "satisfied").await;
        w.vote(&sid, 1, "basically_satisfied").await;
        w.vote(&sid, 2, "unsatisfied").await;
        let own = app.get(&mine, Some(&w.members[0].1)).await;
        assert_eq!(own.ok(200)["choice"], "satisfied");
        // The vote is a duty in the member's archive, without the ballot.
        let duties = app
            .get(
                &format!(
                    "/api/v1/deputies/{}/duties?kind=supervision_vote&limit=100",
                    w.members[0].0
                ),
                Some(&w.members[0].1),
            )
            .await;
        let votes = duties.ok(200)["items"].as_array().unwrap().clone();
        assert!(votes.iter().any(|d| d["ref_id"] == sid.as_str()));
        assert!(!duties.text.contains("satisfied"));
        let closed = w.step(&sid, "conclude-evaluation").await;
        assert_eq!(closed["stage"], "closed");
        assert!(closed["closed_at"].is_string());

        // The results of every round are recorded with an exact tally.
        let evals = app
            .get(&format!("{base}/evaluations"), Some(&w.leader))
            .await;
        let rounds = evals.ok(200)["items"].as_array().unwrap().clone();
        let last = rounds.last().unwrap();
        assert_eq!(
            last["tally"],
            json!({"satisfied": 1, "basically_satisfied": 1, "unsatisfied": 1})
        );
        assert_eq!(last["total"], 3);
        assert_eq!(last["outcome"], "accepted");
        assert_eq!((&last["present"], &last["members"]), (&json!(3), &json!(3)));
        assert_eq!(rounds.len(), 2);
        assert_eq!(rounds[0]["round"], 1);
        assert_eq!(rounds[0]["tally"]["unsatisfied"], 2);
        assert_eq!(rounds[0]["outcome"], "returned");

        // Every move is on the timeline and in the audit trail.
        let tl = app
            .get(&format!("{base}/timeline?limit=100"), Some(&w.staff))
            .await;
        let moves: Vec<(Value, Value)> = tl.ok(200)["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| !e["from_stage"].is_null() && e["from_stage"] != e["to_stage"])
            .map(|e| (e["to_stage"].clone(), e["actor_name"].clone()))
            .collect();
        let want = vec![
            "investigating",
            "deliberating",
            "rectifying",
            "evaluating",
            "rectifying",
            "evaluating",
            "closed",
        ];
        assert_eq!(
            moves
                .iter()
                .map(|m| m.0.as_str().unwrap())
                .collect::<Vec<_>>(),
            want
        );
        assert!(moves.iter().all(|m| m.1 == "office"));
        let audit = app
            .get(
                &format!("/api/v1/audit-events?object_type=supervision&object_id={sid}&limit=100"),
                Some(&w.app.auditor().await),
            )
            .await;
        let actions: Vec<String> = audit.ok(200)["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_owned())
            .collect();
        assert!(actions.contains(&"transition:evaluation_concluded".to_owned()));
        assert!(actions.contains(&"report_submitted".to_owned()));
        assert_eq!(actions.iter().filter(|a| *a == "vote").count(), 6);

        // Closed is final: no more opinions, observations or votes.
        app.post(
            &format!("{base}/observations"),
            Some(&w.observer),
            &json!({"content": "迟到的意见"}),
        )
        .await
        .problem(409, "invalid_state");
        app.post(
            &format!("{base}/votes"),
            Some(&w.members[0].1),
            &json!({"choice": "satisfied"}),
        )
        .await
        .problem(409, "invalid_state");
    }

    // The figures of the year.
    let st = app
        .get("/api/v1/supervisions/stats?year=2026", Some(&w.leader))
        .await;
    let st = st.ok(200);
    assert_eq!(st["items"], 3);
    assert_eq!(st["by_stage"]["closed"], 3);
    assert_eq!(st["by_method"]["special_inquiry"], 1);
    assert_eq!(st["rectification"]["problems"], 10);
    assert_eq!(st["rectification"]["closed"], 10);
    assert_eq!(st["rectification"]["closed_on_time"], 10);
    // Only the item planned with a satisfaction vote was voted on, twice.
    assert_eq!(st["satisfaction"]["evaluations"], 2);
    assert_eq!(st["satisfaction"]["returned"], 1);
    assert_eq!(st["satisfaction"]["accepted"], 1);
    assert_eq!(
        st["satisfaction"]["votes"],
        json!({"satisfied": 2, "basically_satisfied": 1, "unsatisfied": 3})
    );
    app.get("/api/v1/supervisions/stats", Some(&w.unit_a))
        .await
        .problem(403, "forbidden");
}

#[tokio::test]
async fn refusals_change_nothing() {
    let w = world().await;
    let app = &w.app;
    let plan = json!({
        "title": "食品安全法执法检查", "year": 2026,
        "methods": ["law_enforcement_inspection", "satisfaction_evaluation"],
        "body_ids": [w.body_a], "committee": "教科文卫委",
        "committee_member_ids": w.member_ids(), "laws": ["中华人民共和国食品安全法"]
    });
    // Wrong role.
    for t in [&w.leader, &w.members[0].1, &w.unit_a, &w.observer] {
        app.post("/api/v1/supervisions", Some(t), &plan)
            .await
            .problem(403, "forbidden");
    }
    app.post("/api/v1/supervisions", None, &plan)
        .await
        .problem(401, "unauthenticated");
    // Bad input.
    let mut bad = plan.clone();
    bad["laws"] = json!([]);
    let a = app.post("/api/v1/supervisions", Some(&w.staff), &bad).await;
    a.problem(422, "validation_failed");
    assert_eq!(a.fields(), ["laws"]);
    bad = plan.clone();
    bad["methods"] = json!(["research_visit", "research_visit"]);
    bad["laws"] = json!([]);
    let a = app.post("/api/v1/supervisions", Some(&w.staff), &bad).await;
    assert_eq!(a.fields(), ["methods"]);
    bad = plan.clone();
    bad["methods"] = json!(["wiretapping"]);
    app.post("/api/v1/supervisions", Some(&w.staff), &bad)
        .await
        .problem(422, "validation_failed");
    bad = plan.clone();
    bad["body_ids"] = json!([w.deputy_id]);
    let a = app.post("/api/v1/supervisions", Some(&w.staff), &bad).await;
    assert_eq!(a.fields(), ["body_ids[0]"]);
    bad = plan.clone();
    bad["deputy_ids"] = json!([w.members[1].0]);
    let a = app.post("/api/v1/supervisions", Some(&w.staff), &bad).await;
    assert_eq!(a.fields(), ["deputy_ids"]);
    let listed = app.get("/api/v1/supervisions", Some(&w.staff)).await;
    assert_eq!(listed.ok(200)["items"], json!([]));

    let item = app
        .post("/api/v1/supervisions", Some(&w.staff), &plan)
        .await
        .ok(201)
        .clone();
    let sid = id(&item);
    let base = format!("/api/v1/supervisions/{sid}");
    let soon = (app.clock.today() + chrono::Duration::days(10)).to_string();
    // Wrong stage.
    app.post(
        &format!("{base}/start-rectification"),
        Some(&w.staff),
        &json!({}),
    )
    .await
    .problem(409, "invalid_state");
    app.post(
        &format!("{base}/opinions"),
        Some(&w.staff),
        &json!({"unit_id": w.body_a, "content": "x", "deadline": soon, "problems": ["p"]}),
    )
    .await
    .problem(409, "invalid_state");
    app.post(
        &format!("{base}/votes"),
        Some(&w.members[0].1),
        &json!({"choice": "satisfied"}),
    )
    .await
    .problem(409, "invalid_state");
    app.post(
        &format!("{base}/inquiries"),
        Some(&w.staff),
        &json!({"asked_by": "王委员", "question": "?"}),
    )
    .await
    .problem(409, "method_not_planned");
    // Leaders see but do not run the loop.
    app.post(
        &format!("{base}/start-investigation"),
        Some(&w.leader),
        &json!({}),
    )
    .await
    .problem(403, "forbidden");
    // Someone not involved does not learn the item exists.
    app.get(&base, Some(&w.outsider))
        .await
        .problem(404, "not_found");
    app.get(&base, Some(&w.unit_b))
        .await
        .problem(404, "not_found");
    app.get(&base, Some(&w.observer))
        .await
        .problem(404, "not_found");
    app.get(&base, None).await.problem(401, "unauthenticated");
    // The bodies may change while planned, but not afterwards.
    app.patch(&base, Some(&w.staff), &json!({"title": "  "}))
        .await
        .problem(422, "validation_failed");
    app.patch(&base, Some(&w.staff), &json!({"methods": null}))
        .await
        .problem(422, "validation_failed");

    w.step(&sid, "start-investigation").await;
    app.patch(
        &base,
        Some(&w.staff),
        &json!({"body_ids": [w.body_a, w.body_b]}),
    )
    .await
    .problem(409, "invalid_state");
    app.post(
        &format!("{base}/records"),
        Some(&w.staff),
        &json!({"kind": "inspection", "occurred_on": "2999-01-01", "place": "x", "findings": "y"}),
    )
    .await
    .problem(422, "validation_failed");
    app.post(
        &format!("{base}/records"),
        Some(&w.staff),
        &json!({"kind": "inspection", "occurred_on": "1900-01-01", "place": "x", "findings": "y"}),
    )
    .await
    .problem(422, "validation_failed");
    app.post(
        &format!("{base}/records"),
        Some(&w.unit_a),
        &json!({"kind": "inspection", "occurred_on": "2026-01-01", "place": "x", "findings": "y"}),
    )
    .await
    .problem(403, "forbidden");
    w.step(&sid, "start-deliberation").await;
    app.post(
        &format!("{base}/start-rectification"),
        Some(&w.staff),
        &json!({}),
    )
    .await
    .problem(409, "opinion_missing");
    let past = (app.clock.today() - chrono::Duration::days(1)).to_string();
    let a = app
        .post(
            &format!("{base}/opinions"),
            Some(&w.staff),
            &json!({"unit_id": w.body_b, "content": "x", "deadline": past, "problems": ["p", "q"]}),
        )
        .await;
    a.problem(422, "validation_failed");
    let mut f = a.fields();
    f.sort();
    assert_eq!(f, ["deadline", "unit_id"]);
    // Blank text is refused as the body is read, every blank field at once.
    let today = app.clock.today().to_string();
    let a = app
        .post(
            &format!("{base}/opinions"),
            Some(&w.staff),
            &json!({"unit_id": w.body_a, "content": "\u{3000}", "deadline": today, "problems": ["p", " ", "\u{200B}"]}),
        )
        .await;
    a.problem(422, "validation_failed");
    assert_eq!(a.fields(), ["content", "problems[1]", "problems[2]"]);
    let far = (app.clock.today() + chrono::Duration::days(800)).to_string();
    let a = app
        .post(
            &format!("{base}/opinions"),
            Some(&w.staff),
            &json!({"unit_id": w.body_a, "content": "x", "deadline": far, "problems": ["p"]}),
        )
        .await;
    a.problem(422, "validation_failed");
    assert_eq!(a.body["errors"][0]["code"], "too_far");
    app.post(
        &format!("{base}/opinions"),
        Some(&w.unit_a),
        &json!({"unit_id": w.body_a, "content": "x", "deadline": soon, "problems": ["p"]}),
    )
    .await
    .problem(403, "forbidden");
    let op = w.opinion(&sid, &w.body_a, &["问题一"]).await;
    let report_path = format!("{base}/opinions/{}/reports", id(&op));
    let good = json!({"summary": "s", "answers": [{"problem_id": op["problems"][0]["id"], "measures": "m"}]});
    app.post(&report_path, Some(&w.unit_a), &good)
        .await
        .problem(409, "invalid_state");
    w.step(&sid, "start-rectification").await;
    // Nobody outside learns of the opinion, even on a published item.
    app.post(&format!("{base}/publish"), Some(&w.staff), &json!({}))
        .await
        .ok(200);
    app.post(&report_path, Some(&w.outsider), &good)
        .await
        .problem(404, "not_found");
    app.post(&report_path, None, &good)
        .await
        .problem(401, "unauthenticated");
    // Another body cannot report on an opinion not addressed to it.
    app.post(&report_path, Some(&w.unit_b), &good)
        .await
        .problem(404, "not_found");
    app.post(&report_path, Some(&w.staff), &good)
        .await
        .problem(403, "forbidden");
    let a = app
        .post(
            &report_path,
            Some(&w.unit_a),
            &json!({"summary": "s", "answers": [{"problem_id": w.body_a, "measures": "m"}]}),
        )
        .await;
    a.problem(422, "validation_failed");
    assert_eq!(a.fields(), ["answers[0].problem_id"]);
    // Closing off needs an answer first.
    let p = op["problems"][0]["id"].as_str().unwrap();
    app.post(
        &format!("{base}/problems/{p}/close-off"),
        Some(&w.staff),
        &json!({}),
    )
    .await
    .problem(409, "problem_not_answered");
    app.post(&report_path, Some(&w.unit_a), &good).await.ok(201);
    app.post(&report_path, Some(&w.unit_a), &good)
        .await
        .problem(409, "problem_not_open");
    app.post(
        &format!("{base}/problems/{p}/send-back"),
        Some(&w.staff),
        &json!({"reason": ""}),
    )
    .await
    .problem(422, "validation_failed");
    app.post(
        &format!("{base}/problems/{p}/close-off"),
        Some(&w.unit_a),
        &json!({}),
    )
    .await
    .problem(403, "forbidden");
    w.close_off(&sid, &op, 0).await;
    w.step(&sid, "start-evaluation").await;
    // No quorum: nobody, then one of three, recorded present.
    let conclude = format!("{base}/conclude-evaluation");
    app.post(&conclude, Some(&w.staff), &json!({}))
        .await
        .problem(409, "quorum_not_met");
    let one = w.attend(&sid, &[0]).await;
    assert_eq!(
        (&one["present"], &one["members"], &one["quorum"]),
        (&json!(1), &json!(3), &json!(false))
    );
    app.post(&conclude, Some(&w.staff), &json!({}))
        .await
        .problem(409, "quorum_not_met");
    // Only the office records attendance, and only of the item's members.
    app.post(
        &format!("{base}/attendance"),
        Some(&w.members[0].1),
        &json!({"present_member_ids": [w.members[0].0]}),
    )
    .await
    .problem(403, "forbidden");
    let stranger = app
        .post(
            &format!("{base}/attendance"),
            Some(&w.staff),
            &json!({"present_member_ids": [w.members[0].0, w.deputy_id]}),
        )
        .await;
    stranger.problem(422, "validation_failed");
    assert_eq!(stranger.fields(), ["present_member_ids[1]"]);
    let read = app
        .get(&format!("{base}/attendance"), Some(&w.leader))
        .await;
    assert_eq!(read.ok(200)["present_member_ids"], json!([w.members[0].0]));
    let all = w.attend(&sid, &[0, 1, 2]).await;
    assert_eq!(all["quorum"], true);
    app.post(&conclude, Some(&w.staff), &json!({}))
        .await
        .problem(409, "no_votes");
    // Only committee members vote, once each.
    let vote = format!("{base}/votes");
    app.post(&vote, Some(&w.staff), &json!({"choice": "satisfied"}))
        .await
        .problem(403, "forbidden");
    app.post(
        &vote,
        Some(&w.members[0].1),
        &json!({"choice": "delighted"}),
    )
    .await
    .problem(422, "validation_failed");
    w.vote(&sid, 0, "satisfied").await;
    app.post(
        &vote,
        Some(&w.members[0].1),
        &json!({"choice": "unsatisfied"}),
    )
    .await
    .problem(409, "already_voted");
    let before = app.get(&base, Some(&w.staff)).await;
    let etag = before.header("etag").unwrap().to_owned();
    // A stale ETag is refused and nothing moves.
    let stale = app
        .request(
            reqwest::Method::POST,
            &format!("{base}/conclude-evaluation"),
            Some(&w.staff),
        )
        .header("If-Match", "\"1\"")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status().as_u16(), 412);
    let after = app.get(&base, Some(&w.staff)).await;
    assert_eq!(after.header("etag"), Some(etag.as_str()));
    assert_eq!(after.body["stage"], "evaluating");
    // The one vote counted is the one the member reads back, and it decides.
    let mine = app
        .get(
            &format!("/api/v1/supervisions/{sid}/votes/mine"),
            Some(&w.members[0].1),
        )
        .await;
    let choice = mine.ok(200)["choice"].as_str().unwrap().to_owned();
    let done = w.step(&sid, "conclude-evaluation").await;
    let want = if choice == "unsatisfied" {
        "rectifying"
    } else {
        "closed"
    };
    assert_eq!(done["stage"], want);
    let ev = app
        .get(&format!("{base}/evaluations"), Some(&w.staff))
        .await;
    assert_eq!(
        ev.ok(200)["items"][0]["tally"],
        json!({"satisfied": 1, "basically_satisfied": 0, "unsatisfied": 0})
    );
    app.post(
        &format!("{base}/start-investigation"),
        Some(&w.staff),
        &json!({}),
    )
    .await
    .problem(409, "invalid_state");
}

#[tokio::test]
async fn observers_are_assigned_without_conflicts_and_their_opinions_are_decided() {
    let w = world().await;
    let app = &w.app;
    let item = w
        .plan(&["research_visit", "work_evaluation"], &[&w.body_b])
        .await;
    let sid = id(&item);
    let base = format!("/api/v1/supervisions/{sid}");
    let assign = format!("{base}/observers");
    // A declared tie to the supervised body bars the observer.
    app.post(
        &assign,
        Some(&w.staff),
        &json!({"observer_id": w.tied_observer_id}),
    )
    .await
    .problem(409, "conflict_of_interest");
    app.post(&assign, Some(&w.staff), &json!({"observer_id": w.body_a}))
        .await
        .problem(422, "validation_failed");
    app.post(
        &assign,
        Some(&w.leader),
        &json!({"observer_id": w.observer_id}),
    )
    .await
    .problem(403, "forbidden");
    let other = w
        .plan(&["special_report", "special_inquiry"], &[&w.body_a])
        .await;
    let other_id = id(&other);
    app.post(
        &format!("/api/v1/supervisions/{other_id}/observers"),
        Some(&w.staff),
        &json!({"observer_id": w.tied_observer_id}),
    )
    .await
    .ok(200);
    // Nor may a body the observer is tied to be added to their item.
    app.patch(
        &format!("/api/v1/supervisions/{other_id}"),
        Some(&w.staff),
        &json!({"body_ids": [w.body_a, w.body_b]}),
    )
    .await
    .problem(409, "conflict_of_interest");

    let a = app
        .post(
            &assign,
            Some(&w.staff),
            &json!({"observer_id": w.observer_id}),
        )
        .await;
    assert_eq!(a.ok(200)["observer_ids"], json!([w.observer_id]));
    app.post(
        &assign,
        Some(&w.staff),
        &json!({"observer_id": w.observer_id}),
    )
    .await
    .problem(409, "already_assigned");

    // Each observer sees exactly the items they are assigned to.
    let mine = app.get("/api/v1/supervisions", Some(&w.observer)).await;
    let ids: Vec<String> = mine.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(id)
        .collect();
    assert_eq!(ids, [sid.as_str()]);
    let theirs = app
        .get("/api/v1/supervisions", Some(&w.tied_observer))
        .await;
    assert_eq!(theirs.ok(200)["items"][0]["id"], other["id"]);
    app.get(&base, Some(&w.tied_observer))
        .await
        .problem(404, "not_found");
    app.post(
        &format!("{base}/observations"),
        Some(&w.tied_observer),
        &json!({"content": "x"}),
    )
    .await
    .problem(404, "not_found");
    app.post(
        &format!("{base}/observations"),
        Some(&w.deputy),
        &json!({"content": "x"}),
    )
    .await
    .problem(403, "forbidden");
    app.post(
        &format!("{base}/observations"),
        Some(&w.observer),
        &json!({"content": " "}),
    )
    .await
    .problem(422, "validation_failed");

    let o1 = id(app
        .post(
            &format!("{base}/observations"),
            Some(&w.observer),
            &json!({"content": "建议一"}),
        )
        .await
        .ok(201));
    let o2 = id(app
        .post(
            &format!("{base}/observations"),
            Some(&w.observer),
            &json!({"content": "建议二"}),
        )
        .await
        .ok(201));
    let decide = |o: &str| format!("{base}/observations/{o}/decide");
    app.post(&decide(&o1), Some(&w.staff), &json!({"adopted": false}))
        .await
        .problem(422, "validation_failed");
    app.post(&decide(&o1), Some(&w.observer), &json!({"adopted": true}))
        .await
        .problem(403, "forbidden");
    let d = app
        .post(
            &decide(&o1),
            Some(&w.staff),
            &json!({"adopted": false, "reason": "已列入明年计划"}),
        )
        .await;
    assert_eq!(d.ok(200)["status"], "not_adopted");
    assert_eq!(d.body["decision_reason"], "已列入明年计划");
    app.post(&decide(&o1), Some(&w.staff), &json!({"adopted": true}))
        .await
        .problem(409, "already_decided");
    app.post(&decide(&o2), Some(&w.staff), &json!({"adopted": true}))
        .await
        .ok(200);
    let listed = app
        .get(&format!("{base}/observations"), Some(&w.observer))
        .await;
    let statuses: Vec<Value> = listed.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["status"].clone())
        .collect();
    assert_eq!(statuses, [json!("not_adopted"), json!("adopted")]);
    // The observer is told of each decision, once, and with its side.
    let news = app
        .get(
            "/api/v1/me/notifications?kind=observation_decided",
            Some(&w.observer),
        )
        .await;
    let texts: Vec<&str> = news.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(
        texts[0].contains("已被采纳") && texts[1].contains("未被采纳"),
        "{texts:?}"
    );
    let none = app
        .get("/api/v1/me/notifications", Some(&w.tied_observer))
        .await;
    assert_eq!(none.ok(200)["items"], json!([]));
    // A supervised body does not read the observers' opinions.
    app.get(&format!("{base}/observations"), Some(&w.unit_b))
        .await
        .problem(403, "forbidden");

    // The observer's yearly record.
    let rec = app
        .get(
            &format!("/api/v1/observers/{}/record?year=2026", w.observer_id),
            Some(&w.observer),
        )
        .await;
    let rec = rec.ok(200);
    assert_eq!(rec["items_joined"], 1);
    assert_eq!(rec["items"][0]["id"], sid.as_str());
    assert_eq!(
        (
            &rec["opinions_filed"],
            &rec["opinions_adopted"],
            &rec["opinions_not_adopted"]
        ),
        (&json!(2), &json!(1), &json!(1))
    );
    let empty = app
        .get(
            &format!("/api/v1/observers/{}/record?year=2025", w.observer_id),
            Some(&w.staff),
        )
        .await;
    assert_eq!(empty.ok(200)["items_joined"], 0);
    app.get(
        &format!("/api/v1/observers/{}/record", w.observer_id),
        Some(&w.tied_observer),
    )
    .await
    .problem(403, "forbidden");

    // A tie to the body of an open assignment waits for the withdrawal.
    app.patch(
        &format!("/api/v1/observers/{}", w.observer_id),
        Some(&w.observer),
        &json!({"conflict_unit_ids": [w.body_b]}),
    )
    .await
    .problem(409, "tie_to_assigned_item");

    // Removal ends the observer's view of the item; opinions stay on record.
    let r = app
        .delete(
            &format!("{base}/observers/{}", w.observer_id),
            Some(&w.staff),
        )
        .await;
    assert_eq!(r.ok(200)["observer_ids"], json!([]));
    app.delete(
        &format!("{base}/observers/{}", w.observer_id),
        Some(&w.staff),
    )
    .await
    .problem(404, "not_found");
    app.get(&base, Some(&w.observer))
        .await
        .problem(404, "not_found");
    let kept = app
        .get(&format!("{base}/observations"), Some(&w.staff))
        .await;
    assert_eq!(kept.ok(200)["items"].as_array().unwrap().len(), 2);

    // An observer no longer serving cannot be assigned.
    app.patch(
        &format!("/api/v1/observers/{}", w.observer_id),
        Some(&w.staff),
        &json!({"status": "inactive"}),
    )
    .await
    .ok(200);
    app.post(
        &assign,
        Some(&w.staff),
        &json!({"observer_id": w.observer_id}),
    )
    .await
    .problem(409, "observer_inactive");
}

#[tokio::test]
async fn who_sees_what_and_the_list_filters() {
    let w = world().await;
    let app = &w.app;
    let both = w
        .plan(
            &["research_visit", "work_evaluation"],
            &[&w.body_a, &w.body_b],
        )
        .await;
    let only_a = w
        .plan(
            &["law_enforcement_inspection", "satisfaction_evaluation"],
            &[&w.body_a],
        )
        .await;
    let (both_id, a_id) = (id(&both), id(&only_a));
    for s in [&both_id, &a_id] {
        w.step(s, "start-investigation").await;
        w.step(s, "start-deliberation").await;
    }
    let op_a = w.opinion(&both_id, &w.body_a, &["甲的问题"]).await;
    let op_b = w.opinion(&both_id, &w.body_b, &["乙的问题"]).await;
    w.step(&both_id, "start-rectification").await;

    let list = |token: Option<String>, query: &'static str| {
        let app = &w.app;
        async move {
            let a = app
                .get(&format!("/api/v1/supervisions{query}"), token.as_deref())
                .await;
            let mut ids: Vec<String> = a.ok(200)["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(id)
                .collect();
            ids.sort();
            ids
        }
    };
    let mut all = vec![both_id.clone(), a_id.clone()];
    all.sort();
    assert_eq!(list(Some(w.leader.clone()), "").await, all);
    assert_eq!(list(Some(w.unit_a.clone()), "").await, all);
    assert_eq!(list(Some(w.unit_b.clone()), "").await, [both_id.as_str()]);
    assert_eq!(list(Some(w.deputy.clone()), "").await, all);
    assert_eq!(
        list(Some(w.outsider.clone()), "").await,
        Vec::<String>::new()
    );
    assert_eq!(list(None, "").await, Vec::<String>::new());

    // A body sees only the opinions addressed to it, and none of the records.
    let ops = app
        .get(
            &format!("/api/v1/supervisions/{both_id}/opinions"),
            Some(&w.unit_b),
        )
        .await;
    let seen: Vec<String> = ops.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(id)
        .collect();
    assert_eq!(seen, [id(&op_b)]);
    let ops = app
        .get(
            &format!("/api/v1/supervisions/{both_id}/opinions"),
            Some(&w.staff),
        )
        .await;
    assert_eq!(ops.ok(200)["items"].as_array().unwrap().len(), 2);
    app.get(
        &format!("/api/v1/supervisions/{both_id}/timeline"),
        Some(&w.unit_b),
    )
    .await
    .problem(403, "forbidden");
    w.report(&both_id, &w.unit_a, &op_a, &[0]).await;
    let reports = app
        .get(
            &format!("/api/v1/supervisions/{both_id}/reports"),
            Some(&w.unit_b),
        )
        .await;
    assert_eq!(reports.ok(200)["items"], json!([]));

    // Published items are for everyone; their working records are not.
    app.post(
        &format!("/api/v1/supervisions/{a_id}/publish"),
        Some(&w.staff),
        &json!({}),
    )
    .await
    .ok(200);
    assert_eq!(list(None, "").await, [a_id.as_str()]);
    assert_eq!(list(Some(w.outsider.clone()), "").await, [a_id.as_str()]);
    app.get(&format!("/api/v1/supervisions/{a_id}"), None)
        .await
        .ok(200);
    app.get(&format!("/api/v1/supervisions/{a_id}/opinions"), None)
        .await
        .problem(401, "unauthenticated");
    app.get(
        &format!("/api/v1/supervisions/{a_id}/opinions"),
        Some(&w.outsider),
    )
    .await
    .problem(404, "not_found");

    // Filters.
    let staff = Some(w.staff.clone());
    assert_eq!(
        list(staff.clone(), "?method=law_enforcement_inspection").await,
        [a_id.as_str()]
    );
    assert_eq!(
        list(staff.clone(), "?stage=rectifying").await,
        [both_id.as_str()]
    );
    assert_eq!(
        list(staff.clone(), "?year=2025").await,
        Vec::<String>::new()
    );
    assert_eq!(
        list(staff.clone(), "?overdue=true").await,
        Vec::<String>::new()
    );
    let body_b_filter = format!("?body_id={}", w.body_b);
    let a = app
        .get(
            &format!("/api/v1/supervisions{body_b_filter}"),
            Some(&w.staff),
        )
        .await;
    assert_eq!(a.ok(200)["items"][0]["id"], both_id.as_str());
    assert_eq!(a.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        list(staff.clone(), "?q=%E6%89%A7%E6%B3%95").await,
        Vec::<String>::new()
    );
    assert_eq!(
        list(staff.clone(), "?q=law_enforcement").await,
        [a_id.as_str()]
    );
    app.get("/api/v1/supervisions?stage=done", Some(&w.staff))
        .await
        .problem(422, "validation_failed");

    // Past the deadline with a problem waiting for its body, the item is
    // overdue. Body A answered in time (its answer waits for the office);
    // body B did not.
    app.clock.advance(31);
    assert_eq!(
        list(staff.clone(), "?overdue=true").await,
        [both_id.as_str()]
    );
    assert_eq!(list(staff.clone(), "?overdue=false").await, [a_id.as_str()]);
    let item = app
        .get(&format!("/api/v1/supervisions/{both_id}"), Some(&w.staff))
        .await;
    assert_eq!(item.ok(200)["overdue"], true);
    let ops = app
        .get(
            &format!("/api/v1/supervisions/{both_id}/opinions"),
            Some(&w.staff),
        )
        .await;
    let flags: Vec<(Value, Value)> = ops.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["id"].clone(), o["overdue"].clone()))
        .collect();
    assert_eq!(
        flags,
        [
            (op_a["id"].clone(), json!(false)),
            (op_b["id"].clone(), json!(true))
        ]
    );
    // Each body learns only about its own rectification.
    let seen_by = |t: &str| {
        let app = &w.app;
        let path = format!("/api/v1/supervisions/{both_id}");
        let t = t.to_owned();
        async move { app.get(&path, Some(&t)).await.ok(200)["overdue"].clone() }
    };
    assert_eq!(seen_by(&w.unit_a).await, false);
    assert_eq!(seen_by(&w.unit_b).await, true);
    assert_eq!(
        list(Some(w.unit_a.clone()), "?overdue=true").await,
        Vec::<String>::new()
    );
    assert_eq!(
        list(Some(w.unit_b.clone()), "?overdue=true").await,
        [both_id.as_str()]
    );
    let st = app.get("/api/v1/supervisions/stats", Some(&w.staff)).await;
    assert_eq!(st.ok(200)["rectification"]["overdue"], 1);
    assert_eq!(st.body["by_stage"]["deliberating"], 1);
    assert_eq!(st.body["by_stage"]["rectifying"], 1);
}

#[tokio::test]
async fn a_member_voting_several_times_at_once_is_counted_once() {
    let w = world().await;
    let app = &w.app;
    let item = w
        .plan(
            &[
                "special_report",
                "special_inquiry",
                "satisfaction_evaluation",
            ],
            &[&w.body_a],
        )
        .await;
    let sid = id(&item);
    w.step(&sid, "start-investigation").await;
    w.step(&sid, "start-deliberation").await;
    let op = w.opinion(&sid, &w.body_a, &["问题"]).await;
    w.step(&sid, "start-rectification").await;
    w.report(&sid, &w.unit_a, &op, &[0]).await;
    w.close_off(&sid, &op, 0).await;
    w.step(&sid, "start-evaluation").await;
    w.attend(&sid, &[0, 1, 2]).await;

    let path = format!("/api/v1/supervisions/{sid}/votes");
    let send = |choice: &'static str| {
        app.request(reqwest::Method::POST, &path, Some(&w.members[0].1))
            .json(&json!({"choice": choice}))
            .send()
    };
    let mut codes = statuses(vec![
        send("satisfied"),
        send("unsatisfied"),
        send("satisfied"),
        send("basically_satisfied"),
        send("unsatisfied"),
    ])
    .await;
    codes.sort();
    assert_eq!(codes, [201, 409, 409, 409, 409]);
    // The one vote counted is the one the member reads back, and it decides.
    let mine = app
        .get(
            &format!("/api/v1/supervisions/{sid}/votes/mine"),
            Some(&w.members[0].1),
        )
        .await;
    let choice = mine.ok(200)["choice"].as_str().unwrap().to_owned();
    let done = w.step(&sid, "conclude-evaluation").await;
    let want = if choice == "unsatisfied" {
        "rectifying"
    } else {
        "closed"
    };
    assert_eq!(done["stage"], want);
    let ev = app
        .get(
            &format!("/api/v1/supervisions/{sid}/evaluations"),
            Some(&w.staff),
        )
        .await;
    assert_eq!(ev.ok(200)["items"][0]["total"], 1);
}

/// Sends the requests at once and returns their status codes.
async fn statuses(
    requests: Vec<impl std::future::Future<Output = reqwest::Result<reqwest::Response>>>,
) -> Vec<u16> {
    futures_util::future::join_all(requests)
        .await
        .into_iter()
        .map(|r| r.map(|a| a.status().as_u16()).unwrap_or(0))
        .collect()
}

#[tokio::test]
async fn a_tie_to_a_body_of_an_open_assignment_is_refused_and_never_races_past() {
    let w = world().await;
    let app = &w.app;
    let item = w.plan(&["research_visit"], &[&w.body_b]).await;
    let sid = id(&item);
    let assign = format!("/api/v1/supervisions/{sid}/observers");
    app.post(
        &assign,
        Some(&w.staff),
        &json!({"observer_id": w.observer_id}),
    )
    .await
    .ok(200);
    // The observer, assigned to an item on body B, declares a tie to B:
    // refused, and nothing changes, until the office withdraws them.
    let me = format!("/api/v1/observers/{}", w.observer_id);
    let tie = json!({"conflict_unit_ids": [w.body_b]});
    app.patch(&me, Some(&w.observer), &tie)
        .await
        .problem(409, "tie_to_assigned_item");
    let o = app.get(&me, Some(&w.staff)).await;
    assert_eq!(o.ok(200)["conflict_unit_ids"], json!([]));
    app.delete(&format!("{assign}/{}", w.observer_id), Some(&w.staff))
        .await;
    app.patch(&me, Some(&w.observer), &tie).await.ok(200);

    // Declaring a tie and being assigned at the same moment: never both.
    for i in 0..8 {
        let unit = id(&app.create_unit(&w.staff, &format!("区第{i}局")).await);
        let item = w.plan(&["research_visit"], &[&unit]).await;
        let path = format!("/api/v1/supervisions/{}/observers", id(&item));
        let declare = json!({"conflict_unit_ids": [w.body_b, unit]});
        let who = json!({"observer_id": w.observer_id});
        let (a, d) = tokio::join!(
            app.post(&path, Some(&w.staff), &who),
            app.patch(&me, Some(&w.observer), &declare),
        );
        assert!(
            !(a.status == 200 && d.status == 200),
            "round {i}: assigned to an item on a body they declared a tie to"
        );
        for r in [&a, &d] {
            assert!(
                [200, 409, 412].contains(&r.status.as_u16()),
                "round {i}: {} {}",
                r.status,
                r.text
            );
        }
        // Back to a tie to B alone, unassigned, for the next round.
        if a.status == 200 {
            app.delete(&format!("{path}/{}", w.observer_id), Some(&w.staff))
                .await;
        }
        app.patch(&me, Some(&w.observer), &tie).await;
    }
}

#[tokio::test]
async fn rectification_takes_three_months_by_default_and_never_more_than_six() {
    let w = world().await;
    let app = &w.app;
    let item = w.plan(&["research_visit"], &[&w.body_a]).await;
    let sid = id(&item);
    w.step(&sid, "start-investigation").await;
    w.step(&sid, "start-deliberation").await;
    let path = format!("/api/v1/supervisions/{sid}/opinions");
    let today = app.clock.today();
    let issued = app
        .post(
            &path,
            Some(&w.staff),
            &json!({"unit_id": w.body_a, "content": "审议意见", "problems": ["问题"]}),
        )
        .await;
    let three = today.checked_add_months(chrono::Months::new(3)).unwrap();
    assert_eq!(issued.ok(201)["deadline"], three.to_string());
    let six = today.checked_add_months(chrono::Months::new(6)).unwrap();
    app.post(
        &path,
        Some(&w.staff),
        &json!({"unit_id": w.body_a, "content": "审议意见", "deadline": six, "problems": ["问题"]}),
    )
    .await
    .ok(201);
    let seven = six + chrono::Days::new(1);
    let far = app
        .post(
            &path,
            Some(&w.staff),
            &json!({"unit_id": w.body_a, "content": "审议意见", "deadline": seven, "problems": ["问题"]}),
        )
        .await;
    far.problem(422, "validation_failed");
    assert_eq!(far.fields(), ["deadline"]);
    assert_eq!(far.body["errors"][0]["code"], "too_far");
    let opinions = app.get(&path, Some(&w.staff)).await;
    assert_eq!(
        opinions.ok(200)["items"].as_array().unwrap().len(),
        2,
        "the refused opinion left nothing"
    );
}

#[tokio::test]
async fn members_may_evaluate_each_body_apart_and_each_body_has_its_result() {
    let w = world().await;
    let app = &w.app;
    let item = w
        .plan(
            &["law_enforcement_inspection", "satisfaction_evaluation"],
            &[&w.body_a, &w.body_b],
        )
        .await;
    let sid = id(&item);
    let base = format!("/api/v1/supervisions/{sid}");
    w.step(&sid, "start-investigation").await;
    w.step(&sid, "start-deliberation").await;
    let op = w.opinion(&sid, &w.body_a, &["问题"]).await;
    w.step(&sid, "start-rectification").await;
    w.report(&sid, &w.unit_a, &op, &[0]).await;
    w.close_off(&sid, &op, 0).await;
    w.step(&sid, "start-evaluation").await;
    w.attend(&sid, &[0, 1, 2]).await;
    let vote = format!("{base}/votes");
    // A body the item does not supervise, or one named twice, is refused.
    let stranger = app
        .post(
            &vote,
            Some(&w.members[0].1),
            &json!({"choice": "satisfied", "bodies": [{"body_id": w.deputy_id, "choice": "unsatisfied"}]}),
        )
        .await;
    stranger.problem(422, "validation_failed");
    assert_eq!(stranger.fields(), ["bodies[0].body_id"]);
    let twice = app
        .post(
            &vote,
            Some(&w.members[0].1),
            &json!({"choice": "satisfied", "bodies": [
                {"body_id": w.body_b, "choice": "unsatisfied"},
                {"body_id": w.body_b, "choice": "satisfied"}]}),
        )
        .await;
    assert_eq!(twice.fields(), ["bodies[1].body_id"]);
    // Content with the whole; two of three unsatisfied with body B.
    for m in 0..2 {
        let a = app
            .post(
                &vote,
                Some(&w.members[m].1),
                &json!({"choice": "satisfied", "bodies": [{"body_id": w.body_b, "choice": "unsatisfied"}]}),
            )
            .await;
        assert_eq!(a.ok(201)["bodies"][0]["choice"], "unsatisfied");
    }
    w.vote(&sid, 2, "satisfied").await;
    let mine = app
        .get(&format!("{base}/votes/mine"), Some(&w.members[0].1))
        .await;
    assert_eq!(
        mine.ok(200)["bodies"],
        json!([{"body_id": w.body_b, "choice": "unsatisfied"}])
    );
    let back = w.step(&sid, "conclude-evaluation").await;
    assert_eq!(
        (&back["stage"], &back["round"]),
        (&json!("rectifying"), &json!(2))
    );
    let evals = app
        .get(&format!("{base}/evaluations"), Some(&w.leader))
        .await;
    let e = evals.ok(200)["items"][0].clone();
    assert_eq!(e["outcome"], "returned");
    assert_eq!(e["tally"]["satisfied"], 3);
    let result = |body: &str| {
        e["bodies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["body_id"] == body)
            .unwrap()
            .clone()
    };
    assert_eq!(result(&w.body_a)["outcome"], "accepted");
    assert_eq!(result(&w.body_a)["tally"]["satisfied"], 3);
    assert_eq!(result(&w.body_b)["outcome"], "returned");
    assert_eq!(result(&w.body_b)["tally"]["unsatisfied"], 2);
}

/// The caller's tasks of `kind`: (subject id, record id, due on).
async fn queue(w: &World, token: &str, kind: &str) -> Vec<(String, Value, Value)> {
    let items = w.app.my_tasks(token, kind).await;
    let ids = crate::helpers::subject_ids(&items, "supervision");
    ids.into_iter()
        .zip(&items)
        .map(|(id, i)| (id, i["record_id"].clone(), i["due_on"].clone()))
        .collect()
}

/// The kinds of the caller's notifications about `item`, oldest first.
async fn told(w: &World, token: &str, item: &str) -> Vec<String> {
    let mut kinds: Vec<String> = w
        .app
        .my_notifications(token, None)
        .await
        .iter()
        .filter(|n| n["subject"]["id"] == item)
        .map(|n| n["kind"].as_str().unwrap().to_owned())
        .collect();
    kinds.reverse();
    kinds
}

#[tokio::test]
async fn rectification_and_the_vote_wait_for_their_body_and_members_and_tell_them() {
    let w = world().await;
    let app = &w.app;
    let methods = ["law_enforcement_inspection", "satisfaction_evaluation"];
    let sid = id(&w.plan(&methods, &[&w.body_a, &w.body_b]).await);
    w.step(&sid, "start-investigation").await;
    w.step(&sid, "start-deliberation").await;
    let op_a = w.opinion(&sid, &w.body_a, &["问题一", "问题二"]).await;
    let op_b = w.opinion(&sid, &w.body_b, &["问题三"]).await;
    // Each body is told of its own opinion, with the deadline.
    assert_eq!(told(&w, &w.unit_a, &sid).await, ["rectification_requested"]);
    assert_eq!(told(&w, &w.unit_b, &sid).await, ["rectification_requested"]);
    // Nothing to report while the committee deliberates.
    assert!(
        queue(&w, &w.unit_a, "report_rectification")
            .await
            .is_empty()
    );
    w.step(&sid, "start-rectification").await;
    let a = queue(&w, &w.unit_a, "report_rectification").await;
    assert_eq!(
        a,
        [(sid.clone(), op_a["id"].clone(), op_a["deadline"].clone())]
    );
    assert_eq!(queue(&w, &w.unit_b, "report_rectification").await.len(), 1);

    // Seven days before the deadline, each body with problems waiting is
    // reminded once.
    let policy = renda_domain::suggestion::HandlingPolicy::default();
    let week_before = app.clock.today() + chrono::Duration::days(23);
    for who in ["a", "b"] {
        renda::run_reminders(&app.store, who, week_before, &policy, None)
            .await
            .unwrap();
    }
    assert_eq!(
        told(&w, &w.unit_a, &sid).await,
        ["rectification_requested", "deadline_near"]
    );

    // Reported, the task ends; sent back, it comes again.
    w.report(&sid, &w.unit_a, &op_a, &[0, 1]).await;
    assert!(
        queue(&w, &w.unit_a, "report_rectification")
            .await
            .is_empty()
    );
    let p1 = op_a["problems"][1]["id"].as_str().unwrap();
    app.post(
        &format!("/api/v1/supervisions/{sid}/problems/{p1}/send-back"),
        Some(&w.staff),
        &json!({"reason": "措施未落实"}),
    )
    .await
    .ok(200);
    assert_eq!(queue(&w, &w.unit_a, "report_rectification").await.len(), 1);
    w.report(&sid, &w.unit_a, &op_a, &[1]).await;
    w.close_off(&sid, &op_a, 0).await;
    w.close_off(&sid, &op_a, 1).await;
    w.report(&sid, &w.unit_b, &op_b, &[0]).await;
    w.close_off(&sid, &op_b, 0).await;
    assert!(
        queue(&w, &w.unit_b, "report_rectification")
            .await
            .is_empty()
    );

    // The vote waits for each member recorded present, until they vote.
    w.step(&sid, "start-evaluation").await;
    assert!(
        queue(&w, &w.members[0].1, "cast_supervision_vote")
            .await
            .is_empty()
    );
    w.attend(&sid, &[0, 1]).await;
    for m in 0..2 {
        assert_eq!(
            queue(&w, &w.members[m].1, "cast_supervision_vote")
                .await
                .len(),
            1
        );
        assert_eq!(told(&w, &w.members[m].1, &sid).await, ["vote_opened"]);
    }
    assert!(
        queue(&w, &w.members[2].1, "cast_supervision_vote")
            .await
            .is_empty()
    );
    assert!(told(&w, &w.members[2].1, &sid).await.is_empty(), "absent");
    w.vote(&sid, 0, "satisfied").await;
    assert!(
        queue(&w, &w.members[0].1, "cast_supervision_vote")
            .await
            .is_empty()
    );
    assert_eq!(
        queue(&w, &w.members[1].1, "cast_supervision_vote")
            .await
            .len(),
        1
    );
    // The attendance recorded anew tells nobody twice.
    w.attend(&sid, &[0, 1]).await;
    assert_eq!(told(&w, &w.members[1].1, &sid).await, ["vote_opened"]);
    // Neither the participating deputy nor the office holds the vote.
    assert!(
        queue(&w, &w.deputy, "cast_supervision_vote")
            .await
            .is_empty()
    );
}
