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

/// What a refused text's deserialisation error begins with, so that the
/// HTTP layer can tell a text refusal from other serde errors and name it
/// in the person's words: `{TEXT_REFUSAL}{code}/{max}`.
pub const TEXT_REFUSAL: &str = "renda-text-refused:";

/// Why a text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// Empty, or only white space and invisible characters.
    #[error("must not be blank")]
    Blank,
    /// It holds the NUL character, which no database stores as text.
    #[error("must not contain the NUL character")]
    Nul,
    /// Longer than the field allows, counted in characters.
    #[error("must be at most {max} characters long")]
    TooLong { max: usize },
}

impl TextError {
    /// The stable code a client reads.
    pub fn code(self) -> &'static str {
        match self {
            TextError::Blank => "blank",
            TextError::Nul => "invalid_character",
            TextError::TooLong { .. } => "length",
        }
    }

    /// The deserialisation message: [`TEXT_REFUSAL`], the code and the
    /// limit.
    pub fn message(self, max: usize) -> String {
        format!("{TEXT_REFUSAL}{}/{max}", self.code())
    }

    /// Reads a message [`message`](Self::message) wrote: the error and the
    /// limit.
    pub fn from_message(m: &str) -> Option<(TextError, usize)> {
        let rest = m.strip_prefix(TEXT_REFUSAL)?;
        let (code, max) = rest.split_once('/')?;
        let max: usize = max
            .split(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok()?;
        let e = match code {
            "blank" => TextError::Blank,
            "invalid_character" => TextError::Nul,
            "length" => TextError::TooLong { max },
            _ => return None,
        };
        Some((e, max))
    }
}

fn check(s: &str, max: usize) -> Result<(), TextError> {
    if s.contains('\0') {
        Err(TextError::Nul)
    } else if is_blank(s) {
        Err(TextError::Blank)
    } else if s.chars().count() > max {
        Err(TextError::TooLong { max })
    } else {
        Ok(())
    }
}

/// Text without its blank lines before the first shown line and its blank
/// characters at the end: the first line keeps its indentation, since a
/// Chinese paragraph opens with two ideographic spaces.
fn trim_text(s: &str) -> &str {
    let s = s.trim_end_matches(is_blank_char);
    let lead = s.len() - s.trim_start_matches(is_blank_char).len();
    match s[..lead].rfind(['\n', '\r', '\u{2028}', '\u{2029}', '\u{85}']) {
        Some(i) => {
            // Past the line break (each of them is a single character).
            let next = s[i..].chars().next().map_or(1, char::len_utf8);
            &s[i + next..]
        }
        None => s,
    }
}

macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident, $trim:path) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name<const MAX: usize>(String);

        impl<const MAX: usize> $name<MAX> {
            /// The longest text this type takes, in characters.
            pub const MAX: usize = MAX;

            /// Trims and checks a text.
            pub fn parse(s: &str) -> Result<Self, TextError> {
                let t = $trim(s);
                check(t, MAX)?;
                Ok(Self(t.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl<const MAX: usize> std::ops::Deref for $name<MAX> {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl<const MAX: usize> AsRef<str> for $name<MAX> {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl<const MAX: usize> std::fmt::Debug for $name<MAX> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(&self.0, f)
            }
        }

        impl<const MAX: usize> std::fmt::Display for $name<MAX> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl<const MAX: usize> From<$name<MAX>> for String {
            fn from(t: $name<MAX>) -> String {
                t.0
            }
        }

        impl<const MAX: usize> TryFrom<&str> for $name<MAX> {
            type Error = TextError;
            fn try_from(s: &str) -> Result<Self, TextError> {
                Self::parse(s)
            }
        }

        impl<'de, const MAX: usize> serde::Deserialize<'de> for $name<MAX> {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
                Self::parse(&s).map_err(|e| serde::de::Error::custom(e.message(MAX)))
            }
        }

        #[cfg(feature = "openapi")]
        impl<const MAX: usize> utoipa::PartialSchema for $name<MAX> {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                schema(MAX)
            }
        }

        #[cfg(feature = "openapi")]
        impl<const MAX: usize> utoipa::ToSchema for $name<MAX> {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Owned(format!("{}{MAX}", stringify!($name)))
            }
        }
    };
}

text_type!(
    /// Free text of at most `MAX` characters: paragraphs, a reason, a note.
    /// Not blank, no NUL; blank lines before it and blank characters after
    /// it are dropped, the first line's indentation kept.
    Text,
    trim_text
);

text_type!(
    /// Short text of at most `MAX` characters: a title, a name, a place.
    /// Not blank, no NUL; trimmed at both ends.
    Line,
    trim_blank
);

/// What every text states in the document: a string of 1 to `max`
/// characters with something shown, and no NUL.
#[cfg(feature = "openapi")]
pub fn schema(max: usize) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .min_length(Some(1))
        .max_length(Some(max))
        .pattern(Some(not_blank_pattern()))
        .into()
}

/// The pattern of text that is not blank and holds no NUL: at least one
/// character outside [`blank_class`].
pub fn not_blank_pattern() -> String {
    format!("^[^\\x00]*[^\\x00{}][^\\x00]*$", blank_class())
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

    #[test]
    fn texts_are_trimmed_and_checked() {
        type Title = Line<5>;
        type Body = Text<8>;
        assert_eq!(
            Title::parse(" \u{200B}标题\u{3000}").map(String::from),
            Ok("标题".into())
        );
        assert_eq!(Title::parse("\u{3000}\u{FEFF} "), Err(TextError::Blank));
        assert_eq!(Title::parse("a\0b"), Err(TextError::Nul));
        assert!(Title::parse("一二三四五").is_ok());
        assert_eq!(
            Title::parse("一二三四五六"),
            Err(TextError::TooLong { max: 5 })
        );
        // Limits count characters after trimming.
        assert!(Title::parse("  一二三四五  ").is_ok());
        // A paragraph keeps its opening ideographic spaces, not the blank
        // lines before it nor the blanks after it.
        assert_eq!(
            Body::parse("\n \r\n\u{3000}\u{3000}正文。\n\n").map(String::from),
            Ok("\u{3000}\u{3000}正文。".into())
        );
        assert_eq!(
            Body::parse("\u{3000}\u{3000}正文").map(String::from),
            Ok("\u{3000}\u{3000}正文".into())
        );
        assert_eq!(Body::parse("\n\n"), Err(TextError::Blank));
    }

    #[test]
    fn a_refusal_reads_back_from_its_message() {
        for e in [
            TextError::Blank,
            TextError::Nul,
            TextError::TooLong { max: 200 },
        ] {
            assert_eq!(TextError::from_message(&e.message(200)), Some((e, 200)));
        }
        // serde_json appends the position.
        assert_eq!(
            TextError::from_message(&format!(
                "{} at line 1 column 9",
                TextError::Blank.message(40)
            )),
            Some((TextError::Blank, 40))
        );
        assert_eq!(TextError::from_message("invalid type"), None);
        let parsed: Result<Line<3>, _> = serde_json::from_str("\"abcd\"");
        let err = parsed.map(String::from).map_err(|e| e.to_string());
        assert!(
            err.as_ref().is_err_and(
                |m| TextError::from_message(m) == Some((TextError::TooLong { max: 3 }, 3))
            ),
            "{err:?}"
        );
    }
}
