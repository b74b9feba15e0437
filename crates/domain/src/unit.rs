//! Handling units (承办单位): government departments and the bodies of
//! 一府一委两院 that answer suggestions and supervision opinions.

string_enum! {
    /// What kind of body a handling unit is.
    pub enum UnitKind : "unit kind" {
        /// The district people's government itself (区政府).
        Government = "government",
        /// A department of the government (政府部门).
        GovernmentDepartment = "government_department",
        /// The supervisory commission (监察委员会).
        SupervisoryCommission = "supervisory_commission",
        /// The people's court (人民法院).
        Court = "court",
        /// The people's procuratorate (人民检察院).
        Procuratorate = "procuratorate",
        /// Township or subdistrict government (乡镇/街道).
        Township = "township",
        /// Any other body that handles suggestions (e.g. a state enterprise).
        Other = "other",
    }
}

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A handling unit as recorded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Unit {
    pub id: Uuid,
    pub name: String,
    pub kind: UnitKind,
    pub contact_person: Option<String>,
    pub contact_phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub version: i32,
}

/// The fields of a new unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUnit {
    pub name: String,
    pub kind: UnitKind,
    pub contact_person: Option<String>,
    pub contact_phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub description: Option<String>,
}

/// A partial change to a unit: `None` leaves a field as it is; for
/// optional fields `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitPatch {
    pub name: Option<String>,
    pub kind: Option<UnitKind>,
    pub contact_person: Option<Option<String>>,
    pub contact_phone: Option<Option<String>>,
    pub email: Option<Option<String>>,
    pub address: Option<Option<String>>,
    pub description: Option<Option<String>>,
}

impl UnitPatch {
    /// Applies the change to a unit.
    pub fn apply(self, u: &mut Unit) {
        if let Some(v) = self.name {
            u.name = v;
        }
        if let Some(v) = self.kind {
            u.kind = v;
        }
        if let Some(v) = self.contact_person {
            u.contact_person = v;
        }
        if let Some(v) = self.contact_phone {
            u.contact_phone = v;
        }
        if let Some(v) = self.email {
            u.email = v;
        }
        if let Some(v) = self.address {
            u.address = v;
        }
        if let Some(v) = self.description {
            u.description = v;
        }
    }
}

/// The Chinese name of a unit kind, as spreadsheets show it.
pub fn kind_label(k: UnitKind) -> &'static str {
    match k {
        UnitKind::Government => "区政府",
        UnitKind::GovernmentDepartment => "政府部门",
        UnitKind::SupervisoryCommission => "监察委员会",
        UnitKind::Court => "人民法院",
        UnitKind::Procuratorate => "人民检察院",
        UnitKind::Township => "乡镇街道",
        UnitKind::Other => "其他",
    }
}

/// Reads a unit kind by its Chinese name or identifier.
pub fn parse_kind(s: &str) -> Option<UnitKind> {
    let s = s.trim();
    UnitKind::ALL
        .iter()
        .copied()
        .find(|k| kind_label(*k) == s || k.as_str() == s)
}
