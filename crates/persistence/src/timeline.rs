//! The one way timelines are kept: each area's steps go to a table of the
//! same shape (`suggestion_events`, `supervision_events`,
//! `livelihood_events`), written and read here alike.

use renda_domain::timeline::{Entry, Event, Phase};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query};
use sea_orm::{ConnectionTrait, FromQueryResult, StatementBuilder};
use uuid::Uuid;

use crate::audit::AuditCtx;
use crate::error::{StoreResult, parse_stored};

/// Where an area keeps its timeline.
pub(crate) struct Timeline {
    table: &'static str,
    /// The column naming the record the step belongs to.
    parent: &'static str,
    /// The columns of the state before and after.
    from: &'static str,
    to: &'static str,
}

pub(crate) const SUGGESTIONS: Timeline = Timeline {
    table: "suggestion_events",
    parent: "suggestion_id",
    from: "from_status",
    to: "to_status",
};

pub(crate) const SUPERVISION: Timeline = Timeline {
    table: "supervision_events",
    parent: "item_id",
    from: "from_stage",
    to: "to_stage",
};

pub(crate) const MOTIONS: Timeline = Timeline {
    table: "motion_events",
    parent: "motion_id",
    from: "from_status",
    to: "to_status",
};

pub(crate) const ROUNDS: Timeline = Timeline {
    table: "livelihood_events",
    parent: "round_id",
    from: "from_stage",
    to: "to_stage",
};

/// Appends a step to `parent`'s timeline, by the caller of `ctx`, now.
pub(crate) async fn append<C: ConnectionTrait, S: Phase>(
    c: &C,
    t: &Timeline,
    ctx: &AuditCtx,
    parent: Uuid,
    from: Option<S>,
    to: Option<S>,
    event: &Event,
) -> StoreResult<()> {
    let s = append_statement(c.get_database_backend(), t, ctx, parent, from, to, event)?;
    c.execute_raw(s).await?;
    Ok(())
}

/// The insert [`append`] makes, to send with others.
pub(crate) fn append_statement<S: Phase>(
    backend: sea_orm::DbBackend,
    t: &Timeline,
    ctx: &AuditCtx,
    parent: Uuid,
    from: Option<S>,
    to: Option<S>,
    event: &Event,
) -> StoreResult<sea_orm::Statement> {
    let mut q = Query::insert();
    q.into_table(Alias::new(t.table))
        .columns([
            Alias::new("id"),
            Alias::new(t.parent),
            Alias::new("occurred_at"),
            Alias::new("actor_id"),
            Alias::new("actor_name"),
            Alias::new("action"),
            Alias::new(t.from),
            Alias::new(t.to),
            Alias::new("detail"),
        ])
        .values([
            Uuid::now_v7().into(),
            parent.into(),
            renda_domain::time::now().into(),
            ctx.actor_id.into(),
            ctx.actor_username.clone().into(),
            event.action.into(),
            from.map(|s| s.stored()).into(),
            to.map(|s| s.stored()).into(),
            event.detail.as_ref().map(|d| d.to_string()).into(),
        ])
        .map_err(|e| sea_orm::DbErr::Custom(e.to_string()))?;
    Ok(backend.build(&q))
}

#[derive(FromQueryResult)]
struct Row {
    id: Uuid,
    occurred_at: chrono::DateTime<chrono::Utc>,
    actor_id: Option<Uuid>,
    actor_name: Option<String>,
    action: String,
    from_state: Option<String>,
    to_state: Option<String>,
    detail: Option<String>,
}

/// `parent`'s timeline, oldest first.
pub(crate) async fn read<C: ConnectionTrait, S: Phase>(
    c: &C,
    t: &Timeline,
    parent: Uuid,
) -> StoreResult<Vec<Entry<S>>> {
    let mut q = Query::select();
    q.columns([
        Alias::new("id"),
        Alias::new("occurred_at"),
        Alias::new("actor_id"),
        Alias::new("actor_name"),
        Alias::new("action"),
        Alias::new("detail"),
    ])
    .expr_as(Expr::col(Alias::new(t.from)), Alias::new("from_state"))
    .expr_as(Expr::col(Alias::new(t.to)), Alias::new("to_state"))
    .from(Alias::new(t.table))
    .and_where(Expr::col(Alias::new(t.parent)).eq(parent))
    .order_by(Alias::new("id"), Order::Asc);
    let rows = Row::find_by_statement(StatementBuilder::build(&q, &c.get_database_backend()))
        .all(c)
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Entry {
                id: r.id,
                occurred_at: r.occurred_at,
                actor_id: r.actor_id,
                actor_name: r.actor_name,
                action: r.action,
                from: r.from_state.as_deref().map(parse_stored).transpose()?,
                to: r.to_state.as_deref().map(parse_stored).transpose()?,
                detail: r.detail.and_then(|d| serde_json::from_str(&d).ok()),
            })
        })
        .collect()
}
