//! The permission module: the one place that decides whether a caller may
//! perform an action, on an object where the action concerns one. Handlers
//! ask [`decide`] and act on its answer; nothing else decides.

use renda_domain::id::{DeputyId, UnitId, UserId};
use renda_domain::integration::ScopeSet;
use renda_domain::{Role, RoleSet};
use uuid::Uuid;

/// A signed-in caller, as loaded from the database on every request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: UserId,
    pub username: String,
    pub roles: RoleSet,
    pub deputy_id: Option<DeputyId>,
    pub unit_id: Option<UnitId>,
    pub observer_id: Option<Uuid>,
    /// A service client's scopes; `None` for a person, whose role alone
    /// decides.
    pub scopes: Option<ScopeSet>,
}

impl Actor {
    /// True when the caller is a service client rather than a person.
    pub fn is_client(&self) -> bool {
        self.scopes.is_some()
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(role)
    }

    /// True when the actor is the office that keeps official records.
    pub fn is_office(&self) -> bool {
        self.roles.any(&[Role::Staff, Role::Admin])
    }
}

/// Whoever makes a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Anonymous,
    User(Actor),
}

impl Principal {
    pub fn actor(&self) -> Option<&Actor> {
        match self {
            Principal::User(a) => Some(a),
            Principal::Anonymous => None,
        }
    }
}

/// What a caller asks to do. Actions that concern one object name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read one's own account (`GET /me`).
    ReadSelf,
    /// List and read handling units.
    ReadUnits,
    /// Create, change or delete handling units.
    ManageUnits,
    /// List and read deputies' public profiles.
    ReadDeputies,
    /// See a deputy's personal data unmasked (phone, birth date): the
    /// office's staff, who contact deputies, and the deputy. The system
    /// administrator keeps accounts and settings, not personal data.
    ReadDeputyPersonalData { deputy_id: DeputyId },
    /// Export deputies' personal data unmasked: the office's staff.
    ExportDeputyPersonalData,
    /// Confirm (or withdraw) a password reset of an administrator's
    /// account: another administrator, neither the one who asked for it
    /// nor the account's holder.
    ConfirmPasswordReset { requested_by: Uuid, target: Uuid },
    /// Create, change, deactivate or delete deputies (any field).
    ManageDeputies,
    /// See one's own deputy record as its holder (unmasked): the deputy,
    /// signed in as a person.
    SeeOwnDeputyRecord { deputy_id: DeputyId },
    /// Change the self-editable fields of a deputy's profile.
    EditOwnDeputyProfile { deputy_id: DeputyId },
    /// Open accounts and change them (names, status, links, a password
    /// reset): the system administrator. Roles are not among these.
    ManageUsers,
    /// List and read accounts: the system and security administrators.
    ReadUsers,
    /// Change an account's roles, grant the administrative roles, lift a
    /// lock, keep the security policy: the security administrator.
    ManageRoles,
    /// Read the security policy: the three administrators.
    ReadSecurityPolicy,
    /// Read an account's sign-in history: the account itself and the
    /// security administrator.
    ReadLoginHistory { user_id: UserId },
    /// Read and export the audit trail: the audit administrator.
    ReadAuditTrail,
    /// See who left a constituent opinion, unmasked: the office's staff,
    /// who answer it.
    ReadConstituentPersonalData,
    /// Draft a new suggestion as its lead deputy.
    CreateSuggestion,
    /// Draft a motion: a deputy with a linked deputy record.
    CreateMotion,
    /// Hand suggestions out in a batch (交办): the office's staff.
    HandOutSuggestions,
    /// Record the council of chairpersons' key-supervision list: staff.
    ManageKeySupervision,
    /// Read the key-supervision lists and their progress: staff and leaders.
    ReadKeySupervision,
    /// Record a visit or instruction on a key-supervision item: leaders
    /// (the item's own, as the domain checks).
    RecordKeySupervision,
    /// Read the batches and their lists: staff and leaders.
    ReadAssignmentBatches,
    /// Read the figures of a session's motions: staff and leaders.
    ReadMotionStats,
    /// Read suggestions' statistics (the office, leaders).
    ReadSuggestionStats,
    /// List and read observers (contact details masked).
    ReadObservers,
    /// Register observers and change any field of their records.
    ManageObservers,
    /// See an observer's contact details unmasked.
    ReadObserverPersonalData { observer_id: Uuid },
    /// See one's own observer record as its holder (unmasked): the
    /// observer, signed in as a person.
    SeeOwnObserverRecord { observer_id: Uuid },
    /// Change the self-editable fields of one's own observer record.
    EditOwnObserverRecord { observer_id: Uuid },
    /// Keep the suggestion catalogue and the yearly double evaluation
    /// (categories, advanced units): the office's staff.
    AdministerSuggestionCatalogue,
    /// Plan supervision items (the office).
    CreateSupervision,
    /// Supervision statistics (the office and leaders).
    ReadSupervisionStats,
    /// An observer's yearly record: the office and the observer.
    ReadObserverRecord { observer_id: Uuid },
    /// Create, change or delete stations and plan their reception days.
    ManageStations,
    /// Plan, amend, open and close sessions of the congress.
    ManageCongressSessions,
    /// Record what happened at a reception day: staff, or a deputy on duty.
    RecordReception { on_duty: bool },
    /// Plan activities, record attendance, keep the needs list.
    ManageActivities,
    /// See activities and the needs list.
    ReadActivities,
    /// Sign up for an activity and check in: a deputy with a linked record.
    TakePartInActivities,
    /// Read a deputy's duty records and yearly report: the office,
    /// leaders and the deputy.
    ReadDuties { deputy_id: DeputyId },
    /// Record, change or delete duties by hand: staff, and the deputy for
    /// their own.
    RecordDuty { deputy_id: DeputyId },
    /// Change or delete a duty record: whoever records the deputy's duties,
    /// a deputy only the records they made themselves (and the system's,
    /// which the domain then refuses).
    ChangeDuty {
        deputy_id: DeputyId,
        manual: bool,
        created_by: Option<UserId>,
    },
    /// The summary of deputies without recorded duties.
    ReadDutySummary,
    /// Run livelihood-project rounds: stages, reviews, closing the vote.
    ManageLivelihood,
    /// See who voted in a round (and, for an open ballot, how).
    ReadLivelihoodVoters,
    /// Register, change and delete service clients: administrators.
    ManageClients,
    /// Keep webhook subscriptions: administrators for the office, and
    /// service clients for themselves.
    ManageWebhooks,
}

/// The administrators who check the system administrator (三员分立).
pub const CHECKING: [Role; 2] = [Role::SecurityAdmin, Role::AuditAdmin];

/// Who keeps an account's fields and password: the security administrator
/// keeps the accounts of the checking administrators (and of an account
/// being made one), the system administrator every other.
pub fn account_keeper(current: &RoleSet, new_roles: Option<&[Role]>) -> Action {
    if is_checker(current, new_roles) {
        Action::ManageRoles
    } else {
        Action::ManageUsers
    }
}

/// Whether new roles make an account a checking administrator's that it
/// was not.
pub fn grants_checking_role(current: &RoleSet, new_roles: Option<&[Role]>) -> bool {
    new_roles.is_some_and(|r| {
        r.iter()
            .any(|x| CHECKING.contains(x) && !current.contains(*x))
    })
}

fn is_checker(current: &RoleSet, new_roles: Option<&[Role]>) -> bool {
    current.any(&CHECKING) || grants_checking_role(current, new_roles)
}

/// Whether a password set for an account waits for a second
/// administrator's confirmation: whoever sets an administrator's password
/// knows it and could sign in as them. So for an administrator's account,
/// and for one being made an administrator's.
pub fn password_needs_confirmation(current: &RoleSet, new_roles: Option<&[Role]>) -> bool {
    current.any(&renda_domain::role::ADMINISTRATIVE)
        || new_roles.is_some_and(|r| r.iter().any(|x| x.is_administrative()))
}

/// Whether a password set for an account must be changed at the next
/// sign-in: always for an administrator's account (a reset password is
/// theirs to replace), otherwise as asked (yes by default).
pub fn must_change_set_password(
    current: &RoleSet,
    new_roles: Option<&[Role]>,
    asked: Option<bool>,
) -> bool {
    is_checker(current, new_roles) || current.contains(Role::Admin) || asked.unwrap_or(true)
}

/// The actor of a service client's token, or `None` when the client may
/// not act (not active, or the token's secret rotated away). A client
/// acting for a unit answers as that unit's accounts do; one without a
/// unit reads as the office's leaders do.
pub fn client_actor(
    client: &renda_domain::integration::ServiceClient,
    secret_valid: bool,
    granted: &ScopeSet,
) -> Option<Actor> {
    if !secret_valid || client.status != renda_domain::integration::IntegrationStatus::Active {
        return None;
    }
    let role = if client.unit_id.is_some() {
        Role::Unit
    } else {
        Role::Leader
    };
    Some(Actor {
        user_id: client.id.into(),
        username: format!("client:{}", client.name),
        roles: RoleSet::new([role]),
        deputy_id: None,
        unit_id: client.unit_id.map(Into::into),
        observer_id: None,
        scopes: Some(granted.intersect(&client.scopes)),
    })
}

/// The answer of [`decide`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Not signed in, and signing in might help: 401.
    Unauthenticated,
    /// Signed in, and not allowed: 403.
    Forbidden,
    /// The object is not visible to the caller: 404, never revealing it exists.
    NotFound,
}

impl Decision {
    pub fn is_allowed(self) -> bool {
        self == Decision::Allow
    }
}

/// Decides whether `principal` may perform `action`.
pub fn decide(principal: &Principal, action: Action) -> Decision {
    // Public actions first: they need no account.
    if action == Action::ReadDeputies {
        return Decision::Allow;
    }
    let Some(actor) = principal.actor() else {
        return Decision::Unauthenticated;
    };
    let allowed = match action {
        Action::ReadDeputies | Action::ReadSelf | Action::ReadUnits => true,
        Action::ManageUnits | Action::ManageDeputies => actor.is_office(),
        Action::ReadDeputyPersonalData { deputy_id } => {
            actor.has(Role::Staff)
                || (actor.has(Role::Deputy) && actor.deputy_id == Some(deputy_id))
        }
        Action::ExportDeputyPersonalData => actor.has(Role::Staff) && !actor.is_client(),
        Action::ConfirmPasswordReset {
            requested_by,
            target,
        } => {
            actor.roles.any(&renda_domain::role::ADMINISTRATIVE)
                && !actor.is_client()
                && actor.user_id != requested_by.into()
                && actor.user_id != target.into()
        }
        Action::SeeOwnDeputyRecord { deputy_id } => {
            actor.has(Role::Deputy) && actor.deputy_id == Some(deputy_id) && !actor.is_client()
        }
        Action::EditOwnDeputyProfile { deputy_id } => {
            actor.has(Role::Deputy) && actor.deputy_id == Some(deputy_id)
        }
        Action::ManageUsers => actor.has(Role::Admin) && !actor.is_client(),
        Action::ReadUsers => {
            actor.roles.any(&[Role::Admin, Role::SecurityAdmin]) && !actor.is_client()
        }
        Action::ManageRoles => actor.has(Role::SecurityAdmin) && !actor.is_client(),
        Action::ReadSecurityPolicy => {
            actor.roles.any(&renda_domain::role::ADMINISTRATIVE) && !actor.is_client()
        }
        Action::ReadLoginHistory { user_id } => {
            !actor.is_client() && (actor.user_id == user_id || actor.has(Role::SecurityAdmin))
        }
        Action::ReadAuditTrail => actor.has(Role::AuditAdmin) && !actor.is_client(),
        Action::ReadConstituentPersonalData => actor.has(Role::Staff) && !actor.is_client(),
        Action::CreateSuggestion | Action::CreateMotion => {
            actor.has(Role::Deputy) && actor.deputy_id.is_some()
        }
        Action::ReadMotionStats | Action::ReadAssignmentBatches => {
            actor.roles.any(&[Role::Staff, Role::Leader])
        }
        Action::HandOutSuggestions | Action::ManageKeySupervision => actor.has(Role::Staff),
        Action::ReadKeySupervision => actor.roles.any(&[Role::Staff, Role::Leader]),
        Action::RecordKeySupervision => actor.has(Role::Leader),
        Action::ReadSuggestionStats => actor.roles.any(&[Role::Staff, Role::Leader]),
        Action::AdministerSuggestionCatalogue => actor.has(Role::Staff),
        Action::CreateSupervision => actor.has(Role::Staff),
        Action::ReadSupervisionStats => actor.roles.any(&[Role::Staff, Role::Leader]),
        Action::ManageStations | Action::ManageActivities | Action::ManageCongressSessions => {
            actor.has(Role::Staff)
        }
        Action::RecordReception { on_duty } => {
            actor.has(Role::Staff) || (on_duty && actor.has(Role::Deputy))
        }
        Action::ReadActivities => true,
        Action::TakePartInActivities => actor.has(Role::Deputy) && actor.deputy_id.is_some(),
        Action::ReadDuties { deputy_id } => {
            actor.roles.any(&[Role::Staff, Role::Leader])
                || (actor.has(Role::Deputy) && actor.deputy_id == Some(deputy_id))
        }
        Action::ChangeDuty {
            deputy_id,
            manual,
            created_by,
        } => {
            decide(principal, Action::RecordDuty { deputy_id }).is_allowed()
                && (actor.has(Role::Staff) || !manual || created_by == Some(actor.user_id))
        }
        Action::RecordDuty { deputy_id } => {
            actor.has(Role::Staff)
                || (actor.has(Role::Deputy) && actor.deputy_id == Some(deputy_id))
        }
        Action::ReadDutySummary | Action::ReadLivelihoodVoters => {
            actor.roles.any(&[Role::Staff, Role::Leader])
        }
        Action::ManageLivelihood => actor.has(Role::Staff),
        Action::ManageClients => actor.has(Role::Admin) && !actor.is_client(),
        Action::ManageWebhooks => actor.is_client() || actor.has(Role::Admin),
        Action::ReadObserverRecord { observer_id } => {
            actor.roles.any(&[Role::Staff, Role::Leader])
                || (actor.has(Role::Observer) && actor.observer_id == Some(observer_id))
        }
        Action::ReadObservers => true,
        Action::ManageObservers => actor.is_office(),
        Action::ReadObserverPersonalData { observer_id } => {
            actor.has(Role::Staff)
                || (actor.has(Role::Observer) && actor.observer_id == Some(observer_id))
        }
        Action::SeeOwnObserverRecord { observer_id } => {
            actor.has(Role::Observer)
                && actor.observer_id == Some(observer_id)
                && !actor.is_client()
        }
        Action::EditOwnObserverRecord { observer_id } => {
            actor.has(Role::Observer) && actor.observer_id == Some(observer_id)
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
    use Decision::{Allow, Forbidden, Unauthenticated};

    fn actor(roles: &[Role], deputy_id: Option<DeputyId>) -> Principal {
        crate::testing::person(1, roles, deputy_id, None)
    }

    #[test]
    fn the_security_administrator_keeps_the_checking_administrators_accounts() {
        let admin = RoleSet::new([Role::Admin]);
        let staff = RoleSet::new([Role::Staff]);
        let auditor = RoleSet::new([Role::AuditAdmin]);
        assert_eq!(account_keeper(&staff, None), Action::ManageUsers);
        assert_eq!(account_keeper(&admin, None), Action::ManageUsers);
        assert_eq!(account_keeper(&auditor, None), Action::ManageRoles);
        assert_eq!(
            account_keeper(&staff, Some(&[Role::SecurityAdmin])),
            Action::ManageRoles
        );
        assert_eq!(
            account_keeper(&auditor, Some(&[Role::AuditAdmin])),
            Action::ManageRoles
        );
        assert!(grants_checking_role(
            &staff,
            Some(&[Role::Staff, Role::AuditAdmin])
        ));
        assert!(!grants_checking_role(&auditor, Some(&[Role::AuditAdmin])));
        assert!(!grants_checking_role(&staff, None));
        assert!(grants_checking_role(
            &staff,
            Some(&[Role::Staff, Role::AuditAdmin])
        ));
        assert!(!grants_checking_role(&auditor, Some(&[Role::AuditAdmin])));
        assert!(!grants_checking_role(&staff, None));
        assert!(password_needs_confirmation(&admin, None));
        assert!(password_needs_confirmation(
            &staff,
            Some(&[Role::Staff, Role::Admin])
        ));
        assert!(!password_needs_confirmation(&staff, Some(&[Role::Leader])));
        assert!(!password_needs_confirmation(&staff, None));
        assert!(must_change_set_password(&admin, None, Some(false)));
        assert!(must_change_set_password(&auditor, None, Some(false)));
        assert!(must_change_set_password(
            &staff,
            Some(&[Role::AuditAdmin]),
            Some(false)
        ));
        assert!(!must_change_set_password(&staff, None, Some(false)));
        assert!(must_change_set_password(&staff, None, None));
    }

    #[test]
    fn a_client_acts_while_active_as_its_unit_or_as_a_leader() {
        use renda_domain::integration::{IntegrationStatus, ServiceClient};
        let now = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
        let scopes = ScopeSet::parse("suggestions:read").unwrap_or_default();
        let mut c = ServiceClient {
            id: Uuid::from_u128(5),
            name: "oa".into(),
            scopes: scopes.clone(),
            unit_id: Some(Uuid::from_u128(6)),
            status: IntegrationStatus::Active,
            previous_secret_expires_at: None,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        let a = client_actor(&c, true, &scopes);
        assert_eq!(a.as_ref().map(|a| a.has(Role::Unit)), Some(true));
        assert_eq!(
            a.and_then(|a| a.unit_id),
            Some(Into::into(Uuid::from_u128(6)))
        );
        assert_eq!(client_actor(&c, false, &scopes), None);
        c.unit_id = None;
        assert_eq!(
            client_actor(&c, true, &scopes).map(|a| a.has(Role::Leader)),
            Some(true)
        );
        c.status = IntegrationStatus::Disabled;
        assert_eq!(client_actor(&c, true, &scopes), None);
    }

    #[test]
    fn decision_table() {
        let me = Uuid::from_u128(10);
        let other = Uuid::from_u128(11);
        let anon = Principal::Anonymous;
        let admin = actor(&[Role::Admin], None);
        let security = actor(&[Role::SecurityAdmin], None);
        let auditor = actor(&[Role::AuditAdmin], None);
        let staff = actor(&[Role::Staff], None);
        let leader = actor(&[Role::Leader], None);
        let deputy = actor(&[Role::Deputy], Some(me.into()));
        let unlinked_deputy = actor(&[Role::Deputy], None);
        let unit = actor(&[Role::Unit], None);
        let observer = Principal::User(Actor {
            observer_id: Some(me),
            ..match actor(&[Role::Observer], None) {
                Principal::User(a) => a,
                Principal::Anonymous => return,
            }
        });

        use Action::*;
        let own = ReadDeputyPersonalData {
            deputy_id: me.into(),
        };
        let others = ReadDeputyPersonalData {
            deputy_id: other.into(),
        };
        let edit_own = EditOwnDeputyProfile {
            deputy_id: me.into(),
        };
        let edit_other = EditOwnDeputyProfile {
            deputy_id: other.into(),
        };

        #[rustfmt::skip]
        let table: &[(&Principal, Action, Decision)] = &[
            // public profiles are for everyone
            (&anon, ReadDeputies, Allow),
            (&unit, ReadDeputies, Allow),
            // everything else needs an account
            (&anon, ReadSelf, Unauthenticated),
            (&anon, ReadUnits, Unauthenticated),
            (&anon, ManageUnits, Unauthenticated),
            (&anon, own, Unauthenticated),
            (&anon, ManageUsers, Unauthenticated),
            (&anon, ReadAuditTrail, Unauthenticated),
            // units: everyone signed in reads, the office manages
            (&observer, ReadUnits, Allow),
            (&deputy, ReadUnits, Allow),
            (&staff, ManageUnits, Allow),
            (&admin, ManageUnits, Allow),
            (&leader, ManageUnits, Forbidden),
            (&deputy, ManageUnits, Forbidden),
            (&unit, ManageUnits, Forbidden),
            // deputies: the office manages; a deputy edits only their own
            (&staff, ManageDeputies, Allow),
            (&admin, ManageDeputies, Allow),
            (&deputy, ManageDeputies, Forbidden),
            (&leader, ManageDeputies, Forbidden),
            (&deputy, edit_own, Allow),
            (&deputy, SeeOwnDeputyRecord { deputy_id: me.into() }, Allow),
            (&deputy, SeeOwnDeputyRecord { deputy_id: other.into() }, Forbidden),
            (&staff, SeeOwnDeputyRecord { deputy_id: me.into() }, Forbidden),
            (&observer, SeeOwnObserverRecord { observer_id: me }, Allow),
            (&observer, SeeOwnObserverRecord { observer_id: other }, Forbidden),
            (&deputy, edit_other, Forbidden),
            (&unlinked_deputy, edit_own, Forbidden),
            (&staff, edit_own, Forbidden),
            // personal data: the office's staff and the person
            (&staff, others, Allow),
            (&deputy, own, Allow),
            (&deputy, others, Forbidden),
            (&leader, others, Forbidden),
            (&unit, others, Forbidden),
            // the three administrators check each other (三员分立)
            (&admin, ManageUsers, Allow),
            (&security, ManageUsers, Forbidden),
            (&auditor, ManageUsers, Forbidden),
            (&staff, ManageUsers, Forbidden),
            (&admin, ReadUsers, Allow),
            (&security, ReadUsers, Allow),
            (&auditor, ReadUsers, Forbidden),
            (&security, ManageRoles, Allow),
            (&admin, ManageRoles, Forbidden),
            (&auditor, ManageRoles, Forbidden),
            (&auditor, ReadAuditTrail, Allow),
            (&admin, ReadAuditTrail, Forbidden),
            (&security, ReadAuditTrail, Forbidden),
            (&staff, ReadAuditTrail, Forbidden),
            (&auditor, ReadSecurityPolicy, Allow),
            (&staff, ReadSecurityPolicy, Forbidden),
            (&staff, ReadLoginHistory { user_id: UserId::from_u128(1) }, Allow),
            (&staff, ReadLoginHistory { user_id: other.into() }, Forbidden),
            (&admin, ReadLoginHistory { user_id: other.into() }, Forbidden),
            (&security, ReadLoginHistory { user_id: other.into() }, Allow),
            (&auditor, ManageUnits, Forbidden),
            (&security, ManageDeputies, Forbidden),
            (&deputy, ReadSelf, Allow),
            // suggestions are drafted by deputies with a linked record
            (&deputy, CreateSuggestion, Allow),
            (&unlinked_deputy, CreateSuggestion, Forbidden),
            (&staff, CreateSuggestion, Forbidden),
            (&deputy, CreateMotion, Allow),
            (&unlinked_deputy, CreateMotion, Forbidden),
            (&staff, CreateMotion, Forbidden),
            (&staff, ReadMotionStats, Allow),
            (&deputy, ReadMotionStats, Forbidden),
            (&staff, HandOutSuggestions, Allow),
            (&unit, HandOutSuggestions, Forbidden),
            (&unit, ReadAssignmentBatches, Forbidden),
            (&staff, ManageKeySupervision, Allow),
            (&leader, ManageKeySupervision, Forbidden),
            (&leader, ReadKeySupervision, Allow),
            (&deputy, ReadKeySupervision, Forbidden),
            (&leader, RecordKeySupervision, Allow),
            (&staff, RecordKeySupervision, Forbidden),
            (&anon, CreateSuggestion, Unauthenticated),
            (&staff, ReadSuggestionStats, Allow),
            (&leader, ReadSuggestionStats, Allow),
            (&deputy, ReadSuggestionStats, Forbidden),
            (&staff, AdministerSuggestionCatalogue, Allow),
            (&admin, AdministerSuggestionCatalogue, Forbidden),
            (&leader, AdministerSuggestionCatalogue, Forbidden),
            (&staff, CreateSupervision, Allow),
            (&leader, CreateSupervision, Forbidden),
            (&deputy, CreateSupervision, Forbidden),
            (&leader, ReadSupervisionStats, Allow),
            (&observer, ReadSupervisionStats, Forbidden),
            (&observer, ReadObserverRecord { observer_id: me }, Allow),
            (&observer, ReadObserverRecord { observer_id: other }, Forbidden),
            (&leader, ReadObserverRecord { observer_id: other }, Allow),
            (&deputy, ReadObserverRecord { observer_id: other }, Forbidden),
            (&staff, ManageStations, Allow),
            (&admin, ManageStations, Forbidden),
            (&staff, ManageCongressSessions, Allow),
            (&admin, ManageCongressSessions, Forbidden),
            (&deputy, ManageActivities, Forbidden),
            (&unit, ReadActivities, Allow),
            (&deputy, TakePartInActivities, Allow),
            (&unlinked_deputy, TakePartInActivities, Forbidden),
            (&staff, TakePartInActivities, Forbidden),
            (&anon, ReadActivities, Unauthenticated),
            (&deputy, RecordReception { on_duty: true }, Allow),
            (&deputy, RecordReception { on_duty: false }, Forbidden),
            (&deputy, ReadDuties { deputy_id: me.into() }, Allow),
            (&deputy, ReadDuties { deputy_id: other.into() }, Forbidden),
            (&leader, ReadDuties { deputy_id: other.into() }, Allow),
            (&deputy, RecordDuty { deputy_id: me.into() }, Allow),
            (&deputy, RecordDuty { deputy_id: other.into() }, Forbidden),
            (&leader, RecordDuty { deputy_id: other.into() }, Forbidden),
            (&staff, ChangeDuty { deputy_id: other.into(), manual: true, created_by: Some(other.into()) }, Allow),
            (&deputy, ChangeDuty { deputy_id: me.into(), manual: true, created_by: Some(Uuid::from_u128(1).into()) }, Allow),
            (&deputy, ChangeDuty { deputy_id: me.into(), manual: true, created_by: Some(other.into()) }, Forbidden),
            (&deputy, ChangeDuty { deputy_id: me.into(), manual: false, created_by: None }, Allow),
            (&deputy, ChangeDuty { deputy_id: other.into(), manual: true, created_by: Some(Uuid::from_u128(1).into()) }, Forbidden),
            (&leader, ChangeDuty { deputy_id: other.into(), manual: true, created_by: None }, Forbidden),
            (&staff, RecordDuty { deputy_id: other.into() }, Allow),
            (&leader, ReadDutySummary, Allow),
            (&deputy, ReadDutySummary, Forbidden),
            (&staff, ManageLivelihood, Allow),
            (&leader, ManageLivelihood, Forbidden),
            (&admin, ReadLivelihoodVoters, Forbidden),
            (&leader, ReadLivelihoodVoters, Allow),
            (&admin, ManageClients, Allow),
            (&staff, ManageClients, Forbidden),
            (&admin, ManageWebhooks, Allow),
            (&staff, ManageWebhooks, Forbidden),
            (&deputy, ManageWebhooks, Forbidden),
            // observers: everyone signed in reads; the office registers;
            // contact details for the office and the observer
            (&anon, ReadObservers, Unauthenticated),
            (&deputy, ReadObservers, Allow),
            (&staff, ManageObservers, Allow),
            (&observer, ManageObservers, Forbidden),
            (&staff, ReadObserverPersonalData { observer_id: me }, Allow),
            (&admin, ReadObserverPersonalData { observer_id: me }, Forbidden),
            // personal data unmasked: not the system administrator
            (&admin, others, Forbidden),
            (&staff, ExportDeputyPersonalData, Allow),
            (&admin, ExportDeputyPersonalData, Forbidden),
            // an administrator's password reset: a second administrator
            (&admin, ConfirmPasswordReset { requested_by: other, target: me }, Allow),
            (&security, ConfirmPasswordReset { requested_by: other, target: me }, Allow),
            (&admin, ConfirmPasswordReset { requested_by: Uuid::from_u128(1), target: me }, Forbidden),
            (&admin, ConfirmPasswordReset { requested_by: other, target: Uuid::from_u128(1) }, Forbidden),
            (&staff, ConfirmPasswordReset { requested_by: other, target: me }, Forbidden),
            (&deputy, ExportDeputyPersonalData, Forbidden),
            (&observer, ReadObserverPersonalData { observer_id: me }, Allow),
            (&observer, ReadObserverPersonalData { observer_id: other }, Forbidden),
            (&deputy, ReadObserverPersonalData { observer_id: me }, Forbidden),
            (&observer, EditOwnObserverRecord { observer_id: me }, Allow),
            (&observer, EditOwnObserverRecord { observer_id: other }, Forbidden),
            (&staff, EditOwnObserverRecord { observer_id: me }, Forbidden),
        ];
        for (who, action, want) in table {
            assert_eq!(decide(who, *action), *want, "{who:?} {action:?}");
        }
    }
}
