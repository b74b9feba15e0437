//! Accounts, sessions, handling units, deputies, the audit trail,
//! idempotency records and settings.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Units {
    Table,
    Id,
    Name,
    Kind,
    ContactPerson,
    ContactPhone,
    Email,
    Address,
    Description,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
    Version,
}

#[derive(DeriveIden)]
enum Deputies {
    Table,
    Id,
    Name,
    Gender,
    Ethnicity,
    BirthDate,
    Party,
    Education,
    Occupation,
    WorkUnit,
    Phone,
    PhotoUrl,
    Status,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
    Version,
}

#[derive(DeriveIden)]
enum DeputyMemberships {
    Table,
    Id,
    DeputyId,
    Position,
    Level,
    Term,
    Constituency,
    Delegation,
    StartDate,
    EndDate,
    Status,
}

#[derive(DeriveIden)]
enum DeputyLinks {
    Table,
    Id,
    DeputyId,
    Position,
    Kind,
    Organization,
    StartDate,
    EndDate,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Username,
    PasswordHash,
    DisplayName,
    Roles,
    Status,
    DeputyId,
    UnitId,
    ObserverId,
    FailedLogins,
    LockedUntil,
    PasswordChangedAt,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
    Version,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Id,
    UserId,
    FamilyId,
    TokenHash,
    IssuedAt,
    ExpiresAt,
    UsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    OccurredAt,
    ActorId,
    ActorUsername,
    ActorRoles,
    RequestId,
    ClientAddr,
    Action,
    ObjectType,
    ObjectId,
    Before,
    After,
    EntryHash,
    Seq,
    ChainHash,
}

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    Scope,
    Key,
    RequestHash,
    State,
    ResponseStatus,
    ResponseHeaders,
    ResponseBody,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Settings {
    Table,
    Key,
    Value,
}

fn index(name: &str, table: impl IntoIden, cols: &[&'static str]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(Alias::new(*c));
    }
    i.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Units::Table)
                .col(uuid(Units::Id).primary_key())
                .col(string_len(Units::Name, 200))
                .col(string_len(Units::Kind, 40))
                .col(string_len_null(Units::ContactPerson, 100))
                .col(string_len_null(Units::ContactPhone, 40))
                .col(string_len_null(Units::Email, 200))
                .col(string_len_null(Units::Address, 300))
                .col(text_null(Units::Description))
                .col(timestamp_with_time_zone(Units::CreatedAt))
                .col(timestamp_with_time_zone(Units::UpdatedAt))
                .col(timestamp_with_time_zone_null(Units::DeletedAt))
                .col(integer(Units::Version))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_units_updated",
            Units::Table,
            &["updated_at", "id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Deputies::Table)
                .col(uuid(Deputies::Id).primary_key())
                .col(string_len(Deputies::Name, 100))
                .col(string_len_null(Deputies::Gender, 10))
                .col(string_len_null(Deputies::Ethnicity, 40))
                .col(date_null(Deputies::BirthDate))
                .col(string_len_null(Deputies::Party, 100))
                .col(string_len_null(Deputies::Education, 100))
                .col(string_len_null(Deputies::Occupation, 200))
                .col(string_len_null(Deputies::WorkUnit, 200))
                .col(string_len_null(Deputies::Phone, 40))
                .col(string_len_null(Deputies::PhotoUrl, 500))
                .col(string_len(Deputies::Status, 20))
                .col(timestamp_with_time_zone(Deputies::CreatedAt))
                .col(timestamp_with_time_zone(Deputies::UpdatedAt))
                .col(timestamp_with_time_zone_null(Deputies::DeletedAt))
                .col(integer(Deputies::Version))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_deputies_updated",
            Deputies::Table,
            &["updated_at", "id"],
        ))
        .await?;
        m.create_index(index("idx_deputies_name", Deputies::Table, &["name"]))
            .await?;

        m.create_table(
            Table::create()
                .table(DeputyMemberships::Table)
                .col(uuid(DeputyMemberships::Id).primary_key())
                .col(uuid(DeputyMemberships::DeputyId))
                .col(integer(DeputyMemberships::Position))
                .col(string_len(DeputyMemberships::Level, 20))
                .col(string_len(DeputyMemberships::Term, 40))
                .col(string_len_null(DeputyMemberships::Constituency, 200))
                .col(string_len_null(DeputyMemberships::Delegation, 200))
                .col(date_null(DeputyMemberships::StartDate))
                .col(date_null(DeputyMemberships::EndDate))
                .col(string_len(DeputyMemberships::Status, 20))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_membership_deputy")
                        .from(DeputyMemberships::Table, DeputyMemberships::DeputyId)
                        .to(Deputies::Table, Deputies::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_memberships_deputy",
            DeputyMemberships::Table,
            &["deputy_id", "position"],
        ))
        .await?;
        m.create_index(index(
            "idx_memberships_level_term",
            DeputyMemberships::Table,
            &["level", "term"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(DeputyLinks::Table)
                .col(uuid(DeputyLinks::Id).primary_key())
                .col(uuid(DeputyLinks::DeputyId))
                .col(integer(DeputyLinks::Position))
                .col(string_len(DeputyLinks::Kind, 40))
                .col(string_len(DeputyLinks::Organization, 200))
                .col(date_null(DeputyLinks::StartDate))
                .col(date_null(DeputyLinks::EndDate))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_link_deputy")
                        .from(DeputyLinks::Table, DeputyLinks::DeputyId)
                        .to(Deputies::Table, Deputies::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_links_deputy",
            DeputyLinks::Table,
            &["deputy_id", "position"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(uuid(Users::Id).primary_key())
                .col(string_len_uniq(Users::Username, 64))
                .col(string_len(Users::PasswordHash, 200))
                .col(string_len(Users::DisplayName, 100))
                .col(string_len(Users::Roles, 200))
                .col(string_len(Users::Status, 20))
                .col(uuid_null(Users::DeputyId))
                .col(uuid_null(Users::UnitId))
                .col(uuid_null(Users::ObserverId))
                .col(integer(Users::FailedLogins))
                .col(timestamp_with_time_zone_null(Users::LockedUntil))
                .col(timestamp_with_time_zone(Users::PasswordChangedAt))
                .col(timestamp_with_time_zone(Users::CreatedAt))
                .col(timestamp_with_time_zone(Users::UpdatedAt))
                .col(timestamp_with_time_zone_null(Users::DeletedAt))
                .col(integer(Users::Version))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_user_deputy")
                        .from(Users::Table, Users::DeputyId)
                        .to(Deputies::Table, Deputies::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_user_unit")
                        .from(Users::Table, Users::UnitId)
                        .to(Units::Table, Units::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_users_deputy")
                .table(Users::Table)
                .col(Users::DeputyId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(index("idx_users_unit", Users::Table, &["unit_id"]))
            .await?;
        m.create_index(index(
            "idx_users_updated",
            Users::Table,
            &["updated_at", "id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(RefreshTokens::Table)
                .col(uuid(RefreshTokens::Id).primary_key())
                .col(uuid(RefreshTokens::UserId))
                .col(uuid(RefreshTokens::FamilyId))
                .col(string_len_uniq(RefreshTokens::TokenHash, 64))
                .col(timestamp_with_time_zone(RefreshTokens::IssuedAt))
                .col(timestamp_with_time_zone(RefreshTokens::ExpiresAt))
                .col(timestamp_with_time_zone_null(RefreshTokens::UsedAt))
                .col(timestamp_with_time_zone_null(RefreshTokens::RevokedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_refresh_user")
                        .from(RefreshTokens::Table, RefreshTokens::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_refresh_family",
            RefreshTokens::Table,
            &["family_id"],
        ))
        .await?;
        m.create_index(index(
            "idx_refresh_user",
            RefreshTokens::Table,
            &["user_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(AuditEvents::Table)
                .col(uuid(AuditEvents::Id).primary_key())
                .col(timestamp_with_time_zone(AuditEvents::OccurredAt))
                .col(uuid_null(AuditEvents::ActorId))
                .col(string_len_null(AuditEvents::ActorUsername, 64))
                .col(string_len_null(AuditEvents::ActorRoles, 200))
                .col(string_len_null(AuditEvents::RequestId, 128))
                .col(string_len_null(AuditEvents::ClientAddr, 64))
                .col(string_len(AuditEvents::Action, 64))
                .col(string_len(AuditEvents::ObjectType, 64))
                .col(uuid_null(AuditEvents::ObjectId))
                .col(text_null(AuditEvents::Before))
                .col(text_null(AuditEvents::After))
                .col(string_len(AuditEvents::EntryHash, 64))
                .col(big_integer_null(AuditEvents::Seq))
                .col(string_len_null(AuditEvents::ChainHash, 64))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_audit_seq")
                .table(AuditEvents::Table)
                .col(AuditEvents::Seq)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_audit_object",
            AuditEvents::Table,
            &["object_type", "object_id"],
        ))
        .await?;
        m.create_index(index("idx_audit_actor", AuditEvents::Table, &["actor_id"]))
            .await?;
        m.create_index(index(
            "idx_audit_occurred",
            AuditEvents::Table,
            &["occurred_at", "id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(IdempotencyKeys::Table)
                .col(string_len(IdempotencyKeys::Scope, 100))
                .col(string_len(IdempotencyKeys::Key, 200))
                .col(string_len(IdempotencyKeys::RequestHash, 64))
                .col(string_len(IdempotencyKeys::State, 20))
                .col(integer_null(IdempotencyKeys::ResponseStatus))
                .col(text_null(IdempotencyKeys::ResponseHeaders))
                .col(text_null(IdempotencyKeys::ResponseBody))
                .col(timestamp_with_time_zone(IdempotencyKeys::CreatedAt))
                .col(timestamp_with_time_zone(IdempotencyKeys::UpdatedAt))
                .primary_key(
                    Index::create()
                        .col(IdempotencyKeys::Scope)
                        .col(IdempotencyKeys::Key),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_idempotency_created",
            IdempotencyKeys::Table,
            &["created_at"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Settings::Table)
                .col(string_len(Settings::Key, 100).primary_key())
                .col(text(Settings::Value))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            Settings::Table.into_iden(),
            IdempotencyKeys::Table.into_iden(),
            AuditEvents::Table.into_iden(),
            RefreshTokens::Table.into_iden(),
            Users::Table.into_iden(),
            DeputyLinks::Table.into_iden(),
            DeputyMemberships::Table.into_iden(),
            Deputies::Table.into_iden(),
            Units::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
