#!/usr/bin/env python3
"""Fuzzes the running API against its own OpenAPI document with schemathesis.

    python3 tests/contract/contract.py --bin target/debug/renda [--pg postgres://postgres@127.0.0.1:5432]
           [--schemathesis path/to/schemathesis] [--examples 20] [--roles unit,deputy,staff,admin]

Starts renda on a fresh database (SQLite, or a new PostgreSQL database
when --pg is given) filled with the demo data, then runs every phase of
schemathesis (examples, coverage, fuzzing, stateful) with all its checks,
signed in as each role in turn. Exits 1 when any run found a failure.

The demo data gives the fuzzer real objects to reach: hooks.py puts the
ids of demo records where a request refers to one (see there).
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
# Neither may hold the username `admin`: the password policy refuses that.
ADMIN_PW = "Contract-System-2026"
ADMIN_NEW_PW = "Contract-System-2026-Own"
DEMO_PW = "Demo-Pass-2026"
ACCOUNTS = {
    "unit": "demo-unit0",
    "deputy": "demo-deputy0",
    "staff": "demo-staff",
    "admin": "admin",
}


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
        with urllib.request.urlopen(req, timeout=30) as r:
            text = r.read()
            return r.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as e:
        text = e.read()
        return e.code, (json.loads(text) if text else None)
    except (urllib.error.URLError, ConnectionError):
        return None, None


def login(base, username, password):
    status, body = call(base, "POST", "/api/v1/auth/login",
                        body={"username": username, "password": password})
    if status != 200:
        sys.exit(f"could not sign in as {username}: {status} {body}")
    return body["access_token"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--pg", help="PostgreSQL server URL without a database")
    ap.add_argument("--schemathesis", default="schemathesis")
    ap.add_argument("--examples", type=int, default=20)
    ap.add_argument("--max-time", type=int, help="seconds each role's run may take")
    ap.add_argument("--roles", default="admin,unit,deputy,staff")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--checks", default="all", help="schemathesis checks to run, comma-separated")
    ap.add_argument("--exclude-checks", help="schemathesis checks to leave out, comma-separated")
    ap.add_argument("--include-path-regex", help="run only the operations whose path matches")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="renda-contract-")
    if args.pg:
        db = "renda_contract"
        subprocess.run(["psql", f"{args.pg}/postgres", "-q", "-v", "ON_ERROR_STOP=1",
                        "-c", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)",
                        "-c", f"CREATE DATABASE {db}"], check=True)
        url = f"{args.pg}/{db}"
    else:
        url = f"sqlite://{work}/renda.db"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, RENDA_DATABASE_URL=url, RENDA_DATA_DIR=work,
               RENDA_BIND=f"127.0.0.1:{port}", RENDA_ADMIN_PASSWORD=ADMIN_PW,
               RENDA_LOG="warn", RENDA_LOGIN_LIMIT="0", RENDA_CALLER_LIMIT="0",
               RENDA_OPINION_LIMIT="1000000", RENDA_WEBHOOK_ALLOW_NETWORKS="127.0.0.0/8")
    log = open(os.path.join(work, "server.log"), "a")
    subprocess.run([args.bin, "demo"], env=env, stdout=log, stderr=log, check=True)
    server = subprocess.Popen([args.bin, "serve"], env=env, stdout=log, stderr=log)
    failed = []
    try:
        for _ in range(300):
            if server.poll() is not None:
                sys.exit(f"renda exited; see {work}/server.log")
            if call(base, "GET", "/readyz")[0] == 200:
                break
            time.sleep(0.1)
        # The first administrator changes the initial password, as everyone must.
        token = login(base, "admin", ADMIN_PW)
        status, body = call(base, "POST", "/api/v1/me/password", token,
                            {"current_password": ADMIN_PW, "new_password": ADMIN_NEW_PW})
        if status != 204:
            sys.exit(f"could not change the admin's password: {status} {body}")
        # The administrator signs in before any run: the document's sign-in
        # example names `admin`, so a run's sign-ins with wrong passwords
        # lock that account for 15 minutes (its session keeps working).
        # The other roles sign in just before their own run, as a token
        # lasts 15 minutes; the check after each run catches one that ran
        # out.
        admin_token = login(base, "admin", ADMIN_NEW_PW)
        for role in args.roles.split(","):
            print(f"\n==> schemathesis as {role} ({ACCOUNTS[role]})", flush=True)
            token = admin_token if role == "admin" else login(base, ACCOUNTS[role], DEMO_PW)
            env_st = dict(os.environ, PYTHONPATH=HERE, SCHEMATHESIS_HOOKS=os.environ.get("RENDA_CONTRACT_HOOKS", "hooks"),
                          PYTHONHASHSEED="0", RENDA_CONTRACT_BASE=base, RENDA_CONTRACT_TOKEN=token)
            cmd = [args.schemathesis, "run", f"{base}/api/v1/openapi.json", "--url", base,
                   "-H", f"Authorization: Bearer {token}",
                   "--checks", args.checks, "--phases", "examples,coverage,fuzzing,stateful",
                   "-n", str(args.examples), *(["--max-time", str(args.max_time)] if args.max_time else []), "--seed", str(args.seed),
                   "--generation-database", "none", "--no-color",
                   "--output-truncate", "false", "--request-timeout", "20",
                   # Signing out, or changing the password, would end
                   # the fuzzer's own session and leave every later
                   # request a 401; tests/api covers both.
                   "--exclude-path", "/api/v1/me/password",
                   "--exclude-path", "/api/v1/auth/logout",
                   # A live stream answers for minutes by design; tests/api
                   # covers it.
                   "--exclude-path", "/api/v1/me/events"]
            if args.exclude_checks:
                cmd += ["--exclude-checks", args.exclude_checks]
            if args.include_path_regex:
                cmd += ["--include-path-regex", args.include_path_regex]
            if subprocess.run(cmd, env=env_st).returncode != 0:
                failed.append(role)
            # A run whose session ended part-way proves nothing.
            if call(base, "GET", "/api/v1/me", token)[0] != 200:
                print(f"the {role} session did not last the run: its findings are incomplete")
                failed.append(role)
    finally:
        server.terminate()
        server.wait(timeout=30)
    if failed:
        print(f"\nschemathesis found failures as: {', '.join(failed)} (server log: {work}/server.log)")
        sys.exit(1)
    print("\nschemathesis: no failures as " + args.roles)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
