"""The page on a phone (390 x 844): the first KPI row on the first screen, charts whose
labels never overlap, tabs that stay in their own row."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from bench.served import Server
from tests.e2e.conftest import SHOTS, settle
from whatif.summary import TILE_ROWS

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}

# The boxes of each chart's texts (the Vega-Lite charts, and the payback curve the live
# control draws in its shadow root), and which two of them overlap (beyond a pixel's
# rounding), with how many charts were looked at.
OVERLAPS_JS = """() => {
  const charts = [...document.querySelectorAll('.vega-embed svg'),
    ...[...document.querySelectorAll('[data-testid="stBidiComponentIsolated"]')]
      .flatMap(h => h.shadowRoot ? [...h.shadowRoot.querySelectorAll('figure.cash svg')] : [])];
  return {charts: charts.length, hits: charts.map(svg => {
    const boxes = [...svg.querySelectorAll('text')]
        .filter(t => t.textContent.trim() && getComputedStyle(t).opacity !== '0'
            && t.getAttribute('opacity') !== '0')
        .map(t => [t.textContent, t.getBoundingClientRect()]);
    const hits = [];
    boxes.forEach(([a, p], i) => boxes.slice(i + 1).forEach(([b, q]) => {
        const x = Math.min(p.right, q.right) - Math.max(p.left, q.left);
        const y = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
        if (x > 1 && y > 1) hits.push(a + ' / ' + b);
    }));
    return hits;
  }).flat()};
}"""


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)  # type: ignore[arg-type]
    yield context.new_page()
    context.close()


def test_a_phone_sees_the_first_kpi_row_on_its_first_screen(
    phone: Page, app_server: Server
) -> None:
    phone.goto(app_server.url + "?preset=meta-2025")
    settle(phone)
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SHOTS / "phone-390x844-first-screen.png"))
    # The live control's tiles, two by two: the whole first row above the screen's edge.
    first_row = phone.locator(".tile").all()[: TILE_ROWS[0]]
    assert len(first_row) == TILE_ROWS[0]
    for tile in first_row:
        box = tile.bounding_box()
        assert box and box["y"] + box["height"] <= PHONE["height"], tile.inner_text()
    # The title starts below Streamlit's header bar, which would hide its first line.
    header = phone.get_by_test_id("stHeader").bounding_box()
    title = phone.get_by_role("heading", level=1).bounding_box()
    assert header and title and title["y"] >= header["y"] + header["height"]
    # The preset's description waits, closed, behind "About this scenario".
    # Its label names the scenario: the sidebar, which also does, is closed on a phone.
    expect(phone.get_by_text("About this scenario: Meta FY2025, evidence-based")).to_be_visible()
    expect(phone.get_by_text("The central case.", exact=False)).to_be_hidden()
    # The page never scrolls sideways; the tabs scroll within their own row.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    tabs = phone.get_by_role("tablist").first.bounding_box()
    assert tabs and tabs["x"] >= 0 and tabs["x"] + tabs["width"] <= PHONE["width"]


@pytest.mark.parametrize("link", ["?preset=meta-2025", "?preset=seed-leak&horizon_years=10"])
def test_no_two_chart_labels_overlap_on_a_phone(phone: Page, app_server: Server, link: str) -> None:
    phone.goto(app_server.url + link)
    settle(phone)
    overview = phone.get_by_role("tabpanel").first
    overview.scroll_into_view_if_needed()
    phone.wait_for_timeout(500)  # the charts' resize to the phone's width
    SHOTS.mkdir(parents=True, exist_ok=True)
    if link == "?preset=meta-2025":
        overview.screenshot(path=str(SHOTS / "phone-390x844-charts.png"))
    assert phone.evaluate(OVERLAPS_JS) == {"charts": 4, "hits": []}
    # Nor does any label run past its chart's edges, where it is cut off (a legend in
    # three columns cut "Conversion lift profit" to "Con").
    cut = phone.evaluate(
        """() => [...document.querySelectorAll('.vega-embed svg')].flatMap((svg) => {
            const frame = svg.getBoundingClientRect();
            return [...svg.querySelectorAll('text')]
                .filter((text) => text.textContent.trim())
                .filter((text) => {
                    const box = text.getBoundingClientRect();
                    // A rotated axis title's box reaches 2-3 px past its glyphs.
                    return box.left < frame.left - 4 || box.right > frame.right + 4;
                })
                .map((text) => text.textContent);
        })"""
    )
    assert cut == []


# The rendered height of each text of the payback curve, in CSS pixels.
CURVE_TEXT_HEIGHTS_JS = """() =>
    [...document.querySelectorAll('[data-testid="stBidiComponentIsolated"]')]
    .flatMap((host) => host.shadowRoot
        ? [...host.shadowRoot.querySelectorAll('figure.cash text')] : [])
    .filter((text) => getComputedStyle(text).display !== 'none')
    .map((text) => [text.textContent, text.getBoundingClientRect().height])"""


def test_the_payback_curve_keeps_its_text_readable_on_a_phone(
    phone: Page, app_server: Server
) -> None:
    phone.goto(app_server.url + "?preset=vertical-integration")
    settle(phone)
    heights = dict(phone.evaluate(CURVE_TEXT_HEIGHTS_JS))
    assert {"$0", "Year 5", "Payback: month 54"} <= set(heights)
    small = {text: height for text, height in heights.items() if height < 12}
    assert small == {}, "the curve's text is squeezed with its drawing"
