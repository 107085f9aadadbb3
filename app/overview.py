"""The overview: KPI tiles, the four charts and the tables behind them."""

from __future__ import annotations

import streamlit as st

from whatif import FIELDS, Result, charts
from whatif.formatting import escape_markdown
from whatif.links import format_number
from whatif.summary import kpi_tiles, year_table


def render_kpis(result: Result, reference: Result | None) -> None:
    """Seven tiles: the investor's four on the first row, the operating three below."""
    tiles = kpi_tiles(result, reference)
    for column, tile in zip([*st.columns(4), *st.columns(4)[:3]], tiles, strict=True):
        column.metric(
            tile.label,
            tile.value,
            delta=tile.delta,
            delta_color=tile.delta_colour,
            help=tile.help,
            border=True,
        )


def render_charts(result: Result) -> None:
    """The four overview charts, two by two, each with its one-line answer below it."""
    drawings = {
        "bridge": charts.income_bridge(result),
        "cash": charts.cumulative_cash(result),
        "margin": charts.margin_by_year(result),
        "flows": charts.benefits_and_costs(result),
    }
    columns = [*st.columns(2), *st.columns(2)]
    for column, (name, drawing) in zip(columns, drawings.items(), strict=True):
        # A stable key and an unchanging spec let the browser swap data in place.
        column.vega_lite_chart(spec=drawing.to_dict(), width="stretch", key=f"chart_{name}")
        column.caption(escape_markdown(drawing.caption))


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
