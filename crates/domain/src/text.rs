//! What makes text blank. A required text must show something: a title of
//! spaces, or of invisible characters such as a zero-width space (U+200B),
//! a right-to-left override (U+202E) or a byte-order mark (U+FEFF), would
//! look empty in every list while passing a check that only trims spaces.
//!
//! Blank characters are Unicode's `White_Space` and its
//! `Default_Ignorable_Code_Point` characters (Unicode 16.0,
//! DerivedCoreProperties.txt): format controls, zero-width characters,
//! fillers and variation selectors, which no renderer shows. Only those of
//! the Basic Multilingual Plane are taken, so that the OpenAPI document can
//! state the same set with `\uXXXX` escapes, the one form that ECMA-262
//! (JSON Schema's regex dialect), Python's `re` (schemathesis) and Rust's
//! `regex` all read alike; the supplementary-plane ignorables (tags,
//! musical format controls, shorthand format controls) stay visible-text
//! as far as this check goes.

/// The blank characters as sorted, disjoint, inclusive ranges.
pub const BLANK_RANGES: &[(char, char)] = &[
    // White_Space: tab, line feed, vertical tab, form feed, carriage return.
    ('\u{0009}', '\u{000D}'),
    ('\u{0020}', '\u{0020}'),
    ('\u{0085}', '\u{0085}'),
    ('\u{00A0}', '\u{00A0}'),
    // Default_Ignorable_Code_Point from here on unless noted: soft hyphen.
    ('\u{00AD}', '\u{00AD}'),
    // Combining grapheme joiner.
    ('\u{034F}', '\u{034F}'),
    // Arabic letter mark.
    ('\u{061C}', '\u{061C}'),
    // Hangul choseong and jungseong fillers.
    ('\u{115F}', '\u{1160}'),
    // White_Space: Ogham space mark.
    ('\u{1680}', '\u{1680}'),
    // Khmer inherent vowels.
    ('\u{17B4}', '\u{17B5}'),
    // Mongolian free variation selectors and vowel separator.
    ('\u{180B}', '\u{180F}'),
    // White_Space en quad to hair space (U+2000–U+200A), then zero-width
    // space, non-joiner and joiner, left-to-right and right-to-left marks.
    ('\u{2000}', '\u{200F}'),
    // White_Space line and paragraph separators (U+2028, U+2029), the
    // bidirectional embeddings and overrides (U+202A–U+202E), White_Space
    // narrow no-break space (U+202F).
    ('\u{2028}', '\u{202F}'),
    // White_Space medium mathematical space (U+205F), then word joiner,
    // invisible operators, bidirectional isolates and deprecated format
    // controls (U+2060–U+206F).
    ('\u{205F}', '\u{206F}'),
    // White_Space: ideographic space.
    ('\u{3000}', '\u{3000}'),
    // Hangul filler.
    ('\u{3164}', '\u{3164}'),
    // Variation selectors.
    ('\u{FE00}', '\u{FE0F}'),
    // Zero-width no-break space (byte-order mark).
    ('\u{FEFF}', '\u{FEFF}'),
    // Halfwidth Hangul filler.
    ('\u{FFA0}', '\u{FFA0}'),
    // Unassigned, reserved as ignorable.
    ('\u{FFF0}', '\u{FFF8}'),
];

/// Whether a character is blank: white space, or invisible by design.
pub fn is_blank_char(c: char) -> bool {
    // The ranges are sorted and disjoint: find the last one starting at or
    // before `c`.
    let i = BLANK_RANGES.partition_point(|&(start, _)| start <= c);
    i > 0 && BLANK_RANGES.get(i - 1).is_some_and(|&(_, end)| c <= end)
}

/// Whether text is blank: empty, or made only of blank characters.
pub fn is_blank(s: &str) -> bool {
    s.chars().all(is_blank_char)
}

/// Text without its leading and trailing blank characters.
pub fn trim_blank(s: &str) -> &str {
    s.trim_matches(is_blank_char)
}

/// The blank characters as the body of a regular-expression character
/// class (`\u0009-\u000d\u0020…`), for a pattern that states the same rule
/// as [`is_blank`].
pub fn blank_class() -> String {
    let mut out = String::new();
    for &(start, end) in BLANK_RANGES {
        out.push_str(&format!("\\u{:04x}", u32::from(start)));
        if end != start {
            out.push_str(&format!("-\\u{:04x}", u32::from(end)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ranges_are_sorted_disjoint_and_in_the_basic_plane() {
        for pair in BLANK_RANGES.windows(2) {
            if let [(_, end), (next, _)] = pair {
                // Disjoint and not even adjacent (adjacent ones are merged).
                assert!(u32::from(*end) + 1 < u32::from(*next), "{pair:?}");
            }
        }
        for &(start, end) in BLANK_RANGES {
            assert!(start <= end);
            assert!(u32::from(end) <= 0xFFFF, "{end:?} is beyond \\uFFFF");
        }
    }

    #[test]
    fn white_space_is_blank_exactly_as_rust_sees_it() {
        // Every White_Space character is blank, and every blank character
        // is white space or not shown at all: never a digit, punctuation or
        // symbol, and a letter only for the Hangul fillers, which Unicode
        // files as letters that are drawn as nothing.
        const FILLERS: [char; 4] = ['\u{115F}', '\u{1160}', '\u{3164}', '\u{FFA0}'];
        for c in ('\0'..='\u{FFFF}').filter(|c| c.is_whitespace()) {
            assert!(is_blank_char(c), "U+{:04X}", u32::from(c));
        }
        for &(start, end) in BLANK_RANGES {
            for c in start..=end {
                let shown = c.is_alphanumeric() || c.is_ascii_punctuation();
                assert!(
                    c.is_whitespace() || !shown || FILLERS.contains(&c),
                    "U+{:04X}",
                    u32::from(c)
                );
            }
        }
    }

    #[test]
    fn blankness_table() {
        let blank = [
            "",
            " ",
            "\t\r\n",
            "\u{3000}",
            "\u{202E}\u{200B}\u{FEFF}",
            "\u{00AD}\u{034F}\u{061C}\u{115F}\u{1160}\u{3164}\u{FFA0}\u{180E}",
            "\u{2060}\u{2061}\u{2062}\u{2063}\u{2064}",
            "\u{200C}\u{200D}\u{200E}\u{200F}\u{202A}\u{202B}\u{202C}\u{202D}",
            " \u{FE0F} ",
        ];
        for s in blank {
            assert!(is_blank(s), "{s:?}");
            assert_eq!(trim_blank(s), "", "{s:?}");
        }
        let shown = [
            "a",
            " 人 ",
            "\u{202E}x",
            "\u{1F600}",
            // A braille blank shows as a cell on a braille display.
            "\u{2800}",
            "\u{0000}",
            "-",
        ];
        for s in shown {
            assert!(!is_blank(s), "{s:?}");
        }
        assert_eq!(trim_blank("\u{FEFF} 标题\u{200B}"), "标题");
    }

    #[test]
    fn the_class_names_every_range() {
        let class = blank_class();
        assert!(
            class.starts_with("\\u0009-\\u000d\\u0020\\u0085"),
            "{class}"
        );
        assert!(class.contains("\\u2000-\\u200f"), "{class}");
        assert!(class.contains("\\ufeff"), "{class}");
        assert_eq!(class.matches("\\u").count(), {
            let ranges = BLANK_RANGES.iter().filter(|(a, b)| a != b).count();
            BLANK_RANGES.len() + ranges
        });
    }
}
