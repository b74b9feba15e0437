//! The document as code generators and linters read it: what broke or
//! misled generated clients stays fixed. CI also runs the linters and
//! the generators themselves on the served document.

use serde_json::{Value, json};

const COMMITTED: &str = include_str!("../../openapi/openapi.json");

fn doc() -> Value {
    serde_json::from_str(COMMITTED).unwrap()
}

/// Every operation, as (path, method, operation).
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            out.push((path.clone(), method.clone(), op.clone()));
        }
    }
    out
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

fn has_english(s: &str) -> bool {
    s.split(|c: char| !c.is_ascii_alphabetic())
        .any(|w| w.len() >= 3)
}

/// Each operation has a short summary, Chinese first with English, and a
/// description in both languages; so has each tag.
#[test]
fn summaries_are_short_and_in_both_languages() {
    let doc = doc();
    let mut bad = Vec::new();
    for (path, method, op) in operations(&doc) {
        let summary = op["summary"].as_str().unwrap_or_default();
        let description = op["description"].as_str().unwrap_or_default();
        let first_chinese = summary
            .find(|c: char| has_chinese(&c.to_string()))
            .unwrap_or(usize::MAX);
        let first_latin = summary
            .find(|c: char| c.is_ascii_alphabetic())
            .unwrap_or(usize::MAX);
        if summary.chars().count() > 80
            || summary.contains('\n')
            || !has_chinese(summary)
            || !has_english(summary)
            || first_chinese > first_latin
            || !has_chinese(description)
            || !has_english(description)
        {
            bad.push(format!("{method} {path}: {summary:?}"));
        }
    }
    assert!(bad.is_empty(), "{} operations: {bad:#?}", bad.len());
    for tag in doc["tags"].as_array().unwrap() {
        let text = tag["description"].as_str().unwrap();
        assert!(has_chinese(text) && has_english(text), "{tag}");
    }
}

/// A list's item refers to its resource; where tombstones can stand
/// beside live objects, `deleted` (`false` or `true`) tells them apart.
#[test]
fn list_items_refer_to_their_resource_and_tombstones_are_told_apart() {
    let doc = doc();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let page = &schemas["ListResponse_SuggestionResponse"];
    let item = &schemas[page["properties"]["items"]["items"]["$ref"]
        .as_str()
        .unwrap()
        .trim_start_matches("#/components/schemas/")];
    assert_eq!(
        item["oneOf"],
        json!([
            {"$ref": "#/components/schemas/ListedSuggestionResponse"},
            {"$ref": "#/components/schemas/Tombstone"}
        ])
    );
    // `deleted` is a required constant in both, which is what tells them
    // apart (a discriminator's values would be strings).
    assert!(item.get("discriminator").is_none());
    let listed = &schemas["ListedSuggestionResponse"];
    assert_eq!(
        listed["allOf"][0]["$ref"],
        "#/components/schemas/SuggestionResponse"
    );
    assert_eq!(listed["allOf"][1]["required"], json!(["deleted"]));
    assert_eq!(
        listed["allOf"][1]["properties"]["deleted"]["const"],
        json!(false)
    );
    assert_eq!(
        schemas["Tombstone"]["properties"]["deleted"]["const"],
        json!(true)
    );
    assert!(
        schemas["Tombstone"]["required"]
            .as_array()
            .unwrap()
            .contains(&json!("deleted"))
    );
    // No item writes out an object of its own.
    for (name, s) in schemas.iter().filter(|(n, _)| n.starts_with("Item_")) {
        for x in s["oneOf"].as_array().unwrap() {
            assert!(x.get("$ref").is_some(), "{name} writes out {x}");
        }
    }
}

/// Every `$ref` string in a value.
fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => refs(x, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

/// Every schema is used by an operation or a webhook, at least through
/// another schema.
#[test]
fn no_schema_is_unused() {
    let doc = doc();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let mut todo = Vec::new();
    refs(&doc["paths"], &mut todo);
    refs(&doc["webhooks"], &mut todo);
    refs(&doc["components"]["responses"], &mut todo);
    let mut used = std::collections::BTreeSet::new();
    while let Some(r) = todo.pop() {
        let Some(name) = r.strip_prefix("#/components/schemas/") else {
            continue;
        };
        if used.insert(name.to_owned()) {
            refs(&schemas[name], &mut todo);
        }
    }
    let unused: Vec<&String> = schemas.keys().filter(|k| !used.contains(*k)).collect();
    assert!(unused.is_empty(), "unused schemas: {unused:?}");
}

/// Files are binary strings of their type, and a file a request sends
/// may come as `application/octet-stream`.
#[test]
fn files_are_binary_strings() {
    assert!(
        !COMMITTED.contains("u-int8"),
        "a body is still an array of bytes"
    );
    let doc = doc();
    let import = &doc["paths"]["/api/v1/units/import"]["post"]["requestBody"]["content"];
    for media in [
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/octet-stream",
    ] {
        assert_eq!(import[media]["schema"]["format"], "binary", "{media}");
        assert_eq!(import[media]["schema"]["contentMediaType"], media);
    }
    let export = &doc["paths"]["/api/v1/suggestions/export.{format}"]["get"]["responses"]["200"]["content"]
        ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"];
    assert_eq!(export["schema"]["format"], "binary");
}

/// Sign-in needs no credentials; service clients are OAuth 2.0 client
/// credentials, and each operation a client may call names its scope.
#[test]
fn security_names_what_each_caller_needs() {
    let doc = doc();
    for path in ["/api/v1/auth/login", "/api/v1/auth/refresh"] {
        assert_eq!(doc["paths"][path]["post"]["security"], json!([]), "{path}");
    }
    let flow = &doc["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"];
    assert_eq!(flow["tokenUrl"], "/api/v1/auth/token");
    assert!(flow["scopes"]["suggestions:reply"].is_string());
    let scopes_of = |path: &str, method: &str| -> Vec<Value> {
        doc["paths"][path][method]["security"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r.get("oauth2").cloned())
            .collect()
    };
    assert_eq!(
        scopes_of("/api/v1/suggestions", "get"),
        [json!(["suggestions:read"])]
    );
    assert_eq!(
        scopes_of("/api/v1/suggestions/{id}/reply", "post"),
        [json!(["suggestions:reply"])]
    );
    assert_eq!(
        scopes_of("/api/v1/webhooks", "post"),
        [json!(["webhooks:manage"])]
    );
    // The office's own operations are closed to clients.
    assert!(scopes_of("/api/v1/suggestions/{id}/assign", "post").is_empty());
    assert!(scopes_of("/api/v1/users", "get").is_empty());
}

/// The webhook deliveries are described, with the signature header.
#[test]
fn webhook_deliveries_are_described() {
    let doc = doc();
    let hooks = doc["webhooks"].as_object().unwrap();
    for object in [
        "suggestion",
        "supervision",
        "livelihood_round",
        "opinion",
        "motion",
    ] {
        let post = &hooks[&format!("{object}.*")]["post"];
        assert_eq!(
            post["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/WebhookEvent"
        );
        assert!(
            post["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["name"] == "Renda-Signature" && p["in"] == "header"),
            "{object}"
        );
    }
}

/// A problem answer written beside its operation shows an example of its
/// own status, not the 422 of the schema.
#[test]
fn each_problem_answer_shows_its_own_status() {
    let doc = doc();
    let mut bad = Vec::new();
    for (path, method, op) in operations(&doc) {
        for (status, answer) in op["responses"].as_object().unwrap() {
            let Some(media) = answer["content"].get("application/problem+json") else {
                continue;
            };
            if media["example"]["status"].as_u64().map(|s| s.to_string()) != Some(status.clone()) {
                bad.push(format!("{method} {path} {status}"));
            }
        }
    }
    assert!(bad.is_empty(), "{bad:?}");
}

/// No two paths can name the same request: a literal segment of one never
/// stands where the other has a parameter.
#[test]
fn no_two_paths_are_ambiguous() {
    let doc = doc();
    let paths: Vec<Vec<&str>> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(|p| p.split('/').collect())
        .collect();
    let templated = |s: &str| s.starts_with('{') && s.ends_with('}') && s.matches('{').count() == 1;
    let literal = |s: &str| !s.contains('{');
    let mut bad = Vec::new();
    for (i, a) in paths.iter().enumerate() {
        for b in &paths[i + 1..] {
            if a.len() == b.len()
                && a != b
                && a.iter().zip(b).all(|(x, y)| {
                    x == y || (templated(x) && literal(y)) || (literal(x) && templated(y))
                })
                && a.iter().zip(b).any(|(x, y)| templated(x) != templated(y))
            {
                bad.push(format!("{} ~ {}", a.join("/"), b.join("/")));
            }
        }
    }
    // A literal beside a parameter at one place only is how collections
    // and their members are named (`/suggestions/stats`, `/suggestions/{id}`),
    // and the router takes the literal first. Two such places are the
    // ambiguity the linters refuse.
    bad.retain(|pair| {
        let (a, b) = pair.split_once(" ~ ").unwrap_or_default();
        a.split('/')
            .zip(b.split('/'))
            .filter(|(x, y)| x != y)
            .count()
            > 1
    });
    assert!(bad.is_empty(), "{bad:#?}");
}

/// Every value of every enumeration has a label, Chinese then English, in
/// the order of its `enum`.
#[test]
fn every_enumeration_value_has_a_label_in_both_languages() {
    let doc = doc();
    let mut bad = Vec::new();
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        let Some(values) = schema["enum"].as_array() else {
            continue;
        };
        let labels = schema["x-enum-descriptions"].as_array();
        let Some(labels) = labels.filter(|l| l.len() == values.len()) else {
            bad.push(format!("{name}: no labels"));
            continue;
        };
        for (v, l) in values.iter().zip(labels) {
            let text = l.as_str().unwrap_or_default();
            let (zh, en) = text.split_once(" · ").unwrap_or_default();
            if !has_chinese(zh) || !en.chars().any(|c| c.is_ascii_alphanumeric()) {
                bad.push(format!("{name}.{v}: {l}"));
            }
            assert_eq!(schema["x-enumDescriptions"][v.as_str().unwrap()], *l);
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

/// Answers, parameters and headers are described Chinese first too.
#[test]
fn answers_parameters_and_headers_are_described_in_chinese() {
    let doc = doc();
    let mut bad = Vec::new();
    let mut check = |at: String, v: &Value| {
        if let Some(text) = v["description"].as_str()
            && !(has_chinese(text) && has_english(text))
        {
            bad.push(format!("{at}: {text}"));
        }
    };
    for (path, method, op) in operations(&doc) {
        for (status, answer) in op["responses"].as_object().unwrap() {
            check(format!("{method} {path} {status}"), answer);
            for (name, h) in answer["headers"].as_object().into_iter().flatten() {
                check(format!("{method} {path} {status} {name}"), h);
            }
        }
        for p in op["parameters"].as_array().into_iter().flatten() {
            check(format!("{method} {path} {}", p["name"]), p);
        }
    }
    for (name, answer) in doc["components"]["responses"].as_object().unwrap() {
        check(name.clone(), answer);
    }
    assert!(bad.is_empty(), "{} texts: {bad:#?}", bad.len());
}

/// A closed set of values is an `enum`, never a pattern listing them.
#[test]
fn closed_sets_are_enumerations() {
    let doc = doc();
    fn walk(v: &Value, at: &str, bad: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(p) = m.get("pattern").and_then(Value::as_str)
                    && p.starts_with("^(")
                    && p.ends_with(")$")
                    && p[2..p.len() - 2]
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'|')
                {
                    bad.push(format!("{at}: {p}"));
                }
                for (k, x) in m {
                    walk(x, &format!("{at}/{k}"), bad);
                }
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, at, bad)),
            _ => {}
        }
    }
    let mut bad = Vec::new();
    walk(&doc, "", &mut bad);
    assert!(bad.is_empty(), "{bad:#?}");
    assert_eq!(
        doc["components"]["schemas"]["PasswordResetResponse"]["properties"]["status"]["enum"],
        json!(["pending", "confirmed", "cancelled", "expired"])
    );
}
