//! Bringing stored personal data under the current key: values written
//! before encryption was on, and values under an older key after a
//! rotation, are encrypted again, a batch at a time. Once nothing is left
//! under an old key, that key can be retired.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, FromQueryResult};
use uuid::Uuid;

use crate::Store;
use crate::crypto::Crypto;
use crate::error::StoreResult;

/// Every personal field kept encrypted: table and column.
const FIELDS: [(&str, &str); 9] = [
    ("deputies", "phone"),
    ("observers", "phone"),
    ("observers", "email"),
    ("constituent_opinions", "submitter_name"),
    ("constituent_opinions", "submitter_phone"),
    ("needs", "contact_phone"),
    ("needs", "requester"),
    ("webhook_subscriptions", "secret"),
    ("livelihood_sealed_ballots", "sealed"),
];

const BATCH: u64 = 500;

#[derive(FromQueryResult)]
struct Row {
    id: Uuid,
    v: String,
}

/// What a pass of [`Store::reseal_personal_data`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resealed {
    /// Values now under the current key.
    pub rewritten: u64,
    /// Values the configured keys cannot read (a key removed too early):
    /// left as they are. While any remain, no old key may be removed.
    pub unreadable: u64,
}

impl Store {
    /// Encrypts under the current key every personal value that is not
    /// yet, and fills in missing or outdated lookup hashes. Safe to run
    /// while serving and from several instances: a value changed meanwhile
    /// is left to its writer.
    pub async fn reseal_personal_data(&self) -> StoreResult<Resealed> {
        let mut total = Resealed::default();
        for (table, column) in FIELDS {
            let mut after: Option<Uuid> = None;
            loop {
                let (done, last) = self.reseal_batch(table, column, after, &mut total).await?;
                after = last;
                if done {
                    break;
                }
            }
        }
        Ok(total)
    }

    /// One batch, in id order after `after`; returns whether it was the
    /// last, and the last id seen.
    async fn reseal_batch(
        &self,
        table: &str,
        column: &str,
        after: Option<Uuid>,
        total: &mut Resealed,
    ) -> StoreResult<(bool, Option<Uuid>)> {
        let crypto: &Crypto = &self.crypto;
        let backend = self.db.get_database_backend();
        let current = format!(
            "enc:{}:{}:%",
            match crypto.suite() {
                crate::crypto::Suite::International => "a",
                crate::crypto::Suite::Gm => "s",
            },
            crypto.current_key_id()
        );
        let col = Alias::new(column);
        let id = Alias::new("id");
        let mut stale = sea_orm::Condition::any().add(Expr::col(col.clone()).not_like(current));
        if table == "deputies" {
            let index = Alias::new("phone_index");
            stale = stale
                .add(Expr::col(index.clone()).is_null())
                .add(Expr::col(index).not_like(format!("{}%", crypto.index_prefix())));
        }
        let mut select = Query::select();
        select
            .expr_as(Expr::col(id.clone()), Alias::new("id"))
            .expr_as(Expr::col(col.clone()), Alias::new("v"))
            .from(Alias::new(table))
            .and_where(Expr::col(col.clone()).is_not_null())
            .cond_where(stale)
            .order_by(id.clone(), sea_orm::Order::Asc)
            .limit(BATCH);
        if let Some(a) = after {
            select.and_where(Expr::col(id.clone()).gt(a));
        }
        let rows = Row::find_by_statement(backend.build(&select))
            .all(&self.db)
            .await?;
        let done = (rows.len() as u64) < BATCH;
        let last = rows.last().map(|r| r.id).or(after);
        let field = format!("{table}.{column}");
        for r in rows {
            let plain = if Crypto::is_encrypted(&r.v) {
                match crypto.decrypt(&r.v, &format!("{field}:{}", r.id)) {
                    Ok(p) => p,
                    Err(e) => {
                        tracing::warn!(table, column, id = %r.id, error = %e, "a stored value cannot be read");
                        total.unreadable += 1;
                        continue;
                    }
                }
            } else {
                r.v.clone()
            };
            let mut update = Query::update();
            update
                .table(Alias::new(table))
                .value(
                    col.clone(),
                    crypto.encrypt(&plain, &format!("{field}:{}", r.id)),
                )
                .and_where(Expr::col(id.clone()).eq(r.id))
                .and_where(Expr::col(col.clone()).eq(r.v.clone()));
            if table == "deputies" {
                update.value(
                    Alias::new("phone_index"),
                    crate::deputies::phone_index(crypto, &plain),
                );
            }
            self.db.execute(&update).await?;
            total.rewritten += 1;
        }
        Ok((done, last))
    }
}
