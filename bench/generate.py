#!/usr/bin/env python3
"""Fills a fresh, migrated renda database with benchmark data.

    # PostgreSQL: 200 units, 10,000 deputies, 1,000,000 suggestions
    python3 bench/generate.py --pg postgres://postgres@127.0.0.1:5432/renda_bench \
        --base http://127.0.0.1:18090 --admin-password Bench-System-2026

    # SQLite: the same shape with 100,000 suggestions
    python3 bench/generate.py --sqlite /tmp/benchsqlite/renda.db \
        --base http://127.0.0.1:18091 --admin-password Bench-System-2026

The server at --base must already run on the same database (it applies
the migrations at start and creates `admin`). The script

1. checks that the database is migrated and holds no units, deputies or
   suggestions;
2. inserts the units and the deputies (with their memberships) in SQL;
3. signs in as `admin` (choosing `--admin-new-password` when the first
   sign-in asks for a change) and creates the bench accounts through the
   API, so that their passwords are real argon2id hashes: `bench-staff`
   (staff), `bench-leader` (leader, the supervisor of red suggestions),
   `bench-deputy` (linked to deputy no. 1, who leads ~100 suggestions)
   and `bench-unit` (linked to unit no. 1, lead unit of 1 in 20 assigned
   suggestions), all with `--bench-password`;
4. inserts the suggestions with everything the application keeps for
   them: numbers unique per year (and the year counters), co-signers,
   co-units, assignment spells, replies, commitments of category B
   replies, verification and supervision records, and a timeline
   consistent with each suggestion's state, each row numbered for the
   change feed as the server numbers what committed (PostgreSQL; SQLite's
   triggers number each row as it is written);
5. runs ANALYZE (PostgreSQL: VACUUM ANALYZE) and prints what it inserted,
   the mixture of states and colours, and how long each step took;
6. with --verify, checks the rows against the application's rules
   (references, numbers and counters, closing rules, timelines whose
   states chain up to the suggestion's, versions) and reads them back
   through the API as each bench account.

The database can only be served later with the data key of the server
that created it (RENDA_DATA_KEYS, or <RENDA_DATA_DIR>/data-keys where a
generated one is kept); keep it, or start that first server with a
RENDA_DATA_KEYS of your choosing. After the run admin's password is
--admin-new-password.

Suggestions are created over the five years up to now, one after the
other (their UUIDv7 ids are in creation order, as the application's
are), and each goes through the workflow as far as its age allows:
old ones are mostly closed, recent ones are drafts, submitted,
registered, assigned or replied; a few stall on the way (abandoned
drafts, long-overdue assignments, replies never evaluated). Assigned
suggestions past their deadline are already marked overdue (with the
"became_overdue" timeline event), so the server's background overdue
scan has nothing to catch up on. Personal data columns (deputies'
phones) stay NULL, so nothing needs encrypting. No audit entries are
written for the bulk rows. Each deputy also gets DUTIES_PER_DEPUTY duty
records by hand, on random days of the five years.

PostgreSQL: all set-based SQL run through `psql` (generate_series,
INSERT ... SELECT from a plan table in the scratch schema `bench_gen`,
which is dropped at the end). Foreign-key triggers are skipped during the
load (session_replication_role = replica, superuser only); the rows are
consistent by construction. Nothing of the application is dropped.
SQLite: rows generated in Python and written with executemany in one
transaction.
"""

import argparse
import concurrent.futures
import datetime as dt
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request

# --------------------------------------------------------------------------
# The shape of the data, shared by both back ends.

CATEGORIES = ["经济发展", "城乡建设", "交通", "教育", "医疗卫生",
              "社会保障", "农业农村", "生态环境", "政法", "其他"]
TOPICS = [
    ["优化营商环境", "扶持中小微企业发展", "加快产业园区建设", "促进夜间经济发展", "加强招商引资", "推动电商产业发展"],
    ["推进老旧小区改造", "推动既有住宅加装电梯", "完善城市排水设施", "规范物业管理", "增设公共停车场", "推进城中村改造"],
    ["优化公交线路", "增设公交站台", "治理交通拥堵", "加强农村公路养护", "增设人行过街设施", "规范电动自行车管理"],
    ["缓解学校大班额问题", "新建公办幼儿园", "加强校园周边安全", "做好课后服务", "改善农村学校办学条件", "加强教师队伍建设"],
    ["提升基层医疗服务能力", "增设社区卫生服务站", "缓解群众看病难问题", "做实家庭医生签约服务", "完善院前急救体系", "推进医养结合"],
    ["增设社区老年助餐点", "完善居家养老服务", "加强困难群众救助", "加强就业帮扶", "提高城乡低保标准", "加强残疾人服务"],
    ["发展特色农业", "改善农村人居环境", "加强农田水利建设", "推进农村电商发展", "扶持家庭农场", "完善农村污水处理"],
    ["治理河道污染", "加强扬尘治理", "推进垃圾分类", "增加城市绿地", "整治噪声扰民", "保护湿地资源"],
    ["加强社区治安防控", "推进矛盾纠纷调解", "加强法治宣传教育", "防范电信网络诈骗", "完善公共法律服务", "加强未成年人保护"],
    ["加强文化设施建设", "推进全民健身", "提升政务服务效能", "加强食品安全监管", "完善应急管理体系", "加快档案信息化建设"],
]
N_TOPICS = 6
PLACES = ["古城街道", "项里街道", "幸福街道", "河滨街道", "双庄街道", "洋河新区",
          "蔡集镇", "埠子镇", "龙河镇", "耿车镇", "王官集镇", "罗圩乡"]
CONTENT_TAIL = [
    "建议有关部门加强调研，统筹安排资金，制定切实可行的工作方案，明确责任分工和时间节点。",
    "建议借鉴先进地区经验，加大投入力度，建立长效管理机制，定期公开进展情况。",
    "建议将此项工作纳入年度民生实事项目，分步实施，并广泛听取群众意见。",
    "建议加强部门协同，落实属地责任，强化督查考核，确保取得实效。",
]
REJECT_REASONS = ["属于信访事项，已转交有关部门办理", "内容不属于本级人大代表建议范围",
                  "属于个人诉求，已建议通过其他渠道反映", "与已立案建议内容重复，已合并办理"]
REPLY_TEXT = {
    "A": "经研究，该建议所提问题已基本解决，相关措施已落实到位，具体情况如下……",
    "B": "经研究，已将该建议列入年度工作计划，正在组织实施，预计年内完成，具体安排如下……",
    "C": "经研究，该建议所提问题因受资金、政策等条件限制，暂时难以解决，我单位将积极创造条件逐步推进。",
}
AREAS = ["宿城区", "宿豫区", "沭阳县", "泗阳县", "泗洪县"]
DEPTS = [
    ("住房和城乡建设局", "government_department"), ("人民政府办公室", "government"),
    ("发展和改革局", "government_department"), ("教育局", "government_department"),
    ("公安局", "government_department"), ("民政局", "government_department"),
    ("司法局", "government_department"), ("财政局", "government_department"),
    ("人力资源和社会保障局", "government_department"), ("自然资源和规划局", "government_department"),
    ("生态环境局", "government_department"), ("交通运输局", "government_department"),
    ("水利局", "government_department"), ("农业农村局", "government_department"),
    ("商务局", "government_department"), ("文化广电和旅游局", "government_department"),
    ("卫生健康委员会", "government_department"), ("退役军人事务局", "government_department"),
    ("应急管理局", "government_department"), ("审计局", "government_department"),
    ("市场监督管理局", "government_department"), ("统计局", "government_department"),
    ("医疗保障局", "government_department"), ("城市管理局", "government_department"),
    ("数据局", "government_department"), ("行政审批局", "government_department"),
    ("信访局", "government_department"), ("体育局", "government_department"),
    ("供销合作总社", "other"), ("住房公积金管理中心", "other"),
    ("供电公司", "other"), ("自来水公司", "other"),
    ("人民法院", "court"), ("人民检察院", "procuratorate"),
    ("监察委员会", "supervisory_commission"), ("古城街道办事处", "township"),
    ("项里街道办事处", "township"), ("蔡集镇人民政府", "township"),
    ("埠子镇人民政府", "township"), ("龙河镇人民政府", "township"),
]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏建国志文斌辉宇浩凯健俊帆鑫波宁海燕琳雪梅亮林峰春")
PARTIES = ["中国民主同盟", "中国民主建国会", "九三学社", "中国农工民主党"]
EDUCATION = ["大学本科", "研究生", "大学专科", "高中"]
OCCUPATIONS = ["教师", "医生", "企业负责人", "社区党组织书记", "村党组织书记", "农民",
               "工人", "公务员", "律师", "个体工商户"]
WORKPLACES = ["社区居委会", "村民委员会", "中心小学", "人民医院", "实业有限公司", "农业专业合作社"]
ETHNIC = ["回族", "满族", "蒙古族", "壮族"]
PEOPLE = ["王强", "李华", "赵磊", "刘洋", "陈静", "张敏", "周杰", "吴芳"]

# Probabilities of the workflow (see the module docstring).
P_DRAFT_STALL = 0.03     # never submitted
P_REJECT = 0.06          # not registered (不予立案)
P_REG_STALL = 0.005      # registered, never assigned
P_ASG_STALL = 0.015      # assigned, never replied (overdue)
P_LATE = 0.08            # replied after the deadline
P_REP_STALL = 0.02       # replied, never evaluated
P_GREEN, P_YELLOW = 0.60, 0.85      # cumulative: green 60 %, yellow 25 %, red 15 %
P_SAT, P_BASIC = 0.72, 0.93         # satisfied 72 %, basically 21 %, unsatisfied 7 %
P_PUBLISH = 0.30         # closed suggestions published
P_OUTSTANDING = 0.01     # closed suggestions marked outstanding
P_CS1, P_CS2 = 0.20, 0.07           # one / two co-signers
P_CU1, P_CU2 = 0.25, 0.08           # one / two co-units
P_REPLY_A, P_REPLY_B = 0.50, 0.85   # reply category A 50 %, B 35 %, C 15 %
P_SRC_DEPUTY, P_SRC_OPINION = 0.85, 0.95
P_DURING_SESSION = 0.40
P_FULFILLED = 0.60
BENCH_UNIT_EVERY = 20    # unit no. 1 leads every 20th suggestion
DEPUTY_TARGET = 100      # deputy no. 1 leads about this many
DUTIES_PER_DEPUTY = 20   # duty records recorded by hand, on random days of five years
DUTY_KINDS = [("meeting", "参加代表小组活动"), ("research", "开展专题调研"),
              ("visit", "走访选民"), ("other", "参加其他履职活动")]
YEARS = 5
DAY = 86400


def cst_date(t):
    """The day of an aware UTC datetime in China Standard Time."""
    return (t + dt.timedelta(hours=8)).date()


def cst_midnight(d):
    """00:00 CST of date `d`, as a UTC datetime."""
    return dt.datetime(d.year, d.month, d.day, tzinfo=dt.timezone.utc) - dt.timedelta(hours=8)


def term_session(created):
    y = cst_date(created).year
    if y < 2022:
        return "第十七届", "第五次会议"
    if y > 2026:
        return "第十九届", "第一次会议"
    return "第十八届", ["第一次会议", "第二次会议", "第三次会议", "第四次会议", "第五次会议"][y - 2022]


def add_months(d, months):
    m = d.month - 1 + months
    y = d.year + m // 12
    m = m % 12 + 1
    mdays = [31, 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28,
             31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    return dt.date(y, m, min(d.day, mdays))


# --------------------------------------------------------------------------
# Small helpers.

def log(msg):
    print(msg, flush=True)


class Timer:
    def __init__(self):
        self.steps = []
        self.t0 = time.monotonic()

    def run(self, name, fn, *a, **kw):
        t = time.monotonic()
        log(f"-- {name} ...")
        out = fn(*a, **kw)
        took = time.monotonic() - t
        self.steps.append((name, took))
        log(f"   {name}: {took:.1f} s")
        return out

    def report(self):
        log("\nTimings:")
        for name, took in self.steps:
            log(f"  {took:8.1f} s  {name}")
        log(f"  {time.monotonic() - self.t0:8.1f} s  total")


class Api:
    def __init__(self, base):
        self.base = base.rstrip("/")

    def call(self, method, path, token=None, body=None, timeout=60):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                text = r.read()
                return r.status, (json.loads(text) if text else None)
        except urllib.error.HTTPError as e:
            text = e.read()
            try:
                return e.code, json.loads(text)
            except ValueError:
                return e.code, text.decode(errors="replace")
        except OSError as e:
            return 0, str(e)

    def ok(self, method, path, token=None, body=None, want=(200, 201, 204)):
        status, out = self.call(method, path, token, body)
        if status not in want:
            sys.exit(f"{method} {path}: {status} {out}")
        return out

    def login(self, username, password):
        return self.call("POST", "/api/v1/auth/login",
                         body={"username": username, "password": password})

    def admin_token(self, password, new_password):
        """Signs in as admin; makes the first-sign-in password change if asked."""
        status, out = self.login("admin", password)
        if status == 200 and out.get("password_change_required"):
            self.ok("POST", "/api/v1/me/password", out["access_token"],
                    {"current_password": password, "new_password": new_password})
            status, out = self.login("admin", new_password)
        elif status == 401:
            # Changed by an earlier run.
            status, out = self.login("admin", new_password)
        if status != 200:
            sys.exit(f"cannot sign in as admin (tried --admin-password and --admin-new-password): {status} {out}")
        return out["access_token"]


def create_accounts(api, admin, password, deputy_id, unit_id):
    """Creates (or finds) the bench accounts; returns {username: id}."""
    wanted = [
        ("bench-staff", "基准测试工作人员", ["staff"], {}),
        ("bench-leader", "基准测试督办领导", ["leader"], {}),
        ("bench-deputy", "基准测试代表", ["deputy"], {"deputy_id": deputy_id}),
        ("bench-unit", "基准测试承办单位", ["unit"], {"unit_id": unit_id}),
    ]
    ids = {}
    for username, display, roles, links in wanted:
        body = {"username": username, "password": password, "display_name": display,
                "roles": roles, "must_change_password": False, **links}
        status, out = api.call("POST", "/api/v1/users", admin, body)
        if status == 201:
            ids[username] = out["id"]
            continue
        # Left by an earlier run: reuse it if it is linked the same way.
        page = api.ok("GET", f"/api/v1/users?q={username}&limit=100", admin)
        found = [u for u in page["items"] if u.get("username") == username]
        if not found:
            sys.exit(f"POST /api/v1/users {username}: {status} {out}")
        u = found[0]
        for k, v in links.items():
            if u.get(k) != v:
                sys.exit(f"{username} exists but its {k} is {u.get(k)}, not {v}; use a fresh database")
        ids[username] = u["id"]
    for username in ids:
        status, out = api.login(username, password)
        if status != 200:
            sys.exit(f"{username} cannot sign in with --bench-password: {status} {out}")
    return ids


# --------------------------------------------------------------------------
# PostgreSQL: set-based SQL through psql.

def q(s):
    return "'" + s.replace("'", "''") + "'"


def arr(items):
    return "(ARRAY[" + ",".join(q(x) for x in items) + "])"


def u7(ts, h, variant, mid=None):
    """SQL for a UUIDv7 with the millisecond of `ts`; the random part
    from the md5 hex text `h`, the variant nibble `variant` (8, 9, a or b,
    to keep the kinds of row apart) and optionally one more hex digit."""
    tail = f"substr({h}, 4, 15)" if mid is None else f"{mid} || substr({h}, 4, 14)"
    return (f"(lpad(to_hex(floor(extract(epoch FROM {ts}) * 1000)::bigint), 12, '0') || '7' || "
            f"substr({h}, 1, 3) || '{variant}' || {tail})::uuid")


def sql_cst_date(ts):
    return f"(({ts}) AT TIME ZONE 'UTC' + interval '8 hours')::date"


def sql_cst_midnight(d):
    return f"((({d})::timestamp - interval '8 hours') AT TIME ZONE 'UTC')"


def days(x):
    return f"(({x}) * interval '1 day')"


def gate(expr, t):
    """`expr` if it is not after `t`, else NULL."""
    return f"CASE WHEN ({expr}) <= {t} THEN ({expr}) END"


class Pg:
    def __init__(self, url, jobs):
        self.url = url
        self.jobs = jobs
        self.superuser = self.scalar("SELECT rolsuper FROM pg_roles WHERE rolname = current_user") == "t"

    def preamble(self):
        s = ["SET synchronous_commit = off;", "SET work_mem = '512MB';",
             "SET maintenance_work_mem = '512MB';", "SET TIME ZONE 'UTC';"]
        if self.superuser:
            # Skip the foreign-key triggers of the bulk inserts.
            s.append("SET session_replication_role = replica;")
        return "\n".join(s) + "\n"

    def _cmd(self):
        return ["psql", self.url, "-X", "-v", "ON_ERROR_STOP=1", "-f", "-"]

    def run(self, sql, preamble=True):
        """Runs a script; returns the row counts of its INSERTs in order."""
        text = (self.preamble() if preamble else "") + sql
        p = subprocess.run(self._cmd(), input=text, capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(f"psql failed:\n{p.stderr}\n--- SQL ---\n{text[:4000]}")
        return [int(n) for n in re.findall(r"^INSERT 0 (\d+)$", p.stdout, re.M)]

    def run_parallel(self, scripts):
        """Runs several scripts at once (up to --jobs); returns their counts."""
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, self.jobs)) as ex:
            return list(ex.map(self.run, scripts))

    def rows(self, sql):
        p = subprocess.run(["psql", self.url, "-X", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                            "-c", sql], capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(f"psql failed: {p.stderr.strip()}\n{sql}")
        return [line.split("\t") for line in p.stdout.splitlines() if line]

    def scalar(self, sql):
        r = self.rows(sql)
        return r[0][0] if r else None


def pg_check_fresh(pg):
    p = subprocess.run(["psql", pg.url, "-X", "-A", "-t", "-F", "\t", "-c",
                        "SELECT (SELECT count(*) FROM units), (SELECT count(*) FROM deputies), "
                        "(SELECT count(*) FROM suggestions), (SELECT count(*) FROM suggestion_categories)"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"the database is not reachable or not migrated (start renda on it once): {p.stderr.strip()}")
    units, deputies, suggestions, cats = (int(x) for x in p.stdout.strip().split("\t"))
    if units or deputies or suggestions:
        sys.exit(f"the database is not fresh: {units} units, {deputies} deputies, {suggestions} suggestions")
    if cats == 0:
        sys.exit("suggestion_categories is empty: is the database migrated?")


def pg_units_deputies(pg, c):
    nd = len(DEPTS)
    na = len(AREAS)
    unit_name = (f"{arr(AREAS)}[1 + ((i - 1) / {nd}) % {na}] || {arr([d for d, _ in DEPTS])}[1 + (i - 1) % {nd}]"
                 f" || CASE WHEN i > {na * nd} THEN '（' || ((i - 1) / {na * nd} + 1) || '）' ELSE '' END")
    pick = lambda items, r: f"{arr(items)}[1 + floor({r} * {len(items)})::int]"
    sql = f"""
DROP SCHEMA IF EXISTS bench_gen CASCADE;
CREATE SCHEMA bench_gen;
CREATE UNLOGGED TABLE bench_gen.unit AS
SELECT s.*, {u7('created_at', 'h', '8')} AS id FROM (
  SELECT i, md5('unit-' || i) AS h, TIMESTAMPTZ '{c['unit_t0']}' + i * interval '1 second' AS created_at,
         {unit_name} AS name, {arr([k for _, k in DEPTS])}[1 + (i - 1) % {nd}] AS kind,
         {arr(AREAS)}[1 + ((i - 1) / {nd}) % {na}] AS area
  FROM generate_series(1, {c['units']}) i) s;
INSERT INTO units (id, name, kind, contact_person, contact_phone, email, address, description,
                   created_at, updated_at, deleted_at, version)
SELECT id, name, kind, {arr(PEOPLE)}[1 + i % {len(PEOPLE)}], '0527-8435' || lpad(i::text, 4, '0'),
       NULL, area || '行政中心', NULL, created_at, created_at, NULL, 1
FROM bench_gen.unit ORDER BY i;

SELECT setseed({c['seed']});
CREATE UNLOGGED TABLE bench_gen.dep AS
SELECT s.*, {u7('created_at', 'h', '8')} AS id FROM (
  SELECT i, md5('deputy-' || i) AS h, TIMESTAMPTZ '{c['dep_t0']}' + i * interval '50 milliseconds' AS created_at,
         random() r1, random() r2, random() r3, random() r4, random() r5, random() r6,
         random() r7, random() r8, random() r9, random() r10, random() r11, random() r12
  FROM generate_series(1, {c['deputies']}) i) s;
INSERT INTO deputies (id, name, gender, ethnicity, birth_date, party, education, occupation, work_unit,
                      phone, phone_index, photo_url, status, created_at, updated_at, deleted_at, version)
SELECT id,
       {pick(SURNAMES, 'r1')} || {pick(GIVEN, 'r2')} || CASE WHEN r3 < 0.65 THEN {pick(GIVEN, 'r4')} ELSE '' END,
       CASE WHEN r5 < 0.55 THEN 'male' ELSE 'female' END,
       CASE WHEN r6 < 0.93 THEN '汉族' ELSE {pick(ETHNIC, '(r6 - 0.93) / 0.07')} END,
       DATE '1955-01-01' + floor(r7 * 12775)::int,
       CASE WHEN r8 < 0.65 THEN '中国共产党' WHEN r8 < 0.75 THEN {pick(PARTIES, '(r8 - 0.65) / 0.1')}
            WHEN r8 < 0.82 THEN '无党派人士' ELSE '群众' END,
       {pick(EDUCATION, 'r9')}, {pick(OCCUPATIONS, 'r10')},
       {pick(PLACES, 'r11')} || {pick(WORKPLACES, 'r12')},
       NULL, NULL, NULL, 'active', created_at, created_at, NULL, 1
FROM bench_gen.dep ORDER BY i;
INSERT INTO deputy_memberships (id, deputy_id, position, level, term, constituency, delegation,
                                start_date, end_date, status)
SELECT {u7('created_at', 'h', '9')}, id, 0, 'county', '第十八届', {pick(PLACES, 'r11')} || '选区', NULL,
       DATE '2021-12-20', NULL, 'serving'
FROM bench_gen.dep ORDER BY i;
INSERT INTO deputy_memberships (id, deputy_id, position, level, term, constituency, delegation,
                                start_date, end_date, status)
SELECT {u7('created_at', 'h', 'a')}, id, 1, 'county', '第十七届', {pick(PLACES, 'r11')} || '选区', NULL,
       DATE '2016-12-20', DATE '2021-12-19', 'ended'
FROM bench_gen.dep WHERE r12 < 0.3 ORDER BY i;
CREATE UNIQUE INDEX ON bench_gen.unit (i);
CREATE UNIQUE INDEX ON bench_gen.dep (i);
"""
    n = pg.run(sql)
    bench_unit = pg.scalar("SELECT id FROM bench_gen.unit WHERE i = 1")
    bench_dep = pg.scalar("SELECT id FROM bench_gen.dep WHERE i = 1")
    return {"units": n[0], "deputies": n[1], "deputy_memberships": n[2] + n[3]}, bench_unit, bench_dep


def pg_duty_records(pg, c):
    """Duty records by hand: DUTIES_PER_DEPUTY a deputy, on random days of
    the five years up to today (about a third of the deputies have none in
    the last 90 days), numbered for the change feed with the rest."""
    n = len(DUTY_KINDS)
    kind = f"{arr([k for k, _ in DUTY_KINDS])}[1 + floor(r2 * {n})::int]"
    title = f"{arr([t for _, t in DUTY_KINDS])}[1 + floor(r2 * {n})::int]"
    day = f"(DATE '{c['today']}' - floor(r1 * 1826)::int)"
    at = f"({sql_cst_midnight(day)} + interval '10 hours' + g * interval '1 millisecond')"
    sql = f"""
SELECT setseed({c['seed']} / 2);
INSERT INTO duty_records (id, deputy_id, kind, occurred_on, title, content, ref_type, ref_id, manual,
                          created_by, created_at, updated_at, deleted_at, version)
SELECT {u7('at', 'h', 'b')}, id, kind, day, title, NULL, NULL, NULL, TRUE, NULL, at, at, NULL, 1
FROM (SELECT id, {kind} AS kind, {title} AS title, {day} AS day, {at} AS at,
             md5('duty-' || i || '-' || g) AS h
      FROM (SELECT d.id, d.i, g, random() r1, random() r2
            FROM bench_gen.dep d CROSS JOIN generate_series(1, {DUTIES_PER_DEPUTY}) g) dep) s
ORDER BY at;
"""
    return pg.run(sql)[0]


def pg_plan(pg, c):
    """The plan table: one row per suggestion with every time it reached
    (NULL when not, or not yet), its state, colour, units and deputies.

    Each step of the workflow is first computed as a raw time from the
    step before (NULL when the suggestion stalls earlier), then every raw
    time is gated once against now: the times only grow along the chain,
    so a step reached implies every step before it. The stages are
    MATERIALIZED: inlined, each reference would copy the whole expression
    of the stage before, which grows exponentially along the chain."""
    T = f"TIMESTAMPTZ '{c['now']}'"
    TODAY = f"DATE '{c['today']}'"
    D, U = c["deputies"], c["units"]
    g = lambda e: gate(e, T)
    sub0 = f"CASE WHEN r_draft >= {P_DRAFT_STALL} THEN created_at + {days('0.05 + r_sub * 5')} END"
    rev0 = f"({sub0}) + {days('0.5 + r_rev * 9.5')}"
    days0 = f"(CASE WHEN r_color < {P_GREEN} THEN 30 ELSE 90 END)"
    asg0 = (f"CASE WHEN r_rej >= {P_REJECT} AND r_regstall >= {P_REG_STALL} "
            f"THEN ({rev0}) + {days('0.5 + r_asg * 9.5')} END")
    rep0 = (f"CASE WHEN r_asgstall < {P_ASG_STALL} THEN NULL "
            f"WHEN r_late < {P_LATE} THEN ({asg0}) + {days(f'{days0} + 1.2 + r_rep * 40')} "
            f"ELSE ({asg0}) + {days(f'0.3 + r_rep * ({days0} - 1.3)')} END")
    eval0 = f"CASE WHEN r_repstall >= {P_REP_STALL} THEN ({rep0}) + {days('0.5 + r_eval * 20')} END"
    ed = sql_cst_date("eval0")
    reh = (f"GREATEST({ed}, LEAST({ed} + 30, (assigned_on0 + interval '6 months')::date, "
           f"CASE WHEN color0 = 'red' THEN assigned_on0 + 180 END))")
    sat = "(result IN ('satisfied', 'basically_satisfied'))"
    ver0 = f"CASE WHEN color0 = 'yellow' AND {sat} THEN eval0 + {days('0.5 + r_ver * 14')} END"
    note0 = f"CASE WHEN color0 = 'red' THEN rep0 + {days('0.3 + r_note * 10')} END"
    sign0 = f"CASE WHEN color0 = 'red' AND {sat} THEN GREATEST(eval0, ({note0})) + {days('0.3 + r_sign * 7')} END"
    close0 = (f"CASE WHEN NOT coalesce({sat}, false) THEN NULL WHEN color0 = 'green' THEN eval0 "
              f"WHEN color0 = 'yellow' THEN ({ver0}) + {days('0.3 + r_close * 7')} "
              f"ELSE ({sign0}) + {days('0.3 + r_close * 7')} END")
    pub0 = f"CASE WHEN r_pub < {P_PUBLISH} THEN ({close0}) + {days('1 + r_pubd * 30')} END"
    out0 = f"CASE WHEN r_out < {P_OUTSTANDING} THEN ({close0}) + {days('0.5 + r_outd * 20')} END"
    status = (f"CASE WHEN sub_at IS NULL THEN 'draft' "
              f"WHEN rejected AND rev0 <= {T} THEN 'not_registered' "
              f"WHEN rev0 > {T} THEN 'submitted' "
              f"WHEN asg_at IS NULL THEN 'registered' "
              f"WHEN rep_at IS NULL THEN 'assigned' "
              f"WHEN eval_at IS NULL THEN 'replied' "
              f"WHEN result = 'unsatisfied' THEN 'rehandling' "
              f"WHEN close_at IS NOT NULL THEN 'closed' "
              f"ELSE 'replied' END")
    ovd = (f"CASE WHEN rep_late OR (status = 'assigned' AND deadline0 < {TODAY}) "
           f"THEN LEAST({sql_cst_midnight('deadline0 + 1')} + (60 + r_ovd * 600) * interval '1 second', "
           f"{T} - interval '1 second') END")
    sql = f"""
SELECT setseed({c['seed'] / 2});
CREATE UNLOGGED TABLE bench_gen.plan AS
WITH a AS MATERIALIZED (
  SELECT i, md5('sugg-' || i) AS h,
         TIMESTAMPTZ '{c['start']}' + ((i - 1) + random()) * {c['slot_secs']} * interval '1 second' AS created_at,
         random() r_draft, random() r_sub, random() r_rej, random() r_rev, random() r_regstall,
         random() r_asg, random() r_color, random() r_asgstall, random() r_late, random() r_rep,
         random() r_repstall, random() r_eval, random() r_res, random() r_ver, random() r_close,
         random() r_note, random() r_sign, random() r_pub, random() r_pubd, random() r_out, random() r_outd,
         random() r_upd, random() r_cat, random() r_topic, random() r_place, random() r_src, random() r_timing,
         random() r_dep, random() r_unit, random() r_cs, random() r_cs1, random() r_cs2,
         random() r_cu, random() r_cu1, random() r_cu2, random() r_repcat, random() r_fulfil,
         random() r_ovd, random() r_reason, random() r_tail
  FROM generate_series(1, {c['n']}) i
), b AS MATERIALIZED (
  SELECT i, h, created_at,
         CASE WHEN i % {c['k_dep']} = 0 THEN 1 ELSE 2 + floor(r_dep * {D - 1})::int END AS dep_idx,
         CASE WHEN i % {BENCH_UNIT_EVERY} = 0 THEN 1 ELSE 2 + floor(r_unit * {U - 1})::int END AS unit_idx,
         CASE WHEN r_color < {P_GREEN} THEN 'green' WHEN r_color < {P_YELLOW} THEN 'yellow' ELSE 'red' END AS color0,
         {days0} AS days0,
         r_rej < {P_REJECT} AS rejected,
         CASE WHEN r_res < {P_SAT} THEN 'satisfied' WHEN r_res < {P_BASIC} THEN 'basically_satisfied'
              ELSE 'unsatisfied' END AS result0,
         {sub0} AS sub0, {rev0} AS rev0, {asg0} AS asg0, {rep0} AS rep0, {eval0} AS eval0,
         1 + floor(r_cs1 * {D - 1})::int AS cs_off1, 1 + floor(r_cs2 * {max(D - 2, 1)})::int AS cs_step2,
         1 + floor(r_cu1 * {U - 1})::int AS cu_off1, 1 + floor(r_cu2 * {max(U - 2, 1)})::int AS cu_step2,
         r_ver, r_close, r_note, r_sign, r_pub, r_pubd, r_out, r_outd, r_upd, r_cat, r_topic, r_place,
         r_src, r_timing, r_cs, r_cu, r_repcat, r_fulfil, r_ovd, r_reason, r_tail
  FROM a
), c AS MATERIALIZED (
  SELECT b.*, {sql_cst_date('asg0')} AS assigned_on0, {sql_cst_date('asg0')} + days0 AS deadline0
  FROM b
), d AS MATERIALIZED (
  SELECT c.*, {reh} AS reh_deadline,
         CASE WHEN eval0 IS NULL THEN NULL
              WHEN result0 = 'unsatisfied' AND {reh} < {TODAY} THEN 'basically_satisfied'
              ELSE result0 END AS result
  FROM c
), e AS MATERIALIZED (
  SELECT d.*,
         {g('sub0')} AS sub_at,
         CASE WHEN rejected THEN {g('rev0')} END AS rej_at,
         CASE WHEN NOT rejected THEN {g('rev0')} END AS reg_at,
         {g('asg0')} AS asg_at, {g('rep0')} AS rep_at, {g('eval0')} AS eval_at,
         {g(ver0)} AS ver_at, {g(note0)} AS note_at, {g(sign0)} AS sign_at,
         {g(close0)} AS close_at, {g(pub0)} AS pub_at, {g(out0)} AS out_at,
         rep0 <= {T} AND {sql_cst_date('rep0')} > deadline0 AS rep_late
  FROM d
), f AS MATERIALIZED (
  SELECT e.*, {status} AS status FROM e
), o AS MATERIALIZED (
  SELECT f.*, {ovd} AS ovd_at,
         CASE WHEN status = 'draft'
              THEN created_at + (0.02 + r_upd * 0.3) * LEAST(interval '1 day', {T} - created_at) END AS upd_at,
         CASE WHEN reg_at IS NOT NULL THEN extract(year FROM reg_at AT TIME ZONE 'UTC' + interval '8 hours')::int END AS reg_year
  FROM f
)
SELECT o.i, o.h, {u7('o.created_at', 'o.h', '8')} AS id, o.status,
       CASE WHEN asg_at IS NOT NULL THEN color0 END AS color,
       o.dep_idx, dep.id AS lead_id,
       CASE WHEN asg_at IS NOT NULL THEN o.unit_idx END AS unit_idx,
       CASE WHEN asg_at IS NOT NULL THEN unit.id END AS unit_id,
       floor(r_cat * {len(CATEGORIES)})::int AS cat_idx, floor(r_topic * {N_TOPICS})::int AS topic_idx,
       floor(r_place * {len(PLACES)})::int AS place_idx, floor(r_tail * {len(CONTENT_TAIL)})::int AS tail_idx,
       CASE WHEN r_src < {P_SRC_DEPUTY} THEN 'deputy' WHEN r_src < {P_SRC_OPINION} THEN 'constituent_opinion'
            ELSE 'collection_drive' END AS source,
       CASE WHEN r_timing < {P_DURING_SESSION} THEN 'during_session' ELSE 'between_sessions' END AS timing,
       o.created_at, o.upd_at, o.sub_at, o.rej_at, o.reg_at, o.asg_at,
       CASE WHEN asg_at IS NOT NULL THEN o.assigned_on0 END AS assigned_on,
       CASE WHEN asg_at IS NOT NULL THEN o.deadline0 END AS deadline0,
       CASE WHEN asg_at IS NULL THEN NULL WHEN o.status = 'rehandling' THEN o.reh_deadline
            ELSE o.deadline0 END AS deadline,
       o.ovd_at, o.ovd_at IS NOT NULL AND o.status <> 'rehandling' AS overdue_recorded,
       o.rep_at, CASE WHEN o.rep_at IS NOT NULL THEN NOT o.rep_late END AS replied_on_time,
       o.eval_at, CASE WHEN o.eval_at IS NOT NULL THEN o.result END AS result,
       o.ver_at, o.note_at, o.sign_at,
       CASE WHEN o.status = 'closed' THEN o.close_at END AS close_at,
       CASE WHEN o.status = 'closed' THEN o.pub_at END AS pub_at,
       CASE WHEN o.status = 'closed' THEN o.out_at END AS out_at,
       o.reg_year,
       CASE WHEN o.reg_at IS NOT NULL
            THEN row_number() OVER (PARTITION BY o.reg_year ORDER BY o.reg_at, o.i) END AS seq,
       -- co-signers and co-units: deputy/unit numbers distinct from the lead and each other
       CASE WHEN r_cs < {P_CS1} THEN (o.dep_idx - 1 + cs_off1) % {D} + 1 END AS cs1,
       CASE WHEN r_cs < {P_CS2} THEN (o.dep_idx - 1 + 1 + (cs_off1 - 1 + cs_step2) % {max(D - 1, 1)}) % {D} + 1 END AS cs2,
       CASE WHEN asg_at IS NOT NULL AND r_cu < {P_CU1} THEN (o.unit_idx - 1 + cu_off1) % {U} + 1 END AS cu1,
       CASE WHEN asg_at IS NOT NULL AND r_cu < {P_CU2}
            THEN (o.unit_idx - 1 + 1 + (cu_off1 - 1 + cu_step2) % {max(U - 1, 1)}) % {U} + 1 END AS cu2,
       CASE WHEN r_repcat < {P_REPLY_A} THEN 'A' WHEN r_repcat < {P_REPLY_B} THEN 'B' ELSE 'C' END AS rep_cat,
       r_fulfil, floor(r_reason * {len(REJECT_REASONS)})::int AS reason_idx
FROM o
JOIN bench_gen.dep dep ON dep.i = o.dep_idx
LEFT JOIN bench_gen.unit unit ON unit.i = o.unit_idx
ORDER BY o.i;
ANALYZE bench_gen.plan;
ANALYZE bench_gen.unit;
ANALYZE bench_gen.dep;
"""
    pg.run(sql)


def pg_suggestions(pg, c, users):
    staff, leader, dep_user = users["bench-staff"], users["bench-leader"], users["bench-deputy"]
    topics = [t for row in TOPICS for t in row]
    topic = f"{arr(topics)}[1 + p.cat_idx * {N_TOPICS} + p.topic_idx]"
    place = f"{arr(PLACES)}[1 + p.place_idx]"
    created_cst = f"(p.created_at AT TIME ZONE 'UTC' + interval '8 hours')"
    year = f"extract(year FROM {created_cst})::int"
    events = pg_event_count_expr()
    sql = f"""
INSERT INTO suggestions (
  id, number, title, content, category, term, session, timing, lead_deputy_id, source, source_ref,
  status, color, lead_unit_id, supervisor_id, assigned_on, deadline, overdue_recorded,
  submitted_at, registered_at, assigned_at, replied_at, closed_at, reject_reason,
  evaluation_result, evaluation_comment, evaluated_at, signed_off_at, signed_off_by, published_at,
  outstanding, outstanding_reason, created_by, created_at, updated_at, deleted_at, version, replied_on_time,
  year)
SELECT p.id,
       CASE WHEN p.seq IS NOT NULL THEN p.reg_year || '-' ||
            CASE WHEN p.seq < 10000 THEN lpad(p.seq::text, 4, '0') ELSE p.seq::text END END,
       '关于' || {place} || {topic} || '的建议',
       {place} || '的' || {topic} || '问题群众反映较多，关系群众切身利益。' || {arr(CONTENT_TAIL)}[1 + p.tail_idx],
       {arr(CATEGORIES)}[1 + p.cat_idx],
       CASE WHEN {year} < 2022 THEN '第十七届' WHEN {year} > 2026 THEN '第十九届' ELSE '第十八届' END,
       CASE WHEN {year} < 2022 THEN '第五次会议' WHEN {year} > 2026 THEN '第一次会议'
            ELSE {arr(['第一次会议', '第二次会议', '第三次会议', '第四次会议', '第五次会议'])}[{year} - 2021] END,
       p.timing, p.lead_id, p.source, NULL,
       p.status, p.color, p.unit_id,
       CASE WHEN p.color = 'red' THEN '{leader}'::uuid END,
       p.assigned_on, CASE WHEN p.asg_at IS NOT NULL THEN p.deadline END,
       p.overdue_recorded,
       p.sub_at, p.reg_at, p.asg_at, p.rep_at, p.close_at,
       CASE WHEN p.rej_at IS NOT NULL THEN {arr(REJECT_REASONS)}[1 + p.reason_idx] END,
       p.result, CASE WHEN p.result = 'unsatisfied' THEN '办理措施尚未落实，群众反映问题依然存在' END,
       p.eval_at, p.sign_at, CASE WHEN p.sign_at IS NOT NULL THEN '{leader}'::uuid END, p.pub_at,
       p.out_at IS NOT NULL, CASE WHEN p.out_at IS NOT NULL THEN '建议质量高，推动解决了群众急难愁盼问题' END,
       CASE WHEN p.dep_idx = 1 THEN '{dep_user}'::uuid ELSE '{staff}'::uuid END,
       p.created_at,
       GREATEST(p.created_at, p.upd_at, p.sub_at, p.rej_at, p.reg_at, p.asg_at, p.ovd_at, p.rep_at,
                p.eval_at, p.ver_at, p.note_at, p.sign_at, p.close_at, p.pub_at, p.out_at),
       NULL, {events}, p.replied_on_time,
       extract(year FROM (COALESCE(p.reg_at, p.created_at) AT TIME ZONE 'UTC' + interval '8 hours'))::int
FROM bench_gen.plan p ORDER BY p.i;
"""
    return pg.run(sql)[0]


def pg_event_rows(c, users):
    """(kind digit, time, action, from, to, actor id, actor name, detail) of
    every timeline event, as SQL over the plan row `p`."""
    staff, leader = users["bench-staff"], users["bench-leader"]
    dep_user, unit_user = users["bench-deputy"], users["bench-unit"]
    dep_actor_id = f"CASE WHEN p.dep_idx = 1 THEN '{dep_user}'::uuid END"
    dep_actor = "CASE WHEN p.dep_idx = 1 THEN 'bench-deputy' ELSE 'deputy-' || lpad(p.dep_idx::text, 5, '0') END"
    unit_actor_id = f"CASE WHEN p.unit_idx = 1 THEN '{unit_user}'::uuid END"
    unit_actor = "CASE WHEN p.unit_idx = 1 THEN 'bench-unit' ELSE 'unit-' || lpad(p.unit_idx::text, 3, '0') END"
    S = (f"'{staff}'::uuid", "'bench-staff'")
    L = (f"'{leader}'::uuid", "'bench-leader'")
    SYS = ("NULL::uuid", "'system'")
    DEP = (dep_actor_id, dep_actor)
    UNIT = (unit_actor_id, unit_actor)
    d = lambda x: f"to_char({x}, 'YYYY-MM-DD')"
    co_units = ("'[' || CASE WHEN p.cu1 IS NULL THEN '' ELSE '\"' || cu1.id || '\"' END"
                " || CASE WHEN p.cu2 IS NULL THEN '' ELSE ',\"' || cu2.id || '\"' END || ']'")
    eval_to = ("CASE WHEN p.result = 'unsatisfied' THEN 'rehandling' "
               "WHEN p.color = 'green' THEN 'closed' ELSE 'replied' END")
    eval_due = "CASE WHEN p.result = 'unsatisfied' THEN p.deadline ELSE p.deadline0 END"
    note_state = "CASE WHEN p.result = 'unsatisfied' AND p.note_at > p.eval_at THEN 'rehandling' ELSE 'replied' END"
    rows = [
        ("0", "p.created_at", "created", "NULL", "'draft'", DEP, "NULL"),
        ("1", "p.upd_at", "draft_updated", "'draft'", "'draft'", DEP, "NULL"),
        ("2", "p.sub_at", "submitted", "'draft'", "'submitted'", DEP, "NULL"),
        ("3", "p.rej_at", "rejected", "'submitted'", "'not_registered'", S,
         f"'{{\"reason\":\"' || {arr(REJECT_REASONS)}[1 + p.reason_idx] || '\"}}'"),
        ("4", "p.reg_at", "registered", "'submitted'", "'registered'", S, "NULL"),
        ("5", "p.asg_at", "assigned", "'registered'", "'assigned'", S,
         f"'{{\"co_unit_ids\":' || {co_units} || ',\"color\":\"' || p.color || '\",\"due_date\":\"' || "
         f"{d('p.deadline0')} || '\",\"lead_unit_id\":\"' || p.unit_id || '\"}}'"),
        ("6", "p.ovd_at", "became_overdue", "'assigned'", "'assigned'", SYS,
         f"'{{\"due_date\":\"' || {d('p.deadline0')} || '\",\"on\":\"' || {d(sql_cst_date('p.ovd_at'))} || '\"}}'"),
        ("7", "p.rep_at", "replied", "'assigned'", "'replied'", UNIT,
         "'{\"category\":\"' || p.rep_cat || '\",\"round\":1}'"),
        ("8", "p.eval_at", "evaluated", "'replied'", eval_to, DEP,
         f"'{{\"comment\":' || CASE WHEN p.result = 'unsatisfied' THEN '\"办理措施尚未落实，群众反映问题依然存在\"' "
         f"ELSE 'null' END || ',\"due_date\":\"' || {d(eval_due)} || '\",\"result\":\"' || p.result || '\"}}'"),
        ("9", "p.note_at", "supervision_note", note_state, note_state, L,
         f"'{{\"occurred_on\":\"' || {d(sql_cst_date('p.note_at'))} || '\"}}'"),
        ("a", "p.ver_at", "verification", "'replied'", "'replied'", S,
         f"'{{\"occurred_on\":\"' || {d(sql_cst_date('p.ver_at'))} || '\"}}'"),
        ("b", "p.sign_at", "signed_off", "'replied'", "'replied'", L, "NULL"),
        ("c", "CASE WHEN p.color <> 'green' THEN p.close_at END", "closed", "'replied'", "'closed'", S, "NULL"),
        ("d", "p.pub_at", "published", "'closed'", "'closed'", S, "NULL"),
        ("e", "p.out_at", "outstanding_marked", "'closed'", "'closed'", S,
         "'{\"outstanding\":true,\"reason\":\"建议质量高，推动解决了群众急难愁盼问题\"}'"),
    ]
    return rows


def pg_event_count_expr():
    parts = ["1", "(p.upd_at IS NOT NULL)::int", "(p.sub_at IS NOT NULL)::int", "(p.rej_at IS NOT NULL)::int",
             "(p.reg_at IS NOT NULL)::int", "(p.asg_at IS NOT NULL)::int", "(p.ovd_at IS NOT NULL)::int",
             "(p.rep_at IS NOT NULL)::int", "(p.eval_at IS NOT NULL)::int", "(p.note_at IS NOT NULL)::int",
             "(p.ver_at IS NOT NULL)::int", "(p.sign_at IS NOT NULL)::int",
             "(p.close_at IS NOT NULL AND p.color <> 'green')::int", "(p.pub_at IS NOT NULL)::int",
             "(p.out_at IS NOT NULL)::int"]
    return "(" + " + ".join(parts) + ")"


def pg_events_sql(c, users):
    rows = pg_event_rows(c, users)
    values = ",\n    ".join(
        f"('{k}', {ts}, '{action}', {fs}, {ts2}, {actor[0]}, {actor[1]}, {detail})"
        for k, ts, action, fs, ts2, actor, detail in rows)
    return f"""
INSERT INTO suggestion_events (id, suggestion_id, occurred_at, actor_id, actor_name, action,
                               from_status, to_status, detail)
SELECT {u7('e.ts', 'p.h', '9', "e.k")}, p.id, e.ts, e.actor_id, e.actor_name, e.action, e.fs, e.tos, e.detail
FROM bench_gen.plan p
LEFT JOIN bench_gen.unit cu1 ON cu1.i = p.cu1
LEFT JOIN bench_gen.unit cu2 ON cu2.i = p.cu2
CROSS JOIN LATERAL (VALUES
    {values}
) AS e(k, ts, action, fs, tos, actor_id, actor_name, detail)
WHERE e.ts IS NOT NULL
ORDER BY p.i;
"""


def pg_children_sql(c, users):
    staff, leader, unit_user = users["bench-staff"], users["bench-leader"], users["bench-unit"]
    cst = sql_cst_date
    topics = [t for row in TOPICS for t in row]
    topic = f"{arr(topics)}[1 + p.cat_idx * {N_TOPICS} + p.topic_idx]"
    return f"""
INSERT INTO suggestion_co_signers (suggestion_id, deputy_id, position, withdrawn_at)
SELECT p.id, d.id, x.pos, NULL
FROM bench_gen.plan p
CROSS JOIN LATERAL (VALUES (0, p.cs1), (1, p.cs2)) AS x(pos, idx)
JOIN bench_gen.dep d ON d.i = x.idx
ORDER BY p.i, x.pos;

INSERT INTO suggestion_co_units (suggestion_id, unit_id, deadline, opinion, opinion_at)
SELECT p.id, u.id, p.deadline0 - 15, NULL, NULL
FROM bench_gen.plan p
CROSS JOIN LATERAL (VALUES (0, p.cu1), (1, p.cu2)) AS x(pos, idx)
JOIN bench_gen.unit u ON u.i = x.idx
ORDER BY p.i, x.pos;

INSERT INTO suggestion_assignments (id, suggestion_id, lead_unit_id, started_at, ended_at, end_reason)
SELECT {u7('p.asg_at', 'p.h', 'a')}, p.id, p.unit_id, p.asg_at, NULL, NULL
FROM bench_gen.plan p WHERE p.asg_at IS NOT NULL ORDER BY p.i;

INSERT INTO suggestion_replies (id, suggestion_id, round, unit_id, category, content, document_number,
                                signed_by, responsible_person, handler_name, handler_phone, reply_date,
                                created_by, created_at)
SELECT {u7('p.rep_at', 'p.h', 'b')}, p.id, 1, p.unit_id, p.rep_cat,
       CASE p.rep_cat WHEN 'A' THEN {q(REPLY_TEXT['A'])} WHEN 'B' THEN {q(REPLY_TEXT['B'])} ELSE {q(REPLY_TEXT['C'])} END,
       '承办函〔' || extract(year FROM {cst('p.rep_at')})::int || '〕' || (p.i % 997 + 1) || '号',
       {arr(PEOPLE)}[1 + p.i % 8], {arr(PEOPLE)}[1 + (p.i + 3) % 8], {arr(PEOPLE)}[1 + (p.i + 5) % 8],
       '0527-8435' || lpad((p.unit_idx % 10000)::text, 4, '0'),
       {cst('p.rep_at')},
       CASE WHEN p.unit_idx = 1 THEN '{unit_user}'::uuid ELSE '{staff}'::uuid END,
       p.rep_at
FROM bench_gen.plan p WHERE p.rep_at IS NOT NULL ORDER BY p.i;

INSERT INTO suggestion_commitments (id, suggestion_id, reply_id, content, due_date, status, progress,
                                    fulfilled_at, updated_at)
SELECT {u7('p.rep_at', 'p.h', 'a')}, p.id, {u7('p.rep_at', 'p.h', 'b')},
       '年内完成' || {topic} || '相关工作', {cst('p.rep_at')} + 180,
       CASE WHEN f.fulfilled IS NOT NULL THEN 'fulfilled' ELSE 'open' END,
       CASE WHEN f.fulfilled IS NOT NULL THEN '已全部完成' ELSE NULL END,
       f.fulfilled, COALESCE(f.fulfilled, p.rep_at)
FROM bench_gen.plan p
CROSS JOIN LATERAL (SELECT CASE WHEN p.status = 'closed' AND p.r_fulfil < {P_FULFILLED}
                                 AND p.rep_at + interval '150 days' <= TIMESTAMPTZ '{c['now']}'
                            THEN p.rep_at + interval '150 days' END AS fulfilled) f
WHERE p.rep_at IS NOT NULL AND p.rep_cat = 'B' ORDER BY p.i;

INSERT INTO suggestion_records (id, suggestion_id, kind, occurred_on, participants, content, created_by, created_at)
SELECT x.rid, p.id, x.kind, {cst('x.occurred')}, x.participants, x.body, x.author, x.occurred
FROM bench_gen.plan p
CROSS JOIN LATERAL (VALUES
    ({u7('p.note_at', 'p.h', 'b')}, 'supervision_note', p.note_at, NULL,
     '督办领导听取承办单位办理情况汇报，要求加快推进、按期办结。', '{leader}'::uuid),
    ({u7('p.ver_at', 'p.h', 'a')}, 'verification', p.ver_at, '代表工委、承办单位',
     '会同领衔代表上门查验建议办理落实情况，相关措施已落实。', '{staff}'::uuid)
) AS x(rid, kind, occurred, participants, body, author)
WHERE x.occurred IS NOT NULL ORDER BY p.i;
"""


# The suggestions were written past the application: at its next start it
# counts the handling figures and indexes the keywords of what is stored.
FORGET_DERIVED = ("DELETE FROM settings WHERE key IN "
                  "('suggestion_figures', 'suggestion_tallies', 'suggestion_search');")


def pg_counters(pg):
    return pg.run("""
INSERT INTO suggestion_counters (year, last_number)
SELECT reg_year, max(seq) FROM bench_gen.plan WHERE seq IS NOT NULL GROUP BY reg_year
ON CONFLICT (year) DO UPDATE SET last_number = GREATEST(suggestion_counters.last_number, EXCLUDED.last_number);
""" + FORGET_DERIVED)[0]


def pg_load(args, c, api, timer):
    pg = Pg(args.pg, args.jobs)
    if not pg.superuser:
        log("note: not a superuser; foreign keys are checked row by row (slower)")
    timer.run("check the database", pg_check_fresh, pg)
    admin = timer.run("admin sign-in (API)", admin_signin(args, api))
    counts, bench_unit, bench_dep = timer.run("units, deputies, memberships", pg_units_deputies, pg, c)
    users = timer.run("bench accounts (API)", setup_accounts, args, api, admin, bench_dep, bench_unit)
    timer.run("plan of the suggestions", pg_plan, pg, c)
    counts["suggestions"] = timer.run("suggestions", pg_suggestions, pg, c, users)
    res = timer.run("timeline events and side tables (parallel)", pg.run_parallel,
                    [pg_events_sql(c, users), pg_children_sql(c, users)])
    counts["suggestion_events"] = res[0][0]
    for name, n in zip(["suggestion_co_signers", "suggestion_co_units", "suggestion_assignments",
                        "suggestion_replies", "suggestion_commitments", "suggestion_records"], res[1]):
        counts[name] = n
    counts["suggestion_counters"] = timer.run("year counters", pg_counters, pg)
    counts["duty_records"] = timer.run("duty records", pg_duty_records, pg, c)
    timer.run("change feed numbers", pg.run, PG_NUMBER_CHANGES)
    summary = pg_summary(pg)
    if not args.keep_scratch:
        pg.run("DROP SCHEMA bench_gen CASCADE;", preamble=False)
    timer.run("VACUUM ANALYZE", pg.run, "SET maintenance_work_mem = '512MB';\nVACUUM (ANALYZE);", False)
    return counts, users, bench_unit, bench_dep, summary


# What `renda_number_changes()` does after each commit, set-based and in
# one run: the bulk rows were written without the server, so none of them
# is numbered yet. The server's own runs meanwhile kept the plans they
# made while the tables were empty (a join that reads a whole table for
# each row it numbers: half an hour and more at a million): ANALYZE has
# them planned afresh, and a run still going on an old plan is cancelled.
PG_NUMBER_CHANGES = """ANALYZE;
SELECT count(pg_cancel_backend(pid)) FROM pg_stat_activity
 WHERE datname = current_database() AND pid <> pg_backend_pid()
   AND query LIKE 'SELECT renda_number_changes()%';
DO $$
DECLARE t text;
BEGIN
  -- As a numbering run does: a server's runs meanwhile leave it to this one.
  LOCK TABLE change_counter IN EXCLUSIVE MODE;
  FOR t IN SELECT table_name FROM information_schema.columns
           WHERE table_schema = current_schema() AND column_name = 'change_seq' LOOP
    EXECUTE format('UPDATE %I SET change_seq = nextval(''renda_change_numbers'') WHERE change_seq IS NULL', t);
  END LOOP;
END $$;
"""


def pg_summary(pg):
    combos = pg.rows("SELECT status, coalesce(color, '-'), count(*) FROM bench_gen.plan GROUP BY 1, 2 ORDER BY 3 DESC")
    terms = pg.rows("SELECT term, count(*) FROM suggestions GROUP BY 1 ORDER BY 1")
    return {"combos": [(s, col, int(n)) for s, col, n in combos], "terms": [(t, int(n)) for t, n in terms]}


# --------------------------------------------------------------------------
# SQLite: rows generated in Python, executemany in one transaction.

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def ts_text(t):
    return f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond:06d}+00:00"


def uuid7(rng, t):
    ms = (t - EPOCH) // dt.timedelta(milliseconds=1)
    r = bytearray(rng.getrandbits(80).to_bytes(10, "big"))
    r[0] = 0x70 | (r[0] & 0x0F)
    r[2] = 0x80 | (r[2] & 0x3F)
    return ms.to_bytes(6, "big") + bytes(r)


def uuid_text(b):
    h = b.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def uuid_bytes(s):
    return bytes.fromhex(s.replace("-", ""))


def sqlite_open(path):
    if not os.path.exists(path):
        sys.exit(f"{path} does not exist: start renda on it once to create and migrate it")
    db = sqlite3.connect(path, timeout=120, isolation_level=None)
    db.execute("PRAGMA busy_timeout = 120000")
    return db


def sqlite_check_fresh(db):
    try:
        units, deputies, suggestions, cats = db.execute(
            "SELECT (SELECT count(*) FROM units), (SELECT count(*) FROM deputies), "
            "(SELECT count(*) FROM suggestions), (SELECT count(*) FROM suggestion_categories)").fetchone()
    except sqlite3.Error as e:
        sys.exit(f"the database is not migrated (start renda on it once): {e}")
    if units or deputies or suggestions:
        sys.exit(f"the database is not fresh: {units} units, {deputies} deputies, {suggestions} suggestions")
    if cats == 0:
        sys.exit("suggestion_categories is empty: is the database migrated?")


def sqlite_units_deputies(db, c, rng):
    unit_t0 = c["unit_t0_dt"]
    dep_t0 = c["dep_t0_dt"]
    nd, na = len(DEPTS), len(AREAS)
    units, deputies, memberships = [], [], []
    for i in range(1, c["units"] + 1):
        t = unit_t0 + dt.timedelta(seconds=i)
        name = AREAS[((i - 1) // nd) % na] + DEPTS[(i - 1) % nd][0]
        if i > na * nd:
            name += f"（{(i - 1) // (na * nd) + 1}）"
        units.append((uuid7(rng, t), name, DEPTS[(i - 1) % nd][1], PEOPLE[i % len(PEOPLE)],
                      f"0527-8435{i:04d}", None, AREAS[((i - 1) // nd) % na] + "行政中心", None,
                      ts_text(t), ts_text(t), None, 1))
    for i in range(1, c["deputies"] + 1):
        t = dep_t0 + dt.timedelta(milliseconds=50 * i)
        r = [rng.random() for _ in range(12)]
        pick = lambda items, x: items[min(int(x * len(items)), len(items) - 1)]
        name = pick(SURNAMES, r[0]) + pick(GIVEN, r[1]) + (pick(GIVEN, r[3]) if r[2] < 0.65 else "")
        party = ("中国共产党" if r[7] < 0.65 else pick(PARTIES, (r[7] - 0.65) / 0.1) if r[7] < 0.75
                 else "无党派人士" if r[7] < 0.82 else "群众")
        did = uuid7(rng, t)
        place = pick(PLACES, r[10])
        deputies.append((did, name, "male" if r[4] < 0.55 else "female",
                         "汉族" if r[5] < 0.93 else pick(ETHNIC, (r[5] - 0.93) / 0.07),
                         (dt.date(1955, 1, 1) + dt.timedelta(days=int(r[6] * 12775))).isoformat(),
                         party, pick(EDUCATION, r[8]), pick(OCCUPATIONS, r[9]), place + pick(WORKPLACES, r[11]),
                         None, None, None, "active", ts_text(t), ts_text(t), None, 1))
        memberships.append((uuid7(rng, t), did, 0, "county", "第十八届", place + "选区", None,
                            "2021-12-20", None, "serving"))
        if r[11] < 0.3:
            memberships.append((uuid7(rng, t), did, 1, "county", "第十七届", place + "选区", None,
                                "2016-12-20", "2021-12-19", "ended"))
    db.execute("BEGIN IMMEDIATE")
    db.executemany("INSERT INTO units (id, name, kind, contact_person, contact_phone, email, address, description,"
                   " created_at, updated_at, deleted_at, version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", units)
    db.executemany("INSERT INTO deputies (id, name, gender, ethnicity, birth_date, party, education, occupation,"
                   " work_unit, phone, phone_index, photo_url, status, created_at, updated_at, deleted_at, version)"
                   " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", deputies)
    db.executemany("INSERT INTO deputy_memberships (id, deputy_id, position, level, term, constituency,"
                   " delegation, start_date, end_date, status) VALUES (?,?,?,?,?,?,?,?,?,?)", memberships)
    db.execute("COMMIT")
    unit_ids = [u[0] for u in units]
    dep_ids = [d[0] for d in deputies]
    return ({"units": len(units), "deputies": len(deputies), "deputy_memberships": len(memberships)},
            unit_ids, dep_ids)


def plan_one(i, rng, c):
    """One suggestion's course, as in pg_plan."""
    T, today = c["now_dt"], c["today_d"]
    D, U = c["deputies"], c["units"]
    r = rng.random
    p = {"i": i}
    created = c["start_dt"] + dt.timedelta(seconds=((i - 1) + r()) * c["slot_secs"])
    p["created_at"] = created
    days = lambda x: dt.timedelta(days=x)
    g = lambda t: t if t is not None and t <= T else None
    p["dep_idx"] = 1 if i % c["k_dep"] == 0 else 2 + int(r() * (D - 1))
    unit_idx = 1 if i % BENCH_UNIT_EVERY == 0 else 2 + int(r() * (U - 1))
    rc = r()
    color0 = "green" if rc < P_GREEN else "yellow" if rc < P_YELLOW else "red"
    sub0 = created + days(0.05 + r() * 5) if r() >= P_DRAFT_STALL else None
    rejected = r() < P_REJECT
    rres = r()
    result0 = "satisfied" if rres < P_SAT else "basically_satisfied" if rres < P_BASIC else "unsatisfied"
    rev0 = sub0 + days(0.5 + r() * 9.5) if sub0 else None
    days0 = 30 if color0 == "green" else 90
    p["sub_at"] = g(sub0)
    p["rej_at"] = g(rev0) if rejected else None
    p["reg_at"] = g(rev0) if not rejected else None
    regstall, r_asg = r() < P_REG_STALL, r()
    asg = g(rev0 + days(0.5 + r_asg * 9.5)) if (rev0 and not rejected and not regstall) else None
    p["asg_at"] = asg
    assigned_on = cst_date(asg) if asg else None
    deadline0 = assigned_on + dt.timedelta(days=days0) if asg else None
    asgstall, late, r_rep = r() < P_ASG_STALL, r() < P_LATE, r()
    if asg is None or asgstall:
        rep = None
    elif late:
        rep = g(asg + days(days0 + 1.2 + r_rep * 40))
    else:
        rep = g(asg + days(0.3 + r_rep * (days0 - 1.3)))
    repstall, r_eval = r() < P_REP_STALL, r()
    ev = g(rep + days(0.5 + r_eval * 20)) if (rep and not repstall) else None
    result = None
    reh_deadline = None
    if ev:
        ed = cst_date(ev)
        latest = add_months(assigned_on, 6)
        if color0 == "red":
            latest = min(latest, assigned_on + dt.timedelta(days=180))
        reh_deadline = max(ed, min(ed + dt.timedelta(days=30), latest))
        result = "basically_satisfied" if (result0 == "unsatisfied" and reh_deadline < today) else result0
    sat = result in ("satisfied", "basically_satisfied")
    r_ver, r_note, r_sign, r_close = r(), r(), r(), r()
    ver = g(ev + days(0.5 + r_ver * 14)) if (color0 == "yellow" and sat) else None
    note = g(rep + days(0.3 + r_note * 10)) if (color0 == "red" and rep) else None
    sign = g(max(ev, note) + days(0.3 + r_sign * 7)) if (color0 == "red" and sat and note) else None
    if not sat:
        close = None
    elif color0 == "green":
        close = ev
    elif color0 == "yellow":
        close = g(ver + days(0.3 + r_close * 7)) if ver else None
    else:
        close = g(sign + days(0.3 + r_close * 7)) if sign else None
    r_pub, r_pubd, r_out, r_outd = r(), r(), r(), r()
    pub = g(close + days(1 + r_pubd * 30)) if (close and r_pub < P_PUBLISH) else None
    out = g(close + days(0.5 + r_outd * 20)) if (close and r_out < P_OUTSTANDING) else None
    if p["sub_at"] is None:
        status = "draft"
    elif p["rej_at"]:
        status = "not_registered"
    elif p["reg_at"] is None:
        status = "submitted"
    elif asg is None:
        status = "registered"
    elif rep is None:
        status = "assigned"
    elif ev is None:
        status = "replied"
    elif result == "unsatisfied":
        status = "rehandling"
    elif close:
        status = "closed"
    else:
        status = "replied"
    rep_late = bool(rep) and cst_date(rep) > deadline0
    r_ovd, r_upd = r(), r()
    ovd = None
    if rep_late or (status == "assigned" and deadline0 < today):
        ovd = min(cst_midnight(deadline0 + dt.timedelta(days=1)) + dt.timedelta(seconds=60 + r_ovd * 600),
                  T - dt.timedelta(seconds=1))
    upd = (created + min(dt.timedelta(days=1), T - created) * (0.02 + r_upd * 0.3)) if status == "draft" else None
    rcs, rcs1, rcs2, rcu, rcu1, rcu2 = r(), r(), r(), r(), r(), r()
    n_cs = 2 if rcs < P_CS2 else 1 if rcs < P_CS1 else 0
    n_cu = 0 if asg is None else 2 if rcu < P_CU2 else 1 if rcu < P_CU1 else 0
    dep_idx = p["dep_idx"]
    off1 = 1 + int(rcs1 * (D - 1))
    step2 = 1 + int(rcs2 * max(D - 2, 1))
    p["cs"] = [x for x in [(dep_idx - 1 + off1) % D + 1 if n_cs >= 1 else None,
                           (dep_idx - 1 + 1 + (off1 - 1 + step2) % max(D - 1, 1)) % D + 1 if n_cs >= 2 else None]
               if x is not None]
    uoff1 = 1 + int(rcu1 * (U - 1))
    ustep2 = 1 + int(rcu2 * max(U - 2, 1))
    p["cu"] = [x for x in [(unit_idx - 1 + uoff1) % U + 1 if n_cu >= 1 else None,
                           (unit_idx - 1 + 1 + (uoff1 - 1 + ustep2) % max(U - 1, 1)) % U + 1 if n_cu >= 2 else None]
               if x is not None]
    rrc = r()
    p.update(
        status=status, color=color0 if asg else None, unit_idx=unit_idx if asg else None,
        cat_idx=int(r() * len(CATEGORIES)), topic_idx=int(r() * N_TOPICS), place_idx=int(r() * len(PLACES)),
        tail_idx=int(r() * len(CONTENT_TAIL)),
        source=(lambda x: "deputy" if x < P_SRC_DEPUTY else "constituent_opinion" if x < P_SRC_OPINION
                else "collection_drive")(r()),
        timing="during_session" if r() < P_DURING_SESSION else "between_sessions",
        upd_at=upd, assigned_on=assigned_on, deadline0=deadline0,
        deadline=(reh_deadline if status == "rehandling" else deadline0),
        ovd_at=ovd, overdue_recorded=ovd is not None and status != "rehandling",
        rep_at=rep, replied_on_time=(not rep_late) if rep else None,
        eval_at=ev, result=result, ver_at=ver, note_at=note, sign_at=sign,
        close_at=close if status == "closed" else None,
        pub_at=pub if status == "closed" else None,
        out_at=out if status == "closed" else None,
        rep_cat="A" if rrc < P_REPLY_A else "B" if rrc < P_REPLY_B else "C",
        r_fulfil=r(), reason_idx=int(r() * len(REJECT_REASONS)),
    )
    return p


def sqlite_suggestions(db, c, rng, users, unit_ids, dep_ids):
    staff, leader = uuid_bytes(users["bench-staff"]), uuid_bytes(users["bench-leader"])
    dep_user, unit_user = uuid_bytes(users["bench-deputy"]), uuid_bytes(users["bench-unit"])
    T = c["now_dt"]
    n = c["n"]
    plans = [plan_one(i, rng, c) for i in range(1, n + 1)]
    # Numbers: in order of registration within each year (CST).
    regs = sorted((p for p in plans if p["reg_at"]), key=lambda p: (p["reg_at"], p["i"]))
    counters = {}
    for p in regs:
        y = cst_date(p["reg_at"]).year
        counters[y] = counters.get(y, 0) + 1
        p["number"] = f"{y}-{counters[y]:04d}"
    counts = {k: 0 for k in ["suggestions", "suggestion_events", "suggestion_co_signers", "suggestion_co_units",
                             "suggestion_assignments", "suggestion_replies", "suggestion_commitments",
                             "suggestion_records"]}
    jd = lambda o: json.dumps(o, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    t = ts_text
    tn = lambda x: ts_text(x) if x else None
    dn = lambda x: x.isoformat() if x else None
    db.execute("BEGIN IMMEDIATE")
    chunk = 20000
    for start in range(0, n, chunk):
        sugg, events, cosig, counit, assign, replies, commits, records = [], [], [], [], [], [], [], []
        for p in plans[start:start + chunk]:
            sid = uuid7(rng, p["created_at"])
            lead = dep_ids[p["dep_idx"] - 1]
            unit = unit_ids[p["unit_idx"] - 1] if p["unit_idx"] else None
            topic = TOPICS[p["cat_idx"]][p["topic_idx"]]
            place = PLACES[p["place_idx"]]
            term, session = term_session(p["created_at"])
            is_bench_dep = p["dep_idx"] == 1
            dep_actor = (dep_user, "bench-deputy") if is_bench_dep else (None, f"deputy-{p['dep_idx']:05d}")
            unit_actor = ((unit_user, "bench-unit") if p["unit_idx"] == 1
                          else (None, f"unit-{p['unit_idx']:03d}" if p["unit_idx"] else None))
            S, L, SYS = (staff, "bench-staff"), (leader, "bench-leader"), (None, "system")
            color, result = p["color"], p["result"]
            cu_ids = [unit_ids[x - 1] for x in p["cu"]]
            ev = []

            def add(ts, action, fs, to, actor, detail=None):
                if ts is not None:
                    ev.append((uuid7(rng, ts), sid, t(ts), actor[0], actor[1], action, fs, to,
                               jd(detail) if detail is not None else None))

            add(p["created_at"], "created", None, "draft", dep_actor)
            add(p["upd_at"], "draft_updated", "draft", "draft", dep_actor)
            add(p["sub_at"], "submitted", "draft", "submitted", dep_actor)
            add(p["rej_at"], "rejected", "submitted", "not_registered", S,
                {"reason": REJECT_REASONS[p["reason_idx"]]})
            add(p["reg_at"], "registered", "submitted", "registered", S)
            if p["asg_at"]:
                add(p["asg_at"], "assigned", "registered", "assigned", S,
                    {"co_unit_ids": [uuid_text(u) for u in cu_ids], "color": color,
                     "due_date": p["deadline0"].isoformat(), "lead_unit_id": uuid_text(unit)})
            if p["ovd_at"]:
                add(p["ovd_at"], "became_overdue", "assigned", "assigned", SYS,
                    {"due_date": p["deadline0"].isoformat(), "on": cst_date(p["ovd_at"]).isoformat()})
            if p["rep_at"]:
                add(p["rep_at"], "replied", "assigned", "replied", unit_actor, {"category": p["rep_cat"], "round": 1})
            if p["eval_at"]:
                to = "rehandling" if result == "unsatisfied" else "closed" if color == "green" else "replied"
                add(p["eval_at"], "evaluated", "replied", to, dep_actor,
                    {"comment": "办理措施尚未落实，群众反映问题依然存在" if result == "unsatisfied" else None,
                     "due_date": (p["deadline"] if result == "unsatisfied" else p["deadline0"]).isoformat(),
                     "result": result})
            if p["note_at"]:
                st = "rehandling" if (result == "unsatisfied" and p["note_at"] > p["eval_at"]) else "replied"
                add(p["note_at"], "supervision_note", st, st, L, {"occurred_on": cst_date(p["note_at"]).isoformat()})
            if p["ver_at"]:
                add(p["ver_at"], "verification", "replied", "replied", S,
                    {"occurred_on": cst_date(p["ver_at"]).isoformat()})
            add(p["sign_at"], "signed_off", "replied", "replied", L)
            if p["close_at"] and color != "green":
                add(p["close_at"], "closed", "replied", "closed", S)
            add(p["pub_at"], "published", "closed", "closed", S)
            add(p["out_at"], "outstanding_marked", "closed", "closed", S,
                {"outstanding": True, "reason": "建议质量高，推动解决了群众急难愁盼问题"})
            events.extend(ev)
            last = max(x for x in [p["created_at"], p["upd_at"], p["sub_at"], p["rej_at"], p["reg_at"],
                                   p["asg_at"], p["ovd_at"], p["rep_at"], p["eval_at"], p["ver_at"],
                                   p["note_at"], p["sign_at"], p["close_at"], p["pub_at"], p["out_at"]] if x)
            sugg.append((
                sid, p.get("number"), f"关于{place}{topic}的建议",
                f"{place}的{topic}问题群众反映较多，关系群众切身利益。{CONTENT_TAIL[p['tail_idx']]}",
                CATEGORIES[p["cat_idx"]], term, session, p["timing"], lead, p["source"], None,
                p["status"], color, unit, leader if color == "red" else None,
                dn(p["assigned_on"]), dn(p["deadline"]) if p["asg_at"] else None, int(p["overdue_recorded"]),
                tn(p["sub_at"]), tn(p["reg_at"]), tn(p["asg_at"]), tn(p["rep_at"]), tn(p["close_at"]),
                REJECT_REASONS[p["reason_idx"]] if p["rej_at"] else None,
                result, "办理措施尚未落实，群众反映问题依然存在" if result == "unsatisfied" else None,
                tn(p["eval_at"]), tn(p["sign_at"]), leader if p["sign_at"] else None, tn(p["pub_at"]),
                int(p["out_at"] is not None),
                "建议质量高，推动解决了群众急难愁盼问题" if p["out_at"] else None,
                dep_user if is_bench_dep else staff, t(p["created_at"]), t(last), None, len(ev),
                None if p["replied_on_time"] is None else int(p["replied_on_time"]),
                cst_date(p["reg_at"] or p["created_at"]).year,
            ))
            for pos, x in enumerate(p["cs"]):
                cosig.append((sid, dep_ids[x - 1], pos, None))
            for u in cu_ids:
                counit.append((sid, u, (p["deadline0"] - dt.timedelta(days=15)).isoformat(), None, None))
            if p["asg_at"]:
                assign.append((uuid7(rng, p["asg_at"]), sid, unit, t(p["asg_at"]), None, None))
            if p["rep_at"]:
                rid = uuid7(rng, p["rep_at"])
                rd = cst_date(p["rep_at"])
                replies.append((rid, sid, 1, unit, p["rep_cat"], REPLY_TEXT[p["rep_cat"]],
                                f"承办函〔{rd.year}〕{p['i'] % 997 + 1}号", PEOPLE[p["i"] % 8],
                                PEOPLE[(p["i"] + 3) % 8], PEOPLE[(p["i"] + 5) % 8],
                                f"0527-8435{p['unit_idx'] % 10000:04d}", rd.isoformat(),
                                unit_user if p["unit_idx"] == 1 else staff, t(p["rep_at"])))
                if p["rep_cat"] == "B":
                    f_at = p["rep_at"] + dt.timedelta(days=150)
                    fulfilled = p["status"] == "closed" and p["r_fulfil"] < P_FULFILLED and f_at <= T
                    commits.append((uuid7(rng, p["rep_at"]), sid, rid, f"年内完成{topic}相关工作",
                                    (rd + dt.timedelta(days=180)).isoformat(),
                                    "fulfilled" if fulfilled else "open", "已全部完成" if fulfilled else None,
                                    t(f_at) if fulfilled else None, t(f_at if fulfilled else p["rep_at"])))
            if p["note_at"]:
                records.append((uuid7(rng, p["note_at"]), sid, "supervision_note",
                                cst_date(p["note_at"]).isoformat(), None,
                                "督办领导听取承办单位办理情况汇报，要求加快推进、按期办结。", leader, t(p["note_at"])))
            if p["ver_at"]:
                records.append((uuid7(rng, p["ver_at"]), sid, "verification", cst_date(p["ver_at"]).isoformat(),
                                "代表工委、承办单位", "会同领衔代表上门查验建议办理落实情况，相关措施已落实。",
                                staff, t(p["ver_at"])))
        db.executemany(
            "INSERT INTO suggestions (id, number, title, content, category, term, session, timing, lead_deputy_id,"
            " source, source_ref, status, color, lead_unit_id, supervisor_id, assigned_on, deadline,"
            " overdue_recorded, submitted_at, registered_at, assigned_at, replied_at, closed_at, reject_reason,"
            " evaluation_result, evaluation_comment, evaluated_at, signed_off_at, signed_off_by, published_at,"
            " outstanding, outstanding_reason, created_by, created_at, updated_at, deleted_at, version,"
            " replied_on_time, year) VALUES (" + ",".join("?" * 39) + ")", sugg)
        db.executemany("INSERT INTO suggestion_events (id, suggestion_id, occurred_at, actor_id, actor_name, action,"
                       " from_status, to_status, detail) VALUES (?,?,?,?,?,?,?,?,?)", events)
        db.executemany("INSERT INTO suggestion_co_signers (suggestion_id, deputy_id, position, withdrawn_at)"
                       " VALUES (?,?,?,?)", cosig)
        db.executemany("INSERT INTO suggestion_co_units (suggestion_id, unit_id, deadline, opinion, opinion_at)"
                       " VALUES (?,?,?,?,?)", counit)
        db.executemany("INSERT INTO suggestion_assignments (id, suggestion_id, lead_unit_id, started_at, ended_at,"
                       " end_reason) VALUES (?,?,?,?,?,?)", assign)
        db.executemany("INSERT INTO suggestion_replies (id, suggestion_id, round, unit_id, category, content,"
                       " document_number, signed_by, responsible_person, handler_name, handler_phone, reply_date,"
                       " created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", replies)
        db.executemany("INSERT INTO suggestion_commitments (id, suggestion_id, reply_id, content, due_date, status,"
                       " progress, fulfilled_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)", commits)
        db.executemany("INSERT INTO suggestion_records (id, suggestion_id, kind, occurred_on, participants, content,"
                       " created_by, created_at) VALUES (?,?,?,?,?,?,?,?)", records)
        for k, rows in [("suggestions", sugg), ("suggestion_events", events), ("suggestion_co_signers", cosig),
                        ("suggestion_co_units", counit), ("suggestion_assignments", assign),
                        ("suggestion_replies", replies), ("suggestion_commitments", commits),
                        ("suggestion_records", records)]:
            counts[k] += len(rows)
        log(f"   {min(start + chunk, n)} / {n} suggestions")
    db.executemany("INSERT INTO suggestion_counters (year, last_number) VALUES (?, ?) "
                   "ON CONFLICT (year) DO UPDATE SET last_number = max(last_number, excluded.last_number)",
                   sorted(counters.items()))
    counts["suggestion_counters"] = len(counters)
    db.execute("COMMIT")
    combos = {}
    for p in plans:
        k = (p["status"], p["color"] or "-")
        combos[k] = combos.get(k, 0) + 1
    return counts, sorted(((s, col, n) for (s, col), n in combos.items()), key=lambda x: -x[2])


def sqlite_duty_records(db, c, rng, dep_ids):
    """The duty records of pg_duty_records, for SQLite."""
    today = c["today_d"]
    rows = []
    for did in dep_ids:
        for g in range(DUTIES_PER_DEPUTY):
            day = today - dt.timedelta(days=int(rng.random() * 1826))
            kind, title = DUTY_KINDS[min(int(rng.random() * len(DUTY_KINDS)), len(DUTY_KINDS) - 1)]
            t = cst_midnight(day) + dt.timedelta(hours=10, milliseconds=g)
            rows.append((uuid7(rng, t), did, kind, day.isoformat(), title, 1, ts_text(t), ts_text(t), 1))
    rows.sort(key=lambda r: r[6])
    db.execute("BEGIN IMMEDIATE")
    db.executemany("INSERT INTO duty_records (id, deputy_id, kind, occurred_on, title, content, ref_type,"
                   " ref_id, manual, created_by, created_at, updated_at, deleted_at, version)"
                   " VALUES (?,?,?,?,?,NULL,NULL,NULL,?,NULL,?,?,NULL,?)", rows)
    db.execute("COMMIT")
    return len(rows)


def sqlite_load(args, c, api, timer):
    rng = random.Random(c["seed"])
    db = sqlite_open(args.sqlite)
    timer.run("check the database", sqlite_check_fresh, db)
    admin = timer.run("admin sign-in (API)", admin_signin(args, api))
    counts, unit_ids, dep_ids = timer.run("units, deputies, memberships", sqlite_units_deputies, db, c, rng)
    bench_unit, bench_dep = uuid_text(unit_ids[0]), uuid_text(dep_ids[0])
    users = timer.run("bench accounts (API)", setup_accounts, args, api, admin, bench_dep, bench_unit)
    more, combos = timer.run("suggestions and their rows", sqlite_suggestions, db, c, rng, users, unit_ids, dep_ids)
    counts.update(more)
    counts["duty_records"] = timer.run("duty records", sqlite_duty_records, db, c, rng, dep_ids)
    db.execute(FORGET_DERIVED)
    db.commit()
    timer.run("ANALYZE", db.execute, "ANALYZE")
    terms = db.execute("SELECT term, count(*) FROM suggestions GROUP BY 1 ORDER BY 1").fetchall()
    db.close()
    return counts, users, bench_unit, bench_dep, {"combos": combos, "terms": terms}



# --------------------------------------------------------------------------
# --verify: the loaded rows checked against the application's rules, and a
# few reads through the API as each bench account.

CHECKS = [
    ("events of no suggestion", "SELECT count(*) FROM suggestion_events e WHERE NOT EXISTS "
     "(SELECT 1 FROM suggestions s WHERE s.id = e.suggestion_id)"),
    ("suggestions of no deputy", "SELECT count(*) FROM suggestions s WHERE NOT EXISTS "
     "(SELECT 1 FROM deputies d WHERE d.id = s.lead_deputy_id)"),
    ("suggestions of no unit", "SELECT count(*) FROM suggestions s WHERE lead_unit_id IS NOT NULL AND NOT EXISTS "
     "(SELECT 1 FROM units u WHERE u.id = s.lead_unit_id)"),
    ("bad co-signers", "SELECT count(*) FROM suggestion_co_signers c WHERE NOT EXISTS "
     "(SELECT 1 FROM deputies d WHERE d.id = c.deputy_id) OR EXISTS "
     "(SELECT 1 FROM suggestions s WHERE s.id = c.suggestion_id AND s.lead_deputy_id = c.deputy_id)"),
    ("bad co-units", "SELECT count(*) FROM suggestion_co_units c WHERE NOT EXISTS "
     "(SELECT 1 FROM units u WHERE u.id = c.unit_id) OR NOT EXISTS "
     "(SELECT 1 FROM suggestions s WHERE s.id = c.suggestion_id AND s.lead_unit_id <> c.unit_id)"),
    ("replies not of the lead unit", "SELECT count(*) FROM suggestion_replies r WHERE NOT EXISTS "
     "(SELECT 1 FROM suggestions s WHERE s.id = r.suggestion_id AND s.lead_unit_id = r.unit_id)"),
    ("assignments not of the lead unit", "SELECT count(*) FROM suggestion_assignments r WHERE NOT EXISTS "
     "(SELECT 1 FROM suggestions s WHERE s.id = r.suggestion_id AND s.lead_unit_id = r.lead_unit_id)"),
    ("commitments of no B reply", "SELECT count(*) FROM suggestion_commitments r WHERE NOT EXISTS "
     "(SELECT 1 FROM suggestion_replies p WHERE p.id = r.reply_id AND p.suggestion_id = r.suggestion_id "
     "AND p.category = 'B')"),
    ("records of no suggestion", "SELECT count(*) FROM suggestion_records r WHERE NOT EXISTS "
     "(SELECT 1 FROM suggestions s WHERE s.id = r.suggestion_id)"),
    ("supervisors who are no user / red without one", "SELECT count(*) FROM suggestions s WHERE "
     "(supervisor_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = s.supervisor_id)) "
     "OR (color = 'red' AND supervisor_id IS NULL)"),
    ("assigned or later without unit, colour, deadline or spell", "SELECT count(*) FROM suggestions s WHERE "
     "status IN ('assigned', 'replied', 'rehandling', 'closed') AND (lead_unit_id IS NULL OR color IS NULL "
     "OR deadline IS NULL OR assigned_on IS NULL OR NOT EXISTS "
     "(SELECT 1 FROM suggestion_assignments a WHERE a.suggestion_id = s.id))"),
    ("not yet assigned but with unit or colour", "SELECT count(*) FROM suggestions WHERE status IN "
     "('draft', 'submitted', 'registered', 'not_registered') AND (lead_unit_id IS NOT NULL OR color IS NOT NULL)"),
    ("replied or later without reply", "SELECT count(*) FROM suggestions s WHERE status IN "
     "('replied', 'rehandling', 'closed') AND NOT EXISTS "
     "(SELECT 1 FROM suggestion_replies r WHERE r.suggestion_id = s.id)"),
    ("numbers missing or where none belongs", "SELECT count(*) FROM suggestions WHERE "
     "(status IN ('draft', 'submitted', 'not_registered')) = (number IS NOT NULL)"),
    ("year counters behind the numbers", "SELECT count(*) FROM (SELECT substr(number, 1, 4) y, "
     "max(CAST(substr(number, 6) AS INT)) m FROM suggestions WHERE number IS NOT NULL GROUP BY 1) x "
     "LEFT JOIN suggestion_counters c ON c.year = CAST(x.y AS INT) WHERE c.last_number IS NULL "
     "OR c.last_number < x.m"),
    ("overdue but not recorded (the server would catch up)", "SELECT count(*) FROM suggestions WHERE "
     "status IN ('assigned', 'rehandling') AND deadline < '{today}' AND NOT overdue_recorded"),
    ("closed without a closing evaluation", "SELECT count(*) FROM suggestions WHERE status = 'closed' AND "
     "(closed_at IS NULL OR evaluation_result IS NULL OR evaluation_result = 'unsatisfied')"),
    ("closed yellow without verification after the reply", "SELECT count(*) FROM suggestions s WHERE "
     "status = 'closed' AND color = 'yellow' AND NOT EXISTS (SELECT 1 FROM suggestion_records r WHERE "
     "r.suggestion_id = s.id AND r.kind = 'verification' AND r.created_at >= s.replied_at)"),
    ("closed red without supervision notes or sign-off", "SELECT count(*) FROM suggestions s WHERE "
     "status = 'closed' AND color = 'red' AND (signed_off_at IS NULL OR NOT EXISTS (SELECT 1 FROM "
     "suggestion_records r WHERE r.suggestion_id = s.id AND r.kind = 'supervision_note'))"),
    ("published but not closed", "SELECT count(*) FROM suggestions WHERE published_at IS NOT NULL "
     "AND status <> 'closed'"),
    ("version or updated_at not matching the timeline", "SELECT count(*) FROM suggestions s LEFT JOIN "
     "(SELECT suggestion_id, count(*) n, max(occurred_at) m FROM suggestion_events GROUP BY suggestion_id) e "
     "ON e.suggestion_id = s.id WHERE e.n IS NULL OR s.version <> e.n OR s.updated_at <> e.m"),
    ("last timeline state not the suggestion's", "SELECT count(*) FROM suggestions s WHERE "
     "(SELECT e.to_status FROM suggestion_events e WHERE e.suggestion_id = s.id ORDER BY e.id DESC LIMIT 1) "
     "{ne} s.status"),
    ("timeline chain broken (states or times out of order)", "SELECT count(*) FROM (SELECT from_status, "
     "to_status, occurred_at, lag(to_status) OVER w AS prev_to, lag(occurred_at) OVER w AS prev_at, "
     "row_number() OVER w AS rn FROM suggestion_events WINDOW w AS (PARTITION BY suggestion_id ORDER BY id)) x "
     "WHERE (rn = 1 AND (from_status IS NOT NULL OR to_status <> 'draft')) "
     "OR (rn > 1 AND (from_status {ne} prev_to OR occurred_at < prev_at))"),
    ("ids not in creation order", "SELECT count(*) FROM (SELECT created_at, lag(created_at) OVER (ORDER BY id) p "
     "FROM suggestions) x WHERE created_at < p"),
]


def verify_sql(run_scalar, ne, today):
    log("\nChecks (each should be 0):")
    bad = 0
    for name, sql in CHECKS:
        n = int(run_scalar(sql.format(ne=ne, today=today)))
        bad += n != 0
        log(f"  {n:>8}  {name}")
    return bad


def verify_api(api, password):
    log("\nReads through the API:")
    bad = 0
    tokens = {}
    for u in ["bench-staff", "bench-deputy", "bench-unit", "bench-leader"]:
        status, out = api.login(u, password)
        if status != 200:
            log(f"  {status}  sign-in of {u}: {out}")
            return 1
        tokens[u] = out["access_token"]
    me_dep = api.ok("GET", "/api/v1/me", tokens["bench-deputy"])["deputy"]["id"]
    me_unit = api.ok("GET", "/api/v1/me", tokens["bench-unit"])["unit"]["id"]
    paths = [
        ("bench-staff", "/api/v1/suggestions?limit=20"),
        ("bench-staff", "/api/v1/suggestions?limit=20&status=assigned&color=red"),
        ("bench-staff", "/api/v1/suggestions?limit=20&overdue=true"),
        ("bench-staff", "/api/v1/suggestions/stats"),
        ("bench-deputy", f"/api/v1/suggestions?limit=20&deputy_id={me_dep}"),
        ("bench-unit", f"/api/v1/suggestions?limit=20&unit_id={me_unit}"),
        ("bench-leader", "/api/v1/suggestions?limit=20&status=replied&color=red"),
    ]
    for user, path in paths:
        t = time.monotonic()
        status, out = api.call("GET", path, tokens[user])
        ms = (time.monotonic() - t) * 1000
        bad += status != 200
        log(f"  {status} {ms:7.1f} ms  {user:<12} {path}")
        if status == 200 and "items" in out and out["items"]:
            sid = out["items"][0]["id"]
            for sub in ["", "/timeline"]:
                t = time.monotonic()
                st2, _ = api.call("GET", f"/api/v1/suggestions/{sid}{sub}", tokens[user])
                ms = (time.monotonic() - t) * 1000
                bad += st2 != 200
                log(f"  {st2} {ms:7.1f} ms  {user:<12} /api/v1/suggestions/{{id}}{sub}")
    return bad


# --------------------------------------------------------------------------

def admin_signin(args, api):
    return lambda: api.admin_token(args.admin_password, args.admin_new_password)


def setup_accounts(args, api, admin, bench_dep, bench_unit):
    # The server must see the rows just written: deputies' profiles are public.
    status, out = api.call("GET", f"/api/v1/deputies/{bench_dep}")
    if status != 200:
        sys.exit(f"the server at {args.base} does not see deputy {bench_dep} just inserted "
                 f"(GET /api/v1/deputies/{{id}}: {status}); is it running on this database?")
    return create_accounts(api, admin, args.bench_password, bench_dep, bench_unit)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    db = ap.add_mutually_exclusive_group(required=True)
    db.add_argument("--pg", metavar="URL", help="postgres://user@host:port/db")
    db.add_argument("--sqlite", metavar="PATH", help="the renda.db file")
    ap.add_argument("--base", required=True, help="the running server, e.g. http://127.0.0.1:18090")
    ap.add_argument("--admin-password", required=True, help="admin's password (RENDA_ADMIN_PASSWORD)")
    ap.add_argument("--admin-new-password", help="the password admin chooses at first sign-in "
                    "(default: --admin-password followed by -Own)")
    ap.add_argument("--bench-password", default="Bench-Pass-2026", help="password of the bench accounts")
    ap.add_argument("--suggestions", type=int, help="default 1,000,000 (PostgreSQL), 100,000 (SQLite)")
    ap.add_argument("--deputies", type=int, default=10000)
    ap.add_argument("--units", type=int, default=200)
    ap.add_argument("--seed", type=float, default=0.42, help="random seed, between -1 and 1")
    ap.add_argument("--jobs", type=int, default=2, help="PostgreSQL sessions loading at once (default 2)")
    ap.add_argument("--keep-scratch", action="store_true", help="PostgreSQL: keep the bench_gen schema")
    ap.add_argument("--summary-json", metavar="PATH", help="also write accounts, ids and counts as JSON")
    ap.add_argument("--verify", action="store_true",
                    help="afterwards, check the rows against the application's rules and read them through "
                         "the API as each bench account (PostgreSQL 1M: about 40 s more)")
    args = ap.parse_args()
    n = args.suggestions if args.suggestions is not None else (1_000_000 if args.pg else 100_000)
    if n < 1 or args.deputies < 3 or args.units < 3:
        sys.exit("need at least 1 suggestion, 3 deputies and 3 units")
    if not -1 <= args.seed <= 1:
        sys.exit("--seed must be between -1 and 1")
    new_admin_pw = args.admin_new_password or args.admin_password + "-Own"

    now = dt.datetime.now(dt.timezone.utc)  # microsecond precision, as the application keeps
    start = now - dt.timedelta(days=round(365.25 * YEARS))
    end = now - dt.timedelta(hours=1)
    c = {
        "n": n, "deputies": args.deputies, "units": args.units, "seed": args.seed,
        "now": ts_text(now), "now_dt": now, "today": cst_date(now).isoformat(), "today_d": cst_date(now),
        "start": ts_text(start), "start_dt": start,
        "slot_secs": (end - start).total_seconds() / n,
        "k_dep": max(1, n // DEPUTY_TARGET),
        "unit_t0": ts_text(start - dt.timedelta(days=31)), "unit_t0_dt": start - dt.timedelta(days=31),
        "dep_t0": ts_text(start - dt.timedelta(days=30)), "dep_t0_dt": start - dt.timedelta(days=30),
    }
    target = args.pg or args.sqlite
    log(f"renda bench data: {n:,} suggestions, {args.deputies:,} deputies, {args.units} units "
        f"into {'PostgreSQL' if args.pg else 'SQLite'} {target}, created {c['start'][:10]} .. {c['now'][:10]}")

    timer = Timer()
    api = Api(args.base)
    args.admin_new_password = new_admin_pw
    if args.pg:
        counts, users, bench_unit, bench_dep, summary = pg_load(args, c, api, timer)
    else:
        counts, users, bench_unit, bench_dep, summary = sqlite_load(args, c, api, timer)

    log("\nInserted:")
    for k, v in counts.items():
        log(f"  {v:>10,}  {k}")
    log("\nSuggestions by status and colour:")
    for s, col, k in summary["combos"]:
        log(f"  {k:>10,}  {s:<15} {col}")
    log("\nBy term: " + ", ".join(f"{t} {k:,}" for t, k in summary["terms"]))
    log(f"\nAccounts (password {args.bench_password!r}; admin now {new_admin_pw!r}):")
    for u, i in users.items():
        log(f"  {u:<13} {i}")
    log(f"  bench-deputy is deputy {bench_dep} (leads ~{n // c['k_dep'] if n >= DEPUTY_TARGET else n} suggestions)")
    log(f"  bench-unit is unit {bench_unit} (lead unit of every {BENCH_UNIT_EVERY}th assigned suggestion)")
    if args.verify:
        if args.pg:
            pg = Pg(args.pg, 1)
            bad = timer.run("verify (SQL)", verify_sql, pg.scalar, "IS DISTINCT FROM", c["today"])
        else:
            with sqlite3.connect(args.sqlite, timeout=120) as vdb:
                bad = timer.run("verify (SQL)", verify_sql, lambda q: vdb.execute(q).fetchone()[0], "IS NOT",
                                c["today"])
        bad += timer.run("verify (API)", verify_api, api, args.bench_password)
    timer.report()
    if args.verify and bad:
        log("\nVERIFY FAILED")
    if args.summary_json:
        with open(args.summary_json, "w") as f:
            json.dump({"database": target, "suggestions": n, "counts": counts,
                       "accounts": {u: {"id": i, "password": args.bench_password} for u, i in users.items()},
                       "admin_password": new_admin_pw, "bench_deputy_id": bench_dep, "bench_unit_id": bench_unit,
                       "status_color": [{"status": s, "color": None if col == "-" else col, "count": k}
                                        for s, col, k in summary["combos"]],
                       "terms": {t: k for t, k in summary["terms"]},
                       "categories": CATEGORIES,
                       "timings": {name: round(took, 1) for name, took in timer.steps}},
                      f, ensure_ascii=False, indent=2)
    if args.verify and bad:
        sys.exit(1)


if __name__ == "__main__":
    main()
