"""The live headline sliders under AppTest: messages as the control sends them, checked,
applied, echoed for flow control, and written to the address bar on release."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.live_sliders import LIVE
from tests.app.live import control_data, move, send, tiles
from whatif import HEADLINE_FIELDS, Scenario, evaluate, load_presets
from whatif.presets import DEFAULT_PRESETS_DIR
from whatif.summary import kpi_tiles

PRESETS = load_presets(DEFAULT_PRESETS_DIR).presets
Page = Callable[..., AppTest]
PRICE = "price_per_mtok_usd"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"


def shown_kpis(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in tiles(app)}


def expected_kpis(scenario: Scenario) -> dict[str, str]:
    return {t.label: t.value for t in kpi_tiles(evaluate(scenario))}


def with_price(price: float) -> Scenario:
    return PRESETS["meta-2025"].scenario.model_copy(update={PRICE: price})


def test_the_control_gets_each_slider_with_label_unit_range_step_help_and_source(
    page: Page,
) -> None:
    data = control_data(page(preset="meta-2025"))
    fields = {f["name"]: f for f in data["fields"]}
    assert list(fields) == list(HEADLINE_FIELDS)
    price = fields[PRICE]
    assert price["label"] == "Price per million tokens ($ / million tokens)"
    assert (price["min"], price["max"], price["step"], price["decimals"]) == (0, 100, 0.25, 2)
    assert price["help"] and price["source"]
    assert data["values"] == {n: getattr(PRESETS["meta-2025"].scenario, n) for n in HEADLINE_FIELDS}


def test_the_capex_slider_says_how_much_of_it_is_charged_to_the_programme(page: Page) -> None:
    app = page(preset="meta-2025")
    assert control_data(app)["notes"] == {
        "ai_capex_busd_per_year": [
            "50% charged",
            "50% of this capex is charged to the AI programme (Advanced assumptions: Capex "
            "charged to this programme); the rest serves other purposes.",
        ]
    }
    # The advanced field moves it; all of it charged, the slider says nothing more.
    app.session_state["advanced_open"] = True
    app.run()
    app.number_input(key="input_capex_attributed_pct").set_value(72.5).run()
    assert control_data(app)["notes"]["ai_capex_busd_per_year"][0] == "72.5% charged"
    assert control_data(page(preset="seed-leak"))["notes"] == {}


def test_a_value_sent_while_the_thumb_is_held_moves_the_kpis_and_the_address_bar_waits(
    page: Page,
) -> None:
    app = page(preset="meta-2025")
    move(app, PRICE, 12.0, final=False)
    assert not app.exception
    assert shown_kpis(app) == expected_kpis(with_price(12.0))
    assert PRICE not in app.query_params
    move(app, PRICE, 12.5)
    assert shown_kpis(app) == expected_kpis(with_price(12.5))
    assert app.query_params[PRICE] == "12.5"


def test_each_message_is_echoed_so_the_control_can_send_the_next(page: Page) -> None:
    app = page(preset="meta-2025")
    assert control_data(app)["applied"] is None
    send(app, {"seq": 41, "name": PRICE, "value": 6.0, "final": False})
    assert control_data(app)["applied"] == 41
    assert control_data(app)["values"][PRICE] == 6.0
    # The same message seen again (a rerun for another reason) is not applied twice.
    app.session_state[PRICE] = 7.0
    app.run()
    assert control_data(app)["values"][PRICE] == 7.0


def test_moving_back_to_the_preset_value_clears_the_parameter(page: Page) -> None:
    app = page(preset="meta-2025", price_per_mtok_usd="9")
    assert app.query_params[PRICE] == "9"
    move(app, PRICE, PRESETS["meta-2025"].scenario.price_per_mtok_usd)
    assert PRICE not in app.query_params


def test_a_link_and_a_preset_choice_set_the_sliders(page: Page) -> None:
    app = page(preset="seed-leak", ai_capex_busd_per_year="150")
    values = control_data(app)["values"]
    assert values["ai_capex_busd_per_year"] == 150
    assert values[PRICE] == PRESETS["seed-leak"].scenario.price_per_mtok_usd
    app.selectbox(key="preset_choice").set_value("meta-2025").run()
    want = PRESETS["meta-2025"].scenario
    assert control_data(app)["values"] == {n: getattr(want, n) for n in HEADLINE_FIELDS}
    assert "ai_capex_busd_per_year" not in app.query_params


@pytest.mark.parametrize(
    "button", ["Reset to preset", "Reset all to preset"], ids=["under the curve", "sidebar"]
)
def test_reset_to_preset_moves_the_sliders_back(page: Page, button: str) -> None:
    app = page(preset="meta-2025")
    move(app, PRICE, 30.0)
    next(b for b in app.button if b.label == button).click().run()
    assert control_data(app)["values"][PRICE] == PRESETS["meta-2025"].scenario.price_per_mtok_usd
    assert shown_kpis(app) == expected_kpis(PRESETS["meta-2025"].scenario)
    assert PRICE not in app.query_params
    assert not [info for info in app.info if "Changed from" in info.value]


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ({"seq": 1, "name": PRICE, "value": 101.0, "final": True}, "outside the valid range"),
        ({"seq": 1, "name": PRICE, "value": -0.25, "final": True}, "outside the valid range"),
        ({"seq": 1, "name": PRICE, "value": 10.1, "final": True}, "not a step of the slider"),
        ({"seq": 1, "name": PRICE, "value": math.nan, "final": True}, "not a finite number"),
        ({"seq": 1, "name": PRICE, "value": math.inf, "final": False}, "not a finite number"),
        ({"seq": 1, "name": PRICE, "value": "12", "final": True}, "not a number"),
        ({"seq": 1, "name": PRICE, "value": True, "final": True}, "not a number"),
        ({"seq": 1, "name": PRICE, "value": None, "final": True}, "not a number"),
        ({"seq": 1, "name": "discount_rate_pct", "value": 5.0, "final": True}, "no headline"),
        ({"seq": 1, "name": "<b>x</b>", "value": 5.0, "final": True}, "no headline"),
        ({"seq": 1, "name": PRICE, "value": 6.0, "final": "yes"}, "was released"),
        ({"seq": "1", "name": PRICE, "value": 6.0, "final": True}, "no sequence number"),
        ([1, 2, 3], "something other than a value"),
        ("price_per_mtok_usd=12", "something other than a value"),
    ],
    ids=[
        "above the maximum",
        "below the minimum",
        "off the step",
        "NaN",
        "infinity",
        "a string",
        "a boolean",
        "null",
        "not a headline field",
        "markup as a name",
        "final not a boolean",
        "seq not a number",
        "a list",
        "a string message",
    ],
)
def test_a_tampered_value_is_refused_named_and_the_slider_set_back(
    page: Page, message: object, reason: str
) -> None:
    app = page(preset="meta-2025")
    before = shown_kpis(app)
    send(app, message)
    assert not app.exception
    assert len(app.warning) == 1 and reason in app.warning[0].value
    assert "the slider went back" in app.warning[0].value
    assert shown_kpis(app) == before
    preset = PRESETS["meta-2025"].scenario
    assert control_data(app)["values"] == {n: getattr(preset, n) for n in HEADLINE_FIELDS}
    assert PRICE not in app.query_params
    # Said once; the next good move works as usual.
    move(app, PRICE, 8.0)
    assert not app.warning
    assert shown_kpis(app) == expected_kpis(with_price(8.0))


def test_a_preset_value_between_steps_is_kept_and_can_be_sent_back(page: Page) -> None:
    app = page(preset="meta-2025", price_per_mtok_usd="4.3")
    assert control_data(app)["values"][PRICE] == 4.3
    move(app, PRICE, 4.3)
    assert not app.warning
    assert app.query_params[PRICE] == "4.3"


def test_a_grid_value_in_binary_floating_point_is_read_as_the_step(page: Page) -> None:
    app = page(preset="meta-2025")
    move(app, "ad_conversion_lift_pct", 0.1 * 3)  # 0.30000000000000004, as JavaScript sends it
    assert not app.warning
    assert app.query_params["ad_conversion_lift_pct"] == "0.3"


def test_the_control_talks_only_to_its_own_page_names_no_address_and_loads_nothing() -> None:
    folder = Path(__file__).resolve().parents[2] / "app"
    for name in ("live_sliders.js", "live_sliders.css"):
        # SVG's namespace is a name written as an address; nothing is fetched from it.
        code = (folder / name).read_text(encoding="utf-8").replace(SVG_NAMESPACE, "")
        # A meeting's two routes beside the page (app/stream.py), addressed relative to it.
        code = code.replace("fetch(roomUrl(", "").replace("new EventSource(roomUrl(", "")
        for needle in (
            "http:",
            "https:",
            "//cdn",
            "import ",
            "import(",
            "fetch(",
            "EventSource(",
            "WebSocket(",
            "XMLHttpRequest",
            "@import",
            "url(",
        ):
            assert needle not in code, f"{name} reaches for the network: {needle!r}"
    js = (folder / "live_sliders.js").read_text(encoding="utf-8")
    assert "new URL(`rooms/${encodeURIComponent(id)}/${what}`, window.location.href)" in js


def ask_sweep(app: AppTest, request: object) -> AppTest:
    """The control's request for a sweep, as the browser sets it when a slider is grabbed."""
    app.session_state[LIVE] = {"sweep": request}
    return app.run()


def test_a_grabbed_slider_gets_its_sweep_once_keyed_by_the_other_fields(page: Page) -> None:
    app = ask_sweep(page(preset="meta-2025"), {"name": PRICE, "n": 1})
    data = control_data(app)
    swept = data["sweep"]
    assert swept["name"] == PRICE and swept["key"] == data["keys"][PRICE]
    assert len(swept["values"]) == 401
    # The same request seen again (a rerun for another reason) sends nothing more.
    app.run()
    assert control_data(app)["sweep"] is None
    # Moving the price keeps the price sweep's key; moving another field changes it.
    move(app, PRICE, 30.0)
    assert control_data(app)["keys"][PRICE] == swept["key"]
    move(app, "tokens_per_month_t", 100.0)
    assert control_data(app)["keys"][PRICE] != swept["key"]


def test_a_run_no_move_started_while_the_thumb_is_held_leaves_the_address_bar_waiting(
    page: Page,
) -> None:
    app = move(page(preset="meta-2025"), PRICE, 12.0, final=False)
    # The held slider asks for its sweep: a run of its own, with the thumb still held.
    ask_sweep(app, {"name": PRICE, "n": 1})
    assert control_data(app)["sweep"] is not None
    assert PRICE not in app.query_params
    move(app, PRICE, 12.5)
    assert app.query_params[PRICE] == "12.5"
    # Released, a run for another reason writes the address bar as before.
    ask_sweep(app, {"name": PRICE, "n": 2})
    assert app.query_params[PRICE] == "12.5"


@pytest.mark.parametrize(
    "request_",
    [
        {"name": "discount_rate_pct", "n": 1},
        {"name": "<b>x</b>", "n": 1},
        {"name": PRICE, "n": "1"},
        {"name": PRICE, "n": True},
        {"name": PRICE},
        [PRICE, 1],
        "price_per_mtok_usd",
    ],
    ids=["not headline", "markup", "n a string", "n a boolean", "no n", "a list", "a string"],
)
def test_a_tampered_sweep_request_is_ignored_and_changes_nothing(
    page: Page, request_: object
) -> None:
    app = page(preset="meta-2025")
    before = shown_kpis(app)
    ask_sweep(app, request_)
    assert not app.exception and not app.warning
    assert control_data(app)["sweep"] is None
    assert shown_kpis(app) == before


def test_sweep_data_sent_back_by_the_browser_is_never_read(page: Page) -> None:
    app = page(preset="meta-2025")
    forged = {"name": PRICE, "n": 7, "key": "x", "values": [5.0], "columns": [["$1", "1"]]}
    ask_sweep(app, forged)
    swept = control_data(app)["sweep"]
    assert swept["values"][:2] == [0.0, 0.25] and swept["key"] == control_data(app)["keys"][PRICE]
    assert shown_kpis(app) == expected_kpis(PRESETS["meta-2025"].scenario)
