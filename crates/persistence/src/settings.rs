//! Small key/value settings kept in the database.

use sea_orm::{ActiveValue::Set, EntityTrait};

use crate::{Store, entities::setting, error::StoreResult};

impl Store {
    pub async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        Ok(setting::Entity::find_by_id(key.to_owned())
            .one(&self.db)
            .await?
            .map(|m| m.value))
    }

    /// Stores `value` under `key`, replacing any value it had.
    pub async fn set_setting(&self, key: &str, value: &str) -> StoreResult<()> {
        setting::Entity::insert(setting::ActiveModel {
            key: Set(key.to_owned()),
            value: Set(value.to_owned()),
        })
        .on_conflict(
            sea_orm::sea_query::OnConflict::column(setting::Column::Key)
                .update_column(setting::Column::Value)
                .to_owned(),
        )
        .exec(&self.db)
        .await?;
        Ok(())
    }

    /// Stores `value` under `key` unless the key already has a value;
    /// returns the value that is stored afterwards.
    pub async fn setting_or_insert(&self, key: &str, value: &str) -> StoreResult<String> {
        setting::Entity::insert(setting::ActiveModel {
            key: Set(key.to_owned()),
            value: Set(value.to_owned()),
        })
        .on_conflict_do_nothing_on([setting::Column::Key])
        .exec(&self.db)
        .await?;
        Ok(self.setting(key).await?.unwrap_or_else(|| value.to_owned()))
    }

    /// Removes `key` and its value, if any.
    pub async fn delete_setting(&self, key: &str) -> StoreResult<()> {
        setting::Entity::delete_by_id(key.to_owned())
            .exec(&self.db)
            .await?;
        Ok(())
    }
}
