use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "constituent_opinions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub station_id: Option<Uuid>,
    pub content: String,
    pub category: Option<String>,
    pub submitter_name: Option<String>,
    pub submitter_phone: Option<String>,
    pub receipt_digest: String,
    pub status: String,
    pub answer: Option<String>,
    pub unit_id: Option<Uuid>,
    pub forward_note: Option<String>,
    pub unit_reply: Option<String>,
    pub suggestion_id: Option<Uuid>,
    pub handled_by: Option<Uuid>,
    pub handled_at: Option<DateTimeUtc>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
