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


def evaluate_batch(table: Mapping[str, Array]) -> BatchResult:
    """NPV, ROI and year-1 margin impact for each row of a scenario table.

    Rows must be valid scenarios (the callers vary fields within their ranges).
    """
    col = {name: np.asarray(values, dtype=np.float64)[:, None] for name, values in table.items()}
    horizon = np.rint(col["horizon_years"])
    months = int(12 * horizon.max())
    m = np.arange(months, dtype=np.float64)[None, :]
    t = m / 12
    in_horizon = m < 12 * horizon
    share = col["in_house_share_pct"] / 100
    price_factor = (1 - col["price_decline_pct_per_year"] / 100) ** t
    tokens = col["tokens_per_month_t"] * 1e12 * (1 + col["token_growth_pct_per_year"] / 100) ** t
    cost_per_mtok = (1 - share) * col["price_per_mtok_usd"] + share * col[
        "in_house_cost_per_mtok_usd"
    ]
    spend = tokens / 1e6 * cost_per_mtok * price_factor
    productivity = (
        col["ai_users"]
        * col["loaded_cost_per_user_kusd"]
        * 1e3
        / 12
        * (col["productivity_gain_pct"] / 100)
        * (col["productivity_realization_pct"] / 100)
    )
    ad_lift = col["ad_revenue_busd"] * 1e9 / 12 * col["ad_conversion_lift_pct"] / 100
    ad_profit = ad_lift * col["ad_lift_incremental_margin_pct"] / 100
    capex = col["ai_capex_busd_per_year"] * 1e9 / 12
    life = np.rint(12 * col["server_life_years"])  # half to even, as Python's round
    depreciation = capex * np.minimum(m + 1, life) / life

    benefits = productivity + ad_profit
    net_cash = np.where(in_horizon, benefits - spend - capex, 0.0)
    depreciation_in = np.where(in_horizon, depreciation, 0.0)
    spend_in = np.where(in_horizon, spend, 0.0)
    capex_total = (capex * 12 * horizon)[:, 0]
    book_value = capex_total - depreciation_in.sum(axis=1)
    rate = col["discount_rate_pct"][:, 0] / 100
    discount = (1 + rate[:, None]) ** ((m + 1) / 12)
    npv = (net_cash / discount).sum(axis=1) + book_value / (1 + rate) ** horizon[:, 0]
    costs = spend_in.sum(axis=1) + capex_total
    gains = (benefits * 12 * horizon)[:, 0] + book_value

    revenue = col["revenue_busd"][:, 0] * 1e9
    year1 = slice(0, 12)
    impact_year1 = (
        12 * benefits[:, 0] - spend[:, year1].sum(axis=1) - depreciation[:, year1].sum(axis=1)
    )
    margin = col["operating_margin_pct"][:, 0]
    margin_with_ai = _safe_ratio_pct(
        revenue * margin / 100 + impact_year1, revenue + 12 * ad_lift[:, 0]
    )
    return BatchResult(
        npv_usd=npv,
        roi_pct=_safe_ratio_pct(gains - costs, costs),
        margin_impact_year1_pp=margin_with_ai - margin,
    )
