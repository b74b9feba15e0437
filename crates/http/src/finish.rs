//! The last pass over the OpenAPI document, on its JSON form: what the
//! derived document cannot state and code generators need. List items
//! refer to their resource, with tombstones told apart by a
//! discriminator; file bodies are binary strings; operations a service
//! client may call name the OAuth 2.0 scope they need; every problem
//! answer has an example of its own status; the webhook deliveries are
//! described; and no schema is left that nothing refers to.

use serde_json::{Map, Value, json};

/// Applies every pass, in order.
pub(crate) fn finish(doc: &mut Value) {
    list_items(doc);
    closed_sets(doc);
    enum_labels(doc);
    chinese_texts(doc);
    binary_bodies(doc);
    security(doc);
    problem_examples(doc);
    webhooks(doc);
    prune_unused(doc);
}

fn schemas(doc: &mut Value) -> Option<&mut Map<String, Value>> {
    doc.pointer_mut("/components/schemas")?.as_object_mut()
}

/// Every operation of the document, with its path and method.
fn operations(doc: &mut Value) -> impl Iterator<Item = (String, String, &mut Map<String, Value>)> {
    doc.get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|paths| paths.iter_mut())
        .flat_map(|(path, item)| {
            item.as_object_mut()
                .into_iter()
                .flat_map(|methods| methods.iter_mut())
                .filter_map(move |(method, op)| {
                    let op = op.as_object_mut()?;
                    Some((path.clone(), method.to_ascii_uppercase(), op))
                })
        })
}

const TOMBSTONE: &str = "#/components/schemas/Tombstone";

/// A list's item `Item_X` is derived as `oneOf` of X written out in full
/// and the tombstone, so that X itself is never referred to and each
/// generator makes a class of its own for the copy. Here X keeps its
/// name, `ListedX` is X with `"deleted": false` (as a live object stands
/// in a list), and the item is one of `ListedX` and the tombstone, told
/// apart by `deleted`, a required constant in both: `false` or `true`.
/// A `discriminator` keyword cannot say that: its values are strings,
/// and generators that read it type `deleted` as the string `"false"`.
fn list_items(doc: &mut Value) {
    let Some(schemas) = schemas(doc) else { return };
    let items: Vec<String> = schemas
        .keys()
        .filter(|k| k.starts_with("Item_"))
        .cloned()
        .collect();
    for name in items {
        let resource = name["Item_".len()..].to_owned();
        let Some(Value::Array(one_of)) = schemas.get_mut(&name).and_then(|s| s.get_mut("oneOf"))
        else {
            continue;
        };
        let Some(inline) = one_of.first().cloned() else {
            continue;
        };
        if inline.get("$ref").is_none() {
            schemas.entry(resource.clone()).or_insert(inline);
        }
        let listed = format!("Listed{resource}");
        schemas.insert(
            listed.clone(),
            json!({
                "description": "列表中未删除的对象：对象本身，另有 `\"deleted\": false`。\n\n\
A live object as a list shows it: the object, with `\"deleted\": false`.",
                "allOf": [
                    { "$ref": format!("#/components/schemas/{resource}") },
                    {
                        "type": "object",
                        "required": ["deleted"],
                        "properties": {
                            "deleted": {
                                "type": "boolean",
                                "const": false,
                                "description": "恒为 `false`：未删除。\n\nAlways `false`: a live object."
                            }
                        }
                    }
                ]
            }),
        );
        let reference = format!("#/components/schemas/{listed}");
        schemas.insert(
            name,
            json!({
                "description": "列表中的一项：对象本身，或同步时已删除对象的墓碑，以 `deleted` 区分。\n\n\
An item of a list: the object itself, or when synchronising the tombstone of a deleted one, told apart by `deleted`.",
                "oneOf": [{ "$ref": reference }, { "$ref": TOMBSTONE }],
            }),
        );
    }
    if let Some(deleted) = schemas
        .get_mut("Tombstone")
        .and_then(|t| t.pointer_mut("/properties/deleted"))
    {
        *deleted = json!({
            "type": "boolean",
            "const": true,
            "description": "恒为 `true`。\n\nAlways `true`.",
        });
    }
}

/// A string field declared with a pattern that lists its values
/// (`^(pending|confirmed)$`) is a closed set: it becomes an `enum`, which
/// generators turn into a type of their own.
fn closed_sets(doc: &mut Value) {
    fn values(pattern: &str) -> Option<Vec<Value>> {
        let inner = pattern.strip_prefix("^(")?.strip_suffix(")$")?;
        let words: Vec<&str> = inner.split('|').collect();
        let plain =
            |w: &&str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
        (words.len() > 1 && words.iter().all(plain)).then(|| {
            words
                .into_iter()
                .map(|w| Value::String(w.to_owned()))
                .collect()
        })
    }
    fn walk(v: &mut Value) {
        match v {
            Value::Object(m) => {
                if m.get("type") == Some(&json!("string"))
                    && let Some(list) = m.get("pattern").and_then(Value::as_str).and_then(values)
                {
                    m.remove("pattern");
                    m.insert("enum".into(), Value::Array(list));
                }
                m.values_mut().for_each(walk);
            }
            Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(doc);
}

/// Each value of an enumeration gets its label, Chinese then English, as
/// generators read them (`x-enum-descriptions`, in the order of `enum`)
/// and as Redoc shows them (`x-enumDescriptions`, by value).
fn enum_labels(doc: &mut Value) {
    let Some(schemas) = schemas(doc) else { return };
    for (name, labels) in crate::enum_labels::all() {
        let Some(schema) = schemas.get_mut(*name) else {
            continue;
        };
        let Some(values) = schema.get("enum").and_then(Value::as_array) else {
            continue;
        };
        let label = |v: &Value| {
            labels
                .iter()
                .find(|(value, _, _)| v.as_str() == Some(*value))
                .map(|(_, zh, en)| format!("{zh} · {en}"))
        };
        let list: Vec<Value> = values
            .iter()
            .map(|v| label(v).map_or(Value::Null, Value::String))
            .collect();
        let by_value: Map<String, Value> = values
            .iter()
            .filter_map(|v| Some((v.as_str()?.to_owned(), Value::String(label(v)?))))
            .collect();
        schema["x-enum-descriptions"] = Value::Array(list);
        schema["x-enumDescriptions"] = Value::Object(by_value);
    }
}

/// A text of the document with its Chinese before it: `中文 · English`
/// when short, else the Chinese paragraph then the English one.
fn bilingual(en: &str) -> Option<String> {
    let zh = crate::doc_texts::chinese(en)?;
    Some(if en.contains('\n') || en.chars().count() > 80 {
        format!("{zh}\n\n{en}")
    } else {
        format!("{zh} · {en}")
    })
}

/// Puts the Chinese before the English description of each answer,
/// parameter and header (the operations' own texts are written in both
/// languages where they are declared).
fn chinese_texts(doc: &mut Value) {
    fn describe(v: &mut Value) {
        if let Some(en) = v.get("description").and_then(Value::as_str)
            && let Some(both) = bilingual(en)
        {
            v["description"] = Value::String(both);
        }
    }
    fn answer(r: &mut Value) {
        describe(r);
        if let Some(headers) = r.get_mut("headers").and_then(Value::as_object_mut) {
            headers.values_mut().for_each(describe);
        }
    }
    for (_, _, op) in operations(doc) {
        if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
            responses.values_mut().for_each(answer);
        }
        if let Some(Value::Array(params)) = op.get_mut("parameters") {
            params.iter_mut().for_each(describe);
        }
        if let Some(body) = op.get_mut("requestBody") {
            describe(body);
        }
    }
    if let Some(responses) = doc
        .pointer_mut("/components/responses")
        .and_then(Value::as_object_mut)
    {
        responses.values_mut().for_each(answer);
    }
}

/// Whether a schema is the derived form of a byte vector.
fn is_bytes(schema: &Value) -> bool {
    schema.get("type") == Some(&json!("array"))
        && schema.pointer("/items/type") == Some(&json!("integer"))
        && schema.pointer("/items/format") == Some(&json!("u-int8"))
}

/// The schema of a body that is a file: a binary string of its type.
fn binary(content_type: &str) -> Value {
    json!({ "type": "string", "format": "binary", "contentMediaType": content_type })
}

/// File bodies, derived as arrays of bytes or as plain strings, become
/// binary strings of their media type, which generators read as files;
/// a file that a request sends may also come as
/// `application/octet-stream`, the one type every generator sends.
fn binary_bodies(doc: &mut Value) {
    for (_, _, op) in operations(doc) {
        if let Some(content) = op
            .get_mut("requestBody")
            .and_then(|b| b.get_mut("content"))
            .and_then(Value::as_object_mut)
        {
            let mut file = false;
            for (ct, media) in content.iter_mut() {
                if ct.contains("json") || ct.starts_with("multipart/") || ct.contains("urlencoded")
                {
                    continue;
                }
                if let Some(schema) = media.get_mut("schema") {
                    *schema = binary(ct);
                    file = true;
                }
            }
            if file {
                content.insert(
                    "application/octet-stream".into(),
                    json!({ "schema": binary("application/octet-stream") }),
                );
            }
        }
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            continue;
        };
        for response in responses.values_mut() {
            let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) else {
                continue;
            };
            for (ct, media) in content.iter_mut() {
                let Some(schema) = media.get_mut("schema") else {
                    continue;
                };
                if is_bytes(schema) {
                    *schema = binary(ct);
                } else if ct == "text/csv" {
                    schema["contentMediaType"] = json!("text/csv");
                }
            }
        }
    }
}

/// What each scope opens, in both languages.
fn scope_text(scope: renda_domain::integration::Scope) -> &'static str {
    use renda_domain::integration::Scope;
    match scope {
        Scope::SuggestionsRead => {
            "读取、导出建议及其记录与统计 · List and read suggestions, their records and figures, and export them"
        }
        Scope::SuggestionsReply => {
            "承办单位办理建议：答复、协办意见、请示、承诺进展、附件 · A unit's work on a suggestion: reply, co-unit opinion, requests, commitment progress, attachments"
        }
        Scope::DeputiesRead => "读取代表 · List and read deputies",
        Scope::UnitsRead => "读取承办单位 · List and read handling units",
        Scope::SupervisionsRead => {
            "读取监督事项及其记录 · List and read supervision items and their records"
        }
        Scope::SupervisionsReport => {
            "被监督单位报送整改情况 · A supervised body's rectification reports"
        }
        Scope::WebhooksManage => {
            "管理本客户端的 Webhook 订阅并查看投递 · Manage the client's own webhook subscriptions and read their deliveries"
        }
    }
}

/// Sign-in and refresh need no credentials (`security: []`); service
/// clients are described as OAuth 2.0 client credentials with scopes, and
/// each operation a client may call names the scope it needs beside the
/// bearer token of a person.
fn security(doc: &mut Value) {
    use renda_domain::integration::Scope;
    let scopes: Map<String, Value> = Scope::ALL
        .iter()
        .map(|s| (s.as_str().to_owned(), json!(scope_text(*s))))
        .collect();
    if let Some(schemes) = doc
        .pointer_mut("/components/securitySchemes")
        .and_then(Value::as_object_mut)
    {
        schemes.insert(
            "oauth2".into(),
            json!({
                "type": "oauth2",
                "description": "服务客户端（OA 系统等）以 OAuth 2.0 客户端凭据换取访问令牌，令牌只能调用其范围（scope）所及的操作。\n\n\
A service client (an OA system) exchanges its client credentials for an access token; the token reaches only the operations its scopes open.",
                "flows": {
                    "clientCredentials": {
                        "tokenUrl": "/api/v1/auth/token",
                        "scopes": scopes,
                    }
                }
            }),
        );
    }
    for (path, method, op) in operations(doc) {
        if path == "/api/v1/auth/login" || path == "/api/v1/auth/refresh" {
            op.insert("security".into(), json!([]));
            continue;
        }
        let Some(scope) = renda_auth::scope::required_scope(&method, &path) else {
            continue;
        };
        if let Some(Value::Array(reqs)) = op.get_mut("security")
            && reqs.iter().any(|r| r.get("bearer").is_some())
        {
            reqs.push(json!({ "oauth2": [scope.as_str()] }));
        }
    }
}

/// Each problem answer written beside its operation shows an example of
/// its own status (the schema's example is a 422).
fn problem_examples(doc: &mut Value) {
    for (_, _, op) in operations(doc) {
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            continue;
        };
        for (status, response) in responses.iter_mut() {
            let Some(media) = response.pointer_mut("/content/application~1problem+json") else {
                continue;
            };
            if media.get("example").is_some() || media.get("examples").is_some() {
                continue;
            }
            if let Some(example) = status
                .parse()
                .ok()
                .and_then(crate::common_answers::example_for_status)
            {
                media["example"] = example;
            }
        }
    }
}

/// The deliveries a webhook subscription receives, one entry per kind of
/// object, with the envelope and the signature header.
fn webhooks(doc: &mut Value) {
    if let Some(schemas) = schemas(doc) {
        schemas.insert("WebhookEvent".into(), webhook_event_schema());
    }
    let mut hooks = Map::new();
    for object in renda_domain::integration::EVENT_OBJECTS {
        let (zh, en, actions) = match *object {
            "suggestion" => (
                "代表建议",
                "a suggestion",
                "submitted, registered, not_registered, assigned, replied, became_overdue, evaluated, rehandling, closed, published, …",
            ),
            "supervision" => (
                "监督事项",
                "a supervision item",
                "created, investigation_started, deliberation_started, opinion_issued, rectification_started, reported, evaluation_concluded, closed, …",
            ),
            "livelihood_round" => (
                "民生实事票决轮次",
                "a livelihood voting round",
                "opened, voting_opened, voting_closed, tie_broken, decided, …",
            ),
            "opinion" => (
                "群众意见",
                "a constituent opinion",
                "received, taken_up, answered, forwarded, unit_replied, …",
            ),
            "motion" => (
                "议案",
                "a motion",
                "submitted, registered, put_on_agenda, handled_as_suggestion, not_accepted, reported, …",
            ),
            _ => continue,
        };
        hooks.insert(
            format!("{object}.*"),
            json!({
                "post": {
                    "operationId": format!("{}_event", object),
                    "security": [],
                    "summary": format!("{zh}事件 · An event of {en}"),
                    "description": format!(
                        "{zh}发生变化时，renda 向订阅了 `{object}.<动作>`（或 `{object}.*`、`*`）的 URL 发送 POST，每个对象的事件按序、至少送达一次；\
接收方以 2xx 应答即为送达，否则 10 秒、20 秒、40 秒……（间隔至多一小时）重试 48 小时。请先用 `Renda-Signature` 验证签名，并以 `Renda-Event-Id` 去重。\n\n\
When {en} changes, renda POSTs the event to each URL subscribed to `{object}.<action>` (or `{object}.*`, `*`), in order per object and at least once. \
A 2xx answer ends the delivery; otherwise it is retried after 10 s, 20 s, 40 s … (at most an hour apart) for 48 hours. \
Verify `Renda-Signature` first and drop duplicates by `Renda-Event-Id`. Actions include: {actions}."
                    ),
                    "parameters": [
                        {
                            "name": "Renda-Signature",
                            "in": "header",
                            "required": true,
                            "description": "`t=<Unix 秒>,v1=<十六进制 HMAC-SHA256>`，以订阅的密钥对 `<t>.<请求体>` 计算；请拒绝过旧的 `t`。\n\n\
`t=<unix seconds>,v1=<hex HMAC-SHA256>` of `<t>.<body>` with the subscription's secret; refuse an old `t`.",
                            "schema": { "type": "string", "pattern": "^t=[0-9]+,v1=[0-9a-f]{64}$" }
                        },
                        {
                            "name": "Renda-Event-Id",
                            "in": "header",
                            "required": true,
                            "description": "事件标识，同请求体的 `id`。\n\nThe event's id, as the body's `id`.",
                            "schema": { "type": "string", "format": "uuid" }
                        }
                    ],
                    "requestBody": {
                        "required": true,
                        "content": {
                            "application/json": {
                                "schema": { "$ref": "#/components/schemas/WebhookEvent" }
                            }
                        }
                    },
                    "responses": {
                        "2XX": { "description": "已收到 · Received" }
                    }
                }
            }),
        );
    }
    doc["webhooks"] = Value::Object(hooks);
}

fn webhook_event_schema() -> Value {
    let objects = renda_domain::integration::EVENT_OBJECTS;
    json!({
        "type": "object",
        "description": "一次 Webhook 投递的请求体。事件不含个人信息，需要更多内容时请通过 API 读取对象。\n\n\
    The body of a webhook delivery. Events carry no personal data; read the object through the API for more.",
        "required": ["id", "type", "occurred_at", "object", "data"],
        "properties": {
            "id": { "type": "string", "format": "uuid", "description": "事件标识 · The event's id" },
            "type": {
                "type": "string",
                "pattern": format!("^({})\\.[a-z_]+$", objects.join("|")),
                "description": "`<对象>.<动作>` · `<object>.<action>`",
                "examples": ["suggestion.replied"]
            },
            "occurred_at": { "type": "string", "format": "date-time", "description": "发生时间 · When it happened" },
            "object": {
                "type": "object",
                "description": "事件所涉对象：类型、标识与该对象事件的序号 · The object the event is about: its kind, id and the event's place among its events",
                "required": ["type", "id", "seq"],
                "properties": {
                    "type": { "type": "string", "enum": objects },
                    "id": { "type": "string", "format": "uuid" },
                    "seq": { "type": "integer", "format": "int64", "minimum": 1, "description": "该对象事件的序号：1、2、3…… · The event's place among its object's events: 1, 2, 3…" }
                }
            },
            "data": {
                "type": "object",
                "additionalProperties": true,
                "description": "变化的要点，如状态前后、编号、承办单位、期限。\n\nThe change's particulars: the state before and after, the number, the unit, the deadline."
            }
        },
        "example": {
            "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4f30",
            "type": "suggestion.replied",
            "occurred_at": "2026-11-27T08:00:00Z",
            "object": { "type": "suggestion", "id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e90", "seq": 5 },
            "data": { "number": "2026-0042", "from_status": "assigned", "status": "replied", "lead_unit_id": "01936d3e-8a4b-7c2d-9e1f-0a1b2c3d4e10", "deadline": "2026-12-27" }
        }
    })
}

/// Every `$ref` target in a value.
fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "$ref"
                    && let Some(r) = x.as_str()
                {
                    out.push(r.to_owned());
                } else {
                    collect_refs(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_refs(x, out)),
        _ => {}
    }
}

/// Removes the component schemas that nothing refers to, directly or
/// through another schema.
fn prune_unused(doc: &mut Value) {
    use std::collections::BTreeSet;
    let prefix = "#/components/schemas/";
    let mut roots = Vec::new();
    for key in ["paths", "webhooks"] {
        if let Some(v) = doc.get(key) {
            collect_refs(v, &mut roots);
        }
    }
    for key in ["responses", "parameters", "requestBodies"] {
        if let Some(v) = doc.pointer(&format!("/components/{key}")) {
            collect_refs(v, &mut roots);
        }
    }
    let Some(all) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return;
    };
    let mut used = BTreeSet::new();
    let mut todo: Vec<String> = roots
        .into_iter()
        .filter_map(|r| r.strip_prefix(prefix).map(str::to_owned))
        .collect();
    while let Some(name) = todo.pop() {
        if !used.insert(name.clone()) {
            continue;
        }
        if let Some(s) = all.get(&name) {
            let mut refs = Vec::new();
            collect_refs(s, &mut refs);
            todo.extend(
                refs.into_iter()
                    .filter_map(|r| r.strip_prefix(prefix).map(str::to_owned)),
            );
        }
    }
    if let Some(schemas) = schemas(doc) {
        schemas.retain(|name, _| used.contains(name));
    }
}
