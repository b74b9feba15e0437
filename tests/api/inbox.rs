//! What waits for each person: work queues appearing and disappearing as
//! the work moves, notifications written once per person per event and
//! read only by their owner, and reminders written once whoever writes
//! them and however often.

use renda_domain::suggestion::HandlingPolicy;
use renda_domain::time::Clock;
use serde_json::{Value, json};

use crate::practice::{Office, office};

async fn tasks(o: &Office, token: &str, query: &str) -> Value {
    o.app
        .get(&format!("/api/v1/me/tasks{query}"), Some(token))
        .await
        .ok(200)
        .clone()
}

/// The count of `kind` among the caller's tasks, and the suggestions of
/// its items.
async fn waiting(o: &Office, token: &str, kind: &str) -> (u64, Vec<String>) {
    let t = tasks(o, token, &format!("?kind={kind}&limit=100")).await;
    let count = t["counts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == kind)
        .map_or(0, |c| c["count"].as_u64().unwrap());
    let ids = t["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            assert_eq!(i["kind"], kind);
            i["subject"]["id"].as_str().unwrap().to_owned()
        })
        .collect();
    (count, ids)
}

async fn inbox(o: &Office, token: &str, query: &str) -> Value {
    o.app
        .get(&format!("/api/v1/me/notifications{query}"), Some(token))
        .await
        .ok(200)
        .clone()
}

/// The kinds of the caller's notifications about `id`, oldest first.
async fn told(o: &Office, token: &str, id: &str) -> Vec<String> {
    let mut kinds: Vec<String> = inbox(o, token, "?limit=100").await["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["subject"]["id"] == id)
        .map(|n| n["kind"].as_str().unwrap().to_owned())
        .collect();
    kinds.reverse();
    kinds
}

#[tokio::test]
async fn the_offices_and_the_units_tasks_come_and_go_with_the_work() {
    let o = office().await;
    let id = o.submitted().await;
    assert_eq!(
        waiting(&o, &o.staff, "register_suggestion").await,
        (1, vec![id.clone()])
    );
    o.op(&o.staff, &id, "register", json!({})).await.ok(200);
    assert_eq!(waiting(&o, &o.staff, "register_suggestion").await.0, 0);
    assert_eq!(
        waiting(&o, &o.staff, "assign_suggestion").await,
        (1, vec![id.clone()])
    );
    let assign = json!({"lead_unit_id": o.units[0], "co_unit_ids": [o.units[1]], "color": "green"});
    let a = o.op(&o.staff, &id, "assign", assign).await;
    let due = a.ok(200)["due_date"].as_str().unwrap().to_owned();
    assert_eq!(waiting(&o, &o.staff, "assign_suggestion").await.0, 0);

    // The lead unit has a reply to give, due with the deadline; the
    // co-unit its opinion; the third unit nothing.
    let t = tasks(&o, &o.unit_tokens[0], "").await;
    let item = &t["items"][0];
    assert_eq!(
        (&item["kind"], &item["action"], &item["due_on"]),
        (&json!("reply_suggestion"), &json!("答复建议"), &json!(due))
    );
    assert_eq!(item["days_left"], 30);
    assert_eq!(item["overdue"], false);
    assert_eq!(item["subject"]["link"], format!("/api/v1/suggestions/{id}"));
    assert_eq!(t["total"], 1);
    let kinds: Vec<&str> = t["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "reply_suggestion",
            "give_co_unit_opinion",
            "report_rectification",
            "reply_opinion",
            "acknowledge_letter"
        ]
    );
    assert_eq!(
        waiting(&o, &o.unit_tokens[1], "give_co_unit_opinion").await,
        (1, vec![id.clone()])
    );
    assert_eq!(tasks(&o, &o.unit_tokens[2], "").await["total"], 0);

    // Days left count down with the calendar, and past the deadline the
    // task is overdue.
    o.app.clock.advance(31);
    let late = tasks(&o, &o.unit_tokens[0], "").await;
    assert_eq!(
        (&late["items"][0]["days_left"], &late["items"][0]["overdue"]),
        (&json!(-1), &json!(true))
    );
    o.app.clock.advance(-31);

    o.op(
        &o.unit_tokens[1],
        &id,
        "co-unit-opinion",
        json!({"opinion": "同意牵头单位意见"}),
    )
    .await
    .ok(200);
    assert_eq!(
        waiting(&o, &o.unit_tokens[1], "give_co_unit_opinion")
            .await
            .0,
        0
    );

    // A request waits for the office's decision, then no more.
    let later = due.parse::<chrono::NaiveDate>().unwrap() + chrono::Days::new(10);
    o.op(
        &o.unit_tokens[0],
        &id,
        "requests",
        json!({"kind": "extension", "reason": "需协调资金", "due_date": later}),
    )
    .await
    .ok(200);
    let (n, on) = waiting(&o, &o.staff, "decide_request").await;
    assert_eq!((n, on), (1, vec![id.clone()]));
    let t = tasks(&o, &o.staff, "?kind=decide_request").await;
    let req = t["items"][0]["record_id"].as_str().unwrap().to_owned();
    o.op(
        &o.staff,
        &id,
        &format!("requests/{req}/decide"),
        json!({"approved": false, "note": "按期办理"}),
    )
    .await
    .ok(200);
    assert_eq!(waiting(&o, &o.staff, "decide_request").await.0, 0);

    o.reply(&id).await.ok(200);
    assert_eq!(tasks(&o, &o.unit_tokens[0], "").await["total"], 0);
    // The lead deputy evaluates, by the day the policy gives.
    let t = tasks(&o, &o.deputy_tokens[0], "").await;
    assert_eq!(t["items"][0]["kind"], "evaluate_reply");
    let by = o.app.clock.today() + chrono::Days::new(HandlingPolicy::default().evaluation_days);
    assert_eq!(t["items"][0]["due_on"], json!(by));
    assert_eq!(
        waiting(&o, &o.deputy_tokens[1], "evaluate_reply").await.0,
        0,
        "another deputy evaluates nothing"
    );
    o.evaluate(&id, "satisfied").await.ok(200);
    assert_eq!(tasks(&o, &o.deputy_tokens[0], "").await["total"], 0);
}

#[tokio::test]
async fn deputies_and_leaders_see_what_waits_for_their_word() {
    let o = office().await;
    // A co-signer is asked to answer, until they do.
    let draft = o.draft(&[1, 2]).await;
    assert_eq!(
        waiting(&o, &o.deputy_tokens[1], "answer_co_signature").await,
        (1, vec![draft.clone()])
    );
    o.op(
        &o.deputy_tokens[1],
        &draft,
        "confirm-co-signature",
        json!({}),
    )
    .await
    .ok(200);
    assert_eq!(
        waiting(&o, &o.deputy_tokens[1], "answer_co_signature")
            .await
            .0,
        0
    );
    assert_eq!(
        waiting(&o, &o.deputy_tokens[2], "answer_co_signature")
            .await
            .0,
        1
    );
    assert_eq!(
        waiting(&o, &o.deputy_tokens[0], "answer_co_signature")
            .await
            .0,
        0,
        "the lead deputy is not asked"
    );

    // A consultation record waits for the lead deputy's word.
    let red = o.assigned("red", false).await;
    let c = o.consult(&red).await;
    let cid = c.ok(201)["id"].as_str().unwrap().to_owned();
    let t = tasks(&o, &o.deputy_tokens[0], "?kind=confirm_consultation").await;
    assert_eq!(t["items"][0]["record_id"], cid);
    assert_eq!(t["items"][0]["subject"]["id"], red);
    assert_eq!(
        told(&o, &o.deputy_tokens[0], &red).await,
        ["suggestion_registered", "consultation_recorded"]
    );
    o.app
        .post(
            &format!("{}/{cid}/response", o.path(&red, "consultations")),
            Some(&o.deputy_tokens[0]),
            &json!({"response": "confirmed"}),
        )
        .await
        .ok(200);
    assert_eq!(
        waiting(&o, &o.deputy_tokens[0], "confirm_consultation")
            .await
            .0,
        0
    );

    // The supervising leader signs off the replied red suggestion.
    o.reply(&red).await.ok(200);
    assert_eq!(
        waiting(&o, &o.leader, "sign_off_suggestion").await,
        (1, vec![red.clone()])
    );
    assert_eq!(told(&o, &o.leader, &red).await, ["sign_off_requested"]);
    o.op(
        &o.leader,
        &red,
        "supervision-notes",
        json!({"content": "已实地督办。"}),
    )
    .await
    .ok(200);
    o.op(&o.leader, &red, "sign-off", json!({})).await.ok(200);
    assert_eq!(waiting(&o, &o.leader, "sign_off_suggestion").await.0, 0);

    // Accounts with no queue get an empty answer, not a refusal.
    let admin = o.app.admin().await;
    let t = tasks(&o, &admin, "").await;
    assert_eq!((&t["total"], &t["counts"]), (&json!(0), &json!([])));
}

#[tokio::test]
async fn tasks_page_across_kinds_without_repeats_and_refuse_bad_parameters() {
    let o = office().await;
    let mut want = Vec::new();
    for _ in 0..3 {
        want.push(o.submitted().await);
    }
    for id in &want[..2] {
        o.op(&o.staff, id, "register", json!({})).await.ok(200);
    }
    // Pages of one (each ends at a kind's last) and of two (across kinds)
    // list each task once, kind by kind.
    for size in [1, 2] {
        let mut seen = Vec::new();
        let mut query = format!("?limit={size}");
        loop {
            let page = tasks(&o, &o.staff, &query).await;
            assert_eq!(page["total"], 3);
            assert!(page["items"].as_array().unwrap().len() <= size);
            for i in page["items"].as_array().unwrap() {
                seen.push((
                    i["kind"].as_str().unwrap().to_owned(),
                    i["subject"]["id"].as_str().unwrap().to_owned(),
                ));
            }
            match page["next_cursor"].as_str() {
                Some(c) => query = format!("?limit={size}&cursor={c}"),
                None => break,
            }
        }
        let kinds: Vec<&str> = seen.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "register_suggestion",
                "assign_suggestion",
                "assign_suggestion"
            ],
            "pages of {size}"
        );
        let mut ids: Vec<String> = seen.into_iter().map(|(_, i)| i).collect();
        ids.sort();
        want.sort();
        assert_eq!(ids, want, "pages of {size}");
    }
    // One kind listed, the counts still cover every kind.
    let one = tasks(&o, &o.staff, "?kind=assign_suggestion").await;
    assert_eq!(one["total"], 3);
    assert_eq!(one["items"].as_array().unwrap().len(), 2);
    assert_eq!(one["counts"][0]["kind"], "register_suggestion");
    assert_eq!(one["counts"][0]["count"], 1);

    for bad in ["?limit=0", "?limit=101", "?kind=nothing", "?cursor=%21%21"] {
        let a = o
            .app
            .get(&format!("/api/v1/me/tasks{bad}"), Some(&o.staff))
            .await;
        a.problem(422, "validation_failed");
    }
    o.app
        .get("/api/v1/me/tasks", None)
        .await
        .problem(401, "unauthenticated");
}

#[tokio::test]
async fn each_event_tells_each_person_once_and_only_its_owner_reads_it() {
    let o = office().await;
    let id = o.draft(&[1]).await;
    assert_eq!(
        told(&o, &o.deputy_tokens[1], &id).await,
        ["co_signature_invited"]
    );
    o.op(&o.deputy_tokens[1], &id, "confirm-co-signature", json!({}))
        .await
        .ok(200);
    o.op(&o.deputy_tokens[0], &id, "submit", json!({}))
        .await
        .ok(200);
    o.op(&o.staff, &id, "register", json!({})).await.ok(200);
    let assign = json!({"lead_unit_id": o.units[0], "co_unit_ids": [o.units[1]], "color": "green"});
    o.op(&o.staff, &id, "assign", assign).await.ok(200);
    o.op(
        &o.unit_tokens[1],
        &id,
        "co-unit-opinion",
        json!({"opinion": "同意"}),
    )
    .await
    .ok(200);
    o.reply(&id).await.ok(200);

    assert_eq!(
        told(&o, &o.deputy_tokens[0], &id).await,
        ["suggestion_registered", "suggestion_replied"]
    );
    assert_eq!(
        told(&o, &o.unit_tokens[0], &id).await,
        ["suggestion_assigned"]
    );
    assert_eq!(
        told(&o, &o.unit_tokens[1], &id).await,
        ["suggestion_assigned"]
    );
    assert_eq!(told(&o, &o.unit_tokens[2], &id).await, Vec::<String>::new());
    // The office hears of the submission, and only of it.
    assert_eq!(told(&o, &o.staff, &id).await, ["suggestion_submitted"]);

    // The text names the suggestion by its number and nothing personal.
    let page = inbox(&o, &o.deputy_tokens[0], "").await;
    let newest = &page["items"][0];
    let number = o.read(&o.staff, &id).await.body["number"]
        .as_str()
        .unwrap()
        .to_owned();
    let text = newest["text"].as_str().unwrap();
    assert!(text.contains(&number), "{text}");
    assert!(!text.contains("老年人吃饭难"), "no contents: {text}");
    assert_eq!(
        (&newest["read"], &page["unread"]),
        (&json!(false), &json!(2))
    );

    // Read one: the count drops; reading again keeps the first time.
    let nid = newest["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/me/notifications/{nid}/read");
    let r = o
        .app
        .post(&path, Some(&o.deputy_tokens[0]), &json!({}))
        .await;
    let first_read = r.ok(200)["read_at"].clone();
    assert_eq!(r.body["read"], true);
    let again = o
        .app
        .post(&path, Some(&o.deputy_tokens[0]), &json!({}))
        .await;
    assert_eq!(again.ok(200)["read_at"], first_read);
    let unread = o
        .app
        .get(
            "/api/v1/me/notifications/unread-count",
            Some(&o.deputy_tokens[0]),
        )
        .await;
    assert_eq!(unread.ok(200)["unread"], 1);
    let only_unread = inbox(&o, &o.deputy_tokens[0], "?unread=true").await;
    assert_eq!(only_unread["items"].as_array().unwrap().len(), 1);
    let by_kind = inbox(&o, &o.deputy_tokens[0], "?kind=suggestion_registered").await;
    assert_eq!(by_kind["items"][0]["kind"], "suggestion_registered");
    assert_eq!(by_kind["items"].as_array().unwrap().len(), 1);

    // Another person's notification is not there for them.
    o.app
        .post(&path, Some(&o.deputy_tokens[1]), &json!({}))
        .await
        .problem(404, "not_found");
    o.app
        .post(&path, Some(&o.unit_tokens[0]), &json!({}))
        .await
        .problem(404, "not_found");

    // Read all up to the one seen: a later one stays unread.
    let unit_page = inbox(&o, &o.unit_tokens[0], "").await;
    let seen = unit_page["items"][0]["id"].clone();
    let instruct = o
        .op(
            &o.leader,
            &id,
            "instructions",
            json!({"content": "请抓紧落实"}),
        )
        .await;
    assert_eq!(instruct.status.as_u16(), 201);
    let all = o
        .app
        .post(
            "/api/v1/me/notifications/read-all",
            Some(&o.unit_tokens[0]),
            &json!({"up_to": seen}),
        )
        .await;
    assert_eq!(
        (&all.ok(200)["marked"], &all.body["unread"]),
        (&json!(1), &json!(1))
    );
    let rest = inbox(&o, &o.unit_tokens[0], "?unread=true").await;
    assert_eq!(rest["items"][0]["kind"], "instruction_given");
    let none = o
        .app
        .post(
            "/api/v1/me/notifications/read-all",
            Some(&o.unit_tokens[0]),
            &json!({}),
        )
        .await;
    assert_eq!(
        (&none.ok(200)["marked"], &none.body["unread"]),
        (&json!(1), &json!(0))
    );
    o.app
        .post(
            "/api/v1/me/notifications/read-all",
            Some(&o.unit_tokens[0]),
            &json!({"up_to": "yesterday"}),
        )
        .await
        .problem(422, "validation_failed");

    // A refused command tells nobody anything.
    let before = inbox(&o, &o.deputy_tokens[0], "?limit=100").await["items"]
        .as_array()
        .unwrap()
        .len();
    o.op(&o.staff, &id, "register", json!({}))
        .await
        .problem(409, "invalid_state");
    let after = inbox(&o, &o.deputy_tokens[0], "?limit=100").await["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, after);
}

/// The notifications of `kind` in the caller's inbox.
async fn count_of(o: &Office, token: &str, kind: &str) -> usize {
    inbox(o, token, &format!("?kind={kind}&limit=100")).await["items"]
        .as_array()
        .unwrap()
        .len()
}

#[tokio::test]
async fn reminders_are_written_once_across_restarts_and_two_instances() {
    let o = office().await;
    let policy = HandlingPolicy::default();
    let id = o.assigned("green", false).await;
    let second = o.app.second_instance().await;
    let run = |store: renda_persistence::Store, who: &'static str, days: i64| {
        let today = o.app.clock.today() + chrono::Duration::days(days);
        async move {
            renda::run_reminders(&store, who, today, &policy, None)
                .await
                .unwrap()
        }
    };
    // 30 days to reply: nothing 23 days before the deadline is due.
    assert_eq!(run(o.app.store.clone(), "a", 0).await, Some(0));
    // Seven days before: the lead unit is reminded once, whoever runs it,
    // however often, both instances at once included.
    let (a, b) = tokio::join!(
        run(o.app.store.clone(), "a", 23),
        run(second.store.clone(), "b", 23)
    );
    let written: u64 = a.unwrap_or(0) + b.unwrap_or(0);
    assert_eq!(written, 1, "{a:?} {b:?}");
    assert_eq!(run(second.store.clone(), "b", 24).await, Some(0));
    assert_eq!(run(o.app.store.clone(), "a", 25).await, Some(0));
    assert_eq!(count_of(&o, &o.unit_tokens[0], "deadline_near").await, 1);
    // Three days and one day before, and once past the deadline.
    run(o.app.store.clone(), "a", 27).await;
    run(o.app.store.clone(), "a", 29).await;
    run(second.store.clone(), "b", 29).await;
    assert_eq!(count_of(&o, &o.unit_tokens[0], "deadline_near").await, 3);
    run(o.app.store.clone(), "a", 31).await;
    run(o.app.store.clone(), "a", 32).await;
    assert_eq!(count_of(&o, &o.unit_tokens[0], "deadline_overdue").await, 1);
    let newest = &inbox(&o, &o.unit_tokens[0], "").await["items"][0];
    assert_eq!(newest["subject"]["id"], id);
    assert!(newest["text"].as_str().unwrap().contains("超过办理期限"));

    // A reply waiting 15 days for the deputy's evaluation is reminded once.
    o.reply(&id).await.ok(200);
    run(o.app.store.clone(), "a", 14).await;
    assert_eq!(
        count_of(&o, &o.deputy_tokens[0], "evaluation_waiting").await,
        0
    );
    run(o.app.store.clone(), "a", 15).await;
    run(second.store.clone(), "b", 16).await;
    assert_eq!(
        count_of(&o, &o.deputy_tokens[0], "evaluation_waiting").await,
        1
    );
}

#[tokio::test]
async fn one_instance_holds_the_reminder_job_at_a_time() {
    let o = office().await;
    let second = o.app.second_instance().await;
    let now = renda_domain::time::now();
    let lease = chrono::Duration::minutes(10);
    let job = renda_persistence::jobs::REMINDERS;
    assert!(
        o.app
            .store
            .claim_job(job, "a", now, lease, None)
            .await
            .unwrap()
    );
    assert!(
        !second
            .store
            .claim_job(job, "b", now, lease, None)
            .await
            .unwrap()
    );
    // Its holder may renew it; a finished run frees it.
    assert!(
        o.app
            .store
            .claim_job(job, "a", now, lease, None)
            .await
            .unwrap()
    );
    o.app.store.finish_job(job, "a", now).await.unwrap();
    assert!(
        second
            .store
            .claim_job(job, "b", now, lease, None)
            .await
            .unwrap()
    );
    // A holder that died lets its lease run out; then another claims it.
    let later = now + chrono::Duration::minutes(11);
    assert!(
        o.app
            .store
            .claim_job(job, "a", later, lease, None)
            .await
            .unwrap()
    );
    // While another holds it, a run writes nothing and says so.
    let held = renda::run_reminders(
        &second.store,
        "b",
        o.app.clock.today(),
        &HandlingPolicy::default(),
        None,
    )
    .await
    .unwrap();
    assert_eq!(held, None);
    // Run hourly, a run within the hour is not repeated by any instance.
    o.app.store.finish_job(job, "a", later).await.unwrap();
    let hourly = Some(chrono::Duration::hours(1));
    let policy = HandlingPolicy::default();
    let today = o.app.clock.today();
    let first = renda::run_reminders(&second.store, "b", today, &policy, hourly);
    assert_eq!(
        first.await.unwrap(),
        None,
        "the first instance ran it at `later`"
    );
    o.app.sql("UPDATE job_leases SET last_run_at = NULL").await;
    let first = renda::run_reminders(&second.store, "b", today, &policy, hourly);
    assert_eq!(first.await.unwrap(), Some(0));
    let again = renda::run_reminders(&o.app.store, "a", today, &policy, hourly);
    assert_eq!(again.await.unwrap(), None);
}

/// Opens `token`'s live stream, resuming after `last` if given.
async fn open_stream(o: &Office, token: &str, last: Option<String>) -> reqwest::Response {
    let mut req = o
        .app
        .client
        .get(o.app.url("/api/v1/me/events"))
        .bearer_auth(token);
    if let Some(id) = last {
        req = req.header("last-event-id", id);
    }
    req.send().await.unwrap()
}

/// Reads `r`'s server-sent events until one of `kind` arrives (its
/// `id` and `data`), or `within` passes (`None`).
async fn next_event(
    r: &mut reqwest::Response,
    buf: &mut String,
    kind: &str,
    within: std::time::Duration,
) -> Option<(Option<String>, Value)> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        while let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            let field = |name: &str| {
                block
                    .lines()
                    .find_map(|l| l.strip_prefix(&format!("{name}: ")).map(str::to_owned))
            };
            if field("event").as_deref() == Some(kind) {
                let data = serde_json::from_str(&field("data").unwrap_or_default()).unwrap();
                return Some((field("id"), data));
            }
        }
        let chunk = tokio::time::timeout_at(deadline, r.chunk()).await.ok()?;
        buf.push_str(&String::from_utf8_lossy(&chunk.ok()??));
    }
}

#[tokio::test]
async fn a_live_stream_brings_news_from_any_instance_within_a_second() {
    let o = office().await;
    let second = o.app.second_instance().await;
    let open = |last: Option<String>| open_stream(&o, &o.unit_tokens[0], last);
    let mut r = open(None).await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    let mut buf = String::new();
    let second_ok = std::time::Duration::from_secs(1);
    let (_, first) = next_event(&mut r, &mut buf, "tasks", second_ok)
        .await
        .unwrap();
    assert_eq!(first["total"], 0);

    // The office works on the second instance; the stream is on the first.
    let id = o.submitted().await;
    let on_second = |path: String, body: Value| {
        o.app
            .client
            .post(format!("{}{path}", second.base))
            .bearer_auth(&o.staff)
            .json(&body)
            .send()
    };
    assert!(
        on_second(o.path(&id, "register"), json!({}))
            .await
            .unwrap()
            .status()
            .is_success()
    );
    let assign = json!({"lead_unit_id": o.units[0], "color": "green"});
    let started = std::time::Instant::now();
    assert!(
        on_second(o.path(&id, "assign"), assign)
            .await
            .unwrap()
            .status()
            .is_success()
    );
    let (nid, n) = next_event(
        &mut r,
        &mut buf,
        "notification",
        std::time::Duration::from_secs(2),
    )
    .await
    .expect("the notification arrives");
    assert!(
        started.elapsed() < std::time::Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        (&n["kind"], &n["subject"]["id"]),
        (&json!("suggestion_assigned"), &json!(id))
    );
    assert_eq!(nid.as_deref(), n["id"].as_str());
    let (_, t) = next_event(
        &mut r,
        &mut buf,
        "tasks",
        std::time::Duration::from_secs(12),
    )
    .await
    .expect("the task counts follow");
    assert_eq!(t["total"], 1);
    drop(r);

    // Reconnecting with the last id received brings what came meanwhile,
    // and not what was received.
    o.app
        .post(
            &o.path(&id, "instructions"),
            Some(&o.leader),
            &json!({"content": "请抓紧落实"}),
        )
        .await
        .ok(201);
    let mut again = open(nid).await;
    let mut buf = String::new();
    let (_, missed) = next_event(&mut again, &mut buf, "notification", second_ok)
        .await
        .expect("the missed notification");
    assert_eq!(missed["kind"], "instruction_given");
    assert!(
        next_event(&mut again, &mut buf, "notification", second_ok)
            .await
            .is_none(),
        "nothing is sent twice"
    );
    o.app
        .get("/api/v1/me/events", None)
        .await
        .problem(401, "unauthenticated");
    // Ids from nowhere (the dawn of time, an old kind of UUID, nonsense)
    // start from now.
    for last in [
        "t-8334601228800000000",
        "t0",
        "c232ab00-9414-11ec-b3c8-9f6bdeced846",
        "?",
    ] {
        let mut r = open(Some(last.to_owned())).await;
        assert_eq!(r.status(), 200, "{last}");
        let mut buf = String::new();
        let first = next_event(&mut r, &mut buf, "tasks", second_ok).await;
        assert!(first.is_some(), "{last}");
        assert!(
            next_event(&mut r, &mut buf, "notification", second_ok)
                .await
                .is_none(),
            "{last}: the past is in the inbox"
        );
    }
}

#[tokio::test]
async fn a_live_stream_sends_a_burst_whole_and_a_resumed_one_sends_nothing_twice() {
    use renda_domain::notice::{Notice, NoticeKind, Occasion, Recipient, Subject, SubjectKind};
    let o = office().await;
    let unit: uuid::Uuid = o.units[0].parse().unwrap();
    let open = |last: Option<String>| open_stream(&o, &o.unit_tokens[0], last);
    let mut r = open(None).await;
    let mut buf = String::new();
    let second = std::time::Duration::from_secs(1);
    let (first_id, _) = next_event(&mut r, &mut buf, "tasks", second).await.unwrap();
    // A burst of 150 within the look-back (a batch assigned at once).
    for v in 0..150 {
        let notice = Notice {
            kind: NoticeKind::SuggestionAssigned,
            to: vec![Recipient::Unit(unit.into())],
            subject: Subject {
                kind: SubjectKind::Suggestion,
                id: uuid::Uuid::now_v7(),
                label: format!("2026-{v:04}"),
            },
            occasion: Occasion::Version(v),
            due_on: None,
            approved: None,
        };
        assert_eq!(o.app.store.notify(&notice).await.unwrap(), 1);
    }
    let mut ids = Vec::new();
    while let Some((id, n)) = next_event(&mut r, &mut buf, "notification", second * 3).await {
        assert_eq!(id.as_deref(), n["id"].as_str());
        ids.push(id.unwrap());
        if ids.len() == 150 {
            break;
        }
    }
    assert_eq!(ids.len(), 150, "every one of the burst arrives");
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 150, "none twice");
    assert!(
        next_event(&mut r, &mut buf, "notification", second)
            .await
            .is_none(),
        "none twice"
    );
    drop(r);
    // Resumed from the last, nothing of the burst comes again; resumed
    // from the first task counts (before the burst), all of it does.
    let mut again = open(ids.last().cloned()).await;
    let mut buf = String::new();
    assert!(
        next_event(&mut again, &mut buf, "notification", second)
            .await
            .is_none()
    );
    drop(again);
    let mut from_start = open(first_id).await;
    let mut buf = String::new();
    let mut n = 0;
    while next_event(&mut from_start, &mut buf, "notification", second)
        .await
        .is_some()
    {
        n += 1;
    }
    assert_eq!(n, 150);
    // That stream's task counts came after the burst it sent, and resuming
    // from their id sends none of it again.
    drop(from_start);
    let mut again = open(first_id_of_resumed(&o, &o.unit_tokens[0]).await).await;
    let mut buf = String::new();
    assert!(
        next_event(&mut again, &mut buf, "notification", second)
            .await
            .is_none(),
        "resumed from the task counts' id, nothing again"
    );
}

/// Opens a stream resumed from before every notification the caller has
/// (`s0`), reads all it sends, and returns the id of its task counts.
async fn first_id_of_resumed(o: &Office, token: &str) -> Option<String> {
    let mut r = open_stream(o, token, Some("s0".to_owned())).await;
    let mut buf = String::new();
    let (id, _) = next_event(&mut r, &mut buf, "tasks", std::time::Duration::from_secs(3))
        .await
        .expect("the task counts");
    id
}

#[tokio::test]
async fn a_live_stream_sends_a_notification_committed_late_by_another_instance() {
    use renda_domain::notice::{Notice, NoticeKind, Occasion, Recipient, Subject, SubjectKind};
    let o = office().await;
    let unit: uuid::Uuid = o.units[0].parse().unwrap();
    let notice = |label: &str| Notice {
        kind: NoticeKind::SuggestionAssigned,
        to: vec![Recipient::Unit(unit.into())],
        subject: Subject {
            kind: SubjectKind::Suggestion,
            id: uuid::Uuid::now_v7(),
            label: label.to_owned(),
        },
        occasion: Occasion::Version(1),
        due_on: None,
        approved: None,
    };
    // Made now, and held back (as a long transaction on another instance
    // would hold it) until well after later ones were sent.
    o.app.store.notify(&notice("迟到的")).await.unwrap();
    o.app
        .sql("CREATE TABLE held_back AS SELECT * FROM notifications")
        .await;
    o.app.sql("DELETE FROM notifications").await;
    tokio::time::sleep(std::time::Duration::from_secs(6)).await;
    let mut r = open_stream(&o, &o.unit_tokens[0], None).await;
    let mut buf = String::new();
    let second = std::time::Duration::from_secs(1);
    next_event(&mut r, &mut buf, "tasks", second).await.unwrap();
    o.app.store.notify(&notice("2026-0001")).await.unwrap();
    let (_, first) = next_event(&mut r, &mut buf, "notification", second * 2)
        .await
        .expect("the one made now");
    assert!(first["text"].as_str().unwrap().contains("2026-0001"));
    // It commits now: made six seconds before the one sent, it is sent.
    o.app
        .sql(
            "INSERT INTO notifications (id, user_id, kind, subject_kind, subject_id, text, due_on, key, created_at, read_at, fanned_out) \
             SELECT id, user_id, kind, subject_kind, subject_id, text, due_on, key, created_at, read_at, fanned_out FROM held_back",
        )
        .await;
    let (_, late) = next_event(&mut r, &mut buf, "notification", second * 2)
        .await
        .expect("the one committed late");
    assert!(late["text"].as_str().unwrap().contains("迟到的"));
    assert!(
        next_event(&mut r, &mut buf, "notification", second)
            .await
            .is_none(),
        "none twice"
    );
    o.app.sql("DROP TABLE held_back").await;
}
