//! Keyword search over Chinese and Latin text, by character bigrams.
//!
//! Chinese is written without spaces, and a search for a word (教育, 老旧
//! 小区) must find it inside any run of characters. A text is indexed by
//! every pair of neighbouring characters within each run of letters and
//! digits (教育经费 gives 教育, 育经, 经费), and by each single character
//! outside ASCII (so that a one-character search, 水, has an index path
//! too). A search's own terms are taken the same way; a row holding all
//! of them may hold the phrase, and the exact substring match decides.
//!
//! Bigrams were chosen over word segmentation (a dictionary such as
//! jieba's): they find every substring of two characters or more whatever
//! the dictionary would have split, need no dictionary in memory, and
//! treat the names of places and people, which dictionaries miss, like any
//! other text.

use std::collections::BTreeSet;

/// Runs of letters and digits, lower-cased.
fn runs(text: &str) -> impl Iterator<Item = Vec<char>> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|r| !r.is_empty())
        .map(|r| r.chars().flat_map(char::to_lowercase).collect())
}

fn bigram(a: char, b: char) -> String {
    let mut s = String::with_capacity(a.len_utf8() + b.len_utf8());
    s.push(a);
    s.push(b);
    s
}

/// The distinct terms `texts` are found by, in a stable order.
pub fn index_terms(texts: &[&str]) -> BTreeSet<String> {
    let mut terms = BTreeSet::new();
    for text in texts {
        for run in runs(text) {
            for pair in run.windows(2) {
                terms.insert(bigram(pair[0], pair[1]));
            }
            for c in run.iter().filter(|c| !c.is_ascii()) {
                terms.insert(c.to_string());
            }
        }
    }
    terms
}

/// The terms a text must hold to contain `query`: the bigrams of each of
/// its runs, and a single non-ASCII character where a run is one
/// character long. Empty when the query has nothing the index holds (a
/// single Latin letter or digit, or punctuation alone); then every row
/// must be read.
pub fn query_terms(query: &str) -> BTreeSet<String> {
    let mut terms = BTreeSet::new();
    for run in runs(query) {
        match run.as_slice() {
            [c] if !c.is_ascii() => {
                terms.insert(c.to_string());
            }
            [_] => {}
            _ => {
                for pair in run.windows(2) {
                    terms.insert(bigram(pair[0], pair[1]));
                }
            }
        }
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn chinese_text_is_indexed_by_pairs_and_characters() {
        assert_eq!(
            index_terms(&["教育经费"]),
            set(&["教育", "育经", "经费", "教", "育", "经", "费"])
        );
    }

    #[test]
    fn punctuation_and_spaces_break_runs_and_latin_is_folded() {
        let t = index_terms(&["老旧小区，加装 Lift"]);
        assert!(t.contains("小区") && t.contains("li") && t.contains("ft"));
        assert!(!t.contains("区，") && !t.contains("区加"));
        assert!(!t.contains("l"), "single Latin letters are not terms");
    }

    #[test]
    fn every_substring_query_finds_its_text() {
        let text = "关于加快老旧小区改造的建议 Road 5G";
        let indexed = index_terms(&[text]);
        let chars: Vec<char> = text.chars().collect();
        for start in 0..chars.len() {
            for end in start + 1..=chars.len() {
                let q: String = chars[start..end].iter().collect();
                let needed = query_terms(&q);
                assert!(
                    needed.is_subset(&indexed),
                    "{q:?} needs {needed:?}, not all indexed"
                );
            }
        }
    }

    #[test]
    fn queries_with_nothing_indexable_have_no_terms() {
        assert!(query_terms("a").is_empty());
        assert!(query_terms("，。").is_empty());
        assert_eq!(query_terms("水"), set(&["水"]));
        assert_eq!(query_terms("老旧 小区"), set(&["老旧", "小区"]));
    }

    #[test]
    fn an_absent_word_needs_a_term_the_text_lacks() {
        let indexed = index_terms(&["关于加快老旧小区改造的建议"]);
        assert!(!query_terms("量子").is_subset(&indexed));
    }
}
