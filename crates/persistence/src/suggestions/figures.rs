//! The figures of suggestion handling, kept current in the transaction of
//! each change ([`apply`]): the domain says what a change adds to each
//! key's counts ([`renda_domain::suggestion::figures::delta`]); this adds
//! it with one `UPDATE … SET n = n + d` per key, which concurrent changes
//! on any instance add up exactly.

use std::collections::BTreeMap;

use renda_domain::suggestion::figures::{self, Counts, FiguresScope, Key};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait};
use sea_orm::{QueryFilter, QuerySelect, TransactionTrait};

use super::*;
use crate::entities::suggestion_figure as fig;

/// The setting that says the figures were counted from the suggestions
/// on record.
const COUNTED: &str = "suggestion_figures";
/// The setting that says the dashboard's tallies were counted.
const TALLIED: &str = "suggestion_tallies";

fn counts_of(m: &fig::Model) -> Counts {
    Counts {
        registered: m.registered,
        assigned: m.assigned,
        closed: m.closed,
        replied: m.replied,
        replied_on_time: m.replied_on_time,
        solved: m.solved,
        consulted: m.consulted,
        evaluated: m.evaluated,
        satisfied: m.satisfied,
        unsatisfied: m.unsatisfied,
        not_evaluated: m.not_evaluated,
        rehandled: m.rehandled,
    }
}

/// Adds `d` to the row of `k`, made if missing.
async fn add<Conn: ConnectionTrait>(c: &Conn, k: &Key, d: &Counts) -> StoreResult<()> {
    fig::Entity::insert(fig::ActiveModel {
        scope: Set(k.scope.as_str().to_owned()),
        scope_key: Set(k.key.clone()),
        year: Set(k.year),
        ..zero()
    })
    .on_conflict_do_nothing_on([fig::Column::Scope, fig::Column::ScopeKey, fig::Column::Year])
    .exec(c)
    .await?;
    let plus = |col: fig::Column, n: i64| (col, Expr::col(col).add(n));
    let cols = [
        plus(fig::Column::Registered, d.registered),
        plus(fig::Column::Assigned, d.assigned),
        plus(fig::Column::Closed, d.closed),
        plus(fig::Column::Replied, d.replied),
        plus(fig::Column::RepliedOnTime, d.replied_on_time),
        plus(fig::Column::Solved, d.solved),
        plus(fig::Column::Consulted, d.consulted),
        plus(fig::Column::Evaluated, d.evaluated),
        plus(fig::Column::Satisfied, d.satisfied),
        plus(fig::Column::Unsatisfied, d.unsatisfied),
        plus(fig::Column::NotEvaluated, d.not_evaluated),
        plus(fig::Column::Rehandled, d.rehandled),
    ];
    let mut q = fig::Entity::update_many();
    for (col, e) in cols {
        q = q.col_expr(col, e);
    }
    q.filter(fig::Column::Scope.eq(k.scope.as_str()))
        .filter(fig::Column::ScopeKey.eq(k.key.clone()))
        .filter(fig::Column::Year.eq(k.year))
        .exec(c)
        .await?;
    Ok(())
}

fn zero() -> fig::ActiveModel {
    fig::ActiveModel {
        registered: Set(0),
        assigned: Set(0),
        closed: Set(0),
        replied: Set(0),
        replied_on_time: Set(0),
        solved: Set(0),
        consulted: Set(0),
        evaluated: Set(0),
        satisfied: Set(0),
        unsatisfied: Set(0),
        not_evaluated: Set(0),
        rehandled: Set(0),
        ..Default::default()
    }
}

/// Keeps the figures current with the change of a suggestion from
/// `before` (none when it is new) to `after`, on `c`, the change's
/// transaction.
pub(super) async fn apply<Conn: ConnectionTrait>(
    c: &Conn,
    before: Option<&Suggestion>,
    after: &Suggestion,
) -> StoreResult<()> {
    for (k, d) in figures::delta(before, after) {
        add(c, &k, &d).await?;
    }
    Ok(())
}

/// Adds each key's counts of `all`, in key order, on `c`.
pub(super) async fn add_all<Conn: ConnectionTrait>(
    c: &Conn,
    all: &BTreeMap<Key, Counts>,
) -> StoreResult<()> {
    for (k, d) in all {
        if !d.is_zero() {
            add(c, k, d).await?;
        }
    }
    Ok(())
}

/// What a recount makes afresh from the suggestions on record: the
/// handling figures of every key, and the dashboard's tallies.
#[derive(Default)]
struct Recount {
    figures: BTreeMap<Key, Counts>,
    tallies: renda_domain::suggestion::tallies::Tallies,
}

/// Walks every live suggestion on `c` once, counting each toward both.
async fn recount_on<Conn: ConnectionTrait>(c: &Conn) -> StoreResult<Recount> {
    use renda_domain::suggestion::tallies::Tallies;
    let mut out = Recount::default();
    let mut after: Option<Uuid> = None;
    loop {
        let mut q = SuggestionEntity::find()
            .filter(C::DeletedAt.is_null())
            .filter(C::Status.ne(SuggestionStatus::Draft.as_str()))
            .order_by_asc(C::Id)
            .limit(1000);
        if let Some(a) = after {
            q = q.filter(C::Id.gt(a));
        }
        let rows = q.all(c).await?;
        let Some(last) = rows.last().map(|m| m.id) else {
            break;
        };
        after = Some(last);
        let ids: Vec<Uuid> = rows.iter().map(|m| m.id).collect();
        let mut ch = children(c, &ids).await?;
        for m in rows {
            let s = assemble(m, &mut ch)?;
            let n = Counts::of(&s);
            for k in figures::keys(&s) {
                let e = out.figures.entry(k).or_default();
                *e = e.plus(&n);
            }
            out.tallies.add(&Tallies::of(&s), 1);
        }
    }
    out.figures.retain(|_, n| !n.is_zero());
    Ok(out)
}

impl Store {
    /// Counts the figures and the tallies from the suggestions on record,
    /// once per database (on first opening after each came), in one walk:
    /// the tables are locked meanwhile, so that no change adds to a row
    /// being counted.
    pub(crate) async fn ensure_suggestion_counts(&self) -> StoreResult<()> {
        if self.setting(COUNTED).await?.is_some() && self.setting(TALLIED).await?.is_some() {
            return Ok(());
        }
        let txn = self.db.begin().await?;
        if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
            txn.execute_unprepared(
                "LOCK TABLE suggestion_figures, suggestion_tallies, suggestion_unit_tallies \
                 IN EXCLUSIVE MODE",
            )
            .await?;
        }
        // Another instance may have counted while this one waited.
        let txn_ref = &txn;
        let missing = |key: &'static str| async move {
            crate::entities::setting::Entity::find_by_id(key.to_owned())
                .one(txn_ref)
                .await
                .map(|s| s.is_none())
        };
        let (count, tally) = (missing(COUNTED).await?, missing(TALLIED).await?);
        if count || tally {
            let r = recount_on(&txn).await?;
            if count {
                fig::Entity::delete_many().exec(&txn).await?;
                for (k, n) in &r.figures {
                    add(&txn, k, n).await?;
                }
            }
            if tally {
                super::tallies::clear(&txn).await?;
                super::tallies::add(&txn, &r.tallies).await?;
            }
            for (key, done) in [(COUNTED, count), (TALLIED, tally)] {
                if done {
                    crate::entities::setting::ActiveModel {
                        key: Set(key.to_owned()),
                        value: Set("counted".to_owned()),
                    }
                    .insert(&txn)
                    .await?;
                }
            }
        }
        txn.commit().await?;
        Ok(())
    }

    /// Counts the handling figures and the dashboard's tallies afresh from
    /// the suggestions on record (`renda recount`): after rows were
    /// written past the application, or by an instance of an earlier
    /// version still running after an upgrade.
    pub async fn recount_suggestion_counts(&self) -> StoreResult<()> {
        crate::entities::setting::Entity::delete_many()
            .filter(crate::entities::setting::Column::Key.is_in([COUNTED, TALLIED]))
            .exec(&self.db)
            .await?;
        self.ensure_suggestion_counts().await
    }

    /// The counts of one key (all noughts when nothing counts there).
    pub async fn suggestion_figures(
        &self,
        scope: FiguresScope,
        key: &str,
        year: i32,
    ) -> StoreResult<Counts> {
        Ok(
            fig::Entity::find_by_id((scope.as_str().to_owned(), key.to_owned(), year))
                .one(&self.db)
                .await?
                .map(|m| counts_of(&m))
                .unwrap_or_default(),
        )
    }

    /// The counts of every key of `scope` in `year`, by key.
    pub async fn suggestion_figures_by(
        &self,
        scope: FiguresScope,
        year: i32,
    ) -> StoreResult<Vec<(String, Counts)>> {
        Ok(fig::Entity::find()
            .filter(fig::Column::Scope.eq(scope.as_str()))
            .filter(fig::Column::Year.eq(year))
            .order_by_asc(fig::Column::ScopeKey)
            .all(&self.db)
            .await?
            .iter()
            // A unit a suggestion moved away from keeps a row of noughts.
            .map(|m| (m.scope_key.clone(), counts_of(m)))
            .filter(|(_, n)| !n.is_zero())
            .collect())
    }

    /// The figures as a recount from the suggestions would make them now,
    /// each key with its counts: what the kept figures must equal.
    pub async fn recount_suggestion_figures(&self) -> StoreResult<Vec<(Key, Counts)>> {
        Ok(recount_on(&self.db).await?.figures.into_iter().collect())
    }

    /// The dashboard's tallies as a recount would make them now, and as
    /// kept: the two must be equal.
    pub async fn recount_and_kept_suggestion_tallies(
        &self,
    ) -> StoreResult<(
        renda_domain::suggestion::tallies::Tallies,
        renda_domain::suggestion::tallies::Tallies,
    )> {
        let recount = recount_on(&self.db).await?.tallies;
        Ok((recount, super::tallies::kept(&self.db).await?))
    }

    /// Every kept row, each key with its counts (rows of noughts left out).
    pub async fn kept_suggestion_figures(&self) -> StoreResult<Vec<(Key, Counts)>> {
        let mut out = Vec::new();
        for m in fig::Entity::find().all(&self.db).await? {
            let n = counts_of(&m);
            if n.is_zero() {
                continue;
            }
            out.push((
                Key {
                    scope: parse_stored(&m.scope)?,
                    key: m.scope_key,
                    year: m.year,
                },
                n,
            ));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }
}
