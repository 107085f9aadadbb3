"""The command line: MODEL.md's JSON, a readable table, and exit 2 on bad input."""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import scenarios
from tests.unit.reference import VERSION_1, VERSION_2
from whatif import (
    HEADLINE_FIELDS,
    Scenario,
    encode_link,
    evaluate,
    load_presets,
    result_to_json,
)
from whatif.analysis import LEVERS, SETTINGS, break_evens, percentiles, simulate
from whatif.cli import console, main
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


def test_model_md_s_version_3_worked_checks_hold_through_the_cli_json(
    capsys: pytest.CaptureFixture[str],
) -> None:
    campus = run_json(
        capsys,
        "--preset",
        "seed-leak",
        *("--set", "ai_capex_busd_per_year=12"),
        *("--set", "buildings_share_pct=50"),
        *("--set", "buildings_life_years=25"),
        *("--set", "server_life_years=5"),
        *("--set", "in_service_lag_months=6"),
    )
    years = campus["years"]
    assert isinstance(years, list)
    assert years[0]["depreciation_usd"] == pytest.approx(210e6)
    assert years[1]["depreciation_usd"] == pytest.approx(1.5e9)
    grown = run_json(capsys, "--preset", "seed-leak", "--set", "ai_ad_growth_pct_per_year=10")
    lift = grown["years"][0]["ad_revenue_lift_usd"]  # type: ignore[index]
    assert round(lift / 1e9, 3) == 12.937


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


@pytest.mark.parametrize("case", VERSION_2["links"], ids=lambda case: case["link"][22:45])
def test_every_presets_version_2_share_link_prints_its_version_2_numbers(
    capsys: pytest.CaptureFixture[str], case: dict[str, Any]
) -> None:
    document = run_json(capsys, "--link", case["link"])
    kpis, years = document["kpis"], document["years"]
    assert isinstance(kpis, dict) and isinstance(years, list)
    for key, value in case["kpis"].items():
        assert kpis[key] == (None if value is None else pytest.approx(value, rel=1e-10)), key
    for got, expected in zip(years, case["years"], strict=True):
        for key, value in expected.items():
            assert got[key] == (None if value is None else pytest.approx(value, rel=1e-10)), key


def test_a_run_without_a_preset_starts_from_the_default_preset_and_says_so_on_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    document = run_json(capsys, "--set", "horizon_years=7")
    scenario = document["scenario"]
    assert isinstance(scenario, dict)
    expected = PRESETS["meta-2025"].scenario.model_copy(update={"horizon_years": 7})
    assert scenario == expected.model_dump()
    assert main(["--json"]) == 0
    assert "starting from the default preset 'meta-2025'" in capsys.readouterr().err


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


def test_breakeven_json_gives_every_lever_with_its_value_or_null_and_a_sentence() -> None:
    document = json_of(["breakeven", "--preset", "seed-leak", "--json"])
    assert document["target"] == "npv"
    assert [r["field"] for r in document["results"]] == list(LEVERS)
    assert [r["field"] for r in document["results"]][:5] == list(HEADLINE_FIELDS)
    found = {r["field"]: r["value"] for r in document["results"]}
    expected = {b.field: b.value for b in break_evens(PRESETS["seed-leak"].scenario)}
    assert found == expected
    assert found["ad_conversion_lift_pct"] is None
    sentences = {r["field"]: r["sentence"] for r in document["results"]}
    assert sentences["ad_conversion_lift_pct"] == (
        "NPV stays positive for any ad-conversion lift from 0% to 20% more conversions "
        "(now 2% more conversions)"
    )


def test_breakeven_says_what_you_need_to_believe_in_units_people_write(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["breakeven", "--preset", "meta-2025"]) == 0
    out = capsys.readouterr().out
    assert "NPV turns positive if AI capex is at most $102B / year (now $135B / year)" in out
    assert (
        "NPV turns positive if AI-driven ad growth is at least 5.42% a year (now 4% a year)" in out
    )
    assert "No token volume growth from -90% to 1,000% a year turns NPV positive" in out


def test_options_before_or_after_the_command_mean_the_same() -> None:
    before = json_of(["--preset", "seed-leak", "breakeven", "--json"])
    after = json_of(["breakeven", "--preset", "seed-leak", "--json"])
    assert before == after


def test_sensitivity_json_is_sorted_by_swing_and_uses_the_presets_ranges() -> None:
    document = json_of(["sensitivity", "--preset", "seed-leak", "--json"])
    for part in ("results", "settings"):
        swings = [r["swing_usd"] for r in document[part]]
        assert swings == sorted(swings, reverse=True)
    # Business levers are ranked; the settings of the evaluation stand apart.
    assert {r["field"] for r in document["results"]} == set(LEVERS)
    assert {r["field"] for r in document["settings"]} == set(SETTINGS)
    productivity = next(r for r in document["results"] if r["field"] == "productivity_gain_pct")
    assert (productivity["low"], productivity["high"]) == (100, 900)


def test_simulate_json_reproduces_for_a_seed_and_reports_that_simulations_percentiles() -> None:
    argv = ["simulate", "--preset", "meta-2025", "--draws", "2000", "--seed", "3", "--json"]
    first, again = json_of(argv), json_of(argv)
    assert first == again
    preset = PRESETS["meta-2025"]
    simulation = simulate(
        preset.scenario, preset.ranges, draws=2000, seed=3, correlations=preset.correlations
    )
    r = simulation.result
    for key, values in (
        ("npv_usd", r.npv_usd),
        ("roi_pct", r.roi_pct),
        ("margin_impact_year1_pp", r.margin_impact_year1_pp),
        ("eps_impact_year1_usd", r.eps_impact_year1_usd),
    ):
        assert first[key] == percentiles(values), key
        assert list(first[key]) == ["p10", "p25", "p50", "p75", "p90"]
    npv = first["npv_usd"]
    assert npv["p10"] <= npv["p25"] <= npv["p50"] <= npv["p75"] <= npv["p90"]
    assert first["probability_npv_positive"] == simulation.probability_npv_positive
    assert (first["draws"], first["seed"]) == (2000, 3)
    assert first["varied"] == list(simulation.varied)
    # The preset's correlations are drawn with, and said.
    assert [c["fields"] for c in first["correlations"]] == [
        list(c.fields) for c in preset.correlations
    ]
    headline = first["headline"]
    assert headline["npv_usd"] == evaluate(preset.scenario).kpis.npv_usd
    assert headline["percentile"] == simulation.headline_percentile
    assert 0 <= headline["percentile"] <= 100


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
        ("breakeven", "NPV stays positive while productivity gain is at least 105% more output"),
        ("sensitivity", "Evaluation settings (how the programme is measured, not levers):"),
        ("simulate", "Probability that NPV > 0"),
        ("simulate", "percentile of its draws"),
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


def test_whatif_is_installed_as_a_command_that_runs_the_cli() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["build-system"]["build-backend"] == "setuptools.build_meta"
    module, _, function = project["project"]["scripts"]["whatif"].partition(":")
    assert getattr(importlib.import_module(module), function) is console
    assert project["tool"]["setuptools"]["packages"] == ["whatif"]
    for data in project["tool"]["setuptools"]["package-data"]["whatif"]:
        assert (ROOT / "whatif" / data).is_file()
    assert "pip install --quiet -e . --no-deps" in (ROOT / "Makefile").read_text()


def _from_elsewhere() -> dict[str, str]:
    """The environment of a shell in another folder; PYTHONPATH stands in for the install.
    Without the app's settings, and without a mutation run's (mutmut's trampolines look
    for their configuration in the current folder)."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("WHATIF_", "MUTANT_", "MUTMUT_"))
    }
    return env | {"PYTHONPATH": str(ROOT)}


def test_python_dash_m_whatif_finds_its_presets_and_price_book_from_any_directory(
    tmp_path: Path,
) -> None:
    for argv, expected in (
        (["presets", "check"], "4 preset(s) valid, 0 file(s) with problems"),
        (["price", "--mix", "gpt-6-luna=100", "--input-share", "90", "--cache-hit", "0"], "$"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "whatif", *argv],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=_from_elsewhere(),
            check=False,
        )
        assert done.returncode == 0 and expected in done.stdout, done.stderr


def test_a_closed_pipe_ends_quietly_with_status_0(tmp_path: Path) -> None:
    # The reader goes away before the command writes a byte, as `| head -1` can.
    child = subprocess.Popen(
        [sys.executable, "-m", "whatif", "--preset", "seed-leak", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=_from_elsewhere(),
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()
    assert child.wait(timeout=60) == 0
    assert child.stderr.read() == b""


def _brief_link(capsys: pytest.CaptureFixture[str], out: Path, *argv: str) -> tuple[str, str]:
    """The link a brief of the seed preset carries (its QR code encodes the same) and stderr."""
    assert main(["brief", "--preset", "seed-leak", "-o", str(out), "--force", "--json", *argv]) == 0
    captured = capsys.readouterr()
    return str(json.loads(captured.out)["link"]), captured.err


def test_the_brief_links_to_whatif_public_url_or_base_url_without_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WHATIF_BASE_URL", raising=False)
    monkeypatch.setenv("WHATIF_PUBLIC_URL", "https://whatif.example.com/")
    link, err = _brief_link(capsys, tmp_path / "brief.pdf")
    assert link.startswith("https://whatif.example.com/?preset=seed-leak&") and err == ""
    link, err = _brief_link(capsys, tmp_path / "brief.pdf", "--base-url", "https://x.example.org/")
    assert link.startswith("https://x.example.org/?preset=seed-leak&") and err == ""


def test_the_brief_reads_the_earlier_whatif_base_url_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WHATIF_PUBLIC_URL", raising=False)
    monkeypatch.setenv("WHATIF_BASE_URL", "https://old.example.com/")
    link, err = _brief_link(capsys, tmp_path / "brief.pdf")
    assert link.startswith("https://old.example.com/?") and err == ""


def test_the_brief_warns_on_stderr_when_it_falls_back_to_localhost(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WHATIF_PUBLIC_URL", raising=False)
    monkeypatch.delenv("WHATIF_BASE_URL", raising=False)
    link, err = _brief_link(capsys, tmp_path / "brief.pdf")
    assert link.startswith("http://localhost:8501/?preset=seed-leak&")
    assert err.startswith("warning: the brief links to http://localhost:8501/")
    assert "WHATIF_PUBLIC_URL" in err and "--base-url" in err


def test_a_refused_overwrite_names_the_file_and_says_use_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("brief.pdf").write_bytes(b"the analyst's earlier brief")
    assert main(["brief", "--preset", "seed-leak", "-o", "brief.pdf"]) == 2
    assert capsys.readouterr().err == "error: brief.pdf exists; use --force\n"
    assert Path("brief.pdf").read_bytes() == b"the analyst's earlier brief"
