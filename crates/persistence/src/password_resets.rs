//! Password resets of the administrators' accounts, held until a second
//! administrator confirms them: whoever sets an administrator's password
//! knows it, so one person alone must not be able to take over another's
//! account (三员 separation).

use crate::error::Conflict;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait};
use serde::Serialize;
use uuid::Uuid;

use crate::Store;
use crate::audit::{self, AuditCtx};
use crate::entities::password_reset::{self as pr, Column as C, Entity as Resets};
use crate::error::{StoreError, StoreResult};
use renda_domain::user::{User, UserPatch};

/// How long a reset waits for its confirmation.
pub const RESET_TTL_HOURS: i64 = 24;

/// A password reset and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PasswordReset {
    pub id: Uuid,
    pub user_id: Uuid,
    pub requested_by: Uuid,
    pub requested_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// `pending`, `confirmed`, `cancelled`, or `expired` (pending past
    /// its time).
    pub status: String,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
}

fn to_reset(m: pr::Model, now: DateTime<Utc>) -> PasswordReset {
    let status = if m.status == "pending" && m.expires_at <= now {
        "expired".to_owned()
    } else {
        m.status
    };
    PasswordReset {
        id: m.id,
        user_id: m.user_id,
        requested_by: m.requested_by,
        requested_at: m.requested_at,
        expires_at: m.expires_at,
        status,
        decided_by: m.decided_by,
        decided_at: m.decided_at,
    }
}

const OBJECT: &str = "user";

impl Store {
    /// Holds a new password for `user_id` until another administrator
    /// confirms it; an earlier pending reset of the account is cancelled.
    pub async fn request_password_reset(
        &self,
        ctx: &AuditCtx,
        user_id: Uuid,
        password_hash: String,
        requested_by: Uuid,
    ) -> StoreResult<PasswordReset> {
        let now = renda_domain::time::now();
        let txn = self.db.begin().await?;
        Resets::update_many()
            .col_expr(C::Status, Expr::value("cancelled"))
            .col_expr(C::DecidedBy, Expr::value(Some(requested_by)))
            .col_expr(C::DecidedAt, Expr::value(Some(now)))
            .filter(C::UserId.eq(user_id))
            .filter(C::Status.eq("pending"))
            .exec(&txn)
            .await?;
        let m = pr::Model {
            id: Uuid::now_v7(),
            user_id,
            password_hash,
            must_change_password: true,
            requested_by,
            requested_at: now,
            expires_at: now + Duration::hours(RESET_TTL_HOURS),
            decided_by: None,
            decided_at: None,
            status: "pending".into(),
        };
        Resets::insert(pr::ActiveModel::from(m.clone()))
            .exec_without_returning(&txn)
            .await?;
        let reset = to_reset(m, now);
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "request_password_reset",
            OBJECT,
            Some(user_id),
            None::<&()>,
            Some(&reset),
        )
        .await?;
        txn.commit().await?;
        Ok(reset)
    }

    /// The resets of an account, newest first.
    pub async fn list_password_resets(&self, user_id: Uuid) -> StoreResult<Vec<PasswordReset>> {
        let now = renda_domain::time::now();
        Ok(Resets::find()
            .filter(C::UserId.eq(user_id))
            .order_by_desc(C::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| to_reset(m, now))
            .collect())
    }

    /// One reset of an account.
    pub async fn get_password_reset(&self, user_id: Uuid, id: Uuid) -> StoreResult<PasswordReset> {
        let now = renda_domain::time::now();
        Resets::find_by_id(id)
            .filter(C::UserId.eq(user_id))
            .one(&self.db)
            .await?
            .map(|m| to_reset(m, now))
            .ok_or(StoreError::NotFound)
    }

    /// Applies a pending reset, confirmed by `confirmed_by`: the new
    /// password must be changed at the next sign-in, every session of the
    /// account ends. One transaction: the reset is claimed (so two
    /// confirmations cannot both apply) and the password set together.
    pub async fn confirm_password_reset(
        &self,
        ctx: &AuditCtx,
        user_id: Uuid,
        id: Uuid,
        confirmed_by: Uuid,
    ) -> StoreResult<User> {
        let now = renda_domain::time::now();
        let txn = self.db.begin().await?;
        let m = Resets::find_by_id(id)
            .filter(C::UserId.eq(user_id))
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        if m.status != "pending" {
            return Err(StoreError::Conflict(Conflict::ResetNotPending));
        }
        if m.expires_at <= now {
            return Err(StoreError::Conflict(Conflict::ResetExpired));
        }
        let claimed = Resets::update_many()
            .col_expr(C::Status, Expr::value("confirmed"))
            .col_expr(C::DecidedBy, Expr::value(Some(confirmed_by)))
            .col_expr(C::DecidedAt, Expr::value(Some(now)))
            .filter(C::Id.eq(id))
            .filter(C::Status.eq("pending"))
            .exec(&txn)
            .await?;
        if claimed.rows_affected != 1 {
            return Err(StoreError::Conflict(Conflict::ResetNotPending));
        }
        let patch = UserPatch {
            password_hash: Some(m.password_hash.clone()),
            must_change_password: Some(m.must_change_password),
            ..UserPatch::default()
        };
        let user = self.update_user_on(&txn, ctx, user_id, None, patch).await?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "confirm_password_reset",
            OBJECT,
            Some(user_id),
            None::<&()>,
            Some(&serde_json::json!({"reset_id": id, "requested_by": m.requested_by})),
        )
        .await?;
        txn.commit().await?;
        Ok(user)
    }

    /// Withdraws a pending reset.
    pub async fn cancel_password_reset(
        &self,
        ctx: &AuditCtx,
        user_id: Uuid,
        id: Uuid,
        cancelled_by: Uuid,
    ) -> StoreResult<()> {
        let now = renda_domain::time::now();
        let txn = self.db.begin().await?;
        Resets::find_by_id(id)
            .filter(C::UserId.eq(user_id))
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        let done = Resets::update_many()
            .col_expr(C::Status, Expr::value("cancelled"))
            .col_expr(C::DecidedBy, Expr::value(Some(cancelled_by)))
            .col_expr(C::DecidedAt, Expr::value(Some(now)))
            .filter(C::Id.eq(id))
            .filter(C::Status.eq("pending"))
            .exec(&txn)
            .await?;
        if done.rows_affected != 1 {
            return Err(StoreError::Conflict(Conflict::ResetNotPending));
        }
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "cancel_password_reset",
            OBJECT,
            Some(user_id),
            None::<&()>,
            Some(&serde_json::json!({"reset_id": id})),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}
