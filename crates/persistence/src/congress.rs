//! Sessions of a congress: planned, opened and closed by the congress
//! office. The database keeps the two rules no instance can check alone:
//! one session per level, term and number, and one open session per level.

use renda_domain::congress::{CongressSession, SessionStatus};
use renda_domain::deputy::Level;
use renda_domain::deputy::MembershipStatus;
use renda_domain::id::DeputyId;
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter,
    QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use crate::Store;
use crate::audit::{self, AuditCtx};
use crate::entities::congress_session::{self as cs, Column as C, Entity as Sessions};
use crate::entities::{deputy_membership as dm, number_series as ns};
use crate::error::{Conflict, StoreError, StoreResult, parse_stored};
use crate::list::{self, ListOptions, Page};

/// What filing a suggestion or a motion needs to know of its lead deputy.
#[derive(Debug, Clone, Default)]
pub struct FilingFacts {
    /// Serving somewhere, or with no membership on record
    /// (`renda_domain::term::may_file`).
    pub may_file: bool,
    /// The open session of a congress they serve in, when asked.
    pub open_session: Option<CongressSession>,
}

/// Filters of the session listing.
#[derive(Debug, Clone, Default)]
pub struct SessionFilter {
    pub level: Option<Level>,
    pub status: Option<SessionStatus>,
}

fn active(s: &CongressSession) -> cs::ActiveModel {
    cs::ActiveModel {
        id: Set(s.id),
        level: Set(s.level.as_str().to_owned()),
        term: Set(s.term.clone()),
        number: Set(s.number),
        opens_on: Set(s.opens_on),
        closes_on: Set(s.closes_on),
        status: Set(s.status.as_str().to_owned()),
        opened_at: Set(s.opened_at),
        closed_at: Set(s.closed_at),
        created_by: Set(s.created_by.uuid()),
        created_at: Set(s.created_at),
        updated_at: Set(s.updated_at),
        deleted_at: Set(None),
        version: Set(s.version),
    }
}

fn from_model(m: cs::Model) -> StoreResult<CongressSession> {
    Ok(CongressSession {
        id: m.id,
        level: parse_stored(&m.level)?,
        term: m.term,
        number: m.number,
        opens_on: m.opens_on,
        closes_on: m.closes_on,
        status: parse_stored(&m.status)?,
        opened_at: m.opened_at,
        closed_at: m.closed_at,
        created_by: m.created_by.into(),
        created_at: m.created_at,
        updated_at: m.updated_at,
        version: m.version,
    })
}

/// A unique index refused the write: opening a session while another of
/// the level is open, else a level, term and number taken.
fn unique_refusal(e: StoreError, opening: bool) -> StoreError {
    match e {
        StoreError::Conflict(Conflict::UniqueViolation) if opening => {
            StoreError::Conflict(Conflict::SessionOpenAtLevel)
        }
        StoreError::Conflict(Conflict::UniqueViolation) => {
            StoreError::Conflict(Conflict::SessionExists)
        }
        other => other,
    }
}

/// The session `id`, on `c`.
pub(crate) async fn load<Conn: ConnectionTrait>(
    c: &Conn,
    id: Uuid,
) -> StoreResult<CongressSession> {
    let m = Sessions::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    from_model(m)
}

/// The next number of `series`, counted in the caller's transaction: the
/// row lock of the increment orders concurrent ones, on every instance.
pub(crate) async fn next_seq<Conn: ConnectionTrait>(c: &Conn, series: &str) -> StoreResult<i64> {
    ns::Entity::insert(ns::ActiveModel {
        series: Set(series.to_owned()),
        last_number: Set(0),
    })
    .on_conflict_do_nothing_on([ns::Column::Series])
    .exec(c)
    .await?;
    ns::Entity::update_many()
        .col_expr(
            ns::Column::LastNumber,
            Expr::col(ns::Column::LastNumber).add(1),
        )
        .filter(ns::Column::Series.eq(series))
        .exec(c)
        .await?;
    let row = ns::Entity::find_by_id(series.to_owned())
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(row.last_number)
}

impl Store {
    /// Records a planned session.
    pub async fn create_congress_session(
        &self,
        ctx: &AuditCtx,
        s: CongressSession,
    ) -> StoreResult<CongressSession> {
        let txn = self.db.begin().await?;
        Sessions::insert(active(&s))
            .exec(&txn)
            .await
            .map_err(|e| unique_refusal(e.into(), false))?;
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            "create",
            "congress_session",
            Some(s.id),
            None::<&CongressSession>,
            Some(&s),
        )
        .await?;
        txn.commit().await?;
        Ok(s)
    }

    pub async fn get_congress_session(&self, id: Uuid) -> StoreResult<CongressSession> {
        load(&self.db, id).await
    }

    /// The open session of a level the deputy serves at (an active
    /// membership's), if any: what the deputy files now belongs to it.
    /// Should sessions of two of the deputy's levels sit at once, the
    /// senior level's is taken.
    pub async fn open_congress_session_of(
        &self,
        deputy: DeputyId,
    ) -> StoreResult<Option<CongressSession>> {
        let levels: Vec<String> = dm::Entity::find()
            .filter(dm::Column::DeputyId.eq(deputy.uuid()))
            .filter(dm::Column::Status.eq(MembershipStatus::Serving.as_str()))
            .select_only()
            .column(dm::Column::Level)
            .into_tuple()
            .all(&self.db)
            .await?;
        self.open_session_at_levels(levels).await
    }

    /// What filing something new needs to know of deputy `d`, in one
    /// statement: whether they may file (`term::may_file` of their
    /// memberships; a deputy not on record may), and, when `session` is
    /// asked, the open session of the first of their congresses where
    /// they serve (see [`Self::open_congress_session_of`]).
    pub async fn filing_facts(&self, d: DeputyId, session: bool) -> StoreResult<FilingFacts> {
        use crate::entities::deputy::{Column as D, Entity as Deputies};
        let live = sea_orm::sea_query::Query::select()
            .column(D::Id)
            .from(Deputies)
            .and_where(D::Id.eq(d.uuid()))
            .and_where(D::DeletedAt.is_null())
            .to_owned();
        // Each membership, with the open session of its level when it is
        // served (one open session per level at most).
        let open_at_level: sea_orm::RelationDef = dm::Entity::belongs_to(Sessions)
            .from(dm::Column::Level)
            .to(C::Level)
            .on_condition(|membership, session| {
                Condition::all()
                    .add(Expr::col((session, C::Status)).eq(SessionStatus::Open.as_str()))
                    .add(
                        Expr::col((membership, dm::Column::Status))
                            .eq(MembershipStatus::Serving.as_str()),
                    )
            })
            .into();
        let rows: Vec<(dm::Model, Option<cs::Model>)> = dm::Entity::find()
            .filter(dm::Column::DeputyId.eq(d.uuid()))
            .filter(dm::Column::DeputyId.in_subquery(live))
            .select_also(Sessions)
            .join(JoinType::LeftJoin, open_at_level)
            .all(&self.db)
            .await?;
        let may_file = rows.is_empty()
            || rows
                .iter()
                .any(|(m, _)| m.status == MembershipStatus::Serving.as_str());
        let open_session = if session {
            let mut open = rows
                .into_iter()
                .filter_map(|(_, s)| s)
                .map(from_model)
                .collect::<StoreResult<Vec<_>>>()?;
            open.sort_by_key(|s| Level::ALL.iter().position(|l| *l == s.level));
            open.into_iter().next()
        } else {
            None
        };
        Ok(FilingFacts {
            may_file,
            open_session,
        })
    }

    /// The open session of the first of `levels` (in [`Level::ALL`]'s
    /// order) that has one.
    async fn open_session_at_levels(
        &self,
        levels: Vec<String>,
    ) -> StoreResult<Option<CongressSession>> {
        if levels.is_empty() {
            return Ok(None);
        }
        let open = Sessions::find()
            .filter(C::Status.eq(SessionStatus::Open.as_str()))
            .filter(C::Level.is_in(levels))
            .all(&self.db)
            .await?;
        let mut open = open
            .into_iter()
            .map(from_model)
            .collect::<StoreResult<Vec<_>>>()?;
        open.sort_by_key(|s| Level::ALL.iter().position(|l| *l == s.level));
        Ok(open.into_iter().next())
    }

    /// The open session of `level`'s congress, if any.
    pub async fn open_congress_session_at(
        &self,
        level: Level,
    ) -> StoreResult<Option<CongressSession>> {
        Sessions::find()
            .filter(C::Level.eq(level.as_str()))
            .filter(C::Status.eq(SessionStatus::Open.as_str()))
            .one(&self.db)
            .await?
            .map(from_model)
            .transpose()
    }

    /// Whether a session of `level` other than `except` is open.
    pub async fn congress_session_open_at(&self, level: Level, except: Uuid) -> StoreResult<bool> {
        Ok(Sessions::find()
            .filter(C::Level.eq(level.as_str()))
            .filter(C::Status.eq(SessionStatus::Open.as_str()))
            .filter(C::Id.ne(except))
            .select_only()
            .column(C::Id)
            .into_tuple::<Uuid>()
            .one(&self.db)
            .await?
            .is_some())
    }

    /// Writes `after` over `before` if unchanged meanwhile, with the audit
    /// entry.
    pub async fn save_congress_session(
        &self,
        ctx: &AuditCtx,
        before: &CongressSession,
        mut after: CongressSession,
    ) -> StoreResult<CongressSession> {
        let txn = self.db.begin().await?;
        after.updated_at = renda_domain::time::now();
        after.version = before.version + 1;
        let opening = after.status == SessionStatus::Open && before.status != SessionStatus::Open;
        let res = Sessions::update_many()
            .set(active(&after))
            .filter(C::Id.eq(before.id))
            .filter(C::Version.eq(before.version))
            .exec(&txn)
            .await
            .map_err(|e| unique_refusal(e.into(), opening))?;
        if res.rows_affected != 1 {
            return Err(StoreError::VersionMismatch);
        }
        let action = match (before.status, after.status) {
            (SessionStatus::Planned, SessionStatus::Open) => "open",
            (SessionStatus::Open, SessionStatus::Closed) => "close",
            _ => "update",
        };
        audit::record(
            &txn,
            &self.crypto,
            ctx,
            action,
            "congress_session",
            Some(after.id),
            Some(before),
            Some(&after),
        )
        .await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Sessions, paged like every other collection.
    pub async fn list_congress_sessions(
        &self,
        f: &SessionFilter,
        opts: &ListOptions,
    ) -> StoreResult<Page<CongressSession>> {
        let mut q = Sessions::find();
        if let Some(l) = f.level {
            q = q.filter(C::Level.eq(l.as_str()));
        }
        if let Some(s) = f.status {
            q = q.filter(C::Status.eq(s.as_str()));
        }
        let keys = list::Keys {
            id: C::Id,
            updated_at: C::UpdatedAt,
            deleted_at: Some(C::DeletedAt),
            seq: list::SEQ_COLUMN,
        };
        let page = list::paginate(&self.db, q, keys, opts, |m: &cs::Model| {
            (m.id, m.updated_at, m.deleted_at)
        })
        .await?;
        page.try_map(from_model)
    }
}
