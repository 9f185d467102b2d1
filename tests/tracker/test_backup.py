"""Backup and restore, as an operator runs them: backup → restore into an empty database →
export gives the same files, on SQLite and PostgreSQL (and from one to the other); a database
that is not empty is refused without --force; a damaged backup restores nothing."""

import os
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest

from exports.datapackage import package_files
from kernel.settings import get_settings
from tests import builders
from tests.builders import bearer
from tracker.demo import load_demo

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
        check=False,
    )


def _export(env: dict[str, str], out: Path) -> dict[str, bytes]:
    result = cli("export", str(out), env=env)
    assert result.returncode == 0, result.stderr
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _fresh_postgres() -> str:
    """A new empty PostgreSQL database next to the test one."""
    base = os.environ["TEST_DATABASE_URL"].rsplit("/", 1)[0]
    name = f"restore_{uuid.uuid4().hex[:8]}"
    subprocess.run(
        ["psql", f"{base}/postgres", "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True
    )
    return f"{base}/{name}"


async def _data(client) -> None:
    await load_demo()
    token = await builders.token("city_editor", "grenoble", email="ed@grenoble.fr")
    r = await client.post(
        "/api/v1/cities/grenoble/evidence",
        headers=bearer(token),
        files={"file": ("deliberation.pdf", PDF, "application/pdf")},
        data={"title": "Délibération", "kind": "council_decision"},
    )
    assert r.status_code == 201, r.text


async def test_backup_restore_export_gives_the_same_files(client, tmp_path: Path) -> None:
    """Restored into a fresh SQLite file (and a fresh PostgreSQL database on the PostgreSQL run),
    the export is byte for byte the export of the original; the evidence file comes along."""
    await _data(client)
    expected = {k: v for k, v in (await package_files()).items()}
    result = cli("backup", str(tmp_path / "backup.zip"))
    assert result.returncode == 0, result.stderr
    targets = [f"sqlite:///{tmp_path / 'restored.db'}"]
    if get_settings().is_postgres:
        targets.append(_fresh_postgres())
    try:
        _restore_and_compare(targets, tmp_path, expected)
    finally:
        for url in targets[1:]:
            _drop_postgres(url)


def _drop_postgres(url: str) -> None:
    base, name = url.rsplit("/", 1)
    subprocess.run(
        ["psql", f"{base}/postgres", "-qc", f"DROP DATABASE {name}"], check=False, capture_output=True
    )


def _restore_and_compare(targets: list[str], tmp_path: Path, expected: dict[str, bytes]) -> None:
    for n, url in enumerate(targets):
        env = {"DATABASE_URL": url, "UPLOAD_DIR": str(tmp_path / f"uploads-{n}")}
        result = cli("restore", str(tmp_path / "backup.zip"), env=env)
        assert result.returncode == 0, result.stderr
        assert _export(env, tmp_path / f"export-{n}") == expected
        # One folder, one evidence file; the forms' key (`.csrf-secret`) is the restored service's own.
        stored = [p for p in (tmp_path / f"uploads-{n}").rglob("*") if not p.name.startswith(".")]
        assert len(stored) == 2
        # New rows get new ids after a restore (PostgreSQL sequences follow the restored ids).
        assert cli("user", "add", "new@uclg.example", "--role", "secretariat", env=env).returncode == 0


async def test_restore_refuses_a_database_that_is_not_empty(client, tmp_path: Path) -> None:
    """Without --force: exit 2, nothing changed. With --force: the backup replaces the data."""
    await _data(client)
    assert cli("backup", str(tmp_path / "backup.zip")).returncode == 0
    before = await package_files()
    await builders.city("kairouan", locale="ar-TN", country="TN")
    result = cli("restore", str(tmp_path / "backup.zip"))
    assert result.returncode == 2 and "not empty" in result.stderr and "--force" in result.stderr
    assert (await package_files()) != before
    result = cli("restore", str(tmp_path / "backup.zip"), "--force")
    assert result.returncode == 0, result.stderr
    assert (await package_files()) == before


@pytest.mark.parametrize("damage", ["not a zip", "checksum", "format"])
async def test_a_damaged_backup_restores_nothing(client, tmp_path: Path, damage: str) -> None:
    """Not a zip, a member that does not match its checksum, an unknown format: exit 2, the
    empty database stays empty."""
    await _data(client)
    assert cli("backup", str(tmp_path / "good.zip")).returncode == 0
    bad = tmp_path / "bad.zip"
    if damage == "not a zip":
        bad.write_bytes(b"PK\x03\x04 this is not really a zip")
    else:
        with zipfile.ZipFile(tmp_path / "good.zip") as src, zipfile.ZipFile(bad, "w") as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                if damage == "checksum" and item.filename == "tables/city.jsonl":
                    data = data.replace(b"Grenoble", b"Grenobl3")
                if damage == "format" and item.filename == "manifest.json":
                    data = data.replace(b"charter-tracker-backup/1", b"something-else/9")
                dst.writestr(item, data)
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}", "UPLOAD_DIR": str(tmp_path / "up")}
    result = cli("restore", str(bad), env=env)
    assert result.returncode == 2, result.stdout + result.stderr
    assert _export(env, tmp_path / "export")["data/cities.csv"].count(b"\n") == 1  # the header only
