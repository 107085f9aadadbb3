"""MODEL.md's monthly quantities, each written once, as an amount times a shape.

Every monthly quantity of shared MODEL.md (version 2) is a per-scenario amount
(what it is in month 1 at full run-rate) times a shape over the months:

- token spend: tokens x blended cost per token, x ((1 + growth)(1 - decline))^t
  (vendor and in-house parts share the shape, so the charts can split them);
- productivity value and ad lift: the monthly run-rate x the ramp, min(1, (m + 1) / N);
- ad profit: the ad lift x the incremental margin, on the same ramp;
- AI opex: a twelfth of the yearly amount, flat;
- capex: a twelfth of year 1's capex x (1 + capex growth)^floor(m / 12);
- depreciation: the capex shape summed over the last L months (the vintages still
  being written off), over L, with L = round(12 x server life) months.

`evaluate()` multiplies amount by shape to get the monthly series of one
scenario; `evaluate_batch()` multiplies each amount by the weighted sum of its
shape (undiscounted, discounted, year 1) for thousands of scenarios at once.
Both call `flows()`, so a change to the model is made here and nowhere else.

Inputs are numbers or numpy arrays that broadcast: for one scenario, floats and
the months as a 1-D array; for a batch, (rows, 1) columns and a (1, months) row.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
Number = float | Array


class Flow(NamedTuple):
    """One monthly quantity: amount (USD a month at full run-rate) x shape (per month)."""

    amount: Number
    shape: Array

    def series(self) -> Array:
        """The monthly values, USD."""
        return np.asarray(self.amount * self.shape)

    def total(self, weights: Array) -> Array:
        """The weighted sum over the months, per scenario (weights broadcast to the shape)."""
        return np.asarray(self.amount * (self.shape * weights).sum(axis=-1, keepdims=True))


class Totals(NamedTuple):
    """Every quantity of `Flows` as numbers: monthly series, or weighted sums per scenario.

    The combinations of MODEL.md are written here once, for both.
    """

    vendor_token_spend: Array
    in_house_token_spend: Array
    productivity_value: Array
    ad_revenue_lift: Array
    ad_profit: Array
    ai_opex: Array
    capex: Array
    depreciation: Array

    @property
    def token_spend(self) -> Array:
        return self.vendor_token_spend + self.in_house_token_spend

    @property
    def cash_costs(self) -> Array:
        """What ROI counts as costs: tokens, other AI opex and capex."""
        return self.token_spend + self.ai_opex + self.capex

    @property
    def net_cash(self) -> Array:
        return self.productivity_value + self.ad_profit - self.cash_costs

    @property
    def operating_impact(self) -> Array:
        """Net cash with depreciation in place of capex."""
        return self.net_cash + self.capex - self.depreciation


class Flows(NamedTuple):
    """Every monthly quantity of MODEL.md for one scenario or a batch."""

    vendor_token_spend: Flow
    in_house_token_spend: Flow
    productivity_value: Flow
    ad_revenue_lift: Flow
    ad_profit: Flow
    ai_opex: Flow
    capex: Flow
    depreciation: Flow

    def series(self) -> Totals:
        """Each quantity month by month."""
        return Totals(*(flow.series() for flow in self))

    def totals(self, weights: Array) -> Totals:
        """Each quantity's weighted sum over the months, per scenario."""
        return Totals(*(flow.total(weights) for flow in self))


def life_months(server_life_years: Number) -> Number:
    """Depreciation life in whole months, rounded half to even like Python's round()."""
    return np.rint(12 * np.asarray(server_life_years, dtype=np.float64))


def ramp_shape(ramp_months: Number, m: Array) -> Array:
    """min(1, (m + 1) / N): month 1 earns 1/N of the run-rate, month N all of it; 1 for N = 0.

    N = 0 and N = 1 give the same shape, so N is floored at 1 instead of a branch.
    """
    return np.minimum(1.0, (m + 1) / np.maximum(ramp_months, 1.0))


def depreciation_shape(capex_shape: Array, life: Number, m: Array) -> Array:
    """Straight-line depreciation of every month's capex over `life` months from its month.

    Month m writes off 1/L of each vintage k in [max(0, m - L + 1), m]: a window sum of
    the capex shape, taken as its running total less the running total L months before.
    """
    running = np.cumsum(capex_shape, axis=-1)
    if np.size(life) == 1:
        # One life for every row (always so for one scenario): a plain shift by L months.
        lag = int(np.asarray(life).flat[0])
        earlier = np.zeros_like(running)
        earlier[..., lag:] = running[..., : max(0, running.shape[-1] - lag)]
    else:
        # A life per row: gather each row's running total at its own m - L.
        before = np.concatenate([np.zeros_like(running[..., :1]), running], axis=-1)
        first = np.maximum(0, m + 1 - life).astype(np.intp)
        rows = np.broadcast_shapes(before.shape[:-1], first.shape[:-1])
        earlier = np.take_along_axis(
            np.broadcast_to(before, (*rows, before.shape[-1])),
            np.broadcast_to(first, (*rows, first.shape[-1])),
            axis=-1,
        )
    return np.asarray((running - earlier) / life)


def discount_factors(rate: Number, m: Array) -> Array:
    """1 / (1 + r)^((m + 1) / 12): each month's cash is discounted at the month's end."""
    return np.asarray(1 / (1 + rate) ** ((m + 1) / 12))


def eps_impact(operating_impact_usd: Number, tax_rate_pct: Number, diluted_shares_b: Number) -> Any:
    """The change in diluted EPS, USD per share: the operating impact after tax over the shares.

    The tax applies both ways: a loss from AI lowers the tax of a company that is
    profitable overall, so it reduces EPS by the loss less its tax shield.
    """
    return operating_impact_usd * (1 - tax_rate_pct / 100) / (diluted_shares_b * 1e9)


def flows(c: Mapping[str, Number], m: Array) -> Flows:
    """MODEL.md's monthly quantities for the scenario fields `c` over months `m` (0-based)."""
    t = m / 12
    share = c["in_house_share_pct"] / 100
    tokens_m = c["tokens_per_month_t"] * 1e12 / 1e6  # millions of tokens in month 1
    spend_shape = (
        (1 + c["token_growth_pct_per_year"] / 100) * (1 - c["price_decline_pct_per_year"] / 100)
    ) ** t
    ramp = ramp_shape(c["benefit_ramp_months"], m)
    productivity = (
        c["ai_users"]
        * c["loaded_cost_per_user_kusd"]
        * 1e3
        / 12
        * (c["productivity_gain_pct"] / 100)
        * (c["productivity_realization_pct"] / 100)
    )
    ad_lift = c["ad_revenue_busd"] * 1e9 / 12 * (c["ad_conversion_lift_pct"] / 100)
    capex_shape = (1 + c["capex_growth_pct_per_year"] / 100) ** np.floor(t)
    return Flows(
        vendor_token_spend=Flow(tokens_m * (1 - share) * c["price_per_mtok_usd"], spend_shape),
        in_house_token_spend=Flow(tokens_m * share * c["in_house_cost_per_mtok_usd"], spend_shape),
        productivity_value=Flow(productivity, ramp),
        ad_revenue_lift=Flow(ad_lift, ramp),
        ad_profit=Flow(ad_lift * (c["ad_lift_incremental_margin_pct"] / 100), ramp),
        ai_opex=Flow(c["ai_opex_busd_per_year"] * 1e9 / 12, np.ones_like(t)),
        capex=Flow(c["ai_capex_busd_per_year"] * 1e9 / 12, capex_shape),
        depreciation=Flow(
            c["ai_capex_busd_per_year"] * 1e9 / 12,
            depreciation_shape(capex_shape, life_months(c["server_life_years"]), m),
        ),
    )
