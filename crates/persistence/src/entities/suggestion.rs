use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "suggestions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub number: Option<String>,
    pub title: String,
    pub content: String,
    pub category: String,
    pub term: String,
    pub session: Option<String>,
    pub timing: String,
    pub congress_session_id: Option<Uuid>,
    pub pass_on_due: Option<Date>,
    pub dispatcher_unit_id: Option<Uuid>,
    pub assignment_batch_id: Option<Uuid>,
    pub lead_deputy_id: Uuid,
    pub source: String,
    pub source_ref: Option<String>,
    pub status: String,
    pub color: Option<String>,
    pub lead_unit_id: Option<Uuid>,
    pub supervisor_id: Option<Uuid>,
    pub assigned_on: Option<Date>,
    pub deadline: Option<Date>,
    pub overdue_recorded: bool,
    pub submitted_at: Option<DateTimeUtc>,
    pub registered_at: Option<DateTimeUtc>,
    pub assigned_at: Option<DateTimeUtc>,
    pub replied_at: Option<DateTimeUtc>,
    pub replied_on_time: Option<bool>,
    pub closed_at: Option<DateTimeUtc>,
    pub reject_reason: Option<String>,
    pub letter_unit_id: Option<Uuid>,
    pub letter_passed_at: Option<DateTimeUtc>,
    pub letter_acknowledged_at: Option<DateTimeUtc>,
    pub letter_acknowledgement: Option<String>,
    pub consultations: i32,
    pub evaluation_result: Option<String>,
    pub evaluation_comment: Option<String>,
    pub evaluated_at: Option<DateTimeUtc>,
    pub signed_off_at: Option<DateTimeUtc>,
    pub signed_off_by: Option<Uuid>,
    pub published_at: Option<DateTimeUtc>,
    pub outstanding: bool,
    pub outstanding_reason: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
    pub version: i32,
    /// The year the list's `year` filter finds it in (`Suggestion::year`).
    pub year: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
