//! What a service client's token may reach. Part of the permission
//! module: a client's request passes only when the operation needs a
//! scope the token holds ([`required_scope`]), and then its role decides
//! as for a person. Operations not listed here are closed to clients.

use renda_domain::integration::Scope;

use crate::permission::{Decision, Principal};

/// The scope an operation needs, by HTTP method and route pattern
/// (`/api/v1/suggestions/{id}/reply`); `None` when no client may call it.
pub fn required_scope(method: &str, route: &str) -> Option<Scope> {
    let path = route.strip_prefix("/api/v1")?;
    let read = method == "GET" || method == "HEAD";
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match (segments.as_slice(), read) {
        (["suggestions", ..], true) => Some(Scope::SuggestionsRead),
        (
            [
                "suggestions",
                "{id}",
                "reply" | "co-unit-opinion" | "requests" | "attachments",
            ],
            false,
        )
        | (
            [
                "suggestions",
                "{id}",
                "commitments",
                "{commitment_id}",
                "progress",
            ],
            false,
        ) => (method == "POST").then_some(Scope::SuggestionsReply),
        (["deputies"] | ["deputies", "{id}"], true) => Some(Scope::DeputiesRead),
        (["units"] | ["units", "{id}"], true) => Some(Scope::UnitsRead),
        (["supervisions", ..], true) => Some(Scope::SupervisionsRead),
        (
            [
                "supervisions",
                "{id}",
                "opinions",
                "{opinion_id}",
                "reports",
            ],
            false,
        ) => (method == "POST").then_some(Scope::SupervisionsReport),
        (["webhooks", ..], _) => Some(Scope::WebhooksManage),
        _ => None,
    }
}

/// Whether a caller may call an operation at all: people always may (their
/// role decides inside), a service client only with the scope it needs.
pub fn decide_scope(principal: &Principal, method: &str, route: &str) -> Decision {
    let Some(scopes) = principal.actor().and_then(|a| a.scopes.as_ref()) else {
        return Decision::Allow;
    };
    match required_scope(method, route) {
        Some(s) if scopes.contains(s) => Decision::Allow,
        _ => Decision::Forbidden,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::permission::Actor;
    use renda_domain::id::UserId;
    use renda_domain::integration::ScopeSet;
    use renda_domain::{Role, RoleSet};
    use uuid::Uuid;

    fn client(scopes: &[Scope]) -> Principal {
        Principal::User(Actor {
            user_id: UserId::from_u128(7),
            username: "oa".into(),
            roles: RoleSet::new([Role::Unit]),
            deputy_id: None,
            unit_id: Some(Uuid::from_u128(8).into()),
            observer_id: None,
            scopes: Some(ScopeSet::new(scopes.iter().copied())),
        })
    }

    #[test]
    fn scope_table() {
        use Decision::{Allow, Forbidden};
        let reader = client(&[Scope::SuggestionsRead]);
        let replier = client(&[Scope::SuggestionsRead, Scope::SuggestionsReply]);
        #[rustfmt::skip]
        let table: &[(&Principal, &str, &str, Decision)] = &[
            (&reader, "GET", "/api/v1/suggestions", Allow),
            (&reader, "GET", "/api/v1/suggestions/{id}/timeline", Allow),
            (&reader, "POST", "/api/v1/suggestions/{id}/reply", Forbidden),
            (&replier, "POST", "/api/v1/suggestions/{id}/reply", Allow),
            (&replier, "POST", "/api/v1/suggestions/{id}/commitments/{commitment_id}/progress", Allow),
            // the office's operations stay closed whatever the scopes
            (&replier, "POST", "/api/v1/suggestions/{id}/assign", Forbidden),
            (&replier, "POST", "/api/v1/suggestions", Forbidden),
            (&replier, "PATCH", "/api/v1/suggestions/{id}", Forbidden),
            (&replier, "GET", "/api/v1/deputies", Forbidden),
            (&replier, "GET", "/api/v1/users", Forbidden),
            (&replier, "GET", "/api/v1/me", Forbidden),
            (&replier, "GET", "/api/v1/audit-events", Forbidden),
            (&replier, "GET", "/api/v1/webhooks", Forbidden),
            (&client(&[Scope::WebhooksManage]), "POST", "/api/v1/webhooks", Allow),
            (&client(&[Scope::DeputiesRead]), "GET", "/api/v1/deputies/{id}", Allow),
            (&client(&[Scope::DeputiesRead]), "GET", "/api/v1/deputies/{id}/duties", Forbidden),
            (&client(&[Scope::SupervisionsReport]), "POST", "/api/v1/supervisions/{id}/opinions/{opinion_id}/reports", Allow),
            (&client(&[Scope::SupervisionsRead]), "POST", "/api/v1/supervisions/{id}/votes", Forbidden),
            // people are not limited by scopes
            (&Principal::Anonymous, "POST", "/api/v1/suggestions", Allow),
        ];
        for (who, method, route, want) in table {
            assert_eq!(decide_scope(who, method, route), *want, "{method} {route}");
        }
    }
}
