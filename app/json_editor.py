"""Edit as JSON: the scenario as a preset document, edited and applied to this session only.

The text follows the page until someone edits it; applying it checks it like a
preset file (a syntax error is named with its line and column, a bad value with
its field and rule), sets the fields for this session, and offers the text as a
download. Nothing is ever written to the presets folder.
"""

from __future__ import annotations

from typing import Final

import streamlit as st

from app.lineage import Lineage
from app.state import apply_to_session, show_message
from whatif import PresetSet, Scenario
from whatif.presets import parse_preset

TEXT: Final = "json_text"
SHOWN: Final = "json_shown"  # the document last generated from the page
MESSAGE: Final = "json_message"
FILE: Final = "the edited JSON"


def apply_json(presets: PresetSet) -> None:
    outcome = parse_preset(
        "edited", st.session_state[TEXT], FILE, parents=presets.presets, broken=presets.broken
    )
    apply_to_session(outcome, MESSAGE, FILE)


def render_json_editor(scenario: Scenario, lineage: Lineage, presets: PresetSet) -> None:
    """A lazy expander: nothing is built until it is opened."""
    box = st.expander("Edit as JSON", key="json_open", on_change="rerun", icon=":material/code:")
    if not box.open:
        return
    document = lineage.document(scenario)
    if st.session_state.get(TEXT) in (None, st.session_state.get(SHOWN)):
        st.session_state[TEXT] = document  # not edited yet: follow the page
    st.session_state[SHOWN] = document
    box.text_area(
        "The scenario as a preset file",
        key=TEXT,
        height=320,
        on_change="ignore",
        help='The same format as the files in assets/presets ("extends" may name a preset). '
        "Applying it changes this session only.",
    )
    apply, download = box.columns(2)
    apply.button(
        "Apply to this session",
        on_click=apply_json,
        args=(presets,),
        icon=":material/play_arrow:",
        type="primary",
    )
    download.download_button(
        "Download this JSON",
        st.session_state[TEXT],
        file_name="scenario.json",
        mime="application/json",
        icon=":material/download:",
        on_click="ignore",
    )
    show_message(MESSAGE, box)
