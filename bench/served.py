"""A Streamlit app served on loopback and Debian's Chromium to drive it.

Shared by the browser tests (tests/e2e) and the browser benchmarks (bench/),
so both start the app the way users do: `streamlit run`, health-checked.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Final

from playwright.sync_api import Locator, Page

ROOT: Final = Path(__file__).resolve().parents[1]
CHROMIUM: Final = Path("/usr/bin/chromium")
CHROMIUM_ARGS: Final = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Benchmarked pages sit side by side; none may be throttled as a background tab.
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]


# A headline slider of the live control (app/live_sliders.js), by its field name.
SLIDER_CSS: Final = 'input[type="range"][data-field="{}"]'


def slider(page: Page, field: str) -> Locator:
    return page.locator(SLIDER_CSS.format(field))


# The KPI tiles' value elements in page order: the live control's, inside its shadow
# root (app/live_sliders.js), or Streamlit's metrics on a page without it (the bare page).
TILE_VALUES_JS: Final = """() => {
    const hosts = [...document.querySelectorAll('[data-testid="stBidiComponentIsolated"]')];
    const tiles = hosts.flatMap(
        (host) => host.shadowRoot ? [...host.shadowRoot.querySelectorAll('.tile-value')] : []);
    return tiles.length ? tiles : [...document.querySelectorAll('[data-testid="stMetricValue"]')];
}"""


# True once a script run has finished and nothing on the page is stale.
SETTLED_JS: Final = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-stale="true"]');
}"""


def healthy_within(url: str, process: subprocess.Popen[bytes], seconds: float) -> bool:
    """Whether `url` + `_stcore/health` answers 200 before `seconds` pass or the process ends."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url + "_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return True
        except OSError:
            time.sleep(0.1)
    return False


def end(process: subprocess.Popen[bytes]) -> None:
    """Ask a process to stop, and make it if it has not within 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """One `streamlit run SCRIPT` on a free loopback port, until stop(); with `redis_url`,
    its meetings' rooms are kept in that Redis (shared with other replicas)."""

    def __init__(
        self,
        script: str = "serve.py",
        presets_dir: Path | None = None,
        port: int | None = None,
        redis_url: str | None = None,
    ) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        if presets_dir is not None:
            env["WHATIF_PRESETS_DIR"] = str(presets_dir)
        if redis_url is not None:
            env["WHATIF_REDIS_URL"] = redis_url
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                script,
                "--server.headless",
                "true",
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--server.fileWatcherType",
                "none",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if not healthy_within(self.url, self.process, 60):
            self.stop()
            raise RuntimeError(f"{script} did not become healthy within 60 s")

    def memory_kib(self) -> dict[str, int]:
        """Resident (VmRSS) and peak resident (VmHWM) memory of the server, in KiB."""
        fields = {}
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                fields[name] = int(value.split()[0])
        return fields

    def cpu_seconds(self) -> float:
        """User and system CPU time the server process has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def kill(self) -> None:
        """Die at once, as a crashed replica does: no clean shutdown."""
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        end(self.process)
