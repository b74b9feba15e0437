//! Observers (观察员): outside professionals recruited to strengthen the
//! congress's supervision of government.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

string_enum! {
    /// An observer's professional field.
    pub enum Specialty : "specialty" {
        /// 财务审计
        FinanceAudit = "finance_audit",
        /// 教育
        Education = "education",
        /// 医疗卫生
        MedicalCare = "medical_care",
        /// 诉前调解
        PreLitigationMediation = "pre_litigation_mediation",
        /// 心理关爱
        PsychologicalCare = "psychological_care",
        /// 法律
        Law = "law",
        Other = "other",
    }
}

string_enum! {
    /// The programme an observer serves in.
    pub enum ObserverCategory : "observer category" {
        /// 财经工作观察员
        FinanceWork = "finance_work",
        /// 乡村振兴观察员
        RuralRevitalization = "rural_revitalization",
        /// 环境督查观察员
        EnvironmentalInspection = "environmental_inspection",
        Other = "other",
    }
}

string_enum! {
    /// Whether an observer serves.
    pub enum ObserverStatus : "observer status" {
        Active = "active",
        Inactive = "inactive",
    }
}

/// An observer as recorded. Phone and e-mail are personal data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Observer {
    pub id: Uuid,
    pub name: String,
    pub specialty: Specialty,
    pub category: ObserverCategory,
    pub affiliation: Option<String>,
    pub term_start: Option<NaiveDate>,
    pub term_end: Option<NaiveDate>,
    pub status: ObserverStatus,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Bodies the observer has declared ties to (conflicts of interest).
    pub conflict_unit_ids: Vec<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub version: i32,
}

/// The fields of a new observer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewObserver {
    pub name: String,
    pub specialty: Specialty,
    pub category: ObserverCategory,
    pub affiliation: Option<String>,
    pub term_start: Option<NaiveDate>,
    pub term_end: Option<NaiveDate>,
    pub status: ObserverStatus,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub conflict_unit_ids: Vec<Uuid>,
}

/// A partial change; `Some(None)` clears an optional field and
/// `conflict_unit_ids` replaces the list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObserverPatch {
    pub name: Option<String>,
    pub specialty: Option<Specialty>,
    pub category: Option<ObserverCategory>,
    pub affiliation: Option<Option<String>>,
    pub term_start: Option<Option<NaiveDate>>,
    pub term_end: Option<Option<NaiveDate>>,
    pub status: Option<ObserverStatus>,
    pub phone: Option<Option<String>>,
    pub email: Option<Option<String>>,
    pub conflict_unit_ids: Option<Vec<Uuid>>,
}

impl ObserverPatch {
    pub fn apply(self, o: &mut Observer) {
        macro_rules! set {
            ($($f:ident),*) => { $( if let Some(v) = self.$f { o.$f = v; } )* };
        }
        set!(
            name,
            specialty,
            category,
            affiliation,
            term_start,
            term_end,
            status,
            phone,
            email,
            conflict_unit_ids
        );
    }
}

/// The fields an observer may change on their own record.
pub const SELF_EDITABLE_FIELDS: &[&str] = &["phone", "email", "affiliation", "conflict_unit_ids"];
