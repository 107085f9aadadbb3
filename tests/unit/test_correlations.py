"""Correlated draws: the reader of a preset's correlations, and Iman-Conover reordering."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from whatif import load_presets
from whatif.analysis import simulate
from whatif.cli import main
from whatif.correlations import (
    Correlation,
    CorrelationProblem,
    iman_conover,
    read_correlations,
)
from whatif.presets import DEFAULT_PRESETS_DIR, Preset, parse_preset

SCHEMA = json.loads((DEFAULT_PRESETS_DIR.parent / "preset.schema.json").read_text())
RANGES: dict[str, list[float]] = {
    "price_decline_pct_per_year": [20, 80],
    "token_growth_pct_per_year": [0, 200],
    "ai_capex_busd_per_year": [60, 135],
    "capex_growth_pct_per_year": [0, 73],
}
TARGETS = [
    (("price_decline_pct_per_year", "token_growth_pct_per_year"), 0.6),
    (("ai_capex_busd_per_year", "capex_growth_pct_per_year"), 0.8),
    (("token_growth_pct_per_year", "ai_capex_busd_per_year"), -0.3),
]


def entry(a: str, b: str, rank: Any, source: str = "A study") -> dict[str, Any]:
    return {"fields": [a, b], "rank": rank, "source": source}


def preset(correlations: Any, ranges: dict[str, list[float]] = RANGES) -> dict[str, Any]:
    return {
        "name": "Correlated",
        "description": "Token prices fall faster as volume grows; capex booms together.",
        "ranges": ranges,
        "correlations": correlations,
    }


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    rank = np.argsort(np.argsort(x)), np.argsort(np.argsort(y))
    return float(np.corrcoef(*rank)[0, 1])


def triangular_columns(draws: int, seed: int = 1) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        name: rng.triangular(low, low + 0.3 * (high - low), high, draws)
        for name, (low, high) in RANGES.items()
    }


def test_ten_thousand_draws_take_each_pairs_rank_correlation_within_0_05() -> None:
    correlations = [Correlation(pair, rank, "A study") for pair, rank in TARGETS]
    drawn = iman_conover(triangular_columns(10_000), correlations, np.random.default_rng(2))
    for (a, b), rank in TARGETS:
        assert spearman(drawn[a], drawn[b]) == pytest.approx(rank, abs=0.05), (a, b)
    # A pair no entry names stays near independent.
    assert abs(spearman(drawn["price_decline_pct_per_year"], drawn["ai_capex_busd_per_year"])) < 0.1


def test_reordering_keeps_every_triangular_marginal_exactly() -> None:
    before = triangular_columns(10_000)
    correlations = [Correlation(pair, rank, "A study") for pair, rank in TARGETS]
    after = iman_conover(before, correlations, np.random.default_rng(3))
    for name in RANGES:
        assert np.array_equal(np.sort(before[name]), np.sort(after[name]))
        assert not np.array_equal(before[name], after[name])


def test_a_presets_correlations_reach_its_monte_carlo_reproducibly() -> None:
    loaded = parse_preset("correlated", json.dumps(preset([entry(*TARGETS[1][0], 0.9)])))
    assert isinstance(loaded, Preset)
    assert loaded.correlations == (Correlation(TARGETS[1][0], 0.9, "A study"),)
    ranges, correlations = loaded.ranges, loaded.correlations
    first = simulate(loaded.scenario, ranges, draws=3000, seed=5, correlations=correlations)
    again = simulate(loaded.scenario, ranges, draws=3000, seed=5, correlations=correlations)
    independent = simulate(loaded.scenario, ranges, draws=3000, seed=5)
    assert np.array_equal(first.result.npv_usd, again.result.npv_usd)
    # Capex and its growth rising together widen the spread of NPV.
    assert np.std(first.result.npv_usd) > 1.05 * np.std(independent.result.npv_usd)
    assert first.correlations == correlations


@pytest.mark.parametrize(
    ("correlations", "entry_at", "named"),
    [
        (
            [entry("price_decline_pct_per_year", "ai_users", 0.5)],
            0,
            "ai_users has no range in this preset",
        ),
        ([entry("price_decline_pct_per_year", "token_growth_pct_per_year", 0.97)], 0, "outside"),
        ([entry("price_decline_pct_per_year", "token_growth_pct_per_year", -1)], 0, "outside"),
        (
            [
                entry("price_decline_pct_per_year", "token_growth_pct_per_year", 0.5),
                entry("token_growth_pct_per_year", "price_decline_pct_per_year", 0.4),
            ],
            1,
            "named twice (entries 1 and 2)",
        ),
        ([entry("ai_capex_busd_per_year", "ai_capex_busd_per_year", 0.5)], 0, "itself"),
        ([entry("price_decline_pct_per_year", "token_growth_pct_per_year", "0.5")], 0, "number"),
        ([entry("price_decline_pct_per_year", "token_growth_pct_per_year", True)], 0, "number"),
        ([entry("price_decline_pct_per_year", "colour", 0.5)], 0, "no field 'colour'"),
        (
            [
                entry("price_decline_pct_per_year", "token_growth_pct_per_year", 0.7),
                entry("token_growth_pct_per_year", "ai_capex_busd_per_year", 0.7),
                entry("price_decline_pct_per_year", "ai_capex_busd_per_year", -0.7),
            ],
            2,
            "not positive definite",
        ),
    ],
)
def test_a_bad_correlation_is_named_with_its_file_line_and_pair(
    tmp_path: Path, correlations: list[dict[str, Any]], entry_at: int, named: str
) -> None:
    text = json.dumps(preset(correlations), indent=2)
    (tmp_path / "correlated.json").write_text(text)
    (tmp_path / "fine.json").write_text(json.dumps(preset([]), indent=2))
    loaded = load_presets(tmp_path)
    assert set(loaded.presets) == {"fine"}  # a broken preset stops only itself
    (error,) = loaded.errors
    assert error.file == "correlated.json" and error.field == f"correlations.{entry_at}"
    assert named in error.reason
    a, b = correlations[entry_at]["fields"]
    assert f"{a} ~ {b}" in error.reason
    # The line is the one on which the entry opens (the list's objects, indented 4).
    openings = [n for n, line in enumerate(text.splitlines(), start=1) if line == "    {"]
    assert error.line == openings[entry_at]


@pytest.mark.parametrize(
    ("correlations", "named"),
    [
        ({"fields": ["a", "b"]}, "must be a list"),
        (["price_decline_pct_per_year"], "must be an object"),
        ([{"fields": ["price_decline_pct_per_year"], "rank": 0.5, "source": "x"}], "two fields"),
        ([{**entry(*TARGETS[0][0], 0.5), "weight": 1}], "unknown key 'weight'"),
        ([entry(*TARGETS[0][0], 0.5, source="")], "source"),
    ],
)
def test_a_correlation_list_of_the_wrong_shape_is_named(correlations: Any, named: str) -> None:
    loaded = parse_preset("correlated", json.dumps(preset(correlations), indent=2))
    assert not hasattr(loaded, "scenario")
    assert named in str(loaded)


def test_presets_check_names_the_file_line_and_pair(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = [entry("price_decline_pct_per_year", "token_growth_pct_per_year", 0.99)]
    (tmp_path / "correlated.json").write_text(json.dumps(preset(bad), indent=2))
    assert main(["presets", "check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "correlated.json" in out and "correlations.0" in out
    assert "price_decline_pct_per_year ~ token_growth_pct_per_year: rank 0.99" in out


def test_a_child_inherits_its_parents_correlations_and_may_restate_a_pair() -> None:
    parent = parse_preset("parent", json.dumps(preset([entry(*TARGETS[0][0], 0.6)])))
    assert isinstance(parent, Preset)
    child_text = {"name": "Child", "description": "Same ranges.", "extends": "parent"}
    child = parse_preset("child", json.dumps(child_text), parents={"parent": parent})
    assert isinstance(child, Preset) and child.correlations == parent.correlations
    b, a = TARGETS[0][0]
    restated = {**child_text, "correlations": [entry(a, b, -0.2)]}
    child = parse_preset("child", json.dumps(restated), parents={"parent": parent})
    assert isinstance(child, Preset) and [c.rank for c in child.correlations] == [-0.2]


def test_the_schema_describes_correlations_and_their_rank_limit() -> None:
    good = preset([entry(*TARGETS[0][0], 0.6)])
    jsonschema.validate(good, SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(preset([entry(*TARGETS[0][0], 0.99)]), SCHEMA)


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from([*RANGES, "ai_users", "fields", "rank", "source"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)
ENTRIES = st.lists(
    st.fixed_dictionaries(
        {
            "fields": st.lists(st.sampled_from([*RANGES, "ai_users"]), min_size=2, max_size=2),
            "rank": st.floats(-1, 1) | JSON,
            "source": st.text(max_size=5),
        }
    ),
    max_size=5,
)


@settings(max_examples=300, deadline=None)
@given(JSON | ENTRIES)
def test_the_reader_takes_any_json_and_answers_without_raising(raw: Any) -> None:
    found = read_correlations(raw, set(RANGES))
    if isinstance(found, CorrelationProblem):
        assert found.message
    else:
        # Whatever it accepts is a usable correlation matrix.
        for c in found:
            assert -0.95 <= c.rank <= 0.95 and set(c.fields) <= set(RANGES)
        assert len({c.pair for c in found}) == len(found)
