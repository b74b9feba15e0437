"""Schemathesis hooks for the contract run (loaded by contract.py).

A schema says what a well-formed request looks like; it cannot say which
ids exist or which cursor a previous page gave. So that well-formed
requests the fuzzer makes (positive mode) can be accepted, they are
completed with what only the server knows, as schemathesis advises for
missing test data:

- a motion's path names a demo motion the caller may see, and a field
  that refers to a deputy, unit, station, observer or activity
  gets the id of a demo record instead of a random UUID, and a suggestion's
  category one of the categories the server lists;
- where the record must also belong to the object in the path (a deputy
  of that station, a unit under that supervision), it is one of those, and
  the path names a station with deputies (a ballot's bodies are the
  item's, each once; a meeting's attendance its committee members); a
  station's new parent is a top
  station other than itself (none when it is the only one); a supervision's deputies are not already on
  it;
- `cursor` is left out: a cursor is opaque and only the server makes them;
  the handling figures are asked of one scope at a time, a session's
  without a year or a breakdown;
- an activity's or reception day's date, a record's date and a
  consultation's day are today (they must lie within a
  year of today, or not after it), and a webhook's address is on this
  machine (contract.py allows loopback for webhooks; a generated host name
  would not resolve);
- rules across fields that JSON Schema cannot state, which the fields'
  descriptions do: a period ends no earlier than it starts (the start
  given as well when a change names only the end), a password has three
  kinds of character and is neither common nor holds the username,
  scopes for a unit's work come with the unit, laws come with a
  law-enforcement inspection and only with one, a deadline lies ahead, a
  delegation (the drafter's own) is named by a delegation's motion and
  only by one, a 交办
  batch names registered suggestions, each once, green with default
  deadlines, a key-supervision list is decided today for this year on
  suggestions being handled, led by a leader, and a key-supervision path
  names the demo's list and item; a term change ends a term nobody in the
  demo serves in (the run keeps its deputies), and begins another; an
  extension request names its new deadline, and a suggestion is passed
  on to another unit than the one holding it;
- a CSV import is a file with the required columns and a new name, and an
  upload is a PDF (the description lists the types taken, recognised by
  their content);
- each request gets its own `Idempotency-Key`: a key reused with another
  body is refused, as it must be.

In every mode, an `If-Match` of the documented form is left out: the
fuzzer cannot know the current ETag, and one that is not current is
rightly a 412 (before the body is read, as RFC 9110 allows). A malformed
one is sent, and refused with 400. A header meant to be invalid but null
(which would not be sent at all) is sent empty. Otherwise requests meant
to be invalid (negative mode) are sent as generated.
"""

import datetime
import json
import os
import re
import urllib.request
import uuid

import schemathesis

def china_today():
    """Today where the congress works (UTC+8), as the server counts days:
    from 16:00 UTC on, the machine's own date is still yesterday's."""
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date()


BASE = os.environ["RENDA_CONTRACT_BASE"]
TOKEN = os.environ["RENDA_CONTRACT_TOKEN"]

# Which kind of record each referring field names.
REFERS_TO = {
    "deputy_id": "deputies", "deputy_ids": "deputies", "invited_deputy_ids": "deputies",
    "committee_member_ids": "deputies", "co_signer_ids": "deputies", "lead_deputy_id": "deputies",
    "unit_id": "units", "unit_ids": "units", "body_id": "units", "body_ids": "units",
    "lead_unit_id": "units", "co_unit_ids": "units", "conflict_unit_ids": "units",
    "audience_unit_id": "units", "letter_unit_id": "units", "present_member_ids": "deputies",
    "station_id": "stations", "station_ids": "stations",
    "observer_id": "observers", "observer_ids": "observers",
    "activity_id": "activities", "parent_id": "top_stations", "signer_ids": "county_deputies",
}

# Pairs of fields that make a period: the end is not before the start.
PERIODS = [("start_date", "end_date"), ("term_start", "term_end"), ("opens_on", "closes_on"),
           ("ended_on", "started_on")]

# The form of If-Match the document states (etag::LIST_PATTERN).
IF_MATCH = re.compile(r'^[ \t]*(\*|(W/)?"[!#-~]*"([ \t]*,[ \t]*(W/)?"[!#-~]*")*)[ \t]*$')

# A file of a type uploads take (they are recognised by content).
# Text, as the schema's `string` is checked against what a hook writes.
PDF = "%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

# Scopes a client may hold only for a unit.
UNIT_SCOPES = {"suggestions:reply", "supervisions:report"}


# Operations whose referred records must belong to the object in the path:
# the path's object, its field listing them, and the kind they are.
SCOPED = {
    "/api/v1/stations/{id}/reception-days": ("stations", "deputy_ids", "deputies"),
    "/api/v1/supervisions/{id}/inquiries": ("supervisions", "body_ids", "units"),
    "/api/v1/supervisions/{id}/opinions": ("supervisions", "body_ids", "units"),
    "/api/v1/supervisions/{id}/votes": ("supervisions", "body_ids", "units"),
    "/api/v1/supervisions/{id}/attendance": ("supervisions", "committee_member_ids", "deputies"),
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


IDS = {kind: _ids(kind) for kind in {"deputies", "units", "stations", "observers", "activities"}}
_stations = (_get("/api/v1/stations?limit=100") or {"items": []})["items"]
IDS["top_stations"] = [s["id"] for s in _stations if not s.get("parent_id")]
STAFFED_STATIONS = [s["id"] for s in _stations if s.get("deputy_ids")]
IDS["categories"] = _get("/api/v1/suggestion-categories") or []
# The demo's motions the caller may see, for the `{id}` of a motion's path.
IDS["motions"] = _ids("motions")
# Deputies of the county, whose session is in progress: they sign motions.
IDS["county_deputies"] = [d["id"] for d in (_get("/api/v1/deputies?level=county&limit=100") or {"items": []})["items"]]
# The demo's key-supervision list and its first item, for their paths,
# and the leader it names.
_key = ((_get("/api/v1/key-supervision-lists") or {"items": []})["items"] or [None])[0]
KEY = _get(f"/api/v1/key-supervision-lists/{_key['id']}") if _key else None


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


def _periods(body, stored):
    """Makes every period in `body` end no earlier than it starts."""
    if isinstance(body, list):
        for v in body:
            _periods(v, None)
        return
    if not isinstance(body, dict):
        return
    for start, end in PERIODS:
        if isinstance(body.get(end), str):
            if start not in body and stored and stored.get(start):
                body[start] = stored[start]
            if isinstance(body.get(start), str) and body[end] < body[start]:
                body[start], body[end] = body[end], body[start]
        elif isinstance(body.get(start), str) and stored and isinstance(stored.get(end), str):
            if stored[end] < body[start]:
                body[end] = body[start]
    for v in body.values():
        if isinstance(v, (dict, list)):
            _periods(v, None)


def _csv(path):
    name = uuid.uuid4().hex[:8]
    if path.endswith("/units/import"):
        return f"名称,类型\n契约测试单位{name},政府部门\n"
    return f"姓名,性别\n契约测试代表{name},男\n"


def _only_extra_headers(meta):
    """Whether a case is invalid only through a header the document does
    not name. HTTP ignores such headers, and schemathesis then checks the
    request as a valid one, so it is completed as one."""
    data = meta.phase.data
    scenario = getattr(getattr(data, "scenario", None), "value", None)
    location = getattr(getattr(data, "parameter_location", None), "value", None)
    return scenario == "object_unexpected_properties" and location == "header"


def _batch(body):
    """A batch names suggestions registered now, each once, assigned green
    with the default deadlines; a pass-on deadline is a week ahead."""
    page = _get("/api/v1/suggestions?status=registered&limit=100") or {"items": []}
    registered = [s["id"] for s in page["items"]]
    body.pop("congress_session_id", None)
    items = body.get("items")
    if not isinstance(items, list):
        return
    week = (china_today() + datetime.timedelta(days=7)).isoformat()
    for k, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        if registered:
            item["suggestion_id"] = registered[k % len(registered)]
        item["color"] = "green"
        for field in ("due_date", "co_unit_due_date", "supervisor_id"):
            item.pop(field, None)
        if "pass_on_due" in item:
            item["pass_on_due"] = week
    if registered:
        del items[len(registered):]


def _key_list(body, today):
    """A list decided today for this year, naming suggestions being
    handled, each once, led by the demo's leader."""
    body["decided_on"] = today
    body["year"] = int(today[:4])
    page = _get("/api/v1/suggestions?status=assigned&limit=100") or {"items": []}
    handled = [s["id"] for s in page["items"]]
    leaders = KEY["items"][0]["leader_ids"] if KEY and KEY["items"] else []
    items = body.get("items")
    if not isinstance(items, list):
        return
    for k, item in enumerate(items):
        if isinstance(item, dict):
            if handled:
                item["suggestion_id"] = handled[k % len(handled)]
            if leaders:
                item["leader_ids"] = leaders
    if handled:
        del items[len(handled):]


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    meta = case.meta
    if case.headers:
        for name in list(case.headers):
            value = case.headers[name]
            if name.lower() == "if-match" and isinstance(value, str) and IF_MATCH.match(value):
                del case.headers[name]
            # A header meant to be invalid whose value cannot go on the
            # wire (null) would not be sent at all, and the request would
            # be valid: it is sent empty, as invalid as meant.
            elif value is None and meta is not None and not meta.generation.mode.is_positive:
                case.headers[name] = ""
    if meta is None or not (meta.generation.mode.is_positive or _only_extra_headers(meta)):
        return
    if isinstance(case.query, dict):
        case.query.pop("cursor", None)
        if case.operation.path == "/api/v1/suggestions/figures":
            # One scope at a time; a session's figures span its years.
            scopes = [k for k in ("unit_id", "category", "deputy_id", "congress_session_id")
                      if k in case.query]
            for k in scopes[1:]:
                case.query.pop(k)
            if "congress_session_id" in case.query:
                case.query.pop("year", None)
                case.query.pop("by", None)
    if case.headers:
        for name in list(case.headers):
            if name.lower() == "idempotency-key":
                case.headers[name] = uuid.uuid4().hex
            elif name.lower() == "if-match":
                del case.headers[name]
    path = case.operation.path
    method = case.operation.method.upper()
    params = case.path_parameters or {}
    if path.endswith("/import") and isinstance(case.body, str):
        case.body = _csv(path)
        return
    if path == "/api/v1/supervisions/{id}/attendance":
        # A meeting's attendance names the item's committee members: the
        # path names an item that has some.
        item = _get(f"/api/v1/supervisions/{params.get('id')}")
        if not item or not item.get("committee_member_ids"):
            page = _get("/api/v1/supervisions?limit=100") or {"items": []}
            staffed = [i["id"] for i in page["items"] if i.get("committee_member_ids")]
            if staffed:
                params["id"] = staffed[0]
    if path == "/api/v1/stations/{id}/reception-days" and STAFFED_STATIONS:
        station = _get(f"/api/v1/stations/{params.get('id')}")
        if not station or not station.get("deputy_ids"):
            params["id"] = STAFFED_STATIONS[0]
    if path.startswith("/api/v1/motions/{id}") and IDS["motions"] \
            and params.get("id") not in IDS["motions"]:
        generated = str(params.get("id"))
        params["id"] = IDS["motions"][len(generated) % len(IDS["motions"])]
    if path.startswith("/api/v1/key-supervision-lists/{id}") and KEY:
        params["id"] = KEY["id"]
        if "item_id" in params and KEY["items"]:
            params["item_id"] = KEY["items"][0]["id"]
    if path.endswith("/attachments") and isinstance(case.body, dict) and "file" in case.body:
        case.body["file"] = PDF
    if not isinstance(case.body, (dict, list)):
        return
    today = china_today().isoformat()
    if isinstance(case.body, dict):
        if (path.startswith("/api/v1/activities") or path.endswith("/reception-days")) \
                and "day" in case.body:
            case.body["day"] = today
        if path.startswith("/api/v1/supervisions") and isinstance(case.body.get("deadline"), str):
            case.body["deadline"] = (china_today() + datetime.timedelta(days=30)).isoformat()
        if path == "/api/v1/assignment-batches":
            _batch(case.body)
        if path == "/api/v1/term-changes":
            # A term the demo's deputies do not serve in, so that the run
            # keeps its deputies for the operations after this one (the
            # API tests change a term for real).
            case.body["ending_term"] = "第九十九届"
            if case.body.get("next_term") == "第九十九届":
                case.body["next_term"] = "第一百届"
        if path == "/api/v1/key-supervision-lists":
            _key_list(case.body, today)
        if path.startswith("/api/v1/key-supervision-lists/") and "occurred_on" in case.body:
            case.body["occurred_on"] = today
        if path == "/api/v1/motions":
            # A delegation's motion names the delegation, a deputies' none.
            if case.body.get("proposer") == "delegation":
                # The delegation demo-deputy0 sits in at the county congress.
                case.body["delegation"] = "古城街道代表团"
            else:
                case.body.pop("delegation", None)
        if path.startswith("/api/v1/motions") and isinstance(case.body.get("report_due"), str):
            case.body["report_due"] = (china_today() + datetime.timedelta(days=60)).isoformat()
        if path.startswith(("/api/v1/suggestions", "/api/v1/motions")) \
                and isinstance(case.body.get("category"), str):
            cats = IDS["categories"]
            if cats:
                case.body["category"] = cats[len(case.body["category"]) % len(cats)]
        if isinstance(case.body.get("occurred_on"), str):
            case.body["occurred_on"] = today
        if path.endswith("/consultations") and isinstance(case.body.get("held_on"), str):
            case.body["held_on"] = today
        if path.startswith("/api/v1/webhooks") and isinstance(case.body.get("url"), str):
            case.body["url"] = "http://127.0.0.1:9/hook"
        if path.startswith("/api/v1/users") and isinstance(case.body.get("password"), str):
            # Pairs between `#`: no run of three characters a username
            # may hold (so none is in it, whatever the username), letters
            # at both ends (a core of more than 4), no common password.
            pairs = uuid.uuid4().hex[:12]
            case.body["password"] = "Qz#" + "#".join(pairs[i:i + 2] for i in range(0, 12, 2)) + "#zQ"
    stored = None
    if method == "PATCH" and "id" in params:
        stored = _get(path.replace("{id}", str(params["id"])))
    if isinstance(case.body, dict) and path.startswith("/api/v1/clients"):
        scopes = case.body.get("scopes")
        if not isinstance(scopes, list):
            scopes = (stored or {}).get("scopes") or []
        unit = case.body["unit_id"] if "unit_id" in case.body else (stored or {}).get("unit_id")
        if UNIT_SCOPES & set(scopes) and unit is None and IDS["units"]:
            case.body["unit_id"] = IDS["units"][0]
    _periods(case.body, stored)
    pools = dict(IDS)
    scope = SCOPED.get(path)
    if scope:
        parent, field, kind = scope
        obj = _get(f"/api/v1/{parent}/{params.get('id')}")
        if obj:
            pools[kind] = obj.get(field) or []
    if path == "/api/v1/stations/{id}":
        pools["top_stations"] = [s for s in IDS["top_stations"] if s != params.get("id")]
    if path == "/api/v1/supervisions/{id}" and stored:
        on = set(stored.get("deputy_ids") or []) | set(stored.get("committee_member_ids") or [])
        pools["deputies"] = [d for d in IDS["deputies"] if d not in on]
    _complete(case.body, pools, {})
    if path == "/api/v1/supervisions/{id}/votes" and isinstance(case.body, dict) \
            and isinstance(case.body.get("bodies"), list):
        # A ballot names each of the item's bodies once at most.
        seen, kept = set(), []
        for b in case.body["bodies"]:
            key = b.get("body_id") if isinstance(b, dict) else None
            if key not in seen:
                seen.add(key)
                kept.append(b)
        case.body["bodies"] = kept
    if path == "/api/v1/stations/{id}" and isinstance(case.body, dict) \
            and case.body.get("parent_id") == params.get("id"):
        # The only top station cannot sit below another: it stays on top.
        case.body["parent_id"] = None
    if path in ("/api/v1/supervisions", "/api/v1/supervisions/{id}") and isinstance(case.body, dict):
        _plan(case.body, stored or {})
    if path == "/api/v1/suggestions/{id}/requests" and isinstance(case.body, dict) \
            and case.body.get("kind") == "extension" and not case.body.get("due_date"):
        # An extension names the new deadline.
        case.body["due_date"] = (china_today() + datetime.timedelta(days=60)).isoformat()
    if path == "/api/v1/suggestions/{id}/pass-on" and isinstance(case.body, dict):
        # Passed on to another unit than the one that holds it.
        held = (_get(f"/api/v1/suggestions/{params.get('id')}") or {}).get("lead_unit_id")
        others = [u for u in IDS["units"] if u != held]
        if case.body.get("lead_unit_id") == held and others:
            case.body["lead_unit_id"] = others[0]


def _plan(body, stored):
    """A supervision names laws if and only if it is a law-enforcement
    inspection, and nobody is both committee member and deputy on it."""
    methods = body.get("methods")
    if not isinstance(methods, list):
        methods = stored.get("methods") or []
    laws = body["laws"] if "laws" in body else stored.get("laws")
    inspection = "law_enforcement_inspection" in methods
    if inspection and not laws:
        body["laws"] = ["中华人民共和国食品安全法"]
    elif not inspection and laws:
        body["laws"] = []
    members = body.get("committee_member_ids")
    if not isinstance(members, list):
        members = stored.get("committee_member_ids") or []
    if isinstance(body.get("deputy_ids"), list):
        body["deputy_ids"] = [d for d in body["deputy_ids"] if d not in members]
