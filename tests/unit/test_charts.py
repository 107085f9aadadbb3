"""Chart builders: fixed valid Vega-Lite specs, rows with no NaN, consistent colours."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import altair as alt
import pytest

from whatif import Result, Scenario, analysis_charts, charts, evaluate, load_presets
from whatif.analysis import compare, npv_grid, sensitivity, simulate
from whatif.presets import DEFAULT_PRESETS_DIR

PRESETS = load_presets(DEFAULT_PRESETS_DIR).presets
EDGES = {
    "no users, costs or revenue": Scenario(
        ai_users=0,
        tokens_per_month_t=0,
        ai_capex_busd_per_year=0,
        revenue_busd=0,
        ad_revenue_busd=0,
        loaded_cost_per_user_kusd=0,
    ),
    "ten years of extreme growth": Scenario(
        horizon_years=10,
        token_growth_pct_per_year=1000,
        price_decline_pct_per_year=0,
        tokens_per_month_t=500,
        price_per_mtok_usd=100,
    ),
    "the largest company and gains": Scenario(
        horizon_years=10,
        productivity_gain_pct=1000,
        ai_users=1_000_000,
        loaded_cost_per_user_kusd=5000,
        ai_capex_busd_per_year=300,
    ),
}
BUILDERS = [
    charts.income_bridge,
    charts.cumulative_cash,
    charts.margin_by_year,
    charts.benefits_and_costs,
]


@pytest.mark.parametrize(
    "scenario", [*EDGES.values(), *(p.scenario for p in PRESETS.values())], ids=[*EDGES, *PRESETS]
)
@pytest.mark.parametrize("builder", BUILDERS, ids=lambda b: b.__name__)
def test_each_overview_chart_is_valid_vega_lite_with_finite_rows(
    scenario: Scenario, builder: Callable[[Result], charts.Drawing]
) -> None:
    drawing = builder(evaluate(scenario))
    spec = drawing.to_dict()
    json.dumps(spec, allow_nan=False)  # no NaN or infinity reaches the browser
    (alt.LayerChart if "layer" in spec else alt.Chart).from_dict(spec)  # validates
    assert drawing.caption and spec["title"]["text"].endswith("?")


def _font_sizes(node: object) -> list[float]:
    if isinstance(node, dict):
        own = [v for k, v in node.items() if k.lower().endswith("fontsize")]
        return own + [size for v in node.values() for size in _font_sizes(v)]
    if isinstance(node, list):
        return [size for item in node for size in _font_sizes(item)]
    return []


def _legends(node: object) -> list[dict[str, object]]:
    if isinstance(node, dict):
        own = [node["legend"]] if isinstance(node.get("legend"), dict) else []
        return own + [legend for v in node.values() for legend in _legends(v)]
    if isinstance(node, list):
        return [legend for item in node for legend in _legends(item)]
    return []


@pytest.mark.parametrize("builder", BUILDERS, ids=lambda b: b.__name__)
def test_on_the_big_screen_every_chart_text_is_16_px_or_more_and_legends_sit_beside(
    builder: Callable[[Result], charts.Drawing],
) -> None:
    drawing = builder(evaluate(Scenario()))
    big = charts.for_big_screen(drawing.to_dict(), 1.6)
    (alt.LayerChart if "layer" in big else alt.Chart).from_dict(big)  # still valid
    assert min(_font_sizes({**big, "datasets": {}})) >= 16
    legends = [legend for legend in _legends(big) if legend.get("orient")]
    assert all(legend["orient"] == "right" for legend in legends)


def test_the_bridge_stands_its_step_names_upright_and_drops_amounts_when_narrow() -> None:
    spec = charts.income_bridge(evaluate(Scenario())).spec
    axis = spec["layer"][0]["encoding"]["x"]["axis"]
    assert axis["labelAngle"] == {"expr": f"width < {charts.NARROW_PX} ? -90 : 0"}
    assert spec["layer"][1]["mark"]["opacity"] == {"expr": f"width < {charts.NARROW_PX} ? 0 : 1"}


def test_a_chart_spec_is_the_same_for_every_scenario_only_rows_differ() -> None:
    a = charts.income_bridge(evaluate(Scenario()))
    b = charts.income_bridge(evaluate(PRESETS["seed-leak"].scenario))
    assert a.spec == b.spec and a.datasets != b.datasets


def test_the_bridge_shows_ad_growth_apart_from_conversions_on_its_way_to_income_with_ai() -> None:
    result = evaluate(PRESETS["meta-2025"].scenario)
    rows = charts.income_bridge(result).datasets["bridge"]
    assert [r["step"] for r in rows] == [
        "Baseline",
        "+ Productivity",
        "+ Ad growth",
        "+ Conversions",
        "− Tokens",
        "− AI opex",
        "− Depreciation",
        "= With AI",
    ]
    year = result.years[0]
    growth, conversions = rows[2], rows[3]
    assert (growth["end_b"] - growth["start_b"]) * 1e9 == pytest.approx(year.ad_growth_profit_usd)
    assert (conversions["end_b"] - conversions["start_b"]) * 1e9 == pytest.approx(
        year.ad_conversion_profit_usd
    )
    opex = rows[5]
    assert (opex["start_b"] - opex["end_b"]) * 1e9 == pytest.approx(result.years[0].ai_opex_usd)
    assert rows[-1]["end_b"] == pytest.approx(rows[-2]["end_b"])
    assert rows[-1]["end_b"] * 1e9 == pytest.approx(result.years[0].operating_income_with_ai_usd)


def test_the_cash_chart_marks_payback_only_when_there_is_one() -> None:
    paying = charts.cumulative_cash(evaluate(PRESETS["seed-leak"].scenario))
    assert paying.datasets["payback"][0]["label"] == "Payback: month 1"
    losing = charts.cumulative_cash(evaluate(Scenario()))
    assert losing.datasets["payback"] == [] and "No payback within 5 years" in losing.caption


def test_the_cash_chart_says_it_is_cash_alone_where_npv_and_roi_also_count_book_value() -> None:
    drawn = charts.cumulative_cash(evaluate(PRESETS["meta-2025"].scenario))
    assert drawn.caption == (
        "No payback within 5 years; benefits ramp up over the first 12 months. Cash only: "
        "NPV and ROI also count the capex's book value left after year 5."
    )


def test_the_cash_chart_marks_where_the_ramp_reaches_full_benefits() -> None:
    ramped = charts.cumulative_cash(evaluate(PRESETS["meta-2025"].scenario))
    assert ramped.datasets["ramp"] == [{"month": 12, "label": "Full benefits from month 12"}]
    assert "ramp up over the first 12 months" in ramped.caption
    assert charts.cumulative_cash(evaluate(Scenario())).datasets["ramp"] == []
    beyond = Scenario(benefit_ramp_months=60, horizon_years=2)
    assert charts.cumulative_cash(evaluate(beyond)).datasets["ramp"] == []


def test_ai_opex_has_its_own_colour_among_the_costs() -> None:
    flows = charts.benefits_and_costs(evaluate(PRESETS["meta-2025"].scenario)).datasets["flows"]
    opex = [r for r in flows if r["quantity"] == "AI opex"]
    assert [r["side"] for r in opex] == ["Costs"] * 5
    assert opex[0]["usd_b"] == pytest.approx(3.0)
    assert "AI opex" in charts.COLOURS


def test_token_spend_is_split_vendor_and_in_house_only_with_an_in_house_share() -> None:
    plain = charts.benefits_and_costs(evaluate(Scenario()))
    split = charts.benefits_and_costs(evaluate(PRESETS["vertical-integration"].scenario))
    assert {r["quantity"] for r in plain.datasets["flows"]} >= {"Token spend"}
    assert {"Token spend (vendor)", "Token spend (in-house)"} <= {
        r["quantity"] for r in split.datasets["flows"]
    }


def test_a_quantity_has_the_same_colour_in_every_chart() -> None:
    found: dict[str, set[str]] = {}

    def collect(node: object) -> None:
        if isinstance(node, dict):
            scale = node.get("scale")
            if isinstance(scale, dict) and "domain" in scale and "range" in scale:
                for name, colour in zip(scale["domain"], scale["range"], strict=True):
                    found.setdefault(name, set()).add(colour)
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    result = evaluate(PRESETS["vertical-integration"].scenario)
    for builder in BUILDERS:
        collect(builder(result).spec)
    assert all(len(colours) == 1 for colours in found.values()), found
    assert found["With AI"] == {charts.COLOURS["With AI"]}


# Where each edge scenario's own NPV sits among 500 draws, as the histogram says it: 100.0
# and 0.0 read as the 99th and the 1st (the ends are clamped), 98.2 as the 98th.
HEADLINE_MARKS = {
    "no users, costs or revenue": "This scenario: the 99th percentile",
    "ten years of extreme growth": "This scenario: the 1st percentile",
    "the largest company and gains": "This scenario: the 98th percentile",
}


def rows_of(chart: alt.TopLevelMixin) -> list[list[dict[str, Any]]]:
    """The data rows a chart sends the browser, one list per dataset, checked as valid JSON."""
    spec = chart.to_dict()
    json.dumps(spec, allow_nan=False)  # no NaN or infinity reaches the browser
    return list(spec["datasets"].values())


@pytest.mark.parametrize("edge", EDGES)
def test_the_analysis_charts_carry_every_result_even_for_edge_scenarios(edge: str) -> None:
    scenario = EDGES[edge]
    npv = evaluate(scenario).kpis.npv_usd
    swings = sensitivity(scenario)
    levers = [s for s in swings if not s.is_setting]
    bars, base = rows_of(analysis_charts.tornado(swings, npv))
    # The twelve largest lever swings, low and high end each, in order, around today's NPV;
    # the evaluation settings are left out.
    assert [(r["rank"], r["end"]) for r in bars] == [
        (rank, end)
        for rank in range(12)
        for end in ("Driver at its low value", "Driver at its high value")
    ]
    assert [r["npv_b"] for r in bars[:2]] == [
        levers[0].npv_low_usd / 1e9,
        levers[0].npv_high_usd / 1e9,
    ]
    assert base == [{"x": npv / 1e9}]

    grid = npv_grid(scenario)
    cells = rows_of(analysis_charts.npv_map(grid, scenario))[0]
    assert [c["npv_b"] for c in cells] == pytest.approx(list(grid.npv_usd.ravel() / 1e9))

    (compared,) = rows_of(analysis_charts.comparison(compare([("a", scenario), ("b", Scenario())])))
    assert [r["scenario"] for r in compared] == ["a"] * 4 + ["b"] * 4
    assert [r["metric"] for r in compared[:4]] == [
        "NPV",
        "Token spend",
        "Operating impact",
        "EPS impact",
    ]
    assert (compared[0]["metric"], compared[0]["value"]) == ("NPV", npv / 1e9)

    simulation = simulate(scenario, draws=500)
    bins, marks, (here,) = rows_of(analysis_charts.npv_histogram(simulation))
    assert sum(b["share"] for b in bins) == pytest.approx(1.0)  # every draw is in a bin
    assert [m["label"] for m in marks] == ["P10", "P50", "P90"]
    # The scenario's own NPV is marked too, with the percentile at which it sits.
    assert here["x"] == npv / 1e9
    assert here["label"] == HEADLINE_MARKS[edge]


def all_rows(chart: alt.TopLevelMixin) -> list[dict[str, object]]:
    """Every data row of a chart (its layers' and its datasets')."""
    spec = chart.to_dict()
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def test_the_tornado_ranks_business_levers_and_leaves_out_the_settings() -> None:
    preset = PRESETS["meta-2025"]
    drivers = {
        str(row.get("driver"))
        for row in all_rows(
            analysis_charts.tornado(
                sensitivity(preset.scenario, preset.ranges),
                evaluate(preset.scenario).kpis.npv_usd,
            )
        )
    }
    assert any(d.startswith("AI capex growth (0% to 20% a year)") for d in drivers)
    assert any(d.startswith("AI-driven ad growth (1% to 7% a year)") for d in drivers)
    assert not any(
        d.startswith(("Horizon", "Server useful life", "Discount rate")) for d in drivers
    )


def test_the_comparison_puts_each_unit_and_horizon_in_its_own_panel() -> None:
    items = compare([(p.name, p.scenario) for p in PRESETS.values()])
    chart = analysis_charts.comparison(items)
    spec = chart.to_dict()
    assert spec["resolve"]["scale"]["y"] == "independent"
    # Shared across panels, the offset scale draws every bar one pixel wide.
    assert spec["resolve"]["scale"]["xOffset"] == "independent"
    panels = {(row["panel"], row["metric"]) for row in all_rows(chart)}
    assert panels == {
        ("NPV over the horizon, $B", "NPV"),
        ("Year 1, $B", "Token spend"),
        ("Year 1, $B", "Operating impact"),
        ("EPS impact, year 1, $ / share", "EPS impact"),
    }


def test_the_histogram_marks_the_current_scenario_with_its_percentile() -> None:
    preset = PRESETS["meta-2025"]
    simulation = simulate(preset.scenario, preset.ranges, draws=2000)
    rows = all_rows(analysis_charts.npv_histogram(simulation))
    (here,) = [row for row in rows if str(row.get("label", "")).startswith("This scenario")]
    assert here["x"] == pytest.approx(simulation.headline_npv_usd / 1e9)
    assert here["label"] == "This scenario: the 50th percentile"
