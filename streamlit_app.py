"""whatif: the executive page. Gather (link, preset, widgets) -> evaluate -> render.

Each part of the page lives in its own module under app/ (see app/state.py for
how the address bar and the widgets agree); this file only tells the story.
"""

from __future__ import annotations

import streamlit as st

from app.analysis_view import render_analysis
from app.headline import headline_sliders
from app.lineage import Lineage
from app.live_sliders import live_sliders, settled
from app.notices import render_changes, render_description, render_notices
from app.overview import render_charts, render_tables
from app.phone import phone_style
from app.presentation import TILE_ROWS_SHOWN, presenting, render_header, render_presentation
from app.room import (
    follow,
    leave_if_changed,
    news_in_fragment,
    presenter,
    publish,
    read_room_param,
    room_link,
)
from app.share import render_share, short_link
from app.sidebar import sidebar
from app.state import (
    WHOLE_PAGE,
    current_presets,
    failover_anchor,
    read_link_once,
)
from whatif import PresetSet, evaluate

st.set_page_config(
    page_title="whatif: AI spend, ROI and margin",
    page_icon=":material/monitoring:",
    layout="wide",
)


@st.fragment
def scenario_view(presets: PresetSet, lineage: Lineage, present: bool) -> None:
    """Everything a headline slider changes; moving one reruns only this fragment."""
    if st.session_state.pop(WHOLE_PAGE, False) or not news_in_fragment(presets):
        st.rerun(scope="app")
    base = lineage.base
    # gather
    scenario, held = headline_sliders(base)
    # compute
    result = evaluate(scenario)
    reference = evaluate(base) if scenario != base else None
    # a meeting: the presenter's released scenario goes to the room; a follower who
    # changes anything leaves it
    choice = lineage.preset_id or ""
    if not held:
        publish(scenario, choice)
    leave_if_changed(scenario, choice)
    # render
    if present:
        live_sliders(result, reference, base, rows=TILE_ROWS_SHOWN, chart=False, large=True)
        opened = presenter()
        link = room_link(opened.room_id) if opened else short_link(scenario, choice, base)
        render_presentation(result, link)
        return
    # While a thumb is held, the control's tiles and cash curve follow it; the rest waits
    # for the release (`settled` is the result then).
    live_sliders(result, reference, base)
    shown = settled(result, held)
    render_changes(lineage, scenario)
    render_analysis(shown, presets, lineage, render_charts)
    render_tables(shown)
    render_share(shown, lineage, presets)


def main() -> None:
    # gather: the presets, the link (once a session), the view, the sidebar's choices
    presets = current_presets()
    read_link_once(presets)
    read_room_param()
    # Before the sidebar: a room's scenario may set the preset selector's choice.
    follow(presets)
    present = presenting()
    lineage = sidebar(presets, present)
    # render what does not depend on the sliders, then everything that does
    if present:
        render_header(lineage.preset.name if lineage.preset else "Model defaults")
    else:
        phone_style()
        st.title("What does AI spending do to our ROI and operating margin?")
    render_notices(presets, lineage.preset_id)
    if not present:
        render_description(presets, lineage)
    scenario_view(presets, lineage, present)
    failover_anchor()


main()
