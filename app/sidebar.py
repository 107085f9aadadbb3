"""The sidebar: the preset selector and the advanced assumptions, grouped."""

from __future__ import annotations

from typing import Final

import streamlit as st

from app.fields import field_widget
from app.lineage import Lineage
from app.presentation import presentation_toggle
from app.room import room_control
from app.state import (
    APPLIED,
    CHOICE,
    FILE_CHOICE,
    NO_PRESET,
    choose_preset,
    current_lineage,
    default_choice,
    on_preset_chosen,
    sync_address_bar,
)
from whatif import FIELDS, PresetSet
from whatif.formatting import escape_markdown
from whatif.scenario import GROUP_TITLES

ADVANCED_OPEN: Final = "advanced_open"


def sidebar(presets: PresetSet, present: bool) -> Lineage:
    """The sidebar: the preset selector, the advanced assumptions, the presentation switch;
    what the scenario is measured against (a preset, or an applied file over one).

    They sit outside the scenario fragment, so a headline slider move does not
    redraw them; changing one of them reruns the whole page. While presenting,
    the sidebar is hidden but drawn (its widgets keep their link parameters) and
    the switch moves to the header.
    """
    # Every scenario is a preset plus changes, so that its link reopens it exactly; only
    # a folder with no usable preset leaves the model's defaults.
    # While a file is applied, it is the first choice ("Bear + your file “Mine”").
    applied = [FILE_CHOICE] if APPLIED in st.session_state else []
    options = applied + (list(presets.presets) or [NO_PRESET])
    if st.session_state.get(CHOICE) not in options:
        st.session_state[CHOICE] = default_choice(presets)

    file_label = current_lineage(presets, FILE_CHOICE).selector_label() if applied else ""

    def name_of(preset_id: str) -> str:
        if preset_id == FILE_CHOICE:
            return file_label
        preset = presets.presets.get(preset_id)
        return preset.name if preset else "Model defaults (no preset file loads)"

    with st.sidebar:
        st.header("Scenario")
        choice = st.selectbox(
            "Preset",
            options,
            key=CHOICE,
            format_func=name_of,
            on_change=on_preset_chosen,
            args=(presets,),
            help="Choosing a preset sets every assumption to it (and leaves a file you applied).",
        )
        lineage = current_lineage(presets, choice)
        # Always here, in sight wherever the page is scrolled (the note's own button sits
        # below the payback curve); the sidebar is not redrawn as a slider moves, so it is
        # never disabled: with nothing changed, it changes nothing.
        st.button(
            "Reset all to preset",
            key="sidebar_reset",
            icon=":material/undo:",
            on_click=choose_preset,
            args=(lineage.preset_id, lineage.base),
            help="Sets every assumption, the five sliders included, back to the preset's value.",
        )
        if lineage.file:
            st.caption(
                f"**{escape_markdown(file_label)}**, applied to this session only. "
                "Choosing a preset leaves it."
            )
        if not present:
            presentation_toggle()
            room_control("sidebar")
        # Lazy: its 19 inputs are drawn only while it is open (docs/performance.md).
        advanced = st.expander("Advanced assumptions", key=ADVANCED_OPEN, on_change="rerun")
        if advanced.open:
            with advanced:
                for group, heading in GROUP_TITLES.items():
                    specs = [s for s in FIELDS if s.group == group and not s.headline]
                    if specs:
                        st.markdown(f"**{heading}**")
                        for spec in specs:
                            field_widget(spec)
    sync_address_bar(lineage.preset_id, lineage.base)
    return lineage
