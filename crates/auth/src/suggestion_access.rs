//! Who may see and act on a suggestion. Part of the permission module:
//! [`decide_suggestion`] answers for one suggestion, and [`Visibility`]
//! is the same rule in a form a store can turn into a query filter, so
//! that lists and single reads can never disagree.

use renda_domain::Role;
use renda_domain::id::{DeputyId, UnitId, UserId};
use renda_domain::suggestion::SuggestionStatus;
use uuid::Uuid;

use crate::permission::{Decision, Principal};

/// The relationships of one suggestion that decide access to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuggestionScope {
    pub status: SuggestionStatus,
    pub lead_deputy_id: DeputyId,
    /// Co-signers still taking part: invited (a draft) or confirmed.
    pub co_signers: Vec<DeputyId>,
    pub lead_unit_id: Option<UnitId>,
    pub co_unit_ids: Vec<UnitId>,
    /// The government office that passed it on (分办); it keeps reading.
    pub dispatcher_unit_id: Option<UnitId>,
    /// The supervising leader's user id (red suggestions).
    pub supervisor_id: Option<UserId>,
    pub published: bool,
    /// The unit a submission not registered was passed to as a letter.
    pub letter_unit_id: Option<UnitId>,
}

/// What a caller asks to do with one suggestion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuggestionAction {
    Read,
    /// Read the handling records (timeline, records, requests,
    /// commitments, lineage, attachments) and the reply's contact details:
    /// those involved, not the public a published reply is for.
    ReadRecords,
    /// Change a draft, or submit it (the lead deputy).
    EditDraft,
    /// Confirm, decline or withdraw one's own co-signature before
    /// submission.
    AnswerCoSignature,
    /// The office's work: register, reject, assign, close, record on-site
    /// verifications, decide units' requests, publish, mark outstanding.
    Administer,
    /// The lead unit's work: reply, ask for re-assignment or extension,
    /// update a commitment.
    HandleAsLeadUnit,
    /// A co-unit's opinion to the lead unit.
    AdviseAsCoUnit,
    /// The lead deputy's evaluation of a reply.
    Evaluate,
    /// The supervising leader's notes and sign-off (red suggestions).
    Supervise,
    /// A leader's instruction (批示), on any suggestion past its draft.
    Instruct,
    /// Read the leaders' instructions: the office, leaders and the units
    /// handling the suggestion, not its deputies or the public.
    ReadInstructions,
    /// The unit a submission was passed to as a letter acknowledges it.
    AcknowledgeLetter,
}

/// Which suggestions a caller may see, as a union of conditions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Visibility {
    /// Published suggestions (everyone).
    pub published: bool,
    /// Suggestions this deputy leads or co-signs (drafts included).
    pub deputy: Option<DeputyId>,
    /// Every suggestion past the draft stage (staff and leaders).
    pub submitted: bool,
    /// Suggestions assigned to this unit as lead or co-unit, from assignment on.
    pub unit: Option<UnitId>,
}

pub use renda_domain::suggestion::UNIT_VISIBLE;

/// The suggestions a caller may see.
pub fn visibility(principal: &Principal) -> Visibility {
    let mut v = Visibility {
        published: true,
        ..Visibility::default()
    };
    if let Some(a) = principal.actor() {
        if a.has(Role::Deputy) {
            v.deputy = a.deputy_id;
        }
        v.submitted = a.roles.any(&[Role::Staff, Role::Leader]);
        if a.has(Role::Unit) {
            v.unit = a.unit_id;
        }
    }
    v
}

impl Visibility {
    pub fn can_see(&self, s: &SuggestionScope) -> bool {
        (self.published && s.published)
            || self
                .deputy
                .is_some_and(|d| s.lead_deputy_id == d || s.co_signers.contains(&d))
            || (self.submitted && s.status != SuggestionStatus::Draft)
            || self.unit.is_some_and(|u| s.handled_by(u))
            || self.unit.is_some_and(|u| {
                s.status == SuggestionStatus::NotRegistered && s.letter_unit_id == Some(u)
            })
    }
}

impl SuggestionScope {
    /// Whether `unit` handles the suggestion: its lead unit, a co-unit or
    /// the office that passed it on, from the assignment on.
    pub fn handled_by(&self, unit: UnitId) -> bool {
        UNIT_VISIBLE.contains(&self.status)
            && (self.lead_unit_id == Some(unit)
                || self.co_unit_ids.contains(&unit)
                || self.dispatcher_unit_id == Some(unit))
    }
}

/// Decides whether `principal` may perform `action` on a suggestion. A
/// suggestion the caller may not see is `NotFound`, so that its existence
/// is not revealed; one they see but may not act on is `Forbidden`.
pub fn decide_suggestion(
    principal: &Principal,
    action: SuggestionAction,
    s: &SuggestionScope,
) -> Decision {
    let mut vis = visibility(principal);
    if action == SuggestionAction::ReadRecords {
        vis.published = false;
    }
    if !vis.can_see(s) {
        return if principal.actor().is_none() {
            Decision::Unauthenticated
        } else {
            Decision::NotFound
        };
    }
    if matches!(
        action,
        SuggestionAction::Read | SuggestionAction::ReadRecords
    ) {
        return Decision::Allow;
    }
    let Some(a) = principal.actor() else {
        return Decision::Unauthenticated;
    };
    let lead_deputy = a.has(Role::Deputy) && a.deputy_id == Some(s.lead_deputy_id);
    let allowed = match action {
        SuggestionAction::Read | SuggestionAction::ReadRecords => true,
        SuggestionAction::EditDraft | SuggestionAction::Evaluate => lead_deputy,
        SuggestionAction::AnswerCoSignature => {
            a.has(Role::Deputy) && a.deputy_id.is_some_and(|d| s.co_signers.contains(&d))
        }
        SuggestionAction::Administer => a.has(Role::Staff),
        SuggestionAction::HandleAsLeadUnit => {
            a.has(Role::Unit) && a.unit_id.is_some() && a.unit_id == s.lead_unit_id
        }
        SuggestionAction::AdviseAsCoUnit => {
            a.has(Role::Unit) && a.unit_id.is_some_and(|u| s.co_unit_ids.contains(&u))
        }
        SuggestionAction::Supervise => a.has(Role::Leader) && s.supervisor_id == Some(a.user_id),
        SuggestionAction::Instruct => a.has(Role::Leader),
        SuggestionAction::ReadInstructions => {
            a.roles.any(&[Role::Staff, Role::Leader])
                || (a.has(Role::Unit) && a.unit_id.is_some_and(|u| s.handled_by(u)))
        }
        SuggestionAction::AcknowledgeLetter => {
            a.has(Role::Unit) && a.unit_id.is_some() && a.unit_id == s.letter_unit_id
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
    use SuggestionAction::*;
    use SuggestionStatus::*;

    fn actor(id: u128, roles: &[Role], deputy: Option<u128>, unit: Option<u128>) -> Principal {
        let id_of = |n: Option<u128>| n.map(Uuid::from_u128);
        crate::testing::person(
            id,
            roles,
            id_of(deputy).map(Into::into),
            id_of(unit).map(Into::into),
        )
    }

    fn scope(status: SuggestionStatus) -> SuggestionScope {
        SuggestionScope {
            status,
            lead_deputy_id: DeputyId::from_u128(100),
            co_signers: vec![Uuid::from_u128(101).into()],
            lead_unit_id: Some(Uuid::from_u128(200).into()),
            co_unit_ids: vec![Uuid::from_u128(201).into()],
            dispatcher_unit_id: None,
            supervisor_id: Some(Uuid::from_u128(5).into()),
            published: false,
            letter_unit_id: None,
        }
    }

    #[test]
    fn the_office_that_passed_it_on_reads_but_does_not_handle() {
        let s = SuggestionScope {
            dispatcher_unit_id: Some(Uuid::from_u128(202).into()),
            ..scope(Assigned)
        };
        let office = actor(6, &[Role::Unit], None, Some(202));
        assert_eq!(decide_suggestion(&office, Read, &s), Allow);
        assert_eq!(decide_suggestion(&office, ReadRecords, &s), Allow);
        assert_eq!(decide_suggestion(&office, HandleAsLeadUnit, &s), Forbidden);
        assert!(visibility(&office).can_see(&s));
    }

    #[test]
    fn a_letter_is_read_and_acknowledged_by_its_unit_only() {
        let s = SuggestionScope {
            letter_unit_id: Some(Uuid::from_u128(202).into()),
            lead_unit_id: None,
            co_unit_ids: vec![],
            ..scope(NotRegistered)
        };
        let unit = actor(6, &[Role::Unit], None, Some(202));
        let other = actor(7, &[Role::Unit], None, Some(200));
        let staff = actor(4, &[Role::Staff], None, None);
        assert_eq!(decide_suggestion(&unit, Read, &s), Allow);
        assert_eq!(decide_suggestion(&unit, AcknowledgeLetter, &s), Allow);
        assert_eq!(decide_suggestion(&unit, HandleAsLeadUnit, &s), Forbidden);
        assert_eq!(decide_suggestion(&other, Read, &s), NotFound);
        assert_eq!(decide_suggestion(&staff, AcknowledgeLetter, &s), Forbidden);
        // Only while it is a letter: the same unit named on a draft sees nothing.
        let draft = SuggestionScope {
            status: Draft,
            ..s.clone()
        };
        assert_eq!(decide_suggestion(&unit, Read, &draft), NotFound);
    }

    #[test]
    fn decision_table() {
        let anon = Principal::Anonymous;
        let author = actor(1, &[Role::Deputy], Some(100), None);
        let cosigner = actor(2, &[Role::Deputy], Some(101), None);
        let other_deputy = actor(3, &[Role::Deputy], Some(102), None);
        let staff = actor(4, &[Role::Staff], None, None);
        let supervisor = actor(5, &[Role::Leader], None, None);
        let other_leader = actor(6, &[Role::Leader], None, None);
        let lead_unit = actor(7, &[Role::Unit], None, Some(200));
        let co_unit = actor(8, &[Role::Unit], None, Some(201));
        let other_unit = actor(9, &[Role::Unit], None, Some(202));
        let admin = actor(10, &[Role::Admin], None, None);

        #[rustfmt::skip]
        let table: &[(&Principal, SuggestionStatus, SuggestionAction, Decision)] = &[
            // drafts: the author and co-signers only
            (&author, Draft, Read, Allow),
            (&author, Draft, EditDraft, Allow),
            (&cosigner, Draft, Read, Allow),
            (&cosigner, Draft, EditDraft, Forbidden),
            (&cosigner, Draft, AnswerCoSignature, Allow),
            (&author, Draft, AnswerCoSignature, Forbidden),
            (&other_deputy, Draft, Read, NotFound),
            (&staff, Draft, Read, NotFound),
            (&admin, Draft, Read, NotFound),
            (&lead_unit, Draft, Read, NotFound),
            (&anon, Draft, Read, Unauthenticated),
            // submitted: the office and leaders too, units not yet
            (&staff, Submitted, Read, Allow),
            (&staff, Submitted, Administer, Allow),
            (&other_leader, Submitted, Read, Allow),
            (&other_leader, Submitted, Administer, Forbidden),
            (&lead_unit, Registered, Read, NotFound),
            (&other_deputy, Submitted, Read, NotFound),
            (&author, Submitted, Administer, Forbidden),
            // assigned: the lead and co-units too
            (&lead_unit, Assigned, Read, Allow),
            (&lead_unit, Assigned, HandleAsLeadUnit, Allow),
            (&co_unit, Assigned, Read, Allow),
            (&co_unit, Assigned, HandleAsLeadUnit, Forbidden),
            (&co_unit, Assigned, AdviseAsCoUnit, Allow),
            (&lead_unit, Assigned, AdviseAsCoUnit, Forbidden),
            (&other_unit, Assigned, Read, NotFound),
            (&staff, Assigned, HandleAsLeadUnit, Forbidden),
            // evaluation by the lead deputy only; supervision by the named leader only
            (&author, Replied, Evaluate, Allow),
            (&cosigner, Replied, Evaluate, Forbidden),
            (&staff, Replied, Evaluate, Forbidden),
            (&supervisor, Replied, Supervise, Allow),
            (&other_leader, Replied, Supervise, Forbidden),
            (&staff, Replied, Supervise, Forbidden),
            // instructions: any leader gives them; the office, leaders and
            // the handling units read them, the deputies do not
            (&other_leader, Submitted, Instruct, Allow),
            (&staff, Submitted, Instruct, Forbidden),
            (&lead_unit, Assigned, Instruct, Forbidden),
            (&staff, Submitted, ReadInstructions, Allow),
            (&other_leader, Closed, ReadInstructions, Allow),
            (&lead_unit, Assigned, ReadInstructions, Allow),
            (&co_unit, Replied, ReadInstructions, Allow),
            (&author, Assigned, ReadInstructions, Forbidden),
            (&cosigner, Closed, ReadInstructions, Forbidden),
            (&other_unit, Assigned, ReadInstructions, NotFound),
        ];
        for (who, status, action, want) in table {
            assert_eq!(
                decide_suggestion(who, *action, &scope(*status)),
                *want,
                "{who:?} {status} {action:?}"
            );
        }
    }

    #[test]
    fn published_suggestions_are_public() {
        let s = SuggestionScope {
            published: true,
            ..scope(Closed)
        };
        assert_eq!(decide_suggestion(&Principal::Anonymous, Read, &s), Allow);
        assert_eq!(
            decide_suggestion(&Principal::Anonymous, Administer, &s),
            Unauthenticated
        );
        let other = actor(3, &[Role::Deputy], Some(102), None);
        assert_eq!(decide_suggestion(&other, Read, &s), Allow);
        assert_eq!(decide_suggestion(&other, Evaluate, &s), Forbidden);
    }

    #[test]
    fn publication_opens_the_reply_not_the_file() {
        let s = SuggestionScope {
            published: true,
            ..scope(Closed)
        };
        assert_eq!(
            decide_suggestion(&Principal::Anonymous, ReadRecords, &s),
            Unauthenticated
        );
        let other = actor(3, &[Role::Deputy], Some(102), None);
        assert_eq!(decide_suggestion(&other, ReadRecords, &s), NotFound);
        let author = actor(1, &[Role::Deputy], Some(100), None);
        assert_eq!(decide_suggestion(&author, ReadRecords, &s), Allow);
        let staff = actor(4, &[Role::Staff], None, None);
        assert_eq!(decide_suggestion(&staff, ReadRecords, &s), Allow);
    }

    #[test]
    fn a_withdrawn_co_signer_loses_sight_of_a_draft() {
        let s = SuggestionScope {
            co_signers: vec![],
            ..scope(Draft)
        };
        let former = actor(2, &[Role::Deputy], Some(101), None);
        assert_eq!(decide_suggestion(&former, Read, &s), NotFound);
    }
}

/// Which lines of the suggestion summary table a caller reads: every
/// unit's (`None`) for whoever reads suggestion statistics, its own for a
/// unit; nothing for anyone else.
pub fn summary_lines(principal: &Principal) -> Result<Option<Uuid>, Decision> {
    match crate::permission::decide(principal, crate::permission::Action::ReadSuggestionStats) {
        Decision::Allow => Ok(None),
        Decision::Forbidden => match principal.actor() {
            Some(a) if a.has(Role::Unit) && a.unit_id.is_some() => Ok(a.unit_id.map(Into::into)),
            _ => Err(Decision::Forbidden),
        },
        refused => Err(refused),
    }
}

#[cfg(test)]
mod summary_tests {

    use super::*;

    fn actor(roles: &[Role], unit_id: Option<UnitId>) -> Principal {
        crate::testing::person(1, roles, None, unit_id)
    }

    #[test]
    fn the_office_reads_every_line_a_unit_its_own() {
        let unit = Some(Uuid::from_u128(6));
        assert_eq!(summary_lines(&actor(&[Role::Staff], None)), Ok(None));
        assert_eq!(summary_lines(&actor(&[Role::Leader], None)), Ok(None));
        assert_eq!(
            summary_lines(&actor(&[Role::Unit], unit.map(Into::into))),
            Ok(unit)
        );
        assert_eq!(
            summary_lines(&actor(&[Role::Unit], None)),
            Err(Decision::Forbidden)
        );
        assert_eq!(
            summary_lines(&actor(&[Role::Deputy], None)),
            Err(Decision::Forbidden)
        );
        assert_eq!(
            summary_lines(&Principal::Anonymous),
            Err(Decision::Unauthenticated)
        );
    }
}
