"""Numbers as a reader sees them: every expected string below is written by hand.

The page, the CLI and the brief all show numbers through whatif/formatting.py, and
the app and browser tests compare with it; so a rounding slip here is what every
reader sees, and only hand-written text catches it. The boundaries are where the
shown form changes: 0.9995 of a scale moves up a scale, 9.995 drops a decimal,
99.95 drops another.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from whatif.formatting import (
    Kind,
    format_eps,
    format_kpi,
    format_money,
    format_quantity,
    format_span,
    ordinal,
    percentile_text,
    shown,
)

NAN, INF = math.nan, math.inf
# Pairs, not a dict: 0 and -0.0 are equal keys, and both must be shown right.
Table = list[tuple[float, str]]

MONEY: Table = [
    # Below a thousand: dollars and cents.
    (0, "$0.00"),
    (-0.0, "$0.00"),
    (0.004, "$0.00"),
    (-0.004, "$0.00"),  # a loss that rounds to nothing is no loss
    (-0.006, "-$0.01"),
    (0.9995, "$1.00"),
    (61.0929, "$61.09"),
    (999.49, "$999.49"),
    (-999.49, "-$999.49"),
    # 0.9995 of a thousand reads as the thousand it rounds to.
    (999.5, "$1.00K"),
    (-999.5, "-$1.00K"),
    (1_000, "$1.00K"),
    (9_994.9, "$9.99K"),
    (9_995, "$10.0K"),
    (9_995.1, "$10.0K"),
    (99_949, "$99.9K"),
    (99_950, "$100K"),
    (-99_950, "-$100K"),
    (999_499, "$999K"),
    (999_500, "$1.00M"),
    # Millions.
    (1_234_567, "$1.23M"),
    (-1_234_567, "-$1.23M"),
    (9_994_999, "$9.99M"),
    (9_995_000, "$10.0M"),
    (-9_995_000, "-$10.0M"),
    (99_949_999, "$99.9M"),
    (99_950_000, "$100M"),
    (999_499_999, "$999M"),
    (999_500_000, "$1.00B"),
    (-999_500_000, "-$1.00B"),
    # Billions: the default page's token bill and NPV live here.
    (3_174_900_000, "$3.17B"),  # one decimal here would read $3.2B
    (9_994_999_999, "$9.99B"),
    (9_995_000_000, "$10.0B"),
    (10_800_000_000, "$10.8B"),
    (-12_345_678_901, "-$12.3B"),
    (99_949_999_999, "$99.9B"),
    (99_950_000_000, "$100B"),
    (999_499_999_999, "$999B"),
    (999_500_000_000, "$1.00T"),
    # Trillions, the largest scale: past 999.5T it keeps counting trillions.
    (9_994_999_999_999, "$9.99T"),
    (9_995_000_000_000, "$10.0T"),
    (99_949_999_999_999, "$99.9T"),
    (99_950_000_000_000, "$100T"),
    (-99_950_000_000_000, "-$100T"),
    (999_500_000_000_000, "$1,000T"),
    (1_234_600_000_000_000, "$1,235T"),
    # Not numbers.
    (NAN, "n/a"),
    (INF, "n/a"),
    (-INF, "n/a"),
]

EPS: Table = [
    (0, "+$0.00"),
    (-0.0, "+$0.00"),
    (-0.004, "+$0.00"),
    (-0.006, "-$0.01"),
    (0.9995, "+$1.00"),
    (1.236, "+$1.24"),
    (-3.126, "-$3.13"),
    (9.9951, "+$10.00"),
    (99.951, "+$99.95"),
    (1_234.5678, "+$1,234.57"),
    (-1_234.5678, "-$1,234.57"),
    (NAN, "n/a"),
    (INF, "n/a"),
    (-INF, "n/a"),
]

# format_kpi by kind ("usd" and "eps" are format_money and format_eps, above).
KPI: dict[Kind, Table] = {
    "usd": MONEY,
    "eps": EPS,
    "usd_small": [
        (0, "$0.00"),
        (-0.0, "$0.00"),
        (-0.004, "$0.00"),
        (0.9995, "$1.00"),
        (61.0929, "$61.09"),
        (-2.5, "-$2.50"),
        (999.5, "$999.50"),  # a price per hour is never compacted
        (1_234.567, "$1,234.57"),
        (1_000_000, "$1,000,000.00"),
        (NAN, "n/a"),
        (INF, "n/a"),
        (-INF, "n/a"),
    ],
    "pct": [
        (0, "0.0%"),
        (-0.0, "0.0%"),
        (-0.04, "0.0%"),
        (-0.06, "-0.1%"),
        (0.9995, "1.0%"),
        (9.94, "9.9%"),
        (9.96, "10.0%"),
        (25.4096, "25.4%"),
        (99.949, "99.9%"),
        (99.951, "100.0%"),
        (-12.34, "-12.3%"),
        (1_234.56, "1,234.6%"),
        (NAN, "n/a"),
        (INF, "n/a"),
        (-INF, "n/a"),
    ],
    "pct_plain": [
        (0, "0.00%"),
        (-0.0, "0.00%"),
        (-0.004, "0.00%"),
        (0.9995, "1.00%"),
        (41.44, "41.44%"),
        (41.4449, "41.44%"),
        (99.951, "99.95%"),
        (-1_234.567, "-1234.57%"),
        (NAN, "n/a"),
        (INF, "n/a"),
        (-INF, "n/a"),
    ],
    "pp": [
        (0, "+0.00 pp"),
        (-0.0, "+0.00 pp"),
        (-0.004, "+0.00 pp"),
        (-0.006, "-0.01 pp"),
        (0.9995, "+1.00 pp"),
        (1.236, "+1.24 pp"),
        (-3.5, "-3.50 pp"),
        (99.951, "+99.95 pp"),
        (NAN, "n/a"),
        (INF, "n/a"),
        (-INF, "n/a"),
    ],
}


@pytest.mark.parametrize(("value", "shown"), MONEY, ids=[repr(v) for v, _ in MONEY])
def test_money_shows_three_significant_digits_with_a_scale(value: float, shown: str) -> None:
    assert format_money(value) == shown


@pytest.mark.parametrize(("value", "shown"), EPS, ids=[repr(v) for v, _ in EPS])
def test_eps_shows_signed_dollars_and_cents(value: float, shown: str) -> None:
    assert format_eps(value) == shown


@pytest.mark.parametrize(
    ("kind", "value", "shown"),
    [(kind, value, shown) for kind, table in KPI.items() for value, shown in table],
    ids=[f"{kind}-{value!r}" for kind, table in KPI.items() for value, _ in table],
)
def test_each_kind_of_kpi_reads_as_written_by_hand(kind: Kind, value: float, shown: str) -> None:
    assert format_kpi(value, kind) == shown


@pytest.mark.parametrize("kind", list(KPI))
def test_an_undefined_kpi_reads_n_a(kind: Kind) -> None:
    assert format_kpi(None, kind) == "n/a"


@given(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(list(KPI)))
def test_no_kpi_ever_reads_nan_or_inf(value: float, kind: Kind) -> None:
    shown = format_kpi(value, kind)
    assert "nan" not in shown.lower() and "inf" not in shown.lower()
    assert (shown == "n/a") is (not math.isfinite(value))


@pytest.mark.parametrize(
    ("text", "seen"),
    [
        ("x" * 40, "x" * 40),  # exactly the limit: whole
        ("x" * 41, "x" * 39 + "…"),  # one over: cut to the limit, ellipsis included
        ("colour=red", "colour=red"),
        ("a\nb\x1b[31m", "a\\nb\\x1b[31m"),  # control characters cannot break the line
        ("prix€", "prix\\u20ac"),
    ],
)
def test_untrusted_text_is_shown_escaped_and_at_most_40_characters(text: str, seen: str) -> None:
    assert shown(text) == seen


@pytest.mark.parametrize(
    ("value", "unit", "whole", "written"),
    [
        (2.0712, "$B / year", False, "$2.07B / year"),
        (7.9, "% / year", False, "7.9% a year"),
        (4.0, "% / year", False, "4% a year"),
        (5.0, "$ / million tokens", False, "$5.00 / million tokens"),
        (450.0, "$K / year", False, "$450K / year"),
        (85_000.0, "employees", True, "85,000 employees"),
        (303.8, "trillion tokens / month", False, "304 trillion tokens a month"),
        (5.5, "years", False, "5.5 years"),
        (-19.0, "% more output", False, "-19% more output"),
        (0.0, "% of tokens", False, "0% of tokens"),
        (41.44, "%", False, "41.4%"),
    ],
)
def test_a_value_reads_as_people_write_it(
    value: float, unit: str, whole: bool, written: str
) -> None:
    assert format_quantity(value, unit, whole=whole) == written


def test_a_value_is_whole_only_when_asked() -> None:
    assert format_quantity(5.5, "years") == "5.5 years"
    assert format_quantity(7.6, "months", whole=True) == "8 months"
    assert format_span(1.5, 4.5, "% more conversions") == "1.5% to 4.5% more conversions"
    assert format_span(7.6, 12.4, "% / year", whole=True) == "8% to 12% a year"
    assert format_span(7.6, 12.4, "months", whole=True) == "8 to 12 months"


def test_a_span_says_its_unit_once() -> None:
    assert format_span(1, 15, "$ / million tokens") == "$1.00 to $15.00 / million tokens"
    assert format_span(60, 135, "$B / year") == "$60.0B to $135B / year"
    assert format_span(1, 5, "% more conversions") == "1% to 5% more conversions"
    assert format_span(30, 120, "trillion tokens / month") == "30 to 120 trillion tokens a month"


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (22, "22nd"),
        (46, "46th"),
        (101, "101st"),
        (111, "111th"),
    ],
)
def test_ordinals(n: int, text: str) -> None:
    assert ordinal(n) == text


def test_a_percentile_is_a_whole_ordinal_from_the_1st_to_the_99th() -> None:
    assert percentile_text(45.6) == "the 46th percentile"
    assert percentile_text(0.0) == "the 1st percentile"
    assert percentile_text(100.0) == "the 99th percentile"
