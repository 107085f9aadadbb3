"""The decision-analysis tabs under AppTest: each renders for every preset, lazily."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from whatif import load_presets
from whatif.analysis import break_evens, percentiles, simulate
from whatif.formatting import format_kpi, percentile_text
from whatif.presets import DEFAULT_PRESETS_DIR
from whatif.reports import break_even_sentence
from whatif.scenario_sets import Member, resolve, weigh

PRESETS = load_presets(DEFAULT_PRESETS_DIR).presets
Page = Callable[..., AppTest]

# The seed-leak preset's break-evens as the Break-even tab says them, written by hand, one
# per business lever in the order of the sliders: the one place to update when that preset
# changes. Its point is to stay positive, so each says how far a lever can move first.
SEED_LEAK_BREAK_EVENS = [
    "NPV stays positive while token volume is at most 304 trillion tokens a month (now 60"
    " trillion tokens a month)",
    "NPV stays positive while price per million tokens is at most $75.95 / million tokens"
    " (now $15.00 / million tokens)",
    "NPV stays positive while productivity gain is at least 105% more output (now 400%"
    " more output)",
    "NPV stays positive for any ad-conversion lift from 0% to 20% more conversions (now"
    " 2% more conversions)",
    "NPV stays positive while AI capex is at most $91.2B / year (now $14.0B / year)",
    "NPV stays positive while token volume growth is at most 76.6% a year (now 0% a year)",
    "NPV stays positive for any token price decline from 0% to 99% a year (now 0% a year)",
    "NPV stays positive for any in-house share of tokens from 0% to 100% of tokens (now"
    " 0% of tokens)",
    "NPV stays positive for any in-house cost per million tokens from $0.00 to $100.00 /"
    " million tokens (now $1.00 / million tokens)",
    "NPV stays positive while AI users is at least 22,308 employees (now 85,000 employees)",
    "NPV stays positive while loaded cost per user is at least $131K / year (now $500K / year)",
    "NPV stays positive while productivity realised as money is at least 9.19% of the"
    " gain (now 35% of the gain)",
    "NPV stays positive for any ad revenue from $0.00 to $201B / year (now $196B / year)",
    "NPV stays positive for any margin on extra ad revenue from 0% to 100% (now 80%)",
    "NPV stays positive for any total revenue from $196B to $5.00T / year (now $201B / year)",
    "NPV stays positive for any baseline operating margin from -100% to 100% (now 41.4%)",
    "NPV stays positive for any benefit ramp-up from 0 to 60 months (now 0 months)",
    "NPV stays positive while other AI operating cost is at most $43.9B / year (now $0.00 / year)",
    "NPV stays positive while AI capex growth is at most 164% a year (now 0% a year)",
    "NPV stays positive for any capex charged to this programme from 0% to 100% of AI"
    " capex (now 100% of AI capex)",
    "NPV stays positive for any company growth without this programme from -50% to 100% a"
    " year (now 0% a year)",
    "NPV stays positive for any AI-driven ad growth from 0% to 50% a year (now 0% a year)",
    "NPV stays positive for any buildings share of capex from 0% to 90% of capex (now 0% of capex)",
    "NPV stays positive for any time to enter service from 0 to 36 months (now 0 months)",
]


def open_tab(app: AppTest, tab: str) -> AppTest:
    app.session_state["analysis_tab"] = tab
    return app.run()


@pytest.mark.parametrize("preset_id", sorted(PRESETS))
@pytest.mark.parametrize(
    ("tab", "charts", "words"),
    [
        ("Break-even", 0, "What would you need to believe for this to pay?"),
        ("Sensitivity", 1, "Lows and highs"),
        ("Break-even map", 1, "Across"),
        ("Compare", 0, "Pick up to four presets or paste links"),
        ("Uncertainty", 1, "Probability NPV > 0"),
    ],
)
def test_each_analysis_tab_renders_for_every_preset_instead_of_the_overview(
    page: Page, preset_id: str, tab: str, charts: int, words: str
) -> None:
    app = open_tab(page(preset=preset_id), tab)
    assert not app.exception
    assert len(app.get("vega_lite_chart")) == charts  # the overview's four are not drawn
    # The tab's own content is there, not just an empty panel.
    texts = [
        *(e.value for e in [*app.markdown, *app.caption, *app.info]),
        *(e.label for e in [*app.metric, *app.selectbox]),
    ]
    assert any(words in str(text) for text in texts), texts


def test_the_break_even_tab_says_how_far_each_seed_leak_lever_can_move(page: Page) -> None:
    app = open_tab(page(preset="seed-leak"), "Break-even")
    shown = app.markdown[-1].value.replace("\\", "")
    for sentence in SEED_LEAK_BREAK_EVENS:
        assert sentence in shown, sentence
    assert shown.count("NPV stays positive") == len(SEED_LEAK_BREAK_EVENS)  # and no more


def test_the_break_even_tab_says_what_you_need_to_believe_for_every_lever(page: Page) -> None:
    app = open_tab(page(preset="meta-2025"), "Break-even")
    shown = app.markdown[-1].value.replace("\\", "")
    for found in break_evens(PRESETS["meta-2025"].scenario):
        assert break_even_sentence(found) in shown
    assert "NPV turns positive if AI capex is at most $102B / year (now $135B / year)" in shown
    # Beliefs to test come before the levers that cannot turn NPV positive.
    assert shown.index("turns positive if") < shown.index("turns NPV positive")


def test_the_uncertainty_tab_shows_the_seeded_simulation_of_the_link(page: Page) -> None:
    app = open_tab(page(preset="meta-2025", horizon_years="7"), "Uncertainty")
    preset = PRESETS["meta-2025"]
    simulation = simulate(
        preset.scenario.model_copy(update={"horizon_years": 7}),
        preset.ranges,
        correlations=preset.correlations,
    )
    shown = {m.label: m.value for m in app.metric}
    p = percentiles(simulation.result.npv_usd)
    assert shown["NPV, P50"] == format_kpi(p["p50"], "usd")
    assert shown["Probability NPV > 0"] == format_kpi(
        simulation.probability_npv_positive * 100, "pct"
    )


def test_comparing_presets_shows_them_beside_the_current_scenario(page: Page) -> None:
    app = open_tab(page(preset="meta-2025"), "Compare")
    assert "Pick up to four presets" in app.info[0].value
    app.multiselect(key="compare_presets").set_value(["seed-leak", "capex-trap"]).run()
    table = app.dataframe[0].value
    # One column per scenario (so the table fits), one row per KPI.
    assert list(table.columns) == [
        "KPI",
        "Current scenario",
        "Seed leak at list price",
        "Bear: the capex trap",
    ]
    assert "EPS impact, year 1 ($ / share)" in list(table["KPI"])
    assert len(app.get("vega_lite_chart")) == 1
    assert app.query_params["compare"] == "seed-leak,capex-trap"


def test_a_pasted_bad_link_in_comparison_gets_a_clear_message(page: Page) -> None:
    app = open_tab(page(preset="meta-2025"), "Compare")
    app.text_area(key="compare_links").input(
        "preset=capex-trap&colour=red\nprice_per_mtok_usd=abc\nPlease also compare the bull case"
    ).run()
    assert not app.exception
    messages = [w.value.replace("\\", "") for w in app.warning]
    assert any("Link 1" in m and "colour=red" in m for m in messages)
    assert any("Link 2" in m and "price_per_mtok_usd=abc" in m for m in messages)
    assert any("Line 3" in m and "not a link" in m for m in messages)
    assert list(app.dataframe[0].value.columns)[1:] == [
        "Current scenario",
        "Link 1 (Bear: the capex trap)",
        "Link 2 (Meta FY2025, evidence-based)",  # names no preset: the default one
    ]


def test_a_weighted_set_from_the_link_shows_its_expected_values(page: Page) -> None:
    app = open_tab(
        page(preset="meta-2025", compare="seed-leak,meta-2025,capex-trap", weights="25,50,25"),
        "Compare",
    )
    assert not app.exception
    ids = ["seed-leak", "meta-2025", "capex-trap"]
    assert app.multiselect(key="compare_presets").value == ids
    members = [resolve(i, PRESETS) for i in ids]
    weighed = weigh([m for m in members if isinstance(m, Member)], [25, 50, 25])
    shown = {m.label: m.value for m in app.metric}
    assert shown["Expected NPV"] == format_kpi(weighed.expected["npv_usd"], "usd")
    assert shown["Expected ROI"] == format_kpi(weighed.expected["roi_pct"], "pct")
    for key in ("p10", "p50", "p90"):
        assert shown[f"NPV, {key.upper()} (pooled)"] == format_kpi(
            weighed.pooled_npv_usd[key], "usd"
        )
    table = app.dataframe[0].value
    assert list(table.iloc[0]) == ["Probability weight", "", "25%", "50%", "25%", "100%"]
    assert table.columns[-1] == "Expected"


def test_weights_that_do_not_add_up_are_refused_with_a_message(page: Page) -> None:
    app = open_tab(page(preset="meta-2025"), "Compare")
    app.multiselect(key="compare_presets").set_value(["seed-leak", "capex-trap"]).run()
    app.text_input(key="compare_weights").input("60,30").run()
    messages = [w.value.replace("\\", "") for w in app.warning]
    assert any("add up to 100" in m for m in messages)
    assert not any(m.label.startswith("Expected") for m in app.metric)
    app.text_input(key="compare_weights").input("60,forty").run()
    assert any("'forty' is not" in w.value.replace("\\", "") for w in app.warning)
    app.text_input(key="compare_weights").input("60,40").run()
    assert any(m.label == "Expected NPV" for m in app.metric)
    assert app.query_params["weights"] == "60,40"


def test_the_histogram_caption_says_where_the_headline_sits(page: Page) -> None:
    app = open_tab(page(preset="meta-2025"), "Uncertainty")
    preset = PRESETS["meta-2025"]
    simulation = simulate(preset.scenario, preset.ranges, correlations=preset.correlations)
    captions = " ".join(c.value.replace("\\", "") for c in app.caption)
    assert f"the headline is {percentile_text(simulation.headline_percentile)}" in captions
    assert "the headline is the 50th percentile" in captions
    assert "a central case" in captions and "not a central case" not in captions


def test_the_map_takes_any_two_drivers_and_refuses_the_same_one_twice(page: Page) -> None:
    app = open_tab(page(preset="seed-leak"), "Break-even map")
    app.selectbox(key="map_x").set_value("horizon_years").run()
    assert len(app.get("vega_lite_chart")) == 1
    app.selectbox(key="map_y").set_value("horizon_years").run()
    assert "two different drivers" in app.info[0].value


def test_sensitivity_ranks_business_levers_and_shows_settings_apart(page: Page) -> None:
    app = open_tab(page(preset="meta-2025"), "Sensitivity")
    assert len(app.get("vega_lite_chart")) == 1  # the tornado, of levers (tests/unit)
    settings = list(app.dataframe[0].value["Setting"])
    assert {"Horizon", "Discount rate", "Server useful life"} <= set(settings)
    assert any("Evaluation settings" in m.value for m in app.markdown)


def test_an_impossible_correlation_matrix_is_named_on_the_page_and_the_rest_works(
    page: Page, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(DEFAULT_PRESETS_DIR, tmp_path / "presets")
    ranges = {name: [10, 90] for name in ("token_growth_pct_per_year", "in_house_share_pct")}
    ranges["price_decline_pct_per_year"] = [20, 80]
    pairs = [
        ("price_decline_pct_per_year", "token_growth_pct_per_year", 0.7),
        ("token_growth_pct_per_year", "in_house_share_pct", 0.7),
        ("price_decline_pct_per_year", "in_house_share_pct", -0.7),
    ]
    document = {
        "name": "Impossible",
        "description": "Three drivers that cannot move together this way.",
        "extends": "meta-2025",
        "ranges": ranges,
        "correlations": [{"fields": [a, b], "rank": r, "source": "x"} for a, b, r in pairs],
    }
    (tmp_path / "presets" / "impossible.json").write_text(json.dumps(document, indent=2))
    monkeypatch.setenv("WHATIF_PRESETS_DIR", str(tmp_path / "presets"))
    app = open_tab(page(preset="meta-2025"), "Uncertainty")
    assert not app.exception
    error = app.error[0].value.replace("\\", "")
    assert "impossible.json" in error and "field correlations.2" in error
    assert "price_decline_pct_per_year ~ in_house_share_pct" in error
    assert "not positive definite" in error
    assert len(app.get("vega_lite_chart")) == 1  # meta-2025's histogram still draws


def test_a_presets_correlations_are_named_under_the_histogram(
    page: Page, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(DEFAULT_PRESETS_DIR, tmp_path / "presets")
    document = {
        "name": "Capex booms together",
        "description": "The evidence case, with capex and its growth rising together.",
        "extends": "meta-2025",
        "correlations": [
            {
                "fields": ["ai_capex_busd_per_year", "capex_growth_pct_per_year"],
                "rank": 0.6,
                "source": "Guidance raised in the same quarters",
            }
        ],
    }
    (tmp_path / "presets" / "booms.json").write_text(json.dumps(document, indent=2))
    monkeypatch.setenv("WHATIF_PRESETS_DIR", str(tmp_path / "presets"))
    app = open_tab(page(preset="booms"), "Uncertainty")
    assert not app.exception and not app.error
    captions = " ".join(c.value.replace("\\", "") for c in app.caption)
    assert "rank-correlated as the preset states" in captions
    assert "AI capex with AI capex growth (rank +0.60" in captions
    assert "Guidance raised in the same quarters" in captions
