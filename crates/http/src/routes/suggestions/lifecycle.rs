//! The commands on a suggestion, from the draft to publication. Each
//! handler loads, authorizes, gathers the facts its command needs, calls
//! the domain command and saves what it returns.

use renda_domain::suggestion::{
    AssignFacts, AssignInput, Decision, DraftFacts, DraftInput, DraftPatch, RecordCounts,
    RecordInput, ReplyInput, RequestInput,
};

use super::*;

/// 起草建议 · Draft a suggestion
///
/// 代表起草一件建议；附议代表即刻可见草稿。
///
/// Drafts a suggestion (deputies). Co-signers see the draft at once.
#[utoipa::path(
    tag = "suggestions",
    request_body = CreateSuggestionRequest,
    responses(
        (status = 201, description = "The draft", body = SuggestionResponse, headers(("Location" = String), ("ETag" = String))),
        (status = 403, description = "Not a deputy with a linked deputy record", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/suggestions")]
pub async fn create_suggestion(
    state: Data<AppState>,
    caller: Caller,
    body: JsonBody<CreateSuggestionRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(Action::CreateSuggestion)?;
    let actor = caller.actor()?;
    let lead = actor.deputy_id.ok_or_else(ApiError::forbidden)?;
    let b = body.parse()?;
    let facts = DraftFacts {
        category_known: category_known(&state, &b.category).await?,
        existing_deputies: existing_deputies(
            &state,
            &rules::co_signer_list(lead, &b.co_signer_ids),
        )
        .await?,
        lead_term_ended: !state.store.filing_facts(lead, false).await?.may_file,
    };
    let input = DraftInput {
        title: b.title.into(),
        content: b.content.into(),
        category: b.category.into(),
        term: b.term.into(),
        session: b.session.map(String::from),
        timing: b.timing,
        co_signer_ids: b.co_signer_ids,
        source: b.source,
        source_ref: b.source_ref.map(String::from),
    };
    let new = rules::draft(input, lead, &facts, actor.user_id)?;
    let s = state.store.create_suggestion(&caller.audit(), new).await?;
    let version = s.version;
    Ok(respond::created(
        format!("/api/v1/suggestions/{}", s.id),
        version,
        &view(&state, s),
    ))
}

/// 修改草稿 · Change a draft
///
/// 领衔代表修改建议草稿，仅限草稿状态。
///
/// Changes a draft (its lead deputy, while it is a draft).
#[utoipa::path(
    tag = "suggestions",
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
    request_body = UpdateDraftRequest,
    responses(
        (status = 200, description = "The draft", body = SuggestionResponse, headers(("ETag" = String))),
        (status = 403, description = "Not the lead deputy", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such suggestion, or not visible", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a draft any more, or changed meanwhile", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/suggestions/{id}")]
pub async fn update_draft(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: JsonBody<UpdateDraftRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let before = load_to_change(&state, &caller, id, SuggestionAction::EditDraft, if_match).await?;
    let b = body.parse()?;
    let facts = DraftFacts {
        category_known: match &b.category {
            Some(c) => category_known(&state, c).await?,
            None => true,
        },
        existing_deputies: match &b.co_signer_ids {
            Some(ids) => {
                existing_deputies(&state, &rules::co_signer_list(before.lead_deputy_id, ids))
                    .await?
            }
            None => Vec::new(),
        },
        // Editing a draft files nothing new.
        lead_term_ended: false,
    };
    let patch = DraftPatch {
        title: b.title.map(String::from),
        content: b.content.map(String::from),
        category: b.category.map(String::from),
        term: b.term.map(String::from),
        session: b.session.map(|v| v.map(String::from)),
        timing: b.timing,
        co_signer_ids: b.co_signer_ids,
    };
    match rules::update_draft(&before, patch, &facts)? {
        Some(change) => save(&state, &caller, &before, Ok(change)).await,
        None => {
            let version = before.version;
            Ok(respond::changed(version, &view(&state, before)))
        }
    }
}

/// One command on a suggestion: its document, and a handler that loads
/// the suggestion for `$action` at the `If-Match` version, reads the body,
/// runs `$run` (which gathers facts and calls the domain command) and
/// saves the change.
macro_rules! command {
    (
        $(#[$m:meta])* $name:ident, $path:literal, $body:ty, $who:literal, $action:expr,
        |$state:ident, $caller:ident, $s:ident, $b:ident| $run:block
    ) => {
        $(#[$m])*
        #[utoipa::path(
            tag = "suggestions",
            params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header, description = "Apply only at this ETag")),
            request_body = $body,
            responses(
                (status = 200, description = "The updated suggestion", body = SuggestionResponse, headers(("ETag" = String))),
                (status = 403, description = $who, body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "No such suggestion, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = "The suggestion's state does not allow this, or it changed meanwhile", body = Problem, content_type = "application/problem+json"),
                (status = 422, description = "Fields the rules refuse; `errors` names each", body = Problem, content_type = "application/problem+json"),
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
            let $s = load_to_change(&state, &caller, id.into_inner(), $action, if_match).await?;
            let $b = body.parse()?;
            let $state: &AppState = &state;
            let $caller: &Caller = &caller;
            // A command answers with a change, or with none when the
            // suggestion stays as it is (answered the same way twice).
            let change: Result<Option<Change>, SuggestionError> = ($run).map(Into::into);
            match change? {
                Some(c) => save($state, $caller, &$s, Ok(c)).await,
                None => {
                    let version = $s.version;
                    Ok(respond::changed(version, &view($state, $s)))
                }
            }
        }
    };
}

command!(
    /// 提交建议 · Submit a draft
    ///
    /// 领衔代表提交草稿。提交后，附议代表不能再撤回附议。
    ///
    /// Submits a draft (its lead deputy). Co-signers can no longer withdraw.
    submit, "/suggestions/{id}/submit", EmptyRequest, "Not the lead deputy",
    SuggestionAction::EditDraft,
    |st, c, s, b| {
        let lead = st.store.filing_facts(s.lead_deputy_id, true).await?;
        rules::submit(&s, b.note.map(String::from), lead.open_session.as_ref(), !lead.may_file, &ctx(st, c)?)
    }
);
command!(
    /// 确认附议 · Confirm a co-signature
    ///
    /// 被列名的附议代表确认本人附议，仅限草稿状态。只有已确认的附议代表才计入附议，并在建议提交时获
    /// 得履职记录；到提交时仍未答复的，不再列为附议代表。
    ///
    /// Confirms the caller's co-signature (a named co-signer, while it is
    /// a draft). Only confirmed co-signers count and get the duty record
    /// on submission; one who has not answered by then drops out.
    confirm_co_signature, "/suggestions/{id}/confirm-co-signature", EmptyRequest, "Not a co-signer",
    SuggestionAction::AnswerCoSignature,
    |st, c, s, b| { rules::answer_co_signature(&s, true, b.note.map(String::from), &ctx(st, c)?) }
);
command!(
    /// 谢绝或撤回附议 · Decline or withdraw a co-signature
    ///
    /// 被列名的附议代表在建议提交前谢绝附议邀请，或撤回已作出的确认。此后只有领衔代表再次将其列名，
    /// 才能重新成为附议代表。
    ///
    /// Declines the invitation to co-sign, or withdraws a confirmation
    /// (a named co-signer, before submission). Only the lead deputy naming
    /// them again brings them back.
    withdraw_co_signature, "/suggestions/{id}/withdraw-co-signature", EmptyRequest, "Not a co-signer",
    SuggestionAction::AnswerCoSignature,
    |st, c, s, b| { rules::answer_co_signature(&s, false, b.note.map(String::from), &ctx(st, c)?) }
);
command!(
    /// 建议立案 · Register a suggestion
    ///
    /// 工作人员对已提交的建议予以立案，并编定建议编号。
    ///
    /// Registers (立案) a submitted suggestion and gives it its number (staff).
    register, "/suggestions/{id}/register", EmptyRequest, "Not staff",
    SuggestionAction::Administer,
    |st, c, s, b| { rules::register(&s, b.note.map(String::from), &ctx(st, c)?) }
);
command!(
    /// 不予立案 · Decline to register a suggestion
    ///
    /// 工作人员对已提交的建议不予立案，须说明理由；此为终结状态。填写 `letter_unit_id` 的，建议作为
    /// 来信转给该单位参考（转来信），由该单位签收。
    ///
    /// Declines to register (不予立案) a submitted suggestion, with a reason
    /// (staff). Final. With `letter_unit_id` it goes to that unit as a
    /// letter for its reference (转来信), which the unit acknowledges.
    reject, "/suggestions/{id}/reject", RejectRequest, "Not staff",
    SuggestionAction::Administer,
    |st, c, s, b| {
        let letter_to = match b.letter_unit_id {
            Some(u) => Some((u, st.store.unit_exists(u.into()).await?)),
            None => None,
        };
        rules::reject(&s, b.reason.into(), letter_to, &ctx(st, c)?)
    }
);
command!(
    /// 交办建议 · Assign a suggestion
    ///
    /// 工作人员将已立案的建议交办给主办单位和协办单位，并确定颜色和办理期限。绿色默认 30 天，黄色和
    /// 红色默认 90 天；任何期限都不得超过交办之日起六个月；红色须指定督办领导。
    ///
    /// Assigns a registered suggestion to a lead unit and co-units with a
    /// colour and deadline (staff). Green defaults to 30 days, yellow and red
    /// to 90; no deadline may pass six months from assignment; red needs a
    /// supervising leader.
    assign, "/suggestions/{id}/assign", AssignRequest, "Not staff",
    SuggestionAction::Administer,
    |st, c, s, b| {
        let mut units = vec![b.lead_unit_id];
        units.extend(&b.co_unit_ids);
        let supervisor_is_leader = match b.supervisor_id {
            Some(id) => Some(match st.store.get_user(id.into()).await {
                Ok(u) => rules::can_supervise(&u),
                Err(StoreError::NotFound) => false,
                Err(e) => return Err(e.into()),
            }),
            None => None,
        };
        let facts = AssignFacts {
            existing_units: renda_domain::id::from_uuids(existing_units(st, &renda_domain::id::to_uuids(units.iter().copied())).await?),
            supervisor_is_leader,
        };
        let input = AssignInput {
            lead_unit_id: b.lead_unit_id,
            co_unit_ids: b.co_unit_ids,
            color: b.color,
            due_date: b.due_date,
            co_unit_due_date: b.co_unit_due_date,
            supervisor_id: b.supervisor_id,
            pass_on_due: b.pass_on_due,
        };
        rules::assign(&s, input, &facts, &ctx(st, c)?)
    }
);
command!(
    /// 分办建议 · Pass a suggestion on
    ///
    /// 交办时注明需要转办（`pass_on_due`）、作为主办单位的政府办公室，将建议分办给其所属的某一部
    /// 门，可同时确定协办单位。答复期限不变；该办公室仍可阅看建议。只能分办一次。
    ///
    /// The lead unit, a government office the suggestion was assigned to
    /// for passing on (`pass_on_due`), passes it on to one of its
    /// departments (分办), with co-units if any. The reply deadline stays;
    /// the office keeps reading the suggestion. Once only.
    pass_on, "/suggestions/{id}/pass-on", PassOnRequest, "Not the lead unit",
    SuggestionAction::HandleAsLeadUnit,
    |st, c, s, b| {
        let mut units = vec![b.lead_unit_id];
        units.extend(&b.co_unit_ids);
        let existing = renda_domain::id::from_uuids(
            existing_units(st, &renda_domain::id::to_uuids(units.iter().copied())).await?,
        );
        let input = rules::PassOnInput { lead_unit_id: b.lead_unit_id, co_unit_ids: b.co_unit_ids };
        rules::pass_on(&s, input, &existing, &ctx(st, c)?)
    }
);
command!(
    /// 答复建议 · Reply to a suggestion
    ///
    /// 主办单位正式答复建议。B 类答复会开启一项承诺事项。颜色要求面商的（默认黄色和红色），记录与领
    /// 衔代表的面商之前，答复被拒绝（409 `consultation_required`）；仍在期限内的协办单位尚未提交协
    /// 办意见时，答复也被拒绝（409 `co_unit_opinions_pending`）。
    ///
    /// The lead unit's official reply. A category B reply opens a
    /// commitment. Refused (409 `consultation_required`) before a
    /// consultation with the lead deputy is recorded where the colour asks
    /// for one (yellow and red by default), and (409
    /// `co_unit_opinions_pending`) while a co-unit within its deadline has
    /// not sent its opinion.
    reply, "/suggestions/{id}/reply", ReplyRequest, "Not the lead unit",
    SuggestionAction::HandleAsLeadUnit,
    |st, c, s, b| {
        let requests = st.store.suggestion_requests(s.id).await?;
        let input = ReplyInput {
            id: Uuid::now_v7(),
            category: b.category,
            content: b.content.into(),
            document_number: b.document_number.map(String::from),
            signed_by: b.signed_by.map(String::from),
            responsible_person: b.responsible_person.map(String::from),
            handler_name: b.handler_name.map(String::from),
            handler_phone: b.handler_phone,
            reply_date: b.reply_date,
            commitment: b.commitment.map(|c| (c.content.into(), c.due_date)),
        };
        let consultations = st.store.suggestion_consultations(s.id).await?;
        let facts = rules::ReplyFacts {
            requests: &requests,
            consultations: u32::try_from(
                consultations.iter().filter(|r| s.consultation_counts(r)).count(),
            )
            .unwrap_or(u32::MAX),
        };
        rules::reply(&s, input, &facts, &ctx(st, c)?)
    }
);
command!(
    /// 提交协办意见 · Send a co-unit opinion
    ///
    /// 协办单位向主办单位提出协办意见。
    ///
    /// A co-unit's opinion to the lead unit.
    co_unit_opinion, "/suggestions/{id}/co-unit-opinion", OpinionRequest, "Not a co-unit",
    SuggestionAction::AdviseAsCoUnit,
    |st, c, s, b| { rules::co_unit_opinion(&s, b.opinion.into(), &ctx(st, c)?) }
);
command!(
    /// 评价答复 · Evaluate the reply
    ///
    /// 领衔代表对答复作出评价。不满意的，建议退回承办单位重新办理（默认 30 天），仅限一次；最后一轮
    /// 重新办理后的评价即为最终评价，记录在案，由人大办办结。绿色建议评价满意的，即行办结。
    ///
    /// The lead deputy's evaluation of the reply. Unsatisfied sends the
    /// suggestion back to the unit (rehandling, 30 days by default) once;
    /// after the last rehandling it is the final evaluation, on record, and
    /// the office closes. A satisfied green suggestion closes.
    evaluate, "/suggestions/{id}/evaluate", EvaluateRequest, "Not the lead deputy",
    SuggestionAction::Evaluate,
    |st, c, s, b| { rules::evaluate(&s, b.result, b.comment.map(String::from), &ctx(st, c)?) }
);
command!(
    /// 记录上门查验 · Record an on-site verification
    ///
    /// 工作人员记录一次上门查验；黄色建议办结前必须有上门查验记录。
    ///
    /// Records an on-site verification (上门查验) — required before a yellow
    /// suggestion closes (staff).
    add_verification, "/suggestions/{id}/verifications", RecordRequest, "Not staff",
    SuggestionAction::Administer,
    |st, c, s, b| { rules::add_record(&s, SuggestionRecordKind::Verification, record_input(b), &ctx(st, c)?) }
);
command!(
    /// 记录督办情况 · Record supervision notes
    ///
    /// 督办领导记录督办情况（红色建议）。
    ///
    /// Records the supervising leader's supervision notes (red).
    add_supervision_note, "/suggestions/{id}/supervision-notes", RecordRequest, "Not the supervising leader",
    SuggestionAction::Supervise,
    |st, c, s, b| { rules::add_record(&s, SuggestionRecordKind::SupervisionNote, record_input(b), &ctx(st, c)?) }
);
command!(
    /// 督办领导签署 · Sign off a red suggestion
    ///
    /// 督办领导在答复之后签署意见（红色建议）。
    ///
    /// The supervising leader's sign-off (red), after the reply.
    sign_off, "/suggestions/{id}/sign-off", EmptyRequest, "Not the supervising leader",
    SuggestionAction::Supervise,
    |st, c, s, b| {
        let notes = st
            .store
            .count_suggestion_records(s.id, SuggestionRecordKind::SupervisionNote, None)
            .await?;
        rules::sign_off(&s, b.note.map(String::from), notes, &ctx(st, c)?)
    }
);
command!(
    /// 办结建议 · Close a suggestion
    ///
    /// 工作人员办结已答复的建议，条件是领衔代表的评价已记录在案（满意、基本满意或最终评价），或其评
    /// 价期限（`evaluation_due`）已过，此时以“未评价”办结。黄色建议须有上门查验记录，红色建议须有督
    /// 办记录和督办领导的签署。
    ///
    /// Closes a replied suggestion (staff) once the lead deputy's
    /// evaluation is on record (satisfied, basically satisfied, or the
    /// final one), or their time to evaluate (`evaluation_due`) has passed:
    /// then it closes as not evaluated. Yellow needs an on-site
    /// verification, red supervision notes and the leader's sign-off.
    close, "/suggestions/{id}/close", EmptyRequest, "Not staff",
    SuggestionAction::Administer,
    |st, c, s, b| {
        let records = RecordCounts {
            // An on-site verification counts only if made after the latest reply.
            verifications: st
                .store
                .count_suggestion_records(s.id, SuggestionRecordKind::Verification, s.replied_at)
                .await?,
            supervision_notes: st
                .store
                .count_suggestion_records(s.id, SuggestionRecordKind::SupervisionNote, None)
                .await?,
        };
        rules::close(&s, b.note.map(String::from), records, &ctx(st, c)?)
    }
);
command!(
    /// 公开建议 · Publish a suggestion
    ///
    /// 工作人员公开已办结的建议及其答复；已公开的建议对所有人开放。
    ///
    /// Publishes a closed suggestion with its reply; published ones are public (staff).
    publish, "/suggestions/{id}/publish", EmptyRequest, "Not staff",
    SuggestionAction::Administer,
    |st, c, s, b| { rules::publish(&s, b.note.map(String::from), &ctx(st, c)?) }
);
command!(
    /// 标记优秀建议 · Mark an outstanding suggestion
    ///
    /// 工作人员在年度双评中将建议标记为优秀建议，或取消标记。
    ///
    /// Marks (or unmarks) an outstanding suggestion (优秀建议) in the yearly double evaluation (staff).
    mark_outstanding, "/suggestions/{id}/outstanding", OutstandingRequest, "Not staff",
    SuggestionAction::Administer,
    |_st, _c, s, b| { rules::mark_outstanding(&s, b.outstanding, b.reason.map(String::from)) }
);
command!(
    /// 申请调整或延期 · Ask for re-assignment or more time
    ///
    /// 主办单位申请退回建议（`reassignment`，须在交办之日起 10 日内）或申请延期（`extension`，不得
    /// 超过交办之日起六个月），由工作人员决定。
    ///
    /// The lead unit asks to hand the suggestion back (`reassignment`,
    /// within 10 days of assignment) or for more time (`extension`, never
    /// past six months from assignment). Staff decide.
    create_request, "/suggestions/{id}/requests", UnitRequestBody, "Not the lead unit",
    SuggestionAction::HandleAsLeadUnit,
    |st, c, s, b| {
        let requests = st.store.suggestion_requests(s.id).await?;
        let input = RequestInput {
            kind: b.kind,
            reason: b.reason.into(),
            due_date: b.due_date,
        };
        rules::request(&s, input, &requests, &ctx(st, c)?)
    }
);

command!(
    /// 转为来信 · Pass as a letter to a unit
    ///
    /// 工作人员将不予立案的建议作为来信转给某一单位参考（转来信），只能转一次。该单位阅看后签收。
    ///
    /// Passes a suggestion not registered to a unit as a letter for its
    /// reference (转来信) (staff), once. The unit reads it and acknowledges.
    pass_as_letter, "/suggestions/{id}/letter", LetterRequest, "Not staff",
    SuggestionAction::Administer,
    |st, c, s, b| {
        let exists = st.store.unit_exists(b.unit_id.into()).await?;
        rules::pass_as_letter(&s, b.unit_id, exists, b.note.map(String::from), &ctx(st, c)?)
    }
);
command!(
    /// 签收来信 · Acknowledge a letter
    ///
    /// 收到转来信的单位签收来信，只能签收一次，可附备注。
    ///
    /// The unit a letter was passed to acknowledges it, once, with an
    /// optional remark.
    acknowledge_letter, "/suggestions/{id}/letter/acknowledge", EmptyRequest, "Not the unit the letter went to",
    SuggestionAction::AcknowledgeLetter,
    |st, c, s, b| { rules::acknowledge_letter(&s, b.note.map(String::from), &ctx(st, c)?) }
);

fn record_input(b: RecordRequest) -> RecordInput {
    RecordInput {
        occurred_on: b.occurred_on,
        participants: b.participants.map(String::from),
        content: b.content.into(),
    }
}

/// 决定单位申请 · Decide a unit's request
///
/// 工作人员决定承办单位的申请：批准调整的，建议交由新的主办单位办理（原主办单位保留在交办沿革中）；
/// 批准延期的，办理期限随之变更。
///
/// Decides a unit's request (staff): approving a re-assignment hands the
/// suggestion to a new lead unit (the former one stays in its lineage);
/// approving an extension moves the deadline.
#[utoipa::path(
    tag = "suggestions",
    params(("id" = Uuid, Path), ("request_id" = Uuid, Path)),
    request_body = DecideRequest,
    responses(
        (status = 200, description = "The updated suggestion", body = SuggestionResponse, headers(("ETag" = String))),
        (status = 403, description = "Not staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such suggestion or request", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already decided, or the suggestion's state does not allow it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/suggestions/{id}/requests/{request_id}/decide")]
pub async fn decide_request(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid)>,
    body: JsonBody<DecideRequest>,
) -> ApiResult<HttpResponse> {
    let (id, request_id) = path.into_inner();
    let before = load_for(&state, &caller, id, SuggestionAction::Administer).await?;
    let b = body.parse()?;
    let req = state
        .store
        .suggestion_requests(id)
        .await?
        .into_iter()
        .find(|r| r.id == request_id)
        .ok_or_else(ApiError::not_found)?;
    let new_unit_exists = match b.lead_unit_id {
        Some(u) => state.store.unit_exists(u).await?,
        None => false,
    };
    let decision = Decision {
        approved: b.approved,
        note: b.note.map(String::from),
        lead_unit_id: b.lead_unit_id.map(Into::into),
        due_date: b.due_date,
    };
    let change = rules::decide_request(
        &before,
        &req,
        decision,
        new_unit_exists,
        &ctx(&state, &caller)?,
    );
    save(&state, &caller, &before, change).await
}

/// 更新承诺进展 · Update a commitment
///
/// 主办单位更新 B 类答复中承诺事项的进展；`fulfilled` 表示承诺已兑现，该承诺随之关闭。
///
/// Updates a commitment of a B reply (the lead unit); `fulfilled` closes it.
#[utoipa::path(
    tag = "suggestions",
    params(("id" = Uuid, Path), ("commitment_id" = Uuid, Path)),
    request_body = CommitmentProgressRequest,
    responses(
        (status = 200, description = "The suggestion", body = SuggestionResponse),
        (status = 403, description = "Not the lead unit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such suggestion or commitment", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The commitment is already fulfilled", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/suggestions/{id}/commitments/{commitment_id}/progress")]
pub async fn update_commitment(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(Uuid, Uuid)>,
    body: JsonBody<CommitmentProgressRequest>,
) -> ApiResult<HttpResponse> {
    let (id, commitment_id) = path.into_inner();
    let before = load_for(&state, &caller, id, SuggestionAction::HandleAsLeadUnit).await?;
    let b = body.parse()?;
    let commitment = state
        .store
        .suggestion_commitments(id)
        .await?
        .into_iter()
        .find(|c| c.id == commitment_id)
        .ok_or_else(ApiError::not_found)?;
    let change = rules::update_commitment(&before, &commitment, b.progress.into(), b.fulfilled);
    save(&state, &caller, &before, change).await
}
