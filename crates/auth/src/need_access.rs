//! Who reads and closes the needs list (需求清单): the office's staff and
//! leaders read every need, a deputy those matched to them; staff and the
//! matched deputy close one as met.

use renda_domain::Role;
use uuid::Uuid;

use crate::permission::{Decision, Principal};

/// Which needs a caller reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NeedReader {
    /// Every need (staff and leaders).
    All,
    /// Those matched to this deputy.
    Deputy(Uuid),
}

impl NeedReader {
    /// The deputy filter of a listing: a deputy may ask only for their own.
    pub fn deputy_filter(self, asked: Option<Uuid>) -> Result<Option<Uuid>, Decision> {
        match self {
            NeedReader::All => Ok(asked),
            NeedReader::Deputy(own) if asked.is_none_or(|d| d == own) => Ok(Some(own)),
            NeedReader::Deputy(_) => Err(Decision::Forbidden),
        }
    }
}

/// Which needs the caller reads, or why none.
pub fn reader(principal: &Principal) -> Result<NeedReader, Decision> {
    let Some(a) = principal.actor() else {
        return Err(Decision::Unauthenticated);
    };
    if a.roles.any(&[Role::Staff, Role::Leader]) {
        return Ok(NeedReader::All);
    }
    match a.deputy_id {
        Some(d) if a.has(Role::Deputy) => Ok(NeedReader::Deputy(d.into())),
        _ => Err(Decision::Forbidden),
    }
}

/// What a caller asks to do with one need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NeedAction {
    Read,
    /// Close it as met.
    Close,
}

/// Decides on one need, matched to `matched_deputy`; one the caller may
/// not read is `NotFound`.
pub fn decide_need(
    principal: &Principal,
    action: NeedAction,
    matched_deputy: Option<Uuid>,
) -> Decision {
    let reader = match reader(principal) {
        Ok(r) => r,
        Err(d) => return d,
    };
    if let NeedReader::Deputy(own) = reader
        && matched_deputy != Some(own)
    {
        return Decision::NotFound;
    }
    let allowed = match action {
        NeedAction::Read => true,
        // The office's staff, or the deputy it is matched to (a leader who
        // is also a deputy included).
        NeedAction::Close => principal.actor().is_some_and(|a| {
            a.has(Role::Staff)
                || (a.deputy_id.is_some() && a.deputy_id == matched_deputy.map(Into::into))
        }),
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
    use renda_domain::id::DeputyId;

    fn actor(roles: &[Role], deputy_id: Option<DeputyId>) -> Principal {
        crate::testing::person(1, roles, deputy_id, None)
    }

    #[test]
    fn decision_table() {
        let me = Some(Uuid::from_u128(10));
        let other = Some(Uuid::from_u128(11));
        let staff = actor(&[Role::Staff], None);
        let leader = actor(&[Role::Leader], None);
        let deputy = actor(&[Role::Deputy], me.map(Into::into));
        let unlinked = actor(&[Role::Deputy], None);
        let unit = actor(&[Role::Unit], None);
        let leader_deputy = actor(&[Role::Leader, Role::Deputy], me.map(Into::into));
        let anon = Principal::Anonymous;
        use NeedAction::{Close, Read};
        #[rustfmt::skip]
        let table: &[(&Principal, NeedAction, Option<Uuid>, Decision)] = &[
            (&anon, Read, me, Unauthenticated),
            (&unit, Read, None, Forbidden),
            (&unlinked, Read, None, Forbidden),
            (&staff, Read, other, Allow),
            (&leader, Read, None, Allow),
            (&deputy, Read, me, Allow),
            (&deputy, Read, other, NotFound),
            (&deputy, Read, None, NotFound),
            (&staff, Close, None, Allow),
            (&leader, Close, me, Forbidden),
            (&deputy, Close, me, Allow),
            (&deputy, Close, other, NotFound),
            (&unit, Close, me, Forbidden),
            (&leader_deputy, Read, other, Allow),
            (&leader_deputy, Close, me, Allow),
            (&leader_deputy, Close, other, Forbidden),
        ];
        for (who, action, matched, want) in table {
            assert_eq!(
                decide_need(who, *action, *matched),
                *want,
                "{who:?} {action:?} {matched:?}"
            );
        }
    }

    #[test]
    fn a_deputy_lists_only_their_own_needs() {
        let me = Uuid::from_u128(10);
        let other = Uuid::from_u128(11);
        let own = NeedReader::Deputy(me);
        assert_eq!(own.deputy_filter(None), Ok(Some(me)));
        assert_eq!(own.deputy_filter(Some(me)), Ok(Some(me)));
        assert_eq!(own.deputy_filter(Some(other)), Err(Forbidden));
        assert_eq!(NeedReader::All.deputy_filter(Some(other)), Ok(Some(other)));
        assert_eq!(NeedReader::All.deputy_filter(None), Ok(None));
        assert_eq!(
            reader(&actor(&[Role::Staff, Role::Deputy], Some(me.into()))),
            Ok(NeedReader::All)
        );
    }
}
