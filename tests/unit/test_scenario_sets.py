"""Scenario sets: weights read with named refusals, expected values, the pooled spread."""

from __future__ import annotations

import json

import numpy as np
import pytest

from whatif import evaluate, load_presets
from whatif.analysis import percentiles, simulate
from whatif.cli import main
from whatif.links import decode_link
from whatif.scenario_sets import EXPECTED_KPIS, Member, read_weights, resolve, weigh

PRESETS = load_presets().presets
SET = ("seed-leak", "meta-2025", "capex-trap")


def members(*ids: str) -> list[Member]:
    found = [resolve(i, PRESETS) for i in ids]
    assert all(isinstance(m, Member) for m in found)
    return found  # type: ignore[return-value]


def test_expected_values_are_the_probability_weighted_sums_of_each_kpi() -> None:
    weighed = weigh(members(*SET), [25, 50, 25])
    kpis = [evaluate(PRESETS[i].scenario).kpis for i in SET]
    for name, _, _ in EXPECTED_KPIS:
        expected = 0.25 * getattr(kpis[0], name) + 0.5 * getattr(kpis[1], name)
        expected += 0.25 * getattr(kpis[2], name)
        assert weighed.expected[name] == pytest.approx(expected, rel=1e-12)


def test_the_pooled_spread_takes_each_members_draws_in_proportion_to_its_weight() -> None:
    seed, bear = members("seed-leak", "capex-trap")
    weighed = weigh([seed, bear], [90, 10])
    draws = {
        m.label: simulate(m.scenario, m.ranges, correlations=m.correlations).result.npv_usd
        for m in (seed, bear)
    }
    # 90% of the weight on the seed leak: its P10 moves a little, its P90 hardly.
    own = percentiles(draws[seed.label])
    pooled = weighed.pooled_npv_usd
    assert pooled["p10"] < own["p10"]  # type: ignore[operator]
    assert pooled["p90"] == pytest.approx(own["p90"], rel=0.05)
    # Equal weights pool the draws as one sample of both.
    even = weigh([seed, bear], [50, 50]).pooled_npv_usd
    assert even == percentiles(np.concatenate(list(draws.values())), np.full(20_000, 1.0))


@pytest.mark.parametrize(
    ("text", "count", "named"),
    [
        ("25,50,x", 3, "'x' is not"),
        ("25;75", 2, "'25;75' is not"),
        ("", 2, "'' is not"),
        ("25,50", 3, "2 weights for 3 scenarios"),
        ("25,50,20", 3, "add up to 100"),
        ("50,50.02", 2, "not 100.02"),
        ("100,0", 2, "above 0"),
        ("150,-50", 2, "above 0"),
        ("nan,100", 2, "above 0"),
    ],
)
def test_bad_weights_are_refused_with_a_reason(text: str, count: int, named: str) -> None:
    found = read_weights(text, count)
    assert isinstance(found, str) and named in found


def test_weights_within_a_hundredth_of_100_are_taken() -> None:
    assert read_weights(" 33.33, 33.33 ,33.33", 3) == [33.33, 33.33, 33.33]


@pytest.mark.parametrize(
    ("item", "named"),
    [
        ("Please compare the bear case", "not a link"),
        ("https://example.com/page", "not a link"),
        ("bear-case", "no preset with this id"),
    ],
)
def test_an_item_neither_a_preset_nor_a_link_is_named_as_such(item: str, named: str) -> None:
    found = resolve(item, PRESETS)
    assert isinstance(found, str) and named in found


def test_a_link_member_takes_its_presets_ranges_and_names_what_it_ignored() -> None:
    member = resolve("https://x/?preset=meta-2025&horizon_years=7&colour=red", PRESETS)
    assert isinstance(member, Member)
    assert member.scenario.horizon_years == 7 and member.ranges == PRESETS["meta-2025"].ranges
    assert any("colour=red" in problem for problem in member.ignored)


def test_a_link_carries_the_set_without_warnings() -> None:
    decoded = decode_link("preset=seed-leak&compare=seed-leak,capex-trap&weights=25,75", PRESETS)
    assert decoded.warnings == ()
    assert decoded.scenario == PRESETS["seed-leak"].scenario


def test_compare_with_weights_prints_the_expected_values_as_json(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["compare", *SET, "--weights", "25,50,25", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["weights_pct"] == [25, 50, 25]
    weighed = weigh(members(*SET), [25, 50, 25])
    assert document["expected"] == pytest.approx(weighed.expected)
    assert document["pooled_npv_usd"] == pytest.approx(weighed.pooled_npv_usd)
    assert [r["label"] for r in document["results"]] == [PRESETS[i].name for i in SET]


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["compare", *SET, "--weights", "25,fifty,25"], "'fifty' is not"),
        (["compare", *SET, "--weights", "50,50"], "2 weights for 3 scenarios"),
        (["compare", *SET, "--weights", "30,30,30"], "add up to 100"),
        (["compare", "seed-leak", "--weights", "100"], "2 to 4 scenarios, not 1"),
        (["compare", *SET, "meta-2025", "seed-leak", "--weights", "20,20,20,20,20"], "not 5"),
        (["compare", "seed-leak", "this is not a link"], "not a link"),
    ],
)
def test_compare_refuses_a_bad_set_naming_the_problem(
    capsys: pytest.CaptureFixture[str], argv: list[str], named: str
) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert named in captured.err and captured.out == ""
