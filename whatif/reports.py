"""The analyses as JSON objects (plain USD, null where undefined) and as readable text.

The CLI prints them; the page formats the same numbers its own way. Each
`*_json` function is the machine-readable contract of one CLI command.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from typing import Any

from whatif.analysis import BreakEven, Compared, Simulation, Swing, percentiles
from whatif.batch import Array
from whatif.formatting import (
    EPS_UNIT,
    Kind,
    format_kpi,
    format_money,
    format_span,
    percentile_text,
)
from whatif.model import Kpis
from whatif.scenario import FIELDS_BY_NAME
from whatif.scenario_sets import EXPECTED_KPIS, WeighedSet


def _kpis_json(kpis: Kpis) -> dict[str, Any]:
    return {f.name: getattr(kpis, f.name) for f in fields(Kpis)}


def field_quantity(field: str, value: float, high: float | None = None) -> str:
    """A field's value (or span up to `high`) in its unit as people write it, e.g.
    "$2.07B / year", "$60.0B to $135B / year"."""
    spec = FIELDS_BY_NAME[field]
    return format_span(value, high, spec.unit, whole=spec.is_int)


def _lower(label: str) -> str:
    """A label inside a sentence: "Token volume" -> "token volume", "AI capex" stays."""
    return label[0].lower() + label[1:] if label[1:2].islower() else label


def break_even_sentence(found: BreakEven) -> str:
    """What you need to believe, e.g. "NPV turns positive if AI capex is at most
    $41.3B / year (now $72.0B / year)"; where no value in range does, it says so."""
    label = _lower(FIELDS_BY_NAME[found.field].label)
    now = f"(now {field_quantity(found.field, found.current)})"
    positive = found.npv_now_usd >= 0
    if found.value is None:
        span = field_quantity(found.field, found.low, found.high)
        if positive:
            return f"NPV stays positive for any {label} from {span} {now}"
        return f"No {label} from {span} turns NPV positive {now}"
    bound = "at least" if found.rising else "at most"
    verb = "stays positive while" if positive else "turns positive if"
    return f"NPV {verb} {label} is {bound} {field_quantity(found.field, found.value)} {now}"


def breakeven_json(results: Sequence[BreakEven]) -> dict[str, Any]:
    return {
        "target": "npv",
        "npv_usd": results[0].npv_now_usd if results else None,
        "results": [
            {
                "field": r.field,
                "value": r.value,
                "current": r.current,
                "npv_rises_with_field": r.rising,
                "searched": [r.low, r.high],
                "sentence": break_even_sentence(r),
            }
            for r in results
        ],
    }


def breakeven_text(results: Sequence[BreakEven]) -> str:
    return "\n".join(break_even_sentence(r) for r in results)


def _swing_json(s: Swing) -> dict[str, Any]:
    return {
        "field": s.field,
        "low": s.low,
        "high": s.high,
        "npv_low_usd": s.npv_low_usd,
        "npv_high_usd": s.npv_high_usd,
        "swing_usd": s.swing_usd,
    }


def sensitivity_json(base_npv_usd: float, swings: Sequence[Swing]) -> dict[str, Any]:
    """The business levers ranked by NPV swing ("results"); the evaluation settings
    apart ("settings"), ranked the same way."""
    return {
        "target": "npv",
        "npv_usd": base_npv_usd,
        "results": [_swing_json(s) for s in swings if not s.is_setting],
        "settings": [_swing_json(s) for s in swings if s.is_setting],
    }


def _span(s: Swing) -> str:
    return field_quantity(s.field, s.low, s.high)


def sensitivity_text(base_npv_usd: float, swings: Sequence[Swing]) -> str:
    width = max(len(_span(s)) for s in swings)

    def line(s: Swing) -> str:
        return (
            f"  {FIELDS_BY_NAME[s.field].label:<34} {_span(s):<{width}}  NPV "
            f"{format_money(s.npv_low_usd):>8} to {format_money(s.npv_high_usd):<8} "
            f"swing {format_money(s.swing_usd)}"
        )

    lines = [f"NPV now {format_money(base_npv_usd)}. Business levers, each from low to high:"]
    lines += [line(s) for s in swings if not s.is_setting]
    lines.append("Evaluation settings (how the programme is measured, not levers):")
    lines += [line(s) for s in swings if s.is_setting]
    return "\n".join(lines)


def set_json(weighed: WeighedSet) -> dict[str, Any]:
    """A scenario set: its weights, the expected KPIs and the pooled spread of NPV."""
    return {
        "weights_pct": list(weighed.weights_pct),
        "expected": weighed.expected,
        "pooled_npv_usd": weighed.pooled_npv_usd,
    }


def compare_json(
    current: Compared, others: Sequence[Compared], weighed: WeighedSet | None = None
) -> dict[str, Any]:
    def row(item: Compared) -> dict[str, Any]:
        return {"label": item.label, "kpis": _kpis_json(item.kpis)}

    def difference(a: float | None, b: float | None) -> float | None:
        return None if a is None or b is None else a - b

    return {
        "current": row(current),
        "results": [
            row(item)
            | {
                "npv_vs_current_usd": item.kpis.npv_usd - current.kpis.npv_usd,
                "roi_vs_current_pp": difference(item.kpis.roi_pct, current.kpis.roi_pct),
                "margin_impact_year1_vs_current_pp": difference(
                    item.kpis.margin_impact_year1_pp, current.kpis.margin_impact_year1_pp
                ),
                "eps_impact_year1_vs_current_usd": item.kpis.eps_impact_year1_usd
                - current.kpis.eps_impact_year1_usd,
            }
            for item in others
        ],
    } | (set_json(weighed) if weighed else {})


def set_text(weighed: WeighedSet) -> str:
    """The expected values and the pooled spread, in one paragraph."""
    weights = " / ".join(f"{w:g}%" for w in weighed.weights_pct)
    expected = ", ".join(
        f"{label} {format_kpi(weighed.expected[name], kind)}" for name, label, kind in EXPECTED_KPIS
    )
    pooled = weighed.pooled_npv_usd
    return (
        f"Expected with weights {weights}: {expected}; NPV pooled P10 to P90: "
        f"{format_kpi(pooled['p10'], 'usd')} to {format_kpi(pooled['p90'], 'usd')}"
    )


def compare_text(
    current: Compared, others: Sequence[Compared], weighed: WeighedSet | None = None
) -> str:
    lines = [f"{'':<34} {'ROI':>9} {'NPV':>9} {'vs current':>11} {'margin y1':>11} {'EPS y1':>9}"]
    for item in (current, *others):
        k = item.kpis
        versus = "" if item is current else format_money(k.npv_usd - current.kpis.npv_usd)
        lines.append(
            f"{item.label[:34]:<34} {format_kpi(k.roi_pct, 'pct'):>9} "
            f"{format_money(k.npv_usd):>9} {versus:>11} "
            f"{format_kpi(k.margin_impact_year1_pp, 'pp'):>11} "
            f"{format_kpi(k.eps_impact_year1_usd, 'eps'):>9}"
        )
    if weighed:
        lines.append(set_text(weighed))
    return "\n".join(lines)


def simulate_json(simulation: Simulation) -> dict[str, Any]:
    r = simulation.result
    return {
        "draws": simulation.draws,
        "seed": simulation.seed,
        "distribution": "triangular (low, value, high), "
        + ("rank-correlated (Iman-Conover)" if simulation.correlations else "independent draws"),
        "varied": list(simulation.varied),
        "correlations": [
            {"fields": list(c.fields), "rank": c.rank, "source": c.source}
            for c in simulation.correlations
        ],
        "npv_usd": percentiles(r.npv_usd),
        "roi_pct": percentiles(r.roi_pct),
        "margin_impact_year1_pp": percentiles(r.margin_impact_year1_pp),
        "eps_impact_year1_usd": percentiles(r.eps_impact_year1_usd),
        "probability_npv_positive": simulation.probability_npv_positive,
        "headline": {
            "npv_usd": simulation.headline_npv_usd,
            "percentile": simulation.headline_percentile,
        },
    }


def simulate_text(simulation: Simulation) -> str:
    r = simulation.result
    lines = [
        f"{simulation.draws:,} draws (seed {simulation.seed}) of: " + ", ".join(simulation.varied)
    ]
    lines += [
        f"  correlated: {c.fields[0]} ~ {c.fields[1]}, rank {c.rank:+.2f}"
        for c in simulation.correlations
    ]
    spread: list[tuple[Array, str, Kind]] = [
        (r.npv_usd, "NPV", "usd"),
        (r.roi_pct, "ROI", "pct"),
        (r.margin_impact_year1_pp, "Margin impact, year 1", "pp"),
        (r.eps_impact_year1_usd, f"EPS impact, year 1 ({EPS_UNIT})", "eps"),
    ]
    for values, label, kind in spread:
        found = percentiles(values)
        lines.append(
            f"  {label:<32} "
            + "  ".join(f"{key.upper()} {format_kpi(v, kind):>9}" for key, v in found.items())
        )
    lines.append(f"  Probability that NPV > 0: {simulation.probability_npv_positive:.1%}")
    lines.append(
        f"  The headline NPV, {format_money(simulation.headline_npv_usd)}, is "
        f"{percentile_text(simulation.headline_percentile)} of its draws"
    )
    return "\n".join(lines)
