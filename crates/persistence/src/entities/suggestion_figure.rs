use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "suggestion_figures")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub scope: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub scope_key: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    pub registered: i64,
    pub assigned: i64,
    pub closed: i64,
    pub replied: i64,
    pub replied_on_time: i64,
    pub solved: i64,
    pub consulted: i64,
    pub evaluated: i64,
    pub satisfied: i64,
    pub unsatisfied: i64,
    pub not_evaluated: i64,
    pub rehandled: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
