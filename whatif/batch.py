"""MODEL.md's headline results for many scenarios at once, as numpy arrays.

The analyses (break-even, sensitivity, the two-driver map, Monte Carlo) ask
for NPV (before and after tax), ROI, the year-1 margin and EPS impacts of thousands
of scenarios that differ in a few fields. `evaluate()` builds a full Result per
scenario; this module computes just those results for a whole table of
scenarios in one pass, from the same formulas (`whatif.flows`) and the same
rules (a ratio over less than a dollar is undefined, here NaN in the arrays;
`BatchResult.value` turns it back into None). Scenarios of different horizons
are masked to their own months. A test checks it against evaluate() over the
whole valid space.

A slider's sweep (`whatif.sweep`) asks for every KPI at each step of the slider:
`kpi_table` gives them all, the payback month too, from the same pass.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Final, NamedTuple

import numpy as np
from numpy.typing import NDArray

from whatif.flows import Flows, Totals, discount_factors, eps_impact, flows, per_share
from whatif.model import HOURS_PER_YEAR, MIN_DENOMINATOR_USD, Kpis
from whatif.scenario import FIELDS, Scenario

Array = NDArray[np.float64]


@dataclass(frozen=True)
class BatchResult:
    """One entry per scenario; NaN where MODEL.md's result is undefined."""

    npv_usd: Array
    roi_pct: Array
    margin_impact_year1_pp: Array
    eps_impact_year1_usd: Array
    npv_after_tax_usd: Array

    @staticmethod
    def value(x: float) -> float | None:
        """A batch number as the JSON contract writes it: None for undefined."""
        return None if math.isnan(x) else float(x)


BATCH_KPIS: Final = tuple(f.name for f in fields(BatchResult))


def scenario_table(base: Scenario, varied: Mapping[str, Array], size: int) -> dict[str, Array]:
    """Every field as a column of `size` values: `varied` ones as given, the rest from base."""
    table = {}
    for spec in FIELDS:
        column = varied.get(spec.name)
        if column is None:
            table[spec.name] = np.full(size, float(getattr(base, spec.name)))
        else:
            table[spec.name] = np.broadcast_to(np.asarray(column, dtype=np.float64), (size,))
    return table


def _safe_ratio_pct(numerator: Array, denominator: Array) -> Array:
    ok = denominator >= MIN_DENOMINATOR_USD
    return np.where(ok, numerator / np.where(ok, denominator, 1.0) * 100, np.nan)


def _column(values: Array) -> Array:
    """A field as a (rows, 1) column, or (1, 1) when every row holds the same value."""
    column = np.asarray(values, dtype=np.float64).reshape(-1, 1)
    return column[:1] if column.size and np.all(column == column[0]) else column


class _Batch(NamedTuple):
    """A scenario table as columns, its months, and its flows."""

    size: int
    c: dict[str, Array]
    m: Array  # the months as one row, up to the longest horizon
    in_horizon: Array  # 1 in each row's own months, 0 after its horizon
    flows: Flows


def _batch(table: Mapping[str, Array]) -> _Batch:
    size = max(np.size(values) for values in table.values())
    c = {name: _column(values) for name, values in table.items()}
    horizon = np.rint(c["horizon_years"])
    m = np.arange(int(12 * horizon.max()), dtype=np.float64)[None, :]
    return _Batch(size, c, m, (m < 12 * horizon).astype(np.float64), flows(c, m))


def _kpi_columns(b: _Batch, *, every: bool) -> dict[str, Array]:
    """The KPIs of MODEL.md but payback, one (rows, 1) or (1, 1) column each, NaN where
    undefined: with `every`, all of them; without, the analyses' five (`BatchResult`).
    Each is a weighted sum of the flows: over the horizon, discounted, and over year 1;
    for all of them also over the final year and the years before it (the final year's
    ROIC), two more passes over every shape that the analyses' thousands of draws skip."""
    c, m, in_horizon = b.c, b.m, b.in_horizon
    horizon = np.rint(c["horizon_years"])
    rate = c["discount_rate_pct"] / 100
    tax = c["tax_rate_pct"]
    shares = c["diluted_shares_b"]
    weights = [in_horizon, in_horizon * discount_factors(rate, m), (m < 12).astype(np.float64)]
    if every:
        before_final = (m < 12 * (horizon - 1)).astype(np.float64)
        weights += [in_horizon - before_final, before_final]
    whole, present_value, first, *last = b.flows.totals(*weights)
    book_value = whole.book_value
    book_value_pv = book_value / (1 + rate) ** horizon
    npv_after_tax = present_value.after_tax_cash(tax) + book_value_pv
    margin = c["operating_margin_pct"]

    def margin_impact(year: Totals) -> Array:
        revenue = year.baseline_revenue
        income = revenue * margin / 100 + year.operating_impact
        return _safe_ratio_pct(income, revenue + year.ad_revenue_lift) - margin

    eps_year1 = eps_impact(first.operating_impact, tax, shares)
    analysed = {
        "npv_usd": present_value.net_cash + book_value_pv,
        # ROI's gains less costs is the undiscounted net cash plus the book value left.
        "roi_pct": _safe_ratio_pct(whole.net_cash + book_value, whole.cash_costs),
        "margin_impact_year1_pp": margin_impact(first),
        "eps_impact_year1_usd": eps_year1,
        "npv_after_tax_usd": npv_after_tax,
    }
    if not every:
        return analysed
    final, before = last
    users = c["ai_users"]
    per_user = np.where(users > 0, first.token_spend / np.where(users > 0, users, 1.0), np.nan)
    return analysed | {
        "token_spend_year1_usd": first.token_spend,
        "token_cost_per_user_hour_usd": per_user / HOURS_PER_YEAR,
        "token_cost_share_of_loaded_cost_pct": _safe_ratio_pct(
            per_user, c["loaded_cost_per_user_kusd"] * 1e3
        ),
        "productivity_value_year1_usd": first.productivity_value,
        "ad_profit_year1_usd": first.ad_profit,
        "depreciation_year1_usd": first.depreciation,
        "operating_impact_year1_usd": first.operating_impact,
        "margin_impact_final_year_pp": margin_impact(final),
        "book_value_end_usd": book_value,
        "ai_opex_year1_usd": first.ai_opex,
        "eps_impact_final_year_usd": eps_impact(final.operating_impact, tax, shares),
        "npv_per_share_usd": per_share(npv_after_tax, shares),
        "price_impact_year1_usd": c["pe_multiple"] * eps_year1,
        "free_cash_flow_year1_usd": first.after_tax_cash(tax),
        # The final year's after-tax impact over its average invested capital (net book value).
        "roic_final_year_pct": _safe_ratio_pct(
            final.operating_impact * (1 - tax / 100), (before.book_value + book_value) / 2
        ),
    }


def _rows(size: int, values: Array) -> Array:
    """A (rows, 1) or (1, 1) column as one value per row."""
    return np.broadcast_to(values, (size, 1))[:, 0].copy()


def evaluate_batch(table: Mapping[str, Array]) -> BatchResult:
    """NPV, ROI, year-1 margin impact and year-1 EPS impact for each row of a scenario table.

    Rows must be valid scenarios (the callers vary fields within their ranges).
    Every monthly quantity is an amount times a shape (`whatif.flows`), so every
    sum, discounted or not, is the amount times the weighted sum of the shape.
    Shapes depend only on growth, decline, ramp, capex growth, life, rate and
    horizon: when those are the same in every row (as in Monte Carlo over the
    headline drivers) each is one row of months, and the whole batch costs
    O(rows + months), not O(rows x months).
    """
    b = _batch(table)
    k = _kpi_columns(b, every=False)
    return BatchResult(**{name: _rows(b.size, k[name]) for name in BATCH_KPIS})


class KpiTable(NamedTuple):
    """Every KPI of evaluate() for each row of a scenario table, and each row's cumulative
    net cash (the payback curve)."""

    # Kpis' fields, one value a row as evaluate() gives it: None where undefined, the
    # payback month a whole number.
    columns: dict[str, list[Any]]
    cumulative_net_cash_usd: Array  # (rows, months), flat after a row's horizon

    def kpis(self, row: int) -> Kpis:
        """Row `row`'s KPIs exactly as evaluate() returns them."""
        return Kpis(**{name: column[row] for name, column in self.columns.items()})


def kpi_table(table: Mapping[str, Array]) -> KpiTable:
    """Every headline KPI for each row of a scenario table, with the payback month, which
    needs each row's months: O(rows x months), so only where every KPI is wanted (a sweep
    along one slider), not in the analyses' thousands of draws."""
    b = _batch(table)
    columns = {
        name: [None if math.isnan(x) else x for x in _rows(b.size, column).tolist()]
        for name, column in _kpi_columns(b, every=True).items()
    }
    cumulative = np.cumsum(
        np.broadcast_to(b.flows.series().net_cash * b.in_horizon, (b.size, b.m.shape[-1])),
        axis=-1,
    )
    reached = (cumulative >= 0) & (b.in_horizon > 0)
    # The first month whose cumulative cash is not negative (0: none within the horizon).
    months = np.where(reached.any(axis=-1), reached.argmax(axis=-1) + 1, 0)
    columns["payback_month"] = [month or None for month in months.tolist()]
    return KpiTable(columns, cumulative)
