//! The deputies-at-work part of `renda demo`: stations with reception
//! days, constituent opinions, activities with check-ins, the needs list,
//! and a livelihood-project round open for voting.

use chrono::{Datelike, Days, NaiveDate};
use renda_domain::activity::{self as act, ActivityKind, RequesterKind};
use renda_domain::deputy::Level;
use renda_domain::id::DeputyId;
use renda_domain::livelihood::{CandidateSource, CandidateStatus, Change, Choice, RoundStage};
use renda_domain::station::{self, OpinionStatus, StationKind};
use renda_persistence::livelihood::{Candidate, Event, Round};
use renda_persistence::{AuditCtx, Store};
use uuid::Uuid;

/// Who the demo's work involves.
pub struct People<'a> {
    pub units: &'a [Uuid],
    pub deputies: &'a [Uuid],
    /// The accounts of the first deputies, in the same order.
    pub deputy_users: &'a [Uuid],
    pub staff: Uuid,
}

fn day(today: NaiveDate, offset: i64) -> NaiveDate {
    if offset >= 0 {
        today.checked_add_days(Days::new(offset.unsigned_abs()))
    } else {
        today.checked_sub_days(Days::new(offset.unsigned_abs()))
    }
    .unwrap_or(today)
}

/// Loads the data; returns what it made, for the summary line.
pub async fn load(
    store: &Store,
    ctx: &AuditCtx,
    p: &People<'_>,
    today: NaiveDate,
) -> anyhow::Result<String> {
    let now = renda_domain::time::now();
    let sctx = station::Ctx {
        user_id: p.staff.into(),
        now,
        today,
        new_id: Uuid::now_v7,
    };
    let mut stations = Vec::new();
    for (k, (kind, name, parent)) in [
        (StationKind::Home, "宿城区人大代表之家", None),
        (StationKind::Station, "古城街道人大代表联络站", Some(0usize)),
        (StationKind::Point, "幸福社区人大代表联系点", Some(1usize)),
    ]
    .into_iter()
    .enumerate()
    {
        let deputies: Vec<Uuid> = p.deputies.iter().skip(k * 3).take(4).copied().collect();
        let parent_id = parent.and_then(|i: usize| stations.get(i).copied());
        let facts = station::StationFacts {
            existing_deputies: renda_domain::id::from_uuids(deputies.clone()),
            parent: parent_id.map(|p| station::Ancestry::Found(vec![p])),
        };
        let input = station::StationInput {
            kind,
            name: name.into(),
            address: Some("宿迁市宿城区".into()),
            parent_id,
            contact_person: Some("王敏".into()),
            contact_phone: Some(format!("0527-8436{:04}", 1000 + k)),
            description: None,
            deputy_ids: renda_domain::id::from_uuids(deputies),
        };
        let s = store
            .create_station(ctx, station::open(input, &facts, &sctx)?)
            .await?;
        stations.push(s.id);
        // Yesterday's reception day, recorded; one next week, planned.
        let on_duty: Vec<DeputyId> = s.deputy_ids.iter().take(2).copied().collect();
        for (offset, record) in [(-1i64, true), (7, false)] {
            let input = station::ReceptionInput {
                day: day(today, offset),
                hours: Some("09:00-11:30".into()),
                topic: Some("老旧小区改造".into()),
                deputy_ids: on_duty.clone(),
            };
            let d = store
                .create_reception_day(ctx, station::plan_reception(&s, input, &sctx)?)
                .await?;
            if record {
                let input = station::ReceptionRecord {
                    people_received: 8,
                    matters: vec!["小区停车难".into(), "加装电梯补贴".into()],
                };
                let recorded = station::record_reception(&d, name, input, &sctx)?;
                store.record_reception(ctx, &d, recorded).await?;
            }
        }
    }

    // Constituent opinions: one waiting at the liaison station, one
    // forwarded to a unit, one answered.
    for (k, (content, status)) in [
        ("小区门口路灯坏了三个月", OpinionStatus::Received),
        ("公交站台缺少遮阳棚", OpinionStatus::Forwarded),
        ("社区卫生服务站周末不开门", OpinionStatus::Answered),
    ]
    .into_iter()
    .enumerate()
    {
        let octx = renda_domain::opinion::Ctx {
            user_id: None,
            deputy_id: None,
            now,
            new_id: Uuid::now_v7,
        };
        let o = renda_domain::opinion::receive(
            renda_domain::opinion::OpinionInput {
                station_id: stations.get(1).copied(),
                content: content.into(),
                category: Some("城乡建设".into()),
                name: Some("张先生".into()),
                phone: Some(format!("1380000{:04}", 1234 + k)),
            },
            true,
            &octx,
        )?;
        let code = renda_auth::token::generate_receipt_code();
        let digest = renda_auth::token::digest(&renda_auth::token::normalise_receipt_code(&code));
        let o = store.create_constituent_opinion(ctx, o, digest).await?;
        let staff = renda_domain::opinion::Ctx {
            user_id: Some(p.staff.into()),
            ..octx
        };
        let change = match (status, p.units.get(1)) {
            (OpinionStatus::Answered, _) => Some(renda_domain::opinion::answer(
                &o,
                "已协调社区卫生服务站周六上午开诊".into(),
                &staff,
            )?),
            (OpinionStatus::Forwarded, Some(unit)) => Some(renda_domain::opinion::forward(
                &o,
                (*unit).into(),
                None,
                true,
                &staff,
            )?),
            _ => None,
        };
        if let Some(change) = change {
            store.save_constituent_opinion(ctx, &o, change).await?;
        }
    }

    // Activities: one today the demo deputies can check in at, one last
    // month with attendance recorded.
    let invited: Vec<DeputyId> = p.deputies.iter().take(5).map(|&d| d.into()).collect();
    let actx = act::Ctx {
        user_id: p.staff.into(),
        now,
        today,
        new_id: Uuid::now_v7,
    };
    let mut activities = Vec::new();
    for (kind, brand, title, offset) in [
        (
            ActivityKind::ServiceBrand,
            Some("代表+心理关爱"),
            "走进社区心理健康讲座",
            0i64,
        ),
        (
            ActivityKind::CourtHearing,
            None,
            "千名代表听百案：旁听庭审",
            -30,
        ),
    ] {
        let input = act::ActivityInput {
            kind,
            brand: brand.map(Into::into),
            title: title.into(),
            description: None,
            day: day(today, offset),
            place: "宿城区人大代表之家".into(),
            organiser: "区人大代表工委".into(),
            invited_deputy_ids: invited.clone(),
        };
        let a = store
            .create_activity(ctx, act::plan(input, &invited, &actx)?)
            .await?;
        if offset < 0 {
            let attended: Vec<DeputyId> = a.invited.iter().skip(1).copied().collect();
            let check_ins = act::record_attendance(&a, &attended, &attended, &actx)?;
            store.check_in(ctx, &a, check_ins, false).await?;
        }
        activities.push(a.id);
    }
    for (k, (requester, kind, content)) in [
        (
            "宿城区某机械制造有限公司",
            RequesterKind::Enterprise,
            "希望了解高新技术企业认定政策",
        ),
        (
            "幸福社区居民李女士",
            RequesterKind::Resident,
            "希望为独居老人安装紧急呼叫设备",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let input = act::NeedInput {
            requester: requester.into(),
            requester_kind: kind,
            content: content.into(),
            contact_phone: Some(format!("1390000{:04}", 1111 + k)),
        };
        let n = store
            .create_need(ctx, act::record_need(input, &actx)?)
            .await?;
        if k == 1 {
            let matched = act::match_need(
                &n,
                act::MatchInput {
                    activity_id: None,
                    deputy_id: p.deputies.first().copied().map(Into::into),
                    activity_known: false,
                    deputy_known: true,
                },
            )?;
            store.save_need(ctx, &n, matched, "match").await?;
        }
    }

    // A livelihood-project round of the county congress (18th term),
    // voting; two demo deputies have voted, demo-deputy0 has not.
    let round = store
        .create_round(
            ctx,
            Round {
                id: Uuid::now_v7(),
                year: today.year() + 1,
                level: Level::County,
                term: "第十八届".into(),
                title: format!("{}年宿城区民生实事项目", today.year() + 1),
                seats: 3,
                secret_ballot: true,
                stage: RoundStage::Collecting,
                tie_break: None,
                majority: renda_domain::livelihood::MajorityBase::Cast,
                congress_session_id: None,
                voting_members: None,
                created_by: p.staff.into(),
                created_at: now,
                updated_at: now,
                version: 1,
            },
        )
        .await?;
    let mut shortlist = Vec::new();
    for (k, (title, unit)) in [
        ("城区老旧小区加装电梯", 6usize),
        ("中小学校园周边交通改善", 7),
        ("社区嵌入式养老服务中心", 3),
        ("农村饮用水提升工程", 8),
        ("城区公厕提档升级", 6),
    ]
    .into_iter()
    .enumerate()
    {
        let c = store
            .create_candidate(
                ctx,
                Candidate {
                    id: Uuid::now_v7(),
                    round_id: round.id,
                    title: title.into(),
                    description: format!("{title}，惠及群众"),
                    estimated_budget: Some(10_000_000 * (k as i64 + 1)),
                    unit_id: p.units.get(unit).copied().map(Into::into),
                    source: if k % 2 == 0 {
                        CandidateSource::Government
                    } else {
                        CandidateSource::Public
                    },
                    proposed_by: Some(p.staff.into()),
                    proposer_deputy_id: None,
                    status: CandidateStatus::Proposed,
                    review_reason: None,
                    reviewed_by: None,
                    approvals: None,
                    against: None,
                    abstentions: None,
                    created_at: now,
                    updated_at: now,
                    version: 1,
                },
            )
            .await?;
        shortlist.push(c);
    }
    let round = advance(store, ctx, round, RoundStage::Reviewing, "review_started").await?;
    for (k, c) in shortlist.iter().enumerate() {
        let mut after = c.clone();
        after.status = if k < 4 {
            CandidateStatus::Shortlisted
        } else {
            CandidateStatus::Rejected
        };
        after.review_reason = Some(if k < 4 {
            "群众呼声高，资金可落实".into()
        } else {
            "已列入部门年度计划".into()
        });
        after.reviewed_by = Some(p.staff.into());
        store
            .save_candidate(ctx, c, after, RoundStage::Reviewing, "review")
            .await?;
    }
    let round = advance(store, ctx, round, RoundStage::Voting, "voting_started").await?;
    for (k, deputy) in p.deputies.iter().enumerate().take(3).skip(1) {
        let marks = vec![
            (shortlist[0].id, Choice::Approve),
            (shortlist[k].id, Choice::Approve),
            (shortlist[3].id, Choice::Against),
        ];
        let user = p.deputy_users.get(k).copied().unwrap_or(p.staff);
        store
            .cast_ballot(ctx, &round, *deputy, user, &marks, today)
            .await?;
    }
    Ok(format!(
        "{} stations, 3 constituent opinions, {} activities, 2 needs, a livelihood round in voting",
        stations.len(),
        activities.len()
    ))
}

async fn advance(
    store: &Store,
    ctx: &AuditCtx,
    round: Round,
    stage: RoundStage,
    action: &'static str,
) -> anyhow::Result<Round> {
    let mut after = round.clone();
    after.stage = stage;
    Ok(store
        .save_round(
            ctx,
            &round,
            Change {
                after,
                event: Event {
                    action,
                    detail: None,
                },
                effects: Vec::new(),
            },
        )
        .await?)
}
