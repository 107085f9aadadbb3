"""Browser tests: the app served as users run it, driven in Debian's Chromium.

Never downloads a browser: Playwright drives /usr/bin/chromium. Without it the
tests skip on a developer's machine and fail in CI (CI=true), where they must run.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from bench.served import CHROMIUM, CHROMIUM_ARGS, ROOT, SETTLED_JS, TILE_VALUES_JS, Server
from whatif import Scenario, evaluate
from whatif.presets import DEFAULT_PRESETS_DIR
from whatif.summary import TILE_ROWS, kpi_tiles

SHOTS = ROOT / "artifacts" / "screenshots"
VIEWPORT = {"width": 1440, "height": 2600}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Debian's chromium is missing in CI: `make test` installs it")
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS)
        )
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def app_server() -> Iterator[Server]:
    server = Server()
    yield server
    server.stop()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context; a screenshot of what it shows is saved after the test."""
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    opened = context.new_page()
    yield opened
    SHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^a-z0-9_-]+", "-", request.node.name.lower())
    opened.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    context.close()


TILES = sum(TILE_ROWS)  # the KPI tiles of the page, all rows


def settle(page: Page, *, metrics: int = TILES, charts: int = 3) -> None:
    """Wait until the script run has finished and every KPI tile and chart is drawn.

    The tiles (and the payback curve) are the live control's; `charts` counts the
    Vega-Lite charts beside it."""
    page.wait_for_function(SETTLED_JS, timeout=30_000)
    page.wait_for_function(
        """([tiles, metrics, charts]) => {
            const values = (new Function('return ' + tiles))()();
            return !document.querySelector('[data-stale="true"]')
                && values.length === metrics && values.every((v) => v.textContent)
                && document.querySelectorAll('.vega-embed svg, .vega-embed canvas').length
                    >= charts;
        }""",
        arg=[TILE_VALUES_JS, metrics, charts],
        timeout=30_000,
    )


def tile_value(page: Page, label: str) -> Locator:
    """The value of the KPI tile with this label: the tile is a group named by it."""
    return page.get_by_role("group", name=label, exact=True).locator(".tile-value")


def tab_metrics(page: Page) -> dict[str, str]:
    """The metrics of the analysis tabs (label -> shown value), beside the control's tiles."""
    return {
        metric.get_by_test_id("stMetricLabel").inner_text().strip(): metric.get_by_test_id(
            "stMetricValue"
        )
        .inner_text()
        .strip()
        for metric in page.get_by_test_id("stTabs").get_by_test_id("stMetric").all()
    }


def price_steps_right(page: Page, steps: int) -> str:
    """Move the price slider `steps` steps of $0.25 to the right with the keyboard, as a
    person tabs to it and presses; the new price, once the address bar carries it."""
    price = page.get_by_role("slider", name="Price per million tokens ($ / million tokens)")
    price.focus()
    for _ in range(steps):
        price.press("ArrowRight")
    shown = price.input_value()
    page.wait_for_url(f"**price_per_mtok_usd={shown}**")
    return shown


def open_about(page: Page) -> None:
    """Open "About this scenario", where the preset's description and sources wait."""
    about = page.get_by_test_id("stExpander").filter(has_text="About this scenario")
    about.get_by_text("About this scenario", exact=False).click()
    expect(about.get_by_test_id("stExpanderDetails")).to_be_visible()


def kpis(page: Page) -> dict[str, str]:
    """KPI label -> shown value, as an executive reads them."""
    labels = page.locator(".tile-label").all_inner_texts()
    values = page.locator(".tile-value").all_inner_texts()
    return {label.strip(): value.strip() for label, value in zip(labels, values, strict=True)}


def open_share(page: Page) -> None:
    """Open the (lazy) share section and wait until its contents are drawn."""
    page.get_by_text("Share this scenario", exact=False).click()
    expect(page.get_by_role("button", name="Download brief (PDF)")).to_be_visible()


def expected(scenario: Scenario) -> dict[str, str]:
    return {t.label: t.value for t in kpi_tiles(evaluate(scenario))}


def changed(s: Scenario, **values: float) -> Scenario:
    return Scenario.model_validate(s.model_dump() | values)


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def kpis_in_a_fresh_browser(browser: Browser, url: str) -> dict[str, str]:
    """The KPIs a colleague sees who opens `url` with nothing of this session."""
    fresh = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    try:
        other = fresh.new_page()
        other.goto(url)
        settle(other)
        return kpis(other)
    finally:
        fresh.close()


@pytest.fixture
def repo_files_unchanged() -> Iterator[None]:
    """Fails the test if it wrote to the presets folder or the repository's assets."""
    assets = DEFAULT_PRESETS_DIR.parent

    def digest() -> dict[str, str]:
        return {
            str(p): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(assets.rglob("*"))
            if p.is_file()
        }

    before = digest()
    yield
    assert digest() == before


def upload(page: Page, path: Path) -> None:
    """Give the share section's upload box a file, as a person choosing it does."""
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
