//! Small pieces the route modules share: the answer to a concurrent
//! change, which referenced records exist, per-address limits, names met
//! while exporting, and unmasking personal data.

use actix_web::HttpRequest;
use renda_domain::Code;
use uuid::Uuid;

use crate::AppState;
use crate::error::{ApiError, ApiResult, FieldError, Msg};

/// Who gives a command and when, for the areas whose commands need no
/// more (sessions, motions, key supervision, stations, activities).
pub(crate) fn command_ctx(
    state: &AppState,
    caller: &crate::extract::Caller,
) -> ApiResult<renda_domain::command::Ctx> {
    Ok(renda_domain::command::Ctx {
        user_id: caller.actor()?.user_id,
        now: renda_domain::time::now(),
        today: state.clock.today(),
        new_id: Uuid::now_v7,
    })
}

/// 409: someone else changed the record since it was read.
pub(crate) fn concurrent_change() -> ApiError {
    ApiError::conflict(
        Code::ConcurrentChange,
        Msg::new(
            "记录刚被他人修改，请刷新后重试",
            "The record was just changed by someone else; reload and retry",
        ),
    )
}

/// Which of `ids` are deputies on record.
pub(crate) async fn existing_deputies(
    state: &AppState,
    ids: &[renda_domain::id::DeputyId],
) -> ApiResult<Vec<renda_domain::id::DeputyId>> {
    let mut out = Vec::new();
    for id in ids {
        if state.store.deputy_exists(id.uuid()).await? {
            out.push(*id);
        }
    }
    Ok(out)
}

/// Counts a submission from someone without a say of their own (no
/// account, or one that is neither staff nor deputy) against the
/// per-address limit; beyond it, 429 with `Retry-After`.
pub(crate) async fn limit_anonymous(state: &AppState, req: &HttpRequest) -> ApiResult<()> {
    let key = crate::extract::client_ip(req)
        .map(crate::ratelimit::key_of)
        .unwrap_or_default();
    let quota = state.opinion_limiter.check(&key).await?.map_err(|wait| {
        let secs = wait.as_secs().max(1);
        state.opinion_limiter.refusal(
            wait,
            Msg::new(
                format!("提交过于频繁，请 {secs} 秒后再试"),
                format!("Too many submissions from this address; try again in {secs} seconds"),
            ),
        )
    })?;
    crate::ratelimit::note(req, quota);
    Ok(())
}

/// Counts a sign-in attempt (password, refresh or client credentials)
/// against the per-address limit, before any credential is looked at.
pub(crate) async fn limit_sign_in(state: &AppState, req: &HttpRequest) -> ApiResult<()> {
    let key = crate::extract::client_ip(req)
        .map(crate::ratelimit::key_of)
        .unwrap_or_default();
    let quota = state.login_limiter.check(&key).await?.map_err(|wait| {
        let secs = wait.as_secs().max(1);
        state.login_limiter.refusal(
            wait,
            Msg::new(
                format!("登录尝试过于频繁，请 {secs} 秒后再试"),
                format!("Too many sign-in attempts from this address; try again in {secs} seconds"),
            ),
        )
    })?;
    crate::ratelimit::note(req, quota);
    Ok(())
}

/// The field errors of `ids` (in `field`) that name no unit.
pub(crate) async fn missing_units(
    state: &AppState,
    field: &str,
    ids: &[Uuid],
) -> ApiResult<Vec<FieldError>> {
    let mut errors = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        if !state.store.unit_exists(*id).await? {
            errors.push(FieldError::new(
                format!("{field}[{i}]"),
                "not_found",
                Msg::new("单位不存在", "no such unit"),
            ));
        }
    }
    Ok(errors)
}

/// Names of deputies and units met while exporting, each read once.
#[derive(Debug, Default)]
pub(crate) struct NameCache {
    names: std::collections::HashMap<Uuid, String>,
}

impl NameCache {
    /// Reads at once the names of `deputies` and `units` not read yet, so
    /// that naming a page's rows costs two statements, not one per person.
    pub(crate) async fn prefetch(
        &mut self,
        state: &AppState,
        deputies: impl IntoIterator<Item = Uuid>,
        units: impl IntoIterator<Item = Uuid>,
    ) -> Result<(), crate::error::ApiError> {
        let missing = |ids: &mut dyn Iterator<Item = Uuid>| {
            let mut v: Vec<Uuid> = ids.filter(|id| !self.names.contains_key(id)).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let (d, u) = (
            missing(&mut deputies.into_iter()),
            missing(&mut units.into_iter()),
        );
        if d.is_empty() && u.is_empty() {
            return Ok(());
        }
        let found = state.store.names_of(&d, &u).await?;
        for id in d.into_iter().chain(u) {
            // One not found reads as no name, as one by one.
            let name = found.get(&id).cloned().unwrap_or_default();
            self.names.insert(id, name);
        }
        Ok(())
    }

    pub(crate) async fn deputy(&mut self, state: &AppState, id: Uuid) -> String {
        if let Some(n) = self.names.get(&id) {
            return n.clone();
        }
        let n = state
            .store
            .get_deputy(id)
            .await
            .map(|d| d.name)
            .unwrap_or_default();
        self.names.insert(id, n.clone());
        n
    }

    pub(crate) async fn unit(&mut self, state: &AppState, id: Uuid) -> String {
        if let Some(n) = self.names.get(&id) {
            return n.clone();
        }
        let n = state
            .store
            .get_unit(id)
            .await
            .map(|u| u.name)
            .unwrap_or_default();
        self.names.insert(id, n.clone());
        n
    }
}

/// Asks for personal data unmasked: a deliberate request, refused to
/// whoever may not see it, and recorded in the audit trail when granted.
#[derive(Debug, Default, serde::Deserialize, validator::Validate, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnmaskParams {
    /// `true` to see personal data unmasked (those allowed only; recorded
    /// in the audit trail). Default `false`: masked.
    pub unmask: Option<bool>,
}

impl UnmaskParams {
    pub fn wanted(&self) -> bool {
        self.unmask.unwrap_or(false)
    }
}

/// Grants an unmasking request or refuses it (403), recording a granted
/// one in the audit trail: `read_personal_data` for one record,
/// `export_personal_data` for an export.
pub(crate) async fn unmask(
    state: &AppState,
    caller: &crate::extract::Caller,
    allowed: renda_auth::Action,
    action: &str,
    object_type: &str,
    object_id: Option<Uuid>,
    details: serde_json::Value,
) -> ApiResult<()> {
    caller.require(allowed)?;
    state
        .store
        .record_event(
            &caller.audit(),
            action,
            object_type,
            object_id,
            &details,
            renda_persistence::audit::SUCCESS,
        )
        .await?;
    Ok(())
}
