//! The methods each path supports, read from the OpenAPI document, so that
//! a 405 can carry a truthful `Allow` header.

#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Lit(String),
    Param,
    /// A parameter with literal text around it, as in `export.{format}`.
    Mixed(String, String),
}

/// One method of a path, and whether it serves callers without a token.
#[derive(Debug, Clone)]
struct Op {
    method: String,
    anonymous: bool,
}

#[derive(Debug, Default)]
pub struct RouteTable {
    routes: Vec<(Vec<Seg>, Vec<Op>)>,
}

fn segments(path: &str) -> Vec<Seg> {
    path.trim_matches('/')
        .split('/')
        .map(|s| {
            if s.starts_with('{') && s.ends_with('}') {
                Seg::Param
            } else if let (Some(open), Some(close)) = (s.find('{'), s.rfind('}')) {
                Seg::Mixed(s[..open].to_owned(), s[close + 1..].to_owned())
            } else {
                Seg::Lit(s.to_owned())
            }
        })
        .collect()
}

impl RouteTable {
    /// Reads the paths, methods and security of an OpenAPI document, plus
    /// the routes that are not part of the API contract.
    pub fn from_openapi(doc: &str) -> Self {
        let mut t = RouteTable::default();
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(doc)
            && let Some(paths) = v.get("paths").and_then(|p| p.as_object())
        {
            for (path, item) in paths {
                let mut ops = Vec::new();
                for m in [
                    "get", "put", "post", "delete", "options", "head", "patch", "trace",
                ] {
                    let Some(op) = item.get(m) else { continue };
                    // An operation without `security`, with none listed
                    // (`[]`), or with an empty requirement among its
                    // alternatives, serves anyone.
                    let anonymous = match op.get("security").and_then(|s| s.as_array()) {
                        None => true,
                        Some(reqs) => {
                            reqs.is_empty()
                                || reqs
                                    .iter()
                                    .any(|r| r.as_object().is_some_and(|o| o.is_empty()))
                        }
                    };
                    ops.push(Op {
                        method: m.to_ascii_uppercase(),
                        anonymous,
                    });
                    if m == "get" {
                        ops.push(Op {
                            method: "HEAD".into(),
                            anonymous,
                        });
                    }
                }
                t.routes.push((segments(path), ops));
            }
        }
        for p in [
            "/healthz",
            "/readyz",
            "/api/v1/openapi.json",
            "/docs",
            "/docs/{file}",
        ] {
            let ops = ["GET", "HEAD"]
                .iter()
                .map(|m| Op {
                    method: (*m).into(),
                    anonymous: true,
                })
                .collect();
            t.routes.push((segments(p), ops));
        }
        t
    }

    fn find(&self, path: &str) -> Option<&Vec<Op>> {
        let want: Vec<&str> = path.trim_matches('/').split('/').collect();
        let mut best: Option<(usize, &Vec<Op>)> = None;
        for (segs, ops) in &self.routes {
            if segs.len() != want.len() {
                continue;
            }
            let mut literal = 0;
            let fits = segs.iter().zip(&want).all(|(s, w)| match s {
                Seg::Lit(l) => {
                    literal += 1;
                    l == w
                }
                Seg::Param => !w.is_empty(),
                // As specific as a literal: `export.csv` is the export,
                // not a record whose id is `export.csv`.
                Seg::Mixed(prefix, suffix) => {
                    literal += 1;
                    w.len() > prefix.len() + suffix.len()
                        && w.starts_with(prefix.as_str())
                        && w.ends_with(suffix.as_str())
                }
            });
            if fits && best.is_none_or(|(n, _)| literal > n) {
                best = Some((literal, ops));
            }
        }
        best.map(|(_, ops)| ops)
    }

    /// Whether the operation at `method` and `path` needs a signed-in caller.
    pub fn requires_auth(&self, method: &str, path: &str) -> bool {
        self.find(path)
            .and_then(|ops| ops.iter().find(|o| o.method == method))
            .is_some_and(|o| !o.anonymous)
    }

    /// The `Allow` value for a concrete path: the methods of the template it
    /// matches best (literal segments preferred).
    pub fn allow(&self, path: &str) -> String {
        self.find(path)
            .map(|ops| {
                ops.iter()
                    .map(|o| o.method.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_prefers_literal_segments() {
        let doc = r#"{"paths": {
            "/api/v1/units": {"get": {"security": [{"bearer": []}]}, "post": {"security": [{"bearer": []}]}},
            "/api/v1/units/{id}": {"get": {}, "patch": {}, "delete": {}},
            "/api/v1/units/export.{format}": {"get": {}},
            "/api/v1/deputies": {"get": {"security": [{}, {"bearer": []}]}},
            "/api/v1/auth/login": {"post": {"security": []}}
        }}"#;
        let t = RouteTable::from_openapi(doc);
        assert_eq!(t.allow("/api/v1/units"), "GET, HEAD, POST");
        assert_eq!(t.allow("/api/v1/units/abc"), "GET, HEAD, DELETE, PATCH");
        assert_eq!(t.allow("/api/v1/units/export.csv"), "GET, HEAD");
        assert_eq!(t.allow("/api/v1/units/export."), "GET, HEAD, DELETE, PATCH");
        assert_eq!(t.allow("/api/v1/auth/login"), "POST");
        assert_eq!(t.allow("/healthz"), "GET, HEAD");
        assert_eq!(t.allow("/nowhere"), "");
        assert!(t.requires_auth("POST", "/api/v1/units"));
        assert!(t.requires_auth("HEAD", "/api/v1/units"));
        assert!(!t.requires_auth("GET", "/api/v1/deputies"));
        assert!(!t.requires_auth("POST", "/api/v1/auth/login"));
        assert!(!t.requires_auth("GET", "/healthz"));
    }
}
