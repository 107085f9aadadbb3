"""What the page says above the numbers: ignored link parts, broken presets, the
preset's description, and what the sliders changed from it."""

from __future__ import annotations

from typing import Final

import streamlit as st

from app.lineage import Lineage
from app.state import DEFAULT_PRESET_NOTE, PRESET_CHANGED, UNKNOWN_PRESET, choose_preset
from whatif import PresetSet, Scenario
from whatif.formatting import escape_markdown
from whatif.summary import changes

MAX_SHOWN_WARNINGS: Final = 12
MAX_SHOWN_CHANGES: Final = 6


def render_notices(presets: PresetSet, choice: str) -> None:
    preset = presets.presets.get(choice)
    if preset and st.session_state.get(PRESET_CHANGED):
        st.info(
            f"The preset “{escape_markdown(preset.name)}” was edited after this link was made, "
            "so the page shows its current values. To freeze numbers, share the complete link "
            "under *Share this scenario*.",
            icon=":material/history:",
        )
    why = st.session_state.get(DEFAULT_PRESET_NOTE)
    if preset and why:
        named = (
            "The preset this link names is not here (see below)"
            if why == UNKNOWN_PRESET
            else "This link names no preset"
        )
        st.info(
            f"{named}, so it starts from “{escape_markdown(preset.name)}” "
            "and applies the link's values over it.",
            icon=":material/info:",
        )
    warnings = st.session_state.get("link_warnings") or []
    if warnings:
        shown = "\n".join(f"- {escape_markdown(w)}" for w in warnings[:MAX_SHOWN_WARNINGS])
        more = len(warnings) - MAX_SHOWN_WARNINGS
        tail = f"\n- … and {more} more" if more > 0 else ""
        st.warning(
            f"**This link had parts that were ignored**; the rest of it applies:\n{shown}{tail}",
            icon=":material/link_off:",
        )
    if presets.errors:
        listed = "\n".join(f"- {escape_markdown(str(e))}" for e in presets.errors)
        st.error(
            f"**{len(presets.errors)} preset file(s) could not be loaded**; "
            f"the other presets work:\n{listed}",
            icon=":material/error:",
        )


def render_description(presets: PresetSet, lineage: Lineage) -> None:
    """The chosen preset's (or applied file's) name, description and sources, as text behind
    "About this scenario": closed, it leaves a phone's first screen to the sliders and KPIs."""
    preset = lineage.preset
    if not preset:
        return
    sources = "; ".join(f"“{escape_markdown(source)}”" for source in preset.sources)
    parent = presets.presets.get(preset.extends or "")
    based = f" *Based on “{escape_markdown(parent.name)}”.*" if parent else ""
    if lineage.file and lineage.parent and not parent:
        based = f" *Measured against “{escape_markdown(lineage.parent.name)}”.*"
    yours = " (your file, applied to this session only)" if lineage.file else ""
    # The label names the scenario: on a phone, where the sidebar is closed, it is the
    # only place that says which preset the numbers are for.
    about = f"About this scenario: {escape_markdown(preset.name)}{yours}"
    st.expander(about, icon=":material/info:").caption(
        f"**{escape_markdown(preset.name)}**{yours}: {escape_markdown(preset.description)}{based}"
        + (f"  \n**Sources:** {sources}" if sources else "")
    )


def render_changes(lineage: Lineage, scenario: Scenario) -> None:
    """What the sliders (or an applied file) changed from the preset, with a way back."""
    base = lineage.base
    # Always one container here, empty or not: an element that comes and goes would
    # shift every later element's position, and the browser would rebuild them all.
    slot = st.container()
    changed = changes(scenario, base)
    if not changed:
        return
    what = "; ".join(changed[:MAX_SHOWN_CHANGES])
    more = (
        f" and {len(changed) - MAX_SHOWN_CHANGES} more" if len(changed) > MAX_SHOWN_CHANGES else ""
    )
    col, button = slot.columns([5, 1], vertical_alignment="center")
    col.info(
        f"Changed from {escape_markdown(lineage.origin())}: {escape_markdown(what)}{more}",
        icon=":material/edit:",
    )
    button.button("Reset to preset", on_click=choose_preset, args=(lineage.preset_id, base))
