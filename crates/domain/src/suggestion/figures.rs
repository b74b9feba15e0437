//! The figures offices report on handling (办理情况), with one definition
//! everywhere: what each suggestion counts toward, by which scopes it is
//! counted, and the rates made of the counts. The store keeps the counts
//! current in the transaction of each change (the difference between a
//! suggestion's contribution before and after), so the figures are read,
//! never recomputed.

use std::collections::BTreeMap;

use chrono::Datelike;
use uuid::Uuid;

use super::{EvaluationResult, ReplyCategory, Suggestion, SuggestionStatus};

/// 办理指标的各项计数：每件建议各计 0 或 1，汇总后即为件数。
///
/// The counts a suggestion contributes, each 0 or 1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Counts {
    /// 已立案（或已到更后阶段）的件数。
    ///
    /// Registered (立案), or further along.
    pub registered: i64,
    /// 已交办（或已到更后阶段）的件数，为办结率的分母。
    ///
    /// Assigned to units (交办), or further along: the base of 办结率.
    pub assigned: i64,
    /// 已办结的件数。
    ///
    /// Closed (办结).
    pub closed: i64,
    /// 主办单位已答复的件数，为按时答复率、解决率和面商率的分母。
    ///
    /// With a reply from the lead unit: the base of 按时答复率, 解决率 and 面商率.
    pub replied: i64,
    /// 最近一次答复在期限内的件数。
    ///
    /// The latest reply came by its deadline.
    pub replied_on_time: i64,
    /// 最近一次答复为 A 类（已解决或基本解决）的件数。
    ///
    /// The latest reply is category A (solved or basically solved).
    pub solved: i64,
    /// 已答复、且有代表未提出异议的面商记录的件数。
    ///
    /// Replied, with a consultation (面商) the deputy did not dispute.
    pub consulted: i64,
    /// 领衔代表对最近一次答复的评价已记录在案的件数，为满意率的分母。
    ///
    /// The lead deputy's evaluation of the latest reply is on record: the
    /// base of 满意率.
    pub evaluated: i64,
    /// 评价为满意或基本满意的件数。
    ///
    /// Evaluated satisfied or basically satisfied.
    pub satisfied: i64,
    /// 评价为不满意的件数（不满意件数）。
    ///
    /// Evaluated unsatisfied (不满意件数).
    pub unsatisfied: i64,
    /// 代表未在期限内评价即已办结的件数；不算作满意，也不计入满意率的分母。
    ///
    /// Closed without an evaluation: the deputy's time ran out. Never
    /// counted as satisfied, nor in 满意率's base.
    pub not_evaluated: i64,
    /// 因评价不满意而至少重新办理过一次的件数。
    ///
    /// Handled again after an unsatisfied evaluation, at least once.
    pub rehandled: i64,
}

impl Counts {
    /// What `s` counts toward as it stands.
    pub fn of(s: &Suggestion) -> Counts {
        let b = |v: bool| i64::from(v);
        let reached = s.reached_units();
        let replied = reached && s.reply.is_some();
        let evaluated = replied && s.evaluation_result.is_some();
        Counts {
            registered: b(s.status.is_handled()),
            assigned: b(reached),
            closed: b(s.status == SuggestionStatus::Closed),
            replied: b(replied),
            replied_on_time: b(replied && s.replied_on_time == Some(true)),
            solved: b(replied && s.reply.as_ref().map(|r| r.category) == Some(ReplyCategory::A)),
            consulted: b(replied && s.consultations > 0),
            evaluated: b(evaluated),
            satisfied: b(evaluated
                && matches!(
                    s.evaluation_result,
                    Some(EvaluationResult::Satisfied | EvaluationResult::BasicallySatisfied)
                )),
            unsatisfied: b(evaluated && s.evaluation_result == Some(EvaluationResult::Unsatisfied)),
            not_evaluated: b(s.closed_not_evaluated()),
            rehandled: b(reached
                && (s.status == SuggestionStatus::Rehandling
                    || s.reply.as_ref().is_some_and(|r| r.round > 1))),
        }
    }

    pub fn is_zero(&self) -> bool {
        *self == Counts::default()
    }

    /// `self` minus `other`, count by count.
    pub fn minus(&self, o: &Counts) -> Counts {
        self.zip(o, |a, b| a - b)
    }

    /// `self` plus `other`, count by count.
    pub fn plus(&self, o: &Counts) -> Counts {
        self.zip(o, |a, b| a + b)
    }

    fn zip(&self, o: &Counts, f: impl Fn(i64, i64) -> i64) -> Counts {
        Counts {
            registered: f(self.registered, o.registered),
            assigned: f(self.assigned, o.assigned),
            closed: f(self.closed, o.closed),
            replied: f(self.replied, o.replied),
            replied_on_time: f(self.replied_on_time, o.replied_on_time),
            solved: f(self.solved, o.solved),
            consulted: f(self.consulted, o.consulted),
            evaluated: f(self.evaluated, o.evaluated),
            satisfied: f(self.satisfied, o.satisfied),
            unsatisfied: f(self.unsatisfied, o.unsatisfied),
            not_evaluated: f(self.not_evaluated, o.not_evaluated),
            rehandled: f(self.rehandled, o.rehandled),
        }
    }

    /// The rates offices report, each a share of its base (null when the
    /// base is nought), rounded to four places.
    pub fn rates(&self) -> Rates {
        let rate = |part: i64, whole: i64| {
            (whole > 0).then(|| (part as f64 / whole as f64 * 10000.0).round() / 10000.0)
        };
        Rates {
            closing: rate(self.closed, self.assigned),
            on_time_reply: rate(self.replied_on_time, self.replied),
            solution: rate(self.solved, self.replied),
            consultation: rate(self.consulted, self.replied),
            satisfaction: rate(self.satisfied, self.evaluated),
        }
    }
}

/// 一组建议的各项比率：0 到 1 之间的小数，保留四位；分母为 0 时为 null。
///
/// The rates of a set of suggestions.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rates {
    /// 办结率：已办结件数除以已交办件数。
    ///
    /// 办结率: closed over assigned.
    pub closing: Option<f64>,
    /// 按时答复率：按期答复件数除以已答复件数。
    ///
    /// 按时答复率: replied by the deadline over replied.
    pub on_time_reply: Option<f64>,
    /// 解决率：A 类答复件数除以已答复件数。
    ///
    /// 解决率: category A replies over replied.
    pub solution: Option<f64>,
    /// 面商率：已答复且有未被异议的面商的件数，除以已答复件数。
    ///
    /// 面商率: replied with an undisputed consultation over replied.
    pub consultation: Option<f64>,
    /// 满意率：满意和基本满意件数除以已评价件数。
    ///
    /// 满意率: satisfied or basically satisfied over evaluated.
    pub satisfaction: Option<f64>,
}

string_enum! {
    /// What a set of figures is counted by.
    pub enum FiguresScope : "figures scope" {
        /// Every suggestion of the year.
        All = "all",
        /// The lead unit's.
        Unit = "unit",
        /// The category's.
        Category = "category",
        /// The lead deputy's.
        Deputy = "deputy",
        /// The congress session's (its suggestions of every year).
        Session = "session",
    }
}

/// Where a suggestion's counts are kept: a scope, the scope's key (a unit,
/// deputy or session id, a category; empty for `all`) and a year (that of
/// the registration in China; 0 for a session, counted whole).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub scope: FiguresScope,
    pub key: String,
    pub year: i32,
}

/// The keys `s` is counted under; none before it is registered.
pub fn keys(s: &Suggestion) -> Vec<Key> {
    let Some(registered) = s.registered_at else {
        return Vec::new();
    };
    let year = crate::time::china_date(registered).year();
    let key = |scope, key: String, year| Key { scope, key, year };
    let mut out = vec![
        key(FiguresScope::All, String::new(), year),
        key(FiguresScope::Category, s.category.clone(), year),
        key(
            FiguresScope::Deputy,
            s.lead_deputy_id.uuid().to_string(),
            year,
        ),
    ];
    if let Some(u) = s.lead_unit_id {
        out.push(key(FiguresScope::Unit, u.uuid().to_string(), year));
    }
    if let Some(session) = s.congress_session_id {
        out.push(key(FiguresScope::Session, session.to_string(), 0));
    }
    out
}

/// What a change from `before` to `after` adds to each key's counts (the
/// keys whose counts do not move are left out).
pub fn delta(before: Option<&Suggestion>, after: &Suggestion) -> BTreeMap<Key, Counts> {
    let mut out: BTreeMap<Key, Counts> = BTreeMap::new();
    if let Some(b) = before {
        let c = Counts::of(b);
        for k in keys(b) {
            let e = out.entry(k).or_default();
            *e = e.minus(&c);
        }
    }
    let c = Counts::of(after);
    for k in keys(after) {
        let e = out.entry(k).or_default();
        *e = e.plus(&c);
    }
    out.retain(|_, c| !c.is_zero());
    out
}

/// The key of a session's figures.
pub fn session_key(id: Uuid) -> String {
    id.to_string()
}
