"""Sweeps along a headline slider: every grid point is what evaluate() and kpi_tiles give."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from whatif import FIELDS_BY_NAME, HEADLINE_FIELDS, Scenario, evaluate, load_presets
from whatif.charts import payback_caption
from whatif.presets import DEFAULT_PRESETS_DIR
from whatif.summary import kpi_tiles, payback_text
from whatif.sweep import CURVE_LEVELS, grid, sweep, sweep_key, tone, view

PRESETS = load_presets(DEFAULT_PRESETS_DIR).presets
PAYLOAD_BUDGET_BYTES = 150_000


def unpacked(columns: list[list[str]]) -> list[list[str]]:
    """Each column's text at every point, as the control expands the runs."""
    return [
        [
            t
            for t, n in zip(texts.split("\n"), lengths.split(" "), strict=True)
            for _ in range(int(n))
        ]
        for texts, lengths in columns
    ]


def expected_texts(result: Any, reference: Any) -> list[str]:
    texts = []
    for tile in kpi_tiles(result, reference):
        delta = (tile.delta or "").removesuffix(" vs preset")
        arrow = "" if tile.delta is None else "down" if tile.delta.startswith("-") else "up"
        texts += [tile.label, tile.value, delta, tone(tile.delta, tile.delta_colour), arrow]
    month = result.kpis.payback_month
    horizon = result.scenario.horizon_years
    return [
        *texts,
        payback_caption(month, result.scenario),
        f"Payback: {payback_text(month, horizon)}",
    ]


@pytest.mark.parametrize("name", HEADLINE_FIELDS)
@pytest.mark.parametrize("preset_id", ["meta-2025", "seed-leak"])
def test_every_point_of_a_sweep_is_what_evaluate_gives_formatted_the_same_way(
    preset_id: str, name: str
) -> None:
    base = PRESETS[preset_id].scenario
    # Away from the preset in another field, at a 10-year horizon: deltas on every tile.
    scenario = base.model_copy(update={"horizon_years": 10, "discount_rate_pct": 11.0})
    swept = sweep(scenario, base, name)
    values = swept["values"]
    assert values == grid(FIELDS_BY_NAME[name])
    columns = unpacked(swept["columns"])
    reference = evaluate(base)
    for i, value in enumerate(values):
        result = evaluate(Scenario.model_validate(scenario.model_dump() | {name: value}))
        shown = [column[i] for column in columns]
        assert shown == expected_texts(result, reference), f"{name}={value}"
        if i % swept["curve_every"] == 0:
            axis, k = swept["axis"], i // swept["curve_every"]
            curve = result.cumulative_net_cash_usd()[np.asarray(axis["months"]) - 1]
            levels = np.rint((curve - axis["low"]) / (axis["high"] - axis["low"]) * CURVE_LEVELS)
            assert swept["curves"][k] == levels.astype(int).tolist(), f"{name}={value}"
            assert swept["paybacks"][k] == result.kpis.payback_month


@pytest.mark.parametrize("preset_id", sorted(PRESETS))
def test_a_sweep_along_any_headline_slider_fits_the_payload_budget(preset_id: str) -> None:
    base = PRESETS[preset_id].scenario
    ten_years = base.model_copy(update={"horizon_years": 10})
    for name in HEADLINE_FIELDS:
        size = len(json.dumps(sweep(ten_years, base, name)))  # as Streamlit sends it
        assert size <= PAYLOAD_BUDGET_BYTES, f"{preset_id} {name}: {size} bytes"


def test_the_view_holds_the_tiles_story_and_curve_the_page_shows() -> None:
    base = PRESETS["meta-2025"].scenario
    moved = base.model_copy(update={"price_per_mtok_usd": 12.0})
    shown = view(evaluate(moved), evaluate(base))
    tiles = kpi_tiles(evaluate(moved), evaluate(base))
    assert [t["value"] for t in shown["tiles"]] == [t.value for t in tiles]
    assert [t["help"] for t in shown["tiles"]] == [t.help for t in tiles]
    assert all(t["delta"].endswith(" vs preset") for t in shown["tiles"] if t["delta"])
    assert shown["story"].startswith("Intrinsic value:")
    assert len(shown["curve"]) == len(shown["axis"]["months"])
    assert min(shown["curve"]) >= 0 and max(shown["curve"]) <= CURVE_LEVELS


def test_a_sweep_key_ignores_the_swept_field_and_names_the_others_and_the_preset() -> None:
    base = PRESETS["meta-2025"].scenario
    price = "price_per_mtok_usd"
    key = sweep_key(base, base, price)
    assert sweep_key(base.model_copy(update={price: 40.0}), base, price) == key
    assert sweep_key(base.model_copy(update={"tokens_per_month_t": 99.0}), base, price) != key
    assert sweep_key(base, PRESETS["seed-leak"].scenario, price) != key
    assert sweep_key(base, base, "tokens_per_month_t") != key


def test_the_grid_is_every_step_written_as_the_link_writes_it() -> None:
    lift = grid(FIELDS_BY_NAME["ad_conversion_lift_pct"])
    assert lift[:4] == [0.0, 0.1, 0.2, 0.3] and lift[-1] == 20.0 and len(lift) == 201
    assert len(grid(FIELDS_BY_NAME["productivity_gain_pct"])) == 211
