//! Sign-in sessions: families of single-use refresh tokens. Each refresh
//! uses up its token and issues the next in the same family; presenting a
//! used token again revokes the whole family.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    TransactionTrait,
};
use uuid::Uuid;

use crate::Store;
use crate::entities::refresh_token::{self, Column as C, Entity as RefreshToken};
use crate::error::StoreResult;

/// What became of a presented refresh token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rotation {
    /// Accepted and replaced: the session continues.
    Rotated { user_id: Uuid, family_id: Uuid },
    /// Unknown, expired or revoked.
    Invalid,
    /// Already used: the family is now revoked.
    Reused,
}

pub(crate) async fn revoke_user_sessions<Conn: ConnectionTrait>(
    c: &Conn,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    RefreshToken::update_many()
        .col_expr(C::RevokedAt, Expr::value(Some(now)))
        .filter(C::UserId.eq(user_id))
        .filter(C::RevokedAt.is_null())
        .exec(c)
        .await?;
    Ok(())
}

async fn revoke_family<Conn: ConnectionTrait>(
    c: &Conn,
    family_id: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    RefreshToken::update_many()
        .col_expr(C::RevokedAt, Expr::value(Some(now)))
        .filter(C::FamilyId.eq(family_id))
        .filter(C::RevokedAt.is_null())
        .exec(c)
        .await?;
    Ok(())
}

impl Store {
    /// Opens a session for a user with its first refresh token (stored by
    /// digest); returns the session (family) id.
    pub async fn open_session(
        &self,
        user_id: Uuid,
        token_digest: String,
        ttl: Duration,
    ) -> StoreResult<Uuid> {
        let now = renda_domain::time::now();
        let family_id = Uuid::now_v7();
        refresh_token::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(user_id),
            family_id: Set(family_id),
            token_hash: Set(token_digest),
            issued_at: Set(now),
            expires_at: Set(now + ttl),
            used_at: Set(None),
            revoked_at: Set(None),
        }
        .insert(&self.db)
        .await?;
        Ok(family_id)
    }

    /// Uses up a refresh token and stores its successor.
    pub async fn rotate_session(
        &self,
        digest: &str,
        next_digest: String,
        ttl: Duration,
        idle: Duration,
    ) -> StoreResult<Rotation> {
        let now = renda_domain::time::now();
        let txn = self.db.begin().await?;
        let Some(tok) = RefreshToken::find()
            .filter(C::TokenHash.eq(digest))
            .one(&txn)
            .await?
        else {
            return Ok(Rotation::Invalid);
        };
        if tok.used_at.is_some() {
            revoke_family(&txn, tok.family_id, now).await?;
            txn.commit().await?;
            return Ok(Rotation::Reused);
        }
        if tok.revoked_at.is_some() || tok.expires_at <= now {
            return Ok(Rotation::Invalid);
        }
        // A session left unused longer than the policy allows ends: each
        // refresh token is issued when the session is last used.
        if tok.issued_at + idle <= now {
            revoke_family(&txn, tok.family_id, now).await?;
            txn.commit().await?;
            return Ok(Rotation::Invalid);
        }
        // Use the token only if nobody used it meanwhile.
        let res = RefreshToken::update_many()
            .col_expr(C::UsedAt, Expr::value(Some(now)))
            .filter(C::Id.eq(tok.id))
            .filter(C::UsedAt.is_null())
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            revoke_family(&txn, tok.family_id, now).await?;
            txn.commit().await?;
            return Ok(Rotation::Reused);
        }
        refresh_token::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(tok.user_id),
            family_id: Set(tok.family_id),
            token_hash: Set(next_digest),
            issued_at: Set(now),
            expires_at: Set(now + ttl),
            used_at: Set(None),
            revoked_at: Set(None),
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        Ok(Rotation::Rotated {
            user_id: tok.user_id,
            family_id: tok.family_id,
        })
    }

    /// Ends a session: every token of the family is revoked.
    pub async fn close_session(&self, family_id: Uuid) -> StoreResult<()> {
        revoke_family(&self.db, family_id, renda_domain::time::now()).await
    }

    /// The session a refresh token belongs to, if the token is known.
    pub async fn session_of(&self, digest: &str) -> StoreResult<Option<(Uuid, Uuid)>> {
        Ok(RefreshToken::find()
            .filter(C::TokenHash.eq(digest))
            .one(&self.db)
            .await?
            .map(|t| (t.user_id, t.family_id)))
    }
}
