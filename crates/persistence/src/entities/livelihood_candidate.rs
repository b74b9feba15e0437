use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "livelihood_candidates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub round_id: Uuid,
    pub title: String,
    pub description: String,
    pub estimated_budget: Option<i64>,
    pub unit_id: Option<Uuid>,
    pub source: String,
    pub proposed_by: Option<Uuid>,
    pub proposer_deputy_id: Option<Uuid>,
    pub status: String,
    pub review_reason: Option<String>,
    pub reviewed_by: Option<Uuid>,
    pub approvals: Option<i32>,
    pub against: Option<i32>,
    pub abstentions: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
