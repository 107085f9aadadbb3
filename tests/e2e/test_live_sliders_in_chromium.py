"""The live headline sliders in Chromium: numbers that follow a held thumb, the address bar
after the release, the keyboard, a phone's touch drag, and what a screen reader is told."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from bench.browser import COUNT_CHANGES_JS
from bench.served import Server, slider
from tests.e2e.conftest import (
    SHOTS,
    changed,
    expected,
    kpis,
    kpis_in_a_fresh_browser,
    query,
    settle,
)
from whatif import FIELDS_BY_NAME, HEADLINE_FIELDS, load_presets
from whatif.presets import DEFAULT_PRESETS_DIR

pytestmark = pytest.mark.e2e
PRESETS = load_presets(DEFAULT_PRESETS_DIR).presets
PRICE = "price_per_mtok_usd"
TOKEN_SPEND = 8  # "Token spend, year 1", the ninth tile: it changes with every price step


def price_now(page: Page) -> float:
    return float(slider(page, PRICE).input_value())


def test_a_held_mouse_drag_changes_the_kpis_before_the_release(
    page: Page, app_server: Server, browser: Browser
) -> None:
    page.goto(app_server.url + "?preset=meta-2025")
    settle(page)
    box = slider(page, PRICE).bounding_box()
    assert box is not None
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 10, y)
    page.evaluate(COUNT_CHANGES_JS, TOKEN_SPEND)
    page.mouse.down()
    # Across a third of the track in two strokes of 30 pointer moves, thumb held; after each,
    # wait (up to 5 s) for one more change of the token-spend tile, the thing under test.
    for stroke in (1, 2):
        page.mouse.move(box["x"] + 10 + box["width"] * stroke / 6, y, steps=30)
        page.wait_for_function(f"() => window.__changes >= {stroke}", timeout=5_000)
    assert PRICE not in query(page), "the address bar waits for the release"
    page.screenshot(path=str(SHOTS / "live-sliders-while-held.png"))
    page.mouse.up()
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


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    yield context.new_page()
    context.close()


def test_a_touch_drag_on_a_phone_moves_the_numbers_and_the_link(
    phone: Page, app_server: Server
) -> None:
    phone.goto(app_server.url + "?preset=meta-2025")
    settle(phone)
    handle = slider(phone, PRICE)
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] * 0.05, box["y"] + box["height"] / 2
    before = kpis(phone)
    touch = phone.context.new_cdp_session(phone)

    def finger(kind: str, at_x: float) -> None:
        points = [] if kind == "touchEnd" else [{"x": at_x, "y": y}]
        touch.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    finger("touchStart", x)
    for n in range(1, 31):
        finger("touchMove", x + box["width"] * 0.5 * n / 30)
    # Lift the finger only once the thumb has followed it past $20.
    phone.wait_for_function("el => Number(el.value) > 20", arg=handle.element_handle())
    finger("touchEnd", x)
    phone.wait_for_url(f"**{PRICE}=**")
    settle(phone)
    moved = float(query(phone)[PRICE][0])
    assert moved > 20 and moved == price_now(phone)
    assert kpis(phone) != before
    assert kpis(phone) == expected(changed(PRESETS["meta-2025"].scenario, price_per_mtok_usd=moved))
    phone.screenshot(path=str(SHOTS / "live-sliders-phone.png"), full_page=True)
