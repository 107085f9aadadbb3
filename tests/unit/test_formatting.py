"""Values as people write them, in break-even and sensitivity text."""

from __future__ import annotations

import pytest

from whatif.formatting import format_quantity, format_span, ordinal, percentile_text


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


def test_a_span_says_its_unit_once() -> None:
    assert format_span(1, 15, "$ / million tokens") == "$1.00 to $15.00 / million tokens"
    assert format_span(60, 135, "$B / year") == "$60.0B to $135B / year"
    assert format_span(1, 5, "% more conversions") == "1% to 5% more conversions"
    assert format_span(30, 120, "trillion tokens / month") == "30 to 120 trillion tokens a month"


@pytest.mark.parametrize(
    ("n", "text"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (11, "11th"), (22, "22nd"), (46, "46th")]
)
def test_ordinals(n: int, text: str) -> None:
    assert ordinal(n) == text


def test_a_percentile_is_a_whole_ordinal_from_the_1st_to_the_99th() -> None:
    assert percentile_text(45.6) == "the 46th percentile"
    assert percentile_text(0.0) == "the 1st percentile"
    assert percentile_text(100.0) == "the 99th percentile"
