//! Deputies at work: stations and reception days, constituent opinions
//! followed by receipt code and taken up as suggestions, activities with
//! sign-up and check-in, the needs list, and the duty archive with its
//! yearly report.

use renda_domain::time::Clock;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

pub(crate) struct World {
    pub(crate) app: TestApp,
    pub(crate) staff: String,
    pub(crate) leader: String,
    pub(crate) unit: String,
    pub(crate) unit_id: String,
    pub(crate) other_unit: String,
    /// Deputies A and B serve at the station; C does not.
    pub(crate) a: (String, String),
    pub(crate) b: (String, String),
    pub(crate) c: (String, String),
    pub(crate) station: String,
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

pub(crate) async fn world() -> World {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let staff = app
        .user_token(&admin, "office", &["staff"], json!({}))
        .await;
    let leader = app
        .user_token(&admin, "leader", &["leader"], json!({}))
        .await;
    let unit_id = id(&app.create_unit(&staff, "区住房和城乡建设局").await);
    let unit = app
        .user_token(&admin, "unit", &["unit"], json!({"unit_id": unit_id}))
        .await;
    let other_id = id(&app.create_unit(&staff, "区交通运输局").await);
    let other_unit = app
        .user_token(&admin, "unit2", &["unit"], json!({"unit_id": other_id}))
        .await;
    let mut deputies = Vec::new();
    for name in ["甲", "乙", "丙"] {
        let d = id(&app.create_deputy(&staff, json!({"name": name})).await);
        let t = app
            .user_token(
                &admin,
                &format!("deputy-{}", deputies.len()),
                &["deputy"],
                json!({"deputy_id": d}),
            )
            .await;
        deputies.push((d, t));
    }
    let c = deputies.pop().unwrap();
    let b = deputies.pop().unwrap();
    let a = deputies.pop().unwrap();
    let st = app
        .post(
            "/api/v1/stations",
            Some(&staff),
            &json!({"kind": "station", "name": "古城街道人大代表联络站",
                    "address": "幸福路1号", "deputy_ids": [a.0, b.0]}),
        )
        .await;
    let station = id(st.ok(201));
    World {
        app,
        staff,
        leader,
        unit,
        unit_id,
        other_unit,
        a,
        b,
        c,
        station,
    }
}

impl World {
    async fn duties(&self, deputy: &str, token: &str, query: &str) -> Vec<Value> {
        let a = self
            .app
            .get(
                &format!("/api/v1/deputies/{deputy}/duties?limit=100{query}"),
                Some(token),
            )
            .await;
        a.ok(200)["items"].as_array().unwrap().clone()
    }

    fn kinds(list: &[Value]) -> Vec<String> {
        let mut k: Vec<String> = list
            .iter()
            .map(|d| d["kind"].as_str().unwrap().to_owned())
            .collect();
        k.sort();
        k
    }
}

#[tokio::test]
async fn a_station_holds_reception_days_and_the_deputies_on_duty_earn_a_record() {
    let w = world().await;
    let app = &w.app;
    // The deputy's profile shows the station; everyone finds the station.
    let prof = app.get(&format!("/api/v1/deputies/{}", w.a.0), None).await;
    assert_eq!(prof.ok(200)["station_ids"], json!([w.station]));
    let found = app.get("/api/v1/stations?q=%E5%8F%A4%E5%9F%8E", None).await;
    assert_eq!(found.ok(200)["items"][0]["id"], w.station.as_str());
    let point = app
        .post(
            "/api/v1/stations",
            Some(&w.staff),
            &json!({"kind": "point", "name": "幸福社区联系点", "parent_id": w.station}),
        )
        .await;
    let point_id = id(point.ok(201));
    app.post(
        "/api/v1/stations",
        Some(&w.a.1),
        &json!({"kind": "point", "name": "x"}),
    )
    .await
    .problem(403, "forbidden");
    // A station with one below it stays; a station cannot sit below its own child.
    app.delete(&format!("/api/v1/stations/{}", w.station), Some(&w.staff))
        .await
        .problem(409, "station_has_children");
    app.patch(
        &format!("/api/v1/stations/{}", w.station),
        Some(&w.staff),
        &json!({"parent_id": point_id}),
    )
    .await
    .problem(422, "validation_failed");

    let days = format!("/api/v1/stations/{}/reception-days", w.station);
    let today = app.clock.today();
    app.post(
        &days,
        Some(&w.staff),
        &json!({"day": today, "deputy_ids": [w.c.0]}),
    )
    .await
    .problem(422, "validation_failed");
    let planned = app
        .post(
            &days,
            Some(&w.staff),
            &json!({"day": today, "hours": "09:00-11:30", "topic": "加装电梯", "deputy_ids": [w.a.0]}),
        )
        .await;
    let day = planned.ok(201).clone();
    let next_week = app
        .post(
            &days,
            Some(&w.staff),
            &json!({"day": today + chrono::Duration::days(7), "deputy_ids": [w.a.0, w.b.0]}),
        )
        .await;
    let later = next_week.ok(201).clone();
    // The schedule is public.
    let schedule = app.get(&days, None).await;
    let listed: Vec<String> = schedule.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(id)
        .collect();
    assert_eq!(listed, [id(&day), id(&later)]);

    let record = format!("{days}/{}/record", id(&day));
    let what = json!({"people_received": 12, "matters": ["停车难", "加装电梯补贴"]});
    // Deputy B is not on duty that day; nobody records a day not yet come.
    app.post(&record, Some(&w.b.1), &what)
        .await
        .problem(403, "forbidden");
    app.post(
        &format!("{days}/{}/record", id(&later)),
        Some(&w.staff),
        &what,
    )
    .await
    .problem(409, "not_held_yet");
    app.post(&record, Some(&w.a.1), &json!({"people_received": -1}))
        .await
        .problem(422, "validation_failed");
    let done = app.post(&record, Some(&w.a.1), &what).await;
    assert_eq!(done.ok(200)["people_received"], 12);
    assert_eq!(done.body["matters"], json!(["停车难", "加装电梯补贴"]));
    app.post(&record, Some(&w.staff), &what)
        .await
        .problem(409, "already_recorded");

    let a_duties = w.duties(&w.a.0, &w.a.1, "").await;
    assert_eq!(World::kinds(&a_duties), ["reception_served"]);
    assert_eq!(a_duties[0]["ref_id"], day["id"]);
    assert!(w.duties(&w.b.0, &w.b.1, "").await.is_empty());

    // Assignment changes show on the deputy's profile (and its ETag).
    let etag = prof.header("etag").unwrap().to_owned();
    app.patch(
        &format!("/api/v1/stations/{}", w.station),
        Some(&w.staff),
        &json!({"deputy_ids": [w.b.0]}),
    )
    .await
    .ok(200);
    let after = app.get(&format!("/api/v1/deputies/{}", w.a.0), None).await;
    assert_eq!(after.ok(200)["station_ids"], json!([]));
    assert_ne!(after.header("etag"), Some(etag.as_str()));
}

#[tokio::test]
async fn an_anonymous_opinion_is_followed_by_receipt_and_becomes_a_suggestion() {
    let w = world().await;
    let app = &w.app;
    let left = app
        .post(
            "/api/v1/constituent-opinions",
            None,
            &json!({"station_id": w.station, "content": "小区门口路灯坏了三个月",
                    "category": "城乡建设", "name": "张先生", "phone": "13800001234"}),
        )
        .await;
    let left = left.ok(201).clone();
    let code = left["receipt_code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 19);
    let oid = left["opinion"]["id"].as_str().unwrap().to_owned();
    assert!(left["opinion"].get("submitter_phone").is_none());

    // The code works however it is typed back; a wrong one finds nothing.
    let typed = code.replace('-', " ").to_lowercase();
    let follow = |c: String| {
        let app = &w.app;
        async move {
            app.get(
                &format!(
                    "/api/v1/constituent-opinion-receipts/{}",
                    c.replace(' ', "%20")
                ),
                None,
            )
            .await
        }
    };
    assert_eq!(follow(typed.clone()).await.ok(200)["status"], "received");
    follow("AAAA-BBBB-CCCC-DDDD".into())
        .await
        .problem(404, "not_found");

    // Who sees it: the station's deputies (personal data masked), staff
    // (masked, in full on an audited request); not a deputy of another
    // station, not a unit.
    let path = format!("/api/v1/constituent-opinions/{oid}");
    let seen = app.get(&path, Some(&w.a.1)).await;
    assert_eq!(seen.ok(200)["submitter_phone"], "138****1234");
    assert!(seen.body["submitter_name"].is_null());
    app.get(&format!("{path}?unmask=true"), Some(&w.a.1))
        .await
        .problem(403, "forbidden");
    let office = app.get(&path, Some(&w.staff)).await;
    assert_eq!(office.ok(200)["submitter_phone"], "138****1234");
    let office = app
        .get(&format!("{path}?unmask=true"), Some(&w.staff))
        .await;
    assert_eq!(office.ok(200)["submitter_phone"], "13800001234");
    assert_eq!(office.body["submitter_name"], "张先生");
    app.get(&path, Some(&w.c.1)).await.problem(404, "not_found");
    app.get(&path, Some(&w.unit))
        .await
        .problem(404, "not_found");
    app.get(&path, None).await.problem(401, "unauthenticated");
    let mine = app.get("/api/v1/constituent-opinions", Some(&w.b.1)).await;
    assert_eq!(mine.ok(200)["items"][0]["id"], oid.as_str());
    let none = app.get("/api/v1/constituent-opinions", Some(&w.c.1)).await;
    assert_eq!(none.ok(200)["items"], json!([]));

    // Deputy C may not take it up; deputy A does, with a bad category first.
    let take = format!("{path}/take-up");
    let body =
        json!({"title": "关于修复古城街道路灯的建议", "category": "城乡建设", "term": "第十九届"});
    app.post(&take, Some(&w.c.1), &body)
        .await
        .problem(404, "not_found");
    app.post(&take, Some(&w.staff), &body)
        .await
        .problem(403, "forbidden");
    let mut bad = body.clone();
    bad["category"] = json!("不存在的类别");
    app.post(&take, Some(&w.a.1), &bad)
        .await
        .problem(422, "validation_failed");
    let taken = app.post(&take, Some(&w.a.1), &body).await;
    let sid = taken.ok(201)["suggestion_id"].as_str().unwrap().to_owned();
    assert_eq!(taken.body["opinion"]["status"], "taken_up");
    app.post(&take, Some(&w.b.1), &body)
        .await
        .problem(409, "invalid_state");
    let s = app
        .get(&format!("/api/v1/suggestions/{sid}"), Some(&w.a.1))
        .await;
    assert_eq!(s.ok(200)["source"], "constituent_opinion");
    assert_eq!(s.body["source_ref"], oid.as_str());
    assert_eq!(s.body["status"], "draft");
    assert_eq!(s.body["content"], "小区门口路灯坏了三个月");

    // The submitter sees the suggestion's progress once it is submitted;
    // the draft is deputy A's own until then, hidden from deputy B, who
    // sees the opinion.
    let f = follow(code.clone()).await;
    assert_eq!(f.ok(200)["status"], "taken_up");
    assert_eq!(f.body["suggestion"], Value::Null);
    let seen_by_a = app.get(&path, Some(&w.a.1)).await;
    assert_eq!(seen_by_a.ok(200)["suggestion"]["status"], "draft");
    let seen_by_b = app.get(&path, Some(&w.b.1)).await;
    assert_eq!(seen_by_b.ok(200)["suggestion"], Value::Null);
    let listed_by_b = app.get("/api/v1/constituent-opinions", Some(&w.b.1)).await;
    assert_eq!(listed_by_b.ok(200)["items"][0]["suggestion"], Value::Null);
    app.post(
        &format!("/api/v1/suggestions/{sid}/submit"),
        Some(&w.a.1),
        &json!({}),
    )
    .await
    .ok(200);
    assert_eq!(
        follow(code).await.ok(200)["suggestion"]["status"],
        "submitted"
    );
    assert_eq!(
        app.get(&path, Some(&w.b.1)).await.ok(200)["suggestion"]["status"],
        "submitted"
    );
    let a_duties = w.duties(&w.a.0, &w.a.1, "").await;
    assert_eq!(
        World::kinds(&a_duties),
        ["opinion_taken_up", "suggestion_submitted"]
    );
}

#[tokio::test]
async fn a_forwarded_opinion_is_answered_by_its_unit_only() {
    let w = world().await;
    let app = &w.app;
    // Left online by a signed-in resident: every deputy may see it.
    let resident = app.admin().await;
    let left = app
        .post(
            "/api/v1/constituent-opinions",
            Some(&resident),
            &json!({"content": "公交站台缺少遮阳棚", "phone": "13800001234"}),
        )
        .await;
    let left = left.ok(201).clone();
    let oid = left["opinion"]["id"].as_str().unwrap().to_owned();
    let code = left["receipt_code"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/constituent-opinions/{oid}");
    app.get(&path, Some(&w.c.1)).await.ok(200);
    // Online opinions are routed by staff, not by deputies.
    app.post(
        &format!("{path}/forward"),
        Some(&w.c.1),
        &json!({"unit_id": w.unit_id}),
    )
    .await
    .problem(403, "forbidden");
    app.post(
        &format!("{path}/unit-reply"),
        Some(&w.unit),
        &json!({"reply": "x"}),
    )
    .await
    .problem(404, "not_found");
    let fwd = app
        .post(
            &format!("{path}/forward"),
            Some(&w.staff),
            &json!({"unit_id": w.unit_id, "note": "请核实"}),
        )
        .await;
    assert_eq!(fwd.ok(200)["status"], "forwarded");
    // The unit sees it, with the phone masked; another unit does not.
    let seen = app.get(&path, Some(&w.unit)).await;
    assert_eq!(seen.ok(200)["submitter_phone"], "138****1234");
    assert_eq!(seen.body["personal_data_masked"], true);
    app.get(&path, Some(&w.other_unit))
        .await
        .problem(404, "not_found");
    app.post(
        &format!("{path}/unit-reply"),
        Some(&w.unit),
        &json!({"reply": " "}),
    )
    .await
    .problem(422, "validation_failed");
    let replied = app
        .post(
            &format!("{path}/unit-reply"),
            Some(&w.unit),
            &json!({"reply": "已增设遮阳棚"}),
        )
        .await;
    assert_eq!(replied.ok(200)["status"], "replied");
    app.post(
        &format!("{path}/answer"),
        Some(&w.staff),
        &json!({"answer": "x"}),
    )
    .await
    .problem(409, "invalid_state");
    let f = app
        .get(
            &format!("/api/v1/constituent-opinion-receipts/{code}"),
            None,
        )
        .await;
    assert_eq!(f.ok(200)["unit_reply"], "已增设遮阳棚");
    // The author finds it among their own.
    let own = app
        .get("/api/v1/constituent-opinions", Some(&resident))
        .await;
    assert_eq!(own.ok(200)["items"][0]["submitter_phone"], "13800001234");
}

#[tokio::test]
async fn anonymous_input_is_size_limited_and_rate_limited() {
    let w = world().await;
    let app = &w.app;
    let long = "意".repeat(2001);
    app.post(
        "/api/v1/constituent-opinions",
        None,
        &json!({"content": long}),
    )
    .await
    .problem(422, "validation_failed");
    let huge = "x".repeat(2 * 1024 * 1024);
    let big = app
        .request(reqwest::Method::POST, "/api/v1/constituent-opinions", None)
        .header("content-type", "application/json")
        .body(format!("{{\"content\": \"{huge}\"}}"))
        .send()
        .await
        .unwrap();
    assert_eq!(big.status().as_u16(), 413);
    app.post(
        "/api/v1/constituent-opinions",
        None,
        &json!({"content": "x", "station_id": w.unit_id}),
    )
    .await
    .problem(422, "validation_failed");
    // Ten in ten minutes from one address (the two refused as invalid
    // count; the oversized body never reached the limiter), then 429 with
    // Retry-After; signed-in residents are not limited.
    let mut statuses = Vec::new();
    for i in 0..9 {
        let a = app
            .post(
                "/api/v1/constituent-opinions",
                None,
                &json!({"content": format!("意见{i}")}),
            )
            .await;
        statuses.push(a.status.as_u16());
        if a.status.as_u16() == 429 {
            a.problem(429, "rate_limited");
            let wait: u64 = a.header("retry-after").unwrap().parse().unwrap();
            assert!(wait > 0 && wait <= 600);
        }
    }
    assert_eq!(statuses, [201, 201, 201, 201, 201, 201, 201, 201, 429]);
    let listed = app
        .get(
            "/api/v1/constituent-opinions?include_total=true",
            Some(&w.staff),
        )
        .await;
    assert_eq!(listed.ok(200)["total"], 8);
    app.post(
        "/api/v1/constituent-opinions",
        Some(&w.staff),
        &json!({"content": "署名意见"}),
    )
    .await
    .ok(201);
}

#[tokio::test]
async fn activities_record_sign_ups_and_check_ins_as_duties() {
    let w = world().await;
    let app = &w.app;
    let today = app.clock.today();
    let body = json!({"kind": "service_brand", "brand": "代表+心理关爱", "title": "走进社区心理健康讲座",
                      "day": today, "place": "代表之家", "organiser": "代表工委",
                      "invited_deputy_ids": [w.a.0]});
    app.post("/api/v1/activities", Some(&w.a.1), &body)
        .await
        .problem(403, "forbidden");
    let mut bad = body.clone();
    bad["brand"] = Value::Null;
    app.post("/api/v1/activities", Some(&w.staff), &bad)
        .await
        .problem(422, "validation_failed");
    let act = app.post("/api/v1/activities", Some(&w.staff), &body).await;
    let aid = id(act.ok(201));
    let base = format!("/api/v1/activities/{aid}");

    let up = app
        .post(&format!("{base}/sign-up"), Some(&w.b.1), &json!({}))
        .await;
    assert!(up.ok(200)["signed_up_at"].is_string());
    app.post(&format!("{base}/sign-up"), Some(&w.b.1), &json!({}))
        .await
        .problem(409, "already_signed_up");
    app.post(&format!("{base}/sign-up"), Some(&w.unit), &json!({}))
        .await
        .problem(403, "forbidden");

    // Two check-ins at once by the same deputy: one counts.
    let path = format!("{base}/check-in");
    let send = || {
        app.request(reqwest::Method::POST, &path, Some(&w.a.1))
            .json(&json!({}))
            .send()
    };
    let (x, y) = tokio::join!(send(), send());
    let mut codes = [x.unwrap().status().as_u16(), y.unwrap().status().as_u16()];
    codes.sort();
    assert_eq!(codes, [200, 409]);
    app.post(&path, Some(&w.a.1), &json!({}))
        .await
        .problem(409, "already_checked_in");

    // Staff record B's and C's attendance; A is passed over.
    let rec = app
        .post(
            &format!("{base}/attendance"),
            Some(&w.staff),
            &json!({"deputy_ids": [w.a.0, w.b.0, w.c.0]}),
        )
        .await;
    let mut done: Vec<String> = rec.ok(200)["checked_in"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    done.sort();
    let mut want = vec![w.b.0.clone(), w.c.0.clone()];
    want.sort();
    assert_eq!(done, want);
    assert_eq!(rec.body["already"], json!([w.a.0]));
    let parts = app.get(&format!("{base}/participants"), Some(&w.c.1)).await;
    let parts = parts.ok(200)["items"].as_array().unwrap().clone();
    assert_eq!(parts.len(), 3);
    assert!(parts.iter().all(|p| p["checked_in_at"].is_string()));
    for (d, t) in [&w.a, &w.b, &w.c] {
        let list = w.duties(d, t, "&kind=activity_attended").await;
        assert_eq!(list.len(), 1, "{d}");
        assert_eq!(list[0]["ref_id"], aid.as_str());
    }

    // Check-ins are duties of their day: the day no longer moves.
    app.patch(
        &base,
        Some(&w.staff),
        &json!({"day": today + chrono::Duration::days(1)}),
    )
    .await
    .problem(409, "attendance_recorded");
    app.patch(&base, Some(&w.staff), &json!({"place": "新址"}))
        .await
        .ok(200);

    // Check-in opens on the day only.
    let mut tomorrow = body.clone();
    tomorrow["day"] = json!(today + chrono::Duration::days(1));
    let t = id(app
        .post("/api/v1/activities", Some(&w.staff), &tomorrow)
        .await
        .ok(201));
    app.post(
        &format!("/api/v1/activities/{t}/check-in"),
        Some(&w.a.1),
        &json!({}),
    )
    .await
    .problem(409, "check_in_closed");
    app.post(
        &format!("/api/v1/activities/{t}/attendance"),
        Some(&w.staff),
        &json!({"deputy_ids": [w.a.0]}),
    )
    .await
    .problem(409, "activity_not_held");
    let mine = app
        .get(
            &format!("/api/v1/activities?deputy_id={}", w.b.0),
            Some(&w.b.1),
        )
        .await;
    assert_eq!(mine.ok(200)["items"][0]["id"], aid.as_str());

    // The needs list: matched to a deputy, met and closed by them.
    let need = app
        .post(
            "/api/v1/needs",
            Some(&w.staff),
            &json!({"requester": "某机械制造有限公司", "requester_kind": "enterprise",
                    "content": "了解高新技术企业认定政策", "contact_phone": "13900001111"}),
        )
        .await;
    let nid = id(need.ok(201));
    let npath = format!("/api/v1/needs/{nid}");
    app.post(
        &format!("{npath}/close"),
        Some(&w.staff),
        &json!({"note": "x"}),
    )
    .await
    .problem(409, "invalid_state");
    app.post(&format!("{npath}/match"), Some(&w.staff), &json!({}))
        .await
        .problem(422, "validation_failed");
    let m = app
        .post(
            &format!("{npath}/match"),
            Some(&w.staff),
            &json!({"deputy_id": w.a.0, "activity_id": aid}),
        )
        .await;
    assert_eq!(m.ok(200)["status"], "matched");
    let seen = app.get(&npath, Some(&w.a.1)).await;
    assert_eq!(seen.ok(200)["contact_phone"], "139****1111");
    app.get(&npath, Some(&w.b.1))
        .await
        .problem(404, "not_found");
    app.get("/api/v1/needs", Some(&w.unit))
        .await
        .problem(403, "forbidden");
    app.post(
        &format!("{npath}/close"),
        Some(&w.b.1),
        &json!({"note": "x"}),
    )
    .await
    .problem(404, "not_found");
    let met = app
        .post(
            &format!("{npath}/close"),
            Some(&w.a.1),
            &json!({"note": "已组织政策宣讲"}),
        )
        .await;
    assert_eq!(met.ok(200)["status"], "met");
    let leader_view = app.get("/api/v1/needs?status=met", Some(&w.leader)).await;
    assert_eq!(leader_view.ok(200)["items"][0]["id"], nid.as_str());
}

#[tokio::test]
async fn the_yearly_report_adds_up_exactly_what_was_recorded() {
    let w = world().await;
    let app = &w.app;
    let today = app.clock.today();
    let year = chrono::Datelike::year(&today);
    // A suggestion submitted by A with B co-signing.
    let s = app
        .post(
            "/api/v1/suggestions",
            Some(&w.a.1),
            &json!({"title": "关于增设老年助餐点的建议", "content": "内容", "category": "社会保障",
                    "term": "第十九届", "timing": "between_sessions", "co_signer_ids": [w.b.0]}),
        )
        .await;
    let sid = id(s.ok(201));
    // B confirms: only a confirmed co-signer gets the duty record.
    app.post(
        &format!("/api/v1/suggestions/{sid}/confirm-co-signature"),
        Some(&w.b.1),
        &json!({}),
    )
    .await
    .ok(200);
    app.post(
        &format!("/api/v1/suggestions/{sid}/submit"),
        Some(&w.a.1),
        &json!({}),
    )
    .await
    .ok(200);
    // An activity A checks in at.
    let act = app
        .post(
            "/api/v1/activities",
            Some(&w.staff),
            &json!({"kind": "court_hearing", "title": "千名代表听百案", "day": today,
                    "place": "区人民法院", "organiser": "区法院"}),
        )
        .await;
    let aid = id(act.ok(201));
    app.post(
        &format!("/api/v1/activities/{aid}/check-in"),
        Some(&w.a.1),
        &json!({}),
    )
    .await
    .ok(200);
    // Two entries A records by hand, one of them later deleted.
    let duties = format!("/api/v1/deputies/{}/duties", w.a.0);
    let hand = json!({"kind": "research", "occurred_on": today, "title": "调研再生资源产业"});
    let r1 = id(app.post(&duties, Some(&w.a.1), &hand).await.ok(201));
    let r2 = id(app.post(&duties, Some(&w.staff), &hand).await.ok(201));
    // What the office recorded, the deputy cannot remove; the office can.
    app.delete(&format!("{duties}/{r2}"), Some(&w.a.1))
        .await
        .problem(403, "forbidden");
    app.patch(
        &format!("{duties}/{r2}"),
        Some(&w.a.1),
        &json!({"title": "改"}),
    )
    .await
    .problem(403, "forbidden");
    app.delete(&format!("{duties}/{r2}"), Some(&w.staff))
        .await
        .ok(204);

    // Refusals: another deputy's archive, system kinds, system records.
    app.post(&duties, Some(&w.b.1), &hand)
        .await
        .problem(403, "forbidden");
    app.patch(
        &format!("{duties}/{r1}"),
        Some(&w.b.1),
        &json!({"title": "改"}),
    )
    .await
    .problem(403, "forbidden");
    app.get(&duties, Some(&w.b.1))
        .await
        .problem(403, "forbidden");
    app.get(&duties, Some(&w.unit))
        .await
        .problem(403, "forbidden");
    let mut sys = hand.clone();
    sys["kind"] = json!("activity_attended");
    app.post(&duties, Some(&w.a.1), &sys)
        .await
        .problem(422, "validation_failed");
    let mut future = hand.clone();
    future["occurred_on"] = json!(today + chrono::Duration::days(1));
    app.post(&duties, Some(&w.a.1), &future)
        .await
        .problem(422, "validation_failed");
    let list = w.duties(&w.a.0, &w.a.1, "").await;
    let system = list.iter().find(|d| d["manual"] == false).unwrap();
    app.patch(
        &format!("{duties}/{}", id(system)),
        Some(&w.staff),
        &json!({"title": "改"}),
    )
    .await
    .problem(409, "system_record");
    app.delete(&format!("{duties}/{}", id(system)), Some(&w.staff))
        .await
        .problem(409, "system_record");
    app.patch(
        &format!("{duties}/{r1}"),
        Some(&w.a.1),
        &json!({"content": "走访企业三家"}),
    )
    .await
    .ok(200);

    // The report adds up exactly the year's records.
    let rep = app
        .get(
            &format!("/api/v1/deputies/{}/duty-report?year={year}", w.a.0),
            Some(&w.leader),
        )
        .await;
    let rep = rep.ok(200);
    let listed = w.duties(&w.a.0, &w.a.1, &format!("&year={year}")).await;
    assert_eq!(rep["total"], listed.len() as u64);
    assert_eq!(rep["total"], 3);
    let sum: u64 = rep["by_kind"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(sum, 3);
    assert_eq!(
        rep["by_kind"],
        json!({"suggestion_submitted": 1, "activity_attended": 1, "research": 1})
    );
    assert_eq!(rep["activities"][0]["title"], "千名代表听百案");
    assert_eq!(rep["suggestions"]["led"], 1);
    assert_eq!(rep["suggestions"]["by_status"], json!({"submitted": 1}));
    let b_rep = app
        .get(
            &format!("/api/v1/deputies/{}/duty-report", w.b.0),
            Some(&w.b.1),
        )
        .await;
    assert_eq!(b_rep.ok(200)["suggestions"]["co_signed"], 1);
    assert_eq!(b_rep.body["total"], 1);
    let empty = app
        .get(
            &format!("/api/v1/deputies/{}/duty-report?year={}", w.a.0, year - 1),
            Some(&w.a.1),
        )
        .await;
    assert_eq!(empty.ok(200)["total"], 0);

    // Who has nothing on record lately: C only.
    let idle = app
        .get("/api/v1/duties/idle-deputies?days=30", Some(&w.staff))
        .await;
    let names: Vec<&str> = idle.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["deputy_id"].as_str().unwrap())
        .collect();
    assert_eq!(names, [w.c.0.as_str()]);
    app.get("/api/v1/duties/idle-deputies", Some(&w.a.1))
        .await
        .problem(403, "forbidden");
    // In a month without duties, A shows up with the day of the last one.
    app.clock.advance(40);
    let idle = app
        .get("/api/v1/duties/idle-deputies?days=30", Some(&w.staff))
        .await;
    let a_row = idle.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["deputy_id"] == w.a.0.as_str())
        .cloned()
        .unwrap();
    assert_eq!(a_row["last_duty_on"], today.to_string());

    // The list pages like any other: one deputy a page, either way round,
    // with the total, and the pages together are the whole list.
    let whole = app
        .get(
            "/api/v1/duties/idle-deputies?days=30&limit=100&include_total=true",
            Some(&w.staff),
        )
        .await;
    let whole_ids: Vec<String> = whole.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["deputy_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(whole.body["total"], whole_ids.len() as u64);
    for d in [&w.a, &w.b, &w.c] {
        assert!(whole_ids.contains(&d.0), "{} is idle", d.0);
    }
    let mut sorted = whole_ids.clone();
    sorted.sort();
    assert_eq!(whole_ids, sorted, "in id order");
    for sort in ["created", "-created", "updated"] {
        let mut walked = Vec::new();
        let mut cursor = String::new();
        loop {
            let page = app
                .get(
                    &format!(
                        "/api/v1/duties/idle-deputies?days=30&limit=1&include_total=true&sort={sort}&cursor={cursor}"
                    ),
                    Some(&w.staff),
                )
                .await;
            let page = page.ok(200);
            assert_eq!(page["total"], whole_ids.len() as u64, "{sort}");
            let items = page["items"].as_array().unwrap();
            assert!(items.len() <= 1);
            walked.extend(
                items
                    .iter()
                    .map(|d| d["deputy_id"].as_str().unwrap().to_owned()),
            );
            match page["next_cursor"].as_str() {
                Some(c) => cursor = c.to_owned(),
                None => break,
            }
        }
        let mut want = whole_ids.clone();
        if sort == "-created" {
            want.reverse();
        }
        assert_eq!(walked, want, "{sort}");
    }
    // None of them has changed since a day: the list keeps no changes.
    let since = app
        .get(
            "/api/v1/duties/idle-deputies?days=30&include_total=true&modified_since=2020-01-01T00:00:00Z",
            Some(&w.staff),
        )
        .await;
    assert_eq!(since.ok(200)["items"], json!([]));
    assert_eq!(since.body["total"], 0);
    // A duty recorded today takes A off the list; deleted, it counts no more.
    let duties = format!("/api/v1/deputies/{}/duties", w.a.0);
    let hand = json!({"kind": "research", "occurred_on": app.clock.today(), "title": "回访选民"});
    let fresh = id(app.post(&duties, Some(&w.a.1), &hand).await.ok(201));
    let a_listed = |v: &Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["deputy_id"] == w.a.0.as_str())
            .cloned()
    };
    let idle = app
        .get(
            "/api/v1/duties/idle-deputies?days=30&include_total=true",
            Some(&w.staff),
        )
        .await;
    assert_eq!(idle.ok(200)["total"], whole_ids.len() as u64 - 1);
    assert_eq!(a_listed(&idle.body), None);
    app.delete(&format!("{duties}/{fresh}"), Some(&w.a.1))
        .await
        .ok(204);
    let idle = app
        .get(
            "/api/v1/duties/idle-deputies?days=30&include_total=true",
            Some(&w.staff),
        )
        .await;
    assert_eq!(idle.ok(200)["total"], whole_ids.len() as u64);
    assert_eq!(
        a_listed(&idle.body).unwrap()["last_duty_on"],
        today.to_string()
    );
}

#[tokio::test]
async fn odd_input_is_refused_alike_on_both_databases() {
    let w = world().await;
    let app = &w.app;
    // Dates beyond four-digit years, in a body or a query.
    let days = format!("/api/v1/stations/{}/reception-days", w.station);
    for q in [
        "?from=-5000-01-01",
        "?to=%2B10000-01-01",
        "?from=0000-01-01",
    ] {
        let a = app.get(&format!("{days}{q}"), None).await;
        a.problem(422, "validation_failed");
        assert_eq!(a.body["errors"][0]["code"], "out_of_range", "{q}");
    }
    let a = app
        .get(
            "/api/v1/stations?modified_since=-5000-01-01T00:00:00Z",
            None,
        )
        .await;
    a.problem(422, "validation_failed");
    assert_eq!(a.fields(), ["modified_since"]);
    let a = app
        .post(
            "/api/v1/observers",
            Some(&w.staff),
            &json!({"name": "陈静", "specialty": "law", "category": "finance_work",
                    "term_start": "+10000-01-01"}),
        )
        .await;
    a.problem(422, "validation_failed");
    assert_eq!(a.fields(), ["term_start"]);
    let listed = app
        .get("/api/v1/observers?include_total=true", Some(&w.staff))
        .await;
    assert_eq!(listed.ok(200)["total"], 0);

    // A station of the longest name still records its reception days.
    let long = "站".repeat(200);
    let st = app
        .post(
            "/api/v1/stations",
            Some(&w.staff),
            &json!({"kind": "point", "name": long, "deputy_ids": [w.c.0]}),
        )
        .await;
    let sid = id(st.ok(201));
    let day = app
        .post(
            &format!("/api/v1/stations/{sid}/reception-days"),
            Some(&w.staff),
            &json!({"day": app.clock.today(), "deputy_ids": [w.c.0]}),
        )
        .await;
    let did = id(day.ok(201));
    app.post(
        &format!("/api/v1/stations/{sid}/reception-days/{did}/record"),
        Some(&w.c.1),
        &json!({"people_received": 3}),
    )
    .await
    .ok(200);
    let duties = w.duties(&w.c.0, &w.c.1, "").await;
    assert_eq!(duties[0]["title"].as_str().unwrap().chars().count(), 193);

    // A receipt code is a secret: a repeated submission with the same
    // Idempotency-Key is a new opinion with a new code, never a stored one.
    let send = || {
        app.request(reqwest::Method::POST, "/api/v1/constituent-opinions", None)
            .header("Idempotency-Key", "same-key")
            .json(&json!({"content": "同一条意见"}))
            .send()
    };
    let first: Value = send().await.unwrap().json().await.unwrap();
    let second: Value = send().await.unwrap().json().await.unwrap();
    assert_ne!(first["receipt_code"], second["receipt_code"]);

    // The deputies of a closed station keep its opinions.
    let left = app
        .post(
            "/api/v1/constituent-opinions",
            None,
            &json!({"station_id": w.station, "content": "站点意见"}),
        )
        .await;
    let oid = left.ok(201)["opinion"]["id"].as_str().unwrap().to_owned();
    app.delete(&format!("/api/v1/stations/{}", w.station), Some(&w.staff))
        .await
        .ok(204);
    app.get(&format!("/api/v1/stations/{}", w.station), None)
        .await
        .problem(404, "not_found");
    let mine = app.get("/api/v1/constituent-opinions", Some(&w.a.1)).await;
    assert!(
        mine.ok(200)["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["id"] == oid.as_str())
    );
    app.post(
        &format!("/api/v1/constituent-opinions/{oid}/answer"),
        Some(&w.a.1),
        &json!({"answer": "已转街道处理"}),
    )
    .await
    .ok(200);
}
