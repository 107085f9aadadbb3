"""Sample documents shared by the test tiers."""

from __future__ import annotations

from typing import Any, Final

# A price book of one model priced as in MODEL.md's worked check.
ONE_MODEL_BOOK: Final[dict[str, Any]] = {
    "as_of": "2026-11-25",
    "models": {
        "frontier": {
            "name": "Frontier",
            "vendor": "Vendor",
            "input": 5,
            "output": 25,
            "cached_input": 0.5,
            "source": "The vendor's published price page",
        }
    },
}


# The default page's KPI tiles (meta-2025), written by hand as an executive reads them:
# the page and browser tiers assert these literally, never through the app's formatter.
# Update them here, in one place, when a preset or the model changes its numbers.
DEFAULT_TILES: Final[dict[str, str]] = {
    # The investor row: per share, the price, earnings, return on capital.
    "Value per share, after tax": "-$12.86",
    "Share-price effect at 22.5x P/E": "+$7.09",  # 22.5 x the +$0.32 of EPS
    "EPS impact, year 1 ($ / share)": "+$0.32",
    "ROIC, year 5 (hurdle 9%)": "2.5%",
    # The programme row.
    "NPV at 9%": "-$30.2B",
    "ROI over 5 years": "6.6%",
    "Payback": "> 5 years",
    "Margin impact, year 1": "-0.95 pp",
    # The token row.
    "Token spend, year 1": "$3.17B",
    "Token cost per user-hour": "$19.30",
    "Free cash flow, year 1": "-$66.3B",
}
