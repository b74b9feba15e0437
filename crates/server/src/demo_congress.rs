//! The congress part of `renda demo`: last year's session closed, this
//! year's county session in progress, and motions of it in every state,
//! driven through the same domain commands as the API.

use chrono::{Datelike, Days, NaiveDate};
use renda_domain::command::Ctx;
use renda_domain::congress::{self, SessionInput};
use renda_domain::deputy::Level;
use renda_domain::id::DeputyId;
use renda_domain::motion::{
    self as rules, DecisionFacts, DecisionInput, DraftFacts, MotionInput, MotionStatus, Proposer,
    Thresholds,
};
use renda_persistence::{AuditCtx, Store};
use uuid::Uuid;

/// The motions: title, reason, proposal, whether a delegation puts it,
/// and the status it is driven to.
const MOTIONS: &[(&str, &str, &str, bool, MotionStatus)] = &[
    (
        "关于制定古城历史街区保护条例的议案",
        "古城历史街区保护缺少地方性法规依据，拆建随意。",
        "建议制定《宿城区古城历史街区保护条例》，明确保护范围和责任主体。",
        false,
        MotionStatus::Reported,
    ),
    (
        "关于加强农村饮用水水源地保护的议案",
        "部分水源地周边存在养殖污染。",
        "建议开展水源地保护专项执法检查，并听取专项工作报告。",
        false,
        MotionStatus::OnAgenda,
    ),
    (
        "关于增设城区公共停车泊位的议案",
        "老城区停车难，占道停车影响通行。",
        "建议政府编制停车设施专项规划，利用边角地增设泊位。",
        false,
        MotionStatus::AsSuggestion,
    ),
    (
        "关于调整市级财政体制的议案",
        "区级财力紧张。",
        "建议调整市区财政分成比例。",
        true,
        MotionStatus::NotAccepted,
    ),
    (
        "关于推进中小学课后服务全覆盖的议案",
        "双职工家庭接送难。",
        "建议将课后服务纳入区政府民生实事并保障经费。",
        false,
        MotionStatus::Registered,
    ),
    (
        "关于完善社区养老服务设施的议案",
        "社区养老设施覆盖不足。",
        "建议制定社区养老服务设施建设三年行动计划。",
        true,
        MotionStatus::Submitted,
    ),
    (
        "关于加强电动自行车充电安全管理的议案",
        "小区飞线充电隐患多。",
        "建议出台电动自行车集中充电设施建设管理办法。",
        false,
        MotionStatus::Draft,
    ),
];

/// Loads the sessions and motions; returns what it made, for the summary.
/// `deputies` are the demo's deputies, the first eight of them county
/// deputies.
pub async fn load(
    store: &Store,
    ctx: &AuditCtx,
    deputies: &[Uuid],
    staff: Uuid,
    today: NaiveDate,
) -> anyhow::Result<String> {
    let c = Ctx {
        user_id: staff.into(),
        now: renda_domain::time::now(),
        today,
        new_id: Uuid::now_v7,
    };
    let year = today.year();
    let plan = |number: i32, opens_on: NaiveDate, days: u64| SessionInput {
        level: Level::County,
        term: "第十八届".into(),
        number,
        opens_on,
        closes_on: opens_on
            .checked_add_days(Days::new(days))
            .unwrap_or(opens_on),
    };
    let last_year = NaiveDate::from_ymd_opt(year - 1, 1, 10).unwrap_or(today);
    let past = store
        .create_congress_session(ctx, congress::plan(plan(4, last_year, 3), &c)?)
        .await?;
    let opened = store
        .save_congress_session(ctx, &past, congress::open(&past, false, &c)?)
        .await?;
    store
        .save_congress_session(ctx, &opened, congress::close(&opened, &c)?)
        .await?;
    let now = today.checked_sub_days(Days::new(1)).unwrap_or(today);
    let current = store
        .create_congress_session(ctx, congress::plan(plan(5, now, 4), &c)?)
        .await?;
    let current = store
        .save_congress_session(ctx, &current, congress::open(&current, false, &c)?)
        .await?;

    // County deputies: those the demo gives a county membership only or
    // beside another level.
    let county: Vec<DeputyId> = deputies
        .iter()
        .enumerate()
        .filter(|(i, _)| !(8..=11).contains(&(i % 20)))
        .map(|(_, d)| DeputyId::from(*d))
        .take(16)
        .collect();
    let thresholds = Thresholds::default();
    for (k, (title, reason, proposal, delegation, target)) in MOTIONS.iter().enumerate() {
        let lead = county.get(k % 5).copied().unwrap_or_default();
        let signers: Vec<DeputyId> = county.iter().copied().filter(|d| *d != lead).collect();
        let lead_delegations: Vec<String> = store
            .get_deputy(lead.uuid())
            .await?
            .memberships
            .iter()
            .filter(|m| m.level == Level::County)
            .filter_map(|m| m.delegation.clone())
            .collect();
        let input = MotionInput {
            title: (*title).into(),
            reason: (*reason).into(),
            proposal: (*proposal).into(),
            proposer: if *delegation {
                Proposer::Delegation
            } else {
                Proposer::Deputies
            },
            delegation: if *delegation {
                lead_delegations.first().cloned()
            } else {
                None
            },
            signer_ids: signers.clone(),
        };
        let facts = DraftFacts {
            open_session: Some(current.clone()),
            existing_deputies: signers.clone(),
            serving_at_level: signers.clone(),
            lead_delegations: lead_delegations.clone(),
        };
        let mut m = store
            .create_motion(ctx, rules::draft(input, lead, &facts, &c)?)
            .await?;
        // Ten of the fifteen asked agree: with the drafter, eleven.
        for d in signers.iter().take(10) {
            m = store
                .save_motion(ctx, &m, rules::sign(&m, *d, true, &c)?)
                .await?;
        }
        if *target == MotionStatus::Draft {
            continue;
        }
        m = store
            .save_motion(ctx, &m, rules::submit(&m, &current, &thresholds, &c)?)
            .await?;
        if *target == MotionStatus::Submitted {
            continue;
        }
        m = store.save_motion(ctx, &m, rules::register(&m, &c)?).await?;
        let decision = match target {
            MotionStatus::OnAgenda | MotionStatus::Reported => DecisionInput::OnAgenda {
                committee: if k == 0 {
                    "法制委员会"
                } else {
                    "城建环保委员会"
                }
                .into(),
                report_due: today.checked_add_days(Days::new(60)).unwrap_or(today),
            },
            MotionStatus::AsSuggestion => DecisionInput::AsSuggestion {
                category: "城乡建设".into(),
                reason: Some("宜作为建议交区政府研究办理".into()),
            },
            MotionStatus::NotAccepted => DecisionInput::NotAccepted {
                reason: "不属于本级人民代表大会职权范围".into(),
            },
            _ => continue,
        };
        let facts = DecisionFacts {
            category_known: true,
            term: current.term.clone(),
        };
        m = store
            .save_motion(ctx, &m, rules::decide(&m, decision, &facts, &c)?)
            .await?;
        if *target == MotionStatus::Reported {
            let report = "委员会审议认为，制定该条例必要、可行，建议列入明年立法计划。".to_owned();
            store
                .save_motion(ctx, &m, rules::report(&m, report, &c)?)
                .await?;
        }
    }
    Ok(format!(
        "sessions {} (closed) and {} (in progress) with {} motions",
        past.name(),
        current.name(),
        MOTIONS.len()
    ))
}

/// Hands three of the registered demo suggestions out at a meeting: two
/// to departments, one to the government office (`units[0]`) to pass on
/// within a week. Returns what it made, for the summary.
pub async fn hand_out(
    store: &Store,
    ctx: &AuditCtx,
    units: &[Uuid],
    staff: Uuid,
    today: NaiveDate,
) -> anyhow::Result<String> {
    use renda_domain::suggestion::{
        self as s, AssignInput, BatchInput, BatchRow, Color, HandlingPolicy, SuggestionStatus,
    };
    use renda_persistence::suggestions::{SuggestionFilter, SuggestionVisibility};
    let vis = SuggestionVisibility {
        submitted: true,
        ..Default::default()
    };
    let f = SuggestionFilter {
        status: Some(SuggestionStatus::Registered),
        ..Default::default()
    };
    let opts = renda_persistence::list::ListOptions {
        limit: 3,
        ..Default::default()
    };
    let page = store.list_suggestions(&vis, &f, &opts).await?;
    let registered: Vec<s::Suggestion> = page.live().cloned().collect();
    let week = today.checked_add_days(Days::new(7));
    let rows = registered
        .iter()
        .enumerate()
        .map(|(k, sg)| BatchRow {
            suggestion: Some(sg),
            supervisor_is_leader: None,
            assignment: AssignInput {
                lead_unit_id: units
                    .get(if k == 0 { 0 } else { k + 2 })
                    .copied()
                    .unwrap_or_default()
                    .into(),
                co_unit_ids: Vec::new(),
                color: if k == 1 { Color::Yellow } else { Color::Green },
                due_date: None,
                co_unit_due_date: None,
                supervisor_id: None,
                pass_on_due: if k == 0 { week } else { None },
            },
        })
        .collect();
    let input = BatchInput {
        id: Uuid::now_v7(),
        title: "代表建议集中交办会".into(),
        meeting_date: today,
        congress_session_id: None,
        document_number: Some(format!("宿城人常办〔{}〕3号", today.year())),
        rows,
    };
    let policy = HandlingPolicy::default();
    let c = s::Ctx {
        by: s::By {
            user_id: staff.into(),
            deputy_id: None,
            unit_id: None,
        },
        now: renda_domain::time::now(),
        today,
        policy: &policy,
    };
    let existing: Vec<renda_domain::id::UnitId> = units.iter().map(|u| (*u).into()).collect();
    let (batch, changes) = s::hand_out(input, &existing, &c)?;
    let pairs = changes
        .into_iter()
        .filter_map(|ch| {
            registered
                .iter()
                .find(|r| r.id == ch.after.id)
                .map(|r| (r, ch))
        })
        .collect();
    let (batch, _) = store.hand_out(ctx, batch, pairs).await?;
    Ok(format!("a 交办 batch of {}", batch.item_count))
}

/// This year's key-supervision list: three suggestions being handled, led
/// by the demo leader, who has visited the first.
pub async fn key_list(
    store: &Store,
    ctx: &AuditCtx,
    leader: Uuid,
    staff: Uuid,
    today: NaiveDate,
) -> anyhow::Result<String> {
    use renda_domain::key_supervision::{
        self as ks, ItemInput, KeyRecordKind, ListFacts, ListInput,
    };
    use renda_domain::suggestion::SuggestionStatus;
    use renda_persistence::suggestions::{SuggestionFilter, SuggestionVisibility};
    let vis = SuggestionVisibility {
        submitted: true,
        ..Default::default()
    };
    let f = SuggestionFilter {
        status: Some(SuggestionStatus::Assigned),
        ..Default::default()
    };
    let opts = renda_persistence::list::ListOptions {
        limit: 3,
        ..Default::default()
    };
    let page = store.list_suggestions(&vis, &f, &opts).await?;
    let picked: Vec<Uuid> = page.live().map(|s| s.id).collect();
    let c = Ctx {
        user_id: staff.into(),
        now: renda_domain::time::now(),
        today,
        new_id: Uuid::now_v7,
    };
    let input = ListInput {
        year: today.year(),
        title: format!("{}年度重点督办代表建议", today.year()),
        decided_on: today,
        document_number: format!("宿城人常主〔{}〕2号", today.year()),
        items: picked
            .iter()
            .map(|s| ItemInput {
                suggestion_id: *s,
                leader_ids: vec![leader.into()],
            })
            .collect(),
    };
    let facts = ListFacts {
        suggestions: store.suggestion_statuses(&picked).await?,
        leaders: vec![leader.into()],
        year_taken: false,
    };
    let list = store
        .create_key_list(ctx, ks::decide(input, &facts, &c)?)
        .await?;
    if let Some(first) = list.items.first() {
        let by_leader = Ctx {
            user_id: leader.into(),
            ..c
        };
        let visit = ks::RecordInput {
            kind: KeyRecordKind::Visit,
            occurred_on: today,
            content: "实地督办，要求承办单位按期办结并向代表反馈。".into(),
        };
        let r = ks::record(first, visit, &by_leader)?;
        let leader_ctx = AuditCtx {
            actor_id: Some(leader),
            actor_username: Some("demo-leader".into()),
            ..ctx.clone()
        };
        store
            .add_key_record(&leader_ctx, first.suggestion_id, r)
            .await?;
    }
    Ok(format!("a key-supervision list of {}", list.items.len()))
}
