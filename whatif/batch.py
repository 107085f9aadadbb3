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
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from whatif.flows import discount_factors, eps_impact, flows
from whatif.model import MIN_DENOMINATOR_USD
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
    size = max(np.size(values) for values in table.values())
    c = {name: _column(values) for name, values in table.items()}
    horizon = np.rint(c["horizon_years"])
    m = np.arange(int(12 * horizon.max()), dtype=np.float64)[None, :]
    in_horizon = (m < 12 * horizon).astype(np.float64)
    year1 = (m < 12).astype(np.float64)
    rate = c["discount_rate_pct"] / 100
    discounted = in_horizon * discount_factors(rate, m)
    f = flows(c, m)
    whole, present_value, first = f.totals(in_horizon, discounted, year1)

    book_value = whole.book_value
    book_value_pv = book_value / (1 + rate) ** horizon
    npv = present_value.net_cash + book_value_pv
    npv_after_tax = present_value.after_tax_cash(c["tax_rate_pct"]) + book_value_pv
    # ROI's gains less costs is the undiscounted net cash plus the book value left.
    roi = _safe_ratio_pct(whole.net_cash + book_value, whole.cash_costs)

    impact_year1 = first.operating_impact
    revenue = first.baseline_revenue
    margin = c["operating_margin_pct"]
    margin_with_ai = _safe_ratio_pct(
        revenue * margin / 100 + impact_year1, revenue + first.ad_revenue_lift
    )

    def rows(values: Array) -> Array:
        return np.broadcast_to(values, (size, 1))[:, 0].copy()

    return BatchResult(
        npv_usd=rows(npv),
        roi_pct=rows(roi),
        margin_impact_year1_pp=rows(margin_with_ai - margin),
        eps_impact_year1_usd=rows(
            eps_impact(impact_year1, c["tax_rate_pct"], c["diluted_shares_b"])
        ),
        npv_after_tax_usd=rows(npv_after_tax),
    )
