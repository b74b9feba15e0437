//! Suggestions through their whole handling chain, and every refusal.

use renda_domain::time::Clock;
use serde_json::{Value, json};

use crate::helpers::{Answer, TestApp, spawn_app};

/// The cast of a district congress: the office, a leader, three units
/// with their operators, three deputies.
pub(crate) struct World {
    pub(crate) app: TestApp,
    pub(crate) staff: String,
    leader: String,
    leader_id: String,
    other_leader: String,
    pub(crate) units: Vec<String>,
    pub(crate) unit_tokens: Vec<String>,
    pub(crate) deputies: Vec<String>,
    pub(crate) deputy_tokens: Vec<String>,
}

pub(crate) async fn world() -> World {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let staff = app
        .user_token(&admin, "office", &["staff"], json!({}))
        .await;
    let leader_id = app
        .create_user(&admin, "leader", &["leader"], json!({}))
        .await;
    let leader = app.login("leader", crate::helpers::PASSWORD).await;
    let other_leader = app
        .user_token(&admin, "leader2", &["leader"], json!({}))
        .await;
    let mut units = Vec::new();
    let mut unit_tokens = Vec::new();
    for (i, name) in ["区民政局", "区住建局", "区交通运输局"].iter().enumerate() {
        let u = app.create_unit(&staff, name).await;
        let id = u["id"].as_str().unwrap().to_owned();
        unit_tokens.push(
            app.user_token(
                &admin,
                &format!("unit{i}"),
                &["unit"],
                json!({"unit_id": id}),
            )
            .await,
        );
        units.push(id);
    }
    let mut deputies = Vec::new();
    let mut deputy_tokens = Vec::new();
    for (i, name) in ["张伟", "李娜", "王强"].iter().enumerate() {
        let d = app.create_deputy(&staff, json!({"name": name})).await;
        let id = d["id"].as_str().unwrap().to_owned();
        deputy_tokens.push(
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
    World {
        app,
        staff,
        leader,
        leader_id,
        other_leader,
        units,
        unit_tokens,
        deputies,
        deputy_tokens,
    }
}

impl World {
    pub(crate) fn path(&self, id: &str, op: &str) -> String {
        if op.is_empty() {
            format!("/api/v1/suggestions/{id}")
        } else {
            format!("/api/v1/suggestions/{id}/{op}")
        }
    }

    pub(crate) async fn op(&self, token: &str, id: &str, op: &str, body: Value) -> Answer {
        self.app.post(&self.path(id, op), Some(token), &body).await
    }

    pub(crate) async fn get(&self, token: Option<&str>, id: &str) -> Answer {
        self.app.get(&self.path(id, ""), token).await
    }

    /// A draft by deputy 0, co-signed by deputy 1.
    pub(crate) async fn draft(&self) -> String {
        let a = self
            .app
            .post(
                "/api/v1/suggestions",
                Some(&self.deputy_tokens[0]),
                &json!({
                    "title": "关于增设古城街道老年助餐点的建议",
                    "content": "古城街道老年人口多，建议在社区增设助餐点。",
                    "category": "社会保障",
                    "term": "第十八届",
                    "session": "第五次会议",
                    "timing": "during_session",
                    "co_signer_ids": [self.deputies[1]]
                }),
            )
            .await;
        a.ok(201)["id"].as_str().unwrap().to_owned()
    }

    /// A suggestion submitted (its co-signer confirmed) and registered.
    async fn registered(&self) -> String {
        let id = self.draft().await;
        self.op(
            &self.deputy_tokens[1],
            &id,
            "confirm-co-signature",
            json!({}),
        )
        .await
        .ok(200);
        self.op(&self.deputy_tokens[0], &id, "submit", json!({}))
            .await
            .ok(200);
        self.op(&self.staff, &id, "register", json!({}))
            .await
            .ok(200);
        id
    }

    /// A suggestion assigned to unit 0 with a colour.
    async fn assigned(&self, color: &str) -> String {
        let id = self.registered().await;
        let mut body =
            json!({"lead_unit_id": self.units[0], "co_unit_ids": [self.units[1]], "color": color});
        if color == "red" {
            body["supervisor_id"] = json!(self.leader_id);
        }
        self.op(&self.staff, &id, "assign", body).await.ok(200);
        id
    }

    /// What the office's practice asks before a reply, as far as the
    /// suggestion's state allows: the co-unit's opinion (unit 1, the
    /// co-unit of `assigned`) and the lead unit's consultation with the
    /// lead deputy. Refusals here are left to the reply to show.
    async fn prepare_reply(&self, id: &str) {
        let s = self.get(Some(&self.staff), id).await;
        if !matches!(s.body["status"].as_str(), Some("assigned" | "rehandling")) {
            return;
        }
        let co_unit_pending = s.body["co_units"].as_array().is_some_and(|c| {
            c.iter()
                .any(|u| u["unit_id"] == self.units[1].as_str() && u["opinion_at"].is_null())
        });
        if co_unit_pending {
            self.op(
                &self.unit_tokens[1],
                id,
                "co-unit-opinion",
                json!({"opinion": "同意。"}),
            )
            .await
            .ok(200);
        }
        if s.body["lead_unit_id"] == self.units[0].as_str() && s.body["color"] != "green" {
            let today = self.app.clock.today();
            self.op(
                &self.unit_tokens[0],
                id,
                "consultations",
                json!({"held_on": today, "form": "phone", "participants": "张伟代表", "agreed": "按此答复"}),
            )
            .await
            .ok(201);
        }
    }

    pub(crate) async fn reply(&self, id: &str, category: &str) -> Answer {
        self.prepare_reply(id).await;
        let mut body = json!({
            "category": category,
            "content": "已在三个社区建成助餐点。",
            "document_number": "宿城民政函〔2026〕12号",
            "signed_by": "李明",
            "handler_name": "赵磊",
            "handler_phone": "0527-84351234"
        });
        if category == "B" {
            body["commitment"] = json!({"content": "年内再建两个助餐点", "due_date": "2026-12-31"});
        }
        self.op(&self.unit_tokens[0], id, "reply", body).await
    }

    async fn timeline(&self, id: &str) -> Vec<String> {
        let a = self
            .app
            .get(&self.path(id, "timeline"), Some(&self.staff))
            .await;
        a.ok(200)["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_owned())
            .collect()
    }
}

#[tokio::test]
async fn a_green_suggestion_from_draft_to_closing() {
    let w = world().await;
    let id = w.draft().await;
    let d = w.get(Some(&w.deputy_tokens[0]), &id).await;
    assert_eq!(d.ok(200)["status"], "draft");
    assert!(d.body["number"].is_null());
    // Drafts: the author and co-signers only.
    w.get(Some(&w.deputy_tokens[1]), &id).await.ok(200);
    w.get(Some(&w.deputy_tokens[2]), &id)
        .await
        .problem(404, "not_found");
    w.get(Some(&w.staff), &id).await.problem(404, "not_found");
    w.get(Some(&w.unit_tokens[0]), &id)
        .await
        .problem(404, "not_found");
    w.get(None, &id).await.problem(401, "unauthenticated");

    w.op(&w.deputy_tokens[0], &id, "submit", json!({}))
        .await
        .ok(200);
    assert_eq!(
        w.get(Some(&w.staff), &id).await.ok(200)["status"],
        "submitted"
    );
    w.get(Some(&w.leader), &id).await.ok(200);
    w.get(Some(&w.unit_tokens[0]), &id)
        .await
        .problem(404, "not_found");

    let r = w.op(&w.staff, &id, "register", json!({})).await;
    let year = chrono::Utc::now().format("%Y").to_string();
    assert_eq!(r.ok(200)["number"], format!("{year}-0001"));
    assert_eq!(r.body["status"], "registered");

    let a = w
        .op(
            &w.staff,
            &id,
            "assign",
            json!({"lead_unit_id": w.units[0], "co_unit_ids": [w.units[1]], "color": "green"}),
        )
        .await;
    let b = a.ok(200);
    let today = w.app.clock.today();
    assert_eq!(b["status"], "assigned");
    assert_eq!(b["assigned_on"], today.to_string());
    assert_eq!(
        b["due_date"],
        (today + chrono::Duration::days(30)).to_string()
    );
    assert_eq!(b["overdue"], false);
    assert_eq!(b["co_units"][0]["unit_id"], w.units[1]);
    w.get(Some(&w.unit_tokens[0]), &id).await.ok(200);
    w.get(Some(&w.unit_tokens[1]), &id).await.ok(200);
    w.get(Some(&w.unit_tokens[2]), &id)
        .await
        .problem(404, "not_found");

    w.op(
        &w.unit_tokens[1],
        &id,
        "co-unit-opinion",
        json!({"opinion": "同意增设，住建局配合选址。"}),
    )
    .await
    .ok(200);
    let replied = w.reply(&id, "A").await;
    assert_eq!(replied.ok(200)["status"], "replied");
    assert_eq!(replied.body["reply"]["category"], "A");
    assert_eq!(
        replied.body["reply"]["document_number"],
        "宿城民政函〔2026〕12号"
    );
    assert_eq!(replied.body["reply"]["round"], 1);

    let e = w
        .op(
            &w.deputy_tokens[0],
            &id,
            "evaluate",
            json!({"result": "satisfied", "comment": "办理认真"}),
        )
        .await;
    assert_eq!(
        e.ok(200)["status"],
        "closed",
        "a green suggestion closes on a satisfied evaluation"
    );
    assert_eq!(e.body["evaluation"]["result"], "satisfied");
    assert!(e.body["closed_at"].is_string());

    assert_eq!(
        w.timeline(&id).await,
        [
            "created",
            "submitted",
            "registered",
            "assigned",
            "co_unit_opinion",
            "replied",
            "evaluated"
        ]
    );
    let events = w.app.get(&w.path(&id, "timeline"), Some(&w.staff)).await;
    let last = &events.body["items"].as_array().unwrap()[6];
    assert_eq!(last["from_status"], "replied");
    assert_eq!(last["to_status"], "closed");
    assert_eq!(last["actor_name"], "deputy0");
    // The audit trail has every step too.
    let auditor = w.app.auditor().await;
    let audit = w
        .app
        .get(
            &format!("/api/v1/audit-events?object_type=suggestion&object_id={id}"),
            Some(&auditor),
        )
        .await;
    assert_eq!(audit.ok(200)["items"].as_array().unwrap().len(), 7);
}

#[tokio::test]
async fn a_yellow_suggestion_needs_an_on_site_verification_before_closing() {
    let w = world().await;
    let id = w.assigned("yellow").await;
    let b = w.get(Some(&w.staff), &id).await;
    let today = w.app.clock.today();
    assert_eq!(
        b.ok(200)["due_date"],
        (today + chrono::Duration::days(90)).to_string()
    );
    w.reply(&id, "A").await.ok(200);
    // Not evaluated yet: closing is refused.
    let early = w.op(&w.staff, &id, "close", json!({})).await;
    early.problem(409, "close_requirements_unmet");
    let mut missing = early.fields();
    missing.sort();
    assert_eq!(missing, ["evaluation", "verifications"]);
    let e = w
        .op(
            &w.deputy_tokens[0],
            &id,
            "evaluate",
            json!({"result": "basically_satisfied"}),
        )
        .await;
    assert_eq!(
        e.ok(200)["status"],
        "replied",
        "yellow waits for the office"
    );
    w.op(
        &w.deputy_tokens[0],
        &id,
        "evaluate",
        json!({"result": "satisfied"}),
    )
    .await
    .problem(409, "already_evaluated");
    let still = w.op(&w.staff, &id, "close", json!({})).await;
    still.problem(409, "close_requirements_unmet");
    assert_eq!(still.fields(), ["verifications"]);
    w.op(
        &w.deputy_tokens[0],
        &id,
        "verifications",
        json!({"content": "x"}),
    )
    .await
    .problem(403, "forbidden");
    w.op(
        &w.staff,
        &id,
        "verifications",
        json!({"participants": "代表工委 刘青", "content": "现场查看三个助餐点，已投入使用。"}),
    )
    .await
    .ok(200);
    assert_eq!(
        w.op(&w.staff, &id, "close", json!({})).await.ok(200)["status"],
        "closed"
    );
    let records = w
        .app
        .get(&w.path(&id, "records"), Some(&w.deputy_tokens[0]))
        .await;
    assert_eq!(records.ok(200)["items"][0]["kind"], "verification");
}

#[tokio::test]
async fn a_red_suggestion_needs_its_leaders_notes_and_sign_off() {
    let w = world().await;
    let id = w.registered().await;
    let no_leader = w
        .op(
            &w.staff,
            &id,
            "assign",
            json!({"lead_unit_id": w.units[0], "color": "red"}),
        )
        .await;
    no_leader.problem(422, "validation_failed");
    assert_eq!(no_leader.fields(), ["supervisor_id"]);
    let staff_id = w.app.get("/api/v1/me", Some(&w.staff)).await.body["id"].clone();
    let not_leader = w
        .op(
            &w.staff,
            &id,
            "assign",
            json!({"lead_unit_id": w.units[0], "color": "red", "supervisor_id": staff_id}),
        )
        .await;
    assert_eq!(not_leader.body["errors"][0]["code"], "not_a_leader");
    let too_late = (w.app.clock.today() + chrono::Duration::days(200)).to_string();
    let far = w
        .op(&w.staff, &id, "assign", json!({"lead_unit_id": w.units[0], "color": "red", "supervisor_id": w.leader_id, "due_date": too_late}))
        .await;
    far.problem(422, "validation_failed");
    assert_eq!(far.body["errors"][0]["code"], "deadline");
    assert_eq!(
        w.get(Some(&w.staff), &id).await.body["status"],
        "registered",
        "refusals change nothing"
    );
    let ok_date = (w.app.clock.today() + chrono::Duration::days(150)).to_string();
    let a = w
        .op(&w.staff, &id, "assign", json!({"lead_unit_id": w.units[0], "color": "red", "supervisor_id": w.leader_id, "due_date": ok_date}))
        .await;
    assert_eq!(a.ok(200)["due_date"], ok_date);
    assert_eq!(a.body["supervisor_id"], w.leader_id);

    w.reply(&id, "A").await.ok(200);
    w.op(&w.leader, &id, "sign-off", json!({}))
        .await
        .problem(409, "supervision_notes_missing");
    w.op(
        &w.other_leader,
        &id,
        "supervision-notes",
        json!({"content": "请加快"}),
    )
    .await
    .problem(403, "forbidden");
    w.op(
        &w.leader,
        &id,
        "supervision-notes",
        json!({"content": "已实地督办，要求年内全部建成。"}),
    )
    .await
    .ok(200);
    w.op(
        &w.deputy_tokens[0],
        &id,
        "evaluate",
        json!({"result": "satisfied"}),
    )
    .await
    .ok(200);
    let blocked = w.op(&w.staff, &id, "close", json!({})).await;
    blocked.problem(409, "close_requirements_unmet");
    assert_eq!(blocked.fields(), ["signed_off_at"]);
    w.op(&w.other_leader, &id, "sign-off", json!({}))
        .await
        .problem(403, "forbidden");
    let signed = w.op(&w.leader, &id, "sign-off", json!({})).await;
    assert!(signed.ok(200)["signed_off_at"].is_string());
    w.op(&w.leader, &id, "sign-off", json!({}))
        .await
        .problem(409, "invalid_state");
    assert_eq!(
        w.op(&w.staff, &id, "close", json!({})).await.ok(200)["status"],
        "closed"
    );
}

#[tokio::test]
async fn an_unsatisfied_deputy_sends_it_back_and_the_next_reply_is_evaluated_again() {
    let w = world().await;
    let id = w.assigned("green").await;
    w.reply(&id, "C").await.ok(200);
    w.app.clock.advance(3);
    let e = w
        .op(
            &w.deputy_tokens[0],
            &id,
            "evaluate",
            json!({"result": "unsatisfied", "comment": "理由不充分"}),
        )
        .await;
    let b = e.ok(200);
    assert_eq!(b["status"], "rehandling");
    assert_eq!(
        b["due_date"],
        (w.app.clock.today() + chrono::Duration::days(30)).to_string()
    );
    // Only the lead deputy evaluates; the co-signer may not.
    let second = w.reply(&id, "A").await;
    assert_eq!(second.ok(200)["reply"]["round"], 2);
    assert!(
        second.body["evaluation"].is_null(),
        "the new reply awaits its own evaluation"
    );
    w.op(
        &w.deputy_tokens[1],
        &id,
        "evaluate",
        json!({"result": "satisfied"}),
    )
    .await
    .problem(403, "forbidden");
    let closed = w
        .op(
            &w.deputy_tokens[0],
            &id,
            "evaluate",
            json!({"result": "satisfied"}),
        )
        .await;
    assert_eq!(closed.ok(200)["status"], "closed");
    let replies = w
        .app
        .get(&w.path(&id, "replies"), Some(&w.deputy_tokens[0]))
        .await;
    let rounds: Vec<i64> = replies.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["round"].as_i64().unwrap())
        .collect();
    assert_eq!(rounds, [1, 2]);
}

#[tokio::test]
async fn a_unit_hands_a_suggestion_back_within_ten_days_and_the_lineage_stays() {
    let w = world().await;
    let id = w.assigned("yellow").await;
    w.op(
        &w.unit_tokens[1],
        &id,
        "requests",
        json!({"kind": "reassignment", "reason": "x"}),
    )
    .await
    .problem(403, "forbidden");
    let r = w
        .op(
            &w.unit_tokens[0],
            &id,
            "requests",
            json!({"kind": "reassignment", "reason": "属住建部门职责"}),
        )
        .await;
    r.ok(200);
    w.op(
        &w.unit_tokens[0],
        &id,
        "requests",
        json!({"kind": "extension", "reason": "再议", "due_date": "2026-12-31"}),
    )
    .await
    .problem(409, "request_pending");
    let reqs = w.app.get(&w.path(&id, "requests"), Some(&w.staff)).await;
    let req_id = reqs.ok(200)["items"][0]["id"].as_str().unwrap().to_owned();
    let decide = format!("requests/{req_id}/decide");
    w.op(
        &w.unit_tokens[0],
        &id,
        &decide,
        json!({"approved": true, "lead_unit_id": w.units[2]}),
    )
    .await
    .problem(403, "forbidden");
    w.op(&w.staff, &id, &decide, json!({"approved": true}))
        .await
        .problem(422, "validation_failed");
    let a = w
        .op(
            &w.staff,
            &id,
            &decide,
            json!({"approved": true, "lead_unit_id": w.units[2], "note": "改由交通运输局主办"}),
        )
        .await;
    assert_eq!(a.ok(200)["lead_unit_id"], w.units[2]);
    assert_eq!(a.body["status"], "assigned");
    w.op(&w.staff, &id, &decide, json!({"approved": false}))
        .await
        .problem(409, "request_decided");
    // The former lead unit no longer sees it; the new one does.
    w.get(Some(&w.unit_tokens[0]), &id)
        .await
        .problem(404, "not_found");
    w.get(Some(&w.unit_tokens[2]), &id).await.ok(200);
    let spells = w.app.get(&w.path(&id, "assignments"), Some(&w.staff)).await;
    let s = spells.ok(200)["items"].as_array().unwrap().clone();
    assert_eq!(s.len(), 2);
    assert_eq!(s[0]["lead_unit_id"], w.units[0]);
    assert_eq!(s[0]["end_reason"], "reassigned");
    assert_eq!(s[1]["lead_unit_id"], w.units[2]);
    assert!(s[1]["ended_at"].is_null());

    // After ten days, handing back is no longer possible.
    w.app.clock.advance(11);
    w.op(
        &w.unit_tokens[2],
        &id,
        "requests",
        json!({"kind": "reassignment", "reason": "太晚了"}),
    )
    .await
    .problem(409, "reassignment_window_closed");
}

#[tokio::test]
async fn extensions_never_pass_six_months() {
    let w = world().await;
    let id = w.assigned("green").await;
    let today = w.app.clock.today();
    let too_far = (today + chrono::Duration::days(190)).to_string();
    let a = w
        .op(
            &w.unit_tokens[0],
            &id,
            "requests",
            json!({"kind": "extension", "reason": "需协调", "due_date": too_far}),
        )
        .await;
    a.problem(422, "validation_failed");
    assert_eq!(a.fields(), ["due_date"]);
    w.op(
        &w.unit_tokens[0],
        &id,
        "requests",
        json!({"kind": "extension", "reason": "需协调"}),
    )
    .await
    .problem(422, "validation_failed");
    let wanted = (today + chrono::Duration::days(120)).to_string();
    w.op(
        &w.unit_tokens[0],
        &id,
        "requests",
        json!({"kind": "extension", "reason": "需协调土地指标", "due_date": wanted}),
    )
    .await
    .ok(200);
    let reqs = w
        .app
        .get(&w.path(&id, "requests"), Some(&w.unit_tokens[0]))
        .await;
    let req_id = reqs.ok(200)["items"][0]["id"].as_str().unwrap().to_owned();
    let a = w
        .op(
            &w.staff,
            &id,
            &format!("requests/{req_id}/decide"),
            json!({"approved": true}),
        )
        .await;
    assert_eq!(a.ok(200)["due_date"], wanted);
    let reqs = w
        .app
        .get(&w.path(&id, "requests"), Some(&w.unit_tokens[0]))
        .await;
    assert_eq!(reqs.body["items"][0]["status"], "approved");
}

#[tokio::test]
async fn a_b_reply_opens_a_commitment_tracked_until_fulfilled() {
    let w = world().await;
    let id = w.assigned("green").await;
    let no_commitment = w
        .op(
            &w.unit_tokens[0],
            &id,
            "reply",
            json!({"category": "B", "content": "正在解决"}),
        )
        .await;
    no_commitment.problem(422, "validation_failed");
    assert_eq!(
        no_commitment.body["errors"][0]["code"],
        "commitment_required"
    );
    w.reply(&id, "B").await.ok(200);
    let list = w
        .app
        .get(&w.path(&id, "commitments"), Some(&w.deputy_tokens[0]))
        .await;
    let c = list.ok(200)["items"][0].clone();
    assert_eq!(c["status"], "open");
    assert_eq!(c["content"], "年内再建两个助餐点");
    let progress = format!("commitments/{}/progress", c["id"].as_str().unwrap());
    w.op(&w.unit_tokens[1], &id, &progress, json!({"progress": "x"}))
        .await
        .problem(403, "forbidden");
    w.op(
        &w.unit_tokens[0],
        &id,
        &progress,
        json!({"progress": "已完成选址"}),
    )
    .await
    .ok(200);
    w.op(
        &w.unit_tokens[0],
        &id,
        &progress,
        json!({"progress": "两个助餐点已开业", "fulfilled": true}),
    )
    .await
    .ok(200);
    w.op(
        &w.unit_tokens[0],
        &id,
        &progress,
        json!({"progress": "again"}),
    )
    .await
    .problem(409, "commitment_closed");
    let list = w
        .app
        .get(&w.path(&id, "commitments"), Some(&w.deputy_tokens[0]))
        .await;
    assert_eq!(list.body["items"][0]["status"], "fulfilled");
    assert_eq!(list.body["items"][0]["progress"], "两个助餐点已开业");
}

#[tokio::test]
async fn wrong_roles_owners_and_states_are_refused() {
    let w = world().await;
    let id = w.draft().await;
    // Staff, leaders and units cannot draft; a deputy cannot edit another's draft.
    w.app
        .post("/api/v1/suggestions", Some(&w.staff), &json!({}))
        .await
        .problem(403, "forbidden");
    w.app
        .patch(
            &w.path(&id, ""),
            Some(&w.deputy_tokens[1]),
            &json!({"title": "改标题"}),
        )
        .await
        .problem(403, "forbidden");
    w.app
        .patch(
            &w.path(&id, ""),
            Some(&w.deputy_tokens[2]),
            &json!({"title": "改标题"}),
        )
        .await
        .problem(404, "not_found");
    // Wrong state: nothing but submitting a draft.
    w.op(
        &w.deputy_tokens[0],
        &id,
        "evaluate",
        json!({"result": "satisfied"}),
    )
    .await
    .problem(409, "invalid_state");
    w.op(&w.deputy_tokens[1], &id, "confirm-co-signature", json!({}))
        .await
        .ok(200);
    w.op(&w.deputy_tokens[0], &id, "submit", json!({}))
        .await
        .ok(200);
    w.op(&w.deputy_tokens[0], &id, "submit", json!({}))
        .await
        .problem(409, "invalid_state");
    w.app
        .patch(
            &w.path(&id, ""),
            Some(&w.deputy_tokens[0]),
            &json!({"title": "改"}),
        )
        .await
        .problem(409, "invalid_state");
    w.op(&w.deputy_tokens[1], &id, "withdraw-co-signature", json!({}))
        .await
        .problem(409, "invalid_state");
    // The author sees the submitted suggestion but cannot administer it.
    w.op(&w.deputy_tokens[0], &id, "register", json!({}))
        .await
        .problem(403, "forbidden");
    w.op(&w.leader, &id, "register", json!({}))
        .await
        .problem(403, "forbidden");
    w.op(
        &w.staff,
        &id,
        "assign",
        json!({"lead_unit_id": w.units[0], "color": "green"}),
    )
    .await
    .problem(409, "invalid_state");
    w.op(&w.staff, &id, "reject", json!({"reason": "  "}))
        .await
        .problem(422, "validation_failed");
    let rejected = w
        .op(&w.staff, &id, "reject", json!({"reason": "属于信访事项"}))
        .await;
    assert_eq!(rejected.ok(200)["status"], "not_registered");
    assert_eq!(rejected.body["reject_reason"], "属于信访事项");
    w.op(&w.staff, &id, "register", json!({}))
        .await
        .problem(409, "invalid_state");

    // A unit never reaches a suggestion not assigned to it.
    let other = w.assigned("green").await;
    w.reply(&other, "A").await.ok(200);
    w.op(
        &w.unit_tokens[2],
        &other,
        "reply",
        json!({"category": "A", "content": "x"}),
    )
    .await
    .problem(404, "not_found");
    w.op(
        &w.unit_tokens[1],
        &other,
        "reply",
        json!({"category": "A", "content": "x"}),
    )
    .await
    .problem(403, "forbidden");
    w.reply(&other, "A").await.problem(409, "invalid_state");
    // Bad input.
    let id3 = w.registered().await;
    let bad = w
        .op(
            &w.staff,
            &id3,
            "assign",
            json!({"lead_unit_id": w.units[0], "color": "purple"}),
        )
        .await;
    assert_eq!(bad.fields(), ["color"]);
    let ghost = w
        .op(
            &w.staff,
            &id3,
            "assign",
            json!({"lead_unit_id": uuid::Uuid::now_v7(), "color": "green"}),
        )
        .await;
    assert_eq!(ghost.fields(), ["lead_unit_id"]);
    let bad_cat = w
        .app
        .post(
            "/api/v1/suggestions",
            Some(&w.deputy_tokens[0]),
            &json!({"title": "t", "content": "c", "category": "天文", "term": "第十八届", "timing": "between_sessions"}),
        )
        .await;
    assert_eq!(bad_cat.fields(), ["category"]);
}

#[tokio::test]
async fn two_staff_assigning_at_once_make_one_assignment() {
    let w = world().await;
    let id = w.registered().await;
    let (a, b) = tokio::join!(
        w.op(
            &w.staff,
            &id,
            "assign",
            json!({"lead_unit_id": w.units[0], "color": "green"})
        ),
        w.op(
            &w.staff,
            &id,
            "assign",
            json!({"lead_unit_id": w.units[1], "color": "yellow"})
        ),
    );
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{} / {}", a.text, b.text);
    let loser = if a.status == 409 { &a } else { &b };
    assert!(["invalid_state", "concurrent_change"].contains(&loser.body["code"].as_str().unwrap()));
    let spells = w.app.get(&w.path(&id, "assignments"), Some(&w.staff)).await;
    assert_eq!(spells.ok(200)["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        w.timeline(&id)
            .await
            .iter()
            .filter(|a| *a == "assigned")
            .count(),
        1
    );
}

#[tokio::test]
async fn overdue_shows_on_the_suggestion_and_filters_lists() {
    let w = world().await;
    let id = w.registered().await;
    let due = (w.app.clock.today() + chrono::Duration::days(1)).to_string();
    w.op(
        &w.staff,
        &id,
        "assign",
        json!({"lead_unit_id": w.units[0], "color": "green", "due_date": due}),
    )
    .await
    .ok(200);
    let on_time = w.registered().await;
    w.op(
        &w.staff,
        &on_time,
        "assign",
        json!({"lead_unit_id": w.units[0], "color": "green"}),
    )
    .await
    .ok(200);
    let overdue_ids = |a: &Answer| -> Vec<String> {
        a.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let none = w
        .app
        .get("/api/v1/suggestions?overdue=true", Some(&w.staff))
        .await;
    assert!(overdue_ids(&none).is_empty());
    w.app.clock.advance(2);
    assert_eq!(w.get(Some(&w.staff), &id).await.body["overdue"], true);
    let some = w
        .app
        .get("/api/v1/suggestions?overdue=true", Some(&w.staff))
        .await;
    assert_eq!(overdue_ids(&some), vec![id.clone()]);
    let rest = w
        .app
        .get(
            "/api/v1/suggestions?overdue=false&status=assigned",
            Some(&w.staff),
        )
        .await;
    assert_eq!(overdue_ids(&rest), [on_time]);
    // A reply ends being overdue.
    w.reply(&id, "A").await.ok(200);
    assert_eq!(w.get(Some(&w.staff), &id).await.body["overdue"], false);
}

#[tokio::test]
async fn lists_show_each_caller_only_what_they_may_see() {
    let w = world().await;
    let draft = w.draft().await;
    let assigned = w.assigned("green").await;
    let ids = |a: &Answer| -> Vec<String> {
        let mut v: Vec<String> = a.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect();
        v.sort();
        v
    };
    let mut both = vec![draft.clone(), assigned.clone()];
    both.sort();
    assert_eq!(
        ids(&w
            .app
            .get("/api/v1/suggestions", Some(&w.deputy_tokens[0]))
            .await),
        both
    );
    assert_eq!(
        ids(&w
            .app
            .get("/api/v1/suggestions", Some(&w.deputy_tokens[1]))
            .await),
        both,
        "a co-signer sees both"
    );
    assert!(
        ids(&w
            .app
            .get("/api/v1/suggestions", Some(&w.deputy_tokens[2]))
            .await)
        .is_empty()
    );
    assert_eq!(
        ids(&w.app.get("/api/v1/suggestions", Some(&w.staff)).await),
        vec![assigned.clone()]
    );
    assert_eq!(
        ids(&w
            .app
            .get("/api/v1/suggestions", Some(&w.unit_tokens[0]))
            .await),
        vec![assigned.clone()]
    );
    assert_eq!(
        ids(&w
            .app
            .get("/api/v1/suggestions", Some(&w.unit_tokens[1]))
            .await),
        vec![assigned.clone()]
    );
    assert!(
        ids(&w
            .app
            .get("/api/v1/suggestions", Some(&w.unit_tokens[2]))
            .await)
        .is_empty()
    );
    assert!(ids(&w.app.get("/api/v1/suggestions", None).await).is_empty());
    let q = format!("/api/v1/suggestions?q={}", crate::units::urlencode("助餐"));
    assert_eq!(
        ids(&w.app.get(&q, Some(&w.staff)).await),
        vec![assigned.clone()]
    );
    let by_unit = format!("/api/v1/suggestions?unit_id={}", w.units[1]);
    assert_eq!(
        ids(&w.app.get(&by_unit, Some(&w.staff)).await),
        vec![assigned.clone()]
    );
    let by_color = w
        .app
        .get("/api/v1/suggestions?color=red", Some(&w.staff))
        .await;
    assert!(ids(&by_color).is_empty());
    let by_deputy = format!("/api/v1/suggestions?deputy_id={}", w.deputies[1]);
    assert_eq!(
        ids(&w.app.get(&by_deputy, Some(&w.staff)).await),
        [assigned]
    );
}

#[tokio::test]
async fn a_co_signer_may_withdraw_before_submission_and_then_loses_sight() {
    let w = world().await;
    let id = w.draft().await;
    w.op(&w.deputy_tokens[0], &id, "withdraw-co-signature", json!({}))
        .await
        .problem(403, "forbidden");
    let a = w
        .op(&w.deputy_tokens[1], &id, "withdraw-co-signature", json!({}))
        .await;
    assert!(a.ok(200)["co_signers"][0]["withdrawn_at"].is_string());
    w.get(Some(&w.deputy_tokens[1]), &id)
        .await
        .problem(404, "not_found");
}

#[tokio::test]
async fn published_replies_are_public() {
    let w = world().await;
    let id = w.assigned("green").await;
    w.op(&w.staff, &id, "publish", json!({}))
        .await
        .problem(409, "invalid_state");
    w.reply(&id, "A").await.ok(200);
    w.op(
        &w.deputy_tokens[0],
        &id,
        "evaluate",
        json!({"result": "satisfied"}),
    )
    .await
    .ok(200);
    w.get(None, &id).await.problem(401, "unauthenticated");
    w.op(&w.staff, &id, "publish", json!({})).await.ok(200);
    let public = w.get(None, &id).await;
    assert_eq!(public.ok(200)["reply"]["category"], "A");
    w.get(Some(&w.deputy_tokens[2]), &id).await.ok(200);
    let list = w.app.get("/api/v1/suggestions", None).await;
    assert_eq!(list.ok(200)["items"].as_array().unwrap().len(), 1);
    w.op(&w.staff, &id, "outstanding", json!({"outstanding": true}))
        .await
        .problem(422, "validation_failed");
    let o = w
        .op(
            &w.staff,
            &id,
            "outstanding",
            json!({"outstanding": true, "reason": "推动解决老年助餐难题"}),
        )
        .await;
    assert_eq!(o.ok(200)["outstanding"], true);
}

#[tokio::test]
async fn numbers_count_up_within_a_year() {
    let w = world().await;
    let mut numbers = Vec::new();
    for _ in 0..3 {
        let id = w.registered().await;
        numbers.push(
            w.get(Some(&w.staff), &id).await.body["number"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let year = chrono::Utc::now().format("%Y").to_string();
    assert_eq!(
        numbers,
        [
            format!("{year}-0001"),
            format!("{year}-0002"),
            format!("{year}-0003")
        ]
    );
    let cats = w.app.get("/api/v1/suggestion-categories", None).await;
    assert_eq!(cats.ok(200).as_array().unwrap().len(), 10);
}

#[tokio::test]
async fn newly_overdue_suggestions_get_one_timeline_event() {
    let w = world().await;
    let id = w.registered().await;
    let due = (w.app.clock.today() + chrono::Duration::days(1)).to_string();
    w.op(
        &w.staff,
        &id,
        "assign",
        json!({"lead_unit_id": w.units[0], "color": "green", "due_date": due}),
    )
    .await
    .ok(200);
    assert_eq!(
        renda::detect_overdue(&w.app.store, w.app.clock.today())
            .await
            .unwrap(),
        0
    );
    w.app.clock.advance(2);
    assert_eq!(
        renda::detect_overdue(&w.app.store, w.app.clock.today())
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        renda::detect_overdue(&w.app.store, w.app.clock.today())
            .await
            .unwrap(),
        0,
        "once per deadline"
    );
    assert_eq!(
        w.timeline(&id)
            .await
            .iter()
            .filter(|a| *a == "became_overdue")
            .count(),
        1
    );
    // A new deadline (an approved extension) can become overdue again.
    let wanted = (w.app.clock.today() + chrono::Duration::days(5)).to_string();
    w.op(
        &w.unit_tokens[0],
        &id,
        "requests",
        json!({"kind": "extension", "reason": "需协调", "due_date": wanted}),
    )
    .await
    .ok(200);
    let reqs = w.app.get(&w.path(&id, "requests"), Some(&w.staff)).await;
    let req_id = reqs.body["items"][0]["id"].as_str().unwrap().to_owned();
    w.op(
        &w.staff,
        &id,
        &format!("requests/{req_id}/decide"),
        json!({"approved": true}),
    )
    .await
    .ok(200);
    assert_eq!(w.get(Some(&w.staff), &id).await.body["overdue"], false);
    w.app.clock.advance(6);
    assert_eq!(
        renda::detect_overdue(&w.app.store, w.app.clock.today())
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        w.timeline(&id)
            .await
            .iter()
            .filter(|a| *a == "became_overdue")
            .count(),
        2
    );
}

#[tokio::test]
async fn statistics_count_by_status_colour_category_and_unit() {
    let w = world().await;
    // One green closed on time and satisfied, one yellow replied late, one red
    // overdue, one submitted, one draft (not counted).
    let green = w.assigned("green").await;
    w.reply(&green, "A").await.ok(200);
    w.op(
        &w.deputy_tokens[0],
        &green,
        "evaluate",
        json!({"result": "satisfied"}),
    )
    .await
    .ok(200);
    let yellow = w.registered().await;
    let due = (w.app.clock.today() + chrono::Duration::days(1)).to_string();
    w.op(
        &w.staff,
        &yellow,
        "assign",
        json!({"lead_unit_id": w.units[1], "color": "yellow", "due_date": due.clone()}),
    )
    .await
    .ok(200);
    let red = w.registered().await;
    w.op(&w.staff, &red, "assign", json!({"lead_unit_id": w.units[0], "color": "red", "supervisor_id": w.leader_id, "due_date": due}))
        .await
        .ok(200);
    let submitted = w.draft().await;
    w.op(&w.deputy_tokens[0], &submitted, "submit", json!({}))
        .await
        .ok(200);
    w.draft().await;
    w.app.clock.advance(3);
    w.op(
        &w.unit_tokens[1],
        &yellow,
        "consultations",
        json!({"held_on": w.app.clock.today(), "form": "meeting", "participants": "张伟代表", "agreed": "暂无条件实施"}),
    )
    .await
    .ok(201);
    w.op(
        &w.unit_tokens[1],
        &yellow,
        "reply",
        json!({"category": "C", "content": "暂无条件"}),
    )
    .await
    .ok(200);
    w.op(
        &w.deputy_tokens[0],
        &yellow,
        "evaluate",
        json!({"result": "unsatisfied"}),
    )
    .await
    .ok(200);

    w.app
        .get("/api/v1/suggestions/stats", Some(&w.deputy_tokens[0]))
        .await
        .problem(403, "forbidden");
    w.app
        .get("/api/v1/suggestions/stats", Some(&w.unit_tokens[0]))
        .await
        .problem(403, "forbidden");
    let a = w
        .app
        .get("/api/v1/suggestions/stats", Some(&w.leader))
        .await;
    let s = a.ok(200);
    assert_eq!(s["total"], 4, "{}", a.text);
    assert_eq!(
        s["by_status"],
        json!({"assigned": 1, "closed": 1, "rehandling": 1, "submitted": 1})
    );
    assert_eq!(s["by_color"], json!({"green": 1, "red": 1, "yellow": 1}));
    assert_eq!(s["by_category"], json!({"社会保障": 4}));
    assert_eq!(s["on_time_reply_rate"], 0.5);
    assert_eq!(s["satisfaction_rate"], 0.5);
    let units = s["units"].as_array().unwrap();
    let row = |id: &str| units.iter().find(|u| u["unit_id"] == id).unwrap().clone();
    let mz = row(&w.units[0]);
    assert_eq!(
        (
            mz["assigned"].as_i64(),
            mz["replied"].as_i64(),
            mz["overdue"].as_i64()
        ),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(mz["on_time_rate"], 1.0);
    let zj = row(&w.units[1]);
    assert_eq!(zj["on_time_rate"], 0.0);
    assert_eq!(zj["satisfaction_rate"], 0.0);
    // Rehandling is overdue again only after its new deadline.
    assert_eq!(zj["overdue"], 0);
    let year = chrono::Utc::now().format("%Y").to_string();
    let by_year = w
        .app
        .get(
            &format!("/api/v1/suggestions/stats?year={year}"),
            Some(&w.staff),
        )
        .await;
    assert_eq!(
        by_year.ok(200)["total"],
        3,
        "the unregistered one has no year yet"
    );
    let other_term = w
        .app
        .get(
            &format!(
                "/api/v1/suggestions/stats?term={}",
                crate::units::urlencode("第十七届")
            ),
            Some(&w.staff),
        )
        .await;
    assert_eq!(other_term.ok(200)["total"], 0);
}

pub(crate) fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

impl World {
    pub(crate) async fn upload(
        &self,
        token: &str,
        id: &str,
        kind: &str,
        name: &str,
        bytes: Vec<u8>,
    ) -> Answer {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
        let form = reqwest::multipart::Form::new().part("file", part);
        let r = self
            .app
            .request(
                reqwest::Method::POST,
                &format!("{}?kind={kind}", self.path(id, "attachments")),
                Some(token),
            )
            .multipart(form)
            .send()
            .await
            .unwrap();
        Answer::read(r).await
    }
}

#[tokio::test]
async fn attachments_are_checked_by_content_and_shown_only_to_those_who_see_the_suggestion() {
    let w = world().await;
    let id = w.draft().await;
    let a = w
        .upload(
            &w.deputy_tokens[0],
            &id,
            "material",
            "../../调研报告.pdf",
            pdf(),
        )
        .await;
    let att = a.ok(201).clone();
    assert_eq!(att["content_type"], "application/pdf");
    assert_eq!(
        att["file_name"], "调研报告.pdf",
        "no path survives in a name"
    );
    assert_eq!(att["size"], pdf().len());
    use sha2::Digest;
    assert_eq!(att["sha256"], hex::encode(sha2::Sha256::digest(pdf())));
    let file = format!("attachments/{}", att["id"].as_str().unwrap());
    // A co-signer downloads it; another deputy cannot even see it.
    let r = w
        .app
        .request(
            reqwest::Method::GET,
            &w.path(&id, &file),
            Some(&w.deputy_tokens[1]),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    assert_eq!(r.bytes().await.unwrap().to_vec(), pdf());
    w.app
        .get(&w.path(&id, &file), Some(&w.deputy_tokens[2]))
        .await
        .problem(404, "not_found");
    w.app
        .get(&w.path(&id, "attachments"), Some(&w.deputy_tokens[2]))
        .await
        .problem(404, "not_found");
    // A type is judged by the bytes, not the name.
    let fake = w
        .upload(
            &w.deputy_tokens[0],
            &id,
            "material",
            "report.pdf",
            b"just some text".to_vec(),
        )
        .await;
    fake.problem(415, "unsupported_file_type");
    let exe = w
        .upload(
            &w.deputy_tokens[0],
            &id,
            "material",
            "photo.png",
            b"MZ\x90\x00\x03\x00\x00\x00".to_vec(),
        )
        .await;
    exe.problem(415, "unsupported_file_type");
    w.upload(&w.deputy_tokens[0], &id, "weird", "a.pdf", pdf())
        .await
        .problem(422, "validation_failed");
    w.upload(&w.deputy_tokens[1], &id, "material", "a.pdf", pdf())
        .await
        .problem(403, "forbidden");
    let big = vec![b'%'; 20 * 1024 * 1024 + 1];
    w.upload(&w.deputy_tokens[0], &id, "material", "big.pdf", big)
        .await
        .problem(413, "file_too_large");
    let not_multipart = w
        .op(
            &w.deputy_tokens[0],
            &id,
            "attachments?kind=material",
            json!({}),
        )
        .await;
    not_multipart.problem(415, "unsupported_media_type");
    // The form has one field, `file`, once.
    for form in [
        reqwest::multipart::Form::new()
            .part(
                "file",
                reqwest::multipart::Part::bytes(pdf()).file_name("a.pdf"),
            )
            .text("note", "附言"),
        reqwest::multipart::Form::new()
            .part(
                "file",
                reqwest::multipart::Part::bytes(pdf()).file_name("a.pdf"),
            )
            .part(
                "file",
                reqwest::multipart::Part::bytes(pdf()).file_name("b.pdf"),
            ),
    ] {
        let r = w
            .app
            .request(
                reqwest::Method::POST,
                &format!("{}?kind=material", w.path(&id, "attachments")),
                Some(&w.deputy_tokens[0]),
            )
            .multipart(form)
            .send()
            .await
            .unwrap();
        Answer::read(r).await.problem(422, "validation_failed");
    }
    let list = w
        .app
        .get(&w.path(&id, "attachments"), Some(&w.deputy_tokens[0]))
        .await;
    assert_eq!(
        list.ok(200)["items"].as_array().unwrap().len(),
        1,
        "refused uploads left nothing"
    );

    // After submission the deputy's materials are closed; the lead unit
    // attaches its reply letter once the suggestion is assigned to it.
    w.op(&w.deputy_tokens[0], &id, "submit", json!({}))
        .await
        .ok(200);
    w.upload(&w.deputy_tokens[0], &id, "material", "more.pdf", pdf())
        .await
        .problem(409, "invalid_state");
    w.op(&w.staff, &id, "register", json!({})).await.ok(200);
    w.op(
        &w.staff,
        &id,
        "assign",
        json!({"lead_unit_id": w.units[0], "color": "green"}),
    )
    .await
    .ok(200);
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89".to_vec();
    let letter = w
        .upload(&w.unit_tokens[0], &id, "reply_letter", "答复函.png", png)
        .await;
    assert_eq!(letter.ok(201)["content_type"], "image/png");
    w.upload(&w.unit_tokens[1], &id, "reply_letter", "x.pdf", pdf())
        .await
        .problem(404, "not_found");
    let events = w.app.get(&w.path(&id, "timeline"), Some(&w.staff)).await;
    let added = events.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "attachment_added")
        .count();
    assert_eq!(added, 2);
}

#[tokio::test]
async fn the_office_keeps_categories_and_names_advanced_units() {
    let w = world().await;
    let add = w
        .app
        .post(
            "/api/v1/suggestion-categories",
            Some(&w.staff),
            &json!({"name": "文化旅游"}),
        )
        .await;
    assert!(add.ok(201).as_array().unwrap().contains(&json!("文化旅游")));
    w.app
        .post(
            "/api/v1/suggestion-categories",
            Some(&w.staff),
            &json!({"name": "文化旅游"}),
        )
        .await
        .problem(409, "category_exists");
    w.app
        .post(
            "/api/v1/suggestion-categories",
            Some(&w.leader),
            &json!({"name": "体育"}),
        )
        .await
        .problem(403, "forbidden");
    let path = format!(
        "/api/v1/suggestion-categories/{}",
        crate::units::urlencode("交通")
    );
    assert_eq!(w.app.delete(&path, Some(&w.staff)).await.status, 204);
    w.app
        .delete(&path, Some(&w.staff))
        .await
        .problem(404, "not_found");
    let cats = w.app.get("/api/v1/suggestion-categories", None).await;
    assert!(!cats.ok(200).as_array().unwrap().contains(&json!("交通")));
    let retired = w
        .app
        .post(
            "/api/v1/suggestions",
            Some(&w.deputy_tokens[0]),
            &json!({"title": "t", "content": "c", "category": "交通", "term": "第十八届", "timing": "between_sessions"}),
        )
        .await;
    assert_eq!(retired.fields(), ["category"]);

    let year = 2026;
    let body = json!({"year": year, "unit_id": w.units[0], "reason": "办理及时，代表满意率100%"});
    w.app
        .post("/api/v1/advanced-units", Some(&w.unit_tokens[0]), &body)
        .await
        .problem(403, "forbidden");
    let a = w
        .app
        .post("/api/v1/advanced-units", Some(&w.staff), &body)
        .await;
    assert_eq!(a.ok(201)["unit_id"], w.units[0]);
    w.app
        .post("/api/v1/advanced-units", Some(&w.staff), &body)
        .await
        .problem(409, "already_advanced");
    let list = w
        .app
        .get(
            &format!("/api/v1/advanced-units?year={year}"),
            Some(&w.unit_tokens[1]),
        )
        .await;
    assert_eq!(list.ok(200)["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        w.app
            .delete(
                &format!("/api/v1/advanced-units/{year}/{}", w.units[0]),
                Some(&w.staff)
            )
            .await
            .status,
        204
    );
    assert!(
        w.app
            .get("/api/v1/advanced-units", Some(&w.staff))
            .await
            .body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Outstanding suggestions are a filter too.
    let id = w.assigned("green").await;
    w.op(
        &w.staff,
        &id,
        "outstanding",
        json!({"outstanding": true, "reason": "推动解决实际问题"}),
    )
    .await
    .ok(200);
    w.assigned("green").await;
    let o = w
        .app
        .get("/api/v1/suggestions?outstanding=true", Some(&w.staff))
        .await;
    let items = o.ok(200)["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], id);
}

#[tokio::test]
async fn operations_without_data_need_no_body() {
    let w = world().await;
    let id = w.draft().await;
    let r = w
        .app
        .request(
            reqwest::Method::POST,
            &w.path(&id, "submit"),
            Some(&w.deputy_tokens[0]),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // An operation with required fields says which are missing.
    let r = w
        .app
        .request(
            reqwest::Method::POST,
            &w.path(&id, "reject"),
            Some(&w.staff),
        )
        .send()
        .await
        .unwrap();
    let a = Answer::read(r).await;
    a.problem(422, "validation_failed");
    assert_eq!(a.fields(), ["reason"]);
    // An empty body sent as JSON, as generated clients and curl send it,
    // is no data too: the operation runs, or says what it misses.
    let registered = w
        .app
        .request(
            reqwest::Method::POST,
            &w.path(&id, "register"),
            Some(&w.staff),
        )
        .header("content-type", "application/json")
        .header("content-length", "0")
        .send()
        .await
        .unwrap();
    let a = Answer::read(registered).await;
    assert_eq!(a.ok(200)["status"], "registered");
    let empty_reject = w
        .app
        .request(
            reqwest::Method::POST,
            &w.path(&id, "reject"),
            Some(&w.staff),
        )
        .header("content-type", "application/json; charset=utf-8")
        .body("")
        .send()
        .await
        .unwrap();
    let a = Answer::read(empty_reject).await;
    a.problem(422, "validation_failed");
    assert_eq!(a.fields(), ["reason"]);
    // Whatever type an empty body names.
    let typed = w
        .app
        .request(
            reqwest::Method::POST,
            &w.path(&id, "reject"),
            Some(&w.staff),
        )
        .header("content-type", "text/plain")
        .header("content-length", "0")
        .send()
        .await
        .unwrap();
    Answer::read(typed).await.problem(422, "validation_failed");
    // Blank space is not JSON.
    let spaces = w
        .app
        .request(
            reqwest::Method::POST,
            &w.path(&id, "reject"),
            Some(&w.staff),
        )
        .header("content-type", "application/json")
        .body("  ")
        .send()
        .await
        .unwrap();
    Answer::read(spaces).await.problem(400, "malformed_json");
}

#[tokio::test]
async fn rehandling_gets_its_full_period_even_late_in_the_six_months() {
    let w = world().await;
    let id = w.assigned("yellow").await;
    w.app.clock.advance(170);
    w.reply(&id, "C").await.ok(200);
    let e = w
        .op(
            &w.deputy_tokens[0],
            &id,
            "evaluate",
            json!({"result": "unsatisfied"}),
        )
        .await;
    // Ten days are left of the six months; rehandling still gets its 30.
    assert_eq!(
        e.ok(200)["due_date"],
        (w.app.clock.today() + chrono::Duration::days(30)).to_string()
    );
    assert_eq!(e.body["status"], "rehandling");
}

#[tokio::test]
async fn a_published_reply_does_not_open_the_file() {
    let w = world().await;
    let id = w.assigned("green").await;
    w.reply(&id, "A").await.ok(200);
    w.op(
        &w.deputy_tokens[0],
        &id,
        "evaluate",
        json!({"result": "satisfied"}),
    )
    .await
    .ok(200);
    w.op(&w.staff, &id, "publish", json!({})).await.ok(200);
    let public = w.get(None, &id).await;
    assert_eq!(
        public.ok(200)["reply"]["handler_phone"],
        "****-****1234",
        "the handler's phone is masked for the public"
    );
    assert_eq!(
        w.get(Some(&w.deputy_tokens[0]), &id).await.body["reply"]["handler_phone"],
        "0527-84351234"
    );
    for sub in [
        "timeline",
        "records",
        "requests",
        "commitments",
        "assignments",
        "replies",
        "attachments",
    ] {
        w.app
            .get(&w.path(&id, sub), None)
            .await
            .problem(401, "unauthenticated");
        w.app
            .get(&w.path(&id, sub), Some(&w.deputy_tokens[2]))
            .await
            .problem(404, "not_found");
        w.app
            .get(&w.path(&id, sub), Some(&w.deputy_tokens[0]))
            .await
            .ok(200);
    }
}

#[tokio::test]
async fn becoming_overdue_changes_the_etag() {
    let w = world().await;
    let id = w.registered().await;
    let due = (w.app.clock.today() + chrono::Duration::days(1)).to_string();
    w.op(
        &w.staff,
        &id,
        "assign",
        json!({"lead_unit_id": w.units[0], "color": "green", "due_date": due}),
    )
    .await
    .ok(200);
    let before = w
        .get(Some(&w.staff), &id)
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    w.app.clock.advance(2);
    renda::detect_overdue(&w.app.store, w.app.clock.today())
        .await
        .unwrap();
    let r = w
        .app
        .request(reqwest::Method::GET, &w.path(&id, ""), Some(&w.staff))
        .header("if-none-match", &before)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "a cached copy from before is stale");
}

#[tokio::test]
async fn extensions_move_deadlines_later_only() {
    let w = world().await;
    let id = w.assigned("green").await;
    let wanted = (w.app.clock.today() + chrono::Duration::days(60)).to_string();
    w.op(
        &w.unit_tokens[0],
        &id,
        "requests",
        json!({"kind": "extension", "reason": "需协调", "due_date": wanted}),
    )
    .await
    .ok(200);
    let reqs = w.app.get(&w.path(&id, "requests"), Some(&w.staff)).await;
    let decide = format!(
        "requests/{}/decide",
        reqs.body["items"][0]["id"].as_str().unwrap()
    );
    let earlier = w.app.clock.today().to_string();
    let a = w
        .op(
            &w.staff,
            &id,
            &decide,
            json!({"approved": true, "due_date": earlier}),
        )
        .await;
    a.problem(422, "validation_failed");
    assert_eq!(a.fields(), ["due_date"]);
    w.op(&w.staff, &id, &decide, json!({"approved": true}))
        .await
        .ok(200);
}

#[tokio::test]
async fn a_verification_before_the_latest_reply_does_not_count() {
    let w = world().await;
    let id = w.assigned("yellow").await;
    w.op(
        &w.staff,
        &id,
        "verifications",
        json!({"content": "交办后初步查看"}),
    )
    .await
    .ok(200);
    w.reply(&id, "A").await.ok(200);
    w.op(
        &w.deputy_tokens[0],
        &id,
        "evaluate",
        json!({"result": "satisfied"}),
    )
    .await
    .ok(200);
    let blocked = w.op(&w.staff, &id, "close", json!({})).await;
    blocked.problem(409, "close_requirements_unmet");
    assert_eq!(blocked.fields(), ["verifications"]);
}

#[tokio::test]
async fn no_reply_while_a_hand_back_awaits_a_decision() {
    let w = world().await;
    let id = w.assigned("green").await;
    w.op(
        &w.unit_tokens[0],
        &id,
        "requests",
        json!({"kind": "reassignment", "reason": "非本单位职责"}),
    )
    .await
    .ok(200);
    w.reply(&id, "A").await.problem(409, "request_pending");
    // Once decided (denied), the unit replies; a B reply names its missing commitment.
    let reqs = w.app.get(&w.path(&id, "requests"), Some(&w.staff)).await;
    let decide = format!(
        "requests/{}/decide",
        reqs.body["items"][0]["id"].as_str().unwrap()
    );
    w.op(
        &w.staff,
        &id,
        &decide,
        json!({"approved": false, "note": "属本单位职责"}),
    )
    .await
    .ok(200);
    let b = w
        .op(
            &w.unit_tokens[0],
            &id,
            "reply",
            json!({"category": "B", "content": "x"}),
        )
        .await;
    b.problem(422, "validation_failed");
    assert_eq!(b.fields(), ["commitment"]);
    w.reply(&id, "A").await.ok(200);
}

#[tokio::test]
async fn a_suggestions_records_page_like_every_collection() {
    let w = world().await;
    let id = w.assigned("green").await;
    w.reply(&id, "A").await.ok(200);
    let mut seen = Vec::new();
    let mut path = format!("{}?limit=2&include_total=true", w.path(&id, "timeline"));
    loop {
        let a = w.app.get(&path, Some(&w.staff)).await;
        let b = a.ok(200).clone();
        // Created, confirmed by the co-signer, submitted, registered,
        // assigned, the co-unit's opinion, replied.
        assert_eq!(b["total"], 7);
        seen.extend(
            b["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["action"].as_str().unwrap().to_owned()),
        );
        match b["next_cursor"].as_str() {
            Some(c) => {
                path = format!(
                    "{}?limit=2&include_total=true&cursor={c}",
                    w.path(&id, "timeline")
                )
            }
            None => break,
        }
    }
    assert_eq!(
        seen,
        [
            "created",
            "co_signature_confirmed",
            "submitted",
            "registered",
            "assigned",
            "co_unit_opinion",
            "replied"
        ]
    );
    w.app
        .get(
            &format!("{}?limit=0", w.path(&id, "timeline")),
            Some(&w.staff),
        )
        .await
        .problem(422, "validation_failed");
}
