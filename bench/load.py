"""Load from another process: wrk when installed, else a small generator with threads."""

from __future__ import annotations

import http.client
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

CONNECTIONS = 16
SECONDS = 10
WRK = shutil.which("wrk")
GENERATOR = "wrk" if WRK else "Python (threads)"


@dataclass(frozen=True)
class Result:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    #: Responses other than 2xx, and connection errors.
    error_count: int


def measure(url: str, seconds: float = SECONDS, headers: dict[str, str] | None = None) -> Result:
    """Keep CONNECTIONS connections busy on `url` for `seconds` and sum up what came back.

    `headers` go with every request (the queue bench sends a moderator's session cookie)."""
    headers = headers or {}
    return _with_wrk(url, seconds, headers) if WRK else _with_threads(url, seconds, headers)


def _with_wrk(url: str, seconds: float, headers: dict[str, str]) -> Result:
    command = [
        WRK,
        "--threads",
        "2",
        "--connections",
        str(CONNECTIONS),
        "--duration",
        f"{seconds:g}s",
        "--latency",
        *(f"--header={name}: {value}" for name, value in headers.items()),
        url,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return Result(
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=_wrk_duration_ms(re.search(r"\s50%\s+([\d.]+\w+)", output).group(1)),
        p99_ms=_wrk_duration_ms(re.search(r"\s99%\s+([\d.]+\w+)", output).group(1)),
        error_count=(int(non_2xx.group(1)) if non_2xx else 0)
        + (sum(map(int, socket_errors.groups())) if socket_errors else 0),
    )


def _wrk_duration_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def _with_threads(url: str, seconds: float, headers: dict[str, str]) -> Result:
    parts = urlsplit(url)
    deadline = time.monotonic() + seconds
    latencies: list[list[float]] = [[] for _ in range(CONNECTIONS)]
    errors = [0] * CONNECTIONS
    threads = [
        threading.Thread(target=_client, args=(parts, deadline, latencies[n], errors, n, headers))
        for n in range(CONNECTIONS)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    ordered = sorted(latency for own in latencies for latency in own)
    return Result(
        requests_per_second=len(ordered) / elapsed,
        p50_ms=percentile(ordered, 0.50) * 1000,
        p99_ms=percentile(ordered, 0.99) * 1000,
        error_count=sum(errors),
    )


def _client(parts, deadline, latencies: list[float], errors: list[int], n: int, headers) -> None:
    """One connection, reopened whenever the server closes it (gunicorn's sync workers do)."""
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    connection = None
    while time.monotonic() < deadline:
        connection = connection or http.client.HTTPConnection(
            parts.hostname, parts.port, timeout=30
        )
        begin = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            errors[n] += 1
            connection.close()
            connection = None
            continue
        latencies.append(time.perf_counter() - begin)
        errors[n] += response.status >= 300
        if response.will_close:
            connection.close()
            connection = None
    if connection:
        connection.close()


def percentile(ordered: list[float], fraction: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]
