"""Altair chart builders: a Result in, a chart out, no streamlit calls.

Each quantity keeps one colour in every chart (`COLOURS`), money is shown in
USD billions on axes and in compact form ($10.8B) in tooltips, and each title
says what the chart answers.
"""

from __future__ import annotations

from typing import Final

import altair as alt
import numpy as np
import pandas as pd

from whatif.formatting import format_kpi, format_money
from whatif.model import Result

COLOURS: Final[dict[str, str]] = {
    "Baseline": "#8d99ae",
    "With AI": "#1d3557",
    "Productivity value": "#2a9d8f",
    "Ad profit": "#52b788",
    "Token spend": "#e76f51",
    "Token spend (vendor)": "#e76f51",
    "Token spend (in-house)": "#f4a261",
    "Depreciation": "#9d4edd",
}
BILLION: Final = 1e9
HEIGHT: Final = 300


def _scale(names: list[str]) -> alt.Scale:
    return alt.Scale(domain=names, range=[COLOURS[n] for n in names])


def title(text: str, subtitle: str) -> alt.TitleParams:
    return alt.TitleParams(
        text, subtitle=subtitle, anchor="start", fontSize=15, subtitleFontSize=12
    )


def finish(
    chart: alt.Chart | alt.LayerChart, heading: alt.TitleParams, height: int = HEIGHT
) -> alt.Chart | alt.LayerChart:
    """Same frame for every chart: width fits the column, the plot keeps its height."""
    return chart.properties(
        title=heading, height=height, autosize=alt.AutoSizeParams(type="fit-x", contains="padding")
    )


def income_bridge(result: Result) -> alt.Chart | alt.LayerChart:
    """Waterfall: baseline operating income to operating income with AI, year 1."""
    year = result.years[0]
    steps = [
        ("Baseline", "Baseline", year.baseline_operating_income_usd),
        ("Productivity value", "+ Productivity", year.productivity_value_usd),
        ("Ad profit", "+ Ad profit", year.ad_profit_usd),
        ("Token spend", "− Tokens", -year.token_spend_usd),
        ("Depreciation", "− Depreciation", -year.depreciation_usd),
    ]
    rows, running = [], 0.0
    for i, (quantity, label, amount) in enumerate(steps):
        start = 0.0 if i == 0 else running
        running = amount if i == 0 else running + amount
        rows.append((quantity, label, start, running, amount))
    total = year.operating_income_with_ai_usd
    rows.append(("With AI", "= With AI", 0.0, total, total))
    data = pd.DataFrame(rows, columns=["quantity", "step", "start", "end", "amount"])
    data["start_b"] = data["start"] / BILLION
    data["end_b"] = data["end"] / BILLION
    data["amount_text"] = [format_money(v) for v in data["amount"]]
    data["total_text"] = [format_money(v) for v in data["end"]]
    order = list(data["step"])
    base = alt.Chart(data).encode(
        x=alt.X(
            "step:N",
            sort=order,
            title="Year-1 operating income, step by step",
            axis=alt.Axis(labelAngle=0, labelOverlap=False),
        ),
    )
    bars = base.mark_bar(size=46).encode(
        y=alt.Y("start_b:Q", title="USD billions, year 1"),
        y2="end_b:Q",
        color=alt.Color(
            "quantity:N", scale=_scale(list(dict.fromkeys(data["quantity"]))), legend=None
        ),
        tooltip=[
            alt.Tooltip("step:N", title="Step"),
            alt.Tooltip("amount_text:N", title="Amount"),
            alt.Tooltip("total_text:N", title="Running total"),
        ],
    )
    labels = (
        base.mark_text(dy=-8, fontSize=12, fontWeight="bold")
        .encode(y=alt.Y("top:Q"), text="amount_text:N")
        .transform_calculate(top="max(datum.start_b, datum.end_b)")
    )
    subtitle = (
        f"Year 1: {format_money(year.baseline_operating_income_usd)} before AI, "
        f"{format_money(total)} with it"
    )
    return finish(
        alt.LayerChart(layer=[bars, labels]),
        title("Where does year-1 operating income go?", subtitle),
    )


def cumulative_cash(result: Result) -> alt.Chart | alt.LayerChart:
    """Cumulative net cash by month, with the payback month marked."""
    cumulative = result.cumulative_net_cash_usd()
    months = np.arange(1, len(cumulative) + 1)
    data = pd.DataFrame({"month": months, "cash_b": cumulative / BILLION})
    data["cash_text"] = [format_money(v) for v in cumulative]
    line = (
        alt.Chart(data)
        .mark_area(line={"color": COLOURS["With AI"]}, color=COLOURS["With AI"], opacity=0.15)
        .encode(
            x=alt.X(
                "month:Q", title="Month", scale=alt.Scale(domain=[1, int(months[-1])], nice=False)
            ),
            y=alt.Y("cash_b:Q", title="Cumulative net cash, USD billions"),
            tooltip=[
                alt.Tooltip("month:Q", title="Month"),
                alt.Tooltip("cash_text:N", title="Cumulative net cash"),
            ],
        )
    )
    zero = (
        alt.Chart(pd.DataFrame({"y": [0.0]}))
        .mark_rule(color="#444", strokeDash=[4, 3])
        .encode(y="y:Q")
    )
    layers: list[alt.Chart | alt.LayerChart] = [line, zero]
    payback = result.kpis.payback_month
    if payback is not None:
        mark = pd.DataFrame(
            {
                "month": [payback],
                "cash_b": [cumulative[payback - 1] / BILLION],
                "label": [f"Payback: month {payback}"],
            }
        )
        point = alt.Chart(mark).encode(x="month:Q", y="cash_b:Q")
        layers += [
            point.mark_point(size=120, filled=True, color=COLOURS["Productivity value"]),
            point.mark_text(align="left", dx=8, dy=-10, fontWeight="bold").encode(text="label:N"),
        ]
        subtitle = f"Cash turns positive in month {payback}"
    else:
        subtitle = f"No payback within {result.scenario.horizon_years} years"
    return finish(alt.LayerChart(layer=layers), title("When does the AI spend pay back?", subtitle))


def margin_by_year(result: Result) -> alt.Chart | alt.LayerChart:
    """Operating margin by year: baseline against with-AI."""
    baseline = result.scenario.operating_margin_pct
    rows = []
    for y in result.years:
        rows.append((y.year, "Baseline", baseline))
        if y.operating_margin_with_ai_pct is not None:
            rows.append((y.year, "With AI", y.operating_margin_with_ai_pct))
    data = pd.DataFrame(rows, columns=["year", "series", "margin"])
    data["margin_text"] = [format_kpi(v, "pct_plain") for v in data["margin"]]
    final = result.kpis.margin_impact_final_year_pp
    subtitle = f"Final year: {format_kpi(final, 'pp')} against the baseline"
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("series:N", sort=["Baseline", "With AI"]),
            y=alt.Y("margin:Q", title="Operating margin, %"),
            color=alt.Color(
                "series:N",
                scale=_scale(["Baseline", "With AI"]),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            tooltip=[
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("margin_text:N", title="Operating margin"),
            ],
        )
    )
    return finish(chart, title("What happens to the operating margin?", subtitle))


def benefits_and_costs(result: Result) -> alt.Chart | alt.LayerChart:
    """Benefits against costs by year, stacked; token spend split where in-house is used."""
    split = result.scenario.in_house_share_pct > 0
    rows = []
    for y in result.years:
        rows += [
            (y.year, "Benefits", "Productivity value", y.productivity_value_usd),
            (y.year, "Benefits", "Ad profit", y.ad_profit_usd),
        ]
        if split:
            rows += [
                (y.year, "Costs", "Token spend (vendor)", y.vendor_token_spend_usd),
                (y.year, "Costs", "Token spend (in-house)", y.in_house_token_spend_usd),
            ]
        else:
            rows.append((y.year, "Costs", "Token spend", y.token_spend_usd))
        rows.append((y.year, "Costs", "Depreciation", y.depreciation_usd))
    data = pd.DataFrame(rows, columns=["year", "side", "quantity", "usd"])
    data["usd_b"] = data["usd"] / BILLION
    data["usd_text"] = [format_money(v) for v in data["usd"]]
    names = list(dict.fromkeys(data["quantity"]))
    data["order"] = [names.index(q) for q in data["quantity"]]
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("side:N", sort=["Benefits", "Costs"]),
            y=alt.Y("sum(usd_b):Q", title="USD billions per year", stack="zero"),
            color=alt.Color(
                "quantity:N",
                scale=_scale(names),
                legend=alt.Legend(orient="bottom", title=None, columns=3),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip("side:N", title="Side"),
                alt.Tooltip("quantity:N", title="Quantity"),
                alt.Tooltip("usd_text:N", title="Amount"),
            ],
        )
    )
    return finish(
        chart,
        title(
            "Do the benefits cover the costs?",
            "Each year: benefits (left bar) against token spend and depreciation (right)",
        ),
    )
