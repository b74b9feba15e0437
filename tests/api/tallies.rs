//! The dashboard's kept figures (`/suggestions/stats`,
//! `/suggestions/unit-summary`) and the list's `year` filter: random
//! operations through two instances at once, then the kept counts must be
//! a recount's and agree with the lists.

use renda_domain::time::Clock;
use serde_json::{Value, json};

use crate::helpers::Answer;
use crate::practice::{Office, office};

/// A small deterministic generator (xorshift), seeded from
/// `RENDA_TEST_SEED` or the clock; the seed is printed, so a failure can be
/// run again.
struct Dice(u64);

impl Dice {
    fn new() -> Dice {
        let seed = std::env::var("RENDA_TEST_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(7)
            })
            | 1;
        println!("RENDA_TEST_SEED={seed}");
        Dice(seed)
    }

    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn pick<'a>(&mut self, of: &[&'a str]) -> &'a str {
        of[self.below(of.len())]
    }
}

/// One random operation on suggestion `id`, by whoever might make it; the
/// server may well refuse it (wrong state, wrong unit): refusals must
/// change nothing either.
fn random_op(o: &Office, d: &mut Dice, id: &str) -> (String, String, Value) {
    let unit = d.below(3);
    let (token, op, body) = match d.below(10) {
        0 => (o.deputy_tokens[0].clone(), "submit", json!({})),
        1 => (o.staff.clone(), "register", json!({})),
        2 => (
            o.staff.clone(),
            "reject",
            json!({"reason": "不属于人大代表建议的范围"}),
        ),
        3 => {
            let color = d.pick(&["green", "yellow", "red"]);
            let mut body = json!({"lead_unit_id": o.units[unit], "color": color});
            if color == "red" {
                body["supervisor_id"] = json!(o.leader_id);
            }
            (o.staff.clone(), "assign", body)
        }
        4 | 5 => (
            o.unit_tokens[unit].clone(),
            "reply",
            json!({"category": d.pick(&["A", "B", "C"]), "content": "已研究办理。",
                   "commitments": [{"content": "年内完成", "due_date": "2027-06-30"}]}),
        ),
        6 => (
            o.unit_tokens[unit].clone(),
            "consultations",
            json!({"held_on": o.app.clock.today(), "form": "visit",
                   "participants": "张伟代表", "agreed": "年内实施"}),
        ),
        7 | 8 => (
            o.deputy_tokens[0].clone(),
            "evaluate",
            json!({"result": d.pick(&["satisfied", "basically_satisfied", "unsatisfied"])}),
        ),
        _ => (o.staff.clone(), "close", json!({})),
    };
    (token, o.path(id, op), body)
}

async fn post_at(o: &Office, base: &str, path: &str, token: &str, body: &Value) -> Answer {
    Answer::read(
        o.app
            .client
            .post(format!("{base}{path}"))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

async fn total(o: &Office, query: &str) -> i64 {
    let a = o
        .app
        .get(
            &format!("/api/v1/suggestions?include_total=true&limit=1&{query}"),
            Some(&o.staff),
        )
        .await;
    a.ok(200)["total"].as_i64().unwrap()
}

#[tokio::test]
async fn kept_dashboard_figures_equal_a_recount_after_random_operations_on_two_instances() {
    let o = office().await;
    let other = o.app.second_instance().await;
    let mut ids = Vec::new();
    for _ in 0..12 {
        ids.push(o.draft(&[]).await);
    }
    // Each suggestion takes its random operations in turn; the suggestions
    // go at once, half through each instance, so that their changes add to
    // the same kept rows concurrently.
    let mut dice = Dice::new();
    let plans: Vec<Vec<(String, String, Value)>> = ids
        .iter()
        .map(|id| (0..24).map(|_| random_op(&o, &mut dice, id)).collect())
        .collect();
    let runs = plans.iter().enumerate().map(|(i, plan)| {
        let base = if i % 2 == 0 {
            o.app.base.clone()
        } else {
            other.base.clone()
        };
        let o = &o;
        async move {
            let mut statuses = Vec::new();
            for (token, path, body) in plan {
                let a = post_at(o, &base, path, token, body).await;
                assert!(a.status.as_u16() < 500, "{path}: {} {}", a.status, a.text);
                statuses.push(a.status.as_u16());
            }
            statuses
        }
    });
    let statuses: Vec<u16> = futures_util::future::join_all(runs)
        .await
        .into_iter()
        .flatten()
        .collect();
    assert!(
        statuses.contains(&200) && statuses.iter().any(|s| *s >= 400),
        "some operations are taken and some refused: {statuses:?}"
    );

    o.app.assert_kept_counts_exact().await;

    // What a dashboard shows agrees with the lists, status by status.
    let stats = o
        .app
        .get("/api/v1/suggestions/stats", Some(&o.leader))
        .await;
    let stats = stats.ok(200).clone();
    let mut submitted = 0;
    for status in [
        "submitted",
        "registered",
        "not_registered",
        "assigned",
        "replied",
        "rehandling",
        "closed",
    ] {
        let listed = total(&o, &format!("status={status}")).await;
        assert_eq!(
            stats["by_status"][status].as_i64().unwrap_or(0),
            listed,
            "{status}: {stats}"
        );
        submitted += listed;
    }
    assert_eq!(stats["total"], submitted);
    // Drafts are their deputy's own, and not counted.
    let drafts = o
        .app
        .get(
            "/api/v1/suggestions?include_total=true&limit=1&status=draft",
            Some(&o.deputy_tokens[0]),
        )
        .await;
    assert_eq!(submitted + drafts.ok(200)["total"].as_i64().unwrap(), 12);

    // By colour and category too, each against the list's own count.
    for color in ["green", "yellow", "red"] {
        assert_eq!(
            stats["by_color"][color].as_i64().unwrap_or(0),
            total(&o, &format!("color={color}")).await,
            "{color}: {stats}"
        );
    }
    assert_eq!(
        stats["by_category"]["社会保障"].as_i64().unwrap_or(0),
        total(&o, "category=%E7%A4%BE%E4%BC%9A%E4%BF%9D%E9%9A%9C").await
    );
}

#[tokio::test]
async fn the_summary_counts_what_is_overdue_today_and_the_year_it_was_registered_in() {
    let o = office().await;
    let late = o.assigned("green", false).await;
    let replied = o.assigned("green", false).await;
    o.reply(&replied).await.ok(200);
    o.submitted().await;
    let line = |summary: &Answer| {
        summary.ok(200)["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["unit_id"] == o.units[0].as_str())
            .cloned()
            .unwrap()
    };
    let a = o
        .app
        .get("/api/v1/suggestions/unit-summary", Some(&o.staff))
        .await;
    let now = line(&a);
    assert_eq!(
        (now["assigned"].as_i64(), now["overdue"].as_i64()),
        (Some(2), Some(0))
    );
    assert_eq!(now["category_c"], 1);

    // Nothing changes but the calendar: the open one falls overdue.
    o.app.clock.advance(200);
    let a = o
        .app
        .get("/api/v1/suggestions/unit-summary", Some(&o.staff))
        .await;
    assert_eq!(line(&a)["overdue"], 1, "{}", a.text);
    let stats = o.app.get("/api/v1/suggestions/stats", Some(&o.staff)).await;
    let units = stats.ok(200)["units"].as_array().unwrap().clone();
    assert_eq!(units[0]["overdue"], 1);
    assert_eq!(
        total(&o, "overdue=true").await,
        1,
        "the list agrees: {late} is overdue"
    );

    // By year: registered this year (China's), or drafted this year and
    // not registered.
    let year = renda_domain::time::china_date(chrono::Utc::now())
        .format("%Y")
        .to_string();
    assert_eq!(total(&o, &format!("year={year}")).await, 3);
    assert_eq!(total(&o, &format!("year={year}&status=submitted")).await, 1);
    let last = year.parse::<i32>().unwrap() - 1;
    assert_eq!(total(&o, &format!("year={last}")).await, 0);
    let a = o
        .app
        .get(
            &format!("/api/v1/suggestions/stats?year={year}"),
            Some(&o.staff),
        )
        .await;
    assert_eq!(
        a.ok(200)["total"],
        2,
        "the unregistered one has no year yet"
    );
    let a = o
        .app
        .get(
            &format!("/api/v1/suggestions/unit-summary?year={last}"),
            Some(&o.staff),
        )
        .await;
    assert_eq!(a.ok(200)["items"], json!([]));
}
