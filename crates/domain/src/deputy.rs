//! Deputies (人大代表): the person, their memberships of congresses at the
//! five levels, and the "three links" (三联制度).

use chrono::NaiveDate;

string_enum! {
    /// The five levels of people's congress (五级人大).
    pub enum Level : "level" {
        National = "national",
        Provincial = "provincial",
        Municipal = "municipal",
        /// County or district (县/区).
        County = "county",
        /// Township or subdistrict (乡镇/街道).
        Township = "township",
    }
}

string_enum! {
    pub enum Gender : "gender" {
        Male = "male",
        Female = "female",
    }
}

string_enum! {
    /// Whether a deputy record is in use. Deactivated deputies stay on file.
    pub enum DeputyStatus : "deputy status" {
        Active = "active",
        Inactive = "inactive",
    }
}

string_enum! {
    /// The standing of one membership of a congress.
    pub enum MembershipStatus : "membership status" {
        /// Currently serving (在任).
        Serving = "serving",
        /// The term ended (届满).
        Ended = "ended",
        /// Resigned (辞职).
        Resigned = "resigned",
        /// Removed, recalled or terminated (罢免/终止).
        Terminated = "terminated",
    }
}

string_enum! {
    /// The kind of a "three links" link.
    pub enum LinkKind : "link kind" {
        /// A deputy links a community (代表联系社区).
        Community = "community",
        /// A standing-committee member links a social organisation (常委会组成人员联系社会组织).
        SocialOrganization = "social_organization",
        /// A director-meeting member links a key enterprise (主任会议成员联系重点企业).
        KeyEnterprise = "key_enterprise",
    }
}

/// The fields a deputy may change on their own profile; everything else is
/// kept by staff.
pub const SELF_EDITABLE_FIELDS: &[&str] =
    &["phone", "photo_url", "occupation", "work_unit", "education"];

/// Whether a period is well-formed: an end, when given, is not before the start.
pub fn is_valid_period(start: Option<NaiveDate>, end: Option<NaiveDate>) -> bool {
    match (start, end) {
        (Some(s), Some(e)) => e >= s,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        assert!(is_valid_period(d("2022-01-01"), d("2027-01-01")));
        assert!(is_valid_period(d("2022-01-01"), d("2022-01-01")));
        assert!(!is_valid_period(d("2022-01-02"), d("2022-01-01")));
        assert!(is_valid_period(None, d("2022-01-01")));
    }

    #[test]
    fn level_identifiers() {
        let ids: Vec<&str> = Level::ALL.iter().map(|l| l.as_str()).collect();
        assert_eq!(
            ids,
            ["national", "provincial", "municipal", "county", "township"]
        );
    }
}

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// 代表在某一级人大的一项代表资格：层级、届次、选区或代表团、任期和状态。
///
/// One membership of a congress: level, term (届次, e.g. 第十八届),
/// constituency (选区) or delegation (代表团), period and standing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "level": "county", "term": "第十八届", "constituency": "古城街道第三选区",
    "delegation": null, "start_date": "2021-12-01", "end_date": null, "status": "serving"
})))]
pub struct Membership {
    /// 人大层级：`national` 全国、`provincial` 省、`municipal` 市、`county` 县、`township` 乡镇。
    ///
    /// The level of congress: `national`, `provincial`, `municipal`, `county`
    /// or `township`.
    pub level: Level,
    /// 届次，如 `第十八届`。
    ///
    /// The congress term (届次), e.g. `第十八届`.
    pub term: String,
    /// 选区；可为 null。
    ///
    /// The constituency (选区); may be null.
    pub constituency: Option<String>,
    /// 代表团；可为 null。
    ///
    /// The delegation (代表团); may be null.
    pub delegation: Option<String>,
    /// 任期开始日期；可为 null。
    ///
    /// The first day; may be null.
    pub start_date: Option<NaiveDate>,
    /// 任期结束日期；未定时为 null。
    ///
    /// The last day; null when not set.
    pub end_date: Option<NaiveDate>,
    /// 代表资格状态：`serving` 在任、`ended` 届满、`resigned` 辞职或 `terminated` 终止。
    ///
    /// `serving`, `ended`, `resigned` or `terminated`.
    pub status: MembershipStatus,
}

/// “三联”制度中的一项联系：某一时期所联系的社区、社会组织或重点企业。
///
/// One "three links" link: a linked community, social organisation or key
/// enterprise over a period.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"kind": "community", "organization": "项里社区", "start_date": "2022-01-01", "end_date": null})))]
pub struct Link {
    /// 联系类型：`community`、`social_organization` 或 `key_enterprise`。
    ///
    /// `community`, `social_organization` or `key_enterprise`.
    pub kind: LinkKind,
    /// 所联系的社区、社会组织或企业的名称。
    ///
    /// The linked community, social organisation or enterprise.
    pub organization: String,
    /// 联系开始日期；可为 null。
    ///
    /// The first day; may be null.
    pub start_date: Option<NaiveDate>,
    /// 联系结束日期；未定时为 null。
    ///
    /// The last day; null when not set.
    pub end_date: Option<NaiveDate>,
}

/// A deputy: the person, their memberships and links.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Deputy {
    pub id: Uuid,
    pub name: String,
    pub gender: Option<Gender>,
    pub ethnicity: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub party: Option<String>,
    pub education: Option<String>,
    pub occupation: Option<String>,
    pub work_unit: Option<String>,
    pub phone: Option<String>,
    pub photo_url: Option<String>,
    pub status: DeputyStatus,
    pub memberships: Vec<Membership>,
    pub links: Vec<Link>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub version: i32,
}

impl Deputy {
    /// The memberships the deputy serves in at `level`.
    pub fn serving_at(&self, level: Level) -> impl Iterator<Item = &Membership> {
        self.memberships
            .iter()
            .filter(move |m| m.level == level && m.status == MembershipStatus::Serving)
    }
}

/// The fields of a new deputy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDeputy {
    pub name: String,
    pub gender: Option<Gender>,
    pub ethnicity: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub party: Option<String>,
    pub education: Option<String>,
    pub occupation: Option<String>,
    pub work_unit: Option<String>,
    pub phone: Option<String>,
    pub photo_url: Option<String>,
    pub status: DeputyStatus,
    pub memberships: Vec<Membership>,
    pub links: Vec<Link>,
}

/// A partial change to a deputy. `memberships` and `links`, when given,
/// replace the whole list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeputyPatch {
    pub name: Option<String>,
    pub gender: Option<Option<Gender>>,
    pub ethnicity: Option<Option<String>>,
    pub birth_date: Option<Option<NaiveDate>>,
    pub party: Option<Option<String>>,
    pub education: Option<Option<String>>,
    pub occupation: Option<Option<String>>,
    pub work_unit: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub photo_url: Option<Option<String>>,
    pub status: Option<DeputyStatus>,
    pub memberships: Option<Vec<Membership>>,
    pub links: Option<Vec<Link>>,
}

impl DeputyPatch {
    /// Applies the change to a deputy.
    pub fn apply(self, d: &mut Deputy) {
        macro_rules! set {
            ($($f:ident),*) => { $( if let Some(v) = self.$f { d.$f = v; } )* };
        }
        set!(
            name,
            gender,
            ethnicity,
            birth_date,
            party,
            education,
            occupation,
            work_unit,
            phone,
            photo_url,
            status,
            memberships,
            links
        );
    }
}

/// Chinese names of the enumerations, as spreadsheets show them and
/// imports read them (the identifiers are read too).
pub mod labels {
    use super::{DeputyStatus, Gender, Level, MembershipStatus};

    pub fn level(l: Level) -> &'static str {
        match l {
            Level::National => "全国",
            Level::Provincial => "省级",
            Level::Municipal => "市级",
            Level::County => "县级",
            Level::Township => "乡级",
        }
    }

    pub fn gender(g: Gender) -> &'static str {
        match g {
            Gender::Male => "男",
            Gender::Female => "女",
        }
    }

    pub fn membership_status(s: MembershipStatus) -> &'static str {
        match s {
            MembershipStatus::Serving => "在任",
            MembershipStatus::Ended => "届满",
            MembershipStatus::Resigned => "辞职",
            MembershipStatus::Terminated => "终止",
        }
    }

    pub fn deputy_status(s: DeputyStatus) -> &'static str {
        match s {
            DeputyStatus::Active => "有效",
            DeputyStatus::Inactive => "停用",
        }
    }

    /// Reads a value by its Chinese name or identifier; a level also by
    /// its short name (`县`, `区级`).
    pub fn parse_level(s: &str) -> Option<Level> {
        let s = s.trim();
        Level::ALL.iter().copied().find(|l| {
            level(*l) == s
                || l.as_str() == s
                || level(*l).trim_end_matches('级') == s
                || (*l == Level::County && matches!(s, "区" | "区级" | "县（区）级"))
                || (*l == Level::Township && matches!(s, "乡镇" | "镇" | "乡镇级"))
        })
    }

    pub fn parse_gender(s: &str) -> Option<Gender> {
        let s = s.trim();
        Gender::ALL
            .iter()
            .copied()
            .find(|g| gender(*g) == s || g.as_str() == s)
    }

    pub fn parse_membership_status(s: &str) -> Option<MembershipStatus> {
        let s = s.trim();
        MembershipStatus::ALL
            .iter()
            .copied()
            .find(|m| membership_status(*m) == s || m.as_str() == s)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn labels_read_back() {
            for l in Level::ALL {
                assert_eq!(parse_level(level(*l)), Some(*l));
                assert_eq!(parse_level(l.as_str()), Some(*l));
            }
            assert_eq!(parse_level("区"), Some(Level::County));
            assert_eq!(parse_level("县"), Some(Level::County));
            assert_eq!(parse_gender("女"), Some(Gender::Female));
            assert_eq!(parse_gender("x"), None);
            assert_eq!(
                parse_membership_status("在任"),
                Some(MembershipStatus::Serving)
            );
        }
    }
}
