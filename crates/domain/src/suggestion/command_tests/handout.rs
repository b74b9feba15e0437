//! Handing out in batches (交办) and passing on through a government
//! office (分办).

use super::*;

const BATCH: Uuid = Uuid::from_u128(700);

fn batch<'a>(rows: Vec<(Option<&'a Suggestion>, AssignInput)>) -> BatchInput<'a> {
    let rows = rows
        .into_iter()
        .map(|(suggestion, assignment)| BatchRow {
            suggestion,
            assignment,
            supervisor_is_leader: Some(true),
        })
        .collect();
    BatchInput {
        id: BATCH,
        title: " 第十八届第五次会议代表建议交办会 ".into(),
        meeting_date: today(),
        congress_session_id: None,
        document_number: Some("宿城人常办〔2026〕3号".into()),
        rows,
    }
}

#[test]
fn a_batch_assigns_every_row_or_names_each_refused_one() {
    let a = suggestion(Registered, Green);
    let mut b = suggestion(Registered, Green);
    b.id = Uuid::from_u128(2);
    let mut closed = suggestion(Closed, Green);
    closed.id = Uuid::from_u128(3);
    let ok = hand_out(
        batch(vec![
            (Some(&a), assign_input(Green)),
            (Some(&b), assign_input(Yellow)),
        ]),
        &assign_facts().existing_units,
        &ctx(),
    );
    let (made, changes) = ok.unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        (made.title.as_str(), made.item_count, made.created_by),
        ("第十八届第五次会议代表建议交办会", 2, USER)
    );
    assert!(
        changes
            .iter()
            .all(|c| c.after.assignment_batch_id == Some(BATCH))
    );
    assert_eq!(changes[1].after.color, Some(Yellow));
    assert_eq!(
        changes[0]
            .event
            .detail
            .as_ref()
            .map(|d| d["batch_id"].clone()),
        Some(json!(BATCH))
    );

    let mut unknown_unit = assign_input(Green);
    unknown_unit.lead_unit_id = NO_UNIT;
    let refused = hand_out(
        batch(vec![
            (Some(&a), assign_input(Green)),
            (None, assign_input(Green)),
            (Some(&a), assign_input(Green)),
            (Some(&closed), assign_input(Green)),
            (Some(&b), unknown_unit),
        ]),
        &assign_facts().existing_units,
        &ctx(),
    );
    let Err(E::Invalid(issues)) = refused else {
        panic!("{refused:?}")
    };
    let got: Vec<(&str, Issue)> = issues.iter().map(|f| (f.field.as_str(), f.issue)).collect();
    assert_eq!(
        got,
        [
            ("items[1].suggestion_id", Issue::UnknownSuggestion),
            ("items[2].suggestion_id", Issue::Repeated),
            ("items[3].suggestion_id", Issue::State(Closed)),
            ("items[4].lead_unit_id", Issue::UnknownUnit),
        ]
    );
}

#[test]
fn an_office_passes_on_by_its_deadline_and_keeps_reading() {
    let s = suggestion(Registered, Green);
    let mut input = assign_input(Green);
    input.pass_on_due = Some(d(3, 10));
    let assigned = assign(&s, input.clone(), &assign_facts(), &ctx())
        .unwrap_or_else(|e| panic!("{e}"))
        .after;
    assert_eq!(assigned.pass_on_due, Some(d(3, 10)));
    for bad in [d(3, 4), d(4, 30)] {
        let mut late = input.clone();
        late.pass_on_due = Some(bad);
        assert_eq!(
            assign(&s, late, &assign_facts(), &ctx()),
            Err(E::field("pass_on_due", Issue::PassOnDue)),
            "{bad}"
        );
    }
    let to = PassOnInput {
        lead_unit_id: OTHER_UNIT,
        co_unit_ids: vec![CO_UNIT, OTHER_UNIT],
    };
    let units = [LEAD_UNIT, CO_UNIT, OTHER_UNIT];
    let c =
        pass_on(&assigned, to.clone(), &units, &ctx_on(d(3, 12))).unwrap_or_else(|e| panic!("{e}"));
    let a = &c.after;
    assert_eq!(
        (a.lead_unit_id, a.dispatcher_unit_id, a.pass_on_due),
        (Some(OTHER_UNIT), Some(LEAD_UNIT), None)
    );
    assert_eq!(a.deadline, assigned.deadline, "the reply deadline stays");
    assert_eq!(a.co_units.len(), 1, "the co-unit named twice is kept once");
    assert_eq!(c.event.action, "passed_on");
    assert_eq!(
        c.event.detail.as_ref().map(|d| d["late"].clone()),
        Some(json!(true))
    );
    let (written, told) = split(&c.effects);
    assert_eq!(
        written,
        [Effect::Assignment {
            lead_unit_id: OTHER_UNIT,
            end_reason: Some("passed_on")
        }]
    );
    // The department it goes to is told, with the deadline that stays;
    // its co-unit with its own.
    assert_eq!(told.len(), 1 + a.co_units.len());
    assert_eq!(
        told[0],
        (
            NoticeKind::SuggestionAssigned,
            vec![Recipient::Unit(OTHER_UNIT)],
            a.deadline
        )
    );
    // A co-unit made the lead unit is no longer a co-unit.
    let to_co = PassOnInput {
        lead_unit_id: CO_UNIT,
        co_unit_ids: vec![],
    };
    let c2 = pass_on(&assigned, to_co, &units, &ctx()).unwrap_or_else(|e| panic!("{e}"));
    assert!(c2.after.co_units.iter().all(|c| c.unit_id != CO_UNIT));
    // Replying itself, the office has nothing left to pass on.
    let replied =
        reply(&assigned, reply_input(A), &facts(&[]), &ctx()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(replied.after.pass_on_due, None);
    // Only once, only what waits to be passed on, only to another unit.
    assert_eq!(
        pass_on(a, to.clone(), &units, &ctx()),
        Err(E::NothingToPassOn)
    );
    let plain = suggestion(Assigned, Green);
    assert_eq!(
        pass_on(&plain, to.clone(), &units, &ctx()),
        Err(E::NothingToPassOn)
    );
    let back = PassOnInput {
        lead_unit_id: LEAD_UNIT,
        co_unit_ids: vec![NO_UNIT],
    };
    let got = pass_on(&assigned, back, &units, &ctx());
    let Err(E::Invalid(issues)) = got else {
        panic!("{got:?}")
    };
    let fields: Vec<&str> = issues.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["lead_unit_id", "co_unit_ids[0]"]);
    assert_eq!(
        pass_on(&suggestion(Replied, Green), to, &units, &ctx()),
        Err(E::InvalidState(Replied))
    );
}
