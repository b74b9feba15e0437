//! Deputies' activities (履职活动, "代表+"): invitations, sign-ups and
//! check-ins that land in the duty archive; and the needs list (需求清单)
//! of enterprises and residents.

use crate::routes::Routes;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, get, patch, post};
use chrono::{DateTime, NaiveDate, Utc};
use renda_auth::Action;
use renda_domain::activity::{self as act, ActivityKind, NeedStatus, RequesterKind};
use renda_persistence::StoreError;
use renda_persistence::activities::{Activity, ActivityFilter, Need, NeedFilter, Participant};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Caller, IfMatch, JsonBody, QueryParams, no_null, take};
use crate::pagination::{ListParams, ListResponse, WholeListParams};
use crate::patch::double;
use crate::routes::common::{command_ctx as ctx, concurrent_change, existing_deputies};
use crate::{AppState, respond};

mod activity;
mod needs;
mod participants;

pub use activity::*;
pub use needs::*;
pub use participants::*;

pub fn configure(cfg: &mut Routes) {
    cfg.service(create_activity)
        .service(list_activities)
        .service(get_activity)
        .service(update_activity)
        .service(sign_up)
        .service(check_in)
        .service(record_attendance)
        .service(list_participants)
        .service(create_need)
        .service(list_needs)
        .service(get_need)
        .service(match_need)
        .service(close_need);
}
