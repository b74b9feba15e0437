//! User accounts and sign-in bookkeeping.

use crate::error::Conflict;
use chrono::{DateTime, Duration, Utc};
use renda_domain::id::{DeputyId, UnitId};
use renda_domain::user::{
    LOCKOUT_MINUTES, MAX_FAILED_LOGINS, NewUser, PASSWORD_HISTORY, User, UserPatch, UserStatus,
};
use renda_domain::{Role, RoleSet};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    TransactionTrait,
};
use uuid::Uuid;

use crate::Store;
use crate::audit::{self, AuditCtx};
use crate::entities::user::{self, Column as C, Entity as UserEntity};
use crate::error::{StoreError, StoreResult, parse_stored};
use crate::list::{self, ListOptions, Page};

const OBJECT: &str = "user";

/// Filters of the user listing.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub role: Option<Role>,
    pub status: Option<UserStatus>,
    pub q: Option<String>,
}

fn to_domain(m: user::Model) -> StoreResult<User> {
    Ok(User {
        id: m.id,
        username: m.username,
        display_name: m.display_name,
        roles: RoleSet::from_storage(&m.roles),
        status: parse_stored(&m.status)?,
        deputy_id: m.deputy_id.map(Into::into),
        unit_id: m.unit_id.map(Into::into),
        observer_id: m.observer_id,
        failed_logins: m.failed_logins,
        locked_until: m.locked_until,
        password_changed_at: m.password_changed_at,
        must_change_password: m.must_change_password,
        created_at: m.created_at,
        updated_at: m.updated_at,
        deleted_at: m.deleted_at,
        version: m.version,
    })
}

async fn load_model<Conn: ConnectionTrait>(c: &Conn, id: Uuid) -> StoreResult<user::Model> {
    UserEntity::find_by_id(id)
        .filter(C::DeletedAt.is_null())
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)
}

/// How many active accounts hold `role`. On PostgreSQL their rows are
/// locked until the transaction ends, so that two holders removing each
/// other at once cannot both pass the last-holder check (SQLite has one
/// writer at a time anyway).
async fn active_holders<Conn: ConnectionTrait>(c: &Conn, role: Role) -> StoreResult<u64> {
    use sea_orm::QuerySelect;
    let mut q = UserEntity::find()
        .select_only()
        .column(C::Id)
        .filter(C::DeletedAt.is_null())
        .filter(C::Status.eq(UserStatus::Active.as_str()))
        .filter(C::Roles.like(format!("%,{},%", role.as_str())));
    if c.get_database_backend() == sea_orm::DbBackend::Postgres {
        q = q.lock_exclusive();
    }
    Ok(q.into_tuple::<Uuid>().all(c).await?.len() as u64)
}

/// Keeps a newly set password in the account's history, which holds the
/// last [`PASSWORD_HISTORY`] passwords.
async fn remember_password<Conn: ConnectionTrait>(
    c: &Conn,
    user_id: Uuid,
    hash: &str,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    use crate::entities::password_history::{self, Column as H, Entity as History};
    use sea_orm::QueryOrder;
    History::insert(password_history::ActiveModel {
        id: sea_orm::Set(Uuid::now_v7()),
        user_id: sea_orm::Set(user_id),
        password_hash: sea_orm::Set(hash.to_owned()),
        changed_at: sea_orm::Set(at),
    })
    .exec_without_returning(c)
    .await?;
    // A history holds a handful of rows: read them, keep the newest.
    let stale: Vec<Uuid> = History::find()
        .filter(H::UserId.eq(user_id))
        .order_by_desc(H::ChangedAt)
        .order_by_desc(H::Id)
        .all(c)
        .await?
        .into_iter()
        .skip(PASSWORD_HISTORY)
        .map(|m| m.id)
        .collect();
    if !stale.is_empty() {
        History::delete_many()
            .filter(H::Id.is_in(stale))
            .exec(c)
            .await?;
    }
    Ok(())
}

async fn insert_user<Conn: ConnectionTrait>(
    txn: &Conn,
    crypto: &crate::crypto::Crypto,
    ctx: &AuditCtx,
    new: NewUser,
) -> StoreResult<User> {
    lock_links(txn, new.unit_id, new.deputy_id).await?;
    let now = renda_domain::time::now();
    let m = user::Model {
        id: Uuid::now_v7(),
        username: new.username.into_inner(),
        password_hash: new.password_hash,
        display_name: new.display_name,
        roles: new.roles.to_storage(),
        status: new.status.as_str().to_owned(),
        deputy_id: new.deputy_id.map(Into::into),
        unit_id: new.unit_id.map(Into::into),
        observer_id: new.observer_id,
        failed_logins: 0,
        locked_until: None,
        password_changed_at: now,
        must_change_password: new.must_change_password,
        created_at: now,
        updated_at: now,
        deleted_at: None,
        version: 1,
    };
    if UserEntity::find()
        .filter(C::Username.eq(m.username.clone()))
        .one(txn)
        .await?
        .is_some()
    {
        return Err(StoreError::Conflict(Conflict::UsernameTaken));
    }
    if let Some(d) = m.deputy_id
        && UserEntity::find()
            .filter(C::DeputyId.eq(d))
            .one(txn)
            .await?
            .is_some()
    {
        return Err(StoreError::Conflict(Conflict::DeputyAlreadyLinked));
    }
    let am: user::ActiveModel = m.clone().into();
    am.insert(txn)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(Conflict::UniqueViolation) => {
                StoreError::Conflict(Conflict::UsernameTaken)
            }
            other => other,
        })?;
    remember_password(txn, m.id, &m.password_hash, now).await?;
    let u = to_domain(m)?;
    audit::record(
        txn,
        crypto,
        ctx,
        "create",
        OBJECT,
        Some(u.id),
        None::<&User>,
        Some(&u),
    )
    .await?;
    Ok(u)
}

impl Store {
    /// Whether an active account holds `role`.
    pub async fn has_active_holder(&self, role: Role) -> StoreResult<bool> {
        Ok(active_holders(&self.db, role).await? > 0)
    }

    /// How many accounts exist (deleted ones included).
    pub async fn count_users(&self) -> StoreResult<u64> {
        Ok(UserEntity::find().count(&self.db).await?)
    }

    pub async fn create_user(&self, ctx: &AuditCtx, new: NewUser) -> StoreResult<User> {
        let txn = self.db.begin().await?;
        let u = insert_user(&txn, &self.crypto, ctx, new).await?;
        txn.commit().await?;
        Ok(u)
    }

    /// Creates administrators for the administrative roles no active
    /// account holds (a database from before the duties were separated),
    /// together; `Ok(false)` when another instance did meanwhile.
    pub async fn add_missing_administrators(
        &self,
        ctx: &AuditCtx,
        news: Vec<NewUser>,
    ) -> StoreResult<bool> {
        let roles: Vec<Role> = news.iter().flat_map(|n| n.roles.administrative()).collect();
        let txn = self.db.begin().await?;
        for n in news {
            for role in n.roles.administrative() {
                if active_holders(&txn, role).await? > 0 {
                    return Ok(false);
                }
            }
            match insert_user(&txn, &self.crypto, ctx, n).await {
                Ok(_) => {}
                Err(StoreError::Conflict(c)) => {
                    drop(txn);
                    // Another instance starting at the same time may have
                    // created them; otherwise the name is taken.
                    for role in roles {
                        if active_holders(&self.db, role).await? == 0 {
                            return Err(StoreError::Conflict(c));
                        }
                    }
                    return Ok(false);
                }
                Err(e) => return Err(e),
            }
        }
        txn.commit().await?;
        Ok(true)
    }

    /// Creates the first accounts of an empty database together, or none
    /// (another instance got there first: `Ok(false)`).
    pub async fn bootstrap_users(&self, ctx: &AuditCtx, news: Vec<NewUser>) -> StoreResult<bool> {
        let txn = self.db.begin().await?;
        if UserEntity::find().count(&txn).await? > 0 {
            return Ok(false);
        }
        for n in news {
            match insert_user(&txn, &self.crypto, ctx, n).await {
                Ok(_) => {}
                Err(StoreError::Conflict(_)) => return Ok(false),
                Err(e) => return Err(e),
            }
        }
        txn.commit().await?;
        Ok(true)
    }

    pub async fn get_user(&self, id: Uuid) -> StoreResult<User> {
        to_domain(load_model(&self.db, id).await?)
    }

    /// The account signed in to an open session, in one statement (it is
    /// read on every request): `None` when the account is gone or the
    /// session closed.
    pub async fn user_in_session(&self, id: Uuid, session: Uuid) -> StoreResult<Option<User>> {
        use crate::entities::refresh_token::{Column as T, Entity as Tokens};
        use sea_orm::sea_query::Query;
        let open = Query::select()
            .expr(Expr::val(1))
            .from(Tokens)
            .and_where(Expr::col(T::FamilyId).eq(session))
            // The session must be this user's: a token naming one user's
            // session under another user's id is refused.
            .and_where(Expr::col(T::UserId).eq(id))
            .and_where(Expr::col(T::RevokedAt).is_null())
            .to_owned();
        UserEntity::find_by_id(id)
            .filter(C::DeletedAt.is_null())
            .filter(Expr::exists(open))
            .one(&self.db)
            .await?
            .map(to_domain)
            .transpose()
    }

    /// The account and password hash for a username, if it exists.
    pub async fn find_credentials(&self, username: &str) -> StoreResult<Option<(User, String)>> {
        let m = UserEntity::find()
            .filter(C::Username.eq(username))
            .filter(C::DeletedAt.is_null())
            .one(&self.db)
            .await?;
        m.map(|m| {
            let hash = m.password_hash.clone();
            to_domain(m).map(|u| (u, hash))
        })
        .transpose()
    }

    pub async fn password_hash(&self, id: Uuid) -> StoreResult<String> {
        Ok(load_model(&self.db, id).await?.password_hash)
    }

    /// The hashes of the account's last passwords, the current one first:
    /// a new password may match none of them.
    pub async fn recent_password_hashes(&self, id: Uuid) -> StoreResult<Vec<String>> {
        use crate::entities::password_history::{Column as H, Entity as History};
        use sea_orm::{QueryOrder, QuerySelect};
        let current = load_model(&self.db, id).await?.password_hash;
        let mut out = vec![current];
        for m in History::find()
            .filter(H::UserId.eq(id))
            .order_by_desc(H::ChangedAt)
            .order_by_desc(H::Id)
            .limit(PASSWORD_HISTORY as u64)
            .all(&self.db)
            .await?
        {
            if !out.contains(&m.password_hash) {
                out.push(m.password_hash);
            }
        }
        out.truncate(PASSWORD_HISTORY);
        Ok(out)
    }

    /// Changes an account. Refuses to leave the system without an active
    /// administrator. Disabling an account or changing its password ends
    /// its sessions.
    pub async fn update_user(
        &self,
        ctx: &AuditCtx,
        id: Uuid,
        if_version: Option<i32>,
        patch: UserPatch,
    ) -> StoreResult<User> {
        let txn = self.db.begin().await?;
        let after = self
            .update_user_on(&txn, ctx, id, if_version, patch)
            .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// [`Store::update_user`] on `txn`, which the caller commits.
    pub(crate) async fn update_user_on(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        ctx: &AuditCtx,
        id: Uuid,
        if_version: Option<i32>,
        patch: UserPatch,
    ) -> StoreResult<User> {
        // Locked: what the change was decided on holds until it commits.
        let model = crate::db::lock_live(
            txn,
            UserEntity::find_by_id(id).filter(C::DeletedAt.is_null()),
        )
        .await?
        .ok_or(StoreError::NotFound)?;
        let before = to_domain(model.clone())?;
        if if_version.is_some_and(|v| v != before.version) {
            return Err(StoreError::Stale);
        }
        if patch
            .decided_on
            .as_ref()
            .is_some_and(|r| *r != before.roles)
        {
            return Err(StoreError::Conflict(Conflict::RolesChanged));
        }
        let mut after = before.clone();
        let mut hash = model.password_hash.clone();
        if let Some(v) = patch.display_name {
            after.display_name = v;
        }
        if let Some(v) = patch.roles {
            after.roles = v;
        }
        if let Some(v) = patch.status {
            after.status = v;
        }
        if let Some(v) = patch.deputy_id {
            after.deputy_id = v;
        }
        if let Some(v) = patch.unit_id {
            after.unit_id = v;
        }
        if let Some(v) = patch.observer_id {
            after.observer_id = v;
        }
        let now = renda_domain::time::now();
        let password_changed = patch.password_hash.is_some();
        if let Some(h) = patch.password_hash {
            hash = h;
            after.password_changed_at = now;
            after.failed_logins = 0;
            after.locked_until = None;
            after.must_change_password = patch.must_change_password.unwrap_or(false);
        }
        if patch.unlock {
            after.failed_logins = 0;
            after.locked_until = None;
        }
        if after == before && !password_changed {
            return Ok(before);
        }
        // A new link is checked (and its row locked) here, where it is
        // written: the unit or deputy cannot be deleted meanwhile.
        lock_links(
            txn,
            after.unit_id.filter(|u| before.unit_id != Some(*u)),
            after.deputy_id.filter(|d| before.deputy_id != Some(*d)),
        )
        .await?;
        // Each administrative duty keeps at least one active holder.
        for role in renda_domain::role::ADMINISTRATIVE {
            let was = before.is_active() && before.roles.contains(role);
            let is = after.is_active() && after.roles.contains(role);
            if was && !is && active_holders(txn, role).await? <= 1 {
                return Err(StoreError::Conflict(match role {
                    Role::SecurityAdmin => Conflict::LastSecurityAdmin,
                    Role::AuditAdmin => Conflict::LastAuditAdmin,
                    _ => Conflict::LastAdmin,
                }));
            }
        }
        if let Some(d) = after.deputy_id
            && before.deputy_id != Some(d)
            && UserEntity::find()
                .filter(C::DeputyId.eq(d.uuid()))
                .one(txn)
                .await?
                .is_some()
        {
            return Err(StoreError::Conflict(Conflict::DeputyAlreadyLinked));
        }
        after.updated_at = now;
        after.version = before.version + 1;
        let res = UserEntity::update_many()
            .col_expr(C::DisplayName, Expr::value(after.display_name.clone()))
            .col_expr(C::Roles, Expr::value(after.roles.to_storage()))
            .col_expr(C::Status, Expr::value(after.status.as_str()))
            .col_expr(
                C::DeputyId,
                Expr::value(after.deputy_id.map(DeputyId::uuid)),
            )
            .col_expr(C::UnitId, Expr::value(after.unit_id.map(UnitId::uuid)))
            .col_expr(C::ObserverId, Expr::value(after.observer_id))
            .col_expr(C::PasswordHash, Expr::value(hash.clone()))
            .col_expr(C::PasswordChangedAt, Expr::value(after.password_changed_at))
            .col_expr(
                C::MustChangePassword,
                Expr::value(after.must_change_password),
            )
            .col_expr(C::FailedLogins, Expr::value(after.failed_logins))
            .col_expr(C::LockedUntil, Expr::value(after.locked_until))
            .col_expr(C::UpdatedAt, Expr::value(after.updated_at))
            .col_expr(C::Version, Expr::value(after.version))
            .filter(C::Id.eq(id))
            .filter(C::Version.eq(before.version))
            .exec(txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(StoreError::VersionMismatch);
        }
        if password_changed {
            remember_password(txn, id, &hash, now).await?;
        }
        // An account no longer active has no phones to push to.
        if before.is_active() && !after.is_active() {
            crate::entities::device::Entity::delete_many()
                .filter(crate::entities::device::Column::UserId.eq(id))
                .exec(txn)
                .await?;
        }
        if before.locked_until.is_some() && after.locked_until.is_none() {
            use crate::entities::login_lock::{Column as L, Entity as Locks};
            Locks::delete_many()
                .filter(L::UserId.eq(id))
                .exec(txn)
                .await?;
        }
        if password_changed || !after.is_active() {
            crate::sessions::revoke_user_sessions(txn, id, now).await?;
        }
        let action = if after.roles != before.roles {
            "change_roles"
        } else if password_changed {
            "update_with_password"
        } else if before.is_locked(now) && !after.is_locked(now) {
            "unlock"
        } else {
            "update"
        };
        audit::record(
            txn,
            &self.crypto,
            ctx,
            action,
            OBJECT,
            Some(id),
            Some(&before),
            Some(&after),
        )
        .await?;
        Ok(after)
    }

    pub async fn list_users(&self, f: &UserFilter, opts: &ListOptions) -> StoreResult<Page<User>> {
        let mut q = UserEntity::find();
        if let Some(r) = f.role {
            q = q.filter(C::Roles.like(format!("%,{},%", r.as_str())));
        }
        if let Some(s) = f.status {
            q = q.filter(C::Status.eq(s.as_str()));
        }
        if let Some(text) = &f.q {
            q = q.filter(
                sea_orm::Condition::any()
                    .add(list::contains(C::Username, text))
                    .add(list::contains(C::DisplayName, text)),
            );
        }
        let keys = list::Keys {
            id: C::Id,
            updated_at: C::UpdatedAt,
            deleted_at: Some(C::DeletedAt),
            seq: list::SEQ_COLUMN,
        };
        let page = list::paginate(&self.db, q, keys, opts, |m: &user::Model| {
            (m.id, m.updated_at, m.deleted_at)
        })
        .await?;
        page.try_map(to_domain)
    }

    /// Counts a failed sign-in from the client address in `ctx`; the fifth
    /// in a row from one address locks the account for that address only,
    /// so that a stranger guessing from elsewhere cannot lock the owner
    /// out. One statement counts and locks, so parallel failures cannot
    /// slip past the limit. Returns whether the account is now locked for
    /// that address. A failed sign-in (`attempt`) also goes into the
    /// sign-in history in the same transaction; a wrong current password
    /// when changing it (`None`) does not.
    pub async fn record_login_failure(
        &self,
        ctx: &AuditCtx,
        id: Uuid,
        now: DateTime<Utc>,
        attempt: Option<crate::security::Attempt<'_>>,
    ) -> StoreResult<bool> {
        use crate::entities::login_lock::{ActiveModel as LockRow, Column as L, Entity as Locks};
        use sea_orm::sea_query::CaseStatement;
        let key = lock_key(ctx.client_addr.as_deref());
        let until = now + Duration::minutes(LOCKOUT_MINUTES);
        let reaches = Expr::col(L::FailedLogins).add(1).gte(MAX_FAILED_LOGINS);
        let txn = self.db.begin().await?;
        Locks::insert(LockRow {
            user_id: sea_orm::Set(id),
            client_key: sea_orm::Set(key.clone()),
            failed_logins: sea_orm::Set(0),
            locked_until: sea_orm::Set(None),
            updated_at: sea_orm::Set(now),
        })
        .on_conflict_do_nothing_on([L::UserId, L::ClientKey])
        .exec_without_returning(&txn)
        .await?;
        Locks::update_many()
            .col_expr(
                L::LockedUntil,
                CaseStatement::new()
                    .case(reaches.clone(), Expr::value(Some(until)))
                    .finally(Expr::col(L::LockedUntil))
                    .into(),
            )
            .col_expr(
                L::FailedLogins,
                CaseStatement::new()
                    .case(reaches, Expr::value(0))
                    .finally(Expr::col(L::FailedLogins).add(1))
                    .into(),
            )
            .col_expr(L::UpdatedAt, Expr::value(now))
            .filter(L::UserId.eq(id))
            .filter(L::ClientKey.eq(key.clone()))
            // Attempts against a locked account do not count towards the next lock.
            .filter(
                sea_orm::Condition::any()
                    .add(L::LockedUntil.is_null())
                    .add(L::LockedUntil.lte(now)),
            )
            .exec(&txn)
            .await?;
        let row = Locks::find_by_id((id, key.clone())).one(&txn).await?;
        let locked = row
            .as_ref()
            .is_some_and(|r| r.locked_until.is_some_and(|t| t > now));
        if locked && row.as_ref().is_some_and(|r| r.failed_logins == 0) {
            // The account shows when it is locked from somewhere, for the
            // security administrator, who can lift every lock at once.
            UserEntity::update_many()
                .col_expr(C::LockedUntil, Expr::value(Some(until)))
                .filter(C::Id.eq(id))
                .exec(&txn)
                .await?;
            audit::record(
                &txn,
                &self.crypto,
                ctx,
                "lock",
                OBJECT,
                Some(id),
                None::<&()>,
                Some(&serde_json::json!({"locked_until": until, "client": key})),
            )
            .await?;
        }
        audit::record_with_result(
            &txn,
            &self.crypto,
            ctx,
            "login_failed",
            OBJECT,
            Some(id),
            None::<&()>,
            Some(&serde_json::json!({"reason": "wrong_password"})),
            "failure",
        )
        .await?;
        if let Some(a) = attempt {
            crate::security::insert_login_event(&txn, ctx, Some(id), a, "wrong_password").await?;
        }
        txn.commit().await?;
        Ok(locked)
    }

    /// Lifts every sign-in lock of the account named `username`, as the
    /// server's operator (`renda users unlock`): the way in for an
    /// administrator locked out with no other administrator to help.
    /// Returns whether such an account exists.
    pub async fn unlock_by_username(&self, ctx: &AuditCtx, username: &str) -> StoreResult<bool> {
        use crate::entities::login_lock::{Column as L, Entity as Locks};
        let txn = self.db.begin().await?;
        let Some(m) = UserEntity::find()
            .filter(C::Username.eq(username))
            .filter(C::DeletedAt.is_null())
            .one(&txn)
            .await?
        else {
            return Ok(false);
        };
        Locks::delete_many()
            .filter(L::UserId.eq(m.id))
            .exec(&txn)
            .await?;
        UserEntity::update_many()
            .col_expr(C::LockedUntil, Expr::value(None::<DateTime<Utc>>))
            .col_expr(C::FailedLogins, Expr::value(0))
            .filter(C::Id.eq(m.id))
            .exec(&txn)
            .await?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "unlock",
            OBJECT,
            Some(m.id),
            None::<&()>,
            Some(&serde_json::json!({"locked_until": null})),
        )
        .await?;
        txn.commit().await?;
        Ok(true)
    }

    /// Whether the account is locked for sign-ins from this client address.
    pub async fn login_locked(
        &self,
        id: Uuid,
        client_addr: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        use crate::entities::login_lock::Entity as Locks;
        Ok(Locks::find_by_id((id, lock_key(client_addr)))
            .one(&self.db)
            .await?
            .is_some_and(|r| r.locked_until.is_some_and(|t| t > now)))
    }

    /// Clears the failure count after a successful sign-in, unless the
    /// account got locked meanwhile: then the sign-in is refused (false).
    /// The sign-in goes into the sign-in history in the same transaction.
    pub async fn record_login_success(
        &self,
        ctx: &AuditCtx,
        id: Uuid,
        attempt: crate::security::Attempt<'_>,
    ) -> StoreResult<bool> {
        use crate::entities::login_lock::{Column as L, Entity as Locks};
        let now = renda_domain::time::now();
        let key = lock_key(ctx.client_addr.as_deref());
        let txn = self.db.begin().await?;
        // Locked by failures that raced this attempt: refused. Otherwise
        // the address starts counting afresh.
        if Locks::find_by_id((id, key.clone()))
            .one(&txn)
            .await?
            .is_some_and(|r| r.locked_until.is_some_and(|t| t > now))
        {
            return Ok(false);
        }
        Locks::delete_many()
            .filter(L::UserId.eq(id))
            .filter(L::ClientKey.eq(key))
            .exec(&txn)
            .await?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "login",
            OBJECT,
            Some(id),
            None::<&()>,
            None::<&()>,
        )
        .await?;
        crate::security::insert_login_event(&txn, ctx, Some(id), attempt, "success").await?;
        txn.commit().await?;
        Ok(true)
    }
}

/// The address a sign-in lock applies to: the client address, or for IPv6
/// its /64 network, which one subscriber usually holds whole (cycling
/// through it must not give fresh guesses). An unknown address is one key.
fn lock_key(client_addr: Option<&str>) -> String {
    match client_addr.map(str::parse::<std::net::IpAddr>) {
        Some(Ok(std::net::IpAddr::V6(a))) => {
            let s = a.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Some(Ok(ip)) => ip.to_string(),
        Some(Err(_)) => client_addr.unwrap_or_default().chars().take(64).collect(),
        None => String::new(),
    }
}

/// Checks, inside the transaction that links an account, that the unit
/// and deputy it links to still exist, locking their rows so that deleting
/// them waits for this transaction (and then sees the link).
pub(crate) async fn lock_links<Conn: ConnectionTrait>(
    c: &Conn,
    unit_id: Option<UnitId>,
    deputy_id: Option<DeputyId>,
) -> StoreResult<()> {
    if let Some(u) = unit_id {
        use crate::entities::unit::{Column as U, Entity as Units};
        if crate::db::lock_live(
            c,
            Units::find_by_id(u.uuid()).filter(U::DeletedAt.is_null()),
        )
        .await?
        .is_none()
        {
            return Err(StoreError::Conflict(Conflict::UnitGone));
        }
    }
    if let Some(d) = deputy_id {
        use crate::entities::deputy::{Column as D, Entity as Deputies};
        if crate::db::lock_live(
            c,
            Deputies::find_by_id(d.uuid()).filter(D::DeletedAt.is_null()),
        )
        .await?
        .is_none()
        {
            return Err(StoreError::Conflict(Conflict::DeputyGone));
        }
    }
    Ok(())
}
