//! Moving an item through the stages of its loop.

use super::*;

/// A stage operation's route and document. With `=> command`, the route
/// moves the item with that stage command ([`stage_ops::advance`]);
/// without, it calls the function of that name in [`stage_ops`].
macro_rules! stage_doc {
    ($(#[$m:meta])* $name:ident, $path:literal, $body:ty, $who:literal => $command:path) => {
        stage_doc!(@route $(#[$m])* $name, $path, $body, $who,
            |state, caller, id, if_match, body| stage_ops::advance(state, caller, id, if_match, body, $command));
    };
    ($(#[$m:meta])* $name:ident, $path:literal, $body:ty, $who:literal) => {
        stage_doc!(@route $(#[$m])* $name, $path, $body, $who, stage_ops::$name);
    };
    (@route $(#[$m:meta])* $name:ident, $path:literal, $body:ty, $who:literal, $run:expr) => {
        $(#[$m])*
        #[utoipa::path(
            tag = "supervision",
            params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
            request_body = $body,
            responses(
                (status = 200, description = "The updated item", body = SupervisionResponse, headers(("ETag" = String))),
                (status = 403, description = $who, body = ProblemDoc, content_type = "application/problem+json"),
                (status = 404, description = "No such item, or not visible to the caller", body = ProblemDoc, content_type = "application/problem+json"),
                (status = 409, description = "The stage does not allow this, something is missing, or the item changed meanwhile", body = ProblemDoc, content_type = "application/problem+json"),
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
            ($run)(state, caller, id.into_inner(), if_match, body).await
        }
    };
}

stage_doc!(
    /// Starts the investigation: visits, inspections, hearings (staff).
    start_investigation, "/supervisions/{id}/start-investigation", EmptyRequest, "Not staff" => rules::start_investigation
);
stage_doc!(
    /// Takes the item to the committee's deliberation (staff).
    start_deliberation, "/supervisions/{id}/start-deliberation", EmptyRequest, "Not staff" => rules::start_deliberation
);
stage_doc!(
    /// Starts the bodies' rectification (staff); needs an opinion issued.
    start_rectification, "/supervisions/{id}/start-rectification", EmptyRequest, "Not staff" => rules::start_rectification
);
stage_doc!(
    /// Closes an item whose plan has no satisfaction vote, once every
    /// problem is closed off (staff). An item planned with a vote closes
    /// by the vote (409 `vote_planned`).
    close_supervision, "/supervisions/{id}/close", EmptyRequest, "Not staff"
);
stage_doc!(
    /// Opens the satisfaction vote (staff), for an item planned with one
    /// (`satisfaction_evaluation`; else 409 `method_not_planned`); every
    /// problem must be closed off and the item needs committee members.
    start_supervision_evaluation, "/supervisions/{id}/start-evaluation", EmptyRequest, "Not staff" => rules::start_evaluation
);
stage_doc!(
    /// Concludes the vote of the current round (staff). The vote stands
    /// only when more than half of the committee members are recorded
    /// present (`POST …/attendance`; else 409 `quorum_not_met`). The tally
    /// is recorded; an unsatisfied majority (more than half of the votes
    /// cast) sends the item back to rectifying for another round,
    /// otherwise it closes. Needs at least one vote.
    conclude_evaluation, "/supervisions/{id}/conclude-evaluation", EmptyRequest, "Not staff"
);
stage_doc!(
    /// Publishes the item (staff): everyone, signed in or not, may read it.
    publish_supervision, "/supervisions/{id}/publish", EmptyRequest, "Not staff"
);

mod stage_ops {
    use super::*;

    /// Moves the item with a stage command, given the facts of its
    /// opinions.
    pub async fn advance(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<EmptyRequest>,
        command: rules::StageCommand,
    ) -> ApiResult<HttpResponse> {
        let before = load_to_change(&state, &caller, id, SupervisionAction::Administer, im).await?;
        let b = body.parse()?;
        let opinions = state.store.supervision_opinions(before.id).await?;
        let facts = StageFacts::gather(&before, &opinions);
        let s = save(
            &state,
            &caller,
            &before,
            command(&before, facts, b.note.map(String::from)),
        )
        .await?;
        respond_item(&state, s).await
    }

    /// The votes are counted, and the outcome decided by the domain, in
    /// the store's transaction.
    pub async fn conclude_evaluation(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<EmptyRequest>,
    ) -> ApiResult<HttpResponse> {
        let before = load_to_change(&state, &caller, id, SupervisionAction::Administer, im).await?;
        body.parse()?;
        rules::check_conclusion(&before)?;
        let cmd = ctx(&state, &caller)?;
        match state
            .store
            .conclude_evaluation(&caller.audit(), &before, &cmd)
            .await
        {
            Ok(Ok((s, _))) => respond_item(&state, s).await,
            Ok(Err(refused)) => Err(refused.into()),
            Err(StoreError::VersionMismatch) => Err(concurrent_change()),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn close_supervision(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<EmptyRequest>,
    ) -> ApiResult<HttpResponse> {
        let before = load_to_change(&state, &caller, id, SupervisionAction::Administer, im).await?;
        let b = body.parse()?;
        let opinions = state.store.supervision_opinions(before.id).await?;
        let facts = StageFacts::gather(&before, &opinions);
        let change = rules::close_rectified(
            &before,
            facts,
            b.note.map(String::from),
            &ctx(&state, &caller)?,
        );
        let s = save(&state, &caller, &before, change).await?;
        respond_item(&state, s).await
    }

    pub async fn publish_supervision(
        state: Data<AppState>,
        caller: Caller,
        id: Uuid,
        im: IfMatch,
        body: JsonBody<EmptyRequest>,
    ) -> ApiResult<HttpResponse> {
        let before = load_to_change(&state, &caller, id, SupervisionAction::Administer, im).await?;
        let b = body.parse()?;
        let change = rules::publish(&before, b.note.map(String::from), &ctx(&state, &caller)?);
        let s = save(&state, &caller, &before, change).await?;
        respond_item(&state, s).await
    }
}
