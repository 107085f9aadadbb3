"""The KPI table: every KPI of evaluate() for a table of scenarios, as a sweep reads them."""

from __future__ import annotations

import math
from dataclasses import fields

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import scenarios
from whatif import FIELDS, Scenario, evaluate
from whatif.batch import _safe_ratio_pct, kpi_table, scenario_table
from whatif.model import Kpis

# Per-share amounts are an amount over billions of shares; percentages and points are
# ratios of two sums, which float rounding moves by parts in a billion at most.
RATIOS = frozenset(
    {
        "token_cost_share_of_loaded_cost_pct",
        "margin_impact_year1_pp",
        "margin_impact_final_year_pp",
        "roi_pct",
        "roic_final_year_pct",
    }
)
PER_SHARE = frozenset(
    {
        "eps_impact_year1_usd",
        "eps_impact_final_year_usd",
        "npv_per_share_usd",
        "price_impact_year1_usd",
        "token_cost_per_user_hour_usd",
    }
)


def agree(name: str, got: float | None, want: float | None, scale: float) -> bool:
    if got is None or want is None:
        return got is want
    if name in RATIOS or name in PER_SHARE:
        return math.isclose(got, want, rel_tol=1e-7, abs_tol=1e-7)
    return math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9 * scale)


@settings(max_examples=150, deadline=None)
@given(st.lists(scenarios(), min_size=1, max_size=4))
def test_the_kpi_table_gives_every_kpi_evaluate_gives_row_by_row(batch: list[Scenario]) -> None:
    table = {
        spec.name: np.array([getattr(s, spec.name) for s in batch], dtype=float) for spec in FIELDS
    }
    result = kpi_table(table)
    for row, scenario in enumerate(batch):
        evaluated = evaluate(scenario)
        want, got = evaluated.kpis, result.kpis(row)
        scale = max(1.0, *(abs(y.capex_usd) + abs(y.token_spend_usd) for y in evaluated.years))
        scale = max(scale, abs(want.npv_usd), abs(want.productivity_value_year1_usd))
        for kpi in fields(Kpis):
            assert agree(kpi.name, getattr(got, kpi.name), getattr(want, kpi.name), scale), kpi.name
        months = 12 * scenario.horizon_years
        cash = result.cumulative_net_cash_usd[row]
        assert np.allclose(
            cash[:months], evaluated.cumulative_net_cash_usd(), rtol=1e-9, atol=1e-9 * scale
        )
        assert np.all(cash[months:] == cash[months - 1])


def test_undefined_kpis_and_a_payback_never_reached_read_none_as_evaluate_gives_them() -> None:
    # No users, tokens, capex, opex or ad lift: no cost per user-hour, no ROI (no costs),
    # no ROIC (nothing invested), and nothing to pay back (payback in month 1). The same
    # with capex and no benefits over 3 years: it never pays back.
    idle = Scenario(
        ai_users=0,
        ai_capex_busd_per_year=0,
        tokens_per_month_t=0,
        ai_opex_busd_per_year=0,
        ad_conversion_lift_pct=0,
        ai_ad_growth_pct_per_year=0,
        horizon_years=1,
    )
    costly = idle.model_copy(update={"ai_capex_busd_per_year": 10.0, "horizon_years": 3})
    varied = {
        name: np.array([getattr(idle, name), getattr(costly, name)], dtype=float)
        for name in ("ai_capex_busd_per_year", "horizon_years")
    }
    result = kpi_table(scenario_table(idle, varied, 2))
    first, second = result.kpis(0), result.kpis(1)
    assert first.roi_pct is None and first.roic_final_year_pct is None
    assert first.token_cost_per_user_hour_usd is None and first.payback_month == 1
    assert second.payback_month is None and second.roi_pct is not None
    for got, scenario in ((first, idle), (second, costly)):
        want = evaluate(scenario).kpis
        for kpi in fields(Kpis):
            assert agree(kpi.name, getattr(got, kpi.name), getattr(want, kpi.name), 1e10), kpi.name


def test_a_batch_ratio_over_a_dollar_or_more_is_defined_and_under_a_dollar_is_nan() -> None:
    ratios = _safe_ratio_pct(np.array([5.0, 5.0, -5.0]), np.array([1.0, 0.99, 2.0]))
    assert ratios[0] == 500.0 and math.isnan(ratios[1]) and ratios[2] == -250.0
