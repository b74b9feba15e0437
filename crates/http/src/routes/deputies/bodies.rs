//! Memberships and links as the API reads and writes them.

use super::*;

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
    #[validate(
        length(min = 1, max = 40),
        custom(function = "crate::validation::not_blank")
    )]
    #[schema(
        min_length = 1,
        max_length = 40,
        pattern = r"^[^\x00]*[^\x00\u0009-\u000d\u0020\u0085\u00a0\u00ad\u034f\u061c\u115f-\u1160\u1680\u17b4-\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8][^\x00]*$"
    )]
    pub term: String,
    /// Constituency (选区), for deputies elected directly.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub constituency: Option<String>,
    /// Delegation (代表团), for deputies elected by a congress.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub delegation: Option<String>,
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
    #[validate(
        length(min = 1, max = 200),
        custom(function = "crate::validation::not_blank")
    )]
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00]*[^\x00\u0009-\u000d\u0020\u0085\u00a0\u00ad\u034f\u061c\u115f-\u1160\u1680\u17b4-\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8][^\x00]*$"
    )]
    pub organization: String,
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
            term: m.term.trim().to_owned(),
            constituency: m.constituency,
            delegation: m.delegation,
            start_date: m.start_date,
            end_date: m.end_date,
            status: m.status,
        }
    }
}

impl From<Membership> for MembershipBody {
    fn from(m: Membership) -> Self {
        MembershipBody {
            level: m.level,
            term: m.term,
            constituency: m.constituency,
            delegation: m.delegation,
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
            organization: l.organization.trim().to_owned(),
            start_date: l.start_date,
            end_date: l.end_date,
        }
    }
}

impl From<Link> for LinkBody {
    fn from(l: Link) -> Self {
        LinkBody {
            kind: l.kind,
            organization: l.organization,
            start_date: l.start_date,
            end_date: l.end_date,
        }
    }
}
