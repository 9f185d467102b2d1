"""Files shared between machines through an S3-compatible bucket (a real S3 protocol server on
loopback, moto's): evidence filed on one machine is downloaded on another, a report rendered on
one is served from the bucket on another without rendering it again; a bucket that does not
answer refuses evidence with 503 and keeps nothing, while reports are still made; a FILE_STORE
that names no bucket stops the service with a message."""

import hashlib
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import boto3

from exports.report_context import build_report_context
from exports.reports import render_cached
from indicators.tables import Evidence
from kernel.tables import AuditEntry
from tests import builders
from tests.builders import bearer
from tests.s3 import BUCKET
from tests.s3 import use_bucket as _bucket

EV = "/api/v1/cities/grenoble/evidence"
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
ROOT = Path(__file__).resolve().parents[2]


def _other_machine(monkeypatch, tmp_path: Path, name: str) -> None:
    """From now on this process has the empty folders of another machine."""
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / name / "uploads"))
    monkeypatch.setenv("REPORT_CACHE_DIR", str(tmp_path / name / "reports"))


def _objects(endpoint: str, prefix: str) -> list[str]:
    client = boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s"
    )
    listed = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return sorted(o["Key"].removeprefix(prefix + "/") for o in listed.get("Contents", []))


async def _upload(client, token: str, content: bytes = PDF):
    return await client.post(
        EV,
        headers=bearer(token),
        files={"file": ("deliberation.pdf", content, "application/pdf")},
        data={"title": "Délibération", "kind": "council_decision"},
    )


async def test_evidence_filed_on_one_machine_is_downloaded_on_another(
    client, monkeypatch, tmp_path, s3_endpoint
) -> None:
    prefix = _bucket(monkeypatch, s3_endpoint)
    _other_machine(monkeypatch, tmp_path, "a")
    token = await builders.editor_with_adoption()
    r = await _upload(client, token)
    assert r.status_code == 201, r.text
    digest = hashlib.sha256(PDF).hexdigest()
    assert _objects(s3_endpoint, prefix) == [f"uploads/{digest[:2]}/{digest}"]
    _other_machine(monkeypatch, tmp_path, "b")
    download = await client.get(r.json()["file_url"], headers=bearer(token))
    assert download.status_code == 200 and download.content == PDF
    assert (tmp_path / "b" / "uploads" / digest[:2] / digest).read_bytes() == PDF  # kept here since


async def test_a_report_rendered_on_one_machine_is_not_rendered_again_on_another(
    client, monkeypatch, tmp_path, s3_endpoint
) -> None:
    prefix = _bucket(monkeypatch, s3_endpoint)
    _other_machine(monkeypatch, tmp_path, "a")
    await builders.editor_with_adoption()
    context = await build_report_context("grenoble", "lampedusa", "fr")
    first = await render_cached(context)
    assert not first.cached and first.pdf.startswith(b"%PDF")
    assert f"reports/{context.hash}.pdf" in _objects(s3_endpoint, prefix)
    _other_machine(monkeypatch, tmp_path, "b")

    async def must_not_render(context, variant):
        raise AssertionError("rendered again")

    again = await render_cached(context, render=must_not_render)
    assert again.cached and again.pdf == first.pdf


async def test_a_bucket_that_does_not_answer_keeps_no_evidence_and_reports_are_still_made(
    client, monkeypatch, tmp_path, s3_endpoint
) -> None:
    _bucket(monkeypatch, s3_endpoint)
    _other_machine(monkeypatch, tmp_path, "a")
    token = await builders.editor_with_adoption()
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT", f"http://127.0.0.1:{closed}")
    monkeypatch.setenv("FILE_STORE", f"s3://{BUCKET}/down-{uuid.uuid4().hex[:8]}")
    audited = await AuditEntry.count()
    r = await _upload(client, token, PDF + b"%down\n")
    assert r.status_code == 503, r.text
    assert r.headers["retry-after"] == "30" and "nothing was saved" in r.json()["detail"]
    assert await Evidence.count() == 0 and await AuditEntry.count() == audited
    assert not list((tmp_path / "a").rglob("*.pdf"))
    context = await build_report_context("grenoble", "lampedusa", "fr")
    made = await render_cached(context)
    assert made.pdf.startswith(b"%PDF") and (tmp_path / "a" / "reports" / f"{context.hash}.pdf").is_file()


def test_a_file_store_that_names_no_bucket_stops_the_service_with_a_message() -> None:
    env = {**os.environ, "FILE_STORE": "/srv/shared"}
    done = subprocess.run(
        [sys.executable, "-c", "import piccolo_conf"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "FILE_STORE names an S3-compatible bucket (s3://bucket/prefix" in done.stderr
