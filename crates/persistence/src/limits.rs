//! Rate-limit windows shared by every instance: each instance takes a
//! share of a key's budget from the key's row, so that the budget holds
//! however many instances serve behind a load balancer.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter};

use crate::Store;
use crate::entities::rate_window as rw;
use crate::error::StoreResult;

/// What a key was granted from its window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    /// Requests granted: 0 once the window's budget is spent.
    pub granted: i64,
    /// Requests the window has given out, this grant included (the
    /// limit once it is spent).
    pub used: i64,
    /// When the window ends (milliseconds since the epoch).
    pub expires_at: i64,
}

impl Store {
    /// Takes up to `want` requests from the budget of `limit` that `key`
    /// has in its current window; a window ended by `now` (milliseconds
    /// since the epoch) starts again, `window` long. The sum granted to
    /// every instance never exceeds `limit`: the row is read and changed
    /// in one statement.
    pub async fn take_from_window(
        &self,
        key: &str,
        now: i64,
        window: i64,
        want: i64,
        limit: i64,
    ) -> StoreResult<Grant> {
        let table = Alias::new("rate_windows");
        let col = |c: &'static str| Expr::col((table.clone(), Alias::new(c)));
        let new = |c: &'static str| Expr::col((Alias::new("excluded"), Alias::new(c)));
        let ended = col("expires_at").lte(now);
        let fresh_or = |c: &'static str, kept: Expr| -> Expr {
            Expr::case(ended.clone(), new(c)).finally(kept).into()
        };
        let mut insert = Query::insert();
        insert
            .into_table(table.clone())
            .columns([
                Alias::new("key"),
                Alias::new("window_start"),
                Alias::new("used"),
                Alias::new("expires_at"),
            ])
            .values_panic([
                key.into(),
                now.into(),
                want.into(),
                now.saturating_add(window).into(),
            ])
            .on_conflict(
                OnConflict::column(Alias::new("key"))
                    .value(
                        Alias::new("used"),
                        fresh_or("used", col("used").add(new("used"))),
                    )
                    .value(
                        Alias::new("window_start"),
                        fresh_or("window_start", col("window_start")),
                    )
                    .value(
                        Alias::new("expires_at"),
                        fresh_or("expires_at", col("expires_at")),
                    )
                    .action_and_where(ended.clone().or(col("used").lt(limit)))
                    .to_owned(),
            )
            .returning(Query::returning().columns([Alias::new("used"), Alias::new("expires_at")]));
        if let Some(row) = self.db.query_one(&insert).await? {
            let used: i64 = row.try_get_by_index(0)?;
            let expires_at: i64 = row.try_get_by_index(1)?;
            // What the window held before this request took `want`.
            let before = used - want;
            return Ok(Grant {
                granted: std::cmp::Ord::max(std::cmp::Ord::min(want, limit - before), 0),
                used: std::cmp::Ord::min(used, limit),
                expires_at,
            });
        }
        // Spent: nothing was changed; when does the window end?
        let expires_at = rw::Entity::find_by_id(key.to_owned())
            .one(&self.db)
            .await?
            .map_or(now, |r| r.expires_at);
        Ok(Grant {
            granted: 0,
            used: limit,
            expires_at,
        })
    }

    /// Forgets the windows that ended before `now` (milliseconds since the
    /// epoch).
    pub async fn sweep_rate_windows(&self, now: i64) -> StoreResult<u64> {
        Ok(rw::Entity::delete_many()
            .filter(Expr::col(rw::Column::ExpiresAt).lt(now))
            .exec(&self.db)
            .await?
            .rows_affected)
    }
}
