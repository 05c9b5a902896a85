"""What every benchmark shares: percentiles, the machine it ran on, and a uvicorn server of its own."""

from __future__ import annotations

import json
import math
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def latency_summary(values_ms: list[float]) -> dict:
    return {
        "n": len(values_ms),
        "p50_ms": round(percentile(values_ms, 50), 2),
        "p95_ms": round(percentile(values_ms, 95), 2),
        "mean_ms": round(statistics.fmean(values_ms), 2) if values_ms else None,
    }


def machine(**extra) -> dict:
    """Host, platform, CPU model, cores, memory and Python version, plus whatever the benchmark adds."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        memory_gib = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError):
        memory_gib = None
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {"host": socket.gethostname(), "platform": platform.platform(), "cpu": cpu, "cores": os.cpu_count(),
            "memory_gib": memory_gib, "python": platform.python_version(), "load_1min": load, **extra}


def ws_ticket_url(ws_url: str, token: str) -> str:
    """``ws_url`` with a single-use ticket bought with the API token (POST /api/auth/ws-ticket/ on the same server).
    The server refuses tokens in WebSocket URLs; a ticket opens one connection within ~30 s, so get one per connect."""
    parts = urlsplit(ws_url)
    http = urlunsplit(("https" if parts.scheme == "wss" else "http", parts.netloc, "/api/auth/ws-ticket/", "", ""))
    request = urllib.request.Request(http, method="POST", headers={"Authorization": f"Token {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        ticket = json.loads(response.read())["ticket"]
    return f"{ws_url}{'&' if parts.query else '?'}ticket={ticket}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_uvicorn(*, env: dict | None = None, log_path: Path | None = None) -> tuple[str, subprocess.Popen]:
    """Serve the ASGI app on a free loopback port, as the embedded default runs it; returns (url, process)."""
    port = free_port()
    log = open(log_path, "w") if log_path else subprocess.DEVNULL  # lives as long as the server
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "uvicorn"), "webapp.asgi:application", "--host", "127.0.0.1", "--port",
         str(port), "--no-access-log", "--log-level", "warning"],
        cwd=ROOT, env=env if env is not None else dict(os.environ), stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"uvicorn exited ({proc.returncode}); see {log_path or 'its output'}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return f"http://127.0.0.1:{port}", proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("uvicorn did not start within 60 s")


def processes_stop(procs, *, timeout: float = 20) -> None:
    """SIGTERM every process still running, then wait for each; one that outlives ``timeout`` is killed."""
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
