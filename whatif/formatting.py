"""Numbers as executives read them: compact money, signed points, "n/a" for undefined."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Collection
from typing import Final, Literal

NOT_AVAILABLE: Final = "n/a"
_SCALES: Final = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))

Kind = Literal["usd", "usd_small", "pct", "pct_plain", "pp", "eps"]


def _steady(value: float) -> float:
    """The value to 14 significant digits, so that two computations of one number that
    differ only in float rounding (evaluate() on the page, the batch in a slider's sweep)
    show the same text even where it sits on a rounding tie: $3.915B is "$3.92B" (or
    "$3.91B") both ways, never one way at rest and the other while dragging."""
    return float(f"{value:.14g}")


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
    value_usd = _steady(value_usd)
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
    return _dollars(_steady(value_usd), plus="+")


EPS_UNIT: Final = "$ / share"


def format_kpi(value: float | None, kind: Kind) -> str:
    """One KPI value with its unit; undefined (None) or not finite (NaN, infinity) reads "n/a".

    A value that rounds to zero shows no minus sign: "-0.0%" would suggest a loss.
    """
    if value is None or not math.isfinite(value):
        return NOT_AVAILABLE
    if kind == "usd":
        return format_money(value)
    if kind == "eps":
        return format_eps(value)
    value = _steady(value)
    if kind == "usd_small":
        return _dollars(value)
    if kind == "pct":
        return f"{value:z,.1f}%"
    if kind == "pct_plain":
        return f"{value:z.2f}%"
    return f"{value:+z.2f} pp"


_MONEY_UNITS: Final = (("$B", 1e9), ("$K", 1e3), ("$", 1.0))
_SPOKEN: Final = ((" / year", " a year"), (" / month", " a month"))


def _significant(value: float, whole: bool) -> str:
    """Three significant digits (all of a whole number), with thousands separators."""
    if whole or abs(value) >= 100 or value == 0:
        return f"{round(value):,}"
    decimals = 2 - math.floor(math.log10(abs(value)))
    return f"{value:,.{decimals}f}".rstrip("0").rstrip(".")


def _spoken(unit: str) -> str:
    for written, said in _SPOKEN:
        unit = unit.replace(written, said)
    return unit


def format_quantity(value: float, unit: str, *, whole: bool = False) -> str:
    """A field's value in its unit as people write it: "$2.07B / year", "7.9% a year",
    "$5.00 / million tokens", "85,000 employees", "5.5 years"."""
    return format_span(value, None, unit, whole=whole)


def format_span(low: float, high: float | None, unit: str, *, whole: bool = False) -> str:
    """A value, or a low-to-high span with its unit said once: "$1.00 to $15.00 / million
    tokens", "1% to 5% more conversions", "30 to 120 trillion tokens a month"."""
    for prefix, scale in _MONEY_UNITS:
        if unit.startswith(prefix):
            values = [format_money(v * scale) for v in (low, high) if v is not None]
            return " to ".join(values) + unit[len(prefix) :]
    if unit.startswith("%"):
        values = [f"{_significant(v, whole)}%" for v in (low, high) if v is not None]
        return " to ".join(values) + _spoken(unit[1:])
    values = [_significant(v, whole) for v in (low, high) if v is not None]
    return " to ".join(values) + f" {_spoken(unit)}"


def payback_change(now: int | None, then: int | None) -> tuple[str | None, bool]:
    """The payback month's change against a reference, and whether it is for the better:
    ("+14 months", False), ("-3 months", True), ("never within horizon", False),
    ("now within horizon", True); (None, True) when it did not move."""
    if now == then:
        return None, True
    if now is None:
        return "never within horizon", False
    if then is None:
        return "now within horizon", True
    return f"{now - then:+,} months", now < then


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 46th."""
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def percentile_text(percentile: float) -> str:
    """Where the headline sits among its draws: "the 46th percentile" (1st to 99th)."""
    return f"the {ordinal(min(99, max(1, round(percentile))))} percentile"


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


def did_you_mean(name: str, known: Collection[str]) -> str:
    """ " (did you mean 'horizon_years'?)" when a known name is close to a misspelt one."""
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
