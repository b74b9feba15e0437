//! Integration records: service clients, webhook subscriptions, the
//! outbox of events and their deliveries.
//!
//! An event is written to the outbox by [`emit`] on the connection of the
//! transaction that makes the change it reports: a committed change always
//! has its event, a rolled-back one never. A dispatcher then fans each new
//! event out into one delivery per matching subscription
//! ([`Store::fan_out_events`]), claims due deliveries with a lease
//! ([`Store::claim_deliveries`]) and records each attempt
//! ([`Store::finish_delivery`]). Claims are conditional updates, so several
//! dispatchers on one database never claim the same delivery; a delivery
//! is due only when no earlier event of the same object is still pending
//! for the same subscription, which keeps each object's events in order.

use chrono::{DateTime, Duration, Utc};
use renda_domain::integration::{
    Audience, IntegrationStatus, ScopeSet, ServiceClient, Subscription, SubscriptionOwner,
    event_in_scope, event_matches,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use crate::Store;
use crate::audit::{self, AuditCtx};
use crate::entities::outbox_event as ob;
use crate::entities::service_client as sc;
use crate::entities::webhook_delivery as wd;
use crate::entities::webhook_subscription as ws;
use crate::error::{StoreError, StoreResult, parse_stored};
use crate::list::{self, ListOptions, Page};

mod clients;
mod outbox;
mod subscriptions;

pub use clients::*;
pub use outbox::*;
pub use subscriptions::*;

const CLIENT: &str = "service_client";
const SUBSCRIPTION: &str = "webhook_subscription";

/// An update that cancels pending deliveries; the caller says which.
fn cancel_pending() -> sea_orm::UpdateMany<wd::Entity> {
    wd::Entity::update_many()
        .col_expr(
            wd::Column::Status,
            Expr::value(DeliveryStatus::Cancelled.as_str()),
        )
        .filter(wd::Column::Status.eq(DeliveryStatus::Pending.as_str()))
}
