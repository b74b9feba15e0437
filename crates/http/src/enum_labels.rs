//! Labels of every enumeration in the document, Chinese and English:
//! the words the exports and problem texts use, for frontends to show.
//! The document carries them as `x-enum-descriptions` (see `finish`).

/// One value of an enumeration: the value, its Chinese label and its
/// English one.
pub(crate) type Label = (&'static str, &'static str, &'static str);

/// Each enumeration's schema name, and for each of its values (in the
/// document's order): the value, its Chinese label and its English one.
pub(crate) const ENUM_LABELS: &[(&str, &[Label])] = &[
    (
        "ActivityKind",
        &[
            ("service_brand", "服务品牌活动", "Service brand"),
            ("training", "培训", "Training"),
            ("study", "学习", "Study session"),
            ("court_hearing", "旁听庭审", "Court hearing attended"),
            ("inspection", "视察", "Inspection"),
            ("visit", "走访", "Visit"),
            ("other", "其他", "Other"),
        ],
    ),
    (
        "AttachmentKind",
        &[
            ("material", "建议材料", "Material"),
            ("reply_letter", "答复函", "Reply letter"),
        ],
    ),
    (
        "CandidateSource",
        &[
            ("public", "群众推荐", "Proposed by the public"),
            ("deputy", "代表推荐", "Proposed by a deputy"),
            ("government", "政府推荐", "Proposed by the government"),
        ],
    ),
    (
        "CandidateStatus",
        &[
            ("proposed", "已推荐", "Proposed"),
            ("shortlisted", "已入围", "Shortlisted"),
            ("rejected", "未入围", "Not shortlisted"),
            ("adopted", "确定为项目", "Adopted"),
            ("not_adopted", "未确定为项目", "Not adopted"),
            ("tied", "末位同票", "Tied at the cut-off"),
        ],
    ),
    (
        "Channel",
        &[
            ("sms", "短信", "SMS"),
            ("wecom", "企业微信", "WeCom"),
            ("dingtalk", "钉钉", "DingTalk"),
            ("push", "手机推送", "Push notification"),
        ],
    ),
    (
        "Choice",
        &[
            ("approve", "赞成", "For"),
            ("against", "反对", "Against"),
            ("abstain", "弃权", "Abstain"),
        ],
    ),
    (
        "CoSignatureStatus",
        &[
            ("invited", "待确认", "Invited"),
            ("confirmed", "已确认", "Confirmed"),
            ("declined", "已谢绝", "Declined"),
            ("withdrawn", "已撤回", "Withdrawn"),
            ("lapsed", "未答复失效", "Lapsed"),
        ],
    ),
    (
        "Code",
        &[
            ("bad_request", "请求无法处理", "Request cannot be processed"),
            ("malformed_json", "请求体不是有效的 JSON", "Malformed JSON"),
            ("malformed_body", "请求体结构不符", "Malformed body"),
            (
                "malformed_if_match",
                "If-Match 格式错误",
                "Malformed If-Match",
            ),
            (
                "malformed_multipart",
                "multipart 请求体格式错误",
                "Malformed multipart body",
            ),
            ("validation_failed", "请求参数校验失败", "Validation failed"),
            ("out_of_range", "取值超出可保存的范围", "Value out of range"),
            (
                "unsupported_media_type",
                "不支持的内容类型",
                "Unsupported media type",
            ),
            ("payload_too_large", "请求体过大", "Payload too large"),
            (
                "range_not_satisfiable",
                "请求的范围超出了文件",
                "Range beyond the file",
            ),
            (
                "method_not_allowed",
                "不支持该请求方法",
                "Method not allowed",
            ),
            (
                "not_found",
                "资源不存在或不可见",
                "Not found or not visible",
            ),
            (
                "precondition_failed",
                "资源已被修改",
                "Changed since the ETag",
            ),
            ("concurrent_change", "记录刚被他人修改", "Changed meanwhile"),
            ("rate_limited", "请求过于频繁", "Too many requests"),
            ("busy", "服务器正忙", "Server busy"),
            ("service_unavailable", "服务暂不可用", "Service unavailable"),
            ("internal_error", "服务器内部错误", "Internal server error"),
            (
                "invalid_idempotency_key",
                "Idempotency-Key 无效",
                "Invalid idempotency key",
            ),
            (
                "idempotency_key_reused",
                "Idempotency-Key 已用于其他请求",
                "Idempotency key reused",
            ),
            (
                "idempotency_key_in_progress",
                "同一 Idempotency-Key 的请求处理中",
                "Idempotency key in progress",
            ),
            (
                "unique_violation",
                "与已有数据重复",
                "Duplicates an existing record",
            ),
            (
                "reference_violation",
                "引用的数据不存在或仍被引用",
                "Broken reference",
            ),
            ("unauthenticated", "需要登录或令牌无效", "Not authenticated"),
            (
                "invalid_credentials",
                "用户名或密码错误",
                "Wrong username or password",
            ),
            (
                "invalid_client",
                "客户端身份验证失败",
                "Client authentication failed",
            ),
            (
                "invalid_request",
                "令牌请求参数有误",
                "Invalid token request",
            ),
            ("invalid_scope", "授权范围无效", "Invalid scope"),
            (
                "unsupported_grant_type",
                "不支持的授权方式",
                "Unsupported grant type",
            ),
            (
                "refresh_token_reused",
                "刷新令牌被重复使用",
                "Refresh token reused",
            ),
            ("forbidden", "无权执行此操作", "Forbidden"),
            (
                "password_change_required",
                "须先修改密码",
                "Password change required",
            ),
            ("insufficient_scope", "授权范围不足", "Insufficient scope"),
            ("username_taken", "用户名已被使用", "Username taken"),
            (
                "roles_changed",
                "账号角色刚被修改",
                "Roles changed meanwhile",
            ),
            (
                "last_admin",
                "最后一个有效的管理员",
                "Last active administrator",
            ),
            (
                "last_security_admin",
                "最后一个有效的安全管理员",
                "Last active security administrator",
            ),
            (
                "last_audit_admin",
                "最后一个有效的审计管理员",
                "Last active audit administrator",
            ),
            ("own_roles", "不能修改自己的角色", "Own roles unchangeable"),
            (
                "administrative_roles_reserved",
                "管理员角色须三员分立",
                "Administrative roles kept apart",
            ),
            (
                "confirmation_required",
                "须经另一名管理员确认",
                "Confirmation required",
            ),
            (
                "second_administrator_required",
                "确认人须为另一名管理员",
                "Another administrator must confirm",
            ),
            (
                "no_confirmation_needed",
                "无需确认",
                "No confirmation needed",
            ),
            (
                "reset_not_pending",
                "密码重置已确认或已撤回",
                "Reset no longer pending",
            ),
            ("reset_expired", "密码重置已过期", "Reset expired"),
            (
                "deputy_already_linked",
                "代表已关联其他账号",
                "Deputy linked to another account",
            ),
            ("deputy_gone", "要关联的代表刚被删除", "Deputy just deleted"),
            ("unit_gone", "要关联的承办单位刚被删除", "Unit just deleted"),
            ("client_name_taken", "已有同名的客户端", "Client name taken"),
            ("client_gone", "接入系统刚被删除", "Client just deleted"),
            ("unit_name_taken", "已有同名的承办单位", "Unit name taken"),
            ("unit_in_use", "仍有账号关联该单位", "Unit still linked"),
            ("deputy_in_use", "仍有账号关联该代表", "Deputy still linked"),
            (
                "deputy_at_station",
                "代表仍在联络站名单中",
                "Deputy listed at a station",
            ),
            (
                "station_cycle",
                "上级站点不能是自身或下级站点",
                "Station below itself",
            ),
            (
                "station_parent_gone",
                "上级站点已不存在",
                "Parent station gone",
            ),
            (
                "station_has_children",
                "该站点下仍有下级站点",
                "Stations still below",
            ),
            (
                "session_open_at_level",
                "该级人大已有会议正在举行",
                "Another session open at the level",
            ),
            ("session_exists", "该次会议已存在", "Session exists"),
            ("session_not_open", "没有正在举行的会议", "No session open"),
            ("threshold_not_met", "联名代表不足", "Too few signers"),
            (
                "key_list_exists",
                "重点督办清单已经确定",
                "Key-supervision list exists",
            ),
            ("nobody_serving", "该届次没有在任代表", "Nobody serving"),
            ("term_ended", "代表任期已结束", "Term ended"),
            ("already_recorded", "接待日已记录", "Already recorded"),
            ("not_held_yet", "接待日尚未到来", "Not held yet"),
            (
                "system_record",
                "系统生成的记录不能修改",
                "Record written by the system",
            ),
            (
                "invalid_state",
                "当前状态不允许此操作",
                "Not allowed in the current state",
            ),
            ("already_evaluated", "该答复已评价过", "Already evaluated"),
            (
                "supervision_notes_missing",
                "须先填写督办意见",
                "Supervision notes missing",
            ),
            (
                "close_requirements_unmet",
                "尚不满足办结条件",
                "Closing rule not met",
            ),
            ("request_pending", "已有待处理的申请", "Request pending"),
            (
                "reassignment_window_closed",
                "申请调整已过10日期限",
                "Re-assignment window closed",
            ),
            ("request_decided", "该申请已处理", "Request already decided"),
            (
                "commitment_closed",
                "该承诺已兑现",
                "Commitment already fulfilled",
            ),
            (
                "co_unit_opinions_pending",
                "协办意见尚未送达",
                "Co-unit opinions pending",
            ),
            (
                "consultation_required",
                "须先面商并记录",
                "Consultation required",
            ),
            (
                "already_answered",
                "该记录已确认或回复过",
                "Already answered",
            ),
            ("category_exists", "该类别已存在", "Category exists"),
            (
                "already_advanced",
                "已评为先进承办单位",
                "Already named advanced",
            ),
            ("file_too_large", "附件超过 20 MiB", "File too large"),
            (
                "unsupported_file_type",
                "不支持的文件类型",
                "Unsupported file type",
            ),
            (
                "conflict_of_interest",
                "观察员存在利害关系",
                "Conflict of interest",
            ),
            (
                "tie_to_assigned_item",
                "观察员仍参与相关事项",
                "Tie to an assigned item",
            ),
            ("already_assigned", "观察员已参与此事项", "Already assigned"),
            ("observer_inactive", "观察员已不在任", "Observer inactive"),
            (
                "already_decided",
                "该观察意见已处理",
                "Observation already decided",
            ),
            ("already_published", "已公开", "Already published"),
            (
                "method_not_planned",
                "计划未安排该监督方式",
                "Method not planned",
            ),
            ("vote_planned", "须经满意度测评办结", "Closes by the vote"),
            ("quorum_not_met", "未过半数，表决无效", "Quorum not met"),
            ("not_present", "未登记出席", "Not recorded present"),
            ("opinion_missing", "须先发出审议意见", "Opinion missing"),
            ("problems_open", "尚有问题未销号", "Problems still open"),
            (
                "follow_up_missing",
                "须先发出跟进意见",
                "Follow-up opinion missing",
            ),
            (
                "committee_members_missing",
                "缺少常委会组成人员",
                "Committee members missing",
            ),
            ("problem_not_open", "问题不在待整改状态", "Problem not open"),
            (
                "problem_not_answered",
                "问题尚无整改答复",
                "Problem not answered",
            ),
            ("already_voted", "已投过票", "Already voted"),
            (
                "candidates_undecided",
                "仍有候选项目未作决定",
                "Candidates undecided",
            ),
            (
                "nothing_shortlisted",
                "没有入围的候选项目",
                "Nothing shortlisted",
            ),
            ("tie_pending", "末位同票尚未决定", "Tie pending"),
            ("no_votes", "尚无人投票", "No votes"),
            ("already_rated", "已评议过该项目", "Already rated"),
            ("already_signed_up", "已报名", "Already signed up"),
            ("already_checked_in", "已签到", "Already checked in"),
            ("check_in_closed", "不在签到时间", "Check-in closed"),
            ("activity_over", "活动已结束", "Activity over"),
            ("activity_not_held", "活动尚未举行", "Activity not held yet"),
            (
                "attendance_recorded",
                "出席情况已登记",
                "Attendance recorded",
            ),
        ],
    ),
    (
        "Color",
        &[
            ("green", "绿色", "Green"),
            ("yellow", "黄色", "Yellow"),
            ("red", "红色", "Red"),
        ],
    ),
    (
        "CommitmentStatus",
        &[
            ("open", "未兑现", "Open"),
            ("fulfilled", "已兑现", "Fulfilled"),
        ],
    ),
    (
        "ConsultationForm",
        &[
            ("meeting", "座谈", "Meeting"),
            ("visit", "走访", "Visit"),
            ("phone", "电话", "Phone"),
            ("online", "网络", "Online"),
        ],
    ),
    (
        "ConsultationResponse",
        &[
            ("confirmed", "已确认", "Confirmed"),
            ("disputed", "有异议", "Disputed"),
        ],
    ),
    (
        "DeliveryState",
        &[
            ("pending", "待发送", "Pending"),
            ("sent", "已发送", "Sent"),
            ("failed", "发送失败", "Failed"),
            ("withdrawn", "已撤回", "Withdrawn"),
        ],
    ),
    (
        "DeliveryStatus",
        &[
            ("pending", "待投递", "Pending"),
            ("delivered", "已送达", "Delivered"),
            ("failed", "已失败", "Failed"),
            ("cancelled", "已取消", "Cancelled"),
        ],
    ),
    (
        "DeputyStatus",
        &[
            ("active", "有效", "Active"),
            ("inactive", "停用", "Inactive"),
        ],
    ),
    (
        "DevicePlatform",
        &[
            ("ios", "苹果 iOS", "iOS"),
            ("android", "安卓", "Android"),
            ("harmony", "鸿蒙", "HarmonyOS"),
        ],
    ),
    (
        "DutyKind",
        &[
            (
                "suggestion_submitted",
                "领衔提出建议",
                "Suggestion submitted",
            ),
            ("suggestion_co_signed", "附议建议", "Suggestion co-signed"),
            ("motion_submitted", "领衔提出议案", "Motion submitted"),
            ("motion_co_signed", "联名提出议案", "Motion co-signed"),
            ("activity_attended", "参加履职活动", "Activity attended"),
            ("reception_served", "联络站值班接待", "Reception served"),
            ("opinion_taken_up", "群众意见转为建议", "Opinion taken up"),
            ("supervision_vote", "满意度测评投票", "Satisfaction vote"),
            ("livelihood_ballot", "民生实事项目票决", "Livelihood ballot"),
            (
                "livelihood_rating",
                "民生实事项目评议",
                "Livelihood project rated",
            ),
            ("meeting", "参加会议", "Meeting"),
            ("research", "调研", "Research"),
            ("visit", "走访", "Visit"),
            ("other", "其他", "Other"),
        ],
    ),
    (
        "EvaluationResult",
        &[
            ("satisfied", "满意", "Satisfied"),
            ("basically_satisfied", "基本满意", "Basically satisfied"),
            ("unsatisfied", "不满意", "Unsatisfied"),
        ],
    ),
    (
        "FiguresScope",
        &[
            ("all", "总体", "All"),
            ("unit", "按承办单位", "By lead unit"),
            ("category", "按类别", "By category"),
            ("deputy", "按领衔代表", "By lead deputy"),
            ("session", "按大会会议", "By congress session"),
        ],
    ),
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
