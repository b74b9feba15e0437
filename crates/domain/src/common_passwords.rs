//! The most common passwords, which the password policy refuses.
//!
//! The list is Django's (`django/contrib/auth/common-passwords.txt.gz`,
//! BSD 3-Clause licence, compiled by Royce Williams): 20,000 passwords,
//! lower-case, deduplicated, one a line. It is kept decompressed in
//! `data/common-passwords.txt` so that changes to it can be reviewed as
//! text; `data/README.md` names its version, checksum and licence.

use std::collections::HashSet;
use std::sync::LazyLock;

static LIST: &str = include_str!("../data/common-passwords.txt");

/// Built on first use (some 20,000 borrowed entries), then shared.
static SET: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    LIST.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
});

/// Whether `lower_case` (already lower-cased) is one of the common
/// passwords.
pub(crate) fn contains(lower_case: &str) -> bool {
    SET.contains(lower_case)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_whole_and_lower_case() {
        assert!(SET.len() >= 19_000, "{}", SET.len());
        for w in [
            "123456", "password", "qwerty", "admin", "iloveyou", "dragon",
        ] {
            assert!(contains(w), "{w}");
        }
        assert!(!contains("Password"), "callers lower-case first");
        assert!(SET.iter().all(|w| w.to_lowercase() == *w));
        assert!(!contains("renda-pass"));
    }
}
