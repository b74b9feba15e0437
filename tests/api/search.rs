//! Keyword search over suggestions (`q=`): Chinese words of any length
//! inside longer runs, Latin words whatever their case, found through the
//! keyword index and kept current when a draft is reworded.

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use crate::units::urlencode;

struct Author {
    app: TestApp,
    token: String,
    deputy_id: String,
}

async fn author() -> Author {
    author_on(spawn_app().await).await
}

async fn author_on(app: TestApp) -> Author {
    let admin = app.admin().await;
    let staff = app.staff().await;
    let d = app.create_deputy(&staff, json!({"name": "周敏"})).await;
    let deputy_id = d["id"].as_str().unwrap().to_owned();
    let token = app
        .user_token(
            &admin,
            "zhoumin",
            &["deputy"],
            json!({"deputy_id": deputy_id}),
        )
        .await;
    Author {
        app,
        token,
        deputy_id,
    }
}

impl Author {
    async fn draft(&self, title: &str, content: &str) -> String {
        let body = json!({
            "title": title, "content": content, "category": "城乡建设",
            "term": "第十八届", "session": "第五次会议", "timing": "during_session"
        });
        let a = self
            .app
            .post("/api/v1/suggestions", Some(&self.token), &body)
            .await;
        a.ok(201)["id"].as_str().unwrap().to_owned()
    }

    /// Every id found by `q` (with `extra` query parameters), page after
    /// page, in order.
    async fn found_paged(&self, q: &str, extra: &str) -> Vec<String> {
        let path = format!("/api/v1/suggestions?q={}{extra}", urlencode(q));
        let mut out = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let url = match &next {
                Some(c) => format!("{path}&cursor={c}"),
                None => path.clone(),
            };
            let a = self.app.get(&url, Some(&self.token)).await;
            let body = a.ok(200);
            out.extend(
                body["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s["id"].as_str().unwrap().to_owned()),
            );
            match body["next_cursor"].as_str() {
                Some(c) => next = Some(c.to_owned()),
                None => return out,
            }
        }
    }

    /// The ids found by `q` (with `extra` query parameters), in order.
    async fn found(&self, q: &str, extra: &str) -> Vec<String> {
        let path = format!("/api/v1/suggestions?q={}{extra}", urlencode(q));
        let a = self.app.get(&path, Some(&self.token)).await;
        a.ok(200)["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s: &Value| s["id"].as_str().unwrap().to_owned())
            .collect()
    }
}

#[tokio::test]
async fn words_are_found_inside_runs_of_chinese_and_latin_text() {
    let a = author().await;
    let old = a
        .draft(
            "关于加快老旧小区改造的建议",
            "加装电梯（Elevator）项目进展缓慢。",
        )
        .await;
    let water = a
        .draft("关于改善农村饮水安全的建议", "部分村庄自来水水质不稳定。")
        .await;
    let bus = a
        .draft("关于增设公交线路的建议", "城东新区缺少公交。")
        .await;

    assert_eq!(
        a.found("老旧", "").await,
        vec![old.clone()],
        "two characters"
    );
    assert_eq!(
        a.found("老旧小区改造", "").await,
        vec![old.clone()],
        "a phrase"
    );
    assert_eq!(a.found("区改", "").await, vec![old.clone()], "across words");
    assert_eq!(
        a.found(" 老旧 ", "").await,
        vec![old.clone()],
        "spaces around the words are left out"
    );
    assert_eq!(
        a.found("水", "").await,
        vec![water.clone()],
        "one character"
    );
    assert_eq!(
        a.found("水质", "").await,
        vec![water.clone()],
        "in the content"
    );
    assert_eq!(a.found("elevator", "").await, vec![old.clone()], "any case");
    assert_eq!(
        a.found("E", "").await,
        vec![old.clone()],
        "one Latin letter"
    );
    assert_eq!(
        a.found("建议", "").await,
        vec![old.clone(), water.clone(), bus.clone()],
        "a common word finds all"
    );
    assert!(a.found("量子", "").await.is_empty(), "an absent word");
    assert!(
        a.found("小区 改造", "").await.is_empty(),
        "the exact text decides: these words never stand apart"
    );
    assert!(a.found("电梯项目", "").await.is_empty(), "nor run together");
    // With the other filters.
    let by_me = format!("&status=draft&deputy_id={}", a.deputy_id);
    assert_eq!(a.found("公交", &by_me).await, vec![bus.clone()]);
    assert!(a.found("公交", "&status=submitted").await.is_empty());
    let total = a
        .app
        .get(
            &format!(
                "/api/v1/suggestions?q={}&include_total=true",
                urlencode("建议")
            ),
            Some(&a.token),
        )
        .await;
    assert_eq!(total.ok(200)["total"], 3);
}

#[tokio::test]
async fn a_reworded_draft_is_found_by_its_new_words_only() {
    let a = author().await;
    let id = a
        .draft("关于加快老旧小区改造的建议", "加装电梯项目进展缓慢。")
        .await;
    assert_eq!(a.found("电梯", "").await, vec![id.clone()]);
    a.app
        .patch(
            &format!("/api/v1/suggestions/{id}"),
            Some(&a.token),
            &json!({"title": "关于推进城市更新的建议", "content": "统筹规划片区改造。"}),
        )
        .await
        .ok(200);
    assert!(a.found("老旧", "").await.is_empty());
    assert!(a.found("电梯", "").await.is_empty());
    assert_eq!(a.found("城市更新", "").await, vec![id.clone()]);
    assert_eq!(a.found("片区", "").await, vec![id]);
}

/// Suggestions stored before the keyword index came (here: their terms
/// and the record of the catch-up removed) are indexed when the server
/// next opens the database, and found again.
#[tokio::test]
async fn suggestions_stored_before_the_index_are_found_after_a_restart() {
    let a = author().await;
    let ids = [
        a.draft("关于治理河道污染的建议", "城西河道污染严重。")
            .await,
        a.draft("关于保护湿地资源的建议", "湿地面积逐年减少。")
            .await,
    ];
    a.app.sql("DELETE FROM suggestion_search").await;
    a.app
        .sql("DELETE FROM settings WHERE key = 'suggestion_search'")
        .await;
    assert!(a.found("河道", "").await.is_empty(), "not indexed");
    a.app.store.migrate().await.unwrap();
    assert_eq!(a.found("河道", "").await, vec![ids[0].clone()]);
    assert_eq!(a.found("湿地资源", "").await, vec![ids[1].clone()]);
    assert_eq!(a.found("建议", "").await, ids.to_vec());
}

/// At a million suggestions a phrase whose every term is common (加装电梯)
/// is looked for first by walking the newest suggestions, and through
/// the index only when they do not fill the page. Tuned so that a few
/// rows take that path on PostgreSQL, every page holds what the index
/// finds, in order, whichever way it was found.
#[tokio::test]
async fn a_phrase_of_common_words_pages_alike_walked_or_indexed() {
    let tuning = renda_persistence::suggestions::SearchTuning {
        walk_from: 1.0,
        walk_span: 2,
    };
    let a = author_on(
        spawn_app_with(move |mut s| {
            s.store = s.store.with_search_tuning(tuning);
            s
        })
        .await,
    )
    .await;
    // Oldest first: six that hold each term of the phrase but not the
    // phrase, then the phrase in every other one of twelve.
    let mut phrase = Vec::new();
    for i in 0..18 {
        let with = i >= 6 && i % 2 == 0;
        let content = if with {
            format!("第{i}栋加装电梯。")
        } else {
            format!("第{i}栋加装设施，再装电梯。")
        };
        let id = a.draft("关于老旧小区的建议", &content).await;
        if with {
            phrase.push(id);
        }
    }
    a.app.sql("ANALYZE suggestion_search").await;
    let newest_first: Vec<String> = phrase.iter().rev().cloned().collect();

    for limit in [1, 2, 5, 100] {
        assert_eq!(
            a.found_paged("加装电梯", &format!("&limit={limit}&sort=-created"))
                .await,
            newest_first,
            "newest first, {limit} a page"
        );
        assert_eq!(
            a.found_paged("加装电梯", &format!("&limit={limit}")).await,
            phrase,
            "oldest first, {limit} a page"
        );
    }
    assert_eq!(
        a.found_paged("加装电梯。", "&limit=2&sort=-created").await,
        newest_first,
        "with punctuation"
    );
    assert_eq!(
        a.found_paged("电梯", "&limit=5&sort=-created").await.len(),
        18,
        "one word, in every row"
    );
    assert!(
        a.found_paged("量子", "&limit=2").await.is_empty(),
        "an absent word"
    );
    assert!(
        a.found_paged("加装电梯设施", "&limit=2").await.is_empty(),
        "a phrase in no row, although its words are in every row"
    );
    assert_eq!(
        a.found_paged("加装电梯", "&limit=2&sort=-updated").await,
        newest_first,
        "by last change"
    );
    let by_me = format!("&limit=2&deputy_id={}&status=draft", a.deputy_id);
    assert_eq!(
        a.found_paged("加装电梯", &by_me).await,
        phrase,
        "with filters"
    );
}
