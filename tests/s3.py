"""The environment that points the service at a fresh prefix of the bucket of the S3 protocol
server the `s3_endpoint` fixture (tests/conftest.py) runs on loopback."""

from __future__ import annotations

import uuid

BUCKET = "charter-files"


def use_bucket(monkeypatch, endpoint: str) -> str:
    """Files go to a fresh prefix of the bucket (for this process and those it starts); returns it."""
    prefix = f"run-{uuid.uuid4().hex[:8]}"
    for name, value in {
        "FILE_STORE": f"s3://{BUCKET}/{prefix}",
        "AWS_ACCESS_KEY_ID": "k",
        "AWS_SECRET_ACCESS_KEY": "s",
        "AWS_REGION": "us-east-1",
        "AWS_ENDPOINT": endpoint,
        "AWS_ALLOW_HTTP": "true",
    }.items():
        monkeypatch.setenv(name, value)
    return prefix
