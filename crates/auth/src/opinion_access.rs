//! Who may see and route a constituent opinion. Part of the permission
//! module: [`decide_opinion`] answers for one opinion; [`visibility`] is
//! the same rule for lists.

use renda_domain::Role;
use renda_domain::id::{DeputyId, UnitId, UserId};

use crate::permission::{Decision, Principal};

/// The relationships of one opinion that decide access to it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpinionScope {
    /// Left at a station (false: online).
    pub at_station: bool,
    /// The deputies assigned to that station.
    pub station_deputies: Vec<DeputyId>,
    /// The unit it was forwarded to.
    pub unit_id: Option<UnitId>,
    /// The account that left it.
    pub created_by: Option<UserId>,
}

/// What a caller asks to do with one opinion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpinionAction {
    Read,
    /// Answer directly or forward to a unit: staff and the station's deputies.
    Route,
    /// Make a suggestion of it: a deputy who sees it.
    TakeUp,
    /// The reply of the unit it was forwarded to.
    UnitReply,
}

/// Which opinions a caller sees.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Visibility {
    pub all: bool,
    pub deputy: Option<DeputyId>,
    pub unit: Option<UnitId>,
    pub author: Option<UserId>,
}

pub fn visibility(principal: &Principal) -> Visibility {
    let mut v = Visibility::default();
    if let Some(a) = principal.actor() {
        v.all = a.roles.any(&[Role::Staff, Role::Leader]);
        if a.has(Role::Deputy) {
            v.deputy = a.deputy_id;
        }
        if a.has(Role::Unit) {
            v.unit = a.unit_id;
        }
        v.author = Some(a.user_id);
    }
    v
}

impl Visibility {
    pub fn can_see(&self, s: &OpinionScope) -> bool {
        self.all
            || self
                .deputy
                .is_some_and(|d| !s.at_station || s.station_deputies.contains(&d))
            || self.unit.is_some_and(|u| s.unit_id == Some(u))
            || self.author.is_some_and(|a| s.created_by == Some(a))
    }
}

/// Decides whether `principal` may perform `action` on an opinion; one
/// the caller may not see is `NotFound`.
pub fn decide_opinion(principal: &Principal, action: OpinionAction, s: &OpinionScope) -> Decision {
    let Some(a) = principal.actor() else {
        return Decision::Unauthenticated;
    };
    if !visibility(principal).can_see(s) {
        return Decision::NotFound;
    }
    let station_deputy =
        a.has(Role::Deputy) && a.deputy_id.is_some_and(|d| s.station_deputies.contains(&d));
    let allowed = match action {
        OpinionAction::Read => true,
        OpinionAction::Route => a.has(Role::Staff) || station_deputy,
        OpinionAction::TakeUp => {
            a.has(Role::Deputy) && a.deputy_id.is_some() && (station_deputy || !s.at_station)
        }
        OpinionAction::UnitReply => {
            a.has(Role::Unit) && a.unit_id.is_some() && a.unit_id == s.unit_id
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
    use Decision::{Allow, Forbidden, NotFound, Unauthenticated};
    use OpinionAction::*;
    use uuid::Uuid;

    fn actor(id: u128, roles: &[Role], deputy: Option<u128>, unit: Option<u128>) -> Principal {
        let id_of = |n: Option<u128>| n.map(Uuid::from_u128);
        crate::testing::person(
            id,
            roles,
            id_of(deputy).map(Into::into),
            id_of(unit).map(Into::into),
        )
    }

    #[test]
    fn decision_table() {
        let at_station = OpinionScope {
            at_station: true,
            station_deputies: vec![Uuid::from_u128(100).into()],
            unit_id: Some(Uuid::from_u128(200).into()),
            created_by: Some(Uuid::from_u128(9).into()),
        };
        let online = OpinionScope {
            at_station: false,
            ..OpinionScope::default()
        };
        let staff = actor(1, &[Role::Staff], None, None);
        let leader = actor(2, &[Role::Leader], None, None);
        let station_deputy = actor(3, &[Role::Deputy], Some(100), None);
        let other_deputy = actor(4, &[Role::Deputy], Some(101), None);
        let unit = actor(5, &[Role::Unit], None, Some(200));
        let other_unit = actor(6, &[Role::Unit], None, Some(201));
        let author = actor(9, &[], None, None);
        #[rustfmt::skip]
        let table: &[(&Principal, OpinionAction, &OpinionScope, Decision)] = &[
            (&Principal::Anonymous, Read, &online, Unauthenticated),
            (&staff, Route, &at_station, Allow),
            (&leader, Read, &at_station, Allow),
            (&leader, Route, &at_station, Forbidden),
            (&station_deputy, Route, &at_station, Allow),
            (&station_deputy, TakeUp, &at_station, Allow),
            (&other_deputy, Read, &at_station, NotFound),
            (&other_deputy, TakeUp, &online, Allow),
            (&other_deputy, Route, &online, Forbidden),
            (&staff, TakeUp, &at_station, Forbidden),
            (&unit, UnitReply, &at_station, Allow),
            (&unit, Route, &at_station, Forbidden),
            (&other_unit, Read, &at_station, NotFound),
            (&author, Read, &at_station, Allow),
            (&author, Route, &at_station, Forbidden),
        ];
        for (p, action, s, want) in table {
            assert_eq!(decide_opinion(p, *action, s), *want, "{p:?} {action:?}");
        }
    }
}
