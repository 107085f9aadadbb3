"""The analysts' commands: presets check, list and diff, and price."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from whatif.cli import main
from whatif.presets import DEFAULT_PRESETS_DIR, load_presets

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


def test_presets_check_prints_one_annotation_line_per_bad_file_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(DEFAULT_PRESETS_DIR / "seed-leak.json", tmp_path)
    (tmp_path / "syntax.json").write_text('{\n  "name": "x"\n  "description": "y"\n}')
    (tmp_path / "value.json").write_text(
        json.dumps({"name": "v", "description": "d", "values": {"horizon_years": 11}})
    )
    (tmp_path / "Bad Name.json").write_text("{}")
    (tmp_path / "orphan.json").write_text(
        json.dumps({"name": "o", "description": "d", "extends": "nope"})
    )
    code, out, _ = run(capsys, "presets", "check", str(tmp_path))
    assert code == 1
    lines = out.splitlines()
    assert f"{tmp_path}/syntax.json:3:3: invalid JSON: Expecting ',' delimiter" in lines
    assert (
        f"{tmp_path}/value.json: values.horizon_years: Input should be less than or equal to 10"
        in lines
    )
    assert f"{tmp_path}/orphan.json: extends: no preset 'nope'" in lines
    assert any(line.startswith(f"{tmp_path}/Bad Name.json: file name must be") for line in lines)
    assert lines[-1] == "1 preset(s) valid, 4 file(s) with problems"


def test_presets_check_json_lists_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "value.json").write_text(
        json.dumps({"name": "v", "description": "d", "values": {"horizon_years": 11}})
    )
    code, out, _ = run(capsys, "presets", "check", str(tmp_path), "--json")
    document = json.loads(out)
    assert code == 1 and document["valid"] == []
    (problem,) = document["problems"]
    assert problem["field"] == "values.horizon_years" and problem["file"].endswith("value.json")


@pytest.mark.parametrize(
    "argv",
    [
        ["presets", "check", "/no/such/folder"],
        ["presets"],
        ["presets", "diff", "meta-2025"],
        ["presets", "diff", "meta-2025", "nope"],
        ["presets", "frobnicate"],
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
    assert "ai_capex_busd_per_year" in text and "npv_usd" in text and "$B / year" in text


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
