"""The meeting kit in Chromium: the presentation view at 1920 x 1080, the brief download."""

from __future__ import annotations

import io
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from app.overview import CHARTS
from app.presentation import TILE_ROWS_SHOWN
from bench.served import ROOT, Server
from tests.e2e.conftest import SHOTS, kpis, open_share, price_steps_right, settle, tile_value
from whatif import evaluate, load_presets
from whatif.presets import DEFAULT_PRESETS_DIR
from whatif.summary import TILE_ROWS, kpi_tiles

pytestmark = pytest.mark.e2e
PRESETS = load_presets(DEFAULT_PRESETS_DIR).presets
PRESENTED = sum(TILE_ROWS[:TILE_ROWS_SHOWN])  # the tiles on the big screen
ROOM = {"width": 1920, "height": 1080}
QR_MIN_PX = 300  # read by a phone from the back of a meeting room
CHART_TEXT_MIN_PX = 16
ZBARIMG = Path("/usr/bin/zbarimg")


def decoded_qr(shot: Path) -> str:
    """What a phone reads from the screen: Debian's zbarimg on the screenshot."""
    if not ZBARIMG.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Debian's zbar-tools is missing in CI: `make test` installs it")
        pytest.skip("needs Debian's zbar-tools (apt-get install zbar-tools)")
    found = subprocess.run(
        [str(ZBARIMG), "--raw", "-q", str(shot)], capture_output=True, text=True, check=False
    )
    assert found.returncode == 0, found.stderr
    return found.stdout.strip()


# Everything the big screen shows fits it: the main area does not scroll, and every
# chart text is large enough and inside the chart's element (none cut off at an edge;
# a text's box is its font's line, up to a third of its size taller than its letters).
FITS_JS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const svg = document.querySelector('.vega-embed svg');
    const frame = svg.getBoundingClientRect();
    const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim());
    return {
        scrolls: main.scrollHeight - main.clientHeight,
        smallest: Math.min(...texts.map(t => parseFloat(getComputedStyle(t).fontSize))),
        cut: texts.filter(t => {
            const r = t.getBoundingClientRect();
            const slack = parseFloat(getComputedStyle(t).fontSize) / 3;
            return r.left < frame.left - slack || r.right > frame.right + slack
                || r.top < frame.top - slack || r.bottom > frame.bottom + slack;
        }).map(t => t.textContent),
    };
}"""


@pytest.fixture
def room(browser: Browser) -> Iterator[Page]:
    """A 1920 x 1080 screen, as in a meeting room."""
    context = browser.new_context(viewport=ROOM)  # type: ignore[arg-type]
    yield context.new_page()
    context.close()


def metric_font_px(page: Page) -> float:
    """The font size of the first KPI tile's value (tiles are the live control's)."""
    size = page.locator(".tile-value").first.evaluate("(n) => getComputedStyle(n).fontSize")
    return float(size.removesuffix("px"))


def test_the_presentation_view_at_1920_by_1080(room: Page, app_server: Server) -> None:
    room.goto(app_server.url + "?preset=meta-2025")
    settle(room)
    normal = metric_font_px(room)
    room.goto(app_server.url + "?preset=meta-2025&view=present")
    settle(room, charts=1, metrics=PRESENTED)
    expect(room.get_by_test_id("stSidebar")).to_be_hidden()
    expect(room.get_by_text("Meta FY2025, evidence-based").first).to_be_visible()
    assert metric_font_px(room) >= 1.5 * normal
    # The QR code of the scenario's link sits beside the chart.
    qr = room.get_by_role("img", name="QR code of this scenario's link")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.naturalWidth > 0 && img.src.startsWith('data:image/svg+xml')")
    box = qr.bounding_box()
    assert box and box["x"] > ROOM["width"] * 0.7 and box["width"] >= QR_MIN_PX
    SHOTS.mkdir(parents=True, exist_ok=True)
    room.screenshot(path=str(SHOTS / "presentation-1920x1080.png"))
    # The sliders work as on the normal page.
    assert price_steps_right(room, 4) == "6"  # $5 -> $6
    scenario = PRESETS["meta-2025"].scenario.model_copy(update={"price_per_mtok_usd": 6.0})
    want = {
        t.label: t.value
        for t in kpi_tiles(evaluate(scenario), evaluate(PRESETS["meta-2025"].scenario))
    }
    expect(tile_value(room, "NPV at 9%")).to_have_text(want["NPV at 9%"])
    assert "view=present" in room.url
    # One chart at a time, chosen on the page.
    room.get_by_test_id("stButtonGroup").get_by_text("Operating margin", exact=True).click()
    expect(room.get_by_text("What happens to the operating margin?")).to_be_visible()
    settle(room, charts=1, metrics=PRESENTED)


@pytest.mark.parametrize("chart", [name for name, _ in CHARTS.values()])
def test_the_big_screen_fits_1920_by_1080_with_large_chart_text(
    room: Page, app_server: Server, chart: str
) -> None:
    room.goto(app_server.url + "?preset=meta-2025&view=present")
    settle(room, charts=1, metrics=PRESENTED)
    room.get_by_test_id("stButtonGroup").get_by_text(chart, exact=True).click()
    settle(room, charts=1, metrics=PRESENTED)
    room.wait_for_timeout(500)  # the chart's new data drawn
    fits = room.evaluate(FITS_JS)
    assert fits["scrolls"] <= 1, "the presentation view scrolls at 1920 x 1080"
    assert fits["smallest"] >= CHART_TEXT_MIN_PX
    assert fits["cut"] == []


def test_a_phone_reads_the_qr_code_off_the_big_screen_and_sees_the_same_numbers(
    room: Page, app_server: Server, browser: Browser
) -> None:
    room.goto(app_server.url + "?preset=seed-leak&view=present&price_per_mtok_usd=6")
    settle(room, charts=1, metrics=PRESENTED)
    shot = SHOTS / "presentation-qr-1920x1080.png"
    SHOTS.mkdir(parents=True, exist_ok=True)
    room.screenshot(path=str(shot))
    link = decoded_qr(shot)
    # The short link: the preset, what differs from it, the model version, the fingerprint.
    params = parse_qs(urlparse(link).query)
    assert params.keys() == {"preset", "model_version", "price_per_mtok_usd", "preset_fp"}
    assert link.startswith(app_server.url.rstrip("/") + "?")
    # Served on 127.0.0.1, the page says phones in a room could not open that link.
    expect(
        room.get_by_text("This link's address, 127.0.0.1, works only on this computer")
    ).to_be_visible()
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        opened = phone.new_page()
        opened.goto(link)
        settle(opened)
        shown = kpis(opened)
    finally:
        phone.close()
    on_screen = kpis(room)
    assert on_screen and all(shown[label] == value for label, value in on_screen.items())


def test_the_toggle_turns_the_presentation_view_on_and_off(room: Page, app_server: Server) -> None:
    room.goto(app_server.url + "?preset=seed-leak")
    settle(room)
    room.get_by_test_id("stSidebar").get_by_text("Presentation view").click()
    room.wait_for_url("**view=present**")
    settle(room, charts=1, metrics=PRESENTED)
    expect(room.get_by_test_id("stSidebar")).to_be_hidden()
    room.get_by_test_id("stMain").get_by_text("Presentation view").click()
    settle(room)
    assert "view=" not in room.url


def test_the_brief_downloads_from_the_page_with_the_numbers_it_shows(
    page: Page, app_server: Server
) -> None:
    page.goto(app_server.url + "?preset=seed-leak&price_per_mtok_usd=5")
    settle(page)
    shown = kpis(page)
    open_share(page)
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Download brief (PDF)").click()
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    assert len(pdf.pages) == 1 and list(pdf.pages[0].images) == []
    text = pdf.pages[0].extract_text()
    for label, value in shown.items():
        assert label in text and value in text, label
    assert "Seed leak at list price (edited)" in text
    assert str(ROOT) not in text  # the brief names the page's address, not a local path
