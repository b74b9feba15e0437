//! The roles a user account can hold.

string_enum! {
    /// A role held by a user account; an account may hold several.
    pub enum Role : "role" {
        /// System administrator (系统管理员): accounts and settings.
        Admin = "admin",
        /// Security administrator (安全管理员): roles and permissions,
        /// account locks, the security policy, sign-in histories.
        SecurityAdmin = "security_admin",
        /// Audit administrator (审计管理员): reads and exports the audit
        /// trail, and nothing else.
        AuditAdmin = "audit_admin",
        /// Standing-committee office staff.
        Staff = "staff",
        /// Committee leader: supervises red suggestions, signs off.
        Leader = "leader",
        /// A deputy, linked to a deputy record.
        Deputy = "deputy",
        /// An operator of a handling unit, linked to a unit.
        Unit = "unit",
        /// An appointed observer, linked to an observer record.
        Observer = "observer",
    }
}

/// The three administrative roles, which check each other (三员分立): no
/// account holds two of them.
pub const ADMINISTRATIVE: [Role; 3] = [Role::Admin, Role::SecurityAdmin, Role::AuditAdmin];

impl Role {
    /// True for the three administrative roles.
    pub fn is_administrative(self) -> bool {
        ADMINISTRATIVE.contains(&self)
    }
}

/// A set of roles, kept sorted and free of repeats.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct RoleSet(Vec<Role>);

impl RoleSet {
    pub fn new(roles: impl IntoIterator<Item = Role>) -> Self {
        let mut v: Vec<Role> = roles.into_iter().collect();
        v.sort();
        v.dedup();
        Self(v)
    }

    pub fn contains(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    /// True when the set holds at least one of `roles`.
    pub fn any(&self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.contains(*r))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }

    pub fn to_vec(&self) -> Vec<Role> {
        self.0.clone()
    }

    /// The administrative roles in the set.
    pub fn administrative(&self) -> Vec<Role> {
        self.0
            .iter()
            .copied()
            .filter(|r| r.is_administrative())
            .collect()
    }

    /// True when the set breaks the separation of duties: two
    /// administrative roles, or the security or audit administrator with
    /// any other role (they would check work they also do).
    pub fn breaks_separation(&self) -> bool {
        let checking = self.any(&[Role::SecurityAdmin, Role::AuditAdmin]);
        self.administrative().len() > 1 || (checking && self.0.len() > 1)
    }

    /// Storage form: `,admin,staff,` so that a role can be matched with
    /// `LIKE '%,staff,%'` on every database.
    pub fn to_storage(&self) -> String {
        let mut s = String::from(",");
        for r in &self.0 {
            s.push_str(r.as_str());
            s.push(',');
        }
        s
    }

    /// Reads the storage form, ignoring anything that is not a role.
    pub fn from_storage(s: &str) -> Self {
        Self::new(s.split(',').filter_map(|p| p.parse().ok()))
    }
}

/// Serialises a role set as a list of identifiers.
pub fn serialize_roles<S: serde::Serializer>(roles: &RoleSet, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(roles.0.len()))?;
    for r in &roles.0 {
        seq.serialize_element(r.as_str())?;
    }
    seq.end()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_round_trip_sorts_and_dedups() {
        let set = RoleSet::new([Role::Staff, Role::Admin, Role::Staff]);
        assert_eq!(set.to_storage(), ",admin,staff,");
        assert_eq!(RoleSet::from_storage(",admin,staff,"), set);
    }

    #[test]
    fn no_set_may_hold_two_administrative_roles() {
        assert!(!RoleSet::new([Role::Admin, Role::Staff]).breaks_separation());
        assert!(RoleSet::new([Role::Admin, Role::AuditAdmin]).breaks_separation());
        assert!(RoleSet::new([Role::SecurityAdmin, Role::AuditAdmin]).breaks_separation());
        assert!(!RoleSet::new([Role::AuditAdmin]).breaks_separation());
        assert!(RoleSet::new([Role::AuditAdmin, Role::Staff]).breaks_separation());
        assert!(RoleSet::new([Role::SecurityAdmin, Role::Leader]).breaks_separation());
        assert_eq!("security_admin".parse::<Role>(), Ok(Role::SecurityAdmin));
    }

    #[test]
    fn unknown_role_is_refused() {
        assert!("root".parse::<Role>().is_err());
        assert_eq!("leader".parse::<Role>(), Ok(Role::Leader));
    }
}
