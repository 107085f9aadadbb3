"""The page's decision-analysis tabs: break-even, sensitivity, map, comparison, uncertainty.

Tabs are lazy (`on_change="rerun"`): only the open tab computes, so a slider
move on the Overview pays nothing for the analyses. Each analysis is cached by
the scenario's complete link (an exact, hashable key) and the preset's ranges.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from whatif import FIELDS, FIELDS_BY_NAME, PresetSet, Result, Scenario
from whatif import analysis_charts as charts
from whatif.analysis import (
    DEFAULT_MAP_FIELDS,
    DEFAULT_SEED,
    BreakEven,
    Compared,
    NpvGrid,
    Ranges,
    Simulation,
    Swing,
    break_evens,
    compare,
    npv_grid,
    percentiles,
    sensitivity,
    simulate,
)
from whatif.batch import Array
from whatif.correlations import Correlation
from whatif.formatting import EPS_UNIT, Kind, escape_markdown, format_kpi, format_money
from whatif.links import decode_link, encode_link
from whatif.reports import break_even_sentence, field_quantity
from whatif.summary import payback_text

TABS = ("Overview", "Break-even", "Sensitivity", "Break-even map", "Compare", "Uncertainty")
MAX_COMPARED = 4


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


def _comparison_rows(current: Compared, items: list[Compared]) -> list[dict[str, str]]:
    rows = []
    for item in (current, *items):
        k = item.kpis
        versus = "" if item is current else format_money(k.npv_usd - current.kpis.npv_usd)
        rows.append(
            {
                "Scenario": item.label,
                "ROI": format_kpi(k.roi_pct, "pct"),
                "NPV": format_kpi(k.npv_usd, "usd"),
                "NPV vs current": versus,
                "Payback": payback_text(k.payback_month, item.scenario.horizon_years),
                "Token spend, year 1": format_kpi(k.token_spend_year1_usd, "usd"),
                "Margin impact, year 1": format_kpi(k.margin_impact_year1_pp, "pp"),
                f"EPS impact, year 1 ({EPS_UNIT})": format_kpi(k.eps_impact_year1_usd, "eps"),
            }
        )
    return rows


def render_compare(scenario: Scenario, presets: PresetSet) -> None:
    chosen = st.multiselect(
        "Presets to compare",
        list(presets.presets),
        max_selections=MAX_COMPARED,
        format_func=lambda pid: presets.presets[pid].name,
        key="compare_presets",
    )
    pasted = st.text_area(
        "Or paste share links, one per line",
        key="compare_links",
        placeholder="http://…/?preset=seed-leak&price_per_mtok_usd=5",
    )
    items = [(presets.presets[pid].name, presets.presets[pid].scenario) for pid in chosen]
    for number, line in enumerate(filter(None, map(str.strip, pasted.splitlines())), start=1):
        decoded = decode_link(line, presets.presets)
        if decoded.warnings:
            problems = "\n".join(f"- {escape_markdown(w.problem)}" for w in decoded.warnings)
            st.warning(
                f"**Link {number} had parts that were ignored**; the rest applies:\n{problems}"
            )
        preset = presets.presets.get(decoded.preset_id or "")
        label = f"Link {number}" + (f" ({preset.name})" if preset else "")
        items.append((label, decoded.scenario))
    if len(items) > MAX_COMPARED:
        st.warning(f"Comparing the first {MAX_COMPARED} of {len(items)} scenarios.")
        items = items[:MAX_COMPARED]
    if not items:
        st.info("Pick up to four presets or paste links to see them beside the current scenario.")
        return
    current, *others = compare([("Current scenario", scenario), *items])
    st.dataframe(_comparison_rows(current, others), hide_index=True, width="stretch")
    st.altair_chart(charts.comparison([current, *others]), width="stretch")


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
    varied = ", ".join(FIELDS_BY_NAME[name].label for name in simulation.varied)
    st.caption(
        f"Independent triangular draws (low, current value, high) of: {varied}. "
        f"Fixed seed {simulation.seed}, so the same link gives the same draws."
    )


def render_analysis(
    result: Result, presets: PresetSet, choice: str, render_overview: Callable[[Result], None]
) -> None:
    """The tab strip under the KPIs; the Overview tab holds the page's four charts."""
    scenario = result.scenario
    preset = presets.presets.get(choice)
    ranges: Ranges = preset.ranges if preset else {}
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
            render_compare(scenario, presets)
    with tabs["Uncertainty"]:
        if tabs["Uncertainty"].open:
            render_uncertainty(link, ranges, preset.correlations if preset else ())
