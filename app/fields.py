"""One widget per advanced field, built from its metadata (label, unit, range, help)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from app.state import input_key
from whatif import FieldSpec
from whatif.formatting import escape_markdown


def field_label(spec: FieldSpec) -> str:
    # Labels are our own text with at most one "$", so Markdown shows them as written.
    return f"{spec.label} ({spec.unit})"


def field_help(spec: FieldSpec) -> str:
    return escape_markdown(spec.help) + "\n\n**Source:** " + escape_markdown(spec.source)


def _number_format(spec: FieldSpec) -> str:
    if spec.is_int:
        return "%d"
    return f"%.{spec.decimals}f"


def _copy_to_field(name: str) -> None:
    st.session_state[name] = st.session_state[input_key(name)]


def field_widget(spec: FieldSpec) -> Any:
    """The number input of an advanced field. It shows the field's value (session state
    under the field's name) and copies a change back there; the page writes the URL."""
    key = input_key(spec.name)
    # The input mirrors its field: the field may have changed while the input was not
    # drawn (a preset chosen, a link read), or Streamlit may have forgotten the input.
    if st.session_state.get(key) != st.session_state[spec.name]:
        st.session_state[key] = st.session_state[spec.name]
    kind = int if spec.is_int else float
    return st.number_input(
        label=field_label(spec),
        min_value=kind(spec.minimum),
        max_value=kind(spec.maximum),
        step=kind(spec.step),
        key=key,
        help=field_help(spec),
        format=_number_format(spec),
        on_change=_copy_to_field,
        args=(spec.name,),
    )
