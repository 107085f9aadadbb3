"""Decision analysis: break-even, sensitivity, the two-driver map, comparison, Monte Carlo.

Every analysis holds the scenario fixed but for the drivers it varies, and runs
through `whatif.batch.evaluate_batch` so thousands of scenarios cost one numpy
pass. Rules where the issue leaves a choice:

- A driver's low / high come from the preset's `ranges` when it gives one
  (widened to include the current value), else from `DEFAULT_SPREAD` (value
  -50% / +50%), or, for a value of 0, 0 to 10% of the field's span. They are
  clamped to the valid range, counts to whole numbers, and ad revenue never
  above revenue (nor revenue below ad revenue): a scenario must stay valid.
- Monte Carlo draws each varied driver from a triangular distribution (low,
  current value, high), with a fixed seed so a link gives the same draws. It
  varies the five headline drivers and every field the preset gives a range
  for; whole-number fields are rounded to the nearest whole number. The
  preset's rank correlations reorder the draws (whatif/correlations.py), which
  keeps every marginal. A draw whose ad revenue exceeds its revenue takes
  revenue = ad revenue.
- Fields are business levers or evaluation settings (`EVALUATION_SETTINGS`: how
  the programme is measured, not what it does). Break-even and the ranked tornado
  are about levers; settings are shown apart.
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
from whatif.correlations import Correlation, iman_conover
from whatif.model import Kpis, evaluate
from whatif.scenario import FIELDS, FIELDS_BY_NAME, FieldSpec, Scenario

Ranges = Mapping[str, tuple[float, float]]

DEFAULT_SPREAD: Final = 0.5
ZERO_VALUE_SPAN: Final = 0.1
BREAK_EVEN_GRID: Final = 201
DEFAULT_DRAWS: Final = 10_000
DEFAULT_SEED: Final = 20260530
MAP_SIZE: Final = 50
DEFAULT_MAP_FIELDS: Final = ("productivity_gain_pct", "price_per_mtok_usd")
PERCENTILES: Final = (10, 25, 50, 75, 90)

# The settings of the evaluation: how long, at what rate, over which lives, taxes and
# share count and multiple the programme is measured with. Named, not flagged on the
# fields, so a name a model version has not added yet is simply absent.
EVALUATION_SETTINGS: Final = frozenset(
    {
        "horizon_years",
        "discount_rate_pct",
        "server_life_years",
        "buildings_life_years",
        "tax_rate_pct",
        "diluted_shares_b",
        "pe_multiple",
    }
)
LEVERS: Final = tuple(spec.name for spec in FIELDS if spec.name not in EVALUATION_SETTINGS)
SETTINGS: Final = tuple(spec.name for spec in FIELDS if spec.name in EVALUATION_SETTINGS)


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
    """The value of `field` at which NPV is zero, others held; None if there is none.

    `rising` says whether NPV rises with the field there (None without a break-even);
    `low` and `high` are the range searched. For a whole-number field the value is the
    first whole number on the side where NPV is positive.
    """

    field: str
    value: float | None
    current: float
    npv_now_usd: float
    low: float
    high: float
    rising: bool | None = None


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
    npv_now = float(_npv_along(scenario, field, np.array([current]))[0])
    roots = find_roots(lambda xs: _npv_along(scenario, field, xs), low, high)
    if not roots:
        return BreakEven(field, None, current, npv_now, low, high)
    root = min(roots, key=lambda r: abs(r - current))
    step = 1e-6 * (high - low)
    below, above = _npv_along(
        scenario, field, np.array([max(low, root - step), min(high, root + step)])
    )
    rising = bool(above > below)
    if spec.is_int:
        root = float(np.clip(np.ceil(root) if rising else np.floor(root), low, high))
    return BreakEven(field, root, current, npv_now, low, high, rising)


def break_evens(scenario: Scenario, fields: Sequence[str] = LEVERS) -> list[BreakEven]:
    """Every business lever's break-even (the headline five first, as FIELDS lists them)."""
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

    @property
    def is_setting(self) -> bool:
        """An evaluation setting, shown apart from the business levers."""
        return self.field in EVALUATION_SETTINGS


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


def percentile_rank(values: Array, value: float) -> float:
    """Where `value` sits among `values`, 0 to 100: the share below it, half of any ties.

    A tie is equal but for rounding (the batch and evaluate() add in different orders)."""
    ties = np.isclose(values, value, rtol=1e-9, atol=1.0)
    below = np.sum((values < value) & ~ties)
    return float((below + np.sum(ties) / 2) / len(values) * 100)


def percentiles(values: Array, weights: Array | None = None) -> dict[str, float | None]:
    """P10, P25, P50, P75 and P90 of the defined values (each value `weights`-fold)."""
    defined = ~np.isnan(values)
    if not defined.any():
        return {f"p{q}": None for q in PERCENTILES}
    found = (
        np.percentile(values[defined], PERCENTILES)
        if weights is None
        else np.percentile(
            values[defined], PERCENTILES, weights=weights[defined], method="inverted_cdf"
        )
    )
    return {f"p{q}": float(v) for q, v in zip(PERCENTILES, found, strict=True)}


@dataclass(frozen=True)
class Simulation:
    """Monte Carlo draws of NPV, ROI, year-1 margin impact and EPS impact, and their summary.

    `headline_npv_usd` is the scenario's own (point) NPV, to place among the draws.
    """

    draws: int
    seed: int
    varied: tuple[str, ...]
    result: BatchResult
    headline_npv_usd: float
    correlations: tuple[Correlation, ...] = ()

    @property
    def probability_npv_positive(self) -> float:
        return float(np.mean(self.result.npv_usd > 0))

    @property
    def headline_percentile(self) -> float:
        """The percentile of the draws at which the headline NPV sits."""
        return percentile_rank(self.result.npv_usd, self.headline_npv_usd)


def varied_fields(ranges: Ranges | None = None) -> list[FieldSpec]:
    """The drivers Monte Carlo draws: the five headline ones and every field with a range."""
    return [s for s in FIELDS if s.headline or (ranges and s.name in ranges)]


def monte_carlo_table(
    scenario: Scenario,
    ranges: Ranges | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    correlations: Sequence[Correlation] = (),
) -> dict[str, Array]:
    """The scenarios Monte Carlo evaluates, one row per draw: triangular draws (low, value,
    high) of the varied drivers, seeded, reordered to the rank correlations (each names two
    fields `ranges` gives); the other fields held.

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
    if correlations:
        columns = iman_conover(columns, correlations, rng)
    table = scenario_table(scenario, columns, draws)
    table["revenue_busd"] = np.maximum(table["revenue_busd"], table["ad_revenue_busd"])
    return table


def simulate(
    scenario: Scenario,
    ranges: Ranges | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    correlations: Sequence[Correlation] = (),
) -> Simulation:
    """NPV, ROI, margin and EPS impact of each scenario of `monte_carlo_table`."""
    table = monte_carlo_table(scenario, ranges, draws, seed, correlations)
    return Simulation(
        draws,
        seed,
        tuple(s.name for s in varied_fields(ranges)),
        evaluate_batch(table),
        headline_npv_usd=evaluate(scenario).kpis.npv_usd,
        correlations=tuple(correlations),
    )
