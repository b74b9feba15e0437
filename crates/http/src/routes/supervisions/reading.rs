//! The item's sub-collections: timeline, records, inquiries, opinions,
//! reports, observations and evaluation rounds.

use super::*;

/// A step of the item's loop, with who took it (`from_stage`, `to_stage`).
pub type SupervisionTimelineItem = TimelineEntry;
impl Keyed for InvestigationRecordView {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.created_at)
    }
}
impl Keyed for InquiryView {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.created_at)
    }
}
impl Keyed for OpinionView {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        let changed = self
            .problems
            .iter()
            .map(|p| p.updated_at)
            .max()
            .unwrap_or(self.issued_at);
        (self.id, changed.max(self.issued_at))
    }
}
impl Keyed for ReportView {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.submitted_at)
    }
}
impl Keyed for ObservationView {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        (self.id, self.decided_at.unwrap_or(self.created_at))
    }
}
impl Keyed for SupervisionEvaluationView {
    fn key(&self) -> (Uuid, DateTime<Utc>) {
        // Rounds are few and numbered; order them by round.
        let round = u128::try_from(self.round).unwrap_or(0);
        (Uuid::from_u128(round), self.concluded_at)
    }
}

/// Who may read a sub-collection besides the office and the participants.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BodyAccess {
    /// A supervised body sees none of it.
    None,
    /// A supervised body sees the entries addressed to it.
    Own,
}

macro_rules! sub_collection {
    (
        $(#[$m:meta])*
        $list:ident, $get:ident, $path:literal, $one:literal, $param:literal,
        $item:ty, $access:expr, $loader:ident, $one_summary:literal
    ) => {
        $(#[$m])*
        #[utoipa::path(
            tag = "supervision",
            params(("id" = Uuid, Path), WholeListParams),
            responses(
                (status = 200, description = "Oldest first", body = ListResponse<$item>),
                (status = 403, description = "Not for a supervised body", body = ProblemDoc, content_type = "application/problem+json"),
                (status = 404, description = "No such item, or not visible to the caller", body = ProblemDoc, content_type = "application/problem+json"),
                (status = 422, description = "Invalid parameters", body = ProblemDoc, content_type = "application/problem+json"),
            ),
            security(("bearer" = []))
        )]
        #[get($path)]
        pub async fn $list(
            state: Data<AppState>,
            caller: Caller,
            id: Path<Uuid>,
            page: QueryParams<WholeListParams>,
        ) -> ApiResult<HttpResponse> {
            let items = read_sub(&state, &caller, id.into_inner(), $access, $loader).await?;
            Ok(crate::respond::page(ListResponse::from_vec(items, &page.0)?))
        }

        #[utoipa::path(
            tag = "supervision",
            summary = $one_summary,
            description = "按标识读取该集合中的一条；被监督单位只能读取发给本单位的。\n\nOne entry of the collection, by its id; a supervised body reads only those addressed to it.",
            params(("id" = Uuid, Path), ($param = Uuid, Path)),
            responses(
                (status = 200, description = "The entry", body = $item),
                (status = 403, description = "Not for a supervised body", body = ProblemDoc, content_type = "application/problem+json"),
                (status = 404, description = "No such item or entry, or not visible to the caller", body = ProblemDoc, content_type = "application/problem+json"),
            ),
            security(("bearer" = []))
        )]
        #[get($one)]
        pub async fn $get(
            state: Data<AppState>,
            caller: Caller,
            path: Path<(Uuid, Uuid)>,
        ) -> ApiResult<HttpResponse> {
            let (id, entry) = path.into_inner();
            let items = read_sub(&state, &caller, id, $access, $loader).await?;
            let found = items
                .into_iter()
                .find(|i| i.key().0 == entry)
                .ok_or_else(ApiError::not_found)?;
            Ok(HttpResponse::Ok().json(found))
        }
    };
}

/// Loads an item for reading its records, refuses a caller there only as
/// a body where the collection is not for bodies, and loads the entries
/// (those addressed to the body, for such a caller).
async fn read_sub<T, F, Fut>(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    access: BodyAccess,
    loader: F,
) -> ApiResult<Vec<T>>
where
    F: FnOnce(AppState, SupervisionItem, Option<Uuid>) -> Fut,
    Fut: std::future::Future<Output = ApiResult<Vec<T>>>,
{
    let s = load_for(state, caller, id, SupervisionAction::ReadRecords).await?;
    let unit = body_only(caller, &s);
    if unit.is_some() && access == BodyAccess::None {
        return Err(ApiError::forbidden());
    }
    loader(state.clone(), s, unit).await
}

async fn timeline_of(
    st: AppState,
    s: SupervisionItem,
    _unit: Option<Uuid>,
) -> ApiResult<Vec<SupervisionTimelineItem>> {
    Ok(st.store.supervision_timeline(s.id).await?)
}

async fn records_of(
    st: AppState,
    s: SupervisionItem,
    _unit: Option<Uuid>,
) -> ApiResult<Vec<InvestigationRecordView>> {
    let rows = st.store.supervision_records(s.id).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

async fn inquiries_of(
    st: AppState,
    s: SupervisionItem,
    _unit: Option<Uuid>,
) -> ApiResult<Vec<InquiryView>> {
    let rows = st.store.supervision_inquiries(s.id).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

async fn opinions_of(
    st: AppState,
    s: SupervisionItem,
    unit: Option<Uuid>,
) -> ApiResult<Vec<OpinionView>> {
    let today = st.clock.today();
    let rows = st.store.supervision_opinions(s.id).await?;
    Ok(rows
        .into_iter()
        .filter(|o| unit.is_none_or(|u| o.unit_id == u.into()))
        .map(|o| opinion_view(o, today))
        .collect())
}

async fn reports_of(
    st: AppState,
    s: SupervisionItem,
    unit: Option<Uuid>,
) -> ApiResult<Vec<ReportView>> {
    let rows = st.store.supervision_reports(s.id).await?;
    Ok(rows
        .into_iter()
        .filter(|r| unit.is_none_or(|u| r.unit_id == u.into()))
        .map(Into::into)
        .collect())
}

async fn observations_of(
    st: AppState,
    s: SupervisionItem,
    _unit: Option<Uuid>,
) -> ApiResult<Vec<ObservationView>> {
    let rows = st.store.supervision_observations(s.id).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

sub_collection!(
    /// 监督事项时间线 · List an item's timeline
    ///
    /// 列出监督事项闭环中的每一步，以及每一步的操作人。
    ///
    /// Every step of the item's loop, with who took it.
    list_supervision_timeline, get_supervision_timeline_entry, "/supervisions/{id}/timeline", "/supervisions/{id}/timeline/{entry_id}",
    "entry_id", SupervisionTimelineItem, BodyAccess::None, timeline_of,
    "读取时间线中的一步 · Get a step of an item's timeline"
);
sub_collection!(
    /// 调查记录列表 · List investigation records
    ///
    /// 列出调查记录：视察、检查和听证。
    ///
    /// Investigation records: visits, inspections and hearings.
    list_investigation_records, get_investigation_record, "/supervisions/{id}/records", "/supervisions/{id}/records/{record_id}",
    "record_id", InvestigationRecordView, BodyAccess::None, records_of,
    "读取一条调查记录 · Get an investigation record"
);
sub_collection!(
    /// 专题询问列表 · List the inquiry's questions and answers
    ///
    /// 列出专题询问的提问及答复。
    ///
    /// The special inquiry's questions and answers.
    list_inquiries, get_inquiry, "/supervisions/{id}/inquiries", "/supervisions/{id}/inquiries/{inquiry_id}",
    "inquiry_id", InquiryView, BodyAccess::None, inquiries_of,
    "读取一条专题询问 · Get an inquiry's question and answer"
);
sub_collection!(
    /// 审议意见列表 · List deliberation opinions
    ///
    /// 列出审议意见及其问题清单；被监督单位只能看到发给本单位的审议意见。
    ///
    /// Deliberation opinions with their problem lists (a body sees those addressed to it).
    list_deliberation_opinions, get_deliberation_opinion, "/supervisions/{id}/opinions", "/supervisions/{id}/opinions/{opinion_id}",
    "opinion_id", OpinionView, BodyAccess::Own, opinions_of,
    "读取一份审议意见 · Get a deliberation opinion"
);
sub_collection!(
    /// 整改报告列表 · List rectification reports
    ///
    /// 列出整改报告；被监督单位只能看到本单位的报告。
    ///
    /// Rectification reports (a body sees its own).
    list_reports, get_report, "/supervisions/{id}/reports", "/supervisions/{id}/reports/{report_id}",
    "report_id", ReportView, BodyAccess::Own, reports_of,
    "读取一份整改报告 · Get a rectification report"
);
sub_collection!(
    /// 观察意见列表 · List observation opinions
    ///
    /// 列出观察员的观察意见，以及人大办对其是否采纳的决定。
    ///
    /// Observers' opinions and the office's decisions on them.
    list_observations, get_observation, "/supervisions/{id}/observations", "/supervisions/{id}/observations/{observation_id}",
    "observation_id", ObservationView, BodyAccess::None, observations_of,
    "读取一条观察意见 · Get an observation"
);

/// 测评结果列表 · List evaluation results
///
/// 列出已结束的各轮满意度测评的结果：计票结果及其决定。凡可查看该监督事项者均可查看。
///
/// The results of the concluded evaluation rounds: the tally and what it
/// decided. Readable wherever the item is.
#[utoipa::path(
    tag = "supervision",
    params(("id" = Uuid, Path), WholeListParams),
    responses(
        (status = 200, description = "By round", body = ListResponse<SupervisionEvaluationView>),
        (status = 401, description = "Not signed in and not published", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "No such item, or not visible to the caller", body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/supervisions/{id}/evaluations")]
pub async fn list_evaluations(
    state: Data<AppState>,
    caller: Caller,
    id: Path<Uuid>,
    page: QueryParams<WholeListParams>,
) -> ApiResult<HttpResponse> {
    let s = load_for(&state, &caller, id.into_inner(), SupervisionAction::Read).await?;
    let items: Vec<SupervisionEvaluationView> = state
        .store
        .supervision_evaluations(s.id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(crate::respond::page(ListResponse::from_vec(
        items, &page.0,
    )?))
}
