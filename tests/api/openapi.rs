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

/// The directives of a Content-Security-Policy, each with its sources.
fn directives(csp: &str) -> std::collections::HashMap<String, Vec<String>> {
    csp.split(';')
        .filter_map(|d| {
            let mut words = d.split_whitespace();
            let name = words.next()?.to_ascii_lowercase();
            Some((name, words.map(str::to_owned).collect()))
        })
        .collect()
}

/// The values of `attr="…"` in an HTML page.
fn attribute_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let key = format!(" {attr}=\"");
    html.match_indices(&key)
        .filter_map(|(at, _)| html[at + key.len()..].split('"').next())
        .collect()
}

#[tokio::test]
async fn the_docs_pages_carry_a_strict_content_security_policy_their_assets_meet() {
    let app = spawn_app().await;
    let get = |path: &str| app.client.get(app.url(path)).send();
    let r = get("/docs/").await.unwrap();
    assert_eq!(r.status(), 200);
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let d = directives(&csp);
    let sources = |name: &str| -> Vec<&str> {
        d.get(name)
            .unwrap_or_else(|| panic!("no {name} in {csp}"))
            .iter()
            .map(String::as_str)
            .collect()
    };
    assert_eq!(sources("default-src"), ["'none'"], "{csp}");
    // Scripts from the page's own origin only: none inline, none built
    // from strings.
    assert_eq!(sources("script-src"), ["'self'"], "{csp}");
    assert_eq!(sources("connect-src"), ["'self'"], "{csp}");
    assert_eq!(sources("img-src"), ["'self'", "data:"], "{csp}");
    assert_eq!(sources("style-src"), ["'self'", "'unsafe-inline'"], "{csp}");
    assert_eq!(sources("frame-ancestors"), ["'none'"], "{csp}");
    assert_eq!(sources("object-src"), ["'none'"], "{csp}");
    assert_eq!(sources("base-uri"), ["'none'"], "{csp}");
    // No other origin anywhere.
    for (name, list) in &d {
        for s in list {
            assert!(
                s.starts_with('\'') || s == "data:",
                "{name} allows {s}: {csp}"
            );
        }
    }

    // Every script and stylesheet the page names comes from its own
    // path, answers with its type (nosniff holds browsers to it) and the
    // same policy; the page runs nothing inline.
    let html = r.text().await.unwrap();
    assert!(!html.contains("<style"), "an inline style element: {html}");
    let handler = html.split(" on").skip(1).any(|rest| {
        let name = rest.trim_start_matches(|c: char| c.is_ascii_alphabetic());
        name.len() < rest.len() && name.starts_with('=')
    });
    assert!(!handler, "an inline event handler: {html}");
    let script_tags: Vec<&str> = html
        .split("<script")
        .skip(1)
        .map(|rest| rest.split('>').next().unwrap_or(rest))
        .collect();
    assert!(
        script_tags.iter().all(|t| t.contains(" src=\"")),
        "an inline script: {html}"
    );
    let srcs = attribute_values(&html, "src");
    assert_eq!(srcs.len(), script_tags.len(), "{html}");
    assert!(srcs.contains(&"./swagger-initializer.js"), "{html}");
    let hrefs = attribute_values(&html, "href");
    assert!(hrefs.iter().any(|h| h.ends_with(".css")), "{html}");
    for asset in srcs.iter().chain(&hrefs) {
        assert!(
            !asset.contains(':') && !asset.starts_with("//") && !asset.starts_with('/'),
            "not under /docs/: {asset}"
        );
        let path = format!("/docs/{}", asset.trim_start_matches("./"));
        let r = get(&path).await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let kind = r.headers()["content-type"].to_str().unwrap().to_owned();
        if path.ends_with(".js") {
            assert!(kind.contains("javascript"), "{path}: {kind}");
        } else if path.ends_with(".css") {
            assert!(kind.starts_with("text/css"), "{path}: {kind}");
        }
        assert_eq!(r.headers()["content-security-policy"], csp.as_str());
        assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    }
    // The initializer names no other origin: the validator badge, which
    // would load from validator.swagger.io, is off.
    let init = get("/docs/swagger-initializer.js")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(init.contains("\"validatorUrl\": \"none\""), "{init}");
    assert!(!init.contains("http"), "{init}");
    // The redirect to the page too.
    let r = get("/docs").await.unwrap();
    assert_eq!(r.status(), 308);
    assert_eq!(r.headers()["content-security-policy"], csp.as_str());
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
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    // The HTTP crate's own types, and the domain's that the document
    // shows (their string enums all derive a schema).
    let mut files = vec![here.join("../http/src"), here.join("../domain/src")];
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
        let mut renamed: Option<String> = None;
        for line in text.lines() {
            let l = line.trim();
            if l.contains("ToSchema")
                && (l.starts_with("#[derive(") || l.starts_with("#[cfg_attr("))
            {
                pending = true;
            }
            if pending && let Some(i) = l.find("schema(as = ") {
                let rest = &l[i + "schema(as = ".len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                renamed = Some(name);
            }
            let string_enum = l.starts_with("pub enum ") && l.contains(" : \"");
            if (pending && (l.starts_with("pub struct ") || l.starts_with("pub enum ")))
                || string_enum
            {
                let own = l
                    .split_whitespace()
                    .nth(2)
                    .unwrap()
                    .trim_end_matches(['{', '<', '('])
                    .to_owned();
                names.push((renamed.take().unwrap_or(own), p.display().to_string()));
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

/// Paths that moved to end an ambiguity answer with a permanent redirect
/// to where they went, so clients written against them keep working.
#[tokio::test]
async fn moved_paths_redirect_to_their_new_place() {
    let app = spawn_app().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for (old, new) in [
        (
            "/api/v1/constituent-opinions/receipt/7KQM-3HXP-W9TD-R2VB",
            "/api/v1/constituent-opinion-receipts/7KQM-3HXP-W9TD-R2VB",
        ),
        (
            "/api/v1/suggestions/handling-report/2026.xlsx",
            "/api/v1/suggestions/handling-report.xlsx?year=2026",
        ),
    ] {
        let r = client.get(app.url(old)).send().await.unwrap();
        assert_eq!(r.status(), 308, "{old}");
        assert_eq!(r.headers()["location"], new, "{old}");
    }
    // Nothing a client sends changes the redirect's shape.
    let r = client
        .get(app.url("/api/v1/suggestions/handling-report/2026%3Fx.xlsx"))
        .send()
        .await
        .unwrap();
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with("/api/v1/suggestions/handling-report.xlsx?year=2026%3Fx"),
        "{location}"
    );
}

/// A path reaches its handler however its letters are escaped; a path no
/// route holds is a 404, even when it only differs from one by a
/// trailing slash, and a method a path lacks a 405 with `Allow`.
#[tokio::test]
async fn paths_are_routed_exactly_however_their_letters_are_escaped() {
    let app = spawn_app().await;
    let staff = app.staff().await;
    let unit = app.create_unit(&staff, "区住建局").await;
    let unit_id = unit["id"].as_str().unwrap();
    let plain = app
        .get(&format!("/api/v1/units/{unit_id}"), Some(&staff))
        .await;
    let escaped = app
        .get(&format!("/api/v1/%75nits/{unit_id}"), Some(&staff))
        .await;
    assert_eq!(escaped.ok(200), plain.ok(200));
    let me = app.get("/api/v1/%6De", Some(&staff)).await;
    assert_eq!(
        me.ok(200)["username"],
        app.get("/api/v1/me", Some(&staff)).await.ok(200)["username"]
    );
    app.get("/api/v1/no-such-area/1", Some(&staff))
        .await
        .problem(404, "not_found");
    let wrong = app
        .delete("/api/v1/suggestion-categories", Some(&staff))
        .await;
    wrong.problem(405, "method_not_allowed");
    assert!(wrong.header("allow").is_some_and(|a| a.contains("GET")));
}
