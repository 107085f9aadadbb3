"""One widget per advanced field, built from its metadata (label, unit, range, help)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from whatif import FieldSpec, Scenario
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


def field_widget(spec: FieldSpec, base: Scenario) -> Any:
    """One bound number input whose default is the preset's value, so the URL names only
    changes. (The headline fields are the live sliders of app/live_sliders.py.)"""
    kind = int if spec.is_int else float
    return st.number_input(
        label=field_label(spec),
        min_value=kind(spec.minimum),
        max_value=kind(spec.maximum),
        value=kind(getattr(base, spec.name)),
        step=kind(spec.step),
        key=spec.name,
        help=field_help(spec),
        bind="query-params",
        format=_number_format(spec),
    )
