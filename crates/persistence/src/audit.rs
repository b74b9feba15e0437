//! The append-only audit trail and its hash chain.
//!
//! A write records its audit entry in its own transaction, and nothing
//! else: no chain head is locked, so writers never queue behind one
//! another for the audit trail. A single sealer ([`Store::seal_audit`])
//! then links committed entries into the chain in commit order, within a
//! second, giving each a sequence number, the hash of its content and
//! `chain_hash = H(previous chain_hash ‖ entry_hash)`, where H is SHA-256,
//! or SM3 under the 国密 suite. A change to any sealed entry, or the
//! removal of one, breaks the chain, and [`Store::verify_audit`] finds
//! where. The database itself refuses to change or delete an entry (a
//! trigger), so the chain shows tampering by whoever bypasses it.

use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use serde::Serialize;
use uuid::Uuid;

use crate::Store;
use crate::crypto::Suite;
use crate::entities::audit_event::{self, Column as C, Entity as AuditEvent};
use crate::error::{StoreError, StoreResult};
use crate::list::{self, ListOptions, Page};

/// Who is acting, and from where: attached to every audit entry.
#[derive(Debug, Clone, Default)]
pub struct AuditCtx {
    pub actor_id: Option<Uuid>,
    pub actor_username: Option<String>,
    pub actor_roles: Option<String>,
    pub request_id: Option<String>,
    pub client_addr: Option<String>,
}

impl AuditCtx {
    /// The context of the system itself (bootstrap, maintenance).
    pub fn system() -> Self {
        Self {
            actor_username: Some("system".into()),
            ..Self::default()
        }
    }
}

/// An entry of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_username: Option<String>,
    pub actor_roles: Option<String>,
    pub request_id: Option<String>,
    pub client_addr: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<Uuid>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    /// `success`, `failure` (a failed sign-in) or `denied` (a refusal).
    pub result: String,
    /// Empty until the entry is sealed.
    pub entry_hash: String,
    pub seq: Option<i64>,
    pub chain_hash: Option<String>,
}

/// The result of most entries.
pub const SUCCESS: &str = "success";

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("")
}

/// The hash of an entry's content: every field, length-prefixed so that no
/// two different entries serialise alike. The result counts only when it
/// is not `success`, so entries written before it was kept hash as they
/// did.
fn entry_hash(suite: Suite, m: &audit_event::Model) -> String {
    let mut fields: Vec<String> = vec![
        m.id.to_string(),
        m.occurred_at.to_rfc3339_opts(SecondsFormat::Micros, true),
        m.actor_id.map(|u| u.to_string()).unwrap_or_default(),
        opt(&m.actor_username).to_owned(),
        opt(&m.actor_roles).to_owned(),
        opt(&m.request_id).to_owned(),
        opt(&m.client_addr).to_owned(),
        m.action.clone(),
        m.object_type.clone(),
        m.object_id.map(|u| u.to_string()).unwrap_or_default(),
        opt(&m.before).to_owned(),
        opt(&m.after).to_owned(),
    ];
    if m.result != SUCCESS {
        fields.push(m.result.clone());
    }
    let parts: Vec<&[u8]> = fields.iter().map(|f| f.as_bytes()).collect();
    suite.digest(&parts)
}

fn chain_hash(suite: Suite, prev: &str, entry: &str) -> String {
    fn run<D: sha2::Digest>(prev: &str, entry: &str) -> String {
        let mut h = D::new();
        h.update(prev.as_bytes());
        h.update(entry.as_bytes());
        hex::encode(h.finalize())
    }
    match suite {
        Suite::International => run::<sha2::Sha256>(prev, entry),
        Suite::Gm => run::<sm3::Sm3>(prev, entry),
    }
}

/// Records one audit entry on `conn`, which is the transaction of the
/// change it describes.
pub async fn record<C: ConnectionTrait>(
    conn: &C,
    ctx: &AuditCtx,
    action: &str,
    object_type: &str,
    object_id: Option<Uuid>,
    before: Option<&impl Serialize>,
    after: Option<&impl Serialize>,
) -> StoreResult<()> {
    record_with_result(
        conn,
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
    ctx: &AuditCtx,
    action: &str,
    object_type: &str,
    object_id: Option<Uuid>,
    before: Option<&impl Serialize>,
    after: Option<&impl Serialize>,
    result: &str,
) -> StoreResult<()> {
    let to_json = |v: Option<&dyn erased::Ser>| -> StoreResult<Option<String>> {
        v.map(|v| v.to_json())
            .transpose()
            .map_err(|e| StoreError::Db(sea_orm::DbErr::Json(e.to_string())))
    };
    let m = audit_event::Model {
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
    let am: audit_event::ActiveModel = m.into();
    AuditEvent::insert(am).exec_without_returning(conn).await?;
    Ok(())
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

/// What [`Store::verify_audit`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// Entries linked into the chain and checked.
    pub sealed: u64,
    /// Entries not yet linked (their own hash was checked).
    pub unsealed: u64,
    /// The first problem found, if any.
    pub problem: Option<String>,
}

impl VerifyReport {
    pub fn is_ok(&self) -> bool {
        self.problem.is_none()
    }
}

/// Filters of the audit trail listing.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor_id: Option<Uuid>,
    pub object_type: Option<String>,
    pub object_id: Option<Uuid>,
    pub action: Option<String>,
    pub result: Option<String>,
    pub occurred_after: Option<DateTime<Utc>>,
    pub occurred_before: Option<DateTime<Utc>>,
}

fn to_entry(m: audit_event::Model) -> AuditEntry {
    let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    AuditEntry {
        id: m.id,
        occurred_at: m.occurred_at,
        actor_id: m.actor_id,
        actor_username: m.actor_username,
        actor_roles: m.actor_roles,
        request_id: m.request_id,
        client_addr: m.client_addr,
        action: m.action,
        object_type: m.object_type,
        object_id: m.object_id,
        before: parse(m.before),
        after: parse(m.after),
        result: m.result,
        entry_hash: m.entry_hash,
        seq: m.seq,
        chain_hash: m.chain_hash,
    }
}

impl Store {
    /// Links committed, unsealed entries into the chain; returns how many.
    /// Safe to run from several processes: a sequence number is unique, so
    /// a sealer that loses a race rolls back and tries again.
    pub async fn seal_audit(&self) -> StoreResult<u64> {
        let mut total = 0;
        loop {
            let sealed = match self.seal_batch(500).await {
                Ok(n) => n,
                Err(StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e),
            };
            total += sealed;
            if sealed < 500 {
                return Ok(total);
            }
        }
    }

    async fn seal_batch(&self, batch: u64) -> StoreResult<u64> {
        let txn = self.db.begin().await?;
        let head = AuditEvent::find()
            .filter(C::Seq.is_not_null())
            .order_by_desc(C::Seq)
            .one(&txn)
            .await?;
        let (mut seq, mut prev) = match head {
            Some(h) => (
                h.seq.unwrap_or(0),
                h.chain_hash.unwrap_or_else(|| GENESIS.to_owned()),
            ),
            None => (0, GENESIS.to_owned()),
        };
        let pending = AuditEvent::find()
            .filter(C::Seq.is_null())
            .order_by_asc(C::Id)
            .limit(batch)
            .all(&txn)
            .await?;
        let n = pending.len() as u64;
        let suite = self.crypto.suite();
        for m in pending {
            seq += 1;
            let own = entry_hash(suite, &m);
            let chain = chain_hash(suite, &prev, &own);
            let mut am: audit_event::ActiveModel = m.into();
            am.entry_hash = Set(own);
            am.seq = Set(Some(seq));
            am.chain_hash = Set(Some(chain.clone()));
            am.update(&txn).await?;
            prev = chain;
        }
        txn.commit().await?;
        Ok(n)
    }

    /// Checks every entry's own hash and the chain of sealed entries.
    pub async fn verify_audit(&self) -> StoreResult<VerifyReport> {
        let mut report = VerifyReport {
            sealed: 0,
            unsealed: 0,
            problem: None,
        };
        let suite = self.crypto.suite();
        let mut prev = GENESIS.to_owned();
        let mut expected_seq = 1i64;
        let mut after: Option<i64> = None;
        loop {
            let mut q = AuditEvent::find()
                .filter(C::Seq.is_not_null())
                .order_by_asc(C::Seq)
                .limit(1000);
            if let Some(a) = after {
                q = q.filter(C::Seq.gt(a));
            }
            let rows = q.all(&self.db).await?;
            if rows.is_empty() {
                break;
            }
            for m in rows {
                let seq = m.seq.unwrap_or(0);
                after = Some(seq);
                if seq != expected_seq {
                    report.problem = Some(format!(
                        "entry #{expected_seq} is missing (found #{seq} next)"
                    ));
                    return Ok(report);
                }
                if entry_hash(suite, &m) != m.entry_hash {
                    report.problem = Some(format!("entry #{seq} ({}) was altered", m.id));
                    return Ok(report);
                }
                let want = chain_hash(suite, &prev, &m.entry_hash);
                if m.chain_hash.as_deref() != Some(want.as_str()) {
                    report.problem = Some(format!("the chain breaks at entry #{seq} ({})", m.id));
                    return Ok(report);
                }
                prev = want;
                expected_seq += 1;
                report.sealed += 1;
            }
        }
        report.unsealed = AuditEvent::find()
            .filter(C::Seq.is_null())
            .count(&self.db)
            .await?;
        Ok(report)
    }

    /// Records an event that changes no record, in a transaction of its
    /// own: a refusal, a read of unmasked personal data, an export.
    pub async fn record_event(
        &self,
        ctx: &AuditCtx,
        action: &str,
        object_type: &str,
        object_id: Option<Uuid>,
        details: &serde_json::Value,
        result: &str,
    ) -> StoreResult<()> {
        record_with_result(
            &self.db,
            ctx,
            action,
            object_type,
            object_id,
            None::<&()>,
            Some(details),
            result,
        )
        .await
    }

    /// Lists the audit trail, oldest first.
    pub async fn list_audit(
        &self,
        f: &AuditFilter,
        opts: &ListOptions,
    ) -> StoreResult<Page<AuditEntry>> {
        let mut q = AuditEvent::find();
        if let Some(v) = f.actor_id {
            q = q.filter(C::ActorId.eq(v));
        }
        if let Some(v) = &f.object_type {
            q = q.filter(C::ObjectType.eq(v.clone()));
        }
        if let Some(v) = f.object_id {
            q = q.filter(C::ObjectId.eq(v));
        }
        if let Some(v) = &f.action {
            q = q.filter(C::Action.eq(v.clone()));
        }
        if let Some(v) = &f.result {
            q = q.filter(C::Result.eq(v.clone()));
        }
        if let Some(v) = f.occurred_after {
            q = q.filter(C::OccurredAt.gte(v));
        }
        if let Some(v) = f.occurred_before {
            q = q.filter(C::OccurredAt.lt(v));
        }
        let keys = list::Keys {
            id: C::Id,
            updated_at: C::OccurredAt,
            deleted_at: None,
        };
        let page = list::paginate(&self.db, q, keys, opts, |m: &audit_event::Model| {
            (m.id, m.occurred_at, None)
        })
        .await?;
        Ok(page.map(to_entry))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> audit_event::Model {
        audit_event::Model {
            id: Uuid::from_u128(7),
            occurred_at: DateTime::<Utc>::from_timestamp(1_800_000_000, 123_456_000)
                .unwrap_or_default(),
            actor_id: None,
            actor_username: Some("admin".into()),
            actor_roles: Some(",admin,".into()),
            request_id: None,
            client_addr: None,
            action: "create".into(),
            object_type: "unit".into(),
            object_id: Some(Uuid::from_u128(8)),
            before: None,
            after: Some("{\"name\":\"区教育局\"}".into()),
            entry_hash: String::new(),
            seq: None,
            chain_hash: None,
            result: SUCCESS.into(),
        }
    }

    #[test]
    fn any_field_change_changes_the_hash() {
        for s in [Suite::International, Suite::Gm] {
            let a = model();
            let h = entry_hash(s, &a);
            let mut b = a.clone();
            b.after = Some("{\"name\":\"区卫健委\"}".into());
            assert_ne!(entry_hash(s, &b), h);
            let mut c = a.clone();
            c.actor_username = Some("admi".into());
            c.actor_roles = Some("n,admin,".into());
            assert_ne!(
                entry_hash(s, &c),
                h,
                "length prefixes keep field boundaries"
            );
            let mut d = a.clone();
            d.result = "denied".into();
            assert_ne!(entry_hash(s, &d), h, "the result counts");
        }
        assert_ne!(
            entry_hash(Suite::International, &model()),
            entry_hash(Suite::Gm, &model())
        );
    }

    #[test]
    fn entries_of_before_the_result_column_hash_as_they_did() {
        // The SHA-256 entry hash as written before results were kept.
        use sha2::Digest;
        let m = model();
        let fields = [
            "00000000-0000-0000-0000-000000000007".to_owned(),
            m.occurred_at.to_rfc3339_opts(SecondsFormat::Micros, true),
            String::new(),
            "admin".into(),
            ",admin,".into(),
            String::new(),
            String::new(),
            "create".into(),
            "unit".into(),
            "00000000-0000-0000-0000-000000000008".into(),
            String::new(),
            "{\"name\":\"区教育局\"}".into(),
        ];
        let mut h = sha2::Sha256::new();
        for f in &fields {
            h.update((f.len() as u64).to_be_bytes());
            h.update(f.as_bytes());
        }
        assert_eq!(
            entry_hash(Suite::International, &m),
            hex::encode(h.finalize())
        );
    }

    #[test]
    fn chain_depends_on_order() {
        for s in [Suite::International, Suite::Gm] {
            let x = chain_hash(s, GENESIS, "a");
            assert_ne!(
                chain_hash(s, &x, "b"),
                chain_hash(s, &chain_hash(s, GENESIS, "b"), "a")
            );
        }
    }
}
