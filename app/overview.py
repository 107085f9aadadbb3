"""The overview: KPI tiles, the four charts and the tables behind them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import pyarrow as pa
import streamlit as st

from whatif import FIELDS, Result, charts
from whatif.formatting import escape_markdown, payback_change
from whatif.links import format_number
from whatif.summary import kpi_tiles, year_table

PAYBACK_TILE: Final = "Payback"


def render_kpis(result: Result, reference: Result | None) -> None:
    """Seven tiles: the investor's four on the first row, the operating three below."""
    tiles = kpi_tiles(result, reference)
    for column, tile in zip([*st.columns(4), *st.columns(4)[:3]], tiles, strict=True):
        delta, colour = tile.delta, tile.delta_colour
        if tile.label == PAYBACK_TILE and reference:
            delta, better = payback_change(result.kpis.payback_month, reference.kpis.payback_month)
            # Streamlit points the arrow by the sign and colours it by delta_color:
            # a later payback ("+14 months") is red, an earlier one green.
            up = not (delta or "").startswith("-")
            colour = "normal" if better == up else "inverse"
        column.metric(
            tile.label, tile.value, delta=delta, delta_color=colour, help=tile.help, border=True
        )


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
        spec["config"] = charts.scaled_fonts(font_scale)
    # A stable key and an unchanging spec let the browser swap data in place.
    suffix = "" if height is None else f"_{height}"
    where.vega_lite_chart(spec=spec, width="stretch", key=f"chart_{name}{suffix}")
    where.caption(escape_markdown(drawing.caption))


# The chart that follows a held slider thumb with the KPIs (see app/live_sliders.settled).
LIVE_CHART: Final = "cash"


def render_charts(settled: Result, live: Result) -> None:
    """The four overview charts, two by two: the cash curve from the live result, the
    others from the result at the last release (the same one unless a thumb is held)."""
    for column, name in zip([*st.columns(2), *st.columns(2)], CHARTS, strict=True):
        render_chart(name, live if name == LIVE_CHART else settled, column)


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
