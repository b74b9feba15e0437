//! Who may see and act on a supervision item. Part of the permission
//! module: [`decide_supervision`] answers for one item, and [`Visibility`]
//! is the same rule in a form a store can turn into a query filter.

use renda_domain::Role;
use renda_domain::id::{DeputyId, UnitId};
use uuid::Uuid;

use crate::permission::{Decision, Principal};

/// The relationships of one item that decide access to it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SupervisionScope {
    pub body_ids: Vec<UnitId>,
    pub committee_member_ids: Vec<DeputyId>,
    pub deputy_ids: Vec<DeputyId>,
    pub observer_ids: Vec<Uuid>,
    pub published: bool,
}

/// What a caller asks to do with one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupervisionAction {
    Read,
    /// Read the working records (timeline, investigation records,
    /// inquiries, opinions, reports, observations, votes): those involved,
    /// not the public a published item is for.
    ReadRecords,
    /// The office's work: edit the plan, move the stages, keep records,
    /// issue opinions, close off problems, assign observers, decide
    /// observation opinions, publish.
    Administer,
    /// A supervised body's rectification report (its unit users).
    ReportAsBody {
        unit_id: UnitId,
    },
    /// A committee member's satisfaction vote.
    Vote,
    /// An assigned observer's observation opinion.
    Observe,
}

/// Which items a caller may see, as a union of conditions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Visibility {
    /// Published items (everyone).
    pub published: bool,
    /// Every item (staff and leaders).
    pub all: bool,
    /// Items that supervise this unit.
    pub unit: Option<UnitId>,
    /// Items this deputy takes part in.
    pub deputy: Option<DeputyId>,
    /// Items this observer is assigned to.
    pub observer: Option<Uuid>,
}

/// The items a caller may see.
pub fn visibility(principal: &Principal) -> Visibility {
    let mut v = Visibility {
        published: true,
        ..Visibility::default()
    };
    if let Some(a) = principal.actor() {
        v.all = a.roles.any(&[Role::Staff, Role::Leader]);
        if a.has(Role::Unit) {
            v.unit = a.unit_id;
        }
        if a.has(Role::Deputy) {
            v.deputy = a.deputy_id;
        }
        if a.has(Role::Observer) {
            v.observer = a.observer_id;
        }
    }
    v
}

impl Visibility {
    pub fn can_see(&self, s: &SupervisionScope) -> bool {
        self.all
            || (self.published && s.published)
            || self.unit.is_some_and(|u| s.body_ids.contains(&u))
            || self
                .deputy
                .is_some_and(|d| s.committee_member_ids.contains(&d) || s.deputy_ids.contains(&d))
            || self.observer.is_some_and(|o| s.observer_ids.contains(&o))
    }
}

/// Decides whether `principal` may perform `action` on an item. An item
/// the caller may not see is `NotFound`; one they see but may not act on
/// is `Forbidden`.
pub fn decide_supervision(
    principal: &Principal,
    action: SupervisionAction,
    s: &SupervisionScope,
) -> Decision {
    let mut vis = visibility(principal);
    if action == SupervisionAction::ReadRecords {
        vis.published = false;
    }
    if !vis.can_see(s) {
        return if principal.actor().is_none() {
            Decision::Unauthenticated
        } else {
            Decision::NotFound
        };
    }
    let Some(a) = principal.actor() else {
        return if action == SupervisionAction::Read {
            Decision::Allow
        } else {
            Decision::Unauthenticated
        };
    };
    let allowed = match action {
        SupervisionAction::Read | SupervisionAction::ReadRecords => true,
        SupervisionAction::Administer => a.has(Role::Staff),
        SupervisionAction::ReportAsBody { unit_id } => {
            a.has(Role::Unit) && a.unit_id == Some(unit_id) && s.body_ids.contains(&unit_id)
        }
        SupervisionAction::Vote => {
            a.has(Role::Deputy)
                && a.deputy_id
                    .is_some_and(|d| s.committee_member_ids.contains(&d))
        }
        SupervisionAction::Observe => {
            a.has(Role::Observer) && a.observer_id.is_some_and(|o| s.observer_ids.contains(&o))
        }
    };
    if allowed {
        Decision::Allow
    } else {
        Decision::Forbidden
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::permission::Actor;
    use Decision::{Allow, Forbidden, NotFound, Unauthenticated};
    use SupervisionAction::*;
    use renda_domain::RoleSet;
    use renda_domain::id::UserId;

    fn actor(
        roles: &[Role],
        deputy: Option<u128>,
        unit: Option<u128>,
        obs: Option<u128>,
    ) -> Principal {
        Principal::User(Actor {
            user_id: UserId::from_u128(1),
            username: "u".into(),
            roles: RoleSet::new(roles.iter().copied()),
            deputy_id: deputy.map(Uuid::from_u128).map(Into::into),
            unit_id: unit.map(Uuid::from_u128).map(Into::into),
            observer_id: obs.map(Uuid::from_u128),
            scopes: None,
        })
    }

    fn scope(published: bool) -> SupervisionScope {
        SupervisionScope {
            body_ids: vec![Uuid::from_u128(200).into()],
            committee_member_ids: vec![Uuid::from_u128(100).into()],
            deputy_ids: vec![Uuid::from_u128(101).into()],
            observer_ids: vec![Uuid::from_u128(300)],
            published,
        }
    }

    #[test]
    fn decision_table() {
        let anon = Principal::Anonymous;
        let staff = actor(&[Role::Staff], None, None, None);
        let leader = actor(&[Role::Leader], None, None, None);
        let admin = actor(&[Role::Admin], None, None, None);
        let member = actor(&[Role::Deputy], Some(100), None, None);
        let deputy = actor(&[Role::Deputy], Some(101), None, None);
        let outsider = actor(&[Role::Deputy], Some(102), None, None);
        let body = actor(&[Role::Unit], None, Some(200), None);
        let other_body = actor(&[Role::Unit], None, Some(201), None);
        let observer = actor(&[Role::Observer], None, None, Some(300));
        let other_observer = actor(&[Role::Observer], None, None, Some(301));
        let body_unit = Uuid::from_u128(200);
        let report = ReportAsBody {
            unit_id: body_unit.into(),
        };
        let hidden = scope(false);
        let public = scope(true);

        #[rustfmt::skip]
        let table: &[(&Principal, SupervisionAction, &SupervisionScope, Decision)] = &[
            (&anon, Read, &hidden, Unauthenticated),
            (&anon, Read, &public, Allow),
            (&anon, ReadRecords, &public, Unauthenticated),
            (&outsider, Read, &public, Allow),
            (&outsider, ReadRecords, &public, NotFound),
            (&outsider, Read, &hidden, NotFound),
            (&other_body, Read, &hidden, NotFound),
            (&other_observer, Read, &hidden, NotFound),
            (&admin, Read, &hidden, NotFound),
            (&staff, Administer, &hidden, Allow),
            (&leader, Read, &hidden, Allow),
            (&leader, Administer, &hidden, Forbidden),
            (&member, ReadRecords, &hidden, Allow),
            (&member, Vote, &hidden, Allow),
            (&deputy, Read, &hidden, Allow),
            (&deputy, Vote, &hidden, Forbidden),
            (&staff, Vote, &hidden, Forbidden),
            (&body, ReadRecords, &hidden, Allow),
            (&body, report, &hidden, Allow),
            (&body, Administer, &hidden, Forbidden),
            (&body, ReportAsBody { unit_id: UnitId::from_u128(201) }, &hidden, Forbidden),
            (&observer, ReadRecords, &hidden, Allow),
            (&observer, Observe, &hidden, Allow),
            (&observer, Vote, &hidden, Forbidden),
            (&other_observer, Observe, &public, Forbidden),
            (&member, Observe, &hidden, Forbidden),
        ];
        for (p, action, s, want) in table {
            assert_eq!(decide_supervision(p, *action, s), *want, "{p:?} {action:?}");
        }
    }

    #[test]
    fn list_visibility_agrees_with_single_reads() {
        let callers = [
            Principal::Anonymous,
            actor(&[Role::Staff], None, None, None),
            actor(&[Role::Deputy], Some(100), None, None),
            actor(&[Role::Deputy], Some(102), None, None),
            actor(&[Role::Unit], None, Some(200), None),
            actor(&[Role::Observer], None, None, Some(301)),
        ];
        for p in &callers {
            for s in [scope(false), scope(true)] {
                let listed = visibility(p).can_see(&s);
                let read = decide_supervision(p, Read, &s) == Allow;
                assert_eq!(listed, read, "{p:?}");
            }
        }
    }
}
