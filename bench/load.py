#!/usr/bin/env python3
"""Load benchmark: starts renda on a database filled by generate.py and
measures it with wrk on loopback.

    python3 bench/load.py --bin target/release/renda \
        --db postgres://postgres@127.0.0.1:5432/renda_bench [--duration 10] [--concurrency 32,128]

Scenarios, each at every concurrency: a suggestion by id, the first page of
a filtered list (status + color, in id order: the oldest first), a deep page via the cursor,
a deputy's own list, a unit's list, the statistics, and create + submit.
Prints requests per second, p50/p99 latency and errors per scenario, the
server's memory idle and at its peak, and EXPLAIN of each list filter.

With `--ceiling BIN` (bench/ceiling, built with `cargo build --release`
in that folder) the reads are also made of a minimal server on the same
database, one scenario right after the other, and renda's share of its
throughput is printed: the machine's figures move by a third from run to
run, the ratio much less.

Needs wrk (Debian package `wrk`). The server is started with the
environment given here (RENDA_WORKERS, RENDA_DB_POOL may be set outside);
give it the data key of the server generate.py ran against, with the same
RENDA_DATA_DIR (or RENDA_DATA_KEYS), else renda refuses the database.
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
PASSWORD = "Bench-Pass-2026"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base, method, path, token=None, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            text = r.read()
            return r.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as e:
        return e.code, None
    except (urllib.error.URLError, ConnectionError):
        return None, None


def login(base, username):
    status, body = call(base, "POST", "/api/v1/auth/login",
                        body={"username": username, "password": PASSWORD})
    if status != 200:
        sys.exit(f"cannot sign in as {username}: {status} (run bench/generate.py first)")
    return body["access_token"]


def rss_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def to_ms(s):
    m = re.match(r"([\d.]+)(us|ms|s)", s)
    if not m:
        return float("nan")
    v = float(m.group(1))
    return {"us": v / 1000, "ms": v, "s": v * 1000}[m.group(2)]


def wrk(url, token, conns, duration, script=None, env=None):
    cmd = ["wrk", "-t2", f"-c{conns}", f"-d{duration}s", "--latency", "--timeout", "10s",
           "-H", f"Authorization: Bearer {token}"]
    if script:
        cmd += ["-s", script]
    cmd.append(url)
    out = subprocess.run(cmd, capture_output=True, text=True, env=env).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"\s50%\s+(\S+)", out)
    p99 = re.search(r"\s99%\s+(\S+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    extra = re.findall(r"^bench: (.*)$", out, re.M)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "p50": to_ms(p50.group(1)) if p50 else float("nan"),
        "p99": to_ms(p99.group(1)) if p99 else float("nan"),
        "errors": (int(non2xx.group(1)) if non2xx else 0)
        + (sum(int(x) for x in errors.groups()) if errors else 0),
        "extra": extra,
        "raw": out,
    }


def psql(db, sql):
    subprocess.run(["psql", db, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
                   check=True, capture_output=True)


PG_LOG = "/var/log/postgresql"


def pg_log_size():
    try:
        return {f: os.path.getsize(os.path.join(PG_LOG, f)) for f in os.listdir(PG_LOG)}
    except OSError:
        return {}


def pg_log_since(sizes):
    text = ""
    for f, size in pg_log_size().items():
        with open(os.path.join(PG_LOG, f), errors="replace") as fh:
            fh.seek(sizes.get(f, 0))
            text += fh.read()
    return text


def start_server(binary, db, work):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, RENDA_DATABASE_URL=db, RENDA_DATA_DIR=os.environ.get("RENDA_DATA_DIR", work),
               RENDA_BIND=f"127.0.0.1:{port}", RENDA_LOG="warn",
               RENDA_LOGIN_LIMIT="0", RENDA_CALLER_LIMIT="0")
    log = open(os.path.join(work, "server.log"), "a")
    server = subprocess.Popen([binary, "serve"], env=env, stdout=log, stderr=log)
    for _ in range(600):
        if server.poll() is not None:
            sys.exit(f"renda exited; see {work}/server.log")
        if call(base, "GET", "/readyz")[0] == 200:
            return server, base
        time.sleep(0.1)
    sys.exit("renda did not become ready")


def start_ceiling(binary, db, work):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(os.path.join(work, "ceiling.log"), "a")
    server = subprocess.Popen([binary, db, f"127.0.0.1:{port}"], stdout=log, stderr=log)
    for _ in range(300):
        if server.poll() is not None:
            sys.exit(f"the ceiling server exited; see {work}/ceiling.log")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server, base
        except OSError:
            time.sleep(0.1)
    sys.exit("the ceiling server did not start")


def stop_server(server):
    server.terminate()
    server.wait(timeout=30)


def targets(base, staff):
    """The lists the scenarios read: the filtered first page and a deep one."""
    url = "/api/v1/suggestions?status=assigned&color=yellow&limit=20"
    cursor = None
    for _ in range(50):  # 50 pages of 20 down: 1,000 rows deep
        status, page = call(base, "GET", url + (f"&cursor={cursor}" if cursor else ""), staff)
        if status != 200 or not page["next_cursor"]:
            break
        cursor = page["next_cursor"]
    deep = url + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
    return url, deep


def rotating_ids(work, ids_file, prefix):
    """A wrk script asking for `prefix` + each id of `ids_file` in turn."""
    path = os.path.join(work, prefix.strip("/").replace("/", "_") + ".lua")
    with open(path, "w") as f:
        f.write(f'dofile("{ids_file}")\n'
                "local n = 0\n"
                "request = function()\n"
                "  n = n + 1\n"
                f'  return wrk.format("GET", "{prefix}" .. ids[(n % #ids) + 1])\n'
                "end\n")
    return path


def deep_after(base, token, deep):
    """The id the deep page starts after, for the ceiling's `after=`."""
    cursor = urllib.parse.parse_qs(urllib.parse.urlparse(deep).query).get("cursor")
    if not cursor:
        return ""
    url = "/api/v1/suggestions?status=assigned&color=yellow&limit=20"
    last = None
    for _ in range(50):
        status, page = call(base, "GET", url + (f"&cursor={last_cursor}" if last else ""), token)
        if status != 200 or not page["items"]:
            break
        last = page["items"][-1]["id"]
        last_cursor = page["next_cursor"]
        if not last_cursor or urllib.parse.unquote(last_cursor) == cursor[0]:
            break
    return last or ""


def latency(base, token, path, n=15):
    """p50 and max of `n` requests made one after another, in ms, and the
    first one's (a statistics endpoint's first call computes)."""
    times = []
    status = None
    for _ in range(n):
        t = time.perf_counter()
        status, _ = call(base, "GET", path, token)
        times.append((time.perf_counter() - t) * 1000)
    ordered = sorted(times)
    return status, times[0], ordered[len(ordered) // 2], ordered[-1]


def single_requests(base, staff, deputy_id, unit_id):
    """One request at a time: each list filter alone and with a status,
    keyword searches, include_total, the statistics and figures, and the
    deputies' lists and duty reports. (The generator writes no audit
    entries, opinions or duty records: the duty records are those the
    runs' create + submit wrote for bench-deputy.)"""
    s = "/api/v1/suggestions?limit=20"
    q = urllib.parse.quote
    filters = [
        ("deputy (lead or co-signer)", f"&deputy_id={deputy_id}"),
        ("unit (lead or co-unit)", f"&unit_id={unit_id}"),
        ("category", "&category=" + q("交通")),
        ("term", "&term=" + q("第十八届")),
        ("year", "&year=2024"),
        ("overdue", "&overdue=true"),
        ("outstanding", "&outstanding=true"),
    ]
    probes = []
    for label, f in filters:
        probes.append((label, s + f))
        probes.append((label + " + status", s + f + "&status=closed"))
    for word, what in [("建议", "2 chars, in every row"), ("电梯", "2 chars, 1 row in 60"),
                       ("量子", "2 chars, absent"), ("加装电梯", "4 chars, 1 row in 60"),
                       ("量子计算", "4 chars, absent"), ("水", "1 char")]:
        probes.append((f"q={word} ({what})", s + "&q=" + q(word)))
    probes.append(("include_total, status + colour", s + "&status=assigned&color=yellow&include_total=true"))
    probes.append(("include_total, q=电梯", s + "&q=" + q("电梯") + "&include_total=true"))
    probes.append(("statistics", "/api/v1/suggestions/stats"))
    probes.append(("statistics, a year", "/api/v1/suggestions/stats?year=2025"))
    probes.append(("unit summary", "/api/v1/suggestions/unit-summary"))
    probes.append(("handling figures", "/api/v1/suggestions/figures"))
    probes.append(("handling figures of a unit", f"/api/v1/suggestions/figures?unit_id={unit_id}"))
    probes.append(("supervision statistics", "/api/v1/supervisions/stats"))
    probes.append(("deputies without duties", "/api/v1/duties/idle-deputies?limit=20"))
    probes.append(("deputies without duties, include_total",
                   "/api/v1/duties/idle-deputies?limit=20&include_total=true"))
    probes.append(("bench-deputy's duty report", f"/api/v1/deputies/{deputy_id}/duty-report"))
    probes.append(("bench-deputy's duty records", f"/api/v1/deputies/{deputy_id}/duties?limit=20"))
    probes.append(("deputies", "/api/v1/deputies?limit=20"))
    probes.append(("deputies, q=张", "/api/v1/deputies?limit=20&q=" + q("张")))
    probes.append(("deputies, include_total", "/api/v1/deputies?limit=20&include_total=true"))
    print(f"\nOne request at a time (staff), ms:\n{'read':44} {'status':>6} {'first':>9} {'p50':>9} {'max':>9}")
    for label, path in probes:
        status, first, p50, worst = latency(base, staff, path)
        print(f"{label:44} {status!s:>6} {first:>9.1f} {p50:>9.1f} {worst:>9.1f}", flush=True)


def exports(base, staff, pid, year=2024):
    """Streams a year's suggestions (about 200,000 at a million) as CSV
    and as XLSX, one request each, and prints rows a second and the
    server's resident memory at the end of each (exports read a page at a
    time, so memory should not grow with the rows)."""
    print(f"\nExports of {year}'s suggestions, one request each:")
    rows = None
    for fmt in ("csv", "xlsx"):
        req = urllib.request.Request(f"{base}/api/v1/suggestions/export.{fmt}?year={year}")
        req.add_header("Authorization", "Bearer " + staff)
        t = time.perf_counter()
        size = lines = 0
        peak = rss_kib(pid, "VmRSS")
        with urllib.request.urlopen(req, timeout=600) as r:
            while True:
                chunk = r.read(1 << 16)
                if not chunk:
                    break
                size += len(chunk)
                lines += chunk.count(b"\n")
                peak = max(peak, rss_kib(pid, "VmRSS"))
        secs = time.perf_counter() - t
        if fmt == "csv":
            # Header line out; a field holding a line break would count
            # twice, and the generator writes none.
            rows = lines - 1
        print(f"{fmt:5} {rows or 0:>9} rows {size / 1e6:>8.1f} MB {secs:>7.1f} s "
              f"{(rows or 0) / secs:>9.0f} rows/s  renda at most {peak / 1024:.1f} MiB resident",
              flush=True)


def explain(args, work):
    """Plans PostgreSQL chose for the lists the scenarios ask for, from
    auto_explain while one request of each is made."""
    db_name = args.db.rsplit("/", 1)[1].split("?")[0]
    admin_db = args.db.rsplit("/", 1)[0] + "/postgres"
    psql(admin_db, f"ALTER DATABASE {db_name} SET session_preload_libraries = 'auto_explain'")
    psql(admin_db, f"ALTER DATABASE {db_name} SET auto_explain.log_min_duration = 0")
    sizes = pg_log_size()
    server, base = start_server(args.bin, args.db, work)
    try:
        staff, deputy, unit = (login(base, u) for u in ("bench-staff", "bench-deputy", "bench-unit"))
        url, deep = targets(base, staff)
        probes = [("status + color, in id order", staff, url), ("the same, deep via the cursor", staff, deep),
                  ("a deputy's own", deputy, "/api/v1/suggestions?limit=20"),
                  ("a unit's", unit, "/api/v1/suggestions?limit=20")]
        found = []
        for label, token, path in probes:
            before = pg_log_size()
            call(base, "GET", path, token)
            time.sleep(0.3)
            found.append((label, pg_log_since(before)))
    finally:
        stop_server(server)
        psql(admin_db, f"ALTER DATABASE {db_name} RESET session_preload_libraries")
        psql(admin_db, f"ALTER DATABASE {db_name} RESET auto_explain.log_min_duration")
    del sizes
    print("\nPlans of the list queries (auto_explain):")
    for label, log in found:
        print(f"-- {label}")
        for chunk in log.split("LOG:  duration: ")[1:]:
            lines = chunk.splitlines()
            text = next((l.strip() for l in lines if "Query Text:" in l), "")
            if '"suggestions"' not in text or "ORDER BY" not in text:
                continue
            print(f"   {lines[0].split('  plan:')[0]}: {text[:160]}...")
            for l in lines[1:]:
                if "Scan" in l or "Limit" in l or "Sort" in l:
                    print("   " + l.rstrip().replace("\t", "  "))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--db", required=True, help="the database generate.py filled")
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--concurrency", default="32,128")
    ap.add_argument("--only", help="comma-separated scenario names")
    ap.add_argument("--ceiling", help="the minimal server of bench/ceiling, to measure renda against")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")

    work = tempfile.mkdtemp(prefix="renda-bench-")
    if args.db.startswith("postgres") and "sslmode=" not in args.db:
        # The ceiling is built without TLS, so it talks to PostgreSQL in
        # plain text whatever the server offers; renda, built with TLS,
        # would encrypt every round trip on loopback (sqlx's default is
        # `prefer`). Both run without it unless the URL says otherwise.
        args.db += ("&" if "?" in args.db else "?") + "sslmode=disable"
        print(f"database: {args.db}")
    if args.db.startswith("postgres"):
        explain(args, work)
    server, base = start_server(args.bin, args.db, work)
    try:
        time.sleep(2)
        # Read together: resident, and of it the process's own memory
        # (anonymous) and the program's pages (shared with any other
        # process running the same file, and dropped first when memory
        # runs short).
        idle_kib, idle_anon, idle_file = (rss_kib(server.pid, f) for f in ("VmRSS", "RssAnon", "RssFile"))
        staff, deputy, unit = (login(base, u) for u in ("bench-staff", "bench-deputy", "bench-unit"))
        status, page = call(base, "GET", "/api/v1/suggestions?limit=100", staff)
        ids = [s["id"] for s in page["items"]]
        url, deep = targets(base, staff)
        ids_file = os.path.join(work, "ids.lua")
        with open(ids_file, "w") as f:
            f.write("ids = {" + ",".join(f'"{i}"' for i in ids) + "}\n")
        by_id = rotating_ids(work, ids_file, "/api/v1/suggestions/")
        ceiling_by_id = rotating_ids(work, ids_file, "/suggestions/")
        deputy_id = call(base, "GET", "/api/v1/me", deputy)[1]["deputy"]["id"]
        unit_id = call(base, "GET", "/api/v1/me", unit)[1]["unit"]["id"]
        after = deep_after(base, staff, deep)
        # Once more after the three sign-ins (19 MiB of hashing each) and
        # the reads above, idle again for five seconds: what a server
        # holds between bursts of use.
        time.sleep(5)
        used_kib, used_anon, used_file = (rss_kib(server.pid, f) for f in ("VmRSS", "RssAnon", "RssFile"))
        # The same reads of the ceiling server, by scenario name.
        ceiling_paths = {
            "get by id": ("/suggestions/" + ids[0], ceiling_by_id),
            "filtered list, first page": ("/suggestions?status=assigned&color=yellow", None),
            "filtered list, deep page (cursor)":
                (f"/suggestions?status=assigned&color=yellow&after={after}", None),
            "a deputy's own list": (f"/suggestions?seen_by_deputy={deputy_id}", None),
            "staff's ?deputy_id=": (f"/suggestions?deputy_id={deputy_id}", None),
            "a unit's list": (f"/suggestions?unit_id={unit_id}", None),
        }

        scenarios = [
            ("get by id", staff, base + "/api/v1/suggestions/" + ids[0], by_id),
            ("filtered list, first page", staff, base + url, None),
            ("filtered list, deep page (cursor)", staff, base + deep, None),
            ("a deputy's own list", deputy, base + "/api/v1/suggestions?limit=20", None),
            ("staff's ?deputy_id=", staff, base + f"/api/v1/suggestions?limit=20&deputy_id={deputy_id}", None),
            ("a unit's list", unit, base + "/api/v1/suggestions?limit=20", None),
            ("statistics", staff, base + "/api/v1/suggestions/stats", None),
            ("a unit's tasks (/me/tasks)", unit, base + "/api/v1/me/tasks", None),
            ("the office's tasks (/me/tasks)", staff, base + "/api/v1/me/tasks", None),
            ("a deputy's tasks (/me/tasks)", deputy, base + "/api/v1/me/tasks", None),
            ("create + submit", deputy, base + "/api/v1/suggestions", os.path.join(HERE, "create_submit.lua")),
        ]
        only = set(args.only.split(",")) if args.only else None
        print(f"\nrenda idle: {idle_kib / 1024:.1f} MiB resident: {idle_anon / 1024:.1f} MiB anonymous, "
              f"{idle_file / 1024:.1f} MiB the program's own pages")
        print(f"renda idle after sign-ins and reads: {used_kib / 1024:.1f} MiB resident: "
              f"{used_anon / 1024:.1f} MiB anonymous, {used_file / 1024:.1f} MiB the program's own pages")
        if not only or "single" in only:
            single_requests(base, staff, deputy_id, unit_id)
            exports(base, staff, server.pid)
        ceiling = start_ceiling(args.ceiling, args.db, work) if args.ceiling else None
        print(f"{'scenario':36} {'conns':>5} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}"
              + (f" {'ceiling':>9} {'c. p99':>8} {'share':>6}" if ceiling else ""))
        try:
            for name, token, target, script in scenarios:
                if only and name not in only:
                    continue
                for conns in [int(c) for c in args.concurrency.split(",")]:
                    r = wrk(target, token, conns, args.duration, script)
                    extra = "  " + "; ".join(r["extra"]) if r["extra"] else ""
                    line = f"{name:36} {conns:>5} {r['rps']:>9.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} {r['errors']:>6}"
                    if ceiling and name in ceiling_paths:
                        path, cscript = ceiling_paths[name]
                        c = wrk(ceiling[1] + path, token, conns, args.duration, cscript)
                        share = r["rps"] / c["rps"] if c["rps"] else float("nan")
                        line += f" {c['rps']:>9.0f} {c['p99']:>8.2f} {share:>6.0%}"
                    print(line + extra, flush=True)
        finally:
            if ceiling:
                stop_server(ceiling[0])
        print(f"renda peak: {rss_kib(server.pid, 'VmHWM') / 1024:.1f} MiB resident")
    finally:
        stop_server(server)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
