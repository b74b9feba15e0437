//! `renda demo`: a realistic data set to explore the API with right after
//! `cargo run`: the units of a district government, about a hundred
//! deputies of all five levels, accounts to sign in with, and suggestions
//! in every state and colour with replies and evaluations.

use anyhow::{Context, bail};
use chrono::{Days, NaiveDate};
use renda_auth::password;
use renda_domain::deputy::{
    DeputyStatus, Gender, Level, Link, LinkKind, Membership, MembershipStatus, NewDeputy,
};
use renda_domain::suggestion::{
    self as rules, AssignFacts, AssignInput, By, Change, Color, Ctx, DraftFacts, DraftInput,
    EvaluationResult, HandlingPolicy, RecordCounts, RecordInput, ReplyCategory, ReplyInput,
    SessionTiming, Suggestion, SuggestionError, SuggestionRecordKind, SuggestionSource,
    SuggestionStatus,
};
use renda_domain::unit::{NewUnit, UnitKind};
use renda_domain::user::{NewUser, UserStatus, Username};
use renda_domain::{Role, RoleSet};
use renda_persistence::{AuditCtx, Store};
use uuid::Uuid;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "Demo-Pass-2026";

const UNITS: &[(&str, UnitKind)] = &[
    ("宿城区人民政府办公室", UnitKind::Government),
    ("宿城区发展和改革局", UnitKind::GovernmentDepartment),
    ("宿城区教育局", UnitKind::GovernmentDepartment),
    ("宿城区民政局", UnitKind::GovernmentDepartment),
    ("宿城区财政局", UnitKind::GovernmentDepartment),
    ("宿城区人力资源和社会保障局", UnitKind::GovernmentDepartment),
    ("宿城区住房和城乡建设局", UnitKind::GovernmentDepartment),
    ("宿城区交通运输局", UnitKind::GovernmentDepartment),
    ("宿城区农业农村局", UnitKind::GovernmentDepartment),
    ("宿城区卫生健康委员会", UnitKind::GovernmentDepartment),
    ("宿城区生态环境局", UnitKind::GovernmentDepartment),
    ("宿城区市场监督管理局", UnitKind::GovernmentDepartment),
    ("宿城区文化广电和旅游局", UnitKind::GovernmentDepartment),
    ("宿城区应急管理局", UnitKind::GovernmentDepartment),
    ("宿城区监察委员会", UnitKind::SupervisoryCommission),
    ("宿城区人民法院", UnitKind::Court),
    ("宿城区人民检察院", UnitKind::Procuratorate),
    ("古城街道办事处", UnitKind::Township),
    ("项里街道办事处", UnitKind::Township),
    ("耿车镇人民政府", UnitKind::Township),
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "朱", "马", "胡", "郭",
    "林", "何", "高", "罗",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "磊", "强", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
    "秀英", "华", "平", "刚", "桂英", "建国", "立新", "晓东", "春梅",
];
const OCCUPATIONS: &[(&str, &str)] = &[
    ("教师", "宿城区实验小学"),
    ("医生", "宿城区人民医院"),
    ("村党支部书记", "耿车镇大众村"),
    ("企业负责人", "宿迁市某食品有限公司"),
    ("社区党委书记", "古城街道项里社区"),
    ("律师", "江苏某律师事务所"),
    ("农民", "耿车镇红卫村"),
    ("工程师", "宿城经济开发区某机械公司"),
];
const COMMUNITIES: &[&str] = &[
    "项里社区",
    "古城社区",
    "幸福社区",
    "大众村",
    "红卫村",
    "南采社区",
];

const TOPICS: &[(&str, &str, &str)] = &[
    (
        "社会保障",
        "关于增设社区老年助餐点的建议",
        "辖区老年人口多，独居老人就餐难，建议在社区增设助餐点，并对高龄老人给予补贴。",
    ),
    (
        "教育",
        "关于缓解城区学校大班额问题的建议",
        "城区部分小学班额超过50人，建议加快新建学校，合理调整学区划分。",
    ),
    (
        "交通",
        "关于优化城区公交线路的建议",
        "新建小区居民出行不便，建议增开公交线路并延长末班车时间。",
    ),
    (
        "医疗卫生",
        "关于提升乡镇卫生院服务能力的建议",
        "乡镇卫生院设备老化、人才不足，建议加大投入并推行县乡医共体。",
    ),
    (
        "城乡建设",
        "关于加快老旧小区改造的建议",
        "部分老旧小区管网老化、无物业管理，建议纳入年度改造计划。",
    ),
    (
        "生态环境",
        "关于加强河道水环境治理的建议",
        "部分河道存在黑臭水体，建议开展截污纳管和生态修复。",
    ),
    (
        "农业农村",
        "关于支持设施农业发展的建议",
        "建议加大对大棚蔬菜等设施农业的补贴，完善冷链物流。",
    ),
    (
        "经济发展",
        "关于优化营商环境的建议",
        "建议推行涉企事项一网通办，缩短项目审批时间。",
    ),
    (
        "政法",
        "关于加强校园周边安全管理的建议",
        "建议在上下学时段加强校园周边巡逻和交通疏导。",
    ),
    (
        "其他",
        "关于完善便民服务中心功能的建议",
        "建议在便民服务中心增设自助终端，方便群众办事。",
    ),
];

fn levels(i: usize) -> Vec<Membership> {
    let county = Membership {
        level: Level::County,
        term: "第十八届".into(),
        constituency: Some(format!(
            "{}选区",
            COMMUNITIES
                .get(i % COMMUNITIES.len())
                .copied()
                .unwrap_or("古城社区")
        )),
        // At the county congress's sessions deputies sit in their street's
        // or town's delegation.
        delegation: Some(["古城街道代表团", "项里街道代表团", "耿车镇代表团"][i % 3].into()),
        start_date: NaiveDate::from_ymd_opt(2021, 12, 1),
        end_date: None,
        status: MembershipStatus::Serving,
    };
    let other = |level: Level, term: &str, delegation: &str| Membership {
        level,
        term: term.into(),
        constituency: None,
        delegation: Some(delegation.into()),
        start_date: NaiveDate::from_ymd_opt(2022, 1, 1),
        end_date: None,
        status: MembershipStatus::Serving,
    };
    match i % 20 {
        0 => vec![other(Level::National, "第十四届", "江苏代表团"), county],
        1 | 2 => vec![other(Level::Provincial, "第十四届", "宿迁代表团"), county],
        3..=7 => vec![other(Level::Municipal, "第八届", "宿城区代表团"), county],
        8..=11 => vec![Membership {
            level: Level::Township,
            term: "第十九届".into(),
            constituency: Some("耿车镇第二选区".into()),
            delegation: None,
            start_date: NaiveDate::from_ymd_opt(2021, 11, 1),
            end_date: None,
            status: MembershipStatus::Serving,
        }],
        _ => vec![county],
    }
}

/// Makes demo accounts, all with the demo password.
struct Accounts<'a> {
    store: &'a Store,
    ctx: &'a AuditCtx,
    hash: &'a str,
}

impl Accounts<'_> {
    async fn create(
        &self,
        name: &str,
        display: &str,
        roles: &[Role],
        deputy: Option<Uuid>,
        unit: Option<Uuid>,
    ) -> anyhow::Result<Uuid> {
        let u = self
            .store
            .create_user(
                self.ctx,
                NewUser {
                    username: Username::parse(name).map_err(|e| anyhow::anyhow!("{e}"))?,
                    password_hash: self.hash.to_owned(),
                    // Demo accounts share one published password, for trying things out.
                    must_change_password: false,
                    display_name: display.to_owned(),
                    roles: RoleSet::new(roles.iter().copied()),
                    status: UserStatus::Active,
                    deputy_id: deputy.map(Into::into),
                    unit_id: unit.map(Into::into),
                    observer_id: None,
                },
            )
            .await?;
        Ok(u.id)
    }
}

/// Saves what a domain command decided, as the API would.
/// Noon in China on `day`, or now when `day` is `today`.
fn past_noon(day: NaiveDate, today: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    match day.and_hms_opt(4, 0, 0) {
        Some(t) if day < today => t.and_utc(),
        _ => renda_domain::time::now(),
    }
}

/// The demo's reply letter number `i`, of `category`, dated `day`.
fn demo_reply(i: usize, day: NaiveDate, category: ReplyCategory) -> ReplyInput {
    ReplyInput {
        id: Uuid::now_v7(),
        category,
        content: "经研究，已将该建议列入年度工作计划，具体措施如下……".into(),
        document_number: Some(format!("宿城政函〔2026〕{}号", 10 + i)),
        signed_by: Some("李明".into()),
        responsible_person: Some("王芳".into()),
        handler_name: Some("赵磊".into()),
        handler_phone: Some("0527-84351234".into()),
        reply_date: Some(day),
        commitment: (category == ReplyCategory::B)
            .then(|| ("年内完成".to_owned(), NaiveDate::from_ymd_opt(2026, 12, 31))),
    }
}

/// The lead unit's reply, after recording its consultation (面商) with the
/// lead deputy when `consult`: the suggestion as saved with the record,
/// and the reply command's outcome.
async fn reply_after_consulting(
    store: &Store,
    ctx: &AuditCtx,
    s: Suggestion,
    reply: ReplyInput,
    consult: bool,
    unit_ctx: &Ctx<'_>,
) -> anyhow::Result<(Suggestion, Result<Change, SuggestionError>)> {
    let mut s = s;
    if consult {
        let input = rules::ConsultationInput {
            id: Uuid::now_v7(),
            held_on: unit_ctx.today,
            form: rules::ConsultationForm::Visit,
            participants: "领衔代表、承办单位分管负责同志".into(),
            agreed: "说明办理思路和时间安排，代表同意按此答复".into(),
        };
        let c = rules::consult(&s, input, unit_ctx);
        s = apply(store, ctx, &s, c).await?;
    }
    let facts = rules::ReplyFacts {
        requests: &[],
        consultations: u32::from(consult),
    };
    let replied = rules::reply(&s, reply, &facts, unit_ctx);
    Ok((s, replied))
}

async fn apply(
    store: &Store,
    ctx: &AuditCtx,
    before: &Suggestion,
    change: Result<Change, SuggestionError>,
) -> anyhow::Result<Suggestion> {
    let change = change.map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(store.save_suggestion(ctx, before, change).await?)
}

/// Loads the demo data set into an empty database (one with no
/// suggestions and at most the three first administrators).
pub async fn load(store: &Store, today: NaiveDate) -> anyhow::Result<String> {
    if store.count_users().await? > 3 || store.setting("demo_loaded").await?.is_some() {
        bail!("the database already holds data; the demo loads only into a fresh one");
    }
    let ctx = AuditCtx {
        actor_username: Some("demo".into()),
        ..AuditCtx::system()
    };
    let hash = tokio::task::spawn_blocking(|| password::hash_password(DEMO_PASSWORD)).await??;

    let mut units = Vec::new();
    for (name, kind) in UNITS {
        let u = store
            .create_unit(
                &ctx,
                NewUnit {
                    name: (*name).into(),
                    kind: *kind,
                    contact_person: Some("办公室".into()),
                    contact_phone: Some(
                        "0527-8435".to_owned() + &format!("{:04}", units.len() * 7 + 1000),
                    ),
                    email: None,
                    address: Some("宿迁市宿城区".into()),
                    description: None,
                },
            )
            .await
            .context("units")?;
        units.push(u.id);
    }

    let mut deputies = Vec::new();
    for i in 0..100 {
        let surname = SURNAMES[i % SURNAMES.len()];
        let given = GIVEN[(i * 7 + i / SURNAMES.len()) % GIVEN.len()];
        let (occupation, work_unit) = OCCUPATIONS[i % OCCUPATIONS.len()];
        let d = store
            .create_deputy(
                &ctx,
                NewDeputy {
                    name: format!("{surname}{given}"),
                    gender: Some(if i % 3 == 0 {
                        Gender::Female
                    } else {
                        Gender::Male
                    }),
                    ethnicity: Some(if i % 17 == 5 {
                        "回族".into()
                    } else {
                        "汉族".into()
                    }),
                    birth_date: NaiveDate::from_ymd_opt(
                        1960 + (i as i32 % 35),
                        1 + (i as u32 % 12),
                        1 + (i as u32 % 28),
                    ),
                    party: Some(if i % 4 == 3 {
                        "群众".into()
                    } else {
                        "中国共产党".into()
                    }),
                    education: Some(if i % 2 == 0 {
                        "大学本科".into()
                    } else {
                        "研究生".into()
                    }),
                    occupation: Some(occupation.into()),
                    work_unit: Some(work_unit.into()),
                    phone: Some(format!("138{:08}", 10_000_000 + i * 7919)),
                    photo_url: None,
                    status: if i == 99 {
                        DeputyStatus::Inactive
                    } else {
                        DeputyStatus::Active
                    },
                    memberships: levels(i),
                    links: vec![Link {
                        kind: if i % 10 == 0 {
                            LinkKind::KeyEnterprise
                        } else {
                            LinkKind::Community
                        },
                        organization: COMMUNITIES[i % COMMUNITIES.len()].into(),
                        start_date: NaiveDate::from_ymd_opt(2022, 3, 1),
                        end_date: None,
                    }],
                },
            )
            .await
            .context("deputies")?;
        deputies.push(d);
    }

    let accounts = Accounts {
        store,
        ctx: &ctx,
        hash: &hash,
    };
    let staff = accounts
        .create("demo-staff", "刘青（代表工委）", &[Role::Staff], None, None)
        .await?;
    let leader = accounts
        .create("demo-leader", "赵主任", &[Role::Leader], None, None)
        .await?;
    for (i, (u, (name, _))) in units.iter().zip(UNITS).enumerate().take(10) {
        accounts
            .create(
                &format!("demo-unit{i}"),
                name,
                &[Role::Unit],
                None,
                Some(*u),
            )
            .await?;
    }
    let mut deputy_users = Vec::new();
    for (i, d) in deputies.iter().enumerate().take(5) {
        let u = accounts
            .create(
                &format!("demo-deputy{i}"),
                &d.name,
                &[Role::Deputy],
                Some(d.id),
                None,
            )
            .await?;
        deputy_users.push(u);
    }

    // Sixty suggestions in every state and colour, driven through the
    // same domain commands as the API.
    let policy = HandlingPolicy::default();
    let by = |user_id| By {
        user_id,
        deputy_id: None,
        unit_id: None,
    };
    let at = |today, user_id| Ctx {
        by: by(user_id),
        now: renda_domain::time::now(),
        today,
        policy: &policy,
    };
    let as_deputy = |today, user_id, deputy: Uuid| Ctx {
        by: By {
            deputy_id: Some(deputy.into()),
            ..by(user_id)
        },
        ..at(today, user_id)
    };
    let mut count = 0;
    for i in 0..60usize {
        let (category, title, content) = TOPICS[i % TOPICS.len()];
        let lead = &deputies[i % 20];
        let author_ctx = AuditCtx {
            actor_username: Some(format!("demo-deputy{}", i % 5)),
            ..ctx.clone()
        };
        let co_signers = [deputies[(i + 21) % 100].id, deputies[(i + 42) % 100].id];
        let input = DraftInput {
            title: if i < TOPICS.len() {
                title.into()
            } else {
                format!("{title}（{}）", i / TOPICS.len() + 1)
            },
            content: content.into(),
            category: category.into(),
            term: "第十八届".into(),
            session: Some("第五次会议".into()),
            timing: if i % 3 == 0 {
                SessionTiming::BetweenSessions
            } else {
                SessionTiming::DuringSession
            },
            co_signer_ids: renda_domain::id::from_uuids(co_signers.to_vec()),
            source: Some(if i % 7 == 0 {
                SuggestionSource::ConstituentOpinion
            } else {
                SuggestionSource::Deputy
            }),
            source_ref: None,
        };
        let facts = DraftFacts {
            category_known: true,
            existing_deputies: renda_domain::id::from_uuids(co_signers.to_vec()),
            lead_term_ended: false,
        };
        let new = rules::draft(input, lead.id.into(), &facts, staff.into())
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut s = store.create_suggestion(&author_ctx, new).await?;
        count += 1;
        // The first co-signer confirms; the second confirms most times,
        // sometimes declines, sometimes never answers (and drops out on
        // submission).
        for (k, d) in co_signers.iter().enumerate() {
            let answer = match (k, i % 6) {
                (0, _) | (_, 0..=2) => Some(true),
                (_, 3) => Some(false),
                _ => None,
            };
            if let Some(agree) = answer {
                let answered = rules::answer_co_signature(
                    &s,
                    agree,
                    None,
                    &as_deputy(today, staff.into(), *d),
                )
                .map_err(|e| anyhow::anyhow!("{e}"))?;
                if let Some(c) = answered {
                    s = apply(store, &ctx, &s, Ok(c)).await?;
                }
            }
        }
        let stage = i % 10; // 0 draft, 1 submitted, 2 rejected, 3 registered, 4-5 assigned, 6 replied, 7 rehandling, 8-9 closed
        if stage == 0 {
            continue;
        }
        let s = apply(
            store,
            &ctx,
            &s,
            rules::submit(&s, None, None, false, &at(today, staff.into())),
        )
        .await?;
        if stage == 1 {
            continue;
        }
        if stage == 2 {
            // Every other one goes to a unit as a letter (转来信), and the
            // first of those is acknowledged.
            let reason = "属于信访事项，已转交有关部门办理".to_owned();
            let letter_to = (i % 20 == 2).then_some((units[1 + i % 13].into(), true));
            let rejected = rules::reject(&s, reason, letter_to, &at(today, staff.into()));
            let s = apply(store, &ctx, &s, rejected).await?;
            if i == 2 {
                let ack = rules::acknowledge_letter(
                    &s,
                    Some("已阅，作工作参考".into()),
                    &at(today, staff.into()),
                );
                apply(store, &ctx, &s, ack).await?;
            }
            continue;
        }
        let s = apply(
            store,
            &ctx,
            &s,
            rules::register(&s, None, &at(today, staff.into())),
        )
        .await?;
        if stage == 3 {
            continue;
        }
        let color = [Color::Green, Color::Yellow, Color::Red][i % 3];
        let unit = units[1 + i % 13];
        let red = color == Color::Red;
        // Assigned in the past: the fifth stage long enough ago to be
        // overdue, and the one the deputy never evaluates long enough ago
        // for their time to pass.
        let unevaluated = i % 20 == 16;
        let assigned_on = today
            .checked_sub_days(Days::new(if stage == 5 || unevaluated { 100 } else { 20 }))
            .unwrap_or(today);
        let input = AssignInput {
            lead_unit_id: unit.into(),
            co_unit_ids: Vec::new(),
            color,
            due_date: None,
            co_unit_due_date: None,
            supervisor_id: red.then_some(leader.into()),
            pass_on_due: None,
        };
        let facts = AssignFacts {
            existing_units: vec![unit.into()],
            supervisor_is_leader: red.then_some(true),
        };
        let assigned = rules::assign(&s, input, &facts, &at(assigned_on, staff.into()));
        let mut s = apply(store, &ctx, &s, assigned).await?;
        if red {
            let given = rules::instruct(
                &s,
                Uuid::now_v7(),
                "请承办单位主要负责同志亲自督办，按期答复。".into(),
                &at(today, leader.into()),
            );
            s = apply(store, &ctx, &s, given).await?;
        }
        if stage <= 5 {
            continue;
        }
        let replied_on = if unevaluated {
            today.checked_sub_days(Days::new(40)).unwrap_or(today)
        } else {
            today
        };
        let unit_ctx = |day| Ctx {
            by: By {
                unit_id: Some(unit.into()),
                ..by(staff.into())
            },
            now: past_noon(day, today),
            ..at(day, staff.into())
        };
        let category = [ReplyCategory::A, ReplyCategory::B, ReplyCategory::C][i % 3];
        let reply = demo_reply(i, replied_on, category);
        let consulted = color != Color::Green || i % 2 == 0;
        let (s, replied) =
            reply_after_consulting(store, &ctx, s, reply, consulted, &unit_ctx(replied_on)).await?;
        let mut s = apply(store, &ctx, &s, replied).await?;
        if stage == 6 && !unevaluated {
            continue;
        }
        if !unevaluated {
            let result = if stage == 7 {
                EvaluationResult::Unsatisfied
            } else {
                EvaluationResult::Satisfied
            };
            let evaluated = rules::evaluate(&s, result, None, &at(today, staff.into()));
            s = apply(store, &ctx, &s, evaluated).await?;
        }
        if s.status == SuggestionStatus::Rehandling && i % 20 == 17 {
            // Handled again, and unsatisfied once more: the final evaluation.
            let again = ReplyInput {
                id: Uuid::now_v7(),
                category: ReplyCategory::C,
                content: "经再次研究，受用地条件限制，近期确难实施，已列入远期规划。".into(),
                commitment: None,
                ..demo_reply(i, today, ReplyCategory::C)
            };
            let (t, replied) =
                reply_after_consulting(store, &ctx, s, again, true, &unit_ctx(today)).await?;
            s = apply(store, &ctx, &t, replied).await?;
            let last = rules::evaluate(
                &s,
                EvaluationResult::Unsatisfied,
                Some("仍不满意".into()),
                &at(today, staff.into()),
            );
            s = apply(store, &ctx, &s, last).await?;
        }
        if s.status != SuggestionStatus::Replied {
            continue; // green closes on evaluation; rehandling waits
        }
        if color == Color::Yellow {
            let record = RecordInput {
                occurred_on: Some(today),
                participants: Some("代表工委".into()),
                content: "上门查验，已落实。".into(),
            };
            let added = rules::add_record(
                &s,
                SuggestionRecordKind::Verification,
                record,
                &at(today, staff.into()),
            );
            s = apply(store, &ctx, &s, added).await?;
        }
        if red {
            let record = RecordInput {
                occurred_on: Some(today),
                participants: None,
                content: "已实地督办。".into(),
            };
            let added = rules::add_record(
                &s,
                SuggestionRecordKind::SupervisionNote,
                record,
                &at(today, leader.into()),
            );
            s = apply(store, &ctx, &s, added).await?;
            s = apply(
                store,
                &ctx,
                &s,
                rules::sign_off(&s, None, 1, &at(today, leader.into())),
            )
            .await?;
        }
        let records = RecordCounts {
            verifications: u32::from(color == Color::Yellow),
            supervision_notes: u32::from(red),
        };
        let closed = rules::close(&s, None, records, &at(today, staff.into()));
        let s = apply(store, &ctx, &s, closed).await?;
        if i % 20 == 8 {
            apply(
                store,
                &ctx,
                &s,
                rules::publish(&s, None, &at(today, staff.into())),
            )
            .await?;
        }
    }
    let deputy_ids: Vec<Uuid> = deputies.iter().map(|d| d.id).collect();
    let items = crate::demo_supervision::load(
        store,
        &ctx,
        &crate::demo_supervision::People {
            units: &units,
            deputies: &deputy_ids,
            member_users: &deputy_users,
            staff,
            password_hash: &hash,
        },
        today,
    )
    .await
    .context("supervision")?;
    let work = crate::demo_work::load(
        store,
        &ctx,
        &crate::demo_work::People {
            units: &units,
            deputies: &deputy_ids,
            deputy_users: &deputy_users,
            staff,
        },
        today,
    )
    .await
    .context("deputies at work")?;
    let handed = crate::demo_congress::hand_out(store, &ctx, &units, staff, today)
        .await
        .context("交办")?;
    let congress = crate::demo_congress::load(store, &ctx, &deputy_ids, staff, today)
        .await
        .context("congress")?;
    let key = crate::demo_congress::key_list(store, &ctx, leader, staff, today)
        .await
        .context("key supervision")?;
    store.setting_or_insert("demo_loaded", "1").await?;
    Ok(format!(
        "loaded {} units, {} deputies, {count} suggestions, 3 observers, {items} supervision items, {work}, {handed}, {congress}, {key}, and accounts demo-staff, demo-leader, demo-unit0..9, demo-deputy0..4 and demo-observer with the password {DEMO_PASSWORD}",
        units.len(),
        deputies.len()
    ))
}
