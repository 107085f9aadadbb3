"""MODEL.md's monthly quantities, each written once, as an amount times a shape.

Every monthly quantity of shared MODEL.md (version 3) is a per-scenario amount
(what it is in month 1 at full run-rate) times a shape over the months:

- token spend: tokens x blended cost per token, x ((1 + growth)(1 - decline))^t
  (vendor and in-house parts share the shape, so the charts can split them);
- productivity value: the monthly run-rate x the ramp, min(1, (m + 1) / N);
- ad revenue lift, in two parts that add up to MODEL.md's one line
  (base x ((1 + g)^t x (1 + lift x ramp) - 1), with base = (1 + baseline growth)^t):
  the AI-driven ad growth, ad revenue x base x ((1 + g)^t - 1), and the conversion
  lift, ad revenue x lift x base x (1 + g)^t x ramp; ad profit is each x the margin;
- AI opex: a twelfth of the yearly amount, flat;
- capex: a twelfth of year 1's capex x the attributed share x (1 + capex growth)^floor(m / 12);
- depreciation: each month's capex enters service D months after it is spent; its
  server part is written off over L months and its building part over LB months;
- baseline revenue: a twelfth of the yearly revenue x base (not a cash flow of the
  programme; the yearly margins are measured against it).

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


def weighted_sums(shape: Array, weights: tuple[Array, ...]) -> list[Array]:
    """The sum over the months of `shape` times each of `weights`, per scenario ((rows, 1)).

    einsum multiplies and sums in one pass, without a months-wide temporary (and without
    BLAS, whose threads only contend on a busy two-core machine). When every weight is one
    row shared by all scenarios (as in Monte Carlo), the shape is read once for all of them.
    """
    if all(w.ndim == 2 and w.shape[0] == 1 for w in weights):
        stacked = np.einsum("...m,km->...k", shape, np.vstack(weights))
        return [stacked[..., k : k + 1] for k in range(len(weights))]
    return [np.einsum("...m,...m->...", *np.broadcast_arrays(shape, w))[..., None] for w in weights]


class Totals(NamedTuple):
    """Every quantity of `Flows` as numbers: monthly series, or weighted sums per scenario.

    The combinations of MODEL.md are written here once, for both.
    """

    vendor_token_spend: Array
    in_house_token_spend: Array
    productivity_value: Array
    ad_growth_revenue: Array
    ad_conversion_revenue: Array
    ad_growth_profit: Array
    ad_conversion_profit: Array
    ai_opex: Array
    capex: Array
    depreciation: Array
    baseline_revenue: Array

    @property
    def ad_revenue_lift(self) -> Array:
        """The extra ad revenue: AI-driven growth plus the conversion lift."""
        return self.ad_growth_revenue + self.ad_conversion_revenue

    @property
    def ad_profit(self) -> Array:
        return self.ad_growth_profit + self.ad_conversion_profit

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
        return self.with_depreciation(self.net_cash)

    def with_depreciation(self, net_cash: Array) -> Array:
        """The operating impact from the net cash (already summed, as evaluate() has it)."""
        return net_cash + self.capex - self.depreciation

    @property
    def book_value(self) -> Array:
        """Capex not yet depreciated (construction in progress at cost)."""
        return self.capex - self.depreciation

    def after_tax_cash(self, tax_rate_pct: Number, net_cash: Array | None = None) -> Array:
        """Net cash less the tax on the operating impact (a loss lowers the tax bill);
        from `net_cash` when the caller has it."""
        net = self.net_cash if net_cash is None else net_cash
        return net - tax_rate_pct / 100 * self.with_depreciation(net)


class Flows(NamedTuple):
    """Every monthly quantity of MODEL.md for one scenario or a batch."""

    vendor_token_spend: Flow
    in_house_token_spend: Flow
    productivity_value: Flow
    ad_growth_revenue: Flow
    ad_conversion_revenue: Flow
    ad_growth_profit: Flow
    ad_conversion_profit: Flow
    ai_opex: Flow
    capex: Flow
    depreciation: Flow
    baseline_revenue: Flow

    def series(self) -> Totals:
        """Each quantity month by month."""
        return Totals(*(flow.series() for flow in self))

    def totals(self, *weights: Array) -> tuple[Totals, ...]:
        """Each quantity's weighted sums over the months, per scenario, one Totals a weight.

        Flows that share a shape (vendor and in-house tokens, an ad lift's revenue and
        profit) share its sums.
        """
        sums: dict[int, list[Array]] = {}
        for flow in self:
            if id(flow.shape) not in sums:
                sums[id(flow.shape)] = weighted_sums(flow.shape, weights)
        return tuple(
            Totals(*(np.asarray(flow.amount * sums[id(flow.shape)][k]) for flow in self))
            for k in range(len(weights))
        )


def life_months(life_years: Number) -> Number:
    """A depreciation life in whole months, rounded half to even like Python's round()."""
    return np.rint(12 * np.asarray(life_years, dtype=np.float64))


def compounded(log_growth: Number, t: Array) -> Array:
    """(1 + g)^t as exp(t ln(1 + g)): the logarithm is taken once per scenario, not per month."""
    return np.exp(t * log_growth)


def ramp_shape(ramp_months: Number, m: Array) -> Array:
    """min(1, (m + 1) / N): month 1 earns 1/N of the run-rate, month N all of it; 1 for N = 0.

    N = 0 and N = 1 give the same shape, so N is floored at 1 instead of a branch.
    """
    return np.minimum(1.0, (m + 1) / np.maximum(ramp_months, 1.0))


def _running_before(before: Array, delay: Number, m: Array) -> Array:
    """The running total of each row up to month m - `delay` (0 before the first month).

    `before` holds one row per scenario: 0, then the running totals month by month.
    """
    months = before.shape[-1] - 1
    if np.size(delay) == 1:
        # One delay for every row (always so for one scenario): a shifted slice. A whole
        # number of months in a scenario; the root finder's in-between values round up,
        # as the indexing below does.
        lag = int(np.ceil(np.asarray(delay).flat[0]))
        shifted = np.zeros((*before.shape[:-1], months))
        if lag < months:
            shifted[..., lag:] = before[..., 1 : months - lag + 1]
        return shifted
    # Delays are never negative, so m - delay + 1 never passes the last month.
    index = np.maximum(m - delay + 1, 0).astype(np.intp)
    rows = np.broadcast_shapes(before.shape[:-1], index.shape[:-1])
    return np.take_along_axis(
        np.broadcast_to(before, (*rows, before.shape[-1])),
        np.broadcast_to(index, (*rows, index.shape[-1])),
        axis=-1,
    )


def depreciation_shape(
    capex_shape: Array, lag: Number, lives: tuple[tuple[Number, Number], ...], m: Array
) -> Array:
    """Straight-line depreciation of every month's capex, per unit of the capex amount.

    Capex spent in month k enters service in month k + D (D = `lag`); from then each
    (share, life) part of it writes off share / L a month for L months. Month m so
    writes off share / L of each vintage k with 0 <= m - k - D < L: a window sum of the
    capex shape, its running total at m - D less its running total at m - D - L.
    """
    before = np.concatenate(
        [np.zeros_like(capex_shape[..., :1]), np.cumsum(capex_shape, axis=-1)], axis=-1
    )
    end = _running_before(before, lag, m)
    shape: Array = np.zeros_like(end)
    for share, life in lives:
        if np.all(share == 0):
            continue  # no such assets: nothing to write off
        start = _running_before(before, np.asarray(lag) + life, m)
        shape = shape + share * (end - start) / life
    return shape


def discount_factors(rate: Number, m: Array) -> Array:
    """1 / (1 + r)^((m + 1) / 12): each month's cash is discounted at the month's end."""
    return np.asarray(1 / (1 + rate) ** ((m + 1) / 12))


def per_share(amount_usd: Number, diluted_shares_b: Number) -> Any:
    """An amount in USD per diluted share."""
    return amount_usd / (diluted_shares_b * 1e9)


def eps_impact(operating_impact_usd: Number, tax_rate_pct: Number, diluted_shares_b: Number) -> Any:
    """The change in diluted EPS, USD per share: the operating impact after tax over the shares.

    The tax applies both ways: a loss from AI lowers the tax of a company that is
    profitable overall, so it reduces EPS by the loss less its tax shield.
    """
    return per_share(operating_impact_usd * (1 - tax_rate_pct / 100), diluted_shares_b)


def flows(c: Mapping[str, Number], m: Array) -> Flows:
    """MODEL.md's monthly quantities for the scenario fields `c` over months `m` (0-based)."""
    t = m / 12
    share = c["in_house_share_pct"] / 100
    tokens_m = c["tokens_per_month_t"] * 1e12 / 1e6  # millions of tokens in month 1
    spend_shape = compounded(
        np.log1p(c["token_growth_pct_per_year"] / 100)
        + np.log1p(-c["price_decline_pct_per_year"] / 100),
        t,
    )
    ramp = ramp_shape(c["benefit_ramp_months"], m)
    productivity = (
        c["ai_users"]
        * c["loaded_cost_per_user_kusd"]
        * 1e3
        / 12
        * (c["productivity_gain_pct"] / 100)
        * (c["productivity_realization_pct"] / 100)
    )
    log_base = np.log1p(c["baseline_growth_pct_per_year"] / 100)
    base = compounded(log_base, t)
    grown = compounded(log_base + np.log1p(c["ai_ad_growth_pct_per_year"] / 100), t)
    ad_revenue = c["ad_revenue_busd"] * 1e9 / 12
    conversions = ad_revenue * (c["ad_conversion_lift_pct"] / 100)
    margin = c["ad_lift_incremental_margin_pct"] / 100
    growth_shape = grown - base  # base x ((1 + g)^t - 1)
    conversion_shape = grown * ramp
    capex = c["ai_capex_busd_per_year"] * 1e9 / 12 * (c["capex_attributed_pct"] / 100)
    # Capex grows once a model year: twelve equal months a year, so each year's factor is
    # computed once and repeated.
    years = np.floor(t[..., ::12])
    capex_shape = np.repeat(
        compounded(np.log1p(c["capex_growth_pct_per_year"] / 100), years), 12, axis=-1
    )
    buildings = c["buildings_share_pct"] / 100
    lives = (
        (1 - buildings, life_months(c["server_life_years"])),
        (buildings, life_months(c["buildings_life_years"])),
    )
    return Flows(
        vendor_token_spend=Flow(tokens_m * (1 - share) * c["price_per_mtok_usd"], spend_shape),
        in_house_token_spend=Flow(tokens_m * share * c["in_house_cost_per_mtok_usd"], spend_shape),
        productivity_value=Flow(productivity, ramp),
        ad_growth_revenue=Flow(ad_revenue, growth_shape),
        ad_conversion_revenue=Flow(conversions, conversion_shape),
        ad_growth_profit=Flow(ad_revenue * margin, growth_shape),
        ad_conversion_profit=Flow(conversions * margin, conversion_shape),
        ai_opex=Flow(c["ai_opex_busd_per_year"] * 1e9 / 12, np.ones_like(t)),
        capex=Flow(capex, capex_shape),
        depreciation=Flow(
            capex, depreciation_shape(capex_shape, c["in_service_lag_months"], lives, m)
        ),
        baseline_revenue=Flow(c["revenue_busd"] * 1e9 / 12, base),
    )
