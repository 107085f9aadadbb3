"""The headline KPIs as tiles: label, value with its unit, change against a reference.

The page shows them as metric tiles and the CLI as the top of its table, so the
wording and the units are decided once, here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, Literal, NamedTuple

from whatif.formatting import (
    EPS_UNIT,
    Kind,
    format_eps,
    format_kpi,
    format_money,
    payback_change,
)
from whatif.links import format_number
from whatif.model import Kpis, Result
from whatif.scenario import FIELDS, Scenario

DeltaColour = Literal["normal", "inverse", "off"]

# Each KPI of MODEL.md by the name people read, with the unit where its value shows none
# (EPS values read "+$1.24"). The tiles, the CLI's table and `presets diff` all use these;
# some tiles add the horizon, the discount rate or the P/E.
KPI_LABELS: Final = {
    "token_spend_year1_usd": "Token spend, year 1",
    "token_cost_per_user_hour_usd": "Token cost per user-hour",
    "token_cost_share_of_loaded_cost_pct": "Token cost, share of loaded cost",
    "productivity_value_year1_usd": "Productivity value, year 1",
    "ad_profit_year1_usd": "Ad profit, year 1",
    "depreciation_year1_usd": "Depreciation, year 1",
    "operating_impact_year1_usd": "Operating impact, year 1",
    "margin_impact_year1_pp": "Margin impact, year 1",
    "margin_impact_final_year_pp": "Margin impact, final year",
    "roi_pct": "ROI",
    "npv_usd": "NPV",
    "payback_month": "Payback",
    "book_value_end_usd": "Book value at the end",
    "ai_opex_year1_usd": "AI opex, year 1",
    "eps_impact_year1_usd": f"EPS impact, year 1 ({EPS_UNIT})",
    "eps_impact_final_year_usd": f"EPS impact, final year ({EPS_UNIT})",
    "npv_after_tax_usd": "NPV after tax",
    "npv_per_share_usd": "Value per share, after tax",
    "price_impact_year1_usd": "Share-price effect, year 1",
    "free_cash_flow_year1_usd": "Free cash flow, year 1",
    "roic_final_year_pct": "ROIC, final year",
}


class Tile(NamedTuple):
    """One KPI as shown: `delta` is the change against the reference, when there is one.

    A NamedTuple rather than a frozen dataclass: as immutable, and several times faster
    to build, which a slider's sweep does eleven times at each of its hundreds of steps.
    """

    label: str
    value: str
    delta: str | None
    delta_colour: DeltaColour
    help: str


def payback_text(month: int | None, horizon_years: int, *, short: bool = False) -> str:
    """ "month 9", or no payback within the horizon ("> 5 years" where space is short)."""
    if month:
        return f"month {month}"
    return f"> {horizon_years} years" if short else f"not within {horizon_years} years"


DeltaKind = Literal["usd", "pp", "eps"]


def _delta(now: float | None, then: float | None, kind: DeltaKind) -> str | None:
    """The change from `then` to `now` as the tile shows it, or None when there is none:
    equal to a part in a billion (the same scenario computed by evaluate() and by the
    sweep's batch differs only in float rounding)."""
    if now is None or then is None or math.isclose(now, then, rel_tol=1e-9, abs_tol=1e-9):
        return None
    if kind == "usd":
        text = format_money(now - then)
        return ("+" + text if now >= then else text) + " vs preset"
    if kind == "eps":
        return f"{format_eps(now - then)} vs preset"
    return f"{now - then:+,.2f} pp vs preset"


def _payback_delta(now: int | None, then: int | None) -> tuple[str | None, DeltaColour]:
    """The payback tile's change ("+14 months", "never within horizon") and its colour.

    A tile's arrow points by the delta's sign and its colour follows `delta_colour`,
    so a later payback ("+14 months", up) is red and an earlier one green.
    """
    delta, better = payback_change(now, then)
    if delta is None:
        return None, "off"
    up = not delta.startswith("-")
    return f"{delta} vs preset", "normal" if better == up else "inverse"


# The tiles in rows: what an investor asks, what the programme returns, what it costs
# to run. The page draws one row of tiles per entry; the CLI lists them in this order.
TILE_ROWS: Final = (4, 4, 3)


def investor_story(result: Result) -> str:
    """One sentence contrasting intrinsic value with the share-price effect, the seeds'
    "valuation defence": a programme can add value while its near-term EPS drag costs
    the share price, and the reverse."""
    k, s = result.kpis, result.scenario
    value, price = k.npv_per_share_usd, k.price_impact_year1_usd
    adds = "adds" if value >= 0 else "destroys"
    moves = "lifts" if price >= 0 else "cuts"
    contrast = (
        ""
        if (value >= 0) == (price >= 0)
        else " They disagree: value counts all years' cash, price only year-1 EPS."
    )
    return (
        f"Intrinsic value: the programme {adds} {format_kpi(abs(value), 'usd_small')} per share "
        f"(after-tax NPV over {format_number(s.diluted_shares_b)}B shares). Share price: if the "
        f"market capitalises year-1 EPS at {format_number(s.pe_multiple)}x, it "
        f"{moves} the price by {format_kpi(abs(price), 'usd_small')} per share.{contrast}"
    )


def kpi_tiles(result: Result, reference: Result | None = None) -> list[Tile]:
    """The headline tiles of a result; deltas against `reference` (the preset) when given."""
    return tiles(result.kpis, result.scenario, reference.kpis if reference else None)


def _rate(s: Scenario) -> str:
    return format_number(s.discount_rate_pct)


class _Spec(NamedTuple):
    """One tile: its label (from the scenario's settings, never a headline field), the KPI
    it shows, how the value and its change read, and whether up is good ("normal")."""

    label: Callable[[Scenario], str]
    kpi: str
    kind: Kind | Literal["payback"]
    delta_kind: DeltaKind
    colour: DeltaColour

    def shown(
        self, now: Any, then: Any, s: Scenario, referenced: bool
    ) -> tuple[str, str | None, DeltaColour]:
        """The value, the change against the reference's `then` (when `referenced`), and
        the change's colour."""
        if self.kind == "payback":
            value = payback_text(now, s.horizon_years, short=True)
            return (value, *_payback_delta(now, then)) if referenced else (value, None, "off")
        delta = _delta(now, then, self.delta_kind) if referenced else None
        return format_kpi(now, self.kind), delta, self.colour


# The tiles in `TILE_ROWS`. The first row answers the investor (value per share against
# the share-price effect, EPS, ROIC against the cost of capital), the second the
# programme's return (NPV, ROI, payback, margin), the third its running cost (tokens).
_SPECS: Final = (
    _Spec(lambda s: KPI_LABELS["npv_per_share_usd"], "npv_per_share_usd", "eps", "eps", "normal"),
    _Spec(
        lambda s: f"Share-price effect at {format_number(s.pe_multiple)}x P/E",
        "price_impact_year1_usd",
        "eps",
        "eps",
        "normal",
    ),
    _Spec(
        lambda s: KPI_LABELS["eps_impact_year1_usd"], "eps_impact_year1_usd", "eps", "eps", "normal"
    ),
    _Spec(
        lambda s: f"ROIC, year {s.horizon_years} (hurdle {_rate(s)}%)",
        "roic_final_year_pct",
        "pct",
        "pp",
        "normal",
    ),
    _Spec(lambda s: f"{KPI_LABELS['npv_usd']} at {_rate(s)}%", "npv_usd", "usd", "usd", "normal"),
    _Spec(
        lambda s: f"{KPI_LABELS['roi_pct']} over {s.horizon_years} years",
        "roi_pct",
        "pct",
        "pp",
        "normal",
    ),
    _Spec(lambda s: KPI_LABELS["payback_month"], "payback_month", "payback", "pp", "normal"),
    _Spec(
        lambda s: KPI_LABELS["margin_impact_year1_pp"],
        "margin_impact_year1_pp",
        "pp",
        "pp",
        "normal",
    ),
    _Spec(
        lambda s: KPI_LABELS["token_spend_year1_usd"],
        "token_spend_year1_usd",
        "usd",
        "usd",
        "inverse",
    ),
    _Spec(
        lambda s: KPI_LABELS["token_cost_per_user_hour_usd"],
        "token_cost_per_user_hour_usd",
        "usd_small",
        "usd",
        "inverse",
    ),
    _Spec(
        lambda s: KPI_LABELS["free_cash_flow_year1_usd"],
        "free_cash_flow_year1_usd",
        "usd",
        "usd",
        "normal",
    ),
)


def tiles(k: Kpis, s: Scenario, r: Kpis | None = None) -> list[Tile]:
    """The headline tiles in `TILE_ROWS` for scenario `s` and its KPIs `k`; deltas against
    the reference KPIs `r` (the preset's) when given."""
    return [
        Tile(
            spec.label(s),
            *spec.shown(getattr(k, spec.kpi), getattr(r, spec.kpi, None), s, r is not None),
            text,
        )
        for spec, text in zip(_SPECS, _helps(k, s), strict=True)
    ]


class TileColumn(NamedTuple):
    """One tile along a slider: its label, and (value, delta, delta colour) at each step."""

    label: str
    shown: list[tuple[str, str | None, DeltaColour]]


def tile_columns(
    columns: Mapping[str, Sequence[float | int | None]], s: Scenario, r: Kpis | None
) -> list[TileColumn]:
    """The tiles at each step along a headline slider, tile by tile, without their help
    (a sweep sends none: they are read at rest): `columns` holds each KPI at every step
    (None where undefined) of `s` with one headline field varied; the labels, which read
    only the scenario's settings, are the same at every step."""
    return [
        TileColumn(
            spec.label(s),
            [
                spec.shown(now, then, s, r is not None)
                for then in (getattr(r, spec.kpi, None),)
                for now in columns[spec.kpi]
            ],
        )
        for spec in _SPECS
    ]


def _helps(k: Kpis, s: Scenario) -> list[str]:
    """Each tile's help, in the order of `tiles`: what it measures and how."""
    rate = _rate(s)
    share = format_kpi(k.token_cost_share_of_loaded_cost_pct, "pct")
    return [
        # Value per share
        f"In $ per diluted share. Intrinsic value the programme adds: its after-tax NPV at "
        f"{rate}% ({format_kpi(k.npv_after_tax_usd, 'usd')}) over "
        f"{format_number(s.diluted_shares_b)}B shares.",
        # Share-price effect
        "In $ per share. What the share price moves if the market capitalises the year-1 EPS "
        "impact at today's P/E multiple. Against the value per share: a programme can add "
        "value while its near-term EPS drag costs the share price.",
        # EPS impact
        f"Change in diluted earnings per share in year 1: the operating impact after "
        f"{format_number(s.tax_rate_pct)}% tax over {format_number(s.diluted_shares_b)}B "
        f"diluted shares. Final year: {format_kpi(k.eps_impact_final_year_usd, 'eps')}.",
        # ROIC
        "Return on invested capital in the final year: the operating impact after tax over "
        f"the programme's average net book value. The hurdle is the {rate}% discount rate, "
        "the cost of capital: above it, the programme earns more than its capital costs; "
        "n/a while nothing is invested.",
        # NPV
        "Before tax: monthly net cash discounted at the discount rate, plus the discounted "
        "book value. "
        f"After tax: {format_kpi(k.npv_after_tax_usd, 'usd')}.",
        # ROI
        "(benefits − costs) / costs, before tax. Benefits: productivity value, ad profit "
        "and the book value left at the end; costs: token spend, other AI opex and capex.",
        # Payback
        "First month in which cumulative net cash is no longer negative "
        f"(“> {s.horizon_years} years”: not within the horizon).",
        # Margin impact
        "Year-1 operating margin with AI minus the baseline margin, in percentage points.",
        # Token spend
        "Vendor and in-house token cost over the first twelve months.",
        # Token cost per user-hour
        f"Year-1 token spend per AI user over 2,080 working hours: {share} of a "
        "user's loaded cost.",
        # Free cash flow
        "The programme's year-1 cash after capex and tax: benefits less token spend, other "
        "AI opex, capex and the tax on the operating impact.",
    ]


def slider_notes(scenario: Scenario) -> dict[str, tuple[str, str]]:
    """What a headline slider's value does not say by itself, by field name, short (under
    the track) and in full (on hover): the AI capex slider is the company's whole AI
    capex, of which an advanced field charges a share to the programme (meta-2025:
    135 $B / year, half of it counted)."""
    charged = format_number(scenario.capex_attributed_pct)
    if scenario.capex_attributed_pct >= 100:
        return {}
    return {
        "ai_capex_busd_per_year": (
            f"{charged}% charged",
            f"{charged}% of this capex is charged to the AI programme (Advanced assumptions: "
            "Capex charged to this programme); the rest serves other purposes.",
        )
    }


def changes(scenario: Scenario, base: Scenario) -> list[str]:
    """Each field that differs from the base, e.g. "Horizon 5 → 7 (years)"."""
    return [
        f"{s.label} {format_number(getattr(base, s.name), s)} → "
        f"{format_number(getattr(scenario, s.name), s)} ({s.unit})"
        for s in FIELDS
        if getattr(scenario, s.name) != getattr(base, s.name)
    ]


def year_table(result: Result) -> list[dict[str, str]]:
    """One row per year, formatted with units, for the page's table and the CLI's."""
    return [
        {
            "Year": str(y.year),
            "Token spend": format_money(y.token_spend_usd),
            "Baseline revenue": format_money(y.baseline_revenue_usd),
            "Productivity value": format_money(y.productivity_value_usd),
            "Ad growth profit": format_money(y.ad_growth_profit_usd),
            "Conversion lift profit": format_money(y.ad_conversion_profit_usd),
            "AI opex": format_money(y.ai_opex_usd),
            "Depreciation": format_money(y.depreciation_usd),
            "Operating impact": format_money(y.operating_impact_usd),
            "Capex": format_money(y.capex_usd),
            "Net cash": format_money(y.net_cash_usd),
            "Margin with AI": format_kpi(y.operating_margin_with_ai_pct, "pct_plain"),
            "Margin impact": format_kpi(y.margin_impact_pp, "pp"),
            f"EPS impact ({EPS_UNIT})": format_kpi(y.eps_impact_usd, "eps"),
            "Free cash flow": format_money(y.free_cash_flow_usd),
            "Invested capital": format_money(y.invested_capital_usd),
            "ROIC": format_kpi(y.roic_pct, "pct"),
        }
        for y in result.years
    ]
