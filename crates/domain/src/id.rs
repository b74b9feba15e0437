//! Ids that must not be mixed up. A user account, the deputy it speaks for
//! and the unit it works for are three different records, each keyed by a
//! UUID; where two of them meet (who acts on a suggestion, whose it is,
//! which unit leads it) a deputy's id in a unit's place would compile and
//! quietly grant or refuse the wrong thing. Each id is its own type: the
//! same UUID on the wire and in the database, never comparable with the
//! others.

use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize,
            serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            pub const fn new(id: Uuid) -> Self {
                Self(id)
            }

            pub const fn uuid(self) -> Uuid {
                self.0
            }

            /// The id of the UUID with this value (fixtures and examples).
            pub const fn from_u128(n: u128) -> Self {
                Self(Uuid::from_u128(n))
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(&self.0, f)
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .format(Some(utoipa::openapi::schema::SchemaFormat::KnownFormat(
                        utoipa::openapi::schema::KnownFormat::Uuid,
                    )))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}
    };
}

id_type!(
    /// A user account's id.
    UserId
);

id_type!(
    /// A deputy's id (the person in the congress, not their account).
    DeputyId
);

id_type!(
    /// A handling unit's id (承办单位).
    UnitId
);

/// The UUIDs of some ids, for a query or a stored list.
pub fn to_uuids<I: Into<Uuid>>(ids: impl IntoIterator<Item = I>) -> Vec<Uuid> {
    ids.into_iter().map(Into::into).collect()
}

/// Ids of one kind from stored UUIDs.
pub fn from_uuids<I: From<Uuid>>(ids: impl IntoIterator<Item = Uuid>) -> Vec<I> {
    ids.into_iter().map(I::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_its_uuid_on_the_wire() {
        let u = Uuid::from_u128(7);
        let d = DeputyId::from(u);
        assert_eq!(
            serde_json::to_string(&d).ok(),
            serde_json::to_string(&u).ok()
        );
        let back: Result<DeputyId, _> = serde_json::from_str(&format!("\"{u}\""));
        assert_eq!(back.ok(), Some(d));
        assert_eq!(Uuid::from(d), u);
        assert_eq!(d.to_string(), u.to_string());
    }
}
