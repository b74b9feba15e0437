//! The methods each path supports, read from the OpenAPI document, so that
//! a 405 can carry a truthful `Allow` header.

#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Lit(String),
    Param,
}

#[derive(Debug, Default)]
pub struct RouteTable {
    routes: Vec<(Vec<Seg>, Vec<String>)>,
}

fn segments(path: &str) -> Vec<Seg> {
    path.trim_matches('/')
        .split('/')
        .map(|s| {
            if s.starts_with('{') && s.ends_with('}') {
                Seg::Param
            } else {
                Seg::Lit(s.to_owned())
            }
        })
        .collect()
}

impl RouteTable {
    /// Reads the paths and methods of an OpenAPI document, plus the
    /// routes that are not part of the API contract.
    pub fn from_openapi(doc: &str) -> Self {
        let mut t = RouteTable::default();
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(doc)
            && let Some(paths) = v.get("paths").and_then(|p| p.as_object())
        {
            for (path, item) in paths {
                let methods: Vec<String> = [
                    "get", "put", "post", "delete", "options", "head", "patch", "trace",
                ]
                .iter()
                .filter(|m| item.get(**m).is_some())
                .map(|m| m.to_ascii_uppercase())
                .collect();
                t.routes.push((segments(path), methods));
            }
        }
        for p in [
            "/healthz",
            "/readyz",
            "/api/v1/openapi.json",
            "/docs",
            "/docs/{file}",
        ] {
            t.routes.push((segments(p), vec!["GET".into()]));
        }
        t
    }

    /// The `Allow` value for a concrete path: the methods of the first
    /// template it matches, literal segments preferred.
    pub fn allow(&self, path: &str) -> String {
        let want: Vec<&str> = path.trim_matches('/').split('/').collect();
        let mut best: Option<(usize, &Vec<String>)> = None;
        for (segs, methods) in &self.routes {
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
            });
            if fits && best.is_none_or(|(n, _)| literal > n) {
                best = Some((literal, methods));
            }
        }
        best.map(|(_, m)| m.join(", ")).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_prefers_literal_segments() {
        let doc = r#"{"paths": {
            "/api/v1/units": {"get": {}, "post": {}},
            "/api/v1/units/{id}": {"get": {}, "patch": {}, "delete": {}},
            "/api/v1/auth/login": {"post": {}}
        }}"#;
        let t = RouteTable::from_openapi(doc);
        assert_eq!(t.allow("/api/v1/units"), "GET, POST");
        assert_eq!(t.allow("/api/v1/units/abc"), "GET, DELETE, PATCH");
        assert_eq!(t.allow("/api/v1/auth/login"), "POST");
        assert_eq!(t.allow("/healthz"), "GET");
        assert_eq!(t.allow("/nowhere"), "");
    }
}
