//! The document's short texts in Chinese: answers, parameters and
//! headers are described in English where the code declares them, and
//! `finish` puts the Chinese before each (`中文 · English`). The table is
//! kept in two files in the order of the English, split at `Not awaiting a unit's reply`.

mod first;
mod second;

/// The Chinese of one of the document's English texts.
pub(crate) fn chinese(en: &str) -> Option<&'static str> {
    first::DOC_TEXTS
        .iter()
        .chain(second::DOC_TEXTS)
        .find(|(e, _)| *e == en)
        .map(|(_, zh)| *zh)
}
