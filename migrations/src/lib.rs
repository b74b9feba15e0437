//! The database schema of renda. One migration set serves SQLite and
//! PostgreSQL: foreign keys are declared in `create_table`, each ALTER makes
//! one change, and enumerations are stored as strings.

pub use sea_orm_migration::prelude::*;

mod helpers;

mod m20261127_000001_foundation;
mod m20261127_000002_unit_names;
mod m20261127_000003_suggestions;
mod m20261127_000004_replied_on_time;
mod m20261127_000005_attachments;
mod m20261127_000006_advanced_units;
mod m20261127_000007_observers;
mod m20261127_000008_supervision;
mod m20261127_000009_deputies_at_work;
mod m20261127_000010_livelihood;
mod m20261127_000011_integration;
mod m20261127_000012_security;
mod m20261128_000013_list_indexes;
mod m20261205_000014_attack_findings;
mod m20261205_000015_ballots_and_limits;
mod m20261205_000016_change_feed;
mod m20261205_000017_congress_sessions;
mod m20261205_000018_session_series;
mod m20261205_000019_motions;
mod m20261205_000020_assignment_batches;
mod m20261205_000021_key_supervision;
mod m20261205_000022_number_series_scope;
mod m20261205_000023_handling_practice;
mod m20261205_000024_supervision_quorum;
mod m20261205_000025_livelihood_quorum;
mod m20261205_000026_body_votes;
mod m20261205_000027_suggestion_figures;
mod m20261206_000028_notifications;
mod m20261206_000029_deliveries;
mod m20261206_000030_queue_indexes;
mod m20261206_000031_delivery_keys_and_queue_indexes;
mod m20261206_000032_notification_sequence;
mod m20261206_000033_live_status_index;
mod m20261206_000034_suggestion_search;
mod m20261206_000035_suggestion_tallies;
mod m20261206_000036_numbered_after_commit;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_foundation::Migration),
            Box::new(m20261127_000002_unit_names::Migration),
            Box::new(m20261127_000003_suggestions::Migration),
            Box::new(m20261127_000004_replied_on_time::Migration),
            Box::new(m20261127_000005_attachments::Migration),
            Box::new(m20261127_000006_advanced_units::Migration),
            Box::new(m20261127_000007_observers::Migration),
            Box::new(m20261127_000008_supervision::Migration),
            Box::new(m20261127_000009_deputies_at_work::Migration),
            Box::new(m20261127_000010_livelihood::Migration),
            Box::new(m20261127_000011_integration::Migration),
            Box::new(m20261127_000012_security::Migration),
            Box::new(m20261128_000013_list_indexes::Migration),
            Box::new(m20261205_000014_attack_findings::Migration),
            Box::new(m20261205_000015_ballots_and_limits::Migration),
            Box::new(m20261205_000016_change_feed::Migration),
            Box::new(m20261205_000017_congress_sessions::Migration),
            Box::new(m20261205_000018_session_series::Migration),
            Box::new(m20261205_000019_motions::Migration),
            Box::new(m20261205_000020_assignment_batches::Migration),
            Box::new(m20261205_000021_key_supervision::Migration),
            Box::new(m20261205_000022_number_series_scope::Migration),
            Box::new(m20261205_000023_handling_practice::Migration),
            Box::new(m20261205_000024_supervision_quorum::Migration),
            Box::new(m20261205_000025_livelihood_quorum::Migration),
            Box::new(m20261205_000026_body_votes::Migration),
            Box::new(m20261205_000027_suggestion_figures::Migration),
            Box::new(m20261206_000028_notifications::Migration),
            Box::new(m20261206_000029_deliveries::Migration),
            Box::new(m20261206_000030_queue_indexes::Migration),
            Box::new(m20261206_000031_delivery_keys_and_queue_indexes::Migration),
            Box::new(m20261206_000032_notification_sequence::Migration),
            Box::new(m20261206_000033_live_status_index::Migration),
            Box::new(m20261206_000034_suggestion_search::Migration),
            Box::new(m20261206_000035_suggestion_tallies::Migration),
            Box::new(m20261206_000036_numbered_after_commit::Migration),
        ]
    }
}
