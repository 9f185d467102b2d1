"""Report workers leave with the process that started them, even when it is killed outright
(`kill -9` of the server): no orphan keeps its memory."""

import os
import signal
import subprocess
import sys
import time

STARTER = """
import sys
from exports.report_render import warm_up, worker_pool
pool = worker_pool(2)
for future in [pool.submit(warm_up) for _ in range(2)]:
    future.result()
print(" ".join(str(p) for p in pool._processes), flush=True)
sys.stdin.read()
"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is gone in all but name
        return stat.read().split()[2] != "Z"


def test_workers_exit_when_their_parent_is_killed() -> None:
    """Two warm workers; SIGKILL to their parent; both are gone within a few seconds."""
    parent = subprocess.Popen(
        [sys.executable, "-c", STARTER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    workers = [int(pid) for pid in parent.stdout.readline().split()]
    assert len(workers) == 2 and all(alive(pid) for pid in workers)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 20
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [pid for pid in workers if alive(pid)] == []


LOADER = """
import ctypes.util
searched = []
search = ctypes.util.find_library
def counted(name):
    searched.append(name)
    return search(name)
ctypes.util.find_library = counted
from exports.report_render import html_to_pdf, load_weasyprint
load_weasyprint()
from weasyprint.text import ffi
pdf = html_to_pdf("<html><head></head><body><p>Lampedusa</p></body></html>", "loader")
restored = ctypes.util.find_library is counted
print(len(searched), ffi.pango is not None, ffi.harfbuzz_subset is not None, pdf[:5].decode(), restored)
"""


def test_weasyprint_loads_its_libraries_without_a_library_search() -> None:
    """A renderer starts without running ldconfig and gcc for the other platforms' library
    names (0.22 s of every cold start): no library search, every library loaded, a PDF made,
    and the standard library's search given back."""
    out = subprocess.run([sys.executable, "-c", LOADER], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "True", "True", "%PDF-", "True"]
