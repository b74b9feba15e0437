//! The sign-in history and the security policy.

use chrono::{DateTime, Utc};
use renda_domain::user::SecurityPolicy;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use uuid::Uuid;

use crate::Store;
use crate::audit::{self, AuditCtx};
use crate::entities::login_event::{self, Column as L, Entity as LoginEvent};
use crate::entities::setting;
use crate::error::StoreResult;

const POLICY_KEY: &str = "security_policy";

/// One sign-in attempt, kept for the account's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoginRecord {
    pub id: Uuid,
    /// The account, when the username named one.
    pub user_id: Option<Uuid>,
    pub username: String,
    pub occurred_at: DateTime<Utc>,
    pub client_addr: Option<String>,
    pub request_id: Option<String>,
    pub user_agent: Option<String>,
    /// `success`, `wrong_password`, `locked`, `disabled` or `unknown_user`.
    pub result: String,
}

fn to_record(m: login_event::Model) -> LoginRecord {
    LoginRecord {
        id: m.id,
        user_id: m.user_id,
        username: m.username,
        occurred_at: m.occurred_at,
        client_addr: m.client_addr,
        request_id: m.request_id,
        user_agent: m.user_agent,
        result: m.result,
    }
}

/// Cuts a string to at most `max` characters.
fn clip(s: Option<&str>, max: usize) -> Option<String> {
    s.map(|s| s.chars().take(max).collect())
}

/// What a sign-in attempt leaves in the sign-in history.
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    pub username: &'a str,
    pub user_agent: Option<&'a str>,
}

/// Writes one row of the sign-in history on `conn`.
pub(crate) async fn insert_login_event<C: sea_orm::ConnectionTrait>(
    conn: &C,
    ctx: &AuditCtx,
    user_id: Option<Uuid>,
    attempt: Attempt<'_>,
    result: &str,
) -> StoreResult<()> {
    let m = login_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        username: Set(attempt.username.chars().take(64).collect()),
        occurred_at: Set(renda_domain::time::now()),
        client_addr: Set(clip(ctx.client_addr.as_deref(), 64)),
        request_id: Set(clip(ctx.request_id.as_deref(), 128)),
        user_agent: Set(clip(attempt.user_agent, 300)),
        result: Set(result.to_owned()),
    };
    LoginEvent::insert(m).exec_without_returning(conn).await?;
    Ok(())
}

impl Store {
    /// Records a sign-in attempt in the sign-in history and, when it
    /// failed, in the audit trail, in one transaction.
    pub async fn record_login_attempt(
        &self,
        ctx: &AuditCtx,
        user_id: Option<Uuid>,
        attempt: Attempt<'_>,
        result: &str,
    ) -> StoreResult<()> {
        use sea_orm::TransactionTrait;
        let username = attempt.username;
        let txn = self.db.begin().await?;
        insert_login_event(&txn, ctx, user_id, attempt, result).await?;
        // For an unknown username the name tried is kept, so that guessing
        // shows in the trail.
        if result != "success" {
            audit::record_with_result(
                &txn,
                &self.crypto,
                ctx,
                "login_failed",
                "user",
                user_id,
                None::<&()>,
                Some(&serde_json::json!({"username": username, "reason": result})),
                "failure",
            )
            .await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// An account's sign-in history, newest first.
    pub async fn login_history(
        &self,
        user_id: Uuid,
        before: Option<DateTime<Utc>>,
        limit: u64,
    ) -> StoreResult<Vec<LoginRecord>> {
        let mut q = LoginEvent::find().filter(L::UserId.eq(user_id));
        if let Some(b) = before {
            q = q.filter(L::OccurredAt.lt(b));
        }
        Ok(q.order_by_desc(L::OccurredAt)
            .order_by_desc(L::Id)
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_record)
            .collect())
    }

    /// The security policy in force (the defaults until one is set).
    pub async fn security_policy(&self) -> StoreResult<SecurityPolicy> {
        Ok(self
            .setting(POLICY_KEY)
            .await?
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default())
    }

    /// Sets the security policy, recording the change in the audit trail.
    pub async fn set_security_policy(
        &self,
        ctx: &AuditCtx,
        policy: SecurityPolicy,
    ) -> StoreResult<SecurityPolicy> {
        use sea_orm::TransactionTrait;
        let before = self.security_policy().await?;
        let value = serde_json::to_string(&policy)
            .map_err(|e| crate::StoreError::Db(sea_orm::DbErr::Json(e.to_string())))?;
        let txn = self.db.begin().await?;
        setting::Entity::insert(setting::ActiveModel {
            key: Set(POLICY_KEY.to_owned()),
            value: Set(value.clone()),
        })
        .on_conflict(
            sea_orm::sea_query::OnConflict::column(setting::Column::Key)
                .update_column(setting::Column::Value)
                .to_owned(),
        )
        .exec(&txn)
        .await?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "update",
            "security_policy",
            None,
            Some(&before),
            Some(&policy),
        )
        .await?;
        txn.commit().await?;
        Ok(policy)
    }
}
