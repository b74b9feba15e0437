//! Memberships and links as the API reads and writes them.

use super::*;
use renda_domain::text::Line;

/// A membership of a congress.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "membership_period"))]
#[schema(example = json!({
    "level": "county", "term": "第十八届", "constituency": "古城街道第三选区",
    "delegation": null, "start_date": "2021-12-01", "end_date": null, "status": "serving"
}))]
pub struct MembershipBody {
    pub level: Level,
    /// The congress term (届次), e.g. `第十八届`.
    pub term: Line<40>,
    /// Constituency (选区), for deputies elected directly.
    pub constituency: Option<Line<200>>,
    /// Delegation (代表团), for deputies elected by a congress.
    pub delegation: Option<Line<200>>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    /// Default `serving`.
    #[serde(default = "serving")]
    pub status: MembershipStatus,
}

fn serving() -> MembershipStatus {
    MembershipStatus::Serving
}

fn membership_period(m: &MembershipBody) -> Result<(), ValidationError> {
    if is_valid_period(m.start_date, m.end_date) {
        Ok(())
    } else {
        Err(invalid(
            "period",
            "结束日期不能早于开始日期",
            "the end date is before the start date",
        ))
    }
}

/// A "three links" link.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "link_period"))]
#[schema(example = json!({"kind": "community", "organization": "项里社区", "start_date": "2022-01-01", "end_date": null}))]
pub struct LinkBody {
    pub kind: LinkKind,
    /// The linked community, social organisation or enterprise.
    pub organization: Line<200>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
}

fn link_period(l: &LinkBody) -> Result<(), ValidationError> {
    if is_valid_period(l.start_date, l.end_date) {
        Ok(())
    } else {
        Err(invalid(
            "period",
            "结束日期不能早于开始日期",
            "the end date is before the start date",
        ))
    }
}

impl From<MembershipBody> for Membership {
    fn from(m: MembershipBody) -> Self {
        Membership {
            level: m.level,
            term: m.term.into(),
            constituency: m.constituency.map(String::from),
            delegation: m.delegation.map(String::from),
            start_date: m.start_date,
            end_date: m.end_date,
            status: m.status,
        }
    }
}

impl From<LinkBody> for Link {
    fn from(l: LinkBody) -> Self {
        Link {
            kind: l.kind,
            organization: l.organization.into(),
            start_date: l.start_date,
            end_date: l.end_date,
        }
    }
}
