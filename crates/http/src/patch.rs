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

/// An optional text a form may leave blank: absent, `null`, empty or only
/// blank characters all mean none (`None`); anything else is read as `T`
/// reads it (a [`renda_domain::text::Text`] trims it and checks its
/// length). For the fields that took an empty string before the text
/// types, so that such clients keep working.
pub fn blank_none<'de, T, D>(d: D) -> Result<Option<T>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    use serde::de::{Error, IntoDeserializer};
    match Option::<String>::deserialize(d)? {
        Some(s) if !renda_domain::text::is_blank(&s) => {
            let inner: serde::de::value::StringDeserializer<serde::de::value::Error> =
                s.into_deserializer();
            T::deserialize(inner).map(Some).map_err(D::Error::custom)
        }
        _ => Ok(None),
    }
}

/// [`blank_none`] for a merge-patch field: present and blank clears it
/// like `null` (`Some(None)`); with `#[serde(default)]` absent leaves it.
pub fn double_blank_none<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    blank_none(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use renda_domain::text::Text;

    #[derive(Debug, Deserialize)]
    struct Form {
        #[serde(default, deserialize_with = "blank_none")]
        note: Option<Text<5>>,
        #[serde(default, deserialize_with = "double_blank_none")]
        patch: Option<Option<Text<5>>>,
    }

    fn read(json: &str) -> Result<(Option<String>, Option<Option<String>>), String> {
        serde_json::from_str::<Form>(json)
            .map(|f| {
                (
                    f.note.map(String::from),
                    f.patch.map(|p| p.map(String::from)),
                )
            })
            .map_err(|e| e.to_string())
    }

    #[test]
    fn blank_reads_as_none_and_text_as_text() {
        assert_eq!(read("{}"), Ok((None, None)));
        assert_eq!(
            read(r#"{"note": "", "patch": " "}"#),
            Ok((None, Some(None)))
        );
        assert_eq!(
            read(r#"{"note": null, "patch": null}"#),
            Ok((None, Some(None)))
        );
        assert_eq!(
            read(r#"{"note": "备注 \n", "patch": "改"}"#),
            Ok((Some("备注".into()), Some(Some("改".into()))))
        );
        let long = read(r#"{"note": "一二三四五六"}"#);
        assert!(
            long.as_ref()
                .is_err_and(|e| e.starts_with(renda_domain::text::TEXT_REFUSAL)),
            "{long:?}"
        );
    }
}
