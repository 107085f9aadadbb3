"""A literal, loop-by-loop transcription of shared MODEL.md (version 3) to check evaluate().

Written the slow, obvious way on purpose: no numpy, no closed forms. Ratios over
less than a dollar are undefined, as whatif/model.py documents.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

from whatif import Scenario


def _links(version: int) -> Any:
    path = Path(__file__).parent / "data" / f"version{version}_links.json"
    return json.loads(path.read_text(encoding="utf-8"))


# Each shipped preset's complete Share link as the version-1 and version-2 pages wrote
# it, with the numbers it gave then (see ARCHITECTURE.md: every link format is a fixture).
VERSION_1: Final = _links(1)
VERSION_2: Final = _links(2)


def reference(s: Scenario) -> dict[str, Any]:
    n = 12 * s.horizon_years
    share = s.in_house_share_pct / 100
    life = round(12 * s.server_life_years)
    building_life = round(12 * s.buildings_life_years)
    buildings = s.buildings_share_pct / 100
    lag = s.in_service_lag_months
    ramp_n = s.benefit_ramp_months
    rows = []
    for m in range(n):
        ramp = 1 if ramp_n == 0 else min(1, (m + 1) / ramp_n)
        t = m / 12
        tokens = s.tokens_per_month_t * 1e12 * (1 + s.token_growth_pct_per_year / 100) ** t
        vendor_price = s.price_per_mtok_usd * (1 - s.price_decline_pct_per_year / 100) ** t
        own_cost = s.in_house_cost_per_mtok_usd * (1 - s.price_decline_pct_per_year / 100) ** t
        cost = (1 - share) * vendor_price + share * own_cost
        rows.append(
            {
                "token_spend": tokens / 1e6 * cost,
                "productivity": s.ai_users
                * s.loaded_cost_per_user_kusd
                * 1e3
                / 12
                * s.productivity_gain_pct
                / 100
                * s.productivity_realization_pct
                / 100
                * ramp,
                "ad_lift": s.ad_revenue_busd
                * 1e9
                / 12
                * (1 + s.baseline_growth_pct_per_year / 100) ** t
                * (
                    (1 + s.ai_ad_growth_pct_per_year / 100) ** t
                    * (1 + s.ad_conversion_lift_pct / 100 * ramp)
                    - 1
                ),
                "baseline_revenue": s.revenue_busd
                * 1e9
                / 12
                * (1 + s.baseline_growth_pct_per_year / 100) ** t,
                "ai_opex": s.ai_opex_busd_per_year * 1e9 / 12,
                "capex": s.ai_capex_busd_per_year
                * 1e9
                / 12
                * (1 + s.capex_growth_pct_per_year / 100) ** (m // 12)
                * s.capex_attributed_pct
                / 100,
            }
        )
    for m, row in enumerate(rows):
        row["ad_profit"] = row["ad_lift"] * s.ad_lift_incremental_margin_pct / 100
        row["depreciation"] = 0.0
        for k in range(m + 1):
            in_service = m - k - lag
            if 0 <= in_service < life:
                row["depreciation"] += rows[k]["capex"] * (1 - buildings) / life
            if 0 <= in_service < building_life:
                row["depreciation"] += rows[k]["capex"] * buildings / building_life
        benefits = row["productivity"] + row["ad_profit"]
        costs = row["token_spend"] + row["ai_opex"]
        row["operating_impact"] = benefits - costs - row["depreciation"]
        row["net_cash"] = benefits - costs - row["capex"]
        row["after_tax_cash"] = row["net_cash"] - s.tax_rate_pct / 100 * row["operating_impact"]
    total = {key: sum(r[key] for r in rows) for key in rows[0]}
    book_value = total["capex"] - total["depreciation"]
    costs = total["token_spend"] + total["ai_opex"] + total["capex"]
    benefits = total["productivity"] + total["ad_profit"] + book_value
    r = s.discount_rate_pct / 100
    npv = sum(row["net_cash"] / (1 + r) ** ((m + 1) / 12) for m, row in enumerate(rows))
    npv += book_value / (1 + r) ** s.horizon_years
    npv_after_tax = sum(
        row["after_tax_cash"] / (1 + r) ** ((m + 1) / 12) for m, row in enumerate(rows)
    )
    npv_after_tax += book_value / (1 + r) ** s.horizon_years
    cumulative, payback = 0.0, None
    for m, row in enumerate(rows):
        cumulative += row["net_cash"]
        if cumulative >= 0:
            payback = m + 1
            break
    margins, eps, free_cash, invested, roic = [], [], [], [], []
    for y in range(s.horizon_years):
        months = rows[12 * y : 12 * y + 12]
        impact = sum(r["operating_impact"] for r in months)
        eps.append(impact * (1 - s.tax_rate_pct / 100) / (s.diluted_shares_b * 1e9))
        baseline = sum(r["baseline_revenue"] for r in months)
        revenue = baseline + sum(r["ad_lift"] for r in months)
        income = baseline * s.operating_margin_pct / 100 + impact
        margins.append(income / revenue * 100 - s.operating_margin_pct if revenue >= 1 else None)
        free_cash.append(sum(r["after_tax_cash"] for r in months))
        so_far = rows[: 12 * y + 12]
        invested.append(sum(r["capex"] for r in so_far) - sum(r["depreciation"] for r in so_far))
        average = ((invested[y - 1] if y else 0.0) + invested[y]) / 2
        after_tax = impact * (1 - s.tax_rate_pct / 100)
        roic.append(after_tax / average * 100 if average >= 1 else None)
    return {
        "rows": rows,
        "roi_pct": (benefits - costs) / costs * 100 if costs >= 1 else None,
        "npv_usd": npv,
        "npv_after_tax_usd": npv_after_tax,
        "npv_per_share_usd": npv_after_tax / (s.diluted_shares_b * 1e9),
        "price_impact_year1_usd": s.pe_multiple * eps[0],
        "payback_month": payback,
        "book_value_end_usd": book_value,
        "margin_impact_pp": margins,
        "eps_impact_usd": eps,
        "free_cash_flow_usd": free_cash,
        "invested_capital_usd": invested,
        "roic_pct": roic,
    }
