"""evaluate(): the monthly calculation of shared MODEL.md, vectorised with numpy.

Rules the specification leaves to us, decided as a finance analyst would:

- Capex is the same every month, so the straight-line vintage sum of MODEL.md
  (each month's capex over L months from the month it is spent) has the closed
  form capex x min(m + 1, L) / L; `_depreciation` computes exactly that.
- A ratio over less than one dollar is undefined (None): a year's operating
  margin (and margin impact) when its revenue with AI is under $1, ROI when
  costs are under $1, the share of loaded cost when the loaded cost is under
  $1. A ratio over nothing means nothing, and over a fraction of a cent it
  overflows. Cost per user-hour is undefined with no users; payback is None
  when cumulative net cash never turns non-negative within the horizon.
  Undefined is always None, never NaN or infinity.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Final, NamedTuple

import numpy as np
from numpy.typing import NDArray

from whatif.scenario import Scenario

HOURS_PER_YEAR: Final = 2080  # 52 weeks x 40 hours, MODEL.md's user-hour
MONTHLY_SERIES: Final = (
    "token_spend_usd",
    "vendor_token_spend_usd",
    "in_house_token_spend_usd",
    "productivity_value_usd",
    "ad_revenue_lift_usd",
    "ad_profit_usd",
    "capex_usd",
    "depreciation_usd",
    "operating_impact_usd",
    "net_cash_usd",
)

Series = NDArray[np.float64]
MIN_DENOMINATOR_USD: Final = 1.0


def _ratio_pct(numerator_usd: float, denominator_usd: float) -> float | None:
    """numerator / denominator x 100, or None over less than a dollar."""
    if denominator_usd < MIN_DENOMINATOR_USD:
        return None
    return numerator_usd / denominator_usd * 100


@dataclass(frozen=True)
class Monthly:
    """One value per month m = 0 .. 12H - 1 for each monthly quantity, in USD."""

    token_spend_usd: Series
    vendor_token_spend_usd: Series
    in_house_token_spend_usd: Series
    productivity_value_usd: Series
    ad_revenue_lift_usd: Series
    ad_profit_usd: Series
    capex_usd: Series
    depreciation_usd: Series
    operating_impact_usd: Series
    net_cash_usd: Series

    @property
    def months(self) -> int:
        return len(self.net_cash_usd)


class Year(NamedTuple):
    """One modelled year: sums of its twelve months, and its operating margin.

    A NamedTuple rather than a frozen dataclass: as immutable, and several times
    faster to build, which matters on evaluate()'s every-slider-move path.
    """

    year: int
    token_spend_usd: float
    vendor_token_spend_usd: float
    in_house_token_spend_usd: float
    productivity_value_usd: float
    ad_profit_usd: float
    ad_revenue_lift_usd: float
    depreciation_usd: float
    capex_usd: float
    operating_impact_usd: float
    net_cash_usd: float
    revenue_with_ai_usd: float
    baseline_operating_income_usd: float
    operating_income_with_ai_usd: float
    operating_margin_with_ai_pct: float | None
    margin_impact_pp: float | None


@dataclass(frozen=True)
class Kpis:
    """The headline results of MODEL.md (money in USD, None where undefined)."""

    token_spend_year1_usd: float
    token_cost_per_user_hour_usd: float | None
    token_cost_share_of_loaded_cost_pct: float | None
    productivity_value_year1_usd: float
    ad_profit_year1_usd: float
    depreciation_year1_usd: float
    operating_impact_year1_usd: float
    margin_impact_year1_pp: float | None
    margin_impact_final_year_pp: float | None
    roi_pct: float | None
    npv_usd: float
    payback_month: int | None
    book_value_end_usd: float


@dataclass(frozen=True)
class Result:
    """What evaluate() returns: the scenario, its monthly series, years and KPIs."""

    scenario: Scenario
    monthly: Monthly
    years: tuple[Year, ...]
    kpis: Kpis

    def cumulative_net_cash_usd(self) -> Series:
        return np.cumsum(self.monthly.net_cash_usd)


def _depreciation(capex_usd: Series, life_months: int) -> Series:
    """Straight-line depreciation of equal monthly vintages, each from its own month."""
    months = np.arange(1, len(capex_usd) + 1)
    return capex_usd * np.minimum(months, life_months) / life_months


def _monthly(s: Scenario) -> Monthly:
    months = 12 * s.horizon_years
    t = np.arange(months) / 12.0
    share = s.in_house_share_pct / 100
    tokens = s.tokens_per_month_t * 1e12 * (1 + s.token_growth_pct_per_year / 100) ** t
    price_factor = (1 - s.price_decline_pct_per_year / 100) ** t
    vendor = tokens / 1e6 * ((1 - share) * s.price_per_mtok_usd * price_factor)
    in_house = tokens / 1e6 * (share * s.in_house_cost_per_mtok_usd * price_factor)
    # MODEL.md prices the blend first; summing the two parts is the same spend
    # and lets the charts split vendor from in-house without a second pass.
    token_spend = vendor + in_house
    flat = np.ones(months)
    productivity = flat * (
        s.ai_users
        * s.loaded_cost_per_user_kusd
        * 1e3
        / 12
        * (s.productivity_gain_pct / 100)
        * (s.productivity_realization_pct / 100)
    )
    ad_lift = flat * (s.ad_revenue_busd * 1e9 / 12 * s.ad_conversion_lift_pct / 100)
    ad_profit = ad_lift * (s.ad_lift_incremental_margin_pct / 100)
    capex = flat * (s.ai_capex_busd_per_year * 1e9 / 12)
    depreciation = _depreciation(capex, round(12 * s.server_life_years))
    benefits = productivity + ad_profit
    return Monthly(
        token_spend_usd=token_spend,
        vendor_token_spend_usd=vendor,
        in_house_token_spend_usd=in_house,
        productivity_value_usd=productivity,
        ad_revenue_lift_usd=ad_lift,
        ad_profit_usd=ad_profit,
        capex_usd=capex,
        depreciation_usd=depreciation,
        operating_impact_usd=benefits - token_spend - depreciation,
        net_cash_usd=benefits - token_spend - capex,
    )


def _years(s: Scenario, monthly: Monthly) -> tuple[Year, ...]:
    # One reshape-and-sum for every series, then plain floats: the hot path stays in C.
    stacked = np.stack([getattr(monthly, name) for name in MONTHLY_SERIES])
    sums = dict(
        zip(
            MONTHLY_SERIES,
            stacked.reshape(len(MONTHLY_SERIES), -1, 12).sum(axis=2).tolist(),
            strict=True,
        )
    )
    revenue_usd = s.revenue_busd * 1e9
    baseline_income = revenue_usd * s.operating_margin_pct / 100
    years = []
    for i in range(s.horizon_years):
        revenue_with_ai = revenue_usd + sums["ad_revenue_lift_usd"][i]
        income_with_ai = baseline_income + sums["operating_impact_usd"][i]
        margin = _ratio_pct(income_with_ai, revenue_with_ai)
        years.append(
            Year(
                year=i + 1,
                **{name: values[i] for name, values in sums.items()},
                revenue_with_ai_usd=revenue_with_ai,
                baseline_operating_income_usd=baseline_income,
                operating_income_with_ai_usd=income_with_ai,
                operating_margin_with_ai_pct=margin,
                margin_impact_pp=None if margin is None else margin - s.operating_margin_pct,
            )
        )
    return tuple(years)


def _payback_month(net_cash_usd: Series) -> int | None:
    reached = np.flatnonzero(np.cumsum(net_cash_usd) >= 0)
    return int(reached[0]) + 1 if reached.size else None


def _kpis(s: Scenario, monthly: Monthly, years: tuple[Year, ...]) -> Kpis:
    book_value_end = float(monthly.capex_usd.sum() - monthly.depreciation_usd.sum())
    costs = float(monthly.token_spend_usd.sum() + monthly.capex_usd.sum())
    benefits = (
        float(monthly.productivity_value_usd.sum() + monthly.ad_profit_usd.sum()) + book_value_end
    )
    rate = s.discount_rate_pct / 100
    discount = (1 + rate) ** (np.arange(1, monthly.months + 1) / 12)
    npv = float((monthly.net_cash_usd / discount).sum()) + book_value_end / (
        (1 + rate) ** s.horizon_years
    )
    first = years[0]
    users = s.ai_users
    per_user = first.token_spend_usd / users if users else None
    return Kpis(
        token_spend_year1_usd=first.token_spend_usd,
        token_cost_per_user_hour_usd=None if per_user is None else per_user / HOURS_PER_YEAR,
        token_cost_share_of_loaded_cost_pct=(
            None if per_user is None else _ratio_pct(per_user, s.loaded_cost_per_user_kusd * 1e3)
        ),
        productivity_value_year1_usd=first.productivity_value_usd,
        ad_profit_year1_usd=first.ad_profit_usd,
        depreciation_year1_usd=first.depreciation_usd,
        operating_impact_year1_usd=first.operating_impact_usd,
        margin_impact_year1_pp=first.margin_impact_pp,
        margin_impact_final_year_pp=years[-1].margin_impact_pp,
        roi_pct=_ratio_pct(benefits - costs, costs),
        npv_usd=npv,
        payback_month=_payback_month(monthly.net_cash_usd),
        book_value_end_usd=book_value_end,
    )


def evaluate(scenario: Scenario) -> Result:
    """Run MODEL.md's monthly calculation for one scenario.

    Returns the monthly series, the yearly table and the headline KPIs. Every
    number is finite: the valid ranges keep sums far below float overflow.
    """
    monthly = _monthly(scenario)
    years = _years(scenario, monthly)
    return Result(
        scenario=scenario, monthly=monthly, years=years, kpis=_kpis(scenario, monthly, years)
    )


def result_to_json(result: Result) -> dict[str, Any]:
    """The MODEL.md machine-readable object: scenario, kpis and years (plain USD)."""
    contract_year_keys = (
        "year",
        "token_spend_usd",
        "productivity_value_usd",
        "ad_profit_usd",
        "ad_revenue_lift_usd",
        "depreciation_usd",
        "capex_usd",
        "operating_impact_usd",
        "net_cash_usd",
        "revenue_with_ai_usd",
        "operating_margin_with_ai_pct",
        "margin_impact_pp",
    )
    kpis = {f.name: getattr(result.kpis, f.name) for f in fields(Kpis)}
    return {
        "scenario": result.scenario.model_dump(),
        "kpis": kpis,
        "years": [{key: getattr(y, key) for key in contract_year_keys} for y in result.years],
    }
