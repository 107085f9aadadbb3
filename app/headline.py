"""The five headline sliders across the top, and the scenario the page evaluates."""

from __future__ import annotations

import streamlit as st
from pydantic import ValidationError

from app.fields import field_widget
from app.pricing import PRICE, price_calculator
from whatif import FIELDS, Scenario
from whatif.formatting import escape_markdown


def headline_sliders(base: Scenario) -> Scenario:
    """The five headline sliders across the top; the scenario they and the sidebar set."""
    headline = [spec for spec in FIELDS if spec.headline]
    for column, spec in zip(st.columns(len(headline)), headline, strict=True):
        with column:
            field_widget(spec, base)
            if spec.name == PRICE:
                price_calculator()
    values = {spec.name: st.session_state[spec.name] for spec in FIELDS}
    # Always present, so the elements below keep their places (see render_changes).
    problem = st.container()
    try:
        return Scenario.model_validate(values)
    except ValidationError as exc:
        # The widgets keep every range; only revenue below ad revenue can get here.
        reason = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        problem.error(
            f"{escape_markdown(reason)}. Until one of them changes, the numbers below take "
            "total revenue equal to ad revenue.",
            icon=":material/warning:",
        )
        values["revenue_busd"] = max(values["revenue_busd"], values["ad_revenue_busd"])
        return Scenario.model_validate(values)
