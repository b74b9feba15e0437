//! Recording entries.

use super::*;

/// Records one audit entry on `conn`, which is the transaction of the
/// change it describes.
#[allow(clippy::too_many_arguments)]
pub async fn record<C: ConnectionTrait>(
    conn: &C,
    crypto: &Crypto,
    ctx: &AuditCtx,
    action: &str,
    object_type: &str,
    object_id: Option<Uuid>,
    before: Option<&impl Serialize>,
    after: Option<&impl Serialize>,
) -> StoreResult<()> {
    record_with_result(
        conn,
        crypto,
        ctx,
        action,
        object_type,
        object_id,
        before,
        after,
        SUCCESS,
    )
    .await
}

/// [`record`], for an event whose result is not `success`.
#[allow(clippy::too_many_arguments)]
pub async fn record_with_result<C: ConnectionTrait>(
    conn: &C,
    crypto: &Crypto,
    ctx: &AuditCtx,
    action: &str,
    object_type: &str,
    object_id: Option<Uuid>,
    before: Option<&impl Serialize>,
    after: Option<&impl Serialize>,
    result: &str,
) -> StoreResult<()> {
    record_with_result_id(
        conn,
        crypto,
        ctx,
        action,
        object_type,
        object_id,
        before,
        after,
        result,
    )
    .await
    .map(|_| ())
}

/// [`record_with_result`], returning the new entry's id.
#[allow(clippy::too_many_arguments)]
async fn record_with_result_id<C: ConnectionTrait>(
    conn: &C,
    crypto: &Crypto,
    ctx: &AuditCtx,
    action: &str,
    object_type: &str,
    object_id: Option<Uuid>,
    before: Option<&impl Serialize>,
    after: Option<&impl Serialize>,
    result: &str,
) -> StoreResult<Uuid> {
    let m = entry(
        crypto,
        ctx,
        action,
        object_type,
        object_id,
        before,
        after,
        result,
    )?;
    let id = m.id;
    let am: audit_event::ActiveModel = m.into();
    AuditEvent::insert(am).exec_without_returning(conn).await?;
    Ok(id)
}

/// A new entry, sealed.
#[allow(clippy::too_many_arguments)]
fn entry(
    crypto: &Crypto,
    ctx: &AuditCtx,
    action: &str,
    object_type: &str,
    object_id: Option<Uuid>,
    before: Option<&impl Serialize>,
    after: Option<&impl Serialize>,
    result: &str,
) -> StoreResult<audit_event::Model> {
    let to_json = |v: Option<&dyn erased::Ser>| -> StoreResult<Option<String>> {
        v.map(|v| v.to_json())
            .transpose()
            .map_err(|e| StoreError::Db(sea_orm::DbErr::Json(e.to_string())))
    };
    let mut m = audit_event::Model {
        id: Uuid::now_v7(),
        occurred_at: renda_domain::time::now(),
        actor_id: ctx.actor_id,
        actor_username: ctx.actor_username.clone(),
        actor_roles: ctx.actor_roles.clone(),
        request_id: ctx.request_id.clone(),
        client_addr: ctx.client_addr.clone(),
        action: action.to_owned(),
        object_type: object_type.to_owned(),
        object_id,
        before: to_json(before.map(|b| b as &dyn erased::Ser))?,
        after: to_json(after.map(|a| a as &dyn erased::Ser))?,
        entry_hash: String::new(),
        seq: None,
        chain_hash: None,
        result: result.to_owned(),
    };
    m.entry_hash = entry_seal(crypto, &m);
    Ok(m)
}

/// The insert of the audit entry [`record`] writes, to send with the
/// other inserts of its change.
#[allow(clippy::too_many_arguments)]
pub(crate) fn record_statement(
    backend: sea_orm::DbBackend,
    crypto: &Crypto,
    ctx: &AuditCtx,
    action: &str,
    object_type: &str,
    object_id: Option<Uuid>,
    before: Option<&impl Serialize>,
    after: Option<&impl Serialize>,
) -> StoreResult<sea_orm::Statement> {
    let m = entry(
        crypto,
        ctx,
        action,
        object_type,
        object_id,
        before,
        after,
        SUCCESS,
    )?;
    let am: audit_event::ActiveModel = m.into();
    Ok(sea_orm::QueryTrait::build(&AuditEvent::insert(am), backend))
}

mod erased {
    pub trait Ser {
        fn to_json(&self) -> Result<String, serde_json::Error>;
    }
    impl<T: serde::Serialize> Ser for T {
        fn to_json(&self) -> Result<String, serde_json::Error> {
            serde_json::to_string(self)
        }
    }
}

impl Store {
    /// Records an event that changes no record, in a transaction of its
    /// own: a refusal, a read of unmasked personal data, an export.
    ///
    /// Identical refusals (`denied`: the same caller, address, event,
    /// object and details) within [`REPEAT_WINDOW_MINUTES`] are one entry:
    /// the repeats are counted beside it (first and last time), so that a
    /// flood of refusals costs one entry per window instead of one each.
    pub async fn record_event(
        &self,
        ctx: &AuditCtx,
        action: &str,
        object_type: &str,
        object_id: Option<Uuid>,
        details: &serde_json::Value,
        result: &str,
    ) -> StoreResult<()> {
        use crate::entities::audit_repeat::{self as ar, Column as R, Entity as Repeats};
        if result != DENIED {
            return record_with_result(
                &self.db,
                &self.crypto,
                ctx,
                action,
                object_type,
                object_id,
                None::<&()>,
                Some(details),
                result,
            )
            .await;
        }
        let key = self.crypto.digest(&[
            ctx.actor_id
                .map(|u| u.to_string())
                .unwrap_or_default()
                .as_bytes(),
            opt(&ctx.actor_username).as_bytes(),
            opt(&ctx.client_addr).as_bytes(),
            action.as_bytes(),
            object_type.as_bytes(),
            object_id
                .map(|u| u.to_string())
                .unwrap_or_default()
                .as_bytes(),
            details.to_string().as_bytes(),
        ]);
        let now = renda_domain::time::now();
        let window_start = now - chrono::Duration::minutes(REPEAT_WINDOW_MINUTES);
        let txn = self.db.begin().await?;
        let counted = Repeats::update_many()
            .col_expr(
                R::Repeats,
                sea_orm::sea_query::ExprTrait::add(sea_orm::sea_query::Expr::col(R::Repeats), 1),
            )
            .col_expr(R::LastAt, sea_orm::sea_query::Expr::value(now))
            .filter(R::Key.eq(key.clone()))
            .filter(R::FirstAt.gt(window_start))
            .exec(&txn)
            .await?;
        if counted.rows_affected == 0 {
            let id = record_with_result_id(
                &txn,
                &self.crypto,
                ctx,
                action,
                object_type,
                object_id,
                None::<&()>,
                Some(details),
                result,
            )
            .await?;
            Repeats::delete_by_id(key.clone()).exec(&txn).await?;
            Repeats::insert(ar::ActiveModel {
                key: Set(key),
                entry_id: Set(id),
                first_at: Set(now),
                last_at: Set(now),
                repeats: Set(1),
            })
            .exec_without_returning(&txn)
            .await?;
        }
        txn.commit().await?;
        Ok(())
    }
}
