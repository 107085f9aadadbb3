"""evaluate(): the monthly calculation of shared MODEL.md (version 3) for one scenario.

The formulas live in `whatif.flows`, shared with the batch path; this module
turns them into monthly series, the yearly table and the headline KPIs.

Rules the specification leaves to us, decided as a finance analyst would:

- A ratio over less than one dollar is undefined (None): a year's operating
  margin (and margin impact) when its revenue with AI is under $1, ROI when
  costs are under $1, the share of loaded cost when the loaded cost is under
  $1. A ratio over nothing means nothing, and over a fraction of a cent it
  overflows. Cost per user-hour is undefined with no users; payback is None
  when cumulative net cash never turns non-negative within the horizon.
  Undefined is always None, never NaN or infinity.
- The EPS impact taxes the AI impact at the company's rate in both directions:
  a loss from AI lowers the tax of a company that is profitable overall, so a
  negative operating impact reduces EPS by the impact less its tax shield.
- Ramp-up applies to the benefits only (productivity value and the conversion
  lift): the token bill, AI opex and capex are spent in full from month 1, and the
  AI-driven ad growth compounds from month 0 (MODEL.md).
- ROIC follows the same rule: undefined when the year's average invested capital
  is under $1 (MODEL.md says null at or below zero; a fraction of a cent of capital
  gives no meaningful return either).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Final, NamedTuple

import numpy as np
from numpy.typing import NDArray

from whatif.flows import Totals, discount_factors, eps_impact, flows, per_share
from whatif.scenario import Scenario

HOURS_PER_YEAR: Final = 2080  # 52 weeks x 40 hours, MODEL.md's user-hour

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
    ad_growth_revenue_usd: Series
    ad_conversion_revenue_usd: Series
    ad_revenue_lift_usd: Series
    ad_growth_profit_usd: Series
    ad_conversion_profit_usd: Series
    ad_profit_usd: Series
    ai_opex_usd: Series
    capex_usd: Series
    depreciation_usd: Series
    operating_impact_usd: Series
    net_cash_usd: Series
    after_tax_cash_usd: Series
    baseline_revenue_usd: Series

    @property
    def months(self) -> int:
        return len(self.net_cash_usd)


MONTHLY_SERIES: Final = tuple(f.name for f in fields(Monthly))


class Year(NamedTuple):
    """One modelled year: sums of its twelve months, and its operating margin.

    A NamedTuple rather than a frozen dataclass: as immutable, and several times
    faster to build, which matters on evaluate()'s every-slider-move path.
    """

    year: int
    # The sums of the monthly series, in Monthly's order (built positionally).
    token_spend_usd: float
    vendor_token_spend_usd: float
    in_house_token_spend_usd: float
    productivity_value_usd: float
    ad_growth_revenue_usd: float
    ad_conversion_revenue_usd: float
    ad_revenue_lift_usd: float
    ad_growth_profit_usd: float
    ad_conversion_profit_usd: float
    ad_profit_usd: float
    ai_opex_usd: float
    capex_usd: float
    depreciation_usd: float
    operating_impact_usd: float
    net_cash_usd: float
    free_cash_flow_usd: float  # the sum of the after-tax cash
    baseline_revenue_usd: float
    revenue_with_ai_usd: float
    baseline_operating_income_usd: float
    operating_income_with_ai_usd: float
    operating_margin_with_ai_pct: float | None
    margin_impact_pp: float | None
    eps_impact_usd: float
    invested_capital_usd: float  # the programme's net book value at the year's end
    roic_pct: float | None


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
    ai_opex_year1_usd: float
    eps_impact_year1_usd: float
    eps_impact_final_year_usd: float
    npv_after_tax_usd: float
    npv_per_share_usd: float
    price_impact_year1_usd: float
    free_cash_flow_year1_usd: float
    roic_final_year_pct: float | None


@dataclass(frozen=True)
class Result:
    """What evaluate() returns: the scenario, its monthly series, years and KPIs."""

    scenario: Scenario
    monthly: Monthly
    years: tuple[Year, ...]
    kpis: Kpis

    def cumulative_net_cash_usd(self) -> Series:
        return np.cumsum(self.monthly.net_cash_usd)


def scenario_values(s: Scenario) -> dict[str, float]:
    """Every field as a float, the input `whatif.flows.flows()` takes."""
    return {name: float(value) for name, value in s}


def _monthly(v: Totals, tax_rate_pct: float) -> Monthly:
    net_cash = v.net_cash  # summed once: the impact and the after-tax cash start from it
    return Monthly(
        token_spend_usd=v.token_spend,
        vendor_token_spend_usd=v.vendor_token_spend,
        in_house_token_spend_usd=v.in_house_token_spend,
        productivity_value_usd=v.productivity_value,
        ad_growth_revenue_usd=v.ad_growth_revenue,
        ad_conversion_revenue_usd=v.ad_conversion_revenue,
        ad_revenue_lift_usd=v.ad_revenue_lift,
        ad_growth_profit_usd=v.ad_growth_profit,
        ad_conversion_profit_usd=v.ad_conversion_profit,
        ad_profit_usd=v.ad_profit,
        ai_opex_usd=v.ai_opex,
        capex_usd=v.capex,
        depreciation_usd=v.depreciation,
        operating_impact_usd=v.with_depreciation(net_cash),
        net_cash_usd=net_cash,
        after_tax_cash_usd=v.after_tax_cash(tax_rate_pct, net_cash),
        baseline_revenue_usd=v.baseline_revenue,
    )


def _year_sums(monthly: Monthly) -> list[list[float]]:
    """Each year's sum of every monthly series, as plain floats: [year][series]. One
    reshape-and-sum for every series at once: the hot path stays in C."""
    stacked = np.stack([getattr(monthly, name) for name in MONTHLY_SERIES])
    sums: list[list[float]] = stacked.reshape(len(MONTHLY_SERIES), -1, 12).sum(axis=-1).T.tolist()
    return sums


_AT: Final = {name: i for i, name in enumerate(MONTHLY_SERIES)}  # a series' place in a year


def _years(s: Scenario, per_year: list[list[float]]) -> tuple[Year, ...]:
    at = _AT
    margin_pct = s.operating_margin_pct
    years = []
    invested_before = 0.0
    invested = 0.0
    for i, sums in enumerate(per_year, start=1):
        baseline_revenue = sums[at["baseline_revenue_usd"]]
        impact = sums[at["operating_impact_usd"]]
        revenue_with_ai = baseline_revenue + sums[at["ad_revenue_lift_usd"]]
        baseline_income = baseline_revenue * margin_pct / 100
        income_with_ai = baseline_income + impact
        margin = _ratio_pct(income_with_ai, revenue_with_ai)
        invested += sums[at["capex_usd"]] - sums[at["depreciation_usd"]]
        after_tax_impact = impact * (1 - s.tax_rate_pct / 100)
        years.append(
            Year._make(
                (
                    i,
                    *sums[: at["net_cash_usd"] + 1],
                    sums[at["after_tax_cash_usd"]],
                    baseline_revenue,
                    revenue_with_ai,
                    baseline_income,
                    income_with_ai,
                    margin,
                    None if margin is None else margin - margin_pct,
                    eps_impact(impact, s.tax_rate_pct, s.diluted_shares_b),
                    invested,
                    _ratio_pct(after_tax_impact, (invested_before + invested) / 2),
                )
            )
        )
        invested_before = invested
    return tuple(years)


def _payback_month(net_cash_usd: Series) -> int | None:
    reached = np.flatnonzero(np.cumsum(net_cash_usd) >= 0)
    return int(reached[0]) + 1 if reached.size else None


def _present_value(
    s: Scenario, monthly_usd: Series, discounts: Series, book_value_usd: float
) -> float:
    """MODEL.md's NPV of a monthly cash series: each month discounted at its end (by
    `discounts`, `whatif.flows.discount_factors`), plus the book value left at the horizon,
    discounted from its end."""
    rate = s.discount_rate_pct / 100
    return float((monthly_usd * discounts).sum()) + book_value_usd / (1 + rate) ** s.horizon_years


def _kpis(
    s: Scenario, series: Totals, monthly: Monthly, months: Series, years: tuple[Year, ...]
) -> Kpis:
    book_value_end = float(series.book_value.sum())
    costs = float(series.cash_costs.sum())
    net_cash = monthly.net_cash_usd
    discounts = discount_factors(s.discount_rate_pct / 100, months)
    npv_after_tax = _present_value(s, monthly.after_tax_cash_usd, discounts, book_value_end)
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
        # Benefits (with the book value left) less costs: net cash plus the book value.
        roi_pct=_ratio_pct(float(net_cash.sum()) + book_value_end, costs),
        npv_usd=_present_value(s, net_cash, discounts, book_value_end),
        payback_month=_payback_month(net_cash),
        book_value_end_usd=book_value_end,
        ai_opex_year1_usd=first.ai_opex_usd,
        eps_impact_year1_usd=first.eps_impact_usd,
        eps_impact_final_year_usd=years[-1].eps_impact_usd,
        npv_after_tax_usd=npv_after_tax,
        npv_per_share_usd=per_share(npv_after_tax, s.diluted_shares_b),
        price_impact_year1_usd=s.pe_multiple * first.eps_impact_usd,
        free_cash_flow_year1_usd=first.free_cash_flow_usd,
        roic_final_year_pct=years[-1].roic_pct,
    )


def evaluate(scenario: Scenario) -> Result:
    """Run MODEL.md's monthly calculation for one scenario.

    Returns the monthly series, the yearly table and the headline KPIs. Every
    number is finite: the valid ranges keep sums far below float overflow.
    """
    months = np.arange(12 * scenario.horizon_years, dtype=np.float64)
    series = flows(scenario_values(scenario), months).series()
    monthly = _monthly(series, scenario.tax_rate_pct)
    years = _years(scenario, _year_sums(monthly))
    return Result(
        scenario=scenario,
        monthly=monthly,
        years=years,
        kpis=_kpis(scenario, series, monthly, months, years),
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
        "ai_opex_usd",
        "eps_impact_usd",
        "baseline_revenue_usd",
        "free_cash_flow_usd",
        "invested_capital_usd",
        "roic_pct",
    )
    kpis = {f.name: getattr(result.kpis, f.name) for f in fields(Kpis)}
    return {
        "scenario": result.scenario.model_dump(),
        "kpis": kpis,
        "years": [{key: getattr(y, key) for key in contract_year_keys} for y in result.years],
    }
