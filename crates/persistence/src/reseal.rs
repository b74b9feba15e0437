//! Bringing stored personal data under the current key: values written
//! before encryption was on, and values under an older key after a
//! rotation, are encrypted again, a batch at a time. Once nothing is left
//! under an old key, that key can be retired.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, FromQueryResult};
use uuid::Uuid;

use crate::Store;
use crate::crypto::Crypto;
use crate::error::{StoreError, StoreResult};

/// Every personal field kept encrypted: table and column.
const FIELDS: [(&str, &str); 7] = [
    ("deputies", "phone"),
    ("observers", "phone"),
    ("observers", "email"),
    ("constituent_opinions", "submitter_name"),
    ("constituent_opinions", "submitter_phone"),
    ("needs", "contact_phone"),
    ("needs", "requester"),
];

const BATCH: u64 = 500;

#[derive(FromQueryResult)]
struct Row {
    id: Uuid,
    v: String,
}

impl Store {
    /// Encrypts under the current key every personal value that is not
    /// yet, and fills in missing lookup hashes; returns how many values
    /// were rewritten. Safe to run while serving and from several
    /// instances: a value changed meanwhile is left to its writer.
    pub async fn reseal_personal_data(&self) -> StoreResult<u64> {
        let mut total = 0;
        for (table, column) in FIELDS {
            loop {
                let n = self.reseal_batch(table, column).await?;
                total += n;
                if n < BATCH {
                    break;
                }
            }
        }
        Ok(total)
    }

    async fn reseal_batch(&self, table: &str, column: &str) -> StoreResult<u64> {
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
        let mut stale = sea_orm::Condition::any().add(Expr::col(col.clone()).not_like(current));
        if table == "deputies" {
            let index = Alias::new("phone_index");
            stale = stale
                .add(Expr::col(index.clone()).is_null())
                .add(Expr::col(index).not_like(format!("{}%", crypto.index_prefix())));
        }
        let select = Query::select()
            .expr_as(Expr::col(Alias::new("id")), Alias::new("id"))
            .expr_as(Expr::col(col.clone()), Alias::new("v"))
            .from(Alias::new(table))
            .and_where(Expr::col(col.clone()).is_not_null())
            .cond_where(stale)
            .limit(BATCH)
            .to_owned();
        let rows = Row::find_by_statement(backend.build(&select))
            .all(&self.db)
            .await?;
        let n = rows.len() as u64;
        let field = format!("{table}.{column}");
        for r in rows {
            let plain = if Crypto::is_encrypted(&r.v) {
                crypto
                    .decrypt(&r.v, &format!("{field}:{}", r.id))
                    .map_err(StoreError::Crypto)?
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
                .and_where(Expr::col(Alias::new("id")).eq(r.id))
                .and_where(Expr::col(col.clone()).eq(r.v.clone()));
            if table == "deputies" {
                update.value(
                    Alias::new("phone_index"),
                    crate::deputies::phone_index(crypto, &plain),
                );
            }
            self.db.execute(&update).await?;
        }
        Ok(n)
    }
}
