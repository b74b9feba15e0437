//! Decision tables of the activity and needs-list commands.

use chrono::NaiveDate;
use uuid::Uuid;

use super::*;
use crate::command::testing::{ctx, day, deputy, id};
use crate::duty::DutyKind;

fn input(on: NaiveDate) -> ActivityInput {
    ActivityInput {
        kind: ActivityKind::ServiceBrand,
        brand: Some(" 代表+心理关爱 ".into()),
        title: " 走进社区心理健康讲座 ".into(),
        description: None,
        day: on,
        place: "幸福社区".into(),
        organiser: "区人大常委会".into(),
        invited_deputy_ids: vec![id(22).into(), id(21).into()],
    }
}

fn activity(on: NaiveDate) -> Activity {
    plan(input(on), &[id(21).into(), id(22).into()], &ctx()).unwrap_or_else(|e| panic!("{e}"))
}

fn invalid(issues: &[(&str, Issue)]) -> ActivityError {
    ActivityError::Invalid(
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
fn an_activity_is_planned_trimmed_with_its_invited_sorted() {
    let a = activity(day(2026, 12, 5));
    assert_eq!(a.title, "走进社区心理健康讲座");
    assert_eq!(a.brand.as_deref(), Some("代表+心理关爱"));
    assert_eq!(a.invited, vec![deputy(21), deputy(22)]);
    assert_eq!(a.created_by, id(10).into());
}

#[test]
fn planning_refuses_blanks_a_missing_brand_a_far_day_and_unknown_deputies() {
    let mut i = input(day(2027, 12, 7));
    i.brand = Some(" ".into());
    i.place = "\u{200B}".into();
    i.invited_deputy_ids = vec![id(21).into(), id(99).into()];
    assert_eq!(
        plan(i, &[id(21).into()], &ctx()),
        Err(invalid(&[
            ("place", Issue::Blank),
            ("brand", Issue::BrandRequired),
            ("day", Issue::DayOutOfRange),
            ("invited_deputy_ids[1]", Issue::UnknownDeputy),
        ]))
    );
    let mut other = input(day(2025, 12, 4));
    other.kind = ActivityKind::Visit;
    other.brand = None;
    assert!(plan(other, &[id(21).into(), id(22).into()], &ctx()).is_ok());
}

#[test]
fn a_change_of_day_is_checked_and_refused_after_check_ins() {
    // Long past: the day is not checked again while it stays.
    let old = activity(day(2026, 1, 1));
    let mut old_past = old.clone();
    old_past.day = day(2024, 1, 1);
    let retitle = ActivityPatch {
        title: Some("新标题".into()),
        ..Default::default()
    };
    let facts = ActivityFacts {
        existing_deputies: vec![],
        checked_in: true,
    };
    let changed = update(&old_past, retitle, &facts, &ctx()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(changed.map(|a| a.title), Some("新标题".to_owned()));

    let move_far = ActivityPatch {
        day: Some(day(2024, 1, 2)),
        ..Default::default()
    };
    assert_eq!(
        update(&old_past, move_far, &facts, &ctx()),
        Err(invalid(&[("day", Issue::DayOutOfRange)]))
    );
    let move_near = || ActivityPatch {
        day: Some(day(2026, 12, 6)),
        ..Default::default()
    };
    assert_eq!(
        update(&old, move_near(), &facts, &ctx()),
        Err(ActivityError::AttendanceRecorded)
    );
    let none_in = ActivityFacts::default();
    let moved = update(&old, move_near(), &none_in, &ctx()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(moved.map(|a| a.day), Some(day(2026, 12, 6)));
    assert_eq!(
        update(&old, ActivityPatch::default(), &facts, &ctx()),
        Ok(None)
    );
    let drop_brand = ActivityPatch {
        brand: Some(None),
        ..Default::default()
    };
    assert_eq!(
        update(&old, drop_brand, &none_in, &ctx()),
        Err(invalid(&[("brand", Issue::BrandRequired)]))
    );
}

#[test]
fn sign_up_until_the_day_check_in_on_the_day_attendance_from_the_day() {
    let table = [
        // (activity day, sign-up ok, check-in ok, attendance ok)
        (day(2026, 12, 4), false, false, true),
        (day(2026, 12, 5), true, true, true),
        (day(2026, 12, 6), true, false, false),
    ];
    for (on, signs, checks, attends) in table {
        let a = activity(on);
        assert_eq!(sign_up(&a, &ctx()).is_ok(), signs, "{on}");
        assert_eq!(
            check_in(&a, id(21), &ctx()).err(),
            (!checks).then_some(ActivityError::CheckInClosed),
            "{on}"
        );
        assert_eq!(
            record_attendance(&a, &[id(21).into()], &[id(21).into()], &ctx()).err(),
            (!attends).then_some(ActivityError::NotHeld),
            "{on}"
        );
    }
    assert_eq!(
        sign_up(&activity(day(2026, 12, 4)), &ctx()),
        Err(ActivityError::Over)
    );
}

#[test]
fn check_ins_carry_a_duty_each_and_who_recorded_them() {
    let a = activity(day(2026, 12, 5));
    let own = check_in(&a, id(21), &ctx()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(own.by, None);
    let [d] = own.duties.as_slice() else {
        panic!("one duty")
    };
    assert_eq!(d.deputy_id, id(21).into());
    assert_eq!(d.kind, DutyKind::ActivityAttended);
    assert_eq!(d.occurred_on, a.day);
    assert_eq!(d.content.as_deref(), Some("代表+心理关爱"));
    assert_eq!(d.ref_id, Some(a.id));

    let rec = record_attendance(
        &a,
        &[id(22).into(), id(21).into(), id(22).into()],
        &[id(21).into(), id(22).into()],
        &ctx(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rec.by, Some(Into::into(id(10))));
    let who: Vec<_> = rec.duties.iter().map(|d| d.deputy_id).collect();
    assert_eq!(who, vec![deputy(21), deputy(22)]);
    assert_eq!(
        record_attendance(
            &a,
            &[id(21).into(), id(99).into()],
            &[id(21).into()],
            &ctx()
        ),
        Err(invalid(&[("deputy_ids[1]", Issue::UnknownDeputy)]))
    );
}

fn need() -> Need {
    record_need(
        NeedInput {
            requester: " 某机械制造有限公司 ".into(),
            requester_kind: RequesterKind::Enterprise,
            content: "了解高新技术企业认定政策".into(),
            contact_phone: None,
        },
        &ctx(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn matched(n: &Need, deputy: Option<Uuid>, activity: Option<Uuid>) -> CmdResult<Need> {
    match_need(
        n,
        MatchInput {
            activity_id: activity,
            deputy_id: deputy.map(Into::into),
            activity_known: true,
            deputy_known: true,
        },
    )
}

type CmdResult<T> = Result<T, ActivityError>;

#[test]
fn a_need_is_open_then_matched_then_met_and_never_matched_after() {
    let n = need();
    assert_eq!(n.status, NeedStatus::Open);
    assert_eq!(n.requester, "某机械制造有限公司");
    assert_eq!(
        close_need(&n, "已办".into()),
        Err(ActivityError::NeedState(NeedStatus::Open))
    );
    let m = matched(&n, Some(id(21)), None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(m.status, NeedStatus::Matched);
    assert_eq!(m.deputy_id, Some(Into::into(id(21))));
    let again = matched(&m, None, Some(id(40))).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((again.deputy_id, again.activity_id), (None, Some(id(40))));
    assert_eq!(
        close_need(&m, " ".into()),
        Err(invalid(&[("note", Issue::Blank)]))
    );
    let met = close_need(&m, "企业完成申报".into()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(met.status, NeedStatus::Met);
    assert_eq!(met.close_note.as_deref(), Some("企业完成申报"));
    assert_eq!(
        matched(&met, Some(id(21)), None),
        Err(ActivityError::NeedState(NeedStatus::Met))
    );
    assert_eq!(
        close_need(&met, "再次".into()),
        Err(ActivityError::NeedState(NeedStatus::Met))
    );
    assert_eq!(
        ActivityError::NeedState(NeedStatus::Met).code(),
        Code::InvalidState
    );
}

#[test]
fn a_match_names_something_that_exists() {
    let n = need();
    assert_eq!(
        matched(&n, None, None),
        Err(invalid(&[("deputy_id", Issue::MatchRequired)]))
    );
    let unknown = MatchInput {
        activity_id: Some(id(40)),
        deputy_id: Some(id(99).into()),
        activity_known: false,
        deputy_known: false,
    };
    assert_eq!(
        match_need(&n, unknown),
        Err(invalid(&[
            ("activity_id", Issue::UnknownActivity),
            ("deputy_id", Issue::UnknownDeputy),
        ]))
    );
    assert_eq!(
        record_need(
            NeedInput {
                requester: " ".into(),
                requester_kind: RequesterKind::Resident,
                content: "".into(),
                contact_phone: None,
            },
            &ctx()
        ),
        Err(invalid(&[
            ("requester", Issue::Blank),
            ("content", Issue::Blank)
        ]))
    );
}
