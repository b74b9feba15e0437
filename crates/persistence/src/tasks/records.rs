//! The queues of records other than suggestions, each the domain's rule
//! (its states from [`renda_domain::tasks`], the party from the queue)
//! spelt as one query: motions, livelihood votes, constituent opinions,
//! supervision items, activities, reception days and key supervision.

use chrono::NaiveDate;
use renda_domain::deputy::MembershipStatus;
use renda_domain::notice::SubjectKind;
use renda_domain::tasks::{
    Holder, KEY_INSTRUCTION_STATUSES, MOTION_TO_REGISTER, OPINION_TO_REPLY, OPINION_TO_ROUTE,
    PROBLEMS_WAITING, RECTIFYING, ROUND_VOTING, SUPERVISION_VOTING, TaskKind, party_of,
};
use sea_orm::sea_query::{Alias, Cond, Expr, ExprTrait, Func, Query, SelectStatement};

use super::{SortBy, col, far, nil_or, select_sort};

const MO: &str = "motions";
const LR: &str = "livelihood_rounds";
const LV: &str = "livelihood_voters";
const DM: &str = "deputy_memberships";
const OP: &str = "constituent_opinions";
const SI: &str = "supervision_items";
const SO: &str = "supervision_opinions";
const SP: &str = "supervision_problems";
const PA: &str = "supervision_participants";
const AT: &str = "supervision_attendance";
const SV: &str = "supervision_votes";
const AC: &str = "activities";
const AP: &str = "activity_participants";
const RD: &str = "reception_days";
const RP: &str = "reception_deputies";
const ST: &str = "stations";
const S: &str = "suggestions";
const KI: &str = "key_supervision_items";
const KL: &str = "key_supervision_leaders";
const KS: &str = "key_supervision_lists";
const IN: &str = "suggestion_instructions";

/// `a.c` equals `b.d`.
fn same(a: &str, c: &str, b: &str, d: &str) -> Expr {
    col(a, c).equals((Alias::new(b), Alias::new(d)))
}

/// `EXISTS (SELECT 1 FROM table WHERE ...)`.
fn exists(table: &str, cond: Cond) -> Expr {
    let mut q = Query::select();
    q.expr(Expr::val(1))
        .from(Alias::new(table))
        .cond_where(cond);
    Expr::exists(q)
}

/// The queues of records other than suggestions: `Some(None)` for one the
/// holder cannot hold, `None` for a suggestion's. `today` is the China
/// date the dated queues (activities, reception days) are read on.
#[allow(clippy::option_option, clippy::too_many_lines)]
pub(super) fn other_area(
    kind: TaskKind,
    who: &Holder,
    today: NaiveDate,
) -> Option<Option<(SelectStatement, &'static str, SortBy)>> {
    if subject_of(kind) == SubjectKind::Suggestion && kind != TaskKind::InstructKeySuggestion {
        return None;
    }
    if !who.can_be(party_of(kind)) {
        return Some(None);
    }
    let deputy = nil_or(who.deputy_id);
    let unit = nil_or(who.unit_id);
    let user = uuid::Uuid::from(who.user_id);
    let mut q = Query::select();
    let none_date = || Expr::val(None::<NaiveDate>);
    let none_text = || Expr::val(None::<String>);
    // (table, subject id, number, title, due on, since, order)
    let (table, subject, number, title, due, since, order) = match kind {
        TaskKind::RegisterMotion => {
            q.from(Alias::new(MO))
                .and_where(col(MO, "deleted_at").is_null())
                .and_where(col(MO, "status").eq(MOTION_TO_REGISTER.as_str()));
            let t = MO;
            (
                t,
                col(t, "id"),
                col(t, "number"),
                col(t, "title"),
                none_date(),
                col(t, "submitted_at"),
                SortBy::Id,
            )
        }
        TaskKind::CastLivelihoodVote => {
            // Serving in the round's congress, as the ballot command's
            // voter rule reads the memberships.
            let serving = exists(
                DM,
                Cond::all()
                    .add(col(DM, "deputy_id").eq(deputy))
                    .add(same(DM, "level", LR, "level"))
                    .add(same(DM, "term", LR, "term"))
                    .add(col(DM, "status").eq(MembershipStatus::Serving.as_str())),
            );
            let voted = exists(
                LV,
                Cond::all()
                    .add(same(LV, "round_id", LR, "id"))
                    .add(col(LV, "deputy_id").eq(deputy)),
            );
            q.from(Alias::new(LR))
                .and_where(col(LR, "stage").eq(ROUND_VOTING.as_str()))
                .and_where(serving)
                .and_where(voted.not());
            let t = LR;
            (
                t,
                col(t, "id"),
                none_text(),
                col(t, "title"),
                none_date(),
                col(t, "updated_at"),
                SortBy::Id,
            )
        }
        TaskKind::RouteOpinion | TaskKind::ReplyOpinion => {
            q.from(Alias::new(OP));
            let since = if kind == TaskKind::RouteOpinion {
                q.and_where(col(OP, "status").eq(OPINION_TO_ROUTE.as_str()));
                col(OP, "created_at")
            } else {
                q.and_where(col(OP, "status").eq(OPINION_TO_REPLY.as_str()))
                    .and_where(col(OP, "unit_id").eq(unit));
                col(OP, "handled_at")
            };
            // Named by nothing it says (see `opinion::OPINION_LABEL`).
            (
                OP,
                col(OP, "id"),
                none_text(),
                Expr::val(renda_domain::opinion::OPINION_LABEL),
                none_date(),
                since,
                SortBy::Id,
            )
        }
        TaskKind::ReportRectification => {
            let statuses: Vec<&str> = PROBLEMS_WAITING.iter().map(|s| s.as_str()).collect();
            q.from(Alias::new(SO))
                .inner_join(
                    Alias::new(SI),
                    Cond::all()
                        .add(same(SI, "id", SO, "item_id"))
                        .add(col(SI, "stage").eq(RECTIFYING.as_str())),
                )
                .and_where(col(SO, "unit_id").eq(unit))
                .and_where(exists(
                    SP,
                    Cond::all()
                        .add(same(SP, "opinion_id", SO, "id"))
                        .add(col(SP, "status").is_in(statuses)),
                ));
            let order = SortBy::Date(col(SO, "deadline"));
            (
                SO,
                col(SI, "id"),
                none_text(),
                col(SI, "title"),
                col(SO, "deadline"),
                col(SO, "issued_at"),
                order,
            )
        }
        TaskKind::CastSupervisionVote => {
            // A committee member recorded present at the round's meeting,
            // as the vote command's voter rule reads them, not voted yet.
            let this_round = |t: &str| {
                Cond::all()
                    .add(same(t, "item_id", SI, "id"))
                    .add(col(t, "deputy_id").eq(deputy))
            };
            q.from(Alias::new(SI))
                .and_where(col(SI, "stage").eq(SUPERVISION_VOTING.as_str()))
                .and_where(exists(
                    PA,
                    this_round(PA).add(col(PA, "kind").eq(crate::supervision::MEMBER)),
                ))
                .and_where(exists(
                    AT,
                    this_round(AT).add(same(AT, "round", SI, "round")),
                ))
                .and_where(exists(SV, this_round(SV).add(same(SV, "round", SI, "round"))).not());
            let t = SI;
            (
                t,
                col(t, "id"),
                none_text(),
                col(t, "title"),
                none_date(),
                col(t, "updated_at"),
                SortBy::Id,
            )
        }
        TaskKind::SignUpActivity | TaskKind::CheckInActivity => {
            let mut joined = Cond::all()
                .add(same(AP, "activity_id", AC, "id"))
                .add(col(AP, "deputy_id").eq(deputy));
            let order = if kind == TaskKind::SignUpActivity {
                // Invited, not signed up, up to the day (as sign-up takes it).
                joined = joined
                    .add(col(AP, "invited").eq(true))
                    .add(col(AP, "signed_up_at").is_null())
                    .add(col(AP, "checked_in_at").is_null());
                q.and_where(col(AC, "day").gte(today));
                SortBy::Date(col(AC, "day"))
            } else {
                // Signed up, not checked in, on the day (check-in is open).
                joined = joined
                    .add(col(AP, "signed_up_at").is_not_null())
                    .add(col(AP, "checked_in_at").is_null());
                q.and_where(col(AC, "day").eq(today));
                SortBy::Id
            };
            q.from(Alias::new(AC)).inner_join(Alias::new(AP), joined);
            let t = AC;
            (
                t,
                col(t, "id"),
                none_text(),
                col(t, "title"),
                col(t, "day"),
                col(t, "created_at"),
                order,
            )
        }
        TaskKind::ServeReception => {
            // Every day not recorded: those to come, to serve, and those
            // held, to record (the deputies on duty record them).
            q.from(Alias::new(RD))
                .inner_join(
                    Alias::new(ST),
                    Cond::all()
                        .add(same(ST, "id", RD, "station_id"))
                        .add(col(ST, "deleted_at").is_null()),
                )
                .and_where(col(RD, "recorded_at").is_null())
                .and_where(exists(
                    RP,
                    Cond::all()
                        .add(same(RP, "reception_id", RD, "id"))
                        .add(col(RP, "deputy_id").eq(deputy)),
                ));
            let order = SortBy::Date(col(RD, "day"));
            (
                RD,
                col(RD, "station_id"),
                none_text(),
                col(ST, "name"),
                col(RD, "day"),
                col(RD, "created_at"),
                order,
            )
        }
        TaskKind::InstructKeySuggestion => {
            let statuses: Vec<&str> = KEY_INSTRUCTION_STATUSES
                .iter()
                .map(|s| s.as_str())
                .collect();
            let mut on_list = Query::select();
            on_list
                .expr(Expr::val(1))
                .from(Alias::new(KI))
                .inner_join(
                    Alias::new(KL),
                    Cond::all().add(same(KL, "item_id", KI, "id")),
                )
                .inner_join(
                    Alias::new(KS),
                    Cond::all()
                        .add(same(KS, "id", KI, "list_id"))
                        .add(col(KS, "deleted_at").is_null()),
                )
                .and_where(same(KI, "suggestion_id", S, "id"))
                .and_where(col(KL, "user_id").eq(user));
            let instructed = exists(
                IN,
                Cond::all()
                    .add(same(IN, "suggestion_id", S, "id"))
                    .add(col(IN, "given_by").eq(user)),
            );
            q.from(Alias::new(S))
                .and_where(col(S, "deleted_at").is_null())
                .and_where(col(S, "status").is_in(statuses))
                .and_where(Expr::exists(on_list))
                .and_where(instructed.not());
            let order = SortBy::Date(Func::coalesce([col(S, "deadline"), Expr::val(far())]).into());
            (
                S,
                col(S, "id"),
                col(S, "number"),
                col(S, "title"),
                col(S, "deadline"),
                col(S, "updated_at"),
                order,
            )
        }
        _ => return Some(None),
    };
    q.expr_as(col(table, "id"), Alias::new("id"))
        .expr_as(subject, Alias::new("subject_id"))
        .expr_as(number, Alias::new("number"))
        .expr_as(title, Alias::new("title"))
        .expr_as(due, Alias::new("due_on"))
        .expr_as(since, Alias::new("since"));
    select_sort(&mut q, &order);
    Some(Some((q, table, order)))
}

/// The kind of record a task's subject is.
pub(super) fn subject_of(kind: TaskKind) -> SubjectKind {
    match kind {
        TaskKind::RegisterMotion => SubjectKind::Motion,
        TaskKind::CastLivelihoodVote => SubjectKind::LivelihoodRound,
        TaskKind::RouteOpinion | TaskKind::ReplyOpinion => SubjectKind::ConstituentOpinion,
        TaskKind::ReportRectification | TaskKind::CastSupervisionVote => SubjectKind::Supervision,
        TaskKind::SignUpActivity | TaskKind::CheckInActivity => SubjectKind::Activity,
        TaskKind::ServeReception => SubjectKind::Station,
        _ => SubjectKind::Suggestion,
    }
}

/// A task's label: an opinion's is fixed, any other's is its number or
/// the start of its title.
pub(super) fn label_of(kind: TaskKind, number: Option<&str>, title: &str) -> String {
    match subject_of(kind) {
        SubjectKind::ConstituentOpinion => renda_domain::opinion::OPINION_LABEL.to_owned(),
        _ => renda_domain::notice::label(number, title),
    }
}
