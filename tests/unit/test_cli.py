"""The command line: MODEL.md's JSON, a readable table, and exit 2 on bad input."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import scenarios
from tests.unit.reference import VERSION_1
from whatif import (
    HEADLINE_FIELDS,
    Scenario,
    encode_link,
    evaluate,
    load_presets,
    result_to_json,
)
from whatif.analysis import break_evens, simulate
from whatif.cli import main
from whatif.links import format_number

ROOT = Path(__file__).resolve().parents[2]
PRESETS = load_presets().presets


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_python_dash_m_whatif_prints_the_seed_leaks_10_8b_year_one_spend() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "whatif", "--preset", "seed-leak", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    document = json.loads(done.stdout)
    assert document["kpis"]["token_spend_year1_usd"] == 10_800_000_000
    assert document["scenario"]["price_per_mtok_usd"] == 15


def test_a_12_month_ramp_on_the_seed_preset_prints_32_229b_of_year_one_productivity() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "whatif",
            "--preset",
            "seed-leak",
            "--set",
            "benefit_ramp_months=12",
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    kpis = json.loads(done.stdout)["kpis"]
    assert round(kpis["productivity_value_year1_usd"], 2) == 32_229_166_666.67
    assert kpis["token_spend_year1_usd"] == 10_800_000_000


def test_a_version_1_link_keeps_its_meaning_when_a_set_names_a_version_2_field(
    capsys: pytest.CaptureFixture[str],
) -> None:
    case = next(c for c in VERSION_1["links"] if "preset=meta-2025" in c["link"])
    document = run_json(capsys, "--link", case["link"], "--set", "tax_rate_pct=21")
    scenario, kpis = document["scenario"], document["kpis"]
    assert isinstance(scenario, dict) and isinstance(kpis, dict)
    # meta-2025 now sets a ramp, capex growth and lab opex; the version-1 link does not.
    assert scenario["benefit_ramp_months"] == 0 and scenario["ai_opex_busd_per_year"] == 0
    assert scenario["tax_rate_pct"] == 21
    assert kpis["npv_usd"] == pytest.approx(case["kpis"]["npv_usd"], rel=1e-10)


@pytest.mark.parametrize("preset_id", sorted(PRESETS))
def test_every_preset_prints_the_numbers_of_evaluate(
    capsys: pytest.CaptureFixture[str], preset_id: str
) -> None:
    expected = result_to_json(evaluate(PRESETS[preset_id].scenario))
    assert run_json(capsys, "--preset", preset_id) == json.loads(json.dumps(expected))


@settings(max_examples=60, deadline=None)
@given(scenarios(), st.sampled_from(sorted(PRESETS)))
def test_any_valid_set_combination_prints_the_numbers_of_evaluate(
    s: Scenario, preset_id: str
) -> None:
    argv = ["--preset", preset_id, "--json"]
    for name, value in s.model_dump().items():
        argv += ["--set", f"{name}={format_number(value)}"]
    out = json_of(argv)
    assert out == json.loads(json.dumps(result_to_json(evaluate(s))))


def json_of(argv: list[str]) -> Any:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(argv) == 0
    return json.loads(buffer.getvalue())


def test_a_link_gives_the_same_numbers_as_its_fields(capsys: pytest.CaptureFixture[str]) -> None:
    scenario = Scenario(price_per_mtok_usd=7.5, horizon_years=8)
    via_link = run_json(capsys, "--link", "https://app.example/?" + encode_link(scenario))
    assert via_link["kpis"] == json.loads(json.dumps(result_to_json(evaluate(scenario))["kpis"]))


def test_set_overrides_the_link_and_the_preset(capsys: pytest.CaptureFixture[str]) -> None:
    document = run_json(
        capsys,
        "--link",
        "preset=seed-leak&price_per_mtok_usd=20",
        "--set",
        "price_per_mtok_usd=30",
    )
    scenario = document["scenario"]
    assert isinstance(scenario, dict)
    assert scenario["price_per_mtok_usd"] == 30 and scenario["tokens_per_month_t"] == 60


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--set", "price_per_mtok_usd=abc"], "price_per_mtok_usd"),
        (["--set", "price_per_mtok_usd=1000"], "price_per_mtok_usd"),
        (["--set", "no_such_field=1"], "no_such_field"),
        (["--set", "horizon_years"], "horizon_years"),
        (["--preset", "nope"], "preset"),
        (["--link", "ai_users=-5&colour=red"], "colour"),
        (["--set", "revenue_busd=1"], "revenue_busd"),
        (["--set", "benefit_ramp_months=2.5"], "benefit_ramp_months"),
        (["--set", "benefit_ramp_months=61"], "benefit_ramp_months"),
        (["--set", "diluted_shares_b=0"], "diluted_shares_b"),
        (["--set", "tax_rate_pct=60.5"], "tax_rate_pct"),
        (["--set", "capex_growth_pct_per_year=-91"], "capex_growth_pct_per_year"),
        (["--set", "ai_opex_busd_per_year=nan"], "ai_opex_busd_per_year"),
        (["--set", "model_version=7"], "model_version"),
    ],
)
def test_bad_input_exits_2_naming_the_field_without_a_traceback(
    capsys: pytest.CaptureFixture[str], argv: list[str], named: str
) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert named in captured.err and "Traceback" not in captured.err
    assert captured.out == ""


def test_every_bad_part_is_reported_at_once(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--set", "ai_users=x", "--set", "horizon_years=0"]) == 2
    err = capsys.readouterr().err
    assert "ai_users" in err and "horizon_years" in err


def test_the_table_shows_kpis_and_years_with_units(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--preset", "seed-leak"]) == 0
    out = capsys.readouterr().out
    assert "Token spend, year 1" in out and "$10.8B" in out
    assert "$61.09" in out and "25.4%" in out and "pp" in out
    assert "not within" not in out and "month 1" in out


def test_help_lists_every_field_with_its_unit_and_range() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "whatif", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert "price_per_mtok_usd" in done.stdout and "$ / million tokens, 0 to 100" in done.stdout
    assert "horizon_years" in done.stdout


def test_breakeven_json_lists_the_five_headline_drivers_with_values_or_null() -> None:
    document = json_of(["breakeven", "--preset", "seed-leak", "--json"])
    assert document["target"] == "npv"
    assert [r["field"] for r in document["results"]] == list(HEADLINE_FIELDS)
    found = {r["field"]: r["value"] for r in document["results"]}
    expected = {b.field: b.value for b in break_evens(PRESETS["seed-leak"].scenario)}
    assert found == expected
    assert found["ad_conversion_lift_pct"] is None


def test_options_before_or_after_the_command_mean_the_same() -> None:
    before = json_of(["--preset", "seed-leak", "breakeven", "--json"])
    after = json_of(["breakeven", "--preset", "seed-leak", "--json"])
    assert before == after


def test_sensitivity_json_is_sorted_by_swing_and_uses_the_presets_ranges() -> None:
    document = json_of(["sensitivity", "--preset", "seed-leak", "--json"])
    swings = [r["swing_usd"] for r in document["results"]]
    assert swings == sorted(swings, reverse=True)
    productivity = next(r for r in document["results"] if r["field"] == "productivity_gain_pct")
    assert (productivity["low"], productivity["high"]) == (100, 900)


def test_simulate_json_reproduces_for_a_seed_and_reports_that_simulations_percentiles() -> None:
    argv = ["simulate", "--preset", "meta-2025", "--draws", "2000", "--seed", "3", "--json"]
    first, again = json_of(argv), json_of(argv)
    assert first == again
    preset = PRESETS["meta-2025"]
    simulation = simulate(preset.scenario, preset.ranges, draws=2000, seed=3)
    r = simulation.result
    for key, values in (
        ("npv_usd", r.npv_usd),
        ("roi_pct", r.roi_pct),
        ("margin_impact_year1_pp", r.margin_impact_year1_pp),
        ("eps_impact_year1_usd", r.eps_impact_year1_usd),
    ):
        assert first[key] == simulation.percentiles(values), key
    assert first["probability_npv_positive"] == simulation.probability_npv_positive
    assert (first["draws"], first["seed"]) == (2000, 3)
    assert first["varied"] == list(simulation.varied)


def test_compare_json_gives_each_item_and_its_difference_from_the_current_scenario() -> None:
    document = json_of(
        ["compare", "seed-leak", "capex-trap", "preset=seed-leak&horizon_years=3", "--json"]
    )
    current = document["current"]["kpis"]["npv_usd"]
    seed = document["results"][0]
    assert seed["label"] == "Seed leak at list price"
    assert seed["npv_vs_current_usd"] == pytest.approx(seed["kpis"]["npv_usd"] - current)
    assert document["results"][2]["kpis"] == json.loads(
        json.dumps(
            result_to_json(
                evaluate(PRESETS["seed-leak"].scenario.model_copy(update={"horizon_years": 3}))
            )["kpis"]
        )
    )


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["compare", "seed-leak", "colour=red"], "colour"),
        (["compare", "seed-leak"], "2 to 4"),
        (["compare", "seed-leak", "no-such-preset"], "no-such-preset"),
        (["simulate", "--draws", "0"], "--draws"),
    ],
)
def test_bad_analysis_input_exits_2_naming_it(
    capsys: pytest.CaptureFixture[str], argv: list[str], named: str
) -> None:
    assert main(argv) == 2
    assert named in capsys.readouterr().err


def test_each_analysis_prints_a_readable_table(capsys: pytest.CaptureFixture[str]) -> None:
    for command, phrase in (
        ("breakeven", "Break-even Productivity gain:"),
        ("sensitivity", "swing"),
        ("simulate", "Probability that NPV > 0"),
    ):
        assert main([command, "--preset", "seed-leak"]) == 0
        assert phrase in capsys.readouterr().out


def test_a_link_whose_preset_was_edited_prints_a_note_and_the_current_numbers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--link", "preset=seed-leak&preset_fp=00000000", "--json"]) == 0
    captured = capsys.readouterr()
    assert "note: the preset 'seed-leak' was edited after this link was made" in captured.err
    assert json.loads(captured.out)["kpis"]["token_spend_year1_usd"] == 10_800_000_000
