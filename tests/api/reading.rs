//! A suggestion reads alike by id, in lists and after a change: its
//! co-signers in the order named, its co-units and the reply of the
//! latest round. They come as JSON built in the suggestion's own
//! statement, which must give what their tables hold.

use serde_json::{Value, json};

use crate::suggestions::world;

/// The parts of a suggestion read beside its row.
fn children(s: &Value) -> (Value, Value, Value) {
    (
        s["co_signers"].clone(),
        s["co_units"].clone(),
        s["reply"].clone(),
    )
}

#[tokio::test]
async fn co_signers_co_units_and_the_latest_reply_read_alike_everywhere() {
    let w = world().await;
    let lead = &w.deputy_tokens[0];
    // Two co-signers, named in this order: the later-created first.
    let created = w
        .app
        .post(
            "/api/v1/suggestions",
            Some(lead),
            &json!({
                "title": "关于完善背街小巷路灯的建议",
                "content": "部分背街小巷夜间照明不足，建议增设路灯。",
                "category": "城乡建设",
                "term": "第十八届",
                "timing": "during_session",
                "co_signer_ids": [w.deputies[2], w.deputies[1]]
            }),
        )
        .await;
    let id = created.ok(201)["id"].as_str().unwrap().to_owned();
    let named: Vec<&Value> = created.body["co_signers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["deputy_id"])
        .collect();
    assert_eq!(named, [&json!(w.deputies[2]), &json!(w.deputies[1])]);
    for t in [&w.deputy_tokens[1], &w.deputy_tokens[2]] {
        w.op(t, &id, "confirm-co-signature", json!({}))
            .await
            .ok(200);
    }
    w.op(lead, &id, "submit", json!({})).await.ok(200);
    w.op(&w.staff, &id, "register", json!({})).await.ok(200);
    w.op(
        &w.staff,
        &id,
        "assign",
        json!({"lead_unit_id": w.units[0], "co_unit_ids": [w.units[2], w.units[1]], "color": "green"}),
    )
    .await
    .ok(200);
    w.op(
        &w.unit_tokens[2],
        &id,
        "co-unit-opinion",
        json!({"opinion": "同意主办单位意见。"}),
    )
    .await
    .ok(200);
    w.reply(&id, "C").await.ok(200);
    w.app.clock.advance(3);
    w.op(lead, &id, "evaluate", json!({"result": "unsatisfied"}))
        .await
        .ok(200);
    let replied = w.reply(&id, "A").await;
    let after_change = children(replied.ok(200));

    let by_id = w.get(Some(&w.staff), &id).await;
    let s = by_id.ok(200);
    let (co_signers, co_units, reply) = children(s);
    assert_eq!(
        (co_signers.clone(), co_units.clone(), reply.clone()),
        after_change
    );
    let signers: Vec<(&Value, &Value)> = co_signers
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (&c["deputy_id"], &c["status"]))
        .collect();
    assert_eq!(
        signers,
        [
            (&json!(w.deputies[2]), &json!("confirmed")),
            (&json!(w.deputies[1]), &json!("confirmed"))
        ],
        "co-signers keep the order they were named in"
    );
    assert!(co_signers[0]["confirmed_at"].is_string());
    let mut units: Vec<&str> = co_units
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["unit_id"].as_str().unwrap())
        .collect();
    units.sort_unstable();
    let mut expected = vec![w.units[1].as_str(), w.units[2].as_str()];
    expected.sort_unstable();
    assert_eq!(units, expected);
    let opinion = co_units
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit_id"] == w.units[2].as_str())
        .unwrap();
    assert_eq!(opinion["opinion"], "同意主办单位意见。");
    assert!(opinion["opinion_at"].is_string());
    assert_eq!(reply["round"], 2, "the reply shown is the latest round's");
    assert_eq!(reply["category"], "A");
    // The same reply as its own collection reads it, to the microsecond.
    let replies = w.app.get(&w.path(&id, "replies"), Some(&w.staff)).await;
    let mut latest = replies.ok(200)["items"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    // A collection's items say whether they are tombstones.
    assert_eq!(
        latest.as_object_mut().unwrap().remove("deleted"),
        Some(json!(false))
    );
    assert_eq!(reply, latest);

    // A list gives each suggestion as a read by id does, beside one with
    // no co-signer, no co-unit and no reply.
    let bare = w
        .app
        .post(
            "/api/v1/suggestions",
            Some(lead),
            &json!({
                "title": "关于增加公交班次的建议",
                "content": "早晚高峰公交拥挤，建议增加班次。",
                "category": "交通",
                "term": "第十八届",
                "timing": "during_session"
            }),
        )
        .await;
    let bare_id = bare.ok(201)["id"].as_str().unwrap().to_owned();
    let list = w
        .app
        .get(
            &format!("/api/v1/suggestions?deputy_id={}", w.deputies[0]),
            Some(lead),
        )
        .await;
    let items = list.ok(200)["items"].as_array().unwrap().clone();
    let item = |x: &str| {
        let mut i = items.iter().find(|i| i["id"] == x).unwrap().clone();
        assert_eq!(
            i.as_object_mut().unwrap().remove("deleted"),
            Some(json!(false))
        );
        i
    };
    assert_eq!(item(&id), *w.get(Some(lead), &id).await.ok(200));
    let b = item(&bare_id);
    assert_eq!(
        children(&b),
        (json!([]), json!([]), Value::Null),
        "nothing beside it reads as empty lists and no reply"
    );
    assert_eq!(b, *w.get(Some(lead), &bare_id).await.ok(200));
}
