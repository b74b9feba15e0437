//! The supervision part of `renda demo`: three observers (one with the
//! account `demo-observer`) and six items of this year's plan, one in each
//! stage, with records, opinions, reports, votes and observation opinions.

use chrono::{Datelike, Days, NaiveDate};
use renda_domain::observer::{NewObserver, ObserverCategory, ObserverStatus, Specialty};
use renda_domain::supervision::{
    Method, ObservationStatus, ProblemStatus, RecordKind, Satisfaction, Stage, SupervisionItem,
};
use renda_domain::user::{NewUser, UserStatus, Username};
use renda_domain::{Role, RoleSet};
use renda_persistence::supervision::{
    Change, Effect, Event, Inquiry, InvestigationRecord, Observation, Opinion, Problem,
    ProblemAnswer, Report,
};
use renda_persistence::{AuditCtx, Store};
use uuid::Uuid;

/// Who the demo's supervision involves.
pub struct People<'a> {
    pub units: &'a [Uuid],
    /// Committee members first (the first three demo deputies).
    pub deputies: &'a [Uuid],
    /// The accounts of the committee members, in the same order.
    pub member_users: &'a [Uuid],
    pub staff: Uuid,
    pub password_hash: &'a str,
}

struct Plan {
    title: &'static str,
    methods: &'static [Method],
    bodies: &'static [usize],
    committee: &'static str,
    laws: &'static [&'static str],
    stage: Stage,
}

const PLANS: &[Plan] = &[
    Plan {
        title: "全区老旧小区改造工作调研视察",
        methods: &[Method::ResearchVisit, Method::WorkEvaluation],
        bodies: &[6],
        committee: "城乡建设环境保护工作委员会",
        laws: &[],
        stage: Stage::Planned,
    },
    Plan {
        title: "农村人居环境整治工作调研视察",
        methods: &[Method::ResearchVisit, Method::WorkEvaluation],
        bodies: &[8, 10],
        committee: "农业农村工作委员会",
        laws: &[],
        stage: Stage::Investigating,
    },
    Plan {
        title: "听取审议义务教育优质均衡发展专项工作报告",
        methods: &[Method::SpecialReport, Method::SpecialInquiry],
        bodies: &[2],
        committee: "教育科学文化卫生工作委员会",
        laws: &[],
        stage: Stage::Deliberating,
    },
    Plan {
        title: "《中华人民共和国食品安全法》执法检查",
        methods: &[
            Method::LawEnforcementInspection,
            Method::SatisfactionEvaluation,
        ],
        bodies: &[11, 9],
        committee: "教育科学文化卫生工作委员会",
        laws: &[
            "中华人民共和国食品安全法",
            "江苏省食品小作坊和食品摊贩管理条例",
        ],
        stage: Stage::Rectifying,
    },
    Plan {
        title: "听取审议区人民法院诉源治理工作报告",
        methods: &[
            Method::SpecialReport,
            Method::SpecialInquiry,
            Method::SatisfactionEvaluation,
        ],
        bodies: &[15],
        committee: "监察和司法工作委员会",
        laws: &[],
        stage: Stage::Evaluating,
    },
    Plan {
        title: "《中华人民共和国安全生产法》执法检查",
        methods: &[
            Method::LawEnforcementInspection,
            Method::SatisfactionEvaluation,
        ],
        bodies: &[13],
        committee: "财政经济工作委员会",
        laws: &["中华人民共和国安全生产法"],
        stage: Stage::Closed,
    },
];

/// A ballot on the whole item, every body alike.
fn whole(choice: Satisfaction) -> renda_domain::supervision::BallotInput {
    renda_domain::supervision::BallotInput {
        choice,
        bodies: Vec::new(),
    }
}

async fn save(
    store: &Store,
    ctx: &AuditCtx,
    item: SupervisionItem,
    stage: Option<Stage>,
    action: &'static str,
    writes: Vec<Effect>,
) -> anyhow::Result<SupervisionItem> {
    let mut after = item.clone();
    if let Some(s) = stage {
        after.stage = s;
    }
    let event = Event {
        action,
        detail: None,
    };
    let change = Change {
        after,
        event,
        effects: writes,
    };
    Ok(store.save_supervision(ctx, &item, change).await?)
}

/// Loads the observers and the supervision items.
pub async fn load(
    store: &Store,
    ctx: &AuditCtx,
    p: &People<'_>,
    today: NaiveDate,
) -> anyhow::Result<usize> {
    let mut observers = Vec::new();
    for (i, (name, specialty, category, affiliation)) in [
        (
            "陈静",
            Specialty::FinanceAudit,
            ObserverCategory::FinanceWork,
            "宿迁某会计师事务所",
        ),
        (
            "周敏",
            Specialty::Law,
            ObserverCategory::EnvironmentalInspection,
            "宿城区某律师事务所",
        ),
        (
            "孙磊",
            Specialty::MedicalCare,
            ObserverCategory::RuralRevitalization,
            "宿城区人民医院",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let o = store
            .create_observer(
                ctx,
                NewObserver {
                    name: name.into(),
                    specialty,
                    category,
                    affiliation: Some(affiliation.into()),
                    term_start: NaiveDate::from_ymd_opt(today.year(), 1, 1),
                    term_end: NaiveDate::from_ymd_opt(today.year() + 2, 12, 31),
                    status: ObserverStatus::Active,
                    phone: Some(format!("1390000{:04}", 5678 + i)),
                    email: None,
                    // The third observer works at the hospital under the health commission.
                    conflict_unit_ids: if i == 2 { vec![p.units[9]] } else { vec![] },
                },
            )
            .await?;
        observers.push(o.id);
    }
    store
        .create_user(
            ctx,
            NewUser {
                username: Username::parse("demo-observer").map_err(|e| anyhow::anyhow!("{e}"))?,
                password_hash: p.password_hash.to_owned(),
                must_change_password: false,
                display_name: "陈静（观察员）".into(),
                roles: RoleSet::new([Role::Observer]),
                status: UserStatus::Active,
                deputy_id: None,
                unit_id: None,
                observer_id: Some(observers[0]),
            },
        )
        .await?;

    let members: Vec<Uuid> = p.deputies.iter().take(3).copied().collect();
    let now = renda_domain::time::now();
    for plan in PLANS {
        let mut bodies: Vec<Uuid> = plan.bodies.iter().map(|i| p.units[*i]).collect();
        bodies.sort();
        let mut item = store
            .create_supervision(
                ctx,
                SupervisionItem {
                    id: Uuid::now_v7(),
                    title: plan.title.into(),
                    year: today.year(),
                    description: None,
                    methods: plan.methods.to_vec(),
                    body_ids: renda_domain::id::from_uuids(bodies.clone()),
                    committee: plan.committee.into(),
                    committee_member_ids: {
                        let mut m = members.clone();
                        m.sort();
                        renda_domain::id::from_uuids(m)
                    },
                    deputy_ids: {
                        let mut d: Vec<Uuid> = p.deputies.iter().skip(3).take(2).copied().collect();
                        d.sort();
                        renda_domain::id::from_uuids(d)
                    },
                    observer_ids: vec![],
                    laws: plan.laws.iter().map(|l| (*l).to_owned()).collect(),
                    stage: Stage::Planned,
                    round: 1,
                    published_at: None,
                    closed_at: None,
                    created_by: p.staff.into(),
                    created_at: now,
                    updated_at: now,
                    version: 1,
                },
            )
            .await?;
        if plan.stage == Stage::Planned {
            continue;
        }
        let mut assigned = item.clone();
        assigned.observer_ids = vec![observers[0]];
        item = store
            .save_supervision(
                ctx,
                &item,
                Change {
                    after: assigned,
                    event: Event {
                        action: "observer_assigned",
                        detail: None,
                    },
                    effects: vec![],
                },
            )
            .await?;
        let kind = if plan.methods.contains(&Method::LawEnforcementInspection) {
            RecordKind::Inspection
        } else if plan.methods.contains(&Method::SpecialReport) {
            RecordKind::Hearing
        } else {
            RecordKind::Visit
        };
        let record = InvestigationRecord {
            id: Uuid::now_v7(),
            kind,
            occurred_on: today.checked_sub_days(Days::new(40)).unwrap_or(today),
            place: "宿城区".into(),
            participants: Some("常委会检查组、观察员陈静".into()),
            findings: "基层落实不平衡，个别环节存在薄弱点".into(),
            created_by: p.staff.into(),
            created_at: now,
        };
        let observation = Observation {
            id: Uuid::now_v7(),
            item_id: item.id,
            observer_id: observers[0],
            content: "建议结合专业审计方法核查资金使用情况".into(),
            status: ObservationStatus::Pending,
            decision_reason: None,
            decided_by: None,
            decided_at: None,
            created_by: p.staff.into(),
            created_at: now,
        };
        let pending = observation.clone();
        item = save(
            store,
            ctx,
            item,
            Some(Stage::Investigating),
            "investigation_started",
            vec![Effect::Record(record), Effect::Observation(observation)],
        )
        .await?;
        if plan.stage == Stage::Investigating {
            continue;
        }
        // Adopted, as the office decides it: the observer is told.
        let office = renda_domain::supervision::Ctx {
            user_id: p.staff.into(),
            now,
            today,
            new_id: Uuid::now_v7,
            policy: Default::default(),
        };
        let mut writes = renda_domain::supervision::decide_observation(
            &item,
            Some(&pending),
            true,
            None,
            &office,
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .effects;
        if plan.methods.contains(&Method::SpecialInquiry) {
            writes.push(Effect::Inquiry(Inquiry {
                id: Uuid::now_v7(),
                unit_id: Some(bodies[0].into()),
                asked_by: "常委会组成人员".into(),
                question: "下一步如何补齐短板？".into(),
                answered_by: Some("单位主要负责人".into()),
                answer: Some("年内制定专项方案，逐项落实".into()),
                created_by: p.staff.into(),
                created_at: now,
            }));
        }
        let mut opinions = Vec::new();
        for (n, body) in bodies.iter().enumerate() {
            let id = Uuid::now_v7();
            let overdue = plan.stage == Stage::Rectifying && n == 0;
            opinions.push(Opinion {
                id,
                unit_id: (*body).into(),
                round: 1,
                content: format!("关于{}的审议意见", plan.title),
                deadline: if overdue {
                    today.checked_sub_days(Days::new(5)).unwrap_or(today)
                } else {
                    today.checked_add_days(Days::new(60)).unwrap_or(today)
                },
                issued_by: p.staff.into(),
                issued_at: now,
                problems: ["工作机制不够健全", "督促落实不够到位"]
                    .iter()
                    .enumerate()
                    .map(|(k, d)| Problem {
                        id: Uuid::now_v7(),
                        opinion_id: id,
                        position: i32::try_from(k + 1).unwrap_or(1),
                        description: (*d).into(),
                        status: ProblemStatus::Open,
                        note: None,
                        closed_at: None,
                        updated_at: now,
                    })
                    .collect(),
            });
        }
        writes.extend(opinions.iter().cloned().map(Effect::Opinion));
        item = save(
            store,
            ctx,
            item,
            Some(Stage::Deliberating),
            "deliberation_started",
            writes,
        )
        .await?;
        if plan.stage == Stage::Deliberating {
            continue;
        }
        item = save(
            store,
            ctx,
            item,
            Some(Stage::Rectifying),
            "rectification_started",
            vec![],
        )
        .await?;
        // Every body reports; the office closes off all but the overdue body's problems.
        let mut writes = Vec::new();
        for (n, o) in opinions.iter().enumerate() {
            if plan.stage == Stage::Rectifying && n == 0 {
                continue;
            }
            writes.push(Effect::Report(Report {
                id: Uuid::now_v7(),
                opinion_id: o.id,
                unit_id: o.unit_id,
                summary: "已按审议意见逐项整改".into(),
                answers: o
                    .problems
                    .iter()
                    .map(|pr| ProblemAnswer {
                        problem_id: pr.id,
                        measures: "已建立长效机制并完成整改".into(),
                    })
                    .collect(),
                submitted_by: p.staff.into(),
                submitted_at: now,
            }));
            for pr in &o.problems {
                writes.push(Effect::Problem {
                    id: pr.id,
                    from: ProblemStatus::Answered,
                    status: ProblemStatus::Closed,
                    note: Some("经核查整改到位".into()),
                });
            }
        }
        item = save(store, ctx, item, None, "report_submitted", writes).await?;
        if plan.stage == Stage::Rectifying {
            continue;
        }
        // Every committee member is at the meeting that votes.
        let attendance = renda_domain::supervision::Attendance {
            round: item.round,
            present: members.iter().copied().map(Into::into).collect(),
            members: u32::try_from(members.len()).unwrap_or(u32::MAX),
            recorded_by: p.staff.into(),
            recorded_at: now,
        };
        item = save(
            store,
            ctx,
            item,
            Some(Stage::Evaluating),
            "evaluation_started",
            vec![Effect::Attendance(attendance)],
        )
        .await?;
        // Two members vote; demo-deputy0 (the first) is left to vote.
        for (k, m) in members.iter().enumerate().skip(1) {
            let choice = if k == 1 {
                Satisfaction::Satisfied
            } else {
                Satisfaction::BasicallySatisfied
            };
            store
                .cast_vote(ctx, &item, *m, p.member_users[k], &whole(choice))
                .await?;
        }
        if plan.stage == Stage::Closed {
            store
                .cast_vote(
                    ctx,
                    &item,
                    members[0],
                    p.member_users[0],
                    &whole(Satisfaction::Satisfied),
                )
                .await?;
            let cmd = renda_domain::supervision::Ctx {
                user_id: p.staff.into(),
                now: renda_domain::time::now(),
                today,
                new_id: Uuid::now_v7,
                policy: Default::default(),
            };
            let (closed, _) = store
                .conclude_evaluation(ctx, &item, &cmd)
                .await?
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let mut published = closed.clone();
            published.published_at = Some(renda_domain::time::now());
            store
                .save_supervision(
                    ctx,
                    &closed,
                    Change {
                        after: published,
                        event: Event {
                            action: "published",
                            detail: None,
                        },
                        effects: vec![],
                    },
                )
                .await?;
        }
    }
    Ok(PLANS.len())
}
