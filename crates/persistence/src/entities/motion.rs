use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "motions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub number: Option<String>,
    pub congress_session_id: Uuid,
    pub level: String,
    pub title: String,
    pub reason: String,
    pub proposal: String,
    pub proposer: String,
    pub delegation: Option<String>,
    pub lead_deputy_id: Uuid,
    pub status: String,
    pub committee: Option<String>,
    pub report_due: Option<Date>,
    pub report: Option<String>,
    pub reported_at: Option<DateTimeUtc>,
    pub decision_reason: Option<String>,
    pub decided_at: Option<DateTimeUtc>,
    pub suggestion_id: Option<Uuid>,
    pub submitted_at: Option<DateTimeUtc>,
    pub registered_at: Option<DateTimeUtc>,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
