//! Integration with other systems: the scopes a service client may hold,
//! the events a webhook subscription may ask for, which destination
//! addresses a delivery may reach, and how often a failed delivery is
//! retried.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

string_enum! {
    /// What a service client's token allows, on top of what its role
    /// allows. A token lacking the scope an operation needs gets 403.
    pub enum Scope : "scope" {
        /// List and read suggestions, their records and statistics, and
        /// export them.
        #[serde(rename = "suggestions:read")]
        SuggestionsRead = "suggestions:read",
        /// The handling unit's work on a suggestion: reply, co-unit
        /// opinion, requests, commitment progress, attachments.
        #[serde(rename = "suggestions:reply")]
        SuggestionsReply = "suggestions:reply",
        /// List and read deputies.
        #[serde(rename = "deputies:read")]
        DeputiesRead = "deputies:read",
        /// List and read handling units.
        #[serde(rename = "units:read")]
        UnitsRead = "units:read",
        /// List and read supervision items and their records.
        #[serde(rename = "supervisions:read")]
        SupervisionsRead = "supervisions:read",
        /// A supervised body's rectification reports.
        #[serde(rename = "supervisions:report")]
        SupervisionsReport = "supervisions:report",
        /// Manage the client's own webhook subscriptions and read their
        /// deliveries.
        #[serde(rename = "webhooks:manage")]
        WebhooksManage = "webhooks:manage",
    }
}

/// A set of scopes, stored and sent as a space-separated list (RFC 6749
/// §3.3), in declaration order.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ScopeSet(Vec<Scope>);

impl ScopeSet {
    pub fn new(scopes: impl IntoIterator<Item = Scope>) -> Self {
        let mut v: Vec<Scope> = scopes.into_iter().collect();
        v.sort();
        v.dedup();
        Self(v)
    }

    /// Parses a space-separated list; an unknown name is an error.
    pub fn parse(s: &str) -> Result<Self, crate::UnknownVariant> {
        s.split_ascii_whitespace()
            .map(str::parse)
            .collect::<Result<Vec<Scope>, _>>()
            .map(Self::new)
    }

    pub fn contains(&self, s: Scope) -> bool {
        self.0.contains(&s)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The scopes of `self` that `other` also holds.
    pub fn intersect(&self, other: &ScopeSet) -> ScopeSet {
        ScopeSet(
            self.0
                .iter()
                .copied()
                .filter(|s| other.contains(*s))
                .collect(),
        )
    }

    pub fn to_vec(&self) -> Vec<Scope> {
        self.0.clone()
    }

    /// The space-separated form.
    pub fn to_storage(&self) -> String {
        self.0
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

string_enum! {
    /// Whether a service client or a webhook subscription is in use.
    pub enum IntegrationStatus : "status" {
        Active = "active",
        Disabled = "disabled",
    }
}

/// A registered service client: another system acting through the API
/// with the client credentials grant. Its secret is never part of it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ServiceClient {
    pub id: uuid::Uuid,
    pub name: String,
    pub scopes: ScopeSet,
    /// The unit the client acts for (a department's OA system), which it
    /// sees and answers as that unit's accounts do. Without one the client
    /// reads as the congress office's leaders do and writes nothing.
    pub unit_id: Option<uuid::Uuid>,
    pub status: IntegrationStatus,
    /// Until when the secret replaced by the latest rotation still works.
    pub previous_secret_expires_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub version: i32,
}

/// Who owns a webhook subscription, and so which events it may receive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum SubscriptionOwner {
    /// An administrator, for the congress office: every event the office
    /// sees.
    User(uuid::Uuid),
    /// A service client: the events its unit sees (or the office's, for a
    /// client without a unit).
    Client(uuid::Uuid),
}

/// A webhook subscription. Its signing secret is never part of it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Subscription {
    pub id: uuid::Uuid,
    pub owner: SubscriptionOwner,
    /// Set when only events concerning this unit are delivered.
    pub audience_unit_id: Option<uuid::Uuid>,
    pub url: String,
    pub event_types: Vec<String>,
    pub status: IntegrationStatus,
    pub description: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub version: i32,
}

/// Who may learn of an event: the office, and units concerned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Audience {
    pub office: bool,
    pub units: Vec<uuid::Uuid>,
}

impl Audience {
    /// Whether a subscription limited to `unit` (or not limited, for the
    /// office) may receive an event with this audience.
    pub fn admits(&self, unit: Option<uuid::Uuid>) -> bool {
        match unit {
            Some(u) => self.units.contains(&u),
            None => self.office,
        }
    }
}

string_enum! {
    /// Where a webhook delivery stands.
    pub enum DeliveryStatus : "delivery status" {
        /// Waiting for its first or next attempt.
        Pending = "pending",
        /// The receiver answered 2xx.
        Delivered = "delivered",
        /// Every attempt failed for the whole retry window; a replay may
        /// queue it again.
        Failed = "failed",
        /// The subscription was deleted before it was made.
        Cancelled = "cancelled",
    }
}

/// The kinds of object whose life webhooks report.
pub const EVENT_OBJECTS: &[&str] = &[
    "suggestion",
    "supervision",
    "livelihood_round",
    "opinion",
    "motion",
];

/// The longest action an event type may name.
pub const EVENT_ACTION_MAX: usize = 40;

/// Whether `pattern` is an event type a subscription may ask for: `*`,
/// `<object>.*`, or `<object>.<action>` with an action of lower-case
/// letters and underscores (`suggestion.replied`).
pub fn valid_event_pattern(pattern: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let Some((object, action)) = pattern.split_once('.') else {
        return false;
    };
    EVENT_OBJECTS.contains(&object)
        && (action == "*"
            || (!action.is_empty()
                && action.len() <= EVENT_ACTION_MAX
                && action.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')))
}

/// The scope a service client needs to receive events about an object of
/// this kind; `None` when no client may (constituent opinions, livelihood
/// rounds: no scope opens them to clients).
pub fn event_scope(object_type: &str) -> Option<Scope> {
    match object_type {
        "suggestion" => Some(Scope::SuggestionsRead),
        "supervision" => Some(Scope::SupervisionsRead),
        _ => None,
    }
}

/// Whether a client holding `scopes` may receive events of this type
/// (`suggestion.replied`).
pub fn event_in_scope(scopes: &ScopeSet, event_type: &str) -> bool {
    let object = event_type.split('.').next().unwrap_or_default();
    event_scope(object).is_some_and(|s| scopes.contains(s))
}

/// Whether an event type matches one of the patterns.
pub fn event_matches(patterns: &[String], event_type: &str) -> bool {
    patterns.iter().any(|p| {
        p == "*"
            || p == event_type
            || p.strip_suffix(".*").is_some_and(|object| {
                event_type
                    .strip_prefix(object)
                    .is_some_and(|rest| rest.starts_with('.'))
            })
    })
}

/// Where a webhook may not be delivered to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressRefusal {
    /// This machine (127.0.0.0/8, ::1) or "this network" (0.0.0.0).
    Loopback,
    /// Link-local addresses (169.254.0.0/16, fe80::/10).
    LinkLocal,
    /// A cloud provider's instance metadata service.
    Metadata,
    /// A private network (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7)
    /// not listed in the configuration.
    PrivateNotAllowed,
    /// Multicast, broadcast, documentation or reserved addresses.
    NotRoutable,
}

/// An IP network (`10.20.0.0/16`) where on-premise systems live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    addr: IpAddr,
    prefix: u8,
}

impl Network {
    /// Parses `addr/prefix` or a single address.
    pub fn parse(s: &str) -> Option<Self> {
        let (a, p) = match s.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s.trim(), None),
        };
        let addr: IpAddr = a.parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match p {
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max)?,
            None => max,
        };
        Some(Self { addr, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, canonical(ip)) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

impl std::fmt::Display for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// An IPv4 address written as IPv6, mapped (`::ffff:127.0.0.1`) or in
/// the old compatible form (`::127.0.0.1`), is that IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return IpAddr::V4(v4);
            }
            let seg = v6.segments();
            let compatible = seg[..6].iter().all(|s| *s == 0) && !(seg[6] == 0 && seg[7] <= 1);
            if compatible {
                let [.., a, b, c, d] = v6.octets();
                IpAddr::V4(Ipv4Addr::new(a, b, c, d))
            } else {
                ip
            }
        }
        v4 => v4,
    }
}

fn in_v4(a: Ipv4Addr, net: [u8; 4], prefix: u32) -> bool {
    let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
    u32::from(a) & mask == u32::from(Ipv4Addr::from(net)) & mask
}

fn in_v6(a: Ipv6Addr, net: Ipv6Addr, prefix: u32) -> bool {
    let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
    u128::from(a) & mask == u128::from(net) & mask
}

/// Cloud instance metadata services: AWS, GCP, Azure and OpenStack
/// (169.254.169.254), Alibaba Cloud (100.100.100.200), Tencent Cloud
/// (169.254.0.23), Azure's host agent (168.63.129.16) and AWS over IPv6
/// (fd00:ec2::254). Never reachable,
/// whatever the configuration lists.
fn is_metadata(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => {
            a == Ipv4Addr::new(169, 254, 169, 254)
                || a == Ipv4Addr::new(100, 100, 100, 200)
                || a == Ipv4Addr::new(169, 254, 0, 23)
                || a == Ipv4Addr::new(168, 63, 129, 16)
        }
        IpAddr::V6(a) => a == Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254),
    }
}

/// Decides whether a webhook may be delivered to `ip`. Metadata services
/// are always refused; an address inside a network listed in `allowed`
/// is accepted (the operator's choice: an OA system on the office's
/// network, or a receiver on this machine for testing); otherwise
/// loopback, link-local, private and non-routable addresses are refused.
pub fn check_destination(ip: IpAddr, allowed: &[Network]) -> Result<(), AddressRefusal> {
    let ip = canonical(ip);
    if is_metadata(ip) {
        return Err(AddressRefusal::Metadata);
    }
    if allowed.iter().any(|n| n.contains(ip)) {
        return Ok(());
    }
    match ip {
        IpAddr::V4(a) => {
            if a.is_loopback() || a.is_unspecified() || in_v4(a, [0, 0, 0, 0], 8) {
                Err(AddressRefusal::Loopback)
            } else if a.is_link_local() {
                Err(AddressRefusal::LinkLocal)
            } else if a.is_private() || in_v4(a, [100, 64, 0, 0], 10) {
                Err(AddressRefusal::PrivateNotAllowed)
            } else if a.is_multicast()
                || a.is_broadcast()
                || a.is_documentation()
                || in_v4(a, [240, 0, 0, 0], 4)
                || in_v4(a, [192, 0, 0, 0], 24)
                || in_v4(a, [198, 18, 0, 0], 15)
            {
                Err(AddressRefusal::NotRoutable)
            } else {
                Ok(())
            }
        }
        IpAddr::V6(a) => {
            if a.is_loopback() || a.is_unspecified() {
                Err(AddressRefusal::Loopback)
            } else if in_v6(a, Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10) {
                Err(AddressRefusal::LinkLocal)
            } else if in_v6(a, Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7)
                || in_v6(a, Ipv6Addr::new(0xfec0, 0, 0, 0, 0, 0, 0, 0), 10)
            {
                // Unique local and the old site-local addresses.
                Err(AddressRefusal::PrivateNotAllowed)
            } else if a.is_multicast()
                || in_v6(a, Ipv6Addr::new(0x2001, 0x0db8, 0, 0, 0, 0, 0, 0), 32)
                // NAT64, 6to4 and Teredo carry an IPv4 address inside,
                // which may be a private one.
                || in_v6(a, Ipv6Addr::new(0x0064, 0xff9b, 0, 0, 0, 0, 0, 0), 96)
                || in_v6(a, Ipv6Addr::new(0x0064, 0xff9b, 0x0001, 0, 0, 0, 0, 0), 48)
                || in_v6(a, Ipv6Addr::new(0x2002, 0, 0, 0, 0, 0, 0, 0), 16)
                || in_v6(a, Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 32)
            {
                Err(AddressRefusal::NotRoutable)
            } else {
                Ok(())
            }
        }
    }
}

/// How long to wait before attempt `attempt + 1` after `attempt` failed
/// attempts: `base · 2^(attempt-1)`, at most an hour.
pub fn retry_delay(attempt: u32, base: std::time::Duration) -> std::time::Duration {
    let factor = 1u32 << attempt.saturating_sub(1).min(20);
    base.saturating_mul(factor)
        .min(std::time::Duration::from_secs(3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
    }

    #[test]
    fn scopes_parse_and_print_space_separated() {
        let s = ScopeSet::parse("suggestions:reply  suggestions:read suggestions:read");
        assert_eq!(
            s.as_ref().map(ScopeSet::to_storage).ok().as_deref(),
            Some("suggestions:read suggestions:reply")
        );
        assert!(ScopeSet::parse("suggestions:write").is_err());
        assert_eq!(ScopeSet::parse("").map(|s| s.is_empty()), Ok(true));
    }

    #[test]
    fn event_patterns() {
        for p in [
            "*",
            "suggestion.*",
            "suggestion.replied",
            "opinion.forwarded",
        ] {
            assert!(valid_event_pattern(p), "{p}");
        }
        for p in [
            "",
            "suggestion",
            "unit.*",
            "suggestion.",
            "suggestion.Replied",
            "*.*",
        ] {
            assert!(!valid_event_pattern(p), "{p}");
        }
        let pats = vec!["suggestion.*".to_owned(), "supervision.closed".to_owned()];
        assert!(event_matches(&pats, "suggestion.replied"));
        assert!(event_matches(&pats, "supervision.closed"));
        assert!(!event_matches(&pats, "supervision.planned"));
        assert!(!event_matches(&pats, "suggestions.replied"));
    }

    #[test]
    fn destinations() {
        use AddressRefusal::*;
        let none: &[Network] = &[];
        assert_eq!(check_destination(ip("127.0.0.1"), none), Err(Loopback));
        assert_eq!(check_destination(ip("::1"), none), Err(Loopback));
        assert_eq!(
            check_destination(ip("::ffff:127.0.0.1"), none),
            Err(Loopback)
        );
        assert_eq!(check_destination(ip("0.0.0.0"), none), Err(Loopback));
        assert_eq!(check_destination(ip("169.254.1.1"), none), Err(LinkLocal));
        assert_eq!(check_destination(ip("fe80::1"), none), Err(LinkLocal));
        assert_eq!(
            check_destination(ip("169.254.169.254"), none),
            Err(Metadata)
        );
        assert_eq!(
            check_destination(ip("100.100.100.200"), none),
            Err(Metadata)
        );
        assert_eq!(
            check_destination(ip("10.1.2.3"), none),
            Err(PrivateNotAllowed)
        );
        assert_eq!(
            check_destination(ip("192.168.0.9"), none),
            Err(PrivateNotAllowed)
        );
        assert_eq!(
            check_destination(ip("fd12::1"), none),
            Err(PrivateNotAllowed)
        );
        assert_eq!(check_destination(ip("224.0.0.1"), none), Err(NotRoutable));
        assert_eq!(check_destination(ip("203.0.113.5"), none), Err(NotRoutable));
        assert_eq!(check_destination(ip("202.96.134.133"), none), Ok(()));
        let office = [Network::parse("10.20.0.0/16"), Network::parse("127.0.0.1")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>();
        assert_eq!(check_destination(ip("10.20.3.4"), &office), Ok(()));
        assert_eq!(
            check_destination(ip("10.21.3.4"), &office),
            Err(PrivateNotAllowed)
        );
        assert_eq!(check_destination(ip("127.0.0.1"), &office), Ok(()));
        assert_eq!(check_destination(ip("127.0.0.2"), &office), Err(Loopback));
        // Listing a metadata address does not open it.
        let all = [Network::parse("0.0.0.0/0")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>();
        assert_eq!(
            check_destination(ip("169.254.169.254"), &all),
            Err(Metadata)
        );
        assert!(Network::parse("10.0.0.0/33").is_none());
        assert!(Network::parse("example").is_none());
    }

    #[test]
    fn retries_back_off_to_an_hour() {
        let base = std::time::Duration::from_secs(10);
        assert_eq!(retry_delay(1, base).as_secs(), 10);
        assert_eq!(retry_delay(2, base).as_secs(), 20);
        assert_eq!(retry_delay(5, base).as_secs(), 160);
        assert_eq!(retry_delay(30, base).as_secs(), 3600);
    }
}
