//! The keyed seals of entries and of the chain, signed checkpoints, and
//! sealing and verifying the chain.

use super::*;

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
pub(super) fn entry_hash(suite: Suite, m: &audit_event::Model) -> String {
    let fields = entry_fields(m);
    let parts: Vec<&[u8]> = fields.iter().map(|f| f.as_bytes()).collect();
    suite.digest(&parts)
}

pub(super) fn chain_hash(suite: Suite, prev: &str, entry: &str) -> String {
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
pub(super) fn entry_seal(crypto: &Crypto, m: &audit_event::Model) -> String {
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
                // Another instance sealed some of them first.
                Err(StoreError::Conflict(_) | StoreError::VersionMismatch) => continue,
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
        let mut links = Vec::with_capacity(pending.len());
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
            links.push((m.id, seq, chain.clone()));
            prev = chain;
        }
        let sealed = links.len() as u64;
        link(&txn, &links).await?;
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
}

/// Writes each entry's place in the chain (`id`, `seq`, `chain_hash`) in
/// one statement: the only columns of an entry that may change, once.
async fn link<C: ConnectionTrait>(c: &C, links: &[(Uuid, i64, String)]) -> StoreResult<()> {
    if links.is_empty() {
        return Ok(());
    }
    let backend = c.get_database_backend();
    let mut rows = Vec::with_capacity(links.len());
    let mut values: Vec<sea_orm::Value> = Vec::with_capacity(links.len() * 3);
    for (i, (id, seq, chain)) in links.iter().enumerate() {
        rows.push(match backend {
            sea_orm::DbBackend::Postgres => {
                format!(
                    "(${}::uuid, ${}::bigint, ${}::text)",
                    3 * i + 1,
                    3 * i + 2,
                    3 * i + 3
                )
            }
            _ => "(?, ?, ?)".to_owned(),
        });
        values.extend([(*id).into(), (*seq).into(), chain.clone().into()]);
    }
    // A VALUES list's columns are column1, column2, … on both databases.
    // An entry another instance sealed meanwhile is left alone, and the
    // batch is sealed again from the new head.
    let sql = format!(
        "UPDATE audit_events SET seq = v.column2, chain_hash = v.column3 \
         FROM (VALUES {}) AS v WHERE audit_events.id = v.column1 AND audit_events.seq IS NULL",
        rows.join(", ")
    );
    let res = c
        .execute_raw(sea_orm::Statement::from_sql_and_values(
            backend, sql, values,
        ))
        .await?;
    if res.rows_affected() != links.len() as u64 {
        return Err(StoreError::VersionMismatch);
    }
    Ok(())
}
