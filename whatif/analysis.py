"""Decision analysis: break-even, sensitivity, the two-driver map, comparison, Monte Carlo.

Every analysis holds the scenario fixed but for the drivers it varies, and runs
through `whatif.batch.evaluate_batch` so thousands of scenarios cost one numpy
pass. Rules where the issue leaves a choice:

- A driver's low / high come from the preset's `ranges` when it gives one
  (widened to include the current value), else from `DEFAULT_SPREAD` (value
  -50% / +50%), or, for a value of 0, 0 to 10% of the field's span. They are
  clamped to the valid range, counts to whole numbers, and ad revenue never
  above revenue (nor revenue below ad revenue): a scenario must stay valid.
- Monte Carlo draws each varied driver independently from a triangular
  distribution (low, current value, high), with a fixed seed so a link gives
  the same draws. It varies the five headline drivers and every field the
  preset gives a range for; whole-number fields are rounded to the nearest
  whole number. A draw whose ad revenue exceeds its revenue takes revenue =
  ad revenue.
- Break-even scans the valid range on a grid, then refines each sign change by
  the Illinois method; of several roots it reports the one nearest the current
  value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

from whatif.batch import Array, BatchResult, evaluate_batch, scenario_table
from whatif.model import Kpis, evaluate
from whatif.scenario import FIELDS, FIELDS_BY_NAME, HEADLINE_FIELDS, FieldSpec, Scenario

Ranges = Mapping[str, tuple[float, float]]

DEFAULT_SPREAD: Final = 0.5
ZERO_VALUE_SPAN: Final = 0.1
BREAK_EVEN_GRID: Final = 201
DEFAULT_DRAWS: Final = 10_000
DEFAULT_SEED: Final = 20260530
MAP_SIZE: Final = 50
DEFAULT_MAP_FIELDS: Final = ("productivity_gain_pct", "price_per_mtok_usd")


def _clamp_to_rules(spec: FieldSpec, low: float, high: float, s: Scenario) -> tuple[float, float]:
    lowest, highest = spec.minimum, spec.maximum
    if spec.name == "ad_revenue_busd":
        highest = min(highest, s.revenue_busd)
    if spec.name == "revenue_busd":
        lowest = max(lowest, s.ad_revenue_busd)
    low, high = max(lowest, min(low, high)), min(highest, max(low, high))
    if spec.is_int:
        low, high = float(np.ceil(low)), float(np.floor(high))
    return low, high


def driver_range(
    spec: FieldSpec, scenario: Scenario, ranges: Ranges | None = None
) -> tuple[float, float]:
    """The low and high value of one driver for sensitivity and Monte Carlo."""
    value = float(getattr(scenario, spec.name))
    if ranges and spec.name in ranges:
        low, high = ranges[spec.name]
        low, high = min(low, value), max(high, value)
    elif value != 0:
        low, high = value * (1 - DEFAULT_SPREAD), value * (1 + DEFAULT_SPREAD)
    else:
        span = ZERO_VALUE_SPAN * (spec.maximum - spec.minimum)
        low, high = value - span, value + span
    return _clamp_to_rules(spec, low, high, scenario)


# --- break-even ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BreakEven:
    """The value of `field` at which NPV is zero, others held; None if there is none."""

    field: str
    value: float | None
    current: float


def _npv_along(scenario: Scenario, field: str, xs: Array) -> Array:
    return evaluate_batch(scenario_table(scenario, {field: xs}, len(xs))).npv_usd


def find_roots(
    f: Callable[[Array], Array], low: float, high: float, grid: int = BREAK_EVEN_GRID
) -> list[float]:
    """Every x in [low, high] where the vectorised f crosses zero, found on a grid and
    refined by the Illinois method (modified regula falsi) on all brackets at once."""
    xs = np.linspace(low, high, grid)
    ys = f(xs)
    roots = [float(x) for x in xs[ys == 0]]
    at = np.flatnonzero(np.sign(ys[:-1]) * np.sign(ys[1:]) < 0)
    if at.size == 0:
        return sorted(roots)
    lo, hi, f_lo, f_hi = xs[at], xs[at + 1], ys[at], ys[at + 1]
    tolerance = 1e-9 * (high - low)
    for _ in range(100):
        x = (lo * f_hi - hi * f_lo) / (f_hi - f_lo)
        fx = f(x)
        left = np.sign(fx) == np.sign(f_lo)
        # Replace the end on fx's side; halve the kept end's value so both ends move.
        lo, f_lo, f_hi = (
            np.where(left, x, lo),
            np.where(left, fx, f_lo),
            np.where(left, f_hi / 2, f_hi),
        )
        hi, f_hi, f_lo = (
            np.where(left, hi, x),
            np.where(left, f_hi, fx),
            np.where(left, f_lo, f_lo / 2),
        )
        if np.all((hi - lo) < tolerance) or np.all(fx == 0):
            break
    return sorted(roots + [float(r) for r in np.where(np.abs(f_lo) < np.abs(f_hi), lo, hi)])


def break_even(scenario: Scenario, field: str) -> BreakEven:
    """Where NPV crosses zero as `field` moves over its valid range, others held."""
    spec = FIELDS_BY_NAME[field]
    current = float(getattr(scenario, field))
    low, high = _clamp_to_rules(spec, spec.minimum, spec.maximum, scenario)
    roots = find_roots(lambda xs: _npv_along(scenario, field, xs), low, high)
    if not roots:
        return BreakEven(field, None, current)
    return BreakEven(field, min(roots, key=lambda root: abs(root - current)), current)


def break_evens(scenario: Scenario, fields: Sequence[str] = HEADLINE_FIELDS) -> list[BreakEven]:
    return [break_even(scenario, field) for field in fields]


# --- sensitivity --------------------------------------------------------------------------


@dataclass(frozen=True)
class Swing:
    """NPV with one driver at its low and its high value, everything else held."""

    field: str
    low: float
    high: float
    npv_low_usd: float
    npv_high_usd: float

    @property
    def swing_usd(self) -> float:
        return abs(self.npv_high_usd - self.npv_low_usd)


def sensitivity(scenario: Scenario, ranges: Ranges | None = None) -> list[Swing]:
    """The tornado: every driver's NPV swing, largest first."""
    bounds = [driver_range(spec, scenario, ranges) for spec in FIELDS]
    rows = 2 * len(FIELDS)
    table = {name: column.copy() for name, column in scenario_table(scenario, {}, rows).items()}
    for i, (spec, (low, high)) in enumerate(zip(FIELDS, bounds, strict=True)):
        table[spec.name][2 * i : 2 * i + 2] = (low, high)
    npv = evaluate_batch(table).npv_usd
    swings = [
        Swing(spec.name, low, high, float(npv[2 * i]), float(npv[2 * i + 1]))
        for i, (spec, (low, high)) in enumerate(zip(FIELDS, bounds, strict=True))
    ]
    return sorted(swings, key=lambda s: s.swing_usd, reverse=True)


# --- the two-driver map -----------------------------------------------------------------


@dataclass(frozen=True)
class NpvGrid:
    """NPV over a grid of two drivers (rows follow y, columns x) and its zero line."""

    x_field: str
    y_field: str
    xs: Array
    ys: Array
    npv_usd: Array
    zero_line: list[tuple[float, float]]


def _crossings(values: Array, at: Array) -> list[float]:
    """Where a series crosses zero between its points, linearly interpolated."""
    found = []
    for k in np.flatnonzero(np.sign(values[:-1]) * np.sign(values[1:]) <= 0):
        a, b = values[k], values[k + 1]
        if a != b:
            found.append(float(at[k] + (at[k + 1] - at[k]) * a / (a - b)))
    return found


def _zero_crossings(xs: Array, ys: Array, npv: Array) -> list[tuple[float, float]]:
    # Along y column by column, and along x row by row, so flat stretches are drawn too.
    points = [(float(x), y) for j, x in enumerate(xs) for y in _crossings(npv[:, j], ys)]
    points += [(x, float(y)) for i, y in enumerate(ys) for x in _crossings(npv[i, :], xs)]
    return sorted(set(points))


def npv_grid(
    scenario: Scenario,
    x_field: str = DEFAULT_MAP_FIELDS[0],
    y_field: str = DEFAULT_MAP_FIELDS[1],
    size: int = MAP_SIZE,
) -> NpvGrid:
    """NPV over each driver's valid range (size x size points), others held."""
    x_spec, y_spec = FIELDS_BY_NAME[x_field], FIELDS_BY_NAME[y_field]
    xs = np.linspace(*_clamp_to_rules(x_spec, x_spec.minimum, x_spec.maximum, scenario), size)
    ys = np.linspace(*_clamp_to_rules(y_spec, y_spec.minimum, y_spec.maximum, scenario), size)
    if x_spec.is_int:
        xs = np.unique(np.rint(xs))
    if y_spec.is_int:
        ys = np.unique(np.rint(ys))
    gx, gy = np.meshgrid(xs, ys)
    npv = evaluate_batch(
        scenario_table(scenario, {x_field: gx.ravel(), y_field: gy.ravel()}, gx.size)
    ).npv_usd.reshape(gx.shape)
    return NpvGrid(x_field, y_field, xs, ys, npv, _zero_crossings(xs, ys, npv))


# --- comparison ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Compared:
    """One scenario's KPIs beside the current scenario's."""

    label: str
    scenario: Scenario
    kpis: Kpis


def compare(items: Sequence[tuple[str, Scenario]]) -> list[Compared]:
    return [Compared(label, scenario, evaluate(scenario).kpis) for label, scenario in items]


# --- Monte Carlo --------------------------------------------------------------------------


@dataclass(frozen=True)
class Simulation:
    """Monte Carlo draws of NPV, ROI, year-1 margin impact and EPS impact, and their summary."""

    draws: int
    seed: int
    varied: tuple[str, ...]
    result: BatchResult

    def percentiles(self, values: Array) -> dict[str, float | None]:
        defined = values[~np.isnan(values)]
        if defined.size == 0:
            return {"p10": None, "p50": None, "p90": None}
        p10, p50, p90 = np.percentile(defined, [10, 50, 90])
        return {"p10": float(p10), "p50": float(p50), "p90": float(p90)}

    @property
    def probability_npv_positive(self) -> float:
        return float(np.mean(self.result.npv_usd > 0))


def varied_fields(ranges: Ranges | None = None) -> list[FieldSpec]:
    """The drivers Monte Carlo draws: the five headline ones and every field with a range."""
    return [s for s in FIELDS if s.headline or (ranges and s.name in ranges)]


def monte_carlo_table(
    scenario: Scenario,
    ranges: Ranges | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
) -> dict[str, Array]:
    """The scenarios Monte Carlo evaluates, one row per draw: independent triangular draws
    (low, value, high) of the varied drivers, seeded; the other fields held.

    Its own function so the draws themselves can be checked, not only the NPVs they give.
    """
    rng = np.random.default_rng(seed)
    columns: dict[str, Array] = {}
    for spec in varied_fields(ranges):
        low, high = driver_range(spec, scenario, ranges)
        mode = float(getattr(scenario, spec.name))
        drawn = rng.triangular(low, mode, high, draws) if high > low else np.full(draws, mode)
        # Counts (users, ramp months, years) stay whole numbers, as a scenario's must.
        columns[spec.name] = np.rint(drawn) if spec.is_int else drawn
    table = scenario_table(scenario, columns, draws)
    table["revenue_busd"] = np.maximum(table["revenue_busd"], table["ad_revenue_busd"])
    return table


def simulate(
    scenario: Scenario,
    ranges: Ranges | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
) -> Simulation:
    """NPV, ROI, margin and EPS impact of each scenario of `monte_carlo_table`."""
    table = monte_carlo_table(scenario, ranges, draws, seed)
    varied = tuple(s.name for s in varied_fields(ranges))
    return Simulation(draws, seed, varied, evaluate_batch(table))
