//! Suggestion statistics for dashboards (大屏): counts by status, colour,
//! category and unit, on-time and satisfaction rates. Each figure is one
//! grouped query over the suggestions table; the HTTP layer keeps the
//! answer for a few seconds, so dashboards polling it cost one computation
//! per interval, not one per request.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{FromQueryResult, StatementBuilder};
use serde::Serialize;
use uuid::Uuid;

use crate::Store;
use crate::error::StoreResult;

/// Which suggestions to count.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct StatsFilter {
    pub year: Option<i32>,
    pub term: Option<String>,
}

/// One unit's row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitStats {
    pub unit_id: Uuid,
    pub unit_name: String,
    /// Suggestions it leads (assigned or later).
    pub assigned: i64,
    pub replied: i64,
    pub overdue: i64,
    /// Replied no later than the deadline, over replied; null with no reply.
    pub on_time_rate: Option<f64>,
    /// Satisfied or basically satisfied, over evaluated; null with no evaluation.
    pub satisfaction_rate: Option<f64>,
}

/// The figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SuggestionStats {
    /// Submitted suggestions (drafts are not counted).
    pub total: i64,
    pub by_status: BTreeMap<String, i64>,
    pub by_color: BTreeMap<String, i64>,
    pub by_category: BTreeMap<String, i64>,
    pub on_time_reply_rate: Option<f64>,
    pub satisfaction_rate: Option<f64>,
    pub units: Vec<UnitStats>,
}

#[derive(Debug, FromQueryResult)]
struct KeyCount {
    k: Option<String>,
    n: i64,
}

#[derive(Debug, FromQueryResult)]
struct UnitRow {
    unit_id: Uuid,
    unit_name: String,
    assigned: i64,
    replied: i64,
    on_time: i64,
    overdue: i64,
    evaluated: i64,
    satisfied: i64,
}

fn rate(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 / whole as f64 * 10000.0).round() / 10000.0)
}

fn col(name: &str) -> (Alias, Alias) {
    (Alias::new("suggestions"), Alias::new(name))
}

fn base(f: &StatsFilter) -> SelectStatement {
    let mut q = Query::select();
    q.from(Alias::new("suggestions"))
        .and_where(Expr::col(col("deleted_at")).is_null())
        .and_where(Expr::col(col("status")).ne("draft"));
    if let Some(y) = f.year {
        // Numbered in the year's series, or registered in the year in
        // China's time (a session's series).
        let china = |y: i32| {
            chrono::NaiveDate::from_ymd_opt(y, 1, 1)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc() - chrono::Duration::hours(8))
        };
        let mut any = Condition::any().add(Expr::col(col("number")).like(format!("{y}-%")));
        if let (Some(start), Some(end)) = (china(y), china(y + 1)) {
            any = any.add(
                Condition::all()
                    .add(Expr::col(col("registered_at")).gte(start))
                    .add(Expr::col(col("registered_at")).lt(end)),
            );
        }
        q.cond_where(any);
    }
    if let Some(t) = &f.term {
        q.and_where(Expr::col(col("term")).eq(t.clone()));
    }
    q
}

const SUM_REPLIED: &str = "SUM(CASE WHEN replied_on_time IS NOT NULL THEN 1 ELSE 0 END)";
const SUM_ON_TIME: &str = "SUM(CASE WHEN replied_on_time THEN 1 ELSE 0 END)";
const SUM_EVALUATED: &str = "SUM(CASE WHEN evaluation_result IS NOT NULL THEN 1 ELSE 0 END)";
const SUM_SATISFIED: &str =
    "SUM(CASE WHEN evaluation_result IN ('satisfied', 'basically_satisfied') THEN 1 ELSE 0 END)";

fn unit_query(f: &StatsFilter, today: NaiveDate) -> SelectStatement {
    let mut q = base(f);
    q.expr_as(Expr::col(col("lead_unit_id")), Alias::new("unit_id"))
        .expr_as(Expr::col((Alias::new("units"), Alias::new("name"))), Alias::new("unit_name"))
        .expr_as(Expr::cust("COUNT(*)"), Alias::new("assigned"))
        .expr_as(Expr::cust(SUM_REPLIED), Alias::new("replied"))
        .expr_as(Expr::cust(SUM_ON_TIME), Alias::new("on_time"))
        .expr_as(
            Expr::cust(format!(
                // `today` is our own date, never a caller's text: safe to inline,
                // and the same literal works on SQLite and PostgreSQL.
                "SUM(CASE WHEN status IN ('assigned', 'rehandling') AND deadline < '{}' THEN 1 ELSE 0 END)",
                today.format("%Y-%m-%d")
            )),
            Alias::new("overdue"),
        )
        .expr_as(Expr::cust(SUM_EVALUATED), Alias::new("evaluated"))
        .expr_as(Expr::cust(SUM_SATISFIED), Alias::new("satisfied"))
        .inner_join(
            Alias::new("units"),
            Expr::col((Alias::new("units"), Alias::new("id"))).equals(col("lead_unit_id")),
        )
        .group_by_col(col("lead_unit_id"))
        .group_by_col((Alias::new("units"), Alias::new("name")));
    q
}

/// One unit's line of the summary table units report on (建议办理情况汇总表).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitSummary {
    pub unit_id: Uuid,
    pub unit_name: String,
    /// Suggestions it leads (assigned or later).
    pub assigned: i64,
    pub replied: i64,
    /// Replied no later than the deadline.
    pub replied_on_time: i64,
    pub overdue: i64,
    /// By the category of the latest reply: A (solved or adopted), B
    /// (being solved), C (to be solved later, or explained).
    pub category_a: i64,
    pub category_b: i64,
    pub category_c: i64,
    pub satisfied: i64,
    pub basically_satisfied: i64,
    pub unsatisfied: i64,
    pub on_time_rate: Option<f64>,
    pub satisfaction_rate: Option<f64>,
}

#[derive(Debug, FromQueryResult)]
struct UnitKeyCount {
    unit_id: Uuid,
    k: Option<String>,
    n: i64,
}

impl Store {
    /// The summary table, one line per unit that leads suggestions, by
    /// unit name; `unit` keeps one unit's line only.
    pub async fn suggestion_unit_summary(
        &self,
        f: &StatsFilter,
        today: NaiveDate,
        unit: Option<Uuid>,
    ) -> StoreResult<Vec<UnitSummary>> {
        let mut q = unit_query(f, today);
        if let Some(u) = unit {
            q.and_where(Expr::col(col("lead_unit_id")).eq(u));
        }
        let stmt = StatementBuilder::build(&q, &self.backend());
        let mut rows = UnitRow::find_by_statement(stmt).all(&self.db).await?;
        rows.sort_by(|a, b| a.unit_name.cmp(&b.unit_name));

        // The latest reply's category, per unit.
        let mut cats = base(f);
        cats.expr_as(Expr::col(col("lead_unit_id")), Alias::new("unit_id"))
            .expr_as(
                Expr::col((Alias::new("suggestion_replies"), Alias::new("category"))),
                Alias::new("k"),
            )
            .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
            .inner_join(
                Alias::new("suggestion_replies"),
                Expr::col((
                    Alias::new("suggestion_replies"),
                    Alias::new("suggestion_id"),
                ))
                .equals(col("id")),
            )
            .and_where(Expr::cust(
                "suggestion_replies.round = (SELECT MAX(r2.round) FROM suggestion_replies r2 \
                 WHERE r2.suggestion_id = suggestions.id)",
            ))
            .and_where(Expr::col(col("lead_unit_id")).is_not_null())
            .group_by_col(col("lead_unit_id"))
            .group_by_col((Alias::new("suggestion_replies"), Alias::new("category")));
        // The evaluation's result, per unit.
        let mut evals = base(f);
        evals
            .expr_as(Expr::col(col("lead_unit_id")), Alias::new("unit_id"))
            .expr_as(Expr::col(col("evaluation_result")), Alias::new("k"))
            .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
            .and_where(Expr::col(col("lead_unit_id")).is_not_null())
            .group_by_col(col("lead_unit_id"))
            .group_by_col(col("evaluation_result"));
        let mut counts: std::collections::HashMap<(Uuid, String), i64> = Default::default();
        for q in [cats, evals] {
            let stmt = StatementBuilder::build(&q, &self.backend());
            for r in UnitKeyCount::find_by_statement(stmt).all(&self.db).await? {
                if let Some(k) = r.k {
                    *counts.entry((r.unit_id, k)).or_default() += r.n;
                }
            }
        }
        let get = |u: Uuid, k: &str| counts.get(&(u, k.to_owned())).copied().unwrap_or(0);
        Ok(rows
            .into_iter()
            .map(|r| {
                let satisfied = get(r.unit_id, "satisfied");
                let basically = get(r.unit_id, "basically_satisfied");
                UnitSummary {
                    unit_id: r.unit_id,
                    category_a: get(r.unit_id, "A"),
                    category_b: get(r.unit_id, "B"),
                    category_c: get(r.unit_id, "C"),
                    satisfied,
                    basically_satisfied: basically,
                    unsatisfied: get(r.unit_id, "unsatisfied"),
                    on_time_rate: rate(r.on_time, r.replied),
                    satisfaction_rate: rate(r.satisfied, r.evaluated),
                    unit_name: r.unit_name,
                    assigned: r.assigned,
                    replied: r.replied,
                    replied_on_time: r.on_time,
                    overdue: r.overdue,
                }
            })
            .collect())
    }

    async fn grouped(&self, f: &StatsFilter, column: &str) -> StoreResult<BTreeMap<String, i64>> {
        let mut q = base(f);
        q.expr_as(Expr::col(col(column)), Alias::new("k"))
            .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
            .group_by_col(col(column));
        let stmt = StatementBuilder::build(&q, &self.backend());
        let rows = KeyCount::find_by_statement(stmt).all(&self.db).await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| r.k.map(|k| (k, r.n)))
            .collect())
    }

    /// Computes the statistics now; `today` decides what is overdue.
    pub async fn suggestion_stats(
        &self,
        f: &StatsFilter,
        today: NaiveDate,
    ) -> StoreResult<SuggestionStats> {
        let by_status = self.grouped(f, "status").await?;
        let by_color = self.grouped(f, "color").await?;
        let by_category = self.grouped(f, "category").await?;
        let total = by_status.values().sum();

        let q = unit_query(f, today);
        let stmt = StatementBuilder::build(&q, &self.backend());
        let mut rows = UnitRow::find_by_statement(stmt).all(&self.db).await?;
        rows.sort_by(|a, b| a.unit_name.cmp(&b.unit_name));
        let (replied, on_time, evaluated, satisfied) = rows.iter().fold((0, 0, 0, 0), |acc, r| {
            (
                acc.0 + r.replied,
                acc.1 + r.on_time,
                acc.2 + r.evaluated,
                acc.3 + r.satisfied,
            )
        });
        let units = rows
            .into_iter()
            .map(|r| UnitStats {
                unit_id: r.unit_id,
                unit_name: r.unit_name,
                assigned: r.assigned,
                replied: r.replied,
                overdue: r.overdue,
                on_time_rate: rate(r.on_time, r.replied),
                satisfaction_rate: rate(r.satisfied, r.evaluated),
            })
            .collect();
        Ok(SuggestionStats {
            total,
            by_status,
            by_color,
            by_category,
            on_time_reply_rate: rate(on_time, replied),
            satisfaction_rate: rate(satisfied, evaluated),
            units,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_query_has_no_unbound_placeholder() {
        let q = unit_query(&StatsFilter::default(), NaiveDate::MIN);
        let stmt = StatementBuilder::build(&q, &sea_orm::DbBackend::Postgres);
        assert!(
            stmt.sql.contains("deadline < '-262143-01-01'") || stmt.sql.contains("deadline < '"),
            "{}",
            stmt.sql
        );
        assert!(!stmt.sql.contains('?'), "{}", stmt.sql);
    }
}
