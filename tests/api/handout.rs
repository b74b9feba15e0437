//! 交办 and 分办 through the real HTTP stack: a batch hands out every row
//! or none, its list prints as CSV and XLSX, and a government office
//! passes its suggestions on to departments.

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

/// The office, a leader, a deputy, the government office (unit 0) and
/// two departments, each unit with a clerk.
struct Office {
    app: TestApp,
    staff: String,
    leader_id: String,
    deputy: String,
    units: Vec<String>,
    clerks: Vec<String>,
}

async fn office() -> Office {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let staff = app.staff().await;
    let leader_id = app
        .create_user(&admin, "leader", &["leader"], json!({}))
        .await;
    let d = app.create_deputy(&staff, json!({"name": "张伟"})).await;
    let deputy = app
        .user_token(&admin, "deputy", &["deputy"], json!({"deputy_id": d["id"]}))
        .await;
    let mut units = Vec::new();
    let mut clerks = Vec::new();
    for (i, name) in ["区政府办公室", "区民政局", "区住建局"].iter().enumerate() {
        let u = app.create_unit(&staff, name).await;
        let id = u["id"].as_str().unwrap().to_owned();
        clerks.push(
            app.user_token(
                &admin,
                &format!("clerk{i}"),
                &["unit"],
                json!({"unit_id": id}),
            )
            .await,
        );
        units.push(id);
    }
    Office {
        app,
        staff,
        leader_id,
        deputy,
        units,
        clerks,
    }
}

impl Office {
    /// A suggestion drafted, and unless `draft_only` submitted and
    /// registered.
    async fn suggestion(&self, title: &str, draft_only: bool) -> String {
        let a = self
            .app
            .post(
                "/api/v1/suggestions",
                Some(&self.deputy),
                &json!({"title": title, "content": "内容。", "category": "社会保障",
                        "term": "第十八届", "timing": "between_sessions"}),
            )
            .await;
        let id = a.ok(201)["id"].as_str().unwrap().to_owned();
        if !draft_only {
            for (who, op) in [(&self.deputy, "submit"), (&self.staff, "register")] {
                self.app
                    .post(
                        &format!("/api/v1/suggestions/{id}/{op}"),
                        Some(who),
                        &json!({}),
                    )
                    .await
                    .ok(200);
            }
        }
        id
    }

    async fn status(&self, id: &str) -> Value {
        let a = self
            .app
            .get(&format!("/api/v1/suggestions/{id}"), Some(&self.staff))
            .await;
        a.ok(200).clone()
    }

    fn batch(&self, items: Value) -> Value {
        json!({"title": "第十八届第五次会议代表建议交办会", "meeting_date": "2027-02-20",
               "document_number": "宿城人常办〔2027〕3号", "items": items})
    }
}

#[tokio::test]
async fn a_batch_hands_out_every_row_or_none() {
    let o = office().await;
    let mut ids = Vec::new();
    for t in [
        "关于增设助餐点的建议",
        "关于改造老旧小区的建议",
        "关于整治背街小巷的建议",
    ] {
        ids.push(o.suggestion(t, false).await);
    }
    let draft = o.suggestion("尚未提交的建议", true).await;
    let row =
        |id: &str, unit: &str| json!({"suggestion_id": id, "lead_unit_id": unit, "color": "green"});
    let bad = o.batch(json!([
        row(&ids[0], &o.units[1]),
        row(&draft, &o.units[1]),
        row(&ids[1], "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4fff"),
        row(&ids[0], &o.units[2]),
        row("01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ffe", &o.units[1]),
        {"suggestion_id": ids[2], "lead_unit_id": o.units[2], "color": "red"},
    ]));
    let refused = o
        .app
        .post("/api/v1/assignment-batches", Some(&o.staff), &bad)
        .await;
    refused.problem(422, "validation_failed");
    assert_eq!(
        refused.fields(),
        [
            "items[1].suggestion_id",
            "items[2].lead_unit_id",
            "items[3].suggestion_id",
            "items[4].suggestion_id",
            "items[5].supervisor_id"
        ]
    );
    for id in &ids {
        assert_eq!(
            o.status(id).await["status"],
            "registered",
            "nothing was handed out"
        );
    }
    o.app
        .post("/api/v1/assignment-batches", Some(&o.deputy), &bad)
        .await
        .problem(403, "forbidden");
    // Only missing suggestions: 404; only ones not registered: 409.
    let missing = o.batch(json!([row(
        "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ffe",
        &o.units[1]
    )]));
    let gone = o
        .app
        .post("/api/v1/assignment-batches", Some(&o.staff), &missing)
        .await;
    gone.problem(404, "not_found");
    assert_eq!(gone.fields(), ["items[0].suggestion_id"]);
    let early = o.batch(json!([row(&ids[0], &o.units[1]), row(&draft, &o.units[1])]));
    let not_yet = o
        .app
        .post("/api/v1/assignment-batches", Some(&o.staff), &early)
        .await;
    not_yet.problem(409, "invalid_state");
    assert_eq!(not_yet.fields(), ["items[1].suggestion_id"]);

    let good = o.batch(json!([
        row(&ids[0], &o.units[1]),
        {"suggestion_id": ids[1], "lead_unit_id": o.units[0], "color": "yellow", "pass_on_due": "2099-01-01"},
        {"suggestion_id": ids[2], "lead_unit_id": o.units[2], "co_unit_ids": [o.units[1]],
         "color": "red", "supervisor_id": o.leader_id},
    ]));
    // A pass-on deadline past the reply deadline is refused too.
    let late = o
        .app
        .post("/api/v1/assignment-batches", Some(&o.staff), &good)
        .await;
    late.problem(422, "validation_failed");
    assert_eq!(late.fields(), ["items[1].pass_on_due"]);
    let mut good = good;
    let due = chrono::Utc::now().date_naive() + chrono::Days::new(7);
    good["items"][1]["pass_on_due"] = json!(due.to_string());
    let made = o
        .app
        .post("/api/v1/assignment-batches", Some(&o.staff), &good)
        .await;
    let batch = made.ok(201).clone();
    assert_eq!(batch["item_count"], 3);
    let id = batch["id"].as_str().unwrap();
    assert_eq!(
        made.header("location"),
        Some(format!("/api/v1/assignment-batches/{id}").as_str())
    );
    for s in &ids {
        let s = o.status(s).await;
        assert_eq!(
            (s["status"].as_str(), s["assignment_batch_id"].as_str()),
            (Some("assigned"), Some(id))
        );
    }
    assert_eq!(o.status(&ids[1]).await["pass_on_due"], due.to_string());
    let listed = o
        .app
        .get(
            &format!("/api/v1/suggestions?assignment_batch_id={id}&include_total=true"),
            Some(&o.staff),
        )
        .await;
    assert_eq!(listed.ok(200)["total"], 3);
    let leader = o.app.login("leader", crate::helpers::PASSWORD).await;
    let read = o
        .app
        .get(&format!("/api/v1/assignment-batches/{id}"), Some(&leader))
        .await;
    assert_eq!(read.ok(200)["document_number"], "宿城人常办〔2027〕3号");
    o.app
        .get("/api/v1/assignment-batches", Some(&o.clerks[0]))
        .await
        .problem(403, "forbidden");

    let csv = o
        .app
        .get(
            &format!("/api/v1/assignment-batches/{id}/list.csv"),
            Some(&o.staff),
        )
        .await;
    assert_eq!(csv.status, 200);
    let text = csv.text.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "序号,建议编号,建议标题,领衔代表,主办单位,协办单位,颜色,办理期限,分办期限"
    );
    assert_eq!(lines.len(), 4);
    assert!(
        text.contains("区政府办公室") && text.contains("红色") && text.contains(&due.to_string())
    );
    let xlsx = o
        .app
        .request(
            reqwest::Method::GET,
            &format!("/api/v1/assignment-batches/{id}/list.xlsx"),
            Some(&o.staff),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), 200);
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));
}

#[tokio::test]
async fn a_government_office_passes_on_to_a_department() {
    let o = office().await;
    let id = o.suggestion("关于增设助餐点的建议", false).await;
    let due = chrono::Utc::now().date_naive() + chrono::Days::new(7);
    o.app
        .post(
            &format!("/api/v1/suggestions/{id}/assign"),
            Some(&o.staff),
            &json!({"lead_unit_id": o.units[0], "color": "green", "pass_on_due": due}),
        )
        .await
        .ok(200);
    let path = |op: &str| format!("/api/v1/suggestions/{id}/{op}");
    // The department does not see it yet; the office's list shows it waiting.
    o.app
        .get(&format!("/api/v1/suggestions/{id}"), Some(&o.clerks[1]))
        .await
        .problem(404, "not_found");
    let waiting = o
        .app
        .get(
            "/api/v1/suggestions?pass_on_pending=true&include_total=true",
            Some(&o.clerks[0]),
        )
        .await;
    assert_eq!(waiting.ok(200)["total"], 1);

    let to = json!({"lead_unit_id": o.units[1], "co_unit_ids": [o.units[2]]});
    o.app
        .post(&path("pass-on"), Some(&o.clerks[1]), &to)
        .await
        .problem(404, "not_found");
    let itself = o
        .app
        .post(
            &path("pass-on"),
            Some(&o.clerks[0]),
            &json!({"lead_unit_id": o.units[0]}),
        )
        .await;
    itself.problem(422, "validation_failed");
    assert_eq!(itself.fields(), ["lead_unit_id"]);
    let passed = o.app.post(&path("pass-on"), Some(&o.clerks[0]), &to).await;
    let s = passed.ok(200);
    assert_eq!(s["lead_unit_id"], o.units[1].as_str());
    assert_eq!(s["dispatcher_unit_id"], o.units[0].as_str());
    assert_eq!(s["pass_on_due"], Value::Null);
    o.app
        .post(&path("pass-on"), Some(&o.clerks[0]), &to)
        .await
        .problem(403, "forbidden");

    // The office keeps reading, and no longer handles; the department does.
    o.app
        .get(&format!("/api/v1/suggestions/{id}"), Some(&o.clerks[0]))
        .await
        .ok(200);
    let reply = json!({"category": "A", "content": "已在社区增设助餐点。"});
    o.app
        .post(&path("reply"), Some(&o.clerks[0]), &reply)
        .await
        .problem(403, "forbidden");
    // The department replies after its co-unit's opinion.
    o.app
        .post(
            &path("co-unit-opinion"),
            Some(&o.clerks[2]),
            &json!({"opinion": "配合选址。"}),
        )
        .await
        .ok(200);
    o.app
        .post(&path("reply"), Some(&o.clerks[1]), &reply)
        .await
        .ok(200);
    let steps = o.app.get(&path("timeline"), Some(&o.clerks[0])).await;
    let passed_on = steps.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "passed_on")
        .cloned()
        .unwrap();
    assert_eq!(passed_on["detail"]["from_unit_id"], o.units[0].as_str());
    assert_eq!(passed_on["detail"]["late"], false);
    let spells = o.app.get(&path("assignments"), Some(&o.staff)).await;
    let ends: Vec<Value> = spells.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["end_reason"].clone())
        .collect();
    assert_eq!(ends, [json!("passed_on"), Value::Null]);

    // Re-assigned by the office, it leaves the government office's sight.
    let moved = o.suggestion("关于整治背街小巷的建议", false).await;
    let mp = |op: &str| format!("/api/v1/suggestions/{moved}/{op}");
    o.app
        .post(
            &mp("assign"),
            Some(&o.staff),
            &json!({"lead_unit_id": o.units[0], "color": "green", "pass_on_due": due}),
        )
        .await
        .ok(200);
    o.app
        .post(
            &mp("pass-on"),
            Some(&o.clerks[0]),
            &json!({"lead_unit_id": o.units[1]}),
        )
        .await
        .ok(200);
    o.app
        .post(
            &mp("requests"),
            Some(&o.clerks[1]),
            &json!({"kind": "reassignment", "reason": "属住建部门职责"}),
        )
        .await
        .ok(200);
    let reqs = o.app.get(&mp("requests"), Some(&o.staff)).await;
    let rid = reqs.ok(200)["items"][0]["id"].as_str().unwrap().to_owned();
    let decided = o
        .app
        .post(
            &mp(&format!("requests/{rid}/decide")),
            Some(&o.staff),
            &json!({"approved": true, "lead_unit_id": o.units[2]}),
        )
        .await;
    assert_eq!(decided.ok(200)["dispatcher_unit_id"], Value::Null);
    o.app
        .get(&format!("/api/v1/suggestions/{moved}"), Some(&o.clerks[0]))
        .await
        .problem(404, "not_found");

    // A suggestion not given for passing on cannot be passed on.
    let plain = o.suggestion("关于改造老旧小区的建议", false).await;
    o.app
        .post(
            &format!("/api/v1/suggestions/{plain}/assign"),
            Some(&o.staff),
            &json!({"lead_unit_id": o.units[0], "color": "green"}),
        )
        .await
        .ok(200);
    o.app
        .post(
            &format!("/api/v1/suggestions/{plain}/pass-on"),
            Some(&o.clerks[0]),
            &to,
        )
        .await
        .problem(409, "invalid_state");
}

#[tokio::test]
async fn two_batches_naming_one_suggestion_hand_it_out_once() {
    let o = office().await;
    let id = o.suggestion("关于增设助餐点的建议", false).await;
    let a = o.batch(json!([{"suggestion_id": id, "lead_unit_id": o.units[1], "color": "green"}]));
    let b = o.batch(json!([{"suggestion_id": id, "lead_unit_id": o.units[2], "color": "yellow"}]));
    let (x, y) = tokio::join!(
        o.app.post("/api/v1/assignment-batches", Some(&o.staff), &a),
        o.app.post("/api/v1/assignment-batches", Some(&o.staff), &b)
    );
    let mut statuses = [x.status.as_u16(), y.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses[0], 201);
    assert!(matches!(statuses[1], 409 | 422), "{statuses:?}");
    let batches = o
        .app
        .get(
            "/api/v1/assignment-batches?include_total=true",
            Some(&o.staff),
        )
        .await;
    assert_eq!(
        batches.ok(200)["total"],
        1,
        "the refused batch left no record"
    );
    let steps = o
        .app
        .get(
            &format!("/api/v1/suggestions/{id}/timeline"),
            Some(&o.staff),
        )
        .await;
    let assigned = steps.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "assigned")
        .count();
    assert_eq!(assigned, 1);
}

/// Batches handed out at the same moment, their rows of two years and
/// in opposite orders, while another is assigned on its own:
/// every batch lands (none waits on another in a cycle, which the
/// database would break by failing one), and the kept figures and
/// tallies are a recount's.
#[tokio::test]
async fn batches_handed_out_at_once_all_land_with_exact_figures() {
    let o = office().await;
    let row =
        |id: &str, unit: &str| json!({"suggestion_id": id, "lead_unit_id": unit, "color": "green"});
    let mut old = Vec::new();
    for i in 0..12 {
        old.push(o.suggestion(&format!("去年的建议{i}"), false).await);
    }
    o.app.clock.advance(366);
    let mut new = Vec::new();
    for i in 0..12 {
        new.push(o.suggestion(&format!("今年的建议{i}"), false).await);
    }
    for round in 0..4 {
        let (a, b) = (
            &old[round * 3..round * 3 + 3],
            &new[round * 3..round * 3 + 3],
        );
        let mut first = o.batch(json!([
            row(&a[0], &o.units[1]),
            row(&b[0], &o.units[2]),
            row(&a[1], &o.units[2]),
        ]));
        first["document_number"] = json!(format!("宿城人常办〔2027〕{}号", 10 + round * 2));
        let mut second = o.batch(json!([row(&b[1], &o.units[1]), row(&a[2], &o.units[2])]));
        second["document_number"] = json!(format!("宿城人常办〔2027〕{}号", 11 + round * 2));
        let assign = format!("/api/v1/suggestions/{}/assign", b[2]);
        let alone = json!({"lead_unit_id": o.units[1], "color": "green"});
        let (x, y, z) = tokio::join!(
            o.app
                .post("/api/v1/assignment-batches", Some(&o.staff), &first),
            o.app
                .post("/api/v1/assignment-batches", Some(&o.staff), &second),
            o.app.post(&assign, Some(&o.staff), &alone),
        );
        x.ok(201);
        y.ok(201);
        z.ok(200);
    }
    for id in old.iter().chain(&new) {
        assert_eq!(o.status(id).await["status"], "assigned", "{id}");
    }
    o.app.assert_kept_counts_exact().await;
}
