//! Who the caller acts as in a round, as the permission module
//! (`renda_auth::livelihood_access`) answers it, in the forms the handlers
//! use.

use renda_auth::livelihood_access;

use super::*;

/// Who proposes a candidate, and whether the proposal counts against the
/// per-address limit of anonymous callers.
pub(super) fn proposer(caller: &Caller) -> (rules::Proposer, bool) {
    let p = livelihood_access::proposer(&caller.principal);
    let by = rules::Proposer {
        source: p.source,
        user_id: p.user_id,
        deputy_id: p.deputy_id,
    };
    (by, p.limited)
}

/// The caller's deputy id if they are a deputy of the round's congress.
pub(super) async fn member(state: &AppState, caller: &Caller, round: &Round) -> ApiResult<Uuid> {
    let d = livelihood_access::voting_deputy(&caller.principal).map_err(refusal)?;
    let deputy = state.store.get_deputy(d.into()).await?;
    Ok(rules::voter(round, d, &deputy.memberships)?)
}

/// The caller's user id if they are a user of the project's unit.
pub(super) fn project_unit_user(caller: &Caller, project: &Candidate) -> ApiResult<Uuid> {
    livelihood_access::project_reporter(&caller.principal, project.unit_id.map(Into::into))
        .map_err(refusal)
}

fn refusal(d: renda_auth::Decision) -> ApiError {
    match crate::extract::answer(d) {
        Err(e) => e,
        Ok(()) => ApiError::forbidden(),
    }
}
