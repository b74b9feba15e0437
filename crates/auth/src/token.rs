//! Opaque secrets: refresh tokens and generated passwords. Only their
//! SHA-256 digests are stored.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A new random token of 256 bits, URL-safe base64 without padding.
pub fn generate_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A new service-client secret: 256 random bits behind a recognisable
/// prefix, so that secret scanners can spot one pasted where it should not
/// be. Stored as its SHA-256 digest: at this entropy a slow hash adds
/// nothing.
pub fn generate_client_secret() -> String {
    format!("rcs_{}", generate_token())
}

/// The hex SHA-256 digest under which a token is stored.
pub fn digest(token: &str) -> String {
    let d = Sha256::digest(token.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// A receipt code for a constituent opinion: 16 characters from an
/// alphabet without look-alikes (about 78 bits), in groups of four.
pub fn generate_receipt_code() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut rng = rand::rng();
    let mut out = String::with_capacity(19);
    for i in 0..16 {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        let k = (rng.next_u32() as usize) % ALPHABET.len();
        out.push(ALPHABET.get(k).copied().map(char::from).unwrap_or('X'));
    }
    out
}

/// A receipt code as typed back by a person: case, spaces and dashes do
/// not matter.
pub fn normalise_receipt_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// A random password of 20 characters that meets the password policy.
pub fn generate_password() -> String {
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
    const DIGIT: &[u8] = b"23456789";
    const SYMBOL: &[u8] = b"!@#%^*-_=+";
    let mut rng = rand::rng();
    let mut pick = |set: &[u8]| -> char {
        let i = (rng.next_u32() as usize) % set.len();
        set.get(i).copied().map(char::from).unwrap_or('x')
    };
    let mut out = String::with_capacity(20);
    // One of each class first, then any class.
    out.push(pick(UPPER));
    out.push(pick(LOWER));
    out.push(pick(DIGIT));
    out.push(pick(SYMBOL));
    let all: Vec<u8> = [UPPER, LOWER, DIGIT, SYMBOL].concat();
    for _ in 0..16 {
        out.push(pick(&all));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_and_distinct() {
        let a = generate_token();
        let b = generate_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        assert_eq!(digest(&a).len(), 64);
        assert_eq!(digest(&a), digest(&a));
    }

    #[test]
    fn generated_passwords_meet_the_policy() {
        for _ in 0..50 {
            let p = generate_password();
            assert_eq!(
                renda_domain::user::check_password_policy(&p, None),
                Ok(()),
                "{p}"
            );
        }
    }
}
