"""The presentation view (`?view=present`): the page on a meeting room's big screen.

Built for a 1920 x 1080 screen read from the back of the room, all of it on one
screen without scrolling: no sidebar and no intro text, the five sliders, the KPI
values half again as large, one overview chart at a time (chosen on the page, its
text at least 16 px) with its answer, and beside it a QR code of the scenario's
short link, so everyone in the room can open the same scenario on a phone.

The sidebar is hidden with CSS rather than left out: Streamlit forgets a widget
that is not drawn, and the preset selector's choice must survive the switch.
"""

from __future__ import annotations

import base64
from typing import Final

import streamlit as st

from app.overview import CHARTS, render_chart
from app.room import room_control
from whatif import Result
from whatif.formatting import escape_markdown
from whatif.links import VIEW_PARAM, local_host
from whatif.qr import QUIET_ZONE, qr_svg

PRESENT: Final = "present"
TOGGLE: Final = "presentation_toggle"
CHART: Final = "presentation_chart"
CHART_HEIGHT: Final = 250
CHART_FONT_SCALE: Final = 1.6  # Vega's smallest default text, 10 px, becomes 16 px
TILE_ROWS_SHOWN: Final = 2  # the investor's row and the programme's: room for two
# A phone at the back of the room reads a code a sixth of the screen's height tall.
QR_PX: Final = 320
STYLE: Final = f"""<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stPopover"] {{ display: none !important; }}
[data-testid="stMainBlockContainer"] {{ padding: 1rem 3rem 0; max-width: 100%; }}
[data-testid="stCaptionContainer"] {{ font-size: 1.1rem !important; }}
.whatif-qr {{ text-align: center; font-size: 1rem; color: #5b6470; }}
.whatif-qr img {{ width: {QR_PX}px; height: {QR_PX}px; display: block; margin: 0 auto 4px;
  image-rendering: pixelated; }}
</style>"""


def presenting() -> bool:
    return st.query_params.get(VIEW_PARAM) == PRESENT


def _switch() -> None:
    """The toggle's callback: show or leave the presentation view (the address says which)."""
    if st.session_state.get(TOGGLE):
        st.query_params[VIEW_PARAM] = PRESENT
    elif VIEW_PARAM in st.query_params:
        del st.query_params[VIEW_PARAM]


def presentation_toggle() -> None:
    """The switch, in the sidebar in the normal view and in the header when presenting."""
    st.session_state[TOGGLE] = presenting()
    st.toggle(
        "Presentation view",
        key=TOGGLE,
        on_change=_switch,
        help="For the big screen in a meeting: large numbers, one chart at a time and a "
        "QR code of this scenario. The address gets ?view=present.",
    )


def render_header(title: str) -> None:
    """The compact heading of the presentation view: what scenario this is, and the way out."""
    st.html(STYLE)
    name, room, toggle = st.columns([4, 1, 1], vertical_alignment="center")
    name.subheader(escape_markdown(title), anchor=False)
    with room:
        room_control("header")
    with toggle:
        presentation_toggle()


def render_presentation(result: Result, link: str) -> None:
    """One chart at a time with its answer, and beside it the QR code of `link`."""
    chart, code = st.columns([3, 1], vertical_alignment="center")
    with chart:
        chosen = st.segmented_control(
            "Chart",
            list(CHARTS),
            default="cash",
            format_func=lambda name: CHARTS[name][0],
            key=CHART,
            required=True,
            label_visibility="collapsed",
        )
        render_chart(chosen or "cash", result, height=CHART_HEIGHT, font_scale=CHART_FONT_SCALE)
    # An SVG image, not inline SVG (which st.html's sanitiser removes): still vector, with
    # its white quiet zone drawn in, so a phone finds the code on any background.
    svg = base64.b64encode(qr_svg(link, border=QUIET_ZONE).encode()).decode()
    code.html(
        f'<div class="whatif-qr"><img alt="QR code of this scenario\'s link" '
        f'src="data:image/svg+xml;base64,{svg}"/>Scan to open this scenario</div>'
    )
    local = local_host(link)
    if local:
        code.warning(
            f"This link's address, {escape_markdown(local)}, works only on this computer: "
            "phones in the room cannot open it. Open the page at an address they can reach.",
            icon=":material/wifi_off:",
        )
