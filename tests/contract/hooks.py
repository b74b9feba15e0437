"""Schemathesis hooks for the contract run (loaded by contract.py).

A schema says what a well-formed request looks like; it cannot say which
ids exist or which cursor a previous page gave. So that well-formed
requests the fuzzer makes (positive mode) can be accepted, they are
completed with what only the server knows, as schemathesis advises for
missing test data:

- a field that refers to a deputy, unit, station or observer gets the id of
  a demo record instead of a random UUID;
- where the record must also belong to the object in the path (a deputy
  of that station, a unit under that supervision), it is one of those;
- `cursor` is left out: a cursor is opaque and only the server makes them;
- an activity's day is today (it must lie within a year of today), and a
  webhook's address is on this machine (contract.py allows loopback for
  webhooks; a generated host name would not resolve);
- each request gets its own `Idempotency-Key`: a key reused with another
  body is refused, as it must be;
- no made-up `If-Match`: one that is not the current ETag is a 412.

Requests meant to be invalid (negative mode) are sent as generated.
"""

import datetime
import json
import os
import urllib.request
import uuid

import schemathesis

BASE = os.environ["RENDA_CONTRACT_BASE"]
TOKEN = os.environ["RENDA_CONTRACT_TOKEN"]

# Which kind of record each referring field names.
REFERS_TO = {
    "deputy_id": "deputies", "deputy_ids": "deputies", "invited_deputy_ids": "deputies",
    "committee_member_ids": "deputies", "co_signer_ids": "deputies", "lead_deputy_id": "deputies",
    "unit_id": "units", "unit_ids": "units", "body_id": "units", "body_ids": "units",
    "lead_unit_id": "units", "co_unit_ids": "units", "conflict_unit_ids": "units",
    "audience_unit_id": "units",
    "station_id": "stations", "station_ids": "stations",
    "observer_id": "observers", "observer_ids": "observers",
}


# Operations whose referred records must belong to the object in the path:
# the path's object, its field listing them, and the kind they are.
SCOPED = {
    "/api/v1/stations/{id}/reception-days": ("stations", "deputy_ids", "deputies"),
    "/api/v1/supervisions/{id}/inquiries": ("supervisions", "body_ids", "units"),
    "/api/v1/supervisions/{id}/opinions": ("supervisions", "body_ids", "units"),
}


def _get(path):
    req = urllib.request.Request(f"{BASE}{path}")
    req.add_header("Authorization", "Bearer " + TOKEN)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.load(r)
    except Exception:  # absent, or not the caller's to see
        return None


def _ids(kind):
    """Ids of demo records of one kind, as far as the caller may list them."""
    page = _get(f"/api/v1/{kind}?limit=100")
    return [item["id"] for item in page["items"]] if page else []


IDS = {kind: _ids(kind) for kind in set(REFERS_TO.values())}


def _pick(pools, taken, kind, generated):
    """A record of `kind` for a generated id. Within one request the same
    generated id gets the same record and different ones different
    records (while the pool lasts), in order of appearance, so a run is
    repeatable."""
    pool = pools.get(kind) or []
    if not pool or not isinstance(generated, str):
        return generated
    mine = taken.setdefault(kind, {})
    if generated not in mine:
        mine[generated] = pool[len(mine) % len(pool)]
    return mine[generated]


def _complete(value, pools, taken):
    if isinstance(value, dict):
        for key, v in list(value.items()):
            kind = REFERS_TO.get(key)
            if kind and isinstance(v, list):
                value[key] = [_pick(pools, taken, kind, x) for x in v]
            elif kind:
                value[key] = _pick(pools, taken, kind, v)
            else:
                _complete(v, pools, taken)
    elif isinstance(value, list):
        for v in value:
            _complete(v, pools, taken)


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return
    if isinstance(case.query, dict):
        case.query.pop("cursor", None)
    if case.headers:
        for name in list(case.headers):
            if name.lower() == "idempotency-key":
                case.headers[name] = uuid.uuid4().hex
            # An If-Match the client made up is rightly a 412: a client
            # sends the ETag it read, or none.
            if name.lower() == "if-match":
                del case.headers[name]
    path = case.operation.path
    if isinstance(case.body, dict):
        if path.startswith("/api/v1/activities") and "day" in case.body:
            case.body["day"] = datetime.date.today().isoformat()
        if path.startswith("/api/v1/webhooks") and isinstance(case.body.get("url"), str):
            case.body["url"] = "http://127.0.0.1:9/hook"
    if isinstance(case.body, (dict, list)):
        pools = dict(IDS)
        scope = SCOPED.get(case.operation.path)
        if scope:
            parent, field, kind = scope
            obj = _get(f"/api/v1/{parent}/{(case.path_parameters or {}).get('id')}")
            if obj:
                pools[kind] = obj.get(field) or []
        _complete(case.body, pools, {})
