"""The overview charts: a Result in, a Vega-Lite spec out, no streamlit calls.

Each chart's structure is written once in Altair and compiled (and validated)
once into a template with named datasets; a call only computes the rows the
chart draws and fills them in. Building and validating four Altair charts on
every slider move would cost more than the whole rest of the page.

Each quantity keeps one colour in every chart (`COLOURS`), money is shown in
USD billions on axes and in compact form ($10.8B) in tooltips, and each title
says what the chart answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

import altair as alt

from whatif.formatting import format_kpi, format_money
from whatif.model import Result
from whatif.scenario import Scenario

COLOURS: Final[dict[str, str]] = {
    "Baseline": "#8d99ae",
    "With AI": "#1d3557",
    "Productivity value": "#2a9d8f",
    "Ad growth profit": "#40916c",
    "Conversion lift profit": "#74c69d",
    "Token spend": "#e76f51",
    "Token spend (vendor)": "#e76f51",
    "Token spend (in-house)": "#f4a261",
    "AI opex": "#b5651d",
    "Depreciation": "#9d4edd",
}
BILLION: Final = 1e9
HEIGHT: Final = 300

Spec = dict[str, Any]
Rows = list[dict[str, Any]]


def for_big_screen(spec: Spec, factor: float) -> Spec:
    """`spec` for a wide screen read from afar: all its text `factor` times larger (Vega's
    defaults through the config, and every size the spec sets itself, such as titles and
    labels on marks), and legends beside the plot rather than under it, where a wide
    screen has room and a short one has none."""

    def scaled(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: resized(key, value) for key, value in node.items()}
        if isinstance(node, list):
            return [scaled(item) for item in node]
        return node

    def resized(key: str, value: Any) -> Any:
        if key.lower().endswith("fontsize") and isinstance(value, int | float):
            return value * factor
        if key == "legend" and isinstance(value, dict):
            beside = {k: v for k, v in value.items() if k != "columns"}
            return scaled({**beside, "orient": "right"})
        return scaled(value)

    config = {
        "axis": {"labelFontSize": 10 * factor, "titleFontSize": 11 * factor},
        "legend": {"labelFontSize": 10 * factor, "titleFontSize": 11 * factor},
        "title": {"fontSize": 15 * factor, "subtitleFontSize": 12 * factor},
        "text": {"fontSize": 11 * factor},
    }
    bigger: Spec = scaled(spec)
    return {**bigger, "config": {**bigger.get("config", {}), **config}}


def scale(names: list[str]) -> alt.Scale:
    return alt.Scale(domain=names, range=[COLOURS[n] for n in names])


def title(text: str, subtitle: str = "") -> alt.TitleParams:
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


@dataclass(frozen=True)
class Drawing:
    """A chart to draw: its fixed Vega-Lite spec, this scenario's rows, a one-line answer.

    The spec never changes between calls, only the rows do; Streamlit's front
    end then swaps the data in the existing Vega view instead of building a new
    one, which is most of the cost of a redraw. The answer that depends on the
    numbers (payback month, final margin) is therefore a caption, not a subtitle.
    """

    spec: Spec
    datasets: dict[str, Rows]
    caption: str

    def to_dict(self) -> Spec:
        return {**self.spec, "datasets": self.datasets}


def compiled(build: Callable[[], alt.Chart | alt.LayerChart]) -> Callable[[], Spec]:
    """Compile an Altair chart over named datasets once (validated), then reuse it."""

    @cache
    def template() -> Spec:
        spec: Spec = build().to_dict()
        spec.pop("datasets", None)
        return spec

    return template


def _named(name: str) -> alt.Chart:
    return alt.Chart(alt.NamedData(name=name))


# --- 1. year-1 operating income bridge -------------------------------------------------

BRIDGE_STEPS: Final = (
    ("Baseline", "Baseline"),
    ("Productivity value", "+ Productivity"),
    ("Ad growth profit", "+ Ad growth"),
    ("Conversion lift profit", "+ Conversions"),
    ("Token spend", "− Tokens"),
    ("AI opex", "− AI opex"),
    ("Depreciation", "− Depreciation"),
    ("With AI", "= With AI"),
)


# Below this plot width (a phone) the bridge's eight step names stand upright and its
# amounts go, so no two labels overlap; the tooltip still gives each amount.
NARROW_PX: Final = 560
_NARROW: Final = f"width < {NARROW_PX}"


@compiled
def _bridge_template() -> alt.Chart | alt.LayerChart:
    base = _named("bridge").encode(
        x=alt.X(
            "step:N",
            sort=[step for _, step in BRIDGE_STEPS],
            title="Year-1 operating income, step by step",
            # "+ Ad growth" on two lines ("+", "Ad growth"): eight steps fit half a page.
            axis=alt.Axis(
                labelAngle=alt.ExprRef(f"{_NARROW} ? -90 : 0"),
                labelAlign=alt.ExprRef(f"{_NARROW} ? 'right' : 'center'"),
                labelBaseline=alt.ExprRef(f"{_NARROW} ? 'middle' : 'top'"),
                labelOverlap=False,
                labelExpr=f"{_NARROW} ? datum.label : "
                "indexof('+−=', slice(datum.label, 0, 1)) >= 0"
                " ? [slice(datum.label, 0, 1), slice(datum.label, 2)] : datum.label",
            ),
        ),
    )
    bars = base.mark_bar(width=alt.RelativeBandSize(0.7)).encode(
        y=alt.Y("start_b:Q", title="USD billions, year 1"),
        y2="end_b:Q",
        color=alt.Color("quantity:N", scale=scale([q for q, _ in BRIDGE_STEPS]), legend=None),
        tooltip=[
            alt.Tooltip("step:N", title="Step"),
            alt.Tooltip("amount_text:N", title="Amount"),
            alt.Tooltip("total_text:N", title="Running total"),
        ],
    )
    labels = base.mark_text(
        dy=-8, fontSize=12, fontWeight="bold", opacity=alt.ExprRef(f"{_NARROW} ? 0 : 1")
    ).encode(y=alt.Y("top_b:Q"), text="amount_text:N")
    return finish(
        alt.LayerChart(layer=[bars, labels]), title("Where does year-1 operating income go?")
    )


def income_bridge(result: Result) -> Drawing:
    """Waterfall: baseline operating income to operating income with AI, year 1."""
    year = result.years[0]
    amounts = (
        year.baseline_operating_income_usd,
        year.productivity_value_usd,
        year.ad_growth_profit_usd,
        year.ad_conversion_profit_usd,
        -year.token_spend_usd,
        -year.ai_opex_usd,
        -year.depreciation_usd,
    )
    rows, running = [], 0.0
    for i, ((quantity, step), amount) in enumerate(zip(BRIDGE_STEPS, amounts, strict=False)):
        start, running = (0.0, amount) if i == 0 else (running, running + amount)
        rows.append((quantity, step, start, running, amount))
    total = year.operating_income_with_ai_usd
    rows.append((*BRIDGE_STEPS[-1], 0.0, total, total))
    records = [
        {
            "quantity": q,
            "step": step,
            "start_b": a / BILLION,
            "end_b": b / BILLION,
            "top_b": max(a, b) / BILLION,
            "amount_text": format_money(amount),
            "total_text": format_money(b),
        }
        for q, step, a, b, amount in rows
    ]
    subtitle = (
        f"Year 1: {format_money(year.baseline_operating_income_usd)} before AI, "
        f"{format_money(total)} with it"
    )
    return Drawing(_bridge_template(), {"bridge": records}, subtitle)


# --- 2. cumulative net cash -------------------------------------------------------------


@compiled
def _cash_template() -> alt.Chart | alt.LayerChart:
    area = (
        _named("cash")
        .mark_area(line={"color": COLOURS["With AI"]}, color=COLOURS["With AI"], opacity=0.15)
        .encode(
            x=alt.X("month:Q", title="Month", scale=alt.Scale(nice=False, zero=False)),
            y=alt.Y("cash_b:Q", title="Cumulative net cash, USD billions"),
            tooltip=[
                alt.Tooltip("month:Q", title="Month"),
                alt.Tooltip("cash_text:N", title="Cumulative net cash"),
            ],
        )
    )
    zero = _named("zero").mark_rule(color="#444", strokeDash=[4, 3]).encode(y="y:Q")
    payback = _named("payback").encode(x="month:Q", y="cash_b:Q")
    ramp = _named("ramp").encode(x="month:Q")
    return finish(
        alt.LayerChart(
            layer=[
                area,
                zero,
                ramp.mark_rule(color=COLOURS["Productivity value"], strokeDash=[2, 4]),
                ramp.mark_text(
                    align="left", baseline="top", dx=4, dy=4, color="#555", fontSize=11
                ).encode(y=alt.value(0), text="label:N"),
                payback.mark_point(size=120, filled=True, color=COLOURS["Productivity value"]),
                payback.mark_text(align="left", dx=8, dy=-10, fontWeight="bold").encode(
                    text="label:N"
                ),
            ]
        ),
        title("When does the AI spend pay back?"),
    )


def cumulative_cash(result: Result) -> Drawing:
    """Cumulative net cash by month, with the payback month and the end of the ramp marked."""
    cumulative = result.cumulative_net_cash_usd().tolist()
    cash = [
        {"month": m, "cash_b": v / BILLION, "cash_text": format_money(v)}
        for m, v in enumerate(cumulative, start=1)
    ]
    month = result.kpis.payback_month
    payback = (
        []
        if month is None
        else [
            {
                "month": month,
                "cash_b": cumulative[month - 1] / BILLION,
                "label": f"Payback: month {month}",
            }
        ]
    )
    ramp_months = result.scenario.benefit_ramp_months
    # The ramp ends where benefits reach full run-rate; past the horizon there is nothing to mark.
    ramp = (
        [{"month": ramp_months, "label": f"Full benefits from month {ramp_months}"}]
        if 1 < ramp_months <= len(cumulative)
        else []
    )
    return Drawing(
        _cash_template(),
        {"cash": cash, "zero": [{"y": 0.0}], "payback": payback, "ramp": ramp},
        payback_caption(result.kpis.payback_month, result.scenario),
    )


def payback_caption(month: int | None, scenario: Scenario) -> str:
    """The payback chart's one-line answer (payback in `month`, or None), also under the
    live control's curve."""
    ramp_months = scenario.benefit_ramp_months
    caption = (
        f"Cash turns positive in month {month}"
        if month
        else f"No payback within {scenario.horizon_years} years"
    )
    if ramp_months > 1:
        caption += f"; benefits ramp up over the first {ramp_months} months"
    # NPV and ROI end with what the capex is still worth on the books (MODEL.md); this
    # curve is cash alone, so a positive ROI beside a curve that never climbs is explained.
    return (
        f"{caption}. Cash only: NPV and ROI also count the capex's book value left after "
        f"year {scenario.horizon_years}."
    )


# --- 3. operating margin by year ----------------------------------------------------------


@compiled
def _margin_template() -> alt.Chart | alt.LayerChart:
    chart = (
        _named("margin")
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("series:N", sort=["Baseline", "With AI"]),
            y=alt.Y("margin:Q", title="Operating margin, %"),
            color=alt.Color(
                "series:N",
                scale=scale(["Baseline", "With AI"]),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            tooltip=[
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("margin_text:N", title="Operating margin"),
            ],
        )
    )
    return finish(chart, title("What happens to the operating margin?"))


def margin_by_year(result: Result) -> Drawing:
    """Operating margin by year: baseline against with-AI (undefined years left out)."""
    baseline = result.scenario.operating_margin_pct
    rows = []
    for y in result.years:
        rows.append(
            {
                "year": y.year,
                "series": "Baseline",
                "margin": baseline,
                "margin_text": format_kpi(baseline, "pct_plain"),
            }
        )
        if y.operating_margin_with_ai_pct is not None:
            rows.append(
                {
                    "year": y.year,
                    "series": "With AI",
                    "margin": y.operating_margin_with_ai_pct,
                    "margin_text": format_kpi(y.operating_margin_with_ai_pct, "pct_plain"),
                }
            )
    final = format_kpi(result.kpis.margin_impact_final_year_pp, "pp")
    return Drawing(
        _margin_template(), {"margin": rows}, f"Final year: {final} against the baseline"
    )


# --- 4. benefits against costs ------------------------------------------------------------

BENEFITS: Final = ("Productivity value", "Ad growth profit", "Conversion lift profit")


def _cost_names(split: bool) -> tuple[str, ...]:
    tokens = ("Token spend (vendor)", "Token spend (in-house)") if split else ("Token spend",)
    return (*tokens, "AI opex", "Depreciation")


def _benefits_chart(split: bool) -> alt.Chart | alt.LayerChart:
    names = [*BENEFITS, *_cost_names(split)]
    chart = (
        _named("flows")
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("side:N", sort=["Benefits", "Costs"]),
            y=alt.Y("usd_b:Q", title="USD billions per year", stack="zero"),
            color=alt.Color(
                "quantity:N",
                scale=scale(names),
                legend=alt.Legend(orient="bottom", title=None, columns=2),  # fits a phone
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
    return finish(chart, title("Do the benefits cover the costs?"))


_BENEFITS_TEMPLATES: Final = {
    True: compiled(lambda: _benefits_chart(split=True)),
    False: compiled(lambda: _benefits_chart(split=False)),
}


def benefits_and_costs(result: Result) -> Drawing:
    """Benefits against costs by year, stacked; token spend split where in-house is used."""
    split = result.scenario.in_house_share_pct > 0
    rows = []
    for y in result.years:
        parts = [
            ("Benefits", "Productivity value", y.productivity_value_usd),
            ("Benefits", "Ad growth profit", y.ad_growth_profit_usd),
            ("Benefits", "Conversion lift profit", y.ad_conversion_profit_usd),
        ]
        if split:
            parts += [
                ("Costs", "Token spend (vendor)", y.vendor_token_spend_usd),
                ("Costs", "Token spend (in-house)", y.in_house_token_spend_usd),
            ]
        else:
            parts.append(("Costs", "Token spend", y.token_spend_usd))
        parts.append(("Costs", "AI opex", y.ai_opex_usd))
        parts.append(("Costs", "Depreciation", y.depreciation_usd))
        rows += [
            {
                "year": y.year,
                "side": side,
                "quantity": q,
                "usd_b": usd / BILLION,
                "usd_text": format_money(usd),
                "order": k,
            }
            for k, (side, q, usd) in enumerate(parts)
        ]
    return Drawing(
        _BENEFITS_TEMPLATES[split](),
        {"flows": rows},
        "Each year: benefits (left bar) against token spend, AI opex and depreciation (right)",
    )
