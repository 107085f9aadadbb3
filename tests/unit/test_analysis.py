"""Decision analysis: the batch evaluator, break-even, tornado, map, comparison, Monte Carlo."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import scenarios
from whatif import FIELDS, FIELDS_BY_NAME, HEADLINE_FIELDS, Scenario, evaluate, load_presets
from whatif.analysis import (
    EVALUATION_SETTINGS,
    LEVERS,
    SETTINGS,
    break_even,
    break_evens,
    compare,
    driver_range,
    find_roots,
    monte_carlo_table,
    npv_grid,
    percentile_rank,
    percentiles,
    sensitivity,
    simulate,
    varied_fields,
)
from whatif.batch import Array, BatchResult, evaluate_batch, scenario_table
from whatif.presets import DEFAULT_PRESETS_DIR

PRESETS = load_presets(DEFAULT_PRESETS_DIR).presets


def changed(s: Scenario, **values: float) -> Scenario:
    """The scenario with some fields replaced, validated (3.0 years reads as 3)."""
    return Scenario.model_validate(s.model_dump() | values)


def close(a: float | None, b: float | None, scale: float) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9 * scale)


@settings(max_examples=150, deadline=None)
@given(st.lists(scenarios(), min_size=1, max_size=4))
def test_the_batch_evaluator_agrees_with_evaluate_scenario_by_scenario(
    batch: list[Scenario],
) -> None:
    table = {
        spec.name: np.array([getattr(s, spec.name) for s in batch], dtype=float) for spec in FIELDS
    }
    result = evaluate_batch(table)
    for i, s in enumerate(batch):
        evaluated = evaluate(s)
        kpis = evaluated.kpis
        scale = max(
            1.0,
            abs(kpis.npv_usd),
            abs(kpis.book_value_end_usd),
            sum(abs(y.token_spend_usd) + y.capex_usd + y.ai_opex_usd for y in evaluated.years),
        )
        assert close(BatchResult.value(result.npv_usd[i]), kpis.npv_usd, scale)
        roi = BatchResult.value(result.roi_pct[i])
        assert (roi is None) == (kpis.roi_pct is None)
        if roi is not None and kpis.roi_pct is not None:
            assert roi == pytest.approx(kpis.roi_pct, rel=1e-6, abs=1e-6)
        margin = BatchResult.value(result.margin_impact_year1_pp[i])
        assert (margin is None) == (kpis.margin_impact_year1_pp is None)
        if margin is not None and kpis.margin_impact_year1_pp is not None:
            assert margin == pytest.approx(kpis.margin_impact_year1_pp, rel=1e-6, abs=1e-6)
        assert close(
            float(result.eps_impact_year1_usd[i]),
            kpis.eps_impact_year1_usd,
            scale / (s.diluted_shares_b * 1e9),
        )


# Which business levers (LEVERS) each shipped preset breaks even on: NPV crosses zero
# somewhere in the lever's valid range, the others held. Written out so that a change in a
# preset, or in the root finder, that gains or loses a break-even shows here; update it with
# the presets.
BREAKS_EVEN: dict[str, set[str]] = {
    "capex-trap": {"ai_ad_growth_pct_per_year"},
    "meta-2025": {
        "productivity_gain_pct",
        "ad_conversion_lift_pct",
        "ai_capex_busd_per_year",
        "ai_users",
        "loaded_cost_per_user_kusd",
        "capex_growth_pct_per_year",
        "capex_attributed_pct",
        "baseline_growth_pct_per_year",
        "ai_ad_growth_pct_per_year",
        "buildings_share_pct",
        "in_service_lag_months",
    },
    "seed-leak": {
        "tokens_per_month_t",
        "price_per_mtok_usd",
        "productivity_gain_pct",
        "ai_capex_busd_per_year",
        "token_growth_pct_per_year",
        "ai_users",
        "loaded_cost_per_user_kusd",
        "productivity_realization_pct",
        "ai_opex_busd_per_year",
        "capex_growth_pct_per_year",
    },
    "vertical-integration": {
        "token_growth_pct_per_year",
        "ad_revenue_busd",
        "ad_lift_incremental_margin_pct",
        "ai_opex_busd_per_year",
        "capex_growth_pct_per_year",
        "baseline_growth_pct_per_year",
        "ai_ad_growth_pct_per_year",
    },
}
SCAN_POINTS = 5001


def scanned_npv(scenario: Scenario, field: str) -> tuple[Array, Array]:
    """NPV at 5,001 evenly spaced values of `field` over the range break-even searches (its
    valid range, and for revenue and ad revenue the rule between them), others held.

    Independent of the break-even's own grid and refinement; the batch it uses is
    tied to evaluate() at the range's two ends here (and everywhere by a property test).
    """
    found = break_even(scenario, field)
    spec = FIELDS_BY_NAME[field]
    assert spec.minimum <= found.low < found.high <= spec.maximum
    xs = np.linspace(found.low, found.high, SCAN_POINTS)
    npv = evaluate_batch(scenario_table(scenario, {field: xs}, SCAN_POINTS)).npv_usd
    for i in (0, -1):
        at_end = evaluate(changed(scenario, **{field: float(xs[i])})).kpis.npv_usd
        assert npv[i] == pytest.approx(at_end, rel=1e-9, abs=1.0)
    return xs, npv


def break_even_cases(must: bool) -> list[tuple[str, str]]:
    return [
        (preset_id, field)
        for preset_id, fields in sorted(BREAKS_EVEN.items())
        for field in LEVERS
        if (field in fields) is must
    ]


def test_the_break_even_table_names_every_shipped_preset() -> None:
    assert set(BREAKS_EVEN) == set(PRESETS)


@pytest.mark.parametrize("preset_id", sorted(BREAKS_EVEN))
def test_each_preset_breaks_even_on_the_levers_it_names_in_lever_order(
    preset_id: str,
) -> None:
    found = break_evens(PRESETS[preset_id].scenario)
    assert [b.field for b in found] == list(LEVERS)
    assert {b.field for b in found if b.value is not None} == BREAKS_EVEN[preset_id]


@pytest.mark.parametrize(("preset_id", "field"), break_even_cases(must=True))
def test_a_break_even_is_the_npv_root_nearest_the_current_value(preset_id: str, field: str) -> None:
    scenario = PRESETS[preset_id].scenario
    found = break_even(scenario, field)
    assert found.value is not None, f"{preset_id} no longer breaks even on {field}"
    xs, npv = scanned_npv(scenario, field)
    # Each step of the scan where NPV changes sign (or touches zero) holds a root.
    steps = np.flatnonzero(np.sign(npv[:-1]) * np.sign(npv[1:]) <= 0)
    assert steps.size, "the scan finds no sign change"
    # A whole-number field's break-even is rounded to the positive side: within one.
    slack = 1.0 if FIELDS_BY_NAME[field].is_int else 0.0
    inside = [k for k in steps if xs[k] - slack <= found.value <= xs[k + 1] + slack]
    assert inside, f"{found.value} lies in no step where NPV changes sign"
    k = inside[0]
    at_root = evaluate(changed(scenario, **{field: found.value})).kpis.npv_usd
    if FIELDS_BY_NAME[field].is_int:
        # The first whole number on the positive side: one step back, NPV is negative.
        back = found.value - 1 if found.rising else found.value + 1
        assert at_root >= 0 > evaluate(changed(scenario, **{field: back})).kpis.npv_usd
    else:
        # NPV there is no further from zero than at the step's two ends.
        assert abs(at_root) <= max(abs(npv[k]), abs(npv[k + 1]))
        # It rises with the field there exactly when the step's NPV does.
        assert found.rising is bool(npv[k + 1] > npv[k])
    # Of several roots, the one reported is nearest the current value (to a scan step).
    nearest = min(min(abs(xs[j] - found.current), abs(xs[j + 1] - found.current)) for j in steps)
    assert abs(found.value - found.current) <= nearest + (xs[1] - xs[0]) + slack


@pytest.mark.parametrize(("preset_id", "field"), break_even_cases(must=False))
def test_no_break_even_means_npv_keeps_one_sign_over_the_whole_range(
    preset_id: str, field: str
) -> None:
    scenario = PRESETS[preset_id].scenario
    assert break_even(scenario, field).value is None
    _, npv = scanned_npv(scenario, field)
    assert np.all(npv > 0) or np.all(npv < 0)


def test_levers_and_settings_split_every_field_and_take_v3_names_when_they_arrive() -> None:
    assert sorted(LEVERS + SETTINGS) == sorted(spec.name for spec in FIELDS)
    assert LEVERS[:5] == HEADLINE_FIELDS and "capex_growth_pct_per_year" in LEVERS
    assert {"horizon_years", "discount_rate_pct", "server_life_years"} <= set(SETTINGS)
    assert {"tax_rate_pct", "diluted_shares_b"} <= set(SETTINGS)
    # Model v3's drivers are levers by default; its lives and multiple are settings by name.
    assert {"buildings_life_years", "pe_multiple"} <= EVALUATION_SETTINGS
    assert [b.field for b in break_evens(Scenario())] == list(LEVERS)


def test_break_even_says_which_way_npv_moves_and_where_it_searched() -> None:
    capex = break_even(PRESETS["meta-2025"].scenario, "ai_capex_busd_per_year")
    assert capex.rising is False and capex.value == pytest.approx(101.663, abs=0.005)
    assert (capex.low, capex.high) == (0, 300) and capex.npv_now_usd < 0
    users = break_even(PRESETS["seed-leak"].scenario, "ai_users")
    assert users.rising is True and users.value == 22_308


def test_the_seed_leak_breaks_even_at_about_105_pct_productivity() -> None:
    found = break_even(PRESETS["seed-leak"].scenario, "productivity_gain_pct")
    assert found.value == pytest.approx(104.977, abs=0.01)
    assert found.current == 400


def test_the_evidence_case_loses_money_at_any_token_volume() -> None:
    # Tokens only add cost, so there is no break-even, and the scan agrees.
    assert break_even(Scenario(), "tokens_per_month_t").value is None
    _, npv = scanned_npv(Scenario(), "tokens_per_month_t")
    assert np.all(npv < 0)


@pytest.mark.parametrize(
    ("f", "roots"),
    [
        (lambda x: x - 3.3, [3.3]),  # monotone
        (lambda x: (x - 2.2) * (x - 7.7), [2.2, 7.7]),  # non-monotone: two crossings
        (np.sin, [0.0, math.pi, 2 * math.pi, 3 * math.pi]),  # one on the grid
        (lambda x: x**2 + 1, []),  # never crosses
        (lambda x: np.exp(x) - 1000, [math.log(1000)]),  # strongly curved
        (lambda x: x - 9.99, [9.99]),  # inside the last grid step
        (lambda x: x - 0.01, [0.01]),  # inside the first grid step
        (lambda x: (x - 0.01) * (x - 9.99), [0.01, 9.99]),  # one in each end step
        (lambda x: x - 10.0, [10.0]),  # exactly at the high end
        (lambda x: 10.0 - x, [10.0]),  # at the high end, falling
        (lambda x: x, [0.0]),  # exactly at the low end
    ],
)
def test_the_root_finder_brackets_every_crossing_on_monotone_and_other_curves(
    f: object, roots: list[float]
) -> None:
    found = find_roots(f, 0.0, 10.0)  # type: ignore[arg-type]
    assert found == pytest.approx(roots, abs=1e-7)


def test_break_even_reports_the_root_nearest_the_current_value() -> None:
    # NPV(x) for the productivity gain is linear; place the current value far from the root.
    s = PRESETS["meta-2025"].scenario
    root = break_even(s, "productivity_gain_pct").value
    assert root is not None
    for current in (-50.0, 1000.0):
        assert break_even(
            changed(s, productivity_gain_pct=current), "productivity_gain_pct"
        ).value == pytest.approx(root, abs=1e-6)


def test_the_tornado_moves_npv_with_the_ramp_ai_opex_and_capex_growth() -> None:
    preset = PRESETS["meta-2025"]
    swings = {s.field: s for s in sensitivity(preset.scenario, preset.ranges)}
    for name in ("benefit_ramp_months", "ai_opex_busd_per_year", "capex_growth_pct_per_year"):
        assert swings[name].swing_usd > 1e9, name
    # A slower ramp, more opex or faster capex growth each lower NPV.
    for name in ("benefit_ramp_months", "ai_opex_busd_per_year", "capex_growth_pct_per_year"):
        assert swings[name].npv_high_usd < swings[name].npv_low_usd, name
    assert swings["tax_rate_pct"].swing_usd == 0 and swings["diluted_shares_b"].swing_usd == 0


def test_tornado_is_sorted_by_swing_and_each_end_is_evaluate_at_that_value() -> None:
    preset = PRESETS["seed-leak"]
    swings = sensitivity(preset.scenario, preset.ranges)
    assert [s.swing_usd for s in swings] == sorted((s.swing_usd for s in swings), reverse=True)
    assert {s.field for s in swings} == {spec.name for spec in FIELDS}
    for swing in swings:
        for value, npv in ((swing.low, swing.npv_low_usd), (swing.high, swing.npv_high_usd)):
            expected = evaluate(changed(preset.scenario, **{swing.field: value})).kpis
            assert npv == pytest.approx(expected.npv_usd, rel=1e-9, abs=1.0)


def test_default_ranges_are_half_the_value_either_side_clamped_to_the_valid_range() -> None:
    s = Scenario(price_per_mtok_usd=80, productivity_gain_pct=0, horizon_years=5)
    assert driver_range(FIELDS_BY_NAME["price_per_mtok_usd"], s) == (40, 100)
    assert driver_range(FIELDS_BY_NAME["productivity_gain_pct"], s) == (-50, 105)
    assert driver_range(FIELDS_BY_NAME["horizon_years"], s) == (3, 7)
    # Ad revenue may not rise above revenue, nor revenue fall below ad revenue.
    assert driver_range(FIELDS_BY_NAME["ad_revenue_busd"], s)[1] == s.revenue_busd
    assert driver_range(FIELDS_BY_NAME["revenue_busd"], s)[0] == s.ad_revenue_busd


def test_preset_ranges_are_used_and_widened_to_include_the_current_value() -> None:
    spec = FIELDS_BY_NAME["productivity_gain_pct"]
    ranges = {"productivity_gain_pct": (100.0, 900.0)}
    assert driver_range(spec, Scenario(productivity_gain_pct=400), ranges) == (100, 900)
    assert driver_range(spec, Scenario(productivity_gain_pct=20), ranges) == (20, 900)


def test_the_map_is_50_by_50_with_its_zero_line_where_npv_changes_sign() -> None:
    grid = npv_grid(PRESETS["seed-leak"].scenario)
    assert grid.npv_usd.shape == (50, 50)
    assert (grid.x_field, grid.y_field) == ("productivity_gain_pct", "price_per_mtok_usd")
    assert grid.zero_line
    s = PRESETS["seed-leak"].scenario
    for x, y in grid.zero_line[:: max(1, len(grid.zero_line) // 10)]:
        npv = evaluate(changed(s, productivity_gain_pct=x, price_per_mtok_usd=y))
        assert abs(npv.kpis.npv_usd) < 0.05 * np.abs(grid.npv_usd).max()


def test_any_two_drivers_make_a_map_including_whole_number_ones() -> None:
    grid = npv_grid(Scenario(), "horizon_years", "ai_capex_busd_per_year")
    assert list(grid.xs) == list(range(1, 11)) and grid.npv_usd.shape == (50, 10)


def test_comparison_keeps_each_scenarios_label_order_and_own_numbers() -> None:
    seed = PRESETS["seed-leak"].scenario
    items = [
        ("Seed leak", seed),
        ("Capex trap", PRESETS["capex-trap"].scenario),
        ("Seed leak at $30", changed(seed, price_per_mtok_usd=30)),
    ]
    compared = compare(items)
    assert [(c.label, c.scenario) for c in compared] == items
    # The seed leak's 60T tokens at $15 are $900M a month; at $30 twice that.
    assert [c.kpis.token_spend_year1_usd for c in compared[::2]] == [10.8e9, 21.6e9]
    assert compared[1].kpis.npv_usd < 0 < compared[0].kpis.npv_usd


def test_monte_carlo_is_reproducible_for_a_seed_and_differs_for_another() -> None:
    preset = PRESETS["meta-2025"]
    first = simulate(preset.scenario, preset.ranges, draws=2000, seed=7)
    again = simulate(preset.scenario, preset.ranges, draws=2000, seed=7)
    other = simulate(preset.scenario, preset.ranges, draws=2000, seed=8)
    assert np.array_equal(first.result.npv_usd, again.result.npv_usd)
    assert not np.array_equal(first.result.npv_usd, other.result.npv_usd)
    assert set(first.varied) == set(HEADLINE_FIELDS) | set(preset.ranges)


def test_monte_carlo_collapses_to_the_deterministic_npv_when_ranges_shrink_to_a_point() -> None:
    s = PRESETS["seed-leak"].scenario
    point = {name: (float(getattr(s, name)),) * 2 for name in HEADLINE_FIELDS}
    simulation = simulate(s, point, draws=500)
    p50 = percentiles(simulation.result.npv_usd)["p50"]
    assert p50 == pytest.approx(evaluate(s).kpis.npv_usd, rel=1e-9)
    assert simulation.probability_npv_positive == 1.0


def test_monte_carlo_draws_stay_inside_each_drivers_range_around_its_value() -> None:
    preset = PRESETS["meta-2025"]
    s, ranges = preset.scenario, preset.ranges
    table = monte_carlo_table(s, ranges, draws=3000)
    varied = {spec.name for spec in varied_fields(ranges)}
    assert varied == set(HEADLINE_FIELDS) | set(ranges)
    for spec in FIELDS:
        column, value = table[spec.name], float(getattr(s, spec.name))
        if spec.name in varied:
            low, high = driver_range(spec, s, ranges)
            assert low <= column.min() and column.max() <= high, spec.name
            # A triangular (low, value, high) draw averages (low + value + high) / 3; with
            # 3,000 draws the sample mean is within 7 standard errors of it at 3% of the width.
            mean = (low + value + high) / 3
            assert column.mean() == pytest.approx(mean, abs=0.03 * (high - low)), spec.name
        else:
            assert np.all(column == value), spec.name
    # What is evaluated is exactly these draws: the batch, and evaluate() row by row.
    simulation = simulate(s, ranges, draws=3000)
    assert np.array_equal(simulation.result.npv_usd, evaluate_batch(table).npv_usd)
    for i in (0, 1234, 2999):
        row = changed(s, **{name: float(table[name][i]) for name in varied})
        assert simulation.result.npv_usd[i] == pytest.approx(evaluate(row).kpis.npv_usd, rel=1e-9)


def triangular_quantile(p: float, low: float, mode: float, high: float) -> float:
    """The value below which a share p of a triangular (low, mode, high) distribution lies."""
    if p < (mode - low) / (high - low):
        return low + math.sqrt(p * (high - low) * (mode - low))
    return high - math.sqrt((1 - p) * (high - low) * (high - mode))


def test_monte_carlo_percentiles_are_the_npvs_at_the_drivers_triangular_quantiles() -> None:
    # Only the productivity gain varies, 100 to 900 around the seed leak's 400, and NPV
    # rises with it in a straight line: NPV's P10, P50 and P90 are its NPV at the gain's
    # quantiles, by hand 254.9, 452.8 and 700 (and 344.9 and 583.8 for P25 and P75).
    # 10,000 draws put a quantile within about 0.5% of probability (one standard error);
    # allow 1.5%, three of them.
    s = PRESETS["seed-leak"].scenario
    pinned = {name: (float(getattr(s, name)),) * 2 for name in HEADLINE_FIELDS}
    simulation = simulate(s, pinned | {"productivity_gain_pct": (100.0, 900.0)})
    shown = percentiles(simulation.result.npv_usd)
    assert triangular_quantile(0.9, 100, 400, 900) == 700
    for key, p in (("p10", 0.1), ("p25", 0.25), ("p50", 0.5), ("p75", 0.75), ("p90", 0.9)):
        low, high = (
            evaluate(
                changed(s, productivity_gain_pct=triangular_quantile(q, 100, 400, 900))
            ).kpis.npv_usd
            for q in (p - 0.015, p + 0.015)
        )
        assert low < shown[key] < high, key  # type: ignore[operator]


def test_percentiles_are_linear_interpolations_over_the_defined_draws_only() -> None:
    values = np.array([math.nan, *range(101), math.nan])
    assert percentiles(values) == {"p10": 10.0, "p25": 25.0, "p50": 50.0, "p75": 75.0, "p90": 90.0}
    assert percentiles(np.array([3.0, 1.0, 2.0, 4.0])) == {
        "p10": pytest.approx(1.3),
        "p25": 1.75,
        "p50": 2.5,
        "p75": 3.25,
        "p90": pytest.approx(3.7),
    }
    all_undefined = percentiles(np.full(4, math.nan))
    assert all_undefined == dict.fromkeys(("p10", "p25", "p50", "p75", "p90"))


def test_monte_carlo_npvs_stay_above_the_sum_of_every_swing_below() -> None:
    preset = PRESETS["seed-leak"]
    simulation = simulate(preset.scenario, preset.ranges, draws=3000)
    npv = simulation.result.npv_usd
    swings = sensitivity(preset.scenario, preset.ranges)
    assert np.all(np.isfinite(npv))
    low = evaluate(preset.scenario).kpis.npv_usd - sum(s.swing_usd for s in swings)
    assert npv.min() > low
    summary = percentiles(npv)
    assert summary["p10"] <= summary["p50"] <= summary["p90"]  # type: ignore[operator]


def test_monte_carlo_draws_whole_months_of_ramp_up() -> None:
    s = PRESETS["meta-2025"].scenario
    ranges = {name: (float(getattr(s, name)),) * 2 for name in HEADLINE_FIELDS}
    simulation = simulate(s, ranges | {"benefit_ramp_months": (6.0, 24.0)}, draws=2000)
    # Only the ramp varies, and only over the 19 whole months from 6 to 24.
    assert len(np.unique(simulation.result.npv_usd)) <= 19
    months = [changed(s, benefit_ramp_months=n) for n in range(6, 25)]
    possible = {round(evaluate(m).kpis.npv_usd, -3) for m in months}
    assert {round(float(v), -3) for v in simulation.result.npv_usd} <= possible


@pytest.mark.parametrize("preset_id", sorted(PRESETS))
def test_every_shipped_presets_headline_npv_is_its_central_case(preset_id: str) -> None:
    # MODEL.md: the point NPV lies between P25 and P75 of its own (correlated) draws, so
    # a headline never reads as a P90 that readers take for the expected value.
    preset = PRESETS[preset_id]
    simulation = simulate(preset.scenario, preset.ranges, correlations=preset.correlations)
    spread = percentiles(simulation.result.npv_usd)
    assert spread["p25"] is not None and spread["p75"] is not None
    assert spread["p25"] <= simulation.headline_npv_usd <= spread["p75"]


def test_the_headline_is_placed_among_its_draws_by_percentile_rank() -> None:
    s = PRESETS["meta-2025"].scenario
    simulation = simulate(s, PRESETS["meta-2025"].ranges, draws=4000)
    npv = simulation.result.npv_usd
    assert simulation.headline_npv_usd == evaluate(s).kpis.npv_usd
    assert simulation.headline_percentile == pytest.approx(
        100 * np.mean(npv < simulation.headline_npv_usd), abs=0.05
    )
    # Every draw equal to the headline: it sits in the middle.
    point = {name: (float(getattr(s, name)),) * 2 for name in HEADLINE_FIELDS}
    assert simulate(s, point, draws=50).headline_percentile == 50


def test_weighted_percentiles_count_each_value_by_its_weight() -> None:
    values = np.array([1.0, 2.0, 3.0, np.nan])
    assert percentiles(values)["p50"] == 2.0
    # 3.0 carries 80% of the weight, so every percentile from P25 up is 3.
    weighted = percentiles(values, np.array([0.1, 0.1, 0.8, 5.0]))
    assert (weighted["p10"], weighted["p25"], weighted["p90"]) == (1.0, 3.0, 3.0)
    assert percentiles(np.array([np.nan])) == dict.fromkeys(("p10", "p25", "p50", "p75", "p90"))


def test_scenario_table_holds_the_base_for_fields_not_varied() -> None:
    table = scenario_table(Scenario(), {"horizon_years": np.array([1.0, 2.0])}, 2)
    assert list(table["horizon_years"]) == [1.0, 2.0]
    assert list(table["price_per_mtok_usd"]) == [5.0, 5.0]


# A programme that does nothing: no tokens, users, capex, opex or benefit. Its NPV is
# exactly zero whatever any one of those is set to on its own.
NOTHING = Scenario.model_validate(
    {
        spec.name: 0
        for spec in FIELDS
        if spec.minimum <= 0 <= spec.maximum
        and spec.name not in EVALUATION_SETTINGS
        and spec.name not in ("revenue_busd", "ad_revenue_busd", "operating_margin_pct")
    }
)


def evaluations(f: Callable[[Array], Array], low: float, high: float) -> tuple[int, list[float]]:
    """How many times find_roots calls f (each call a batch of scenarios), and its roots."""
    calls = 0

    def counted(x: Array) -> Array:
        nonlocal calls
        calls += 1
        return f(x)

    roots = find_roots(counted, low, high)
    return calls, roots


def test_the_root_finder_stops_as_soon_as_it_lands_exactly_on_a_root() -> None:
    # The grid, then one secant step that lands on 3.3 exactly.
    assert evaluations(lambda x: x - 3.3, 0.0, 10.0) == (2, [3.3])


@pytest.mark.parametrize(
    ("f", "low", "high", "calls", "roots"),
    [
        (lambda x: x * x - 2, 0.0, 10.0, 19, [math.sqrt(2)]),
        (lambda x: x * x - 2, -10.0, 10.0, 19, [-math.sqrt(2), math.sqrt(2)]),
        (lambda x: x * x * x - 2 * x - 5, 0.0, 10.0, 18, [2.0945514815423265]),
        # Two roots 0.06 apart, less than a third of a step of a 50-point grid.
        (lambda x: (x - 2.12) * (x - 2.18), 0.0, 10.0, 23, [2.12, 2.18]),
    ],
)
def test_the_illinois_method_refines_every_bracket_in_a_few_batches(
    f: Callable[[Array], Array], low: float, high: float, calls: int, roots: list[float]
) -> None:
    # Each batch evaluates every bracket at once; plain regula falsi, or a loop that
    # missed its stopping rule, would take up to 100.
    found_calls, found = evaluations(f, low, high)
    assert found == pytest.approx(roots, abs=1e-9 * (high - low))
    assert found_calls == calls


def test_the_root_is_found_to_a_billionth_of_the_range_away_from_zero_too() -> None:
    # On [1000, 1001] the tolerance is 1e-9, not 1e-9 x 2001.
    (root,) = find_roots(lambda x: (x - 1000) * (x - 1000) - 0.3, 1000.0, 1001.0)
    assert root == pytest.approx(1000.5477225575, abs=1e-9)


def test_the_root_finder_gives_up_after_100_refinements() -> None:
    # A fifth power is so flat at its root that the brackets never narrow to the tolerance.
    def flat(x: Array) -> Array:
        d = x - 4.1
        return d * d * d * d * d

    assert evaluations(flat, 0.0, 10.0)[0] == 101


def test_of_a_brackets_two_ends_the_root_is_the_one_where_f_is_nearer_zero() -> None:
    # Flat below 4.13 and steep above: the end on the steep side is the better root.
    def lopsided(x: Array) -> Array:
        d = x - 4.13
        return np.where(x < 4.13, d * d * d * d * d, d)

    assert find_roots(lopsided, 0.0, 10.0) == pytest.approx([4.13], abs=1e-6)


def test_of_two_break_evens_the_nearest_is_reported_with_the_way_npv_moves_there() -> None:
    # With a 24-month lag to service and 4-year server lives, meta-2025's NPV is -$1.4B at
    # a 1-year horizon, positive from 2 to 4 years and negative again from 5 (-$20.2B at 10).
    # Horizons round to whole years, so NPV crosses zero at 1.5 and 4.5. The break-even is
    # the crossing nearest the current horizon, as the first whole year on the positive side.
    s = changed(PRESETS["meta-2025"].scenario, in_service_lag_months=24, server_life_years=4)
    from_five = break_even(s, "horizon_years")
    assert (from_five.value, from_five.rising, from_five.current) == (4.0, False, 5.0)
    assert (from_five.low, from_five.high) == (1.0, 10.0)
    # From 1 year the nearer crossing is 1.5, where NPV rises (though it ends lower at 10).
    from_one = break_even(changed(s, horizon_years=1), "horizon_years")
    assert (from_one.value, from_one.rising, from_one.current) == (2.0, True, 1.0)


def test_a_lever_that_moves_nothing_breaks_even_where_it_stands_and_does_not_raise_npv() -> None:
    assert evaluate(NOTHING).kpis.npv_usd == 0
    found = break_even(changed(NOTHING, price_per_mtok_usd=5), "price_per_mtok_usd")
    assert (found.value, found.rising, found.npv_now_usd) == (5.0, False, 0.0)


def test_a_map_of_any_size_and_of_whole_numbers_on_either_axis() -> None:
    grid = npv_grid(Scenario(), size=10)
    assert (grid.xs.shape, grid.ys.shape, grid.npv_usd.shape) == ((10,), (10,), (10, 10))
    grid = npv_grid(Scenario(), "ai_capex_busd_per_year", "horizon_years")
    assert list(grid.ys) == list(range(1, 11)) and grid.npv_usd.shape == (10, 50)


def test_a_map_of_ad_revenue_against_revenue_keeps_ad_revenue_within_revenue() -> None:
    # The defaults: revenue $200.97B, of it ad revenue $196.18B.
    grid = npv_grid(Scenario(), "ad_revenue_busd", "revenue_busd", size=3)
    assert list(grid.xs) == pytest.approx([0.0, 100.485, 200.97])
    assert list(grid.ys) == pytest.approx([196.18, 2598.09, 5000.0])


def test_the_zero_line_lies_where_npv_is_zero_on_every_row_and_column() -> None:
    # NPV is a straight line in the price and in the productivity gain, so interpolating
    # along a row or a column finds its zeros exactly: 73 points, between grid points.
    s = PRESETS["seed-leak"].scenario
    grid = npv_grid(s)
    assert len(grid.zero_line) == 73
    xs, ys = np.array(grid.zero_line).T
    assert np.all((grid.xs[0] <= xs) & (xs <= grid.xs[-1]))
    assert np.all((grid.ys[0] <= ys) & (ys <= grid.ys[-1]))
    npv = evaluate_batch(
        scenario_table(s, {"productivity_gain_pct": xs, "price_per_mtok_usd": ys}, len(xs))
    ).npv_usd
    assert np.all(np.abs(npv) < 1e-6 * np.abs(grid.npv_usd).max())
    # Points found along columns sit on a column's x; along rows, on a row's y.
    assert np.isin(xs, grid.xs).sum() > 0 and np.isin(ys, grid.ys).sum() > 0


def test_the_zero_line_takes_in_grid_points_where_npv_is_exactly_zero() -> None:
    # Only the users' productivity pays: NPV is zero with no users or no gain, and the
    # map's rows start at 0 users, so each row's first point is exactly on the zero line.
    s = changed(NOTHING, ai_users=1000, loaded_cost_per_user_kusd=500)
    grid = npv_grid(
        changed(s, productivity_realization_pct=50), "ai_users", "productivity_gain_pct", size=3
    )
    assert list(grid.xs) == [0, 500_000, 1_000_000] and list(grid.ys) == [-50, 475, 1000]
    points = [(0, -50), (0, 475), (0, 1000), (500_000, 0), (1_000_000, 0)]
    assert np.array(grid.zero_line) == pytest.approx(np.array(points), abs=1e-9)


def test_a_flat_zero_map_has_no_zero_line_and_raises_no_numpy_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        grid = npv_grid(NOTHING, size=5)
    assert np.all(grid.npv_usd == 0) and grid.zero_line == []


@pytest.mark.parametrize(
    ("values", "value", "rank"),
    [
        # Within $1 (or a billionth) of each other is a tie: half of a tie counts below.
        ([1e9, 1e9 + 100, 1e9 + 200, 1e9 + 300], 1e9 + 100, 37.5),
        ([0.0, 0.5, 1.5, 3.0], 0.0, 25.0),
        ([-3.0, -1.5, 0.5, 1.5], 0.0, 62.5),
    ],
)
def test_a_percentile_rank_counts_values_within_a_dollar_as_ties(
    values: list[float], value: float, rank: float
) -> None:
    assert percentile_rank(np.array(values), value) == rank


def test_monte_carlo_raises_a_draws_revenue_to_its_ad_revenue() -> None:
    s = Scenario(revenue_busd=200, ad_revenue_busd=190)
    ranges = {"revenue_busd": (190.0, 210.0), "ad_revenue_busd": (180.0, 200.0)}
    table = monte_carlo_table(s, ranges, draws=1000)
    assert set(table) == {spec.name for spec in FIELDS}
    revenue, ad_revenue = table["revenue_busd"], table["ad_revenue_busd"]
    assert np.all(revenue >= ad_revenue)
    assert np.any(revenue == ad_revenue) and np.any(revenue > ad_revenue)


def test_a_simulation_makes_as_many_draws_as_asked_whatever_its_seed() -> None:
    simulation = simulate(Scenario(), draws=12, seed=5)
    assert (simulation.draws, simulation.seed) == (12, 5)
    assert simulation.result.npv_usd.shape == (12,)
