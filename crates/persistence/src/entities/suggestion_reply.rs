use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "suggestion_replies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub suggestion_id: Uuid,
    pub round: i32,
    pub unit_id: Uuid,
    pub category: String,
    pub content: String,
    pub document_number: Option<String>,
    pub signed_by: Option<String>,
    pub responsible_person: Option<String>,
    pub handler_name: Option<String>,
    pub handler_phone: Option<String>,
    pub reply_date: Date,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
