"""What the page does differently on a phone (a screen under 640 px wide), in CSS only.

On a 390 x 844 phone the first screen must reach the first row of KPI tiles: the
title shrinks and starts below Streamlit's header bar, the preset's description
waits behind "About this scenario" (app/notices.py), the live control lays its
sliders out one a line and its tiles two by two (its own CSS, app/live_sliders.css),
and the price calculator ("Blend from models", an analyst's tool for a wide screen)
is left out; the price slider stays. The metrics in the analysis and compare tabs
also stand two by two.
The analysis tabs stay on one row and scroll sideways within it, so the page
itself never scrolls sideways.
"""

from __future__ import annotations

from typing import Final

import streamlit as st

# A row of columns with a button and no KPI tile: a notice and its button.
_NOTICE_ROW: Final = (
    '[data-testid="stHorizontalBlock"]:has([data-testid="stButton"])'
    ':not(:has([data-testid="stMetric"]))'
)
PHONE_STYLE: Final = """<style>
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-top: 4rem; } /* below the header */
  [data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.5rem; }
  [data-testid="stHorizontalBlock"] { gap: 0.25rem; }
  h1 { font-size: 1.2rem !important; padding: 0 0 0.25rem !important; }
  [data-testid="stHorizontalBlock"]:has([data-testid="stMetric"]) {
    flex-wrap: wrap !important; gap: 0.5rem !important; }
  [data-testid="stHorizontalBlock"]:has([data-testid="stMetric"]) > [data-testid="stColumn"] {
    min-width: calc(50% - 0.25rem) !important; flex: 1 1 calc(50% - 0.25rem) !important; }
  [data-testid="stMetricValue"] > div { font-size: 1.3rem !important; line-height: 1.1; }
  [data-testid="stMetricLabel"] { min-height: 0 !important; }
  [data-testid="stMetricLabel"] p { font-size: 0.8rem !important; }
  [data-testid="stMetric"] { padding: 0.25rem 0.5rem !important; }
  [data-testid="stMetric"] > div { gap: 0 !important; }
  [data-testid="stPopover"] { display: none !important; }
  /* A notice and its button ("Stop following", "Reset to preset") share one row. */
  NOTICE_ROW {
    flex-wrap: nowrap !important; align-items: center; }
  NOTICE_ROW
    > [data-testid="stColumn"] { min-width: 0 !important; }
  NOTICE_ROW
    > [data-testid="stColumn"]:last-child { flex: 0 0 auto !important; width: auto !important; }
  [data-testid="stAlert"] { padding: 0.5rem 0.75rem !important; }
  [data-testid="stTabs"] [role="tablist"] { flex-wrap: nowrap !important; overflow-x: auto; }
}
</style>""".replace("NOTICE_ROW", _NOTICE_ROW)


def phone_style() -> None:
    st.html(PHONE_STYLE)
