//! Idempotency records for `POST` requests carrying an `Idempotency-Key`.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};

use crate::Store;
use crate::entities::idempotency_key::{self, Column as C, Entity as IdemKey};
use crate::error::{StoreError, StoreResult};

/// How long a key is remembered.
pub const RETENTION_HOURS: i64 = 24;
/// After this long a request still marked in progress is taken to have
/// died, and the key may be used again.
const STALE_PENDING_SECS: i64 = 300;

/// A response kept for replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    /// Header name/value pairs worth replaying (Location, ETag, Content-Type).
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// What to do with a request that carries a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// First use: go ahead, then [`Store::finish_idempotent`].
    Proceed,
    /// Seen before with the same request: answer this again.
    Replay(StoredResponse),
    /// Seen before with a different request.
    Mismatch,
    /// The first request with this key is still being handled.
    InProgress,
}

fn expired(created: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    created + Duration::hours(RETENTION_HOURS) <= now
}

impl Store {
    /// Claims `key` within `scope` (the caller) for a request with the given
    /// digest.
    pub async fn claim_idempotency_key(
        &self,
        scope: &str,
        key: &str,
        request_hash: &str,
    ) -> StoreResult<Claim> {
        let now = renda_domain::time::now();
        let txn = self.db.begin().await?;
        let existing = IdemKey::find_by_id((scope.to_owned(), key.to_owned()))
            .one(&txn)
            .await?;
        if let Some(row) = existing {
            let stale = row.state == "pending"
                && row.updated_at + Duration::seconds(STALE_PENDING_SECS) <= now;
            if !expired(row.created_at, now) && !stale {
                if row.request_hash != request_hash {
                    return Ok(Claim::Mismatch);
                }
                if row.state == "pending" {
                    return Ok(Claim::InProgress);
                }
                let headers: Vec<(String, String)> = row
                    .response_headers
                    .as_deref()
                    .and_then(|h| serde_json::from_str(h).ok())
                    .unwrap_or_default();
                return Ok(Claim::Replay(StoredResponse {
                    status: row
                        .response_status
                        .and_then(|s| u16::try_from(s).ok())
                        .unwrap_or(200),
                    headers,
                    body: row.response_body.unwrap_or_default(),
                }));
            }
            IdemKey::delete_by_id((scope.to_owned(), key.to_owned()))
                .exec(&txn)
                .await?;
        }
        let insert = IdemKey::insert(idempotency_key::ActiveModel {
            scope: Set(scope.to_owned()),
            key: Set(key.to_owned()),
            request_hash: Set(request_hash.to_owned()),
            state: Set("pending".into()),
            response_status: Set(None),
            response_headers: Set(None),
            response_body: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_without_returning(&txn)
        .await;
        match insert.map_err(StoreError::from) {
            Ok(_) => {}
            // Another request claimed the key between our read and insert.
            Err(StoreError::Conflict(_)) => return Ok(Claim::InProgress),
            Err(e) => return Err(e),
        }
        txn.commit().await?;
        Ok(Claim::Proceed)
    }

    /// Keeps the response of a claimed key for replay.
    pub async fn finish_idempotent(
        &self,
        scope: &str,
        key: &str,
        resp: &StoredResponse,
    ) -> StoreResult<()> {
        let headers = serde_json::to_string(&resp.headers).unwrap_or_else(|_| "[]".into());
        IdemKey::update_many()
            .col_expr(C::State, sea_orm::sea_query::Expr::value("done"))
            .col_expr(
                C::ResponseStatus,
                sea_orm::sea_query::Expr::value(i32::from(resp.status)),
            )
            .col_expr(C::ResponseHeaders, sea_orm::sea_query::Expr::value(headers))
            .col_expr(
                C::ResponseBody,
                sea_orm::sea_query::Expr::value(resp.body.clone()),
            )
            .col_expr(
                C::UpdatedAt,
                sea_orm::sea_query::Expr::value(renda_domain::time::now()),
            )
            .filter(C::Scope.eq(scope))
            .filter(C::Key.eq(key))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Releases a claimed key whose request failed on our side, so that a
    /// retry runs again.
    pub async fn release_idempotency_key(&self, scope: &str, key: &str) -> StoreResult<()> {
        IdemKey::delete_by_id((scope.to_owned(), key.to_owned()))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Forgets keys older than the retention period.
    pub async fn purge_idempotency_keys(&self) -> StoreResult<u64> {
        let cutoff = renda_domain::time::now() - Duration::hours(RETENTION_HOURS);
        Ok(IdemKey::delete_many()
            .filter(C::CreatedAt.lt(cutoff))
            .exec(&self.db)
            .await?
            .rows_affected)
    }
}
