"""The meeting kit in Chromium: the presentation view at 1920 x 1080, the brief download."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from app.presentation import TILE_ROWS_SHOWN
from bench.served import ROOT, Server
from tests.e2e.conftest import SHOTS, kpis, open_share, settle, tile_value
from whatif import evaluate, load_presets
from whatif.presets import DEFAULT_PRESETS_DIR
from whatif.summary import TILE_ROWS, kpi_tiles

pytestmark = pytest.mark.e2e
PRESETS = load_presets(DEFAULT_PRESETS_DIR).presets
PRESENTED = sum(TILE_ROWS[:TILE_ROWS_SHOWN])  # the tiles on the big screen
ROOM = {"width": 1920, "height": 1080}


@pytest.fixture
def room(browser: Browser) -> Iterator[Page]:
    """A 1920 x 1080 screen, as in a meeting room."""
    context = browser.new_context(viewport=ROOM)  # type: ignore[arg-type]
    yield context.new_page()
    context.close()


def metric_font_px(page: Page) -> float:
    return float(
        page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector("
            "'[data-testid=\"stMetricValue\"] > div')).fontSize)"
        )
    )


def test_the_presentation_view_at_1920_by_1080(room: Page, app_server: Server) -> None:
    room.goto(app_server.url + "?preset=meta-2025")
    settle(room)
    normal = metric_font_px(room)
    room.goto(app_server.url + "?preset=meta-2025&view=present")
    settle(room, charts=1, metrics=PRESENTED)
    expect(room.get_by_test_id("stSidebar")).to_be_hidden()
    expect(room.get_by_text("Meta FY2025, evidence-based").first).to_be_visible()
    assert metric_font_px(room) >= 1.5 * normal
    # The QR code of the complete link sits in the bottom-right corner.
    qr = room.get_by_role("img", name="QR code of this scenario's complete link")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.naturalWidth > 0 && img.src.startsWith('data:image/svg+xml')")
    box = qr.bounding_box()
    assert box and box["x"] > ROOM["width"] * 0.8 and box["y"] > ROOM["height"] * 0.6
    assert box["width"] >= 150
    SHOTS.mkdir(parents=True, exist_ok=True)
    room.screenshot(path=str(SHOTS / "presentation-1920x1080.png"))
    # The sliders work as on the normal page.
    price = room.get_by_role("slider", name="Price per million tokens ($ / million tokens)")
    price.focus()
    for _ in range(4):  # $5 -> $6
        price.press("ArrowRight")
    room.wait_for_url("**price_per_mtok_usd=6**")
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
