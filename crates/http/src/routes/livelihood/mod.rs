//! Livelihood projects voted by deputies (民生实事项目人大代表票决): a
//! round collects candidates, shortlists them, lets the deputies of its
//! congress vote, and follows the adopted projects to their evaluation.

use actix_web::http::header;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, get, post};
use chrono::{DateTime, NaiveDate, Utc};
use renda_auth::Action;
use renda_domain::Code;
use renda_domain::Role;
use renda_domain::deputy::{Level, MembershipStatus};
use renda_domain::livelihood::{
    self as rules, BallotProblem, CandidateSource, CandidateStatus, Choice, Rating, RoundOp,
    RoundStage,
};
use renda_domain::supervision::Tally;
use renda_persistence::Conflict;
use renda_persistence::StoreError;
use renda_persistence::livelihood::{Candidate, Comment, Event, Progress, Round, TimelineEntry};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

use crate::error::{ApiError, ApiResult, FieldError, Msg, Problem};
use crate::extract::{Caller, IfMatch, JsonBody, QueryParams};
use crate::pagination::{Keyed, ListParams, ListResponse, WholeListParams};
use crate::routes::common::{blank, concurrent_change, limit_anonymous};
use crate::routes::suggestions::EmptyRequest;
use crate::{AppState, respond};

mod candidates;
mod projects;
mod rounds;
mod stages;
mod vote;

pub use candidates::*;
pub use projects::*;
pub use rounds::*;
pub use stages::*;
pub use vote::*;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_round)
        .service(list_rounds)
        .service(get_round)
        .service(start_review)
        .service(start_voting)
        .service(close_voting)
        .service(break_tie)
        .service(start_round_evaluation)
        .service(close_round)
        .service(round_timeline)
        .service(propose_candidate)
        .service(list_candidates)
        .service(get_candidate)
        .service(review_candidate)
        .service(cast_ballot)
        .service(my_ballot)
        .service(list_voters)
        .service(round_results)
        .service(report_progress)
        .service(list_progress)
        .service(add_comment)
        .service(list_comments)
        .service(rate_project);
}

// ---------------------------------------------------------------- helpers

fn invalid_stage(s: RoundStage) -> ApiError {
    ApiError::conflict(
        Code::InvalidState,
        Msg::new(
            format!("本轮票决当前处于“{s}”阶段，不允许此操作"),
            format!("The round is {s}; this operation is not allowed now"),
        ),
    )
}

/// The candidates changed while the round was moved on.
fn candidates_changed(code: Code) -> ApiError {
    ApiError::conflict(
        code,
        Msg::new(
            "候选项目刚有变动，当前不能进入下一阶段",
            "The candidates changed meanwhile; the round cannot move on now",
        ),
    )
}

/// A storage refusal as an answer; a stage that changed meanwhile is
/// named as it is now.
async fn store_error(state: &AppState, e: StoreError, round: Uuid) -> ApiError {
    match e {
        StoreError::VersionMismatch => concurrent_change(),
        StoreError::Conflict(Conflict::CandidatesUndecided) => {
            candidates_changed(Code::CandidatesUndecided)
        }
        StoreError::Conflict(Conflict::NothingShortlisted) => {
            candidates_changed(Code::NothingShortlisted)
        }
        StoreError::Conflict(Conflict::TiePending) => candidates_changed(Code::TiePending),
        StoreError::Conflict(Conflict::StageChanged) => match state.store.get_round(round).await {
            Ok(r) => invalid_stage(r.stage),
            Err(e) => e.into(),
        },
        other => other.into(),
    }
}
