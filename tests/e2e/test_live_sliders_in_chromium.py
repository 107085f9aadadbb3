"""The live headline control in Chromium: tiles and payback curve that follow a held thumb
(looked up in a sweep, or computed by the page while none is there), the address bar after
the release, the keyboard, a phone's touch drag and swipe, and what a screen reader is told."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, WebSocketRoute, expect

from bench.browser import COUNT_CHANGES_JS, ROUND_TRIP
from bench.served import TILE_VALUES_JS, Server, slider
from tests.e2e.conftest import (
    SHOTS,
    changed,
    expected,
    kpis,
    kpis_in_a_fresh_browser,
    price_steps_right,
    query,
    settle,
)
from whatif import FIELDS_BY_NAME, HEADLINE_FIELDS, load_presets
from whatif.presets import DEFAULT_PRESETS_DIR

pytestmark = pytest.mark.e2e
PRESETS = load_presets(DEFAULT_PRESETS_DIR).presets
PRICE = "price_per_mtok_usd"
TOKEN_SPEND = 8  # the tile that changes with every price step
STATUS = "KPIs at the released value"  # the control's polite live region


def price_now(page: Page) -> float:
    return float(slider(page, PRICE).input_value())


def swept(page: Page) -> None:
    """Focus the price slider and wait until its sweep is here (the control then looks up)."""
    slider(page, PRICE).focus()
    expect(slider(page, PRICE)).to_have_attribute("data-swept", "true", timeout=30_000)


def hide_sweeps(route: WebSocketRoute) -> None:
    """A network on which no sweep arrives: the control's data reaches the page with its
    sweep under another name (same length, so the message stays well formed)."""
    server = route.connect_to_server()
    route.on_message(server.send)

    def to_page(message: str | bytes) -> None:
        if isinstance(message, bytes):
            message = message.replace(b'"sweep": {', b'"sweeP": {')
        route.send(message)

    server.on_message(to_page)


def drag_price(page: Page, steps: int = 60) -> int:
    """Hold the price thumb and move it across a third of the track for about 1.5 s; the
    number of times the token-spend tile changed meanwhile. The thumb is still held."""
    box = slider(page, PRICE).bounding_box()
    assert box is not None
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 10, y)
    page.evaluate(COUNT_CHANGES_JS, [TILE_VALUES_JS, TOKEN_SPEND])
    page.evaluate(f"performance.clearMeasures('{ROUND_TRIP}')")
    page.mouse.down()
    for n in range(1, steps + 1):
        page.mouse.move(box["x"] + 10 + box["width"] * n / (3 * steps), y)
        page.wait_for_timeout(25)
    return int(page.evaluate("window.__changes"))


def round_trips(page: Page) -> int:
    """How many values the page has applied since the drag began."""
    return int(page.evaluate(f"performance.getEntriesByName('{ROUND_TRIP}').length"))


def test_a_held_drag_looks_the_tiles_up_in_the_sweep_and_matches_evaluate(
    page: Page, app_server: Server
) -> None:
    page.goto(app_server.url + "?preset=meta-2025")
    settle(page)
    swept(page)
    changes = drag_price(page)
    # Mid-drag, thumb held: what the tiles show is the model at the value the thumb shows.
    held = price_now(page)
    assert kpis(page) == expected(changed(PRESETS["meta-2025"].scenario, price_per_mtok_usd=held))
    assert round_trips(page) == 0, "while looking up, nothing goes to the page"
    assert PRICE not in query(page), "the address bar waits for the release"
    status = page.get_by_role("status", name=STATUS)
    assert status.inner_text() == "", "nothing is announced while the thumb moves"
    page.mouse.up()
    assert changes >= 20, f"only {changes} tile change(s) while the thumb was held"
    page.wait_for_url(f"**{PRICE}=**")
    settle(page)
    released = float(query(page)[PRICE][0])
    want = expected(changed(PRESETS["meta-2025"].scenario, price_per_mtok_usd=released))
    assert kpis(page) == want
    # Said once, politely, on the release.
    expect(status).to_contain_text(f"NPV at 9%: {want['NPV at 9%']}")


def test_without_a_sweep_the_page_computes_each_value_and_nothing_breaks(
    page: Page, app_server: Server
) -> None:
    page.route_web_socket("**/_stcore/stream", hide_sweeps)
    page.goto(app_server.url + "?preset=meta-2025")
    settle(page)
    slider(page, PRICE).focus()
    page.wait_for_timeout(1000)  # the answer to the sweep request has come, without one
    expect(slider(page, PRICE)).to_have_attribute("data-swept", "false")
    changes = drag_price(page)
    assert round_trips(page) >= 2, "values flow to the page while the thumb is held"
    page.mouse.up()
    assert changes >= 2, f"only {changes} tile change(s) while the thumb was held"
    page.wait_for_url(f"**{PRICE}=**")
    settle(page)
    released = float(query(page)[PRICE][0])
    assert released == price_now(page)
    assert kpis(page) == expected(
        changed(PRESETS["meta-2025"].scenario, price_per_mtok_usd=released)
    )


def test_a_held_mouse_drag_changes_the_kpis_before_the_release(
    page: Page, app_server: Server, browser: Browser
) -> None:
    page.goto(app_server.url + "?preset=meta-2025")
    settle(page)
    # The first grab: the sweep is asked for as the thumb starts to move.
    changes = drag_price(page)
    assert PRICE not in query(page), "the address bar waits for the release"
    page.screenshot(path=str(SHOTS / "live-sliders-while-held.png"))
    page.mouse.up()
    assert changes >= 2, f"only {changes} KPI change(s) while the thumb was held"
    # After the release: the address bar carries the value, and the page shows its numbers.
    page.wait_for_url(f"**{PRICE}=**")
    settle(page)
    released = float(query(page)[PRICE][0])
    assert released == price_now(page)
    want = expected(changed(PRESETS["meta-2025"].scenario, price_per_mtok_usd=released))
    assert kpis(page) == want
    assert kpis_in_a_fresh_browser(browser, page.url) == want


@pytest.mark.parametrize(
    ("keys", "price"),
    [
        (["ArrowRight"], 5.25),
        (["ArrowUp", "ArrowUp"], 5.5),
        (["ArrowLeft"], 4.75),
        (["PageUp"], 15.0),
        (["PageDown", "ArrowDown"], 0.0),
        (["End"], 100.0),
        (["End", "Home"], 0.0),
    ],
    ids=["right", "up twice", "left", "page up", "page down to the floor", "end", "home"],
)
def test_the_keyboard_moves_a_slider_by_steps_pages_and_to_its_ends(
    page: Page, app_server: Server, keys: list[str], price: float
) -> None:
    page.goto(app_server.url + "?preset=meta-2025")
    settle(page)
    assert price_now(page) == PRESETS["meta-2025"].scenario.price_per_mtok_usd == 5
    handle = slider(page, PRICE)
    handle.focus()
    for key in keys:
        handle.press(key)
    expect(handle).to_have_attribute("aria-valuetext", f"{price:g} $ / million tokens")
    page.wait_for_url(f"**{PRICE}={price:g}**")
    settle(page)
    assert kpis(page) == expected(changed(PRESETS["meta-2025"].scenario, price_per_mtok_usd=price))


def test_with_its_sweep_a_key_press_changes_the_tiles_and_curve_before_the_page_answers(
    page: Page, app_server: Server
) -> None:
    page.goto(app_server.url + "?preset=meta-2025")
    settle(page)
    swept(page)
    curve = page.locator("polyline.curve")
    before = curve.get_attribute("points")
    # The page answers a key press by a rerun; the tiles must not wait for it.
    page.evaluate(f"performance.clearMeasures('{ROUND_TRIP}')")
    slider(page, PRICE).press("End")
    # Read at once, in the page: the tiles, and whether the page's answer has come back.
    values, answered = page.evaluate(
        f"""() => [({TILE_VALUES_JS})().map((node) => node.textContent),
                   performance.getEntriesByName('{ROUND_TRIP}').length]"""
    )
    assert answered == 0, "read before the page's answer came back"
    want = expected(changed(PRESETS["meta-2025"].scenario, price_per_mtok_usd=100.0))
    assert values == list(want.values())
    assert curve.get_attribute("points") != before
    page.wait_for_url(f"**{PRICE}=100**")
    settle(page)
    assert kpis(page) == want
    expect(page.get_by_role("status", name=STATUS)).to_contain_text(f"Payback: {want['Payback']}")


# The texts the payback curve shows, and each that reaches past its drawing's edges, as
# "text: how".
CURVE_TEXTS_JS = """() => {
    const svg = document.querySelector('[data-testid="stBidiComponentIsolated"]')
        .shadowRoot.querySelector('figure.cash svg');
    const [, , width, height] = svg.getAttribute('viewBox').split(' ').map(Number);
    const shown = [...svg.querySelectorAll('text')]
        .filter((text) => getComputedStyle(text).display !== 'none'
                          && getComputedStyle(text).visibility !== 'hidden')
        .map((text) => [text.textContent, text.getBBox()]);
    const cut = shown
        .filter(([, box]) => box.x < 0 || box.y < 0 || box.x + box.width > width
                             || box.y + box.height > height)
        .map(([text, box]) => `${text}: x ${box.x.toFixed(1)} to ${(box.x + box.width).toFixed(1)}`
                              + ` of ${width}, y ${box.y.toFixed(1)} to`
                              + ` ${(box.y + box.height).toFixed(1)} of ${height}`);
    return {shown: shown.map(([text]) => text), cut};
}"""


@pytest.mark.parametrize(
    ("link", "labels"),
    [
        ("?preset=meta-2025", {"$0", "Year 1", "Year 5"}),
        # Pays back in month 54 of 60: the label near the right end.
        ("?preset=vertical-integration", {"$0", "Year 5", "Payback: month 54"}),
        # Pays back in month 1 of 120: the label at the left end.
        ("?preset=seed-leak&horizon_years=10", {"$0", "Year 10", "Payback: month 1"}),
    ],
    ids=["no payback", "late payback", "ten years, early payback"],
)
def test_every_label_of_the_payback_curve_is_drawn_whole_inside_its_chart(
    page: Page, app_server: Server, link: str, labels: set[str]
) -> None:
    page.goto(app_server.url + link)
    settle(page)
    texts = page.evaluate(CURVE_TEXTS_JS)
    assert labels <= set(texts["shown"]), texts["shown"]
    assert texts["cut"] == []


def test_each_slider_is_named_by_its_label_and_unit_with_its_source_on_hover(
    page: Page, app_server: Server
) -> None:
    page.goto(app_server.url + "?preset=seed-leak")
    settle(page)
    scenario = PRESETS["seed-leak"].scenario
    for name in HEADLINE_FIELDS:
        spec = FIELDS_BY_NAME[name]
        named = page.get_by_role("slider", name=f"{spec.label} ({spec.unit})")
        expect(named).to_have_value(f"{getattr(scenario, name):g}")
        expect(named).to_have_attribute("min", f"{spec.minimum:g}")
        expect(named).to_have_attribute("max", f"{spec.maximum:g}")
    help_icon = page.get_by_role("img", name="About Price per million tokens ($ / million tokens)")
    help_icon.hover()
    tip = page.get_by_role("tooltip").filter(has_text="Source:")
    expect(tip.first).to_be_visible()
    expect(tip.first).to_contain_text(FIELDS_BY_NAME[PRICE].source[:30])
    page.screenshot(path=str(SHOTS / "live-sliders-help.png"))


def test_the_capex_slider_shows_the_share_charged_under_its_track(
    page: Page, app_server: Server
) -> None:
    page.goto(app_server.url + "?preset=meta-2025")
    settle(page)
    track = slider(page, "ai_capex_busd_per_year")
    note = page.locator(".field", has=track).locator(".note")
    expect(note).to_have_text("50% charged")
    expect(note).to_have_attribute("title", re.compile("charged to the AI programme"))
    box, under = track.bounding_box(), note.bounding_box()
    assert box and under and under["y"] >= box["y"] + box["height"], "under the track"
    # On one line: the tracks of all five sliders stay in one row.
    tops = {round(slider(page, name).bounding_box()["y"]) for name in HEADLINE_FIELDS}  # type: ignore[index]
    assert len(tops) == 1, tops


def test_a_value_with_more_digits_moves_nothing_below_the_sliders(
    page: Page, app_server: Server
) -> None:
    page.goto(app_server.url + "?preset=meta-2025")
    settle(page)
    first_tile = page.locator(".tile").first
    before = first_tile.bounding_box()
    assert price_steps_right(page, 5) == "6.25"  # one digit, three characters more
    settle(page)
    after = first_tile.bounding_box()
    assert before and after and after["y"] == before["y"], "the label rewrapped"


def test_choosing_a_preset_and_reset_move_the_thumbs(page: Page, app_server: Server) -> None:
    page.goto(app_server.url + "?preset=meta-2025&price_per_mtok_usd=30")
    settle(page)
    expect(slider(page, PRICE)).to_have_value("30")
    page.get_by_role("button", name="Reset to preset").click()
    expect(slider(page, PRICE)).to_have_value("5")
    page.wait_for_function(f"() => !location.search.includes('{PRICE}=')")
    page.get_by_test_id("stSelectbox").click()
    page.get_by_role("option", name="Seed leak at list price").click()
    expect(slider(page, PRICE)).to_have_value(
        f"{PRESETS['seed-leak'].scenario.price_per_mtok_usd:g}"
    )


# The help tip shown now (the one its "?" describes), and how far it reaches past the
# window's left and right edges (0 when inside).
TIP_OUTSIDE_JS = """(help) => {
    const tip = help.getRootNode().getElementById(help.getAttribute('aria-describedby'));
    const box = tip.getBoundingClientRect();
    const width = document.documentElement.clientWidth;
    return {shown: box.width > 0, left: Math.max(0, -box.left),
            right: Math.max(0, box.right - width)};
}"""


def tips_outside_the_window(page: Page, open_tip: str) -> dict[str, dict[str, float]]:
    """Open each help tip of the control in turn (`open_tip`: "hover" with a mouse, "focus"
    as a tap or the keyboard does); each one that is not wholly inside the window."""
    outside = {}
    icons = page.locator('[data-testid="stBidiComponentIsolated"] .help').all()
    assert len(icons) == len(HEADLINE_FIELDS) + len(expected(PRESETS["meta-2025"].scenario))
    for icon in icons:
        icon.scroll_into_view_if_needed()
        icon.hover() if open_tip == "hover" else icon.focus()
        where = icon.evaluate(TIP_OUTSIDE_JS)
        assert where["shown"], icon.get_attribute("aria-label")
        if where["left"] > 0 or where["right"] > 0:
            outside[str(icon.get_attribute("aria-label"))] = where
        icon.blur()
    return outside


def test_every_help_tip_of_a_slider_or_tile_opens_inside_the_window(
    page: Page, app_server: Server
) -> None:
    page.goto(app_server.url + "?preset=meta-2025")
    settle(page)
    assert tips_outside_the_window(page, "hover") == {}


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    yield context.new_page()
    context.close()


def point_on_price_track(
    phone: Page, app_server: Server, across: float
) -> tuple[float, float, float]:
    """The default page on the phone, the point `across` (0 to 1) along the price track,
    and the track's width."""
    phone.goto(app_server.url + "?preset=meta-2025")
    settle(phone)
    handle = slider(phone, PRICE)
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    assert box is not None
    return box["x"] + box["width"] * across, box["y"] + box["height"] / 2, box["width"]


def test_every_help_tip_opens_inside_a_phones_screen(phone: Page, app_server: Server) -> None:
    phone.goto(app_server.url + "?preset=meta-2025")
    settle(phone)
    assert tips_outside_the_window(phone, "focus") == {}


def test_a_touch_drag_on_a_phone_moves_the_numbers_and_the_link(
    phone: Page, app_server: Server
) -> None:
    x, y, width = point_on_price_track(phone, app_server, 0.05)
    before = kpis(phone)
    touch = phone.context.new_cdp_session(phone)

    def finger(kind: str, at_x: float) -> None:
        points = [] if kind == "touchEnd" else [{"x": at_x, "y": y}]
        touch.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    finger("touchStart", x)
    for n in range(1, 31):
        finger("touchMove", x + width * 0.5 * n / 30)
    # Lift the finger only once the thumb has followed it past $20.
    phone.wait_for_function(
        "el => Number(el.value) > 20", arg=slider(phone, PRICE).element_handle()
    )
    finger("touchEnd", x)
    phone.wait_for_url(f"**{PRICE}=**")
    settle(phone)
    moved = float(query(phone)[PRICE][0])
    assert moved > 20 and moved == price_now(phone)
    assert kpis(phone) != before
    assert kpis(phone) == expected(changed(PRESETS["meta-2025"].scenario, price_per_mtok_usd=moved))
    phone.screenshot(path=str(SHOTS / "live-sliders-phone.png"), full_page=True)


def scrolled(page: Page) -> float:
    """How far the page is scrolled, wherever Streamlit scrolls it."""
    return float(
        page.evaluate(
            """() => [document.scrollingElement, ...document.querySelectorAll(
                    '[data-testid=stMain], [data-testid=stAppViewContainer]')]
                .reduce((sum, node) => sum + (node ? node.scrollTop : 0), 0)"""
        )
    )


def test_a_vertical_swipe_that_starts_on_a_track_scrolls_the_page_and_moves_no_slider(
    phone: Page, app_server: Server
) -> None:
    x, y, _ = point_on_price_track(phone, app_server, 0.6)
    values = {n: slider(phone, n).input_value() for n in HEADLINE_FIELDS}
    top = scrolled(phone)
    before = kpis(phone)
    touch = phone.context.new_cdp_session(phone)

    def finger(kind: str, at_y: float, at_x: float = x) -> None:
        points = [] if kind == "touchEnd" else [{"x": at_x, "y": at_y}]
        touch.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    # Up the screen, with the small sideways wobble of a real thumb (under 8 px).
    finger("touchStart", y)
    for n in range(1, 21):
        finger("touchMove", y - 15 * n, x + (n % 3))
        phone.wait_for_timeout(20)
    finger("touchEnd", y - 300)
    phone.wait_for_timeout(1500)
    assert scrolled(phone) > top, "the page did not scroll"
    assert {n: slider(phone, n).input_value() for n in HEADLINE_FIELDS} == values
    assert PRICE not in query(phone)
    assert kpis(phone) == before
