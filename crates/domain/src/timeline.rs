//! Timelines: the steps a record went through, who took each and the state
//! it moved between. Suggestions, supervision items and livelihood rounds
//! keep one each, alike: a command's [`Event`] becomes an [`Entry`] when
//! saved, and the entry reads back with the area's own names for the
//! state (`from_status` of a suggestion, `from_stage` of an item).

use chrono::{DateTime, Utc};
use serde::ser::SerializeStruct;
use uuid::Uuid;

/// The timeline event of a change: what happened, with its particulars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub action: &'static str,
    pub detail: Option<serde_json::Value>,
}

impl Event {
    pub fn new(action: &'static str, detail: Option<serde_json::Value>) -> Self {
        Self { action, detail }
    }
}

/// The state a timeline records moves between: a suggestion's status, an
/// item's or a round's stage.
pub trait Phase:
    Copy + Eq + std::fmt::Debug + serde::Serialize + std::str::FromStr<Err = crate::UnknownVariant>
{
    /// The wire names of the state before and after (`from_status`,
    /// `to_status`).
    const FROM: &'static str;
    const TO: &'static str;
    /// The identifier kept in storage.
    fn stored(self) -> &'static str;
    /// The name of the area's entry in the OpenAPI document, what it is,
    /// and an example of one (JSON).
    const SCHEMA: &'static str;
    const DESCRIPTION: &'static str;
    const EXAMPLE: &'static str;
}

/// One step of a record's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<S> {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_name: Option<String>,
    /// `created`, `submitted`, `assigned`, `rectification_started`, ...
    pub action: String,
    pub from: Option<S>,
    pub to: Option<S>,
    pub detail: Option<serde_json::Value>,
}

impl<S: Phase> serde::Serialize for Entry<S> {
    fn serialize<Z: serde::Serializer>(&self, z: Z) -> Result<Z::Ok, Z::Error> {
        let mut s = z.serialize_struct("Entry", 8)?;
        s.serialize_field("id", &self.id)?;
        s.serialize_field("occurred_at", &self.occurred_at)?;
        s.serialize_field("actor_id", &self.actor_id)?;
        s.serialize_field("actor_name", &self.actor_name)?;
        s.serialize_field("action", &self.action)?;
        s.serialize_field(S::FROM, &self.from)?;
        s.serialize_field(S::TO, &self.to)?;
        s.serialize_field("detail", &self.detail)?;
        s.end()
    }
}

macro_rules! phase {
    ($ty:ty, $from:literal, $to:literal, $schema:literal, $description:literal, $example:literal) => {
        impl Phase for $ty {
            const FROM: &'static str = $from;
            const TO: &'static str = $to;
            const SCHEMA: &'static str = $schema;
            const DESCRIPTION: &'static str = $description;
            const EXAMPLE: &'static str = $example;
            fn stored(self) -> &'static str {
                self.as_str()
            }
        }
    };
}

phase!(
    crate::suggestion::SuggestionStatus,
    "from_status",
    "to_status",
    "TimelineItem",
    "One entry of a suggestion's timeline.",
    r#"{"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ea7", "occurred_at": "2026-11-27T08:00:00Z", "actor_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e01", "actor_name": "demo-staff", "action": "assigned", "from_status": "registered", "to_status": "assigned", "detail": {"color": "yellow"}}"#
);
phase!(
    crate::supervision::Stage,
    "from_stage",
    "to_stage",
    "SupervisionTimelineItem",
    "A step of the item's loop, with who took it.",
    r#"{"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4eb7", "occurred_at": "2026-11-27T08:00:00Z", "actor_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e01", "actor_name": "demo-staff", "action": "rectification_started", "from_stage": "deliberating", "to_stage": "rectifying", "detail": null}"#
);
phase!(
    crate::motion::MotionStatus,
    "from_status",
    "to_status",
    "MotionTimelineItem",
    "A step of a motion, with who took it.",
    r#"{"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f71", "occurred_at": "2027-01-12T08:00:00Z", "actor_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e01", "actor_name": "demo-staff", "action": "put_on_agenda", "from_status": "registered", "to_status": "on_agenda", "detail": {"committee": "法制委员会", "report_due": "2027-03-01"}}"#
);
phase!(
    crate::livelihood::RoundStage,
    "from_stage",
    "to_stage",
    "RoundTimelineItem",
    "A step of the round, with who took it.",
    r#"{"id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ef4", "occurred_at": "2026-11-27T08:00:00Z", "actor_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e01", "actor_name": "demo-staff", "action": "voting_closed", "from_stage": "voting", "to_stage": "implementing", "detail": {"ballots": 120, "adopted": ["01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4ef1"], "tied": [], "open_seats": 0}}"#
);

/// The entry as the OpenAPI document shows it, under the area's name.
#[cfg(feature = "openapi")]
mod schema {
    use std::borrow::Cow;

    use utoipa::openapi::schema::{KnownFormat, SchemaFormat, SchemaType, Type};
    use utoipa::openapi::{ObjectBuilder, OneOfBuilder, Ref, RefOr, Schema};
    use utoipa::{PartialSchema, ToSchema};

    use super::{Entry, Phase};

    fn string(format: Option<KnownFormat>, nullable: bool) -> ObjectBuilder {
        let ty = if nullable {
            SchemaType::from_iter([Type::String, Type::Null])
        } else {
            SchemaType::Type(Type::String)
        };
        ObjectBuilder::new()
            .schema_type(ty)
            .format(format.map(SchemaFormat::KnownFormat))
    }

    impl<S: Phase + ToSchema> PartialSchema for Entry<S> {
        #[allow(deprecated)]
        fn schema() -> RefOr<Schema> {
            let state = |text: &'static str| {
                OneOfBuilder::new()
                    .item(ObjectBuilder::new().schema_type(Type::Null))
                    .item(Ref::from_schema_name(S::name()))
                    .description(Some(text))
            };
            ObjectBuilder::new()
                .description(Some(S::DESCRIPTION))
                .property(
                    "id",
                    string(Some(KnownFormat::Uuid), false)
                        .description(Some("这一步的标识。\n\nThe step's id.")),
                )
                .required("id")
                .property(
                    "occurred_at",
                    string(Some(KnownFormat::DateTime), false)
                        .description(Some("发生时间。\n\nWhen it happened.")),
                )
                .required("occurred_at")
                .property(
                    "actor_id",
                    string(Some(KnownFormat::Uuid), true).description(Some(
                        "操作人的账号标识；系统自动完成时为 null。\n\nThe account that took the step; null when the system did.",
                    )),
                )
                .property(
                    "actor_name",
                    string(None, true).description(Some(
                        "操作人的显示名称。\n\nThe display name of who took the step.",
                    )),
                )
                .property(
                    "action",
                    string(None, false).description(Some(
                        "发生了什么：`created`、`submitted`、`assigned`、`rectification_started`、`voting_closed` 等。\n\n\
What happened: `created`, `submitted`, `assigned`, `rectification_started`, `voting_closed`, ...",
                    )),
                )
                .required("action")
                .property(
                    S::FROM,
                    state("这一步之前的状态；不改变状态的步骤为 null。\n\nThe state before the step; null for a step that changes none."),
                )
                .property(
                    S::TO,
                    state("这一步之后的状态；不改变状态的步骤为 null。\n\nThe state after the step; null for a step that changes none."),
                )
                // Any JSON value, or null: the step's particulars.
                .property(
                    "detail",
                    ObjectBuilder::new()
                        .schema_type(SchemaType::AnyValue)
                        .description(Some(
                            "这一步的详情（任意 JSON，或 null），如交办的单位与期限。\n\nThe step's particulars (any JSON, or null), such as the units and deadline of an assignment.",
                        )),
                )
                // `example`, as the derived schemas of the document carry it.
                .example(serde_json::from_str(S::EXAMPLE).ok())
                .into()
        }
    }

    impl<S: Phase + ToSchema> ToSchema for Entry<S> {
        fn name() -> Cow<'static, str> {
            Cow::Borrowed(S::SCHEMA)
        }

        fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
            schemas.push((S::name().into_owned(), S::schema()));
            S::schemas(schemas);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suggestion::SuggestionStatus;
    use crate::supervision::Stage;

    fn entry<S>(from: Option<S>, to: Option<S>) -> Entry<S> {
        Entry {
            id: Uuid::from_u128(1),
            occurred_at: DateTime::<Utc>::UNIX_EPOCH,
            actor_id: None,
            actor_name: Some("demo-staff".into()),
            action: "assigned".into(),
            from,
            to,
            detail: Some(serde_json::json!({"color": "yellow"})),
        }
    }

    #[test]
    fn each_areas_example_reads_as_an_entry_of_it() {
        fn check<S: Phase>() {
            let v: serde_json::Value = serde_json::from_str(S::EXAMPLE).unwrap_or_default();
            let keys: Vec<&str> = v
                .as_object()
                .map(|o| o.keys().map(String::as_str).collect())
                .unwrap_or_default();
            for k in [
                "id",
                "occurred_at",
                "actor_id",
                "actor_name",
                "action",
                S::FROM,
                S::TO,
                "detail",
            ] {
                assert!(keys.contains(&k), "{} lacks {k}", S::SCHEMA);
            }
            assert_eq!(keys.len(), 8, "{}", S::SCHEMA);
            let to: Option<S> = v[S::TO].as_str().and_then(|t| t.parse().ok());
            assert!(to.is_some(), "{}: {}", S::SCHEMA, v[S::TO]);
        }
        check::<SuggestionStatus>();
        check::<Stage>();
        check::<crate::livelihood::RoundStage>();
    }

    #[test]
    fn each_area_names_its_state_on_the_wire() {
        let s = serde_json::to_value(entry(
            Some(SuggestionStatus::Registered),
            Some(SuggestionStatus::Assigned),
        ))
        .unwrap_or_default();
        assert_eq!(s["from_status"], "registered");
        assert_eq!(s["to_status"], "assigned");
        assert_eq!(s["detail"]["color"], "yellow");
        let keys: Vec<&String> = s
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys.len(), 8, "{keys:?}");

        let v = serde_json::to_value(entry(None, Some(Stage::ALL[0]))).unwrap_or_default();
        assert_eq!(v["from_stage"], serde_json::Value::Null);
        assert_eq!(v["to_stage"], Stage::ALL[0].as_str());
        assert!(v.get("from_status").is_none());
    }
}
