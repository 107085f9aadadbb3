"""The headline sliders' values, the price calculator, and the scenario the page evaluates.

The sliders themselves are drawn with the tiles, once the page is evaluated
(`app.live_sliders.live_sliders`)."""

from __future__ import annotations

import streamlit as st
from pydantic import ValidationError

from app.live_sliders import held_thumb, refusal
from app.pricing import PRICE, price_calculator
from app.state import sync_field_params
from whatif import FIELDS, HEADLINE_FIELDS, Scenario
from whatif.formatting import escape_markdown


def headline_sliders(base: Scenario) -> tuple[Scenario, bool]:
    """The scenario the live sliders and the sidebar set, and whether a thumb is still
    held (then the address bar waits for the release)."""
    held = held_thumb(base)
    with st.columns(len(HEADLINE_FIELDS))[HEADLINE_FIELDS.index(PRICE)]:
        price_calculator()
    values = {spec.name: st.session_state[spec.name] for spec in FIELDS}
    # Always present, so the elements below keep their places (see render_changes).
    problem = st.container()
    refused = refusal()
    if refused:
        problem.warning(
            "A slider sent a value the page cannot use, so the slider went back: "
            f"{escape_markdown(refused)}.",
            icon=":material/block:",
        )
    try:
        scenario = Scenario.model_validate(values)
    except ValidationError as exc:
        # The widgets keep every range; only revenue below ad revenue can get here.
        reason = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        problem.error(
            f"{escape_markdown(reason)}. Until one of them changes, the numbers below take "
            "total revenue equal to ad revenue.",
            icon=":material/warning:",
        )
        values["revenue_busd"] = max(values["revenue_busd"], values["ad_revenue_busd"])
        scenario = Scenario.model_validate(values)
    if not held:
        sync_field_params(scenario, base)
    return scenario, held
