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
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};
use serde::Serialize;
use uuid::Uuid;

use crate::Store;
use crate::crypto::{Crypto, Suite};
use crate::entities::audit_event::{self, Column as C, Entity as AuditEvent};
use crate::error::{StoreError, StoreResult};
use crate::list::{self, ListOptions, Page};

mod chain;
mod listing;
mod write;

pub use chain::*;
pub use listing::*;
pub use write::*;

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
