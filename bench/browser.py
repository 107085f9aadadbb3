"""In Debian's Chromium: KPI updates during a mouse drag, slider-to-updated-tiles,
slider-to-updated and first-load times, ours against a bare page, and the server's
memory over 500 reruns.

"Updated" means: the script run has finished, nothing is stale, the KPI shows the
new value, and the page has stopped changing, where a change is any DOM
mutation or any drawing on a canvas (Vega draws charts on canvas). The time is
from just before the key press to the last such change, read in the page's own
clock, after a quiet spell of QUIET_MS with no change at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, TypeVar

from playwright.sync_api import Browser, Locator, Page, sync_playwright

from bench.measure import Figure, figure
from bench.served import CHROMIUM, CHROMIUM_ARGS, SETTLED_JS, TILE_VALUES_JS, Server, slider

T = TypeVar("T")
WARM_UP: Final = 3
PRESSES: Final = 15
LOADS: Final = 8
DRAGS: Final = 5
DRAG_S: Final = 3.0
DRAG_MOVES_PER_S: Final = 60  # a mouse reports about this often while it moves
WORK_PRESSES: Final = 10
ROUND_TRIP: Final = "whatif-live-round-trip"  # the measure app/live_sliders.js records
WORK_COUNTERS: Final = ("ScriptDuration", "RecalcStyleDuration", "LayoutDuration", "TaskDuration")
RERUNS: Final = 500
QUIET_MS: Final = 250
VIEWPORT: Final = {"width": 1440, "height": 1000}
TOKEN_SPEND_TILE: Final = 8  # its index among the tiles (whatif/summary.py, kpi_tiles)

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

DONE_JS: Final = """([settled, tiles, metric, before, quiet, charts, trips]) => {
    if (!(new Function('return ' + settled))()()) return false;
    if (performance.getEntriesByName('whatif-live-round-trip').length < trips) return false;
    const shown = (new Function('return ' + tiles))()()[metric];
    if (!shown || shown.innerText === before) return false;
    if (document.querySelectorAll('.vega-embed canvas, .vega-embed svg').length < charts)
        return false;
    window.__last = Math.max(window.__last, window.__tileAt ?? 0);
    return performance.now() - window.__last > quiet;
}"""


# Counts, once per frame, how often the watched KPI's text changes (window.__changes).
COUNT_CHANGES_JS: Final = """([tiles, metric]) => {
    const values = (new Function('return ' + tiles))();
    window.__changes = 0;
    window.__moves = 0;
    window.__watching = true;
    // Slider input events (composed, so seen here from the control's shadow root): how
    // many moves reached the page, the most the tiles could follow.
    if (!window.__countingMoves) {
        window.__countingMoves = true;
        document.addEventListener('input', () => { if (window.__watching) window.__moves += 1; },
                                  true);
    }
    let last = values()[metric].innerText;
    const look = () => {
        if (!window.__watching) return;
        const now = values()[metric];
        if (now && now.innerText !== last) { last = now.innerText; window.__changes += 1; }
        requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
}"""


# A held thumb moving across the track for `seconds`, as Chromium reports a real one: an
# input event on the range at each frame (display rate), from inside the page. The mouse
# is held down by the driver first, so the control sees a grabbed thumb.
SWEEP_THUMB_JS: Final = """([field, seconds]) => new Promise((resolve) => {
    const input = [...document.querySelectorAll('[data-testid="stBidiComponentIsolated"]')]
        .map((host) => host.shadowRoot?.querySelector(`input[data-field="${field}"]`))
        .find(Boolean);
    const low = Number(input.min), high = Number(input.max);
    const start = performance.now();
    const frame = (now) => {
        const share = Math.min(1, (now - start) / (seconds * 1000));
        input.value = String(low + share * (high - low));
        input.dispatchEvent(new Event('input', {bubbles: true, composed: true}));
        if (share < 1) requestAnimationFrame(frame); else resolve(now - start);
    };
    requestAnimationFrame(frame);
})"""


# Records in window.__tileAt the page time of the first frame in which the watched KPI
# no longer shows `before` (the live control draws its payback curve in the same call).
WATCH_TILE_JS: Final = """([tiles, metric, before]) => {
    const values = (new Function('return ' + tiles))();
    window.__tileAt = null;
    const look = () => {
        const now = values()[metric];
        if (now && now.innerText !== before) window.__tileAt = performance.now();
        else requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
}"""


class Target:
    """A served page, its slider, the metric that slider moves, and how many charts it draws."""

    def __init__(
        self,
        browser: Browser,
        server: Server,
        slider: Callable[[Page], Locator],
        *,
        metric: int,
        charts: int,
        live: bool,
    ) -> None:
        self.browser, self.server = browser, server
        self.slider, self.metric, self.charts, self.live = slider, metric, charts, live
        self.page = self.open()
        self.presses = 0
        self.round_trips: list[float] = []  # the live control's value-to-applied times
        self.moves: list[float] = []  # slider input events a second during the drags

    def open(self) -> Page:
        context = self.browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
        context.add_init_script(RECORDER_JS)
        page = context.new_page()
        page.goto(self.server.url)
        self.wait(page, before="")
        return page

    def wait(self, page: Page, before: str, timeout: float = 30_000, trips: int = -1) -> float:
        """Wait until the page is updated (and, when `trips` >= 0, until the live control
        has seen that many values applied: with a sweep the tiles change at once, and the
        rest of the page only once the page has applied the value)."""
        page.wait_for_function(
            DONE_JS,
            arg=[SETTLED_JS, TILE_VALUES_JS, self.metric, before, QUIET_MS, self.charts, trips],
            timeout=timeout,
        )
        return float(page.evaluate("window.__last"))

    def shown(self) -> str:
        """The watched KPI's text now."""
        text: str = self.page.evaluate(f"({TILE_VALUES_JS})()[{self.metric}].innerText")
        return text

    def press(self) -> float:
        """One slider step (alternately right and left); ms until the page is updated."""
        return self.press_timed()[1]

    def press_timed(self) -> tuple[float, float]:
        """One slider step: ms until the watched tile changed, and until the page is updated.

        The slider is focused (which asks the live control's page for a sweep) and the
        page left to settle before the press, as a person tabs to a slider, then presses."""
        page = self.page
        before = self.shown()
        handle = self.slider(page)
        if not handle.evaluate("(node) => node.getRootNode().activeElement === node"):
            handle.focus()
            self.wait(page, "", timeout=30_000)
        page.evaluate(WATCH_TILE_JS, [TILE_VALUES_JS, self.metric, before])
        trips = int(page.evaluate(f"performance.getEntriesByName('{ROUND_TRIP}').length"))
        start = float(page.evaluate("performance.now()"))
        handle.press("ArrowRight" if self.presses % 2 == 0 else "ArrowLeft")
        self.presses += 1
        done = self.wait(page, before, trips=trips + 1 if self.live else -1) - start
        # Frames may wait while DevTools reads counters; the change is seen at the next one.
        page.wait_for_function("window.__tileAt !== null")
        tile = float(page.evaluate("window.__tileAt")) - start
        return tile, done

    def work(self) -> dict[str, float]:
        """One key press, as the browser's main thread spent it (ms): scripts, style and
        layout, and all tasks, from Chromium's own counters (DevTools Performance domain)."""
        session = self.page.context.new_cdp_session(self.page)
        session.send("Performance.enable")

        def counters() -> dict[str, float]:
            metrics = session.send("Performance.getMetrics")["metrics"]
            return {m["name"]: float(m["value"]) * 1000 for m in metrics}

        before = counters()
        self.press()
        after = counters()
        session.detach()
        spent = {name: after[name] - before[name] for name in WORK_COUNTERS}
        # Each press waits QUIET_MS after the page's last change; tasks then are the
        # waiting itself (the wait's own polling), counted on both pages alike.
        return {
            "script": spent["ScriptDuration"],
            "style and layout": spent["RecalcStyleDuration"] + spent["LayoutDuration"],
            "all tasks": spent["TaskDuration"],
        }

    def drag(self) -> float:
        """KPI changes per second while the mouse holds the thumb and sweeps the track for
        DRAG_S seconds (counted before the release), then waits for the page to settle."""
        page = self.page
        box = self.slider(page).bounding_box()
        assert box is not None
        y = box["y"] + box["height"] / 2
        left, width = box["x"] + 8, box["width"] - 16
        moves = int(DRAG_S * DRAG_MOVES_PER_S)
        page.mouse.move(left, y)
        page.evaluate(COUNT_CHANGES_JS, [TILE_VALUES_JS, self.metric])
        page.evaluate(f"performance.clearMeasures('{ROUND_TRIP}')")
        page.mouse.down()
        if self.live:
            # Playwright's mouse reaches the page about 29 times a second here (each move
            # is a round trip to the browser); the thumb moves at display rate in-page.
            held = float(page.evaluate(SWEEP_THUMB_JS, ["price_per_mtok_usd", DRAG_S])) / 1000
        else:
            start = float(page.evaluate("performance.now()"))
            for n in range(1, moves + 1):
                page.mouse.move(left + width * n / moves, y)
                page.wait_for_timeout(1000 / DRAG_MOVES_PER_S)
            held = (float(page.evaluate("performance.now()")) - start) / 1000
        changes = int(page.evaluate("window.__watching = false, window.__changes"))
        self.moves.append(int(page.evaluate("window.__moves")) / held)
        self.round_trips += page.evaluate(
            f"performance.getEntriesByName('{ROUND_TRIP}').map(m => m.duration)"
        )
        page.mouse.up()
        self.wait(page, before="")
        # Back to the start for the next sweep, by keyboard (Home), and settled again.
        before = self.shown()
        handle = self.slider(page)
        handle.focus()
        handle.press("Home")
        self.wait(page, before)
        return changes / held

    def first_load(self) -> float:
        """ms from navigation to fully rendered, in a fresh browser context."""
        page = self.open()
        elapsed = float(page.evaluate("window.__last"))
        page.context.close()
        return elapsed


def _price(page: Page) -> Locator:
    return slider(page, "price_per_mtok_usd")


def _bare_slider(page: Page) -> Locator:
    return page.locator('[data-testid="stSlider"] input[type="range"]')


def _alternate(
    ours: Callable[[], T], bare: Callable[[], T], warm_up: int, count: int
) -> tuple[list[T], list[T]]:
    mine: list[T] = []
    floor: list[T] = []
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
            # Token spend changes with every price step; NPV may round alike. Three
            # Vega-Lite charts; the control draws the fourth, the payback curve, itself.
            ours = Target(
                browser, ours_server, _price, metric=TOKEN_SPEND_TILE, charts=3, live=True
            )
            bare = Target(browser, bare_server, _bare_slider, metric=0, charts=1, live=False)
            drag_ours, drag_bare = _alternate(ours.drag, bare.drag, 1, DRAGS)
            presses = _alternate(ours.press_timed, bare.press_timed, WARM_UP, PRESSES)
            tiles_ours, press_ours = (list(t) for t in zip(*presses[0], strict=True))
            tiles_bare, press_bare = (list(t) for t in zip(*presses[1], strict=True))
            load_ours, load_bare = _alternate(ours.first_load, bare.first_load, 1, LOADS)
            work = _work(ours, "ours") + _work(bare, "bare")
            memory = _reruns(ours)
            browser.close()
    finally:
        ours_server.stop()
        bare_server.stop()
    return [
        figure(
            f"KPI changes during a {DRAG_S:g} s mouse drag, ours",
            "/ s",
            drag_ours,
            30,
            at_least=True,
        ),
        figure(f"KPI changes during a {DRAG_S:g} s mouse drag, bare", "/ s", drag_bare),
        figure("Slider moves that reached the page during those drags, ours", "/ s", ours.moves),
        figure("Live slider value sent to applied, during drags, ours", "ms", ours.round_trips),
        figure("Slider key press to updated tiles and payback curve, ours", "ms", tiles_ours),
        figure("Slider key press to updated metric, bare", "ms", tiles_bare),
        figure(
            "Key press to updated tiles, ours / bare",
            "ratio",
            [a / b for a, b in zip(tiles_ours, tiles_bare, strict=True)],
            0.6,
        ),
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
            1.2,
        ),
        *work,
        *memory,
    ]


def _work(target: Target, name: str) -> list[Figure]:
    """Where a key press's browser time goes: scripts, style and layout, all tasks."""
    samples = [target.work() for _ in range(WORK_PRESSES)]
    return [
        figure(
            f"Browser main thread per key press, {part}, {name}", "ms", [s[part] for s in samples]
        )
        for part in samples[0]
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
