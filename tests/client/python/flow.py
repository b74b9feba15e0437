#!/usr/bin/env python3
"""Generates a Python client from the document a live renda serves, and
runs a flow through it, with no hand edits to the generated code.

    python3 tests/client/python/flow.py --bin target/debug/renda \
        --generator path/to/openapi-python-client

Starts renda on a fresh SQLite database with the demo data, fetches
/api/v1/openapi.json, generates the client with openapi-python-client
(failing when it leaves an operation out), and as the demo accounts: signs in,
drafts and submits a suggestion with an attachment, registers it, checks
a unit import from an XLSX file (dry run), and exports the suggestions as
XLSX and opens the workbook. Exits non-zero when any step fails.
"""

import argparse
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

DEMO_PW = "Demo-Pass-2026"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(binary, work):
    port = free_port()
    env = dict(os.environ, RENDA_DATABASE_URL=f"sqlite://{work}/renda.db?mode=rwc",
               RENDA_DATA_DIR=work, RENDA_BIND=f"127.0.0.1:{port}",
               RENDA_ADMIN_PASSWORD="Client-Flow-2026", RENDA_LOG="warn")
    log = open(os.path.join(work, "server.log"), "w")
    subprocess.run([binary, "demo"], env=env, stdout=log, stderr=log, check=True)
    server = subprocess.Popen([binary, "serve"], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=2):
                return server, base
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("renda did not start; see " + log.name)


def generate(generator, base, work):
    doc = os.path.join(work, "openapi.json")
    with urllib.request.urlopen(base + "/api/v1/openapi.json", timeout=30) as r, open(doc, "wb") as f:
        f.write(r.read())
    out = os.path.join(work, "client")
    run = subprocess.run([generator, "generate", "--path", doc, "--output-path", out],
                         capture_output=True, text=True)
    report = run.stdout + run.stderr
    print(report)
    # It warns of the media types it has no class for (XLSX, CSV, DOCX)
    # and sends such files as `application/octet-stream`, which renda
    # takes; an operation it leaves out is a failure.
    if run.returncode != 0 or "will not be generated" in report:
        raise SystemExit("openapi-python-client left operations out")
    return out


def check(cond, what, answer=None):
    if not cond:
        raise SystemExit(f"FAILED: {what}: {answer!r}")
    print("ok:", what)


def flow(base):
    # The generated package, exactly as generated.
    import renda_api_client as _  # noqa: F401
    from renda_api_client import AuthenticatedClient, Client
    from renda_api_client.api.auth import login
    from renda_api_client.api.suggestions import (create_suggestion, export_suggestions,
                                                  register, submit, upload_attachment)
    from renda_api_client.api.units import import_units
    from renda_api_client.models import (AttachmentKind, CreateSuggestionRequest,
                                         ExportSuggestionsFormat, LoginRequest, SessionTiming,
                                         SuggestionResponse, TokenResponse, UploadForm)
    from renda_api_client.types import File
    import openpyxl

    anonymous = Client(base_url=base, raise_on_unexpected_status=True)

    def sign_in(username):
        token = login.sync(client=anonymous, body=LoginRequest(username=username, password=DEMO_PW))
        check(isinstance(token, TokenResponse), f"{username} signs in")
        return AuthenticatedClient(base_url=base, token=token.access_token,
                                   raise_on_unexpected_status=True)

    deputy = sign_in("demo-deputy0")
    staff = sign_in("demo-staff")

    draft = create_suggestion.sync(client=deputy, body=CreateSuggestionRequest(
        title="关于增设社区养老服务站的建议", content="建议在城南新区增设两处社区养老服务站。",
        category="教育", term="第十八届", timing=SessionTiming.BETWEEN_SESSIONS))
    check(isinstance(draft, SuggestionResponse) and draft.status == "draft", "a draft is made", draft)

    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    attached = upload_attachment.sync(client=deputy, id=draft.id, kind=AttachmentKind.MATERIAL,
                                      body=UploadForm(file=File(payload=io.BytesIO(pdf),
                                                                file_name="材料.pdf",
                                                                mime_type="application/pdf")))
    check(getattr(attached, "size", None) == len(pdf), "an attachment is uploaded", attached)

    submitted = submit.sync(client=deputy, id=draft.id)
    check(isinstance(submitted, SuggestionResponse) and submitted.status == "submitted",
          "the draft is submitted with no body", submitted)
    registered = register.sync(client=staff, id=draft.id)
    check(isinstance(registered, SuggestionResponse) and registered.status == "registered",
          "the office registers it", registered)

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["名称", "类型", "联系人"])
    sheet.append(["区客户端测试局", "政府部门", "赵磊"])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    report = import_units.sync(client=staff, dry_run=True,
                               body=File(payload=data, file_name="units.xlsx"))
    check(getattr(report, "dry_run", None) is True and report.rows == 1 and report.created == 0,
          "a unit import from XLSX is checked (dry run)", report)

    export = export_suggestions.sync_detailed(client=staff, format_=ExportSuggestionsFormat.XLSX)
    check(export.status_code == 200, "suggestions export as XLSX")
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    titles = [row[1] for row in sheet.iter_rows(values_only=True)]
    check(any(t == "关于增设社区养老服务站的建议" for t in titles),
          "the workbook opens and holds the new suggestion")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--generator", default="openapi-python-client")
    args = p.parse_args()
    work = tempfile.mkdtemp(prefix="renda-pyclient-")
    server, base = start(os.path.abspath(args.bin), work)
    try:
        out = generate(args.generator, base, work)
        sys.path.insert(0, out)
        flow(base)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    shutil.rmtree(work, ignore_errors=True)
    print("the generated Python client ran the flow")


if __name__ == "__main__":
    main()
