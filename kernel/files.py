"""The files the service keeps: the evidence files cities file (`uploads`, by SHA-256) and the
finished reports with their parts (`reports`, by data hash). Every file is named by what it holds,
so a copy never goes stale.

On one machine a folder holds them (`UPLOAD_DIR`, `REPORT_CACHE_DIR`). Processes on several
machines share them through an S3-compatible bucket (`FILE_STORE=s3://bucket/prefix`, credentials,
region and endpoint from the standard `AWS_*` variables), read and written with obstore: a file
kept by one machine is put in the bucket and in the machine's folder; a machine that lacks a file
fetches it from the bucket once into its own folder, which then serves it.
"""

from __future__ import annotations

import os
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

from kernel.errors import DomainError
from kernel.settings import get_settings

AREAS = ("uploads", "reports")


class FileStoreUnavailable(DomainError):
    """The shared file store cannot be reached or refused a write (503): nothing was kept; the
    same request can be sent again once it is back."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, [], 503, "Service unavailable", {"Retry-After": "30"})


def local_path(area: str, key: str) -> Path:
    """Where this machine keeps the file `key` of `area`."""
    settings = get_settings()
    root = settings.upload_dir if area == "uploads" else settings.report_cache_dir
    return root / key


def write_whole(path: Path, data: bytes) -> None:
    """Write a file whole under a name of its own first, then put it in place: a process reading
    it at the same moment never sees half a file, and two processes keeping the same file at once
    never write into each other's."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


_stores: dict[tuple[int, str], Any] = {}


def _shared(area: str) -> Any | None:
    """The bucket's store for `area`, or None when files stay in this machine's folders. One per
    process: a store made before a fork is not used after it."""
    url = get_settings().file_store
    if not url:
        return None
    key = (os.getpid(), f"{url}/{area}")
    store = _stores.get(key)
    if store is None:
        from obstore.store import from_url

        # Bounded: a request waits seconds, not the library's default minutes of retries, for a
        # bucket that does not answer (the client's own options come from the AWS_* variables).
        store = _stores[key] = from_url(
            f"{url.rstrip('/')}/{area}",
            retry_config={"max_retries": 2, "retry_timeout": timedelta(seconds=10)},
        )
    return store


def keep(area: str, key: str, data: bytes, *, required: bool = True) -> None:
    """Keep a file: in the shared bucket when there is one, and in this machine's folder. When
    the bucket fails, a `required` file (evidence) is refused with 503; another (a finished
    report, which can be made again) is kept in this machine's folder only."""
    shared = _shared(area)
    if shared is not None:
        import obstore

        try:
            obstore.put(shared, key, data)
        except Exception as exc:  # obstore raises its own kinds for network and permission failures
            if not required:
                write_whole(local_path(area, key), data)
                return
            raise FileStoreUnavailable(
                f"The file store did not keep the file ({type(exc).__name__}); nothing was saved. "
                "Try again in a moment."
            ) from exc
    write_whole(local_path(area, key), data)


def kept_path(area: str, key: str) -> Path | None:
    """This machine's copy of a kept file, fetched from the bucket the first time; None when the
    file is kept nowhere (or the bucket cannot be reached)."""
    path = local_path(area, key)
    if path.is_file():
        return path
    shared = _shared(area)
    if shared is None:
        return None
    import obstore

    try:
        data = bytes(obstore.get(shared, key).bytes())
    except FileNotFoundError:
        return None
    except Exception:  # unreachable: the caller answers as for a file it does not have
        return None
    write_whole(path, data)
    return path


def kept(area: str, key: str) -> bytes | None:
    """A kept file's bytes, or None (see `kept_path`)."""
    path = kept_path(area, key)
    return path.read_bytes() if path is not None else None


def is_kept(area: str, key: str) -> bool:
    """Whether the file is kept here or in the bucket (without fetching it)."""
    if local_path(area, key).is_file():
        return True
    shared = _shared(area)
    if shared is None:
        return False
    import obstore

    try:
        obstore.head(shared, key)
    except Exception:
        return False
    return True
