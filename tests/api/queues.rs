//! The queues of constituent opinions, activities and reception days:
//! each task appearing for its holder only and leaving once done, with
//! the notifications and reminders that go with them.

use renda_domain::suggestion::HandlingPolicy;
use renda_domain::time::Clock;
use serde_json::{Value, json};

use crate::work::{World, world};

/// The caller's tasks of `kind`.
async fn queue(w: &World, token: &str, kind: &str) -> Vec<Value> {
    w.app.my_tasks(token, kind).await
}

/// The caller's notifications of `kind`.
async fn told(w: &World, token: &str, kind: &str) -> Vec<Value> {
    w.app.my_notifications(token, Some(kind)).await
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_opinion_waits_for_the_office_then_for_its_unit_and_its_author_hears_back() {
    let w = world().await;
    let app = &w.app;
    let resident = app.admin().await;
    let left = app
        .post(
            "/api/v1/constituent-opinions",
            Some(&resident),
            &json!({"content": "公交站台缺少遮阳棚，13800001234", "category": "张三13800001234"}),
        )
        .await;
    let oid = left.ok(201)["opinion"]["id"].as_str().unwrap().to_owned();
    let to_route = queue(&w, &w.staff, "route_opinion").await;
    assert_eq!(to_route.len(), 1);
    let t = &to_route[0];
    assert_eq!(t["subject"]["type"], "constituent_opinion");
    assert_eq!(
        t["subject"]["link"],
        format!("/api/v1/constituent-opinions/{oid}")
    );
    // Named by nothing of what it says, its category included (typed by
    // whoever left it, it may carry a name or a phone).
    assert_eq!(t["label"], "群众意见");
    assert!(queue(&w, &w.unit, "reply_opinion").await.is_empty());

    let path = format!("/api/v1/constituent-opinions/{oid}");
    app.post(
        &format!("{path}/forward"),
        Some(&w.staff),
        &json!({"unit_id": w.unit_id}),
    )
    .await
    .ok(200);
    assert!(queue(&w, &w.staff, "route_opinion").await.is_empty());
    assert_eq!(queue(&w, &w.unit, "reply_opinion").await.len(), 1);
    assert!(queue(&w, &w.other_unit, "reply_opinion").await.is_empty());
    let fwd = told(&w, &w.unit, "opinion_forwarded").await;
    assert_eq!(fwd.len(), 1);
    let text = fwd[0]["text"].as_str().unwrap();
    assert!(
        !text.contains("1380000") && !text.contains("张三"),
        "{text}"
    );
    assert!(
        told(&w, &w.other_unit, "opinion_forwarded")
            .await
            .is_empty()
    );

    app.post(
        &format!("{path}/unit-reply"),
        Some(&w.unit),
        &json!({"reply": "已协调公交公司加装遮阳棚"}),
    )
    .await
    .ok(200);
    assert!(queue(&w, &w.unit, "reply_opinion").await.is_empty());
    let heard = told(&w, &resident, "opinion_answered").await;
    assert_eq!(heard.len(), 1);
    assert_eq!(heard[0]["subject"]["id"], oid.as_str());
    assert_eq!(heard[0]["text"], "您提交的群众意见已有答复，请查看。");

    // One left without signing in is answered with nobody to tell; the
    // office's queue still empties.
    let anon = app
        .post(
            "/api/v1/constituent-opinions",
            None,
            &json!({"content": "路灯不亮"}),
        )
        .await;
    let anon = anon.ok(201)["opinion"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        queue(&w, &w.staff, "route_opinion").await[0]["label"],
        "群众意见"
    );
    app.post(
        &format!("/api/v1/constituent-opinions/{anon}/answer"),
        Some(&w.staff),
        &json!({"answer": "已转告街道"}),
    )
    .await
    .ok(200);
    assert!(queue(&w, &w.staff, "route_opinion").await.is_empty());
    assert_eq!(told(&w, &resident, "opinion_answered").await.len(), 1);
}

#[tokio::test]
async fn activities_and_reception_days_wait_for_their_deputies_on_the_right_days() {
    let w = world().await;
    let app = &w.app;
    let today = app.clock.today();
    let tomorrow = today + chrono::Duration::days(1);
    let activity = |day: chrono::NaiveDate, title: &str| {
        json!({"kind": "study", "title": title, "day": day, "place": "代表之家",
               "organiser": "代表工委", "invited_deputy_ids": [w.a.0, w.b.0]})
    };
    let now = app
        .post(
            "/api/v1/activities",
            Some(&w.staff),
            &activity(today, "学习会"),
        )
        .await;
    let now = id(now.ok(201));
    let later = app
        .post(
            "/api/v1/activities",
            Some(&w.staff),
            &activity(tomorrow, "视察"),
        )
        .await;
    let later = id(later.ok(201));
    let ids = |list: &[Value]| -> Vec<String> {
        list.iter()
            .map(|t| t["subject"]["id"].as_str().unwrap().to_owned())
            .collect()
    };
    // Invited to both: today's first, by day.
    assert_eq!(
        ids(&queue(&w, &w.a.1, "sign_up_activity").await),
        [now.clone(), later.clone()]
    );
    assert!(queue(&w, &w.c.1, "sign_up_activity").await.is_empty());
    let sign_up = |aid: &str, token: &str| {
        let path = format!("/api/v1/activities/{aid}/sign-up");
        let token = token.to_owned();
        async move {
            app.post(&path, Some(&token), &json!({}))
                .await
                .ok(200)
                .clone()
        }
    };
    sign_up(&now, &w.a.1).await;
    sign_up(&later, &w.a.1).await;
    assert!(queue(&w, &w.a.1, "sign_up_activity").await.is_empty());
    assert_eq!(queue(&w, &w.b.1, "sign_up_activity").await.len(), 2);
    // Checked in on the day without signing up: nothing left to sign up for.
    app.post(
        &format!("/api/v1/activities/{now}/check-in"),
        Some(&w.b.1),
        &json!({}),
    )
    .await
    .ok(200);
    assert_eq!(
        ids(&queue(&w, &w.b.1, "sign_up_activity").await),
        [later.as_str()]
    );
    // Only today's is checked in today.
    let check = queue(&w, &w.a.1, "check_in_activity").await;
    assert_eq!(ids(&check), [now.as_str()]);
    assert_eq!(check[0]["due_on"], today.to_string());
    assert_eq!(check[0]["days_left"], 0);
    app.post(
        &format!("/api/v1/activities/{now}/check-in"),
        Some(&w.a.1),
        &json!({}),
    )
    .await
    .ok(200);
    assert!(queue(&w, &w.a.1, "check_in_activity").await.is_empty());

    // Reception days: each waits for the deputies on duty until recorded.
    let days = format!("/api/v1/stations/{}/reception-days", w.station);
    let staff = w.staff.as_str();
    let plan = |day: chrono::NaiveDate, who: &str| {
        let body = json!({"day": day, "hours": "09:00-11:30", "deputy_ids": [who]});
        let days = days.clone();
        async move { id(app.post(&days, Some(staff), &body).await.ok(201)) }
    };
    let duty_today = plan(today, &w.b.0).await;
    let duty_tomorrow = plan(tomorrow, &w.a.0).await;
    let duty_yesterday = plan(today - chrono::Duration::days(1), &w.a.0).await;
    // The day held and not recorded first, to record; then the one to come.
    let serve = queue(&w, &w.a.1, "serve_reception").await;
    let records: Vec<&str> = serve
        .iter()
        .map(|t| t["record_id"].as_str().unwrap())
        .collect();
    assert_eq!(records, [duty_yesterday.as_str(), duty_tomorrow.as_str()]);
    assert_eq!(
        (&serve[0]["days_left"], &serve[0]["overdue"]),
        (&json!(-1), &json!(true))
    );
    let next = &serve[1];
    assert_eq!(next["subject"]["type"], "station");
    assert_eq!(next["subject"]["id"], w.station.as_str());
    assert_eq!(next["label"], "《古城街道人大代表联络站》");
    assert_eq!(next["days_left"], 1);
    app.post(
        &format!("{days}/{duty_yesterday}/record"),
        Some(&w.a.1),
        &json!({"people_received": 5, "matters": ["加装电梯"]}),
    )
    .await
    .ok(200);
    assert_eq!(queue(&w, &w.a.1, "serve_reception").await.len(), 1);
    assert_eq!(queue(&w, &w.b.1, "serve_reception").await.len(), 1);
    assert!(queue(&w, &w.c.1, "serve_reception").await.is_empty());
    app.post(
        &format!("{days}/{duty_today}/record"),
        Some(&w.b.1),
        &json!({"people_received": 3, "matters": ["停车难"]}),
    )
    .await
    .ok(200);
    assert!(queue(&w, &w.b.1, "serve_reception").await.is_empty());

    // The day before, the deputy on duty is reminded, once.
    let policy = HandlingPolicy::default();
    let second = app.second_instance().await;
    for store in [&app.store, &second.store, &app.store] {
        renda::run_reminders(store, "a", today, &policy, None)
            .await
            .unwrap();
    }
    let r = told(&w, &w.a.1, "reception_tomorrow").await;
    assert_eq!(r.len(), 1);
    assert_eq!(r[0]["due_on"], tomorrow.to_string());
    assert!(r[0]["text"].as_str().unwrap().contains("值班接待"));
    assert!(told(&w, &w.b.1, "reception_tomorrow").await.is_empty());
    // A unit or the office holds none of a deputy's tasks.
    let t = app.get("/api/v1/me/tasks", Some(&w.unit)).await;
    let counts = t.ok(200)["counts"].as_array().unwrap().clone();
    assert!(counts.iter().all(|k| k["kind"] != "serve_reception"));
}
