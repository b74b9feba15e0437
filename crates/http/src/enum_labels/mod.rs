//! Labels of every enumeration in the document, Chinese and English:
//! the words the exports and problem texts use, for frontends to show.
//! The document carries them as `x-enum-descriptions` (see `finish`). The
//! table is kept in two files of about 500 lines, split at `Gender`.

mod first;
mod second;

/// One value of an enumeration: the value, its Chinese label and its
/// English one.
pub(crate) type Label = (&'static str, &'static str, &'static str);

/// Each enumeration's schema name, and for each of its values (in the
/// document's order): the value, its Chinese label and its English one.
pub(crate) fn all() -> impl Iterator<Item = &'static (&'static str, &'static [Label])> {
    first::ENUM_LABELS.iter().chain(second::ENUM_LABELS)
}
