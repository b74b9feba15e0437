//! Each English text of the document and its Chinese, from the start of the
//! table in the order of the English (see the module above).

pub(crate) const DOC_TEXTS: &[(&str, &str)] = &[
    ("1 to 200, default 50.", "1 至 200，默认 50。"),
    (
        "304 when the file still has this `ETag`",
        "文件仍为此 `ETag` 时返回 304",
    ),
    ("A blank instruction", "批示内容为空"),
    (
        "A blank text, or a day in the future or before this round began",
        "内容为空，或日期在将来或早于本轮办理开始之日",
    ),
    (
        "A deputy not assigned to the station, or a day long past",
        "代表不属于该联络站，或日期早已过去",
    ),
    (
        "A deputy of the suggestion: instructions go to the units",
        "调用者是该建议的代表：批示只发给承办单位",
    ),
    ("A dispute without a comment", "提出异议但未附说明"),
    ("A draft", "建议尚为草稿"),
    (
        "A field the caller's administrative role does not keep",
        "含有调用者的管理员角色无权维护的字段",
    ),
    (
        "A kind only the system writes, or bad input",
        "该类别只能由系统写入，或输入有误",
    ),
    (
        "A lookup by phone asked by someone outside the office",
        "人大办以外的人员按手机号查询",
    ),
    (
        "A lookup by phone or an unmasked export asked by someone outside the office",
        "人大办以外的人员按手机号查询或要求不脱敏导出",
    ),
    (
        "A new tie to a body of an open item the observer is assigned to (`tie_to_assigned_item`)",
        "新申报的关联涉及该观察员所参与的未办结事项的被监督单位（`tie_to_assigned_item`）",
    ),
    ("A page of accounts", "账号列表（分页）"),
    ("A page of activities", "履职活动列表（分页）"),
    ("A page of audit entries", "审计日志（分页）"),
    ("A page of batches", "交办批次列表（分页）"),
    ("A page of clients", "服务客户端列表（分页）"),
    ("A page of deliveries", "投递记录（分页）"),
    ("A page of deputies", "代表列表（分页）"),
    ("A page of duty records", "履职记录（分页）"),
    ("A page of items", "监督事项列表（分页）"),
    ("A page of lists", "重点督办清单列表（分页）"),
    ("A page of motions", "议案列表（分页）"),
    ("A page of needs", "需求列表（分页）"),
    ("A page of notifications", "通知列表（分页）"),
    ("A page of observers", "观察员列表（分页）"),
    ("A page of opinions", "意见列表（分页）"),
    ("A page of rounds", "票决轮次列表（分页）"),
    ("A page of sessions", "大会会议列表（分页）"),
    ("A page of stations", "联络站列表（分页）"),
    ("A page of subscriptions", "订阅列表（分页）"),
    ("A page of suggestions", "建议列表（分页）"),
    ("A page of suggestions in summary", "建议摘要列表（分页）"),
    ("A page of units", "承办单位列表（分页）"),
    ("A reason is needed for not adopting", "不予采纳须说明理由"),
    ("A record the system wrote", "该记录由系统生成"),
    (
        "A record the system wrote, or changed meanwhile",
        "该记录由系统生成，或在此期间已被修改",
    ),
    (
        "A request with this Idempotency-Key is still being handled",
        "使用该 Idempotency-Key 的请求仍在处理中",
    ),
    (
        "A stream of server-sent events",
        "服务器推送事件（server-sent events）流",
    ),
    ("A token", "令牌"),
    (
        "A unit of one of the names was created meanwhile; nothing was written",
        "其中某个名称的承办单位已在此期间被创建；未写入任何数据",
    ),
    ("A unit with that name exists", "已有同名承办单位"),
    (
        "Accepted for symmetry with the other lists: these records are never\ndeleted.",
        "为与其他列表保持一致而接受此参数：这些记录从不删除。",
    ),
    ("Account id", "账号 ID"),
    ("Accounts holding this role.", "持有该角色的账号。"),
    (
        "Accounts or service clients are linked to the unit (`unit_in_use`)",
        "有账号或服务客户端关联该单位（`unit_in_use`）",
    ),
    (
        "Activities this deputy is invited to, signed up for or attended.",
        "该代表受邀、已报名或已参加的活动。",
    ),
    (
        "Add `total`, the number of matching objects, to the answer.",
        "在应答中加上 `total`，即符合条件的对象总数。",
    ),
    ("Added", "已添加"),
    ("Advanced units", "先进承办单位"),
    (
        "Already checked in, or not the activity's day",
        "已签到，或今天不是活动日",
    ),
    (
        "Already confirmed or withdrawn (`reset_not_pending`)",
        "已确认或已撤回（`reset_not_pending`）",
    ),
    (
        "Already confirmed or withdrawn (`reset_not_pending`), or past its time (`reset_expired`)",
        "已确认或已撤回（`reset_not_pending`），或已超时（`reset_expired`）",
    ),
    ("Already decided", "已作出决定"),
    (
        "Already decided, or the suggestion's state does not allow it",
        "已作出决定，或建议当前状态不允许此操作",
    ),
    ("Already met", "需求已满足"),
    ("Already named for that year", "该年度已评定"),
    (
        "Already recorded, or the day has not come",
        "已记录，或接待日尚未到来",
    ),
    ("Already registered: renewed", "已登记：已续期"),
    ("Already routed", "该意见已处理"),
    (
        "Already signed up, or the activity is over",
        "已报名，或活动已结束",
    ),
    (
        "Also the rows of every unit, category or lead deputy of the year.",
        "同时列出该年度每个承办单位、类别或领衔代表的明细行。",
    ),
    (
        "An `If-Match` that is not a list of ETags",
        "`If-Match` 不是 ETag 列表",
    ),
    (
        "An account is linked to the deputy (`deputy_in_use`), or a liaison station lists them (`deputy_at_station`)",
        "有账号关联该代表（`deputy_in_use`），或有联络站列有该代表（`deputy_at_station`）",
    ),
    ("Answered", "已答复"),
    (
        "Answered already, or the suggestion is closed",
        "已确认或提出过异议，或建议已办结",
    ),
    ("Apply only at this ETag", "仅当 ETag 仍为此值时执行"),
    (
        "Apply only at this ETag (each ballot changes it)",
        "仅当 ETag 仍为此值时执行（每投一票 ETag 都会变）",
    ),
    (
        "Apply only at this ETag of the suggestion",
        "仅当建议的 ETag 仍为此值时执行",
    ),
    (
        "Apply only if the account is still at this ETag",
        "仅当账号的 ETag 仍为此值时执行",
    ),
    (
        "Apply only if the client is still at this ETag",
        "仅当客户端的 ETag 仍为此值时执行",
    ),
    (
        "Apply only if the deputy is still at this ETag",
        "仅当代表的 ETag 仍为此值时执行",
    ),
    (
        "Apply only if the policy is still at this ETag",
        "仅当安全策略的 ETag 仍为此值时执行",
    ),
    (
        "Apply only if the subscription is still at this ETag",
        "仅当订阅的 ETag 仍为此值时执行",
    ),
    (
        "Apply only if the unit is still at this ETag",
        "仅当承办单位的 ETag 仍为此值时执行",
    ),
    (
        "Assigned to this unit as lead or co-unit.",
        "交由该单位主办或协办的。",
    ),
    ("Attached", "已上传"),
    (
        "Attempts before this instant (the `next_before` of a page).",
        "早于此时刻的登录尝试（取某一页的 `next_before`）。",
    ),
    ("Body over 1 MiB", "请求体超过 1 MiB"),
    ("By round", "各轮测评结果"),
    ("Candidates", "候选项目"),
    ("Cast", "已投票"),
    ("Category names, in order", "类别名称，按顺序排列"),
    ("Changed", "已修改"),
    (
        "Changed meanwhile, or a new day after check-ins",
        "在此期间已被修改，或已有人签到后又更改活动日期",
    ),
    (
        "Changed meanwhile, or the tree changed meanwhile so that the new parent is now below the station (`station_cycle`) or gone (`station_parent_gone`), or a deputy listed was deleted meanwhile (`deputy_gone`)",
        "在此期间已被修改；或联络站层级在此期间发生变化，使新的上级站点现位于本站之下（`station_cycle`）或已不存在（`station_parent_gone`）；或所列的某位代表在此期间已被删除（`deputy_gone`）",
    ),
    (
        "Changed since the ETag in If-Match",
        "自 If-Match 中的 ETag 之后已被修改",
    ),
    (
        "Changed; all sessions signed out",
        "已修改；所有会话均已退出登录",
    ),
    (
        "Check every row and answer as the real run would (200, or 422\nnaming every problem), writing nothing (default `false`).",
        "逐行检查，并像正式导入那样应答（200，或列出每个问题的 422），但不写入任何数据（默认 `false`）。",
    ),
    ("Checked in", "已签到"),
    ("Client id", "客户端 ID"),
    ("Closed", "已关闭"),
    ("Closed off", "已销号"),
    ("Comments", "意见"),
    (
        "Confirmed; the account as it is now",
        "已确认；返回账号的当前状态",
    ),
    (
        "Conflict of interest, inactive or already assigned observer, or the item is closed",
        "存在利益冲突、观察员不在任或已分配，或事项已办结",
    ),
    ("Created", "已创建"),
    (
        "Days without a recorded duty (default 90).",
        "无履职记录的天数（默认 90）。",
    ),
    ("Decided", "已决定"),
    (
        "Delete only if the client is still at this ETag",
        "仅当客户端的 ETag 仍为此值时删除",
    ),
    (
        "Delete only if the deputy is still at this ETag",
        "仅当代表的 ETag 仍为此值时删除",
    ),
    (
        "Delete only if the subscription is still at this ETag",
        "仅当订阅的 ETag 仍为此值时删除",
    ),
    (
        "Delete only if the unit is still at this ETag",
        "仅当承办单位的 ETag 仍为此值时删除",
    ),
    ("Deleted", "已删除"),
    ("Deliveries", "投递记录"),
    (
        "Deputies with a membership at this level.",
        "在该级人大任代表者。",
    ),
    (
        "Deputies with a membership for this constituency.",
        "在该选区任代表者。",
    ),
    ("Deputies without recorded duties", "无履职记录的代表"),
    ("Deputy id", "代表 ID"),
    (
        "Drafted by this deputy or asking them to sign.",
        "由该代表起草或邀请其联名的。",
    ),
    ("Entries at or after this instant.", "此时刻及之后的条目。"),
    ("Entries before this instant.", "此时刻之前的条目。"),
    (
        "Every row is good: in a real run, every row was created",
        "各行均无问题：正式导入时已全部创建",
    ),
    (
        "Exactly this phone number, digits compared (staff and\nadministrators only: a lookup by personal data).",
        "手机号完全一致，只比较数字（仅限工作人员和管理员：属按个人信息查询）。",
    ),
    (
        "Fields refused (`re_elected[3].deputy_id` …)",
        "字段被拒绝（`re_elected[3].deputy_id` …）",
    ),
    (
        "Fields the rules refuse; `errors` names each",
        "有字段不符合规则；`errors` 逐一列出",
    ),
    ("Filed", "已提交"),
    (
        "Filed during this congress session.",
        "在该次大会期间提出的。",
    ),
    ("Forwarded", "已转交"),
    ("From this day on.", "自该日起。"),
    ("Given", "已作出批示"),
    ("Handed out", "已交办"),
    ("Held for confirmation", "等待确认"),
    (
        "How many, newest first (1 to 100, default 50).",
        "条数，按时间倒序（1 至 100，默认 50）。",
    ),
    (
        "Include deleted objects as tombstones `{\"id\", \"deleted\": true, \"updated_at\"}`.",
        "包含已删除的对象，以墓碑记录 `{\"id\", \"deleted\": true, \"updated_at\"}` 表示。",
    ),
    ("Invalid body", "请求体无效"),
    ("Invalid fields", "字段无效"),
    (
        "Invalid fields, or a refused destination",
        "字段无效，或目标地址被拒绝",
    ),
    (
        "Invalid fields, or a refused destination (`destination_refused`)",
        "字段无效，或目标地址被拒绝（`destination_refused`）",
    ),
    (
        "Invalid fields, or fields a deputy may not change",
        "字段无效，或含有代表本人不能修改的字段",
    ),
    ("Invalid input", "输入无效"),
    (
        "Invalid input, or an Idempotency-Key reused with another body",
        "输入无效，或同一 Idempotency-Key 用于不同的请求体",
    ),
    ("Invalid parameters", "参数无效"),
    (
        "Invalid parameters: more than one scope, or a year with a session",
        "参数无效：指定了多个统计范围，或同时指定了年度和大会会议",
    ),
    ("Issued", "已印发"),
    (
        "Items of this plan year (all years if absent).",
        "该计划年度的事项（未指定则为所有年度）。",
    ),
    ("Items or fields refused", "有条目或字段被拒绝"),
    ("Items supervising this unit.", "监督该单位的事项。"),
    (
        "Items this observer is assigned to.",
        "分配给该观察员的事项。",
    ),
    ("Items using this method.", "采用该监督方式的事项。"),
    (
        "Items with a rectification overdue today (true) or none (false).",
        "截至今天有整改逾期的事项（true），或没有整改逾期的事项（false）。",
    ),
    ("Its deliveries", "该通知的投递情况"),
    ("JSON body over 1 MiB", "JSON 请求体超过 1 MiB"),
    ("Led or co-signed by this deputy.", "该代表领衔或附议的。"),
    (
        "Makes a retried request safe: a repeat with the same key and body within 24 hours gets the first answer again (with `Idempotent-Replayed: true`) and changes nothing; the same key with another body or another `If-Match` is a 422.",
        "使重试请求安全：24 小时内以相同的键和请求体重复请求，会再次得到首次的应答（带 `Idempotent-Replayed: true`），且不做任何改动；相同的键配以不同的请求体或不同的 `If-Match` 则返回 422。",
    ),
    ("Malformed JSON", "JSON 格式错误"),
    (
        "Malformed JSON, or an `If-Match` that is not a list of ETags",
        "JSON 格式错误，或 `If-Match` 不是 ETag 列表",
    ),
    (
        "Malformed request or Idempotency-Key",
        "请求或 Idempotency-Key 格式错误",
    ),
    (
        "Malformed request, an unsupported grant type (`unsupported_grant_type`) or a scope the client does not hold (`invalid_scope`)",
        "请求格式错误、授权类型不受支持（`unsupported_grant_type`），或请求了客户端未持有的权限范围（`invalid_scope`）",
    ),
    ("Marked read", "已标记为已读"),
    ("Matched", "已对接"),
    ("Met", "已满足"),
    (
        "Missing, invalid or expired access token",
        "访问令牌缺失、无效或已过期",
    ),
    ("Named", "已评定"),
    (
        "Neither CSV, XLSX nor `application/octet-stream`",
        "不是 CSV、XLSX 或 `application/octet-stream`",
    ),
    ("Neither a form nor JSON", "既不是表单也不是 JSON"),
    (
        "Neither activity nor deputy, or no such one",
        "未指定活动或代表，或所指定的不存在",
    ),
    (
        "Neither an administrator nor a client with `webhooks:manage`",
        "既不是管理员，也不是持有 `webhooks:manage` 的客户端",
    ),
    ("Neither csv nor xlsx", "既不是 csv 也不是 xlsx"),
    (
        "Neither staff nor a deputy of the station",
        "既不是工作人员，也不是该联络站的代表",
    ),
    (
        "Neither staff nor a deputy on duty",
        "既不是工作人员，也不是值班代表",
    ),
    (
        "Neither staff nor leader",
        "既不是工作人员，也不是常委会负责人",
    ),
    (
        "Neither staff nor the matched deputy",
        "既不是工作人员，也不是所对接的代表",
    ),
    (
        "Neither staff nor this deputy",
        "既不是工作人员，也不是该代表本人",
    ),
    (
        "Neither staff nor this deputy, or a record staff made",
        "既不是工作人员，也不是该代表本人；或该记录由工作人员录入",
    ),
    (
        "Neither staff, leader nor deputy",
        "不是工作人员、常委会负责人或代表",
    ),
    (
        "Neither the lead deputy (material) nor the lead unit (reply letter)",
        "既不是领衔代表（上传材料），也不是主办单位（上传答复函）",
    ),
    (
        "Neither the office nor this observer",
        "既不是人大办，也不是该观察员本人",
    ),
    (
        "Neither the office, a leader nor a unit",
        "不是人大办、常委会负责人或承办单位",
    ),
    (
        "Neither the one who asked nor a second administrator",
        "既不是申请人，也不是第二名管理员",
    ),
    (
        "Neither the system nor the security administrator",
        "既不是系统管理员，也不是安全管理员",
    ),
    ("New tokens", "新令牌"),
    (
        "No `file` field, another field, or a bad `kind`",
        "缺少 `file` 字段、含有其他字段，或 `kind` 有误",
    ),
    (
        "No entry is linked into the chain yet",
        "尚无条目链入审计链",
    ),
    ("No opinion has this code", "没有使用该回执码的意见"),
    (
        "No responsible unit, or bad input",
        "未指定责任单位，或输入有误",
    ),
    (
        "No session of the deputy's level is open (`session_not_open`)",
        "该代表所属级别没有正在举行的大会会议（`session_not_open`）",
    ),
    (
        "No special inquiry planned, or the wrong stage",
        "未计划专题询问，或所处阶段不对",
    ),
    ("No such batch", "没有该批次"),
    (
        "No such batch, or neither csv nor xlsx",
        "没有该批次，或格式既不是 csv 也不是 xlsx",
    ),
    ("No such category in use", "没有在用的该类别"),
    ("No such format", "不支持该格式"),
    ("No such item", "没有该事项"),
    (
        "No such item or entry, or not visible to the caller",
        "没有该事项或条目，或调用者无权查看",
    ),
    ("No such item or observation", "没有该事项或观察意见"),
    (
        "No such item or opinion, or not visible to the caller",
        "没有该事项或审议意见，或调用者无权查看",
    ),
    ("No such item or problem", "没有该事项或问题"),
    (
        "No such item, or no vote yet in this round",
        "没有该事项，或本轮尚未投票",
    ),
    (
        "No such item, or not visible to the caller",
        "没有该事项，或调用者无权查看",
    ),
    (
        "No such item, or the observer is not assigned",
        "没有该事项，或该观察员未分配到该事项",
    ),
    ("No such list", "没有该清单"),
    ("No such list or item", "没有该清单或清单项"),
    ("No such list, item or record", "没有该清单、清单项或记录"),
    (
        "No such motion, or not visible to the caller",
        "没有该议案，或调用者无权查看",
    ),
    (
        "No such need, or not matched to the caller",
        "没有该需求，或该需求未对接到调用者",
    ),
    ("No such notification of the caller's", "调用者没有该通知"),
    ("No such observer", "没有该观察员"),
    (
        "No such opinion, or not visible to the caller",
        "没有该意见，或调用者无权查看",
    ),
    ("No such phone of the caller's", "调用者没有登记该手机"),
    ("No such reset of this account", "该账号没有这项密码重置"),
    (
        "No such resource, or not visible to the caller",
        "没有该资源，或调用者无权查看",
    ),
    ("No such round or candidate", "没有该轮次或候选项目"),
    ("No such round, or no ballot yet", "没有该轮次，或尚未投票"),
    ("No such session", "没有该次会议"),
    ("No such station or reception day", "没有该联络站或接待日"),
    ("No such subscription of the caller's", "调用者没有该订阅"),
    ("No such suggestion or commitment", "没有该建议或承诺事项"),
    (
        "No such suggestion or file, or not visible",
        "没有该建议或文件，或无权查看",
    ),
    (
        "No such suggestion or record, or not visible",
        "没有该建议或记录，或无权查看",
    ),
    ("No such suggestion or request", "没有该建议或申请"),
    (
        "No such suggestion, or not visible",
        "没有该建议，或无权查看",
    ),
    (
        "No such suggestion, or not visible to the caller",
        "没有该建议，或调用者无权查看",
    ),
    ("No such unit", "没有该承办单位"),
    (
        "No tie, or a choice that does not fit it",
        "没有同票，或所作选择与同票情况不符",
    ),
    ("No year, or one out of range", "未指定年度，或年度超出范围"),
    (
        "Nobody serves in that term (`nobody_serving`), or a deputy changed meanwhile",
        "该届无在任代表（`nobody_serving`），或某位代表在此期间已被修改",
    ),
    ("Not `application/json`", "不是 `application/json`"),
    ("Not a co-signer", "不是附议人"),
    ("Not a co-unit", "不是协办单位"),
    (
        "Not a committee member of this item",
        "不是该事项的常委会组成人员",
    ),
    ("Not a deputy", "不是代表"),
    (
        "Not a deputy of the round's congress",
        "不是本轮所属人大的代表",
    ),
    (
        "Not a deputy who may take it up",
        "不是可将其转为建议的代表",
    ),
    (
        "Not a deputy with a linked deputy record",
        "不是已关联代表档案的代表",
    ),
    (
        "Not a draft (`invalid_state`), the session is closed (`session_not_open`), or changed meanwhile",
        "不是草稿（`invalid_state`）、大会已闭幕（`session_not_open`），或在此期间已被修改",
    ),
    (
        "Not a draft any more (`invalid_state`), or changed meanwhile",
        "已不再是草稿（`invalid_state`），或在此期间已被修改",
    ),
    (
        "Not a draft any more, or changed meanwhile",
        "已不再是草稿，或在此期间已被修改",
    ),
    ("Not a leader", "不是常委会负责人"),
    ("Not a leader of the item", "不是该件建议的领办领导"),
    (
        "Not a second administrator (`second_administrator_required`)",
        "不是第二名管理员（`second_administrator_required`）",
    ),
    (
        "Not a user of the body the opinion is addressed to",
        "不是该审议意见所发往单位的用户",
    ),
    ("Not an administrator", "不是管理员"),
    (
        "Not an administrator's account: reset it with `PATCH /users/{id}` (`no_confirmation_needed`)",
        "不是管理员账号：请用 `PATCH /users/{id}` 重置（`no_confirmation_needed`）",
    ),
    (
        "Not an observer assigned to the item",
        "不是分配到该事项的观察员",
    ),
    ("Not asked to sign", "未被邀请联名"),
];
