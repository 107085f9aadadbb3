"""The analysts' commands: presets check, list and diff, and price."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from whatif.cli import main
from whatif.model import Kpis
from whatif.presets import DEFAULT_PRESETS_DIR, load_presets
from whatif.summary import KPI_LABELS

ROOT = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_presets_check_on_the_shipped_folder_exits_0() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "whatif", "presets", "check"],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 preset(s) valid, 0 file(s) with problems" in done.stdout


def write(folder: Path, name: str, document: Mapping[str, object]) -> None:
    """A preset file as analysts write them: one key per line, so lines and columns mean it."""
    (folder / name).write_text(json.dumps(document, indent=2))


def test_presets_check_prints_one_linter_line_per_problem_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(DEFAULT_PRESETS_DIR / "seed-leak.json", tmp_path)
    (tmp_path / "syntax.json").write_text('{\n  "name": "x"\n  "description": "y"\n}')
    values = {"horizon_years": 11}
    write(tmp_path, "value.json", {"name": "v", "description": "d", "values": values})
    (tmp_path / "Bad Name.json").write_text("{}")
    write(tmp_path, "orphan.json", {"name": "o", "description": "d", "extends": "nope"})
    code, out, _ = run(capsys, "presets", "check", str(tmp_path))
    assert code == 1
    lines = out.splitlines()
    assert f"{tmp_path}/syntax.json:3:3: invalid JSON: Expecting ',' delimiter" in lines
    assert (
        f"{tmp_path}/value.json:5:5: values.horizon_years: "
        "Input should be less than or equal to 10" in lines
    )
    assert f"{tmp_path}/orphan.json:4:3: extends: no preset 'nope'" in lines
    assert any(line.startswith(f"{tmp_path}/Bad Name.json: file name must be") for line in lines)
    assert lines[-1] == "1 preset(s) valid, 4 file(s) with problems"


def test_a_file_breaking_two_rules_gets_a_line_for_each_naming_its_field_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    values = {"price_per_mtok_usd": "abc", "horizon_years": 11}
    write(tmp_path, "two.json", {"name": "t", "description": "d", "values": values})
    code, out, _ = run(capsys, "presets", "check", str(tmp_path))
    assert code == 1
    assert out.splitlines() == [
        f"{tmp_path}/two.json:5:5: values.price_per_mtok_usd: Input should be a valid number",
        f"{tmp_path}/two.json:6:5: values.horizon_years: Input should be less than or equal to 10",
        "0 preset(s) valid, 1 file(s) with problems",
    ]


def test_the_line_of_a_bad_value_is_its_own_not_a_ranges_key_of_the_same_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {
        "name": "r",
        "description": "d",
        "ranges": {"horizon_years": [1, 5]},
        "values": {"horizon_years": 11},
    }
    write(tmp_path, "ranged.json", document)
    _, out, _ = run(capsys, "presets", "check", str(tmp_path))
    assert out.startswith(f"{tmp_path}/ranged.json:11:5: values.horizon_years: ")


@pytest.mark.parametrize(
    ("document", "line"),
    [
        (
            {"name": "t", "description": "d", "values": {"horizon_yeras": 3}},
            "5:5: values.horizon_yeras: unknown field (did you mean 'horizon_years'?)",
        ),
        (
            {"name": "t", "descripton": "d"},
            "3:3: descripton: unknown field (did you mean 'description'?)",
        ),
        (
            {"name": "t", "description": "d", "ranges": {"ai_user": [1, 2]}},
            "5:5: ranges.ai_user: unknown field (did you mean 'ai_users'?)",
        ),
        (
            {"name": "t", "description": "d", "extends": "seed-lek"},
            "4:3: extends: no preset 'seed-lek' (did you mean 'seed-leak'?)",
        ),
        (
            {"name": "t", "description": "d", "values": {"colour": 3}},
            "5:5: values.colour: unknown field",
        ),
    ],
)
def test_a_misspelt_field_or_preset_id_gets_a_did_you_mean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], document: dict[str, object], line: str
) -> None:
    shutil.copy(DEFAULT_PRESETS_DIR / "seed-leak.json", tmp_path)
    write(tmp_path, "typo.json", document)
    code, out, _ = run(capsys, "presets", "check", str(tmp_path))
    assert code == 1 and f"{tmp_path}/typo.json:{line}" in out.splitlines()


def test_presets_check_json_gives_each_problem_its_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    values = {"horizon_years": 11, "price_per_mtok_usd": "abc"}
    write(tmp_path, "value.json", {"name": "v", "description": "d", "values": values})
    code, out, _ = run(capsys, "presets", "check", str(tmp_path), "--json")
    document = json.loads(out)
    assert code == 1 and document["valid"] == []
    where = [(p["field"], p["line"], p["column"]) for p in document["problems"]]
    assert where == [("values.horizon_years", 5, 5), ("values.price_per_mtok_usd", 6, 5)]
    assert all(p["file"] == f"{tmp_path}/value.json" for p in document["problems"])


@pytest.mark.parametrize(
    "argv",
    [
        ["presets", "check", "/no/such/folder"],
        ["presets"],
        ["presets", "diff", "meta-2025"],
        ["presets", "diff", "meta-2025", "nope"],
        ["presets", "frobnicate"],
        ["presets", "list", str(DEFAULT_PRESETS_DIR), "--dir", "/tmp"],
    ],
)
def test_presets_usage_errors_exit_2(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        code = main(argv)
        raise SystemExit(code)
    assert exited.value.code == 2


def test_presets_list_names_each_preset_its_parent_and_its_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(DEFAULT_PRESETS_DIR / "seed-leak.json", tmp_path)
    (tmp_path / "cheap-seed.json").write_text(
        json.dumps(
            {
                "name": "Cheap seed",
                "description": "d",
                "extends": "seed-leak",
                "values": {"price_per_mtok_usd": 1},
            }
        )
    )
    code, out, _ = run(capsys, "presets", "list", "--dir", str(tmp_path))
    assert code == 0
    assert "cheap-seed               Cheap seed (based on seed-leak)" in out
    assert "price_per_mtok_usd=1," in out
    code, out, _ = run(capsys, "presets", "list", "--dir", str(tmp_path), "--json")
    rows = {row["id"]: row for row in json.loads(out)["presets"]}
    assert rows["cheap-seed"]["extends"] == "seed-leak"
    assert rows["cheap-seed"]["changes"]["price_per_mtok_usd"] == 1


def test_presets_diff_names_the_fields_that_differ_and_the_kpi_deltas(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "presets", "diff", "meta-2025", "capex-trap", "--json")
    document = json.loads(out)
    assert code == 0
    changed = {row["field"]: (row["a"], row["b"]) for row in document["fields"]}
    assert changed["ai_capex_busd_per_year"] == (135, 145)
    assert "horizon_years" not in changed
    npv = next(row for row in document["kpis"] if row["kpi"] == "npv_usd")
    assert npv["delta"] == pytest.approx(npv["b"] - npv["a"])
    code, text, _ = run(capsys, "presets", "diff", "meta-2025", "capex-trap")
    assert "ai_capex_busd_per_year" in text and "$B / year" in text


def test_presets_diff_names_each_kpi_by_the_pages_label_with_its_unit(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, text, _ = run(capsys, "presets", "diff", "meta-2025", "capex-trap")
    kpi_lines = text.split("KPIs (B - A):\n")[1].splitlines()
    assert code == 0 and len(kpi_lines) == len(fields(Kpis))
    assert [line.split("  ")[1] for line in kpi_lines] == [KPI_LABELS[f.name] for f in fields(Kpis)]
    assert "  EPS impact, year 1 ($ / share) " in text and "  Token spend, year 1 " in text
    assert "token_spend_year1_usd" not in text and "npv_usd" not in text


def test_every_kpi_of_the_model_has_a_label() -> None:
    assert set(KPI_LABELS) == {f.name for f in fields(Kpis)}


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["check", "{dir}"], "2 preset(s) valid"),
        (["check", "--dir", "{dir}"], "2 preset(s) valid"),
        (["list", "{dir}"], "cheap-seed "),
        (["list", "--dir", "{dir}"], "cheap-seed "),
        (["diff", "seed-leak", "cheap-seed", "{dir}"], "seed-leak -> cheap-seed"),
        (["diff", "seed-leak", "cheap-seed", "--dir", "{dir}"], "seed-leak -> cheap-seed"),
        (["diff", "--dir", "{dir}", "seed-leak", "cheap-seed"], "seed-leak -> cheap-seed"),
    ],
)
def test_every_presets_action_takes_the_folder_as_an_argument_or_as_dir(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    shutil.copy(DEFAULT_PRESETS_DIR / "seed-leak.json", tmp_path)
    variant = {"name": "Cheap", "description": "d", "extends": "seed-leak"}
    write(tmp_path, "cheap-seed.json", variant)
    code, out, err = run(capsys, "presets", *(a.format(dir=tmp_path) for a in argv))
    assert (code, err) == (0, "") and expected in out


def test_presets_diff_names_a_broken_file_with_its_first_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(DEFAULT_PRESETS_DIR / "seed-leak.json", tmp_path)
    values = {"horizon_yeras": 3, "price_per_mtok_usd": "abc"}
    write(tmp_path, "typo-field.json", {"name": "t", "description": "d", "values": values})
    code, out, err = run(capsys, "presets", "diff", "seed-leak", "typo-field", str(tmp_path))
    assert code == 2 and out == ""
    assert err == (
        "error: the preset 'typo-field' is broken (run `presets check`): "
        f"{tmp_path}/typo-field.json:5:5: values.horizon_yeras: unknown field "
        "(did you mean 'horizon_years'?)\n"
    )


def test_presets_diff_suggests_the_preset_id_closest_to_a_misspelt_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "presets", "diff", "meta-2025", "capex-trip")
    assert code == 2
    assert err == "error: no preset 'capex-trip' (did you mean 'capex-trap'?)\n"
    code, _, err = run(capsys, "presets", "diff", "meta-2025", "zzz")
    assert code == 2 and "no preset 'zzz' (valid presets: capex-trap, meta-2025," in err


def test_price_prints_the_worked_check_with_the_price_books_date(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = {
        "as_of": "2020-01-01",
        "models": {
            "m": {
                "name": "M",
                "vendor": "V",
                "input": 5,
                "output": 25,
                "cached_input": 0.5,
                "source": "The vendor's price page",
            }
        },
    }
    (tmp_path / "book.json").write_text(json.dumps(book))
    monkeypatch.setenv("WHATIF_PRICEBOOK", str(tmp_path / "book.json"))
    code, out, _ = run(
        capsys, "price", "--mix", "m=100", "--input-share", "90", "--cache-hit", "50", "--json"
    )
    document = json.loads(out)
    assert code == 0
    assert document["blended_price_per_mtok_usd"] == pytest.approx(4.975)
    assert document["as_of"] == "2020-01-01" and document["stale"] is True
    assert document["age_days"] > 180 and document["models"][0]["id"] == "m"
    code, out, _ = run(
        capsys, "price", "--mix", "m=100", "--input-share", "90", "--cache-hit", "50"
    )
    assert "$4.9750 per million tokens" in out and "stale" in out and "2020-01-01" in out


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--mix", "claude-opus-5-5=60", "--input-share", "90", "--cache-hit", "50"], "not 100%"),
        (["--mix", "nope=100", "--input-share", "90", "--cache-hit", "50"], "unknown model 'nope'"),
        (["--mix", "gpt-6-luna=100", "--input-share", "101", "--cache-hit", "50"], "input share"),
        (["--mix", "gpt-6-luna=100", "--input-share", "90", "--cache-hit", "-5"], "cache-hit"),
    ],
)
def test_price_exits_2_naming_the_problem(
    capsys: pytest.CaptureFixture[str], argv: list[str], named: str
) -> None:
    code, out, err = run(capsys, "price", *argv)
    assert code == 2 and out == "" and named in err and "Traceback" not in err


def test_price_names_a_malformed_price_book_file_and_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "book.json").write_text(json.dumps({"as_of": "2026-01-01", "models": {"m": {}}}))
    monkeypatch.setenv("WHATIF_PRICEBOOK", str(tmp_path / "book.json"))
    code, _, err = run(capsys, "price", "--mix", "m=100", "--input-share", "90", "--cache-hit", "0")
    assert code == 2 and "book.json" in err and "models.m" in err


_ids = st.sampled_from(["a", "b", "c", "seed-leak", "nope", "Bad", ""])


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.dictionaries(
        st.sampled_from(["a", "b", "c"]),
        st.tuples(_ids | st.none(), st.integers(-5, 15)),
        max_size=3,
    )
)
def test_any_web_of_extends_loads_never_raises_and_names_each_bad_file(
    tmp_path_factory: pytest.TempPathFactory, web: dict[str, tuple[str | None, int]]
) -> None:
    folder = tmp_path_factory.mktemp("web")
    shutil.copy(DEFAULT_PRESETS_DIR / "seed-leak.json", folder)
    for preset_id, (parent, horizon) in web.items():
        document: dict[str, object] = {
            "name": preset_id,
            "description": "d",
            "values": {"horizon_years": horizon},
        }
        if parent is not None:
            document["extends"] = parent
        (folder / f"{preset_id}.json").write_text(json.dumps(document))
    loaded = load_presets(folder)
    assert "seed-leak" in loaded.presets
    assert set(loaded.presets) | {e.file.removesuffix(".json") for e in loaded.errors} == {
        "seed-leak",
        *web,
    }
    for error in loaded.errors:
        assert error.reason and (error.field or error.line)


def test_presets_check_names_files_under_the_working_directory_relative_to_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "assets" / "presets"
    folder.mkdir(parents=True)
    write(folder, "variant.json", {"name": "v", "description": "d", "extends": "nope"})
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(capsys, "presets", "check", str(folder))
    assert out.splitlines()[0] == "assets/presets/variant.json:4:3: extends: no preset 'nope'"
