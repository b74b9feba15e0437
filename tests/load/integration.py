#!/usr/bin/env python3
"""Integration figures: webhook delivery latency, import and export
throughput, and the server's memory while exporting.

Against a running renda that may deliver webhooks to 127.0.0.1
(RENDA_WEBHOOK_ALLOW_NETWORKS=127.0.0.1/32), it

1. subscribes a receiver on this machine to suggestion events, submits
   suggestions one at a time and then all at once, and measures from the
   moment each submission was answered to the moment its signed event
   arrived (each signature is verified as the README shows);
2. imports --rows deputies from CSV, 5,000 rows a request;
3. exports the deputies as CSV and as XLSX and counts the rows, reading
   the server's resident memory (VmRSS, and the peak VmHWM) from /proc
   when --server-pid is given.

Standard library only:

    python3 tests/load/integration.py --base http://127.0.0.1:8080 \\
        --admin-password 'Renda-Setup-2026' --rows 100000 --events 200
"""

import argparse
import hashlib
import hmac
import io
import json
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
import zipfile
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """Checks a Renda-Signature header: t=<unix>,v1=<hex HMAC-SHA256>."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    t, sig = parts.get("t", ""), parts.get("v1", "")
    if not t.isdigit() or abs(time.time() - int(t)) > tolerance:
        return False
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(mac, sig)


class Api:
    def __init__(self, base):
        self.base = base.rstrip("/")

    def call(self, method, path, token=None, body=None, raw=None, media=None):
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", media or "application/json")
        if token:
            req.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(req, timeout=600) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def ok(self, method, path, token=None, body=None, raw=None, media=None, want=(200, 201)):
        status, out = self.call(method, path, token, body, raw, media)
        if status not in want:
            sys.exit(f"{method} {path}: {status} {out[:500]!r}")
        return json.loads(out) if out else None

    def login(self, username, password):
        out = self.ok("POST", "/api/v1/auth/login", body={"username": username, "password": password})
        if out.get("password_change_required"):
            # A fresh server's first administrator chooses a password first.
            new = password + "-Own"
            self.ok("POST", "/api/v1/me/password", out["access_token"],
                    {"current_password": password, "new_password": new}, want=(204,))
            out = self.ok("POST", "/api/v1/auth/login", body={"username": username, "password": new})
        return out["access_token"]


def memory(pid):
    """(VmRSS, VmHWM) of the server in MiB, or None."""
    if not pid:
        return None
    try:
        with open(f"/proc/{pid}/status") as f:
            fields = dict(line.split(":", 1) for line in f if ":" in line)
        kib = lambda k: int(fields[k].split()[0])  # noqa: E731
        return kib("VmRSS") / 1024, kib("VmHWM") / 1024
    except (OSError, KeyError, ValueError):
        return None


def show_memory(label, pid):
    m = memory(pid)
    if m:
        print(f"  server memory {label}: {m[0]:.1f} MiB resident, peak {m[1]:.1f} MiB")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def webhook_latency(api, admin, staff, deputy, n):
    arrived = {}
    bad = []
    secret_box = {}

    class Receiver(BaseHTTPRequestHandler):
        # Keep-alive: the dispatcher reuses its connections.
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            now = time.perf_counter()
            if not verify(secret_box["s"], self.headers.get("Renda-Signature", ""), body):
                bad.append(body)
            event = json.loads(body)
            if event["type"] == "suggestion.submitted":
                arrived.setdefault(event["object"]["id"], now)
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    class Server(ThreadingHTTPServer):
        # The default backlog of 5 drops connections under a burst, and
        # the kernel's retries would be counted as delivery latency.
        request_queue_size = 256
        daemon_threads = True

    server = Server(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    hook = api.ok("POST", "/api/v1/webhooks", admin, {"url": url, "event_types": ["suggestion.*"]})
    secret_box["s"] = hook["secret"]

    def draft(i):
        return api.ok(
            "POST",
            "/api/v1/suggestions",
            deputy,
            {"title": f"延迟测试{i}", "content": "内容", "category": "交通", "term": "第十八届",
             "timing": "between_sessions"},
        )["id"]

    def submit(sid):
        status, out = api.call("POST", f"/api/v1/suggestions/{sid}/submit", deputy, {})
        if status != 200:
            sys.exit(f"submit: {status} {out[:300]!r}")
        return sid, time.perf_counter()

    def wait(ids, timeout=60):
        end = time.time() + timeout
        while time.time() < end and not all(i in arrived for i in ids):
            time.sleep(0.005)

    for label, concurrent in (("one at a time", False), ("all at once", True)):
        ids = [draft(i) for i in range(n)]
        if concurrent:
            with ThreadPoolExecutor(max_workers=32) as pool:
                answered = dict(pool.map(submit, ids))
        else:
            answered = {}
            for sid in ids:
                sid, t = submit(sid)
                answered[sid] = t
                wait([sid], timeout=10)
        wait(ids)
        lat = [(arrived[i] - answered[i]) * 1000 for i in ids if i in arrived]
        missing = len(ids) - len(lat)
        print(
            f"webhooks, {label}: {len(lat)}/{len(ids)} events arrived signed "
            f"({len(bad)} bad signatures), latency after the answer "
            f"p50 {statistics.median(lat):.1f} ms, p95 {percentile(lat, 0.95):.1f} ms, "
            f"max {max(lat):.1f} ms"
        )
        if missing or bad:
            sys.exit("events were lost or badly signed")
    server.shutdown()


def imports_and_exports(api, staff, rows, pid):
    header = "姓名,性别,出生日期,手机,层级,届次,选区\n"
    batch = 5000
    started = time.perf_counter()
    done = 0
    while done < rows:
        k = min(batch, rows - done)
        lines = [
            f"导入代表{done + i},{'男' if i % 2 else '女'},19{60 + i % 40}-0{1 + i % 9}-1{i % 10},"
            f"139{(done + i):08d},县级,第十八届,第{i % 50}选区\n"
            for i in range(k)
        ]
        report = api.ok("POST", "/api/v1/deputies/import", staff,
                        raw=(header + "".join(lines)).encode(), media="text/csv")
        if report["created"] != k:
            sys.exit(f"import created {report['created']} of {k}: {report['problems'][:3]}")
        done += k
    wall = time.perf_counter() - started
    print(f"import: {done} deputies in {wall:.1f} s ({done / wall:.0f} rows/s, {batch} rows a request)")
    show_memory("after the import", pid)

    total = json.loads(api.call("GET", "/api/v1/deputies?include_total=true&limit=1", staff)[1])["total"]
    for fmt in ("csv", "xlsx"):
        started = time.perf_counter()
        status, body = api.call("GET", f"/api/v1/deputies/export.{fmt}", staff)
        wall = time.perf_counter() - started
        if status != 200:
            sys.exit(f"export.{fmt}: {status}")
        if fmt == "csv":
            count = body.decode("utf-8-sig").count("\r\n") - 1
        else:
            with zipfile.ZipFile(io.BytesIO(body)) as z:
                sheet = z.read("xl/worksheets/sheet1.xml")
            count = sheet.count(b"<row ") - 1
        ok = "rows match the list" if count == total else f"ROWS DIFFER: list has {total}"
        print(
            f"export.{fmt}: {count} rows, {len(body) / 1048576:.1f} MiB in {wall:.1f} s "
            f"({count / wall:.0f} rows/s); {ok}"
        )
        show_memory(f"after export.{fmt}", pid)
        if count != total:
            sys.exit(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", default="http://127.0.0.1:8080")
    ap.add_argument("--admin-password", required=True)
    ap.add_argument("--rows", type=int, default=100000, help="deputies to import and export")
    ap.add_argument("--events", type=int, default=200, help="suggestions submitted per latency run")
    ap.add_argument("--server-pid", type=int, default=0)
    args = ap.parse_args()
    api = Api(args.base)
    admin = api.login("admin", args.admin_password)
    show_memory("at the start", args.server_pid)
    for name, roles in (("load-staff", ["staff"]),):
        api.ok("POST", "/api/v1/users", admin, {"username": name, "password": "Load-Test-Pass-2026",
                                                "display_name": name, "roles": roles,
                                                "must_change_password": False})
    staff = api.login("load-staff", "Load-Test-Pass-2026")
    d = api.ok("POST", "/api/v1/deputies", staff, {"name": "延迟测试代表"})
    api.ok("POST", "/api/v1/users", admin, {"username": "load-deputy", "password": "Load-Test-Pass-2026",
                                            "display_name": "d", "roles": ["deputy"], "deputy_id": d["id"],
                                            "must_change_password": False})
    deputy = api.login("load-deputy", "Load-Test-Pass-2026")
    webhook_latency(api, admin, staff, deputy, args.events)
    imports_and_exports(api, staff, args.rows, args.server_pid)


if __name__ == "__main__":
    main()
