//! Service clients and their secrets.

use super::*;
use crate::error::Conflict;

/// A client to register.
#[derive(Debug, Clone)]
pub struct NewClient {
    pub name: String,
    pub scopes: ScopeSet,
    pub unit_id: Option<Uuid>,
    pub secret_hash: String,
}

/// A change to a client; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ClientPatch {
    pub name: Option<String>,
    pub scopes: Option<ScopeSet>,
    pub unit_id: Option<Option<Uuid>>,
    pub status: Option<IntegrationStatus>,
}

pub(super) fn client_from(m: sc::Model) -> StoreResult<ServiceClient> {
    Ok(ServiceClient {
        id: m.id,
        name: m.name,
        scopes: ScopeSet::parse(&m.scopes)
            .map_err(|e| StoreError::Db(sea_orm::DbErr::Type(e.to_string())))?,
        unit_id: m.unit_id,
        status: parse_stored(&m.status)?,
        previous_secret_expires_at: m.previous_secret_expires_at,
        created_at: m.created_at,
        updated_at: m.updated_at,
        version: m.version,
    })
}

async fn load_client<C: ConnectionTrait>(c: &C, id: Uuid) -> StoreResult<sc::Model> {
    sc::Entity::find_by_id(id)
        .filter(sc::Column::DeletedAt.is_null())
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)
}

async fn client_name_taken<C: ConnectionTrait>(
    c: &C,
    name: &str,
    except: Option<Uuid>,
) -> StoreResult<bool> {
    let mut q = sc::Entity::find()
        .filter(sc::Column::Name.eq(name))
        .filter(sc::Column::DeletedAt.is_null());
    if let Some(id) = except {
        q = q.filter(sc::Column::Id.ne(id));
    }
    Ok(q.count(c).await? > 0)
}

impl Store {
    pub async fn create_client(
        &self,
        ctx: &AuditCtx,
        new: NewClient,
    ) -> StoreResult<ServiceClient> {
        let now = renda_domain::time::now();
        let m = sc::Model {
            id: Uuid::now_v7(),
            name: new.name,
            scopes: new.scopes.to_storage(),
            unit_id: new.unit_id,
            status: IntegrationStatus::Active.as_str().to_owned(),
            secret_hash: new.secret_hash,
            previous_secret_hash: None,
            previous_secret_expires_at: None,
            created_at: now,
            updated_at: now,
            deleted_at: None,
            version: 1,
        };
        let txn = self.db.begin().await?;
        if client_name_taken(&txn, &m.name, None).await? {
            return Err(StoreError::Conflict(Conflict::ClientNameTaken));
        }
        // The unit it acts for is locked: it cannot be deleted meanwhile.
        crate::users::lock_links(&txn, m.unit_id.map(Into::into), None).await?;
        sc::ActiveModel::from(m.clone()).insert(&txn).await?;
        let client = client_from(m)?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "create",
            CLIENT,
            Some(client.id),
            None::<&ServiceClient>,
            Some(&client),
        )
        .await?;
        txn.commit().await?;
        Ok(client)
    }

    pub async fn get_client(&self, id: Uuid) -> StoreResult<ServiceClient> {
        client_from(load_client(&self.db, id).await?)
    }

    /// The client, and whether a token issued under the secret with this
    /// fingerprint (see [`secret_fingerprint`]) may still be used: the
    /// current secret's always, the previous one's only until its overlap
    /// ends, so that rotating a secret ends the old tokens with it.
    pub async fn client_for_token(
        &self,
        id: Uuid,
        fingerprint: &str,
    ) -> StoreResult<(ServiceClient, bool)> {
        let m = load_client(&self.db, id).await?;
        let now = Utc::now();
        let current = secret_fingerprint(&m.secret_hash) == fingerprint;
        let previous = m
            .previous_secret_hash
            .as_deref()
            .is_some_and(|h| secret_fingerprint(h) == fingerprint)
            && m.previous_secret_expires_at.is_some_and(|t| t > now);
        Ok((client_from(m)?, current || previous))
    }

    pub async fn list_clients(&self, opts: &ListOptions) -> StoreResult<Page<ServiceClient>> {
        let keys = list::Keys {
            id: sc::Column::Id,
            updated_at: sc::Column::UpdatedAt,
            deleted_at: Some(sc::Column::DeletedAt),
            seq: list::SEQ_COLUMN,
        };
        let page = list::paginate(&self.db, sc::Entity::find(), keys, opts, |m: &sc::Model| {
            (m.id, m.updated_at, m.deleted_at)
        })
        .await?;
        page.try_map(client_from)
    }

    /// Changes a client. A disabled client's tokens stop working at once;
    /// its webhook deliveries stop being made.
    pub async fn update_client(
        &self,
        ctx: &AuditCtx,
        id: Uuid,
        if_version: Option<i32>,
        patch: ClientPatch,
    ) -> StoreResult<ServiceClient> {
        let txn = self.db.begin().await?;
        let model = load_client(&txn, id).await?;
        let before = client_from(model.clone())?;
        if if_version.is_some_and(|v| v != before.version) {
            return Err(StoreError::Stale);
        }
        let mut after = before.clone();
        if let Some(n) = patch.name {
            if client_name_taken(&txn, &n, Some(id)).await? {
                return Err(StoreError::Conflict(Conflict::ClientNameTaken));
            }
            after.name = n;
        }
        if let Some(s) = patch.scopes {
            after.scopes = s;
        }
        if let Some(u) = patch.unit_id {
            after.unit_id = u;
        }
        if let Some(s) = patch.status {
            after.status = s;
        }
        if after == before {
            return Ok(before);
        }
        crate::users::lock_links(
            &txn,
            (after.unit_id.filter(|u| before.unit_id != Some(*u))).map(Into::into),
            None,
        )
        .await?;
        after.updated_at = renda_domain::time::now();
        after.version = before.version + 1;
        let res = sc::Entity::update_many()
            .col_expr(sc::Column::Name, Expr::value(after.name.clone()))
            .col_expr(sc::Column::Scopes, Expr::value(after.scopes.to_storage()))
            .col_expr(sc::Column::UnitId, Expr::value(after.unit_id))
            .col_expr(sc::Column::Status, Expr::value(after.status.as_str()))
            .col_expr(sc::Column::UpdatedAt, Expr::value(after.updated_at))
            .col_expr(sc::Column::Version, Expr::value(after.version))
            .filter(sc::Column::Id.eq(id))
            .filter(sc::Column::Version.eq(before.version))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(StoreError::VersionMismatch);
        }
        if after.unit_id != before.unit_id {
            // The subscriptions follow the unit the client acts for.
            ws::Entity::update_many()
                .col_expr(ws::Column::AudienceUnitId, Expr::value(after.unit_id))
                .filter(ws::Column::OwnerClientId.eq(id))
                .exec(&txn)
                .await?;
            // What was queued for the old unit is not sent.
            cancel_pending_of_client(&txn, id).await?;
        }
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "update",
            CLIENT,
            Some(id),
            Some(&before),
            Some(&after),
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Gives a client a new secret. The old one keeps working until
    /// `overlap` has passed, so that the client's operators can roll the
    /// new one out without an outage.
    pub async fn rotate_client_secret(
        &self,
        ctx: &AuditCtx,
        id: Uuid,
        if_version: Option<i32>,
        new_hash: String,
        overlap: Duration,
    ) -> StoreResult<ServiceClient> {
        let txn = self.db.begin().await?;
        let model = load_client(&txn, id).await?;
        let before = client_from(model.clone())?;
        if if_version.is_some_and(|v| v != before.version) {
            return Err(StoreError::Stale);
        }
        let now = renda_domain::time::now();
        let mut after = before.clone();
        after.previous_secret_expires_at = (overlap > Duration::zero()).then(|| now + overlap);
        after.updated_at = now;
        after.version = before.version + 1;
        let res = sc::Entity::update_many()
            .col_expr(sc::Column::SecretHash, Expr::value(new_hash))
            .col_expr(
                sc::Column::PreviousSecretHash,
                Expr::value(
                    after
                        .previous_secret_expires_at
                        .map(|_| model.secret_hash.clone()),
                ),
            )
            .col_expr(
                sc::Column::PreviousSecretExpiresAt,
                Expr::value(after.previous_secret_expires_at),
            )
            .col_expr(sc::Column::UpdatedAt, Expr::value(now))
            .col_expr(sc::Column::Version, Expr::value(after.version))
            .filter(sc::Column::Id.eq(id))
            .filter(sc::Column::Version.eq(before.version))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(StoreError::VersionMismatch);
        }
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "rotate_secret",
            CLIENT,
            Some(id),
            Some(&before),
            Some(&after),
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Deletes a client with its webhook subscriptions.
    pub async fn delete_client(
        &self,
        ctx: &AuditCtx,
        id: Uuid,
        if_version: Option<i32>,
    ) -> StoreResult<()> {
        let txn = self.db.begin().await?;
        let before = client_from(load_client(&txn, id).await?)?;
        if if_version.is_some_and(|v| v != before.version) {
            return Err(StoreError::Stale);
        }
        let now = renda_domain::time::now();
        let res = sc::Entity::update_many()
            .col_expr(sc::Column::DeletedAt, Expr::value(Some(now)))
            .col_expr(sc::Column::UpdatedAt, Expr::value(now))
            .col_expr(sc::Column::Version, Expr::value(before.version + 1))
            .filter(sc::Column::Id.eq(id))
            .filter(sc::Column::Version.eq(before.version))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(StoreError::VersionMismatch);
        }
        ws::Entity::update_many()
            .col_expr(ws::Column::DeletedAt, Expr::value(Some(now)))
            .col_expr(ws::Column::UpdatedAt, Expr::value(now))
            .col_expr(ws::Column::Version, Expr::col(ws::Column::Version).add(1))
            .filter(ws::Column::OwnerClientId.eq(id))
            .filter(ws::Column::DeletedAt.is_null())
            .exec(&txn)
            .await?;
        cancel_pending_of_client(&txn, id).await?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "delete",
            CLIENT,
            Some(id),
            Some(&before),
            None::<&()>,
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The active client whose current secret, or previous secret still in
    /// its overlap, has this digest.
    pub async fn client_by_secret(
        &self,
        id: Uuid,
        secret_hash: &str,
    ) -> StoreResult<Option<ServiceClient>> {
        let Some(m) = sc::Entity::find_by_id(id)
            .filter(sc::Column::DeletedAt.is_null())
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let now = Utc::now();
        let current = m.secret_hash == secret_hash;
        let previous = m.previous_secret_hash.as_deref() == Some(secret_hash)
            && m.previous_secret_expires_at.is_some_and(|t| t > now);
        let client = client_from(m)?;
        Ok(((current || previous) && client.status == IntegrationStatus::Active).then_some(client))
    }
}

/// What a client's access token carries of the secret it was issued
/// under: the first 16 hex digits of the secret's digest (the secret
/// itself has 256 bits; this tells nothing of it).
pub fn secret_fingerprint(secret_hash: &str) -> String {
    secret_hash.chars().take(16).collect()
}

/// Cancels the pending deliveries of a client's subscriptions.
async fn cancel_pending_of_client<C: ConnectionTrait>(c: &C, client: Uuid) -> StoreResult<()> {
    let subs = sea_orm::sea_query::Query::select()
        .column(ws::Column::Id)
        .from(ws::Entity)
        .and_where(ws::Column::OwnerClientId.eq(client))
        .to_owned();
    cancel_pending()
        .filter(wd::Column::SubscriptionId.in_subquery(subs))
        .exec(c)
        .await?;
    Ok(())
}
