"""MODEL.md's headline results for many scenarios at once, as numpy arrays.

The analyses (break-even, sensitivity, the two-driver map, Monte Carlo) ask
for NPV, ROI and the year-1 margin impact of thousands of scenarios that differ
in a few fields. `evaluate()` builds a full Result per scenario; this module
computes just those three results for a whole table of scenarios in one pass.
It follows the same formulas and the same rules (a ratio over less than a
dollar is undefined, here NaN in the arrays; `BatchResult.value` turns it back
into None). Scenarios of different horizons are masked to their own months.
A test checks it against evaluate() over the whole valid space.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from whatif.model import MIN_DENOMINATOR_USD
from whatif.scenario import FIELDS, Scenario

Array = NDArray[np.float64]


@dataclass(frozen=True)
class BatchResult:
    """One entry per scenario; NaN where MODEL.md's result is undefined."""

    npv_usd: Array
    roi_pct: Array
    margin_impact_year1_pp: Array

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
    """NPV, ROI and year-1 margin impact for each row of a scenario table.

    Rows must be valid scenarios (the callers vary fields within their ranges).
    Every monthly quantity of MODEL.md is a per-row amount times a shape over
    the months (token spend: volume x price x ((1 + growth)(1 - decline))^t;
    depreciation: capex x min(m + 1, L) / L), so every sum, discounted or not,
    is the amount times the sum of the shape. Shapes depend only on growth,
    decline, life, rate and horizon: when those are the same in every row (as
    in Monte Carlo over the headline drivers) each is one row of months, and
    the whole batch costs O(rows + months), not O(rows x months).
    """
    size = max(np.size(values) for values in table.values())
    c = {name: _column(values) for name, values in table.items()}
    horizon = np.rint(c["horizon_years"])
    m = np.arange(int(12 * horizon.max()), dtype=np.float64)[None, :]
    in_horizon = (m < 12 * horizon).astype(np.float64)
    rate = c["discount_rate_pct"] / 100
    discounted = in_horizon / (1 + rate) ** ((m + 1) / 12)

    share = c["in_house_share_pct"] / 100
    cost_per_mtok = (1 - share) * c["price_per_mtok_usd"] + share * c["in_house_cost_per_mtok_usd"]
    spend_amount = c["tokens_per_month_t"] * 1e12 / 1e6 * cost_per_mtok
    spend_shape = (
        (1 + c["token_growth_pct_per_year"] / 100) * (1 - c["price_decline_pct_per_year"] / 100)
    ) ** (m / 12)
    life = np.rint(12 * c["server_life_years"])  # half to even, as Python's round
    ramp = np.minimum(m + 1, life) / life

    productivity = (
        c["ai_users"]
        * c["loaded_cost_per_user_kusd"]
        * 1e3
        / 12
        * (c["productivity_gain_pct"] / 100)
        * (c["productivity_realization_pct"] / 100)
    )
    ad_lift = c["ad_revenue_busd"] * 1e9 / 12 * c["ad_conversion_lift_pct"] / 100
    benefits = productivity + ad_lift * c["ad_lift_incremental_margin_pct"] / 100
    capex = c["ai_capex_busd_per_year"] * 1e9 / 12
    months_in = 12 * horizon

    book_value = capex * (months_in - (ramp * in_horizon).sum(axis=1, keepdims=True))
    npv = (
        (benefits - capex) * discounted.sum(axis=1, keepdims=True)
        - spend_amount * (spend_shape * discounted).sum(axis=1, keepdims=True)
        + book_value / (1 + rate) ** horizon
    )
    costs = spend_amount * (spend_shape * in_horizon).sum(axis=1, keepdims=True) + capex * months_in
    gains = benefits * months_in + book_value

    revenue = c["revenue_busd"] * 1e9
    impact_year1 = (
        12 * benefits
        - spend_amount * spend_shape[:, :12].sum(axis=1, keepdims=True)
        - capex * ramp[:, :12].sum(axis=1, keepdims=True)
    )
    margin = c["operating_margin_pct"]
    margin_with_ai = _safe_ratio_pct(revenue * margin / 100 + impact_year1, revenue + 12 * ad_lift)

    def rows(values: Array) -> Array:
        return np.broadcast_to(values, (size, 1))[:, 0].copy()

    return BatchResult(
        npv_usd=rows(npv),
        roi_pct=rows(_safe_ratio_pct(gains - costs, costs)),
        margin_impact_year1_pp=rows(margin_with_ai - margin),
    )
