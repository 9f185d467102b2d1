"""The forms' CSRF key is made once and kept beside the uploads, so that a form open in a browser
still sends after the service restarts."""

from __future__ import annotations

import stat

from kernel.settings import kept_secret


def test_the_key_is_made_once_and_kept(tmp_path) -> None:
    first = kept_secret(tmp_path / "uploads")
    kept_secret.cache_clear()  # as a new process would
    assert kept_secret(tmp_path / "uploads") == first and len(first) >= 32
    assert stat.S_IMODE((tmp_path / "uploads" / ".csrf-secret").stat().st_mode) == 0o600
    assert [p.name for p in (tmp_path / "uploads").iterdir()] == [".csrf-secret"]


def test_a_folder_that_cannot_be_written_falls_back_on_the_process_key(tmp_path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert len(kept_secret(blocked / "uploads")) >= 32


def test_a_truncated_key_is_not_used(tmp_path) -> None:
    (tmp_path / ".csrf-secret").write_text("short")
    assert kept_secret(tmp_path) != "short"
