//! The office's handling practice through the API: co-signers' consent,
//! co-units first, 面商 before the reply, the end of rehandling, the
//! deputy's time to evaluate, letters (转来信) and instructions (批示),
//! each with its refusals, and the practice as the congress configures it.

use chrono::Datelike;
use renda_domain::suggestion::{Colors, HandlingPolicy};
use renda_domain::time::Clock;
use serde_json::{Value, json};

use crate::helpers::{Answer, TestApp, spawn_app, spawn_app_with};

/// An office, a leader, three units and four deputies.
pub(crate) struct Office {
    pub(crate) app: TestApp,
    pub(crate) staff: String,
    pub(crate) leader: String,
    pub(crate) leader_id: String,
    pub(crate) units: Vec<String>,
    pub(crate) unit_tokens: Vec<String>,
    pub(crate) deputies: Vec<String>,
    pub(crate) deputy_tokens: Vec<String>,
}

pub(crate) async fn office_on(app: TestApp) -> Office {
    let admin = app.admin().await;
    let staff = app
        .user_token(&admin, "office", &["staff"], json!({}))
        .await;
    let leader_id = app
        .create_user(&admin, "leader", &["leader"], json!({}))
        .await;
    let leader = app.login("leader", crate::helpers::PASSWORD).await;
    let mut units = Vec::new();
    let mut unit_tokens = Vec::new();
    for (i, name) in ["区民政局", "区住建局", "区信访局"].iter().enumerate() {
        let u = app.create_unit(&staff, name).await;
        let id = u["id"].as_str().unwrap().to_owned();
        let token = app
            .user_token(
                &admin,
                &format!("unit{i}"),
                &["unit"],
                json!({"unit_id": id}),
            )
            .await;
        units.push(id);
        unit_tokens.push(token);
    }
    let mut deputies = Vec::new();
    let mut deputy_tokens = Vec::new();
    for (i, name) in ["张伟", "李娜", "王强", "赵敏"].iter().enumerate() {
        let d = app.create_deputy(&staff, json!({"name": name})).await;
        let id = d["id"].as_str().unwrap().to_owned();
        let token = app
            .user_token(
                &admin,
                &format!("deputy{i}"),
                &["deputy"],
                json!({"deputy_id": id}),
            )
            .await;
        deputies.push(id);
        deputy_tokens.push(token);
    }
    Office {
        app,
        staff,
        leader,
        leader_id,
        units,
        unit_tokens,
        deputies,
        deputy_tokens,
    }
}

pub(crate) async fn office() -> Office {
    office_on(spawn_app().await).await
}

impl Office {
    pub(crate) fn path(&self, id: &str, op: &str) -> String {
        format!("/api/v1/suggestions/{id}/{op}")
    }

    pub(crate) async fn op(&self, token: &str, id: &str, op: &str, body: Value) -> Answer {
        self.app.post(&self.path(id, op), Some(token), &body).await
    }

    pub(crate) async fn read(&self, token: &str, id: &str) -> Answer {
        self.app
            .get(&format!("/api/v1/suggestions/{id}"), Some(token))
            .await
    }

    /// A draft by deputy 0 naming `co_signers` (indexes of deputies).
    pub(crate) async fn draft(&self, co_signers: &[usize]) -> String {
        let co: Vec<&str> = co_signers
            .iter()
            .map(|i| self.deputies[*i].as_str())
            .collect();
        let a = self
            .app
            .post(
                "/api/v1/suggestions",
                Some(&self.deputy_tokens[0]),
                &json!({"title": "关于增设老年助餐点的建议", "content": "老年人吃饭难。",
                        "category": "社会保障", "term": "第十八届", "timing": "between_sessions",
                        "co_signer_ids": co}),
            )
            .await;
        a.ok(201)["id"].as_str().unwrap().to_owned()
    }

    pub(crate) async fn submitted(&self) -> String {
        let id = self.draft(&[]).await;
        self.op(&self.deputy_tokens[0], &id, "submit", json!({}))
            .await
            .ok(200);
        id
    }

    /// Submitted, registered and assigned to unit 0 with `color`
    /// (co-unit: unit 1 when `co_unit`).
    pub(crate) async fn assigned(&self, color: &str, co_unit: bool) -> String {
        let id = self.submitted().await;
        self.op(&self.staff, &id, "register", json!({}))
            .await
            .ok(200);
        let mut body = json!({"lead_unit_id": self.units[0], "color": color});
        if co_unit {
            body["co_unit_ids"] = json!([self.units[1]]);
        }
        if color == "red" {
            body["supervisor_id"] = json!(self.leader_id);
        }
        self.op(&self.staff, &id, "assign", body).await.ok(200);
        id
    }

    pub(crate) async fn reply(&self, id: &str) -> Answer {
        self.op(
            &self.unit_tokens[0],
            id,
            "reply",
            json!({"category": "C", "content": "受条件限制，暂难实施。"}),
        )
        .await
    }

    pub(crate) async fn consult(&self, id: &str) -> Answer {
        let today = self.app.clock.today();
        self.op(
            &self.unit_tokens[0],
            id,
            "consultations",
            json!({"held_on": today, "form": "visit", "participants": "张伟代表、民政局李科长",
                   "agreed": "年内建成助餐点3个"}),
        )
        .await
    }

    pub(crate) async fn evaluate(&self, id: &str, result: &str) -> Answer {
        self.op(
            &self.deputy_tokens[0],
            id,
            "evaluate",
            json!({"result": result}),
        )
        .await
    }

    async fn timeline(&self, id: &str) -> Vec<Value> {
        let a = self
            .app
            .get(
                &format!("{}?limit=100", self.path(id, "timeline")),
                Some(&self.staff),
            )
            .await;
        a.ok(200)["items"].as_array().unwrap().clone()
    }

    async fn duty_kinds(&self, deputy: usize) -> Vec<String> {
        let a = self
            .app
            .get(
                &format!(
                    "/api/v1/deputies/{}/duties?limit=100",
                    self.deputies[deputy]
                ),
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

fn statuses(s: &Value) -> Vec<(String, String)> {
    s["co_signers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["deputy_id"].as_str().unwrap().to_owned(),
                c["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn co_signers_count_only_once_they_confirm() {
    let o = office().await;
    let id = o.draft(&[1, 2, 3]).await;
    // Invited co-signers read the draft; nobody else does.
    for t in &o.deputy_tokens {
        o.read(t, &id).await.ok(200);
    }
    o.read(&o.staff, &id).await.problem(404, "not_found");
    // Only a named co-signer answers, and only for themselves.
    o.op(&o.deputy_tokens[0], &id, "confirm-co-signature", json!({}))
        .await
        .problem(403, "forbidden");
    let c = o
        .op(&o.deputy_tokens[1], &id, "confirm-co-signature", json!({}))
        .await;
    let b = c.ok(200).clone();
    assert_eq!(
        statuses(&b),
        [
            (o.deputies[1].clone(), "confirmed".into()),
            (o.deputies[2].clone(), "invited".into()),
            (o.deputies[3].clone(), "invited".into())
        ]
    );
    assert!(b["co_signers"][0]["confirmed_at"].is_string());
    // Deputy 2 declines and loses sight; deputy 3 never answers.
    o.op(
        &o.deputy_tokens[2],
        &id,
        "withdraw-co-signature",
        json!({"note": "不熟悉情况"}),
    )
    .await
    .ok(200);
    o.read(&o.deputy_tokens[2], &id)
        .await
        .problem(404, "not_found");
    let sub = o.op(&o.deputy_tokens[0], &id, "submit", json!({})).await;
    assert_eq!(
        statuses(sub.ok(200)),
        [
            (o.deputies[1].clone(), "confirmed".into()),
            (o.deputies[2].clone(), "declined".into()),
            (o.deputies[3].clone(), "lapsed".into())
        ]
    );
    // The lapsed co-signer drops out of sight too, and may not answer now.
    o.read(&o.deputy_tokens[3], &id)
        .await
        .problem(404, "not_found");
    o.read(&o.deputy_tokens[1], &id).await.ok(200);
    o.op(&o.deputy_tokens[1], &id, "withdraw-co-signature", json!({}))
        .await
        .problem(409, "invalid_state");
    // The duty record goes to the confirmed co-signer only.
    assert_eq!(o.duty_kinds(1).await, ["suggestion_co_signed"]);
    assert!(o.duty_kinds(2).await.is_empty());
    assert!(o.duty_kinds(3).await.is_empty());
    // The timeline says who dropped out on submission.
    let steps = o.timeline(&id).await;
    let submitted = steps.iter().find(|e| e["action"] == "submitted").unwrap();
    assert_eq!(
        submitted["detail"]["lapsed_co_signers"],
        json!([o.deputies[3]])
    );
    let actions: Vec<&str> = steps
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "created",
            "co_signature_confirmed",
            "co_signature_declined",
            "submitted"
        ]
    );
}

#[tokio::test]
async fn a_reworded_draft_asks_its_co_signers_again_and_a_second_answer_changes_nothing() {
    let o = office().await;
    let id = o.draft(&[1]).await;
    let first = o
        .op(&o.deputy_tokens[1], &id, "confirm-co-signature", json!({}))
        .await;
    let version = first.header("etag").unwrap().to_owned();
    // Confirming again: the same suggestion, the same version, no new step.
    let again = o
        .op(&o.deputy_tokens[1], &id, "confirm-co-signature", json!({}))
        .await;
    again.ok(200);
    assert_eq!(again.header("etag"), Some(version.as_str()));
    let patched = o
        .app
        .patch(
            &format!("/api/v1/suggestions/{id}"),
            Some(&o.deputy_tokens[0]),
            &json!({"content": "老年人吃饭难，建议增设助餐点三处。"}),
        )
        .await;
    assert_eq!(
        statuses(patched.ok(200)),
        [(o.deputies[1].clone(), "invited".into())]
    );
    // A draft's timeline, as its author reads it.
    let tl = o
        .app
        .get(&o.path(&id, "timeline"), Some(&o.deputy_tokens[0]))
        .await;
    let steps = tl.ok(200)["items"].as_array().unwrap().clone();
    let actions: Vec<&str> = steps
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["created", "co_signature_confirmed", "draft_updated"]
    );
    assert_eq!(
        steps[2]["detail"]["co_signers_asked_again"],
        json!([o.deputies[1]])
    );
}

#[tokio::test]
async fn a_co_signer_named_again_is_invited_anew() {
    let o = office().await;
    let id = o.draft(&[1]).await;
    o.op(&o.deputy_tokens[1], &id, "confirm-co-signature", json!({}))
        .await
        .ok(200);
    o.op(&o.deputy_tokens[1], &id, "withdraw-co-signature", json!({}))
        .await
        .ok(200);
    let d = o.read(&o.deputy_tokens[0], &id).await;
    assert_eq!(d.ok(200)["co_signers"][0]["status"], "withdrawn");
    let patched = o
        .app
        .patch(
            &format!("/api/v1/suggestions/{id}"),
            Some(&o.deputy_tokens[0]),
            &json!({"co_signer_ids": [o.deputies[1], o.deputies[2]]}),
        )
        .await;
    assert_eq!(
        statuses(patched.ok(200)),
        [
            (o.deputies[1].clone(), "invited".into()),
            (o.deputies[2].clone(), "invited".into())
        ]
    );
    o.read(&o.deputy_tokens[1], &id).await.ok(200);
}

#[tokio::test]
async fn the_lead_unit_replies_after_its_co_units() {
    let o = office().await;
    let id = o.assigned("green", true).await;
    let early = o.reply(&id).await;
    early.problem(409, "co_unit_opinions_pending");
    assert_eq!(early.fields(), ["co_units"]);
    assert_eq!(
        o.read(&o.staff, &id).await.ok(200)["status"],
        "assigned",
        "a refused reply changes nothing"
    );
    o.op(
        &o.unit_tokens[1],
        &id,
        "co-unit-opinion",
        json!({"opinion": "住建局配合选址。"}),
    )
    .await
    .ok(200);
    assert_eq!(o.reply(&id).await.ok(200)["status"], "replied");

    // A co-unit silent past its deadline does not hold the reply up.
    let late = o.assigned("green", true).await;
    let due = o.read(&o.staff, &late).await.ok(200)["co_units"][0]["due_date"]
        .as_str()
        .unwrap()
        .to_owned();
    let today = o.app.clock.today();
    let due: chrono::NaiveDate = due.parse().unwrap();
    o.app.clock.advance((due - today).num_days() + 1);
    assert_eq!(o.reply(&late).await.ok(200)["status"], "replied");
}

#[tokio::test]
async fn a_yellow_or_red_reply_needs_an_undisputed_consultation_first() {
    let o = office().await;
    let id = o.assigned("yellow", false).await;
    o.reply(&id).await.problem(409, "consultation_required");
    // Only the lead unit records one, on a day that has come.
    o.op(
        &o.deputy_tokens[0],
        &id,
        "consultations",
        json!({"held_on": o.app.clock.today(), "form": "phone", "participants": "x", "agreed": "y"}),
    )
    .await
    .problem(403, "forbidden");
    let tomorrow = o.app.clock.today() + chrono::Days::new(1);
    let future = o
        .op(
            &o.unit_tokens[0],
            &id,
            "consultations",
            json!({"held_on": tomorrow, "form": "phone", "participants": "张伟", "agreed": "按期答复"}),
        )
        .await;
    future.problem(422, "validation_failed");
    assert_eq!(future.fields(), ["held_on"]);
    let bad_form = o
        .op(
            &o.unit_tokens[0],
            &id,
            "consultations",
            json!({"held_on": o.app.clock.today(), "form": "letter", "participants": "张伟", "agreed": "按期答复"}),
        )
        .await;
    assert_eq!(bad_form.status.as_u16(), 422);
    let first = o.consult(&id).await;
    let record = first.ok(201).clone();
    assert_eq!(record["round"], 1);
    assert!(record["response"].is_null());
    let location = first.header("location").unwrap().to_owned();
    // The deputy, the unit and the office read it.
    for t in [&o.deputy_tokens[0], &o.unit_tokens[0], &o.staff] {
        o.app.get(&location, Some(t)).await.ok(200);
    }
    let rid = record["id"].as_str().unwrap();
    let answer_path = format!("{}/{rid}/response", o.path(&id, "consultations"));
    // The lead deputy disputes it, with a reason; nobody else answers.
    o.app
        .post(
            &answer_path,
            Some(&o.unit_tokens[0]),
            &json!({"response": "confirmed"}),
        )
        .await
        .problem(403, "forbidden");
    let bare = o
        .app
        .post(
            &answer_path,
            Some(&o.deputy_tokens[0]),
            &json!({"response": "disputed"}),
        )
        .await;
    bare.problem(422, "validation_failed");
    assert_eq!(bare.fields(), ["comment"]);
    let disputed = o
        .app
        .post(
            &answer_path,
            Some(&o.deputy_tokens[0]),
            &json!({"response": "disputed", "comment": "未曾见面"}),
        )
        .await;
    assert_eq!(disputed.ok(200)["response"], "disputed");
    o.app
        .post(
            &answer_path,
            Some(&o.deputy_tokens[0]),
            &json!({"response": "confirmed"}),
        )
        .await
        .problem(409, "already_answered");
    // A disputed record does not count: another is needed.
    o.reply(&id).await.problem(409, "consultation_required");
    let second = o.consult(&id).await;
    let rid2 = second.ok(201)["id"].as_str().unwrap().to_owned();
    let path = format!("{}/{rid2}/response", o.path(&id, "consultations"));
    o.app
        .post(
            &path,
            Some(&o.deputy_tokens[0]),
            &json!({"response": "confirmed"}),
        )
        .await
        .ok(200);
    assert_eq!(o.reply(&id).await.ok(200)["status"], "replied");
    let list = o
        .app
        .get(&o.path(&id, "consultations"), Some(&o.deputy_tokens[0]))
        .await;
    let responses: Vec<&Value> = list.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["response"])
        .collect();
    assert_eq!(responses, [&json!("disputed"), &json!("confirmed")]);
    // A green one needs none by default.
    let green = o.assigned("green", false).await;
    o.reply(&green).await.ok(200);
    // The unit a suggestion was handed over to consults for itself: the
    // former unit's consultation does not count for it.
    let moved = o.assigned("red", false).await;
    o.consult(&moved).await.ok(201);
    o.op(
        &o.unit_tokens[0],
        &moved,
        "requests",
        json!({"kind": "reassignment", "reason": "不属本单位职责"}),
    )
    .await
    .ok(200);
    let reqs = o.app.get(&o.path(&moved, "requests"), Some(&o.staff)).await;
    let rid = reqs.ok(200)["items"][0]["id"].as_str().unwrap().to_owned();
    o.op(
        &o.staff,
        &moved,
        &format!("requests/{rid}/decide"),
        json!({"approved": true, "lead_unit_id": o.units[1]}),
    )
    .await
    .ok(200);
    let by_new = json!({"category": "A", "content": "已解决。"});
    o.op(&o.unit_tokens[1], &moved, "reply", by_new.clone())
        .await
        .problem(409, "consultation_required");
    let today = o.app.clock.today();
    o.op(
        &o.unit_tokens[1],
        &moved,
        "consultations",
        json!({"held_on": today, "form": "online", "participants": "张伟代表", "agreed": "按此答复"}),
    )
    .await
    .ok(201);
    o.op(&o.unit_tokens[1], &moved, "reply", by_new)
        .await
        .ok(200);
}

#[tokio::test]
async fn rehandling_ends_with_a_final_evaluation_the_office_closes_on() {
    let o = office().await;
    let id = o.assigned("green", false).await;
    o.reply(&id).await.ok(200);
    let first = o.evaluate(&id, "unsatisfied").await;
    assert_eq!(first.ok(200)["status"], "rehandling");
    assert_eq!(first.body["final_evaluation"], false);
    let again = o.reply(&id).await;
    assert_eq!(again.ok(200)["reply"]["round"], 2);
    assert_eq!(again.body["final_evaluation"], true);
    let last = o.evaluate(&id, "unsatisfied").await;
    let b = last.ok(200);
    assert_eq!(b["status"], "replied", "no third round");
    assert_eq!(b["evaluation"]["result"], "unsatisfied");
    let closed = o.op(&o.staff, &id, "close", json!({})).await;
    let b = closed.ok(200);
    assert_eq!(b["status"], "closed");
    assert_eq!(b["evaluation"]["result"], "unsatisfied");
    assert_eq!(b["not_evaluated"], false);
    let steps = o.timeline(&id).await;
    let finals: Vec<&Value> = steps
        .iter()
        .filter(|e| e["action"] == "evaluated")
        .map(|e| &e["detail"]["final"])
        .collect();
    assert_eq!(finals, [&Value::Null, &json!(true)]);
}

#[tokio::test]
async fn an_unevaluated_reply_closes_as_not_evaluated_after_the_deputys_time() {
    let o = office().await;
    let id = o.assigned("green", false).await;
    let r = o.reply(&id).await;
    let due = (o.app.clock.today() + chrono::Days::new(30)).to_string();
    assert_eq!(r.ok(200)["evaluation_due"], due.as_str());
    let early = o.op(&o.staff, &id, "close", json!({})).await;
    early.problem(409, "close_requirements_unmet");
    assert_eq!(early.fields(), ["evaluation"]);
    o.app.clock.advance(30);
    o.op(&o.staff, &id, "close", json!({}))
        .await
        .problem(409, "close_requirements_unmet");
    o.app.clock.advance(1);
    let closed = o.op(&o.staff, &id, "close", json!({})).await;
    let b = closed.ok(200);
    assert_eq!(b["status"], "closed");
    assert_eq!(b["not_evaluated"], true);
    assert!(b["evaluation"].is_null(), "never counted as satisfied");
    let steps = o.timeline(&id).await;
    assert_eq!(
        steps.last().unwrap()["detail"]["evaluation"],
        "not_evaluated"
    );
    // The deputy who did evaluate in time is on record as they said.
    let other = o.assigned("green", false).await;
    o.reply(&other).await.ok(200);
    o.app.clock.advance(29);
    let e = o.evaluate(&other, "satisfied").await;
    assert_eq!(e.ok(200)["status"], "closed");
    assert_eq!(e.body["not_evaluated"], false);
}

#[tokio::test]
async fn a_submission_not_registered_goes_to_a_unit_as_a_letter() {
    let o = office().await;
    let id = o.submitted().await;
    // An unknown unit is refused, and nothing changes.
    let unknown = o
        .op(
            &o.staff,
            &id,
            "reject",
            json!({"reason": "属信访事项", "letter_unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e99"}),
        )
        .await;
    unknown.problem(422, "validation_failed");
    assert_eq!(unknown.fields(), ["letter_unit_id"]);
    assert_eq!(o.read(&o.staff, &id).await.ok(200)["status"], "submitted");
    let rejected = o
        .op(
            &o.staff,
            &id,
            "reject",
            json!({"reason": "属信访事项", "letter_unit_id": o.units[2]}),
        )
        .await;
    let b = rejected.ok(200);
    assert_eq!(b["status"], "not_registered");
    assert_eq!(b["letter"]["unit_id"], o.units[2].as_str());
    assert!(b["letter"]["acknowledged_at"].is_null());
    // The lead deputy hears of it, once.
    let news = o
        .app
        .get(
            "/api/v1/me/notifications?kind=suggestion_not_registered",
            Some(&o.deputy_tokens[0]),
        )
        .await;
    let news = news.ok(200)["items"].as_array().unwrap().clone();
    assert_eq!(news.len(), 1);
    assert_eq!(news[0]["subject"]["id"], id.as_str());
    // The letter's unit reads it, and lists it; another unit does not.
    o.read(&o.unit_tokens[2], &id).await.ok(200);
    let listed = o
        .app
        .get(
            "/api/v1/suggestions?status=not_registered",
            Some(&o.unit_tokens[2]),
        )
        .await;
    assert_eq!(listed.ok(200)["items"][0]["id"], id.as_str());
    o.read(&o.unit_tokens[0], &id)
        .await
        .problem(404, "not_found");
    o.op(&o.unit_tokens[0], &id, "letter/acknowledge", json!({}))
        .await
        .problem(404, "not_found");
    o.op(&o.staff, &id, "letter/acknowledge", json!({}))
        .await
        .problem(403, "forbidden");
    let ack = o
        .op(
            &o.unit_tokens[2],
            &id,
            "letter/acknowledge",
            json!({"note": "已阅，作参考"}),
        )
        .await;
    let l = &ack.ok(200)["letter"];
    assert!(l["acknowledged_at"].is_string());
    assert_eq!(l["acknowledgement"], "已阅，作参考");
    o.op(&o.unit_tokens[2], &id, "letter/acknowledge", json!({}))
        .await
        .problem(409, "already_answered");
    // Passed later, once.
    let later = o.submitted().await;
    o.op(&o.staff, &later, "reject", json!({"reason": "重复"}))
        .await
        .ok(200);
    o.read(&o.unit_tokens[1], &later)
        .await
        .problem(404, "not_found");
    let passed = o
        .op(&o.staff, &later, "letter", json!({"unit_id": o.units[1]}))
        .await;
    assert_eq!(passed.ok(200)["letter"]["unit_id"], o.units[1].as_str());
    o.read(&o.unit_tokens[1], &later).await.ok(200);
    o.op(&o.staff, &later, "letter", json!({"unit_id": o.units[2]}))
        .await
        .problem(409, "invalid_state");
    let pending = o.submitted().await;
    o.op(&o.staff, &pending, "letter", json!({"unit_id": o.units[1]}))
        .await
        .problem(409, "invalid_state");
}

#[tokio::test]
async fn leaders_instruct_and_the_handling_units_read_it() {
    let o = office().await;
    let id = o.assigned("red", true).await;
    let body = json!({"content": "请民政局抓紧落实，年底前报结果。"});
    o.op(&o.staff, &id, "instructions", body.clone())
        .await
        .problem(403, "forbidden");
    o.op(&o.unit_tokens[0], &id, "instructions", body.clone())
        .await
        .problem(403, "forbidden");
    let blank = o
        .op(&o.leader, &id, "instructions", json!({"content": " "}))
        .await;
    assert_eq!(blank.status.as_u16(), 422);
    let given = o.op(&o.leader, &id, "instructions", body).await;
    assert_eq!(given.ok(201)["content"], "请民政局抓紧落实，年底前报结果。");
    let list = o.path(&id, "instructions");
    for t in [&o.staff, &o.leader, &o.unit_tokens[0], &o.unit_tokens[1]] {
        let a = o.app.get(&list, Some(t)).await;
        assert_eq!(a.ok(200)["items"].as_array().unwrap().len(), 1);
    }
    o.app
        .get(&list, Some(&o.deputy_tokens[0]))
        .await
        .problem(403, "forbidden");
    o.app
        .get(&list, Some(&o.unit_tokens[2]))
        .await
        .problem(404, "not_found");
    // The timeline names the instruction, not its words.
    let steps = o.timeline(&id).await;
    let step = steps.iter().find(|e| e["action"] == "instructed").unwrap();
    assert!(step["detail"].get("content").is_none());
    assert!(step["detail"]["instruction_id"].is_string());
    // Not on a draft.
    let draft = o.draft(&[]).await;
    o.op(&o.leader, &draft, "instructions", json!({"content": "阅"}))
        .await
        .problem(404, "not_found");
}

#[tokio::test]
async fn the_congress_sets_its_own_practice() {
    let plain = HandlingPolicy {
        consultation: Colors::NONE,
        co_units_first: false,
        max_rehandlings: 0,
        evaluation_days: 0,
        ..HandlingPolicy::default()
    };
    let o = office_on(spawn_app_with(move |s| s.with_handling(plain)).await).await;
    // No consultation, no waiting for co-units.
    let id = o.assigned("red", true).await;
    o.reply(&id).await.ok(200);
    // No rehandling: the first evaluation is final.
    let e = o.evaluate(&id, "unsatisfied").await;
    assert_eq!(e.ok(200)["status"], "replied");
    // No limit to evaluate: never closed as not evaluated.
    let g = o.assigned("green", false).await;
    let r = o.reply(&g).await;
    assert!(r.ok(200)["evaluation_due"].is_null());
    o.app.clock.advance(365);
    o.op(&o.staff, &g, "close", json!({}))
        .await
        .problem(409, "close_requirements_unmet");
}

/// The figures of the year as the API gives them.
async fn figures(o: &Office, query: &str) -> Value {
    let a = o
        .app
        .get(
            &format!("/api/v1/suggestions/figures{query}"),
            Some(&o.staff),
        )
        .await;
    a.ok(200).clone()
}

#[tokio::test]
async fn the_handling_figures_count_each_suggestion_once_by_one_definition() {
    let o = office().await;
    // S1: green, unit 0, replied (category C), satisfied: closed.
    let s1 = o.assigned("green", false).await;
    o.reply(&s1).await.ok(200);
    o.evaluate(&s1, "satisfied").await.ok(200);
    // S2: yellow, unit 0, consulted, unsatisfied, handled again and
    // unsatisfied for good; the office closes it.
    let s2 = o.assigned("yellow", false).await;
    o.consult(&s2).await.ok(201);
    o.reply(&s2).await.ok(200);
    o.evaluate(&s2, "unsatisfied").await.ok(200);
    o.consult(&s2).await.ok(201);
    o.op(
        &o.unit_tokens[0],
        &s2,
        "reply",
        json!({"category": "A", "content": "已解决。"}),
    )
    .await
    .ok(200);
    o.evaluate(&s2, "unsatisfied").await.ok(200);
    o.op(
        &o.staff,
        &s2,
        "verifications",
        json!({"content": "上门查验"}),
    )
    .await
    .ok(200);
    o.op(&o.staff, &s2, "close", json!({})).await.ok(200);
    // S3: green, re-assigned to unit 1 by the office, replied, never
    // evaluated: closed as not evaluated after 30 days.
    let s3 = o.assigned("green", false).await;
    let req = o
        .op(
            &o.unit_tokens[0],
            &s3,
            "requests",
            json!({"kind": "reassignment", "reason": "不属本单位职责"}),
        )
        .await;
    req.ok(200);
    let requests = o.app.get(&o.path(&s3, "requests"), Some(&o.staff)).await;
    let rid = requests.ok(200)["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    o.op(
        &o.staff,
        &s3,
        &format!("requests/{rid}/decide"),
        json!({"approved": true, "lead_unit_id": o.units[1]}),
    )
    .await
    .ok(200);
    o.op(
        &o.unit_tokens[1],
        &s3,
        "reply",
        json!({"category": "C", "content": "暂难实施。"}),
    )
    .await
    .ok(200);
    // S4: assigned to unit 1, not replied; S5 registered only, in another
    // category; S6 submitted only: not counted.
    let s4 = o.assigned("green", false).await;
    let req4 = o
        .op(
            &o.unit_tokens[0],
            &s4,
            "requests",
            json!({"kind": "reassignment", "reason": "不属本单位"}),
        )
        .await;
    req4.ok(200);
    let r4 = o.app.get(&o.path(&s4, "requests"), Some(&o.staff)).await;
    let r4 = r4.ok(200)["items"][0]["id"].as_str().unwrap().to_owned();
    o.op(
        &o.staff,
        &s4,
        &format!("requests/{r4}/decide"),
        json!({"approved": true, "lead_unit_id": o.units[1]}),
    )
    .await
    .ok(200);
    let s5 = o.draft(&[]).await;
    o.app
        .patch(
            &format!("/api/v1/suggestions/{s5}"),
            Some(&o.deputy_tokens[0]),
            &json!({"category": "交通"}),
        )
        .await
        .ok(200);
    o.op(&o.deputy_tokens[0], &s5, "submit", json!({}))
        .await
        .ok(200);
    o.op(&o.staff, &s5, "register", json!({})).await.ok(200);
    o.submitted().await;
    o.app.assert_kept_counts_exact().await;
    o.app.clock.advance(31);
    o.op(&o.staff, &s3, "close", json!({})).await.ok(200);
    o.app.assert_kept_counts_exact().await;

    // The year of registration (the clock moved on a month since).
    let year = chrono::Datelike::year(&renda_domain::time::china_date(chrono::Utc::now()));
    let f = figures(&o, &format!("?by=unit&year={year}")).await;
    assert_eq!((&f["scope"], &f["year"]), (&json!("all"), &json!(year)));
    #[rustfmt::skip]
    let want = json!({
        "registered": 5, "assigned": 4, "closed": 3, "replied": 3, "replied_on_time": 3,
        "solved": 1, "consulted": 1, "evaluated": 2, "satisfied": 1, "unsatisfied": 1,
        "not_evaluated": 1, "rehandled": 1,
    });
    assert_eq!(f["figures"]["counts"], want);
    assert_eq!(
        f["figures"]["rates"],
        json!({"closing": 0.75, "on_time_reply": 1.0, "solution": 0.3333,
               "consultation": 0.3333, "satisfaction": 0.5})
    );
    // By unit: the re-assigned ones count for the unit that has them now.
    let rows = f["rows"].as_array().unwrap();
    let unit = |u: &str| rows.iter().find(|r| r["key"] == u).unwrap().clone();
    let u0 = unit(&o.units[0]);
    assert_eq!(u0["name"], "区民政局");
    assert_eq!(
        (&u0["counts"]["assigned"], &u0["counts"]["closed"]),
        (&json!(2), &json!(2))
    );
    let u1 = unit(&o.units[1]);
    assert_eq!(
        (&u1["counts"]["assigned"], &u1["counts"]["not_evaluated"]),
        (&json!(2), &json!(1))
    );
    // One scope: a unit, a category, a deputy.
    let one = figures(&o, &format!("?unit_id={}&year={year}", o.units[1])).await;
    assert_eq!(one["figures"]["counts"]["closed"], 1);
    let traffic = figures(&o, &format!("?category=%E4%BA%A4%E9%80%9A&year={year}")).await;
    assert_eq!(traffic["figures"]["counts"]["registered"], 1);
    assert_eq!(traffic["figures"]["counts"]["assigned"], 0);
    let deputy = figures(&o, &format!("?deputy_id={}&year={year}", o.deputies[0])).await;
    assert_eq!(deputy["figures"]["counts"]["registered"], 5);
    // Another year has nothing; two scopes at once are refused.
    let before = figures(&o, &format!("?year={}", year - 1)).await;
    assert_eq!(before["figures"]["counts"]["registered"], 0);
    let two = o
        .app
        .get(
            &format!(
                "/api/v1/suggestions/figures?unit_id={}&category=x",
                o.units[0]
            ),
            Some(&o.staff),
        )
        .await;
    two.problem(422, "validation_failed");
    o.app
        .get("/api/v1/suggestions/figures", Some(&o.unit_tokens[0]))
        .await
        .problem(403, "forbidden");
    o.app
        .get("/api/v1/suggestions/figures", Some(&o.leader))
        .await
        .ok(200);

    // The yearly report: the same figures, in a workbook and a draft.
    let xlsx = o
        .app
        .request(
            reqwest::Method::GET,
            &format!("/api/v1/suggestions/handling-report.xlsx?year={year}"),
            Some(&o.staff),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), 200);
    let bytes = xlsx.bytes().await.unwrap();
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    assert_eq!(wb.sheet_names(), ["总体", "按承办单位", "按类别"]);
    let total = wb.worksheet_range("总体").unwrap();
    let cell = |r: u32, c: u32| {
        total
            .get_value((r, c))
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    assert_eq!(cell(0, 4), "办结率");
    assert_eq!(
        (cell(1, 1), cell(1, 2), cell(1, 3)),
        ("5".into(), "4".into(), "3".into())
    );
    assert_eq!(cell(1, 4), "0.75");
    assert_eq!(cell(1, 9), "0.5");
    let by_unit = wb.worksheet_range("按承办单位").unwrap();
    assert_eq!(by_unit.height(), 3, "a header and two units");
    let docx = o
        .app
        .request(
            reqwest::Method::GET,
            &format!("/api/v1/suggestions/handling-report.docx?year={year}"),
            Some(&o.staff),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(docx.status(), 200);
    let bytes = docx.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut doc = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut doc)
        .unwrap();
    assert!(doc.contains(&format!("关于{year}年代表建议办理情况的报告")));
    assert!(doc.contains("共立案代表建议5件，交办4件，已办结3件，办结率75.0%"));
    assert!(doc.contains("满意率50.0%"));
    assert!(doc.contains("区民政局") && doc.contains("区住建局"));
    o.app
        .get(
            &format!("/api/v1/suggestions/handling-report.pdf?year={year}"),
            Some(&o.staff),
        )
        .await
        .problem(404, "not_found");
    // The year is asked for, and must be one the congress could have.
    for query in ["", "?year=1800", "?year=二〇二六"] {
        let a = o
            .app
            .get(
                &format!("/api/v1/suggestions/handling-report.xlsx{query}"),
                Some(&o.staff),
            )
            .await;
        a.problem(422, "validation_failed");
        assert_eq!(a.fields(), ["year"], "{query}: {}", a.text);
    }

    // A database whose figures were never counted (one upgraded from
    // before them) counts them once when opened.
    let kept = o.app.store.kept_suggestion_figures().await.unwrap();
    o.app.sql("DELETE FROM suggestion_figures").await;
    o.app
        .store
        .delete_setting("suggestion_figures")
        .await
        .unwrap();
    o.app.store.migrate().await.unwrap();
    assert_eq!(o.app.store.kept_suggestion_figures().await.unwrap(), kept);
    o.app.store.migrate().await.unwrap();
    assert_eq!(
        o.app.store.kept_suggestion_figures().await.unwrap(),
        kept,
        "once"
    );
}

#[tokio::test]
async fn a_duty_report_counts_each_suggestion_by_its_state_and_evaluation() {
    let o = office().await;
    o.submitted().await;
    for result in ["satisfied", "unsatisfied"] {
        let id = o.assigned("green", false).await;
        o.reply(&id).await.ok(200);
        if result == "unsatisfied" {
            // A first "unsatisfied" sends it back; the second is final.
            o.evaluate(&id, result).await.ok(200);
            o.reply(&id).await.ok(200);
        }
        // Satisfied closes it; a final "unsatisfied" waits for the office.
        let evaluated = o.evaluate(&id, result).await;
        if evaluated.ok(200)["status"] != "closed" {
            let c = o.op(&o.staff, &id, "close", json!({})).await;
            assert_eq!(c.ok(200)["status"], "closed");
        }
    }
    let year = o.app.clock.today().year();
    let report = o
        .app
        .get(
            &format!("/api/v1/deputies/{}/duty-report?year={year}", o.deputies[0]),
            Some(&o.staff),
        )
        .await;
    let s = &report.ok(200)["suggestions"];
    assert_eq!(s["led"], 3, "{s}");
    assert_eq!(s["by_status"], json!({"submitted": 1, "closed": 2}));
    assert_eq!(
        (s["satisfied"].clone(), s["unsatisfied"].clone()),
        (json!(1), json!(1))
    );
    // Another deputy's report holds none of them.
    let other = o
        .app
        .get(
            &format!("/api/v1/deputies/{}/duty-report?year={year}", o.deputies[1]),
            Some(&o.staff),
        )
        .await;
    assert_eq!(other.ok(200)["suggestions"]["led"], 0);
    assert_eq!(other.body["suggestions"]["by_status"], json!({}));
}
