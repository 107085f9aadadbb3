"""Part of `make load`: a meeting that follows its presenter, across replicas.

Two replicas behind nginx share rooms through a redis-server on a free port. A
presenter's page opens a room; FOLLOWERS pages open the room link, spread over
both replicas by nginx's cookie hash. The presenter makes MOVES released price
moves; each follower's page records, in wall-clock time, when its "Token spend"
tile first shows each value, so the release-to-follower delay of every follower
and move is known. Then the presenter grabs the price thumb (every page fetches
its sweep along it), drags it for DRAG_S, and the followers' tile changes during
the drag give their update rate. Server CPU (both replicas) is read around the
moves, around the drag, and over a quiet spell with every follower listening to
the room's feed and polling every 5 s, which is what a room costs while
nobody moves. One follower's renderer CPU per move is what each follower's own
device spends; here all 31 pages share the machine's cores.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from typing import Final

from playwright.async_api import Browser, CDPSession, Page, async_playwright
from playwright.async_api import Error as PlaywrightError

from bench.balanced import Balancer, rooms_across_replicas
from bench.measure import Figure, figure
from bench.served import CHROMIUM, CHROMIUM_ARGS, SETTLED_JS, SLIDER_CSS, Server

FOLLOWERS: Final = 30
MOVES: Final = 10
MOVE_GAP_S: Final = 2.0  # a presenter pauses between moves to talk
QUIET_S: Final = 10.0
DRAG_S: Final = 2.0
OPEN_TIMEOUT_MS: Final = 120_000
TILE: Final = "Token spend, year 1"
VIEWPORT: Final = {"width": 1280, "height": 900}

GRAB_S: Final = 1.0  # a presenter grabs the thumb, then moves it

# Records, in Date.now() milliseconds, when the tile (drawn by the live control in its
# shadow root) first showed each text, and in __changes when its text changed.
WATCH_JS: Final = """(label) => {
    window.__seen = {};
    window.__changes = [];
    const host = [...document.querySelectorAll('[data-testid="stBidiComponentIsolated"]')]
        .find((node) => node.shadowRoot && node.shadowRoot.querySelector('.tile-value'));
    const read = () => {
        const tile = [...host.shadowRoot.querySelectorAll('.tile')]
            .find((node) => node.querySelector('.tile-label').textContent === label);
        const text = tile?.querySelector('.tile-value').textContent.trim();
        if (!text) return;
        if (!(text in window.__seen)) window.__seen[text] = Date.now();
        if (text !== window.__last) { window.__last = text; window.__changes.push(Date.now()); }
    };
    read();
    new MutationObserver(read).observe(
        host.shadowRoot, {subtree: true, childList: true, characterData: true});
}"""


async def _open(browser: Browser, url: str, *, settled: bool = True) -> Page:
    """A page on `url`; with `settled`, once its first run has finished. A follower's page
    is never still for long (it listens to the feed and polls every 5 s), so it is not waited on."""
    context = await browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    page = await context.new_page()
    await page.goto(url, timeout=OPEN_TIMEOUT_MS, wait_until="domcontentloaded")
    if settled:
        await page.wait_for_function(SETTLED_JS, timeout=OPEN_TIMEOUT_MS, polling=200)
    return page


async def _tile(page: Page) -> str:
    tile = page.get_by_role("group", name=TILE, exact=True).locator(".tile-value")
    return (await tile.inner_text()).strip()


async def _moves(presenter: Page, followers: list[Page]) -> tuple[list[float], int]:
    """MOVES released price steps; each follower's delay from the key press (ms), and how
    many follower updates never came."""
    thumb = presenter.locator(SLIDER_CSS.format("price_per_mtok_usd"))
    delays: list[float] = []
    missed = 0
    for _ in range(MOVES):
        await thumb.focus()
        before = await _tile(presenter)
        pressed_ms = time.time() * 1000
        # Always up: each move shows a text no follower has shown before, so a follower
        # running behind cannot be counted early by a value it showed a move ago.
        await thumb.press("ArrowRight")
        # The presenter's own page first: its run may not have begun when the key is down.
        deadline = time.monotonic() + 30
        while (want := await _tile(presenter)) == before:
            assert time.monotonic() < deadline, "the price step did not change the tile"
            await asyncio.sleep(0.05)
        await asyncio.sleep(MOVE_GAP_S)
        for page in followers:
            seen = await page.evaluate("(want) => window.__seen[want]", want)
            if seen is None:
                missed += 1
            else:
                delays.append(max(0.0, seen - pressed_ms))
        for page in followers:  # the next move's value must be seen anew
            await page.evaluate("(want) => { delete window.__seen[want]; }", want)
    return delays, missed


async def _drag(presenter: Page, followers: list[Page]) -> list[float]:
    """The thumb grabbed, held and moved for DRAG_S, then released; each follower's tile
    changes a second during the drag."""
    box = await presenter.locator(SLIDER_CSS.format("price_per_mtok_usd")).bounding_box()
    assert box is not None
    y = box["y"] + box["height"] / 2
    await presenter.mouse.move(box["x"] + box["width"] * 0.05, y)
    await presenter.mouse.down()
    await asyncio.sleep(GRAB_S)  # every page fetches its sweep along the slider
    for page in followers:
        await page.evaluate("() => { window.__changes = []; }")
    start_ms = time.time() * 1000
    steps = int(DRAG_S * 30)
    for i in range(steps):
        await presenter.mouse.move(box["x"] + box["width"] * (0.05 + 0.3 * (i + 1) / steps), y)
        await asyncio.sleep(DRAG_S / steps)
    end_ms = time.time() * 1000
    await presenter.mouse.up()
    rates = []
    for page in followers:
        changes = await page.evaluate("() => window.__changes")
        rates.append(sum(start_ms <= t <= end_ms for t in changes) / ((end_ms - start_ms) / 1000))
    return rates


async def _renderer_cpu(devtools: CDPSession) -> float:
    """The CPU seconds the page's renderer process has used so far (Chromium's
    Performance.getMetrics; its task durations are wall time, stretched when the cores
    are shared)."""
    metrics = (await devtools.send("Performance.getMetrics"))["metrics"]
    return float(next(m["value"] for m in metrics if m["name"] == "ProcessTime"))


async def _meeting(balancer: Balancer, replicas: list[Server], count: int) -> list[Figure]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS)
        )
        presenter = await _open(browser, balancer.url + "?preset=seed-leak")
        await presenter.get_by_role("button", name="Let the room follow").click()
        await presenter.wait_for_url("**room=**", timeout=60_000)
        room = presenter.url.split("room=")[1].split("&")[0]
        followers: list[Page] = []
        for n in range(count):  # one after another: thirty first loads at once time out
            try:
                page = await _open(browser, f"{balancer.url}?room={room}", settled=False)
                await page.get_by_text("Following the presenter").wait_for(timeout=60_000)
                await page.locator(".tile-value").first.wait_for(timeout=60_000)
            except PlaywrightError as exc:  # the machine, not the room: go on with the others
                print(f"follower {n + 1} did not open: {exc}".splitlines()[0], file=sys.stderr)
                continue
            await page.evaluate(WATCH_JS, TILE)
            followers.append(page)
            print(f"follower {n + 1} follows", file=sys.stderr)

        cpu_before = sum(r.cpu_seconds() for r in replicas)
        quiet_start = time.monotonic()
        await asyncio.sleep(QUIET_S)
        idle_cpu = sum(r.cpu_seconds() for r in replicas) - cpu_before
        idle_s = time.monotonic() - quiet_start

        # One follower's renderer CPU over the moves: what each follower's device spends
        # per move (the bench's 31 pages share this machine's two cores).
        devtools = await followers[0].context.new_cdp_session(followers[0])
        await devtools.send("Performance.enable")
        cpu_page_before = await _renderer_cpu(devtools)
        cpu_before = sum(r.cpu_seconds() for r in replicas)
        moves_start = time.monotonic()
        delays, missed = await _moves(presenter, followers)
        moves_cpu = sum(r.cpu_seconds() for r in replicas) - cpu_before
        moves_s = time.monotonic() - moves_start
        follower_cpu = await _renderer_cpu(devtools) - cpu_page_before

        cpu_before = sum(r.cpu_seconds() for r in replicas)
        rates = await _drag(presenter, followers)
        await asyncio.sleep(MOVE_GAP_S)  # the release reaches every follower
        drag_cpu = sum(r.cpu_seconds() for r in replicas) - cpu_before
        await browser.close()

    served = [
        sum(f"upstream=127.0.0.1:{r.port}" in line for line in balancer.access_log().splitlines()
            if "/_stcore/stream" in line)
        for r in replicas
    ]  # fmt: skip
    p95 = statistics.quantiles(delays, n=20)[-1] if len(delays) > 1 else float("nan")
    return [
        figure(f"Meeting: followers whose page opened (of {count})", "count",
               [len(followers)]),
        figure(f"Meeting: follower updates missed ({len(followers)} x {MOVES} moves)", "count",
               [missed], 0),
        figure("Meeting: release to follower, p50", "ms", [statistics.median(delays)]),
        figure("Meeting: release to follower, p95", "ms", [p95]),
        figure("Meeting: follower updates a second while the presenter drags", "count",
               [statistics.median(rates)]),
        figure("Meeting: server CPU per presenter move (all followers)", "ms",
               [moves_cpu / MOVES * 1e3]),
        figure(f"Meeting: server CPU of a {GRAB_S + DRAG_S:.0f} s grab and drag and its release",
               "ms", [drag_cpu * 1e3]),
        figure(f"Meeting: server CPU of {len(followers)} idle followers", "ms/s",
               [idle_cpu / idle_s * 1e3]),
        figure("Meeting: server CPU share of the moves' wall time", "%",
               [moves_cpu / moves_s * 100]),
        figure("Meeting: one follower's renderer CPU per move", "ms",
               [follower_cpu / MOVES * 1e3]),
        *(figure(f"Meeting: pages on replica {i + 1}", "count", [n])
          for i, n in enumerate(served)),
    ]  # fmt: skip


def run(count: int = FOLLOWERS) -> list[Figure]:
    """The meeting with `count` followers (`python -m bench.meeting 10` for fewer)."""
    with rooms_across_replicas() as (_, replicas, balancer):
        return asyncio.run(_meeting(balancer, replicas, count))


if __name__ == "__main__":
    from bench.measure import table

    print(table(run(int(sys.argv[1]) if len(sys.argv) > 1 else FOLLOWERS)))
