use crate::helpers::spawn_app;

const COMMITTED: &str = include_str!("../../openapi/openapi.json");

/// The committed contract matches the code. Regenerate it with
/// `UPDATE_OPENAPI=1 cargo test --test api openapi` or
/// `cargo run -- openapi > openapi/openapi.json`.
#[test]
fn the_committed_document_matches_the_code() {
    let generated = renda_http::openapi_json();
    if std::env::var("UPDATE_OPENAPI").is_ok() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/openapi.json");
        std::fs::write(path, &generated).unwrap();
        return;
    }
    assert!(
        generated == COMMITTED,
        "openapi/openapi.json is stale: run `UPDATE_OPENAPI=1 cargo test --test api openapi`"
    );
}

#[tokio::test]
async fn the_served_document_is_the_committed_one() {
    let app = spawn_app().await;
    let r = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    assert_eq!(r.text().await.unwrap(), renda_http::openapi_json());
    let doc: serde_json::Value = serde_json::from_str(&renda_http::openapi_json()).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    for path in [
        "/api/v1/auth/login",
        "/api/v1/units",
        "/api/v1/deputies/{id}",
        "/api/v1/users",
        "/api/v1/audit-events",
        "/api/v1/me",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} is documented");
    }
}

#[tokio::test]
async fn interactive_docs_are_served_offline() {
    let app = spawn_app().await;
    let r = app.client.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(r.status(), 308);
    let r = app.client.get(app.url("/docs/")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("swagger"), "{html}");
    assert!(
        !html.contains("https://"),
        "no asset comes from the internet"
    );
    let r = app
        .client
        .get(app.url("/docs/swagger-initializer.js"))
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("/api/v1/openapi.json"));
}

#[test]
fn the_document_names_enumerations_as_the_wire_does_and_lists_common_answers() {
    let doc: serde_json::Value = serde_json::from_str(&renda_http::openapi_json()).unwrap();
    let kinds = &doc["components"]["schemas"]["UnitKind"]["enum"];
    assert!(
        kinds
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("government_department")),
        "{kinds}"
    );
    let post_units = &doc["paths"]["/api/v1/units"]["post"];
    for status in [
        "201", "400", "401", "403", "409", "413", "415", "422", "503",
    ] {
        assert!(
            post_units["responses"].get(status).is_some(),
            "POST /units documents {status}"
        );
    }
    let params = post_units["parameters"].as_array().unwrap();
    assert!(params.iter().any(|p| p["name"] == "Idempotency-Key"));
}

#[test]
fn the_document_carries_the_validation_rules() {
    let doc: serde_json::Value = serde_json::from_str(&renda_http::openapi_json()).unwrap();
    let s = &doc["components"]["schemas"];
    assert_eq!(s["CreateUnitRequest"]["properties"]["name"]["minLength"], 1);
    assert_eq!(
        s["CreateUnitRequest"]["properties"]["name"]["maxLength"],
        200
    );
    assert_eq!(s["CreateUserRequest"]["properties"]["roles"]["maxItems"], 8);
    // A field the server refuses as null is not documented as nullable.
    assert_eq!(
        s["UpdateUnitRequest"]["properties"]["name"]["type"],
        "string"
    );
    assert_eq!(
        s["UpdateDeputyRequest"]["properties"]["memberships"]["type"],
        "array"
    );
    // An optional field that null clears is.
    assert_eq!(
        s["UpdateUnitRequest"]["properties"]["address"]["type"],
        serde_json::json!(["string", "null"])
    );
}

/// utoipa names a schema after its Rust type and keeps the last one
/// registered, so two types of the same name in different modules would
/// silently describe one of them wrongly. Every schema type is unique.
#[test]
fn schema_type_names_are_unique() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../http/src");
    let mut files = vec![root.clone()];
    let mut names: Vec<(String, String)> = Vec::new();
    while let Some(p) = files.pop() {
        if p.is_dir() {
            for e in std::fs::read_dir(&p).unwrap() {
                files.push(e.unwrap().path());
            }
            continue;
        }
        if p.extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap();
        let mut pending = false;
        for line in text.lines() {
            let l = line.trim();
            if l.starts_with("#[derive(") && l.contains("ToSchema") {
                pending = true;
            } else if pending && (l.starts_with("pub struct ") || l.starts_with("pub enum ")) {
                let name = l
                    .split_whitespace()
                    .nth(2)
                    .unwrap()
                    .trim_end_matches(['{', '<', '('])
                    .to_owned();
                names.push((name, p.display().to_string()));
                pending = false;
            }
        }
    }
    names.sort();
    let dups: Vec<_> = names.windows(2).filter(|w| w[0].0 == w[1].0).collect();
    assert!(names.len() > 50, "found only {} schema types", names.len());
    assert!(dups.is_empty(), "schema types named twice: {dups:?}");
}

/// Generated clients name their functions after operation ids: each is
/// used once.
#[test]
fn operation_ids_are_unique() {
    let doc: serde_json::Value = serde_json::from_str(COMMITTED).unwrap();
    let mut ids = Vec::new();
    for item in doc["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            if let Some(id) = op.get("operationId").and_then(|v| v.as_str()) {
                ids.push(id.to_owned());
            }
        }
    }
    let total = ids.len();
    ids.sort();
    ids.dedup();
    assert!(total > 100);
    assert_eq!(ids.len(), total, "some operation ids are used twice");
}

/// Every `$ref` points at a schema the document holds: a dangling one
/// breaks client generators.
#[test]
fn every_reference_resolves() {
    fn walk(v: &serde_json::Value, doc: &serde_json::Value, bad: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(map) => {
                if let Some(r) = map.get("$ref").and_then(|r| r.as_str()) {
                    let pointer = r.trim_start_matches('#');
                    if doc.pointer(pointer).is_none() {
                        bad.push(r.to_owned());
                    }
                }
                for x in map.values() {
                    walk(x, doc, bad);
                }
            }
            serde_json::Value::Array(items) => {
                for x in items {
                    walk(x, doc, bad);
                }
            }
            _ => {}
        }
    }
    let doc: serde_json::Value = serde_json::from_str(COMMITTED).unwrap();
    let mut bad = Vec::new();
    walk(&doc, &doc, &mut bad);
    assert!(bad.is_empty(), "dangling references: {bad:?}");
}

/// Every answer body an integrator reads has an example, and every
/// example names exactly the fields its schema has (all required ones
/// present, no unknown one).
#[test]
fn every_answer_body_has_a_fitting_example() {
    let doc: serde_json::Value = serde_json::from_str(COMMITTED).unwrap();
    let schemas = &doc["components"]["schemas"];
    let name_of = |r: &serde_json::Value| -> Option<String> {
        r["$ref"]
            .as_str()
            .map(|s| s.rsplit('/').next().unwrap().to_owned())
    };
    let mut checked = 0;
    let mut problems = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Some(responses) = op["responses"].as_object() else {
                continue;
            };
            for (code, r) in responses {
                if !code.starts_with('2') {
                    continue;
                }
                let Some(schema) = r["content"]["application/json"]["schema"].as_object() else {
                    continue;
                };
                let schema = serde_json::Value::Object(schema.clone());
                let target = name_of(&schema).or_else(|| name_of(&schema["items"]));
                let Some(mut name) = target else { continue };
                if name.starts_with("ListResponse_") {
                    let item = name_of(&schemas[&name]["properties"]["items"]["items"]).unwrap();
                    name = item.trim_start_matches("Item_").to_owned();
                }
                let s = &schemas[&name];
                checked += 1;
                let Some(example) = s["example"].as_object() else {
                    problems.push(format!("{method} {path} {code}: {name} has no example"));
                    continue;
                };
                let props = s["properties"].as_object().cloned().unwrap_or_default();
                for k in example.keys() {
                    if !props.contains_key(k) && s["allOf"].is_null() {
                        problems.push(format!("{name}: example field `{k}` is not in the schema"));
                    }
                }
                for r in s["required"].as_array().into_iter().flatten() {
                    if !example.contains_key(r.as_str().unwrap()) {
                        problems.push(format!("{name}: example lacks required `{r}`"));
                    }
                }
            }
        }
    }
    problems.sort();
    problems.dedup();
    assert!(checked > 100);
    assert!(problems.is_empty(), "{problems:#?}");
}
