"""Share this scenario: the complete link, a preset file to download, one to apply."""

from __future__ import annotations

from functools import partial
from typing import Final

import streamlit as st

from app.json_editor import render_json_editor
from app.state import apply_to_session, show_message
from whatif import PresetSet, Scenario, encode_link
from whatif.presets import parse_preset_bytes, preset_document

UPLOAD_MESSAGE: Final = "upload_message"


def on_upload(presets: PresetSet) -> None:
    """Apply an uploaded preset to this session only; nothing is written anywhere."""
    upload = st.session_state.get("upload")
    if upload is not None:
        outcome = parse_preset_bytes(
            "uploaded", upload.getvalue(), file=upload.name, parents=presets.presets
        )
        apply_to_session(outcome, UPLOAD_MESSAGE, upload.name)


def render_share(scenario: Scenario, choice: str, presets: PresetSet) -> None:
    st.subheader("Share this scenario")
    left, right = st.columns([3, 2])
    with left:
        query = encode_link(scenario, choice or None)
        base_url = (st.context.url or "").split("?")[0]
        st.caption(
            "The complete link: every assumption is in it, so it shows the same "
            "numbers later even if the presets change. Use the copy button."
        )
        st.code(f"{base_url}?{query}", language=None, wrap_lines=True)
    with right:
        preset = presets.presets.get(choice)
        name = f"{preset.name} (edited)" if preset else "Custom scenario"
        st.download_button(
            "Download as a preset file (JSON)",
            # Written only when clicked, not on every slider move.
            partial(preset_document, name, "Saved from the whatif page.", scenario),
            file_name=f"{choice or 'scenario'}-custom.json",
            mime="application/json",
            icon=":material/download:",
            on_click="ignore",
        )
        st.file_uploader(
            "Apply a preset file",
            type=["json"],
            key="upload",
            on_change=on_upload,
            args=(presets,),
            help="Checked like the presets in the repository (at most 1 MB; it may extend "
            "one of them); applied to this session only, never saved.",
        )
        show_message(UPLOAD_MESSAGE)
        render_json_editor(scenario, name, presets)
