//! Free text in the document. Every text field is a
//! [`renda_domain::text::Text`] or [`renda_domain::text::Line`], whose
//! schema states its limit (1 to `MAX` characters, something shown, no
//! NUL). The derive names each as a component (`Text2000`, `Line200`) and
//! refers to it; a client generator would then make a type of each limit.
//! This pass writes the rule into each field instead, as `string` (or
//! `string` and `null` for an optional one) with `minLength`, `maxLength`
//! and `pattern`, keeping the field's description, and drops the
//! components. The distinct id types (`DeputyId`, `UnitId`, `UserId`)
//! are inlined alike, as the `uuid` strings they are on the wire.

use utoipa::openapi::schema::{ArrayItems, Schema, SchemaType, Type};
use utoipa::openapi::{OpenApi, Ref, RefOr};

/// The limit of a text component's reference, `#/components/schemas/Text2000`.
fn text_max(r: &Ref) -> Option<usize> {
    let name = r.ref_location.strip_prefix("#/components/schemas/")?;
    let digits = name
        .strip_prefix("Text")
        .or_else(|| name.strip_prefix("Line"))?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Whether a reference names one of the distinct id types.
fn is_id(r: &Ref) -> bool {
    matches!(
        r.ref_location.strip_prefix("#/components/schemas/"),
        Some("DeputyId" | "UnitId" | "UserId")
    )
}

/// The field's own schema for a reference this pass writes inline: a text
/// rule, or a UUID.
fn inline_rule(r: &Ref, nullable: bool, description: Option<String>) -> Option<RefOr<Schema>> {
    if let Some(max) = text_max(r) {
        return Some(text(max, nullable, description));
    }
    if !is_id(r) {
        return None;
    }
    let ty = if nullable {
        SchemaType::from_iter([Type::String, Type::Null])
    } else {
        SchemaType::Type(Type::String)
    };
    Some(
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(ty)
            .format(Some(utoipa::openapi::schema::SchemaFormat::KnownFormat(
                utoipa::openapi::schema::KnownFormat::Uuid,
            )))
            .description(description.filter(|d| !d.is_empty()))
            .into(),
    )
}

fn is_null(s: &RefOr<Schema>) -> bool {
    matches!(s, RefOr::T(Schema::Object(o)) if o.schema_type == SchemaType::Type(Type::Null))
}

/// The field's own schema: the text rule, nullable or not, with the
/// field's description.
fn text(max: usize, nullable: bool, description: Option<String>) -> RefOr<Schema> {
    let mut s = renda_domain::text::schema(max);
    if let RefOr::T(Schema::Object(o)) = &mut s {
        if nullable {
            o.schema_type = SchemaType::from_iter([Type::String, Type::Null]);
        }
        o.description = description.filter(|d| !d.is_empty());
    }
    s
}

/// What a schema becomes when it only refers to a text: the inline rule.
fn replacement(schema: &RefOr<Schema>) -> Option<RefOr<Schema>> {
    match schema {
        RefOr::Ref(r) => inline_rule(r, false, Some(r.description.clone())),
        RefOr::T(Schema::OneOf(o)) => match o.items.as_slice() {
            [null, RefOr::Ref(r)] | [RefOr::Ref(r), null] if is_null(null) => {
                let description = o.description.clone().or(Some(r.description.clone()));
                inline_rule(r, true, description)
            }
            _ => None,
        },
        RefOr::T(Schema::AllOf(a)) => match a.items.as_slice() {
            [RefOr::Ref(r)] => inline_rule(r, false, a.description.clone()),
            _ => None,
        },
        _ => None,
    }
}

fn inline(schema: &mut RefOr<Schema>) {
    if let Some(s) = replacement(schema) {
        *schema = s;
        return;
    }
    let RefOr::T(s) = schema else { return };
    match s {
        Schema::Object(o) => {
            o.properties.values_mut().for_each(inline);
            if let Some(extra) = o.additional_properties.as_mut()
                && let utoipa::openapi::schema::AdditionalProperties::RefOr(r) = extra.as_mut()
            {
                inline(r);
            }
        }
        Schema::Array(a) => {
            if let ArrayItems::RefOrSchema(items) = &mut a.items {
                inline(items);
            }
        }
        Schema::AllOf(x) => x.items.iter_mut().for_each(inline),
        Schema::OneOf(x) => x.items.iter_mut().for_each(inline),
        Schema::AnyOf(x) => x.items.iter_mut().for_each(inline),
        _ => {}
    }
}

/// Writes every text rule into its field and drops the text components.
pub(crate) fn inline_texts(doc: &mut OpenApi) {
    if let Some(c) = doc.components.as_mut() {
        c.schemas.retain(|name, _| {
            let r = Ref::from_schema_name(name.as_str());
            text_max(&r).is_none() && !is_id(&r)
        });
        c.schemas.values_mut().for_each(inline);
    }
    crate::each_input_schema(doc, inline);
}

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder};

    #[test]
    fn a_text_reference_becomes_the_rule_itself() {
        let mut reason = Ref::from_schema_name("Text2000");
        reason.description = "Why.".to_owned();
        let field: RefOr<Schema> = reason.into();
        let optional: RefOr<Schema> = OneOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(Type::Null))
            .item(Ref::from_schema_name("Line40"))
            .into();
        let mut object: RefOr<Schema> = ObjectBuilder::new()
            .property("reason", field)
            .property("term", optional)
            .property("other", Ref::from_schema_name("TextKind"))
            .property("deputy_id", Ref::from_schema_name("DeputyId"))
            .into();
        inline(&mut object);
        let v = serde_json::to_value(&object).unwrap_or_default();
        let props = &v["properties"];
        assert_eq!(props["reason"]["type"], "string");
        assert_eq!(props["reason"]["maxLength"], 2000);
        assert_eq!(props["reason"]["minLength"], 1);
        assert_eq!(props["reason"]["description"], "Why.");
        assert!(props["reason"]["pattern"].is_string());
        assert_eq!(props["term"]["type"], serde_json::json!(["string", "null"]));
        assert_eq!(props["term"]["maxLength"], 40);
        // Another component whose name merely begins alike stays a reference.
        assert_eq!(props["other"]["$ref"], "#/components/schemas/TextKind");
        assert_eq!(props["deputy_id"]["format"], "uuid");
    }
}
