"""Settings read once from the environment: where the data lives, how large an upload may be, how
long a sign-in lasts and how often authentication may fail."""

from __future__ import annotations

import functools
import os
import secrets
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Settings:
    """What an operator can change without touching code."""

    database_url: str
    upload_dir: Path
    max_upload_bytes: int
    report_cache_dir: Path
    report_timeout_s: float
    warm_report_workers: bool
    challenges_per_minute: int = 10
    """How many challenges one reviewer may open in a minute (more: 429)."""
    auth_failures_per_minute: int = 20
    """How many requests with a bad token one address may send in a minute (more: 429)."""
    hsts_seconds: int = 0
    """`Strict-Transport-Security: max-age` sent on answers over HTTPS; 0 sends none."""
    public_url: str = "http://127.0.0.1:8000"
    """Where people reach the service, without a trailing slash: links sent to them (an
    invitation) start with it."""
    sign_in_failures_per_account: int = 5
    """How many failed sign-ins naming one e-mail address lock that account (for everyone)."""
    sign_in_lock_minutes: int = 15
    """The window those failures are counted in, and how long the account then stays locked."""
    session_max_days: int = 14
    """A session ends this many days after the sign-in, however much it is used."""
    session_idle_hours: int = 48
    """A session ends after this many hours without use."""

    database_replica_urls: tuple[str, ...] = ()
    """PostgreSQL streaming replicas that may answer public reads and the comparison
    (`DATABASE_REPLICA_URLS`, comma-separated; see kernel/replicas.py)."""
    replica_max_lag_s: float = 1.0
    """How far behind the primary, in seconds, a replica may be and still answer
    (`REPLICA_MAX_LAG_S`)."""
    report_workers: int = 2
    """Processes that render reports, per process serving requests (`REPORT_WORKERS`; the
    machine the service is sized for has two cores)."""
    file_store: str = ""
    """The S3-compatible bucket every process and machine shares files through
    (`s3://bucket/prefix`); empty: the folders of this machine (`kernel/files.py`)."""

    csrf_secret: str = ""
    """The key signing the forms' CSRF tokens (`CSRF_SECRET`); when not set, one made at random
    once and kept in the uploads' folder (`.csrf-secret`), so that forms open before a restart
    still send."""

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://"))

    @property
    def sqlite_path(self) -> str:
        """The SQLite file named by `sqlite:///path` (relative to the working directory)."""
        return self.database_url.removeprefix("sqlite:///") or "charter-tracker.db"


_STARTUP_CSRF_SECRET = secrets.token_urlsafe(32)
"""The CSRF key of this process when `CSRF_SECRET` is not set and none can be kept on disk."""


@functools.cache
def kept_secret(folder: Path) -> str:
    """The CSRF key kept in `folder` (the uploads' folder, the service's own), made once: forms
    open in a browser keep working across a restart, and every worker signs alike. The process's
    own key when the folder cannot be written."""
    path = folder / ".csrf-secret"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            draft = folder / f".csrf-secret.{os.getpid()}"
            draft.write_text(_STARTUP_CSRF_SECRET)
            draft.chmod(0o600)
            try:
                os.link(draft, path)  # whole, and only once: the first worker's key wins
            except FileExistsError:
                pass
            finally:
                draft.unlink()
        kept = path.read_text().strip()
    except OSError:
        return _STARTUP_CSRF_SECRET
    return kept if len(kept) >= 32 else _STARTUP_CSRF_SECRET


def get_settings() -> Settings:
    """Read the settings now (tests change the environment between runs)."""
    return Settings(
        database_url=os.environ.get("DATABASE_URL", "sqlite:///charter-tracker.db"),
        upload_dir=Path(os.environ.get("UPLOAD_DIR", "uploads")),
        max_upload_bytes=int(os.environ.get("MAX_UPLOAD_BYTES", str(20 * 1024 * 1024))),
        report_cache_dir=Path(os.environ.get("REPORT_CACHE_DIR", "var/reports")),
        report_timeout_s=float(os.environ.get("REPORT_TIMEOUT_S", "60")),
        warm_report_workers=os.environ.get("REPORT_WARM_WORKERS", "") == "1",
        report_workers=max(1, int(os.environ.get("REPORT_WORKERS", "2"))),
        file_store=os.environ.get("FILE_STORE", "").strip(),
        database_replica_urls=tuple(
            url.strip() for url in os.environ.get("DATABASE_REPLICA_URLS", "").split(",") if url.strip()
        ),
        replica_max_lag_s=float(os.environ.get("REPLICA_MAX_LAG_S", "1")),
        challenges_per_minute=int(os.environ.get("CHALLENGES_PER_MINUTE", "10")),
        auth_failures_per_minute=int(os.environ.get("AUTH_FAILURES_PER_MINUTE", "20")),
        hsts_seconds=int(os.environ.get("HSTS_SECONDS", "0")),
        public_url=os.environ.get("PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
        sign_in_failures_per_account=int(os.environ.get("SIGN_IN_FAILURES_PER_ACCOUNT", "5")),
        sign_in_lock_minutes=int(os.environ.get("SIGN_IN_LOCK_MINUTES", "15")),
        session_max_days=int(os.environ.get("SESSION_MAX_DAYS", "14")),
        session_idle_hours=int(os.environ.get("SESSION_IDLE_HOURS", "48")),
        csrf_secret=os.environ.get("CSRF_SECRET")
        or kept_secret(Path(os.environ.get("UPLOAD_DIR", "uploads"))),
    )
