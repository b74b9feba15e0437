//! Suggestion statistics for dashboards (大屏): counts by status, colour,
//! category and unit, on-time and satisfaction rates. The counts are kept
//! in the transaction of each change (`suggestions::tallies`), so each
//! answer sums a few hundred kept rows, however many suggestions there
//! are; only what is overdue today is counted when asked, from an index of
//! the open suggestions by deadline.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use renda_domain::suggestion::tallies::{Dimension, UnitLine};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, StatementBuilder,
    TransactionTrait,
};
use serde::Serialize;
use uuid::Uuid;

use crate::Store;
use crate::error::StoreResult;
use crate::suggestions::tallies::{self, Covering};

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
struct OverdueRow {
    unit_id: Uuid,
    n: i64,
}

fn rate(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 / whole as f64 * 10000.0).round() / 10000.0)
}

fn covering(f: &StatsFilter) -> Covering {
    Covering {
        year: f.year,
        term: f.term.clone(),
    }
}

impl Store {
    /// A read-only transaction whose statements all see one snapshot (on
    /// SQLite every transaction reads one, and asking warns).
    async fn snapshot(&self) -> StoreResult<sea_orm::DatabaseTransaction> {
        let pg = self.backend() == sea_orm::DbBackend::Postgres;
        Ok(self
            .db
            .begin_with_config(
                pg.then_some(sea_orm::IsolationLevel::RepeatableRead),
                pg.then_some(sea_orm::AccessMode::ReadOnly),
            )
            .await?)
    }

    /// Each lead unit's count of suggestions overdue on `today` (open, past
    /// the deadline), of the year and term `f` asks for.
    async fn overdue_by_unit<Conn: ConnectionTrait>(
        &self,
        c: &Conn,
        f: &StatsFilter,
        today: NaiveDate,
    ) -> StoreResult<HashMap<Uuid, i64>> {
        let mut q = Query::select();
        q.from(Alias::new("suggestions"))
            .expr_as(Expr::col(Alias::new("lead_unit_id")), Alias::new("unit_id"))
            .expr_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), Alias::new("n"))
            // Written as the open-deadline index's own condition, so that
            // the index answers it.
            .and_where(Expr::cust(
                "deleted_at IS NULL AND status IN ('assigned', 'rehandling')",
            ))
            .and_where(Expr::col(Alias::new("deadline")).lt(today))
            .and_where(Expr::col(Alias::new("lead_unit_id")).is_not_null())
            .group_by_col(Alias::new("lead_unit_id"));
        if let Some(y) = f.year {
            // An open suggestion is registered, so its year is that of
            // its registration, as the tallies count it.
            q.and_where(Expr::col(Alias::new("year")).eq(y));
        }
        if let Some(t) = &f.term {
            q.and_where(Expr::col(Alias::new("term")).eq(t.clone()));
        }
        let stmt = StatementBuilder::build(&q, &self.backend());
        Ok(OverdueRow::find_by_statement(stmt)
            .all(c)
            .await?
            .into_iter()
            .map(|r| (r.unit_id, r.n))
            .collect())
    }

    /// The kept lines of the units `f` covers (`unit` keeps one), with
    /// their names and what is overdue, by unit name.
    async fn unit_lines<Conn: ConnectionTrait>(
        &self,
        c: &Conn,
        f: &StatsFilter,
        today: NaiveDate,
        unit: Option<Uuid>,
    ) -> StoreResult<Vec<(Uuid, String, UnitLine, i64)>> {
        use crate::entities::unit;
        let lines = tallies::unit_lines(c, &covering(f), unit).await?;
        let overdue = self.overdue_by_unit(c, f, today).await?;
        let ids: Vec<Uuid> = lines.iter().map(|(u, _)| *u).collect();
        let names: HashMap<Uuid, String> = unit::Entity::find()
            .filter(unit::Column::Id.is_in(ids))
            .all(c)
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect();
        let mut out: Vec<_> = lines
            .into_iter()
            .filter_map(|(u, l)| {
                let name = names.get(&u)?.clone();
                Some((u, name, l, overdue.get(&u).copied().unwrap_or(0)))
            })
            .collect();
        out.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(out)
    }

    /// The summary table, one line per unit that leads suggestions, by
    /// unit name; `unit` keeps one unit's line only.
    pub async fn suggestion_unit_summary(
        &self,
        f: &StatsFilter,
        today: NaiveDate,
        unit: Option<Uuid>,
    ) -> StoreResult<Vec<UnitSummary>> {
        let txn = self.snapshot().await?;
        let lines = self.unit_lines(&txn, f, today, unit).await?;
        txn.commit().await?;
        Ok(lines
            .into_iter()
            .map(|(unit_id, unit_name, l, overdue)| UnitSummary {
                unit_id,
                unit_name,
                assigned: l.assigned,
                replied: l.replied,
                replied_on_time: l.replied_on_time,
                overdue,
                category_a: l.category_a,
                category_b: l.category_b,
                category_c: l.category_c,
                satisfied: l.satisfied,
                basically_satisfied: l.basically_satisfied,
                unsatisfied: l.unsatisfied,
                on_time_rate: rate(l.replied_on_time, l.replied),
                satisfaction_rate: rate(l.content(), l.evaluated()),
            })
            .collect())
    }

    /// The statistics as they stand; `today` decides what is overdue.
    pub async fn suggestion_stats(
        &self,
        f: &StatsFilter,
        today: NaiveDate,
    ) -> StoreResult<SuggestionStats> {
        let mut by_status = BTreeMap::new();
        let mut by_color = BTreeMap::new();
        let mut by_category = BTreeMap::new();
        // One snapshot: a change committed between the statements would
        // otherwise count in one part of the answer and not another.
        let txn = self.snapshot().await?;
        for (dimension, value, n) in tallies::counts(&txn, &covering(f)).await? {
            let map = match dimension {
                Dimension::Status => &mut by_status,
                Dimension::Color => &mut by_color,
                Dimension::Category => &mut by_category,
            };
            map.insert(value, n);
        }
        let total = by_status.values().sum();
        let lines = self.unit_lines(&txn, f, today, None).await?;
        txn.commit().await?;
        let all = lines
            .iter()
            .fold(UnitLine::default(), |acc, (_, _, l, _)| acc.plus(l));
        let units = lines
            .into_iter()
            .map(|(unit_id, unit_name, l, overdue)| UnitStats {
                unit_id,
                unit_name,
                assigned: l.assigned,
                replied: l.replied,
                overdue,
                on_time_rate: rate(l.replied_on_time, l.replied),
                satisfaction_rate: rate(l.content(), l.evaluated()),
            })
            .collect();
        Ok(SuggestionStats {
            total,
            by_status,
            by_color,
            by_category,
            on_time_reply_rate: rate(all.replied_on_time, all.replied),
            satisfaction_rate: rate(all.content(), all.evaluated()),
            units,
        })
    }
}
