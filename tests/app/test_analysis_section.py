"""The decision-analysis tabs under AppTest: each renders for every preset, lazily."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from whatif import load_presets
from whatif.analysis import simulate
from whatif.formatting import format_kpi
from whatif.presets import DEFAULT_PRESETS_DIR

PRESETS = load_presets(DEFAULT_PRESETS_DIR).presets
Page = Callable[..., AppTest]

# The seed-leak preset's break-evens as the Break-even tab shows them, written by hand, in
# the order of the headline sliders: the one place to update when that preset changes.
SEED_LEAK_BREAK_EVENS = [
    "303.80 trillion tokens / month",
    "75.95 $ / million tokens",
    "104.98 % more output",
    "no break-even within the valid range",
    "91.24 $B / year",
]


def open_tab(app: AppTest, tab: str) -> AppTest:
    app.session_state["analysis_tab"] = tab
    return app.run()


@pytest.mark.parametrize("preset_id", sorted(PRESETS))
@pytest.mark.parametrize(
    ("tab", "charts"),
    [
        ("Break-even", 0),
        ("Sensitivity", 1),
        ("Break-even map", 1),
        ("Compare", 0),
        ("Uncertainty", 1),
    ],
)
def test_each_analysis_tab_renders_for_every_preset_instead_of_the_overview(
    page: Page, preset_id: str, tab: str, charts: int
) -> None:
    app = open_tab(page(preset=preset_id), tab)
    assert not app.exception
    assert len(app.get("vega_lite_chart")) == charts  # the overview's four are not drawn


def test_the_break_even_table_shows_where_npv_is_zero_for_each_headline_driver(
    page: Page,
) -> None:
    app = open_tab(page(preset="seed-leak"), "Break-even")
    table = app.dataframe[0].value
    assert list(table["NPV is zero at"]) == SEED_LEAK_BREAK_EVENS


def test_the_uncertainty_tab_shows_the_seeded_simulation_of_the_link(page: Page) -> None:
    app = open_tab(page(preset="meta-2025", horizon_years="7"), "Uncertainty")
    preset = PRESETS["meta-2025"]
    simulation = simulate(preset.scenario.model_copy(update={"horizon_years": 7}), preset.ranges)
    shown = {m.label: m.value for m in app.metric}
    p = simulation.percentiles(simulation.result.npv_usd)
    assert shown["NPV, P50"] == format_kpi(p["p50"], "usd")
    assert shown["Probability NPV > 0"] == format_kpi(
        simulation.probability_npv_positive * 100, "pct"
    )


def test_comparing_presets_shows_them_beside_the_current_scenario(page: Page) -> None:
    app = open_tab(page(preset="meta-2025"), "Compare")
    assert "Pick up to four presets" in app.info[0].value
    app.multiselect(key="compare_presets").set_value(["seed-leak", "capex-trap"]).run()
    table = app.dataframe[0].value
    assert list(table["Scenario"]) == [
        "Current scenario",
        "Seed leak at list price",
        "Bear: the capex trap",
    ]
    assert len(app.get("vega_lite_chart")) == 1


def test_a_pasted_bad_link_in_comparison_gets_a_clear_message(page: Page) -> None:
    app = open_tab(page(preset="meta-2025"), "Compare")
    app.text_area(key="compare_links").input(
        "preset=capex-trap&colour=red\nprice_per_mtok_usd=abc"
    ).run()
    assert not app.exception
    messages = [w.value.replace("\\", "") for w in app.warning]
    assert any("Link 1" in m and "colour=red" in m for m in messages)
    assert any("Link 2" in m and "price_per_mtok_usd=abc" in m for m in messages)
    assert list(app.dataframe[0].value["Scenario"]) == [
        "Current scenario",
        "Link 1 (Bear: the capex trap)",
        "Link 2",
    ]


def test_the_map_takes_any_two_drivers_and_refuses_the_same_one_twice(page: Page) -> None:
    app = open_tab(page(preset="seed-leak"), "Break-even map")
    app.selectbox(key="map_x").set_value("horizon_years").run()
    assert len(app.get("vega_lite_chart")) == 1
    app.selectbox(key="map_y").set_value("horizon_years").run()
    assert "two different drivers" in app.info[0].value
