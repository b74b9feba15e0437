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

/// The policy's version, bumped with every change.
const POLICY_VERSION_KEY: &str = "security_policy_version";
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

    /// The security policy and its version (the ETag clients send back in
    /// `If-Match`).
    pub async fn security_policy_versioned(&self) -> StoreResult<(SecurityPolicy, i32)> {
        let policy = self.security_policy().await?;
        let version = self
            .setting(POLICY_VERSION_KEY)
            .await?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        Ok((policy, version))
    }

    /// Changes the security policy: `change` gets the policy as it is
    /// inside this transaction, with its row locked (so two changes made
    /// at once both count, one after the other), and gives the new one or
    /// refuses. With `if_version`, a policy changed since that version is
    /// refused (`Stale`). Recorded in the audit trail.
    pub async fn update_security_policy<E>(
        &self,
        ctx: &AuditCtx,
        if_version: Option<i32>,
        change: impl FnOnce(SecurityPolicy) -> Result<SecurityPolicy, E>,
    ) -> StoreResult<Result<(SecurityPolicy, i32), E>> {
        use sea_orm::TransactionTrait;
        let txn = self.db.begin().await?;
        setting::Entity::insert(setting::ActiveModel {
            key: Set(POLICY_VERSION_KEY.to_owned()),
            value: Set("0".to_owned()),
        })
        .on_conflict_do_nothing_on([setting::Column::Key])
        .exec_without_returning(&txn)
        .await?;
        let version: i32 = crate::db::lock_live(
            &txn,
            setting::Entity::find_by_id(POLICY_VERSION_KEY.to_owned()),
        )
        .await?
        .and_then(|m| m.value.parse().ok())
        .unwrap_or(0);
        if if_version.is_some_and(|v| v != version) {
            return Err(crate::StoreError::Stale);
        }
        let before: SecurityPolicy = setting::Entity::find_by_id(POLICY_KEY.to_owned())
            .one(&txn)
            .await?
            .and_then(|m| serde_json::from_str(&m.value).ok())
            .unwrap_or_default();
        let policy = match change(before) {
            Ok(p) => p,
            Err(e) => return Ok(Err(e)),
        };
        let value = serde_json::to_string(&policy)
            .map_err(|e| crate::StoreError::Db(sea_orm::DbErr::Json(e.to_string())))?;
        for (key, value) in [
            (POLICY_KEY, value),
            (POLICY_VERSION_KEY, (version + 1).to_string()),
        ] {
            setting::Entity::insert(setting::ActiveModel {
                key: Set(key.to_owned()),
                value: Set(value),
            })
            .on_conflict(
                sea_orm::sea_query::OnConflict::column(setting::Column::Key)
                    .update_column(setting::Column::Value)
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        }
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
        Ok(Ok((policy, version + 1)))
    }
}
