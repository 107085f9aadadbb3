"""The page's decision-analysis tabs: break-even, sensitivity, map, comparison, uncertainty.

Tabs are lazy (`on_change="rerun"`): only the open tab computes, so a slider
move on the Overview pays nothing for the analyses. Each analysis is cached by
the scenario's complete link (an exact, hashable key), the preset's ranges and
its correlations. The Compare tab lives in app/compare_view.py.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from app.compare_view import render_compare
from app.lineage import Lineage
from whatif import FIELDS, FIELDS_BY_NAME, PresetSet, Result, Scenario
from whatif import analysis_charts as charts
from whatif.analysis import (
    DEFAULT_MAP_FIELDS,
    DEFAULT_SEED,
    BreakEven,
    NpvGrid,
    Ranges,
    Simulation,
    Swing,
    break_evens,
    npv_grid,
    percentiles,
    sensitivity,
    simulate,
)
from whatif.batch import Array
from whatif.correlations import Correlation
from whatif.formatting import (
    EPS_UNIT,
    Kind,
    escape_markdown,
    format_kpi,
    format_money,
    percentile_text,
)
from whatif.links import decode_link, encode_link
from whatif.reports import break_even_sentence, field_quantity
from whatif.scenario_sets import Member

TABS = ("Overview", "Break-even", "Sensitivity", "Break-even map", "Compare", "Uncertainty")


def _scenario(link: str) -> Scenario:
    return decode_link(link, {}).scenario


@st.cache_data(show_spinner=False, max_entries=64)
def _break_evens(link: str) -> list[BreakEven]:
    return break_evens(_scenario(link))


@st.cache_data(show_spinner=False, max_entries=64)
def _sensitivity(link: str, ranges: tuple[tuple[str, tuple[float, float]], ...]) -> list[Swing]:
    return sensitivity(_scenario(link), dict(ranges))


@st.cache_data(show_spinner=False, max_entries=64)
def _grid(link: str, x_field: str, y_field: str) -> NpvGrid:
    return npv_grid(_scenario(link), x_field, y_field)


@st.cache_data(show_spinner=False, max_entries=64)
def _simulation(
    link: str,
    ranges: tuple[tuple[str, tuple[float, float]], ...],
    correlations: tuple[Correlation, ...],
) -> Simulation:
    return simulate(_scenario(link), dict(ranges), seed=DEFAULT_SEED, correlations=correlations)


def render_break_even(link: str) -> None:
    found = _break_evens(link)
    st.markdown(
        "**What would you need to believe for this to pay?** Each business lever moved "
        "alone over its whole valid range, the others held:"
    )
    # Levers with a break-even first: those are the beliefs to test.
    ordered = sorted(found, key=lambda b: b.value is None)
    st.markdown("\n".join(f"- {escape_markdown(break_even_sentence(b))}" for b in ordered))


def render_sensitivity(link: str, ranges: Ranges, result: Result) -> None:
    swings = _sensitivity(link, tuple(sorted(ranges.items())))
    st.altair_chart(charts.tornado(swings, result.kpis.npv_usd), width="stretch")
    origin = "the preset's ranges where it gives them, else " if ranges else ""
    st.caption(
        f"Lows and highs: {origin}the value −50% / +50% (0 to 10% of the field's span "
        "for a value of 0), clamped to the valid range."
    )
    st.markdown(
        "**Evaluation settings** are not levers: they say how the programme is measured "
        "(over how long, at what rate, over which asset lives, with which tax and share "
        "count), so they are shown apart, with what each moves NPV by."
    )
    st.dataframe(
        [
            {
                "Setting": FIELDS_BY_NAME[s.field].label,
                "From": field_quantity(s.field, s.low),
                "To": field_quantity(s.field, s.high),
                "NPV from": format_money(s.npv_low_usd),
                "NPV to": format_money(s.npv_high_usd),
            }
            for s in swings
            if s.is_setting
        ],
        hide_index=True,
        width="stretch",
    )


def render_map(link: str, scenario: Scenario) -> None:
    names = [spec.name for spec in FIELDS]
    x_field, y_field = (
        column.selectbox(
            label,
            names,
            index=names.index(default),
            key=key,
            format_func=lambda n: FIELDS_BY_NAME[n].label,
        )
        for column, label, default, key in zip(
            st.columns(2), ("Across", "Up"), DEFAULT_MAP_FIELDS, ("map_x", "map_y"), strict=True
        )
    )
    if x_field == y_field:
        st.info("Pick two different drivers to map NPV over.")
        return
    st.altair_chart(charts.npv_map(_grid(link, x_field, y_field), scenario), width="stretch")


def _member_simulation(member: Member) -> Simulation:
    """A set member's Monte Carlo, the same cached one its own Uncertainty tab shows."""
    return _simulation(
        encode_link(member.scenario), tuple(sorted(member.ranges.items())), member.correlations
    )


def render_uncertainty(link: str, ranges: Ranges, correlations: tuple[Correlation, ...]) -> None:
    simulation = _simulation(link, tuple(sorted(ranges.items())), correlations)
    p = percentiles(simulation.result.npv_usd)
    columns = st.columns(4)
    for column, (label, value) in zip(
        columns,
        (
            ("NPV, P10", format_kpi(p["p10"], "usd")),
            ("NPV, P50", format_kpi(p["p50"], "usd")),
            ("NPV, P90", format_kpi(p["p90"], "usd")),
            ("Probability NPV > 0", format_kpi(simulation.probability_npv_positive * 100, "pct")),
        ),
        strict=True,
    ):
        column.metric(label, value, border=True)
    r = simulation.result
    spread: list[tuple[str, Array, Kind]] = [
        ("ROI", r.roi_pct, "pct"),
        ("Margin impact, year 1", r.margin_impact_year1_pp, "pp"),
        (f"EPS impact, year 1 ({EPS_UNIT})", r.eps_impact_year1_usd, "eps"),
    ]
    rows = [
        {"Result": label}
        | {key.upper(): format_kpi(v, kind) for key, v in percentiles(values).items()}
        for label, values, kind in spread
    ]
    st.dataframe(rows, hide_index=True, width="stretch")
    st.altair_chart(charts.npv_histogram(simulation), width="stretch")
    st.caption(_where_the_headline_sits(simulation, p))
    varied = ", ".join(FIELDS_BY_NAME[name].label for name in simulation.varied)
    together = "; ".join(
        f"{FIELDS_BY_NAME[c.fields[0]].label} with {FIELDS_BY_NAME[c.fields[1]].label} "
        f"(rank {c.rank:+.2f}: {c.source})"
        for c in simulation.correlations
    )
    how = f"rank-correlated as the preset states ({together})" if together else "independent"
    st.caption(
        escape_markdown(
            f"Triangular draws (low, current value, high) of: {varied}; {how}. "
            f"The random draws start from a fixed seed ({simulation.seed}), so the same "
            "link always gives the same percentiles."
        )
    )


def _where_the_headline_sits(simulation: Simulation, p: dict[str, float | None]) -> str:
    """ "The headline NPV, -$212B, is the 90th percentile of its own draws ..." """
    rank = simulation.headline_percentile
    central = (p["p25"] or 0) <= simulation.headline_npv_usd <= (p["p75"] or 0)
    verdict = (
        "inside the middle half, a central case"
        if central
        else "outside the middle half (P25 to P75): not a central case, so do not read it "
        "as the expected outcome"
    )
    return escape_markdown(
        f"The gold line is this scenario: the headline is {percentile_text(rank)} of its "
        f"own draws (NPV {format_money(simulation.headline_npv_usd)}), {verdict}."
    )


def render_analysis(
    result: Result, presets: PresetSet, lineage: Lineage, render_overview: Callable[[Result], None]
) -> None:
    """The tab strip under the KPIs; the Overview tab holds the page's four charts. The
    ranges and correlations are the preset's, or an applied file's (merged over its parent's)."""
    scenario = result.scenario
    ranges = lineage.ranges
    link = encode_link(scenario)
    tabs = dict(zip(TABS, st.tabs(TABS, key="analysis_tab", on_change="rerun"), strict=True))
    with tabs["Overview"]:
        if tabs["Overview"].open is not False:
            render_overview(result)
    with tabs["Break-even"]:
        if tabs["Break-even"].open:
            render_break_even(link)
    with tabs["Sensitivity"]:
        if tabs["Sensitivity"].open:
            render_sensitivity(link, ranges, result)
    with tabs["Break-even map"]:
        if tabs["Break-even map"].open:
            render_map(link, scenario)
    with tabs["Compare"]:
        if tabs["Compare"].open:
            render_compare(scenario, presets, _member_simulation)
    with tabs["Uncertainty"]:
        if tabs["Uncertainty"].open:
            render_uncertainty(link, ranges, lineage.correlations)
