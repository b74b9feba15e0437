//! Who the caller acts as in a livelihood round: the office, a deputy, a
//! project's unit or the public. Part of the permission module; the
//! handlers only use the answers.

use renda_domain::Role;
use renda_domain::id::{DeputyId, UserId};
use renda_domain::livelihood::CandidateSource;
use uuid::Uuid;

use crate::permission::{Action, Decision, Principal, decide};

/// Who proposes a candidate project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProposerRole {
    /// The office proposes for the government, a deputy as a deputy,
    /// anyone else as the public.
    pub source: CandidateSource,
    pub user_id: Option<UserId>,
    /// Set when a deputy proposes.
    pub deputy_id: Option<DeputyId>,
    /// Whether the proposal counts against the per-address limit of
    /// anonymous and public callers.
    pub limited: bool,
}

/// How the caller proposes a candidate.
pub fn proposer(principal: &Principal) -> ProposerRole {
    let actor = principal.actor();
    let staff = decide(principal, Action::ManageLivelihood).is_allowed();
    let deputy_id = actor
        .filter(|a| a.has(Role::Deputy))
        .and_then(|a| a.deputy_id);
    let (source, deputy_id) = match deputy_id {
        _ if staff => (CandidateSource::Government, None),
        Some(d) => (CandidateSource::Deputy, Some(d)),
        None => (CandidateSource::Public, None),
    };
    ProposerRole {
        source,
        user_id: actor.map(|a| a.user_id),
        deputy_id,
        limited: !staff && deputy_id.is_none(),
    }
}

/// The deputy a caller votes and rates as: a deputy account linked to a
/// deputy record. Whether that deputy sits in the round's congress is the
/// domain's rule (`livelihood::voter`).
pub fn voting_deputy(principal: &Principal) -> Result<DeputyId, Decision> {
    let Some(a) = principal.actor() else {
        return Err(Decision::Unauthenticated);
    };
    a.deputy_id
        .filter(|_| a.has(Role::Deputy))
        .ok_or(Decision::Forbidden)
}

/// The user who reports a project's progress: a user of the project's
/// unit.
pub fn project_reporter(
    principal: &Principal,
    project_unit: Option<Uuid>,
) -> Result<Uuid, Decision> {
    let Some(a) = principal.actor() else {
        return Err(Decision::Unauthenticated);
    };
    if a.has(Role::Unit) && a.unit_id.is_some() && a.unit_id == project_unit.map(Into::into) {
        Ok(a.user_id.into())
    } else {
        Err(Decision::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use renda_domain::RoleSet;

    use super::*;
    use crate::permission::Actor;

    fn user(id: u128, roles: &[Role], deputy: Option<u128>, unit: Option<u128>) -> Principal {
        Principal::User(Actor {
            user_id: UserId::from_u128(id),
            username: format!("u{id}"),
            roles: RoleSet::new(roles.iter().copied()),
            deputy_id: deputy.map(Uuid::from_u128).map(Into::into),
            unit_id: unit.map(Uuid::from_u128).map(Into::into),
            observer_id: None,
            scopes: None,
        })
    }

    #[test]
    fn who_proposes_as_what() {
        let _u = Uuid::from_u128;
        let cases = [
            (
                user(1, &[Role::Staff], None, None),
                CandidateSource::Government,
                None,
                false,
            ),
            (
                user(2, &[Role::Deputy], Some(20), None),
                CandidateSource::Deputy,
                Some(DeputyId::from_u128(20)),
                false,
            ),
            // A deputy account without a deputy record speaks as the public.
            (
                user(3, &[Role::Deputy], None, None),
                CandidateSource::Public,
                None,
                true,
            ),
            // A deputy id without the deputy role does not count.
            (
                user(4, &[Role::Unit], Some(21), Some(40)),
                CandidateSource::Public,
                None,
                true,
            ),
            (Principal::Anonymous, CandidateSource::Public, None, true),
        ];
        for (who, source, deputy_id, limited) in cases {
            let p = proposer(&who);
            assert_eq!(
                (p.source, p.deputy_id, p.limited),
                (source, deputy_id, limited),
                "{who:?}"
            );
            assert_eq!(p.user_id, who.actor().map(|a| a.user_id));
        }
    }

    #[test]
    fn only_a_linked_deputy_votes() {
        assert_eq!(
            voting_deputy(&user(1, &[Role::Deputy], Some(9), None)),
            Ok(DeputyId::from_u128(9))
        );
        assert_eq!(
            voting_deputy(&user(1, &[Role::Deputy], None, None)),
            Err(Decision::Forbidden)
        );
        assert_eq!(
            voting_deputy(&user(1, &[Role::Staff], Some(9), None)),
            Err(Decision::Forbidden)
        );
        assert_eq!(
            voting_deputy(&Principal::Anonymous),
            Err(Decision::Unauthenticated)
        );
    }

    #[test]
    fn only_the_projects_unit_reports() {
        let unit = Some(Uuid::from_u128(40));
        assert_eq!(
            project_reporter(&user(5, &[Role::Unit], None, Some(40)), unit),
            Ok(Uuid::from_u128(5))
        );
        for who in [
            user(5, &[Role::Unit], None, Some(41)),
            user(5, &[Role::Unit], None, None),
            user(5, &[Role::Staff], None, Some(40)),
        ] {
            assert_eq!(project_reporter(&who, unit), Err(Decision::Forbidden));
        }
        assert_eq!(
            project_reporter(&user(5, &[Role::Unit], None, None), None),
            Err(Decision::Forbidden)
        );
        assert_eq!(
            project_reporter(&Principal::Anonymous, unit),
            Err(Decision::Unauthenticated)
        );
    }
}
