use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "supervision_evaluations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub item_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub round: i32,
    pub satisfied: i32,
    pub basically_satisfied: i32,
    pub unsatisfied: i32,
    pub outcome: String,
    pub present: Option<i32>,
    pub members: Option<i32>,
    pub concluded_by: Uuid,
    pub concluded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
