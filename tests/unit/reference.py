"""A literal, loop-by-loop transcription of shared MODEL.md (version 2) to check evaluate().

Written the slow, obvious way on purpose: no numpy, no closed forms. Ratios over
less than a dollar are undefined, as whatif/model.py documents.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

from whatif import Scenario

# Each shipped preset's complete link as the version-1 page wrote it, with its numbers.
VERSION_1: Final = json.loads(
    (Path(__file__).parent / "data" / "version1_links.json").read_text(encoding="utf-8")
)


def reference(s: Scenario) -> dict[str, Any]:
    n = 12 * s.horizon_years
    share = s.in_house_share_pct / 100
    life = round(12 * s.server_life_years)
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
                "ad_lift": s.ad_revenue_busd * 1e9 / 12 * s.ad_conversion_lift_pct / 100 * ramp,
                "ai_opex": s.ai_opex_busd_per_year * 1e9 / 12,
                "capex": s.ai_capex_busd_per_year
                * 1e9
                / 12
                * (1 + s.capex_growth_pct_per_year / 100) ** (m // 12),
            }
        )
    for m, row in enumerate(rows):
        row["ad_profit"] = row["ad_lift"] * s.ad_lift_incremental_margin_pct / 100
        row["depreciation"] = sum(
            rows[k]["capex"] / life for k in range(max(0, m - life + 1), m + 1)
        )
        benefits = row["productivity"] + row["ad_profit"]
        costs = row["token_spend"] + row["ai_opex"]
        row["operating_impact"] = benefits - costs - row["depreciation"]
        row["net_cash"] = benefits - costs - row["capex"]
    total = {key: sum(r[key] for r in rows) for key in rows[0]}
    book_value = total["capex"] - total["depreciation"]
    costs = total["token_spend"] + total["ai_opex"] + total["capex"]
    benefits = total["productivity"] + total["ad_profit"] + book_value
    r = s.discount_rate_pct / 100
    npv = sum(row["net_cash"] / (1 + r) ** ((m + 1) / 12) for m, row in enumerate(rows))
    npv += book_value / (1 + r) ** s.horizon_years
    cumulative, payback = 0.0, None
    for m, row in enumerate(rows):
        cumulative += row["net_cash"]
        if cumulative >= 0:
            payback = m + 1
            break
    margins, eps = [], []
    for y in range(s.horizon_years):
        months = rows[12 * y : 12 * y + 12]
        impact = sum(r["operating_impact"] for r in months)
        eps.append(impact * (1 - s.tax_rate_pct / 100) / (s.diluted_shares_b * 1e9))
        revenue = s.revenue_busd * 1e9 + sum(r["ad_lift"] for r in months)
        income = s.revenue_busd * 1e9 * s.operating_margin_pct / 100 + sum(
            r["operating_impact"] for r in months
        )
        margins.append(income / revenue * 100 - s.operating_margin_pct if revenue >= 1 else None)
    return {
        "rows": rows,
        "roi_pct": (benefits - costs) / costs * 100 if costs >= 1 else None,
        "npv_usd": npv,
        "payback_month": payback,
        "book_value_end_usd": book_value,
        "margin_impact_pp": margins,
        "eps_impact_usd": eps,
    }
