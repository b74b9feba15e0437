//! Deputies' suggestions: the suggestion, co-signers, co-units, the
//! assignment lineage, replies, verification and supervision records,
//! units' requests, commitments, the timeline, categories and numbering.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Suggestions {
    Table,
    Id,
    Number,
    Title,
    Content,
    Category,
    Term,
    Session,
    Timing,
    LeadDeputyId,
    Source,
    SourceRef,
    Status,
    Color,
    LeadUnitId,
    SupervisorId,
    AssignedOn,
    Deadline,
    OverdueRecorded,
    SubmittedAt,
    RegisteredAt,
    AssignedAt,
    RepliedAt,
    ClosedAt,
    RejectReason,
    EvaluationResult,
    EvaluationComment,
    EvaluatedAt,
    SignedOffAt,
    SignedOffBy,
    PublishedAt,
    Outstanding,
    OutstandingReason,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
    Version,
}

#[derive(DeriveIden)]
enum SuggestionCoSigners {
    Table,
    SuggestionId,
    DeputyId,
    Position,
    WithdrawnAt,
}

#[derive(DeriveIden)]
enum SuggestionCoUnits {
    Table,
    SuggestionId,
    UnitId,
    Deadline,
    Opinion,
    OpinionAt,
}

#[derive(DeriveIden)]
enum SuggestionAssignments {
    Table,
    Id,
    SuggestionId,
    LeadUnitId,
    StartedAt,
    EndedAt,
    EndReason,
}

#[derive(DeriveIden)]
enum SuggestionReplies {
    Table,
    Id,
    SuggestionId,
    Round,
    UnitId,
    Category,
    Content,
    DocumentNumber,
    SignedBy,
    ResponsiblePerson,
    HandlerName,
    HandlerPhone,
    ReplyDate,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SuggestionRecords {
    Table,
    Id,
    SuggestionId,
    Kind,
    OccurredOn,
    Participants,
    Content,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SuggestionRequests {
    Table,
    Id,
    SuggestionId,
    UnitId,
    Kind,
    Reason,
    RequestedDeadline,
    Status,
    DecidedBy,
    DecidedAt,
    DecisionNote,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SuggestionCommitments {
    Table,
    Id,
    SuggestionId,
    ReplyId,
    Content,
    DueDate,
    Status,
    Progress,
    FulfilledAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SuggestionEvents {
    Table,
    Id,
    SuggestionId,
    OccurredAt,
    ActorId,
    ActorName,
    Action,
    FromStatus,
    ToStatus,
    Detail,
}

#[derive(DeriveIden)]
enum SuggestionCategories {
    Table,
    Name,
    Position,
    Active,
}

#[derive(DeriveIden)]
enum SuggestionCounters {
    Table,
    Year,
    LastNumber,
}

#[derive(DeriveIden)]
enum Deputies {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Units {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

fn index(name: &str, table: impl IntoIden, cols: &[&'static str]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(Alias::new(*c));
    }
    i.to_owned()
}

fn fk_suggestion(name: &str, from: impl IntoIden, col: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from, col)
        .to(Suggestions::Table, Suggestions::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Suggestions::Table)
                .col(uuid(Suggestions::Id).primary_key())
                .col(string_len_null(Suggestions::Number, 20))
                .col(string_len(Suggestions::Title, 200))
                .col(text(Suggestions::Content))
                .col(string_len(Suggestions::Category, 40))
                .col(string_len(Suggestions::Term, 40))
                .col(string_len_null(Suggestions::Session, 60))
                .col(string_len(Suggestions::Timing, 20))
                .col(uuid(Suggestions::LeadDeputyId))
                .col(string_len(Suggestions::Source, 30))
                .col(string_len_null(Suggestions::SourceRef, 100))
                .col(string_len(Suggestions::Status, 20))
                .col(string_len_null(Suggestions::Color, 10))
                .col(uuid_null(Suggestions::LeadUnitId))
                .col(uuid_null(Suggestions::SupervisorId))
                .col(date_null(Suggestions::AssignedOn))
                .col(date_null(Suggestions::Deadline))
                .col(boolean(Suggestions::OverdueRecorded))
                .col(timestamp_with_time_zone_null(Suggestions::SubmittedAt))
                .col(timestamp_with_time_zone_null(Suggestions::RegisteredAt))
                .col(timestamp_with_time_zone_null(Suggestions::AssignedAt))
                .col(timestamp_with_time_zone_null(Suggestions::RepliedAt))
                .col(timestamp_with_time_zone_null(Suggestions::ClosedAt))
                .col(text_null(Suggestions::RejectReason))
                .col(string_len_null(Suggestions::EvaluationResult, 30))
                .col(text_null(Suggestions::EvaluationComment))
                .col(timestamp_with_time_zone_null(Suggestions::EvaluatedAt))
                .col(timestamp_with_time_zone_null(Suggestions::SignedOffAt))
                .col(uuid_null(Suggestions::SignedOffBy))
                .col(timestamp_with_time_zone_null(Suggestions::PublishedAt))
                .col(boolean(Suggestions::Outstanding))
                .col(text_null(Suggestions::OutstandingReason))
                .col(uuid(Suggestions::CreatedBy))
                .col(timestamp_with_time_zone(Suggestions::CreatedAt))
                .col(timestamp_with_time_zone(Suggestions::UpdatedAt))
                .col(timestamp_with_time_zone_null(Suggestions::DeletedAt))
                .col(integer(Suggestions::Version))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_suggestion_deputy")
                        .from(Suggestions::Table, Suggestions::LeadDeputyId)
                        .to(Deputies::Table, Deputies::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_suggestion_unit")
                        .from(Suggestions::Table, Suggestions::LeadUnitId)
                        .to(Units::Table, Units::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_suggestion_supervisor")
                        .from(Suggestions::Table, Suggestions::SupervisorId)
                        .to(Users::Table, Users::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_suggestions_number")
                .table(Suggestions::Table)
                .col(Suggestions::Number)
                .unique()
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("idx_suggestions_updated", &["updated_at", "id"][..]),
            ("idx_suggestions_status", &["status"][..]),
            ("idx_suggestions_deputy", &["lead_deputy_id"][..]),
            ("idx_suggestions_unit", &["lead_unit_id"][..]),
            ("idx_suggestions_deadline", &["status", "deadline"][..]),
        ] {
            m.create_index(index(name, Suggestions::Table, cols))
                .await?;
        }

        m.create_table(
            Table::create()
                .table(SuggestionCoSigners::Table)
                .col(uuid(SuggestionCoSigners::SuggestionId))
                .col(uuid(SuggestionCoSigners::DeputyId))
                .col(integer(SuggestionCoSigners::Position))
                .col(timestamp_with_time_zone_null(
                    SuggestionCoSigners::WithdrawnAt,
                ))
                .primary_key(
                    Index::create()
                        .col(SuggestionCoSigners::SuggestionId)
                        .col(SuggestionCoSigners::DeputyId),
                )
                .foreign_key(&mut fk_suggestion(
                    "fk_cosigner_suggestion",
                    SuggestionCoSigners::Table,
                    SuggestionCoSigners::SuggestionId,
                ))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_cosigner_deputy")
                        .from(SuggestionCoSigners::Table, SuggestionCoSigners::DeputyId)
                        .to(Deputies::Table, Deputies::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_cosigners_deputy",
            SuggestionCoSigners::Table,
            &["deputy_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(SuggestionCoUnits::Table)
                .col(uuid(SuggestionCoUnits::SuggestionId))
                .col(uuid(SuggestionCoUnits::UnitId))
                .col(date_null(SuggestionCoUnits::Deadline))
                .col(text_null(SuggestionCoUnits::Opinion))
                .col(timestamp_with_time_zone_null(SuggestionCoUnits::OpinionAt))
                .primary_key(
                    Index::create()
                        .col(SuggestionCoUnits::SuggestionId)
                        .col(SuggestionCoUnits::UnitId),
                )
                .foreign_key(&mut fk_suggestion(
                    "fk_counit_suggestion",
                    SuggestionCoUnits::Table,
                    SuggestionCoUnits::SuggestionId,
                ))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_counit_unit")
                        .from(SuggestionCoUnits::Table, SuggestionCoUnits::UnitId)
                        .to(Units::Table, Units::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_counits_unit",
            SuggestionCoUnits::Table,
            &["unit_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(SuggestionAssignments::Table)
                .col(uuid(SuggestionAssignments::Id).primary_key())
                .col(uuid(SuggestionAssignments::SuggestionId))
                .col(uuid(SuggestionAssignments::LeadUnitId))
                .col(timestamp_with_time_zone(SuggestionAssignments::StartedAt))
                .col(timestamp_with_time_zone_null(
                    SuggestionAssignments::EndedAt,
                ))
                .col(text_null(SuggestionAssignments::EndReason))
                .foreign_key(&mut fk_suggestion(
                    "fk_assignment_suggestion",
                    SuggestionAssignments::Table,
                    SuggestionAssignments::SuggestionId,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_assignments_suggestion",
            SuggestionAssignments::Table,
            &["suggestion_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(SuggestionReplies::Table)
                .col(uuid(SuggestionReplies::Id).primary_key())
                .col(uuid(SuggestionReplies::SuggestionId))
                .col(integer(SuggestionReplies::Round))
                .col(uuid(SuggestionReplies::UnitId))
                .col(string_len(SuggestionReplies::Category, 1))
                .col(text(SuggestionReplies::Content))
                .col(string_len_null(SuggestionReplies::DocumentNumber, 100))
                .col(string_len_null(SuggestionReplies::SignedBy, 100))
                .col(string_len_null(SuggestionReplies::ResponsiblePerson, 100))
                .col(string_len_null(SuggestionReplies::HandlerName, 100))
                .col(string_len_null(SuggestionReplies::HandlerPhone, 40))
                .col(date(SuggestionReplies::ReplyDate))
                .col(uuid(SuggestionReplies::CreatedBy))
                .col(timestamp_with_time_zone(SuggestionReplies::CreatedAt))
                .foreign_key(&mut fk_suggestion(
                    "fk_reply_suggestion",
                    SuggestionReplies::Table,
                    SuggestionReplies::SuggestionId,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_replies_round")
                .table(SuggestionReplies::Table)
                .col(SuggestionReplies::SuggestionId)
                .col(SuggestionReplies::Round)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(SuggestionRecords::Table)
                .col(uuid(SuggestionRecords::Id).primary_key())
                .col(uuid(SuggestionRecords::SuggestionId))
                .col(string_len(SuggestionRecords::Kind, 30))
                .col(date(SuggestionRecords::OccurredOn))
                .col(text_null(SuggestionRecords::Participants))
                .col(text(SuggestionRecords::Content))
                .col(uuid(SuggestionRecords::CreatedBy))
                .col(timestamp_with_time_zone(SuggestionRecords::CreatedAt))
                .foreign_key(&mut fk_suggestion(
                    "fk_record_suggestion",
                    SuggestionRecords::Table,
                    SuggestionRecords::SuggestionId,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_records_suggestion",
            SuggestionRecords::Table,
            &["suggestion_id", "kind"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(SuggestionRequests::Table)
                .col(uuid(SuggestionRequests::Id).primary_key())
                .col(uuid(SuggestionRequests::SuggestionId))
                .col(uuid(SuggestionRequests::UnitId))
                .col(string_len(SuggestionRequests::Kind, 20))
                .col(text(SuggestionRequests::Reason))
                .col(date_null(SuggestionRequests::RequestedDeadline))
                .col(string_len(SuggestionRequests::Status, 20))
                .col(uuid_null(SuggestionRequests::DecidedBy))
                .col(timestamp_with_time_zone_null(SuggestionRequests::DecidedAt))
                .col(text_null(SuggestionRequests::DecisionNote))
                .col(uuid(SuggestionRequests::CreatedBy))
                .col(timestamp_with_time_zone(SuggestionRequests::CreatedAt))
                .foreign_key(&mut fk_suggestion(
                    "fk_request_suggestion",
                    SuggestionRequests::Table,
                    SuggestionRequests::SuggestionId,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_requests_suggestion",
            SuggestionRequests::Table,
            &["suggestion_id", "status"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(SuggestionCommitments::Table)
                .col(uuid(SuggestionCommitments::Id).primary_key())
                .col(uuid(SuggestionCommitments::SuggestionId))
                .col(uuid(SuggestionCommitments::ReplyId))
                .col(text(SuggestionCommitments::Content))
                .col(date_null(SuggestionCommitments::DueDate))
                .col(string_len(SuggestionCommitments::Status, 20))
                .col(text_null(SuggestionCommitments::Progress))
                .col(timestamp_with_time_zone_null(
                    SuggestionCommitments::FulfilledAt,
                ))
                .col(timestamp_with_time_zone(SuggestionCommitments::UpdatedAt))
                .foreign_key(&mut fk_suggestion(
                    "fk_commitment_suggestion",
                    SuggestionCommitments::Table,
                    SuggestionCommitments::SuggestionId,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_commitments_suggestion",
            SuggestionCommitments::Table,
            &["suggestion_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(SuggestionEvents::Table)
                .col(uuid(SuggestionEvents::Id).primary_key())
                .col(uuid(SuggestionEvents::SuggestionId))
                .col(timestamp_with_time_zone(SuggestionEvents::OccurredAt))
                .col(uuid_null(SuggestionEvents::ActorId))
                .col(string_len_null(SuggestionEvents::ActorName, 100))
                .col(string_len(SuggestionEvents::Action, 40))
                .col(string_len_null(SuggestionEvents::FromStatus, 20))
                .col(string_len_null(SuggestionEvents::ToStatus, 20))
                .col(text_null(SuggestionEvents::Detail))
                .foreign_key(&mut fk_suggestion(
                    "fk_event_suggestion",
                    SuggestionEvents::Table,
                    SuggestionEvents::SuggestionId,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_events_suggestion",
            SuggestionEvents::Table,
            &["suggestion_id", "id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(SuggestionCategories::Table)
                .col(string_len(SuggestionCategories::Name, 40).primary_key())
                .col(integer(SuggestionCategories::Position))
                .col(boolean(SuggestionCategories::Active))
                .to_owned(),
        )
        .await?;
        let mut insert = Query::insert();
        insert.into_table(SuggestionCategories::Table).columns([
            SuggestionCategories::Name,
            SuggestionCategories::Position,
            SuggestionCategories::Active,
        ]);
        for (i, name) in [
            "经济发展",
            "城乡建设",
            "交通",
            "教育",
            "医疗卫生",
            "社会保障",
            "农业农村",
            "生态环境",
            "政法",
            "其他",
        ]
        .iter()
        .enumerate()
        {
            let position =
                <i32 as TryFrom<usize>>::try_from(i).map_err(|e| DbErr::Custom(e.to_string()))?;
            insert
                .values([(*name).into(), position.into(), true.into()])
                .map_err(|e| DbErr::Custom(e.to_string()))?;
        }
        m.exec_stmt(insert).await?;

        m.create_table(
            Table::create()
                .table(SuggestionCounters::Table)
                .col(integer(SuggestionCounters::Year).primary_key())
                .col(big_integer(SuggestionCounters::LastNumber))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            SuggestionCounters::Table.into_iden(),
            SuggestionCategories::Table.into_iden(),
            SuggestionEvents::Table.into_iden(),
            SuggestionCommitments::Table.into_iden(),
            SuggestionRequests::Table.into_iden(),
            SuggestionRecords::Table.into_iden(),
            SuggestionReplies::Table.into_iden(),
            SuggestionAssignments::Table.into_iden(),
            SuggestionCoUnits::Table.into_iden(),
            SuggestionCoSigners::Table.into_iden(),
            Suggestions::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
