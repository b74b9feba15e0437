#!/usr/bin/env python3
"""Faults renda must survive, each run against a real server and printed.

    python3 tests/faults/faults.py --bin target/release/renda [--pg postgres://postgres@127.0.0.1:5432]
           [--only sqlite-writers|pg-stop|kill-9|hash-flood|import-bombs]

1. sqlite-writers: 32 concurrent writers on SQLite; no client sees
   "database is locked" (or any error).
2. pg-stop: PostgreSQL stopped under load. /healthz stays 200, /readyz
   turns 503, API calls answer 503 within 5 seconds; when PostgreSQL is
   back, everything works without restarting renda.
3. kill-9: renda killed with SIGKILL under a write load and PostgreSQL
   restarted; every write answered 2xx is present afterwards, with its
   audit entry, and nothing else is (none half-applied).
4. hash-flood: 64 clients sign in without pause for 10 s (every attempt
   costs an argon2 hash of 19 MiB). Resident memory grows by less than
   80 MiB (before and peak printed), /healthz keeps answering within a
   second, and every answer is a 401 or a 503 `busy`.
5. import-bombs: hostile files sent to a dry-run import (5 MiB of
   one-letter CSV lines; a 95 KiB workbook holding one 95 MiB shared
   string; a 1 KiB workbook claiming 1e11 shared strings). Each is refused
   with 422, the server lives, and its peak resident memory (printed) grows
   by less than 64 MiB over the request.

pg-stop and kill-9 stop and start the local PostgreSQL cluster
(pg_ctlcluster); run them on a machine where nothing else needs it. The
script exits 1 when a fault was not survived.
"""

import argparse
import io
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zipfile

ADMIN_PW = "Fault-System-2026"  # the policy refuses one holding the username
AUDIT_PW = "Fault-Audit-2026"
OWN = "-Own"
STAFF_PW = "Writer-Pass-2026"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Api:
    def __init__(self, base):
        self.base = base

    def call(self, method, path, token=None, body=None, timeout=30):
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
        out = self.ok("POST", "/api/v1/auth/login", body={"username": username, "password": password})
        if out.get("password_change_required"):
            self.ok("POST", "/api/v1/me/password", out["access_token"],
                    {"current_password": password, "new_password": password + OWN})
            out = self.ok("POST", "/api/v1/auth/login",
                          body={"username": username, "password": password + OWN})
        return out["access_token"]


class Server:
    def __init__(self, binary, url, data_dir):
        self.binary, self.url, self.dir = binary, url, data_dir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def start(self):
        env = dict(os.environ,
                   RENDA_DATABASE_URL=self.url, RENDA_DATA_DIR=self.dir,
                   RENDA_BIND=f"127.0.0.1:{self.port}", RENDA_ADMIN_PASSWORD=ADMIN_PW,
                   RENDA_AUDIT_ADMIN_PASSWORD=AUDIT_PW, RENDA_LOG="warn",
                   RENDA_LOGIN_LIMIT="0", RENDA_CALLER_LIMIT="0")
        log = open(os.path.join(self.dir, "server.log"), "a")
        self.proc = subprocess.Popen([self.binary, "serve"], env=env, stdout=log, stderr=log)
        for _ in range(300):
            if self.proc.poll() is not None:
                sys.exit(f"renda exited; see {self.dir}/server.log")
            status, _ = Api(self.base).call("GET", "/readyz", timeout=2)
            if status == 200:
                return
            time.sleep(0.1)
        sys.exit("renda did not become ready")

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=40)


def pg(action):
    version = sorted(os.listdir("/etc/postgresql"))[0]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action, "-m", "fast"]
                   if action == "stop" else
                   ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action],
                   check=True, capture_output=True)


def pg_ensure_up():
    """Starts PostgreSQL if it is down (after a fault, whatever happened)."""
    if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode != 0:
        try:
            pg("start")
        except subprocess.CalledProcessError:
            pass
    pg_wait_up()


def pg_wait_up(timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0:
            return
        time.sleep(0.2)
    sys.exit("PostgreSQL did not come back")


def fresh_pg_db(base, name):
    subprocess.run(["psql", f"{base}/postgres", "-q", "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)",
                    "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    return f"{base}/{name}"


def staff_token(api, admin):
    api.ok("POST", "/api/v1/users", admin, {"username": "fault-staff", "password": STAFF_PW,
                                             "display_name": "staff", "roles": ["staff"],
                                             "must_change_password": False})
    return api.login("fault-staff", STAFF_PW)


def writers(api, token, n_threads, stop, acked, errors, prefix):
    """Threads creating units until `stop` is set; names answered 201 go to `acked`."""
    lock = threading.Lock()

    def run(t):
        i = 0
        while not stop.is_set():
            name = f"{prefix}-{t}-{i}"
            i += 1
            status, out = api.call("POST", "/api/v1/units", token,
                                   {"name": name, "kind": "government_department"}, timeout=15)
            with lock:
                if status == 201:
                    acked[name] = out["id"]
                else:
                    errors.append((status, out if isinstance(out, str) else json.dumps(out)[:200]))
    threads = [threading.Thread(target=run, args=(t,), daemon=True) for t in range(n_threads)]
    for t in threads:
        t.start()
    return threads


def all_pages(api, token, path):
    items, cursor = [], None
    while True:
        sep = "&" if "?" in path else "?"
        page = api.ok("GET", f"{path}{sep}limit=100" + (f"&cursor={cursor}" if cursor else ""), token)
        items += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return items


def sqlite_writers(binary, _pg_base):
    d = tempfile.mkdtemp()
    srv = Server(binary, f"sqlite://{d}/renda.db", d)
    srv.start()
    try:
        api = Api(srv.base)
        staff = staff_token(api, api.login("admin", ADMIN_PW))
        stop, acked, errors = threading.Event(), {}, []
        threads = writers(api, staff, 32, stop, acked, errors, "w")
        time.sleep(10)
        stop.set()
        for t in threads:
            t.join()
        locked = [e for e in errors if "locked" in str(e[1]).lower()]
        units = all_pages(api, staff, "/api/v1/units")
        stored = {u["name"] for u in units}
        missing = [n for n in acked if n not in stored]
        print(f"  32 writers for 10 s: {len(acked)} units created ({len(acked) / 10:.0f}/s), "
              f"{len(errors)} errors, {len(locked)} 'database is locked', {len(missing)} acknowledged but missing")
        if errors:
            print(f"  first error: {errors[0]}")
        return not errors and not missing
    finally:
        srv.stop()


def pg_stop(binary, pg_base):
    d = tempfile.mkdtemp()
    srv = Server(binary, fresh_pg_db(pg_base, "renda_faults"), d)
    srv.start()
    ok = True
    try:
        api = Api(srv.base)
        staff = staff_token(api, api.login("admin", ADMIN_PW))
        stop, acked, errors = threading.Event(), {}, []
        threads = writers(api, staff, 8, stop, acked, errors, "p")
        time.sleep(2)
        pg("stop")
        time.sleep(1)
        h, _ = api.call("GET", "/healthz", timeout=10)
        t0 = time.time()
        r, _ = api.call("GET", "/readyz", timeout=10)
        readyz_s = time.time() - t0
        t0 = time.time()
        a, body = api.call("GET", "/api/v1/units", staff, timeout=10)
        api_s = time.time() - t0
        print(f"  PostgreSQL down: /healthz {h}, /readyz {r} in {readyz_s:.2f} s, "
              f"GET /units {a} in {api_s:.2f} s ({(body or {}).get('code') if isinstance(body, dict) else body})")
        ok &= h == 200 and r == 503 and a == 503 and api_s < 5 and readyz_s < 5
        time.sleep(3)
        stop.set()
        for t in threads:
            t.join()
        slow = [e for e in errors if e[0] == 0]
        print(f"  during the outage: {len(errors)} writes refused "
              f"({sorted({e[0] for e in errors})}), {len(slow)} without an answer")
        ok &= not slow and all(e[0] == 503 for e in errors)
        pg("start")
        pg_wait_up()
        t0 = time.time()
        back = None
        while time.time() - t0 < 30:
            s, _ = api.call("POST", "/api/v1/units", staff, {"name": f"after-{t0}", "kind": "government_department"})
            if s == 201:
                back = time.time() - t0
                break
            time.sleep(0.2)
        r, _ = api.call("GET", "/readyz")
        print(f"  PostgreSQL back: writes work again after {back if back is None else round(back, 2)} s, "
              f"/readyz {r}, renda not restarted")
        ok &= back is not None and r == 200
        units = {u["name"] for u in all_pages(api, staff, "/api/v1/units")}
        missing = [n for n in acked if n not in units]
        print(f"  {len(acked)} writes acknowledged, {len(missing)} missing")
        ok &= not missing
        return ok
    finally:
        srv.stop()
        pg_ensure_up()


def kill_9(binary, pg_base):
    d = tempfile.mkdtemp()
    url = fresh_pg_db(pg_base, "renda_faults")
    srv = Server(binary, url, d)
    try:
        srv.start()
        api = Api(srv.base)
        staff = staff_token(api, api.login("admin", ADMIN_PW))
        stop, acked, errors = threading.Event(), {}, []
        threads = writers(api, staff, 16, stop, acked, errors, "k")
        time.sleep(3)
        srv.proc.send_signal(signal.SIGKILL)
        srv.proc.wait()
        stop.set()
        for t in threads:
            t.join()
        print(f"  SIGKILL after 3 s: {len(acked)} writes acknowledged, {len(errors)} cut off")
        pg("stop")
        pg("start")
        pg_wait_up()
        srv.start()
        staff = api.login("fault-staff", STAFF_PW)
        units = {u["name"]: u["id"] for u in all_pages(api, staff, "/api/v1/units")}
        missing = [n for n in acked if n not in units]
        auditor = api.login("auditadmin", AUDIT_PW)
        created = {e["object_id"] for e in all_pages(api, auditor, "/api/v1/audit-events?object_type=unit&action=create")}
        ids = set(units.values())
        no_audit = ids - created
        orphan_audit = created - ids
        verify = subprocess.run([binary, "audit", "verify"], capture_output=True, text=True,
                                env=dict(os.environ, RENDA_DATABASE_URL=url, RENDA_DATA_DIR=d, RENDA_LOG="error"))
        print(f"  after restarts: {len(units)} units stored, {len(missing)} acknowledged but missing, "
              f"{len(no_audit)} without an audit entry, {len(orphan_audit)} audit entries without a unit; "
              f"audit verify: {verify.stdout.strip().splitlines()[-1] if verify.stdout.strip() else verify.stderr.strip()}")
        return not missing and not no_audit and not orphan_audit and verify.returncode == 0
    finally:
        srv.stop(signal.SIGKILL)
        pg_ensure_up()


def rss_mib(pid, field="VmRSS"):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def hash_flood(binary, _pg_base):
    d = tempfile.mkdtemp()
    srv = Server(binary, f"sqlite://{d}/renda.db", d)
    srv.start()
    try:
        api = Api(srv.base)
        api.login("admin", ADMIN_PW)
        before = rss_mib(srv.proc.pid)
        stop = threading.Event()
        lock = threading.Lock()
        answers, health, samples = {}, [], []

        def flood(t):
            i = 0
            while not stop.is_set():
                status, out = api.call("POST", "/api/v1/auth/login",
                                       body={"username": f"nobody-{t}-{i}", "password": "Wrong-Pass-1"},
                                       timeout=15)
                i += 1
                code = out.get("code") if isinstance(out, dict) else None
                with lock:
                    answers[(status, code)] = answers.get((status, code), 0) + 1

        def watch():
            while not stop.is_set():
                t0 = time.monotonic()
                status, _ = api.call("GET", "/healthz", timeout=5)
                health.append((status, time.monotonic() - t0))
                samples.append(rss_mib(srv.proc.pid))
                time.sleep(0.1)

        threads = [threading.Thread(target=flood, args=(t,), daemon=True) for t in range(64)]
        threads.append(threading.Thread(target=watch, daemon=True))
        for t in threads:
            t.start()
        time.sleep(10)
        stop.set()
        for t in threads:
            t.join()
        peak = max(max(samples, default=0.0), rss_mib(srv.proc.pid, "VmHWM"))
        lat = sorted(x for _, x in health)
        p50 = lat[len(lat) // 2] * 1000 if lat else 0
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000 if lat else 0
        worst = lat[-1] * 1000 if lat else 0
        total = sum(answers.values())
        print(f"  64 clients signing in for 10 s: {total} answers "
              + ", ".join(f"{n} x {s} {c or ''}".rstrip() for (s, c), n in sorted(answers.items(), key=str)))
        print(f"  resident memory: {before:.0f} MiB before, peak {peak:.0f} MiB")
        print(f"  /healthz during the flood: {len(lat)} probes, p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
              f"max {worst:.1f} ms, {sum(1 for s, _ in health if s != 200)} not 200")
        allowed = {(401, "invalid_credentials"), (503, "busy")}
        unexpected = {k: n for k, n in answers.items() if k not in allowed}
        if unexpected:
            print(f"  unexpected answers: {unexpected}")
        # Hashing memory is one block per hashing thread (19 MiB each), kept:
        # the flood may add those, nothing that grows with the requests.
        return (not unexpected and peak - before < 80 and worst < 1000
                and all(s == 200 for s, _ in health))
    finally:
        srv.stop()


XLSX_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XLSX_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(name, sst=f'<sst xmlns="{XLSX_MAIN}" count="4" uniqueCount="4">'):
    """A unit list whose second row's name is `name` (bytes), packed small."""
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("_rels/.rels", f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" '
                   f'Type="{XLSX_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<workbook xmlns="{XLSX_MAIN}" xmlns:r="{XLSX_REL}"><sheets>'
                   '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" '
                   f'Type="{XLSX_REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
                   f'Type="{XLSX_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{XLSX_MAIN}"><sheetData>'
                   '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
                   '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>'
                   '</sheetData></worksheet>')
        z.writestr("xl/sharedStrings.xml", sst.encode() + "<si><t>名称</t></si><si><t>类型</t></si><si><t>".encode()
                   + name + "</t></si><si><t>其他</t></si></sst>".encode())
    return b.getvalue()


def import_bombs(binary, _pg_base):
    d = tempfile.mkdtemp()
    srv = Server(binary, f"sqlite://{d}/renda.db", d)
    srv.start()
    cases = [
        ("5 MiB of one-letter CSV lines", "text/csv", b"a\n" * (5 * 1024 * 1024 // 2 - 8)),
        ("one 95 MiB shared string", XLSX, workbook(b"A" * (95 * 1024 * 1024))),
        ("uniqueCount 1e11", XLSX,
         workbook(b"x", f'<sst xmlns="{XLSX_MAIN}" count="4" uniqueCount="100000000000">')),
    ]
    try:
        api = Api(srv.base)
        staff = staff_token(api, api.login("admin", ADMIN_PW))
        held = True
        for label, ctype, body in cases:
            with open(f"/proc/{srv.proc.pid}/clear_refs", "w") as f:
                f.write("5")  # the peak starts again from here
            before = rss_mib(srv.proc.pid, "VmHWM")
            req = urllib.request.Request(srv.base + "/api/v1/units/import?dry_run=true", data=body,
                                         method="POST")
            req.add_header("Content-Type", ctype)
            req.add_header("Authorization", "Bearer " + staff)
            try:
                with urllib.request.urlopen(req, timeout=120) as r:
                    status = r.status
            except urllib.error.HTTPError as e:
                status = e.code
            except OSError as e:
                status = f"no answer ({e})"
            alive = srv.proc.poll() is None
            peak = rss_mib(srv.proc.pid, "VmHWM") if alive else 0
            print(f"  {label}: file {len(body) // 1024} KiB, answer {status}, peak resident memory "
                  + (f"{before:.0f} -> {peak:.0f} MiB" if alive else "server died"))
            held = held and alive and status == 422 and peak - before < 64
        return held
    finally:
        srv.stop()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", default="target/release/renda")
    p.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    p.add_argument("--only")
    args = p.parse_args()
    faults = [("sqlite-writers", sqlite_writers), ("pg-stop", pg_stop), ("kill-9", kill_9),
              ("hash-flood", hash_flood), ("import-bombs", import_bombs)]
    failed = []
    for name, f in faults:
        if args.only and args.only != name:
            continue
        print(f"== {name}")
        survived = f(args.bin, args.pg)
        print(f"  {'survived' if survived else 'NOT SURVIVED'}")
        if not survived:
            failed.append(name)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
