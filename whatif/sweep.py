"""What the headline tiles and the payback curve show, for one scenario or along a slider.

The page's live control draws the KPI tiles and the cumulative-cash curve itself.
For the current scenario it gets a `view` (every tile's texts, the investor's
story, the curve); when a slider is grabbed it gets a `sweep`: the same texts and
curve at every point of that slider's grid, every other field held, so the
browser follows a held thumb by looking a point up by its index. Every text is
formatted here, by `kpi_tiles` and `whatif.formatting`; the browser formats no
number and computes nothing but where to draw a point.

A sweep is compact (about 60 to 130 KB as sent), because its texts repeat from
point to point: each tile's texts go as runs along the grid, and the curve is kept
for at most `CURVES` points, at `CURVE_SAMPLES` months, as whole steps of its axis.
The tiles' help texts and the story are long and are only read at rest, so a sweep
leaves them out: they come with the view after the release.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from functools import lru_cache
from itertools import groupby
from typing import Any, Final

import numpy as np

from whatif.batch import kpi_table, scenario_table
from whatif.charts import payback_caption
from whatif.formatting import format_money
from whatif.model import Result, evaluate
from whatif.scenario import FIELDS_BY_NAME, FieldSpec, Scenario
from whatif.summary import (
    DeltaColour,
    Tile,
    investor_story,
    kpi_tiles,
    payback_text,
    tile_columns,
)

CURVE_SAMPLES: Final = 31  # at most this many months drawn per curve
CURVES: Final = 100  # at most this many curves per sweep; the tiles have every grid point
DELTA_SUFFIX: Final = " vs preset"
CURVE_LEVELS: Final = 1000  # a curve's values as whole steps of its axis' span
TICKS: Final = 5  # about this many labelled values on the curve's axis
SWEEPS_KEPT: Final = 64  # sweeps cached per process (each about 100 KB)


def grid(spec: FieldSpec) -> list[float]:
    """Every value the slider can take: minimum + k x step, as the link writes it."""
    count = round((spec.maximum - spec.minimum) / spec.step)
    return [round(spec.minimum + k * spec.step, spec.decimals) + 0.0 for k in range(count + 1)]


def sweep_key(scenario: Scenario, base: Scenario, name: str) -> str:
    """Names what a sweep along `name` depends on: every other field, and the preset the
    deltas are measured against. The control uses a sweep only while its key is current."""
    held = scenario.model_dump()
    held.pop(name)
    text = json.dumps([name, held, base.model_dump()], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def tone(delta: str | None, colour: DeltaColour) -> str:
    """How a tile's delta reads: "good" (green), "bad" (red) or "off" (grey)."""
    if delta is None or colour == "off":
        return "off"
    up = not delta.startswith("-")
    return "good" if up == (colour == "normal") else "bad"


def direction(delta: str | None) -> str:
    """Which way the delta's arrow points: "up", "down", or "" without a delta."""
    if delta is None:
        return ""
    return "down" if delta.startswith("-") else "up"


def _tile_texts(tile: Tile) -> list[str]:
    return [
        tile.label,
        tile.value,
        tile.delta or "",
        tone(tile.delta, tile.delta_colour),
        direction(tile.delta),
    ]


TILE_PARTS: Final = ("label", "value", "delta", "tone", "direction")


def _nice_step(span: float) -> float:
    raw = span / TICKS
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def _axis(curves: Sequence[np.ndarray[Any, Any]], months: int) -> dict[str, Any]:
    """The curve's frame: its sampled months, value range and labelled ticks (USD)."""
    low = min(0.0, *(float(c.min()) for c in curves))
    high = max(0.0, *(float(c.max()) for c in curves))
    if high - low < 1.0:
        high = low + 1.0
    step = _nice_step(high - low)
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    count = round((high - low) / step)
    ticks = [low + k * step for k in range(count + 1)]
    stride = max(1, math.ceil(months / (CURVE_SAMPLES - 1)))
    sampled = sorted({*range(0, months, stride), months - 1})
    years = range(1, months // 12 + 1)
    return {
        "months": [m + 1 for m in sampled],
        "last": months,
        "low": low,
        "high": high,
        "ticks": [[tick, format_money(tick) if tick else "$0"] for tick in ticks],
        "years": [[12 * y, f"Year {y}"] for y in years],
        "zero": 0.0,
    }


def _levels(curve: np.ndarray[Any, Any], axis: dict[str, Any]) -> list[int]:
    """The curve at the axis' sampled months, in steps of its span from the bottom."""
    at = np.asarray(axis["months"]) - 1
    share = (curve[at] - axis["low"]) / (axis["high"] - axis["low"])
    return [int(v) for v in np.rint(share * CURVE_LEVELS)]


def _payback_label(month: int | None, scenario: Scenario) -> str:
    return f"Payback: {payback_text(month, scenario.horizon_years)}"


def _runs(texts: Sequence[str]) -> list[str]:
    """A column of texts as runs: [texts, lengths], texts[k] holding for lengths[k]
    points in a row, each list as one string (texts split by newlines, lengths by
    spaces), which keeps a sweep small: along a slider a text holds for several points,
    and JSON writes a list of short strings at nearly twice their length."""
    runs = [(text, len(list(run))) for text, run in groupby(texts)]
    shown = "\n".join(text for text, _ in runs)
    if shown.count("\n") != len(runs) - 1:
        raise ValueError(f"a tile text spans lines: {next(t for t, _ in runs if chr(10) in t)!r}")
    return [shown, " ".join(str(length) for _, length in runs)]


def view(result: Result, reference: Result | None) -> dict[str, Any]:
    """What the control shows for one scenario: tiles, story, curve and its caption."""
    curve = result.cumulative_net_cash_usd()
    axis = _axis([curve], len(curve))
    return {
        "tiles": [
            dict(zip(TILE_PARTS, _tile_texts(tile), strict=True)) | {"help": tile.help}
            for tile in kpi_tiles(result, reference)
        ],
        "story": investor_story(result),
        "caption": payback_caption(result.kpis.payback_month, result.scenario),
        "axis": axis,
        "curve": _levels(curve, axis),
        "payback": [
            result.kpis.payback_month,
            _payback_label(result.kpis.payback_month, result.scenario),
        ],
    }


def sweep(scenario: Scenario, base: Scenario, name: str) -> dict[str, Any]:
    """The view at every grid point of headline field `name`, every other field held.

    `values[i]` is the i-th grid point. `columns` holds, per tile and part (label,
    value, delta, tone, direction; then the curve's caption and payback label), its
    texts as runs (see `_runs`). Deltas are sent without their common `suffix`. The
    curve is kept for every `curve_every`-th point: `curves[i // curve_every]`.
    """
    values = grid(FIELDS_BY_NAME[name])
    reference = evaluate(base).kpis
    # Every KPI along the grid in one batch pass (whatif.batch, tied to evaluate() by test).
    table = kpi_table(scenario_table(scenario, {name: np.asarray(values)}, len(values)))
    every = max(1, math.ceil(len(values) / CURVES))
    curves = table.cumulative_net_cash_usd[::every]
    axis = _axis(list(curves), curves.shape[-1])
    # Tile by tile, each part at every step; the captions, like the labels, read only the
    # scenario's settings (horizon, ramp), never a headline field.
    texts: list[list[str]] = []
    for tile in tile_columns(table.columns, scenario, reference):
        texts += [
            [tile.label] * len(values),
            [value for value, _, _ in tile.shown],
            [(delta or "").removesuffix(DELTA_SUFFIX) for _, delta, _ in tile.shown],
            [tone(delta, colour) for _, delta, colour in tile.shown],
            [direction(delta) for _, delta, _ in tile.shown],
        ]
    months = table.columns["payback_month"]
    texts.append([payback_caption(month, scenario) for month in months])
    texts.append([_payback_label(month, scenario) for month in months])
    return {
        "name": name,
        "key": sweep_key(scenario, base, name),
        "values": values,
        "parts": len(TILE_PARTS),
        "suffix": DELTA_SUFFIX,
        "columns": [_runs(column) for column in texts],
        "axis": axis,
        "curve_every": every,
        "curves": [_levels(curve, axis) for curve in curves],
        "paybacks": months[::every],
    }


def cached_sweep(scenario: Scenario, base: Scenario, name: str) -> dict[str, Any]:
    """`sweep`, cached per process by what it depends on: every field but the swept one,
    and the preset (the pages of a meeting, and a page grabbing a slider again, share it)."""
    return _held_sweep(scenario.model_copy(update={name: FIELDS_BY_NAME[name].minimum}), base, name)


@lru_cache(maxsize=SWEEPS_KEPT)
def _held_sweep(held: Scenario, base: Scenario, name: str) -> dict[str, Any]:
    return sweep(held, base, name)
