//! The queues against the commands that end the wait: a task is listed
//! exactly while its command would be taken.

use chrono::{NaiveDate, TimeZone, Utc};
use uuid::Uuid;

use super::*;
use crate::suggestion::{
    self as sg, By, Ctx, EvaluationResult, HandlingPolicy, NewSuggestion, SessionTiming,
    SuggestionSource, Transition, next_status,
};

const DEPUTY: u128 = 100;
const CO_SIGNER: u128 = 101;
const UNIT: u128 = 200;
const CO_UNIT: u128 = 201;
const LEADER: u128 = 300;
const STAFF: u128 = 10;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn holder(user: u128, roles: &[Role], deputy: Option<u128>, unit: Option<u128>) -> Holder {
    Holder {
        user_id: UserId::new(id(user)),
        roles: RoleSet::new(roles.iter().copied()),
        deputy_id: deputy.map(|d| id(d).into()),
        unit_id: unit.map(|u| id(u).into()),
    }
}

fn office() -> Holder {
    holder(STAFF, &[Role::Staff], None, None)
}
fn lead_unit() -> Holder {
    holder(20, &[Role::Unit], None, Some(UNIT))
}
fn co_unit() -> Holder {
    holder(21, &[Role::Unit], None, Some(CO_UNIT))
}
fn lead_deputy() -> Holder {
    holder(30, &[Role::Deputy], Some(DEPUTY), None)
}
fn co_signer() -> Holder {
    holder(31, &[Role::Deputy], Some(CO_SIGNER), None)
}
fn leader() -> Holder {
    holder(LEADER, &[Role::Leader], None, None)
}

fn queue(kind: TaskKind) -> SuggestionQueue {
    SUGGESTION_QUEUES
        .iter()
        .copied()
        .find(|q| q.kind == kind)
        .unwrap_or_else(|| panic!("no queue {kind}"))
}

fn waiting(s: &Suggestion, who: &Holder) -> Vec<TaskKind> {
    SUGGESTION_QUEUES
        .iter()
        .filter(|q| q.holds(s, who))
        .map(|q| q.kind)
        .collect()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 5).unwrap_or_default()
}

fn ctx<'a>(policy: &'a HandlingPolicy, by: &Holder) -> Ctx<'a> {
    Ctx {
        by: By {
            user_id: by.user_id,
            deputy_id: by.deputy_id,
            unit_id: by.unit_id,
        },
        now: Utc
            .with_ymd_and_hms(2026, 3, 5, 2, 0, 0)
            .single()
            .unwrap_or_default(),
        today: today(),
        policy,
    }
}

fn draft() -> Suggestion {
    let new = NewSuggestion {
        title: "关于增设社区助餐点的建议".into(),
        content: "正文".into(),
        category: "民政".into(),
        term: "第十八届".into(),
        session: None,
        timing: SessionTiming::BetweenSessions,
        lead_deputy_id: id(DEPUTY).into(),
        co_signers: vec![id(CO_SIGNER).into()],
        source: SuggestionSource::Deputy,
        source_ref: None,
        created_by: UserId::new(id(30)),
    };
    Suggestion::drafted(id(1), new, Utc::now())
}

fn at(status: SuggestionStatus, color: Color) -> Suggestion {
    let mut s = draft();
    s.status = status;
    s.color = Some(color);
    s.lead_unit_id = Some(id(UNIT).into());
    s.co_units = vec![sg::CoUnit {
        unit_id: id(CO_UNIT).into(),
        deadline: NaiveDate::from_ymd_opt(2026, 3, 20),
        opinion: None,
        opinion_at: None,
    }];
    s.supervisor_id = Some(UserId::new(id(LEADER)));
    s
}

#[test]
fn the_office_reviews_and_assigns_exactly_where_the_state_machine_allows() {
    for status in SuggestionStatus::ALL.iter().copied() {
        let s = at(status, Color::Green);
        let ok = |t| next_status(status, t, s.color).is_ok();
        let want: Vec<TaskKind> = [
            (TaskKind::RegisterSuggestion, ok(Transition::Register)),
            (TaskKind::AssignSuggestion, ok(Transition::Assign)),
        ]
        .into_iter()
        .filter(|(_, allowed)| *allowed)
        .map(|(k, _)| k)
        .collect();
        assert_eq!(waiting(&s, &office()), want, "{status}");
    }
}

#[test]
fn the_lead_unit_replies_where_a_reply_is_allowed_and_no_other_unit_does() {
    for status in SuggestionStatus::ALL.iter().copied() {
        let s = at(status, Color::Yellow);
        let allowed = next_status(status, Transition::Reply, s.color).is_ok();
        let q = queue(TaskKind::ReplySuggestion);
        assert_eq!(q.holds(&s, &lead_unit()), allowed, "{status}");
        assert!(!q.holds(&s, &co_unit()), "{status}");
        assert!(!q.holds(&s, &office()), "{status}");
    }
}

#[test]
fn a_co_unit_waits_until_it_sends_its_opinion() {
    let policy = HandlingPolicy::default();
    let s = at(SuggestionStatus::Assigned, Color::Green);
    assert_eq!(waiting(&s, &co_unit()), [TaskKind::GiveCoUnitOpinion]);
    let c = sg::co_unit_opinion(&s, "同意".into(), &ctx(&policy, &co_unit()));
    let after = c.map(|c| c.after).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(waiting(&after, &co_unit()), []);
    // The lead unit still has its reply to give.
    assert_eq!(waiting(&after, &lead_unit()), [TaskKind::ReplySuggestion]);
}

#[test]
fn a_co_signer_is_asked_until_they_answer() {
    let policy = HandlingPolicy::default();
    let s = draft();
    assert_eq!(waiting(&s, &co_signer()), [TaskKind::AnswerCoSignature]);
    assert_eq!(waiting(&s, &lead_deputy()), []);
    let answered = sg::answer_co_signature(&s, true, None, &ctx(&policy, &co_signer()));
    let after = match answered {
        Ok(Some(c)) => c.after,
        other => panic!("{other:?}"),
    };
    assert_eq!(waiting(&after, &co_signer()), []);
}

#[test]
fn the_lead_deputy_evaluates_a_reply_once() {
    let policy = HandlingPolicy::default();
    let mut s = at(SuggestionStatus::Replied, Color::Green);
    s.replied_at = Some(Utc::now());
    assert_eq!(waiting(&s, &lead_deputy()), [TaskKind::EvaluateReply]);
    assert_eq!(waiting(&s, &co_signer()), []);
    let c = sg::evaluate(
        &s,
        EvaluationResult::BasicallySatisfied,
        None,
        &ctx(&policy, &lead_deputy()),
    );
    let after = c.map(|c| c.after).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(waiting(&after, &lead_deputy()), []);
}

#[test]
fn the_supervising_leader_signs_off_a_replied_red_suggestion_once() {
    let mut red = at(SuggestionStatus::Replied, Color::Red);
    assert_eq!(waiting(&red, &leader()), [TaskKind::SignOffSuggestion]);
    let other_leader = holder(301, &[Role::Leader], None, None);
    assert_eq!(waiting(&red, &other_leader), []);
    red.signed_off_at = Some(Utc::now());
    assert_eq!(waiting(&red, &leader()), []);
    let yellow = at(SuggestionStatus::Replied, Color::Yellow);
    assert_eq!(waiting(&yellow, &leader()), []);
}

#[test]
fn a_letter_waits_for_its_unit_until_acknowledged() {
    let policy = HandlingPolicy::default();
    let mut s = at(SuggestionStatus::Submitted, Color::Green);
    s.lead_unit_id = None;
    let c = sg::reject(
        &s,
        "不属于建议".into(),
        Some((id(UNIT).into(), true)),
        &ctx(&policy, &office()),
    );
    let rejected = c.map(|c| c.after).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        waiting(&rejected, &lead_unit()),
        [TaskKind::AcknowledgeLetter]
    );
    assert_eq!(waiting(&rejected, &co_unit()), []);
    let c = sg::acknowledge_letter(&rejected, None, &ctx(&policy, &lead_unit()));
    let after = c.map(|c| c.after).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(waiting(&after, &lead_unit()), []);
}

#[test]
fn an_account_holds_the_kinds_of_its_roles_and_links() {
    use TaskKind as K;
    let office_kinds = [
        K::RegisterSuggestion,
        K::AssignSuggestion,
        K::DecideRequest,
        K::RegisterMotion,
        K::RouteOpinion,
    ];
    assert_eq!(office().kinds(), office_kinds);
    let unit_kinds = [
        K::ReplySuggestion,
        K::GiveCoUnitOpinion,
        K::ReportRectification,
        K::ReplyOpinion,
        K::AcknowledgeLetter,
    ];
    assert_eq!(lead_unit().kinds(), unit_kinds);
    let deputy_kinds = [
        K::CheckInActivity,
        K::ServeReception,
        K::AnswerCoSignature,
        K::EvaluateReply,
        K::ConfirmConsultation,
        K::CastSupervisionVote,
        K::CastLivelihoodVote,
        K::SignUpActivity,
    ];
    assert_eq!(lead_deputy().kinds(), deputy_kinds);
    assert_eq!(
        leader().kinds(),
        [K::SignOffSuggestion, K::InstructKeySuggestion]
    );
    // A unit account linked to no unit, a deputy account to no deputy, hold nothing.
    assert_eq!(
        holder(40, &[Role::Unit, Role::Deputy], None, None).kinds(),
        []
    );
    assert_eq!(holder(41, &[Role::Admin], None, None).kinds(), []);
    // Every kind is listed once, and has a queue.
    for k in TaskKind::ALL {
        assert_eq!(ORDER.iter().filter(|o| *o == k).count(), 1, "{k}");
        let queues = SUGGESTION_QUEUES.iter().filter(|q| q.kind == *k).count()
            + RECORD_QUEUES.iter().filter(|q| q.kind == *k).count();
        assert_eq!(queues, 1, "{k}");
        assert!(!k.action().is_empty());
    }
}

#[test]
fn days_left_count_down_through_zero() {
    let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default();
    assert_eq!(days_left(d(3, 12), d(3, 5)), 7);
    assert_eq!(days_left(d(3, 5), d(3, 5)), 0);
    assert_eq!(days_left(d(3, 4), d(3, 5)), -1);
}
