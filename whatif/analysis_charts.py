"""Altair charts of the decision analyses: tornado, break-even map, comparison, Monte Carlo.

Like whatif/charts.py: results in, charts out, no streamlit calls, money in
USD billions on axes and compact in tooltips. Data is pre-aggregated (the
histogram is binned here) so the browser receives only the rows it draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import altair as alt
import numpy as np
import pandas as pd

from whatif.analysis import Compared, NpvGrid, Simulation, Swing, percentiles
from whatif.charts import BILLION, COLOURS, finish, title
from whatif.formatting import (
    EPS_UNIT,
    Kind,
    format_kpi,
    format_money,
    format_quantity,
    format_span,
    percentile_text,
)
from whatif.scenario import FIELDS_BY_NAME, Scenario

LOW_HIGH: Final = {"Driver at its low value": "#e9c46a", "Driver at its high value": "#264653"}
HISTOGRAM_BINS: Final = 40
TORNADO_ROWS: Final = 12
# The current scenario keeps the "With AI" colour of the other charts; compared ones follow.
CURRENT_COLOUR: Final = "#ffb703"  # the current scenario, on the map and the histogram
SCENARIO_COLOURS: Final = [COLOURS["With AI"], "#e76f51", "#2a9d8f", "#e9c46a", "#8d99ae"]


def tornado(swings: Sequence[Swing], base_npv_usd: float) -> alt.Chart | alt.LayerChart:
    """NPV at each business lever's low and high value, largest swing on top (evaluation
    settings are left out: they are shown apart, as settings)."""
    swings = [s for s in swings if not s.is_setting]
    rows = []
    for rank, s in enumerate(swings[:TORNADO_ROWS]):
        spec = FIELDS_BY_NAME[s.field]
        driver = f"{spec.label} ({format_span(s.low, s.high, spec.unit, whole=spec.is_int)})"
        for end, value, npv in (
            ("Driver at its low value", s.low, s.npv_low_usd),
            ("Driver at its high value", s.high, s.npv_high_usd),
        ):
            rows.append(
                (
                    rank,
                    driver,
                    end,
                    format_quantity(value, spec.unit, whole=spec.is_int),
                    base_npv_usd / BILLION,
                    npv / BILLION,
                    format_money(npv),
                )
            )
    data = pd.DataFrame(
        rows, columns=["rank", "driver", "end", "value", "base_b", "npv_b", "npv_text"]
    )
    bars = (
        alt.Chart(data)
        .mark_bar(height=14)
        .encode(
            y=alt.Y(
                "driver:N", sort=alt.SortField("rank"), title=None, axis=alt.Axis(labelLimit=330)
            ),
            yOffset=alt.YOffset("end:N"),
            x=alt.X("base_b:Q", title="NPV, USD billions"),
            x2="npv_b:Q",
            color=alt.Color(
                "end:N",
                scale=alt.Scale(domain=list(LOW_HIGH), range=list(LOW_HIGH.values())),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            tooltip=[
                alt.Tooltip("driver:N", title="Driver"),
                alt.Tooltip("end:N", title="End"),
                alt.Tooltip("value:N", title="Value"),
                alt.Tooltip("npv_text:N", title="NPV"),
            ],
        )
    )
    base = (
        alt.Chart(pd.DataFrame({"x": [base_npv_usd / BILLION]}))
        .mark_rule(color="#444", strokeDash=[4, 3])
        .encode(x="x:Q")
    )
    return finish(
        alt.LayerChart(layer=[bars, base]),
        title(
            "Which lever matters most?",
            f"NPV now {format_money(base_npv_usd)} (dashed); each bar moves one business "
            "lever alone",
        ),
        height=32 * min(len(swings), TORNADO_ROWS),
    )


def npv_map(grid: NpvGrid, scenario: Scenario) -> alt.Chart | alt.LayerChart:
    """NPV over two drivers, the NPV = 0 line, and the current scenario."""
    x_spec, y_spec = FIELDS_BY_NAME[grid.x_field], FIELDS_BY_NAME[grid.y_field]
    gx, gy = np.meshgrid(grid.xs, grid.ys)
    dx = float(np.diff(grid.xs).min()) if len(grid.xs) > 1 else 1.0
    dy = float(np.diff(grid.ys).min()) if len(grid.ys) > 1 else 1.0
    cells = pd.DataFrame(
        {"x": gx.ravel(), "y": gy.ravel(), "npv_b": grid.npv_usd.ravel() / BILLION}
    )
    # Each cell is centred on its grid point.
    cells["x1"], cells["x2"] = cells["x"] - dx / 2, cells["x"] + dx / 2
    cells["y1"], cells["y2"] = cells["y"] - dy / 2, cells["y"] + dy / 2
    cells["npv_text"] = [format_money(v * BILLION) for v in cells["npv_b"]]
    x_title, y_title = f"{x_spec.label} ({x_spec.unit})", f"{y_spec.label} ({y_spec.unit})"
    extent = float(np.abs(cells["npv_b"]).max()) or 1.0
    heat = (
        alt.Chart(cells)
        .mark_rect()
        .encode(
            x=alt.X("x1:Q", title=x_title, scale=alt.Scale(nice=False, zero=False)),
            x2="x2:Q",
            y=alt.Y("y1:Q", title=y_title, scale=alt.Scale(nice=False, zero=False)),
            y2="y2:Q",
            color=alt.Color(
                "npv_b:Q",
                title="NPV, $B",
                scale=alt.Scale(scheme="redblue", domain=[-extent, extent], domainMid=0),
            ),
            tooltip=[
                alt.Tooltip("x:Q", title=x_spec.label, format=",.2f"),
                alt.Tooltip("y:Q", title=y_spec.label, format=",.2f"),
                alt.Tooltip("npv_text:N", title="NPV"),
            ],
        )
    )
    layers: list[alt.Chart | alt.LayerChart] = [heat]
    if grid.zero_line:
        line = pd.DataFrame(grid.zero_line, columns=["x", "y"])
        layers.append(
            alt.Chart(line)
            .mark_circle(size=14, color="#111")
            .encode(x="x:Q", y="y:Q", tooltip=alt.value("NPV = 0"))
        )
    here = pd.DataFrame(
        {
            "x": [float(getattr(scenario, grid.x_field))],
            "y": [float(getattr(scenario, grid.y_field))],
            "label": ["Current scenario"],
        }
    )
    point = alt.Chart(here).encode(x="x:Q", y="y:Q")
    layers += [
        point.mark_point(
            shape="diamond",
            size=220,
            filled=True,
            color=CURRENT_COLOUR,
            stroke="#111",
            strokeWidth=1.5,
        ),
        point.mark_text(align="left", dx=10, fontWeight="bold").encode(text="label:N"),
    ]
    return finish(
        alt.LayerChart(layer=layers),
        title(
            f"Where does it pay? NPV over {x_spec.label.lower()} and {y_spec.label.lower()}",
            "Blue pays, red loses; black dots trace NPV = 0; the diamond is the current scenario",
        ),
        height=380,
    )


# Like with like: one panel per unit and horizon, each with its own scale, so a year's
# values are not dwarfed by a whole horizon's NPV.
COMPARISON_PANELS: Final[tuple[tuple[str, tuple[tuple[str, str], ...], float, Kind], ...]] = (
    ("NPV over the horizon, $B", (("NPV", "npv_usd"),), BILLION, "usd"),
    (
        "Year 1, $B",
        (
            ("Token spend", "token_spend_year1_usd"),
            ("Operating impact", "operating_impact_year1_usd"),
        ),
        BILLION,
        "usd",
    ),
    (f"EPS impact, year 1, {EPS_UNIT}", (("EPS impact", "eps_impact_year1_usd"),), 1.0, "eps"),
)
PANEL_WIDTH: Final = 190


def comparison(items: Sequence[Compared]) -> alt.FacetChart:
    """Grouped bars, one colour per scenario, one panel per unit and horizon."""
    rows = []
    for item in items:
        for panel, metrics, scale, kind in COMPARISON_PANELS:
            for metric, name in metrics:
                value = getattr(item.kpis, name)
                rows.append((panel, item.label, metric, value / scale, format_kpi(value, kind)))
    data = pd.DataFrame(rows, columns=["panel", "scenario", "metric", "value", "value_text"])
    labels = list(dict.fromkeys(data["scenario"]))
    bars = (
        alt.Chart()
        .mark_bar()
        .encode(
            x=alt.X("metric:N", title=None, sort=None, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("scenario:N", sort=labels),
            y=alt.Y("value:Q", title=None),
            color=alt.Color(
                "scenario:N",
                sort=labels,
                scale=alt.Scale(range=SCENARIO_COLOURS),
                legend=alt.Legend(orient="bottom", title=None, columns=2, labelLimit=400),
            ),
            tooltip=[
                alt.Tooltip("scenario:N", title="Scenario"),
                alt.Tooltip("metric:N", title="KPI"),
                alt.Tooltip("value_text:N", title="Value"),
            ],
        )
        .properties(width=PANEL_WIDTH, height=240)
    )
    chart: alt.FacetChart = (
        alt.FacetChart(
            data=data,
            spec=bars,
            facet=alt.Facet("panel:N", sort=[panel for panel, *_ in COMPARISON_PANELS], title=None),
            columns=len(COMPARISON_PANELS),
        )
        .resolve_scale(y="independent", x="independent", xOffset="independent")
        .properties(
            title=title(
                "How do the scenarios compare?",
                "Like with like: NPV over each scenario's horizon, year-1 money, EPS per share",
            )
        )
    )
    return chart


def npv_histogram(simulation: Simulation) -> alt.Chart | alt.LayerChart:
    """The distribution of NPV over the draws, with P10 / P50 / P90 marked, and the current
    scenario's own NPV with the percentile at which it sits."""
    npv = simulation.result.npv_usd / BILLION
    counts, edges = np.histogram(npv, bins=HISTOGRAM_BINS)
    bins = pd.DataFrame({"start": edges[:-1], "end": edges[1:], "share": counts / len(npv)})
    bins["range_text"] = [
        f"{format_money(a * BILLION)} to {format_money(b * BILLION)}"
        for a, b in zip(bins["start"], bins["end"], strict=True)
    ]
    bins["positive"] = np.where(bins["end"] > 0, "NPV > 0", "NPV ≤ 0")
    bars = (
        alt.Chart(bins)
        .mark_bar()
        .encode(
            x=alt.X("start:Q", title="NPV, USD billions"),
            x2="end:Q",
            y=alt.Y("share:Q", title="Share of draws", axis=alt.Axis(format="%")),
            y2=alt.datum(0),
            color=alt.Color(
                "positive:N",
                scale=alt.Scale(
                    domain=["NPV ≤ 0", "NPV > 0"],
                    range=[COLOURS["Token spend"], COLOURS["Productivity value"]],
                ),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            tooltip=[
                alt.Tooltip("range_text:N", title="NPV"),
                alt.Tooltip("share:Q", title="Share of draws", format=".1%"),
            ],
        )
    )
    p = percentiles(simulation.result.npv_usd)
    marks = pd.DataFrame(
        [(key.upper(), (p[key] or 0) / BILLION) for key in ("p10", "p50", "p90")],
        columns=["label", "x"],
    )
    rules = alt.Chart(marks).mark_rule(color="#111", strokeDash=[4, 3]).encode(x="x:Q")
    texts = (
        alt.Chart(marks)
        .mark_text(align="left", dx=4, dy=-6, baseline="top", y=0)
        .encode(x="x:Q", text="label:N")
    )
    # The current scenario's own NPV, in the colour that marks it on the map.
    headline = pd.DataFrame(
        {
            "x": [simulation.headline_npv_usd / BILLION],
            "label": [f"This scenario: {percentile_text(simulation.headline_percentile)}"],
            "npv_text": [format_money(simulation.headline_npv_usd)],
        }
    )
    current = alt.Chart(headline).encode(
        x="x:Q",
        tooltip=[alt.Tooltip("label:N", title="Where"), alt.Tooltip("npv_text:N", title="NPV")],
    )
    here = [
        current.mark_rule(color=CURRENT_COLOUR, strokeWidth=3),
        current.mark_text(
            align="left", dx=4, dy=14, baseline="top", y=0, fontWeight="bold", color="#7a5500"
        ).encode(text="label:N"),
    ]
    return finish(
        alt.LayerChart(layer=[bars, rules, texts, *here]),
        title(
            "How sure are we? The spread of NPV",
            f"{simulation.draws:,} draws; P(NPV > 0) = "
            f"{format_kpi(simulation.probability_npv_positive * 100, 'pct')}",
        ),
    )
