//! The labels of the enumerations from Gender on (see `super`).

use super::Label;

pub(super) const ENUM_LABELS: &[(&str, &[Label])] = &[
    (
        "Gender",
        &[("male", "男", "Male"), ("female", "女", "Female")],
    ),
    (
        "IntegrationStatus",
        &[
            ("active", "启用", "Active"),
            ("disabled", "停用", "Disabled"),
        ],
    ),
    (
        "KeyRecordKind",
        &[
            ("visit", "走访", "Visit"),
            ("instruction", "批示", "Instruction"),
            ("meeting", "会议", "Meeting"),
        ],
    ),
    (
        "Level",
        &[
            ("national", "全国", "National"),
            ("provincial", "省级", "Provincial"),
            ("municipal", "市级", "Municipal"),
            ("county", "县级", "County"),
            ("township", "乡级", "Township"),
        ],
    ),
    (
        "LinkKind",
        &[
            ("community", "联系社区", "Community"),
            ("social_organization", "联系社会组织", "Social organisation"),
            ("key_enterprise", "联系重点企业", "Key enterprise"),
        ],
    ),
    (
        "MajorityBase",
        &[
            (
                "cast",
                "所投选票过半数",
                "More than half of the ballots cast",
            ),
            (
                "membership",
                "全体代表过半数",
                "More than half of all deputies",
            ),
        ],
    ),
    (
        "MembershipStatus",
        &[
            ("serving", "在任", "Serving"),
            ("ended", "届满", "Term ended"),
            ("resigned", "辞职", "Resigned"),
            ("terminated", "终止", "Terminated"),
        ],
    ),
    (
        "Method",
        &[
            ("research_visit", "视察调研", "Research visit"),
            ("work_evaluation", "工作评议", "Work evaluation"),
            ("special_report", "听取专项报告", "Special work report"),
            ("special_inquiry", "专题询问", "Special inquiry"),
            (
                "law_enforcement_inspection",
                "执法检查",
                "Law-enforcement inspection",
            ),
            (
                "satisfaction_evaluation",
                "满意度测评",
                "Satisfaction evaluation",
            ),
        ],
    ),
    (
        "MotionStatus",
        &[
            ("draft", "草稿", "Draft"),
            ("submitted", "已提出", "Submitted"),
            ("registered", "已登记", "Registered"),
            ("on_agenda", "列入议程", "On the agenda"),
            ("reported", "委员会已报告", "Reported on"),
            ("as_suggestion", "转为建议", "Handled as a suggestion"),
            ("not_accepted", "不予受理", "Not accepted"),
        ],
    ),
    (
        "NeedStatus",
        &[
            ("open", "待对接", "Open"),
            ("matched", "已对接", "Matched"),
            ("met", "已满足", "Met"),
        ],
    ),
    (
        "NoticeKind",
        &[
            ("co_signature_invited", "附议邀请", "Co-signature invited"),
            (
                "suggestion_registered",
                "建议已立案",
                "Suggestion registered",
            ),
            (
                "suggestion_not_registered",
                "建议不予立案",
                "Suggestion not registered",
            ),
            ("suggestion_assigned", "建议已交办", "Suggestion assigned"),
            ("suggestion_replied", "建议已答复", "Suggestion replied"),
            (
                "consultation_recorded",
                "面商记录待确认",
                "Consultation recorded",
            ),
            ("suggestion_evaluated", "答复已评价", "Reply evaluated"),
            ("request_decided", "申请已处理", "Request decided"),
            ("instruction_given", "领导批示", "Instruction given"),
            ("deadline_near", "期限将至", "Deadline near"),
            ("deadline_overdue", "已超过期限", "Deadline passed"),
            ("evaluation_waiting", "答复待评价", "Evaluation waiting"),
            ("vote_opened", "投票已开始", "Vote opened"),
            ("opinion_answered", "意见已答复", "Opinion answered"),
            ("opinion_forwarded", "意见已转交", "Opinion forwarded"),
            (
                "rectification_requested",
                "审议意见交办整改",
                "Rectification requested",
            ),
            ("reception_tomorrow", "明天值班接待", "Reception tomorrow"),
            ("voting_closes_today", "投票今天截止", "Voting closes today"),
            (
                "suggestion_submitted",
                "建议待审查立案",
                "Suggestion submitted",
            ),
            ("sign_off_requested", "红色建议待审签", "Sign-off requested"),
            (
                "observation_decided",
                "观察意见已处理",
                "Observation decided",
            ),
        ],
    ),
    (
        "ObservationStatus",
        &[
            ("pending", "待处理", "Pending"),
            ("adopted", "采纳", "Adopted"),
            ("not_adopted", "未采纳", "Not adopted"),
        ],
    ),
    (
        "ObserverCategory",
        &[
            ("finance_work", "财经工作观察员", "Finance work observer"),
            (
                "rural_revitalization",
                "乡村振兴观察员",
                "Rural revitalisation observer",
            ),
            (
                "environmental_inspection",
                "环境督查观察员",
                "Environmental inspection observer",
            ),
            ("other", "其他", "Other"),
        ],
    ),
    (
        "ObserverStatus",
        &[
            ("active", "在任", "Active"),
            ("inactive", "不在任", "Inactive"),
        ],
    ),
    (
        "OpinionStatus",
        &[
            ("received", "待处理", "Received"),
            ("answered", "已答复", "Answered"),
            ("forwarded", "已转交承办单位", "Forwarded to a unit"),
            ("replied", "承办单位已答复", "Replied by the unit"),
            ("taken_up", "已转为建议", "Taken up as a suggestion"),
        ],
    ),
    (
        "Outcome",
        &[
            ("accepted", "测评通过", "Accepted"),
            ("returned", "退回整改", "Returned to rectifying"),
        ],
    ),
    (
        "ProblemStatus",
        &[
            ("open", "待整改", "Open"),
            ("answered", "待审核", "Answered"),
            ("sent_back", "已退回", "Sent back"),
            ("closed", "已销号", "Closed off"),
        ],
    ),
    (
        "Proposer",
        &[
            ("deputies", "代表联名", "Deputies jointly"),
            ("delegation", "代表团", "Delegation"),
        ],
    ),
    (
        "RecordKind",
        &[
            ("visit", "视察调研", "Visit"),
            ("inspection", "执法检查", "Inspection"),
            ("hearing", "座谈听证", "Hearing"),
        ],
    ),
    (
        "ReplyCategory",
        &[
            (
                "A",
                "A类（已解决或基本解决）",
                "A: solved or basically solved",
            ),
            (
                "B",
                "B类（正在解决或列入计划）",
                "B: being solved or planned",
            ),
            ("C", "C类（暂时无法解决）", "C: cannot be solved now"),
        ],
    ),
    (
        "RequestKind",
        &[
            ("reassignment", "申请调整", "Re-assignment"),
            ("extension", "申请延期", "Extension"),
        ],
    ),
    (
        "RequestStatus",
        &[
            ("pending", "待处理", "Pending"),
            ("approved", "已同意", "Approved"),
            ("denied", "未同意", "Denied"),
        ],
    ),
    (
        "RequesterKind",
        &[
            ("enterprise", "企业", "Enterprise"),
            ("resident", "群众", "Resident"),
        ],
    ),
    (
        "Role",
        &[
            ("admin", "系统管理员", "Administrator"),
            ("security_admin", "安全管理员", "Security administrator"),
            ("audit_admin", "审计管理员", "Audit administrator"),
            ("staff", "工作人员", "Office staff"),
            ("leader", "常委会负责人", "Committee leader"),
            ("deputy", "代表", "Deputy"),
            ("unit", "承办单位", "Handling unit"),
            ("observer", "观察员", "Observer"),
        ],
    ),
    (
        "RoundStage",
        &[
            ("collecting", "征集", "Collecting"),
            ("reviewing", "初审", "Reviewing"),
            ("voting", "票决", "Voting"),
            ("implementing", "实施", "Implementing"),
            ("evaluating", "评议", "Evaluating"),
            ("closed", "已结束", "Closed"),
        ],
    ),
    (
        "Scope",
        &[
            (
                "suggestions:read",
                "读取、导出建议",
                "List, read and export suggestions",
            ),
            (
                "suggestions:reply",
                "承办单位办理建议",
                "A unit's work on suggestions",
            ),
            ("deputies:read", "读取代表", "List and read deputies"),
            ("units:read", "读取承办单位", "List and read handling units"),
            (
                "supervisions:read",
                "读取监督事项及其记录",
                "List and read supervision items",
            ),
            (
                "supervisions:report",
                "被监督单位报送整改情况",
                "Rectification reports",
            ),
            (
                "webhooks:manage",
                "管理 Webhook 订阅",
                "Manage webhook subscriptions",
            ),
        ],
    ),
    (
        "SessionStatus",
        &[
            ("planned", "安排中", "Planned"),
            ("open", "正在举行", "In session"),
            ("closed", "已闭幕", "Closed"),
        ],
    ),
    (
        "SessionTiming",
        &[
            ("during_session", "大会期间", "During a session"),
            ("between_sessions", "闭会期间", "Between sessions"),
        ],
    ),
    (
        "Specialty",
        &[
            ("finance_audit", "财务审计", "Finance and audit"),
            ("education", "教育", "Education"),
            ("medical_care", "医疗卫生", "Medical care"),
            (
                "pre_litigation_mediation",
                "诉前调解",
                "Pre-litigation mediation",
            ),
            ("psychological_care", "心理关爱", "Psychological care"),
            ("law", "法律", "Law"),
            ("other", "其他", "Other"),
        ],
    ),
    (
        "Stage",
        &[
            ("planned", "计划中", "Planned"),
            ("investigating", "调研检查", "Investigating"),
            ("deliberating", "审议", "Deliberating"),
            ("rectifying", "整改", "Rectifying"),
            ("evaluating", "满意度测评", "Evaluating"),
            ("closed", "已办结", "Closed"),
        ],
    ),
    (
        "StationKind",
        &[
            ("home", "代表之家", "Deputies' home"),
            ("station", "代表联络站", "Liaison station"),
            ("point", "代表联系点", "Contact point"),
        ],
    ),
    (
        "SubjectKind",
        &[
            ("suggestion", "建议", "Suggestion"),
            ("motion", "议案", "Motion"),
            (
                "livelihood_round",
                "民生实事项目票决",
                "Livelihood project round",
            ),
            ("constituent_opinion", "群众意见", "Constituent opinion"),
            ("supervision", "监督事项", "Supervision item"),
            ("activity", "活动", "Activity"),
            ("station", "联络站", "Liaison station"),
        ],
    ),
    (
        "SuggestionRecordKind",
        &[
            ("verification", "上门查验", "On-site verification"),
            ("supervision_note", "督办意见", "Supervision notes"),
        ],
    ),
    (
        "SuggestionSource",
        &[
            ("deputy", "代表自提", "The deputy's own"),
            ("constituent_opinion", "群众意见", "Constituent opinion"),
            ("collection_drive", "建议收集站", "Collection drive"),
            ("motion", "议案转为建议", "Motion handled as a suggestion"),
        ],
    ),
    (
        "SuggestionStatus",
        &[
            ("draft", "草稿", "Draft"),
            ("submitted", "已提交", "Submitted"),
            ("registered", "已立案", "Registered"),
            ("not_registered", "不予立案", "Not registered"),
            ("assigned", "已交办", "Assigned"),
            ("replied", "已答复", "Replied"),
            ("rehandling", "重新办理中", "Being handled again"),
            ("closed", "已办结", "Closed"),
        ],
    ),
    (
        "TaskKind",
        &[
            ("register_suggestion", "审查立案", "Review for registration"),
            ("assign_suggestion", "交办", "Assign"),
            (
                "decide_request",
                "审批退回或延期申请",
                "Decide a unit's request",
            ),
            ("reply_suggestion", "答复建议", "Reply to a suggestion"),
            (
                "give_co_unit_opinion",
                "提出协办意见",
                "Send a co-unit opinion",
            ),
            ("acknowledge_letter", "签收转来信", "Acknowledge a letter"),
            ("answer_co_signature", "确认附议", "Answer a co-signature"),
            ("evaluate_reply", "评价答复", "Evaluate a reply"),
            (
                "confirm_consultation",
                "确认面商记录",
                "Confirm a consultation",
            ),
            ("sign_off_suggestion", "领导审签", "Sign off"),
            ("register_motion", "议案登记", "Register a motion"),
            (
                "cast_livelihood_vote",
                "民生实事项目票决",
                "Vote on livelihood projects",
            ),
            (
                "route_opinion",
                "处理群众意见",
                "Route a constituent opinion",
            ),
            (
                "reply_opinion",
                "答复转来的群众意见",
                "Reply to a forwarded opinion",
            ),
            (
                "report_rectification",
                "报送整改情况",
                "Report rectification",
            ),
            (
                "cast_supervision_vote",
                "满意度测评投票",
                "Cast a satisfaction vote",
            ),
            (
                "sign_up_activity",
                "报名参加活动",
                "Sign up for an activity",
            ),
            ("check_in_activity", "活动签到", "Check in at an activity"),
            ("serve_reception", "联络站值班接待", "Serve a reception day"),
            (
                "instruct_key_suggestion",
                "重点督办件批示",
                "Instruct on a key suggestion",
            ),
        ],
    ),
    (
        "UnitKind",
        &[
            ("government", "区政府", "District government"),
            ("government_department", "政府部门", "Government department"),
            (
                "supervisory_commission",
                "监察委员会",
                "Supervisory commission",
            ),
            ("court", "人民法院", "People's court"),
            ("procuratorate", "人民检察院", "People's procuratorate"),
            ("township", "乡镇街道", "Township or subdistrict"),
            ("other", "其他", "Other"),
        ],
    ),
    (
        "UserStatus",
        &[
            ("active", "有效", "Active"),
            ("disabled", "停用", "Disabled"),
        ],
    ),
    (
        "ListSort",
        &[
            ("created", "按创建时间（先早后晚）", "Oldest first"),
            ("-created", "按创建时间（先晚后早）", "Newest first"),
            (
                "updated",
                "按最后修改（先早后晚）",
                "Least recently changed first",
            ),
            (
                "-updated",
                "按最后修改（先晚后早）",
                "Most recently changed first",
            ),
        ],
    ),
];
