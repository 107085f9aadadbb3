"""`make load`: a whole meeting opening one share link at once, through nginx.

Two replicas run behind Debian's nginx with the committed deploy/nginx
configuration (bench/balanced.py). One headless Chromium opens SESSIONS pages
through nginx, joining JOIN_SPREAD_S apart, each loading a share link and making
MOVES slider moves. Every wait is bounded (OPEN_TIMEOUT_MS for the first load,
TIMEOUT_MS for a move). It reports errors (timeouts and any Streamlit exception
box; must be 0), the p50 and p95 slider-to-updated time against one session
alone, how the sessions spread over the replicas, the replicas' memory, and the
server CPU time one slider move costs (measured over CPU_MOVES moves of one
session), from which docs/performance.md works out how many presenters a core serves.
"Updated" is measured as in bench/browser.py.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from typing import Final

from playwright.async_api import Browser, Page, async_playwright

from bench import feed, meeting
from bench.balanced import Balancer
from bench.browser import DONE_JS, QUIET_MS, RECORDER_JS, VIEWPORT
from bench.measure import Figure, figure, table
from bench.served import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SETTLED_JS,
    SLIDER_CSS,
    TILE_VALUES_JS,
    Server,
)
from whatif import encode_link, load_presets

SESSIONS: Final = 20
MOVES: Final = 20
TIMEOUT_MS: Final = 60_000
OPEN_TIMEOUT_MS: Final = 180_000  # twenty first loads share two cores with the server
JOIN_SPREAD_S: Final = 0.5  # participants click the link within ten seconds of each other
TOKEN_SPEND_TILE: Final = 8  # the live control's ninth tile; changes with every price step
CHARTS: Final = 3  # the Vega-Lite charts beside the control
REPLICAS: Final = 2
CPU_MOVES: Final = 40


async def _session(
    browser: Browser, url: str, moves: int, delay_s: float = 0.0
) -> tuple[list[float], int]:
    """One participant: open the link, move the price slider; times (ms) and errors."""
    await asyncio.sleep(delay_s)
    context = await browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    await context.add_init_script(RECORDER_JS)
    page = await context.new_page()
    times: list[float] = []
    errors = 0
    step = "opening the link"
    try:
        await page.goto(url, timeout=OPEN_TIMEOUT_MS)
        await _wait(page, "", OPEN_TIMEOUT_MS)
        for n in range(moves):
            step = f"slider move {n + 1}"
            times.append(await _move(page, "ArrowRight" if n % 2 == 0 else "ArrowLeft"))
        errors += await page.locator('[data-testid="stException"]').count()
    except Exception as exc:  # every failure is counted; none stops the other sessions
        state = await page.evaluate(
            "[document.querySelector('[data-testid=stApp]')?.getAttribute("
            "'data-test-script-state'), !!document.querySelector('[data-stale=true]'),"
            " location.search.slice(0, 80)]"
        )
        counts = await page.evaluate(
            f"[({TILE_VALUES_JS})().length,"
            " document.querySelectorAll('.vega-embed svg, .vega-embed canvas').length,"
            " performance.now() - window.__last]"
        )
        print(
            f"session error at {step}: {type(exc).__name__}; page state {state}; "
            f"tiles, charts, quiet ms {counts}",
            file=sys.stderr,
        )
        errors += 1
    finally:
        await context.close()
    return times, errors


async def _wait(page: Page, before: str, timeout_ms: float = TIMEOUT_MS) -> float:
    # Polled every 100 ms, not every frame: twenty pages polling per frame would
    # load the two cores more than the meeting itself.
    await page.wait_for_function(
        DONE_JS,
        arg=[SETTLED_JS, TILE_VALUES_JS, TOKEN_SPEND_TILE, before, QUIET_MS, CHARTS, -1],
        timeout=timeout_ms,
        polling=100,
    )
    return float(await page.evaluate("window.__last"))


async def _move(page: Page, key: str) -> float:
    before = str(await page.evaluate(f"({TILE_VALUES_JS})()[{TOKEN_SPEND_TILE}].innerText"))
    handle = page.locator(SLIDER_CSS.format("price_per_mtok_usd"))
    await handle.focus()
    start = float(await page.evaluate("performance.now()"))
    await handle.press(key)
    return await _wait(page, before) - start


async def _cpu_per_move_ms(browser: Browser, url: str, replicas: list[Server]) -> float:
    """Server CPU time (all replicas, user + system) per slider move of one open page."""
    context = await browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    await context.add_init_script(RECORDER_JS)
    page = await context.new_page()
    await page.goto(url, timeout=OPEN_TIMEOUT_MS)
    await _wait(page, "", OPEN_TIMEOUT_MS)
    before = sum(r.cpu_seconds() for r in replicas)
    for n in range(CPU_MOVES):
        await _move(page, "ArrowRight" if n % 2 == 0 else "ArrowLeft")
    after = sum(r.cpu_seconds() for r in replicas)
    await context.close()
    return (after - before) / CPU_MOVES * 1e3


def _sessions_per_replica(balancer: Balancer) -> list[int]:
    """WebSocket sessions each replica served, from nginx's access log."""
    lines = [line for line in balancer.access_log().splitlines() if "/_stcore/stream" in line]
    return [
        sum(f"upstream=127.0.0.1:{r.port}" in line for line in lines) for r in balancer.replicas
    ]


async def _run(balancer: Balancer, url: str) -> list[Figure]:
    replicas = balancer.replicas
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS)
        )
        cpu_ms = await _cpu_per_move_ms(browser, url, replicas)
        alone, alone_errors = await _session(browser, url, MOVES)
        before = sum(r.memory_kib()["VmRSS"] for r in replicas)
        started = time.monotonic()
        results = await asyncio.gather(
            *(_session(browser, url, MOVES, i * JOIN_SPREAD_S) for i in range(SESSIONS))
        )
        elapsed = time.monotonic() - started
        after = sum(r.memory_kib()["VmRSS"] for r in replicas)
        await browser.close()
    together = [t for times, _ in results for t in times]
    errors = alone_errors + sum(e for _, e in results)

    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=20)[-1]

    return [
        figure(f"Errors in {SESSIONS} sessions x {MOVES} moves (+1 alone)", "count", [errors], 0),
        figure("Slider to updated, one session alone, p50", "ms", [statistics.median(alone)]),
        figure("Slider to updated, one session alone, p95", "ms", [p95(alone)]),
        figure(
            f"Slider to updated, {SESSIONS} sessions at once, p50",
            "ms",
            [statistics.median(together)],
        ),
        figure(f"Slider to updated, {SESSIONS} sessions at once, p95", "ms", [p95(together)]),
        figure("Wall time of the meeting", "s", [elapsed]),
        *(
            figure(f"Sessions served by replica {i + 1}", "count", [count])
            for i, count in enumerate(_sessions_per_replica(balancer))
        ),
        figure(f"Memory of {REPLICAS} replicas before the meeting", "MB", [before / 1024]),
        figure(f"Memory of {REPLICAS} replicas after the meeting", "MB", [after / 1024]),
        figure("Server CPU time per slider move", "ms", [cpu_ms]),
        figure("Presenters per core at one move a second", "count", [1000 / cpu_ms]),
    ]


def run() -> list[Figure]:
    presets = load_presets().presets
    scenario = presets["seed-leak"].scenario if "seed-leak" in presets else None
    replicas = [Server() for _ in range(REPLICAS)]
    balancer = Balancer(replicas)
    try:
        query = encode_link(scenario, "seed-leak") if scenario else ""
        figures = asyncio.run(_run(balancer, f"{balancer.url}?{query}"))
    finally:
        balancer.stop()
        for replica in replicas:
            replica.stop()
    return [*figures, *meeting.run(), *feed.run()]


if __name__ == "__main__":
    print(table(run()))
