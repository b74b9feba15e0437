//! Moving an item through the stages of its loop.

use super::*;
use renda_domain::Code;
use renda_persistence::Conflict;

macro_rules! stage_doc {
    ($(#[$m:meta])* $name:ident, $path:literal, $body:ty, $who:literal) => {
        $(#[$m])*
        #[utoipa::path(
            tag = "supervision",
            params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
            request_body = $body,
            responses(
                (status = 200, description = "The updated item", body = SupervisionResponse, headers(("ETag" = String))),
                (status = 401, description = "Not signed in", body = ProblemDoc, content_type = "application/problem+json"),
                (status = 403, description = $who, body = ProblemDoc, content_type = "application/problem+json"),
                (status = 404, description = "No such item, or not visible to the caller", body = ProblemDoc, content_type = "application/problem+json"),
                (status = 409, description = "The stage does not allow this, something is missing, or the item changed meanwhile", body = ProblemDoc, content_type = "application/problem+json"),
                (status = 412, description = "ETag mismatch", body = ProblemDoc, content_type = "application/problem+json"),
            ),
            security(("bearer" = []))
        )]
        #[post($path)]
        pub async fn $name(
            state: Data<AppState>,
            caller: Caller,
            id: Path<Uuid>,
            if_match: IfMatch,
            body: JsonBody<$body>,
        ) -> ApiResult<HttpResponse> {
            stage_ops::$name(state, caller, id.into_inner(), if_match, body).await
        }
    };
}

stage_doc!(
    /// Starts the investigation: visits, inspections, hearings (staff).
    start_investigation, "/supervisions/{id}/start-investigation", EmptyRequest, "Not staff"
);
stage_doc!(
    /// Takes the item to the committee's deliberation (staff).
    start_deliberation, "/supervisions/{id}/start-deliberation", EmptyRequest, "Not staff"
);
stage_doc!(
    /// Starts the bodies' rectification (staff); needs an opinion issued.
    start_rectification, "/supervisions/{id}/start-rectification", EmptyRequest, "Not staff"
);
stage_doc!(
    /// Opens the satisfaction vote (staff); every problem must be closed
    /// off and the item needs committee members to vote.
    start_supervision_evaluation, "/supervisions/{id}/start-evaluation", EmptyRequest, "Not staff"
);
stage_doc!(
    /// Concludes the vote of the current round (staff): the tally is
    /// recorded; an unsatisfied majority (more than half of the votes
    /// cast) sends the item back to rectifying for another round,
    /// otherwise it closes. Needs at least one vote.
    conclude_evaluation, "/supervisions/{id}/conclude-evaluation", EmptyRequest, "Not staff"
);
stage_doc!(
    /// Publishes the item (staff): everyone, signed in or not, may read it.
    publish_supervision, "/supervisions/{id}/publish", EmptyRequest, "Not staff"
);

fn blocker_error(b: StageBlocker) -> ApiError {
    match b {
        StageBlocker::NoOpinion => ApiError::conflict(
            Code::OpinionMissing,
            Msg::new(
                "须先向被监督单位发出审议意见",
                "Issue a deliberation opinion to a body first",
            ),
        ),
        StageBlocker::ProblemsOpen(n) => ApiError::conflict(
            Code::ProblemsOpen,
            Msg::new(
                format!("尚有 {n} 个问题未销号，不能结束整改"),
                format!("{n} problem(s) are not closed off; rectification cannot end"),
            ),
        ),
        StageBlocker::NoFollowUpOpinion => ApiError::conflict(
            Code::FollowUpMissing,
            Msg::new(
                "测评未获通过，须先发出新一轮整改意见",
                "The vote returned the item; issue a follow-up opinion for this round first",
            ),
        ),
        StageBlocker::NoCommitteeMembers => ApiError::conflict(
            Code::CommitteeMembersMissing,
            Msg::new(
                "满意度测评须有参加的常委会组成人员",
                "The vote needs committee members taking part",
            ),
        ),
        StageBlocker::NoVotes => ApiError::conflict(
            Code::NoVotes,
            Msg::new("尚无人投票", "Nobody has voted yet"),
        ),
    }
}

mod stage_ops {
    use super::*;

    async fn facts(state: &AppState, s: &SupervisionItem) -> ApiResult<StageFacts> {
        let opinions = state.store.supervision_opinions(s.id).await?;
        let unclosed: u32 = opinions.iter().map(Opinion::unclosed).sum();
        let this_round = opinions.iter().filter(|o| o.round == s.round).count();
        Ok(StageFacts {
            round: s.round,
            opinions_this_round: u32::try_from(this_round).unwrap_or(u32::MAX),
            opinions: u32::try_from(opinions.len()).unwrap_or(u32::MAX),
            unclosed_problems: unclosed,
            committee_members: u32::try_from(s.committee_member_ids.len()).unwrap_or(u32::MAX),
            votes: 0,
        })
    }

    async fn advance(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<EmptyRequest>,
        op: StageOp,
        action: &'static str,
    ) -> ApiResult<HttpResponse> {
        let before = load_for(&state, &caller, id, SupervisionAction::Administer).await?;
        check_if_match(&before, im)?;
        let b = body.parse()?;
        let stage = rules::next_stage(before.stage, op).map_err(|e| invalid_stage(e.from))?;
        let f = facts(&state, &before).await?;
        if let Some(blocker) = rules::blockers(op, f).into_iter().next() {
            return Err(blocker_error(blocker));
        }
        let mut after = before.clone();
        after.stage = stage;
        let s = save(
            &state,
            &caller,
            &before,
            after,
            action,
            note_detail(b.note),
            vec![],
        )
        .await?;
        respond_item(&state, s).await
    }

    pub async fn start_investigation(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<EmptyRequest>,
    ) -> ApiResult<HttpResponse> {
        let op = StageOp::StartInvestigation;
        advance(state, caller, id, im, body, op, "investigation_started").await
    }

    pub async fn start_deliberation(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<EmptyRequest>,
    ) -> ApiResult<HttpResponse> {
        let op = StageOp::StartDeliberation;
        advance(state, caller, id, im, body, op, "deliberation_started").await
    }

    pub async fn start_rectification(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<EmptyRequest>,
    ) -> ApiResult<HttpResponse> {
        let op = StageOp::StartRectification;
        advance(state, caller, id, im, body, op, "rectification_started").await
    }

    pub async fn start_supervision_evaluation(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<EmptyRequest>,
    ) -> ApiResult<HttpResponse> {
        let op = StageOp::StartEvaluation;
        advance(state, caller, id, im, body, op, "evaluation_started").await
    }

    pub async fn conclude_evaluation(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<EmptyRequest>,
    ) -> ApiResult<HttpResponse> {
        let before = load_for(&state, &caller, id, SupervisionAction::Administer).await?;
        check_if_match(&before, im)?;
        body.parse()?;
        if before.stage != Stage::Evaluating {
            return Err(invalid_stage(before.stage));
        }
        let by = caller.actor()?.user_id;
        match state
            .store
            .conclude_evaluation(&caller.audit(), &before, by)
            .await
        {
            Ok((s, _)) => respond_item(&state, s).await,
            Err(StoreError::Conflict(Conflict::NoVotes)) => {
                Err(blocker_error(StageBlocker::NoVotes))
            }
            Err(StoreError::VersionMismatch) => Err(concurrent_change()),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn publish_supervision(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<EmptyRequest>,
    ) -> ApiResult<HttpResponse> {
        let before = load_for(&state, &caller, id, SupervisionAction::Administer).await?;
        check_if_match(&before, im)?;
        let b = body.parse()?;
        if before.published_at.is_some() {
            return Err(ApiError::conflict(
                Code::AlreadyPublished,
                Msg::new("该监督事项已公开", "The item is already published"),
            ));
        }
        let mut after = before.clone();
        after.published_at = Some(now());
        let s = save(
            &state,
            &caller,
            &before,
            after,
            "published",
            note_detail(b.note),
            vec![],
        )
        .await?;
        respond_item(&state, s).await
    }
}
