#!/usr/bin/env python3
"""Load test of livelihood-project ballots.

Against a running renda, it makes N deputies of one congress, then for
each of several rounds sends every deputy's ballot at once, with some
deputies sending theirs twice, and checks that exactly N ballots are
stored, every duplicate is refused with 409, and the tally matches the
one computed here from the ballots sent. It prints the figures.

Standard library only:

    python3 tests/load/ballots.py --base http://127.0.0.1:8080 \
        --admin-password 'Renda-Setup-2026' --deputies 500 --duplicates 100
"""

import argparse
import json
import random
import statistics
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

TERM = "负载测试届"


class Api:
    def __init__(self, base):
        self.base = base.rstrip("/")

    def call(self, method, path, token=None, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                text = r.read()
                return r.status, (json.loads(text) if text else None)
        except urllib.error.HTTPError as e:
            text = e.read()
            try:
                return e.code, json.loads(text)
            except ValueError:
                return e.code, None

    def ok(self, method, path, token=None, body=None, want=(200, 201)):
        status, out = self.call(method, path, token, body)
        if status not in want:
            sys.exit(f"{method} {path}: {status} {out}")
        return out

    def login(self, username, password):
        out = self.ok("POST", "/api/v1/auth/login", body={"username": username, "password": password})
        if out.get("password_change_required"):
            # A fresh server's first administrator chooses a password first.
            new = password + "-Own"
            self.ok("POST", "/api/v1/me/password", out["access_token"],
                    {"current_password": password, "new_password": new}, want=(204,))
            out = self.ok("POST", "/api/v1/auth/login", body={"username": username, "password": new})
        return out["access_token"]


def make_deputy(api, staff, admin, tag, i):
    d = api.ok(
        "POST",
        "/api/v1/deputies",
        staff,
        {"name": f"负载代表{i}", "memberships": [{"level": "county", "term": TERM}]},
    )
    username = f"load-{tag}-{i}"
    api.ok(
        "POST",
        "/api/v1/users",
        admin,
        {
            "username": username,
            "password": "Load-Test-Pass-2026",
            "display_name": username,
            "roles": ["deputy"],
            "must_change_password": False,
            "deputy_id": d["id"],
        },
    )
    return d["id"], api.login(username, "Load-Test-Pass-2026")


def expected_tally(ballots, shortlist):
    counts = {c: [0, 0, 0] for c in shortlist}
    for b in ballots:
        for c in shortlist:
            if c in b["approve"]:
                counts[c][0] += 1
            elif c in b["against"]:
                counts[c][1] += 1
            else:
                counts[c][2] += 1
    return counts


def expected_outcome(counts, ballots, seats):
    """The rule, computed independently: the top `seats` by approvals among
    those approved on more than half of the ballots; a tie at the cut-off
    leaves the tied ones undecided."""
    eligible = sorted(
        ((n[0], c) for c, n in counts.items() if n[0] * 2 > ballots), reverse=True
    )
    if len(eligible) <= seats:
        return {c for _, c in eligible}, set()
    cut, first_out = eligible[seats - 1][0], eligible[seats][0]
    if cut != first_out:
        return {c for _, c in eligible[:seats]}, set()
    return {c for a, c in eligible if a > cut}, {c for a, c in eligible if a == cut}


def run_round(api, staff, deputies, unit, args, number, secret, rng):
    r = api.ok(
        "POST",
        "/api/v1/livelihood-rounds",
        staff,
        {
            "year": 2027,
            "level": "county",
            "term": TERM,
            "title": f"负载测试第{number}轮",
            "seats": args.seats,
            "secret_ballot": secret,
        },
    )["id"]
    base = f"/api/v1/livelihood-rounds/{r}"
    shortlist = []
    for k in range(args.candidates):
        c = api.ok(
            "POST",
            f"{base}/candidates",
            staff,
            {"title": f"项目{k}", "description": "负载测试", "unit_id": unit},
        )["id"]
        shortlist.append(c)
    api.ok("POST", f"{base}/start-review", staff, {})
    for c in shortlist:
        api.ok("POST", f"{base}/candidates/{c}/review", staff, {"shortlist": True, "reason": "负载测试"})
    api.ok("POST", f"{base}/start-voting", staff, {})

    # Skewed ballots, so that some candidates win a majority and some do
    # not: candidate k is approved with a probability falling with k.
    ballots = []
    for _ in deputies:
        picks = [c for k, c in enumerate(shortlist) if rng.random() < 0.9 - 0.15 * k][: args.seats]
        rest = [c for c in shortlist if c not in picks]
        against = rng.sample(rest, rng.randint(0, len(rest)))
        ballots.append({"approve": picks, "against": against})
    # Every deputy once, some twice: a duplicate is sent right beside its
    # original, so that the two are in flight at the same time.
    twice = set(rng.sample(range(len(deputies)), args.duplicates))
    order = list(range(len(deputies)))
    rng.shuffle(order)
    sends = []
    for i in order:
        sends.append((i, ballots[i]))
        if i in twice:
            sends.append((i, ballots[i]))

    def send(item):
        i, b = item
        t0 = time.perf_counter()
        status, body = api.call("POST", f"{base}/ballot", deputies[i][1], b)
        code = (body or {}).get("code") if status >= 400 else None
        return (status, code), time.perf_counter() - t0

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        results = list(pool.map(send, sends))
    wall = time.perf_counter() - started

    codes = {}
    for (status, code), _ in results:
        key = str(status) if code is None else f"{status} {code}"
        codes[key] = codes.get(key, 0) + 1
    latencies = sorted(t for _, t in results)
    stored = api.ok("GET", base, staff)["ballots_cast"]
    api.ok("POST", f"{base}/close-voting", staff, {})
    results_doc = api.ok("GET", f"{base}/results")
    got = {
        c["candidate_id"]: [c["approvals"], c["against"], c["abstentions"]]
        for c in results_doc["candidates"]
    }
    want = expected_tally(ballots, shortlist)
    want_adopted, want_tied = expected_outcome(want, len(deputies), args.seats)
    got_adopted = {c["candidate_id"] for c in results_doc["candidates"] if c["adopted"]}
    got_tied = set(results_doc["tied"])
    exact = (
        codes == {"201": len(deputies), "409 already_voted": args.duplicates}
        and stored == len(deputies)
        and results_doc["ballots_cast"] == len(deputies)
        and got == want
        and got_adopted == want_adopted
        and got_tied == want_tied
    )
    print(
        f"round {number} ({'secret' if secret else 'open'}): {len(sends)} ballots sent "
        f"({args.duplicates} duplicates) by {args.concurrency} clients in {wall:.2f} s "
        f"= {len(sends) / wall:.0f}/s; p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {latencies[int(len(latencies) * 0.95) - 1] * 1000:.0f} ms, "
        f"max {latencies[-1] * 1000:.0f} ms; answers {dict(sorted(codes.items()))}; "
        f"stored {stored}; {len(got_adopted)} adopted, {len(got_tied)} tied; "
        f"tally {'exact' if exact else 'WRONG'}"
    )
    if not exact:
        print("  expected", want, want_adopted, want_tied, file=sys.stderr)
        print("  got     ", got, got_adopted, got_tied, file=sys.stderr)
    return exact


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--base", default="http://127.0.0.1:8080")
    p.add_argument("--admin-username", default="admin")
    p.add_argument("--admin-password", required=True)
    p.add_argument("--deputies", type=int, default=500)
    p.add_argument("--duplicates", type=int, default=100)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--seats", type=int, default=3)
    p.add_argument("--candidates", type=int, default=6)
    p.add_argument("--concurrency", type=int, default=100)
    p.add_argument("--seed", type=int, default=2026)
    args = p.parse_args()
    rng = random.Random(args.seed)
    api = Api(args.base)
    admin = api.login(args.admin_username, args.admin_password)
    tag = f"{int(time.time())}"
    api.ok(
        "POST",
        "/api/v1/users",
        admin,
        {
            "username": f"load-staff-{tag}",
            "password": "Load-Test-Pass-2026",
            "display_name": "load staff",
            "roles": ["staff"],
            "must_change_password": False,
        },
    )
    staff = api.login(f"load-staff-{tag}", "Load-Test-Pass-2026")
    unit = api.ok(
        "POST", "/api/v1/units", staff, {"name": f"负载测试单位{tag}", "kind": "government_department"}
    )["id"]
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=8) as pool:
        deputies = list(pool.map(lambda i: make_deputy(api, staff, admin, tag, i), range(args.deputies)))
    print(f"set up {len(deputies)} deputies with accounts in {time.perf_counter() - t0:.1f} s")
    ok = True
    for n in range(1, args.rounds + 1):
        ok &= run_round(api, staff, deputies, unit, args, n, secret=(n % 2 == 1), rng=rng)
    print("every round exact" if ok else "A ROUND WAS NOT EXACT")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
