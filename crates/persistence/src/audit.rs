//! The append-only audit trail and its keyed chain.
//!
//! A write records its audit entry in its own transaction, sealed at once
//! with a keyed hash of its content (HMAC-SHA256, or HMAC-SM3 under the
//! 国密 suite, under the audit key, which is kept outside the database).
//! No chain head is locked, so writers never queue behind one another. A
//! single sealer ([`Store::seal_audit`]) then links committed entries into
//! the chain in commit order, within a second, giving each a sequence
//! number and `chain_hash = HMAC(previous chain_hash ‖ entry seal)`.
//!
//! Whoever changes the database without the key cannot make a seal: an
//! altered entry, an entry inserted by hand (the sealer refuses to link it)
//! and a re-sealed chain all show in [`Store::verify_audit`], which only
//! reads. Removing the newest entries leaves a valid but shorter chain:
//! signed checkpoints of the chain's head ([`Checkpoint`]), written to the
//! log and a file beside the data and handed to the audit administrator,
//! show that. The database itself also refuses to change or delete an
//! entry (a trigger).
//!
//! Entries sealed before the chain was keyed keep their plain hashes; a
//! marker signed with the key says where the keyed chain begins.

use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};
use serde::Serialize;
use uuid::Uuid;

use crate::Store;
use crate::crypto::{Crypto, Suite};
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
    /// How many identical refusals this entry stands for (1 for every
    /// other entry), and when the last of them came.
    pub repeats: i64,
    pub last_repeated_at: Option<DateTime<Utc>>,
}

/// The result of most entries.
pub const SUCCESS: &str = "success";
/// The result of a refusal.
pub const DENIED: &str = "denied";
/// Identical refusals within this many minutes are one entry with a count.
pub const REPEAT_WINDOW_MINUTES: i64 = 10;

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("")
}

/// An entry's content, field by field. The result counts only when it is
/// not `success`, so entries written before it was kept hash as they did.
fn entry_fields(m: &audit_event::Model) -> Vec<String> {
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
    fields
}

/// The plain hash of an entry sealed before the chain was keyed: every
/// field, length-prefixed so that no two different entries serialise
/// alike.
fn entry_hash(suite: Suite, m: &audit_event::Model) -> String {
    let fields = entry_fields(m);
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

/// The keyed seal of an entry's content.
fn entry_seal(crypto: &Crypto, m: &audit_event::Model) -> String {
    let fields = entry_fields(m);
    let mut parts: Vec<&[u8]> = vec![b"entry"];
    parts.extend(fields.iter().map(|f| f.as_bytes()));
    crypto.audit_mac(&parts)
}

/// The keyed link of an entry to the one before it.
fn chain_seal(crypto: &Crypto, seq: i64, prev: &str, entry: &str) -> String {
    crypto.audit_mac(&[
        b"chain",
        seq.to_string().as_bytes(),
        prev.as_bytes(),
        entry.as_bytes(),
    ])
}

/// Where the keyed chain begins: entries up to this sequence number were
/// sealed with plain hashes. Kept in the settings, signed with the key.
const KEYED_FROM: &str = "audit_keyed_from";

fn keyed_from_value(crypto: &Crypto, seq: i64) -> String {
    let mac = crypto.audit_mac(&[b"keyed_from", seq.to_string().as_bytes()]);
    format!("{seq}:{mac}")
}

/// The sequence number a stored marker names, if it is signed with this
/// key.
fn parse_keyed_from(crypto: &Crypto, value: &str) -> Option<i64> {
    let (seq, _) = value.split_once(':')?;
    let seq: i64 = seq.parse().ok()?;
    (keyed_from_value(crypto, seq) == value).then_some(seq)
}

/// A signed statement of the chain's head at a moment: its sequence
/// number and chain hash. Kept outside the database (the log, a file
/// beside the data, the audit administrator's own records), it shows when
/// entries after it were removed or the chain rewritten.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checkpoint {
    pub seq: i64,
    pub chain_hash: String,
    pub at: DateTime<Utc>,
    pub mac: String,
}

impl Checkpoint {
    fn sign(crypto: &Crypto, seq: i64, chain_hash: String, at: DateTime<Utc>) -> Self {
        let mac = Self::mac_of(crypto, seq, &chain_hash, at);
        Self {
            seq,
            chain_hash,
            at,
            mac,
        }
    }

    fn mac_of(crypto: &Crypto, seq: i64, chain_hash: &str, at: DateTime<Utc>) -> String {
        crypto.audit_mac(&[
            b"checkpoint",
            seq.to_string().as_bytes(),
            chain_hash.as_bytes(),
            at.to_rfc3339_opts(SecondsFormat::Secs, true).as_bytes(),
        ])
    }

    /// Whether this key signed it.
    pub fn is_signed_by(&self, crypto: &Crypto) -> bool {
        Self::mac_of(crypto, self.seq, &self.chain_hash, self.at) == self.mac
    }

    /// One line: `renda-audit-checkpoint seq=… chain=… at=… mac=…`.
    pub fn to_line(&self) -> String {
        format!(
            "renda-audit-checkpoint seq={} chain={} at={} mac={}",
            self.seq,
            self.chain_hash,
            self.at.to_rfc3339_opts(SecondsFormat::Secs, true),
            self.mac
        )
    }

    /// Reads a line written by [`Checkpoint::to_line`] (or the text of a
    /// log record holding one).
    pub fn parse(line: &str) -> Option<Self> {
        let rest = &line[line.find("renda-audit-checkpoint ")?..];
        let mut seq = None;
        let mut chain = None;
        let mut at = None;
        let mut mac = None;
        for part in rest.split_whitespace().skip(1) {
            let (k, v) = part.split_once('=')?;
            let v = v.trim_end_matches(['"', ',', '}']);
            match k {
                "seq" => seq = v.parse().ok(),
                "chain" => chain = Some(v.to_owned()),
                "at" => {
                    at = DateTime::parse_from_rfc3339(v)
                        .ok()
                        .map(|t| t.with_timezone(&Utc))
                }
                "mac" => mac = Some(v.to_owned()),
                _ => {}
            }
        }
        Some(Self {
            seq: seq?,
            chain_hash: chain?,
            at: at?,
            mac: mac?,
        })
    }
}

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
    let id = m.id;
    let am: audit_event::ActiveModel = m.into();
    AuditEvent::insert(am).exec_without_returning(conn).await?;
    Ok(id)
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
    /// Checkpoints the chain was checked against.
    pub checkpoints: u64,
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
        repeats: 1,
        last_repeated_at: None,
    }
}

impl Store {
    /// Prepares the keyed chain at start-up: on a database whose entries
    /// were sealed with plain hashes, records (signed) where the keyed
    /// chain begins, and seals entries left unsealed by an earlier version.
    /// Refuses a key other than the one that sealed the chain.
    pub(crate) async fn prepare_audit_chain(&self) -> StoreResult<()> {
        if let Some(v) = self.setting(KEYED_FROM).await? {
            if parse_keyed_from(&self.crypto, &v).is_none() {
                return Err(StoreError::Db(sea_orm::DbErr::Custom(
                    "the audit key (RENDA_AUDIT_KEY or <data_dir>/audit-key) is not the one that sealed this database's audit trail"
                        .into(),
                )));
            }
            return Ok(());
        }
        let legacy = AuditEvent::find()
            .filter(C::Seq.is_null())
            .filter(C::EntryHash.eq(""))
            .all(&self.db)
            .await?;
        for m in legacy {
            let seal = entry_seal(&self.crypto, &m);
            AuditEvent::update_many()
                .col_expr(C::EntryHash, sea_orm::sea_query::Expr::value(seal))
                .filter(C::Id.eq(m.id))
                .filter(C::EntryHash.eq(""))
                .exec(&self.db)
                .await?;
        }
        let head = AuditEvent::find()
            .filter(C::Seq.is_not_null())
            .order_by_desc(C::Seq)
            .one(&self.db)
            .await?
            .and_then(|h| h.seq)
            .unwrap_or(0);
        self.setting_or_insert(KEYED_FROM, &keyed_from_value(&self.crypto, head))
            .await?;
        Ok(())
    }

    /// Links committed, unsealed entries into the chain; returns how many.
    /// Safe to run from several processes: a sequence number is unique, so
    /// a sealer that loses a race rolls back and tries again. An entry
    /// whose own seal is not valid (written by hand into the database) is
    /// never linked: [`Store::verify_audit`] reports it.
    pub async fn seal_audit(&self) -> StoreResult<u64> {
        let mut total = 0;
        loop {
            let (sealed, seen) = match self.seal_batch(500).await {
                Ok(n) => n,
                Err(StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e),
            };
            total += sealed;
            if seen < 500 {
                return Ok(total);
            }
        }
    }

    /// Seals up to `batch` pending entries; returns how many were sealed
    /// and how many were looked at.
    async fn seal_batch(&self, batch: u64) -> StoreResult<(u64, u64)> {
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
        let seen = pending.len() as u64;
        let mut sealed = 0;
        for m in pending {
            if entry_seal(&self.crypto, &m) != m.entry_hash {
                tracing::error!(
                    entry = %m.id,
                    "an audit entry renda did not write (or that was altered) is in the database; it is not linked into the chain"
                );
                continue;
            }
            seq += 1;
            let chain = chain_seal(&self.crypto, seq, &prev, &m.entry_hash);
            let mut am: audit_event::ActiveModel = m.into();
            am.seq = Set(Some(seq));
            am.chain_hash = Set(Some(chain.clone()));
            am.update(&txn).await?;
            prev = chain;
            sealed += 1;
        }
        txn.commit().await?;
        Ok((sealed, seen))
    }

    /// A signed checkpoint of the chain's head now, if anything is sealed.
    pub async fn audit_checkpoint(&self) -> StoreResult<Option<Checkpoint>> {
        let head = AuditEvent::find()
            .filter(C::Seq.is_not_null())
            .order_by_desc(C::Seq)
            .one(&self.db)
            .await?;
        let now = renda_domain::time::now();
        let at = DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now);
        Ok(head.and_then(|h| {
            let seq = h.seq?;
            Some(Checkpoint::sign(
                &self.crypto,
                seq,
                h.chain_hash.unwrap_or_default(),
                at,
            ))
        }))
    }

    /// Checks every entry's seal, the chain, and the chain against the
    /// given checkpoints. Only reads: nothing is sealed or changed.
    pub async fn verify_audit(&self, checkpoints: &[Checkpoint]) -> StoreResult<VerifyReport> {
        let mut report = VerifyReport {
            sealed: 0,
            unsealed: 0,
            checkpoints: 0,
            problem: None,
        };
        let found = |mut r: VerifyReport, problem: String| {
            r.problem = Some(problem);
            Ok(r)
        };
        for c in checkpoints {
            if !c.is_signed_by(&self.crypto) {
                return found(
                    report,
                    format!("checkpoint #{} is not signed with this audit key", c.seq),
                );
            }
        }
        let mut wanted: std::collections::BTreeMap<i64, &Checkpoint> =
            checkpoints.iter().map(|c| (c.seq, c)).collect();
        let suite = self.crypto.suite();
        let keyed_from = match self.setting(KEYED_FROM).await? {
            Some(v) => match parse_keyed_from(&self.crypto, &v) {
                Some(n) => Some(n),
                None => {
                    return found(
                        report,
                        "the marker of where the keyed chain begins was altered".into(),
                    );
                }
            },
            None => None,
        };
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
                    return found(
                        report,
                        format!("entry #{expected_seq} is missing (found #{seq} next)"),
                    );
                }
                let Some(keyed_from) = keyed_from else {
                    return found(
                        report,
                        "the marker of where the keyed chain begins is missing".into(),
                    );
                };
                let (own, want) = if seq <= keyed_from {
                    let own = entry_hash(suite, &m);
                    let want = chain_hash(suite, &prev, &m.entry_hash);
                    (own, want)
                } else {
                    let own = entry_seal(&self.crypto, &m);
                    let want = chain_seal(&self.crypto, seq, &prev, &m.entry_hash);
                    (own, want)
                };
                if own != m.entry_hash {
                    return found(report, format!("entry #{seq} ({}) was altered", m.id));
                }
                if m.chain_hash.as_deref() != Some(want.as_str()) {
                    return found(
                        report,
                        format!("the chain breaks at entry #{seq} ({})", m.id),
                    );
                }
                if let Some(c) = wanted.remove(&seq) {
                    if c.chain_hash != want {
                        return found(
                            report,
                            format!(
                                "the chain was rewritten: entry #{seq} differs from the checkpoint of {}",
                                c.at.to_rfc3339_opts(SecondsFormat::Secs, true)
                            ),
                        );
                    }
                    report.checkpoints += 1;
                }
                prev = want;
                expected_seq += 1;
                report.sealed += 1;
            }
        }
        if let Some((seq, c)) = wanted.iter().next() {
            return found(
                report,
                format!(
                    "entries were removed: the chain ends at #{} but the checkpoint of {} names #{seq}",
                    expected_seq - 1,
                    c.at.to_rfc3339_opts(SecondsFormat::Secs, true)
                ),
            );
        }
        let mut after: Option<Uuid> = None;
        loop {
            let mut q = AuditEvent::find()
                .filter(C::Seq.is_null())
                .order_by_asc(C::Id)
                .limit(1000);
            if let Some(a) = after {
                q = q.filter(C::Id.gt(a));
            }
            let rows = q.all(&self.db).await?;
            if rows.is_empty() {
                break;
            }
            for m in rows {
                after = Some(m.id);
                if entry_seal(&self.crypto, &m) != m.entry_hash {
                    return found(
                        report,
                        format!(
                            "entry {} was not written by renda, or was altered before it was linked",
                            m.id
                        ),
                    );
                }
                report.unsealed += 1;
            }
        }
        Ok(report)
    }

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
            seq: "seq",
        };
        let page = list::paginate(&self.db, q, keys, opts, |m: &audit_event::Model| {
            (m.id, m.occurred_at, None)
        })
        .await?;
        let mut page = page.map(to_entry);
        // The tally of repeated refusals, kept beside their one entry.
        let denied: Vec<Uuid> = page
            .live()
            .filter(|e| e.result == DENIED)
            .map(|e| e.id)
            .collect();
        if !denied.is_empty() {
            use crate::entities::audit_repeat::{Column as R, Entity as Repeats};
            let tallies = Repeats::find()
                .filter(R::EntryId.is_in(denied))
                .all(&self.db)
                .await?;
            for row in &mut page.items {
                if let list::Row::Live(e) = row
                    && let Some(t) = tallies.iter().find(|t| t.entry_id == e.id)
                    && t.repeats > 1
                {
                    e.repeats = t.repeats;
                    e.last_repeated_at = Some(t.last_at);
                }
            }
        }
        Ok(page)
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
