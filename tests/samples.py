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
