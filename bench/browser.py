"""In Debian's Chromium: slider-to-updated and first-load times, ours against a bare page,
and the server's memory over 500 reruns.

"Updated" means: the script run has finished, nothing is stale, the KPI shows the
new value, and the page has stopped changing, where a change is any DOM
mutation or any drawing on a canvas (Vega draws charts on canvas). The time is
from just before the key press to the last such change, read in the page's own
clock, after a quiet spell of QUIET_MS with no change at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from playwright.sync_api import Browser, Page, sync_playwright

from bench.measure import Figure, figure
from bench.served import CHROMIUM, CHROMIUM_ARGS, SETTLED_JS, Server

WARM_UP: Final = 3
PRESSES: Final = 15
LOADS: Final = 8
RERUNS: Final = 500
QUIET_MS: Final = 250
VIEWPORT: Final = {"width": 1440, "height": 1000}

# Records the time of the last DOM mutation or canvas drawing in window.__last.
RECORDER_JS: Final = """
window.__last = 0;
const mark = () => { window.__last = performance.now(); };
new MutationObserver(mark).observe(document,
    {subtree: true, childList: true, attributes: true, characterData: true});
for (const name of ["fill", "stroke", "fillRect", "fillText", "strokeText", "drawImage",
                    "clearRect", "putImageData"]) {
    const original = CanvasRenderingContext2D.prototype[name];
    CanvasRenderingContext2D.prototype[name] = function (...args) {
        mark();
        return original.apply(this, args);
    };
}
"""

DONE_JS: Final = """([settled, metric, before, quiet, charts]) => {
    if (!(new Function('return ' + settled))()()) return false;
    const shown = document.querySelectorAll('[data-testid="stMetricValue"]')[metric];
    if (!shown || shown.innerText === before) return false;
    if (document.querySelectorAll('.vega-embed canvas, .vega-embed svg').length < charts)
        return false;
    return performance.now() - window.__last > quiet;
}"""


class Target:
    """A served page, its slider, the metric that slider moves, and how many charts it draws."""

    def __init__(
        self, browser: Browser, server: Server, slider: int, metric: int, charts: int
    ) -> None:
        self.browser, self.server = browser, server
        self.slider, self.metric, self.charts = slider, metric, charts
        self.page = self.open()
        self.presses = 0

    def open(self) -> Page:
        context = self.browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
        context.add_init_script(RECORDER_JS)
        page = context.new_page()
        page.goto(self.server.url)
        self.wait(page, before="")
        return page

    def wait(self, page: Page, before: str, timeout: float = 30_000) -> float:
        page.wait_for_function(
            DONE_JS,
            arg=[SETTLED_JS, self.metric, before, QUIET_MS, self.charts],
            timeout=timeout,
        )
        return float(page.evaluate("window.__last"))

    def press(self) -> float:
        """One slider step (alternately right and left); ms until the page is updated."""
        page = self.page
        before = page.locator('[data-testid="stMetricValue"]').nth(self.metric).inner_text()
        handle = page.locator('[data-testid="stSlider"] input[type="range"]').nth(self.slider)
        handle.focus()
        start = float(page.evaluate("performance.now()"))
        handle.press("ArrowRight" if self.presses % 2 == 0 else "ArrowLeft")
        self.presses += 1
        return self.wait(page, before) - start

    def first_load(self) -> float:
        """ms from navigation to fully rendered, in a fresh browser context."""
        page = self.open()
        elapsed = float(page.evaluate("window.__last"))
        page.context.close()
        return elapsed


def _alternate(
    ours: Callable[[], float], bare: Callable[[], float], warm_up: int, count: int
) -> tuple[list[float], list[float]]:
    mine, floor = [], []
    for i in range(warm_up + count):
        a, b = ours(), bare()
        if i >= warm_up:
            mine.append(a)
            floor.append(b)
    return mine, floor


def run() -> list[Figure]:
    ours_server, bare_server = Server("streamlit_app.py"), Server("bench/bare_app.py")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS)
            )
            # Token spend (tile 3) changes with every price step; NPV may round alike.
            ours = Target(browser, ours_server, slider=1, metric=5, charts=4)
            bare = Target(browser, bare_server, slider=0, metric=0, charts=1)
            press_ours, press_bare = _alternate(ours.press, bare.press, WARM_UP, PRESSES)
            load_ours, load_bare = _alternate(ours.first_load, bare.first_load, 1, LOADS)
            memory = _reruns(ours)
            browser.close()
    finally:
        ours_server.stop()
        bare_server.stop()
    return [
        figure("Slider key press to updated page, ours", "ms", press_ours),
        figure("Slider key press to updated page, bare", "ms", press_bare),
        figure(
            "Slider to updated, ours / bare",
            "ratio",
            [a / b for a, b in zip(press_ours, press_bare, strict=True)],
            1.3,
        ),
        figure("First load to fully rendered, ours", "ms", load_ours),
        figure("First load to fully rendered, bare", "ms", load_bare),
        figure(
            "First load, ours / bare",
            "ratio",
            [a / b for a, b in zip(load_ours, load_bare, strict=True)],
            1.5,
        ),
        *memory,
    ]


def _reruns(target: Target) -> list[Figure]:
    """Drive RERUNS slider moves; memory at rerun 100 and at the end, and the peak."""
    at_100 = {}
    for n in range(1, RERUNS + 1):
        target.press()
        if n == 100:
            at_100 = target.server.memory_kib()
    end = target.server.memory_kib()
    growth_mb = (end["VmRSS"] - at_100["VmRSS"]) / 1024
    return [
        figure(f"Server peak memory after {RERUNS} reruns", "MB", [end["VmHWM"] / 1024]),
        figure(f"Server memory growth, rerun 100 to {RERUNS}", "MB", [growth_mb], 20),
    ]
