"""Share this scenario: the complete link, a preset file to download, one to apply."""

from __future__ import annotations

from functools import partial
from typing import Final

import streamlit as st

from app.state import CHOICE, NO_PRESET, set_fields_everywhere
from whatif import PresetSet, Scenario, encode_link
from whatif.formatting import escape_markdown
from whatif.presets import PresetError, parse_preset_bytes, preset_document

UPLOAD_MESSAGE: Final = "upload_message"


def on_upload() -> None:
    """Apply an uploaded preset to this session only; nothing is written anywhere."""
    upload = st.session_state.get("upload")
    if upload is None:
        return
    outcome = parse_preset_bytes("uploaded", upload.getvalue(), file=upload.name)
    if isinstance(outcome, PresetError):
        st.session_state[UPLOAD_MESSAGE] = ("error", str(outcome))
        return
    st.session_state[CHOICE] = NO_PRESET
    set_fields_everywhere(outcome.scenario)
    st.session_state[UPLOAD_MESSAGE] = (
        "success",
        f"Applied {upload.name} ({outcome.name}) to this session; nothing was saved.",
    )


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
            help="Checked like the presets in the repository, at most 1 MB; "
            "applied to this session only, never saved.",
        )
        message = st.session_state.pop(UPLOAD_MESSAGE, None)
        if message:
            kind, text = message
            (st.error if kind == "error" else st.success)(escape_markdown(text))
