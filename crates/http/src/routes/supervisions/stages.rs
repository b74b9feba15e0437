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
    /// 开始调查 · Start the investigation
    ///
    /// 工作人员启动调查阶段：视察、检查、听证。
    ///
    /// Starts the investigation: visits, inspections, hearings (staff).
    start_investigation, "/supervisions/{id}/start-investigation", EmptyRequest, "Not staff" => rules::start_investigation
);
stage_doc!(
    /// 提请常委会审议 · Start the deliberation
    ///
    /// 工作人员将监督事项提请常委会审议。
    ///
    /// Takes the item to the committee's deliberation (staff).
    start_deliberation, "/supervisions/{id}/start-deliberation", EmptyRequest, "Not staff" => rules::start_deliberation
);
stage_doc!(
    /// 开始整改 · Start the rectification
    ///
    /// 工作人员启动被监督单位的整改；须已印发审议意见。
    ///
    /// Starts the bodies' rectification (staff); needs an opinion issued.
    start_rectification, "/supervisions/{id}/start-rectification", EmptyRequest, "Not staff" => rules::start_rectification
);
stage_doc!(
    /// 办结监督事项 · Close a supervision item
    ///
    /// 计划中没有满意度测评的监督事项，在所有问题均已销号后由工作人员办结。
    /// 计划有满意度测评的事项由测评办结（409 `vote_planned`）。
    ///
    /// Closes an item whose plan has no satisfaction vote, once every
    /// problem is closed off (staff). An item planned with a vote closes
    /// by the vote (409 `vote_planned`).
    close_supervision, "/supervisions/{id}/close", EmptyRequest, "Not staff"
);
stage_doc!(
    /// 启动满意度测评 · Open the satisfaction vote
    ///
    /// 工作人员为计划中含满意度测评的监督事项（`satisfaction_evaluation`，
    /// 否则返回 409 `method_not_planned`）启动测评；所有问题须已销号，且事项须有常委会组成人员。
    ///
    /// Opens the satisfaction vote (staff), for an item planned with one
    /// (`satisfaction_evaluation`; else 409 `method_not_planned`); every
    /// problem must be closed off and the item needs committee members.
    start_supervision_evaluation, "/supervisions/{id}/start-evaluation", EmptyRequest, "Not staff" => rules::start_evaluation
);
stage_doc!(
    /// 结束满意度测评 · Conclude the satisfaction vote
    ///
    /// 工作人员结束本轮测评。只有登记出席的常委会组成人员超过半数时测评才有效（见
    /// `POST …/attendance`，否则返回 409 `quorum_not_met`）。计票结果记录在案；
    /// 不满意票超过所投票数半数的，事项退回整改阶段进行下一轮，否则办结。至少须有一票。
    ///
    /// Concludes the vote of the current round (staff). The vote stands
    /// only when more than half of the committee members are recorded
    /// present (`POST …/attendance`; else 409 `quorum_not_met`). The tally
    /// is recorded; an unsatisfied majority (more than half of the votes
    /// cast) sends the item back to rectifying for another round,
    /// otherwise it closes. Needs at least one vote.
    conclude_evaluation, "/supervisions/{id}/conclude-evaluation", EmptyRequest, "Not staff"
);
stage_doc!(
    /// 公开监督事项 · Publish a supervision item
    ///
    /// 工作人员公开监督事项：所有人，无论是否登录，均可查看。
    ///
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
