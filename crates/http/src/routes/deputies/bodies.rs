//! Memberships and links as the API reads and writes them.

use super::*;
use renda_domain::text::Line;

/// 代表在某一级人大的一项代表资格。
///
/// A membership of a congress.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "membership_period"))]
#[schema(example = json!({
    "level": "county", "term": "第十八届", "constituency": "古城街道第三选区",
    "delegation": null, "start_date": "2021-12-01", "end_date": null, "status": "serving"
}))]
pub struct MembershipBody {
    /// 人大层级：`national` 全国、`provincial` 省、`municipal` 市、`county` 县、`township` 乡镇。
    ///
    /// The level of congress: `national`, `provincial`, `municipal`, `county`
    /// or `township`.
    pub level: Level,
    /// 届次，如 `第十八届`。
    ///
    /// The congress term (届次), e.g. `第十八届`.
    pub term: Line<40>,
    /// 选区，适用于直接选举产生的代表；可不填。
    ///
    /// Constituency (选区), for deputies elected directly.
    pub constituency: Option<Line<200>>,
    /// 代表团，适用于由人民代表大会选举产生的代表；可不填。
    ///
    /// Delegation (代表团), for deputies elected by a congress.
    pub delegation: Option<Line<200>>,
    /// 任期开始日期；可不填。
    ///
    /// The first day; optional.
    pub start_date: Option<NaiveDate>,
    /// 任期结束日期，不得早于开始日期；可不填。
    ///
    /// The last day, not before the first; optional.
    pub end_date: Option<NaiveDate>,
    /// 代表资格状态，默认 `serving`（在任）。
    ///
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

/// “三联”制度中的一项联系。
///
/// A "three links" link.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "link_period"))]
#[schema(example = json!({"kind": "community", "organization": "项里社区", "start_date": "2022-01-01", "end_date": null}))]
pub struct LinkBody {
    /// 联系类型：`community`、`social_organization` 或 `key_enterprise`。
    ///
    /// `community`, `social_organization` or `key_enterprise`.
    pub kind: LinkKind,
    /// 所联系的社区、社会组织或企业的名称。
    ///
    /// The linked community, social organisation or enterprise.
    pub organization: Line<200>,
    /// 联系开始日期；可不填。
    ///
    /// The first day; optional.
    pub start_date: Option<NaiveDate>,
    /// 联系结束日期，不得早于开始日期；可不填。
    ///
    /// The last day, not before the first; optional.
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
