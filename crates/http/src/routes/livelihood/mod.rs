//! Livelihood projects voted by deputies (民生实事项目人大代表票决): a
//! round collects candidates, shortlists them, lets the deputies of its
//! congress vote, and follows the adopted projects to their evaluation.
//!
//! Every handler here loads, asks the permission module, gathers the facts
//! a command needs from the store, calls the domain command
//! (`renda_domain::livelihood`), saves the result and answers.

use crate::routes::Routes;
use actix_web::http::header;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, get, post};
use chrono::{DateTime, NaiveDate, Utc};
use renda_auth::Action;
use renda_domain::deputy::Level;
use renda_domain::livelihood::{
    self as rules, CandidateSource, CandidateStatus, Choice, Ctx, Issue, LivelihoodError, Rating,
    RoundBlocker, RoundStage,
};
use renda_domain::supervision::Tally;
use renda_persistence::Conflict;
use renda_persistence::StoreError;
use renda_persistence::livelihood::{Candidate, Comment, Progress, Round, TimelineEntry};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Caller, IfMatch, JsonBody, QueryParams};
use crate::pagination::{Keyed, ListParams, ListResponse, WholeListParams};
use crate::routes::common::{concurrent_change, limit_anonymous};
use crate::routes::suggestions::EmptyRequest;
use crate::{AppState, respond};

mod access;
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

pub fn configure(cfg: &mut Routes) {
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

/// When a command is given.
fn command_ctx(state: &AppState) -> Ctx {
    Ctx {
        now: renda_domain::time::now(),
        today: state.clock.today(),
        new_id: Uuid::now_v7,
        policy: state.livelihood,
    }
}

/// A storage refusal as an answer; a stage that changed meanwhile is
/// named as it is now.
async fn store_error(state: &AppState, e: StoreError, round: Uuid) -> ApiError {
    let changed = |b: RoundBlocker| LivelihoodError::CandidatesChanged(b).into();
    match e {
        StoreError::VersionMismatch => concurrent_change(),
        StoreError::Conflict(Conflict::CandidatesUndecided) => {
            changed(RoundBlocker::Undecided(String::new()))
        }
        StoreError::Conflict(Conflict::NothingShortlisted) => {
            changed(RoundBlocker::NothingShortlisted)
        }
        StoreError::Conflict(Conflict::TiePending) => changed(RoundBlocker::TiePending),
        StoreError::Conflict(Conflict::BadTieBreak) => {
            LivelihoodError::field("adopt", Issue::BadTieBreak).into()
        }
        StoreError::Conflict(Conflict::AlreadyVoted) => LivelihoodError::AlreadyVoted.into(),
        StoreError::Conflict(Conflict::AlreadyRated) => LivelihoodError::AlreadyRated.into(),
        StoreError::Conflict(Conflict::StageChanged) => match state.store.get_round(round).await {
            Ok(r) => LivelihoodError::InvalidState(r.stage).into(),
            Err(e) => e.into(),
        },
        other => other.into(),
    }
}
