//! Who may see and act on a motion. Those involved (the drafter and the
//! deputies asked to sign) see it from the draft on; the office and
//! leaders see every filed motion; nobody else learns it exists.

use renda_domain::Role;
use renda_domain::motion::{Motion, MotionStatus};

use crate::permission::{Decision, Principal};

/// What a caller asks to do with one motion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MotionAction {
    /// Read it and its timeline.
    Read,
    /// Submit the draft (its drafter).
    Submit,
    /// Agree to sign, or decline (a deputy asked to).
    Sign,
    /// The office's work: register, record the presidium's decision and
    /// the committee's report.
    Administer,
}

/// Which motions a caller may see.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Visibility {
    /// Every filed motion (staff and leaders).
    pub filed: bool,
    /// Motions this deputy drafted or was asked to sign.
    pub deputy: Option<renda_domain::id::DeputyId>,
}

/// The motions a caller may see.
pub fn visibility(principal: &Principal) -> Visibility {
    match principal.actor() {
        Some(a) => Visibility {
            filed: a.roles.any(&[Role::Staff, Role::Leader]),
            deputy: a.deputy_id.filter(|_| a.has(Role::Deputy)),
        },
        None => Visibility::default(),
    }
}

impl Visibility {
    pub fn can_see(&self, m: &Motion) -> bool {
        (self.filed && m.status != MotionStatus::Draft)
            || self.deputy.is_some_and(|d| m.involves(d))
    }
}

/// Decides whether `principal` may perform `action` on `m`. A motion the
/// caller may not see is `NotFound`; one they see but may not act on is
/// `Forbidden`.
pub fn decide_motion(principal: &Principal, action: MotionAction, m: &Motion) -> Decision {
    let Some(a) = principal.actor() else {
        return Decision::Unauthenticated;
    };
    if !visibility(principal).can_see(m) {
        return Decision::NotFound;
    }
    let deputy = a.deputy_id.filter(|_| a.has(Role::Deputy));
    let allowed = match action {
        MotionAction::Read => true,
        MotionAction::Submit => deputy == Some(m.lead_deputy_id),
        MotionAction::Sign => deputy.is_some_and(|d| m.signers.iter().any(|s| s.deputy_id == d)),
        MotionAction::Administer => a.has(Role::Staff),
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
    use MotionAction::*;
    use renda_domain::id::{DeputyId, UserId};

    fn motion(status: MotionStatus) -> Motion {
        let d = |n| DeputyId::from_u128(n);
        let now = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
        Motion {
            id: uuid::Uuid::from_u128(1),
            number: None,
            congress_session_id: uuid::Uuid::from_u128(2),
            level: renda_domain::deputy::Level::County,
            title: "议案".into(),
            reason: "理由".into(),
            proposal: "方案".into(),
            proposer: renda_domain::motion::Proposer::Deputies,
            delegation: None,
            lead_deputy_id: d(10),
            signers: vec![renda_domain::motion::Signer {
                deputy_id: d(11),
                confirmed_at: None,
                declined_at: None,
            }],
            status,
            committee: None,
            report_due: None,
            report: None,
            reported_at: None,
            decision_reason: None,
            decided_at: None,
            suggestion_id: None,
            submitted_at: None,
            registered_at: None,
            created_by: UserId::from_u128(5),
            created_at: now,
            updated_at: now,
            version: 1,
        }
    }

    #[test]
    fn those_involved_see_a_draft_and_the_office_a_filed_motion() {
        let deputy =
            |id, n| crate::testing::person(id, &[Role::Deputy], Some(DeputyId::from_u128(n)), None);
        let (lead, signer, other) = (deputy(1, 10), deputy(2, 11), deputy(3, 12));
        let staff = crate::testing::person(4, &[Role::Staff], None, None);
        let leader = crate::testing::person(5, &[Role::Leader], None, None);
        let draft = motion(MotionStatus::Draft);
        let filed = motion(MotionStatus::Registered);
        let table = [
            (&lead, Submit, &draft, Allow),
            (&lead, Sign, &draft, Forbidden),
            (&signer, Sign, &draft, Allow),
            (&signer, Submit, &draft, Forbidden),
            (&other, Read, &draft, NotFound),
            (&staff, Read, &draft, NotFound),
            (&staff, Administer, &filed, Allow),
            (&leader, Read, &filed, Allow),
            (&leader, Administer, &filed, Forbidden),
            (&lead, Administer, &filed, Forbidden),
            (&other, Read, &filed, NotFound),
            (&Principal::Anonymous, Read, &filed, Unauthenticated),
        ];
        for (who, action, m, want) in table {
            assert_eq!(
                decide_motion(who, action, m),
                want,
                "{action:?} on {}",
                m.status
            );
        }
    }
}
