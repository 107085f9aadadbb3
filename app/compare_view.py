"""The Compare tab: presets and pasted links beside the current scenario, and with
probability weights, the scenario set's expected values and pooled spread of NPV.

The address bar carries a set of presets and its weights (`compare=ID,ID&weights=W,W`,
see whatif/links.py); a set with a pasted link is not carried, since a link cannot
hold another link. The table has one column per scenario, so it fits the width.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Final

import streamlit as st

from app.state import sync_set_params
from whatif import PresetSet, Scenario
from whatif import analysis_charts as charts
from whatif.analysis import Compared, Simulation, compare
from whatif.formatting import EPS_UNIT, Kind, escape_markdown, format_kpi, format_money
from whatif.links import COMPARE_PARAM, WEIGHTS_PARAM
from whatif.scenario_sets import (
    EXPECTED_KPIS,
    MAX_MEMBERS,
    Member,
    WeighedSet,
    read_weights,
    resolve,
    weigh,
)
from whatif.summary import payback_text

PRESETS_KEY: Final = "compare_presets"
LINKS_KEY: Final = "compare_links"
WEIGHTS_KEY: Final = "compare_weights"
UNKNOWN_KEY: Final = "compare_unknown"
EXPECTED_COLUMN: Final = "Expected"
SPREAD: Final = ("p10", "p50", "p90")
TILES_A_ROW: Final = 3  # a tile's label ("Expected EPS impact, year 1 ($ / share)") fits
# The table's KPI rows; a KPI a set weighs that is not here (a newer model's) is added.
KPI_ROWS: Final[tuple[tuple[str, str, Kind], ...]] = (
    ("roi_pct", "ROI", "pct"),
    ("npv_usd", "NPV", "usd"),
    ("token_spend_year1_usd", "Token spend, year 1", "usd"),
    ("margin_impact_year1_pp", "Margin impact, year 1", "pp"),
    ("eps_impact_year1_usd", f"EPS impact, year 1 ({EPS_UNIT})", "eps"),
)


def _seed_from_address(presets: PresetSet) -> None:
    """On the tab's first run in a session, the set the address bar carries."""
    if PRESETS_KEY in st.session_state:
        return
    ids = [i.strip() for i in (st.query_params.get(COMPARE_PARAM) or "").split(",") if i.strip()]
    st.session_state[PRESETS_KEY] = [i for i in ids if i in presets.presets][:MAX_MEMBERS]
    st.session_state[WEIGHTS_KEY] = st.query_params.get(WEIGHTS_PARAM) or ""
    st.session_state[UNKNOWN_KEY] = [i for i in ids if i not in presets.presets]


def _members(chosen: list[str], pasted: str, presets: PresetSet) -> list[Member]:
    """The chosen presets, then each pasted line; what cannot be used is named."""
    members = [resolve(pid, presets.presets) for pid in chosen]
    found = [m for m in members if isinstance(m, Member)]
    for number, line in enumerate(filter(None, map(str.strip, pasted.splitlines())), start=1):
        member = resolve(line, presets.presets)
        if isinstance(member, str):
            st.warning(f"**Line {number} is left out**: {escape_markdown(member)}")
            continue
        if member.ignored:
            problems = "\n".join(f"- {escape_markdown(p)}" for p in member.ignored)
            st.warning(
                f"**Link {number} had parts that were ignored**; the rest applies:\n{problems}"
            )
        preset = presets.presets.get(member.preset_id or "")
        label = f"Link {number}" + (f" ({preset.name})" if preset else "")
        found.append(replace(member, label=label))
    return found


def _table(
    current: Compared, others: list[Compared], weighed: WeighedSet | None
) -> list[dict[str, str]]:
    """One row per KPI, one column per scenario, and a set's expected values."""
    columns = [current, *others]
    shown = {name for name, _, _ in KPI_ROWS}
    expected = (
        {name: format_kpi(weighed.expected[name], kind) for name, _, kind in EXPECTED_KPIS}
        if weighed
        else {}
    )
    rows: list[dict[str, str]] = []

    def add(label: str, cells: dict[str, str], expected_value: str = "") -> None:
        rows.append({"KPI": label} | cells | ({EXPECTED_COLUMN: expected_value} if weighed else {}))

    if weighed:
        weights = {o.label: f"{w:g}%" for o, w in zip(others, weighed.weights_pct, strict=True)}
        add("Probability weight", {current.label: ""} | weights, "100%")
    for name, label, kind in (*KPI_ROWS, *(e for e in EXPECTED_KPIS if e[0] not in shown)):
        add(
            label,
            {c.label: format_kpi(getattr(c.kpis, name), kind) for c in columns},
            expected.get(name, ""),
        )
        if name == "npv_usd":
            versus = {o.label: format_money(o.kpis.npv_usd - current.kpis.npv_usd) for o in others}
            add("NPV vs current", {current.label: ""} | versus)
    add(
        "Payback",
        {c.label: payback_text(c.kpis.payback_month, c.scenario.horizon_years) for c in columns},
    )
    return rows


def _render_set(weighed: WeighedSet) -> None:
    """The expected values, then the pooled spread of NPV, three tiles a row."""
    pooled = weighed.pooled_npv_usd
    tiles = [
        (f"Expected {label}", format_kpi(weighed.expected[name], kind))
        for name, label, kind in EXPECTED_KPIS
    ]
    tiles += [(f"NPV, {key.upper()} (pooled)", format_kpi(pooled[key], "usd")) for key in SPREAD]
    for start in range(0, len(tiles), TILES_A_ROW):
        row = tiles[start : start + TILES_A_ROW]
        for column, (label, value) in zip(st.columns(TILES_A_ROW), row, strict=False):
            column.metric(label, value, border=True)
    st.caption(
        "Expected values are the probability-weighted sums of each scenario's own; the "
        "spread pools each scenario's own Monte Carlo draws in proportion to its weight."
    )


def render_compare(
    scenario: Scenario, presets: PresetSet, simulate_member: Callable[[Member], Simulation]
) -> None:
    _seed_from_address(presets)
    unknown = st.session_state.pop(UNKNOWN_KEY, [])
    if unknown:
        st.warning(f"The link's set names no preset {escape_markdown(', '.join(unknown))}.")
    chosen = st.multiselect(
        "Presets to compare",
        list(presets.presets),
        max_selections=MAX_MEMBERS,
        format_func=lambda pid: presets.presets[pid].name,
        key=PRESETS_KEY,
    )
    pasted = st.text_area(
        "Or paste share links, one per line",
        key=LINKS_KEY,
        placeholder="http://…/?preset=seed-leak&price_per_mtok_usd=5",
    )
    members = _members(chosen, pasted, presets)
    if len(members) > MAX_MEMBERS:
        st.warning(f"Comparing the first {MAX_MEMBERS} of {len(members)} scenarios.")
        members = members[:MAX_MEMBERS]
    weights_text = ""
    if len(members) >= 2:
        weights_text = st.text_input(
            "Probability weights, % (one per scenario, in order, summing to 100)",
            key=WEIGHTS_KEY,
            placeholder="e.g. 25,50,25",
            help="Weigh the scenarios as a set: the expected NPV, ROI and EPS impact, and "
            "the spread of NPV over all of them.",
        )
    sync_set_params(chosen if not pasted.strip() else [], weights_text)
    if not members:
        st.info("Pick up to four presets or paste links to see them beside the current scenario.")
        return
    weighed = None
    if weights_text.strip():
        weights = read_weights(weights_text, len(members))
        if isinstance(weights, str):
            st.warning(f"**Weights not used**: {escape_markdown(weights)}")
        else:
            weighed = weigh(members, weights, simulate_member)
            _render_set(weighed)
    current, *others = compare(
        [("Current scenario", scenario), *((m.label, m.scenario) for m in members)]
    )
    st.dataframe(_table(current, others, weighed), hide_index=True, width="stretch")
    st.altair_chart(charts.comparison([current, *others]), width="stretch")
