//! Deputies' suggestions (代表建议): drafting, co-signing, review,
//! assignment with three-colour management, replies, evaluation,
//! rehandling, units' requests, supervision and closing.
//!
//! Every handler here loads, asks the permission module, gathers the facts
//! a command needs from the store, calls the domain command
//! (`renda_domain::suggestion`), saves the change and answers.

use crate::routes::Routes;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post};
use chrono::{DateTime, NaiveDate, Utc};
use renda_auth::Action;
use renda_auth::suggestion_access::{
    SuggestionAction, SuggestionScope, UNIT_VISIBLE, decide_suggestion, visibility,
};
use renda_domain::suggestion::{
    self as rules, AttachmentKind, By, Change, Color, CommitmentStatus, Ctx, EvaluationResult,
    Reply, ReplyCategory, RequestKind, RequestStatus, SessionTiming, Suggestion, SuggestionError,
    SuggestionRecordKind, SuggestionSource, SuggestionStatus,
};
use renda_persistence::Conflict;
use renda_persistence::StoreError;
use renda_persistence::suggestions::{
    AssignmentSpell, Commitment, SuggestionFilter, SuggestionRecord, SuggestionVisibility,
    TimelineEntry, UnitRequest,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::error::{ApiError, ApiResult, Msg, Problem};
use crate::export::{Cell, ExportFormat};
use crate::extract::{Caller, IfMatch, JsonBody, QueryParams};
use crate::pagination::{ListParams, ListResponse, WholeListParams};
use crate::patch::double;
use crate::routes::common::existing_deputies;
use crate::{AppState, respond};

mod attachments;
mod bodies;
mod catalogue;
mod figures;
mod handout;
mod lifecycle;
mod practice;
mod reading;
mod records;
mod stats;
mod views;

pub use attachments::*;
pub use bodies::*;
pub use catalogue::*;
pub use figures::*;
pub use handout::*;
pub use lifecycle::*;
pub use practice::*;
pub use reading::*;
pub use records::*;
pub use stats::*;
pub use views::*;

pub fn configure(cfg: &mut Routes) {
    cfg.service(create_suggestion)
        .service(list_suggestions)
        .service(list_categories)
        .service(add_category)
        .service(retire_category)
        .service(list_advanced_units)
        .service(mark_advanced_unit)
        .service(unmark_advanced_unit)
        // Before `/suggestions/{id}`, which would otherwise take "stats" for an id.
        .service(suggestion_stats)
        .service(list_suggestion_summaries)
        .service(suggestion_figures)
        .service(handling_report)
        .service(unit_summary)
        .service(export_unit_summary)
        .service(export_suggestions)
        .service(hand_out)
        .service(list_assignment_batches)
        .service(get_assignment_batch)
        .service(export_assignment_list)
        .service(get_suggestion)
        .service(update_draft)
        .service(submit)
        .service(confirm_co_signature)
        .service(withdraw_co_signature)
        .service(register)
        .service(reject)
        .service(pass_as_letter)
        .service(acknowledge_letter)
        .service(assign)
        .service(pass_on)
        .service(reply)
        .service(co_unit_opinion)
        .service(add_consultation)
        .service(list_consultations)
        .service(get_consultation)
        .service(respond_to_consultation)
        .service(add_instruction)
        .service(list_instructions)
        .service(evaluate)
        .service(add_verification)
        .service(add_supervision_note)
        .service(sign_off)
        .service(close)
        .service(publish)
        .service(mark_outstanding)
        .service(create_request)
        .service(decide_request)
        .service(update_commitment)
        .service(list_timeline)
        .service(list_replies)
        .service(list_records)
        .service(list_requests)
        .service(list_commitments)
        .service(list_assignments)
        .service(upload_attachment)
        .service(list_attachments)
        .service(download_attachment);
}

fn scope(s: &Suggestion) -> SuggestionScope {
    SuggestionScope {
        status: s.status,
        lead_deputy_id: s.lead_deputy_id,
        co_signers: s.involved_co_signers().collect(),
        lead_unit_id: s.lead_unit_id,
        co_unit_ids: s.co_units.iter().map(|c| c.unit_id).collect(),
        dispatcher_unit_id: s.dispatcher_unit_id,
        supervisor_id: s.supervisor_id,
        published: s.published_at.is_some(),
        letter_unit_id: s.letter.as_ref().map(|l| l.unit_id),
    }
}

/// Loads a suggestion and asks the permission module whether the caller
/// may perform `action` on it.
async fn load_for(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    action: SuggestionAction,
) -> ApiResult<Suggestion> {
    let s = match state.store.get_suggestion(id).await {
        Ok(s) => s,
        // Unknown ids answer like hidden ones.
        Err(StoreError::NotFound) if caller.principal.actor().is_none() => {
            return Err(ApiError::unauthenticated());
        }
        Err(e) => return Err(e.into()),
    };
    crate::extract::answer(decide_suggestion(&caller.principal, action, &scope(&s)))?;
    Ok(s)
}

/// Loads a suggestion for a command: the permission module's answer, then
/// the `If-Match` precondition.
async fn load_to_change(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    action: SuggestionAction,
    if_match: IfMatch,
) -> ApiResult<Suggestion> {
    let s = load_for(state, caller, id, action).await?;
    match if_match.0 {
        Some(v) if v != s.version => Err(ApiError::precondition_failed()),
        _ => Ok(s),
    }
}

/// Who gives a command, now, under the congress's deadline policy.
fn ctx<'a>(state: &'a AppState, caller: &Caller) -> ApiResult<Ctx<'a>> {
    let a = caller.actor()?;
    Ok(Ctx {
        by: By {
            user_id: a.user_id,
            deputy_id: a.deputy_id,
            unit_id: a.unit_id,
        },
        now: renda_domain::time::now(),
        today: state.clock.today(),
        policy: &state.handling,
    })
}

/// Saves a command's change and answers with the suggestion as saved.
/// A concurrent change of the same suggestion is a 409; a request or
/// commitment decided meanwhile is the command's own refusal.
async fn save(
    state: &AppState,
    caller: &Caller,
    before: &Suggestion,
    change: Result<Change, SuggestionError>,
) -> ApiResult<HttpResponse> {
    let saved = save_change(state, caller, before, change?).await?;
    let version = saved.version;
    Ok(respond::changed(version, &view(state, saved)))
}

async fn save_change(
    state: &AppState,
    caller: &Caller,
    before: &Suggestion,
    change: Change,
) -> ApiResult<Suggestion> {
    match state
        .store
        .save_suggestion(&caller.audit(), before, change)
        .await
    {
        Ok(s) => Ok(s),
        Err(StoreError::VersionMismatch) => Err(crate::routes::common::concurrent_change()),
        Err(StoreError::Conflict(Conflict::RequestDecided)) => {
            Err(SuggestionError::RequestDecided.into())
        }
        Err(StoreError::Conflict(Conflict::CommitmentClosed)) => {
            Err(SuggestionError::CommitmentClosed.into())
        }
        Err(e) => Err(e.into()),
    }
}

/// Whether `category` is one of the catalogue's.
pub(crate) async fn category_known(state: &AppState, category: &str) -> ApiResult<bool> {
    Ok(state
        .store
        .suggestion_categories()
        .await?
        .iter()
        .any(|c| c == category))
}

/// Which of `ids` are units on record.
async fn existing_units(state: &AppState, ids: &[Uuid]) -> ApiResult<Vec<Uuid>> {
    let mut out = Vec::new();
    for id in ids {
        if state.store.unit_exists(*id).await? {
            out.push(*id);
        }
    }
    Ok(out)
}
