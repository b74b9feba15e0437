//! Decision tables for the commands on a suggestion: every guard, every
//! refusal, and what each accepted command writes.

use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde_json::json;
use uuid::Uuid;

use crate::id::{DeputyId, UnitId, UserId};

use super::*;
use crate::duty::{DutyKind, NewDuty};
use crate::notice::{NoticeKind, Recipient};
use crate::user::{User, UserStatus};
use crate::{Role, RoleSet};
use Color::{Green, Red, Yellow};
use EvaluationResult::{BasicallySatisfied, Satisfied, Unsatisfied};
use ReplyCategory::{A, B, C};
use RequestKind::{Extension as Ext, Reassignment as Re};
use SuggestionError as E;
use SuggestionStatus::*;

const SUGGESTION: Uuid = Uuid::from_u128(1);
const USER: UserId = UserId::new(Uuid::from_u128(2));
const SUPERVISOR: UserId = UserId::new(Uuid::from_u128(3));
const LEAD_DEPUTY: DeputyId = DeputyId::new(Uuid::from_u128(100));
const CO_A: DeputyId = DeputyId::new(Uuid::from_u128(101));
const CO_WITHDRAWN: DeputyId = DeputyId::new(Uuid::from_u128(102));
const STRANGER: DeputyId = DeputyId::new(Uuid::from_u128(109));
const LEAD_UNIT: UnitId = UnitId::new(Uuid::from_u128(200));
const CO_UNIT: UnitId = UnitId::new(Uuid::from_u128(201));
const OTHER_UNIT: UnitId = UnitId::new(Uuid::from_u128(202));
const NO_UNIT: UnitId = UnitId::new(Uuid::from_u128(209));
const REPLY: Uuid = Uuid::from_u128(300);
const REQUEST: Uuid = Uuid::from_u128(400);
const COMMITMENT: Uuid = Uuid::from_u128(500);
const INVISIBLE: &str = "\u{200B}";

/// A day of 2026.
/// A notice as a test names it: what, to whom, by when.
type Told = (NoticeKind, Vec<Recipient>, Option<NaiveDate>);

/// The effects that are not notices, and the notices.
fn split(effects: &[Effect]) -> (Vec<Effect>, Vec<Told>) {
    let mut rest = Vec::new();
    let mut told = Vec::new();
    for e in effects {
        match e {
            Effect::Notify(n) => told.push((n.kind, n.to.clone(), n.due_on)),
            other => rest.push(other.clone()),
        }
    }
    (rest, told)
}

fn d(month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, month, day).unwrap_or_default()
}

/// 10:00 in China on a day of March 2026.
fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, 2, 0, 0)
        .single()
        .unwrap_or_default()
}

/// Assigned on 1 March with the green default of 30 days: due 31 March.
/// Today is 5 March.
fn deadline() -> NaiveDate {
    d(3, 31)
}
fn today() -> NaiveDate {
    d(3, 5)
}
fn now() -> DateTime<Utc> {
    at(5)
}
fn earlier() -> DateTime<Utc> {
    at(1)
}

/// The plain practice: no consultation asked for, co-units not waited
/// for; the rules of those are tested with the default policy.
static POLICY: LazyLock<HandlingPolicy> = LazyLock::new(|| HandlingPolicy {
    consultation: Colors::NONE,
    co_units_first: false,
    ..HandlingPolicy::default()
});
static DEFAULT_POLICY: LazyLock<HandlingPolicy> = LazyLock::new(HandlingPolicy::default);

/// The facts of a reply: the unit's requests, no consultation.
fn facts(requests: &[UnitRequest]) -> ReplyFacts<'_> {
    ReplyFacts {
        requests,
        consultations: 0,
    }
}

/// The caller speaks for co-signer A and works for the co-unit.
#[rustfmt::skip]
fn ctx_on(today: NaiveDate) -> Ctx<'static> {
    let by = By { user_id: USER, deputy_id: Some(CO_A), unit_id: Some(CO_UNIT) };
    Ctx { by, now: now(), today, policy: &POLICY }
}

fn ctx() -> Ctx<'static> {
    ctx_on(today())
}

/// A suggestion in `status` with what that status implies: units, colour
/// and deadline once assigned, a first reply once replied.
#[rustfmt::skip]
fn suggestion(status: SuggestionStatus, color: Color) -> Suggestion {
    let handled = !matches!(status, Draft | Submitted | Registered | NotRegistered);
    let replied = matches!(status, Replied | Rehandling | Closed);
    let evaluated = match status { Rehandling => Some(Unsatisfied), Closed => Some(Satisfied), _ => None };
    let when = |yes: bool| yes.then(earlier);
    Suggestion {
        id: SUGGESTION, number: (handled || status == Registered).then(|| "2026-0001".into()),
        title: "修路".into(), content: "村道坏了".into(), category: "交通".into(), term: "第十八届".into(),
        session: None, timing: SessionTiming::BetweenSessions, congress_session_id: None, lead_deputy_id: LEAD_DEPUTY,
        co_signers: vec![co_signer(CO_A.into(), None), co_signer(CO_WITHDRAWN.into(), Some(earlier()))],
        source: SuggestionSource::Deputy, source_ref: None,
        status, color: handled.then_some(color),
        lead_unit_id: handled.then_some(LEAD_UNIT),
        co_units: if handled { vec![co_unit(CO_UNIT.into())] } else { vec![] },
        pass_on_due: None, dispatcher_unit_id: None, assignment_batch_id: None,
        supervisor_id: (handled && color == Red).then_some(SUPERVISOR),
        assigned_on: handled.then(|| d(3, 1)), deadline: handled.then(deadline), overdue_recorded: false,
        submitted_at: when(status != Draft), registered_at: when(handled || status == Registered),
        assigned_at: when(handled), replied_at: when(replied), replied_on_time: replied.then_some(true),
        closed_at: when(status == Closed), reject_reason: (status == NotRegistered).then(|| "重复".into()), letter: None, consultations: 0,
        reply: replied.then(|| letter(Uuid::from_u128(299), 1, A, d(3, 2), earlier())),
        evaluation_result: evaluated, evaluation_comment: None, evaluated_at: when(evaluated.is_some()),
        signed_off_at: None, signed_off_by: None, published_at: None,
        outstanding: false, outstanding_reason: None,
        created_by: USER, created_at: earlier(), updated_at: earlier(), deleted_at: None, version: 1,
    }
}

#[rustfmt::skip]
fn co_signer(deputy_id: Uuid, withdrawn_at: Option<DateTime<Utc>>) -> CoSigner {
    let status = if withdrawn_at.is_some() { CoSignatureStatus::Withdrawn } else { CoSignatureStatus::Confirmed };
    CoSigner { deputy_id: deputy_id.into(), status, confirmed_at: Some(earlier()), withdrawn_at }
}

#[rustfmt::skip]
fn co_unit(unit_id: Uuid) -> CoUnit {
    CoUnit { unit_id: unit_id.into(), deadline: Some(d(3, 16)), opinion: None, opinion_at: None }
}

#[rustfmt::skip]
fn letter(id: Uuid, round: i32, category: ReplyCategory, day: NaiveDate, at: DateTime<Utc>) -> Reply {
    Reply {
        id, round, unit_id: LEAD_UNIT, category, content: "已列入计划".into(),
        document_number: None, signed_by: None, responsible_person: None, handler_name: None,
        handler_phone: None, reply_date: day, created_at: at,
    }
}

#[rustfmt::skip]
fn draft_input() -> DraftInput {
    DraftInput {
        title: "  修路  ".into(), content: "村道坏了".into(), category: "交通".into(),
        term: " 第十八届 ".into(), session: None, timing: SessionTiming::BetweenSessions,
        co_signer_ids: vec![CO_A], source: None, source_ref: None,
    }
}

#[rustfmt::skip]
fn draft_facts() -> DraftFacts {
    DraftFacts { category_known: true, existing_deputies: vec![CO_A, CO_WITHDRAWN], lead_term_ended: false }
}

#[rustfmt::skip]
fn assign_input(color: Color) -> AssignInput {
    AssignInput {
        lead_unit_id: LEAD_UNIT, co_unit_ids: vec![CO_UNIT], color, due_date: None,
        co_unit_due_date: None, supervisor_id: (color == Red).then_some(SUPERVISOR),
        pass_on_due: None,
    }
}

#[rustfmt::skip]
fn assign_facts() -> AssignFacts {
    AssignFacts { existing_units: vec![LEAD_UNIT, CO_UNIT, OTHER_UNIT], supervisor_is_leader: Some(true) }
}

/// A reply; a B reply commits to finishing by the end of the year.
#[rustfmt::skip]
fn reply_input(category: ReplyCategory) -> ReplyInput {
    ReplyInput {
        id: REPLY, category, content: "已列入计划".into(), document_number: None, signed_by: None,
        responsible_person: None, handler_name: None, handler_phone: None, reply_date: None,
        commitment: (category == B).then(|| ("年内修好".into(), Some(d(12, 31)))),
    }
}

/// A request of `kind`; an extension asks for 30 April.
#[rustfmt::skip]
fn unit_request(kind: RequestKind, status: RequestStatus) -> UnitRequest {
    UnitRequest {
        id: REQUEST, unit_id: LEAD_UNIT, kind, reason: "不属本单位职责".into(),
        requested_deadline: (kind == Ext).then(|| d(4, 30)), status, decided_by: None,
        decided_at: None, decision_note: None, created_by: USER, created_at: earlier(),
    }
}

fn pending(kind: RequestKind) -> UnitRequest {
    unit_request(kind, RequestStatus::Pending)
}

#[rustfmt::skip]
fn ask(kind: RequestKind, reason: &str, due_date: Option<NaiveDate>) -> RequestInput {
    RequestInput { kind, reason: reason.to_owned(), due_date }
}

#[rustfmt::skip]
fn approve(lead_unit_id: Option<Uuid>, due_date: Option<NaiveDate>) -> Decision {
    Decision { approved: true, note: None, lead_unit_id: lead_unit_id.map(Into::into), due_date }
}

#[rustfmt::skip]
fn record_input(content: &str) -> RecordInput {
    RecordInput { occurred_on: None, participants: Some("张三".into()), content: content.into() }
}

#[rustfmt::skip]
fn commitment(status: CommitmentStatus) -> Commitment {
    Commitment {
        id: COMMITMENT, reply_id: REPLY, content: "年内修好".into(), due_date: Some(d(12, 31)),
        status, progress: None, fulfilled_at: None, updated_at: earlier(),
    }
}

#[rustfmt::skip]
fn attachment(kind: AttachmentKind) -> Attachment {
    Attachment {
        id: Uuid::from_u128(600), kind, file_name: "答复函.pdf".into(),
        content_type: "application/pdf".into(), size: 10, sha256: "ab".into(),
        uploaded_by: USER, created_at: earlier(),
    }
}

#[track_caller]
fn ok<T>(r: Result<T, SuggestionError>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("refused: {e:?}"),
    }
}

/// The outcome without the change, for tables of refusals.
fn run<T>(r: Result<T, SuggestionError>) -> Result<(), SuggestionError> {
    r.map(drop)
}

fn invalid(field: &str, issue: Issue) -> SuggestionError {
    SuggestionError::field(field, issue)
}

fn issues(list: &[(&str, Issue)]) -> SuggestionError {
    let to_issue = |(field, issue): &(&str, Issue)| FieldIssue {
        field: (*field).to_owned(),
        issue: *issue,
    };
    E::Invalid(list.iter().map(to_issue).collect())
}

fn event(action: &'static str, detail: Option<serde_json::Value>) -> Event {
    Event { action, detail }
}

type Run = Box<dyn Fn(&Suggestion) -> Result<(), SuggestionError>>;

fn row<T>(
    name: &'static str,
    allowed: &'static [SuggestionStatus],
    command: impl Fn(&Suggestion) -> Result<T, SuggestionError> + 'static,
) -> (&'static str, &'static [SuggestionStatus], Run) {
    (name, allowed, Box::new(move |s| run(command(s))))
}

#[test]
fn each_command_is_refused_outside_its_statuses() {
    let title = || DraftPatch {
        title: Some("新题".into()),
        ..DraftPatch::default()
    };
    #[rustfmt::skip]
    let table = [
        row("update_draft", &[Draft], move |s| update_draft(s, title(), &draft_facts())),
        row("submit", &[Draft], |s| submit(s, None, None, false, &ctx())),
        row("answer_co_signature", &[Draft], |s| answer_co_signature(s, false, None, &ctx())),
        row("register", &[Submitted], |s| register(s, None, &ctx())),
        row("reject", &[Submitted], |s| reject(s, "重复".into(), None, &ctx())),
        row("assign", &[Registered], |s| assign(s, assign_input(Green), &assign_facts(), &ctx())),
        row("reply", &[Assigned, Rehandling], |s| reply(s, reply_input(A), &facts(&[]), &ctx())),
        row("co_unit_opinion", &[Assigned, Rehandling], |s| co_unit_opinion(s, "同意".into(), &ctx())),
        row("evaluate", &[Replied], |s| evaluate(s, Unsatisfied, None, &ctx())),
        row("add_record", &[Assigned, Replied, Rehandling],
            |s| add_record(s, SuggestionRecordKind::Verification, record_input("查验"), &ctx())),
        row("sign_off", &[Replied], |s| sign_off(s, None, 1, &ctx())),
        // In `replied` the closing rule refuses it instead.
        row("close", &[Replied], |s| close(s, None, RecordCounts::default(), &ctx())),
        row("publish", &[Closed], |s| publish(s, None, &ctx())),
        row("mark_outstanding", &[Assigned, Replied, Rehandling, Closed],
            |s| mark_outstanding(s, true, Some("典型".into()))),
        row("request", &[Assigned, Rehandling], |s| request(s, ask(Ext, "延期", Some(d(4, 30))), &[], &ctx())),
        row("approve reassignment", &[Assigned, Rehandling],
            |s| decide_request(s, &pending(Re), approve(Some(OTHER_UNIT.into()), None), true, &ctx())),
        row("approve extension", &[Assigned, Rehandling],
            |s| decide_request(s, &pending(Ext), approve(None, None), true, &ctx())),
    ];
    for (name, allowed, command) in &table {
        for &status in SuggestionStatus::ALL {
            let got = command(&suggestion(status, Green));
            if allowed.contains(&status) {
                let refused = matches!(got, Err(E::InvalidState(_)));
                assert!(!refused, "{name} in {status}: {got:?}");
            } else {
                assert_eq!(got, Err(E::InvalidState(status)), "{name} in {status}");
            }
        }
    }
}

#[test]
fn co_signer_list_names_each_once_and_never_the_lead() {
    let ids = [CO_A, LEAD_DEPUTY, CO_WITHDRAWN, CO_A, LEAD_DEPUTY];
    assert_eq!(co_signer_list(LEAD_DEPUTY, &ids), vec![CO_A, CO_WITHDRAWN]);
    assert!(co_signer_list(LEAD_DEPUTY, &[LEAD_DEPUTY]).is_empty());
}

#[test]
fn draft_trims_dedups_and_defaults_the_source() {
    let mut input = draft_input();
    input.co_signer_ids = vec![CO_A, LEAD_DEPUTY, CO_A, CO_WITHDRAWN];
    let new = ok(draft(input, LEAD_DEPUTY, &draft_facts(), USER));
    assert_eq!([new.title, new.term], ["修路", "第十八届"]);
    assert_eq!(new.co_signers, vec![CO_A, CO_WITHDRAWN]);
    assert_eq!(new.source, SuggestionSource::Deputy);
    assert_eq!((new.lead_deputy_id, new.created_by), (LEAD_DEPUTY, USER));
}

/// The field issues a refusal lists.
type Issues = &'static [(&'static str, Issue)];

type DraftEdit = fn(&mut DraftInput, &mut DraftFacts);

#[test]
fn draft_refuses_each_invalid_field_at_once() {
    use Issue::{Blank, UnknownCategory, UnknownDeputy};
    #[rustfmt::skip]
    let cases: [(DraftEdit, Issues); 6] = [
        (|i, _| i.title = "   ".into(), &[("title", Blank)]),
        (|i, _| i.content = INVISIBLE.into(), &[("content", Blank)]),
        (|i, _| i.term = "\u{3000}\u{FEFF}".into(), &[("term", Blank)]),
        (|_, f| f.category_known = false, &[("category", UnknownCategory)]),
        (|i, _| i.co_signer_ids = vec![CO_A, STRANGER], &[("co_signer_ids[1]", UnknownDeputy)]),
        (|i, f| { i.title = String::new(); f.category_known = false; },
            &[("title", Blank), ("category", UnknownCategory)]),
    ];
    for (n, (edit, want)) in cases.into_iter().enumerate() {
        let (mut input, mut facts) = (draft_input(), draft_facts());
        edit(&mut input, &mut facts);
        let got = draft(input, LEAD_DEPUTY, &facts, USER);
        assert_eq!(got, Err(issues(want)), "case {n}");
    }
}

/// A field path names the request's element: the lead and repeats that
/// the list drops still count, as they do for `co_unit_ids[i]`.
#[test]
fn an_unknown_co_signer_is_named_by_its_index_in_the_request() {
    let mut input = draft_input();
    input.co_signer_ids = vec![LEAD_DEPUTY, CO_A, CO_A, STRANGER];
    let got = draft(input, LEAD_DEPUTY, &draft_facts(), USER);
    assert_eq!(got, Err(invalid("co_signer_ids[3]", Issue::UnknownDeputy)));
}

#[test]
fn update_draft_checks_only_the_fields_it_patches() {
    use Issue::{Blank, UnknownCategory, UnknownDeputy};
    let s = suggestion(Draft, Green);
    let facts = draft_facts();
    let unknown = DraftFacts {
        category_known: false,
        ..draft_facts()
    };
    let text = |v: &str| Some(v.to_owned());
    let none = DraftPatch::default;
    #[rustfmt::skip]
    let cases: [(DraftPatch, &DraftFacts, Issues); 6] = [
        (DraftPatch { title: text(" "), ..none() }, &facts, &[("title", Blank)]),
        (DraftPatch { content: text(INVISIBLE), ..none() }, &facts, &[("content", Blank)]),
        (DraftPatch { term: text(""), ..none() }, &facts, &[("term", Blank)]),
        (DraftPatch { category: text("外星"), ..none() }, &unknown, &[("category", UnknownCategory)]),
        (DraftPatch { co_signer_ids: Some(vec![STRANGER]), ..none() }, &facts, &[("co_signer_ids[0]", UnknownDeputy)]),
        // No category asked for: nothing to check.
        (DraftPatch { title: text("新题"), ..none() }, &unknown, &[]),
    ];
    for (n, (patch, facts, want)) in cases.into_iter().enumerate() {
        let got = update_draft(&s, patch, facts).map(|c| c.is_some());
        let want = if want.is_empty() {
            Ok(true)
        } else {
            Err(issues(want))
        };
        assert_eq!(got, want, "case {n}");
    }
}

#[test]
fn update_draft_returns_none_when_nothing_changes() {
    let s = suggestion(Draft, Green);
    let facts = draft_facts();
    assert_eq!(update_draft(&s, DraftPatch::default(), &facts), Ok(None));
    let same = DraftPatch {
        title: Some(" 修路 ".into()),
        category: Some("交通".into()),
        session: Some(None),
        timing: Some(SessionTiming::BetweenSessions),
        ..DraftPatch::default()
    };
    assert_eq!(update_draft(&s, same, &facts), Ok(None));
}

#[test]
fn update_draft_applies_the_patch_and_replaces_the_co_signers() {
    let s = suggestion(Draft, Green);
    let patch = DraftPatch {
        title: Some(" 新题 ".into()),
        session: Some(Some("一次会议".into())),
        co_signer_ids: Some(vec![LEAD_DEPUTY, CO_A, CO_A]),
        ..DraftPatch::default()
    };
    let c = ok(update_draft(&s, patch, &draft_facts()));
    let Some(c) = c else { panic!("no change") };
    assert_eq!(c.after.title, "新题");
    assert_eq!(c.after.session.as_deref(), Some("一次会议"));
    // A new title asks the co-signer to confirm again.
    assert_eq!(c.after.co_signers, vec![CoSigner::invited(CO_A)]);
    let detail = json!({"co_signers_asked_again": [CO_A]});
    assert_eq!(c.event, event("draft_updated", Some(detail)));
    // The co-signer asked again is told so.
    let told = (
        NoticeKind::CoSignatureInvited,
        vec![Recipient::Deputy(CO_A)],
        None,
    );
    assert_eq!(split(&c.effects), (vec![], vec![told]));
}

#[test]
fn submit_writes_a_duty_for_the_lead_and_each_active_co_signer() {
    let s = suggestion(Draft, Green);
    let c = ok(submit(&s, Some("请审".into()), None, false, &ctx()));
    let a = &c.after;
    assert_eq!((a.status, a.submitted_at), (Submitted, Some(now())));
    assert_eq!(c.event, event("submitted", Some(json!({"note": "请审"}))));
    #[rustfmt::skip]
    let duty = |deputy_id, kind| Effect::Duty(NewDuty {
        deputy_id, kind, occurred_on: today(), title: "修路".into(), content: None,
        ref_type: Some("suggestion"), ref_id: Some(SUGGESTION),
    });
    // The withdrawn co-signer gets none; the office is told to review it.
    let told = Effect::Notify(crate::notice::Notice {
        kind: crate::notice::NoticeKind::SuggestionSubmitted,
        to: vec![crate::notice::Recipient::Role(crate::Role::Staff)],
        subject: a.subject(),
        occasion: crate::notice::Occasion::Version(s.version + 1),
        due_on: None,
        approved: None,
    });
    let want = vec![
        duty(LEAD_DEPUTY, DutyKind::SuggestionSubmitted),
        duty(CO_A, DutyKind::SuggestionCoSigned),
        told,
    ];
    assert_eq!(c.effects, want);
    // A blank note leaves no detail.
    let c = ok(submit(&s, Some(INVISIBLE.into()), None, false, &ctx()));
    assert_eq!(c.event.detail, None);
    // A deputy whose term has ended files nothing new.
    assert_eq!(submit(&s, None, None, true, &ctx()), Err(E::TermEnded));
}

#[test]
fn a_draft_filed_while_a_session_sits_belongs_to_it() {
    use crate::congress::{CongressSession, SessionStatus};
    let s = suggestion(Draft, Green);
    let mut session = CongressSession {
        id: Uuid::from_u128(0x5e55),
        level: crate::deputy::Level::County,
        term: "第十九届".into(),
        number: 2,
        opens_on: d(1, 10),
        closes_on: d(1, 13),
        status: SessionStatus::Open,
        opened_at: Some(earlier()),
        closed_at: None,
        created_by: SUPERVISOR,
        created_at: earlier(),
        updated_at: earlier(),
        version: 2,
    };
    let c = ok(submit(&s, None, Some(&session), false, &ctx()));
    let a = &c.after;
    assert_eq!(a.congress_session_id, Some(session.id));
    assert_eq!(
        (a.term.as_str(), a.session.as_deref()),
        ("第十九届", Some("第二次会议"))
    );
    assert_eq!(a.timing, SessionTiming::DuringSession);
    let detail =
        json!({"congress_session_id": session.id, "congress_session": "第十九届第二次会议"});
    assert_eq!(c.event.detail, Some(detail));
    // A session no longer open takes nothing.
    session.status = SessionStatus::Closed;
    let c = ok(submit(&s, None, Some(&session), false, &ctx()));
    assert_eq!(
        (c.after.congress_session_id, c.after.timing),
        (None, SessionTiming::BetweenSessions)
    );
}

#[test]
fn withdrawing_marks_only_the_callers_co_signature_once() {
    let s = suggestion(Draft, Green);
    let Some(c) = ok(answer_co_signature(
        &s,
        false,
        Some("不附议".into()),
        &ctx(),
    )) else {
        panic!("no change")
    };
    let mine = co_signer(CO_A.into(), Some(now()));
    let untouched = s.co_signers[1].clone();
    assert_eq!(c.after.co_signers, vec![mine.clone(), untouched]);
    let detail = json!({"deputy_id": CO_A, "note": "不附议"});
    assert_eq!(c.event, event("co_signature_withdrawn", Some(detail)));
    assert!(c.effects.is_empty());
    let later = Ctx {
        now: at(6),
        ..ctx()
    };
    // Withdrawing again changes nothing.
    assert_eq!(ok(answer_co_signature(&c.after, false, None, &later)), None);
}

#[test]
fn register_or_reject_a_submitted_suggestion() {
    let s = suggestion(Submitted, Green);
    let c = ok(register(&s, None, &ctx()));
    let a = &c.after;
    assert_eq!((a.status, a.registered_at), (Registered, Some(now())));
    assert_eq!(c.event, event("registered", None));
    let c = ok(reject(&s, "重复".into(), None, &ctx()));
    assert_eq!(c.after.status, NotRegistered);
    assert_eq!(c.after.reject_reason.as_deref(), Some("重复"));
    assert_eq!(c.event, event("rejected", Some(json!({"reason": "重复"}))));
    let blank = reject(&s, INVISIBLE.into(), None, &ctx());
    assert_eq!(blank, Err(invalid("reason", Issue::Blank)));
}

type AssignEdit = fn(&mut AssignInput, &mut AssignFacts);

#[test]
fn assign_refuses_each_invalid_field() {
    use DeadlineError::{BeforeAssignment, PastSixMonths};
    use Issue::{CoUnitDeadline, Deadline, NotALeader, SupervisorRequired, UnknownUnit};
    let s = suggestion(Registered, Green);
    // From 5 March: six months end on 5 September, red's 180 days on 1 September;
    // the green default deadline is 4 April.
    #[rustfmt::skip]
    let cases: [(AssignEdit, Issues); 12] = [
        (|i, _| i.lead_unit_id = NO_UNIT, &[("lead_unit_id", UnknownUnit)]),
        // The index is the request's: the lead and repeats dropped still count.
        (|i, _| i.co_unit_ids = vec![LEAD_UNIT, CO_UNIT, CO_UNIT, NO_UNIT], &[("co_unit_ids[3]", UnknownUnit)]),
        (|i, _| { i.color = Red; i.supervisor_id = None; }, &[("supervisor_id", SupervisorRequired)]),
        (|i, f| { i.color = Red; i.supervisor_id = Some(SUPERVISOR); f.supervisor_is_leader = Some(false); },
            &[("supervisor_id", NotALeader)]),
        (|i, f| { i.supervisor_id = Some(SUPERVISOR); f.supervisor_is_leader = None; }, &[("supervisor_id", NotALeader)]),
        (|i, _| { i.lead_unit_id = NO_UNIT; i.color = Red; i.supervisor_id = None; },
            &[("lead_unit_id", UnknownUnit), ("supervisor_id", SupervisorRequired)]),
        (|i, _| i.due_date = Some(d(3, 4)), &[("due_date", Deadline(BeforeAssignment))]),
        (|i, _| i.due_date = Some(d(9, 6)), &[("due_date", Deadline(PastSixMonths))]),
        (|i, _| { i.color = Red; i.supervisor_id = Some(SUPERVISOR); i.due_date = Some(d(9, 2)); },
            &[("due_date", Deadline(PastSixMonths))]),
        (|i, _| i.co_unit_due_date = Some(d(3, 4)), &[("co_unit_due_date", CoUnitDeadline)]),
        (|i, _| i.co_unit_due_date = Some(d(4, 5)), &[("co_unit_due_date", CoUnitDeadline)]),
        (|i, _| { i.due_date = Some(d(4, 1)); i.co_unit_due_date = Some(d(4, 2)); },
            &[("co_unit_due_date", CoUnitDeadline)]),
    ];
    for (n, (edit, want)) in cases.into_iter().enumerate() {
        let (mut input, mut facts) = (assign_input(Green), assign_facts());
        edit(&mut input, &mut facts);
        let got = assign(&s, input, &facts, &ctx());
        assert_eq!(got, Err(issues(want)), "case {n}");
    }
}

#[test]
fn assign_green_defaults_to_30_days_and_co_units_to_15_days_earlier() {
    let mut input = assign_input(Green);
    input.co_unit_ids = vec![LEAD_UNIT, CO_UNIT, CO_UNIT, OTHER_UNIT];
    input.supervisor_id = Some(SUPERVISOR);
    let mut s = suggestion(Registered, Green);
    s.overdue_recorded = true;
    let c = ok(assign(&s, input, &assign_facts(), &ctx()));
    let a = &c.after;
    let unit = (a.status, a.color, a.lead_unit_id);
    assert_eq!(unit, (Assigned, Some(Green), Some(LEAD_UNIT)));
    assert_eq!((a.assigned_on, a.deadline), (Some(today()), Some(d(4, 4))));
    assert_eq!((a.assigned_at, a.overdue_recorded), (Some(now()), false));
    // A green suggestion has no supervisor, even when one is named.
    assert_eq!(a.supervisor_id, None);
    let co: Vec<_> = a.co_units.iter().map(|c| (c.unit_id, c.deadline)).collect();
    let on_20_march = Some(d(3, 20));
    assert_eq!(co, vec![(CO_UNIT, on_20_march), (OTHER_UNIT, on_20_march)]);
    let detail = json!({"lead_unit_id": LEAD_UNIT, "co_unit_ids": [CO_UNIT, OTHER_UNIT],
        "color": "green", "due_date": "2026-04-04"});
    assert_eq!(c.event, event("assigned", Some(detail)));
    let lead_unit_id = LEAD_UNIT;
    let effect = Effect::Assignment {
        lead_unit_id,
        end_reason: None,
    };
    // The lead unit is told with the reply deadline, each co-unit with
    // its own.
    let told = |unit, due| {
        (
            NoticeKind::SuggestionAssigned,
            vec![Recipient::Unit(unit)],
            Some(due),
        )
    };
    let want = vec![
        told(LEAD_UNIT, d(4, 4)),
        told(CO_UNIT, d(3, 20)),
        told(OTHER_UNIT, d(3, 20)),
    ];
    assert_eq!(split(&c.effects), (vec![effect], want));
}

#[test]
fn assign_deadlines_by_colour_and_co_unit_bounds() {
    let s = suggestion(Registered, Green);
    // (colour, due date, co-units' due date, deadline, co-units' deadline, supervisor)
    #[rustfmt::skip]
    let table = [
        (Yellow, None, None, d(6, 3), d(5, 19), None),
        (Red, None, None, d(6, 3), d(5, 19), Some(SUPERVISOR)),
        (Red, Some(d(9, 1)), None, d(9, 1), d(8, 17), Some(SUPERVISOR)),
        (Green, Some(d(9, 5)), None, d(9, 5), d(8, 21), None),
        // Fifteen days earlier would be before today: the lead's deadline.
        (Green, Some(d(3, 15)), None, d(3, 15), d(3, 15), None),
        // The co-units' deadline may be today or the lead's deadline.
        (Green, None, Some(today()), d(4, 4), today(), None),
        (Green, None, Some(d(4, 4)), d(4, 4), d(4, 4), None),
    ];
    for (color, due, co_due, want, co_want, supervisor) in table {
        let mut input = assign_input(color);
        (input.due_date, input.co_unit_due_date) = (due, co_due);
        let a = ok(assign(&s, input, &assign_facts(), &ctx())).after;
        let got = (a.deadline, a.co_units[0].deadline, a.supervisor_id);
        let want = (Some(want), Some(co_want), supervisor);
        assert_eq!(got, want, "{color} {due:?}");
    }
}

#[test]
fn refusals_while_the_units_handle_it() {
    use ExtensionError::{Deadline, InThePast, NotLater};
    use Issue::{Blank, CommitmentRequired, Extension, NewDeadlineRequired};
    let s = suggestion(Assigned, Green);
    let rehandling = suggestion(Rehandling, Green);
    let red = suggestion(Assigned, Red);
    let blank_reply = ReplyInput {
        content: INVISIBLE.into(),
        ..reply_input(A)
    };
    let b_alone = ReplyInput {
        commitment: None,
        ..reply_input(B)
    };
    let verification = SuggestionRecordKind::Verification;
    let past_limit = Extension(Deadline(DeadlineError::PastSixMonths));
    // Assigned on 1 March, due 31 March; six months end on 1 September,
    // red's 180 days on 28 August.
    #[rustfmt::skip]
    let table: Vec<(&str, Result<(), E>, E)> = vec![
        ("a reply needs content", run(reply(&s, blank_reply, &facts(&[]), &ctx())), invalid("content", Blank)),
        ("no reply while a re-assignment waits",
            run(reply(&s, reply_input(A), &facts(&[pending(Re)]), &ctx())), E::ReassignmentPending),
        ("a B reply needs a commitment", run(reply(&s, b_alone, &facts(&[]), &ctx())), invalid("commitment", CommitmentRequired)),
        ("an opinion needs text", run(co_unit_opinion(&s, INVISIBLE.into(), &ctx())), invalid("opinion", Blank)),
        ("a record needs content",
            run(add_record(&s, verification, record_input(INVISIBLE), &ctx())), invalid("content", Blank)),
        ("a request needs a reason",
            run(request(&s, ask(Ext, INVISIBLE, Some(d(4, 30))), &[], &ctx())), invalid("reason", Blank)),
        ("one request at a time: an extension waits",
            run(request(&s, ask(Re, "转办", None), &[pending(Ext)], &ctx())), E::RequestPending),
        ("one request at a time: a re-assignment waits",
            run(request(&s, ask(Ext, "延期", Some(d(4, 30))), &[pending(Re)], &ctx())), E::RequestPending),
        ("no re-assignment on day 11",
            run(request(&s, ask(Re, "转办", None), &[], &ctx_on(d(3, 12)))), E::ReassignmentWindowClosed),
        ("no re-assignment while rehandling",
            run(request(&rehandling, ask(Re, "转办", None), &[], &ctx())), E::ReassignmentWindowClosed),
        ("an extension needs the new deadline",
            run(request(&s, ask(Ext, "延期", None), &[], &ctx())), invalid("due_date", NewDeadlineRequired)),
        ("an extension is later",
            run(request(&s, ask(Ext, "延期", Some(deadline())), &[], &ctx())), invalid("due_date", Extension(NotLater))),
        ("an extension is not in the past",
            run(request(&s, ask(Ext, "延期", Some(d(4, 5))), &[], &ctx_on(d(4, 10)))),
            invalid("due_date", Extension(InThePast))),
        ("an extension stays within six months",
            run(request(&s, ask(Ext, "延期", Some(d(9, 2))), &[], &ctx())), invalid("due_date", past_limit)),
        ("a red extension stays within 180 days",
            run(request(&red, ask(Ext, "延期", Some(d(8, 29))), &[], &ctx())), invalid("due_date", past_limit)),
    ];
    for (rule, got, want) in table {
        assert_eq!(got, Err(want), "{rule}");
    }
}

mod handling;
mod handout;
mod practice;
