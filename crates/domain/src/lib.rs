//! The domain model of renda: the people, bodies and records of a local
//! People's Congress, and the rules that hold for them whatever stores or
//! serves them. Nothing here performs I/O or knows about HTTP or SQL.

#[macro_use]
mod macros;

pub mod activity;
pub mod code;
pub mod command;
mod common_passwords;
pub mod congress;
pub mod delivery;
pub mod deputy;
pub mod duty;
pub mod id;
pub mod integration;
pub mod key_supervision;
pub mod livelihood;
pub mod motion;
pub mod notice;
pub mod observer;
pub mod opinion;
pub mod personal;
pub mod reminders;
pub mod role;
pub mod search;
pub mod station;
pub mod suggestion;
pub mod supervision;
pub mod tasks;
pub mod term;
pub mod text;
pub mod time;
pub mod timeline;
pub mod unit;
pub mod user;

pub use code::Code;
pub use role::{Role, RoleSet};

/// A string value that is not one of an enumeration's identifiers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a valid {kind}")]
pub struct UnknownVariant {
    pub kind: &'static str,
    pub value: String,
}

#[cfg(test)]
mod tests {
    /// The wire form of every enumeration (serde) is its `as_str`.
    #[test]
    fn serde_names_match_identifiers() {
        fn check<T: serde::Serialize + Copy + std::fmt::Display>(all: &[T]) {
            for v in all {
                assert_eq!(
                    serde_json::to_value(v).ok(),
                    Some(serde_json::Value::String(v.to_string()))
                );
            }
        }
        check(crate::Role::ALL);
        check(crate::Code::ALL);
        check(crate::user::UserStatus::ALL);
        check(crate::unit::UnitKind::ALL);
        check(crate::deputy::Level::ALL);
        check(crate::deputy::Gender::ALL);
        check(crate::deputy::DeputyStatus::ALL);
        check(crate::deputy::MembershipStatus::ALL);
        check(crate::deputy::LinkKind::ALL);
        check(crate::suggestion::SuggestionStatus::ALL);
        check(crate::suggestion::Color::ALL);
        check(crate::suggestion::SuggestionSource::ALL);
        check(crate::suggestion::SessionTiming::ALL);
        check(crate::suggestion::EvaluationResult::ALL);
        check(crate::observer::Specialty::ALL);
        check(crate::observer::ObserverCategory::ALL);
        check(crate::observer::ObserverStatus::ALL);
        check(crate::supervision::Method::ALL);
        check(crate::supervision::Stage::ALL);
        check(crate::supervision::RecordKind::ALL);
        check(crate::supervision::ProblemStatus::ALL);
        check(crate::supervision::Outcome::ALL);
        check(crate::supervision::ObservationStatus::ALL);
        check(crate::duty::DutyKind::ALL);
        check(crate::station::StationKind::ALL);
        check(crate::station::OpinionStatus::ALL);
        check(crate::activity::ActivityKind::ALL);
        check(crate::activity::RequesterKind::ALL);
        check(crate::activity::NeedStatus::ALL);
        check(crate::livelihood::RoundStage::ALL);
        check(crate::livelihood::CandidateSource::ALL);
        check(crate::livelihood::CandidateStatus::ALL);
        check(crate::livelihood::Choice::ALL);
        check(crate::integration::Scope::ALL);
        check(crate::integration::IntegrationStatus::ALL);
        check(crate::integration::DeliveryStatus::ALL);
    }
}
