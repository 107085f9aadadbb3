"""The overview: the charts below the live control, and the tables behind them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import pyarrow as pa
import streamlit as st

from whatif import FIELDS, Result, charts
from whatif.formatting import escape_markdown
from whatif.links import format_number
from whatif.summary import year_table

# The overview charts by key, with the short name the presentation view offers.
CHARTS: Final[dict[str, tuple[str, Callable[[Result], charts.Drawing]]]] = {
    "bridge": ("Where income goes", charts.income_bridge),
    "cash": ("Payback", charts.cumulative_cash),
    "margin": ("Operating margin", charts.margin_by_year),
    "flows": ("Benefits and costs", charts.benefits_and_costs),
}


def render_chart(
    name: str, result: Result, where: Any = st, height: int | None = None, font_scale: float = 1
) -> None:
    """One overview chart with its one-line answer below it (taller and larger when asked)."""
    drawing = CHARTS[name][1](result)
    # Rows go to Streamlit as Arrow tables: from a list of dicts it would build a pandas
    # frame per dataset first, which was half of a slider move's server time.
    datasets = {key: pa.Table.from_pylist(rows) for key, rows in drawing.datasets.items()}
    spec = {**drawing.spec, "datasets": datasets}
    if height:
        spec["height"] = height
    if font_scale != 1:
        spec = charts.for_big_screen(spec, font_scale)
    # A stable key and an unchanging spec let the browser swap data in place.
    suffix = "" if height is None else f"_{height}"
    where.vega_lite_chart(spec=spec, width="stretch", key=f"chart_{name}{suffix}")
    where.caption(escape_markdown(drawing.caption))


# The chart the live control draws with the tiles (app/live_sliders.py), not drawn here.
LIVE_CHART: Final = "cash"


def render_charts(settled: Result) -> None:
    """The overview charts other than the payback curve, from the result at the last
    release (the current one unless a thumb is held): the income bridge across the page,
    wide enough to print each step's amount on its bar, then the other two side by side."""
    bridge, *pair = [name for name in CHARTS if name != LIVE_CHART]
    render_chart(bridge, settled)
    for column, name in zip(st.columns(2), pair, strict=True):
        render_chart(name, settled, column)


def render_tables(result: Result) -> None:
    # Lazy expanders: their tables are built only while open.
    years = st.expander("Year by year", key="years_open", on_change="rerun")
    if years.open:
        years.dataframe(year_table(result), hide_index=True)
    sources = st.expander("Assumptions and their sources", key="sources_open", on_change="rerun")
    if sources.open:
        sources.dataframe(
            [
                {
                    "Assumption": s.label,
                    "Value": format_number(getattr(result.scenario, s.name), s),
                    "Unit": s.unit,
                    "Source": s.source,
                    "Link parameter": s.name,
                }
                for s in FIELDS
            ],
            hide_index=True,
        )
