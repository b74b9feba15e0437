use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "suggestion_consultations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub suggestion_id: Uuid,
    pub round: i32,
    pub unit_id: Uuid,
    pub held_on: Date,
    pub form: String,
    pub participants: String,
    pub agreed: String,
    pub recorded_by: Uuid,
    pub created_at: DateTimeUtc,
    pub response: Option<String>,
    pub response_comment: Option<String>,
    pub responded_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
