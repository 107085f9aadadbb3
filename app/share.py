"""Share this scenario: the complete link, a preset file to download, one to apply."""

from __future__ import annotations

from functools import partial
from typing import Final

import streamlit as st

from app.json_editor import render_json_editor
from app.lineage import Lineage
from app.state import apply_to_session, show_message
from whatif import PresetSet, Result, Scenario, encode_link
from whatif.links import FINGERPRINT_PARAM
from whatif.presets import fingerprint, parse_preset_bytes

UPLOAD_MESSAGE: Final = "upload_message"
SHARE_OPEN: Final = "share_open"


def on_upload(presets: PresetSet) -> None:
    """Apply an uploaded preset to this session only; nothing is written anywhere."""
    upload = st.session_state.get("upload")
    if upload is not None:
        outcome = parse_preset_bytes(
            "uploaded",
            upload.getvalue(),
            file=upload.name,
            parents=presets.presets,
            broken=presets.broken,
        )
        apply_to_session(outcome, UPLOAD_MESSAGE, upload.name)


def complete_link(scenario: Scenario, choice: str) -> str:
    """The page's address with every field: the same numbers whatever happens to the presets."""
    base_url = (st.context.url or "").split("?")[0]
    return f"{base_url}?{encode_link(scenario, choice or None)}"


def short_link(scenario: Scenario, preset_id: str, base: Scenario) -> str:
    """The page's address with the preset and only the fields that differ from it (small
    enough for a QR code read from across a room), and the preset's fingerprint, so the
    link says so if the preset is edited later."""
    base_url = (st.context.url or "").split("?")[0]
    query = encode_link(scenario, preset_id or None, base=base if preset_id else None)
    stamp = f"&{FINGERPRINT_PARAM}={fingerprint(base)}" if preset_id else ""
    return f"{base_url}?{query}{stamp}"


def brief_bytes(result: Result, lineage: Lineage, link: str) -> bytes:
    """The one-page PDF of what the page shows; called only when the button is clicked."""
    from whatif.brief import BriefInput, brief_pdf  # noqa: PLC0415 (heavy, on click)

    preset = lineage.preset
    return brief_pdf(
        BriefInput(
            result=result,
            title=lineage.title(result.scenario),
            origin=lineage.origin(),
            description=preset.description if preset else "A scenario from the whatif page.",
            link=link,
            base=lineage.parent.scenario if lineage.parent else None,
        )
    )


def render_share(result: Result, lineage: Lineage, presets: PresetSet) -> None:
    """A lazy expander: the link box, the downloads and the upload box are drawn only while
    it is open, so neither the first load nor a slider move pays for them (see
    docs/performance.md). The address bar carries the scenario meanwhile."""
    box = st.expander(
        "Share this scenario: the complete link, a one-page brief (PDF), preset files",
        key=SHARE_OPEN,
        on_change="rerun",
        icon=":material/share:",
    )
    if box.open:
        with box:
            _share(result, lineage, presets)


def _share(result: Result, lineage: Lineage, presets: PresetSet) -> None:
    scenario = result.scenario
    choice = lineage.preset_id
    left, right = st.columns([3, 2])
    link = complete_link(scenario, choice)
    with left:
        st.caption(
            "The complete link: every assumption is in it, so it shows the same "
            "numbers later even if the presets change. Use the copy button."
        )
        st.code(link, language=None, wrap_lines=True)
        st.download_button(
            "Download brief (PDF)",
            # Typeset only when clicked, never on a slider move.
            partial(brief_bytes, result, lineage, link),
            file_name=f"whatif-brief-{choice or 'scenario'}.pdf",
            mime="application/pdf",
            icon=":material/picture_as_pdf:",
            on_click="ignore",
            help="One landscape page: the KPIs, two charts, every assumption with its source, "
            "and this link in full and as a QR code.",
        )
    with right:
        st.download_button(
            "Download as a preset file (JSON)",
            # Written only when clicked, not on every slider move.
            partial(lineage.document, scenario),
            file_name=f"{choice or 'scenario'}-custom.json",
            mime="application/json",
            icon=":material/download:",
            on_click="ignore",
            help="Name, description, sources, ranges and correlations as the page has them, "
            "and the values that differ from the preset it extends. `whatif presets check` "
            "accepts it, and applying it here gives the same numbers.",
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
        render_json_editor(scenario, lineage, presets)
