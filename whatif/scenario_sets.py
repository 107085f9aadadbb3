"""Scenario sets: two to four scenarios weighed by probability (shared MODEL.md).

A set's expected values are the weighted sums of its members' KPIs, and its
spread is the P10 to P90 of the members' own Monte Carlo draws of NPV, pooled
in proportion to the weights (each draw counts its member's weight over its
member's number of draws). Input is read here once, for the CLI and the page,
and every refusal is a sentence naming what is wrong:

- a set has 2 to 4 members;
- weights are plain numbers separated by commas, one per member, each above 0,
  summing to 100 (within 0.01);
- a member is a preset id or a share link (text with `name=value` parameters);
  anything else is "not a link", not a link with an unknown parameter.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np

from whatif.analysis import DEFAULT_DRAWS, DEFAULT_SEED, Ranges, Simulation, percentiles, simulate
from whatif.correlations import Correlation
from whatif.formatting import EPS_UNIT, Kind, shown
from whatif.links import decode_link, is_link
from whatif.model import Kpis, evaluate
from whatif.presets import PRESET_ID, Preset
from whatif.scenario import Scenario

MIN_MEMBERS: Final = 2
MAX_MEMBERS: Final = 4
WEIGHT_TOLERANCE_PCT: Final = 0.01
# The KPIs a set reports the probability-weighted sum of (name, label, how it is shown).
# The KPIs a scenario set weighs (MODEL.md): a line here is all it takes; the CLI, its
# JSON and the page follow.
EXPECTED_KPIS: Final[tuple[tuple[str, str, Kind], ...]] = (
    ("npv_usd", "NPV", "usd"),
    ("npv_per_share_usd", f"After-tax NPV per share ({EPS_UNIT})", "eps"),
    ("roi_pct", "ROI", "pct"),
    ("eps_impact_year1_usd", f"EPS impact, year 1 ({EPS_UNIT})", "eps"),
)


@dataclass(frozen=True)
class Member:
    """One scenario of a set, with what its Monte Carlo needs (its preset's ranges)."""

    label: str
    scenario: Scenario
    ranges: Ranges = field(default_factory=dict)
    correlations: tuple[Correlation, ...] = ()
    ignored: tuple[str, ...] = ()  # the parts of its link that were ignored, each named
    preset_id: str | None = None  # the preset it is, or that its link starts from


def resolve(item: str, presets: Mapping[str, Preset]) -> Member | str:
    """A preset id or a share link as a member, or why it is neither."""
    item = item.strip()
    if item in presets:
        preset = presets[item]
        return Member(
            preset.name, preset.scenario, preset.ranges, preset.correlations, preset_id=item
        )
    if not is_link(item):
        if PRESET_ID.fullmatch(item):
            return f"{shown(item)!r}: no preset with this id"
        return f"{shown(item)!r}: not a link (nor a preset id)"
    decoded = decode_link(item, presets)
    base = presets.get(decoded.preset_id or "")
    return Member(
        item,
        decoded.scenario,
        base.ranges if base else {},
        base.correlations if base else (),
        tuple(w.problem for w in decoded.warnings),
        decoded.preset_id,
    )


def count_problem(count: int) -> str | None:
    if MIN_MEMBERS <= count <= MAX_MEMBERS:
        return None
    return f"a scenario set takes {MIN_MEMBERS} to {MAX_MEMBERS} scenarios, not {count}"


def read_weights(text: str, count: int) -> list[float] | str:
    """The weights, percent, from "25,50,25", or the first reason they cannot be used."""
    weights = []
    for part in text.split(","):
        try:
            weight = float(part)
        except ValueError:
            return f"weights must be numbers separated by commas; {shown(part.strip())!r} is not"
        if not math.isfinite(weight) or weight <= 0:
            return f"each weight must be a number above 0, not {shown(part.strip())}"
        weights.append(weight)
    if len(weights) != count:
        return f"{len(weights)} weights for {count} scenarios: give one weight per scenario"
    total = sum(weights)
    if abs(total - 100) > WEIGHT_TOLERANCE_PCT + 1e-9:  # 33.33 x 3 is 99.99, to rounding
        return f"weights must add up to 100 (percent), not {total:g}"
    return weights


@dataclass(frozen=True)
class WeighedSet:
    """A set's members and weights, each member's KPIs, the expected values and the
    pooled P10 to P90 of NPV."""

    members: tuple[Member, ...]
    weights_pct: tuple[float, ...]
    kpis: tuple[Kpis, ...]
    expected: dict[str, float | None]
    pooled_npv_usd: dict[str, float | None]


def expected_values(kpis: Sequence[Kpis], weights_pct: Sequence[float]) -> dict[str, float | None]:
    """Each of EXPECTED_KPIS weighed by probability; undefined if any member's is."""
    expected: dict[str, float | None] = {}
    for name, _, _ in EXPECTED_KPIS:
        values = [getattr(k, name) for k in kpis]
        defined = [v for v in values if v is not None]
        expected[name] = (
            sum(w / 100 * v for w, v in zip(weights_pct, defined, strict=True))
            if len(defined) == len(values)
            else None
        )
    return expected


def _simulate(member: Member) -> Simulation:
    return simulate(
        member.scenario,
        member.ranges,
        draws=DEFAULT_DRAWS,
        seed=DEFAULT_SEED,
        correlations=member.correlations,
    )


def weigh(
    members: Sequence[Member],
    weights_pct: Sequence[float],
    simulate_member: Callable[[Member], Simulation] = _simulate,
) -> WeighedSet:
    """The set's expected values and pooled spread (`simulate_member` may be a cached one)."""
    kpis = tuple(evaluate(m.scenario).kpis for m in members)
    simulations = [simulate_member(m) for m in members]
    draws = np.concatenate([s.result.npv_usd for s in simulations])
    each = np.concatenate(
        [np.full(s.draws, w / s.draws) for s, w in zip(simulations, weights_pct, strict=True)]
    )
    return WeighedSet(
        tuple(members),
        tuple(weights_pct),
        kpis,
        expected_values(kpis, weights_pct),
        percentiles(draws, each),
    )
