//! Work queues: the domain's queue rules, each turned into one query.
//! Nothing here decides what waits for whom; it only spells the rule of
//! [`renda_domain::tasks`] in SQL.

use chrono::{DateTime, NaiveDate, Utc};
use renda_domain::notice::SubjectKind;
use renda_domain::suggestion::{CoSignatureStatus, HandlingPolicy, RequestStatus};
use renda_domain::tasks::{
    Also, CONSULTATION_OPEN_STATUSES, Due, Holder, Party, SUGGESTION_QUEUES, TaskKind,
};
use sea_orm::sea_query::{
    Alias, Cond, Expr, ExprTrait, Func, Order, Query, SelectStatement, UnionType,
};
use sea_orm::{FromQueryResult, StatementBuilder};
use uuid::Uuid;

mod records;

use records::{label_of, other_area, subject_of};

use crate::Store;
use crate::error::StoreResult;

/// One task: the record it concerns, the record in it that waits
/// (a request, a consultation) if not the suggestion itself, and when it
/// is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskItem {
    pub kind: TaskKind,
    /// The record it concerns (a suggestion, a motion, a round).
    pub subject_kind: SubjectKind,
    pub subject_id: Uuid,
    pub record_id: Option<Uuid>,
    pub label: String,
    pub due_on: Option<NaiveDate>,
    /// Since when it waits (the request made, the reply given, ...), when known.
    pub since: Option<DateTime<Utc>>,
}

/// Where a page of tasks ended: the kind, the sort value and the record
/// last listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskCursor {
    pub kind: TaskKind,
    pub id: Uuid,
    /// The due date it was listed by (kinds with a due date).
    pub date: Option<NaiveDate>,
    /// The time it was listed by (replies to evaluate).
    pub time: Option<DateTime<Utc>>,
}

/// What a kind's tasks are ordered by, after which its ids.
#[derive(Debug, Clone)]
pub(crate) enum SortBy {
    Id,
    Date(Expr),
    Time(Expr),
}

/// A page of tasks, with how many of each kind wait in all.
#[derive(Debug, Clone)]
pub struct TaskPage {
    pub counts: Vec<(TaskKind, u64)>,
    pub items: Vec<TaskItem>,
    pub next: Option<TaskCursor>,
}

#[derive(Debug, FromQueryResult)]
struct Row {
    id: Uuid,
    subject_id: Uuid,
    number: Option<String>,
    title: String,
    due_on: Option<NaiveDate>,
    since: Option<DateTime<Utc>>,
    sort_date: Option<NaiveDate>,
    sort_time: Option<DateTime<Utc>>,
}

#[derive(Debug, FromQueryResult)]
struct Count {
    /// The kind's place among the holder's queues.
    k: i64,
    n: i64,
}

pub(crate) fn col(table: &str, c: &str) -> Expr {
    Expr::col((Alias::new(table), Alias::new(c)))
}

const S: &str = "suggestions";
const CU: &str = "suggestion_co_units";
const CS: &str = "suggestion_co_signers";
const RQ: &str = "suggestion_requests";
const CO: &str = "suggestion_consultations";

/// What identifies a holder in a query: the ids that are absent match
/// nothing.
pub(crate) fn nil_or(id: Option<impl Into<Uuid>>) -> Uuid {
    id.map_or(Uuid::nil(), Into::into)
}

/// The query of one kind of task for `who`: the table it lists, the
/// column ordering it (after its id), and the filter. `None` when the
/// kind has no queue.
fn query(
    kind: TaskKind,
    who: &Holder,
    today: NaiveDate,
) -> Option<(SelectStatement, &'static str, SortBy)> {
    let unit = nil_or(who.unit_id);
    let deputy = nil_or(who.deputy_id);
    if let Some(q) = other_area(kind, who, today) {
        return q;
    }
    let mut q = Query::select();
    q.from(Alias::new(S))
        .and_where(col(S, "deleted_at").is_null());
    if let Some(sq) = SUGGESTION_QUEUES.iter().find(|q| q.kind == kind) {
        let statuses: Vec<&str> = sq.statuses.iter().map(|s| s.as_str()).collect();
        q.and_where(col(S, "status").is_in(statuses));
        let mut order = SortBy::Id;
        let mut due: Expr = Expr::val(None::<NaiveDate>);
        match sq.party {
            Party::Office => {}
            Party::LeadUnit => {
                q.and_where(col(S, "lead_unit_id").eq(unit));
            }
            Party::CoUnitWithoutOpinion => {
                q.inner_join(
                    Alias::new(CU),
                    Cond::all()
                        .add(col(CU, "suggestion_id").equals((Alias::new(S), Alias::new("id"))))
                        .add(col(CU, "unit_id").eq(unit))
                        .add(col(CU, "opinion").is_null()),
                );
            }
            Party::LetterUnit => {
                q.and_where(col(S, "letter_unit_id").eq(unit))
                    .and_where(col(S, "letter_passed_at").is_not_null())
                    .and_where(col(S, "letter_acknowledged_at").is_null());
            }
            Party::LeadDeputy => {
                q.and_where(col(S, "lead_deputy_id").eq(deputy));
            }
            Party::InvitedCoSigner => {
                q.inner_join(
                    Alias::new(CS),
                    Cond::all()
                        .add(col(CS, "suggestion_id").equals((Alias::new(S), Alias::new("id"))))
                        .add(col(CS, "deputy_id").eq(deputy))
                        .add(col(CS, "status").eq(CoSignatureStatus::Invited.as_str())),
                );
            }
            Party::Supervisor => {
                q.and_where(col(S, "supervisor_id").eq(Uuid::from(who.user_id)));
            }
            // The parties of other records' queues.
            _ => return None,
        }
        match sq.also {
            Also::Nothing => {}
            Also::NotEvaluated => {
                q.and_where(col(S, "evaluation_result").is_null());
            }
            Also::RedNotSignedOff => {
                q.and_where(col(S, "color").eq("red"))
                    .and_where(col(S, "signed_off_at").is_null());
            }
        }
        let mut since: Expr = col(S, "updated_at");
        match sq.due {
            Due::None => {}
            Due::Deadline => {
                due = col(S, "deadline");
                order = SortBy::Date(Func::coalesce([col(S, "deadline"), Expr::val(far())]).into());
                since = col(S, "assigned_at");
            }
            Due::CoUnitDeadline => {
                due = col(CU, "deadline");
                order =
                    SortBy::Date(Func::coalesce([col(CU, "deadline"), Expr::val(far())]).into());
                since = col(S, "assigned_at");
            }
            Due::Evaluation => {
                order = SortBy::Time(col(S, "replied_at"));
                since = col(S, "replied_at");
            }
        }
        q.expr_as(col(S, "id"), Alias::new("id"))
            .expr_as(col(S, "id"), Alias::new("subject_id"))
            .expr_as(col(S, "number"), Alias::new("number"))
            .expr_as(col(S, "title"), Alias::new("title"))
            .expr_as(due, Alias::new("due_on"))
            .expr_as(since, Alias::new("since"));
        select_sort(&mut q, &order);
        return Some((q, S, order));
    }
    let (table, record_filter, since) = match kind {
        TaskKind::DecideRequest if who.can_be(Party::Office) => (
            RQ,
            Cond::all().add(col(RQ, "status").eq(RequestStatus::Pending.as_str())),
            col(RQ, "created_at"),
        ),
        TaskKind::ConfirmConsultation if who.can_be(Party::LeadDeputy) => {
            let open: Vec<&str> = CONSULTATION_OPEN_STATUSES
                .iter()
                .map(|s| s.as_str())
                .collect();
            q.and_where(col(S, "lead_deputy_id").eq(deputy))
                .and_where(col(S, "status").is_in(open));
            (
                CO,
                Cond::all().add(col(CO, "response").is_null()),
                col(CO, "created_at"),
            )
        }
        _ => return None,
    };
    q.inner_join(
        Alias::new(table),
        record_filter.add(col(table, "suggestion_id").equals((Alias::new(S), Alias::new("id")))),
    )
    .expr_as(col(table, "id"), Alias::new("id"))
    .expr_as(col(S, "id"), Alias::new("subject_id"))
    .expr_as(col(S, "number"), Alias::new("number"))
    .expr_as(col(S, "title"), Alias::new("title"))
    .expr_as(Expr::val(None::<NaiveDate>), Alias::new("due_on"))
    .expr_as(since, Alias::new("since"));
    select_sort(&mut q, &SortBy::Id);
    Some((q, table, SortBy::Id))
}

/// Selects a kind's sort value as `sort_date` or `sort_time`.
pub(crate) fn select_sort(q: &mut SelectStatement, order: &SortBy) {
    let (date, time) = match order {
        SortBy::Id => (
            Expr::val(None::<NaiveDate>),
            Expr::val(None::<DateTime<Utc>>),
        ),
        SortBy::Date(e) => (e.clone(), Expr::val(None::<DateTime<Utc>>)),
        SortBy::Time(e) => (Expr::val(None::<NaiveDate>), e.clone()),
    };
    q.expr_as(date, Alias::new("sort_date"))
        .expr_as(time, Alias::new("sort_time"));
}

/// The sort value of a task without a due date: after every date.
pub(crate) fn far() -> NaiveDate {
    NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX)
}

impl Store {
    /// The tasks waiting for `who`: how many of each kind it can hold, and
    /// a page of them (of `only` the kinds given, if any) in the domain's
    /// order of kinds, each kind by due date and then age, after `after`.
    pub async fn tasks(
        &self,
        who: &Holder,
        only: &[TaskKind],
        after: Option<TaskCursor>,
        limit: u64,
        policy: &HandlingPolicy,
        today: NaiveDate,
    ) -> StoreResult<TaskPage> {
        let b = self.db.get_database_backend();
        // Counts cover every kind the holder can hold; the page only the
        // kinds asked for.
        let kinds = who.kinds();
        let mut counts = Vec::new();
        let mut items = Vec::new();
        let limit = std::cmp::Ord::max(limit, 1);
        let mut more = false;
        let listed: Vec<TaskKind> = kinds
            .iter()
            .copied()
            .filter(|k| only.is_empty() || only.contains(k))
            .collect();
        let start = after.and_then(|c| listed.iter().position(|k| *k == c.kind));
        let queues: Vec<_> = kinds
            .iter()
            .copied()
            .filter_map(|kind| query(kind, who, today).map(|(q, t, o)| (kind, q, t, o)))
            .collect();
        // Every kind's count in one statement (a round trip each would be
        // most of the answer's time).
        let mut union: Option<SelectStatement> = None;
        for (i, (_, q, table, _)) in queues.iter().enumerate() {
            let mut count = q.clone();
            count
                .clear_selects()
                .expr_as(Expr::val(i64::try_from(i).unwrap_or(0)), Alias::new("k"))
                .expr_as(
                    Expr::col((Alias::new(*table), Alias::new("id"))).count(),
                    Alias::new("n"),
                );
            match union.as_mut() {
                None => union = Some(count),
                Some(u) => {
                    u.union(UnionType::All, count);
                }
            }
        }
        let mut found = vec![0_u64; queues.len()];
        if let Some(u) = union {
            for c in Count::find_by_statement(StatementBuilder::build(&u, &b))
                .all(&self.db)
                .await?
            {
                if let Some(slot) = usize::try_from(c.k).ok().and_then(|k| found.get_mut(k)) {
                    *slot = u64::try_from(c.n).unwrap_or(0);
                }
            }
        }
        for ((kind, q, table, order), n) in queues.into_iter().zip(found) {
            counts.push((kind, n));
            let Some(i) = listed.iter().position(|k| *k == kind) else {
                continue;
            };
            if n == 0 || start.is_some_and(|s| i < s) {
                continue;
            }
            if items.len() as u64 == limit {
                more = true;
                continue;
            }
            let left = limit + 1 - items.len() as u64;
            let mut page = q;
            let id = col(table, "id");
            if let Some(c) = after.filter(|c| c.kind == kind) {
                // After the cursor's record in this kind's order.
                let at: Option<(Expr, Expr)> = match (&order, c.date, c.time) {
                    (SortBy::Id, _, _) => None,
                    (SortBy::Date(e), Some(d), _) => Some((e.clone(), Expr::val(d))),
                    (SortBy::Time(e), _, Some(t)) => Some((e.clone(), Expr::val(t))),
                    // A cursor of another kind's shape: from the start of
                    // the kind's ids.
                    (SortBy::Date(e) | SortBy::Time(e), _, _) => Some((e.clone(), e.clone())),
                };
                match at {
                    None => {
                        page.and_where(id.clone().gt(c.id));
                    }
                    Some((e, v)) => {
                        page.cond_where(
                            Cond::any()
                                .add(e.clone().gt(v.clone()))
                                .add(Cond::all().add(e.eq(v)).add(id.clone().gt(c.id))),
                        );
                    }
                }
            }
            let ordered = |q: &mut SelectStatement| {
                if let SortBy::Date(e) | SortBy::Time(e) = &order {
                    q.order_by_expr(e.clone(), Order::Asc);
                }
                q.order_by_expr(id.clone(), Order::Asc);
            };
            // The page's ids first, from the indexes alone; then only
            // those rows are read.
            let mut ids = page.clone();
            ids.clear_selects().expr(id.clone());
            ordered(&mut ids);
            ids.limit(left);
            page.and_where(id.clone().in_subquery(ids));
            ordered(&mut page);
            let rows = Row::find_by_statement(StatementBuilder::build(&page, &b))
                .all(&self.db)
                .await?;
            for r in rows {
                if items.len() as u64 == limit {
                    more = true;
                    break;
                }
                let due_on = match kind {
                    TaskKind::EvaluateReply => r.since.and_then(|t| policy.evaluation_due_after(t)),
                    _ => r.due_on,
                };
                items.push((
                    TaskItem {
                        kind,
                        subject_kind: subject_of(kind),
                        subject_id: r.subject_id,
                        record_id: (r.id != r.subject_id).then_some(r.id),
                        label: label_of(kind, r.number.as_deref(), &r.title),
                        due_on,
                        since: r.since,
                    },
                    TaskCursor {
                        kind,
                        id: r.id,
                        date: r.sort_date,
                        time: r.sort_time,
                    },
                ));
            }
        }
        let next = if more {
            items.last().map(|(_, c)| *c)
        } else {
            None
        };
        let items = items.into_iter().map(|(t, _)| t).collect();
        Ok(TaskPage {
            counts,
            items,
            next,
        })
    }
}
