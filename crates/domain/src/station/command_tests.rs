//! Decision tables of the station and reception-day commands.

use chrono::NaiveDate;

use super::*;
use crate::command::testing::{ctx, day, deputy, id};
use crate::duty::DutyKind;

fn input() -> StationInput {
    StationInput {
        kind: StationKind::Station,
        name: " 古城街道代表联络站 ".into(),
        address: None,
        parent_id: Some(id(1)),
        contact_person: None,
        contact_phone: None,
        description: None,
        deputy_ids: vec![id(22).into(), id(21).into(), id(22).into()],
    }
}

fn facts(parent: Option<Ancestry>) -> StationFacts {
    StationFacts {
        existing_deputies: vec![id(21).into(), id(22).into()],
        parent,
    }
}

fn station() -> Station {
    open(input(), &facts(Some(Ancestry::Found(vec![id(1)]))), &ctx())
        .unwrap_or_else(|e| panic!("{e}"))
}

fn invalid(issues: &[(&str, Issue)]) -> StationError {
    StationError::Invalid(
        issues
            .iter()
            .map(|(f, i)| FieldIssue {
                field: (*f).to_owned(),
                issue: *i,
            })
            .collect(),
    )
}

#[test]
fn a_station_opens_trimmed_with_its_deputies_sorted_once() {
    let s = station();
    assert_eq!(s.name, "古城街道代表联络站");
    assert_eq!(s.deputy_ids, vec![deputy(21), deputy(22)]);
    assert_eq!(s.id, id(999));
    assert_eq!(s.version, 1);
}

#[test]
fn opening_refuses_unknown_deputies_a_blank_name_and_a_gone_parent() {
    let mut i = input();
    i.name = "\u{3000}".into();
    i.deputy_ids = vec![id(21).into(), id(99).into()];
    assert_eq!(
        open(i, &facts(Some(Ancestry::Missing)), &ctx()),
        Err(invalid(&[
            ("deputy_ids[1]", Issue::UnknownDeputy),
            ("name", Issue::Blank),
            ("parent_id", Issue::Parent(ParentProblem::Gone)),
        ]))
    );
}

/// A parent is refused when the station is in its chain, when the chain is
/// deeper than any office keeps (only a stored loop makes it), or when a
/// link is gone.
#[test]
fn the_parent_must_not_make_a_loop() {
    let me = Some(id(5));
    let table = [
        (None, Ancestry::Found(vec![id(1), id(2)]), None),
        (me, Ancestry::Found(vec![id(1), id(2)]), None),
        (me, Ancestry::Found(vec![id(5)]), Some(ParentProblem::Cycle)),
        (
            me,
            Ancestry::Found(vec![id(1), id(5), id(2)]),
            Some(ParentProblem::Cycle),
        ),
        (me, Ancestry::Found(vec![id(1); MAX_DEPTH]), None),
        (
            me,
            Ancestry::Found(vec![id(1); MAX_DEPTH + 1]),
            Some(ParentProblem::Cycle),
        ),
        (me, Ancestry::Missing, Some(ParentProblem::Gone)),
    ];
    for (station, ancestry, want) in table {
        assert_eq!(parent_problem(station, &ancestry), want, "{ancestry:?}");
    }
}

#[test]
fn a_patch_changes_only_what_it_names_and_checks_the_new_parent() {
    let s = station();
    let none = update(&s, StationPatch::default(), &facts(None));
    assert_eq!(none, Ok(None));
    let same_name = StationPatch {
        name: Some("古城街道代表联络站".into()),
        ..Default::default()
    };
    assert_eq!(update(&s, same_name, &facts(None)), Ok(None));

    let patch = StationPatch {
        address: Some(Some("古城路1号".into())),
        parent_id: Some(None),
        deputy_ids: Some(vec![id(22).into()]),
        ..Default::default()
    };
    let after = update(&s, patch, &facts(None))
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("changed"));
    assert_eq!(after.address.as_deref(), Some("古城路1号"));
    assert_eq!(after.parent_id, None);
    assert_eq!(after.deputy_ids, vec![deputy(22)]);
    assert_eq!(after.name, s.name);

    let looping = StationPatch {
        parent_id: Some(Some(id(3))),
        name: Some(" ".into()),
        ..Default::default()
    };
    let chain = Ancestry::Found(vec![id(3), s.id]);
    assert_eq!(
        update(&s, looping, &facts(Some(chain))),
        Err(invalid(&[
            ("name", Issue::Blank),
            ("parent_id", Issue::Parent(ParentProblem::Cycle)),
        ]))
    );
}

#[test]
fn a_station_with_stations_below_stays_open() {
    let s = station();
    assert_eq!(close(&s, 1, &ctx()), Err(StationError::HasChildren));
    assert_eq!(StationError::HasChildren.code(), Code::StationHasChildren);
    let closed = close(&s, 0, &ctx()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(closed.deleted_at, Some(ctx().now));
}

fn plan(d: NaiveDate, deputies: Vec<DeputyId>) -> CmdResult<ReceptionDay> {
    plan_reception(
        &station(),
        ReceptionInput {
            day: d,
            hours: None,
            topic: Some("加装电梯".into()),
            deputy_ids: deputies,
        },
        &ctx(),
    )
}

type CmdResult<T> = Result<T, StationError>;

#[test]
fn a_reception_day_has_assigned_deputies_within_a_year_of_today() {
    let table = [
        (day(2026, 12, 5), true),
        (day(2025, 12, 4), true),
        (day(2025, 12, 3), false),
        (day(2027, 12, 6), true),
        (day(2027, 12, 7), false),
    ];
    for (d, ok) in table {
        let got = plan(d, vec![id(21).into()]);
        if ok {
            assert_eq!(got.map(|r| r.day), Ok(d));
        } else {
            assert_eq!(got, Err(invalid(&[("day", Issue::DayOutOfRange)])), "{d}");
        }
    }
    assert_eq!(
        plan(day(2026, 12, 5), vec![id(21).into(), id(30).into()]),
        Err(invalid(&[("deputy_ids[1]", Issue::NotAssigned)]))
    );
}

#[test]
fn a_reception_day_is_recorded_once_on_or_after_the_day_with_a_duty_each() {
    let today = plan(day(2026, 12, 5), vec![id(22).into(), id(21).into()])
        .unwrap_or_else(|e| panic!("{e}"));
    let record = || ReceptionRecord {
        people_received: 12,
        matters: vec![" 小区停车难 ".into()],
    };
    let r = record_reception(&today, "古城站", record(), &ctx()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.after.people_received, Some(12));
    assert_eq!(r.after.matters, vec!["小区停车难".to_owned()]);
    assert_eq!(r.after.recorded_by, Some(Into::into(id(10))));
    let credited: Vec<_> = r.duties.iter().map(|d| d.deputy_id).collect();
    assert_eq!(credited, vec![deputy(21), deputy(22)]);
    assert!(r.duties.iter().all(|d| d.kind == DutyKind::ReceptionServed
        && d.title == "古城站接待日"
        && d.occurred_on == today.day
        && d.content.as_deref() == Some("加装电梯")));

    assert_eq!(
        record_reception(&r.after, "古城站", record(), &ctx()),
        Err(StationError::AlreadyRecorded)
    );
    let tomorrow = plan(day(2026, 12, 6), vec![id(21).into()]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        record_reception(&tomorrow, "古城站", record(), &ctx()),
        Err(StationError::NotHeldYet)
    );
    let long = ReceptionRecord {
        people_received: 1,
        matters: vec![
            "好".into(),
            " ".into(),
            "长".repeat(MATTER_MAX + 1),
            "长".repeat(MATTER_MAX),
        ],
    };
    assert_eq!(
        record_reception(&today, "古城站", long, &ctx()),
        Err(invalid(&[
            ("matters[1]", Issue::MatterLength),
            ("matters[2]", Issue::MatterLength),
        ]))
    );
}
