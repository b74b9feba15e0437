//! Cryptography of the stored data: personal data encrypted at rest, keyed
//! hashes for looking it up by value, and the hash of the audit chain.
//!
//! Two suites, chosen once per database:
//! - `international` (the default): AES-256-GCM, HMAC-SHA256, SHA-256;
//! - `gm` (国密, GB/T 39786-2021): SM4-GCM, HMAC-SM3, SM3.
//!
//! A stored value reads `enc:<suite>:<key id>:<base64url(nonce ‖
//! ciphertext ‖ tag)>`. The field and row it belongs to are bound in as
//! associated data, so a value copied into another row or column does not
//! decrypt. Keys are listed newest first: the first encrypts, every one
//! decrypts, so that after a rotation old data stays readable.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, AesGcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use sm3::Sm3;

type Sm4Gcm = AesGcm<sm4::Sm4, aes_gcm::aead::consts::U12>;

/// Which family of algorithms protects the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Suite {
    /// AES-256-GCM, HMAC-SHA256, SHA-256.
    #[default]
    International,
    /// SM4-GCM, HMAC-SM3, SM3 (国密).
    Gm,
}

impl Suite {
    pub fn as_str(self) -> &'static str {
        match self {
            Suite::International => "international",
            Suite::Gm => "gm",
        }
    }

    /// The one-letter tag in a stored value.
    fn tag(self) -> &'static str {
        match self {
            Suite::International => "a",
            Suite::Gm => "s",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "international" => Some(Suite::International),
            "gm" => Some(Suite::Gm),
            _ => None,
        }
    }

    /// A digest of `parts`, each length-prefixed so that no two different
    /// lists hash alike, in hex.
    pub fn digest(self, parts: &[&[u8]]) -> String {
        fn run<D: Digest>(parts: &[&[u8]]) -> String {
            let mut h = D::new();
            for p in parts {
                h.update((p.len() as u64).to_be_bytes());
                h.update(p);
            }
            hex::encode(h.finalize())
        }
        match self {
            Suite::International => run::<Sha256>(parts),
            Suite::Gm => run::<Sm3>(parts),
        }
    }

    fn mac(self, key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        fn run<M: Mac + KeyInit>(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
            // HMAC takes a key of any length.
            let Ok(mut m) = <M as KeyInit>::new_from_slice(key) else {
                return Vec::new();
            };
            for p in parts {
                m.update(&(p.len() as u64).to_be_bytes());
                m.update(p);
            }
            m.finalize().into_bytes().to_vec()
        }
        match self {
            Suite::International => run::<Hmac<Sha256>>(key, parts),
            Suite::Gm => run::<Hmac<Sm3>>(key, parts),
        }
    }
}

/// Why a stored value could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("the value was encrypted with the {0} suite, not the one configured")]
    WrongSuite(String),
    #[error("the value was encrypted with key `{0}`, which is not configured")]
    UnknownKey(String),
    #[error("the value is not a well-formed encrypted value")]
    Malformed,
    #[error("the value does not decrypt: wrong key, or it was altered or moved")]
    Forged,
}

/// A master key, named so that stored values can say which one they need.
#[derive(Clone)]
pub struct DataKey {
    id: String,
    secret: [u8; 32],
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl DataKey {
    /// A key from its id (letters, digits and `-`; 1 to 32) and 32
    /// random bytes. (No `_` or `%`: stored values are matched by their
    /// key id with `LIKE`.)
    pub fn new(id: &str, secret: [u8; 32]) -> Result<Self, String> {
        let ok = (1..=32).contains(&id.len())
            && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !ok {
            return Err(format!(
                "a key id is 1 to 32 letters, digits or `-`, not `{id}`"
            ));
        }
        Ok(Self {
            id: id.to_owned(),
            secret,
        })
    }

    /// A fresh random key.
    pub fn generate(id: &str) -> Result<Self, String> {
        Self::new(id, rand::random())
    }

    /// Reads `id:base64` (standard or URL-safe alphabet, 32 bytes).
    pub fn parse(spec: &str) -> Result<Self, String> {
        let (id, b64) = spec
            .trim()
            .split_once(':')
            .ok_or_else(|| "a key is written `id:base64-of-32-bytes`".to_owned())?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .or_else(|_| B64.decode(b64.trim().trim_end_matches('=')))
            .map_err(|_| format!("key `{id}` is not base64"))?;
        let secret: [u8; 32] = bytes
            .try_into()
            .map_err(|_| format!("key `{id}` must be 32 bytes (44 base64 characters)"))?;
        Self::new(id, secret)
    }

    /// `id:base64`, the form [`DataKey::parse`] reads.
    pub fn to_spec(&self) -> String {
        format!(
            "{}:{}",
            self.id,
            base64::engine::general_purpose::STANDARD.encode(self.secret)
        )
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// A sub-key for one purpose, so that the cipher, the keyed hash and
    /// the two suites never share key material.
    fn derive(&self, suite: Suite, purpose: &str) -> Vec<u8> {
        suite.mac(&self.secret, &[b"renda key derivation", purpose.as_bytes()])
    }
}

/// The cryptography of one database: its suite and keys.
#[derive(Clone)]
pub struct Crypto {
    suite: Suite,
    /// Newest first; the first encrypts.
    keys: Vec<DataKey>,
    /// The key of keyed hashes, derived from the oldest key, and that
    /// key's id, which prefixes every keyed hash: when the oldest key is
    /// retired, hashes under it are recognised and computed again.
    index_key: Vec<u8>,
    index_key_id: String,
    /// The key of the audit trail's seals: kept apart from the data keys
    /// because it never rotates (every past seal is checked with it).
    audit_key: Vec<u8>,
}

impl std::fmt::Debug for Crypto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // No key material, derived or not, in a debug print.
        f.debug_struct("Crypto")
            .field("suite", &self.suite)
            .field("keys", &self.keys)
            .finish_non_exhaustive()
    }
}

impl Crypto {
    /// The suite and keys, newest key first (at least one).
    pub fn new(suite: Suite, keys: Vec<DataKey>) -> Result<Self, String> {
        let Some(oldest) = keys.last() else {
            return Err("at least one data key is needed".into());
        };
        // Ids differing only in case count as one: SQLite's LIKE ignores
        // case.
        let mut seen = std::collections::HashSet::new();
        if let Some(dup) = keys
            .iter()
            .find(|k| !seen.insert(k.id.to_ascii_lowercase()))
        {
            return Err(format!("key id `{}` is listed twice", dup.id));
        }
        let index_key = oldest.derive(suite, "index");
        let index_key_id = oldest.id.clone();
        let audit_key = oldest.derive(suite, "audit");
        Ok(Self {
            suite,
            keys,
            index_key,
            index_key_id,
            audit_key,
        })
    }

    /// The same configuration sealing the audit trail with `key` (from
    /// `RENDA_AUDIT_KEY` or `<data_dir>/audit-key`), at least 32 bytes.
    pub fn with_audit_key(mut self, key: &[u8]) -> Result<Self, String> {
        if key.len() < 32 {
            return Err("the audit key must be at least 32 bytes".into());
        }
        self.audit_key = key.to_vec();
        Ok(self)
    }

    /// The same configuration with `other`'s audit key: data keys rotate,
    /// the audit key stays.
    pub fn keeping_audit_key_of(mut self, other: &Crypto) -> Self {
        self.audit_key = other.audit_key.clone();
        self
    }

    /// A keyed hash (HMAC-SHA256 or HMAC-SM3) under the audit key, in hex:
    /// whoever lacks the key can neither forge nor re-seal an entry.
    pub fn audit_mac(&self, parts: &[&[u8]]) -> String {
        hex::encode(self.suite.mac(&self.audit_key, parts))
    }

    /// A throw-away configuration with a random key (tests, tools).
    pub fn ephemeral(suite: Suite) -> Self {
        let key = DataKey {
            id: "k1".into(),
            secret: rand::random(),
        };
        let index_key = key.derive(suite, "index");
        let audit_key = key.derive(suite, "audit");
        Self {
            suite,
            index_key_id: key.id.clone(),
            keys: vec![key],
            index_key,
            audit_key,
        }
    }

    pub fn suite(&self) -> Suite {
        self.suite
    }

    /// The configured keys, newest first.
    pub fn keys(&self) -> &[DataKey] {
        &self.keys
    }

    /// What every keyed hash under the current index key starts with.
    pub fn index_prefix(&self) -> String {
        format!("{}:", self.index_key_id)
    }

    /// The id of the key new values are encrypted with.
    pub fn current_key_id(&self) -> &str {
        self.keys.first().map(|k| k.id.as_str()).unwrap_or("")
    }

    fn seal_with(&self, key: &DataKey, plain: &[u8], aad: &[u8]) -> Option<Vec<u8>> {
        let nonce_bytes: [u8; 12] = rand::random();
        let nonce: Nonce<aes_gcm::aead::consts::U12> = nonce_bytes.into();
        let nonce = &nonce;
        let payload = Payload { msg: plain, aad };
        let ct = match self.suite {
            Suite::International => {
                let k = key.derive(self.suite, "aes-256-gcm");
                Aes256Gcm::new_from_slice(&k).ok()?.encrypt(nonce, payload)
            }
            Suite::Gm => {
                let k = key.derive(self.suite, "sm4-gcm");
                Sm4Gcm::new_from_slice(k.get(..16)?)
                    .ok()?
                    .encrypt(nonce, payload)
            }
        }
        .ok()?;
        let mut out = nonce_bytes.to_vec();
        out.extend_from_slice(&ct);
        Some(out)
    }

    /// Encrypts `plain` for the field `context` (such as
    /// `deputies.phone:<id>`).
    pub fn encrypt(&self, plain: &str, context: &str) -> String {
        let key = &self.keys[0];
        // Encryption with a valid key and a 12-byte nonce cannot fail;
        // should it ever, nothing unencrypted is stored.
        let sealed = self
            .seal_with(key, plain.as_bytes(), context.as_bytes())
            .unwrap_or_default();
        format!("enc:{}:{}:{}", self.suite.tag(), key.id, B64.encode(sealed))
    }

    /// Decrypts a value [`Crypto::encrypt`] wrote for the same `context`.
    pub fn decrypt(&self, stored: &str, context: &str) -> Result<String, CryptoError> {
        let mut parts = stored.splitn(4, ':');
        let (Some("enc"), Some(tag), Some(kid), Some(body)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(CryptoError::Malformed);
        };
        if tag != self.suite.tag() {
            let other = match tag {
                "a" => "international",
                "s" => "gm (国密)",
                _ => return Err(CryptoError::Malformed),
            };
            return Err(CryptoError::WrongSuite(other.into()));
        }
        let key = self
            .keys
            .iter()
            .find(|k| k.id == kid)
            .ok_or_else(|| CryptoError::UnknownKey(kid.to_owned()))?;
        let raw = B64.decode(body).map_err(|_| CryptoError::Malformed)?;
        if raw.len() < 12 + 16 {
            return Err(CryptoError::Malformed);
        }
        let (nonce, ct) = raw.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().map_err(|_| CryptoError::Malformed)?;
        let nonce: Nonce<aes_gcm::aead::consts::U12> = nonce.into();
        let nonce = &nonce;
        let payload = Payload {
            msg: ct,
            aad: context.as_bytes(),
        };
        let plain = match self.suite {
            Suite::International => {
                let k = key.derive(self.suite, "aes-256-gcm");
                Aes256Gcm::new_from_slice(&k)
                    .map_err(|_| CryptoError::Forged)?
                    .decrypt(nonce, payload)
            }
            Suite::Gm => {
                let k = key.derive(self.suite, "sm4-gcm");
                Sm4Gcm::new_from_slice(k.get(..16).ok_or(CryptoError::Forged)?)
                    .map_err(|_| CryptoError::Forged)?
                    .decrypt(nonce, payload)
            }
        }
        .map_err(|_| CryptoError::Forged)?;
        String::from_utf8(plain).map_err(|_| CryptoError::Malformed)
    }

    /// Whether a stored value is encrypted (rather than plaintext written
    /// before encryption was on): `enc:<a|s>:<key id>:<body>` with a body
    /// long enough to hold a nonce and a tag.
    pub fn is_encrypted(stored: &str) -> bool {
        let mut parts = stored.splitn(4, ':');
        matches!(
            (parts.next(), parts.next(), parts.next(), parts.next()),
            (Some("enc"), Some("a" | "s"), Some(kid), Some(body))
                if !kid.is_empty() && body.len() >= 38
        )
    }

    /// A keyed hash of a value for lookup by equality (HMAC-SHA256 or
    /// HMAC-SM3): the id of the key it derives from, `:`, and the hash in
    /// hex. `field` keeps equal values of different fields apart.
    pub fn index(&self, field: &str, value: &str) -> String {
        let mac = self
            .suite
            .mac(&self.index_key, &[field.as_bytes(), value.as_bytes()]);
        format!("{}{}", self.index_prefix(), hex::encode(mac))
    }

    /// A digest in the suite's hash (SHA-256 or SM3).
    pub fn digest(&self, parts: &[&[u8]]) -> String {
        self.suite.digest(parts)
    }
}

/// The stored form of an optional personal field of row `id`: encrypted,
/// bound to the field and the row.
pub(crate) fn seal_field(
    crypto: &Crypto,
    field: &str,
    id: uuid::Uuid,
    value: Option<&str>,
) -> Option<String> {
    value.map(|v| crypto.encrypt(v, &format!("{field}:{id}")))
}

/// Reads a stored personal field. Plaintext left from before encryption
/// reads as it is (it is encrypted at the row's next write).
pub(crate) fn open_field(
    crypto: &Crypto,
    field: &str,
    id: uuid::Uuid,
    stored: Option<String>,
) -> crate::error::StoreResult<Option<String>> {
    match stored {
        Some(s) if Crypto::is_encrypted(&s) => crypto
            .decrypt(&s, &format!("{field}:{id}"))
            .map(Some)
            .map_err(crate::StoreError::Crypto),
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both() -> [Crypto; 2] {
        [
            Crypto::ephemeral(Suite::International),
            Crypto::ephemeral(Suite::Gm),
        ]
    }

    #[test]
    fn round_trip_in_both_suites() {
        for c in both() {
            let e = c.encrypt("13812341234", "deputies.phone:1");
            assert!(e.starts_with("enc:"), "{e}");
            assert!(!e.contains("13812341234"));
            assert_eq!(
                c.decrypt(&e, "deputies.phone:1").as_deref(),
                Ok("13812341234")
            );
            // Fresh nonce each time.
            assert_ne!(e, c.encrypt("13812341234", "deputies.phone:1"));
        }
    }

    #[test]
    fn a_value_moved_to_another_row_does_not_decrypt() {
        for c in both() {
            let e = c.encrypt("13812341234", "deputies.phone:1");
            assert_eq!(c.decrypt(&e, "deputies.phone:2"), Err(CryptoError::Forged));
        }
    }

    #[test]
    fn an_altered_value_does_not_decrypt() {
        let c = Crypto::ephemeral(Suite::Gm);
        let e = c.encrypt("13812341234", "x");
        let (head, body) = e.rsplit_once(':').unwrap_or_default();
        let mut raw = B64.decode(body).unwrap_or_default();
        raw[14] ^= 1;
        let altered = format!("{head}:{}", B64.encode(raw));
        assert_eq!(c.decrypt(&altered, "x"), Err(CryptoError::Forged));
    }

    #[test]
    fn the_other_suite_is_refused_by_name() {
        let [a, s] = both();
        let e = a.encrypt("13812341234", "x");
        assert!(matches!(
            s.decrypt(&e, "x"),
            Err(CryptoError::WrongSuite(_))
        ));
        let e = s.encrypt("13812341234", "x");
        assert!(matches!(
            a.decrypt(&e, "x"),
            Err(CryptoError::WrongSuite(_))
        ));
    }

    #[test]
    fn rotation_keeps_old_values_readable_and_writes_with_the_new_key() {
        let old = DataKey::generate("k1").unwrap();
        let before = Crypto::new(Suite::International, vec![old.clone()]).unwrap();
        let e_old = before.encrypt("13812341234", "x");
        let new = DataKey::generate("k2").unwrap();
        let after = Crypto::new(Suite::International, vec![new, old]).unwrap();
        assert_eq!(after.decrypt(&e_old, "x").as_deref(), Ok("13812341234"));
        assert!(after.encrypt("1", "x").starts_with("enc:a:k2:"));
        // Lookups by value keep working across the rotation.
        assert_eq!(before.index("phone", "1"), after.index("phone", "1"));
        // Without the old key, old values are refused by name.
        let only_new =
            Crypto::new(Suite::International, vec![DataKey::generate("k2").unwrap()]).unwrap();
        assert_eq!(
            only_new.decrypt(&e_old, "x"),
            Err(CryptoError::UnknownKey("k1".into()))
        );
    }

    #[test]
    fn keyed_hashes_differ_by_suite_key_and_field() {
        let [a, s] = both();
        assert_eq!(a.index("phone", "1").len(), 64 + 3);
        assert!(s.index("phone", "1").starts_with("k1:"));
        assert_ne!(a.index("phone", "1"), s.index("phone", "1"));
        assert_ne!(a.index("phone", "1"), a.index("other", "1"));
    }

    #[test]
    fn sm3_digest_matches_the_standard_test_vector() {
        // GB/T 32905-2016, example 1: SM3("abc").
        let mut h = Sm3::new();
        h.update(b"abc");
        assert_eq!(
            hex::encode(h.finalize()),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
    }

    #[test]
    fn sm4_matches_the_standard_test_vector() {
        // GB/T 32907-2016, appendix A.1.
        use sm4::cipher::BlockEncrypt;
        let key: [u8; 16] = hex::decode("0123456789abcdeffedcba9876543210")
            .unwrap_or_default()
            .try_into()
            .unwrap_or_default();
        let cipher = <sm4::Sm4 as KeyInit>::new_from_slice(&key).unwrap();
        let mut block = key.into();
        cipher.encrypt_block(&mut block);
        assert_eq!(hex::encode(block), "681edf34d206965e86b3e94f536e4246");
    }

    #[test]
    fn key_specs() {
        let k = DataKey::generate("2026-11").unwrap();
        assert_eq!(DataKey::parse(&k.to_spec()).unwrap().id(), "2026-11");
        assert!(DataKey::parse("k1:short").is_err());
        assert!(DataKey::parse("bad id:AAAA").is_err());
        assert!(
            DataKey::generate("k_1").is_err(),
            "`_` matches anything in LIKE"
        );
        let (a, b) = (
            DataKey::generate("K1").unwrap(),
            DataKey::generate("k1").unwrap(),
        );
        assert!(Crypto::new(Suite::Gm, vec![a, b]).is_err());
        assert!(Crypto::new(Suite::Gm, vec![]).is_err());
        assert!(!format!("{k:?}").contains(&k.to_spec()[8..]));
    }
}
