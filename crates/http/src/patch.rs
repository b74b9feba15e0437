//! JSON merge-patch fields: absent leaves a value alone, `null` clears it.

use serde::{Deserialize, Deserializer};

/// Deserialises a present field as `Some(value)`, `null` included as
/// `Some(None)`; with `#[serde(default)]` an absent field stays `None`.
pub fn double<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}
