//! Webhook subscriptions.

use super::*;
use crate::error::Conflict;

/// A subscription to create.
#[derive(Debug, Clone)]
pub struct NewSubscription {
    pub owner: SubscriptionOwner,
    pub audience_unit_id: Option<Uuid>,
    pub url: String,
    pub event_types: Vec<String>,
    pub secret: String,
    pub status: IntegrationStatus,
    pub description: Option<String>,
}

/// A change to a subscription; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct SubscriptionPatch {
    pub url: Option<String>,
    pub event_types: Option<Vec<String>>,
    pub status: Option<IntegrationStatus>,
    pub description: Option<Option<String>>,
    pub secret: Option<String>,
}

pub(super) fn subscription_from(m: ws::Model) -> StoreResult<Subscription> {
    let owner = match (m.owner_user_id, m.owner_client_id) {
        (_, Some(c)) => SubscriptionOwner::Client(c),
        (Some(u), None) => SubscriptionOwner::User(u),
        (None, None) => {
            return Err(StoreError::Db(sea_orm::DbErr::Type(
                "a subscription without an owner".into(),
            )));
        }
    };
    Ok(Subscription {
        id: m.id,
        owner,
        audience_unit_id: m.audience_unit_id,
        url: m.url,
        event_types: split_list(&m.event_types),
        status: parse_stored(&m.status)?,
        description: m.description,
        created_at: m.created_at,
        updated_at: m.updated_at,
        version: m.version,
    })
}

pub(super) fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

pub(super) fn join_list<T: ToString>(items: &[T]) -> String {
    let mut s = String::from(",");
    for i in items {
        s.push_str(&i.to_string());
        s.push(',');
    }
    s
}

/// The column a subscription's signing secret is kept in, encrypted with
/// the personal-data keys (and resealed with them on rotation).
pub(crate) const SECRET_FIELD: &str = "webhook_subscriptions.secret";

fn seal_secret(crypto: &crate::crypto::Crypto, id: Uuid, secret: &str) -> String {
    crate::crypto::seal_field(crypto, SECRET_FIELD, id, Some(secret)).unwrap_or_default()
}

/// The subscription's signing secret in clear (one written before
/// encryption reads as it is, and is encrypted by the next reseal).
pub(super) fn open_secret(crypto: &crate::crypto::Crypto, m: &ws::Model) -> StoreResult<String> {
    Ok(
        crate::crypto::open_field(crypto, SECRET_FIELD, m.id, Some(m.secret.clone()))?
            .unwrap_or_default(),
    )
}

pub(super) async fn load_subscription<C: ConnectionTrait>(
    c: &C,
    id: Uuid,
) -> StoreResult<ws::Model> {
    ws::Entity::find_by_id(id)
        .filter(ws::Column::DeletedAt.is_null())
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Which subscriptions a listing shows: one owner's, or all (`None`).
pub type SubscriptionFilter = Option<SubscriptionOwner>;

impl Store {
    pub async fn create_subscription(
        &self,
        ctx: &AuditCtx,
        new: NewSubscription,
    ) -> StoreResult<Subscription> {
        let now = renda_domain::time::now();
        let (owner_user_id, owner_client_id) = match new.owner {
            SubscriptionOwner::User(u) => (Some(u), None),
            SubscriptionOwner::Client(c) => (None, Some(c)),
        };
        let id = Uuid::now_v7();
        let m = ws::Model {
            id,
            owner_user_id,
            owner_client_id,
            audience_unit_id: new.audience_unit_id,
            url: new.url,
            event_types: join_list(&new.event_types),
            secret: seal_secret(&self.crypto, id, &new.secret),
            status: new.status.as_str().to_owned(),
            description: new.description,
            created_at: now,
            updated_at: now,
            deleted_at: None,
            version: 1,
        };
        let txn = self.db.begin().await?;
        // A client's subscription is written with the client's row locked:
        // a client deleted meanwhile leaves no live subscription behind.
        if let Some(client) = owner_client_id {
            crate::db::lock_live(
                &txn,
                sc::Entity::find_by_id(client).filter(sc::Column::DeletedAt.is_null()),
            )
            .await?
            .ok_or(StoreError::Conflict(Conflict::ClientGone))?;
        }
        ws::ActiveModel::from(m.clone()).insert(&txn).await?;
        let s = subscription_from(m)?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "create",
            SUBSCRIPTION,
            Some(s.id),
            None::<&Subscription>,
            Some(&s),
        )
        .await?;
        txn.commit().await?;
        Ok(s)
    }

    pub async fn get_subscription(&self, id: Uuid) -> StoreResult<Subscription> {
        subscription_from(load_subscription(&self.db, id).await?)
    }

    pub async fn list_subscriptions(
        &self,
        filter: SubscriptionFilter,
        opts: &ListOptions,
    ) -> StoreResult<Page<Subscription>> {
        let mut q = ws::Entity::find();
        match filter {
            Some(SubscriptionOwner::User(u)) => q = q.filter(ws::Column::OwnerUserId.eq(u)),
            Some(SubscriptionOwner::Client(c)) => q = q.filter(ws::Column::OwnerClientId.eq(c)),
            None => {}
        }
        let keys = list::Keys {
            id: ws::Column::Id,
            updated_at: ws::Column::UpdatedAt,
            deleted_at: Some(ws::Column::DeletedAt),
            seq: list::SEQ_COLUMN,
        };
        let page = list::paginate(&self.db, q, keys, opts, |m: &ws::Model| {
            (m.id, m.updated_at, m.deleted_at)
        })
        .await?;
        page.try_map(subscription_from)
    }

    pub async fn update_subscription(
        &self,
        ctx: &AuditCtx,
        id: Uuid,
        if_version: Option<i32>,
        patch: SubscriptionPatch,
    ) -> StoreResult<Subscription> {
        let txn = self.db.begin().await?;
        let model = load_subscription(&txn, id).await?;
        let before = subscription_from(model.clone())?;
        if if_version.is_some_and(|v| v != before.version) {
            return Err(StoreError::Stale);
        }
        let mut after = before.clone();
        if let Some(u) = patch.url {
            after.url = u;
        }
        if let Some(e) = patch.event_types {
            after.event_types = e;
        }
        if let Some(s) = patch.status {
            after.status = s;
        }
        if let Some(d) = patch.description {
            after.description = d;
        }
        let stored_secret = open_secret(&self.crypto, &model)?;
        let new_secret = patch.secret.filter(|s| *s != stored_secret);
        if after == before && new_secret.is_none() {
            return Ok(before);
        }
        after.updated_at = renda_domain::time::now();
        after.version = before.version + 1;
        let res = ws::Entity::update_many()
            .col_expr(ws::Column::Url, Expr::value(after.url.clone()))
            .col_expr(
                ws::Column::EventTypes,
                Expr::value(join_list(&after.event_types)),
            )
            .col_expr(ws::Column::Status, Expr::value(after.status.as_str()))
            .col_expr(
                ws::Column::Description,
                Expr::value(after.description.clone()),
            )
            .col_expr(
                ws::Column::Secret,
                Expr::value(match &new_secret {
                    Some(secret) => seal_secret(&self.crypto, id, secret),
                    None => model.secret.clone(),
                }),
            )
            .col_expr(ws::Column::UpdatedAt, Expr::value(after.updated_at))
            .col_expr(ws::Column::Version, Expr::value(after.version))
            .filter(ws::Column::Id.eq(id))
            .filter(ws::Column::Version.eq(before.version))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(StoreError::VersionMismatch);
        }
        if after.status == IntegrationStatus::Disabled {
            // A disabled subscription sends nothing, not even what waits.
            cancel_pending()
                .filter(wd::Column::SubscriptionId.eq(id))
                .exec(&txn)
                .await?;
        }
        let action = if new_secret.is_some() {
            "update_with_new_secret"
        } else {
            "update"
        };
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            action,
            SUBSCRIPTION,
            Some(id),
            Some(&before),
            Some(&after),
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Deletes a subscription; its pending deliveries are not made.
    pub async fn delete_subscription(
        &self,
        ctx: &AuditCtx,
        id: Uuid,
        if_version: Option<i32>,
    ) -> StoreResult<()> {
        let txn = self.db.begin().await?;
        let before = subscription_from(load_subscription(&txn, id).await?)?;
        if if_version.is_some_and(|v| v != before.version) {
            return Err(StoreError::Stale);
        }
        let now = renda_domain::time::now();
        let res = ws::Entity::update_many()
            .col_expr(ws::Column::DeletedAt, Expr::value(Some(now)))
            .col_expr(ws::Column::UpdatedAt, Expr::value(now))
            .col_expr(ws::Column::Version, Expr::value(before.version + 1))
            .filter(ws::Column::Id.eq(id))
            .filter(ws::Column::Version.eq(before.version))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(StoreError::VersionMismatch);
        }
        cancel_pending()
            .filter(wd::Column::SubscriptionId.eq(id))
            .exec(&txn)
            .await?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "delete",
            SUBSCRIPTION,
            Some(id),
            Some(&before),
            None::<&()>,
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}
