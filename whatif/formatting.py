"""Numbers as executives read them: compact money, signed points, "n/a" for undefined."""

from __future__ import annotations

import math
import re
from typing import Final, Literal

NOT_AVAILABLE: Final = "n/a"
_SCALES: Final = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))

Kind = Literal["usd", "usd_small", "pct", "pct_plain", "pp", "eps"]


def _dollars(value_usd: float, decimals: int = 2, suffix: str = "", plus: str = "") -> str:
    """$1,234.50 or -$1.23M: the sign before the dollar, `plus` before a gain.

    The "z" option makes a loss that rounds to zero read $0.00, not -$0.00.
    """
    text = f"{value_usd:z,.{decimals}f}"
    sign, digits = ("-", text[1:]) if text.startswith("-") else (plus, text)
    return f"{sign}${digits}{suffix}"


def format_money(value_usd: float) -> str:
    """$10.8B, -$1.23M, $61.09: three significant digits from $999.50 up; "n/a" if not finite."""
    if not math.isfinite(value_usd):
        return NOT_AVAILABLE
    size = abs(value_usd)
    for scale, suffix in _SCALES:
        # 999.5 of a scale rounds up to 1.00 of the next one, so it is shown as that.
        if size >= scale * 0.9995:
            scaled = value_usd / scale
            decimals = 0 if abs(scaled) >= 99.95 else 1 if abs(scaled) >= 9.995 else 2
            return _dollars(scaled, decimals, suffix)
    return _dollars(value_usd)


def format_eps(value_usd: float) -> str:
    """A change in earnings per share, signed dollars and cents: +$1.24, -$3.13.

    The unit "per share" goes in the label beside it (EPS_UNIT), where it fits a tile.
    """
    if not math.isfinite(value_usd):
        return NOT_AVAILABLE
    return _dollars(value_usd, plus="+")


EPS_UNIT: Final = "$ / share"


def format_kpi(value: float | None, kind: Kind) -> str:
    """One KPI value with its unit; undefined (None) or not finite (NaN, infinity) reads "n/a".

    A value that rounds to zero shows no minus sign: "-0.0%" would suggest a loss.
    """
    if value is None or not math.isfinite(value):
        return NOT_AVAILABLE
    if kind == "usd":
        return format_money(value)
    if kind == "usd_small":
        return _dollars(value)
    if kind == "pct":
        return f"{value:z,.1f}%"
    if kind == "pct_plain":
        return f"{value:z.2f}%"
    if kind == "pp":
        return f"{value:+z.2f} pp"
    return format_eps(value)


_MARKDOWN_SPECIALS: Final = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:])")


def escape_markdown(text: str) -> str:
    """Text shown as itself in Markdown: no emphasis, links, HTML, LaTeX ($) or directives."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


SHOWN_CHARS: Final = 40


def shown(text: str, limit: int = SHOWN_CHARS) -> str:
    """Untrusted text (a link parameter, a JSON key) as safe to put in one line of a message:
    control and non-ASCII characters escaped, long text shortened."""
    text = text.encode("unicode_escape").decode("ascii")
    return text if len(text) <= limit else text[: limit - 1] + "…"
