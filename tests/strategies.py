"""Hypothesis strategies over the valid scenario space, shared by the test tiers."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from whatif import FIELDS, Scenario


def _value(spec: Any) -> st.SearchStrategy[Any]:
    if spec.is_int:
        return st.integers(int(spec.minimum), int(spec.maximum))
    return st.floats(spec.minimum, spec.maximum, allow_nan=False, allow_infinity=False)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """Any valid Scenario, edges included (revenue is drawn at or above ad revenue)."""
    values = {spec.name: draw(_value(spec)) for spec in FIELDS}
    values["revenue_busd"] = draw(st.floats(values["ad_revenue_busd"], 5000))
    return Scenario(**values)
