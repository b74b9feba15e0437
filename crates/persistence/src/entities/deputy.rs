use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deputies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub gender: Option<String>,
    pub ethnicity: Option<String>,
    pub birth_date: Option<Date>,
    pub party: Option<String>,
    pub education: Option<String>,
    pub occupation: Option<String>,
    pub work_unit: Option<String>,
    pub phone: Option<String>,
    pub phone_index: Option<String>,
    pub photo_url: Option<String>,
    pub status: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
