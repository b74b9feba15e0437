//! Decision tables of the opinion commands: each refusal and each success.

use chrono::{TimeZone, Utc};
use uuid::Uuid;

use super::*;
use crate::suggestion::Issue as DraftIssue;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn ctx(user: Option<Uuid>, deputy: Option<Uuid>) -> Ctx {
    Ctx {
        user_id: user.map(Into::into),
        deputy_id: deputy.map(Into::into),
        now: Utc
            .with_ymd_and_hms(2026, 11, 30, 17, 0, 0)
            .single()
            .unwrap_or_default(),
        new_id: || Uuid::from_u128(999),
    }
}

fn staff() -> Ctx {
    ctx(Some(id(10)), None)
}

fn deputy() -> Ctx {
    ctx(Some(id(11)), Some(id(20)))
}

fn input() -> OpinionInput {
    OpinionInput {
        station_id: Some(id(5)),
        content: "小区门口路灯坏了三个月".into(),
        category: Some(" 城乡建设 ".into()),
        name: Some(" 张先生 ".into()),
        phone: Some("13800001234".into()),
    }
}

fn opinion(status: OpinionStatus) -> ConstituentOpinion {
    let mut o = receive(input(), true, &ctx(None, None)).unwrap_or_else(|e| panic!("{e}"));
    o.status = status;
    o
}

fn take_up_input() -> TakeUpInput {
    TakeUpInput {
        title: " 关于修复路灯的建议 ".into(),
        category: "城乡建设".into(),
        term: "第十九届".into(),
        content: None,
    }
}

const ALL_OPS: [&str; 4] = ["answer", "forward", "unit_reply", "take_up"];

fn run(op: &str, o: &ConstituentOpinion) -> Result<Change, OpinionError> {
    match op {
        "answer" => answer(o, "已联系街道".into(), &staff()),
        "forward" => forward(o, id(30).into(), None, true, &staff()),
        "unit_reply" => unit_reply(o, "已修复".into(), &ctx(Some(id(12)), None)),
        _ => take_up(o, take_up_input(), true, false, &deputy()),
    }
}

#[test]
fn a_received_opinion_is_kept_trimmed_and_waiting() {
    let o = receive(input(), true, &ctx(Some(id(7)), None)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(o.id, id(999));
    assert_eq!(o.status, OpinionStatus::Received);
    assert_eq!(o.category.as_deref(), Some("城乡建设"));
    assert_eq!(o.submitter_name.as_deref(), Some("张先生"));
    assert_eq!(o.created_by, Some(Into::into(id(7))));
    assert_eq!(o.handled_by, None);
}

#[test]
fn receiving_refuses_blank_content_and_an_unknown_station_together() {
    let mut i = input();
    i.content = "\u{200B} \u{3000}".into();
    let e = receive(i, false, &staff());
    assert_eq!(
        e,
        Err(OpinionError::Invalid(vec![
            FieldIssue::new("content", Issue::Blank),
            FieldIssue::new("station_id", Issue::UnknownStation),
        ]))
    );
    assert_eq!(e.map(|_| ()).unwrap_err().code(), Code::ValidationFailed);
}

/// Which operation each status allows, and where it leads.
#[test]
fn an_opinion_is_routed_once_and_only_a_forwarded_one_gets_a_unit_reply() {
    use OpinionStatus::*;
    let table: [(OpinionStatus, &str, Option<OpinionStatus>); 20] = [
        (Received, "answer", Some(Answered)),
        (Received, "forward", Some(Forwarded)),
        (Received, "unit_reply", None),
        (Received, "take_up", Some(TakenUp)),
        (Answered, "answer", None),
        (Answered, "forward", None),
        (Answered, "unit_reply", None),
        (Answered, "take_up", None),
        (Forwarded, "answer", None),
        (Forwarded, "forward", None),
        (Forwarded, "unit_reply", Some(Replied)),
        (Forwarded, "take_up", None),
        (Replied, "answer", None),
        (Replied, "forward", None),
        (Replied, "unit_reply", None),
        (Replied, "take_up", None),
        (TakenUp, "answer", None),
        (TakenUp, "forward", None),
        (TakenUp, "unit_reply", None),
        (TakenUp, "take_up", None),
    ];
    for (from, op, to) in table {
        let got = run(op, &opinion(from));
        match to {
            Some(to) => assert_eq!(got.map(|c| c.after.status), Ok(to), "{op} from {from}"),
            None => assert_eq!(
                got.map(|c| c.after.status),
                Err(OpinionError::InvalidState(from)),
                "{op} from {from}"
            ),
        }
    }
    assert_eq!(ALL_OPS.len() * OpinionStatus::ALL.len(), table.len());
}

#[test]
fn routing_records_who_and_when_but_a_unit_reply_keeps_the_router() {
    let c = staff();
    let a = answer(&opinion(OpinionStatus::Received), "已联系".into(), &c)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a.action, "answer");
    assert_eq!(a.after.answer.as_deref(), Some("已联系"));
    assert_eq!(a.after.handled_by, Some(Into::into(id(10))));
    assert_eq!(a.after.handled_at, Some(c.now));

    let mut fwd = opinion(OpinionStatus::Forwarded);
    fwd.handled_by = Some(id(10).into());
    let r = unit_reply(&fwd, "已修复".into(), &ctx(Some(id(12)), None))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.after.handled_by, Some(Into::into(id(10))));
    assert_eq!(r.after.unit_reply.as_deref(), Some("已修复"));
}

#[test]
fn blank_answers_and_replies_are_refused() {
    let blank = |field: &str| {
        Err(OpinionError::Invalid(vec![FieldIssue::new(
            field,
            Issue::Blank,
        )]))
    };
    assert_eq!(
        answer(
            &opinion(OpinionStatus::Received),
            " \u{FEFF}".into(),
            &staff()
        ),
        blank("answer")
    );
    assert_eq!(
        unit_reply(&opinion(OpinionStatus::Forwarded), "\t".into(), &staff()),
        blank("reply")
    );
}

#[test]
fn forwarding_needs_a_unit_on_record_and_drops_a_blank_note() {
    let o = opinion(OpinionStatus::Received);
    assert_eq!(
        forward(&o, id(30).into(), Some("请核实".into()), false, &staff()),
        Err(OpinionError::Invalid(vec![FieldIssue::new(
            "unit_id",
            Issue::UnknownUnit
        )]))
    );
    let c = forward(&o, id(30).into(), Some("  ".into()), true, &staff())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.after.unit_id, Some(Into::into(id(30))));
    assert_eq!(c.after.forward_note, None);
    let c = forward(&o, id(30).into(), Some("请核实".into()), true, &staff())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.after.forward_note.as_deref(), Some("请核实"));
}

#[test]
fn taking_up_drafts_a_suggestion_of_the_opinion_and_credits_the_deputy() {
    let o = opinion(OpinionStatus::Received);
    let c = take_up(&o, take_up_input(), true, false, &deputy()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.action, "take_up");
    assert_eq!(c.after.handled_by, Some(Into::into(id(11))));
    let [Effect::Suggestion(s), Effect::Duty(d)] = c.effects.as_slice() else {
        panic!("effects: {:?}", c.effects)
    };
    assert_eq!(s.title, "关于修复路灯的建议");
    assert_eq!(s.content, o.content);
    assert_eq!(s.lead_deputy_id, id(20).into());
    assert_eq!(s.created_by, id(11).into());
    assert_eq!(s.source, SuggestionSource::ConstituentOpinion);
    assert_eq!(s.source_ref, Some(o.id.to_string()));
    assert_eq!(d.deputy_id, id(20).into());
    assert_eq!(d.kind, DutyKind::OpinionTakenUp);
    assert_eq!(d.ref_id, Some(o.id));
    // 17:00 UTC on 30 November is 1 December in China.
    assert_eq!(d.occurred_on.to_string(), "2026-12-01");

    let mut own = take_up_input();
    own.content = Some("改写后的建议正文".into());
    let c = take_up(&o, own, true, false, &deputy()).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        matches!(c.effects.first(), Some(Effect::Suggestion(s)) if s.content == "改写后的建议正文")
    );
}

#[test]
fn taking_up_is_refused_to_a_non_deputy_and_for_a_bad_draft() {
    let o = opinion(OpinionStatus::Received);
    let e = take_up(&o, take_up_input(), true, false, &staff());
    assert_eq!(e, Err(OpinionError::NotADeputy));
    assert_eq!(OpinionError::NotADeputy.code(), Code::Forbidden);

    let mut bad = take_up_input();
    bad.title = " ".into();
    let Err(OpinionError::Draft(SuggestionError::Invalid(issues))) =
        take_up(&o, bad, false, false, &deputy())
    else {
        panic!("a blank title and an unknown category are refused")
    };
    let got: Vec<(&str, DraftIssue)> = issues.iter().map(|f| (f.field.as_str(), f.issue)).collect();
    assert_eq!(
        got,
        vec![
            ("title", DraftIssue::Blank),
            ("category", DraftIssue::UnknownCategory)
        ]
    );
}

#[test]
fn the_work_queues_hold_exactly_the_states_the_commands_take() {
    use crate::tasks::{OPINION_TO_REPLY, OPINION_TO_ROUTE};
    for s in OpinionStatus::ALL {
        let o = opinion(*s);
        let routes = *s == OPINION_TO_ROUTE;
        assert_eq!(answer(&o, "已处理".into(), &staff()).is_ok(), routes, "{s}");
        let fwd = forward(&o, id(7).into(), None, true, &staff());
        assert_eq!(fwd.is_ok(), routes, "{s}");
        let replies = *s == OPINION_TO_REPLY;
        assert_eq!(
            unit_reply(&o, "已处理".into(), &staff()).is_ok(),
            replies,
            "{s}"
        );
    }
}
