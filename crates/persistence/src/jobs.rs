//! Recurring jobs that one instance of several runs at a time: an
//! instance claims a job's lease in the database, runs it, and records
//! the run. A lease that ran out (its holder died) may be claimed again.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Cond, Expr};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::Store;
use crate::entities::job_lease as jl;
use crate::error::StoreResult;

/// The job that writes reminders.
pub const REMINDERS: &str = "reminders";

impl Store {
    /// Numbers the changes committed since the last numbering (see
    /// migration 036), so that the change feed's readers find little left
    /// to number. Each instance runs it every second.
    pub async fn number_changes(&self) -> StoreResult<()> {
        Ok(crate::list::number_changes(&self.db).await?)
    }

    /// Claims `job` for `holder` until `now + lease`, if its lease is
    /// free, ran out, or is `holder`'s already, and (with `ran_before`) it
    /// has not run since; true when claimed.
    pub async fn claim_job(
        &self,
        job: &str,
        holder: &str,
        now: DateTime<Utc>,
        lease: Duration,
        ran_before: Option<DateTime<Utc>>,
    ) -> StoreResult<bool> {
        let mut q = jl::Entity::update_many();
        if let Some(t) = ran_before {
            q = q.filter(
                Cond::any()
                    .add(jl::Column::LastRunAt.is_null())
                    .add(jl::Column::LastRunAt.lt(t)),
            );
        }
        let res = q
            .col_expr(jl::Column::Holder, Expr::value(Some(holder.to_owned())))
            .col_expr(jl::Column::LeaseUntil, Expr::value(Some(now + lease)))
            .filter(jl::Column::Name.eq(job))
            .filter(
                Cond::any()
                    .add(jl::Column::LeaseUntil.is_null())
                    .add(jl::Column::LeaseUntil.lt(now))
                    .add(jl::Column::Holder.eq(holder)),
            )
            .exec(&self.db)
            .await?;
        Ok(res.rows_affected == 1)
    }

    /// Records that `holder` ran `job` at `now`, and frees its lease.
    pub async fn finish_job(&self, job: &str, holder: &str, now: DateTime<Utc>) -> StoreResult<()> {
        jl::Entity::update_many()
            .col_expr(jl::Column::LastRunAt, Expr::value(Some(now)))
            .col_expr(jl::Column::LeaseUntil, Expr::value(None::<DateTime<Utc>>))
            .filter(jl::Column::Name.eq(job))
            .filter(jl::Column::Holder.eq(holder))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Gives up `holder`'s lease of `job` without recording a run (it
    /// failed: the next claim tries again).
    pub async fn release_job(&self, job: &str, holder: &str) -> StoreResult<()> {
        jl::Entity::update_many()
            .col_expr(jl::Column::LeaseUntil, Expr::value(None::<DateTime<Utc>>))
            .filter(jl::Column::Name.eq(job))
            .filter(jl::Column::Holder.eq(holder))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// When `job` last ran.
    pub async fn job_last_run(&self, job: &str) -> StoreResult<Option<DateTime<Utc>>> {
        Ok(jl::Entity::find_by_id(job.to_owned())
            .one(&self.db)
            .await?
            .and_then(|m| m.last_run_at))
    }
}
