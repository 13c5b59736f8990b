"""Gunicorn servers started for the bench, and the peak memory of their workers."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 4


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(
    app: str, environment: dict[str, str], log: Path | None = None
) -> Iterator[tuple[str, int]]:
    """Serve `app` ("module:variable") with four sync workers; yields (base URL, master pid).

    With `log`, the server's error output goes to that file instead of the terminal.
    """
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        app,
    ]
    errors = log.open("a") if log else None
    process = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env={**os.environ, **environment}, stderr=errors
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_all_workers_answer(base_url, process)
        yield base_url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)
        if errors:
            errors.close()


def exceptions_in(log: Path) -> Counter[str]:
    """The exception that ended each traceback the server logged ("module.Error: message"),
    counted; the causes chained before it are left out."""
    if not log.exists():
        return Counter()
    pattern = re.compile(r"^[\w.]+(?:Error|Exception): .*")
    counted: Counter[str] = Counter()
    last = None
    for line in [*log.read_text(errors="replace").splitlines(), ""]:
        if pattern.match(line):
            last = line[:120]
        elif line.strip() and last is not None:
            if not line.startswith(("The above exception", "During handling")):
                counted[last] += 1
            last = None
    if last is not None:
        counted[last] += 1
    return counted


def _wait_until_all_workers_answer(base_url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped with code {process.returncode}")
        if len(worker_pids(process.pid)) == WORKERS and _answers(base_url):
            return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on {base_url} within 60 s")


def _answers(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(base_url + "/", timeout=2) as response:  # noqa: S310
            return response.status == 200
    except OSError:
        return False


def worker_pids(master_pid: int) -> list[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def peak_rss_mib(master_pid: int) -> float:
    """The highest peak resident memory (VmHWM) among the workers since they started."""
    peaks = [_vm_hwm_kib(pid) for pid in worker_pids(master_pid)]
    return max(peaks, default=0) / 1024


def _vm_hwm_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0
