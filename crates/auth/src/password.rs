//! Password hashing with argon2id at the OWASP-recommended parameters
//! (19 MiB memory, 2 iterations, 1 lane).

use std::cell::RefCell;

use argon2::password_hash::{Output, ParamsString, Salt};
use argon2::password_hash::{PasswordHash, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Block, Params, Version};

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

fn params() -> Result<Params, HashError> {
    Params::new(19 * 1024, 2, 1, None).map_err(|e| HashError(e.to_string()))
}

thread_local! {
    /// The memory of this thread's hashes, allocated at its first hash and
    /// kept while hashes follow one another (a morning's sign-ins), until
    /// [`release_memory`].
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Gives back the 19 MiB this thread's hashes kept, when it has none to
/// do: an idle server does not hold the memory of its last sign-in.
pub fn release_memory() {
    BLOCKS.with(|blocks| {
        if let Ok(mut blocks) = blocks.try_borrow_mut() {
            *blocks = Vec::new();
        }
    });
}

/// argon2id (or the algorithm a stored hash names) of `password` with
/// `salt` into `out`, in this thread's kept memory.
fn compute(
    algorithm: Algorithm,
    version: Version,
    params: Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), HashError> {
    let need = params.block_count();
    let argon = Argon2::new(algorithm, version, params);
    BLOCKS.with(|blocks| {
        let mut blocks = blocks.borrow_mut();
        if blocks.len() != need {
            *blocks = vec![Block::default(); need];
        }
        argon
            .hash_password_into_with_memory(password, salt, out, &mut blocks[..])
            .map_err(|e| HashError(e.to_string()))
    })
}

/// Hashes a password into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`).
pub fn hash_password(password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    let params = params()?;
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt
        .decode_b64(&mut salt_buf)
        .map_err(|e| HashError(e.to_string()))?;
    let mut out = [0u8; 32];
    compute(
        Algorithm::Argon2id,
        Version::V0x13,
        params.clone(),
        password.as_bytes(),
        salt_bytes,
        &mut out,
    )?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| HashError(e.to_string()))?,
        salt: Some(Salt::from(&salt)),
        hash: Some(Output::new(&out).map_err(|e| HashError(e.to_string()))?),
    };
    Ok(phc.to_string())
}

/// Checks a password against a stored PHC string. A malformed hash never
/// matches.
pub fn verify_password(password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt_bytes) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    if compute(
        algorithm,
        version,
        params,
        password.as_bytes(),
        salt_bytes,
        &mut out,
    )
    .is_err()
    {
        return false;
    }
    // Output compares in constant time.
    Output::new(&out).is_ok_and(|o| o == expected)
}

/// A valid hash of a password nobody knows, verified against when a
/// username does not exist so that the answer takes as long as for a real
/// account.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Qm9uZ3VzSGFzaEJvZ3VzSGFzaEJvZ3VzSGFzaEJvZ3U";

/// Spends the same work as a real verification and always fails.
pub fn verify_dummy(password: &str) -> bool {
    let _ = verify_password(password, DUMMY_HASH);
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_then_verify() -> Result<(), HashError> {
        let h = hash_password("Correct-horse-1")?;
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password("Correct-horse-1", &h));
        assert!(!verify_password("correct-horse-1", &h));
        Ok(())
    }

    #[test]
    fn hashes_of_the_stock_hasher_verify_and_ours_verify_there() -> Result<(), HashError> {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let stock = Argon2::new(Algorithm::Argon2id, Version::V0x13, params()?);
        let salt = SaltString::generate(&mut OsRng);
        let theirs = stock
            .hash_password(b"Correct-horse-1", &salt)
            .map_err(|e| HashError(e.to_string()))?
            .to_string();
        assert!(verify_password("Correct-horse-1", &theirs));
        assert!(!verify_password("Correct-horse-2", &theirs));
        let ours = hash_password("Correct-horse-1")?;
        let parsed = PasswordHash::new(&ours).map_err(|e| HashError(e.to_string()))?;
        assert!(stock.verify_password(b"Correct-horse-1", &parsed).is_ok());
        Ok(())
    }

    #[test]
    fn dummy_hash_parses_and_never_matches() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!verify_dummy("anything"));
        assert!(!verify_password("x", "not a hash"));
    }
}
